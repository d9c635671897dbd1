// The two wasm builds, plain and SIMD128, must give the same report to the last digit: the worker picks
// one by what the browser supports, and a person must not get a different verdict for it. Both are
// loaded into one page (one glue file imported under two URLs gives two instances) and run on every
// photo the suite rendered.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, open, FIXTURES } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the plain and the SIMD128 builds give identical reports and crops", async () => {
  const { context, page } = await open(browser, "/", { locale: "en-US" });
  const photos = ["sharp.png", "blurred.png", "glare.png", "cut.png", "tilted.png", "animated.gif"].map((f) => ({ name: f, b64: fs.readFileSync(path.join(FIXTURES, f)).toString("base64") }));
  const results = await page.evaluate(async (photos) => {
    const plain = await import("/pkg/id_photo_check.js?plain");
    const simd = await import("/pkg/id_photo_check.js?simd");
    await plain.default({ module_or_path: "/pkg/id_photo_check_bg.wasm" });
    await simd.default({ module_or_path: "/pkg/id_photo_check_simd_bg.wasm" });
    const out = [];
    for (const { name, b64 } of photos) {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes]));
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      c.getContext("2d").drawImage(bitmap, 0, 0);
      const { data, width, height } = c.getContext("2d").getImageData(0, 0, bitmap.width, bitmap.height);
      const a = plain.checkRgba(data, width, height);
      const b = simd.checkRgba(data, width, height);
      let crops = true;
      if (a.document) {
        const corners = new Float32Array(a.document.corners.flat());
        const ca = plain.flattenRgba(data, width, height, corners, 400);
        const cb = simd.flattenRgba(data, width, height, corners, 400);
        crops = ca.width === cb.width && ca.data.every((v, i) => v === cb.data[i]);
      }
      out.push({ name, plain: JSON.stringify(a), simd: JSON.stringify(b), verdict: a.verdict, crops });
    }
    return out;
  }, photos);
  for (const r of results) {
    assert.equal(r.simd, r.plain, r.name);
    assert.ok(r.crops, `${r.name}: crops differ`);
  }
  // The set covers both verdicts, so the comparison is not between two empty answers.
  assert.deepEqual([...new Set(results.map((r) => r.verdict))].sort(), ["ok", "retake"]);
  await context.close();
});
