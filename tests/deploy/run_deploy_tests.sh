#!/usr/bin/env bash
# Tests everything under deploy/ that does not need a running exporter:
# Prometheus rules (syntax and unit tests), the example Prometheus and
# Alertmanager configs (including live inhibition), the Grafana dashboard
# (structure and PromQL syntax), and the Kubernetes manifests as rendered by
# kustomize. Every step runs even after a failure, so one run shows all
# problems; the last line is "deploy: N passed, M failed" and the exit status
# is non-zero when M > 0. A step whose tool is missing is reported as skipped.
#
# Environment: OUTAGE_EXPORTER=path/to/outage_exporter enables the
# --config.check step on the example configs (default: build/outage_exporter
# when it exists).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/deploy"
DEPLOY="$ROOT/deploy"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
START=$SECONDS

passed=0
failed=0
skipped=0
failed_names=()

# step NAME CMD...: runs CMD, records pass/fail; shows output only on failure
# (and the last line on success, which carries counts worth seeing).
step() {
  local name="$1"
  shift
  local out rc=0 t0=$SECONDS
  out="$("$@" 2>&1)" || rc=$?
  if [[ $rc -eq 0 ]]; then
    passed=$((passed + 1))
    printf 'PASS  %-44s %3ss  %s\n' "$name" "$((SECONDS - t0))" "$(tail -n1 <<<"$out")"
  elif [[ $rc -eq 77 ]]; then
    skipped=$((skipped + 1))
    printf 'SKIP  %-44s %s\n' "$name" "$(tail -n1 <<<"$out")"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    printf 'FAIL  %-44s %3ss\n' "$name" "$((SECONDS - t0))"
    sed 's/^/      | /' <<<"$out"
  fi
}

skip() {
  skipped=$((skipped + 1))
  printf 'SKIP  %-44s %s\n' "$1" "$2"
}

have() { command -v "$1" >/dev/null 2>&1; }

# --- Prometheus ---------------------------------------------------------------
if have promtool; then
  step "promtool check rules" promtool check rules "$DEPLOY"/prometheus/rules/*.yml
  step "promtool test rules" promtool test rules "$DEPLOY"/prometheus/tests/*_test.yml
  # Also loads the rule files the example config references.
  step "promtool check config prometheus.yml" \
    promtool check config "$DEPLOY/prometheus/prometheus.yml"
  for cfg in shard global remote-write; do
    step "promtool check config scale-out/$cfg.yml" \
      promtool check config "$DEPLOY/prometheus/scale-out/$cfg.yml"
  done

  # Dashboard PromQL, parsed offline: each query becomes a recording rule in a
  # throwaway file, which promtool parses (it has no bare "parse" command).
  dashboard_rules() {
    python3 "$HERE/extract_queries.py" --kind panel --kind variable --kind annotation \
      >"$TMP/queries.jsonl"
    python3 - "$TMP/queries.jsonl" "$TMP/dashboard_rules.yml" <<'PY'
import json, sys, yaml
queries = [json.loads(l) for l in open(sys.argv[1])]
rules = [{"record": f"dashboard_query_{i}", "expr": q["expr"]} for i, q in enumerate(queries)]
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(sys.argv[2], "w"))
print(f"{len(rules)} dashboard queries")
PY
    promtool check rules "$TMP/dashboard_rules.yml"
  }
  step "dashboard PromQL parses" dashboard_rules
else
  for s in "promtool check rules" "promtool test rules" "promtool check config" "dashboard PromQL parses"; do
    failed=$((failed + 1)); failed_names+=("$s")
    printf 'FAIL  %-44s promtool not installed (Debian package prometheus)\n' "$s"
  done
fi
step "extract_queries.py lists every query" bash -c \
  "n=\$(python3 '$HERE/extract_queries.py' | python3 -c 'import sys,json; print(sum(1 for l in sys.stdin if json.loads(l)[\"expr\"]))'); echo \"\$n queries\"; test \"\$n\" -ge 60"

# --- Alertmanager ---------------------------------------------------------------
if have amtool; then
  step "amtool check-config" amtool check-config "$DEPLOY/alertmanager/alertmanager.yml"
  # Each severity reaches the receiver the rules' header promises.
  routes() {
    local sev want got
    for pair in page:pager critical:pager ticket:tickets warning:chat info:chat; do
      sev="${pair%%:*}" want="${pair#*:}"
      got="$(amtool config routes test --config.file="$DEPLOY/alertmanager/alertmanager.yml" \
        severity="$sev" alertname=X)"
      [[ "$got" == "$want" ]] || { echo "severity=$sev routed to '$got', want '$want'"; return 1; }
    done
    echo "5 severities routed"
  }
  step "alertmanager routes by severity" routes
else
  skip "amtool check-config" "amtool not installed (Debian package prometheus-alertmanager)"
  skip "alertmanager routes by severity" "amtool not installed"
fi
step "alertmanager inhibition (live)" python3 "$HERE/check_alertmanager.py"

# --- Grafana ----------------------------------------------------------------------
step "grafana dashboard and provisioning" python3 "$HERE/check_grafana.py"

# --- Kubernetes -------------------------------------------------------------------
step "PrometheusRule in sync with rule files" \
  python3 "$DEPLOY/kubernetes/generate_prometheusrule.py" --check

if have kubectl; then
  render() { kubectl kustomize "$1"; }
elif have kustomize; then
  render() { kustomize build "$1"; }
else
  render() { return 127; }
fi

if have kubectl || have kustomize; then
  for variant in base sidecar icmp sharded; do
    dir="$DEPLOY/kubernetes/base"
    [[ $variant == base ]] || dir="$DEPLOY/kubernetes/overlays/$variant"
    render_and_check() {
      render "$1" >"$TMP/$2.yaml" && python3 "$HERE/check_kubernetes.py" "$2" "$TMP/$2.yaml"
    }
    step "kustomize $variant renders and checks" render_and_check "$dir" "$variant"
  done

  # The reload-on-change mechanism: editing the config must change the
  # generated ConfigMap's name, hence the pod template, hence a rollout.
  config_hash_changes() {
    cp -r "$DEPLOY/kubernetes" "$TMP/k8s"
    local before after
    before="$(render "$TMP/k8s/base" | grep -o 'outage-exporter-config-[a-z0-9]*' | sort -u)"
    echo "# changed" >>"$TMP/k8s/base/config/outage_exporter.yml"
    after="$(render "$TMP/k8s/base" | grep -o 'outage-exporter-config-[a-z0-9]*' | sort -u)"
    echo "$before -> $after"
    [[ -n "$before" && -n "$after" && "$before" != "$after" ]]
  }
  step "config change renames ConfigMap (rollout)" config_hash_changes
else
  # No renderer: at least every manifest must be valid YAML. Overlay patches
  # are not applied, so this is much weaker than the rendered checks.
  skip "kustomize render (base, sidecar, icmp, sharded)" "neither kubectl nor kustomize installed"
  step "kubernetes YAML parses (no kustomize)" python3 -c '
import pathlib, sys, yaml
files = [p for p in pathlib.Path(sys.argv[1]).rglob("*") if p.suffix in (".yaml", ".yml")]
for p in files:
    list(yaml.safe_load_all(p.read_text()))
print(f"{len(files)} files parse")' "$DEPLOY/kubernetes"
fi

step "Dockerfile in step with make" python3 "$HERE/check_dockerfile.py"

# --- Example configs against the real loader -------------------------------------
EXPORTER="${OUTAGE_EXPORTER:-$ROOT/build/outage_exporter}"
if [[ -x "$EXPORTER" ]]; then
  config_check() {
    "$EXPORTER" --config.check --config.file="$1" 2>&1
  }
  for cfg in "$DEPLOY/kubernetes/base/config/outage_exporter.yml" \
             "$DEPLOY/kubernetes/overlays/sidecar/sidecar-config.yml" \
             "$DEPLOY/kubernetes/overlays/icmp/icmp-config.yml"; do
    step "config.check ${cfg#"$DEPLOY/kubernetes/"}" config_check "$cfg"
  done
else
  skip "outage_exporter --config.check on examples" "no binary at $EXPORTER (build first)"
fi

echo
[[ $skipped -eq 0 ]] || echo "skipped: $skipped (see SKIP lines)"
[[ $failed -eq 0 ]] || echo "failed: ${failed_names[*]}"
echo "time: $((SECONDS - START))s"
echo "deploy: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
