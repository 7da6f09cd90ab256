// A tiny stand-in for Turbo Drive (Hotwire), as LMS themes built on Rails use: same-origin link
// clicks fetch the next page, its <body> replaces the current one, the URL and title change, and
// the <head> (with the widget's loader) is kept and never runs again. The widget must survive
// the swap: exactly one <lms-support-widget>, inside the new body, still working.
(function () {
  'use strict';
  var visits = 0;

  function sameOriginLink(event) {
    if (event.defaultPrevented || event.button !== 0) return null;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
    var path = event.composedPath ? event.composedPath() : [event.target];
    for (var i = 0; i < path.length; i++) {
      var node = path[i];
      if (node && node.tagName === 'A' && node.hasAttribute('href')) {
        if (node.target && node.target !== '_self') return null;
        if (node.hasAttribute('download') || node.dataset.turbo === 'false') return null;
        var url = new URL(node.href, location.href);
        if (url.origin !== location.origin) return null;
        if (url.pathname === location.pathname && url.search === location.search && url.hash) return null;
        return url;
      }
    }
    return null;
  }

  function visit(url, push) {
    document.documentElement.setAttribute('aria-busy', 'true');
    return fetch(url.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html');
        if (push) history.pushState({ turbo: true }, '', url.href);
        document.title = next.title;
        document.body.replaceWith(document.adoptNode(next.body));
        window.scrollTo(0, 0);
        visits += 1;
        document.documentElement.removeAttribute('aria-busy');
        document.dispatchEvent(new CustomEvent('turbo:load', { detail: { url: url.href, visits: visits } }));
      })
      .catch(function (error) {
        // What Turbo does too: fall back to a full page load.
        console.warn('[turbo demo] falling back to a full load:', error);
        location.href = url.href;
      });
  }

  history.replaceState({ turbo: true }, '', location.href);
  document.addEventListener('click', function (event) {
    var url = sameOriginLink(event);
    if (!url) return;
    event.preventDefault();
    visit(url, true);
  });
  window.addEventListener('popstate', function (event) {
    if (event.state && event.state.turbo) visit(new URL(location.href), false);
  });
})();
