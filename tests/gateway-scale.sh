#!/usr/bin/env bash
# Team mode at scale (a benchmark, not a CI test): 200 simulated clients,
# each with its own gateway token, poll the same 10 routes once a second
# through a real nginx rendered by `homedash gateway render`, for 60 s,
# with wrk as the load generator. Everything is on loopback: the providers
# are one local server that counts what reaches it.
#
#   tests/gateway-scale.sh            (SCALE_SECONDS, SCALE_CLIENTS to change)
#
# Needs nginx, libnginx-mod-http-js, wrk, openssl, curl and python3 (Debian
# packages); installs the missing ones when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${SCALE_SECONDS:-60}
CLIENTS=${SCALE_CLIENTS:-200}
ROUTES=(finnhub twelvedata polygon alphavantage openweathermap weatherapi open-meteo yahoo datadog glances)

missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_js_module.so ] || missing+=(libnginx-mod-http-js)
command -v wrk >/dev/null || missing+=(wrk)
command -v openssl >/dev/null || missing+=(openssl)
command -v python3 >/dev/null || missing+=(python3)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "install: ${missing[*]}" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release --quiet
bin=$PWD/target/release/homedash
work=$(mktemp -d /tmp/hd-scale.XXXXXX)
chmod 711 "$work"
cleanup() {
  [ -f "$work/nginx/nginx.pid" ] && kill -TERM "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  [ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null || true
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
export HOME=$work/home XDG_STATE_HOME=$work/home/state XDG_CONFIG_HOME=$work/home/config
mkdir -p "$HOME"

# One loopback server stands in for every provider: a JSON answer, and a
# count of the requests that reach it.
cat > "$work/upstream.py" <<'EOF'
import http.server, sys, threading
count = 0
lock = threading.Lock()
counter = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        global count
        with lock:
            count += 1
            with open(counter, "w") as f:
                f.write(str(count))
        body = b'{"c":261.74,"d":1.2,"dp":0.5}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(counter + ".port", "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
EOF
echo 0 > "$work/upstream.count"
python3 "$work/upstream.py" "$work/upstream.count" &
fake_pid=$!
for _ in $(seq 50); do [ -s "$work/upstream.count.port" ] && break; sleep 0.1; done
upstream="http://127.0.0.1:$(cat "$work/upstream.count.port")"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -keyout "$work/ca-key.pem" -out "$work/ca.pem" -subj "/CN=scale CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$work/gw-key.pem" -out "$work/gw.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$work/ext.cnf"
openssl x509 -req -in "$work/gw.csr" -CA "$work/ca.pem" -CAkey "$work/ca-key.pem" -CAcreateserial \
  -days 2 -extfile "$work/ext.cnf" -out "$work/gw.pem" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cfg=$work/gateway.toml
{
  cat <<EOF
[gateway_server]
listen = ["127.0.0.1:$port"]
certificate_file = "$work/gw.pem"
private_key_file = "$work/gw-key.pem"
allow = ["127.0.0.1"]
directory = "$work/nginx"
per_client = "1200r/m"
client_burst = 50

EOF
  for r in "${ROUTES[@]}"; do
    case $r in
      open-meteo|yahoo|glances) ;;
      datadog) printf '[credential.%s]\nprovider = "%s"\nsource = "env"\nenv = "SCALE_PAIR"\n\n' "$r" "$r" ;;
      *) printf '[credential.%s]\nprovider = "%s"\nsource = "env"\nenv = "SCALE_KEY"\n\n' "$r" "$r" ;;
    esac
  done
  for r in "${ROUTES[@]}"; do
    printf '[gateway_server.route.%s]\nupstream = "%s"\nttl = "10s"\nupstream_rate = "600r/m"\n' "$r" "$upstream"
    case $r in open-meteo|yahoo|glances) ;; *) printf 'credential = "%s"\n' "$r" ;; esac
    echo
  done
} > "$cfg"
chmod 600 "$cfg"
export SCALE_KEY=scaleUpstreamKey0001 SCALE_PAIR=scaleApiKey0001:scaleAppKey0001
for r in "${ROUTES[@]}"; do
  case $r in open-meteo|yahoo|glances) ;; *) "$bin" -c "$cfg" creds allow "$r" "$upstream" >/dev/null ;; esac
done
echo "making $CLIENTS client tokens..." >&2
: > "$work/tokens"
for i in $(seq 1 "$CLIENTS"); do
  "$bin" -c "$cfg" gateway client add "c$i" 2>/dev/null >> "$work/tokens"
done
"$bin" -c "$cfg" gateway render >/dev/null
"$NGINX" -c "$work/nginx/homedash-gateway.conf" -p "$work/nginx/" -e "$work/nginx/error.log"
sleep 0.5

# Each wrk connection is one client: its own token, the 10 routes in turn,
# one request every 100 ms (10 routes a second).
{
  echo 'local tokens = {}'
  while read -r t; do echo "tokens[#tokens+1] = \"$t\""; done < "$work/tokens"
  printf 'local routes = {'
  for r in "${ROUTES[@]}"; do printf '"/%s/bench/quote?symbol=AAPL",' "$r"; done
  echo '}'
  cat <<'EOF'
local n = 0
local id = 0
function setup(thread)
  thread:set("first", id)
  id = id + 1
end
function init(args)
  n = first
end
function request()
  n = n + 1
  local token = tokens[(n % #tokens) + 1]
  local path = routes[(math.floor(n / #tokens) % #routes) + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
function delay()
  return 100
end
EOF
} > "$work/load.lua"

cpu() { # utime+stime of nginx's master and workers, in clock ticks
  local total=0 p master
  master=$(cat "$work/nginx/nginx.pid")
  for p in "$master" $(pgrep -P "$master" || true); do
    total=$((total + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# Warm the cache: the steady state is what a day of polling looks like.
tok=$(head -1 "$work/tokens")
for r in "${ROUTES[@]}"; do
  curl -s -o /dev/null --cacert "$work/ca.pem" -H "Authorization: Bearer $tok" \
    "https://127.0.0.1:$port/$r/bench/quote?symbol=AAPL"
done
lines_before=$(wc -l < "$work/nginx/access.json")
before=$(cat "$work/upstream.count")
cpu0=$(cpu)
echo "load: $CLIENTS clients x ${#ROUTES[@]} routes, once a second each, for ${SECONDS_RUN}s" >&2
wrk -t2 -c"$CLIENTS" -d"${SECONDS_RUN}s" --latency -s "$work/load.lua" "https://127.0.0.1:$port" > "$work/wrk.txt" 2>&1 || true
cpu1=$(cpu)
sleep 0.5
after=$(cat "$work/upstream.count")
hz=$(getconf CLK_TCK)
upstream_requests=$((after - before))
direct=$((CLIENTS * ${#ROUTES[@]} * SECONDS_RUN))

cat "$work/wrk.txt"
echo
python3 - "$work/nginx/access.json" "$upstream_requests" "$direct" "$((cpu1 - cpu0))" "$hz" "$SECONDS_RUN" "$lines_before" <<'EOF'
import json, sys
log, upstream, direct, ticks, hz, secs, skip = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
hits, statuses, front = [], {}, 0
for i, line in enumerate(open(log)):
    if i < skip:
        continue
    l = json.loads(line)
    if l.get("side") == "upstream":
        continue
    front += 1
    statuses[l["status"]] = statuses.get(l["status"], 0) + 1
    if l["cache"] == "HIT":
        hits.append(float(l["request_time"]) * 1000)
hits.sort()
q = lambda p: hits[min(len(hits) - 1, int(p * len(hits)))] if hits else float("nan")
errors = sum(n for s, n in statuses.items() if s != 200)
print(f"requests through the gateway: {front} ({front/secs:.0f}/s), by status {statuses}")
print(f"upstream requests: {upstream}, against {direct} that {direct // (secs*10)} direct clients would have sent ({100*upstream/direct:.3f}%)")
print(f"errors (non-200 answers): {errors}")
print(f"cache hits: {len(hits)}; nginx's own time per hit (request_time, ms resolution): p50 {q(0.5):.0f} ms, p99 {q(0.99):.0f} ms")
print(f"nginx CPU (master and workers): {ticks/hz:.1f} s over {secs} s = {100*ticks/hz/secs:.1f}% of one core")
EOF
