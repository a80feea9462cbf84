/* tern-ui-id-selection.c: a selection model that keeps messages (or conversations)
 * by id, never by position
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message list's model changes under the user's feet (a sync adds, removes and
 * moves rows), and a row's position means nothing a moment later: the selection is
 * a set of ids. Selecting everything (Ctrl+A) reads no row: it is a flag, with the
 * set then holding the ids taken out of it. So neither selecting all of a
 * 100,000-message folder nor a background sync costs more than the rows on screen
 * (GtkMultiSelection keeps every selected item, and reads all of them on Ctrl+A).
 *
 * Positions are asked of the model's find function (tern_store_message_list_find()
 * reads no row); items are read only for positions GTK asks about, which are the
 * rows it shows.
 */
#include "config.h"

#include "tern-store.h"
#include "tern-store-thread.h"
#include "tern-ui-id-selection.h"

struct _TernUiIdSelection
{
  GObject                    parent_instance;

  GListModel                *model;
  TernUiIdSelectionFindFunc  find;
  GHashTable                *ids;        /* selected, or with all, unselected */
  gboolean                   all;
  gint64                     cursor_id;  /* the one selected last on its own */
};

enum { PROP_0, PROP_MODEL, PROP_N_SELECTED, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void list_model_init (GListModelInterface *iface);
static void selection_model_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernUiIdSelection, tern_ui_id_selection, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL, selection_model_init))

/**
 * tern_ui_id_selection_get_item_id:
 * @item: a #TernStoreMessage or a #TernStoreThread (or any object with an int64
 *   "id" property)
 *
 * Returns: its id
 */
gint64
tern_ui_id_selection_get_item_id (gpointer item)
{
  gint64 id = 0;

  if (TERN_IS_STORE_MESSAGE (item))
    return tern_store_message_get_id (item);
  if (TERN_IS_STORE_THREAD (item))
    return tern_store_thread_get_id (item);
  g_object_get (item, "id", &id, NULL);
  return id;
}

static guint
n_items (TernUiIdSelection *self)
{
  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}

static gint64
id_at (TernUiIdSelection *self, guint position)
{
  g_autoptr(GObject) item = self->model != NULL ? g_list_model_get_item (self->model, position) : NULL;

  return item != NULL ? tern_ui_id_selection_get_item_id (item) : 0;
}

/**
 * tern_ui_id_selection_find:
 *
 * Returns: the position of the item with @id, or -1
 */
int
tern_ui_id_selection_find (TernUiIdSelection *self, gint64 id)
{
  guint n;

  g_return_val_if_fail (TERN_UI_IS_ID_SELECTION (self), -1);

  if (self->model == NULL)
    return -1;
  if (self->find != NULL)
    return self->find (self->model, id);
  /* No find function: small models only (tests). */
  n = n_items (self);
  for (guint i = 0; i < n; i++)
    if (id_at (self, i) == id)
      return (int) i;
  return -1;
}

static gboolean
contains (TernUiIdSelection *self, gint64 id)
{
  return g_hash_table_contains (self->ids, &id) != self->all;
}

static void
set_id (TernUiIdSelection *self, gint64 id, gboolean selected)
{
  if (id == 0)
    return;
  if (selected != self->all)
    g_hash_table_add (self->ids, g_memdup2 (&id, sizeof id));
  else
    g_hash_table_remove (self->ids, &id);
}

static void
changed (TernUiIdSelection *self, guint position, guint n)
{
  if (n > 0)
    gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), position, n);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
}

static void
clear (TernUiIdSelection *self, gboolean all)
{
  g_hash_table_remove_all (self->ids);
  self->all = all;
}

/* ---- GListModel --------------------------------------------------------------------- */

static GType
get_item_type (GListModel *model)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);

  return self->model != NULL ? g_list_model_get_item_type (self->model) : G_TYPE_OBJECT;
}

static guint
get_n_items (GListModel *model)
{
  return n_items (TERN_UI_ID_SELECTION (model));
}

static gpointer
get_item (GListModel *model, guint position)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);

  return self->model != NULL ? g_list_model_get_item (self->model, position) : NULL;
}

static void
list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- GtkSelectionModel --------------------------------------------------------------- */

static gboolean
is_selected (GtkSelectionModel *model, guint position)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);

  if (!self->all && g_hash_table_size (self->ids) == 0)
    return FALSE;
  return contains (self, id_at (self, position));
}

static GtkBitset *
get_selection_in_range (GtkSelectionModel *model, guint position, guint n)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);
  GtkBitset *bitset = gtk_bitset_new_empty ();
  GHashTableIter iter;
  gpointer key;

  if (self->all)
    gtk_bitset_add_range (bitset, position, n);
  g_hash_table_iter_init (&iter, self->ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int found = tern_ui_id_selection_find (self, *(gint64 *) key);

      if (found < 0 || (guint) found < position || (guint) found >= position + n)
        continue;
      if (self->all)
        gtk_bitset_remove (bitset, found);
      else
        gtk_bitset_add (bitset, found);
    }
  return bitset;
}

static gboolean
select_item (GtkSelectionModel *model, guint position, gboolean unselect_rest)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);
  gint64 id = id_at (self, position);
  gboolean had_others = self->all || g_hash_table_size (self->ids) > 0;

  if (id == 0)
    return FALSE;
  if (unselect_rest)
    clear (self, FALSE);
  set_id (self, id, TRUE);
  self->cursor_id = id;
  if (unselect_rest && had_others)
    changed (self, 0, n_items (self));
  else
    changed (self, position, 1);
  return TRUE;
}

static gboolean
unselect_item (GtkSelectionModel *model, guint position)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);
  gint64 id = id_at (self, position);

  if (id == 0)
    return FALSE;
  set_id (self, id, FALSE);
  changed (self, position, 1);
  return TRUE;
}

static gboolean
select_range (GtkSelectionModel *model, guint position, guint n, gboolean unselect_rest)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);
  guint total = n_items (self);

  if (position == 0 && n >= total)
    clear (self, TRUE);
  else
    {
      if (unselect_rest)
        clear (self, FALSE);
      for (guint i = position; i < position + n && i < total; i++)
        set_id (self, id_at (self, i), TRUE);
    }
  changed (self, unselect_rest ? 0 : position, unselect_rest ? total : n);
  return TRUE;
}

static gboolean
unselect_range (GtkSelectionModel *model, guint position, guint n)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);
  guint total = n_items (self);

  if (position == 0 && n >= total)
    clear (self, FALSE);
  else
    for (guint i = position; i < position + n && i < total; i++)
      set_id (self, id_at (self, i), FALSE);
  changed (self, position, n);
  return TRUE;
}

static gboolean
select_all (GtkSelectionModel *model)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);

  clear (self, TRUE);
  changed (self, 0, n_items (self));
  return TRUE;
}

static gboolean
unselect_all (GtkSelectionModel *model)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);

  clear (self, FALSE);
  changed (self, 0, n_items (self));
  return TRUE;
}

static gboolean
set_selection (GtkSelectionModel *model, GtkBitset *selected, GtkBitset *mask)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (model);
  guint total = n_items (self);
  GtkBitsetIter iter;
  guint position;
  guint first = G_MAXUINT, last = 0;

  if (total == 0)
    return TRUE;
  if (gtk_bitset_get_size_in_range (mask, 0, total - 1) == total)
    {
      /* The whole selection anew (a Shift+click range): only the selected rows
       * are read. */
      guint n_selected = gtk_bitset_get_size_in_range (selected, 0, total - 1);

      clear (self, n_selected == total);
      if (n_selected != total)
        for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
             ok && position < total; ok = gtk_bitset_iter_next (&iter, &position))
          set_id (self, id_at (self, position), TRUE);
      changed (self, 0, total);
      return TRUE;
    }
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, mask, &position);
       ok && position < total; ok = gtk_bitset_iter_next (&iter, &position))
    {
      set_id (self, id_at (self, position), gtk_bitset_contains (selected, position));
      first = MIN (first, position);
      last = MAX (last, position);
    }
  if (first != G_MAXUINT)
    changed (self, first, last - first + 1);
  return TRUE;
}

static void
selection_model_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = is_selected;
  iface->get_selection_in_range = get_selection_in_range;
  iface->select_item = select_item;
  iface->unselect_item = unselect_item;
  iface->select_range = select_range;
  iface->unselect_range = unselect_range;
  iface->select_all = select_all;
  iface->unselect_all = unselect_all;
  iface->set_selection = set_selection;
}

/* ---- the model's changes --------------------------------------------------------------- */

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, TernUiIdSelection *self)
{
  /* The selection is by id: a row that moves keeps it, and a new row is asked. */
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (self->all && removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
}

/**
 * tern_ui_id_selection_set_model:
 * @model: (nullable): the messages or conversations
 * @find_func: (nullable): finds an id's position without reading rows
 *
 * Shows another model. The selected ids stay selected (where the new model has
 * them); call tern_ui_id_selection_clear() for a new folder.
 */
void
tern_ui_id_selection_set_model (TernUiIdSelection *self, GListModel *model, TernUiIdSelectionFindFunc find_func)
{
  guint old_n, new_n;

  g_return_if_fail (TERN_UI_IS_ID_SELECTION (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;
  old_n = n_items (self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);
  g_set_object (&self->model, model);
  self->find = find_func;
  if (self->model != NULL)
    g_signal_connect_object (self->model, "items-changed", G_CALLBACK (items_changed_cb), self, 0);
  new_n = n_items (self);
  if (self->all)
    clear (self, FALSE);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, new_n);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
}

GListModel *
tern_ui_id_selection_get_model (TernUiIdSelection *self)
{
  g_return_val_if_fail (TERN_UI_IS_ID_SELECTION (self), NULL);
  return self->model;
}

/**
 * tern_ui_id_selection_get_all:
 *
 * Returns: whether everything is selected, but for the ids of
 *   tern_ui_id_selection_dup_ids()
 */
gboolean
tern_ui_id_selection_get_all (TernUiIdSelection *self)
{
  g_return_val_if_fail (TERN_UI_IS_ID_SELECTION (self), FALSE);
  return self->all;
}

/**
 * tern_ui_id_selection_get_n_selected:
 *
 * Returns: how many items are selected (the ids selected, which a sync may have
 *   removed meanwhile, or with everything selected, the model's size less the ids
 *   taken out)
 */
guint
tern_ui_id_selection_get_n_selected (TernUiIdSelection *self)
{
  guint n;

  g_return_val_if_fail (TERN_UI_IS_ID_SELECTION (self), 0);

  if (!self->all)
    return g_hash_table_size (self->ids);
  n = n_items (self);
  return n > g_hash_table_size (self->ids) ? n - g_hash_table_size (self->ids) : 0;
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/**
 * tern_ui_id_selection_dup_ids:
 *
 * Returns: (transfer full) (element-type gint64): the selected ids, sorted; with
 *   everything selected, the ids taken out of the selection
 */
GArray *
tern_ui_id_selection_dup_ids (TernUiIdSelection *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (TERN_UI_IS_ID_SELECTION (self), ids);

  g_hash_table_iter_init (&iter, self->ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);
  g_array_sort (ids, compare_ids);
  return ids;
}

/**
 * tern_ui_id_selection_get_cursor_id:
 *
 * Returns: the item selected last on its own (a click, the arrow keys), when it is
 *   still selected; else 0
 */
gint64
tern_ui_id_selection_get_cursor_id (TernUiIdSelection *self)
{
  g_return_val_if_fail (TERN_UI_IS_ID_SELECTION (self), 0);

  return self->cursor_id != 0 && contains (self, self->cursor_id) ? self->cursor_id : 0;
}

gboolean
tern_ui_id_selection_is_id_selected (TernUiIdSelection *self, gint64 id)
{
  g_return_val_if_fail (TERN_UI_IS_ID_SELECTION (self), FALSE);
  return contains (self, id);
}

/**
 * tern_ui_id_selection_select_id:
 *
 * Selects the item with @id, whether or not the model has it yet (a message opened
 * from a notification, before its folder's list is read).
 */
void
tern_ui_id_selection_select_id (TernUiIdSelection *self, gint64 id, gboolean unselect_rest)
{
  int position;

  g_return_if_fail (TERN_UI_IS_ID_SELECTION (self));

  if (unselect_rest)
    clear (self, FALSE);
  set_id (self, id, TRUE);
  self->cursor_id = id;
  position = tern_ui_id_selection_find (self, id);
  if (unselect_rest)
    changed (self, 0, n_items (self));
  else
    changed (self, position >= 0 ? (guint) position : 0, position >= 0 ? 1 : 0);
}

void
tern_ui_id_selection_clear (TernUiIdSelection *self)
{
  g_return_if_fail (TERN_UI_IS_ID_SELECTION (self));

  if (!self->all && g_hash_table_size (self->ids) == 0)
    return;
  clear (self, FALSE);
  self->cursor_id = 0;
  changed (self, 0, n_items (self));
}

/* ---- object ------------------------------------------------------------------------ */

static void
tern_ui_id_selection_dispose (GObject *object)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (tern_ui_id_selection_parent_class)->dispose (object);
}

static void
tern_ui_id_selection_finalize (GObject *object)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (object);

  g_hash_table_unref (self->ids);
  G_OBJECT_CLASS (tern_ui_id_selection_parent_class)->finalize (object);
}

static void
tern_ui_id_selection_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernUiIdSelection *self = TERN_UI_ID_SELECTION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_N_SELECTED:
      g_value_set_uint (value, tern_ui_id_selection_get_n_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_id_selection_class_init (TernUiIdSelectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_ui_id_selection_dispose;
  object_class->finalize = tern_ui_id_selection_finalize;
  object_class->get_property = tern_ui_id_selection_get_property;

  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SELECTED] = g_param_spec_uint ("n-selected", NULL, NULL, 0, G_MAXUINT, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tern_ui_id_selection_init (TernUiIdSelection *self)
{
  self->ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/**
 * tern_ui_id_selection_new:
 *
 * Returns: (transfer full): a selection without a model
 */
TernUiIdSelection *
tern_ui_id_selection_new (void)
{
  return g_object_new (TERN_UI_TYPE_ID_SELECTION, NULL);
}
