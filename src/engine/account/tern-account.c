/* tern-account.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-account.h"

/*
 * TernAccount holds what the user configured for one account: the address it is known
 * by, the incoming server (IMAP or POP3), the outgoing SMTP server, the certificate the
 * user pinned, and where the password comes from. It holds no password: that lives in
 * the keyring (tern-credentials.c), or comes from a command the user gave.
 */

struct _TernAccount
{
  GObject              parent_instance;

  char                *email;
  char                *name;
  TernAccountProtocol  protocol;
  TernServer           incoming;
  TernServer           outgoing;
  char                *pinned_certificate;
  char                *password_command;
  gboolean             allow_plaintext_auth;
  gboolean             sent_copy_by_server;

  /* POP3 */
  gboolean             leave_on_server;
  guint                delete_after_days;
  gboolean             delete_when_deleted;
  gboolean             backup;

  /* IMAP */
  guint                body_days;

  char                *signature;
  gboolean             ask_password;
  TernServer           imap_switch;     /* the IMAP server a POP3 account is moving to */
};

G_DEFINE_FINAL_TYPE (TernAccount, tern_account, G_TYPE_OBJECT)

const char *
tern_account_protocol_to_string (TernAccountProtocol protocol)
{
  return protocol == TERN_ACCOUNT_PROTOCOL_POP3 ? "pop3" : "imap";
}

gboolean
tern_account_protocol_from_string (const char          *str,
                                   TernAccountProtocol *protocol)
{
  if (g_strcmp0 (str, "imap") == 0)
    *protocol = TERN_ACCOUNT_PROTOCOL_IMAP;
  else if (g_strcmp0 (str, "pop3") == 0 || g_strcmp0 (str, "pop") == 0)
    *protocol = TERN_ACCOUNT_PROTOCOL_POP3;
  else
    return FALSE;

  return TRUE;
}

guint16
tern_account_default_port (TernAccountProtocol protocol,
                           TernNetSecurity     security)
{
  gboolean tls = security == TERN_NET_SECURITY_TLS;

  if (protocol == TERN_ACCOUNT_PROTOCOL_POP3)
    return tls ? 995 : 110;

  return tls ? 993 : 143;
}

guint16
tern_account_default_smtp_port (TernNetSecurity security)
{
  /* RFC 8314: submission over implicit TLS on 465, STARTTLS on 587 */
  return security == TERN_NET_SECURITY_TLS ? 465 : 587;
}

static void
server_clear (TernServer *server)
{
  g_clear_pointer (&server->host, g_free);
  g_clear_pointer (&server->user, g_free);
}

static void
server_set (TernServer      *server,
            const char      *host,
            guint16          port,
            TernNetSecurity  security,
            const char      *user)
{
  /* Freed after the copies: host or user may be the old value itself. */
  G_GNUC_UNUSED g_autofree char *old_host = server->host;
  G_GNUC_UNUSED g_autofree char *old_user = server->user;

  server->host = g_strdup (host);
  server->port = port;
  server->security = security;
  server->user = g_strdup (user);
}

TernAccount *
tern_account_new (const char          *email,
                  TernAccountProtocol  protocol)
{
  TernAccount *self;

  g_return_val_if_fail (email != NULL, NULL);

  self = g_object_new (TERN_TYPE_ACCOUNT, NULL);
  self->email = g_strdup (email);
  self->protocol = protocol;
  return self;
}

const char *
tern_account_get_email (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);

  return self->email;
}

/**
 * tern_account_get_name:
 *
 * Returns: the account's display name, or its address when it has none
 */
const char *
tern_account_get_name (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);

  return self->name ? self->name : self->email;
}

void
tern_account_set_name (TernAccount *self,
                       const char  *name)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  g_free (self->name);
  self->name = g_strdup (name != NULL && *name != '\0' ? name : NULL);
}

TernAccountProtocol
tern_account_get_protocol (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), TERN_ACCOUNT_PROTOCOL_IMAP);

  return self->protocol;
}

const TernServer *
tern_account_get_incoming (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);

  return &self->incoming;
}

void
tern_account_set_incoming (TernAccount     *self,
                           const char      *host,
                           guint16          port,
                           TernNetSecurity  security,
                           const char      *user)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  server_set (&self->incoming, host, port, security, user);
}

const TernServer *
tern_account_get_outgoing (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);

  return &self->outgoing;
}

void
tern_account_set_outgoing (TernAccount     *self,
                           const char      *host,
                           guint16          port,
                           TernNetSecurity  security,
                           const char      *user)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  server_set (&self->outgoing, host, port, security, user);
}

/**
 * tern_account_get_pinned_certificate:
 *
 * Returns: (nullable): "sha256:HEX" of the certificate the user chose to trust for this
 *   account's servers although it does not validate
 */
const char *
tern_account_get_pinned_certificate (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);

  return self->pinned_certificate;
}

void
tern_account_set_pinned_certificate (TernAccount *self,
                                     const char  *sha256_fingerprint)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  g_free (self->pinned_certificate);
  self->pinned_certificate = g_strdup (sha256_fingerprint);
}

const char *
tern_account_get_password_command (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);

  return self->password_command;
}

void
tern_account_set_password_command (TernAccount *self,
                                   const char  *command)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  g_free (self->password_command);
  self->password_command = g_strdup (command != NULL && *command != '\0' ? command : NULL);
}

gboolean
tern_account_get_allow_plaintext_auth (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), FALSE);

  return self->allow_plaintext_auth;
}

void
tern_account_set_allow_plaintext_auth (TernAccount *self,
                                       gboolean     allow)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  self->allow_plaintext_auth = !!allow;
}

/**
 * tern_account_get_backup:
 *
 * Whether each POP3 sync ends with a rolling mbox backup of the account's folders
 * (tern_sync_pop3_backup_run(): $XDG_DATA_HOME/tern/backup/ACCOUNT/DATE/, the newest 3
 * kept). Keyfile key "backup"; default %FALSE.
 */
gboolean
tern_account_get_backup (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), FALSE);

  return self->backup;
}

void
tern_account_set_backup (TernAccount *self,
                         gboolean     backup)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  self->backup = !!backup;
}

/**
 * tern_account_get_sent_copy_by_server:
 *
 * Whether the outgoing server files a copy of each sent message in the account's
 * Sent folder itself (Gmail, for instance): then the outbox does not APPEND one
 * (IMAP accounts only; a POP3 account always gets its copy in the local Sent).
 * Keyfile key "server-files-sent"; default %FALSE.
 */
gboolean
tern_account_get_sent_copy_by_server (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), FALSE);

  return self->sent_copy_by_server;
}

void
tern_account_set_sent_copy_by_server (TernAccount *self,
                                      gboolean     by_server)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  self->sent_copy_by_server = !!by_server;
}

gboolean
tern_account_get_leave_on_server (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), TRUE);

  return self->leave_on_server;
}

void
tern_account_set_leave_on_server (TernAccount *self,
                                  gboolean     leave)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  self->leave_on_server = !!leave;
}

guint
tern_account_get_delete_after_days (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), 0);

  return self->delete_after_days;
}

void
tern_account_set_delete_after_days (TernAccount *self,
                                    guint        days)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  self->delete_after_days = days;
}

gboolean
tern_account_get_delete_when_deleted (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), FALSE);

  return self->delete_when_deleted;
}

void
tern_account_set_delete_when_deleted (TernAccount *self,
                                      gboolean     delete_too)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  self->delete_when_deleted = !!delete_too;
}

/**
 * tern_account_get_body_days:
 *
 * How many days back an IMAP sync downloads message bodies: the bodies of messages of
 * the last this many days are downloaded, the others when they are opened (0: all
 * bodies). Keyfile key "body-days"; default 0.
 */
guint
tern_account_get_body_days (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), 0);

  return self->body_days;
}

void
tern_account_set_body_days (TernAccount *self,
                            guint        days)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  self->body_days = days;
}

/**
 * tern_account_get_signature:
 *
 * The text added under the messages written from this account (keyfile key
 * "signature"), or %NULL.
 */
const char *
tern_account_get_signature (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);

  return self->signature;
}

void
tern_account_set_signature (TernAccount *self,
                            const char  *signature)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  g_free (self->signature);
  self->signature = signature != NULL && *signature != '\0' ? g_strdup (signature) : NULL;
}

/**
 * tern_account_get_ask_password:
 *
 * Whether the password is kept nowhere (no keyring): asked when Tern starts and kept in
 * memory only until it quits (keyfile key "ask-password").
 */
gboolean
tern_account_get_ask_password (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), FALSE);

  return self->ask_password;
}

void
tern_account_set_ask_password (TernAccount *self,
                               gboolean     ask)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  self->ask_password = !!ask;
}

/**
 * tern_account_get_imap_switch:
 *
 * Returns: (nullable): the IMAP server a POP3 account is being moved to (its local mail
 *   uploaded there), while the move is not finished; %NULL otherwise. Keyfile keys
 *   "switch-imap-host", "-port", "-security", "-user".
 */
const TernServer *
tern_account_get_imap_switch (TernAccount *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);

  return self->imap_switch.host != NULL ? &self->imap_switch : NULL;
}

/**
 * tern_account_set_imap_switch:
 * @host: (nullable): %NULL when no move is under way
 */
void
tern_account_set_imap_switch (TernAccount     *self,
                              const char      *host,
                              guint16          port,
                              TernNetSecurity  security,
                              const char      *user)
{
  g_return_if_fail (TERN_IS_ACCOUNT (self));

  server_clear (&self->imap_switch);
  if (host == NULL)
    return;
  self->imap_switch.host = g_strdup (host);
  self->imap_switch.port = port;
  self->imap_switch.security = security;
  self->imap_switch.user = g_strdup (user);
}

/**
 * tern_account_new_connection:
 * @server: the account's incoming or outgoing server
 *
 * Returns: (transfer full): a connection to @server, not yet connected, with the account's
 *   pinned certificate
 */
TernNetConnection *
tern_account_new_connection (TernAccount       *self,
                             const TernServer  *server,
                             GError           **error)
{
  g_autoptr(TernNetConnection) connection = NULL;

  g_return_val_if_fail (TERN_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (server != NULL && server->host != NULL, NULL);

  connection = tern_net_connection_new (server->host, server->port, server->security);
  if (self->pinned_certificate != NULL &&
      !tern_net_connection_set_pinned_certificate (connection, self->pinned_certificate, error))
    return NULL;

  return g_steal_pointer (&connection);
}

static void
tern_account_finalize (GObject *object)
{
  TernAccount *self = TERN_ACCOUNT (object);

  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->pinned_certificate, g_free);
  g_clear_pointer (&self->password_command, g_free);
  g_clear_pointer (&self->signature, g_free);
  server_clear (&self->incoming);
  server_clear (&self->outgoing);
  server_clear (&self->imap_switch);

  G_OBJECT_CLASS (tern_account_parent_class)->finalize (object);
}

static void
tern_account_class_init (TernAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_account_finalize;
}

static void
tern_account_init (TernAccount *self)
{
  self->leave_on_server = TRUE;
}
