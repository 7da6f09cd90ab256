// Issue 14's goals beside this run's figures, in one table at the end of `make bench`.
// The benches that measure them record their rows with `recordGoals` (a JSON file each under
// target/bench-goals/); this script, run last, prints them together and names any bench that
// did not record this run (`--reset`, run first, empties the folder so stale rows never show).
//
//   node scripts/bench-goals.mjs [--reset]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = new URL('../target/bench-goals/', import.meta.url).pathname;

// In the order `make bench` runs them.
const BENCHES = [
  ['size', 'scripts/size.mjs'],
  ['first-banner', 'tests/e2e/bench-first-banner.mjs'],
  ['long-tasks', 'tests/e2e/bench-long-tasks.mjs'],
  ['search', 'bench/search.mjs'],
];

/** Records a bench's rows: `{ figure, filed, now, goal, met }`, the texts as printed (`filed`:
 *  the figure when issue 14 was filed, or '' when it gave none). */
export function recordGoals(bench, rows) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${bench}.json`), JSON.stringify(rows));
}

function print() {
  const rows = [];
  const missing = [];
  for (const [bench, script] of BENCHES) {
    try {
      rows.push(...JSON.parse(readFileSync(join(dir, `${bench}.json`), 'utf8')));
    } catch {
      missing.push(`${script} (did not record this run)`);
    }
  }
  const head = ['issue 14', 'when filed', 'this run', 'goal', ''];
  const cells = rows.map((r) => [r.figure, r.filed || '–', r.now, r.goal, r.met ? 'met' : 'MISSED']);
  const widths = head.map((_, i) => Math.max(head[i].length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('   ');
  console.log(`\n${line(head)}`);
  for (const c of cells) console.log(line(c));
  const met = rows.filter((r) => r.met).length;
  console.log(`${met} of ${rows.length} goals met${missing.length ? `; missing: ${missing.join(', ')}` : ''}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--reset')) rmSync(dir, { recursive: true, force: true });
  else print();
}
