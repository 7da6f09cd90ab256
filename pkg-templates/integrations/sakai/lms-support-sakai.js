/* LMS support widget {{VERSION}} for Sakai: served from the library webapp and included on every
   portal page by portal.include.extrahead (see README.md). Reads window.portal once the page is
   parsed and adds the widget's loader, pinned by its integrity hash, once per page. */
(function () {
  'use strict';
  var LOADER_URL = '{{LOADER_URL}}';
  var LOADER_SRI = '{{LOADER_SRI}}';
  var FEED_URL = '{{FEED_URL}}';

  if (window.top !== window.self) return; // extrahead is also added to tool iframes

  function start() {
    if (window.LmsSupport || document.querySelector('script[src="' + LOADER_URL + '"]')) return;
    var portal = window.portal || {};
    var user = portal.user || {};
    if (!user.id || portal.loggedIn === false) return; // gateway and login pages
    var site = portal.siteId || '';
    // '~…' is the user's own workspace and '!…' a special site: not a course.
    var isCourse = site && site.charAt(0) !== '~' && site.charAt(0) !== '!';

    var data = {
      feed: FEED_URL,
      lms: 'sakai',
      locale: portal.locale ? String(portal.locale).replace(/_/g, '-') : 'auto',
      course: isCourse ? site : '',
      courseName: isCourse ? portal.siteTitle : ''
    };
    var script = document.createElement('script');
    script.src = LOADER_URL;
    script.integrity = LOADER_SRI;
    script.crossOrigin = 'anonymous';
    script.defer = true; // no effect on an injected script; kept so the tag matches the docs
    Object.keys(data).forEach(function (key) {
      if (data[key]) script.dataset[key] = String(data[key]);
    });
    document.head.appendChild(script);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start, { once: true });
  } else {
    start();
  }
})();
