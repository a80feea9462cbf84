/* tern-store-thread.c: a conversation, as a list of conversations shows it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Like TernStoreMessage, it is handed out before it is read (loaded = FALSE, its id
 * set) and filled in place; its properties notify, so a bound row updates itself.
 */
#include "config.h"

#include "tern-store-private.h"
#include "tern-store-thread.h"

struct _TernStoreThread
{
  GObject            parent_instance;

  gboolean           loaded;
  gint64             id;
  guint              n_messages;
  guint              n_unread;
  gboolean           flagged;
  gboolean           has_attachments;
  gboolean           answered;
  char              *participants;
  TernStoreMessage  *latest;
};

G_DEFINE_FINAL_TYPE (TernStoreThread, tern_store_thread, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_ID,
  PROP_N_MESSAGES,
  PROP_N_UNREAD,
  PROP_FLAGGED,
  PROP_HAS_ATTACHMENTS,
  PROP_ANSWERED,
  PROP_PARTICIPANTS,
  PROP_LATEST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tern_store_thread_finalize (GObject *object)
{
  TernStoreThread *self = TERN_STORE_THREAD (object);

  g_free (self->participants);
  g_clear_object (&self->latest);
  G_OBJECT_CLASS (tern_store_thread_parent_class)->finalize (object);
}

static void
tern_store_thread_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernStoreThread *self = TERN_STORE_THREAD (object);

  switch (prop_id)
    {
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_N_MESSAGES: g_value_set_uint (value, self->n_messages); break;
    case PROP_N_UNREAD: g_value_set_uint (value, self->n_unread); break;
    case PROP_FLAGGED: g_value_set_boolean (value, self->flagged); break;
    case PROP_HAS_ATTACHMENTS: g_value_set_boolean (value, self->has_attachments); break;
    case PROP_ANSWERED: g_value_set_boolean (value, self->answered); break;
    case PROP_PARTICIPANTS: g_value_set_string (value, self->participants); break;
    case PROP_LATEST: g_value_set_object (value, self->latest); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_store_thread_class_init (TernStoreThreadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tern_store_thread_finalize;
  object_class->get_property = tern_store_thread_get_property;

  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_N_MESSAGES] = g_param_spec_uint ("n-messages", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_UNREAD] = g_param_spec_uint ("n-unread", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_FLAGGED] = g_param_spec_boolean ("flagged", NULL, NULL, FALSE, flags);
  properties[PROP_HAS_ATTACHMENTS] = g_param_spec_boolean ("has-attachments", NULL, NULL, FALSE, flags);
  properties[PROP_ANSWERED] = g_param_spec_boolean ("answered", NULL, NULL, FALSE, flags);
  properties[PROP_PARTICIPANTS] = g_param_spec_string ("participants", NULL, NULL, NULL, flags);
  properties[PROP_LATEST] = g_param_spec_object ("latest", NULL, NULL, TERN_TYPE_STORE_MESSAGE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tern_store_thread_init (TernStoreThread *self)
{
}

TernStoreThread *
_tern_store_thread_new_placeholder_for (gint64 id)
{
  TernStoreThread *self = g_object_new (TERN_TYPE_STORE_THREAD, NULL);

  self->id = id;
  return self;
}

/* Fills the object from a summary read by a worker (on the main thread); notifies
 * what changed. The newest message keeps its object when it is the same message.
 * Returns whether anything changed. */
gboolean
_tern_store_thread_load_from (TernStoreThread *self, const TernStoreDbThreadSummary *summary)
{
  gboolean changed[N_PROPS] = { FALSE, };
  gboolean any = FALSE;

#define SET(field, prop) \
  if (self->field != summary->field) \
    { \
      self->field = summary->field; \
      changed[prop] = TRUE; \
    }
  SET (n_messages, PROP_N_MESSAGES);
  SET (n_unread, PROP_N_UNREAD);
  SET (flagged, PROP_FLAGGED);
  SET (has_attachments, PROP_HAS_ATTACHMENTS);
  SET (answered, PROP_ANSWERED);
#undef SET
  if (g_strcmp0 (self->participants, summary->participants) != 0)
    {
      g_free (self->participants);
      self->participants = g_strdup (summary->participants);
      changed[PROP_PARTICIPANTS] = TRUE;
    }
  if (summary->latest != NULL && self->latest != NULL &&
      tern_store_message_get_id (self->latest) == tern_store_message_get_id (summary->latest))
    any |= _tern_store_message_update_from (self->latest, summary->latest);
  else if (summary->latest != self->latest)
    {
      g_set_object (&self->latest, summary->latest);
      changed[PROP_LATEST] = TRUE;
    }
  changed[PROP_LOADED] = !self->loaded;
  self->loaded = TRUE;

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
 * tern_store_thread_is_loaded:
 *
 * Returns: %FALSE while the row waits for its data (then every getter but the id's
 *   returns 0, %FALSE or %NULL)
 */
gboolean
tern_store_thread_is_loaded (TernStoreThread *self)
{
  g_return_val_if_fail (TERN_IS_STORE_THREAD (self), FALSE);
  return self->loaded;
}

#define GETTER(type, name, field, fallback) \
  type \
  tern_store_thread_get_##name (TernStoreThread *self) \
  { \
    g_return_val_if_fail (TERN_IS_STORE_THREAD (self), fallback); \
    return self->field; \
  }

GETTER (gint64, id, id, 0)
GETTER (guint, n_messages, n_messages, 0)
GETTER (guint, n_unread, n_unread, 0)
GETTER (gboolean, flagged, flagged, FALSE)
GETTER (gboolean, has_attachments, has_attachments, FALSE)
GETTER (gboolean, answered, answered, FALSE)
GETTER (const char *, participants, participants, NULL)

/**
 * tern_store_thread_get_latest:
 *
 * Returns: (transfer none) (nullable): the conversation's newest message (in the
 *   list's folder)
 */
TernStoreMessage *
tern_store_thread_get_latest (TernStoreThread *self)
{
  g_return_val_if_fail (TERN_IS_STORE_THREAD (self), NULL);
  return self->latest;
}
