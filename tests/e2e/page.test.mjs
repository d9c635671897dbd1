// The page end to end: a sharp photo and a blurred one that the suite rendered with known truth, the
// language switch, bad files, and the promise that the page makes no request after it has loaded.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
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
  // The outline is drawn in blue on the photo.
  const blue = await page.evaluate(() => {
    const c = __root().getElementById("photo");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 30 && d[i + 1] > 70 && d[i + 1] < 110 && d[i + 2] > 190) n++;
    return n;
  });
  assert.ok(blue > 500, `blue outline pixels: ${blue}`);

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
  // The outline is drawn in red over the hot spot's box.
  const red = await page.evaluate(() => {
    const c = __root().getElementById("photo");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 190 && d[i + 1] < 40 && d[i + 2] < 60) n++;
    return n;
  });
  assert.ok(red > 100, `red outline pixels: ${red}`);
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
