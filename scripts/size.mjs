// Prints what learners download, per file and per stage (raw, gzip, brotli), from
// target/widget/manifest.json, and with --check fails when over budget.
//
// Every page downloads the loader and the banner stage (its Wasm holds the CSS too); a learner
// who opens help downloads the full stage too, and, in a language other than English, its
// strings (counted here as the largest list). Budgets and goals: scripts/budget.mjs.
import { readFileSync } from 'node:fs';
import { recordGoals } from './bench-goals.mjs';
import { BUDGET, GOAL, stageTotals } from './budget.mjs';

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
const got = stageTotals(manifest.files);
for (const [what, key] of [['every page', 'everyPage'], ['both stages', 'bothStages']]) {
  const [gzip, budget, goal] = [got[key], BUDGET[key], GOAL[key]];
  const verdict = gzip <= budget ? 'within' : 'OVER';
  console.log(`budget: ${what} ${gzip} B gzip, ${verdict} the ${budget} B budget (goal ${goal} B)`);
  if (gzip > budget) over.push(`${what} is ${gzip - budget} B gzip over budget`);
}
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
recordGoals('size', [
  { figure: 'every page, gzip (loader + banner stage)', filed: '77.5 KB', now: kB(got.everyPage), goal: `≤ ${kB(GOAL.everyPage)}`, met: got.everyPage <= GOAL.everyPage },
  { figure: 'opening help, gzip (both stages)', filed: '262 KB', now: kB(got.bothStages), goal: `≤ ${kB(GOAL.bothStages)}`, met: got.bothStages <= GOAL.bothStages },
]);
if (process.argv.includes('--check') && over.length) {
  console.error(`[size] ${over.join('; ')}`);
  process.exit(1);
}
