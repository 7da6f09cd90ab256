// `make bench`: FAQ search, our Wasm (target/bench-pkg, cargo feature `bench`) vs MiniSearch,
// side by side in one headless Chromium page. Prints a table; a benchmark, not a test: it
// asserts nothing about timing and exits 0 whenever it could measure.
//
//   corpus    10,000 FAQ entries, then 5,000 (bench/gen-faq.mjs, fixed seed) with the
//             hand-written tests/fixtures/faq.json entries embedded among them; ours is built
//             through the bench exports (src/web/bench.rs) without a real feed's JSON limits
//             (4 MiB, 10,000 entries per list), which a 10,000-entry corpus is over
//   build     feed parse + one index per locale (en, es), median of BUILD_REPS
//   keystroke every prefix of bench/keystroke-queries.mjs as typed; each timed on its own with
//             performance.now(), WARMUP passes, then PASSES timed passes; per keystroke the
//             median over passes; median and p95 over keystrokes
//   relevance top-3 hit rate on tests/fixtures/search-queries.json
//
// Env: PASSES (default 5), WARMUP (1), BUILD_REPS (5), SIZES (10000,5000: the full report is
// the first size's, then one line per size), VERBOSE=1 lists every miss.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { recordGoals } from '../scripts/bench-goals.mjs';
import { launchBrowser } from '../tests/e2e/harness.mjs';
import { generateFaq } from './gen-faq.mjs';
import { BASE_QUERIES, keystrokes } from './keystroke-queries.mjs';

const root = new URL('..', import.meta.url).pathname;
const PASSES = Number(process.env.PASSES || 5);
const WARMUP = Number(process.env.WARMUP || 1);
const BUILD_REPS = Number(process.env.BUILD_REPS || 5);
const SIZES = (process.env.SIZES || '10000,5000').split(',').map(Number);
const log = (...a) => console.error('[bench]', ...a);

const realFaq = JSON.parse(readFileSync(join(root, 'tests/fixtures/faq.json'), 'utf8')).faq;
const labelled = JSON.parse(readFileSync(join(root, 'tests/fixtures/search-queries.json'), 'utf8'));
const corpora = Object.fromEntries(SIZES.map((count) => [count, JSON.stringify({ version: 1, faq: generateFaq({ count, real: realFaq }) })]));
const typed = keystrokes();
const miniVersion = JSON.parse(readFileSync(join(root, 'node_modules/minisearch/package.json'), 'utf8')).version;

// Static files from the repo root (only the folders the page needs), cross-origin isolated so
// that performance.now() has its fine (5 µs) resolution instead of the coarse 100 µs.
const SERVED = ['bench/', 'target/bench-pkg/', 'node_modules/minisearch/'];
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer(async (req, res) => {
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1);
  if (path === 'favicon.ico') {
    res.writeHead(204, headers);
    return res.end();
  }
  const corpus = path.match(/^corpus-(\d+)\.json$/);
  if (corpus && corpora[corpus[1]]) {
    res.writeHead(200, { ...headers, 'Content-Type': MIME['.json'] });
    return res.end(corpora[corpus[1]]);
  }
  const rel = normalize(path);
  if (rel.split(sep).includes('..') || !SERVED.some((dir) => rel.startsWith(dir))) {
    res.writeHead(404, headers);
    return res.end('not found');
  }
  try {
    const body = await readFile(join(root, rel));
    res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(rel)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404, headers);
    res.end('not found');
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;

const started = Date.now();
const browser = await launchBrowser();
const runs = [];
try {
  for (const count of SIZES) {
    // A fresh page per size: one corpus's heap does not slow the next one's timing.
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => log('page error:', e.message));
    page.on('console', (m) => { if (m.type() === 'error') log('console:', m.text()); });
    await page.goto(`${url}/bench/search.html`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });
    const env = await page.evaluate((u) => window.bench.load(u), `${url}/corpus-${count}.json`);
    log(`${count} entries: page ready (${env.userAgent.match(/Chrome\/\S+/)?.[0]}, crossOriginIsolated=${env.crossOriginIsolated}); building indexes ×${BUILD_REPS}`);
    const build = await page.evaluate((reps) => window.bench.build(reps), BUILD_REPS);
    log(`timing ${typed.length} keystroke queries: ${WARMUP} warm-up + ${PASSES} timed passes`);
    const keys = await page.evaluate(([list, passes, warmup]) => window.bench.keystrokes(list, passes, warmup), [typed, PASSES, WARMUP]);
    log('relevance');
    const rel = await page.evaluate((list) => window.bench.hitRate(list), labelled);
    const alone = runs.length ? runs[0].alone
      : await page.evaluate(([list, feed]) => window.bench.hitRate(list, feed), [labelled, JSON.stringify({ version: 1, faq: realFaq })]);
    runs.push({ env, build, keys, rel, alone });
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}

// ---- report ---------------------------------------------------------------------------------
const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const { env, build, keys, rel, alone } = runs[0];
const row = (cells, widths) => cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
const W = [44, 16, 16, 10];
const lines = [];
lines.push(`FAQ search: lms-support Wasm vs MiniSearch ${miniVersion}, one headless Chromium page (${env.userAgent.match(/Chrome\/[\d.]+/)?.[0]}, crossOriginIsolated=${env.crossOriginIsolated})`);
const wasmBytes = statSync(join(root, 'target/bench-pkg/lms_support_widget_bg.wasm')).size;
lines.push(`corpus: ${build.entries} entries (${realFaq.length} hand-written + ${build.entries - realFaq.length} generated), en + es, ${(env.corpusBytes / 1e6).toFixed(1)} MB JSON`);
lines.push(`ours: target/bench-pkg, release (opt-level "z", LTO) + wasm-opt -Oz as in the Makefile, like the shipped widget (${(wasmBytes / 1024).toFixed(0)} KiB Wasm incl. the bench exports)`);
lines.push(`MiniSearch: fields question/tags/category/answer, boost 3/2/1.5/1, processTerm lowercase + NFD + strip \\p{M}, prefix: true, fuzzy: 0.2, one index per locale`);
lines.push('');
lines.push(row(['', 'ours (Wasm)', 'MiniSearch', 'Mini/ours'], W));
const ratio = (m, o) => `${(m / o).toFixed(2)}×`;
const b = build;
lines.push(row([`feed parse (JSON → entries), median of ${b.reps}`, `${ms(b.ours.parse)} ms`, `${ms(b.mini.parse)} ms`, ratio(b.mini.parse, b.ours.parse)], W));
for (const l of ['en', 'es']) lines.push(row([`index build, ${l}`, `${ms(b.ours[l])} ms`, `${ms(b.mini[l])} ms`, ratio(b.mini[l], b.ours[l])], W));
lines.push(row(['index build, en + es', `${ms(b.ours.en + b.ours.es)} ms`, `${ms(b.mini.en + b.mini.es)} ms`, ratio(b.mini.en + b.mini.es, b.ours.en + b.ours.es)], W));
lines.push(row([`per keystroke (${keys.keystrokes} queries, limit 8): median`, `${ms(keys.ours.median)} ms`, `${ms(keys.mini.median)} ms`, ratio(keys.mini.median, keys.ours.median)], W));
lines.push(row(['per keystroke: p95', `${ms(keys.ours.p95)} ms`, `${ms(keys.mini.p95)} ms`, ratio(keys.mini.p95, keys.ours.p95)], W));
lines.push(row(['per keystroke: mean', `${ms(keys.ours.mean)} ms`, `${ms(keys.mini.mean)} ms`, ratio(keys.mini.mean, keys.ours.mean)], W));
lines.push(row(['per keystroke: max', `${ms(keys.ours.max)} ms`, `${ms(keys.mini.max)} ms`, ratio(keys.mini.max, keys.ours.max)], W));
lines.push(row([`top-3 hit rate (${rel.ours.total} labelled queries)`, `${pct(rel.ours.rate)} (${rel.ours.hits})`, `${pct(rel.mini.rate)} (${rel.mini.hits})`, ''], W));
lines.push(row([`  same, hand-written FAQ alone (${realFaq.length} entries)`, `${pct(alone.ours.rate)} (${alone.ours.hits})`, `${pct(alone.mini.rate)} (${alone.mini.hits})`, ''], W));
lines.push('');
lines.push(`ours, pure Rust (timed inside Wasm, no boundary crossing): median ${ms(keys.rust.median)} ms, p95 ${ms(keys.rust.p95)} ms, mean ${ms(keys.rust.mean)} ms`);
lines.push(`ratio of medians, MiniSearch / ours: ${ratio(keys.mini.median, keys.ours.median)} (from JS), ${ratio(keys.mini.median, keys.rust.median)} (pure Rust)`);
const slow = (k) => keys[k].slowest.map(([t, q, l]) => `${JSON.stringify(q)} ${l} ${ms(t)} ms`).join(', ');
lines.push(`slowest keystrokes, ours: ${slow('ours')}`);
lines.push(`slowest keystrokes, MiniSearch: ${slow('mini')}`);
const goals = [
  // Issue 14's: relevance and speed no worse than when it was filed (96 %, 25× at 10,000 entries).
  [`issue 14 at ${build.entries} entries: per keystroke ≥ 25× MiniSearch (median, ${ratio(keys.mini.median, keys.ours.median)})`, keys.mini.median / keys.ours.median >= 25],
  [`issue 14: top-3 hit rate ≥ 96 % as rounded when filed (${pct(rel.ours.rate)})`, rel.ours.rate >= 0.955],
  [`our median ≥ 2× faster than MiniSearch`, keys.mini.median / keys.ours.median >= 2],
  [`our hit rate ≥ MiniSearch's`, rel.ours.rate >= rel.mini.rate],
  [`our hit rate ≥ 95 %`, rel.ours.rate >= 0.95],
];
lines.push(`goals: ${goals.map(([g, ok]) => `${g}: ${ok ? 'met' : 'MISSED'}`).join('; ')}`);
recordGoals('search', [
  { figure: `search, per keystroke vs MiniSearch (median, ${build.entries} entries)`, filed: '≥ 25×', now: ratio(keys.mini.median, keys.ours.median), goal: '≥ 25×', met: goals[0][1] },
  { figure: `search, top-3 hit rate (${build.entries} entries)`, filed: '96 %', now: pct(rel.ours.rate), goal: '≥ 96 %', met: goals[1][1] },
]);
const verbose = process.env.VERBOSE === '1';
for (const name of ['ours', 'mini']) {
  const r = rel[name];
  const label = name === 'ours' ? 'ours' : 'MiniSearch';
  if (!r.misses.length) { lines.push(`${label}: no misses`); continue; }
  const shown = verbose ? r.misses : r.misses.slice(0, 12);
  lines.push(`${label} misses (${r.misses.length}), query → expected [rank] / got top 3:`);
  for (const m of shown) lines.push(`  ${m.locale} ${JSON.stringify(m.q)} → ${m.expect} [${m.rank ?? 'not found'}] / ${m.top.join(', ') || '(nothing)'}`);
  if (shown.length < r.misses.length) lines.push(`  … ${r.misses.length - shown.length} more (VERBOSE=1 lists all)`);
}
for (const name of ['ours', 'mini']) {
  const m = alone[name].misses;
  if (m.length) lines.push(`${name === 'ours' ? 'ours' : 'MiniSearch'} misses on the hand-written FAQ alone: ${m.map((x) => `${x.locale} ${JSON.stringify(x.q)} → ${x.expect} [${x.rank ?? 'not found'}]`).join('; ')}`);
}
if (runs.length > 1) {
  lines.push('');
  lines.push('by corpus size: top-3 hit rate ours / MiniSearch; per keystroke MiniSearch / ours (from JS), median · mean · p95; ours median, pure Rust');
  for (const r of runs) {
    const k = r.keys;
    lines.push(`  ${String(r.build.entries).padStart(6)} entries: ${pct(r.rel.ours.rate)} / ${pct(r.rel.mini.rate)}; ${ratio(k.mini.median, k.ours.median)} · ${ratio(k.mini.mean, k.ours.mean)} · ${ratio(k.mini.p95, k.ours.p95)}; ${ms(k.rust.median)} ms (${ratio(k.mini.median, k.rust.median)} pure Rust)`);
  }
}
lines.push(`(${BASE_QUERIES.length} base queries typed key by key; ${keys.passes} timed passes after ${keys.warmup} warm-up; keystroke timing ${keys.seconds.toFixed(0)} s, whole run ${((Date.now() - started) / 1000).toFixed(0)} s)`);
console.log(lines.join('\n'));
