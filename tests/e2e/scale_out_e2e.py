#!/usr/bin/env python3
"""End-to-end test of the scale-out shape: vantages, shards and a global view.

Usage: scale_out_e2e.py PATH/TO/outage_exporter

Everything runs inside a private network and mount namespace this script
creates (it re-runs itself under `unshare --net --mount`), so no packet can
leave the machine. Inside:

  hub (the private namespace): the target HTTP servers on 10.9.0.0/24, two
  shard Prometheus servers (deploy/prometheus/scale-out/shard.yml) and one
  global Prometheus (scale-out/global.yml) federating both and evaluating
  deploy/prometheus/rules/*.yml (only `for:` shortened).
  v1, v2, v3: one namespace per vantage, joined to the hub by a veth pair.
    v1: its own network is cut (unreachable route to every target and the
        control target); Prometheus still scrapes it over its link.
    v2: its route to one target ("routed") is cut.
    v3: healthy, run as two exporters, --targets.shard=1/2 and 2/2.
  targets: "up" and five more healthy ones, "stopped" (nothing listens),
  "routed" (healthy, unreachable from v2 only), and a control target.

It checks that OutageDownFromQuorum fires for "stopped" (down from v2 and
v3) and never for "routed" (down from v2 only) or during v1's own-network
outage; outage:vantages_down; that every configured target is probed by
exactly one of v3's shards (control targets by both); that each /probe
target is scraped by exactly one shard Prometheus (hashmod); and that the
dashboard's vantage panels return data. It prints how long it took.
Exit 0 pass, 1 fail, 77 skip (not root: no namespaces).
"""
import http.server
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SKIP = 77
INSIDE_ENV = "OUTAGE_SCALE_OUT_INSIDE"
TIMEOUT_S = 150  # the whole run inside the namespace
WAIT_S = 100  # for the quorum alert and the data
INTERVAL = "2s"

CONTROL = "http://10.9.0.100:8080/"
UP = "http://10.9.0.1:8080/"
STOPPED = "http://10.9.0.2:8081/"  # nothing listens on 8081
ROUTED = "http://10.9.0.3:8080/"
EXTRA = [f"http://10.9.0.1:8080/extra{k}" for k in range(1, 6)]
SERVICE_TARGETS = [UP, STOPPED, ROUTED] + EXTRA
PROBE_TARGETS = [UP, ROUTED] + EXTRA
# Exporters: (namespace, vantage, port, extra flags).
EXPORTERS = [
    ("v1", "v1", 9115, []),
    ("v2", "v2", 9115, []),
    ("v3", "v3", 9115, ["--targets.shard=1/2"]),
    ("v3", "v3", 9116, ["--targets.shard=2/2"]),
]
SHARD_PORTS = [9090, 9091]
GLOBAL_PORT = 9092
# The dashboard panels that show the vantages (tests/deploy/extract_queries.py
# names): each must return data from the global Prometheus.
VANTAGE_PANELS = [
    "Target state and reason/A",
    "Vantage network/A",
    "Vantage \u00d7 target/A",
    "Vantages seeing the target down/A",
]

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print(f"FAIL {msg}", flush=True)
    return cond


def sh(*args):
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {out.stderr.strip()}")
    return out.stdout


def http_get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def wait_for(what, fn, timeout_s):
    """Polls fn() until it returns a true value or timeout_s passes."""
    end = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < end:
        try:
            last = fn()
            if last:
                return last
        except OSError as e:
            last = e
        time.sleep(0.5)
    raise RuntimeError(f"timed out after {timeout_s}s waiting for {what} (last: {last})")


# --- network ---------------------------------------------------------------


def set_up_network():
    # A tmpfs over /run in this mount namespace: `ip netns` keeps its files
    # there, and nothing of it reaches the host's /run.
    sh("mount", "-t", "tmpfs", "tmpfs", "/run")
    links = sh("ip", "-o", "link", "show")
    if len(links.strip().splitlines()) != 1:
        raise RuntimeError(f"not a fresh network namespace:\n{links}")
    sh("ip", "link", "set", "lo", "up")
    for ip in ("10.9.0.1", "10.9.0.2", "10.9.0.3", "10.9.0.100"):
        sh("ip", "addr", "add", f"{ip}/32", "dev", "lo")
    for i in (1, 2, 3):
        ns, hub_end, ns_end = f"v{i}", f"h{i}", f"e{i}"
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", hub_end, "type", "veth", "peer", "name", ns_end)
        sh("ip", "link", "set", ns_end, "netns", ns)
        sh("ip", "addr", "add", f"10.1.{i}.1/24", "dev", hub_end)
        sh("ip", "link", "set", hub_end, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "addr", "add", f"10.1.{i}.2/24", "dev", ns_end)
        sh("ip", "-n", ns, "link", "set", ns_end, "up")
        sh("ip", "-n", ns, "route", "add", "default", "via", f"10.1.{i}.1")
    # v1: its own network is down (targets and control target unreachable).
    sh("ip", "-n", "v1", "route", "add", "unreachable", "10.9.0.0/24")
    # v2: one broken route.
    sh("ip", "-n", "v2", "route", "add", "unreachable", "10.9.0.3/32")


class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_targets():
    server = http.server.ThreadingHTTPServer(("0.0.0.0", 8080), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- exporters -------------------------------------------------------------


def exporter_config(tmp):
    targets = [{"target": CONTROL, "module": "http_2xx", "control": True,
                "labels": {"service": "control"}}]
    targets += [{"target": t, "module": "http_2xx", "labels": {"service": "web"}}
                for t in SERVICE_TARGETS]
    cfg = {"modules": {"http_2xx": {"prober": "http", "timeout": "1s"}}, "targets": targets}
    path = tmp / "exporter.yml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def start_exporters(binary, config, tmp, procs):
    for ns, vantage, port, flags in EXPORTERS:
        log = open(tmp / f"exporter-{ns}-{port}.log", "w")
        procs.append(subprocess.Popen(
            ["ip", "netns", "exec", ns, binary, f"--config.file={config}",
             f"--web.listen-address=:{port}", f"--vantage={vantage}",
             f"--storage.path={tmp / f'incidents-{ns}-{port}.db'}", *flags],
            stdout=log, stderr=subprocess.STDOUT))
    for ns, _, port, _ in EXPORTERS:
        address = f"10.1.{ns[1]}.2:{port}"
        wait_for(f"exporter {address} ready",
                 lambda: http_get(f"http://{address}/-/ready") is not None, 20)


def check_exporter_placement():
    """v3's shard 1/2 says so on /metrics and /api/v1/status."""
    metrics = http_get("http://10.1.3.2:9115/metrics", timeout=10)
    check('outage_exporter_shard_info{index="1",count="2"} 1' in metrics,
          "/metrics of shard 1/2 lacks outage_exporter_shard_info{index=\"1\",count=\"2\"}")
    check('outage_exporter_vantage_info{vantage="v3"} 1' in metrics,
          "/metrics lacks outage_exporter_vantage_info{vantage=\"v3\"}")
    check(f'outage_exporter_targets{{scope="configured"}} {len(SERVICE_TARGETS) + 1}' in metrics,
          "/metrics: outage_exporter_targets{scope=\"configured\"} is not every target")
    status = json.loads(http_get("http://10.1.3.2:9115/api/v1/status", timeout=10))
    placement = status.get("placement", {})
    check(placement.get("shard_index") == 1 and placement.get("shard_count") == 2
          and placement.get("vantage") == "v3", f"/api/v1/status placement: {placement}")
    shown = {t["target"] for s in status["services"] for t in s["targets"]}
    check(len(shown) == placement.get("served_targets"),
          f"status page shows {len(shown)} targets, placement says {placement}")


# --- Prometheus ------------------------------------------------------------


def keep_rule(relabel_configs):
    rules = [r for r in relabel_configs
             if r.get("action") == "keep" and r.get("source_labels") == ["__tmp_shard"]]
    if len(rules) != 1:
        raise RuntimeError("shard.yml: a job lacks its hashmod keep rule")
    return rules[0]


def shard_config(index):
    cfg = yaml.safe_load((DEPLOY / "prometheus/scale-out/shard.yml").read_text())
    cfg["global"]["scrape_interval"] = INTERVAL
    cfg["global"]["external_labels"]["prometheus_shard"] = str(index)
    jobs = {j["job_name"]: j for j in cfg["scrape_configs"]}
    metrics, probe = jobs["outage_exporter"], jobs["outage_exporter_probe"]
    for job in (metrics, probe):
        job["scrape_timeout"] = INTERVAL
        keep_rule(job["relabel_configs"])["regex"] = str(index)
        for r in job["relabel_configs"]:
            if r.get("action") == "hashmod":
                r["modulus"] = len(SHARD_PORTS)
    metrics["static_configs"] = [{"targets": [f"10.1.{ns[1]}.2:{port}"
                                              for ns, _, port, _ in EXPORTERS]}]
    probe["static_configs"] = [{"targets": PROBE_TARGETS,
                                "labels": {"__param_module": "http_2xx"}}]
    for r in probe["relabel_configs"]:
        if r.get("target_label") == "vantage":
            r["replacement"] = "v3"
        if r.get("target_label") == "__address__":
            r["replacement"] = "10.1.3.2:9115"
    return cfg


def global_config(tmp):
    rules = tmp / "rules"
    rules.mkdir()
    for f in (DEPLOY / "prometheus/rules").glob("*.yml"):
        text = re.sub(r"(?m)^(\s+)for: \S+$", r"\1for: 2s", f.read_text())
        (rules / f.name).write_text(text)
    cfg = yaml.safe_load((DEPLOY / "prometheus/scale-out/global.yml").read_text())
    cfg["global"] = {"scrape_interval": INTERVAL, "evaluation_interval": "1s"}
    cfg["rule_files"] = [str(rules / "*.yml")]
    cfg.pop("alerting", None)
    cfg["scrape_configs"][0]["static_configs"] = [
        {"targets": [f"127.0.0.1:{p}" for p in SHARD_PORTS]}]
    return cfg


def start_prometheus(name, cfg, port, tmp, procs):
    path = tmp / f"{name}.yml"
    path.write_text(yaml.safe_dump(cfg))
    log = open(tmp / f"{name}.log", "w")
    procs.append(subprocess.Popen(
        ["prometheus", f"--config.file={path}", f"--storage.tsdb.path={tmp / name}",
         f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT))
    wait_for(f"{name} ready", lambda: http_get(f"http://127.0.0.1:{port}/-/ready"), 30)


def query(port, expr):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    answer = json.loads(http_get(url))
    if answer.get("status") != "success":
        raise RuntimeError(f"query {expr}: {answer}")
    return [(s["metric"], float(s["value"][1])) for s in answer["data"]["result"]]


def by_target(port, expr):
    return {m.get("target"): v for m, v in query(port, expr)}


# --- the test --------------------------------------------------------------


def wait_for_quorum():
    """Waits for the quorum alert on "stopped"; fails on any other target."""
    firing_expr = 'ALERTS{alertname="OutageDownFromQuorum",alertstate="firing"}'
    pending_expr = 'ALERTS{alertname="OutageDownFromQuorum"}'
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        for target in by_target(GLOBAL_PORT, pending_expr):
            if not check(target == STOPPED, f"OutageDownFromQuorum for {target}"):
                return False
        if STOPPED in by_target(GLOBAL_PORT, firing_expr):
            return True
        time.sleep(1)
    check(False, f"OutageDownFromQuorum did not fire for {STOPPED} within {WAIT_S}s; "
                 f"outage:vantages_down = {by_target(GLOBAL_PORT, 'outage:vantages_down')}")
    return False


def check_vantages_down():
    down = by_target(GLOBAL_PORT, 'outage:vantages_down{service="web"}')
    check(down.get(STOPPED) == 2, f"outage:vantages_down for stopped: {down.get(STOPPED)}, want 2")
    check(down.get(ROUTED) == 1, f"outage:vantages_down for routed: {down.get(ROUTED)}, want 1")
    check(down.get(UP) == 0, f"outage:vantages_down for up: {down.get(UP)}, want 0")
    blind = query(GLOBAL_PORT, 'outage_vantage_network_up{vantage="v1"}')
    check(blind and all(v == 0 for _, v in blind), f"v1 network up: {blind}, want 0")
    alerts = query(GLOBAL_PORT, 'ALERTS{alertname="OutageVantageNetworkDown"}')
    check({m.get("vantage") for m, _ in alerts} == {"v1"},
          f"OutageVantageNetworkDown for {alerts}, want vantage v1 only")


def check_configured_shards():
    counts = by_target(GLOBAL_PORT,
                       'count by (target) (probe_success{job="outage_exporter",vantage="v3"})')
    want = {t: 1 for t in SERVICE_TARGETS}
    want[CONTROL] = 2
    check(counts == want, f"series per configured target from v3's shards: {counts}, want {want}")
    per_shard = query(GLOBAL_PORT, 'count by (instance) '
                      '(probe_success{job="outage_exporter",vantage="v3",service="web"})')
    check(len(per_shard) == 2, f"v3's shards probe {per_shard}, want both non-empty")


def check_probe_shards():
    seen = {}
    for port in SHARD_PORTS:
        for target in by_target(port, 'probe_success{job="outage_exporter_probe"}'):
            seen.setdefault(target, []).append(port)
    check(sorted(seen) == sorted(PROBE_TARGETS) and all(len(p) == 1 for p in seen.values()),
          f"/probe targets by shard Prometheus port: {seen}, want each once")
    total = by_target(GLOBAL_PORT, 'count by (target) (probe_success{job="outage_exporter_probe"})')
    check(total == {t: 1 for t in PROBE_TARGETS}, f"/probe series in the global view: {total}")


def check_dashboard():
    out = sh(sys.executable, str(ROOT / "tests/deploy/extract_queries.py"), "--kind", "panel",
             "--kind", "variable")
    queries = {q["name"]: q["expr"] for q in map(json.loads, out.splitlines())}
    for name in VANTAGE_PANELS + ["vantage"]:
        if check(name in queries, f"dashboard has no query {name}"):
            rows = query(GLOBAL_PORT, queries[name])
            check(rows, f"dashboard query {name} returns no data: {queries[name]}")
    vantages = {m.get("vantage") for m, _ in query(GLOBAL_PORT, queries.get("vantage", "up"))}
    check({"v1", "v2", "v3"} <= vantages, f"vantage variable offers {vantages}")


def run_inside(binary):
    start = time.monotonic()
    tmp = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"scale-out-{os.getpid()}"
    tmp.mkdir(parents=True)
    procs = []
    try:
        set_up_network()
        start_targets()
        start_exporters(binary, exporter_config(tmp), tmp, procs)
        check_exporter_placement()
        for i, port in enumerate(SHARD_PORTS):
            start_prometheus(f"shard{i}", shard_config(i), port, tmp, procs)
        start_prometheus("global", global_config(tmp), GLOBAL_PORT, tmp, procs)
        print(f"set up in {time.monotonic() - start:.1f}s", flush=True)
        if wait_for_quorum():
            print(f"quorum alert fired after {time.monotonic() - start:.1f}s", flush=True)
            check_vantages_down()
            check_configured_shards()
            check_probe_shards()
            check_dashboard()
    except (RuntimeError, OSError, KeyError) as e:
        check(False, str(e))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if failures:
            for log in sorted(tmp.glob("*.log")):
                print(f"--- {log.name} (last 20 lines)")
                print("\n".join(log.read_text(errors="replace").splitlines()[-20:]))
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"scale-out e2e: {'FAIL' if failures else 'PASS'} in {time.monotonic() - start:.1f}s")
    return 1 if failures else 0


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    if os.environ.get(INSIDE_ENV) == "1":
        return run_inside(sys.argv[1])
    if os.geteuid() != 0:
        print("SKIP: network namespaces need root")
        return SKIP
    for program, package in (("unshare", "util-linux"), ("ip", "iproute2"),
                             ("prometheus", "prometheus")):
        if shutil.which(program) is None:
            print(f"FAIL: {program} not found (Debian package {package})")
            return 1
    env = dict(os.environ, **{INSIDE_ENV: "1"})
    try:
        # A PID namespace too: when the inner run ends, however it ends, the
        # kernel kills every exporter and Prometheus it started.
        return subprocess.run(["unshare", "--net", "--mount", "--propagation", "private",
                               "--pid", "--fork", "--kill-child", "--mount-proc",
                               sys.executable, __file__, sys.argv[1]],
                              env=env, timeout=TIMEOUT_S, check=False).returncode
    except subprocess.TimeoutExpired:
        print(f"FAIL: did not finish within {TIMEOUT_S}s")
        return 1


if __name__ == "__main__":
    sys.exit(main())
