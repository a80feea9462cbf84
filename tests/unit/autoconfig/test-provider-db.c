/* test-provider-db.c: the compiled provider database, its reader, and template expansion
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tern-autoconfig.h"
#include "tern-autoconfig-resources.h"

static TernProviderDb *
load_fixture (void)
{
  const char *path = g_getenv ("TERN_TEST_FIXTURE_ISPDB");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  TernProviderDb *db;

  g_assert_nonnull (path);
  file = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (file);
  db = tern_provider_db_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return db;
}

static TernProviderDb *
parse_text (const char  *text,
            gsize        length,
            GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, length);

  return tern_provider_db_new_from_bytes (bytes, error);
}

static const TernAutoconfigServer *
server_at (GPtrArray *servers,
           guint      i)
{
  g_assert_cmpuint (i, <, servers->len);
  return servers->pdata[i];
}

/* ---- the shipped database ---------------------------------------------------------- */

static void
test_shipped (void)
{
  TernProviderDb *db = tern_provider_db_get_default ();
  g_auto(GStrv) domains = tern_provider_db_dup_domains (db);
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autofree char *name = NULL;

  /* Built from data/ispdb: nothing skipped, every provider kept. */
  g_assert_cmpuint (tern_provider_db_get_n_skipped (db), ==, 0);
  g_assert_cmpuint (tern_provider_db_get_n_providers (db), >=, 150);
  g_assert_cmpuint (g_strv_length (domains), >=, 900);
  g_assert_true (tern_provider_db_get_default () == db);

  /* sorted */
  for (guint i = 1; domains[i] != NULL; i++)
    g_assert_cmpstr (domains[i - 1], <, domains[i]);

  /* A <domain> alias, not the file name; any case; a final dot. */
  g_assert_true (tern_provider_db_contains (db, "aim.com"));
  g_assert_true (tern_provider_db_contains (db, "AIM.Com."));
  g_assert_false (tern_provider_db_contains (db, "1und1.de"));   /* a file name, not a <domain> */
  g_assert_true (tern_provider_db_contains (db, "online.de"));
  g_assert_false (tern_provider_db_contains (db, "example.com"));

  servers = tern_provider_db_lookup (db, "aim.com", "someone@aim.com", &name, &notes);
  g_assert_nonnull (servers);
  g_assert_cmpstr (name, ==, "AOL Mail");
  g_assert_cmpuint (notes->len, ==, 0);
  g_assert_cmpuint (servers->len, ==, 3);
  g_assert_cmpint (server_at (servers, 0)->protocol, ==, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_cmpstr (server_at (servers, 0)->host, ==, "imap.aol.com");
  g_assert_cmpuint (server_at (servers, 0)->port, ==, 993);
  g_assert_cmpint (server_at (servers, 0)->security, ==, TERN_NET_SECURITY_TLS);
  g_assert_cmpstr (server_at (servers, 0)->user, ==, "someone@aim.com");
  g_assert_cmpint (server_at (servers, 0)->auth, ==, TERN_AUTOCONFIG_AUTH_OAUTH2 | TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT);
  g_assert_cmpint (server_at (servers, 1)->protocol, ==, TERN_AUTOCONFIG_PROTOCOL_POP3);
  g_assert_cmpint (server_at (servers, 2)->protocol, ==, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  g_assert_cmpuint (server_at (servers, 2)->port, ==, 465);

  g_assert_null (tern_provider_db_lookup (db, "example.com", "a@example.com", NULL, NULL));
}

/* A provider whose first incoming server is POP3 still gives its IMAP server. */
static void
test_shipped_pop3_first (void)
{
  TernProviderDb *db = tern_provider_db_get_default ();
  g_autoptr(GPtrArray) servers = tern_provider_db_lookup (db, "uol.com.br", "fulano@uol.com.br", NULL, NULL);
  gboolean imap = FALSE;

  g_assert_nonnull (servers);
  g_assert_cmpint (server_at (servers, 0)->protocol, ==, TERN_AUTOCONFIG_PROTOCOL_POP3);
  for (guint i = 0; i < servers->len; i++)
    imap |= server_at (servers, i)->protocol == TERN_AUTOCONFIG_PROTOCOL_IMAP;
  g_assert_true (imap);
}

/* ---- the fixture (data/ispdb/compile-ispdb.py run on fixtures/ispdb) ------------------ */

static void
test_fixture_several (void)
{
  g_autoptr(TernProviderDb) db = load_fixture ();
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autofree char *name = NULL;

  g_assert_cmpuint (tern_provider_db_get_n_skipped (db), ==, 0);
  g_assert_cmpuint (tern_provider_db_get_n_providers (db), ==, 4);

  servers = tern_provider_db_lookup (db, "alias.several.test", "Jo.Doe@Alias.Several.Test", &name, &notes);
  g_assert_nonnull (servers);
  g_assert_cmpuint (notes->len, ==, 0);
  g_assert_cmpstr (name, ==, "Several Servers for alias.several.test");
  g_assert_cmpuint (servers->len, ==, 6);

  /* file order, templates expanded: %EMAILDOMAIN% in lower case, the rest as typed */
  g_assert_cmpint (server_at (servers, 0)->protocol, ==, TERN_AUTOCONFIG_PROTOCOL_POP3);
  g_assert_cmpstr (server_at (servers, 0)->host, ==, "pop.alias.several.test");
  g_assert_cmpint (server_at (servers, 0)->security, ==, TERN_NET_SECURITY_NONE);
  g_assert_cmpstr (server_at (servers, 0)->user, ==, "Jo.Doe");
  g_assert_cmpstr (server_at (servers, 1)->host, ==, "imap.several.test");
  g_assert_cmpstr (server_at (servers, 1)->user, ==, "Jo.Doe.alias.several.test");
  g_assert_cmpint (server_at (servers, 1)->auth, ==, TERN_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED);
  g_assert_cmpstr (server_at (servers, 2)->host, ==, "imaps.several.test");
  g_assert_cmpstr (server_at (servers, 2)->user, ==, "Jo.Doe@Alias.Several.Test");
  g_assert_cmpstr (server_at (servers, 3)->host, ==, "pops.several.test");
  g_assert_cmpint (server_at (servers, 3)->auth, ==, 0);
  /* no <username>: the whole address */
  g_assert_cmpstr (server_at (servers, 4)->host, ==, "smtp.several.test");
  g_assert_cmpstr (server_at (servers, 4)->user, ==, "Jo.Doe@Alias.Several.Test");
  g_assert_cmpstr (server_at (servers, 5)->host, ==, "submission.several.test");

  /* several.test stays with its first owner; thief.test keeps its own domain */
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&servers, g_ptr_array_unref);
  servers = tern_provider_db_lookup (db, "several.test", "a@several.test", &name, NULL);
  g_assert_nonnull (servers);
  g_assert_cmpstr (name, ==, "Several Servers for several.test");
  g_assert_true (tern_provider_db_contains (db, "thief.test"));

  /* skipped at build time */
  g_assert_false (tern_provider_db_contains (db, "broken.test"));
  g_assert_false (tern_provider_db_contains (db, "exchange-only.test"));
}

static void
test_fixture_malformed_templates (void)
{
  g_autoptr(TernProviderDb) db = load_fixture ();
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) notes = NULL;

  servers = tern_provider_db_lookup (db, "malformed-template.test", "kim@malformed-template.test", NULL, &notes);
  g_assert_nonnull (servers);

  /* The SMTP server with "smtp.%EMAILDOMAIN" was skipped at build time. */
  g_assert_cmpuint (servers->len, ==, 3);
  g_assert_cmpstr (server_at (servers, 0)->user, ==, "kim@malformed-template.test");
  g_assert_cmpstr (server_at (servers, 1)->user, ==, "kim@malformed-template.test");
  g_assert_cmpstr (server_at (servers, 2)->host, ==, "mail.malformed-template.test");
  g_assert_cmpstr (server_at (servers, 2)->user, ==, "kim");

  /* and each fallback is told */
  g_assert_cmpuint (notes->len, ==, 2);
  g_assert_nonnull (strstr (notes->pdata[0], "%EMAILADDRESS"));
  g_assert_nonnull (strstr (notes->pdata[1], "%EMAILNAME%"));
}

/* ---- templates --------------------------------------------------------------------- */

static void
test_expand_template (void)
{
  static const struct { const char *template_; const char *address; const char *expected; } cases[] = {
    { "%EMAILADDRESS%", "Jo@Example.COM", "Jo@Example.COM" },
    { "%EMAILLOCALPART%", "Jo@Example.COM", "Jo" },
    { "%EMAILDOMAIN%", "Jo@Example.COM", "example.com" },
    { "%EMAILLOCALPART%.%EMAILDOMAIN%", "jo@example.com", "jo.example.com" },
    { "mail.%EMAILDOMAIN%", "jo@example.com.", "mail.example.com" },
    { "fixed", "jo@example.com", "fixed" },
    { "", "jo@example.com", "" },
    { "%EMAILLOCALPART%", "first@last@example.com", "first@last" },
    { "%EMAILDOMAIN%", "jo@bücher.example", "xn--bcher-kva.example" },
    { "%EMAILADDRESS", "jo@example.com", NULL },
    { "%EMAILNAME%", "jo@example.com", NULL },
    { "%%", "jo@example.com", NULL },
    { "user%", "jo@example.com", NULL },
    { "%emailaddress%", "jo@example.com", NULL },
    { "%EMAILADDRESS%", "not-an-address", NULL },
    { "%EMAILADDRESS%", "@example.com", NULL },
    { "%EMAILADDRESS%", "jo@", NULL },
    { "%EMAILADDRESS%", "jo@exa mple.com", NULL },
    { "%EMAILADDRESS%", "j o@example.com", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = tern_provider_db_expand_template (cases[i].template_, cases[i].address, &error);

      g_test_message ("%s for %s", cases[i].template_, cases[i].address);
      g_assert_cmpstr (out, ==, cases[i].expected);
      if (cases[i].expected == NULL)
        g_assert_error (error, TERN_AUTOCONFIG_ERROR, error->code);
      else
        g_assert_no_error (error);
    }
}

/* ---- the reader on damaged input ----------------------------------------------------- */

#define HEADER "tern-ispdb\t1\n"
#define GOOD_PROVIDER \
  "P\tgood\tGood Mail\n" \
  "D\tgood.test\n" \
  "S\timap\timap.good.test\t993\ttls\t%EMAILADDRESS%\tpassword-cleartext\n"

static void
test_reader_rejects_unknown_files (void)
{
  static const char * const bad[] = {
    "",
    "\n",
    "tern-ispdb\n",
    "tern-ispdb\t2\n" GOOD_PROVIDER,
    "tern-ispdb 1\n" GOOD_PROVIDER,
    "<?xml version=\"1.0\"?>\n",
    "\xef\xbb\xbftern-ispdb\t1\n",
    "tern-ispdb\t1x\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TernProviderDb) db = parse_text (bad[i], strlen (bad[i]), &error);

      g_assert_null (db);
      g_assert_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_INVALID_DATABASE);
    }

  {
    /* a NUL byte inside the header */
    static const char nul_header[] = "tern-\0spdb\t1\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(TernProviderDb) db = parse_text (nul_header, sizeof nul_header - 1, &error);

    g_assert_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_INVALID_DATABASE);
    g_assert_null (db);
  }
}

static void
test_reader_skips_damaged_lines (void)
{
  static const struct { const char *text; guint skipped; gboolean good_found; } cases[] = {
    /* header alone, CRLF, comments and blank lines */
    { HEADER, 0, FALSE },
    { "tern-ispdb\t1\r\n" "P\tgood\tGood Mail\r\n" "D\tgood.test\r\n"
      "S\timap\timap.good.test\t993\ttls\t%EMAILADDRESS%\tpassword-cleartext\r\n", 0, TRUE },
    { HEADER "# comment\n\n" GOOD_PROVIDER "\n", 0, TRUE },
    /* records before any provider */
    { HEADER "D\torphan.test\n" "S\timap\th.test\t993\ttls\t\t\n" GOOD_PROVIDER, 2, TRUE },
    /* unknown record types and field counts */
    { HEADER GOOD_PROVIDER "X\twhat\n" "P\n" "P\t\tno id\n" "D\n" "D\ta.test\textra\n", 5, TRUE },
    { HEADER GOOD_PROVIDER "S\timap\th.test\t993\ttls\t\n" "S\timap\th.test\t993\ttls\t\t\t\n", 2, TRUE },
    /* bad values */
    { HEADER GOOD_PROVIDER
      "S\tnntp\th.test\t119\tnone\t\t\n"
      "S\timap\th.test\t0\ttls\t\t\n"
      "S\timap\th.test\t65536\ttls\t\t\n"
      "S\timap\th.test\t-1\ttls\t\t\n"
      "S\timap\th.test\t99x\ttls\t\t\n"
      "S\timap\th.test\t\ttls\t\t\n"
      "S\timap\th.test\t993\tssl\t\t\n"
      "S\timap\th.test\t993\tTLS\t\t\n"
      "S\timap\t\t993\ttls\t\t\n"
      "S\timap\th test\t993\ttls\t\t\n"
      "S\timap\th.%EMAILDOMAIN\t993\ttls\t\t\n"
      "S\timap\th.%FOO%.test\t993\ttls\t\t\n"
      "S\timap\t-h.test\t993\ttls\t\t\n"
      "S\timap\th..test\t993\ttls\t\t\n", 14, TRUE },
    /* bad domains: invalid, and one listed by an earlier provider */
    { HEADER GOOD_PROVIDER "D\tnot a domain\n"
      "P\tsecond\tSecond\n" "D\tgood.test\n" "D\tsecond.test\n"
      "S\timap\timap.second.test\t993\ttls\t\t\n", 2, TRUE },
    /* a provider without servers or without domains is dropped */
    { HEADER "P\tempty\tEmpty\n" "D\tempty.test\n" GOOD_PROVIDER
      "P\tnodomain\tNo Domain\n" "S\timap\timap.x.test\t993\ttls\t\t\n", 2, TRUE },
    /* invalid UTF-8 and NUL bytes: the line goes, the rest stays */
    { HEADER GOOD_PROVIDER "D\tbad\xff.test\n", 1, TRUE },
    /* unknown authentication names are ignored, the server kept */
    { HEADER "P\tgood\tGood Mail\n" "D\tgood.test\n"
      "S\timap\timap.good.test\t993\ttls\t\tmagic,,password-cleartext,\n", 0, TRUE },
    /* no final newline */
    { HEADER "P\tgood\tGood Mail\n" "D\tgood.test\n"
      "S\timap\timap.good.test\t993\ttls\t%EMAILADDRESS%\tpassword-cleartext", 0, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TernProviderDb) db = parse_text (cases[i].text, strlen (cases[i].text), &error);

      g_test_message ("case %u", i);
      g_assert_no_error (error);
      g_assert_nonnull (db);
      g_assert_cmpuint (tern_provider_db_get_n_skipped (db), ==, cases[i].skipped);
      g_assert_cmpint (tern_provider_db_contains (db, "good.test"), ==, cases[i].good_found);
      if (cases[i].good_found)
        {
          g_autoptr(GPtrArray) servers = tern_provider_db_lookup (db, "good.test", "a@good.test", NULL, NULL);

          g_assert_nonnull (servers);
          g_assert_cmpuint (servers->len, >=, 1);
          g_assert_cmpstr (server_at (servers, 0)->host, ==, "imap.good.test");
        }
    }

  {
    static const char nul_line[] = HEADER GOOD_PROVIDER "D\tnul\0.test\n" "D\tother.test\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(TernProviderDb) db = parse_text (nul_line, sizeof nul_line - 1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (tern_provider_db_get_n_skipped (db), ==, 1);
    g_assert_true (tern_provider_db_contains (db, "other.test"));
  }
}

static GBytes *
shipped_bytes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = g_resource_lookup_data (tern_autoconfig_get_resource (),
                                                   "/io/github/ternmail/Tern/autoconfig/ispdb.txt",
                                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return g_steal_pointer (&data);
}

/* Every prefix of the shipped file: no crash, and never more than the whole. */
static void
test_reader_truncated (void)
{
  g_autoptr(GBytes) data = NULL;
  const char *text;
  gsize size;
  guint full;

  data = shipped_bytes ();
  text = g_bytes_get_data (data, &size);
  full = tern_provider_db_get_n_providers (tern_provider_db_get_default ());

  for (gsize cut = 0; cut <= size; cut += (cut < 64 ? 1 : 997))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TernProviderDb) db = parse_text (text, cut, &error);

      if (cut < strlen (HEADER) - 1)
        {
          g_assert_null (db);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (tern_provider_db_get_n_providers (db), <=, full);
    }
}

/* Random damage to the shipped file: every result is usable, nothing crashes. */
static void
test_reader_random_damage (void)
{
  g_autoptr(GBytes) data = shipped_bytes ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260601);
  gsize size;
  const char *text = g_bytes_get_data (data, &size);

  for (guint round = 0; round < 300; round++)
    {
      g_autofree char *copy = g_memdup2 (text, size);
      g_autoptr(GError) error = NULL;
      g_autoptr(TernProviderDb) db = NULL;
      guint flips = g_rand_int_range (rand, 1, 64);

      for (guint f = 0; f < flips; f++)
        {
          gsize at = g_rand_int_range (rand, strlen (HEADER), size);
          static const char specials[] = { '\t', '\n', '\0', '%', '.', '-', '\xff', '\r', 'S', 'P', 'D' };

          copy[at] = g_rand_boolean (rand) ? (char) g_rand_int_range (rand, 0, 256)
                                           : specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))];
        }

      db = parse_text (copy, size, &error);
      g_assert_no_error (error);

      /* whatever survived is consistent: every domain looks up, every server expands */
      {
        g_auto(GStrv) domains = tern_provider_db_dup_domains (db);

        for (guint i = 0; domains[i] != NULL; i++)
          {
            g_autofree char *address = g_strconcat ("x@", domains[i], NULL);
            g_autoptr(GPtrArray) servers = tern_provider_db_lookup (db, domains[i], address, NULL, NULL);

            g_assert_nonnull (servers);
            for (guint s = 0; s < servers->len; s++)
              {
                g_assert_nonnull (server_at (servers, s)->host);
                g_assert_cmpuint (server_at (servers, s)->port, >, 0);
                g_assert_nonnull (server_at (servers, s)->user);
              }
          }
      }
    }
}

static void
drop_message (const char     *domain,
              GLogLevelFlags  level,
              const char     *message,
              gpointer        user_data)
{
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The reader explains every line it skips at debug level: thousands here. */
  g_log_set_handler ("TernEngine", G_LOG_LEVEL_DEBUG, drop_message, NULL);

  g_test_add_func ("/provider-db/shipped", test_shipped);
  g_test_add_func ("/provider-db/shipped-pop3-first", test_shipped_pop3_first);
  g_test_add_func ("/provider-db/fixture/several-servers", test_fixture_several);
  g_test_add_func ("/provider-db/fixture/malformed-templates", test_fixture_malformed_templates);
  g_test_add_func ("/provider-db/expand-template", test_expand_template);
  g_test_add_func ("/provider-db/reader/unknown-files", test_reader_rejects_unknown_files);
  g_test_add_func ("/provider-db/reader/damaged-lines", test_reader_skips_damaged_lines);
  g_test_add_func ("/provider-db/reader/truncated", test_reader_truncated);
  g_test_add_func ("/provider-db/reader/random-damage", test_reader_random_damage);

  return g_test_run ();
}
