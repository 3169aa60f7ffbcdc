#!/usr/bin/env bash
# The demo (`./run.sh` with no arguments): starts the demo's mail stack, delivers the sample customer
# mails in install/demo-mail/ once per stack state, runs the worker until they are tickets, prints the
# ticket table and one acknowledgement as it arrived in a customer's INBOX; then the printer ticket's
# owner (agent1) answers the notification from their mail client (submission with AUTH, to the
# notification's Reply-To, a command on the first line, the notification quoted below), and the demo
# prints that answer as it reached the customer and the ticket's new state; then it keeps the worker
# running in the foreground.
#
# Called by run.sh, which exports the demo stack's settings (TICKETWORKER_MAILSTACK_DIR and ports).
#   TICKETWORKER_DEMO_EXIT=1        exit after printing instead of keeping the worker running (tests)
#   TICKETWORKER_DEMO_DLL=PATH      an already built ticketworker.dll (Release) instead of building here
#   TICKETWORKER_DEMO_WAIT=60       seconds to wait for the tickets, the acknowledgement and the agent's answer
set -euo pipefail
cd "$(dirname "$0")/.."

STATE="${TICKETWORKER_MAILSTACK_DIR:?run this through ./run.sh}"
SMTP_PORT="${TICKETWORKER_SMTP_PORT:-20025}"
SUBMISSION_PORT="${TICKETWORKER_SUBMISSION_PORT:-20587}"
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
printer_ticket() {
  tw tickets list --json 2>/dev/null | grep -B1 '"subject": "Printer in the office' \
    | sed -n 's/.*"number": \([0-9]*\).*/\1/p' | head -n 1
}
reply_threaded() {
  local n
  n=$(printer_ticket)
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
# search USER CRITERIA: the UIDs of USER's INBOX matching the IMAP SEARCH criteria, one a line.
search() {
  curl -sS --ssl-reqd --cacert "$CERT" -u "$1:secret" --url "imap://127.0.0.1:$IMAP_PORT/INBOX" -X "UID SEARCH $2" \
    | tr -d '\r' | sed -n 's/^\* SEARCH//p' | tr ' ' '\n' | sed '/^$/d'
}
# headers USER UID: the message's header, folded lines joined (RFC 5322 2.2.3).
headers() {
  curl -sS --ssl-reqd --cacert "$CERT" -u "$1:secret" --url "imap://127.0.0.1:$IMAP_PORT/INBOX;UID=$2" \
    | tr -d '\r' | sed '/^$/q' | perl -0pe 's/\n[ \t]+/ /g'
}
# text USER UID: the plain-text part (the first of multipart/alternative), quoted-printable (RFC 2045
# 6.7) undone.
text() {
  curl -sS --ssl-reqd --cacert "$CERT" -u "$1:secret" --url "imap://127.0.0.1:$IMAP_PORT/INBOX;UID=$2;SECTION=1" \
    | tr -d '\r' | perl -0pe 's/=\n//g; s/=([0-9A-Fa-f]{2})/chr(hex($1))/ge'
}
uid=""
until [ -n "$uid" ]; do
  uid=$(search customer1@example.test 'SUBJECT "Printer in the office"' | head -n 1)
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
headers customer1@example.test "$uid" | grep -E '^(From|To|Date|Subject):'
echo
text customer1@example.test "$uid"
echo

# An agent answers by mail. The printer ticket's owner (agent1 on a fresh demo: the support team
# assigns in turn) got a notification whose Reply-To is support+<token>@, a token issued to that agent
# for that ticket: the worker takes mail to it as the agent's (README "Verifying agents"). The answer
# goes in as from any mail client: submission with STARTTLS and AUTH, "Re:" the notification's
# subject, In-Reply-To/References it, a command on the first line (install/demo-mail/agent1-answer.txt)
# and the notification quoted below. The worker relays the text to Ann from support@ without the
# command and the quote, and applies the command.
ticket=$(printer_ticket)
owner=$(tw tickets show "$ticket" --json | sed -n 's/^  "owner": "\([^"]*\)".*/\1/p')
[ -n "$owner" ] || { echo "demo: ticket #$ticket has no owner to answer it" >&2; exit 1; }
answered="$STATE/demo-agent-answer-delivered"
deadline=$((SECONDS + WAIT))
if [ ! -e "$answered" ]; then
  note=""
  until [ -n "$note" ]; do
    note=$(search "$owner" 'SUBJECT "Printer in the office"' | head -n 1)
    if [ -z "$note" ]; then
      if [ $SECONDS -ge $deadline ]; then
        echo "demo: no notification in $owner's INBOX within ${WAIT}s; the worker's log, $log:" >&2
        tail -n 30 "$log" >&2
        exit 1
      fi
      sleep 1
    fi
  done
  head=$(headers "$owner" "$note")
  reply_to=$(printf '%s\n' "$head" | sed -n 's/^Reply-To:.*<\([^>]*\)>.*/\1/Ip; s/^Reply-To:[[:space:]]*\([^<>[:space:]]*@[^<>[:space:]]*\)[[:space:]]*$/\1/Ip' | head -n 1)
  note_id=$(printf '%s\n' "$head" | sed -n 's/^Message-ID:[[:space:]]*\(<[^>]*>\).*/\1/Ip' | head -n 1)
  note_subject=$(printf '%s\n' "$head" | sed -n 's/^Subject:[[:space:]]*//Ip' | head -n 1)
  [ -n "$reply_to" ] && [ -n "$note_id" ] || { echo "demo: the notification (UID $note in $owner's INBOX) has no Reply-To or Message-ID" >&2; exit 1; }
  say "$owner answers the notification \"$note_subject\" (submission 127.0.0.1:$SUBMISSION_PORT, AUTH $owner, to $reply_to)"
  sed 's/^/  | /' install/demo-mail/agent1-answer.txt
  {
    printf 'From: %s\nTo: %s\nSubject: Re: %s\nDate: %s\n' "$owner" "$reply_to" "$note_subject" "$(date -R)"
    printf 'Message-ID: <demo-07-agent-answer@%s>\nIn-Reply-To: %s\nReferences: %s\n' "${owner#*@}" "$note_id" "$note_id"
    printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
    cat install/demo-mail/agent1-answer.txt
    printf '\nOn %s, support@example.test wrote:\n' "$(date -R)"
    text "$owner" "$note" | sed 's/^/> /'
  } | sed 's/\r*$/\r/' \
    | curl -sS --url "smtp://127.0.0.1:$SUBMISSION_PORT" --ssl-reqd --cacert "$CERT" -u "$owner:secret" \
        --mail-from "$owner" --mail-rcpt "$reply_to" -T -
  touch "$answered"
fi

# The relayed answer: in Ann's INBOX, the mail about her printer that carries the agent's text.
relayed=""
until [ -n "$relayed" ]; do
  relayed=$(search customer1@example.test 'SUBJECT "Printer in the office" BODY "firmware fault"' | head -n 1)
  if [ -z "$relayed" ]; then
    if [ $SECONDS -ge $deadline ]; then
      echo "demo: the agent's answer did not reach customer1's INBOX within ${WAIT}s; the worker's log, $log:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    sleep 1
  fi
done
say "the agent's answer in customer1@example.test's INBOX (IMAP UID $relayed): no command, no quote"
headers customer1@example.test "$relayed" | grep -E '^(From|To|Date|Subject):'
echo
text customer1@example.test "$relayed"
echo
say "ticket #$ticket now (./run.sh tickets show $ticket)"
tw tickets show "$ticket" | sed -n '1,4p'

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
