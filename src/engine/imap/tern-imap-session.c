/* tern-imap-session.c: connection, pipeline, dispatch, IDLE, the selected mailbox
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-net-error.h"
#include "tern-net-sasl.h"
#include "tern-imap-error.h"
#include "tern-imap-session-private.h"

/*
 * TernImapSession is synchronous: one thread at a time drives it (a protocol worker),
 * and every call takes a GCancellable; the connection has connect and I/O timeouts.
 * tern_imap_session_run_async() runs a batch of such calls on a worker thread the
 * session owns, in submission order, and tern_imap_session_connect_async() is built on
 * it. The session is not thread-safe otherwise: never call it from two threads at once.
 *
 * Signals ("exists", "expunge", "vanished", "fetch", "alert") are emitted on the thread
 * that drives the session at that moment, while it reads responses: a handler that
 * touches the UI must hop to the main context itself.
 *
 * The pipeline: tern_imap_session_submit() tags a command and queues it (a synchronizing
 * literal makes it wait for the server's go-ahead; LITERAL+ and LITERAL- avoid that),
 * tern_imap_session_wait() sends what is queued in one write and reads responses until
 * that command completes. Untagged responses go to the state (EXISTS, FLAGS, codes...),
 * then to the handlers of the commands in progress, oldest first, then to signals.
 *
 * Failure: an I/O error, a parse error, a response above the limits or a protocol
 * violation closes the connection and fails every command in progress; so does
 * cancelling a command in progress, since its remaining responses could not be told
 * from the next command's. IDLE is the exception: cancelling it sends DONE and leaves
 * the session usable. A NO or BAD only fails its own command.
 *
 * Security: STARTTLS is mandatory when configured (TERN_NET_ERROR_STARTTLS_UNAVAILABLE
 * otherwise, never a silent downgrade), credentials never go over an unencrypted
 * connection unless allowed (TERN_NET_ERROR_INSECURE), LOGINDISABLED is obeyed, and
 * passwords and AUTHENTICATE payloads are queued as secrets, which the transcript
 * ("TernImap.Net" log domain) redacts.
 */

#define TRANSCRIPT_DOMAIN "TernImap.Net"
#define DRAIN_TIMEOUT 10

guint _tern_imap_session_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TernImapSession, tern_imap_session, G_TYPE_OBJECT)

/* ---- construction and settings ---------------------------------------------------- */

/**
 * tern_imap_session_new:
 *
 * Returns: (transfer full): a session for a new connection to @host
 */
TernImapSession *
tern_imap_session_new (const char      *host,
                       guint16          port,
                       TernNetSecurity  security)
{
  g_autoptr(TernNetConnection) connection = tern_net_connection_new (host, port, security);

  return tern_imap_session_new_for_connection (connection);
}

/**
 * tern_imap_session_new_for_connection:
 * @connection: a connection that is not connected yet (its pin and timeouts set)
 *
 * Returns: (transfer full): a session that drives @connection
 */
TernImapSession *
tern_imap_session_new_for_connection (TernNetConnection *connection)
{
  TernImapSession *self;

  g_return_val_if_fail (TERN_NET_IS_CONNECTION (connection), NULL);

  self = g_object_new (TERN_IMAP_TYPE_SESSION, NULL);
  self->connection = g_object_ref (connection);
  tern_net_connection_set_transcript (connection, TRANSCRIPT_DOMAIN);
  return self;
}

/**
 * tern_imap_session_get_connection:
 *
 * Returns: (transfer none): the connection
 */
TernNetConnection *
tern_imap_session_get_connection (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);

  return self->connection;
}

/**
 * tern_imap_session_set_credentials:
 * @username: (nullable): the user name; %NULL: tern_imap_session_connect() does not log in
 * @secret: (nullable): the password, or the OAuth access token
 *
 * The session keeps a copy of @secret until it has logged in (or failed to), then
 * wipes it.
 */
void
tern_imap_session_set_credentials (TernImapSession       *self,
                                   const char            *username,
                                   const char            *secret,
                                   TernImapAuthMechanism  mechanism)
{
  g_return_if_fail (TERN_IMAP_IS_SESSION (self));

  g_free (self->username);
  self->username = g_strdup (username);
  tern_net_secret_free (self->secret);
  self->secret = g_strdup (secret);
  self->mechanism = mechanism;
}

/**
 * tern_imap_session_set_allow_insecure_auth:
 *
 * Lets the session send credentials over an unencrypted connection. Only for an
 * account whose user has explicitly allowed it.
 */
void
tern_imap_session_set_allow_insecure_auth (TernImapSession *self,
                                           gboolean         allow)
{
  g_return_if_fail (TERN_IMAP_IS_SESSION (self));

  self->allow_insecure_auth = allow;
}

/**
 * tern_imap_session_set_timeouts:
 *
 * Sets the connection's timeouts (seconds; 0 waits for ever). IDLE raises the I/O
 * timeout while it waits and restores this one.
 */
void
tern_imap_session_set_timeouts (TernImapSession *self,
                                guint            connect_seconds,
                                guint            io_seconds)
{
  g_return_if_fail (TERN_IMAP_IS_SESSION (self));

  tern_net_connection_set_timeouts (self->connection, connect_seconds, io_seconds);
}

/**
 * tern_imap_session_set_limits:
 * @max_literal: the largest literal accepted outside message data
 * @max_body_literal: the largest message section a FETCH may return
 */
void
tern_imap_session_set_limits (TernImapSession *self,
                              gsize            max_literal,
                              gsize            max_body_literal)
{
  g_return_if_fail (TERN_IMAP_IS_SESSION (self));

  tern_imap_parser_set_limits (self->parser, max_literal, max_body_literal,
                               MAX (TERN_IMAP_PARSER_DEFAULT_MAX_RESPONSE, 2 * max_literal));
}

/**
 * tern_imap_session_disable_capability:
 *
 * Makes the session behave as if the server did not offer @capability (to work
 * around a broken server extension, or to test a fallback such as MOVE's).
 */
void
tern_imap_session_disable_capability (TernImapSession *self,
                                      const char      *capability)
{
  g_return_if_fail (TERN_IMAP_IS_SESSION (self));
  g_return_if_fail (capability != NULL);

  g_hash_table_add (self->disabled, g_ascii_strup (capability, -1));
}

TernImapSessionState
tern_imap_session_get_state (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), TERN_IMAP_SESSION_DISCONNECTED);

  return self->state;
}

/**
 * tern_imap_session_has_capability:
 * @capability: such as "IDLE" or "AUTH=PLAIN" (case-insensitive)
 */
gboolean
tern_imap_session_has_capability (TernImapSession *self,
                                  const char      *capability)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (capability != NULL, FALSE);

  upper = g_ascii_strup (capability, -1);
  return g_hash_table_contains (self->capabilities, upper) && !g_hash_table_contains (self->disabled, upper);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * tern_imap_session_dup_capabilities:
 *
 * Returns: (transfer full): the server's capabilities, upper case, sorted
 */
char **
tern_imap_session_dup_capabilities (TernImapSession *self)
{
  GHashTableIter iter;
  gpointer key;
  GPtrArray *out;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);

  out = g_ptr_array_sized_new (g_hash_table_size (self->capabilities) + 1);
  g_hash_table_iter_init (&iter, self->capabilities);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (out, g_strdup (key));
  g_ptr_array_sort (out, compare_strings);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

gboolean
tern_imap_session_is_enabled (TernImapSession *self,
                              const char      *capability)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  upper = g_ascii_strup (capability, -1);
  return g_hash_table_contains (self->enabled, upper);
}

/**
 * tern_imap_session_get_utf8_names:
 *
 * Returns: whether mailbox names travel in UTF-8 (UTF8=ACCEPT or IMAP4rev2 enabled, or
 *   a server that speaks only IMAP4rev2) rather than modified UTF-7
 */
gboolean
tern_imap_session_get_utf8_names (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  return g_hash_table_contains (self->enabled, "UTF8=ACCEPT") ||
         g_hash_table_contains (self->enabled, "IMAP4REV2") ||
         (g_hash_table_contains (self->capabilities, "IMAP4REV2") &&
          !g_hash_table_contains (self->capabilities, "IMAP4REV1"));
}

/* ---- failure ------------------------------------------------------------------------ */

/* The connection cannot be trusted any more (I/O error, parse error, cancellation in
 * the middle of a command): close it and fail every command in progress. */
static void
break_session (TernImapSession *self,
               const GError    *error)
{
  TernImapCommand *command;

  if (self->broken == NULL)
    self->broken = g_error_copy (error);

  tern_net_connection_close (self->connection);
  tern_imap_parser_reset (self->parser);
  g_clear_pointer (&self->continuation, tern_imap_response_unref);
  while ((command = g_queue_pop_head (&self->pending)) != NULL)
    {
      _tern_imap_command_fail (command, self->broken);
      tern_imap_command_unref (command);
    }
  if (self->state != TERN_IMAP_SESSION_LOGGED_OUT)
    self->state = TERN_IMAP_SESSION_DISCONNECTED;
}

gboolean
_tern_imap_session_check_usable (TernImapSession  *self,
              GError          **error)
{
  if (self->broken != NULL)
    {
      g_propagate_error (error, g_error_copy (self->broken));
      return FALSE;
    }
  if (!tern_net_connection_is_connected (self->connection))
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED,
                   _("The connection to %s is closed"), tern_net_connection_get_host (self->connection));
      return FALSE;
    }
  return TRUE;
}

gboolean
_tern_imap_session_check_connected (TernImapSession  *self,
                                    GError          **error)
{
  return _tern_imap_session_check_usable (self, error);
}

gboolean
_tern_imap_session_check_state (TernImapSession  *self,
                                gboolean          need_selected,
                                GError          **error)
{
  if (!_tern_imap_session_check_usable (self, error))
    return FALSE;

  if (self->state == TERN_IMAP_SESSION_NOT_AUTHENTICATED)
    {
      g_set_error_literal (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PROTOCOL,
                           _("The IMAP session is not logged in"));
      return FALSE;
    }
  if (need_selected && self->state != TERN_IMAP_SESSION_SELECTED)
    {
      g_set_error_literal (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PROTOCOL,
                           _("No mailbox is selected"));
      return FALSE;
    }
  return TRUE;
}

gboolean
_tern_imap_session_require (TernImapSession  *self,
                            const char       *capability,
                            const char       *what,
                            GError          **error)
{
  if (tern_imap_session_has_capability (self, capability))
    return TRUE;

  g_set_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_UNSUPPORTED,
               _("%s does not support %s (the %s extension)"),
               tern_net_connection_get_host (self->connection), what, capability);
  return FALSE;
}

/* ---- reading and dispatching ------------------------------------------------------ */

static void
set_capabilities (TernImapSession     *self,
                  const TernImapValue *first)
{
  g_hash_table_remove_all (self->capabilities);
  for (const TernImapValue *v = first; v != NULL; v = v->next)
    {
      if (v->kind == TERN_IMAP_VALUE_ATOM || v->kind == TERN_IMAP_VALUE_NUMBER)
        g_hash_table_add (self->capabilities, g_ascii_strup (v->data, v->length));
    }
  self->capabilities_generation++;
}

static void
handle_code (TernImapSession  *self,
             TernImapResponse *response)
{
  const char *code = tern_imap_response_get_code_name (response);
  const TernImapValue *arg = tern_imap_response_get_code_arg (response, 0);
  guint64 n = 0;

  if (code == NULL)
    return;

  if (g_str_equal (code, "CAPABILITY"))
    set_capabilities (self, arg);
  else if (g_str_equal (code, "UIDVALIDITY") && tern_imap_value_get_number (arg, &n))
    self->uidvalidity = (guint32) n;
  else if (g_str_equal (code, "UIDNEXT") && tern_imap_value_get_number (arg, &n))
    self->uidnext = (guint32) n;
  else if (g_str_equal (code, "HIGHESTMODSEQ") && tern_imap_value_get_number (arg, &n))
    self->highest_modseq = n;
  else if (g_str_equal (code, "NOMODSEQ"))
    self->highest_modseq = 0;
  else if (g_str_equal (code, "PERMANENTFLAGS"))
    {
      g_strfreev (self->permanent_flags);
      self->permanent_flags = tern_imap_value_dup_atoms (arg);
    }
  else if (g_str_equal (code, "READ-ONLY"))
    self->read_only = TRUE;
  else if (g_str_equal (code, "READ-WRITE"))
    self->read_only = FALSE;
  else if (g_str_equal (code, "ALERT"))
    {
      g_autofree char *text = tern_imap_sanitize_text (tern_imap_response_get_text (response), -1);

      g_signal_emit (self, _tern_imap_session_signals[SIGNAL_ALERT], 0, text);
    }
}

static gboolean
offer_to_commands (TernImapSession  *self,
                   TernImapResponse *response)
{
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      TernImapCommand *command = l->data;

      if (command->untagged != NULL && command->untagged (command, response, command->untagged_data))
        return TRUE;
    }
  return FALSE;
}

static void
handle_vanished (TernImapSession  *self,
                 TernImapResponse *response)
{
  const TernImapValue *first = tern_imap_response_get_data_item (response, 0);
  gboolean earlier = FALSE;
  g_autoptr(TernImapUidSet) uids = NULL;

  if (tern_imap_value_is_list (first))
    {
      earlier = tern_imap_value_is_atom (first->children, "EARLIER");
      first = first->next;
    }
  uids = tern_imap_uid_set_new_from_value (first);
  if (uids == NULL)
    {
      g_debug ("Ignoring a malformed VANISHED response");
      return;
    }

  if (!earlier)
    {
      guint64 count = tern_imap_uid_set_get_count (uids);

      self->exists = count >= self->exists ? 0 : self->exists - (guint32) count;
    }
  self->events++;
  g_signal_emit (self, _tern_imap_session_signals[SIGNAL_VANISHED], 0, uids, earlier);
}

static void
handle_untagged (TernImapSession  *self,
                 TernImapResponse *response)
{
  const char *name = tern_imap_response_get_name (response);
  guint32 number = 0;
  gboolean has_number = tern_imap_response_get_number (response, &number);

  if (tern_imap_response_get_status (response) != TERN_IMAP_STATUS_NONE)
    {
      handle_code (self, response);
      if (tern_imap_response_get_status (response) == TERN_IMAP_STATUS_BYE)
        {
          g_free (self->bye_text);
          self->bye_text = tern_imap_sanitize_text (tern_imap_response_get_text (response), -1);
        }
      offer_to_commands (self, response);
      return;
    }

  if (has_number && g_str_equal (name, "EXISTS"))
    {
      self->exists = number;
      self->events++;
      g_signal_emit (self, _tern_imap_session_signals[SIGNAL_EXISTS], 0, number);
    }
  else if (has_number && g_str_equal (name, "EXPUNGE"))
    {
      if (self->exists > 0)
        self->exists--;
      self->events++;
      g_signal_emit (self, _tern_imap_session_signals[SIGNAL_EXPUNGE], 0, number);
    }
  else if (has_number && g_str_equal (name, "RECENT"))
    self->recent = number;
  else if (has_number && g_str_equal (name, "FETCH"))
    {
      self->events++;
      if (!offer_to_commands (self, response))
        g_signal_emit (self, _tern_imap_session_signals[SIGNAL_FETCH], 0, response);
    }
  else if (g_str_equal (name, "CAPABILITY"))
    set_capabilities (self, tern_imap_response_get_data (response)->children);
  else if (g_str_equal (name, "ENABLED"))
    {
      for (const TernImapValue *v = tern_imap_response_get_data (response)->children; v != NULL; v = v->next)
        {
          if (v->kind == TERN_IMAP_VALUE_ATOM)
            g_hash_table_add (self->enabled, g_ascii_strup (v->data, v->length));
        }
    }
  else if (g_str_equal (name, "FLAGS"))
    {
      g_strfreev (self->flags);
      self->flags = tern_imap_value_dup_atoms (tern_imap_response_get_data_item (response, 0));
    }
  else if (g_str_equal (name, "VANISHED"))
    handle_vanished (self, response);
  else if (!offer_to_commands (self, response))
    g_debug ("Ignoring the untagged response %s", name);
}

static gboolean
protocol_error (TernImapSession  *self,
                GError          **error,
                const char       *message)
{
  g_autoptr(GError) local_error = g_error_new_literal (TERN_IMAP_ERROR, TERN_IMAP_ERROR_PROTOCOL, message);

  break_session (self, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
dispatch (TernImapSession   *self,
          TernImapResponse  *response,
          GError           **error)
{
  switch (tern_imap_response_get_kind (response))
    {
    case TERN_IMAP_RESPONSE_CONTINUATION:
      if (!self->want_continuation || self->continuation != NULL)
        return protocol_error (self, error, _("The server asked for data nobody had offered"));
      self->continuation = tern_imap_response_ref (response);
      return TRUE;

    case TERN_IMAP_RESPONSE_TAGGED:
      {
        const char *tag = tern_imap_response_get_tag (response);

        for (GList *l = self->pending.head; l != NULL; l = l->next)
          {
            TernImapCommand *command = l->data;

            if (strcmp (command->tag, tag) == 0)
              {
                g_queue_delete_link (&self->pending, l);
                handle_code (self, response);
                _tern_imap_command_complete (command, response);
                tern_imap_command_unref (command);
                return TRUE;
              }
          }
        return protocol_error (self, error, _("The server completed a command that Tern never sent"));
      }

    case TERN_IMAP_RESPONSE_UNTAGGED:
    default:
      handle_untagged (self, response);
      return TRUE;
    }
}

/* Reads one response; literals go straight from the connection into their buffers.
 * Does not break the session on failure: the caller decides. */
static TernImapResponse *
read_response (TernImapSession  *self,
               gboolean         *started,
               GCancellable     *cancellable,
               GError          **error)
{
  *started = FALSE;

  for (;;)
    {
      g_autofree char *line = NULL;
      gsize length = 0;
      TernImapParserResult result;

      line = tern_net_connection_read_line (self->connection, &length, cancellable, error);
      if (line == NULL)
        return NULL;
      *started = TRUE;

      result = tern_imap_parser_feed_line (self->parser, line, length, error);
      if (result == TERN_IMAP_PARSER_ERROR)
        return NULL;
      if (result == TERN_IMAP_PARSER_COMPLETE)
        return tern_imap_parser_steal_response (self->parser);

      {
        gsize size = tern_imap_parser_get_literal_size (self->parser);
        guint8 *buffer = tern_imap_parser_begin_literal (self->parser, error);

        if (buffer == NULL)
          return NULL;
        if (!tern_net_connection_read_exact (self->connection, buffer, size, cancellable, error))
          return NULL;
        tern_imap_parser_end_literal (self->parser);
      }
    }
}

static void
propagate_read_error (TernImapSession  *self,
                      GError          **error,
                      GError           *local_error)
{
  /* The server said BYE and closed, however it closed (cleanly, without TLS
   * close_notify, or with a reset): that is the reason to report. */
  if (self->bye_text != NULL &&
      (g_error_matches (local_error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED) ||
       local_error->domain == G_TLS_ERROR ||
       (local_error->domain == G_IO_ERROR && local_error->code != G_IO_ERROR_CANCELLED)))
    {
      g_autoptr(GError) bye = g_error_new (TERN_IMAP_ERROR, TERN_IMAP_ERROR_BYE,
                                           _("The server closed the session: %s"), self->bye_text);

      tern_imap_error_set_server_reply (bye, NULL, self->bye_text);
      break_session (self, bye);
      g_error_free (local_error);
      g_propagate_error (error, g_steal_pointer (&bye));
      return;
    }

  break_session (self, local_error);
  g_propagate_error (error, local_error);
}

/* Reads and dispatches one response. With @recoverable, a timeout or cancellation
 * before any byte of the response arrived leaves the session usable (IDLE). */
static gboolean
process_one (TernImapSession  *self,
             gboolean          recoverable,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(TernImapResponse) response = NULL;
  GError *local_error = NULL;
  gboolean started = FALSE;

  response = read_response (self, &started, cancellable, &local_error);
  if (response == NULL)
    {
      if (recoverable && !started &&
          (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
           g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      propagate_read_error (self, error, local_error);
      return FALSE;
    }

  return dispatch (self, response, error);
}

/* Waits for a continuation request, or for @command to complete (refused). Returns the
 * continuation, or NULL: with @error set on failure, without when @command completed. */
TernImapResponse *
_tern_imap_session_wait_continuation (TernImapSession  *self,
                   TernImapCommand  *command,
                   GCancellable     *cancellable,
                   GError          **error)
{
  if (!tern_net_connection_flush (self->connection, cancellable, error))
    {
      break_session (self, *error);
      return NULL;
    }

  self->want_continuation = TRUE;
  while (self->continuation == NULL && !command->done)
    {
      if (!process_one (self, FALSE, cancellable, error))
        {
          self->want_continuation = FALSE;
          return NULL;
        }
    }
  self->want_continuation = FALSE;

  return g_steal_pointer (&self->continuation);
}

/* ---- sending ------------------------------------------------------------------------ */

static gboolean
needs_literal (TernImapSession *self,
               const char      *text)
{
  gboolean utf8 = tern_imap_session_get_utf8_names (self);
  gsize length = 0;

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++, length++)
    {
      if (*p == '\r' || *p == '\n' || (*p >= 0x80 && !utf8))
        return TRUE;
    }
  return length > 1000;
}

static void
append_quoted (GString    *line,
               const char *text)
{
  g_string_append_c (line, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (line, '\\');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static void
queue_line (TernImapSession *self,
            GString         *line,
            gssize           secret_at)
{
  if (secret_at >= 0)
    tern_net_connection_queue_secret_line (self->connection, line->str, secret_at);
  else
    tern_net_connection_queue_line (self->connection, line->str);
  g_string_truncate (line, 0);
}

/* Queues "{N}" or "{N+}", the line so far, and the data; a synchronizing literal waits
 * for the server's go-ahead first. */
static gboolean
queue_literal (TernImapSession  *self,
               TernImapCommand  *command,
               GString          *line,
               gssize           *secret_at,
               const void       *data,
               gsize             size,
               gboolean          secret,
               GCancellable     *cancellable,
               GError          **error)
{
  gboolean non_sync = tern_imap_session_has_capability (self, "LITERAL+") ||
                      (tern_imap_session_has_capability (self, "LITERAL-") && size <= 4096);

  g_string_append_printf (line, "{%" G_GSIZE_FORMAT "%s}", size, non_sync ? "+" : "");
  queue_line (self, line, *secret_at);
  *secret_at = -1;

  if (!non_sync)
    {
      g_autoptr(TernImapResponse) go_ahead = _tern_imap_session_wait_continuation (self, command, cancellable, error);

      if (go_ahead == NULL)
        {
          /* Refused before the data went out: the command's own error says why. */
          if (error != NULL && *error == NULL)
            tern_imap_command_propagate_error (command, error);
          return FALSE;
        }
    }

  if (secret)
    tern_net_connection_queue_secret (self->connection, data, size);
  else
    tern_net_connection_queue (self->connection, data, size);
  return TRUE;
}

/**
 * tern_imap_session_submit:
 * @command: a command that was not submitted before
 *
 * Tags @command and queues it; it goes out with the next write (tern_imap_session_wait()
 * sends everything queued). A synchronizing literal (no LITERAL+) sends the command up
 * to the literal and waits for the server's go-ahead.
 *
 * Returns: %FALSE when the connection failed, or the server refused @command before its
 *   literal
 */
gboolean
tern_imap_session_submit (TernImapSession  *self,
                          TernImapCommand  *command,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(GString) line = NULL;
  gssize secret_at = -1;
  gboolean held_secret = FALSE;
  gboolean ok = TRUE;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (command != NULL && !command->sent, FALSE);

  if (!_tern_imap_session_check_usable (self, error))
    return FALSE;

  g_snprintf (command->tag, sizeof command->tag, "t%u", ++self->next_tag);
  command->sent = TRUE;
  g_queue_push_tail (&self->pending, tern_imap_command_ref (command));

  line = g_string_sized_new (256);
  g_string_append (line, command->tag);
  g_string_append_c (line, ' ');
  g_string_append (line, command->name);

  for (guint i = 0; ok && i < command->parts->len; i++)
    {
      TernImapPart *part = &g_array_index (command->parts, TernImapPart, i);
      g_autofree char *encoded = NULL;
      const char *text = part->text;
      gboolean secret = part->kind == PART_SECRET || part->kind == PART_SECRET_ATOM;

      held_secret |= secret;
      switch (part->kind)
        {
        case PART_TEXT:
          tern_net_secret_string_reserve (&line, strlen (text) + 1, held_secret);
          g_string_append (line, text);
          break;

        case PART_SECRET_ATOM:
          if (secret_at < 0)
            secret_at = line->len;
          tern_net_secret_string_reserve (&line, strlen (text) + 1, held_secret);
          g_string_append (line, text);
          break;

        case PART_MAILBOX:
          encoded = tern_imap_mailbox_encode_name (text, tern_imap_session_get_utf8_names (self));
          text = encoded;
          G_GNUC_FALLTHROUGH;
        case PART_STRING:
        case PART_SECRET:
          if (part->kind == PART_SECRET && secret_at < 0)
            secret_at = line->len;
          /* quoted, each character possibly escaped; or a literal's "{N+}" */
          tern_net_secret_string_reserve (&line, 2 * strlen (text) + 3 + 32, held_secret);
          if (!needs_literal (self, text))
            append_quoted (line, text);
          else
            ok = queue_literal (self, command, line, &secret_at, text, strlen (text), secret, cancellable, error);
          break;

        case PART_LITERAL:
          {
            gsize size = 0;
            gconstpointer data = g_bytes_get_data (part->bytes, &size);

            tern_net_secret_string_reserve (&line, 32, held_secret);
            ok = queue_literal (self, command, line, &secret_at, data, size, FALSE, cancellable, error);
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  if (ok)
    queue_line (self, line, secret_at);
  if (held_secret)
    {
      tern_net_secret_wipe_string (g_steal_pointer (&line));
      _tern_imap_command_wipe_secrets (command);
    }
  return ok;
}

/**
 * tern_imap_session_wait:
 *
 * Sends whatever is queued, then reads responses until @command completes (responses
 * to other commands in the pipeline are handled on the way).
 *
 * Returns: %TRUE when @command completed with OK; else %FALSE with the server's NO or
 *   BAD as %TERN_IMAP_ERROR, or the error that broke the connection
 */
gboolean
tern_imap_session_wait (TernImapSession  *self,
                        TernImapCommand  *command,
                        GCancellable     *cancellable,
                        GError          **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (command != NULL && command->sent, FALSE);

  if (!command->done && !tern_net_connection_flush (self->connection, cancellable, &local_error))
    {
      break_session (self, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  while (!command->done)
    {
      if (!process_one (self, FALSE, cancellable, error))
        return FALSE;
    }

  return tern_imap_command_propagate_error (command, error);
}

/**
 * tern_imap_session_execute:
 *
 * Submits @command and waits for it.
 */
gboolean
tern_imap_session_execute (TernImapSession  *self,
                           TernImapCommand  *command,
                           GCancellable     *cancellable,
                           GError          **error)
{
  return tern_imap_session_submit (self, command, cancellable, error) &&
         tern_imap_session_wait (self, command, cancellable, error);
}

gboolean
_tern_imap_session_simple_command (TernImapSession  *self,
                const char       *name,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autoptr(TernImapCommand) command = tern_imap_command_new (name);

  return tern_imap_session_execute (self, command, cancellable, error);
}

/* ---- connecting --------------------------------------------------------------------- */

/**
 * tern_imap_session_capability:
 *
 * Asks for the capabilities again.
 */
gboolean
tern_imap_session_capability (TernImapSession  *self,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  return _tern_imap_session_simple_command (self, "CAPABILITY", cancellable, error);
}

gboolean
tern_imap_session_noop (TernImapSession  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  return _tern_imap_session_simple_command (self, "NOOP", cancellable, error);
}

static void
reset_selected (TernImapSession *self)
{
  g_clear_pointer (&self->selected, g_free);
  self->read_only = FALSE;
  self->exists = 0;
  self->recent = 0;
  self->uidvalidity = 0;
  self->uidnext = 0;
  self->highest_modseq = 0;
  g_clear_pointer (&self->flags, g_strfreev);
  g_clear_pointer (&self->permanent_flags, g_strfreev);
}

/**
 * tern_imap_session_close:
 *
 * Closes the connection without LOGOUT. The session can connect again.
 */
void
tern_imap_session_close (TernImapSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TERN_IMAP_IS_SESSION (self));

  error = g_error_new (TERN_NET_ERROR, TERN_NET_ERROR_CLOSED, _("The connection to %s is closed"),
                       tern_net_connection_get_host (self->connection));
  break_session (self, error);
  self->state = TERN_IMAP_SESSION_DISCONNECTED;
}

static gboolean
starttls (TernImapSession  *self,
          GCancellable     *cancellable,
          GError          **error)
{
  const char *host = tern_net_connection_get_host (self->connection);

  if (self->state == TERN_IMAP_SESSION_AUTHENTICATED)
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
                   _("%s logged the session in before it was encrypted (PREAUTH), so STARTTLS is "
                     "impossible; Tern does not use an unencrypted connection"), host);
      return FALSE;
    }

  if (g_hash_table_size (self->capabilities) == 0 && !tern_imap_session_capability (self, cancellable, error))
    return FALSE;

  if (!tern_imap_session_has_capability (self, "STARTTLS"))
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
                   _("%s does not offer STARTTLS; Tern does not fall back to an unencrypted "
                     "connection"), host);
      return FALSE;
    }

  if (!_tern_imap_session_simple_command (self, "STARTTLS", cancellable, error))
    return FALSE;

  if (!tern_net_connection_start_tls (self->connection, cancellable, error))
    return FALSE;

  /* What the server said before TLS is not trusted (RFC 3501 6.2.1). */
  g_hash_table_remove_all (self->capabilities);
  self->capabilities_generation++;
  return tern_imap_session_capability (self, cancellable, error);
}

/**
 * tern_imap_session_connect:
 *
 * Connects (with TLS from the start, or STARTTLS), reads the greeting, learns the
 * capabilities and, when credentials are set, logs in.
 */
gboolean
tern_imap_session_connect (TernImapSession  *self,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autoptr(TernImapResponse) greeting = NULL;
  GError *local_error = NULL;
  gboolean started;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (self->state == TERN_IMAP_SESSION_DISCONNECTED ||
                        self->state == TERN_IMAP_SESSION_LOGGED_OUT, FALSE);

  g_clear_error (&self->broken);
  g_clear_pointer (&self->bye_text, g_free);
  g_hash_table_remove_all (self->capabilities);
  g_hash_table_remove_all (self->enabled);
  tern_imap_parser_reset (self->parser);
  reset_selected (self);

  if (!tern_net_connection_connect (self->connection, cancellable, error))
    return FALSE;

  greeting = read_response (self, &started, cancellable, &local_error);
  if (greeting == NULL)
    {
      propagate_read_error (self, error, local_error);
      return FALSE;
    }

  if (tern_imap_response_get_kind (greeting) != TERN_IMAP_RESPONSE_UNTAGGED ||
      (tern_imap_response_get_status (greeting) != TERN_IMAP_STATUS_OK &&
       tern_imap_response_get_status (greeting) != TERN_IMAP_STATUS_PREAUTH &&
       tern_imap_response_get_status (greeting) != TERN_IMAP_STATUS_BYE))
    {
      protocol_error (self, error, _("The server did not greet like an IMAP server"));
      return FALSE;
    }

  handle_untagged (self, greeting);
  if (tern_imap_response_get_status (greeting) == TERN_IMAP_STATUS_BYE)
    {
      g_autoptr(GError) bye = g_error_new (TERN_IMAP_ERROR, TERN_IMAP_ERROR_BYE,
                                           _("The server refused the connection: %s"), self->bye_text);

      tern_imap_error_set_server_reply (bye, NULL, self->bye_text);
      break_session (self, bye);
      g_propagate_error (error, g_steal_pointer (&bye));
      return FALSE;
    }

  self->state = tern_imap_response_get_status (greeting) == TERN_IMAP_STATUS_PREAUTH
                ? TERN_IMAP_SESSION_AUTHENTICATED : TERN_IMAP_SESSION_NOT_AUTHENTICATED;

  if (tern_net_connection_get_security (self->connection) == TERN_NET_SECURITY_STARTTLS &&
      !starttls (self, cancellable, error))
    goto failed;

  if (g_hash_table_size (self->capabilities) == 0 && !tern_imap_session_capability (self, cancellable, error))
    goto failed;

  if (self->username != NULL && self->state == TERN_IMAP_SESSION_NOT_AUTHENTICATED &&
      !tern_imap_session_login (self, cancellable, error))
    goto failed;

  return TRUE;

failed:
  tern_imap_session_close (self);
  return FALSE;
}

/* ---- IDLE ------------------------------------------------------------------------------ */

/**
 * tern_imap_session_idle:
 * @timeout_seconds: how long to wait; 0 means %TERN_IMAP_DEFAULT_IDLE_TIMEOUT (29 minutes,
 *   RFC 2177)
 *
 * Sends IDLE and waits until the server reports a change (EXISTS, EXPUNGE, FETCH or
 * VANISHED, delivered as signals), @timeout_seconds pass, or @cancellable is
 * cancelled; then sends DONE and reads the completion. The connection's I/O timeout is
 * raised for the wait and restored after.
 *
 * @cancellable ends the wait only: IDLE and its continuation are sent and read
 * without it (within the I/O timeout), because a read cut there would leave the
 * session broken, or the server idling; cancelled before the server's "+", the IDLE
 * is still ended with DONE. Already cancelled, nothing is sent.
 *
 * Returns: %TRUE after a change or the timeout; %FALSE with %G_IO_ERROR_CANCELLED when
 *   cancelled (the session stays usable), or another error
 */
gboolean
tern_imap_session_idle (TernImapSession  *self,
                        guint             timeout_seconds,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  g_autoptr(TernImapResponse) go_ahead = NULL;
  g_autoptr(GError) wait_error = NULL;
  GError *local_error = NULL;
  gboolean cancelled = FALSE;
  guint io_timeout;
  guint events;
  gboolean ok;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, FALSE, error) ||
      !_tern_imap_session_require (self, "IDLE", _("waiting for changes"), error))
    return FALSE;

  if (timeout_seconds == 0)
    timeout_seconds = TERN_IMAP_DEFAULT_IDLE_TIMEOUT;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  command = tern_imap_command_new ("IDLE");
  if (!tern_imap_session_submit (self, command, NULL, error))
    return FALSE;

  events = self->events;
  go_ahead = _tern_imap_session_wait_continuation (self, command, NULL, &local_error);
  if (go_ahead == NULL)
    {
      /* A failure, or the server refused IDLE. */
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        tern_imap_command_propagate_error (command, error);
      return FALSE;
    }

  io_timeout = tern_net_connection_get_io_timeout (self->connection);
  tern_net_connection_set_io_timeout (self->connection, timeout_seconds);
  while (self->events == events)
    {
      if (!process_one (self, TRUE, cancellable, &wait_error))
        break;
    }
  tern_net_connection_set_io_timeout (self->connection, io_timeout);

  if (wait_error != NULL)
    {
      if (g_error_matches (wait_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cancelled = TRUE;
      else if (!g_error_matches (wait_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) || self->broken != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&wait_error));
          return FALSE;
        }
    }

  /* DONE, and the completion; after a cancellation, without the cancellable and with a
   * short timeout, so that the session stays usable. */
  tern_net_connection_queue_line (self->connection, "DONE");
  if (cancelled)
    {
      tern_net_connection_set_io_timeout (self->connection, io_timeout > 0 ? MIN (io_timeout, DRAIN_TIMEOUT)
                                                                           : DRAIN_TIMEOUT);
      ok = tern_imap_session_wait (self, command, NULL, error);
      tern_net_connection_set_io_timeout (self->connection, io_timeout);
      if (!ok)
        return FALSE;
      g_propagate_error (error, g_steal_pointer (&wait_error));
      return FALSE;
    }

  return tern_imap_session_wait (self, command, cancellable, error);
}

/* ---- the selected mailbox ------------------------------------------------------------- */

/**
 * tern_imap_session_get_selected_mailbox:
 *
 * Returns: (nullable): the name (UTF-8) of the selected mailbox
 */
const char *
tern_imap_session_get_selected_mailbox (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);

  return self->state == TERN_IMAP_SESSION_SELECTED ? self->selected : NULL;
}

gboolean
tern_imap_session_is_read_only (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  return self->read_only;
}

guint32
tern_imap_session_get_exists (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), 0);

  return self->exists;
}

guint32
tern_imap_session_get_uidvalidity (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), 0);

  return self->uidvalidity;
}

guint32
tern_imap_session_get_uidnext (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), 0);

  return self->uidnext;
}

/**
 * tern_imap_session_get_highest_modseq:
 *
 * Returns: the HIGHESTMODSEQ of the selected mailbox; 0 without CONDSTORE or with
 *   NOMODSEQ
 */
guint64
tern_imap_session_get_highest_modseq (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), 0);

  return self->highest_modseq;
}

/**
 * tern_imap_session_dup_permanent_flags:
 *
 * Returns: (transfer full) (nullable): the PERMANENTFLAGS of the selected mailbox
 */
char **
tern_imap_session_dup_permanent_flags (TernImapSession *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);

  return g_strdupv (self->permanent_flags);
}

void
_tern_imap_session_set_selected (TernImapSession *self,
                                 const char      *mailbox,
                                 gboolean         selected)
{
  if (!selected)
    {
      reset_selected (self);
      if (self->state == TERN_IMAP_SESSION_SELECTED)
        self->state = TERN_IMAP_SESSION_AUTHENTICATED;
      return;
    }
  g_free (self->selected);
  self->selected = g_strdup (mailbox);
  self->state = TERN_IMAP_SESSION_SELECTED;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
tern_imap_session_dispose (GObject *object)
{
  TernImapSession *self = TERN_IMAP_SESSION (object);

  if (self->connection != NULL)
    tern_net_connection_close (self->connection);

  G_OBJECT_CLASS (tern_imap_session_parent_class)->dispose (object);
}

static void
tern_imap_session_finalize (GObject *object)
{
  TernImapSession *self = TERN_IMAP_SESSION (object);
  TernImapCommand *command;

  while ((command = g_queue_pop_head (&self->pending)) != NULL)
    tern_imap_command_unref (command);
  g_clear_object (&self->connection);
  g_clear_object (&self->parser);
  g_free (self->username);
  tern_net_secret_free (self->secret);
  g_clear_pointer (&self->capabilities, g_hash_table_unref);
  g_clear_pointer (&self->disabled, g_hash_table_unref);
  g_clear_pointer (&self->enabled, g_hash_table_unref);
  g_clear_pointer (&self->continuation, tern_imap_response_unref);
  g_free (self->bye_text);
  g_clear_error (&self->broken);
  reset_selected (self);
  g_mutex_clear (&self->jobs_lock);

  G_OBJECT_CLASS (tern_imap_session_parent_class)->finalize (object);
}

static void
tern_imap_session_class_init (TernImapSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_imap_session_dispose;
  object_class->finalize = tern_imap_session_finalize;

  /**
   * TernImapSession::exists:
   * @count: the number of messages in the selected mailbox
   *
   * Emitted on the thread that drives the session.
   */
  _tern_imap_session_signals[SIGNAL_EXISTS] =
    g_signal_new ("exists", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * TernImapSession::expunge:
   * @number: the message number (not UID) of the message that is gone
   */
  _tern_imap_session_signals[SIGNAL_EXPUNGE] =
    g_signal_new ("expunge", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * TernImapSession::vanished:
   * @uids: the UIDs of messages that are gone (QRESYNC)
   * @earlier: whether this reports earlier expunges (VANISHED (EARLIER))
   */
  _tern_imap_session_signals[SIGNAL_VANISHED] =
    g_signal_new ("vanished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TERN_IMAP_TYPE_UID_SET | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_BOOLEAN);

  /**
   * TernImapSession::fetch:
   * @response: a FETCH response no command asked for (a flag change by another client,
   *   the changes SELECT (QRESYNC) reports, the replies to STORE)
   */
  _tern_imap_session_signals[SIGNAL_FETCH] =
    g_signal_new ("fetch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TERN_IMAP_TYPE_RESPONSE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * TernImapSession::alert:
   * @text: an [ALERT] the server wants the user to see (sanitized)
   */
  _tern_imap_session_signals[SIGNAL_ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tern_imap_session_init (TernImapSession *self)
{
  self->parser = tern_imap_parser_new ();
  self->capabilities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->disabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->enabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->state = TERN_IMAP_SESSION_DISCONNECTED;
  g_queue_init (&self->pending);
  g_queue_init (&self->jobs);
  g_mutex_init (&self->jobs_lock);
}
