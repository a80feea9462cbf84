/* test-credentials.c: account passwords from a real (throw-away) keyring and from a
 * password command. Run inside tests/lib/tern-session --keyring.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-credentials.h"

static void
test_keyring (void)
{
  g_autoptr(TernAccount) account = tern_account_new ("keyring@example.org", TERN_ACCOUNT_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernPassword) password = NULL;

  g_assert_true (tern_credentials_store_password (account, "hunter2 with spaces", NULL, &error));
  g_assert_no_error (error);
  password = tern_credentials_get_password (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "hunter2 with spaces");
  g_assert_true (tern_credentials_clear_password (account, NULL, &error));
  g_assert_no_error (error);
}

static void
test_command (void)
{
  g_autoptr(TernAccount) account = tern_account_new ("command@example.org", TERN_ACCOUNT_PROTOCOL_POP3);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernPassword) password = NULL;
  g_autoptr(TernPassword) copy = NULL;

  tern_account_set_password_command (account, "printf 'first line\\nsecond line\\n'");
  password = tern_credentials_get_password (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "first line");
  copy = tern_credentials_dup_password (password);
  g_assert_cmpstr (copy, ==, "first line");
  g_assert_true (copy != password);
}

/* What tern-cli reads from standard input is ordinary memory: freeing it as a
 * password works all the same. */
static void
test_free_ordinary_memory (void)
{
  g_autoptr(TernPassword) password = g_strdup ("read from stdin");

  g_assert_nonnull (password);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/credentials/keyring", test_keyring);
  g_test_add_func ("/credentials/command", test_command);
  g_test_add_func ("/credentials/free-ordinary-memory", test_free_ordinary_memory);
  return g_test_run ();
}
