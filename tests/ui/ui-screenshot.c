/* ui-screenshot.c: the ui tests' screenshots, and WebKit warmed up for them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <webkit/webkit.h>

#include "ui-screenshot.h"

static gboolean
done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * ui_webkit_warm_up:
 *
 * WebKit says once, with a g_warning(), that it renders without GL: the ui tests
 * switch GL off (GDK_DEBUG=gl-disable), and the window's reader starts WebKit soon
 * after it is shown. That is no failure: let it say so with warnings not fatal,
 * once, before the tests; every later warning is fatal. Call it after
 * gtk_test_init() and g_set_prgname() (WebKit's sandbox makes folders from the
 * program's name, and fails on the full path g_test_init() gives it).
 */
void
ui_webkit_warm_up (void)
{
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  GtkWidget *w = gtk_window_new ();
  GtkWidget *web = webkit_web_view_new ();

  gtk_window_set_child (GTK_WINDOW (w), web);
  gtk_window_present (GTK_WINDOW (w));
  webkit_web_view_load_html (WEBKIT_WEB_VIEW (web), "<p>warm</p>", "about:blank");
  settle (500);
  gtk_window_destroy (GTK_WINDOW (w));
  settle (50);
  g_log_set_always_fatal (fatal);
}

/**
 * ui_screenshot_save:
 * @widget: a mapped widget (a window's content, say)
 * @name: the file name, saved in $TERN_SCREENSHOT_DIR (next to the test log)
 *
 * Paints @widget offscreen with the cairo renderer (no GL under Xvfb) and saves it
 * as PNG.
 *
 * Returns: (transfer full) (nullable): the file's path, or %NULL when @widget has
 *   drawn nothing yet
 */
char *
ui_screenshot_save (GtkWidget  *widget,
                    const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return NULL;
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  gsk_render_node_unref (node);

  path = g_build_filename (g_getenv ("TERN_SCREENSHOT_DIR") ? g_getenv ("TERN_SCREENSHOT_DIR") : ".", name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return g_steal_pointer (&path);
}

/* ---- waiting on the main loop ---------------------------------------------------------- */

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms. */
void
ui_settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs the main loop until @cond (@data) holds or @timeout_ms pass; returns @cond. */
gboolean
ui_wait_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return cond (data);
}
