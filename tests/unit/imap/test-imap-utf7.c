/* test-imap-utf7.c: modified UTF-7 mailbox names (RFC 3501 section 5.1.3)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-imap-error.h"
#include "tern-imap-mailbox.h"
#include "tern-imap-utf7.h"

static const struct
{
  const char *utf8;
  const char *utf7;
} pairs[] = {
  { "", "" },
  { "INBOX", "INBOX" },
  { "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
  { "Entw\xc3\xbcrfe", "Entw&APw-rfe" },
  { "\xf0\x9f\x98\x80", "&2D3eAA-" },                       /* outside the BMP: a surrogate pair */
  { "&", "&-" },
  { "a&b", "a&-b" },
  { "\xd0\x9e\xd1\x82\xd0\xbf\xd1\x80\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb5",
    "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-" },
  { "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e&x", "&ZeVnLIqe-&-x" },
  { "\xe2\x82\xacuro", "&IKw-uro" },
  { "\t", "&AAk-" },
  { "\xc3\x9cn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9 \xe2\x98\x83 \xf0\x9d\x84\x9e",
    "&ANw-n&AO8-c&APg-d&AOk- &JgM- &2DTdHg-" },
};

static void
test_pairs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *encoded = tern_imap_utf7_encode (pairs[i].utf8);
      g_autofree char *decoded = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (encoded, ==, pairs[i].utf7);
      decoded = tern_imap_utf7_decode (pairs[i].utf7, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (decoded, ==, pairs[i].utf8);
    }
}

/* Random strings of printable ASCII, "&", Latin, CJK and astral characters survive
 * the round trip, and the encoding is pure printable ASCII. */
static void
test_round_trip (void)
{
  static const gunichar pool[] = {
    'a', 'Z', '0', ' ', '&', '-', '/', '.', '+', ',', '~', 0xe9, 0xfc, 0x20ac, 0x65e5, 0x672c,
    0x2603, 0xffff, 0x1f600, 0x1d11e, 0x10ffff, 0x7f, 0x80, 0x1,
  };
  GRand *rand = g_rand_new_with_seed (4);

  for (guint round = 0; round < 2000; round++)
    {
      GString *s = g_string_new (NULL);
      guint length = g_rand_int_range (rand, 0, 24);
      g_autofree char *encoded = NULL;
      g_autofree char *decoded = NULL;
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < length; i++)
        g_string_append_unichar (s, pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (pool))]);

      encoded = tern_imap_utf7_encode (s->str);
      for (const char *p = encoded; *p != '\0'; p++)
        g_assert_true (*p >= 0x20 && *p <= 0x7e);
      decoded = tern_imap_utf7_decode (encoded, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (decoded, ==, s->str);
      g_string_free (s, TRUE);
    }
  g_rand_free (rand);
}

static void
test_invalid (void)
{
  static const char *const invalid[] = {
    "&U,BTFw",        /* no "-" at the end */
    "&",
    "&Jjo!-",         /* "!" is not base64 */
    "&AGE-",          /* encodes "a", which must stand for itself */
    "&ACY-",          /* encodes "&" */
    "&AAA-",          /* NUL */
    "&2D0-",          /* a lone high surrogate */
    "&2D3-",
    "&3gA-",          /* a lone low surrogate */
    "&2D3YPQ-",       /* high surrogate followed by another high one */
    "&U,BTF-",        /* leftover bits are not zero */
    "&A-",            /* six bits: not even one character */
    "&U,BTFwA-",      /* a partial character at the end */
    "caf\xc3\xa9",    /* raw 8-bit */
    "tab\there",      /* a raw control character */
    "del\x7f",
    "&AOk-&AOk-",     /* two runs in a row: the one spelling is "&AOkA6Q-" */
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *decoded = tern_imap_utf7_decode (invalid[i], -1, &error);

      if (decoded != NULL)
        g_error ("“%s” decoded to “%s”", invalid[i], decoded);
      g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

/* A length stops the decoder, with NUL bytes or without */
static void
test_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = tern_imap_utf7_decode ("Entw&APw-rfe-and-more", 12, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, "Entw\xc3\xbcrfe");
}

static void
test_mailbox_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = tern_imap_mailbox_encode_name ("inbox", FALSE);
  g_autofree char *b = tern_imap_mailbox_encode_name ("Entw\xc3\xbcrfe", FALSE);
  g_autofree char *c = tern_imap_mailbox_encode_name ("Entw\xc3\xbcrfe", TRUE);
  g_autofree char *d = tern_imap_mailbox_decode_name ("iNbOx", 5, FALSE, &error);
  g_autofree char *e = NULL;

  g_assert_cmpstr (a, ==, "INBOX");
  g_assert_cmpstr (b, ==, "Entw&APw-rfe");
  g_assert_cmpstr (c, ==, "Entw\xc3\xbcrfe");
  g_assert_cmpstr (d, ==, "INBOX");
  g_assert_true (tern_imap_mailbox_name_equal ("Inbox", "INBOX"));
  g_assert_false (tern_imap_mailbox_name_equal ("Sent", "sent"));

  /* UTF-8 names (UTF8=ACCEPT) are checked for validity */
  e = tern_imap_mailbox_decode_name ("\xc3\x28", 2, TRUE, &error);
  g_assert_null (e);
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME);
  g_clear_error (&error);
  e = tern_imap_mailbox_decode_name ("a\0b", 3, FALSE, &error);
  g_assert_null (e);
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/utf7/pairs", test_pairs);
  g_test_add_func ("/imap/utf7/round-trip", test_round_trip);
  g_test_add_func ("/imap/utf7/invalid", test_invalid);
  g_test_add_func ("/imap/utf7/length", test_length);
  g_test_add_func ("/imap/utf7/mailbox-names", test_mailbox_names);

  return g_test_run ();
}
