#!/bin/sh
# Lists the C++ files of src/, tests/unit, bench and tools that clang-format (.clang-format
# at the repository root) would change, and exits 1 if there is any. Fix with
#   clang-format -i FILE...
# usage: scripts/check-format.sh [CLANG_FORMAT]   (default: clang-format-14, else clang-format)
set -u
cd "$(dirname "$0")/.." || exit 2
CF=${1:-$(command -v clang-format-14 || command -v clang-format)}
[ -n "$CF" ] || { echo "check-format: clang-format not found (apt-get install clang-format)" >&2; exit 2; }
bad=0
for f in $(git ls-files 'src/*.cpp' 'src/*.h' 'tests/unit/*.cpp' 'tests/unit/*.h' 'bench/*.cpp' 'bench/*.h' \
                         'tools/*.cpp' 'tools/*.h'); do
  if ! "$CF" --style=file "$f" | cmp -s - "$f"; then
    echo "$f"
    bad=1
  fi
done
[ $bad -eq 0 ] || echo "check-format: the files above are not formatted (clang-format -i FILE)" >&2
exit $bad
