// End to end: from the top of the demo course page to a ticket number with the keyboard alone
// (issue 6, item 4). Only page.keyboard is used: no click(), fill(), check(), mouse, nor
// LmsSupport.open. The page records every trusted mouse or pointer event and the test asserts there
// were none; every stop Tab lands on in the widget must show a visible focus indicator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { agent, launchBrowser, startServer } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer({ name: 'keyboard' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs before any page script: records trusted mouse and pointer input, in the capture phase
 *  on window (clicks inside the open shadow root are composed and reach it). Enter or Space on a
 *  button fires a trusted `click` too, but with `detail` 0 and no pointer type: not counted. */
function recordMouse() {
  window.__mouseEvents = [];
  const pointerish = ['mousedown', 'mouseup', 'mousemove', 'pointerdown', 'pointerup', 'pointermove',
    'wheel', 'contextmenu'];
  for (const type of pointerish) {
    window.addEventListener(type, (e) => {
      if (e.isTrusted) window.__mouseEvents.push({ type, pointerType: e.pointerType ?? '' });
    }, true);
  }
  for (const type of ['click', 'dblclick', 'auxclick']) {
    window.addEventListener(type, (e) => {
      if (!e.isTrusted) return;
      const pointerType = e.pointerType ?? '';
      if (e.detail > 0 || pointerType === 'mouse' || pointerType === 'touch' || pointerType === 'pen') {
        window.__mouseEvents.push({ type, pointerType, detail: e.detail });
      }
    }, true);
  }
}

/** What has focus: inside the widget's shadow root (with its focus indicator) or in the page. */
function focusState(page) {
  return page.evaluate(() => {
    const host = document.querySelector('lms-support-widget');
    if (document.activeElement !== host) {
      const a = document.activeElement;
      return { inWidget: false, desc: a ? `${a.tagName.toLowerCase()}${a.id ? '#' + a.id : ''}` : 'none' };
    }
    const a = host.shadowRoot.activeElement;
    if (!a) return { inWidget: true, desc: 'shadow root itself' };
    const cs = getComputedStyle(a);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow !== 'none';
    const desc = `${a.tagName.toLowerCase()}${a.id ? '#' + a.id : ''}`
      + `${typeof a.className === 'string' && a.className ? '.' + a.className.split(' ').join('.') : ''}`
      + `${a.dataset.action ? `[data-action=${a.dataset.action}]` : ''}`
      + `${a.type === 'radio' ? `[value=${a.value}]` : ''}`;
    return {
      inWidget: true,
      desc,
      focusVisible: a.matches(':focus-visible'),
      indicator: outline || shadow,
      style: `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}; box-shadow: ${cs.boxShadow}`,
    };
  });
}

/** Every stop the journey landed on, in order (for the assertion messages). */
let stops = [];

async function assertFocusShown(page, what) {
  const state = await focusState(page);
  stops.push(state.desc);
  if (!state.inWidget) return state;
  assert.ok(state.focusVisible, `${what}: ${state.desc} has focus but does not match :focus-visible`);
  assert.ok(state.indicator, `${what}: ${state.desc} shows no focus indicator (${state.style})`);
  return state;
}

/** Whether the focused element inside our shadow root matches `selector`. */
function focusMatches(page, selector) {
  return page.evaluate((sel) => {
    const host = document.querySelector('lms-support-widget');
    const active = document.activeElement === host && host.shadowRoot.activeElement;
    return !!active && active.matches(sel);
  }, selector);
}

/** Presses Tab until the focused element in the widget matches `selector`, checking the focus
 *  indicator at every stop on the way. */
async function tabTo(page, selector, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    await assertFocusShown(page, `Tab towards ${selector}`);
    if (await focusMatches(page, selector)) return i + 1;
  }
  throw new Error(`Tab never reached ${selector} in ${limit} presses; stops: ${stops.join(' → ')}`);
}

/** Presses one key and checks focus landed on `selector` with a visible indicator. */
async function pressExpecting(page, key, selector) {
  await page.keyboard.press(key);
  await assertFocusShown(page, `${key} → ${selector}`);
  assert.ok(await focusMatches(page, selector),
    `after ${key} focus should be on ${selector}; stops: ${stops.join(' → ')}`);
}

/** Replaces a text field's value by typing (a prefilled name or e-mail is selected first). */
async function typeInto(page, text) {
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text, { delay: 5 });
}

test('keyboard only: from the banner to a ticket number without a mouse event', async () => {
  stops = [];
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(recordMouse);
  await page.goto(server.url + '/');
  await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.locator('lms-support-widget .lsw-launcher').waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  const widgetValue = (selector) => page.evaluate(
    (sel) => document.querySelector('lms-support-widget').shadowRoot.querySelector(sel).value, selector);

  // The banner is the first thing in the body, so the very first Tab lands in it.
  await page.keyboard.press('Tab');
  const first = await assertFocusShown(page, 'first Tab');
  assert.ok(first.inWidget, `the first Tab should land in the banner, not on ${first.desc}`);
  assert.ok(await focusMatches(page, '.lsw-banner button, .lsw-item button'),
    `the first Tab should land on a banner control, not on ${first.desc}`);
  if (!(await focusMatches(page, '.lsw-dismiss'))) await tabTo(page, '.lsw-dismiss', 10);

  // On to the help launcher (the rest of the banner first, then the launcher) and open help.
  await tabTo(page, '.lsw-launcher', 20);
  await page.keyboard.press('Enter');
  await page.locator('lms-support-widget [role="dialog"]').waitFor({ state: 'visible' });
  assert.ok(await focusMatches(page, '#lsw-q'), 'opening help focuses the search box');
  await assertFocusShown(page, 'help opened');

  // "Contact support" opens the ticket form with focus on its first control, the category.
  await tabTo(page, '[data-action="open-ticket"]');
  await page.keyboard.press('Enter');
  await page.locator('lms-support-widget #lsw-t-category').waitFor({ state: 'visible' });
  assert.ok(await focusMatches(page, '#lsw-t-category'), 'the ticket form opens on the category');
  await assertFocusShown(page, 'ticket form opened');

  // Category: a closed select changes with the arrow keys (access → content → grades).
  const categoryBefore = await widgetValue('#lsw-t-category');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const category = await widgetValue('#lsw-t-category');
  assert.notEqual(category, categoryBefore, 'ArrowDown changes the category');

  // Priority: Tab enters the radio group on the checked radio (routine); ArrowUp picks "high"
  // (ArrowDown would wrap to "critical", which asks "is it really critical?").
  await pressExpecting(page, 'Tab', '.lsw-priority input[value="routine"]');
  await pressExpecting(page, 'ArrowUp', '.lsw-priority input[value="high"]');
  assert.equal(await widgetValue('.lsw-priority input:checked'), 'high', 'ArrowUp checks "high"');

  // The text fields, in order, by typing and Tab.
  await pressExpecting(page, 'Tab', '#lsw-t-subject');
  await typeInto(page, 'Keyboard only: cannot open Quiz 1');
  await pressExpecting(page, 'Tab', '#lsw-t-description');
  await typeInto(page, 'The quiz says access denied when I press Attempt quiz now. Filed with the keyboard alone.');
  await pressExpecting(page, 'Tab', '#lsw-t-name');
  await typeInto(page, 'Kim Keyboard');
  await pressExpecting(page, 'Tab', '#lsw-t-email');
  await typeInto(page, 'kim.keyboard@acme.example');

  // Past the file picker and the consent list to Send, and press Enter on it.
  await tabTo(page, '.lsw-form button[type="submit"]', 30);
  await page.keyboard.press('Enter');

  const status = page.locator('lms-support-widget .lsw-ticket-status[data-state="sent"]');
  await status.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
    const s = page.locator('lms-support-widget .lsw-ticket-status');
    const errs = await page.locator('lms-support-widget .lsw-error:not([hidden])').allTextContents();
    throw new Error(`not sent: state ${await s.getAttribute('data-state')}: ${await s.textContent()}; `
      + `field errors: ${JSON.stringify(errs)}; stops: ${stops.join(' → ')}`);
  });
  const text = await status.textContent();
  const number = text.match(/[A-Z]+-\d{6}/)?.[0];
  assert.ok(number, `the status shows a ticket number: ${text}`);

  const listed = [...new Set(agent(server.dataDir, 'list').match(/[A-Z]+-\d{6}/g) || [])];
  assert.deepEqual(listed, [number], 'the agent CLI lists exactly that ticket');
  const shown = agent(server.dataDir, 'show', number);
  assert.match(shown, /\bhigh\b/, `the priority chosen with the arrow keys arrived:\n${shown}`);
  assert.match(shown, new RegExp(`category:\\s+${category}\\b`), `the category chosen with the arrow keys arrived:\n${shown}`);
  assert.match(shown, /Keyboard only: cannot open Quiz 1/);
  assert.match(shown, /Kim Keyboard <kim\.keyboard@acme\.example>/);

  const mouse = await page.evaluate(() => window.__mouseEvents);
  assert.deepEqual(mouse, [], 'not a single mouse or pointer event');
  assert.deepEqual(errors, []);
  console.log(`# ${stops.length} focus stops: ${stops.join(' → ')}`);
  await page.close();
});
