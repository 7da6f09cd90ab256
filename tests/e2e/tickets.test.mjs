// End to end: a learner files a ticket on the demo course page, an agent resolves it with the
// CLI, the learner sees it resolved and rates it; and a ticket filed while the API is down
// waits in the outbox and arrives exactly once.
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

async function fileTicket(page, subject) {
  await page.evaluate(() => window.LmsSupport.open('ticket'));
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
  await widget(page, '#lsw-t-subject').fill(subject);
  await widget(page, '#lsw-t-description').fill('The quiz says access denied when I press Attempt quiz now.');
  await widget(page, '#lsw-t-email').fill('maria.rossi@acme.example');
  await widget(page, '.lsw-form button[type="submit"]').click();
}

function ticketNumbers(dataDir) {
  return [...new Set(agent(dataDir, 'list').match(/[A-Z]+-\d{6}/g) || [])];
}

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
