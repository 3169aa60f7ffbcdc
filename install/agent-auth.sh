#!/usr/bin/env bash
# Sender authentication for the local mail stack (install/mailstack.sh): OpenDKIM as a Postfix
# milter and a DNS server (dnsmasq) on loopback that publishes the test DKIM keys, so TicketWorker
# verifies agents (issue 13, AgentVerification) exactly as in production. Debian packages, no
# systemd, 127.0.0.1 only, pid files under the stack's state directory.
#
#   install/agent-auth.sh up       install packages on first use, make keys, generate config, start, wait
#   install/agent-auth.sh down     stop exactly the daemons `up` started (by their pid files)
#   install/agent-auth.sh status   print what runs
#   install/agent-auth.sh env      print the settings as shell assignments
#
# What runs:
#   OpenDKIM  inet:127.0.0.1:$TICKETWORKER_OPENDKIM_PORT (default 10891), the milter Postfix calls
#             (mailstack.sh sets smtpd_milters to this port; milter_default_action = accept, so mail
#             still flows while OpenDKIM is down, only unsigned). Mode sv:
#             - mail submitted with SMTP AUTH (the agents' outgoing mail, port submission/SMTPS) is
#               signed for example.test, selector tw2026 (From and a second, absent From oversigned);
#             - everything else (the plain SMTP port: inbound mail) is verified and gets an
#               Authentication-Results header with authserv-id mail.example.test, always (dkim=none
#               for unsigned mail), on top of the header block.
#             No host is "internal": mail from 127.0.0.1 without AUTH is inbound mail, not ours.
#   dnsmasq   127.0.0.1:$TICKETWORKER_DNS_PORT (default 10053), UDP and TCP, authoritative for
#             example.test and forwarder.test only, forwarding nothing. TXT records:
#               tw2026._domainkey.example.test    the key OpenDKIM signs with
#               arc2026._domainkey.forwarder.test a key for tests that play a forwarder (ARC)
#             OpenDKIM itself resolves through libunbound pointed at this server.
#
# Keys (TEST ONLY, generated on first `up`; the private keys are readable by root only):
#   $STATE/dkim/tw2026.private  $STATE/dkim/arc2026.private  (PEM RSA 2048) and *.txt (the TXT data)
#
# State directory: TICKETWORKER_MAILSTACK_DIR (default /tmp/ticketworker-mailstack), the same as
# mailstack.sh, so one stack's Postfix finds its OpenDKIM. Start order does not matter.
set -euo pipefail

STATE="${TICKETWORKER_MAILSTACK_DIR:-/tmp/ticketworker-mailstack}"
DNS_PORT="${TICKETWORKER_DNS_PORT:-10053}"
OPENDKIM_PORT="${TICKETWORKER_OPENDKIM_PORT:-10891}"
HOST=127.0.0.1
DOMAIN=example.test
SELECTOR=tw2026
FORWARDER_DOMAIN=forwarder.test
FORWARDER_SELECTOR=arc2026
AUTHSERV_ID="mail.$DOMAIN"
WAIT_SECONDS="${TICKETWORKER_MAILSTACK_WAIT:-30}"

DKIM_DIR="$STATE/dkim"
OPENDKIM_DIR="$STATE/opendkim"
OPENDKIM_CONF="$OPENDKIM_DIR/opendkim.conf"
OPENDKIM_RUN="$STATE/run/opendkim"
OPENDKIM_PID="$OPENDKIM_RUN/opendkim.pid"
DNSMASQ_PID="$STATE/run/dnsmasq.pid"
LOG="$STATE/log/agent-auth.log"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

log() { echo "agent-auth: $*" >&2; }
die() { log "$*"; exit 1; }

# As in mailstack.sh: a pid counts only while /proc/PID/exe is the program and it is no zombie.
pid_running() {
  local pidfile=$1 exe=$2 pid state
  [ -r "$pidfile" ] || return 1
  pid=$(tr -d ' \n' <"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -d "/proc/$pid" ] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)
  [ "$state" != Z ] || return 1
  [ "$($SUDO readlink "/proc/$pid/exe" 2>/dev/null)" = "$exe" ] || return 1
  echo "$pid"
}

opendkim_pid() { pid_running "$OPENDKIM_PID" /usr/sbin/opendkim; }
dnsmasq_pid() { pid_running "$DNSMASQ_PID" /usr/sbin/dnsmasq; }

port_answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

install_packages() {
  local missing=()
  [ -x /usr/sbin/opendkim ] || missing+=(opendkim)
  [ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
  command -v openssl >/dev/null || missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (first use)"
  # Without this the opendkim package would start its stock daemon.
  local made_policy=0 rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null || rc=$?
  if [ $rc -eq 0 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null || rc=$?
  fi
  if [ $made_policy -eq 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
  [ $rc -eq 0 ] || die "apt-get failed (exit $rc)"
  getent passwd opendkim >/dev/null || die "the opendkim package did not create the opendkim user"
}

# make_key NAME: an RSA 2048 key pair, the private key as PKCS#1 PEM, NAME.txt the TXT record data.
make_key() {
  local name=$1 private="$DKIM_DIR/$1.private"
  if [ ! -s "$private" ]; then
    $SUDO openssl genrsa -traditional -out "$private" 2048 2>/dev/null
  fi
  $SUDO chown opendkim:opendkim "$private"
  $SUDO chmod 600 "$private"
  printf 'v=DKIM1; k=rsa; p=%s' "$($SUDO openssl rsa -in "$private" -pubout -outform DER 2>/dev/null | base64 -w0)" \
    | $SUDO tee "$DKIM_DIR/$name.txt" >/dev/null
}

# A TXT record's data as dnsmasq arguments: character-strings of at most 255 bytes (RFC 1035 §3.3),
# joined again by the verifier (RFC 6376 §3.6.2.2).
txt_record() {
  local name=$1 data rest out=""
  data=$(cat "$2")
  rest="$data"
  while [ -n "$rest" ]; do
    out+=",\"${rest:0:250}\""
    rest="${rest:250}"
  done
  echo "--txt-record=$name$out"
}

write_config() {
  $SUDO mkdir -p "$DKIM_DIR" "$OPENDKIM_DIR" "$OPENDKIM_RUN" "$STATE/log"
  $SUDO chmod 755 "$DKIM_DIR"
  make_key "$SELECTOR"
  make_key "$FORWARDER_SELECTOR"
  $SUDO chown opendkim:opendkim "$OPENDKIM_RUN"

  $SUDO tee "$OPENDKIM_DIR/unbound.conf" >/dev/null <<EOF
# Generated by install/agent-auth.sh: OpenDKIM's resolver asks only the local dnsmasq.
server:
  do-not-query-localhost: no
  # Unbound answers NXDOMAIN for the special-use name test. itself (RFC 6761) unless told not to.
  local-zone: "test." nodefault
  domain-insecure: "$DOMAIN"
  domain-insecure: "$FORWARDER_DOMAIN"
forward-zone:
  name: "."
  forward-addr: $HOST@$DNS_PORT
EOF

  $SUDO tee "$OPENDKIM_CONF" >/dev/null <<EOF
# Generated by install/agent-auth.sh: test only.
Syslog                  no
UserID                  opendkim:opendkim
PidFile                 $OPENDKIM_PID
Socket                  inet:$OPENDKIM_PORT@$HOST
Mode                    sv
# Only SMTP AUTH marks mail as ours: the tests deliver inbound mail from 127.0.0.1 too.
InternalHosts           192.0.2.1
Domain                  $DOMAIN
Selector                $SELECTOR
KeyFile                 $DKIM_DIR/$SELECTOR.private
# The key lives under /tmp in the test stack (world-writable with the sticky bit): allow it.
RequireSafeKeys         no
Canonicalization        relaxed/relaxed
OversignHeaders         From
AuthservID              $AUTHSERV_ID
AlwaysAddARHeader       yes
On-Default              accept
ResolverConfiguration   $OPENDKIM_DIR/unbound.conf
EOF

  {
    echo "# Generated by install/agent-auth.sh: authoritative for the test domains, forwards nothing."
    echo "port=$DNS_PORT"
    echo "listen-address=$HOST"
    echo "bind-interfaces"
    echo "no-resolv"
    echo "no-hosts"
    echo "no-poll"
    echo "user=nobody"
    echo "group=nogroup"
    echo "pid-file=$DNSMASQ_PID"
    echo "log-facility=$STATE/log/dnsmasq.log"
    echo "local=/$DOMAIN/"
    echo "local=/$FORWARDER_DOMAIN/"
    txt_record "$SELECTOR._domainkey.$DOMAIN" "$DKIM_DIR/$SELECTOR.txt" | sed 's/^--//'
    txt_record "$FORWARDER_SELECTOR._domainkey.$FORWARDER_DOMAIN" "$DKIM_DIR/$FORWARDER_SELECTOR.txt" | sed 's/^--//'
  } | $SUDO tee "$STATE/dnsmasq.conf" >/dev/null
  $SUDO touch "$STATE/log/dnsmasq.log"
  $SUDO chown nobody "$STATE/log/dnsmasq.log"
}

start_dnsmasq() {
  dnsmasq_pid >/dev/null && return 0
  $SUDO /usr/sbin/dnsmasq --conf-file="$STATE/dnsmasq.conf" </dev/null >>"$LOG" 2>&1 9>&- \
    || { tail -n 20 "$LOG" >&2; die "dnsmasq failed to start (config: $STATE/dnsmasq.conf)"; }
}

start_opendkim() {
  opendkim_pid >/dev/null && return 0
  $SUDO /usr/sbin/opendkim -x "$OPENDKIM_CONF" </dev/null >>"$LOG" 2>&1 9>&- \
    || { tail -n 20 "$LOG" >&2; die "opendkim failed to start (config: $OPENDKIM_CONF)"; }
}

dns_answers() {
  # A TCP connect is enough to know dnsmasq listens (it serves TCP too).
  port_answers "$DNS_PORT"
}

wait_ready() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until dns_answers && port_answers "$OPENDKIM_PORT" && opendkim_pid >/dev/null && dnsmasq_pid >/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$LOG" >&2 || true
      die "OpenDKIM ($HOST:$OPENDKIM_PORT) or dnsmasq ($HOST:$DNS_PORT) not up after ${WAIT_SECONDS}s"
    fi
    sleep 0.2
  done
}

stop_pid() {
  local name=$1 pid=$2 i
  log "stopping $name (pid $pid)"
  $SUDO kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    [ -d "/proc/$pid" ] || return 0
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)" = Z ] && return 0
    sleep 0.2
  done
  die "$name (pid $pid) did not stop within 10 s"
}

cmd_up() {
  mkdir -p "$STATE" 2>/dev/null || $SUDO mkdir -p "$STATE"
  exec 9>>"$STATE/.agent-auth.lock" 2>/dev/null || exec 9>"/tmp/ticketworker-agent-auth.$(id -u).lock"
  flock -w 180 9 || die "another agent-auth.sh holds the lock"
  if opendkim_pid >/dev/null && dnsmasq_pid >/dev/null && dns_answers && port_answers "$OPENDKIM_PORT"; then
    summary
    return 0
  fi
  install_packages
  write_config
  : | $SUDO tee "$LOG" >/dev/null
  start_dnsmasq
  start_opendkim
  wait_ready
  summary
}

cmd_down() {
  local pid
  if pid=$(opendkim_pid); then stop_pid opendkim "$pid"; fi
  if pid=$(dnsmasq_pid); then stop_pid dnsmasq "$pid"; fi
  log "stopped"
}

cmd_status() {
  local pid rc=0
  if pid=$(opendkim_pid); then echo "opendkim running (pid $pid) on $HOST:$OPENDKIM_PORT"; else echo "opendkim stopped"; rc=1; fi
  if pid=$(dnsmasq_pid); then echo "dnsmasq running (pid $pid) on $HOST:$DNS_PORT"; else echo "dnsmasq stopped"; rc=1; fi
  return $rc
}

summary() {
  cat <<EOF
agent auth up (test only)
  OpenDKIM    $HOST:$OPENDKIM_PORT (milter; signs AUTH submissions d=$DOMAIN s=$SELECTOR, verifies the rest, authserv-id $AUTHSERV_ID)
  DNS         $HOST:$DNS_PORT (dnsmasq; $SELECTOR._domainkey.$DOMAIN, $FORWARDER_SELECTOR._domainkey.$FORWARDER_DOMAIN)
  keys        $DKIM_DIR
  log         $LOG
EOF
}

cmd_env() {
  cat <<EOF
TICKETWORKER_DNS_PORT=$DNS_PORT
TICKETWORKER_OPENDKIM_PORT=$OPENDKIM_PORT
TICKETWORKER_DKIM_DIR=$DKIM_DIR
EOF
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
