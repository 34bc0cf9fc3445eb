#!/bin/sh
# Scoring benchmark beside its Python peer (same workload, same run), with ratios.
#   bench/scoring/run.sh [BUILD_DIR]    (default: build; configure with -DCMAKE_BUILD_TYPE=Release for real numbers)
# python3-scipy cannot be apt-installed here (python3-pythran conflicts with Boost 1.81),
# so its .deb (and liblbfgsb0, which scipy.optimize loads) are unpacked under
# BUILD_DIR/bench-peer/ and used through PYTHONPATH / LD_LIBRARY_PATH.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
PEER=$BUILD/bench-peer
PEER_ITEMS=${PEER_ITEMS:-1000}
mkdir -p "$PEER"
if [ ! -d "$PEER/usr/lib/python3/dist-packages/scipy" ]; then
  (cd "$PEER" && apt-get download python3-scipy liblbfgsb0 >/dev/null 2>&1 && for f in *.deb; do dpkg -x "$f" .; done)
fi
cmake --build "$BUILD" --target bench_scoring >/dev/null
"$BUILD/bench/scoring/bench_scoring" --data "$PEER/workload.json" > "$PEER/cpp.txt"
LD_LIBRARY_PATH="$PEER/usr/lib/x86_64-linux-gnu" PYTHONPATH="$PEER/usr/lib/python3/dist-packages" \
  /usr/bin/python3 "$ROOT/bench/scoring/peer.py" "$PEER/workload.json" --items "$PEER_ITEMS" > "$PEER/peer.txt"
/usr/bin/python3 - "$PEER/cpp.txt" "$PEER/peer.txt" <<'PY'
import sys
def load(p): return dict(l.split(None, 1) for l in open(p) if l.strip())
c, p = load(sys.argv[1]), load(sys.argv[2])
f = lambda d, k: float(d[k])
print(f"{'figure':34} {'goldset':>14} {'peer':>14} {'ratio':>8}  target")
def row(name, k, higher_better, target):
    g, q = f(c, k), f(p, k)
    ratio = g / q if higher_better else q / g
    print(f"{name:34} {g:14.3f} {q:14.3f} {ratio:7.1f}x  {target}")
row("items/s, 1 thread (CPU time)", "items_per_s_1thread", True, ">= 30x")
print(f"{'items/s, ' + c['threads'].strip() + ' threads (wall)':34} {f(c, 'items_per_s_all_cores'):14.3f}")
print(f"{'items/s, 1 thread (wall)':34} {f(c, 'items_per_s_1thread_wall'):14.3f}")
row("Levenshtein similarity pairs/s", "lev_pairs_per_s", True, ">= 20x")
row("200x200 assignment ms (best of 20)", "assign200_ms", False, ">= 1x (no slower)")
print(f"cross-checks: run accuracy goldset {c['run_accuracy_first1000'].strip()} / peer {p['run_accuracy'].strip()} (first 1000 items; all {c['items'].strip()}: {c['run_accuracy'].strip()});"
      f" mean similarity {c['lev_mean_similarity'].strip()} / {p['lev_mean_similarity'].strip()};"
      f" assignment cost {c['assign200_cost'].strip()} / {p['assign200_cost'].strip()}")
PY

# Row pairing at scale beside scipy (F2 of the 2026-12 security audit).
"$ROOT/bench/scoring/run_assignment.sh" "$BUILD"
