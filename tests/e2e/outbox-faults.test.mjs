// End to end through the fault proxy (fault-proxy.mjs): a ticket whose request hangs does not
// hold up the tickets filed after it, and once the hang ends (the server stored the ticket but
// the answer was lost) the retry under the same key makes it one ticket, not two. A tab closed
// while its request hangs leaves the ticket to the next page, which sends it at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { agent, launchBrowser, startServer } from './harness.mjs';
import { startFaultProxy } from './fault-proxy.mjs';

const FIRST = 'Quiz 3 will not submit';
const SECOND = 'Certificate is missing';
const CLOSED = 'Forum post disappeared';

let server, proxy, browser;
before(async () => {
  server = await startServer({ name: 'outbox-faults' });
  // The first ticket's first request hangs at the proxy; everything else goes through.
  proxy = await startFaultProxy({
    target: server.url,
    hangMs: 120_000,
    plan: ({ subject, attempt }) => ([FIRST, CLOSED].includes(subject) && attempt === 0 ? 'hang' : 'ok'),
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await proxy?.stop();
  await server?.stop();
});

const widget = (page, selector) => page.locator(`lms-support-widget ${selector}`);

async function fileTicket(page, subject) {
  await page.evaluate(() => window.LmsSupport.open('ticket'));
  // After a ticket is handed in, its card takes the form's place: start another one.
  const another = widget(page, '[data-action="new-ticket"]');
  if (await another.isVisible()) await another.click();
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
  await widget(page, '#lsw-t-subject').fill(subject);
  await widget(page, '#lsw-t-description').fill('It has been like this since this morning.');
  await widget(page, '#lsw-t-email').fill('maria.rossi@acme.example');
  await widget(page, '.lsw-form button[type="submit"]').click();
}

/** Subject → ticket numbers in the server's store. */
function stored() {
  const bySubject = {};
  for (const line of agent(server.dataDir, 'list').split('\n')) {
    const number = line.match(/[A-Z]+-\d{6}/)?.[0];
    const subject = [FIRST, SECOND, CLOSED].find((s) => line.includes(s));
    if (number && subject) (bySubject[subject] ??= []).push(number);
  }
  return bySubject;
}

async function until(what, check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`expected ${what} within ${ms / 1000} s`);
}

test('a hanging request does not hold up the next ticket; both are stored once', async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.__submitted = [];
    window.addEventListener('lms-support:ticket-submitted', (e) => window.__submitted.push(e.detail.number));
  });
  await page.goto(proxy.url + '/');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });

  await fileTicket(page, FIRST);
  await until('the first ticket reaches the proxy and hangs', () => proxy.hung().includes(FIRST), 10_000);
  await fileTicket(page, SECOND);
  // The widget gives up on a request after 30 s; before this change the second ticket waited
  // for that. Now it goes beside the hanging one.
  await until('the second ticket is stored while the first request hangs',
    () => stored()[SECOND]?.length === 1, 15_000);
  assert.deepEqual(proxy.hung(), [FIRST], 'the first request is still hanging');
  assert.equal(stored()[FIRST], undefined, 'the first ticket is not stored yet');
  await widget(page, '.lsw-ticket-status[data-state="sent"]').waitFor({ timeout: 10_000 });

  // The hang ends after the server stored the first ticket, but its answer is lost: the widget
  // retries under the same key (within the first backoff, 5 s) and the server replays it.
  proxy.releaseHung();
  await until('the first ticket is stored', () => stored()[FIRST]?.length === 1, 10_000);
  await page.waitForFunction(() => window.__submitted.length >= 2, null, { timeout: 15_000 });
  await page.waitForTimeout(500);
  const tickets = stored();
  assert.equal(tickets[FIRST].length, 1, `one ticket for the first subject: ${tickets[FIRST]}`);
  assert.equal(tickets[SECOND].length, 1, `one ticket for the second subject: ${tickets[SECOND]}`);
  const firstRequests = proxy.events.filter((e) => e.subject === FIRST);
  assert.ok(firstRequests.length >= 2, 'the first ticket was sent again after the lost answer');
  assert.equal(new Set(firstRequests.map((e) => e.key)).size, 1, 'every resend carried the same key');
  const submitted = await page.evaluate(() => window.__submitted);
  assert.deepEqual([...submitted].sort(), [tickets[FIRST][0], tickets[SECOND][0]].sort(),
    'the learner was told each ticket number once');
  const outbox = await page.evaluate(() => Object.keys(localStorage)
    .filter((k) => k.startsWith('lms-support:outbox:'))
    .flatMap((k) => JSON.parse(localStorage.getItem(k))?.entries ?? []));
  assert.deepEqual(outbox, [], 'the outbox is empty');
  await page.close();
});

test('a page closed while its request hangs: the next page sends the ticket at once, once', async () => {
  const closing = await browser.context.newPage();
  await closing.goto(proxy.url + '/');
  await widget(closing, '.lsw-launcher').waitFor({ state: 'visible' });
  await fileTicket(closing, CLOSED);
  await until('the request reaches the proxy and hangs', () => proxy.hung().includes(CLOSED), 10_000);
  // Closing the tab cuts the request off before the widget can note it, so the entry stays
  // marked as being sent. Before this change the next page waited for that 30 s lease.
  await closing.close();
  const page = await browser.context.newPage();
  await page.goto(proxy.url + '/');
  await until('the ticket is stored from the next page', () => stored()[CLOSED]?.length === 1, 15_000);
  await page.waitForTimeout(500);
  assert.equal(stored()[CLOSED].length, 1, 'one ticket');
  const requests = proxy.events.filter((e) => e.subject === CLOSED);
  assert.equal(new Set(requests.map((e) => e.key)).size, 1, 'the resend carried the same key');
  await page.close();
});
