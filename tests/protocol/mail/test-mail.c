/* test-mail.c: the engine's front-end API (TernMail) against the real Dovecot
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/servers/tern-test-servers. Every operation is checked three ways:
 * the store changes at once, an open list model hears of it as items-changed of the
 * right positions, and the server has it after the sync (read through an IMAP session
 * of the test's own). Undo is checked before and after the operation reached the
 * server. Then the accounts' live state (a refused password, the remedy), a started
 * engine (new mail, an operation reaching the server by itself), and a list model open
 * during a 10,000-message sync and a 5,000-message move.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tern-engine.h"
#include "tern-mail.h"
#include "tern-imap-response.h"
#include "tern-imap-session.h"
#include "tern-store-folder-list.h"
#include "tern-store-message-list.h"

static TernMail *mail;
static TernMailAccount *alice;
static char *password;

/* ---- waiting ---------------------------------------------------------------------- */

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static gboolean
spin_until (gboolean (*cond) (gpointer), gpointer data, guint seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!cond (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  return cond (data);
}

static void
sync_alice (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tern_mail_sync_async (mail, alice, NULL, done_cb, &result);
  g_assert_true (tern_mail_sync_finish (mail, wait_for (&result), &error));
  g_assert_no_error (error);
}

/* Runs an operation's finish; returns its undo. */
static TernMailUndo *
finish (GAsyncResult **slot, gint64 *id)
{
  g_autoptr(GError) error = NULL;
  TernMailUndo *undo = NULL;

  g_assert_true (tern_mail_operation_finish (mail, wait_for (slot), &undo, id, &error));
  g_assert_no_error (error);
  g_clear_object (slot);
  return undo;
}

/* ---- the server, through a session of the test's own ------------------------------- */

static TernImapSession *
server (void)
{
  g_autoptr(GError) error = NULL;
  TernImapSession *session = tern_account_open_imap (tern_mail_account_get_account (alice), password, 0, NULL,
                                                     &error);

  g_assert_no_error (error);
  return session;
}

static void
append (const char *folder, const char *tag, const char * const *flags)
{
  g_autoptr(TernImapSession) session = server ();
  g_autofree char *text = g_strdup_printf ("From: Bob <bob@tern.test>\r\nTo: alice@tern.test\r\n"
                                           "Subject: %s\r\nMessage-ID: <%s@tern.test>\r\n"
                                           "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nThe body of %s.\r\n",
                                           tag, tag, tag);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_imap_session_append (session, folder, flags, NULL, raw, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

typedef struct
{
  GPtrArray *flags;   /* one string of sorted flags per copy */
} Found;

static void
fetch_cb (TernImapSession *session, TernImapResponse *response, gpointer user_data)
{
  Found *found = user_data;
  g_auto(GStrv) flags = tern_imap_response_dup_fetch_flags (response);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (flags == NULL)
    return;
  for (guint i = 0; flags[i] != NULL; i++)
    if (g_strcmp0 (flags[i], "\\Recent") != 0)
      g_ptr_array_add (kept, flags[i]);
  g_ptr_array_sort (kept, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (kept, NULL);
  g_ptr_array_add (found->flags, g_strjoinv (" ", (char **) kept->pdata));
}

/* The flags of each server copy of message @tag in @folder: "" for none, "\\Seen"...;
 * the number of copies is the array's length. */
static GPtrArray *
server_copies (const char *folder, const char *tag)
{
  g_autoptr(TernImapSession) session = server ();
  g_autoptr(GError) error = NULL;
  g_autofree char *criteria = g_strdup_printf ("HEADER Message-ID \"<%s@tern.test>\"", tag);
  g_autoptr(GArray) uids = NULL;
  Found found = { g_ptr_array_new_with_free_func (g_free) };

  if (!tern_imap_session_select (session, folder, TERN_IMAP_SELECT_READ_ONLY, NULL, NULL, &error))
    return found.flags;
  uids = tern_imap_session_uid_search (session, criteria, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < uids->len; i++)
    {
      g_autofree char *set = g_strdup_printf ("%u", g_array_index (uids, guint32, i));
      g_assert_true (tern_imap_session_uid_fetch (session, set, "(UID FLAGS)", 0, fetch_cb, &found, NULL, &error));
    }
  return found.flags;
}

static void
assert_server (const char *folder, const char *tag, const char *flags)
{
  g_autoptr(GPtrArray) copies = server_copies (folder, tag);

  if (flags == NULL)
    {
      g_assert_cmpuint (copies->len, ==, 0);
      return;
    }
  g_assert_cmpuint (copies->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (copies, 0), ==, flags);
}

/* ---- the store ----------------------------------------------------------------------- */

static TernStoreFolderList *folders;

static gint64
folder_id (const char *path)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (folders)); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (G_LIST_MODEL (folders), i);

      if (tern_store_folder_get_account_id (folder) == tern_mail_account_get_store_id (alice) &&
          g_strcmp0 (tern_store_folder_get_path (folder), path) == 0)
        return tern_store_folder_get_id (folder);
    }
  return 0;
}

static TernStoreMessageList *
open_list (gint64 folder)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TernStoreMessageList *list;

  tern_store_message_list_new_async (tern_mail_get_store (mail), folder, NULL, NULL, done_cb, &result);
  list = tern_store_message_list_new_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  return list;
}

static TernStoreMessage *
find_message (TernStoreMessageList *list, const char *tag)
{
  g_autofree char *id = g_strdup_printf ("%s@tern.test", tag);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (G_LIST_MODEL (list), i);

      while (!tern_store_message_is_loaded (message))
        g_main_context_iteration (NULL, TRUE);
      if (g_strcmp0 (tern_store_message_get_message_id (message), id) == 0)
        return g_steal_pointer (&message);
    }
  return NULL;
}

static gboolean
list_has_n (gpointer data)
{
  gpointer *pair = data;
  return g_list_model_get_n_items (G_LIST_MODEL (pair[0])) == GPOINTER_TO_UINT (pair[1]) &&
         tern_store_message_list_get_n_pending (pair[0]) == 0;
}

static void
wait_n_items (TernStoreMessageList *list, guint n)
{
  gpointer pair[2] = { list, GUINT_TO_POINTER (n) };

  g_assert_true (spin_until (list_has_n, pair, 30));
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_setup (void)
{
  g_autoptr(TernMailAccountBuilder) builder = tern_mail_account_builder_new ("alice@tern.test");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strdup_printf ("echo %s", password);

  tern_mail_account_builder_set_protocol (builder, TERN_ACCOUNT_PROTOCOL_IMAP);
  tern_mail_account_builder_set_incoming (builder, g_getenv ("TERN_TEST_HOST"),
                                          (guint16) atoi (g_getenv ("TERN_TEST_IMAPS_PORT")), TERN_NET_SECURITY_TLS,
                                          "alice");
  tern_mail_account_builder_set_outgoing (builder, g_getenv ("TERN_TEST_HOST"),
                                          (guint16) atoi (g_getenv ("TERN_TEST_SUBMISSION_PORT")),
                                          TERN_NET_SECURITY_STARTTLS, "alice");
  tern_mail_account_builder_set_password_command (builder, command);
  g_assert_true (tern_mail_account_builder_set_pinned_certificate (builder, g_getenv ("TERN_TEST_CA_CERT"), &error));
  tern_mail_add_account_async (mail, builder, NULL, done_cb, &result);
  alice = tern_mail_add_account_finish (mail, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (alice);
  g_assert_true (tern_mail_lookup_account (mail, "alice@tern.test") == alice);
  g_object_unref (alice);   /* the engine keeps it */

  /* A second add of the same address is refused. */
  {
    g_autoptr(TernMailAccountBuilder) again = tern_mail_account_builder_new ("alice@tern.test");
    g_autoptr(GAsyncResult) r = NULL;

    tern_mail_account_builder_set_protocol (again, TERN_ACCOUNT_PROTOCOL_IMAP);
    tern_mail_account_builder_set_incoming (again, "localhost", 0, -1, NULL);
    tern_mail_add_account_async (mail, again, NULL, done_cb, &r);
    g_assert_null (tern_mail_add_account_finish (mail, wait_for (&r), &error));
    g_assert_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_EXISTS);
    g_clear_error (&error);
  }

  {
    g_autoptr(TernImapSession) session = server ();
    tern_imap_session_create (session, "Projects", NULL, NULL);
  }
  append ("INBOX", "one", NULL);
  append ("INBOX", "two", (const char *[]) { "\\Seen", NULL });
  append ("INBOX", "three", NULL);
  append ("INBOX", "four", NULL);
  sync_alice ();
  g_assert_cmpint (tern_mail_account_get_state (alice), ==, TERN_MAIL_ACCOUNT_IDLE);

  {
    g_autoptr(GAsyncResult) r = NULL;

    tern_store_folder_list_new_async (tern_mail_get_store (mail), 0, NULL, done_cb, &r);
    folders = tern_store_folder_list_new_finish (wait_for (&r), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (folder_id ("INBOX"), >, 0);
  g_assert_cmpint (folder_id ("Projects"), >, 0);
  g_assert_cmpint (folder_id ("Trash"), >, 0);
}

/* A move to another account of a message whose body is not here yet (carol keeps
 * only the headers of old mail): the body is fetched first, then the move is made, in one
 * transaction with its look at the messages, here and on both servers. */
static void
test_move_to_another_account (void)
{
  g_autoptr(TernMailAccountBuilder) builder = tern_mail_account_builder_new ("carol@tern.test");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strdup_printf ("echo %s", password);
  g_autoptr(TernStoreMessageList) carol_inbox = NULL;
  g_autoptr(TernStoreMessageList) projects = open_list (folder_id ("Projects"));
  g_autoptr(TernStoreMessage) carry = NULL;
  g_autoptr(TernStoreMessage) moved = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  TernMailAccount *carol;
  gint64 carol_inbox_id = 0, id;
  guint n_projects = g_list_model_get_n_items (G_LIST_MODEL (projects));

  tern_mail_account_builder_set_protocol (builder, TERN_ACCOUNT_PROTOCOL_IMAP);
  tern_mail_account_builder_set_incoming (builder, g_getenv ("TERN_TEST_HOST"),
                                          (guint16) atoi (g_getenv ("TERN_TEST_IMAPS_PORT")), TERN_NET_SECURITY_TLS,
                                          "carol");
  tern_mail_account_builder_set_password_command (builder, command);
  tern_mail_account_builder_set_body_days (builder, 1);   /* the 2024 message: its header only */
  g_assert_true (tern_mail_account_builder_set_pinned_certificate (builder, g_getenv ("TERN_TEST_CA_CERT"), &error));
  tern_mail_add_account_async (mail, builder, NULL, done_cb, &result);
  carol = tern_mail_add_account_finish (mail, wait_for (&result), &error);
  g_assert_no_error (error);
  g_object_unref (carol);   /* the engine keeps it */
  g_clear_object (&result);
  {
    g_autoptr(TernImapSession) session = tern_account_open_imap (tern_mail_account_get_account (carol), password, 0,
                                                                 NULL, &error);
    const char *text = "From: Dan <dan@tern.test>\r\nTo: carol@tern.test\r\nSubject: carry\r\n"
                       "Message-ID: <carry@tern.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n"
                       "The body of carry.\r\n";
    g_autoptr(GBytes) raw = g_bytes_new_static (text, strlen (text));

    g_assert_no_error (error);
    g_assert_true (tern_imap_session_append (session, "INBOX", NULL, NULL, raw, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  tern_mail_sync_async (mail, carol, NULL, done_cb, &result);
  g_assert_true (tern_mail_sync_finish (mail, wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (folders)); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (G_LIST_MODEL (folders), i);

      if (tern_store_folder_get_account_id (folder) == tern_mail_account_get_store_id (carol) &&
          g_strcmp0 (tern_store_folder_get_path (folder), "INBOX") == 0)
        carol_inbox_id = tern_store_folder_get_id (folder);
    }
  g_assert_cmpint (carol_inbox_id, >, 0);
  carol_inbox = open_list (carol_inbox_id);
  wait_n_items (carol_inbox, 1);
  carry = find_message (carol_inbox, "carry");
  g_assert_nonnull (carry);
  g_assert_false (tern_store_message_get_has_body (carry));

  id = tern_store_message_get_id (carry);
  tern_mail_move_async (mail, &id, 1, folder_id ("Projects"), NULL, done_cb, &result);
  undo = finish (&result, NULL);
  wait_n_items (carol_inbox, 0);
  wait_n_items (projects, n_projects + 1);
  moved = find_message (projects, "carry");
  g_assert_nonnull (moved);
  g_assert_true (tern_store_message_get_has_body (moved));

  /* The store takes the next change (no transaction was left open), and the servers
   * follow. */
  sync_alice ();
  tern_mail_sync_async (mail, carol, NULL, done_cb, &result);
  g_assert_true (tern_mail_sync_finish (mail, wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  assert_server ("Projects", "carry", "");
  {
    g_autoptr(TernImapSession) session = tern_account_open_imap (tern_mail_account_get_account (carol), password, 0,
                                                                 NULL, &error);
    g_autoptr(TernImapMailbox) status = NULL;

    g_assert_no_error (error);
    status = tern_imap_session_status (session, "INBOX", TERN_IMAP_STATUS_ITEM_MESSAGES, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (status->messages, ==, 0);
  }

  /* Alice's Projects as it was, for the tests that count it. */
  id = tern_store_message_get_id (moved);
  tern_mail_expunge_async (mail, &id, 1, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  wait_n_items (projects, n_projects);
  sync_alice ();
  assert_server ("Projects", "carry", NULL);
}

static gboolean is_idle (gpointer account);

/* How many rows of @list are the message <@tag@tern.test>. */
static guint
count_in_list (TernStoreMessageList *list, const char *tag)
{
  g_autofree char *id = g_strdup_printf ("%s@tern.test", tag);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (G_LIST_MODEL (list), i);

      while (!tern_store_message_is_loaded (message))
        g_main_context_iteration (NULL, TRUE);
      if (g_strcmp0 (tern_store_message_get_message_id (message), id) == 0)
        n++;
    }
  return n;
}

/* A move to another account undone at once, before either server heard of it: in
 * the end one copy, where it was, on the server and in the store. */
static void
test_undo_across_accounts (void)
{
  TernMailAccount *carol = tern_mail_lookup_account (mail, "carol@tern.test");
  g_autoptr(TernStoreMessageList) inbox = open_list (folder_id ("INBOX"));
  g_autoptr(TernStoreMessage) two = find_message (inbox, "two");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autoptr(TernMailUndo) redo = NULL;
  gint64 carol_inbox_id = 0, id = tern_store_message_get_id (two);
  guint n_inbox = g_list_model_get_n_items (G_LIST_MODEL (inbox));

  g_assert_nonnull (carol);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (folders)); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (G_LIST_MODEL (folders), i);

      if (tern_store_folder_get_account_id (folder) == tern_mail_account_get_store_id (carol) &&
          g_strcmp0 (tern_store_folder_get_path (folder), "INBOX") == 0)
        carol_inbox_id = tern_store_folder_get_id (folder);
    }
  g_assert_cmpint (carol_inbox_id, >, 0);

  tern_mail_move_async (mail, &id, 1, carol_inbox_id, NULL, done_cb, &result);
  undo = finish (&result, NULL);
  g_assert_nonnull (undo);
  wait_n_items (inbox, n_inbox - 1);
  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  redo = finish (&result, NULL);
  wait_n_items (inbox, n_inbox);

  /* Both accounts replay their journals, at the same time (as in the window). */
  {
    g_autoptr(GAsyncResult) alice_result = NULL;

    tern_mail_sync_async (mail, carol, NULL, done_cb, &result);
    tern_mail_sync_async (mail, alice, NULL, done_cb, &alice_result);
    g_assert_true (tern_mail_sync_finish (mail, wait_for (&result), &error));
    g_assert_no_error (error);
    g_assert_true (tern_mail_sync_finish (mail, wait_for (&alice_result), &error));
    g_assert_no_error (error);
    g_clear_object (&result);
  }
  sync_alice ();
  assert_server ("INBOX", "two", "\\Seen");
  wait_n_items (inbox, n_inbox);
  g_assert_cmpuint (count_in_list (inbox, "two"), ==, 1);
}

/* The same with both accounts started (their journals replayed at once, as in the
 * window): the undo comes after none, part or all of the move reached the servers. */
static void
test_undo_across_accounts_started (void)
{
  TernMailAccount *carol = tern_mail_lookup_account (mail, "carol@tern.test");
  g_autoptr(TernStoreMessageList) inbox = open_list (folder_id ("INBOX"));
  guint n_inbox = g_list_model_get_n_items (G_LIST_MODEL (inbox));
  gint64 carol_inbox_id = 0;
  const guint delays_ms[] = { 0, 50, 150, 400, 1000 };

  g_assert_nonnull (carol);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (folders)); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (G_LIST_MODEL (folders), i);

      if (tern_store_folder_get_account_id (folder) == tern_mail_account_get_store_id (carol) &&
          g_strcmp0 (tern_store_folder_get_path (folder), "INBOX") == 0)
        carol_inbox_id = tern_store_folder_get_id (folder);
    }
  tern_mail_start (mail);
  g_assert_true (spin_until (is_idle, alice, 30));
  g_assert_true (spin_until (is_idle, carol, 30));
  for (guint d = 0; d < G_N_ELEMENTS (delays_ms); d++)
    {
      g_autoptr(TernStoreMessage) two = find_message (inbox, "two");
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TernMailUndo) undo = NULL;
      g_autoptr(TernMailUndo) redo = NULL;
      gint64 id, until;

      g_assert_nonnull (two);
      id = tern_store_message_get_id (two);
      tern_mail_move_async (mail, &id, 1, carol_inbox_id, NULL, done_cb, &result);
      undo = finish (&result, NULL);
      until = g_get_monotonic_time () + delays_ms[d] * 1000;
      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
      tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
      redo = finish (&result, NULL);
      wait_n_items (inbox, n_inbox);
      for (guint k = 0; k < 2; k++)
        {
          tern_mail_sync_async (mail, carol, NULL, done_cb, &result);
          g_assert_true (tern_mail_sync_finish (mail, wait_for (&result), &error));
          g_assert_no_error (error);
          g_clear_object (&result);
          sync_alice ();
        }
      assert_server ("INBOX", "two", "\\Seen");
      wait_n_items (inbox, n_inbox);
      if (count_in_list (inbox, "two") != 1)
        g_error ("after %u ms: %u rows of <two@tern.test>", delays_ms[d], count_in_list (inbox, "two"));
    }
  tern_mail_stop (mail);
}

/* A move and its undo before the sync: the server never sees the move. */
static void
test_undo_before_replay (void)
{
  g_autoptr(TernStoreMessageList) inbox = open_list (folder_id ("INBOX"));
  g_autoptr(TernStoreMessageList) projects = open_list (folder_id ("Projects"));
  g_autoptr(TernStoreMessage) one = find_message (inbox, "one");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autoptr(TernMailUndo) redo = NULL;
  gint64 id = tern_store_message_get_id (one);
  guint n_inbox = g_list_model_get_n_items (G_LIST_MODEL (inbox));

  tern_mail_move_async (mail, &id, 1, folder_id ("Projects"), NULL, done_cb, &result);
  undo = finish (&result, NULL);
  g_assert_nonnull (undo);
  g_assert_cmpuint (tern_mail_undo_get_n_messages (undo), ==, 1);
  wait_n_items (inbox, n_inbox - 1);
  wait_n_items (projects, 1);

  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  redo = finish (&result, NULL);
  g_assert_nonnull (redo);
  wait_n_items (inbox, n_inbox);
  wait_n_items (projects, 0);
  /* Back in the list, the same row object (the list kept it: we hold it). */
  g_assert_true (tern_store_message_list_find (inbox, id) >= 0);

  sync_alice ();
  assert_server ("INBOX", "one", "");
  assert_server ("Projects", "one", NULL);
}

/* A move that reached the server, then its undo: the server moves it back. */
static void
test_undo_after_replay (void)
{
  g_autoptr(TernStoreMessageList) inbox = open_list (folder_id ("INBOX"));
  g_autoptr(TernStoreMessage) three = find_message (inbox, "three");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autoptr(TernMailUndo) flag_undo = NULL;
  gint64 id = tern_store_message_get_id (three);

  /* Flagged first, so that the undo must keep the flag. */
  tern_mail_set_flags_async (mail, &id, 1, TERN_STORE_FLAG_FLAGGED, 0, NULL, done_cb, &result);
  flag_undo = finish (&result, NULL);
  tern_mail_move_async (mail, &id, 1, folder_id ("Projects"), NULL, done_cb, &result);
  undo = finish (&result, NULL);
  sync_alice ();
  assert_server ("INBOX", "three", NULL);
  assert_server ("Projects", "three", "\\Flagged");

  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  /* And undo the flag while the move back waits in the journal: a chain. */
  tern_mail_undo_async (mail, flag_undo, NULL, done_cb, &result);
  g_clear_pointer (&flag_undo, tern_mail_undo_unref);
  flag_undo = finish (&result, NULL);
  sync_alice ();
  assert_server ("Projects", "three", NULL);
  assert_server ("INBOX", "three", "");
  /* The store agrees: once, in INBOX, with a server UID. */
  {
    g_autoptr(TernStoreMessageList) again = open_list (folder_id ("INBOX"));
    g_autoptr(TernStoreMessage) row = find_message (again, "three");

    g_assert_nonnull (row);
    g_assert_cmpuint (tern_store_message_get_uid (row), <, 0xF0000000u);
    g_assert_cmpuint (tern_store_message_get_flags (row) & TERN_STORE_FLAG_FLAGGED, ==, 0);
  }
}

/* Mark read on a read and an unread message: the undo gives each its own state. */
static void
test_undo_flags (void)
{
  g_autoptr(TernStoreMessageList) inbox = open_list (folder_id ("INBOX"));
  g_autoptr(TernStoreMessage) two = find_message (inbox, "two");   /* read */
  g_autoptr(TernStoreMessage) four = find_message (inbox, "four"); /* unread */
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  gint64 ids[2] = { tern_store_message_get_id (two), tern_store_message_get_id (four) };

  tern_mail_set_flags_async (mail, ids, 2, TERN_STORE_FLAG_SEEN, 0, NULL, done_cb, &result);
  undo = finish (&result, NULL);
  g_assert_cmpuint (tern_mail_undo_get_n_messages (undo), ==, 2);
  while (!(tern_store_message_get_flags (four) & TERN_STORE_FLAG_SEEN))
    g_main_context_iteration (NULL, TRUE);
  sync_alice ();
  assert_server ("INBOX", "four", "\\Seen");

  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  while (tern_store_message_get_flags (four) & TERN_STORE_FLAG_SEEN)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tern_store_message_get_flags (two) & TERN_STORE_FLAG_SEEN);
  sync_alice ();
  assert_server ("INBOX", "four", "");
  assert_server ("INBOX", "two", "\\Seen");
}

/* Trash, archive without an archive folder, junk, and their undo. */
static void
test_trash_archive_junk (void)
{
  g_autoptr(TernStoreMessageList) inbox = open_list (folder_id ("INBOX"));
  g_autoptr(TernStoreMessage) four = find_message (inbox, "four");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = tern_store_message_get_id (four);

  tern_mail_trash_async (mail, &id, 1, NULL, done_cb, &result);
  undo = finish (&result, NULL);
  sync_alice ();
  assert_server ("Trash", "four", "");
  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  sync_alice ();
  assert_server ("Trash", "four", NULL);
  assert_server ("INBOX", "four", "");

  tern_mail_junk_async (mail, &id, 1, TRUE, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  sync_alice ();
  assert_server ("Junk", "four", "$Junk");
  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  sync_alice ();
  assert_server ("INBOX", "four", "");

  /* Dovecot's test config has an Archive folder: archive works; its undo too. */
  tern_mail_archive_async (mail, &id, 1, NULL, done_cb, &result);
  if (tern_mail_operation_finish (mail, wait_for (&result), &undo, NULL, &error))
    {
      sync_alice ();
      assert_server ("Archive", "four", "");
      g_clear_object (&result);
      tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
      g_clear_pointer (&undo, tern_mail_undo_unref);
      undo = finish (&result, NULL);
      sync_alice ();
      assert_server ("INBOX", "four", "");
    }
  else
    g_assert_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_NO_FOLDER);
}

/* Folders: create, rename (undone), delete. */
static void
test_folders (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autoptr(GError) error = NULL;
  gint64 made = 0;

  tern_mail_create_folder_async (mail, tern_mail_account_get_store_id (alice), folder_id ("Projects"), "Tern",
                                 NULL, done_cb, &result);
  undo = finish (&result, &made);
  g_assert_cmpint (made, >, 0);
  while (folder_id ("Projects/Tern") != made)
    g_main_context_iteration (NULL, TRUE);

  tern_mail_rename_folder_async (mail, made, "Tern 2", NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  while (folder_id ("Projects/Tern 2") != made)
    g_main_context_iteration (NULL, TRUE);
  sync_alice ();
  {
    g_autoptr(TernImapSession) session = server ();
    g_autoptr(GPtrArray) list = tern_imap_session_list (session, "", "Projects*", 0, 0, NULL, &error);
    gboolean found = FALSE;

    g_assert_no_error (error);
    for (guint i = 0; i < list->len; i++)
      found |= g_str_has_suffix (((TernImapMailbox *) g_ptr_array_index (list, i))->name, "Tern 2");
    g_assert_true (found);
  }
  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  while (folder_id ("Projects/Tern") != made)
    g_main_context_iteration (NULL, TRUE);

  /* Names that cannot be. */
  tern_mail_create_folder_async (mail, tern_mail_account_get_store_id (alice), 0, "a/b", NULL, done_cb, &result);
  g_assert_false (tern_mail_operation_finish (mail, wait_for (&result), NULL, NULL, &error));
  g_assert_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);
  tern_mail_delete_folder_async (mail, folder_id ("INBOX"), NULL, done_cb, &result);
  g_assert_false (tern_mail_operation_finish (mail, wait_for (&result), NULL, NULL, &error));
  g_assert_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);

  tern_mail_delete_folder_async (mail, made, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  g_assert_null (undo);
  while (folder_id ("Projects/Tern") != 0)
    g_main_context_iteration (NULL, TRUE);
  sync_alice ();
}

/* Whether the server lists @name as subscribed (LSUB), through the test's own session. */
static gboolean
server_subscribed (const char *name)
{
  g_autoptr(TernImapSession) session = server ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = tern_imap_session_list (session, "", "*", TERN_IMAP_LIST_SUBSCRIBED, 0, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((TernImapMailbox *) g_ptr_array_index (list, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
store_subscribed (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) folder = NULL;

  /* The folder list model's object, which the change reaches as a notify. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (folders)); i++)
    {
      g_autoptr(TernStoreFolder) f = g_list_model_get_item (G_LIST_MODEL (folders), i);

      if (tern_store_folder_get_id (f) == folder_id (path))
        return tern_store_folder_get_subscribed (f);
    }
  g_assert_not_reached ();
}

static gboolean
projects_subscribed_is (gpointer data)
{
  return store_subscribed ("Projects") == GPOINTER_TO_INT (data);
}

/* Unsubscribe, subscribe and their undo: the store at once, the server after the sync
 * (its LSUB, read by a session of the test's own), and the sync leaves the store's
 * value as the user set it. */
static void
test_subscriptions (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autoptr(GError) error = NULL;
  gboolean was = server_subscribed ("Projects");

  g_assert_cmpint (store_subscribed ("Projects"), ==, was);
  g_test_message ("Projects subscribed at first: %d", was);

  tern_mail_set_folder_subscribed_async (mail, folder_id ("Projects"), !was, NULL, done_cb, &result);
  undo = finish (&result, NULL);
  g_assert_nonnull (undo);
  g_assert_true (spin_until (projects_subscribed_is, GINT_TO_POINTER (!was), 10));
  g_assert_cmpint (server_subscribed ("Projects"), ==, was);   /* not replayed yet */
  sync_alice ();
  g_assert_cmpint (server_subscribed ("Projects"), ==, !was);
  g_assert_cmpint (store_subscribed ("Projects"), ==, !was);

  /* The other way, and its undo before the replay: nothing changes on the server. */
  tern_mail_set_folder_subscribed_async (mail, folder_id ("Projects"), was, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  g_assert_true (spin_until (projects_subscribed_is, GINT_TO_POINTER (was), 10));
  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  g_assert_true (spin_until (projects_subscribed_is, GINT_TO_POINTER (!was), 10));
  sync_alice ();
  g_assert_cmpint (server_subscribed ("Projects"), ==, !was);
  g_assert_cmpint (store_subscribed ("Projects"), ==, !was);

  /* The undo of the first change, after its replay: the server as it was. */
  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  g_assert_true (spin_until (projects_subscribed_is, GINT_TO_POINTER (was), 10));
  sync_alice ();
  g_assert_cmpint (server_subscribed ("Projects"), ==, was);
  g_assert_cmpint (store_subscribed ("Projects"), ==, was);

  /* The Inbox stays; folders of other kinds of account have no subscriptions. */
  tern_mail_set_folder_subscribed_async (mail, folder_id ("INBOX"), FALSE, NULL, done_cb, &result);
  g_assert_false (tern_mail_operation_finish (mail, wait_for (&result), NULL, NULL, &error));
  g_assert_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID);
  g_clear_object (&result);
}

/* A refused password: the account says so, with the remedy. */
static gboolean
is_failed (gpointer account)
{
  return tern_mail_account_get_state (account) == TERN_MAIL_ACCOUNT_FAILED;
}

static void
test_failed_state (void)
{
  g_autoptr(TernMailAccountBuilder) builder = tern_mail_account_builder_new ("bob@tern.test");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailAccount) bob = NULL;

  tern_mail_account_builder_set_protocol (builder, TERN_ACCOUNT_PROTOCOL_IMAP);
  tern_mail_account_builder_set_incoming (builder, g_getenv ("TERN_TEST_HOST"),
                                          (guint16) atoi (g_getenv ("TERN_TEST_IMAPS_PORT")), TERN_NET_SECURITY_TLS,
                                          "bob");
  tern_mail_account_builder_set_password_command (builder, "echo not-the-password");
  g_assert_true (tern_mail_account_builder_set_pinned_certificate (builder, g_getenv ("TERN_TEST_CA_CERT"), &error));
  tern_mail_add_account_async (mail, builder, NULL, done_cb, &result);
  bob = tern_mail_add_account_finish (mail, wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  tern_mail_sync_async (mail, bob, NULL, done_cb, &result);
  g_assert_false (tern_mail_sync_finish (mail, wait_for (&result), &error));
  g_assert_nonnull (error);
  g_assert_true (spin_until (is_failed, bob, 10));
  g_assert_cmpint (tern_mail_account_get_remedy (bob), ==, TERN_MAIL_REMEDY_PASSWORD);
  g_assert_nonnull (tern_mail_account_get_diagnosis (bob));
  g_assert_cmpint (tern_diagnosis_get_kind (tern_mail_account_get_diagnosis (bob)), ==,
                   TERN_DIAGNOSIS_LOGIN_REJECTED);

  /* Removing it stops it and forgets it. */
  g_clear_object (&result);
  tern_mail_remove_account_async (mail, bob, NULL, done_cb, &result);
  g_assert_true (tern_mail_remove_account_finish (mail, wait_for (&result), &error));
  g_assert_null (tern_mail_lookup_account (mail, "bob@tern.test"));
}

/* Started: new mail is announced, and an operation reaches the server by itself. */
typedef struct
{
  guint n;
  GArray *ids;
} NewMail;

static void
new_mail_cb (TernMail *m, TernMailAccount *account, gint64 folder, GArray *ids, NewMail *nm)
{
  g_assert_true (account == alice);
  nm->n += ids->len;
  g_array_append_vals (nm->ids, ids->data, ids->len);
}

static gboolean
has_new_mail (gpointer data)
{
  return ((NewMail *) data)->n > 0;
}

static gboolean
server_flagged (gpointer tag)
{
  g_autoptr(GPtrArray) copies = server_copies ("INBOX", tag);
  return copies->len == 1 && strstr (g_ptr_array_index (copies, 0), "\\Flagged") != NULL;
}

static gboolean
has_result (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

static gboolean
is_idle (gpointer account)
{
  return tern_mail_account_get_state (account) == TERN_MAIL_ACCOUNT_IDLE;
}

static void
test_started (void)
{
  g_autoptr(TernStoreMessageList) inbox = open_list (folder_id ("INBOX"));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  NewMail nm = { 0, g_array_new (FALSE, FALSE, sizeof (gint64)) };
  gint64 t0;

  guint before = g_list_model_get_n_items (G_LIST_MODEL (inbox));

  g_signal_connect (mail, "new-mail", G_CALLBACK (new_mail_cb), &nm);
  tern_mail_start (mail);
  g_assert_true (spin_until (is_idle, alice, 30));

  /* "Sync now" with nothing to do ends when that sync did, however quickly it ran
   * (its reports coalesced), not at the next poll minutes later. */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GAsyncResult) synced = NULL;

      t0 = g_get_monotonic_time ();
      tern_mail_sync_async (mail, NULL, NULL, done_cb, &synced);
      g_assert_true (spin_until (has_result, &synced, 20));
      tern_mail_sync_finish (mail, synced, &error);
      g_assert_no_error (error);
      g_test_message ("sync now, nothing to do: done in %.2f s", (g_get_monotonic_time () - t0) / 1e6);
    }

  /* New mail: IDLE tells the sync at once. */
  append ("INBOX", "five", NULL);
  t0 = g_get_monotonic_time ();
  g_assert_true (spin_until (has_new_mail, &nm, 30));
  g_test_message ("new mail announced %.2f s after the APPEND", (g_get_monotonic_time () - t0) / 1e6);
  g_assert_cmpuint (nm.n, ==, 1);
  wait_n_items (inbox, before + 1);
  {
    g_autoptr(TernStoreMessage) five = find_message (inbox, "five");
    gint64 id = tern_store_message_get_id (five);

    g_assert_cmpint (g_array_index (nm.ids, gint64, 0), ==, id);

    /* An operation reaches the server within seconds, by itself. */
    tern_mail_set_flags_async (mail, &id, 1, TERN_STORE_FLAG_FLAGGED, 0, NULL, done_cb, &result);
    undo = finish (&result, NULL);
    t0 = g_get_monotonic_time ();
    g_assert_true (spin_until (server_flagged, (gpointer) "five", 15));
    g_test_message ("a flag reached the server %.2f s after the operation", (g_get_monotonic_time () - t0) / 1e6);
  }

  /* "Sync now" while started, the main context busy elsewhere while the sync runs
   * (so that its progress reports are coalesced into the last, "waiting"): done all
   * the same, not at the next poll. */
  {
    g_autoptr(GAsyncResult) synced = NULL;
    g_autoptr(GError) error = NULL;
    gint64 end;

    tern_mail_sync_async (mail, alice, NULL, done_cb, &synced);
    g_usleep (5 * G_USEC_PER_SEC);
    end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (synced == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    g_assert_nonnull (synced);
    g_assert_true (tern_mail_sync_finish (mail, synced, &error));
    g_assert_no_error (error);
  }
  tern_mail_stop (mail);
  g_signal_handlers_disconnect_by_data (mail, &nm);
  g_array_unref (nm.ids);
}

/* ---- a list model open during a big sync and a big move ----------------------------- */

static void
seed_maildir (const char *folder_dir, guint first, guint n)
{
  const char *run = g_getenv ("TERN_TEST_RUN");
  g_autofree char *owner_dir = g_build_filename (run, "mail", "alice", NULL);
  g_autofree char *dir = g_build_filename (owner_dir, "Maildir", folder_dir, "new", NULL);
  struct stat st;

  g_assert_cmpint (stat (owner_dir, &st), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/%u.M%uP1.tern", dir, i, i);
      g_autofree char *text = g_strdup_printf ("From: Sender %u <s%u@tern.test>\nTo: alice@tern.test\n"
                                               "Subject: bulk %u\nMessage-ID: <bulk%u@tern.test>\n"
                                               "Date: Tue, 2 Jan 2024 %02u:%02u:%02u +0000\n\nBody %u.\n",
                                               i, i, i, i, (i / 3600) % 24, (i / 60) % 60, i % 60, i);
      g_assert_true (g_file_set_contents (name, text, -1, NULL));
      g_assert_cmpint (chown (name, st.st_uid, st.st_gid), ==, 0);
    }
}

typedef struct
{
  guint   n_signals;
  guint   max_removed;
  gint64  max_handler;   /* µs, the longest emission (the model's own work included) */
} ChangeLog;

static void
log_items_changed (GListModel *model, guint position, guint removed, guint added, ChangeLog *log)
{
  log->n_signals++;
  log->max_removed = MAX (log->max_removed, removed);
  /* A handler that reads the model, as a view does. */
  if (added > 0)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position);
      g_assert_nonnull (item);
    }
}

static void
test_big_sync_and_move (void)
{
  g_autoptr(TernStoreMessageList) inbox = open_list (folder_id ("INBOX"));
  g_autoptr(TernStoreMessageList) projects = open_list (folder_id ("Projects"));
  g_autoptr(TernStoreMessage) held = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  ChangeLog log = { 0 };
  guint before = g_list_model_get_n_items (G_LIST_MODEL (inbox));
  guint held_position;
  gint64 held_id, t0, moved_ms;

  /* The newest message of the list, held as a widget would. */
  held = g_list_model_get_item (G_LIST_MODEL (inbox), 0);
  held_id = tern_store_message_get_id (held);
  g_signal_connect (inbox, "items-changed", G_CALLBACK (log_items_changed), &log);

  seed_maildir ("", 100000, 10000);
  sync_alice ();
  wait_n_items (inbox, before + 10000);
  /* Never a reload: no change ever removed the whole list. */
  g_assert_cmpuint (log.max_removed, <, before);
  g_assert_cmpuint (log.n_signals, >, 0);
  held_position = (guint) tern_store_message_list_find (inbox, held_id);
  {
    g_autoptr(TernStoreMessage) again = g_list_model_get_item (G_LIST_MODEL (inbox), held_position);
    g_assert_true (again == held);
  }
  g_test_message ("10,000-message sync with the list open: %u items-changed", log.n_signals);

  /* 5,000 of them moved: visible in both lists, then undone. */
  for (guint i = 0; i < 5000; i++)
    {
      g_autoptr(TernStoreMessage) row = g_list_model_get_item (G_LIST_MODEL (inbox), i * 2);
      gint64 id = tern_store_message_get_id (row);
      g_array_append_val (ids, id);
    }
  /* A move to a folder that does not exist fails: the rows, gone from the list at
   * once, come back in their places. */
  tern_mail_move_async (mail, (const gint64 *) (void *) ids->data, 100, 999999, NULL, done_cb, &result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inbox)), ==, before + 10000 - 100);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (tern_mail_operation_finish (mail, result, NULL, NULL, NULL));
  g_clear_object (&result);
  wait_n_items (inbox, before + 10000);
  for (guint i = 0; i < 100; i++)
    g_assert_cmpint (tern_store_message_list_find (inbox, g_array_index (ids, gint64, i)), ==, (gint) i * 2);

  /* The move leaves the list in the call itself, before it commits. */
  t0 = g_get_monotonic_time ();
  tern_mail_move_async (mail, (const gint64 *) (void *) ids->data, ids->len, folder_id ("Projects"), NULL, done_cb, &result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inbox)), ==, before + 10000 - 5000);
  moved_ms = (g_get_monotonic_time () - t0) / 1000;
  undo = finish (&result, NULL);
  wait_n_items (inbox, before + 10000 - 5000);
  wait_n_items (projects, 5000);
  g_test_message ("5,000-message move gone from the list after %" G_GINT64_FORMAT " ms, in the target after %"
                  G_GINT64_FORMAT " ms", moved_ms, (g_get_monotonic_time () - t0) / 1000);
  tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
  g_clear_pointer (&undo, tern_mail_undo_unref);
  undo = finish (&result, NULL);
  wait_n_items (inbox, before + 10000);
  wait_n_items (projects, 0);
  g_signal_handlers_disconnect_by_data (inbox, &log);

  /* The server is left as it was: nothing moved. */
  sync_alice ();
  assert_server ("Projects", "bulk100000", NULL);
  assert_server ("INBOX", "bulk100000", "");
}

int
main (int argc, char **argv)
{
  g_autofree char *work = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  tern_engine_init ();

  if (g_getenv ("TERN_TEST_RUN") == NULL)
    {
      g_printerr ("test-mail: run under tests/servers/tern-test-servers\n");
      return 1;
    }
  password = g_strdup (g_getenv ("TERN_TEST_PASSWORD") != NULL ? g_getenv ("TERN_TEST_PASSWORD") : "secret");
  work = g_dir_make_tmp ("tern-mail-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CONFIG_HOME", work, TRUE);
  g_setenv ("XDG_DATA_HOME", work, TRUE);
  g_setenv ("XDG_CACHE_HOME", work, TRUE);

  mail = tern_mail_new_sync (NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/mail/setup", test_setup);
  g_test_add_func ("/mail/undo-before-replay", test_undo_before_replay);
  g_test_add_func ("/mail/undo-after-replay", test_undo_after_replay);
  g_test_add_func ("/mail/undo-flags", test_undo_flags);
  g_test_add_func ("/mail/trash-archive-junk", test_trash_archive_junk);
  g_test_add_func ("/mail/folders", test_folders);
  g_test_add_func ("/mail/subscriptions", test_subscriptions);
  g_test_add_func ("/mail/move-to-another-account", test_move_to_another_account);
  g_test_add_func ("/mail/undo-across-accounts", test_undo_across_accounts);
  g_test_add_func ("/mail/failed-state", test_failed_state);
  g_test_add_func ("/mail/started", test_started);
  g_test_add_func ("/mail/undo-across-accounts-started", test_undo_across_accounts_started);
  g_test_add_func ("/mail/big-sync-and-move", test_big_sync_and_move);
  ret = g_test_run ();

  g_clear_object (&folders);
  g_clear_object (&mail);
  g_free (password);
  return ret;
}
