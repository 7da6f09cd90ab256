#!/usr/bin/env bash
# Fallback when `rustup target add wasm32-unknown-unknown` cannot download (toolchain.md, route 2):
# Debian's rustc-web plus a wasm32 std built once from rust-web-src and installed beside it.
# Afterwards target/debian-rust-bin/ holds cargo/rustc/rustdoc symlinks that scripts/setup.sh and
# the Makefile put ahead of rustup's shims (wasm-pack ignores $RUSTC and runs what PATH gives).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '[setup] %s\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

as_root apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
  rustc-web cargo-web rust-web-src lld-22 >/dev/null

bin="$root/target/debian-rust-bin"
mkdir -p "$bin"
for tool in cargo rustc rustdoc; do ln -sf "/usr/bin/$tool" "$bin/$tool"; done

lld_dir=/usr/lib/rustlib/x86_64-unknown-linux-gnu/bin
as_root mkdir -p "$lld_dir"
[ -e "$lld_dir/rust-lld" ] || as_root ln -sf /usr/lib/llvm-22/bin/lld "$lld_dir/rust-lld"

stamp_dir=/usr/lib/rustlib/wasm32-unknown-unknown/lib
stamp="$stamp_dir/.lms-support-stamp"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(/usr/bin/rustc -vV)" ]; then
  exit 0
fi

say "building the wasm32 std with Debian's rustc (about 70 s)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<'EOF'
[package]
name = "wasm-std-builder"
version = "0.0.0"
edition = "2021"
[lib]
path = "src/lib.rs"
EOF
echo '#![no_std]' > "$work/src/lib.rs"
(cd "$work" && PATH="$bin:$PATH" RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Cembed-bitcode=yes" \
  cargo build -q --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,test)
as_root mkdir -p "$stamp_dir"
for rlib in "$work"/target/wasm32-unknown-unknown/release/deps/lib*.rlib; do
  case "$(basename "$rlib")" in libwasm_std_builder-*) continue ;; esac
  as_root cp "$rlib" "$stamp_dir/"
done
/usr/bin/rustc -vV | as_root tee "$stamp" >/dev/null
