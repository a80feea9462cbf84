/* ui-screenshot.c: the ui tests' screenshots, and WebKit warmed up for them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <webkit/webkit.h>

#include "ui-screenshot.h"

/* ---- the hang watchdog ------------------------------------------------------------------ */

static gpointer
watchdog_thread (gpointer data)
{
  guint limit = GPOINTER_TO_UINT (data);
  g_autofree char *gdb = g_find_program_in_path ("gdb");
  g_autofree char *command = g_strdup_printf ("'%s' -p %d -batch -nx -ex 'thread apply all bt' </dev/null 1>&2",
                                              gdb != NULL ? gdb : "gdb", (int) getpid ());

  g_usleep ((gulong) limit * G_USEC_PER_SEC);
  /* The main thread is stuck: reading its test path now is no race worth minding. */
  fprintf (stderr, "\nui test watchdog: %s still running after %u s (in %s)\n",
           g_get_prgname (), limit, g_test_get_path () != NULL ? g_test_get_path () : "?");
  if (gdb != NULL)
    {
      fprintf (stderr, "ui test watchdog: every thread's backtrace follows\n");
      prctl (PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
      if (system (command) != 0)
        fprintf (stderr, "ui test watchdog: gdb could not say\n");
    }
  fflush (stderr);
  abort ();
  return NULL;
}

/**
 * ui_watchdog_start:
 *
 * A ui test that hangs would sit until meson's timeout kills it, and say nothing of
 * where. After $TERN_TEST_WATCHDOG seconds (default 600: meson gives a ui test 900)
 * this aborts the test instead, naming the test that was running and printing every
 * thread's backtrace (with gdb, when it is installed). Also makes standard output
 * line-buffered, so that the TAP lines before a hang reach the log.
 */
void
ui_watchdog_start (void)
{
  static gboolean started;
  const char *env = g_getenv ("TERN_TEST_WATCHDOG");
  guint limit = env != NULL ? (guint) atoi (env) : 600;

  setvbuf (stdout, NULL, _IOLBF, 0);
  if (started || limit == 0)
    return;
  started = TRUE;
  g_thread_unref (g_thread_new ("ui-watchdog", watchdog_thread, GUINT_TO_POINTER (limit)));
}

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
 * Starts the hang watchdog too (ui_watchdog_start()).
 */
void
ui_webkit_warm_up (void)
{
  GLogLevelFlags fatal;
  GtkWidget *w, *web;

  ui_watchdog_start ();
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  w = gtk_window_new ();
  web = webkit_web_view_new ();

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
