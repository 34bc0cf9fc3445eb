#!/bin/sh
# Black-box tests of `goldset eval --baseline` as a CI gate: golden reports in every
# format, byte-identical reruns, --out, exit codes of each --fail-on, bad input, and the
# progress bar only on a terminal.
# usage: cli_gate_test.sh PATH/TO/goldset-eval GATE_FIXTURES_DIR
# Fixtures (gate_fixtures/make_fixtures.py): 40 invoices, 39 paired (inv40 failed in the
# candidate); overall no significant change, field total regressed (Holm p 0.0469),
# vendor.name improved, the 95% CI's lower bound -3.2 pp.
# To refresh the golden files after an intended change, rerun the commands below with
# > golden/… and review the diff.
. "$(dirname "$0")/cli_test_lib.sh"
same() {  # same NAME FILE GOLDEN
  if cmp -s "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1 differs from $3:"; diff "$3" "$2" | head -20; fail=1; fi
}

for pair in table:txt json:json csv:csv markdown:md junit:xml; do
  format=${pair%%:*}; ext=${pair##*:}
  run --baseline "$FIX/baseline" --format "$format" > "$TMP/a.$ext" 2>"$TMP/err"; check "$format exit 0 (no overall regression)" 0 $?
  same "$format golden" "$TMP/a.$ext" "$FIX/golden/compare.$ext"
  run --baseline "$FIX/baseline" --format "$format" > "$TMP/b.$ext" 2>/dev/null
  same "$format byte-identical rerun" "$TMP/b.$ext" "$TMP/a.$ext"
  [ -s "$TMP/err" ] && { echo "FAIL $format: stderr not empty without a terminal:"; cat "$TMP/err"; fail=1; }
done
run --format markdown --min-accuracy 0.95 > "$TMP/single.md" 2>/dev/null; check "single markdown, below --min-accuracy" 1 $?
same "single markdown golden" "$TMP/single.md" "$FIX/golden/single.md"
run --format junit --min-accuracy 0.95 > "$TMP/single.xml" 2>/dev/null; check "single junit, below --min-accuracy" 1 $?
same "single junit golden" "$TMP/single.xml" "$FIX/golden/single.xml"

# --out: the report goes to the file, nothing to stdout.
run --baseline "$FIX/baseline" --format markdown --out "$TMP/out.md" > "$TMP/stdout" 2>&1; check "--out exit 0" 0 $?
same "--out file" "$TMP/out.md" "$FIX/golden/compare.md"
[ -s "$TMP/stdout" ] && { echo "FAIL --out: stdout not empty"; fail=1; }
run --baseline "$FIX/baseline" --out "$TMP/no/such/dir/x.txt" > /dev/null 2>"$TMP/err"; check "--out unwritable" 2 $?
grep -q "cannot write" "$TMP/err" || { echo "FAIL --out message"; cat "$TMP/err"; fail=1; }

# The JSON report carries the whole comparison.
python3 - "$FIX/golden/compare.json" <<'PY' || { echo "FAIL json comparison content"; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
c = d["comparison"]
assert c["verdict"] == "no_change" and c["numItemsCompared"] == 39, c["verdict"]
assert c["fields"]["total"]["verdict"] == "regressed" and abs(c["fields"]["total"]["pValue"] - 2 / 2**7) < 1e-12
assert abs(c["fields"]["total"]["pValueAdjusted"] - 3 * 2 / 2**7) < 1e-12   # Holm, rank 2 of 4
assert c["fields"]["vendor.name"]["verdict"] == "improved"
assert [x["evaluationSetItemId"] for x in c["newlyIncorrect"]] == ["inv07", "inv10", "inv15", "inv20", "inv30", "inv35"]
assert c["newlyIncorrect"][0]["fields"] == ["date"]
assert "delta" in c and "ci95" in c and "pValue" in c and c["pValue"] == 1.0
assert d["gate"] == {"failOn": "regression", "minAccuracy": None, "passed": True, "reasons": []}, d["gate"]
assert d["baselineMetrics"]["numFilesTotal"] == 40
PY

# Exit codes of each gate.
run --baseline "$FIX/baseline" --fail-on regression > /dev/null 2>&1; check "fail-on regression: none overall" 0 $?
run --baseline "$FIX/baseline" --fail-on field-regression > /dev/null 2>"$TMP/err"; check "fail-on field-regression: total" 1 $?
grep -q "field total regressed" "$TMP/err" || { echo "FAIL field-regression message"; cat "$TMP/err"; fail=1; }
run --baseline "$FIX/baseline" --fail-on field-regression --alpha 0.01 > /dev/null 2>&1; check "field-regression at alpha 0.01" 0 $?
run --baseline "$FIX/baseline" --fail-on non-inferiority > /dev/null 2>"$TMP/err"; check "non-inferiority at margin 0.01" 1 $?
grep -q "not shown non-inferior" "$TMP/err" || { echo "FAIL non-inferiority message"; cat "$TMP/err"; fail=1; }
run --baseline "$FIX/baseline" --fail-on non-inferiority --margin 0.05 > /dev/null 2>&1; check "non-inferiority at margin 0.05" 0 $?
run --baseline "$FIX/baseline" --fail-on never > /dev/null 2>&1; check "fail-on never" 0 $?
run --baseline "$FIX/baseline" --fail-on never --min-accuracy 0.95 > /dev/null 2>&1; check "--min-accuracy alongside" 1 $?
# Swapped: the old candidate as baseline; vendor.name now regressed.
"$BIN" eval --config "$FIX/config.json" --expected "$FIX/expected" --actual "$FIX/baseline" --baseline "$FIX/actual" \
  --fail-on field-regression --format json > "$TMP/swap.json" 2>"$TMP/err"; check "swapped: vendor.name regressed" 1 $?
grep -q "field vendor.name regressed" "$TMP/err" || { echo "FAIL swapped message"; cat "$TMP/err"; fail=1; }

# Bad input: exit 2, with the rule.
bad() {  # bad NAME PATTERN ARGS...
  name=$1; pattern=$2; shift 2
  run "$@" > /dev/null 2>"$TMP/err"; check "$name" 2 $?
  grep -q -- "$pattern" "$TMP/err" || { echo "FAIL $name message: $(head -1 "$TMP/err")"; fail=1; }
}
bad "alpha 0.6" "alpha must be a number in (0, 0.5]" --baseline "$FIX/baseline" --alpha 0.6
bad "alpha abc" "alpha must be a number" --baseline "$FIX/baseline" --alpha abc
bad "margin -1" "margin must be a number in \[0, 1\]" --baseline "$FIX/baseline" --margin -1
bad "effect 0" "effect must be a number in (0, 1]" --baseline "$FIX/baseline" --effect 0
bad "fail-on bogus" "fail-on must be" --baseline "$FIX/baseline" --fail-on bogus
bad "fail-on without baseline" "needs a baseline" --fail-on regression
bad "alpha without baseline" "applies to a comparison" --alpha 0.01
bad "baseline not a folder" "not a directory" --baseline "$TMP/nope"
bad "run without server" "needs --server" --run bpr_x
bad "format xml" "format must be" --format xml
mkdir -p "$TMP/base"; cp "$FIX/baseline/"*.json "$TMP/base/"; rm "$TMP/base/inv05.json"
bad "baseline missing a file" "no actual output for .*inv05.json in" --baseline "$TMP/base"
"$BIN" eval --server http://127.0.0.1:1 --config "$FIX/config.json" > /dev/null 2>"$TMP/err"; check "server with --config" 2 $?
grep -q "with --server the runs are already scored" "$TMP/err" || { echo "FAIL server+config message"; fail=1; }
"$BIN" eval --server http://127.0.0.1:1 > /dev/null 2>&1; check "server without --run" 2 $?
GOLDSET_API_KEY= "$BIN" eval --server http://127.0.0.1:1 --run bpr_x > /dev/null 2>"$TMP/err"; check "server without a key" 2 $?
grep -q "GOLDSET_API_KEY is not set" "$TMP/err" || { echo "FAIL key message"; fail=1; }
GOLDSET_API_KEY=k "$BIN" eval --server http://127.0.0.1:1 --run bpr_x > /dev/null 2>"$TMP/err"; check "server unreachable" 2 $?

# Progress bar: on a terminal only (stderr above was empty without one).
if command -v script > /dev/null 2>&1; then
  cmd="'$BIN' eval --config '$FIX/config.json' --expected '$FIX/expected' --actual '$FIX/actual' --baseline '$FIX/baseline' --out '$TMP/tty.txt'"
  script -qec "$cmd" /dev/null > "$TMP/tty.log" 2>&1
  grep -q "80/80 items scored" "$TMP/tty.log" || { echo "FAIL progress bar on a terminal:"; cat "$TMP/tty.log"; fail=1; }
  same "report unchanged under a terminal" "$TMP/tty.txt" "$FIX/golden/compare.txt"
fi
exit $fail
