// Where the bytes of each stage's Wasm are (`make size-why`): its sections, the code per crate
// and module, the largest functions, and the largest runs of text in its data. It optimizes
// wasm-pack's output (target/pkg-banner, target/pkg) the way scripts/bundle.mjs does but keeps
// the name section (`-g`), so the figures are of the shipped code under readable names.
// Function sizes are raw bytes of their bodies; a group's "gzip" is its bodies compressed
// together, a fair guide to what cutting it saves (gzip shares across groups, so the sum of
// the groups is more than the whole). Needs nothing beyond `make widget`'s tools.
//
//   node scripts/size-why.mjs [banner|full] [--top N] [--depth N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const top = option('--top', 25);
const depth = option('--depth', 3);
const stages = args.filter((a) => a === 'banner' || a === 'full');
const dirs = { banner: 'target/pkg-banner', full: 'target/pkg' };

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => (n / 1000).toFixed(1).padStart(7);

function leb(bytes, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

// The module's sections, the function bodies (index, bytes) and names, and the data segments.
function parse(bytes) {
  const sections = [], bodies = [], names = new Map(), data = [];
  let importedFuncs = 0;
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    let size;
    [size, at] = leb(bytes, at + 1);
    const start = at, end = at + size;
    let name = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start',
      'element', 'code', 'data', 'datacount'][id] ?? `#${id}`;
    if (id === 0) {
      let len;
      [len, at] = leb(bytes, at);
      name = 'custom:' + bytes.subarray(at, at + len).toString();
      at += len;
      if (name === 'custom:name') {
        while (at < end) {
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
      }
    } else if (id === 2) {
      let count;
      [count, at] = leb(bytes, at);
      for (let i = 0; i < count; i++) {
        let n;
        [n, at] = leb(bytes, at); at += n; // module
        [n, at] = leb(bytes, at); at += n; // field
        const kind = bytes[at++];
        if (kind === 0) { [, at] = leb(bytes, at); importedFuncs++; }
        else if (kind === 1) { at++; const f = bytes[at++]; [, at] = leb(bytes, at); if (f & 1) [, at] = leb(bytes, at); }
        else if (kind === 2) { const f = bytes[at++]; [, at] = leb(bytes, at); if (f & 1) [, at] = leb(bytes, at); }
        else if (kind === 3) at += 2;
        else { at++; [, at] = leb(bytes, at); }
      }
    } else if (id === 10) {
      let count;
      [count, at] = leb(bytes, at);
      for (let i = 0; i < count; i++) {
        let n;
        [n, at] = leb(bytes, at);
        bodies.push({ index: importedFuncs + i, body: bytes.subarray(at, at + n) });
        at += n;
      }
    } else if (id === 11) {
      let count;
      [count, at] = leb(bytes, at);
      for (let i = 0; i < count; i++) {
        const flags = bytes[at++];
        if (flags === 2) [, at] = leb(bytes, at);
        if (flags !== 1) { while (bytes[at] !== 0x0b) at++; at++; } // the offset expression
        let n;
        [n, at] = leb(bytes, at);
        data.push(bytes.subarray(at, at + n));
        at += n;
      }
    }
    sections.push({ name, bytes: bytes.subarray(start, end) });
    at = end;
  }
  return { sections, bodies, names, data };
}

// `lms_support_widget::web::help::Panel::draw::h0123…` → `lms_support_widget::web::help`;
// generic impls (`<alloc::vec::Vec<T> as core::…>::…`) are grouped by their type's path.
function group(name) {
  if (!name) return '(unnamed)';
  // Names built with -Zbuild-std carry each crate's hash (`core[1b80…]`): drop it to group.
  let n = name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{1,16}\]/g, '');
  if (n.startsWith('<')) n = n.slice(1);
  n = n.replace(/^(impl|dyn) /, '').replace(/^&(mut )?/, '');
  const path = n.split(/<|>| as |\{/)[0].split('::').filter(Boolean);
  if (path.length <= 1) return path[0] || n;
  // Types and functions end a path: keep modules only (lower-case), up to `depth` parts.
  const modules = [];
  for (const part of path.slice(0, -1)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(part) || modules.length === depth) break;
    modules.push(part);
  }
  return modules.join('::') || path[0] || n;
}

function report(stage) {
  const tmp = mkdtempSync(join(tmpdir(), 'size-why-'));
  const wasmPath = join(tmp, 'stage.wasm');
  execFileSync(join(root, 'node_modules/.bin/wasm-opt'),
    ['-Oz', '--converge', '--low-memory-unused', '--one-caller-inline-max-function-size', '20', '-g', '--strip-producers', join(root, dirs[stage], 'lms_support_widget_bg.wasm'), '-o', wasmPath]);
  const bytes = readFileSync(wasmPath);
  rmSync(tmp, { recursive: true, force: true });
  const { sections, bodies, names, data } = parse(bytes);
  const shipped = sections.filter((s) => s.name !== 'custom:name');
  const total = shipped.reduce((sum, s) => sum + s.bytes.length, 0);
  console.log(`\n== ${stage} stage: ${kb(total)} KB raw without names (sections, gzip -9 each)`);
  for (const s of shipped) console.log(`  ${s.name.padEnd(28)} ${kb(s.bytes.length)} KB ${kb(gz(s.bytes))} KB gzip`);

  const groups = new Map();
  for (const b of bodies) {
    const g = group(names.get(b.index));
    const entry = groups.get(g) ?? { raw: 0, count: 0, parts: [] };
    entry.raw += b.body.length; entry.count++; entry.parts.push(b.body);
    groups.set(g, entry);
  }
  console.log(`\n  code by module (depth ${depth})               raw KB   gzip KB  functions`);
  [...groups].sort((a, b) => b[1].raw - a[1].raw).slice(0, top).forEach(([g, e]) => {
    console.log(`  ${g.slice(0, 40).padEnd(40)} ${kb(e.raw)} ${kb(gz(Buffer.concat(e.parts)))} ${String(e.count).padStart(9)}`);
  });

  console.log(`\n  largest functions                                              raw KB`);
  [...bodies].sort((a, b) => b.body.length - a.body.length).slice(0, top).forEach((b) => {
    const name = (names.get(b.index) ?? `func ${b.index}`).replace(/::h[0-9a-f]{16}$/, '');
    console.log(`  ${name.slice(0, 62).padEnd(62)} ${kb(b.body.length)}`);
  });

  // Data: the longest runs of printable text (UTF-8 included), which are strings and CSS.
  const text = [];
  for (const seg of data) {
    const s = seg.toString('latin1');
    for (const m of s.matchAll(/[\x20-\x7e\x80-\xff\n]{24,}/g)) text.push(m[0]);
  }
  const textBytes = text.reduce((sum, t) => sum + t.length, 0);
  const dataBytes = data.reduce((sum, d) => sum + d.length, 0);
  console.log(`\n  data: ${kb(dataBytes)} KB raw, ${kb(gz(Buffer.concat(data)))} KB gzip; ` +
    `${kb(textBytes)} KB in runs of text; the longest:`);
  text.sort((a, b) => b.length - a.length).slice(0, Math.min(top, 10)).forEach((t) => {
    const shown = Buffer.from(t, 'latin1').toString('utf8').replace(/\n/g, ' ');
    console.log(`  ${String(t.length).padStart(6)} B  ${shown.slice(0, 80)}`);
  });
}

for (const stage of stages.length ? stages : ['banner', 'full']) report(stage);
