#!/usr/bin/env bash
# Installs TicketWorker as a systemd service on this Linux (x64) machine. Run as root from a checkout:
#
#   install/install.sh                 publish, install or upgrade, enable (does not start: configure first)
#   install/install.sh --start         ... and (re)start the service
#
# What goes where (nothing else is touched):
#   /opt/ticketworker/                the self-contained linux-x64 publish (replaced on every run),
#                                     templates/ and README.md
#   /usr/local/bin/ticketworker       a wrapper: the commands on /etc/ticketworker, as the service user
#   /etc/ticketworker/                configuration: appsettings.json and rules.yaml copied from config/ only
#                                     when absent (never overwritten), with the data paths pointed below;
#   /etc/ticketworker/credentials/    imap-password and smtp-password (root, 0600), given to the service
#                                     through systemd credentials (LoadCredential=); created empty if absent
#   /var/lib/ticketworker/            the database and raw mail (the service's only writable folder)
#   /etc/systemd/system/ticketworker.service   from install/ticketworker.service
#   user and group "ticketworker"     a system account without login shell or home
#
# Options:
#   --root DIR        install under DIR instead of / (tests, image builds); systemctl is not called
#   --no-publish      do not publish or copy binaries (tests of the layout)
#   --prebuilt DIR    copy an existing `dotnet publish -r linux-x64 --self-contained` output from DIR
#   --no-user         do not create the system user (and do not chown)
#   --start           restart the service at the end (only without --root)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
root=""
publish=1
prebuilt=""
make_user=1
start=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a folder}"; root="${root%/}"; shift 2 ;;
    --no-publish) publish=0; shift ;;
    --prebuilt) prebuilt="${2:?--prebuilt needs a folder}"; shift 2 ;;
    --no-user) make_user=0; shift ;;
    --start) start=1; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

APP="$root/opt/ticketworker"
ETC="$root/etc/ticketworker"
DATA="$root/var/lib/ticketworker"
UNIT="$root/etc/systemd/system/ticketworker.service"
BIN="$root/usr/local/bin/ticketworker"
USER_NAME=ticketworker

log() { echo "install: $*" >&2; }
die() { log "$*"; exit 1; }

[ -z "$root" ] && [ "$(id -u)" != 0 ] && die "run as root (or use --root DIR)"

if [ $make_user -eq 1 ] && ! getent passwd "$USER_NAME" >/dev/null; then
  log "creating system user $USER_NAME"
  useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
owner() { [ $make_user -eq 1 ] && chown "$@"; return 0; }

# 1. The application: publish into a staging folder first so a failed publish leaves the old version.
mkdir -p "$APP"
if [ -n "$prebuilt" ]; then
  [ -x "$prebuilt/ticketworker" ] || die "$prebuilt/ticketworker is missing: not a publish output"
  stage="$prebuilt"
elif [ $publish -eq 1 ]; then
  command -v dotnet >/dev/null || die "the .NET SDK is needed to publish (or pass --prebuilt DIR)"
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' EXIT
  log "publishing (self-contained linux-x64, ReadyToRun) ..."
  dotnet publish "$repo/src/TicketWorker" -c Release -r linux-x64 --self-contained true \
    -o "$stage" --nologo -v q -clp:NoSummary >&2
else
  stage=""
fi
if [ -n "$stage" ]; then
  # Replace the binaries, keep nothing stale from an older version.
  find "$APP" -mindepth 1 -maxdepth 1 ! -name templates -exec rm -rf {} +
  cp -a "$stage"/. "$APP"/
fi
rm -rf "$APP/templates"
cp -a "$repo/templates" "$APP/templates"
cp "$repo/README.md" "$APP/README.md"
chmod -R u=rwX,go=rX "$APP"

# 2. Configuration: copied once. The shipped paths are relative to config/ in a checkout; here they
# point at the data and templates folders above. An existing file is the admin's and stays as it is.
mkdir -p "$ETC" "$ETC/credentials"
if [ ! -e "$ETC/appsettings.json" ]; then
  log "writing $ETC/appsettings.json from config/ (edit it: mailbox, SMTP server, users)"
  sed -e 's|"Data Source=\.\./data/ticketworker\.db"|"Data Source=/var/lib/ticketworker/ticketworker.db"|' \
      -e 's|"RawMailPath": "\.\./data/raw"|"RawMailPath": "/var/lib/ticketworker/raw"|' \
      -e 's|"TemplatesPath": "\.\./templates"|"TemplatesPath": "/opt/ticketworker/templates"|' \
      "$repo/config/appsettings.json" >"$ETC/appsettings.json"
else
  log "keeping $ETC/appsettings.json"
fi
for f in "$repo"/config/*; do
  name="$(basename "$f")"
  [ "$name" = appsettings.json ] && continue
  [ -f "$f" ] || continue
  [ -e "$ETC/$name" ] || cp "$f" "$ETC/$name"
done
for secret in imap-password smtp-password; do
  if [ ! -e "$ETC/credentials/$secret" ]; then
    : >"$ETC/credentials/$secret"
    log "created empty $ETC/credentials/$secret: put the password on its first line"
  fi
  chmod 600 "$ETC/credentials/$secret"
done
chmod 700 "$ETC/credentials"
# The service reads the configuration (group), never writes it.
owner -R root:"$USER_NAME" "$ETC"
owner root:root "$ETC/credentials" "$ETC/credentials/imap-password" "$ETC/credentials/smtp-password"
chmod 750 "$ETC"
find "$ETC" -maxdepth 1 -type f -exec chmod 640 {} +

# 3. Data.
mkdir -p "$DATA"
owner "$USER_NAME:$USER_NAME" "$DATA"
chmod 750 "$DATA"

# 4. The command wrapper and the unit.
mkdir -p "$(dirname "$BIN")" "$(dirname "$UNIT")"
cat >"$BIN" <<'EOF'
#!/bin/sh
# TicketWorker commands on the installed configuration (install/install.sh). As root they run as the
# service user, so a database file they create or migrate stays writable by the service.
export TICKETWORKER_CONFIG="${TICKETWORKER_CONFIG:-/etc/ticketworker}"
if [ "$(id -u)" = 0 ] && getent passwd ticketworker >/dev/null; then
  exec runuser -u ticketworker -- /opt/ticketworker/ticketworker "$@"
fi
exec /opt/ticketworker/ticketworker "$@"
EOF
chmod 755 "$BIN"
install -m 644 "$here/ticketworker.service" "$UNIT"

if [ -z "$root" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable ticketworker.service >&2
  if [ $start -eq 1 ]; then systemctl restart ticketworker.service; fi
  log "installed; check the configuration with: ticketworker check; start with: systemctl start ticketworker"
else
  log "installed under ${root:-/} (systemd not called)"
fi
