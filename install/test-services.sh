#!/usr/bin/env bash
# Installs (first use) and starts the servers the tests talk to. Later issues add the mail stack and
# PostgreSQL here.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-up}" in
  up) ;;
  down) ;;
  *) echo "usage: $0 up|down" >&2; exit 1 ;;
esac
