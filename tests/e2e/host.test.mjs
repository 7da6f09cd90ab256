// End to end: the widget on host pages that are hard to live on. The demo pages are served with
// a strict Content-Security-Policy (no inline script or style); one page's theme restyles every
// element with !important; one page swaps <body> like Turbo Drive; two pages look like Canvas
// and Moodle to the LMS adapter.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { agent, launchBrowser, startServer } from './harness.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "connect-src 'self'";

let server, browser;
before(async () => {
  server = await startServer({ name: 'host' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const widget = (page, selector) => page.locator(`lms-support-widget ${selector}`);

/** A new page that records CSP violations, uncaught errors and console errors. */
async function newPage() {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.__cspViolations = [];
    window.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push({
        directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample,
        source: `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      });
    }, true);
  });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  return { page, problems };
}

/** Opens the help panel with the launcher, or on a Moodle page (which has no floating launcher
 *  by default) with "Help and support" in the footer popover, and waits for the dialog. */
async function openHelp(page) {
  if (await page.locator('.btn-footer-popover').count()) {
    await page.locator('.btn-footer-popover').click();
    await page.locator('.popover.footer a[href="#lms-support-help"]').click();
  } else {
    await widget(page, '.lsw-launcher').click();
  }
  await widget(page, '[role="dialog"]').waitFor({ state: 'visible' });
  // The topics are drawn in tasks after the panel shows (read from the feed in steps): measure
  // the panel once they are there.
  await widget(page, '.lsw-browse:not([aria-busy])').waitFor({ state: 'attached', timeout: 10_000 });
}

/** The widget is mounted: its launcher is in the shadow root (hidden on a page with its own entry). */
const mounted = (page) => widget(page, '.lsw-launcher').waitFor({ state: 'attached', timeout: 10_000 });

/** Opens the ticket form from the help panel's "Contact support". */
async function openTicketForm(page) {
  await widget(page, '[data-action="open-ticket"]').click();
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
}

// ------------------------------------------------------------------------------------------
// (a) every demo page works under the strict CSP, with no violation

for (const [path, query, quiet] of [
  ['/', 'password', false],
  ['/es.html', 'contraseña', false],
  ['/quiz.html', 'password', true],
  ['/hostile.html', 'password', false],
  ['/canvas.html', 'password', false],
  ['/moodle.html', 'password', false],
]) {
  test(`${path}: banner, help, search and ticket form under the strict CSP with no violation`, async () => {
    const { page, problems } = await newPage();
    const response = await page.goto(server.url + path);
    assert.equal(response.headers()['content-security-policy'], CSP, 'the page is served with the strict CSP');
    await mounted(page);
    if (!quiet) await widget(page, '.lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForLoadState('networkidle');

    await openHelp(page);
    await widget(page, '#lsw-q').fill(query);
    await page.waitForFunction(() => {
      const root = document.querySelector('lms-support-widget').shadowRoot;
      return root.querySelector('.lsw-results .lsw-faq') || root.querySelector('.lsw-count')?.textContent.trim();
    });
    await openTicketForm(page);
    await widget(page, '#lsw-t-subject').fill('Checking the page under a strict CSP');
    await page.waitForTimeout(300); // violation reports are queued as tasks

    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual(violations, [], `CSP violations on ${path}`);
    assert.deepEqual(problems, [], `problems on ${path}`);
    await page.close();
  });
}

test('/: attaching a screenshot to a ticket shows its preview with no CSP violation', async () => {
  const { page, problems } = await newPage();
  await page.goto(server.url + '/');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible', timeout: 10_000 });
  await openHelp(page);
  await openTicketForm(page);
  // A 1x1 PNG (half transparent). The design's CSP has no blob: or data: (img-src falls back to 'self'), so
  // the preview is drawn on a canvas; it must show the picture's pixels.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await widget(page, 'input[type="file"]').setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: png });
  await page.waitForTimeout(500);
  const result = await page.evaluate(() => ({
    violations: window.__cspViolations,
    previews: [...document.querySelector('lms-support-widget').shadowRoot.querySelectorAll('.lsw-previews canvas')]
      .map((canvas) => ({ alpha: canvas.getContext('2d').getImageData(20, 20, 1, 1).data[3] })),
  }));
  assert.deepEqual(result.violations, [], 'CSP violations while previewing an attachment');
  assert.equal(result.previews.length, 1, 'one preview for one picture');
  assert.ok(result.previews.every((p) => p.alpha > 0), `previews show the picture: ${JSON.stringify(result.previews)}`);
  assert.deepEqual(problems, []);
  await page.close();
});

// ------------------------------------------------------------------------------------------
// (b) the hostile theme does not change the widget's look

/** Geometry and computed style of the widget's parts, in the page's current state. Rects of
 *  fixed parts are against the viewport; the banner against the host element's content box;
 *  parts inside the banner or the panel against their container, so that the host page's own
 *  layout (its body margins) does not count, only what reaches the widget. */
function measure(page, parts) {
  return page.evaluate((parts) => {
    const host = document.querySelector('lms-support-widget');
    const root = host.shadowRoot;
    const PROPS = ['display', 'visibility', 'position', 'box-sizing', 'font-family', 'font-size', 'font-weight',
      'font-style', 'line-height', 'letter-spacing', 'word-spacing', 'text-transform', 'text-align',
      'text-decoration-line', 'color', 'background-color', 'margin-top', 'margin-right', 'margin-bottom',
      'margin-left', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left', 'border-top-width',
      'border-top-style', 'border-top-color', 'border-left-width', 'border-left-style', 'border-radius',
      'opacity', 'cursor'];
    const style = (el) => {
      const cs = getComputedStyle(el);
      return Object.fromEntries(PROPS.map((p) => [p, cs.getPropertyValue(p)]));
    };
    const hs = getComputedStyle(host);
    const hr = host.getBoundingClientRect();
    const px = (v) => parseFloat(v) || 0;
    const content = {
      left: hr.left + px(hs.borderLeftWidth) + px(hs.paddingLeft),
      top: hr.top + px(hs.borderTopWidth) + px(hs.paddingTop),
      right: hr.right - px(hs.borderRightWidth) - px(hs.paddingRight),
    };
    const out = {
      host: Object.fromEntries(['display', 'position', 'box-sizing', 'margin-top', 'margin-left', 'padding-top',
        'padding-left', 'border-top-width', 'font-family', 'font-size', 'line-height', 'letter-spacing', 'color',
        'text-transform', 'visibility'].map((p) => [p, hs.getPropertyValue(p)])),
    };
    for (const [name, selector, anchor] of parts) {
      const el = root.querySelector(selector);
      if (!el) { out[name] = 'missing'; continue; }
      const r = el.getBoundingClientRect();
      let box;
      if (anchor === 'viewport') {
        box = { x: r.x, y: r.y, w: r.width, h: r.height };
      } else if (anchor === 'host') {
        box = { left: r.left - content.left, top: r.top - content.top, right: content.right - r.right, h: r.height };
      } else {
        const a = root.querySelector(anchor).getBoundingClientRect();
        // Centre-x, so a part centred in a container of another width still matches.
        box = { cx: (r.left + r.right) / 2 - (a.left + a.right) / 2, y: r.top - a.top, w: r.width, h: r.height };
      }
      out[name] = { box, style: style(el) };
    }
    return out;
  }, parts);
}

/** Differences between two measures: rect values beyond 1 px, any style value. */
function differences(expected, actual, prefix = '') {
  const diffs = [];
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const e = expected[key];
    const a = actual[key];
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof e === 'number' && typeof a === 'number') {
      if (Math.abs(e - a) > 1) diffs.push(`${name}: ${e.toFixed(1)} on index.html, ${a.toFixed(1)} on hostile.html`);
    } else if (e && a && typeof e === 'object' && typeof a === 'object') {
      diffs.push(...differences(e, a, name));
    } else if (e !== a) {
      diffs.push(`${name}: ${JSON.stringify(e)} on index.html, ${JSON.stringify(a)} on hostile.html`);
    }
  }
  return diffs;
}

const BANNER_PARTS = [
  ['launcher', '.lsw-launcher', 'viewport'],
  ['banner', '.lsw-banner', 'host'],
  ['item', '.lsw-item', '.lsw-banner'],
  ['heading', '.lsw-item .lsw-heading', '.lsw-item'],
  ['title', '.lsw-item .lsw-title', '.lsw-item'],
  ['dismiss', '.lsw-item .lsw-dismiss', '.lsw-item'],
];
const PANEL_PARTS = [
  ['panel', '.lsw-panel', 'viewport'],
  ['backdrop', '.lsw-backdrop', 'viewport'],
  ['panel-title', '.lsw-panel-title', '.lsw-panel'],
  ['close', '.lsw-close', '.lsw-panel'],
  ['search', '#lsw-q', '.lsw-panel'],
  ['search-label', '.lsw-search-label', '.lsw-panel'],
  ['contact-button', '[data-action="open-ticket"]', '.lsw-panel'],
];
const FORM_PARTS = [
  ['panel', '.lsw-panel', 'viewport'],
  ['subject', '#lsw-t-subject', '.lsw-panel'],
  ['description', '#lsw-t-description', '.lsw-panel'],
  ['email', '#lsw-t-email', '.lsw-panel'],
  ['submit', '.lsw-form button[type="submit"]', '.lsw-panel'],
  ['context', '.lsw-context-list', '.lsw-panel'],
];

async function measureJourney(path) {
  const { page, problems } = await newPage();
  await page.goto(server.url + path);
  await widget(page, '.lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  const banner = await measure(page, BANNER_PARTS);
  await openHelp(page);
  const panel = await measure(page, PANEL_PARTS);
  await openTicketForm(page);
  const form = await measure(page, FORM_PARTS);
  await page.screenshot({ path: `${server.dataDir}/../${path.replace(/\W/g, '') || 'index'}-form.png` });
  assert.deepEqual(problems, [], `problems on ${path}`);
  await page.close();
  return { banner, panel, form };
}

test('hostile.html: a theme that restyles everything with !important does not change the widget', async () => {
  const reference = await measureJourney('/');
  const hostile = await measureJourney('/hostile.html');
  // A banner item is centred with auto inline margins (max-width 1152px): its margins follow the
  // host page's body width, which the hostile theme changes; its width and centre are compared.
  const centred = /^banner\.item\.style\.margin-(left|right):/;
  const diffs = differences(reference, hostile).filter((d) => !centred.test(d));
  assert.deepEqual(diffs, [], `the hostile theme reaches the widget:\n  ${diffs.join('\n  ')}`);
});

// ------------------------------------------------------------------------------------------
// (c) Turbo Drive-style navigation keeps exactly one working widget

async function assertOneWorkingWidget(page, where) {
  await page.waitForFunction(() => {
    const hosts = document.querySelectorAll('lms-support-widget');
    return hosts.length === 1 && document.body.contains(hosts[0]);
  }, null, { timeout: 5_000 }).catch(() => {});
  const state = await page.evaluate(() => {
    const hosts = [...document.querySelectorAll('lms-support-widget')];
    return { count: hosts.length, inBody: hosts.map((h) => document.body.contains(h)) };
  });
  assert.equal(state.count, 1, `${where}: exactly one lms-support-widget (found ${state.count})`);
  assert.deepEqual(state.inBody, [true], `${where}: the widget is inside the current body`);
  await widget(page, '.lsw-item').first().waitFor({ state: 'visible', timeout: 5_000 });
  await openHelp(page);
  assert.ok(await widget(page, '.lsw-panel').isVisible(), `${where}: the help panel opens`);
  await page.keyboard.press('Escape');
  await widget(page, '[role="dialog"]').waitFor({ state: 'hidden' });
}

test('turbo.html: after a Turbo-style body swap, and back, there is exactly one working widget', async () => {
  const { page, problems } = await newPage();
  await page.goto(server.url + '/turbo.html');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForLoadState('networkidle');
  await assertOneWorkingWidget(page, 'turbo.html');
  await page.evaluate(() => { window.__sameDocument = true; });

  await page.locator('#next').click();
  await page.waitForFunction(() => location.pathname === '/turbo-2.html' && document.title.startsWith('Week 2'));
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the visit did not reload the page');
  await assertOneWorkingWidget(page, 'after the visit to turbo-2.html');

  await page.goBack();
  await page.waitForFunction(() => location.pathname === '/turbo.html' && document.title.startsWith('Week 1'));
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'going back did not reload the page');
  await assertOneWorkingWidget(page, 'after going back to turbo.html');
  assert.equal(await page.evaluate(() => performance.getEntriesByName('lms-support:script-start').length), 1,
    'the loader ran once');
  assert.deepEqual(problems, []);
  await page.close();
});

// ------------------------------------------------------------------------------------------
// (d) the LMS adapters: what the learner sees before sending, and what never leaves the page

/** The consent list of captured context, as `{label: value}`. */
async function capturedContext(page) {
  await widget(page, '.lsw-context-list li').first().waitFor({ state: 'visible' });
  return page.evaluate(() => Object.fromEntries(
    [...document.querySelector('lms-support-widget').shadowRoot.querySelectorAll('.lsw-context-list li')]
      .map((li) => [li.querySelector('.lsw-ctx-key').textContent.replace(/:\s*$/, ''),
        li.querySelector('.lsw-ctx-value').textContent])));
}

/** Everything the widget holds: its shadow DOM's markup and text, form values, the host
 *  element's attributes, and this origin's storage. */
function everythingTheWidgetHolds(page) {
  return page.evaluate(() => {
    const host = document.querySelector('lms-support-widget');
    const root = host.shadowRoot;
    const values = [...root.querySelectorAll('input, textarea, select')].map((el) => el.value);
    const storage = [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`));
    return [host.outerHTML, root.innerHTML, root.textContent, ...values, ...storage].join('\n');
  });
}

test('canvas.html: the ticket form shows the Canvas course id and the learner', async () => {
  const { page, problems } = await newPage();
  await page.goto(server.url + '/canvas.html');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForLoadState('networkidle');
  await openHelp(page);
  await openTicketForm(page);
  const context = await capturedContext(page);
  assert.equal(context['Course id'], '4242', `course id shown: ${JSON.stringify(context)}`);
  assert.equal(context.LMS?.toLowerCase(), 'canvas', `LMS shown: ${JSON.stringify(context)}`);
  assert.match(context.Role ?? '', /student/i, `role shown: ${JSON.stringify(context)}`);
  const name = widget(page, '#lsw-t-name');
  if (await name.count()) assert.equal(await name.inputValue(), 'Ana Learner', 'the name is prefilled from ENV');
  assert.deepEqual(problems, []);
  await page.close();
});

test('moodle.html: the ticket form shows the Moodle course id and the sesskey never appears', async () => {
  const { page, problems } = await newPage();
  await page.goto(server.url + '/moodle.html');
  await mounted(page);
  await page.waitForLoadState('networkidle');
  await openHelp(page);
  await openTicketForm(page);
  const context = await capturedContext(page);
  assert.equal(context['Course id'], '88', `course id shown: ${JSON.stringify(context)}`);
  assert.equal(context.LMS?.toLowerCase(), 'moodle', `LMS shown: ${JSON.stringify(context)}`);
  assert.ok(!(await everythingTheWidgetHolds(page)).includes('SECRET123'), 'the sesskey is nowhere in the widget');

  // Send it: the stored ticket has the course id and not the sesskey.
  await widget(page, '#lsw-t-subject').fill('Cannot see Topic 2');
  await widget(page, '#lsw-t-description').fill('The DNA topic is empty for me.');
  await widget(page, '#lsw-t-email').fill('jo.student@acme.example');
  await widget(page, '.lsw-form button[type="submit"]').click();
  const status = widget(page, '.lsw-ticket-status[data-state="sent"]');
  await status.waitFor({ state: 'visible', timeout: 10_000 });
  const number = (await status.textContent()).match(/[A-Z]+-\d{6}/)?.[0];
  assert.ok(number, 'a ticket number is shown');
  const stored = agent(server.dataDir, 'show', number);
  assert.match(stored, /\b88\b/, `the stored ticket has the course id:\n${stored}`);
  assert.ok(!stored.includes('SECRET123'), `the stored ticket has no sesskey:\n${stored}`);
  assert.ok(!(await everythingTheWidgetHolds(page)).includes('SECRET123'), 'nor the widget after sending');
  assert.deepEqual(problems, []);
  await page.close();
});
