// The Web Worker that decodes and checks photos off the main thread, so the page never freezes. It loads
// the wasm from its own folder and talks to nothing else. The pages start `pkg/worker.js`, which
// `cargo xtask build` writes from this file with the bindings it imports put in place of the import, so
// that the worker fetches one script rather than two before it starts.
//
// Request:  { id, source, options }
//   source  a Blob (a file: decoded here, EXIF orientation applied), a VideoFrame or an ImageBitmap (a
//           camera frame, transferred and closed here) or { data, width, height } (RGBA pixels).
//   options { document: "any" | "id-card" | "passport", display: bool (send the decoded photo back as
//           an ImageBitmap), crop: bool (send the straightened document back), cropWidth: number,
//           previous: [x0, y0, ..., x3, y3] (a live camera's frames: the document's corners in the frame
//           before, of the same size, followed from there when the document has moved little),
//           size: [width, height] (a VideoFrame is scaled to this size first, here rather than on the
//           page's main thread) }
// Reply:    { id, report, bitmap?, crop?, via, timings: { decode, check, total } } or { id, error: { code, detail } }
//           (via: how the pixels reached wasm memory: "VideoFrame.copyTo", "getImageData" or "pixels").
//           With crop, the verdict does not wait for it: { id, early: true, report, bitmap?, via, timings }
//           comes first, then { id, crop } (the straightened document, or none).
// The worker says { ready: bool } once, when the wasm is instantiated (or failed); the page answers
// { warm: true } when it has heard it, which begins the warm-up (see warmUp).

import init, { Input } from "./pkg/id_photo_check.js";

const MAX_FILE_BYTES = 60_000_000;
// Photos above this are downscaled before the check; the checks work at about 1.3 megapixels anyway.
const ANALYSIS_MAX_PIXELS = 16_000_000;

// The SIMD128 build wherever the browser has SIMD (a 31-byte module with one SIMD instruction
// validates: Chrome 91+, Firefox 89+, Safari 16.4+), the plain build elsewhere. Both give the same report.
const SIMD = WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));
const WASM_URL = new URL(SIMD ? "./pkg/id_photo_check_simd_bg.wasm" : "./pkg/id_photo_check_bg.wasm", import.meta.url);
// Started by the page's boot.js, which compiles the wasm while this worker starts and sends the module
// as its first message ({ compiled: null } if it could not): wait for it rather than fetch it again.
let compiled = null;
const module = self.name === "compiled-elsewhere" ? new Promise((resolve) => { compiled = resolve; }).then((m) => m || fetch(WASM_URL)) : WASM_URL;
let wasm = null;
let input = null;
const ready = init({ module_or_path: module }).then((exports) => {
  wasm = exports;
  input = new Input();
});

// The browser compiles wasm lazily, a function at its first call and with its optimising compiler only
// once it has run a while (in the background), and its image decoders start cold too. Once the page has
// heard that the worker is ready, while the person picks their photo, a made-up photo is checked at
// 320x180 and then at the size of a camera frame, two small ones, a JPEG and a PNG, are decoded and copied
// in as a chosen file is, and a document is straightened. The small check first has every function that a
// check runs sent to the optimising compiler within a few milliseconds, where the camera-sized check
// alone, run in baseline code, reached the last of them only after 45-95 ms, and the compilations still
// under way when the photo came slowed its check: the first photo's check 7.3 -> 4.7 ms, its verdict 31.6
// -> 29.6 ms (medians of 40 alternated cold loads in headless Chromium, the photo handed over 0.2-0.3 s
// after ready; 0.45 s or more after ready, 3.6-3.9 ms and 20 ms with either warm-up). Without the
// camera-sized check the photo's first check took 18-23 ms (its memory and the functions that only a
// larger photo runs long enough to optimise). The warm-up takes 110-190 ms of a cold page's worker; a
// photo that comes meanwhile waits for the step under way only.
async function warmUp() {
  warmUpCheck(320, 180);
  if (await photoWaiting()) return;
  const w = 1280, h = 720;
  warmUpCheck(w, h);
  const small = new OffscreenCanvas(64, 48);
  small.getContext("2d").fillRect(8, 8, 32, 24);
  for (const type of ["image/jpeg", "image/png"]) {
    if (await photoWaiting()) return;
    const bitmap = await decode(await small.convertToBlob({ type }));
    await fill(bitmap);
    bitmap.close();
  }
  if (await photoWaiting()) return;
  input.flatten(new Float32Array([w * 0.25, h * 0.2, w * 0.75, h * 0.2, w * 0.75, h * 0.8, w * 0.25, h * 0.8]), 200);
}

/** Checks a made-up `w` x `h` photo: a light card with dots of dark print on a darker desk, as rows
 * copied into place (a loop over every pixel cost 20-50 ms in a cold worker): the desk's rows repeat
 * every 23, the print's every 56. */
function warmUpCheck(w, h) {
  const px = inputView(w, h);
  const line = (value) => {
    const r = new Uint8Array(w * 4).fill(255);
    for (let x = 0; x < w; x++) r[x * 4] = r[x * 4 + 1] = r[x * 4 + 2] = value(x);
    return r;
  };
  const desks = Array.from({ length: 23 }, (_, k) => line((x) => 60 + ((x * 7 + k * 13) % 23)));
  const [x0, x1, y0, y1] = [w / 4 + 1, (3 * w) / 4, h / 5 + 1, (4 * h) / 5];
  const cards = Array.from({ length: 7 }, (_, k) => line((x) => (((x >> 2) + k) % 7 === 0 ? 40 : 230)).subarray(x0 * 4, x1 * 4));
  for (let y = 0; y < h; y++) {
    px.set(desks[y % 23], y * w * 4);
    if (y >= y0 && y < y1) px.set(cards[(y >> 3) % 7], (y * w + x0) * 4);
  }
  input.check(undefined, "any");
}

// Requests received and not yet begun.
let waiting = 0;

/** Whether a request has come, once any that were on their way have been received. */
function photoWaiting() {
  return new Promise((done) => setTimeout(() => done(waiting > 0)));
}

class CheckError extends Error {
  constructor(code) { super(code); this.code = code; }
}

/** Names why the browser could not decode `bytes`, from their first bytes. */
function classify(bytes) {
  const b = bytes;
  const ascii = (i, n) => String.fromCharCode(...b.slice(i, i + n));
  if (b.length === 0) return "empty_file";
  if (b.length >= 12 && ascii(4, 4) === "ftyp") return "unsupported";
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "unsupported";
  const jpeg = b[0] === 0xff && b[1] === 0xd8;
  const png = b[0] === 0x89 && ascii(1, 3) === "PNG";
  const webp = ascii(0, 4) === "RIFF" && ascii(8, 4) === "WEBP";
  return jpeg || png || webp ? "corrupt" : "not_an_image";
}

async function decode(file) {
  if (file.size === 0) throw new CheckError("empty_file");
  if (file.size > MAX_FILE_BYTES) throw new CheckError("file_too_large");
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    const head = new Uint8Array(await file.slice(0, 32).arrayBuffer());
    throw new CheckError(classify(head));
  }
  const px = bitmap.width * bitmap.height;
  if (px > ANALYSIS_MAX_PIXELS) {
    const s = Math.sqrt(ANALYSIS_MAX_PIXELS / px);
    const w = Math.max(1, Math.floor(bitmap.width * s));
    const h = Math.max(1, Math.floor(bitmap.height * s));
    bitmap.close();
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image", resizeWidth: w, resizeHeight: h, resizeQuality: "high" });
  }
  return bitmap;
}

// One canvas reused across frames, so a live camera does not allocate a new one 15 times a second.
let canvas = null;
function pixelsOf(bitmap) {
  const { width, height } = bitmap;
  if (!canvas || canvas.width !== width || canvas.height !== height) canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, width, height).data;
}

// One canvas reused for scaling a live camera's frames.
let scaler = null;
/** `frame` scaled to `w` x `h` by a 2D canvas: 4.7 ms a 1280x720 frame to 960x540 here, its pixels then
 * in wasm memory, against 8.5 ms through createImageBitmap's resizing (medians of 60 frames of
 * Chromium's fake camera in a worker). */
function scaled(frame, w, h) {
  if (!scaler || scaler.width !== w || scaler.height !== h) scaler = new OffscreenCanvas(w, h);
  scaler.getContext("2d").drawImage(frame, 0, 0, w, h);
  return scaler.transferToImageBitmap();
}

/** The wasm input buffer for `width` x `height`, as a view valid until the next call into wasm. */
function inputView(width, height) {
  const offset = input.reserve(width, height);
  return new Uint8Array(wasm.memory.buffer, offset, width * height * 4);
}

let copyToWorks = typeof VideoFrame === "function";

/** Writes the bitmap's pixels into wasm memory: straight from the decoder through VideoFrame.copyTo
 * where the browser converts to RGBA there, else through a canvas's ImageData and one copy. Returns
 * which way it took. */
async function fill(bitmap) {
  const { width, height } = bitmap;
  if (copyToWorks) {
    try {
      const frame = new VideoFrame(bitmap, { timestamp: 0 });
      try {
        await frame.copyTo(inputView(width, height), { format: "RGBA", colorSpace: "srgb" });
        return "VideoFrame.copyTo";
      } finally {
        frame.close();
      }
    } catch (e) {
      if (e && typeof e.code === "string") throw e; // Ours (too large): not a browser limitation.
      copyToWorks = false; // An older browser: no RGBA conversion in copyTo.
    }
  }
  const data = pixelsOf(bitmap);
  inputView(width, height).set(data);
  return "getImageData";
}

function straighten(corners, maxWidth) {
  const c = input.flatten(new Float32Array(corners.flat()), maxWidth);
  const out = new OffscreenCanvas(c.width, c.height);
  out.getContext("2d").putImageData(new ImageData(c.data, c.width, c.height), 0, 0);
  return out.transferToImageBitmap();
}

/** Checks `source`; `early(reply, transfer)` gets the verdict before the crop is made, when one is asked for. */
async function handle({ source, options = {} }, early) {
  const t0 = performance.now();
  await ready;
  let bitmap = null;
  let width;
  let height;
  let via = "pixels";
  if (source instanceof Blob) {
    bitmap = await decode(source);
  } else if (typeof VideoFrame === "function" && source instanceof VideoFrame) {
    // A live camera's frame, scaled here rather than on the page's main thread, where scaling it cost
    // 6.6 ms a 1280x720 frame (a VideoFrame of the video costs the page 0.02 ms).
    const [w, h] = options.size || [source.displayWidth, source.displayHeight];
    try {
      bitmap = scaled(source, w, h);
    } finally {
      source.close();
    }
  } else if (typeof ImageBitmap !== "undefined" && source instanceof ImageBitmap) {
    bitmap = source;
  } else if (source && source.data && source.width > 0 && source.height > 0) {
    ({ width, height } = source);
    const view = inputView(width, height); // Sizes over the core's limits throw too_large here.
    if (source.data.length !== view.length) throw new CheckError("size_mismatch");
    view.set(source.data);
  } else {
    throw new CheckError("not_an_image");
  }
  if (bitmap) {
    ({ width, height } = bitmap);
    via = await fill(bitmap);
  }
  const t1 = performance.now();
  const previous = options.previous ? new Float32Array(options.previous) : undefined;
  const report = input.check(undefined, options.document || "any", previous);
  const t2 = performance.now();
  report.file = source instanceof File ? source.name : null;
  const reply = { report, via, timings: { decode: t1 - t0, check: t2 - t1, total: t2 - t0 } };
  const transfer = [];
  if (options.display) {
    reply.bitmap = bitmap || (await createImageBitmap(new ImageData(new Uint8ClampedArray(source.data), width, height)));
    transfer.push(reply.bitmap);
  } else if (bitmap) {
    bitmap.close();
  }
  if (!options.crop) return { reply, transfer };
  // The verdict goes out now and the crop after it (12 ms for a 720p photo): the person reads the
  // verdict while the document is being straightened.
  early({ ...reply, early: true }, transfer);
  let crop = null;
  try {
    if (report.document) crop = straighten(report.document.corners, options.cropWidth || 1000);
  } catch {
    // The verdict stands without its crop (a browser out of canvas memory): the crop is optional.
  }
  return { reply: { crop }, transfer: crop ? [crop] : [] };
}

// One request at a time: each fills the one input buffer, so a camera frame arriving while a photo is
// being read must wait for it.
let queue = Promise.resolve();
// Opens the way to the warm-up (see the end of this file): the page's word, any request, or the timer.
let warmGate;
const warmOpen = new Promise((done) => { warmGate = done; });
self.onmessage = (event) => {
  if (compiled && "compiled" in event.data) return compiled(event.data.compiled);
  warmGate();
  if ("warm" in event.data) return;
  waiting++;
  queue = queue.then(async () => {
    waiting--;
    const { id } = event.data;
    try {
      const { reply, transfer } = await handle(event.data, (first, moved) => self.postMessage({ id, ...first }, moved));
      self.postMessage({ id, ...reply }, transfer);
    } catch (err) {
      if (event.data.source instanceof ImageBitmap || (typeof VideoFrame === "function" && event.data.source instanceof VideoFrame)) event.data.source.close();
      // Our errors carry a string code; a browser's DOMException has a numeric one, which is no reason.
      const code = err && typeof err.code === "string" ? err.code : "internal";
      self.postMessage({ id, error: { code, detail: String((err && err.message) || err) } });
    }
  });
};

const ok = await ready.then(() => true, () => false);
self.postMessage({ ready: ok });
// The warm-up begins once the page has heard that the worker is ready (or at its first request, or 0.2
// s after ready at the latest), before any photo (the queue holds them until it is done). Begun as soon
// as the worker said ready, it ran while the page's main thread was still busy with its first layout
// and before it had heard: page load to the first verdict 155.6 -> 146.2 and 148.2 -> 137.0 ms with
// the warm-up begun on the page's word and its small check first, against neither (the checker ready
// 116.3 -> 117.0 and 110.8 -> 105.2 ms, the first photo's check 9.5 -> 5.3 and 8.5 -> 4.8 ms; medians
// of two rounds of 60 alternated cold loads in headless Chromium). Whatever happens in it, the queue
// moves on: a warm-up that failed must not hold every photo after it.
if (ok) {
  setTimeout(warmGate, 200);
  queue = queue.then(() => warmOpen).then(warmUp).catch(() => {});
}
