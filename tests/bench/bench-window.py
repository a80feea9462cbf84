#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of the main window, beside Claws Mail, Balsa and Geary, in one run.

Usage (as root: the peers' mail server, dropping the page cache):
  tests/bench/bench-window.py BUILD_DIR [--run DIR] [--port-base N] [--runs R]
                              [--skip-peers] [--skip-100k] [--skip-sync] [--geary-timeout S]

With ../shared/tools/peers (a private Dovecot, the generated corpus, the peers'
driver), in one run, on the same data:
  1. alice: the 10,000-message account of the peers' README (gen-corpus --seed 42,
     INBOX ~4,000); bob: a 100,000-message INBOX and carol: a 50,000-message INBOX,
     both copies of alice's messages (new Message-IDs);
  2. Tern: the account added with tern-cli, its store filled by `tern-cli sync`
     (the engine's own sync; timed); then `tern` launched under tests/lib/tern-session
     (Xvfb, private D-Bus, keyring), t = 0 just before exec, to its first painted
     message list (TERN_BENCH_MARKS=1 prints when), cold (page cache dropped) and
     warm (R runs, median), with its RSS (peak, and 3 s after the list);
  3. bob: launch warm, then tests/bench/bench-window (in process) scrolls the
     100,000 rows from top to bottom: the main loop's longest waits, RSS;
  4. carol: bench-window --sync: the window open on All Inboxes during the initial
     sync of 50,000 messages: the main loop's longest waits;
  5. the peers: ../shared/tools/peers/gui/run-all.sh (Claws Mail, Balsa, Geary; cold
     = fresh profile, warm = again) on alice's mailbox.
Prints a table with Tern's ratio to each peer. State and logs stay in --run.
"""

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
PEERS = os.path.join(os.path.dirname(SOURCE), "shared", "tools", "peers")
SESSION = os.path.join(SOURCE, "tests", "lib", "tern-session")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(cmd, env=None, check=True, **kw):
    log("$ " + " ".join(cmd))
    return subprocess.run(cmd, env=env, check=check, **kw)


def server(action, env):
    run([os.path.join(PEERS, "mailserver", action)], env=env, check=(action == "start"),
        stdout=subprocess.DEVNULL)


def replicate(src, dst, copies, owner):
    """dst/cur: every message of src (all folders), `copies` times, with new Message-IDs."""
    if os.path.isdir(os.path.join(dst, "cur")) and len(os.listdir(os.path.join(dst, "cur"))) > 0:
        return
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(dst, sub), exist_ok=True)
    files = sorted(glob.glob(os.path.join(src, "cur", "*")) + glob.glob(os.path.join(src, ".*", "cur", "*")))
    rx = re.compile(rb"^(Message-ID|In-Reply-To|References):(.*)$", re.I | re.M)
    n = 0
    for k in range(copies):
        for f in files:
            with open(f, "rb") as fh:
                data = fh.read()
            head, sep, body = data.partition(b"\n\n")
            head = rx.sub(lambda m: m.group(1) + b":" + m.group(2).replace(b"<", b"<c%d." % k), head)
            data = head + sep + body
            # The S= of a Maildir name is the file's size: Dovecot checks it (a longer
            # Message-ID makes the copy 3+ bytes larger than its original).
            base = re.sub(r",S=\d+", ",S=%d" % len(data), os.path.basename(f).split(":")[0])
            name = os.path.join(dst, "cur", "%d.%s" % (k, base) + ":2,S")
            with open(name, "wb") as out:
                out.write(data)
            st = os.stat(f)
            os.utime(name, (st.st_atime, st.st_mtime - k * 86400 * 7))
            n += 1
    run(["chown", "-R", owner, os.path.dirname(dst)])
    log("replicated %d messages into %s" % (n, dst))


def tern_env(args, name):
    base = os.path.join(args.run, "tern-" + name)
    env = dict(os.environ)
    env.update(XDG_DATA_HOME=os.path.join(base, "data"), XDG_CONFIG_HOME=os.path.join(base, "config"),
               XDG_CACHE_HOME=os.path.join(base, "cache"), GSETTINGS_BACKEND="keyfile",
               GSETTINGS_SCHEMA_DIR=os.path.join(args.build, "data"), GSK_RENDERER="cairo",
               GDK_DEBUG="gl-disable", GTK_A11Y="none", NO_AT_BRIDGE="1",
               TERN_HTML_MODULE=os.path.join(args.build, "src", "gui", "libtern-html.so"))
    for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.makedirs(env[k], exist_ok=True)
    return env


def add_account(args, env, user, ports):
    cli = os.path.join(args.build, "src", "cli", "tern-cli")
    if os.path.exists(os.path.join(env["XDG_CONFIG_HOME"], "tern", "accounts.ini")):
        return False
    run([cli, "account", "add", "--email", "%s@bench.test" % user, "--protocol", "imap", "--host", "127.0.0.1",
         "--port", ports["IMAPS_PORT"], "--security", "tls", "--user", user,
         "--pin-certificate", os.path.join(args.run, "etc", "cert.pem"),
         "--smtp-host", "127.0.0.1", "--smtp-port", ports["SUBMISSION_PORT"], "--smtp-security", "starttls",
         "--password-command", "echo secret"], env=env, stdout=subprocess.DEVNULL)
    return True


def cli_sync(args, env):
    cli = os.path.join(args.build, "src", "cli", "tern-cli")
    t = time.monotonic()
    run([cli, "sync"], env=env, stdout=subprocess.DEVNULL)
    return time.monotonic() - t


def inbox_id(args, env, user):
    """The store id of the account's INBOX (read-only, from the store file)."""
    import sqlite3
    path = os.path.join(env["XDG_DATA_HOME"], "tern", "store.db")
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    row = db.execute("SELECT f.id, f.total FROM folders f JOIN accounts a ON a.id = f.account_id"
                     " WHERE a.address = ? AND f.path = 'INBOX'", ("%s@bench.test" % user,)).fetchone()
    db.close()
    if row is None:
        sys.exit("no INBOX for %s in %s" % (user, path))
    return int(row[0]), int(row[1])


def set_setting(env, key, value):
    run(["gsettings", "set", "io.github.ternmail.Tern", key, value], env=env)


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


LAUNCH = r'''
import os, subprocess, sys, time, re, json
tern, out = sys.argv[1], sys.argv[2]
env = dict(os.environ, TERN_BENCH_MARKS="1")
t0 = time.monotonic()
p = subprocess.Popen([tern], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
painted = None; peak = 0; settled = 0; marks = {}
import threading
def reader():
    global painted
    for line in p.stderr:
        m = re.match(r"tern-bench: (\S+) (\d+) (\d+)", line)
        if m:
            marks.setdefault(m.group(1), round(int(m.group(2)) / 1e6 - t0, 3))
            marks.setdefault(m.group(1) + "-cpu", int(m.group(3)) / 1e3)
            if m.group(1) == "rows-painted" and painted is None:
                painted = marks["rows-painted"]
        elif "CRITICAL" in line or "WARNING" in line:
            sys.stderr.write("tern: " + line)
threading.Thread(target=reader, daemon=True).start()
def rss():
    try:
        for l in open("/proc/%d/status" % p.pid):
            if l.startswith("VmRSS:"): return int(l.split()[1])
    except OSError: pass
    return 0
deadline = time.monotonic() + 120
while time.monotonic() < deadline and p.poll() is None:
    peak = max(peak, rss())
    if painted is not None and time.monotonic() - t0 > painted + 3:
        settled = rss(); break
    time.sleep(0.05)
p.terminate()
try: p.wait(10)
except subprocess.TimeoutExpired: p.kill()
json.dump({"painted_s": painted, "painted_cpu_s": marks.get("rows-painted-cpu"), "marks": marks, "peak_rss_mib": peak / 1024, "settled_rss_mib": settled / 1024},
          open(out, "w"))
'''


def in_session(env, cmd):
    """tern-session sets its own XDG dirs: Tern's are given again inside it."""
    keep = ["%s=%s" % (k, env[k]) for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")]
    return [SESSION, "--keyring", "env"] + keep + cmd


def launch(args, env, label, cold=False):
    script = os.path.join(args.run, "launch.py")
    with open(script, "w") as f:
        f.write(LAUNCH)
    out = os.path.join(args.run, "launch-%s.json" % label)
    if cold:
        run(["sync"])
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    run(in_session(env, ["/usr/bin/python3", script, os.path.join(args.build, "src", "gui", "tern"), out]), env=env)
    with open(out) as f:
        r = json.load(f)
    log("launch %s: %s" % (label, r))
    return r


def bench_program(args, env, argv):
    prog = os.path.join(args.build, "tests", "bench", "bench-window")
    out = run(in_session(env, [prog] + argv), env=env, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("bench-window:")]
    log(out)
    fields = dict(re.findall(r"(\w+)=(\S+)", line[-1])) if line else {}
    return fields


def peers(args):
    label = "peers"
    env = dict(os.environ, BENCH_RUN=args.run, BENCH_PORT_BASE=str(args.port_base),
               CLIENTS="claws balsa geary", PHASES="cold warm", GEARY_TIMEOUT=str(args.geary_timeout))
    run([os.path.join(PEERS, "gui", "run-all.sh"), label], env=env, check=False)
    results = {}
    for f in glob.glob(os.path.join(args.run, "gui-results", label, "*.json")):
        with open(f) as fh:
            r = json.load(fh)
        results[(r["client"], r["phase"])] = r
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--run", default="/tmp/tern-bench-window")
    ap.add_argument("--port-base", type=int, default=16000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--skip-100k", action="store_true")
    ap.add_argument("--skip-sync", action="store_true")
    ap.add_argument("--geary-timeout", type=int, default=300)
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    args.run = os.path.abspath(args.run)
    os.makedirs(args.run, exist_ok=True)
    senv = dict(os.environ, BENCH_RUN=args.run, BENCH_PORT_BASE=str(args.port_base))
    figures = {"load_before": open("/proc/loadavg").read().split()[:3]}

    # 1. the mailboxes
    server("start", senv)
    try:
        ports = dict(l.strip().split("=", 1) for l in open(os.path.join(args.run, "ports.env")) if "=" in l)
        owner = "%d:%d" % (os.stat(os.path.join(args.run, "mail", "alice")).st_uid,
                           os.stat(os.path.join(args.run, "mail", "alice")).st_gid)
        alice = os.path.join(args.run, "mail", "alice", "Maildir")
        if not os.path.isdir(os.path.join(alice, "cur")):
            run([os.path.join(PEERS, "load-corpus"), "alice", "10000", "42"], env=senv)
        conf = os.path.join(args.run, "etc", "dovecot.conf")
        for user, copies, skip in (("bob", 10, args.skip_100k), ("carol", 5, args.skip_sync)):
            if skip:
                continue
            dst = os.path.join(args.run, "mail", user, "Maildir")
            if not os.path.isdir(os.path.join(dst, "cur")):
                replicate(alice, dst, copies, owner)
                run(["doveadm", "-c", conf, "force-resync", "-u", user, "INBOX"])

        # 2. Tern, 10,000 messages
        env = tern_env(args, "alice")
        if add_account(args, env, "alice", ports):
            figures["alice_cli_sync_s"] = round(cli_sync(args, env), 1)
        fid, total = inbox_id(args, env, "alice")
        figures["alice_inbox"] = total
        set_setting(env, "last-folder", str(fid))
        launch(args, env, "alice-prime")
        figures["alice_cold"] = launch(args, env, "alice-cold", cold=True)
        figures["alice_warm"] = [launch(args, env, "alice-warm-%d" % i) for i in range(args.runs)]

        # 3. 100,000 messages: launch warm, scroll
        if not args.skip_100k:
            env = tern_env(args, "bob")
            if add_account(args, env, "bob", ports):
                figures["bob_cli_sync_s"] = round(cli_sync(args, env), 1)
            fid, total = inbox_id(args, env, "bob")
            figures["bob_inbox"] = total
            set_setting(env, "last-folder", str(fid))
            launch(args, env, "bob-prime")
            figures["bob_warm"] = [launch(args, env, "bob-warm-%d" % i) for i in range(args.runs)]
            figures["bob_scroll"] = bench_program(args, env, [str(fid), "600"])

        # 4. an initial sync of 50,000 in the background
        if not args.skip_sync:
            env = tern_env(args, "carol")
            shutil.rmtree(os.path.join(args.run, "tern-carol"), ignore_errors=True)
            env = tern_env(args, "carol")
            add_account(args, env, "carol", ports)
            figures["carol_sync"] = bench_program(args, env, ["--sync"])
    finally:
        server("stop", senv)

    # 5. the peers
    if not args.skip_peers:
        figures["peers"] = {"%s/%s" % k: {"milestones": v["milestones_s"], "peak": v.get("peak_during_run"),
                                          "settled": v.get("settled")} for k, v in peers(args).items()}
    figures["load_after"] = open("/proc/loadavg").read().split()[:3]
    with open(os.path.join(args.run, "figures.json"), "w") as f:
        json.dump(figures, f, indent=1)
    report(figures)


def report(fig):
    def med(runs, key):
        vals = [r[key] for r in runs if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    print("load average before %s, after %s" % (" ".join(fig["load_before"]), " ".join(fig.get("load_after", []))))
    tern = {"cold": fig["alice_cold"]["painted_s"], "warm": med(fig["alice_warm"], "painted_s")}
    print("Tern, 10,000 messages (INBOX %s): first painted list cold %.2f s, warm %.2f s (median of %d); "
          "RSS peak %.0f MiB, settled %.0f MiB; tern-cli sync %s s"
          % (fig.get("alice_inbox"), tern["cold"], tern["warm"], len(fig["alice_warm"]),
             med(fig["alice_warm"], "peak_rss_mib"), med(fig["alice_warm"], "settled_rss_mib"),
             fig.get("alice_cli_sync_s", "(store kept)")))
    if "bob_warm" in fig:
        print("Tern, 100,000-message INBOX (%s): first painted list warm %.2f s; RSS settled %.0f MiB; tern-cli sync %s s"
              % (fig.get("bob_inbox"), med(fig["bob_warm"], "painted_s"), med(fig["bob_warm"], "settled_rss_mib"),
                 fig.get("bob_cli_sync_s", "(store kept)")))
        s = fig["bob_scroll"]
        print("  scrolling top to bottom: %s" % " ".join("%s=%s" % kv for kv in s.items()))
    if "carol_sync" in fig:
        print("Tern, initial sync of 50,000 in the background: %s" % " ".join("%s=%s" % kv for kv in fig["carol_sync"].items()))
    peers = fig.get("peers", {})
    for client, key in (("claws", "inbox_list"), ("balsa", "inbox_list"), ("geary", "inbox_list_first_page")):
        for phase in ("cold", "warm"):
            r = peers.get("%s/%s" % (client, phase))
            if not r:
                continue
            t = r["milestones"].get(key)
            ratio = ("%.2f" % (tern[phase] / t)) if t else "n/a"
            print("%-6s %-4s first list %s s (%s); Tern/%s = %s; peak RSS %s"
                  % (client, phase, t, key, client, ratio, r.get("peak")))


if __name__ == "__main__":
    main()
