// Pure helpers of the admin console: times, drafts, phases, classification. No DOM, no fetch,
// so each is a function of its arguments (and the console's clock passed in as `now`).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** RFC 3339 UTC to the second, as the API writes it: 2026-12-13T05:30:00Z. */
export function iso(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A `datetime-local` value (wall clock in the browser's zone) as epoch ms; NaN when empty. */
export function fromLocalInput(value) {
  return value ? new Date(value).getTime() : NaN;
}

/** Epoch ms as a `datetime-local` value in the browser's zone, to the minute. */
export function toLocalInput(ms) {
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** UTF-8 JSON as base64url without padding, for the preview's `draft` parameter. */
export function base64url(value) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The target object the API takes, from the form's choice and names. */
export function target(kind, names) {
  if (kind === 'groups') return { groups: names };
  if (kind === 'clients') return { clients: names };
  return { all: true };
}

/** Which list a window belongs in at `now`: `upcoming`, `in_progress` or `recent`. A recurring
 *  window (no one-off times) is `upcoming` unless cancelled. */
export function windowList(item, now) {
  const entry = item.entry || {};
  if (item.status === 'cancelled') return 'recent';
  const start = Date.parse(entry.starts_at);
  const end = Date.parse(entry.ends_at);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return 'upcoming';
  if (now < start) return 'upcoming';
  if (now < end) return 'in_progress';
  return 'recent';
}

/** Instants that show each phase of a one-off window as learners see it (design §4):
 *  `[{phase, at}]`, for the preview's jump buttons and the slider's ends. */
export function phaseStops(startMs, endMs, noticeDays = 7, afterHours = 0) {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) return [];
  const stops = [
    { phase: 'before', at: startMs - noticeDays * DAY - HOUR },
    { phase: 'upcoming', at: startMs - Math.min(noticeDays * DAY, 2 * DAY) + HOUR },
    { phase: 'imminent', at: startMs - 30 * 60_000 },
    { phase: 'in_progress', at: startMs + Math.floor((endMs - startMs) / 2) },
  ];
  if (afterHours > 0) stops.push({ phase: 'completed', at: endMs + Math.min(afterHours * HOUR / 2, HOUR) });
  stops.push({ phase: 'after', at: endMs + Math.max(afterHours, 0) * HOUR + HOUR });
  return stops;
}

/** The preview page's URL for a draft at an instant, zone, language and role. */
export function previewUrl({ client, draft, at, zone, locale, role }) {
  const q = new URLSearchParams();
  q.set('client', client);
  if (draft) q.set('draft', base64url(draft));
  if (Number.isFinite(at)) q.set('now', iso(at));
  if (zone) q.set('tz', zone);
  if (locale) q.set('locale', locale);
  if (role) q.set('role', role);
  return `preview.html?${q}`;
}

/** The preview feed's URL for the same draft (the console checks it before framing it). */
export function previewFeedUrl(client, draft) {
  const q = new URLSearchParams({ client });
  if (draft) q.set('draft', base64url(draft));
  return `preview/feed?${q}`;
}

/** `{field: message}` from an API error answer `{"errors": [{field, code, message}]}`. */
export function fieldErrors(json) {
  const out = {};
  for (const e of (json && json.errors) || []) {
    const text = e.message || e.code;
    out[e.field] = out[e.field] ? `${out[e.field]}; ${text}` : text;
  }
  return out;
}

/** Replaces `{name}` placeholders. */
export function fill(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}
