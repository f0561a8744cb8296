#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of the workspace
# (unit, fixture, snapshot, loopback HTTP, pty end-to-end; benches run once
# each in test mode). This is the README's test command, and .ci/run runs
# exactly this after installing what a fresh machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."

# Snapshots are compared, never rewritten, here.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR=never

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --all-targets --locked
