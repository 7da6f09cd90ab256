#!/usr/bin/env bash
# Makes the measurement build's scratch copy of the crate in $1 (see scripts/size-split.sh):
# the full stage's sources plus the banner stage's widget beside it (widget.rs with the `panel`
# feature read as off), the launcher of the banner stage, and scripts/size-split/split.rs as the
# JS API, whose full-stage entries are split points. The crate's own sources are not changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
rm -rf "$out" && mkdir -p "$out"
cp -a "$root/Cargo.toml" "$root/Cargo.lock" "$root/build.rs" "$root/src" "$out/"
cd "$out"
# This crate alone (not the server), with the split points' runtime.
sed -i 's/^members = \[".", "server"\]/members = ["."]/' Cargo.toml
sed -i 's/^wasm-bindgen-futures = "0.4"$/&\nwasm_split_helpers = "=0.2.3"/' Cargo.toml
grep -q '^wasm_split_helpers' Cargo.toml
web=src/web
# The banner stage's widget: widget.rs as built without `panel` (`any()` is never true).
sed 's/feature = "panel"/any()/g' $web/widget.rs > $web/banner_widget.rs
cp "$root/scripts/size-split/split.rs" $web/split.rs
# Both stages' parts; the old exports become plain functions that split.rs calls.
# (The banner stage's parts leave some of their methods unused beside the full stage's.)
perl -0pi -e 's/#\[cfg\(not\(feature = "panel"\)\)\]\nmod first_stage;/#[allow(dead_code)]\nmod first_stage;\n#[allow(dead_code)]\nmod banner_widget;\nmod split;/' $web/mod.rs
grep -q '^mod split;' $web/mod.rs
sed -i -E '/^#\[wasm_bindgen(\(js_name = [A-Za-z]+\))?\]$/d' $web/mod.rs $web/full_stage.rs
! grep -q '^#\[wasm_bindgen' $web/mod.rs $web/full_stage.rs
# SPLIT_LEAN=1: the feed's first pass built twice, for the banner (no support block, so no
# `support_of` and no `core::fmt` in the main part) and for the panel, as a real integration
# would need (in the shipped stages `cfg!(feature = "panel")` already keeps it out of the banner
# stage's build).
if [ "${SPLIT_LEAN:-}" = 1 ]; then
  feed=src/base/feed.rs
  perl -0pi -e 's/fn parse_start\(\n(\s+json: &str,\n\s+zones: &dyn TimeZones,\n\s+limits: &Limits,\n\s+skip: &\[&str\],\n)\s+panel: bool,\n/fn parse_start<const PANEL: bool>(\n$1/' $feed
  perl -0pi -e 's/if cfg!\(feature = "panel"\) && panel \{/if cfg!(feature = "panel") && PANEL {/' $feed
  perl -0pi -e 's/parse_start\(\n(\s+json,\n\s+zones,\n\s+&Limits::DEFAULT,\n\s+&\["faq", "flows", "support"\],\n)\s+false,\n/parse_start::<false>(\n$1/' $feed
  perl -0pi -e 's/parse_start\(([^;]*?), true\)/parse_start::<true>($1)/g' $feed
  [ "$(grep -c 'parse_start::<' $feed)" = 3 ] && grep -q 'fn parse_start<const PANEL: bool>' $feed && grep -q '&& PANEL {' $feed
fi
