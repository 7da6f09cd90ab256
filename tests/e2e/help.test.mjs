// End to end: the help panel on the demo course page, used with the keyboard only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer({ name: 'help' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Presses Tab until the focused element (looking into our shadow root) matches `selector`. */
async function tabTo(page, selector, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate((sel) => {
      const host = document.querySelector('lms-support-widget');
      const active = host && host.shadowRoot.activeElement;
      return !!active && active.matches(sel);
    }, selector);
    if (hit) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

for (const [path, query, expectedId, answerWords] of [
  ['/es.html', 'contrasñea', 'reset-password', 'contraseña'],
  ['/', 'catpions', 'video-captions', 'caption'],
]) {
  test(`keyboard only on ${path}: open help, type "${query}", read the answer`, async () => {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url + path);
    await page.locator('lms-support-widget .lsw-launcher').waitFor({ state: 'visible' });
    await page.waitForLoadState('networkidle');

    await tabTo(page, '.lsw-launcher');
    await page.keyboard.press('Enter');
    const dialog = page.locator('lms-support-widget [role="dialog"]');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.querySelector('lms-support-widget').shadowRoot.activeElement.id), 'lsw-q',
      'focus moves to the search box');

    await page.keyboard.type(query, { delay: 30 });
    const top = page.locator('lms-support-widget .lsw-results .lsw-faq').first();
    await top.waitFor({ state: 'visible' });
    const feed = JSON.parse(await (await fetch(server.url + '/v1/feed')).text());
    const index = feed.faq.findIndex((e) => e.id === expectedId);
    assert.equal(await top.getAttribute('data-faq'), String(index), `the top result for "${query}" is ${expectedId}`);
    const answer = top.locator('.lsw-answer');
    assert.ok(await answer.isVisible(), 'the top answer is expanded');
    assert.match((await answer.textContent()).toLowerCase(), new RegExp(answerWords));

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.querySelector('lms-support-widget').shadowRoot.activeElement?.className),
      'lsw-launcher', 'focus returns to the launcher');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
