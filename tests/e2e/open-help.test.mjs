// End to end: opening help with a feed of 1,000 FAQ entries (bench/gen-faq.mjs). The full stage
// takes over from the banner stage in steps (src/web/widget.rs, take_over_later): the panel
// opens with focus in the search box at once, while the feed's FAQ is read and indexed in tasks
// of their own; a query typed meanwhile waits (the results busy) and is searched once it is
// indexed; the banner stage's banner stays until the full stage has drawn its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { launchBrowser, startServer } from './harness.mjs';
import { generateFaq } from '../../bench/gen-faq.mjs';

const QUERY = 'catpions';
let server, browser;
before(async () => {
  server = await startServer({ name: 'open-help' });
  const feed = JSON.parse(readFileSync(server.feedPath, 'utf8'));
  feed.faq = generateFaq({ count: 1000, seed: 14, real: feed.faq });
  writeFileSync(server.feedPath, JSON.stringify(feed));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page with the widget loaded (the full stage not yet), the errors it logs collected. */
async function loadedPage() {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '/');
  await page.locator('lms-support-widget .lsw-launcher').waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  return { page, errors };
}

/** Opens help; in the task that shows the panel (the `open` event's), records where focus is
 *  and whether the topics are marked busy, and with `query` types it there, then records each
 *  state of the results until they are shown (window.__seen). */
function openAndType(page, query) {
  return page.evaluate((query) => new Promise((resolve) => {
    window.__seen = [];
    window.LmsSupport.on('open', () => queueMicrotask(() => {
      const root = document.querySelector('lms-support-widget').shadowRoot;
      const input = root.querySelector('#lsw-q');
      const results = root.querySelector('.lsw-results');
      const state = () => (results.querySelector('.lsw-empty') ? 'no results'
        : results.querySelector('.lsw-faq') ? 'results'
          : results.getAttribute('aria-busy') === 'true' ? 'busy' : 'nothing');
      const atOpen = {
        focus: root.activeElement === input,
        topicsBusy: root.querySelector('.lsw-browse').getAttribute('aria-busy'),
        topics: root.querySelectorAll('.lsw-browse .lsw-topic').length,
      };
      if (query) {
        input.value = query;
        input.dispatchEvent(new Event('input'));
        window.__seen.push(state());
        new MutationObserver(() => {
          if (window.__seen.at(-1) !== state()) window.__seen.push(state());
        }).observe(results, { childList: true, subtree: true, attributes: true });
      }
      resolve(atOpen);
    }));
    window.LmsSupport.open('help');
  }), query);
}

test('with 1,000 FAQ entries, help opens with focus in the search box while the topics are still read, then shows them', async () => {
  const { page, errors } = await loadedPage();
  const atOpen = await openAndType(page, null);
  assert.equal(atOpen.focus, true, 'focus is in the search box as the panel shows');
  assert.equal(atOpen.topicsBusy, 'true', 'the topics, not read yet, are marked busy');
  const browse = page.locator('lms-support-widget .lsw-browse');
  await browse.locator('.lsw-topic').first().waitFor({ state: 'visible' });
  assert.equal(await browse.getAttribute('aria-busy'), null, 'no longer busy once the topics are drawn');
  assert.equal(await page.evaluate(() => document.querySelector('lms-support-widget').shadowRoot.activeElement?.id), 'lsw-q',
    'focus stays in the search box when the topics come');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a query typed as the panel opens, before 1,000 FAQ entries are indexed, waits and is searched once they are', async () => {
  const { page, errors } = await loadedPage();
  await openAndType(page, QUERY);
  const top = page.locator('lms-support-widget .lsw-results .lsw-faq').first();
  await top.waitFor({ state: 'visible' });
  const seen = await page.evaluate(() => window.__seen);
  assert.equal(seen[0], 'busy', `the results wait for the index (seen: ${seen.join(' → ')})`);
  assert.ok(!seen.includes('no results'), `no "no results" before the FAQ is read (seen: ${seen.join(' → ')})`);
  assert.equal(await page.locator('lms-support-widget .lsw-results').getAttribute('aria-busy'), null);
  const early = await top.getAttribute('data-faq');

  // The same query typed again, everything read: the same best answer.
  const input = page.locator('lms-support-widget #lsw-q');
  await input.fill('');
  await input.pressSequentially(QUERY);
  await page.waitForFunction((q) => {
    const root = document.querySelector('lms-support-widget').shadowRoot;
    return root.querySelector('#lsw-q').value === q && root.querySelector('.lsw-results .lsw-faq');
  }, QUERY);
  assert.equal(await top.getAttribute('data-faq'), early, 'the early search found what a later one finds');
  assert.deepEqual(errors, []);
  await page.close();
});

test('opening help keeps one banner on the page while the full stage takes over', async () => {
  const { page, errors } = await loadedPage();
  const before = await page.locator('lms-support-widget .lsw-banner').first().textContent();
  assert.ok(before.trim().length > 0, 'the demo feed shows a banner');
  // In every frame until the takeover is done: how many banners show, and their text.
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const frames = [];
    const look = () => {
      const shown = [...document.querySelectorAll('lms-support-widget')]
        .map((host) => host.shadowRoot && host.shadowRoot.querySelector('.lsw-banner'))
        .filter((region) => region && region.textContent.trim() && region.getClientRects().length);
      frames.push(shown.map((region) => region.textContent));
      if (frames.length < 40) requestAnimationFrame(look);
      else resolve(frames);
    };
    window.LmsSupport.open('help');
    requestAnimationFrame(look);
  }));
  for (const [i, shown] of frames.entries()) {
    assert.equal(shown.length, 1, `frame ${i}: one banner shows (${shown.length})`);
    assert.equal(shown[0], before, `frame ${i}: the same banner`);
  }
  assert.equal(await page.locator('lms-support-widget').count(), 1, 'the banner stage is gone');
  assert.deepEqual(errors, []);
  await page.close();
});
