#!/usr/bin/env bash
# tui-measure.sh - measure a terminal UI app inside a private, detached tmux server.
# Vendored from the team's shared recipe (../shared/tools/tui-measure.sh) so that
# tests/scale.sh works on a clean checkout.
#
# Metrics (one line of key=value per run on stdout; diagnostics on stderr):
#   first_frame_ms   launch (exec of the app) -> first pane capture with > N non-blank chars
#   stable_ms        launch -> first of two consecutive identical captures (both > N chars)
#   startup_cpu_ms   CPU time (user+sys) the app used until the first frame was seen
#   idle_cpu_pct     CPU (user+sys, app + its descendants) during the idle window, % of one core
#   tmux_cpu_pct     CPU of the tmux server in the same window (cost of parsing the app's output)
#   idle_out_Bps     bytes/s the app wrote to its terminal during the idle window (tmux pipe-pane)
#   rss_kb / hwm_kb  VmRSS at the end of the idle window / VmHWM (peak) at that time
#   hwm_end_kb       VmHWM at the very end (after the key tests)
#   threads          Threads of the app process at the end of the idle window
#   key_ms           keypress (tmux send-keys) -> screen shows the change, median of --tries
#   keyback_ms       same for the key that restores the screen
# See --help. Only processes started here are signalled, by PID (start time checked).

set -u -o pipefail
export LC_ALL=${TUI_MEASURE_LOCALE:-C.UTF-8}

W=160 H=48 MINCH=100 WARMUP=2 IDLE=30 KEY="" KEYBACK="" EXPECT="" TRIES=10 RUNS=1
PROC="" POLL_MS=5 TIMEOUT=20 KEEP=0 LABEL="" SAVE="" STABLE_WAIT=3 QUIET=0

usage() { cat <<'EOF'
Usage: tui-measure.sh [options] -- COMMAND [ARGS...]

  -l, --label NAME      label printed with the results (default: basename of COMMAND)
  -s, --size WxH        pane size (default 160x48)
  -n, --min-chars N     "first frame" = first capture with more than N non-blank chars (default 100)
  -w, --warmup SEC      pause after the first frame before the idle window (default 2)
  -i, --idle SEC        idle window length (default 30)
  -k, --key KEY         tmux key name that visibly changes the screen ('?', h, F1, ...); default: skip
  -K, --key-back KEY    key that restores the screen (default: same as --key)
  -e, --expect REGEX    bash ERE that matches the screen only after --key (strongly recommended;
                        without it any screen change counts, so periodic redraws can fool it)
  -t, --tries N         key latency samples (default 10)
  -r, --runs N          repeat the whole measurement N times, then print a summary line (median[min-max])
  -p, --proc NAME       measure the descendant process whose comm is NAME (for wrapper scripts)
      --poll-ms MS      capture-pane poll period (default 5)
      --timeout SEC     give up waiting for the first frame after SEC (default 20)
      --save DIR        save screen captures (first frame, idle end, key screen) to DIR/<label>-runN-*.txt
      --keep            keep the temp dir (debugging)
      --summarize       read result lines (any labels) on stdin, print one median[min-max] line per label
  -q, --quiet           no progress messages on stderr
  -h, --help

Example:
  tui-measure.sh -r 3 -k '?' -e 'Help' -- ./target/release/homedash --config x.toml
EOF
}

die() { echo "tui-measure: $*" >&2; exit 2; }
log() { ((QUIET)) || echo "tui-measure: $*" >&2; }

while (($#)); do
  case $1 in
    -l|--label) LABEL=$2; shift 2;;
    -s|--size) [[ $2 =~ ^([0-9]+)x([0-9]+)$ ]] || die "bad --size $2"; W=${BASH_REMATCH[1]} H=${BASH_REMATCH[2]}; shift 2;;
    -n|--min-chars) MINCH=$2; shift 2;;
    -w|--warmup) WARMUP=$2; shift 2;;
    -i|--idle) IDLE=$2; shift 2;;
    -k|--key) KEY=$2; shift 2;;
    -K|--key-back) KEYBACK=$2; shift 2;;
    -e|--expect) EXPECT=$2; shift 2;;
    -t|--tries) TRIES=$2; shift 2;;
    -r|--runs) RUNS=$2; shift 2;;
    -p|--proc) PROC=$2; shift 2;;
    --poll-ms) POLL_MS=$2; shift 2;;
    --timeout) TIMEOUT=$2; shift 2;;
    --save) SAVE=$2; shift 2;;
    --keep) KEEP=1; shift;;
    --summarize) SUMMARIZE_ONLY=1; shift;;
    -q|--quiet) QUIET=1; shift;;
    -h|--help) usage; exit 0;;
    --) shift; break;;
    -*) die "unknown option $1 (see --help)";;
    *) break;;
  esac
done
if [[ ${SUMMARIZE_ONLY:-0} != 1 ]]; then
(($#)) || { usage >&2; exit 2; }
CMD=("$@")
[[ -n $LABEL ]] || LABEL=$(basename -- "${CMD[0]}")
[[ -n $KEYBACK ]] || KEYBACK=$KEY
command -v tmux >/dev/null || die "tmux not found"
command -v -- "${CMD[0]}" >/dev/null || die "command not found: ${CMD[0]}"
[[ -z $SAVE ]] || mkdir -p -- "$SAVE" || die "cannot create $SAVE"
fi
CLK_TCK=$(getconf CLK_TCK)
POLL_US=$((POLL_MS * 1000))

# ---------------------------------------------------------------- helpers (fork-free where hot)
SFD=""
nap_us() {                     # sleep without forking: read with timeout on a private fifo
  local us=$1 s
  ((us > 0)) || return 0
  printf -v s '%d.%06d' $((us / 1000000)) $((us % 1000000))
  read -r -t "$s" -u "$SFD" _ || true
}
now_us() { NOW=${EPOCHREALTIME/./}; }
nonblank() {                   # NB = number of non-blank chars in $1 (word split, no O(n^2) substitution)
  local IFS=$' \n\t' s; local -a w
  set -f; w=($1); set +f
  IFS=; s="${w[*]}"; NB=${#s}
}
TMUX_ARGS=()
tm() { tmux "${TMUX_ARGS[@]}" "$@"; }
cap() { CAP=$(tm capture-pane -p -t "$PANE" 2>/dev/null) || CAP=""; }
# /proc/PID/stat fields after "comm) ": [0]=state(3) [1]=ppid(4) [11]=utime(14) [12]=stime(15)
# [13]=cutime(16) [14]=cstime(17) [17]=num_threads(20) [19]=starttime(22)
procstat() {                   # STAT_ array for pid $1; returns 1 if gone
  local l
  { read -r l < "/proc/$1/stat"; } 2>/dev/null || return 1
  l=${l##*) }; read -ra STAT_ <<< "$l"
}
starttime_of() { procstat "$1" && echo "${STAT_[19]}"; }
alive() { [[ -n ${1:-} ]] && procstat "$1" && [[ ${STAT_[19]} == "$2" && ${STAT_[0]} != Z ]]; }
ticks_tree() {                 # TICKS = utime+stime+cutime+cstime of pid $1 and all its descendants
  local root=$1 p l pp
  local -A kids=()
  TICKS=0; NPROC=0
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    { read -r l < "/proc/$p/stat"; } 2>/dev/null || continue
    l=${l##*) }; read -r _ pp _ <<< "$l"
    kids[$pp]+=" $p"
  done
  local -a queue=("$root"); local q
  while ((${#queue[@]})); do
    q=${queue[0]}; queue=("${queue[@]:1}")
    if procstat "$q"; then
      TICKS=$((TICKS + STAT_[11] + STAT_[12] + STAT_[13] + STAT_[14])); NPROC=$((NPROC + 1))
    fi
    [[ -n ${kids[$q]:-} ]] && queue+=(${kids[$q]})
  done
}
status_kb() {                  # value of field $2 in /proc/$1/status
  local k v
  while read -r k v _; do [[ $k == "$2:" ]] && { echo "$v"; return; }; done 2>/dev/null < "/proc/$1/status"
  echo NA
}
find_desc() {                  # first descendant of pid $1 whose comm is $2
  local root=$1 name=$2 p c l pp x
  local -A par=() com=()
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    { read -r l < "/proc/$p/stat"; } 2>/dev/null || continue
    c=${l#*(}; c=${c%) *}; l=${l##*) }; read -r _ pp _ <<< "$l"
    par[$p]=$pp; com[$p]=$c
  done
  for p in "${!com[@]}"; do
    [[ ${com[$p]} == "$name" ]] || continue
    x=$p
    while [[ -n ${par[$x]:-} ]] && ((x > 1)); do
      x=${par[$x]}; [[ $x == "$root" ]] && { echo "$p"; return 0; }
    done
  done
  return 1
}
ms() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }   # us -> ms with 1 decimal
median() {                     # median/min/max of the args (numbers); prints "med min max"
  (($#)) || { echo "NA NA NA"; return; }
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f %.1f %.1f\n", m, a[1], a[NR]}'
}

# ---------------------------------------------------------------- one measurement
T="" APP_PID="" APP_ST="" SRV_PID="" SRV_ST=""
cleanup() {
  set +e
  if [[ -n $T ]]; then
    if alive "$APP_PID" "$APP_ST"; then kill -TERM "$APP_PID" 2>/dev/null; fi
    [[ -S $T/tmux.sock ]] && tm kill-server 2>/dev/null
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
      alive "$APP_PID" "$APP_ST" || alive "$SRV_PID" "$SRV_ST" || break
      nap_us 100000
    done
    alive "$APP_PID" "$APP_ST" && kill -KILL "$APP_PID" 2>/dev/null
    alive "$SRV_PID" "$SRV_ST" && kill -KILL "$SRV_PID" 2>/dev/null
    [[ -n $SFD ]] && exec {SFD}>&-
    SFD=""
    if ((KEEP)); then log "kept $T"; else rm -rf -- "$T"; fi
  fi
  T="" APP_PID="" SRV_PID=""
}

save_cap() { [[ -z $SAVE ]] || printf '%s\n' "$CAP" > "$SAVE/${LABEL}-run${RUN}-$1.txt"; }

measure_once() {                # runs as a background subshell; its own traps clean up
  trap 'cleanup' EXIT
  trap 'cleanup; exit 130' INT TERM HUP
  T=$(mktemp -d "${TMPDIR:-/tmp}/tui-measure.XXXXXX") || die "mktemp failed"
  mkfifo "$T/sleep" "$T/go"
  exec {SFD}<>"$T/sleep"
  local term=tmux-256color
  infocmp "$term" >/dev/null 2>&1 || term=screen-256color
  cat > "$T/tmux.conf" <<EOF
set -g default-terminal "$term"
set -g status off
set -s escape-time 0
set -g remain-on-exit on
set -g history-limit 50
EOF
  # The wrapper blocks until released, records the exec time, then becomes the app (same PID).
  cat > "$T/wrap.sh" <<'EOF'
read -r _ < "$1/go"
printf '%s\n' "${EPOCHREALTIME/./}" > "$1/t0"
shift
exec "$@"
EOF
  TMUX_ARGS=(-S "$T/tmux.sock" -f "$T/tmux.conf")
  local info
  info=$(env -u TMUX tmux "${TMUX_ARGS[@]}" new-session -d -s m -x "$W" -y "$H" -P \
         -F '#{pane_id} #{pane_pid} #{pid}' -- bash "$T/wrap.sh" "$T" "${CMD[@]}") || die "tmux new-session failed"
  read -r PANE APP_PID SRV_PID <<< "$info"
  APP_ST=$(starttime_of "$APP_PID"); SRV_ST=$(starttime_of "$SRV_PID")
  # raw output bytes written by the app to its pty
  tm pipe-pane -O -t "$PANE" "exec cat > '$T/out.bin'" || die "pipe-pane failed"
  local gfd; exec {gfd}<>"$T/go"; echo go >&"$gfd"; exec {gfd}>&-

  # ---- (a) first frame / stable frame
  local t0="" first_us="" stable_us="" prev="" prev_us=0 first_nb=0 first_bytes=NA startup_ticks=NA
  local npolls=0 poll_sum=0 deadline
  now_us; deadline=$((NOW + TIMEOUT * 1000000))
  # start polling only once the wrapper has stamped t0 (just before exec), so no capture predates t0
  while [[ ! -s $T/t0 ]]; do
    now_us; ((NOW > deadline)) && { echo "label=$LABEL run=$RUN error=wrapper_not_started"; cleanup; return 1; }
    nap_us 200
  done
  while :; do
    now_us; local ts=$NOW tl=$NOW
    cap
    now_us; npolls=$((npolls + 1)); poll_sum=$((poll_sum + NOW - ts))
    ts=$(((ts + NOW) / 2))      # the snapshot happened inside the capture call: use its midpoint
    nonblank "$CAP"
    if [[ -z $first_us ]] && ((NB > MINCH)); then
      first_us=$ts; first_nb=$NB
      ticks_tree "$APP_PID"; startup_ticks=$TICKS     # pane process + descendants
      first_bytes=$(stat -c %s "$T/out.bin" 2>/dev/null || echo NA)
      save_cap first
    fi
    if [[ -n $first_us ]]; then
      if ((NB > MINCH)) && [[ $CAP == "$prev" ]]; then stable_us=$prev_us; break; fi
      ((NOW - first_us > STABLE_WAIT * 1000000)) && break
    fi
    if ! alive "$APP_PID" "$APP_ST"; then
      log "[$LABEL] app exited before a stable first frame"; printf '%s\n' "$CAP" | sed 's/^/  | /' | head -20 >&2
      echo "label=$LABEL run=$RUN error=app_exited"; cleanup; return 1
    fi
    if ((NOW > deadline)); then
      log "[$LABEL] no frame with >$MINCH non-blank chars after ${TIMEOUT}s (last capture had $NB)"
      echo "label=$LABEL run=$RUN error=no_first_frame last_nonblank=$NB"; cleanup; return 1
    fi
    prev=$CAP; prev_us=$ts
    now_us; nap_us $((POLL_US - (NOW - tl)))
  done
  read -r t0 < "$T/t0" || t0=""
  [[ -n $t0 ]] || { echo "label=$LABEL run=$RUN error=no_t0"; cleanup; return 1; }
  local first_ms stable_ms=NA
  first_ms=$(ms $((first_us - t0)))
  [[ -n $stable_us ]] && stable_ms=$(ms $((stable_us - t0)))
  local startup_cpu_ms=NA
  [[ $startup_ticks != NA ]] && startup_cpu_ms=$((startup_ticks * 1000 / CLK_TCK))
  local poll_ms; poll_ms=$(ms $((poll_sum / npolls)))

  local mpid=$APP_PID
  if [[ -n $PROC ]]; then
    local i; for ((i = 0; i < 40; i++)); do mpid=$(find_desc "$APP_PID" "$PROC") && break; nap_us 50000; done
    [[ -n $mpid ]] || { echo "label=$LABEL run=$RUN error=proc_not_found"; cleanup; return 1; }
  fi
  local mst; mst=$(starttime_of "$mpid")

  # ---- (b)(c)(d)(e) idle window: no polling at all, just sleep
  nap_us $((WARMUP * 1000000))
  local a_us a_ticks a_srv a_bytes b_us b_ticks b_srv b_bytes nproc
  now_us; a_us=$NOW; ticks_tree "$mpid"; a_ticks=$TICKS
  procstat "$SRV_PID" && a_srv=$((STAT_[11] + STAT_[12]))
  a_bytes=$(stat -c %s "$T/out.bin")
  nap_us $((IDLE * 1000000))
  now_us; b_us=$NOW; ticks_tree "$mpid"; b_ticks=$TICKS; nproc=$NPROC
  procstat "$SRV_PID" && b_srv=$((STAT_[11] + STAT_[12]))
  b_bytes=$(stat -c %s "$T/out.bin")
  if ! alive "$mpid" "$mst"; then
    echo "label=$LABEL run=$RUN error=app_exited_during_idle first_frame_ms=$first_ms"; cleanup; return 1
  fi
  local span=$((b_us - a_us)) idle_cpu tmux_cpu out_bps
  idle_cpu=$(awk -v d=$((b_ticks - a_ticks)) -v hz="$CLK_TCK" -v us=$span 'BEGIN{printf "%.2f", d/hz/(us/1e6)*100}')
  tmux_cpu=$(awk -v d=$((b_srv - a_srv)) -v hz="$CLK_TCK" -v us=$span 'BEGIN{printf "%.2f", d/hz/(us/1e6)*100}')
  out_bps=$(awk -v d=$((b_bytes - a_bytes)) -v us=$span 'BEGIN{printf "%.0f", d/(us/1e6)}')
  local rss hwm threads
  rss=$(status_kb "$mpid" VmRSS); hwm=$(status_kb "$mpid" VmHWM); threads=$(status_kb "$mpid" Threads)
  cap; save_cap idle

  # ---- (f) key latency
  local keyres="" 
  if [[ -n $KEY ]]; then
    local -a lat=() blat=()
    local try fails=0 before after ts2 ok
    for ((try = 1; try <= TRIES; try++)); do
      nap_us $((300000 + RANDOM % 200000))        # de-correlate from the app's refresh tick
      cap; before=$CAP
      if [[ -n $EXPECT && $before =~ $EXPECT ]]; then   # still toggled: try to restore, count as failure
        log "[$LABEL] key try $try: screen already matches --expect before the key; sending --key-back"
        tm send-keys -t "$PANE" -- "$KEYBACK"; fails=$((fails + 1)); nap_us 500000; continue
      fi
      tm send-keys -t "$PANE" -- "$KEY"
      now_us; ts2=$NOW          # key is in the pty once send-keys returns
      ok=0
      while :; do
        now_us; local tp=$NOW tl=$NOW
        cap
        now_us; tp=$(((tp + NOW) / 2))
        if [[ -n $EXPECT ]]; then [[ $CAP =~ $EXPECT ]] && ok=1; else [[ $CAP != "$before" ]] && ok=1; fi
        if ((ok)); then lat+=("$(ms $((tp - ts2)))"); break; fi
        ((tp - ts2 > 3000000)) && break
        now_us; nap_us $((POLL_US - (NOW - tl)))
      done
      ((ok)) || { fails=$((fails + 1)); log "[$LABEL] key try $try: no change within 3 s"; continue; }
      ((try == 1)) && save_cap key
      nap_us 150000
      cap; after=$CAP
      tm send-keys -t "$PANE" -- "$KEYBACK"
      now_us; ts2=$NOW
      ok=0
      while :; do
        now_us; local tp=$NOW tl=$NOW
        cap
        now_us; tp=$(((tp + NOW) / 2))
        if [[ -n $EXPECT ]]; then [[ $CAP =~ $EXPECT ]] || ok=1; else [[ $CAP != "$after" ]] && ok=1; fi
        if ((ok)); then blat+=("$(ms $((tp - ts2)))"); break; fi
        ((tp - ts2 > 3000000)) && break
        now_us; nap_us $((POLL_US - (NOW - tl)))
      done
      ((ok)) || log "[$LABEL] key-back try $try: screen did not restore within 3 s"
    done
    local km kmin kmax bm bmin bmax
    read -r km kmin kmax <<< "$(median "${lat[@]}")"
    read -r bm bmin bmax <<< "$(median "${blat[@]}")"
    keyres="key=$(printf %q "$KEY") key_ok=${#lat[@]}/$TRIES key_ms=$km key_ms_min=$kmin key_ms_max=$kmax keyback_ms=$bm"
  fi
  local hwm_end; hwm_end=$(status_kb "$mpid" VmHWM)
  local comm; comm=$(cat "/proc/$mpid/comm" 2>/dev/null || echo NA)
  echo "label=$LABEL run=$RUN size=${W}x${H} comm=$comm first_frame_ms=$first_ms stable_ms=$stable_ms first_frame_chars=$first_nb first_frame_bytes=$first_bytes startup_cpu_ms=$startup_cpu_ms idle_s=$((span / 1000000)) idle_cpu_pct=$idle_cpu tmux_cpu_pct=$tmux_cpu idle_out_Bps=$out_bps rss_kb=$rss hwm_kb=$hwm hwm_end_kb=$hwm_end threads=$threads nproc=$nproc${keyres:+ $keyres} poll_ms=$poll_ms"
  cleanup
}

# ---------------------------------------------------------------- main
summarize() {                  # key=value run lines on stdin -> one summary line per label: median[min-max]
  awk '
    $1 == "summary" { next }
    { lab = ""; for (i = 1; i <= NF; i++) if ($i ~ /^label=/) lab = substr($i, 7)
      if (!(lab in L)) { L[lab] = 1; labs[++nl] = lab }
      nr[lab]++; if ($0 ~ / error=/) err[lab]++
      for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = substr($i, length(k) + 2)
        if (!((lab, k) in seen)) { seen[lab, k] = 1; order[lab, ++n[lab]] = k }
        if (v ~ /^-?[0-9]+(\.[0-9]+)?$/) { c = ++cnt[lab, k]; val[lab, k, c] = v + 0 }
        else if (!((lab, k) in str)) str[lab, k] = v } }
    END { for (x = 1; x <= nl; x++) { lab = labs[x]
        out = "summary label=" lab " runs=" nr[lab] " errors=" (err[lab] + 0)
        for (j = 1; j <= n[lab]; j++) { k = order[lab, j]; if (k == "label" || k == "run") continue
          m = cnt[lab, k] + 0
          if (m > 0) { for (a = 1; a <= m; a++) s[a] = val[lab, k, a]
            for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
            med = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
            out = out sprintf(" %s=%g[%g-%g]", k, med, s[1], s[m]) }
          else out = out " " k "=" str[lab, k] }
        print out } }'
}
if [[ ${SUMMARIZE_ONLY:-0} == 1 ]]; then summarize; exit 0; fi
# Each run is a background child (own traps, own cleanup); the parent forwards INT/TERM/HUP to it.
CHILD="" RESF=""
on_sig() {
  [[ -n $CHILD ]] && kill -TERM "$CHILD" 2>/dev/null && wait "$CHILD" 2>/dev/null
  [[ -n $RESF ]] && rm -f -- "$RESF"
  exit 130
}
trap on_sig INT TERM HUP
LINES_OUT=()
for ((RUN = 1; RUN <= RUNS; RUN++)); do
  log "[$LABEL] run $RUN/$RUNS: ${CMD[*]}"
  RESF=$(mktemp "${TMPDIR:-/tmp}/tui-measure-res.XXXXXX") || die "mktemp failed"
  measure_once > "$RESF" &
  CHILD=$!
  wait "$CHILD"
  CHILD=""
  line=$(<"$RESF"); rm -f -- "$RESF"; RESF=""
  [[ -n $line ]] || line="label=$LABEL run=$RUN error=harness_failed"
  echo "$line"
  LINES_OUT+=("$line")
done
((RUNS > 1)) && printf '%s\n' "${LINES_OUT[@]}" | summarize
exit 0
