/* tern-sync-message-fetch.c: one message's body, at once, when the user opens it
 *
 * The sync stores every header first and the bodies after, newest first; a message
 * the user opens before its turn (or outside the body window, or on a metered
 * network) is fetched here at once, on a connection of its own, so that it never
 * waits behind the background sync. The body is stored (and indexed) as the sync
 * would have stored it, and returned.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-account-sessions.h"
#include "tern-credentials.h"
#include "tern-sync-message-fetch.h"
#include "tern-imap-response.h"
#include "tern-imap-session.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"
#include "tern-sync-error.h"

typedef struct
{
  guint32  uid;
  GBytes  *raw;
} Fetch;

static void
fetch_cb (TernImapSession *session, TernImapResponse *response, gpointer user_data)
{
  Fetch *fetch = user_data;
  guint32 uid = 0;

  if (fetch->raw == NULL && tern_imap_response_get_fetch_uid (response, &uid) && uid == fetch->uid)
    fetch->raw = tern_imap_response_dup_fetch_section (response, "BODY[]");
}

/**
 * tern_sync_message_fetch:
 * @db: the store
 * @account: the IMAP account the message belongs to
 * @password: its password
 * @message_id: the message's id in the store
 *
 * Returns the message's raw bytes: the stored ones when the store has them,
 * otherwise fetched from the server (`UID FETCH uid BODY.PEEK[]` in the folder,
 * opened read-only, so the message stays unread) and stored. Runs on the calling
 * thread (never the UI's; see tern_sync_message_fetch_async()).
 *
 * Returns: (transfer full): the message, or %NULL with @error set:
 *   %TERN_SYNC_ERROR_NOT_ON_SERVER when the server has no such message (deleted
 *   there, or a local-only message), %TERN_SYNC_ERROR_FOLDER_CHANGED when the
 *   folder's UIDVALIDITY changed, or a network, IMAP or store error
 */
GBytes *
tern_sync_message_fetch (TernStoreDb   *db,
                         TernAccount   *account,
                         const char    *password,
                         gint64         message_id,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(TernStoreMessage) message = NULL;
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autoptr(TernImapSession) session = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *set = NULL;
  GBytes *raw;
  Fetch fetch = { 0, NULL };

  g_return_val_if_fail (TERN_IS_STORE_DB (db), NULL);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), NULL);

  raw = tern_store_db_get_raw (db, message_id, &local_error);
  if (raw != NULL)
    return raw;
  if (!g_error_matches (local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  message = tern_store_db_get_message (db, message_id, error);
  if (message == NULL)
    return NULL;
  folder = tern_store_db_get_folder (db, tern_store_message_get_folder_id (message), error);
  if (folder == NULL)
    return NULL;
  if (g_strcmp0 (tern_store_folder_get_account (folder), tern_account_get_email (account)) != 0)
    {
      g_set_error (error, TERN_SYNC_ERROR, TERN_SYNC_ERROR_WRONG_ACCOUNT,
                   _("Message %" G_GINT64_FORMAT " belongs to %s, not to %s"), message_id,
                   tern_store_folder_get_account (folder), tern_account_get_email (account));
      return NULL;
    }
  fetch.uid = tern_store_message_get_uid (message);
  if (tern_store_folder_get_server_path (folder) == NULL || fetch.uid == 0 || fetch.uid >= TERN_STORE_LOCAL_UID_BASE)
    {
      g_set_error (error, TERN_SYNC_ERROR, TERN_SYNC_ERROR_NOT_ON_SERVER,
                   _("Only the header of this message is stored, and it is not on the server yet"));
      return NULL;
    }

  session = tern_account_open_imap (account, password, 0, cancellable, error);
  if (session == NULL)
    return NULL;
  if (!tern_imap_session_select (session, tern_store_folder_get_server_path (folder), TERN_IMAP_SELECT_READ_ONLY,
                                 NULL, cancellable, error))
    return NULL;
  if (tern_imap_session_get_uidvalidity (session) != tern_store_folder_get_uidvalidity (folder))
    {
      g_set_error (error, TERN_SYNC_ERROR, TERN_SYNC_ERROR_FOLDER_CHANGED,
                   _("The folder “%s” was replaced on the server; the next sync reloads it"),
                   tern_store_folder_get_path (folder));
      return NULL;
    }

  set = g_strdup_printf ("%u", fetch.uid);
  if (!tern_imap_session_uid_fetch (session, set, "(UID BODY.PEEK[])", 0, fetch_cb, &fetch, cancellable, error))
    {
      g_clear_pointer (&fetch.raw, g_bytes_unref);
      return NULL;
    }
  tern_imap_session_logout (session, cancellable, NULL);
  if (fetch.raw == NULL)
    {
      g_set_error (error, TERN_SYNC_ERROR, TERN_SYNC_ERROR_NOT_ON_SERVER,
                   _("The message is no longer on the server"));
      return NULL;
    }
  /* Stored (and indexed) as the sync stores it; a sync that stored it meanwhile
   * wins, with the same bytes. */
  if (!tern_store_message_get_has_body (message) && !tern_store_db_set_raw (db, message_id, fetch.raw, error))
    {
      g_bytes_unref (fetch.raw);
      return NULL;
    }
  return fetch.raw;
}

typedef struct
{
  char        *store_path;
  TernAccount *account;
  char        *password;
  gint64       message_id;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_free (data->store_path);
  g_clear_object (&data->account);
  tern_credentials_free_password (data->password);
  g_free (data);
}

static void
fetch_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  FetchData *data = task_data;
  g_autoptr(TernStoreDb) db = NULL;
  GError *error = NULL;
  GBytes *raw;

  db = tern_store_db_open (data->store_path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  raw = tern_sync_message_fetch (db, data->account, data->password, data->message_id, cancellable, &error);
  if (raw == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
}

/**
 * tern_sync_message_fetch_async:
 * @store_path: the store's file (a connection of its own is opened on the worker)
 *
 * tern_sync_message_fetch() on a worker thread; the callback runs on the caller's
 * thread-default main context.
 */
void
tern_sync_message_fetch_async (const char          *store_path,
                               TernAccount         *account,
                               const char          *password,
                               gint64               message_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FetchData *data;

  g_return_if_fail (store_path != NULL);
  g_return_if_fail (TERN_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_sync_message_fetch_async);
  data = g_new0 (FetchData, 1);
  data->store_path = g_strdup (store_path);
  data->account = g_object_ref (account);
  data->password = tern_credentials_dup_password (password);
  data->message_id = message_id;
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  g_task_run_in_thread (task, fetch_thread);
}

/**
 * tern_sync_message_fetch_finish:
 *
 * Returns: (transfer full): the message's raw bytes, or %NULL with @error set
 */
GBytes *
tern_sync_message_fetch_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_sync_message_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
