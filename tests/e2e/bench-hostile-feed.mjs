// Prints how long hostile feeds block the page's main thread: the demo feed with a 50,000-key
// object added, and with a 20 MB title, loaded on the demo course page in headless Chromium.
// Long tasks (> 50 ms) are observed from the first script on, for a few seconds after load.
// Numbers, not a test: the widget must refuse both feeds quickly and keep the last good copy.
import { readFileSync, writeFileSync } from 'node:fs';
import { launchBrowser, startServer } from './harness.mjs';

const RUNS = Number(process.env.RUNS || 3);
const SETTLE_MS = 4_000;

const hostile = {
  'object with 50,000 keys': (feed) => {
    feed.client.extra = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
  },
  '20 MB title': (feed) => {
    feed.notices = [...(feed.notices || []), {
      id: 'huge', kind: 'known_issue', status: 'investigating', since: '2026-01-01T00:00:00Z',
      title: { en: 'x'.repeat(20 * 1024 * 1024) },
    }];
  },
};

const server = await startServer({ name: 'bench-hostile' });
const good = readFileSync(server.feedPath, 'utf8');
try {
  for (const [name, spoil] of Object.entries(hostile)) {
    const feed = JSON.parse(good);
    spoil(feed);
    writeFileSync(server.feedPath, JSON.stringify(feed));
    const longest = [], total = [];
    for (let i = 0; i < RUNS; i++) {
      const browser = await launchBrowser();
      const page = await browser.context.newPage();
      await page.addInitScript(() => {
        window.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
        }).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(server.url + '/', { waitUntil: 'load' });
      await page.waitForTimeout(SETTLE_MS);
      const tasks = await page.evaluate(() => window.__longTasks);
      longest.push(Math.max(0, ...tasks));
      total.push(tasks.reduce((a, b) => a + b, 0));
      await browser.close();
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`hostile feed (${name}): longest main-thread task median ${median(longest).toFixed(0)} ms, ` +
      `long tasks in all median ${median(total).toFixed(0)} ms (n=${RUNS}, first ${SETTLE_MS / 1000} s after load)`);
  }
} finally {
  writeFileSync(server.feedPath, good);
  await server.stop();
}
