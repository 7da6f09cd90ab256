// Shared by the e2e tests and the first-banner benchmark: starts the reference server on a free
// loopback port with a fresh demo feed, and launches Debian's headless Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const root = new URL('../..', import.meta.url).pathname;
// LMS_SUPPORT_BIN runs the tests against another build of the server (say, a branch's own
// CARGO_TARGET_DIR) without touching target/debug.
export const server = process.env.LMS_SUPPORT_BIN || join(root, 'target/debug/lms-support');
export const outDir = join(root, 'target/e2e');
// LMS_SUPPORT_WIDGET_DIR serves another build of the widget (say, a copy of target/widget made
// before a change, to compare benchmarks).
export const widgetDir = process.env.LMS_SUPPORT_WIDGET_DIR || join(root, 'target/widget');

/** Starts `lms-support serve`; resolves to { url, stop, feedPath } once it prints its address.
 *  `serveArgs` go after `serve` (e.g. `--rate-limit-hour 0`). With `config: true` it serves the
 *  example vendor configuration (`demo-config`, clients acme and uni) with `--config` instead of
 *  a demo feed with `--feed`; `configDir` is then where it is. `widget` is the widget build it
 *  serves (a benchmark compares two side by side); `www` the static pages (default: www/). */
export async function startServer({
  name = 'e2e', addr = '127.0.0.1:0', fresh = true, extraArgs = [], serveArgs = [], config = false,
  widget = widgetDir, www = join(root, 'www'),
} = {}) {
  const dir = join(outDir, name);
  if (fresh) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const feedPath = join(dir, 'feed.json');
  const configDir = join(dir, 'conf');
  if (fresh && config) execFileSync(server, ['demo-config', configDir]);
  else if (fresh) writeFileSync(feedPath, execFileSync(server, ['demo-feed']));
  const source = config ? ['--config', configDir] : ['--feed', feedPath];
  const child = spawn(server, [
    ...extraArgs, 'serve', '--addr', addr, ...source,
    '--static', www, '--widget', widget, '--data', join(dir, 'data'),
    ...serveArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${stderr}`)), 20_000);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/serving (http:\/\/\S+?)\/?\s/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${stderr}`)); });
  });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return { url, stop, feedPath, configDir, dataDir: join(dir, 'data'), logs: () => stderr };
}

/** Runs a vendor CLI command (`maintenance …`, `notice …`) on a data directory; its stdout. */
export function vendorCli(dataDir, ...args) {
  return execFileSync(server, [...args, '--data', dataDir], { encoding: 'utf8' });
}

/** Runs the agent CLI on a server's data directory; returns its stdout. */
export function agent(dataDir, ...args) {
  return execFileSync(server, ['tickets', ...args, '--data', dataDir], { encoding: 'utf8' });
}

/** Launches headless Chromium with the flags this sandbox needs and a throwaway profile.
 *  `options` (viewport, deviceScaleFactor, colorScheme, ...) go to Playwright's context. */
export async function launchBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'lms-support-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    ...options,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

/** Milliseconds from the loader's first line to the first banner paint, from performance marks. */
export function firstBannerMs(page) {
  return page.evaluate(() => {
    const start = performance.getEntriesByName('lms-support:script-start')[0];
    const painted = performance.getEntriesByName('lms-support:banner-painted')[0];
    return start && painted ? painted.startTime - start.startTime : null;
  });
}

/** Makes the page's own widget tag ask for the overlay banner, set before the loader runs (the
 *  parser runs microtasks first), as a vendor writing `data-position="overlay"` would. */
export async function embedAsOverlay(page) {
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const script = document.querySelector('script[data-feed]');
      if (script) { script.dataset.position = 'overlay'; observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  });
}
