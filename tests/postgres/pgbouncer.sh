#!/usr/bin/env bash
# The multi-node test (multi_node.mjs: two serve nodes and two workers, kill -9 of a
# worker and a node, every item exactly once) once more through PgBouncer in transaction
# mode with goldset_statements=unnamed, as docs/scaling.md recommends for many nodes:
# four processes' pools (48 client connections) share 10 server connections.
# Skipped (exit 0) when pgbouncer is not installed (Debian package pgbouncer).
# Usage: GOLDSET_TEST_DATABASE=postgresql://… tests/postgres/pgbouncer.sh path/to/goldset
set -euo pipefail
bin=$(realpath "$1")
admin=${GOLDSET_TEST_DATABASE:?set GOLDSET_TEST_DATABASE}
pgb=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
if [ ! -x "$pgb" ]; then
  echo "pgbouncer.sh: pgbouncer is not installed (apt-get install pgbouncer): skipped"
  exit 0
fi
hostport=${admin#*@}
hostport=${hostport%%/*}
host=${hostport%:*}
port=${hostport##*:}
dir=$(mktemp -d /tmp/goldset-pgbouncer-XXXXXX)
chmod 755 "$dir"
bport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$host port=$port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bport
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
echo '"goldset" ""' >"$dir/users.txt"
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
db="t_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cleanup() {
  [ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_owner "$pgb" -d "$dir/pgbouncer.ini"
for _ in $(seq 50); do [ -f "$dir/pgbouncer.pid" ] && break; sleep 0.1; done
psql -X -q "$admin" -c "CREATE DATABASE $db" >/dev/null
url="postgresql://goldset@127.0.0.1:$bport/$db?goldset_statements=unnamed"
echo "PgBouncer (transaction mode, 10 server connections) at 127.0.0.1:$bport"
timeout -k 10 420 node "$(dirname "$0")/multi_node.mjs" --bin "$bin" --database "$url"
