// Prints the Cumulative Layout Shift the widget adds to a course page, measured with a
// `layout-shift` PerformanceObserver in headless Chromium: cold (fresh profile: nothing cached)
// and warm (reloaded: HTTP cache and the cached feed), push and overlay mode, on the demo course
// page and the Moodle Boost page. Numbers, not a test. RUNS=3 by default.
import { launchBrowser, startServer } from './harness.mjs';

const RUNS = Number(process.env.RUNS || 3);
const PAGES = ['/', '/moodle.html'];
const server = await startServer({ name: 'bench-cls' });

/** Loads (or reloads) and returns the page's CLS once the banner has shown and settled. */
async function cls(page, load) {
  await load();
  await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForTimeout(500);
  return page.evaluate(() => new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(total), 50);
  }));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const path of PAGES) {
    for (const mode of ['push', 'overlay']) {
      const cold = [], warm = [];
      for (let i = 0; i < RUNS; i++) {
        const browser = await launchBrowser();
        await browser.context.route((url) => url.pathname.endsWith('.html') || url.pathname === '/', async (route) => {
          const response = await route.fetch();
          let body = await response.text();
          if (mode === 'overlay') body = body.replace(' data-feed=', ' data-position="overlay" data-feed=');
          await route.fulfill({ response, body });
        });
        const page = await browser.context.newPage();
        cold.push(await cls(page, () => page.goto(server.url + path)));
        warm.push(await cls(page, () => page.reload()));
        await browser.close();
      }
      console.log(`CLS ${path} ${mode}: cold ${median(cold).toFixed(3)}, warm ${median(warm).toFixed(3)} (median of ${RUNS})`);
    }
  }
} finally {
  await server.stop();
}
