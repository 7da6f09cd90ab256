// The preview page: draws a draft's feed with the real widget, exactly as a course page would,
// at the instant, in the zone, language and role the console chose. Every setting is a
// documented attribute of the widget's script tag (data-now, data-time-zone, data-locale,
// data-role); nothing of the widget is patched.
const params = new URLSearchParams(location.search);
const feed = new URL('preview/feed', location.href);
feed.searchParams.set('client', params.get('client') || '');
if (params.get('draft')) feed.searchParams.set('draft', params.get('draft'));

// Each draft is a new feed URL: drop the widget's cached copies of earlier previews, so this
// origin's storage does not fill up with them and no earlier draft is drawn first.
try {
  for (let i = localStorage.length - 1; i >= 0; i -= 1) {
    const key = localStorage.key(i);
    if (key && key.startsWith('lms-support:') && key.includes('/admin/preview/feed')) localStorage.removeItem(key);
  }
} catch { /* storage off: the widget runs without it */ }

const locale = params.get('locale') || 'en';
document.documentElement.lang = locale;
const script = document.createElement('script');
script.src = '/widget/loader.js';
script.dataset.feed = feed.href;
script.dataset.locale = locale;
script.dataset.launcher = 'none';
if (params.get('now')) script.dataset.now = params.get('now');
if (params.get('tz')) script.dataset.timeZone = params.get('tz');
if (params.get('role')) script.dataset.role = params.get('role');
document.head.append(script);
