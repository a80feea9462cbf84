/* tern-sync-journal.c: user operations on mail, applied to the store at once and
 * journaled for the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each operation changes the store and appends its journal entries in one
 * transaction: the UI sees the change at once, and the IMAP sync replays the
 * journal in order when it is online (tern-sync-replay.c). Messages of the
 * local account and of POP3 accounts are only changed in the store.
 *
 * An entry names its messages (journal_messages, schema 006) with the UID the
 * server knows each by. A message the server has not placed under its final UID
 * yet (moved, copied or saved offline: its local row has a UID of the local range)
 * is named with UID 0; the entry that places it hands the server's UID on when it
 * is replayed (tern_store_db_sync_journal_forward()). So a chain of operations made
 * offline on one message (move, flag, move back: an undo) reaches the server as it
 * was made, whether or not an earlier one was replayed already.
 *
 * Every operation that changes messages can report their state before it (their
 * folder, flags and keywords: TernSyncJournalPrior), which is all that undoing it
 * needs: tern_sync_journal_restore() puts them back, through the journal too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-uid-set.h"
#include "tern-sync-error.h"
#include "tern-sync-journal.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"

/* ---- prior states ------------------------------------------------------------- */

void
tern_sync_journal_prior_clear (TernSyncJournalPrior *prior)
{
  g_clear_pointer (&prior->keywords, g_free);
}

/**
 * tern_sync_journal_prior_array_new:
 *
 * Returns: (transfer full) (element-type TernSyncJournalPrior): an empty array for
 *   the @prior argument of the operations, which frees its elements
 */
GArray *
tern_sync_journal_prior_array_new (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (TernSyncJournalPrior));

  g_array_set_clear_func (array, (GDestroyNotify) tern_sync_journal_prior_clear);
  return array;
}

static void
add_prior (GArray *prior, TernStoreMessage *message)
{
  TernSyncJournalPrior p = { 0 };

  if (prior == NULL)
    return;
  p.message_id = tern_store_message_get_id (message);
  p.folder_id = tern_store_message_get_folder_id (message);
  p.flags = tern_store_message_get_flags (message);
  p.keywords = g_strdup (tern_store_message_get_keywords (message));
  g_array_append_val (prior, p);
}

/* ---- groups of messages by folder ---------------------------------------------- */

typedef struct
{
  gint64          folder_id;
  gint64          account_id;
  gboolean        imap;
  GPtrArray      *messages;   /* TernStoreMessage, in the order given */
} FolderGroup;

static void
folder_group_free (FolderGroup *group)
{
  g_ptr_array_unref (group->messages);
  g_free (group);
}

static gboolean
is_imap_account (TernStoreDb *db, gint64 account_id)
{
  return tern_store_db_sync_get_account_kind (db, account_id, NULL) == TERN_STORE_ACCOUNT_IMAP;
}

/* Whether the server knows the message by this UID (not one of the local range,
 * given to a message not placed on the server yet). */
static gboolean
uid_is_known (guint32 uid)
{
  return uid != 0 && uid < TERN_STORE_LOCAL_UID_BASE;
}

/* The messages by folder, in the order first seen; also their prior state. */
static GPtrArray *
group_by_folder (TernStoreDb *db, const gint64 *ids, guint n_ids, GArray *prior, GError **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) folder_group_free);

  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, ids[i], error);
      FolderGroup *group = NULL;
      gint64 folder_id;

      if (message == NULL)
        return NULL;
      folder_id = tern_store_message_get_folder_id (message);
      for (guint j = 0; j < groups->len && group == NULL; j++)
        if (((FolderGroup *) g_ptr_array_index (groups, j))->folder_id == folder_id)
          group = g_ptr_array_index (groups, j);
      if (group == NULL)
        {
          g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, error);

          if (folder == NULL)
            return NULL;
          group = g_new0 (FolderGroup, 1);
          group->folder_id = folder_id;
          group->account_id = tern_store_folder_get_account_id (folder);
          group->imap = is_imap_account (db, group->account_id);
          group->messages = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (groups, group);
        }
      add_prior (prior, message);
      g_ptr_array_add (group->messages, g_steal_pointer (&message));
    }
  return g_steal_pointer (&groups);
}

/* ---- journal entries ------------------------------------------------------------ */

typedef struct
{
  TernStoreJournalOp  op;
  gint64              target_folder_id;
  TernStoreFlags      flags_add;
  TernStoreFlags      flags_remove;
  const char         *keywords_add;
  const char         *keywords_remove;
  const char         *name;
  gint64              message_id;
} Entry;

static gint64
append_entry (TernStoreDb *db, gint64 account_id, gint64 folder_id, const Entry *e, const char *uids,
              GError **error)
{
  return tern_store_db_sync_journal_append (db, account_id, e->op, folder_id, e->target_folder_id, uids,
                                            e->flags_add, e->flags_remove, e->keywords_add, e->keywords_remove,
                                            e->name, e->message_id, error);
}

/* Journals an operation on a group's messages: the ones the server knows go in the
 * entry's UID set, the others are named with UID 0, to be handed theirs. */
static gboolean
journal_messages (TernStoreDb *db, FolderGroup *group, const Entry *e, GError **error)
{
  g_autoptr(TernImapUidSet) known = tern_imap_uid_set_new ();
  g_autofree char *set = NULL;
  guint n_pending = 0;
  gint64 entry;

  if (!group->imap || group->messages->len == 0)
    return TRUE;
  for (guint i = 0; i < group->messages->len; i++)
    {
      guint32 uid = tern_store_message_get_uid (g_ptr_array_index (group->messages, i));

      if (uid_is_known (uid))
        tern_imap_uid_set_add (known, uid);
      else
        n_pending++;
    }
  if (tern_imap_uid_set_get_count (known) > 0)
    set = tern_imap_uid_set_to_string (known);
  else if (n_pending == 0)
    return TRUE;

  if ((entry = append_entry (db, group->account_id, group->folder_id, e, set, error)) == 0)
    return FALSE;
  for (guint i = 0; i < group->messages->len; i++)
    {
      TernStoreMessage *message = g_ptr_array_index (group->messages, i);
      TernStoreDbJournalMessage m = { tern_store_message_get_id (message), 0, 0 };

      if (!uid_is_known (tern_store_message_get_uid (message)) &&
          !tern_store_db_sync_journal_add_message (db, entry, &m, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
journal_folder (TernStoreDb *db, gint64 folder_id, const Entry *e, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, error);
  gint64 account_id;

  if (folder == NULL)
    return FALSE;
  account_id = tern_store_folder_get_account_id (folder);
  if (!is_imap_account (db, account_id))
    return TRUE;
  return append_entry (db, account_id, folder_id, e, NULL, error) != 0;
}

/* ---- flags ---------------------------------------------------------------------------- */

/**
 * tern_sync_journal_set_flags:
 * @prior: (nullable) (element-type TernSyncJournalPrior): receives the messages'
 *   state before the change (tern_sync_journal_prior_array_new())
 *
 * Adds and removes flags (mark read, flag, ...).
 */
gboolean
tern_sync_journal_set_flags (TernStoreDb *db, const gint64 *ids, guint n_ids, TernStoreFlags add,
                             TernStoreFlags remove, GArray *prior, GError **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  Entry e = { TERN_STORE_JOURNAL_FLAGS, 0, add, remove, };

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((groups = group_by_folder (db, ids, n_ids, prior, error)) == NULL ||
      !tern_store_db_set_flags (db, ids, n_ids, add, remove, error))
    goto fail;
  for (guint i = 0; i < groups->len; i++)
    if (!journal_messages (db, g_ptr_array_index (groups, i), &e, error))
      goto fail;
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

/* ---- keywords ------------------------------------------------------------------ */

/**
 * tern_sync_journal_keyword_is_valid:
 * @keyword: (nullable): a name such as "$Forwarded" or "$label1"
 *
 * Whether @keyword can be an IMAP keyword: an atom (RFC 3501: printable ASCII
 * without spaces and without any of `(){%*"\]`), not empty. System flags (\Seen...)
 * are not keywords.
 */
gboolean
tern_sync_journal_keyword_is_valid (const char *keyword)
{
  if (keyword == NULL || keyword[0] == '\0')
    return FALSE;
  for (const char *p = keyword; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c <= 0x20 || c >= 0x7f || strchr ("(){%*\"\\]", c) != NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_keywords (const char * const *keywords, GError **error)
{
  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    {
      g_autofree char *shown = NULL;

      if (tern_sync_journal_keyword_is_valid (keywords[i]))
        continue;
      shown = g_utf8_make_valid (keywords[i], -1);
      if (keywords[i][0] == '\\')
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("“%s” is not a valid keyword: names starting with a backslash are system flags"), shown);
      else if (keywords[i][0] == '\0')
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("A keyword cannot be empty"));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("“%s” is not a valid keyword: it must be printable ASCII without spaces or any of (){%%*\"\\]"),
                     shown);
      return FALSE;
    }
  return TRUE;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Keywords compare without case (RFC 3501 flags are case-insensitive), like the
 * server does: adding "$junk" to "$Junk" changes nothing, removing it removes it. */
static gint
find_keyword (GPtrArray *keywords, const char *keyword)
{
  for (guint i = 0; i < keywords->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (keywords, i), keyword) == 0)
      return (gint) i;
  return -1;
}

/* The canonical form the store keeps (as the sync writes it): sorted, without
 * duplicates, space separated; NULL when there are none. */
static char *
keywords_to_string (GPtrArray *keywords)
{
  GString *text;

  if (keywords->len == 0)
    return NULL;
  g_ptr_array_sort (keywords, compare_strings);
  text = g_string_new (NULL);
  for (guint i = 0; i < keywords->len; i++)
    if (i == 0 || strcmp (keywords->pdata[i], keywords->pdata[i - 1]) != 0)
      {
        if (text->len > 0)
          g_string_append_c (text, ' ');
        g_string_append (text, keywords->pdata[i]);
      }
  return g_string_free (text, FALSE);
}

/* @current with @add added, then @remove removed. */
static char *
merge_keywords (const char *current, const char * const *add, const char * const *remove)
{
  g_auto(GStrv) words = g_strsplit (current != NULL ? current : "", " ", -1);
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();
  gint found;

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0' && find_keyword (keywords, words[i]) < 0)
      g_ptr_array_add (keywords, words[i]);
  for (guint i = 0; add != NULL && add[i] != NULL; i++)
    if (find_keyword (keywords, add[i]) < 0)
      g_ptr_array_add (keywords, (gpointer) add[i]);
  for (guint i = 0; remove != NULL && remove[i] != NULL; i++)
    while ((found = find_keyword (keywords, remove[i])) >= 0)
      g_ptr_array_remove_index (keywords, (guint) found);
  return keywords_to_string (keywords);
}

/**
 * tern_sync_journal_keywords_from_strv:
 * @flags: (nullable): flag names as a server lists them (\Seen, $Junk, ...)
 *
 * Returns: (transfer full) (nullable): the keywords among @flags (the names without
 *   a backslash) in the form messages.keywords keeps: sorted, without duplicates,
 *   space separated; %NULL when there are none
 */
char *
tern_sync_journal_keywords_from_strv (const char * const *flags)
{
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();

  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    if (flags[i][0] != '\\' && flags[i][0] != '\0')
      g_ptr_array_add (keywords, (gpointer) flags[i]);
  return keywords_to_string (keywords);
}

/**
 * tern_sync_journal_apply_keywords:
 * @keywords: (nullable): a message's keywords, as messages.keywords keeps them
 * @add: (nullable): keywords to add, space separated (a journal entry's)
 * @remove: (nullable): keywords to remove, the same way (after adding)
 *
 * Returns: (transfer full) (nullable): @keywords changed as a journal entry changes
 *   them, in the form messages.keywords keeps; %NULL when none are left
 */
char *
tern_sync_journal_apply_keywords (const char *keywords, const char *add, const char *remove)
{
  g_auto(GStrv) add_v = g_strsplit (add != NULL ? add : "", " ", -1);
  g_auto(GStrv) remove_v = g_strsplit (remove != NULL ? remove : "", " ", -1);
  g_autoptr(GPtrArray) add_list = g_ptr_array_new ();
  g_autoptr(GPtrArray) remove_list = g_ptr_array_new ();

  for (guint i = 0; add_v[i] != NULL; i++)
    if (add_v[i][0] != '\0')
      g_ptr_array_add (add_list, add_v[i]);
  for (guint i = 0; remove_v[i] != NULL; i++)
    if (remove_v[i][0] != '\0')
      g_ptr_array_add (remove_list, remove_v[i]);
  g_ptr_array_add (add_list, NULL);
  g_ptr_array_add (remove_list, NULL);
  return merge_keywords (keywords, (const char * const *) add_list->pdata,
                         (const char * const *) remove_list->pdata);
}

/* A list of names for the journal: canonical, or NULL for none. */
static char *
keywords_join (const char * const *keywords)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();

  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    g_ptr_array_add (list, (gpointer) keywords[i]);
  return keywords_to_string (list);
}


/**
 * tern_sync_journal_set_keywords:
 * @ids: (array length=n_ids): the messages
 * @add: (nullable) (array zero-terminated=1): IMAP keywords to add ($Forwarded,
 *   $Junk, $label1...)
 * @remove: (nullable) (array zero-terminated=1): IMAP keywords to remove (after
 *   adding: a name in both lists ends up removed)
 * @prior: (nullable) (element-type TernSyncJournalPrior): receives the messages'
 *   state before the change
 *
 * Adds and removes IMAP keywords, as tern_sync_journal_set_flags() does flags: the
 * store changes at once (messages.keywords stays sorted, without duplicates, %NULL
 * when empty) and the messages of IMAP folders are journaled for the server. Names
 * are compared without case. A name that is not an IMAP atom, or one that starts
 * with a backslash (a system flag), fails with %G_IO_ERROR_INVALID_ARGUMENT and
 * changes nothing.
 */
gboolean
tern_sync_journal_set_keywords (TernStoreDb         *db,
                                const gint64        *ids,
                                guint                n_ids,
                                const char * const  *add,
                                const char * const  *remove,
                                GArray              *prior,
                                GError             **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autofree char *journal_add = NULL;
  g_autofree char *journal_remove = NULL;
  Entry e = { TERN_STORE_JOURNAL_FLAGS, };

  if (!check_keywords (add, error) || !check_keywords (remove, error))
    return FALSE;
  journal_add = keywords_join (add);
  journal_remove = keywords_join (remove);
  if (n_ids == 0 || (journal_add == NULL && journal_remove == NULL))
    return TRUE;
  e.keywords_add = journal_add;
  e.keywords_remove = journal_remove;

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((groups = group_by_folder (db, ids, n_ids, prior, error)) == NULL)
    goto fail;
  for (guint i = 0; i < groups->len; i++)
    {
      FolderGroup *group = g_ptr_array_index (groups, i);

      for (guint j = 0; j < group->messages->len; j++)
        {
          TernStoreMessage *message = g_ptr_array_index (group->messages, j);
          g_autofree char *keywords = merge_keywords (tern_store_message_get_keywords (message), add, remove);

          if (!tern_store_db_set_keywords (db, tern_store_message_get_id (message), keywords, error))
            goto fail;
        }
      if (!journal_messages (db, group, &e, error))
        goto fail;
    }
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

/* ---- moves and copies ------------------------------------------------------------ */

/* A UID of @target's local range for a message placed there before the server
 * gives it one: the first free one, looked up once per transfer (the ones after it
 * are free as well: this transaction is the store's only writer). 0 on error. */
static guint32
take_local_uid (TernStoreDb *db, gint64 target_id, guint32 *next_local_uid, GError **error)
{
  if (*next_local_uid == 0 && (*next_local_uid = tern_store_db_sync_next_local_uid (db, target_id, error)) == 0)
    return 0;
  if (*next_local_uid == G_MAXUINT32)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FAILED,
                   _("The folder has no free local message number left"));
      return 0;
    }
  return (*next_local_uid)++;
}

/* Puts @message (the original, or a fresh copy) into @target with a UID of the
 * local range (an IMAP folder) or the folder's next one. Returns the id of the row
 * now in @target: @message's for a move, a new one for a copy (0 when a copy was not
 * made: a header without a body, which the server copies and the sync brings). */
static gint64
place (TernStoreDb *db, TernStoreMessage *message, TernStoreFolder *target, gboolean target_imap, gboolean move,
       gboolean need_body, guint32 *next_local_uid, GError **error)
{
  gint64 id = tern_store_message_get_id (message);
  gint64 target_id = tern_store_folder_get_id (target);
  guint32 local_uid = 0;

  if (need_body && !tern_store_message_get_has_body (message))
    {
      g_set_error (error, TERN_SYNC_ERROR, TERN_SYNC_ERROR_NOT_DOWNLOADED,
                   _("“%s” is not downloaded yet: it cannot go to another account until it is"),
                   tern_store_message_get_subject (message) != NULL ? tern_store_message_get_subject (message) : "");
      return 0;
    }
  if (target_imap && (local_uid = take_local_uid (db, target_id, next_local_uid, error)) == 0)
    return 0;

  if (move)
    {
      if (target_imap)
        return tern_store_db_sync_move_message (db, id, target_id, local_uid, error) ? id : 0;
      return tern_store_db_move_messages (db, &id, 1, target_id, error) ? id : 0;
    }
  else
    {
      g_autoptr(GBytes) raw = NULL;
      TernStoreDbNewMessage copy = { 0 };

      if (!tern_store_message_get_has_body (message))
        return -1;
      if ((raw = tern_store_db_get_raw (db, id, error)) == NULL)
        return 0;
      copy.folder_id = target_id;
      copy.uid = local_uid;
      copy.flags = tern_store_message_get_flags (message);
      copy.keywords = tern_store_message_get_keywords (message);
      copy.internal_date = tern_store_message_get_internal_date (message);
      copy.raw = raw;
      return tern_store_db_add_message (db, &copy, NULL, error);
    }
}

static gboolean
transfer (TernStoreDb *db, const gint64 *ids, guint n_ids, gint64 folder_id, gboolean move, GArray *prior,
          GArray *copies, GError **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(TernStoreFolder) target = NULL;
  gint64 target_account;
  gboolean target_imap;
  guint32 next_local_uid = 0;

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((target = tern_store_db_get_folder (db, folder_id, error)) == NULL ||
      (groups = group_by_folder (db, ids, n_ids, prior, error)) == NULL)
    goto fail;
  target_account = tern_store_folder_get_account_id (target);
  target_imap = is_imap_account (db, target_account);

  for (guint i = 0; i < groups->len; i++)
    {
      FolderGroup *group = g_ptr_array_index (groups, i);
      gboolean same_account = group->account_id == target_account;
      g_autoptr(GPtrArray) gone = g_ptr_array_new ();   /* moved out of an IMAP account */
      gint64 entry = 0;

      if (group->folder_id == folder_id)
        continue;
      if (same_account && target_imap)
        {
          Entry e = { move ? TERN_STORE_JOURNAL_MOVE : TERN_STORE_JOURNAL_COPY, folder_id, };

          if ((entry = append_entry (db, group->account_id, group->folder_id, &e, NULL, error)) == 0)
            goto fail;
        }

      /* A move in one IMAP account, the common case (and a selection of thousands):
       * the rows move in one statement, each with its UID of the local range until
       * the server's MOVE answers. */
      if (move && entry != 0)
        {
          guint n = group->messages->len;
          g_autoptr(GArray) journaled = g_array_sized_new (FALSE, TRUE, sizeof (TernStoreDbJournalMessage), n);
          g_autoptr(GArray) move_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
          g_autoptr(GArray) move_uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);

          for (guint j = 0; j < n; j++)
            {
              TernStoreMessage *message = g_ptr_array_index (group->messages, j);
              guint32 uid = tern_store_message_get_uid (message);
              TernStoreDbJournalMessage m = { tern_store_message_get_id (message), uid_is_known (uid) ? uid : 0, 0 };
              guint32 local_uid = take_local_uid (db, folder_id, &next_local_uid, error);

              if (local_uid == 0)
                goto fail;
              g_array_append_val (journaled, m);
              g_array_append_val (move_ids, m.message_id);
              g_array_append_val (move_uids, local_uid);
            }
          if (!tern_store_db_sync_journal_add_messages (db, entry, (const TernStoreDbJournalMessage *) journaled->data,
                                                        n, error) ||
              !tern_store_db_sync_move_messages (db, group->folder_id, (const gint64 *) move_ids->data,
                                                 (const guint32 *) move_uids->data, move_ids->len, folder_id, error))
            goto fail;
          continue;
        }

      for (guint j = 0; j < group->messages->len; j++)
        {
          TernStoreMessage *message = g_ptr_array_index (group->messages, j);
          guint32 uid = tern_store_message_get_uid (message);
          gint64 placed = place (db, message, target, target_imap, move, !same_account, &next_local_uid, error);

          if (placed == 0)
            goto fail;
          if (!move && placed > 0 && copies != NULL)
            g_array_append_val (copies, placed);

          if (entry != 0)
            {
              /* The server moves or copies it; its copy becomes the local row. */
              TernStoreDbJournalMessage m = { tern_store_message_get_id (message), uid_is_known (uid) ? uid : 0,
                                              move || placed < 0 ? 0 : placed };

              if (!tern_store_db_sync_journal_add_message (db, entry, &m, error))
                goto fail;
            }
          else
            {
              /* Into another account: uploaded there, and taken off the server
               * here for a move. */
              Entry append = { TERN_STORE_JOURNAL_APPEND, };

              append.message_id = placed;
              if (target_imap && placed > 0 && append_entry (db, target_account, folder_id, &append, NULL, error) == 0)
                goto fail;
              if (move)
                g_ptr_array_add (gone, message);
            }
        }

      if (gone->len > 0)
        {
          Entry e = { TERN_STORE_JOURNAL_DELETE, };
          FolderGroup moved = *group;

          moved.messages = gone;
          if (!journal_messages (db, &moved, &e, error))
            goto fail;
        }
    }
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

/**
 * tern_sync_journal_move:
 * @prior: (nullable) (element-type TernSyncJournalPrior): receives the messages'
 *   folders, flags and keywords before the move, for tern_sync_journal_restore()
 *
 * Moves messages to a folder of any account: at once in the store, then on the
 * servers (a MOVE in one account; across accounts, an APPEND to the target and, for
 * an IMAP source, a delete there). A message that leaves its account must be
 * downloaded (%TERN_SYNC_ERROR_NOT_DOWNLOADED otherwise: nothing is moved).
 */
gboolean
tern_sync_journal_move (TernStoreDb *db, const gint64 *ids, guint n_ids, gint64 folder_id, GArray *prior,
                        GError **error)
{
  return transfer (db, ids, n_ids, folder_id, TRUE, prior, NULL, error);
}

/**
 * tern_sync_journal_copy:
 * @copies: (nullable) (element-type gint64): receives the ids of the local copies
 *   made (a message only the server has the body of is copied by the server, and
 *   its copy arrives with the next sync)
 */
gboolean
tern_sync_journal_copy (TernStoreDb *db, const gint64 *ids, guint n_ids, gint64 folder_id, GArray *copies,
                        GError **error)
{
  return transfer (db, ids, n_ids, folder_id, FALSE, NULL, copies, error);
}

/* Messages that need the same change, keyed by what it is. */
static void
group_add (GHashTable *groups, const char *key, gint64 id)
{
  GArray *ids = g_hash_table_lookup (groups, key);

  if (ids == NULL)
    {
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (groups, g_strdup (key), ids);
    }
  g_array_append_val (ids, id);
}

/* The keywords in @a that @b lacks, as a NULL-terminated vector. */
static GStrv
keywords_missing (const char *a, const char *b)
{
  g_auto(GStrv) have = g_strsplit (a != NULL ? a : "", " ", -1);
  g_auto(GStrv) other = g_strsplit (b != NULL ? b : "", " ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint k = 0; have[k] != NULL; k++)
    if (have[k][0] != '\0' && !g_strv_contains ((const char * const *) other, have[k]))
      g_strv_builder_add (builder, have[k]);
  return g_strv_builder_end (builder);
}

/**
 * tern_sync_journal_restore:
 * @prior: (element-type TernSyncJournalPrior): states from an earlier operation
 *
 * Undoes an operation: moves each message back to its folder and gives it its
 * flags and keywords again, in the store at once and on the servers through the
 * journal. Messages deleted since are skipped. The messages that need the same
 * change are changed together (one journal entry per folder and change, not one per
 * message).
 */
gboolean
tern_sync_journal_restore (TernStoreDb *db, GArray *prior, GError **error)
{
  g_autoptr(GHashTable) moves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  g_autoptr(GHashTable) flags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  g_autoptr(GHashTable) keywords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_array_unref);
  GHashTableIter iter;
  gpointer key, value;

  if (!tern_store_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < prior->len; i++)
    {
      TernSyncJournalPrior *p = &g_array_index (prior, TernSyncJournalPrior, i);
      g_autoptr(TernStoreMessage) message = NULL;
      g_autoptr(GError) local_error = NULL;
      TernStoreFlags now;

      message = tern_store_db_get_message (db, p->message_id, &local_error);
      if (message == NULL)
        {
          if (g_error_matches (local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (tern_store_message_get_folder_id (message) != p->folder_id)
        {
          g_autofree char *k = g_strdup_printf ("%" G_GINT64_FORMAT, p->folder_id);
          group_add (moves, k, p->message_id);
        }
      now = tern_store_message_get_flags (message);
      if (now != p->flags)
        {
          g_autofree char *k = g_strdup_printf ("%u %u", p->flags & ~now, now & ~p->flags);
          group_add (flags, k, p->message_id);
        }
      if (g_strcmp0 (tern_store_message_get_keywords (message), p->keywords) != 0)
        {
          /* "add\nremove": both canonical, so equal changes make equal keys. */
          g_auto(GStrv) add = keywords_missing (p->keywords, tern_store_message_get_keywords (message));
          g_auto(GStrv) remove = keywords_missing (tern_store_message_get_keywords (message), p->keywords);
          g_autofree char *add_text = g_strjoinv (" ", add);
          g_autofree char *remove_text = g_strjoinv (" ", remove);
          g_autofree char *k = g_strconcat (add_text, "\n", remove_text, NULL);

          group_add (keywords, k, p->message_id);
        }
    }

  /* Folders first: the flags and keywords then go with the messages where they are. */
  g_hash_table_iter_init (&iter, moves);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *ids = value;

      if (!tern_sync_journal_move (db, (const gint64 *) (void *) ids->data, ids->len, g_ascii_strtoll (key, NULL, 10), NULL,
                                   error))
        goto fail;
    }
  g_hash_table_iter_init (&iter, flags);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *ids = value;
      guint add = 0, remove = 0;

      sscanf (key, "%u %u", &add, &remove);
      if (!tern_sync_journal_set_flags (db, (const gint64 *) (void *) ids->data, ids->len, add, remove, NULL, error))
        goto fail;
    }
  g_hash_table_iter_init (&iter, keywords);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *ids = value;
      g_auto(GStrv) parts = g_strsplit (key, "\n", 2);
      g_auto(GStrv) add = g_strsplit (parts[0], " ", -1);
      g_auto(GStrv) remove = g_strsplit (parts[1] != NULL ? parts[1] : "", " ", -1);

      if (!tern_sync_journal_set_keywords (db, (const gint64 *) (void *) ids->data, ids->len,
                                           add[0] != NULL && add[0][0] != '\0' ? (const char * const *) add : NULL,
                                           remove[0] != NULL && remove[0][0] != '\0' ? (const char * const *) remove
                                                                                      : NULL,
                                           NULL, error))
        goto fail;
    }
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

/* ---- deleting ------------------------------------------------------------------------- */

/**
 * tern_sync_journal_delete:
 *
 * Deletes messages for good (expunges them on the server).
 */
gboolean
tern_sync_journal_delete (TernStoreDb *db, const gint64 *ids, guint n_ids, GError **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  Entry e = { TERN_STORE_JOURNAL_DELETE, };

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((groups = group_by_folder (db, ids, n_ids, NULL, error)) == NULL)
    goto fail;
  for (guint i = 0; i < groups->len; i++)
    if (!journal_messages (db, g_ptr_array_index (groups, i), &e, error))
      goto fail;
  if (!tern_store_db_delete_messages (db, ids, n_ids, error))
    goto fail;
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

static GArray *
folder_message_ids (TernStoreDb *db, gint64 folder_id, GError **error)
{
  g_autoptr(GArray) rows = tern_store_db_sync_list_rows (db, folder_id, G_MAXUINT32, error);
  GArray *ids;

  if (rows == NULL)
    return NULL;
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), rows->len);
  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (ids, g_array_index (rows, TernStoreDbSyncRow, i).id);
  return ids;
}

/**
 * tern_sync_journal_empty_folder:
 *
 * Deletes every message of a folder (Empty Trash). Messages that reach the server's
 * folder after this call are not touched.
 */
gboolean
tern_sync_journal_empty_folder (TernStoreDb *db, gint64 folder_id, GError **error)
{
  g_autoptr(GArray) ids = folder_message_ids (db, folder_id, error);

  if (ids == NULL)
    return FALSE;
  return tern_sync_journal_delete (db, (const gint64 *) (void *) ids->data, ids->len, error);
}

/**
 * tern_sync_journal_mark_folder_read:
 * @prior: (nullable) (element-type TernSyncJournalPrior): receives the state of the
 *   messages that were unread
 *
 * Marks every unread message of a folder read.
 */
gboolean
tern_sync_journal_mark_folder_read (TernStoreDb *db, gint64 folder_id, GArray *prior, GError **error)
{
  g_autoptr(GArray) rows = tern_store_db_sync_list_rows (db, folder_id, G_MAXUINT32, error);
  g_autoptr(GArray) ids = NULL;

  if (rows == NULL)
    return FALSE;
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < rows->len; i++)
    {
      TernStoreDbSyncRow *row = &g_array_index (rows, TernStoreDbSyncRow, i);
      if (!(row->flags & TERN_STORE_FLAG_SEEN))
        g_array_append_val (ids, row->id);
    }
  if (ids->len == 0)
    return TRUE;
  return tern_sync_journal_set_flags (db, (const gint64 *) (void *) ids->data, ids->len, TERN_STORE_FLAG_SEEN, 0, prior,
                                      error);
}

/* ---- folders ----------------------------------------------------------------------------- */

TernStoreFolder *
tern_sync_journal_create_folder (TernStoreDb *db, gint64 account_id, const char *path, GError **error)
{
  g_autoptr(TernStoreFolder) folder = NULL;
  Entry e = { TERN_STORE_JOURNAL_FOLDER_CREATE, };

  if (!tern_store_db_begin (db, error))
    return NULL;
  folder = tern_store_db_lookup_folder (db, account_id, path, NULL);
  if (folder != NULL)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FAILED, _("The folder “%s” exists already"), path);
      g_clear_object (&folder);
      goto fail;
    }
  folder = tern_store_db_ensure_folder (db, account_id, path, TERN_STORE_FOLDER_ROLE_NONE, error);
  if (folder == NULL)
    goto fail;
  e.name = tern_store_folder_get_path (folder);
  if (!journal_folder (db, tern_store_folder_get_id (folder), &e, error))
    goto fail;
  if (!tern_store_db_commit (db, error))
    return NULL;
  return g_steal_pointer (&folder);

fail:
  tern_store_db_rollback (db);
  return NULL;
}

gboolean
tern_sync_journal_rename_folder (TernStoreDb *db, gint64 folder_id, const char *new_path, GError **error)
{
  Entry e = { TERN_STORE_JOURNAL_FOLDER_RENAME, };

  e.name = new_path;
  if (!tern_store_db_begin (db, error))
    return FALSE;
  if (!tern_store_db_sync_rename_folder (db, folder_id, new_path, error) ||
      !journal_folder (db, folder_id, &e, error))
    {
      tern_store_db_rollback (db);
      return FALSE;
    }
  return tern_store_db_commit (db, error);
}

/**
 * tern_sync_journal_set_folder_subscribed:
 *
 * Subscribes to an IMAP folder or unsubscribes from it (what a client that shows the
 * subscribed folders only shows): here at once, on the server with the replay.
 */
gboolean
tern_sync_journal_set_folder_subscribed (TernStoreDb *db, gint64 folder_id, gboolean subscribed, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, error);
  Entry e = { subscribed ? TERN_STORE_JOURNAL_FOLDER_SUBSCRIBE : TERN_STORE_JOURNAL_FOLDER_UNSUBSCRIBE, };

  if (folder == NULL)
    return FALSE;
  if (!tern_store_folder_get_subscribed (folder) == !subscribed)
    return TRUE;
  e.name = tern_store_folder_get_server_path (folder);
  if (!tern_store_db_begin (db, error))
    return FALSE;
  if (!tern_store_db_sync_set_folder_subscribed_here (db, folder_id, subscribed, error) ||
      !journal_folder (db, folder_id, &e, error))
    {
      tern_store_db_rollback (db);
      return FALSE;
    }
  return tern_store_db_commit (db, error);
}

static gint
by_path_length_desc (gconstpointer a, gconstpointer b)
{
  gsize la = strlen (tern_store_folder_get_path (*(TernStoreFolder * const *) a));
  gsize lb = strlen (tern_store_folder_get_path (*(TernStoreFolder * const *) b));

  return la < lb ? 1 : la > lb ? -1 : 0;
}

/* The folder, after the folders inside it (deepest first): an IMAP DELETE of a folder
 * leaves the folders inside it on the server, so each gets its own. */
static GPtrArray *
folder_and_inferiors (TernStoreDb *db, TernStoreFolder *folder, GError **error)
{
  g_autoptr(GPtrArray) all = tern_store_db_list_folders (db, tern_store_folder_get_account_id (folder), error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *prefix = g_strconcat (tern_store_folder_get_path (folder), "/", NULL);

  if (all == NULL)
    return NULL;
  for (guint i = 0; i < all->len; i++)
    if (g_str_has_prefix (tern_store_folder_get_path (all->pdata[i]), prefix))
      g_ptr_array_add (out, g_object_ref (all->pdata[i]));
  g_ptr_array_sort (out, by_path_length_desc);
  g_ptr_array_add (out, g_object_ref (folder));
  return g_steal_pointer (&out);
}

gboolean
tern_sync_journal_delete_folder (TernStoreDb *db, gint64 folder_id, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, error);
  g_autoptr(GPtrArray) folders = NULL;

  if (folder == NULL || !tern_store_db_begin (db, error))
    return FALSE;
  if ((folders = folder_and_inferiors (db, folder, error)) == NULL)
    goto fail;
  for (guint i = 0; i < folders->len; i++)
    {
      Entry e = { TERN_STORE_JOURNAL_FOLDER_DELETE, };

      e.name = tern_store_folder_get_server_path (folders->pdata[i]);
      if (e.name != NULL && !journal_folder (db, tern_store_folder_get_id (folders->pdata[i]), &e, error))
        goto fail;
    }
  if (!tern_store_db_sync_delete_folder (db, folder_id, error))
    goto fail;
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

/* ---- drafts ---------------------------------------------------------------------------------- */

/**
 * tern_sync_journal_save_draft:
 * @folder_id: the Drafts folder
 * @replaces: the draft this one replaces (deleted with the same commit), or 0
 *
 * Returns: the new message's id, or 0 on error
 */
gint64
tern_sync_journal_save_draft (TernStoreDb *db, gint64 folder_id, GBytes *raw, gint64 replaces, GError **error)
{
  g_autoptr(TernStoreFolder) folder = NULL;
  TernStoreDbNewMessage message = { 0 };
  Entry e = { TERN_STORE_JOURNAL_APPEND, };
  gboolean imap;
  gint64 id;

  if (!tern_store_db_begin (db, error))
    return 0;
  if ((folder = tern_store_db_get_folder (db, folder_id, error)) == NULL)
    goto fail;
  imap = is_imap_account (db, tern_store_folder_get_account_id (folder));
  message.folder_id = folder_id;
  message.flags = TERN_STORE_FLAG_DRAFT | TERN_STORE_FLAG_SEEN;
  message.raw = raw;
  if (imap && (message.uid = tern_store_db_sync_next_local_uid (db, folder_id, error)) == 0)
    goto fail;
  if ((id = tern_store_db_add_message (db, &message, NULL, error)) == 0)
    goto fail;
  e.message_id = id;
  if (imap && append_entry (db, tern_store_folder_get_account_id (folder), folder_id, &e, NULL, error) == 0)
    goto fail;
  if (replaces != 0 && !tern_sync_journal_delete (db, &replaces, 1, error))
    goto fail;
  if (!tern_store_db_commit (db, error))
    return 0;
  return id;

fail:
  tern_store_db_rollback (db);
  return 0;
}
