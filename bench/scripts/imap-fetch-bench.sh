#!/usr/bin/env bash
# IMAP download benchmark (not a test): UID FETCH of N messages (~10 KB each, default 10,000) from
# the local Dovecot, by MailKit (GetStreamsAsync, as intake), by Python's imaplib and by a raw-socket reader, in one run.
# Starts the mail stack if needed and installs python3 when it is missing.
#   bench/scripts/imap-fetch-bench.sh [--messages N] [--rounds R]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v python3 >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
fi
install/mailstack.sh status >/dev/null 2>&1 || install/mailstack.sh up
dotnet run --project bench/TicketWorker.Bench -c Release -- imap-fetch --python "$(command -v python3)" "$@"
