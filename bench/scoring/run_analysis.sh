#!/bin/sh
# ANLS* beside its reference implementation (same pairs, same run), and the analysis
# overhead on a 10,000-item run (20 fields, a 30-row table).
#   bench/scoring/run_analysis.sh [BUILD_DIR]
# The reference (github.com/deepopinion/anls_star_metric) and python3-munkres are not
# installed: give ANLS_STAR_SRC (its src/ directory) and MUNKRES_DIR (a directory with
# munkres.py, e.g. from `apt-get download python3-munkres; dpkg -x`).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
OUT=$BUILD/bench-analysis
mkdir -p "$OUT"
cmake --build "$BUILD" --target bench_analysis >/dev/null
"$BUILD/bench/scoring/bench_analysis" --data "$OUT/pairs.json" > "$OUT/cpp.txt"
PYTHONPATH="${ANLS_STAR_SRC:?}:${MUNKRES_DIR:?}" /usr/bin/python3 "$ROOT/bench/scoring/anls_peer.py" "$OUT/pairs.json" > "$OUT/peer.txt"
/usr/bin/python3 - "$OUT/cpp.txt" "$OUT/peer.txt" <<'PY'
import sys
def load(p): return dict(l.split(None, 1) for l in open(p) if l.strip())
c, p = load(sys.argv[1]), load(sys.argv[2])
g, q = float(c["anls_items_per_s"]), float(p["anls_items_per_s"])
print(f"ANLS* items/s (1 thread, CPU): goldset {g:.1f}  reference {q:.1f}  ratio {g / q:.1f}x  (target >= 30x)")
print(f"ANLS* mean over the {c['anls_items'].strip()} items: goldset {c['anls_mean'].strip()}  reference {p['anls_mean'].strip()}")
print(f"scoring {c['items'].strip()} items ({c['fields'].strip()} fields, {c['rows'].strip()}-row table): {c['score_s'].strip()} s CPU,"
      f" of which ANLS* {c['anls_s'].strip()} s; analysis build {c['analysis_build_s'].strip()} s")
print(f"analysis build / scoring without ANLS*: {100 * float(c['analysis_over_scoring']):.1f} %  (target < 20 %)")
print(f"(per-item ANLS* + analysis build) / scoring without ANLS*: {100 * float(c['overhead_vs_scoring']):.1f} %")
print(f"as the server scores (stored items parsed, results serialised, metrics read back): {c['stored_score_s'].strip()} s"
      f" (of which ANLS* {c['stored_anls_s'].strip()} s) + metrics {c['stored_metrics_s'].strip()} s;"
      f" analysis at the run's end {c['stored_analysis_s'].strip()} s")
print(f"(per-item ANLS* + analysis) / scoring as the server does it, without ANLS*: {100 * float(c['overhead_vs_stored_scoring']):.1f} %  (target < 20 %)")
PY
