// Runs the split build (scripts/size-split.sh's target/split-pkg and target/split-out; with
// --optimized, both parts through scripts/bundle.mjs's wasm-opt flags first, names not
// minified) in headless Chromium, without the loader: the main part mounts the banner stage's
// widget, `takeOver` fetches the chunk and mounts the full stage's, `open("help")` opens the
// panel. Prints what the page shows and logs, and which files it fetched: a check that the
// parts measured work together, not a test of the widget.
//
//   node scripts/size-split/run-in-page.mjs [--optimized]
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../../tests/e2e/harness.mjs';

const root = new URL('../..', import.meta.url).pathname;
const files = {
  '/lms_support_widget.js': join(root, 'target/split-pkg/lms_support_widget.js'),
  '/lms_support_widget_bg.wasm': join(root, 'target/split-pkg/lms_support_widget_bg.wasm'),
  '/__wasm_split.js': join(root, 'target/split-out/__wasm_split.js'),
  '/split_full.wasm': join(root, 'target/split-out/split_full.wasm'),
  '/feed.json': join(root, 'tests/fixtures/feed.json'),
};
const tmp = mkdtempSync(join(tmpdir(), 'size-split-page-'));
if (process.argv.includes('--optimized')) {
  for (const name of ['/lms_support_widget_bg.wasm', '/split_full.wasm']) {
    const out = join(tmp, name.slice(1));
    execFileSync(join(root, 'node_modules/.bin/wasm-opt'), ['-Oz', '--converge', '--low-memory-unused',
      '--one-caller-inline-max-function-size', '20', '--strip-debug', '--strip-producers', files[name], '-o', out]);
    files[name] = out;
  }
}
const page = `<!doctype html><html lang="en"><head><title>split</title><link rel="icon" href="data:,"></head><body><p>course page</p>
<script type="module">
import init, * as widget from './lms_support_widget.js';
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const shadow = () => [...document.querySelectorAll('lms-support-widget')].map((h) => h.shadowRoot);
const config = () => ({ feed: location.origin + '/feed.json', locale: 'en' });
await init();
const out = { mounted: widget.mount(config()) };
await wait(500);
out.banner = shadow().map((s) => s.textContent.slice(0, 80));
const taking = config();
taking.takenOver = () => { out.takenOver = true; };
widget.takeOver(taking);
await wait(1500);
widget.open('help');
await wait(800);
out.hosts = shadow().length;
out.search = shadow().some((s) => !!s.querySelector('input'));
out.panel = shadow().map((s) => s.textContent.replace(/\\s+/g, ' ').slice(0, 160));
window.result = out;
</script></body></html>`;
const fetched = [];
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  fetched.push(path);
  if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  const file = files[path];
  if (!file) return res.writeHead(404).end();
  const type = path.endsWith('.wasm') ? 'application/wasm' : path.endsWith('.js') ? 'text/javascript' : 'application/json';
  res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const { context, close } = await launchBrowser();
try {
  const tab = await context.newPage();
  const logs = [];
  tab.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  tab.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => window.result, null, { timeout: 15000 });
  console.log(JSON.stringify(await tab.evaluate(() => window.result), null, 1));
  console.log('fetched:', fetched.join(' '));
  console.log(logs.length ? logs.join('\n') : 'no console messages');
} finally {
  await close();
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
