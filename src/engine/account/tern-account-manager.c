/* tern-account-manager.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "tern-account-manager.h"

/*
 * The accounts live in $XDG_CONFIG_HOME/tern/accounts.ini, one group per account,
 * readable by the user only (0600 in a 0700 directory). Passwords are never written
 * there: they are in the keyring, or come from the account's password command.
 *
 *   [Account alice@example.com]
 *   name=Alice
 *   protocol=imap
 *   host=imap.example.com
 *   port=993
 *   security=tls
 *   user=alice@example.com
 *   smtp-host=smtp.example.com
 *   ...
 */

#define GROUP_PREFIX "Account "

struct _TernAccountManager
{
  GObject     parent_instance;

  char       *path;
  GListStore *accounts;
};

G_DEFINE_FINAL_TYPE (TernAccountManager, tern_account_manager, G_TYPE_OBJECT)

/**
 * tern_account_manager_get_default_path:
 *
 * Returns: (transfer full): $XDG_CONFIG_HOME/tern/accounts.ini
 */
char *
tern_account_manager_get_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "tern", "accounts.ini", NULL);
}

/**
 * tern_account_manager_new:
 * @path: (nullable): the accounts file, or %NULL for the default
 */
TernAccountManager *
tern_account_manager_new (const char *path)
{
  TernAccountManager *self = g_object_new (TERN_TYPE_ACCOUNT_MANAGER, NULL);

  self->path = path ? g_strdup (path) : tern_account_manager_get_default_path ();
  return self;
}

static gboolean
read_security (GKeyFile        *keyfile,
               const char      *group,
               const char      *key,
               TernNetSecurity *security)
{
  g_autofree char *value = g_key_file_get_string (keyfile, group, key, NULL);

  if (value == NULL)
    {
      *security = TERN_NET_SECURITY_TLS;
      return TRUE;
    }

  return tern_net_security_from_string (value, security);
}

static guint16
read_port (GKeyFile   *keyfile,
           const char *group,
           const char *key)
{
  int port = g_key_file_get_integer (keyfile, group, key, NULL);

  return port > 0 && port < 65536 ? port : 0;
}

static TernAccount *
account_from_group (GKeyFile    *keyfile,
                    const char  *group,
                    GError     **error)
{
  const char *email = group + strlen (GROUP_PREFIX);
  g_autofree char *protocol_name = g_key_file_get_string (keyfile, group, "protocol", NULL);
  g_autofree char *host = g_key_file_get_string (keyfile, group, "host", NULL);
  g_autofree char *user = g_key_file_get_string (keyfile, group, "user", NULL);
  g_autofree char *smtp_host = g_key_file_get_string (keyfile, group, "smtp-host", NULL);
  g_autofree char *smtp_user = g_key_file_get_string (keyfile, group, "smtp-user", NULL);
  g_autofree char *name = g_key_file_get_string (keyfile, group, "name", NULL);
  g_autofree char *pin = g_key_file_get_string (keyfile, group, "pinned-certificate", NULL);
  g_autofree char *command = g_key_file_get_string (keyfile, group, "password-command", NULL);
  g_autoptr(TernAccount) account = NULL;
  TernAccountProtocol protocol;
  TernNetSecurity security, smtp_security;
  guint16 port, smtp_port;

  if (!tern_account_protocol_from_string (protocol_name, &protocol) || host == NULL ||
      !read_security (keyfile, group, "security", &security) ||
      !read_security (keyfile, group, "smtp-security", &smtp_security))
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
                   _("The settings of account %s are incomplete or invalid"), email);
      return NULL;
    }

  port = read_port (keyfile, group, "port");
  smtp_port = read_port (keyfile, group, "smtp-port");

  account = tern_account_new (email, protocol);
  tern_account_set_name (account, name);
  tern_account_set_incoming (account, host,
                             port ? port : tern_account_default_port (protocol, security),
                             security, user ? user : email);
  if (smtp_host != NULL)
    tern_account_set_outgoing (account, smtp_host,
                               smtp_port ? smtp_port : tern_account_default_smtp_port (smtp_security),
                               smtp_security, smtp_user ? smtp_user : (user ? user : email));
  tern_account_set_pinned_certificate (account, pin);
  tern_account_set_password_command (account, command);
  tern_account_set_allow_plaintext_auth (account,
                                         g_key_file_get_boolean (keyfile, group, "allow-plaintext-auth", NULL));
  tern_account_set_sent_copy_by_server (account,
                                        g_key_file_get_boolean (keyfile, group, "server-files-sent", NULL));
  tern_account_set_backup (account, g_key_file_get_boolean (keyfile, group, "backup", NULL));
  if (g_key_file_has_key (keyfile, group, "leave-on-server", NULL))
    tern_account_set_leave_on_server (account,
                                      g_key_file_get_boolean (keyfile, group, "leave-on-server", NULL));
  tern_account_set_delete_after_days (account,
                                      MAX (0, g_key_file_get_integer (keyfile, group, "delete-after-days", NULL)));
  tern_account_set_delete_when_deleted (account,
                                        g_key_file_get_boolean (keyfile, group, "delete-when-deleted-here", NULL));
  tern_account_set_body_days (account,
                              MAX (0, g_key_file_get_integer (keyfile, group, "body-days", NULL)));
  {
    g_autofree char *signature = g_key_file_get_string (keyfile, group, "signature", NULL);
    g_autofree char *switch_host = g_key_file_get_string (keyfile, group, "switch-imap-host", NULL);
    g_autofree char *switch_user = g_key_file_get_string (keyfile, group, "switch-imap-user", NULL);
    TernNetSecurity switch_security;

    tern_account_set_signature (account, signature);
    tern_account_set_ask_password (account, g_key_file_get_boolean (keyfile, group, "ask-password", NULL));
    if (switch_host != NULL && protocol == TERN_ACCOUNT_PROTOCOL_POP3 &&
        read_security (keyfile, group, "switch-imap-security", &switch_security))
      {
        guint16 switch_port = read_port (keyfile, group, "switch-imap-port");

        tern_account_set_imap_switch (account, switch_host,
                                      switch_port ? switch_port
                                                  : tern_account_default_port (TERN_ACCOUNT_PROTOCOL_IMAP,
                                                                               switch_security),
                                      switch_security, switch_user ? switch_user : email);
      }
  }

  return g_steal_pointer (&account);
}

/* Reads @path into a new array of TernAccount; any thread. */
static GPtrArray *
read_accounts (const char  *path,
               GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_KEEP_COMMENTS, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&accounts);

      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not read the accounts file %s: "), path);
      return NULL;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autoptr(TernAccount) account = NULL;
      g_autoptr(GError) account_error = NULL;

      if (!g_str_has_prefix (groups[i], GROUP_PREFIX))
        continue;

      account = account_from_group (keyfile, groups[i], &account_error);
      if (account == NULL)
        {
          g_warning ("%s", account_error->message);
          continue;
        }
      g_ptr_array_add (accounts, g_steal_pointer (&account));
    }

  return g_steal_pointer (&accounts);
}

static void
adopt_accounts (TernAccountManager *self,
                GPtrArray          *accounts)
{
  g_list_store_splice (self->accounts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->accounts)),
                       accounts->pdata, accounts->len);
}

/**
 * tern_account_manager_load:
 *
 * Reads the accounts file; a missing file means no accounts. An account whose settings
 * are broken is left out with a warning, so that one bad entry does not hide the others.
 * It blocks: a window calls tern_account_manager_load_async().
 */
gboolean
tern_account_manager_load (TernAccountManager  *self,
                           GError             **error)
{
  g_autoptr(GPtrArray) accounts = NULL;

  g_return_val_if_fail (TERN_IS_ACCOUNT_MANAGER (self), FALSE);

  accounts = read_accounts (self->path, error);
  if (accounts == NULL)
    {
      g_list_store_remove_all (self->accounts);
      return FALSE;
    }
  adopt_accounts (self, accounts);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *accounts = read_accounts (task_data, &error);

  if (accounts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, accounts, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * tern_account_manager_load_async:
 *
 * Like tern_account_manager_load(), with the file read on a worker thread: the
 * calling thread only takes the accounts read (in its thread-default main context,
 * where the list model then changes).
 */
void
tern_account_manager_load_async (TernAccountManager  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TERN_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_account_manager_load_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
tern_account_manager_load_finish (TernAccountManager  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_autoptr(GPtrArray) accounts = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  accounts = g_task_propagate_pointer (G_TASK (result), error);
  if (accounts == NULL)
    return FALSE;
  adopt_accounts (self, accounts);
  return TRUE;
}

/**
 * tern_account_manager_get_path:
 *
 * Returns: the accounts file
 */
const char *
tern_account_manager_get_path (TernAccountManager *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT_MANAGER (self), NULL);

  return self->path;
}

static void
write_server (GKeyFile         *keyfile,
              const char       *group,
              const char       *prefix,
              const TernServer *server)
{
  g_autofree char *host_key = g_strconcat (prefix, "host", NULL);
  g_autofree char *port_key = g_strconcat (prefix, "port", NULL);
  g_autofree char *security_key = g_strconcat (prefix, "security", NULL);
  g_autofree char *user_key = g_strconcat (prefix, "user", NULL);

  if (server->host == NULL)
    return;

  g_key_file_set_string (keyfile, group, host_key, server->host);
  g_key_file_set_integer (keyfile, group, port_key, server->port);
  g_key_file_set_string (keyfile, group, security_key, tern_net_security_to_string (server->security));
  if (server->user != NULL)
    g_key_file_set_string (keyfile, group, user_key, server->user);
}

/**
 * tern_account_manager_save:
 *
 * Writes the accounts file atomically (a crash leaves the old or the new file, never a
 * half-written one), mode 0600, in a 0700 directory.
 */
gboolean
tern_account_manager_save (TernAccountManager  *self,
                           GError             **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize length;
  guint n;

  g_return_val_if_fail (TERN_IS_ACCOUNT_MANAGER (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TernAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      g_autofree char *group = g_strconcat (GROUP_PREFIX, tern_account_get_email (account), NULL);

      if (g_strcmp0 (tern_account_get_name (account), tern_account_get_email (account)) != 0)
        g_key_file_set_string (keyfile, group, "name", tern_account_get_name (account));
      g_key_file_set_string (keyfile, group, "protocol",
                             tern_account_protocol_to_string (tern_account_get_protocol (account)));
      write_server (keyfile, group, "", tern_account_get_incoming (account));
      write_server (keyfile, group, "smtp-", tern_account_get_outgoing (account));
      if (tern_account_get_pinned_certificate (account) != NULL)
        g_key_file_set_string (keyfile, group, "pinned-certificate",
                               tern_account_get_pinned_certificate (account));
      if (tern_account_get_password_command (account) != NULL)
        g_key_file_set_string (keyfile, group, "password-command",
                               tern_account_get_password_command (account));
      if (tern_account_get_allow_plaintext_auth (account))
        g_key_file_set_boolean (keyfile, group, "allow-plaintext-auth", TRUE);
      if (tern_account_get_sent_copy_by_server (account))
        g_key_file_set_boolean (keyfile, group, "server-files-sent", TRUE);
      if (tern_account_get_backup (account))
        g_key_file_set_boolean (keyfile, group, "backup", TRUE);
      if (tern_account_get_body_days (account) > 0)
        g_key_file_set_integer (keyfile, group, "body-days", tern_account_get_body_days (account));
      if (tern_account_get_signature (account) != NULL)
        g_key_file_set_string (keyfile, group, "signature", tern_account_get_signature (account));
      if (tern_account_get_ask_password (account))
        g_key_file_set_boolean (keyfile, group, "ask-password", TRUE);
      if (tern_account_get_imap_switch (account) != NULL)
        write_server (keyfile, group, "switch-imap-", tern_account_get_imap_switch (account));
      if (tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3)
        {
          g_key_file_set_boolean (keyfile, group, "leave-on-server",
                                  tern_account_get_leave_on_server (account));
          g_key_file_set_integer (keyfile, group, "delete-after-days",
                                  tern_account_get_delete_after_days (account));
          g_key_file_set_boolean (keyfile, group, "delete-when-deleted-here",
                                  tern_account_get_delete_when_deleted (account));
        }
    }

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  data = g_key_file_to_data (keyfile, &length, NULL);
  return g_file_set_contents_full (self->path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

/**
 * tern_account_manager_get_accounts:
 *
 * Returns: (transfer none): a list model of #TernAccount
 */
GListModel *
tern_account_manager_get_accounts (TernAccountManager *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT_MANAGER (self), NULL);

  return G_LIST_MODEL (self->accounts);
}

static gboolean
find (TernAccountManager *self,
      const char         *email,
      guint              *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TernAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      /* addresses are compared without regard to case, as users type them */
      if (g_ascii_strcasecmp (tern_account_get_email (account), email) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * tern_account_manager_lookup:
 *
 * Returns: (transfer none) (nullable): the account with the address @email
 */
TernAccount *
tern_account_manager_lookup (TernAccountManager *self,
                             const char         *email)
{
  g_autoptr(TernAccount) account = NULL;
  guint position;

  g_return_val_if_fail (TERN_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);

  if (!find (self, email, &position))
    return NULL;

  account = g_list_model_get_item (G_LIST_MODEL (self->accounts), position);
  return account;   /* the store keeps its reference */
}

gboolean
tern_account_manager_add (TernAccountManager  *self,
                          TernAccount         *account,
                          GError             **error)
{
  guint position;

  g_return_val_if_fail (TERN_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  if (find (self, tern_account_get_email (account), &position))
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_EXISTS,
                   _("An account for %s exists already"), tern_account_get_email (account));
      return FALSE;
    }

  if (tern_account_get_incoming (account)->host == NULL)
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
                   _("The account %s has no incoming server"), tern_account_get_email (account));
      return FALSE;
    }

  g_list_store_append (self->accounts, account);
  return TRUE;
}

gboolean
tern_account_manager_remove (TernAccountManager  *self,
                             const char          *email,
                             GError             **error)
{
  guint position;

  g_return_val_if_fail (TERN_IS_ACCOUNT_MANAGER (self), FALSE);

  if (!find (self, email, &position))
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NOT_FOUND,
                   _("No account has the address %s"), email);
      return FALSE;
    }

  g_list_store_remove (self->accounts, position);
  return TRUE;
}

static void
tern_account_manager_finalize (GObject *object)
{
  TernAccountManager *self = TERN_ACCOUNT_MANAGER (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (tern_account_manager_parent_class)->finalize (object);
}

static void
tern_account_manager_class_init (TernAccountManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_account_manager_finalize;
}

static void
tern_account_manager_init (TernAccountManager *self)
{
  self->accounts = g_list_store_new (TERN_TYPE_ACCOUNT);
}
