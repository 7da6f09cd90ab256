// The generic theme's header collapses once the page is scrolled (a class, as most themes do).
(function () {
  var header = document.getElementById('site-header');
  function update() { header.classList.toggle('is-collapsed', window.scrollY > 40); }
  window.addEventListener('scroll', update, { passive: true });
  update();
})();
