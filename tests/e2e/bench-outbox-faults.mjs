// Prints how long tickets take from Send to stored when the network misbehaves: a learner files
// TICKETS tickets on the demo page, 2 s apart, through the fault proxy (fault-proxy.mjs), which
// meets FAULT_RATE of the creates with a 503, a dropped answer, a reset or a 35 s hang (the
// widget gives up after 30 s). The page is reloaded mid-send and goes offline for a few seconds
// now and then. Faults depend only on SEED, the subject and the attempt, and the widget's
// jitter on SEED and the page load, so runs compare (what is left is timing).
// After DEADLINE_S the faults stop and the page is reloaded once more, and the server's store
// is counted: every ticket exactly once. Numbers, not a test; at most about 6 minutes.
// DETAIL=1 adds one line per ticket with each create the proxy saw.
import { agent, launchBrowser, startServer } from './harness.mjs';
import { startFaultProxy } from './fault-proxy.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const SEED = env('SEED', 7);
const TICKETS = env('TICKETS', 20);
const FAULT_RATE = env('FAULT_RATE', 0.5);
const GAP_MS = env('GAP_MS', 2000);
const RELOAD_EVERY = env('RELOAD_EVERY', 7);
const OFFLINE_EVERY = env('OFFLINE_EVERY', 9);
const OFFLINE_MS = 5000;
const DEADLINE_S = env('DEADLINE_S', 240);
const CLEANUP_S = 90;

const widget = (page, selector) => page.locator(`lms-support-widget ${selector}`);
const subjectOf = (i) => `Outbox bench ${String(i).padStart(3, '0')}`;

async function ready(page) {
  await widget(page, '.lsw-launcher').waitFor({ state: 'visible', timeout: 20_000 });
}

/** Subjects waiting in the page's outbox. */
const outboxSubjects = (page) => page.evaluate(() => Object.keys(localStorage)
  .filter((k) => k.startsWith('lms-support:outbox:'))
  .flatMap((k) => JSON.parse(localStorage.getItem(k))?.entries ?? [])
  .map((e) => e.subject));

/** Files one ticket with the form; retries the filling if Send did not hand it in. Resolves to
 *  the time Send was pressed. */
async function fileTicket(page, proxy, subject) {
  for (let tries = 0; tries < 3; tries++) {
    await page.evaluate(() => window.LmsSupport.open('ticket'));
    // After a ticket is handed in, its card takes the form's place: start another one.
    const another = widget(page, '[data-action="new-ticket"]');
    if (await another.isVisible()) await another.click();
    await widget(page, '#lsw-t-subject').waitFor({ state: 'visible' });
    await widget(page, '#lsw-t-subject').fill(subject);
    await widget(page, '#lsw-t-description').fill('Measuring the outbox under faults; please ignore.');
    await widget(page, '#lsw-t-email').fill('bench@acme.example');
    const sentAt = Date.now();
    await widget(page, '.lsw-form button[type="submit"]').click();
    for (let i = 0; i < 30; i++) {
      if (proxy.events.some((e) => e.subject === subject)) return sentAt;
      if ((await outboxSubjects(page)).includes(subject)) return sentAt;
      await page.waitForTimeout(100);
    }
  }
  throw new Error(`could not file ${subject}`);
}

/** Subject → ticket numbers in the server's store. */
function storedTickets(dataDir) {
  const bySubject = new Map();
  for (const line of agent(dataDir, 'list').split('\n')) {
    const number = line.match(/[A-Z]+-\d{6}/)?.[0];
    const subject = line.match(/Outbox bench \d+/)?.[0];
    if (number && subject) bySubject.set(subject, [...(bySubject.get(subject) ?? []), number]);
  }
  return bySubject;
}

const server = await startServer({
  name: 'bench-outbox', serveArgs: ['--rate-limit-hour', '0', '--rate-limit-day', '0'],
});
let faultsOn = true;
const proxy = await startFaultProxy({
  target: server.url, seed: SEED, faultRate: FAULT_RATE, plan: () => (faultsOn ? undefined : 'ok'),
});
const browser = await launchBrowser();
// The widget's backoff jitter comes from Math.random: seed it too, differently on each page
// load (the widget's tab id is drawn from it, and a reloaded page must not reuse the old one).
await browser.context.addInitScript((seed) => {
  const loads = Number(sessionStorage.getItem('bench-loads') || 0) + 1;
  sessionStorage.setItem('bench-loads', String(loads));
  let state = (seed * 7919 + loads) >>> 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}, SEED);
const started = Date.now();
const sentAt = new Map();
let reloads = 0, offlineSpells = 0;
try {
  let page = await browser.context.newPage();
  await page.goto(proxy.url + '/');
  await ready(page);
  for (let i = 0; i < TICKETS; i++) {
    const subject = subjectOf(i);
    sentAt.set(subject, await fileTicket(page, proxy, subject));
    await page.waitForTimeout(GAP_MS);
    if ((i + 1) % RELOAD_EVERY === 0) {
      await page.reload();
      await ready(page);
      reloads++;
    }
    if ((i + 1) % OFFLINE_EVERY === 0) {
      await browser.context.setOffline(true);
      await page.waitForTimeout(OFFLINE_MS);
      await browser.context.setOffline(false);
      offlineSpells++;
    }
  }
  const deadline = Date.now() + DEADLINE_S * 1000;
  while (proxy.stored.size < TICKETS && Date.now() < deadline) await page.waitForTimeout(250);
  const timings = [...sentAt].map(([s, t]) => (proxy.stored.has(s) ? (proxy.stored.get(s) - t) / 1000 : Infinity));

  // Faults off; a reload resends whatever waits. Then count what the server stored.
  faultsOn = false;
  const storedInTime = proxy.stored.size;
  await page.reload();
  await ready(page);
  const cleanup = Date.now() + CLEANUP_S * 1000;
  while (proxy.stored.size < TICKETS && Date.now() < cleanup) await page.waitForTimeout(250);
  await page.waitForTimeout(1000);
  const store = storedTickets(server.dataDir);
  const lost = [...sentAt.keys()].filter((s) => !store.has(s));
  const duplicated = [...store].filter(([, numbers]) => numbers.length > 1);
  const leftInOutbox = (await outboxSubjects(page)).length;
  await page.close();

  const sorted = [...timings].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const fmt = (s) => (Number.isFinite(s) ? `${s.toFixed(1)} s` : 'not stored by the deadline');
  const faultEvents = proxy.events.filter((e) => e.fault !== 'ok' && e.at <= deadline);
  const mix = ['503', 'drop', 'reset', 'hang'].map((f) => `${f} ${faultEvents.filter((e) => e.fault === f).length}`);
  console.log(`outbox under faults: seed ${SEED}, ${TICKETS} tickets ${GAP_MS / 1000} s apart, ` +
    `${Math.round(FAULT_RATE * 100)} % of creates faulted (${mix.join(', ')} of ${proxy.events.length} creates), ` +
    `${reloads} reloads mid-send, ${offlineSpells} offline spells of ${OFFLINE_MS / 1000} s`);
  console.log(`Send-to-stored: median ${fmt(rank(0.5))}, p90 ${fmt(rank(0.9))}, max ${fmt(sorted.at(-1))}; ` +
    `stored by the deadline (${DEADLINE_S} s after the last Send) ${storedInTime}/${TICKETS}`);
  console.log(`server store after the faults stopped: ${TICKETS - lost.length}/${TICKETS} tickets, ` +
    `lost ${lost.length}, duplicated ${duplicated.length}, left in the outbox ${leftInOutbox}; ` +
    `run took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (process.env.DETAIL) {
    // One line per ticket: Send-to-stored, then each create the proxy saw (seconds after Send).
    for (const [subject, t] of sentAt) {
      const tries = proxy.events.filter((e) => e.subject === subject)
        .map((e) => `${((e.at - t) / 1000).toFixed(1)}:${e.fault}${e.status ? `/${e.status}` : ''}`);
      console.log(`  ${subject}: ${fmt(timings[[...sentAt.keys()].indexOf(subject)])}  ${tries.join(' ')}`);
    }
  }
  if (lost.length || duplicated.length) process.exitCode = 1;
} finally {
  await browser.close();
  await proxy.stop();
  await server.stop();
}
