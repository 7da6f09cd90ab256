// The in-page half of `make bench` (bench/search.mjs drives it): our Wasm search and MiniSearch
// on the same corpus, the same queries, in the same page, timed with performance.now().
import init, { BenchFeed } from '/target/bench-pkg/lms_support_widget.js';
import MiniSearch from '/node_modules/minisearch/dist/es/index.js';

/** Results the widget shows (src/help/mod.rs RESULT_LIMIT). */
const LIMIT = 8;
const LOCALES = ['en', 'es'];

// MiniSearch configured like ours: the same fields and weights (question 3 > tags 2 >
// category 1.5 > answer 1), accent and case folding, prefix search and typo tolerance.
const fold = (term) => term.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
const MINISEARCH_OPTIONS = {
  fields: ['question', 'tags', 'category', 'answer'],
  processTerm: fold,
  searchOptions: { prefix: true, fuzzy: 0.2, boost: { question: 3, tags: 2, category: 1.5, answer: 1 } },
};

/** LocalizedText::get for the locales used here: the locale, else English, else the first. */
const text = (t, locale) => t?.[locale] ?? t?.en ?? Object.values(t ?? {})[0] ?? '';
/** Ours indexes answers without link destinations; give MiniSearch the same text. */
const withoutLinkTargets = (md) => md.replace(/\]\([^)]*\)/g, ']');
const docsFor = (faq, locale) => faq.map((e) => ({
  id: e.id,
  question: text(e.question, locale),
  tags: (e.tags ?? []).join(' '),
  category: e.category ?? '',
  answer: withoutLinkTargets(text(e.answer, locale)),
}));
function buildMini(faq, locale) {
  const ms = new MiniSearch(MINISEARCH_OPTIONS);
  ms.addAll(docsFor(faq, locale));
  return ms;
}

const now = () => performance.now();
const median = (xs) => quantile(xs, 0.5);
function quantile(xs, p) {
  const s = Float64Array.from(xs).sort();
  if (!s.length) return NaN;
  const i = (s.length - 1) * p, lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}
const stats = (xs) => ({ median: median(xs), p95: quantile(xs, 0.95), mean: xs.reduce((a, b) => a + b, 0) / xs.length, max: Math.max(...xs) });

const state = { json: null, feed: null, faq: null, ours: {}, mini: {} };
let sink = 0; // keeps results alive so no engine can skip the work

async function load(corpusUrl) {
  const t0 = now();
  await init();
  const wasmInit = now() - t0;
  state.json = await (await fetch(corpusUrl)).text();
  return { wasmInit, corpusBytes: state.json.length, crossOriginIsolated: self.crossOriginIsolated, userAgent: navigator.userAgent };
}

/** Parse + per-locale index build, `reps` times each, alternating who goes first; medians. */
function build(reps) {
  const t = { ours: { parse: [], en: [], es: [] }, mini: { parse: [], en: [], es: [] } };
  const ours = () => {
    state.feed?.free();
    let t0 = now();
    state.feed = new BenchFeed(state.json);
    t.ours.parse.push(now() - t0);
    for (const locale of LOCALES) {
      state.ours[locale]?.free();
      t0 = now();
      state.ours[locale] = state.feed.index(locale);
      t[`ours`][locale].push(now() - t0);
    }
  };
  const mini = () => {
    let t0 = now();
    state.faq = JSON.parse(state.json).faq;
    t.mini.parse.push(now() - t0);
    for (const locale of LOCALES) {
      state.mini[locale] = null;
      t0 = now();
      state.mini[locale] = buildMini(state.faq, locale);
      t.mini[locale].push(now() - t0);
    }
  };
  for (let r = 0; r < reps; r++) (r % 2 ? [mini, ours] : [ours, mini]).forEach((f) => f());
  const med = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, median(v)]));
  return { entries: state.feed.entries, docs: state.faq.length, ours: med(t.ours), mini: med(t.mini), reps };
}

const oursIds = (q, locale, limit) => state.ours[locale].search(q, limit);
const miniIds = (q, locale, limit) => state.mini[locale].search(q).slice(0, limit).map((r) => r.id);

/** One pass over `list`, each call timed on its own: Float64Array of ms. */
function pass(list, search) {
  const times = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const { q, locale } = list[i];
    const t0 = now();
    const ids = search(q, locale, LIMIT);
    times[i] = now() - t0;
    sink += ids.length;
  }
  return times;
}

/** Pure Rust: each query timed inside Wasm, per locale, put back in list order. */
function passRust(list) {
  const times = new Float64Array(list.length);
  for (const locale of LOCALES) {
    const at = [];
    list.forEach((k, i) => { if (k.locale === locale) at.push(i); });
    const got = state.ours[locale].search_batch(at.map((i) => list[i].q), LIMIT);
    at.forEach((i, j) => { times[i] = got[j]; });
  }
  return times;
}

/** Per-keystroke times: warm-up passes, then `passes` timed passes (alternating order); each
 *  keystroke's time is its median over the passes; stats over keystrokes. */
function keystrokes(list, passes, warmup) {
  const runs = { ours: [], mini: [], rust: [] };
  const go = { ours: () => pass(list, oursIds), mini: () => pass(list, miniIds), rust: () => passRust(list) };
  for (let w = 0; w < warmup; w++) Object.values(go).forEach((f) => f());
  const t0 = now();
  for (let p = 0; p < passes; p++) {
    const order = p % 2 ? ['mini', 'rust', 'ours'] : ['ours', 'rust', 'mini'];
    for (const k of order) runs[k].push(go[k]());
  }
  const perKey = (rs) => Array.from(list, (_, i) => median(rs.map((r) => r[i])));
  const out = { keystrokes: list.length, passes, warmup, seconds: (now() - t0) / 1000 };
  for (const k of Object.keys(runs)) {
    const per = perKey(runs[k]);
    out[k] = stats(per);
    // The slowest keystrokes, for the report.
    out[k].slowest = per.map((t, i) => [t, list[i].q, list[i].locale]).sort((a, b) => b[0] - a[0]).slice(0, 3);
  }
  out.sink = sink;
  return out;
}

/** Top-3 hit rate on the labelled queries, with each miss's top 3. With `alone` (a feed's JSON),
 *  on that feed instead of the corpus (the hand-written FAQ without distractors). */
function hitRate(labelled, alone) {
  let searches = [['ours', oursIds], ['mini', miniIds]];
  if (alone) {
    const feed = new BenchFeed(alone);
    const faq = JSON.parse(alone).faq;
    const ours = Object.fromEntries(LOCALES.map((l) => [l, feed.index(l)]));
    const mini = Object.fromEntries(LOCALES.map((l) => [l, buildMini(faq, l)]));
    searches = [
      ['ours', (q, locale, limit) => ours[locale].search(q, limit)],
      ['mini', (q, locale, limit) => mini[locale].search(q).slice(0, limit).map((r) => r.id)],
    ];
  }
  const res = {};
  for (const [name, search] of searches) {
    const misses = [];
    let hits = 0;
    for (const { q, locale, expect } of labelled) {
      const top = search(q, locale, 3);
      if (top.includes(expect)) hits++;
      else misses.push({ q, locale, expect, top, rank: rankOf(search, q, locale, expect) });
    }
    res[name] = { hits, total: labelled.length, rate: hits / labelled.length, misses };
  }
  return res;
}
function rankOf(search, q, locale, expect) {
  const i = search(q, locale, 1000).indexOf(expect);
  return i < 0 ? null : i + 1;
}

window.bench = { load, build, keystrokes, hitRate };
document.getElementById('status').textContent = 'ready';
window.benchReady = true;
