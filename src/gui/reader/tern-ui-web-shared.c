/* tern-ui-web-shared.c: what every message web view shares: one web process, one
 * ephemeral network session, the settings, the content filter, the cid: scheme
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first web process costs about 180 MB; every further view shares it through
 * `related-view` (gui.md section 4: 5 views, 201 MB shared against 315 MB
 * separate). The views relate to an anchor view that this module keeps for the
 * life of the process, so that the process survives while no message is shown and
 * the next message needs no new process.
 */
#include "config.h"

#include <string.h>

#include "tern-ui-web-shared.h"

/* Block every load, then let the schemes of a message's own content through. One
 * rule per scheme: content-blocker regexes have no disjunctions. */
static const char filter_rules[] =
  "[{\"trigger\":{\"url-filter\":\".*\"},\"action\":{\"type\":\"block\"}},"
  " {\"trigger\":{\"url-filter\":\"^cid:\"},\"action\":{\"type\":\"ignore-previous-rules\"}},"
  " {\"trigger\":{\"url-filter\":\"^data:\"},\"action\":{\"type\":\"ignore-previous-rules\"}},"
  " {\"trigger\":{\"url-filter\":\"^about:\"},\"action\":{\"type\":\"ignore-previous-rules\"}}]";

#define FILTER_ID "tern-block-remote-1"

#define REMOTE_KEY   "tern-remote-ok"
#define FILTERED_KEY "tern-filtered"

/* Reports the document's height to Tern, in Tern's own world: page scripts stay
 * off. The view's height follows it, so nothing scrolls inside the view. Once the
 * view has grown, the frame drawn at its new size is reported too ("frame"): the
 * body is painted then. */
static const char height_script[] =
  "(function () {\n"
  "  function post () {\n"
  "    var s = document.scrollingElement || document.documentElement;\n"
  "    if (!s) return;\n"
  "    var h = s.scrollHeight > s.clientHeight ? s.scrollHeight : document.documentElement.offsetHeight;\n"
  "    h += Math.max (0, window.innerHeight - s.clientHeight);\n"
  "    window.webkit.messageHandlers.height.postMessage (h);\n"
  "  }\n"
  "  var observer = new ResizeObserver (post);\n"
  "  observer.observe (document.documentElement);\n"
  "  if (document.body) observer.observe (document.body);\n"
  "  document.addEventListener ('load', post, true);\n"
  "  window.addEventListener ('load', post);\n"
  "  window.addEventListener ('resize', function () {\n"
  "    requestAnimationFrame (function () {\n"
  "      window.webkit.messageHandlers.frame.postMessage (window.innerHeight);\n"
  "    });\n"
  "  });\n"
  "  post ();\n"
  "}) ();\n";

typedef struct
{
  TernUiWebSharedReadyFunc func;
  gpointer                 user_data;
  GWeakRef                 object;
} Waiter;

/* WebKit's start, one step per main loop iteration when prepared ahead (on this
 * machine, alone: the context 40-100 ms, the web process's spawn 65-75 ms, the
 * others under 20 ms each; at once, 0.15-0.2 s and twice that beside a sync). */
typedef enum
{
  STEP_CONTEXT,
  STEP_SESSION,
  STEP_SETTINGS,
  STEP_ANCHOR,
  STEP_LOAD,
  STEP_FILTER,
  STEP_DONE
} Step;

static struct
{
  gboolean                  initialized;
  Step                      step;
  guint                     step_source;
  TernUiWebSharedCidFunc    cid_func;
  WebKitWebContext         *context;
  WebKitNetworkSession     *session;
  WebKitSettings           *settings;
  WebKitWebView            *anchor;
  WebKitUserContentFilter  *filter;
  gboolean                  filter_done;
  GSList                   *waiters;
} shared;

static void
cid_scheme_cb (WebKitURISchemeRequest *request,
               gpointer                user_data)
{
  shared.cid_func (request, webkit_uri_scheme_request_get_web_view (request));
}

static void
filter_done (WebKitUserContentFilter *filter)
{
  GSList *waiters = g_slist_reverse (g_steal_pointer (&shared.waiters));

  shared.filter = filter;
  shared.filter_done = TRUE;
  for (GSList *l = waiters; l != NULL; l = l->next)
    {
      Waiter *w = l->data;
      g_autoptr(GObject) object = g_weak_ref_get (&w->object);

      if (object != NULL)
        w->func (w->user_data);
      g_weak_ref_clear (&w->object);
      g_free (w);
    }
  g_slist_free (waiters);
}

static void
filter_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  WebKitUserContentFilter *filter;

  filter = webkit_user_content_filter_store_save_finish (WEBKIT_USER_CONTENT_FILTER_STORE (source), result, &error);
  if (filter == NULL)
    /* The CSP and the navigation policy still block remote content alone. */
    g_warning ("Could not compile the remote content filter: %s", error->message);
  filter_done (filter);
  g_object_unref (source);
}

static void
filter_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  WebKitUserContentFilterStore *store = WEBKIT_USER_CONTENT_FILTER_STORE (source);
  WebKitUserContentFilter *filter;

  filter = webkit_user_content_filter_store_load_finish (store, result, NULL);
  if (filter != NULL)
    {
      filter_done (filter);
      g_object_unref (source);
      return;
    }
  {
    g_autoptr(GBytes) rules = g_bytes_new_static (filter_rules, sizeof filter_rules - 1);

    webkit_user_content_filter_store_save (store, FILTER_ID, rules, NULL, filter_saved_cb, NULL);
  }
}

static void
step_context (void)
{
  shared.context = webkit_web_context_new ();
  webkit_web_context_set_cache_model (shared.context, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
  /* Never mark cid as local: the about:blank page could then not load it at all. */
  webkit_web_context_register_uri_scheme (shared.context, "cid", cid_scheme_cb, NULL, NULL);
}

static void
step_settings (void)
{
  shared.settings = webkit_settings_new ();
  /* Page scripts never run (<script>, on* attributes, javascript: URLs); the
   * engine stays on for Tern's own script in its isolated world (height). */
  webkit_settings_set_enable_javascript (shared.settings, TRUE);
  webkit_settings_set_enable_javascript_markup (shared.settings, FALSE);
  webkit_settings_set_javascript_can_open_windows_automatically (shared.settings, FALSE);
  webkit_settings_set_javascript_can_access_clipboard (shared.settings, FALSE);
  webkit_settings_set_enable_html5_local_storage (shared.settings, FALSE);
  webkit_settings_set_enable_html5_database (shared.settings, FALSE);
  webkit_settings_set_enable_page_cache (shared.settings, FALSE);
  webkit_settings_set_enable_webgl (shared.settings, FALSE);
  webkit_settings_set_enable_webaudio (shared.settings, FALSE);
  webkit_settings_set_enable_media (shared.settings, FALSE);
  webkit_settings_set_enable_mediasource (shared.settings, FALSE);
  webkit_settings_set_enable_encrypted_media (shared.settings, FALSE);
  webkit_settings_set_enable_webrtc (shared.settings, FALSE);
  webkit_settings_set_enable_fullscreen (shared.settings, FALSE);
  webkit_settings_set_enable_developer_extras (shared.settings, FALSE);
  webkit_settings_set_enable_back_forward_navigation_gestures (shared.settings, FALSE);
  webkit_settings_set_auto_load_images (shared.settings, TRUE);  /* cid:; remote is blocked */
  webkit_settings_set_allow_file_access_from_file_urls (shared.settings, FALSE);
  webkit_settings_set_allow_universal_access_from_file_urls (shared.settings, FALSE);
  webkit_settings_set_allow_modal_dialogs (shared.settings, FALSE);
  webkit_settings_set_media_playback_requires_user_gesture (shared.settings, TRUE);
  webkit_settings_set_default_charset (shared.settings, "UTF-8");
  /* GL switched off for GTK (GDK_DEBUG=gl-disable, as under Xvfb): WebKit would
   * only try it, fail and warn. */
  if (g_getenv ("GDK_DEBUG") != NULL && strstr (g_getenv ("GDK_DEBUG"), "gl-disable") != NULL)
    webkit_settings_set_hardware_acceleration_policy (shared.settings, WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);
}

static void
step_filter (void)
{
  g_autofree char *filter_dir = g_build_filename (g_get_user_cache_dir (), "tern", "webkit-filters", NULL);
  WebKitUserContentFilterStore *store = webkit_user_content_filter_store_new (filter_dir);

  webkit_user_content_filter_store_load (store, FILTER_ID, NULL, filter_loaded_cb, NULL);
}

/* Takes the next step of WebKit's start; returns whether it is done. */
static gboolean
take_step (void)
{
  switch (shared.step)
    {
    case STEP_CONTEXT:
      step_context ();
      break;
    case STEP_SESSION:
      /* No cookies, cache or credentials on disk, ever. */
      shared.session = webkit_network_session_new_ephemeral ();
      break;
    case STEP_SETTINGS:
      step_settings ();
      break;
    case STEP_ANCHOR:
      /* The anchor: an empty page whose web process every message view shares. */
      shared.anchor = g_object_ref_sink (g_object_new (WEBKIT_TYPE_WEB_VIEW,
                                                       "web-context", shared.context,
                                                       "network-session", shared.session,
                                                       "settings", shared.settings,
                                                       "default-content-security-policy", TERN_UI_CSP_BLOCKED,
                                                       NULL));
      break;
    case STEP_LOAD:
      webkit_web_view_load_html (shared.anchor, "", "about:blank");   /* starts the web process */
      break;
    case STEP_FILTER:
      step_filter ();
      break;
    case STEP_DONE:
      return TRUE;
    }
  shared.step++;
  shared.initialized = shared.step == STEP_DONE;
  return shared.initialized;
}

static gboolean
step_cb (gpointer user_data)
{
  if (!take_step ())
    return G_SOURCE_CONTINUE;
  shared.step_source = 0;
  return G_SOURCE_REMOVE;
}

/**
 * tern_ui_web_shared_init:
 * @cid_func: serves `cid:` requests, for any view
 *
 * Sets up the shared web context once (later calls do nothing), at once, and
 * starts compiling the content filter.
 */
void
tern_ui_web_shared_init (TernUiWebSharedCidFunc cid_func)
{
  shared.cid_func = cid_func;
  while (!take_step ())
    ;
  g_clear_handle_id (&shared.step_source, g_source_remove);
}

/**
 * tern_ui_web_shared_prepare:
 * @cid_func: serves `cid:` requests, for any view
 *
 * As tern_ui_web_shared_init(), a step at a time from the main loop, at low
 * priority: WebKit's start then never holds the window for its whole length.
 * tern_ui_web_shared_init() meanwhile takes the remaining steps at once.
 */
void
tern_ui_web_shared_prepare (TernUiWebSharedCidFunc cid_func)
{
  shared.cid_func = cid_func;
  if (shared.initialized || shared.step_source != 0)
    return;
  shared.step_source = g_idle_add_full (G_PRIORITY_LOW, step_cb, NULL, NULL);
}

static WebKitWebView *
new_view (gboolean remote_ok)
{
  g_autoptr(WebKitUserContentManager) ucm = webkit_user_content_manager_new ();
  g_autoptr(WebKitUserScript) script = NULL;
  WebKitWebView *view;

  webkit_user_content_manager_register_script_message_handler (ucm, "height", "tern");
  webkit_user_content_manager_register_script_message_handler (ucm, "frame", "tern");
  script = webkit_user_script_new_for_world (height_script, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                             WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_END, "tern", NULL, NULL);
  webkit_user_content_manager_add_script (ucm, script);

  view = g_object_ref_sink (g_object_new (WEBKIT_TYPE_WEB_VIEW,
                                          "related-view", shared.anchor,
                                          "settings", shared.settings,
                                          "user-content-manager", ucm,
                                          "default-content-security-policy",
                                          remote_ok ? TERN_UI_CSP_REMOTE : TERN_UI_CSP_BLOCKED,
                                          NULL));
  g_object_set_data (G_OBJECT (view), REMOTE_KEY, GINT_TO_POINTER (remote_ok));
  if (!remote_ok && shared.filter != NULL)
    tern_ui_web_shared_add_filter (view);
  return view;
}

/**
 * tern_ui_web_shared_new_view:
 * @remote_ok: whether the message may load remote content
 *
 * Makes a message web view in the shared web process, with its own content
 * manager holding the `height` and `frame` script message handlers of the world
 * "tern" (see the script above). With @remote_ok %FALSE it has the blocking
 * content security policy, and the content filter once that is ready
 * (tern_ui_web_shared_is_filtered(), tern_ui_web_shared_when_ready()).
 *
 * (Keeping views for the next message instead, to save the web process a new
 * page, measured no faster: tests/bench/bench-reader.c.)
 *
 * Returns: (transfer full): the view, not floating
 */
WebKitWebView *
tern_ui_web_shared_new_view (gboolean remote_ok)
{
  g_return_val_if_fail (shared.initialized, NULL);

  return new_view (remote_ok);
}

/**
 * tern_ui_web_shared_is_filtered:
 *
 * Returns: whether the content filter blocks @view's remote loads
 */
gboolean
tern_ui_web_shared_is_filtered (WebKitWebView *view)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (view), FILTERED_KEY));
}

/**
 * tern_ui_web_shared_add_filter:
 *
 * Adds the content filter to @view, once it is compiled.
 */
void
tern_ui_web_shared_add_filter (WebKitWebView *view)
{
  if (shared.filter == NULL || tern_ui_web_shared_is_filtered (view))
    return;
  webkit_user_content_manager_add_filter (webkit_web_view_get_user_content_manager (view), shared.filter);
  g_object_set_data (G_OBJECT (view), FILTERED_KEY, GINT_TO_POINTER (TRUE));
}

/**
 * tern_ui_web_shared_when_ready:
 * @func: called once the content filter is ready (at once when it is)
 * @object: @func is not called once @object is finalized
 */
void
tern_ui_web_shared_when_ready (TernUiWebSharedReadyFunc  func,
                               gpointer                  user_data,
                               GObject                  *object)
{
  Waiter *w;

  if (shared.filter_done)
    {
      func (user_data);
      return;
    }
  w = g_new0 (Waiter, 1);
  w->func = func;
  w->user_data = user_data;
  g_weak_ref_init (&w->object, object);
  shared.waiters = g_slist_prepend (shared.waiters, w);
}
