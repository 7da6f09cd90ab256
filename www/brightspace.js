// <d2l-navigation-immersive> and <d2l-navigation-link> as BrightspaceUILabs/navigation draws them (its shadow root, class
// names, geometry and z-index; their Polymer template reduced to plain DOM): a fixed bar at the
// top with the back link, the "middle" and "right" slots, and a spacer in the flow under it.
(function () {
  var css = new CSSStyleSheet();
  css.replaceSync([
    ':host { display: block; --d2l-navigation-immersive-height-main: 3.1rem; }',
    '.d2l-navigiation-immersive-fixed { background-color: white; left: 0; position: fixed; right: 0; top: 0; z-index: 1002; }',
    '.d2l-navigation { border-bottom: 1px solid #d3d9e3; display: block; position: relative; }',
    '.d2l-navigation-immersive-margin { display: flex; justify-content: center; margin: 0 30px; }',
    '.d2l-navigation-immersive-container { display: flex; align-items: center; height: var(--d2l-navigation-immersive-height-main); justify-content: space-between; max-width: 1230px; overflow: hidden; width: 100%; }',
    '.d2l-navigation-immersive-left, .d2l-navigation-immersive-right { flex: 0 0 auto; }',
    '.d2l-navigation-immersive-middle { border-left: 1px solid #e3e9f1; flex: 0 1 auto; margin: 0 24px; padding: 0 24px; width: 100%; min-width: 0; }',
    '.d2l-navigation-link-back { color: #494c4e; text-decoration: none; }',
    '.d2l-navigation-immersive-spacing { height: calc(var(--d2l-navigation-immersive-height-main) + 5px); }',
    '@media (max-width: 767px) { .d2l-navigation-immersive-margin { margin: 0 18px; } }',
    '@media (max-width: 615px) { :host { --d2l-navigation-immersive-height-main: 2.8rem; } .d2l-navigation-immersive-middle { display: none; } }',
  ].join('\n'));
  function el(tag, className, parent) {
    var node = document.createElement(tag);
    node.className = className;
    if (parent) parent.appendChild(node);
    return node;
  }
  class NavigationImmersive extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var root = this.attachShadow({ mode: 'open' });
      root.adoptedStyleSheets = [css];
      var fixed = el('div', 'd2l-navigiation-immersive-fixed', root);
      var nav = el('div', 'd2l-navigation', fixed);
      var container = el('div', 'd2l-navigation-immersive-container', el('div', 'd2l-navigation-immersive-margin', nav));
      var left = el('div', 'd2l-navigation-immersive-left', container);
      var back = el('a', 'd2l-navigation-link-back', el('slot', '', left));
      back.href = this.getAttribute('back-link-href');
      back.textContent = '\u2190 ' + this.getAttribute('back-link-text');
      el('slot', '', el('div', 'd2l-navigation-immersive-middle', container)).name = 'middle';
      el('slot', '', el('div', 'd2l-navigation-immersive-right', container)).name = 'right';
      left.firstChild.name = 'left';
      el('div', 'd2l-navigation-immersive-spacing', root);
    }
  }
  customElements.define('d2l-navigation-immersive', NavigationImmersive);

  // <d2l-navigation-link href text>, the navbar's link (custom links an admin adds to a
  // navbar are these): its <a> is in its shadow root, the host reflects href.
  class NavigationLink extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var link = el('a', 'd2l-focusable', this.attachShadow({ mode: 'open' }));
      link.href = this.getAttribute('href');
      link.title = this.getAttribute('text');
      link.appendChild(document.createElement('slot'));
    }
  }
  customElements.define('d2l-navigation-link', NavigationLink);
})();
