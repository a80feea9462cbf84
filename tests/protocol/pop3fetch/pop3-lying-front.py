#!/usr/bin/python3
"""pop3-lying-front.py CERT KEY TARGET_PORT PORT_FILE SIZE

A TLS front for Dovecot's plain POP3 port, on 127.0.0.1, that lies in its LIST
replies: every message's size is given as SIZE bytes, whatever it is, as a hostile or
broken server could. Everything else passes unchanged. It writes the port it listens
on to PORT_FILE.
"""
import re
import socket
import ssl
import sys
import threading

cert, key, target, port_file, fake_size = sys.argv[1:6]

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
with open(port_file, "w") as f:
    f.write("%d\n" % listener.getsockname()[1])

SCAN_LINE = re.compile(rb"^(\d+) \d+\r\n$")


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(raw):
    try:
        client = context.wrap_socket(raw, server_side=True)
        upstream = socket.create_connection(("127.0.0.1", int(target)))
    except (OSError, ssl.SSLError):
        raw.close()
        return
    listing = threading.Event()   # the client sent LIST: its reply comes next

    def from_client():
        reader = client.makefile("rb")
        try:
            for line in reader:
                if line.strip().upper() == b"LIST":
                    listing.set()
                upstream.sendall(line)
        except OSError:
            pass
        close(client, upstream)

    def from_server():
        reader = upstream.makefile("rb")
        in_list = False
        try:
            for line in reader:
                if listing.is_set() and not in_list and line.startswith(b"+OK"):
                    listing.clear()
                    in_list = True
                elif in_list:
                    if line == b".\r\n":
                        in_list = False
                    else:
                        line = SCAN_LINE.sub(rb"\1 " + fake_size.encode() + b"\r\n", line)
                client.sendall(line)
        except OSError:
            pass
        close(client, upstream)

    threading.Thread(target=from_client, daemon=True).start()
    threading.Thread(target=from_server, daemon=True).start()


while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
