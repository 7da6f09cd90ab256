// The admin console: sign in with an admin token, see clients, windows, notices and the audit
// log, and author them through the admin API (/v1/admin/…) with a live preview drawn by the
// real widget in a frame. No framework: nodes are built with createElement and textContent
// only (no HTML strings), strings come from i18n.json, and every request carries the console
// header the server's CSRF check asks for (see server/src/serve/console.rs).
import {
  fieldErrors, fill, fromLocalInput, iso, phaseStops, previewFeedUrl, previewUrl, target,
  toLocalInput, windowList,
} from './forms.js';

const LANGS = ['en', 'es', 'fr', 'pt', 'de', 'ar'];
const RTL = new Set(['ar']);
const ZONES = ['UTC', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'America/Sao_Paulo',
  'Europe/London', 'Europe/Madrid', 'Europe/Berlin', 'Africa/Cairo', 'Asia/Dubai', 'Asia/Kolkata',
  'Asia/Tokyo', 'Australia/Sydney'];
const ROLES = ['student', 'teacher', ''];
const SEVERITIES = ['info', 'minor', 'major', 'critical'];
const NOTICE_STATUSES = ['investigating', 'identified', 'monitoring'];
const LANG_KEY = 'lms-support-console:lang';
const PREVIEW_DELAY_MS = 300;

const $ = (id) => document.getElementById(id);
let catalogue = { en: {} };
let lang = 'en';
const data = { session: null, clients: [], groups: [], maintenance: [], notices: [], audit: null };
let editor = null; // { mode, item } while a form is open
let previewTimer = null;
let previewSeq = 0;

// ------------------------------------------------------------------------------------------
// strings and nodes

function t(key, values) {
  const text = (catalogue[lang] && catalogue[lang][key]) || catalogue.en[key] || key;
  return fill(text, values);
}

/** An element with attributes (on* are listeners; true is a bare attribute) and children. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

function say(message) {
  const status = $('status');
  status.textContent = '';
  // A fresh text node, so screen readers announce a repeat of the same message.
  requestAnimationFrame(() => { status.textContent = message; });
}

function dateFormat(options) {
  return new Intl.DateTimeFormat(lang, options);
}

function when(ms) {
  return Number.isFinite(ms) ? dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(ms) : '';
}

function range(entry) {
  const start = Date.parse(entry.starts_at);
  const end = Date.parse(entry.ends_at);
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    return entry.every ? t('recurring', { every: entry.every, start: entry.start || '', zone: entry.time_zone || '' }) : '';
  }
  return dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).formatRange(start, end);
}

function title(entry) {
  const map = entry.title || {};
  return map[lang] || map.en || Object.values(map)[0] || entry.id;
}

function targetText(target) {
  if (target.groups) return t('target_groups', { names: target.groups.join(', ') });
  if (target.clients) return t('target_clients', { names: target.clients.join(', ') });
  return t('target_all');
}

// ------------------------------------------------------------------------------------------
// the API

async function api(method, path, body) {
  const headers = { 'lms-support-console': '1' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin', cache: 'no-store',
    });
  } catch (error) {
    return { status: 0, ok: false, json: { errors: [{ field: 'network', message: t('network_error') }] }, headers: new Headers() };
  }
  let json = null;
  try { json = await response.json(); } catch { json = null; }
  if (response.status === 401 && path !== '/admin/session' && data.session) {
    data.session = null;
    showSignIn(t('session_ended'));
  }
  return { status: response.status, ok: response.ok, json, headers: response.headers };
}

// ------------------------------------------------------------------------------------------
// chrome: language, signed-in state

function applyLanguage() {
  document.documentElement.lang = lang;
  document.documentElement.dir = RTL.has(lang) ? 'rtl' : 'ltr';
  document.title = t('page_title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const picker = $('lang');
  picker.replaceChildren(...LANGS.map((code) => h('option', { value: code, selected: code === lang, lang: code, text: t(`lang_${code}`) })));
}

function setLanguage(code) {
  lang = LANGS.includes(code) ? code : 'en';
  try { localStorage.setItem(LANG_KEY, lang); } catch { /* private mode: the choice lasts this page */ }
  applyLanguage();
  if (data.session) renderApp();
  else renderSignIn();
  if (editor) openEditor(editor.mode, editor.item, readForm());
}

function showSignIn(message) {
  editor = null;
  $('who').textContent = '';
  $('sign-out').hidden = true;
  $('app').hidden = true;
  $('sign-in-view').hidden = false;
  renderSignIn(message);
  $('token').focus();
}

function renderSignIn(message) {
  const view = $('sign-in-view');
  const form = h('form', { id: 'sign-in', novalidate: true, onsubmit: signIn },
    h('h2', { id: 'sign-in-heading', text: t('sign_in_heading') }),
    h('p', { text: t('sign_in_help') }),
    h('div', { class: 'field' },
      h('label', { for: 'token', text: t('token_label') }),
      h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'token-error', required: true }),
      h('p', { id: 'token-error', class: 'error' })),
    h('button', { type: 'submit', class: 'primary', text: t('sign_in') }));
  view.replaceChildren(form);
  if (message) say(message);
}

async function signIn(event) {
  event.preventDefault();
  const input = $('token');
  const answer = await api('POST', '/admin/session', { token: input.value });
  if (answer.status === 201) {
    input.value = '';
    data.session = answer.json;
    await showApp();
    say(t('signed_in', { name: data.session.name }));
    $('windows-heading').focus();
    return;
  }
  const errors = fieldErrors(answer.json);
  $('token-error').textContent = errors.token || errors.body || errors.network || t('sign_in_failed');
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

async function signOut() {
  await api('DELETE', '/admin/session');
  data.session = null;
  showSignIn(t('signed_out'));
}

// ------------------------------------------------------------------------------------------
// the lists

async function load() {
  const [clients, maintenance, notices, audit] = await Promise.all([
    api('GET', '/v1/admin/clients'), api('GET', '/v1/admin/maintenance'),
    api('GET', '/v1/admin/notices'), api('GET', '/v1/admin/audit'),
  ]);
  if (clients.ok) Object.assign(data, { clients: clients.json.clients, groups: clients.json.groups });
  if (maintenance.ok) data.maintenance = maintenance.json.items;
  if (notices.ok) data.notices = notices.json.items;
  data.audit = audit.ok ? audit.json.entries : null;
}

async function showApp() {
  $('sign-in-view').hidden = true;
  $('sign-in-view').replaceChildren();
  $('app').hidden = false;
  $('sign-out').hidden = false;
  await load();
  renderApp();
}

function renderApp() {
  $('who').textContent = data.session ? t('signed_in_as', { name: data.session.name }) : '';
  renderClients();
  renderWindows();
  renderNotices();
  renderAudit();
}

function renderClients() {
  const groupsOf = (group) => data.clients.filter((c) => c.groups.includes(group)).map((c) => c.id).join(', ');
  $('clients').replaceChildren(
    h('h2', { id: 'clients-heading', text: t('clients_heading') }),
    data.clients.length === 0 ? h('p', { text: t('no_clients') }) : h('table', {},
      h('caption', { class: 'visually-hidden', text: t('clients_heading') }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('col_client') }), h('th', { scope: 'col', text: t('col_name') }), h('th', { scope: 'col', text: t('col_groups') }))),
      h('tbody', {}, data.clients.map((c) => h('tr', {},
        h('td', {}, h('code', { text: c.id })), h('td', { text: c.name || '' }), h('td', { text: c.groups.join(', ') }))))),
    data.groups.length === 0 ? null : h('ul', { class: 'groups', 'aria-label': t('groups_heading') },
      data.groups.map((g) => h('li', {}, h('strong', { text: g }), ' ', t('group_members', { clients: groupsOf(g) })))));
}

function itemRow(item, actions) {
  const entry = item.entry || {};
  return h('li', { class: 'item', 'data-id': item.id },
    h('p', { class: 'item-title' }, h('strong', { text: title(entry) }), ' ', h('span', { class: `badge status-${item.status}`, text: t(`status_${item.status}`) })),
    h('p', { class: 'item-meta', text: [range(entry), targetText(item.target), t('revision', { n: item.revision }), item.id].filter(Boolean).join(' · ') }),
    actions.length ? h('p', { class: 'actions' }, actions) : null);
}

function action(label, name, onclick) {
  return h('button', { type: 'button', 'aria-label': `${label}: ${name}`, onclick, text: label });
}

function renderWindows() {
  const now = Date.now();
  const lists = { upcoming: [], in_progress: [], recent: [] };
  for (const item of data.maintenance) lists[windowList(item, now)].push(item);
  const section = (key) => h('section', { 'aria-labelledby': `windows-${key}` },
    h('h3', { id: `windows-${key}`, text: t(`windows_${key}`) }),
    lists[key].length === 0 ? h('p', { class: 'empty', text: t('none') }) : h('ul', { class: 'items' },
      lists[key].map((item) => {
        const name = title(item.entry || {});
        const live = item.status !== 'cancelled' && key !== 'recent';
        return itemRow(item, live ? [
          action(t('edit'), name, () => openEditor('window-edit', item)),
          action(t('extend'), name, () => openEditor('window-extend', item)),
          action(t('cancel_window'), name, () => openEditor('window-cancel', item)),
        ] : []);
      })));
  $('windows').replaceChildren(
    h('h2', { id: 'windows-heading', tabindex: '-1', text: t('windows_heading') }),
    h('p', {}, h('button', { type: 'button', class: 'primary', id: 'new-window', onclick: () => openEditor('window-new', null), text: t('new_window') })),
    section('upcoming'), section('in_progress'), section('recent'));
}

function renderNotices() {
  $('notices').replaceChildren(
    h('h2', { id: 'notices-heading', tabindex: '-1', text: t('notices_heading') }),
    h('p', {}, h('button', { type: 'button', class: 'primary', id: 'new-notice', onclick: () => openEditor('notice-new', null), text: t('new_notice') })),
    data.notices.length === 0 ? h('p', { class: 'empty', text: t('none') }) : h('ul', { class: 'items' },
      data.notices.map((item) => {
        const name = title(item.entry || {});
        return itemRow(item, item.status === 'resolved' ? [] : [
          action(t('edit'), name, () => openEditor('notice-edit', item)),
          action(t('resolve'), name, () => openEditor('notice-resolve', item)),
        ]);
      })));
}

function renderAudit() {
  const entries = (data.audit || []).slice(-50).reverse();
  $('audit').replaceChildren(
    h('h2', { id: 'audit-heading', text: t('audit_heading') }),
    data.audit === null ? h('p', { text: t('audit_needs_admin') }) : h('table', {},
      h('caption', { class: 'visually-hidden', text: t('audit_heading') }),
      h('thead', {}, h('tr', {}, ['col_when', 'col_who', 'col_what', 'col_item'].map((k) => h('th', { scope: 'col', text: t(k) })))),
      h('tbody', {}, entries.map((e) => h('tr', {},
        h('td', { text: when(Date.parse(e.at)) }), h('td', { text: e.actor }),
        h('td', {}, h('code', { text: e.action })), h('td', { text: `${e.target_kind} ${e.target_id}` }))))));
}

// ------------------------------------------------------------------------------------------
// the editor: one form at a time, with its preview

const MODES = {
  'window-new': { kind: 'maintenance', fields: ['id', 'target', 'title', 'body', 'severity', 'starts_at', 'ends_at', 'notice_days'] },
  'window-edit': { kind: 'maintenance', fields: ['target', 'title', 'body', 'severity', 'starts_at', 'ends_at', 'notice_days'] },
  'window-extend': { kind: 'maintenance', fields: ['ends_at'] },
  'window-cancel': { kind: 'maintenance', fields: [] },
  'notice-new': { kind: 'notice', fields: ['id', 'target', 'title', 'body', 'status', 'severity'] },
  'notice-edit': { kind: 'notice', fields: ['target', 'title', 'body', 'status', 'severity'] },
  'notice-resolve': { kind: 'notice', fields: ['message', 'resolve_tickets'] },
};

function field(name, control, help) {
  const describedBy = [`f-${name}-error`, help ? `f-${name}-help` : null].filter(Boolean).join(' ');
  control.id = `f-${name}`;
  control.name = name;
  control.setAttribute('aria-describedby', describedBy);
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: control.id, text: t(`field_${name}`) }),
    help ? h('p', { id: `f-${name}-help`, class: 'help', text: help }) : null,
    control,
    h('p', { id: `f-${name}-error`, class: 'error' }));
}

function select(options, value) {
  return h('select', {}, options.map(([v, label]) => h('option', { value: v, selected: v === value, text: label })));
}

function targetField(current) {
  const kind = current.groups ? 'groups' : current.clients ? 'clients' : 'all';
  const chosen = new Set(current.groups || current.clients || []);
  const choice = (value) => h('label', { class: 'inline' },
    h('input', { type: 'radio', name: 'target_kind', value, checked: value === kind }), ' ', t(`target_kind_${value}`));
  const boxes = (value, names) => h('fieldset', { class: 'names', 'data-names': value, hidden: value !== kind },
    h('legend', { text: t(`target_pick_${value}`) }),
    names.map((n) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: `target_${value}`, value: n, checked: value === kind && chosen.has(n) }), ' ', n)));
  const set = h('fieldset', { id: 'f-target', 'aria-describedby': 'f-target-error', 'data-field': 'target' },
    h('legend', { text: t('field_target') }),
    h('p', { class: 'choices' }, ['all', 'groups', 'clients'].map(choice)),
    boxes('groups', data.groups), boxes('clients', data.clients.map((c) => c.id)),
    h('p', { id: 'f-target-error', class: 'error' }));
  set.addEventListener('change', (event) => {
    if (event.target.name === 'target_kind') {
      for (const box of set.querySelectorAll('[data-names]')) box.hidden = box.dataset.names !== event.target.value;
    }
  });
  return set;
}

/** The form's values as the API wants them, or the values to restore after a re-render. */
function readForm() {
  const form = $('editor-form');
  if (!form) return null;
  const value = (name) => form.elements[name] && form.elements[name].value;
  const kind = form.querySelector('input[name="target_kind"]:checked');
  const out = {};
  for (const name of ['id', 'title', 'body', 'severity', 'status', 'message', 'notice_days']) {
    if (form.elements[name]) out[name] = value(name);
  }
  for (const name of ['starts_at', 'ends_at']) if (form.elements[name]) out[name] = fromLocalInput(value(name));
  if (form.elements.resolve_tickets) out.resolve_tickets = form.elements.resolve_tickets.checked;
  if (kind) {
    out.target = target(kind.value, [...form.querySelectorAll(`input[name="target_${kind.value}"]:checked`)].map((b) => b.value));
  }
  return out;
}

/** The feed entry and target the form describes, for the API and for the preview. */
function draftOf(mode, item, values) {
  const base = item ? { ...item.entry } : {};
  const entry = { ...base };
  if (values.id) entry.id = values.id.trim();
  if ('title' in values) entry.title = values.title.trim() ? { ...(base.title || {}), en: values.title.trim() } : undefined;
  if ('body' in values) entry.body = values.body.trim() ? { ...(base.body || {}), en: values.body.trim() } : undefined;
  if ('severity' in values) entry.severity = values.severity;
  if ('status' in values) entry.status = values.status;
  for (const name of ['starts_at', 'ends_at']) {
    if (name in values) entry[name] = Number.isFinite(values[name]) ? iso(values[name]) : undefined;
  }
  if ('notice_days' in values) entry.notice_days = values.notice_days === '' ? undefined : Number(values.notice_days);
  if (mode === 'window-cancel') entry.status = 'cancelled';
  if (mode === 'notice-resolve') entry.status = 'resolved';
  for (const key of Object.keys(entry)) if (entry[key] === undefined) delete entry[key];
  const draftTarget = values.target || (item ? item.target : { all: true });
  return { kind: MODES[mode].kind, target: draftTarget, entry };
}

function openEditor(mode, item, restore) {
  const { fields } = MODES[mode];
  const entry = item ? item.entry : {};
  const hourFromNow = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3 * 24 * 3_600_000;
  const values = restore || {
    id: '', target: item ? item.target : { all: true }, title: item ? (entry.title || {}).en || '' : '',
    body: item ? (entry.body || {}).en || '' : '', severity: entry.severity || (mode.startsWith('window') ? 'major' : 'minor'),
    status: entry.status && NOTICE_STATUSES.includes(entry.status) ? entry.status : 'investigating',
    starts_at: entry.starts_at ? Date.parse(entry.starts_at) : hourFromNow,
    ends_at: mode === 'window-extend' ? Date.parse(entry.ends_at) + 3_600_000
      : entry.ends_at ? Date.parse(entry.ends_at) : hourFromNow + 4 * 3_600_000,
    notice_days: entry.notice_days === undefined ? '' : String(entry.notice_days), message: '', resolve_tickets: true,
  };
  editor = { mode, item };
  const controls = {
    id: () => field('id', h('input', { type: 'text', value: values.id, autocomplete: 'off', spellcheck: 'false' }), t('help_id')),
    target: () => targetField(values.target),
    title: () => field('title', h('input', { type: 'text', value: values.title, required: true })),
    body: () => field('body', h('textarea', { rows: '3' }, values.body)),
    severity: () => field('severity', select(SEVERITIES.map((s) => [s, t(`severity_${s}`)]), values.severity)),
    status: () => field('status', select(NOTICE_STATUSES.map((s) => [s, t(`status_${s}`)]), values.status)),
    starts_at: () => field('starts_at', h('input', { type: 'datetime-local', value: toLocalInput(values.starts_at), required: true }), t('help_local_time', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })),
    ends_at: () => field('ends_at', h('input', { type: 'datetime-local', value: toLocalInput(values.ends_at), required: true }), mode === 'window-extend' ? t('help_extend', { end: when(Date.parse(entry.ends_at)) }) : null),
    notice_days: () => field('notice_days', h('input', { type: 'number', min: '0', max: '60', value: values.notice_days, inputmode: 'numeric' }), t('help_notice_days')),
    message: () => field('message', h('textarea', { rows: '3' }, values.message)),
    resolve_tickets: () => h('div', { class: 'field' }, h('label', { class: 'inline' },
      h('input', { type: 'checkbox', id: 'f-resolve_tickets', name: 'resolve_tickets', checked: values.resolve_tickets }), ' ', t('field_resolve_tickets'))),
  };
  const heading = t(`heading_${mode.replace('-', '_')}`, { title: item ? title(entry) : '' });
  const form = h('form', { id: 'editor-form', novalidate: true, onsubmit: submit, oninput: edited, onchange: edited },
    fields.map((name) => controls[name]()),
    mode === 'window-cancel' ? h('p', { text: t('cancel_explained') }) : null,
    h('p', { id: 'form-error', class: 'error', role: 'alert' }),
    h('p', { class: 'actions' },
      h('button', { type: 'submit', class: mode.endsWith('cancel') ? 'danger' : 'primary', id: 'publish', text: t(`submit_${mode.replace('-', '_')}`) }),
      h('button', { type: 'button', id: 'close-editor', onclick: closeEditor, text: t('close') })));
  $('editor').hidden = false;
  $('editor').replaceChildren(
    h('h2', { id: 'editor-heading', tabindex: '-1', text: heading }),
    h('div', { class: 'editor-grid' }, form, previewPanel()));
  if (!restore) $('editor-heading').focus();
  updatePreviewControls();
  refreshPreview();
}

/** An edit clears that field's refusal (the server's verdict was about the old value) and
 *  schedules the preview. */
function edited(event) {
  const control = event.target.closest('[aria-invalid]');
  if (control) {
    control.removeAttribute('aria-invalid');
    const slot = $(`${control.id}-error`);
    if (slot) slot.textContent = '';
  }
  schedulePreview();
}

function closeEditor() {
  const was = editor;
  editor = null;
  clearTimeout(previewTimer);
  $('editor').hidden = true;
  $('editor').replaceChildren();
  const back = was && was.mode.startsWith('notice') ? 'notices-heading' : 'windows-heading';
  $(back).focus();
}

async function submit(event) {
  event.preventDefault();
  const { mode, item } = editor;
  const values = readForm();
  const draft = draftOf(mode, item, values);
  const path = MODES[mode].kind === 'maintenance' ? '/v1/admin/maintenance' : '/v1/admin/notices';
  let answer;
  if (mode === 'window-new' || mode === 'notice-new') {
    answer = await api('POST', path, { ...draft.entry, target: draft.target });
  } else if (mode === 'window-edit' || mode === 'notice-edit') {
    const fields = { target: draft.target };
    for (const key of MODES[mode].fields) if (key !== 'target') fields[key] = key in draft.entry ? draft.entry[key] : null;
    answer = await api('PATCH', `${path}/${encodeURIComponent(item.id)}`, fields);
  } else if (mode === 'window-extend') {
    answer = await api('POST', `${path}/${encodeURIComponent(item.id)}/extend`, { ends_at: draft.entry.ends_at });
  } else if (mode === 'window-cancel') {
    answer = await api('POST', `${path}/${encodeURIComponent(item.id)}/cancel`);
  } else {
    answer = await api('POST', `${path}/${encodeURIComponent(item.id)}/resolve`, { message: values.message || null, resolve_tickets: values.resolve_tickets });
  }
  if (answer.ok) {
    const done = answer.json.item || answer.json;
    const resolved = answer.json.resolved_tickets ? answer.json.resolved_tickets.length : null;
    await load();
    renderApp();
    closeEditor();
    say(t(`done_${mode.replace('-', '_')}`, { title: title(done.entry || {}), tickets: resolved }));
    return;
  }
  showErrors(answer.json);
}

function showErrors(json) {
  const form = $('editor-form');
  for (const el of form.querySelectorAll('.error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const errors = fieldErrors(json);
  const loose = [];
  let first = null;
  for (const [name, message] of Object.entries(errors)) {
    const key = name === 'groups' || name === 'clients' ? 'target' : name;
    const slot = $(`f-${key}-error`);
    if (slot && form.contains(slot)) {
      slot.textContent = message;
      $(`f-${key}`).setAttribute('aria-invalid', 'true');
      first = first || $(`f-${key}`);
    } else {
      loose.push(`${name}: ${message}`);
    }
  }
  $('form-error').textContent = loose.length ? t('form_error', { errors: loose.join('; ') }) : '';
  (first || $('publish')).focus();
}

// ------------------------------------------------------------------------------------------
// the preview

const preview = { client: '', at: NaN, zone: '', locale: '', role: 'student' };

function previewPanel() {
  if (!preview.locale) preview.locale = lang;
  if (!preview.zone) preview.zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const zones = ZONES.includes(preview.zone) ? ZONES : [preview.zone, ...ZONES];
  const control = (name, el) => h('div', { class: 'field' }, h('label', { for: `p-${name}`, text: t(`preview_${name}`) }), Object.assign(el, { id: `p-${name}` }));
  const onChange = (key) => (event) => { preview[key] = event.target.value; refreshPreview(); };
  return h('section', { class: 'preview', 'aria-labelledby': 'preview-heading' },
    h('h3', { id: 'preview-heading', text: t('preview_heading') }),
    h('div', { class: 'preview-controls' },
      control('client', h('select', { onchange: onChange('client') })),
      control('zone', h('select', { onchange: onChange('zone') }, zones.map((z) => h('option', { value: z, selected: z === preview.zone, text: z })))),
      control('locale', h('select', { onchange: onChange('locale') }, LANGS.map((c) => h('option', { value: c, lang: c, selected: c === preview.locale, text: t(`lang_${c}`) })))),
      control('role', h('select', { onchange: onChange('role') }, ROLES.map((r) => h('option', { value: r, selected: r === preview.role, text: t(`role_${r || 'none'}`) }))))),
    h('div', { class: 'field' },
      h('label', { for: 'p-at', text: t('preview_at') }),
      h('input', { type: 'range', id: 'p-at', step: '5', oninput: (e) => { preview.at = Number(e.target.value) * 60_000; describeInstant(); schedulePreview(); } }),
      h('output', { id: 'p-at-text', for: 'p-at' })),
    h('p', { class: 'phases', id: 'p-phases' }),
    h('p', { id: 'preview-note', class: 'note', 'aria-live': 'polite' }),
    h('iframe', { id: 'preview-frame', title: t('preview_frame'), src: 'about:blank', onload: (event) => {
      if (event.target.dataset.state === 'loading') previewState('ready');
    } }));
}

/** Client choices (those the draft reaches first), slider ends and phase jumps for the form. */
function updatePreviewControls() {
  if (!editor) return [];
  const draft = draftOf(editor.mode, editor.item, readForm() || {});
  const reaches = (c) => (draft.target.all ? true : draft.target.groups ? c.groups.some((g) => draft.target.groups.includes(g)) : (draft.target.clients || []).includes(c.id));
  const sorted = [...data.clients].sort((a, b) => Number(reaches(b)) - Number(reaches(a)));
  if (!sorted.some((c) => c.id === preview.client) || !reaches(data.clients.find((c) => c.id === preview.client) || { groups: [] })) {
    preview.client = (sorted[0] || {}).id || '';
  }
  $('p-client').replaceChildren(...sorted.map((c) => h('option', { value: c.id, selected: c.id === preview.client, text: reaches(c) ? c.id : t('client_not_targeted', { client: c.id }) })));
  const start = Date.parse(draft.entry.starts_at);
  const end = Date.parse(draft.entry.ends_at);
  const stops = draft.kind === 'maintenance'
    ? phaseStops(start, end, draft.entry.notice_days ?? 7, (draft.entry.after || {}).hours || 0) : [];
  const slider = $('p-at');
  const now = Date.now();
  const min = stops.length ? stops[0].at : now - 24 * 3_600_000;
  const max = stops.length ? stops[stops.length - 1].at : now + 7 * 24 * 3_600_000;
  slider.min = String(Math.floor(min / 60_000));
  slider.max = String(Math.ceil(max / 60_000));
  if (!Number.isFinite(preview.at) || preview.at < min || preview.at > max) {
    const first = stops.find((s) => s.phase === 'upcoming');
    preview.at = Math.max(min, Math.min(max, first && now < first.at ? first.at : now));
  }
  slider.value = String(Math.round(preview.at / 60_000));
  describeInstant();
  // A keyboard user may be on a phase button when an edit's pause redraws them: keep them there.
  const phases = $('p-phases');
  const focused = phases.contains(document.activeElement) ? document.activeElement.dataset.phase : null;
  phases.replaceChildren(...(stops.length ? [h('span', { id: 'p-phases-label', text: t('preview_jump') }), ' '] : []),
    ...stops.map((s) => h('button', { type: 'button', 'data-phase': s.phase, 'aria-describedby': 'p-phases-label', onclick: () => jumpTo(s.phase), text: t(`phase_${s.phase}`) })));
  if (focused) focusPhaseButton(focused);
  return stops;
}

function focusPhaseButton(phase) {
  const button = $('p-phases').querySelector(`[data-phase="${phase}"]`);
  if (button) button.focus();
}

/** Moves the preview to a phase of the window as the form describes it now (not as it did
 *  when the buttons were drawn: the form may have changed since). */
function jumpTo(phase) {
  clearTimeout(previewTimer);
  const stop = updatePreviewControls().find((s) => s.phase === phase);
  if (!stop) return;
  preview.at = stop.at;
  $('p-at').value = String(Math.round(stop.at / 60_000));
  describeInstant();
  refreshPreview();
  focusPhaseButton(phase);
}

function describeInstant() {
  const text = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short', timeZone: preview.zone || undefined }).format(preview.at);
  $('p-at-text').textContent = text;
  $('p-at').setAttribute('aria-valuetext', text);
}

/** `data-state` on the frame says where the preview is: `pending` (an edit waits for the
 *  pause), `checking`, `loading`, `ready` or `invalid`; tests wait for it to settle. */
function previewState(state) {
  const frame = $('preview-frame');
  if (frame) frame.dataset.state = state;
}

function schedulePreview() {
  previewState('pending');
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => { updatePreviewControls(); refreshPreview(); }, PREVIEW_DELAY_MS);
}

/** Checks the draft with the server (the API's own rules) and, when it passes, points the frame
 *  at the preview page, which draws the draft's feed with the real widget. */
async function refreshPreview() {
  if (!editor || !preview.client) {
    if (editor) $('preview-note').textContent = t('preview_no_clients');
    return;
  }
  const draft = draftOf(editor.mode, editor.item, readForm() || {});
  // Answers can arrive out of order; only the latest request may point the frame.
  previewSeq += 1;
  const seq = previewSeq;
  previewState('checking');
  const answer = await api('GET', previewFeedUrl(preview.client, draft));
  if (!editor || seq !== previewSeq) return;
  const note = $('preview-note');
  const frame = $('preview-frame');
  if (!answer.ok) {
    const errors = fieldErrors(answer.json);
    note.textContent = t('preview_invalid', { errors: Object.entries(errors).map(([f, m]) => `${f}: ${m}`).join('; ') });
    previewState('invalid');
    return;
  }
  const shown = answer.headers.get('lms-support-preview') !== 'not-targeted';
  note.textContent = shown ? '' : t('preview_not_targeted', { client: preview.client });
  const url = previewUrl({ client: preview.client, draft, at: preview.at, zone: preview.zone, locale: preview.locale, role: preview.role });
  frame.dataset.at = iso(preview.at);
  if (frame.getAttribute('src') !== url) {
    previewState('loading');
    frame.setAttribute('src', url);
  } else {
    previewState('ready');
  }
}

// ------------------------------------------------------------------------------------------
// start

async function start() {
  try {
    const response = await fetch('i18n.json', { cache: 'no-cache' });
    catalogue = await response.json();
  } catch {
    catalogue = { en: {} };
  }
  let stored = null;
  try { stored = localStorage.getItem(LANG_KEY); } catch { stored = null; }
  const asked = new URLSearchParams(location.search).get('lang');
  const browser = (navigator.languages || []).map((l) => l.slice(0, 2)).find((l) => LANGS.includes(l));
  lang = [asked, stored, browser].find((l) => LANGS.includes(l)) || 'en';
  applyLanguage();
  $('lang').addEventListener('change', (e) => setLanguage(e.target.value));
  $('sign-out').addEventListener('click', signOut);
  const session = await api('GET', '/admin/session');
  if (session.ok) {
    data.session = session.json;
    await showApp();
  } else {
    showSignIn();
  }
  document.body.dataset.ready = 'true';
}

start();
