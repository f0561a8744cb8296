#!/usr/bin/env bash
# The long fuzzing runs (CI runs only tests/fuzz_smoke.rs): each target for
# FUZZ_SECONDS (default 600) with cargo-fuzz on nightly, seeded with the
# provider fixtures and the config corpus. A crash is saved by libFuzzer in
# fuzz/artifacts/TARGET/; copy it to fuzz/regressions/TARGET/ once fixed, so
# the smoke test replays it forever.
#   fuzz/run.sh                      every target, 10 minutes each
#   FUZZ_SECONDS=60 TARGETS=config fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-600}
targets=${TARGETS:-config weather stocks metrics}
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
HOMEDASH_FUZZ_CORPUS="$PWD/fuzz/corpus" cargo test --quiet --test integration -- --ignored fuzz_smoke::write_fuzz_seeds
mkdir -p fuzz/logs
for t in $targets; do
  echo "== $t: ${secs}s" >&2
  (cd fuzz && cargo +nightly fuzz run "$t" "corpus/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1) \
    >"fuzz/logs/$t.log" 2>&1 || { echo "$t: FAILED, see fuzz/logs/$t.log and fuzz/artifacts/$t/" >&2; exit 1; }
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" "fuzz/logs/$t.log" >&2 || true
done
