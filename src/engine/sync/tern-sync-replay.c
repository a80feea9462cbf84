/* tern-sync-replay.c: replaying the offline journal on the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The journal (schema 003, written by tern-sync-journal.c) is replayed oldest first.
 * An entry leaves the journal when the server did it, or when the server refused it
 * (NO: a folder or a message is gone): such a conflict drops the operation and
 * keeps the local data, so nothing is lost, and the next sync brings the store back
 * in step. Any other failure (the network, a BYE) stops the replay with the entry
 * still in the journal, to be retried on the next run; operations are written so
 * that doing one twice does no harm (flags are absolute +/-, CREATE tolerates
 * ALREADYEXISTS, a move finds its messages gone).
 *
 * Keywords ($Forwarded, $label1...) go with the flags: a flags entry may carry
 * keywords to add and to remove, stored with +FLAGS and -FLAGS. A server may refuse
 * keywords it cannot keep (its PERMANENTFLAGS lack \* and the name): that NO counts
 * as done, and the store takes the keywords the server has for those messages. An
 * APPEND uploads a message with its keywords, and again without them if the server
 * refuses those.
 *
 * Messages are named by the entry's UID set and by its journal_messages rows
 * (schema 006): a row with UID 0 is a message the server had not placed when the
 * entry was made (moved, copied or saved offline); the entry that places it (a MOVE
 * or COPY with the server's COPYUID, an APPEND with APPENDUID) hands its UID on to
 * the later entries that name it (tern_store_db_sync_journal_forward()), and gives
 * the local row that UID unless a later entry moves the message on. An entry left
 * with a message still without a UID (the server said no COPYUID, or an earlier
 * entry was refused) falls back to what loses nothing: the local copy is uploaded
 * where it is now, or, without a body to upload, dropped here while the server
 * keeps the message where it is (the next sync shows it there).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-error.h"
#include "tern-sync-journal.h"
#include "tern-sync-replay.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"

char *
tern_sync_replay_server_name (const char *path, char delimiter)
{
  char *name = g_strdup (path);

  if (delimiter != '\0' && delimiter != '/')
    g_strdelimit (name, "/", delimiter);
  return name;
}

static gboolean
is_conflict (const GError *error)
{
  return g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO) ||
         g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_BAD) ||
         g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME) ||
         g_error_matches (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
}

static gboolean
select_folder (TernImapSession *session, const char *server_path, GCancellable *cancellable, GError **error)
{
  if (server_path == NULL)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND, _("The folder is not on the server"));
      return FALSE;
    }
  if (g_strcmp0 (tern_imap_session_get_selected_mailbox (session), server_path) == 0 &&
      !tern_imap_session_is_read_only (session))
    return TRUE;
  return tern_imap_session_select (session, server_path, TERN_IMAP_SELECT_NONE, NULL, cancellable, error);
}

static gboolean
store_flags (TernImapSession *session, const char *uids, TernImapStoreMode mode, TernStoreFlags flags,
             GCancellable *cancellable, GError **error)
{
  g_auto(GStrv) names = NULL;

  if (flags == 0)
    return TRUE;
  names = tern_store_flags_to_strv (flags);
  return tern_imap_session_uid_store (session, uids, mode, (const char * const *) names, 0, NULL, cancellable, error);
}

typedef struct
{
  TernStoreDb  *db;
  gint64        folder_id;
  GError       *error;
} KeywordRefresh;

static void
keyword_refresh_cb (TernImapSession *session, TernImapResponse *response, gpointer user_data)
{
  KeywordRefresh *refresh = user_data;
  g_auto(GStrv) flags = NULL;
  g_autofree char *keywords = NULL;
  TernStoreDbSyncRow row;
  gboolean found = FALSE;
  guint32 uid;

  if (refresh->error != NULL || !tern_imap_response_get_fetch_uid (response, &uid) ||
      tern_imap_response_get_fetch_item (response, "FLAGS") == NULL)
    return;
  flags = tern_imap_response_dup_fetch_flags (response);
  keywords = tern_sync_journal_keywords_from_strv ((const char * const *) flags);
  if (tern_store_db_sync_lookup_uid (refresh->db, refresh->folder_id, uid, &row, &found, &refresh->error) && found)
    tern_store_db_set_keywords (refresh->db, row.id, keywords, &refresh->error);
}

/* A flags entry's keywords (space separated). The server may refuse keywords (a NO:
 * its PERMANENTFLAGS lack \* and the name, a name too long...): the entry is done all
 * the same, and the store takes the keywords the server has for those messages (the
 * sync would not: their mod-sequence did not change). */
static gboolean
store_keywords (TernStoreDb *db, TernImapSession *session, gint64 folder_id, const char *uids,
                TernImapStoreMode mode, const char *keywords, GCancellable *cancellable, GError **error)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) valid = NULL;
  g_autoptr(GError) local_error = NULL;
  KeywordRefresh refresh = { db, folder_id, NULL };

  if (keywords == NULL)
    return TRUE;
  names = g_strsplit (keywords, " ", -1);
  valid = g_ptr_array_new ();
  for (guint i = 0; names[i] != NULL; i++)
    if (tern_sync_journal_keyword_is_valid (names[i]))
      g_ptr_array_add (valid, names[i]);
  if (valid->len == 0)
    return TRUE;
  g_ptr_array_add (valid, NULL);
  if (tern_imap_session_uid_store (session, uids, mode, (const char * const *) valid->pdata, 0, NULL,
                                   cancellable, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_debug ("UID STORE %s %sFLAGS (%s) refused, the server keeps its keywords: %s", uids,
           mode == TERN_IMAP_STORE_REMOVE ? "-" : "+", keywords, local_error->message);
  g_clear_error (&local_error);
  if (!tern_imap_session_uid_fetch (session, uids, "(UID FLAGS)", 0, keyword_refresh_cb, &refresh,
                                    cancellable, &local_error))
    {
      g_clear_error (&refresh.error);
      if (!g_error_matches (local_error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("UID FETCH %s (FLAGS): %s", uids, local_error->message);
      return TRUE;
    }
  if (refresh.error != NULL)
    {
      g_propagate_error (error, refresh.error);
      return FALSE;
    }
  return TRUE;
}

/* A message's flags (but \Deleted) and keywords, for an APPEND. */
static GStrv
append_flags (TernStoreMessage *message, gboolean with_keywords)
{
  g_auto(GStrv) flags = tern_store_flags_to_strv (tern_store_message_get_flags (message) & ~TERN_STORE_FLAG_DELETED);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_addv (builder, (const char **) flags);
  if (with_keywords && tern_store_message_get_keywords (message) != NULL)
    {
      g_auto(GStrv) keywords = g_strsplit (tern_store_message_get_keywords (message), " ", -1);

      for (guint i = 0; keywords[i] != NULL; i++)
        if (tern_sync_journal_keyword_is_valid (keywords[i]))
          g_strv_builder_add (builder, keywords[i]);
    }
  return g_strv_builder_end (builder);
}

/* APPENDs a stored message with its flags and keywords. Should the server refuse (a
 * NO: it may not take the keywords), once more without them; the local copy then
 * has none either, as on the server. */
static gboolean
append_message (TernStoreDb *db, TernImapSession *session, const char *mailbox, TernStoreMessage *message,
                GBytes *raw, guint32 *uidvalidity, guint32 *uid, GCancellable *cancellable, GError **error)
{
  g_auto(GStrv) flags = append_flags (message, TRUE);
  g_autoptr(GError) local_error = NULL;

  if (tern_imap_session_append (session, mailbox, (const char * const *) flags, NULL, raw, uidvalidity, uid,
                                cancellable, &local_error))
    return TRUE;
  if (tern_store_message_get_keywords (message) != NULL &&
      g_error_matches (local_error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO))
    {
      g_debug ("APPEND to %s with the keywords %s refused (%s); again without them", mailbox,
               tern_store_message_get_keywords (message), local_error->message);
      g_clear_error (&local_error);
      g_strfreev (flags);
      flags = append_flags (message, FALSE);
      if (tern_imap_session_append (session, mailbox, (const char * const *) flags, NULL, raw, uidvalidity, uid,
                                    cancellable, &local_error))
        return tern_store_db_set_keywords (db, tern_store_message_get_id (message), NULL, error);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Removes the server's message @uid from @folder_id (UID EXPUNGE with UIDPLUS; the
 * \Deleted flag alone without). */
static gboolean
expunge_server_copy (TernStoreDb *db, TernImapSession *session, gint64 folder_id, guint32 uid,
                     GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, NULL);
  g_autofree char *set = g_strdup_printf ("%u", uid);

  if (folder == NULL || tern_store_folder_get_server_path (folder) == NULL)
    return TRUE;
  if (!select_folder (session, tern_store_folder_get_server_path (folder), cancellable, error) ||
      !store_flags (session, set, TERN_IMAP_STORE_ADD, TERN_STORE_FLAG_DELETED, cancellable, error))
    return FALSE;
  if (tern_imap_session_has_capability (session, "UIDPLUS"))
    return tern_imap_session_uid_expunge (session, set, cancellable, error);
  return TRUE;
}

/* The server has message @row_id in @folder_id under @uid now (after a move, a copy
 * or an upload by @entry): the later entries that name it learn the UID, and the
 * local row takes it, unless a later entry moves the message on. When nothing here
 * wants that copy any more (the message was deleted here without a later entry to
 * delete it there), it is taken off the server, or the next sync would bring it
 * back. */
static gboolean
settle (TernStoreDb *db, TernImapSession *session, gint64 entry, gint64 row_id, gint64 folder_id, guint32 uid,
        GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreMessage) message = NULL;
  gboolean moves_on = FALSE;
  TernStoreDbSyncRow row;
  gboolean found = FALSE;

  if (!tern_store_db_sync_journal_forward (db, entry, row_id, 0, uid, &moves_on, error))
    return FALSE;
  if (moves_on)
    return TRUE;    /* a later entry moves or deletes the server's copy */

  message = tern_store_db_get_message (db, row_id, NULL);
  if (message == NULL)
    return expunge_server_copy (db, session, folder_id, uid, cancellable, error);
  if (tern_store_message_get_folder_id (message) != folder_id ||
      tern_store_message_get_uid (message) < TERN_STORE_LOCAL_UID_BASE)
    return TRUE;    /* settled already, or gone where no entry follows it: keep both */

  /* A sync may have stored the server's copy meanwhile: keep one. */
  if (!tern_store_db_sync_lookup_uid (db, folder_id, uid, &row, &found, error))
    return FALSE;
  if (found)
    return tern_store_db_delete_messages (db, &row_id, 1, error);
  return tern_store_db_sync_set_uid (db, row_id, uid, error);
}

/* A message an entry could not place by UID (the server gave no COPYUID, the
 * source was gone, an earlier entry was refused): the local copy in @target is
 * uploaded there, or, without a body, dropped here (the server keeps the message
 * where it is, and the next sync shows it there). */
static gboolean
rescue (TernStoreDb *db, TernImapSession *session, gint64 entry, gint64 row_id, TernStoreFolder *target,
        GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, row_id, NULL);
  g_autoptr(GBytes) raw = NULL;
  guint32 uidvalidity = 0, uid = 0;

  if (message == NULL || tern_store_message_get_folder_id (message) != tern_store_folder_get_id (target) ||
      tern_store_message_get_uid (message) < TERN_STORE_LOCAL_UID_BASE)
    return TRUE;
  if (!tern_store_message_get_has_body (message))
    return tern_store_db_delete_messages (db, &row_id, 1, error);
  raw = tern_store_db_get_raw (db, row_id, error);
  if (raw == NULL)
    return FALSE;
  if (!append_message (db, session, tern_store_folder_get_server_path (target), message, raw, &uidvalidity, &uid,
                       cancellable, error))
    return FALSE;
  if (uid == 0)
    return TRUE;    /* no APPENDUID: the next sync brings the server's copy */
  return settle (db, session, entry, row_id, tern_store_folder_get_id (target), uid, cancellable, error);
}

/* The UIDs an entry works on: its own set and those handed on to its messages. */
static TernImapUidSet *
entry_uids (TernStoreDbJournalEntry *entry, GArray *messages)
{
  TernImapUidSet *set = NULL;

  if (entry->uids != NULL)
    set = tern_imap_uid_set_parse (entry->uids, -1);
  if (set == NULL)
    set = tern_imap_uid_set_new ();
  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      TernStoreDbJournalMessage *m = &g_array_index (messages, TernStoreDbJournalMessage, i);
      if (m->uid != 0)
        tern_imap_uid_set_add (set, m->uid);
    }
  return set;
}

static gboolean
replay_transfer (TernStoreDb *db, TernImapSession *session, TernStoreDbJournalEntry *entry,
                 GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreFolder) source = tern_store_db_get_folder (db, entry->folder_id, NULL);
  g_autoptr(TernStoreFolder) target = tern_store_db_get_folder (db, entry->target_folder_id, error);
  g_autoptr(GArray) messages = NULL;
  g_autoptr(TernImapUidSet) set = NULL;
  g_autoptr(TernImapUidSet) src = NULL;
  g_autoptr(TernImapUidSet) dst = NULL;
  g_autoptr(GArray) src_uids = NULL;
  g_autoptr(GArray) dst_uids = NULL;
  g_autofree char *set_text = NULL;
  guint32 uidvalidity = 0;
  gboolean ok = TRUE;

  if (target == NULL)
    return FALSE;
  if ((messages = tern_store_db_sync_journal_list_messages (db, entry->id, error)) == NULL)
    return FALSE;
  set = entry_uids (entry, messages);

  if (tern_imap_uid_set_get_count (set) > 0)
    {
      if (source == NULL || !select_folder (session, tern_store_folder_get_server_path (source), cancellable, error))
        {
          if (source == NULL)
            g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND, _("The folder is gone"));
          return FALSE;
        }
      if (tern_store_folder_get_server_path (target) == NULL)
        {
          g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND, _("The folder is not on the server"));
          return FALSE;
        }
      set_text = tern_imap_uid_set_to_string (set);
      if (entry->op == TERN_STORE_JOURNAL_MOVE)
        ok = tern_imap_session_uid_move (session, set_text, tern_store_folder_get_server_path (target),
                                         &uidvalidity, &src, &dst, cancellable, error);
      else
        ok = tern_imap_session_uid_copy (session, set_text, tern_store_folder_get_server_path (target),
                                         &uidvalidity, &src, &dst, cancellable, error);
      if (!ok)
        return FALSE;
    }

  if (src != NULL && dst != NULL)
    {
      src_uids = tern_imap_uid_set_to_array (src, G_MAXUINT);
      dst_uids = tern_imap_uid_set_to_array (dst, G_MAXUINT);
      if (src_uids == NULL || dst_uids == NULL || src_uids->len != dst_uids->len ||
          (tern_store_folder_get_uidvalidity (target) != 0 && tern_store_folder_get_highestmodseq (target) > 0 &&
           uidvalidity != tern_store_folder_get_uidvalidity (target)))
        g_clear_pointer (&src_uids, g_array_unref);
    }

  if (!tern_store_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < messages->len; i++)
    {
      TernStoreDbJournalMessage *m = &g_array_index (messages, TernStoreDbJournalMessage, i);
      gint64 row_id = entry->op == TERN_STORE_JOURNAL_COPY ? m->copy_id : m->message_id;
      guint32 dest = 0;
      gboolean placed = FALSE;

      if (row_id == 0)
        continue;   /* a copy the server makes and the sync brings */
      if (m->uid == 0)
        placed = FALSE;
      else if (src_uids == NULL)
        /* No COPYUID: from a server with UIDPLUS that means nothing was moved (the
         * source is gone); from one without, assume done and let the sync fetch it. */
        placed = src == NULL && !tern_imap_session_has_capability (session, "UIDPLUS");
      else
        for (guint j = 0; j < src_uids->len && !placed; j++)
          if (g_array_index (src_uids, guint32, j) == m->uid)
            {
              dest = g_array_index (dst_uids, guint32, j);
              placed = TRUE;
            }

      if (placed && dest != 0)
        ok = settle (db, session, entry->id, row_id, entry->target_folder_id, dest, cancellable, error);
      else if (placed)
        {
          /* Done without a UID: the sync brings the server's copy; the local one,
           * unless a later entry needs it, goes. */
          g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, row_id, NULL);

          ok = TRUE;
          if (message != NULL && tern_store_message_get_folder_id (message) == entry->target_folder_id &&
              tern_store_message_get_uid (message) >= TERN_STORE_LOCAL_UID_BASE)
            ok = tern_store_db_delete_messages (db, &row_id, 1, error);
        }
      else
        ok = rescue (db, session, entry->id, row_id, target, cancellable, error);
      if (!ok)
        {
          tern_store_db_rollback (db);
          return FALSE;
        }
    }
  return tern_store_db_commit (db, error);
}

static gboolean
replay_append (TernStoreDb *db, TernImapSession *session, TernStoreDbJournalEntry *entry,
               GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, entry->folder_id, error);
  g_autoptr(TernStoreFolder) now = NULL;
  g_autoptr(TernStoreMessage) message = NULL;
  g_autoptr(GBytes) raw = NULL;
  guint32 uidvalidity = 0, uid = 0;

  if (folder == NULL)
    return FALSE;
  message = tern_store_db_get_message (db, entry->message_id, NULL);
  if (message == NULL || tern_store_message_get_uid (message) < TERN_STORE_LOCAL_UID_BASE)
    return TRUE;    /* deleted or uploaded since */
  /* Moved to another account since: that account uploads it. */
  now = tern_store_db_get_folder (db, tern_store_message_get_folder_id (message), NULL);
  if (now == NULL || tern_store_folder_get_account_id (now) != tern_store_folder_get_account_id (folder))
    return TRUE;
  if ((raw = tern_store_db_get_raw (db, entry->message_id, error)) == NULL)
    return FALSE;
  if (tern_store_folder_get_server_path (folder) == NULL)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND, _("The folder is not on the server"));
      return FALSE;
    }
  if (!append_message (db, session, tern_store_folder_get_server_path (folder), message, raw, &uidvalidity, &uid,
                       cancellable, error))
    return FALSE;
  if (uid == 0)
    {
      /* No APPENDUID: the sync brings the server's copy; ours goes, unless it
       * moved on (a later entry then uploads it where it is). */
      if (tern_store_message_get_folder_id (message) == entry->folder_id)
        return tern_store_db_delete_messages (db, &entry->message_id, 1, error);
      return TRUE;
    }
  return settle (db, session, entry->id, entry->message_id, entry->folder_id, uid, cancellable, error);
}

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

static gboolean
replay_folder_op (TernStoreDb *db, TernImapSession *session, TernStoreDbJournalEntry *entry, char delimiter,
                  GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autofree char *server_name = NULL;
  g_autoptr(GError) local_error = NULL;
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

  folder = tern_store_db_get_folder (db, entry->folder_id, error);
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
    }
  return tern_store_db_sync_set_folder_server (db, entry->folder_id, server_name, delim,
                                               tern_store_folder_get_role (folder), error);
}

static gboolean
replay_entry (TernStoreDb *db, TernImapSession *session, TernStoreDbJournalEntry *entry, char delimiter,
              GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreFolder) folder = NULL;

  switch (entry->op)
    {
    case TERN_STORE_JOURNAL_FLAGS:
    case TERN_STORE_JOURNAL_DELETE:
      {
        g_autoptr(GArray) messages = tern_store_db_sync_journal_list_messages (db, entry->id, error);
        g_autoptr(TernImapUidSet) set = NULL;
        g_autofree char *uids = NULL;

        if (messages == NULL)
          return FALSE;
        set = entry_uids (entry, messages);
        if (tern_imap_uid_set_get_count (set) == 0)
          return TRUE;    /* messages the server never placed: nothing to do there */
        uids = tern_imap_uid_set_to_string (set);
        folder = tern_store_db_get_folder (db, entry->folder_id, error);
        if (folder == NULL ||
            !select_folder (session, tern_store_folder_get_server_path (folder), cancellable, error))
          return FALSE;
        if (entry->op == TERN_STORE_JOURNAL_FLAGS)
          return store_flags (session, uids, TERN_IMAP_STORE_ADD, entry->flags_add, cancellable, error) &&
                 store_flags (session, uids, TERN_IMAP_STORE_REMOVE, entry->flags_remove, cancellable, error) &&
                 store_keywords (db, session, entry->folder_id, uids, TERN_IMAP_STORE_ADD,
                                 entry->keywords_add, cancellable, error) &&
                 store_keywords (db, session, entry->folder_id, uids, TERN_IMAP_STORE_REMOVE,
                                 entry->keywords_remove, cancellable, error);
        if (!store_flags (session, uids, TERN_IMAP_STORE_ADD, TERN_STORE_FLAG_DELETED, cancellable, error))
          return FALSE;
        if (tern_imap_session_has_capability (session, "UIDPLUS"))
          return tern_imap_session_uid_expunge (session, uids, cancellable, error);
        return TRUE;    /* \Deleted is set; the server expunges it some time */
      }

    case TERN_STORE_JOURNAL_MOVE:
    case TERN_STORE_JOURNAL_COPY:
      return replay_transfer (db, session, entry, cancellable, error);

    case TERN_STORE_JOURNAL_APPEND:
      return replay_append (db, session, entry, cancellable, error);

    case TERN_STORE_JOURNAL_FOLDER_CREATE:
    case TERN_STORE_JOURNAL_FOLDER_RENAME:
    case TERN_STORE_JOURNAL_FOLDER_DELETE:
      return replay_folder_op (db, session, entry, delimiter, cancellable, error);

    default:
      g_warning ("Dropping the journal entry %" G_GINT64_FORMAT ": unknown operation %d", entry->id, entry->op);
      return TRUE;
    }
}

/**
 * tern_sync_replay_run:
 * @session: a logged-in session
 * @delimiter: the server's hierarchy delimiter
 * @n_replayed: (out) (optional): how many entries left the journal
 *
 * Replays the account's journal in order.
 *
 * Returns: %FALSE when a failure other than a conflict stopped the replay
 */
gboolean
tern_sync_replay_run (TernStoreDb      *db,
                         TernImapSession  *session,
                         gint64            account_id,
                         char              delimiter,
                         guint            *n_replayed,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr(GPtrArray) entries = tern_store_db_sync_list_journal (db, account_id, error);
  guint done = 0;

  if (n_replayed != NULL)
    *n_replayed = 0;
  if (entries == NULL)
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      TernStoreDbJournalEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) local_error = NULL;

      tern_store_db_sync_journal_attempted (db, entry->id, NULL);
      if (!replay_entry (db, session, entry, delimiter, cancellable, &local_error))
        {
          if (!is_conflict (local_error))
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                          _("Sending the changes made offline: "));
              return FALSE;
            }
          g_message ("Dropping an offline change the server refused (%s); the local data stays",
                     local_error->message);
        }
      if (!tern_store_db_sync_journal_remove (db, entry->id, error))
        return FALSE;
      done++;
      if (n_replayed != NULL)
        *n_replayed = done;
    }
  return TRUE;
}
