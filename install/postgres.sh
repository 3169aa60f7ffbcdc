#!/usr/bin/env bash
# Starts (and stops) a private PostgreSQL 15 for the tests: Debian packages, our own data directory,
# 127.0.0.1 only, role/password/database `ticketworker`.
#
#   install/postgres.sh up       install on first use, initdb on first use, start; idempotent
#   install/postgres.sh down     stop the server `up` started (pg_ctl stop -m fast)
#   install/postgres.sh status   exit 0 when running and accepting connections
#
# Environment: TICKETWORKER_PG_DIR (state dir, default /tmp/ticketworker-postgres),
#              TICKETWORKER_PG_PORT (default 15432).
set -euo pipefail

state=${TICKETWORKER_PG_DIR:-/tmp/ticketworker-postgres}
port=${TICKETWORKER_PG_PORT:-15432}
bin=/usr/lib/postgresql/15/bin
data="$state/data"
log="$state/server.log"

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# initdb and pg_ctl refuse to run as root: run them as the postgres user.
as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else sudo_ runuser -u postgres -- "$@"; fi; }

install_packages() {
  [ -x "$bin/pg_ctl" ] && return 0
  echo "postgres.sh: installing PostgreSQL 15 from Debian packages" >&2
  # Keep the stock cluster from starting during the install: policy-rc.d exiting 101 forbids
  # service starts. Create it only when missing and remove only what we created.
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | sudo_ tee /usr/sbin/policy-rc.d >/dev/null
    sudo_ chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  local rc=0
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 \
    || { sudo_ apt-get update -q >&2 && sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; } \
    || rc=$?
  [ "$created_policy" = 1 ] && sudo_ rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] && [ -x "$bin/pg_ctl" ] || { echo "postgres.sh: could not install postgresql" >&2; exit 2; }
}

# Asked as postgres: the data directory is private to it (mode 700).
running() { as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }
ready() { "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" >/dev/null 2>&1; }

init_cluster() {
  [ -f "$data/PG_VERSION" ] && return 0
  sudo_ mkdir -p "$state"
  sudo_ chown postgres:postgres "$state"
  sudo_ chmod 700 "$state"
  local pwfile="$state/pwfile"
  # The superuser gets a random password nobody needs: local socket access uses peer auth.
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | sudo_ tee "$pwfile" >/dev/null
  sudo_ chown postgres:postgres "$pwfile"
  as_pg "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  sudo_ rm -f "$pwfile"
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF
# ticketworker test server
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$state'
max_connections = 200
fsync = on
EOF
}

wait_ready() {
  for _ in $(seq 1 60); do
    ready && return 0
    sleep 0.5
  done
  echo "postgres.sh: server did not become ready on 127.0.0.1:$port within 30 s; log: $log" >&2
  tail -n 20 "$log" >&2 || true
  return 1
}

create_role_and_db() {
  local psql=("$bin/psql" -h "$state" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'ticketworker'")" != 1 ]; then
    # CREATEDB so tests can make a fresh database per fixture run.
    as_pg "${psql[@]}" -c "CREATE ROLE ticketworker LOGIN CREATEDB PASSWORD 'ticketworker'"
  fi
  if [ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'ticketworker'")" != 1 ]; then
    as_pg "${psql[@]}" -c "CREATE DATABASE ticketworker OWNER ticketworker"
  fi
}

case "${1:-up}" in
  up)
    install_packages
    if running; then
      wait_ready
      create_role_and_db
      exit 0
    fi
    init_cluster
    sudo_ touch "$log" && sudo_ chown postgres:postgres "$log"
    as_pg "$bin/pg_ctl" -D "$data" -l "$log" -o "-p $port" start -w -t 30 >/dev/null \
      || { echo "postgres.sh: pg_ctl start failed; log: $log" >&2; tail -n 20 "$log" >&2; exit 2; }
    wait_ready || exit 2
    create_role_and_db
    echo "postgres.sh: PostgreSQL ready on 127.0.0.1:$port (data $data)" >&2
    ;;
  down)
    if running; then
      as_pg "$bin/pg_ctl" -D "$data" stop -m fast -w -t 30 >/dev/null
      echo "postgres.sh: stopped" >&2
    fi
    ;;
  status)
    if running && ready; then echo "running on 127.0.0.1:$port"; else echo "not running"; exit 1; fi
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 1 ;;
esac
