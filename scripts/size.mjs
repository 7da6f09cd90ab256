// Prints what learners download, per file and per stage (raw, gzip, brotli), from
// target/widget/manifest.json, and with --check fails when over budget.
//
// Every page downloads the loader and the banner stage (its Wasm holds the CSS too); a learner
// who opens help downloads the full stage too, and, in a language other than English, its
// strings (counted here as the largest list, Arabic's or French's). Budgets are checked as
// gzip (Zopfli, as served); the goals of issue 14 are printed beside them.
import { readFileSync } from 'node:fs';

export const BUDGET_GZIP = 80 * 1000;
export const BOTH_STAGES_BUDGET_GZIP = 280 * 1000;
const GOAL_GZIP = 60 * 1000;
const BOTH_STAGES_GOAL_GZIP = 160 * 1000;

const manifest = JSON.parse(readFileSync(new URL('../target/widget/manifest.json', import.meta.url)));
const pad = (v, n) => String(v).padStart(n);
const line = (name, f) => console.log(`${name.padEnd(44)} ${pad(f.bytes, 8)} B ${pad(f.gzip, 8)} B gzip ${pad(f.brotli, 8)} B br`);
const totals = {};
const add = (stage, f) => {
  const t = (totals[stage] ??= { bytes: 0, gzip: 0, brotli: 0 });
  t.bytes += f.bytes; t.gzip += f.gzip; t.brotli += f.brotli;
};
let largestStrings = { bytes: 0, gzip: 0, brotli: 0 };
for (const [name, f] of Object.entries(manifest.files)) {
  line(name, f);
  if (f.locale) {
    if (f.gzip > largestStrings.gzip) largestStrings = f;
  } else {
    add(f.stage, f);
  }
}
add('full', largestStrings);
add('both', totals.banner);
add('both', totals.full);
line('every page (loader + banner stage)', totals.banner);
line('on first open (full stage + strings)', totals.full);
line('both stages', totals.both);
const over = [];
for (const [what, got, budget, goal] of [
  ['every page', totals.banner.gzip, BUDGET_GZIP, GOAL_GZIP],
  ['both stages', totals.both.gzip, BOTH_STAGES_BUDGET_GZIP, BOTH_STAGES_GOAL_GZIP],
]) {
  const verdict = got <= budget ? 'within' : 'OVER';
  console.log(`budget: ${what} ${got} B gzip, ${verdict} the ${budget} B budget (goal ${goal} B)`);
  if (got > budget) over.push(`${what} is ${got - budget} B gzip over budget`);
}
if (process.argv.includes('--check') && over.length) {
  console.error(`[size] ${over.join('; ')}`);
  process.exit(1);
}
