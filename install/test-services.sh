#!/usr/bin/env bash
# Installs (on first use) and starts the servers the tests talk to, all on 127.0.0.1:
# the mail stack (Dovecot in two profiles + Postfix, install/mailstack.sh) and PostgreSQL (install/postgres.sh).
# Both scripts are idempotent: an already running service is left alone.
#   install/test-services.sh up|down|status
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
case "${1:-up}" in
  up)
    "$here/mailstack.sh" up
    "$here/postgres.sh" up
    ;;
  down)
    "$here/mailstack.sh" down || true
    "$here/postgres.sh" down || true
    ;;
  status)
    "$here/mailstack.sh" status || true
    "$here/postgres.sh" status || true
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 1 ;;
esac
