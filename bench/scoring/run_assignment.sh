#!/bin/sh
# Row pairing at 1,000 and 5,000 rows (F2 of the 2026-12 security audit): the int32
# assignment beside scipy's linear_sum_assignment on the same matrices (CPU time; peak
# RSS of each process, the matrix included), then whole items through ScoreItem (ours
# only: scipy has no scorer). scipy comes unpacked from Debian's .deb, as in run.sh.
#   bench/scoring/run_assignment.sh [BUILD_DIR]    (default: build)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
PEER=$BUILD/bench-peer
mkdir -p "$PEER"
if [ ! -d "$PEER/usr/lib/python3/dist-packages/scipy" ]; then
  (cd "$PEER" && apt-get download python3-scipy liblbfgsb0 >/dev/null 2>&1 && for f in *.deb; do dpkg -x "$f" .; done)
fi
cmake --build "$BUILD" --target bench_assignment >/dev/null
/usr/bin/python3 - "$BUILD/bench/scoring/bench_assignment" "$PEER" "$ROOT/bench/scoring/peer.py" <<'PY'
import os, subprocess, sys
bench, peer_dir, peer = sys.argv[1:4]
env = dict(os.environ, LD_LIBRARY_PATH=f"{peer_dir}/usr/lib/x86_64-linux-gnu", PYTHONPATH=f"{peer_dir}/usr/lib/python3/dist-packages")
def run(cmd, **kw):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=1800, **kw).stdout
    return {k: v for k, v in (l.split(None, 1) for l in out.splitlines() if l.strip())}
print()
print(f"{'assignment (N x N)':22} {'goldset s':>10} {'scipy s':>9} {'speedup':>8} {'goldset MB':>11} {'scipy MB':>9}  same cost")
for kind in ("table", "small", "random"):
    for n in (1000, 5000):
        matrix = f"{peer_dir}/lap_{kind}_{n}.bin"
        g = run([bench, "lap", kind, str(n), matrix])
        p = run(["/usr/bin/python3", peer, "--lap", matrix, str(n)], env=env)
        os.remove(matrix)
        gs, ps = float(g["seconds"]), float(p["seconds"])
        print(f"{kind + ' ' + str(n):22} {gs:10.3f} {ps:9.3f} {ps / max(gs, 1e-4):7.1f}x {float(g['peak_rss_mb']):11.1f} "
              f"{float(p['peak_rss_mb']):9.1f}  {g['cost'].strip() == p['cost'].strip()}")
print()
print(f"{'item through ScoreItem':40} {'seconds':>8} {'peak MB':>8}  score")
for n in (1000, 5000):
    for mode in ("", "fuzzy"):
        r = run([bench, "item", str(n)] + ([mode] if mode else []))
        label = f"{n} rows" + (" (fuzzy column, no prefilter)" if mode else "")
        print(f"{label:40} {float(r['seconds']):8.3f} {float(r['peak_rss_mb']):8.1f}  {r['score'].strip()}")
PY
