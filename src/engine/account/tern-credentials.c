/* tern-credentials.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <libsecret/secret.h>
#include <glib/gi18n-lib.h>

#include "tern-credentials.h"

/*
 * Passwords are kept in the Secret Service (GNOME Keyring, KWallet, KeePassXC...) and
 * never on disk by Tern. For machines without a keyring, an account can name a command
 * whose output is the password, as mbsync's PassCmd.
 *
 * These functions block: call them from a worker thread. Every call to the keyring or
 * the command is bounded by TERN_CREDENTIALS_TIMEOUT_SECONDS, because a locked keyring
 * asks the user through a prompt and would otherwise wait for ever on a machine where
 * no one can answer it.
 */

static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    .name = "io.github.ternmail.Tern.Password",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* A cancellable that fires when the caller cancels or when the timeout passes. */
typedef struct
{
  GCancellable *cancellable;
  GCancellable *parent;
  gulong        parent_handler;
  GMutex        lock;
  GCond         cond;
  gboolean      done;
  gboolean      timed_out;
  GThread      *thread;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *dog = data;
  gint64 deadline = g_get_monotonic_time () + TERN_CREDENTIALS_TIMEOUT_SECONDS * G_TIME_SPAN_SECOND;

  g_mutex_lock (&dog->lock);
  while (!dog->done)
    {
      if (!g_cond_wait_until (&dog->cond, &dog->lock, deadline))
        {
          dog->timed_out = TRUE;
          g_cancellable_cancel (dog->cancellable);
          break;
        }
    }
  g_mutex_unlock (&dog->lock);
  return NULL;
}

static void
parent_cancelled_cb (GCancellable *parent,
                     gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static void
watchdog_start (Watchdog     *dog,
                GCancellable *parent)
{
  dog->cancellable = g_cancellable_new ();
  g_mutex_init (&dog->lock);
  g_cond_init (&dog->cond);
  if (parent != NULL)
    {
      dog->parent = g_object_ref (parent);
      dog->parent_handler = g_cancellable_connect (parent, G_CALLBACK (parent_cancelled_cb),
                                                   dog->cancellable, NULL);
    }
  dog->thread = g_thread_new ("tern-credentials-watchdog", watchdog_thread, dog);
}

static gboolean
watchdog_stop (Watchdog *dog)
{
  gboolean timed_out;

  g_mutex_lock (&dog->lock);
  dog->done = TRUE;
  g_cond_signal (&dog->cond);
  g_mutex_unlock (&dog->lock);
  g_thread_join (dog->thread);

  if (dog->parent != NULL)
    {
      g_cancellable_disconnect (dog->parent, dog->parent_handler);
      g_object_unref (dog->parent);
    }
  g_object_unref (dog->cancellable);
  g_mutex_clear (&dog->lock);
  g_cond_clear (&dog->cond);

  timed_out = dog->timed_out;
  return timed_out;
}

/* Turns libsecret's errors into ones a person can act on. */
static void
propagate_keyring_error (GError   **error,
                         GError    *secret_error,
                         gboolean   timed_out)
{
  if (timed_out)
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NO_KEYRING,
                   _("The keyring did not answer within %d seconds (is it locked and waiting for a password?)"),
                   TERN_CREDENTIALS_TIMEOUT_SECONDS);
      g_error_free (secret_error);
    }
  else if (g_error_matches (secret_error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           g_error_matches (secret_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
           g_error_matches (secret_error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
           secret_error->domain == G_DBUS_ERROR || secret_error->domain == G_SPAWN_ERROR ||
           g_error_matches (secret_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NO_KEYRING,
                   _("No keyring (Secret Service) is available: %s. "
                     "Start one (for example GNOME Keyring), or give the account a password command."),
                   secret_error->message);
      g_error_free (secret_error);
    }
  else
    {
      g_propagate_error (error, secret_error);
    }
}

/* ---- passwords kept in memory only ---------------------------------------------------- */

static GMutex      session_lock;
static GHashTable *session_passwords;   /* address, case-folded -> password */

static char *
session_key (TernAccount *account)
{
  return g_ascii_strdown (tern_account_get_email (account), -1);
}

/**
 * tern_credentials_set_session_password:
 * @password: (nullable): the password, or %NULL to forget it
 *
 * Keeps @password in this process's memory only, for an account whose password is
 * stored nowhere (no keyring: tern_account_get_ask_password()), or until the keyring
 * has it. It wins over the keyring and the password command until forgotten. Any
 * thread.
 */
void
tern_credentials_set_session_password (TernAccount *account,
                                       const char  *password)
{
  g_return_if_fail (TERN_IS_ACCOUNT (account));

  g_mutex_lock (&session_lock);
  if (session_passwords == NULL)
    session_passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) tern_credentials_free_password);
  if (password != NULL)
    g_hash_table_replace (session_passwords, session_key (account), tern_credentials_dup_password (password));
  else
    {
      g_autofree char *key = session_key (account);

      g_hash_table_remove (session_passwords, key);
    }
  g_mutex_unlock (&session_lock);
}

/* A copy of the session password, or NULL. */
static char *
dup_session_password (TernAccount *account)
{
  g_autofree char *key = session_key (account);
  char *password = NULL;

  g_mutex_lock (&session_lock);
  if (session_passwords != NULL)
    password = tern_credentials_dup_password (g_hash_table_lookup (session_passwords, key));
  g_mutex_unlock (&session_lock);
  return password;
}

/**
 * tern_credentials_has_session_password:
 *
 * Returns: whether the account's password is in memory (set with
 * tern_credentials_set_session_password())
 */
gboolean
tern_credentials_has_session_password (TernAccount *account)
{
  g_autofree char *key = NULL;
  gboolean has;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  key = session_key (account);
  g_mutex_lock (&session_lock);
  has = session_passwords != NULL && g_hash_table_contains (session_passwords, key);
  g_mutex_unlock (&session_lock);
  return has;
}

static char *
run_password_command (TernAccount   *account,
                      GCancellable  *cancellable,
                      GError       **error)
{
  const char *command = tern_account_get_password_command (account);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) local_error = NULL;
  Watchdog dog = { 0 };
  gboolean timed_out;
  gboolean ok;
  char *newline;
  char *password;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                              G_SUBPROCESS_FLAGS_STDIN_INHERIT,
                              &local_error, "/bin/sh", "-c", command, NULL);
  if (process == NULL)
    goto failed;

  watchdog_start (&dog, cancellable);
  ok = g_subprocess_communicate_utf8 (process, NULL, dog.cancellable, &out, &err, &local_error);
  timed_out = watchdog_stop (&dog);
  if (!ok)
    {
      g_subprocess_force_exit (process);
      if (timed_out)
        {
          g_clear_error (&local_error);
          g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       _("it did not finish within %d seconds"), TERN_CREDENTIALS_TIMEOUT_SECONDS);
        }
      goto failed;
    }

  if (!g_subprocess_get_successful (process))
    {
      g_strstrip (err);
      g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("it exited with status %d%s%s"), g_subprocess_get_exit_status (process),
                   err[0] ? ": " : "", err);
      goto failed;
    }

  /* the first line is the password, as for mbsync's PassCmd */
  newline = strpbrk (out, "\r\n");
  if (newline != NULL)
    *newline = '\0';
  if (out[0] == '\0')
    {
      g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_FAILED, _("it printed no password"));
      goto failed;
    }

  password = tern_credentials_dup_password (out);
  explicit_bzero (out, strlen (out));
  return password;

failed:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_PASSWORD_COMMAND,
               _("The password command of %s failed: %s"), tern_account_get_email (account),
               local_error->message);
  return NULL;
}

/**
 * tern_credentials_get_password:
 *
 * The password kept in memory (tern_credentials_set_session_password()) if any; else
 * runs the account's password command if it has one; else looks the password up in
 * the keyring (unless the account keeps it nowhere: %TERN_ACCOUNT_ERROR_NO_PASSWORD).
 * Blocks for at most TERN_CREDENTIALS_TIMEOUT_SECONDS.
 *
 * Returns: (transfer full): the password, in memory that is never swapped out; free it
 *   with tern_credentials_free_password()
 */
char *
tern_credentials_get_password (TernAccount   *account,
                               GCancellable  *cancellable,
                               GError       **error)
{
  GError *secret_error = NULL;
  Watchdog dog = { 0 };
  char *secret;
  char *password;
  gboolean timed_out;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), NULL);

  if ((password = dup_session_password (account)) != NULL)
    return password;
  if (tern_account_get_password_command (account) != NULL)
    return run_password_command (account, cancellable, error);
  if (tern_account_get_ask_password (account))
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NO_PASSWORD,
                   _("Tern asks for the password of %s each time it starts: it is kept nowhere"),
                   tern_account_get_email (account));
      return NULL;
    }

  watchdog_start (&dog, cancellable);
  secret = secret_password_lookup_nonpageable_sync (password_schema (), dog.cancellable, &secret_error,
                                                    "account", tern_account_get_email (account),
                                                    NULL);
  timed_out = watchdog_stop (&dog);

  if (secret_error != NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_error_free (secret_error);
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return NULL;
        }
      propagate_keyring_error (error, secret_error, timed_out);
      return NULL;
    }

  if (secret == NULL)
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NO_PASSWORD,
                   _("No password is stored for %s"), tern_account_get_email (account));
      return NULL;
    }

  /* libsecret's copy is in non-pageable memory: it is the only one. */
  return secret;
}

/**
 * tern_credentials_store_password:
 *
 * Stores @password in the default keyring collection.
 */
gboolean
tern_credentials_store_password (TernAccount   *account,
                                 const char    *password,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *label = NULL;
  GError *secret_error = NULL;
  Watchdog dog = { 0 };
  gboolean timed_out;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  /* Translators: the label of the password in the keyring; %s is an e-mail address */
  label = g_strdup_printf (_("Tern mail password for %s"), tern_account_get_email (account));

  watchdog_start (&dog, cancellable);
  secret_password_store_sync (password_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                              dog.cancellable, &secret_error,
                              "account", tern_account_get_email (account),
                              NULL);
  timed_out = watchdog_stop (&dog);

  if (secret_error != NULL)
    {
      propagate_keyring_error (error, secret_error, timed_out);
      return FALSE;
    }

  return TRUE;
}

gboolean
tern_credentials_clear_password (TernAccount   *account,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  GError *secret_error = NULL;
  Watchdog dog = { 0 };
  gboolean timed_out;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  watchdog_start (&dog, cancellable);
  secret_password_clear_sync (password_schema (), dog.cancellable, &secret_error,
                              "account", tern_account_get_email (account),
                              NULL);
  timed_out = watchdog_stop (&dog);

  if (secret_error != NULL)
    {
      propagate_keyring_error (error, secret_error, timed_out);
      return FALSE;
    }

  return TRUE;
}

/**
 * tern_credentials_free_password:
 *
 * Overwrites the password in memory, then frees it.
 */
void
tern_credentials_free_password (char *password)
{
  /* Wipes it, and frees it from libsecret's non-pageable pool, or with g_free() when
   * it came from elsewhere. */
  secret_password_free (password);
}

/**
 * tern_credentials_dup_password:
 *
 * Returns: (transfer full): a copy of @password in memory that is never swapped out;
 *   free it with tern_credentials_free_password()
 */
char *
tern_credentials_dup_password (const char *password)
{
  SecretValue *value;
  gsize length;

  if (password == NULL)
    return NULL;
  value = secret_value_new (password, -1, "text/plain");
  return secret_value_unref_to_password (value, &length);
}
