/* tern-ui-html-body.c: an HTML message body in a WebKit view, safely
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As gui.md section 4 says:
 * - no page JavaScript (tern-ui-web-shared.c);
 * - remote content blocked by three layers, each enough alone: the default
 *   content security policy (construct-only, so allowing remote content makes a
 *   new view), a content filter that blocks every URL but cid:, data: and about:,
 *   and a navigation policy that lets only the initial about:blank load through;
 *   tracking images were removed from the HTML before (tern-mime-html.c), so they
 *   stay out when remote content is allowed;
 * - a clicked link goes to ::link-clicked (the reader passes it to the message
 *   view's ::activate-link), never to the web view; the link under the pointer is
 *   shown with its real target (::link-hovered);
 * - cid: URLs are served by the shared URI scheme from the caller's function (the
 *   reader's looks them up in the message);
 * - the view is as tall as its content (a script in an isolated world reports the
 *   height), so the conversation scrolls as one page.
 *
 * Built into libtern-html with tern-ui-web-shared.c, the only code that uses WebKit;
 * it knows nothing of the engine or of the rest of the reader.
 */
#include "config.h"

#include <math.h>
#include <webkit/webkit.h>

#include "tern-ui-html-body.h"
#include "tern-ui-web-shared.h"

#define BODY_KEY "tern-ui-html-body"

/* Tallest a web body grows, in pixels; a longer message scrolls inside its view. */
#define MAX_BODY_PX 12000

const int tern_ui_html_body_abi_version = TERN_UI_HTML_BODY_ABI_VERSION;

struct _TernUiHtmlBody
{
  GtkWidget                 parent_instance;

  WebKitWebView            *view;
  WebKitUserContentManager *ucm;
  TernUiHtmlBodyCidFunc     cid_func;
  gpointer                  cid_data;
  GDestroyNotify            cid_data_free;
  char                     *html;
  gboolean                  remote_ok;
  gboolean                  filter_ready;
  gboolean                  loaded;
  gboolean                  painted;
  gboolean                  crashed_once;
  gboolean                  committed;
  int                       content_height;   /* CSS pixels */
  int                       applied_height;   /* the view's, in pixels */
  double                    zoom;
  gulong                    after_paint_id;
  guint                     paint_tick;
  GdkFrameClock            *frame_clock;
  GPtrArray                *cid_requests;
  char                     *hover_label;
};

G_DEFINE_FINAL_TYPE (TernUiHtmlBody, tern_ui_html_body, GTK_TYPE_WIDGET)

enum {
  PAINTED,
  LINK_CLICKED,
  LINK_HOVERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void create_view (TernUiHtmlBody *self);

/* ---- cid: ------------------------------------------------------------------------ */

static void
serve_cid (WebKitURISchemeRequest *request,
           WebKitWebView          *view)
{
  TernUiHtmlBody *self = view != NULL ? g_object_get_data (G_OBJECT (view), BODY_KEY) : NULL;
  const char *path = webkit_uri_scheme_request_get_path (request);
  g_autofree char *content_id = path != NULL ? g_uri_unescape_string (path, NULL) : NULL;
  g_autofree char *content_type = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (self != NULL && content_id != NULL)
    {
      g_ptr_array_add (self->cid_requests, g_strdup (content_id));
      bytes = self->cid_func (content_id, &content_type, self->cid_data);
    }
  if (bytes != NULL)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);

      webkit_uri_scheme_request_finish (request, stream, (gint64) g_bytes_get_size (bytes), content_type);
    }
  else
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                             "No part with Content-ID %s", content_id ? content_id : "");
      webkit_uri_scheme_request_finish_error (request, error);
    }
}

/* ---- height and painting ------------------------------------------------------------ */

static void
apply_height (TernUiHtmlBody *self)
{
  int h;

  if (self->view == NULL)
    return;
  h = (int) ceil (self->content_height * self->zoom);
  self->applied_height = CLAMP (h, 1, MAX_BODY_PX);
  gtk_widget_set_size_request (GTK_WIDGET (self->view), -1, self->applied_height);
}

static void
after_paint_cb (GdkFrameClock  *clock,
                TernUiHtmlBody *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  g_clear_object (&self->frame_clock);
  if (self->painted)
    return;
  self->painted = TRUE;
  g_signal_emit (self, signals[PAINTED], 0);
}

static gboolean
paint_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  TernUiHtmlBody *self = TERN_UI_HTML_BODY (widget);

  self->paint_tick = 0;
  if (self->after_paint_id == 0 && !self->painted)
    {
      self->frame_clock = g_object_ref (clock);
      self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
    }
  return G_SOURCE_REMOVE;
}

static void
wait_for_paint (TernUiHtmlBody *self)
{
  if (self->painted || self->after_paint_id != 0 || self->paint_tick != 0)
    return;
  /* The next frame shows the body: painted once it is. */
  self->paint_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), paint_tick_cb, NULL, NULL);
}

static void
height_cb (WebKitUserContentManager *ucm,
           JSCValue                 *value,
           TernUiHtmlBody           *self)
{
  int before = self->applied_height;

  /* Only the message's own document (not the empty one before it). */
  if (!jsc_value_is_number (value) || !self->committed)
    return;
  self->content_height = (int) ceil (CLAMP (jsc_value_to_double (value), 0, 1e6));
  apply_height (self);
  /* A page no taller than the view gets no resize, hence no frame report. */
  if (self->applied_height <= before)
    wait_for_paint (self);
}

/* The web process drew a frame at the view's size (after it grew): once that
 * size is the page's, the body is painted. */
static void
frame_cb (WebKitUserContentManager *ucm,
          JSCValue                 *value,
          TernUiHtmlBody           *self)
{
  if (!jsc_value_is_number (value) || !self->committed || self->content_height <= 1)
    return;
  if ((int) ceil (jsc_value_to_double (value) * self->zoom) >= self->applied_height - 1)
    wait_for_paint (self);
}

/* ---- policies --------------------------------------------------------------------- */

static gboolean
decide_policy_cb (WebKitWebView            *view,
                  WebKitPolicyDecision     *decision,
                  WebKitPolicyDecisionType  type,
                  TernUiHtmlBody           *self)
{
  WebKitNavigationAction *action;
  const char *uri;

  if (type == WEBKIT_POLICY_DECISION_TYPE_RESPONSE)
    return FALSE;

  action = webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));

  if (webkit_navigation_action_get_navigation_type (action) == WEBKIT_NAVIGATION_TYPE_LINK_CLICKED)
    {
      g_autofree char *target = g_strdup (uri);
      g_autofree char *label = g_strdup (self->hover_label);

      webkit_policy_decision_ignore (decision);
      if (target != NULL && *target != '\0' && !g_str_has_prefix (target, "about:"))
        g_signal_emit (self, signals[LINK_CLICKED], 0, target, label);
      return TRUE;
    }

  /* Only the message itself: load_html() with the base URI about:blank. Meta
   * refreshes, frames and form submissions go nowhere. */
  if (type == WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION && uri != NULL && g_str_has_prefix (uri, "about:"))
    webkit_policy_decision_use (decision);
  else
    webkit_policy_decision_ignore (decision);
  return TRUE;
}

static void
mouse_target_changed_cb (WebKitWebView       *view,
                         WebKitHitTestResult *hit,
                         guint                modifiers,
                         TernUiHtmlBody      *self)
{
  const char *uri = webkit_hit_test_result_context_is_link (hit) ? webkit_hit_test_result_get_link_uri (hit) : NULL;

  g_free (self->hover_label);
  self->hover_label = uri != NULL ? g_strdup (webkit_hit_test_result_get_link_label (hit)) : NULL;
  g_signal_emit (self, signals[LINK_HOVERED], 0, uri);
}

static gboolean
context_menu_cb (WebKitWebView       *view,
                 WebKitContextMenu   *menu,
                 WebKitHitTestResult *hit,
                 TernUiHtmlBody      *self)
{
  GList *items = g_list_copy (webkit_context_menu_get_items (menu));

  /* Copying only: no navigation, downloads, reloads or inspector. */
  for (GList *l = items; l != NULL; l = l->next)
    {
      WebKitContextMenuItem *item = l->data;

      switch (webkit_context_menu_item_get_stock_action (item))
        {
        case WEBKIT_CONTEXT_MENU_ACTION_COPY:
        case WEBKIT_CONTEXT_MENU_ACTION_COPY_LINK_TO_CLIPBOARD:
        case WEBKIT_CONTEXT_MENU_ACTION_COPY_IMAGE_TO_CLIPBOARD:
        case WEBKIT_CONTEXT_MENU_ACTION_SELECT_ALL:
          break;
        default:
          webkit_context_menu_remove (menu, item);
          break;
        }
    }
  g_list_free (items);
  return webkit_context_menu_get_n_items (menu) == 0;
}

static void
web_process_terminated_cb (WebKitWebView                     *view,
                           WebKitWebProcessTerminationReason  reason,
                           TernUiHtmlBody                    *self)
{
  g_message ("The web process showing a message ended (reason %d)", reason);
  if (self->crashed_once || reason == WEBKIT_WEB_PROCESS_TERMINATED_BY_API)
    return;
  /* Show the message again, once, in a new view. */
  self->crashed_once = TRUE;
  self->loaded = FALSE;
  create_view (self);
}

/* ---- loading ---------------------------------------------------------------------- */

static void
maybe_load (TernUiHtmlBody *self)
{
  if (self->loaded || self->view == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (!self->remote_ok && !self->filter_ready)
    return;
  self->loaded = TRUE;
  webkit_web_view_load_html (self->view, self->html, "about:blank");
}

static void
filter_ready_cb (gpointer user_data)
{
  TernUiHtmlBody *self = user_data;
  /* Several views may have waited (the user allowed remote content meanwhile). */
  if (self->filter_ready || self->remote_ok || self->view == NULL)
    return;
  self->filter_ready = TRUE;
  tern_ui_web_shared_add_filter (self->view);
  maybe_load (self);
}

static void
load_changed_cb (WebKitWebView   *view,
                 WebKitLoadEvent  event,
                 TernUiHtmlBody  *self)
{
  if (event == WEBKIT_LOAD_COMMITTED && self->loaded)
    self->committed = TRUE;
}

static void
destroy_view (TernUiHtmlBody *self)
{
  if (self->view == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->ucm, self);
  g_signal_handlers_disconnect_by_data (self->view, self);
  g_object_set_data (G_OBJECT (self->view), BODY_KEY, NULL);
  gtk_widget_unparent (GTK_WIDGET (self->view));
  g_object_unref (self->view);
  self->view = NULL;
  self->ucm = NULL;
}

static void
create_view (TernUiHtmlBody *self)
{
  destroy_view (self);

  self->view = tern_ui_web_shared_new_view (self->remote_ok);
  self->ucm = webkit_web_view_get_user_content_manager (self->view);
  g_signal_connect (self->ucm, "script-message-received::height", G_CALLBACK (height_cb), self);
  g_signal_connect (self->ucm, "script-message-received::frame", G_CALLBACK (frame_cb), self);
  g_object_set_data (G_OBJECT (self->view), BODY_KEY, self);
  gtk_widget_set_parent (GTK_WIDGET (self->view), GTK_WIDGET (self));
  gtk_widget_set_hexpand (GTK_WIDGET (self->view), TRUE);
  webkit_web_view_set_zoom_level (self->view, self->zoom);
  self->content_height = 1;
  apply_height (self);

  g_signal_connect (self->view, "decide-policy", G_CALLBACK (decide_policy_cb), self);
  g_signal_connect (self->view, "mouse-target-changed", G_CALLBACK (mouse_target_changed_cb), self);
  g_signal_connect (self->view, "context-menu", G_CALLBACK (context_menu_cb), self);
  g_signal_connect (self->view, "web-process-terminated", G_CALLBACK (web_process_terminated_cb), self);
  g_signal_connect (self->view, "load-changed", G_CALLBACK (load_changed_cb), self);

  self->loaded = FALSE;
  self->committed = FALSE;
  self->filter_ready = self->remote_ok || tern_ui_web_shared_is_filtered (self->view);
  if (self->filter_ready)
    maybe_load (self);
  else
    tern_ui_web_shared_when_ready (filter_ready_cb, self, G_OBJECT (self));
}

/* ---- API ---------------------------------------------------------------------------- */

/**
 * tern_ui_html_body_prepare:
 *
 * Starts the shared web process and compiles the content filter, a step at a time
 * from the main loop, so that the first HTML message does not wait for them (about
 * a second).
 */
void
tern_ui_html_body_prepare (void)
{
  tern_ui_web_shared_prepare (serve_cid);
}

/**
 * tern_ui_html_body_new:
 * @html: the prepared HTML (tern_mime_html_prepare())
 * @remote_ok: whether remote content may load
 * @cid_func: serves the message's `cid:` parts
 * @cid_data: (transfer full): for @cid_func
 * @cid_data_free: frees @cid_data with the body
 *
 * Returns: (transfer floating): the body; it loads once mapped
 */
GtkWidget *
tern_ui_html_body_new (const char            *html,
                       gboolean               remote_ok,
                       TernUiHtmlBodyCidFunc  cid_func,
                       gpointer               cid_data,
                       GDestroyNotify         cid_data_free)
{
  TernUiHtmlBody *self;

  g_return_val_if_fail (html != NULL, NULL);
  g_return_val_if_fail (cid_func != NULL, NULL);

  self = g_object_new (TERN_UI_TYPE_HTML_BODY, NULL);
  self->cid_func = cid_func;
  self->cid_data = cid_data;
  self->cid_data_free = cid_data_free;
  self->html = g_strdup (html);
  self->remote_ok = remote_ok;
  create_view (self);
  return GTK_WIDGET (self);
}

/**
 * tern_ui_html_body_set_remote_allowed:
 *
 * Shows the message again in a view that loads remote content (or blocks it).
 * Tracking images stay out either way.
 */
void
tern_ui_html_body_set_remote_allowed (TernUiHtmlBody *self, gboolean remote_ok)
{
  g_return_if_fail (TERN_UI_IS_HTML_BODY (self));

  if (self->remote_ok == !!remote_ok)
    return;
  self->remote_ok = !!remote_ok;
  create_view (self);
}

gboolean
tern_ui_html_body_get_remote_allowed (TernUiHtmlBody *self)
{
  g_return_val_if_fail (TERN_UI_IS_HTML_BODY (self), FALSE);
  return self->remote_ok;
}

void
tern_ui_html_body_set_zoom (TernUiHtmlBody *self, double zoom)
{
  g_return_if_fail (TERN_UI_IS_HTML_BODY (self));

  self->zoom = CLAMP (zoom, 0.5, 2.0);
  if (self->view != NULL)
    webkit_web_view_set_zoom_level (self->view, self->zoom);
  apply_height (self);
}

/**
 * tern_ui_html_body_get_painted:
 *
 * Returns: whether the body reported its height and a frame was painted since
 */
gboolean
tern_ui_html_body_get_painted (TernUiHtmlBody *self)
{
  g_return_val_if_fail (TERN_UI_IS_HTML_BODY (self), FALSE);
  return self->painted;
}

/**
 * tern_ui_html_body_get_content_height:
 *
 * Returns: the document's height in CSS pixels, as last reported
 */
int
tern_ui_html_body_get_content_height (TernUiHtmlBody *self)
{
  g_return_val_if_fail (TERN_UI_IS_HTML_BODY (self), 0);
  return self->content_height;
}

/**
 * tern_ui_html_body_dup_cid_requests:
 *
 * Returns: (transfer full): the Content-IDs the page asked for, in order
 */
GStrv
tern_ui_html_body_dup_cid_requests (TernUiHtmlBody *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv result;

  for (guint i = 0; i < self->cid_requests->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->cid_requests, i));
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

/**
 * tern_ui_html_body_get_web_view:
 *
 * Returns: (transfer none): the current WebKitWebView
 */
GtkWidget *
tern_ui_html_body_get_web_view (TernUiHtmlBody *self)
{
  g_return_val_if_fail (TERN_UI_IS_HTML_BODY (self), NULL);
  return GTK_WIDGET (self->view);
}

static void
tern_ui_html_body_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tern_ui_html_body_parent_class)->map (widget);
  maybe_load (TERN_UI_HTML_BODY (widget));
}

static void
tern_ui_html_body_dispose (GObject *object)
{
  TernUiHtmlBody *self = TERN_UI_HTML_BODY (object);

  if (self->paint_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->paint_tick);
  self->paint_tick = 0;
  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
  g_clear_object (&self->frame_clock);
  destroy_view (self);
  G_OBJECT_CLASS (tern_ui_html_body_parent_class)->dispose (object);
}

static void
tern_ui_html_body_finalize (GObject *object)
{
  TernUiHtmlBody *self = TERN_UI_HTML_BODY (object);

  if (self->cid_data_free != NULL)
    g_clear_pointer (&self->cid_data, self->cid_data_free);
  g_free (self->html);
  g_free (self->hover_label);
  g_ptr_array_unref (self->cid_requests);
  G_OBJECT_CLASS (tern_ui_html_body_parent_class)->finalize (object);
}

static void
tern_ui_html_body_class_init (TernUiHtmlBodyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_html_body_dispose;
  object_class->finalize = tern_ui_html_body_finalize;
  widget_class->map = tern_ui_html_body_map;

  /**
   * TernUiHtmlBody::painted:
   *
   * Emitted once, when the web process has drawn the page at its full height
   * and the GTK frame after that was painted.
   */
  signals[PAINTED] = g_signal_new ("painted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * TernUiHtmlBody::link-clicked:
   * @uri: the link's target
   * @label: (nullable): the link's text
   *
   * A link of the message was clicked; the web view did not follow it.
   */
  signals[LINK_CLICKED] = g_signal_new ("link-clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * TernUiHtmlBody::link-hovered:
   * @uri: (nullable): the target of the link under the pointer, or %NULL
   */
  signals[LINK_HOVERED] = g_signal_new ("link-hovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "htmlbody");

  tern_ui_web_shared_init (serve_cid);
}

static void
tern_ui_html_body_init (TernUiHtmlBody *self)
{
  self->zoom = 1.0;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  self->cid_requests = g_ptr_array_new_with_free_func (g_free);
}
