/* bench-move.c: 10,000 selected messages moved to another folder from the window,
 * against the engine's own bare UID MOVE of the same set
 *
 * Run by bench-move.sh (under the test servers and tern-session), which gives every
 * user an INBOX of the same 10,000 generated messages and an empty folder "Moved",
 * and adds and syncs (tern-cli sync) the accounts Tern moves in. In process, as the
 * ui tests drive the window, for each of ROUNDS rounds:
 *
 *   1. bare: TernImapSession straight to the server, as one of the users Tern does not
 *      know: connect and log in, SELECT INBOX, UID MOVE 1:10000 (the 10,000 UIDs Dovecot gave them) to Moved,
 *      until the tagged OK (the anchor); also the time until a second connection
 *      polling STATUS sees them all there;
 *   2. tern: the window shows the INBOX of a fresh account (one per round), all of its
 *      10,000 rows are selected (what Ctrl+A does) and the window's `mail.move-to`
 *      action (the Move popover's choice and a drop on the sidebar run it) is activated
 *      to Moved. Measured from the activation:
 *        - visible: the list model has lost the rows, and the frame after that is
 *          painted (the frame clock's ::after-paint);
 *        - on the server: a second connection (its own TernImapSession on a thread)
 *          sees STATUS INBOX MESSAGES 0 and Moved 10,000, polled every 50 ms;
 *        - the main loop meanwhile, until the server has them: a 1 ms timeout's gaps,
 *          each with the main thread's CPU time during it (a gap on the clock alone
 *          includes the time other processes had the CPU, on a loaded machine), and
 *          the longest dispatch between two polls of the main context; and each gap's
 *          time the main thread waited for a CPU (its /proc schedstat's run-queue
 *          wait), so that a gap the machine's load made is told from one the loop
 *          made (its CPU time, or its waits on locks and I/O).
 *
 * Prints one line per figure and round, then the median and range of each, with the
 * load average beside every figure. With TERN_BENCH_TRACE=1 the IMAP transcript of
 * Tern's own sessions is watched (not printed) to say when its UID MOVE went out and
 * when its OK came back: it costs time, so the figures of a traced run are not the
 * benchmark's; so does TERN_BENCH_PERF=FILE, which has `perf record` (DWARF call
 * graphs, CLOCK_MONOTONIC timestamps) write FILE.ROUND from just before each of Tern's
 * moves until the server has it.
 *
 *   bench-move ROUNDS TERN_USER... -- BARE_USER...
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "tern-engine.h"
#include "tern-imap-session.h"
#include "tern-mail.h"
#include "tern-ui-application.h"
#include "tern-ui-message-list.h"
#include "tern-ui-window.h"

#define N_MESSAGES 10000
#define POLL_MS    50
#define TARGET     "Moved"

static TernUiApplication *app;
static TernUiWindow *win;

/* ---- clocks ------------------------------------------------------------------------- */

/* The calling thread's CPU time, in µs. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The main thread's time waiting for a CPU (runnable, not running: other processes
 * had the cores), in µs, from its /proc schedstat: "CPU_NS RUNQUEUE_WAIT_NS SLICES". */
static int schedstat_fd = -1;

static gint64
main_thread_wait_time (void)
{
  char buf[128];
  ssize_t n;
  char *end;

  if (schedstat_fd < 0 || (n = pread (schedstat_fd, buf, sizeof buf - 1, 0)) <= 0)
    return 0;
  buf[n] = '\0';
  g_ascii_strtoull (buf, &end, 10);
  return (gint64) (g_ascii_strtoull (end, NULL, 10) / 1000);
}

/* The process's CPU time (all its threads), in µs. */
static gint64
process_cpu_time (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC + usage.ru_utime.tv_usec +
         usage.ru_stime.tv_usec;
}

static char *
loadavg (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");
  fields = g_strsplit (text, " ", 4);
  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

/* ---- the main loop's stalls ----------------------------------------------------------- */

typedef struct
{
  gint64 wall;   /* µs between two ticks */
  gint64 cpu;    /* the main thread's CPU time meanwhile */
  gint64 wait;   /* its time waiting for a CPU meanwhile */
} Gap;

static GArray *gaps;
static gint64 last_tick, last_tick_cpu, last_tick_wait;
static gboolean measuring;
static gint64 max_dispatch, max_dispatch_cpu, max_dispatch_wait;
static gint64 poll_left, poll_left_cpu, poll_left_wait;   /* when the last poll returned */
static GPollFunc real_poll;

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_time ();
  gint64 wait = main_thread_wait_time ();
  Gap gap = { now - last_tick, cpu - last_tick_cpu, wait - last_tick_wait };

  g_array_append_val (gaps, gap);
  last_tick = now;
  last_tick_cpu = cpu;
  last_tick_wait = wait;
  return G_SOURCE_CONTINUE;
}

/* Between two polls, the main context dispatches: the longest such run, on the clock
 * and on the main thread's CPU (as bench-mail-changes measures it). */
static gint
timed_poll (GPollFD *fds, guint n, gint timeout)
{
  gint64 entered = g_get_monotonic_time ();
  gint64 entered_cpu = thread_cpu_time ();
  gint ret;

  if (measuring && poll_left != 0 && entered - poll_left > max_dispatch)
    {
      max_dispatch = entered - poll_left;
      max_dispatch_cpu = entered_cpu - poll_left_cpu;
      max_dispatch_wait = main_thread_wait_time () - poll_left_wait;
    }
  ret = real_poll (fds, n, timeout);
  poll_left = g_get_monotonic_time ();
  poll_left_cpu = thread_cpu_time ();
  poll_left_wait = main_thread_wait_time ();
  return ret;
}

static int
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *sorted, double p)
{
  if (sorted->len == 0)
    return 0;
  return g_array_index (sorted, gint64, MIN (sorted->len - 1, (guint) (sorted->len * p))) / 1e3;
}

typedef struct
{
  double max, p99, p50;                 /* wall, ms */
  double cpu_max, cpu_p99;              /* the main thread's CPU per gap, ms */
  double cpu_of_longest;                /* the CPU time of the longest gap on the clock */
  double wait_of_longest;               /* its time waiting for a CPU */
  double own_max, own_p99;              /* gaps less the time waiting for a CPU, ms */
  guint  ticks;
  guint  hist[8];                       /* gaps (wall) by the bounds below */
  guint  own_hist[8];                   /* the same, less the waits for a CPU */
  guint  cpu_hist[8];                   /* the main thread's CPU per gap */
  double dispatch, dispatch_cpu, dispatch_wait;   /* the longest dispatch */
} Stalls;

/* Upper bounds (ms) of the distribution's bins; the last is open. */
static const double bounds[7] = { 2, 5, 10, 16.7, 33.3, 50, 100 };

static guint
bin_of (gint64 us)
{
  guint k = 0;

  while (k < G_N_ELEMENTS (bounds) && us / 1e3 > bounds[k])
    k++;
  return k;
}

static void
print_hist (const char *what, const guint *hist)
{
  printf ("%s", what);
  for (guint k = 0; k < 8; k++)
    {
      if (k < 7)
        printf (" <=%g:%u", bounds[k], hist[k]);
      else
        printf (" >%g:%u", bounds[6], hist[k]);
    }
  printf ("\n");
}

static Stalls
summarize_gaps (void)
{
  Stalls s = { 0, };
  g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) own = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 longest = -1;

  for (guint i = 0; i < gaps->len; i++)
    {
      Gap *g = &g_array_index (gaps, Gap, i);

      gint64 own_time = MAX (0, g->wall - g->wait);

      g_array_append_val (wall, g->wall);
      g_array_append_val (cpu, g->cpu);
      g_array_append_val (own, own_time);
      if (g->wall > longest)
        {
          longest = g->wall;
          s.cpu_of_longest = g->cpu / 1e3;
          s.wait_of_longest = g->wait / 1e3;
        }
      s.hist[bin_of (g->wall)]++;
      s.own_hist[bin_of (own_time)]++;
      s.cpu_hist[bin_of (g->cpu)]++;
    }
  g_array_sort (wall, compare_int64);
  g_array_sort (cpu, compare_int64);
  g_array_sort (own, compare_int64);
  s.own_max = percentile_ms (own, 1);
  s.own_p99 = percentile_ms (own, 0.99);
  s.ticks = gaps->len;
  s.max = percentile_ms (wall, 1);
  s.p99 = percentile_ms (wall, 0.99);
  s.p50 = percentile_ms (wall, 0.5);
  s.cpu_max = percentile_ms (cpu, 1);
  s.cpu_p99 = percentile_ms (cpu, 0.99);
  s.dispatch = max_dispatch / 1e3;
  s.dispatch_cpu = max_dispatch_cpu / 1e3;
  s.dispatch_wait = max_dispatch_wait / 1e3;
  return s;
}

/* ---- the server, polled through a second connection ------------------------------------ */

static TernImapSession *
connect_as (const char *user, GError **error)
{
  g_autoptr(TernImapSession) session =
    tern_imap_session_new (g_getenv ("TERN_TEST_HOST"), (guint16) atoi (g_getenv ("TERN_TEST_IMAPS_PORT")),
                           TERN_NET_SECURITY_TLS);

  if (!tern_net_connection_set_pinned_certificate (tern_imap_session_get_connection (session),
                                                   g_getenv ("TERN_TEST_CA_CERT"), error))
    return NULL;
  tern_imap_session_set_credentials (session, user, g_getenv ("TERN_TEST_PASSWORD"), TERN_IMAP_AUTH_AUTO);
  if (!tern_imap_session_connect (session, NULL, error))
    return NULL;
  return g_steal_pointer (&session);
}

static guint32
messages_in (TernImapSession *session, const char *mailbox)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernImapMailbox) status = tern_imap_session_status (session, mailbox, TERN_IMAP_STATUS_ITEM_MESSAGES,
                                                                NULL, &error);

  if (status == NULL)
    g_error ("STATUS %s: %s", mailbox, error->message);
  return status->messages;
}

typedef struct
{
  TernImapSession *session;
  GThread         *thread;
  gint             stop;
  gint             done;
  gint64           seen;     /* when both counts were as wanted */
  guint            polls;
  guint32          inbox, target;
} Poller;

static gpointer
poll_thread (gpointer data)
{
  Poller *p = data;

  while (!g_atomic_int_get (&p->stop))
    {
      p->inbox = messages_in (p->session, "INBOX");
      p->target = messages_in (p->session, TARGET);
      p->polls++;
      if (p->inbox == 0 && p->target == N_MESSAGES)
        {
          p->seen = g_get_monotonic_time ();
          g_atomic_int_set (&p->done, 1);
          g_main_context_wakeup (NULL);
          break;
        }
      g_usleep (POLL_MS * 1000);
    }
  return NULL;
}

/* Connected before the clock starts; checks the mailbox is as bench-move.sh made it. */
static Poller *
poller_new (const char *user)
{
  g_autoptr(GError) error = NULL;
  Poller *p = g_new0 (Poller, 1);

  p->session = connect_as (user, &error);
  if (p->session == NULL)
    g_error ("%s: %s", user, error->message);
  if (messages_in (p->session, "INBOX") != N_MESSAGES || messages_in (p->session, TARGET) != 0)
    g_error ("%s: INBOX has not %u messages, or " TARGET " is not empty", user, N_MESSAGES);
  return p;
}

static void
poller_start (Poller *p)
{
  p->thread = g_thread_new ("bench-poll", poll_thread, p);
}

static void
poller_free (Poller *p)
{
  g_atomic_int_set (&p->stop, 1);
  g_thread_join (p->thread);
  tern_imap_session_close (p->session);
  g_object_unref (p->session);
  g_free (p);
}

static gboolean
poller_done (Poller *p)
{
  return g_atomic_int_get (&p->done);
}

/* ---- the anchor: the engine's own bare UID MOVE ------------------------------------------ */

typedef struct
{
  const char *user;
  gint64      start, selected, moved;
  gint        finished;
  GError     *error;
} Bare;

static gpointer
bare_thread (gpointer data)
{
  Bare *b = data;
  g_autoptr(TernImapSession) session = NULL;
  g_autoptr(TernImapUidSet) src = NULL;
  g_autoptr(TernImapUidSet) dst = NULL;
  guint32 uidvalidity = 0;

  b->start = g_get_monotonic_time ();
  if ((session = connect_as (b->user, &b->error)) != NULL &&
      tern_imap_session_select (session, "INBOX", TERN_IMAP_SELECT_NONE, NULL, NULL, &b->error))
    {
      b->selected = g_get_monotonic_time ();
      if (tern_imap_session_uid_move (session, "1:10000", TARGET, &uidvalidity, &src, &dst, NULL, &b->error))
        b->moved = g_get_monotonic_time ();
      tern_imap_session_logout (session, NULL, NULL);
    }
  g_atomic_int_set (&b->finished, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

typedef struct
{
  double total;      /* connect to the UID MOVE's OK, ms */
  double command;    /* the UID MOVE command alone */
  double polled;     /* until the poller saw them all moved */
  double process_cpu;
  char  *load;
} BareResult;

/* The window stays up meanwhile (its accounts idle), as during Tern's move. */
static BareResult
run_bare (const char *user)
{
  Poller *poller = poller_new (user);
  Bare b = { user, 0, };
  BareResult r = { 0, };
  GThread *thread;
  gint64 cpu0;

  poller_start (poller);
  cpu0 = process_cpu_time ();
  thread = g_thread_new ("bench-bare", bare_thread, &b);
  while (!g_atomic_int_get (&b.finished) || !poller_done (poller))
    {
      g_main_context_iteration (NULL, TRUE);
      if (b.error != NULL)
        g_error ("bare UID MOVE as %s: %s", user, b.error->message);
    }
  g_thread_join (thread);
  r.total = (b.moved - b.start) / 1e3;
  r.command = (b.moved - b.selected) / 1e3;
  r.polled = (poller->seen - b.start) / 1e3;
  r.process_cpu = (process_cpu_time () - cpu0) / 1e3;
  r.load = loadavg ();
  poller_free (poller);
  return r;
}

/* ---- Tern: the window's move ------------------------------------------------------------------ */

static gpointer
child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static TernUiMessageList *
message_list (void)
{
  return child ("message_list");
}

static GListModel *
rows (void)
{
  return G_LIST_MODEL (tern_ui_message_list_get_selection (message_list ()));
}

static void
settle (guint ms)
{
  for (gint64 until = g_get_monotonic_time () + ms * 1000; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition cond, gpointer data, guint timeout_s, const char *what)
{
  gint64 until = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > until)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
mail_loaded (gpointer data)
{
  return tern_ui_application_get_mail (app) != NULL;
}

/* Not syncing, no account busy: what the user has before choosing a folder. */
static gboolean
all_idle (gpointer data)
{
  GListModel *accounts = tern_mail_get_accounts (tern_ui_application_get_mail (app));

  if (tern_ui_application_get_syncing (app))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      if (tern_mail_account_get_state (account) != TERN_MAIL_ACCOUNT_IDLE)
        return FALSE;
    }
  return TRUE;
}

static gboolean
list_full (gpointer data)
{
  GListModel *model = rows ();
  guint n = g_list_model_get_n_items (model);

  if (tern_ui_message_list_get_state (message_list ()) != TERN_UI_MESSAGE_LIST_ROWS || n != N_MESSAGES)
    return FALSE;
  return TRUE;
}

typedef struct
{
  gint64 activated;
  gint64 gone;            /* the list model lost the last of the rows */
  gint64 painted;         /* the first frame painted after that */
  gint64 main_cpu_at_painted;
  gint64 syncing, idle;   /* the account's state: the replay's run */
  /* TERN_BENCH_TRACE: Tern's UID MOVE on the wire */
  gint64 done_sent;       /* IDLE ended (the journal's trigger woke the sync) */
  gint64 move_sent, move_ok;
  gint64 move_sent_cpu;   /* the process's CPU time then */
  char  *move_tag;
  GThread *move_thread;   /* the sync's: other sessions use the same tags */
} Marks;

static Marks marks;
static gboolean tracing;

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer data)
{
  if (marks.gone == 0 && g_list_model_get_n_items (model) == 0)
    marks.gone = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer data)
{
  if (marks.gone != 0 && marks.painted == 0)
    {
      marks.painted = g_get_monotonic_time ();
      marks.main_cpu_at_painted = thread_cpu_time ();
    }
}

static void
state_cb (TernMailAccount *account, GParamSpec *pspec, gpointer data)
{
  TernMailAccountState state = tern_mail_account_get_state (account);

  if (marks.activated == 0)
    return;
  if (state != TERN_MAIL_ACCOUNT_IDLE && marks.syncing == 0)
    marks.syncing = g_get_monotonic_time ();
  else if (state == TERN_MAIL_ACCOUNT_IDLE && marks.syncing != 0 && marks.idle == 0)
    marks.idle = g_get_monotonic_time ();
}

/* TERN_BENCH_TRACE: "HOST:PORT C: TAG UID MOVE ..." and "HOST:PORT S: TAG OK ...". On
 * the sync's thread: only the first of each is kept. */
static GMutex trace_lock;

static void
trace_cb (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  const char *dir = strchr (message, ' ');

  if (dir == NULL || marks.activated == 0)
    return;
  g_mutex_lock (&trace_lock);
  if (marks.done_sent == 0 && g_str_has_prefix (dir, " C: DONE"))
    marks.done_sent = g_get_monotonic_time ();
  if (marks.move_sent == 0 && g_str_has_prefix (dir, " C: ") && strstr (dir, " UID MOVE ") != NULL)
    {
      const char *tag = dir + 4;

      marks.move_sent = g_get_monotonic_time ();
      marks.move_sent_cpu = process_cpu_time ();
      marks.move_thread = g_thread_self ();
      marks.move_tag = g_strndup (tag, strcspn (tag, " "));
    }
  else if (marks.move_tag != NULL && marks.move_ok == 0 && marks.move_thread == g_thread_self () &&
           g_str_has_prefix (dir, " S: "))
    {
      g_autofree char *ok = g_strdup_printf ("%s ", marks.move_tag);

      if (g_str_has_prefix (dir + 4, ok))
        marks.move_ok = g_get_monotonic_time ();
    }
  g_mutex_unlock (&trace_lock);
}

typedef struct
{
  double visible;       /* activation to the rows gone and the next frame painted, ms */
  double gone;          /* activation to the rows gone from the model */
  double server;        /* activation to the server having them all (polled) */
  double main_cpu_visible;   /* the main thread's CPU time until painted */
  double main_cpu;      /* ... until the server had them */
  double process_cpu;   /* the process's (all threads) until the server had them */
  double replay_start, replay_end;   /* the account left idle, came back */
  double done_sent, move_sent, move_ok;   /* traced only */
  double move_sent_cpu;                  /* the process's CPU from the activation to its UID MOVE */
  gint64 activated;     /* CLOCK_MONOTONIC, µs (for perf record -k mono's timestamps) */
  Stalls stalls;
  char  *load;
} TernResult;

static gint64
lookup_folder_id (TernStoreDb *db, const char *address, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) folder = NULL;
  gint64 account = tern_store_db_lookup_account (db, address, &error);

  if (account <= 0 || (folder = tern_store_db_lookup_folder (db, account, path, &error)) == NULL)
    g_error ("%s %s: %s", address, path, error != NULL ? error->message : "not in the store");
  return tern_store_folder_get_id (folder);
}

/* TERN_BENCH_PERF=FILE: perf records this process (call graphs by DWARF) from just
 * before the activation until the server has the messages; 0 when not asked. */
static GPid
perf_start (guint round)
{
  const char *file = g_getenv ("TERN_BENCH_PERF");
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  GPid perf = 0;

  if (file == NULL || *file == '\0')
    return 0;
  out = g_strdup_printf ("%s.%u", file, round);
  {
    const char *argv[] = { "perf", "record", "-q", "-k", "mono", "-F", "999", "--call-graph", "dwarf,32768",
                           "-p", pid, "-o", out, NULL };

    if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                        &perf, &error))
      g_error ("perf: %s", error->message);
  }
  settle (2000);   /* perf attached */
  return perf;
}

static void
perf_stop (GPid perf)
{
  if (perf == 0)
    return;
  kill (perf, SIGINT);
  waitpid (perf, NULL, 0);
  g_spawn_close_pid (perf);
}

static TernResult
run_tern (TernStoreDb *db, const char *user, guint round)
{
  GPid perf;
  g_autofree char *address = g_strdup_printf ("%s@%s", user, g_getenv ("TERN_TEST_DOMAIN"));
  gint64 inbox_id = lookup_folder_id (db, address, "INBOX");
  gint64 target_id = lookup_folder_id (db, address, TARGET);
  TernMailAccount *account = tern_mail_lookup_account (tern_ui_application_get_mail (app), address);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (win));
  TernResult r = { 0, };
  Poller *poller;
  gulong changed_id, paint_id, state_id;
  gint64 cpu0, process_cpu0;
  guint tick;

  g_assert_nonnull (account);
  wait_until (all_idle, NULL, 600, "the accounts to be idle");
  tern_ui_window_show_folder (win, inbox_id);
  wait_until (list_full, NULL, 120, "the INBOX's 10,000 rows");
  settle (1000);
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (rows ()));
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (tern_ui_message_list_get_selection (message_list ())), ==,
                    N_MESSAGES);
  settle (500);
  wait_until (all_idle, NULL, 600, "the accounts to be idle");
  poller = poller_new (user);
  perf = perf_start (round);

  g_free (marks.move_tag);
  memset (&marks, 0, sizeof marks);
  changed_id = g_signal_connect (rows (), "items-changed", G_CALLBACK (items_changed_cb), NULL);
  paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  state_id = g_signal_connect (account, "notify::state", G_CALLBACK (state_cb), NULL);
  g_array_set_size (gaps, 0);
  max_dispatch = max_dispatch_cpu = max_dispatch_wait = 0;
  tick = g_timeout_add_full (G_PRIORITY_DEFAULT, 1, tick_cb, NULL, NULL);
  poller_start (poller);

  /* The clock starts: the user's choice of the folder. */
  process_cpu0 = process_cpu_time ();
  cpu0 = thread_cpu_time ();
  last_tick_cpu = cpu0;
  last_tick_wait = main_thread_wait_time ();
  /* The first dispatch measured starts here, not with the benchmark's own setup
   * since the last poll (the poller's connection, say). */
  poll_left = marks.activated = g_get_monotonic_time ();
  poll_left_cpu = cpu0;
  poll_left_wait = last_tick_wait;
  last_tick = marks.activated;
  measuring = TRUE;
  if (!gtk_widget_activate_action_variant (GTK_WIDGET (win), "mail.move-to", g_variant_new_int64 (target_id)))
    g_error ("mail.move-to could not be activated");
  while (marks.painted == 0 || !poller_done (poller))
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () - marks.activated > 600 * G_USEC_PER_SEC)
        g_error ("not done in 10 minutes: rows %s, painted %s, server INBOX %u, " TARGET " %u",
                 marks.gone ? "gone" : "shown", marks.painted ? "yes" : "no", poller->inbox, poller->target);
    }
  measuring = FALSE;
  perf_stop (perf);
  r.main_cpu = (thread_cpu_time () - cpu0) / 1e3;
  r.process_cpu = (process_cpu_time () - process_cpu0) / 1e3;
  g_source_remove (tick);
  r.stalls = summarize_gaps ();
  r.load = loadavg ();
  r.gone = (marks.gone - marks.activated) / 1e3;
  r.visible = (marks.painted - marks.activated) / 1e3;
  r.main_cpu_visible = (marks.main_cpu_at_painted - cpu0) / 1e3;
  r.server = (poller->seen - marks.activated) / 1e3;
  /* The rest of the replay (its local side), for the next round's quiet. */
  wait_until (all_idle, NULL, 600, "the replay's end");
  r.replay_start = marks.syncing ? (marks.syncing - marks.activated) / 1e3 : -1;
  r.replay_end = marks.idle ? (marks.idle - marks.activated) / 1e3 : -1;
  r.activated = marks.activated;
  r.move_sent_cpu = marks.move_sent_cpu ? (marks.move_sent_cpu - process_cpu0) / 1e3 : -1;
  r.done_sent = marks.done_sent ? (marks.done_sent - marks.activated) / 1e3 : -1;
  r.move_sent = marks.move_sent ? (marks.move_sent - marks.activated) / 1e3 : -1;
  r.move_ok = marks.move_ok ? (marks.move_ok - marks.activated) / 1e3 : -1;
  g_signal_handler_disconnect (rows (), changed_id);
  g_signal_handler_disconnect (clock, paint_id);
  g_signal_handler_disconnect (account, state_id);
  poller_free (poller);
  if (g_list_model_get_n_items (rows ()) != 0)
    g_error ("the INBOX shows %u rows after the move", g_list_model_get_n_items (rows ()));
  return r;
}

/* ---- the report ---------------------------------------------------------------------------- */

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
summary (const char *what, const double *values, guint n, const char *unit, const char *goal)
{
  g_autofree double *sorted = g_memdup2 (values, n * sizeof (double));

  qsort (sorted, n, sizeof (double), compare_double);
  printf ("%-52s median %9.1f %s  range %9.1f .. %9.1f  (%u rounds)%s%s\n", what, sorted[n / 2], unit, sorted[0],
          sorted[n - 1], n, goal != NULL ? "  goal " : "", goal != NULL ? goal : "");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr(GPtrArray) tern_users = g_ptr_array_new ();
  g_autoptr(GPtrArray) bare_users = g_ptr_array_new ();
  guint rounds;
  gboolean bare_part = FALSE;
  double *visible, *gone, *server, *bare_total, *bare_command, *bare_polled, *ratio, *ratio_command;
  double *stall_max, *stall_p99, *stall_cpu_max, *stall_own_max, *main_cpu_visible, *process_cpu;

  if (argc < 4)
    {
      g_printerr ("usage: bench-move ROUNDS TERN_USER... -- BARE_USER...   (run by bench-move.sh)\n");
      return 2;
    }
  rounds = (guint) atoi (argv[1]);
  for (int i = 2; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        bare_part = TRUE;
      else
        g_ptr_array_add (bare_part ? bare_users : tern_users, argv[i]);
    }
  if (rounds == 0 || tern_users->len < rounds || bare_users->len < rounds)
    g_error ("%u rounds need %u Tern users and %u bare users", rounds, rounds, rounds);

  tracing = g_strcmp0 (g_getenv ("TERN_BENCH_TRACE"), "1") == 0;
  if (tracing)
    {
      g_setenv ("G_MESSAGES_DEBUG", "TernImap.Net", TRUE);
      g_log_set_handler ("TernImap.Net", G_LOG_LEVEL_DEBUG, trace_cb, NULL);
    }
  gtk_init ();
  adw_init ();
  tern_engine_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  gaps = g_array_new (FALSE, FALSE, sizeof (Gap));
  schedstat_fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);   /* the main thread's */
  real_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  /* One row a message (not conversations): the 10,000 rows are the 10,000 messages. */
  g_settings_set_boolean (tern_ui_application_get_settings (app), "conversations", FALSE);
  g_settings_set_double (tern_ui_application_get_settings (app), "mark-read-delay", -1);
  g_settings_set_boolean (tern_ui_application_get_settings (app), "notifications", FALSE);
  win = tern_ui_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 700);
  gtk_window_present (GTK_WINDOW (win));
  wait_until (mail_loaded, NULL, 60, "TernMail");
  /* The accounts start their syncs (IDLE on each INBOX): let them settle. */
  settle (2000);
  wait_until (all_idle, NULL, 600, "the accounts to be idle");

  store_path = g_build_filename (g_get_user_data_dir (), "tern", "store.db", NULL);
  db = tern_store_db_open (store_path, &error);
  if (db == NULL)
    g_error ("%s: %s", store_path, error->message);

  visible = g_new0 (double, rounds);
  gone = g_new0 (double, rounds);
  server = g_new0 (double, rounds);
  bare_total = g_new0 (double, rounds);
  bare_command = g_new0 (double, rounds);
  bare_polled = g_new0 (double, rounds);
  ratio = g_new0 (double, rounds);
  ratio_command = g_new0 (double, rounds);
  stall_max = g_new0 (double, rounds);
  stall_p99 = g_new0 (double, rounds);
  stall_cpu_max = g_new0 (double, rounds);
  stall_own_max = g_new0 (double, rounds);
  main_cpu_visible = g_new0 (double, rounds);
  process_cpu = g_new0 (double, rounds);
  printf ("bench-move: %u messages, %u round(s)%s\n", N_MESSAGES, rounds,
          tracing ? "; TRACED (the transcript costs time: not the benchmark's figures)" : "");
  fflush (stdout);

  for (guint i = 0; i < rounds; i++)
    {
      BareResult b = run_bare (g_ptr_array_index (bare_users, i));
      TernResult t;

      printf ("round %u bare UID MOVE (%s): connect..OK %.1f ms (the command alone %.1f ms; seen by the poll "
              "%.1f ms); process CPU %.1f ms  [load %s]\n",
              i + 1, (char *) g_ptr_array_index (bare_users, i), b.total, b.command, b.polled, b.process_cpu,
              b.load);
      fflush (stdout);
      settle (2000);
      t = run_tern (db, g_ptr_array_index (tern_users, i), i + 1);
      printf ("round %u tern (%s): rows gone from the list model %.1f ms; visible (next frame painted) %.1f ms "
              "(main thread CPU %.1f ms)  [load %s]\n",
              i + 1, (char *) g_ptr_array_index (tern_users, i), t.gone, t.visible, t.main_cpu_visible, t.load);
      printf ("round %u tern: on the server (polled every %d ms) %.1f ms = %.2f x bare connect..OK, %.2f x the bare "
              "command alone; process CPU %.1f ms, main thread CPU %.1f ms  [load %s]\n",
              i + 1, POLL_MS, t.server, t.server / b.total, t.server / b.command, t.process_cpu, t.main_cpu, t.load);
      printf ("round %u tern: activated at %.6f s (CLOCK_MONOTONIC); the account's replay run from %.1f to %.1f ms",
              i + 1, t.activated / 1e6, t.replay_start, t.replay_end);
      if (tracing)
        printf ("; IDLE ended (DONE) at %.1f ms, its UID MOVE sent at %.1f ms (the process's CPU until then "
                "%.1f ms), OK at %.1f ms (the command %.1f ms)", t.done_sent, t.move_sent, t.move_sent_cpu, t.move_ok,
                t.move_ok - t.move_sent);
      printf ("\n");
      printf ("round %u tern: main loop until the server had them (1 ms timer, %u ticks): longest gap %.1f ms "
              "(main-thread CPU %.1f ms, waiting for a CPU %.1f ms), p99 %.1f, median %.2f ms; "
              "less the waits for a CPU: max %.1f, p99 %.1f ms; CPU per gap max %.1f, p99 %.1f ms; "
              "longest dispatch %.1f ms (CPU %.1f, waiting for a CPU %.1f)  [load %s]\n",
              i + 1, t.stalls.ticks, t.stalls.max, t.stalls.cpu_of_longest, t.stalls.wait_of_longest, t.stalls.p99,
              t.stalls.p50, t.stalls.own_max, t.stalls.own_p99, t.stalls.cpu_max, t.stalls.cpu_p99,
              t.stalls.dispatch, t.stalls.dispatch_cpu, t.stalls.dispatch_wait, t.load);
      {
        g_autofree char *label = g_strdup_printf ("round %u tern: gaps (ms: count), on the clock:         ", i + 1);

        print_hist (label, t.stalls.hist);
        g_free (label);
        label = g_strdup_printf ("round %u tern: gaps less the waits for a CPU:         ", i + 1);
        print_hist (label, t.stalls.own_hist);
        g_free (label);
        label = g_strdup_printf ("round %u tern: the main thread's CPU time per gap:    ", i + 1);
        print_hist (label, t.stalls.cpu_hist);
      }
      fflush (stdout);

      visible[i] = t.visible;
      gone[i] = t.gone;
      server[i] = t.server;
      bare_total[i] = b.total;
      bare_command[i] = b.command;
      bare_polled[i] = b.polled;
      ratio[i] = t.server / b.total;
      ratio_command[i] = t.server / b.command;
      stall_max[i] = t.stalls.max;
      stall_p99[i] = t.stalls.p99;
      stall_cpu_max[i] = t.stalls.cpu_max;
      stall_own_max[i] = t.stalls.own_max;
      main_cpu_visible[i] = t.main_cpu_visible;
      process_cpu[i] = t.process_cpu;
      g_free (b.load);
      g_free (t.load);
      settle (2000);
    }

  printf ("summary:\n");
  summary ("visible: rows gone and the next frame painted", visible, rounds, "ms", "< 200 ms");
  summary ("  rows gone from the list model", gone, rounds, "ms", NULL);
  summary ("  the main thread's CPU until painted", main_cpu_visible, rounds, "ms", NULL);
  summary ("on the server (polled)", server, rounds, "ms", NULL);
  summary ("bare UID MOVE: connect, login, select, move, OK", bare_total, rounds, "ms", NULL);
  summary ("bare UID MOVE: the command alone", bare_command, rounds, "ms", NULL);
  summary ("bare UID MOVE: seen by the poll", bare_polled, rounds, "ms", NULL);
  summary ("ratio: tern on the server / bare connect..OK", ratio, rounds, "x", "<= 1.5");
  summary ("ratio: tern on the server / the bare command", ratio_command, rounds, "x", NULL);
  summary ("main loop: longest gap (wall)", stall_max, rounds, "ms", "< 50 ms");
  summary ("main loop: p99 gap (wall)", stall_p99, rounds, "ms", NULL);
  summary ("main loop: longest gap less its waits for a CPU", stall_own_max, rounds, "ms", NULL);
  summary ("main loop: most main-thread CPU in one gap", stall_cpu_max, rounds, "ms", NULL);
  summary ("tern process CPU until the server had them", process_cpu, rounds, "ms", NULL);
  {
    g_autofree char *load = loadavg ();

    printf ("load average at the end %s (2 cores)\n", load);
  }
  fflush (stdout);
  tern_mail_stop (tern_ui_application_get_mail (app));
  gtk_window_destroy (GTK_WINDOW (win));
  return 0;
}
