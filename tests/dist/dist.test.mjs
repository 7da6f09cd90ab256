// Checks what `make dist` produced (run it first; `make test-dist` does): every file matches
// its SRI hash, the loader pins the stage files by hash, the integrations pin the loader, the
// npm package holds what its package.json promises, and the downloads are within budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { BUDGET, stageTotals } from '../../scripts/budget.mjs';

const root = new URL('../..', import.meta.url).pathname;
const dist = join(root, 'dist');
const sha384 = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
// The SRI hash of `bytes` with the algorithm `sri` names (the stage files and the strings' lists
// use sha256).
const sriLike = (sri, bytes) => {
  const algorithm = sri.split('-')[0];
  return algorithm + '-' + createHash(algorithm).update(bytes).digest('base64');
};
const read = (...p) => readFileSync(join(dist, ...p));
const manifest = JSON.parse(read('widget', 'manifest.json'));
const walk = (dir) => readdirSync(dir).flatMap((n) => statSync(join(dir, n)).isDirectory()
  ? walk(join(dir, n)).map((p) => join(n, p)) : [n]);

test('every shipped file matches the SRI hash and sizes in the manifest', () => {
  assert.ok(Object.keys(manifest.files).length >= 5);
  for (const [name, f] of Object.entries(manifest.files)) {
    const bytes = read('widget', name);
    assert.equal(sriLike(f.sri, bytes), f.sri, name);
    assert.equal(bytes.length, f.bytes, name);
    assert.ok(existsSync(join(dist, 'widget', name + '.gz')) && existsSync(join(dist, 'widget', name + '.br')), name);
    // The precompressed copies (Zopfli's gzip, brotli) are what is served: each inflates to
    // the file, and the manifest's sizes are theirs.
    const gz = read('widget', name + '.gz');
    assert.ok(gunzipSync(gz).equals(bytes), `${name}.gz inflates to ${name}`);
    assert.equal(gz.length, f.gzip, name);
    assert.ok(brotliDecompressSync(read('widget', name + '.br')).equals(bytes), `${name}.br`);
  }
});

test('stage files carry a content hash in their names and the loader pins each by its hash', () => {
  const loader = read('widget', 'loader.js').toString();
  for (const stage of ['banner', 'full']) {
    for (const kind of ['js', 'wasm']) {
      const name = Object.keys(manifest.files).find((n) => n.startsWith(`lms_support_${stage}.`) && n.endsWith('.' + kind));
      assert.ok(name, `${stage} ${kind} file`);
      const bytes = read('widget', name);
      const contentHash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
      assert.ok(name.includes(contentHash), `${name} is named by its content`);
      assert.ok(loader.includes(name), `the loader names ${name}`);
      // SHA-256, 20 characters shorter than SHA-384 in every page's loader.
      assert.ok(loader.includes(sriLike('sha256', bytes)), `the loader pins ${name} by its hash`);
    }
  }
  // The full stage's strings in each language but English: named by content, pinned by SRI
  // in the full stage's glue (itself pinned by the loader), not in every page's loader.
  const fullGlue = read('widget', Object.keys(manifest.files).find((n) => /^lms_support_full\.[0-9a-f]+\.js$/.test(n))).toString();
  const lists = Object.entries(manifest.files).filter(([, f]) => f.locale);
  assert.deepEqual(lists.map(([, f]) => f.locale).sort(), ['ar', 'de', 'es', 'fr', 'pt']);
  for (const [name, f] of lists) {
    const bytes = read('widget', name);
    assert.ok(name.includes(createHash('sha256').update(bytes).digest('hex').slice(0, 12)), `${name} is named by its content`);
    assert.ok(fullGlue.includes(f.sri), `the full stage's glue pins ${name} by its hash`);
    assert.ok(!loader.includes(f.sri), `every page's loader does not carry ${name}'s hash`);
    assert.ok(JSON.parse(bytes).every((s) => typeof s === 'string' && s.length > 0), `${name}: a list of strings`);
  }
  assert.doesNotMatch(loader, /__[A-Z_]+__/, 'no placeholder left in the loader');
});

test('every page and both stages are within their byte budgets (scripts/budget.mjs)', () => {
  // Sizes from the served .gz files themselves, summed as a learner downloads them.
  const files = Object.fromEntries(Object.entries(manifest.files)
    .map(([n, f]) => [n, { ...f, gzip: read('widget', n + '.gz').length }]));
  const got = stageTotals(files);
  assert.ok(got.everyPage <= BUDGET.everyPage, `every page: ${got.everyPage} B gzip > ${BUDGET.everyPage}`);
  assert.ok(got.bothStages <= BUDGET.bothStages, `both stages: ${got.bothStages} B gzip > ${BUDGET.bothStages}`);
});

test('every integration pins the loader of this build by its SRI hash', () => {
  const loaderSri = sha384(read('widget', 'loader.js'));
  const files = walk(join(dist, 'integrations'));
  const targets = new Set(files.map((f) => f.split('/')[0]));
  assert.deepEqual([...targets].sort(), ['blackboard', 'brightspace', 'canvas', 'generic', 'moodle', 'openedx', 'sakai']);
  for (const target of targets) {
    const text = files.filter((f) => f.startsWith(target + '/')).map((f) => read('integrations', f).toString()).join('\n');
    assert.ok(text.includes(loaderSri), `${target} pins the loader's hash`);
    for (const hash of text.match(/sha384-[A-Za-z0-9+/]+=*/g)) assert.equal(hash, loaderSri, `${target} holds no other hash`);
    assert.doesNotMatch(text, /\{\{[A-Z_]+\}\}/, `${target}: placeholders filled`);
  }
  for (const php of files.filter((f) => f.endsWith('.php'))) {
    execFileSync('php', ['-l', join(dist, 'integrations', php)], { stdio: 'pipe' });
  }
});

test('the npm package has its entry points, types and the shipped files, and packs', () => {
  const pkg = JSON.parse(read('npm', 'package.json'));
  assert.equal(pkg.version, manifest.version);
  assert.equal(pkg.exports['.'].types, './index.d.ts');
  for (const target of [pkg.exports['.'].default, pkg.types]) {
    assert.ok(existsSync(join(dist, 'npm', target)), target);
  }
  // A classic script that reads document.currentScript: served, never imported by a bundler.
  assert.equal(pkg.exports['./loader.js'], undefined, 'loader.js is not an import target');
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: join(dist, 'npm'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0];
  const inPack = packed.files.map((f) => f.path).sort();
  const shipped = Object.keys(manifest.files);
  for (const name of [...shipped, 'index.js', 'index.d.ts', 'package.json', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.ok(inPack.includes(name), `${name} is in the package`);
  }
  assert.ok(!inPack.some((p) => p.endsWith('.gz') || p.endsWith('.br')), 'no precompressed copies in the package');
  assert.doesNotMatch(read('npm', 'README.md').toString(), /__[A-Z_]+__/);
});

test('the npm entry gives a script tag pinned to the loader, with escaped data attributes', async () => {
  const { scriptTag, version, files } = await import(join(dist, 'npm', 'index.js'));
  assert.equal(version, manifest.version);
  assert.equal(files.length, Object.keys(manifest.files).length);
  const tag = scriptTag('https://cdn.example/lms/', { feed: 'https://s.example/feed?a=1&b="2"', courseName: 'Bio <101>' });
  assert.ok(tag.includes(`integrity="${sha384(read('widget', 'loader.js'))}"`), tag);
  assert.ok(tag.startsWith('<script src="https://cdn.example/lms/loader.js"'), tag);
  assert.ok(tag.includes('data-feed="https://s.example/feed?a=1&amp;b=&quot;2&quot;"'), tag);
  assert.ok(tag.includes('data-course-name="Bio &lt;101>"'), tag);
  assert.throws(() => scriptTag('https://cdn.example/', {}), /feed/);
});
