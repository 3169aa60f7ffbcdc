#!/usr/bin/env bash
# Installs (on first use) and starts the servers the tests talk to, all on 127.0.0.1:
# the mail stack (Dovecot in two profiles + Postfix, install/mailstack.sh), its sender authentication
# (OpenDKIM + dnsmasq, install/agent-auth.sh) and PostgreSQL (install/postgres.sh).
# Both scripts are idempotent: an already running service is left alone.
#   install/test-services.sh up|down|status
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Tools the tests call besides the servers: systemd-analyze (the unit test of install/install.sh) and chromium (the digest in a browser).
tools() {
  if ! command -v systemd-analyze >/dev/null; then
    echo "test-services: installing systemd (for systemd-analyze)" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends systemd >/dev/null
  fi
  # Headless Chromium: the digest's HTML is opened in a real browser (tests/TicketWorker.Tests/Digest/DigestBrowserTests).
  if ! command -v chromium >/dev/null; then
    echo "test-services: installing chromium (headless browser for the digest test)" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium >/dev/null
  fi
}

case "${1:-up}" in
  up)
    tools
    "$here/agent-auth.sh" up
    "$here/mailstack.sh" up
    "$here/postgres.sh" up
    ;;
  down)
    "$here/mailstack.sh" down || true
    "$here/agent-auth.sh" down || true
    "$here/postgres.sh" down || true
    ;;
  status)
    "$here/mailstack.sh" status || true
    "$here/agent-auth.sh" status || true
    "$here/postgres.sh" status || true
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 1 ;;
esac
