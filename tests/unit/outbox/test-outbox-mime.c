/* test-outbox-mime.c: building and preparing messages to send, and what their
 * failures report (TERN_OUTBOX_ERROR)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "tern-account.h"
#include "tern-outbox-error.h"
#include "tern-outbox-mime.h"

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
test_build (void)
{
  g_autoptr(TernAccount) account = tern_account_new ("me@example.com", TERN_ACCOUNT_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  const char *to[] = { "Bob <bob@example.com>", NULL };
  const char *bad_to[] = { "bob@example.com", "", NULL };

  message = tern_outbox_build_message (account, to, NULL, NULL, "Hi", "Hello\n", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (message);
  g_clear_pointer (&message, g_bytes_unref);

  g_assert_null (tern_outbox_build_message (account, bad_to, NULL, NULL, "Hi", "Hello\n", NULL, &error));
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  g_assert_null (tern_outbox_build_message (account, to, NULL, NULL, "Hi", "caf\xe9\n", NULL, &error));
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_TEXT);
  g_clear_error (&error);

  /* A file that cannot be read is the file's error, passed through. */
  {
    const char *attachments[] = { "/nonexistent/tern-test-attachment", NULL };

    g_assert_null (tern_outbox_build_message (account, to, NULL, NULL, "Hi", "Hello\n", attachments, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  }
}

static void
test_prepare (void)
{
  g_autoptr(TernAccount) account = tern_account_new ("me@example.com", TERN_ACCOUNT_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) empty = bytes ("");
  g_autoptr(GBytes) no_rcpt = bytes ("From: me@example.com\r\nSubject: x\r\n\r\nbody\r\n");
  g_autoptr(GBytes) good = bytes ("From: me@example.com\r\nTo: a@example.com\r\nBcc: b@example.com\r\n"
                                  "Subject: x\r\n\r\nbody\r\n");
  g_autoptr(GBytes) prepared = NULL;
  g_auto(GStrv) recipients = NULL;

  g_assert_null (tern_outbox_prepare_message (account, empty, &recipients, NULL, &error));
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NOT_A_MESSAGE);
  g_clear_error (&error);

  g_assert_null (tern_outbox_prepare_message (account, no_rcpt, &recipients, NULL, &error));
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NO_RECIPIENTS);
  g_clear_error (&error);

  prepared = tern_outbox_prepare_message (account, good, &recipients, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (recipients), ==, 2);
  g_assert_null (g_strstr_len (g_bytes_get_data (prepared, NULL), g_bytes_get_size (prepared), "Bcc:"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outbox/mime/build", test_build);
  g_test_add_func ("/outbox/mime/prepare", test_prepare);

  return g_test_run ();
}
