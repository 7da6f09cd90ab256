/* Host fit, the decision: where the banner docks and where the host page's fixed chrome goes.
   Pure (numbers in, numbers out, no DOM), inlined into loader.js by scripts/bundle.mjs and run
   in node by tests/dist/host-fit.test.mjs. The loader measures and moves; this decides.

   LMS themes pin their navigation to the viewport: Moodle Boost's navbar (fixed-top, 60 px) and
   the drawers under it, Canvas's global navigation down the left edge, Open edX's sticky header,
   buttons in the bottom corners. From boxes measured with nothing of ours moved:
   - push (the banner in the page flow, scrolling under the host's fixed boxes as any content
     does): every box anchored to the top of the viewport at or below the banner's place moves
     down by the part of the banner still on screen, so the banner sits above the host's bars
     and they follow it up as it scrolls away; a box reaching the bottom of the viewport (a
     drawer) also loses that height, so its end stays on screen. A bar above the banner's place
     (the theme pads <body> for it) stays;
   - overlay (the banner fixed, the layout does not move): the banner docks below the host's top
     bars (fixed, or sticky at the top), and the fixed boxes under them (drawers, toggles) move
     down by the banner's height; in-flow content under it is covered, which is what overlay is;
   - in both, the banner keeps beside full-height side rails, and the launcher goes above the
     host's boxes in the lower half of its column (not above boxes taller than half the
     viewport: a drawer, a rail).
   With no banner (height 0) nothing moves: the host's layout is exactly its own.

   This is JavaScript, not Rust in the Wasm, for bytes: the same decision in the banner stage's
   Wasm cost 1.6 KB gzip, here about 0.5 KB, and every course page downloads it.

   input: mode (0 push, 1 overlay), vw, vh, the banner's height, its bottom now and its top at
   rest (scrolled to the top), the launcher's top, left, width, height (0s when hidden), then
   each host box, to the end, as top, left, width, height, sticky (truthy for position: sticky),
   z-index (NaN for auto).
   output: the banner's top (overlay), inset left, inset right, the launcher's lift, the overlay
   banner's z-index, then per box how far down it moves and its new height, NaN where it stays
   (or keeps its height).

   The overlay banner's z-index is just under the lowest of the top bars it docks below: their
   menus (Moodle's user menu, drawn inside the navbar's stacking context) then open over it as
   they open over the page, and it stays above the page's content. Without such a bar, or when
   a bar's z-index is auto or below 2, it stays at the top of the stack. */
function hostFit(input) {
  var EDGE = 1.5, GAP = 8;
  var overlay = input[0], vw = input[1], vh = input[2], height = input[3], atRest = input[5];
  var l = input.slice(6, 10), out = [0, 0, 0, 0, 2147483000], boxes = [];
  for (var i = 10; i < input.length; i += 6) boxes.push(input.slice(i, i + 6));
  // 1: a bar across the top, 2: a full-height rail at a side, 3: other boxes anchored in the
  // upper half (drawers, toggles), 0: none of ours (bottom boxes, full-screen layers such as
  // dialogs, sticky boxes not at the top) or no banner.
  var kinds = boxes.map(function (b) {
    var atTop = b[0] <= EDGE, wide = b[2] >= vw / 2, full = b[3] >= vh * 0.9, left = b[1] < vw / 2;
    var bar = atTop && wide && b[3] <= vh / 3 ? 1 : 0;
    // A sticky header stays in the flow: only overlay docks below it.
    var k = height <= 0 ? 0 : b[4] ? bar
      : atTop && full && !wide ? 2 : full && wide ? 0 : bar || (b[0] < vh / 2 && b[0] + b[3] > 0 ? 3 : 0);
    if (k === 2) out[left ? 1 : 2] = Math.max(out[left ? 1 : 2], left ? b[1] + b[2] : vw - b[1]);
    if (k === 1 && overlay) {
      out[0] = Math.max(out[0], b[0] + b[3]);
      if (b[5] > 1) out[4] = Math.min(out[4], b[5] - 1);
    }
    return k;
  });
  // The launcher goes above every box below the middle of the viewport in its column (with a
  // gap), not above taller ones (a drawer, a rail): it would leave the corner.
  var top = l[0] + l[3] + GAP;
  boxes.forEach(function (b, i) {
    var k = kinds[i];
    var shift = overlay ? (k === 3 && b[0] >= out[0] - EDGE ? height : 0)
      : k % 2 && !b[4] && b[0] >= atRest - EDGE ? Math.max(0, Math.min(height, input[4] - atRest)) : 0;
    var reachesBottom = b[0] + b[3] >= vh - EDGE && b[3] > vh / 3;
    out.push(shift > 0 ? shift : NaN, shift > 0 && reachesBottom ? Math.max(0, b[3] - shift) : NaN);
    if (l[2] && b[3] <= vh / 2 && b[0] >= vh / 2 && b[1] < l[1] + l[2] + GAP && l[1] - GAP < b[1] + b[2]) {
      top = Math.min(top, b[0]);
    }
  });
  out[3] = Math.max(0, l[0] + l[3] + GAP - top);
  return out;
}
