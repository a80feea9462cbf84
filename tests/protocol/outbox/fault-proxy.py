#!/usr/bin/python3
"""fault-proxy.py LISTEN_PORT TARGET_PORT [--cut MAX_BYTES] [--seed N] [--upload-only]

A TCP proxy on 127.0.0.1 for the tests. With --cut, each connection is cut (both
sides closed) after a random number of bytes, 0..MAX_BYTES, counted over both
directions: the client sees a network failure at a random point of the dialogue.
"""
import argparse
import random
import socket
import threading

parser = argparse.ArgumentParser()
parser.add_argument("listen", type=int)
parser.add_argument("target", type=int)
parser.add_argument("--cut", type=int, default=0)
parser.add_argument("--seed", type=int, default=None)
parser.add_argument("--upload-only", action="store_true",
                    help="cut only the client's data (half-close to the server); the "
                         "server's replies still reach the client")
args = parser.parse_args()
rng = random.Random(args.seed)


def serve(client):
    try:
        upstream = socket.create_connection(("127.0.0.1", args.target))
    except OSError:
        client.close()
        return
    budget = [rng.randint(0, args.cut) if args.cut else -1]
    lock = threading.Lock()

    def pump(src, dst):
        upload = src is client
        if args.upload_only and not upload:
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            return
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with lock:
                    if budget[0] >= 0:
                        if len(data) > budget[0]:
                            data = data[: budget[0]]
                            budget[0] = 0
                            if data:
                                dst.sendall(data)
                            if args.upload_only:
                                dst.shutdown(socket.SHUT_WR)
                                return
                            raise OSError("cut")
                        budget[0] -= len(data)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", args.listen))
listener.listen(16)
while True:
    conn, _ = listener.accept()
    serve(conn)
