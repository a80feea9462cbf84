/* tern-imap-command.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-command-private.h"
#include "tern-net-sasl.h"
#include "tern-imap-error.h"

/*
 * A command is its name ("UID FETCH") and typed arguments. How an argument goes on the
 * wire (atom, quoted string, synchronizing or LITERAL+ literal, modified UTF-7) depends
 * on the server's capabilities, so TernImapSession serializes it when it is sent.
 * Commands are reference counted: the caller and the session's pipeline share them.
 */

G_DEFINE_BOXED_TYPE (TernImapCommand, tern_imap_command, tern_imap_command_ref, tern_imap_command_unref)

static gboolean
is_secret (const TernImapPart *part)
{
  return part->kind == PART_SECRET || part->kind == PART_SECRET_ATOM;
}

static void
clear_part (TernImapPart *part)
{
  if (is_secret (part))
    tern_net_secret_free (g_steal_pointer (&part->text));
  g_clear_pointer (&part->text, g_free);
  g_clear_pointer (&part->bytes, g_bytes_unref);
}

/* Once a command is on its way, its secrets (a password, an AUTHENTICATE payload) are
 * not needed any more: they are wiped then, not when the command is freed. */
void
_tern_imap_command_wipe_secrets (TernImapCommand *self)
{
  for (guint i = 0; i < self->parts->len; i++)
    {
      TernImapPart *part = &g_array_index (self->parts, TernImapPart, i);

      if (is_secret (part) && part->text != NULL)
        {
          tern_net_secret_free (part->text);
          part->text = g_strdup ("");
        }
    }
}

/**
 * tern_imap_command_new:
 * @name: the command, such as "NOOP" or "UID FETCH" (atoms, sent as is)
 *
 * Returns: (transfer full): a new command
 */
TernImapCommand *
tern_imap_command_new (const char *name)
{
  TernImapCommand *self;

  g_return_val_if_fail (name != NULL && strpbrk (name, "\r\n") == NULL, NULL);

  self = g_new0 (TernImapCommand, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->parts = g_array_new (FALSE, TRUE, sizeof (TernImapPart));
  g_array_set_clear_func (self->parts, (GDestroyNotify) clear_part);
  return self;
}

TernImapCommand *
tern_imap_command_ref (TernImapCommand *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tern_imap_command_unref (TernImapCommand *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->name);
  g_array_unref (self->parts);
  g_clear_pointer (&self->completion, tern_imap_response_unref);
  g_clear_error (&self->error);
  g_free (self);
}

static void add_part (TernImapCommand  *self,
                      TernImapPartKind  kind,
                      const char       *text,
                      GBytes           *bytes);

/* A space before an argument, except right after an opening parenthesis. */
static void
add_separator (TernImapCommand *self)
{
  if (self->parts->len > 0)
    {
      const TernImapPart *last = &g_array_index (self->parts, TernImapPart, self->parts->len - 1);

      if (last->kind == PART_TEXT && last->text[0] != '\0' && g_str_has_suffix (last->text, "("))
        return;
    }
  add_part (self, PART_TEXT, " ", NULL);
}

static void
add_part (TernImapCommand  *self,
          TernImapPartKind  kind,
          const char       *text,
          GBytes           *bytes)
{
  TernImapPart part = { kind, g_strdup (text), bytes ? g_bytes_ref (bytes) : NULL };

  g_return_if_fail (!self->sent);

  g_array_append_val (self->parts, part);
}

/**
 * tern_imap_command_add_atom:
 * @atom: text sent as is after a space (none after an opening parenthesis): an atom,
 *   a sequence set, a parenthesized list of atoms such as "(FLAGS UID)", or "(" to open
 *   a list; it must not hold CR or LF
 */
void
tern_imap_command_add_atom (TernImapCommand *self,
                            const char      *atom)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (atom != NULL && strpbrk (atom, "\r\n") == NULL);

  add_separator (self);
  add_part (self, PART_TEXT, atom, NULL);
}

/**
 * tern_imap_command_add_raw:
 * @text: text sent as is, without a space before it
 */
void
tern_imap_command_add_raw (TernImapCommand *self,
                           const char      *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL && strpbrk (text, "\r\n") == NULL);

  add_part (self, PART_TEXT, text, NULL);
}

void
tern_imap_command_add_number (TernImapCommand *self,
                              guint64          number)
{
  char buffer[32];

  g_snprintf (buffer, sizeof buffer, "%" G_GUINT64_FORMAT, number);
  tern_imap_command_add_atom (self, buffer);
}

/**
 * tern_imap_command_add_string:
 *
 * Adds an astring: quoted when it can be, a literal when it holds CR, LF, NUL or
 * (without UTF8=ACCEPT) 8-bit bytes.
 */
void
tern_imap_command_add_string (TernImapCommand *self,
                              const char      *string)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (string != NULL);

  add_separator (self);
  add_part (self, PART_STRING, string, NULL);
}

/**
 * tern_imap_command_add_secret:
 *
 * Like tern_imap_command_add_string(), for a password: the transcript shows
 * "<redacted>" from here to the end of the line.
 */
void
tern_imap_command_add_secret (TernImapCommand *self,
                              const char      *secret)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (secret != NULL);

  add_separator (self);
  add_part (self, PART_SECRET, secret, NULL);
}

void
_tern_imap_command_add_secret_atom (TernImapCommand *self,
                                    const char      *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL && strpbrk (text, "\r\n") == NULL);

  add_separator (self);
  add_part (self, PART_SECRET_ATOM, text, NULL);
}

/**
 * tern_imap_command_add_literal:
 *
 * Adds @data as a literal (a message for APPEND); with LITERAL+ it goes without waiting
 * for the server's go-ahead.
 */
void
tern_imap_command_add_literal (TernImapCommand *self,
                               GBytes          *data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL);

  add_separator (self);
  add_part (self, PART_LITERAL, NULL, data);
}

/**
 * tern_imap_command_add_mailbox:
 * @utf8_name: a mailbox name in UTF-8; sent in modified UTF-7 unless the session has
 *   UTF-8 names
 */
void
tern_imap_command_add_mailbox (TernImapCommand *self,
                               const char      *utf8_name)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (utf8_name != NULL && g_utf8_validate (utf8_name, -1, NULL));

  add_separator (self);
  add_part (self, PART_MAILBOX, utf8_name, NULL);
}

/**
 * tern_imap_command_set_untagged_handler:
 * @func: (scope notified): sees every untagged response while the command is in
 *   progress, on the thread that drives the session
 */
void
tern_imap_command_set_untagged_handler (TernImapCommand      *self,
                                        TernImapUntaggedFunc  func,
                                        gpointer              user_data)
{
  g_return_if_fail (self != NULL);

  self->untagged = func;
  self->untagged_data = user_data;
}

const char *
tern_imap_command_get_name (TernImapCommand *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

/**
 * tern_imap_command_get_tag:
 *
 * Returns: the tag, once the command has been sent ("" before)
 */
const char *
tern_imap_command_get_tag (TernImapCommand *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tag;
}

gboolean
tern_imap_command_is_done (TernImapCommand *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->done;
}

/**
 * tern_imap_command_get_status:
 *
 * Returns: the completion's status: OK, NO or BAD; NONE while it is in progress or when
 *   the connection failed
 */
TernImapStatus
tern_imap_command_get_status (TernImapCommand *self)
{
  g_return_val_if_fail (self != NULL, TERN_IMAP_STATUS_NONE);

  return self->status;
}

/**
 * tern_imap_command_get_completion:
 *
 * Returns: (transfer none) (nullable): the tagged response that completed the command,
 *   with its response code (`[APPENDUID 38505 3955]`)
 */
TernImapResponse *
tern_imap_command_get_completion (TernImapCommand *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->completion;
}

void
_tern_imap_command_complete (TernImapCommand  *self,
                             TernImapResponse *response)
{
  self->done = TRUE;
  self->status = tern_imap_response_get_status (response);
  g_clear_pointer (&self->completion, tern_imap_response_unref);
  self->completion = tern_imap_response_ref (response);
}

void
_tern_imap_command_fail (TernImapCommand *self,
                         const GError    *error)
{
  if (self->done)
    return;
  self->done = TRUE;
  self->status = TERN_IMAP_STATUS_NONE;
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
}

/**
 * tern_imap_command_propagate_error:
 *
 * Returns: %TRUE when the command completed with OK; otherwise %FALSE with @error:
 *   %TERN_IMAP_ERROR_NO, _BAD or _AUTHENTICATION_FAILED with the server's text, or the
 *   error that broke the connection
 */
gboolean
tern_imap_command_propagate_error (TernImapCommand  *self,
                                   GError          **error)
{
  g_autofree char *text = NULL;
  const char *code;
  int error_code;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  if (!self->done)
    {
      g_set_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PROTOCOL,
                   _("The command %s has not completed"), self->name);
      return FALSE;
    }
  if (self->status == TERN_IMAP_STATUS_OK)
    return TRUE;

  text = tern_imap_sanitize_text (tern_imap_response_get_text (self->completion), -1);
  code = tern_imap_response_get_code_name (self->completion);

  if (((self->flags & TERN_IMAP_COMMAND_AUTH) && self->status == TERN_IMAP_STATUS_NO) ||
      g_strcmp0 (code, "AUTHENTICATIONFAILED") == 0 || g_strcmp0 (code, "AUTHORIZATIONFAILED") == 0)
    {
      error_code = TERN_IMAP_ERROR_AUTHENTICATION_FAILED;
      g_set_error (error, TERN_IMAP_ERROR, error_code,
                   _("The server refused the login: %s"), text);
    }
  else if (self->status == TERN_IMAP_STATUS_BAD)
    {
      error_code = TERN_IMAP_ERROR_BAD;
      g_set_error (error, TERN_IMAP_ERROR, error_code,
                   _("The server did not understand the command %s: %s"), self->name, text);
    }
  else
    {
      error_code = TERN_IMAP_ERROR_NO;
      g_set_error (error, TERN_IMAP_ERROR, error_code,
                   _("The server refused the command %s: %s"), self->name, text);
    }

  if (error != NULL && *error != NULL)
    tern_imap_error_set_server_reply (*error, code, text);
  return FALSE;
}
