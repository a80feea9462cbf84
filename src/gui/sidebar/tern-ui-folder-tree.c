/* tern-ui-folder-tree.c: an account's folders in the order the sidebar shows them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The special folders first, in a fixed order (Inbox, Drafts, Sent, Archive, Junk,
 * Trash), wherever the server keeps them (Gmail's "[Gmail]/Sent Mail" is shown at
 * the top, as Thunderbird and Geary do); then the user's folders sorted by the
 * locale's collation, each with its subfolders. On servers whose personal namespace
 * is "INBOX." (Courier, Cyrus and many hosting providers) every folder is a
 * subfolder of INBOX: those are shown at the top level, as Thunderbird does.
 *
 * With the subscribed-only view, an IMAP account shows its special folders, the
 * folders the server lists as subscribed, and the folders above those (a parent not
 * subscribed is still shown when a folder inside it is, as Thunderbird does).
 *
 * Which folder may be moved where by drag and drop is decided here too.
 *
 * Pure (no GTK, no I/O), so that it is tested on its own.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-ui-folder-tree.h"

/**
 * tern_ui_folder_tree_role_rank:
 *
 * Returns: the place of a special folder among the special folders, or G_MAXINT
 *   for the user's folders
 */
int
tern_ui_folder_tree_role_rank (TernStoreFolderRole role)
{
  switch (role)
    {
    case TERN_STORE_FOLDER_ROLE_INBOX:
      return 0;
    case TERN_STORE_FOLDER_ROLE_DRAFTS:
      return 1;
    case TERN_STORE_FOLDER_ROLE_SENT:
      return 2;
    case TERN_STORE_FOLDER_ROLE_ARCHIVE:
      return 3;
    case TERN_STORE_FOLDER_ROLE_JUNK:
      return 4;
    case TERN_STORE_FOLDER_ROLE_TRASH:
      return 5;
    case TERN_STORE_FOLDER_ROLE_OUTBOX:
      return 6;
    case TERN_STORE_FOLDER_ROLE_NONE:
    default:
      return G_MAXINT;
    }
}

/**
 * tern_ui_folder_tree_display_name:
 *
 * Returns: what the sidebar calls a folder: the special folders by their role in
 *   the user's language, the others by their own name
 */
const char *
tern_ui_folder_tree_display_name (TernStoreFolder *folder)
{
  switch (tern_store_folder_get_role (folder))
    {
    case TERN_STORE_FOLDER_ROLE_INBOX:
      return _("Inbox");
    case TERN_STORE_FOLDER_ROLE_DRAFTS:
      return _("Drafts");
    case TERN_STORE_FOLDER_ROLE_SENT:
      return _("Sent");
    case TERN_STORE_FOLDER_ROLE_ARCHIVE:
      return _("Archive");
    case TERN_STORE_FOLDER_ROLE_JUNK:
      return _("Junk");
    case TERN_STORE_FOLDER_ROLE_TRASH:
      return _("Trash");
    case TERN_STORE_FOLDER_ROLE_OUTBOX:
      return _("Outbox");
    case TERN_STORE_FOLDER_ROLE_NONE:
    default:
      return tern_store_folder_get_name (folder);
    }
}

/**
 * tern_ui_folder_tree_icon_name:
 *
 * Returns: the symbolic icon of a folder of @role (the mail-* ones Adwaita 43 lacks
 *   are in Tern's resources)
 */
const char *
tern_ui_folder_tree_icon_name (TernStoreFolderRole role)
{
  switch (role)
    {
    case TERN_STORE_FOLDER_ROLE_INBOX:
      return "mail-inbox-symbolic";
    case TERN_STORE_FOLDER_ROLE_DRAFTS:
      return "mail-drafts-symbolic";
    case TERN_STORE_FOLDER_ROLE_SENT:
      return "mail-sent-symbolic";
    case TERN_STORE_FOLDER_ROLE_ARCHIVE:
      return "mail-archive-symbolic";
    case TERN_STORE_FOLDER_ROLE_JUNK:
      return "mail-mark-junk-symbolic";
    case TERN_STORE_FOLDER_ROLE_TRASH:
      return "user-trash-symbolic";
    case TERN_STORE_FOLDER_ROLE_OUTBOX:
      return "mail-outbox-symbolic";
    case TERN_STORE_FOLDER_ROLE_NONE:
    default:
      return "folder-symbolic";
    }
}

static gboolean
is_inbox (TernStoreFolder *folder)
{
  return tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_INBOX ||
         (tern_store_folder_get_parent_id (folder) == 0 &&
          g_ascii_strcasecmp (tern_store_folder_get_path (folder), "INBOX") == 0);
}

/**
 * tern_ui_folder_tree_has_inbox_prefix:
 * @folders: (element-type TernStoreFolder): one account's folders
 *
 * Whether the server keeps every folder under "INBOX." (a personal namespace with
 * that prefix): "." is the separator, every folder but INBOX is below it, and the
 * special folders are among them.
 *
 * Returns: whether INBOX's subfolders are shown at the top level
 */
gboolean
tern_ui_folder_tree_has_inbox_prefix (GPtrArray *folders)
{
  TernStoreFolder *inbox = NULL;
  g_autofree char *prefix = NULL;
  gboolean special_below = FALSE;
  guint n_below = 0;

  for (guint i = 0; i < folders->len; i++)
    if (is_inbox (g_ptr_array_index (folders, i)) && tern_store_folder_get_parent_id (g_ptr_array_index (folders, i)) == 0)
      inbox = g_ptr_array_index (folders, i);
  if (inbox == NULL || g_strcmp0 (tern_store_folder_get_delimiter (inbox), ".") != 0)
    return FALSE;

  prefix = g_strconcat (tern_store_folder_get_path (inbox), "/", NULL);
  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder == inbox)
        continue;
      if (!g_str_has_prefix (tern_store_folder_get_path (folder), prefix))
        return FALSE;
      n_below++;
      if (tern_store_folder_get_role (folder) != TERN_STORE_FOLDER_ROLE_NONE)
        special_below = TRUE;
    }
  return n_below > 0 && special_below;
}

static void
node_free (gpointer data)
{
  TernUiFolderNode *node = data;

  g_object_unref (node->folder);
  g_ptr_array_unref (node->children);
  g_free (node);
}

static int
compare_nodes (gconstpointer a, gconstpointer b, gpointer user_data)
{
  GHashTable *keys = user_data;
  const TernUiFolderNode *x = *(TernUiFolderNode * const *) a;
  const TernUiFolderNode *y = *(TernUiFolderNode * const *) b;
  int rx = tern_ui_folder_tree_role_rank (tern_store_folder_get_role (x->folder));
  int ry = tern_ui_folder_tree_role_rank (tern_store_folder_get_role (y->folder));
  int c;

  if (rx != ry)
    return rx < ry ? -1 : 1;
  c = strcmp (g_hash_table_lookup (keys, x), g_hash_table_lookup (keys, y));
  if (c != 0)
    return c;
  return strcmp (tern_store_folder_get_path (x->folder), tern_store_folder_get_path (y->folder));
}

static void
sort_level (GPtrArray *level, GHashTable *keys)
{
  g_ptr_array_sort_with_data (level, compare_nodes, keys);
  for (guint i = 0; i < level->len; i++)
    sort_level (((TernUiFolderNode *) g_ptr_array_index (level, i))->children, keys);
}

/**
 * tern_ui_folder_tree_build:
 * @folders: (element-type TernStoreFolder): one account's folders, any order
 *
 * Returns: (transfer full) (element-type TernUiFolderNode): the top-level folders
 *   in the sidebar's order, each with its subfolders in order
 */
GPtrArray *
tern_ui_folder_tree_build (GPtrArray *folders)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  GPtrArray *top = g_ptr_array_new_with_free_func (node_free);
  gboolean flatten = tern_ui_folder_tree_has_inbox_prefix (folders);
  gint64 inbox_id = 0;

  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);
      TernUiFolderNode *node = g_new0 (TernUiFolderNode, 1);
      g_autofree char *folded = g_utf8_casefold (tern_ui_folder_tree_display_name (folder), -1);
      gint64 id = tern_store_folder_get_id (folder);

      node->folder = g_object_ref (folder);
      node->children = g_ptr_array_new_with_free_func (node_free);
      g_ptr_array_add (nodes, node);
      g_hash_table_insert (by_id, g_memdup2 (&id, sizeof id), node);
      g_hash_table_insert (keys, node, g_utf8_collate_key (folded, -1));
      if (is_inbox (folder) && tern_store_folder_get_parent_id (folder) == 0)
        inbox_id = tern_store_folder_get_id (folder);
    }

  for (guint i = 0; i < nodes->len; i++)
    {
      TernUiFolderNode *node = g_ptr_array_index (nodes, i);
      gint64 parent_id = tern_store_folder_get_parent_id (node->folder);
      TernUiFolderNode *parent = parent_id != 0 ? g_hash_table_lookup (by_id, &parent_id) : NULL;

      if (tern_store_folder_get_role (node->folder) != TERN_STORE_FOLDER_ROLE_NONE ||
          (flatten && parent_id == inbox_id))
        parent = NULL;
      g_ptr_array_add (parent != NULL ? parent->children : top, node);
    }
  sort_level (top, keys);
  return top;
}

/**
 * tern_ui_folder_tree_filter_subscribed:
 * @folders: (element-type TernStoreFolder): one IMAP account's folders
 *
 * The folders the subscribed-only view shows: the special folders, the subscribed
 * ones, and every folder above a subscribed one.
 *
 * Returns: (transfer container) (element-type TernStoreFolder): those of @folders
 *   shown, in @folders' order (not referenced: @folders keeps them)
 */
GPtrArray *
tern_ui_folder_tree_filter_subscribed (GPtrArray *folders)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) shown = g_hash_table_new (NULL, NULL);
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);
      gint64 id = tern_store_folder_get_id (folder);

      g_hash_table_insert (by_id, g_memdup2 (&id, sizeof id), folder);
    }
  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);

      if (tern_store_folder_get_role (folder) != TERN_STORE_FOLDER_ROLE_NONE)
        g_hash_table_add (shown, folder);
      else if (tern_store_folder_get_subscribed (folder))
        {
          /* It, and the folders above it. */
          for (TernStoreFolder *up = folder; up != NULL && !g_hash_table_contains (shown, up);)
            {
              gint64 parent_id = tern_store_folder_get_parent_id (up);

              g_hash_table_add (shown, up);
              up = parent_id != 0 ? g_hash_table_lookup (by_id, &parent_id) : NULL;
            }
        }
    }
  for (guint i = 0; i < folders->len; i++)
    if (g_hash_table_contains (shown, g_ptr_array_index (folders, i)))
      g_ptr_array_add (result, g_ptr_array_index (folders, i));
  return result;
}

/**
 * tern_ui_folder_tree_can_move:
 * @folder: the folder dragged
 * @parent: (nullable): the folder it would go into, or %NULL for the top level of
 *   the account whose store id is @account_id
 * @account_id: the account of the top level (ignored with a @parent)
 *
 * Whether @folder may be moved into @parent: only the user's folders (not the
 * special ones), within their account, not into themselves or a folder inside them,
 * and not where they are already.
 *
 * Returns: whether the move is offered
 */
gboolean
tern_ui_folder_tree_can_move (TernStoreFolder *folder, TernStoreFolder *parent, gint64 account_id)
{
  const char *path = tern_store_folder_get_path (folder);
  gsize len = strlen (path);

  if (tern_store_folder_get_role (folder) != TERN_STORE_FOLDER_ROLE_NONE)
    return FALSE;
  if (parent == NULL)
    return account_id == tern_store_folder_get_account_id (folder) && tern_store_folder_get_parent_id (folder) != 0;
  if (tern_store_folder_get_account_id (parent) != tern_store_folder_get_account_id (folder) ||
      tern_store_folder_get_id (parent) == tern_store_folder_get_id (folder) ||
      tern_store_folder_get_id (parent) == tern_store_folder_get_parent_id (folder))
    return FALSE;
  /* Not into a folder inside it. */
  return !(strncmp (tern_store_folder_get_path (parent), path, len) == 0 &&
           tern_store_folder_get_path (parent)[len] == '/');
}
