/* tern-ui-bench.h: milestones for the benchmarks (tests/bench/bench-window.py)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/resource.h>

G_BEGIN_DECLS

/* With TERN_BENCH_MARKS=1, prints "tern-bench: NAME MICROSECONDS CPU_MS" on stderr:
 * the time in the monotonic clock a driver reads (CLOCK_MONOTONIC), and the CPU time
 * the process (all its threads) used so far, which a loaded machine changes less. */
static inline void
tern_ui_bench_mark (const char *name)
{
  static int enabled = -1;
  struct rusage usage;

  if (enabled < 0)
    enabled = g_strcmp0 (g_getenv ("TERN_BENCH_MARKS"), "1") == 0;
  if (!enabled || getrusage (RUSAGE_SELF, &usage) != 0)
    return;
  g_printerr ("tern-bench: %s %" G_GINT64_FORMAT " %.0f\n", name, g_get_monotonic_time (),
              (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
              (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3);
}

G_END_DECLS
