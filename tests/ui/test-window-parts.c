/* test-window-parts.c: the main window's pure parts: the sidebar's folder order, its
 * subscribed-only view, where a folder may be dragged, a row's texts, dates, and the
 * selection kept by id
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>
#include <glib/gstdio.h>

#include "tern-engine.h"
#include "tern-store-db.h"
#include "tern-store-db-sync.h"
#include "tern-ui-date-format.h"
#include "tern-ui-folder-tree.h"
#include "tern-ui-id-selection.h"
#include "tern-ui-row-text.h"

/* ---- the folder tree ------------------------------------------------------------------ */

typedef struct
{
  char        *dir;
  TernStoreDb *db;
  gint64       account;
} Store;

static void
store_setup (Store *store, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  store->dir = g_dir_make_tmp ("tern-parts-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (store->dir, "store.db", NULL);
  store->db = tern_store_db_open (path, &error);
  g_assert_no_error (error);
  store->account = tern_store_db_ensure_account (store->db, "alice@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
  g_assert_no_error (error);
}

static void
store_teardown (Store *store, gconstpointer data)
{
  g_autofree char *path = g_build_filename (store->dir, "store.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_object (&store->db);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (store->dir);
  g_free (store->dir);
}

static void
add (Store *store, const char *path, TernStoreFolderRole role, const char *server_path, const char *delimiter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) folder = tern_store_db_ensure_folder (store->db, store->account, path, role, &error);

  g_assert_no_error (error);
  if (server_path != NULL)
    {
      tern_store_db_sync_set_folder_server (store->db, tern_store_folder_get_id (folder), server_path, delimiter, role,
                                            &error);
      g_assert_no_error (error);
    }
}

static void
append_tree (GString *out, GPtrArray *nodes)
{
  for (guint i = 0; i < nodes->len; i++)
    {
      TernUiFolderNode *node = g_ptr_array_index (nodes, i);

      if (out->len > 0 && out->str[out->len - 1] != '(')
        g_string_append_c (out, ' ');
      g_string_append (out, tern_ui_folder_tree_display_name (node->folder));
      if (node->children->len > 0)
        {
          g_string_append_c (out, '(');
          append_tree (out, node->children);
          g_string_append_c (out, ')');
        }
    }
}

static char *
tree_string (Store *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = tern_store_db_list_folders (store->db, store->account, &error);
  g_autoptr(GPtrArray) tree = NULL;
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  tree = tern_ui_folder_tree_build (folders);
  append_tree (out, tree);
  return g_string_free (out, FALSE);
}

/* Special folders first in a fixed order, wherever the server keeps them; then the
 * user's folders by the locale's collation (C.UTF-8 here: é after z), case aside. */
static void
test_folder_order (Store *store, gconstpointer data)
{
  g_autofree char *tree = NULL;

  add (store, "zeta", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Trash", TERN_STORE_FOLDER_ROLE_TRASH, NULL, NULL);
  add (store, "beta", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "INBOX", TERN_STORE_FOLDER_ROLE_INBOX, NULL, NULL);
  add (store, "Élan", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Alpha", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Junk", TERN_STORE_FOLDER_ROLE_JUNK, NULL, NULL);
  add (store, "Lists/dev", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Lists/announce", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "[Gmail]/Sent Mail", TERN_STORE_FOLDER_ROLE_SENT, NULL, NULL);
  add (store, "[Gmail]/Drafts", TERN_STORE_FOLDER_ROLE_DRAFTS, NULL, NULL);
  add (store, "[Gmail]/Starred", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Archive", TERN_STORE_FOLDER_ROLE_ARCHIVE, NULL, NULL);
  tree = tree_string (store);
  g_assert_cmpstr (tree, ==, "Inbox Drafts Sent Archive Junk Trash [Gmail](Starred) Alpha beta Lists(announce dev) "
                             "zeta Élan");
  g_assert_cmpstr (tern_ui_folder_tree_icon_name (TERN_STORE_FOLDER_ROLE_SENT), ==, "mail-sent-symbolic");
  g_assert_cmpstr (tern_ui_folder_tree_icon_name (TERN_STORE_FOLDER_ROLE_NONE), ==, "folder-symbolic");
}

/* A personal namespace "INBOX." (Courier, Cyrus): its folders at the top level. */
static void
test_inbox_prefix (Store *store, gconstpointer data)
{
  g_autofree char *tree = NULL;

  add (store, "INBOX", TERN_STORE_FOLDER_ROLE_INBOX, "INBOX", ".");
  add (store, "INBOX/Work", TERN_STORE_FOLDER_ROLE_NONE, "INBOX.Work", ".");
  add (store, "INBOX/Work/2024", TERN_STORE_FOLDER_ROLE_NONE, "INBOX.Work.2024", ".");
  add (store, "INBOX/Sent", TERN_STORE_FOLDER_ROLE_SENT, "INBOX.Sent", ".");
  add (store, "INBOX/Trash", TERN_STORE_FOLDER_ROLE_TRASH, "INBOX.Trash", ".");
  add (store, "INBOX/Clients", TERN_STORE_FOLDER_ROLE_NONE, "INBOX.Clients", ".");
  tree = tree_string (store);
  g_assert_cmpstr (tree, ==, "Inbox Sent Trash Clients Work(2024)");
}

/* Folders a user made under INBOX on a server without a prefix stay there. */
static void
test_no_inbox_prefix (Store *store, gconstpointer data)
{
  g_autofree char *tree = NULL;

  add (store, "INBOX", TERN_STORE_FOLDER_ROLE_INBOX, "INBOX", "/");
  add (store, "INBOX/Clients", TERN_STORE_FOLDER_ROLE_NONE, "INBOX/Clients", "/");
  add (store, "Sent", TERN_STORE_FOLDER_ROLE_SENT, "Sent", "/");
  tree = tree_string (store);
  g_assert_cmpstr (tree, ==, "Inbox(Clients) Sent");
}

/* "." as the separator but no special folder below INBOX: a user's subfolder. */
static void
test_dot_without_prefix (Store *store, gconstpointer data)
{
  g_autofree char *tree = NULL;

  add (store, "INBOX", TERN_STORE_FOLDER_ROLE_INBOX, "INBOX", ".");
  add (store, "INBOX/Clients", TERN_STORE_FOLDER_ROLE_NONE, "INBOX.Clients", ".");
  tree = tree_string (store);
  g_assert_cmpstr (tree, ==, "Inbox(Clients)");
}

static TernStoreFolder *
get (Store *store, const char *path)
{
  g_autoptr(GError) error = NULL;
  TernStoreFolder *folder = tern_store_db_lookup_folder (store->db, store->account, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (folder);
  return folder;
}

static void
unsubscribe (Store *store, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) folder = get (store, path);

  g_assert_true (tern_store_db_sync_set_folder_subscribed (store->db, tern_store_folder_get_id (folder), FALSE,
                                                           &error));
  g_assert_no_error (error);
}

/* Subscribed only: the special folders whatever their subscription, the subscribed
 * folders, and every folder above one (A and B for A/B/C); not the others. */
static void
test_subscribed_only (Store *store, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) tree = NULL;
  GString *out = g_string_new (NULL);
  g_autofree char *text = NULL;
  const char *unsubscribed[] = { "Trash", "Lists", "Lists/old", "Old", "Old/sub", "A", "A/B", "Workshop" };

  add (store, "INBOX", TERN_STORE_FOLDER_ROLE_INBOX, NULL, NULL);
  add (store, "Sent", TERN_STORE_FOLDER_ROLE_SENT, NULL, NULL);
  add (store, "Trash", TERN_STORE_FOLDER_ROLE_TRASH, NULL, NULL);
  add (store, "Lists/dev", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Lists/old", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Old/sub", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "A/B/C", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Work", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Workshop", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (unsubscribed); i++)
    unsubscribe (store, unsubscribed[i]);

  folders = tern_store_db_list_folders (store->db, store->account, &error);
  g_assert_no_error (error);
  shown = tern_ui_folder_tree_filter_subscribed (folders);
  tree = tern_ui_folder_tree_build (shown);
  append_tree (out, tree);
  text = g_string_free (out, FALSE);
  g_assert_cmpstr (text, ==, "Inbox Sent Trash A(B(C)) Lists(dev) Work");

  /* Every folder subscribed: every folder shown. */
  for (guint i = 0; i < G_N_ELEMENTS (unsubscribed); i++)
    {
      g_autoptr(TernStoreFolder) folder = get (store, unsubscribed[i]);

      g_assert_true (tern_store_db_sync_set_folder_subscribed (store->db, tern_store_folder_get_id (folder), TRUE,
                                                               &error));
      g_assert_no_error (error);
    }
  g_clear_pointer (&folders, g_ptr_array_unref);
  g_clear_pointer (&shown, g_ptr_array_unref);
  folders = tern_store_db_list_folders (store->db, store->account, &error);
  g_assert_no_error (error);
  shown = tern_ui_folder_tree_filter_subscribed (folders);
  g_assert_cmpuint (shown->len, ==, folders->len);
}

/* Where a folder may be dragged: a user's folder, into another folder of its account
 * or to its top level; not a special folder, not into itself or a folder inside it,
 * not where it is already, not to another account. */
static void
test_can_move (Store *store, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) work = NULL, work_2024 = NULL, workshop = NULL, lists = NULL, trash = NULL;
  g_autoptr(TernStoreFolder) other = NULL;
  gint64 account2;

  add (store, "Work/2024", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Workshop", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Lists", TERN_STORE_FOLDER_ROLE_NONE, NULL, NULL);
  add (store, "Trash", TERN_STORE_FOLDER_ROLE_TRASH, NULL, NULL);
  work = get (store, "Work");
  work_2024 = get (store, "Work/2024");
  workshop = get (store, "Workshop");
  lists = get (store, "Lists");
  trash = get (store, "Trash");
  account2 = tern_store_db_ensure_account (store->db, "bob@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
  g_assert_no_error (error);
  other = tern_store_db_ensure_folder (store->db, account2, "Other", TERN_STORE_FOLDER_ROLE_NONE, &error);
  g_assert_no_error (error);

  g_assert_true (tern_ui_folder_tree_can_move (work, lists, 0));
  g_assert_true (tern_ui_folder_tree_can_move (work, workshop, 0));      /* a prefix of its name, not a parent */
  g_assert_true (tern_ui_folder_tree_can_move (lists, trash, 0));
  g_assert_true (tern_ui_folder_tree_can_move (work_2024, NULL, store->account));
  g_assert_true (tern_ui_folder_tree_can_move (work_2024, lists, 0));
  g_assert_false (tern_ui_folder_tree_can_move (work, work, 0));         /* onto itself */
  g_assert_false (tern_ui_folder_tree_can_move (work, work_2024, 0));    /* into its own subfolder */
  g_assert_false (tern_ui_folder_tree_can_move (work_2024, work, 0));    /* where it is already */
  g_assert_false (tern_ui_folder_tree_can_move (work, NULL, store->account));
  g_assert_false (tern_ui_folder_tree_can_move (trash, lists, 0));       /* a special folder */
  g_assert_false (tern_ui_folder_tree_can_move (trash, NULL, store->account));
  g_assert_false (tern_ui_folder_tree_can_move (work, other, 0));        /* another account */
  g_assert_false (tern_ui_folder_tree_can_move (work_2024, NULL, account2));
  g_assert_false (tern_ui_folder_tree_can_move (other, work, 0));
}

/* ---- a row's texts ----------------------------------------------------------------- */

static void
test_names (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "Bob Builder <bob@example.com>", "Bob Builder" },
    { "\"Jones, Carol\" <carol@example.com>", "Jones, Carol" },
    { "dave@example.com", "dave@example.com" },
    { "<erin@example.com>", "erin@example.com" },
    { "Bob <bob@example.com>, \"Jones, Carol\" <c@example.com>, dave@example.com", "Bob, Jones, Carol, dave@example.com" },
    { "\"Quote \\\" inside\" <q@example.com>", "Quote \\\" inside" },
    { "", "" },
    { NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *names = tern_ui_row_text_names (cases[i].in);

      g_assert_cmpstr (names, ==, cases[i].out);
    }
}

static void
test_accessible_label (void)
{
  g_autofree char *plain = tern_ui_row_text_accessible_label ("Bob", "Hello", "14:05", 0, FALSE, FALSE, FALSE, FALSE,
                                                              FALSE);
  g_autofree char *all = tern_ui_row_text_accessible_label ("Bob, Carol", "Re: Hello", "Tue", 3, TRUE, TRUE, TRUE, TRUE,
                                                            TRUE);
  g_autofree char *empty = tern_ui_row_text_accessible_label (NULL, "", "", 1, FALSE, FALSE, FALSE, FALSE, FALSE);

  g_assert_cmpstr (plain, ==, "Bob, Hello, 14:05");
  g_assert_cmpstr (all, ==, "Bob, Carol, Re: Hello, Tue, 3 messages, unread, starred, has attachment, answered, forwarded");
  g_assert_cmpstr (empty, ==, "Unknown sender, No subject");
}

/* Time today, weekday this week, day and month this year, short date before. */
static void
test_dates (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) now = g_date_time_new (utc, 2025, 3, 12, 16, 30, 0);  /* a Wednesday */
  static const struct { int y, m, d, h, min; gboolean h24; const char *out; } cases[] = {
    { 2025, 3, 12, 14, 5, TRUE, "14:05" },
    { 2025, 3, 12, 0, 0, TRUE, "00:00" },
    { 2025, 3, 12, 14, 5, FALSE, "2:05 PM" },
    { 2025, 3, 11, 23, 59, TRUE, "Tue" },
    { 2025, 3, 6, 8, 0, TRUE, "Thu" },
    { 2025, 3, 5, 23, 59, TRUE, "Mar 5" },
    { 2025, 1, 1, 0, 0, TRUE, "Jan 1" },
    { 2024, 12, 31, 12, 0, TRUE, "12/31/24" },
    { 2025, 3, 13, 9, 0, TRUE, "Mar 13" },   /* the future (a wrong clock): a date */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) date = g_date_time_new (utc, cases[i].y, cases[i].m, cases[i].d, cases[i].h, cases[i].min, 0);
      g_autofree char *text = tern_ui_date_format_short (g_date_time_to_unix (date), now, cases[i].h24);

      g_assert_cmpstr (text, ==, cases[i].out);
    }
  {
    g_autofree char *none = tern_ui_date_format_short (0, now, TRUE);

    g_assert_cmpstr (none, ==, "");
  }
}

/* ---- the selection kept by id ------------------------------------------------------- */

#define TEST_TYPE_ITEM (test_item_get_type ())
G_DECLARE_FINAL_TYPE (TestItem, test_item, TEST, ITEM, GObject)

struct _TestItem
{
  GObject parent_instance;
  gint64  id;
};

G_DEFINE_FINAL_TYPE (TestItem, test_item, G_TYPE_OBJECT)

static guint n_get_item;

static void
test_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  n_get_item++;
  g_value_set_int64 (value, TEST_ITEM (object)->id);
}

static void
test_item_class_init (TestItemClass *klass)
{
  G_OBJECT_CLASS (klass)->get_property = test_item_get_property;
  g_object_class_install_property (G_OBJECT_CLASS (klass), 1,
                                   g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE));
}

static void
test_item_init (TestItem *self)
{
}

static TestItem *
item_new (gint64 id)
{
  TestItem *item = g_object_new (TEST_TYPE_ITEM, NULL);

  item->id = id;
  return item;
}

static guint n_changes, last_position, last_n;

static void
selection_changed_cb (GtkSelectionModel *model, guint position, guint n, gpointer data)
{
  n_changes++;
  last_position = position;
  last_n = n;
}

static void
test_id_selection (void)
{
  g_autoptr(GListStore) store = g_list_store_new (TEST_TYPE_ITEM);
  g_autoptr(TernUiIdSelection) selection = tern_ui_id_selection_new ();
  GtkSelectionModel *model = GTK_SELECTION_MODEL (selection);
  g_autoptr(GtkBitset) set = NULL;
  g_autoptr(GArray) ids = NULL;

  for (gint64 id = 1; id <= 10; id++)
    {
      g_autoptr(TestItem) item = item_new (id * 10);
      g_list_store_append (store, item);
    }
  tern_ui_id_selection_set_model (selection, G_LIST_MODEL (store), NULL);
  g_signal_connect (selection, "selection-changed", G_CALLBACK (selection_changed_cb), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 10);

  /* A click: that one alone. */
  g_assert_true (gtk_selection_model_select_item (model, 3, TRUE));
  g_assert_true (gtk_selection_model_is_selected (model, 3));
  g_assert_false (gtk_selection_model_is_selected (model, 2));
  g_assert_cmpint (tern_ui_id_selection_get_cursor_id (selection), ==, 40);
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (selection), ==, 1);

  /* Ctrl+click adds. */
  g_assert_true (gtk_selection_model_select_item (model, 7, FALSE));
  g_assert_cmpuint (last_position, ==, 7);
  g_assert_cmpuint (last_n, ==, 1);
  set = gtk_selection_model_get_selection (model);
  g_assert_cmpuint (gtk_bitset_get_size (set), ==, 2);
  g_assert_true (gtk_bitset_contains (set, 3) && gtk_bitset_contains (set, 7));

  /* A sync adds two messages at the top and removes one below: the same messages
   * stay selected, at their new places. */
  {
    g_autoptr(TestItem) a = item_new (1000);
    g_autoptr(TestItem) b = item_new (1001);

    g_list_store_insert (store, 0, a);
    g_list_store_insert (store, 0, b);
    g_list_store_remove (store, 7);     /* id 60 */
  }
  g_assert_true (gtk_selection_model_is_selected (model, 5));     /* id 40 */
  g_assert_true (gtk_selection_model_is_selected (model, 8));     /* id 80 */
  g_assert_false (gtk_selection_model_is_selected (model, 0));
  /* A message that moves (removed, inserted elsewhere) keeps it too. */
  {
    g_autoptr(TestItem) moved = g_list_model_get_item (G_LIST_MODEL (store), 8);

    g_list_store_remove (store, 8);
    g_list_store_insert (store, 0, moved);
  }
  g_assert_true (gtk_selection_model_is_selected (model, 0));
  ids = tern_ui_id_selection_dup_ids (selection);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 40);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 80);

  /* Ctrl+A reads no item; Ctrl+click then takes one out. */
  n_get_item = 0;
  g_assert_true (gtk_selection_model_select_all (model));
  g_assert_cmpuint (n_get_item, ==, 0);
  g_assert_true (tern_ui_id_selection_get_all (selection));
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (selection), ==, 11);
  g_assert_true (gtk_selection_model_unselect_item (model, 2));
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (selection), ==, 10);
  g_assert_false (gtk_selection_model_is_selected (model, 2));
  g_assert_true (gtk_selection_model_is_selected (model, 3));
  g_clear_pointer (&set, gtk_bitset_unref);
  set = gtk_selection_model_get_selection (model);
  g_assert_cmpuint (gtk_bitset_get_size (set), ==, 10);
  g_assert_false (gtk_bitset_contains (set, 2));

  /* Shift+click: a range, through set_selection. */
  {
    g_autoptr(GtkBitset) selected = gtk_bitset_new_range (2, 3);
    g_autoptr(GtkBitset) mask = gtk_bitset_new_range (0, 11);

    g_assert_true (gtk_selection_model_set_selection (model, selected, mask));
  }
  g_assert_false (tern_ui_id_selection_get_all (selection));
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (selection), ==, 3);
  g_assert_true (gtk_selection_model_is_selected (model, 4));
  g_assert_false (gtk_selection_model_is_selected (model, 5));

  /* By id, before the model has it (a notification's message). */
  tern_ui_id_selection_select_id (selection, 5000, TRUE);
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (selection), ==, 1);
  g_assert_cmpint (tern_ui_id_selection_find (selection, 5000), ==, -1);
  {
    g_autoptr(TestItem) late = item_new (5000);

    g_list_store_insert (store, 4, late);
  }
  g_assert_true (gtk_selection_model_is_selected (model, 4));
  g_assert_cmpint (tern_ui_id_selection_get_cursor_id (selection), ==, 5000);

  tern_ui_id_selection_clear (selection);
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (selection), ==, 0);
  g_assert_false (gtk_selection_model_is_selected (model, 4));
  tern_ui_id_selection_set_model (selection, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 0);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  tern_engine_init ();

  g_test_add ("/ui/parts/folder-tree/order", Store, NULL, store_setup, test_folder_order, store_teardown);
  g_test_add ("/ui/parts/folder-tree/inbox-prefix", Store, NULL, store_setup, test_inbox_prefix, store_teardown);
  g_test_add ("/ui/parts/folder-tree/no-inbox-prefix", Store, NULL, store_setup, test_no_inbox_prefix,
              store_teardown);
  g_test_add ("/ui/parts/folder-tree/dot-without-prefix", Store, NULL, store_setup, test_dot_without_prefix,
              store_teardown);
  g_test_add ("/ui/parts/folder-tree/subscribed-only", Store, NULL, store_setup, test_subscribed_only,
              store_teardown);
  g_test_add ("/ui/parts/folder-tree/can-move", Store, NULL, store_setup, test_can_move, store_teardown);
  g_test_add_func ("/ui/parts/row-text/names", test_names);
  g_test_add_func ("/ui/parts/row-text/accessible-label", test_accessible_label);
  g_test_add_func ("/ui/parts/dates", test_dates);
  g_test_add_func ("/ui/parts/id-selection", test_id_selection);
  return g_test_run ();
}
