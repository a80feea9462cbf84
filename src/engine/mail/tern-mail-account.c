/* tern-mail-account.c: one account, live: its settings, its sync and its state
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The state a window shows (idle, syncing with progress, offline, failed with the
 * remedy it needs) is a set of properties, changed on the main context of the
 * TernMail that owns the account, so a widget can bind them. The work runs on
 * threads, each with its own store connection from tern_store_open_db(), so that
 * what they commit reaches every open list model:
 *
 *  - while started: one thread keeps the account in step. IMAP: tern_sync_imap_watch()
 *    (IDLE on INBOX, a full sync every poll interval, reconnecting); the trigger wakes
 *    it for changes journaled here and for "sync now". POP3: a download, then a wait
 *    for the poll interval or the trigger. A failure retrying cannot mend (a refused
 *    password, a certificate) leaves the thread waiting for the trigger: the user's
 *    remedy pulls it (tern_mail_account_retry());
 *  - not started (tern-cli): a sync is one run, incoming mail then the outbox;
 *  - the outbox is sent by a run of its own when mail is queued, at each message's
 *    retry time, and when the network comes back.
 *
 * Reports from the threads are coalesced: however fast they come, one is queued on
 * the main context at a time (the newest wins). A change the server refused is not a
 * report to coalesce: each is queued on its own and said once
 * (TernMailAccount::change-refused), however many reports follow it.
 */
#include "config.h"

#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "tern-account-error.h"
#include "tern-credentials.h"
#include "tern-imap-error.h"
#include "tern-mail-private.h"
#include "tern-mail-sync.h"
#include "tern-net-error.h"
#include "tern-outbox.h"
#include "tern-outbox-private.h"
#include "tern-pop3-error.h"
#include "tern-smtp-error.h"
#include "tern-store-db-outbox.h"
#include "tern-sync-imap.h"
#include "tern-sync-pop3.h"

G_DEFINE_ENUM_TYPE (TernMailAccountState, tern_mail_account_state,
                    G_DEFINE_ENUM_VALUE (TERN_MAIL_ACCOUNT_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (TERN_MAIL_ACCOUNT_SYNCING, "syncing"),
                    G_DEFINE_ENUM_VALUE (TERN_MAIL_ACCOUNT_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (TERN_MAIL_ACCOUNT_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (TernMailRemedy, tern_mail_remedy,
                    G_DEFINE_ENUM_VALUE (TERN_MAIL_REMEDY_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (TERN_MAIL_REMEDY_PASSWORD, "password"),
                    G_DEFINE_ENUM_VALUE (TERN_MAIL_REMEDY_CERTIFICATE, "certificate"),
                    G_DEFINE_ENUM_VALUE (TERN_MAIL_REMEDY_SETTINGS, "settings"))

/* What a thread reports, handed to the main context. */
typedef enum
{
  REPORT_PROGRESS,   /* a TernAccountProgress */
  REPORT_FAILED,     /* the work stopped with an error retrying cannot mend */
  REPORT_STOPPED,    /* the watch thread ended */
} ReportKind;

typedef struct
{
  gboolean          pending;
  ReportKind        kind;
  TernAccountPhase  phase;
  char             *folder;
  guint             done;
  guint             total;
  char             *message;
  GError           *error;
  TernServer        server;  /* the server that failed */
  guint64           n_working; /* the channel's n_working when posted */
} Report;

static void
report_clear (Report *report)
{
  g_clear_pointer (&report->folder, g_free);
  g_clear_pointer (&report->message, g_free);
  g_clear_error (&report->error);
  g_clear_pointer (&report->server.host, g_free);
  report->pending = FALSE;
}

/* What the threads share with the main context: it outlives the object. */
typedef struct
{
  gatomicrefcount  ref_count;
  GWeakRef         self;
  GMainContext    *context;
  GMutex           lock;
  Report           sync;      /* the newest report of the sync */
  Report           outbox;    /* and of the outbox run */
  GPtrArray       *refusals;  /* GError: changes the server refused, not yet said */
  guint64          n_working; /* the sync's reports of work posted so far, coalesced or not */
} Channel;

struct _TernMailAccount
{
  GObject               parent_instance;

  TernMail             *mail;            /* not a reference: it owns us */
  TernAccount          *account;
  gint64                store_id;
  Channel              *channel;

  /* the state shown */
  TernMailAccountState  state;
  double                progress;
  char                 *status;
  GError               *error;
  TernDiagnosis        *diagnosis;
  TernMailRemedy        remedy;
  guint                 outbox_count;

  /* what the state is made of */
  TernAccountPhase      sync_phase;
  gboolean              sync_running;
  gboolean              sync_failed;
  gboolean              sending;
  GError               *outbox_error;
  gboolean              offline;         /* the network monitor says so */

  /* started: the watch thread */
  TernSyncTrigger      *trigger;
  GThread              *watch;
  GCancellable         *watch_cancellable;
  GPtrArray            *sync_waiters;    /* GTask of "sync now" while started */
  guint64               waiters_mark;     /* the channel's n_working when they asked */

  /* one-shot syncs (not started) */
  guint                 n_syncs;

  /* the outbox run */
  gboolean              flushing;
  gboolean              flush_again;
  gboolean              flush_again_now;
  GPtrArray             *flush_waiters;  /* GTask */
  guint                 retry_source;
};

G_DEFINE_FINAL_TYPE (TernMailAccount, tern_mail_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_EMAIL,
  PROP_STORE_ID,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_STATUS,
  PROP_ERROR,
  PROP_DIAGNOSIS,
  PROP_REMEDY,
  PROP_OUTBOX_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_CHANGE_REFUSED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- the channel ------------------------------------------------------------------- */

static Channel *
channel_ref (Channel *channel)
{
  g_atomic_ref_count_inc (&channel->ref_count);
  return channel;
}

static void
channel_unref (Channel *channel)
{
  if (!g_atomic_ref_count_dec (&channel->ref_count))
    return;
  g_weak_ref_clear (&channel->self);
  g_main_context_unref (channel->context);
  report_clear (&channel->sync);
  report_clear (&channel->outbox);
  g_ptr_array_unref (channel->refusals);
  g_mutex_clear (&channel->lock);
  g_free (channel);
}

static void apply_report (TernMailAccount *self, Report *report, gboolean outbox);

static gboolean
channel_is_pending (Channel *channel)
{
  return channel->sync.pending || channel->outbox.pending || channel->refusals->len > 0;
}

static gboolean
deliver_cb (gpointer data)
{
  Channel *channel = data;
  g_autoptr(TernMailAccount) self = g_weak_ref_get (&channel->self);
  Report sync = { 0 }, outbox = { 0 };
  g_autoptr(GPtrArray) refusals = NULL;

  g_mutex_lock (&channel->lock);
  sync = channel->sync;
  outbox = channel->outbox;
  memset (&channel->sync, 0, sizeof channel->sync);
  memset (&channel->outbox, 0, sizeof channel->outbox);
  refusals = g_steal_pointer (&channel->refusals);
  channel->refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_mutex_unlock (&channel->lock);

  if (self != NULL)
    {
      /* A change the server refused (the store has the server's state back): said
       * once, in the order the replay met them. */
      for (guint i = 0; i < refusals->len; i++)
        g_signal_emit (self, signals[SIGNAL_CHANGE_REFUSED], 0, g_ptr_array_index (refusals, i));
      if (sync.pending)
        apply_report (self, &sync, FALSE);
      if (outbox.pending)
        apply_report (self, &outbox, TRUE);
    }
  report_clear (&sync);
  report_clear (&outbox);
  return G_SOURCE_REMOVE;
}

static void
channel_schedule (Channel *channel)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_cb, channel_ref (channel), (GDestroyNotify) channel_unref);
  g_source_set_static_name (source, "[tern] account report");
  g_source_attach (source, channel->context);
}

/* Any thread: queues @kind for the main context, replacing an undelivered report of
 * the same side (failures and stops are never replaced by progress). The refusal a
 * sync's progress carries (%TERN_ACCOUNT_PHASE_WORKING with an error) is queued
 * apart, never replaced. Reports of work are counted before any replacement
 * (Channel.n_working): a quick sync's "working" replaced by its "waiting" before the
 * main context took either still ends a "sync now". */
static void
channel_post (Channel *channel, gboolean outbox, ReportKind kind, const TernAccountProgress *progress,
              const GError *error, const TernServer *server)
{
  Report *report;
  gboolean schedule;

  g_mutex_lock (&channel->lock);
  schedule = !channel_is_pending (channel);
  /* Counted before any coalescing: "sync now" must know that a sync worked after it
   * asked, even when the report saying so was replaced by the one saying it is done. */
  if (!outbox && kind == REPORT_PROGRESS && progress != NULL && progress->phase == TERN_ACCOUNT_PHASE_WORKING)
    channel->n_working++;
  if (!outbox && kind == REPORT_PROGRESS && progress != NULL && progress->phase == TERN_ACCOUNT_PHASE_WORKING &&
      progress->error != NULL)
    g_ptr_array_add (channel->refusals, g_error_copy (progress->error));
  report = outbox ? &channel->outbox : &channel->sync;
  if (report->pending && report->kind != REPORT_PROGRESS && kind == REPORT_PROGRESS)
    {
      g_mutex_unlock (&channel->lock);
      if (schedule)
        channel_schedule (channel);
      return;
    }
  report_clear (report);
  report->pending = TRUE;
  report->kind = kind;
  report->n_working = channel->n_working;
  if (progress != NULL)
    {
      report->phase = progress->phase;
      report->folder = g_strdup (progress->folder);
      report->done = progress->done;
      report->total = progress->total;
      report->message = g_strdup (progress->message);
      if (progress->error != NULL)
        report->error = g_error_copy (progress->error);
    }
  if (error != NULL)
    report->error = g_error_copy (error);
  if (server != NULL)
    {
      report->server.host = g_strdup (server->host);
      report->server.port = server->port;
    }
  g_mutex_unlock (&channel->lock);

  if (schedule)
    channel_schedule (channel);
}

static void
sync_progress_cb (const TernAccountProgress *progress, gpointer user_data)
{
  channel_post (user_data, FALSE, REPORT_PROGRESS, progress, NULL, NULL);
}

static void
outbox_progress_cb (const TernAccountProgress *progress, gpointer user_data)
{
  channel_post (user_data, TRUE, REPORT_PROGRESS, progress, NULL, NULL);
}

/* ---- the state ----------------------------------------------------------------------- */

/**
 * tern_mail_remedy_for_error:
 *
 * Returns: what the user can do about @error
 */
TernMailRemedy
tern_mail_remedy_for_error (const GError *error)
{
  if (error == NULL)
    return TERN_MAIL_REMEDY_NONE;
  if (g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_AUTHENTICATION_FAILED) ||
      g_error_matches (error, TERN_POP3_ERROR, TERN_POP3_ERROR_AUTHENTICATION_FAILED) ||
      g_error_matches (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_AUTHENTICATION_FAILED) ||
      g_error_matches (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NO_PASSWORD) ||
      g_error_matches (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_PASSWORD_COMMAND))
    return TERN_MAIL_REMEDY_PASSWORD;
  if (g_error_matches (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED) ||
      error->domain == G_TLS_ERROR)
    return TERN_MAIL_REMEDY_CERTIFICATE;
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
          g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        return TERN_MAIL_REMEDY_SETTINGS;
      return TERN_MAIL_REMEDY_NONE;
    }
  if (error->domain == TERN_NET_ERROR || error->domain == TERN_ACCOUNT_ERROR)
    return TERN_MAIL_REMEDY_SETTINGS;
  return TERN_MAIL_REMEDY_NONE;
}

static void
set_string (char **field, const char *value, TernMailAccount *self, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_failure (TernMailAccount *self, const GError *error, const TernServer *server)
{
  TernMailRemedy remedy = tern_mail_remedy_for_error (error);

  g_clear_error (&self->error);
  g_clear_object (&self->diagnosis);
  if (error != NULL)
    {
      self->error = g_error_copy (error);
      if (server != NULL && server->host != NULL)
        self->diagnosis = tern_diagnosis_new_from_error (error, server->host, server->port);
      else
        {
          const TernServer *in = tern_account_get_incoming (self->account);
          self->diagnosis = tern_diagnosis_new_from_error (error, in->host, in->port);
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIAGNOSIS]);
  if (remedy != self->remedy)
    {
      self->remedy = remedy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEDY]);
    }
}

/* The state shown, from its parts. */
static void
update_state (TernMailAccount *self)
{
  TernMailAccountState state;

  if (self->sync_failed || self->outbox_error != NULL)
    state = TERN_MAIL_ACCOUNT_FAILED;
  else if (self->offline || self->sync_phase == TERN_ACCOUNT_PHASE_RETRYING)
    state = TERN_MAIL_ACCOUNT_OFFLINE;
  else if ((self->sync_running && self->sync_phase == TERN_ACCOUNT_PHASE_WORKING) || self->sending)
    state = TERN_MAIL_ACCOUNT_SYNCING;
  else
    state = TERN_MAIL_ACCOUNT_IDLE;

  if (state == TERN_MAIL_ACCOUNT_IDLE && self->progress != -1)
    {
      self->progress = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  if (state == TERN_MAIL_ACCOUNT_IDLE || state == TERN_MAIL_ACCOUNT_SYNCING)
    {
      if (self->error != NULL && !self->sync_failed && self->outbox_error == NULL)
        set_failure (self, NULL, NULL);
    }
  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
finish_waiters (GPtrArray *waiters, const GError *error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

  /* Take them first: a callback may add a waiter. */
  while (waiters->len > 0)
    g_ptr_array_add (tasks, g_ptr_array_steal_index (waiters, 0));
  for (guint i = 0; i < tasks->len; i++)
    {
      if (error != NULL)
        g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
      else
        g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
    }
}

static void
apply_report (TernMailAccount *self, Report *report, gboolean outbox)
{
  g_autofree char *status = NULL;

  if (report->kind == REPORT_STOPPED)
    {
      self->sync_running = FALSE;
      self->sync_phase = TERN_ACCOUNT_PHASE_WAITING;
      update_state (self);
      return;
    }
  if (report->kind == REPORT_FAILED)
    {
      if (outbox)
        {
          g_clear_error (&self->outbox_error);
          self->outbox_error = g_error_copy (report->error);
        }
      else
        self->sync_failed = TRUE;
      set_failure (self, report->error, &report->server);
      set_string (&self->status, report->error->message, self, PROP_STATUS);
      update_state (self);
      if (!outbox && self->sync_waiters->len > 0)
        finish_waiters (self->sync_waiters, report->error);
      return;
    }

  /* Progress. */
  if (outbox)
    self->sending = report->phase == TERN_ACCOUNT_PHASE_WORKING;
  else
    {
      self->sync_running = TRUE;
      self->sync_phase = report->phase;
      if (report->phase == TERN_ACCOUNT_PHASE_WORKING)
        self->sync_failed = FALSE;
    }

  if (report->phase == TERN_ACCOUNT_PHASE_RETRYING)
    {
      set_failure (self, report->error, NULL);
      /* Offline: the error is kept to say why, and the remedy is none: it mends
       * itself. */
      if (self->remedy != TERN_MAIL_REMEDY_NONE)
        {
          self->remedy = TERN_MAIL_REMEDY_NONE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEDY]);
        }
    }

  if (report->folder != NULL && report->total > 0)
    /* Translators: sync progress, e.g. "INBOX: 1200 of 10000 headers" */
    status = g_strdup_printf (_("%s: %u of %u %s"), report->folder, report->done, report->total,
                              report->message != NULL ? report->message : "");
  else if (report->folder != NULL && report->message != NULL)
    status = g_strdup_printf ("%s: %s", report->folder, report->message);
  else
    status = g_strdup (report->message);
  set_string (&self->status, status, self, PROP_STATUS);

  {
    double progress = report->phase == TERN_ACCOUNT_PHASE_WORKING && report->total > 0
                      ? CLAMP ((double) report->done / report->total, 0.0, 1.0) : -1;
    if (progress != self->progress)
      {
        self->progress = progress;
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
      }
  }
  update_state (self);

  /* "Sync now" while started: done when the sync that followed the request waits
   * again, or cannot reach the server. The work is counted where it was posted: a
   * sync with nothing to do reports its work and its wait at once, and only the wait
   * may reach this thread. */
  if (!outbox && self->sync_waiters->len > 0)
    {
      if (report->phase == TERN_ACCOUNT_PHASE_RETRYING)
        finish_waiters (self->sync_waiters, report->error);
      else if (report->phase != TERN_ACCOUNT_PHASE_WORKING && report->n_working > self->waiters_mark)
        finish_waiters (self->sync_waiters, NULL);
    }
}

/* ---- the watch thread -------------------------------------------------------------- */

typedef struct
{
  Channel          *channel;
  TernStore        *store;
  TernAccount      *account;
  TernSyncTrigger  *trigger;
  GCancellable     *cancellable;
  TernMail         *mail;        /* for the poll interval; outlives the thread (joined at stop) */
} Watch;

static void
watch_free (Watch *watch)
{
  channel_unref (watch->channel);
  g_object_unref (watch->store);
  g_object_unref (watch->account);
  g_object_unref (watch->trigger);
  g_object_unref (watch->cancellable);
  g_free (watch);
}

static gpointer
watch_thread (gpointer data)
{
  Watch *watch = data;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GError) error = NULL;
  TernAccount *account = watch->account;
  const char *email = tern_account_get_email (account);

  /* A background sync yields the CPU to the window: this thread and the parse and
   * write threads it starts (they inherit it) run a few steps nicer than the UI
   * thread, so on a busy machine the window paints first and the sync uses the rest. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), getpriority (PRIO_PROCESS, 0) + 5) != 0)
    g_debug ("Cannot lower the sync thread's priority: %s", g_strerror (errno));

  db = tern_store_open_db (watch->store, account, &error);
  if (db == NULL)
    {
      channel_post (watch->channel, FALSE, REPORT_FAILED, NULL, error, NULL);
      goto out;
    }

  while (!g_cancellable_is_cancelled (watch->cancellable))
    {
      g_autoptr(TernPassword) password = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      tern_account_progress_report (sync_progress_cb, watch->channel, email, TERN_ACCOUNT_PHASE_WORKING, NULL, 0,
                                    0, _("connecting"), NULL);
      password = tern_credentials_get_password (account, watch->cancellable, &local_error);
      if (password == NULL)
        ok = FALSE;
      else if (tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_IMAP)
        {
          TernSyncImapOptions options;

          tern_sync_imap_options_init (&options);
          options.body_days = tern_account_get_body_days (account);
          options.poll_seconds = _tern_mail_get_poll_interval (watch->mail);
          ok = tern_sync_imap_watch (db, account, password, &options, watch->trigger, sync_progress_cb,
                                     watch->channel, watch->cancellable, &local_error);
        }
      else
        {
          tern_sync_trigger_take (watch->trigger);
          ok = tern_sync_pop3_run (db, account, password, sync_progress_cb, watch->channel, watch->cancellable,
                                   &local_error);
          if (ok)
            {
              tern_account_progress_report (sync_progress_cb, watch->channel, email, TERN_ACCOUNT_PHASE_WAITING,
                                            NULL, 0, 0, _("up to date"), NULL);
              tern_sync_trigger_wait (watch->trigger, _tern_mail_get_poll_interval (watch->mail),
                                      watch->cancellable);
              continue;
            }
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
              tern_mail_remedy_for_error (local_error) == TERN_MAIL_REMEDY_NONE)
            {
              /* The network: retried after a while, or when pulled. */
              tern_account_progress_report (sync_progress_cb, watch->channel, email,
                                            TERN_ACCOUNT_PHASE_RETRYING, NULL, 0, 0,
                                            _("cannot reach the server"), local_error);
              tern_sync_trigger_wait (watch->trigger, 60, watch->cancellable);
              continue;
            }
        }
      if (ok || g_cancellable_is_cancelled (watch->cancellable))
        continue;

      /* A failure retrying cannot mend: wait for the user's remedy (a pull). */
      channel_post (watch->channel, FALSE, REPORT_FAILED, NULL, local_error, tern_account_get_incoming (account));
      tern_sync_trigger_take (watch->trigger);
      while (!g_cancellable_is_cancelled (watch->cancellable) &&
             !tern_sync_trigger_wait (watch->trigger, 3600, watch->cancellable))
        ;
    }

out:
  channel_post (watch->channel, FALSE, REPORT_STOPPED, NULL, NULL, NULL);
  watch_free (watch);
  return NULL;
}

void
_tern_mail_account_start (TernMailAccount *self)
{
  Watch *watch;

  if (self->watch != NULL)
    return;
  self->watch_cancellable = g_cancellable_new ();
  watch = g_new0 (Watch, 1);
  watch->channel = channel_ref (self->channel);
  watch->store = g_object_ref (tern_mail_get_store (self->mail));
  watch->account = g_object_ref (self->account);
  watch->trigger = g_object_ref (self->trigger);
  watch->cancellable = g_object_ref (self->watch_cancellable);
  watch->mail = self->mail;
  self->sync_running = TRUE;
  self->sync_failed = FALSE;
  self->watch = g_thread_new ("tern-account-watch", watch_thread, watch);
  _tern_mail_account_kick_outbox (self);
}

void
_tern_mail_account_stop (TernMailAccount *self)
{
  g_autoptr(GError) error = NULL;

  if (self->watch == NULL)
    return;
  g_cancellable_cancel (self->watch_cancellable);
  tern_sync_trigger_pull (self->trigger, TERN_SYNC_REQUEST_NONE);
  g_thread_join (g_steal_pointer (&self->watch));
  g_clear_object (&self->watch_cancellable);
  self->sync_running = FALSE;
  self->sync_phase = TERN_ACCOUNT_PHASE_WAITING;
  g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Stopped"));
  finish_waiters (self->sync_waiters, error);
  update_state (self);
}

/* The trigger that wakes the account's sync: any thread may pull it. */
TernSyncTrigger *
_tern_mail_account_get_trigger (TernMailAccount *self)
{
  return self->trigger;
}

void
_tern_mail_account_request (TernMailAccount *self, TernSyncRequest request)
{
  if (request & TERN_SYNC_REQUEST_FULL)
    {
      /* A full sync is also the user's remedy after a failure. */
      self->sync_failed = FALSE;
      update_state (self);
    }
  tern_sync_trigger_pull (self->trigger, request);
}

/**
 * tern_mail_account_retry:
 *
 * After the user's remedy (a new password, a pinned certificate, new settings),
 * tries again now.
 */
void
tern_mail_account_retry (TernMailAccount *self)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (self));

  g_clear_error (&self->outbox_error);
  _tern_mail_account_request (self, TERN_SYNC_REQUEST_FULL);
  _tern_mail_account_kick_outbox (self);
}

void
_tern_mail_account_network_changed (TernMailAccount *self, gboolean available)
{
  if (self->offline == !available)
    return;
  self->offline = !available;
  update_state (self);
  if (available)
    {
      _tern_mail_account_request (self, TERN_SYNC_REQUEST_FULL);
      _tern_mail_account_kick_outbox (self);
    }
}

/* ---- one sync, not started ------------------------------------------------------------- */

typedef struct
{
  Channel      *channel;
  TernStore    *store;
  TernAccount  *account;
} OneShot;

static void
one_shot_free (OneShot *shot)
{
  channel_unref (shot->channel);
  g_object_unref (shot->store);
  g_object_unref (shot->account);
  g_free (shot);
}

static void
one_shot_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OneShot *shot = task_data;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernPassword) password = NULL;
  const TernServer *failed = tern_account_get_incoming (shot->account);
  GError *error = NULL;

  if ((db = tern_store_open_db (shot->store, shot->account, &error)) == NULL ||
      (password = tern_credentials_get_password (shot->account, cancellable, &error)) == NULL ||
      !tern_mail_sync_run (db, shot->account, password, sync_progress_cb, shot->channel, &failed, cancellable,
                           &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        channel_post (shot->channel, FALSE, REPORT_FAILED, NULL, error, failed);
      g_task_return_error (task, error);
      return;
    }
  tern_account_progress_report (sync_progress_cb, shot->channel, tern_account_get_email (shot->account),
                                TERN_ACCOUNT_PHASE_WAITING, NULL, 0, 0, _("up to date"), NULL);
  g_task_return_boolean (task, TRUE);
}

static void
one_shot_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernMailAccount *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->n_syncs--;
  /* Not while the watch runs (started meanwhile): its reports are the state, and a
   * stop not delivered yet would drop them (a "sync now" would never hear its sync
   * wait again). */
  if (self->n_syncs == 0 && self->watch == NULL)
    channel_post (self->channel, FALSE, REPORT_STOPPED, NULL, NULL, NULL);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* A sync now: while started, a pull of the watch's trigger, done when that sync
 * waits again; otherwise one run on a thread (incoming mail, then the outbox). */
void
_tern_mail_account_sync_async (TernMailAccount     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GTask *inner;
  OneShot *shot;

  g_task_set_source_tag (task, _tern_mail_account_sync_async);
  if (self->watch != NULL)
    {
      g_ptr_array_add (self->sync_waiters, task);
      /* Work reported before the request is not the work that follows it. */
      g_mutex_lock (&self->channel->lock);
      self->waiters_mark = self->channel->n_working;
      g_mutex_unlock (&self->channel->lock);
      _tern_mail_account_request (self, TERN_SYNC_REQUEST_FULL);
      return;
    }

  shot = g_new0 (OneShot, 1);
  shot->channel = channel_ref (self->channel);
  shot->store = g_object_ref (tern_mail_get_store (self->mail));
  shot->account = g_object_ref (self->account);
  self->n_syncs++;
  self->sync_failed = FALSE;
  g_clear_error (&self->outbox_error);
  inner = g_task_new (self, cancellable, one_shot_done_cb, task);
  g_task_set_task_data (inner, shot, (GDestroyNotify) one_shot_free);
  g_task_run_in_thread (inner, one_shot_thread);
  g_object_unref (inner);
}

gboolean
_tern_mail_account_sync_finish (TernMailAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the outbox ------------------------------------------------------------------------- */

typedef struct
{
  Channel      *channel;
  TernStore    *store;
  TernAccount  *account;
  gboolean      now;
  guint         count;         /* what is left in the outbox */
  gint64        next_attempt;  /* the earliest retry time of what is left, 0: none */
} Flush;

static void
flush_free (Flush *flush)
{
  channel_unref (flush->channel);
  g_object_unref (flush->store);
  g_object_unref (flush->account);
  g_free (flush);
}

static gboolean
outbox_has_due (TernStoreDb *db, gint64 account_id, gboolean now, guint *count, gint64 *next, GError **error)
{
  g_autoptr(GPtrArray) entries = tern_store_db_outbox_list (db, account_id, error);
  gint64 t = g_get_real_time () / G_USEC_PER_SEC;
  gboolean due = FALSE;

  if (entries == NULL)
    return FALSE;
  *count = entries->len;
  *next = 0;
  for (guint i = 0; i < entries->len; i++)
    {
      TernStoreOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state == TERN_STORE_OUTBOX_FAILED || entry->state == TERN_STORE_OUTBOX_PARTLY_SENT)
        continue;
      if (now || entry->next_attempt <= t || entry->state != TERN_STORE_OUTBOX_QUEUED)
        due = TRUE;
      else if (*next == 0 || entry->next_attempt < *next)
        *next = entry->next_attempt;
    }
  return due;
}

static void
flush_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Flush *flush = task_data;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernPassword) password = NULL;
  gint64 account_id;
  GError *error = NULL;

  if ((db = tern_store_open_db (flush->store, flush->account, &error)) == NULL)
    goto fail;
  account_id = tern_store_db_lookup_account (db, tern_account_get_email (flush->account), NULL);
  if (account_id == 0 ||
      !outbox_has_due (db, account_id, flush->now, &flush->count, &flush->next_attempt, &error))
    {
      if (error != NULL)
        goto fail;
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* An IMAP account logs in to its incoming server too, for the copy in Sent. */
  if (tern_account_get_outgoing (flush->account)->user != NULL ||
      (tern_account_get_protocol (flush->account) != TERN_ACCOUNT_PROTOCOL_POP3 &&
       tern_outbox_get_file_in_sent (flush->account)))
    {
      password = tern_credentials_get_password (flush->account, cancellable, &error);
      if (password == NULL)
        goto fail;
    }
  if (!tern_outbox_flush_full (db, flush->account, password, flush->now ? TERN_OUTBOX_FLUSH_NOW
                                                                         : TERN_OUTBOX_FLUSH_NONE,
                               outbox_progress_cb, flush->channel, NULL, &error))
    goto fail;
  outbox_has_due (db, account_id, FALSE, &flush->count, &flush->next_attempt, NULL);
  tern_account_progress_report (outbox_progress_cb, flush->channel, tern_account_get_email (flush->account),
                                TERN_ACCOUNT_PHASE_WAITING, NULL, 0, 0, NULL, NULL);
  g_task_return_boolean (task, TRUE);
  return;

fail:
  if (db != NULL && account_id != 0)
    outbox_has_due (db, account_id, FALSE, &flush->count, &flush->next_attempt, NULL);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The network: the messages wait, and the account is offline; anything else
       * (a refused password) needs the user. */
      if (tern_mail_remedy_for_error (error) == TERN_MAIL_REMEDY_NONE)
        {
          TernAccountProgress progress = { tern_account_get_email (flush->account), TERN_ACCOUNT_PHASE_RETRYING,
                                           NULL, 0, 0, error->message, error };
          channel_post (flush->channel, TRUE, REPORT_PROGRESS, &progress, NULL, NULL);
        }
      else
        channel_post (flush->channel, TRUE, REPORT_FAILED, NULL, error, tern_account_get_outgoing (flush->account));
    }
  g_task_return_error (task, error);
}

static void start_flush (TernMailAccount *self, gboolean now);

static gboolean
retry_cb (gpointer data)
{
  TernMailAccount *self = data;

  self->retry_source = 0;
  start_flush (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
flush_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernMailAccount *self = TERN_MAIL_ACCOUNT (source);
  Flush *flush = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  self->flushing = FALSE;
  self->sending = FALSE;
  if (ok)
    g_clear_error (&self->outbox_error);
  _tern_mail_account_set_outbox_count (self, flush->count);
  update_state (self);

  /* The next retry time, while started. */
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->watch != NULL && flush->next_attempt > 0)
    {
      gint64 wait = flush->next_attempt - g_get_real_time () / G_USEC_PER_SEC;
      self->retry_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, (guint) CLAMP (wait, 1, 24 * 3600),
                                                       retry_cb, self, NULL);
    }

  finish_waiters (self->flush_waiters, ok ? NULL : error);
  if (self->flush_again)
    {
      gboolean now = self->flush_again_now;

      self->flush_again = self->flush_again_now = FALSE;
      start_flush (self, now);
    }
}

static void
start_flush (TernMailAccount *self, gboolean now)
{
  g_autoptr(GTask) task = NULL;
  Flush *flush;

  if (self->flushing)
    {
      self->flush_again = TRUE;
      self->flush_again_now |= now;
      return;
    }
  self->flushing = TRUE;
  flush = g_new0 (Flush, 1);
  flush->channel = channel_ref (self->channel);
  flush->store = g_object_ref (tern_mail_get_store (self->mail));
  flush->account = g_object_ref (self->account);
  flush->now = now;
  task = g_task_new (self, NULL, flush_done_cb, NULL);
  g_task_set_task_data (task, flush, (GDestroyNotify) flush_free);
  g_task_run_in_thread (task, flush_thread);
}

/* Sends what is due, when started (the outbox's own schedule). */
void
_tern_mail_account_kick_outbox (TernMailAccount *self)
{
  if (self->watch != NULL && !self->offline)
    start_flush (self, FALSE);
}

/* Sends the outbox now (with @now, retry times notwithstanding). */
void
_tern_mail_account_flush_async (TernMailAccount     *self,
                                gboolean             now,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _tern_mail_account_flush_async);
  g_ptr_array_add (self->flush_waiters, task);
  if (self->flushing)
    {
      self->flush_again = TRUE;
      self->flush_again_now |= now;
    }
  else
    start_flush (self, now);
}

gboolean
_tern_mail_account_flush_finish (TernMailAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_tern_mail_account_set_outbox_count (TernMailAccount *self, guint count)
{
  if (self->outbox_count == count)
    return;
  self->outbox_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX_COUNT]);
}

/* ---- the object -------------------------------------------------------------------------- */

TernMailAccount *
_tern_mail_account_new (TernMail *mail, TernAccount *account, gint64 store_id)
{
  TernMailAccount *self = g_object_new (TERN_TYPE_MAIL_ACCOUNT, NULL);

  self->mail = mail;
  self->account = g_object_ref (account);
  self->store_id = store_id;
  self->offline = !_tern_mail_is_network_available (mail);
  update_state (self);
  return self;
}

void
_tern_mail_account_set_account (TernMailAccount *self, TernAccount *account)
{
  gboolean restart = self->watch != NULL;

  if (restart)
    _tern_mail_account_stop (self);
  g_set_object (&self->account, account);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
  self->sync_failed = FALSE;
  g_clear_error (&self->outbox_error);
  set_failure (self, NULL, NULL);
  update_state (self);
  if (restart)
    _tern_mail_account_start (self);
}

static void
tern_mail_account_dispose (GObject *object)
{
  TernMailAccount *self = TERN_MAIL_ACCOUNT (object);

  _tern_mail_account_stop (self);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  G_OBJECT_CLASS (tern_mail_account_parent_class)->dispose (object);
}

static void
tern_mail_account_finalize (GObject *object)
{
  TernMailAccount *self = TERN_MAIL_ACCOUNT (object);

  g_clear_object (&self->account);
  g_clear_object (&self->trigger);
  g_free (self->status);
  g_clear_error (&self->error);
  g_clear_error (&self->outbox_error);
  g_clear_object (&self->diagnosis);
  g_ptr_array_unref (self->sync_waiters);
  g_ptr_array_unref (self->flush_waiters);
  channel_unref (self->channel);
  G_OBJECT_CLASS (tern_mail_account_parent_class)->finalize (object);
}

static void
tern_mail_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernMailAccount *self = TERN_MAIL_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_EMAIL:
      g_value_set_string (value, tern_account_get_email (self->account));
      break;
    case PROP_STORE_ID:
      g_value_set_int64 (value, self->store_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_DIAGNOSIS:
      g_value_set_object (value, self->diagnosis);
      break;
    case PROP_REMEDY:
      g_value_set_enum (value, self->remedy);
      break;
    case PROP_OUTBOX_COUNT:
      g_value_set_uint (value, self->outbox_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_mail_account_class_init (TernMailAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tern_mail_account_dispose;
  object_class->finalize = tern_mail_account_finalize;
  object_class->get_property = tern_mail_account_get_property;

  properties[PROP_ACCOUNT] = g_param_spec_object ("account", NULL, NULL, TERN_TYPE_ACCOUNT, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  properties[PROP_STORE_ID] = g_param_spec_int64 ("store-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, TERN_TYPE_MAIL_ACCOUNT_STATE,
                                              TERN_MAIL_ACCOUNT_IDLE, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, -1, 1, -1, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  properties[PROP_DIAGNOSIS] = g_param_spec_object ("diagnosis", NULL, NULL, TERN_TYPE_DIAGNOSIS, flags);
  properties[PROP_REMEDY] = g_param_spec_enum ("remedy", NULL, NULL, TERN_TYPE_MAIL_REMEDY,
                                               TERN_MAIL_REMEDY_NONE, flags);
  properties[PROP_OUTBOX_COUNT] = g_param_spec_uint ("outbox-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TernMailAccount::change-refused:
   * @error: what was refused, with the server's words
   *
   * The server refused a change of the journal (a move to a folder deleted there
   * meanwhile, a quota, a NO): the store took the server's state back, nothing is
   * lost. Emitted on the main context, once per refusal.
   */
  signals[SIGNAL_CHANGE_REFUSED] = g_signal_new ("change-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                 NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                 G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tern_mail_account_init (TernMailAccount *self)
{
  self->channel = g_new0 (Channel, 1);
  g_atomic_ref_count_init (&self->channel->ref_count);
  g_weak_ref_init (&self->channel->self, self);
  self->channel->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->channel->lock);
  self->channel->refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  self->trigger = tern_sync_trigger_new ();
  self->progress = -1;
  self->sync_phase = TERN_ACCOUNT_PHASE_WAITING;
  self->sync_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->flush_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---- getters ------------------------------------------------------------------------------ */

TernAccount *
tern_mail_account_get_account (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), NULL);
  return self->account;
}

const char *
tern_mail_account_get_email (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), NULL);
  return tern_account_get_email (self->account);
}

/**
 * tern_mail_account_get_store_id:
 *
 * Returns: the account's id in the store (TernStoreFolder's account-id)
 */
gint64
tern_mail_account_get_store_id (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), 0);
  return self->store_id;
}

TernMailAccountState
tern_mail_account_get_state (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), TERN_MAIL_ACCOUNT_IDLE);
  return self->state;
}

/**
 * tern_mail_account_get_progress:
 *
 * Returns: how much of the current step is done, 0 to 1, or -1 when unknown
 */
double
tern_mail_account_get_progress (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), -1);
  return self->progress;
}

/**
 * tern_mail_account_get_status:
 *
 * Returns: (nullable): what the account is doing, in words ("INBOX: 1200 of 10000
 *   headers"), or why it failed
 */
const char *
tern_mail_account_get_status (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), NULL);
  return self->status;
}

/**
 * tern_mail_account_get_error:
 *
 * Returns: (nullable): why the account is failed or offline
 */
const GError *
tern_mail_account_get_error (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), NULL);
  return self->error;
}

/**
 * tern_mail_account_get_diagnosis:
 *
 * Returns: (transfer none) (nullable): the failure explained, with the certificate
 *   when one did not validate
 */
TernDiagnosis *
tern_mail_account_get_diagnosis (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), NULL);
  return self->diagnosis;
}

TernMailRemedy
tern_mail_account_get_remedy (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), TERN_MAIL_REMEDY_NONE);
  return self->remedy;
}

/**
 * tern_mail_account_get_outbox_count:
 *
 * Returns: the messages in the account's outbox, as of its last run
 */
guint
tern_mail_account_get_outbox_count (TernMailAccount *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (self), 0);
  return self->outbox_count;
}
