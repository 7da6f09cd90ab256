// What Boost's own JavaScript does on this test page, with the same classes and markup:
// - the drawers (theme_boost/drawers): "Close course index" and the toggle flip .show on the
//   drawer and .show-drawer-left on #page;
// - the user menu (a Bootstrap dropdown): the toggle shows #user-action-menu, a click elsewhere
//   hides it;
// - the footer popover (theme_boost/footer-popover): the "?" button shows a Bootstrap popover
//   inside [data-region="footer-container-popover"] holding a copy of the hidden
//   [data-region="footer-content-popover"] (Boost copies its innerHTML; a clone here), where
//   plugins' standard_footer_html lands (local_lmssupport's "Help and support").
(function () {
  var page = document.getElementById('page');
  var drawer = document.getElementById('theme_boost-drawers-courseindex');
  var menu = document.getElementById('user-action-menu');
  var menuToggle = document.getElementById('user-menu-toggle');
  var container = document.querySelector('[data-region="footer-container-popover"]');
  var footerButton = document.querySelector('[data-action="footer-popover"]');
  var popover = null;

  function setDrawer(open) {
    drawer.classList.toggle('show', open);
    page.classList.toggle('show-drawer-left', open);
  }
  function setMenu(open) {
    menu.classList.toggle('show', open);
    menuToggle.setAttribute('aria-expanded', String(open));
  }
  function setPopover(open) {
    if (popover) popover.remove();
    popover = null;
    if (!open) return;
    popover = document.createElement('div');
    popover.className = 'popover footer bs-popover-top';
    popover.setAttribute('role', 'tooltip');
    var body = document.createElement('div');
    body.className = 'popover-body';
    document.querySelector('[data-region="footer-content-popover"]').childNodes.forEach(function (n) {
      body.appendChild(n.cloneNode(true));
    });
    popover.appendChild(body);
    container.appendChild(popover);
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    var toggler = target.closest('[data-toggler="drawers"]');
    if (toggler) setDrawer(toggler.dataset.action === 'toggle' ? !drawer.classList.contains('show') : false);
    if (target.closest('#user-menu-toggle')) {
      event.preventDefault();
      setMenu(!menu.classList.contains('show'));
    } else if (!target.closest('#user-action-menu')) {
      setMenu(false);
    }
    if (target.closest('[data-action="footer-popover"]')) setPopover(!popover);
    else if (!target.closest('[data-region="footer-container-popover"]')) setPopover(false);
  });
  footerButton.setAttribute('aria-haspopup', 'true');
})();
