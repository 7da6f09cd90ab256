// Weighs the split build (scripts/size-split.sh) beside today's two stages, all optimized and
// compressed the same way in this run: wasm-opt as scripts/bundle.mjs does, imports and exports
// minified, the glue through esbuild and terser, then gzip -9 and Zopfli (what the build ships).
// Also lists what the split's main part holds that today's banner stage does not (by function
// name, from a -g optimization of each).
//
//   node scripts/size-split/measure.mjs   (after scripts/size-split.sh has built target/split-*)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';
import binaryen from 'binaryen';
import { minify as terse } from 'terser';

const root = new URL('../..', import.meta.url).pathname;
const t = (p) => join(root, 'target', p);
const bin = (name) => join(root, 'node_modules/.bin', name);
const tmp = mkdtempSync(join(tmpdir(), 'size-split-'));
const FLAGS = ['-Oz', '--converge', '--low-memory-unused', '--one-caller-inline-max-function-size', '20'];

function wasmOpt(input, name, { keepNames = false, minify = true } = {}) {
  const out = join(tmp, name);
  execFileSync(bin('wasm-opt'), [...FLAGS, ...(keepNames ? ['-g'] : ['--strip-debug', '--strip-producers']), input, '-o', out]);
  let renamed = null;
  if (minify) {
    renamed = JSON.parse(execFileSync(bin('wasm-opt'),
      ['--minify-imports-and-exports-and-modules', '--strip-target-features', out, '-o', out], { maxBuffer: 1 << 24 }));
  }
  return { bytes: readFileSync(out), renamed, path: out };
}

// The glue with the minified names, as scripts/bundle.mjs's renameInGlue (imports of other
// modules than the glue's, such as the split's loader, are left as they are: counted only).
function renameInGlue(glue, renamed) {
  for (const [module, from, to] of renamed.imports) {
    if (module !== './lms_support_widget_bg.js') continue;
    glue = glue.replace(new RegExp(`\\b${from}(?=: function)`), JSON.stringify(to));
  }
  for (const [from, to] of renamed.exports) {
    glue = glue.replace(new RegExp(`\\bwasm\\.${from}\\b`, 'g'), `wasm[${JSON.stringify(to)}]`);
  }
  return glue.replace('export { initSync, __wbg_init as default };', 'export { __wbg_init as default };');
}
async function minifyJs(source) {
  const built = execFileSync(bin('esbuild'), ['--minify', '--tree-shaking=true', '--format=esm', '--target=es2020', '--log-level=warning'],
    { input: source }).toString();
  return Buffer.from((await terse(built, { module: true, ecma: 2020, compress: { passes: 2 }, mangle: true })).code);
}
const sizes = async (bytes) => ({ raw: bytes.length, gzip9: gzipSync(bytes, { level: 9 }).length,
  zopfli: (await gzipAsync(bytes, { numiterations: 15 })).length });

const rows = [];
async function row(name, bytes) {
  const s = await sizes(bytes);
  rows.push({ name, ...s });
  return s;
}
async function stage(label, dir) {
  const w = wasmOpt(join(dir, 'lms_support_widget_bg.wasm'), `${label}.wasm`);
  const js = await minifyJs(renameInGlue(readFileSync(join(dir, 'lms_support_widget.js'), 'utf8'), w.renamed));
  return [await row(`${label} .wasm`, w.bytes), await row(`${label} .js`, js)];
}

const [bw, bj] = await stage('today banner stage', t('pkg-banner'));
const [fw, fj] = await stage('today full stage', t('pkg'));
// wasm-bindgen --keep-lld-exports kept the table the chunk needs, and every other export LLD
// made too (closure shims the glue never calls, __data_end, __heap_base), which would keep their
// code: only what the glue calls and the three the chunk imports stay, as a build would do.
const splitPkg = join(tmp, 'split-pkg');
{
  execFileSync('cp', ['-a', t('split-pkg'), splitPkg]);
  const glue = readFileSync(join(splitPkg, 'lms_support_widget.js'), 'utf8');
  const shared = ['memory', '__indirect_function_table', '__wasm_split_shared0'];
  binaryen.setDebugInfo(true);
  const module = binaryen.readBinary(readFileSync(join(splitPkg, 'lms_support_widget_bg.wasm')));
  const dropped = [];
  for (let i = module.getNumExports() - 1; i >= 0; i--) {
    const name = binaryen.getExportInfo(module.getExportByIndex(i)).name;
    if (!shared.includes(name) && !new RegExp(`\\bwasm\\.${name}\\b`).test(glue)) dropped.push(name);
  }
  for (const name of dropped) module.removeExport(name);
  writeFileSync(join(splitPkg, 'lms_support_widget_bg.wasm'), module.emitBinary());
  module.dispose();
  console.log(`[size-split] exports of main not called by the glue nor imported by the chunk, dropped: ${dropped.length}`);
}
const [mw, mj] = await stage('split main', splitPkg);
const chunk = wasmOpt(t('split-out/split_full.wasm'), 'chunk.wasm', { minify: false });
const cw = await row('split chunk (full) .wasm', chunk.bytes);

// The parts as measured still link: main instantiates (JS imports stubbed), and the chunk with
// main's memory, table and stack pointer under their minified export names (what the link
// module, __wasm_split.js, would have to be rewritten with) fills main's table.
{
  const mainOpt = wasmOpt(join(splitPkg, 'lms_support_widget_bg.wasm'), 'main-link.wasm');
  const module = new WebAssembly.Module(mainOpt.bytes);
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) (imports[i.module] ??= {})[i.name] = () => 0;
  const main = new WebAssembly.Instance(module, imports).exports;
  const renamed = Object.fromEntries(mainOpt.renamed.exports);
  const shared = {};
  for (const name of ['memory', '__indirect_function_table', '__wasm_split_shared0']) shared[name] = main[renamed[name]];
  new WebAssembly.Instance(new WebAssembly.Module(chunk.bytes), { __wasm_split: shared });
  const table = shared.__indirect_function_table;
  let filled = 0;
  for (let i = 0; i < table.length; i++) if (table.get(i)) filled++;
  console.log(`[size-split] both parts instantiate; main's table: ${filled} of ${table.length} entries filled once the chunk is in`);
}
const link = await minifyJs(readFileSync(t('split-out/__wasm_split.js'), 'utf8'));
const cl = await row('split link module __wasm_split.js', link);

const manifest = JSON.parse(readFileSync(t('widget/manifest.json'), 'utf8'));
const loader = manifest.files['loader.js'];
const strings = Math.max(...Object.values(manifest.files).filter((f) => f.locale).map((f) => f.gzip));
const sum = (key, ...xs) => xs.reduce((a, x) => a + x[key], 0);
const pad = (v, n) => String(v).padStart(n);
console.log(`${'file'.padEnd(36)} ${pad('raw', 8)} ${pad('gzip -9', 8)} ${pad('zopfli', 8)}`);
for (const r of rows) console.log(`${r.name.padEnd(36)} ${pad(r.raw, 8)} ${pad(r.gzip9, 8)} ${pad(r.zopfli, 8)}`);
console.log(`(loader.js ${loader.gzip} B zopfli and the largest strings list ${strings} B zopfli, from target/widget, are added to both totals)`);
for (const key of ['gzip9', 'zopfli']) {
  const extra = loader.gzip + strings;
  const pageToday = sum(key, bw, bj) + loader.gzip;
  const pageSplit = sum(key, mw, mj) + loader.gzip;
  const bothToday = sum(key, bw, bj, fw, fj) + extra;
  const bothSplit = sum(key, mw, mj, cw, cl) + extra;
  console.log(`${key}: every page today ${pageToday} B, split ${pageSplit} B (${pageSplit - pageToday >= 0 ? '+' : ''}${pageSplit - pageToday});` +
    ` both stages today ${bothToday} B, split ${bothSplit} B (${bothSplit - bothToday}); goal 160000 B`);
}

// What main holds that today's banner stage does not: function bodies by name (crate hashes
// and symbol hashes dropped), from -g optimizations; and each module's code and data bytes.
function leb(bytes, at) {
  let value = 0, shift = 0, byte;
  do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [value, at];
}
// (The parser of scripts/size-why.mjs, cut down: bodies, names, data.)
function parse(bytes) {
  const bodies = [], names = new Map(), texts = [];
  let importedFuncs = 0, code = 0, data = 0, at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    let size;
    [size, at] = leb(bytes, at + 1);
    const end = at + size;
    if (id === 0) {
      let len;
      [len, at] = leb(bytes, at);
      const name = bytes.subarray(at, at + len).toString();
      at += len;
      while (name === 'name' && at < end) {
        const sub = bytes[at];
        let subSize;
        [subSize, at] = leb(bytes, at + 1);
        if (sub === 1) {
          let count, p = at;
          [count, p] = leb(bytes, p);
          for (let i = 0; i < count; i++) {
            let index, n;
            [index, p] = leb(bytes, p);
            [n, p] = leb(bytes, p);
            names.set(index, bytes.subarray(p, p + n).toString());
            p += n;
          }
        }
        at += subSize;
      }
    } else if (id === 2) {
      let count;
      [count, at] = leb(bytes, at);
      for (let i = 0; i < count; i++) {
        let n;
        [n, at] = leb(bytes, at); at += n;
        [n, at] = leb(bytes, at); at += n;
        const kind = bytes[at++];
        if (kind === 0) { [, at] = leb(bytes, at); importedFuncs++; }
        else if (kind === 1) { at++; const f = bytes[at++]; [, at] = leb(bytes, at); if (f & 1) [, at] = leb(bytes, at); }
        else if (kind === 2) { const f = bytes[at++]; [, at] = leb(bytes, at); if (f & 1) [, at] = leb(bytes, at); }
        else if (kind === 3) at += 2;
        else { at++; [, at] = leb(bytes, at); }
      }
    } else if (id === 10) {
      code = size;
      let count;
      [count, at] = leb(bytes, at);
      for (let i = 0; i < count; i++) {
        let n;
        [n, at] = leb(bytes, at);
        bodies.push({ index: importedFuncs + i, size: n });
        at += n;
      }
    } else if (id === 11) {
      data = size;
      texts.push(...bytes.subarray(at, end).toString('latin1').match(/[\x20-\x7e\n]{16,}/g) ?? []);
    }
    at = end;
  }
  const bySize = new Map();
  // The split build's copies of the banner stage's widget and API are named as the originals.
  const clean = (n) => n.replace(/\[[0-9a-f]+\]/g, '').replace(/::h[0-9a-f]{16}$/, '').replace(/17h[0-9a-f]{16}E$/, '')
    .replaceAll('web::banner_widget::', 'web::widget::').replaceAll('web::split::', 'web::');
  for (const b of bodies) {
    const n = clean(names.get(b.index) ?? `#${b.index}`);
    bySize.set(n, (bySize.get(n) ?? 0) + b.size);
  }
  return { code, data, texts, functions: bySize };
}
const named = (dir, name) => parse(wasmOpt(join(dir, 'lms_support_widget_bg.wasm'), name, { keepNames: true, minify: false }).bytes);
const banner = named(t('pkg-banner'), 'banner-g.wasm');
const main = named(splitPkg, 'main-g.wasm');
console.log(`\ncode section: banner stage ${banner.code} B, split main ${main.code} B; data section: ${banner.data} B, ${main.data} B`);
// Functions in both whose bodies differ in size, and functions only in main.
const grown = [...main.functions].filter(([n, s]) => banner.functions.has(n) && s !== banner.functions.get(n))
  .map(([n, s]) => [n, s - banner.functions.get(n)]).sort((a, b) => b[1] - a[1]);
const only = [...main.functions].filter(([n]) => !banner.functions.has(n)).sort((a, b) => b[1] - a[1]);
const gone = [...banner.functions].filter(([n]) => !main.functions.has(n)).sort((a, b) => b[1] - a[1]);
const total = (list) => list.reduce((a, [, s]) => a + s, 0);
const top = Number(process.env.TOP ?? 30);
console.log(`split main: ${main.functions.size} functions; ${only.length} not in the banner stage (${total(only)} B of bodies); ` +
  `${gone.length} of the banner stage's not in main (${total(gone)} B); ${grown.length} in both of other sizes (net ${total(grown)} B)`);
console.log('largest only in main:');
for (const [n, s] of only.slice(0, top)) console.log(`${pad(s, 7)}  ${n.slice(0, 160)}`);
console.log('largest only in the banner stage:');
for (const [n, s] of gone.slice(0, 10)) console.log(`${pad(s, 7)}  ${n.slice(0, 160)}`);
console.log('largest growth in both:');
for (const [n, s] of grown.slice(0, 10)) console.log(`${pad(s, 7)}  ${n.slice(0, 160)}`);
// Text in main's data not in the banner stage's (runs of 16 or more printable characters).
const bannerText = banner.texts.join('\u0000');
const newText = main.texts.filter((x) => !bannerText.includes(x));
console.log(`text runs in main's data not in the banner stage's: ${newText.length}, ${newText.reduce((a, x) => a + x.length, 0)} B; ` +
  `the banner stage's not in main: ${banner.texts.filter((x) => !main.texts.join('\u0000').includes(x)).reduce((a, x) => a + x.length, 0)} B`);
for (const x of newText.sort((a, b) => b.length - a.length).slice(0, 12)) console.log(`${pad(x.length, 7)}  ${JSON.stringify(x.slice(0, 140))}`);

// The chunk's code by module of this crate (its names are Rust's v0 mangling, read here just
// far enough for the first two path segments below the crate), and by other crate.
const chunkNamed = parse(wasmOpt(t('split-out/split_full.wasm'), 'chunk-g.wasm', { keepNames: true, minify: false }).bytes);
const groups = new Map();
const ident = (n, at) => {
  const m = n.slice(at).match(/^(\d+)_?/);
  return m ? [n.slice(at + m[0].length, at + m[0].length + Number(m[1])), at + m[0].length + Number(m[1])] : null;
};
for (const [n, size] of chunkNamed.functions) {
  let group = 'other';
  const at = n.indexOf('18lms_support_widget');
  if (at >= 0) {
    const path = [];
    for (let i = 0, p = at + 20, x; i < 2 && (x = ident(n, p)); i++) [path[i], p] = x;
    group = path.join('::');
  } else {
    group = n.match(/\d(core|alloc|std|wasm_bindgen_futures|wasm_bindgen|web_sys|js_sys|talc)/)?.[1] ?? group;
  }
  groups.set(group, (groups.get(group) ?? 0) + size);
}
console.log(`\nchunk: code ${chunkNamed.code} B, data ${chunkNamed.data} B raw; code by module:`);
for (const [g, size] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`${pad(size, 7)}  ${g}`);
rmSync(tmp, { recursive: true, force: true });
