/* tern-sync-replay-folders.c: replaying the journal's folder operations on the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CREATE, RENAME and DELETE of folders made or changed here, and the subscriptions
 * the user changed (SUBSCRIBE, UNSUBSCRIBE). A refusal drops the entry (see
 * tern-sync-replay.c): the sync that follows the replay takes the server's folders
 * and subscriptions.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-error.h"
#include "tern-sync-replay.h"
#include "tern-sync-replay-private.h"

/* SUBSCRIBE / UNSUBSCRIBE after a folder operation. A convenience only: a failure
 * (a server that refuses, a connection lost, which the next command reports) leaves
 * the folder operation done, and the next sync records the server's subscriptions. */
static void
set_subscribed (TernImapSession *session, const char *server_name, gboolean subscribed, GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (!(subscribed ? tern_imap_session_subscribe : tern_imap_session_unsubscribe) (session, server_name,
                                                                                 cancellable, &error))
    g_debug ("%s %s: %s", subscribed ? "SUBSCRIBE" : "UNSUBSCRIBE", server_name, error->message);
}

/* After a RENAME of @old_name to @new_name, which took the folders inside it along:
 * their subscriptions follow them (servers need not move them, and Dovecot does
 * not), and the store knows their new names on the server before the next LIST. */
static gboolean
follow_rename_below (Replay *r, TernStoreFolder *folder, const char *old_name, const char *new_name, char delimiter,
                     GError **error)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autofree char *prefix = NULL;
  char delim[2] = { delimiter, '\0' };

  if (delimiter == '\0')
    return TRUE;
  folders = tern_store_db_list_folders (r->db, tern_store_folder_get_account_id (folder), error);
  if (folders == NULL)
    return FALSE;
  prefix = g_strdup_printf ("%s%c", old_name, delimiter);
  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *below = g_ptr_array_index (folders, i);
      const char *server_path = tern_store_folder_get_server_path (below);
      g_autofree char *moved = NULL;

      if (server_path == NULL || !g_str_has_prefix (server_path, prefix))
        continue;
      moved = g_strconcat (new_name, server_path + strlen (old_name), NULL);
      if (tern_store_folder_get_subscribed (below))
        {
          set_subscribed (r->session, server_path, FALSE, r->cancellable);
          set_subscribed (r->session, moved, TRUE, r->cancellable);
        }
      if (!tern_store_db_sync_set_folder_server (r->db, tern_store_folder_get_id (below), moved, delim,
                                                 tern_store_folder_get_role (below), error))
        return FALSE;
    }
  return TRUE;
}

/* The user's SUBSCRIBE or UNSUBSCRIBE, under the folder's name on the server now (a
 * rename replayed since the entry was made has changed it). Unlike the ones above, a
 * refusal is the user's to see; the store takes the server's subscription with the
 * folder list that follows the replay. */
static gboolean
replay_subscription (Replay *r, char delimiter, GError **error)
{
  gboolean subscribe = r->entry->op == TERN_STORE_JOURNAL_FOLDER_SUBSCRIBE;
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (r->db, r->entry->folder_id, NULL);
  g_autofree char *server_name = NULL;
  g_autoptr(GError) local_error = NULL;

  if (folder != NULL && tern_store_folder_get_server_path (folder) != NULL)
    server_name = g_strdup (tern_store_folder_get_server_path (folder));
  else if (folder != NULL)
    server_name = tern_sync_replay_server_name (tern_store_folder_get_path (folder), delimiter);
  else if (r->entry->name != NULL)
    server_name = g_strdup (r->entry->name);
  else
    return TRUE;   /* a folder deleted here since, never on the server */

  if ((subscribe ? tern_imap_session_subscribe : tern_imap_session_unsubscribe) (r->session, server_name,
                                                                               r->cancellable, &local_error))
    return TRUE;
  if (g_error_matches (local_error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO) ||
      g_error_matches (local_error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_BAD))
    {
      g_autofree char *what = g_strdup_printf (subscribe ? _("Subscribing to “%s”") : _("Unsubscribing from “%s”"),
                                               folder != NULL ? tern_store_folder_get_path (folder) : server_name);

      _tern_sync_replay_note_refusal (r, local_error, what,
                                      subscribe ? _("the folder stays unsubscribed")
                                                : _("the folder stays subscribed"));
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
_tern_sync_replay_folder_op (Replay *r, char delimiter, GError **error)
{
  TernStoreDbJournalEntry *entry = r->entry;
  TernImapSession *session = r->session;
  GCancellable *cancellable = r->cancellable;
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autofree char *server_name = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TernImapMailbox) created = NULL;
  char delim[2] = { delimiter, '\0' };

  if (entry->op == TERN_STORE_JOURNAL_FOLDER_DELETE)
    {
      if (entry->name == NULL)
        return TRUE;
      if (!tern_imap_session_delete (session, entry->name, cancellable, error))
        return FALSE;
      /* A subscription may outlive its mailbox (RFC 3501 6.3.6). */
      set_subscribed (session, entry->name, FALSE, cancellable);
      return TRUE;
    }

  if (entry->op == TERN_STORE_JOURNAL_FOLDER_SUBSCRIBE || entry->op == TERN_STORE_JOURNAL_FOLDER_UNSUBSCRIBE)
    return replay_subscription (r, delimiter, error);

  folder = tern_store_db_get_folder (r->db, entry->folder_id, error);
  if (folder == NULL)
    return FALSE;
  server_name = tern_sync_replay_server_name (entry->name != NULL ? entry->name : tern_store_folder_get_path (folder),
                                              delimiter);

  if (entry->op == TERN_STORE_JOURNAL_FOLDER_RENAME && tern_store_folder_get_server_path (folder) != NULL)
    {
      if (!tern_imap_session_rename (session, tern_store_folder_get_server_path (folder), server_name,
                                     cancellable, &local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Servers need not move the subscription (RFC 3501 6.3.6: a subscription
       * outlives its mailbox); an UNSUBSCRIBE and a SUBSCRIBE make sure. */
      if (tern_store_folder_get_subscribed (folder))
        {
          set_subscribed (session, tern_store_folder_get_server_path (folder), FALSE, cancellable);
          set_subscribed (session, server_name, TRUE, cancellable);
        }
      if (!follow_rename_below (r, folder, tern_store_folder_get_server_path (folder), server_name, delimiter, error))
        return FALSE;
    }
  else
    {
      if (!tern_imap_session_create (session, server_name, cancellable, &local_error) &&
          /* Created already (by an earlier, interrupted replay): fine. */
          (!g_error_matches (local_error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO) ||
           (strstr (local_error->message, "ALREADYEXISTS") == NULL &&
            strstr (local_error->message, "exists") == NULL)))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      set_subscribed (session, server_name, TRUE, cancellable);   /* a folder made here is wanted */
      /* The server's UIDVALIDITY, not the one the store gave the folder made here:
       * the messages later entries move or upload there take their UIDs under it
       * (COPYUID, APPENDUID), and the sync would otherwise see a new UIDVALIDITY and
       * load the folder again. Without an answer, the sync does that. */
      created = tern_imap_session_status (session, server_name, TERN_IMAP_STATUS_ITEM_UIDVALIDITY, cancellable,
                                          NULL);
    }
  if (!tern_store_db_sync_set_folder_server (r->db, entry->folder_id, server_name, delim,
                                             tern_store_folder_get_role (folder), error))
    return FALSE;
  if (created != NULL && (created->status_items & TERN_IMAP_STATUS_ITEM_UIDVALIDITY) && created->uidvalidity != 0)
    return tern_store_db_set_folder_sync_state (r->db, entry->folder_id, created->uidvalidity, 1, 0, error);
  return TRUE;
}

