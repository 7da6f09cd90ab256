// Accessibility, proven: axe-core scans the demo course page, widget included (its shadow root is
// open, so axe walks into it), in every state the widget can be in, for WCAG 2.0 and 2.1 A and
// AA, and expects no violation at all. The same journey runs in five browsers:
//
// - desktop: 1280×800 CSS px, light colours; it also checks that every control reached with Tab
//   shows a focus indicator (axe cannot see focus styles);
// - 320 px: 320×640 CSS px, the WCAG 1.4.10 reflow width (1280 px at 400 % zoom); nothing of ours
//   may stick out sideways;
// - zoom 200 %: what browser zoom does to a 1280×800 window, which is a 640×400 CSS px viewport
//   at 2 device pixels per CSS pixel: media queries, fixed positioning and text all see the
//   zoomed sizes. (CSS `zoom` on <html> would leave the viewport, `position: fixed` and media
//   queries unzoomed, so it proves less.) Also checked for sideways overflow;
// - RTL: the same page served with <html lang="ar" dir="rtl">, so the widget picks Arabic (or
//   falls back to English); the panel and launcher must sit at the left, mirrored;
// - dark: prefers-color-scheme: dark and prefers-reduced-motion: reduce, which have their own
//   colours to get right; focus indicators are checked here too.
//
// Each browser has its own server (its own feed file and ticket database) and starts clean; they
// run one after another (about 12 s each). The banner's phases come from feeds written with
// instants relative to now, which the server re-reads on every request; a reload picks them up.
// Each browser saves target/e2e/a11y-<name>.png (the ticket form with errors) to look at.
// A11Y_ONLY=dark,rtl-ar runs only those browsers.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { agent, launchBrowser, outDir, startServer } from './harness.mjs';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const ALL_VARIANTS = [
  { name: 'desktop', focus: true },
  { name: '320px', context: { viewport: { width: 320, height: 640 } }, reflow: true },
  { name: 'zoom200', context: { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 }, reflow: true },
  { name: 'rtl-ar', lang: 'ar', dir: 'rtl' },
  // The other UI languages, so every state is scanned in all six locales.
  { name: 'es', lang: 'es', dir: 'ltr' },
  { name: 'fr', lang: 'fr', dir: 'ltr' },
  { name: 'pt', lang: 'pt-BR', dir: 'ltr' },
  { name: 'de', lang: 'de', dir: 'ltr' },
  { name: 'dark', context: { colorScheme: 'dark', reducedMotion: 'reduce' }, focus: true },
];
const VARIANTS = ALL_VARIANTS.filter((v) => !process.env.A11Y_ONLY || process.env.A11Y_ONLY.split(',').includes(v.name));

const totals = { states: 0, violations: 0 };
after(() => console.log(`# a11y: ${totals.states} states scanned across ${VARIANTS.length} browsers, ` +
  `${totals.violations} violations`));

/** RFC 3339 instant `ms` from now, to the second. */
const at = (ms) => new Date(Math.floor((Date.now() + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function text(en, ar) {
  return ar ? { en, ar } : { en };
}

function windowItem(id, startMs, endMs, extra = {}) {
  return {
    id, revision: 1, starts_at: at(startMs), ends_at: at(endMs), notice_days: 7, severity: 'major',
    title: text('Planned upgrade of Acme Learn', 'ترقية مجدولة لـ Acme Learn'),
    body: text('Acme Learn will be offline while we upgrade it. Save your work before it starts.',
      'سيكون Acme Learn غير متاح أثناء الترقية. احفظ عملك قبل أن تبدأ.'),
    status: 'scheduled',
    ...extra,
  };
}

const knownIssue = () => ({
  id: 'a11y-known-issue', revision: 1, kind: 'known_issue', status: 'investigating', since: at(-HOUR),
  severity: 'minor', title: text('Video playback is slow', 'تشغيل الفيديو بطيء'),
  body: text('Some lecture videos take a long time to start.'),
});

/** The banner states: feed items, and the phase the first item must show. */
const BANNER_STATES = [
  ['upcoming', { maintenance: [windowItem('a11y-upcoming', 2 * DAY, 2 * DAY + 2 * HOUR)] }, 'upcoming'],
  ['imminent (countdown)', { maintenance: [windowItem('a11y-imminent', 30 * MIN, 2 * HOUR, { severity: 'critical' })] }, 'imminent'],
  ['in progress', { maintenance: [windowItem('a11y-in-progress', -30 * MIN, HOUR)] }, 'in_progress'],
  ['completed', { maintenance: [windowItem('a11y-completed', -3 * HOUR, -HOUR, {
    after: { hours: 24, body: text('The upgrade is complete. Some pages may load slowly.') } })] }, 'completed'],
  ['cancelled', { maintenance: [windowItem('a11y-cancelled', DAY, DAY + HOUR, { status: 'cancelled', severity: 'info' })] }, 'cancelled'],
  ['known issue', { notices: [knownIssue()] }, 'active'],
];

const w = (page, selector) => page.locator(`lms-support-widget ${selector}`);

function ticketNumbers(dataDir) {
  return [...new Set(agent(dataDir, 'list').match(/[A-Z]+-\d{6}/g) || [])];
}

/** One browser's journey through every state. */
class Journey {
  constructor(variant) {
    this.variant = variant;
    this.found = [];
    this.states = [];
    this.focusStops = 0;
  }

  async start() {
    this.server = await startServer({ name: `a11y-${this.variant.name}` });
    this.demoFeed = JSON.parse(readFileSync(this.server.feedPath, 'utf8'));
    this.browser = await launchBrowser(this.variant.context);
    if (this.variant.lang) {
      // The course page as an LMS in that language would serve it.
      const { lang, dir } = this.variant;
      await this.browser.context.route((url) => url.pathname === '/', async (route) => {
        const response = await route.fetch();
        const body = (await response.text()).replace('<html lang="en">', `<html lang="${lang}" dir="${dir}">`);
        assert.ok(body.includes(`lang="${lang}"`), 'the course page has <html lang="en"> to replace');
        await route.fulfill({ response, body });
      });
    }
    this.page = await this.browser.context.newPage();
    this.errors = [];
    this.page.on('pageerror', (e) => this.errors.push(e.message));
  }

  async stop() {
    await this.browser?.close();
    await this.server?.stop();
  }

  writeFeed(changes) {
    writeFileSync(this.server.feedPath, JSON.stringify({ ...this.demoFeed, maintenance: [], notices: [], ...changes }));
  }

  /** Writes a feed, reloads, and waits until the widget has taken it (it shows its cached copy first). */
  async reloadWith(changes, marker) {
    this.writeFeed(changes);
    const fetched = this.page.waitForResponse((r) => r.url().includes('/v1/feed'));
    const loaded = this.page.url() === 'about:blank'
      ? this.page.goto(this.server.url + '/')
      : this.page.reload();
    // Awaited together, so a failure of either reaches the test rather than going unhandled.
    await Promise.all([fetched, loaded]);
    await w(this.page, '.lsw-launcher').waitFor({ state: 'attached' });
    // Taken: the loader keeps the copy in the Cache API (pkg-templates/loader.js, saveFeed).
    await this.page.waitForFunction(async (m) => {
      const cache = await caches.open('lms-support:feed');
      for (const key of await cache.keys()) if ((await (await cache.match(key)).text()).includes(m)) return true;
      return false;
    }, marker);
  }

  /** Runs axe on the whole page and records violations, and anything of ours outside the viewport. */
  async scan(state) {
    const page = this.page;
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
      await page.addScriptTag({ path: AXE_PATH }).catch(() => {});
      // A page with a strict Content-Security-Policy blocks the injected <script>; evaluating
      // the source through the DevTools protocol is not subject to it.
      if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
        await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
      }
    }
    const violations = await page.evaluate(async (tags) => {
      const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.flat().join(' >>> '), summary: n.failureSummary })),
      }));
    }, TAGS);
    this.states.push(state);
    totals.states += 1;
    totals.violations += violations.length;
    for (const v of violations) {
      for (const n of v.nodes) {
        this.found.push(`[${this.variant.name}] ${state}: ${v.id} (${v.impact}) ${n.target}\n    ${v.help}` +
          `\n    ${n.summary.replace(/\n/g, '\n    ')}`);
      }
    }
    if (this.variant.reflow) await this.checkReflow(state);
  }

  /** WCAG 1.4.10: at 320 CSS px nothing of ours needs scrolling sideways. */
  async checkReflow(state) {
    const outside = await this.page.evaluate(() => {
      const root = document.querySelector('lms-support-widget').shadowRoot;
      const width = document.documentElement.clientWidth;
      const out = [];
      for (const el of root.querySelectorAll('*')) {
        if (el.closest('.lsw-hp')) continue; // the honeypot is clipped on purpose
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.left < -1 || r.right > width + 1) {
          out.push(`${el.tagName.toLowerCase()}.${el.className} spans ${Math.round(r.left)}..${Math.round(r.right)} of ${width}`);
        }
      }
      return out;
    });
    for (const o of outside.slice(0, 5)) this.found.push(`[${this.variant.name}] ${state}: reflow: ${o}`);
  }

  /** The panel opens from the inline end: the right edge, or the left one in a right-to-left page. */
  async checkMirroring() {
    const { left, right, width, launcherLeft } = await this.page.evaluate(() => {
      const root = document.querySelector('lms-support-widget').shadowRoot;
      const r = root.querySelector('.lsw-panel').getBoundingClientRect();
      return { left: r.left, right: r.right, width: document.documentElement.clientWidth,
        launcherLeft: root.querySelector('.lsw-launcher').getBoundingClientRect().left };
    });
    const rtl = this.variant.dir === 'rtl';
    const ok = rtl ? left <= 1 && launcherLeft < width / 2 : right >= width - 1 && launcherLeft > width / 2;
    if (!ok) {
      this.found.push(`[${this.variant.name}] help: the panel (${left}..${right} of ${width}) and launcher ` +
        `(at ${launcherLeft}) are not at the ${rtl ? 'left' : 'right'} as the page's direction wants`);
    }
  }

  /** Tabs through the widget from wherever focus is and checks each stop has a visible indicator. */
  async checkFocus(state, limit = 60) {
    if (!this.variant.focus) return;
    const page = this.page;
    await page.evaluate(() => { window.__lswSeen = new WeakSet(); });
    let inside = false;
    let stops = 0;
    const done = () => {
      if (!stops) this.found.push(`[${this.variant.name}] ${state}: Tab never reached the widget`);
      this.focusStops += stops;
    };
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const root = document.querySelector('lms-support-widget').shadowRoot;
        const el = root.activeElement;
        if (!el) return { outside: true };
        if (window.__lswSeen.has(el)) return { again: true };
        window.__lswSeen.add(el);
        const cs = getComputedStyle(el);
        const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
        const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} ` +
          `"${(el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 30)}"`;
        return { name, visible: outline || cs.boxShadow !== 'none' };
      });
      if (stop.again || (stop.outside && inside)) return done();
      if (stop.outside) continue;
      inside = true;
      stops += 1;
      if (!stop.visible) this.found.push(`[${this.variant.name}] ${state}: no visible focus on ${stop.name}`);
    }
    done();
  }

  async typeInto(selector, value) {
    await w(this.page, selector).fill(value);
  }

  async openHelp() {
    await this.page.evaluate(() => window.LmsSupport.open('help'));
    await w(this.page, '[role="dialog"]').waitFor({ state: 'visible' });
  }

  async fileTicket(subject) {
    await this.typeInto('#lsw-t-subject', subject);
    await this.typeInto('#lsw-t-description', 'The quiz says access denied when I press Attempt quiz now.');
    await this.typeInto('#lsw-t-name', 'María Rossi');
    await this.typeInto('#lsw-t-email', 'maria.rossi@acme.example');
    await w(this.page, '.lsw-form button[type="submit"]').click();
  }

  async run() {
    const page = this.page;
    const { dataDir } = this.server;

    // Banner: each phase alone, then all of them behind "+N more", expanded.
    for (const [state, items, phase] of BANNER_STATES) {
      await this.reloadWith(items, items.maintenance?.[0]?.id ?? items.notices[0].id);
      await w(page, `.lsw-item[data-phase="${phase}"]`).waitFor({ state: 'visible' });
      await this.scan(`banner: ${state}`);
    }
    const all = BANNER_STATES.map(([, items]) => items);
    await this.reloadWith({
      maintenance: all.flatMap((i) => i.maintenance || []),
      notices: all.flatMap((i) => i.notices || []),
    }, 'a11y-known-issue');
    await w(page, '.lsw-more').waitFor({ state: 'visible' });
    await this.checkFocus('banner: +N more');
    await w(page, '.lsw-more').click();
    await w(page, '.lsw-more[aria-expanded="true"]').waitFor();
    await this.scan('banner: +N more expanded');
    await this.checkFocus('banner: +N more expanded');

    // Help panel, over the demo feed (a known issue shows as a possible cause).
    await this.reloadWith({ notices: this.demoFeed.notices, maintenance: this.demoFeed.maintenance },
      this.demoFeed.maintenance[0].id);
    await this.openHelp();
    await this.scan('help: empty');
    await this.checkMirroring();
    await w(page, '[data-action="open-my-tickets"]').click();
    await w(page, '.lsw-my-tickets .lsw-empty').waitFor({ state: 'visible' });
    await this.scan('my tickets: none yet');
    await w(page, '.lsw-my-tickets [data-action="back-to-help"]').click();
    await this.typeInto('#lsw-q', 'password');
    await w(page, '.lsw-results .lsw-answer:not([hidden])').first().waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelector('lms-support-widget').shadowRoot
      .querySelector('.lsw-count').textContent.length > 0);
    await this.scan('help: results, best answer open');
    await this.checkFocus('help: results');
    await this.typeInto('#lsw-q', 'qqxxzzvv');
    await w(page, '.lsw-results .lsw-empty').waitFor({ state: 'visible' });
    await this.scan('help: no results');
    await this.typeInto('#lsw-q', '');
    await w(page, '.lsw-topic').first().click();
    await w(page, '.lsw-topic-entries:not([hidden])').first().waitFor({ state: 'visible' });
    await this.scan('help: topic expanded');
    await w(page, '.lsw-topic-entries:not([hidden]) .lsw-question').first().click();
    await w(page, '.lsw-topic-entries .lsw-answer:not([hidden])').first().waitFor({ state: 'visible' });
    await this.scan('help: FAQ answer expanded');

    // Ticket form.
    await w(page, '[data-action="open-ticket"]').click();
    await w(page, '#lsw-t-subject').waitFor({ state: 'visible' });
    await this.scan('ticket: empty');
    await w(page, '.lsw-form button[type="submit"]').click();
    await w(page, '#lsw-t-subject-error:not([hidden])').waitFor({ state: 'visible' });
    await this.scan('ticket: validation errors');
    await page.screenshot({ path: join(outDir, `a11y-${this.variant.name}.png`) });
    await this.checkFocus('ticket: validation errors', 80);
    await w(page, 'input[name="lsw-priority"][value="critical"]').check();
    await w(page, '.lsw-critical-check').waitFor({ state: 'visible' });
    await this.scan('ticket: critical check');
    await w(page, '[data-action="critical-no"]').click();
    await this.typeInto('#lsw-t-subject', 'password reset');
    await w(page, '.lsw-deflect').waitFor({ state: 'visible' });
    await this.scan('ticket: suggested answers');
    const before = ticketNumbers(dataDir);
    await this.fileTicket('Cannot open Quiz 1');
    await w(page, '.lsw-ticket-status[data-state="sent"]').waitFor({ state: 'visible', timeout: 10_000 });
    await this.scan('ticket: sent');
    const number = ticketNumbers(dataDir).find((n) => !before.includes(n));
    assert.ok(number, 'the ticket reached the server');

    // My tickets: an agent replies and resolves; the learner rates.
    agent(dataDir, 'reply', number, 'Your quiz access is fixed; please try again.');
    agent(dataDir, 'resolve', number);
    await w(page, '.lsw-ticket [data-action="back-to-help"]').click();
    await w(page, '[data-action="open-my-tickets"]').click();
    const entry = w(page, `.lsw-my-ticket[data-number="${number}"]`);
    await entry.locator('.lsw-rate').waitFor({ state: 'visible', timeout: 10_000 });
    await this.scan('my tickets: resolved, with reply and rating form');
    await this.checkFocus('my tickets: rating form');
    await entry.locator('input[type="radio"][value="4"]').check();
    await entry.locator('textarea').fill('Quick and clear, thanks.');
    await entry.locator('[data-action="rate"]').click();
    await entry.locator('.lsw-thanks').waitFor({ state: 'visible' });
    await this.scan('my tickets: rating thanks');

    // Queued: the feed points tickets at a port where nothing listens.
    await this.reloadWith({ ...this.demoFeed, support: { ...this.demoFeed.support, api: 'http://127.0.0.1:9/v1' } },
      '127.0.0.1:9/v1');
    await page.evaluate(() => window.LmsSupport.open('ticket'));
    await w(page, '#lsw-t-subject').waitFor({ state: 'visible' });
    await this.fileTicket('Grades page is blank');
    await w(page, '.lsw-ticket-status[data-state="queued"]').waitFor({ state: 'visible', timeout: 10_000 });
    await w(page, '.lsw-handed-ticket[data-state="queued"]').waitFor({ state: 'visible' });
    await this.scan('ticket: queued on this device, shown in the form\'s place');
    await this.checkFocus('ticket: queued ticket shown');
    await w(page, '[data-action="new-ticket"]').click();
    await w(page, '#lsw-t-subject').waitFor({ state: 'visible' });
    await this.scan('ticket: a new draft under the queued ticket');
    await w(page, '.lsw-ticket [data-action="back-to-help"]').click();
    await w(page, '[data-action="open-my-tickets"]').click();
    await w(page, '.lsw-my-ticket[data-state="queued"]').waitFor({ state: 'visible' });
    await this.scan('my tickets: one queued, one rated');

    // Rejected: no usable API at all, so the form shows the fallback contacts.
    await this.reloadWith({ ...this.demoFeed, support: { ...this.demoFeed.support, api: 'ftp://127.0.0.1/v1' } },
      'ftp://127.0.0.1');
    await page.evaluate(() => window.LmsSupport.open('ticket'));
    await w(page, '#lsw-t-subject').waitFor({ state: 'visible' });
    await this.fileTicket('Forum will not load');
    await w(page, '.lsw-ticket-status[data-state="rejected"]').waitFor({ state: 'visible', timeout: 10_000 });
    await this.scan('ticket: rejected, fallback contacts');

    assert.deepEqual(this.errors, [], 'no uncaught errors in the page');
  }
}

describe('axe finds no WCAG 2.1 A/AA violation in any state', { concurrency: 1 }, () => {
  for (const variant of VARIANTS) {
    test(variant.name, async () => {
      let journey;
      for (let attempt = 1; ; attempt++) {
        journey = new Journey(variant);
        try {
          await journey.start();
          await journey.run();
          break;
        } catch (e) {
          // Headless Chromium on this shared machine has, rarely, gone away under a journey
          // ("Target page, context or browser has been closed"). That is not the widget's doing:
          // run the journey once more in a new browser. Any other failure fails the test.
          if (attempt === 1 && /has been closed|Target crashed/.test(String(e?.message))) {
            console.log(`# ${variant.name}: the browser went away (${String(e.message).split('\n')[0]}); running it again`);
            continue;
          }
          throw e;
        } finally {
          await journey.stop();
        }
      }
      assert.equal(journey.found.length, 0,
        `${journey.found.length} problems in ${variant.name}:\n${journey.found.join('\n')}`);
      console.log(`# ${variant.name}: ${journey.states.length} states, no violations` +
        (variant.focus ? `; ${journey.focusStops} focus stops, each with a visible indicator` : ''));
    });
  }
});
