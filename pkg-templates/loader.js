/* lms-support-widget loader: a classic script that reads the data-* attributes of its own tag,
   loads the widget module and its Wasm from beside itself, and mounts it. It must never break
   the host page: every failure is caught and logged with the [lms-support] prefix. */
(function () {
  'use strict';
  var PREFIX = '[lms-support]';
  var perf = window.performance;
  if (perf && perf.mark) perf.mark('lms-support:script-start');
  if (window.LmsSupport) {
    console.info(PREFIX + ' already loaded on this page; ignoring a second script tag');
    return;
  }
  var script = document.currentScript;
  if (!script || !script.src) {
    console.error(PREFIX + ' cannot find its own <script> tag; load loader.js with a src attribute');
    return;
  }
  var d = script.dataset;
  var config = {
    feed: d.feed, locale: d.locale, lms: d.lms, quiet: d.quiet, position: d.position,
    role: d.role, course: d.course, launcher: d.launcher, launcherLabel: d.launcherLabel
  };
  var base = new URL('.', script.src);
  var widget = null;
  // Calls made before the Wasm is ready wait here and run, in order, once it is mounted.
  var pending = [];
  function call(name, args) {
    if (!widget) { pending.push([name, args]); return; }
    try { widget[name].apply(null, args); }
    catch (error) { console.error(PREFIX + ' ' + name + '() failed:', error); }
  }
  window.LmsSupport = {
    version: '__VERSION__',
    open: function (part) { call('open', [part]); },
    close: function () { call('close', []); },
    setLocale: function (tag) { call('setLocale', [String(tag)]); },
    destroy: function () { pending = []; call('destroy', []); }
  };
  function whenBodyReady(fn) {
    if (document.body) fn();
    else document.addEventListener('DOMContentLoaded', fn, { once: true });
  }
  // The module and the Wasm download in parallel with the page; mounting waits for <body>.
  import(new URL('__WIDGET_JS__', base).href)
    .then(function (module) {
      return module.default({ module_or_path: new URL('__WIDGET_WASM__', base) }).then(function () {
        whenBodyReady(function () {
          module.mount(config);
          widget = module;
          var queued = pending;
          pending = [];
          queued.forEach(function (c) { call(c[0], c[1]); });
        });
      });
    })
    .catch(function (error) {
      console.error(PREFIX + ' could not start; the page works without it:', error);
    });
})();
