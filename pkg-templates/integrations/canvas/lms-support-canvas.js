/* LMS support widget {{VERSION}} for Canvas LMS.
   Upload as the JavaScript file of a theme (Admin > Themes > Theme Editor > Upload). Canvas runs
   it on every page; it adds the widget's loader, pinned by its integrity hash, once per page. */
(function () {
  'use strict';
  var LOADER_URL = '{{LOADER_URL}}';
  var LOADER_SRI = '{{LOADER_SRI}}';
  var FEED_URL = '{{FEED_URL}}';

  if (window.LmsSupport || document.querySelector('script[src="' + LOADER_URL + '"]')) return;
  if (window.top !== window.self) return; // not inside Canvas's own iframes

  var env = window.ENV || {};
  var context = env.current_context || {};
  var isCourse = String(context.type || '').toLowerCase() === 'course';

  // ENV.current_user_roles lists the user's roles across the whole account, not this course.
  function role(roles) {
    roles = Array.isArray(roles) ? roles : [];
    function has(names) { return names.some(function (r) { return roles.indexOf(r) !== -1; }); }
    if (has(['teacher', 'ta', 'designer'])) return 'teacher';
    if (has(['admin', 'root_admin'])) return 'admin';
    if (has(['student', 'fake_student'])) return 'student';
    if (has(['observer'])) return 'observer';
    return '';
  }

  var data = {
    feed: FEED_URL,
    lms: 'canvas',
    locale: env.LOCALE || 'auto',
    course: env.COURSE_ID || (env.COURSE && env.COURSE.id) || (isCourse ? context.id : ''),
    courseName: isCourse ? context.name : '',
    role: role(env.current_user_roles),
    userName: env.current_user && env.current_user.display_name
  };

  var script = document.createElement('script');
  script.src = LOADER_URL;
  script.integrity = LOADER_SRI;
  script.crossOrigin = 'anonymous';
  script.defer = true; // no effect on an injected script (it runs when loaded); kept for parity
  Object.keys(data).forEach(function (key) {
    if (data[key] !== undefined && data[key] !== null && data[key] !== '') {
      script.dataset[key] = String(data[key]);
    }
  });
  (document.head || document.documentElement).appendChild(script);
})();
