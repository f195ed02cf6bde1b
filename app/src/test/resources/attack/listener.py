"""Listeners for the attack suite: each records who reached it and answers.

usage: listener.py LOG SPEC...   SPEC = tcp:ADDR:PORT | udp:ADDR:PORT | abstract:NAME | unix:PATH
Port 0 picks a free port. Prints one line "READY spec=port ..." once every socket listens,
then appends "HIT <spec> <first line received>" to LOG for each connection or datagram.
Runs until killed.
"""
import socket
import sys
import threading

log_path = sys.argv[1]
lock = threading.Lock()


def record(spec, data):
    text = data.decode("utf-8", "replace").splitlines()[0] if data else ""
    with lock, open(log_path, "a") as f:
        f.write("HIT %s %s\n" % (spec, text.strip()))


def serve_stream(spec, sock):
    while True:
        conn, _ = sock.accept()
        conn.settimeout(3)
        try:
            try:
                data = conn.recv(256)
            except OSError:
                data = b""
            record(spec, data)
            conn.sendall(b"HELLO-FROM-LISTENER\n")
        except OSError:
            pass
        finally:
            conn.close()


def serve_dgram(spec, sock):
    while True:
        data, peer = sock.recvfrom(2048)
        record(spec, data)
        try:
            sock.sendto(b"HELLO-FROM-LISTENER\n", peer)
        except OSError:
            pass


ready = []
for spec in sys.argv[2:]:
    kind, _, rest = spec.partition(":")
    if kind in ("abstract", "unix"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(("\0" + rest) if kind == "abstract" else rest)
        s.listen(16)
        threading.Thread(target=serve_stream, args=(spec, s), daemon=True).start()
        ready.append(spec)
        continue
    addr, _, port = rest.rpartition(":")
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    label = "%s:%s:%d" % (kind, addr, s.getsockname()[1])
    if kind == "tcp":
        s.listen(16)
        threading.Thread(target=serve_stream, args=(label, s), daemon=True).start()
    else:
        threading.Thread(target=serve_dgram, args=(label, s), daemon=True).start()
    ready.append("%s=%d" % (spec, s.getsockname()[1]))

print("READY " + " ".join(ready), flush=True)
threading.Event().wait()
