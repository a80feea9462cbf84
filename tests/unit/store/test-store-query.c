/* test-store-query.c: the search query language (pure: no store)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "tern-store-error.h"
#include "tern-store-query.h"

static TernStoreQuery *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  TernStoreQuery *query = tern_store_query_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (query);
  return query;
}

static void
assert_invalid (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreQuery) query = tern_store_query_parse (text, &error);

  g_assert_null (query);
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY);
  g_assert_nonnull (error->message);
}

typedef struct
{
  const char *text;
  const char *match;
  const char *exclude;
} MatchCase;

static void
test_match (void)
{
  static const MatchCase cases[] = {
    { "hello", "\"hello\"", NULL },
    { "  hello   world ", "\"hello\" AND \"world\"", NULL },
    { "\"quarterly report\"", "\"quarterly report\"", NULL },
    { "from:bob", "sender : \"bob\"", NULL },
    { "FROM:bob@example.com", "sender : \"bob@example.com\"", NULL },
    { "to:alice cc:carol bcc:dave", "recipients : \"alice\" AND recipients : \"carol\" AND recipients : \"dave\"", NULL },
    { "subject:\"meeting notes\"", "subject : \"meeting notes\"", NULL },
    { "body:kernel attachment:report.pdf filename:x", "body : \"kernel\" AND attachments : \"report.pdf\" AND attachments : \"x\"", NULL },
    { "kube*", "\"kube\" *", NULL },
    { "a -b", "\"a\" NOT \"b\"", NULL },
    { "-b -from:c", NULL, "\"b\" OR sender : \"c\"" },
    { "a OR b c", "(\"a\" OR \"b\") AND \"c\"", NULL },
    { "x a OR b OR c", "\"x\" AND (\"a\" OR \"b\" OR \"c\")", NULL },
    /* FTS5 syntax in user words is quoted, never interpreted. */
    { "NEAR(a b) AND col:x", "\"NEAR(a\" AND \"b)\" AND \"AND\" AND \"col:x\"", NULL },
    { "say\"hi\"", "\"say\"\"hi\"\"\"", NULL },
    { "http://example.com/x", "\"http://example.com/x\"", NULL },
    /* Words without a letter or digit find nothing and are left out. */
    { "--- ... !!", NULL, NULL },
    { "", NULL, NULL },
    { "Grüße naïve", "\"Grüße\" AND \"naïve\"", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernStoreQuery) query = parse_ok (cases[i].text);

      g_test_message ("query: %s", cases[i].text);
      g_assert_cmpstr (tern_store_query_get_match (query), ==, cases[i].match);
      g_assert_cmpstr (tern_store_query_get_exclude_match (query), ==, cases[i].exclude);
      g_assert_cmpstr (tern_store_query_get_text (query), ==, cases[i].text);
    }
}

static void
test_filters (void)
{
  g_autoptr(TernStoreQuery) q1 = parse_ok ("is:unread is:flagged has:attachment in:INBOX in:Lists/dev -in:Trash");
  g_autoptr(TernStoreQuery) q2 = parse_ok ("is:read -is:flagged -has:attachment is:answered is:draft is:deleted");
  g_autoptr(TernStoreQuery) q3 = parse_ok ("-is:unread is:starred IS:Unread");
  g_autoptr(TernStoreQuery) q4 = parse_ok ("hello");
  g_autoptr(TernStoreQuery) q5 = parse_ok ("");

  g_assert_cmpint (tern_store_query_get_unread (q1), ==, TERN_STORE_QUERY_YES);
  g_assert_cmpint (tern_store_query_get_flagged (q1), ==, TERN_STORE_QUERY_YES);
  g_assert_cmpint (tern_store_query_get_has_attachment (q1), ==, TERN_STORE_QUERY_YES);
  g_assert_cmpstrv (tern_store_query_get_folders (q1), ((const char *[]) { "INBOX", "Lists/dev", NULL }));
  g_assert_cmpstrv (tern_store_query_get_excluded_folders (q1), ((const char *[]) { "Trash", NULL }));
  g_assert_null (tern_store_query_get_match (q1));

  g_assert_cmpint (tern_store_query_get_unread (q2), ==, TERN_STORE_QUERY_NO);
  g_assert_cmpint (tern_store_query_get_flagged (q2), ==, TERN_STORE_QUERY_NO);
  g_assert_cmpint (tern_store_query_get_has_attachment (q2), ==, TERN_STORE_QUERY_NO);
  g_assert_cmpint (tern_store_query_get_answered (q2), ==, TERN_STORE_QUERY_YES);
  g_assert_cmpint (tern_store_query_get_draft (q2), ==, TERN_STORE_QUERY_YES);
  g_assert_cmpint (tern_store_query_get_deleted (q2), ==, TERN_STORE_QUERY_YES);

  /* The last word wins. */
  g_assert_cmpint (tern_store_query_get_unread (q3), ==, TERN_STORE_QUERY_YES);
  g_assert_cmpint (tern_store_query_get_flagged (q3), ==, TERN_STORE_QUERY_YES);

  g_assert_cmpint (tern_store_query_get_unread (q4), ==, TERN_STORE_QUERY_ANY);
  g_assert_cmpstrv (tern_store_query_get_folders (q4), ((const char *[]) { NULL }));
  g_assert_false (tern_store_query_is_empty (q4));
  g_assert_true (tern_store_query_is_empty (q5));
  g_assert_false (tern_store_query_is_empty (q1));
}

static gint64
local_midnight (int y, int m, int d)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (y, m, d, 0, 0, 0);
  return g_date_time_to_unix (dt);
}

static void
test_dates (void)
{
  g_autoptr(TernStoreQuery) q1 = parse_ok ("after:2024-01-15 before:2024/02/01");
  g_autoptr(TernStoreQuery) q2 = parse_ok ("after:2020 before:2021-06");
  g_autoptr(TernStoreQuery) q3 = parse_ok ("-after:2024-01-01");
  g_autoptr(TernStoreQuery) q4 = parse_ok ("after:2020-01-01 after:2022-01-01 before:2023-01-01 before:2022-06-01");
  g_autoptr(TernStoreQuery) q5 = parse_ok ("after:yesterday before:today");

  g_assert_cmpint (tern_store_query_get_after (q1), ==, local_midnight (2024, 1, 15));
  g_assert_cmpint (tern_store_query_get_before (q1), ==, local_midnight (2024, 2, 1));
  g_assert_cmpint (tern_store_query_get_after (q2), ==, local_midnight (2020, 1, 1));
  g_assert_cmpint (tern_store_query_get_before (q2), ==, local_midnight (2021, 6, 1));
  /* not after X = before X */
  g_assert_cmpint (tern_store_query_get_after (q3), ==, 0);
  g_assert_cmpint (tern_store_query_get_before (q3), ==, local_midnight (2024, 1, 1));
  /* several bounds: the narrowest range */
  g_assert_cmpint (tern_store_query_get_after (q4), ==, local_midnight (2022, 1, 1));
  g_assert_cmpint (tern_store_query_get_before (q4), ==, local_midnight (2022, 6, 1));
  g_assert_cmpint (tern_store_query_get_before (q5) - tern_store_query_get_after (q5), >=, 23 * 3600);
  g_assert_cmpint (tern_store_query_get_before (q5) - tern_store_query_get_after (q5), <=, 25 * 3600);
}

static void
test_invalid (void)
{
  assert_invalid ("is:bogus");
  assert_invalid ("has:wings");
  assert_invalid ("before:tomorrow-ish");
  assert_invalid ("after:2024-13-01");
  assert_invalid ("after:1969-12-31");
  assert_invalid ("before:");
  assert_invalid ("in:");
  assert_invalid ("OR a");
  assert_invalid ("a OR");
  assert_invalid ("a OR OR b");
  assert_invalid ("a OR is:unread");
  assert_invalid ("a OR -b");
  assert_invalid ("\xff\xfe");
}

static void
test_unknown_field_is_text (void)
{
  g_autoptr(TernStoreQuery) query = parse_ok ("foo:bar");

  g_assert_cmpstr (tern_store_query_get_match (query), ==, "\"foo:bar\"");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/query/match", test_match);
  g_test_add_func ("/store/query/filters", test_filters);
  g_test_add_func ("/store/query/dates", test_dates);
  g_test_add_func ("/store/query/invalid", test_invalid);
  g_test_add_func ("/store/query/unknown-field", test_unknown_field_is_text);

  return g_test_run ();
}
