/* tern-ui-move-popover.c: a popover to choose a folder to move or copy messages to
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every account's folders (the sidebar's live TernStoreFolderList), filtered as the
 * user types: a folder matches when its name, its path or its account holds every
 * word typed (case and accents folded the way GLib folds case). Enter chooses the
 * first folder shown, Down goes to the list; a click or Enter on a row chooses it.
 * Choosing emits ::folder-chosen and closes the popover; it does nothing itself.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-mail.h"
#include "tern-ui-move-popover.h"
#include "tern-ui-sidebar-item.h"

struct _TernUiMovePopover
{
  GtkPopover          parent_instance;

  GtkSearchEntry     *entry;
  GtkListView        *list_view;
  GtkLabel           *empty_label;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  char              **words;      /* casefolded */
  gint64              excluded;
  gboolean            copy;
};

G_DEFINE_FINAL_TYPE (TernUiMovePopover, tern_ui_move_popover, GTK_TYPE_POPOVER)

enum { SIGNAL_FOLDER_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
folder_haystack (TernStoreFolder *folder)
{
  g_autoptr(TernUiSidebarItem) item = tern_ui_sidebar_item_new_folder (folder);
  g_autofree char *joined = g_strjoin (" ", tern_ui_sidebar_item_get_title (item), tern_store_folder_get_path (folder),
                                       tern_store_folder_get_account (folder) != NULL
                                         ? tern_store_folder_get_account (folder) : "", NULL);

  return g_utf8_casefold (joined, -1);
}

static gboolean
filter_cb (gpointer item, gpointer user_data)
{
  TernUiMovePopover *self = user_data;
  TernStoreFolder *folder = item;
  g_autofree char *haystack = NULL;

  if (tern_store_folder_get_id (folder) == self->excluded)
    return FALSE;
  if (self->words == NULL || self->words[0] == NULL)
    return TRUE;
  haystack = folder_haystack (folder);
  for (guint i = 0; self->words[i] != NULL; i++)
    if (strstr (haystack, self->words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
update_empty (TernUiMovePopover *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), empty);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->list_view)), !empty);
}

/**
 * tern_ui_move_popover_set_filter:
 *
 * Shows only the folders matching every word of @text (what typing in the entry does).
 */
void
tern_ui_move_popover_set_filter (TernUiMovePopover *self, const char *text)
{
  g_autofree char *folded = NULL;

  g_return_if_fail (TERN_UI_IS_MOVE_POPOVER (self));

  folded = g_utf8_casefold (text != NULL ? text : "", -1);
  g_strfreev (self->words);
  self->words = g_strsplit_set (g_strstrip (folded), " \t", -1);
  /* Two spaces make an empty word: it matches everything anyway. */
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_empty (self);
}

static void
search_changed_cb (GtkSearchEntry *entry, TernUiMovePopover *self)
{
  tern_ui_move_popover_set_filter (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/**
 * tern_ui_move_popover_choose:
 * @position: a row of the folders shown
 *
 * Chooses the folder at @position (what a click or Enter does): emits
 * ::folder-chosen and closes the popover.
 */
void
tern_ui_move_popover_choose (TernUiMovePopover *self, guint position)
{
  g_autoptr(TernStoreFolder) folder = NULL;

  g_return_if_fail (TERN_UI_IS_MOVE_POPOVER (self));

  folder = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
  if (folder == NULL)
    return;
  g_object_ref (self);
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[SIGNAL_FOLDER_CHOSEN], 0, tern_store_folder_get_id (folder));
  g_object_unref (self);
}

static void
entry_activate_cb (GtkSearchEntry *entry, TernUiMovePopover *self)
{
  tern_ui_move_popover_choose (self, 0);
}

static void
stop_search_cb (GtkSearchEntry *entry, TernUiMovePopover *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

static gboolean
entry_key_cb (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
              TernUiMovePopover *self)
{
  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down) &&
      g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0)
    {
      gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);
      return TRUE;
    }
  return FALSE;
}

static void
list_activate_cb (GtkListView *list_view, guint position, TernUiMovePopover *self)
{
  tern_ui_move_popover_choose (self, position);
}

static void
row_released_cb (GtkGestureClick *gesture, int n_press, double x, double y, GtkListItem *list_item)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  TernUiMovePopover *self = TERN_UI_MOVE_POPOVER (gtk_widget_get_ancestor (row, TERN_UI_TYPE_MOVE_POPOVER));

  if (self != NULL && n_press == 1)
    tern_ui_move_popover_choose (self, gtk_list_item_get_position (list_item));
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (row_released_cb), list_item);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (list_item, box);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
  TernStoreFolder *folder = gtk_list_item_get_item (list_item);
  g_autoptr(TernUiSidebarItem) item = tern_ui_sidebar_item_new_folder (folder);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_first_child (gtk_widget_get_next_sibling (icon));
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  const char *path = tern_store_folder_get_path (folder);
  const char *slash = strrchr (path, '/');
  const char *account = tern_store_folder_get_account (folder) == NULL ? ""
                        : g_str_equal (tern_store_folder_get_account (folder), TERN_STORE_LOCAL_ACCOUNT)
                        ? _("Local Folders") : tern_store_folder_get_account (folder);
  g_autofree char *where = slash != NULL
                           /* Translators: a folder's account and its parent folder, e.g. "alice@example.com — Projects" */
                           ? g_strdup_printf (_("%s — %.*s"), account, (int) (slash - path), path)
                           : g_strdup (account);
  g_autofree char *label = g_strdup_printf ("%s, %s", tern_ui_sidebar_item_get_title (item), where);

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), tern_ui_sidebar_item_get_icon_name (item));
  gtk_label_set_text (GTK_LABEL (title), tern_ui_sidebar_item_get_title (item));
  gtk_label_set_text (GTK_LABEL (subtitle), where);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
filtered_changed_cb (GListModel *model, guint position, guint removed, guint added, TernUiMovePopover *self)
{
  update_empty (self);
}

static gboolean
unparent_idle_cb (gpointer data)
{
  gtk_widget_unparent (data);
  return G_SOURCE_REMOVE;
}

static void
closed_cb (GtkPopover *popover, gpointer data)
{
  /* Made for one choice: gone once closed (from an idle: GTK may still use it). The
   * idle takes the reference of tern_ui_move_popover_new(). */
  g_signal_handlers_disconnect_by_func (popover, closed_cb, data);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, unparent_idle_cb, popover, g_object_unref);
}

static void
tern_ui_move_popover_dispose (GObject *object)
{
  TernUiMovePopover *self = TERN_UI_MOVE_POPOVER (object);

  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_func (self->filtered, filtered_changed_cb, self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  G_OBJECT_CLASS (tern_ui_move_popover_parent_class)->dispose (object);
}

static void
tern_ui_move_popover_finalize (GObject *object)
{
  TernUiMovePopover *self = TERN_UI_MOVE_POPOVER (object);

  g_strfreev (self->words);
  G_OBJECT_CLASS (tern_ui_move_popover_parent_class)->finalize (object);
}

static void
tern_ui_move_popover_class_init (TernUiMovePopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_ui_move_popover_dispose;
  object_class->finalize = tern_ui_move_popover_finalize;

  /**
   * TernUiMovePopover::folder-chosen:
   * @folder_id: the folder chosen
   */
  signals[SIGNAL_FOLDER_CHOSEN] = g_signal_new ("folder-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
tern_ui_move_popover_init (TernUiMovePopover *self)
{
}

/**
 * tern_ui_move_popover_new:
 * @folders: (element-type TernStoreFolder): every account's folders
 * @copy: a copy, not a move (the title says which)
 * @excluded_folder_id: a folder not offered (the one shown), or 0
 *
 * Returns: (transfer floating): a popover, to parent with gtk_widget_set_parent() and
 *   pop up; it unparents itself once closed
 */
TernUiMovePopover *
tern_ui_move_popover_new (GListModel *folders, gboolean copy, gint64 excluded_folder_id)
{
  TernUiMovePopover *self = g_object_new (TERN_UI_TYPE_MOVE_POPOVER, NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (copy ? _("Copy To") : _("Move To"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->copy = copy;
  self->excluded = excluded_folder_id;
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  self->entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->entry, "placeholder-text", _("Find a folder"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  copy ? _("Find the folder to copy to") : _("Find the folder to move to"), -1);
  g_signal_connect (self->entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect (self->entry, "activate", G_CALLBACK (entry_activate_cb), self);
  g_signal_connect (self->entry, "stop-search", G_CALLBACK (stop_search_cb), self);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (entry_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->entry));

  self->filter = gtk_custom_filter_new (filter_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (folders), GTK_FILTER (self->filter));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (g_object_ref (GTK_SELECTION_MODEL (self->selection)),
                                                      g_object_ref (factory)));
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Folders"), -1);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (list_activate_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list_view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_widget_set_size_request (scrolled, 280, -1);
  gtk_box_append (GTK_BOX (box), scrolled);

  self->empty_label = GTK_LABEL (gtk_label_new (_("No folder matches")));
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_label), "dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->empty_label), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->empty_label), 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->empty_label));

  gtk_popover_set_child (GTK_POPOVER (self), box);
  gtk_popover_set_default_widget (GTK_POPOVER (self), NULL);
  g_signal_connect (self->filtered, "items-changed", G_CALLBACK (filtered_changed_cb), self);
  g_signal_connect (self, "closed", G_CALLBACK (closed_cb), NULL);
  g_object_ref (self);    /* dropped once closed */
  update_empty (self);
  return self;
}

gboolean
tern_ui_move_popover_get_copy (TernUiMovePopover *self)
{
  g_return_val_if_fail (TERN_UI_IS_MOVE_POPOVER (self), FALSE);
  return self->copy;
}

/**
 * tern_ui_move_popover_get_n_shown:
 *
 * Returns: how many folders the filter shows
 */
guint
tern_ui_move_popover_get_n_shown (TernUiMovePopover *self)
{
  g_return_val_if_fail (TERN_UI_IS_MOVE_POPOVER (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}
