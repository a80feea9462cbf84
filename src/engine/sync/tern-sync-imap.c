/* tern-sync-imap.c: keeping the store and an IMAP account in step
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run: connect and log in; replay the journal (tern-sync-replay.c); LIST the
 * folders; then, per folder, the new messages (see "new messages" below: headers
 * first for a new folder's first screen, whole messages in one pass for the rest),
 * flags and expunges; then any bodies still missing, newest first.
 *
 * Crash safety: the store commits new messages in batches, each with the folder's
 * UIDVALIDITY and its UIDNEXT (the highest UID stored + 1) in the same transaction,
 * while HIGHESTMODSEQ only advances in the folder's last transaction, after flag
 * changes and expunges are applied. A kill at any point therefore leaves a state
 * from which the next run fetches exactly what is missing: new messages from the
 * stored UIDNEXT (a UID already stored is never added twice: the store's UNIQUE
 * (folder_id, uid) and a lookup before each insert), flag changes since the stored
 * HIGHESTMODSEQ. Bodies are idempotent (tern_store_db_set_raw()). The first screen of
 * a big new folder is stored above the stored UIDNEXT without moving it; the lookup
 * before each insert makes its second FETCH after a kill harmless.
 *
 * QRESYNC (RFC 7162): SELECT f (QRESYNC (uidvalidity modseq)) makes the server report
 * the flag changes and the expunges since the last run, so a folder where nothing
 * changed costs one SELECT. With CONDSTORE alone, an unchanged HIGHESTMODSEQ means
 * no flag changed, and an EXISTS equal to the number of stored messages means none
 * was expunged; otherwise UID FETCH (CHANGEDSINCE) and UID FETCH 1:* (UID) (not UID
 * SEARCH ALL, whose one-line answer outgrows the line limit in a large folder).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-account-sessions.h"
#include "tern-imap-error.h"
#include "tern-imap-session.h"
#include "tern-sync-converters.h"
#include "tern-sync-imap.h"
#include "tern-sync-journal.h"
#include "tern-sync-pipeline.h"
#include "tern-sync-replay.h"
#include "tern-sync-trigger.h"
#include "tern-mime-summary.h"
#include "tern-net-error.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"

#define HEADER_BATCH 500
#define BODY_CHUNK 100
#define BODY_PIPELINE 4
#define BODY_BATCH 1000

typedef struct
{
  guint32        uid;
  TernStoreFlags flags;
  char          *keywords;   /* owned; NULL: none */
} FlagChange;

static void
flag_change_clear (gpointer data)
{
  g_clear_pointer (&((FlagChange *) data)->keywords, g_free);
}

typedef struct
{
  TernStoreDb           *db;
  TernAccount           *account;
  const char            *email;
  gint64                 account_id;
  TernImapSession       *session;
  TernSyncImapOptions    options;
  TernAccountProgressFunc   progress;
  gpointer               progress_data;
  GCancellable          *cancellable;
  gboolean               qresync;
  gboolean               condstore;
  char                   delimiter;

  /* the folder being synced */
  TernStoreFolder       *folder;
  GArray                *changes;   /* FlagChange, from unsolicited FETCH */
  GArray                *vanished;  /* guint32 */
  guint                  events;
  gboolean               arrivals;  /* new messages are new mail (not the first sync) */
  gboolean               converters_pinned;
} Sync;

void
tern_sync_imap_options_init (TernSyncImapOptions *options)
{
  memset (options, 0, sizeof *options);
  options->follow_metered = TRUE;
  options->poll_seconds = 300;
}

static void
progress (Sync *sync, const char *folder, guint done, guint total, const char *message)
{
  tern_account_progress_report (sync->progress, sync->progress_data, sync->email, TERN_ACCOUNT_PHASE_WORKING,
                                folder, done, total, message, NULL);
}

static TernStoreFlags
flags_from_strv (char **flags)
{
  TernStoreFlags result = TERN_STORE_FLAG_NONE;

  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      TernStoreFlags flag;

      if (tern_store_flag_from_string (flags[i], &flag))
        result |= flag;
    }
  return result;
}

/* Pins the converters for this sync, at its first MIME work: a sync that finds
 * nothing to fetch opens none (they cost a resync of an unchanged INBOX 5% of its
 * CPU). */
static void
sync_pin_converters (Sync *sync)
{
  if (!sync->converters_pinned)
    tern_sync_converters_pin ();
  sync->converters_pinned = TRUE;
}

static void
fetch_cb (TernImapSession *session, TernImapResponse *response, gpointer user_data)
{
  Sync *sync = user_data;
  g_auto(GStrv) flags = NULL;
  FlagChange change;

  sync->events++;
  if (sync->changes == NULL || !tern_imap_response_get_fetch_uid (response, &change.uid))
    return;
  if (tern_imap_response_get_fetch_item (response, "FLAGS") == NULL)
    return;
  flags = tern_imap_response_dup_fetch_flags (response);
  change.flags = flags_from_strv (flags);
  change.keywords = tern_sync_journal_keywords_from_strv ((const char * const *) flags);
  g_array_append_val (sync->changes, change);
}

static void
vanished_cb (TernImapSession *session, TernImapUidSet *uids, gboolean earlier, gpointer user_data)
{
  Sync *sync = user_data;

  sync->events++;
  if (sync->vanished == NULL)
    return;
  for (guint i = 0; i < tern_imap_uid_set_get_n_ranges (uids); i++)
    {
      guint32 first, last;

      tern_imap_uid_set_get_range (uids, i, &first, &last);
      for (guint64 uid = first; uid <= last; uid++)
        {
          guint32 u = (guint32) uid;
          g_array_append_val (sync->vanished, u);
        }
    }
}

static void
event_cb (TernImapSession *session, guint number, gpointer user_data)
{
  Sync *sync = user_data;

  sync->events++;
}

static int
compare_uids (gconstpointer a, gconstpointer b)
{
  guint32 ua = *(const guint32 *) a, ub = *(const guint32 *) b;

  return ua < ub ? -1 : ua > ub;
}

/* ---- store helpers ---------------------------------------------------------------- */

static gboolean
apply_flags (Sync *sync, gint64 folder_id, guint32 uid, TernStoreFlags flags, const char *keywords, GError **error)
{
  TernStoreDbSyncRow row;
  gboolean found = FALSE;

  if (!tern_store_db_sync_lookup_uid (sync->db, folder_id, uid, &row, &found, error))
    return FALSE;
  if (!found)
    return TRUE;
  if (row.flags != flags &&
      !tern_store_db_set_flags (sync->db, &row.id, 1, flags & ~row.flags, row.flags & ~flags, error))
    return FALSE;
  /* Written only when they differ. */
  return tern_store_db_set_keywords (sync->db, row.id, keywords, error);
}

static gboolean
delete_uids (Sync *sync, gint64 folder_id, GArray *uids, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < uids->len; i++)
    {
      TernStoreDbSyncRow row;
      gboolean found = FALSE;

      if (!tern_store_db_sync_lookup_uid (sync->db, folder_id, g_array_index (uids, guint32, i), &row, &found, error))
        return FALSE;
      if (found)
        g_array_append_val (ids, row.id);
    }
  if (ids->len == 0)
    return TRUE;
  return tern_store_db_delete_messages (sync->db, (const gint64 *) (void *) ids->data, ids->len, error);
}

/* ---- folders ---------------------------------------------------------------------- */

static const struct
{
  const char          *name;
  TernStoreFolderRole  role;
} fallback_roles[] = {
  { "Sent", TERN_STORE_FOLDER_ROLE_SENT },
  { "Sent Items", TERN_STORE_FOLDER_ROLE_SENT },
  { "Sent Messages", TERN_STORE_FOLDER_ROLE_SENT },
  { "Drafts", TERN_STORE_FOLDER_ROLE_DRAFTS },
  { "Trash", TERN_STORE_FOLDER_ROLE_TRASH },
  { "Deleted Items", TERN_STORE_FOLDER_ROLE_TRASH },
  { "Deleted Messages", TERN_STORE_FOLDER_ROLE_TRASH },
  { "Junk", TERN_STORE_FOLDER_ROLE_JUNK },
  { "Spam", TERN_STORE_FOLDER_ROLE_JUNK },
  { "Junk E-mail", TERN_STORE_FOLDER_ROLE_JUNK },
  { "Archive", TERN_STORE_FOLDER_ROLE_ARCHIVE },
  { "Archives", TERN_STORE_FOLDER_ROLE_ARCHIVE },
};

static TernStoreFolderRole
role_from_flags (TernImapMailboxFlags flags)
{
  if (flags & TERN_IMAP_MAILBOX_SENT)
    return TERN_STORE_FOLDER_ROLE_SENT;
  if (flags & TERN_IMAP_MAILBOX_DRAFTS)
    return TERN_STORE_FOLDER_ROLE_DRAFTS;
  if (flags & TERN_IMAP_MAILBOX_TRASH)
    return TERN_STORE_FOLDER_ROLE_TRASH;
  if (flags & TERN_IMAP_MAILBOX_JUNK)
    return TERN_STORE_FOLDER_ROLE_JUNK;
  if (flags & TERN_IMAP_MAILBOX_ARCHIVE)
    return TERN_STORE_FOLDER_ROLE_ARCHIVE;
  return TERN_STORE_FOLDER_ROLE_NONE;
}

/* The store path of a server mailbox: its levels joined with "/". */
static char *
path_from_server (const char *name, char delimiter)
{
  g_autofree char *copy = g_strdup (name);

  if (delimiter != '\0' && delimiter != '/')
    {
      /* A "/" inside a level cannot be told from a level separator: keep it out. */
      g_strdelimit (copy, "/", '_');
      g_strdelimit (copy, (char[]) { delimiter, '\0' }, '/');
    }
  return g_steal_pointer (&copy);
}

static int
compare_mailboxes (gconstpointer a, gconstpointer b)
{
  const TernImapMailbox *ma = *(TernImapMailbox * const *) a;
  const TernImapMailbox *mb = *(TernImapMailbox * const *) b;
  gboolean ia = g_ascii_strcasecmp (ma->name, "INBOX") == 0;
  gboolean ib = g_ascii_strcasecmp (mb->name, "INBOX") == 0;

  if (ia != ib)
    return ia ? -1 : 1;
  return strcmp (ma->name, mb->name);
}

/* LIST: the store's folders follow the server's. Returns the selectable folders,
 * INBOX first. */
static GPtrArray *
sync_folder_list (Sync *sync, GError **error)
{
  TernImapListFlags flags = TERN_IMAP_LIST_NONE;
  g_autoptr(GPtrArray) mailboxes = NULL;
  g_autoptr(GPtrArray) subscribed = NULL;
  g_autoptr(GPtrArray) local = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) subscribed_names = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  GHashTable *roles_taken;

  if (tern_imap_session_has_capability (sync->session, "SPECIAL-USE"))
    flags |= TERN_IMAP_LIST_SPECIAL_USE;
  mailboxes = tern_imap_session_list_full (sync->session, "", "*", flags, 0, &skipped, sync->cancellable, error);
  if (mailboxes == NULL)
    return NULL;
  /* A folder whose name cannot be read is skipped, and said so; the others sync. */
  for (guint i = 0; i < skipped->len; i++)
    {
      const GError *why = g_ptr_array_index (skipped, i);
      g_autofree char *what = g_strdup_printf (_("Folder skipped: %s"), why->message);

      progress (sync, NULL, 0, 0, what);
      /* Progress reports may be coalesced (the newest wins): the log keeps it. */
      g_message ("%s: %s", sync->email, what);
    }
  g_ptr_array_sort (mailboxes, compare_mailboxes);
  /* Every folder is synced (as Geary does); the subscriptions are recorded for the
   * UI, which may show the subscribed ones only (as Thunderbird does). */
  subscribed = tern_imap_session_list (sync->session, "", "*", TERN_IMAP_LIST_SUBSCRIBED, 0, sync->cancellable, error);
  if (subscribed == NULL)
    return NULL;
  subscribed_names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < subscribed->len; i++)
    g_hash_table_add (subscribed_names, ((TernImapMailbox *) g_ptr_array_index (subscribed, i))->name);

  roles_taken = g_hash_table_new (NULL, NULL);
  /* Special-use attributes first, names only where no attribute gives the role. */
  for (guint i = 0; i < mailboxes->len; i++)
    {
      TernImapMailbox *mailbox = g_ptr_array_index (mailboxes, i);
      TernStoreFolderRole role = role_from_flags (mailbox->flags);

      if (role != TERN_STORE_FOLDER_ROLE_NONE)
        g_hash_table_add (roles_taken, GINT_TO_POINTER (role));
    }

  if (!tern_store_db_begin (sync->db, error))
    {
      g_hash_table_unref (roles_taken);
      return NULL;
    }

  for (guint i = 0; i < mailboxes->len; i++)
    {
      TernImapMailbox *mailbox = g_ptr_array_index (mailboxes, i);
      g_autofree char *path = NULL;
      g_autoptr(TernStoreFolder) folder = NULL;
      TernStoreFolderRole role;
      char delim[2] = { mailbox->delimiter, '\0' };

      if (mailbox->flags & TERN_IMAP_MAILBOX_NONEXISTENT)
        continue;
      if (mailbox->delimiter != '\0')
        sync->delimiter = mailbox->delimiter;
      path = path_from_server (mailbox->name, mailbox->delimiter);
      if (g_ascii_strcasecmp (mailbox->name, "INBOX") == 0)
        role = TERN_STORE_FOLDER_ROLE_INBOX;
      else
        role = role_from_flags (mailbox->flags);
      if (role == TERN_STORE_FOLDER_ROLE_NONE && strchr (path, '/') == NULL)
        {
          for (guint j = 0; j < G_N_ELEMENTS (fallback_roles); j++)
            if (g_ascii_strcasecmp (path, fallback_roles[j].name) == 0 &&
                !g_hash_table_contains (roles_taken, GINT_TO_POINTER (fallback_roles[j].role)))
              {
                role = fallback_roles[j].role;
                g_hash_table_add (roles_taken, GINT_TO_POINTER (role));
                break;
              }
        }

      folder = tern_store_db_ensure_folder (sync->db, sync->account_id, path, role, error);
      if (folder == NULL ||
          !tern_store_db_sync_set_folder_server (sync->db, tern_store_folder_get_id (folder), mailbox->name,
                                                 mailbox->delimiter != '\0' ? delim : NULL, role, error) ||
          !tern_store_db_sync_set_folder_subscribed (sync->db, tern_store_folder_get_id (folder),
                                                     g_ascii_strcasecmp (mailbox->name, "INBOX") == 0 ||
                                                     g_hash_table_contains (subscribed_names, mailbox->name),
                                                     error))
        goto fail;
      g_hash_table_add (seen, g_strdup (tern_store_folder_get_path (folder)));
      if (!(mailbox->flags & TERN_IMAP_MAILBOX_NOSELECT))
        {
          g_autoptr(TernStoreFolder) fresh = tern_store_db_get_folder (sync->db, tern_store_folder_get_id (folder), error);
          if (fresh == NULL)
            goto fail;
          g_ptr_array_add (result, g_steal_pointer (&fresh));
        }
    }

  /* Folders gone from the server go from the store, unless they hold messages the
   * server has not got yet (a local-only draft, a move not replayed). */
  local = tern_store_db_list_folders (sync->db, sync->account_id, error);
  if (local == NULL)
    goto fail;
  for (guint i = local->len; i > 0; i--)
    {
      TernStoreFolder *folder = g_ptr_array_index (local, i - 1);
      gint64 all, server;
      g_autoptr(GArray) rows = NULL;

      if (g_hash_table_contains (seen, tern_store_folder_get_path (folder)))
        continue;
      /* A parent created by ensure_folder for a child the server lists. */
      {
        g_autofree char *prefix = g_strconcat (tern_store_folder_get_path (folder), "/", NULL);
        GHashTableIter iter;
        gpointer key;
        gboolean parent = FALSE;

        g_hash_table_iter_init (&iter, seen);
        while (!parent && g_hash_table_iter_next (&iter, &key, NULL))
          parent = g_str_has_prefix (key, prefix);
        if (parent)
          continue;
      }
      rows = tern_store_db_sync_list_rows (sync->db, tern_store_folder_get_id (folder), G_MAXUINT32, error);
      server = tern_store_db_sync_count_server_messages (sync->db, tern_store_folder_get_id (folder), error);
      if (rows == NULL || server < 0)
        goto fail;
      all = rows->len;
      if (all > server)
        continue;
      if (!tern_store_db_sync_delete_folder (sync->db, tern_store_folder_get_id (folder), error))
        goto fail;
    }

  g_hash_table_unref (roles_taken);
  if (!tern_store_db_commit (sync->db, error))
    return NULL;
  return g_steal_pointer (&result);

fail:
  g_hash_table_unref (roles_taken);
  tern_store_db_rollback (sync->db);
  return NULL;
}

/* ---- new messages ------------------------------------------------------------------
 *
 * Two ways to fetch the messages at or above the stored UIDNEXT, both committing in
 * batches with the folder's sync state (UIDVALIDITY, UIDNEXT = the highest UID
 * received + 1) in the same transaction:
 *
 *  - headers only (BODY.PEEK[HEADER]), stored header-only and searchable by their
 *    headers at once; the bodies follow in fetch_bodies(), newest first, once every
 *    folder's headers are in, each replacing its message's entry in the search index
 *    (queued to the end of the transaction, so a batch of them costs one segment);
 *  - whole messages (BODY.PEEK[]) stored with their raw bytes in one go
 *    (tern_store_db_add_message() with @raw): one transfer and one MIME parse.
 *
 * The first sync of a folder takes the header pass, so that the whole list is there
 * quickly (10,000 headers in about a second on loopback), Geary-like: the headers of
 * the newest FIRST_SCREEN messages first, then the older ones. The first screen is
 * stored above the stored UIDNEXT, which it does not move (UIDNEXT only ever names a
 * UID below which everything is stored); a kill after it costs a second FETCH of
 * those headers, never a duplicate: every insert is preceded by a lookup of the UID
 * (and the store's UNIQUE (folder_id, uid)). A folder synced before with at most
 * FIRST_SCREEN new messages (the usual resync) gets them whole in one pass.
 *
 * Like the header pass, the whole-message pass assumes the server answers a UID range
 * in ascending UID order (as Dovecot, Cyrus, Gmail... do): the UIDNEXT committed with a
 * batch is the highest UID received + 1. */

#define FIRST_SCREEN 500
#define MESSAGE_BATCH 1000

/* What a FETCH brought in for a message: read by the session's thread, parsed by the
 * pipeline's parser, stored by its writer (tern-sync-pipeline.c). */
typedef struct
{
  guint32           uid;
  TernStoreFlags    flags;
  char             *keywords;
  gint64            internal_date;
  guint64           size;
  GBytes           *raw;       /* the whole message, or NULL */
  GBytes           *header;    /* its header, when only that was fetched */
  TernMimeSummary  *summary;   /* the parser's */
  gint64            dedup_key; /* the parser's, with @raw */
} NewItem;

static void
new_item_free (gpointer data)
{
  NewItem *item = data;

  g_free (item->keywords);
  g_clear_pointer (&item->raw, g_bytes_unref);
  g_clear_pointer (&item->header, g_bytes_unref);
  g_clear_pointer (&item->summary, tern_mime_summary_free);
  g_free (item);
}

typedef struct
{
  Sync             *sync;
  TernSyncPipeline *pipeline;
  gint64            folder_id;
  guint32           uidvalidity;
  guint32           first_uid;   /* the stored UIDNEXT */
  guint32           low, high;   /* the UIDs asked for */
  gboolean          advance;     /* whether the batches move UIDNEXT (the range starts at first_uid) */
  gboolean          with_body;
  guint64           old_modseq;
  guint             total;
  gboolean          stopped;     /* the pipeline failed: drop the rest */
  /* the writer's */
  guint32           max_uid;
  guint             done;
} HeaderFetch;

static void
new_item_parse (gpointer data, gpointer user_data)
{
  NewItem *item = data;
  gsize len = 0;
  const guint8 *bytes;

  if (item->raw != NULL)
    {
      bytes = g_bytes_get_data (item->raw, &len);
      bytes = bytes != NULL ? bytes : (const guint8 *) "";
      item->summary = tern_mime_summary_new (bytes, len);
      item->dedup_key = tern_store_db_compute_dedup_key (bytes, len);
    }
  else
    {
      bytes = item->header != NULL ? g_bytes_get_data (item->header, &len) : NULL;
      item->summary = tern_mime_summary_new (bytes != NULL ? bytes : (const guint8 *) "", len);
    }
}

static gsize
summary_held (const TernMimeSummary *summary)
{
  return (summary->body_text != NULL ? strlen (summary->body_text) : 0) +
         (summary->attachment_names != NULL ? strlen (summary->attachment_names) : 0) + 256;
}

static gboolean
new_item_store (TernStoreDb *db, gpointer data, gpointer user_data, gsize *held, GError **error)
{
  NewItem *item = data;
  HeaderFetch *fetch = user_data;
  Sync *sync = fetch->sync;
  TernStoreDbNewMessage message = { 0 };
  TernStoreDbSyncRow row;
  gboolean found = FALSE;

  if (fetch->advance)
    fetch->max_uid = MAX (fetch->max_uid, item->uid);
  fetch->done++;

  if (!tern_store_db_sync_lookup_uid (db, fetch->folder_id, item->uid, &row, &found, error))
    return FALSE;
  if (found)
    {
      /* Stored by a run that was killed after: its flags may have changed since. */
      if (item->flags != row.flags &&
          !tern_store_db_set_flags (db, &row.id, 1, item->flags & ~row.flags, row.flags & ~item->flags, error))
        return FALSE;
      if (!tern_store_db_set_keywords (db, row.id, item->keywords, error))
        return FALSE;
      if (item->raw != NULL && !row.has_body)
        {
          *held = summary_held (item->summary);
          return tern_store_db_set_raw_parsed (db, row.id, item->raw, item->summary, item->dedup_key, error);
        }
      return TRUE;
    }

  message.folder_id = fetch->folder_id;
  message.uid = item->uid;
  message.flags = item->flags;
  message.keywords = item->keywords;
  message.internal_date = item->internal_date;
  message.size = (gsize) item->size;
  message.summary = item->summary;
  message.raw = item->raw;
  message.dedup_key = item->dedup_key;
  message.arrived = sync->arrivals && !(message.flags & TERN_STORE_FLAG_SEEN);
  *held = summary_held (item->summary);
  return tern_store_db_add_message (db, &message, NULL, error) != 0;
}

static gboolean
header_batch_commit (TernStoreDb *db, gpointer user_data, GError **error)
{
  HeaderFetch *fetch = user_data;

  return tern_store_db_set_folder_sync_state (db, fetch->folder_id, fetch->uidvalidity,
                                              MAX (fetch->max_uid + 1, fetch->first_uid), fetch->old_modseq, error);
}

static void
header_batch_committed (gpointer user_data)
{
  HeaderFetch *fetch = user_data;
  Sync *sync = fetch->sync;

  progress (sync, tern_store_folder_get_path (sync->folder), fetch->done, fetch->total,
            fetch->with_body ? _("messages") : _("headers"));
}

static const TernSyncPipelineFuncs new_item_funcs = {
  new_item_parse, new_item_store, header_batch_commit, header_batch_committed, new_item_free,
};

static void
header_cb (TernImapSession *session, TernImapResponse *response, gpointer user_data)
{
  HeaderFetch *fetch = user_data;
  Sync *sync = fetch->sync;
  g_auto(GStrv) flag_names = NULL;
  g_autoptr(GDateTime) internal = NULL;
  NewItem *item;
  guint32 uid = 0;
  gsize bytes = 0;

  if (!tern_imap_response_get_fetch_uid (response, &uid))
    return;
  if (uid < fetch->low || uid > fetch->high)
    {
      /* Not an answer: a flag change the server reports meanwhile (applied with the
       * folder's other flag changes). */
      fetch_cb (session, response, sync);
      return;
    }
  if (fetch->stopped)
    return;

  item = g_new0 (NewItem, 1);
  if (fetch->with_body)
    {
      item->raw = tern_imap_response_dup_fetch_section (response, "BODY[]");
      if (item->raw == NULL && tern_imap_response_get_fetch_item (response, "RFC822.SIZE") == NULL)
        {
          /* A flag change reported in the middle of the FETCH, not an answer. */
          new_item_free (item);
          fetch_cb (session, response, sync);
          return;
        }
      /* An answer without the body (NIL): stored header-only like the header pass
       * does, so that UIDNEXT can move past it and fetch_bodies() tries again. */
    }
  if (item->raw == NULL)
    item->header = tern_imap_response_dup_fetch_section (response, "BODY[HEADER]");

  flag_names = tern_imap_response_dup_fetch_flags (response);
  internal = tern_imap_response_dup_fetch_internaldate (response);
  item->uid = uid;
  item->flags = flags_from_strv (flag_names);
  item->keywords = tern_sync_journal_keywords_from_strv ((const char * const *) flag_names);
  item->internal_date = internal != NULL ? g_date_time_to_unix (internal) : 0;
  tern_imap_response_get_fetch_rfc822_size (response, &item->size);
  if (item->raw != NULL)
    bytes = g_bytes_get_size (item->raw);
  else if (item->header != NULL)
    bytes = g_bytes_get_size (item->header);
  if (!tern_sync_pipeline_push (fetch->pipeline, item, bytes))
    fetch->stopped = TRUE;
}

/* UID FETCH @low:@high (@high 0: "*"), headers or whole messages. */
static gboolean
fetch_new_range (Sync *sync, gint64 folder_id, guint32 uidvalidity, guint32 first_uid, guint32 low, guint32 high,
                 gboolean with_body, guint64 old_modseq, guint total, GError **error)
{
  HeaderFetch fetch = { sync, NULL, folder_id, uidvalidity, first_uid, low, high != 0 ? high : G_MAXUINT32,
                        low == first_uid, with_body, old_modseq, total, FALSE, 0, 0 };
  g_autofree char *set = high != 0 ? g_strdup_printf ("%u:%u", low, high) : g_strdup_printf ("%u:*", low);
  g_autoptr(GError) store_error = NULL;
  const char *items;
  gboolean ok, stored;

  if (with_body)
    items = sync->condstore ? "(UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[])"
                            : "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])";
  else
    items = sync->condstore ? "(UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER])"
                            : "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])";

  /* The batches commit the folder's sync state with their messages; the last one
   * (finish) too. What is stored stays stored after a failure of the network: the
   * sync state names the highest UID among them. */
  sync_pin_converters (sync);
  fetch.pipeline = tern_sync_pipeline_new (sync->db, &new_item_funcs, &fetch,
                                           with_body ? MESSAGE_BATCH : HEADER_BATCH, sync->cancellable);
  ok = tern_imap_session_uid_fetch (sync->session, set, items, 0, header_cb, &fetch, sync->cancellable, error);
  stored = tern_sync_pipeline_finish (fetch.pipeline, &store_error);
  if (!ok)
    return FALSE;
  if (!stored)
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
fetch_new_headers (Sync *sync, gint64 folder_id, guint32 uidvalidity, guint32 first_uid, guint64 old_modseq,
                   guint32 server_uidnext, guint total, GError **error)
{
  g_autoptr(GArray) uids = NULL;
  g_autofree char *range = NULL;
  guint32 screen_low;
  guint n = 0;

  if (server_uidnext != 0 && server_uidnext <= first_uid)
    return TRUE;

  if (sync->options.headers_only || sync->options.body_days > 0)
    return fetch_new_range (sync, folder_id, uidvalidity, first_uid, first_uid, 0, FALSE, old_modseq, total, error);
  /* A folder synced before, a few new messages: whole, in one pass. */
  if (first_uid > 1 && total <= FIRST_SCREEN)
    return fetch_new_range (sync, folder_id, uidvalidity, first_uid, first_uid, 0, TRUE, old_modseq, total, error);
  if (total <= FIRST_SCREEN)
    return fetch_new_range (sync, folder_id, uidvalidity, first_uid, first_uid, 0, FALSE, old_modseq, total, error);

  /* Many new messages: the headers of the newest FIRST_SCREEN, then the older ones';
   * the bodies follow in fetch_bodies(), newest first. */
  range = g_strdup_printf ("%u:*", first_uid);
  uids = tern_imap_session_uid_list (sync->session, range, sync->cancellable, error);
  if (uids == NULL)
    return FALSE;
  for (guint i = 0; i < uids->len; i++)   /* "n:*" also matches the last UID when below n */
    if (g_array_index (uids, guint32, i) >= first_uid)
      g_array_index (uids, guint32, n++) = g_array_index (uids, guint32, i);
  g_array_set_size (uids, n);
  if (n <= FIRST_SCREEN)
    return fetch_new_range (sync, folder_id, uidvalidity, first_uid, first_uid, 0, FALSE, old_modseq, n, error);
  g_array_sort (uids, (GCompareFunc) compare_uids);
  screen_low = g_array_index (uids, guint32, n - FIRST_SCREEN);

  return fetch_new_range (sync, folder_id, uidvalidity, first_uid, screen_low, 0, FALSE, old_modseq,
                          FIRST_SCREEN, error) &&
         fetch_new_range (sync, folder_id, uidvalidity, first_uid, first_uid, screen_low - 1, FALSE, old_modseq,
                          n - FIRST_SCREEN, error);
}

/* ---- one folder: headers, flags, expunges ------------------------------------------ */

static gboolean
sync_folder (Sync *sync, TernStoreFolder *folder, GError **error)
{
  gint64 folder_id = tern_store_folder_get_id (folder);
  const char *server_path = tern_store_folder_get_server_path (folder);
  guint32 stored_uidvalidity = tern_store_folder_get_uidvalidity (folder);
  guint32 stored_uidnext = tern_store_folder_get_uidnext (folder);
  guint64 stored_modseq = tern_store_folder_get_highestmodseq (folder);
  gint64 stored_count = tern_store_db_sync_count_server_messages (sync->db, folder_id, NULL);
  TernImapQresync qresync = { stored_uidvalidity, stored_modseq, NULL };
  gboolean use_qresync = sync->qresync && stored_modseq > 0 && stored_count >= 0;
  guint32 uidvalidity, uidnext, exists;
  guint64 modseq;
  gboolean rebuilt = FALSE;
  gint64 local_count;

  g_array_set_size (sync->changes, 0);
  g_array_set_size (sync->vanished, 0);
  sync->folder = folder;

  if (!tern_imap_session_select (sync->session, server_path,
                                 sync->condstore ? TERN_IMAP_SELECT_CONDSTORE : TERN_IMAP_SELECT_NONE,
                                 use_qresync ? &qresync : NULL, sync->cancellable, error))
    return FALSE;

  uidvalidity = tern_imap_session_get_uidvalidity (sync->session);
  uidnext = tern_imap_session_get_uidnext (sync->session);
  exists = tern_imap_session_get_exists (sync->session);
  modseq = tern_imap_session_get_highest_modseq (sync->session);

  /* A new UIDVALIDITY: the UIDs we know mean nothing any more. A folder never
   * synced may hold local-only messages, which stay. */
  if (uidvalidity != stored_uidvalidity && (stored_modseq > 0 || stored_count > 0 || stored_uidnext > 1))
    {
      if (stored_count > 0 || stored_uidnext > 1)
        g_message ("%s %s: UIDVALIDITY changed from %u to %u, reloading the folder", sync->email,
                   tern_store_folder_get_path (folder), stored_uidvalidity, uidvalidity);
      if (!tern_store_db_begin (sync->db, error))
        return FALSE;
      if (!tern_store_db_sync_delete_server_messages (sync->db, folder_id, error) ||
          !tern_store_db_set_folder_sync_state (sync->db, folder_id, uidvalidity, 1, 0, error))
        {
          tern_store_db_rollback (sync->db);
          return FALSE;
        }
      if (!tern_store_db_commit (sync->db, error))
        return FALSE;
      g_array_set_size (sync->changes, 0);
      g_array_set_size (sync->vanished, 0);
      stored_uidnext = 1;
      stored_modseq = 0;
      stored_count = 0;
      rebuilt = TRUE;
      use_qresync = FALSE;
    }
  if (stored_uidnext == 0)
    stored_uidnext = 1;
  /* New mail is what arrives in a folder synced before. */
  sync->arrivals = !rebuilt && stored_uidvalidity != 0 && stored_uidvalidity == uidvalidity;

  /* New messages, headers only. */
  if (!fetch_new_headers (sync, folder_id, uidvalidity, stored_uidnext, stored_modseq, uidnext,
                          exists > stored_count ? (guint) (exists - stored_count) : 0, error))
    return FALSE;

  /* Flag changes and expunges of the messages we had. */
  if (!rebuilt && stored_uidnext > 1 && !use_qresync)
    {
      g_autofree char *known = g_strdup_printf ("1:%u", stored_uidnext - 1);

      if (sync->condstore && stored_modseq > 0)
        {
          if (modseq != stored_modseq &&
              !tern_imap_session_uid_fetch (sync->session, known, "(UID FLAGS)", stored_modseq,
                                            fetch_cb, sync, sync->cancellable, error))
            return FALSE;
        }
      else
        {
          g_autoptr(GArray) rows = NULL;
          gsize before = sync->changes->len;

          if (!tern_imap_session_uid_fetch (sync->session, known, "(UID FLAGS)", 0, fetch_cb, sync,
                                            sync->cancellable, error))
            return FALSE;
          /* Every message we had answered: the others are gone. */
          rows = tern_store_db_sync_list_rows (sync->db, folder_id, stored_uidnext, error);
          if (rows == NULL)
            return FALSE;
          {
            g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);

            for (gsize i = before; i < sync->changes->len; i++)
              g_hash_table_add (present, GUINT_TO_POINTER (g_array_index (sync->changes, FlagChange, i).uid));
            for (guint i = 0; i < rows->len; i++)
              {
                guint32 uid = g_array_index (rows, TernStoreDbSyncRow, i).uid;
                if (!g_hash_table_contains (present, GUINT_TO_POINTER (uid)))
                  g_array_append_val (sync->vanished, uid);
              }
          }
        }
    }

  if (!tern_store_db_begin (sync->db, error))
    return FALSE;
  for (guint i = 0; i < sync->changes->len; i++)
    {
      FlagChange *change = &g_array_index (sync->changes, FlagChange, i);

      if (!apply_flags (sync, folder_id, change->uid, change->flags, change->keywords, error))
        goto fail;
    }
  if (!delete_uids (sync, folder_id, sync->vanished, error))
    goto fail;

  /* CONDSTORE without QRESYNC, or a server without either: count to find expunges. */
  local_count = tern_store_db_sync_count_server_messages (sync->db, folder_id, error);
  if (local_count < 0)
    goto fail;
  if (!use_qresync && sync->condstore && local_count != tern_imap_session_get_exists (sync->session))
    {
      g_autoptr(GArray) all = tern_imap_session_uid_list (sync->session, "1:*", sync->cancellable, error);
      g_autoptr(GArray) rows = NULL;
      g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
      g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (guint32));

      if (all == NULL || (rows = tern_store_db_sync_list_rows (sync->db, folder_id, TERN_STORE_LOCAL_UID_BASE, error)) == NULL)
        goto fail;
      for (guint i = 0; i < all->len; i++)
        g_hash_table_add (present, GUINT_TO_POINTER (g_array_index (all, guint32, i)));
      for (guint i = 0; i < rows->len; i++)
        {
          guint32 uid = g_array_index (rows, TernStoreDbSyncRow, i).uid;
          if (!g_hash_table_contains (present, GUINT_TO_POINTER (uid)))
            g_array_append_val (gone, uid);
        }
      if (!delete_uids (sync, folder_id, gone, error))
        goto fail;
    }

  {
    g_autoptr(TernStoreFolder) now = tern_store_db_get_folder (sync->db, folder_id, error);
    guint32 next;

    if (now == NULL)
      goto fail;
    next = MAX (tern_store_folder_get_uidnext (now), uidnext);
    if (!tern_store_db_set_folder_sync_state (sync->db, folder_id, uidvalidity, next, modseq, error))
      goto fail;
  }
  g_array_set_size (sync->changes, 0);
  g_array_set_size (sync->vanished, 0);
  return tern_store_db_commit (sync->db, error);

fail:
  tern_store_db_rollback (sync->db);
  return FALSE;
}

/* ---- bodies ----------------------------------------------------------------------- */

typedef struct
{
  guint32          uid;
  GBytes          *raw;
  TernMimeSummary *summary;   /* the parser's */
  gint64           dedup_key;
} BodyItem;

static void
body_item_free (gpointer data)
{
  BodyItem *item = data;

  g_clear_pointer (&item->raw, g_bytes_unref);
  g_clear_pointer (&item->summary, tern_mime_summary_free);
  g_free (item);
}

typedef struct
{
  Sync             *sync;
  TernSyncPipeline *pipeline;
  gint64            folder_id;
  gboolean          stopped;
  /* the writer's */
  guint             done;
  guint             total;
} BodyFetch;

static void
body_item_parse (gpointer data, gpointer user_data)
{
  BodyItem *item = data;
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (item->raw, &len);

  bytes = bytes != NULL ? bytes : (const guint8 *) "";
  item->summary = tern_mime_summary_new (bytes, len);
  item->dedup_key = tern_store_db_compute_dedup_key (bytes, len);
}

static gboolean
body_item_store (TernStoreDb *db, gpointer data, gpointer user_data, gsize *held, GError **error)
{
  BodyItem *item = data;
  BodyFetch *fetch = user_data;
  TernStoreDbSyncRow row;
  gboolean found = FALSE;

  fetch->done++;
  if (!tern_store_db_sync_lookup_uid (db, fetch->folder_id, item->uid, &row, &found, error))
    return FALSE;
  if (!found || row.has_body)
    return TRUE;
  *held = summary_held (item->summary);
  return tern_store_db_set_raw_parsed (db, row.id, item->raw, item->summary, item->dedup_key, error);
}

static void
body_batch_committed (gpointer user_data)
{
  BodyFetch *fetch = user_data;

  progress (fetch->sync, tern_store_folder_get_path (fetch->sync->folder), fetch->done, fetch->total, _("bodies"));
}

static const TernSyncPipelineFuncs body_item_funcs = {
  body_item_parse, body_item_store, NULL, body_batch_committed, body_item_free,
};

static gboolean
body_untagged_cb (TernImapCommand *command, TernImapResponse *response, gpointer user_data)
{
  BodyFetch *fetch = user_data;
  Sync *sync = fetch->sync;
  BodyItem *item;
  GBytes *raw;
  guint32 uid = 0;

  if (!tern_imap_response_is (response, "FETCH"))
    return FALSE;
  if (!tern_imap_response_get_fetch_uid (response, &uid))
    return FALSE;
  if (fetch->stopped)
    return TRUE;
  raw = tern_imap_response_dup_fetch_section (response, "BODY[]");
  if (raw == NULL)
    {
      /* A flag change reported in the middle of the FETCH */
      fetch_cb (sync->session, response, sync);
      return TRUE;
    }
  item = g_new0 (BodyItem, 1);
  item->uid = uid;
  item->raw = raw;
  if (!tern_sync_pipeline_push (fetch->pipeline, item, g_bytes_get_size (raw)))
    fetch->stopped = TRUE;
  return TRUE;
}

static char *
uid_set_of_rows (GArray *rows, guint start, guint end)
{
  g_autoptr(TernImapUidSet) set = tern_imap_uid_set_new ();

  for (guint i = start; i < end; i++)
    tern_imap_uid_set_add (set, g_array_index (rows, TernStoreDbSyncRow, i).uid);
  return tern_imap_uid_set_to_string (set);
}

static gboolean
fetch_bodies (Sync *sync, TernStoreFolder *folder, GError **error)
{
  gint64 folder_id = tern_store_folder_get_id (folder);
  gint64 since = 0;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_command_unref);
  g_autoptr(GError) store_error = NULL;
  BodyFetch fetch = { sync, NULL, folder_id, FALSE, 0, 0 };
  guint next = 0, waited = 0;
  gboolean ok = TRUE, stored;

  if (sync->options.body_days > 0)
    since = g_get_real_time () / G_USEC_PER_SEC - (gint64) sync->options.body_days * 24 * 3600;
  rows = tern_store_db_sync_list_missing_bodies (sync->db, folder_id, since, error);
  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    return TRUE;
  fetch.total = rows->len;
  sync->folder = folder;

  if (g_strcmp0 (tern_imap_session_get_selected_mailbox (sync->session), tern_store_folder_get_server_path (folder)) != 0 &&
      !tern_imap_session_select (sync->session, tern_store_folder_get_server_path (folder),
                                 TERN_IMAP_SELECT_READ_ONLY, NULL, sync->cancellable, error))
    return FALSE;

  /* Chunks of UIDs, newest first, with a few commands in flight; the bodies are
   * stored beside the network (the pipeline), in batches. */
  sync_pin_converters (sync);
  fetch.pipeline = tern_sync_pipeline_new (sync->db, &body_item_funcs, &fetch, BODY_BATCH, sync->cancellable);
  while (ok && !fetch.stopped && waited * BODY_CHUNK < rows->len)
    {
      while (ok && next * BODY_CHUNK < rows->len && next - waited < BODY_PIPELINE)
        {
          guint start = next * BODY_CHUNK;
          g_autofree char *set = uid_set_of_rows (rows, start, MIN (start + BODY_CHUNK, rows->len));
          TernImapCommand *command = tern_imap_command_new ("UID FETCH");

          tern_imap_command_add_atom (command, set);
          tern_imap_command_add_atom (command, "(UID BODY.PEEK[])");
          tern_imap_command_set_untagged_handler (command, body_untagged_cb, &fetch);
          g_ptr_array_add (commands, command);
          ok = tern_imap_session_submit (sync->session, command, sync->cancellable, error);
          next++;
        }
      if (ok)
        ok = tern_imap_session_wait (sync->session, g_ptr_array_index (commands, waited), sync->cancellable, error);
      waited++;
    }
  /* The commands still in flight after a failure of the store are answered (and
   * dropped) before the session is used again. */
  while (ok && waited < next)
    ok = tern_imap_session_wait (sync->session, g_ptr_array_index (commands, waited++), sync->cancellable, error);

  /* Bodies stored so far are kept even after a failure. */
  stored = tern_sync_pipeline_finish (fetch.pipeline, &store_error);
  if (ok && !stored)
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      ok = FALSE;
    }
  progress (sync, tern_store_folder_get_path (folder), fetch.done, fetch.total, _("bodies"));
  return ok;
}

/* ---- a run -------------------------------------------------------------------------- */

static void
sync_clear (Sync *sync)
{
  if (sync->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (sync->session, sync);
      g_clear_object (&sync->session);
    }
  g_clear_pointer (&sync->changes, g_array_unref);
  g_clear_pointer (&sync->vanished, g_array_unref);
  if (sync->converters_pinned)
    tern_sync_converters_unpin ();
  sync->converters_pinned = FALSE;
}

static gboolean
sync_prepare (Sync *sync, TernStoreDb *db, TernAccount *account, const char *password,
              const TernSyncImapOptions *options, TernAccountProgressFunc progress_func, gpointer progress_data,
              GCancellable *cancellable, GError **error)
{
  memset (sync, 0, sizeof *sync);
  sync->db = db;
  sync->account = account;
  sync->email = tern_account_get_email (account);
  sync->progress = progress_func;
  sync->progress_data = progress_data;
  sync->cancellable = cancellable;
  sync->changes = g_array_new (FALSE, FALSE, sizeof (FlagChange));
  g_array_set_clear_func (sync->changes, flag_change_clear);
  sync->vanished = g_array_new (FALSE, FALSE, sizeof (guint32));
  sync->delimiter = '/';
  if (options != NULL)
    sync->options = *options;
  else
    tern_sync_imap_options_init (&sync->options);
  if (sync->options.follow_metered && g_network_monitor_get_network_metered (g_network_monitor_get_default ()))
    sync->options.headers_only = TRUE;

  sync->account_id = tern_store_db_ensure_account (db, sync->email, TERN_STORE_ACCOUNT_IMAP, error);
  if (sync->account_id == 0)
    return FALSE;

  progress (sync, NULL, 0, 0, _("connecting"));
  sync->session = tern_account_open_imap (account, password, 0, cancellable, error);
  if (sync->session == NULL)
    return FALSE;
  g_signal_connect (sync->session, "fetch", G_CALLBACK (fetch_cb), sync);
  g_signal_connect (sync->session, "vanished", G_CALLBACK (vanished_cb), sync);
  g_signal_connect (sync->session, "exists", G_CALLBACK (event_cb), sync);
  g_signal_connect (sync->session, "expunge", G_CALLBACK (event_cb), sync);

  sync->condstore = tern_imap_session_has_capability (sync->session, "CONDSTORE") ||
                    tern_imap_session_has_capability (sync->session, "QRESYNC");
  sync->qresync = tern_imap_session_has_capability (sync->session, "QRESYNC");
  if (sync->qresync)
    {
      const char *const caps[] = { "QRESYNC", NULL };

      if (!tern_imap_session_enable (sync->session, caps, cancellable, error))
        return FALSE;
    }
  else if (sync->condstore)
    {
      const char *const caps[] = { "CONDSTORE", NULL };

      if (tern_imap_session_has_capability (sync->session, "ENABLE") &&
          !tern_imap_session_enable (sync->session, caps, cancellable, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
sync_all (Sync *sync, gboolean inbox_only, GError **error)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) root = NULL;
  g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  guint replayed = 0;
  gboolean replay_ok;

  /* The delimiter, for folders the journal creates. */
  root = tern_imap_session_list (sync->session, "", "", TERN_IMAP_LIST_NONE, 0, sync->cancellable, error);
  if (root == NULL)
    return FALSE;
  if (root->len > 0 && ((TernImapMailbox *) g_ptr_array_index (root, 0))->delimiter != '\0')
    sync->delimiter = ((TernImapMailbox *) g_ptr_array_index (root, 0))->delimiter;

  replay_ok = tern_sync_replay_run (sync->db, sync->session, sync->account_id, sync->delimiter, &replayed, refused,
                                    sync->cancellable, error);
  if (replayed > 0)
    progress (sync, NULL, replayed, replayed, _("offline changes sent"));
  /* Said even when the replay stopped later on (the connection lost): the entries
   * refused have left the journal, their local side undone. */
  for (guint i = 0; i < refused->len; i++)
    {
      /* Translators: the server's refusal of a change made offline, in words */
      g_autofree char *text = g_strdup_printf (_("the server refused a change made offline: %s"),
                                               ((GError *) g_ptr_array_index (refused, i))->message);

      /* With the refusal as its error: a window reports it (TernMailAccount::change-refused). */
      tern_account_progress_report (sync->progress, sync->progress_data, sync->email, TERN_ACCOUNT_PHASE_WORKING,
                                    NULL, 0, 0, text, g_ptr_array_index (refused, i));
    }
  if (!replay_ok)
    return FALSE;

  folders = sync_folder_list (sync, error);
  if (folders == NULL)
    return FALSE;

  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);

      if (inbox_only && tern_store_folder_get_role (folder) != TERN_STORE_FOLDER_ROLE_INBOX)
        continue;
      if (!sync_folder (sync, folder, error))
        {
          g_prefix_error (error, "%s: ", tern_store_folder_get_path (folder));
          return FALSE;
        }
    }

  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);

      if (inbox_only && tern_store_folder_get_role (folder) != TERN_STORE_FOLDER_ROLE_INBOX)
        continue;
      /* Header rows left out of the search index for bodies that did not come (a
       * run killed after its header pass, a body window or a metered network
       * since): searchable by their headers now. */
      if ((!sync->options.headers_only && !fetch_bodies (sync, folder, error)) ||
          !tern_store_db_index_headers (sync->db, tern_store_folder_get_id (folder), NULL, error))
        {
          g_prefix_error (error, "%s: ", tern_store_folder_get_path (folder));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * tern_sync_imap_run_full:
 * @password: the password (or OAuth token) of the account
 * @options: (nullable): the settings, or %NULL for the defaults
 *
 * Brings the store in step with the account's server: replays the offline journal,
 * then syncs the folder list, every folder's messages and flags, and the bodies the
 * settings ask for. Runs on the calling thread (never the UI's).
 */
gboolean
tern_sync_imap_run_full (TernStoreDb               *db,
                         TernAccount               *account,
                         const char                *password,
                         const TernSyncImapOptions *options,
                         TernAccountProgressFunc       progress_func,
                         gpointer                   progress_data,
                         GCancellable              *cancellable,
                         GError                   **error)
{
  Sync sync;
  gboolean ok;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  ok = sync_prepare (&sync, db, account, password, options, progress_func, progress_data, cancellable, error) &&
       sync_all (&sync, FALSE, error);
  if (ok)
    {
      tern_imap_session_logout (sync.session, cancellable, NULL);
      progress (&sync, NULL, 0, 0, _("done"));
    }
  sync_clear (&sync);
  return ok;
}

gboolean
tern_sync_imap_run (TernStoreDb           *db,
                    TernAccount           *account,
                    const char            *password,
                    TernAccountProgressFunc   progress_func,
                    gpointer               progress_data,
                    GCancellable          *cancellable,
                    GError               **error)
{
  return tern_sync_imap_run_full (db, account, password, NULL, progress_func, progress_data, cancellable, error);
}

/* ---- push --------------------------------------------------------------------------- */

static gboolean
is_network_error (const GError *error)
{
  return error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR ||
         error->domain == TERN_NET_ERROR ||
         (error->domain == TERN_IMAP_ERROR && (error->code == TERN_IMAP_ERROR_BYE ||
                                               error->code == TERN_IMAP_ERROR_PARSE ||
                                               error->code == TERN_IMAP_ERROR_PROTOCOL));
}

static void
report (TernAccountProgressFunc func, gpointer data, TernAccount *account, TernAccountPhase phase,
        const char *message, const GError *error)
{
  tern_account_progress_report (func, data, tern_account_get_email (account), phase, NULL, 0, 0, message, error);
}

static void
outer_cancelled_cb (GCancellable *cancellable, TernSyncTrigger *trigger)
{
  tern_sync_trigger_pull (trigger, TERN_SYNC_REQUEST_NONE);
}

/* Waits in IDLE (or, without IDLE, polls with NOOP every 30 s) until the server
 * reports a change, the trigger is pulled, @seconds pass, or @cancellable is
 * cancelled. FALSE on a failure (the connection) or cancellation. */
static gboolean
wait_for_changes (Sync *sync, TernSyncTrigger *trigger, guint seconds, GError **error)
{
  g_autoptr(GCancellable) wake = tern_sync_trigger_dup_cancellable (trigger);
  g_autoptr(GError) local_error = NULL;

  if (g_cancellable_is_cancelled (wake))
    return TRUE;
  if (!tern_imap_session_has_capability (sync->session, "IDLE"))
    {
      if (tern_sync_trigger_wait (trigger, MIN (seconds, 30), sync->cancellable))
        return TRUE;
      if (g_cancellable_set_error_if_cancelled (sync->cancellable, error))
        return FALSE;
      return tern_imap_session_noop (sync->session, sync->cancellable, error);
    }
  if (tern_imap_session_idle (sync->session, MIN (seconds, TERN_IMAP_DEFAULT_IDLE_TIMEOUT), wake, &local_error))
    return TRUE;
  /* Woken by the trigger: IDLE ended with DONE, the session is usable. */
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_cancellable_is_cancelled (sync->cancellable))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * tern_sync_imap_watch:
 * @trigger: (nullable): pulled to wake the wait: changes to replay, a sync asked for
 *
 * Syncs the account, then keeps it in step until @cancellable is cancelled: IDLE on
 * INBOX (renewed before 29 minutes), which syncs INBOX on every change the server
 * announces, and a full sync every @options->poll_seconds. A pull of @trigger ends
 * the wait at once: %TERN_SYNC_REQUEST_JOURNAL replays the journal (and syncs INBOX),
 * %TERN_SYNC_REQUEST_FULL syncs every folder. Network failures are retried with a
 * growing delay (1 s to 2 min), waiting for GNetworkMonitor to see a network, and
 * reported as %TERN_ACCOUNT_PHASE_RETRYING; a pull retries at once. Returns only on
 * cancellation (%FALSE with %G_IO_ERROR_CANCELLED) or a failure that retrying cannot
 * mend (such as a refused password).
 */
gboolean
tern_sync_imap_watch (TernStoreDb               *db,
                      TernAccount               *account,
                      const char                *password,
                      const TernSyncImapOptions *options,
                      TernSyncTrigger           *trigger,
                      TernAccountProgressFunc    progress_func,
                      gpointer                   progress_data,
                      GCancellable              *cancellable,
                      GError                   **error)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  g_autoptr(TernSyncTrigger) own_trigger = trigger == NULL ? tern_sync_trigger_new () : NULL;
  guint backoff = 1;
  gulong handler = 0;

  if (trigger == NULL)
    trigger = own_trigger;
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (outer_cancelled_cb), trigger, NULL);

  while (!g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr(GError) local_error = NULL;
      Sync sync;
      gint64 next_poll;
      guint poll;

      tern_sync_trigger_take (trigger);
      if (!g_network_monitor_get_network_available (monitor))
        {
          g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, _("No network"));
          report (progress_func, progress_data, account, TERN_ACCOUNT_PHASE_RETRYING, _("waiting for a network"),
                  local_error);
          tern_sync_trigger_wait (trigger, 2, cancellable);
          continue;
        }

      if (sync_prepare (&sync, db, account, password, options, progress_func, progress_data, cancellable,
                        &local_error) &&
          sync_all (&sync, FALSE, &local_error))
        {
          backoff = 1;
          poll = MAX (sync.options.poll_seconds, 10);
          next_poll = g_get_monotonic_time () + (gint64) poll * G_USEC_PER_SEC;

          for (;;)
            {
              g_autoptr(TernStoreFolder) inbox = tern_store_db_lookup_folder (db, sync.account_id, "INBOX", NULL);
              gint64 now = g_get_monotonic_time ();
              guint wait = now < next_poll ? (guint) ((next_poll - now) / G_USEC_PER_SEC) + 1 : 1;
              TernSyncRequest request;

              if (inbox == NULL)
                break;
              if (g_strcmp0 (tern_imap_session_get_selected_mailbox (sync.session),
                             tern_store_folder_get_server_path (inbox)) != 0 &&
                  !sync_folder (&sync, inbox, &local_error))
                break;
              /* A change the server reported between two commands (a flag set while
               * this sync fetched bodies, say) is not waited for: it is synced now. */
              if (sync.changes->len > 0 || sync.vanished->len > 0 ||
                  (gint64) tern_imap_session_get_exists (sync.session) !=
                  tern_store_db_sync_count_server_messages (db, tern_store_folder_get_id (inbox), NULL))
                sync.events = 1;
              else
                {
                  sync.events = 0;
                  report (progress_func, progress_data, account, TERN_ACCOUNT_PHASE_WAITING,
                          _("waiting for new mail"), NULL);
                  if (!wait_for_changes (&sync, trigger, wait, &local_error))
                    break;
                }
              if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
                break;

              request = tern_sync_trigger_take (trigger);
              if ((request & TERN_SYNC_REQUEST_FULL) || g_get_monotonic_time () >= next_poll)
                {
                  /* Asked for: said, even when there is nothing to do (whoever asked
                   * waits for this sync's work, then its wait). */
                  if (request & TERN_SYNC_REQUEST_FULL)
                    progress (&sync, NULL, 0, 0, _("syncing"));
                  if (!sync_all (&sync, FALSE, &local_error))
                    break;
                  next_poll = g_get_monotonic_time () + (gint64) poll * G_USEC_PER_SEC;
                }
              else if (sync.events > 0 || (request & TERN_SYNC_REQUEST_JOURNAL) ||
                       tern_store_db_sync_journal_count (db, sync.account_id, NULL) > 0)
                {
                  progress (&sync, "INBOX", 0, 0, _("changes"));
                  if (!sync_all (&sync, TRUE, &local_error))
                    break;
                }
            }
        }
      sync_clear (&sync);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_cancellable_is_cancelled (cancellable))
        break;
      if (local_error != NULL && !is_network_error (local_error))
        {
          if (handler != 0)
            g_cancellable_disconnect (cancellable, handler);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      {
        g_autofree char *text = g_strdup_printf (_("connection lost; retrying in %u s"), backoff);
        report (progress_func, progress_data, account, TERN_ACCOUNT_PHASE_RETRYING, text, local_error);
      }
      /* A pull (the network is back, the user asks) retries at once. */
      if (tern_sync_trigger_wait (trigger, backoff, cancellable))
        backoff = 1;
      else
        backoff = MIN (backoff * 2, 120);
    }

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  return FALSE;
}
