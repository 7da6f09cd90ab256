#!/usr/bin/env bash
# Installs everything `make demo` and `make test` need, and nothing that is already there.
# Idempotent: a second run only checks versions and finishes in seconds.
#
#   - the wasm32-unknown-unknown target (rustup; if rustup cannot download it, Debian's
#     rustc-web with a std built once for wasm32, see ../shared/toolchain.md "Route 2")
#   - rust-src (rustup), so the shipped widget can build std itself (-Zbuild-std, smaller)
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock
#   - wasm-pack
#   - Debian's chromium + chromium-driver (headless browser tests and the e2e)
#   - Debian's postgresql (15): the tests' throwaway clusters (initdb, postgres, psql)
#   - Debian's php-cli (`php -l` on the rendered Moodle plugin in tests/dist)
#   - Debian's python3-aiosmtpd (the real SMTP server of server/tests/delivery.rs), for
#     Debian's /usr/bin/python3, not whichever python3 is first on PATH
#   - node packages from package-lock.json: binaryen's wasm-opt (never Debian's binaryen,
#     which silently breaks wasm-bindgen output) and playwright-core
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

WASM_PACK_VERSION=0.15.1
say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null; then sudo "$@";
  else die "need root to run: $* (install sudo or run as root)"; fi
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq || say "apt-get update failed; trying the cached package lists"
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first (https://rustup.rs)"
command -v node >/dev/null && command -v npm >/dev/null || {
  say "installing node and npm from Debian"; apt_install nodejs npm; }

# --- Rust's wasm32 target -----------------------------------------------------------------
have_wasm_target() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}
route2_stamp=/usr/lib/rustlib/wasm32-unknown-unknown/lib/.lms-support-stamp
if have_wasm_target; then
  :
elif [ -f "$route2_stamp" ] && [ "$(cat "$route2_stamp")" = "$(/usr/bin/rustc -vV 2>/dev/null)" ]; then
  :
else
  say "adding rustup target wasm32-unknown-unknown"
  if ! timeout 300 rustup target add wasm32-unknown-unknown || ! have_wasm_target; then
    say "rustup could not add the target; building it with Debian's rustc-web (toolchain.md route 2)"
    bash "$root/scripts/setup-debian-rust.sh"
  fi
fi
if [ -f "$route2_stamp" ] && ! have_wasm_target; then
  # Route 2: put Debian's cargo/rustc ahead of rustup's shims for everything that follows.
  export PATH="$root/target/debian-rust-bin:$PATH"
fi

# --- std's source, for the shipped stages' -Zbuild-std (Makefile `widget`) ----------------
if have_wasm_target && ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  say "adding rustup component rust-src (the shipped widget builds std itself, smaller)"
  timeout 300 rustup component add rust-src \
    || say "rustup could not add rust-src; the widget builds with the prebuilt std (larger)"
fi

# --- wasm-bindgen-cli, pinned to Cargo.lock -----------------------------------------------
want_bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$want_bindgen" ] || die "no wasm-bindgen in Cargo.lock"
have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_bindgen" != "$want_bindgen" ]; then
  say "installing wasm-bindgen-cli $want_bindgen (have: ${have_bindgen:-none}); about 5 minutes cold"
  # Not --locked: its lockfile pins a webpki-roots release this registry mirror lacks.
  # No default features: the test runner needs no TLS.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
    cargo install -q wasm-bindgen-cli --version "$want_bindgen" --no-default-features --force
fi

# --- wasm-pack -----------------------------------------------------------------------------
have_pack=$(wasm-pack --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_pack" != "$WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION (have: ${have_pack:-none}); about 2 minutes cold"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
    cargo install -q wasm-pack --version "$WASM_PACK_VERSION" --locked --force
fi

# --- Chromium and its driver ------------------------------------------------------------------
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Debian's chromium and chromium-driver"
  apt_install chromium chromium-driver
fi
chrome_major=$(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1)
driver_major=$(chromedriver --version 2>/dev/null | grep -oE '[0-9]+' | head -1)
[ "$chrome_major" = "$driver_major" ] \
  || die "chromium ($chrome_major) and chromedriver ($driver_major) differ: apt-get install --only-upgrade chromium chromium-driver"

# --- aiosmtpd (a real SMTP server for server/tests/delivery.rs) --------------------------------
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  say "installing Debian's python3-aiosmtpd"
  apt_install python3 python3-aiosmtpd
fi

# --- PostgreSQL 15 (server/tests/postgres.rs and the store suite start throwaway clusters) -------
# Only the programs are used: each test binary runs `initdb` in a temporary directory and its
# own server on a free loopback port (server/tests/common/pg_cluster.rs).
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || ! command -v psql >/dev/null; then
  say "installing Debian's postgresql (15)"
  apt_install postgresql
fi

# --- PHP CLI (php -l on the rendered Moodle plugin, tests/dist) --------------------------------
if ! command -v php >/dev/null; then
  say "installing Debian's php-cli"
  apt_install php-cli
fi

# --- node packages (wasm-opt, playwright-core) -----------------------------------------------
stamp=node_modules/.lms-support-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "installing node packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
[ -x node_modules/.bin/wasm-opt ] || die "node_modules/.bin/wasm-opt missing after npm ci"

say "ready: rust $(rustc --version | awk '{print $2}'), wasm-bindgen $want_bindgen, wasm-pack $WASM_PACK_VERSION, $(chromium --version 2>/dev/null | head -1), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}')"
