#!/usr/bin/env bash
# Fails (printing the findings) when a source of ours under collectors/,
# config/, diagnosis/ or exporter/ breaks a check in the repository's
# .clang-tidy. Usage: check_tidy.sh BUILD_DIR (holding compile_commands.json).
#
# The tests are not linted: they would double the time (GoogleTest's headers
# are large) for code whose naming the review already sees. A file that
# passed is remembered in BUILD_DIR/clang-tidy-passed/ under a hash of its
# text, every header of ours and .clang-tidy, so a rerun lints only the files
# that such a change can affect.
set -euo pipefail
build_dir=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
cd "$(dirname "$0")/../.."
if ! command -v clang-tidy >/dev/null; then
  echo "clang-tidy is not installed (Debian package clang-tidy; make deps-test installs it)" >&2
  exit 1
fi
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "$build_dir/compile_commands.json is missing (configure with CMake first)" >&2
  exit 1
fi
dirs=(collectors config diagnosis exporter)
if git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t sources < <(git ls-files "${dirs[@]/%//*.cc}")
  mapfile -t headers < <(git ls-files '*.h')
else  # a source tree without .git (an exported archive)
  mapfile -t sources < <(find "${dirs[@]}" -name '*.cc')
  mapfile -t headers < <(find "${dirs[@]}" tests -name '*.h')
fi

passed_dir=$build_dir/clang-tidy-passed
mkdir -p "$passed_dir"
context=$(cat .clang-tidy "${headers[@]}" | sha256sum | cut -c1-64)
todo=()
for f in "${sources[@]}"; do
  key=$( (echo "$context"; cat "$f") | sha256sum | cut -c1-16)
  [ -e "$passed_dir/$key" ] || todo+=("$f:$key")
done
echo "clang-tidy: ${#todo[@]} of ${#sources[@]} files to lint"
[ "${#todo[@]}" -eq 0 ] && exit 0

# lint FILE:KEY: runs clang-tidy on FILE; on success remembers KEY.
lint() {
  local file=${1%:*} key=${1##*:} out
  if out=$(clang-tidy -p "$build_dir" --quiet "$file" 2>&1); then
    touch "$passed_dir/$key"
  else
    grep -v ' warnings\? generated\.$' <<<"$out" >&2
    return 1
  fi
}
export -f lint
export build_dir passed_dir
if printf '%s\n' "${todo[@]}" | xargs -P"$(nproc)" -n1 bash -c 'lint "$0"'; then
  echo "clang-tidy: all ${#sources[@]} files pass"
else
  echo "clang-tidy found problems (above); fix them or, for a check that is wrong" \
       "here, say why in a NOLINT comment or in .clang-tidy" >&2
  exit 1
fi
