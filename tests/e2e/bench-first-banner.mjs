// Prints the time from the loader's first line to the first banner paint on the demo page,
// measured with performance marks in headless Chromium, and where it goes: the median time of
// each step (the loader's and the widget's lms-support:* marks, the host page's first
// contentful paint, the feed's request) after script start. Cold: a fresh profile, nothing
// cached. Warm: a new page in the same browser (HTTP cache and the cached feed), as when a
// learner moves to another course page. Numbers, not a test.
//
// BEFORE=dir (a copy of target/widget made before a change) runs that build too, each run
// beside this one, and prints both columns, so a change is judged on one machine in one run.
//
// "Banner painted" is timed by this script the same way for every build, whatever its own
// mark does: from the first lms-support:snapshot-drawn or lms-support:banner-drawn mark (the
// banner's nodes are in the page), the first task after the next animation frame (whose
// rendering, paint included, runs in the same task as its callbacks). The widget's own
// lms-support:banner-painted mark is timed alike since issue 14's time work; builds before it
// marked a frame later (a second animation frame), shown as its own row.
import { launchBrowser, startServer, widgetDir } from './harness.mjs';

const RUNS = Number(process.env.RUNS || 15);
const GOAL = { warm: 50, cold: 150 }; // issue 14: script start → banner painted, medians
const builds = [['after', widgetDir]];
if (process.env.BEFORE) builds.unshift(['before', process.env.BEFORE]);

// The steps in the order they happen on a warm load; a build without a mark leaves it blank.
const STEPS = [
  ['snapshot-drawn', 'banner snapshot drawn by the loader'],
  ['fit-layout', 'host fit: page layout read (forced)'],
  ['snapshot-fitted', 'host fit measured for the snapshot'],
  ['banner-wasm-answered', 'Wasm response (headers) in hand'],
  ['banner-js-imported', 'JS glue imported'],
  ['body-ready', 'document body ready'],
  ['banner-instantiated', 'Wasm instantiated'],
  ['mount-start', 'Widget::mount entered'],
  ['base-built', 'shadow root, Intl formatters built'],
  ['cache-read', 'cached feed read by the widget'],
  ['cache-parsed', 'cached feed parsed'],
  ['banner-drawn', 'banner drawn (DOM)'],
  ['mounted', 'mount returned'],
  ['host-fitted', 'host fit measured'],
  ['feed-requested', 'feed request sent'],
  ['feed-answered', 'feed answered'],
  ['banner-frame', 'first frame with the banner'],
  ['banner-painted', 'banner painted (the build\'s own mark)'],
  ['bench-painted-2raf', 'second frame after the banner drawn'],
  ['bench-painted', 'banner painted (first task after its frame)'],
];

/** Marks bench-painted and bench-painted-2raf once the banner is first drawn (see above). */
function timePaint() {
  const mark = Performance.prototype.mark;
  let seen = false;
  Performance.prototype.mark = function (name, ...rest) {
    const entry = mark.call(this, name, ...rest);
    if (!seen && (name === 'lms-support:snapshot-drawn' || name === 'lms-support:banner-drawn')) {
      seen = true;
      requestAnimationFrame(() => {
        setTimeout(() => mark.call(performance, 'lms-support:bench-painted'), 0);
        requestAnimationFrame(() => mark.call(performance, 'lms-support:bench-painted-2raf'));
      });
    }
    return entry;
  };
}

/** Every lms-support:* mark and the host's first contentful paint, in ms after script start. */
function marks(page) {
  return page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
    const start = at('lms-support:script-start');
    const out = {};
    for (const entry of performance.getEntriesByType('mark')) {
      if (entry.name.startsWith('lms-support:') && !(entry.name.slice(12) in out)) {
        out[entry.name.slice(12)] = entry.startTime - start;
      }
    }
    const fcp = at('first-contentful-paint');
    if (fcp !== undefined) out['host-fcp'] = fcp - start;
    return out;
  });
}

async function load(page, url) {
  await page.addInitScript(timePaint);
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('lms-support:banner-painted').length > 0
    && performance.getEntriesByName('lms-support:bench-painted-2raf').length > 0);
  // The network feed may answer after the paint; its mark is part of the table.
  await page.waitForFunction(() => performance.getEntriesByName('lms-support:feed-answered').length > 0,
    null, { timeout: 5000 }).catch(() => {});
  return marks(page);
}

const servers = [];
const samples = {}; // samples[build][kind] = [marks per run]
try {
  for (const [build, dir] of builds) {
    servers.push([build, await startServer({ name: `bench-${build}`, widget: dir })]);
    samples[build] = { cold: [], warm: [] };
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [build, server] of servers) {
      const browser = await launchBrowser();
      try {
        const page = await browser.context.newPage();
        samples[build].cold.push(await load(page, server.url + '/'));
        const next = await browser.context.newPage();
        samples[build].warm.push(await load(next, server.url + '/'));
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  for (const [, server] of servers) await server.stop();
}

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
};
const fmt = (x) => (x === undefined ? '' : x.toFixed(1)).padStart(8);
const columns = [];
for (const kind of ['warm', 'cold']) for (const [build] of builds) columns.push([build, kind]);
const header = columns.map(([b, k]) => `${k}${builds.length > 1 ? ' ' + b : ''}`.padStart(Math.max(8, 0)));
console.log(`first banner: median ms after lms-support:script-start (${RUNS} runs each)`);
console.log(`${'step'.padEnd(42)}${header.map((h) => h.padStart(13)).join('')}`);
for (const [step, label] of [['host-fcp', 'host page first contentful paint'], ...STEPS]) {
  const cells = columns.map(([b, k]) => fmt(median(samples[b][k].map((m) => m[step]))).padStart(13));
  if (cells.every((c) => !c.trim())) continue;
  console.log(`${(label + ' ').padEnd(42)}${cells.join('')}`);
}
for (const [build] of builds) {
  for (const kind of ['warm', 'cold']) {
    const painted = samples[build][kind].map((m) => m['bench-painted']).filter((x) => x !== undefined);
    const s = [...painted].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    console.log(`first banner, ${kind} load${builds.length > 1 ? ` (${build})` : ''}: median ${q(0.5).toFixed(1)} ms `
      + `(goal ≤ ${GOAL[kind]} ms), p95 ${q(0.95).toFixed(1)} ms, min ${s[0].toFixed(1)} ms (n=${s.length})`);
  }
}
