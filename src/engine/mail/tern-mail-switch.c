/* tern-mail-switch.c: a POP3 account becomes an IMAP account, its mail uploaded
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Switch to IMAP…": the mail a POP3 account keeps here is uploaded to the
 * provider's IMAP server (APPEND, with its flags and its date), folder by folder;
 * then, and only once the server is seen to hold every message, the local copy of
 * the POP3 account is deleted, the account's settings become IMAP ones, and its
 * first IMAP sync brings the mail back from the server.
 *
 * Resumable, nothing duplicated: the target is saved with the account first (the
 * "switch-imap-*" keys), so a crash leaves a POP3 account that knows where it was
 * going; the upload is idempotent: before each APPEND the mailbox is searched for
 * the message (by its Message-ID, or its subject and exact size when it has none),
 * and a message the server holds already (uploaded before a crash, or still on
 * the server because POP3 left it there) is not sent again. Local duplicates count:
 * two copies here need two there. Order of the end, for the same reason: the local
 * POP3 data go before the settings change, so that a crash between them leaves a
 * POP3 account with nothing left to upload, never an IMAP account over POP3 data.
 *
 * The outbox lives in the POP3 account's place in the store and would go with it: a
 * switch with anything in the outbox stops before deleting (and does not begin),
 * saying so; the user sends or removes it, then switches again.
 *
 * The account's sync is stopped meanwhile (a POP3 download could delete mail on the
 * server while it is being uploaded); the work runs on a worker thread.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-account-manager.h"
#include "tern-account-sessions.h"
#include "tern-credentials.h"
#include "tern-mail-private.h"
#include "tern-store-db-outbox.h"
#include "tern-store-db-sync.h"

typedef struct
{
  TernMail                   *mail;          /* for the main context's report */
  TernAccountManager         *manager;
  TernStore                  *store;
  TernAccount                *pop3;
  TernAccount                *imap;          /* the account as it will be */
  TernMailSwitchProgressFunc  progress;
  gpointer                    progress_data;
  GMainContext               *context;
  gint64                      new_store_id;
} Switch;

static void
switch_free (Switch *sw)
{
  g_object_unref (sw->mail);
  g_object_unref (sw->manager);
  g_object_unref (sw->store);
  g_object_unref (sw->pop3);
  g_object_unref (sw->imap);
  g_main_context_unref (sw->context);
  g_free (sw);
}

typedef struct
{
  GWeakRef                    mail;
  TernMailSwitchProgressFunc  progress;
  gpointer                    data;
  guint                       done;
  guint                       total;
} Report;

static gboolean
report_cb (gpointer user_data)
{
  Report *report = user_data;
  g_autoptr(TernMail) mail = g_weak_ref_get (&report->mail);

  if (mail != NULL && report->progress != NULL)
    report->progress (report->done, report->total, report->data);
  return G_SOURCE_REMOVE;
}

static void
report_free (Report *report)
{
  g_weak_ref_clear (&report->mail);
  g_free (report);
}

/* Worker: hands (done, total) to the caller's context. */
static void
post_progress (Switch *sw, guint done, guint total)
{
  Report *report = g_new0 (Report, 1);

  g_weak_ref_init (&report->mail, sw->mail);
  report->progress = sw->progress;
  report->data = sw->progress_data;
  report->done = done;
  report->total = total;
  g_main_context_invoke_full (sw->context, G_PRIORITY_DEFAULT, report_cb, report, (GDestroyNotify) report_free);
}

static char *
quote (const char *text)
{
  GString *quoted = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n')
        continue;
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

/* What identifies a message on the server: a SEARCH criterion, and the key local
 * duplicates are counted under. */
static char *
criterion_for (TernStoreMessage *message, char **key)
{
  const char *id = tern_store_message_get_message_id (message);

  if (id != NULL && *id != '\0')
    {
      g_autofree char *q = quote (id);

      *key = g_strdup (id);
      return g_strdup_printf ("HEADER Message-ID %s", q);
    }
  else
    {
      gint64 size = tern_store_message_get_size (message);
      const char *subject = tern_store_message_get_subject (message);
      g_autofree char *q = quote (subject != NULL ? subject : "");

      *key = g_strdup_printf ("%s\n%" G_GINT64_FORMAT, subject != NULL ? subject : "", size);
      return g_strdup_printf ("HEADER Subject %s LARGER %" G_GINT64_FORMAT " SMALLER %" G_GINT64_FORMAT, q,
                              MAX (size - 1, 0), size + 1);
    }
}

static const char **
flags_for (TernStoreMessage *message)
{
  static const struct { TernStoreFlags flag; const char *name; } names[] = {
    { TERN_STORE_FLAG_SEEN, "\\Seen" }, { TERN_STORE_FLAG_ANSWERED, "\\Answered" },
    { TERN_STORE_FLAG_FLAGGED, "\\Flagged" }, { TERN_STORE_FLAG_DRAFT, "\\Draft" },
  };
  const char **flags = g_new0 (const char *, G_N_ELEMENTS (names) + 1);
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (tern_store_message_get_flags (message) & names[i].flag)
      flags[n++] = names[i].name;
  return flags;
}

/* The outbox goes with the POP3 account's place in the store (ON DELETE CASCADE):
 * a message still waiting there (or kept as a failure notice) would be lost. */
static gboolean
outbox_empty (TernStoreDb *db, gint64 account_id, const char *email, GError **error)
{
  g_autoptr(GPtrArray) entries = tern_store_db_outbox_list (db, account_id, error);

  if (entries == NULL)
    return FALSE;
  if (entries->len == 0)
    return TRUE;
  g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
               g_dngettext (GETTEXT_PACKAGE,
                            "%u message of %s is still in the Outbox: once it is sent or removed, switch again",
                            "%u messages of %s are still in the Outbox: once they are sent or removed, switch again",
                            entries->len),
               entries->len, email);
  return FALSE;
}

/* Uploads what the server lacks of one folder; @verify: only checks, and fails if
 * anything is missing. */
static gboolean
upload_folder (Switch *sw, TernStoreDb *db, TernImapSession *session, TernStoreFolder *folder, gboolean verify,
               guint *done, guint total, GCancellable *cancellable, GError **error)
{
  const char *mailbox = tern_store_folder_get_path (folder);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) create_error = NULL;

  messages = tern_store_db_list_messages (db, tern_store_folder_get_id (folder), 0, G_MAXINT, error);
  if (messages == NULL)
    return FALSE;
  if (messages->len == 0)
    return TRUE;
  if (g_ascii_strcasecmp (mailbox, "INBOX") != 0 && !verify &&
      !tern_imap_session_create (session, mailbox, cancellable, &create_error))
    {
      /* It exists already (or cannot be made: SELECT says which). */
      if (g_error_matches (create_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&create_error));
          return FALSE;
        }
    }
  if (!tern_imap_session_select (session, mailbox, TERN_IMAP_SELECT_NONE, NULL, cancellable, error))
    return FALSE;

  for (guint i = 0; i < messages->len; i++)
    {
      TernStoreMessage *message = messages->pdata[i];
      g_autofree char *key = NULL;
      g_autofree char *criterion = criterion_for (message, &key);
      g_autoptr(GArray) found = tern_imap_session_uid_search (session, criterion, cancellable, error);
      guint copies_here = GPOINTER_TO_UINT (g_hash_table_lookup (seen, key)) + 1;

      if (found == NULL)
        return FALSE;
      g_hash_table_replace (seen, g_strdup (key), GUINT_TO_POINTER (copies_here));
      if (found->len < copies_here)
        {
          g_autoptr(GBytes) raw = NULL;
          g_autofree const char **flags = NULL;
          g_autoptr(GDateTime) date = NULL;

          if (verify)
            {
              g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                           _("The IMAP server does not hold “%s” of %s: nothing was deleted here"),
                           tern_store_message_get_subject (message), mailbox);
              return FALSE;
            }
          if ((raw = tern_store_db_get_raw (db, tern_store_message_get_id (message), error)) == NULL)
            return FALSE;
          flags = flags_for (message);
          date = g_date_time_new_from_unix_utc (tern_store_message_get_internal_date (message) > 0
                                                  ? tern_store_message_get_internal_date (message)
                                                  : tern_store_message_get_date (message));
          if (!tern_imap_session_append (session, mailbox, flags, date, raw, NULL, NULL, cancellable, error))
            return FALSE;
        }
      if (!verify)
        post_progress (sw, ++*done, total);
    }
  return TRUE;
}

static void
switch_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Switch *sw = task_data;
  const char *email = tern_account_get_email (sw->pop3);
  g_autoptr(TernPassword) password = NULL;
  g_autoptr(TernImapSession) session = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  const TernServer *to = tern_account_get_imap_switch (sw->pop3);
  GError *error = NULL;
  gint64 pop3_id;
  guint total = 0, done = 0;

  /* 1. Where the account is going, saved first: a crash resumes. */
  if (!tern_account_manager_remove (sw->manager, email, &error) ||
      !tern_account_manager_add (sw->manager, sw->pop3, &error) ||
      !tern_account_manager_save (sw->manager, &error))
    goto fail;

  /* 2. Upload what the server lacks, then check that it holds everything. */
  if ((password = tern_credentials_get_password (sw->pop3, cancellable, &error)) == NULL ||
      (session = tern_account_open_imap (sw->imap, password, 60, cancellable, &error)) == NULL ||
      (db = tern_store_open_db (sw->store, NULL, &error)) == NULL)
    goto fail;
  pop3_id = tern_store_db_lookup_account (db, email, &error);
  if (pop3_id == 0 && error != NULL)
    goto fail;
  if (pop3_id != 0 && (!outbox_empty (db, pop3_id, email, &error) ||
                       (folders = tern_store_db_list_folders (db, pop3_id, &error)) == NULL))
    goto fail;
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    total += tern_store_folder_get_total (folders->pdata[i]);
  post_progress (sw, 0, total);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; folders != NULL && i < folders->len; i++)
      if (!upload_folder (sw, db, session, folders->pdata[i], pass == 1, &done, total, cancellable, &error))
        goto fail;
  tern_imap_session_logout (session, cancellable, NULL);
  g_debug ("switch to IMAP: %s: %u messages on %s, checked", email, total, to != NULL ? to->host : "?");

  /* 3. The server has every message: the local POP3 copy goes, then the settings
   *    change, then the IMAP account's place in the store. */
  if (pop3_id != 0 && (!outbox_empty (db, pop3_id, email, &error) ||
                       !tern_store_db_delete_account (db, pop3_id, &error)))
    goto fail;
  if (!tern_account_manager_remove (sw->manager, email, &error) ||
      !tern_account_manager_add (sw->manager, sw->imap, &error) ||
      !tern_account_manager_save (sw->manager, &error))
    goto fail;
  sw->new_store_id = tern_store_db_ensure_account (db, email, TERN_STORE_ACCOUNT_IMAP, &error);
  if (sw->new_store_id == 0)
    goto fail;
  g_task_return_boolean (task, TRUE);
  return;

fail:
  g_task_return_error (task, error);
}

static void
switch_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Switch *sw = g_task_get_task_data (G_TASK (result));
  TernMail *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      TernMailAccount *live = tern_mail_lookup_account (self, tern_account_get_email (sw->pop3));

      /* Still POP3, its target saved: its outbox goes on, its downloads wait for
       * the switch to be finished (tern_sync_pop3_run()). */
      if (live != NULL)
        {
          _tern_mail_account_set_account (live, sw->pop3);
          if (tern_mail_get_started (self))
            _tern_mail_account_start (live);
        }
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, _tern_mail_replace_account (self, sw->imap, sw->new_store_id), g_object_unref);
}

/**
 * tern_mail_switch_to_imap_async:
 * @account: a POP3 account
 * @host: the provider's IMAP server (detected: tern_autoconfig)
 * @progress: (nullable) (scope notified): called in the calling thread's context
 *   with the messages checked or uploaded so far, and their number
 *
 * Uploads the account's mail to the IMAP server and turns it into an IMAP account
 * (see above). Calling it again after a failure or a crash resumes: nothing is
 * uploaded twice.
 */
void
tern_mail_switch_to_imap_async (TernMail                   *self,
                                TernMailAccount            *account,
                                const char                 *host,
                                guint16                     port,
                                TernNetSecurity             security,
                                const char                 *user,
                                TernMailSwitchProgressFunc  progress,
                                gpointer                    progress_data,
                                GCancellable               *cancellable,
                                GAsyncReadyCallback         callback,
                                gpointer                    user_data)
{
  g_autoptr(TernMailAccountBuilder) builder = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  TernAccount *current;
  const TernServer *out;
  GError *error = NULL;
  Switch *sw;

  g_return_if_fail (TERN_IS_MAIL (self));
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));
  g_return_if_fail (host != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_mail_switch_to_imap_async);
  current = tern_mail_account_get_account (account);
  if (tern_account_get_protocol (current) != TERN_ACCOUNT_PROTOCOL_POP3)
    {
      g_task_return_new_error (task, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID, _("%s is an IMAP account already"),
                               tern_account_get_email (current));
      return;
    }

  sw = g_new0 (Switch, 1);
  sw->mail = g_object_ref (self);
  sw->manager = g_object_ref (_tern_mail_get_manager (self));
  sw->store = g_object_ref (tern_mail_get_store (self));
  sw->progress = progress;
  sw->progress_data = progress_data;
  sw->context = g_main_context_ref_thread_default ();

  /* The POP3 account with its target, and the IMAP account it becomes. */
  builder = tern_mail_account_builder_new_for_account (current);
  sw->pop3 = tern_mail_account_builder_build (builder, &error);
  if (sw->pop3 != NULL)
    tern_account_set_imap_switch (sw->pop3, host, port, security, user);
  sw->imap = tern_account_new (tern_account_get_email (current), TERN_ACCOUNT_PROTOCOL_IMAP);
  tern_account_set_name (sw->imap, tern_account_get_name (current));
  tern_account_set_signature (sw->imap, tern_account_get_signature (current));
  tern_account_set_incoming (sw->imap, host, port, security, user);
  out = tern_account_get_outgoing (current);
  tern_account_set_outgoing (sw->imap, out->host, out->port, out->security, out->user);
  tern_account_set_pinned_certificate (sw->imap, tern_account_get_pinned_certificate (current));
  tern_account_set_password_command (sw->imap, tern_account_get_password_command (current));
  tern_account_set_ask_password (sw->imap, tern_account_get_ask_password (current));
  tern_account_set_allow_plaintext_auth (sw->imap, tern_account_get_allow_plaintext_auth (current) ||
                                                   security == TERN_NET_SECURITY_NONE);
  if (sw->pop3 == NULL)
    {
      switch_free (sw);
      g_task_return_error (task, error);
      return;
    }

  _tern_mail_account_stop (account);
  _tern_mail_account_set_account (account, sw->pop3);
  inner = g_task_new (self, cancellable, switch_done_cb, g_object_ref (task));
  g_task_set_task_data (inner, sw, (GDestroyNotify) switch_free);
  g_task_run_in_thread (inner, switch_thread);
}

/**
 * tern_mail_switch_to_imap_finish:
 *
 * Returns: (transfer full): the account, IMAP now (a new #TernMailAccount in the
 *   list, in the place of the POP3 one), or %NULL
 */
TernMailAccount *
tern_mail_switch_to_imap_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
