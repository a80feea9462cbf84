/* ui-screenshot.c: the ui tests' screenshots
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-screenshot.h"

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
