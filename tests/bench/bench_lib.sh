# Shared by the benchmark scripts (bench.sh, instructions_per_probe.sh,
# spike/compare_listeners.sh): a work folder removed at exit with every
# process in `pids`, progress logging, ports, waiting for a server, the nginx
# target, and reading CPU and memory from /proc.
# Sourced, not run; the caller may set bench_name first (the log prefix).

work=$(mktemp -d "/tmp/outage-${bench_name:-bench}.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "${bench_name:-bench}: $*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: up to 10 s for any HTTP answer.
wait_http() {
  local i
  for i in $(seq 1 100); do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  log "nothing answers at $1"
  return 1
}

# start_nginx: nginx on a free loopback port (sets nginx_port) answering
# "ok" at every path, stopped at exit; returns once it answers.
start_nginx() {
  nginx_port=$(free_port)
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<EOF
worker_processes auto;
worker_rlimit_nofile 65536;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    # One scrape opens thousands of connections at once: the default
    # backlog (511) would drop SYNs and turn them into probe timeouts.
    listen 127.0.0.1:$nginx_port backlog=4096;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
EOF
  ulimit -n 65536 2>/dev/null || true
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  pids+=($!)
  wait_http "http://127.0.0.1:$nginx_port/"
}

# cpu_ticks PID: user + system CPU of the whole process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# status_mib PID FIELD: a Vm* field of /proc/PID/status in MiB.
status_mib() { awk -v f="$2:" '$1 == f {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# peak_anon_mib PID OUT: samples RssAnon (heap, stacks: what the process
# allocated, as opposed to the code it maps) every 50 ms until PID exits or
# OUT.stop appears, then writes the largest value in MiB to OUT. Bounded: at
# most 20 minutes of samples.
peak_anon_mib() {
  local pid=$1 out=$2 max=0 kb i
  for ((i = 0; i < 24000; i++)); do
    [[ -e $out.stop ]] && break
    kb=$(awk '$1 == "RssAnon:" {print $2}' "/proc/$pid/status" 2>/dev/null) || break
    [[ -n $kb ]] || break
    ((kb > max)) && max=$kb
    sleep 0.05
  done
  awk -v k="$max" 'BEGIN {printf "%.1f", k / 1024}' >"$out"
}
now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }
# ratio A B: A/B with two decimals, or "-" when either is missing.
ratio() { python3 -c "a, b = '$1', '$2'
print('%.2f' % (float(a) / float(b)) if a not in ('', '-') and b not in ('', '-') and float(b) else '-')"; }

# run_wrk PID CONNECTIONS URL [wrk args...]: sets rps, requests, errors and
# cpu_ms (CPU milliseconds of PID per request; "-" without PID). Runs for
# $seconds.
run_wrk() {
  local pid=$1 conns=$2 url=$3 out t0 t1
  shift 3
  t0=$([[ $pid == - ]] && echo 0 || cpu_ticks "$pid")
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" "$@" "$url")
  t1=$([[ $pid == - ]] && echo 0 || cpu_ticks "$pid")
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  if [[ $pid == - ]]; then cpu_ms=-; else
    cpu_ms=$(calc "'%.3f' % (($t1 - $t0) * 1000.0 / $hz / max($requests, 1))"); fi
  [[ -z $errors ]] || log "wrk against $url: $errors"
}
