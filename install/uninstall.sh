#!/usr/bin/env bash
# Removes what install/install.sh installed. Keeps the configuration (/etc/ticketworker, credentials
# included), the data (/var/lib/ticketworker: database and raw mail) and the system user, so a later
# install.sh continues where this one stopped.
#
#   install/uninstall.sh              stop and disable the service, remove /opt/ticketworker, the unit, the wrapper
#   install/uninstall.sh --purge      ... and also the configuration, the data and the user (no way back)
#   --root DIR                        act under DIR instead of / (tests); systemctl and userdel are not called
set -euo pipefail

root=""
purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a folder}"; root="${root%/}"; shift 2 ;;
    --purge) purge=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "uninstall: $*" >&2; }
[ -z "$root" ] && [ "$(id -u)" != 0 ] && { log "run as root (or use --root DIR)"; exit 1; }
systemd=0
[ -z "$root" ] && [ -d /run/systemd/system ] && systemd=1

if [ $systemd -eq 1 ]; then
  systemctl disable --now ticketworker.service >&2 2>/dev/null || true
fi
rm -f "$root/etc/systemd/system/ticketworker.service" "$root/usr/local/bin/ticketworker"
rm -rf "$root/etc/systemd/system/ticketworker.service.d" "$root/opt/ticketworker"
[ $systemd -eq 1 ] && systemctl daemon-reload

if [ $purge -eq 1 ]; then
  rm -rf "$root/etc/ticketworker" "$root/var/lib/ticketworker"
  if [ -z "$root" ] && getent passwd ticketworker >/dev/null; then userdel ticketworker; fi
  log "removed the program, the configuration, the data and the user"
else
  log "removed the program; kept ${root}/etc/ticketworker and ${root}/var/lib/ticketworker (--purge removes them)"
fi
