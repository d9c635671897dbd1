// The browser half of `cargo xtask bench`: the engines side by side on the bench page, then the page's
// cold start (bytes, load to ready, a photo to its verdict) and a 12-megapixel JPEG through the page.
// Writes JSON to $OUT.

import { readFileSync, writeFileSync } from "node:fs";
import { launch, BASE_URL } from "./browser.mjs";

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/pkg/bench/index.html?runs=${process.env.RUNS || 21}`);
  await page.waitForFunction(() => window.__bench, null, { timeout: 600000, polling: 500 });
  const result = await page.evaluate(() => window.__bench);
  if (result.error) throw new Error(`bench page: ${result.error}`);
  await page.close();

  // The photo for the cold start, made before the clock starts: encoding it is not the page's work.
  const maker = await browser.newPage();
  await maker.goto(`${BASE_URL}/pkg/bench/index.html?runs=0`);
  const png = await maker.evaluate(async () => {
    const c = new OffscreenCanvas(1280, 720);
    const raw = new Uint8ClampedArray(await (await fetch("frame-1280x720.rgba")).arrayBuffer());
    c.getContext("2d").putImageData(new ImageData(raw, 1280, 720), 0, 0);
    const blob = await c.convertToBlob({ type: "image/png" });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  await maker.close();

  // Cold start in fresh contexts (empty cache), several times: one load's figures vary by tens of
  // milliseconds on a shared machine (seven loads' median moved by 10-30 ms from one run to the next,
  // their range 132-297 ms). For each, every byte the page fetches and, in the page's own clock, the
  // time from navigation to the checker being ready, then from the photo handed over to its verdict on
  // screen; the load with the median total is reported, with the range of totals and a 95% confidence
  // interval for their median (order statistics: the interval between the k-th smallest and the k-th
  // largest total holds the median with probability 1 - 2 P(Binomial(n, 1/2) < k)). The photo is the
  // frame as a PNG, and in loads alternated with those, as a JPEG at quality 90 (what a phone's camera
  // saves), whose decode is the browser's and differs. Alternated with both, the browser's own floor for
  // the PNG: a page that starts a module worker, which decodes the photo as ours does and sends it back
  // to be shown, with no checker (xtask's FLOOR_HTML). Its worker's decoders start cold, where ours were
  // warmed up: what ours adds is in the time to ready.
  const COLD_RUNS = 25;
  const photos = {
    png: { name: "frame.png", mimeType: "image/png", buffer: Buffer.from(png) },
    jpeg: { name: "frame.jpg", mimeType: "image/jpeg", buffer: readFileSync(new URL("../../www/pkg/bench/photo-1280x720.jpg", import.meta.url)) },
  };
  const loads = { png: [], jpeg: [], floor: [] };
  let context = null;
  let p = null;
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const kind of ["floor", "png", "jpeg"]) {
      await context?.close();
      context = await browser.newContext();
      p = await context.newPage();
      const sizes = [];
      p.on("requestfinished", (r) => sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)));
      let t;
      if (kind === "floor") {
        await p.goto(`${BASE_URL}/pkg/floor/index.html`);
        await p.waitForFunction(() => window.readyAt, null, { polling: 10 });
        await p.setInputFiles("#file", photos.png);
        await p.waitForFunction(() => window.timing, null, { polling: 50 });
        t = await p.evaluate(() => ({ ready: window.readyAt, ...window.timing, msDecode: window.timing.decode }));
      } else {
        await p.goto(`${BASE_URL}/`);
        await p.waitForSelector("id-photo-check[data-ready='1']");
        await p.setInputFiles("#file", photos[kind]);
        await p.waitForFunction(() => document.getElementById("checker").timing, null, { polling: 50 });
        t = await p.evaluate(() => ({ ready: document.getElementById("checker").readyAt, ...document.getElementById("checker").timing, ...document.querySelector("id-photo-check").shadowRoot.getElementById("result").dataset }));
      }
      const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
      loads[kind].push({ requests: sizes.length, bytes, ready_ms: t.ready, verdict_ms: t.shown - t.started, first_verdict_ms: t.ready + (t.shown - t.started), worker: { decode: Number(t.msDecode), check: t.msCheck === undefined ? null : Number(t.msCheck), via: t.via } });
    }
  }
  const k = medianInterval(COLD_RUNS, 0.95);
  const summary = (runs) => {
    const totals = runs.map((l) => l.first_verdict_ms).sort((a, b) => a - b);
    return { ...runs.find((l) => l.first_verdict_ms === totals[COLD_RUNS >> 1]), loads: COLD_RUNS, first_verdict_range_ms: [totals[0], totals[COLD_RUNS - 1]], first_verdict_median_ci95_ms: [totals[k - 1], totals[COLD_RUNS - k]] };
  };
  result.cold = summary(loads.png);
  result.cold_jpeg = summary(loads.jpeg);
  result.cold_floor = summary(loads.floor);

  // A 12-megapixel JPEG: from the file handed over to the verdict shown, and the worker's own split.
  const jpeg = new URL("../../www/pkg/bench/photo-4000x3000.jpg", import.meta.url).pathname;
  await p.evaluate(() => { document.getElementById("checker").timing = null; });
  await p.setInputFiles("#file", jpeg);
  await p.waitForFunction(() => document.getElementById("checker").timing, null, { timeout: 60000, polling: 50 });
  const j = await p.evaluate(() => ({ ...document.getElementById("checker").timing, ...document.querySelector("id-photo-check").shadowRoot.getElementById("result").dataset }));
  result.jpeg_12mp = { shown: j.shown - j.started, decode: Number(j.msDecode), check: Number(j.msCheck), total: Number(j.msTotal), via: j.via };
  await context.close();
  writeFileSync(process.env.OUT, JSON.stringify(result));
} finally {
  await browser.close();
}

/** The largest k for which the k-th smallest and k-th largest of n samples bound their distribution's
 * median with at least the probability `level`: 1 - 2 P(X < k), X ~ Binomial(n, 1/2) (n = 25, 0.95:
 * k = 8, 95.7%). */
function medianInterval(n, level) {
  let k = 0;
  let below = 0; // P(X < k)
  let term = 0.5 ** n; // P(X = k)
  while (1 - 2 * (below + term) >= level) {
    below += term;
    term = (term * (n - k)) / (k + 1);
    k++;
  }
  return Math.max(k, 1);
}
