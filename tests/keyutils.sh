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
exec env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY keyctl session - "$@"
