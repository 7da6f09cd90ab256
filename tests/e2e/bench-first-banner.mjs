// Prints the time from the loader's first line to the first banner paint on the demo page,
// measured with performance marks in headless Chromium: cold (fresh profile: nothing cached)
// and warm (same profile reloaded: HTTP cache and the cached feed). Numbers, not a test.
import { firstBannerMs, launchBrowser, startServer } from './harness.mjs';

const RUNS = Number(process.env.RUNS || 15);
const server = await startServer({ name: 'bench' });
const cold = [], warm = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const browser = await launchBrowser();
    const page = await browser.context.newPage();
    await page.goto(server.url + '/');
    await page.waitForFunction(() => performance.getEntriesByName('lms-support:banner-painted').length > 0);
    cold.push(await firstBannerMs(page));
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('lms-support:banner-painted').length > 0);
    warm.push(await firstBannerMs(page));
    await browser.close();
  }
} finally {
  await server.stop();
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, min ${s[0].toFixed(1)} ms (n=${s.length})`;
};
console.log(`first banner, cold load: ${stats(cold)}`);
console.log(`first banner, warm load: ${stats(warm)}`);
