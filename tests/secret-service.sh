#!/usr/bin/env bash
# Run a command with a real, unlocked GNOME Keyring Secret Service on a
# private D-Bus session bus, then tear it all down:
#
#   tests/secret-service.sh CMD [ARGS...]
#
# Inside CMD, DBUS_SESSION_BUS_ADDRESS points at the private bus and the
# default collection exists and is unlocked. Needs the Debian packages dbus,
# gnome-keyring and libsecret-tools (.ci/run installs them). The user's own
# keyring is never touched: the keyring files live in a throw-away dir.
#
# Pitfalls this works around:
# - asking org.freedesktop.secrets before our daemon owns the name makes
#   D-Bus activate a second, login-less daemon whose collection stays locked;
# - `gnome-keyring-daemon --unlock` exits 0 even when the unlock failed, so
#   readiness is checked on the bus, not by exit code;
# - a DISPLAY inherited by the bus would let an unlock prompt wait forever.
set -euo pipefail

if [ -z "${HD_SS_INNER:-}" ]; then
  [ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 90; }
  for b in dbus-run-session gnome-keyring-daemon dbus-send; do
    command -v "$b" >/dev/null || { echo "$0: $b not found: apt-get install dbus gnome-keyring libsecret-tools" >&2; exit 91; }
  done
  export HD_SS_INNER=1
  exec env -u DISPLAY -u WAYLAND_DISPLAY dbus-run-session -- bash "$0" "$@"
fi
unset HD_SS_INNER

work=$(mktemp -d "${TMPDIR:-/tmp}/hd-ss.XXXXXX")
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data" "$work/run"
chmod 700 "$work/run"

head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' \
  | env XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work/run" \
      gnome-keyring-daemon --unlock --replace --components=secrets >/dev/null 2>"$work/daemon.err" \
  || { cat "$work/daemon.err" >&2; echo "$0: gnome-keyring-daemon failed to start" >&2; exit 92; }

bus() { dbus-send --session --print-reply --reply-timeout=2000 "$@" 2>/dev/null; }
deadline=$(( $(date +%s) + 10 ))
until bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
        string:org.freedesktop.secrets | grep -q 'boolean true'; do
  [ "$(date +%s)" -lt "$deadline" ] || { cat "$work/daemon.err" >&2; echo "$0: no Secret Service on the bus" >&2; exit 93; }
  sleep 0.05
done
while :; do
  coll=$(bus --dest=org.freedesktop.secrets /org/freedesktop/secrets \
           org.freedesktop.Secret.Service.ReadAlias string:default | sed -n 's/.*object path "\(.*\)".*/\1/p')
  if [ -n "$coll" ] && [ "$coll" != "/" ]; then
    locked=$(bus --dest=org.freedesktop.secrets "$coll" org.freedesktop.DBus.Properties.Get \
               string:org.freedesktop.Secret.Collection string:Locked | sed -n 's/.*boolean \(.*\)/\1/p')
    [ "$locked" = "false" ] && break
  fi
  [ "$(date +%s)" -lt "$deadline" ] || { echo "$0: the default collection never unlocked" >&2; exit 93; }
  sleep 0.1
done

"$@"
