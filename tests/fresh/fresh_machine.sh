#!/usr/bin/env bash
# Proves the README's quick start and the Dockerfile from nothing: on a fresh
# Debian 12 root (debootstrap minbase plus build-essential, cmake, git,
# python3 and curl, what a new VM or a debian:bookworm container has), run
# `make run` and check that /metrics answers on :9115, then `make test`; then
# build the container image with podman on a bookworm minbase image and check
# that it serves /metrics as a non-root user. Prints the time of each step.
#
# Usage: tests/fresh/fresh_machine.sh [run-test|test-run|image-only] [--no-image]
#   run-test (default): `make run` first, then `make test` in the same root.
#   test-run:           `make test` first, then `make run`.
#   image-only:         only the container image.
# Needs root (chroot, mounts, podman). The pristine bookworm root is cached in
# $FRESH_CACHE (default /var/cache/outage-fresh); the work root lives in
# $FRESH_WORK (default build-fresh/ in the repository) and is made anew.
# Packages come from the Debian mirror this machine's apt uses.
set -euo pipefail

order=run-test
image=1
for arg in "$@"; do
  case "$arg" in
    run-test|test-run|image-only) order=$arg ;;
    --no-image) image=0 ;;
    *) echo "usage: $0 [run-test|test-run|image-only] [--no-image]" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${FRESH_CACHE:-/var/cache/outage-fresh}
work=${FRESH_WORK:-$repo/build-fresh}
root=$work/root
port=9115

log() { printf '[fresh %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*"; exit 1; }
elapsed() { echo $(( $(date +%s) - $1 ))s; }

[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, chroot, mounts, podman)"
# The fresh root shares this machine's network: :9115 must be free for it.
! curl -s -o /dev/null "http://127.0.0.1:$port/" || die "port $port is already in use here"

# The host's own Debian tools; they are not part of what is being proven.
host_packages=(debootstrap)
(( image )) && host_packages+=(podman)
"$repo/scripts/install-deps.sh" <(printf '%s\n' "${host_packages[@]}")

# Mirror: the first Debian archive this machine's apt is configured with.
mirror=${FRESH_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
  awk '$1 == "URIs:" || $1 == "deb" {print $2}' | grep -m 1 -E '/debian/?$' || true)}
[[ -n "$mirror" ]] || die "no Debian mirror found in /etc/apt (set FRESH_MIRROR)"

# 1. A pristine bookworm minbase, cached as a tarball: the image's base too.
base_tar=$cache/bookworm-minbase.tar
if [[ ! -s $base_tar ]]; then
  t=$(date +%s)
  log "debootstrap --variant=minbase bookworm from $mirror"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/debootstrap.XXXXXX")
  debootstrap --variant=minbase bookworm "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    die "debootstrap (see $cache/debootstrap.log)"
  tar -C "$tmp" -cf "$base_tar.part" . && mv "$base_tar.part" "$base_tar"
  rm -rf "$tmp"
  log "base root cached in $(elapsed "$t")"
fi

# Every mount below lives in this script's own mount namespace, so nothing is
# left mounted when it exits, however it exits.
if [[ -z "${FRESH_IN_MOUNT_NS:-}" ]]; then
  exec env FRESH_IN_MOUNT_NS=1 unshare --mount --propagation private "$0" "$@"
fi

if [[ $order != image-only ]]; then
# 2. The fresh machine: the base plus what the README assumes a user has.
dev_tar=$cache/bookworm-dev.tar
rm -rf "$work"
mkdir -p "$root"
if [[ -s $dev_tar ]]; then tar -C "$root" -xf "$dev_tar"; else tar -C "$root" -xf "$base_tar"; fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
# What a VM's installer or a container runtime provides and debootstrap does
# not: /etc/hosts naming localhost, and a root that is a mount point (so that
# `unshare --mount --propagation private`, which the namespace tests use,
# works inside it as it does in a container).
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
mount --bind "$root" "$root"
mount_root() {
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/dev/shm"
  mount -t tmpfs tmpfs "$root/run"
  mount -t tmpfs tmpfs "$root/tmp"
}
mount_root
in_root() { chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -c "$1"; }
if [[ ! -s $dev_tar ]]; then
  t=$(date +%s)
  log "installing build-essential cmake git python3 curl"
  in_root 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends build-essential cmake git python3 curl ca-certificates >/dev/null' ||
    die "installing the fresh machine's packages"
  in_root 'apt-get clean'
  umount -R "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp"
  tar -C "$root" -cf "$dev_tar.part" . && mv "$dev_tar.part" "$dev_tar"
  mount_root
  log "fresh machine cached in $(elapsed "$t")"
fi

# 3. The project as it stands in this working tree (committed or not).
mkdir -p "$root/src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
  tar --null -T - -cf -) | tar -C "$root/src" -xf -

make_run() {
  local t=$(date +%s)
  log "make run (from $( [[ -e $root/src/build/CMakeCache.txt ]] && echo 'after make test' || echo nothing))"
  in_root "cd /src && exec make run ARGS='--web.listen-address=127.0.0.1:$port'" \
    >"$work/make-run.log" 2>&1 &
  local pid=$! ok=0
  # Packages and the build come first: allow them up to 40 minutes.
  for _ in $(seq 1 2400); do
    if curl -fsS -o "$work/metrics.txt" "http://127.0.0.1:$port/metrics" 2>/dev/null; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  pkill -TERM -f "outage_exporter --web.listen-address=127.0.0.1:$port" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  (( ok )) || { tail -n 30 "$work/make-run.log"; die "make run did not serve /metrics on :$port"; }
  if [[ $order == run-test ]] && compgen -G "$root/src/build/tests/*/*_test" >/dev/null; then
    die "make run built test binaries: it should build only the exporter"
  fi
  grep -q '^outage_exporter_build_info' "$work/metrics.txt" || die "/metrics has no outage_exporter_build_info"
  log "make run served /metrics on :$port after $(elapsed "$t")"
}

make_test() {
  local t=$(date +%s)
  log "make test"
  in_root "cd /src && make test" >"$work/make-test.log" 2>&1 ||
    { tail -n 60 "$work/make-test.log"; die "make test (log: $work/make-test.log)"; }
  log "make test: $(grep -E 'tests passed|tests failed' "$work/make-test.log" | tail -n 1) in $(elapsed "$t")"
}

case $order in
  run-test) make_run; make_test ;;
  test-run) make_test; make_run ;;
esac
fi

# 4. The container image, built by podman on a bookworm minbase image.
if (( image )); then
  t=$(date +%s)
  export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs}
  # debian:bookworm-slim is minbase without the downloaded packages that
  # debootstrap leaves in /var/cache/apt/archives.
  slim_tar=$cache/bookworm-slim.tar
  if [[ ! -s $slim_tar ]]; then
    cp "$base_tar" "$slim_tar.part"
    tar --delete --wildcards -f "$slim_tar.part" './var/cache/apt/archives/*.deb'
    mv "$slim_tar.part" "$slim_tar"
  fi
  podman image exists docker.io/library/debian:bookworm-slim ||
    podman import -q "$slim_tar" docker.io/library/debian:bookworm-slim >/dev/null
  log "podman build"
  podman build --isolation=chroot --network=host --pull=never -t localhost/outage_exporter:fresh \
    "$repo" >"$work/podman-build.log" 2>&1 || { tail -n 40 "$work/podman-build.log"; die "podman build"; }
  podman rm -f outage-fresh >/dev/null 2>&1 || true
  user=$(podman image inspect --format '{{.Config.User}}' localhost/outage_exporter:fresh)
  workdir=$(podman image inspect --format '{{.Config.WorkingDir}}' localhost/outage_exporter:fresh)
  runner=podman
  if ! podman run -d --name outage-fresh --network=host localhost/outage_exporter:fresh \
      --web.listen-address=127.0.0.1:$port >/dev/null 2>"$work/podman-run.err"; then
    # Where the OCI runtime cannot start containers (no CAP_SYS_RESOURCE for
    # its rlimits, or cgroups in hybrid mode, as in some sandboxes), run the
    # image's own file system instead: its binary and libraries, as its user,
    # in its working directory.
    log "podman run failed ($(head -c 160 "$work/podman-run.err")); running the image's root with chroot"
    podman rm -f outage-fresh >/dev/null 2>&1 || true
    podman create --name outage-fresh localhost/outage_exporter:fresh >/dev/null
    image_root=$(podman mount outage-fresh)
    chroot --userspec="$user" "$image_root" /bin/sh -c \
      "cd '$workdir' && exec /usr/local/bin/outage_exporter --web.listen-address=127.0.0.1:$port" \
      >"$work/image.log" 2>&1 &
    runner=$!
  fi
  ok=0
  for _ in $(seq 1 60); do
    if curl -fsS -o "$work/image-metrics.txt" "http://127.0.0.1:$port/metrics" 2>/dev/null; then ok=1; break; fi
    sleep 0.5
  done
  if [[ $runner == podman ]]; then
    uid=$(podman top outage-fresh huser user 2>/dev/null | tail -n 1 || true)
    podman logs outage-fresh >"$work/image.log" 2>&1 || true
  else
    uid=$(ps -o user= -p "$(pgrep -P "$runner" -f outage_exporter || echo "$runner")" 2>/dev/null || true)
    kill "$runner" 2>/dev/null || true
    pkill -f "outage_exporter --web.listen-address=127.0.0.1:$port" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
    podman umount outage-fresh >/dev/null 2>&1 || true
  fi
  podman rm -f outage-fresh >/dev/null 2>&1 || true
  (( ok )) || { cat "$work/image.log"; die "the image did not serve /metrics"; }
  grep -q '^outage_exporter_build_info' "$work/image-metrics.txt" || die "image /metrics has no build info"
  user=$(podman image inspect --format '{{.Config.User}}' localhost/outage_exporter:fresh)
  [[ -n "$user" && "$user" != root && "$user" != 0* ]] || die "the image runs as root (User=$user)"
  size=$(podman image inspect --format '{{.Size}}' localhost/outage_exporter:fresh)
  log "image serves /metrics as user $user (running as: $uid); size $((size / 1024 / 1024)) MiB; built in $(elapsed "$t")"
fi
log "all steps passed"
