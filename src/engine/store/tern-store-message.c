/* tern-store-message.c: a message row of the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list model hands out rows before they are read (loaded = FALSE) and fills
 * them when their page arrives; the properties then notify, so bound widgets
 * update themselves.
 */
#include "config.h"

#include "tern-store-message.h"
#include "tern-store-private.h"

struct _TernStoreMessage
{
  GObject         parent_instance;

  gboolean        loaded;
  gint64          id;
  gint64          folder_id;
  guint32         uid;
  char           *uidl;
  TernStoreFlags  flags;
  char           *keywords;
  gint64          internal_date;
  gint64          date;
  int             date_tz;
  gint64          size;
  char           *from;
  char           *to;
  char           *cc;
  char           *subject;
  char           *message_id;
  char           *in_reply_to;
  gboolean        has_attachments;
  gboolean        has_body;
  char           *preview;
  gint64          thread_id;
};

G_DEFINE_FINAL_TYPE (TernStoreMessage, tern_store_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_ID,
  PROP_FOLDER_ID,
  PROP_FLAGS,
  PROP_DATE,
  PROP_SIZE,
  PROP_FROM,
  PROP_SUBJECT,
  PROP_PREVIEW,
  PROP_HAS_ATTACHMENTS,
  PROP_THREAD_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_fields (TernStoreMessage *self)
{
  g_clear_pointer (&self->uidl, g_free);
  g_clear_pointer (&self->keywords, g_free);
  g_clear_pointer (&self->from, g_free);
  g_clear_pointer (&self->to, g_free);
  g_clear_pointer (&self->cc, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->message_id, g_free);
  g_clear_pointer (&self->in_reply_to, g_free);
  g_clear_pointer (&self->preview, g_free);
}

static void
tern_store_message_finalize (GObject *object)
{
  clear_fields (TERN_STORE_MESSAGE (object));
  G_OBJECT_CLASS (tern_store_message_parent_class)->finalize (object);
}

static void
tern_store_message_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernStoreMessage *self = TERN_STORE_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_FOLDER_ID:
      g_value_set_int64 (value, self->folder_id);
      break;
    case PROP_FLAGS:
      g_value_set_uint (value, self->flags);
      break;
    case PROP_DATE:
      g_value_set_int64 (value, self->date);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_FROM:
      g_value_set_string (value, self->from);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_PREVIEW:
      g_value_set_string (value, self->preview);
      break;
    case PROP_HAS_ATTACHMENTS:
      g_value_set_boolean (value, self->has_attachments);
      break;
    case PROP_THREAD_ID:
      g_value_set_int64 (value, self->thread_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_store_message_class_init (TernStoreMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tern_store_message_finalize;
  object_class->get_property = tern_store_message_get_property;

  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FOLDER_ID] = g_param_spec_int64 ("folder-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FLAGS] = g_param_spec_uint ("flags", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_DATE] = g_param_spec_int64 ("date", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FROM] = g_param_spec_string ("from", NULL, NULL, NULL, flags);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  properties[PROP_PREVIEW] = g_param_spec_string ("preview", NULL, NULL, NULL, flags);
  properties[PROP_HAS_ATTACHMENTS] = g_param_spec_boolean ("has-attachments", NULL, NULL, FALSE, flags);
  properties[PROP_THREAD_ID] = g_param_spec_int64 ("thread-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tern_store_message_init (TernStoreMessage *self)
{
}

static char *
column_text (sqlite3_stmt *stmt, int col)
{
  const char *s = (const char *) sqlite3_column_text (stmt, col);
  return s != NULL ? g_strdup (s) : NULL;
}

TernStoreMessage *
_tern_store_message_new_placeholder (void)
{
  return g_object_new (TERN_TYPE_STORE_MESSAGE, NULL);
}

/* Reads a row of TERN_STORE_MESSAGE_COLUMNS into @self. */
void
_tern_store_message_fill (TernStoreMessage *self, sqlite3_stmt *stmt)
{
  clear_fields (self);
  self->id = sqlite3_column_int64 (stmt, 0);
  self->folder_id = sqlite3_column_int64 (stmt, 1);
  self->uid = (guint32) sqlite3_column_int64 (stmt, 2);
  self->uidl = column_text (stmt, 3);
  self->flags = sqlite3_column_int (stmt, 4);
  self->keywords = column_text (stmt, 5);
  self->internal_date = sqlite3_column_int64 (stmt, 6);
  self->date = sqlite3_column_int64 (stmt, 7);
  self->date_tz = sqlite3_column_int (stmt, 8);
  self->size = sqlite3_column_int64 (stmt, 9);
  self->from = column_text (stmt, 10);
  self->to = column_text (stmt, 11);
  self->cc = column_text (stmt, 12);
  self->subject = column_text (stmt, 13);
  self->message_id = column_text (stmt, 14);
  self->in_reply_to = column_text (stmt, 15);
  self->has_attachments = sqlite3_column_int (stmt, 16) != 0;
  self->has_body = sqlite3_column_int (stmt, 17) != 0;
  self->preview = column_text (stmt, 18);
  self->thread_id = sqlite3_column_int64 (stmt, 19);
}

TernStoreMessage *
_tern_store_message_new_from_stmt (sqlite3_stmt *stmt)
{
  TernStoreMessage *self = _tern_store_message_new_placeholder ();

  _tern_store_message_fill (self, stmt);
  self->loaded = TRUE;
  return self;
}

/* A row not read yet whose id is known: the list model's item for it, filled later. */
TernStoreMessage *
_tern_store_message_new_placeholder_for (gint64 id)
{
  TernStoreMessage *self = _tern_store_message_new_placeholder ();

  self->id = id;
  return self;
}

/* Copies a row read by a worker into the object the main thread hands out (a
 * placeholder, or an older copy of the row) and notifies what changed, so that a
 * bound widget updates itself and the object stays the same object. */
void
_tern_store_message_load_from (TernStoreMessage *self, TernStoreMessage *row)
{
  _tern_store_message_update_from (self, row);
}

/* The same; returns whether a property changed. */
gboolean
_tern_store_message_update_from (TernStoreMessage *self, TernStoreMessage *row)
{
  gboolean any = FALSE;
  gboolean was_loaded = self->loaded;
  gboolean changed[N_PROPS] = { FALSE, };

#define SET_VALUE(field, prop) \
  if (!was_loaded || self->field != row->field) \
    { \
      self->field = row->field; \
      changed[prop] = TRUE; \
    }
#define SET_STRING(field, prop) \
  if (!was_loaded || g_strcmp0 (self->field, row->field) != 0) \
    { \
      g_free (self->field); \
      self->field = g_strdup (row->field); \
      changed[prop] = TRUE; \
    }

  SET_VALUE (id, PROP_ID);
  SET_VALUE (folder_id, PROP_FOLDER_ID);
  SET_VALUE (flags, PROP_FLAGS);
  SET_VALUE (date, PROP_DATE);
  SET_VALUE (size, PROP_SIZE);
  SET_STRING (from, PROP_FROM);
  SET_STRING (subject, PROP_SUBJECT);
  SET_STRING (preview, PROP_PREVIEW);
  SET_VALUE (has_attachments, PROP_HAS_ATTACHMENTS);
  SET_VALUE (thread_id, PROP_THREAD_ID);
#undef SET_VALUE
#undef SET_STRING

  /* The fields without a property. */
  self->uid = row->uid;
  g_free (self->uidl);
  self->uidl = g_strdup (row->uidl);
  g_free (self->keywords);
  self->keywords = g_strdup (row->keywords);
  self->internal_date = row->internal_date;
  self->date_tz = row->date_tz;
  g_free (self->to);
  self->to = g_strdup (row->to);
  g_free (self->cc);
  self->cc = g_strdup (row->cc);
  g_free (self->message_id);
  self->message_id = g_strdup (row->message_id);
  g_free (self->in_reply_to);
  self->in_reply_to = g_strdup (row->in_reply_to);
  self->has_body = row->has_body;
  self->loaded = TRUE;
  changed[PROP_LOADED] = !was_loaded;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_LOADED; i < N_PROPS; i++)
    if (changed[i])
      {
        g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
        any = TRUE;
      }
  g_object_thaw_notify (G_OBJECT (self));
  return any;
}

/**
 * tern_store_message_is_loaded:
 *
 * Returns: %FALSE while the row is a placeholder of the list model waiting for
 *   its data (then every other getter returns 0 or %NULL)
 */
gboolean
tern_store_message_is_loaded (TernStoreMessage *self)
{
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE (self), FALSE);
  return self->loaded;
}

#define GETTER(type, name, field, fallback) \
  type \
  tern_store_message_get_##name (TernStoreMessage *self) \
  { \
    g_return_val_if_fail (TERN_IS_STORE_MESSAGE (self), fallback); \
    return self->field; \
  }

GETTER (gint64, id, id, 0)
GETTER (gint64, folder_id, folder_id, 0)
GETTER (guint32, uid, uid, 0)
GETTER (const char *, uidl, uidl, NULL)
GETTER (TernStoreFlags, flags, flags, 0)
GETTER (const char *, keywords, keywords, NULL)
GETTER (gint64, internal_date, internal_date, 0)
GETTER (gint64, date, date, 0)
GETTER (int, date_tz, date_tz, 0)
GETTER (gint64, size, size, 0)
GETTER (const char *, from, from, NULL)
GETTER (const char *, to, to, NULL)
GETTER (const char *, cc, cc, NULL)
GETTER (const char *, subject, subject, NULL)
GETTER (const char *, message_id, message_id, NULL)
GETTER (const char *, in_reply_to, in_reply_to, NULL)
GETTER (gboolean, has_attachments, has_attachments, FALSE)
GETTER (gboolean, has_body, has_body, FALSE)
GETTER (const char *, preview, preview, NULL)
GETTER (gint64, thread_id, thread_id, 0)

/**
 * tern_store_message_dup_date_time:
 *
 * Returns: (transfer full): the message's date in the time zone of its Date header
 */
GDateTime *
tern_store_message_dup_date_time (TernStoreMessage *self)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GTimeZone) tz = NULL;

  g_return_val_if_fail (TERN_IS_STORE_MESSAGE (self), NULL);

  utc = g_date_time_new_from_unix_utc (self->date);
  if (utc == NULL)
    utc = g_date_time_new_from_unix_utc (0);
  tz = g_time_zone_new_offset (self->date_tz * 60);
  if (tz == NULL)
    return g_steal_pointer (&utc);
  return g_date_time_to_timezone (utc, tz);
}
