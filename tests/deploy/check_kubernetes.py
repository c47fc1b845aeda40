#!/usr/bin/env python3
"""Checks the rendered kustomize output of deploy/kubernetes.

Usage: check_kubernetes.py VARIANT RENDERED.yaml
VARIANT is base, sidecar, icmp or sharded; RENDERED.yaml is `kubectl kustomize` output.
Checks what a reviewer would: the exporter container's image, port, flags,
probes, resources and hardening; that the config volume points at a
hash-suffixed generated ConfigMap holding a sane config; that the Service
selects the exporter's pods and the ServiceMonitor selects the Service; that
the Probe reaches the Service; that the PrometheusRule is present; for the
sharded StatefulSet, that the shell command gives pod K the flag
--targets.shard=K+1/replicas (run with sh for each pod name). Prints one
line per failure and exits 1 if any.
"""
import ipaddress
import shlex
import subprocess
import sys
import urllib.parse

import yaml

IMAGE = "outage-exporter:latest"
PORT = 9115
CONFIG_MAP = "outage-exporter-config"
REQUESTS = {"cpu": "50m", "memory": "64Mi"}
LIMITS = {"cpu": "500m", "memory": "256Mi"}

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print(f"FAIL kubernetes {VARIANT}: {msg}")
    return cond


def by_kind(objs, kind):
    return [o for o in objs if o.get("kind") == kind]


def flag(args, name):
    for a in args:
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None


def exporter_args(c, hostname):
    """The exporter's flags: the container's args, or what its `sh -c` command
    runs on a pod named `hostname` (the command's exec replaced by echo)."""
    if c.get("command") != ["/bin/sh", "-c"]:
        return c.get("args", [])
    script = c["args"][0].replace("exec ", "echo ", 1)
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True,
                         env={"HOSTNAME": hostname}, check=False)
    check(out.returncode == 0, f"{hostname}: sh -c failed: {out.stderr.strip()}")
    return shlex.split(out.stdout)[1:]


def check_shards(owner, c, name, replicas):
    for k in range(replicas):
        got = flag(exporter_args(c, f"{name}-{k}"), "--targets.shard")
        check(got == f"{k + 1}/{replicas}",
              f"{owner}: pod {name}-{k} gets --targets.shard={got}, want {k + 1}/{replicas}")


def check_exporter_container(owner, pod, c, configmaps):
    where = f"{owner}/{c['name']}"
    check(c.get("image") == IMAGE, f"{where}: image {c.get('image')!r}, want {IMAGE}")
    ports = {p.get("name"): p for p in c.get("ports", [])}
    check(ports.get("http", {}).get("containerPort") == PORT,
          f"{where}: no container port {PORT} named http")
    args = exporter_args(c, "outage-exporter-0")
    check(flag(args, "--web.listen-address") == f":{PORT}",
          f"{where}: --web.listen-address must be :{PORT}")
    config_file = flag(args, "--config.file")
    check(config_file, f"{where}: no --config.file")
    for probe, path in (("livenessProbe", "/-/healthy"), ("readinessProbe", "/-/ready")):
        get = c.get(probe, {}).get("httpGet", {})
        check(get.get("path") == path and get.get("port") in ("http", PORT),
              f"{where}: {probe} must GET {path} on port http")
    res = c.get("resources", {})
    check(res.get("requests") == REQUESTS and res.get("limits") == LIMITS,
          f"{where}: resources {res}, want requests {REQUESTS} limits {LIMITS}")

    sc = c.get("securityContext", {})
    psc = pod.get("securityContext", {})
    check(sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True, f"{where}: not runAsNonRoot")
    uid = sc.get("runAsUser", psc.get("runAsUser"))
    check(uid not in (None, 0), f"{where}: runAsUser must be set and non-zero")
    check(sc.get("readOnlyRootFilesystem") is True, f"{where}: root filesystem writable")
    check(sc.get("allowPrivilegeEscalation") is False, f"{where}: privilege escalation allowed")
    check(sc.get("privileged") in (None, False), f"{where}: privileged")
    caps = sc.get("capabilities", {})
    check(caps.get("drop") == ["ALL"], f"{where}: capabilities must drop ALL")
    want_add = ["NET_RAW"] if VARIANT == "icmp" else None
    check(caps.get("add") == want_add, f"{where}: capabilities.add {caps.get('add')}, want {want_add}")
    if VARIANT == "icmp":
        sysctls = {s["name"]: s["value"] for s in psc.get("sysctls", [])}
        check("net.ipv4.ping_group_range" in sysctls, f"{where}: no net.ipv4.ping_group_range sysctl")

    # The config file must come from the generated, hash-suffixed ConfigMap,
    # so that a config change changes the pod template and rolls the pods.
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounted = None
    for m in c.get("volumeMounts", []):
        if config_file and config_file.startswith(m["mountPath"].rstrip("/") + "/"):
            mounted = (m, config_file[len(m["mountPath"].rstrip("/")) + 1:])
    if not check(mounted, f"{where}: --config.file {config_file} is not on a mounted volume"):
        return
    mount, key = mounted
    check(mount.get("readOnly") is True, f"{where}: config mount not read-only")
    cm_name = volumes.get(mount["name"], {}).get("configMap", {}).get("name", "")
    check(cm_name.startswith(CONFIG_MAP + "-") and len(cm_name) > len(CONFIG_MAP) + 5,
          f"{where}: config volume uses {cm_name!r}, not the hash-suffixed generated ConfigMap")
    cm = configmaps.get(cm_name)
    if check(cm is not None, f"{where}: ConfigMap {cm_name!r} is not in the rendered output"):
        if check(key in cm.get("data", {}), f"{where}: ConfigMap {cm_name} has no key {key}"):
            check_exporter_config(cm_name, cm["data"][key])


def check_exporter_config(name, text):
    cfg = yaml.safe_load(text)
    modules = cfg.get("modules", {})
    targets = cfg.get("targets", [])
    check(modules and targets, f"config {name}: needs modules and targets")
    seen = set()
    for t in targets:
        key = (t.get("target"), t.get("module"))
        check(key not in seen, f"config {name}: duplicate target {key}")
        seen.add(key)
        check(t.get("module") in modules, f"config {name}: target {t.get('target')} uses unknown module {t.get('module')}")
        host = urllib.parse.urlsplit(t["target"]).hostname if "://" in t["target"] else t["target"].rsplit(":", 1)[0]
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            continue  # a hostname: good
        # Only the sidecar's own app may be named by a loopback address.
        check(ip.is_loopback and VARIANT == "sidecar",
              f"config {name}: target {t['target']} is a literal IP; name it by hostname")
    if VARIANT == "icmp":
        check(any(modules.get(t["module"], {}).get("prober") == "icmp" for t in targets),
              f"config {name}: icmp variant has no icmp target")


def labels_match(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def main():
    objs = [o for o in yaml.safe_load_all(open(RENDERED)) if o]
    check(objs, "rendered output is empty")
    configmaps = {o["metadata"]["name"]: o for o in by_kind(objs, "ConfigMap")}
    exporter_pods = []
    for d in by_kind(objs, "Deployment") + by_kind(objs, "StatefulSet"):
        owner = f"{d['kind']} {d['metadata']['name']}"
        pod = d["spec"]["template"]["spec"]
        pod_labels = d["spec"]["template"]["metadata"].get("labels", {})
        check(labels_match(d["spec"]["selector"].get("matchLabels"), pod_labels),
              f"{owner}: selector does not match its pod labels")
        for c in pod["containers"]:
            if c.get("image") == IMAGE or c["name"] == "outage-exporter":
                check_exporter_container(owner, pod, c, configmaps)
                exporter_pods.append((d, pod_labels))
                if d["kind"] == "StatefulSet":
                    check_shards(owner, c, d["metadata"]["name"], d["spec"].get("replicas", 1))
    want = {"base": 1, "icmp": 1, "sidecar": 1, "sharded": 1}[VARIANT]
    kinds = [d["kind"] for d, _ in exporter_pods]
    want_kind = "StatefulSet" if VARIANT == "sharded" else "Deployment"
    check(kinds == [want_kind] * want, f"exporter workloads {kinds}, want {want} {want_kind}")
    check(len(exporter_pods) == want, f"{len(exporter_pods)} exporter containers, want {want}")
    if VARIANT == "sidecar":
        names = [d["metadata"]["name"] for d, _ in exporter_pods]
        check(names == ["example-app"], f"sidecar must live in example-app, found {names}")
        pod = exporter_pods[0][0]["spec"]["template"]["spec"] if exporter_pods else {}
        check(len(pod.get("containers", [])) == 2, "sidecar pod must have the app and the exporter")

    services = by_kind(objs, "Service")
    exporter_svcs = []
    for s in services:
        port = [p for p in s["spec"].get("ports", []) if p.get("name") == "http"]
        if not port:
            continue
        check(port[0].get("port") == PORT and port[0].get("targetPort") in ("http", PORT),
              f"Service {s['metadata']['name']}: port http must be {PORT} -> http")
        check(any(labels_match(s["spec"].get("selector"), l) for _, l in exporter_pods),
              f"Service {s['metadata']['name']}: selector {s['spec'].get('selector')} matches no exporter pod")
        exporter_svcs.append(s)
    check(exporter_svcs, "no Service exposes the exporter's http port")

    for sm in by_kind(objs, "ServiceMonitor"):
        sel = sm["spec"]["selector"].get("matchLabels", {})
        ns = sm["metadata"].get("namespace")
        hits = [s for s in exporter_svcs if labels_match(sel, s["metadata"].get("labels", {}))
                and s["metadata"].get("namespace") == ns]
        check(hits, f"ServiceMonitor {sm['metadata']['name']}: selector {sel} matches no exporter Service in {ns}")
        for ep in sm["spec"]["endpoints"]:
            check(ep.get("port") == "http" and ep.get("path", "/metrics") == "/metrics",
                  f"ServiceMonitor: endpoint must scrape port http path /metrics, got {ep}")
    check(len(by_kind(objs, "ServiceMonitor")) == 1, "want exactly one ServiceMonitor")

    probes = by_kind(objs, "Probe")
    check(len(probes) == (0 if VARIANT == "sidecar" else 1),
          f"{len(probes)} Probe objects (the sidecar variant has none, others one)")
    for p in probes:
        prober = p["spec"]["prober"]
        svc_hosts = {f"{s['metadata']['name']}.{s['metadata'].get('namespace')}.svc:{PORT}"
                     for s in exporter_svcs}
        check(prober.get("url") in svc_hosts and prober.get("path") == "/probe",
              f"Probe: prober {prober} must be one of {sorted(svc_hosts)} path /probe")
        check(p["spec"].get("module"), "Probe: no module")

    rules = by_kind(objs, "PrometheusRule")
    check(len(rules) == 1 and rules[0]["spec"]["groups"], "want one PrometheusRule with groups")
    if not failures:
        print(f"ok kubernetes {VARIANT}: {len(objs)} objects "
              f"({', '.join(sorted({o['kind'] for o in objs}))})")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("base", "sidecar", "icmp", "sharded"):
        sys.exit(__doc__)
    VARIANT, RENDERED = sys.argv[1], sys.argv[2]
    sys.exit(main())
