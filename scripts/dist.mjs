// `make dist`: the release a vendor pins and verifies, from the shipped build in target/widget.
//   dist/widget/        every file to serve from the CDN (hashed names, .gz/.br, manifest.json
//                       with sizes and SRI hashes), for https://…/lms-support/<version>/
//   dist/npm/           the npm package (pkg-templates/npm overlay), checked with npm pack --dry-run
//   dist/integrations/  the six LMS templates and the generic snippet, rendered with the version,
//                       the loader's URL and its SRI hash (scripts/integrations.mjs)
// Then prints the sizes per file and fails when the first load is over budget (scripts/size.mjs).
//
//   node scripts/dist.mjs [--cdn https://cdn.vendor.example/lms-support/<version>/] [--feed URL]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderIntegrations, sri } from './integrations.mjs';

const root = new URL('..', import.meta.url).pathname;
const widget = join(root, 'target/widget');
const dist = join(root, 'dist');
const manifest = JSON.parse(readFileSync(join(widget, 'manifest.json'), 'utf8'));
const { version } = manifest;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const cdn = new URL(arg('--cdn', `https://cdn.vendor.example/lms-support/${version}/`));
const feed = new URL(arg('--feed', 'https://support.vendor.example/v1/feed?client=acme'));

rmSync(dist, { recursive: true, force: true });

// 1. What the CDN serves.
cpSync(widget, join(dist, 'widget'), { recursive: true });

// 2. The npm package: the shipped files (no .gz/.br: a vendor's server compresses) + overlay.
const npm = join(dist, 'npm');
mkdirSync(npm, { recursive: true });
for (const name of Object.keys(manifest.files)) cpSync(join(widget, name), join(npm, name));
cpSync(join(widget, 'manifest.json'), join(npm, 'manifest.json'));
const loaderSri = manifest.files['loader.js'].sri;
const fill = (text) => text.replaceAll('__VERSION__', version).replaceAll('__LOADER_SRI__', loaderSri)
  .replace('__MANIFEST__', () => JSON.stringify({ version, files: manifest.files }));
for (const name of readdirSync(join(root, 'pkg-templates/npm'))) {
  writeFileSync(join(npm, name), fill(readFileSync(join(root, 'pkg-templates/npm', name), 'utf8')));
}
for (const licence of ['LICENSE-MIT', 'LICENSE-APACHE']) cpSync(join(root, licence), join(npm, licence));
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: npm, encoding: 'utf8' }))[0];
console.log(`[dist] npm: ${packed.name}@${packed.version}, ${packed.entryCount} files, ${packed.size} B packed`);

// 3. The integrations, pointing at the CDN copy of this version's loader.
const loader = readFileSync(join(widget, 'loader.js'));
if (sri(loader) !== loaderSri) throw new Error('[dist] loader.js does not match its manifest hash');
const written = renderIntegrations({
  version,
  loaderUrl: new URL('loader.js', cdn).href,
  loaderSri,
  feedUrl: feed.href,
  assetOrigin: cdn.origin,
  apiOrigin: feed.origin,
  outDir: join(dist, 'integrations'),
});
console.log(`[dist] integrations: ${written.length} files for ${new Set(written.map((p) => p.split('/')[0])).size} targets`);

// 4. Sizes per file and the budget.
execFileSync(process.execPath, [join(root, 'scripts/size.mjs'), '--check'], { stdio: 'inherit' });
console.log(`[dist] dist/ ready: widget ${version} for ${cdn.href}`);
