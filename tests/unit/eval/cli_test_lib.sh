# Sourced by the black-box tests of goldset-eval (cli_test.sh, cli_gate_test.sh), whose
# arguments are PATH/TO/goldset-eval FIXTURES_DIR: sets BIN, FIX, a scratch dir TMP removed
# on exit and fail=0, and defines check NAME WANT_RC GOT_RC (prints ok/FAIL, sets fail=1)
# and run ARGS... (goldset eval over the fixtures' config, expected and actual).
set -u
BIN=$1
FIX=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
check() {  # check NAME WANT_RC GOT_RC
  if [ "$2" != "$3" ]; then echo "FAIL $1: exit $3, want $2"; fail=1; else echo "ok   $1"; fi
}
run() { "$BIN" eval --config "$FIX/config.json" --expected "$FIX/expected" --actual "$FIX/actual" "$@"; }
