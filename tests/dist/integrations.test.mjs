// The LMS integration templates, rendered by scripts/integrations.mjs into a temp dir for a fake
// loader: every file rendered, no placeholder left, every loader tag pinned to the loader's real
// SRI hash (computed here with node:crypto, not taken from the code under test), CSP lines with
// the real origins in every README, Brightspace's replace strings untouched, the injecting
// scripts (Canvas, Sakai, Open edX) run against a fake page, and the Moodle plugin linted and
// exercised with `php`.
//
//   node --test tests/dist/
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { moodleVersion, renderIntegrations, sri } from '../../scripts/integrations.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const templatesDir = join(root, 'pkg-templates/integrations');
const script = join(root, 'scripts/integrations.mjs');

const VERSION = '0.1.0';
const LOADER_URL = 'https://cdn.vendor.example/lms-support/0.1.0/loader.js';
const FEED_URL = 'https://support.vendor.example/v1/feed?client=acme';
const ASSET_ORIGIN = 'https://cdn.vendor.example';
const API_ORIGIN = 'https://api.vendor.example';
const INTEGRATIONS = ['moodle', 'canvas', 'brightspace', 'openedx', 'blackboard', 'sakai', 'generic'];
const RENDERED_AT = new Date('2026-12-07T09:41:30Z');

let work;
let out;
let loaderBytes;
let expectedSri;
let written;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
}
const rel = (base, path) => relative(base, path).split(sep).join('/');
const read = (path) => readFileSync(join(out, path), 'utf8');
const outFiles = () => walk(out).map((p) => rel(out, p));

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#039': "'", '#39': "'", apos: "'" };
const decode = (s) => s.replace(/&(amp|lt|gt|quot|#0?39|apos);/g, (_, e) => ENTITIES[e]);

/** Every `<script …>` start tag in `text`, as a map of decoded attributes. */
function scriptTags(text) {
  return [...text.matchAll(/<script\b([^>]*)>/gi)].map(([, body]) => {
    const attrs = new Map();
    for (const m of body.matchAll(/([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      attrs.set(m[1].toLowerCase(), decode(m[2] ?? m[3] ?? m[4] ?? ''));
    }
    return attrs;
  });
}

/** `defer`: false for a tag meant for <head> without it (the Moodle plugin's, render-blocking). */
function assertPinnedTag(attrs, where, defer = true) {
  assert.equal(attrs.get('src'), LOADER_URL, `${where}: src`);
  assert.equal(attrs.get('integrity'), expectedSri, `${where}: integrity`);
  assert.equal(attrs.get('crossorigin'), 'anonymous', `${where}: crossorigin`);
  assert.equal(attrs.has('defer'), defer, `${where}: defer ${defer ? 'expected' : 'unexpected'}`);
  assert.ok(!attrs.has('async'), `${where}: async`);
  assert.equal(attrs.get('data-feed'), FEED_URL, `${where}: data-feed`);
}

/** A page just rich enough for the injecting templates; records the elements they append. */
function fakePage({ env, portal, framed = false, readyState = 'complete' } = {}) {
  const appended = [];
  const listeners = {};
  const head = { appendChild: (el) => appended.push(el) };
  const document = {
    readyState,
    head,
    documentElement: head,
    createElement: (name) => ({ tagName: name.toUpperCase(), dataset: {} }),
    querySelector(selector) {
      const m = selector.match(/^script\[src="([^"]*)"\]$/);
      assert.ok(m, `unexpected selector ${selector}`);
      return appended.find((el) => el.tagName === 'SCRIPT' && el.src === m[1]) ?? null;
    },
    addEventListener: (type, fn) => (listeners[type] ??= []).push(fn),
  };
  const window = { document, ENV: env, portal, console };
  window.window = window;
  window.self = window;
  window.top = framed ? {} : window;
  return {
    window,
    appended,
    run: (code) => vm.runInNewContext(code, window),
    fire: (type) => (listeners[type] ?? []).splice(0).forEach((fn) => fn()),
  };
}

function assertInjected(el, dataset, where) {
  assert.equal(el.tagName, 'SCRIPT', where);
  assert.equal(el.src, LOADER_URL, `${where}: src`);
  assert.equal(el.integrity, expectedSri, `${where}: integrity`);
  assert.equal(el.crossOrigin, 'anonymous', `${where}: crossOrigin`);
  assert.deepEqual({ ...el.dataset }, dataset, `${where}: dataset`);
}

function php(code, cwd) {
  const r = spawnSync('php', ['-d', 'display_errors=stderr', '-r', code], { cwd, encoding: 'utf8' });
  assert.ok(!r.error, `php could not run (${r.error?.message}): run scripts/setup.sh to install php-cli`);
  assert.equal(r.status, 0, `php failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'lms-integrations-'));
  out = join(work, 'dist/integrations');
  loaderBytes = Buffer.concat([Buffer.from('/* fake loader */\n'), randomBytes(512)]);
  writeFileSync(join(work, 'loader.js'), loaderBytes);
  expectedSri = `sha384-${createHash('sha384').update(loaderBytes).digest('base64')}`;
  written = renderIntegrations({
    version: VERSION,
    loaderUrl: LOADER_URL,
    loaderSri: sri(readFileSync(join(work, 'loader.js'))),
    feedUrl: FEED_URL,
    assetOrigin: ASSET_ORIGIN,
    apiOrigin: API_ORIGIN,
    templatesDir,
    outDir: out,
    renderedAt: RENDERED_AT,
  });
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('rendering', () => {
  test('sri() is sha384 in base64', () => {
    assert.equal(sri(loaderBytes), expectedSri);
    assert.equal(sri(Buffer.from('')), 'sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb');
  });

  test('every template file is rendered, and nothing else', () => {
    const templates = walk(templatesDir).map((p) => rel(templatesDir, p)).sort();
    assert.deepEqual([...written].sort(), templates);
    assert.deepEqual(outFiles().sort(), templates);
    for (const name of INTEGRATIONS) assert.ok(templates.includes(`${name}/README.md`), `${name}/README.md`);
    for (const path of [
      'moodle/version.php', 'moodle/settings.php', 'moodle/lib.php', 'moodle/db/hooks.php',
      'moodle/classes/hook_callbacks.php', 'moodle/classes/embed.php', 'moodle/classes/privacy/provider.php',
      'moodle/lang/en/local_lmssupport.php', 'moodle/lang/es/local_lmssupport.php',
      'canvas/lms-support-canvas.js', 'brightspace/widget.html', 'openedx/env.config.jsx',
      'blackboard/snippet.html', 'blackboard/ULTRA.md', 'sakai/lms-support-sakai.js', 'generic/snippet.html',
    ]) {
      assert.ok(templates.includes(path), `missing template ${path}`);
    }
  });

  test('no {{ placeholder remains in any rendered file', () => {
    for (const path of outFiles()) {
      const text = read(path);
      const at = text.indexOf('{{');
      assert.equal(at, -1, `${path}: "${text.slice(at, at + 30)}"`);
    }
  });

  test('every SRI hash and loader URL in the output is the real one', () => {
    let hashes = 0;
    for (const path of outFiles()) {
      const text = read(path);
      for (const [hash] of text.matchAll(/sha(256|384|512)-[A-Za-z0-9+/=]+/g)) {
        hashes += 1;
        assert.equal(hash, expectedSri, path);
      }
      for (const [url] of text.matchAll(/https?:\/\/[^\s"'<>`)]*loader\.js/g)) assert.equal(url, LOADER_URL, path);
      assert.ok(!text.includes('0.1.0/loader.js') || text.includes(LOADER_URL), path);
    }
    assert.ok(hashes >= 7, `only ${hashes} hashes rendered`);
  });

  test('every loader <script> tag has src, integrity, crossorigin, and defer except the one for <head>', () => {
    const tagged = new Set();
    for (const path of outFiles().filter((p) => /\.(html|md)$/.test(p))) {
      for (const attrs of scriptTags(read(path))) {
        const src = attrs.get('src') ?? '';
        if (path.endsWith('.html')) assert.ok(src, `${path}: a <script> without src`);
        if (src.includes('loader.js') || path.endsWith('.html')) {
          // The generic snippet goes in <head> without defer (render-blocking: no layout shift).
          assertPinnedTag(attrs, path, path !== 'generic/snippet.html');
          tagged.add(path);
        }
      }
    }
    for (const path of ['generic/snippet.html', 'brightspace/widget.html', 'blackboard/snippet.html']) {
      assert.ok(tagged.has(path), `${path} has no loader tag`);
    }
    const generic = scriptTags(read('generic/snippet.html'));
    assert.equal(generic.length, 1);
    assert.equal(generic[0].get('data-locale'), 'auto');
    assert.equal(generic[0].get('data-lms'), 'auto');
    assert.equal(scriptTags(read('blackboard/snippet.html'))[0].get('data-lms'), 'blackboard');
  });

  test('every README gives the CSP lines with the real origins', () => {
    const docs = outFiles().filter((p) => p.endsWith('README.md') || p.endsWith('ULTRA.md'));
    assert.equal(docs.filter((p) => p.endsWith('README.md')).length, INTEGRATIONS.length);
    for (const path of docs) {
      const text = read(path);
      assert.ok(text.includes(`script-src ${ASSET_ORIGIN} 'wasm-unsafe-eval'`), `${path}: script-src line`);
      assert.ok(text.includes(`connect-src ${API_ORIGIN} ${ASSET_ORIGIN}`), `${path}: connect-src line`);
      assert.ok(!/style-src [^\n]*unsafe-inline/.test(text), `${path}: asks for unsafe-inline styles`);
    }
  });

  test('when the API and the assets share an origin, each CSP line names it once', () => {
    const sameOut = join(work, 'same-origin');
    renderIntegrations({
      version: VERSION, loaderUrl: LOADER_URL, loaderSri: expectedSri, feedUrl: FEED_URL,
      assetOrigin: ASSET_ORIGIN, apiOrigin: ASSET_ORIGIN, templatesDir, outDir: sameOut,
    });
    for (const path of walk(sameOut).filter((p) => /(README|ULTRA)\.md$/.test(p))) {
      const text = readFileSync(path, 'utf8');
      assert.ok(text.includes(`connect-src ${ASSET_ORIGIN};`), `${rel(sameOut, path)}: ${text.match(/connect-src[^\n]*/)}`);
      assert.ok(!text.includes(`${ASSET_ORIGIN} ${ASSET_ORIGIN}`), `${rel(sameOut, path)}: an origin repeated`);
    }
  });

  test("Brightspace's {ReplaceStrings} survive rendering untouched", () => {
    const single = (text) => [...text.matchAll(/(?<!\{)\{[A-Za-z]+\}(?!\})/g)].map((m) => m[0]);
    const template = readFileSync(join(templatesDir, 'brightspace/widget.html'), 'utf8');
    const rendered = read('brightspace/widget.html');
    assert.deepEqual(single(rendered), single(template));
    const [tag] = scriptTags(rendered);
    assert.equal(tag.get('data-course'), '{OrgUnitId}');
    assert.equal(tag.get('data-course-name'), '{OrgUnitName}');
    assert.equal(tag.get('data-role'), '{RoleName}');
    assert.equal(tag.get('data-user-name'), '{FirstName} {LastName}');
    assert.equal(tag.get('data-user-email'), '{Email}');
    assert.equal(tag.get('data-lms'), 'brightspace');
  });

  test('an unknown placeholder fails with the file and placeholder named, writing nothing', () => {
    const templates = join(work, 'bad-templates');
    mkdirSync(join(templates, 'x'), { recursive: true });
    writeFileSync(join(templates, 'a.txt'), 'fine {{VERSION}}\n');
    writeFileSync(join(templates, 'x/bad.html'), '<p>{{VERSION}} {{SUPPORT_EMAIL}}</p>\n');
    const badOut = join(work, 'bad-out');
    const options = {
      version: VERSION, loaderUrl: LOADER_URL, loaderSri: expectedSri, feedUrl: FEED_URL,
      assetOrigin: ASSET_ORIGIN, apiOrigin: API_ORIGIN, templatesDir: templates, outDir: badOut,
    };
    assert.throws(() => renderIntegrations(options), (e) => {
      assert.match(e.message, /x\/bad\.html/);
      assert.match(e.message, /\{\{SUPPORT_EMAIL\}\}/);
      return true;
    });
    assert.ok(!existsSync(badOut), 'wrote output despite the error');
  });

  test('a missing or malformed value fails naming it', () => {
    const options = {
      version: VERSION, loaderUrl: LOADER_URL, loaderSri: expectedSri, feedUrl: FEED_URL,
      assetOrigin: ASSET_ORIGIN, apiOrigin: API_ORIGIN, templatesDir, outDir: join(work, 'never'),
    };
    for (const key of ['version', 'loaderUrl', 'loaderSri', 'feedUrl', 'assetOrigin', 'apiOrigin']) {
      assert.throws(() => renderIntegrations({ ...options, [key]: undefined }), new RegExp(key));
    }
    assert.throws(() => renderIntegrations({ ...options, apiOrigin: `${API_ORIGIN}/v1` }), /apiOrigin/);
    assert.throws(() => renderIntegrations({ ...options, feedUrl: `${FEED_URL}"><script>` }), /feedUrl/);
    assert.ok(!existsSync(join(work, 'never')));
  });

  test('the command line renders from a loader file and prints one line per file', () => {
    const cliOut = join(work, 'cli-out');
    const r = spawnSync(process.execPath, [script, '--loader', join(work, 'loader.js'),
      '--cdn', 'https://cdn.vendor.example/lms-support/0.1.0/', '--feed', FEED_URL,
      '--api', API_ORIGIN, '--version', VERSION, '--out', cliOut], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, written.length);
    assert.deepEqual(lines.map((l) => rel(cliOut, l)).sort(), [...written].sort());
    const [tag] = scriptTags(readFileSync(join(cliOut, 'generic/snippet.html'), 'utf8'));
    assertPinnedTag(tag, 'cli generic/snippet.html', false);
    assert.equal(readFileSync(join(cliOut, 'moodle/README.md'), 'utf8'), read('moodle/README.md'));
  });
});

describe('canvas', () => {
  test('injects one pinned loader with the course, role, name and locale from ENV', () => {
    const page = fakePage({
      env: {
        LOCALE: 'es', COURSE_ID: '42', current_user_roles: ['user', 'student', 'teacher'],
        current_user: { display_name: 'Ana Pérez' },
        current_context: { id: '42', name: 'Biology 101', type: 'Course' },
      },
    });
    const code = read('canvas/lms-support-canvas.js');
    page.run(code);
    page.run(code);
    assert.equal(page.appended.length, 1, 'loaded twice');
    assertInjected(page.appended[0], {
      feed: FEED_URL, lms: 'canvas', locale: 'es', course: '42', courseName: 'Biology 101',
      role: 'teacher', userName: 'Ana Pérez',
    }, 'canvas');
  });

  test('outside a course: no course, student role, auto locale', () => {
    const page = fakePage({
      env: { current_user_roles: ['user', 'student'], current_context: { id: '7', name: 'Ana', type: 'User' } },
    });
    page.run(read('canvas/lms-support-canvas.js'));
    assertInjected(page.appended[0], { feed: FEED_URL, lms: 'canvas', locale: 'auto', role: 'student' }, 'canvas');
  });

  test('nothing inside an iframe or when the widget is already there', () => {
    const framed = fakePage({ env: {}, framed: true });
    framed.run(read('canvas/lms-support-canvas.js'));
    assert.equal(framed.appended.length, 0);
    const loaded = fakePage({ env: {} });
    loaded.window.LmsSupport = {};
    loaded.run(read('canvas/lms-support-canvas.js'));
    assert.equal(loaded.appended.length, 0);
  });
});

describe('sakai', () => {
  const portal = {
    loggedIn: true, siteId: 'bio-101', siteTitle: 'Biology 101', locale: 'pt_BR', user: { id: 'u-1' },
  };

  test('waits for the page, then injects one pinned loader with site and locale', () => {
    const page = fakePage({ portal, readyState: 'loading' });
    const code = read('sakai/lms-support-sakai.js');
    page.run(code);
    page.run(code);
    assert.equal(page.appended.length, 0, 'ran before DOMContentLoaded');
    page.fire('DOMContentLoaded');
    assert.equal(page.appended.length, 1);
    assertInjected(page.appended[0], {
      feed: FEED_URL, lms: 'sakai', locale: 'pt-BR', course: 'bio-101', courseName: 'Biology 101',
    }, 'sakai');
  });

  test('My Workspace is not a course; logged out and framed pages get nothing', () => {
    const workspace = fakePage({ portal: { ...portal, siteId: '~u-1', siteTitle: 'Home', locale: '' } });
    workspace.run(read('sakai/lms-support-sakai.js'));
    assertInjected(workspace.appended[0], { feed: FEED_URL, lms: 'sakai', locale: 'auto' }, 'sakai workspace');
    for (const page of [
      fakePage({ portal: { loggedIn: false, siteId: '!gateway', user: {} } }),
      fakePage({ portal, framed: true }),
    ]) {
      page.run(read('sakai/lms-support-sakai.js'));
      assert.equal(page.appended.length, 0);
    }
  });
});

describe('openedx', () => {
  test('a DIRECT_PLUGIN inserted in the footer slot that injects one pinned loader', () => {
    const source = read('openedx/env.config.jsx');
    const imports = [...source.matchAll(/^import \{ ([^}]+) \} from '([^']+)';$/gm)]
      .map(([, names, from]) => `${from}: ${names}`);
    assert.deepEqual(imports.sort(), [
      '@edx/frontend-platform/auth: getAuthenticatedUser',
      '@edx/frontend-platform/i18n: getLocale',
      '@openedx/frontend-plugin-framework: DIRECT_PLUGIN, PLUGIN_OPERATIONS',
      'react: useEffect',
    ]);
    assert.equal(source.match(/^import /gm).length, 4, 'an import this test does not stub');
    const code = source.replace(/^import .*$/gm, '').replace(/^export default config;$/m, 'result.config = config;');
    assert.notEqual(code.indexOf('result.config'), -1, 'no `export default config;`');

    const page = fakePage();
    const effects = [];
    Object.assign(page.window, {
      result: {},
      useEffect: (fn, deps) => { assert.ok(Array.isArray(deps) && deps.length === 0, 'effect should run once'); effects.push(fn); },
      DIRECT_PLUGIN: 'DIRECT_PLUGIN',
      PLUGIN_OPERATIONS: { Insert: 'Insert', Hide: 'Hide' },
      getAuthenticatedUser: () => ({ userId: 3, username: 'ana', administrator: false, roles: [] }),
      getLocale: () => 'es-419',
    });
    page.run(code);
    const slot = page.window.result.config.pluginSlots['org.openedx.frontend.layout.footer.v1'];
    assert.equal(slot.keepDefault, true);
    assert.equal(slot.plugins.length, 1);
    const [plugin] = slot.plugins;
    assert.equal(plugin.op, 'Insert');
    assert.equal(plugin.widget.type, 'DIRECT_PLUGIN');
    assert.equal(plugin.widget.RenderWidget(), null);
    assert.equal(plugin.widget.RenderWidget(), null);
    effects.forEach((fn) => fn());
    assert.equal(page.appended.length, 1, 'loaded twice');
    assertInjected(page.appended[0], { feed: FEED_URL, lms: 'openedx', locale: 'es-419', userName: 'ana' }, 'openedx');
  });
});

describe('moodle', () => {
  let moodle;
  before(() => { moodle = join(out, 'moodle'); });

  test('php -l passes on every rendered .php file', () => {
    const files = outFiles().filter((p) => p.endsWith('.php'));
    assert.ok(files.length >= 9, `only ${files.length} .php files`);
    for (const path of files) {
      const r = spawnSync('php', ['-l', join(out, path)], { encoding: 'utf8' });
      assert.ok(!r.error, `php could not run (${r.error?.message}): run scripts/setup.sh to install php-cli`);
      assert.equal(r.status, 0, `php -l ${path}:\n${r.stdout}${r.stderr}`);
    }
  });

  test('version.php, db/hooks.php, the privacy provider and both languages', () => {
    const result = JSON.parse(php(`
      define('MOODLE_INTERNAL', true);
      define('MATURITY_STABLE', 200); define('MATURITY_BETA', 100);
      $plugin = new stdClass();
      require 'version.php';
      require 'db/hooks.php';
      foreach (['en', 'es'] as $lang) { $string = []; require "lang/$lang/local_lmssupport.php"; $strings[$lang] = $string; }
      eval('namespace core_privacy\\\\local\\\\metadata; interface provider {} class collection { public $links = []; public function add_external_location_link($name, $fields, $summary) { $this->links[] = [$name, $fields, $summary]; return $this; } }');
      eval('namespace core_privacy\\\\local\\\\request; interface core_userlist_provider {} class contextlist {} class userlist {} class approved_contextlist {} class approved_userlist {}');
      eval('namespace core_privacy\\\\local\\\\request\\\\plugin; interface provider {}');
      require 'classes/privacy/provider.php';
      echo json_encode([
        'plugin' => $plugin, 'callbacks' => $callbacks, 'strings' => $strings,
        'links' => \\local_lmssupport\\privacy\\provider::get_metadata(new \\core_privacy\\local\\metadata\\collection())->links,
        'interfaces' => array_values(class_implements('local_lmssupport\\privacy\\provider')),
      ]);
    `, moodle));
    const { plugin } = result;
    assert.equal(plugin.component, 'local_lmssupport');
    assert.equal(plugin.release, VERSION);
    assert.equal(plugin.requires, 2022112800);
    assert.equal(plugin.maturity, 200);
    // From the render (its UTC date and hour), not edited by hand: a later render upgrades.
    assert.equal(plugin.version, 2026120709);
    assert.equal(moodleVersion(new Date('2026-12-07T10:00:00Z')), '2026120710');
    assert.ok(Number(moodleVersion(new Date('2027-01-01T00:00:00Z'))) > Number(moodleVersion(new Date('2026-12-31T23:59:59Z'))));

    // The script tag in <head>; "Help and support" in the standard footer (Moodle's own
    // hook names, core\hook\output\*, and one method each of the same name).
    assert.deepEqual(result.callbacks.map((c) => c.hook), [
      'core\\hook\\output\\before_standard_head_html_generation', 'core\\hook\\output\\before_standard_footer_html_generation',
    ]);
    for (const { hook, callback } of result.callbacks) {
      const [cls, method] = Array.isArray(callback) ? callback : callback.split('::');
      assert.equal(cls.replace(/^\\/, ''), 'local_lmssupport\\hook_callbacks');
      assert.equal(method, hook.split('\\').pop());
      assert.match(readFileSync(join(moodle, 'classes/hook_callbacks.php'), 'utf8'),
        new RegExp(`public static function ${method}\\(\\s*\\\\${hook.replaceAll('\\', '\\\\')} \\$hook`));
    }

    // What may leave for the support provider is declared as an external location, with a
    // string for each field in both languages.
    assert.ok(result.interfaces.includes('core_privacy\\local\\metadata\\provider'), result.interfaces.join());
    assert.ok(result.interfaces.includes('core_privacy\\local\\request\\plugin\\provider'), result.interfaces.join());
    const [[location, fields, summary]] = result.links;
    assert.equal(location, 'lmssupport_provider');
    assert.deepEqual(Object.keys(fields).sort(), ['course', 'email', 'fullname', 'role']);
    const { en, es } = result.strings;
    for (const key of [summary, ...Object.values(fields)]) assert.ok(en[key] && es[key], `missing string ${key}`);
    assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
    for (const key of ['pluginname', 'feedurl', 'feedurl_desc', 'locale', 'locale_desc', 'enabled', 'enabled_desc', 'prefilluser', 'prefilluser_desc', 'helpandsupport', 'keeplauncher', 'keeplauncher_desc']) {
      assert.ok(en[key] && es[key], `missing string ${key}`);
    }
    assert.match(en['privacy:metadata:lmssupport_provider'], /ticket/);
    assert.match(en.prefilluser_desc, /Privacy/);
    assert.match(readFileSync(join(moodle, 'settings.php'), 'utf8'), new RegExp(`'${FEED_URL.replace(/[?]/g, '\\?')}',\\s*PARAM_URL`));
  });

  test('embed::script_tag builds one pinned, escaped tag (with Moodle-like html_writer and s())', () => {
    const html = php(`
      define('MOODLE_INTERNAL', true);
      function s($v) { return htmlspecialchars((string) $v, ENT_QUOTES | ENT_HTML401 | ENT_SUBSTITUTE, 'UTF-8'); }
      class html_writer {
        public static function tag($name, $contents, $attributes) {
          $a = '';
          foreach ($attributes as $k => $v) { $a .= ' ' . $k . '="' . s($v) . '"'; }
          return "<$name$a>$contents</$name>";
        }
      }
      require 'classes/embed.php';
      echo \\local_lmssupport\\embed::script_tag([
        'feed' => '${FEED_URL}', 'locale' => 'auto', 'lms' => 'moodle', 'course' => '42',
        'course-name' => 'Q&A "Intro" <b>', 'role' => null, 'quiet' => '',
      ]);
    `, moodle);
    const tags = scriptTags(html);
    assert.equal(tags.length, 1, html);
    // In <head> without defer: the loader draws the cached banner before Moodle's first paint.
    assertPinnedTag(tags[0], 'moodle embed', false);
    assert.equal(tags[0].get('data-lms'), 'moodle');
    assert.equal(tags[0].get('data-course'), '42');
    assert.equal(tags[0].get('data-course-name'), 'Q&A "Intro" <b>');
    assert.ok(!tags[0].has('data-role') && !tags[0].has('data-quiet'), 'empty values should be left out');
    assert.ok(!html.includes('<b>'), 'course name not escaped');
  });

  test('name and e-mail go to the widget only when the site turns "Prefill name and e-mail" on (off by default)', () => {
    const result = JSON.parse(php(`
      define('MOODLE_INTERNAL', true);
      function fullname($user) { return $user->firstname . ' ' . $user->lastname; }
      require 'classes/embed.php';
      $user = (object) ['firstname' => 'Ana', 'lastname' => 'Pérez', 'email' => 'ana@example.edu'];
      echo json_encode([
        'on' => \\local_lmssupport\\embed::user_data(true, $user),
        'off' => \\local_lmssupport\\embed::user_data(false, $user),
      ]);
    `, moodle));
    assert.deepEqual(result.on, { 'user-name': 'Ana Pérez', 'user-email': 'ana@example.edu' });
    assert.deepEqual(result.off, []);
    assert.match(readFileSync(join(moodle, 'settings.php'), 'utf8'), /'local_lmssupport\/prefilluser',[^;]*\b0\s*\)\);/);
  });

  test('the legacy callbacks and the 4.4 hooks share one embed path each', () => {
    const lib = readFileSync(join(moodle, 'lib.php'), 'utf8');
    const hooks = readFileSync(join(moodle, 'classes/hook_callbacks.php'), 'utf8');
    // Moodle 4.1-4.3 call <component>_before_standard_html_head(); 4.4+ the hook that replaced it.
    assert.match(lib, /function local_lmssupport_before_standard_html_head\(\)/);
    assert.match(lib, /class_exists\(\\core\\hook\\output\\before_standard_head_html_generation::class\)/);
    assert.match(lib, /embed::head_html\(\)/);
    assert.match(hooks, /embed::head_html\(\)/);
    // Moodle 4.1-4.3 call <component>_standard_footer_html(); 4.4+ the hook that replaced it.
    assert.match(lib, /function local_lmssupport_standard_footer_html\(\)/);
    assert.match(lib, /class_exists\(\\core\\hook\\output\\before_standard_footer_html_generation::class\)/);
    assert.match(lib, /embed::help_entry_html\(\)/);
    assert.match(hooks, /embed::help_entry_html\(\)/);
  });

  test('"Help and support" is an escaped link to #lms-support-help; the floating button shows only when the site keeps it (off by default)', () => {
    const html = php(`
      define('MOODLE_INTERNAL', true);
      function s($v) { return htmlspecialchars((string) $v, ENT_QUOTES | ENT_HTML401 | ENT_SUBSTITUTE, 'UTF-8'); }
      class html_writer {
        public static function link($url, $text) { return '<a href="' . s($url) . '">' . $text . '</a>'; }
        public static function div($content, $class) { return '<div class="' . s($class) . '">' . $content . '</div>'; }
      }
      require 'classes/embed.php';
      echo \\local_lmssupport\\embed::help_entry('Help & <support>');
    `, moodle);
    assert.equal(html, '<div class="lmssupport-help"><a href="#lms-support-help">Help &amp; &lt;support&gt;</a></div>');
    assert.match(readFileSync(join(moodle, 'settings.php'), 'utf8'), /'local_lmssupport\/keeplauncher',[^;]*\b0\s*\)\);/);
    assert.match(readFileSync(join(moodle, 'classes/embed.php'), 'utf8'),
      /'launcher' => get_config\('local_lmssupport', 'keeplauncher'\) \? 'bottom-right' : null/);
  });
});
