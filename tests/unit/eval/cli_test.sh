#!/bin/sh
# Black-box tests of goldset-eval: exit codes, json and csv output.
# usage: cli_test.sh PATH/TO/goldset-eval FIXTURES_DIR
. "$(dirname "$0")/cli_test_lib.sh"

# 8 labelled fields: inv1 all right but vendor.name ("Acme Corp." exact mismatch), inv2 invoice_number wrong.
run > "$TMP/table.txt" 2>"$TMP/err.txt"; check "table exit 0" 0 $?
grep -q "Overall accuracy: 0.7500" "$TMP/table.txt" || { echo "FAIL table accuracy"; cat "$TMP/table.txt"; fail=1; }
grep -q "^line_items\[\].description" "$TMP/table.txt" || { echo "FAIL table columns"; fail=1; }

run --fuzzy vendor.name --min-accuracy 0.8 > /dev/null 2>&1; check "fuzzy lifts accuracy above gate" 0 $?
run --min-accuracy 0.8 > /dev/null 2>"$TMP/err.txt"; check "below --min-accuracy" 1 $?
grep -q "below --min-accuracy" "$TMP/err.txt" || { echo "FAIL gate message"; fail=1; }
run --exclude invoice_number,vendor.name --min-accuracy 1 > /dev/null 2>&1; check "excluded fields" 0 $?

run --format json > "$TMP/out.json" 2>/dev/null; check "json exit 0" 0 $?
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); m=d['metrics']; assert m['type']=='EXTRACT' and abs(m['accuracy']-0.75)<1e-9 and m['numFilesTotal']==2 and len(d['items'])==2, m" "$TMP/out.json" \
  || { echo "FAIL json content"; fail=1; }

run --format csv > "$TMP/out.csv" 2>/dev/null; check "csv exit 0" 0 $?
head -1 "$TMP/out.csv" | grep -qx "field,countTotal,countExpected,countPresent,countAccurate,accuracy,score,precision,recall" \
  || { echo "FAIL csv header: $(head -1 "$TMP/out.csv")"; fail=1; }

# --max-array-rows: an item over it counts as failed, with the reason; bad values are refused.
run --max-array-rows 1 --format json > "$TMP/cap.json" 2>"$TMP/err.txt"; check "max-array-rows exit 0" 0 $?
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); m=d['metrics']; f=[i for i in d['items'] if i.get('failed')]; assert m['numFilesFailed']>=1 and all('at most 1 rows per array are scored (--max-array-rows)' in i['error'] for i in f), d" "$TMP/cap.json" \
  || { echo "FAIL max-array-rows json"; fail=1; }
grep -q "at most 1 rows per array" "$TMP/err.txt" || { echo "FAIL max-array-rows message"; cat "$TMP/err.txt"; fail=1; }
# File counts as the server reports them (eval::SetFileCounts): a failed file is finished,
# so numFilesProcessed (and numFiles) = scored + failed = every file (it was total - failed).
python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['metrics']; assert m['numFilesFailed']>=1 and m['numFilesProcessed']==m['numFilesTotal']==m['numFiles']==2, m" "$TMP/cap.json" \
  || { echo "FAIL file counts with a failed file: numFilesProcessed must count it"; fail=1; }
run --max-array-rows 0 > /dev/null 2>&1; check "max-array-rows 0" 2 $?
run --max-array-rows 2.5 > /dev/null 2>&1; check "max-array-rows 2.5" 2 $?

"$BIN" eval --config "$FIX/config.json" --expected "$TMP/nope" --actual "$FIX/actual" > /dev/null 2>&1; check "missing dir" 2 $?
run --format xml > /dev/null 2>&1; check "bad format" 2 $?
run --fuzzy total > /dev/null 2>&1; check "fuzzy on a non-string field" 2 $?
"$BIN" eval --expected "$FIX/expected" > /dev/null 2>&1; check "missing flags" 2 $?

mkdir -p "$TMP/exp" "$TMP/act"
cp "$FIX/expected/"*.json "$TMP/exp/"; cp "$FIX/actual/"*.json "$TMP/act/"
echo '{"value": {' > "$TMP/act/inv1.json"
"$BIN" eval --config "$FIX/config.json" --expected "$TMP/exp" --actual "$TMP/act" > /dev/null 2>"$TMP/err.txt"; check "bad json" 2 $?
grep -q "inv1.json" "$TMP/err.txt" || { echo "FAIL bad json names the file"; fail=1; }
cp "$FIX/actual/inv1.json" "$TMP/act/"; cp "$FIX/actual/inv1.json" "$TMP/act/extra.json"
"$BIN" eval --config "$FIX/config.json" --expected "$TMP/exp" --actual "$TMP/act" > /dev/null 2>"$TMP/err.txt"; check "unpaired file" 2 $?
grep -q "extra.json" "$TMP/err.txt" || { echo "FAIL unpaired file named"; fail=1; }
rm "$TMP/act/extra.json"
echo '{"value":{"bogus":1}}' > "$TMP/exp/inv2.json"
"$BIN" eval --config "$FIX/config.json" --expected "$TMP/exp" --actual "$TMP/act" > /dev/null 2>"$TMP/err.txt"; check "invalid expected" 2 $?
grep -q "expectedOutput.value.bogus" "$TMP/err.txt" || { echo "FAIL invalid expected path"; cat "$TMP/err.txt"; fail=1; }

# Classifier inferred from the config.
mkdir -p "$TMP/ce" "$TMP/ca"
echo '{"classifications":[{"id":"inv","type":"Invoice","description":""},{"id":"rec","type":"Receipt","description":""}]}' > "$TMP/cls.json"
echo '{"id":"inv","type":"Invoice"}' > "$TMP/ce/a.json"; echo '{"id":"inv","type":"Invoice","confidence":0.9}' > "$TMP/ca/a.json"
echo '{"id":"rec","type":"Receipt"}' > "$TMP/ce/b.json"; echo '{"id":"inv","type":"Invoice","confidence":0.6}' > "$TMP/ca/b.json"
"$BIN" eval --config "$TMP/cls.json" --expected "$TMP/ce" --actual "$TMP/ca" --format json > "$TMP/cls.out" 2>/dev/null; check "classifier" 0 $?
python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['metrics']; assert m['type']=='CLASSIFY' and m['accuracy']==0.5, m" "$TMP/cls.out" \
  || { echo "FAIL classifier json"; fail=1; }
exit $fail
