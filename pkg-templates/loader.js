/* lms-support-widget loader: a classic script that reads the data-* attributes of its own tag,
   loads the widget from beside itself, mounts it, and exposes window.LmsSupport at once.

   Two stages keep what every learner downloads small: the banner stage (the maintenance banner
   and the help launcher) loads on every page; the full stage (help panel and ticket form) loads
   on first open, or at once when tickets wait in this browser's outbox, and takes over from the
   banner stage in one task (the banner is redrawn from the same cached feed, so it does not
   flicker). It also loads at once when a ticket sent from this browser has news to show on
   the launcher or is due a status check, and when the address ends in #lms-support-tickets
   (the link in learners' e-mails), which opens "My tickets". Every file is checked against its Subresource Integrity hash.

   It must never break the host page: every failure is caught and logged with the
   [lms-support] prefix. The version and the stage files are filled in by scripts/bundle.mjs. */
(function () {
  'use strict';
  var PREFIX = '[lms-support]';
  var VERSION = '__VERSION__';
  var STAGES = __STAGES__;
  // The steps to the first banner, as performance marks (lms-support:<step>), which
  // tests/e2e/bench-first-banner.mjs prints as a breakdown. (Every browser with the fetch
  // features below has performance.mark.)
  function mark(step) {
    performance.mark('lms-support:' + step);
  }
  mark('script-start');
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
  var position = d.position;
  // The data-* attributes the widget reads (src/web/config.rs), as one string: fewer bytes.
  var config = {};
  'feed locale lms quiet position role course courseName userName userEmail launcher launcherLabel timeZone now ticketCheckSeconds'
    .split(' ').forEach(function (k) { config[k] = d[k]; });
  var base = new URL('.', script.src);
  var EVENTS = ['ready', 'banner-shown', 'open', 'close', 'ticket-submitted', 'ticket-queued', 'error'];

  var handlers = {};
  var readySent = false;
  var lastShown = null;
  var handingOver = false;
  var destroyed = false;
  var stage = null;      // the mounted module
  var leaving = null;    // the banner stage while the full stage takes over
  var isFull = false;    // stage is the full one
  var prefillData = null;

  // Events from the widget: on window as lms-support:<name>, then to on() handlers. The full
  // stage's takeover would repeat `ready` and the banner already shown; the host sees each once.
  function emit(name, detail) {
    // While the panel is open the overlay host goes to the top of the stack (style.css).
    // (The first host: the full stage's while it takes over, which fitHost is not yet.)
    var host = document.querySelector('lms-support-widget');
    if (host && /^(open|close)$/.test(name)) host.toggleAttribute('data-lsw-open', name === 'open');
    if (name === 'ready') {
      if (readySent) return;
      readySent = true;
      detail = { version: VERSION };
      takeOver();
    }
    if (name === 'banner-shown') {
      var key = JSON.stringify(detail && detail.ids);
      if (handingOver && key === lastShown) return;
      lastShown = key;
    }
    try {
      window.dispatchEvent(new CustomEvent('lms-support:' + name, { detail: detail }));
    } catch (error) {
      console.error(PREFIX + ' an lms-support:' + name + ' listener failed:', error);
    }
    (handlers[name] || []).slice().forEach(function (fn) {
      try { fn(detail); } catch (error) {
        console.error(PREFIX + ' an on("' + name + '") handler failed:', error);
      }
    });
  }

  // The host's own way into help (local_lmssupport's "Help and support" in Moodle's footer
  // popover, a link an admin puts in a menu): any link to #lms-support-help opens the panel,
  // and the page then shows no floating launcher unless data-launcher names a corner. Any
  // element with such an href: a link web component (Brightspace's <d2l-navigation-link>)
  // keeps its <a> in its shadow root and the click reaches us from the host.
  var ENTRY = '[href$="#lms-support-help"]';
  function entryClick(event) {
    if (event.target.closest && event.target.closest(ENTRY)) {
      event.preventDefault();
      api.open('help');
    }
  }
  document.addEventListener('click', entryClick);

  function stageConfig() {
    var c = {};
    for (var k in config) if (config[k] !== undefined) c[k] = config[k];
    if (!c.launcher && document.querySelector(ENTRY)) c.launcher = 'none';
    c.viewContext = viewContext;
    c.emit = emit;
    c.saveView = saveView;
    c.feedCopy = function () { return feedCopy; };
    c.saveFeed = saveFeed;
    c.requestPanel = function (part) { api.open(part); };
    // Only an answer for the copy handed over (a 304 says that copy is current), or a full
    // one (asked without an ETag: the copy moved from an older widget's record); else the
    // widget asks again with its copy's ETag. A response is read once (a later stage sends its
    // own request). It is handed over once the widget has drawn from that copy (its `ready`,
    // which the banner stage says in the task after its mount), so the copy is drawn first.
    var answer = feedAnswer;
    if (answer && (!feedEtag || feedEtag == (feedCopy && feedCopy[1]))) c.feedAnswer = drawn.then(function () { return answer; });
    feedAnswer = null;
    return c;
  }

  // The JS is preloaded with its integrity hash, so the import below uses the checked copy;
  // the Wasm is fetched with its hash and handed to the module.
  var loads = {};
  var glues = {}; // the stages' JS, imported (before their Wasm is instantiated)
  var links = [];
  function load(name) {
    if (loads[name]) return loads[name];
    var files = STAGES[name];
    var jsUrl = new URL(files.js, base).href;
    var link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = jsUrl;
    link.integrity = files.jsSri;
    link.crossOrigin = 'anonymous';
    (document.head || document.documentElement).appendChild(link);
    links.push(link);
    var wasmUrl = new URL(files.wasm, base).href, wasmInit = { integrity: files.wasmSri, mode: 'cors', credentials: 'omit' };
    // Compiled as it arrives, beside the glue's import rather than once the glue is in. When
    // that fails (a CDN's wrong Content-Type, an error status) the glue gets the response of a
    // second request and compiles it, or says why not, itself.
    var wasm = fetch(wasmUrl, wasmInit).then(function (response) {
      mark(name + '-wasm-answered');
      return WebAssembly.compileStreaming(response).catch(function () { return fetch(wasmUrl, wasmInit); });
    });
    wasm.catch(function () {}); // handled once the glue is in (load's caller tells the failure)
    loads[name] = (glues[name] = import(jsUrl)).then(function (module) {
      mark(name + '-js-imported');
      return module.default({ module_or_path: wasm }).then(function () {
        mark(name + '-instantiated');
        return module;
      });
    });
    return loads[name];
  }

  // The learner's strings. The full stage's Wasm speaks English only (the banner stage has its
  // few strings of every language built in); every other language's strings are a list beside
  // it (named in the full stage's glue), fetched with its hash once the glue is in and handed to it
  // before it mounts. The language is picked as the widget picks
  // it (src/web/config.rs, page_locale; Lang::negotiate): data-locale, else <html lang>, else
  // the browser's languages, by the primary subtag. Without a list (an unknown language, a
  // failed fetch) the widget speaks English.
  var LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
  function learnerLocale() {
    if (config.locale && config.locale !== 'auto' && LANGUAGE_TAG.test(config.locale)) return config.locale;
    var html = document.documentElement.getAttribute('lang');
    if (html && LANGUAGE_TAG.test(html)) return html;
    var tags = navigator.languages || [];
    for (var i = 0; i < tags.length; i++) if (LANGUAGE_TAG.test(tags[i])) return tags[i];
    return 'en';
  }
  var stringLoads = {};
  // Resolves to [language, list] for the stage, or to null: English needs no list. The lists
  // are named in the stage's glue (its `stringLists`: [content hash, SRI] per language, so
  // every page's loader does not carry them), each file named by its content's hash and
  // pinned by its SRI hash.
  function loadStrings(name, tag) {
    var lang = String(tag).split(/[-_]/)[0].toLowerCase();
    var key = name + ':' + lang;
    load(name);
    return stringLoads[key] || (stringLoads[key] = glues[name].then(function (module) {
      var file = (module.stringLists || {})[lang];
      return file && fetch(new URL('lms_support_' + name + '-' + lang + '.' + file[0] + '.json', base).href,
        { integrity: file[1], mode: 'cors', credentials: 'omit' })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + response.url);
          return response.json();
        })
        .then(function (list) { return [lang, list]; }, function (error) {
          console.warn(PREFIX + ' could not load the "' + lang + '" strings; showing English:', error);
          throw error;
        });
    }).catch(function () {
      delete stringLoads[key]; // a later setLocale or open tries again (the stage's failure is told there)
      return null;
    }));
  }
  function addStrings(module, strings) {
    // One string crosses into the Wasm, joined by U+001F, which no string holds (i18n::SEPARATOR).
    if (strings) module.addStrings(strings[0], strings[1].join('\u001f'));
  }

  function whenBodyReady() {
    return new Promise(function (resolve) {
      if (document.body) resolve();
      else document.addEventListener('DOMContentLoaded', function () { resolve(); }, { once: true });
    });
  }

  // The widget's keys in localStorage are per feed (src/base/storage.rs, keys::for_feed); throws
  // on an invalid data-feed (the callers catch it).
  function feedKey(prefix) {
    return prefix + new URL(config.feed, document.baseURI).href;
  }

  // The full stage is needed at once while tickets wait in the outbox (the widget keeps that key
  // only then, src/base/storage.rs) or while tickets sent from this browser are watched for news
  // and one has news or a check due (src/base/storage.rs; the record's fields:
  // src/ticket/news.rs): the full stage sends them, checks and draws the launcher's badge.
  function ticketsWaiting() {
    try {
      var news;
      return localStorage.getItem(feedKey(__OUTBOX_KEY_PREFIX__)) !== null ||
        !!(news = JSON.parse(localStorage.getItem(feedKey(__TICKET_NEWS_KEY_PREFIX__)))) &&
        (news[__NEWS_BADGE__] > 0 || news[__NEWS_CHECK_AT__] <= Date.now() / 1000);
    } catch (error) {
      return false;
    }
  }

  // The link in learners' e-mails ends in #lms-support-tickets: open "My tickets", and take
  // the fragment off the address without adding a history entry.
  var openMyTickets = window.location.hash === '#lms-support-tickets';
  if (openMyTickets) {
    try {
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    } catch (error) {
      console.warn(PREFIX + ' could not remove #lms-support-tickets from the address:', error);
    }
  }

  // Pointing at or tabbing to the launcher starts loading the full stage, so that most of it
  // has arrived by the click. Events from inside the shadow root reach the host element.
  var warmHost = null;
  function warmUp(event) {
    var first = event.composedPath()[0];
    if (first && first.classList && first.classList.contains(__LAUNCHER_CLASS__)) {
      stopWarmUp();
      load('full').catch(function () {});
      loadStrings('full', learnerLocale());
    }
  }
  function stopWarmUp() {
    if (!warmHost) return;
    warmHost.removeEventListener('pointerover', warmUp);
    warmHost.removeEventListener('focusin', warmUp);
    warmHost = null;
  }

  // Host fit: keeps the host's fixed chrome usable around the banner and the launcher. This
  // measures and moves (hostFit, from pkg-templates/host-fit.js, decides): hit tests on a
  // grid over the upper half of the viewport, and up the launcher's column, each hit climbed to
  // its nearest fixed or sticky box; plus chrome off screen at load (Moodle's closed drawers) and
  // the vendor's data-fixed-chrome selectors; again when the host's chrome changes after load.
  /* __HOST_FIT__ */
  var fitHost = null, fitBoxes = [], fitInput = [], fitApplied = '', fitRo = null, fitSheet = null, fitOwnRule = '', fitLift = 0, fitPending = 0;
  var fitLaidOut = 0, fitMo = null, fitMutations = [], fitKnown = new Set(), fitWatched = new Set(), fitRoots = [], fitSizes = new Map();
  function rectOf(el) {
    var r = el.getBoundingClientRect();
    return [r.top, r.left, r.width, r.height];
  }
  // Our moves are rules in a constructable stylesheet of the document, for elements marked
  // data-lsw: the host's own inline styles are never touched, and putting them back is
  // dropping the rules and the marks. The rule for our own element stays while we measure:
  // moving it (or the launcher, which a transform lifts) away and back would count as a
  // layout shift even unpainted.
  function fitRestore() {
    fitBoxes.forEach(function (el) { el.removeAttribute('data-lsw'); });
    if (fitSheet) fitSheet.replaceSync(fitOwnRule);
    fitApplied = '';
  }
  // Finds the host's chrome again with nothing moved, and fits: the fixed or sticky boxes
  // holding what is under a grid of points over the viewport (with a column through the
  // launcher, for what is in its corner), and Moodle's drawers and toggles (off screen while
  // closed) and the vendor's data-fixed-chrome.
  function fitMeasure() {
    fitRestore();
    if (!fitHost) return;
    var root = document.documentElement, vw = root.clientWidth, vh = root.clientHeight;
    // The host page's first layout, forced here (most of the first measure's time): the
    // first frame would pay it anyway.
    if (!fitLaidOut) mark('fit-layout');
    fitLaidOut = 1;
    var launcher = fitHost.shadowRoot.querySelector('.' + __LAUNCHER_CLASS__);
    var l = launcher ? rectOf(launcher) : [0, 0, 0, 0]; // 0s when hidden
    l[0] += fitLift; // where it is without the lift
    fitBoxes = [];
    // Each element's style is read once per measure: the grid's hits share most ancestors, and
    // a climb that reaches one already climbed has nothing new to find.
    var seen = new Set();
    function add(el, x, y) {
      // Into open shadow roots, and up the composed tree (a slotted node's slot): a web
      // component's bar is fixed inside its shadow root (Brightspace's immersive navbar).
      // (The topmost element of the shadow tree there, under ours or slotted nodes.)
      for (var inner; x >= 0 && el && el.shadowRoot && (inner = el.shadowRoot.elementsFromPoint(x, y).find(function (e) {
        return e.getRootNode() === el.shadowRoot;
      }));) el = inner;
      for (; el && el !== fitHost && !seen.has(el); el = el.assignedSlot || el.parentElement || el.getRootNode().host) {
        seen.add(el);
        if (/fixed|sticky/.test(getComputedStyle(el).position)) {
          if (fitBoxes.indexOf(el) < 0) fitBoxes.push(el);
          return;
        }
      }
    }
    for (var y = 1; y < vh; y += 20) {
      [2, vw / 4, vw / 2, vw * 0.75, l[1] + l[2] / 2, vw - 3].forEach(function (x) {
        // The top element only (a third of the time of the whole stack), but for our own.
        var hit = document.elementFromPoint(x, y);
        add(hit === fitHost ? document.elementsFromPoint(x, y)[1] : hit, x, y);
      });
    }
    try {
      document.querySelectorAll('.drawer,.drawer-toggler' + (d.fixedChrome ? ',' + d.fixedChrome : '')).forEach(function (el) { add(el); });
    } catch (error) {
      console.warn(PREFIX + ' data-fixed-chrome', error); // the browser's message names the selector
    }
    fitInput = [+(position === 'overlay'), vw, vh, 0, 0, 0].concat(l);
    fitMutations = [];
    fitBoxes.forEach(function (el) {
      var style = getComputedStyle(el);
      fitInput = fitInput.concat(rectOf(el), /y/.test(style.position), parseInt(style.zIndex)); // sticky, not fixed
      fitKnown.add(el);
      // Observed once each (observing reports at once): a header that collapses, a toggle shown.
      if (!fitWatched.has(el)) fitRo.observe(el);
      fitWatched.add(el);
    });
    fitApply();
    fitSizes = new Map();
    fitBoxes.concat(fitHost).forEach(function (el) { fitSizes.set(el, el.offsetWidth + 'x' + el.offsetHeight); });
  }
  // The observer reports each element when first observed, in the next frame's rendering
  // (before its paint), and then whenever its size changes: a report of the size just measured
  // measures nothing new, and measuring again there held the first banner's paint back.
  function fitResized(entries) {
    if (entries.some(function (e) {
      var box = e.borderBoxSize && e.borderBoxSize[0];
      return !box || fitSizes.get(e.target) !== Math.round(box.inlineSize) + 'x' + Math.round(box.blockSize);
    })) fitMeasure();
  }
  // A window being resized fires many events a frame: measure once, in the next frame.
  function fitMeasureSoon() {
    fitMutated([null]); // null: measure, whatever the mutations were
  }
  // Chrome the host adds or changes after load (a header its script renders late, a bar made
  // fixed on scroll, one removed): once a frame, the elements the page's mutations added or
  // restyled are checked, and only a fixed or sticky one not yet measured (or a measured one no
  // longer fixed or on the page) measures again. A measured element is not checked twice for
  // the same state, so a fixed tooltip that follows the pointer costs one measure, not one a
  // frame.
  function fitMutated(records) {
    // Frames do not run in a background tab: past a few hundred records, measure instead.
    fitMutations = fitMutations.length > 500 ? [null] : fitMutations.concat(records);
    if (!fitPending) fitPending = requestAnimationFrame(fitCheck);
  }
  function fitCheck() {
    fitPending = 0;
    var changed = fitBoxes.some(function (el) { return !el.isConnected; });
    fitMutations.forEach(function (r) {
      if (!r) return (changed = true);
      var els = [r.target];
      r.addedNodes.forEach(function (n) {
        if (n.querySelectorAll) els = els.concat(n, [].slice.call(n.querySelectorAll('*')));
      });
      els.forEach(function (el) {
        var fixed = el.isConnected && /fixed|sticky/.test(getComputedStyle(el).position);
        if (el !== fitHost && fixed !== fitKnown.has(el)) {
          changed = true;
          fitKnown[fixed ? 'add' : 'delete'](el);
        }
      });
    });
    fitMutations = [];
    if (changed) fitMeasure();
  }
  // Moves the measured boxes for the banner as it is now (push mode: as far as it is on screen).
  function fitApply() {
    if (!fitHost) return;
    var r = fitHost.getBoundingClientRect();
    fitInput.splice(3, 3, r.height, r.bottom, r.top + scrollY);
    var out = hostFit(fitInput);
    var css = out.join();
    if (css === fitApplied) return;
    fitApplied = css;
    fitLift = out[3];
    css = fitOwnRule = 'lms-support-widget{--lsw-top:' + out[0] + 'px;--lsw-left:' + out[1]
      + 'px;--lsw-right:' + out[2] + 'px;--lsw-lift:' + -out[3] + 'px;--lsw-z:' + out[4] + '}'; // lift: up
    fitBoxes.forEach(function (el, i) {
      var down = out[5 + 2 * i], height = out[6 + 2 * i];
      if (down !== down) return; // NaN: it stays (a mark without a rule does nothing)
      el.setAttribute('data-lsw', i);
      // A box in a shadow root gets our rules there too (given back in fitStop).
      var root = el.getRootNode();
      if (root.adoptedStyleSheets.indexOf(fitSheet) < 0) {
        root.adoptedStyleSheets = root.adoptedStyleSheets.concat(fitSheet);
        fitRoots.push(root);
      }
      // `translate`, not `top`: it composes with the host's own transform, and a transform is
      // not a layout shift (CLS).
      css += '[data-lsw="' + i + '"]{translate:0 ' + down + 'px!important'
        + (height === height ? ';height:' + height + 'px!important}' : '}');
    });
    fitSheet.replaceSync(css);
  }
  function fitStart(later) {
    fitStop();
    fitHost = document.querySelector('lms-support-widget');
    if (!fitHost) return; // (the widget mounts only where constructable stylesheets exist)
    fitSheet = new CSSStyleSheet();
    fitRoots = [document];
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat(fitSheet);
    // The banner's size changed (a phase, "+N more", a narrower window), or a host box's (a
    // header that collapses on scroll). Observed once: observing again reports again.
    fitRo = new ResizeObserver(fitResized);
    fitRo.observe(fitHost);
    // Drawn while the page is parsed (the render-blocking embedding): measured again once it is.
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fitMeasure);
    fitKnown = new Set();
    fitWatched = new Set();
    if (!later) fitMeasure(); // else fitResized, in the next frame's rendering
    fitMo = new MutationObserver(fitMutated);
    fitMo.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style', 'hidden'] });
    addEventListener('resize', fitMeasureSoon);
    addEventListener('scroll', fitApply); // moves things in push mode only (not cancelable)
  }
  // Host fit goes on for a new host of ours in place of the one it measured for (the widget's
  // after the loader's snapshot, the full stage's after the banner stage's): the host page's
  // chrome is where it was, so only a change of our size measures again (the resize observer's
  // first report of the new host, in the next frame's rendering). Taking over from the banner
  // stage (`same`: the same banner and launcher in the same place) the new host counts as the
  // size the old one was measured at; measuring anew there (some 250 hit tests) was most of a
  // 50 ms task on opening help. After a snapshot it is always measured, once. With no fit
  // running (a first visit: no snapshot was fitted) it starts, and measures then too.
  function fitFollow(same) {
    var host = document.querySelector('lms-support-widget');
    if (!fitHost || !host) return fitStart(1);
    if (same) fitSizes.set(host, fitSizes.get(fitHost));
    // (The old host, removed, would be reported at 0 × 0 and measure.)
    fitRo.unobserve(fitHost);
    fitRo.observe(fitHost = host);
  }
  function fitStop() {
    if (fitRo) fitRo.disconnect();
    if (fitMo) fitMo.disconnect();
    cancelAnimationFrame(fitPending);
    fitPending = 0;
    removeEventListener('resize', fitMeasureSoon);
    removeEventListener('scroll', fitApply);
    document.removeEventListener('DOMContentLoaded', fitMeasure);
    fitRestore();
    fitRoots.forEach(function (root) {
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter(function (s) { return s !== fitSheet; });
    });
    fitHost = null;
  }

  // The banner as the widget last drew it on a page like this one (src/web/banner/snapshot.rs:
  // its nodes as data, the stylesheet, and until when it is true), drawn at once, while the
  // Wasm is on its way: the banner is in the first frames and, in push mode, in place before
  // the host's first paint, so nothing jumps. It is inert (no clicks, no announcement) until
  // the widget, mounting, draws the same banner, and replaces it in the same task. The
  // context is what the banner depends on besides the feed and the clock; a console preview
  // (data-now) has none.
  var viewContext = d.now ? undefined
    : JSON.stringify([config, document.documentElement.lang, navigator.languages, new Date().getTimezoneOffset()]);
  var snapshotHost = null;
  function drawSnapshot() {
    try {
      var snap = JSON.parse(localStorage.getItem(feedKey(__BANNER_VIEW_KEY_PREFIX__)));
      if (!snap || viewContext === undefined || snap.context !== viewContext || !(Date.now() / 1000 < snap.until)
        || !document.body || !document.adoptedStyleSheets) return;
      // A page the feed marks quiet shows less; an invalid selector throws: no snapshot either.
      if (snap.quiet_pages.some(function (q) { return document.querySelector(q); })) return;
      var host = document.createElement('lms-support-widget');
      setAttributes(host, snap.host);
      host.inert = true;
      var shadow = host.attachShadow({ mode: 'open' });
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(snap.style);
      shadow.adoptedStyleSheets = [sheet];
      shadow.appendChild(buildNode(snap.tree));
      document.body.prepend(host);
      snapshotHost = host;
      mark('snapshot-drawn');
      markAfterPaint('banner-painted');
    } catch (error) {
      // Unreadable: the widget draws the banner when it mounts, as without a snapshot.
    }
  }
  // The widget's banner region as drawn, saved for drawSnapshot (src/web/banner/snapshot.rs
  // decides when and until when): record is its JSON [context, until, quiet pages, stylesheet],
  // or null to forget the saved one. Written only when it changed (most loads draw the same).
  function saveView(region, record) {
    try {
      var key = feedKey(__BANNER_VIEW_KEY_PREFIX__);
      var host = region.getRootNode().host;
      if (!record || !host) return localStorage.removeItem(key);
      record = JSON.parse(record);
      // A countdown's copy is drawn hidden (style.css): it only keeps the banner's space.
      var text = JSON.stringify({ context: record[0], until: record[1], quiet_pages: record[2],
        host: attributesOf(host).concat(record[4] ? ['data-lsw-reserve', ''] : []), style: record[3], tree: nodeView(region) });
      if (localStorage.getItem(key) !== text) localStorage.setItem(key, text);
    } catch (error) {
      console.warn(PREFIX + ' could not save the banner for the next page:', error);
    }
  }
  // A text node as its text; an element as [tag, [name, value, …], …children].
  function nodeView(node) {
    return node.nodeType === 3 ? node.data : [node.localName, attributesOf(node)].concat([].filter.call(
      node.childNodes, function (child) { return child.nodeType === 1 || child.nodeType === 3; }).map(nodeView));
  }
  function attributesOf(el) {
    return [].concat.apply([], [].map.call(el.attributes, function (a) { return [a.name, a.value]; }));
  }
  function buildNode(node) {
    if (typeof node === 'string') return document.createTextNode(node);
    var el = document.createElement(node[0]);
    setAttributes(el, node[1]);
    for (var i = 2; i < node.length; i++) el.appendChild(buildNode(node[i]));
    return el;
  }
  function setAttributes(el, flat) {
    for (var i = 0; i + 1 < flat.length; i += 2) el.setAttribute(flat[i], flat[i + 1]);
  }
  function dropSnapshot() {
    if (snapshotHost) snapshotHost.remove();
    snapshotHost = null;
  }
  // After the next paint: in the first task after the next frame, whose rendering (paint
  // included) runs in the same task as its animation frame callbacks (as src/web/dom.rs's
  // mark_after_paint, so both ways to the first banner are timed alike).
  function markAfterPaint(step) {
    requestAnimationFrame(function () {
      mark('banner-frame');
      setTimeout(function () { mark(step); }, 0);
    });
  }

  // The first use of Intl on a page loads its locale data: 20–40 ms measured here inside the
  // widget's mount (its date formatters). Done now, in a task of its own while the Wasm is on
  // its way, the mount's task is that much shorter.
  function warmIntl() {
    try {
      var locale = learnerLocale();
      new Intl.DateTimeFormat(locale, {
        weekday: 'long', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short'
      }).formatRange(0, 3600000);
      new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(1, 'day');
    } catch (error) {
      // An invalid tag: the widget falls back to English itself.
    }
  }

  // The last good feed, [text, ETag], which the stages draw at once when they mount and
  // replace through saveFeed (src/web/dom.rs, feed_copy and save_feed). It is kept in the Cache
  // API, read here asynchronously while the Wasm downloads: in localStorage (a ~750 KB record
  // with 1,000 FAQ answers) the page's first read of any key loaded it, and the mount read it
  // again, all on the main thread. Where the Cache API is missing (not https or localhost) or
  // throws, it stays in localStorage (src/base/storage.rs, keys::FEED_PREFIX: "<etag>\n<text>",
  // or an older widget's {"body": …, "etag": …}); a copy found there is moved to the Cache API.
  // Its ETag is also in a small key of its own, written once the copy is kept, for the feed
  // request at script start: the Cache API answers a page only after 100-200 ms.
  var feedCopy = null;
  function feedCache() {
    return Promise.resolve().then(function () { return caches.open('lms-support:feed'); });
  }
  function saveFeed(text, etag, inStorage) {
    feedCopy = [text, etag];
    var key = feedKey(__FEED_KEY_PREFIX__);
    feedCache().then(function (cache) {
      return cache.put(feedKey(''), new Response(text, { headers: etag ? { ETag: etag } : {} }));
    }).then(function () {
      localStorage.removeItem(key);
    }, function () {
      // A valid ETag holds no line break (a header cannot); one starting with { would read as
      // the old record and fail to parse: the next page then fetches the feed in full.
      if (!inStorage) localStorage.setItem(key, (etag || '') + '\n' + text);
    }).then(function () {
      localStorage.setItem(feedKey(__FEED_ETAG_KEY_PREFIX__), etag || ''); // '': none
    }).catch(function (error) {
      console.warn(PREFIX + ' could not keep the feed:', error);
    });
  }
  var copyRead = feedCache().then(function (cache) {
    return cache.match(feedKey(''));
  }).then(function (response) {
    // Unless the widget kept a fresh feed meanwhile (it mounted on a full answer, below).
    return response && response.text().then(function (text) { feedCopy = feedCopy || [text, response.headers.get('ETag')]; });
  }).catch(function () {}).then(function () {
    var record = !feedCopy && localStorage.getItem(feedKey(__FEED_KEY_PREFIX__)), at = record && record.indexOf('\n');
    if (record) {
      record = record[0] == '{' ? JSON.parse(record) : { etag: record.slice(0, at) || null, body: record.slice(at + 1) };
      saveFeed(record.body, record.etag, 1); // moved while the page goes on
    }
  }).catch(function () {}).then(function () { mark('cache-read'); });

  // The feed is asked for now, beside the Wasm, rather than by the widget once instantiated:
  // its answer is in when the widget mounts (on a first visit the banner waits for it). It is
  // asked with the kept copy's ETag, as the widget would; the first stage to mount takes the
  // answer, if it was asked with the ETag of the copy that stage is handed (stageConfig).
  // On a first visit the mount, which needs no kept copy then, need not wait for the Cache API
  // either (feedInFull: there the Cache API answers after 150-400 ms, at times after the Wasm
  // and the feed; one that never answers holds the mount back 3 s at most).
  var never = new Promise(function () {});
  var feedAnswer = null, feedEtag = null, feedInFull = never;
  function requestFeed() {
    try {
      var headers = { Accept: 'application/json' };
      var kept = localStorage.getItem(feedKey(__FEED_ETAG_KEY_PREFIX__)); // '': a copy without one
      if (feedEtag = kept) headers['If-None-Match'] = feedEtag;
      feedAnswer = fetch(feedKey(''), { cache: 'no-store', headers: headers, signal: AbortSignal.timeout(15000) });
      feedAnswer.catch(function () {}); // read (and a failure told) by the widget
      // Without an ETag key there is no copy to wait for, unless the host cleared localStorage.
      if (kept == null) feedInFull = feedAnswer.then(function (r) { return r.ok || never; }, function () { return never; });
      mark('feed-requested');
    } catch (error) {
      // No storage or an invalid data-feed: the widget asks itself (or says why not).
    }
  }

  var bannerLoad = load('banner'); // first: the requests go out before anything is drawn
  requestFeed();
  function drawSnapshotFitted() {
    drawSnapshot();
    if (snapshotHost) {
      fitStart();
      mark('snapshot-fitted');
    }
    // The first use of Intl is slow (see warmIntl): after the snapshot's paint, not before it.
    if (snapshotHost) requestAnimationFrame(function () { setTimeout(warmIntl, 0); });
    else setTimeout(warmIntl, 0);
  }
  // In <head> without async or defer (the render-blocking embedding), <body> does not exist yet:
  // the snapshot is drawn when the parser adds it, in the microtask right after, which always
  // runs before the browser renders, so the host's content is never painted without the banner
  // above it (layout shift 0 on every warm load, not on most).
  var bodyWatch = null;
  if (document.body) drawSnapshotFitted();
  else {
    bodyWatch = new MutationObserver(function () {
      if (!document.body) return;
      bodyWatch.disconnect();
      if (!stage && !destroyed) drawSnapshotFitted();
    });
    bodyWatch.observe(document.documentElement, { childList: true });
  }
  var bannerReady = Promise.all([bannerLoad, whenBodyReady().then(function () { mark('body-ready'); }), Promise.race([copyRead, feedInFull, new Promise(function (r) { setTimeout(r, 3000); })])]).then(function (r) {
    if (destroyed || stage) return;
    if (r[0].mount(stageConfig())) {
      mark('mounted');
      stage = r[0];
    } else {
      dropSnapshot();
      fitStop();
    }
  });
  // The widget's first draw (its `ready`: in the mount's task, or in the next one when the
  // banner stage draws from a cached copy, src/web/widget.rs) takes over from the snapshot in
  // its task. Host fit then measures for the widget's banner and launcher, not in this task:
  // when the resize observer first reports the widget's host, in the next frame's rendering,
  // before its paint (fitResized). After a snapshot, the snapshot's fit holds until then (the
  // same banner in the same place); without one (a first visit), nothing of ours is painted
  // unfitted either, and the mount's task no longer forces the page's layout (with 1,000 FAQ
  // answers on a first visit, 10-90 ms of a long task on a busy machine).
  var hasDrawn, drawn = new Promise(function (resolve) { hasDrawn = resolve; });
  function takeOver() {
    hasDrawn();
    dropSnapshot();
    fitFollow();
    mark('host-fitted');
    // (A mounted widget's host is there: it mounts only where fitStart finds what it needs.)
    (warmHost = fitHost).addEventListener('pointerover', warmUp);
    warmHost.addEventListener('focusin', warmUp);
  }
  bannerReady.catch(function (error) {
    dropSnapshot();
    fitStop();
    console.error(PREFIX + ' could not start; the page works without it:', error);
  });

  var fullReady = null;
  function upgrade(help) {
    if (!fullReady) {
      fullReady = Promise.all([load('full'), bannerReady.catch(function () {}), loadStrings('full', learnerLocale())]).then(function (r) {
        // setLocale may have changed the language meanwhile: mount with that one's strings.
        return Promise.all([r[0], loadStrings('full', learnerLocale())]);
      }).then(function (r) {
        var full = r[0];
        if (destroyed) return;
        addStrings(full, r[1]);
        stopWarmUp();
        // Opening help, the full stage mounts in this task (the panel opens in the next) and
        // draws the banner from the cached feed in later tasks of their own (src/web/widget.rs,
        // take_over_later); the banner stage's banner stays until then, and goes in that task
        // (no flicker). Otherwise (the ticket form needs the feed at once) it takes over here.
        var c = stageConfig();
        function takenOver() {
          delete c.takenOver; // once: not again on a remount (setLocale)
          try {
            if (leaving) leaving.destroy();
          } finally {
            leaving = null;
            handingOver = false;
            fitFollow(1);
          }
        }
        if (help) c.takenOver = takenOver;
        leaving = stage;
        stage = null;
        handingOver = true;
        try {
          if (full.mount(c)) { stage = full; isFull = true; }
        } finally {
          if (!isFull || !c.takenOver) takenOver();
        }
        if (isFull && prefillData) { full.prefill(prefillData); prefillData = null; }
        // The panel opens in a task of its own, before the stage reads the cached feed.
        if (help) return new Promise(function (resolve) { setTimeout(resolve, 0); });
      });
      fullReady.catch(function (error) {
        console.error(PREFIX + ' could not load the help panel:', error);
        // Let a later click try again, and stop showing the launcher as busy.
        fullReady = null;
        delete loads.full;
        var host = document.querySelector('lms-support-widget');
        var launcher = host && host.shadowRoot && host.shadowRoot.querySelector('.' + __LAUNCHER_CLASS__);
        if (launcher) launcher.removeAttribute('aria-busy');
      });
    }
    return fullReady;
  }

  // Calls run in order, each after the one before it; calls made before the widget is ready
  // wait for it. A call never throws into the host's code.
  var queue = bannerReady.catch(function () {});
  function later(name, fn) {
    queue = queue.then(function () {
      if (destroyed) return;
      return fn();
    }).catch(function (error) {
      console.error(PREFIX + ' ' + name + '() failed:', error);
    });
  }

  var api = {
    version: VERSION,
    open: function (part) {
      part = part === undefined ? 'help' : part;
      if (part !== 'help' && part !== 'ticket') {
        console.warn(PREFIX + ' open(' + JSON.stringify(part) + '): use "help" or "ticket"');
        return;
      }
      later('open', function () {
        return upgrade(part == 'help').then(function () { if (isFull && !destroyed) stage.open(part); });
      });
    },
    close: function () {
      later('close', function () { if (isFull) stage.close(); });
    },
    prefill: function (fields) {
      if (!fields || typeof fields !== 'object') {
        console.warn(PREFIX + ' prefill takes an object such as {subject: "…", description: "…"}');
        return;
      }
      var copy = {};
      for (var k in fields) copy[k] = fields[k];
      later('prefill', function () {
        if (isFull) stage.prefill(copy);
        else prefillData = Object.assign(prefillData || {}, copy);
      });
    },
    setLocale: function (tag) {
      tag = String(tag);
      if (LANGUAGE_TAG.test(tag)) {
        config.locale = tag;
        viewContext = undefined; // the page's data-* no longer say what the banner shows
      }
      later('setLocale', function () {
        if (!stage) return;
        var current = stage;
        return loadStrings(isFull ? 'full' : 'banner', tag).then(function (strings) {
          if (stage !== current) return; // replaced meanwhile: the new stage mounted in config.locale
          addStrings(current, strings);
          current.setLocale(tag);
        });
      });
    },
    on: function (name, fn) {
      if (EVENTS.indexOf(name) < 0 || typeof fn !== 'function') {
        console.warn(PREFIX + ' on(' + JSON.stringify(name) + '): events are ' + EVENTS.join(', '));
        return function () {};
      }
      (handlers[name] = handlers[name] || []).push(fn);
      // A handler for `ready` added after it fired still hears it.
      if (name === 'ready' && readySent) {
        Promise.resolve().then(function () { fn({ version: VERSION }); });
      }
      return function () {
        var list = handlers[name] || [];
        var i = list.indexOf(fn);
        if (i >= 0) list.splice(i, 1);
      };
    },
    destroy: function () {
      if (destroyed) return;
      destroyed = true;
      if (bodyWatch) bodyWatch.disconnect();
      document.removeEventListener('click', entryClick);
      stopWarmUp();
      fitStop();
      dropSnapshot();
      try { if (leaving) leaving.destroy(); if (stage) stage.destroy(); } catch (error) {
        console.error(PREFIX + ' destroy() failed:', error);
      }
      stage = null;
      isFull = false;
      handlers = {};
      links.forEach(function (link) { link.remove(); });
    }
  };
  window.LmsSupport = api;

  // Tickets waiting from an earlier page need the full stage to be sent; news on sent tickets
  // (or a check that is due) needs it to show the badge.
  bannerReady.then(function () {
    if (!destroyed && ticketsWaiting()) upgrade();
  }, function () {});
  if (openMyTickets) {
    later('open', function () {
      return upgrade().then(function () { if (isFull && !destroyed) stage.open('my-tickets'); });
    });
  }
})();
