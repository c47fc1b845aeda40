#!/usr/bin/env bash
# `make bench`: outage_exporter against blackbox_exporter, side by side in one
# run, on loopback, against the same nginx URL with the same http_2xx module.
# Prints one markdown table (progress goes to stderr).
#
# Environment: OUTAGE_EXPORTER_BINARY (default $BUILD_DIR/outage_exporter,
# BUILD_DIR default build), BENCH_SECONDS per wrk run (default 10),
# BENCH_TARGETS (default "1000 10000"), BENCH_PARTS: which parts run, any of
# "probe attack targets" (the default, all three); the table shows theirs.
# BENCH_SCRAPES: scrapes of each N-target exporter for the "VmHWM after"
# row (default 2; the state kept across scrapes is made by the first).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
ours_bin=${OUTAGE_EXPORTER_BINARY:-$root/${BUILD_DIR:-build}/outage_exporter}
blackbox_bin=/usr/bin/prometheus-blackbox-exporter
seconds=${BENCH_SECONDS:-10}
target_counts=${BENCH_TARGETS:-1000 10000}
parts=" ${BENCH_PARTS:-probe attack targets} "
scrapes=${BENCH_SCRAPES:-2}
# part NAME: whether BENCH_PARTS includes NAME.
part() { [[ $parts == *" $1 "* ]]; }

"$root/scripts/install-deps.sh" "$here/packages.txt"
[[ -x "$ours_bin" ]] || { echo "bench: $ours_bin not built (make build)" >&2; exit 1; }

# shellcheck source=tests/bench/bench_lib.sh
source "$here/bench_lib.sh"

# --- nginx: the target, one location, loopback only -------------------------
start_nginx
target_url="http://127.0.0.1:$nginx_port/"

# --- the two exporters, same module ------------------------------------------
module_yaml='modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4'
echo "$module_yaml" > "$work/blackbox.yml"
echo "$module_yaml" > "$work/ours.yml"

# start_ours CONFIG [FLAG...]: starts our exporter; sets ours_pid and ours_url.
start_ours() {
  local port config=$1
  shift
  port=$(free_port)
  "$ours_bin" --config.file="$config" --web.listen-address="127.0.0.1:$port" \
    --storage.path="$work/outage-$port.db" --log.level=warn "$@" 2>>"$work/ours.log" &
  ours_pid=$!
  pids+=("$ours_pid")
  ours_url="http://127.0.0.1:$port"
  wait_http "$ours_url/-/healthy"
}
start_blackbox() {
  local port
  port=$(free_port)
  "$blackbox_bin" --config.file="$work/blackbox.yml" --web.listen-address="127.0.0.1:$port" \
    --log.level=warn 2>>"$work/blackbox.log" &
  bb_pid=$!
  pids+=("$bb_pid")
  bb_url="http://127.0.0.1:$port"
  wait_http "$bb_url/-/healthy"
}
stop_pid() {
  local pid keep=()
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  for pid in "${pids[@]}"; do [[ $pid == "$1" ]] || keep+=("$pid"); done
  pids=("${keep[@]}")
}

# check_probe BASE: one probe must succeed, or the numbers mean nothing.
check_probe() {
  curl -s --max-time 10 "$1/probe?module=http_2xx&target=$target_url" | grep -qx 'probe_success 1' ||
    { echo "bench: a probe through $1 did not succeed" >&2; exit 1; }
}

# --- /probe throughput -------------------------------------------------------
declare -A row
if part probe; then
  start_ours "$work/ours.yml"
  start_blackbox
  check_probe "$ours_url"
  check_probe "$bb_url"
  sleep 1
  row[ours_idle]=$(status_mib "$ours_pid" VmRSS)
  row[bb_idle]=$(status_mib "$bb_pid" VmRSS)
  # File-backed pages are the binary and its shared libraries (code, read-only
  # data); anonymous ones are what the process allocated. blackbox is one
  # static Go binary, we are a small binary plus libcurl's, OpenSSL's and
  # libstdc++'s libraries: the split shows where each one's memory goes.
  row[ours_file]=$(status_mib "$ours_pid" RssFile)
  row[bb_file]=$(status_mib "$bb_pid" RssFile)
  for c in 16 64; do
    log "/probe at $c clients, ${seconds}s each"
    [[ $c == 64 ]] && { peak_anon_mib "$ours_pid" "$work/ours.anon" & }
    run_wrk "$ours_pid" "$c" "$ours_url/probe?module=http_2xx&target=$target_url"
    row[ours_rps_$c]=$rps; row[ours_cpu_$c]=$cpu_ms
    [[ $c == 64 ]] && { touch "$work/ours.anon.stop"; wait $!; row[ours_anon]=$(<"$work/ours.anon"); }
    [[ $c == 64 ]] && { peak_anon_mib "$bb_pid" "$work/bb.anon" & }
    run_wrk "$bb_pid" "$c" "$bb_url/probe?module=http_2xx&target=$target_url"
    row[bb_rps_$c]=$rps; row[bb_cpu_$c]=$cpu_ms
    [[ $c == 64 ]] && { touch "$work/bb.anon.stop"; wait $!; row[bb_anon]=$(<"$work/bb.anon"); }
  done
  row[ours_hwm]=$(status_mib "$ours_pid" VmHWM)
  row[bb_hwm]=$(status_mib "$bb_pid" VmHWM)
  # The libraries alone under the same load: the part of the peak that no
  # change to the exporter's own code can remove (see library_floor.cc).
  log "library floor: the exporter's libraries, 64 transfers at once, no exporter code"
  # shellcheck disable=SC2046 # pkg-config prints several flags
  c++ -O2 -std=c++17 -o "$work/library_floor" "$here/library_floor.cc" \
    $(pkg-config --cflags --libs libcurl libcares libssl libcrypto sqlite3 yaml-cpp re2 libidn2) \
    -lprometheus-cpp-core -lcrypt
  row[floor_hwm]=$("$work/library_floor" "$target_url" |
    awk '{for (i = 1; i <= NF; i++) if ($i ~ /^VmHWM:/) kib = substr($i, 7)} END {printf "%.1f", kib / 1024}')
  log "nginx ceiling: Connection: close at 64 clients"
  run_wrk - 64 "$target_url" -H "Connection: close"
  row[ceiling]=$rps
  stop_pid "$ours_pid"
  stop_pid "$bb_pid"
fi

# --- connection attacks (attack.py) and overload (overload_client.cc) ---------
# /-/healthy timed while connections that send nothing, trickle a head or sit
# idle after a keep-alive answer are held (and replaced when closed).
if part attack; then
  start_ours "$work/ours.yml"
  start_blackbox
  for spec in "silent 2000" "slow 1000" "idle 1000"; do
    read -r shape count <<<"$spec"
    log "attack: $count $shape connections"
    row[ours_attack_$shape]=$(python3 "$here/attack.py" hold "$ours_url" "$shape" "$count")
    row[bb_attack_$shape]=$(python3 "$here/attack.py" hold "$bb_url" "$shape" "$count")
  done
  stop_pid "$ours_pid"
  stop_pid "$bb_pid"
  # 200 clients on a target that never answers, over --probe.max-concurrent=50.
  printf '%s\n  http_hang:\n    prober: http\n    timeout: 3s\n' "$module_yaml" > "$work/hang.yml"
  start_ours "$work/hang.yml" --probe.max-concurrent=50
  log "overload: 200 clients, a hanging target, --probe.max-concurrent=50"
  c++ -O2 -std=c++17 -pthread -o "$work/overload_client" "$here/overload_client.cc"
  row[overload]=$("$work/overload_client" 127.0.0.1 "${ours_url##*:}" 200 "$seconds")
  stop_pid "$ours_pid"
fi

# --- one scrape over N configured targets vs N /probe through blackbox --------
part targets || target_counts=""
for n in $target_counts; do
  log "$n targets: one /metrics scrape"
  { echo "$module_yaml"; echo "targets:"
    for i in $(seq 1 "$n"); do
      echo "  - target: http://127.0.0.1:$nginx_port/t/$i"
      echo "    module: http_2xx"
    done; } > "$work/targets-$n.yml"
  start_ours "$work/targets-$n.yml"
  c0=$(cpu_ticks "$ours_pid"); w0=$(now)
  first_byte=$(curl -s --max-time 60 -o "$work/scrape-$n.txt" -w '%{time_starttransfer}' \
    "$ours_url/metrics")
  w1=$(now); c1=$(cpu_ticks "$ours_pid")
  ok=$(grep -c '^probe_success{.*} 1$' "$work/scrape-$n.txt" || true)
  [[ $ok == "$n" ]] || log "only $ok of $n targets succeeded in our scrape"
  row[ours_wall_$n]=$(calc "'%.3f' % ($w1 - $w0)")
  row[ours_cpus_$n]=$(calc "'%.2f' % (($c1 - $c0) / $hz)")
  row[ours_rss_$n]=$(status_mib "$ours_pid" VmHWM)
  row[ours_first_$n]=$(calc "'%.3f' % $first_byte")
  # The state kept across scrapes is made by the first; later scrapes run
  # with it in place.
  for ((s = 2; s <= scrapes; s++)); do curl -s --max-time 60 -o /dev/null "$ours_url/metrics"; done
  row[ours_rss2_$n]=$(status_mib "$ours_pid" VmHWM)
  stop_pid "$ours_pid"

  log "$n targets: one /probe each through blackbox at 64 clients"
  start_blackbox
  c0=$(cpu_ticks "$bb_pid"); w0=$(now)
  TARGETS=$n TARGET_BASE="http://127.0.0.1:$nginx_port/t/" \
    wrk -t1 -c64 -d120s -s "$here/cycle_targets.lua" "$bb_url" >/dev/null 2>"$work/wrk-bb-$n.txt"
  w1=$(now); c1=$(cpu_ticks "$bb_pid")
  grep -q "answered=$n failed=0" "$work/wrk-bb-$n.txt" ||
    log "blackbox: $(cat "$work/wrk-bb-$n.txt") of $n probes"
  row[bb_wall_$n]=$(calc "'%.3f' % ($w1 - $w0)")
  row[bb_cpus_$n]=$(calc "'%.2f' % (($c1 - $c0) / $hz)")
  row[bb_rss_$n]=$(status_mib "$bb_pid" VmHWM)
  stop_pid "$bb_pid"
done

# --- the table -----------------------------------------------------------------
line() {  # label ours blackbox goal
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4"
}
echo
echo "Machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) (at the end of the run); ${seconds}s per wrk run."
echo
echo "| measure | outage_exporter | blackbox_exporter | ours/blackbox | goal |"
echo "|---|---|---|---|---|"
if part probe; then
  line "/probe throughput, 16 clients (probes/s)" "${row[ours_rps_16]}" "${row[bb_rps_16]}" ""
  line "/probe throughput, 64 clients (probes/s)" "${row[ours_rps_64]}" "${row[bb_rps_64]}" "≥ 3"
  line "CPU per probe, 16 clients (ms)" "${row[ours_cpu_16]}" "${row[bb_cpu_16]}" ""
  line "CPU per probe, 64 clients (ms)" "${row[ours_cpu_64]}" "${row[bb_cpu_64]}" "≤ 0.25"
  line "idle RSS (MiB)" "${row[ours_idle]}" "${row[bb_idle]}" ""
  line "peak RSS after 64 clients, VmHWM (MiB)" "${row[ours_hwm]}" "${row[bb_hwm]}" "≤ 0.5"
  line "peak RSS of the libraries alone, same load, no exporter code (MiB)" "${row[floor_hwm]}" \
    "${row[bb_hwm]}" ""
  line "idle file-backed RSS: binary + shared libraries (MiB)" "${row[ours_file]}" "${row[bb_file]}" ""
  line "peak anonymous RSS during 64 clients, sampled (MiB)" "${row[ours_anon]}" "${row[bb_anon]}" ""
  echo "| ceiling: wrk at nginx, \`Connection: close\`, 64 clients (req/s) | ${row[ceiling]} | | | |"
fi
for n in $target_counts; do
  goal=$([[ $n == 1000 ]] && echo "ours < 1 s" || echo "ours < 5 s")
  rss_goal=$([[ $n == 10000 ]] && echo "ours < 100" || echo "")
  line "$n targets: wall time (s)" "${row[ours_wall_$n]}" "${row[bb_wall_$n]}" "$goal"
  line "$n targets: ours, first byte of the body (s)" "${row[ours_first_$n]}" "" ""
  line "$n targets: CPU time (s)" "${row[ours_cpus_$n]}" "${row[bb_cpus_$n]}" ""
  line "$n targets: peak RSS, VmHWM (MiB)" "${row[ours_rss_$n]}" "${row[bb_rss_$n]}" "$rss_goal"
  line "$n targets: ours, VmHWM after $scrapes scrapes (MiB)" "${row[ours_rss2_$n]}" "" \
    "$rss_goal"
done
[[ -z $target_counts ]] || printf '\n%s %s %s\n' "outage_exporter: one /metrics scrape over N configured" \
  "targets; blackbox_exporter: N /probe requests, 64 at a time (wrk +" \
  "tests/bench/cycle_targets.lua). All on 127.0.0.1."
part attack || exit 0
echo
echo "| /-/healthy (20 samples) while held | outage_exporter | blackbox_exporter |"
echo "|---|---|---|"
for spec in "silent 2000" "slow 1000" "idle 1000"; do
  read -r shape count <<<"$spec"
  echo "| $count $shape connections | ${row[ours_attack_$shape]} | ${row[bb_attack_$shape]} |"
done
echo
echo "Overload, ours (200 clients, hanging target, cap 50, module timeout 3 s): ${row[overload]}"
