// The live camera end to end, with Chromium's fake camera playing a film the suite rendered: a card far
// away and out of focus, coming closer, then close, sharp and steady. The page must guide the person in
// that order, take the photo itself only once the card is good and steady, and check the still.
// Also: a denied camera, and a browser without one, fall back to choosing a file with the reason.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { launch, open, assertOwnOriginThenNothing, FIXTURES } from "./browser.mjs";

let camera;
before(async () => { camera = await launch({ camera: path.join(FIXTURES, "live.y4m") }); });
after(async () => { await camera?.close(); });

test("live camera: hints in order, capture once the card is sharp and steady, the still is ok", async () => {
  const { context, page, log } = await open(camera, "/", { locale: "en-US" });
  await page.click("#live-start");
  await page.waitForFunction(() => !__root().getElementById("result").hidden, null, { timeout: 60000 });
  // The verdict is shown before the straightened crop is made; the still's check ends with the crop.
  await page.waitForFunction(() => document.getElementById("checker").liveStats?.checked, null, { timeout: 60000 });
  const stats = await page.evaluate(() => document.getElementById("checker").liveStats);
  const v = await page.evaluate(() => ({ verdict: __root().getElementById("verdict").dataset.verdict, blur: __root().querySelector("#checks li[data-check=blur]").dataset.status }));

  // The hints shown, in order: find or come closer first, then hold still, then the card is good.
  const shown = stats.hints;
  const first = (keys) => shown.findIndex((h) => keys.includes(h));
  const closer = first(["live_closer", "live_find"]);
  const still = first(["live_still"]);
  const good = shown.lastIndexOf("live_good");
  assert.ok(closer >= 0 && still > closer && good > still, `hints in order: ${shown.join(" > ")}`);

  // Captured automatically, on the frames' own say-so: the run before it was all good and steady, and
  // the film's blurred frames never were good.
  assert.equal(stats.captured.how, "auto");
  const frames = stats.frames.filter((f) => f.t <= stats.capture.at);
  const run = frames.slice(-5);
  assert.equal(run.length, 5);
  assert.ok(run.every((f) => f.good && f.steady), JSON.stringify(run));
  assert.ok(frames.some((f) => f.hint === "live_still"), "out-of-focus frames were seen");
  assert.ok(frames.filter((f) => f.hint === "live_still").every((f) => !f.good));
  // While the card is held still its outline is followed from frame to frame rather than searched
  // for, and a whole frame is still searched now and then.
  const steadyRun = frames.filter((f) => f.steady);
  assert.ok(steadyRun.some((f) => f.followed), JSON.stringify(steadyRun));
  assert.ok(frames.some((f) => !f.followed), "no frame was searched whole");

  // The frames went to the worker as VideoFrames, scaled there to 960x540 rather than on the page's
  // main thread.
  assert.ok(frames.every((f) => f.handed === "VideoFrame" && f.width === 960), JSON.stringify(frames.filter((f) => f.handed !== "VideoFrame" || f.width !== 960)));

  // The full-resolution still is checked like an uploaded photo.
  assert.equal(v.verdict, "ok");
  assert.equal(v.blur, "pass");

  const rate = (frames.length - 1) / ((frames.at(-1).t - frames[0].t) / 1000);
  console.log(`live: ${frames.length} frames checked at ${rate.toFixed(1)} a second (1280x720 stream, checked at 960x540), ${frames.filter((f) => f.followed).length} of them followed; ` +
    `settled -> capture ${(stats.capture.at - stats.capture.settled).toFixed(0)} ms, -> still checked ${(stats.checked - stats.capture.settled).toFixed(0)} ms; hints: ${shown.join(" > ")}`);

  // Accepting hands the host the still and the straightened card.
  const accepted = page.evaluate(() => new Promise((resolve) => document.getElementById("checker").addEventListener("accept", (e) => resolve({ image: e.detail.image.size, type: e.detail.image.type, crop: !!e.detail.crop, verdict: e.detail.report.verdict }), { once: true })));
  await page.click("#accept");
  const a = await accepted;
  assert.ok(a.image > 10000 && a.type.startsWith("image/"), JSON.stringify(a));
  assert.equal(a.crop, true);
  assert.equal(a.verdict, "ok");

  assert.deepEqual(log.errors, []);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  // Nothing fetched while the camera ran.
  assertOwnOriginThenNothing(log);
  await context.close();
});

for (const [name, code, text] of [
  ["NotAllowedError", "camera_denied", /blocked/],
  [null, "camera_unavailable", /does not let the page use the camera/],
]) {
  test(`camera ${code}: the file picker stays and the reason is given in both languages`, async () => {
    const { context, page } = await open(camera, "/", { locale: "en-US" });
    await page.evaluate((name) => {
      if (name) {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("denied", name));
      } else {
        Object.defineProperty(navigator, "mediaDevices", { value: undefined, configurable: true });
      }
    }, name);
    await page.click("#live-start");
    await page.waitForFunction(() => !__root().getElementById("error").hidden, null, { timeout: 10000 });
    const err = await page.evaluate(() => ({ code: __root().getElementById("error").dataset.code, text: __root().getElementById("error").textContent, live: __root().getElementById("live").hidden, pick: __root().getElementById("pick").hidden }));
    assert.equal(err.code, code);
    assert.match(err.text, text);
    assert.equal(err.live, true);
    assert.equal(err.pick, false);
    await page.click("#lang");
    assert.match(await page.textContent("#error"), /摄像头/);
    // The fallback works: a file still gets checked.
    await page.setInputFiles("#file", path.join(FIXTURES, "sharp.png"));
    await page.waitForFunction(() => !__root().getElementById("result").hidden, null, { timeout: 30000 });
    await context.close();
  });
}

test("the camera taken away mid-stream: the live view closes with the reason and the file picker stays", async () => {
  const { context, page } = await open(camera, "/", { locale: "en-US" });
  await page.click("#live-start");
  await page.waitForSelector("id-photo-check[data-live='on']", { timeout: 30000 });
  // Chromium ends a track this way when the device goes away; a page's own stop() does not.
  await page.evaluate(() => __root().getElementById("video").srcObject.getVideoTracks()[0].dispatchEvent(new Event("ended")));
  await page.waitForFunction(() => !__root().getElementById("error").hidden, null, { timeout: 10000 });
  const state = await page.evaluate(() => ({ code: __root().getElementById("error").dataset.code, live: __root().getElementById("live").hidden, pick: __root().getElementById("pick").hidden, on: document.getElementById("checker").dataset.live }));
  assert.deepEqual(state, { code: "camera_error", live: true, pick: false, on: undefined });
  await context.close();
});
