// The Web Worker that decodes and checks a photo off the main thread, so the page never freezes.
// It loads the wasm from its own folder and talks to nothing else.

import init, { checkRgba, flattenRgba } from "./pkg/id_photo_check.js";

const MAX_FILE_BYTES = 60_000_000;
// Photos above this are downscaled before the check; the checks work at about 1.3 megapixels anyway.
const ANALYSIS_MAX_PIXELS = 16_000_000;

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

self.onmessage = async (event) => {
  const { id, file } = event.data;
  const t0 = performance.now();
  try {
    await ready;
    const bitmap = await decode(file);
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, width, height).data;
    const t1 = performance.now();
    const report = checkRgba(pixels, width, height, undefined);
    const t2 = performance.now();
    report.file = file.name || null;
    const transfer = [bitmap];
    let crop = null;
    if (report.document) {
      const c = flattenRgba(pixels, width, height, new Float32Array(report.document.corners.flat()), 1000);
      const canvas2 = new OffscreenCanvas(c.width, c.height);
      canvas2.getContext("2d").putImageData(new ImageData(c.data, c.width, c.height), 0, 0);
      crop = canvas2.transferToImageBitmap();
      transfer.push(crop);
    }
    self.postMessage({ id, report, bitmap, crop, timings: { decode: t1 - t0, check: t2 - t1, total: t2 - t0 } }, transfer);
  } catch (err) {
    self.postMessage({ id, error: { code: err && err.code ? err.code : "internal", detail: String(err && err.message || err) } });
  }
};

self.postMessage({ ready: await ready.then(() => true, () => false) });
