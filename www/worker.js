// The Web Worker that decodes and checks photos off the main thread, so the page never freezes. It loads
// the wasm from its own folder and talks to nothing else.
//
// Request:  { id, source, options }
//   source  a Blob (a file: decoded here, EXIF orientation applied), an ImageBitmap (a camera frame,
//           transferred and closed here) or { data, width, height } (RGBA pixels).
//   options { document: "any" | "id-card" | "passport", display: bool (send the decoded photo back as
//           an ImageBitmap), crop: bool (send the straightened document back), cropWidth: number }
// Reply:    { id, report, bitmap?, crop?, timings: { decode, check, total } } or { id, error: { code, detail } }

import init, { checkRgba, flattenRgba } from "./pkg/id_photo_check.js";

const MAX_FILE_BYTES = 60_000_000;
// Photos above this are downscaled before the check; the checks work at about 1.3 megapixels anyway.
const ANALYSIS_MAX_PIXELS = 16_000_000;
// Pixels handed over directly are refused above this (the core's own limit is 50 megapixels).
const MAX_PIXELS = 50_000_000;

const ready = init({ module_or_path: new URL("./pkg/id_photo_check_bg.wasm", import.meta.url) });

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

function straighten(pixels, width, height, corners, maxWidth) {
  const c = flattenRgba(pixels, width, height, new Float32Array(corners.flat()), maxWidth);
  const out = new OffscreenCanvas(c.width, c.height);
  out.getContext("2d").putImageData(new ImageData(c.data, c.width, c.height), 0, 0);
  return out.transferToImageBitmap();
}

async function handle({ source, options = {} }) {
  const t0 = performance.now();
  await ready;
  let bitmap = null;
  let pixels;
  let width;
  let height;
  if (source instanceof Blob) {
    bitmap = await decode(source);
  } else if (typeof ImageBitmap !== "undefined" && source instanceof ImageBitmap) {
    bitmap = source;
  } else if (source && source.data && source.width > 0 && source.height > 0) {
    ({ width, height } = source);
    if (width * height > MAX_PIXELS) throw new CheckError("too_large");
    pixels = source.data;
  } else {
    throw new CheckError("not_an_image");
  }
  if (bitmap) {
    ({ width, height } = bitmap);
    pixels = pixelsOf(bitmap);
  }
  const t1 = performance.now();
  const report = checkRgba(pixels, width, height, undefined, options.document || "any");
  const t2 = performance.now();
  report.file = source instanceof File ? source.name : null;
  const reply = { report, timings: { decode: t1 - t0, check: t2 - t1, total: t2 - t0 } };
  const transfer = [];
  if (options.crop && report.document) {
    reply.crop = straighten(pixels, width, height, report.document.corners, options.cropWidth || 1000);
    transfer.push(reply.crop);
  }
  if (options.display) {
    reply.bitmap = bitmap || (await createImageBitmap(new ImageData(new Uint8ClampedArray(pixels), width, height)));
    transfer.push(reply.bitmap);
  } else if (bitmap) {
    bitmap.close();
  }
  return { reply, transfer };
}

self.onmessage = async (event) => {
  const { id } = event.data;
  try {
    const { reply, transfer } = await handle(event.data);
    self.postMessage({ id, ...reply }, transfer);
  } catch (err) {
    if (event.data.source instanceof ImageBitmap) event.data.source.close();
    self.postMessage({ id, error: { code: err && err.code ? err.code : "internal", detail: String((err && err.message) || err) } });
  }
};

self.postMessage({ ready: await ready.then(() => true, () => false) });
