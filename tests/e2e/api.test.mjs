// End to end: the JavaScript API a host page uses (design §2), `window.LmsSupport`:
// version, open("help" | "ticket"), close(), prefill({...}), setLocale(tag), on(name, fn) -> off,
// destroy(); and the events, both as `lms-support:<name>` CustomEvents on window and through
// on(name, fn): ready {version}, banner-shown {ids}, open {part}, close, ticket-submitted
// {number, …}, ticket-queued, error {kind, message}.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer } from './harness.mjs';

const EVENTS = ['ready', 'banner-shown', 'open', 'close', 'ticket-submitted', 'ticket-queued', 'error'];

let server, browser;
before(async () => {
  server = await startServer({ name: 'api' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const widget = (page, selector) => page.locator(`lms-support-widget ${selector}`);

/** In the page, before any of its scripts: records every widget event twice, from window
 *  (`window.__events`) and from LmsSupport.on (`window.__onEvents`, subscribed the moment the
 *  loader script has run), and what LmsSupport looked like then (`window.__apiAtLoad`). */
function recordEvents(names) {
  window.__events = [];
  window.__onEvents = [];
  window.__apiAtLoad = null;
  const clone = (d) => { try { return d === undefined ? null : JSON.parse(JSON.stringify(d)); } catch { return String(d); } };
  for (const name of names) {
    window.addEventListener(`lms-support:${name}`, (e) => {
      window.__events.push({ name, detail: clone(e.detail), at: performance.now(), isCustom: e instanceof CustomEvent });
    });
  }
  let subscribed = false;
  const subscribe = () => {
    if (subscribed || !window.LmsSupport) return;
    subscribed = true;
    const api = window.LmsSupport;
    window.__apiAtLoad = {
      keys: Object.keys(api),
      types: Object.fromEntries(['version', 'open', 'close', 'prefill', 'setLocale', 'on', 'destroy']
        .map((k) => [k, typeof api[k]])),
      version: api.version,
      widgetInPage: !!document.querySelector('lms-support-widget:not([inert])'), // not the loader's drawing
      offs: [],
    };
    if (typeof api.on !== 'function') return;
    for (const name of names) {
      const off = api.on(name, (detail) => {
        window.__onEvents.push({ name, detail: clone(detail), at: performance.now() });
      });
      window.__apiAtLoad.offs.push(typeof off);
    }
  };
  // A script's load event fires right after it ran: the earliest moment LmsSupport can exist.
  document.addEventListener('load', (e) => {
    if (e.target instanceof HTMLScriptElement && /\/loader\.js(\?|$)/.test(e.target.src)) subscribe();
  }, true);
  document.addEventListener('DOMContentLoaded', subscribe);
}

/** A new page recording events and uncaught errors. */
async function newPage() {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(recordEvents, EVENTS);
  return { page, errors };
}

/** Holds every .wasm response back by `ms`. */
async function delayWasm(page, ms) {
  await page.route('**/*.wasm', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue().catch(() => {});
  });
}

const names = (list) => list.map((e) => e.name);
const events = (page) => page.evaluate(() => ({ window: window.__events, on: window.__onEvents }));

async function waitForEvent(page, name, count = 1) {
  await page.waitForFunction(([n, c]) => window.__events.filter((e) => e.name === n).length >= c
    && window.__onEvents.filter((e) => e.name === n).length >= c, [name, count], { timeout: 10_000 })
    .catch(async () => {
      const seen = await events(page);
      throw new Error(`no ${name} event (x${count}); window saw [${names(seen.window)}], on() saw [${names(seen.on)}]`);
    });
}

async function fillAndSend(page, subject) {
  await widget(page, '#lsw-t-subject').fill(subject);
  await widget(page, '#lsw-t-description').fill('The quiz says access denied when I press Attempt quiz now.');
  await widget(page, '#lsw-t-email').fill('maria.rossi@acme.example');
  await widget(page, '.lsw-form button[type="submit"]').click();
}

test('LmsSupport exists with its whole API as soon as the loader has run, before the Wasm', async () => {
  const { page, errors } = await newPage();
  await delayWasm(page, 1500);
  await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
  const api = await page.evaluate(() => window.__apiAtLoad);
  assert.ok(api, 'window.LmsSupport exists when the loader script has run');
  assert.equal(api.widgetInPage, false, 'the Wasm was held back, so this is before the widget mounted');
  assert.deepEqual(api.types, {
    version: 'string', open: 'function', close: 'function', prefill: 'function', setLocale: 'function',
    on: 'function', destroy: 'function',
  });
  assert.match(api.version, /^\d+\.\d+\.\d+/, 'version is a semver string');
  assert.ok(api.offs.length > 0 && api.offs.every((t) => t === 'function'), 'on() returns an unsubscribe function');
  await waitForEvent(page, 'ready');
  assert.deepEqual(errors, []);
  await page.close();
});

test('open("ticket") from code shows the ticket form', async () => {
  const { page, errors } = await newPage();
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await page.evaluate(() => window.LmsSupport.open('ticket'));
  await widget(page, '[role="dialog"]').waitFor({ state: 'visible' });
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
  await page.evaluate(() => window.LmsSupport.close());
  await widget(page, '[role="dialog"]').waitFor({ state: 'hidden' });
  await page.evaluate(() => window.LmsSupport.open('help'));
  await widget(page, '#lsw-q').waitFor({ state: 'visible' });
  assert.equal(await widget(page, '#lsw-t-subject').isVisible(), false, 'open("help") shows help, not the form');
  assert.deepEqual(errors, []);
  await page.close();
});

test('prefill() then open("ticket") shows the prefilled fields', async () => {
  const { page, errors } = await newPage();
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await page.evaluate(() => {
    window.LmsSupport.prefill({
      subject: 'Quiz 3 will not submit',
      description: 'The Submit button on Quiz 3 spins forever.',
      priority: 'high',
      category: 'grades',
      name: 'María Rossi',
      email: 'maria.rossi@acme.example',
    });
    window.LmsSupport.open('ticket');
  });
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
  assert.equal(await widget(page, '#lsw-t-subject').inputValue(), 'Quiz 3 will not submit');
  assert.equal(await widget(page, '#lsw-t-description').inputValue(), 'The Submit button on Quiz 3 spins forever.');
  assert.equal(await widget(page, '#lsw-t-name').inputValue(), 'María Rossi');
  assert.equal(await widget(page, '#lsw-t-email').inputValue(), 'maria.rossi@acme.example');
  assert.equal(await widget(page, '#lsw-t-category').inputValue(), 'grades');
  assert.equal(await widget(page, '#lsw-t-priority input[type="radio"][value="high"]').isChecked(), true,
    'the prefilled priority is checked');
  assert.deepEqual(errors, []);
  await page.close();
});

test('events arrive on window and through on(), in order: ready, open, ticket-submitted, close', async () => {
  const { page, errors } = await newPage();
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await waitForEvent(page, 'banner-shown');
  await page.evaluate(() => window.LmsSupport.open('ticket'));
  await waitForEvent(page, 'open');
  await fillAndSend(page, 'Cannot open Quiz 1');
  await waitForEvent(page, 'ticket-submitted');
  await page.evaluate(() => window.LmsSupport.close());
  await waitForEvent(page, 'close');

  const seen = await events(page);
  const version = await page.evaluate(() => window.LmsSupport.version);
  for (const [channel, list] of Object.entries(seen)) {
    const order = names(list).filter((n) => ['ready', 'open', 'ticket-submitted', 'close'].includes(n));
    assert.deepEqual(order, ['ready', 'open', 'ticket-submitted', 'close'], `${channel}: ${names(list)}`);
    assert.equal(names(list).filter((n) => n === 'ready').length, 1, `${channel}: ready fires once`);
    const byName = (n) => list.find((e) => e.name === n);
    assert.deepEqual(byName('ready').detail, { version }, `${channel}: ready carries the version`);
    const shown = byName('banner-shown').detail;
    assert.ok(Array.isArray(shown?.ids) && shown.ids.length > 0, `${channel}: banner-shown has ids: ${JSON.stringify(shown)}`);
    assert.ok(shown.ids.every((id) => typeof id === 'string'));
    assert.equal(byName('open').detail?.part, 'ticket', `${channel}: open says which part`);
    assert.match(String(byName('ticket-submitted').detail?.number), /^[A-Z]+-\d{6}$/,
      `${channel}: ticket-submitted has the number: ${JSON.stringify(byName('ticket-submitted').detail)}`);
    assert.equal(list.filter((e) => e.name === 'error').length, 0, `${channel}: no error event`);
  }
  assert.ok(seen.window.every((e) => e.isCustom), 'window events are CustomEvents');
  assert.deepEqual(seen.on.map((e) => [e.name, e.detail]), seen.window.map((e) => [e.name, e.detail]),
    'on() handlers get the same events with the same details as window listeners');
  const shownNumber = (await widget(page, '.lsw-ticket-status').textContent()).match(/[A-Z]+-\d{6}/)?.[0];
  assert.equal(seen.window.find((e) => e.name === 'ticket-submitted').detail.number, shownNumber,
    'the event carries the number the learner sees');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the launcher and Escape emit open {part: "help"} and close too', async () => {
  const { page, errors } = await newPage();
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await widget(page, '.lsw-launcher').click();
  await waitForEvent(page, 'open');
  await page.keyboard.press('Escape');
  await waitForEvent(page, 'close');
  const seen = await events(page);
  assert.deepEqual(seen.window.find((e) => e.name === 'open').detail, { part: 'help' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('on() returns a function that unsubscribes; window events keep coming', async () => {
  const { page, errors } = await newPage();
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  const result = await page.evaluate(async () => {
    const got = [];
    const off = window.LmsSupport.on('open', (detail) => got.push(detail));
    window.LmsSupport.open('help');
    await new Promise((r) => setTimeout(r, 200));
    window.LmsSupport.close();
    off();
    off(); // twice is harmless
    window.LmsSupport.open('help');
    await new Promise((r) => setTimeout(r, 200));
    return { got: got.length, windowOpens: window.__events.filter((e) => e.name === 'open').length };
  });
  assert.equal(result.got, 1, 'the handler ran once, before off()');
  assert.equal(result.windowOpens, 2, 'window listeners saw both opens');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a ticket that cannot be sent emits ticket-queued; a feed that fails emits error {kind, message}', async () => {
  const { page } = await newPage();
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await page.waitForLoadState('networkidle');
  await page.route('**/v1/tickets', (route) => route.abort('connectionrefused'));
  await page.evaluate(() => window.LmsSupport.open('ticket'));
  await fillAndSend(page, 'Grades page is blank');
  await waitForEvent(page, 'ticket-queued');
  assert.equal((await events(page)).window.filter((e) => e.name === 'ticket-submitted').length, 0);
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('lms-support:outbox:'))
    .forEach((k) => localStorage.removeItem(k)));
  await page.close();

  const second = await newPage();
  await second.page.route('**/v1/feed*', (route) => route.fulfill({ status: 500, body: 'boom' }));
  await second.page.goto(server.url + '/');
  await waitForEvent(second.page, 'error');
  const error = (await events(second.page)).window.find((e) => e.name === 'error').detail;
  assert.equal(typeof error?.kind, 'string', JSON.stringify(error));
  assert.ok(error.kind.length > 0);
  assert.equal(typeof error.message, 'string');
  assert.deepEqual(second.errors, []);
  await second.page.close();
});

test('setLocale() switches the widget language live', async () => {
  const { page, errors } = await newPage();
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await widget(page, '.lsw-item').first().waitFor({ state: 'visible' });
  await page.evaluate(() => window.LmsSupport.setLocale('es'));
  await page.waitForFunction(() => document.querySelector('lms-support-widget')?.getAttribute('lang') === 'es');
  const heading = widget(page, '.lsw-item .lsw-heading').first();
  await heading.waitFor({ state: 'visible' });
  assert.ok(['Mantenimiento programado', 'Problema conocido', 'Mantenimiento cancelado'].includes(await heading.textContent()),
    `heading in Spanish: ${await heading.textContent()}`);
  assert.equal(await page.locator('lms-support-widget').count(), 1);
  await page.waitForTimeout(300);
  const seen = await events(page);
  assert.equal(names(seen.window).filter((n) => n === 'ready').length, 1, 'ready fires once per page, not per remount');
  assert.equal(names(seen.on).filter((n) => n === 'ready').length, 1, 'on() handlers survive setLocale() and see one ready');
  assert.deepEqual(errors, []);
  await page.close();
});

// The full stage speaks English only; the loader fetches the learner's other language beside
// it (lms_support_full-<lang>.<hash>.json) and again on setLocale.
test('the help panel speaks the learner\'s language, its strings fetched beside the full stage', async () => {
  const { page, errors } = await newPage();
  const fetched = [];
  page.on('request', (r) => {
    const m = r.url().match(/\/lms_support_full-(\w+)\.[0-9a-f]{12}\.json$/);
    if (m) fetched.push(m[1]);
  });
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await page.evaluate(() => window.LmsSupport.setLocale('es-MX'));
  await page.evaluate(() => window.LmsSupport.open('help'));
  const title = widget(page, '.lsw-panel-title');
  await title.waitFor({ state: 'visible' });
  assert.equal(await title.textContent(), 'Ayuda y soporte');
  await page.evaluate(() => window.LmsSupport.setLocale('ar'));
  await page.waitForFunction(() => document.querySelector('lms-support-widget')?.getAttribute('lang') === 'ar');
  await title.waitFor({ state: 'visible' });
  assert.equal(await title.textContent(), 'المساعدة والدعم');
  assert.equal(await page.locator('lms-support-widget').getAttribute('dir'), 'rtl');
  // A language we do not speak is English, with no file to fetch.
  await page.evaluate(() => window.LmsSupport.setLocale('zh'));
  await page.waitForFunction(() => document.querySelector('lms-support-widget')?.getAttribute('lang') === 'en');
  await title.waitFor({ state: 'visible' });
  assert.equal(await title.textContent(), 'Help and support');
  assert.deepEqual(fetched, ['es', 'ar']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('setLocale() while the full stage is still loading opens help in the new language', async () => {
  const { page, errors } = await newPage();
  await delayWasm(page, 800);
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  // The full stage is on its way (held back 800 ms) when the language changes.
  await page.evaluate(() => window.LmsSupport.open('help'));
  await page.waitForTimeout(200);
  await page.evaluate(() => window.LmsSupport.setLocale('fr'));
  const title = widget(page, '.lsw-panel-title');
  await title.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await title.textContent(), 'Aide et assistance');
  assert.equal(await page.locator('lms-support-widget').getAttribute('lang'), 'fr');
  assert.deepEqual(errors, []);
  await page.close();
});

test('when the learner\'s strings cannot be fetched, the help panel opens in English', async () => {
  const { page, errors } = await newPage();
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.route(/\/lms_support_full-de\.[0-9a-f]{12}\.json$/, (route) => route.abort());
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await page.evaluate(() => window.LmsSupport.setLocale('de'));
  await page.evaluate(() => window.LmsSupport.open('help'));
  const title = widget(page, '.lsw-panel-title');
  await title.waitFor({ state: 'visible' });
  assert.equal(await title.textContent(), 'Help and support');
  assert.equal(await page.locator('lms-support-widget').getAttribute('lang'), 'en');
  assert.ok(warnings.some((w) => w.includes('[lms-support] could not load the "de" strings; showing English')), warnings.join('\n'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('calls made before the widget is ready are replayed once it is', async () => {
  const { page, errors } = await newPage();
  await delayWasm(page, 1500);
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      // The widget's own host: the loader's drawing of the last banner (inert) is not it.
      window.__earlyCall = { mountedThen: !!document.querySelector('lms-support-widget:not([inert])'), at: performance.now() };
      window.LmsSupport.prefill({ subject: 'Quiz 3 will not submit', description: 'Pressed Submit, nothing happens.' });
      window.LmsSupport.open('ticket');
    });
  });
  await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible', timeout: 15_000 });
  const early = await page.evaluate(() => window.__earlyCall);
  assert.equal(early?.mountedThen, false, 'the calls were made before the widget mounted');
  assert.equal(await widget(page, '[role="dialog"]').isVisible(), true);
  assert.equal(await widget(page, '#lsw-t-subject').inputValue(), 'Quiz 3 will not submit');
  assert.equal(await widget(page, '#lsw-t-description').inputValue(), 'Pressed Submit, nothing happens.');
  const readyAt = (await events(page)).window.find((e) => e.name === 'ready')?.at;
  assert.ok(readyAt > early.at + 1000, 'ready came after the held-back Wasm');
  assert.deepEqual(errors, []);
  await page.close();
});

// ------------------------------------------------------------------------------------------
// destroy()

/** In the page, before any of its scripts: counts what is live — event listeners per target,
 *  timeouts, intervals, animation frames, observers — by wrapping the APIs that create and
 *  remove them. Only what the widget made counts (the call stack goes through the loader, the
 *  widget's module or its Wasm), so Playwright's own helpers in the page do not. `window.__live()`
 *  returns the counts; listeners on nodes no longer in the document are not counted (they go
 *  with their nodes). */
function trackLiveResources() {
  const fromWidget = () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 100;
    const stack = new Error().stack || '';
    Error.stackTraceLimit = limit;
    return /\/widget\/|lms_support_widget|wasm-function|\.wasm/.test(stack);
  };
  const origAdd = EventTarget.prototype.addEventListener;
  const origRemove = EventTarget.prototype.removeEventListener;
  const listeners = new Map(); // target -> Map(key -> {type, capture})
  const ids = new WeakMap();
  let nextId = 1;
  const idOf = (fn) => {
    if (fn === null || (typeof fn !== 'function' && typeof fn !== 'object')) return String(fn);
    if (!ids.has(fn)) ids.set(fn, nextId++);
    return ids.get(fn);
  };
  const captureOf = (options) => (typeof options === 'boolean' ? options : !!(options && options.capture));
  const forget = (target, key) => {
    const entries = listeners.get(target);
    if (entries) { entries.delete(key); if (entries.size === 0) listeners.delete(target); }
  };
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    const result = origAdd.call(this, type, listener, options);
    if (!listener || !fromWidget()) return result;
    const capture = captureOf(options);
    const key = `${type}|${capture}|${idOf(listener)}`;
    if (!listeners.has(this)) listeners.set(this, new Map());
    listeners.get(this).set(key, { type, capture });
    const target = this;
    if (options && typeof options === 'object') {
      if (options.once) origAdd.call(this, type, () => forget(target, key), { once: true, capture });
      if (options.signal) {
        if (options.signal.aborted) forget(target, key);
        else origAdd.call(options.signal, 'abort', () => forget(target, key), { once: true });
      }
    }
    return result;
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    forget(this, `${type}|${captureOf(options)}|${idOf(listener)}`);
    return origRemove.call(this, type, listener, options);
  };

  const timeouts = new Set();
  const intervals = new Set();
  const frames = new Set();
  const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = window;
  const raf = window.requestAnimationFrame;
  const caf = window.cancelAnimationFrame;
  window.setTimeout = function (fn, ms, ...args) {
    let id;
    const wrapped = typeof fn === 'function' ? function () { timeouts.delete(id); return fn.apply(this, args); } : fn;
    id = st.call(window, wrapped, ms);
    if (fromWidget()) timeouts.add(id);
    return id;
  };
  window.clearTimeout = function (id) { timeouts.delete(id); return ct.call(window, id); };
  window.setInterval = function (...a) { const id = si.apply(window, a); if (fromWidget()) intervals.add(id); return id; };
  window.clearInterval = function (id) { intervals.delete(id); return ci.call(window, id); };
  window.requestAnimationFrame = function (fn) {
    let id;
    id = raf.call(window, (t) => { frames.delete(id); fn(t); });
    if (fromWidget()) frames.add(id);
    return id;
  };
  window.cancelAnimationFrame = function (id) { frames.delete(id); return caf.call(window, id); };

  const observers = {};
  for (const name of ['MutationObserver', 'ResizeObserver', 'IntersectionObserver']) {
    const Ctor = window[name];
    if (!Ctor) continue;
    const live = new Set();
    observers[name] = live;
    const observe = Ctor.prototype.observe;
    const disconnect = Ctor.prototype.disconnect;
    Ctor.prototype.observe = function (...a) { if (fromWidget()) live.add(this); return observe.apply(this, a); };
    Ctor.prototype.disconnect = function () { live.delete(this); return disconnect.call(this); };
  }

  const describe = (t) => {
    if (t === window) return 'window';
    if (t === document) return 'document';
    if (t instanceof Element) return `<${t.localName}${t.id ? `#${t.id}` : ''}>`;
    if (t instanceof ShadowRoot) return '#shadow-root';
    return Object.prototype.toString.call(t).slice(8, -1);
  };
  window.__live = () => {
    const byTarget = {};
    for (const [target, entries] of listeners) {
      if (target instanceof Node && !target.isConnected) continue;
      for (const { type } of entries.values()) {
        const k = `${describe(target)} ${type}`;
        byTarget[k] = (byTarget[k] || 0) + 1;
      }
    }
    return {
      listeners: byTarget,
      timeouts: timeouts.size,
      intervals: intervals.size,
      animationFrames: frames.size,
      observers: Object.fromEntries(Object.entries(observers).map(([k, v]) => [k, v.size])),
    };
  };
  origAdd.call(document, 'DOMContentLoaded', () => {
    window.__baseline = window.__live();
    window.__baselineBeforeMount = !document.querySelector('lms-support-widget');
  });
}

/** What `after` has more of than `before`: listeners per target and type, timers, observers. */
function extras(before, after) {
  const out = [];
  for (const [k, n] of Object.entries(after.listeners)) {
    if (n > (before.listeners[k] || 0)) out.push(`${n - (before.listeners[k] || 0)} listener(s) for ${k}`);
  }
  for (const k of ['timeouts', 'intervals', 'animationFrames']) {
    if (after[k] > before[k]) out.push(`${after[k] - before[k]} ${k}`);
  }
  for (const [k, n] of Object.entries(after.observers)) {
    if (n > (before.observers[k] || 0)) out.push(`${n - (before.observers[k] || 0)} ${k}(s) observing`);
  }
  return out;
}

test('destroy() removes every node, listener, timer and observer; later calls do nothing', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Only window listeners record events here: on() subscriptions are the host's own, and whether
  // destroy() drops them is not what this test is about.
  await page.addInitScript(trackLiveResources);
  await page.addInitScript(() => {
    // No banner snapshot from the tests before: the baseline is the page with the loader only
    // (a snapshot's host fit would hide a leak of the same listeners by the widget's).
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith('lms-support:banner-view:')) localStorage.removeItem(key);
    }
    window.__ready = false;
    window.addEventListener('lms-support:ready', () => { window.__ready = true; });
  });
  // The baseline is taken at DOMContentLoaded: the loader has run, the Wasm is still held back.
  await delayWasm(page, 1000);
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__ready, null, { timeout: 10_000 });
  await widget(page, '.lsw-item').first().waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  const baseline = await page.evaluate(() => window.__baseline);
  assert.ok(baseline, 'a baseline was taken');
  assert.equal(await page.evaluate(() => window.__baselineBeforeMount), true,
    'the baseline is from before the widget mounted');

  // Use it, so that every part has set up what it needs.
  await widget(page, '.lsw-launcher').click();
  await widget(page, '#lsw-q').fill('password');
  await widget(page, '.lsw-results .lsw-faq').first().waitFor({ state: 'visible' });
  await widget(page, '[data-action="open-ticket"]').click();
  await widget(page, '#lsw-t-subject').fill('A draft');
  await page.keyboard.press('Escape');
  const mounted = await page.evaluate(() => window.__live());
  assert.ok(extras(baseline, mounted).length > 0, 'the tracking sees what the mounted widget set up');

  await page.evaluate(() => window.LmsSupport.destroy());
  await page.waitForTimeout(500);
  const afterDestroy = await page.evaluate(() => window.__live());
  assert.equal(await page.locator('lms-support-widget').count(), 0, 'no lms-support-widget left');
  assert.deepEqual(extras(baseline, afterDestroy), [],
    `live after destroy() beyond what was live before the widget mounted (baseline ${JSON.stringify(baseline)}; `
    + `while mounted ${JSON.stringify(mounted)}; after ${JSON.stringify(afterDestroy)})`);

  // Calls after destroy do nothing and throw nothing.
  const later = await page.evaluate(async () => {
    const thrown = [];
    for (const call of [
      () => window.LmsSupport.open('ticket'), () => window.LmsSupport.open('help'), () => window.LmsSupport.close(),
      () => window.LmsSupport.prefill({ subject: 'x' }), () => window.LmsSupport.setLocale('es'),
      () => window.LmsSupport.destroy(),
    ]) {
      try { call(); } catch (e) { thrown.push(String(e)); }
    }
    await new Promise((r) => setTimeout(r, 500));
    return { thrown, hosts: document.querySelectorAll('lms-support-widget').length, live: window.__live() };
  });
  assert.deepEqual(later.thrown, []);
  assert.equal(later.hosts, 0, 'open() after destroy() does not bring the widget back');
  assert.deepEqual(extras(baseline, later.live), [], 'nor anything else');
  assert.equal(errors.length, 0, `no uncaught errors: ${errors}`);
  await page.close();
});

test('a stage file that does not match its SRI hash is refused; the page keeps working', async () => {
  for (const [pattern, what] of [['**/lms_support_banner.*.wasm', 'banner Wasm'], ['**/lms_support_full.*.js', 'full-stage JS']]) {
    const { page, errors } = await newPage();
    const logged = [];
    page.on('console', (m) => { if (m.type() === 'error') logged.push(m.text()); });
    // A CDN or proxy that alters one byte of the file.
    await page.route(pattern, async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length - 1] ^= 1;
      await route.fulfill({ response, body });
    });
    await page.goto(server.url + '/');
    if (what === 'full-stage JS') {
      await waitForEvent(page, 'ready');
      await page.evaluate(() => window.LmsSupport.open('ticket'));
    }
    await page.waitForTimeout(1500);
    const state = await page.evaluate(() => ({
      dialogShown: !!document.querySelector('lms-support-widget')?.shadowRoot?.querySelector('[role="dialog"]:not([hidden])'),
      pageTitle: document.title,
    }));
    assert.equal(state.dialogShown, false, `${what}: nothing from the altered file runs`);
    assert.ok(state.pageTitle.length > 0, 'the host page is intact');
    assert.ok(logged.some((t) => t.includes('[lms-support]')), `${what}: a prefixed console error says why: ${logged.join(' | ')}`);
    assert.deepEqual(errors, [], `${what}: no uncaught error reaches the page`);
    await page.close();
  }
});

test('pointing at the launcher starts loading the help panel before the click', async () => {
  const { page, errors } = await newPage();
  const requested = [];
  page.on('request', (r) => { if (/lms_support_full\./.test(r.url())) requested.push(r.url().split('/').pop()); });
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await page.waitForTimeout(300);
  assert.deepEqual(requested, [], 'a page view that never opens help does not download the full stage');
  await widget(page, '.lsw-launcher').hover();
  await page.waitForTimeout(500);
  assert.ok(requested.some((n) => n.endsWith('.wasm')) && requested.some((n) => n.endsWith('.js')),
    `hovering fetched the full stage: ${requested.join(', ')}`);
  await widget(page, '.lsw-launcher').click();
  await widget(page, '#lsw-q').waitFor({ state: 'visible' });
  assert.equal(requested.filter((n) => n.endsWith('.wasm')).length, 1, 'the click reuses what the hover fetched');
  assert.deepEqual(errors, []);
  await page.close();
});

test('when the help panel cannot load, the launcher is not left busy and a later click retries', async () => {
  const { page, errors } = await newPage();
  let failNext = true;
  await page.route('**/lms_support_full.*.wasm', (route) => {
    if (failNext) { failNext = false; return route.abort('internetdisconnected'); }
    return route.continue();
  });
  await page.goto(server.url + '/');
  await waitForEvent(page, 'ready');
  await widget(page, '.lsw-launcher').click();
  await page.waitForFunction(() => !document.querySelector('lms-support-widget').shadowRoot
    .querySelector('.lsw-launcher').hasAttribute('aria-busy'), null, { timeout: 5000 });
  assert.equal(await widget(page, '[role="dialog"]').isVisible(), false, 'no panel while offline');
  await widget(page, '.lsw-launcher').click();
  await widget(page, '#lsw-q').waitFor({ state: 'visible' });
  assert.deepEqual(errors, []);
  await page.close();
});
