// The host-fit decision (pkg-templates/host-fit.js, inlined into loader.js), run in node: pure
// geometry, numbers in and out. The e2e (tests/e2e/hostfit.test.mjs) checks it on real chrome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const source = readFileSync(new URL('../../pkg-templates/host-fit.js', import.meta.url), 'utf8');
const hostFit = new Function(`${source}; return hostFit;`)();

const VW = 1280, VH = 800;
const PUSH = 0, OVERLAY = 1;
const NO_LAUNCHER = [0, 0, 0, 0];
const LAUNCHER = [736, 1180, 80, 44]; // bottom right, 20 px from the edges
/** Runs the decision; boxes are {rect: [top, left, width, height], sticky, z} (z: NaN for auto). */
function fit({ mode = PUSH, height, bottom = height, atRest = 0, launcher = NO_LAUNCHER, boxes }) {
  const input = [mode, VW, VH, height, bottom, atRest, ...launcher];
  for (const b of boxes) input.push(...b.rect, b.sticky ? 1 : 0, b.z ?? NaN);
  const out = hostFit(input);
  const moves = [];
  for (let i = 5; i < out.length; i += 2) {
    moves.push(Number.isNaN(out[i]) ? null : { down: out[i], height: Number.isNaN(out[i + 1]) ? null : out[i + 1] });
  }
  return { bannerTop: out[0], insetLeft: out[1], insetRight: out[2], lift: out[3], z: out[4], moves };
}
const fixed = (...rect) => ({ rect, sticky: false });
const TOP = 2147483000;
// Moodle Boost at 1280 × 800: navbar, course-index drawer, its toggle, footer popover button, sticky footer.
const moodle = () => [
  fixed(0, 0, VW, 60), fixed(60, 0, 285, 740), fixed(71.2, 0, 44, 36), fixed(688, 1212, 36, 36), fixed(720, 0, VW, 80),
];

test('push moves the top bar and the drawers below the banner, the drawer keeps its end on screen, the bottom stays', () => {
  const { moves, bannerTop } = fit({ height: 138, boxes: moodle() });
  assert.deepEqual(moves, [{ down: 138, height: null }, { down: 138, height: 602 }, { down: 138, height: null }, null, null]);
  assert.equal(bannerTop, 0);
});

test('push follows the banner as it scrolls away, then moves nothing', () => {
  assert.equal(fit({ height: 138, bottom: 38, boxes: moodle() }).moves[0].down, 38);
  assert.deepEqual(fit({ height: 138, bottom: -62, boxes: moodle() }).moves, [null, null, null, null, null]);
});

test('push leaves a bar above the banner (the theme pads <body> for it) and moves what is below', () => {
  const boxes = [fixed(0, 0, VW, 80), fixed(80, 0, 200, 720)];
  const rest = fit({ height: 100, bottom: 180, atRest: 80, boxes });
  assert.equal(rest.moves[0], null);
  assert.equal(rest.moves[1].down, 100);
  // Scrolled by 50: 50 px of the banner still show under the header.
  assert.equal(fit({ height: 100, bottom: 130, atRest: 80, boxes }).moves[1].down, 50);
});

test('no banner moves nothing, in either mode: the host layout is its own', () => {
  for (const mode of [PUSH, OVERLAY]) {
    const result = fit({ mode, height: 0, boxes: moodle() });
    assert.deepEqual(result.moves, [null, null, null, null, null]);
    assert.deepEqual([result.bannerTop, result.insetLeft, result.insetRight], [0, 0, 0]);
  }
});

test('overlay docks below the navbar and moves the drawer and toggle under it, not the navbar', () => {
  const { bannerTop, moves } = fit({ mode: OVERLAY, height: 138, bottom: 0, boxes: moodle() });
  assert.equal(bannerTop, 60);
  assert.deepEqual(moves, [null, { down: 138, height: 602 }, { down: 138, height: null }, null, null]);
});

test('overlay docks below a sticky header; push leaves it in the flow', () => {
  const header = { rect: [0, 0, VW, 64], sticky: true };
  assert.equal(fit({ mode: OVERLAY, height: 100, boxes: [header] }).bannerTop, 64);
  assert.deepEqual(fit({ mode: PUSH, height: 100, boxes: [header] }).moves, [null]);
});

test('the banner keeps beside full-height rails (Canvas) and does not move them', () => {
  const boxes = [fixed(0, 0, 84, VH), fixed(0, VW - 60, 60, VH)];
  for (const mode of [PUSH, OVERLAY]) {
    const result = fit({ mode, height: 120, boxes });
    assert.deepEqual([result.insetLeft, result.insetRight], [84, 60]);
    assert.deepEqual(result.moves, [null, null]);
  }
});

test('full-screen layers and sticky boxes lower down are left alone', () => {
  const boxes = [fixed(0, 0, VW, VH), { rect: [300, 0, 200, 40], sticky: true }];
  assert.deepEqual(fit({ height: 120, boxes }).moves, [null, null]);
});

test('the launcher goes above the sticky footer and the help button in its corner', () => {
  // Footer top 720, button top 688: the launcher's bottom goes 8 px above the button.
  const { lift } = fit({ height: 0, launcher: LAUNCHER, boxes: moodle() });
  assert.equal(lift, 780 - (688 - 8));
});

test('the launcher stays when its corner is free, when boxes are elsewhere or tall, or when it is hidden', () => {
  assert.equal(fit({ height: 0, launcher: LAUNCHER, boxes: [] }).lift, 0);
  assert.equal(fit({ height: 0, launcher: LAUNCHER, boxes: [fixed(736, 20, 80, 44)] }).lift, 0);
  assert.equal(fit({ height: 0, launcher: LAUNCHER, boxes: [fixed(60, 995, 285, 740)] }).lift, 0);
  assert.equal(fit({ height: 0, launcher: NO_LAUNCHER, boxes: moodle() }).lift, 0);
});

test('the overlay banner goes just under the lowest top bar it docks below, so their menus open over it', () => {
  // Moodle's navbar (z-index 1030) over its drawer (1015): the banner at 1029.
  const boxes = moodle().map((b, i) => ({ ...b, z: [1030, 1015, 2, 1000, 1000][i] }));
  assert.equal(fit({ mode: OVERLAY, height: 138, boxes }).z, 1029);
  // Two bars docked: under both.
  const two = [{ rect: [0, 0, VW, 60], z: 1030 }, { rect: [0, 0, VW, 40], z: 900 }];
  assert.equal(fit({ mode: OVERLAY, height: 100, boxes: two }).z, 899);
  // A sticky header (Open edX, z-index 1000).
  assert.equal(fit({ mode: OVERLAY, height: 100, boxes: [{ rect: [0, 0, VW, 64], sticky: true, z: 1000 }] }).z, 999);
});

test('the overlay banner stays at the top of the stack with no bar above it, or a bar with z-index auto or 1', () => {
  assert.equal(fit({ mode: OVERLAY, height: 100, boxes: [] }).z, TOP);
  assert.equal(fit({ mode: OVERLAY, height: 100, boxes: [fixed(0, 0, VW, 60)] }).z, TOP);
  assert.equal(fit({ mode: OVERLAY, height: 100, boxes: [{ rect: [0, 0, VW, 60], z: 1 }] }).z, TOP);
  // Boxes that are not top bars (a drawer, a rail, the sticky footer) do not lower it.
  const others = [{ rect: [60, 0, 285, 740], z: 5 }, { rect: [0, 0, 84, VH], z: 5 }, { rect: [720, 0, VW, 80], z: 5 }];
  assert.equal(fit({ mode: OVERLAY, height: 100, boxes: others }).z, TOP);
});
