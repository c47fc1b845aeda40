#!/usr/bin/env bash
# Fails (listing the files) when a C/C++ source of ours differs from what
# clang-format makes of it with the repository's .clang-format. Fix with:
#   clang-format -i $(git ls-files '*.cc' '*.h' '*.c')
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang-format >/dev/null; then
  echo "clang-format is not installed (make deps-test installs it)" >&2
  exit 1
fi
if git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cc' '*.h' '*.c')
else  # a source tree without .git (an exported archive)
  mapfile -t files < <(find collectors config diagnosis exporter tests \
                         -name '*.cc' -o -name '*.h' -o -name '*.c')
fi
if [ "${#files[@]}" -eq 0 ]; then
  echo "no sources found" >&2
  exit 1
fi
# One clang-format run over every file; each difference is a warning that
# starts with the file's name.
report=$(clang-format --dry-run --Werror "${files[@]}" 2>&1) && status=0 || status=$?
if [ "$status" -ne 0 ]; then
  mapfile -t unformatted < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: (error|warning)' <<<"$report" |
                              cut -d: -f1 | sort -u)
  echo "${#unformatted[@]} of ${#files[@]} files are not clang-formatted:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  [ "${#unformatted[@]}" -ne 0 ] || echo "$report" >&2  # clang-format itself failed
  exit 1
fi
echo "all ${#files[@]} sources are clang-formatted"
