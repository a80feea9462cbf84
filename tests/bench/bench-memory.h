/* bench-memory.h: the memory of a benchmark and of the processes it started
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

typedef struct
{
  long self_rss_kib;    /* this process */
  long rss_kib;         /* this process and its descendants, shared pages counted in each */
  long pss_kib;         /* the same, shared pages divided among their users */
  guint web_processes;  /* WebKitWebProcess among them */
} BenchMemory;

void bench_memory_read (BenchMemory *memory,
                        gboolean     print);
