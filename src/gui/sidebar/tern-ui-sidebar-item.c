/* tern-ui-sidebar-item.c: a row of the folder sidebar
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a row shows, kept up to date from its folder (name, role, counts) or its
 * account (address, outbox count): the row binds to "title" and "count". Drafts and
 * the Outbox count every message, the other folders their unread ones.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-ui-folder-tree.h"
#include "tern-ui-sidebar-item.h"

struct _TernUiSidebarItem
{
  GObject                parent_instance;

  TernUiSidebarItemKind  kind;
  TernStoreFolder       *folder;
  TernMailAccount       *account;
  GListStore            *children;
  char                  *title;
  guint                  count;
};

G_DEFINE_FINAL_TYPE (TernUiSidebarItem, tern_ui_sidebar_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_TITLE, PROP_COUNT, PROP_ICON_NAME, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
set_title (TernUiSidebarItem *self, const char *title)
{
  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
tern_ui_sidebar_item_set_count (TernUiSidebarItem *self, guint count)
{
  g_return_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self));

  if (self->count == count)
    return;
  self->count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

static void
folder_changed_cb (TernStoreFolder *folder, GParamSpec *pspec, TernUiSidebarItem *self)
{
  TernStoreFolderRole role = tern_store_folder_get_role (folder);

  set_title (self, tern_ui_folder_tree_display_name (folder));
  tern_ui_sidebar_item_set_count (self, role == TERN_STORE_FOLDER_ROLE_DRAFTS ? tern_store_folder_get_total (folder)
                                                                             : tern_store_folder_get_unread (folder));
  if (g_strcmp0 (g_param_spec_get_name (pspec), "role") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
}

static void
outbox_count_cb (TernMailAccount *account, GParamSpec *pspec, TernUiSidebarItem *self)
{
  tern_ui_sidebar_item_set_count (self, tern_mail_account_get_outbox_count (account));
}

static TernUiSidebarItem *
item_new (TernUiSidebarItemKind kind)
{
  TernUiSidebarItem *self = g_object_new (TERN_UI_TYPE_SIDEBAR_ITEM, NULL);

  self->kind = kind;
  return self;
}

TernUiSidebarItem *
tern_ui_sidebar_item_new_all_inboxes (void)
{
  TernUiSidebarItem *self = item_new (TERN_UI_SIDEBAR_ALL_INBOXES);

  self->title = g_strdup (_("All Inboxes"));
  return self;
}

TernUiSidebarItem *
tern_ui_sidebar_item_new_account (TernMailAccount *account)
{
  TernUiSidebarItem *self = item_new (TERN_UI_SIDEBAR_ACCOUNT);

  self->account = g_object_ref (account);
  self->title = g_strdup (tern_mail_account_get_email (account));
  self->children = g_list_store_new (TERN_UI_TYPE_SIDEBAR_ITEM);
  return self;
}

/**
 * tern_ui_sidebar_item_new_local_folders:
 *
 * Returns: (transfer full): the row above Local Folders (imported mail, kept on
 *   this computer only), an account row without an account
 */
TernUiSidebarItem *
tern_ui_sidebar_item_new_local_folders (void)
{
  TernUiSidebarItem *self = item_new (TERN_UI_SIDEBAR_ACCOUNT);

  self->title = g_strdup (_("Local Folders"));
  self->children = g_list_store_new (TERN_UI_TYPE_SIDEBAR_ITEM);
  return self;
}

TernUiSidebarItem *
tern_ui_sidebar_item_new_folder (TernStoreFolder *folder)
{
  TernUiSidebarItem *self = item_new (TERN_UI_SIDEBAR_FOLDER);

  self->folder = g_object_ref (folder);
  self->children = g_list_store_new (TERN_UI_TYPE_SIDEBAR_ITEM);
  g_signal_connect_object (folder, "notify", G_CALLBACK (folder_changed_cb), self, 0);
  folder_changed_cb (folder, properties[PROP_TITLE], self);
  return self;
}

TernUiSidebarItem *
tern_ui_sidebar_item_new_outbox (TernMailAccount *account)
{
  TernUiSidebarItem *self = item_new (TERN_UI_SIDEBAR_OUTBOX);

  self->account = g_object_ref (account);
  self->title = g_strdup (_("Outbox"));
  g_signal_connect_object (account, "notify::outbox-count", G_CALLBACK (outbox_count_cb), self, 0);
  self->count = tern_mail_account_get_outbox_count (account);
  return self;
}

TernUiSidebarItemKind
tern_ui_sidebar_item_get_kind (TernUiSidebarItem *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), TERN_UI_SIDEBAR_FOLDER);
  return self->kind;
}

const char *
tern_ui_sidebar_item_get_title (TernUiSidebarItem *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), NULL);
  return self->title;
}

const char *
tern_ui_sidebar_item_get_icon_name (TernUiSidebarItem *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), NULL);

  switch (self->kind)
    {
    case TERN_UI_SIDEBAR_ALL_INBOXES:
      return "tern-all-inboxes-symbolic";
    case TERN_UI_SIDEBAR_ACCOUNT:
      return self->account != NULL ? "avatar-default-symbolic" : "computer-symbolic";
    case TERN_UI_SIDEBAR_OUTBOX:
      return "mail-outbox-symbolic";
    case TERN_UI_SIDEBAR_FOLDER:
    default:
      return tern_ui_folder_tree_icon_name (tern_store_folder_get_role (self->folder));
    }
}

/**
 * tern_ui_sidebar_item_get_count:
 *
 * Returns: the number the row shows: unread messages, or every message of Drafts
 *   and the Outbox
 */
guint
tern_ui_sidebar_item_get_count (TernUiSidebarItem *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), 0);
  return self->count;
}

/**
 * tern_ui_sidebar_item_dup_accessible_label:
 *
 * Returns: (transfer full): the row's name for screen readers, the count in words
 *   ("Inbox, 3 unread")
 */
char *
tern_ui_sidebar_item_dup_accessible_label (TernUiSidebarItem *self)
{
  gboolean total;

  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), NULL);

  total = self->kind == TERN_UI_SIDEBAR_OUTBOX ||
          (self->folder != NULL && tern_store_folder_get_role (self->folder) == TERN_STORE_FOLDER_ROLE_DRAFTS);
  if (self->count == 0 || self->kind == TERN_UI_SIDEBAR_ACCOUNT)
    return g_strdup (self->title);
  if (total)
    /* Translators: a folder's name and how many messages it holds */
    return g_strdup_printf (ngettext ("%s, %u message", "%s, %u messages", self->count), self->title, self->count);
  /* Translators: a folder's name and how many of its messages are unread */
  return g_strdup_printf (ngettext ("%s, %u unread", "%s, %u unread", self->count), self->title, self->count);
}

/**
 * tern_ui_sidebar_item_get_folder:
 *
 * Returns: (transfer none) (nullable): the folder of a folder row
 */
TernStoreFolder *
tern_ui_sidebar_item_get_folder (TernUiSidebarItem *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), NULL);
  return self->folder;
}

gint64
tern_ui_sidebar_item_get_folder_id (TernUiSidebarItem *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), 0);
  return self->folder != NULL ? tern_store_folder_get_id (self->folder) : 0;
}

/**
 * tern_ui_sidebar_item_get_account:
 *
 * Returns: (transfer none) (nullable): the account of an account or outbox row
 */
TernMailAccount *
tern_ui_sidebar_item_get_account (TernUiSidebarItem *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), NULL);
  return self->account;
}

/**
 * tern_ui_sidebar_item_get_children:
 *
 * Returns: (transfer none) (nullable): the rows below (an account's folders, a
 *   folder's subfolders), or %NULL for a row that has none by nature
 */
GListStore *
tern_ui_sidebar_item_get_children (TernUiSidebarItem *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR_ITEM (self), NULL);
  return self->children;
}

static void
tern_ui_sidebar_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernUiSidebarItem *self = TERN_UI_SIDEBAR_ITEM (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, tern_ui_sidebar_item_get_icon_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_sidebar_item_dispose (GObject *object)
{
  TernUiSidebarItem *self = TERN_UI_SIDEBAR_ITEM (object);

  g_clear_object (&self->folder);
  g_clear_object (&self->account);
  g_clear_object (&self->children);
  G_OBJECT_CLASS (tern_ui_sidebar_item_parent_class)->dispose (object);
}

static void
tern_ui_sidebar_item_finalize (GObject *object)
{
  g_free (TERN_UI_SIDEBAR_ITEM (object)->title);
  G_OBJECT_CLASS (tern_ui_sidebar_item_parent_class)->finalize (object);
}

static void
tern_ui_sidebar_item_class_init (TernUiSidebarItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tern_ui_sidebar_item_get_property;
  object_class->dispose = tern_ui_sidebar_item_dispose;
  object_class->finalize = tern_ui_sidebar_item_finalize;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tern_ui_sidebar_item_init (TernUiSidebarItem *self)
{
}
