#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of the workspace
# (unit, fixture, snapshot, loopback HTTP, pty end-to-end, and the keyring
# against a real Secret Service; benches run once each in test mode). This
# is the README's test command, and .ci/run runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# The keyring tests need a real Secret Service on a private D-Bus session;
# the command-source test needs the real `pass` and GnuPG; team mode's
# tests need nginx; OAuth's need Node.js for oidc-provider, and the
# schema's the Taplo CLI from npm.
missing=()
command -v dbus-run-session >/dev/null || missing+=(dbus)
command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
command -v secret-tool >/dev/null || missing+=(libsecret-tools)
command -v pass >/dev/null || missing+=(pass)
command -v keyctl >/dev/null || missing+=(keyutils)
command -v gpg >/dev/null || missing+=(gnupg)
# Team mode's tests run a real nginx with its JavaScript module.
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_js_module.so ] || missing+=(libnginx-mod-http-js)
# OAuth's tests run a real authorization server (oidc-provider) on Node.js.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# The man page test renders assets/homedash.1 with the real man.
command -v man >/dev/null || missing+=(man-db)
# The example units are checked with systemd-analyze verify.
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  echo "tests/run.sh: installing ${missing[*]}" >&2
  if ! { DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq \
         && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2; then
    echo "tests/run.sh: could not install them; run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# The authorization server for OAuth's tests, pinned by tests/oidc/package-lock.json.
# oidc-provider 9 needs Node.js 20 or later (Debian 12's own nodejs is 18).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "tests/run.sh: OAuth's tests need Node.js 20 or later (found ${node_major}); install it, e.g. from https://deb.nodesource.com or with nvm" >&2
  exit 1
fi
if [ ! -d tests/oidc/node_modules/oidc-provider ]; then
  echo "tests/run.sh: installing oidc-provider (npm ci in tests/oidc)" >&2
  npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error >&2
fi

# The Taplo CLI (the checker behind Even Better TOML), pinned by
# tests/taplo/package-lock.json: the schema's tests run it on real configs.
if [ ! -x tests/taplo/node_modules/.bin/taplo ]; then
  echo "tests/run.sh: installing the Taplo CLI (npm ci in tests/taplo)" >&2
  npm ci --prefix tests/taplo --no-audit --no-fund --loglevel=error >&2
fi

# Snapshots are compared, never rewritten, here.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR=never

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# A test that hangs fails the run at 30 minutes with its name above
# ("has been running for over 60 seconds"), rather than at CI's limit.
status=0
timeout --kill-after=30 1800 tests/secret-service.sh bash -c '
  cargo test --workspace --all-targets --locked &&
  cargo test --locked --test integration -- --ignored keyring_secret_service:: creds_keyring:: wizard_e2e:: gateway:: oauth:: systemd:: &&
  keyctl session - cargo test --locked --test integration -- --ignored store_move::' || status=$?
# Where no desktop runs: no session bus, the kernel keyring.
if [ "$status" = 0 ]; then
  timeout --kill-after=30 600 tests/keyutils.sh \
    cargo test --locked --test integration -- --ignored keyutils:: || status=$?
fi
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
  echo "tests/run.sh: the tests did not finish in 30 minutes; the test named 'has been running for over 60 seconds' above hangs" >&2
fi
exit "$status"
