#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""composer-proxy.py PIDFILE LISTEN:TARGET[:RATE]...

A TCP proxy on 127.0.0.1 per LISTEN:TARGET pair, for the composer's tests: the
server "goes offline" on SIGUSR1 (every connection is cut, and nothing listens, so new
ones are refused as by a host that is down, until SIGUSR2 brings it back). Writes its
pid to PIDFILE once it listens. RATE, when given, limits what the client sends to
RATE bytes a second (an upload slow enough to be cut midway).
"""
import os
import signal
import socket
import sys
import threading
import time

pairs = [tuple(int(p) for p in a.split(":")) for a in sys.argv[2:]]
lock = threading.Lock()
online = threading.Event()
online.set()
live = set()


def pump(src, dst, rate=0):
    try:
        while True:
            data = src.recv(min(65536, rate // 10) if rate else 65536)
            if not data:
                break
            dst.sendall(data)
            if rate:
                time.sleep(len(data) / rate)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


servers = {}


def listen_on(port):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    return server


def serve(listen, target, rate=0):
    while True:
        online.wait()
        with lock:
            server = servers.get(listen)
            if server is None:
                server = servers[listen] = listen_on(listen)
        try:
            client, _ = server.accept()
        except OSError:
            continue            # closed: the server went down
        try:
            upstream = socket.create_connection(("127.0.0.1", target))
        except OSError:
            client.close()
            continue
        with lock:
            live.update((client, upstream))
        threading.Thread(target=pump, args=(client, upstream, rate), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


def down(*_):
    """Offline: connections are cut, and new ones refused (nothing listens)."""
    online.clear()
    with lock:
        for server in servers.values():
            try:
                server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            server.close()
        servers.clear()
        for s in list(live):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        live.clear()


def up(*_):
    online.set()


signal.signal(signal.SIGUSR1, down)
signal.signal(signal.SIGUSR2, up)
for pair in pairs:
    servers[pair[0]] = listen_on(pair[0])
    threading.Thread(target=serve, args=pair, daemon=True).start()
with open(sys.argv[1], "w") as f:
    f.write(str(os.getpid()))
while True:
    signal.pause()
