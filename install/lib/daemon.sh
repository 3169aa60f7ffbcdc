# shellcheck shell=bash
# Helpers shared by install/mailstack.sh and install/agent-auth.sh, which run Debian's daemons
# without systemd: sudo, messages, the pid files of the daemons we started, waiting for ports,
# stopping, and package installs that do not start the packages' stock daemons. Sourced, not run.
#
# The caller sets before sourcing:
#   DAEMON_NAME    the prefix of messages ("mailstack", "agent-auth")
#   HOST           where the daemons listen (127.0.0.1)
#   WAIT_SECONDS   how long to wait for a daemon to answer
# and may define print_logs (what to show before giving up; nothing by default).

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

log() { echo "$DAEMON_NAME: $*" >&2; }
die() { log "$*"; exit 1; }

# Under `set -e` a failing command ends the script without a word; say which one and where instead
# (-E: also inside functions and subshells).
set -E
trap 'log "failed (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND"' ERR

# Called before giving up on a daemon; the caller's definition (sourced earlier or later) wins.
declare -F print_logs >/dev/null || print_logs() { :; }

# pid_running PIDFILE EXE: prints the pid when it is ours. A pid from a pid file counts only while
# /proc/PID/exe is the expected program; a zombie (state Z) has already exited and only waits to be
# reaped (PID 1 reaps late here).
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

# port_answers PORT: a TCP connect to $HOST:PORT succeeds within 2 s.
port_answers() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# wait_for_ports PORT...: every port answers within WAIT_SECONDS (one deadline for all), else
# print_logs and die.
wait_for_ports() {
  local deadline=$((SECONDS + WAIT_SECONDS)) p
  for p in "$@"; do
    until port_answers "$p"; do
      if [ $SECONDS -ge $deadline ]; then
        print_logs
        die "port $p on $HOST does not answer after ${WAIT_SECONDS}s"
      fi
      sleep 0.2
    done
  done
}

# wait_until MESSAGE COMMAND...: runs COMMAND every 0.2 s until it succeeds; after WAIT_SECONDS,
# print_logs and die with MESSAGE.
wait_until() {
  local message=$1 deadline=$((SECONDS + WAIT_SECONDS))
  shift
  until "$@"; do
    if [ $SECONDS -ge $deadline ]; then
      print_logs
      die "$message"
    fi
    sleep 0.2
  done
}

# stop_pid NAME PID: SIGTERM, then wait up to 10 s for it to be gone (or a zombie).
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

# apt_install PACKAGE...: installs the packages (first use), waiting for the dpkg lock rather than
# failing when another install runs at once. A policy-rc.d that says "no" keeps the packages'
# maintainer scripts from starting their stock daemons (on 0.0.0.0); ours run with our own config.
apt_install() {
  [ $# -eq 0 ] && return 0
  log "installing $* (first use)"
  local made_policy=0 rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null || rc=$?
  if [ $rc -eq 0 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
      "$@" >/dev/null || rc=$?
  fi
  if [ $made_policy -eq 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
  [ $rc -eq 0 ] || die "apt-get failed (exit $rc)"
}
