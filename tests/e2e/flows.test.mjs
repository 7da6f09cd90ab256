// End to end, issue 18: a learner on Acme's page (demo-config: `help_events` on) votes on an
// answer, then walks "Something isn't working?" → "My assignment won't upload" through three
// steps to a prefilled ticket whose context holds the path, sends it, and the agent reads that
// path; `lms-support report` then counts the session, the flow ending in a ticket and the vote.
// axe scans every flow state (list, question, FAQ ending with "Did this help?", the reasons,
// known issues, ticket ending) in English and right-to-left Arabic with 0 violations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { agent, launchBrowser, server as serverBin, startServer } from './harness.mjs';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PATH = 'Where are you stuck? → The upload fails › Is the file larger than 100 MB? → No, or I don\'t know'
  + ' › Is the deadline in the next 24 hours? → Yes';

let server, browser;
before(async () => {
  server = await startServer({ name: 'flows', config: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const widget = (page, selector) => page.locator(`lms-support-widget ${selector}`);
const activeText = (page) => page.evaluate(() =>
  document.querySelector('lms-support-widget').shadowRoot.activeElement?.textContent);

/** Focuses the flows section's button labelled `label` and presses Enter (keyboard only). */
async function press(page, label) {
  const button = widget(page, '.lsw-flows button').filter({ hasText: label }).first();
  await button.focus();
  await page.keyboard.press('Enter');
}

async function openHelp(page, path = '/acme.html') {
  await page.goto(server.url + path);
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  await widget(page, '.lsw-launcher').click();
  await widget(page, '.lsw-flows h3').waitFor({ state: 'visible' });
}

async function axe(page, state, found) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE_PATH }).catch(() => {});
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
      await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
    }
  }
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.flat().join(' >>> ')).join(', ')}`);
  }, TAGS);
  for (const v of violations) found.push(`${state}: ${v}`);
}

function report() {
  return JSON.parse(execFileSync(serverBin, ['report', '--client', 'acme', '--json', '--data', server.dataDir],
    { encoding: 'utf8' }));
}

test('a flow walked with the keyboard to a prefilled ticket, its path stored, and the report counting it', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openHelp(page);

  // A search's top answer, voted unhelpful with a reason.
  await widget(page, '#lsw-q').fill('password');
  const vote = widget(page, '.lsw-results .lsw-vote').first();
  await vote.waitFor({ state: 'visible' });
  await vote.getByRole('button', { name: 'No', exact: true }).click();
  await vote.getByRole('button', { name: 'I tried it and it did not work' }).click();
  await widget(page, '.lsw-vote-thanks').waitFor({ state: 'visible' });
  assert.equal(await activeText(page), 'Thank you for telling us.', 'focus goes to the thanks');

  assert.equal(await widget(page, '.lsw-flows h3').textContent(), "Something isn't working?");
  await press(page, "My assignment won't upload");
  assert.equal(await activeText(page), 'Where are you stuck?', 'the first question takes focus');
  await press(page, 'The upload fails');
  assert.equal(await activeText(page), 'Is the file larger than 100 MB?');
  // Back and forward again: the walk is the same.
  await press(page, 'Back');
  assert.equal(await activeText(page), 'Where are you stuck?');
  await press(page, 'The upload fails');
  await press(page, "No, or I don't know");
  assert.equal(await activeText(page), 'Is the deadline in the next 24 hours?');
  await press(page, 'Yes');
  assert.equal(await activeText(page), 'Contact support', 'the ending takes focus');

  await widget(page, '.lsw-flows button[data-action="flow-ticket"]').click();
  await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
  assert.equal(await widget(page, '#lsw-t-subject').inputValue(), 'My upload fails and the deadline is close');
  assert.equal(await widget(page, '#lsw-t-category').inputValue(), 'content');
  assert.ok(await widget(page, 'input[name="lsw-priority"][value="high"]').isChecked(), 'priority high');
  const contextItems = await widget(page, '.lsw-context-list li').allTextContents();
  assert.ok(contextItems[0].includes('Steps taken') && contextItems[0].includes(PATH),
    `the path is the first context item: ${contextItems[0]}`);

  await widget(page, '#lsw-t-description').fill('The upload stops at 90 % every time.');
  await widget(page, '#lsw-t-email').fill('maria.rossi@acme.example');
  await widget(page, '.lsw-form button[type="submit"]').click();
  await widget(page, '.lsw-ticket-status[data-state="sent"]').waitFor({ timeout: 10_000 });
  const number = agent(server.dataDir, 'list').match(/ACME-\d{6}/)[0];
  const shown = agent(server.dataDir, 'show', number);
  assert.ok(shown.includes(`  flow: ${PATH}`), `the agent reads the path:\n${shown}`);

  // Closing the panel ends the session; its events leave by sendBeacon.
  await page.keyboard.press('Escape');
  let figures;
  for (let i = 0; i < 50; i++) {
    figures = report();
    if (figures.sessions >= 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(figures.sessions, 1, JSON.stringify(figures));
  assert.equal(figures.sessions_with_ticket, 1);
  assert.deepEqual(figures.flows_to_tickets, [{ id: 'upload', tickets: 1, of: 1 }]);
  assert.equal(figures.unhelpful.length, 1, JSON.stringify(figures.unhelpful));
  assert.equal(figures.unhelpful[0].no, 1);
  assert.equal(figures.unhelpful[0].top_reason, 'did_not_work');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const locale of ['en', 'ar']) {
  test(`axe finds nothing in any flow state (${locale})`, async () => {
    const page = await browser.context.newPage();
    // Votes are once per browser: forget the first test's, so "Did this help?" shows again.
    await page.goto(server.url + '/acme.html');
    await page.evaluate(() => localStorage.clear());
    await openHelp(page);
    if (locale !== 'en') {
      await page.evaluate((l) => window.LmsSupport.setLocale(l), locale);
      // The remount comes after the language's strings arrive (the loader fetches them).
      await page.waitForFunction((l) => document.querySelector('lms-support-widget')?.getAttribute('lang') === l, locale);
      await widget(page, '.lsw-flows h3').waitFor({ state: 'visible' });
      assert.equal(await page.locator('lms-support-widget').getAttribute('dir'), 'rtl');
    }
    const found = [];
    const first = (n) => widget(page, '.lsw-flows .lsw-flow-list button').nth(n);
    await axe(page, 'list of flows', found);
    await first(0).click(); // sign-in
    await axe(page, 'first question', found);
    await widget(page, '.lsw-flow-answers button').nth(1).click(); // does not load
    await axe(page, 'known issues ending', found);
    await widget(page, '.lsw-flow-nav button').first().click(); // Back
    await widget(page, '.lsw-flow-answers button').nth(0).click(); // Yes
    await widget(page, '.lsw-flow-answers button').nth(0).click(); // password is wrong
    await widget(page, '.lsw-flows .lsw-answer').waitFor({ state: 'visible' });
    await axe(page, 'FAQ ending with "Did this help?"', found);
    await widget(page, '.lsw-flows .lsw-vote button').nth(1).click(); // No
    await axe(page, 'reasons', found);
    await widget(page, '.lsw-flows .lsw-vote button').nth(0).click();
    await axe(page, 'thanks', found);
    await widget(page, '.lsw-flow-nav button').first().click(); // Back
    await widget(page, '.lsw-flow-answers button').nth(2).click(); // something else
    await axe(page, 'ticket ending', found);
    assert.deepEqual(found, []);
    await page.close();
  });
}

test('a client without help_events gets no event sent, and shows no flows entry when it has none', async () => {
  const page = await browser.context.newPage();
  const sent = [];
  page.on('request', (r) => { if (r.url().includes('/events')) sent.push(r.url()); });
  await page.goto(server.url + '/uni.html');
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  await widget(page, '.lsw-launcher').click();
  await widget(page, '.lsw-topic').first().waitFor({ state: 'visible' });
  assert.equal(await widget(page, '.lsw-flows').isVisible(), false, 'no flows, no entry');
  await widget(page, '.lsw-topic').first().click();
  await widget(page, '.lsw-browse .lsw-question').first().click();
  await widget(page, '.lsw-browse .lsw-vote').first().getByRole('button', { name: 'Yes', exact: true }).click();
  await page.keyboard.press('Escape');
  // Leaving the page is when the last batch would go.
  await page.goto(server.url + '/uni.html');
  await page.waitForLoadState('networkidle');
  assert.deepEqual(sent, []);
  await page.close();
});
