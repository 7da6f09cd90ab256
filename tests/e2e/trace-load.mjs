// Prints what the host's main thread does while the widget loads: every task of 2 ms or more
// from the loader's first line to the banner painted, each with its largest parts (script by
// file and function, Wasm compilation, layout, paint, …), and our lms-support:* marks, from a
// Chrome trace of the demo page in headless Chromium. Where bench-first-banner says how long a
// step takes, this says what the main thread did meanwhile (e.g. a response in from the network
// but its promise resolved late: which task held the thread). Numbers, not a test.
//
//   node tests/e2e/trace-load.mjs        RUNS=2 cold loads (a fresh profile each)
//   WARM=1 …                             a second page in the same browser instead
//   PAGE=/bench.html …                   another page of www/ (default /)
//   FAQ=1000 …                           the demo feed with 1,000 FAQ entries (bench/gen-faq.mjs)
//   WIDGET=dir …                         another build (a copy of target/widget)
import { readFileSync, writeFileSync } from 'node:fs';
import { generateFaq } from '../../bench/gen-faq.mjs';
import { launchBrowser, startServer, widgetDir } from './harness.mjs';

const RUNS = Number(process.env.RUNS || 2);
const CATEGORIES = 'devtools.timeline,disabled-by-default-devtools.timeline,v8,v8.execute,blink.user_timing,loading,toplevel';

const server = await startServer({ name: 'trace-load', widget: process.env.WIDGET || widgetDir });
if (process.env.FAQ) {
  const feed = JSON.parse(readFileSync(server.feedPath, 'utf8'));
  feed.faq = generateFaq({ count: Number(process.env.FAQ), seed: 14, real: feed.faq });
  writeFileSync(server.feedPath, JSON.stringify(feed));
}
const ms = (us) => (us / 1000).toFixed(1);
try {
  for (let run = 0; run < RUNS; run++) {
    const browser = await launchBrowser();
    try {
      if (process.env.WARM) {
        const first = await browser.context.newPage();
        await first.goto(server.url + (process.env.PAGE || '/'));
        await first.waitForFunction(() => performance.getEntriesByName('lms-support:banner-painted').length > 0, null, { timeout: 10_000 });
        await first.waitForLoadState('networkidle');
        await first.close();
      }
      const page = await browser.context.newPage();
      const cdp = await browser.context.newCDPSession(page);
      const events = [];
      cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
      const complete = new Promise((resolve) => cdp.on('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
      await page.goto(server.url + (process.env.PAGE || '/'));
      await page.waitForFunction(() => performance.getEntriesByName('lms-support:banner-painted').length > 0, null, { timeout: 10_000 });
      await page.waitForTimeout(200);
      await cdp.send('Tracing.end');
      await complete;

      const marks = events.filter((e) => e.cat?.includes('blink.user_timing') && e.name.startsWith('lms-support:'));
      const start = marks.find((m) => m.name === 'lms-support:script-start');
      const painted = marks.find((m) => m.name === 'lms-support:banner-painted');
      if (!start || !painted) { console.log(`run ${run + 1}: no script-start or banner-painted mark in the trace`); continue; }
      const at = (e) => (e.ts - start.ts) / 1000;
      console.log(`\nrun ${run + 1} (${process.env.WARM ? 'warm' : 'cold'}), ms after script start: ` +
        marks.sort((a, b) => a.ts - b.ts).map((m) => `${m.name.slice(12)} ${at(m).toFixed(0)}`).join(', '));
      // The renderer's main thread is the one our marks are on; its outermost tasks.
      const main = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X');
      const isTask = (e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask';
      const within = (e, outer) => e !== outer && e.ts >= outer.ts && e.ts + e.dur <= outer.ts + outer.dur;
      const all = main.filter(isTask);
      const tasks = all.filter((t) => !all.some((outer) => within(t, outer))).sort((a, b) => a.ts - b.ts);
      console.log('  start    ms  largest parts (ms)');
      for (const task of tasks) {
        if (task.dur < 2000 || at(task) < -5 || at(task) > at(painted) + 5) continue;
        const parts = main.filter((e) => !isTask(e) && e.dur >= 1000 && within(e, task));
        const named = parts.sort((a, b) => b.dur - a.dur).slice(0, 4).map((e) => {
          const data = e.args?.data ?? {};
          const file = data.url ? `(${data.url.split('/').pop().split('?')[0].slice(0, 24)}${data.functionName ? ' ' + data.functionName : ''})` : '';
          return `${e.name}${file} ${ms(e.dur)}`;
        });
        console.log(`  ${at(task).toFixed(0).padStart(5)} ${ms(task.dur).padStart(5)}  ${named.join(' | ')}`);
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.stop();
}
