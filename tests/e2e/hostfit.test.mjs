// End to end: the widget fits into real LMS chrome. On test pages that copy each LMS's chrome
// (Moodle Boost, Canvas, Open edX, Brightspace's immersive navbar in a shadow root, a generic
// theme whose fixed header collapses on scroll), for
// every banner phase, in push and overlay mode, 1280 and 320 px wide:
// - every host control (navigation links, user menu, drawer toggles, the host's help button) is
//   still the element under its own centre (`elementFromPoint`), our banner and launcher
//   included in what could cover it; so are the items of the host's menus once opened (Moodle's
//   user menu) and the links of chrome the host's script adds after the banner is up (the
//   generic page's course bar);
// - in push mode nothing of the host's content is hidden (its heading and breadcrumb are hit);
// - after dismissal, and after destroy(), the host's layout is exactly what it is with no
//   widget (boxes and inline styles of every element we check).
// Every failure is collected and listed, so one run shows the whole picture.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { launchBrowser, startServer } from './harness.mjs';

/** Forgets the widget's snapshot and its cached feed (Cache API), so a load draws the feed just
 *  written rather than the one before it. */
const forgetCopies = (page) => page.evaluate(() => {
  localStorage.clear();
  return caches.delete('lms-support:feed');
}).catch(() => {}); // about:blank before the first load

// Per page: `chrome` are the controls in the host's fixed or sticky bars (usable in both modes);
// `flow` are controls in the page flow and `content` the top of the page's content: push mode
// must not hide them, overlay mode covers the top of the flow by definition. `chromeBoxes` are
// compared, with `chrome`, to the page without the widget. `menus` are [toggle, items]: the menu
// is opened and its items hit-tested. `ready` is host chrome to wait for (added late by the
// page's script). HOSTFIT_PAGE=moodle runs one page.
const PAGES = {
  '/moodle.html': {
    chrome: ['.navbar-brand', '.more-nav .nav-link', '#nav-notification-popover-toggle', '#user-menu-toggle',
      '.drawertoggle', '.courseindex-link', '.drawer-left-toggle .btn', '.btn-footer-popover',
      '#prev-activity-link', '#next-activity-link'],
    content: ['#page-header h1', '.breadcrumb a'],
    chromeBoxes: ['.navbar.fixed-top', '#theme_boost-drawers-courseindex', '.drawer-left-toggle', '#page'],
    menus: [['#user-menu-toggle', '#user-action-menu .dropdown-item']],
  },
  '/canvas.html': {
    chrome: ['.ic-app-header__logomark', '.ic-app-header__menu-list-link'],
    flow: ['#courseMenuToggle', '#section-tabs a', '.mobile-header-hamburger'],
    content: ['#content h1', '#breadcrumbs a'],
    chromeBoxes: ['#header', '#wrapper', '#mobile-header'],
  },
  '/openedx.html': {
    chrome: ['.logo', '#user-dropdown-toggle'],
    flow: ['.course-tabs-navigation .nav-link'],
    content: ['main h1'],
    chromeBoxes: ['.learning-header', 'main'],
  },
  '/brightspace.html': {
    chrome: ['.d2l-assignment-title', '.d2l-immersive-actions a', '#d2l-close'],
    content: ['.d2l-page-title', '#d2l-rubric'],
    chromeBoxes: ['d2l-navigation-immersive', '.d2l-page-main'],
  },
  '/sticky.html': {
    chrome: ['.site-logo', '#nav-courses', '#nav-calendar', '#site-account', '#course-bar a'],
    content: ['.site-main h1'],
    chromeBoxes: ['.site-header', '.site-main', '#course-bar'],
    ready: '#course-bar',
  },
};
const WIDTHS = [1280, 320];
const POSITIONS = ['push', 'overlay'];
const HOUR = 3600_000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** One maintenance window in each phase (and, in progress, a known issue too: "+1 more"). */
function phases(now) {
  const window = (id, start, hours, extra = {}) => ({
    id, revision: 1, starts_at: iso(start), ends_at: iso(start + hours * HOUR), notice_days: 7,
    severity: 'major', title: { en: `Planned upgrade (${id})` },
    body: { en: 'Acme Learn will be offline while we upgrade it. Save your work before it starts.' }, ...extra,
  });
  return {
    upcoming: { maintenance: [window('up', now + 50 * HOUR, 6)] },
    imminent: { maintenance: [window('imm', now + 0.5 * HOUR, 6)] },
    in_progress: {
      maintenance: [window('prog', now - HOUR, 6)],
      notices: [{ id: 'slow', kind: 'known_issue', status: 'investigating', since: iso(now - HOUR), title: { en: 'Videos are slow' } }],
    },
    completed: { maintenance: [window('done', now - 7 * HOUR, 6, { after: { hours: 24, body: { en: 'Some pages may load slowly.' } } })] },
    cancelled: { maintenance: [window('off', now + 50 * HOUR, 6, { status: 'cancelled' })] },
  };
}

let server, browser, demoFeed, position = 'push', noWidget = false, keepLauncher = true;
before(async () => {
  server = await startServer({ name: 'hostfit' });
  demoFeed = JSON.parse(readFileSync(server.feedPath, 'utf8'));
  browser = await launchBrowser();
  // Overlay mode is the same page with data-position="overlay"; "no widget" drops the loader.
  // Moodle keeps its floating launcher here (the plugin's "keep" setting), to test its corner.
  await browser.context.route((url) => url.pathname.endsWith('.html'), async (route) => {
    const response = await route.fetch();
    let body = await response.text();
    if (position === 'overlay') body = body.replace(' data-feed=', ' data-position="overlay" data-feed=');
    if (keepLauncher) body = body.replace(' data-feed=', ' data-launcher="bottom-right" data-feed=');
    await route.fulfill({ response, body });
  });
  await browser.context.route('**/widget/loader.js', (route) => (noWidget ? route.abort() : route.fallback()));
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

function writeFeed(changes) {
  writeFileSync(server.feedPath, JSON.stringify({ ...demoFeed, maintenance: [], notices: [], ...changes }));
}

const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** For each selector, each element shown: is it the element under its own centre (or inside it)?
 *  Returns {selector#i: 'ok' | 'covered by …'}; elements not shown or off screen are left out. */
function hitTest(page, selectors) {
  return page.evaluate((selectors) => {
    const out = {};
    for (const selector of selectors) {
      document.querySelectorAll(selector).forEach((el, i) => {
        const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (!r.width || !r.height || x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return;
        if (getComputedStyle(el).visibility === 'hidden') return;
        const hit = document.elementFromPoint(x, y);
        const name = (e) => e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') : 'nothing';
        out[`${selector}#${i}`] = hit && (el === hit || el.contains(hit)) ? 'ok' : `covered by ${name(hit)}`;
      });
    }
    return out;
  }, selectors);
}

/** Boxes and inline styles of the host's elements we check: the layout to compare. */
function layout(page, selectors) {
  return page.evaluate((selectors) => selectors.flatMap((s) => [...document.querySelectorAll(s)].map((el) => {
    const r = el.getBoundingClientRect();
    return `${s}: ${[r.top, r.left, r.width, r.height].map((v) => Math.round(v * 10) / 10).join(',')} style=${el.getAttribute('style')}`;
  })), selectors);
}

async function load(page, path, width) {
  await page.setViewportSize({ width, height: width > 600 ? 800 : 640 });
  await page.goto(server.url + path);
  await page.waitForLoadState('load');
  const ready = PAGES[path]?.ready;
  if (ready) await page.locator(ready).waitFor({ state: 'attached', timeout: 10_000 });
}

/** Loads `path` with no copy kept (the feed just written is drawn) and waits for the banner's
 *  first item and two frames. */
async function loadBanner(page, path, width) {
  await forgetCopies(page);
  await load(page, path, width);
  await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
  await frames(page);
}

/** Opens each of the host's menus in turn and hit-tests its items: {toggle > item#i: 'ok' | …}. */
async function menuHits(page, menus = []) {
  const out = {};
  for (const [toggle, items] of menus) {
    await page.locator(toggle).click();
    await frames(page);
    for (const [key, v] of Object.entries(await hitTest(page, [items]))) out[`${toggle} > ${key}`] = v;
    await page.locator(toggle).click();
  }
  return out;
}

test('host controls stay usable and the host layout comes back exactly, on every LMS chrome page', { timeout: 600_000 }, async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const failures = [];
  const summary = [];
  for (const [path, spec] of Object.entries(PAGES)) {
    if (process.env.HOSTFIT_PAGE && !path.includes(process.env.HOSTFIT_PAGE)) continue;
    for (const width of WIDTHS) {
      // The page with no widget: what must be reachable, and the layout to come back to.
      noWidget = true;
      position = 'push';
      await load(page, path, width);
      const reachable = Object.entries({
        ...await hitTest(page, [...spec.chrome, ...spec.flow || [], ...spec.content]),
        ...await menuHits(page, spec.menus),
      }).filter(([, v]) => v === 'ok').map(([k]) => k);
      const baseline = await layout(page, [...spec.chromeBoxes, ...spec.chrome]);
      noWidget = false;
      for (const mode of POSITIONS) {
        position = mode;
        let failed = 0, checked = 0;
        for (const [phase, feed] of Object.entries(phases(Date.now()))) {
          writeFeed(feed);
          await loadBanner(page, path, width);
          const where = `${path} ${width}px ${mode} ${phase}`;
          const selectors = mode === 'push' ? [...spec.chrome, ...spec.flow || [], ...spec.content] : spec.chrome;
          const hits = { ...await hitTest(page, selectors), ...await menuHits(page, spec.menus) };
          for (const key of reachable) {
            if (!(key in hits)) continue;
            checked += 1;
            if (hits[key] !== 'ok') { failed += 1; failures.push(`${where}: ${key} ${hits[key]}`); }
          }
          // The banner itself is on screen and not covered by the host (it is not pushed under a bar).
          const bannerTop = await page.evaluate(() => {
            const item = document.querySelector('lms-support-widget').shadowRoot.querySelector('.lsw-item');
            const r = item.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + 8, r.top + 4);
            return hit && hit.tagName === 'LMS-SUPPORT-WIDGET' ? 'ok' : `banner covered by ${hit && hit.tagName}`;
          });
          if (bannerTop !== 'ok') failures.push(`${where}: ${bannerTop}`);
          if (path === '/sticky.html') {
            // Scrolled: the header collapses; its controls stay usable and an overlay banner follows it.
            await page.mouse.wheel(0, 100);
            await page.waitForFunction(() => document.getElementById('site-header').classList.contains('is-collapsed'));
            await frames(page);
            const scrolled = await hitTest(page, spec.chrome);
            for (const [key, v] of Object.entries(scrolled)) {
              checked += 1;
              if (v !== 'ok') { failed += 1; failures.push(`${where} scrolled: ${key} ${v}`); }
            }
            if (mode === 'overlay') {
              const gap = await page.evaluate(() => document.querySelector('lms-support-widget').shadowRoot
                .querySelector('.lsw-banner').getBoundingClientRect().top - document.getElementById('site-header').getBoundingClientRect().bottom);
              if (Math.abs(gap) > 1) failures.push(`${where} scrolled: the overlay banner is ${gap}px from the collapsed header`);
            }
            await page.evaluate(() => window.scrollTo(0, 0));
            await frames(page);
          }
          // Dismissed (or destroyed, when it cannot be dismissed): the layout with no widget.
          const dismiss = page.locator('lms-support-widget .lsw-dismiss');
          if (phase !== 'in_progress') {
            while (await dismiss.count()) await dismiss.first().click();
          } else {
            await page.evaluate(() => window.LmsSupport.destroy());
          }
          await frames(page);
          const afterwards = await layout(page, [...spec.chromeBoxes, ...spec.chrome]);
          // Nothing of ours on the host's elements; after destroy(), not even our own rule.
          // Host web components' shadow roots (Brightspace's navbar) included.
          const leftovers = await page.evaluate((destroyed) => {
            const roots = [document, ...[...document.querySelectorAll('*')]
              .filter((el) => el.shadowRoot && el.tagName !== 'LMS-SUPPORT-WIDGET').map((el) => el.shadowRoot)];
            return {
              marks: roots.reduce((n, root) => n + root.querySelectorAll('[data-lsw]').length, 0),
              rules: roots.flatMap((root) => root.adoptedStyleSheets).flatMap((sheet) => [...sheet.cssRules])
                .filter((rule) => rule.selectorText?.includes('lsw') || rule.cssText.includes('--lsw'))
                .filter((rule) => destroyed || rule.selectorText !== 'lms-support-widget').length,
            };
          }, phase === 'in_progress');
          if (leftovers.marks || leftovers.rules) failures.push(`${where}: left behind ${JSON.stringify(leftovers)}`);
          const diff = afterwards.filter((line, i) => line !== baseline[i]);
          if (diff.length) failures.push(`${where}: after dismissal the layout differs from the page without the widget:\n    ${diff.join('\n    ')}\n  expected:\n    ${baseline.filter((line, i) => line !== afterwards[i]).join('\n    ')}`);
        }
        summary.push(`${path} ${width}px ${mode}: ${checked - failed}/${checked} control hit tests pass`);
      }
    }
  }
  console.log(summary.join('\n'));
  assert.deepEqual(errors, [], 'no uncaught error on the page');
  assert.deepEqual(failures, [], `host fit problems:\n${failures.join('\n')}`);
});

test('Moodle: drawers closed and opened under the banner keep their toggles and links usable', { timeout: 120_000 }, async () => {
  const page = await browser.context.newPage();
  const failures = [];
  writeFeed(phases(Date.now()).in_progress);
  for (const mode of POSITIONS) {
    position = mode;
    await loadBanner(page, '/moodle.html', 1280);
    // Closed: the toggle that Boost shows instead (display: none while the drawer is open).
    await page.locator('.drawertoggle').click();
    await frames(page);
    for (const [key, v] of Object.entries(await hitTest(page, ['.drawer-left-toggle .btn', '#user-menu-toggle']))) {
      if (v !== 'ok') failures.push(`${mode} drawer closed: ${key} ${v}`);
    }
    // Opened again from that toggle.
    await page.locator('.drawer-left-toggle .btn').click();
    await frames(page);
    const open = await hitTest(page, ['.drawertoggle', '.courseindex-link']);
    if (Object.keys(open).length < 4) failures.push(`${mode} drawer opened: only ${JSON.stringify(open)} on screen`);
    for (const [key, v] of Object.entries(open)) if (v !== 'ok') failures.push(`${mode} drawer opened: ${key} ${v}`);
  }
  position = 'push';
  await page.close();
  assert.deepEqual(failures, []);
});

test('Moodle: once help has opened (the full stage in place of the banner stage), host fit follows the new banner: controls usable, and dismissal gives the layout back exactly', { timeout: 120_000 }, async () => {
  // Taking over, host fit keeps what it measured of the host page and watches the full stage's
  // host instead (pkg-templates/loader.js, fitFollow): a banner that changes size afterwards
  // must still move the host's chrome.
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const spec = PAGES['/moodle.html'];
  try {
    noWidget = true;
    await load(page, '/moodle.html', 1280);
    const baseline = await layout(page, [...spec.chromeBoxes, ...spec.chrome]);
    noWidget = false;
    writeFeed(phases(Date.now()).upcoming);
    for (const mode of POSITIONS) {
      position = mode;
      await loadBanner(page, '/moodle.html', 1280);
      const before = await layout(page, [...spec.chromeBoxes, ...spec.chrome]);
      await page.evaluate(() => window.LmsSupport.open('help'));
      // Taken over: the banner stage's host is gone and the panel's topics are drawn.
      await page.waitForFunction(() => document.querySelectorAll('lms-support-widget').length === 1
        && document.querySelector('lms-support-widget').shadowRoot.querySelector('.lsw-browse:not([aria-busy])'), null, { timeout: 10_000 });
      await page.keyboard.press('Escape');
      await page.locator('lms-support-widget [role="dialog"]').waitFor({ state: 'hidden', timeout: 5_000 });
      await frames(page);
      assert.deepEqual(await layout(page, [...spec.chromeBoxes, ...spec.chrome]), before,
        `${mode}: the host's chrome is where it was before help opened`);
      for (const [key, v] of Object.entries(await hitTest(page, spec.chrome))) assert.equal(v, 'ok', `${mode} after help: ${key}`);
      // The full stage's banner dismissed: its host shrinks, and the host's chrome goes back.
      const dismiss = page.locator('lms-support-widget .lsw-dismiss');
      assert.ok(await dismiss.count(), `${mode}: the full stage's banner can be dismissed`);
      while (await dismiss.count()) await dismiss.first().click();
      await frames(page);
      assert.deepEqual(await layout(page, [...spec.chromeBoxes, ...spec.chrome]), baseline,
        `${mode}: after dismissal the layout is the page's own`);
    }
    assert.deepEqual(errors, []);
  } finally {
    noWidget = false;
    position = 'push';
    await page.close();
  }
});

test('Moodle: "Help and support" in the footer popover opens the help panel, and no floating launcher shows beside it', { timeout: 60_000 }, async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  keepLauncher = false;
  try {
    writeFeed(phases(Date.now()).upcoming);
    for (const mode of POSITIONS) {
      position = mode;
      await load(page, '/moodle.html', 1280);
      await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
      assert.ok(await page.locator('lms-support-widget .lsw-launcher').isHidden(), 'the floating launcher is hidden while the page has the entry');
      // Boost's "?" button opens a copy of the footer, with the plugin's entry, in a popover.
      await page.locator('.btn-footer-popover').click();
      const entry = page.locator('.popover.footer a[href="#lms-support-help"]');
      await entry.waitFor({ state: 'visible' });
      assert.equal(await entry.textContent(), 'Help and support');
      await entry.click();
      await page.locator('lms-support-widget [role="dialog"]').waitFor({ state: 'visible', timeout: 10_000 });
      assert.ok(!page.url().includes('#'), `the address keeps no fragment: ${page.url()}`);
      // The open panel is over the navbar (the overlay banner is under it only while closed):
      // its close button, in the navbar's band, is ours.
      const closeHit = await page.evaluate(() => {
        const close = document.querySelector('lms-support-widget').shadowRoot.querySelector('.lsw-close');
        const r = close.getBoundingClientRect();
        return { top: r.top, hit: document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.tagName };
      });
      assert.ok(closeHit.top < 60, `${mode}: the close button is in the navbar's band (${closeHit.top})`);
      assert.equal(closeHit.hit, 'LMS-SUPPORT-WIDGET', `${mode}: the panel's close button is covered`);
    }
    assert.deepEqual(errors, []);
  } finally {
    keepLauncher = true;
    position = 'push';
    await page.close();
  }
});

test('Brightspace: a navbar link web component to #lms-support-help (its <a> in its shadow root) opens the help panel', { timeout: 60_000 }, async () => {
  const page = await browser.context.newPage();
  try {
    writeFeed(phases(Date.now()).upcoming);
    await load(page, '/brightspace.html', 1280);
    await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
    // A custom link as an admin adds one to a navbar (rendered after load, as the navbar is).
    await page.evaluate(() => {
      const link = document.createElement('d2l-navigation-link');
      link.setAttribute('href', '#lms-support-help');
      link.setAttribute('text', 'Help and support');
      link.setAttribute('slot', 'right');
      link.textContent = 'Help and support';
      document.querySelector('d2l-navigation-immersive').append(link);
    });
    await page.locator('d2l-navigation-link').click();
    await page.locator('lms-support-widget [role="dialog"]').waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(!page.url().includes('#'), `the address keeps no fragment: ${page.url()}`);
  } finally {
    await page.close();
  }
});
