#!/usr/bin/python3
"""tls-resume-proxy.py CERT KEY TARGET_PORT PORT_FILE LOG_FILE

A TLS front for a plain port of the test Dovecot, on 127.0.0.1: TLS 1.3 with session
tickets (OpenSSL sends two after each handshake), so a client that keeps a session
cache resumes its sessions here, which Dovecot itself (one login process per
connection) never lets it do. It writes the port it listens on to PORT_FILE and, for
every connection, a line "resumed", "full" or "failed" (the handshake) to LOG_FILE.
"""
import socket
import ssl
import sys
import threading

cert, key, target, port_file, log_file = sys.argv[1:6]

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.minimum_version = ssl.TLSVersion.TLSv1_3
context.load_cert_chain(cert, key)
context.num_tickets = 2

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
with open(port_file, "w") as f:
    f.write("%d\n" % listener.getsockname()[1])
log_lock = threading.Lock()


def pump(src, dst):
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


def log(line):
    with log_lock, open(log_file, "a") as f:
        f.write(line + "\n")


def serve(raw):
    try:
        tls = context.wrap_socket(raw, server_side=True)
    except (OSError, ssl.SSLError):
        log("failed")
        raw.close()
        return
    log("resumed" if tls.session_reused else "full")
    try:
        upstream = socket.create_connection(("127.0.0.1", int(target)))
    except OSError:
        tls.close()
        return
    threading.Thread(target=pump, args=(tls, upstream), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, tls), daemon=True).start()


while True:
    client, _ = listener.accept()
    threading.Thread(target=serve, args=(client,), daemon=True).start()
