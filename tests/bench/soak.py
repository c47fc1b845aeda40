#!/usr/bin/env python3
"""`make soak`: does the exporter's memory stay flat under a steady mixed load?

All on 127.0.0.1. A loopback HTTP server plays 40 configured targets
(healthy, 503, slow, refused). The real exporter is started on them, and for
SOAK_MINUTES (default 30) it gets, at the same time:
  - a /metrics scrape every 0.2-3 s (random),
  - 15-20 /probe requests a second (of the same four kinds),
  - the status page (/) every 2 s.
RSS (VmRSS) is sampled every 10 s. Printed at the end: RSS at the end of the
warm-up (SOAK_WARMUP_MINUTES, default 5, capped at half the run), at the end,
the growth between them and the largest RSS after warm-up, plus the request
counts. The incident record is a fresh file in a temporary folder, removed
afterwards. Exit status 1 when the growth after warm-up exceeds SOAK_MAX_GROWTH_MIB
(default 2), so a scheduled job can alert on it; it is a measurement, not part
of `make test`.

Environment: OUTAGE_EXPORTER_BINARY (default $BUILD_DIR/outage_exporter,
BUILD_DIR default build), SOAK_MINUTES, SOAK_WARMUP_MINUTES,
SOAK_MAX_GROWTH_MIB, SOAK_SAMPLES_FILE (optional: every sample as CSV),
SOAK_WRAPPER (optional: a command the exporter runs under, such as
"heaptrack -o /tmp/soak" to see where memory goes; RSS is still read from
the exporter itself).
"""
import http.server
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("OUTAGE_EXPORTER_BINARY") or os.path.join(
    ROOT, os.environ.get("BUILD_DIR", "build"), "outage_exporter")
MINUTES = float(os.environ.get("SOAK_MINUTES", "30"))
WARMUP_MINUTES = min(float(os.environ.get("SOAK_WARMUP_MINUTES", "5")), MINUTES / 2)
MAX_GROWTH_MIB = float(os.environ.get("SOAK_MAX_GROWTH_MIB", "2"))
SAMPLE_SECONDS = 10
KINDS = ("ok", "503", "slow", "refused")
PROBE_WORKERS = 9


def log(message):
    print(f"soak: {message}", file=sys.stderr, flush=True)


class TargetHandler(http.server.BaseHTTPRequestHandler):
    """/ok answers 200, /503 answers 503, /slow answers 200 after 1.5 s."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        kind = self.path.strip("/").split("/")[0]
        if kind == "slow":
            time.sleep(1.5)
        status = 503 if kind == "503" else 200
        body = b"ok\n"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TargetServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A probe that gave up (the slow kind past its deadline) closes
        # first: that is expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def find_exporter(wrapper_pid):
    """The pid of the exporter: `wrapper_pid` or its descendant running BINARY."""
    real = os.path.realpath(BINARY)
    pids = [wrapper_pid]
    while pids:
        pid = pids.pop()
        try:
            if os.path.realpath(f"/proc/{pid}/exe") == real:
                return pid
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                pids += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return None


def fetch(url, timeout=10):
    """Returns the HTTP status, or 0 when there was no answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def main():
    if not os.access(BINARY, os.X_OK):
        log(f"{BINARY} is not built (make build)")
        return 2
    server = TargetServer(("127.0.0.1", 0), TargetHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target_port = server.server_address[1]
    refused_port = free_port()  # bound once and closed: nothing listens there

    def target_url(kind, i):
        port = refused_port if kind == "refused" else target_port
        return f"http://127.0.0.1:{port}/{kind}/{i}"

    work = tempfile.mkdtemp(prefix="outage-soak.")
    config = os.path.join(work, "soak.yml")
    with open(config, "w") as f:
        f.write("modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n"
                "    http:\n      preferred_ip_protocol: ip4\ntargets:\n")
        for i in range(40):
            f.write(f"  - target: {target_url(KINDS[i % 4], i)}\n    module: http_2xx\n")
    port = free_port()
    wrapper = os.environ.get("SOAK_WRAPPER", "").split()
    exporter = subprocess.Popen(
        wrapper + [BINARY, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
         f"--storage.path={os.path.join(work, 'outage.db')}", "--log.level=warn"],
        stderr=open(os.path.join(work, "exporter.log"), "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a wrapper such as heaptrack is slow to start
            if fetch(base + "/-/healthy", timeout=1) == 200:
                break
            time.sleep(0.1)
        else:
            log("the exporter did not answer /-/healthy within 60 s")
            return 1
        pid = find_exporter(exporter.pid)
        if pid is None:
            log(f"no process runs {BINARY}")
            return 1

        end = time.monotonic() + MINUTES * 60
        stop = threading.Event()
        counts = {"metrics": 0, "probe": 0, "status": 0, "unanswered": 0}
        lock = threading.Lock()

        def count(name, status):
            with lock:
                counts[name] += 1
                if status == 0:
                    counts["unanswered"] += 1

        def scrape_metrics():
            while not stop.is_set():
                count("metrics", fetch(base + "/metrics"))
                stop.wait(random.uniform(0.2, 3.0))

        def status_page():
            while not stop.is_set():
                count("status", fetch(base + "/"))
                stop.wait(2.0)

        def probes(worker):
            # A worker waits 0.05-0.4 s between starts, or for the answer when
            # that takes longer: 0.225 s on average for three kinds, 1.5 s for
            # the slow one, so about 1.8 probes a second; PROBE_WORKERS of them
            # send 15-20 a second.
            rng = random.Random(worker)
            while not stop.is_set():
                kind = KINDS[rng.randrange(4)]
                started = time.monotonic()
                url = (f"{base}/probe?module=http_2xx&target="
                       f"{urllib.request.quote(target_url(kind, rng.randrange(1000)), safe='')}")
                count("probe", fetch(url))
                stop.wait(max(0.0, rng.uniform(0.05, 0.4) - (time.monotonic() - started)))

        threads = [threading.Thread(target=scrape_metrics), threading.Thread(target=status_page)]
        threads += [threading.Thread(target=probes, args=(w,)) for w in range(PROBE_WORKERS)]
        for t in threads:
            t.start()

        start = time.monotonic()
        warmup_end = start + WARMUP_MINUTES * 60
        samples = []  # (seconds since start, RSS KiB)
        warm_rss = None
        log(f"{MINUTES:g} minutes, warm-up {WARMUP_MINUTES:g}; RSS every {SAMPLE_SECONDS} s")
        while time.monotonic() < end:
            if exporter.poll() is not None:
                log(f"the exporter exited with {exporter.returncode}")
                stop.set()
                return 1
            now = time.monotonic()
            samples.append((now - start, rss_kib(pid)))
            if warm_rss is None and now >= warmup_end:
                warm_rss = samples[-1][1]
            if len(samples) % 30 == 1:
                log(f"t={samples[-1][0]:.0f}s RSS={samples[-1][1] / 1024:.1f} MiB {counts}")
            time.sleep(min(SAMPLE_SECONDS, max(0.0, end - time.monotonic())))
        samples.append((time.monotonic() - start, rss_kib(pid)))
        stop.set()
        for t in threads:
            t.join(timeout=15)
        if warm_rss is None:
            warm_rss = samples[-1][1]

        if os.environ.get("SOAK_SAMPLES_FILE"):
            with open(os.environ["SOAK_SAMPLES_FILE"], "w") as f:
                f.write("seconds,rss_kib\n")
                f.writelines(f"{t:.0f},{kib}\n" for t, kib in samples)
        after = [kib for t, kib in samples if t >= WARMUP_MINUTES * 60]
        first, last = samples[0][1], samples[-1][1]
        growth = (last - warm_rss) / 1024
        print(f"Machine: {os.cpu_count()} CPUs, load average "
              f"{' '.join(open('/proc/loadavg').read().split()[:3])} (at the end).")
        print(f"Run: {MINUTES:g} min, warm-up {WARMUP_MINUTES:g} min; "
              f"{counts['metrics']} /metrics, {counts['probe']} /probe "
              f"({counts['probe'] / (MINUTES * 60):.1f}/s), "
              f"{counts['status']} status pages, {counts['unanswered']} unanswered.")
        print("| RSS (MiB) | start | end of warm-up | end | growth after warm-up | "
              "peak after warm-up |")
        print("|---|---|---|---|---|---|")
        print(f"| outage_exporter | {first / 1024:.1f} | {warm_rss / 1024:.1f} | "
              f"{last / 1024:.1f} | {growth:+.1f} | {max(after) / 1024:.1f} |")
        if growth > MAX_GROWTH_MIB:
            log(f"RSS grew {growth:.1f} MiB after warm-up (limit {MAX_GROWTH_MIB:g})")
            return 1
        return 0
    finally:
        # The exporter itself first: a wrapper need not pass SIGTERM on.
        pid = find_exporter(exporter.pid)
        os.kill(pid if pid is not None else exporter.pid, signal.SIGTERM)
        try:
            exporter.wait(timeout=60)
        except subprocess.TimeoutExpired:
            exporter.kill()
        server.shutdown()
        for name in os.listdir(work):
            os.unlink(os.path.join(work, name))
        os.rmdir(work)


if __name__ == "__main__":
    sys.exit(main())
