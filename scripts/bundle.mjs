// Turns the two wasm-pack builds into what the server ships (target/widget):
//   target/pkg-banner  the banner stage (`--no-default-features`), loaded on every page;
//   target/pkg         the full stage (help panel and ticket form), loaded on first open.
// For each: wasm-opt -Oz from npm's binaryen, the JS glue minified with esbuild, content-hashed
// file names (cached for a year), Subresource Integrity hashes; then the loader with those
// names and hashes filled in (revalidated on every load), .gz/.br copies of every file, and
// manifest.json with the sizes. scripts/size.mjs prints them and checks the budget.
// The .gz copies are Zopfli's (@gfx/zopfli): ordinary gzip that any browser inflates, about 6 %
// smaller than zlib's level 9 on our Wasm, made once per build (a few seconds).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';
import { minify as terse } from 'terser';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'target/widget');
const bin = (name) => join(root, 'node_modules/.bin', name);
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);
const sri256 = (bytes) => 'sha256-' + createHash('sha256').update(bytes).digest('base64');
export const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const files = {};
async function emit(name, bytes, stage, locale) {
  const gzip = await gzipAsync(bytes, { numiterations: 15 });
  const brotli = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  writeFileSync(join(out, name), bytes);
  writeFileSync(join(out, name + '.gz'), gzip);
  writeFileSync(join(out, name + '.br'), brotli);
  files[name] = { stage, ...(locale && { locale }), bytes: bytes.length, gzip: gzip.length, brotli: brotli.length, sri: sri(bytes) };
}

// esbuild, then terser over its output: terser's compressor (two passes) and mangler take a
// further 0.2 KB gzip off the loader and 0.1 KB off each stage's glue, which brought every
// page under issue 14's 60 KB. A module's top level is mangled too; the loader is a classic
// script, so its top level (one IIFE) is left as it is.
async function minify(source, format) {
  // Tree shaking is off by default for a single file not bundled; it drops the glue's unused helpers.
  const built = execFileSync(bin('esbuild'), ['--minify', '--tree-shaking=true', `--format=${format}`, '--target=es2020', '--log-level=warning'],
    { input: source }).toString();
  const { code } = await terse(built, { module: format === 'esm', ecma: 2020, compress: { passes: 2 }, mangle: true });
  return Buffer.from(code);
}

// The full stage's Wasm speaks English only (the `fetched-catalogues` feature); the other
// languages' strings are lists the loader fetches beside it, written from the built-in tables.
const catalogues = JSON.parse(execFileSync('cargo', ['run', '-q', '--example', 'catalogues'],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }));

// The glue with the Wasm's new import and export names (`renamed`, from wasm-opt's
// --minify-imports-and-exports-and-modules: [module, old, new] per import, [old, new] per
// export; the imports' module becomes "a"). Imports are the keys of the glue's imports object,
// exports are read as `wasm.name`; an old name not found or left over means the glue changed
// shape, and the build stops rather than ship a module that cannot be instantiated.
function renameInGlue(glue, renamed) {
  const modules = [...new Set(renamed.imports.map(([module]) => module))];
  const moduleKey = `${JSON.stringify(modules[0])}: import`;
  if (modules.length !== 1 || !glue.includes(moduleKey)) {
    throw new Error(`[bundle] expected the imports of one module in the glue, found ${modules.join(', ')}`);
  }
  glue = glue.replace(moduleKey, '"a": import');
  for (const [, from, to] of renamed.imports) {
    const key = new RegExp(`\\b${from}(?=: function)`);
    if (!key.test(glue)) throw new Error(`[bundle] the glue does not define the import ${from}`);
    glue = glue.replace(key, JSON.stringify(to));
    if (glue.includes(from)) throw new Error(`[bundle] the glue still names ${from}`);
  }
  for (const [from, to] of renamed.exports) {
    glue = glue.replace(new RegExp(`\\bwasm\\.${from}\\b`, 'g'), `wasm[${JSON.stringify(to)}]`);
  }
  // The loader instantiates with the default export only; without the `initSync` export,
  // esbuild drops that function.
  const exports = 'export { initSync, __wbg_init as default };';
  if (!glue.includes(exports)) throw new Error('[bundle] the glue no longer ends with its usual exports');
  return glue.replace(exports, 'export { __wbg_init as default };');
}

const stages = {};
for (const [stage, dir] of [['banner', 'target/pkg-banner'], ['full', 'target/pkg']]) {
  const optimized = join(out, `${stage}.wasm`);
  // --low-memory-unused lets wasm-opt fold constant offsets into loads and stores (0.5 KB gzip off
  // the banner stage, 1.1 KB off the full stage): Rust's linker puts the stack first, so the low
  // 1 KB is the stack's far end, reached only by a stack overflow, which is already fatal.
  // A function with one caller is inlined into it only when small (20 instructions, not any
  // size): the module gets a little larger but compresses better, 1.4 KB gzip off the banner
  // stage and 7.5 KB off the full stage (measured from 0 to 1000; 15-20 is best for both).
  execFileSync(bin('wasm-opt'), [
    '-Oz', '--converge', '--low-memory-unused', '--one-caller-inline-max-function-size', '20', '--strip-debug', '--strip-producers', join(root, dir, 'lms_support_widget_bg.wasm'), '-o', optimized,
  ], { stdio: 'inherit' });
  // wasm-bindgen names every import after its JS function plus a 16-hex-digit hash
  // (`__wbg_appendChild_7465eba84213c75f`), and these names are in both the Wasm and the glue:
  // 117 imports in the banner stage. binaryen renames the imports, their module and the exports
  // to a letter or two and prints the mapping, with which the glue is rewritten below. The
  // target_features section is for tools such as wasm-bindgen; browsers ignore it.
  const renamed = JSON.parse(execFileSync(bin('wasm-opt'), [
    '--minify-imports-and-exports-and-modules', '--strip-target-features', optimized, '-o', optimized,
  ], { maxBuffer: 1 << 24 }));
  const wasm = readFileSync(optimized);
  rmSync(optimized);
  // The full stage's glue carries its strings' lists, [content hash, SRI] per language, as an
  // export: only a learner who opens help needs them, and the glue is itself pinned by the
  // loader's SRI hash, so every page's loader does not carry them.
  const strings = {};
  if (stage === 'full') {
    for (const [lang, list] of Object.entries(catalogues)) {
      // The loader joins the list with U+001F for the Wasm (i18n::SEPARATOR).
      if (list.some((s) => s.includes('\u001f'))) throw new Error(`[bundle] a ${lang} string holds U+001F`);
      const json = Buffer.from(JSON.stringify(list));
      const contentHash = hash(json);
      const name = `lms_support_${stage}-${lang}.${contentHash}.json`;
      await emit(name, json, stage, lang);
      files[name].sri = sri256(json); // shorter, as strong here
      strings[lang] = [contentHash, files[name].sri];
    }
  }
  const glue = await minify(renameInGlue(readFileSync(join(root, dir, 'lms_support_widget.js'), 'utf8'), renamed)
    + (stage === 'full' ? `\nexport const stringLists = ${JSON.stringify(strings)};\n` : ''), 'esm');
  const wasmName = `lms_support_${stage}.${hash(wasm)}.wasm`;
  const jsName = `lms_support_${stage}.${hash(glue)}.js`;
  await emit(wasmName, wasm, stage);
  await emit(jsName, glue, stage);
  // Every page's loader carries these four hashes: SHA-256 is 20 characters shorter than
  // SHA-384 each (incompressible), and as strong for pinning our own files.
  for (const [name, bytes] of [[wasmName, wasm], [jsName, glue]]) files[name].sri = sri256(bytes);
  stages[stage] = { js: jsName, jsSri: files[jsName].sri, wasm: wasmName, wasmSri: files[wasmName].sri };
}

// The few names the loader shares with the widget, read from their one definition in the Rust
// source, so a rename there cannot leave the loader looking for the old one.
function rustConst(file, name) {
  const found = readFileSync(join(root, file), 'utf8').match(new RegExp(`pub const ${name}: &str = "([^"]+)";`));
  if (!found) throw new Error(`[bundle] ${file} no longer defines ${name}, which the loader uses`);
  return JSON.stringify(found[1]);
}
const loader = readFileSync(join(root, 'pkg-templates/loader.js'), 'utf8')
  .replaceAll('__VERSION__', version)
  .replace('/* __HOST_FIT__ */', () => readFileSync(join(root, 'pkg-templates/host-fit.js'), 'utf8'))
  .replaceAll('__FEED_KEY_PREFIX__', () => rustConst('src/base/storage.rs', 'FEED_PREFIX'))
  .replaceAll('__FEED_ETAG_KEY_PREFIX__', () => rustConst('src/base/storage.rs', 'FEED_ETAG_PREFIX'))
  .replaceAll('__OUTBOX_KEY_PREFIX__', () => rustConst('src/base/storage.rs', 'OUTBOX_PREFIX'))
  .replaceAll('__TICKET_NEWS_KEY_PREFIX__', () => rustConst('src/base/storage.rs', 'TICKET_NEWS_PREFIX'))
  .replaceAll('__NEWS_CHECK_AT__', () => rustConst('src/ticket/news.rs', 'CHECK_AT_FIELD'))
  .replaceAll('__NEWS_BADGE__', () => rustConst('src/ticket/news.rs', 'BADGE_FIELD'))
  .replaceAll('__BANNER_VIEW_KEY_PREFIX__', () => rustConst('src/base/storage.rs', 'BANNER_VIEW_PREFIX'))
  .replaceAll('__LAUNCHER_CLASS__', () => rustConst('src/web/launcher.rs', 'LAUNCHER_CLASS'))
  .replace('var STAGES = __STAGES__;', () => `var STAGES = ${JSON.stringify(stages)};`);
if (/__[A-Z_]+__/.test(loader)) throw new Error('[bundle] a placeholder is left in the loader');
// The loader is a classic script: minified as an IIFE, keeping its licence-style header out.
await emit('loader.js', await minify(loader, 'iife'), 'banner');
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version, stages, files }, null, 2) + '\n');
console.log(`[bundle] target/widget: ${Object.keys(files).length} files, version ${version}`);
