#!/usr/bin/env bash
# Run a command where no desktop runs: no session bus at all, in a fresh
# session keyring of the kernel's own (keyutils), thrown away at the end:
#
#   tests/keyutils.sh CMD [ARGS...]
#
# Needs the Debian package keyutils (.ci/run installs it). The user's own
# session keyring is never touched; what the command links to the user's
# persistent keyring is homedash's test entries, which the tests remove.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 90; }
command -v keyctl >/dev/null || { echo "$0: keyctl not found: apt-get install keyutils" >&2; exit 91; }
# A container's seccomp profile may forbid keyctl: say so, not fail later.
keyctl session - true >/dev/null 2>&1 || { echo "$0: the kernel keyring cannot be used here (keyctl session failed; is keyctl blocked by seccomp?)" >&2; exit 92; }
# No bus at all: without DBUS_SESSION_BUS_ADDRESS, D-Bus clients would try
# $XDG_RUNTIME_DIR/bus, the user's own.
exec env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR -u DISPLAY -u WAYLAND_DISPLAY keyctl session - "$@"
