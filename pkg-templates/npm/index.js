// For build scripts and servers: the files of this version with their integrity hashes, and
// the <script> tag to put in a page. The widget itself runs from loader.js in the browser.
const manifest = __MANIFEST__;

/** This package's version. */
export const version = manifest.version;

/** Every file to serve from one directory: name, stage ("banner" or "full") and SRI hash. */
export const files = Object.entries(manifest.files).map(([name, f]) => ({ name, stage: f.stage, integrity: f.sri }));

const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const dataName = (key) => 'data-' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/**
 * The loader's <script> tag, with its integrity hash, for pages served from `base` (the URL of
 * the directory where this package's files are served). `data` becomes data-* attributes.
 */
export function scriptTag(base, data) {
  if (!data || !data.feed) throw new TypeError('scriptTag: data.feed (the feed URL) is required');
  const src = new URL('loader.js', base.endsWith('/') ? base : base + '/').href;
  const attrs = Object.entries(data)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${dataName(k)}="${escape(v)}"`).join('');
  return `<script src="${escape(src)}" integrity="${manifest.files['loader.js'].sri}" crossorigin="anonymous" defer${attrs}></script>`;
}
