#!/usr/bin/env bash
# The scale benchmark (not a CI test): homedash's release build in tmux,
# polling a loopback nginx that answers every request with a recorded
# Open-Meteo forecast, and what it costs.
#
#   tests/scale.sh                 all three cases below
#   tests/scale.sh pages           1,000 widgets on 50 pages, 1 s refresh, 160x48
#   tests/scale.sh visible         200 widgets on one page, 1 s refresh, 260x40
#   tests/scale.sh default         the embedded default dashboard beside btop and htop
#
# Knobs: SCALE_SECONDS (60), SCALE_WIDGETS, SCALE_PAGES, SCALE_REFRESH (1s),
# SCALE_SIZE, SCALE_KEYS (page switches timed, 100), SCALE_VARY (1: answers
# that change, so cards on screen are drawn), HOMEDASH (the binary;
# default: cargo build --release). Needs nginx and tmux; btop and htop are
# measured when installed.
#
# Printed per case: CPU (% of one core over the window), RSS, requests a
# second that reached nginx, the connections they came on, cost per poll (CPU time / requests), the
# oldest widget's last request at the end of the window (in refreshes),
# and key-to-screen latency of page switches (p50, p99, max), timed from
# tmux send-keys to the pane showing the new page, and the same switches
# timed inside homedash by its frame trace (key read to frame written).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
SECONDS_RUN=${SCALE_SECONDS:-60}
KEYS=${SCALE_KEYS:-100}
REFRESH=${SCALE_REFRESH:-1s}

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "scale.sh needs nginx (apt-get install nginx-light)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "scale.sh needs tmux" >&2; exit 1; }
if [ -z "${HOMEDASH:-}" ]; then
  cargo build --release --quiet
  HOMEDASH=$root/target/release/homedash
fi
HZ=$(getconf CLK_TCK)

work=$(mktemp -d /tmp/hd-scale.XXXXXX)
cleanup() {
  tmux -S "$work/tmux.sock" kill-server 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill -TERM "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$work"
}
trap cleanup EXIT
# No keyring, no config of the user's, no state of theirs.
export HOME=$work/home XDG_STATE_HOME=$work/home/state XDG_CONFIG_HOME=$work/home/config
mkdir -p "$HOME" "$work/www"
chmod 711 "$work"; chmod 755 "$work/www" # nginx's workers run as another user
cp widgets/tests/fixtures/open-meteo/forecast_full_berlin_CONSTRUCTED.json "$work/www/forecast.json"
# SCALE_VARY=1: about every other answer (odd milliseconds) says another
# temperature, so the cards on screen change and are drawn as they would
# be for live data; otherwise every answer is the same.
sed 's/"temperature_2m":6.3/"temperature_2m":7.4/' "$work/www/forecast.json" >"$work/www/forecast-b.json"
chmod 644 "$work/www/forecast.json" "$work/www/forecast-b.json"
alt=""
[ "${SCALE_VARY:-0}" = 1 ] && alt="-b"

# nginx on a free loopback port: one answer for every URI, and an access
# log of when each widget's request (its URI) arrived.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18431)
cat > "$work/nginx.conf" <<EOF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  map \$msec \$vary { "~[13579]\$" "$alt"; default ""; }
  log_format t '\$msec \$request_uri \$status \$connection';
  access_log $work/access.log t buffer=256k flush=1s;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
    location / { default_type application/json; try_files /forecast\$vary.json =404; }
  }
}
EOF
mkdir -p "$work/tmp"
"$NGINX" -c "$work/nginx.conf" -e "$work/error.log" -p "$work"

# N widgets, each asking for its own place, so the access log tells them
# apart; on P pages of N/P widgets (P = 0: no pages, no layout).
config() {
  local n=$1 pages=$2 out=$3 i p
  {
    echo '[dashboard]'
    echo "title = \"scale $n\""
    for ((i = 0; i < n; i++)); do
      printf '[widget.w%04d]\nkind = "weather"\nprovider = "open-meteo"\ntitle = "w%04d"\n' "$i" "$i"
      printf 'latitude = %d.%03d\nlongitude = 13.41\nrefresh = "%s"\nbase_url = "http://127.0.0.1:%s/"\n' \
        $((i / 1000)) $((i % 1000)) "$REFRESH" "$port"
    done
    if ((pages > 0)); then
      local per=$(((n + pages - 1) / pages))
      for ((p = 0; p < pages; p++)); do
        printf '[[page]]\nname = "p%02d"\nwidgets = [' $((p + 1))
        for ((i = p * per; i < (p + 1) * per && i < n; i++)); do printf '"w%04d",' "$i"; done
        printf ']\n'
      done
    fi
  } > "$out"
}

tm() { tmux -S "$work/tmux.sock" "$@"; }
ticks() { local l; read -r l < "/proc/$1/stat"; l=${l##*) }; read -ra f <<< "$l"; echo $((f[11] + f[12])); }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# Resident heap and stacks (anonymous) and code and files, apart.
rss_split() { awk '/^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} END {printf "anon_kib=%s file_kib=%s", a, f}' "/proc/$1/status"; }
now_us() { echo "${EPOCHREALTIME/./}"; }
ms() { awk -v u="$1" 'BEGIN{printf "%.1f", u/1000}'; }

# Run homedash on config $1 at size $2 for the window; print the figures.
# $3: the number of pages to switch through for key latency (0: none).
run_case() {
  local label=$1 cfg=$2 size=$3 pages=$4 per=$5
  local w=${size%x*} h=${size#*x}
  : > "$work/access.log"
  rm -f "$XDG_STATE_HOME"/homedash/homedash.*.log
  # The frame trace: homedash's own time from reading a key to a drawn frame.
  tm -f /dev/null new-session -d -s hd -x "$w" -y "$h" "HOMEDASH_LOG=warn,homedash::ui=trace exec $HOMEDASH --config $cfg"
  tm set -g status off
  local pid; pid=$(tm list-panes -t hd -F '#{pane_pid}')
  local t0; t0=$(now_us)
  until tm capture-pane -p -t hd | grep -qE "w0000|layout needs"; do
    (( $(now_us) - t0 > 20000000 )) && { echo "$label: no first frame"; tm capture-pane -p -t hd; return 1; }
    sleep 0.01
  done
  local first_ms; first_ms=$(ms $(( $(now_us) - t0 )))
  sleep 5 # every widget has polled once and settled into its schedule
  local a_us a_t b_us b_t rss split
  a_us=$(now_us); a_t=$(ticks "$pid")
  sleep "$SECONDS_RUN"
  b_us=$(now_us); b_t=$(ticks "$pid"); rss=$(rss_kb "$pid"); split=$(rss_split "$pid")
  sleep 1.2 # nginx flushes its log buffer each second
  # Only this case's requests, in the window (the log is buffered for a second).
  local reqs; reqs=$(awk -v a="$a_us" -v b="$b_us" '$1 * 1000000 >= a && $1 * 1000000 <= b' "$work/access.log" | wc -l)
  local span_us=$((b_us - a_us))
  local cpu rps per_poll
  cpu=$(awk -v d=$((b_t - a_t)) -v hz="$HZ" -v us=$span_us 'BEGIN{printf "%.1f", d/hz/(us/1e6)*100}')
  rps=$(awk -v r=$reqs -v us=$span_us 'BEGIN{printf "%.0f", r/(us/1e6)}')
  per_poll=$(awk -v d=$((b_t - a_t)) -v hz="$HZ" -v r=$reqs 'BEGIN{ if (r > 0) printf "%.0f", d/hz/r*1e6; else print "NA"}')
  # The oldest widget: how long before the window's end its last request came.
  local stale
  stale=$(awk -v start="$t0" -v end="$b_us" '$1 * 1000000 >= start && $1 * 1000000 <= end { last[$2] = $1 } END {
      n = 0; worst = 0; for (u in last) { n++; a = end/1e6 - last[u]; if (a > worst) worst = a }
      printf "%d %.2f", n, worst }' "$work/access.log")
  local seen=${stale% *} oldest=${stale#* }
  # TCP connections that carried the window's requests (kept alive: few).
  local conns; conns=$(awk -v a="$a_us" -v b="$b_us" '$1 * 1000000 >= a && $1 * 1000000 <= b { c[$4] = 1 } END { print length(c) }' "$work/access.log")
  local bad; bad=$(awk -v start="$t0" '$1 * 1000000 >= start && $3 != 200' "$work/access.log" | wc -l)
  local refresh_s; refresh_s=$(awk -v r="$REFRESH" 'BEGIN{sub(/s$/, "", r); print r}')
  echo "$label: size=$size first_frame_ms=$first_ms cpu_pct=$cpu rss_kib=$rss ($split) requests_per_s=$rps connections=$conns us_per_poll=$per_poll widgets_polled=$seen not_200=$bad oldest_poll_s=$oldest ($(awk -v o="$oldest" -v r="$refresh_s" 'BEGIN{printf "%.2f", o/r}') refreshes)"
  if ((pages > 1)); then
    # Page switches: ] to the next page, timed until its first widget shows.
    local -a lat=()
    local k page=0 want ts
    for ((k = 0; k < KEYS; k++)); do
      page=$(((page + 1) % pages))
      printf -v want 'w%04d' $((page * per))
      sleep 0.0$((RANDOM % 5 + 3))
      tm send-keys -t hd ']'
      ts=$(now_us) # the key is in the pty once send-keys returns
      while :; do
        # As tui-measure.sh does: the screen is read in the middle of a
        # capture (one fork, no grep), so the figure is not the probe's cost.
        local tp=$EPOCHREALTIME cap
        cap=$(tm capture-pane -p -t hd)
        tp=$(( (${tp/./} + $(now_us)) / 2 ))
        [[ $cap == *"$want"* ]] && break
        (( tp - ts > 3000000 )) && { echo "$label: page $((page + 1)) never showed" >&2; break; }
      done
      lat+=($(( tp - ts )))
    done
    printf '%s\n' "${lat[@]}" | sort -n | awk -v label="$label" '{a[NR] = $1} END {
      p = int(NR * 0.99 + 0.999); if (p > NR) p = NR
      printf "%s: page switches=%d key_to_screen_ms p50=%.1f p99=%.1f max=%.1f\n", label, NR,
        a[int((NR + 1) / 2)] / 1000, a[p] / 1000, a[NR] / 1000 }'
    # The same switches inside homedash: key read to frame written.
    grep -ho 'since_input=[0-9]*' "$XDG_STATE_HOME"/homedash/homedash.*.log 2>/dev/null | cut -d= -f2 | sort -n |
      awk -v label="$label" '{a[NR] = $1} END { if (NR == 0) exit
        p = int(NR * 0.99 + 0.999); if (p > NR) p = NR
        printf "%s: inside homedash, key read to frame written (frame trace, %d frames) p50=%.1f p99=%.1f max=%.1f ms\n",
          label, NR, a[int((NR + 1) / 2)] / 1000, a[p] / 1000, a[NR] / 1000 }'
  fi
  tm kill-server 2>/dev/null || true
  sleep 0.5
}

case_pages() {
  local n=${SCALE_WIDGETS:-1000} p=${SCALE_PAGES:-50}
  config "$n" "$p" "$work/pages.toml"
  run_case "pages($n widgets, $p pages)" "$work/pages.toml" "${SCALE_SIZE:-160x48}" "$p" $(((n + (p > 0 ? p : 1) - 1) / (p > 0 ? p : 1)))
}

case_visible() {
  local n=${SCALE_WIDGETS:-200}
  config "$n" 1 "$work/visible.toml"
  run_case "visible($n widgets, one page)" "$work/visible.toml" "${SCALE_SIZE:-260x40}" 1 "$n"
}

# The default dashboard and the peers, measured alike in the same run.
# The measurements run in a network namespace of their own with only
# loopback up, when unprivileged namespaces are allowed: the default
# dashboard's weather lookup then fails at once instead of leaving the
# machine. The peers run alike, and tmux too, so no first frame pays for
# setting it up.
case_default() {
  local tmq=$root/tests/tui-measure.sh args=(-q -r 3 -i 20 -s 160x48) offline=()
  if command -v ip >/dev/null && unshare -rn sh -c 'ip link set lo up' 2>/dev/null; then
    offline=(unshare -rn sh -c 'ip link set lo up && exec "$0" "$@"')
  else
    echo "default: no network namespace (unshare -rn); the weather widget's lookup may leave the machine" >&2
  fi
  "${offline[@]}" bash "$tmq" "${args[@]}" -l homedash -k '?' -e 'Keys' -- env -u HOMEDASH_CONFIG "$HOMEDASH"
  command -v btop >/dev/null && "${offline[@]}" bash "$tmq" "${args[@]}" -l btop -k 'm' -- btop
  command -v htop >/dev/null && "${offline[@]}" bash "$tmq" "${args[@]}" -l htop -k 'h' -e 'CPU usage bar' -K 'Escape' -- htop
  true
}

what=${1:-all}
case $what in
  pages) case_pages ;;
  visible) case_visible ;;
  default) case_default ;;
  all) case_pages; case_visible; case_default ;;
  *) echo "usage: tests/scale.sh [pages|visible|default|all]" >&2; exit 2 ;;
esac
