/* tern-outbox.c: the persistent queue of messages to send, and its sender
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order of the steps (Geary's postie, made durable at each step):
 *
 *   enqueue   INSERT the message (state queued): committed before anything is sent.
 *   1. mark the batch "sending"            one autocommit per message
 *   2. MAIL/RCPT/DATA (pipelined), "."     the server answers 250: accepted
 *   3. mark the message "sent"             one autocommit, at once
 *   4. file a copy in Sent                 POP3: local Sent, idempotent (dedup key);
 *                                          IMAP: APPEND to the server's Sent
 *   5. remove it from the outbox           one autocommit (kept as "partly-sent"
 *                                          when some recipients were refused: a
 *                                          notice for the user)
 *
 * A crash before 2 completes: the message is still "queued"/"sending" and is sent
 * again: nothing was accepted, so nothing is duplicated. A crash after 3: "sent"
 * rows are only filed (4, idempotent) and removed, never sent again. The only window
 * in which a crash repeats a message is between the server writing its 250 to the
 * "." and the commit of step 3: one network read and one SQLite commit. A connection
 * that breaks after "." was sent and before the 250 arrived leaves the outcome
 * unknown: the message is kept (never lost) and sent again, as every SMTP client
 * must (RFC 1047).
 *
 * "Crash" means the process (kill -9, a segfault): the commits are in the store's
 * write-ahead log, which is not fsync'd at each commit (synchronous=NORMAL, see
 * tern-store-db.c). A power failure or kernel crash can lose the marks committed
 * since the store's last checkpoint; the outbox does not checkpoint, so a message
 * accepted just before one may be sent again.
 *
 * The copy in Sent of an IMAP account is APPENDed (with \Seen) to the server's Sent
 * mailbox: the one LIST marks \Sent (RFC 6154), else the store's folder with the role
 * sent, else "Sent", "Sent Items" or "Sent Messages", else "Sent" is created. Nothing
 * is added to the local store: the next sync of that folder brings the message with
 * its server UID (adding it here too would show it twice, as the sync does not know
 * a local row without a UID is that message). A row found "sent" at start (a crash,
 * or a failed APPEND, after the server accepted the message) may already be on the
 * server: it is looked for by its Message-ID (UID SEARCH HEADER Message-ID) first and
 * only APPENDed when absent. A failed APPEND leaves the row "sent" with the reason in
 * its last error; the next flush files it (it is never sent again). With the account
 * setting sent-copy-by-server (keyfile server-files-sent; Gmail files it itself)
 * nothing is APPENDed. POP3 accounts always get the local copy.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "tern-outbox.h"
#include "tern-outbox-error.h"
#include "tern-outbox-mime.h"
#include "tern-outbox-private.h"
#include "tern-account-sessions.h"
#include "tern-imap-mailbox.h"
#include "tern-imap-session.h"
#include "tern-smtp-session.h"
#include "tern-store-db-outbox.h"
#include "tern-store-error.h"

#define BATCH            50
#define BACKOFF_FIRST    60
#define BACKOFF_MAX      (6 * 3600)
#define MAX_ATTEMPTS     30
#define MAX_RECONNECTS   3

gint64
tern_outbox_enqueue (TernStoreDb  *db,
                     TernAccount  *account,
                     GBytes       *message,
                     GError      **error)
{
  g_autoptr(GBytes) prepared = NULL;
  g_auto(GStrv) recipients = NULL;
  gint64 account_id;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), 0);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), 0);
  g_return_val_if_fail (message != NULL, 0);

  prepared = tern_outbox_prepare_message (account, message, &recipients, NULL, error);
  if (prepared == NULL)
    return 0;
  account_id = tern_store_db_ensure_account (db, tern_account_get_email (account),
                                             tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3
                                             ? TERN_STORE_ACCOUNT_POP3 : TERN_STORE_ACCOUNT_IMAP,
                                             error);
  if (account_id == 0)
    return 0;
  return tern_store_db_outbox_add (db, account_id, tern_account_get_email (account),
                                   (const char * const *) recipients, prepared, error);
}

/**
 * tern_outbox_enqueue_full:
 * @not_before: send it at this time (Unix time) at the earliest, 0 for at once: the
 *   delay during which the user may still take it back
 *
 * Like tern_outbox_enqueue().
 */
gint64
tern_outbox_enqueue_full (TernStoreDb  *db,
                          TernAccount  *account,
                          GBytes       *message,
                          gint64        not_before,
                          GError      **error)
{
  gint64 id;

  if (!tern_store_db_begin (db, error))
    return 0;
  if ((id = tern_outbox_enqueue (db, account, message, error)) == 0 ||
      (not_before > 0 &&
       !tern_store_db_outbox_set_state (db, id, TERN_STORE_OUTBOX_QUEUED, 0, NULL, not_before, error)))
    {
      tern_store_db_rollback (db);
      return 0;
    }
  if (!tern_store_db_commit (db, error))
    return 0;
  return id;
}

static gint64
backoff (guint attempts)
{
  gint64 delay = BACKOFF_FIRST;

  for (guint i = 1; i < attempts && delay < BACKOFF_MAX; i++)
    delay *= 2;
  return MIN (delay, BACKOFF_MAX);
}

typedef struct
{
  TernStoreDb          *db;
  TernAccount          *account;
  const char           *password;
  TernSmtpSession      *session;
  TernAccountProgressFunc  progress;
  gpointer              progress_data;
  guint                 done;
  guint                 total;
  gint64                sent_folder_id;
  GCancellable         *cancellable;
  /* IMAP accounts: the session for the copy in Sent, and the server's Sent */
  TernImapSession      *imap;
  char                 *imap_sent;
  GError               *imap_error;   /* set: no more APPENDs in this flush */
} Flush;

/* A test hook: TERN_TEST_OUTBOX_CRASH=after-sent|after-append makes the process kill
 * itself (SIGKILL, as a crash) at that point. */
static void
maybe_crash (const char *point)
{
  const char *when = g_getenv ("TERN_TEST_OUTBOX_CRASH");

  if (when != NULL && g_str_equal (when, point))
    kill (getpid (), SIGKILL);
}

static void
report (Flush *flush, const char *message)
{
  tern_account_progress_report (flush->progress, flush->progress_data, tern_account_get_email (flush->account),
                                TERN_ACCOUNT_PHASE_WORKING, NULL, flush->done, flush->total, message, NULL);
}

/* ---- step 4 for IMAP accounts: APPEND to the server's Sent ------------------------ */

static const TernImapMailbox *
find_mailbox (GPtrArray *mailboxes, const char *name)
{
  for (guint i = 0; i < mailboxes->len; i++)
    {
      const TernImapMailbox *mailbox = g_ptr_array_index (mailboxes, i);
      if (tern_imap_mailbox_name_equal (mailbox->name, name) &&
          !(mailbox->flags & (TERN_IMAP_MAILBOX_NOSELECT | TERN_IMAP_MAILBOX_NONEXISTENT)))
        return mailbox;
    }
  return NULL;
}

/* The server's Sent: SPECIAL-USE \Sent, the store's sent folder, a well-known name,
 * or a new "Sent". */
static char *
find_imap_sent (Flush *flush, gint64 account_id, GError **error)
{
  static const char * const well_known[] = { "Sent", "Sent Items", "Sent Messages", NULL };
  g_autoptr(GPtrArray) mailboxes = NULL;
  g_autoptr(GPtrArray) folders = NULL;

  mailboxes = tern_imap_session_list (flush->imap, "", "*", TERN_IMAP_LIST_SPECIAL_USE, 0,
                                      flush->cancellable, error);
  if (mailboxes == NULL)
    return NULL;
  for (guint i = 0; i < mailboxes->len; i++)
    {
      const TernImapMailbox *mailbox = g_ptr_array_index (mailboxes, i);
      if ((mailbox->flags & TERN_IMAP_MAILBOX_SENT) &&
          !(mailbox->flags & (TERN_IMAP_MAILBOX_NOSELECT | TERN_IMAP_MAILBOX_NONEXISTENT)))
        return g_strdup (mailbox->name);
    }
  folders = tern_store_db_list_folders (flush->db, account_id, NULL);
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);
      const TernImapMailbox *mailbox;
      if (tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_SENT &&
          (mailbox = find_mailbox (mailboxes, tern_store_folder_get_path (folder))) != NULL)
        return g_strdup (mailbox->name);
    }
  for (guint i = 0; well_known[i] != NULL; i++)
    {
      const TernImapMailbox *mailbox = find_mailbox (mailboxes, well_known[i]);
      if (mailbox != NULL)
        return g_strdup (mailbox->name);
    }
  if (!tern_imap_session_create (flush->imap, "Sent", flush->cancellable, error))
    return NULL;
  return g_strdup ("Sent");
}

/* The Message-ID of @raw's header, with its angle brackets, or NULL. */
static char *
dup_message_id (GBytes *raw)
{
  gsize length;
  const char *data = g_bytes_get_data (raw, &length);
  const char *p = data, *end = data + length;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *next = eol != NULL ? eol + 1 : end;
      gsize line = (eol != NULL ? eol : end) - p;

      if (line > 0 && p[line - 1] == '\r')
        line--;
      if (line == 0)
        break;                  /* the end of the header */
      if (line > 11 && g_ascii_strncasecmp (p, "Message-ID:", 11) == 0)
        {
          g_autoptr(GString) value = g_string_new_len (p + 11, line - 11);
          const char *open, *close;

          /* folded continuation lines */
          while (next < end && (*next == ' ' || *next == '\t'))
            {
              const char *e = memchr (next, '\n', end - next);
              gsize l = (e != NULL ? e : end) - next;
              if (l > 0 && next[l - 1] == '\r')
                l--;
              g_string_append_len (value, next, l);
              next = e != NULL ? e + 1 : end;
            }
          open = strchr (value->str, '<');
          close = open != NULL ? strchr (open, '>') : NULL;
          if (close == NULL)
            return NULL;
          return g_strndup (open, close - open + 1);
        }
      p = next;
    }
  return NULL;
}

/* Whether the server's Sent has a message with @message_id already. */
static gboolean
imap_sent_has (Flush *flush, const char *message_id, gboolean *found, GError **error)
{
  g_autoptr(GString) criteria = g_string_new ("HEADER Message-ID \"");
  g_autoptr(GArray) uids = NULL;

  *found = FALSE;
  for (const char *c = message_id; *c != '\0'; c++)
    {
      if ((guchar) *c < 0x20 || (guchar) *c >= 0x7f)
        return TRUE;            /* cannot be searched for: APPEND */
      if (*c == '"' || *c == '\\')
        g_string_append_c (criteria, '\\');
      g_string_append_c (criteria, *c);
    }
  g_string_append_c (criteria, '"');
  if (!tern_imap_session_select (flush->imap, flush->imap_sent, TERN_IMAP_SELECT_READ_ONLY, NULL,
                                 flush->cancellable, error))
    return FALSE;
  uids = tern_imap_session_uid_search (flush->imap, criteria->str, flush->cancellable, error);
  if (uids == NULL)
    return FALSE;
  *found = uids->len > 0;
  return TRUE;
}

static gboolean
file_in_imap_sent (Flush *flush, const TernStoreOutboxEntry *entry, GBytes *raw, gboolean recovered,
                   GError **error)
{
  static const char * const seen[] = { "\\Seen", NULL };

  if (flush->imap == NULL &&
      (flush->imap = tern_account_open_imap (flush->account, flush->password, 0,
                                             flush->cancellable, error)) == NULL)
    return FALSE;
  if (flush->imap_sent == NULL &&
      (flush->imap_sent = find_imap_sent (flush, entry->account_id, error)) == NULL)
    return FALSE;
  if (recovered)
    {
      g_autofree char *message_id = dup_message_id (raw);
      gboolean found = FALSE;

      if (message_id != NULL && !imap_sent_has (flush, message_id, &found, error))
        return FALSE;
      if (found)
        return TRUE;            /* APPENDed before the crash */
    }
  if (!tern_imap_session_append (flush->imap, flush->imap_sent, seen, NULL, raw, NULL, NULL,
                                 flush->cancellable, error))
    return FALSE;
  maybe_crash ("after-append");
  return TRUE;
}

/* ---- step 4 for POP3 accounts: the local Sent ------------------------------------- */

/* Adding with skip_duplicate makes a repeat after a crash harmless. */
static gboolean
file_in_local_sent (Flush *flush, const TernStoreOutboxEntry *entry, GBytes *raw, GError **error)
{
  TernStoreDbNewMessage message = { 0 };
  gboolean duplicate = FALSE;

  if (flush->sent_folder_id == 0)
    {
      g_autoptr(TernStoreFolder) sent = tern_store_db_ensure_folder (flush->db, entry->account_id, "Sent",
                                                                     TERN_STORE_FOLDER_ROLE_SENT, error);
      if (sent == NULL)
        return FALSE;
      flush->sent_folder_id = tern_store_folder_get_id (sent);
    }
  message.folder_id = flush->sent_folder_id;
  message.flags = TERN_STORE_FLAG_SEEN;
  message.raw = raw;
  message.size = g_bytes_get_size (raw);
  message.skip_duplicate = TRUE;
  return tern_store_db_add_message (flush->db, &message, &duplicate, error) != 0 || duplicate;
}

/* Steps 4 and 5. @recovered: the row was "sent" already when the flush began. FALSE
 * only when the store fails: a failed APPEND leaves the row "sent", with the reason. */
static gboolean
finish_sent (Flush *flush, TernStoreOutboxEntry *entry, gboolean recovered, GError **error)
{
  g_autoptr(GBytes) raw = tern_store_db_outbox_get_raw (flush->db, entry->id, error);
  g_autofree char *rejected = NULL;

  if (raw == NULL)
    return FALSE;
  rejected = tern_store_outbox_dup_rejected_lines (entry->last_error);
  if (tern_account_get_protocol (flush->account) == TERN_ACCOUNT_PROTOCOL_POP3)
    {
      if (!file_in_local_sent (flush, entry, raw, error))
        return FALSE;
    }
  else if (tern_outbox_get_file_in_sent (flush->account))
    {
      if (flush->imap_error == NULL &&
          !file_in_imap_sent (flush, entry, raw, recovered, &flush->imap_error))
        g_clear_object (&flush->imap);
      if (flush->imap_error != NULL)
        {
          /* Not filed now: stays "sent", with the reason (and the refused recipients). */
          g_autofree char *text = g_strdup_printf (_("Sent, but not filed in Sent yet: %s"),
                                                   flush->imap_error->message);
          g_autofree char *both = rejected != NULL ? g_strconcat (rejected, "\n", text, NULL) : NULL;

          g_warning ("Outbox message %" G_GINT64_FORMAT ": %s", entry->id, text);
          return tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_SENT,
                                                 entry->attempts, both != NULL ? both : text, 0, error);
        }
    }
  if (rejected != NULL)
    return tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_PARTLY_SENT,
                                           entry->attempts, rejected, 0, error);
  return tern_store_db_outbox_remove (flush->db, entry->id, error);
}

static char *
describe_error (const GError *error)
{
  const char *server_text = tern_smtp_error_get_server_text (error);
  guint code = tern_smtp_error_get_reply_code (error);

  if (code != 0 && server_text != NULL)
    {
      const char *enhanced = tern_smtp_error_get_enhanced_code (error);
      return g_strdup_printf ("%u %s%s%s", code, enhanced != NULL ? enhanced : "",
                              enhanced != NULL ? " " : "", server_text);
    }
  return g_strdup (error->message);
}

/* Only the server can refuse a message for good: a 5yz reply to it, or a message
 * that cannot go through this server at all. Everything else (network, TLS, a 4yz
 * reply, a failed login) may work later. */
static gboolean
is_permanent (const GError *failure)
{
  guint code = tern_smtp_error_get_reply_code (failure);

  if (failure->domain != TERN_SMTP_ERROR)
    return FALSE;
  switch (failure->code)
    {
    case TERN_SMTP_ERROR_AUTHENTICATION_FAILED:
    case TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED:
    case TERN_SMTP_ERROR_SERVICE_UNAVAILABLE:
    case TERN_SMTP_ERROR_TEMPORARY:
    case TERN_SMTP_ERROR_PARSE:
      return FALSE;
    case TERN_SMTP_ERROR_MESSAGE_TOO_LARGE:
    case TERN_SMTP_ERROR_NOT_SUPPORTED:
      return TRUE;
    default:
      return code / 100 == 5;
    }
}

/* A temporary failure: back to the queue with a retry time; a permanent one (or too
 * many attempts): failed, with the server's words. @connection_level: the failure
 * is the connection's, not this message's (never permanent). */
static gboolean
record_failure (Flush                *flush,
                TernStoreOutboxEntry *entry,
                const GError         *failure,
                gboolean              connection_level,
                GError              **error)
{
  g_autofree char *text = describe_error (failure);
  guint attempts = entry->attempts + 1;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_QUEUED,
                                           entry->attempts, entry->last_error, entry->next_attempt, error);
  if ((connection_level || !is_permanent (failure)) && attempts < MAX_ATTEMPTS)
    return tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_QUEUED,
                                           attempts, text, now + backoff (attempts), error);
  return tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_FAILED,
                                         attempts, text, 0, error);
}

/* Sends one message; FALSE only when the store fails (recorded otherwise). */
static gboolean
send_one (Flush *flush, TernStoreOutboxEntry *entry, GCancellable *cancellable, GError **error)
{
  g_autoptr(GBytes) raw = tern_store_db_outbox_get_raw (flush->db, entry->id, error);
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GError) send_error = NULL;
  g_autofree char *rejected = NULL;

  if (raw == NULL)
    return FALSE;

  result = tern_smtp_session_send_bytes (flush->session, entry->mail_from,
                                         (const char * const *) entry->rcpt_to, raw,
                                         cancellable, &send_error);
  if (result == NULL)
    return record_failure (flush, entry, send_error, FALSE, error);

  if (tern_smtp_send_result_get_n_rejected (result) > 0)
    {
      /* Sent to some: the others are kept on the row (with the "sent" mark, in the
       * same commit), for the user; the message is not sent again. */
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < tern_smtp_send_result_get_n_rejected (result); i++)
        {
          g_autofree char *reply = tern_smtp_reply_to_string (tern_smtp_send_result_get_rejected_reply (result, i));
          g_autofree char *line = tern_store_outbox_format_rejected (tern_smtp_send_result_get_rejected (result, i),
                                                                     reply);
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, line);
        }
      rejected = g_string_free (g_steal_pointer (&text), FALSE);
      g_message ("Outbox message %" G_GINT64_FORMAT ": some recipients were refused", entry->id);
    }

  /* Step 3, at once and whatever the cancellable says. */
  if (!tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_SENT,
                                       entry->attempts, rejected, 0, error))
    return FALSE;
  entry->state = TERN_STORE_OUTBOX_SENT;
  g_free (entry->last_error);
  entry->last_error = g_steal_pointer (&rejected);
  maybe_crash ("after-sent");

  flush->done++;
  report (flush, NULL);
  return finish_sent (flush, entry, FALSE, error);
}

static gboolean
mark_sending (Flush *flush, GPtrArray *batch, GError **error)
{
  /* One transaction would be nicer; the marks are idempotent and a crash between
   * them only leaves some rows "queued", which is the same thing for the sender. */
  for (guint i = 0; i < batch->len; i++)
    {
      TernStoreOutboxEntry *entry = g_ptr_array_index (batch, i);
      if (entry->state == TERN_STORE_OUTBOX_SENDING)
        continue;
      if (!tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_SENDING,
                                           entry->attempts, entry->last_error, entry->next_attempt, error))
        return FALSE;
      entry->state = TERN_STORE_OUTBOX_SENDING;
    }
  return TRUE;
}

static gboolean
session_alive (Flush *flush)
{
  return flush->session != NULL &&
         tern_net_connection_is_connected (tern_smtp_session_get_connection (flush->session));
}

static gboolean
flush_run (Flush                *fl,
           TernStoreDb          *db,
           TernAccount          *account,
           const char           *password,
           TernOutboxFlushFlags  flags,
           TernAccountProgressFunc  progress,
           gpointer              progress_data,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  gint64 account_id;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint reconnects = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  fl->db = db;
  fl->account = account;
  fl->password = password;
  fl->progress = progress;
  fl->progress_data = progress_data;
  fl->cancellable = cancellable;

  account_id = tern_store_db_ensure_account (db, tern_account_get_email (account),
                                             tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3
                                             ? TERN_STORE_ACCOUNT_POP3 : TERN_STORE_ACCOUNT_IMAP,
                                             error);
  if (account_id == 0 || (entries = tern_store_db_outbox_list (db, account_id, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      TernStoreOutboxEntry *entry = g_ptr_array_index (entries, i);

      switch (entry->state)
        {
        case TERN_STORE_OUTBOX_SENT:
          /* Accepted before a crash: only the copy and the removal are left. */
          if (!finish_sent (fl, entry, TRUE, error))
            return FALSE;
          break;
        case TERN_STORE_OUTBOX_SENDING:
          /* Interrupted: the server may or may not have it; send it again. */
          g_ptr_array_add (due, entry);
          break;
        case TERN_STORE_OUTBOX_QUEUED:
          if ((flags & TERN_OUTBOX_FLUSH_NOW) || entry->next_attempt <= now)
            g_ptr_array_add (due, entry);
          break;
        case TERN_STORE_OUTBOX_FAILED:
        case TERN_STORE_OUTBOX_PARTLY_SENT:
        default:
          break;
        }
    }

  if (due->len == 0)
    return TRUE;

  fl->total = due->len;
  report (fl, _("Connecting to the outgoing server"));

  for (guint start = 0; start < due->len && ok; start += BATCH)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint i = start; i < MIN (start + BATCH, due->len); i++)
        g_ptr_array_add (batch, g_ptr_array_index (due, i));

      for (guint i = 0; i < batch->len && ok; i++)
        {
          TernStoreOutboxEntry *entry = g_ptr_array_index (batch, i);

          if (!session_alive (fl))
            {
              g_autoptr(GError) connect_error = NULL;

              g_clear_object (&fl->session);
              if (reconnects++ > MAX_RECONNECTS ||
                  (fl->session = tern_account_open_smtp (account, password, 0, cancellable, &connect_error)) == NULL)
                {
                  /* Nothing more can go out now: record it on what is due, and say why. */
                  if (connect_error == NULL)
                    g_set_error (&connect_error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_CONNECTION_UNSTABLE,
                                 _("The connection to the outgoing server keeps failing"));
                  for (guint j = start + i; j < due->len; j++)
                    {
                      TernStoreOutboxEntry *left = g_ptr_array_index (due, j);
                      if (!record_failure (fl, left, connect_error, TRUE, error))
                        return FALSE;
                    }
                  g_propagate_error (error, g_steal_pointer (&connect_error));
                  return FALSE;
                }
              if (!mark_sending (fl, batch, error))
                return FALSE;
            }
          else if (i == 0 && !mark_sending (fl, batch, error))
            return FALSE;

          ok = send_one (fl, entry, cancellable, error);
          if (ok && g_cancellable_is_cancelled (cancellable))
            {
              /* Give the rest back to the queue as it was. */
              for (guint j = start + i + 1; j < due->len; j++)
                {
                  TernStoreOutboxEntry *left = g_ptr_array_index (due, j);
                  if (left->state == TERN_STORE_OUTBOX_SENDING &&
                      !tern_store_db_outbox_set_state (db, left->id, TERN_STORE_OUTBOX_QUEUED, left->attempts,
                                                       left->last_error, left->next_attempt, error))
                    return FALSE;
                }
              g_cancellable_set_error_if_cancelled (cancellable, error);
              ok = FALSE;
            }
        }
    }

  if (fl->session != NULL && session_alive (fl))
    tern_smtp_session_quit (fl->session, NULL, NULL);
  g_clear_object (&fl->session);
  return ok;
}

gboolean
tern_outbox_flush_full (TernStoreDb          *db,
                        TernAccount          *account,
                        const char           *password,
                        TernOutboxFlushFlags  flags,
                        TernAccountProgressFunc  progress,
                        gpointer              progress_data,
                        GCancellable         *cancellable,
                        GError              **error)
{
  Flush flush = { 0 };
  gboolean ok;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  ok = flush_run (&flush, db, account, password, flags, progress, progress_data, cancellable, error);
  if (flush.imap != NULL)
    {
      if (tern_imap_session_get_state (flush.imap) != TERN_IMAP_SESSION_DISCONNECTED)
        tern_imap_session_logout (flush.imap, NULL, NULL);
      g_clear_object (&flush.imap);
    }
  g_clear_pointer (&flush.imap_sent, g_free);
  g_clear_error (&flush.imap_error);
  g_clear_object (&flush.session);
  return ok;
}

gboolean
tern_outbox_flush (TernStoreDb          *db,
                   TernAccount          *account,
                   const char           *password,
                   TernAccountProgressFunc  progress,
                   gpointer              progress_data,
                   GCancellable         *cancellable,
                   GError              **error)
{
  return tern_outbox_flush_full (db, account, password, TERN_OUTBOX_FLUSH_NONE,
                                 progress, progress_data, cancellable, error);
}

/**
 * tern_outbox_get_file_in_sent:
 *
 * Whether the outbox files a copy of each sent message in Sent: always for a POP3
 * account (in the local Sent); for an IMAP account unless its setting
 * sent-copy-by-server says the server does it itself (e.g. Gmail).
 */
gboolean
tern_outbox_get_file_in_sent (TernAccount *account)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), TRUE);

  return tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3 ||
         !tern_account_get_sent_copy_by_server (account);
}
