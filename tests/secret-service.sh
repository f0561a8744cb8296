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
# - asking org.freedesktop.secrets while our daemon does not own the name
#   would make D-Bus activate a second, login-less daemon whose collection
#   stays locked (and whose unlock prompt needs a display): the private bus
#   has no service directories, so nothing is ever activated;
# - `gnome-keyring-daemon --unlock` exits 0 even when the unlock failed, so
#   readiness is checked on the bus, not by exit code;
# - a DISPLAY inherited by the bus would let an unlock prompt wait forever;
# - the daemon has been seen to exit in the middle of a run (a CI run on
#   2026-12-03, while tests SIGKILLed clients mid-call): it is supervised,
#   restarted on the same keyring files with the same password, and every
#   restart is reported with the daemon's own output.
set -euo pipefail

if [ -z "${HD_SS_INNER:-}" ]; then
  [ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 90; }
  for b in dbus-run-session dbus-daemon gnome-keyring-daemon dbus-send; do
    command -v "$b" >/dev/null || { echo "$0: $b not found: apt-get install dbus gnome-keyring libsecret-tools" >&2; exit 91; }
  done
  conf_dir=$(mktemp -d "${TMPDIR:-/tmp}/hd-bus.XXXXXX")
  trap 'rm -rf "$conf_dir"' EXIT
  # The distribution's session bus, without its service directories.
  sed -e '/<standard_session_servicedirs *\/>/d' -e '/<servicedir>/d' \
    /usr/share/dbus-1/session.conf >"$conf_dir/session.conf"
  export HD_SS_INNER=1
  rc=0
  env -u DISPLAY -u WAYLAND_DISPLAY dbus-run-session --config-file="$conf_dir/session.conf" \
    -- bash "$0" "$@" || rc=$?
  exit "$rc"
fi
unset HD_SS_INNER

work=$(mktemp -d "${TMPDIR:-/tmp}/hd-ss.XXXXXX")
chmod 700 "$work"
mkdir -p "$work/data" "$work/run"
chmod 700 "$work/run"
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

# One daemon at a time, in the foreground of a supervisor that restarts it.
supervise() {
  while :; do
    printf '%s' "$password" \
      | env XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work/run" \
          gnome-keyring-daemon --foreground --unlock --components=secrets >>"$work/daemon.log" 2>&1 &
    echo $! >"$work/daemon.pid"
    rc=0
    wait $! || rc=$?
    [ -e "$work/stop" ] && return 0
    echo "$(date +%T) gnome-keyring-daemon exited ($rc); restarting it on the same keyring" >>"$work/restarts"
    echo "tests/secret-service.sh: gnome-keyring-daemon exited ($rc) during the run; restarting it" >&2
    sleep 0.2
  done
}
supervise &
supervisor=$!

finish() {
  touch "$work/stop"
  [ -f "$work/daemon.pid" ] && kill "$(cat "$work/daemon.pid")" 2>/dev/null || true
  wait "$supervisor" 2>/dev/null || true
  if [ -s "$work/restarts" ]; then
    echo "tests/secret-service.sh: the keyring daemon had to be restarted:" >&2
    cat "$work/restarts" >&2
    echo "its output:" >&2
    tail -n 40 "$work/daemon.log" >&2
  fi
  rm -rf "$work"
}
trap finish EXIT

bus() { dbus-send --session --print-reply --reply-timeout=2000 "$@" 2>/dev/null; }
deadline=$(( $(date +%s) + 10 ))
until bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
        string:org.freedesktop.secrets | grep -q 'boolean true'; do
  [ "$(date +%s)" -lt "$deadline" ] || { cat "$work/daemon.log" >&2; echo "$0: no Secret Service on the bus" >&2; exit 93; }
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
  [ "$(date +%s)" -lt "$deadline" ] || { cat "$work/daemon.log" >&2; echo "$0: the default collection never unlocked" >&2; exit 93; }
  sleep 0.1
done

"$@"
