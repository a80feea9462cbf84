/* tern-ui-message-list.c: the message list: a folder's (or a search's) messages or
 * conversations, live
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One GtkListView over the store's lazy model (TernStoreMessageList: the order of
 * the whole folder in memory, rows read in batches on a worker when shown), through
 * a TernUiIdSelection that keeps the selection by id. A sync changes the model with
 * items-changed of the exact rows, so neither the selection nor the scroll position
 * moves; only a new folder or a new search replaces the model.
 *
 * With conversations on, the model is a TernStoreThreadList (the same design: a
 * conversation's rows in the place of its newest message) and the selection keeps
 * conversation ids; the operations get their messages' ids from
 * tern_ui_message_list_collect_ids_async().
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-store-message-list.h"
#include "tern-store-thread-list.h"
#include "tern-ui-bench.h"
#include "tern-ui-message-list.h"
#include "tern-ui-message-row.h"

struct _TernUiMessageList
{
  GtkWidget               parent_instance;

  GtkStack               *stack;
  AdwStatusPage          *none_page;
  AdwStatusPage          *empty_page;
  AdwStatusPage          *no_results_page;
  AdwStatusPage          *error_page;
  GtkScrolledWindow      *scrolled_window;
  GtkListView            *list_view;
  GtkSpinner             *spinner;
  GMenuModel             *context_menu;
  GtkWidget              *popover;

  TernStore              *store;
  TernUiIdSelection      *selection;
  GListModel             *model;
  GCancellable           *cancellable;
  gint64                  folder_id;
  char                   *query;
  gboolean                conversations;
  gboolean                show_recipients;
  TernUiMessageListState  state;
  GError                 *error;
  guint                   loading_timeout;
  guint                   midnight_timeout;
  gulong                  after_paint_id;
  gboolean                paint_pending;  /* watch_paint() once realized */
  GdkFrameClock          *frame_clock;
  gboolean                click_activates;
};

G_DEFINE_FINAL_TYPE (TernUiMessageList, tern_ui_message_list, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_STATE, PROP_FOLDER_ID, PROP_QUERY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_ACTIVATE, SIGNAL_TOGGLE_STAR, SIGNAL_ROWS_PAINTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static int
message_list_find (GListModel *model, gint64 id)
{
  return tern_store_message_list_find (TERN_STORE_MESSAGE_LIST (model), id);
}

static int
thread_list_find (GListModel *model, gint64 id)
{
  return tern_store_thread_list_find (TERN_STORE_THREAD_LIST (model), id);
}

/* ---- state ------------------------------------------------------------------------ */

static void
set_state (TernUiMessageList *self, TernUiMessageListState state)
{
  static const char *pages[] = { "none", "loading", "list", "empty", "no-results", "error" };

  if (state != TERN_UI_MESSAGE_LIST_LOADING)
    g_clear_handle_id (&self->loading_timeout, g_source_remove);
  gtk_spinner_set_spinning (self->spinner, state == TERN_UI_MESSAGE_LIST_LOADING);
  gtk_stack_set_visible_child_name (self->stack, pages[state]);
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
update_state (TernUiMessageList *self)
{
  if (self->model == NULL)
    return;
  if (g_list_model_get_n_items (self->model) > 0)
    set_state (self, TERN_UI_MESSAGE_LIST_ROWS);
  else if (self->query != NULL)
    {
      g_autofree char *description = NULL;

      /* Translators: the search with no results */
      description = g_strdup_printf (_("No message matches “%s”."), self->query);
      adw_status_page_set_description (self->no_results_page, description);
      set_state (self, TERN_UI_MESSAGE_LIST_NO_RESULTS);
    }
  else
    set_state (self, TERN_UI_MESSAGE_LIST_EMPTY);
}

static void
model_items_changed_cb (GListModel *model, guint position, guint removed, guint added, TernUiMessageList *self)
{
  if (removed != added)
    update_state (self);
}

static void
show_error (TernUiMessageList *self, GError *error)
{
  g_clear_error (&self->error);
  self->error = error;
  if (g_error_matches (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY))
    adw_status_page_set_title (self->error_page, _("Invalid Search"));
  else
    adw_status_page_set_title (self->error_page, _("Cannot Show the Messages"));
  adw_status_page_set_description (self->error_page, error->message);
  set_state (self, TERN_UI_MESSAGE_LIST_ERROR);
}

/* ---- the first painted rows -------------------------------------------------------- */

static gboolean
has_loaded_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (row != NULL && TERN_UI_IS_MESSAGE_ROW (row) && gtk_widget_get_mapped (row) &&
          tern_ui_message_row_get_loaded (TERN_UI_MESSAGE_ROW (row)))
        return TRUE;
    }
  return FALSE;
}

static void
stop_watching_paint (TernUiMessageList *self)
{
  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
  g_clear_object (&self->frame_clock);
}

static void
after_paint_cb (GdkFrameClock *clock, TernUiMessageList *self)
{
  if (self->state != TERN_UI_MESSAGE_LIST_ROWS || !has_loaded_row (GTK_WIDGET (self->list_view)))
    return;
  stop_watching_paint (self);
  g_signal_emit (self, signals[SIGNAL_ROWS_PAINTED], 0);
}

/* Says once (::rows-painted) when the first rows of a new list are on screen (a
 * list read before the window is shown: once it is). */
static void
watch_paint (TernUiMessageList *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  stop_watching_paint (self);
  self->paint_pending = clock == NULL;
  if (clock == NULL)
    return;
  self->frame_clock = g_object_ref (clock);
  self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- loading -------------------------------------------------------------------------- */

static gboolean
loading_timeout_cb (gpointer user_data)
{
  TernUiMessageList *self = user_data;

  self->loading_timeout = 0;
  set_state (self, TERN_UI_MESSAGE_LIST_LOADING);
  return G_SOURCE_REMOVE;
}

static void
set_model (TernUiMessageList *self, GListModel *model)
{
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, model_items_changed_cb, self);
  g_set_object (&self->model, model);
  if (self->model != NULL)
    g_signal_connect_object (self->model, "items-changed", G_CALLBACK (model_items_changed_cb), self, 0);
  tern_ui_id_selection_set_model (self->selection, model,
                                  model == NULL ? NULL
                                  : TERN_IS_STORE_THREAD_LIST (model) ? thread_list_find : message_list_find);
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiMessageList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == tern_store_thread_list_new_async)
    list = G_LIST_MODEL (tern_store_thread_list_new_finish (result, &error));
  else
    list = G_LIST_MODEL (tern_store_message_list_new_finish (result, &error));

  if (list == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&self->error);
  tern_ui_bench_mark ("list-loaded");
  set_model (self, list);
  /* A new list starts at its top (the newest). The anchor, not the adjustment:
   * the list view's allocation is still the old list's. */
  if (g_list_model_get_n_items (list) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
  update_state (self);
  watch_paint (self);
}

static void
load (TernUiMessageList *self)
{
  g_autoptr(TernStoreQuery) parsed = NULL;
  GError *error = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL || (self->folder_id == 0 && self->query == NULL))
    {
      set_model (self, NULL);
      set_state (self, TERN_UI_MESSAGE_LIST_NONE);
      return;
    }
  /* A query that does not parse says so at once (parsing is pure: no I/O). */
  if (self->query != NULL && (parsed = tern_store_query_parse (self->query, &error)) == NULL)
    {
      set_model (self, NULL);
      show_error (self, error);
      return;
    }
  self->cancellable = g_cancellable_new ();
  /* The spinner only when reading takes long enough to see it. */
  if (self->loading_timeout == 0 && self->state != TERN_UI_MESSAGE_LIST_LOADING)
    self->loading_timeout = g_timeout_add (200, loading_timeout_cb, self);
  if (self->conversations)
    tern_store_thread_list_new_async (self->store, self->query != NULL ? 0 : self->folder_id, self->query,
                                      self->cancellable, loaded_cb, g_object_ref (self));
  else
    tern_store_message_list_new_async (self->store, self->query != NULL ? 0 : self->folder_id, self->query,
                                       self->cancellable, loaded_cb, g_object_ref (self));
}

/**
 * tern_ui_message_list_show:
 * @folder_id: the folder, or 0
 * @query: (nullable): a search, in the store's query language (it names its folders
 *   itself), or %NULL for the folder
 * @conversations: one row per conversation
 * @show_recipients: rows show the recipients (Sent, Drafts, Outbox)
 *
 * Lists a folder or a search's results, read on a worker. A new folder unselects
 * everything; a search and its folder keep the selection.
 */
void
tern_ui_message_list_show (TernUiMessageList *self,
                           gint64             folder_id,
                           const char        *query,
                           gboolean           conversations,
                           gboolean           show_recipients)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));

  if (query != NULL && *query == '\0')
    query = NULL;
  if (self->folder_id == folder_id && g_strcmp0 (self->query, query) == 0 &&
      self->conversations == conversations && self->show_recipients == show_recipients &&
      (self->model != NULL || (self->cancellable != NULL && !g_cancellable_is_cancelled (self->cancellable))))
    return;
  if (self->folder_id != folder_id)
    tern_ui_id_selection_clear (self->selection);
  self->folder_id = folder_id;
  g_free (self->query);
  self->query = g_strdup (query);
  self->conversations = conversations;
  self->show_recipients = show_recipients;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDER_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
  load (self);
}

void
tern_ui_message_list_clear (TernUiMessageList *self)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));

  self->folder_id = 0;
  g_clear_pointer (&self->query, g_free);
  tern_ui_id_selection_clear (self->selection);
  load (self);
}

void
tern_ui_message_list_set_store (TernUiMessageList *self, TernStore *store)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));

  if (g_set_object (&self->store, store))
    load (self);
}

/* ---- the rows ------------------------------------------------------------------------ */

static void
row_released_cb (GtkGestureClick *gesture, int n_press, double x, double y, GtkListItem *list_item)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  TernUiMessageList *self = TERN_UI_MESSAGE_LIST (gtk_widget_get_ancestor (row, TERN_UI_TYPE_MESSAGE_LIST));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  /* A folded window shows one pane: a click opens (gui.md: never
   * single-click-activate, which selects on hover). Ctrl and Shift select. */
  if (self == NULL || !self->click_activates || n_press != 1 ||
      (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)) != 0)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.activate-item", "u",
                              gtk_list_item_get_position (list_item));
}

static void select_for_menu (TernUiMessageList *self, TernUiMessageRow *row);

/* A drag carries the selection (the row dragged is selected first, as for the
 * context menu): its row ids, for a drop on a sidebar folder (which then moves the
 * selection's messages). */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source, double x, double y, TernUiMessageList *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GArray) ids = NULL;
  GValue value = G_VALUE_INIT;
  GdkContentProvider *content;

  if (!TERN_UI_IS_MESSAGE_ROW (row) || tern_ui_message_row_get_item (TERN_UI_MESSAGE_ROW (row)) == NULL)
    return NULL;
  select_for_menu (self, TERN_UI_MESSAGE_ROW (row));
  ids = tern_ui_id_selection_dup_ids (self->selection);
  g_value_init (&value, G_TYPE_ARRAY);
  g_value_set_boxed (&value, ids);
  content = gdk_content_provider_new_for_value (&value);
  g_value_unset (&value);
  return content;
}

static void
drag_begin_cb (GtkDragSource *source, GdkDrag *drag, TernUiMessageList *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, paintable, 16, 16);
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, TernUiMessageList *self)
{
  TernUiMessageRow *row = tern_ui_message_row_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkDragSource *drag = gtk_drag_source_new ();

  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (row), GTK_EVENT_CONTROLLER (drag));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (row_released_cb), list_item);
  gtk_widget_add_controller (GTK_WIDGET (row), GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (list_item, GTK_WIDGET (row));
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, TernUiMessageList *self)
{
  tern_ui_message_row_bind (TERN_UI_MESSAGE_ROW (gtk_list_item_get_child (list_item)),
                            gtk_list_item_get_item (list_item), self->show_recipients);
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, TernUiMessageList *self)
{
  tern_ui_message_row_unbind (TERN_UI_MESSAGE_ROW (gtk_list_item_get_child (list_item)));
}

static void
list_activate_cb (GtkListView *list_view, guint position, TernUiMessageList *self)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item != NULL)
    g_signal_emit (self, signals[SIGNAL_ACTIVATE], 0, item);
}

static void
refresh_dates (TernUiMessageList *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (row != NULL && TERN_UI_IS_MESSAGE_ROW (row))
        tern_ui_message_row_refresh_date (TERN_UI_MESSAGE_ROW (row));
    }
}

static gboolean midnight_cb (gpointer user_data);

static void
schedule_midnight (TernUiMessageList *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (today, 1);
  GTimeSpan until = g_date_time_difference (tomorrow, now);

  self->midnight_timeout = g_timeout_add_seconds ((guint) (until / G_USEC_PER_SEC) + 1, midnight_cb, self);
}

static gboolean
midnight_cb (gpointer user_data)
{
  TernUiMessageList *self = user_data;

  /* "14:05" becomes "Tue", "Tue" becomes "Mar 4". */
  refresh_dates (self);
  schedule_midnight (self);
  return G_SOURCE_REMOVE;
}

/* ---- the context menu ----------------------------------------------------------------- */

static TernUiMessageRow *
row_at (TernUiMessageList *self, double x, double y)
{
  GtkWidget *widget = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);

  for (; widget != NULL && widget != GTK_WIDGET (self->list_view); widget = gtk_widget_get_parent (widget))
    if (TERN_UI_IS_MESSAGE_ROW (widget))
      return TERN_UI_MESSAGE_ROW (widget);
    else if (gtk_widget_get_first_child (widget) != NULL && TERN_UI_IS_MESSAGE_ROW (gtk_widget_get_first_child (widget)))
      return TERN_UI_MESSAGE_ROW (gtk_widget_get_first_child (widget));
  return NULL;
}

static void
popup_at (TernUiMessageList *self, GtkWidget *relative_to, double x, double y)
{
  double px = x, py = y;

  gtk_widget_translate_coordinates (relative_to, GTK_WIDGET (self), x, y, &px, &py);
  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (self->context_menu);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                               &(GdkRectangle) { (int) px, (int) py, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

/* The menu acts on the selection: a click on a row outside it selects that row. */
static void
select_for_menu (TernUiMessageList *self, TernUiMessageRow *row)
{
  GObject *item = row != NULL ? tern_ui_message_row_get_item (row) : NULL;
  gint64 id;
  int position;

  if (item == NULL)
    return;
  id = tern_ui_id_selection_get_item_id (item);
  if (tern_ui_id_selection_is_id_selected (self->selection, id))
    return;
  position = tern_ui_id_selection_find (self->selection, id);
  if (position >= 0)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

static void
context_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, TernUiMessageList *self)
{
  TernUiMessageRow *row = row_at (self, x, y);

  if (row == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  select_for_menu (self, row);
  popup_at (self, GTK_WIDGET (self->list_view), x, y);
}

static void
long_pressed_cb (GtkGestureLongPress *gesture, double x, double y, TernUiMessageList *self)
{
  TernUiMessageRow *row = row_at (self, x, y);

  if (row == NULL)
    return;
  select_for_menu (self, row);
  popup_at (self, GTK_WIDGET (self->list_view), x, y);
}

/**
 * tern_ui_message_list_popup_menu:
 *
 * Opens the context menu at the focused row (the Menu key, Shift+F10).
 */
void
tern_ui_message_list_popup_menu (TernUiMessageList *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row = NULL;
  graphene_rect_t bounds;

  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    {
      row = gtk_widget_get_first_child (focus);
      if (row != NULL && !TERN_UI_IS_MESSAGE_ROW (row))
        row = NULL;
    }
  if (row == NULL || !gtk_widget_compute_bounds (row, GTK_WIDGET (self), &bounds))
    return;
  select_for_menu (self, TERN_UI_MESSAGE_ROW (row));
  popup_at (self, GTK_WIDGET (self), bounds.origin.x + 24, bounds.origin.y + bounds.size.height / 2);
}

static gboolean
menu_shortcut_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  tern_ui_message_list_popup_menu (TERN_UI_MESSAGE_LIST (user_data));
  return TRUE;
}

static void
toggle_star_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiMessageList *self = TERN_UI_MESSAGE_LIST (widget);
  gint64 id = g_variant_get_int64 (parameter);
  int position = tern_ui_id_selection_find (self->selection, id);
  g_autoptr(GObject) item = NULL;

  if (position < 0)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (item != NULL)
    g_signal_emit (self, signals[SIGNAL_TOGGLE_STAR], 0, item);
}

/* ---- scrolling ------------------------------------------------------------------------- */

/**
 * tern_ui_message_list_scroll_to_id:
 *
 * Scrolls the row of @id into view (when the list has it).
 */
void
tern_ui_message_list_scroll_to_id (TernUiMessageList *self, gint64 id)
{
  int position;

  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));

  position = tern_ui_id_selection_find (self->selection, id);
  if (position >= 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", (guint) position);
}

static GtkWidget *
find_row_widget (TernUiMessageList *self, gint64 id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      GObject *item;

      if (row == NULL || !TERN_UI_IS_MESSAGE_ROW (row) || !gtk_widget_get_mapped (row))
        continue;
      item = tern_ui_message_row_get_item (TERN_UI_MESSAGE_ROW (row));
      if (item != NULL && tern_ui_id_selection_get_item_id (item) == id)
        return child;
    }
  return NULL;
}

/**
 * tern_ui_message_list_focus_id:
 *
 * Scrolls to the row of @id and gives it the keyboard focus.
 */
void
tern_ui_message_list_focus_id (TernUiMessageList *self, gint64 id)
{
  GtkWidget *row;

  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));

  tern_ui_message_list_scroll_to_id (self, id);
  row = find_row_widget (self, id);
  if (row != NULL)
    gtk_widget_grab_focus (row);
}

/* ---- the selection's ids ----------------------------------------------------------------- */

typedef struct
{
  gint64   folder_id;
  char    *query;
  gboolean all;         /* everything but the excluded ids */
  gboolean threads;     /* the ids are conversations': their messages are wanted */
  gboolean latest;      /* only each conversation's newest message */
  GArray  *ids;         /* selected, or with all, excluded */
} CollectWork;

static void
collect_work_free (CollectWork *work)
{
  g_free (work->query);
  g_array_unref (work->ids);
  g_free (work);
}

static gpointer
collect_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  CollectWork *work = data;
  g_autoptr(GArray) wanted = NULL;
  GArray *ids;

  if (work->all)
    {
      g_autoptr(TernStoreQuery) query = NULL;
      g_autoptr(GHashTable) excluded = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr(GArray) keys = NULL;
      gint64 folder_id = work->query != NULL ? 0 : work->folder_id;

      if (work->query != NULL && (query = tern_store_query_parse (work->query, error)) == NULL)
        return NULL;
      keys = work->threads ? tern_store_db_list_thread_keys (db, folder_id, query, NULL, error)
                           : tern_store_db_list_keys (db, folder_id, query, error);
      if (keys == NULL)
        return NULL;
      for (guint i = 0; i < work->ids->len; i++)
        g_hash_table_add (excluded, &g_array_index (work->ids, gint64, i));
      wanted = g_array_sized_new (FALSE, FALSE, sizeof (gint64), keys->len);
      for (guint i = 0; i < keys->len; i++)
        {
          gint64 id = g_array_index (keys, TernStoreDbKey, i).id;

          if (!g_hash_table_contains (excluded, &id))
            g_array_append_val (wanted, id);
        }
    }
  else
    wanted = g_array_ref (work->ids);
  if (!work->threads)
    return g_steal_pointer (&wanted);

  /* A conversation's messages, wherever they are (its replies in Sent too). */
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < wanted->len; i++)
    {
      g_autoptr(GPtrArray) messages = tern_store_db_list_thread (db, g_array_index (wanted, gint64, i), error);

      if (messages == NULL)
        {
          g_array_unref (ids);
          return NULL;
        }
      for (guint j = work->latest && messages->len > 0 ? messages->len - 1 : 0; j < messages->len; j++)
        {
          gint64 id = tern_store_message_get_id (g_ptr_array_index (messages, j));

          g_array_append_val (ids, id);
        }
    }
  return ids;
}

static void
collect_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GArray *ids = tern_store_run_finish (TERN_STORE (source), result, &error);

  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_array_unref);
}

/**
 * tern_ui_message_list_collect_ids_async:
 * @ids: (nullable) (element-type gint64): the rows' ids (messages' or conversations'),
 *   or %NULL for the selection
 * @latest_only: of a conversation, only its newest message (starring it)
 *
 * Lists the ids of the messages of some rows, or of the selection: every message of
 * the folder or search when everything is selected, and every message of the
 * conversations selected. Read on a worker, never from the rows.
 */
void
tern_ui_message_list_collect_ids_async (TernUiMessageList   *self,
                                        GArray              *ids,
                                        gboolean             latest_only,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean threads;
  CollectWork *work;

  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_ui_message_list_collect_ids_async);
  threads = self->model != NULL && TERN_IS_STORE_THREAD_LIST (self->model);
  if (self->store == NULL ||
      (ids == NULL && !threads && !tern_ui_id_selection_get_all (self->selection)) || (ids != NULL && !threads))
    {
      g_task_return_pointer (task, ids != NULL ? g_array_ref (ids) : tern_ui_id_selection_dup_ids (self->selection),
                             (GDestroyNotify) g_array_unref);
      return;
    }
  work = g_new0 (CollectWork, 1);
  work->folder_id = self->folder_id;
  work->query = g_strdup (self->query);
  work->threads = threads;
  work->latest = latest_only;
  work->all = ids == NULL && tern_ui_id_selection_get_all (self->selection);
  work->ids = ids != NULL ? g_array_ref (ids) : tern_ui_id_selection_dup_ids (self->selection);
  tern_store_run_async (self->store, collect_work, work, (GDestroyNotify) collect_work_free,
                        (GDestroyNotify) g_array_unref, cancellable, collect_done_cb, g_steal_pointer (&task));
}

/**
 * tern_ui_message_list_collect_ids_finish:
 *
 * Returns: (transfer full) (element-type gint64): the message ids, or %NULL
 */
GArray *
tern_ui_message_list_collect_ids_finish (TernUiMessageList *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tern_ui_message_list_show_placeholder:
 *
 * Shows a status page instead of a list (the Outbox, which is not a folder).
 */
void
tern_ui_message_list_show_placeholder (TernUiMessageList *self,
                                       const char        *icon_name,
                                       const char        *title,
                                       const char        *description)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->folder_id = 0;
  g_clear_pointer (&self->query, g_free);
  tern_ui_id_selection_clear (self->selection);
  set_model (self, NULL);
  adw_status_page_set_icon_name (self->none_page, icon_name);
  adw_status_page_set_title (self->none_page, title);
  adw_status_page_set_description (self->none_page, description);
  set_state (self, TERN_UI_MESSAGE_LIST_NONE);
}

/* ---- accessors --------------------------------------------------------------------------- */

gint64
tern_ui_message_list_get_folder_id (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), 0);
  return self->folder_id;
}

const char *
tern_ui_message_list_get_query (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), NULL);
  return self->query;
}

gboolean
tern_ui_message_list_get_conversations (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), FALSE);
  return self->conversations;
}

TernUiMessageListState
tern_ui_message_list_get_state (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), TERN_UI_MESSAGE_LIST_NONE);
  return self->state;
}

/**
 * tern_ui_message_list_get_error:
 *
 * Returns: (nullable): why the list shows an error (a query that does not parse)
 */
const GError *
tern_ui_message_list_get_error (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), NULL);
  return self->error;
}

/**
 * tern_ui_message_list_get_model:
 *
 * Returns: (transfer none) (nullable): the store's model shown (a
 *   TernStoreMessageList)
 */
GListModel *
tern_ui_message_list_get_model (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), NULL);
  return self->model;
}

/**
 * tern_ui_message_list_get_selection:
 *
 * Returns: (transfer none): the selection (by id), which is also the list view's model
 */
TernUiIdSelection *
tern_ui_message_list_get_selection (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), NULL);
  return self->selection;
}

GtkListView *
tern_ui_message_list_get_list_view (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), NULL);
  return self->list_view;
}

GtkScrolledWindow *
tern_ui_message_list_get_scrolled_window (TernUiMessageList *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_LIST (self), NULL);
  return self->scrolled_window;
}

/**
 * tern_ui_message_list_set_click_activates:
 *
 * Whether a click on a row opens it (::activate) as well as selecting it: for a
 * folded window, where the list is the only pane shown.
 */
void
tern_ui_message_list_set_click_activates (TernUiMessageList *self, gboolean click_activates)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_LIST (self));
  self->click_activates = click_activates;
}

/* ---- object ------------------------------------------------------------------------------ */

static gboolean
grab_focus (GtkWidget *widget)
{
  TernUiMessageList *self = TERN_UI_MESSAGE_LIST (widget);

  if (self->state == TERN_UI_MESSAGE_LIST_ROWS)
    return gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  return FALSE;
}

static void
tern_ui_message_list_realize (GtkWidget *widget)
{
  TernUiMessageList *self = TERN_UI_MESSAGE_LIST (widget);

  GTK_WIDGET_CLASS (tern_ui_message_list_parent_class)->realize (widget);
  if (self->paint_pending)
    watch_paint (self);
}

static void
tern_ui_message_list_unrealize (GtkWidget *widget)
{
  stop_watching_paint (TERN_UI_MESSAGE_LIST (widget));
  GTK_WIDGET_CLASS (tern_ui_message_list_parent_class)->unrealize (widget);
}

static void
tern_ui_message_list_dispose (GObject *object)
{
  TernUiMessageList *self = TERN_UI_MESSAGE_LIST (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_watching_paint (self);
  g_clear_handle_id (&self->loading_timeout, g_source_remove);
  g_clear_handle_id (&self->midnight_timeout, g_source_remove);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  set_model (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_MESSAGE_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tern_ui_message_list_parent_class)->dispose (object);
}

static void
tern_ui_message_list_finalize (GObject *object)
{
  TernUiMessageList *self = TERN_UI_MESSAGE_LIST (object);

  g_free (self->query);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (tern_ui_message_list_parent_class)->finalize (object);
}

static void
tern_ui_message_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernUiMessageList *self = TERN_UI_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_FOLDER_ID:
      g_value_set_int64 (value, self->folder_id);
      break;
    case PROP_QUERY:
      g_value_set_string (value, self->query);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_message_list_class_init (TernUiMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_message_list_dispose;
  object_class->finalize = tern_ui_message_list_finalize;
  object_class->get_property = tern_ui_message_list_get_property;
  widget_class->grab_focus = grab_focus;
  widget_class->realize = tern_ui_message_list_realize;
  widget_class->unrealize = tern_ui_message_list_unrealize;

  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, TERN_UI_MESSAGE_LIST_ERROR, 0,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLDER_ID] = g_param_spec_int64 ("folder-id", NULL, NULL, 0, G_MAXINT64, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUERY] = g_param_spec_string ("query", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TernUiMessageList::activate:
   * @item: the message or conversation
   *
   * A row was opened (Enter, a double click, or a click when click-activates).
   */
  signals[SIGNAL_ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  /**
   * TernUiMessageList::toggle-star:
   * @item: the message or conversation whose star was clicked
   */
  signals[SIGNAL_TOGGLE_STAR] = g_signal_new ("toggle-star", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                              NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  /**
   * TernUiMessageList::rows-painted:
   *
   * The first rows of a new list (a folder, a search) were painted.
   */
  signals[SIGNAL_ROWS_PAINTED] = g_signal_new ("rows-painted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                               NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/message-list/tern-ui-message-list.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, none_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, error_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, list_view);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageList, context_menu);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, context_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, long_pressed_cb);

  gtk_widget_class_install_action (widget_class, "message-list.toggle-star", "x", toggle_star_action_cb);
  gtk_widget_class_set_css_name (widget_class, "messagelist");
}

static void
tern_ui_message_list_init (TernUiMessageList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->selection = tern_ui_id_selection_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (
                                                            gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                                            gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK)),
                                                          gtk_callback_action_new (menu_shortcut_cb, self, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), shortcuts);
  schedule_midnight (self);
}

/**
 * tern_ui_message_list_new:
 *
 * Returns: (transfer floating): an empty message list
 */
TernUiMessageList *
tern_ui_message_list_new (void)
{
  return g_object_new (TERN_UI_TYPE_MESSAGE_LIST, NULL);
}
