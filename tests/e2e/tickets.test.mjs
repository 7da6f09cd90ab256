// End to end: a learner files a ticket on the demo course page, an agent resolves it with the
// CLI, the learner sees it resolved and rates it; a ticket filed while the API is down
// waits in the outbox and arrives exactly once; and one learner action makes one ticket: a
// double click, a double Enter, Send again while queued, and a draft typed while an earlier
// ticket is still sending.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { agent, launchBrowser, startServer } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer({ name: 'tickets' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const widget = (page, selector) => page.locator(`lms-support-widget ${selector}`);

async function fillTicket(page, subject) {
  await page.evaluate(() => window.LmsSupport.open('ticket'));
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
  await widget(page, '#lsw-t-subject').fill(subject);
  await widget(page, '#lsw-t-description').fill('The quiz says access denied when I press Attempt quiz now.');
  await widget(page, '#lsw-t-email').fill('maria.rossi@acme.example');
}

async function fileTicket(page, subject) {
  await fillTicket(page, subject);
  await widget(page, '.lsw-form button[type="submit"]').click();
}

function ticketNumbers(dataDir) {
  return [...new Set(agent(dataDir, 'list').match(/[A-Z]+-\d{6}/g) || [])];
}

/** How many tickets the server stored with this subject (the agent CLI's list). */
function storedWithSubject(subject) {
  return agent(server.dataDir, 'list').split('\n').filter((line) => line.includes(subject)).length;
}

/** Waits until this browser's outbox holds nothing: every ticket handed in has been sent. */
async function outboxDrained(page) {
  await page.waitForFunction(() => Object.keys(localStorage)
    .filter((k) => k.startsWith('lms-support:outbox:'))
    .every((k) => (JSON.parse(localStorage.getItem(k)).entries || []).length === 0), null, { timeout: 10_000 });
}

async function openDemoPage() {
  const page = await browser.context.newPage();
  await page.goto(server.url + '/');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  return page;
}

/** The card of a ticket handed in from this page, in `state` (sending, queued, sent). */
const card = (page, subject, state) => widget(page, `.lsw-handed-ticket[data-state="${state}"]`)
  .filter({ hasText: subject });

test('file a ticket, an agent resolves it, the learner sees it and rates it', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url + '/');
  await widget(page, '.lsw-item').first().waitFor({ state: 'visible' });
  await fileTicket(page, 'Cannot open Quiz 1');
  const status = widget(page, '.lsw-ticket-status[data-state="sent"]');
  await status.waitFor({ state: 'visible', timeout: 10_000 });
  const text = await status.textContent();
  const number = text.match(/[A-Z]+-\d{6}/)?.[0];
  assert.ok(number, `a ticket number is shown: ${text}`);
  assert.match(text, /reply by/, 'the response target is shown');
  assert.deepEqual(ticketNumbers(server.dataDir), [number], 'exactly one ticket in the database');

  agent(server.dataDir, 'reply', number, 'Your quiz access is fixed; please try again.');
  agent(server.dataDir, 'resolve', number);

  await widget(page, '[data-action="back-to-help"]').first().click();
  await widget(page, '[data-action="open-my-tickets"]').click();
  const entry = widget(page, `.lsw-my-ticket[data-number="${number}"]`);
  await entry.locator('.lsw-rate').waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await entry.textContent(), /resolved/);
  assert.match(await entry.textContent(), /quiz access is fixed/, 'the agent reply is shown');
  await entry.locator('input[type="radio"][value="5"]').check();
  await entry.locator('textarea').fill('Quick and clear, thanks.');
  await entry.locator('[data-action="rate"]').click();
  await entry.locator('.lsw-thanks').waitFor({ state: 'visible' });
  assert.match(agent(server.dataDir, 'show', number), /5/, 'the rating reached the server');
  await page.close();
});

test('a ticket filed while the API is down is queued and sent exactly once later', async () => {
  const page = await browser.context.newPage();
  if (process.env.DEBUG_E2E) page.on('console', (m) => console.log('# console:', m.text()));
  await page.goto(server.url + '/');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  const before = ticketNumbers(server.dataDir).length;
  const port = new URL(server.url).port;
  await server.stop();

  await fileTicket(page, 'Grades page is blank');
  const queued = widget(page, '.lsw-ticket-status[data-state="queued"]');
  await queued.waitFor({ state: 'visible', timeout: 10_000 }).catch(async (e) => {
    const status = widget(page, '.lsw-ticket-status');
    throw new Error(`not queued: state ${await status.getAttribute('data-state')}: ${await status.textContent()}`);
  });
  assert.match(await queued.textContent(), /saved on this device/);

  server = await startServer({ name: 'tickets', addr: `127.0.0.1:${port}`, fresh: false });
  await page.reload();
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });
  // On load the outbox resumes by itself; wait until the server has the ticket.
  let numbers = [];
  for (let i = 0; i < 100 && numbers.length === before; i++) {
    await page.waitForTimeout(100);
    numbers = ticketNumbers(server.dataDir);
  }
  await page.waitForTimeout(1000);
  numbers = ticketNumbers(server.dataDir);
  assert.equal(numbers.length, before + 1, `exactly one new ticket: ${numbers}`);
  const outbox = await page.evaluate(() => Object.keys(localStorage)
    .filter((k) => k.startsWith('lms-support:outbox:'))
    .map((k) => JSON.parse(localStorage.getItem(k)))
    .flatMap((o) => (Array.isArray(o) ? o : o.entries || [])));
  assert.equal(outbox.length, 0, 'the outbox is empty once the ticket is sent');
  await page.close();
});

// Each test below counts on the server first, so that on code without the fix it fails on the
// duplicate or lost ticket itself, then checks what the learner is shown.

test('a double click on Send files one ticket, shown in the form\'s place', async () => {
  const page = await openDemoPage();
  const subject = 'Double click: quiz will not open';
  await fillTicket(page, subject);
  await widget(page, '.lsw-form button[type="submit"]').dblclick();
  await widget(page, '.lsw-ticket-status[data-state="sent"]').waitFor({ state: 'visible', timeout: 10_000 });
  await outboxDrained(page);
  assert.equal(storedWithSubject(subject), 1, 'exactly one ticket on the server');
  const number = (await widget(page, '.lsw-ticket-status').textContent()).match(/[A-Z]+-\d{6}/)?.[0];
  assert.ok(number, 'the status announces the number');
  await card(page, subject, 'sent').waitFor({ state: 'visible' });
  assert.match(await card(page, subject, 'sent').textContent(), new RegExp(`${number}.*Status: sent`),
    'the card has the number and the state');
  assert.equal(await widget(page, '.lsw-form').isVisible(), false, 'no filled form to send again');
  await widget(page, '[data-action="new-ticket"]').waitFor({ state: 'visible' });
  await page.close();
});

test('a double Enter in the form files one ticket', async () => {
  const page = await openDemoPage();
  const subject = 'Double Enter: grades are missing';
  await fillTicket(page, subject);
  await widget(page, '#lsw-t-subject').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await widget(page, '.lsw-ticket-status[data-state="sent"]').waitFor({ state: 'visible', timeout: 10_000 });
  await outboxDrained(page);
  assert.equal(storedWithSubject(subject), 1, 'exactly one ticket on the server');
  await card(page, subject, 'sent').waitFor({ state: 'visible' });
  assert.ok(await page.evaluate(() => document.querySelector('lms-support-widget').shadowRoot.activeElement
    ?.classList.contains('lsw-handed')), 'focus moves to the ticket handed in');
  await page.close();
});

test('Send again while a ticket waits offline: the queued ticket shows, one ticket arrives', async () => {
  const page = await openDemoPage();
  const subject = 'Offline: forum will not load';
  let offered;
  try {
    await browser.context.setOffline(true);
    await fileTicket(page, subject);
    const status = widget(page, '.lsw-ticket-status[data-state="queued"]');
    await status.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await status.textContent(), /saved on this device/);
    // The learner presses Send again if the form still offers it.
    const send = widget(page, '.lsw-form button[type="submit"]');
    offered = await send.isVisible();
    if (offered) await send.click();
  } finally {
    await browser.context.setOffline(false);
  }
  await widget(page, '.lsw-ticket-status[data-state="sent"]').waitFor({ state: 'visible', timeout: 15_000 });
  await outboxDrained(page);
  assert.equal(storedWithSubject(subject), 1, 'exactly one ticket on the server');
  assert.equal(offered, false, 'Send is not offered again for the queued ticket');
  await card(page, subject, 'sent').waitFor({ state: 'visible' });
  await page.close();
});

test('while a ticket is queued, the form shows it, and coming back starts an empty draft', async () => {
  const page = await openDemoPage();
  const subject = 'Queued: cannot upload essay';
  try {
    await browser.context.setOffline(true);
    await fileTicket(page, subject);
    await card(page, subject, 'queued').waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await card(page, subject, 'queued').textContent(), /Status: not sent yet/);
    const send = widget(page, '.lsw-form button[type="submit"]');
    assert.equal(await send.isVisible(), false, 'the queued ticket shows instead of the form');
    assert.equal(await send.isDisabled(), true, 'its Send is disabled');
    // Back to help and "Contact support" again: a new, empty draft under the queued ticket.
    await widget(page, '.lsw-ticket [data-action="back-to-help"]').click();
    await widget(page, '[data-action="open-ticket"]').click();
    await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
    assert.equal(await widget(page, '#lsw-t-subject').inputValue(), '', 'the new draft is empty');
    assert.equal(await widget(page, '#lsw-t-email').inputValue(), 'maria.rossi@acme.example', 'the e-mail is kept');
    assert.equal(await card(page, subject, 'queued').count(), 1, 'the queued ticket keeps its card');
  } finally {
    await browser.context.setOffline(false);
  }
  await card(page, subject, 'sent').waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await widget(page, '#lsw-t-subject').inputValue(), '', 'the draft is left as it was');
  await outboxDrained(page);
  assert.equal(storedWithSubject(subject), 1);
  await page.close();
});

test('a draft typed while an earlier ticket is sending stays as typed when that one succeeds', async () => {
  const page = await openDemoPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let arrived;
  const requestSeen = new Promise((resolve) => { arrived = resolve; });
  await page.route((url) => url.pathname.endsWith('/v1/tickets'), async (route) => {
    if (route.request().method() === 'POST') {
      arrived();
      await held;
    }
    await route.continue();
  });
  const first = 'Held: video will not play';
  await fileTicket(page, first);
  await requestSeen;
  assert.match(await widget(page, '.lsw-ticket-status').textContent(), /Sending/);

  // The learner writes another ticket ("Write another ticket" where the form gave way).
  const another = widget(page, '[data-action="new-ticket"]');
  const offered = await another.isVisible();
  if (offered) await another.click();
  const second = 'Second draft: certificate missing';
  const description = 'My certificate for Unit 2 is not listed.';
  await widget(page, '#lsw-t-subject').fill(second);
  await widget(page, '#lsw-t-description').fill(description);
  release();

  await widget(page, '.lsw-ticket-status[data-state="sent"]').waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await widget(page, '.lsw-ticket-status').textContent(), /[A-Z]+-\d{6} sent/, 'the result is announced');
  assert.equal(await widget(page, '#lsw-t-subject').inputValue(), second, 'the new subject is intact');
  assert.equal(await widget(page, '#lsw-t-description').inputValue(), description, 'the new description is intact');
  assert.ok(offered, '"Write another ticket" is offered while the first is sending');
  await card(page, first, 'sent').waitFor({ state: 'visible' });
  assert.equal(storedWithSubject(first), 1);
  assert.equal(storedWithSubject(second), 0, 'the draft was not sent');

  await widget(page, '.lsw-form button[type="submit"]').click();
  await card(page, second, 'sent').waitFor({ state: 'visible', timeout: 10_000 });
  await outboxDrained(page);
  assert.equal(storedWithSubject(second), 1, 'the second ticket, sent in turn');
  await page.close();
});
