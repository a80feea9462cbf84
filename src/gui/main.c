/* main.c: the tern executable
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "tern-engine.h"
#include "tern-ui-application.h"

int
main (int argc, char **argv)
{
  g_autoptr(TernUiApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  tern_engine_init ();

  app = tern_ui_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
