#!/usr/bin/env python3
"""Connection attacks for `make bench` (loopback only).

attack.py hold BASE_URL SHAPE COUNT
    Holds COUNT connections of SHAPE (silent: send nothing; slow: one byte of
    a request head every 2 s; idle: one keep-alive request, then sit) against
    BASE_URL's port, replacing any the server closes, then times 20 GETs of
    /-/healthy. Prints: held=N healthy_p50_ms=.. healthy_max_ms=.. unanswered=N
    (unanswered: no answer within 5 s).

Every loop is bounded in count and time.
"""
import http.client
import resource
import select
import socket
import sys
import threading
import time
from urllib.parse import urlparse


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def get(host, port, path, timeout):
    start = time.perf_counter()
    try:
        c = http.client.HTTPConnection(host, port, timeout=timeout)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        c.close()
        return r.status, time.perf_counter() - start
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - start


def hold(base, shape, count):
    raise_nofile()
    u = urlparse(base)
    host, port = u.hostname, u.port
    head = b"GET / HTTP/1.1\r\nHost: x\r\nX-a: " + b"b" * 4000
    conns = {}  # socket -> bytes of `head` sent

    def connect():
        s = socket.create_connection((host, port), timeout=5)
        s.setblocking(False)
        if shape == "idle":
            s.send(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
        conns[s] = 0

    for _ in range(count):
        connect()
    stop = threading.Event()

    def keep():
        next_byte = time.monotonic()
        replaced = 0
        deadline = time.monotonic() + 600
        while not stop.is_set() and time.monotonic() < deadline:
            for s in poll_ready(conns):
                try:
                    data = s.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    continue  # the keep-alive answer
                del conns[s]
                s.close()
                if replaced < 100000:
                    replaced += 1
                    connect()
            if shape == "slow" and time.monotonic() >= next_byte:
                for s, sent in list(conns.items()):
                    try:
                        s.send(head[sent % len(head):sent % len(head) + 1])
                        conns[s] = sent + 1
                    except OSError:
                        pass
                next_byte = time.monotonic() + 2

    t = threading.Thread(target=keep)
    t.start()
    time.sleep(2)
    samples = []
    unanswered = 0
    for _ in range(20):
        status, elapsed = get(host, port, "/-/healthy", 5)
        if status != 200:
            unanswered += 1
        else:
            samples.append(elapsed * 1000)
        time.sleep(0.1)
    held = len(conns)
    stop.set()
    t.join()
    for s in conns:
        s.close()
    samples.sort()
    p50 = samples[len(samples) // 2] if samples else float("nan")
    mx = samples[-1] if samples else float("nan")
    print(f"held={held} healthy_p50_ms={p50:.2f} healthy_max_ms={mx:.2f} unanswered={unanswered}")


def poll_ready(conns):
    p = select.poll()
    by_fd = {}
    for s in conns:
        p.register(s, select.POLLIN)
        by_fd[s.fileno()] = s
    return [by_fd[fd] for fd, _ in p.poll(100)]


if __name__ == "__main__":
    if sys.argv[1] == "hold":
        hold(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
