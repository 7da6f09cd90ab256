// Prints what learners download, per file and per stage (raw, gzip, brotli), from
// target/widget/manifest.json, and with --check fails when the first load is over budget.
//
// The budget (80 KB gzip) is for what every page downloads: the loader and the banner stage
// (its Wasm holds the CSS too). The full stage loads only when someone opens help.
import { readFileSync } from 'node:fs';

export const BUDGET_GZIP = 80 * 1000;
const manifest = JSON.parse(readFileSync(new URL('../target/widget/manifest.json', import.meta.url)));
const pad = (v, n) => String(v).padStart(n);
const line = (name, f) => console.log(`${name.padEnd(44)} ${pad(f.bytes, 8)} B ${pad(f.gzip, 8)} B gzip ${pad(f.brotli, 8)} B br`);
const totals = {};
for (const [name, f] of Object.entries(manifest.files)) {
  line(name, f);
  const t = (totals[f.stage] ??= { bytes: 0, gzip: 0, brotli: 0 });
  t.bytes += f.bytes; t.gzip += f.gzip; t.brotli += f.brotli;
}
line('every page (loader + banner stage)', totals.banner);
line('on first open (full stage)', totals.full);
const verdict = totals.banner.gzip <= BUDGET_GZIP ? 'within' : 'OVER';
console.log(`budget: ${totals.banner.gzip} B gzip on every page, ${verdict} the ${BUDGET_GZIP} B budget`);
if (process.argv.includes('--check') && totals.banner.gzip > BUDGET_GZIP) {
  console.error(`[size] the first load is ${totals.banner.gzip - BUDGET_GZIP} B gzip over budget`);
  process.exit(1);
}
