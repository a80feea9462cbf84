/* tern-mail-account-builder.c: an account from detected and typed settings
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the account assistant and `tern-cli account add|set` both do: take what
 * detection found (TernAutoconfigResult), what the user typed (which wins), fill in
 * the defaults (the login is the address, the outgoing server's login the incoming
 * one's, the ports of the security chosen), and check the result:
 *
 *  - an address, a protocol and an incoming server;
 *  - settings of the other protocol are refused rather than silently ignored;
 *  - a pinned certificate is a SHA-256 fingerprint or a PEM file, read now (only
 *    its fingerprint is kept: the file may go away);
 *  - no encryption on a server needs the user's explicit consent every time
 *    (tern_mail_account_builder_set_allow_plaintext()): detection may propose it (a
 *    provider database entry or a probe that found no TLS, which an attacker on the
 *    network can arrange), never switch it on.
 *
 * A builder made from an existing account (tern_mail_account_builder_new_for_account())
 * starts from its settings, for a change of some of them.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-account-error.h"
#include "tern-mail-account-builder.h"
#include "tern-net-connection.h"
#include "tern-net-error.h"

typedef struct
{
  char    *host;
  guint16  port;
  int      security;   /* TernNetSecurity, -1: not given */
  char    *user;
} Typed;

struct _TernMailAccountBuilder
{
  GObject               parent_instance;

  char                 *email;
  TernAccount          *base;          /* the account being changed, or NULL */
  char                 *name;
  gboolean              has_protocol;
  TernAccountProtocol   protocol;
  TernAutoconfigResult *detected;
  Typed                 in;
  Typed                 out;
  char                 *password;
  char                 *password_command;
  gboolean              has_password_command;
  char                 *pin;           /* sha256:hex, or NULL */
  gboolean              has_pin;
  gboolean              allow_plaintext;
  char                 *signature;
  gboolean              has_signature;
  gboolean              has_ask_password;
  gboolean              ask_password;

  /* the sync settings given, and for which protocol they are */
  gboolean              has_body_days, has_files_sent, has_leave, has_delete_after, has_delete_when, has_backup;
  guint                 body_days, delete_after_days;
  gboolean              files_sent, leave, delete_when, backup;
};

G_DEFINE_FINAL_TYPE (TernMailAccountBuilder, tern_mail_account_builder, G_TYPE_OBJECT)

static void
typed_clear (Typed *typed)
{
  g_clear_pointer (&typed->host, g_free);
  g_clear_pointer (&typed->user, g_free);
}

static void
wipe_password (char **password)
{
  if (*password != NULL)
    {
      memset (*password, 0, strlen (*password));
      g_clear_pointer (password, g_free);
    }
}

static void
tern_mail_account_builder_finalize (GObject *object)
{
  TernMailAccountBuilder *self = TERN_MAIL_ACCOUNT_BUILDER (object);

  g_free (self->email);
  g_clear_object (&self->base);
  g_free (self->name);
  g_clear_object (&self->detected);
  typed_clear (&self->in);
  typed_clear (&self->out);
  wipe_password (&self->password);
  g_free (self->password_command);
  g_free (self->pin);
  g_free (self->signature);
  G_OBJECT_CLASS (tern_mail_account_builder_parent_class)->finalize (object);
}

static void
tern_mail_account_builder_class_init (TernMailAccountBuilderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_mail_account_builder_finalize;
}

static void
tern_mail_account_builder_init (TernMailAccountBuilder *self)
{
  self->in.security = -1;
  self->out.security = -1;
}

/**
 * tern_mail_account_builder_new:
 * @email: the new account's address
 */
TernMailAccountBuilder *
tern_mail_account_builder_new (const char *email)
{
  TernMailAccountBuilder *self = g_object_new (TERN_TYPE_MAIL_ACCOUNT_BUILDER, NULL);

  self->email = g_strdup (email);
  return self;
}

/**
 * tern_mail_account_builder_new_for_account:
 *
 * A builder that changes @account's settings: what is not set keeps its value.
 */
TernMailAccountBuilder *
tern_mail_account_builder_new_for_account (TernAccount *account)
{
  TernMailAccountBuilder *self;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), NULL);

  self = tern_mail_account_builder_new (tern_account_get_email (account));
  self->base = g_object_ref (account);
  self->has_protocol = TRUE;
  self->protocol = tern_account_get_protocol (account);
  self->allow_plaintext = tern_account_get_allow_plaintext_auth (account);
  return self;
}

const char *
tern_mail_account_builder_get_email (TernMailAccountBuilder *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self), NULL);
  return self->email;
}

/**
 * tern_mail_account_builder_is_new:
 *
 * Returns: %TRUE for a new account, %FALSE for a change to an existing one
 */
gboolean
tern_mail_account_builder_is_new (TernMailAccountBuilder *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self), FALSE);
  return self->base == NULL;
}

void
tern_mail_account_builder_set_name (TernMailAccountBuilder *self, const char *name)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  g_free (self->name);
  self->name = g_strdup (name);
}

void
tern_mail_account_builder_set_protocol (TernMailAccountBuilder *self, TernAccountProtocol protocol)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  g_return_if_fail (self->base == NULL || protocol == tern_account_get_protocol (self->base));
  self->has_protocol = TRUE;
  self->protocol = protocol;
}

/**
 * tern_mail_account_builder_get_protocol:
 * @protocol: (out): the protocol given, or the one detection found (IMAP when it
 *   found both)
 *
 * Returns: %FALSE when neither the user nor detection gave one
 */
gboolean
tern_mail_account_builder_get_protocol (TernMailAccountBuilder *self, TernAccountProtocol *protocol)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self), FALSE);

  if (self->has_protocol)
    {
      *protocol = self->protocol;
      return TRUE;
    }
  if (self->detected != NULL)
    {
      if (tern_autoconfig_result_get_server (self->detected, TERN_AUTOCONFIG_PROTOCOL_IMAP) != NULL)
        *protocol = TERN_ACCOUNT_PROTOCOL_IMAP;
      else if (tern_autoconfig_result_get_server (self->detected, TERN_AUTOCONFIG_PROTOCOL_POP3) != NULL)
        *protocol = TERN_ACCOUNT_PROTOCOL_POP3;
      else
        return FALSE;
      return TRUE;
    }
  return FALSE;
}

/**
 * tern_mail_account_builder_set_detected:
 * @detected: (nullable): what detection found for the address
 */
void
tern_mail_account_builder_set_detected (TernMailAccountBuilder *self, TernAutoconfigResult *detected)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  g_set_object (&self->detected, detected);
}

static void
typed_set (Typed *typed, const char *host, guint16 port, int security, const char *user)
{
  if (host != NULL)
    {
      g_free (typed->host);
      typed->host = g_strdup (host);
    }
  if (port != 0)
    typed->port = port;
  if (security >= 0)
    typed->security = security;
  if (user != NULL)
    {
      g_free (typed->user);
      typed->user = g_strdup (user);
    }
}

/**
 * tern_mail_account_builder_set_incoming:
 * @host: (nullable): the host, %NULL to keep the detected (or current) one
 * @port: the port, 0 for the detected one or the default of the security
 * @security: a #TernNetSecurity, or -1 for the detected one (TLS by default)
 * @user: (nullable): the login, %NULL for the detected one or the address
 *
 * What the user typed for the incoming server; it wins over detection.
 */
void
tern_mail_account_builder_set_incoming (TernMailAccountBuilder *self, const char *host, guint16 port, int security,
                                        const char *user)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  typed_set (&self->in, host, port, security, user);
}

/**
 * tern_mail_account_builder_set_outgoing:
 *
 * Like tern_mail_account_builder_set_incoming(), for the SMTP server (its host
 * defaults to the incoming one's, its login to the incoming login).
 */
void
tern_mail_account_builder_set_outgoing (TernMailAccountBuilder *self, const char *host, guint16 port, int security,
                                        const char *user)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  typed_set (&self->out, host, port, security, user);
}

/**
 * tern_mail_account_builder_set_password:
 *
 * The password to keep in the keyring when the account is added (tern_mail's
 * add_account does it); wiped from memory with the builder.
 */
void
tern_mail_account_builder_set_password (TernMailAccountBuilder *self, const char *password)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  wipe_password (&self->password);
  self->password = g_strdup (password);
}

const char *
tern_mail_account_builder_get_password (TernMailAccountBuilder *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self), NULL);
  return self->password;
}

void
tern_mail_account_builder_set_password_command (TernMailAccountBuilder *self, const char *command)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  g_free (self->password_command);
  self->password_command = g_strdup (command);
  self->has_password_command = TRUE;
}

/**
 * tern_mail_account_builder_set_pinned_certificate:
 * @pin: (nullable): "sha256:" and 64 hexadecimal digits, or the path of a PEM file;
 *   %NULL to trust the system's certificate authorities again
 *
 * Trusts exactly this certificate for the account's servers, and no other account's.
 *
 * Returns: %FALSE with %TERN_ACCOUNT_ERROR_INVALID when @pin is neither
 */
gboolean
tern_mail_account_builder_set_pinned_certificate (TernMailAccountBuilder *self, const char *pin, GError **error)
{
  g_autoptr(TernNetConnection) probe = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self), FALSE);

  if (pin == NULL)
    {
      g_clear_pointer (&self->pin, g_free);
      self->has_pin = TRUE;
      return TRUE;
    }

  /* The connection's own check of the form, so that what it accepts is what we keep. */
  probe = tern_net_connection_new ("localhost", 1, TERN_NET_SECURITY_TLS);
  if (!tern_net_connection_set_pinned_certificate (probe, pin, &local_error))
    {
      g_set_error_literal (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID, local_error->message);
      return FALSE;
    }
  g_free (self->pin);
  if (g_ascii_strncasecmp (pin, "sha256:", 7) == 0)
    self->pin = g_ascii_strdown (pin, -1);
  else
    {
      certificate = g_tls_certificate_new_from_file (pin, &local_error);
      if (certificate == NULL)
        {
          self->pin = NULL;
          g_set_error_literal (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID, local_error->message);
          return FALSE;
        }
      self->pin = tern_net_certificate_get_fingerprint (certificate);
    }
  self->has_pin = TRUE;
  return TRUE;
}

/**
 * tern_mail_account_builder_pin_certificate:
 *
 * Trusts exactly @certificate (one the user reviewed: the assistant's "Trust This
 * Certificate").
 */
void
tern_mail_account_builder_pin_certificate (TernMailAccountBuilder *self, GTlsCertificate *certificate)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));

  g_free (self->pin);
  self->pin = tern_net_certificate_get_fingerprint (certificate);
  self->has_pin = TRUE;
}

/**
 * tern_mail_account_builder_set_allow_plaintext:
 *
 * The user's explicit consent that the password may cross an unencrypted
 * connection. Without it, an account with a server set to no encryption is refused.
 */
void
tern_mail_account_builder_set_allow_plaintext (TernMailAccountBuilder *self, gboolean allow)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  self->allow_plaintext = allow;
}

/**
 * tern_mail_account_builder_set_signature:
 * @signature: (nullable): the text added under the messages written from the account
 */
void
tern_mail_account_builder_set_signature (TernMailAccountBuilder *self, const char *signature)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  g_free (self->signature);
  self->signature = g_strdup (signature);
  self->has_signature = TRUE;
}

/**
 * tern_mail_account_builder_set_ask_password:
 *
 * The password is kept nowhere (no keyring): it is asked each time Tern starts and
 * kept in memory until it quits. The password given to the builder is kept so, in
 * memory, when the account is added.
 */
void
tern_mail_account_builder_set_ask_password (TernMailAccountBuilder *self, gboolean ask)
{
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self));
  self->ask_password = ask;
  self->has_ask_password = TRUE;
}

#define SETTER(name, type, field, flag) \
  void \
  tern_mail_account_builder_set_##name (TernMailAccountBuilder *self, type value) \
  { \
    g_return_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self)); \
    self->field = value; \
    self->flag = TRUE; \
  }

SETTER (body_days, guint, body_days, has_body_days)
SETTER (server_files_sent, gboolean, files_sent, has_files_sent)
SETTER (leave_on_server, gboolean, leave, has_leave)
SETTER (delete_after_days, guint, delete_after_days, has_delete_after)
SETTER (delete_when_deleted, gboolean, delete_when, has_delete_when)
SETTER (backup, gboolean, backup, has_backup)

/* ---- building ------------------------------------------------------------------------- */

/* The server the user's entries and detection make, over @current (the account's,
 * when it is being changed). */
static void
merge_server (const Typed *typed, const TernAutoconfigServer *found, const TernServer *current,
              const char *default_host, const char *default_user, gboolean smtp, TernAccountProtocol protocol,
              char **host, guint16 *port, TernNetSecurity *security, char **user)
{
  const char *h = typed->host;
  const char *u = typed->user;
  TernNetSecurity s;
  guint16 p = typed->port;

  if (h == NULL && found != NULL)
    h = found->host;
  if (h == NULL && current != NULL)
    h = current->host;
  if (h == NULL)
    h = default_host;

  if (typed->security >= 0)
    s = (TernNetSecurity) typed->security;
  else if (typed->host == NULL && found != NULL)
    s = found->security;
  else if (typed->host == NULL && current != NULL && current->host != NULL)
    s = current->security;
  else
    s = TERN_NET_SECURITY_TLS;

  if (p == 0)
    {
      /* The port found goes with the host and security found. */
      if (found != NULL && typed->host == NULL && typed->security < 0)
        p = found->port;
      else if (current != NULL && current->host != NULL && typed->host == NULL && typed->security < 0)
        p = current->port;
      else
        p = smtp ? tern_account_default_smtp_port (s) : tern_account_default_port (protocol, s);
    }

  if (u == NULL && found != NULL && typed->host == NULL)
    u = found->user;
  if (u == NULL && current != NULL)
    u = current->user;
  if (u == NULL)
    u = default_user;

  *host = g_strdup (h);
  *port = p;
  *security = s;
  *user = g_strdup (u);
}

static gboolean
check_protocol_settings (TernMailAccountBuilder *self, TernAccountProtocol protocol, GError **error)
{
  const char *wrong = NULL;

  if (protocol == TERN_ACCOUNT_PROTOCOL_IMAP)
    wrong = self->has_leave ? "leave-on-server" : self->has_delete_after ? "delete-after-days"
            : self->has_delete_when ? "delete-when-deleted" : self->has_backup ? "backup" : NULL;
  else
    wrong = self->has_body_days ? "body-days" : self->has_files_sent ? "server-files-sent" : NULL;
  if (wrong == NULL)
    return TRUE;
  g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
               /* Translators: "the setting leave-on-server is for POP3 accounts; alice@example.com is IMAP" */
               _("the setting %s is for %s accounts; %s is %s"), wrong,
               protocol == TERN_ACCOUNT_PROTOCOL_IMAP ? "POP3" : "IMAP", self->email,
               tern_account_protocol_to_string (protocol));
  return FALSE;
}

/**
 * tern_mail_account_builder_needs_plaintext:
 *
 * Returns: whether the account, as built now, has a server without encryption (the
 *   caller asks the user for consent, then calls
 *   tern_mail_account_builder_set_allow_plaintext())
 */
gboolean
tern_mail_account_builder_needs_plaintext (TernMailAccountBuilder *self)
{
  g_autoptr(TernAccount) account = NULL;
  gboolean allow;

  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self), FALSE);

  allow = self->allow_plaintext;
  self->allow_plaintext = TRUE;
  account = tern_mail_account_builder_build (self, NULL);
  self->allow_plaintext = allow;
  return account != NULL &&
         (tern_account_get_incoming (account)->security == TERN_NET_SECURITY_NONE ||
          (tern_account_get_outgoing (account)->host != NULL &&
           tern_account_get_outgoing (account)->security == TERN_NET_SECURITY_NONE));
}

/**
 * tern_mail_account_builder_build:
 *
 * Merges and checks the settings.
 *
 * Returns: (transfer full): a new #TernAccount (not saved), or %NULL with
 *   %TERN_ACCOUNT_ERROR_INVALID saying what is wrong
 */
TernAccount *
tern_mail_account_builder_build (TernMailAccountBuilder *self, GError **error)
{
  g_autoptr(TernAccount) account = NULL;
  TernAccountProtocol protocol;
  const TernAutoconfigServer *found_in = NULL, *found_out = NULL;
  const TernServer *cur_in = NULL, *cur_out = NULL;
  g_autofree char *in_host = NULL, *in_user = NULL, *out_host = NULL, *out_user = NULL;
  guint16 in_port, out_port;
  TernNetSecurity in_security, out_security;

  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT_BUILDER (self), NULL);

  if (self->email == NULL || strchr (self->email, '@') == NULL || self->email[0] == '@' ||
      strchr (self->email, '@')[1] == '\0' || strpbrk (self->email, " \t\r\n<>") != NULL)
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
                   _("“%s” is not an e-mail address"), self->email != NULL ? self->email : "");
      return NULL;
    }
  if (!tern_mail_account_builder_get_protocol (self, &protocol))
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
                   _("Choose IMAP or POP3 for %s: no server was found for it"), self->email);
      return NULL;
    }
  if (!check_protocol_settings (self, protocol, error))
    return NULL;

  if (self->detected != NULL)
    {
      found_in = tern_autoconfig_result_get_server (self->detected, protocol == TERN_ACCOUNT_PROTOCOL_POP3
                                                                    ? TERN_AUTOCONFIG_PROTOCOL_POP3
                                                                    : TERN_AUTOCONFIG_PROTOCOL_IMAP);
      found_out = tern_autoconfig_result_get_server (self->detected, TERN_AUTOCONFIG_PROTOCOL_SMTP);
    }
  if (self->base != NULL)
    {
      cur_in = tern_account_get_incoming (self->base);
      cur_out = tern_account_get_outgoing (self->base);
    }

  merge_server (&self->in, found_in, cur_in, NULL, self->email, FALSE, protocol, &in_host, &in_port, &in_security,
                &in_user);
  if (in_host == NULL || *in_host == '\0')
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
                   _("No %s server was found for %s: give its host"), tern_account_protocol_to_string (protocol),
                   self->email);
      return NULL;
    }
  merge_server (&self->out, found_out, cur_out, in_host, self->in.user != NULL ? self->in.user : in_user, TRUE,
                protocol, &out_host, &out_port, &out_security, &out_user);

  if ((in_security == TERN_NET_SECURITY_NONE || out_security == TERN_NET_SECURITY_NONE) && !self->allow_plaintext)
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
                   _("%s:%u has no encryption: the password would cross the network readable by anyone on "
                     "the way. Tern sends it so only with your explicit consent."),
                   in_security == TERN_NET_SECURITY_NONE ? in_host : out_host,
                   in_security == TERN_NET_SECURITY_NONE ? in_port : out_port);
      return NULL;
    }

  account = tern_account_new (self->email, protocol);
  if (self->base != NULL)
    {
      tern_account_set_name (account, tern_account_get_name (self->base));
      tern_account_set_password_command (account, tern_account_get_password_command (self->base));
      tern_account_set_pinned_certificate (account, tern_account_get_pinned_certificate (self->base));
      tern_account_set_body_days (account, tern_account_get_body_days (self->base));
      tern_account_set_sent_copy_by_server (account, tern_account_get_sent_copy_by_server (self->base));
      tern_account_set_leave_on_server (account, tern_account_get_leave_on_server (self->base));
      tern_account_set_delete_after_days (account, tern_account_get_delete_after_days (self->base));
      tern_account_set_delete_when_deleted (account, tern_account_get_delete_when_deleted (self->base));
      tern_account_set_backup (account, tern_account_get_backup (self->base));
      tern_account_set_signature (account, tern_account_get_signature (self->base));
      tern_account_set_ask_password (account, tern_account_get_ask_password (self->base));
      if (tern_account_get_imap_switch (self->base) != NULL)
        {
          const TernServer *to = tern_account_get_imap_switch (self->base);

          tern_account_set_imap_switch (account, to->host, to->port, to->security, to->user);
        }
    }
  if (self->name != NULL)
    tern_account_set_name (account, self->name);
  tern_account_set_incoming (account, in_host, in_port, in_security, in_user);
  tern_account_set_outgoing (account, out_host, out_port, out_security, out_user);
  if (self->has_password_command)
    tern_account_set_password_command (account, self->password_command);
  if (self->has_pin)
    tern_account_set_pinned_certificate (account, self->pin);
  tern_account_set_allow_plaintext_auth (account, self->allow_plaintext &&
                                                  (in_security == TERN_NET_SECURITY_NONE ||
                                                   out_security == TERN_NET_SECURITY_NONE));
  if (self->has_signature)
    tern_account_set_signature (account, self->signature);
  if (self->has_ask_password)
    tern_account_set_ask_password (account, self->ask_password);
  if (self->has_body_days)
    tern_account_set_body_days (account, self->body_days);
  if (self->has_files_sent)
    tern_account_set_sent_copy_by_server (account, self->files_sent);
  if (self->has_leave)
    tern_account_set_leave_on_server (account, self->leave);
  if (self->has_delete_after)
    tern_account_set_delete_after_days (account, self->delete_after_days);
  if (self->has_delete_when)
    tern_account_set_delete_when_deleted (account, self->delete_when);
  if (self->has_backup)
    tern_account_set_backup (account, self->backup);
  return g_steal_pointer (&account);
}
