#!/usr/bin/env bash
# The demo (`./run.sh` with no arguments): starts the demo's mail stack, delivers the sample customer
# mails in install/demo-mail/ once per stack state, runs the worker until they are tickets, prints the
# ticket table and one acknowledgement as it arrived in a customer's INBOX, then keeps the worker
# running in the foreground.
#
# Called by run.sh, which exports the demo stack's settings (TICKETWORKER_MAILSTACK_DIR and ports).
#   TICKETWORKER_DEMO_EXIT=1        exit after printing instead of keeping the worker running (tests)
#   TICKETWORKER_DEMO_DLL=PATH      an already built ticketworker.dll (Release) instead of building here
#   TICKETWORKER_DEMO_WAIT=60       seconds to wait for the tickets and for the acknowledgement
set -euo pipefail
cd "$(dirname "$0")/.."

STATE="${TICKETWORKER_MAILSTACK_DIR:?run this through ./run.sh}"
SMTP_PORT="${TICKETWORKER_SMTP_PORT:-20025}"
IMAP_PORT="${TICKETWORKER_IMAP_PORT:-20143}"
WAIT="${TICKETWORKER_DEMO_WAIT:-60}"
CERT="$PWD/config/demo-mailstack-cert.pem"

say() { printf '\n== %s\n' "$*"; }

install/mailstack.sh up >&2

# Build once and run the dll directly: each `dotnet run` would check the build again (seconds per poll).
dll="${TICKETWORKER_DEMO_DLL:-}"
if [ -z "$dll" ]; then
  say "building TicketWorker (Release)"
  dotnet build src/TicketWorker -c Release --nologo -v q -clp:NoSummary >&2
  dll="$PWD/src/TicketWorker/bin/Release/net10.0/ticketworker.dll"
fi
tw() { dotnet "$dll" "$@"; }

say "starting the worker"
log="$STATE/demo-worker.log"
dotnet "$dll" run >"$log" 2>&1 &   # not through tw: $! must be the worker itself
worker=$!
stop_worker() { kill -TERM "$worker" 2>/dev/null && wait "$worker" 2>/dev/null || true; }
trap stop_worker EXIT
deadline=$((SECONDS + WAIT))

# The worker never answers mail that was in the mailbox before its first start (a first import of
# old mail must not acknowledge it), so the samples go in once it is connected.
until grep -q 'Mailbox support: connected' "$log"; do
  if [ $SECONDS -ge $deadline ] || ! kill -0 "$worker" 2>/dev/null; then
    echo "demo: the worker did not connect to the mailbox within ${WAIT}s (or it stopped); its log, $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 1
done

# Once per stack state: the mails live in the stack's Maildirs, so a restarted demo finds them there
# (and the worker skips what it already ticketed). A new Date per delivery keeps them "just sent".
marker="$STATE/demo-mail-delivered"
if [ ! -e "$marker" ]; then
  say "delivering the sample mails to support@example.test (SMTP 127.0.0.1:$SMTP_PORT)"
  for eml in install/demo-mail/*.eml; do
    from=$(sed -n 's/^From:.*<\([^>]*\)>.*/\1/p' "$eml" | head -n 1)
    { printf 'Date: %s\r\n' "$(date -R)"; cat "$eml"; } \
      | curl -sS --url "smtp://127.0.0.1:$SMTP_PORT" --mail-from "$from" --mail-rcpt support@example.test -T -
    echo "  $(basename "$eml")  from $from"
  done
  touch "$marker"
fi

# Processed when the last sample, Ann's reply, is in her printer ticket: intake goes in UID order, so
# the mails before it (the out-of-office included) are done too.
reply_threaded() {
  local n
  n=$(tw tickets list --json 2>/dev/null | grep -B1 '"subject": "Printer in the office' \
    | sed -n 's/.*"number": \([0-9]*\).*/\1/p' | head -n 1)
  [ -n "$n" ] && tw tickets show "$n" --json 2>/dev/null | grep -q 'demo-06-printer-reply@'
}
until reply_threaded; do
  if [ $SECONDS -ge $deadline ] || ! kill -0 "$worker" 2>/dev/null; then
    echo "demo: the sample mails were not processed within ${WAIT}s (or the worker stopped); its log, $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 1
done
say "tickets (./run.sh tickets list)"
tw tickets list

# The acknowledgement goes out through the outbox and Postfix; find it by its subject in customer1's
# INBOX over IMAP (RFC 3501 UID SEARCH, the first match is the acknowledgement).
imap=(curl -sS --ssl-reqd --cacert "$CERT" -u customer1@example.test:secret)
uid=""
until [ -n "$uid" ]; do
  uid=$("${imap[@]}" --url "imap://127.0.0.1:$IMAP_PORT/INBOX" -X 'UID SEARCH SUBJECT "Printer in the office"' \
    | tr -d '\r' | sed -n 's/^\* SEARCH//p' | tr ' ' '\n' | sed '/^$/d' | head -n 1)
  if [ -z "$uid" ]; then
    if [ $SECONDS -ge $deadline ]; then
      echo "demo: no acknowledgement in customer1's INBOX within ${WAIT}s." >&2
      # The likely cause: data/ kept the tickets of an earlier demo whose stack state is gone (/tmp is
      # cleared at boot), so the samples were delivered again and recognised as duplicates.
      echo "If data/ holds tickets of an earlier demo whose mail stack state ($STATE) was removed, the samples were duplicates: move data/ away and run ./run.sh again." >&2
      exit 1
    fi
    sleep 1
  fi
done
say "the acknowledgement in customer1@example.test's INBOX (IMAP UID $uid)"
# Its headers, then the plain-text part (the first of multipart/alternative) with its
# quoted-printable (RFC 2045 6.7) undone.
"${imap[@]}" --url "imap://127.0.0.1:$IMAP_PORT/INBOX;UID=$uid" | tr -d '\r' \
  | sed -n '/^$/q; /^\(From\|To\|Date\|Subject\):/p'
echo
"${imap[@]}" --url "imap://127.0.0.1:$IMAP_PORT/INBOX;UID=$uid;SECTION=1" | tr -d '\r' \
  | perl -0pe 's/=\n//g; s/=([0-9A-Fa-f]{2})/chr(hex($1))/ge'
echo

if [ "${TICKETWORKER_DEMO_EXIT:-0}" = "1" ]; then exit 0; fi

stop_worker
trap - EXIT
cat <<EOF

== the worker keeps running (Ctrl-C stops it). Send more mail:
  printf 'From: <customer6@example.test>\r\nTo: support@example.test\r\nSubject: Hello\r\n\r\nHelp!\r\n' \\
    | curl -s --url smtp://127.0.0.1:$SMTP_PORT --mail-from customer6@example.test --mail-rcpt support@example.test -T -
Look: ./run.sh tickets list, ./run.sh tickets show 1, ./run.sh status (another terminal); the database
and raw mail are in data/, the stack's logs in $STATE/log/; customers' mail with
  curl --ssl-reqd --cacert config/demo-mailstack-cert.pem -u customer6@example.test:secret 'imap://127.0.0.1:$IMAP_PORT/INBOX;UID=1'

EOF
exec dotnet "$dll" run
