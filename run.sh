#!/usr/bin/env bash
# Runs the worker. With the shipped demo configuration (config/) it first starts the local mail stack
# (Dovecot + Postfix on 127.0.0.1, installed on first use) that config/appsettings.json points at.
# Your own configuration: ./run.sh --config /etc/ticketworker   (set TICKETWORKER_DEMO_STACK=0 to skip the stack)
#   ./run.sh                     the worker (intake, outbox, scheduler) until Ctrl-C / SIGTERM
#   ./run.sh tickets list        any other ticketworker command
set -euo pipefail
cd "$(dirname "$0")"
demo=1
for arg in "$@"; do [ "$arg" = "--config" ] && demo=0; done
[ -n "${TICKETWORKER_CONFIG:-}" ] && demo=0
if [ "${TICKETWORKER_DEMO_STACK:-$demo}" = "1" ]; then
  install/mailstack.sh up >&2
fi
exec dotnet run --project src/TicketWorker -c Release -- "$@"
