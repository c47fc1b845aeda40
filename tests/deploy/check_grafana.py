#!/usr/bin/env python3
"""Static checks of the Grafana dashboard and its provisioning files.

Grafana itself is not installed here, so this checks what would make the
dashboard silently useless once loaded: panels without a datasource or query,
duplicate ids or refIds, overlapping panels, missing variables, and metric
names that neither the exporter nor the recording rules produce (a typo shows
up as an empty panel, never as an error). Prints one line per failure and
exits 1 if any.
"""
import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))

# Metric names the exporter exposes (issues 2 and 3 and DESIGN.md) plus the
# series Prometheus itself creates. Recorded names are added from the rules.
EXPORTER_METRICS = {
    "probe_success", "probe_duration_seconds", "probe_failure_reason",
    "probe_ssl_earliest_cert_expiry", "probe_dns_answers_consistent",
    "probe_http_duration_seconds", "probe_http_status_code",
    "outage_state", "outage_consecutive_failures", "outage_state_changes_total",
    "outage_last_state_change_timestamp_seconds", "outage_down_seconds_total",
    "outage_vantage_network_up", "outage_vendor_confirmed",
    "outage_maintenance_active", "outage_probes_total",
    "outage_probe_failures_total", "outage_exporter_build_info",
    "outage_exporter_config_last_reload_successful",
    "outage_exporter_config_last_reload_success_timestamp_seconds",
    "outage_exporter_probes_in_flight", "outage_probe_last_run_timestamp_seconds",
    "statuspage_up", "statuspage_indicator", "statuspage_component_status",
    "statuspage_incidents", "statuspage_incident_info",
    "statuspage_maintenance_active", "statuspage_last_success_timestamp_seconds",
    "process_cpu_seconds_total", "process_resident_memory_bytes",
    "process_open_fds", "process_start_time_seconds",
    "up", "scrape_duration_seconds", "ALERTS",
}
for hist in ("outage_probe_duration_seconds", "outage_probe_phase_duration_seconds"):
    EXPORTER_METRICS |= {hist + s for s in ("_bucket", "_sum", "_count")}

REQUIRED_VARIABLES = {"datasource", "vantage", "target", "module"}

failures = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL grafana: {msg}")


def recorded_names():
    names = set()
    for path in (DEPLOY / "prometheus" / "rules").glob("*.yml"):
        for group in yaml.safe_load(path.read_text())["groups"]:
            names |= {r["record"] for r in group["rules"] if "record" in r}
    return names


def selector_metrics(expr):
    """Metric names used as `name{...}` selectors (how the dashboard writes them)."""
    return set(re.findall(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{", expr))


def overlaps(a, b):
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and
            a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def check_dashboard(path, known):
    before = len(failures)
    try:
        board = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        fail(f"{path.name}: not JSON: {e}")
        return
    for key in ("uid", "title", "panels", "templating", "schemaVersion"):
        if key not in board:
            fail(f"{path.name}: missing top-level {key!r}")
    names = {v.get("name") for v in board.get("templating", {}).get("list", [])}
    for missing in sorted(REQUIRED_VARIABLES - names):
        fail(f"{path.name}: no template variable {missing!r}")

    ids, placed = set(), []
    for panel in board.get("panels", []):
        title = panel.get("title", "<untitled>")
        where = f"{path.name}: panel {title!r}"
        if panel.get("id") in ids:
            fail(f"{where}: duplicate id {panel.get('id')}")
        ids.add(panel.get("id"))
        grid = panel.get("gridPos")
        if not grid or any(k not in grid for k in "xywh"):
            fail(f"{where}: no complete gridPos")
        else:
            if grid["x"] + grid["w"] > 24:
                fail(f"{where}: wider than the 24-column grid")
            for other_title, other in placed:
                if overlaps(grid, other):
                    fail(f"{where}: overlaps panel {other_title!r}")
            placed.append((title, grid))
        if panel.get("type") == "row":
            continue
        ds = panel.get("datasource") or {}
        if ds.get("type") != "prometheus" or not ds.get("uid"):
            fail(f"{where}: no prometheus datasource")
        targets = panel.get("targets") or []
        if not targets:
            fail(f"{where}: no queries")
        refs = [t.get("refId") for t in targets]
        if len(set(refs)) != len(refs) or None in refs:
            fail(f"{where}: missing or duplicate refId {refs}")
        for t in targets:
            expr = t.get("expr", "").strip()
            if not expr:
                fail(f"{where}/{t.get('refId')}: empty expr")
            if (t.get("datasource") or {}).get("uid") != ds.get("uid"):
                fail(f"{where}/{t.get('refId')}: query datasource differs from panel's")
            for metric in sorted(selector_metrics(expr) - known):
                fail(f"{where}/{t.get('refId')}: unknown metric {metric!r}")
        if not panel.get("description"):
            fail(f"{where}: no description (say what the panel answers)")
    if len(failures) == before:
        print(f"ok grafana: {path.name}: {len(ids)} panels, variables {sorted(names)}")


def check_provisioning():
    ds = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text())
    if not any(d.get("type") == "prometheus" and d.get("url") for d in ds.get("datasources", [])):
        fail("provisioning: no prometheus datasource with a url")
    dash = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/outage_exporter.yml").read_text())
    providers = dash.get("providers", [])
    if not providers or not all(p.get("type") == "file" and p.get("options", {}).get("path")
                                for p in providers):
        fail("provisioning: dashboard provider must be type file with options.path")
    if ds.get("apiVersion") != 1 or dash.get("apiVersion") != 1:
        fail("provisioning: apiVersion must be 1")
    print("ok grafana: provisioning files" if not failures else "grafana: failures above")


def main():
    if not DASHBOARDS:
        fail("no dashboards in deploy/grafana/dashboards")
    known = EXPORTER_METRICS | recorded_names()
    for path in DASHBOARDS:
        check_dashboard(path, known)
    check_provisioning()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
