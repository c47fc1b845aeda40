#!/usr/bin/env bash
# The listener comparison: the exporter's own epoll listener against one-page
# spikes of the two event-driven libraries Debian 12 offers (libmicrohttpd
# 0.9.75 and Boost.Beast 1.74, mhd_health.c and beast_health.cc, each serving
# /-/healthy from one event thread with 10 s timeouts), and blackbox_exporter
# 0.23 as the reference. For each: wrk at 64 clients on /-/healthy, with
# keep-alive and with a new connection per request (requests/s and CPU per
# request), then /-/healthy timed while 2,000 silent, 1,000 slowloris and
# 1,000 idle keep-alive connections are held (tests/bench/attack.py), and the
# peak RSS. Loopback only; about 5 minutes. Prints one markdown table.
#
# Environment: OUTAGE_EXPORTER_BINARY (default $BUILD_DIR/outage_exporter),
# BENCH_SECONDS per wrk run (default 10).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$(cd "$here/.." && pwd)
root=$(cd "$bench/../.." && pwd)
ours_bin=${OUTAGE_EXPORTER_BINARY:-$root/${BUILD_DIR:-build}/outage_exporter}
seconds=${BENCH_SECONDS:-10}
bench_name=listeners

"$root/scripts/install-deps.sh" "$bench/packages.txt" "$here/packages.txt"
[[ -x "$ours_bin" ]] || { echo "$bench_name: $ours_bin not built (make build)" >&2; exit 1; }
# shellcheck source=tests/bench/bench_lib.sh
source "$bench/bench_lib.sh"
ulimit -n 65536 2>/dev/null || true

cc -O2 -o "$work/mhd_health" "$here/mhd_health.c" -lmicrohttpd
c++ -O2 -std=c++17 -pthread -o "$work/beast_health" "$here/beast_health.cc"
printf 'modules:\n  http_2xx:\n    prober: http\n' > "$work/exporter.yml"

# start NAME PORT: starts one server on 127.0.0.1:PORT; sets pid.
start() {
  local port=$2
  case $1 in
    ours) "$ours_bin" --config.file="$work/exporter.yml" --web.listen-address="127.0.0.1:$port" \
            --storage.path="$work/outage-$port.db" --log.level=warn 2>>"$work/ours.log" & ;;
    blackbox) /usr/bin/prometheus-blackbox-exporter --config.file="$work/exporter.yml" \
            --web.listen-address="127.0.0.1:$port" --log.level=warn 2>>"$work/blackbox.log" & ;;
    libmicrohttpd) "$work/mhd_health" "$port" 2>>"$work/mhd.log" & ;;
    beast) "$work/beast_health" "$port" 2>>"$work/beast.log" & ;;
  esac
  pid=$!
  pids+=("$pid")
  wait_http "http://127.0.0.1:$port/-/healthy"
}

declare -A row
servers=(ours libmicrohttpd beast blackbox)
for name in "${servers[@]}"; do
  port=$(free_port)
  url="http://127.0.0.1:$port"
  start "$name" "$port"
  log "$name: wrk, keep-alive"
  run_wrk "$pid" 64 "$url/-/healthy"
  row[${name}_ka]="$rps / $cpu_ms"
  log "$name: wrk, a connection per request"
  run_wrk "$pid" 64 "$url/-/healthy" -H "Connection: close"
  row[${name}_close]="$rps / $cpu_ms"
  for spec in "silent 2000" "slow 1000" "idle 1000"; do
    read -r shape count <<<"$spec"
    log "$name: $count $shape connections"
    row[${name}_$shape]=$(python3 "$bench/attack.py" hold "$url" "$shape" "$count" |
      awk '{for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            printf "%s held, p50 %s ms, max %s ms, %s unanswered",
                   v["held"], v["healthy_p50_ms"], v["healthy_max_ms"], v["unanswered"]}')
  done
  row[${name}_hwm]=$(status_mib "$pid" VmHWM)
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done

echo
echo "Machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (at the end); ${seconds}s per wrk run."
echo
printf '| measure |'; printf ' %s |' "${servers[@]}"; echo
printf '|---|'; printf -- '---|%.0s' "${servers[@]}"; echo
line() {  # label key
  printf '| %s |' "$1"
  for name in "${servers[@]}"; do printf ' %s |' "${row[${name}_$2]}"; done
  echo
}
line "/-/healthy, 64 keep-alive clients: req/s / CPU ms per request" ka
line "/-/healthy, 64 clients, a connection per request: req/s / CPU ms per request" close
line "/-/healthy while 2,000 silent connections are held (20 samples)" silent
line "/-/healthy while 1,000 slowloris connections are held (one byte per 2 s)" slow
line "/-/healthy while 1,000 idle keep-alive connections are held" idle
line "peak RSS, VmHWM (MiB)" hwm
