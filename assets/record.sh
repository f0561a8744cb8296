#!/usr/bin/env bash
# Records the README's GIF: `homedash --demo` (pages, zoom, help), then a
# credential's life on the command line: add, test, rotate, list. It is a
# real run: a private GNOME Keyring (tests/secret-service.sh) holds the
# tokens, and nginx on loopback answers as Finnhub does, taking only the
# token it was given in Finnhub's header. Nothing leaves the machine.
#
#   assets/record.sh        writes assets/demo.cast and assets/demo.gif
#
# Needs asciinema 3 (`cargo install --locked asciinema`), agg 1.9 (asciinema's
# GIF renderer; crates.io's `agg` is an unrelated placeholder, so take a
# release of github.com/asciinema/agg or `cargo install --git` it), tmux,
# nginx, python3 and the keyring packages of tests/run.sh. The
# keys are typed by tmux into asciinema's terminal; keyboard input is not
# recorded, and the script fails if a token is found in the cast.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

for tool in asciinema agg tmux python3; do
  command -v "$tool" >/dev/null || { echo "record.sh: $tool not found (see the top of this script)" >&2; exit 1; }
done
asciinema=$(command -v asciinema)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "record.sh: nginx not found: apt-get install nginx" >&2; exit 1; }

cargo build --release --locked --quiet
work=$(mktemp -d "${TMPDIR:-/tmp}/hd-record.XXXXXX")
session="hd-record-$$"
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Two made-up tokens: the first is stored, the second replaces it.
old="d3m0-f1nnhub-7c41a9e05b2d"
new="d3m0-f1nnhub-90e6f3b18c4a"

# nginx as Finnhub: /api/v1/quote answers the recorded quote for either
# token in X-Finnhub-Token, and Finnhub's own 401 for anything else.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx/logs" "$work/www"
cp widgets/tests/fixtures/finnhub/quote_docs_example.json "$work/www/quote.json"
cp widgets/tests/fixtures/finnhub/error_401_invalid_key.json "$work/www/401.json"
# nginx's workers run as another user when its master is root.
chmod 755 "$work" "$work/www" && chmod 644 "$work/www/"*.json
cat >"$work/nginx/nginx.conf" <<EOF
daemon on;
pid $work/nginx.pid;
error_log $work/nginx/logs/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  map \$http_x_finnhub_token \$known { "$old" 1; "$new" 1; default 0; }
  server {
    listen 127.0.0.1:$port;
    default_type application/json;
    root $work/www;
    location = /api/v1/quote {
      if (\$known = 0) { rewrite ^ /401.json last; }
      rewrite ^ /quote.json last;
    }
    location = /401.json { internal; return 401 '{"error":"Invalid API key"}'; }
  }
}
EOF
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf"

mkdir -p "$work/home" "$work/config/homedash" "$work/state" "$work/bin"
ln -s "$root/target/release/homedash" "$work/bin/homedash"
cat >"$work/config/homedash/config.toml" <<EOF
#:schema ./homedash.schema.json
[widget.clock]
kind = "clock"
zones = ["local", "America/New_York"]

[widget.stocks]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]
credential = "finnhub"
base_url = "http://127.0.0.1:$port"

[widget.system]
kind = "system"

[credential.finnhub]
provider = "finnhub"
rotate_after = "90days"
EOF
cat >"$work/bashrc" <<'EOF'
PS1='\[\e[1;32m\]$\[\e[0m\] '
EOF

# The terminal asciinema records: 120x32, a clean shell in a private keyring.
cols=120 rows=32
tmux new-session -d -s "$session" -x "$cols" -y "$rows" \
  env -i PATH="$work/bin:/usr/bin:/bin" HOME="$work/home" TERM=xterm-256color LANG=C.UTF-8 \
  XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" SHELL=/bin/bash \
  bash "$root/tests/secret-service.sh" \
  "$asciinema" rec --quiet --overwrite --idle-time-limit 2 --window-size "${cols}x${rows}" \
  --title "homedash: the demo, then a token added, tested and rotated" \
  --command "bash --noprofile --rcfile $work/bashrc -i" "$work/demo.cast"

screen() { tmux capture-pane -p -t "$session"; }
wait_for() {
  local i
  for i in $(seq 1 100); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  echo "record.sh: waited 10 s for \"$1\"; the screen was:" >&2
  screen >&2
  exit 1
}
# Typed a key at a time, as a person would.
type_line() {
  local s=$1 i
  for ((i = 0; i < ${#s}; i++)); do
    tmux send-keys -t "$session" -l -- "${s:i:1}"
    sleep 0.04
  done
  sleep 0.3
  tmux send-keys -t "$session" Enter
}
key() { tmux send-keys -t "$session" "$@"; }

wait_for '$'
type_line "homedash --demo"
wait_for "AAPL"
sleep 3
key "]"; sleep 2.5
key "]"; sleep 2.5
key "1"; sleep 1.5
key Tab; sleep 0.8
key Tab; sleep 0.8
key z; sleep 3
key z; sleep 1
key "?"; sleep 2.5
key Escape; sleep 1
key q
wait_for '$'
sleep 0.5

type_line "homedash creds add finnhub"
wait_for "oken"
sleep 0.8
tmux send-keys -t "$session" -l -- "$old"
key Enter
wait_for "valid"
sleep 2
type_line "homedash creds test finnhub"
wait_for "valid"
sleep 1.5
type_line "homedash creds rotate finnhub"
wait_for "oken"
sleep 0.8
tmux send-keys -t "$session" -l -- "$new"
key Enter
wait_for "rotated finnhub"
sleep 3
type_line "homedash creds confirm finnhub"
wait_for "previous token deleted"
sleep 1.5
# The user's own dashboard, its quote fetched with the new token.
type_line "homedash"
wait_for "AAPL"
wait_for "261.74"
sleep 3
key q
wait_for '$'
sleep 0.5
type_line "homedash creds list"
wait_for "finnhub"
sleep 3
type_line "exit"
for _ in $(seq 1 50); do
  tmux has-session -t "$session" 2>/dev/null || break
  sleep 0.1
done

if grep -qF -e "$old" -e "$new" "$work/demo.cast"; then
  echo "record.sh: a token is in the cast; nothing was written" >&2
  exit 1
fi
cp "$work/demo.cast" assets/demo.cast
agg --quiet --theme asciinema --font-size 14 --last-frame-duration 4 assets/demo.cast assets/demo.gif
echo "wrote assets/demo.cast and assets/demo.gif ($(du -h assets/demo.gif | cut -f1))"
