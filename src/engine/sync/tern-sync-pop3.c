/* tern-sync-pop3.c: download a POP3 account's new mail into the local store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order of the steps is what keeps mail safe:
 *
 *   1. UIDL: what the server has; LIST: the sizes.
 *   2. RETR (pipelined) every message whose UIDL the store does not know. A message
 *      larger than TERN_NET_MAX_MESSAGE_SIZE is not downloaded (by its LIST size, and
 *      while it arrives when the server understated it, dropping what came); the
 *      progress names it and it stays on the server. A message
 *      is added to the store only once it is complete, in a transaction that is
 *      committed every BATCH_MESSAGES messages or BATCH_BYTES bytes; the UIDL is
 *      recorded in the same transaction (a trigger, sql/005), so a crash before the
 *      commit leaves neither the message nor its UIDL: the next run downloads it
 *      again, once.
 *   3. Checkpoint the store (fsync), then DELE what the policy says, chosen only
 *      among UIDLs the store has committed. A crash before QUIT makes the server
 *      forget the DELEs (RFC 1939, the UPDATE state); the next run sends them again.
 *
 * A UIDL is not enough to name a message: a server may give one Tern has seen to a
 * new message once the old one is gone from it. So a message is DELEd only when it
 * was stored in this run, or when it is the message stored before under its UIDL:
 * the size the server lists now is the size it listed then, and its headers (TOP n 0)
 * give the same digest (header_digest(); both recorded with the message, sql/007). A message that
 * turns out to be another one is downloaded like a new message, and takes over the
 * UIDL's record; one that cannot be checked (TOP refused, nothing recorded) is left
 * alone.
 *   4. QUIT.
 *
 * A POP3 account being switched to IMAP (tern_mail_switch_to_imap_async(), its
 * target saved with it) downloads and deletes nothing until the switch ends: the
 * messages the switch has uploaded so far are on the server, and downloading them
 * again would make local copies the switch would then upload twice (or, with
 * "leave on server" off, delete them from the server).
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "tern-account-sessions.h"
#include "tern-net-connection.h"
#include "tern-sync-pop3.h"
#include "tern-sync-pop3-backup.h"
#include "tern-pop3-session.h"
#include "tern-store-db-outbox.h"
#include "tern-store-error.h"

#define BATCH_MESSAGES 250
#define BATCH_BYTES    (32 * 1024 * 1024)
#define DAY_SECONDS    (24 * 3600)

typedef struct
{
  guint   msgno;
  guint64 size;
} TooLarge;

typedef struct
{
  TernStoreDb          *db;
  TernAccount          *account;
  gint64                folder_id;
  gint64                account_id;
  GHashTable           *uidl_by_msgno;  /* GUINT_TO_POINTER (msgno) -> const char * */
  GHashTable           *size_by_msgno;  /* GUINT_TO_POINTER (msgno) -> const guint64 * (LIST) */
  GHashTable           *reused;         /* msgnos whose UIDL named another message before */
  GHashTable           *stored;         /* msgnos stored in this run */
  GByteArray           *current;
  gboolean              in_transaction;
  guint                 in_batch;
  gsize                 batch_bytes;
  guint                 done;
  guint                 total;
  GError               *store_error;    /* the store failed: the fetch stopped there */
  gsize                 max_size;
  guint                 dropping;       /* the msgno of a message found too large while it came */
  guint64               dropped;        /* its size so far */
  GArray               *too_large;      /* TooLarge */
  TernAccountProgressFunc  progress;
  gpointer              progress_data;
  gboolean              arrivals;   /* downloads are new mail (not the account's first) */
} FetchState;

/* A test hook: TERN_TEST_POP3_CRASH=before-commit|after-commit|after-dele makes the
 * process kill itself (SIGKILL, as a crash) at that point, once. */
static void
maybe_crash (const char *point)
{
  const char *when = g_getenv ("TERN_TEST_POP3_CRASH");

  if (when != NULL && g_str_equal (when, point))
    kill (getpid (), SIGKILL);
}

static void
report (FetchState *state, const char *message)
{
  tern_account_progress_report (state->progress, state->progress_data, tern_account_get_email (state->account),
                                TERN_ACCOUNT_PHASE_WORKING, "INBOX", state->done, state->total, message, NULL);
}

/* TERN_NET_MAX_MESSAGE_SIZE; a test may lower it with TERN_TEST_MAX_MESSAGE_SIZE=BYTES. */
static gsize
max_message_size (void)
{
  const char *value = g_getenv ("TERN_TEST_MAX_MESSAGE_SIZE");
  guint64 size;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, TERN_NET_MAX_MESSAGE_SIZE, &size, NULL))
    return size;
  return TERN_NET_MAX_MESSAGE_SIZE;
}

/* A message not downloaded for its size: the progress says so, now. */
static void
refuse_too_large (FetchState *state, guint msgno, guint64 size)
{
  TooLarge entry = { msgno, size };
  g_autofree char *size_text = g_format_size (size);
  g_autofree char *limit_text = g_format_size (state->max_size);
  g_autofree char *what = NULL;

  g_array_append_val (state->too_large, entry);
  /* Translators: "Message 3 (700.0 MB) is larger than the limit of 536.9 MB ..." */
  what = g_strdup_printf (_("Message %u (%s) is larger than the limit of %s for one message: "
                            "it was not downloaded and stays on the server"),
                          msgno, size_text, limit_text);
  report (state, what);
  /* Progress reports may be coalesced (the newest wins): the log keeps it. */
  g_message ("%s: %s", tern_account_get_email (state->account), what);
}

/* Commits the open batch. A failed commit has rolled it back already. */
#define MAX_NAMED 10

/* "2 messages were not downloaded, ...: message 2 (65.7 MB), message 5 (700.0 MB)" */
static void
report_too_large (FetchState *state)
{
  g_autofree char *limit_text = g_format_size (state->max_size);
  g_autoptr(GString) which = g_string_new (NULL);
  g_autofree char *what = NULL;

  for (guint i = 0; i < state->too_large->len && i < MAX_NAMED; i++)
    {
      const TooLarge *entry = &g_array_index (state->too_large, TooLarge, i);
      g_autofree char *size_text = g_format_size (entry->size);

      if (i > 0)
        g_string_append (which, ", ");
      /* Translators: one of a list: "message 2 (65.7 MB)" */
      g_string_append_printf (which, _("message %u (%s)"), entry->msgno, size_text);
    }
  if (state->too_large->len > MAX_NAMED)
    g_string_append (which, ", …");
  what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u message is larger than the limit of %s for one message: it was not "
                                       "downloaded and stays on the server: %s",
                                       "%u messages are larger than the limit of %s for one message: they were "
                                       "not downloaded and stay on the server: %s",
                                       state->too_large->len),
                          state->too_large->len, limit_text, which->str);
  report (state, what);
}

/* Commits the open batch. A failed commit has rolled it back already. */
static gboolean
commit_batch (FetchState *state, GError **error)
{
  if (!state->in_transaction)
    return TRUE;
  maybe_crash ("before-commit");
  state->in_transaction = FALSE;
  state->in_batch = 0;
  state->batch_bytes = 0;
  if (!tern_store_db_commit (state->db, error))
    return FALSE;
  maybe_crash ("after-commit");
  report (state, NULL);
  return TRUE;
}

static int
compare_msgnos (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* What identifies a message besides its UIDL, from its header block (all of a message
 * before its first empty line, or what TOP n 0 sends): the SHA-256 of the first
 * Message-ID, Date, From, To and Subject fields, unfolded and trimmed. Fields a server
 * may add or change between TOP and RETR (Status, X-UIDL...) stay out of it. */
static const char * const identifying_fields[] = { "message-id", "date", "from", "to", "subject" };

static char *
header_digest (const guint8 *data, gsize length)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *values[G_N_ELEMENTS (identifying_fields)] = { NULL };
  gsize end = length;
  gsize pos = 0;
  int current = -1;   /* the field whose continuation lines follow, or -1 */

  for (gsize i = 0; i + 3 < length; i++)
    if (memcmp (data + i, "\r\n\r\n", 4) == 0)
      {
        end = i + 2;
        break;
      }

  while (pos < end)
    {
      const guint8 *line = data + pos;
      const guint8 *nl = memchr (line, '\n', end - pos);
      gsize len = (nl != NULL ? (gsize) (nl - line) : end - pos);
      gsize next = pos + len + 1;

      if (len > 0 && line[len - 1] == '\r')
        len--;
      if (len > 0 && (line[0] == ' ' || line[0] == '\t'))
        {
          if (current >= 0)
            {
              g_autofree char *more = g_strndup ((const char *) line, len);
              char *joined = g_strconcat (values[current], " ", g_strstrip (more), NULL);

              g_free (values[current]);
              values[current] = joined;
            }
        }
      else
        {
          const guint8 *colon = memchr (line, ':', len);

          current = -1;
          for (guint f = 0; colon != NULL && f < G_N_ELEMENTS (identifying_fields); f++)
            if (values[f] == NULL && (gsize) (colon - line) == strlen (identifying_fields[f]) &&
                g_ascii_strncasecmp ((const char *) line, identifying_fields[f], colon - line) == 0)
              {
                values[f] = g_strndup ((const char *) colon + 1, len - (colon - line) - 1);
                g_strstrip (values[f]);
                current = f;
              }
        }
      pos = next;
    }

  for (guint f = 0; f < G_N_ELEMENTS (identifying_fields); f++)
    {
      g_checksum_update (checksum, (const guchar *) (values[f] != NULL ? values[f] : ""), -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
store_message (FetchState *state, guint msgno, GError **error)
{
  const char *uidl = g_hash_table_lookup (state->uidl_by_msgno, GUINT_TO_POINTER (msgno));
  const guint64 *list_size = g_hash_table_lookup (state->size_by_msgno, GUINT_TO_POINTER (msgno));
  g_autoptr(GBytes) raw = g_byte_array_free_to_bytes (g_steal_pointer (&state->current));
  g_autofree char *digest = header_digest (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  TernStoreDbNewMessage message = { 0 };
  gboolean duplicate = FALSE;
  gint64 id;

  if (!state->in_transaction)
    {
      if (!tern_store_db_begin (state->db, error))
        return FALSE;
      state->in_transaction = TRUE;
    }

  message.folder_id = state->folder_id;
  message.uidl = uidl;
  message.raw = raw;
  message.size = g_bytes_get_size (raw);
  message.arrived = state->arrivals;
  if ((id = tern_store_db_add_message (state->db, &message, &duplicate, error)) == 0 ||
      !tern_store_db_pop3_record_message (state->db, state->account_id, uidl, id,
                                          list_size != NULL ? (gint64) *list_size : -1, digest,
                                          g_hash_table_contains (state->reused, GUINT_TO_POINTER (msgno)),
                                          error))
    return FALSE;
  g_hash_table_add (state->stored, GUINT_TO_POINTER (msgno));

  state->done++;
  state->in_batch++;
  state->batch_bytes += g_bytes_get_size (raw);
  if (state->in_batch >= BATCH_MESSAGES || state->batch_bytes >= BATCH_BYTES)
    return commit_batch (state, error);
  return TRUE;
}

static gboolean
on_data (guint msgno, const guint8 *data, gsize length, gpointer user_data, GError **error)
{
  FetchState *state = user_data;

  /* A message larger than its LIST size said: what comes past the limit is dropped
   * as it arrives, so that memory stays bounded, and the message is refused. */
  if (state->dropping == msgno)
    {
      state->dropped += length;
      if (data == NULL)
        {
          state->dropping = 0;
          state->done++;
          refuse_too_large (state, msgno, state->dropped);
        }
      return TRUE;
    }

  if (state->current == NULL)
    state->current = g_byte_array_sized_new (length > 0 ? MIN (length * 2, state->max_size) : 4096);
  if (data != NULL)
    {
      if (state->current->len + length > state->max_size)
        {
          state->dropping = msgno;
          state->dropped = state->current->len + length;
          g_clear_pointer (&state->current, g_byte_array_unref);
          return TRUE;
        }
      g_byte_array_append (state->current, data, length);
      return TRUE;
    }
  if (!store_message (state, msgno, error))
    {
      /* Kept apart from the network's errors: the store, not the server, failed. */
      state->store_error = g_error_copy (*error);
      return FALSE;
    }
  return TRUE;
}

/* A store that failed during the download: the batch not yet committed is rolled back
 * (the committed ones stay, and are not deleted from the server in this run), and the
 * error says what happened here, not on the network. */
static void
propagate_store_error (FetchState *state, GError **error)
{
  if (state->in_transaction)
    {
      tern_store_db_rollback (state->db);
      state->in_transaction = FALSE;
    }
  if (g_error_matches (state->store_error, TERN_STORE_ERROR, TERN_STORE_ERROR_FULL))
    g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FULL,
                 _("The disk is full: the downloaded mail could not be stored, and nothing was "
                   "deleted from the server"));
  else
    g_propagate_error (error, g_steal_pointer (&state->store_error));
  g_clear_error (&state->store_error);
}

static gboolean
should_delete (TernAccount *account, const TernStorePop3Uidl *record, gint64 now)
{
  guint days = tern_account_get_delete_after_days (account);

  if (!tern_account_get_leave_on_server (account))
    return TRUE;
  if (days > 0 && now - record->downloaded >= (gint64) days * DAY_SECONDS)
    return TRUE;
  if (tern_account_get_delete_when_deleted (account) && record->deleted_here)
    return TRUE;
  return FALSE;
}

#define MAX_HEADER_BLOCK (1024 * 1024)

/* Telling apart the messages that would be deleted and were not stored in this run:
 * is each the message stored before under its UIDL? */
typedef struct
{
  GHashTable *expected;   /* msgno -> the header digest recorded (owned) */
  GHashTable *same;       /* msgnos: the same message */
  GHashTable *other;      /* msgnos: another message under a known UIDL */
  GByteArray *headers;    /* the headers of the message arriving */
  gboolean    too_long;   /* ... longer than MAX_HEADER_BLOCK: it cannot be told */
} Identify;

static gboolean
headers_cb (guint msgno, const guint8 *data, gsize length, gpointer user_data, GError **error)
{
  Identify *identify = user_data;
  g_autofree char *digest = NULL;

  if (data != NULL)
    {
      if (identify->headers->len + length <= MAX_HEADER_BLOCK)
        g_byte_array_append (identify->headers, data, length);
      else
        identify->too_long = TRUE;
      return TRUE;
    }
  digest = header_digest (identify->headers->data, identify->headers->len);
  g_byte_array_set_size (identify->headers, 0);
  if (identify->too_long)
    identify->too_long = FALSE;   /* neither: it cannot be told */
  else if (g_str_equal (digest, g_hash_table_lookup (identify->expected, GUINT_TO_POINTER (msgno))))
    g_hash_table_add (identify->same, GUINT_TO_POINTER (msgno));
  else
    g_hash_table_add (identify->other, GUINT_TO_POINTER (msgno));
  return TRUE;
}

/* The first look, without asking the server: what the record (or the stored message,
 * for a record older than sql/007) says the headers were, and whether the size the
 * server lists now is the one it listed then. */
static void
expect (Identify                *identify,
        TernStoreDb             *db,
        guint                    msgno,
        const guint64           *list_size,
        const TernStorePop3Uidl *record)
{
  char *expected = NULL;

  if (record->header_hash != NULL)
    {
      if (record->size >= 0 && list_size != NULL && (guint64) record->size != *list_size)
        {
          g_hash_table_add (identify->other, GUINT_TO_POINTER (msgno));
          return;
        }
      expected = g_strdup (record->header_hash);
    }
  else if (record->message_id != 0)
    {
      /* (Its size is not compared: a server's LIST size may differ from the bytes it
       * sends, and only a LIST size recorded by sql/007 compares with a LIST size.) */
      g_autoptr(GBytes) raw = tern_store_db_get_raw (db, record->message_id, NULL);

      if (raw != NULL)
        expected = header_digest (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
    }
  if (expected != NULL)
    g_hash_table_insert (identify->expected, GUINT_TO_POINTER (msgno), expected);
  /* else nothing tells: the message is neither deleted nor downloaded */
}

/* Then TOP n 0, pipelined, for those with expected headers. A server without TOP
 * leaves them unknown. Fails only when the connection does. */
static gboolean
identify_run (Identify         *identify,
              TernPop3Session  *session,
              GCancellable     *cancellable,
              GError          **error)
{
  g_autoptr(GArray) msgnos = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) top_error = NULL;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, identify->expected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint msgno = GPOINTER_TO_UINT (key);

      g_array_append_val (msgnos, msgno);
    }
  if (msgnos->len == 0)
    return TRUE;
  g_array_sort (msgnos, compare_msgnos);

  if (!tern_pop3_session_top_many (session, (const guint *) (void *) msgnos->data, msgnos->len, 0,
                                   headers_cb, identify, cancellable, &top_error) &&
      !g_error_matches (top_error, TERN_POP3_ERROR, TERN_POP3_ERROR_ERR))
    {
      g_propagate_error (error, g_steal_pointer (&top_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
tern_sync_pop3_run (TernStoreDb          *db,
                     TernAccount          *account,
                     const char           *password,
                     TernAccountProgressFunc  progress,
                     gpointer              progress_data,
                     GCancellable         *cancellable,
                     GError              **error)
{
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(TernStoreFolder) inbox = NULL;
  g_autoptr(GHashTable) known = NULL;
  g_autoptr(GHashTable) uidl_by_msgno = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) on_server = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) listing = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GHashTable) size_by_msgno = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) reused = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) stored = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) same = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) other = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GByteArray) headers = g_byte_array_new ();
  Identify identify = { expected, same, other, headers, FALSE };
  g_autoptr(GArray) too_large = g_array_new (FALSE, FALSE, sizeof (TooLarge));
  g_autoptr(GArray) wanted = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) to_delete = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) forget = g_ptr_array_new ();
  g_autoptr(GError) fetch_error = NULL;
  FetchState state = { 0 };
  gint64 account_id;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean fetched;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3, FALSE);

  if ((account_id = tern_store_db_ensure_account (db, tern_account_get_email (account),
                                                  TERN_STORE_ACCOUNT_POP3, error)) == 0 ||
      (inbox = tern_store_db_ensure_folder (db, account_id, "INBOX",
                                            TERN_STORE_FOLDER_ROLE_INBOX, error)) == NULL ||
      (known = tern_store_db_pop3_list_uidls (db, account_id, error)) == NULL)
    return FALSE;

  state.db = db;
  state.account = account;
  state.account_id = account_id;
  state.folder_id = tern_store_folder_get_id (inbox);
  state.uidl_by_msgno = uidl_by_msgno;
  state.size_by_msgno = size_by_msgno;
  state.reused = reused;
  state.stored = stored;
  state.progress = progress;
  state.progress_data = progress_data;
  state.arrivals = g_hash_table_size (known) > 0;
  state.max_size = max_message_size ();
  state.too_large = too_large;

  if (tern_account_get_imap_switch (account) != NULL)
    {
      report (&state, _("Switching to IMAP: nothing downloaded until the switch ends"));
      return TRUE;
    }

  report (&state, _("Connecting"));
  session = tern_account_open_pop3 (account, password, 0, cancellable, error);
  if (session == NULL)
    return FALSE;

  listing = tern_pop3_session_uidl (session, cancellable, error);
  if (listing == NULL)
    return FALSE;
  sizes = tern_pop3_session_list (session, cancellable, error);
  if (sizes == NULL)
    return FALSE;
  for (guint i = 0; i < sizes->len; i++)
    {
      TernPop3ScanListing *entry = &g_array_index (sizes, TernPop3ScanListing, i);

      g_hash_table_insert (size_by_msgno, GUINT_TO_POINTER (entry->msgno), &entry->size);
    }

  /* Known UIDLs that would be deleted: the same message as before, or another? */
  for (guint i = 0; i < listing->len; i++)
    {
      TernPop3UidListing *entry = &g_array_index (listing, TernPop3UidListing, i);
      TernStorePop3Uidl *record = g_hash_table_lookup (known, entry->uid);

      g_hash_table_add (on_server, entry->uid);
      /* The others stay as they are on the server: no need to tell them apart. */
      if (record != NULL && should_delete (account, record, now))
        expect (&identify, db, entry->msgno,
                g_hash_table_lookup (size_by_msgno, GUINT_TO_POINTER (entry->msgno)), record);
    }
  if (!identify_run (&identify, session, cancellable, error))
    return FALSE;

  for (guint i = 0; i < listing->len; i++)
    {
      TernPop3UidListing *entry = &g_array_index (listing, TernPop3UidListing, i);
      const guint64 *size = g_hash_table_lookup (size_by_msgno, GUINT_TO_POINTER (entry->msgno));

      if (g_hash_table_contains (known, entry->uid))
        {
          if (!g_hash_table_contains (other, GUINT_TO_POINTER (entry->msgno)))
            continue;
          /* A new message under a UIDL seen before: downloaded like any new one. */
          g_hash_table_add (reused, GUINT_TO_POINTER (entry->msgno));
        }
      if (size != NULL && *size > state.max_size)
        {
          refuse_too_large (&state, entry->msgno, *size);
          continue;
        }
      g_hash_table_insert (uidl_by_msgno, GUINT_TO_POINTER (entry->msgno), entry->uid);
      g_array_append_val (wanted, entry->msgno);
    }

  state.total = wanted->len;
  if (wanted->len > 0)
    {
      g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Downloading %u message",
                                                            "Downloading %u messages", wanted->len),
                                               wanted->len);
      report (&state, what);
    }

  fetched = wanted->len == 0 ||
            tern_pop3_session_retr_many (session, (const guint *) (void *) wanted->data, wanted->len,
                                         on_data, &state, cancellable, &fetch_error);
  g_clear_pointer (&state.current, g_byte_array_unref);

  if (state.store_error == NULL)
    {
      /* Whatever arrived complete is kept, even when the transfer failed later. */
      if (!commit_batch (&state, &state.store_error))
        {
          g_clear_error (&fetch_error);
          fetched = FALSE;
        }
    }
  if (state.store_error != NULL)
    {
      propagate_store_error (&state, error);
      return FALSE;
    }
  if (!fetched)
    {
      g_propagate_error (error, g_steal_pointer (&fetch_error));
      return FALSE;
    }

  /* DELE only what is durably here, as the store (not this run) says. */
  g_clear_pointer (&known, g_hash_table_unref);
  known = tern_store_db_pop3_list_uidls (db, account_id, error);
  if (known == NULL)
    return FALSE;

  for (guint i = 0; i < listing->len; i++)
    {
      TernPop3UidListing *entry = &g_array_index (listing, TernPop3UidListing, i);
      TernStorePop3Uidl *record = g_hash_table_lookup (known, entry->uid);

      if (record != NULL && should_delete (account, record, now) &&
          (g_hash_table_contains (stored, GUINT_TO_POINTER (entry->msgno)) ||
           g_hash_table_contains (same, GUINT_TO_POINTER (entry->msgno))))
        {
          g_array_append_val (to_delete, entry->msgno);
          if (record->message_id == 0)
            g_ptr_array_add (forget, entry->uid);
        }
    }

  if (to_delete->len > 0)
    {
      if (!tern_store_db_checkpoint (db, error))
        return FALSE;
      if (!tern_pop3_session_dele_many (session, (const guint *) (void *) to_delete->data, to_delete->len,
                                        cancellable, error))
        return FALSE;
      maybe_crash ("after-dele");
    }

  if (!tern_pop3_session_quit (session, cancellable, error))
    return FALSE;

  /* Records of messages deleted here and gone from the server are no longer needed. */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, known);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        TernStorePop3Uidl *record = value;
        if (record->message_id == 0 && !g_hash_table_contains (on_server, key))
          g_ptr_array_add (forget, key);
      }
    g_ptr_array_add (forget, NULL);
    if (forget->len > 1 &&
        !tern_store_db_pop3_forget_uidls (db, account_id, (const char * const *) forget->pdata, error))
      return FALSE;
  }

  /* The rolling backup (mail that may exist only here): its failure is reported,
   * the download stays done. */
  if (tern_account_get_backup (account))
    {
      g_autoptr(GError) backup_error = NULL;

      report (&state, _("Writing the backup"));
      if (!tern_sync_pop3_backup_run (db, account, NULL, TERN_SYNC_POP3_BACKUP_KEEP, NULL, &backup_error))
        g_warning ("%s: the backup failed: %s", tern_account_get_email (account), backup_error->message);
    }

  /* The last report of the run names them again: a GUI may show only the last one. */
  if (too_large->len > 0)
    report_too_large (&state);
  else
    report (&state, NULL);
  return TRUE;
}
