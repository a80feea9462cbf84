/* tern-probe.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-autoconfig-error.h"
#include "tern-net-error.h"
#include "tern-probe.h"

/*
 * TernProbe connects to one port, reads the greeting and the capabilities (IMAP
 * CAPABILITY, POP3 CAPA, SMTP EHLO), upgrades with STARTTLS when asked to and reads them
 * again, and says goodbye. It never sends a user name or a password: the only commands
 * are CAPABILITY, CAPA, EHLO, STARTTLS, STLS, LOGOUT and QUIT.
 *
 * The requested security is a requirement, as it is for a real session: a STARTTLS probe
 * of a server that does not offer STARTTLS fails with %TERN_NET_ERROR_STARTTLS_UNAVAILABLE
 * (what it learned before failing stays readable, so detection can still offer the server
 * without encryption). A certificate that does not validate is recorded
 * (tern_probe_get_untrusted_certificate()) and, unless tern_probe_set_require_trusted()
 * was called, the probe connects once more accepting exactly that certificate, so that
 * the capabilities behind it are known too. The user decides about the certificate later;
 * nothing secret has crossed the connection.
 *
 * A plain or STARTTLS probe that waits in vain for a greeting checks whether the port
 * answers a TLS handshake instead, and then fails with
 * %TERN_AUTOCONFIG_ERROR_TLS_EXPECTED rather than with a bare time-out.
 *
 * Threads: tern_probe_run() blocks and may run in any thread; tern_probe_run_async() runs
 * it in a worker thread of a pool private to probes (detection runs a few dozen at once,
 * more than GTask's shared pool starts with) and calls back in the caller's thread-default
 * main context. Read the results only after the run has finished.
 */

#define TRANSCRIPT_DOMAIN "TernAutoconfig.Net"
#define MAX_LINE          (64 * 1024)
#define MAX_REPLY_LINES   1000
#define MAX_TEXT          300
#define EHLO_NAME         "[127.0.0.1]"

struct _TernProbe
{
  GObject                 parent_instance;

  TernAutoconfigProtocol  protocol;
  char                   *host;
  guint16                 port;
  TernNetSecurity         security;
  guint                   connect_timeout;
  guint                   io_timeout;
  gboolean                require_trusted;
  char                   *pin;

  /* results */
  gboolean                reached;
  char                   *greeting;
  GPtrArray              *capabilities;     /* char* */
  GPtrArray              *mechanisms;       /* char* */
  gboolean                starttls_offered;
  gboolean                login_disabled;   /* IMAP LOGINDISABLED */
  gboolean                user_command;     /* POP3 USER */
  gboolean                encrypted;
  GTlsCertificate        *peer_certificate;
  GTlsCertificate        *untrusted_certificate;
  GTlsCertificateFlags    certificate_errors;
  GError                 *error;
};

G_DEFINE_FINAL_TYPE (TernProbe, tern_probe, G_TYPE_OBJECT)

typedef struct
{
  TernProbe          *probe;
  TernNetConnection  *connection;
  GCancellable       *cancellable;
  guint               tag;
} Session;

/**
 * tern_probe_new:
 * @security: how to connect: %TERN_NET_SECURITY_TLS from the first byte,
 *   %TERN_NET_SECURITY_STARTTLS (required), or %TERN_NET_SECURITY_NONE (never upgrades;
 *   still reports whether STARTTLS is offered)
 *
 * Returns: (transfer full): a probe of @host:@port
 */
TernProbe *
tern_probe_new (TernAutoconfigProtocol  protocol,
                const char             *host,
                guint16                 port,
                TernNetSecurity         security)
{
  TernProbe *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port != 0, NULL);

  self = g_object_new (TERN_TYPE_PROBE, NULL);
  self->protocol = protocol;
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;

  return self;
}

TernAutoconfigProtocol
tern_probe_get_protocol (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), TERN_AUTOCONFIG_PROTOCOL_IMAP);

  return self->protocol;
}

const char *
tern_probe_get_host (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), NULL);

  return self->host;
}

guint16
tern_probe_get_port (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), 0);

  return self->port;
}

TernNetSecurity
tern_probe_get_security (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), TERN_NET_SECURITY_TLS);

  return self->security;
}

/**
 * tern_probe_set_timeouts:
 *
 * How long the connection may take, and how long any one read or write may wait.
 * Both default to %TERN_PROBE_DEFAULT_TIMEOUT seconds.
 */
void
tern_probe_set_timeouts (TernProbe *self,
                         guint      connect_seconds,
                         guint      io_seconds)
{
  g_return_if_fail (TERN_IS_PROBE (self));

  self->connect_timeout = connect_seconds;
  self->io_timeout = io_seconds;
}

/**
 * tern_probe_set_require_trusted:
 *
 * With %TRUE, a certificate that does not validate (and is not the pinned one) fails
 * the probe with %TERN_NET_ERROR_CERTIFICATE_UNTRUSTED, as a real session would;
 * by default it is recorded and the probe goes on.
 */
void
tern_probe_set_require_trusted (TernProbe *self,
                                gboolean   require_trusted)
{
  g_return_if_fail (TERN_IS_PROBE (self));

  self->require_trusted = !!require_trusted;
}

/**
 * tern_probe_set_pinned_certificate:
 * @pin: (nullable): as for tern_net_connection_set_pinned_certificate()
 *
 * Accepts exactly this certificate even when it does not validate.
 */
gboolean
tern_probe_set_pinned_certificate (TernProbe   *self,
                                   const char  *pin,
                                   GError     **error)
{
  g_autoptr(TernNetConnection) check = NULL;

  g_return_val_if_fail (TERN_IS_PROBE (self), FALSE);

  /* Validated now, so that a bad pin is a usage error and not a probe failure. */
  check = tern_net_connection_new (self->host, self->port, self->security);
  if (!tern_net_connection_set_pinned_certificate (check, pin, error))
    return FALSE;

  g_free (self->pin);
  self->pin = g_strdup (pin);
  return TRUE;
}

/* ---- helpers ---------------------------------------------------------------------- */

/* Server text is not trusted to be UTF-8, printable or short. */
static char *
sanitize (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = valid;

  for (guint n = 0; *p != '\0' && n < MAX_TEXT; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (*p != '\0')
    g_string_append (out, "…");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *
protocol_name (TernProbe *self)
{
  switch (self->protocol)
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
set_server_error (Session     *s,
                  GError     **error,
                  const char  *line)
{
  g_autofree char *text = sanitize (line);

  g_set_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_SERVER,
               _("%s:%u refused: %s"), s->probe->host, s->probe->port, text);
}

static void
set_protocol_error (Session     *s,
                    GError     **error,
                    const char  *line)
{
  g_autofree char *text = sanitize (line);

  g_set_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_PROTOCOL,
               _("%s:%u is not a %s server (it said “%s”)"),
               s->probe->host, s->probe->port, protocol_name (s->probe), text);
}

static char *
read_line (Session  *s,
           GError  **error)
{
  return tern_net_connection_read_line (s->connection, NULL, s->cancellable, error);
}

static gboolean
send_line (Session     *s,
           const char  *line,
           GError     **error)
{
  return tern_net_connection_send_line (s->connection, line, s->cancellable, error);
}

static void
add_unique (GPtrArray  *array,
            const char *value)
{
  for (guint i = 0; i < array->len; i++)
    {
      if (g_ascii_strcasecmp (array->pdata[i], value) == 0)
        return;
    }
  g_ptr_array_add (array, g_strdup (value));
}

static void
clear_capabilities (TernProbe *self)
{
  g_ptr_array_set_size (self->capabilities, 0);
  g_ptr_array_set_size (self->mechanisms, 0);
  self->starttls_offered = FALSE;
  self->login_disabled = FALSE;
  self->user_command = FALSE;
}

/* Adds the mechanism names in @list, separated by spaces. */
static void
add_mechanisms (TernProbe  *self,
                const char *list)
{
  g_auto(GStrv) names = g_strsplit (list, " ", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *upper = NULL;

      if (names[i][0] == '\0')
        continue;
      upper = g_ascii_strup (names[i], -1);
      add_unique (self->mechanisms, upper);
    }
}

/* ---- IMAP --------------------------------------------------------------------------- */

static void
imap_parse_capabilities (TernProbe  *self,
                         const char *list)
{
  g_auto(GStrv) tokens = g_strsplit (list, " ", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_autofree char *upper = NULL;

      if (tokens[i][0] == '\0')
        continue;
      upper = g_ascii_strup (tokens[i], -1);
      add_unique (self->capabilities, upper);
      if (g_str_equal (upper, "STARTTLS"))
        self->starttls_offered = TRUE;
      else if (g_str_equal (upper, "LOGINDISABLED"))
        self->login_disabled = TRUE;
      else if (g_str_has_prefix (upper, "AUTH="))
        add_mechanisms (self, upper + 5);
    }
}

static gboolean
imap_greeting (Session  *s,
               GError  **error)
{
  g_autofree char *line = read_line (s, error);
  const char *code;

  if (line == NULL)
    return FALSE;

  g_free (s->probe->greeting);
  s->probe->greeting = sanitize (line);

  if (g_ascii_strncasecmp (line, "* BYE", 5) == 0)
    {
      set_server_error (s, error, line + 5);
      return FALSE;
    }
  if (g_ascii_strncasecmp (line, "* OK", 4) != 0 && g_ascii_strncasecmp (line, "* PREAUTH", 9) != 0)
    {
      set_protocol_error (s, error, line);
      return FALSE;
    }

  code = strchr (line, '[');
  if (code != NULL && g_ascii_strncasecmp (code, "[CAPABILITY ", 12) == 0)
    {
      g_autofree char *list = g_strdup (code + 12);
      char *close = strchr (list, ']');

      if (close != NULL)
        *close = '\0';
      imap_parse_capabilities (s->probe, list);
    }

  return TRUE;
}

static gboolean
imap_command (Session     *s,
              const char  *command,
              GError     **error)
{
  g_autofree char *tag = g_strdup_printf ("T%u", ++s->tag);
  g_autofree char *line = g_strdup_printf ("%s %s", tag, command);
  gsize tag_len = strlen (tag);

  if (!send_line (s, line, error))
    return FALSE;

  for (guint n = 0; n < MAX_REPLY_LINES; n++)
    {
      g_autofree char *reply = read_line (s, error);

      if (reply == NULL)
        return FALSE;

      if (g_ascii_strncasecmp (reply, "* CAPABILITY ", 13) == 0)
        {
          imap_parse_capabilities (s->probe, reply + 13);
        }
      else if (g_ascii_strncasecmp (reply, "* BYE", 5) == 0)
        {
          set_server_error (s, error, reply + 5);
          return FALSE;
        }
      else if (strncmp (reply, tag, tag_len) == 0 && reply[tag_len] == ' ')
        {
          if (g_ascii_strncasecmp (reply + tag_len + 1, "OK", 2) == 0)
            return TRUE;
          set_server_error (s, error, reply + tag_len + 1);
          return FALSE;
        }
    }

  set_protocol_error (s, error, command);
  return FALSE;
}

/* ---- POP3 --------------------------------------------------------------------------- */

static gboolean
pop3_greeting (Session  *s,
               GError  **error)
{
  g_autofree char *line = read_line (s, error);

  if (line == NULL)
    return FALSE;

  g_free (s->probe->greeting);
  s->probe->greeting = sanitize (line);

  if (g_ascii_strncasecmp (line, "-ERR", 4) == 0)
    {
      set_server_error (s, error, line + 4);
      return FALSE;
    }
  if (g_ascii_strncasecmp (line, "+OK", 3) != 0)
    {
      set_protocol_error (s, error, line);
      return FALSE;
    }

  return TRUE;
}

static gboolean
pop3_capa (Session  *s,
           GError  **error)
{
  TernProbe *self = s->probe;
  g_autofree char *status = NULL;

  clear_capabilities (self);
  if (!send_line (s, "CAPA", error))
    return FALSE;

  status = read_line (s, error);
  if (status == NULL)
    return FALSE;
  /* RFC 2449 is optional: a server without CAPA answers -ERR, and Tern knows less. */
  if (g_ascii_strncasecmp (status, "-ERR", 4) == 0)
    return TRUE;
  if (g_ascii_strncasecmp (status, "+OK", 3) != 0)
    {
      set_protocol_error (s, error, status);
      return FALSE;
    }

  for (guint n = 0; n < MAX_REPLY_LINES; n++)
    {
      g_autofree char *line = read_line (s, error);
      const char *text;
      g_autofree char *upper = NULL;

      if (line == NULL)
        return FALSE;
      if (g_str_equal (line, "."))
        return TRUE;

      text = line[0] == '.' ? line + 1 : line;   /* dot-stuffing */
      upper = g_ascii_strup (text, -1);
      add_unique (self->capabilities, upper);
      if (g_str_equal (upper, "STLS"))
        self->starttls_offered = TRUE;
      else if (g_str_equal (upper, "USER"))
        self->user_command = TRUE;
      else if (g_str_has_prefix (upper, "SASL "))
        add_mechanisms (self, upper + 5);
    }

  set_protocol_error (s, error, "CAPA");
  return FALSE;
}

static gboolean
pop3_simple (Session     *s,
             const char  *command,
             GError     **error)
{
  g_autofree char *reply = NULL;

  if (!send_line (s, command, error))
    return FALSE;
  reply = read_line (s, error);
  if (reply == NULL)
    return FALSE;
  if (g_ascii_strncasecmp (reply, "+OK", 3) != 0)
    {
      set_server_error (s, error, reply);
      return FALSE;
    }

  return TRUE;
}

/* ---- SMTP --------------------------------------------------------------------------- */

/* Reads a possibly multi-line reply: its code, and the text of each line. */
static gboolean
smtp_reply (Session    *s,
            guint      *code,
            GPtrArray **lines,
            GError    **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint n = 0; n < MAX_REPLY_LINES; n++)
    {
      g_autofree char *line = read_line (s, error);

      if (line == NULL)
        return FALSE;
      if (!g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]) ||
          (line[3] != '\0' && line[3] != ' ' && line[3] != '-'))
        {
          set_protocol_error (s, error, line);
          return FALSE;
        }

      *code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      g_ptr_array_add (texts, g_strdup (line[3] != '\0' ? line + 4 : ""));
      if (line[3] != '-')
        {
          if (lines != NULL)
            *lines = g_steal_pointer (&texts);
          return TRUE;
        }
    }

  set_protocol_error (s, error, _("(a reply without end)"));
  return FALSE;
}

static char *
join_reply (GPtrArray *lines)
{
  g_ptr_array_add (lines, NULL);
  return g_strjoinv (" ", (char **) lines->pdata);
}

static gboolean
smtp_greeting (Session  *s,
               GError  **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *text = NULL;
  guint code = 0;

  if (!smtp_reply (s, &code, &lines, error))
    return FALSE;

  text = join_reply (lines);
  g_free (s->probe->greeting);
  s->probe->greeting = g_strdup_printf ("%u %s", code, text);

  if (code != 220)
    {
      g_autofree char *full = g_strdup_printf ("%u %s", code, text);

      if (code >= 400 && code < 600)
        set_server_error (s, error, full);
      else
        set_protocol_error (s, error, full);
      return FALSE;
    }

  return TRUE;
}

static gboolean
smtp_ehlo (Session  *s,
           GError  **error)
{
  TernProbe *self = s->probe;
  g_autoptr(GPtrArray) lines = NULL;
  guint code = 0;

  clear_capabilities (self);
  if (!send_line (s, "EHLO " EHLO_NAME, error) ||
      !smtp_reply (s, &code, &lines, error))
    return FALSE;

  /* A server that does not know EHLO offers no extensions: that is all there is to learn. */
  if (code != 250)
    return TRUE;

  for (guint i = 1; i < lines->len; i++)
    {
      g_autofree char *upper = g_ascii_strup (lines->pdata[i], -1);

      add_unique (self->capabilities, upper);
      if (g_str_equal (upper, "STARTTLS"))
        self->starttls_offered = TRUE;
      else if (g_str_has_prefix (upper, "AUTH ") || g_str_has_prefix (upper, "AUTH="))
        add_mechanisms (self, upper + 5);
    }

  return TRUE;
}

static gboolean
smtp_starttls (Session  *s,
               GError  **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  guint code = 0;

  if (!send_line (s, "STARTTLS", error) ||
      !smtp_reply (s, &code, &lines, error))
    return FALSE;

  if (code != 220)
    {
      g_autofree char *text = join_reply (lines);
      g_autofree char *full = g_strdup_printf ("%u %s", code, text);

      set_server_error (s, error, full);
      return FALSE;
    }

  return TRUE;
}

/* ---- the probe ---------------------------------------------------------------------- */

static gboolean
read_greeting (Session  *s,
               GError  **error)
{
  switch (s->probe->protocol)
    {
    case TERN_AUTOCONFIG_PROTOCOL_IMAP:
      return imap_greeting (s, error);
    case TERN_AUTOCONFIG_PROTOCOL_POP3:
      return pop3_greeting (s, error);
    case TERN_AUTOCONFIG_PROTOCOL_SMTP:
    default:
      return smtp_greeting (s, error);
    }
}

static gboolean
read_capabilities (Session  *s,
                   GError  **error)
{
  switch (s->probe->protocol)
    {
    case TERN_AUTOCONFIG_PROTOCOL_IMAP:
      return imap_command (s, "CAPABILITY", error);
    case TERN_AUTOCONFIG_PROTOCOL_POP3:
      return pop3_capa (s, error);
    case TERN_AUTOCONFIG_PROTOCOL_SMTP:
    default:
      return smtp_ehlo (s, error);
    }
}

static gboolean
start_tls_command (Session  *s,
                   GError  **error)
{
  switch (s->probe->protocol)
    {
    case TERN_AUTOCONFIG_PROTOCOL_IMAP:
      return imap_command (s, "STARTTLS", error);
    case TERN_AUTOCONFIG_PROTOCOL_POP3:
      return pop3_simple (s, "STLS", error);
    case TERN_AUTOCONFIG_PROTOCOL_SMTP:
    default:
      return smtp_starttls (s, error);
    }
}

/* Best effort: the answer does not matter. */
static void
say_goodbye (Session *s)
{
  const char *line = s->probe->protocol == TERN_AUTOCONFIG_PROTOCOL_IMAP ? "T0 LOGOUT" : "QUIT";

  tern_net_connection_set_io_timeout (s->connection, 1);
  tern_net_connection_send_line (s->connection, line, s->cancellable, NULL);
}

static TernNetConnection *
new_connection (TernProbe       *self,
                TernNetSecurity  security)
{
  TernNetConnection *connection = tern_net_connection_new (self->host, self->port, security);

  tern_net_connection_set_timeouts (connection, self->connect_timeout, self->io_timeout);
  tern_net_connection_set_max_line_length (connection, MAX_LINE);
  tern_net_connection_set_transcript (connection, TRANSCRIPT_DOMAIN);

  return connection;
}

/* Does the port complete a TLS handshake (a certificate that does not validate counts)? */
static gboolean
answers_tls (TernProbe    *self,
             GCancellable *cancellable)
{
  g_autoptr(TernNetConnection) connection = new_connection (self, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;

  if (tern_net_connection_connect (connection, cancellable, &error))
    {
      tern_net_connection_close (connection);
      return TRUE;
    }

  return g_error_matches (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
}

static gboolean
run_once (TernProbe     *self,
          const char    *pin,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(TernNetConnection) connection = NULL;
  g_autoptr(GError) local_error = NULL;
  Session s = { 0 };
  gboolean ok;

  self->reached = FALSE;
  self->encrypted = FALSE;
  g_clear_pointer (&self->greeting, g_free);
  g_clear_object (&self->peer_certificate);
  clear_capabilities (self);

  connection = new_connection (self, self->security);
  if (!tern_net_connection_set_pinned_certificate (connection, pin, error))
    return FALSE;

  s.probe = self;
  s.connection = connection;
  s.cancellable = cancellable;

  if (!tern_net_connection_connect (connection, cancellable, error))
    return FALSE;

  if (self->security == TERN_NET_SECURITY_TLS)
    {
      self->encrypted = TRUE;
      g_set_object (&self->peer_certificate, tern_net_connection_get_peer_certificate (connection));
    }

  if (!read_greeting (&s, &local_error))
    {
      if (self->security != TERN_NET_SECURITY_TLS &&
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          tern_net_connection_close (connection);
          if (answers_tls (self, cancellable))
            {
              g_set_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_TLS_EXPECTED,
                           _("%s:%u sends nothing without encryption but accepts a TLS handshake: "
                             "it expects TLS from the start"),
                           self->host, self->port);
              return FALSE;
            }
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  self->reached = TRUE;

  if (!read_capabilities (&s, error))
    return FALSE;

  if (self->security == TERN_NET_SECURITY_STARTTLS)
    {
      if (!self->starttls_offered)
        {
          say_goodbye (&s);
          g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
                       _("%s:%u does not offer STARTTLS, so the connection cannot be encrypted"),
                       self->host, self->port);
          return FALSE;
        }

      if (!start_tls_command (&s, error) ||
          !tern_net_connection_start_tls (connection, cancellable, error))
        return FALSE;

      self->encrypted = TRUE;
      g_set_object (&self->peer_certificate, tern_net_connection_get_peer_certificate (connection));

      /* What a server offers before TLS is not to be trusted: ask again. The list
       * over TLS does not repeat STARTTLS, but it was offered. */
      clear_capabilities (self);
      ok = read_capabilities (&s, error);
      self->starttls_offered = TRUE;
      if (!ok)
        return FALSE;
    }

  say_goodbye (&s);
  tern_net_connection_close (connection);
  return TRUE;
}

/**
 * tern_probe_run:
 *
 * Probes the server. Blocks; see tern_probe_run_async().
 *
 * Returns: %TRUE when the greeting and capabilities were read with the requested
 *   security; otherwise %FALSE with the error a real session would have met
 */
gboolean
tern_probe_run (TernProbe     *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (TERN_IS_PROBE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  g_clear_error (&self->error);
  g_clear_object (&self->untrusted_certificate);
  self->certificate_errors = 0;

  ok = run_once (self, self->pin, cancellable, &local_error);

  if (!ok && g_error_matches (local_error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED))
    {
      GTlsCertificate *certificate = tern_net_error_get_certificate (local_error);

      g_set_object (&self->untrusted_certificate, certificate);
      self->certificate_errors = tern_net_error_get_certificate_errors (local_error);

      if (certificate != NULL && !self->require_trusted)
        {
          g_autofree char *fingerprint = tern_net_certificate_get_fingerprint (certificate);

          g_clear_error (&local_error);
          ok = run_once (self, fingerprint, cancellable, &local_error);
        }
    }

  if (!ok)
    {
      self->error = g_error_copy (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return ok;
}

static void
probe_thread (gpointer data,
              gpointer user_data)
{
  g_autoptr(GTask) task = data;
  TernProbe *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (tern_probe_run (self, g_task_get_cancellable (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static GThreadPool *
get_pool (void)
{
  static GThreadPool *pool;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      pool = g_thread_pool_new (probe_thread, NULL, 32, FALSE, NULL);
      g_once_init_leave (&initialized, 1);
    }

  return pool;
}

/**
 * tern_probe_run_async:
 *
 * Runs tern_probe_run() in a worker thread. Cancelling @cancellable stops it promptly
 * (name resolution, connection, handshake and reads all watch it).
 */
void
tern_probe_run_async (TernProbe           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TERN_IS_PROBE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_probe_run_async);
  g_task_set_check_cancellable (task, FALSE);
  g_thread_pool_push (get_pool (), task, NULL);
}

gboolean
tern_probe_run_finish (TernProbe     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_probe_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- results ------------------------------------------------------------------------- */

/**
 * tern_probe_get_reached:
 *
 * Returns: %TRUE when the server sent the greeting of the expected protocol (even if
 *   the probe failed later, for want of STARTTLS say)
 */
gboolean
tern_probe_get_reached (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), FALSE);

  return self->reached;
}

/**
 * tern_probe_get_greeting:
 *
 * Returns: (nullable): the server's greeting, made printable and short
 */
const char *
tern_probe_get_greeting (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), NULL);

  return self->greeting;
}

static const char * const *
as_strv (GPtrArray *array)
{
  /* The arrays always end with a NULL that is not counted. */
  g_ptr_array_add (array, NULL);
  g_ptr_array_set_size (array, array->len - 1);
  return (const char * const *) array->pdata;
}

/**
 * tern_probe_get_capabilities:
 *
 * Returns: (transfer none): the capabilities in upper case: IMAP capability names, POP3
 *   CAPA lines, SMTP EHLO keyword lines; after STARTTLS, those offered over TLS
 */
const char * const *
tern_probe_get_capabilities (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), NULL);

  return as_strv (self->capabilities);
}

/**
 * tern_probe_has_capability:
 * @name: a capability name, such as "IDLE", "UIDL" or "PIPELINING" (any case)
 */
gboolean
tern_probe_has_capability (TernProbe  *self,
                           const char *name)
{
  gsize len;

  g_return_val_if_fail (TERN_IS_PROBE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  len = strlen (name);
  for (guint i = 0; i < self->capabilities->len; i++)
    {
      const char *cap = self->capabilities->pdata[i];

      if (g_ascii_strncasecmp (cap, name, len) == 0 && (cap[len] == '\0' || cap[len] == ' '))
        return TRUE;
    }

  return FALSE;
}

gboolean
tern_probe_get_starttls_offered (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), FALSE);

  return self->starttls_offered;
}

/**
 * tern_probe_get_encrypted:
 *
 * Returns: %TRUE when the capabilities were read over TLS
 */
gboolean
tern_probe_get_encrypted (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), FALSE);

  return self->encrypted;
}

/**
 * tern_probe_get_mechanisms:
 *
 * Returns: (transfer none): the SASL mechanisms offered, in upper case
 */
const char * const *
tern_probe_get_mechanisms (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), NULL);

  return as_strv (self->mechanisms);
}

/**
 * tern_probe_get_auth:
 *
 * Returns: the login methods the capabilities show, counting IMAP LOGIN (unless
 *   LOGINDISABLED) and POP3 USER as a password in clear text
 */
TernAutoconfigAuth
tern_probe_get_auth (TernProbe *self)
{
  TernAutoconfigAuth auth;

  g_return_val_if_fail (TERN_IS_PROBE (self), 0);

  auth = tern_autoconfig_auth_from_mechanisms (tern_probe_get_mechanisms (self));
  if (self->reached && self->protocol == TERN_AUTOCONFIG_PROTOCOL_IMAP && !self->login_disabled)
    auth |= TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT;
  if (self->protocol == TERN_AUTOCONFIG_PROTOCOL_POP3 && self->user_command)
    auth |= TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT;

  return auth;
}

/**
 * tern_probe_get_peer_certificate:
 *
 * Returns: (transfer none) (nullable): the certificate of the TLS connection, trusted or not
 */
GTlsCertificate *
tern_probe_get_peer_certificate (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), NULL);

  return self->peer_certificate;
}

/**
 * tern_probe_get_untrusted_certificate:
 *
 * Returns: (transfer none) (nullable): the server's certificate if it did not validate
 */
GTlsCertificate *
tern_probe_get_untrusted_certificate (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), NULL);

  return self->untrusted_certificate;
}

GTlsCertificateFlags
tern_probe_get_certificate_errors (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), 0);

  return self->certificate_errors;
}

/**
 * tern_probe_get_error:
 *
 * Returns: (transfer none) (nullable): why the last run failed
 */
const GError *
tern_probe_get_error (TernProbe *self)
{
  g_return_val_if_fail (TERN_IS_PROBE (self), NULL);

  return self->error;
}

static void
tern_probe_finalize (GObject *object)
{
  TernProbe *self = TERN_PROBE (object);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->pin, g_free);
  g_clear_pointer (&self->greeting, g_free);
  g_clear_pointer (&self->capabilities, g_ptr_array_unref);
  g_clear_pointer (&self->mechanisms, g_ptr_array_unref);
  g_clear_object (&self->peer_certificate);
  g_clear_object (&self->untrusted_certificate);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (tern_probe_parent_class)->finalize (object);
}

static void
tern_probe_class_init (TernProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_probe_finalize;
}

static void
tern_probe_init (TernProbe *self)
{
  self->connect_timeout = TERN_PROBE_DEFAULT_TIMEOUT;
  self->io_timeout = TERN_PROBE_DEFAULT_TIMEOUT;
  self->capabilities = g_ptr_array_new_with_free_func (g_free);
  self->mechanisms = g_ptr_array_new_with_free_func (g_free);
}
