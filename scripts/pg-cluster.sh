#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests.
#   scripts/pg-cluster.sh start DIR   initdb into DIR (created; should be fresh, e.g. from
#                                     mktemp -d), start on a free 127.0.0.1 port, create the
#                                     database `goldset`, print postgresql://goldset@127.0.0.1:PORT/goldset
#                                     (also written to DIR/url)
#   scripts/pg-cluster.sh stop DIR    stop the server and delete DIR
#   scripts/pg-cluster.sh halt DIR    stop the server (fast shutdown), keep DIR (outage tests)
#   scripts/pg-cluster.sh resume DIR  start a halted server again on the same port
# Listens on loopback only (unix socket inside DIR), trust auth, no fsync (test data only).
# GOLDSET_PG_OPTS adds server options (e.g. "-c shared_preload_libraries=pg_stat_statements").
# initdb refuses to run as root: as root, the cluster is owned and run by the `postgres`
# system user (the postgresql-15 package creates it) and DIR is chowned to it.
set -euo pipefail

verb=${1:-}
dir=${2:-}
if [ -z "$verb" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|halt|resume DIR" >&2
  exit 2
fi
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$bin/initdb" ]; then
  echo "pg-cluster: $bin/initdb not found (install postgresql-15: scripts/install-deps.sh test)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$verb" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U goldset --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # A free port can be taken between probing and binding; try a few.
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir"
      opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
      opts="$opts ${GOLDSET_PG_OPTS:-}"
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 30 start >/dev/null; then
        echo "$port" >"$dir/port"
        break
      fi
      port=""
    done
    if [ -z "${port:-}" ]; then
      echo "pg-cluster: server did not start; see $dir/server.log" >&2
      tail -20 "$dir/server.log" >&2 || true
      exit 1
    fi
    "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U goldset -d postgres -c "CREATE DATABASE goldset" >/dev/null
    url="postgresql://goldset@127.0.0.1:$port/goldset"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  halt)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    ;;
  resume)
    port=$(cat "$dir/port")
    opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir"
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 30 start >/dev/null
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|halt|resume DIR" >&2
    exit 2
    ;;
esac
