#!/usr/bin/env bash
# Runs TicketWorker from this checkout.
#   ./run.sh                     the demo (install/demo.sh): sample mails, the ticket table, then the worker
#   ./run.sh run                 the worker (intake, outbox, scheduler) until Ctrl-C / SIGTERM
#   ./run.sh tickets list        any other ticketworker command (`./run.sh --help` lists them)
#   ./run.sh --config /etc/ticketworker status      on your own configuration
#
# With the shipped demo configuration (config/), `./run.sh` and `./run.sh run` first start the demo's
# local mail stack (Dovecot + Postfix on 127.0.0.1, Debian packages installed on first use). Other
# commands only read the database and never start it. Set TICKETWORKER_DEMO_STACK=0 to never start it,
# =1 to start it for any command.
#
# The demo stack is not the tests' stack (install/test-services.sh): its own state folder and ports,
# so mail the tests leave behind never turns into tickets here. config/appsettings.json points at
# these ports and trusts config/demo-mailstack-cert.pem, the certificate this stack serves.
set -euo pipefail
cd "$(dirname "$0")"

export TICKETWORKER_MAILSTACK_DIR="${TICKETWORKER_DEMO_MAILSTACK_DIR:-/tmp/ticketworker-demo-mailstack}"
export TICKETWORKER_IMAP_PORT=20143 TICKETWORKER_IMAPS_PORT=20993 TICKETWORKER_LMTP_PORT=20024
export TICKETWORKER_SMTP_PORT=20025 TICKETWORKER_SUBMISSION_PORT=20587 TICKETWORKER_SMTPS_PORT=20465
export TICKETWORKER_HOSTED_IMAP_PORT=21143 TICKETWORKER_HOSTED_IMAPS_PORT=21993
export TICKETWORKER_OPENDKIM_PORT=20891 TICKETWORKER_DNS_PORT=20053 # no OpenDKIM in the demo: mail flows unsigned
export TICKETWORKER_MAILSTACK_CERT="$PWD/config/demo-mailstack-cert.pem"
export TICKETWORKER_MAILSTACK_KEY="$PWD/install/demo-tls/key.pem"

# The stack is for the worker on the demo config: the first word that is not an option (or none)
# must be `run`, and no other configuration may be named.
demo=1
command=""
skip=0
for arg in "$@"; do
  if [ $skip -eq 1 ]; then skip=0; continue; fi
  case "$arg" in
    --config) demo=0; skip=1 ;;
    --config=*) demo=0 ;;
    -h|--help|-\?|--version) demo=0 ;;
    -*) ;;
    *) [ -z "$command" ] && command="$arg" ;;
  esac
done
[ -n "${TICKETWORKER_CONFIG:-}" ] && demo=0
[ -n "$command" ] && [ "$command" != run ] && demo=0
# No arguments on the demo config: the demo (sample mails, the ticket table, then the worker).
if [ $# -eq 0 ] && [ "$demo" = "1" ] && [ "${TICKETWORKER_DEMO_STACK:-1}" = "1" ]; then
  exec install/demo.sh
fi
if [ "${TICKETWORKER_DEMO_STACK:-$demo}" = "1" ]; then
  install/mailstack.sh up >&2
fi
exec dotnet run --project src/TicketWorker -c Release -- "$@"
