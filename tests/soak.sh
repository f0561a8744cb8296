#!/usr/bin/env bash
# The ten-minute soak (not in CI): 50 widgets polling a loopback server that
# cycles through the fault matrix, RSS and fds sampled every 10 s.
#   tests/soak.sh                   ten minutes
#   SOAK_SECONDS=120 tests/soak.sh  a shorter look
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test integration -- --ignored --nocapture soak::
