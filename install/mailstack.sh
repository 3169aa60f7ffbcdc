#!/usr/bin/env bash
# The local mail stack for tests and for trying TicketWorker: Dovecot (IMAP, IMAPS, LMTP, SASL for
# Postfix, OAuth2 with locally validated JWTs) and Postfix (SMTP for delivery, submission, SMTPS),
# from Debian packages, without systemd, bound to 127.0.0.1 only.
#
#   install/mailstack.sh up       install packages on first use, generate config, start, wait
#   install/mailstack.sh down     stop exactly the daemons `up` started (by their pid files)
#   install/mailstack.sh hosted-up|hosted-down   start/stop only the second ("hosted") Dovecot
#   install/mailstack.sh status   print what runs
#   install/mailstack.sh cert     print the path of the self-signed certificate (PEM) to trust
#   install/mailstack.sh env      print the stack's settings as shell assignments
#   install/mailstack.sh token USER [SECONDS]   print a signed OAuth2 access token (JWT) for USER
#   install/mailstack.sh postfix-down|dovecot-down   stop only Postfix / only the default Dovecot
#                                   (fault tests on a private stack; `up` starts what is missing)
#   install/mailstack.sh sieve-vacation USER [SECONDS]   give USER a Sieve vacation responder
#   install/mailstack.sh sieve-off USER                  remove USER's Sieve script
#   (Sieve needs TICKETWORKER_MAILSTACK_SIEVE=1 at `up`; see write_sieve_config)
#
# TEST ONLY. Users of example.test (support, sales, agent1, agent2, lead, customer1..customer20)
# all have the password "secret". Nothing listens beyond 127.0.0.1 and Postfix relays nowhere:
# it delivers example.test over LMTP into Dovecot and answers "Relay access denied" otherwise.
#
# The state directory is machine-global on purpose so several checkouts share one stack:
# TICKETWORKER_MAILSTACK_DIR (default /tmp/ticketworker-mailstack, the tests' stack). The demo
# (./run.sh) runs a second stack with its own state and ports, see run.sh. Certificate: generated
# on first `up`, or copied from TICKETWORKER_MAILSTACK_CERT and TICKETWORKER_MAILSTACK_KEY when set.
# Ports (all overridable):
#   TICKETWORKER_IMAP_PORT=10143 (STARTTLS offered)   TICKETWORKER_IMAPS_PORT=10993
#   TICKETWORKER_LMTP_PORT=10024                      TICKETWORKER_SMTP_PORT=10025 (plain, no auth)
#   TICKETWORKER_SUBMISSION_PORT=10587 (STARTTLS required, AUTH)
#   TICKETWORKER_SMTPS_PORT=10465 (implicit TLS, AUTH)
#
# A second Dovecot instance (the "hosted" profile) runs beside the first, configured like many
# hosted IMAP servers: personal namespace prefix "INBOX." with separator ".", and MOVE, LITERAL+
# and UNSELECT not advertised. Its own config, base_dir, state, Maildirs and log; the same users,
# password, certificate and OAuth2 key; IMAP only (tests APPEND their mail, nothing delivers to it):
#   TICKETWORKER_HOSTED_IMAP_PORT=11143 (STARTTLS offered)   TICKETWORKER_HOSTED_IMAPS_PORT=11993
#
# OAuth2 (XOAUTH2 / OAUTHBEARER, IMAP and SMTP AUTH): Dovecot's oauth2 passdb validates HS256 JWTs
# locally (introspection_mode = local). The shared key is base64 in
# $STATE/oauth2/keys/default/HS256/default (file name = azp/alg/kid; tokens carry no azp/kid, so
# "default" applies). A token needs "sub" = the full address, "exp", "iat" and "nbf".
set -euo pipefail

STATE="${TICKETWORKER_MAILSTACK_DIR:-/tmp/ticketworker-mailstack}"
IMAP_PORT="${TICKETWORKER_IMAP_PORT:-10143}"
IMAPS_PORT="${TICKETWORKER_IMAPS_PORT:-10993}"
LMTP_PORT="${TICKETWORKER_LMTP_PORT:-10024}"
SMTP_PORT="${TICKETWORKER_SMTP_PORT:-10025}"
SUBMISSION_PORT="${TICKETWORKER_SUBMISSION_PORT:-10587}"
SMTPS_PORT="${TICKETWORKER_SMTPS_PORT:-10465}"
HOSTED_IMAP_PORT="${TICKETWORKER_HOSTED_IMAP_PORT:-11143}"
HOSTED_IMAPS_PORT="${TICKETWORKER_HOSTED_IMAPS_PORT:-11993}"
OPENDKIM_PORT="${TICKETWORKER_OPENDKIM_PORT:-10891}" # install/agent-auth.sh
DOMAIN=example.test
HOST=127.0.0.1
USERS="support sales agent1 agent2 lead $(seq -f 'customer%g' 1 20 | tr '\n' ' ')"
PASSWORD=secret
WAIT_SECONDS="${TICKETWORKER_MAILSTACK_WAIT:-30}"

DOVECOT_CONF="$STATE/dovecot/dovecot.conf"
DOVECOT_PID="$STATE/run/dovecot/master.pid"
HOSTED_CONF="$STATE/dovecot-hosted/dovecot.conf"
HOSTED_PID="$STATE/run/dovecot-hosted/master.pid"
POSTFIX_DIR="$STATE/postfix/etc"
POSTFIX_QUEUE="$STATE/postfix/queue"
POSTFIX_PID="$POSTFIX_QUEUE/pid/master.pid"
CERT="$STATE/tls/cert.pem"
KEY="$STATE/tls/key.pem"
OAUTH_KEY="$STATE/oauth2/keys/default/HS256/default"

DAEMON_NAME=mailstack
# sudo, log/die, pid_running, port_answers, wait_for_ports, stop_pid, apt_install
# shellcheck source=install/lib/daemon.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/daemon.sh"

ports() { echo "$IMAP_PORT $IMAPS_PORT $LMTP_PORT $SMTP_PORT $SUBMISSION_PORT $SMTPS_PORT $HOSTED_IMAP_PORT $HOSTED_IMAPS_PORT"; }

all_ports_answer() {
  local p
  for p in $(ports); do port_answers "$p" || return 1; done
}

dovecot_pid() { pid_running "$DOVECOT_PID" /usr/sbin/dovecot; }
hosted_pid() { pid_running "$HOSTED_PID" /usr/sbin/dovecot; }
postfix_pid() { pid_running "$POSTFIX_PID" /usr/lib/postfix/sbin/master; }

install_packages() {
  local missing=()
  command -v openssl >/dev/null || missing+=(openssl)
  [ -x /usr/sbin/dovecot ] || missing+=(dovecot-core)
  [ -x /usr/lib/dovecot/imap ] || missing+=(dovecot-imapd)
  [ -x /usr/lib/dovecot/lmtp ] || missing+=(dovecot-lmtpd)
  [ -x /usr/sbin/postfix ] || missing+=(postfix)
  if sieve_enabled; then [ -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ] || missing+=(dovecot-sieve); fi
  [ ${#missing[@]} -eq 0 ] && return 0
  # Postfix gets no /etc/postfix/main.cf: we always run it with -c on our own directory.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  apt_install "${missing[@]}"
}

ensure_vmail_user() {
  if ! getent passwd vmail >/dev/null; then
    $SUDO useradd --system --user-group --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin vmail
  fi
}

make_certificate() {
  [ -s "$CERT" ] && [ -s "$KEY" ] && return 0
  $SUDO mkdir -p "$STATE/tls"
  if [ -n "${TICKETWORKER_MAILSTACK_CERT:-}" ]; then
    # A given pair: the demo's (run.sh), committed so that the shipped config/ can trust it by a
    # relative path before this stack ever ran. Its key is public: it is good for 127.0.0.1 only.
    $SUDO cp "$TICKETWORKER_MAILSTACK_CERT" "$CERT"
    $SUDO cp "${TICKETWORKER_MAILSTACK_KEY:?TICKETWORKER_MAILSTACK_KEY must name the key of TICKETWORKER_MAILSTACK_CERT}" "$KEY"
    $SUDO chmod 644 "$CERT"
    $SUDO chmod 600 "$KEY"
    return 0
  fi
  $SUDO openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$KEY" -out "$CERT" 2>/dev/null
  $SUDO chmod 644 "$CERT"
  $SUDO chmod 600 "$KEY"
}

make_oauth_key() {
  [ -s "$OAUTH_KEY" ] && return 0
  $SUDO mkdir -p "$(dirname "$OAUTH_KEY")"
  openssl rand -base64 32 | $SUDO tee "$OAUTH_KEY" >/dev/null
  # Read by Dovecot's auth process (user dovecot) and by tests that mint tokens.
  $SUDO chown -R root:dovecot "$STATE/oauth2"
  $SUDO chmod -R a+rX "$STATE/oauth2"
}

# write_users CONFDIR MAILDIR: the passwd-file of every test user, their mail under MAILDIR.
write_users() {
  local conf="$1" mail="$2" uid gid u
  uid=$(id -u vmail); gid=$(id -g vmail)
  $SUDO mkdir -p "$conf" "$STATE/run" "$STATE/log" "$mail"
  $SUDO chown vmail:vmail "$mail"
  {
    for u in $USERS; do
      echo "$u@$DOMAIN:{PLAIN}$PASSWORD:$uid:$gid::$mail/$DOMAIN/$u::"
    done
  } | $SUDO tee "$conf/users" >/dev/null
  $SUDO chown root:dovecot "$conf/users"
  $SUDO chmod 640 "$conf/users"
}

write_dovecot_config() {
  local uid gid
  uid=$(id -u vmail); gid=$(id -g vmail)
  $SUDO mkdir -p "$STATE/lib/dovecot"
  write_users "$STATE/dovecot" "$STATE/mail"

  $SUDO tee "$STATE/dovecot/oauth2.conf.ext" >/dev/null <<EOF
# Tokens are HS256 JWTs validated here, with no network (Dovecot 2.3 local validation).
introspection_mode = local
local_validation_key_dict = fs:posix:prefix=$STATE/oauth2/keys/
username_attribute = sub
EOF

  $SUDO tee "$DOVECOT_CONF" >/dev/null <<EOF
# Generated by install/mailstack.sh: test only.
instance_name = ticketworker-mailstack
base_dir = $STATE/run/dovecot
state_dir = $STATE/lib/dovecot
protocols = imap lmtp
listen = $HOST
log_path = $STATE/log/dovecot.log
info_log_path = $STATE/log/dovecot.log
ssl = yes
ssl_cert = <$CERT
ssl_key = <$KEY
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_username_format = %Lu
recipient_delimiter = +
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
last_valid_gid = $gid
mail_uid = $uid
mail_gid = $gid
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
mail_max_userip_connections = 200

passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u $STATE/dovecot/users
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $STATE/dovecot/oauth2.conf.ext
}
userdb {
  driver = passwd-file
  args = username_format=%u $STATE/dovecot/users
}

service imap-login {
  inet_listener imap {
    address = $HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = $HOST
    port = $IMAPS_PORT
    ssl = yes
  }
  process_min_avail = 1
}
service lmtp {
  inet_listener lmtp {
    address = $HOST
    port = $LMTP_PORT
  }
  unix_listener lmtp {
    mode = 0600
  }
}
# Anvil's auth penalty delays every login from an IP (up to 15 s, successful ones too) after a
# failure; all tests share 127.0.0.1 and try wrong passwords on purpose. Without this socket the
# auth process disables the penalty (Postfix's SASL requests would get it even from trusted
# networks). The fixed auth_failure_delay (2 s) stays.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  # Postfix's smtpd (user postfix) asks Dovecot to check SMTP AUTH.
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
protocol imap {
  mail_max_userip_connections = 200
}
protocol lmtp {
  postmaster_address = postmaster@$DOMAIN
}
EOF
  write_sieve_config
}

# The "hosted" profile: what differs from the default instance is the namespace (prefix "INBOX.",
# separator ".") and the capabilities (imap_capability replaces Dovecot's list: the default
# post-login list of Dovecot 2.3 without MOVE, LITERAL+ and UNSELECT).
write_hosted_config() {
  local uid gid
  uid=$(id -u vmail); gid=$(id -g vmail)
  $SUDO mkdir -p "$STATE/lib/dovecot-hosted"
  write_users "$STATE/dovecot-hosted" "$STATE/mail-hosted"

  $SUDO tee "$HOSTED_CONF" >/dev/null <<EOF
# Generated by install/mailstack.sh: test only. The second ("hosted") IMAP server profile.
instance_name = ticketworker-mailstack-hosted
base_dir = $STATE/run/dovecot-hosted
state_dir = $STATE/lib/dovecot-hosted
protocols = imap
listen = $HOST
log_path = $STATE/log/dovecot-hosted.log
info_log_path = $STATE/log/dovecot-hosted.log
ssl = yes
ssl_cert = <$CERT
ssl_key = <$KEY
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_username_format = %Lu
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
last_valid_gid = $gid
mail_uid = $uid
mail_gid = $gid
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  prefix = INBOX.
  separator = .
}
imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE NOTIFY
mail_max_userip_connections = 200

passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u $STATE/dovecot-hosted/users
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $STATE/dovecot/oauth2.conf.ext
}
userdb {
  driver = passwd-file
  args = username_format=%u $STATE/dovecot-hosted/users
}

service imap-login {
  inet_listener imap {
    address = $HOST
    port = $HOSTED_IMAP_PORT
  }
  inet_listener imaps {
    address = $HOST
    port = $HOSTED_IMAPS_PORT
    ssl = yes
  }
  process_min_avail = 1
}
# As in the default instance: no auth penalty for the tests' deliberate wrong passwords.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
protocol imap {
  mail_max_userip_connections = 200
}
EOF
}

write_postfix_config() {
  local u
  $SUDO mkdir -p "$POSTFIX_DIR" "$POSTFIX_QUEUE" "$STATE/postfix/data"
  $SUDO chown postfix:postfix "$STATE/postfix/data"
  for u in $USERS; do echo "$u@$DOMAIN OK"; done | $SUDO tee "$POSTFIX_DIR/vmailbox" >/dev/null

  $SUDO tee "$POSTFIX_DIR/main.cf" >/dev/null <<EOF
# Generated by install/mailstack.sh: test only. Loopback, no relay.
compatibility_level = 3.6
queue_directory = $POSTFIX_QUEUE
data_directory = $STATE/postfix/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.$DOMAIN
mydomain = $DOMAIN
myorigin = \$mydomain
mydestination =
inet_interfaces = $HOST
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
relay_domains =
local_transport = error:local delivery is disabled
alias_maps =
alias_database =
biff = no
smtpd_banner = \$myhostname ESMTP TicketWorker test stack
maillog_file_prefixes = /var, $STATE
maillog_file = $STATE/log/postfix.log
message_size_limit = 52428800
recipient_delimiter = +
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$POSTFIX_DIR/vmailbox
virtual_transport = lmtp:inet:$HOST:$LMTP_PORT
smtpd_reject_unlisted_recipient = yes
# Nothing is relayed, not even for authenticated clients: foreign domains get 554 5.7.1.
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_tls_cert_file = $CERT
smtpd_tls_key_file = $KEY
smtpd_tls_security_level = may
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_protocols = >=TLSv1.2
smtpd_sasl_type = dovecot
smtpd_sasl_path = $STATE/run/dovecot/auth-postfix
smtpd_sasl_auth_enable = no
smtp_dns_support_level = disabled
lmtp_host_lookup = native
# A test stack restarts Dovecot under Postfix: retry deferred deliveries within seconds, not Postfix's
# production minutes, so mail deferred while Dovecot was down arrives soon after it is back.
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 10s
# OpenDKIM (install/agent-auth.sh) signs AUTH submissions and verifies the rest; while it is not
# running mail flows unsigned and unverified.
smtpd_milters = inet:$HOST:$OPENDKIM_PORT
milter_default_action = accept
milter_connect_timeout = 2s
EOF

  # No chroot anywhere: socket paths stay absolute and simple.
  $SUDO tee "$POSTFIX_DIR/master.cf" >/dev/null <<EOF
# Generated by install/mailstack.sh.
# service            type  private unpriv chroot wakeup maxproc command
$HOST:$SMTP_PORT     inet  n       -      n      -      -       smtpd
  -o smtpd_tls_security_level=none
$HOST:$SUBMISSION_PORT inet n      -      n      -      -       smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o cleanup_service_name=cleanup-submitted
$HOST:$SMTPS_PORT    inet  n       -      n      -      -       smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o cleanup_service_name=cleanup-submitted
# Submitted mail is signed, not verified, so no Authentication-Results of ours is added on top:
# drop any that claims our authserv-id (RFC 8601 §5), or it would be the topmost one.
cleanup-submitted unix n -       n       -       0       cleanup
  -o header_checks=regexp:$POSTFIX_DIR/submitted_header_checks
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
lmtp       unix  -       -       n       -       -       lmtp
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
EOF
  echo "/^Authentication-Results:[[:space:]]*mail\\.$DOMAIN[[:space:];]/ IGNORE" | $SUDO tee "$POSTFIX_DIR/submitted_header_checks" >/dev/null
  # Postfix re-reads a main.cf younger than ~1 s for a while at start: backdate what we generate.
  $SUDO touch -d '-1 min' "$POSTFIX_DIR/main.cf" "$POSTFIX_DIR/master.cf" "$POSTFIX_DIR/vmailbox" "$POSTFIX_DIR/submitted_header_checks"
}

print_logs() {
  local f
  for f in "$STATE/log/dovecot.log" "$STATE/log/postfix.log" "$STATE/log/start.log"; do
    if [ -r "$f" ]; then echo "----- tail of $f" >&2; tail -n 30 "$f" >&2; fi
  done
}

start_dovecot() {
  dovecot_pid >/dev/null && return 0
  # Dovecot keeps the caller's descriptors open: detach them or a pipeline waits forever.
  # fd 9 (the lock) must not live on in the daemons.
  $SUDO /usr/sbin/dovecot -c "$DOVECOT_CONF" </dev/null >>"$STATE/log/start.log" 2>&1 9>&- \
    || { print_logs; die "dovecot failed to start (config: $DOVECOT_CONF)"; }
}

start_hosted() {
  hosted_pid >/dev/null && return 0
  $SUDO /usr/sbin/dovecot -c "$HOSTED_CONF" </dev/null >>"$STATE/log/start.log" 2>&1 9>&- \
    || { print_logs; die "dovecot (hosted profile) failed to start (config: $HOSTED_CONF)"; }
}

start_postfix() {
  postfix_pid >/dev/null && return 0
  # `postfix start` runs postsuper as the mail owner, and it writes to maillog_file itself (postlogd is not up
  # yet), e.g. its warning about a queue file a stopped Postfix left half-written in incoming/: a log file
  # only root may write made that warning fatal and the start fail ("integrity check failed").
  $SUDO touch "$STATE/log/postfix.log"
  $SUDO chown postfix:postfix "$STATE/log/postfix.log"
  # A failing `postfix start` is silent off a terminal: `check` says why.
  if ! $SUDO /usr/sbin/postfix -c "$POSTFIX_DIR" start </dev/null >>"$STATE/log/start.log" 2>&1 9>&-; then
    $SUDO /usr/sbin/postfix -c "$POSTFIX_DIR" check </dev/null >>"$STATE/log/start.log" 2>&1 || true
    print_logs
    die "postfix failed to start (config: $POSTFIX_DIR)"
  fi
}

summary() {
  cat <<EOF
mail stack up (test only; every user's password is "$PASSWORD")
  state dir   $STATE
  certificate $CERT (self-signed, CN/SAN localhost, IP 127.0.0.1)
  oauth2 key  $OAUTH_KEY (HS256, base64)
  IMAP        $HOST:$IMAP_PORT (STARTTLS)    IMAPS $HOST:$IMAPS_PORT    LMTP $HOST:$LMTP_PORT
  IMAP hosted $HOST:$HOSTED_IMAP_PORT (STARTTLS)    IMAPS $HOST:$HOSTED_IMAPS_PORT    (prefix INBOX., separator ., no MOVE/LITERAL+/UNSELECT)
  SMTP        $HOST:$SMTP_PORT (plain, delivery)   submission $HOST:$SUBMISSION_PORT (STARTTLS+AUTH)   SMTPS $HOST:$SMTPS_PORT
  users       support sales agent1 agent2 lead customer1..customer20 @$DOMAIN
  logs        $STATE/log/
EOF
}

cmd_down() {
  local pid
  if pid=$(postfix_pid); then stop_pid postfix "$pid"; fi
  if pid=$(dovecot_pid); then stop_pid dovecot "$pid"; fi
  if pid=$(hosted_pid); then stop_pid "dovecot (hosted)" "$pid"; fi
  log "stopped"
}

cmd_hosted_down() {
  local pid
  if pid=$(hosted_pid); then stop_pid "dovecot (hosted)" "$pid"; fi
}

# Only the second instance, for tests that restart "the server" without disturbing the default one.
cmd_hosted_up() {
  # The braces keep 2>/dev/null to this line: on a bare exec it would silence every later message.
  { exec 9>>"$STATE/.lock"; } 2>/dev/null || exec 9>"/tmp/ticketworker-mailstack.$(id -u).lock"
  flock -w 180 9 || die "another mailstack.sh holds the lock"
  [ -s "$HOSTED_CONF" ] || write_hosted_config
  start_hosted
  wait_for_ports "$HOSTED_IMAP_PORT" "$HOSTED_IMAPS_PORT"
}

cmd_up() {
  mkdir -p "$STATE" 2>/dev/null || $SUDO mkdir -p "$STATE"
  # Several checkouts may call `up` at once: one at a time.
  # The braces keep 2>/dev/null to this line: on a bare exec it would silence every later message.
  { exec 9>>"$STATE/.lock"; } 2>/dev/null || exec 9>"/tmp/ticketworker-mailstack.$(id -u).lock"
  flock -w 180 9 || die "another mailstack.sh holds the lock"
  if dovecot_pid >/dev/null && postfix_pid >/dev/null && hosted_pid >/dev/null && all_ports_answer; then
    summary
    return 0
  fi
  # Half up (one daemon died): start only what is missing, since others may be using the running
  # one. Regenerating the configs changes nothing for it unless the ports were changed, and then
  # the wait below fails and says so (run `down` first).
  install_packages
  ensure_vmail_user
  $SUDO chmod 755 "$STATE"
  make_certificate
  make_oauth_key
  write_dovecot_config
  write_hosted_config
  write_postfix_config
  : | $SUDO tee "$STATE/log/start.log" >/dev/null
  start_dovecot
  start_hosted
  start_postfix
  # shellcheck disable=SC2046 # one word per port
  wait_for_ports $(ports)
  summary
}

cmd_status() {
  local pid rc=0 p
  if pid=$(dovecot_pid); then echo "dovecot running (pid $pid)"; else echo "dovecot stopped"; rc=1; fi
  if pid=$(postfix_pid); then echo "postfix running (pid $pid)"; else echo "postfix stopped"; rc=1; fi
  if pid=$(hosted_pid); then echo "dovecot (hosted profile) running (pid $pid)"; else echo "dovecot (hosted profile) stopped"; rc=1; fi
  for p in $(ports); do
    if port_answers "$p"; then echo "  $HOST:$p answers"; else echo "  $HOST:$p closed"; rc=1; fi
  done
  echo "state dir $STATE"
  return $rc
}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

cmd_token() {
  local user=${1:?usage: mailstack.sh token USER [SECONDS]} ttl=${2:-3600} now header body sig keyhex
  [[ "$user" == *@* ]] || user="$user@$DOMAIN"
  [ -r "$OAUTH_KEY" ] || die "no OAuth2 key at $OAUTH_KEY: run \`$0 up\` first"
  now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  body=$(printf '{"sub":"%s","iat":%d,"nbf":%d,"exp":%d}' "$user" "$now" "$now" $((now + ttl)) | b64url)
  keyhex=$(openssl base64 -d -A <"$OAUTH_KEY" | od -An -tx1 | tr -d ' \n')
  sig=$(printf '%s.%s' "$header" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$keyhex" -binary | b64url)
  printf '%s.%s.%s\n' "$header" "$body" "$sig"
}

cmd_env() {
  cat <<EOF
TICKETWORKER_MAILSTACK_DIR=$STATE
TICKETWORKER_MAILSTACK_HOST=$HOST
TICKETWORKER_IMAP_PORT=$IMAP_PORT
TICKETWORKER_IMAPS_PORT=$IMAPS_PORT
TICKETWORKER_LMTP_PORT=$LMTP_PORT
TICKETWORKER_SMTP_PORT=$SMTP_PORT
TICKETWORKER_SUBMISSION_PORT=$SUBMISSION_PORT
TICKETWORKER_SMTPS_PORT=$SMTPS_PORT
TICKETWORKER_HOSTED_IMAP_PORT=$HOSTED_IMAP_PORT
TICKETWORKER_HOSTED_IMAPS_PORT=$HOSTED_IMAPS_PORT
TICKETWORKER_MAILSTACK_CERT=$CERT
TICKETWORKER_MAILSTACK_OAUTH2_KEY=$OAUTH_KEY
EOF
}

# ---------------------------------------------------------------------------------------------
# Sieve (Pigeonhole, Debian's dovecot-sieve) and single-daemon stops, for the fault tests, which
# run a PRIVATE stack (their own TICKETWORKER_MAILSTACK_DIR and ports) and stop or restart parts of
# it. With TICKETWORKER_MAILSTACK_SIEVE=1 at `up`, LMTP delivery runs each user's active Sieve script
# (~/.dovecot.sieve); `sieve-vacation USER` gives USER a vacation responder that answers every mail
# it may answer (RFC 5230 with vacation-seconds, no minimum period, no To/Cc check), its replies
# sent through this stack's own Postfix. The shared test stack never sets the variable.
sieve_enabled() { [ "${TICKETWORKER_MAILSTACK_SIEVE:-0}" = 1 ]; }

write_sieve_config() {
  if ! sieve_enabled; then
    $SUDO rm -f "$STATE/dovecot/sieve.conf"
    return 0
  fi
  $SUDO tee "$STATE/dovecot/sieve.conf" >/dev/null <<EOF
# Generated by install/mailstack.sh (TICKETWORKER_MAILSTACK_SIEVE=1): test only.
protocol lmtp {
  mail_plugins = \$mail_plugins sieve
  # Vacation replies leave by SMTP through this stack's Postfix (no sendmail binary involved).
  submission_host = $HOST:$SMTP_PORT
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
  sieve_extensions = +vacation-seconds +editheader
  sieve_vacation_min_period = 0
  sieve_vacation_dont_check_recipient = yes
}
EOF
  echo "!include $STATE/dovecot/sieve.conf" | $SUDO tee -a "$DOVECOT_CONF" >/dev/null
}

# The home of a test user (as in write_users).
user_home() { echo "$STATE/mail/$DOMAIN/$1"; }

cmd_sieve_vacation() {
  local user=${1:?usage: mailstack.sh sieve-vacation USER [SECONDS]} seconds=${2:-1} home
  user=${user%@*}
  [ -s "$STATE/dovecot/sieve.conf" ] || die "Sieve is off in $STATE: run \`up\` with TICKETWORKER_MAILSTACK_SIEVE=1 (after \`down\`)"
  home=$(user_home "$user")
  # Created as vmail: Dovecot creates the other users' Maildirs under the same domain folder.
  $SUDO install -d -o vmail -g vmail "$STATE/mail/$DOMAIN" "$home" "$home/sieve"
  $SUDO tee "$home/sieve/vacation.sieve" >/dev/null <<EOF
require ["vacation", "vacation-seconds"];
# Answers every mail it may answer (RFC 5230 §4.6 rules out auto-submitted mail and lists).
vacation :seconds $seconds :subject "Out of office" :from "$user@$DOMAIN"
  "I am out of the office. This is an automatic reply to every mail.";
EOF
  $SUDO ln -sfn sieve/vacation.sieve "$home/.dovecot.sieve"
  $SUDO chown -R vmail:vmail "$home"
}

cmd_sieve_off() {
  local user=${1:?usage: mailstack.sh sieve-off USER} home
  home=$(user_home "${user%@*}")
  $SUDO rm -f "$home/.dovecot.sieve"
}

cmd_postfix_down() {
  local pid
  if pid=$(postfix_pid); then stop_pid postfix "$pid"; fi
}

cmd_dovecot_down() {
  local pid
  if pid=$(dovecot_pid); then stop_pid dovecot "$pid"; fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  hosted-up) cmd_hosted_up ;;
  hosted-down) cmd_hosted_down ;;
  status) cmd_status ;;
  cert) echo "$CERT" ;;
  env) cmd_env ;;
  token) shift; cmd_token "$@" ;;
  postfix-down) cmd_postfix_down ;;
  dovecot-down) cmd_dovecot_down ;;
  sieve-vacation) shift; cmd_sieve_vacation "$@" ;;
  sieve-off) shift; cmd_sieve_off "$@" ;;
  *) echo "usage: $0 up|down|hosted-up|hosted-down|status|cert|env|token USER [SECONDS]|postfix-down|dovecot-down|sieve-vacation USER [SECONDS]|sieve-off USER" >&2; exit 2 ;;
esac
