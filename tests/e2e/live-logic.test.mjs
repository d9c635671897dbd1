// The live checker's decisions without a browser: which hint a report gets, hysteresis, steadiness,
// and when it captures. Reports are built here with known content and fed frame by frame.

import { test } from "node:test";
import assert from "node:assert/strict";
import { hintFor, movement, LiveChecker } from "../../www/id-photo-check.js";

const IDS = ["blur", "exposure", "glare", "shadow", "resolution", "framing", "size", "tilt", "background"];
const CARD = [[100, 100], [500, 110], [495, 360], [95, 350]];

/** A report where every check passes except those in `bad` ({ id: [status, reason] }). */
function report(bad = {}, corners = CARD) {
  return {
    document: corners ? { corners } : null,
    checks: IDS.map((id) => ({ id, status: bad[id] ? bad[id][0] : "pass", reason: bad[id] ? bad[id][1] || "" : "" })),
  };
}

const shift = (dx) => CARD.map(([x, y]) => [x + dx, y]);

function checker(options) {
  // The state start() sets, without its frame loop: the reports come from the test.
  const live = new LiveChecker({}, options);
  live.reset();
  live.running = true;
  const seen = { hints: [], captures: 0 };
  live.addEventListener("hint", (e) => seen.hints.push(e.detail.hint));
  live.addEventListener("capture", () => seen.captures++);
  return { live, seen };
}

test("one hint per frame, most important first", () => {
  assert.equal(hintFor(report({}, null)), "live_find");
  assert.equal(hintFor(report({ exposure: ["fail", "clipped_highlights"] }, null)), "live_bright");
  assert.equal(hintFor(report({ framing: ["fail"], blur: ["fail"] })), "live_corners");
  assert.equal(hintFor(report({ size: ["warn"], blur: ["fail"] })), "live_closer");
  assert.equal(hintFor(report({ tilt: ["fail"], glare: ["fail"] })), "live_flat");
  assert.equal(hintFor(report({ exposure: ["fail", "too_dark"], blur: ["fail"] })), "live_dark");
  assert.equal(hintFor(report({ exposure: ["fail", "overexposed"] })), "live_bright");
  assert.equal(hintFor(report({ glare: ["warn"], blur: ["warn"] })), "live_glare");
  assert.equal(hintFor(report({ blur: ["warn"] })), "live_still");
  // Resolution and shadow are left to the full-resolution still.
  assert.equal(hintFor(report({ resolution: ["fail"], shadow: ["warn"] })), "live_good");
});

test("movement is measured against the outline's size", () => {
  assert.equal(movement(CARD, CARD), 0);
  assert.ok(Math.abs(movement(CARD, shift(4.7)) - 4.7 / 470) < 0.001);
  assert.equal(movement(CARD, null), Infinity);
});

test("a hint must hold for three frames before it replaces the one shown", () => {
  const { live, seen } = checker();
  const blurred = report({ blur: ["fail"] });
  live.onReport(report({ size: ["warn"] }), 1);
  assert.deepEqual(seen.hints, ["live_closer"]);
  // One blurred frame, then far again: no flicker.
  live.onReport(blurred, 1);
  live.onReport(report({ size: ["warn"] }), 1);
  assert.deepEqual(seen.hints, ["live_closer"]);
  live.onReport(blurred, 1);
  live.onReport(blurred, 1);
  assert.deepEqual(seen.hints, ["live_closer"]);
  live.onReport(blurred, 1);
  assert.deepEqual(seen.hints, ["live_closer", "live_still"]);
});

test("capture after five good frames in a row that are also steady, and not before", () => {
  const { live, seen } = checker();
  // Good but moving: never captures.
  for (let i = 0; i < 10; i++) live.onReport(report({}, shift(i * 30)), 1);
  assert.equal(seen.captures, 0);
  // Still: the first frame has moved from the last moving one, so the fifth after it captures.
  for (let i = 0; i < 5; i++) live.onReport(report(), 1);
  assert.equal(seen.captures, 0);
  live.onReport(report(), 1);
  assert.equal(seen.captures, 1);
  assert.equal(live.running, false, "the checker pauses itself once it captures");
});

test("a bad frame in the run starts it again", () => {
  const { live, seen } = checker();
  for (let i = 0; i < 4; i++) live.onReport(report(), 1);
  live.onReport(report({ blur: ["fail"] }), 1);
  for (let i = 0; i < 4; i++) live.onReport(report(), 1);
  assert.equal(seen.captures, 0);
  live.onReport(report(), 1);
  assert.equal(seen.captures, 1);
});

test("corners come back in video pixels", () => {
  const { live } = checker();
  let corners = null;
  live.addEventListener("frame", (e) => { corners = e.detail.corners; });
  live.onReport(report(), 2);
  assert.deepEqual(corners[0], [200, 200]);
});
