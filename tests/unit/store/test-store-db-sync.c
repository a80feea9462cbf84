/* test-store-db-sync.c: the change notifications of the sync worker's store
 * functions (tern-store-db-sync.c): each write is announced once committed, with
 * the right kind, folder and message ids; a call that changes nothing is not
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "tern-store-db.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"
#include "store-test-home.h"

/* A store of the test case's own, an IMAP account, and the changes delivered to
 * the store's change function. */
typedef struct
{
  TernStoreDb *db;
  gint64       account;
  GPtrArray   *delivered;   /* TernStoreChanges */
} Fixture;

static void
record_changes (TernStoreChanges *changes, gpointer user_data)
{
  Fixture *fixture = user_data;

  g_assert_false (tern_store_changes_is_empty (changes));
  g_ptr_array_add (fixture->delivered, tern_store_changes_ref (changes));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = store_test_case_store ();

  fixture->db = tern_store_db_open (path, &error);
  g_assert_no_error (error);
  fixture->account = tern_store_db_ensure_account (fixture->db, "me@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
  g_assert_no_error (error);
  fixture->delivered = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_store_changes_unref);
  tern_store_db_set_change_func (fixture->db, record_changes, fixture, NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->db);
  g_clear_pointer (&fixture->delivered, g_ptr_array_unref);
}

/* Forgets what the set-up steps of a test delivered. */
static void
forget (Fixture *fixture)
{
  g_ptr_array_set_size (fixture->delivered, 0);
}

/* Asserts that exactly one transaction was announced since forget(), and returns it. */
static TernStoreChanges *
take_one (Fixture *fixture)
{
  TernStoreChanges *changes;

  g_assert_cmpuint (fixture->delivered->len, ==, 1);
  changes = tern_store_changes_ref (g_ptr_array_index (fixture->delivered, 0));
  forget (fixture);
  return changes;
}

static void
assert_nothing (Fixture *fixture)
{
  g_assert_cmpuint (fixture->delivered->len, ==, 0);
}

/* Asserts the folders touched, in any order: a 0-terminated list. */
static void
assert_folders (TernStoreChanges *changes, ...)
{
  g_autoptr(GArray) folders = tern_store_changes_get_folders (changes);
  va_list args;
  guint n = 0;
  gint64 id;

  va_start (args, changes);
  while ((id = va_arg (args, gint64)) != 0)
    {
      gboolean seen = FALSE;

      for (guint i = 0; i < folders->len; i++)
        seen |= g_array_index (folders, gint64, i) == id;
      if (!seen)
        g_error ("folder %" G_GINT64_FORMAT " was not announced", id);
      n++;
    }
  va_end (args);
  g_assert_cmpuint (folders->len, ==, n);
}

/* Asserts the message ids of @kind in @folder_id, in any order, each once: a
 * 0-terminated list. */
static void
assert_ids (TernStoreChanges *changes, TernStoreChangeKind kind, gint64 folder_id, ...)
{
  g_autoptr(GArray) ids = tern_store_changes_get_ids (changes, kind, folder_id);
  va_list args;
  guint n = 0;
  gint64 id;

  va_start (args, folder_id);
  while ((id = va_arg (args, gint64)) != 0)
    {
      guint seen = 0;

      for (guint i = 0; i < ids->len; i++)
        seen += g_array_index (ids, gint64, i) == id;
      if (seen != 1)
        g_error ("message %" G_GINT64_FORMAT " announced %u times as %d in folder %" G_GINT64_FORMAT,
                 id, seen, kind, folder_id);
      n++;
    }
  va_end (args);
  g_assert_cmpuint (ids->len, ==, n);
}

/* Asserts that @changes names no message at all in @folder_id. */
static void
assert_no_ids (TernStoreChanges *changes, gint64 folder_id)
{
  assert_ids (changes, TERN_STORE_CHANGE_ADDED, folder_id, (gint64) 0);
  assert_ids (changes, TERN_STORE_CHANGE_REMOVED, folder_id, (gint64) 0);
  assert_ids (changes, TERN_STORE_CHANGE_CHANGED, folder_id, (gint64) 0);
}

static gint64
folder (Fixture *fixture, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) f = tern_store_db_ensure_folder (fixture->db, fixture->account, path,
                                                              TERN_STORE_FOLDER_ROLE_NONE, &error);

  g_assert_no_error (error);
  return tern_store_folder_get_id (f);
}

static TernStoreFolder *
get_folder (Fixture *fixture, gint64 folder_id)
{
  g_autoptr(GError) error = NULL;
  TernStoreFolder *f = tern_store_db_get_folder (fixture->db, folder_id, &error);

  g_assert_no_error (error);
  return f;
}

static gint64
add (Fixture *fixture, gint64 folder_id, guint32 uid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("From: a@example.com\nSubject: uid %u\n"
                                           "Date: Mon, 1 Jan 2024 10:00:00 +0000\n\nbody %u\n", uid, uid);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  TernStoreDbNewMessage message = { 0 };
  gint64 id;

  message.folder_id = folder_id;
  message.uid = uid;
  message.raw = raw;
  id = tern_store_db_add_message (fixture->db, &message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gboolean
message_exists (Fixture *fixture, gint64 message_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreMessage) message = tern_store_db_get_message (fixture->db, message_id, &error);

  return message != NULL;
}

/* ---- folders -------------------------------------------------------------------- */

static void
test_folder_server (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = folder (fixture, "INBOX");
  gint64 other = folder (fixture, "Other");

  forget (fixture);
  g_assert_true (tern_store_db_sync_set_folder_server (fixture->db, inbox, "INBOX", ".", TERN_STORE_FOLDER_ROLE_INBOX,
                                                       &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    g_autoptr(TernStoreFolder) f = get_folder (fixture, inbox);

    assert_folders (changes, inbox, (gint64) 0);
    assert_no_ids (changes, inbox);
    g_assert_cmpstr (tern_store_folder_get_server_path (f), ==, "INBOX");
    g_assert_cmpstr (tern_store_folder_get_delimiter (f), ==, ".");
    g_assert_cmpint (tern_store_folder_get_role (f), ==, TERN_STORE_FOLDER_ROLE_INBOX);
  }

  /* The same again, or without a delimiter (keeps the known one): nothing changes. */
  g_assert_true (tern_store_db_sync_set_folder_server (fixture->db, inbox, "INBOX", ".", TERN_STORE_FOLDER_ROLE_INBOX,
                                                       &error));
  g_assert_true (tern_store_db_sync_set_folder_server (fixture->db, inbox, "INBOX", NULL, TERN_STORE_FOLDER_ROLE_INBOX,
                                                       &error));
  g_assert_no_error (error);
  assert_nothing (fixture);

  /* Only the role, only the server path, only the delimiter: each is a change. */
  g_assert_true (tern_store_db_sync_set_folder_server (fixture->db, inbox, "INBOX", ".", TERN_STORE_FOLDER_ROLE_NONE,
                                                       &error));
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    assert_folders (changes, inbox, (gint64) 0);
  }
  g_assert_true (tern_store_db_sync_set_folder_server (fixture->db, other, "Other", NULL, TERN_STORE_FOLDER_ROLE_NONE,
                                                       &error));
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    assert_folders (changes, other, (gint64) 0);
  }
  g_assert_true (tern_store_db_sync_set_folder_server (fixture->db, other, "Other", "/", TERN_STORE_FOLDER_ROLE_NONE,
                                                       &error));
  g_assert_true (tern_store_db_sync_set_folder_server (fixture->db, other, "Other", ".", TERN_STORE_FOLDER_ROLE_NONE,
                                                       &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    assert_folders (changes, other, (gint64) 0);
  }

  /* An unknown folder: nothing. */
  g_assert_true (tern_store_db_sync_set_folder_server (fixture->db, 9999, "X", ".", TERN_STORE_FOLDER_ROLE_NONE, &error));
  g_assert_no_error (error);
  assert_nothing (fixture);
}

static void
test_folder_subscribed (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = folder (fixture, "INBOX");

  /* Folders start subscribed. */
  forget (fixture);
  g_assert_true (tern_store_db_sync_set_folder_subscribed (fixture->db, inbox, TRUE, &error));
  g_assert_no_error (error);
  assert_nothing (fixture);

  g_assert_true (tern_store_db_sync_set_folder_subscribed (fixture->db, inbox, FALSE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    g_autoptr(TernStoreFolder) f = get_folder (fixture, inbox);

    assert_folders (changes, inbox, (gint64) 0);
    assert_no_ids (changes, inbox);
    g_assert_false (tern_store_folder_get_subscribed (f));
  }
  g_assert_true (tern_store_db_sync_set_folder_subscribed (fixture->db, inbox, FALSE, &error));
  assert_nothing (fixture);
  g_assert_true (tern_store_db_sync_set_folder_subscribed (fixture->db, inbox, TRUE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    assert_folders (changes, inbox, (gint64) 0);
  }

  /* The user unsubscribes here; until the journal's entry is replayed, the server's
   * list (which still says subscribed) does not undo it. */
  {
    gint64 entry;

    g_assert_true (tern_store_db_sync_set_folder_subscribed_here (fixture->db, inbox, FALSE, &error));
    g_assert_no_error (error);
    forget (fixture);
    entry = tern_store_db_sync_journal_append (fixture->db, fixture->account, TERN_STORE_JOURNAL_FOLDER_UNSUBSCRIBE,
                                               inbox, 0, NULL, 0, 0, NULL, NULL, "INBOX", 0, &error);
    g_assert_no_error (error);
    g_assert_true (tern_store_db_sync_set_folder_subscribed (fixture->db, inbox, TRUE, &error));
    g_assert_no_error (error);
    assert_nothing (fixture);
    {
      g_autoptr(TernStoreFolder) f = get_folder (fixture, inbox);

      g_assert_false (tern_store_folder_get_subscribed (f));
    }
    /* Replayed: the server's word counts again. */
    g_assert_true (tern_store_db_sync_journal_remove (fixture->db, entry, &error));
    g_assert_true (tern_store_db_sync_set_folder_subscribed (fixture->db, inbox, TRUE, &error));
    g_assert_no_error (error);
    {
      g_autoptr(TernStoreFolder) f = get_folder (fixture, inbox);

      g_assert_true (tern_store_folder_get_subscribed (f));
    }
  }
}

static void
test_rename_folder (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 a = folder (fixture, "A");
  gint64 sub = folder (fixture, "A/Sub");
  gint64 deep = folder (fixture, "A/Sub/Deep");
  gint64 other = folder (fixture, "Other");
  gint64 ab = folder (fixture, "AB");   /* shares the prefix, not the subtree */
  gint64 b;

  /* Under a parent that does not exist yet: it is created, and announced. */
  forget (fixture);
  g_assert_true (tern_store_db_sync_rename_folder (fixture->db, a, "B/A2", &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    g_autoptr(TernStoreFolder) parent = tern_store_db_lookup_folder (fixture->db, fixture->account, "B", &error);
    g_autoptr(TernStoreFolder) f = get_folder (fixture, deep);

    g_assert_no_error (error);
    b = tern_store_folder_get_id (parent);
    assert_folders (changes, a, sub, deep, b, (gint64) 0);
    assert_no_ids (changes, a);
    g_assert_cmpstr (tern_store_folder_get_path (f), ==, "B/A2/Sub/Deep");
  }

  /* To the same path: nothing. */
  g_assert_true (tern_store_db_sync_rename_folder (fixture->db, a, "B/A2", &error));
  g_assert_no_error (error);
  assert_nothing (fixture);

  /* A folder without subfolders, at the top: only it. */
  g_assert_true (tern_store_db_sync_rename_folder (fixture->db, other, "Renamed", &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    assert_folders (changes, other, (gint64) 0);
  }

  /* An unknown folder: an error, and nothing announced. */
  g_assert_false (tern_store_db_sync_rename_folder (fixture->db, 9999, "Nope", &error));
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_nothing (fixture);
  {
    g_autoptr(TernStoreFolder) f = get_folder (fixture, ab);
    g_assert_cmpstr (tern_store_folder_get_path (f), ==, "AB");
  }
}

static void
test_delete_folder (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 x = folder (fixture, "X");
  gint64 y = folder (fixture, "X/Y");
  gint64 keep = folder (fixture, "XY");
  gint64 m1 = add (fixture, x, 5);
  gint64 m2 = add (fixture, y, G_MAXUINT32);   /* the last local UID */
  gint64 m3 = add (fixture, y, TERN_STORE_LOCAL_UID_BASE);
  gint64 kept = add (fixture, keep, 1);

  forget (fixture);
  g_assert_true (tern_store_db_sync_delete_folder (fixture->db, x, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);

    assert_folders (changes, x, y, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_REMOVED, x, m1, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_REMOVED, y, m2, m3, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_ADDED, y, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_CHANGED, y, (gint64) 0);
  }
  g_assert_null (tern_store_db_get_folder (fixture->db, x, &error));
  g_clear_error (&error);
  g_assert_null (tern_store_db_get_folder (fixture->db, y, &error));
  g_clear_error (&error);
  g_assert_false (message_exists (fixture, m1));
  g_assert_false (message_exists (fixture, m2));
  g_assert_false (message_exists (fixture, m3));
  g_assert_true (message_exists (fixture, kept));

  /* Gone already: an error, and nothing announced. */
  g_assert_false (tern_store_db_sync_delete_folder (fixture->db, x, &error));
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_nothing (fixture);
}

/* ---- messages ------------------------------------------------------------------- */

static void
test_set_uid (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = folder (fixture, "INBOX");
  gint64 id = add (fixture, inbox, TERN_STORE_LOCAL_UID_BASE);

  forget (fixture);
  g_assert_true (tern_store_db_sync_set_uid (fixture->db, id, 42, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    g_autoptr(TernStoreMessage) message = tern_store_db_get_message (fixture->db, id, &error);

    g_assert_no_error (error);
    assert_folders (changes, inbox, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_CHANGED, inbox, id, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_ADDED, inbox, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_REMOVED, inbox, (gint64) 0);
    g_assert_cmpuint (tern_store_message_get_uid (message), ==, 42);
  }

  /* The same UID, an unknown message: nothing. */
  g_assert_true (tern_store_db_sync_set_uid (fixture->db, id, 42, &error));
  g_assert_true (tern_store_db_sync_set_uid (fixture->db, 9999, 43, &error));
  g_assert_no_error (error);
  assert_nothing (fixture);
}

static void
test_move_message (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 from = folder (fixture, "INBOX");
  gint64 to = folder (fixture, "Archive");
  gint64 id = add (fixture, from, 10);
  gint64 still = add (fixture, from, 11);

  forget (fixture);
  g_assert_true (tern_store_db_sync_move_message (fixture->db, id, to, TERN_STORE_LOCAL_UID_BASE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    g_autoptr(TernStoreFolder) f_from = get_folder (fixture, from);
    g_autoptr(TernStoreFolder) f_to = get_folder (fixture, to);

    assert_folders (changes, from, to, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_REMOVED, from, id, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_ADDED, from, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_CHANGED, from, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_ADDED, to, id, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_REMOVED, to, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_CHANGED, to, (gint64) 0);
    g_assert_cmpuint (tern_store_folder_get_total (f_from), ==, 1);
    g_assert_cmpuint (tern_store_folder_get_total (f_to), ==, 1);
  }

  /* Where it is already: nothing. */
  g_assert_true (tern_store_db_sync_move_message (fixture->db, id, to, TERN_STORE_LOCAL_UID_BASE, &error));
  g_assert_no_error (error);
  assert_nothing (fixture);

  /* Within its folder, to another UID: a change. */
  g_assert_true (tern_store_db_sync_move_message (fixture->db, id, to, 3, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);

    assert_folders (changes, to, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_CHANGED, to, id, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_ADDED, to, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_REMOVED, to, (gint64) 0);
  }

  /* An unknown message: nothing. */
  g_assert_true (tern_store_db_sync_move_message (fixture->db, 9999, to, 4, &error));
  g_assert_no_error (error);
  assert_nothing (fixture);
  g_assert_true (message_exists (fixture, still));
}

/* Many messages of one folder in one statement: the same rows, counts and changes
 * as one by one; a message not (or no longer) in the source folder stays put. */
static void
test_move_messages (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 from = folder (fixture, "INBOX");
  gint64 to = folder (fixture, "Archive");
  gint64 elsewhere = folder (fixture, "Other");
  gint64 ids[4];
  guint32 uids[4] = { TERN_STORE_LOCAL_UID_BASE + 7, TERN_STORE_LOCAL_UID_BASE + 8,
                      TERN_STORE_LOCAL_UID_BASE + 9, TERN_STORE_LOCAL_UID_BASE + 10 };
  gint64 stays;

  ids[0] = add (fixture, from, 10);
  ids[1] = add (fixture, from, 11);
  ids[2] = add (fixture, from, 12);
  ids[3] = add (fixture, elsewhere, 13);   /* named, but not in the source folder */
  stays = add (fixture, from, 14);
  g_assert_true (tern_store_db_set_flags (fixture->db, &ids[1], 1, TERN_STORE_FLAG_SEEN, 0, &error));
  g_assert_no_error (error);

  forget (fixture);
  g_assert_true (tern_store_db_sync_move_messages (fixture->db, from, ids, uids, G_N_ELEMENTS (ids), to, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    g_autoptr(TernStoreFolder) f_from = get_folder (fixture, from);
    g_autoptr(TernStoreFolder) f_to = get_folder (fixture, to);
    g_autoptr(TernStoreFolder) f_elsewhere = get_folder (fixture, elsewhere);

    assert_folders (changes, from, to, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_REMOVED, from, ids[0], ids[1], ids[2], (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_ADDED, to, ids[0], ids[1], ids[2], (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_CHANGED, to, (gint64) 0);
    g_assert_cmpuint (tern_store_folder_get_total (f_from), ==, 1);
    g_assert_cmpuint (tern_store_folder_get_unread (f_from), ==, 1);
    g_assert_cmpuint (tern_store_folder_get_total (f_to), ==, 3);
    g_assert_cmpuint (tern_store_folder_get_unread (f_to), ==, 2);   /* ids[1] was read */
    g_assert_cmpuint (tern_store_folder_get_total (f_elsewhere), ==, 1);
  }
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(TernStoreMessage) message = tern_store_db_get_message (fixture->db, ids[i], &error);

      g_assert_no_error (error);
      g_assert_cmpint (tern_store_message_get_folder_id (message), ==, i < 3 ? to : elsewhere);
      g_assert_cmpuint (tern_store_message_get_uid (message), ==, i < 3 ? uids[i] : 13);
    }
  g_assert_true (message_exists (fixture, stays));

  /* From a folder they have left: nothing; and none, nothing either. */
  g_assert_true (tern_store_db_sync_move_messages (fixture->db, from, ids, uids, 3, elsewhere, &error));
  g_assert_true (tern_store_db_sync_move_messages (fixture->db, from, ids, uids, 0, to, &error));
  g_assert_no_error (error);
  assert_nothing (fixture);

  /* A conflict (a UID the target has) fails whole: no message moved. */
  {
    guint32 taken[2] = { 20, TERN_STORE_LOCAL_UID_BASE + 8 };   /* the second is ids[1]'s own, in @to */
    gint64 m = add (fixture, from, 15);
    gint64 pair[2] = { m, stays };

    forget (fixture);
    g_assert_false (tern_store_db_sync_move_messages (fixture->db, from, pair, taken, 2, to, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    assert_nothing (fixture);
    {
      g_autoptr(TernStoreMessage) message = tern_store_db_get_message (fixture->db, m, &error);

      g_assert_cmpint (tern_store_message_get_folder_id (message), ==, from);
    }
  }
}

/* The messages a move into an account must download first: those of other
 * accounts without a body; unknown ids are left out. */
static void
test_bodiless_outside (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 other_account = tern_store_db_ensure_account (fixture->db, "other@example.com", TERN_STORE_ACCOUNT_IMAP,
                                                       &error);
  g_autoptr(TernStoreFolder) other_inbox = tern_store_db_ensure_folder (fixture->db, other_account, "INBOX",
                                                                        TERN_STORE_FOLDER_ROLE_INBOX, &error);
  gint64 inbox = folder (fixture, "INBOX");
  static const char head[] = "From: b@example.com\nSubject: head\n\n";
  g_autoptr(TernMimeSummary) summary = tern_mime_summary_new ((const guint8 *) head, strlen (head));
  TernStoreDbNewMessage header = { 0 };
  g_autoptr(GArray) got = NULL;
  gint64 ids[5];

  g_assert_no_error (error);
  header.summary = summary;   /* no raw: only the header is known */
  header.size = 1000;
  ids[0] = add (fixture, inbox, 1);                                    /* same account, body */
  header.folder_id = inbox;
  header.uid = 2;
  ids[1] = tern_store_db_add_message (fixture->db, &header, NULL, &error);   /* same account, no body */
  ids[2] = add (fixture, tern_store_folder_get_id (other_inbox), 1);   /* other account, body */
  header.folder_id = tern_store_folder_get_id (other_inbox);
  header.uid = 2;
  ids[3] = tern_store_db_add_message (fixture->db, &header, NULL, &error);   /* other account, no body */
  g_assert_no_error (error);
  ids[4] = 999999;                                                     /* unknown */

  got = tern_store_db_list_bodiless_outside (fixture->db, ids, G_N_ELEMENTS (ids), fixture->account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpint (g_array_index (got, gint64, 0), ==, ids[3]);
  g_clear_pointer (&got, g_array_unref);

  got = tern_store_db_list_bodiless_outside (fixture->db, ids, G_N_ELEMENTS (ids), other_account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpint (g_array_index (got, gint64, 0), ==, ids[1]);
  g_clear_pointer (&got, g_array_unref);

  got = tern_store_db_list_bodiless_outside (fixture->db, ids, 0, other_account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 0);
}

static void
test_delete_server_messages (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = folder (fixture, "INBOX");
  gint64 other = folder (fixture, "Other");
  gint64 m1 = add (fixture, inbox, 1);
  gint64 m2 = add (fixture, inbox, 2);
  gint64 local = add (fixture, inbox, TERN_STORE_LOCAL_UID_BASE);
  gint64 elsewhere = add (fixture, other, 1);

  forget (fixture);
  g_assert_true (tern_store_db_sync_delete_server_messages (fixture->db, inbox, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);
    g_autoptr(TernStoreFolder) f = get_folder (fixture, inbox);

    assert_folders (changes, inbox, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_REMOVED, inbox, m1, m2, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_ADDED, inbox, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_CHANGED, inbox, (gint64) 0);
    g_assert_cmpuint (tern_store_folder_get_total (f), ==, 1);
  }
  g_assert_true (message_exists (fixture, local));
  g_assert_true (message_exists (fixture, elsewhere));

  /* None left from the server: nothing. */
  g_assert_true (tern_store_db_sync_delete_server_messages (fixture->db, inbox, &error));
  g_assert_no_error (error);
  assert_nothing (fixture);
}

/* ---- transactions and bookkeeping ----------------------------------------------- */

/* Inside the sync's own transaction the changes wait for its commit, and are
 * delivered together; a rollback delivers nothing. */
static void
test_batch (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = folder (fixture, "INBOX");
  gint64 gone = folder (fixture, "Gone");
  gint64 id = add (fixture, inbox, TERN_STORE_LOCAL_UID_BASE);

  forget (fixture);
  g_assert_true (tern_store_db_begin (fixture->db, &error));
  g_assert_true (tern_store_db_sync_set_uid (fixture->db, id, 7, &error));
  g_assert_true (tern_store_db_sync_set_folder_subscribed (fixture->db, inbox, FALSE, &error));
  g_assert_true (tern_store_db_sync_delete_folder (fixture->db, gone, &error));
  g_assert_no_error (error);
  assert_nothing (fixture);
  g_assert_true (tern_store_db_commit (fixture->db, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreChanges) changes = take_one (fixture);

    assert_folders (changes, inbox, gone, (gint64) 0);
    assert_ids (changes, TERN_STORE_CHANGE_CHANGED, inbox, id, (gint64) 0);
    assert_no_ids (changes, gone);
  }

  g_assert_true (tern_store_db_begin (fixture->db, &error));
  g_assert_true (tern_store_db_sync_set_uid (fixture->db, id, 8, &error));
  g_assert_true (tern_store_db_sync_set_folder_subscribed (fixture->db, inbox, TRUE, &error));
  g_assert_no_error (error);
  tern_store_db_rollback (fixture->db);
  assert_nothing (fixture);
  {
    g_autoptr(TernStoreMessage) message = tern_store_db_get_message (fixture->db, id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (tern_store_message_get_uid (message), ==, 7);
  }
}

/* The folders' sync state and the journal are not shown: they announce nothing. */
static void
test_bookkeeping (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  gint64 inbox = folder (fixture, "INBOX");
  gint64 entry;

  forget (fixture);
  g_assert_true (tern_store_db_set_folder_sync_state (fixture->db, inbox, 1234, 57, 99, &error));
  entry = tern_store_db_sync_journal_append (fixture->db, fixture->account, TERN_STORE_JOURNAL_FOLDER_CREATE,
                                             0, 0, NULL, 0, 0, NULL, NULL, "New", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry, >, 0);
  g_assert_true (tern_store_db_sync_journal_attempted (fixture->db, entry, &error));
  /* Keywords to add and remove come back as given; empty ones as NULL. */
  g_assert_cmpint (tern_store_db_sync_journal_append (fixture->db, fixture->account, TERN_STORE_JOURNAL_FLAGS,
                                                      inbox, 0, "3:4", 0, 0, "$Forwarded $label2", "$Junk",
                                                      NULL, 0, &error), >, entry);
  g_assert_no_error (error);
  g_assert_cmpint (tern_store_db_sync_journal_append (fixture->db, fixture->account, TERN_STORE_JOURNAL_FLAGS,
                                                      inbox, 0, "5", TERN_STORE_FLAG_SEEN, 0, "", NULL,
                                                      NULL, 0, &error), >, entry);
  g_assert_no_error (error);
  journal = tern_store_db_sync_list_journal (fixture->db, fixture->account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (journal->len, ==, 3);
  g_assert_cmpuint (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 0))->attempts, ==, 1);
  g_assert_null (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 0))->keywords_add);
  g_assert_null (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 0))->keywords_remove);
  g_assert_cmpstr (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 1))->keywords_add, ==,
                   "$Forwarded $label2");
  g_assert_cmpstr (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 1))->keywords_remove, ==, "$Junk");
  g_assert_cmpstr (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 1))->uids, ==, "3:4");
  g_assert_null (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 2))->keywords_add);
  g_assert_null (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 2))->keywords_remove);
  g_assert_cmpuint (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 2))->flags_add, ==, TERN_STORE_FLAG_SEEN);
  assert_nothing (fixture);
}

static gint64
journal_entry (Fixture *fixture, TernStoreJournalOp op, gint64 folder_id, gint64 message_id, guint32 uid)
{
  g_autoptr(GError) error = NULL;
  TernStoreDbJournalMessage m = { message_id, uid, 0, 0 };
  gint64 entry = tern_store_db_sync_journal_append (fixture->db, fixture->account, op, folder_id, 0, NULL, 0,
                                                    0, NULL, NULL, NULL, 0, &error);

  g_assert_no_error (error);
  g_assert_true (tern_store_db_sync_journal_add_message (fixture->db, entry, &m, &error));
  g_assert_no_error (error);
  return entry;
}

static TernStoreDbJournalMessage
journal_message (Fixture *fixture, gint64 entry)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) messages = tern_store_db_sync_journal_list_messages (fixture->db, entry, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  return g_array_index (messages, TernStoreDbJournalMessage, 0);
}

/* Many messages journaled at once (whole batches and the rest one by one) read
 * back exactly as one by one would; a message named twice is kept once. */
static void
test_journal_add_messages (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = folder (fixture, "INBOX");
  gint64 entry = tern_store_db_sync_journal_append (fixture->db, fixture->account, TERN_STORE_JOURNAL_MOVE, inbox,
                                                    0, NULL, 0, 0, NULL, NULL, NULL, 0, &error);
  g_autoptr(GArray) in = g_array_new (FALSE, TRUE, sizeof (TernStoreDbJournalMessage));
  g_autoptr(GArray) out = NULL;
  guint n = 300;   /* two batches of 128 and 44 one by one */

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      TernStoreDbJournalMessage m = { 1000 + i, i % 3 ? i + 1 : 0, i % 7 ? 0 : 5000 + i, i % 5 ? 0 : inbox };

      g_array_append_val (in, m);
    }
  g_assert_true (tern_store_db_sync_journal_add_messages (fixture->db, entry, (TernStoreDbJournalMessage *) in->data,
                                                          n, &error));
  g_assert_no_error (error);
  /* the first again, now with a UID: replaced */
  g_array_index (in, TernStoreDbJournalMessage, 0).uid = 77;
  g_assert_true (tern_store_db_sync_journal_add_messages (fixture->db, entry, (TernStoreDbJournalMessage *) in->data,
                                                          1, &error));
  g_assert_no_error (error);

  out = tern_store_db_sync_journal_list_messages (fixture->db, entry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      TernStoreDbJournalMessage *a = &g_array_index (in, TernStoreDbJournalMessage, i);
      TernStoreDbJournalMessage *b = NULL;

      for (guint j = 0; j < out->len && b == NULL; j++)
        if (g_array_index (out, TernStoreDbJournalMessage, j).message_id == a->message_id)
          b = &g_array_index (out, TernStoreDbJournalMessage, j);
      g_assert_nonnull (b);
      g_assert_cmpuint (b->uid, ==, a->uid);
      g_assert_cmpint (b->copy_id, ==, a->copy_id);
      g_assert_cmpint (b->folder_id, ==, a->folder_id);
    }
}

/* A UID handed on goes to the later entries that name the message without one, up
 * to the first that moves it on, with the folder the server has it in when that is
 * not theirs (a refused move); tern_store_db_sync_journal_moves_on() tells the same
 * without handing anything on. */
static void
test_journal_forward (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = folder (fixture, "INBOX");
  gint64 archive = folder (fixture, "Archive");
  gint64 move = journal_entry (fixture, TERN_STORE_JOURNAL_MOVE, inbox, 42, 5);
  gint64 flag = journal_entry (fixture, TERN_STORE_JOURNAL_FLAGS, archive, 42, 0);
  gint64 move_on = journal_entry (fixture, TERN_STORE_JOURNAL_MOVE, archive, 42, 0);
  gint64 after = journal_entry (fixture, TERN_STORE_JOURNAL_FLAGS, archive, 42, 0);
  gint64 other = journal_entry (fixture, TERN_STORE_JOURNAL_FLAGS, archive, 43, 0);
  gboolean moves_on = FALSE;

  forget (fixture);
  g_assert_true (tern_store_db_sync_journal_moves_on (fixture->db, move, 42, &moves_on, &error));
  g_assert_no_error (error);
  g_assert_true (moves_on);
  g_assert_cmpuint (journal_message (fixture, flag).uid, ==, 0);

  g_assert_true (tern_store_db_sync_journal_forward (fixture->db, move, 42, inbox, 5, &moves_on, &error));
  g_assert_no_error (error);
  g_assert_true (moves_on);
  g_assert_cmpuint (journal_message (fixture, flag).uid, ==, 5);
  g_assert_cmpint (journal_message (fixture, flag).folder_id, ==, inbox);
  g_assert_cmpuint (journal_message (fixture, move_on).uid, ==, 5);
  g_assert_cmpint (journal_message (fixture, move_on).folder_id, ==, inbox);
  g_assert_cmpuint (journal_message (fixture, after).uid, ==, 0);
  g_assert_cmpint (journal_message (fixture, after).folder_id, ==, 0);
  g_assert_cmpuint (journal_message (fixture, other).uid, ==, 0);

  /* The entry that moved it on hands its own UID on, in the entries' own folder. */
  g_assert_true (tern_store_db_sync_journal_forward (fixture->db, move_on, 42, 0, 9, &moves_on, &error));
  g_assert_no_error (error);
  g_assert_false (moves_on);
  g_assert_cmpuint (journal_message (fixture, after).uid, ==, 9);
  g_assert_cmpint (journal_message (fixture, after).folder_id, ==, 0);
  g_assert_true (tern_store_db_sync_journal_moves_on (fixture->db, after, 42, &moves_on, &error));
  g_assert_false (moves_on);
  assert_nothing (fixture);
}

/* A message moved to another account and back (an undo): the entries of the other
 * account that name it are not this server's to settle. Uploaded here again, its
 * UID goes to none of them, and they do not make it "move on" (its row then stayed
 * unsettled beside the sync's copy of it, and the other account's delete was handed
 * a UID of this server). */
static void
test_journal_forward_other_account (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = folder (fixture, "INBOX");
  gint64 other_account = tern_store_db_ensure_account (fixture->db, "you@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
  gint64 append, their_delete;
  TernStoreDbJournalMessage m = { 42, 0, 0, 0 };
  gboolean moves_on = TRUE;

  g_assert_no_error (error);
  append = journal_entry (fixture, TERN_STORE_JOURNAL_APPEND, inbox, 42, 0);
  their_delete = tern_store_db_sync_journal_append (fixture->db, other_account, TERN_STORE_JOURNAL_DELETE, 0, 0, NULL,
                                                    0, 0, NULL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_db_sync_journal_add_message (fixture->db, their_delete, &m, &error));
  g_assert_no_error (error);

  g_assert_true (tern_store_db_sync_journal_moves_on (fixture->db, append, 42, &moves_on, &error));
  g_assert_no_error (error);
  g_assert_false (moves_on);
  g_assert_true (tern_store_db_sync_journal_forward (fixture->db, append, 42, 0, 7, &moves_on, &error));
  g_assert_no_error (error);
  g_assert_false (moves_on);
  g_assert_cmpuint (journal_message (fixture, their_delete).uid, ==, 0);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  store_test_home_setup ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/db-sync/changes/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("folder-server", test_folder_server);
  ADD ("folder-subscribed", test_folder_subscribed);
  ADD ("rename-folder", test_rename_folder);
  ADD ("delete-folder", test_delete_folder);
  ADD ("set-uid", test_set_uid);
  ADD ("move-message", test_move_message);
  ADD ("move-messages", test_move_messages);
  ADD ("bodiless-outside", test_bodiless_outside);
  ADD ("delete-server-messages", test_delete_server_messages);
  ADD ("batch", test_batch);
  ADD ("bookkeeping", test_bookkeeping);
  ADD ("journal-add-messages", test_journal_add_messages);
  ADD ("journal-forward", test_journal_forward);
  ADD ("journal-forward-other-account", test_journal_forward_other_account);
#undef ADD

  return store_test_home_cleanup (g_test_run ());
}
