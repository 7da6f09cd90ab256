// What a stage's Wasm would weigh without some of its code, before building it that way: the
// bodies of the functions whose names match a pattern become `unreachable`, wasm-opt then drops
// what only they used, and the two modules are compared gzipped (names stripped, as shipped).
// An upper bound on the saving: callers' code after a call to a removed function can go too.
// Used to decide by measurement whether moving a part to a stage of its own is worth it.
//
//   node scripts/size-without.mjs [banner|full] '<regex on function names>'
//   e.g. node scripts/size-without.mjs full '::(ticket|web::tickets)::'
import binaryen from 'binaryen';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const [stage, source] = process.argv.slice(2);
const dirs = { banner: 'target/pkg-banner', full: 'target/pkg' };
if (!dirs[stage] || !source) {
  console.error("usage: node scripts/size-without.mjs banner|full '<regex on function names>'");
  process.exit(2);
}
const pattern = new RegExp(source);

// The stage optimized as scripts/bundle.mjs does, names kept to match on (-g); then each variant
// optimized again the same way and stripped, as shipped (less the glue's shorter import names).
const tmp = mkdtempSync(join(tmpdir(), 'size-without-'));
const FLAGS = ['-Oz', '--converge', '--low-memory-unused', '--one-caller-inline-max-function-size', '20'];
const wasmOpt = (input, output, extra) =>
  execFileSync(join(root, 'node_modules/.bin/wasm-opt'), [...FLAGS, ...extra, input, '-o', output]);
const named = join(tmp, 'named.wasm');
wasmOpt(join(root, dirs[stage], 'lms_support_widget_bg.wasm'), named, ['-g']);
const shipped = (module, name) => {
  const path = join(tmp, name);
  writeFileSync(path, module.emitBinary());
  wasmOpt(path, path + '.opt', ['--strip-debug', '--strip-producers']);
  return gzipSync(readFileSync(path + '.opt'), { level: 9 }).length;
};
const bytes = readFileSync(named);
const without = binaryen.readBinary(bytes);
let removed = 0;
for (let i = 0; i < without.getNumFunctions(); i++) {
  const info = binaryen.getFunctionInfo(without.getFunctionByIndex(i));
  if (!info.body || !pattern.test(info.name)) continue;
  without.removeFunction(info.name);
  without.addFunction(info.name, info.params, info.results, [], without.unreachable());
  removed++;
}
const before = shipped(binaryen.readBinary(bytes), 'whole.wasm'), after = shipped(without, 'without.wasm');
rmSync(tmp, { recursive: true, force: true });
console.log(`${stage} stage, functions matching /${source}/: ${removed}`);
console.log(`gzip ${before} B -> ${after} B without them: -${before - after} B (-${((1 - after / before) * 100).toFixed(1)} %), an upper bound`);
