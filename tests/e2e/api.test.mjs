// The ES module API from a page's own script: checkPhoto takes a Blob, ImageData, ImageBitmap or canvas
// and gives the same report for the same photo; what it cannot read rejects with a PhotoCheckError that
// has a code and messages in both languages.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, open, FIXTURES } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("checkPhoto: every kind of input gives the same report; bad input a bilingual error", async () => {
  const { context, page, log } = await open(browser, "/", { locale: "en-US" });
  const b64 = fs.readFileSync(path.join(FIXTURES, "sharp.png")).toString("base64");
  const out = await page.evaluate(async (b64) => {
    const { checkPhoto, PhotoCheckError } = await import("/id-photo-check.js");
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: "image/png" });
    const bitmap = await createImageBitmap(blob);
    const canvas = document.createElement("canvas");
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0);
    const imageData = canvas.getContext("2d").getImageData(0, 0, bitmap.width, bitmap.height);
    const summary = (r) => JSON.stringify({ verdict: r.verdict, checks: r.checks.map((c) => [c.id, c.status, c.value]), corners: r.document && r.document.corners });
    const reports = {
      blob: summary(await checkPhoto(blob, { document: "id-card" })),
      imageData: summary(await checkPhoto(imageData, { document: "id-card" })),
      bitmap: summary(await checkPhoto(bitmap, { document: "id-card" })),
      canvas: summary(await checkPhoto(canvas, { document: "id-card" })),
    };
    const errors = [];
    for (const bad of [new Blob(["not a photo"]), { data: new Uint8ClampedArray(10), width: 5, height: 5 }, 42]) {
      try {
        await checkPhoto(bad);
        errors.push(null);
      } catch (e) {
        errors.push({ isError: e instanceof PhotoCheckError, code: e.code, en: e.messages.en, zh: e.messages["zh-CN"] });
      }
    }
    // The caller's own bitmap and pixels are still theirs after the check.
    return { reports, errors, bitmapAlive: bitmap.width > 0, pixelsAlive: imageData.data.length === bitmap.width * bitmap.height * 4 };
  }, b64);
  const verdicts = Object.values(out.reports).map((r) => JSON.parse(r).verdict);
  assert.deepEqual(verdicts, ["ok", "ok", "ok", "ok"]);
  assert.equal(out.reports.imageData, out.reports.blob);
  assert.equal(out.reports.bitmap, out.reports.blob);
  assert.equal(out.reports.canvas, out.reports.blob);
  assert.deepEqual(out.errors.map((e) => e && e.code), ["not_an_image", "size_mismatch", "not_an_image"]);
  for (const e of out.errors) {
    assert.ok(e.isError && e.en.length > 10 && /[\u4e00-\u9fff]/.test(e.zh), JSON.stringify(e));
  }
  assert.ok(out.bitmapAlive && out.pixelsAlive);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await context.close();
});

test("checkDetailed with a crop: the verdict comes first, then the whole reply with the crop", async () => {
  const { context, page, log } = await open(browser, "/", { locale: "en-US" });
  const b64 = fs.readFileSync(path.join(FIXTURES, "sharp.png")).toString("base64");
  const out = await page.evaluate(async (b64) => {
    const { checkDetailed } = await import("/id-photo-check.js");
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: "image/png" });
    const order = [];
    const whole = await checkDetailed(blob, {
      crop: true,
      display: true,
      onReport: (first) => order.push({ step: "report", verdict: first.report.verdict, crop: "crop" in first, bitmap: first.bitmap.width }),
    });
    order.push({ step: "whole", verdict: whole.report.verdict, crop: [whole.crop.width, whole.crop.height], bitmap: whole.bitmap.width });
    // Without a crop there is one reply and no early call.
    let calls = 0;
    await checkDetailed(blob, { onReport: () => calls++ });
    return { order, calls };
  }, b64);
  assert.equal(out.order.length, 2, JSON.stringify(out.order));
  const [first, whole] = out.order;
  assert.deepEqual([first.step, first.verdict, first.crop], ["report", "ok", false]);
  assert.equal(whole.step, "whole");
  assert.equal(whole.verdict, "ok");
  assert.equal(whole.bitmap, first.bitmap);
  assert.ok(Math.abs(whole.crop[0] / whole.crop[1] - 85.6 / 53.98) < 0.03, JSON.stringify(whole.crop));
  assert.equal(out.calls, 0);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test("the worker answers whether or not the page said it heard it was ready, and a request sent before", async () => {
  // The worker's warm-up waits for the page's { warm: true }, its first request or 0.2 s: none of the
  // three ways may hold a request back for good.
  const { context, page, log } = await open(browser, "/", { locale: "en-US" });
  const out = await page.evaluate(async () => {
    const pixels = () => ({ data: new Uint8ClampedArray(64 * 48 * 4).fill(128), width: 64, height: 48 });
    const answer = (worker, id) => new Promise((resolve) => worker.addEventListener("message", (e) => { if (e.data.id === id) resolve(e.data); }));
    const ready = (worker) => new Promise((resolve) => worker.addEventListener("message", (e) => { if ("ready" in e.data) resolve(e.data.ready); }));
    const results = {};
    for (const way of ["told", "not told", "before ready"]) {
      const worker = new Worker("/pkg/worker.js", { type: "module" });
      const isReady = ready(worker);
      const reply = answer(worker, 1);
      if (way !== "before ready") {
        results[`${way} ready`] = await isReady;
        if (way === "told") worker.postMessage({ warm: true });
      }
      worker.postMessage({ id: 1, source: pixels(), options: {} });
      const r = await Promise.race([reply, new Promise((resolve) => setTimeout(() => resolve({ error: "no answer in 10 s" }), 10000))]);
      results[way] = r.report ? r.report.checks.length : r.error;
      worker.terminate();
    }
    return results;
  });
  assert.deepEqual(out, { "told ready": true, told: 9, "not told ready": true, "not told": 9, "before ready": 9 });
  assert.deepEqual(log.errors, []);
  await context.close();
});
