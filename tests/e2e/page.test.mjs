// The page end to end: a sharp photo and a blurred one that the suite rendered with known truth, the
// language switch, bad files, and the promise that the page makes no request after it has loaded.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFile } from "node:fs/promises";
import { launch, open, assertOwnOriginThenNothing, FIXTURES } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const fixture = (name) => path.join(FIXTURES, name);

async function choose(page, name) {
  const before = await page.evaluate(() => __root().getElementById("status").textContent);
  await page.setInputFiles("#file", fixture(name));
  await page.waitForFunction(() => !__root().getElementById("root").hasAttribute("aria-busy") && (!__root().getElementById("result").hidden || !__root().getElementById("error").hidden), null, { timeout: 60000 });
  return before;
}

async function verdict(page) {
  return page.evaluate(() => ({
    verdict: __root().getElementById("verdict").dataset.verdict,
    text: __root().getElementById("verdict").textContent,
    checks: Object.fromEntries([...__root().querySelectorAll("#checks li")].map((li) => [li.dataset.check, li.dataset.status])),
    measures: [...__root().querySelectorAll("#checks .measure")].map((p) => p.textContent),
    error: __root().getElementById("error").hidden ? null : { code: __root().getElementById("error").dataset.code, text: __root().getElementById("error").textContent },
  }));
}

/** How many pixels of the photo as it is on screen, with the problems drawn over it, have red, green and
 * blue within the given [low, high] ranges; and how many it has in all. */
async function shownPixels(page, [r, g, b]) {
  const png = await page.locator("id-photo-check .photo").screenshot();
  return page.evaluate(async ([base64, r, g, b]) => {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))], { type: "image/png" }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    c.getContext("2d").drawImage(bitmap, 0, 0);
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const within = (v, [lo, hi]) => v >= lo && v <= hi;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (within(d[i], r) && within(d[i + 1], g) && within(d[i + 2], b)) n++;
    return { n, all: d.length / 4 };
  }, [png.toString("base64"), r, g, b]);
}

/** What the element shows of its photo: the canvas's size, the marks' coordinates and their shapes. */
function shownMarks(page) {
  return page.evaluate(() => {
    const marks = __root().getElementById("marks");
    const photo = __root().getElementById("photo");
    return {
      photo: [photo.width, photo.height],
      viewBox: marks.getAttribute("viewBox"),
      outline: marks.querySelector("polygon.outline")?.getAttribute("points").split(" ").map((p) => p.split(",").map(Number)) ?? null,
      boxes: [...marks.querySelectorAll("rect[data-check]")].map((r) => ({ check: r.dataset.check, status: r.getAttribute("class"), box: ["x", "y", "width", "height"].map((k) => Number(r.getAttribute(k))) })),
      corners: document.getElementById("checker").last.report.document?.corners ?? null,
    };
  });
}

function assertOnlyOwnFilesThenNothing(log) {
  const loaded = assertOwnOriginThenNothing(log).sort();
  // The worker that boot.js starts is the one the element uses: it is fetched once.
  assert.equal(loaded.filter((f) => f === "/pkg/worker.js").length, 1, `one worker: ${loaded}`);
  for (const f of ["/", "/boot.js", "/app.js", "/element.js", "/element.css", "/id-photo-check.js", "/pkg/worker.js", "/messages.js", "/style.css", "/pkg/id_photo_check_simd_bg.wasm"]) {
    assert.ok(loaded.includes(f), `${f} was loaded: ${loaded}`);
  }
  // The worker has the bindings in it (one fetch fewer before it starts).
  assert.ok(!loaded.includes("/pkg/id_photo_check.js"), `no separate bindings: ${loaded}`);
  // Chromium has SIMD: the plain build is never fetched as well.
  assert.ok(!loaded.includes("/pkg/id_photo_check_bg.wasm"), `one wasm only: ${loaded}`);
}

test("a sharp photo is ready to submit and a blurred one must be retaken, in both languages", async () => {
  const { context, page, log } = await open(browser, "/", { locale: "en-US" });
  await choose(page, "sharp.png");
  let v = await verdict(page);
  assert.equal(v.verdict, "ok");
  assert.equal(v.text, "Ready to submit");
  // The decoded photo went straight into wasm memory, not through a canvas copy.
  assert.equal(await page.evaluate(() => __root().getElementById("result").dataset.via), "VideoFrame.copyTo");
  assert.deepEqual(Object.keys(v.checks), ["blur", "exposure", "glare", "shadow", "resolution", "framing", "size", "tilt", "background"]);
  assert.ok(v.measures.every((m) => /measured .+, limit [<>] .+/.test(m)), v.measures.join(" | "));

  await choose(page, "blurred.png");
  v = await verdict(page);
  assert.equal(v.verdict, "retake");
  assert.equal(v.checks.blur, "fail");
  assert.match(await page.textContent("#summary"), /Sharpness/);
  // The live region announces the verdict and what to fix.
  assert.match(await page.textContent("#status[aria-live=polite]"), /Please retake this photo\. To fix: Sharpness/);

  await page.click("#lang");
  v = await verdict(page);
  assert.equal(v.text, "请重拍这张照片");
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  assert.match(await page.textContent("#checks li[data-check=blur] .advice"), /模糊|焦点/);
  assert.match(await page.textContent(".privacy"), /不会上传/);
  // The README's pictures of the page in both languages (target/e2e/).
  await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, "-zh.png"), fullPage: true });
  await page.click("#lang");
  assert.equal((await verdict(page)).text, "Please retake this photo");

  await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  assert.deepEqual(log.errors, []);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assertOnlyOwnFilesThenNothing(log);
  await context.close();
});

test("the document is outlined and straightened, and a cut-off corner or a steep angle is explained", async () => {
  const { context, page, log } = await open(browser, "/", { locale: "en-US" });
  await choose(page, "sharp.png");
  assert.equal(await page.isVisible("#crop-figure"), true);
  const crop = await page.evaluate(() => [__root().getElementById("crop").width, __root().getElementById("crop").height]);
  assert.ok(Math.abs(crop[0] / crop[1] - 85.6 / 53.98) < 0.02, `crop ${crop}`);
  // The photo is shown at its own size, the outline over it at the document's corners in the photo's
  // coordinates, drawn in blue on screen.
  const marks = await shownMarks(page);
  assert.deepEqual(marks.photo, [1280, 960]);
  assert.equal(marks.viewBox, "0 0 1280 960");
  assert.deepEqual(marks.outline, marks.corners);
  const blue = await shownPixels(page, [[0, 30], [70, 110], [190, 255]]);
  assert.ok(blue.n > 500, `blue outline pixels: ${blue.n}`);
  // The photo itself is on screen: at most a sliver of the placeholder's grey shows.
  const grey = await shownPixels(page, [[238, 238], [238, 238], [238, 238]]);
  assert.ok(grey.n < grey.all / 20, `placeholder pixels: ${grey.n} of ${grey.all}`);

  await choose(page, "cut.png");
  let v = await verdict(page);
  assert.equal(v.verdict, "retake");
  assert.equal(v.checks.framing, "fail");
  assert.match(await page.textContent("#checks li[data-check=framing] .advice"), /right corner/);
  await page.click("#lang");
  assert.match(await page.textContent("#checks li[data-check=framing] .advice"), /右上角|右下角/);
  await page.click("#lang");

  await choose(page, "tilted.png");
  v = await verdict(page);
  assert.equal(v.checks.tilt, "fail");
  assertOnlyOwnFilesThenNothing(log);
  await context.close();
});

test("the glare is outlined where it is", async () => {
  const { context, page, log } = await open(browser, "/", { locale: "en-US" });
  await choose(page, "glare.png");
  const v = await verdict(page);
  assert.equal(v.verdict, "retake");
  assert.equal(v.checks.glare, "fail");
  // A red box around the hot spot (rendered 90 px right of and 30 px below the card's centre, 64 px in
  // radius), drawn in red on screen.
  const { boxes } = await shownMarks(page);
  const glare = boxes.filter((b) => b.check === "glare");
  assert.ok(glare.length > 0 && glare.every((b) => b.status === "fail"), JSON.stringify(boxes));
  const spot = [640 + 90, 480 + 30];
  assert.ok(glare.some(({ box: [x, y, w, h] }) => x < spot[0] && spot[0] < x + w && y < spot[1] && spot[1] < y + h), JSON.stringify(glare));
  const red = await shownPixels(page, [[190, 255], [0, 40], [0, 60]]);
  assert.ok(red.n > 100, `red outline pixels: ${red.n}`);
  assertOnlyOwnFilesThenNothing(log);
  await context.close();
});

test("a photo over 1600 px is shown from a smaller copy, and one given as pixels is kept to be accepted", async () => {
  const { context, page, log } = await open(browser, "/", { locale: "en-US" });
  const sharp = (await readFile(fixture("sharp.png"))).toString("base64");
  // The sharp photo at twice its size, as a camera's JPEG: shown at 1600 x 1200, its marks in its own coordinates.
  await page.evaluate(async (base64) => {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))], { type: "image/png" }));
    const c = new OffscreenCanvas(2560, 1920);
    c.getContext("2d").drawImage(bitmap, 0, 0, 2560, 1920);
    await document.getElementById("checker").check(await c.convertToBlob({ type: "image/jpeg", quality: 0.92 }));
  }, sharp);
  await page.waitForFunction(() => __root().getElementById("photo").width === 1600);
  let marks = await shownMarks(page);
  assert.deepEqual(marks.photo, [1600, 1200]);
  assert.equal(marks.viewBox, "0 0 2560 1920");
  assert.deepEqual(marks.outline, marks.corners);
  // The card spans 0.7 of the photo's width: 1792 of its 2560 px, not of the 1600 shown.
  const xs = marks.corners.map(([x]) => x);
  assert.ok(Math.max(...xs) - Math.min(...xs) > 1700, JSON.stringify(marks.corners));
  const blue = await shownPixels(page, [[0, 30], [70, 110], [190, 255]]);
  assert.ok(blue.n > 500, `blue outline pixels: ${blue.n}`);

  // The photo as pixels: shown, and accepted as a JPEG of its own size encoded from what was shown.
  await page.evaluate(async (base64) => {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))], { type: "image/png" }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    c.getContext("2d").drawImage(bitmap, 0, 0);
    await document.getElementById("checker").check(c.getContext("2d").getImageData(0, 0, c.width, c.height));
  }, sharp);
  await page.waitForFunction(() => __root().getElementById("photo").width === 1280);
  marks = await shownMarks(page);
  assert.deepEqual(marks.photo, [1280, 960]);
  assert.deepEqual(marks.outline, marks.corners);
  const accepted = page.evaluate(() => new Promise((resolve) => document.getElementById("checker").addEventListener("accept", async (e) => {
    const b = await createImageBitmap(e.detail.image);
    resolve({ type: e.detail.image.type, size: [b.width, b.height], crop: !!e.detail.crop });
  }, { once: true })));
  await page.click("#accept");
  assert.deepEqual(await accepted, { type: "image/jpeg", size: [1280, 960], crop: true });
  assert.deepEqual(log.errors, []);
  assertOnlyOwnFilesThenNothing(log);
  await context.close();
});

test("a file that is not an image, or is cut short, gets a clear message and the page still works", async () => {
  const { context, page, log } = await open(browser, "/", { locale: "zh-CN" });
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  await choose(page, "not-an-image.jpg");
  let v = await verdict(page);
  assert.equal(v.error.code, "not_an_image");
  assert.match(v.error.text, /不是图片/);
  await choose(page, "truncated.png");
  v = await verdict(page);
  assert.ok(["corrupt"].includes(v.error.code), JSON.stringify(v.error));
  await page.click("#lang");
  assert.match(await page.textContent("#error"), /damaged or cut short/);
  await choose(page, "sharp.png");
  v = await verdict(page);
  assert.equal(v.error, null);
  assert.equal(v.verdict, "ok");
  // An animated GIF: the first frame (the card) is checked, not the black one after it.
  await choose(page, "animated.gif");
  v = await verdict(page);
  assert.equal(v.error, null);
  assert.equal(v.checks.exposure, "pass");
  assert.equal(v.checks.framing, "pass");
  assert.deepEqual(log.errors, []);
  assertOnlyOwnFilesThenNothing(log);
  await context.close();
});

test("keyboard only: the file picker and the language switch are reachable and visible on focus", async () => {
  const { context, page } = await open(browser, "/", { locale: "en-US", viewport: { width: 360, height: 740 } });
  const focused = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    focused.push(await page.evaluate(() => {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return a.id || a.tagName;
    }));
  }
  assert.ok(focused.includes("lang") && focused.includes("file") && focused.includes("camera"), focused.join(","));
  await page.focus("#lang");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  // Nothing overflows a 360 px wide screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  await context.close();
});
