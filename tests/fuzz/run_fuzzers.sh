#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for
# SECONDS on a scratch copy of its seed corpus (the repo is never modified).
# Prints one line per target; exits non-zero if any target crashed.
# Usage: tests/fuzz/run_fuzzers.sh SECONDS   (BUILD_DIR, JOBS to override)
set -euo pipefail

seconds=${1:?usage: $0 SECONDS}
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${BUILD_DIR:-$root/build-fuzz}
jobs=${JOBS:-$(nproc)}
targets=(fuzz_config_loader fuzz_dns_message fuzz_vendor_status_parser fuzz_query_response
         fuzz_probe_query fuzz_request_head fuzz_target_text)

CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOUTAGE_FUZZ=ON -DOUTAGE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j"$jobs" --target "${targets[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp -r "$root/tests/fuzz/corpus/$t/." "$work/$t/corpus/" 2>/dev/null || true
  log="$work/$t/log"
  rc=0
  # Run from the scratch dir: crash-* files land in artifacts/, not the repo.
  # -malloc_limit_mb catches runaway growth with a stack and the input saved;
  # the kill is a backstop, as libFuzzer's RSS-limit handler can take many
  # minutes to print its heap profile before saving the input.
  (cd "$work/$t" && timeout -k 10 $((seconds + 120)) "$build_dir/fuzz/$t" \
     -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=25 \
     -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" corpus \
     >"$log" 2>&1) || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [[ $rc -eq 0 ]]; then
    summary+=("$t: ok, ${execs:-?} executions in ${seconds}s")
  else
    failed=1
    summary+=("$t: CRASH (exit $rc) after ${execs:-?} executions")
    echo "==== $t failed; log tail:" >&2
    tail -n 60 "$log" >&2
    for a in "$work/$t"/artifacts/*; do
      [[ -e $a ]] || continue
      mkdir -p "$build_dir/fuzz/crashes/$t"
      cp "$a" "$build_dir/fuzz/crashes/$t/"
      echo "==== input kept as $build_dir/fuzz/crashes/$t/$(basename "$a") (base64):" >&2
      head -c 4096 "$a" | base64 >&2
    done
  fi
done
printf '%s\n' "${summary[@]}"
exit $failed
