// The generic theme's script:
// - its header collapses once the page is scrolled (a class, as most themes do);
// - it renders a fixed course bar under the header late, as themes whose chrome is drawn by
//   script do: here a moment after the support banner is up (or at load without the widget), so the
//   widget meets chrome that was not there when it first fitted the page.
(function () {
  var header = document.getElementById('site-header');
  function update() { header.classList.toggle('is-collapsed', window.scrollY > 40); }
  window.addEventListener('scroll', update, { passive: true });
  update();

  function addCourseBar() {
    if (document.getElementById('course-bar')) return;
    var bar = document.createElement('nav');
    bar.id = 'course-bar';
    bar.className = 'course-bar';
    bar.setAttribute('aria-label', 'Course');
    ['Outline', 'Grades', 'Forum'].forEach(function (label) {
      var link = document.createElement('a');
      link.href = '/sticky.html';
      link.textContent = label;
      bar.appendChild(link);
    });
    header.after(bar);
    document.body.classList.add('has-course-bar');
  }
  // A moment after the banner, as a bar that waits for its own data would.
  window.addEventListener('lms-support:banner-shown', function () { setTimeout(addCourseBar, 250); });
  window.addEventListener('load', function () { if (!window.LmsSupport) addCourseBar(); });
})();
