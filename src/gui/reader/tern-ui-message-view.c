/* tern-ui-message-view.c: the reader: a conversation's messages as cards
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window gives the view a conversation (rows, message ids or a thread id) and
 * the message the user selected. The view shows the messages in date order, each
 * on a TernUiMessageCard: the selected and the unread ones expanded, the others
 * collapsed to a line. Given ids, it reads the rows and the expanded messages'
 * bodies in one trip to a store worker, so a selected message is painted after
 * one round trip.
 *
 * The view changes nothing in the store. It asks its owner through signals:
 * ::need-body when only a message's header is stored, ::mark-read once a message
 * has been shown for the `mark-read-delay` setting, ::activate-link for a clicked
 * link (the default handler opens http(s) links in the browser and mailto: links
 * with the `win.compose-to` action); "New Message To" on an address activates
 * `win.compose-to` too.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-ui-html-loader.h"
#include "tern-ui-message-view.h"
#include "tern-ui-reader-private.h"

#define ZOOM_STEP 0.1

struct _TernUiMessageView
{
  GtkWidget        parent_instance;

  TernStore       *store;
  GSettings       *settings;
  GCancellable    *cancellable;
  GPtrArray       *cards;          /* TernUiMessageCard, in order; the card box owns them */
  GHashTable      *mark_timers;    /* message id (gint64 *) -> GSource id */
  gint64           selected_id;
  gboolean         loading;
  gboolean         scroll_pending;
  char            *hovered_link;

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  GtkSpinner      *loading_spinner;
  GtkScrolledWindow *scrolled;
  GtkBox          *card_box;
  GtkLabel        *hover_label;
};

G_DEFINE_FINAL_TYPE (TernUiMessageView, tern_ui_message_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_ZOOM,
  PROP_LOADING,
  N_PROPS
};

enum {
  NEED_BODY,
  MARK_READ,
  ACTIVATE_LINK,
  BODY_SHOWN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- cards ---------------------------------------------------------------------------- */

static void
remove_source (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

static void
remove_cards (TernUiMessageView *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->mark_timers);
  g_ptr_array_set_size (self->cards, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->card_box))) != NULL)
    gtk_box_remove (self->card_box, child);
}

static gboolean
mark_read_timeout_cb (gpointer user_data)
{
  TernUiMessageCard *card = user_data;
  TernUiMessageView *self = TERN_UI_MESSAGE_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (card),
                                                                          TERN_UI_TYPE_MESSAGE_VIEW));
  gint64 id = tern_ui_message_card_get_message_id (card);

  if (self == NULL)
    return G_SOURCE_REMOVE;
  g_hash_table_steal (self->mark_timers, &id);
  if (tern_ui_message_card_get_unread (card))
    {
      tern_ui_message_card_set_unread (card, FALSE);
      g_signal_emit (self, signals[MARK_READ], 0, id);
    }
  return G_SOURCE_REMOVE;
}

static void
card_body_shown_cb (TernUiMessageCard *card,
                    TernUiMessageView *self)
{
  gint64 id = tern_ui_message_card_get_message_id (card);
  double delay = g_settings_get_double (self->settings, "mark-read-delay");

  g_signal_emit (self, signals[BODY_SHOWN], 0, id);

  if (!tern_ui_message_card_get_unread (card) || delay < 0 || g_hash_table_contains (self->mark_timers, &id))
    return;
  if (delay == 0)
    {
      tern_ui_message_card_set_unread (card, FALSE);
      g_signal_emit (self, signals[MARK_READ], 0, id);
      return;
    }
  {
    gint64 *key = g_new (gint64, 1);
    guint source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (delay * 1000), mark_read_timeout_cb,
                                       g_object_ref (card), g_object_unref);

    *key = id;
    g_hash_table_insert (self->mark_timers, key, GUINT_TO_POINTER (source));
  }
}

static void
card_need_body_cb (TernUiMessageCard *card,
                   TernUiMessageView *self)
{
  gint64 id = tern_ui_message_card_get_message_id (card);

  if (!g_signal_has_handler_pending (self, signals[NEED_BODY], 0, FALSE))
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                     _("only the header of this message is stored"));
      tern_ui_message_card_set_fetch_error (card, error);
      return;
    }
  g_signal_emit (self, signals[NEED_BODY], 0, id);
}

static void
card_expanded_cb (TernUiMessageCard *card,
                  GParamSpec        *pspec,
                  TernUiMessageView *self)
{
  gint64 id = tern_ui_message_card_get_message_id (card);

  /* A message collapsed before its delay ran out stays unread. */
  if (!tern_ui_message_card_get_expanded (card))
    g_hash_table_remove (self->mark_timers, &id);
}

static TernUiMessageCard *
add_card (TernUiMessageView *self, TernStoreMessage *row)
{
  TernUiMessageCard *card = tern_ui_message_card_new (self->store, self->settings, row);

  tern_ui_message_card_set_zoom (card, g_settings_get_double (self->settings, "reader-zoom"));
  g_signal_connect_object (card, "body-shown", G_CALLBACK (card_body_shown_cb), self, 0);
  g_signal_connect_object (card, "need-body", G_CALLBACK (card_need_body_cb), self, 0);
  g_signal_connect_object (card, "notify::expanded", G_CALLBACK (card_expanded_cb), self, 0);
  gtk_box_append (self->card_box, GTK_WIDGET (card));
  g_ptr_array_add (self->cards, card);
  return card;
}

static gint
compare_rows (gconstpointer a, gconstpointer b)
{
  TernStoreMessage *ma = *(TernStoreMessage **) a;
  TernStoreMessage *mb = *(TernStoreMessage **) b;
  gint64 da = tern_store_message_get_date (ma) != 0 ? tern_store_message_get_date (ma)
                                                    : tern_store_message_get_internal_date (ma);
  gint64 db = tern_store_message_get_date (mb) != 0 ? tern_store_message_get_date (mb)
                                                    : tern_store_message_get_internal_date (mb);

  if (da != db)
    return da < db ? -1 : 1;
  return tern_store_message_get_id (ma) < tern_store_message_get_id (mb) ? -1
       : tern_store_message_get_id (ma) > tern_store_message_get_id (mb);
}

/* The selected message and the unread ones; with neither, the newest. */
static gboolean *
choose_expanded (GPtrArray *rows, gint64 selected_id)
{
  gboolean *expanded = g_new0 (gboolean, MAX (rows->len, 1));
  gboolean any = FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      TernStoreMessage *m = g_ptr_array_index (rows, i);

      expanded[i] = tern_store_message_get_id (m) == selected_id ||
                    !(tern_store_message_get_flags (m) & TERN_STORE_FLAG_SEEN);
      any = any || expanded[i];
    }
  if (!any && rows->len > 0)
    expanded[rows->len - 1] = TRUE;
  return expanded;
}

static gboolean
scroll_to_selected_cb (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  TernUiMessageView *self = TERN_UI_MESSAGE_VIEW (widget);
  TernUiMessageCard *card = tern_ui_message_view_find_card (self, self->selected_id);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scrolled);
  graphene_point_t point;

  self->scroll_pending = FALSE;
  if (card == NULL || g_ptr_array_index (self->cards, 0) == (gpointer) card)
    {
      gtk_adjustment_set_value (adj, 0);
      return G_SOURCE_REMOVE;
    }
  if (gtk_widget_compute_point (GTK_WIDGET (card), GTK_WIDGET (self->card_box), &GRAPHENE_POINT_INIT (0, 0), &point))
    gtk_adjustment_set_value (adj, MAX (0, point.y - 8));
  return G_SOURCE_REMOVE;
}

static void
show_rows (TernUiMessageView *self, GPtrArray *rows, GPtrArray *contents, gint64 selected_id)
{
  g_autofree gboolean *expanded = NULL;

  remove_cards (self);
  self->selected_id = selected_id;
  g_ptr_array_sort (rows, compare_rows);
  expanded = choose_expanded (rows, selected_id);

  for (guint i = 0; i < rows->len; i++)
    {
      TernStoreMessage *row = g_ptr_array_index (rows, i);
      TernUiMessageCard *card = add_card (self, row);

      if (contents != NULL)
        {
          /* The worker read the bodies of the messages to expand, keyed by id. */
          for (guint j = 0; j < contents->len; j += 2)
            if (*(gint64 *) g_ptr_array_index (contents, j) == tern_store_message_get_id (row) &&
                g_ptr_array_index (contents, j + 1) != NULL)
              {
                TernUiReaderContent *content = g_ptr_array_index (contents, j + 1);

                contents->pdata[j + 1] = NULL;   /* the card's now */
                _tern_ui_message_card_set_content (card, content);
              }
        }
      tern_ui_message_card_set_expanded (card, expanded[i]);
    }

  gtk_stack_set_visible_child_name (self->stack, rows->len > 0 ? "conversation" : "empty");
  if (!self->scroll_pending)
    {
      self->scroll_pending = TRUE;
      gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_selected_cb, NULL, NULL);
    }
}

static void
set_loading (TernUiMessageView *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* ---- loading a conversation on a store worker ------------------------------------------ */

typedef struct
{
  GArray   *ids;
  gint64    thread_id;
  gint64    selected_id;
  gboolean  prefer_plain;
} ConversationRequest;

typedef struct
{
  GPtrArray *rows;      /* TernStoreMessage */
  GPtrArray *contents;  /* pairs: gint64 *id, TernUiReaderContent * (or NULL) */
} Conversation;

static void
conversation_request_free (ConversationRequest *r)
{
  g_clear_pointer (&r->ids, g_array_unref);
  g_free (r);
}

static void
conversation_free (Conversation *c)
{
  g_clear_pointer (&c->rows, g_ptr_array_unref);
  if (c->contents != NULL)
    {
      for (guint i = 0; i + 1 < c->contents->len; i += 2)
        {
          g_free (g_ptr_array_index (c->contents, i));
          _tern_ui_reader_content_free (g_ptr_array_index (c->contents, i + 1));
        }
      g_ptr_array_unref (c->contents);
    }
  g_free (c);
}

static gpointer
load_conversation_work (TernStoreDb   *db,
                        gpointer       data,
                        GCancellable  *cancellable,
                        GError       **error)
{
  ConversationRequest *r = data;
  Conversation *c = g_new0 (Conversation, 1);
  g_autofree gboolean *expanded = NULL;

  if (r->ids != NULL)
    {
      c->rows = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < r->ids->len; i++)
        {
          g_autoptr(GError) local = NULL;
          TernStoreMessage *m = tern_store_db_get_message (db, g_array_index (r->ids, gint64, i), &local);

          if (m != NULL)
            g_ptr_array_add (c->rows, m);
          else if (!g_error_matches (local, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              conversation_free (c);
              return NULL;
            }
        }
    }
  else
    {
      c->rows = tern_store_db_list_thread (db, r->thread_id, error);
      if (c->rows == NULL)
        {
          conversation_free (c);
          return NULL;
        }
    }

  g_ptr_array_sort (c->rows, compare_rows);
  expanded = choose_expanded (c->rows, r->selected_id);
  c->contents = g_ptr_array_new ();
  for (guint i = 0; i < c->rows->len; i++)
    {
      TernStoreMessage *m = g_ptr_array_index (c->rows, i);
      gint64 *id;

      if (!expanded[i] || !tern_store_message_get_has_body (m) || g_cancellable_is_cancelled (cancellable))
        continue;
      id = g_new (gint64, 1);
      *id = tern_store_message_get_id (m);
      g_ptr_array_add (c->contents, id);
      /* An error here is the card's to show: it reads the message again itself. */
      g_ptr_array_add (c->contents, _tern_ui_reader_content_load (db, *id, r->prefer_plain, NULL));
    }
  return c;
}

static void
conversation_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  TernUiMessageView *self = user_data;
  g_autoptr(GError) error = NULL;
  Conversation *c = tern_store_run_finish (TERN_STORE (source), result, &error);

  if (c == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_loading (self, FALSE);
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      g_object_unref (self);
      return;
    }
  set_loading (self, FALSE);
  show_rows (self, c->rows, c->contents, self->selected_id);
  conversation_free (c);
  g_object_unref (self);
}

static void
load_conversation (TernUiMessageView *self, ConversationRequest *request)
{
  GCancellable *cancellable;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = cancellable = g_cancellable_new ();
  /* Without the HTML viewer, the plain text alternative rather than HTML as text. */
  request->prefer_plain = g_settings_get_boolean (self->settings, "prefer-plain-text") ||
                          tern_ui_html_loader_get_failed ();
  set_loading (self, TRUE);

  /* Keep showing what was there until the new conversation is ready: no flash. */
  if (self->cards->len == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  self->selected_id = request->selected_id;
  tern_store_run_async (self->store, load_conversation_work, request,
                        (GDestroyNotify) conversation_request_free, (GDestroyNotify) conversation_free,
                        cancellable, conversation_loaded_cb, g_object_ref (self));
}

/* ---- API ---------------------------------------------------------------------------------- */

/**
 * tern_ui_message_view_new:
 * @store: (nullable): the store the messages are read from
 *
 * Returns: (transfer floating): an empty reader
 */
TernUiMessageView *
tern_ui_message_view_new (TernStore *store)
{
  return g_object_new (TERN_UI_TYPE_MESSAGE_VIEW, "store", store, NULL);
}

/**
 * tern_ui_message_view_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
TernStore *
tern_ui_message_view_get_store (TernUiMessageView *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_VIEW (self), NULL);
  return self->store;
}

static void
store_messages_changed_cb (TernStore         *store,
                           gint64             folder_id,
                           GArray            *ids,
                           TernUiMessageView *self)
{
  for (guint i = 0; i < ids->len; i++)
    {
      TernUiMessageCard *card = tern_ui_message_view_find_card (self, g_array_index (ids, gint64, i));
      TernUiMessageCardState state;

      if (card == NULL)
        continue;
      state = tern_ui_message_card_get_state (card);
      /* A body a sync fetched meanwhile. */
      if (state == TERN_UI_MESSAGE_CARD_FETCHING || state == TERN_UI_MESSAGE_CARD_ERROR)
        tern_ui_message_card_reload (card);
    }
}

void
tern_ui_message_view_set_store (TernUiMessageView *self, TernStore *store)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));
  g_return_if_fail (store == NULL || TERN_IS_STORE (store));

  if (self->store == store)
    return;
  tern_ui_message_view_clear (self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "messages-changed", G_CALLBACK (store_messages_changed_cb), self, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * tern_ui_message_view_show_messages:
 * @messages: (element-type TernStoreMessage): the conversation's messages, in any order
 * @selected_id: the message the user selected (expanded and scrolled to), or 0
 *
 * Shows a conversation from rows the caller has: the cards appear at once and
 * the expanded ones read their bodies.
 */
void
tern_ui_message_view_show_messages (TernUiMessageView *self,
                                    GListModel        *messages,
                                    gint64             selected_id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));
  g_return_if_fail (G_IS_LIST_MODEL (messages));

  g_cancellable_cancel (self->cancellable);
  set_loading (self, FALSE);
  n = g_list_model_get_n_items (messages);
  for (guint i = 0; i < n; i++)
    {
      gpointer item = g_list_model_get_item (messages, i);

      if (TERN_IS_STORE_MESSAGE (item))
        g_ptr_array_add (rows, item);
      else
        g_clear_object (&item);
    }
  show_rows (self, rows, NULL, selected_id);
}

/**
 * tern_ui_message_view_show_message_ids:
 * @ids: (array length=n_ids): the conversation's message ids
 * @selected_id: the message the user selected, or 0
 *
 * Shows a conversation by id: its rows and the bodies of the messages to expand
 * are read in one trip to a store worker.
 */
void
tern_ui_message_view_show_message_ids (TernUiMessageView *self,
                                       const gint64      *ids,
                                       guint              n_ids,
                                       gint64             selected_id)
{
  ConversationRequest *r;

  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));
  g_return_if_fail (ids != NULL || n_ids == 0);
  g_return_if_fail (self->store != NULL);

  r = g_new0 (ConversationRequest, 1);
  r->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (r->ids, ids, n_ids);
  r->selected_id = selected_id;
  load_conversation (self, r);
}

/**
 * tern_ui_message_view_show_thread:
 * @thread_id: the conversation (tern_store_message_get_thread_id())
 * @selected_id: the message the user selected, or 0
 *
 * Shows every message of a conversation.
 */
void
tern_ui_message_view_show_thread (TernUiMessageView *self,
                                  gint64             thread_id,
                                  gint64             selected_id)
{
  ConversationRequest *r;

  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));
  g_return_if_fail (self->store != NULL);

  r = g_new0 (ConversationRequest, 1);
  r->thread_id = thread_id;
  r->selected_id = selected_id;
  load_conversation (self, r);
}

/**
 * tern_ui_message_view_clear:
 *
 * Shows no conversation ("No Conversation Selected").
 */
void
tern_ui_message_view_clear (TernUiMessageView *self)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  set_loading (self, FALSE);
  remove_cards (self);
  self->selected_id = 0;
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/**
 * tern_ui_message_view_body_fetched:
 * @message_id: the message whose body ::need-body asked for
 * @error: (nullable): why it could not be fetched, or %NULL when the store has it now
 *
 * The answer to ::need-body: shows the body, or says why it is missing (offline
 * in words), with a Retry button that asks again.
 */
void
tern_ui_message_view_body_fetched (TernUiMessageView *self,
                                   gint64             message_id,
                                   const GError      *error)
{
  TernUiMessageCard *card;

  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));

  card = tern_ui_message_view_find_card (self, message_id);
  if (card == NULL)
    return;
  if (error != NULL)
    tern_ui_message_card_set_fetch_error (card, error);
  else
    tern_ui_message_card_reload (card);
}

/**
 * tern_ui_message_view_cancel_mark_read:
 *
 * The messages waiting for the `mark-read-delay` to run out stay unread: the user
 * moved on to another conversation, or marked them unread.
 */
void
tern_ui_message_view_cancel_mark_read (TernUiMessageView *self)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));

  g_hash_table_remove_all (self->mark_timers);
}

guint
tern_ui_message_view_get_n_cards (TernUiMessageView *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_VIEW (self), 0);
  return self->cards->len;
}

/**
 * tern_ui_message_view_get_card:
 *
 * Returns: (transfer none): the card at @position, in date order
 */
TernUiMessageCard *
tern_ui_message_view_get_card (TernUiMessageView *self, guint position)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_VIEW (self), NULL);
  g_return_val_if_fail (position < self->cards->len, NULL);
  return g_ptr_array_index (self->cards, position);
}

/**
 * tern_ui_message_view_find_card:
 *
 * Returns: (transfer none) (nullable): the card of @message_id
 */
TernUiMessageCard *
tern_ui_message_view_find_card (TernUiMessageView *self, gint64 message_id)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_VIEW (self), NULL);

  for (guint i = 0; i < self->cards->len; i++)
    if (tern_ui_message_card_get_message_id (g_ptr_array_index (self->cards, i)) == message_id)
      return g_ptr_array_index (self->cards, i);
  return NULL;
}

/**
 * tern_ui_message_view_get_loading:
 *
 * Returns: whether a conversation is being read from the store
 */
gboolean
tern_ui_message_view_get_loading (TernUiMessageView *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_VIEW (self), FALSE);
  return self->loading;
}

double
tern_ui_message_view_get_zoom (TernUiMessageView *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_VIEW (self), 1.0);
  return g_settings_get_double (self->settings, "reader-zoom");
}

/**
 * tern_ui_message_view_set_zoom:
 * @zoom: 0.5 to 2.0; stored in the `reader-zoom` setting
 */
void
tern_ui_message_view_set_zoom (TernUiMessageView *self, double zoom)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));

  zoom = CLAMP (round (zoom * 10) / 10, 0.5, 2.0);
  g_settings_set_double (self->settings, "reader-zoom", zoom);
}

/**
 * tern_ui_message_view_get_hovered_link:
 *
 * Returns: (nullable): the target of the link under the pointer, as shown
 */
const char *
tern_ui_message_view_get_hovered_link (TernUiMessageView *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_VIEW (self), NULL);
  return self->hovered_link;
}

static void
zoom_changed_cb (GSettings         *settings,
                 const char        *key,
                 TernUiMessageView *self)
{
  double zoom = g_settings_get_double (settings, "reader-zoom");

  for (guint i = 0; i < self->cards->len; i++)
    tern_ui_message_card_set_zoom (g_ptr_array_index (self->cards, i), zoom);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

/* ---- links --------------------------------------------------------------------------- */

static TernUiMessageView *
view_of (GtkWidget *widget)
{
  GtkWidget *view = gtk_widget_get_ancestor (widget, TERN_UI_TYPE_MESSAGE_VIEW);

  return view != NULL ? TERN_UI_MESSAGE_VIEW (view) : NULL;
}

void
_tern_ui_reader_toast (GtkWidget *from, const char *text)
{
  TernUiMessageView *self = view_of (from);

  if (self == NULL)
    {
      g_message ("%s", text);
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

void
_tern_ui_reader_hover_link (GtkWidget *from, const char *uri)
{
  TernUiMessageView *self = view_of (from);

  if (self == NULL || g_strcmp0 (self->hovered_link, uri) == 0)
    return;
  g_free (self->hovered_link);
  self->hovered_link = g_strdup (uri);
  gtk_label_set_text (self->hover_label, uri != NULL ? uri : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hover_label), uri != NULL);
}

/* The host a link's text shows, when the text looks like a web address. */
static char *
host_shown_by (const char *label)
{
  g_autofree char *text = g_strstrip (g_strdup (label));
  g_autoptr(GUri) uri = NULL;
  const char *p = text;
  const char *end;

  if (*text == '\0' || strpbrk (text, " \t\n") != NULL)
    return NULL;
  if (g_ascii_strncasecmp (p, "http://", 7) == 0 || g_ascii_strncasecmp (p, "https://", 8) == 0)
    {
      uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
      return uri != NULL && g_uri_get_host (uri) != NULL ? g_ascii_strdown (g_uri_get_host (uri), -1) : NULL;
    }
  end = p + strcspn (p, "/?#");
  if (memchr (p, '.', end - p) == NULL)
    return NULL;
  for (const char *q = p; q < end; q++)
    if (!g_ascii_isalnum (*q) && *q != '.' && *q != '-')
      return NULL;
  if (!g_ascii_isalpha (end[-1]))
    return NULL;
  return g_ascii_strdown (p, end - p);
}

static const char *
without_www (const char *host)
{
  return g_str_has_prefix (host, "www.") ? host + 4 : host;
}

static gboolean
same_site (const char *a, const char *b)
{
  const char *x = without_www (a);
  const char *y = without_www (b);
  gsize lx = strlen (x), ly = strlen (y);

  if (g_ascii_strcasecmp (x, y) == 0)
    return TRUE;
  /* a subdomain of the shown host */
  return (ly > lx && y[ly - lx - 1] == '.' && g_ascii_strcasecmp (y + ly - lx, x) == 0) ||
         (lx > ly && x[lx - ly - 1] == '.' && g_ascii_strcasecmp (x + lx - ly, y) == 0);
}

static void
deceptive_response_cb (AdwMessageDialog  *dialog,
                       const char        *response,
                       TernUiMessageView *self)
{
  gboolean handled = FALSE;

  if (g_strcmp0 (response, "open") == 0)
    g_signal_emit (self, signals[ACTIVATE_LINK], 0, g_object_get_data (G_OBJECT (dialog), "uri"), &handled);
}

void
_tern_ui_reader_activate_link (GtkWidget  *from,
                               const char *uri,
                               const char *label)
{
  TernUiMessageView *self = view_of (from);
  g_autofree char *shown = label != NULL ? host_shown_by (label) : NULL;
  g_autoptr(GUri) target = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  const char *host = target != NULL ? g_uri_get_host (target) : NULL;
  gboolean handled = FALSE;

  if (self == NULL)
    return;

  if (shown != NULL && host != NULL && *host != '\0' && !same_site (shown, host))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _("Open This Link?"), NULL);

      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("The link’s text shows “%s”, but the link leads to “%s”. "
                                        "Links like this are often used to deceive."),
                                      shown, host);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "open", _("_Open Link"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_object_set_data_full (G_OBJECT (dialog), "uri", g_strdup (uri), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (deceptive_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  g_signal_emit (self, signals[ACTIVATE_LINK], 0, uri, &handled);
}

static void
show_uri_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TernUiMessageView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not open the link: %s"), error->message);

      _tern_ui_reader_toast (GTK_WIDGET (self->card_box), text);
    }
}

static gboolean
tern_ui_message_view_real_activate_link (TernUiMessageView *self,
                                         const char        *uri)
{
  g_autofree char *scheme = g_uri_parse_scheme (uri);

  if (g_strcmp0 (scheme, "mailto") == 0)
    {
      const char *address = uri + strlen ("mailto:");
      g_autofree char *to = g_uri_unescape_segment (address, address + strcspn (address, "?"), NULL);

      if (to == NULL || !gtk_widget_activate_action (GTK_WIDGET (self), "win.compose-to", "s", to))
        _tern_ui_reader_toast (GTK_WIDGET (self->card_box), _("Writing messages is not available yet"));
      return TRUE;
    }
  if (g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      gtk_show_uri_full (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME, NULL,
                         show_uri_done_cb, g_object_ref (self));
      return TRUE;
    }
  {
    g_autofree char *text = g_strdup_printf (_("Tern does not open “%s” links"), scheme != NULL ? scheme : uri);

    _tern_ui_reader_toast (GTK_WIDGET (self->card_box), text);
  }
  return TRUE;
}

/* ---- actions and keys ---------------------------------------------------------------- */

static TernUiMessageCard *
current_card (TernUiMessageView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *card = focus != NULL ? gtk_widget_get_ancestor (focus, TERN_UI_TYPE_MESSAGE_CARD) : NULL;
  TernUiMessageCard *selected;

  if (card != NULL && gtk_widget_is_ancestor (card, GTK_WIDGET (self)))
    return TERN_UI_MESSAGE_CARD (card);
  selected = tern_ui_message_view_find_card (self, self->selected_id);
  if (selected != NULL)
    return selected;
  for (guint i = self->cards->len; i > 0; i--)
    if (tern_ui_message_card_get_expanded (g_ptr_array_index (self->cards, i - 1)))
      return g_ptr_array_index (self->cards, i - 1);
  return NULL;
}

static void
view_source_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  TernUiMessageCard *card = current_card (TERN_UI_MESSAGE_VIEW (widget));

  if (card != NULL)
    tern_ui_message_card_view_source (card);
}

static void
zoom_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  TernUiMessageView *self = TERN_UI_MESSAGE_VIEW (widget);
  double zoom = tern_ui_message_view_get_zoom (self);

  if (g_str_equal (name, "reader.zoom-in"))
    tern_ui_message_view_set_zoom (self, zoom + ZOOM_STEP);
  else if (g_str_equal (name, "reader.zoom-out"))
    tern_ui_message_view_set_zoom (self, zoom - ZOOM_STEP);
  else
    tern_ui_message_view_set_zoom (self, 1.0);
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TernUiMessageView        *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  tern_ui_message_view_set_zoom (self, tern_ui_message_view_get_zoom (self) + (dy < 0 ? ZOOM_STEP : -ZOOM_STEP));
  return TRUE;
}

static void
scroll_by (TernUiMessageView *self, double pages)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scrolled);
  double page = gtk_adjustment_get_page_size (adj);
  double value = gtk_adjustment_get_value (adj) + pages * MAX (page - 40, page * 0.5);

  gtk_adjustment_set_value (adj, CLAMP (value, gtk_adjustment_get_lower (adj),
                                        gtk_adjustment_get_upper (adj) - page));
}

/* Space is a button's key when a button has the focus. */
static gboolean
focus_takes_space (GtkWidget *focus)
{
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (GTK_IS_EDITABLE (w) || GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w) || GTK_IS_CHECK_BUTTON (w) ||
          GTK_IS_LIST_BOX_ROW (w))
        return TRUE;
      if (TERN_UI_IS_MESSAGE_CARD (w))
        break;
    }
  return FALSE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TernUiMessageView     *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scrolled);
  GdkModifierType mods = state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK);

  if (focus != NULL && GTK_IS_EDITABLE (focus))
    return FALSE;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "conversation") != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      if (mods != 0)
        return FALSE;
      scroll_by (self, 1);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      if (mods != 0)
        return FALSE;
      scroll_by (self, -1);
      return TRUE;
    case GDK_KEY_space:
      if ((mods & ~GDK_SHIFT_MASK) != 0 || focus_takes_space (focus))
        return FALSE;
      scroll_by (self, (mods & GDK_SHIFT_MASK) ? -1 : 1);
      return TRUE;
    case GDK_KEY_Home:
    case GDK_KEY_End:
      if (mods != GDK_CONTROL_MASK && (mods != 0 || focus_takes_space (focus)))
        return FALSE;
      gtk_adjustment_set_value (adj, keyval == GDK_KEY_Home ? gtk_adjustment_get_lower (adj)
                                                            : gtk_adjustment_get_upper (adj));
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
prepare_web_cb (gpointer user_data)
{
  tern_ui_html_loader_prepare ();
  return G_SOURCE_REMOVE;
}

/**
 * tern_ui_message_view_prepare:
 *
 * Starts, half a second from now and once per process, what the first HTML message
 * needs (WebKit's library and its web process). The window calls it once its first
 * rows are on screen: called when the view was mapped, it took its share of a
 * start-up still painting the list.
 */
void
tern_ui_message_view_prepare (TernUiMessageView *self)
{
  static gboolean prepared;

  g_return_if_fail (TERN_UI_IS_MESSAGE_VIEW (self));

  if (!prepared)
    {
      prepared = TRUE;
      g_timeout_add_full (G_PRIORITY_LOW, 500, prepare_web_cb, NULL, NULL);
    }
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
tern_ui_message_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TernUiMessageView *self = TERN_UI_MESSAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, tern_ui_message_view_get_zoom (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_message_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TernUiMessageView *self = TERN_UI_MESSAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      tern_ui_message_view_set_store (self, g_value_get_object (value));
      break;
    case PROP_ZOOM:
      tern_ui_message_view_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_message_view_dispose (GObject *object)
{
  TernUiMessageView *self = TERN_UI_MESSAGE_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->mark_timers != NULL)
    g_hash_table_remove_all (self->mark_timers);
  if (self->cards != NULL)
    g_ptr_array_set_size (self->cards, 0);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_MESSAGE_VIEW);
  G_OBJECT_CLASS (tern_ui_message_view_parent_class)->dispose (object);
}

static void
tern_ui_message_view_finalize (GObject *object)
{
  TernUiMessageView *self = TERN_UI_MESSAGE_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_pointer (&self->mark_timers, g_hash_table_unref);
  g_free (self->hovered_link);
  G_OBJECT_CLASS (tern_ui_message_view_parent_class)->finalize (object);
}

static void
tern_ui_message_view_class_init (TernUiMessageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tern_ui_message_view_get_property;
  object_class->set_property = tern_ui_message_view_set_property;
  object_class->dispose = tern_ui_message_view_dispose;
  object_class->finalize = tern_ui_message_view_finalize;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, TERN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0.5, 2.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TernUiMessageView::need-body:
   * @message_id: a message of which the store has only the header
   *
   * The owner fetches the body (tern_mail_fetch_body_async()) and answers with
   * tern_ui_message_view_body_fetched(). Until then the message shows a spinner.
   */
  signals[NEED_BODY] = g_signal_new ("need-body", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * TernUiMessageView::mark-read:
   * @message_id: an unread message the user has now read
   *
   * Emitted once an unread message has been shown for the `mark-read-delay`
   * setting (at once for 0, never for -1). The owner changes the store.
   */
  signals[MARK_READ] = g_signal_new ("mark-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * TernUiMessageView::activate-link:
   * @uri: the link's target
   *
   * A link in a message was clicked (after the user confirmed a deceptive one).
   * The default handler opens http and https links in the browser and mailto:
   * links with the `win.compose-to` action. Return %TRUE to handle it instead.
   */
  signals[ACTIVATE_LINK] = g_signal_new_class_handler ("activate-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                       G_CALLBACK (tern_ui_message_view_real_activate_link),
                                                       g_signal_accumulator_true_handled, NULL, NULL,
                                                       G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  /**
   * TernUiMessageView::body-shown:
   * @message_id: the message
   *
   * A message's body has been painted.
   */
  signals[BODY_SHOWN] = g_signal_new ("body-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messageview");
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tern-ui-message-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageView, stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageView, error_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageView, scrolled);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageView, card_box);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageView, hover_label);

  gtk_widget_class_install_action (widget_class, "reader.view-source", NULL, view_source_action_cb);
  gtk_widget_class_install_action (widget_class, "reader.zoom-in", NULL, zoom_action_cb);
  gtk_widget_class_install_action (widget_class, "reader.zoom-out", NULL, zoom_action_cb);
  gtk_widget_class_install_action (widget_class, "reader.zoom-reset", NULL, zoom_action_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_CONTROL_MASK, "reader.view-source", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "reader.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "reader.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "reader.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "reader.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "reader.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "reader.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "reader.zoom-reset", NULL);
}

static void
tern_ui_message_view_init (TernUiMessageView *self)
{
  GtkEventController *scroll;
  GtkEventController *keys;

  _tern_ui_reader_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cards = g_ptr_array_new ();
  self->mark_timers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             remove_source);
  self->settings = g_settings_new (APP_ID);
  g_signal_connect (self->settings, "changed::reader-zoom", G_CALLBACK (zoom_changed_cb), self);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                            GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
