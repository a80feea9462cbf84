/* tern-ui-html-loader.c: the HTML body's library (WebKit), opened on first use
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tern links neither WebKitGTK nor libtern-html (tern-ui-html-body.c and
 * tern-ui-web-shared.c): linked, WebKit made the dynamic loader map and resolve about
 * a hundred more libraries at every start, before the window could open. The reader
 * opens the library here when it first needs an HTML body, or once the window is up
 * (the message view's prepare), and holds the bodies as plain GtkWidgets.
 *
 * The library is the installed one (HTML_MODULE_PATH, from meson), unless
 * $TERN_HTML_MODULE names another: the build's, for the tests and `tern-dev run`.
 * When it cannot be loaded, the reader shows HTML as text and says so once.
 */
#include "config.h"

#include <gmodule.h>
#include <glib/gi18n.h>

#include "tern-ui-html-body.h"
#include "tern-ui-html-loader.h"
#include "tern-ui-reader-private.h"

G_DEFINE_QUARK (tern-ui-html-loader-error-quark, tern_ui_html_loader_error)

/* The entry points, typed after the library's own declarations. */
static struct
{
  gboolean                                       tried;
  GError                                        *error;
  GModule                                       *module;
  __typeof__ (tern_ui_html_body_prepare)            *prepare;
  __typeof__ (tern_ui_html_body_new)                *new_body;
  __typeof__ (tern_ui_html_body_set_remote_allowed) *set_remote_allowed;
  __typeof__ (tern_ui_html_body_set_zoom)           *set_zoom;
} loader;

/**
 * tern_ui_html_loader_get_path:
 *
 * Returns: the file of the library loaded (or to load): $TERN_HTML_MODULE, or the
 *   installed one
 */
const char *
tern_ui_html_loader_get_path (void)
{
  const char *path = g_getenv (TERN_UI_HTML_LOADER_ENV);

  return path != NULL && *path != '\0' ? path : HTML_MODULE_PATH;
}

static gboolean
lookup (const char *name, gpointer *symbol, GError **error)
{
  if (g_module_symbol (loader.module, name, symbol) && *symbol != NULL)
    return TRUE;
  g_set_error (error, TERN_UI_HTML_LOADER_ERROR, TERN_UI_HTML_LOADER_ERROR_SYMBOL,
               _("%s has no %s"), g_module_name (loader.module), name);
  return FALSE;
}

static gboolean
open_module (GError **error)
{
  const int *abi_version = NULL;

  loader.module = g_module_open (tern_ui_html_loader_get_path (), G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (loader.module == NULL)
    {
      g_set_error (error, TERN_UI_HTML_LOADER_ERROR, TERN_UI_HTML_LOADER_ERROR_OPEN, "%s", g_module_error ());
      return FALSE;
    }
  /* Never unloaded: its types stay registered, and WebKit's threads keep running. */
  g_module_make_resident (loader.module);

  if (!lookup ("tern_ui_html_body_abi_version", (gpointer *) &abi_version, error))
    return FALSE;
  if (*abi_version != TERN_UI_HTML_BODY_ABI_VERSION)
    {
      g_set_error (error, TERN_UI_HTML_LOADER_ERROR, TERN_UI_HTML_LOADER_ERROR_SYMBOL,
                   _("%s is of version %d, not %d"), g_module_name (loader.module), *abi_version,
                   TERN_UI_HTML_BODY_ABI_VERSION);
      return FALSE;
    }
  return lookup ("tern_ui_html_body_prepare", (gpointer *) &loader.prepare, error) &&
         lookup ("tern_ui_html_body_new", (gpointer *) &loader.new_body, error) &&
         lookup ("tern_ui_html_body_set_remote_allowed", (gpointer *) &loader.set_remote_allowed, error) &&
         lookup ("tern_ui_html_body_set_zoom", (gpointer *) &loader.set_zoom, error);
}

static gboolean
ensure_loaded (void)
{
  if (!loader.tried)
    {
      loader.tried = TRUE;
      if (!open_module (&loader.error))
        {
          loader.prepare = NULL;
          loader.new_body = NULL;
          loader.set_remote_allowed = NULL;
          loader.set_zoom = NULL;
          g_warning ("HTML messages are shown as text: could not load the HTML viewer: %s",
                     loader.error->message);
        }
    }
  return loader.error == NULL;
}

/**
 * tern_ui_html_loader_load:
 *
 * Opens the library, the first time (with one warning if it fails).
 *
 * Returns: whether HTML bodies can be shown; %FALSE with a
 *   %TERN_UI_HTML_LOADER_ERROR if not
 */
gboolean
tern_ui_html_loader_load (GError **error)
{
  if (ensure_loaded ())
    return TRUE;
  if (error != NULL)
    *error = g_error_copy (loader.error);
  return FALSE;
}

/**
 * tern_ui_html_loader_get_failed:
 *
 * Returns: whether the library was tried and could not be loaded (it is not
 *   tried here): the reader asks for the plain text alternatives then
 */
gboolean
tern_ui_html_loader_get_failed (void)
{
  return loader.tried && loader.error != NULL;
}

/* The dynamic loader's part of opening the library (mapping and relocating WebKit's
 * hundred libraries, running their constructors), on a worker thread: on the main
 * thread it stalled the window for 0.3 s and more while a sync kept the machine
 * busy. The handle is kept loaded; ensure_loaded() then opens the same library
 * again at once. WebKit's own start (its first objects) stays on the main thread. */
static void
preload_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GModule *module = g_module_open (tern_ui_html_loader_get_path (), G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);

  if (module != NULL)
    g_module_make_resident (module);
  g_task_return_boolean (task, TRUE);
}

static void
preloaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  if (ensure_loaded ())
    loader.prepare ();
}

/**
 * tern_ui_html_loader_prepare:
 *
 * Loads the library (on a worker thread) and then starts the shared web process,
 * so that the first HTML message waits for neither (tern_ui_html_body_prepare()).
 * Returns at once; the main loop must run for it to complete.
 */
void
tern_ui_html_loader_prepare (void)
{
  static gboolean started;
  g_autoptr(GTask) task = NULL;

  if (loader.tried)
    {
      if (loader.error == NULL)
        loader.prepare ();
      return;
    }
  if (started)
    return;
  started = TRUE;
  task = g_task_new (NULL, NULL, preloaded_cb, NULL);
  g_task_set_source_tag (task, tern_ui_html_loader_prepare);
  g_task_run_in_thread (task, preload_thread);
}

static GBytes *
serve_cid (const char  *content_id,
           char       **content_type,
           gpointer     user_data)
{
  TernMimePart *part = tern_mime_message_lookup_content_id (TERN_MIME_MESSAGE (user_data), content_id);

  if (part == NULL)
    return NULL;
  *content_type = g_strdup (tern_mime_part_get_content_type (part));
  return g_bytes_ref (tern_mime_part_get_bytes (part));
}

static void
link_clicked_cb (GtkWidget  *body,
                 const char *uri,
                 const char *label,
                 gpointer    user_data)
{
  _tern_ui_reader_activate_link (body, uri, label);
}

static void
link_hovered_cb (GtkWidget  *body,
                 const char *uri,
                 gpointer    user_data)
{
  _tern_ui_reader_hover_link (body, uri);
}

/**
 * tern_ui_html_loader_new_body:
 * @message: the message, for its cid: parts
 * @html: the prepared HTML (tern_mime_html_prepare())
 * @remote_ok: whether remote content may load
 *
 * Makes a TernUiHtmlBody (loading the library first if need be), whose links go
 * to the message view that will hold it.
 *
 * Returns: (transfer floating) (nullable): the body, or %NULL when the library
 *   cannot be loaded: show the message as text then
 */
GtkWidget *
tern_ui_html_loader_new_body (TernMimeMessage *message,
                              const char      *html,
                              gboolean         remote_ok)
{
  GtkWidget *body;

  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (message), NULL);
  g_return_val_if_fail (html != NULL, NULL);

  if (!ensure_loaded ())
    return NULL;
  body = loader.new_body (html, remote_ok, serve_cid, g_object_ref (message), g_object_unref);
  g_signal_connect (body, "link-clicked", G_CALLBACK (link_clicked_cb), NULL);
  g_signal_connect (body, "link-hovered", G_CALLBACK (link_hovered_cb), NULL);
  return body;
}

/**
 * tern_ui_html_loader_set_remote_allowed:
 * @body: a body of tern_ui_html_loader_new_body()
 *
 * tern_ui_html_body_set_remote_allowed()
 */
void
tern_ui_html_loader_set_remote_allowed (GtkWidget *body,
                                        gboolean   remote_ok)
{
  g_return_if_fail (GTK_IS_WIDGET (body));
  g_return_if_fail (loader.set_remote_allowed != NULL);

  loader.set_remote_allowed ((TernUiHtmlBody *) body, remote_ok);
}

/**
 * tern_ui_html_loader_set_zoom:
 * @body: a body of tern_ui_html_loader_new_body()
 *
 * tern_ui_html_body_set_zoom()
 */
void
tern_ui_html_loader_set_zoom (GtkWidget *body,
                              double     zoom)
{
  g_return_if_fail (GTK_IS_WIDGET (body));
  g_return_if_fail (loader.set_zoom != NULL);

  loader.set_zoom ((TernUiHtmlBody *) body, zoom);
}
