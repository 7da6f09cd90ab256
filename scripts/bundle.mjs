// Turns wasm-pack's output (target/pkg) into what the server ships (target/widget):
// wasm-opt -Oz from npm's binaryen, content-hashed file names (cached for a year), the loader
// with those names filled in (revalidated on every load), and .gz/.br copies of each file.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const pkg = join(root, 'target/pkg');
const out = join(root, 'target/widget');
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const optimized = join(out, 'optimized.wasm');
execFileSync(join(root, 'node_modules/.bin/wasm-opt'), [
  '-Oz', '--strip-debug', '--strip-producers', join(pkg, 'lms_support_widget_bg.wasm'), '-o', optimized,
], { stdio: 'inherit' });

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);
const files = {};
function emit(name, bytes) {
  writeFileSync(join(out, name), bytes);
  writeFileSync(join(out, name + '.gz'), gzipSync(bytes, { level: 9 }));
  writeFileSync(join(out, name + '.br'), brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  files[name] = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const wasm = readFileSync(optimized);
rmSync(optimized);
const wasmName = `lms_support_widget_bg.${hash(wasm)}.wasm`;
emit(wasmName, wasm);
const glue = readFileSync(join(pkg, 'lms_support_widget.js'));
const glueName = `lms_support_widget.${hash(glue)}.js`;
emit(glueName, glue);
const loader = readFileSync(join(root, 'pkg-templates/loader.js'), 'utf8')
  .replaceAll('__WIDGET_JS__', glueName)
  .replaceAll('__WIDGET_WASM__', wasmName)
  .replaceAll('__VERSION__', version);
emit('loader.js', Buffer.from(loader));
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version, files }, null, 2) + '\n');
console.log(`[bundle] target/widget: ${Object.entries(files).map(([n, f]) => `${n} ${f.gzip} B gz`).join(', ')}`);
