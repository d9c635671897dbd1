// Runs the browser half of `cargo xtask bench`: the check's time per frame in the release wasm, and the
// time from opening the page to the first verdict on a 1280x720 photo. Writes JSON to $OUT.

import { writeFileSync } from "node:fs";
import { launch, BASE_URL } from "./browser.mjs";

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/pkg/bench/index.html?runs=${process.env.RUNS || 21}`);
  await page.waitForFunction(() => window.__bench, null, { timeout: 300000 });
  const result = await page.evaluate(() => window.__bench);

  // Cold start: a fresh context, page load to the verdict shown for a 1280x720 photo.
  const context = await browser.newContext();
  const p = await context.newPage();
  const t0 = Date.now();
  await p.goto(`${BASE_URL}/`);
  await p.waitForSelector("main[data-ready='1']");
  const loadMs = Date.now() - t0;
  // The photo is made after the clock stops: encoding it is not the page's work.
  const png = await p.evaluate(async () => {
    const c = new OffscreenCanvas(1280, 720);
    const raw = new Uint8ClampedArray(await (await fetch("pkg/bench/frame-1280x720.rgba")).arrayBuffer());
    c.getContext("2d").putImageData(new ImageData(raw, 1280, 720), 0, 0);
    const blob = await c.convertToBlob({ type: "image/png" });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  await p.setInputFiles("#file", { name: "frame.png", mimeType: "image/png", buffer: Buffer.from(png) });
  const t1 = Date.now();
  await p.waitForSelector("#verdict[data-verdict]");
  await p.evaluate(() => { window.__lastCheck = document.getElementById("result").dataset.msCheck; });
  result.first_verdict_ms = loadMs + (Date.now() - t1);
  result.page_load_ms = loadMs;

  // A 12-megapixel JPEG: from choosing the file to the verdict shown, and the worker's own split.
  const jpeg = new URL("../../www/pkg/bench/photo-4000x3000.jpg", import.meta.url).pathname;
  const t2 = Date.now();
  await p.setInputFiles("#file", jpeg);
  await p.waitForFunction(() => document.getElementById("result").dataset.msTotal && document.getElementById("status").textContent.includes("ms") && !document.querySelector("main").hasAttribute("aria-busy") && document.getElementById("result").dataset.msCheck !== window.__lastCheck, null, { timeout: 60000 });
  const shown = Date.now() - t2;
  const d = await p.evaluate(() => ({ ...document.getElementById("result").dataset }));
  result.jpeg_12mp = { shown, decode: Number(d.msDecode), check: Number(d.msCheck), total: Number(d.msTotal) };
  await context.close();
  writeFileSync(process.env.OUT, JSON.stringify(result));
} finally {
  await browser.close();
}
