/* tern-autoconfig.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-autoconfig-private.h"
#include "tern-autoconfig-result-private.h"
#include "tern-net-error.h"

/*
 * TernAutoconfig finds the servers of an address. The sources, in order; the first that
 * finds an incoming (IMAP or POP3) server wins, and every step tried is recorded:
 *
 *  1. the provider database shipped with Tern, by the address's domain;
 *  2. RFC 6186 SRV records (_imaps, _imap, _pop3s, _pop3, _submissions, _submission),
 *     implicit TLS first (RFC 8314); a target of "." means "not offered"; the targets are
 *     probed, so only servers that answer are offered;
 *  3. the domain's MX hosts, each with its parent domains, in the provider database
 *     (a domain hosted by a large provider);
 *  4. guessing: imap., pop., pop3., mail., smtp. and the bare domain on the standard
 *     ports, all probed at once.
 *
 * The SRV and MX lookups go out together. Probes never send credentials (TernProbe).
 * With %TERN_AUTOCONFIG_FLAGS_OFFLINE only the first source is used: no DNS query and no
 * connection at all.
 *
 * Time: the DNS stage ends after 3 s whatever is missing, each probe has 4 s to connect
 * and 4 s per read, and the whole detection ends at 10 s (TERN_AUTOCONFIG_TIMEOUT_MS)
 * with what it has. A probe stage also ends early once, for every protocol, the best
 * possible answer is in (the first candidate with a trusted certificate), and the probes
 * still running are cancelled.
 *
 * Threads and contexts: call tern_autoconfig_detect_async() from a thread with a running
 * thread-default main context; the callback and every ::progress emission happen there.
 * Only TernProbe's worker threads block.
 *
 * Name resolution: the SRV and MX lookups use tern_autoconfig_set_resolver()'s resolver;
 * the host names of probed servers are resolved by the connection layer, which uses
 * g_resolver_get_default() (a test that fakes DNS sets its resolver as the default too).
 */

#define DEFAULT_DNS_TIMEOUT_MS 3000
#define DEFAULT_PROBE_TIMEOUT  4

struct _TernAutoconfig
{
  GObject          parent_instance;

  GResolver       *resolver;
  TernProviderDb  *db;
  GHashTable      *port_overrides;     /* GUINT_TO_POINTER (standard) -> GUINT_TO_POINTER (actual) */
  guint            total_ms;
  guint            dns_ms;
  guint            probe_seconds;
};

G_DEFINE_FINAL_TYPE (TernAutoconfig, tern_autoconfig, G_TYPE_OBJECT)

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The SRV services of RFC 6186 and RFC 8314, in order of preference per protocol. */
static const struct
{
  const char             *service;
  TernAutoconfigProtocol  protocol;
  TernNetSecurity         security;
} srv_services[] = {
  { "imaps", TERN_AUTOCONFIG_PROTOCOL_IMAP, TERN_NET_SECURITY_TLS },
  { "imap", TERN_AUTOCONFIG_PROTOCOL_IMAP, TERN_NET_SECURITY_STARTTLS },
  { "pop3s", TERN_AUTOCONFIG_PROTOCOL_POP3, TERN_NET_SECURITY_TLS },
  { "pop3", TERN_AUTOCONFIG_PROTOCOL_POP3, TERN_NET_SECURITY_STARTTLS },
  { "submissions", TERN_AUTOCONFIG_PROTOCOL_SMTP, TERN_NET_SECURITY_TLS },
  { "submission", TERN_AUTOCONFIG_PROTOCOL_SMTP, TERN_NET_SECURITY_STARTTLS },
};
#define N_SRV G_N_ELEMENTS (srv_services)

/* What guessing tries, in order of preference per protocol: every host on the implicit
 * TLS port first, then on the STARTTLS ports. */
static const char * const imap_prefixes[] = { "imap.", "mail.", "", NULL };
static const char * const pop3_prefixes[] = { "pop.", "pop3.", "mail.", "", NULL };
static const char * const smtp_prefixes[] = { "smtp.", "mail.", "", NULL };
static const struct
{
  TernAutoconfigProtocol   protocol;
  const char * const      *prefixes;
  guint16                  port;
  TernNetSecurity          security;
} guesses[] = {
  { TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_prefixes, 993, TERN_NET_SECURITY_TLS },
  { TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_prefixes, 143, TERN_NET_SECURITY_STARTTLS },
  { TERN_AUTOCONFIG_PROTOCOL_POP3, pop3_prefixes, 995, TERN_NET_SECURITY_TLS },
  { TERN_AUTOCONFIG_PROTOCOL_POP3, pop3_prefixes, 110, TERN_NET_SECURITY_STARTTLS },
  { TERN_AUTOCONFIG_PROTOCOL_SMTP, smtp_prefixes, 465, TERN_NET_SECURITY_TLS },
  { TERN_AUTOCONFIG_PROTOCOL_SMTP, smtp_prefixes, 587, TERN_NET_SECURITY_STARTTLS },
  { TERN_AUTOCONFIG_PROTOCOL_SMTP, smtp_prefixes, 25, TERN_NET_SECURITY_STARTTLS },
};

/* How good a probed server is: the lower the better. */
typedef enum
{
  RANK_TRUSTED,          /* the requested security, a certificate that validates */
  RANK_UNTRUSTED,        /* the requested security, a certificate that does not */
  RANK_PLAIN,            /* STARTTLS was requested and is not offered: no encryption */
  RANK_UNUSABLE,
} Rank;

typedef struct
{
  TernAutoconfigProtocol     protocol;
  char                      *host;
  guint16                    port;
  TernNetSecurity            security;
  char                      *label;        /* "_imaps._tcp.example.com" for SRV, or NULL */
  guint                      order;
  TernProbe                 *probe;
  gboolean                   pending;
  Rank                       rank;
  TernAutoconfigStepOutcome  outcome;
  char                      *step_text;
} Candidate;

typedef enum
{
  STAGE_START,
  STAGE_DNS,
  STAGE_SRV_PROBES,
  STAGE_GUESS_PROBES,
  STAGE_DONE,
} Stage;

typedef struct
{
  GList  *records;          /* GVariant* (qqqs) */
  GError *error;
} SrvAnswer;

typedef struct
{
  char                  *address;
  char                  *domain;
  TernAutoconfigFlags    flags;
  TernAutoconfigResult  *result;

  GCancellable          *user_cancellable;
  gulong                 user_cancel_id;
  GCancellable          *op_cancellable;     /* the user's cancel and the deadline */
  GCancellable          *stage_cancellable;  /* the above, a stage timer, settling */
  gulong                 stage_link_id;
  GSource               *deadline;
  GSource               *stage_timer;
  gboolean               deadline_passed;
  gboolean               settled;

  Stage                  stage;
  guint                  pending;
  SrvAnswer              srv[N_SRV];
  GList                 *mx;                 /* GVariant* (qs) */
  GError                *mx_error;
  GPtrArray             *candidates;         /* Candidate* */
  TernAutoconfigSource   probe_source;
} Detect;

static void
candidate_free (Candidate *c)
{
  g_free (c->host);
  g_free (c->label);
  g_free (c->step_text);
  g_clear_object (&c->probe);
  g_free (c);
}

static void
cancel_cb (GCancellable *cancellable,
           gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
stage_end (Detect *d)
{
  if (d->stage_timer != NULL)
    {
      g_source_destroy (d->stage_timer);
      g_clear_pointer (&d->stage_timer, g_source_unref);
    }
  if (d->stage_cancellable != NULL)
    {
      g_cancellable_disconnect (d->op_cancellable, d->stage_link_id);
      d->stage_link_id = 0;
      g_cancellable_cancel (d->stage_cancellable);
      g_clear_object (&d->stage_cancellable);
    }
}

static void
detect_free (Detect *d)
{
  stage_end (d);
  if (d->user_cancel_id != 0)
    g_cancellable_disconnect (d->user_cancellable, d->user_cancel_id);
  if (d->deadline != NULL)
    {
      g_source_destroy (d->deadline);
      g_source_unref (d->deadline);
    }
  g_clear_object (&d->user_cancellable);
  g_clear_object (&d->op_cancellable);
  g_free (d->address);
  g_free (d->domain);
  g_clear_object (&d->result);
  for (guint i = 0; i < N_SRV; i++)
    {
      g_list_free_full (d->srv[i].records, (GDestroyNotify) g_variant_unref);
      g_clear_error (&d->srv[i].error);
    }
  g_list_free_full (d->mx, (GDestroyNotify) g_variant_unref);
  g_clear_error (&d->mx_error);
  g_clear_pointer (&d->candidates, g_ptr_array_unref);
  g_free (d);
}

static void
emit_progress (GTask      *task,
               const char *text)
{
  g_signal_emit (g_task_get_source_object (task), signals[PROGRESS], 0, text);
}

G_GNUC_PRINTF (4, 5)
static void
add_step (GTask                     *task,
          TernAutoconfigSource       source,
          TernAutoconfigStepOutcome  outcome,
          const char                *format,
          ...)
{
  Detect *d = g_task_get_task_data (task);
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  _tern_autoconfig_result_add_step (d->result, source, outcome, text);
  emit_progress (task, text);
}

static const char *
security_label (TernNetSecurity security)
{
  switch (security)
    {
    case TERN_NET_SECURITY_TLS:
      return _("TLS");
    case TERN_NET_SECURITY_STARTTLS:
      return _("STARTTLS");
    case TERN_NET_SECURITY_NONE:
    default:
      return _("no encryption");
    }
}

static const char *
protocol_label (TernAutoconfigProtocol protocol)
{
  switch (protocol)
    {
    case TERN_AUTOCONFIG_PROTOCOL_IMAP:
      return "IMAP";
    case TERN_AUTOCONFIG_PROTOCOL_POP3:
      return "POP3";
    case TERN_AUTOCONFIG_PROTOCOL_SMTP:
    default:
      return "SMTP";
    }
}

static void
finish (GTask  *task,
        GError *error)
{
  Detect *d = g_task_get_task_data (task);

  if (d->stage == STAGE_DONE)
    return;
  d->stage = STAGE_DONE;
  stage_end (d);
  if (d->deadline != NULL)
    g_source_destroy (d->deadline);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (d->result), g_object_unref);
}

static void
finish_not_found (GTask *task)
{
  Detect *d = g_task_get_task_data (task);

  if (d->flags & TERN_AUTOCONFIG_FLAGS_OFFLINE)
    finish (task, g_error_new (TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_NOT_FOUND,
                               _("%s is not in Tern’s provider database (and DNS and probes were not "
                                 "tried: offline)"), d->domain));
  else if (d->deadline_passed)
    finish (task, g_error_new (TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_NOT_FOUND,
                               _("No mail server was found for %s within %u seconds"),
                               d->domain, TERN_AUTOCONFIG (g_task_get_source_object (task))->total_ms / 1000));
  else
    finish (task, g_error_new (TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_NOT_FOUND,
                               _("No mail server was found for %s: it is not in Tern’s provider database, "
                                 "has no SRV records for mail, and no usual server name answers"),
                               d->domain));
}

/* The caller cancelled: nothing more is tried. */
static gboolean
finish_if_cancelled (GTask *task)
{
  Detect *d = g_task_get_task_data (task);

  if (!g_cancellable_is_cancelled (d->user_cancellable))
    return FALSE;

  finish (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled")));
  return TRUE;
}

/* A stage cancellable: cancelled with the operation, by the stage timer (if any) and
 * when the stage ends. */
static void
stage_begin (GTask       *task,
             Stage        stage,
             guint        timeout_ms,
             GSourceFunc  timeout_cb)
{
  Detect *d = g_task_get_task_data (task);

  stage_end (d);
  d->stage = stage;
  d->settled = FALSE;
  d->pending = 0;
  d->stage_cancellable = g_cancellable_new ();
  d->stage_link_id = g_cancellable_connect (d->op_cancellable, G_CALLBACK (cancel_cb),
                                            g_object_ref (d->stage_cancellable), g_object_unref);
  if (timeout_ms > 0)
    {
      d->stage_timer = g_timeout_source_new (timeout_ms);
      g_task_attach_source (task, d->stage_timer, timeout_cb);
    }
}

/* ---- the provider database -------------------------------------------------------- */

/* Adds the provider's servers for the address to the result; TRUE if one is incoming. */
static gboolean
use_provider (GTask                *task,
              TernAutoconfigSource  source,
              const char           *lookup_domain)
{
  TernAutoconfig *self = g_task_get_source_object (task);
  Detect *d = g_task_get_task_data (task);
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autofree char *name = NULL;

  servers = tern_provider_db_lookup (self->db, lookup_domain, d->address, &name, &notes);
  if (servers == NULL)
    return FALSE;

  for (guint i = 0; i < notes->len; i++)
    add_step (task, source, TERN_AUTOCONFIG_STEP_FAILED, "%s", (const char *) notes->pdata[i]);

  _tern_autoconfig_result_clear_servers (d->result);
  for (guint i = 0; i < servers->len; i++)
    _tern_autoconfig_result_add_server (d->result, tern_autoconfig_server_copy (servers->pdata[i]));
  _tern_autoconfig_result_sort_by_security (d->result);

  if (_tern_autoconfig_result_is_empty (d->result))
    {
      add_step (task, source, TERN_AUTOCONFIG_STEP_NOTHING,
                _("The provider database lists %s (%s), but without a usable incoming server"),
                lookup_domain, name);
      _tern_autoconfig_result_clear_servers (d->result);
      return FALSE;
    }

  _tern_autoconfig_result_set_source (d->result, source, name);
  return TRUE;
}

/* ---- probes ------------------------------------------------------------------------ */

static void start_guessing (GTask *task);
static void after_srv (GTask *task);

static gboolean
rank_better (const Candidate *a,
             const Candidate *b)
{
  return a->rank < b->rank || (a->rank == b->rank && a->order < b->order);
}

/* Could any probe still running beat what @protocol has? */
static gboolean
protocol_settled (Detect                 *d,
                  TernAutoconfigProtocol  protocol)
{
  const Candidate *best = NULL;

  for (guint i = 0; i < d->candidates->len; i++)
    {
      const Candidate *c = d->candidates->pdata[i];

      if (c->protocol == protocol && !c->pending && c->rank != RANK_UNUSABLE &&
          (best == NULL || rank_better (c, best)))
        best = c;
    }

  for (guint i = 0; i < d->candidates->len; i++)
    {
      const Candidate *c = d->candidates->pdata[i];

      if (c->protocol != protocol || !c->pending)
        continue;
      /* at best it would be trusted */
      if (best == NULL || best->rank > RANK_TRUSTED || c->order < best->order)
        return FALSE;
    }

  return TRUE;
}

static void
probes_done (GTask *task)
{
  Detect *d = g_task_get_task_data (task);
  g_autoptr(GPtrArray) ranked = NULL;
  TernAutoconfigSource source = d->probe_source;

  stage_end (d);
  if (finish_if_cancelled (task))
    return;

  for (guint i = 0; i < d->candidates->len; i++)
    {
      Candidate *c = d->candidates->pdata[i];

      _tern_autoconfig_result_add_step (d->result, source, c->outcome, c->step_text);
    }

  ranked = g_ptr_array_sized_new (d->candidates->len);
  for (guint i = 0; i < d->candidates->len; i++)
    g_ptr_array_add (ranked, d->candidates->pdata[i]);
  for (guint i = 1; i < ranked->len; i++)   /* insertion sort: few, and stable */
    {
      for (guint j = i; j > 0 && rank_better (ranked->pdata[j], ranked->pdata[j - 1]); j--)
        {
          gpointer tmp = ranked->pdata[j];

          ranked->pdata[j] = ranked->pdata[j - 1];
          ranked->pdata[j - 1] = tmp;
        }
    }

  _tern_autoconfig_result_clear_servers (d->result);
  for (guint i = 0; i < ranked->len; i++)
    {
      Candidate *c = ranked->pdata[i];
      TernAutoconfigServer *server;

      if (c->rank == RANK_UNUSABLE)
        continue;

      server = tern_autoconfig_server_new (c->protocol, c->host, c->port,
                                           c->rank == RANK_PLAIN ? TERN_NET_SECURITY_NONE : c->security,
                                           d->address);
      server->auth = tern_probe_get_auth (c->probe);
      server->mechanisms = g_strdupv ((char **) tern_probe_get_mechanisms (c->probe));
      if (tern_probe_get_untrusted_certificate (c->probe) != NULL)
        {
          server->certificate = g_object_ref (tern_probe_get_untrusted_certificate (c->probe));
          server->certificate_errors = tern_probe_get_certificate_errors (c->probe);
        }
      _tern_autoconfig_result_add_server (d->result, server);
    }

  if (!_tern_autoconfig_result_is_empty (d->result))
    {
      _tern_autoconfig_result_set_source (d->result, source, NULL);
      finish (task, NULL);
      return;
    }

  _tern_autoconfig_result_clear_servers (d->result);
  if (d->stage == STAGE_DONE)
    return;
  if (source == TERN_AUTOCONFIG_SOURCE_SRV)
    after_srv (task);
  else
    finish_not_found (task);
}

static char *
describe_candidate (const Candidate *c)
{
  return g_strdup_printf ("%s %s:%u (%s)", protocol_label (c->protocol), c->host, c->port,
                          security_label (c->security));
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Detect *d = g_task_get_task_data (task);
  TernProbe *probe = TERN_PROBE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  Candidate *c = NULL;

  for (guint i = 0; i < d->candidates->len && c == NULL; i++)
    {
      if (((Candidate *) d->candidates->pdata[i])->probe == probe)
        c = d->candidates->pdata[i];
    }
  g_assert (c != NULL);

  c->pending = FALSE;
  what = describe_candidate (c);

  if (tern_probe_run_finish (probe, result, &error))
    {
      GTlsCertificate *untrusted = tern_probe_get_untrusted_certificate (probe);

      c->rank = untrusted != NULL ? RANK_UNTRUSTED : RANK_TRUSTED;
      c->outcome = TERN_AUTOCONFIG_STEP_FOUND;
      if (untrusted != NULL)
        {
          g_autofree char *reasons = tern_net_describe_certificate_errors (tern_probe_get_certificate_errors (probe));

          c->step_text = g_strdup_printf (_("%s answers, but its certificate is not trusted: %s"), what, reasons);
        }
      else
        {
          c->step_text = g_strdup_printf (_("%s answers"), what);
        }
    }
  else if (tern_probe_get_reached (probe) &&
           g_error_matches (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE))
    {
      c->rank = RANK_PLAIN;
      c->outcome = TERN_AUTOCONFIG_STEP_FOUND;
      c->step_text = g_strdup_printf (_("%s answers, but without STARTTLS: only an unencrypted connection is possible"),
                                      what);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      c->rank = RANK_UNUSABLE;
      if (d->settled)
        {
          c->outcome = TERN_AUTOCONFIG_STEP_SKIPPED;
          c->step_text = g_strdup_printf (_("%s: stopped, a preferred server had answered"), what);
        }
      else
        {
          c->outcome = TERN_AUTOCONFIG_STEP_FAILED;
          c->step_text = g_strdup_printf (_("%s: no answer in time"), what);
        }
    }
  else
    {
      c->rank = RANK_UNUSABLE;
      c->outcome = TERN_AUTOCONFIG_STEP_FAILED;
      c->step_text = g_strdup_printf ("%s: %s", what, error->message);
    }

  if (c->outcome != TERN_AUTOCONFIG_STEP_SKIPPED)
    emit_progress (task, c->step_text);

  if (!d->settled &&
      protocol_settled (d, TERN_AUTOCONFIG_PROTOCOL_IMAP) &&
      protocol_settled (d, TERN_AUTOCONFIG_PROTOCOL_POP3) &&
      protocol_settled (d, TERN_AUTOCONFIG_PROTOCOL_SMTP))
    {
      d->settled = TRUE;
      g_cancellable_cancel (d->stage_cancellable);
    }

  if (--d->pending == 0)
    probes_done (task);
}

static void
add_candidate (Detect                 *d,
               TernAutoconfigProtocol  protocol,
               const char             *host,
               guint16                 port,
               TernNetSecurity         security,
               const char             *label)
{
  Candidate *c = g_new0 (Candidate, 1);

  c->protocol = protocol;
  c->host = g_strdup (host);
  c->port = port;
  c->security = security;
  c->label = g_strdup (label);
  c->order = d->candidates->len;
  c->rank = RANK_UNUSABLE;
  g_ptr_array_add (d->candidates, c);
}

static void
start_probes (GTask                *task,
              Stage                 stage,
              TernAutoconfigSource  source)
{
  TernAutoconfig *self = g_task_get_source_object (task);
  Detect *d = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  stage_begin (task, stage, 0, NULL);
  d->probe_source = source;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Trying %u server…", "Trying %u servers at once…",
                                       d->candidates->len),
                          d->candidates->len);
  emit_progress (task, text);

  for (guint i = 0; i < d->candidates->len; i++)
    {
      Candidate *c = d->candidates->pdata[i];

      c->probe = tern_probe_new (c->protocol, c->host, c->port, c->security);
      tern_probe_set_timeouts (c->probe, self->probe_seconds, self->probe_seconds);
      c->pending = TRUE;
      d->pending++;
    }

  /* Started after all are counted: a probe could otherwise finish the stage early. */
  for (guint i = 0; i < d->candidates->len; i++)
    {
      Candidate *c = d->candidates->pdata[i];

      tern_probe_run_async (c->probe, d->stage_cancellable, probe_cb, g_object_ref (task));
    }
}

/* ---- guessing --------------------------------------------------------------------- */

static guint16
actual_port (TernAutoconfig *self,
             guint16         port)
{
  gpointer actual;

  if (self->port_overrides != NULL &&
      g_hash_table_lookup_extended (self->port_overrides, GUINT_TO_POINTER (port), NULL, &actual))
    return GPOINTER_TO_UINT (actual);

  return port;
}

static void
start_guessing (GTask *task)
{
  TernAutoconfig *self = g_task_get_source_object (task);
  Detect *d = g_task_get_task_data (task);

  if (d->deadline_passed || g_cancellable_is_cancelled (d->op_cancellable))
    {
      add_step (task, TERN_AUTOCONFIG_SOURCE_GUESS, TERN_AUTOCONFIG_STEP_SKIPPED,
                _("Guessing the server names: skipped, the time is up"));
      finish_not_found (task);
      return;
    }

  g_clear_pointer (&d->candidates, g_ptr_array_unref);
  d->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);

  for (guint g = 0; g < G_N_ELEMENTS (guesses); g++)
    {
      for (guint p = 0; guesses[g].prefixes[p] != NULL; p++)
        {
          g_autofree char *host = g_strconcat (guesses[g].prefixes[p], d->domain, NULL);

          add_candidate (d, guesses[g].protocol, host, actual_port (self, guesses[g].port),
                         guesses[g].security, NULL);
        }
    }

  emit_progress (task, _("Guessing the server names"));
  start_probes (task, STAGE_GUESS_PROBES, TERN_AUTOCONFIG_SOURCE_GUESS);
}

/* ---- MX ------------------------------------------------------------------------------ */

static int
compare_mx (gconstpointer a,
            gconstpointer b)
{
  guint16 pa, pb;

  g_variant_get ((GVariant *) a, "(q&s)", &pa, NULL);
  g_variant_get ((GVariant *) b, "(q&s)", &pb, NULL);
  return (int) pa - (int) pb;
}

static char *
normalize_host (const char *host)
{
  g_autofree char *lower = g_ascii_strdown (host, -1);
  gsize len = strlen (lower);

  if (len > 0 && lower[len - 1] == '.')
    lower[len - 1] = '\0';
  return g_steal_pointer (&lower);
}

/* The MX hosts and their parent domains (down to two labels) in the provider database. */
static gboolean
try_mx (GTask *task)
{
  TernAutoconfig *self = g_task_get_source_object (task);
  Detect *d = g_task_get_task_data (task);

  if (d->mx_error != NULL)
    {
      if (g_error_matches (d->mx_error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        add_step (task, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_NOTHING,
                  _("MX of %s: none"), d->domain);
      else if (g_error_matches (d->mx_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        add_step (task, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_FAILED,
                  _("MX of %s: no answer in time"), d->domain);
      else
        add_step (task, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_FAILED,
                  _("MX of %s: %s"), d->domain, d->mx_error->message);
      return FALSE;
    }

  d->mx = g_list_sort (d->mx, compare_mx);
  for (GList *l = d->mx; l != NULL; l = l->next)
    {
      const char *exchange = NULL;
      g_autofree char *host = NULL;

      g_variant_get (l->data, "(q&s)", NULL, &exchange);
      host = normalize_host (exchange);

      if (host[0] == '\0')
        {
          /* RFC 7505: the domain accepts no mail at all. */
          add_step (task, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_NOTHING,
                    _("MX of %s: “.”, the domain receives no mail"), d->domain);
          continue;
        }

      for (const char *name = host; name != NULL; )
        {
          const char *dot = strchr (name, '.');

          if (dot == NULL)
            break;   /* a top-level domain alone is nobody's provider */

          if (tern_provider_db_contains (self->db, name) &&
              use_provider (task, TERN_AUTOCONFIG_SOURCE_MX, name))
            {
              add_step (task, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_FOUND,
                        _("MX of %s: %s, which the provider database knows as %s (by %s)"),
                        d->domain, host, tern_autoconfig_result_get_provider_name (d->result), name);
              return TRUE;
            }
          name = dot + 1;
        }

      add_step (task, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_NOTHING,
                _("MX of %s: %s, not in the provider database"), d->domain, host);
    }

  return FALSE;
}

static void
after_srv (GTask *task)
{
  if (try_mx (task))
    {
      finish (task, NULL);
      return;
    }

  start_guessing (task);
}

/* ---- SRV ------------------------------------------------------------------------------ */

static int
compare_srv (gconstpointer a,
             gconstpointer b)
{
  guint16 pa, wa, pb, wb;

  g_variant_get ((GVariant *) a, "(qqq&s)", &pa, &wa, NULL, NULL);
  g_variant_get ((GVariant *) b, "(qqq&s)", &pb, &wb, NULL, NULL);
  if (pa != pb)
    return (int) pa - (int) pb;
  return (int) wb - (int) wa;   /* heavier first: deterministic, unlike RFC 2782's lottery */
}

static void
dns_done (GTask *task)
{
  Detect *d = g_task_get_task_data (task);

  stage_end (d);
  if (finish_if_cancelled (task))
    return;

  g_clear_pointer (&d->candidates, g_ptr_array_unref);
  d->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);

  for (guint i = 0; i < N_SRV; i++)
    {
      g_autofree char *rrname = g_strdup_printf ("_%s._tcp.%s", srv_services[i].service, d->domain);
      SrvAnswer *answer = &d->srv[i];

      if (answer->error != NULL)
        {
          if (g_error_matches (answer->error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
            add_step (task, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_NOTHING,
                      _("SRV %s: none"), rrname);
          else if (g_error_matches (answer->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            add_step (task, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_FAILED,
                      _("SRV %s: no answer in time"), rrname);
          else
            add_step (task, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_FAILED,
                      _("SRV %s: %s"), rrname, answer->error->message);
          continue;
        }

      answer->records = g_list_sort (answer->records, compare_srv);
      for (GList *l = answer->records; l != NULL; l = l->next)
        {
          const char *target = NULL;
          g_autofree char *host = NULL;
          guint16 port = 0;

          g_variant_get (l->data, "(qqq&s)", NULL, NULL, &port, &target);
          host = normalize_host (target);
          if (host[0] == '\0')
            {
              add_step (task, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_NOTHING,
                        _("SRV %s: “.”, not offered"), rrname);
              continue;
            }
          if (port == 0)
            {
              add_step (task, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_FAILED,
                        _("SRV %s: %s with port 0, ignored"), rrname, host);
              continue;
            }

          add_step (task, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_FOUND,
                    _("SRV %s: %s:%u"), rrname, host, port);
          add_candidate (d, srv_services[i].protocol, host, port, srv_services[i].security, rrname);
        }
    }

  if (d->candidates->len > 0 && !d->deadline_passed && !g_cancellable_is_cancelled (d->op_cancellable))
    {
      start_probes (task, STAGE_SRV_PROBES, TERN_AUTOCONFIG_SOURCE_SRV);
      return;
    }

  after_srv (task);
}

static gboolean
dns_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Detect *d = g_task_get_task_data (task);

  /* The lookups still out return at once, cancelled; dns_done() runs after the last. */
  g_clear_pointer (&d->stage_timer, g_source_unref);
  g_cancellable_cancel (d->stage_cancellable);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GTask *task;
  guint  index;
} SrvLookup;

static void
srv_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  SrvLookup *lookup = user_data;
  g_autoptr(GTask) task = lookup->task;
  Detect *d = g_task_get_task_data (task);
  SrvAnswer *answer = &d->srv[lookup->index];

  g_free (lookup);
  answer->records = g_resolver_lookup_records_finish (G_RESOLVER (object), result, &answer->error);
  if (answer->records == NULL && answer->error == NULL)
    answer->error = g_error_new_literal (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "");

  if (--d->pending == 0)
    dns_done (task);
}

static void
mx_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Detect *d = g_task_get_task_data (task);

  d->mx = g_resolver_lookup_records_finish (G_RESOLVER (object), result, &d->mx_error);
  if (d->mx == NULL && d->mx_error == NULL)
    d->mx_error = g_error_new_literal (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "");

  if (--d->pending == 0)
    dns_done (task);
}

static void
start_dns (GTask *task)
{
  TernAutoconfig *self = g_task_get_source_object (task);
  Detect *d = g_task_get_task_data (task);
  g_autoptr(GResolver) resolver = self->resolver != NULL ? g_object_ref (self->resolver)
                                                         : g_resolver_get_default ();

  stage_begin (task, STAGE_DNS, self->dns_ms, dns_timeout_cb);
  emit_progress (task, _("Looking up the SRV and MX records in DNS"));

  d->pending = N_SRV + 1;
  for (guint i = 0; i < N_SRV; i++)
    {
      g_autofree char *rrname = g_strdup_printf ("_%s._tcp.%s", srv_services[i].service, d->domain);
      SrvLookup *lookup = g_new0 (SrvLookup, 1);

      lookup->task = g_object_ref (task);
      lookup->index = i;
      g_resolver_lookup_records_async (resolver, rrname, G_RESOLVER_RECORD_SRV, d->stage_cancellable,
                                       srv_cb, lookup);
    }
  g_resolver_lookup_records_async (resolver, d->domain, G_RESOLVER_RECORD_MX, d->stage_cancellable,
                                   mx_cb, g_object_ref (task));
}

/* ---- the detection ------------------------------------------------------------------ */

static gboolean
deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  Detect *d = g_task_get_task_data (task);

  d->deadline_passed = TRUE;
  g_cancellable_cancel (d->op_cancellable);
  return G_SOURCE_REMOVE;
}

/**
 * tern_autoconfig_detect_async:
 * @address: the e-mail address
 * @flags: %TERN_AUTOCONFIG_FLAGS_OFFLINE for the provider database only
 *
 * Finds the servers of @address (see the top of tern-autoconfig.c for the order).
 * Emits #TernAutoconfig::progress as it goes, in the thread-default main context of
 * the caller, where @callback runs too. Ends within %TERN_AUTOCONFIG_TIMEOUT_MS.
 */
void
tern_autoconfig_detect_async (TernAutoconfig      *self,
                              const char          *address,
                              TernAutoconfigFlags  flags,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  Detect *d;

  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_autoconfig_detect_async);

  if (!tern_autoconfig_split_address (address, NULL, &domain, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  d = g_new0 (Detect, 1);
  d->address = g_strdup (address);
  d->domain = g_steal_pointer (&domain);
  d->flags = flags;
  d->result = _tern_autoconfig_result_new (d->address);
  d->op_cancellable = g_cancellable_new ();
  d->stage = STAGE_START;
  g_task_set_task_data (task, d, (GDestroyNotify) detect_free);

  if (cancellable != NULL)
    {
      d->user_cancellable = g_object_ref (cancellable);
      d->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_cb),
                                                 g_object_ref (d->op_cancellable), g_object_unref);
    }

  /* 1. the provider database */
  if (use_provider (task, TERN_AUTOCONFIG_SOURCE_ISPDB, d->domain))
    {
      add_step (task, TERN_AUTOCONFIG_SOURCE_ISPDB, TERN_AUTOCONFIG_STEP_FOUND,
                _("Provider database: %s is served by %s"), d->domain,
                tern_autoconfig_result_get_provider_name (d->result));
      finish (task, NULL);
      return;
    }
  add_step (task, TERN_AUTOCONFIG_SOURCE_ISPDB, TERN_AUTOCONFIG_STEP_NOTHING,
            _("Provider database: %s is not listed"), d->domain);

  if (flags & TERN_AUTOCONFIG_FLAGS_OFFLINE)
    {
      add_step (task, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_SKIPPED,
                _("DNS lookups and probes: skipped (offline)"));
      finish_not_found (task);
      return;
    }

  if (finish_if_cancelled (task))
    return;

  d->deadline = g_timeout_source_new (self->total_ms);
  g_task_attach_source (task, d->deadline, deadline_cb);

  /* 2. SRV, with the MX lookup for 3. */
  start_dns (task);
}

/**
 * tern_autoconfig_detect_finish:
 *
 * Returns: (transfer full): what was found, or %NULL with
 *   %TERN_AUTOCONFIG_ERROR_INVALID_ADDRESS, %TERN_AUTOCONFIG_ERROR_NOT_FOUND (no incoming
 *   server from any source; the steps were all emitted as ::progress) or
 *   %G_IO_ERROR_CANCELLED
 */
TernAutoconfigResult *
tern_autoconfig_detect_finish (TernAutoconfig  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_autoconfig_detect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the object ------------------------------------------------------------------- */

TernAutoconfig *
tern_autoconfig_new (void)
{
  return g_object_new (TERN_TYPE_AUTOCONFIG, NULL);
}

/**
 * tern_autoconfig_set_resolver:
 * @resolver: (nullable): the resolver for the SRV and MX lookups; %NULL: the default one
 */
void
tern_autoconfig_set_resolver (TernAutoconfig *self,
                              GResolver      *resolver)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  g_return_if_fail (resolver == NULL || G_IS_RESOLVER (resolver));

  g_set_object (&self->resolver, resolver);
}

/**
 * tern_autoconfig_get_resolver:
 *
 * Returns: (transfer none) (nullable): the resolver set with
 *   tern_autoconfig_set_resolver(), or %NULL: each detection then uses the default
 *   resolver of its time
 */
GResolver *
tern_autoconfig_get_resolver (TernAutoconfig *self)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG (self), NULL);

  return self->resolver;
}

/**
 * tern_autoconfig_set_provider_db:
 * @db: (nullable): the provider database to use; %NULL: the one shipped with Tern
 */
void
tern_autoconfig_set_provider_db (TernAutoconfig *self,
                                 TernProviderDb *db)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  g_return_if_fail (db == NULL || TERN_IS_PROVIDER_DB (db));

  if (db == NULL)
    db = tern_provider_db_get_default ();
  g_set_object (&self->db, db);
}

/**
 * tern_autoconfig_get_provider_db:
 *
 * Returns: (transfer none): the provider database in use
 */
TernProviderDb *
tern_autoconfig_get_provider_db (TernAutoconfig *self)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG (self), NULL);

  return self->db;
}

void
_tern_autoconfig_set_port_override (TernAutoconfig *self,
                                    guint16         standard_port,
                                    guint16         actual_port)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));

  if (self->port_overrides == NULL)
    self->port_overrides = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (self->port_overrides, GUINT_TO_POINTER (standard_port), GUINT_TO_POINTER (actual_port));
}

void
_tern_autoconfig_set_timeouts (TernAutoconfig *self,
                               guint           total_ms,
                               guint           dns_ms,
                               guint           probe_seconds)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));

  self->total_ms = total_ms > 0 ? total_ms : TERN_AUTOCONFIG_TIMEOUT_MS;
  self->dns_ms = dns_ms > 0 ? dns_ms : DEFAULT_DNS_TIMEOUT_MS;
  self->probe_seconds = probe_seconds > 0 ? probe_seconds : DEFAULT_PROBE_TIMEOUT;
}

static void
tern_autoconfig_finalize (GObject *object)
{
  TernAutoconfig *self = TERN_AUTOCONFIG (object);

  g_clear_object (&self->resolver);
  g_clear_object (&self->db);
  g_clear_pointer (&self->port_overrides, g_hash_table_unref);

  G_OBJECT_CLASS (tern_autoconfig_parent_class)->finalize (object);
}

static void
tern_autoconfig_class_init (TernAutoconfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_autoconfig_finalize;

  /**
   * TernAutoconfig::progress:
   * @text: what is being tried, or what came of it, in words
   *
   * Emitted in the main context of the detection's caller.
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tern_autoconfig_init (TernAutoconfig *self)
{
  self->db = g_object_ref (tern_provider_db_get_default ());
  self->total_ms = TERN_AUTOCONFIG_TIMEOUT_MS;
  self->dns_ms = DEFAULT_DNS_TIMEOUT_MS;
  self->probe_seconds = DEFAULT_PROBE_TIMEOUT;
}
