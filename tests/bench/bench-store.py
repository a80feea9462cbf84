#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of the local mail store against notmuch, on the same Maildir, in one run.

Usage: bench-store.py BUILD_DIR [--n N] [--workdir DIR] [--runs R] [--skip-notmuch]

  1. makes a Maildir++ of N generated messages (../shared/tools/gen-corpus.py -n N
     --seed 1), plus the shared corpus's messages in a .Corpus folder when it is
     there (reused if WORKDIR/maildir-N exists);
  2. `notmuch new` on it (private NOTMUCH_CONFIG, database in WORKDIR), timed
     with /usr/bin/time -v;
  3. `tern-cli import MAILDIR --folder Bench --flatten` into a fresh
     XDG_DATA_HOME, timed the same way (wall time, peak RSS);
  4. sizes: the store vs the Maildir;
  5. bench-store (in process): opening the store, the first screen (50 rows) of
     the 100,000-message folder through the lazy list model, the first 50 results
     and the count of each query;
  6. the same queries as processes: `tern-cli search --limit 50` vs
     `notmuch search --limit=50`, and `notmuch count`; medians of R runs.
Prints a table with the ratios. Needs notmuch and GNU time (apt-get install
notmuch time). The page cache is warm for both (the Maildir was just read or
written); nothing is dropped between the runs.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(SOURCE), "shared")

# (label, tern query, notmuch query)
QUERIES = [
    ("body word (common)", "kubernetes", "kubernetes"),
    ("body word (rare)", "quokka", "quokka"),
    ("phrase", '"quarterly report"', '"quarterly report"'),
    ("from:", "from:carol", "from:carol"),
    ("subject:", "subject:invoice", "subject:invoice"),
    ("date range", "after:2024-01-01 before:2024-02-01", "date:2024-01-01..2024-01-31"),
    ("is:unread", "is:unread", "tag:unread"),
]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def timed(cmd, env):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS KiB, stdout)."""
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit("%s failed (%d):\n%s" % (" ".join(cmd), proc.returncode, proc.stderr[-3000:]))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return wall, rss, proc.stdout


def median_ms(cmd, env, runs):
    samples = []
    out = None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True)
        samples.append((time.perf_counter() - start) * 1000)
        if proc.returncode != 0:
            sys.exit("%s failed: %s" % (cmd, proc.stderr.decode(errors="replace")))
        out = proc.stdout
    return statistics.median(samples), out


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def make_maildir(path, n):
    if os.path.isdir(path):
        log("reusing %s" % path)
    else:
        gen = os.path.join(SHARED, "tools", "gen-corpus.py")
        if not os.path.exists(gen):
            sys.exit("no %s: the generator lives in ../shared/tools" % gen)
        log("generating %d messages into %s ..." % (n, path))
        subprocess.run(["/usr/bin/python3", gen, "-n", str(n), "--seed", "1", "--maildir", path], check=True)
    corpus = os.path.join(SHARED, "corpus", "messages")
    if os.path.isdir(corpus) and not os.path.isdir(os.path.join(path, ".Corpus")):
        dest = os.path.join(path, ".Corpus")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(dest, sub), exist_ok=True)
        k = 0
        for root, _, files in os.walk(corpus):
            for name in sorted(files):
                if name.endswith((".tnef", ".list")) or name == "PROVENANCE.md":
                    continue
                k += 1
                shutil.copyfile(os.path.join(root, name),
                                os.path.join(dest, "cur", "corpus%05d.bench:2,S" % k))
        log("added %d corpus messages" % k)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--workdir", default="/tmp/tern-bench")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--skip-notmuch", action="store_true")
    a = ap.parse_args()

    cli = os.path.join(a.build, "src", "cli", "tern-cli")
    bench = os.environ.get("BENCH_STORE", os.path.join(a.build, "tests", "bench", "bench-store"))
    for prog in (cli, bench):
        if not os.access(prog, os.X_OK):
            sys.exit("missing %s (ninja -C %s src/cli/tern-cli tests/bench/bench-store)" % (prog, a.build))

    os.makedirs(a.workdir, exist_ok=True)
    maildir = os.path.join(a.workdir, "maildir-%d" % a.n)
    make_maildir(maildir, a.n)
    n_files = sum(len(f) for r, _, f in os.walk(maildir) if os.path.basename(r) in ("cur", "new"))
    maildir_size = dir_bytes(maildir)
    log("%d messages, %.1f MiB" % (n_files, maildir_size / 2**20))

    env = dict(os.environ)
    results = {}

    # notmuch
    nm_env = dict(env)
    if not a.skip_notmuch:
        nm_db = os.path.join(a.workdir, "notmuch-db")
        shutil.rmtree(nm_db, ignore_errors=True)
        os.makedirs(nm_db)
        config = os.path.join(a.workdir, "notmuch-config")
        with open(config, "w") as f:
            f.write("[database]\npath=%s\nmail_root=%s\n[new]\ntags=unread;inbox;\nignore=\n"
                    "[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=true\n"
                    "[user]\nname=Bench\nprimary_email=alice@bench.test\n" % (nm_db, maildir))
        nm_env["NOTMUCH_CONFIG"] = config
        log("notmuch new ...")
        results["nm_new"] = timed(["notmuch", "new", "--quiet"], nm_env)[:2]
        log("  %.1f s, %d KiB" % results["nm_new"])

    # tern
    tern_home = os.path.join(a.workdir, "tern-home")
    shutil.rmtree(tern_home, ignore_errors=True)
    tern_env = dict(env)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        tern_env[var] = os.path.join(tern_home, var.lower())
    tern_env.pop("TERN_STORE", None)
    log("tern-cli import ...")
    wall, rss, out = timed([cli, "import", maildir, "--folder", "Bench", "--flatten", "--quiet"], tern_env)
    results["tern_import"] = (wall, rss)
    log("  %.1f s, %d KiB: %s" % (wall, rss, out.strip()))
    store = os.path.join(tern_env["XDG_DATA_HOME"], "tern", "store.db")
    store_size = sum(os.path.getsize(store + s) for s in ("", "-wal", "-shm") if os.path.exists(store + s))

    # in process
    log("bench-store ...")
    proc = subprocess.run([bench, store, "Bench", str(a.runs)] + [q[1] for q in QUERIES],
                          env=tern_env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("bench-store failed: " + proc.stderr)
    inproc = {}
    for line in proc.stdout.splitlines():
        name, med, lo, hi, detail = line.split("\t")
        inproc[name] = (float(med), float(lo), float(hi), detail)

    # as processes
    log("searches as processes ...")
    proc_times = {}
    for label, tq, nq in QUERIES:
        t_ms, _ = median_ms([cli, "search", "--limit", "50", "--json", tq], tern_env, a.runs)
        entry = {"tern": t_ms}
        if not a.skip_notmuch:
            entry["nm_search"], _ = median_ms(["notmuch", "search", "--limit=50", nq], nm_env, a.runs)
            entry["nm_count"], cnt = median_ms(["notmuch", "count", nq], nm_env, a.runs)
            entry["nm_matches"] = cnt.decode().strip()
        proc_times[label] = entry

    # report
    print()
    print("Maildir: %d messages, %.1f MiB (%s)" % (n_files, maildir_size / 2**20, maildir))
    print()
    print("%-44s %12s %12s %8s  %s" % ("import (search index included)", "tern", "notmuch", "ratio", "target"))
    if "nm_new" in results:
        print("%-44s %10.1f s %10.1f s %8.3f  <= 0.25" % ("  wall time", results["tern_import"][0],
              results["nm_new"][0], results["tern_import"][0] / results["nm_new"][0]))
        print("%-44s %9.0f MB %9.0f MB %8s  < 200 MB (tern)" % ("  peak RSS", results["tern_import"][1] / 1024,
              results["nm_new"][1] / 1024, ""))
    else:
        print("%-44s %10.1f s" % ("  wall time", results["tern_import"][0]))
        print("%-44s %9.0f MB" % ("  peak RSS", results["tern_import"][1] / 1024))
    print("%-44s %10.1f/s" % ("  messages per second", n_files / results["tern_import"][0]))
    print("%-44s %9.0f MB %9.0f MB %8.3f  <= 1.5" % ("  store size vs Maildir", store_size / 1e6,
          maildir_size / 1e6, store_size / maildir_size))
    print()
    print("in process (median of %d, ms)                    median      min      max" % a.runs)
    for name in ("open", "first-screen"):
        med, lo, hi, detail = inproc[name]
        print("  %-44s %8.2f %8.2f %8.2f  %s" % (name, med, lo, hi, detail))
    print("  (first-screen target: < 50 ms)")
    for label, tq, _ in QUERIES:
        med, lo, hi, detail = inproc["search:" + tq]
        cmed, _, _, cdetail = inproc["count:" + tq]
        print("  %-44s %8.2f %8.2f %8.2f  %s; count %.2f ms (%s)" % ("first 50: " + tq, med, lo, hi, detail,
              cmed, cdetail))
    print("  (target: first 50 results < 50 ms median)")
    print()
    print("as processes (median of %d, ms, process start included)" % a.runs)
    print("  %-22s %-36s %10s %10s %8s %10s  %s" % ("query", "tern", "tern-cli", "notmuch", "ratio",
                                                     "nm count", "nm matches"))
    for label, tq, nq in QUERIES:
        e = proc_times[label]
        if "nm_search" in e:
            print("  %-22s %-36s %10.1f %10.1f %8.3f %10.1f  %s" % (label, tq, e["tern"], e["nm_search"],
                  e["tern"] / e["nm_search"], e["nm_count"], e["nm_matches"]))
        else:
            print("  %-22s %-36s %10.1f" % (label, tq, e["tern"]))
    print("  (target: never slower than notmuch search: ratio <= 1)")


if __name__ == "__main__":
    main()
