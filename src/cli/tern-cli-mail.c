/* tern-cli-mail.c: tern-cli on the engine's front-end API (TernMail)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The commands that change mail, sync or send go through TernMail, as the window
 * does: the same journal, the same outbox rules. tern-cli is one-shot: it runs the
 * main loop until the operation it started completes.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-store-db-sync.h"

/**
 * tern_cli_mail_open:
 *
 * Opens the store (`$TERN_STORE` if set) and the accounts.
 */
TernMail *
tern_cli_mail_open (GError **error)
{
  const char *path = g_getenv ("TERN_STORE");

  return tern_mail_new_sync (path != NULL && *path != '\0' ? path : NULL, NULL, NULL, error);
}

/* A GAsyncReadyCallback keeping the result in the GAsyncResult * @user_data points at. */
void
tern_cli_mail_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/**
 * tern_cli_mail_wait:
 * @slot: where tern_cli_mail_done_cb() puts the result
 *
 * Runs the main loop until the result is there.
 *
 * Returns: (transfer none): the result (still owned by @slot)
 */
GAsyncResult *
tern_cli_mail_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/**
 * tern_cli_mail_finish:
 *
 * Waits for an operation and prints its error.
 */
gboolean
tern_cli_mail_finish (TernMail *mail, GAsyncResult **slot, const char *command, gint64 *id)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = tern_mail_operation_finish (mail, tern_cli_mail_wait (slot), NULL, id, &error);

  g_clear_object (slot);
  if (!ok)
    tern_cli_printerr_error (command, error);
  return ok;
}

/**
 * tern_cli_mail_parse_ids:
 *
 * Reads message ids (the "id" of list and search), each a positive number.
 */
gboolean
tern_cli_mail_parse_ids (int argc, char **argv, GArray **ids)
{
  *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int i = 0; i < argc; i++)
    {
      char *end = NULL;
      gint64 id = g_ascii_strtoll (argv[i], &end, 10);

      if (id <= 0 || end == argv[i] || *end != '\0')
        {
          g_clear_pointer (ids, g_array_unref);
          return FALSE;
        }
      g_array_append_val (*ids, id);
    }
  return (*ids)->len > 0;
}

/**
 * tern_cli_mail_account:
 * @address: (nullable): an address, or %NULL for the first account
 *
 * Returns: (transfer none): the account, or %NULL with the error to print
 */
TernMailAccount *
tern_cli_mail_account (TernMail *mail, const char *address, GError **error)
{
  GListModel *accounts = tern_mail_get_accounts (mail);
  TernMailAccount *account;

  if (address != NULL)
    {
      account = tern_mail_lookup_account (mail, address);
      if (account == NULL)
        g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_NO_ACCOUNT,
                     _("No account “%s” (see “tern-cli account list”)"), address);
      return account;
    }
  if (g_list_model_get_n_items (accounts) == 0)
    {
      g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_NO_ACCOUNT,
                           _("No account is set up (see “tern-cli account add”)"));
      return NULL;
    }
  account = g_list_model_get_item (accounts, 0);
  g_object_unref (account);   /* the list keeps it */
  return account;
}

typedef struct
{
  char   *account;
  char   *path;
} FolderQuery;

static void
folder_query_free (FolderQuery *query)
{
  g_free (query->account);
  g_free (query->path);
  g_free (query);
}

static gpointer
folder_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  FolderQuery *query = data;
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  gint64 account_id, id;

  if (g_ascii_strcasecmp (query->account, TERN_STORE_LOCAL_ACCOUNT) == 0)
    account_id = tern_store_db_ensure_account (db, TERN_STORE_LOCAL_ACCOUNT, TERN_STORE_ACCOUNT_LOCAL, error);
  else
    account_id = tern_store_db_lookup_account (db, query->account, error);
  if (account_id == 0)
    return NULL;
  folder = tern_store_db_lookup_folder (db, account_id, query->path, NULL);
  if (folder == NULL)
    {
      /* A name as a server lists it (its delimiter), or a special folder by role
       * ("Trash"), case aside. */
      if ((folders = tern_store_db_list_folders (db, account_id, error)) == NULL)
        return NULL;
      for (guint i = 0; i < folders->len && folder == NULL; i++)
        {
          TernStoreFolder *f = g_ptr_array_index (folders, i);

          if (g_strcmp0 (tern_store_folder_get_server_path (f), query->path) == 0 ||
              g_ascii_strcasecmp (tern_store_folder_get_path (f), query->path) == 0 ||
              g_ascii_strcasecmp (tern_store_folder_role_to_string (tern_store_folder_get_role (f)),
                                  query->path) == 0)
            folder = g_object_ref (f);
        }
    }
  if (folder == NULL)
    {
      g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_NO_FOLDER, _("No folder “%s” in %s (see “tern-cli folders”)"),
                   query->path, query->account);
      return NULL;
    }
  id = tern_store_folder_get_id (folder);
  return g_memdup2 (&id, sizeof id);
}

/**
 * tern_cli_mail_folder:
 * @account: (nullable): an account's address, "local", or %NULL for the first account
 * @path: the folder's path ("Lists/dev"), its name on the server, or its role
 *
 * Returns: the folder's id, or 0 with @error set
 */
gint64
tern_cli_mail_folder (TernMail *mail, const char *account, const char *path, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  FolderQuery *query = g_new0 (FolderQuery, 1);
  gint64 *id;
  gint64 value;

  if (account == NULL)
    {
      TernMailAccount *first = tern_cli_mail_account (mail, NULL, error);

      if (first == NULL)
        {
          folder_query_free (query);
          return 0;
        }
      account = tern_mail_account_get_email (first);
    }
  query->account = g_strdup (account);
  query->path = g_strdup (path);
  tern_store_run_async (tern_mail_get_store (mail), folder_work, query, (GDestroyNotify) folder_query_free, g_free,
                        NULL, tern_cli_mail_done_cb, &result);
  id = tern_store_run_finish (tern_mail_get_store (mail), tern_cli_mail_wait (&result), error);
  if (id == NULL)
    return 0;
  value = *id;
  g_free (id);
  return value;
}

static gpointer
message_account_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, *(gint64 *) data, error);
  g_autoptr(TernStoreFolder) folder = NULL;

  if (message == NULL ||
      (folder = tern_store_db_get_folder (db, tern_store_message_get_folder_id (message), error)) == NULL)
    return NULL;
  return g_strdup (tern_store_folder_get_account (folder));
}

/**
 * tern_cli_mail_message_account:
 *
 * Returns: (transfer full): the address of the account message @id belongs to
 *   ("local" for Local Folders), or %NULL with @error set
 */
char *
tern_cli_mail_message_account (TernMail *mail, gint64 id, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tern_store_run_async (tern_mail_get_store (mail), message_account_work, g_memdup2 (&id, sizeof id), g_free, g_free,
                        NULL, tern_cli_mail_done_cb, &result);
  return tern_store_run_finish (tern_mail_get_store (mail), tern_cli_mail_wait (&result), error);
}
