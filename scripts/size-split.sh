#!/usr/bin/env bash
# Measures issue 14's "one Wasm module split in two" (`make size-split`; opt-in, not in
# `make test`): a scratch copy of the crate (scripts/size-split/prepare.sh) is built once with
# the full stage's features, the banner stage's entry points in the main part and the full
# stage's behind split points, linked with relocations; wasm-split-cli (crates.io
# `wasm_split_cli_support`, installed here into target/tools on first use) splits it, wasm-bindgen
# runs on the main part, and scripts/size-split/measure.mjs weighs both parts beside today's two
# stages (target/pkg-banner, target/pkg from `make widget`) optimized the same way.
# SPLIT_LEAN=1 builds the feed's first pass once for the banner and once for the panel
# (scripts/size-split/prepare.sh), so that the main part has no support block parser.
# `node scripts/size-split/run-in-page.mjs [--optimized]` then runs the parts in Chromium.
# Nothing it builds is shipped; it writes under target/ only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH=$root/node_modules/.bin:$HOME/.cargo/bin:$PATH
tools=$root/target/tools
split_cli=$tools/bin/wasm-split-cli
SPLIT_CLI_VERSION=0.2.4   # and wasm_split_helpers 0.2.3 (scripts/size-split/prepare.sh)

[ -f target/pkg-banner/lms_support_widget_bg.wasm ] && [ -f target/pkg/lms_support_widget_bg.wasm ] &&
  [ -f target/widget/manifest.json ] || { echo "[size-split] run 'make widget' first (today's stages are the comparison)" >&2; exit 2; }

if ! [ -x "$split_cli" ]; then
  echo "[size-split] installing wasm_split_cli_support $SPLIT_CLI_VERSION into target/tools (a few minutes, once)"
  # Not --locked: its lockfile may pin crates the registry here lacks. A quick, unoptimized-ish
  # build: the tool runs for a tenth of a second.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 CARGO_TARGET_DIR=$tools/build \
    cargo install -q wasm_split_cli_support --version "=$SPLIT_CLI_VERSION" --features build-binary --root "$tools"
fi

src=target/split-src
scripts/size-split/prepare.sh "$src"
# As `make widget` builds the full stage, plus --emit-relocs, which wasm-split needs.
(cd "$src" && RUSTC_BOOTSTRAP=1 \
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Clink-arg=--emit-relocs" \
  cargo build -q --release --target wasm32-unknown-unknown --features fetched-catalogues \
    -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size --target-dir "$root/target/split-build")
rm -rf target/split-out target/split-pkg
"$split_cli" target/split-build/wasm32-unknown-unknown/release/lms_support_widget.wasm target/split-out \
  --target web --out-name lms_support_widget
# The main part exports what the chunks import (memory, table, stack pointer): keep them.
wasm-bindgen --keep-lld-exports --target web --out-dir target/split-pkg target/split-out/lms_support_widget.wasm
node scripts/size-split/measure.mjs
