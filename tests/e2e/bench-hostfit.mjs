// Prints what host fit's watch for late chrome costs the host page's main thread: on
// moodle.html (push mode, a banner up) the page mutates every frame for 240 frames (a class
// toggled on ~20 of its elements, the style of a fixed tooltip that follows the pointer), and
// Chromium's own counters give script, style and layout time with and without the widget
// (median of 5 runs each). A number to read, not a pass/fail threshold.
import { launchBrowser, startServer } from './harness.mjs';

const RUNS = 5, FRAMES = 240;
const server = await startServer({ name: 'bench-hostfit' });
const browser = await launchBrowser();
let noWidget = false;
await browser.context.route('**/widget/loader.js', (route) => (noWidget ? route.abort() : route.fallback()));

async function run(widget) {
  noWidget = !widget;
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.url + '/moodle.html');
  await page.waitForLoadState('load');
  if (widget) await page.locator('lms-support-widget').waitFor({ state: 'attached' });
  await page.waitForTimeout(500);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  await page.evaluate((frames) => new Promise((done) => {
    const tip = document.createElement('div');
    tip.className = 'tooltip';
    tip.textContent = 'tip';
    tip.setAttribute('style', 'position: fixed; top: 300px; left: 300px');
    document.body.append(tip);
    const items = [...document.querySelectorAll('.activity, .nav-link, .courseindex-link, .card')];
    let n = 0;
    (function frame() {
      items.forEach((el) => el.classList.toggle('hover', n % 2 === 0));
      tip.style.left = `${300 + (n % 50)}px`;
      if (++n < frames) requestAnimationFrame(frame); else done();
    })();
  }), FRAMES);
  const after = await metrics();
  await page.close();
  const ms = (name) => (after[name] - before[name]) * 1000;
  return { script: ms('ScriptDuration'), style: ms('RecalcStyleDuration'), layout: ms('LayoutDuration') };
}

const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
const results = { without: [], with: [] };
for (let i = 0; i < RUNS; i++) {
  results.without.push(await run(false));
  results.with.push(await run(true));
}
console.log(`host fit under a mutation storm (${FRAMES} frames, median of ${RUNS}), ms of main thread:`);
for (const key of ['script', 'style', 'layout']) {
  const a = median(results.without.map((r) => r[key])), b = median(results.with.map((r) => r[key]));
  console.log(`  ${key.padEnd(7)} without widget ${a.toFixed(1).padStart(7)}  with widget ${b.toFixed(1).padStart(7)}  (${b - a >= 0 ? '+' : ''}${(b - a).toFixed(1)}, ${((b - a) / FRAMES).toFixed(3)} per frame)`);
}
await browser.close();
await server.stop();
