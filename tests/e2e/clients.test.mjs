// End to end, many clients: `serve --config` with the example configuration (clients acme and
// uni, both in group eu-1), the schedule written with the CLI in another process, and each
// client's demo course page in Chromium: targeting, a change picked up by the open pages, and
// a known issue resolved together with the ticket a learner filed during it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer, vendorCli } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer({ name: 'clients', config: true });
  // Times read in UTC and English, so the end of a window has one spelling.
  browser = await launchBrowser({ timezoneId: 'UTC', locale: 'en-US' });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** "YYYY-MM-DD HH:MM" in UTC, `hours` from now, on a whole hour. */
function wallClock(hours) {
  const d = new Date(Math.floor(Date.now() / 3_600_000 + hours) * 3_600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

async function open(path) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  // A fake clock that runs at the real pace, so the test can step past the widget's "refetch
  // when the tab comes back, if the last fetch is over a minute old" without waiting a minute.
  await page.clock.install();
  await page.goto(server.url + path);
  await page.locator('lms-support-widget .lsw-item').first().waitFor({ state: 'visible', timeout: 10_000 });
  return { page, problems };
}

const shownIds = (page) => page.locator('lms-support-widget .lsw-item')
  .evaluateAll((items) => items.map((item) => item.dataset.id).sort());

test('one window for group eu-1 shows on both clients\' pages, a notice for acme only on acme\'s, and an extension shows on the open pages without a reload, bringing back a dismissed notice', async () => {
  const start = wallClock(48);
  assert.match(
    vendorCli(server.dataDir, 'maintenance', 'add', '--id', 'fleet-upgrade', '--group', 'eu-1', '--start', start,
      '--tz', 'UTC', '--duration', '4h', '--title', 'Fleet upgrade'),
    /^fleet-upgrade added for group eu-1: /,
  );
  assert.match(
    vendorCli(server.dataDir, 'notice', 'post', '--id', 'acme-video', '--client', 'acme', '--title', 'Acme video is slow'),
    /^acme-video posted for client acme/,
  );

  const acme = await open('/acme.html');
  const uni = await open('/uni.html');
  // Acme's own weekly window (an extra of its configuration) shows too in its notice period.
  const ours = (ids) => ids.filter((id) => id !== 'weekly-maintenance');
  assert.deepEqual(ours(await shownIds(acme.page)), ['acme-video', 'fleet-upgrade']);
  assert.deepEqual(await shownIds(uni.page), ['fleet-upgrade']);

  const window = acme.page.locator('lms-support-widget .lsw-item[data-id="fleet-upgrade"]');
  const before = await window.textContent();
  const endHour = (h) => new Date(Date.parse(`${start.replace(' ', 'T')}:00Z`) + h * 3_600_000)
    .toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  assert.ok(before.includes(endHour(4)), `the window ends at ${endHour(4)}: ${before}`);

  // Uni's learner dismisses the advance notice.
  await uni.page.locator('lms-support-widget .lsw-item[data-id="fleet-upgrade"] .lsw-dismiss').click();
  await uni.page.waitForFunction(() => !document.querySelector('lms-support-widget').shadowRoot
    .querySelector('.lsw-item[data-id="fleet-upgrade"]'));

  assert.match(vendorCli(server.dataDir, 'maintenance', 'extend', 'fleet-upgrade', '--by', '2h'),
    /^fleet-upgrade extended: ends .*, revision 2\n$/);
  // Each learner comes back to the tab more than a minute later: the widget refetches. The new
  // end shows on acme's page, and on uni's the new revision brings the dismissed notice back.
  for (const { page } of [acme, uni]) {
    await page.clock.fastForward(61_000);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.waitForFunction((text) => {
      const item = document.querySelector('lms-support-widget').shadowRoot
        .querySelector('.lsw-item[data-id="fleet-upgrade"]');
      return item && item.textContent.includes(text);
    }, endHour(6), { timeout: 10_000 });
  }
  assert.deepEqual(acme.problems, []);
  assert.deepEqual(uni.problems, []);
  await acme.page.close();
  await uni.page.close();
});

const widget = (page, selector) => page.locator(`lms-support-widget ${selector}`);

test('a ticket filed during a known issue is answered and resolved with the notice', async () => {
  vendorCli(server.dataDir, 'notice', 'post', '--id', 'acme-login', '--client', 'acme', '--title', 'Sign-in is slow');
  const { page, problems } = await open('/acme.html');
  await widget(page, '.lsw-item[data-id="acme-login"]').waitFor({ state: 'attached', timeout: 10_000 });
  await page.evaluate(() => window.LmsSupport.open('ticket'));
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
  await widget(page, '#lsw-t-subject').fill('Cannot sign in');
  await widget(page, '#lsw-t-description').fill('The login page spins for a minute, then fails.');
  await widget(page, '#lsw-t-email').fill('maria.rossi@acme.example');
  await widget(page, '.lsw-form button[type="submit"]').click();
  const status = widget(page, '.lsw-ticket-status[data-state="sent"]');
  await status.waitFor({ state: 'visible', timeout: 10_000 });
  const number = (await status.textContent()).match(/[A-Z]+-\d{6}/)?.[0];
  assert.equal(number, 'ACME-000001', 'acme\'s first ticket, numbered with its prefix');

  assert.match(vendorCli(server.dataDir, 'tickets', 'list', '--notice', 'acme-login'), /ACME-000001 +open/);
  assert.equal(
    vendorCli(server.dataDir, 'notice', 'resolve', 'acme-login', '--message', 'Sign-in is fast again.',
      '--resolve-tickets'),
    'acme-login resolved; 1 ticket resolved: ACME-000001\n',
  );
  await widget(page, '[data-action="back-to-help"]').first().click();
  await widget(page, '[data-action="open-my-tickets"]').click();
  const entry = widget(page, `.lsw-my-ticket[data-number="${number}"]`);
  await entry.locator('.lsw-rate').waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await entry.textContent(), /resolved/);
  assert.match(await entry.textContent(), /Sign-in is fast again\./);
  assert.deepEqual(problems, []);
  await page.close();
});
