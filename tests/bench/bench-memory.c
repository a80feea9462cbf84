/* bench-memory.c: the memory of a benchmark and of the processes it started
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads /proc: RSS and PSS of this process and of every descendant (the WebKit
 * processes run under bwrap, so they are grandchildren).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-memory.h"

static int
parent_of (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  char *close;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (close = strrchr (stat, ')')) == NULL)
    return 0;
  return atoi (close + 4);
}

static long
status_kb (int pid, const char *file, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/%s", pid, file);
  g_autofree char *text = NULL;
  char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, field)) == NULL)
    return 0;
  return atol (p + strlen (field));
}

/**
 * bench_memory_read:
 * @print: whether to print a line per process and the totals
 */
void
bench_memory_read (BenchMemory *memory, gboolean print)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;

  memset (memory, 0, sizeof *memory);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      int pid, p;
      g_autofree char *comm_path = NULL;
      g_autofree char *comm = NULL;
      long rss, pss;

      if (!g_ascii_isdigit (name[0]))
        continue;
      pid = p = atoi (name);
      while (p > 1 && p != getpid ())
        p = parent_of (p);
      if (p != getpid ())
        continue;
      comm_path = g_strdup_printf ("/proc/%d/comm", pid);
      if (!g_file_get_contents (comm_path, &comm, NULL, NULL))
        continue;
      g_strstrip (comm);
      rss = status_kb (pid, "status", "VmRSS:");
      pss = status_kb (pid, "smaps_rollup", "Pss:");
      if (pid == getpid ())
        memory->self_rss_kib = rss;
      if (g_str_has_prefix (comm, "WebKitWebProces"))
        memory->web_processes++;
      if (print)
        printf ("  %-18s pid %-7d RSS %7.1f MB  PSS %7.1f MB\n", comm, pid, rss / 1024.0, pss / 1024.0);
      memory->rss_kib += rss;
      memory->pss_kib += pss;
    }
  if (print)
    printf ("  %-18s             RSS %7.1f MB  PSS %7.1f MB (RSS counts shared pages in each process)\n",
            "all", memory->rss_kib / 1024.0, memory->pss_kib / 1024.0);
}
