#!/usr/bin/env python3
"""Proves the inhibit rules of deploy/alertmanager/alertmanager.yml work.

Starts Debian's real Alertmanager on a free loopback port (clustering off,
state in a temporary directory), posts a set of alerts through its v2 API and
checks which ones end up suppressed: a config that parses can still inhibit
nothing because of one wrong label. Exits 77 (skip) when no Alertmanager
binary is installed, 1 on a failed expectation.
"""
import datetime
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CONFIG = pathlib.Path(__file__).resolve().parents[2] / "deploy/alertmanager/alertmanager.yml"


def alert(name, **labels):
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"labels": {"alertname": name, **labels},
            "annotations": {"summary": name},
            "startsAt": now.isoformat(),
            "endsAt": (now + datetime.timedelta(minutes=10)).isoformat()}


T = {"target": "https://app.example.com/", "module": "http_2xx"}
# (alert, suppressed?) - each pair below is one inhibit rule's positive and
# negative case.
CASES = [
    # Local network down at eu silences eu's target alerts, not us'.
    (alert("OutageVantageNetworkDown", vantage="eu", severity="critical"), False),
    (alert("OutageTargetDown", vantage="eu", reason="local_network", severity="critical", **T), True),
    (alert("OutageTargetDegraded", vantage="eu", severity="warning", **T), True),
    (alert("OutageTargetDown", vantage="us", reason="timeout", severity="critical", **T), False),
    # Maintenance silences down/burn alerts of the same target from any vantage.
    (alert("OutageMaintenanceActive", vantage="ap", severity="info", reason="maintenance",
           target="https://shop.example.com/", module="http_2xx"), False),
    (alert("OutageTargetDown", vantage="us", reason="http_5xx", severity="critical",
           target="https://shop.example.com/", module="http_2xx"), True),
    (alert("OutageErrorBudgetBurn1h", vantage="us", severity="page", window="1h",
           target="https://shop.example.com/", module="http_2xx"), True),
    (alert("OutageTargetDown", vantage="us", reason="http_5xx", severity="critical",
           target="https://other.example.com/", module="http_2xx"), False),
    # Certificates: the most urgent stage wins.
    (alert("OutageCertExpired", vantage="us", severity="critical", reason="tls",
           target="https://tls.example.com/", module="http_2xx"), False),
    (alert("OutageCertExpiringIn14d", vantage="us", severity="warning", reason="tls",
           target="https://tls.example.com/", module="http_2xx"), True),
    # Down explains degraded for the same target and vantage.
    (alert("OutageTargetDegraded", vantage="us", severity="warning", **T), True),
    # Burn rates: the 1h page holds back the 6h page of the same burn.
    (alert("OutageErrorBudgetBurn1h", vantage="us", severity="page", window="1h",
           target="https://burn.example.com/", module="http_2xx"), False),
    (alert("OutageErrorBudgetBurn6h", vantage="us", severity="page", window="6h",
           target="https://burn.example.com/", module="http_2xx"), True),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base, path, body=None):
    req = urllib.request.Request(base + path, method="POST" if body else "GET",
                                 data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read() or b"null")


def main():
    binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if not binary:
        print("skip alertmanager: no alertmanager binary")
        return 77
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v2"
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.Popen(
            [binary, f"--config.file={CONFIG}", f"--storage.path={data}",
             f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
             "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(data, "log"), "w"))
        try:
            deadline = time.time() + 15
            while True:
                try:
                    if api(base, "/status")["config"]:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    print("FAIL alertmanager: did not start:\n" +
                          open(os.path.join(data, "log")).read())
                    return 1
                time.sleep(0.1)
            api(base, "/alerts", [a for a, _ in CASES])
            # Inhibition is computed asynchronously; poll until it settles.
            deadline = time.time() + 10
            while True:
                got = {json.dumps(a["labels"], sort_keys=True): a["status"]
                       for a in api(base, "/alerts")}
                wrong = []
                for a, want in CASES:
                    status = got.get(json.dumps(a["labels"], sort_keys=True))
                    suppressed = bool(status and status["inhibitedBy"])
                    if status is None or suppressed != want:
                        wrong.append((a["labels"], want, status))
                if not wrong or time.time() > deadline:
                    break
                time.sleep(0.2)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    for labels, want, status in wrong:
        print(f"FAIL alertmanager: {labels} want suppressed={want}, got {status}")
    if wrong:
        return 1
    print(f"ok alertmanager: {len(CASES)} alerts, inhibition as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
