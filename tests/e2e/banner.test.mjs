// End to end: the real server, the demo course page, headless Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { firstBannerMs, launchBrowser, outDir, startServer } from './harness.mjs';

let server, browser;
before(async () => {
  mkdirSync(outDir, { recursive: true });
  server = await startServer({ name: 'banner' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens a page and records anything that would show a host page breaking. */
async function open(path) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  await page.goto(server.url + path);
  return { page, problems };
}

test('the course page shows the banner, and a dismissal survives a reload', async () => {
  const { page, problems } = await open('/');
  const first = page.locator('lms-support-widget .lsw-item').first();
  await first.waitFor({ state: 'visible', timeout: 10_000 });
  const dismissedId = await first.getAttribute('data-id');
  const title = await first.locator('.lsw-title').textContent();
  assert.ok(title.length > 0, 'banner has a title');
  assert.equal(await page.locator('lms-support-widget .lsw-banner').getAttribute('role'), 'status',
    'the demo feed has no downtime under way, so the banner is polite');
  // The page is pushed down, not covered: the LMS navbar starts below the banner.
  const bannerBox = await page.locator('lms-support-widget').boundingBox();
  const navBox = await page.locator('header.navbar').boundingBox();
  assert.ok(navBox.y >= bannerBox.y + bannerBox.height - 1, 'banner overlaps the host navbar');
  await page.screenshot({ path: join(outDir, 'demo.png') });
  const ms = await firstBannerMs(page);
  assert.ok(ms !== null, 'performance marks for script start and banner paint are set');
  console.log(`# first banner painted ${ms.toFixed(0)} ms after the loader started`);

  await first.locator('.lsw-dismiss').click();
  await page.waitForFunction((id) =>
    !document.querySelector('lms-support-widget').shadowRoot.querySelector(`.lsw-item[data-id="${id}"]`), dismissedId);

  await page.reload();
  await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForLoadState('networkidle');
  const ids = await page.locator('lms-support-widget .lsw-item').evaluateAll((els) => els.map((e) => e.dataset.id));
  assert.ok(!ids.includes(dismissedId), `dismissed ${dismissedId} came back after reload: ${ids}`);
  assert.ok(ids.length > 0, 'the other items still show');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the Spanish course page gets the banner in Spanish', async () => {
  const { page, problems } = await open('/es.html');
  const heading = page.locator('lms-support-widget .lsw-item .lsw-heading').first();
  await heading.waitFor({ state: 'visible', timeout: 10_000 });
  const headings = ['Mantenimiento programado', 'Problema conocido', 'Mantenimiento cancelado'];
  assert.ok(headings.includes(await heading.textContent()), `heading not Spanish: ${await heading.textContent()}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the quiz page is quiet: advance notices and known issues stay out of the way', async () => {
  const { page, problems } = await open('/quiz.html');
  await page.waitForFunction(() => document.querySelector('lms-support-widget'));
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  assert.equal(await page.locator('lms-support-widget .lsw-item').count(), 0,
    'the demo feed has nothing imminent or in progress, so a quiz shows no banner');
  assert.deepEqual(problems, []);
  await page.close();
});
