// Prints the Cumulative Layout Shift the widget adds to a course page, measured with a
// `layout-shift` PerformanceObserver in headless Chromium: cold (fresh profile: nothing cached)
// and warm (a new page in the same browser: HTTP cache, the cached feed and the banner's
// snapshot), push and overlay mode, on the demo course page and the Moodle Boost page, each in
// both embeddings side by side: `defer` (the tag in <head> with defer, or before </body>: the
// host may paint before the loader runs) and `head` (in <head> without async or defer, as the
// Moodle plugin embeds it: the snapshot is drawn before the host's first paint). Numbers, not
// a test. RUNS=3 by default.
//
// The two embeddings are copies of the pages with the loader's tag changed, served from a copy
// of www/. Overlay mode is set on the page's own script tag by an init script (no request
// routing: a route would turn the HTTP cache off, and the warm load would not be one).
// BEFORE=dir (a copy of target/widget made before a change) measures that build too, beside
// this one.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { embedAsOverlay, launchBrowser, outDir, root, startServer, widgetDir } from './harness.mjs';

const RUNS = Number(process.env.RUNS || 3);
const PAGES = ['index', 'moodle'];
const EMBEDDINGS = ['defer', 'head'];
const www = join(outDir, 'bench-cls-www');
rmSync(www, { recursive: true, force: true });
cpSync(join(root, 'www'), www, { recursive: true });
for (const name of PAGES) {
  const html = readFileSync(join(www, `${name}.html`), 'utf8');
  const tag = /<script src="\/widget\/loader\.js"( defer)? /;
  if (!tag.test(html)) throw new Error(`${name}.html: no loader tag in <head>`);
  for (const embedding of EMBEDDINGS) {
    writeFileSync(join(www, `${name}.${embedding}.html`),
      html.replace(tag, `<script src="/widget/loader.js"${embedding === 'defer' ? ' defer' : ''} `));
  }
}
const builds = [['after', widgetDir]];
if (process.env.BEFORE) builds.unshift(['before', process.env.BEFORE]);

/** Opens the page in a new tab and returns its CLS once the banner has shown and settled. */
async function cls(context, url, mode) {
  const page = await context.newPage();
  if (mode === 'overlay') await embedAsOverlay(page);
  await page.goto(url);
  // The widget's own banner (the snapshot the loader draws first is inert).
  await page.waitForFunction(() => [...document.querySelectorAll('lms-support-widget')]
    .some((host) => !host.inert && host.shadowRoot.querySelector('.lsw-item')), null, { timeout: 10_000 });
  await page.waitForTimeout(500);
  const total = await page.evaluate(() => new Promise((resolve) => {
    let sum = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) sum += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(sum), 50);
  }));
  await page.close();
  return total;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const servers = [];
try {
  for (const [build, dir] of builds) servers.push([build, await startServer({ name: `bench-cls-${build}`, widget: dir, www })]);
  for (const name of PAGES) {
    for (const mode of ['push', 'overlay']) {
      const line = [];
      for (const [build, server] of servers) {
        for (const embedding of EMBEDDINGS) {
          const cold = [], warm = [];
          for (let i = 0; i < RUNS; i++) {
            const browser = await launchBrowser();
            try {
              cold.push(await cls(browser.context, `${server.url}/${name}.${embedding}.html`, mode));
              warm.push(await cls(browser.context, `${server.url}/${name}.${embedding}.html`, mode));
            } finally {
              await browser.close();
            }
          }
          // How often the loader ran before the host's first rendering: then the warm load shifts nothing.
          const zero = warm.filter((v) => v === 0).length;
          line.push(`${builds.length > 1 ? build + ' ' : ''}${embedding}: cold ${median(cold).toFixed(3)}, warm ${median(warm).toFixed(3)} (0 in ${zero}/${RUNS})`);
        }
      }
      console.log(`CLS ${name}.html ${mode.padEnd(7)} ${line.join(' | ')}`);
    }
  }
  console.log(`(median of ${RUNS}; goal warm 0, "good" < 0.1)`);
} finally {
  for (const [, server] of servers) await server.stop();
}
