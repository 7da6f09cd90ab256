// End to end, the admin API: a vendor's script authors the shared schedule over HTTP with a
// bearer token (`lms-support tokens create`), and a learner's open course page shows the change
// after the widget's next refresh, without a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer, vendorCli } from './harness.mjs';

let server, browser, token;
before(async () => {
  server = await startServer({ name: 'admin', config: true });
  token = vendorCli(server.dataDir, 'tokens', 'create', '--name', 'release-bot', '--scope', 'schedule').trim();
  browser = await launchBrowser({ timezoneId: 'UTC', locale: 'en-US' });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function admin(method, path, body) {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

test('a window extended through the admin API shows its new end on the open page after a refresh', async () => {
  // Two days ahead, on a whole hour, four hours long, for group eu-1.
  const start = Math.floor(Date.now() / 3_600_000 + 48) * 3_600_000;
  const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const created = await admin('POST', '/v1/admin/maintenance', {
    id: 'api-upgrade',
    target: { groups: ['eu-1'] },
    title: { en: 'Upgrade scheduled by the release bot' },
    starts_at: iso(start),
    ends_at: iso(start + 4 * 3_600_000),
    severity: 'major',
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));

  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  // A clock at the real pace that the test can step past the widget's one-minute refetch rule.
  await page.clock.install();
  await page.goto(`${server.url}/uni.html`);
  const item = page.locator('lms-support-widget .lsw-item[data-id="api-upgrade"]');
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  const endHour = (hours) => new Date(start + hours * 3_600_000)
    .toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  const before = await item.textContent();
  assert.ok(before.includes(endHour(4)), `the window ends at ${endHour(4)}: ${before}`);

  const extended = await admin('POST', '/v1/admin/maintenance/api-upgrade/extend', {
    ends_at: iso(start + 7 * 3_600_000),
  });
  assert.equal(extended.status, 200, JSON.stringify(extended.json));
  assert.equal(extended.json.revision, 2);

  // The learner comes back to the tab over a minute later: the widget refetches the feed.
  await page.clock.fastForward(61_000);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await page.waitForFunction((text) => {
    const shown = document.querySelector('lms-support-widget').shadowRoot
      .querySelector('.lsw-item[data-id="api-upgrade"]');
    return shown && shown.textContent.includes(text);
  }, endHour(7), { timeout: 10_000 });
  assert.deepEqual(problems, []);
  await page.close();
});
