/* test-outbox-reply-corpus.c: replies and forwards of real-world messages
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The corpus is $TERN_CORPUS_DIR (../shared/corpus beside the source tree), not part
 * of the repository: when it is absent this test exits 77 (skipped) and says why.
 *
 * Chosen messages in several charsets (KOI8-R, ISO-2022-JP, GB2312 and KS C 5601 HTML,
 * a Reply-To to a list, a thread with References) are checked field by field; then
 * every message of the corpus is replied to, replied to all and forwarded both ways,
 * and what that makes must hold: UTF-8 text, every quoted line marked, one "Re: ",
 * the original's Message-ID last in References, and a message GMime reads back.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <gmime/gmime.h>

#include "tern-outbox-composition.h"
#include "tern-outbox-error.h"
#include "tern-outbox-reply.h"

static const char *corpus_dir;
static const char *own[] = { "alice@tern.test", NULL };
static guint n_refused;

static GBytes *
load (const char *relative)
{
  g_autofree char *path = g_build_filename (corpus_dir, "messages", relative, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static TernOutboxComposition *
reply_to (const char *relative, TernOutboxReplyKind kind)
{
  g_autoptr(GBytes) raw = load (relative);
  g_autoptr(GError) error = NULL;
  TernOutboxComposition *c = tern_outbox_composition_new_reply (raw, kind, own, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

typedef struct
{
  const char *file;
  const char *to;           /* of a reply */
  const char *subject;      /* of a reply */
  const char *in_reply_to;
  const char *quoted;       /* a line the quote holds */
  const char *attachment;   /* a forward keeps it, or NULL */
} Expected;

static const Expected expected[] = {
  /* KOI8-R plain text, with a winmail.dat */
  { "mimekit/tnef/ukr.eml", "RR Tester 1 <rrtest1@xink.io>", "Re: rr test 7",
    "AM0PR0702MB3522C04E8C4950FA9976EC23E12B0@AM0PR0702MB3522.eurprd07.prod.outlook.com", "шостий",
    "winmail.dat" },
  /* ISO-2022-JP plain text and subject */
  { "spamassassin/spam/00325.58d1a52f435030dc38568bc12a3d76a2", "Vip-mail <vip@99-81.com>",
    "Re: 未承諾広告※灼熱！出会いの広場", "20020910.1852360941@vip-99-81.com", "> 突然のメール失礼いたします。", NULL },
  /* GB2312, HTML only: reduced to text */
  { "spamassassin/spam/00500.85b72f09f6778a085dc8b6821965a76f", "email@hkem.com", "Re: HK Email marking !",
    "200212031140.gB3Be9803237@dogma.slashnull.org", "您想", NULL },
  /* KS C 5601 (EUC-KR), HTML only */
  { "spamassassin/spam/00035.7ce3307b56dd90453027a6630179282e", "master@ibd.pe.kr", NULL,
    "20020719072300.7A551DE087@ccsun37.cc.ntu.edu.tw", "요즘", NULL },
  /* a list: Reply-To, a list tag in the subject */
  { "spamassassin/spam/00040.949a3d300eadb91d8745f1c1dab51133", "z_q_c_x@yahoo.com",
    "Re: [ILUG] enter Chinese market", "200208231511.QAA01654@lugh.tuatha.org", "> Dear Sir or Madam:", NULL },
  /* multipart/alternative: the plain text is quoted */
  { "spamassassin/easy_ham/01120.acaa2a2d6d3688986104cce5b2d3bc95", "rpm-zzzlist@freshrpms.net",
    "Re: New testing packages", "1032766369.1927.14.camel@jersey.fivetec.com", NULL, NULL },
};

static void
test_expected (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const Expected *e = &expected[i];
      g_autoptr(TernOutboxComposition) reply = reply_to (e->file, TERN_OUTBOX_REPLY_SENDER);
      g_autoptr(TernOutboxComposition) forward = reply_to (e->file, TERN_OUTBOX_FORWARD_INLINE);

      g_test_message ("%s", e->file);
      g_assert_cmpstr (reply->to, ==, e->to);
      if (e->subject != NULL)
        g_assert_cmpstr (reply->subject, ==, e->subject);
      g_assert_true (g_str_has_prefix (reply->subject, "Re: "));
      g_assert_cmpstr (reply->in_reply_to, ==, e->in_reply_to);
      g_assert_cmpstr (reply->references[g_strv_length (reply->references) - 1], ==, e->in_reply_to);
      if (e->quoted != NULL)
        g_assert_nonnull (strstr (reply->body, e->quoted));
      if (e->quoted != NULL && e->quoted[0] != '>')
        {
          /* The same words forwarded, unquoted. */
          g_assert_nonnull (strstr (forward->body, e->quoted));
        }
      if (e->attachment != NULL)
        {
          TernOutboxAttachment *a;

          g_assert_cmpuint (forward->attachments->len, ==, 1);
          a = g_ptr_array_index (forward->attachments, 0);
          g_assert_cmpstr (a->filename, ==, e->attachment);
          g_assert_cmpuint (g_bytes_get_size (a->data), >, 0);
        }
    }
}

/* The thread of a message with References: the chain, then the message. */
static void
test_references (void)
{
  g_autoptr(TernOutboxComposition) reply = reply_to ("spamassassin/easy_ham/00704.e077ad131955ba1fa3b9ba7a68b78f62",
                                                     TERN_OUTBOX_REPLY_ALL);
  const char *refs[] = { "979BE8FE-CCF6-11D6-817E-000393A46DEA@alumni.caltech.edu",
                         "DAV72xvjPkQTGpaoG1V00000fd0@hotmail.com", NULL };

  g_assert_cmpstr (reply->subject, ==, "Re: sed /s/United States/Roman Empire/g");
  g_assert_cmpuint (g_strv_length (reply->references), >=, 3);
  g_assert_cmpstr (reply->references[0], ==, refs[0]);
  g_assert_cmpstr (reply->references[1], ==, refs[1]);
  g_assert_cmpstr (reply->references[g_strv_length (reply->references) - 1], ==, reply->in_reply_to);
  /* Reply All: the sender, the To and the Cc, each once. */
  g_assert_nonnull (strstr (reply->to, "owen@permafrost.net"));
  g_assert_nonnull (strstr (reply->cc, "fork@xent.com"));
  g_assert_null (strstr (reply->cc, "owen@permafrost.net"));
}

static void
check_built (TernOutboxComposition *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernOutboxComposition) back = NULL;

  g_free (c->from);
  c->from = g_strdup ("Alice <alice@tern.test>");
  if (c->to == NULL)
    c->to = g_strdup ("bob@tern.test");
  raw = tern_outbox_composition_build (c, TERN_OUTBOX_BUILD_DRAFT, &error);
  /* An address of the corpus that a composer would not take ("undisclosed-recipients",
   * a bare user name): the composer says so, as here. */
  if (g_error_matches (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS))
    return;
  g_assert_no_error (error);
  back = tern_outbox_composition_new_from_message (raw, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->subject, ==, c->subject);
  g_assert_cmpuint (back->attachments->len, ==, c->attachments->len);
}

static void
check_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;
  g_autoptr(GBytes) raw = NULL;
  TernOutboxReplyKind kinds[] = { TERN_OUTBOX_REPLY_SENDER, TERN_OUTBOX_REPLY_ALL, TERN_OUTBOX_FORWARD_INLINE,
                                  TERN_OUTBOX_FORWARD_ATTACHMENT };

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  raw = g_bytes_new_take (contents, length);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(TernOutboxComposition) c = tern_outbox_composition_new_reply (raw, kinds[k], own, &error);

      if (c == NULL)
        {
          /* Only what is no message at all may be refused (a digest's text without
           * a header, cpython/msg_19.txt): counted, and at most a few. */
          g_test_message ("refused: %s: %s", path, error->message);
          g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NOT_A_MESSAGE);
          g_clear_error (&error);
          n_refused++;
          return;
        }
      g_assert_true (g_utf8_validate (c->body, -1, NULL));
      g_assert_true (g_utf8_validate (c->subject, -1, NULL));
      g_assert_false (g_str_has_prefix (c->subject, "Re: Re:"));
      g_assert_false (g_str_has_prefix (c->subject, "Fwd: Fwd:"));
      if (kinds[k] == TERN_OUTBOX_REPLY_SENDER || kinds[k] == TERN_OUTBOX_REPLY_ALL)
        {
          g_auto(GStrv) lines = g_strsplit (c->body, "\n", -1);

          g_assert_true (g_str_has_prefix (c->subject, "Re:"));
          /* The attribution, then only quoted lines. */
          for (guint i = 1; lines[i] != NULL && lines[i + 1] != NULL; i++)
            g_assert_cmpint (lines[i][0], ==, '>');
          if (c->in_reply_to != NULL)
            g_assert_cmpstr (c->references[g_strv_length (c->references) - 1], ==, c->in_reply_to);
        }
      else
        g_assert_true (g_str_has_prefix (c->subject, "Fwd:"));
      if (kinds[k] == TERN_OUTBOX_FORWARD_ATTACHMENT)
        g_assert_true (g_bytes_equal (((TernOutboxAttachment *) g_ptr_array_index (c->attachments, 0))->data, raw));
      check_built (c);
    }
}

static void
walk_dir (const char *dir, guint *n)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        walk_dir (path, n);
      else if (!g_str_has_suffix (name, ".md") && !g_str_has_suffix (name, ".list") &&
               !g_str_has_suffix (name, ".tnef"))
        {
          check_file (path);
          (*n)++;
        }
    }
}

static void
test_all (void)
{
  g_autofree char *messages = g_build_filename (corpus_dir, "messages", NULL);
  guint n = 0;

  walk_dir (messages, &n);
  g_test_message ("%u messages replied to and forwarded, %u refused as no message", n, n_refused);
  g_assert_cmpuint (n, >, 500);
  g_assert_cmpuint (n_refused, <=, 2);
}

int
main (int argc, char **argv)
{
  g_autofree char *messages = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("TZ", "UTC", TRUE);
  corpus_dir = g_getenv ("TERN_CORPUS_DIR");
  if (corpus_dir == NULL)
    {
      printf ("SKIP: TERN_CORPUS_DIR is not set, so there is no mail corpus to reply to\n");
      return 77;
    }
  messages = g_build_filename (corpus_dir, "messages", NULL);
  if (!g_file_test (messages, G_FILE_TEST_IS_DIR))
    {
      printf ("SKIP: no mail corpus at %s\n", messages);
      return 77;
    }
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();
  g_test_add_func ("/outbox/reply-corpus/expected", test_expected);
  g_test_add_func ("/outbox/reply-corpus/references", test_references);
  g_test_add_func ("/outbox/reply-corpus/all", test_all);
  return g_test_run ();
}
