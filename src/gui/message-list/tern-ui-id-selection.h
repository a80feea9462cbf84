/* tern-ui-id-selection.h: a selection model that keeps messages (or conversations)
 * by id, never by position
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * TernUiIdSelectionFindFunc:
 * @model: the model
 * @id: an item's id
 *
 * Finds an item's position without reading any item (TernStoreMessageList's
 * tern_store_message_list_find()).
 *
 * Returns: the position, or -1
 */
typedef int (*TernUiIdSelectionFindFunc) (GListModel *model,
                                          gint64      id);

#define TERN_UI_TYPE_ID_SELECTION (tern_ui_id_selection_get_type ())
G_DECLARE_FINAL_TYPE (TernUiIdSelection, tern_ui_id_selection, TERN_UI, ID_SELECTION, GObject)

TernUiIdSelection *tern_ui_id_selection_new             (void);
GListModel        *tern_ui_id_selection_get_model       (TernUiIdSelection         *self);
void               tern_ui_id_selection_set_model       (TernUiIdSelection         *self,
                                                         GListModel                *model,
                                                         TernUiIdSelectionFindFunc  find_func);
gint64             tern_ui_id_selection_get_item_id     (gpointer                   item);
gboolean           tern_ui_id_selection_get_all         (TernUiIdSelection         *self);
guint              tern_ui_id_selection_get_n_selected  (TernUiIdSelection         *self);
GArray            *tern_ui_id_selection_dup_ids         (TernUiIdSelection         *self);
gint64             tern_ui_id_selection_get_cursor_id   (TernUiIdSelection         *self);
gboolean           tern_ui_id_selection_is_id_selected  (TernUiIdSelection         *self,
                                                         gint64                     id);
void               tern_ui_id_selection_select_id       (TernUiIdSelection         *self,
                                                         gint64                     id,
                                                         gboolean                   unselect_rest);
void               tern_ui_id_selection_clear           (TernUiIdSelection         *self);
int                tern_ui_id_selection_find            (TernUiIdSelection         *self,
                                                         gint64                     id);

G_END_DECLS
