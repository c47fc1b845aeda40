#!/usr/bin/env bash
# instructions_per_probe.sh [N]: user-space instructions the exporter spends
# on one /probe of a loopback HTTP target, counted by valgrind's callgrind:
# N sequential probes (default 300, on one keep-alive client connection)
# after 20 unmeasured ones. Unlike CPU time, the count does not move with
# whatever else the machine is doing, so it compares two builds of the
# request path one run each; it leaves out the kernel's share (about half of
# the CPU a probe costs, see docs/sizing.md). Prints one line.
#
# Environment: OUTAGE_EXPORTER_BINARY (default $BUILD_DIR/outage_exporter,
# BUILD_DIR default build).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
ours_bin=${OUTAGE_EXPORTER_BINARY:-$root/${BUILD_DIR:-build}/outage_exporter}
probes=${1:-300}
[[ $probes =~ ^[0-9]+$ && $probes -ge 1 && $probes -le 5000 ]] ||
  { echo "usage: $0 [N, 1 to 5000]" >&2; exit 2; }
"$root/scripts/install-deps.sh" "$here/packages.txt"
[[ -x "$ours_bin" ]] || { echo "$0: $ours_bin not built (make build)" >&2; exit 1; }

bench_name=instructions
# shellcheck source=tests/bench/bench_lib.sh
source "$here/bench_lib.sh"

start_nginx

printf 'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http:\n      preferred_ip_protocol: ip4\n' \
  > "$work/ours.yml"
port=$(free_port)
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  "$ours_bin" --config.file="$work/ours.yml" --web.listen-address="127.0.0.1:$port" \
  --storage.path="$work/outage.db" --log.level=warn 2>"$work/valgrind.log" &
ours_pid=$!
pids+=("$ours_pid")
for _ in $(seq 1 300); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/-/healthy" && break
  sleep 0.2
done
url="http://127.0.0.1:$port/probe?module=http_2xx&target=http://127.0.0.1:$nginx_port/"
curl -s "$url" | grep -qx 'probe_success 1' || { log "a probe did not succeed"; exit 1; }
args=()
for _ in $(seq 1 20); do args+=("$url" -o /dev/null); done
curl -s "${args[@]}"
callgrind_control -z "$ours_pid" >/dev/null 2>&1
args=()
for _ in $(seq 1 "$probes"); do args+=("$url" -o /dev/null); done
curl -s "${args[@]}"
callgrind_control -d "$ours_pid" >/dev/null 2>&1
# The dump is written as callgrind.out.1 once the running process gets to it.
for _ in $(seq 1 50); do
  [[ -s $work/callgrind.out.1 ]] && break
  sleep 0.2
done
total=$(awk '/^(summary|totals):/ {print $2; exit}' "$work/callgrind.out.1")
echo "$(basename "$ours_bin"): $((total / probes)) instructions per /probe ($probes probes, user space)"
