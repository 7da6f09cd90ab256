// Renders the LMS integration templates (pkg-templates/integrations) for one release: copies every
// file to dist/integrations with {{VERSION}}, {{LOADER_URL}}, {{LOADER_SRI}}, {{FEED_URL}},
// {{ASSET_ORIGIN}}, {{API_ORIGIN}}, {{CONNECT_SRC}} (both origins, once each) and
// {{PLUGIN_VERSION}} (Moodle's $plugin->version: the render's UTC date and hour, YYYYMMDDHH, so
// every newer render upgrades; SOURCE_DATE_EPOCH sets the instant for a reproducible build)
// filled in. Anything else in double braces is an error, so a template never ships with a hole
// in it.
//
//   node scripts/integrations.mjs --loader target/widget/loader.js \
//     --cdn https://cdn.vendor.example/lms-support/0.1.0/ \
//     --feed 'https://support.vendor.example/v1/feed?client=acme' [--api ORIGIN] [--version V] [--out DIR]
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

/** Subresource Integrity value of `bytes`: `sha384-<base64>`. */
export function sri(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

function files(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return files(path, base);
      return entry.isFile() ? [relative(base, path).split(sep).join('/')] : [];
    });
}

function check(option, value, test, what) {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`renderIntegrations: ${option} is missing`);
  }
  // Values land in HTML attributes, JS and PHP string literals: nothing that could close them.
  if (/["'<>\\`\s]|\{\{/.test(value)) {
    throw new Error(`renderIntegrations: ${option} ${JSON.stringify(value)} contains a quote, bracket, backslash, space or "{{"`);
  }
  if (test && !test(value)) throw new Error(`renderIntegrations: ${option} ${JSON.stringify(value)} is not ${what}`);
}

function isUrl(value) {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
const isOrigin = (value) => isUrl(value) && new URL(value).origin === value;

/**
 * Renders every file of `templatesDir` into `outDir` (emptied first) and returns the written
 * paths relative to `outDir`, sorted. Throws, writing nothing, when an option is missing or
 * malformed or a template holds a placeholder other than the six known ones.
 */
/** Moodle's `$plugin->version` for a render at `at`: YYYYMMDDHH in UTC (Moodle's YYYYMMDDXX
 *  with the hour as XX), so a later render always has a larger version. */
export function moodleVersion(at) {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new Error('renderIntegrations: renderedAt is not a date');
  return at.toISOString().slice(0, 13).replace(/[-T]/g, '');
}

export function renderIntegrations({
  version,
  loaderUrl,
  loaderSri,
  feedUrl,
  assetOrigin,
  apiOrigin,
  templatesDir = join(root, 'pkg-templates/integrations'),
  outDir = join(root, 'dist/integrations'),
  renderedAt = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date(),
} = {}) {
  check('version', version, (v) => /^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(v), 'a semver version');
  check('loaderUrl', loaderUrl, isUrl, 'an absolute http(s) URL');
  check('loaderSri', loaderSri, (v) => /^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$/.test(v), 'an SRI hash (sha384-…)');
  check('feedUrl', feedUrl, isUrl, 'an absolute http(s) URL');
  check('assetOrigin', assetOrigin, isOrigin, 'an origin (scheme://host[:port], no path)');
  check('apiOrigin', apiOrigin, isOrigin, 'an origin (scheme://host[:port], no path)');
  if (new URL(loaderUrl).origin !== assetOrigin) {
    throw new Error(`renderIntegrations: loaderUrl ${loaderUrl} is not on assetOrigin ${assetOrigin}`);
  }
  const values = {
    VERSION: version,
    LOADER_URL: loaderUrl,
    LOADER_SRI: loaderSri,
    FEED_URL: feedUrl,
    ASSET_ORIGIN: assetOrigin,
    API_ORIGIN: apiOrigin,
    // One origin when the API and the assets share it: a CSP line lists each source once.
    CONNECT_SRC: [...new Set([apiOrigin, assetOrigin])].join(' '),
    PLUGIN_VERSION: moodleVersion(renderedAt),
  };

  const rendered = files(templatesDir).map((path) => {
    const text = readFileSync(join(templatesDir, path), 'utf8');
    const unknown = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))].filter((n) => !(n in values));
    if (unknown.length) {
      throw new Error(`${path}: unknown placeholder ${unknown.map((n) => `{{${n}}}`).join(', ')} (known: ${Object.keys(values).join(', ')})`);
    }
    const out = text.replace(PLACEHOLDER, (_, name) => values[name]);
    const left = out.match(PLACEHOLDER);
    if (left) throw new Error(`${path}: placeholder ${left[0]} remains after rendering`);
    return [path, out];
  });
  if (!rendered.length) throw new Error(`renderIntegrations: no templates in ${templatesDir}`);

  const out = resolve(outDir);
  for (const keep of [resolve(templatesDir), root, process.cwd()]) {
    if (keep === out || keep.startsWith(out + sep) || dirname(out) === out) {
      throw new Error(`renderIntegrations: refusing to empty ${out}, which holds ${keep}`);
    }
  }
  rmSync(out, { recursive: true, force: true });
  for (const [path, text] of rendered) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
  return rendered.map(([path]) => path);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values: opt } = parseArgs({
      options: {
        loader: { type: 'string', default: join(root, 'target/widget/loader.js') },
        cdn: { type: 'string' },
        feed: { type: 'string' },
        api: { type: 'string' },
        version: { type: 'string' },
        templates: { type: 'string' },
        out: { type: 'string', default: join(root, 'dist/integrations') },
      },
    });
    if (!opt.cdn || !opt.feed) {
      throw new Error('usage: node scripts/integrations.mjs --loader target/widget/loader.js --cdn https://cdn.example/lms-support/0.1.0/ --feed https://support.example/v1/feed?client=acme [--api ORIGIN] [--version V] [--templates DIR] [--out DIR]');
    }
    const cdn = opt.cdn.endsWith('/') ? opt.cdn : `${opt.cdn}/`;
    const version = opt.version
      ?? readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
    const written = renderIntegrations({
      version,
      loaderUrl: new URL('loader.js', cdn).href,
      loaderSri: sri(readFileSync(opt.loader)),
      feedUrl: opt.feed,
      assetOrigin: new URL(cdn).origin,
      apiOrigin: opt.api ?? new URL(opt.feed).origin,
      templatesDir: opt.templates,
      outDir: opt.out,
    });
    for (const path of written) console.log(join(opt.out, path));
  } catch (error) {
    console.error(`[integrations] ${error.message}`);
    process.exit(1);
  }
}
