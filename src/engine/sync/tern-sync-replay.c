/* tern-sync-replay.c: replaying the offline journal on the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The journal (schema 003, written by tern-sync-journal.c) is replayed oldest first.
 * An entry leaves the journal when the server did it, or when the server refused it
 * (NO or BAD: a folder or a message is gone, a quota is full, a right is missing).
 * A refusal is reported (tern_sync_replay_run()'s @refused) and its local side is
 * undone at once, so that the store shows what the server has and no message is
 * lost; the sync would not do it, as it neither fetches messages below the
 * UIDNEXT it stored nor, with CONDSTORE or QRESYNC, flags whose mod-sequence did not
 * change:
 *
 *  - flags and keywords: the refused messages take the flags the server has for
 *    them (UID FETCH FLAGS), with the changes of the later entries still to replay;
 *  - a move: the messages go back to the source folder under their UIDs, with the
 *    server's flags, and the later entries that name them follow them there
 *    (journal_messages.folder, schema 007): a flag change, a second move or a delete
 *    made after it still reaches the message; a message the server no longer has
 *    there is uploaded where it is here;
 *  - a copy: the local copy goes, unless it is all that is left of the message (then
 *    it is uploaded), or a later entry moves it on;
 *  - a delete: the messages the server keeps come back (their headers at once, their
 *    bodies with the sync);
 *  - an upload (APPEND): the message stays here, on this computer only;
 *  - folder operations: dropped, the sync brings the server's folders.
 *
 * Any other failure (the network, a BYE) stops the replay with the entry still in
 * the journal, to be retried on the next run. Doing an entry twice does no harm:
 * flags are absolute +/-, CREATE tolerates ALREADYEXISTS, the local side of a move,
 * a copy or an upload is committed with the entry's removal from the journal, and an
 * entry tried before (whose command may have reached the server before the
 * connection dropped, the answer lost) first looks for its message in the target
 * folder by its Message-ID, rather than uploading or copying it a second time. Each
 * try is counted on disk (synced) before its command is sent, so a power cut cannot
 * make a try look like the first.
 *
 * Keywords ($Forwarded, $label1...) go with the flags: a flags entry may carry
 * keywords to add and to remove, stored with +FLAGS and -FLAGS. A server may refuse
 * keywords it cannot keep (its PERMANENTFLAGS lack \* and the name): a refusal like
 * any other. An APPEND uploads a message with its keywords, and again without them
 * if the server refuses those.
 *
 * Messages are named by the entry's UID set and by its journal_messages rows
 * (schema 006): a row with UID 0 is a message the server had not placed when the
 * entry was made (moved, copied or saved offline); the entry that places it (a MOVE
 * or COPY with the server's COPYUID, an APPEND with APPENDUID) hands its UID on to
 * the later entries that name it (tern_store_db_sync_journal_forward()), and gives
 * the local row that UID unless a later entry moves the message on. An entry left
 * with a message still without a UID (the server said no COPYUID, or the source
 * folder is gone) falls back to what loses nothing: the local copy is uploaded
 * where it is now, or, without a body to upload, dropped here while the server
 * keeps the message where it is.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-error.h"
#include "tern-mime-summary.h"
#include "tern-sync-journal.h"
#include "tern-sync-replay.h"
#include "tern-sync-replay-private.h"
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

static void
replay_clear (Replay *r)
{
  g_clear_error (&r->refusal);
  g_clear_pointer (&r->later, g_ptr_array_unref);
}

/* The server said no (NO) or did not take the command (BAD): the entry cannot be
 * done, and waiting will not change that. */
static gboolean
is_refusal (const GError *error)
{
  return g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO) ||
         g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_BAD);
}

static gboolean
is_conflict (const GError *error)
{
  return is_refusal (error) ||
         g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME) ||
         g_error_matches (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
}

/* Keeps a refusal of the entry for the report, in words that say what was refused
 * (@what) and what the store shows now (@outcome); one after the first goes to the
 * log only. */
void
_tern_sync_replay_note_refusal (Replay *r, const GError *error, const char *what, const char *outcome)
{
  const char *text = error->domain == TERN_IMAP_ERROR ? tern_imap_error_get_server_text (error) : NULL;
  g_autofree char *message = NULL;

  if (text == NULL || *text == '\0')
    text = error->message;
  /* Translators: "<what was done offline>: <the server's words>; <what the store shows now>" */
  message = g_strdup_printf (_("%s: %s; %s"), what, text, outcome);
  if (r->refusal == NULL)
    r->refusal = g_error_new_literal (error->domain, error->code, message);
  else
    g_message ("%s", message);
}

/* "1 message", "3 messages" */
static char *
n_messages (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages", n), n);
}

static const char *
folder_path (TernStoreDb *db, gint64 folder_id, TernStoreFolder **keep)
{
  *keep = tern_store_db_get_folder (db, folder_id, NULL);
  return *keep != NULL ? tern_store_folder_get_path (*keep) : "?";
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

/* Selects a folder of the store; NULL (with @error) when it is gone or not selectable. */
static TernStoreFolder *
select_folder_id (Replay *r, gint64 folder_id, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (r->db, folder_id, error);

  if (folder == NULL ||
      !select_folder (r->session, tern_store_folder_get_server_path (folder), r->cancellable, error))
    return NULL;
  return g_steal_pointer (&folder);
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

/* ---- the server's truth ------------------------------------------------------------ */

/* The entries after the one being replayed, still to replay. */
static GPtrArray *
later_entries (Replay *r, gint64 account_id, GError **error)
{
  if (r->later == NULL)
    {
      g_autoptr(GPtrArray) all = tern_store_db_sync_list_journal (r->db, account_id, error);

      if (all == NULL)
        return NULL;
      r->later = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_store_db_journal_entry_free);
      for (guint i = 0; i < all->len; i++)
        if (((TernStoreDbJournalEntry *) g_ptr_array_index (all, i))->id > r->entry->id)
          {
            g_ptr_array_add (r->later, g_ptr_array_index (all, i));
            g_ptr_array_index (all, i) = NULL;   /* the entry free function takes NULL */
          }
    }
  return r->later;
}

/* Whether @later (a flags entry) changes the message @row_id, which the server has
 * in @folder_id under @uid: by UID, or by name. */
static gboolean
entry_changes (TernStoreDb *db, TernStoreDbJournalEntry *later, gint64 folder_id, guint32 uid, gint64 row_id,
               gboolean *changes, GError **error)
{
  g_autoptr(GArray) messages = NULL;

  *changes = FALSE;
  if (later->folder_id == folder_id && later->uids != NULL)
    {
      g_autoptr(TernImapUidSet) set = tern_imap_uid_set_parse (later->uids, -1);

      if (set != NULL && tern_imap_uid_set_contains (set, uid))
        {
          *changes = TRUE;
          return TRUE;
        }
    }
  if ((messages = tern_store_db_sync_journal_list_messages (db, later->id, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < messages->len && !*changes; i++)
    *changes = g_array_index (messages, TernStoreDbJournalMessage, i).message_id == row_id;
  return TRUE;
}

/* Gives the message the server has in @folder_id under @uid the flags and keywords
 * it has there, changed as the entries still to replay change them (their change
 * reaches the server after this one; the user sees it from now on). */
static gboolean
take_server_flags (Replay *r, TernStoreFolder *folder, guint32 uid, TernStoreFlags flags,
                   const char *keywords, GError **error)
{
  g_autofree char *wanted = g_strdup (keywords);
  TernStoreDbSyncRow row;
  gboolean found = FALSE;
  GPtrArray *later;

  if (!tern_store_db_sync_lookup_uid (r->db, tern_store_folder_get_id (folder), uid, &row, &found, error))
    return FALSE;
  if (!found)
    return TRUE;
  if ((later = later_entries (r, tern_store_folder_get_account_id (folder), error)) == NULL)
    return FALSE;
  for (guint i = 0; i < later->len; i++)
    {
      TernStoreDbJournalEntry *e = g_ptr_array_index (later, i);
      gboolean changes = FALSE;

      if (e->op != TERN_STORE_JOURNAL_FLAGS)
        continue;
      if (!entry_changes (r->db, e, tern_store_folder_get_id (folder), uid, row.id, &changes, error))
        return FALSE;
      if (!changes)
        continue;
      flags = (flags | e->flags_add) & ~e->flags_remove;
      if (e->keywords_add != NULL || e->keywords_remove != NULL)
        {
          char *changed = tern_sync_journal_apply_keywords (wanted, e->keywords_add, e->keywords_remove);

          g_free (wanted);
          wanted = changed;
        }
    }
  if (row.flags != flags &&
      !tern_store_db_set_flags (r->db, &row.id, 1, flags & ~row.flags, row.flags & ~flags, error))
    return FALSE;
  return tern_store_db_set_keywords (r->db, row.id, wanted, error);   /* written only when they differ */
}

typedef struct
{
  guint32         uid;
  TernStoreFlags  flags;
  char           *keywords;
} ServerFlags;

static void
server_flags_free (ServerFlags *flags)
{
  g_free (flags->keywords);
  g_free (flags);
}

static TernStoreFlags
flags_from_strv (char **names)
{
  TernStoreFlags result = TERN_STORE_FLAG_NONE;

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      TernStoreFlags flag;

      if (tern_store_flag_from_string (names[i], &flag))
        result |= flag;
    }
  return result;
}

static void
server_flags_cb (TernImapSession *session, TernImapResponse *response, gpointer user_data)
{
  GHashTable *present = user_data;
  g_auto(GStrv) names = NULL;
  ServerFlags *flags;
  guint32 uid;

  if (!tern_imap_response_get_fetch_uid (response, &uid) ||
      tern_imap_response_get_fetch_item (response, "FLAGS") == NULL)
    return;
  names = tern_imap_response_dup_fetch_flags (response);
  flags = g_new0 (ServerFlags, 1);
  flags->uid = uid;
  flags->flags = flags_from_strv (names);
  flags->keywords = tern_sync_journal_keywords_from_strv ((const char * const *) names);
  g_hash_table_replace (present, GUINT_TO_POINTER (uid), flags);
}

/* The flags the server has for @uids in the selected folder, by UID (ServerFlags):
 * those of the messages it still has. *@present is NULL when it did not say (it
 * refused the FETCH); FALSE only on a failure of the connection. */
static gboolean
fetch_server_flags (Replay *r, const char *uids, GHashTable **present, GError **error)
{
  g_autoptr(GHashTable) flags = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) server_flags_free);
  g_autoptr(GError) local_error = NULL;

  *present = NULL;
  if (tern_imap_session_uid_fetch (r->session, uids, "(UID FLAGS)", 0, server_flags_cb, flags, r->cancellable,
                                   &local_error))
    {
      *present = g_steal_pointer (&flags);
      return TRUE;
    }
  if (!is_refusal (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_message ("UID FETCH %s (FLAGS): %s", uids, local_error->message);
  return TRUE;
}

/* After a refused change of flags: the messages @uids of @folder (selected) take the
 * server's flags. Should the server not say them, the folder's flags are read again,
 * all of them, by the next sync (its HIGHESTMODSEQ is forgotten). */
static gboolean
refresh_flags (Replay *r, TernStoreFolder *folder, const char *uids, GError **error)
{
  g_autoptr(GHashTable) present = NULL;
  GHashTableIter iter;
  gpointer value;

  if (!fetch_server_flags (r, uids, &present, error))
    return FALSE;
  if (present == NULL)
    return tern_store_db_set_folder_sync_state (r->db, tern_store_folder_get_id (folder),
                                                tern_store_folder_get_uidvalidity (folder),
                                                tern_store_folder_get_uidnext (folder), 0, error);
  if (!tern_store_db_begin (r->db, error))
    return FALSE;
  g_hash_table_iter_init (&iter, present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ServerFlags *flags = value;

      if (!take_server_flags (r, folder, flags->uid, flags->flags, flags->keywords, error))
        {
          tern_store_db_rollback (r->db);
          return FALSE;
        }
    }
  return tern_store_db_commit (r->db, error);
}

typedef struct
{
  TernStoreDb  *db;
  gint64        folder_id;
  GError       *error;
} Restore;

static void
restore_cb (TernImapSession *session, TernImapResponse *response, gpointer user_data)
{
  Restore *restore = user_data;
  g_auto(GStrv) names = NULL;
  g_autofree char *keywords = NULL;
  g_autoptr(GDateTime) internal = NULL;
  g_autoptr(TernMimeSummary) summary = NULL;
  TernStoreDbNewMessage message = { 0 };
  TernStoreDbSyncRow row;
  gboolean found = FALSE;
  const char *header;
  gsize header_len = 0;
  guint64 size = 0;
  guint32 uid;

  if (restore->error != NULL || !tern_imap_response_get_fetch_uid (response, &uid) ||
      (header = tern_imap_response_get_fetch_section (response, "BODY[HEADER]", &header_len)) == NULL)
    return;
  names = tern_imap_response_dup_fetch_flags (response);
  keywords = tern_sync_journal_keywords_from_strv ((const char * const *) names);
  if (!tern_store_db_sync_lookup_uid (restore->db, restore->folder_id, uid, &row, &found, &restore->error))
    return;
  if (found)
    {
      TernStoreFlags flags = flags_from_strv (names);

      if (row.flags != flags &&
          !tern_store_db_set_flags (restore->db, &row.id, 1, flags & ~row.flags, row.flags & ~flags,
                                    &restore->error))
        return;
      tern_store_db_set_keywords (restore->db, row.id, keywords, &restore->error);
      return;
    }

  summary = tern_mime_summary_new ((const guint8 *) header, header_len);
  internal = tern_imap_response_dup_fetch_internaldate (response);
  tern_imap_response_get_fetch_rfc822_size (response, &size);
  message.folder_id = restore->folder_id;
  message.uid = uid;
  message.flags = flags_from_strv (names);
  message.keywords = keywords;
  message.internal_date = internal != NULL ? g_date_time_to_unix (internal) : 0;
  message.size = (gsize) size;
  message.summary = summary;
  tern_store_db_add_message (restore->db, &message, NULL, &restore->error);
}

/* Brings back into the store the messages @uids of @folder that the server has (a
 * delete it refused; a move it refused of a message deleted here since): their
 * headers now, their bodies with the sync, as for new mail. */
static gboolean
restore_messages (Replay *r, TernStoreFolder *folder, const char *uids, GError **error)
{
  Restore restore = { r->db, tern_store_folder_get_id (folder), NULL };
  g_autoptr(GError) local_error = NULL;

  if (!select_folder (r->session, tern_store_folder_get_server_path (folder), r->cancellable, error) ||
      !tern_store_db_begin (r->db, error))
    return FALSE;
  if (!tern_imap_session_uid_fetch (r->session, uids,
                                    "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])", 0,
                                    restore_cb, &restore, r->cancellable, &local_error) &&
      !is_refusal (local_error))
    {
      tern_store_db_rollback (r->db);
      g_clear_error (&restore.error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (restore.error != NULL)
    {
      tern_store_db_rollback (r->db);
      g_propagate_error (error, restore.error);
      return FALSE;
    }
  if (local_error != NULL)
    g_message ("UID FETCH %s (BODY.PEEK[HEADER]) in %s: %s", uids, tern_store_folder_get_path (folder),
               local_error->message);
  return tern_store_db_commit (r->db, error);
}

/* On a retry of @r's entry (tried before: its command may have reached the server,
 * the answer lost with the connection), the UID under which @folder holds
 * @message already (same Message-ID), among the UIDs the store does not know there;
 * 0 when none, or on a first try. Leaves @folder selected when it searched. */
static gboolean
find_earlier_copy (Replay *r, TernStoreFolder *folder, TernStoreMessage *message, guint32 *uid,
                   GError **error)
{
  const char *message_id = tern_store_message_get_message_id (message);
  g_autofree char *criteria = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GError) local_error = NULL;

  *uid = 0;
  if (r->entry->attempts == 0 || message_id == NULL || *message_id == '\0')
    return TRUE;
  for (const char *p = message_id; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f || *p == '"' || *p == '\\')
      return TRUE;    /* not for a quoted string: the upload goes again */

  if (!select_folder (r->session, tern_store_folder_get_server_path (folder), r->cancellable, error))
    return FALSE;
  criteria = g_strdup_printf ("HEADER Message-ID \"<%s>\"", message_id);
  found = tern_imap_session_uid_search (r->session, criteria, r->cancellable, &local_error);
  if (found == NULL)
    {
      if (!is_refusal (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }
  for (guint i = found->len; i > 0 && *uid == 0; i--)
    {
      guint32 candidate = g_array_index (found, guint32, i - 1);
      TernStoreDbSyncRow row;
      gboolean known = FALSE;

      if (!tern_store_db_sync_lookup_uid (r->db, tern_store_folder_get_id (folder), candidate, &row, &known,
                                          error))
        return FALSE;
      if (!known)
        *uid = candidate;
    }
  if (*uid != 0)
    g_debug ("%s has <%s> as UID %u already (an earlier try reached the server)",
             tern_store_folder_get_path (folder), message_id, *uid);
  return TRUE;
}

/* ---- uploads ---------------------------------------------------------------------- */

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
 * or an upload by the entry): the later entries that name it learn the UID, and the
 * local row takes it, unless a later entry moves the message on. When nothing here
 * wants that copy any more (the message was deleted here without a later entry to
 * delete it there), it is taken off the server, or the next sync would bring it
 * back. */
static gboolean
settle (Replay *r, gint64 row_id, gint64 folder_id, guint32 uid, GError **error)
{
  g_autoptr(TernStoreMessage) message = NULL;
  gboolean moves_on = FALSE;
  TernStoreDbSyncRow row;
  gboolean found = FALSE;

  if (!tern_store_db_sync_journal_forward (r->db, r->entry->id, row_id, 0, uid, &moves_on, error))
    return FALSE;
  if (moves_on)
    return TRUE;    /* a later entry moves or deletes the server's copy */

  message = tern_store_db_get_message (r->db, row_id, NULL);
  if (message == NULL)
    return expunge_server_copy (r->db, r->session, folder_id, uid, r->cancellable, error);
  if (tern_store_message_get_folder_id (message) != folder_id ||
      tern_store_message_get_uid (message) < TERN_STORE_LOCAL_UID_BASE)
    return TRUE;    /* settled already, or gone where no entry follows it: keep both */

  /* A sync may have stored the server's copy meanwhile: keep one. */
  if (!tern_store_db_sync_lookup_uid (r->db, folder_id, uid, &row, &found, error))
    return FALSE;
  if (found)
    return tern_store_db_delete_messages (r->db, &row_id, 1, error);
  return tern_store_db_sync_set_uid (r->db, row_id, uid, error);
}

/* A message an entry could not place by UID (the server gave no COPYUID, the
 * source is gone, or it no longer has the message): the local copy in @target is
 * uploaded there, or, without a body, dropped here (the server keeps the message
 * where it is). Should the server refuse the upload, the message stays here, on
 * this computer only, and the refusal is reported: it is never lost. */
static gboolean
rescue (Replay *r, gint64 row_id, TernStoreFolder *target, GError **error)
{
  g_autoptr(TernStoreMessage) message = tern_store_db_get_message (r->db, row_id, NULL);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) local_error = NULL;
  guint32 uidvalidity = 0, uid = 0;

  if (message == NULL || target == NULL ||
      tern_store_message_get_folder_id (message) != tern_store_folder_get_id (target) ||
      tern_store_message_get_uid (message) < TERN_STORE_LOCAL_UID_BASE)
    return TRUE;
  if (!tern_store_message_get_has_body (message))
    return tern_store_db_delete_messages (r->db, &row_id, 1, error);
  if (tern_store_folder_get_server_path (target) == NULL)
    return TRUE;    /* a folder the server has not got: the message stays here */
  if (!find_earlier_copy (r, target, message, &uid, error))
    return FALSE;
  if (uid != 0)
    return settle (r, row_id, tern_store_folder_get_id (target), uid, error);
  raw = tern_store_db_get_raw (r->db, row_id, error);
  if (raw == NULL)
    return FALSE;
  if (!append_message (r->db, r->session, tern_store_folder_get_server_path (target), message, raw,
                       &uidvalidity, &uid, r->cancellable, &local_error))
    {
      if (!is_refusal (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      {
        g_autofree char *what = g_strdup_printf (_("Uploading “%s” to “%s”"),
                                                 tern_store_message_get_subject (message) != NULL
                                                 ? tern_store_message_get_subject (message) : "",
                                                 tern_store_folder_get_path (target));

        _tern_sync_replay_note_refusal (r, local_error, what, _("it stays on this computer only"));
      }
      return TRUE;
    }
  if (uid == 0)
    return TRUE;    /* no APPENDUID: the next sync brings the server's copy */
  return settle (r, row_id, tern_store_folder_get_id (target), uid, error);
}

/* ---- the messages of an entry, by the folder the server has them in ------------------ */

typedef struct
{
  gint64          folder_id;
  TernImapUidSet *uids;

  /* a MOVE or COPY of them */
  gboolean        unreachable;   /* the source is gone from the server (or out of reach) */
  GError         *refusal;       /* the server refused it: they stay where they are */
  GHashTable     *present;       /* then: the server's flags of those it still has (NULL: it did not say) */
  gboolean        no_copyuid;    /* done, but the server did not say where to */
  GArray         *src, *dst;     /* done: COPYUID, the UIDs they had and have */
} ServerSet;

static void
server_set_free (ServerSet *set)
{
  g_clear_pointer (&set->uids, tern_imap_uid_set_unref);
  g_clear_error (&set->refusal);
  g_clear_pointer (&set->present, g_hash_table_unref);
  g_clear_pointer (&set->src, g_array_unref);
  g_clear_pointer (&set->dst, g_array_unref);
  g_free (set);
}

/* Where the server has @m when @entry is replayed: the entry's folder, unless a
 * refused move left it elsewhere. */
static gint64
message_folder (const TernStoreDbJournalEntry *entry, const TernStoreDbJournalMessage *m)
{
  return m->folder_id != 0 ? m->folder_id : entry->folder_id;
}

static ServerSet *
find_set (GPtrArray *sets, gint64 folder_id)
{
  for (guint i = 0; i < sets->len; i++)
    if (((ServerSet *) g_ptr_array_index (sets, i))->folder_id == folder_id)
      return g_ptr_array_index (sets, i);
  return NULL;
}

/* The UIDs an entry works on, by folder: its own set and those handed on to its
 * messages (but those in @skip, by message id); the entry's folder first. */
static GPtrArray *
entry_sets (const TernStoreDbJournalEntry *entry, GArray *messages, GHashTable *skip)
{
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) server_set_free);
  ServerSet *own = g_new0 (ServerSet, 1);

  own->folder_id = entry->folder_id;
  if (entry->uids != NULL)
    own->uids = tern_imap_uid_set_parse (entry->uids, -1);
  if (own->uids == NULL)
    own->uids = tern_imap_uid_set_new ();
  g_ptr_array_add (sets, own);
  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      TernStoreDbJournalMessage *m = &g_array_index (messages, TernStoreDbJournalMessage, i);
      ServerSet *set;

      if (m->uid == 0 || (skip != NULL && g_hash_table_contains (skip, &m->message_id)))
        continue;
      if ((set = find_set (sets, message_folder (entry, m))) == NULL)
        {
          set = g_new0 (ServerSet, 1);
          set->folder_id = message_folder (entry, m);
          set->uids = tern_imap_uid_set_new ();
          g_ptr_array_add (sets, set);
        }
      tern_imap_uid_set_add (set->uids, m->uid);
    }
  for (guint i = sets->len; i > 0; i--)
    if (tern_imap_uid_set_get_count (((ServerSet *) g_ptr_array_index (sets, i - 1))->uids) == 0)
      g_ptr_array_remove_index (sets, i - 1);
  return g_steal_pointer (&sets);
}

/* ---- flags and deletes --------------------------------------------------------------- */

/* A UID STORE of the entry. The server may refuse it: the first refusal is kept in
 * @refused, and the entry goes on with its other changes. */
static gboolean
store_change (Replay *r, const char *uids, TernImapStoreMode mode, const char * const *names,
              GError **refused, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (names == NULL || names[0] == NULL)
    return TRUE;
  if (tern_imap_session_uid_store (r->session, uids, mode, names, 0, NULL, r->cancellable, &local_error))
    return TRUE;
  if (!is_refusal (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_debug ("UID STORE %s %sFLAGS refused: %s", uids, mode == TERN_IMAP_STORE_REMOVE ? "-" : "+",
           local_error->message);
  if (*refused == NULL)
    *refused = g_steal_pointer (&local_error);
  return TRUE;
}

/* The valid IMAP keywords of a journal list (space separated); NULL for none. */
static GStrv
keyword_names (const char *keywords)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;

  if (keywords == NULL)
    return NULL;
  names = g_strsplit (keywords, " ", -1);
  builder = g_strv_builder_new ();
  for (guint i = 0; names[i] != NULL; i++)
    if (tern_sync_journal_keyword_is_valid (names[i]))
      g_strv_builder_add (builder, names[i]);
  return g_strv_builder_end (builder);
}

/* Flags, then keywords, added and removed. What the server refuses (a flag it does
 * not keep, a keyword its PERMANENTFLAGS lack, a read-only folder) the messages do
 * not keep either: they take the flags the server has for them. */
static gboolean
replay_flags (Replay *r, ServerSet *set, GError **error)
{
  TernStoreDbJournalEntry *e = r->entry;
  g_autoptr(TernStoreFolder) folder = select_folder_id (r, set->folder_id, error);
  g_autofree char *uids = tern_imap_uid_set_to_string (set->uids);
  g_auto(GStrv) add = tern_store_flags_to_strv (e->flags_add);
  g_auto(GStrv) remove = tern_store_flags_to_strv (e->flags_remove);
  g_auto(GStrv) keywords_add = keyword_names (e->keywords_add);
  g_auto(GStrv) keywords_remove = keyword_names (e->keywords_remove);
  g_autoptr(GError) refused = NULL;
  g_autofree char *count = NULL;
  g_autofree char *what = NULL;

  if (folder == NULL)
    return FALSE;
  if (!store_change (r, uids, TERN_IMAP_STORE_ADD, (const char * const *) add, &refused, error) ||
      !store_change (r, uids, TERN_IMAP_STORE_REMOVE, (const char * const *) remove, &refused, error) ||
      !store_change (r, uids, TERN_IMAP_STORE_ADD, (const char * const *) keywords_add, &refused, error) ||
      !store_change (r, uids, TERN_IMAP_STORE_REMOVE, (const char * const *) keywords_remove, &refused,
                     error))
    return FALSE;
  if (refused == NULL)
    return TRUE;

  if (!refresh_flags (r, folder, uids, error))
    return FALSE;
  count = n_messages ((guint) tern_imap_uid_set_get_count (set->uids));
  /* Translators: "Changing the flags of 2 messages in “INBOX”" */
  what = g_strdup_printf (_("Changing the flags of %s in “%s”"), count, tern_store_folder_get_path (folder));
  _tern_sync_replay_note_refusal (r, refused, what, g_dngettext (GETTEXT_PACKAGE, "it keeps the flags the server has",
                                               "they keep the flags the server has",
                                               tern_imap_uid_set_get_count (set->uids)));
  return TRUE;
}

/* \Deleted, then UID EXPUNGE (without UIDPLUS, \Deleted only: the server expunges
 * them some time). Should the server refuse either, the messages it keeps come back
 * here. */
static gboolean
replay_delete (Replay *r, ServerSet *set, GError **error)
{
  g_autoptr(TernStoreFolder) folder = select_folder_id (r, set->folder_id, error);
  g_autofree char *uids = tern_imap_uid_set_to_string (set->uids);
  const char * const deleted[] = { "\\Deleted", NULL };
  g_autoptr(GError) refused = NULL;
  g_autofree char *count = NULL;
  g_autofree char *what = NULL;

  if (folder == NULL)
    return FALSE;
  if (!store_change (r, uids, TERN_IMAP_STORE_ADD, deleted, &refused, error))
    return FALSE;
  if (refused == NULL && tern_imap_session_has_capability (r->session, "UIDPLUS") &&
      !tern_imap_session_uid_expunge (r->session, uids, r->cancellable, &refused) && !is_refusal (refused))
    {
      g_propagate_error (error, g_steal_pointer (&refused));
      return FALSE;
    }
  if (refused == NULL)
    return TRUE;

  if (!restore_messages (r, folder, uids, error))
    return FALSE;
  count = n_messages ((guint) tern_imap_uid_set_get_count (set->uids));
  /* Translators: "Deleting 2 messages in “INBOX”" */
  what = g_strdup_printf (_("Deleting %s in “%s”"), count, tern_store_folder_get_path (folder));
  _tern_sync_replay_note_refusal (r, refused, what, g_dngettext (GETTEXT_PACKAGE,
                                               "the server keeps it, and so does this computer",
                                               "the server keeps them, and so does this computer",
                                               tern_imap_uid_set_get_count (set->uids)));
  return TRUE;
}

static gboolean
replay_messages (Replay *r, GError **error)
{
  g_autoptr(GArray) messages = tern_store_db_sync_journal_list_messages (r->db, r->entry->id, error);
  g_autoptr(GPtrArray) sets = NULL;

  if (messages == NULL)
    return FALSE;
  sets = entry_sets (r->entry, messages, NULL);   /* none: messages the server never placed */
  for (guint i = 0; i < sets->len; i++)
    {
      ServerSet *set = g_ptr_array_index (sets, i);
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      ok = r->entry->op == TERN_STORE_JOURNAL_FLAGS ? replay_flags (r, set, &local_error)
                                                     : replay_delete (r, set, &local_error);
      if (ok)
        continue;
      if (!is_conflict (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* The folder is gone from the server: so are its messages (the sync takes
       * the folder away). */
      {
        g_autoptr(TernStoreFolder) keep = NULL;
        g_autofree char *what = g_strdup_printf (r->entry->op == TERN_STORE_JOURNAL_FLAGS
                                                 ? _("Changing flags in “%s”") : _("Deleting in “%s”"),
                                                 folder_path (r->db, set->folder_id, &keep));

        _tern_sync_replay_note_refusal (r, local_error, what, _("the folder is not on the server"));
      }
    }
  return TRUE;
}

/* ---- moves and copies ---------------------------------------------------------------- */

/* UID MOVE or UID COPY of one set to @target. A source the server does not have (or
 * lets not be selected) leaves the set unreachable; a refusal leaves it refused,
 * with the flags of the messages the server still has. Only a failure of the
 * connection fails. */
static gboolean
transfer_set (Replay *r, ServerSet *set, TernStoreFolder *target, GError **error)
{
  g_autoptr(TernStoreFolder) source = NULL;
  g_autoptr(TernImapUidSet) src = NULL;
  g_autoptr(TernImapUidSet) dst = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uids = tern_imap_uid_set_to_string (set->uids);
  const char *mailbox = target != NULL ? tern_store_folder_get_server_path (target) : NULL;
  guint32 uidvalidity = 0;
  gboolean ok;

  if (r->entry->op == TERN_STORE_JOURNAL_MOVE && target != NULL &&
      set->folder_id == tern_store_folder_get_id (target))
    {
      /* Back where a refused move left them (a move undone): they are there. */
      set->src = tern_imap_uid_set_to_array (set->uids, G_MAXUINT);
      set->dst = tern_imap_uid_set_to_array (set->uids, G_MAXUINT);
      return TRUE;
    }
  if ((source = select_folder_id (r, set->folder_id, &local_error)) == NULL)
    {
      if (!is_conflict (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("The source of a move or copy is out of reach: %s", local_error->message);
      set->unreachable = TRUE;
      set->refusal = g_steal_pointer (&local_error);
      return TRUE;
    }

  if (target == NULL)
    {
      /* Deleted here since: the messages stay where the server has them. */
      g_set_error_literal (&local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                           _("the folder was deleted here"));
      ok = FALSE;
    }
  else if (mailbox == NULL)
    {
      g_set_error (&local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not on the server"), tern_store_folder_get_path (target));
      ok = FALSE;
    }
  else if (r->entry->op == TERN_STORE_JOURNAL_MOVE)
    ok = tern_imap_session_uid_move (r->session, uids, mailbox, &uidvalidity, &src, &dst, r->cancellable,
                                     &local_error);
  else
    ok = tern_imap_session_uid_copy (r->session, uids, mailbox, &uidvalidity, &src, &dst, r->cancellable,
                                     &local_error);
  if (!ok)
    {
      if (!is_conflict (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      set->refusal = g_steal_pointer (&local_error);
      /* Which of them the server has there, and with what flags. */
      if (!fetch_server_flags (r, uids, &set->present, error))
        return FALSE;
      return TRUE;
    }

  if (src == NULL || dst == NULL)
    {
      set->no_copyuid = TRUE;
      return TRUE;
    }
  set->src = tern_imap_uid_set_to_array (src, G_MAXUINT);
  set->dst = tern_imap_uid_set_to_array (dst, G_MAXUINT);
  if (set->src == NULL || set->dst == NULL || set->src->len != set->dst->len ||
      (tern_store_folder_get_uidvalidity (target) != 0 && tern_store_folder_get_highestmodseq (target) > 0 &&
       uidvalidity != tern_store_folder_get_uidvalidity (target)))
    {
      g_clear_pointer (&set->src, g_array_unref);
      g_clear_pointer (&set->dst, g_array_unref);
      set->no_copyuid = TRUE;
    }
  return TRUE;
}

/* A move the server refused of @m, which it had in @set's folder: the message goes
 * back there, under its UID, with the server's flags (and the changes of the later
 * entries, which follow it there). One the server no longer has there is uploaded
 * where it is here. */
static gboolean
keep_in_source (Replay *r, const TernStoreDbJournalMessage *m, ServerSet *set, TernStoreFolder *target,
                GError **error)
{
  ServerFlags *flags = set->present != NULL ? g_hash_table_lookup (set->present, GUINT_TO_POINTER (m->uid))
                                            : NULL;
  g_autoptr(TernStoreFolder) source = NULL;
  g_autoptr(TernStoreMessage) message = NULL;
  gboolean moves_on = FALSE;
  TernStoreDbSyncRow row;
  gboolean found = FALSE;

  if (flags == NULL)
    {
      /* The local copy is all there is: uploaded where it is, unless a later entry
       * moves it on (which uploads it there). */
      if (!tern_store_db_sync_journal_moves_on (r->db, r->entry->id, m->message_id, &moves_on, error))
        return FALSE;
      return moves_on || rescue (r, m->message_id, target, error);
    }

  /* The later entries that name it follow it where the server has it. */
  if (!tern_store_db_sync_journal_forward (r->db, r->entry->id, m->message_id, set->folder_id, m->uid,
                                           &moves_on, error))
    return FALSE;
  if (moves_on)
    return TRUE;    /* a later entry moves or deletes it: its row goes as that one says */
  if ((source = tern_store_db_get_folder (r->db, set->folder_id, error)) == NULL)
    return FALSE;
  message = tern_store_db_get_message (r->db, m->message_id, NULL);
  if (message == NULL)
    {
      /* Deleted here since without an entry for the server (its folder was, say):
       * the server's copy comes back. */
      g_autofree char *uid = g_strdup_printf ("%u", m->uid);

      return restore_messages (r, source, uid, error);
    }
  if (tern_store_message_get_uid (message) < TERN_STORE_LOCAL_UID_BASE)
    return TRUE;    /* back already */
  if (!tern_store_db_sync_lookup_uid (r->db, set->folder_id, m->uid, &row, &found, error))
    return FALSE;
  if (found)
    {
      /* The store has the server's copy already: keep one. */
      if (!tern_store_db_delete_messages (r->db, &m->message_id, 1, error))
        return FALSE;
    }
  else if (!tern_store_db_sync_move_message (r->db, m->message_id, set->folder_id, m->uid, error))
    return FALSE;
  return take_server_flags (r, source, m->uid, flags->flags, flags->keywords, error);
}

/* A copy the server refused of @m: the local copy goes (the original is where it
 * was), unless it is all that is left of the message (it is uploaded then), or a
 * later entry moves it on (which uploads it there). */
static gboolean
drop_copy (Replay *r, const TernStoreDbJournalMessage *m, ServerSet *set, TernStoreFolder *target,
           GError **error)
{
  g_autoptr(TernStoreMessage) copy = NULL;
  g_autoptr(TernStoreMessage) original = NULL;
  gboolean moves_on = FALSE;

  if (m->copy_id == 0)
    return TRUE;    /* no copy here: the server was to make it */
  if (!tern_store_db_sync_journal_moves_on (r->db, r->entry->id, m->copy_id, &moves_on, error))
    return FALSE;
  if (moves_on)
    return TRUE;
  copy = tern_store_db_get_message (r->db, m->copy_id, NULL);
  if (copy == NULL || target == NULL ||
      tern_store_message_get_folder_id (copy) != tern_store_folder_get_id (target) ||
      tern_store_message_get_uid (copy) < TERN_STORE_LOCAL_UID_BASE)
    return TRUE;
  original = tern_store_db_get_message (r->db, m->message_id, NULL);
  if (original != NULL && set->present != NULL &&
      g_hash_table_contains (set->present, GUINT_TO_POINTER (m->uid)))
    return tern_store_db_delete_messages (r->db, &m->copy_id, 1, error);
  return rescue (r, m->copy_id, target, error);
}

/* A copy tried before, whose command may have reached the server (the answer lost
 * with the connection): the messages @target has already, by Message-ID, are not
 * copied again. Fills @done (message id -> the UID in @target). */
static gboolean
find_earlier_copies (Replay *r, GArray *messages, TernStoreFolder *target, GHashTable *done, GError **error)
{
  if (r->entry->op != TERN_STORE_JOURNAL_COPY || r->entry->attempts == 0 || target == NULL ||
      tern_store_folder_get_server_path (target) == NULL)
    return TRUE;
  for (guint i = 0; i < messages->len; i++)
    {
      TernStoreDbJournalMessage *m = &g_array_index (messages, TernStoreDbJournalMessage, i);
      g_autoptr(TernStoreMessage) message = NULL;
      guint32 uid = 0;

      if (m->uid == 0)
        continue;
      message = tern_store_db_get_message (r->db, m->copy_id != 0 ? m->copy_id : m->message_id, NULL);
      if (message == NULL && m->copy_id != 0)
        message = tern_store_db_get_message (r->db, m->message_id, NULL);
      if (message == NULL)
        continue;
      if (m->copy_id != 0 && tern_store_message_get_id (message) == m->copy_id &&
          tern_store_message_get_uid (message) < TERN_STORE_LOCAL_UID_BASE)
        uid = tern_store_message_get_uid (message);    /* settled already */
      else if (!find_earlier_copy (r, target, message, &uid, error))
        return FALSE;
      if (uid != 0)
        g_hash_table_insert (done, g_memdup2 (&m->message_id, sizeof m->message_id), GUINT_TO_POINTER (uid));
    }
  return TRUE;
}

static void
note_transfer_refusal (Replay *r, ServerSet *set, TernStoreFolder *target)
{
  g_autoptr(TernStoreFolder) keep = NULL;
  const char *source = folder_path (r->db, set->folder_id, &keep);
  guint n = (guint) tern_imap_uid_set_get_count (set->uids);
  g_autofree char *count = n_messages (n);
  g_autofree char *what = NULL;
  g_autofree char *outcome = NULL;
  /* Translators: the target of a move or copy whose folder was deleted since */
  const char *path = target != NULL ? tern_store_folder_get_path (target) : _("a deleted folder");
  gboolean move = r->entry->op == TERN_STORE_JOURNAL_MOVE;

  if (move)
    /* Translators: "Moving 2 messages from “INBOX” to “Archive”" */
    what = g_strdup_printf (_("Moving %s from “%s” to “%s”"), count, source, path);
  else
    /* Translators: "Copying 2 messages from “INBOX” to “Archive”" */
    what = g_strdup_printf (_("Copying %s from “%s” to “%s”"), count, source, path);
  if (set->unreachable)
    outcome = g_strdup_printf (_("what this computer has goes to “%s”"), path);
  else if (move)
    outcome = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "it stays in “%s”", "they stay in “%s”", n),
                               source);
  else
    outcome = g_strdup (_("no copy was made"));
  _tern_sync_replay_note_refusal (r, set->refusal, what, outcome);
}

static gboolean
replay_transfer (Replay *r, GError **error)
{
  TernStoreDbJournalEntry *entry = r->entry;
  /* NULL: deleted here since (each set is then refused, its messages kept where
   * the server has them). */
  g_autoptr(TernStoreFolder) target = tern_store_db_get_folder (r->db, entry->target_folder_id, NULL);
  g_autoptr(GHashTable) done = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) messages = NULL;
  g_autoptr(GPtrArray) sets = NULL;

  if ((messages = tern_store_db_sync_journal_list_messages (r->db, entry->id, error)) == NULL ||
      !find_earlier_copies (r, messages, target, done, error))
    return FALSE;
  sets = entry_sets (entry, messages, done);
  for (guint i = 0; i < sets->len; i++)
    if (!transfer_set (r, g_ptr_array_index (sets, i), target, error))
      return FALSE;

  /* The local side, and the entry's removal, in one transaction: a kill between the
   * two cannot make the entry run twice. */
  if (!tern_store_db_begin (r->db, error))
    return FALSE;
  for (guint i = 0; i < messages->len; i++)
    {
      TernStoreDbJournalMessage *m = &g_array_index (messages, TernStoreDbJournalMessage, i);
      gint64 row_id = entry->op == TERN_STORE_JOURNAL_COPY ? m->copy_id : m->message_id;
      ServerSet *set = m->uid != 0 ? find_set (sets, message_folder (entry, m)) : NULL;
      gpointer earlier = NULL;
      guint32 dest = 0;
      gboolean placed = FALSE;
      gboolean ok;

      if (g_hash_table_lookup_extended (done, &m->message_id, NULL, &earlier))
        {
          placed = TRUE;
          dest = GPOINTER_TO_UINT (earlier);
        }
      else if (set != NULL && set->refusal != NULL && !set->unreachable)
        {
          ok = entry->op == TERN_STORE_JOURNAL_MOVE ? keep_in_source (r, m, set, target, error)
                                                    : drop_copy (r, m, set, target, error);
          if (!ok)
            goto fail;
          continue;
        }
      if (row_id == 0)
        continue;   /* a copy the server makes and the sync brings */

      if (placed || set == NULL || set->unreachable)
        ;
      else if (set->no_copyuid)
        /* No COPYUID: from a server with UIDPLUS that means nothing was moved (the
         * message is gone from the source); from one without, assume done and let
         * the sync fetch it. */
        placed = !tern_imap_session_has_capability (r->session, "UIDPLUS");
      else
        for (guint j = 0; set->src != NULL && j < set->src->len && !placed; j++)
          if (g_array_index (set->src, guint32, j) == m->uid)
            {
              dest = g_array_index (set->dst, guint32, j);
              placed = TRUE;
            }

      if (placed && dest != 0)
        ok = settle (r, row_id, entry->target_folder_id, dest, error);
      else if (placed)
        {
          /* Done without a UID: the sync brings the server's copy; the local one,
           * unless a later entry needs it, goes. */
          g_autoptr(TernStoreMessage) message = tern_store_db_get_message (r->db, row_id, NULL);

          ok = TRUE;
          if (message != NULL && tern_store_message_get_folder_id (message) == entry->target_folder_id &&
              tern_store_message_get_uid (message) >= TERN_STORE_LOCAL_UID_BASE)
            ok = tern_store_db_delete_messages (r->db, &row_id, 1, error);
        }
      else
        ok = rescue (r, row_id, target, error);
      if (!ok)
        goto fail;
    }
  if (!tern_store_db_sync_journal_remove (r->db, entry->id, error) || !tern_store_db_commit (r->db, error))
    return FALSE;

  for (guint i = 0; i < sets->len; i++)
    {
      ServerSet *set = g_ptr_array_index (sets, i);

      if (set->refusal != NULL)
        note_transfer_refusal (r, set, target);
    }
  return TRUE;

fail:
  tern_store_db_rollback (r->db);
  return FALSE;
}

/* ---- uploads of messages made here ------------------------------------------------------ */

static gboolean
replay_append (Replay *r, GError **error)
{
  TernStoreDbJournalEntry *entry = r->entry;
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (r->db, entry->folder_id, error);
  g_autoptr(TernStoreFolder) now = NULL;
  g_autoptr(TernStoreMessage) message = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) local_error = NULL;
  guint32 uidvalidity = 0, uid = 0;

  if (folder == NULL)
    return FALSE;
  message = tern_store_db_get_message (r->db, entry->message_id, NULL);
  if (message == NULL || tern_store_message_get_uid (message) < TERN_STORE_LOCAL_UID_BASE)
    return TRUE;    /* deleted or uploaded since */
  /* Moved to another account since: that account uploads it. */
  now = tern_store_db_get_folder (r->db, tern_store_message_get_folder_id (message), NULL);
  if (now == NULL || tern_store_folder_get_account_id (now) != tern_store_folder_get_account_id (folder))
    return TRUE;
  if ((raw = tern_store_db_get_raw (r->db, entry->message_id, error)) == NULL)
    return FALSE;
  if (tern_store_folder_get_server_path (folder) == NULL)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND, _("The folder is not on the server"));
      return FALSE;
    }
  if (!find_earlier_copy (r, folder, message, &uid, error))
    return FALSE;
  if (uid == 0 &&
      !append_message (r->db, r->session, tern_store_folder_get_server_path (folder), message, raw,
                       &uidvalidity, &uid, r->cancellable, &local_error))
    {
      g_autofree char *what = NULL;

      if (!is_refusal (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Translators: "Uploading “Subject” to “Drafts”" */
      what = g_strdup_printf (_("Uploading “%s” to “%s”"),
                              tern_store_message_get_subject (message) != NULL
                              ? tern_store_message_get_subject (message) : "",
                              tern_store_folder_get_path (folder));
      _tern_sync_replay_note_refusal (r, local_error, what, _("it stays on this computer only"));
      return TRUE;
    }

  if (!tern_store_db_begin (r->db, error))
    return FALSE;
  if (uid == 0)
    {
      /* No APPENDUID: the sync brings the server's copy; ours goes, unless it
       * moved on (a later entry then uploads it where it is). */
      if (tern_store_message_get_folder_id (message) == entry->folder_id &&
          !tern_store_db_delete_messages (r->db, &entry->message_id, 1, error))
        goto fail;
    }
  else if (!settle (r, entry->message_id, entry->folder_id, uid, error))
    goto fail;
  if (!tern_store_db_sync_journal_remove (r->db, entry->id, error))
    goto fail;
  return tern_store_db_commit (r->db, error);

fail:
  tern_store_db_rollback (r->db);
  return FALSE;
}

static gboolean
replay_entry (Replay *r, char delimiter, GError **error)
{
  switch (r->entry->op)
    {
    case TERN_STORE_JOURNAL_FLAGS:
    case TERN_STORE_JOURNAL_DELETE:
      return replay_messages (r, error);

    case TERN_STORE_JOURNAL_MOVE:
    case TERN_STORE_JOURNAL_COPY:
      return replay_transfer (r, error);

    case TERN_STORE_JOURNAL_APPEND:
      return replay_append (r, error);

    case TERN_STORE_JOURNAL_FOLDER_CREATE:
    case TERN_STORE_JOURNAL_FOLDER_RENAME:
    case TERN_STORE_JOURNAL_FOLDER_DELETE:
    case TERN_STORE_JOURNAL_FOLDER_SUBSCRIBE:
    case TERN_STORE_JOURNAL_FOLDER_UNSUBSCRIBE:
      return _tern_sync_replay_folder_op (r, delimiter, error);

    default:
      g_warning ("Dropping the journal entry %" G_GINT64_FORMAT ": unknown operation %d", r->entry->id,
                 r->entry->op);
      return TRUE;
    }
}

/**
 * tern_sync_replay_run:
 * @session: a logged-in session
 * @delimiter: the server's hierarchy delimiter
 * @n_replayed: (out) (optional): how many entries left the journal
 * @refused: (nullable) (element-type GError): receives the server's refusals, one
 *   for each entry it refused (in part or whole), in words for the user
 *
 * Replays the account's journal in order. An entry the server refuses leaves the
 * journal all the same, its local side undone (see the top of this file).
 *
 * Returns: %FALSE when a failure other than a refusal stopped the replay
 */
gboolean
tern_sync_replay_run (TernStoreDb      *db,
                      TernImapSession  *session,
                      gint64            account_id,
                      char              delimiter,
                      guint            *n_replayed,
                      GPtrArray        *refused,
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
      Replay r = { db, session, g_ptr_array_index (entries, i), cancellable, NULL, NULL };
      g_autoptr(GError) local_error = NULL;

      /* On disk before the server hears of it: a later try knows it may have. */
      if (!tern_store_db_sync_journal_attempted (db, r.entry->id, error))
        return FALSE;
      if (!replay_entry (&r, delimiter, &local_error))
        {
          if (!is_conflict (local_error))
            {
              replay_clear (&r);
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                          _("Sending the changes made offline: "));
              return FALSE;
            }
          if (r.refusal == NULL)
            r.refusal = g_steal_pointer (&local_error);
        }
      if (r.refusal != NULL)
        {
          g_message ("The server refused a change made offline: %s", r.refusal->message);
          if (refused != NULL)
            g_ptr_array_add (refused, g_steal_pointer (&r.refusal));
        }
      replay_clear (&r);
      if (!tern_store_db_sync_journal_remove (db, r.entry->id, error))
        return FALSE;
      done++;
      if (n_replayed != NULL)
        *n_replayed = done;
    }
  return TRUE;
}
