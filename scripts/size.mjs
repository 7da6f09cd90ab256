// Prints what every learner downloads: gzipped bytes of the loader, the JS glue and the Wasm.
import { readFileSync } from 'node:fs';
const manifest = JSON.parse(readFileSync(new URL('../target/widget/manifest.json', import.meta.url)));
let gzip = 0, raw = 0;
for (const [name, f] of Object.entries(manifest.files)) {
  console.log(`${name.padEnd(44)} ${String(f.bytes).padStart(8)} B  ${String(f.gzip).padStart(7)} B gzip`);
  gzip += f.gzip; raw += f.bytes;
}
console.log(`${'total shipped (loader + js + wasm)'.padEnd(44)} ${String(raw).padStart(8)} B  ${String(gzip).padStart(7)} B gzip`);
