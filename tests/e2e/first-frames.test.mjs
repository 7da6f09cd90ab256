// End to end: on the next page of a learner who has seen the banner, the loader draws it from
// the widget's snapshot before the Wasm (and the feed) arrive, so it is in the first frames and
// nothing jumps; the widget then takes over in place, with its dismissals. The Wasm and the feed
// are held by the test, not raced against a clock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer } from './harness.mjs';

let server;
before(async () => {
  server = await startServer({ name: 'first-frames' });
});
after(async () => {
  await server?.stop();
});

const bannerText = (page) => page.evaluate(() =>
  [...document.querySelector('lms-support-widget').shadowRoot.querySelectorAll('.lsw-item')]
    .map((item) => `${item.dataset.id}: ${item.textContent}`));

test('the next page draws the banner before the Wasm and the feed arrive, and the widget takes over', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url + '/');
    const first = page.locator('lms-support-widget .lsw-item').first();
    await first.waitFor({ state: 'visible', timeout: 10_000 });
    const dismissed = await first.getAttribute('data-id');
    await first.locator('.lsw-dismiss').click();
    await page.waitForFunction((id) => !document.querySelector('lms-support-widget')
      .shadowRoot.querySelector(`.lsw-item[data-id="${id}"]`), dismissed);
    await page.waitForLoadState('networkidle');
    const shown = await bannerText(page);
    assert.ok(shown.length > 0, 'the demo feed has more than the dismissed item');

    // The next course page, with the banner stage's Wasm and the feed held back.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let heldRequests = 0;
    await browser.context.route((url) => /\/lms_support_banner\.[0-9a-f]+\.wasm$/.test(url.pathname)
      || url.pathname === '/v1/feed', async (route) => {
      heldRequests++;
      await held;
      await route.fallback();
    });
    const next = await browser.context.newPage();
    const shifts = [];
    // Layout shifts, with when they happened; the widget's mount is marked (lms-support:mounted).
    await next.exposeFunction('reportShift', (value) => shifts.push(value));
    await next.addInitScript(() => {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (!entry.hadRecentInput) window.reportShift({ value: entry.value, at: entry.startTime });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await next.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
    await next.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(heldRequests > 0, 'the Wasm was requested and is held');
    assert.deepEqual(await bannerText(next), shown, 'the banner as the learner last saw it, dismissal included');
    assert.equal(await next.evaluate(() => document.querySelector('lms-support-widget').inert), true,
      'the drawing takes no clicks before the widget is there');

    release();
    await next.waitForFunction(() => {
      const hosts = document.querySelectorAll('lms-support-widget');
      return hosts.length === 1 && !hosts[0].inert && window.LmsSupport;
    }, null, { timeout: 10_000 });
    await next.waitForLoadState('networkidle');
    assert.deepEqual(await bannerText(next), shown, 'the widget drew the same banner in its place');
    // The widget's own banner works: another dismissal takes the item away.
    const item = next.locator('lms-support-widget .lsw-item').first();
    const id = await item.getAttribute('data-id');
    await item.locator('.lsw-dismiss').click();
    await next.waitForFunction((id) => !document.querySelector('lms-support-widget')
      .shadowRoot.querySelector(`.lsw-item[data-id="${id}"]`), id);
    // The host's first paint may come before the loader runs (here the routes turn the HTTP
    // cache off, so loader.js comes from the network): drawing the snapshot may shift the page
    // once. Taking over from it must not.
    const mounted = await next.evaluate(() => performance.getEntriesByName('lms-support:mounted')[0].startTime);
    assert.deepEqual(shifts.filter((s) => s.at >= mounted), [], 'the widget took over in place: nothing shifted');
  } finally {
    await browser.close();
  }
});

/** The feed requests `context`'s pages make, in order, as they are made. */
function recordFeedRequests(context) {
  const requests = [];
  context.on('request', (request) => {
    if (new URL(request.url()).pathname === '/v1/feed') requests.push(request);
  });
  return requests;
}

/** Opens the next course page in `browser` and checks that its one feed request (the last of
 *  `feedRequests`) asked with `etag` and got a 304; returns that page. */
async function nextPageRevalidates(browser, feedRequests, etag) {
  const before = feedRequests.length;
  const next = await browser.context.newPage();
  await next.goto(server.url + '/');
  await next.locator('lms-support-widget:not([inert]) .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
  await next.waitForLoadState('networkidle');
  assert.equal(feedRequests.length, before + 1, 'one feed request for the next page');
  assert.equal(feedRequests[before].headers()['if-none-match'], etag);
  assert.equal((await feedRequests[before].response()).status(), 304);
  return next;
}

test('the loader asks for the feed while the Wasm is on its way, with the cached copy\'s ETag, once a page', async () => {
  const browser = await launchBrowser();
  try {
    const feedRequests = recordFeedRequests(browser.context);
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let wasmHeld = 0;
    await browser.context.route((url) => /\/lms_support_banner\.[0-9a-f]+\.wasm$/.test(url.pathname), async (route) => {
      wasmHeld++;
      await held;
      await route.fallback();
    });
    // A first visit: nothing cached, so the banner waits for the feed, which must not wait
    // for the Wasm.
    const page = await browser.context.newPage();
    await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
    const deadline = Date.now() + 10_000; // not stuck: the old widget asked only once instantiated
    while (feedRequests.length === 0 && Date.now() < deadline) await page.waitForTimeout(50);
    assert.equal(feedRequests.length, 1, 'the feed was asked for while the Wasm was held');
    assert.ok(wasmHeld > 0, 'the Wasm was requested and is held');
    assert.equal(await page.evaluate(() => performance.getEntriesByName('lms-support:banner-instantiated').length), 0,
      'the Wasm is not instantiated yet');
    release();
    await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForLoadState('networkidle');
    const first = await feedRequests[0].response();
    assert.equal(first.status(), 200);
    const etag = first.headers().etag;
    assert.ok(etag, 'the demo server gives the feed an ETag');
    assert.equal(feedRequests.length, 1, 'the widget took the loader\'s answer rather than asking again');

    // The next page: the loader asks with the ETag of the copy the widget cached, and the
    // widget takes the 304 as "the cached copy is current".
    const next = await nextPageRevalidates(browser, feedRequests, etag);
    assert.ok(await next.evaluate(() => {
      const feed = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/v1/feed');
      const instantiated = performance.getEntriesByName('lms-support:banner-instantiated')[0];
      return feed && instantiated && feed.startTime < instantiated.startTime;
    }), 'the feed request started before the Wasm was instantiated');
  } finally {
    await browser.close();
  }
});

/** The demo page's feed URL (data-feed), which keys the loader's copy. */
const feedUrl = () => new URL('/v1/feed?client=acme', server.url).href;
/** The feed's copy in the Cache API, as the loader keeps it: [text, ETag], or null. */
const copyInCache = (page) => page.evaluate(async (feed) => {
  const response = await (await caches.open('lms-support:feed')).match(feed);
  return response && [await response.text(), response.headers.get('ETag')];
}, feedUrl());
/** The widget's localStorage, as { key: length }. */
const storedLengths = (page) => page.evaluate(() =>
  Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k).length])));

/** The first page of a new browser, settled; its feed request's text and ETag. */
async function firstPage(browser, feedRequests) {
  const page = await browser.context.newPage();
  await page.goto(server.url + '/');
  await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForLoadState('networkidle');
  const first = await feedRequests[0].response();
  return { page, text: await first.text(), etag: first.headers().etag };
}

test('the feed is kept in the Cache API, out of localStorage, whose first read on a page loads it whole', async () => {
  const browser = await launchBrowser();
  try {
    const feedRequests = recordFeedRequests(browser.context);
    const { page, text, etag } = await firstPage(browser, feedRequests);
    assert.deepEqual(await copyInCache(page), [text, etag], 'the feed as served, with its ETag, in the Cache API');
    const stored = await storedLengths(page);
    assert.deepEqual(Object.keys(stored).filter((k) => k.startsWith('lms-support:feed:')), [],
      'no copy of the feed in localStorage');
    assert.ok(Object.values(stored).every((length) => length < text.length), `only small records: ${JSON.stringify(stored)}`);
    await page.close();
    await nextPageRevalidates(browser, feedRequests, etag);
  } finally {
    await browser.close();
  }
});

test('a copy an older widget left in localStorage (either record) is drawn and moved to the Cache API', async () => {
  const browser = await launchBrowser();
  try {
    const feedRequests = recordFeedRequests(browser.context);
    const { page, text, etag } = await firstPage(browser, feedRequests);
    const shown = await bannerText(page);
    const key = 'lms-support:feed:' + feedUrl();
    for (const record of [`${etag}\n${text}`, JSON.stringify({ body: text, etag })]) {
      // As an older widget left it: the copy in localStorage only, and no snapshot to draw from.
      await page.evaluate(async ([key, record]) => {
        await caches.delete('lms-support:feed');
        localStorage.clear();
        localStorage.setItem(key, record);
      }, [key, record]);
      // The feed held: what the widget draws is the copy.
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      await browser.context.route((url) => url.pathname === '/v1/feed', async (route) => {
        await held;
        await route.fallback().catch(() => {});
      });
      const next = await browser.context.newPage();
      await next.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
      await next.locator('lms-support-widget:not([inert]) .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
      assert.deepEqual(await bannerText(next), shown, 'the old copy was drawn');
      await next.waitForFunction((key) => localStorage.getItem(key) === null, key, { timeout: 5_000 });
      assert.deepEqual(await copyInCache(next), [text, etag], 'moved to the Cache API');
      release();
      await browser.context.unrouteAll();
      await next.close();
      // The next page revalidates the moved copy with its ETag.
      (await nextPageRevalidates(browser, feedRequests, etag)).close();
    }
  } finally {
    await browser.close();
  }
});

test('the copy in the Cache API is drawn when the network feed fails or is rejected, and kept', async () => {
  const browser = await launchBrowser();
  try {
    const feedRequests = recordFeedRequests(browser.context);
    const { page, text, etag } = await firstPage(browser, feedRequests);
    const shown = await bannerText(page);
    // No snapshot and no copy in localStorage, only the copy's ETag: the Cache API alone holds
    // what to draw. (Without the ETag key, as after a host's localStorage.clear(), the loader
    // expects no copy: a rejected feed then leaves no banner, README "Known limits".)
    await page.evaluate(() => {
      for (const key of Object.keys(localStorage)) if (!key.startsWith('lms-support:feed-etag:')) localStorage.removeItem(key);
    });
    for (const fail of [(route) => route.abort('connectionrefused'),
      (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"version": 1, "maintenance": ' })]) {
      await browser.context.route((url) => url.pathname === '/v1/feed', fail);
      const next = await browser.context.newPage();
      await next.goto(server.url + '/');
      await next.locator('lms-support-widget:not([inert]) .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
      await next.waitForLoadState('networkidle');
      assert.deepEqual(await bannerText(next), shown, 'the last good copy is shown');
      assert.deepEqual(await copyInCache(next), [text, etag], 'and kept');
      await browser.context.unrouteAll();
      await next.close();
    }
  } finally {
    await browser.close();
  }
});

test('a Cache API that never answers holds nothing back: the network feed is drawn, or the widget starts without it', async () => {
  const browser = await launchBrowser();
  try {
    // As a stuck storage backend: caches.open() neither resolves nor rejects.
    await browser.context.addInitScript(() => { CacheStorage.prototype.open = () => new Promise(() => {}); });
    const feedRequests = recordFeedRequests(browser.context);
    const { page } = await firstPage(browser, feedRequests);
    assert.ok((await bannerText(page)).length > 0, 'the network feed is drawn');
    await page.close();
    // And with the feed failing too: no banner to draw, but help is there.
    await browser.context.route((url) => url.pathname === '/v1/feed', (route) => route.abort('connectionrefused'));
    const next = await browser.context.newPage();
    await next.goto(server.url + '/');
    await next.locator('lms-support-widget .lsw-launcher').waitFor({ state: 'visible', timeout: 10_000 });
  } finally {
    await browser.close();
  }
});

test('where the Cache API is missing, the feed is kept in localStorage as its ETag line and its text', async () => {
  const browser = await launchBrowser();
  try {
    await browser.context.addInitScript(() => { delete Window.prototype.caches; delete window.caches; });
    const feedRequests = recordFeedRequests(browser.context);
    const { page, text, etag } = await firstPage(browser, feedRequests);
    assert.equal(await page.evaluate(() => typeof caches), 'undefined');
    const record = await page.evaluate((key) => localStorage.getItem(key), 'lms-support:feed:' + feedUrl());
    // Nothing to unescape before the feed's own parse (an old record held it as a JSON string).
    assert.equal(record, `${etag}\n${text}`, 'the record is the ETag line, then the feed as served');
    await page.close();
    await nextPageRevalidates(browser, feedRequests, etag);
  } finally {
    await browser.close();
  }
});

test('the host is measured once for the banner\'s first frame, not again in that frame', async () => {
  // A measure between the fit and the paint is right when the host's layout really changed in
  // between (a stylesheet or font landing late on a busy machine), so one page load may show
  // one; the bug this guards against (measuring again what was just measured) showed on every
  // load. Up to three loads, each in a fresh browser: one without a second measure passes.
  const seen = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const between = await hitTestsBetweenFitAndPaint();
    if (between.length === 0) return;
    seen.push(between);
  }
  assert.fail(`a second measure between the fit and the paint on every load: ${JSON.stringify(seen)}`);
});

/** One warm load of the Moodle page with the Wasm held: the hit tests host fit ran after the
 *  snapshot was fitted and before it was painted. */
async function hitTestsBetweenFitAndPaint() {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url + '/moodle.html');
    await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForLoadState('networkidle');
    // The next page, with the Wasm held: only the loader's snapshot and its fit run.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await browser.context.route((url) => /\/lms_support_banner\.[0-9a-f]+\.wasm$/.test(url.pathname), async (route) => {
      await held;
      await route.fallback().catch(() => {});
    });
    const next = await browser.context.newPage();
    await next.addInitScript(() => {
      // When host fit hit-tests the page (either way): its measures. The page embeds the loader
      // render-blocking, so the snapshot is fitted before the body is parsed and measured again
      // at DOMContentLoaded, which may come before the first paint or after it (a race): that
      // measure (inside the event's dispatch: window's capture, document, window's bubble) is
      // not counted.
      window.__hitTests = [];
      let inLoaded = false;
      addEventListener('DOMContentLoaded', () => { inLoaded = true; }, true);
      addEventListener('DOMContentLoaded', () => { inLoaded = false; });
      for (const name of ['elementFromPoint', 'elementsFromPoint']) {
        const hitTest = Document.prototype[name];
        Document.prototype[name] = function (...args) {
          if (!inLoaded) window.__hitTests.push(performance.now());
          return hitTest.apply(this, args);
        };
      }
    });
    await next.goto(server.url + '/moodle.html', { waitUntil: 'domcontentloaded' });
    await next.waitForFunction(() => performance.getEntriesByName('lms-support:banner-painted').length > 0,
      null, { timeout: 10_000 });
    const { fitted, painted, hits } = await next.evaluate(() => ({
      fitted: performance.getEntriesByName('lms-support:snapshot-fitted')[0]?.startTime,
      painted: performance.getEntriesByName('lms-support:banner-painted')[0].startTime,
      hits: window.__hitTests,
    }));
    assert.ok(fitted !== undefined, 'the loader drew and fitted the snapshot');
    assert.ok(hits.some((t) => t <= fitted), 'the snapshot was fitted with hit tests');
    release();
    return hits.filter((t) => t > fitted && t < painted);
  } finally {
    await browser.close();
  }
}

test('the banner stage draws from the cached copy in the task after its mount, under the snapshot, before the feed\'s answer', async () => {
  const browser = await launchBrowser();
  try {
    const feedRequests = recordFeedRequests(browser.context);
    const { page, etag } = await firstPage(browser, feedRequests);
    const shown = await bannerText(page);
    await page.close();
    // A timer set when the mount starts fires after the mount's task, before any timer the
    // widget sets during its mount: it records what the page shows between the two tasks.
    await browser.context.addInitScript(() => {
      const mark = Performance.prototype.mark;
      Performance.prototype.mark = function (name, ...rest) {
        if (name === 'lms-support:mount-start') {
          setTimeout(() => {
            window.__betweenTasks = [...document.querySelectorAll('lms-support-widget')].map((host) => host.inert);
            mark.call(performance, 'test:after-mount-task');
          }, 0);
        }
        return mark.call(this, name, ...rest);
      };
    });
    const next = await nextPageRevalidates(browser, feedRequests, etag);
    const at = await next.evaluate(() => Object.fromEntries(['lms-support:mount-start', 'lms-support:mounted',
      'test:after-mount-task', 'lms-support:cache-parsed', 'lms-support:banner-drawn', 'lms-support:feed-answered']
      .map((name) => [name.replace(/^.*:/, ''), performance.getEntriesByName(name)[0]?.startTime])));
    assert.ok(at['mount-start'] <= at.mounted && at.mounted <= at['after-mount-task'], JSON.stringify(at));
    assert.ok(at['after-mount-task'] <= at['cache-parsed'], `the copy was read in the mount's task: ${JSON.stringify(at)}`);
    assert.ok(at['cache-parsed'] <= at['banner-drawn'] && at['banner-drawn'] <= at['feed-answered'],
      `drawn from the copy, then the feed's answer (a 304) taken: ${JSON.stringify(at)}`);
    assert.deepEqual(await next.evaluate(() => window.__betweenTasks), [false, true],
      'between the tasks: the widget\'s host (its banner not drawn yet) and the loader\'s snapshot, still up');
    assert.deepEqual(await next.evaluate(() => [...document.querySelectorAll('lms-support-widget')].map((h) => h.inert)), [false],
      'then the snapshot gave way to the widget');
    assert.deepEqual(await bannerText(next), shown, 'the banner drawn from the copy');

    // The loader's answer went to the banner stage: the full stage, on opening help, asks itself.
    const told = [];
    next.on('console', (m) => { if (/warn|error/.test(m.type())) told.push(m.text()); });
    const asked = feedRequests.length;
    // (The full stage asks once the panel has shown, in a task of its own.)
    const request = next.waitForRequest((r) => new URL(r.url()).pathname === '/v1/feed', { timeout: 10_000 });
    await next.evaluate(() => window.LmsSupport.open('help'));
    await next.locator('lms-support-widget input[type="search"]').waitFor({ state: 'visible', timeout: 10_000 });
    await (await request).response();
    await next.locator('lms-support-widget .lsw-browse:not([aria-busy])').waitFor({ state: 'attached', timeout: 10_000 });
    assert.equal(feedRequests.length, asked + 1, 'the full stage asked for the feed');
    assert.equal((await feedRequests[asked].response()).status(), 304);
    assert.deepEqual(told, [], 'nothing to warn about');
  } finally {
    await browser.close();
  }
});

test('a first visit: host fit measures after the mount\'s task, and the network feed is drawn in the task after its read', async () => {
  // Issue 14: with 1,000 FAQ entries on a first visit, the mount (host fit forcing the page's
  // layout) and the network feed's read and first draw were long tasks. The marks say which
  // task each step ran in: a timer set as the feed is answered fires after that task (and
  // before the widget's, set later in it); the loader marks `mounted` as the mount returns.
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      const mark = Performance.prototype.mark;
      let inFeedTask = false;
      window.__order = {};
      Performance.prototype.mark = function (name, ...rest) {
        const seen = (n) => performance.getEntriesByName(n).length > 0;
        if (name === 'lms-support:mounted') window.__order.fittedInMount = seen('lms-support:fit-layout');
        if (name === 'lms-support:feed-answered') {
          inFeedTask = true;
          setTimeout(() => { inFeedTask = false; }, 0);
        }
        if (name === 'lms-support:banner-drawn' && !('drawnInFeedTask' in window.__order)) {
          window.__order.drawnInFeedTask = inFeedTask;
          window.__order.itemsBefore = document.querySelector('lms-support-widget')
            .shadowRoot.querySelectorAll('.lsw-item').length;
        }
        return mark.call(this, name, ...rest);
      };
    });
    await page.goto(server.url + '/');
    await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForFunction(() => performance.getEntriesByName('lms-support:banner-painted').length > 0,
      null, { timeout: 10_000 });
    const order = await page.evaluate(() => window.__order);
    assert.equal(await page.evaluate(() => performance.getEntriesByName('lms-support:cache-parsed').length), 0,
      'a first visit: no cached copy');
    assert.equal(order.fittedInMount, false, 'host fit did not measure in the mount\'s task');
    assert.equal(await page.evaluate(() => performance.getEntriesByName('lms-support:fit-layout').length), 1,
      'host fit measured once the widget\'s host was reported, in the next frame');
    assert.equal(order.drawnInFeedTask, false, 'the feed was drawn in a task after the one that read it');
    assert.ok(order.itemsBefore > 0, 'the banner was drawn');
    // The banner stays fitted: the launcher is where host fit put it, and the banner is there.
    assert.equal(await page.evaluate(() => document.adoptedStyleSheets.some((s) =>
      [...s.cssRules].some((r) => r.cssText.startsWith('lms-support-widget')))), true, 'host fit applied its rule');
  } finally {
    await browser.close();
  }
});
