/* tern-engine.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gmime/gmime.h>

#include "tern-engine.h"

/**
 * tern_engine_init:
 *
 * Initialises the libraries the engine relies on. Call once, from main(),
 * before any other engine function; calling it again does nothing.
 */
void
tern_engine_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      g_once_init_leave (&initialized, 1);
    }
}

const char *
tern_engine_get_version (void)
{
  return PACKAGE_VERSION;
}
