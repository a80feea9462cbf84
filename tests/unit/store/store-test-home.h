/* store-test-home.h: a throw-away XDG home for the store tests
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests with several cases use one private temporary home for the process (set
 * up before g_test_init(), removed at the end) and a store path of their own per
 * test case, instead of G_TEST_OPTION_ISOLATE_DIRS: GLib 2.74's per-case
 * g_set_user_dirs() leaks the previous directories, which fails the
 * AddressSanitizer run.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

static char *store_test_home;

static void
store_test_home_setup (void)
{
  static const char * const vars[] = {
    "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR",
  };
  g_autoptr(GError) error = NULL;

  store_test_home = g_dir_make_tmp ("tern-store-test-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (store_test_home, vars[i], NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (vars[i], dir, TRUE);
    }
  g_setenv ("HOME", store_test_home, TRUE);
  g_unsetenv ("TERN_STORE");
}

static void
store_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        store_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static int
store_test_home_cleanup (int status)
{
  store_test_remove_tree (store_test_home);
  g_clear_pointer (&store_test_home, g_free);
  return status;
}

/* A folder of the current test case's own, under the temporary home. */
G_GNUC_UNUSED static char *
store_test_case_dir (void)
{
  g_autofree char *name = g_strdelimit (g_strdup (g_test_get_path ()), "/", '_');
  char *dir = g_build_filename (store_test_home, "cases", name, NULL);

  g_mkdir_with_parents (dir, 0700);
  return dir;
}

/* The current test case's own store file. */
G_GNUC_UNUSED static char *
store_test_case_store (void)
{
  g_autofree char *dir = store_test_case_dir ();
  return g_build_filename (dir, "tern", "store.db", NULL);
}
