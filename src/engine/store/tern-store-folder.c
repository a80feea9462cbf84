/* tern-store-folder.c: a folder of the store, as read at one moment
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-store-folder.h"
#include "tern-store-private.h"

struct _TernStoreFolder
{
  GObject              parent_instance;

  gint64               id;
  gint64               account_id;
  char                *account;
  gint64               parent_id;
  char                *name;
  char                *path;
  char                *server_path;
  char                *delimiter;
  TernStoreFolderRole  role;
  guint32              uidvalidity;
  guint32              uidnext;
  guint64              highestmodseq;
  guint                total;
  guint                unread;
  gboolean             subscribed;
};

G_DEFINE_FINAL_TYPE (TernStoreFolder, tern_store_folder, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ACCOUNT,
  PROP_PARENT_ID,
  PROP_NAME,
  PROP_PATH,
  PROP_ROLE,
  PROP_TOTAL,
  PROP_UNREAD,
  PROP_SUBSCRIBED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tern_store_folder_finalize (GObject *object)
{
  TernStoreFolder *self = TERN_STORE_FOLDER (object);

  g_free (self->account);
  g_free (self->name);
  g_free (self->path);
  g_free (self->server_path);
  g_free (self->delimiter);

  G_OBJECT_CLASS (tern_store_folder_parent_class)->finalize (object);
}

static void
tern_store_folder_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernStoreFolder *self = TERN_STORE_FOLDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_PARENT_ID:
      g_value_set_int64 (value, self->parent_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_ROLE:
      g_value_set_int (value, self->role);
      break;
    case PROP_TOTAL:
      g_value_set_uint (value, self->total);
      break;
    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;
    case PROP_SUBSCRIBED:
      g_value_set_boolean (value, self->subscribed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_store_folder_class_init (TernStoreFolderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_store_folder_finalize;
  object_class->get_property = tern_store_folder_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARENT_ID] = g_param_spec_int64 ("parent-id", NULL, NULL, 0, G_MAXINT64, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] = g_param_spec_int ("role", NULL, NULL, 0, G_MAXINT, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOTAL] = g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNREAD] = g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBSCRIBED] = g_param_spec_boolean ("subscribed", NULL, NULL, TRUE,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tern_store_folder_init (TernStoreFolder *self)
{
}

static char *
column_text (sqlite3_stmt *stmt, int col)
{
  const char *s = (const char *) sqlite3_column_text (stmt, col);
  return s != NULL ? g_strdup (s) : NULL;
}

/* Reads a row of TERN_STORE_FOLDER_COLUMNS. */
TernStoreFolder *
_tern_store_folder_new_from_stmt (sqlite3_stmt *stmt)
{
  TernStoreFolder *self = g_object_new (TERN_TYPE_STORE_FOLDER, NULL);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->account_id = sqlite3_column_int64 (stmt, 1);
  self->account = column_text (stmt, 2);
  self->parent_id = sqlite3_column_int64 (stmt, 3);
  self->name = column_text (stmt, 4);
  self->path = column_text (stmt, 5);
  self->server_path = column_text (stmt, 6);
  self->delimiter = column_text (stmt, 7);
  self->role = sqlite3_column_int (stmt, 8);
  self->uidvalidity = (guint32) sqlite3_column_int64 (stmt, 9);
  self->uidnext = (guint32) sqlite3_column_int64 (stmt, 10);
  self->highestmodseq = (guint64) sqlite3_column_int64 (stmt, 11);
  self->total = (guint) MAX (0, sqlite3_column_int64 (stmt, 12));
  self->unread = (guint) MAX (0, sqlite3_column_int64 (stmt, 13));
  self->subscribed = sqlite3_column_int (stmt, 14) != 0;
  return self;
}

/* Copies a folder read again into the object a list model hands out, and notifies
 * what changed (on the main thread). */
void
_tern_store_folder_update_from (TernStoreFolder *self, TernStoreFolder *row)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
#define SET_VALUE(field, prop) \
  if (self->field != row->field) \
    { \
      self->field = row->field; \
      if (prop != 0) \
        g_object_notify_by_pspec (object, properties[prop]); \
    }
#define SET_STRING(field, prop) \
  if (g_strcmp0 (self->field, row->field) != 0) \
    { \
      g_free (self->field); \
      self->field = g_strdup (row->field); \
      if (prop != 0) \
        g_object_notify_by_pspec (object, properties[prop]); \
    }
  SET_VALUE (account_id, 0);
  SET_STRING (account, PROP_ACCOUNT);
  SET_VALUE (parent_id, PROP_PARENT_ID);
  SET_STRING (name, PROP_NAME);
  SET_STRING (path, PROP_PATH);
  SET_STRING (server_path, 0);
  SET_STRING (delimiter, 0);
  SET_VALUE (role, PROP_ROLE);
  SET_VALUE (uidvalidity, 0);
  SET_VALUE (uidnext, 0);
  SET_VALUE (highestmodseq, 0);
  SET_VALUE (total, PROP_TOTAL);
  SET_VALUE (unread, PROP_UNREAD);
  SET_VALUE (subscribed, PROP_SUBSCRIBED);
#undef SET_VALUE
#undef SET_STRING
  g_object_thaw_notify (object);
}

/* The counts the store announced after a commit. */
void
_tern_store_folder_set_counts (TernStoreFolder *self, guint total, guint unread)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->total != total)
    {
      self->total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
    }
  if (self->unread != unread)
    {
      self->unread = unread;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
tern_store_folder_get_id (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->id;
}

gint64
tern_store_folder_get_account_id (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->account_id;
}

/**
 * tern_store_folder_get_account:
 *
 * Returns: the account's e-mail address ("local" for Local Folders)
 */
const char *
tern_store_folder_get_account (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), NULL);
  return self->account;
}

/**
 * tern_store_folder_get_parent_id:
 *
 * Returns: the parent folder's id, 0 at the top level
 */
gint64
tern_store_folder_get_parent_id (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->parent_id;
}

const char *
tern_store_folder_get_name (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), NULL);
  return self->name;
}

/**
 * tern_store_folder_get_path:
 *
 * Returns: the levels of the folder's name joined with '/', e.g. "Lists/dev"
 */
const char *
tern_store_folder_get_path (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), NULL);
  return self->path;
}

const char *
tern_store_folder_get_server_path (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), NULL);
  return self->server_path;
}

const char *
tern_store_folder_get_delimiter (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), NULL);
  return self->delimiter;
}

TernStoreFolderRole
tern_store_folder_get_role (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->role;
}

guint32
tern_store_folder_get_uidvalidity (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->uidvalidity;
}

guint32
tern_store_folder_get_uidnext (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->uidnext;
}

guint64
tern_store_folder_get_highestmodseq (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->highestmodseq;
}

guint
tern_store_folder_get_total (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->total;
}

guint
tern_store_folder_get_unread (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), 0);
  return self->unread;
}

/**
 * tern_store_folder_get_subscribed:
 *
 * Returns: whether the server lists the folder as subscribed (always %TRUE for
 *   local and POP3 folders)
 */
gboolean
tern_store_folder_get_subscribed (TernStoreFolder *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (self), FALSE);

  return self->subscribed;
}
