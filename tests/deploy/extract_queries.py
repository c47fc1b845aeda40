#!/usr/bin/env python3
"""Prints every PromQL expression that deploy/ ships, one JSON object a line.

Sources: the Grafana dashboard(s) (panel targets, template variables,
annotations) and the Prometheus rule files (recording and alerting rules).
The end-to-end test runs each line's "expr" against a real Prometheus holding
exporter data; run_deploy_tests.sh parses each one offline with promtool.

Grafana variables are replaced so the text is plain PromQL: $vantage, $target
and $module by ".*" (the dashboard's "All"), $__rate_interval by
--rate-interval. label_values(selector, label) variables yield their selector.
Each line looks like:
  {"source": "grafana/dashboards/outage_exporter.json", "kind": "panel",
   "name": "Target state and reason/A", "expr": "...", "raw": "..."}
kind is one of panel, variable, annotation, record, alert.
"""
import argparse
import json
import pathlib
import re
import sys

import yaml

DEPLOY = pathlib.Path(__file__).resolve().parents[2] / "deploy"


def substitute(expr, rate_interval):
    """Turns a Grafana query into plain PromQL, or raises ValueError."""
    out = expr.replace("$__rate_interval", rate_interval)
    out = out.replace("${__rate_interval}", rate_interval)
    out = re.sub(r"\$\{?(vantage|target|module)\}?", ".*", out)
    if "$" in out:
        raise ValueError(f"unhandled Grafana variable in: {expr}")
    return out


def variable_selector(query):
    """label_values(selector, label) -> selector; label_values(label) -> None."""
    m = re.fullmatch(r"\s*label_values\((.*),\s*[a-zA-Z_]\w*\s*\)\s*", query, re.S)
    if m:
        return m.group(1)
    if re.fullmatch(r"\s*label_values\(\s*[a-zA-Z_]\w*\s*\)\s*", query):
        return None
    if re.fullmatch(r"\s*(query_result|metrics)\(.*\)\s*", query, re.S):
        raise ValueError(f"unsupported variable query: {query}")
    return query


def walk_panels(panels):
    for panel in panels:
        yield panel
        yield from walk_panels(panel.get("panels", []))


def dashboard_queries(path, rate_interval):
    board = json.loads(path.read_text())
    source = str(path.relative_to(DEPLOY))
    for panel in walk_panels(board.get("panels", [])):
        for target in panel.get("targets", []):
            raw = target.get("expr", "")
            yield {"source": source, "kind": "panel",
                   "name": f'{panel.get("title", "")}/{target.get("refId", "")}',
                   "expr": substitute(raw, rate_interval), "raw": raw}
    for var in board.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        query = var.get("query")
        raw = query.get("query", "") if isinstance(query, dict) else query
        selector = variable_selector(raw)
        if selector:
            yield {"source": source, "kind": "variable", "name": var["name"],
                   "expr": substitute(selector, rate_interval), "raw": raw}
    for ann in board.get("annotations", {}).get("list", []):
        if ann.get("expr"):
            yield {"source": source, "kind": "annotation", "name": ann.get("name", ""),
                   "expr": substitute(ann["expr"], rate_interval), "raw": ann["expr"]}


def rule_queries(path):
    source = str(path.relative_to(DEPLOY))
    for group in yaml.safe_load(path.read_text()).get("groups", []):
        for rule in group.get("rules", []):
            kind = "alert" if "alert" in rule else "record"
            expr = rule["expr"].strip()
            yield {"source": source, "kind": kind, "name": rule[kind],
                   "group": group["name"], "expr": expr, "raw": expr}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate-interval", default="2m",
                        help="value for $__rate_interval (default %(default)s)")
    parser.add_argument("--kind", action="append",
                        help="only these kinds (repeatable)")
    args = parser.parse_args()
    queries = []
    for path in sorted((DEPLOY / "grafana" / "dashboards").glob("*.json")):
        queries += dashboard_queries(path, args.rate_interval)
    for path in sorted((DEPLOY / "prometheus" / "rules").glob("*.yml")):
        queries += rule_queries(path)
    if not queries:
        print("no queries found", file=sys.stderr)
        return 1
    for q in queries:
        if not args.kind or q["kind"] in args.kind:
            print(json.dumps(q, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
