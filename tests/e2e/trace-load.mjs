// Prints what the host's main thread does while the widget loads (or, OPEN=1, while help opens):
// every task of 2 ms or more from the loader's first line to the banner painted, each with its largest parts (script by
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
//   OPEN=1 …                             on a warm page once its banner is painted: from
//                                        LmsSupport.open('help') (mark OPEN) to the first
//                                        results (RESULTS) of a query typed as the panel
//                                        shows (SHOWN), the full stage's takeover in between
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
      const opening = Boolean(process.env.OPEN);
      if (process.env.WARM || opening) {
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
      const painted = () => page.waitForFunction(() => performance.getEntriesByName('lms-support:banner-painted').length > 0, null, { timeout: 10_000 });
      if (opening) {
        await page.goto(server.url + (process.env.PAGE || '/'));
        await painted();
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
      }
      await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
      if (opening) {
        await page.evaluate(() => new Promise((resolve) => {
          const root = () => document.querySelector('lms-support-widget')?.shadowRoot;
          let shown = false;
          const look = () => {
            const input = root()?.querySelector('.lsw-panel:not([hidden]) #lsw-q');
            if (!shown && input) {
              shown = true;
              performance.mark('lms-support:SHOWN');
              input.value = 'how do i submit my assignment late';
              input.dispatchEvent(new Event('input'));
            }
            if (shown && root().querySelector('.lsw-results .lsw-faq')) {
              performance.mark('lms-support:RESULTS');
              resolve();
            } else requestAnimationFrame(look);
          };
          performance.mark('lms-support:OPEN');
          window.LmsSupport.open('help');
          requestAnimationFrame(look);
        }));
      } else {
        await page.goto(server.url + (process.env.PAGE || '/'));
        await painted();
      }
      await page.waitForTimeout(200);
      await cdp.send('Tracing.end');
      await complete;

      const marks = events.filter((e) => e.cat?.includes('blink.user_timing') && e.name.startsWith('lms-support:'));
      const [from, to] = opening ? ['OPEN', 'RESULTS'] : ['script-start', 'banner-painted'];
      const start = marks.find((m) => m.name === `lms-support:${from}`);
      const end = marks.find((m) => m.name === `lms-support:${to}`);
      if (!start || !end) { console.log(`run ${run + 1}: no ${from} or ${to} mark in the trace`); continue; }
      const at = (e) => (e.ts - start.ts) / 1000;
      const kind = opening ? 'opening help' : process.env.WARM ? 'warm' : 'cold';
      console.log(`\nrun ${run + 1} (${kind}), ms after ${from}: ` +
        marks.sort((a, b) => a.ts - b.ts).map((m) => `${m.name.slice(12)} ${at(m).toFixed(0)}`).join(', '));
      // The renderer's main thread is the one our marks are on; its outermost tasks.
      const main = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X');
      const isTask = (e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask';
      const within = (e, outer) => e !== outer && e.ts >= outer.ts && e.ts + e.dur <= outer.ts + outer.dur;
      const all = main.filter(isTask);
      const tasks = all.filter((t) => !all.some((outer) => within(t, outer))).sort((a, b) => a.ts - b.ts);
      console.log('  start    ms  largest parts (ms)');
      for (const task of tasks) {
        if (task.dur < 2000 || at(task) < -5 || at(task) > at(end) + 5) continue;
        const parts = main.filter((e) => !isTask(e) && e.dur >= 1000 && within(e, task));
        const named = parts.sort((a, b) => b.dur - a.dur).slice(0, 4).map((e) => {
          const data = e.args?.data ?? {};
          const file = data.url ? `(${data.url.split('/').pop().split('?')[0].slice(0, 24)}${data.functionName ? ' ' + data.functionName : ''})` : '';
          return `${e.name}${file} ${ms(e.dur)}`;
        });
        const inside = marks.filter((m) => m.ts >= task.ts && m.ts <= task.ts + task.dur).map((m) => m.name.slice(12));
        console.log(`  ${at(task).toFixed(0).padStart(5)} ${ms(task.dur).padStart(5)}  ${named.join(' | ')}${inside.length ? `  [${inside.join(', ')}]` : ''}`);
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.stop();
}
