// End to end: the learner hears back. A ticket filed on the demo course page, an agent replies
// with the CLI, and within the status check's period the launcher shows a badge whose
// accessible name says "Help 1 new reply"; opening "My tickets" clears it, and it stays cleared
// after a reload. The link in learners' e-mails (…#lms-support-tickets) opens "My tickets" and
// leaves the address without the fragment. axe finds nothing wrong with the badge shown.
//
// The page is the demo's, with data-ticket-check-seconds="2" added to the loader's tag on the
// way (the documented setting; the default is 5 minutes), so the test waits seconds, not minutes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { agent, launchBrowser, startServer } from './harness.mjs';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CHECK_SECONDS = 2;
// What the next page gets as data-ticket-check-seconds.
let checkSeconds = CHECK_SECONDS;

let server, browser;
before(async () => {
  server = await startServer({ name: 'badge' });
  browser = await launchBrowser();
  await browser.context.route((url) => url.pathname === '/', async (route) => {
    const response = await route.fetch();
    const html = (await response.text())
      .replace('data-lms="auto"', `data-lms="auto" data-ticket-check-seconds="${checkSeconds}"`);
    await route.fulfill({ response, body: html });
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const widget = (page, selector) => page.locator(`lms-support-widget ${selector}`);
const launcher = (page) => page.getByRole('button', { name: /^Help/ });

/** The status requests the page made for tickets, with their If-None-Match and answer. */
function watchStatusChecks(page) {
  const checks = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() === 'GET' && /\/v1\/tickets\/[A-Z]+-\d{6}$/.test(new URL(request.url()).pathname)) {
      checks.push({ ifNoneMatch: request.headers()['if-none-match'] ?? null, status: response.status() });
    }
  });
  return checks;
}

async function axeViolations(page) {
  await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Files a ticket from `page` and returns its number. */
async function fileTicket(page, subject) {
  await page.evaluate(() => window.LmsSupport.open('ticket'));
  await widget(page, '#lsw-t-subject').fill(subject);
  await widget(page, '#lsw-t-description').fill('I passed the final quiz but no certificate appeared.');
  await widget(page, '#lsw-t-email').fill('maria.rossi@acme.example');
  await widget(page, '.lsw-form button[type="submit"]').click();
  const status = widget(page, '.lsw-ticket-status[data-state="sent"]');
  await status.waitFor({ state: 'visible', timeout: 10_000 });
  const number = (await status.textContent()).match(/[A-Z]+-\d{6}/)?.[0];
  assert.ok(number, 'a ticket number is shown');
  await page.evaluate(() => window.LmsSupport.close());
  return number;
}

test('an agent reply shows a badge on the launcher until the learner opens My tickets', async () => {
  const page = await browser.context.newPage();
  if (process.env.DEBUG_E2E) page.on('console', (m) => console.log('# console:', m.text()));
  const checks = watchStatusChecks(page);
  await page.goto(server.url + '/');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });
  const number = await fileTicket(page, 'Certificate not issued');

  // No news yet: a check or two pass and the launcher is only "Help".
  await page.waitForTimeout(CHECK_SECONDS * 1000 + 500);
  assert.equal(await widget(page, '.lsw-badge').count(), 0, 'no badge before any reply');
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');

  agent(server.dataDir, 'reply', number, 'We issued your certificate; it is under Grades.');
  await widget(page, '.lsw-badge').waitFor({ state: 'attached', timeout: CHECK_SECONDS * 1000 * 3 + 5000 });
  const snapshot = await widget(page, '.lsw-launcher').ariaSnapshot();
  assert.match(snapshot, /button "Help 1 new reply"/, `assistive technology hears the count: ${snapshot}`);
  assert.equal(await widget(page, '.lsw-badge-count').textContent(), '1', 'the visible count');
  assert.deepEqual(await axeViolations(page), [], 'axe: no violation with the badge shown');

  await launcher(page).click();
  await widget(page, '[data-action="open-my-tickets"]').click();
  await widget(page, `.lsw-my-ticket[data-number="${number}"] .lsw-replies`).waitFor({ timeout: 10_000 });
  assert.equal(await widget(page, '.lsw-badge').count(), 0, 'opening My tickets clears the badge');

  // A check falls due again, so the reloaded page loads the full stage and asks at once.
  await page.waitForTimeout(CHECK_SECONDS * 1000 + 200);
  await page.reload();
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(CHECK_SECONDS * 1000 + 500);
  assert.equal(await widget(page, '.lsw-badge').count(), 0, 'still cleared after a reload');
  // Checks ask with the last answer's ETag, and an unchanged ticket costs a 304.
  assert.ok(checks.some((c) => c.ifNoneMatch && c.status === 304),
    `a check with If-None-Match was answered 304: ${JSON.stringify(checks)}`);
  await page.close();
});

test('a page loaded when a check is due asks at once, not a period later', async () => {
  const filing = await browser.context.newPage();
  await filing.goto(server.url + '/');
  await widget(filing, '.lsw-launcher').waitFor({ state: 'visible' });
  const number = await fileTicket(filing, 'Transcript shows the wrong grade');
  await filing.close();
  agent(server.dataDir, 'reply', number, 'We corrected the grade.');
  // The next check falls due; a page that checked only on its timer would wait 10 minutes.
  await new Promise((resolve) => setTimeout(resolve, CHECK_SECONDS * 1000 + 500));
  checkSeconds = 600;
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url + '/');
    await widget(page, '.lsw-badge').waitFor({ state: 'attached', timeout: 15_000 });
    assert.match(await widget(page, '.lsw-launcher').ariaSnapshot(), /1 new reply/);
    await page.close();
  } finally {
    checkSeconds = CHECK_SECONDS;
  }
});

test('the link in a learner\'s e-mail opens My tickets and drops the fragment', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url + '/');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });
  const historyLength = await page.evaluate(() => history.length);
  // Another address (its query differs), so the loader runs afresh as it does from an e-mail.
  await page.goto(server.url + '/?from=mail#lms-support-tickets');
  await widget(page, '.lsw-my-tickets').waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok(await page.getByRole('dialog').isVisible(), 'the help panel is open');
  assert.equal(page.url(), server.url + '/?from=mail', 'the fragment is gone from the address');
  assert.equal(await page.evaluate(() => history.length), historyLength + 1,
    'only the navigation itself is in the history, no entry for removing the fragment');
  await page.close();
});
