// The ES module API: check a photo, or watch a <video> and guide the person to a good one. Everything
// runs in a Web Worker loaded from this module's own folder; nothing is sent anywhere.
//
//   import { checkPhoto, LiveChecker, openCamera } from "./id-photo-check.js";
//   const report = await checkPhoto(file, { document: "id-card" });
//
// Types: id-photo-check.d.ts beside this file.

import { messages, setMessages, t, preferredLanguage } from "./messages.js";

export { messages, setMessages, t, preferredLanguage };

/** An error with a `code`, a message in English and `messages` in both languages. */
export class PhotoCheckError extends Error {
  constructor(code, detail) {
    super(t("en", `err_${code}`));
    this.name = "PhotoCheckError";
    this.code = code;
    this.detail = detail;
    this.messages = { en: t("en", `err_${code}`), "zh-CN": t("zh-CN", `err_${code}`) };
  }
}

/** The worker and its pending requests; one per page, started on first use (or by the page's boot.js,
 * which starts it before the modules have loaded: it is adopted here). */
export class Checker {
  constructor() {
    const boot = globalThis.idPhotoCheckBoot;
    globalThis.idPhotoCheckBoot = null;
    this.worker = boot ? boot.worker : new Worker(new URL("./pkg/worker.js", import.meta.url), { type: "module" });
    this.nextId = 1;
    this.pending = new Map();
    this.ready = new Promise((resolve) => {
      // The worker warms up once told that its readiness has been heard here (see worker.js).
      const heard = (ok) => {
        if (ok) this.worker.postMessage({ warm: true });
        resolve(ok);
      };
      this.worker.addEventListener("message", (e) => {
        const d = e.data;
        if ("ready" in d) return heard(d.ready);
        const pending = this.pending.get(d.id);
        if (!pending) return;
        if (d.early) {
          // The verdict ahead of the crop: shown now, and part of the whole reply that follows.
          pending.first = d;
          pending.early?.(d);
          return;
        }
        this.pending.delete(d.id);
        const { early: _, ...first } = pending.first || {};
        pending.resolve({ ...first, ...d });
      });
      if (boot) {
        // What the worker said before it was adopted: only whether it is ready, or that it failed.
        boot.worker.removeEventListener("message", boot.onMessage);
        boot.worker.removeEventListener("error", boot.onError);
        for (const d of boot.messages) if ("ready" in d) heard(d.ready);
        if (boot.failed) resolve(false);
      }
      // The worker script failed to load or threw: nothing will answer, so fail everything now.
      this.worker.addEventListener("error", (e) => {
        resolve(false);
        for (const p of this.pending.values()) p.resolve({ error: { code: "internal", detail: e.message } });
        this.pending.clear();
      });
    });
  }

  /** Sends `source` to the worker (see worker.js for the protocol) and resolves with its whole reply;
   * `early`, if given, gets the verdict first when a crop was asked for. */
  run(source, options = {}, transfer = [], early = null) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, early });
      this.worker.postMessage({ id, source, options }, transfer);
    });
  }
}

let shared = null;
/** The page's one checker. */
export function checker() {
  shared ||= new Checker();
  return shared;
}

/** What the worker accepts, from anything a page is likely to hold; `transfer` lists what it may take. */
async function toSource(input) {
  if (input instanceof Blob) return { source: input, transfer: [] };
  if (input && input.data instanceof Uint8ClampedArray) {
    // ImageData, or { data, width, height }: copied to the worker.
    return { source: { data: input.data, width: input.width, height: input.height }, transfer: [] };
  }
  if (input && typeof input === "object") {
    // An ImageBitmap, canvas, <img>, <video> or VideoFrame: a copy of it goes to the worker, so the
    // caller's own stays usable.
    try {
      const bitmap = await createImageBitmap(input);
      return { source: bitmap, transfer: [bitmap] };
    } catch (e) {
      throw new PhotoCheckError("not_an_image", String(e));
    }
  }
  throw new PhotoCheckError("not_an_image", "expected a Blob, File, ImageData, ImageBitmap, canvas, image or video");
}

/**
 * Checks one photo. `input`: a Blob or File (decoded in the worker, EXIF orientation applied),
 * ImageData, ImageBitmap, canvas, <img> or <video>. `options.document`: "any", "id-card" or "passport".
 * Resolves with the report; rejects with a PhotoCheckError when the photo cannot be read.
 */
export async function checkPhoto(input, options = {}) {
  const out = await checkDetailed(input, options);
  return out.report;
}

/** As checkPhoto, with the worker's whole reply: `{ report, bitmap?, crop?, timings }`. With `crop`,
 * `onReport` gets `{ report, bitmap?, timings }` as soon as the verdict is known, before the crop is made. */
export async function checkDetailed(input, options = {}) {
  const c = checker();
  const { source, transfer } = await toSource(input);
  if (!(await c.ready)) throw new PhotoCheckError("internal", "the checker did not load");
  const out = await c.run(source, { document: options.document || "any", display: !!options.display, crop: !!options.crop, cropWidth: options.cropWidth }, transfer, options.onReport);
  if (out.error) throw new PhotoCheckError(out.error.code, out.error.detail);
  return out;
}

/** Opens the rear camera at a high resolution. Rejects with a PhotoCheckError whose code says why not. */
export async function openCamera() {
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") {
    throw new PhotoCheckError("camera_unavailable", "navigator.mediaDevices.getUserMedia is missing");
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 3840 }, height: { ideal: 2160 } },
    });
  } catch (e) {
    const name = e && e.name;
    const code = name === "NotAllowedError" || name === "SecurityError" ? "camera_denied" : name === "NotFoundError" || name === "OverconstrainedError" ? "camera_absent" : "camera_error";
    throw new PhotoCheckError(code, String(name || e));
  }
}

/** The camera's full-resolution still as a Blob: ImageCapture.takePhoto where the browser has it, the current video frame otherwise. */
export async function takeStill(video) {
  const track = video.srcObject && video.srcObject.getVideoTracks && video.srcObject.getVideoTracks()[0];
  if (track && typeof ImageCapture === "function") {
    try {
      const photo = new ImageCapture(track).takePhoto();
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("takePhoto timed out")), 3000));
      const blob = await Promise.race([photo, timeout]);
      if (blob && blob.size > 0) return blob;
    } catch {
      // Not every camera takes stills; the video frame below is the fallback.
    }
  }
  const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
  canvas.getContext("2d").drawImage(video, 0, 0);
  return canvas.convertToBlob({ type: "image/jpeg", quality: 0.95 });
}

const byId = (report) => Object.fromEntries(report.checks.map((c) => [c.id, c]));

/**
 * The one thing to tell the person about a live frame, most important first: find the card, get all of
 * it in view, closer, straighter, light, glare, then hold still. `live_good` when nothing is wrong.
 * The resolution and shadow checks are left to the full-resolution still.
 */
export function hintFor(report) {
  const c = byId(report);
  // A scene washed out so far that the document's edges are gone: the light is the problem.
  if (!report.document) return c.exposure.reason === "clipped_highlights" ? "live_bright" : "live_find";
  if (c.framing.status !== "pass") return "live_corners";
  if (c.size.status !== "pass") return "live_closer";
  if (c.tilt.status !== "pass") return "live_flat";
  if (c.exposure.status === "fail") return c.exposure.reason === "overexposed" ? "live_bright" : "live_dark";
  if (c.glare.status !== "pass") return "live_glare";
  if (c.blur.status !== "pass") return "live_still";
  return "live_good";
}

/** How far the outline moved between two frames: mean corner shift over the outline's diagonal. */
export function movement(a, b) {
  if (!a || !b) return Infinity;
  const d = (p, q) => Math.hypot(p[0] - q[0], p[1] - q[1]);
  const diag = (d(a[0], a[2]) + d(a[1], a[3])) / 2;
  const shift = (d(a[0], b[0]) + d(a[1], b[1]) + d(a[2], b[2]) + d(a[3], b[3])) / 4;
  return diag > 0 ? shift / diag : Infinity;
}

/** How often the live checker searches a whole frame while it follows an outline (see LiveChecker.loop). */
const SEARCH_EVERY = 10;

/**
 * Watches a playing <video>: checks its newest frame in the worker at a reduced size whenever the
 * worker is free, picks one hint at a time, and fires `capture` once the card has been good and steady
 * for `frames` frames in a row. Events (CustomEvent, `detail`):
 *   frame   { report, hint, raw, good, steady, rate, corners, handed } for every checked frame: the
 *           hint shown, this frame's own hint, corners in video pixels, checks per second over the last
 *           2 s, how the frame went to the worker ("VideoFrame": scaled there; "ImageBitmap": scaled on
 *           the page's thread, where the browser cannot make a VideoFrame of the video)
 *   hint    { hint } when the hint shown changes (a new hint must hold for `hold` frames first)
 *   capture { report, settled } when the card is ready (settled: when the good, steady run began, in
 *           performance.now() time); the checker pauses itself (call start() to resume)
 */
let videoFrames = typeof VideoFrame === "function";

/** The video's current frame at `w` x `h` for the worker: a VideoFrame, which the worker scales (this
 * thread only takes a reference), or where the browser cannot make one, or makes one that is not the
 * picture as shown (turned or mirrored), an ImageBitmap scaled here; null when the video has no frame
 * to give. */
async function grab(video, w, h) {
  if (videoFrames) {
    try {
      const frame = new VideoFrame(video);
      if (frame.displayWidth === video.videoWidth && frame.displayHeight === video.videoHeight && !frame.rotation && !frame.flip) return frame;
      frame.close();
    } catch {
      // No VideoFrame of a video in this browser.
    }
    videoFrames = false;
  }
  try {
    return await createImageBitmap(video, { resizeWidth: w, resizeHeight: h, resizeQuality: "medium" });
  } catch {
    return null;
  }
}

export class LiveChecker extends EventTarget {
  constructor(video, options = {}) {
    super();
    this.video = video;
    this.options = { document: "any", maxSide: 960, frames: 5, steady: 0.02, hold: 3, ...options };
    this.running = false;
    this.hint = null;
    this.rate = 0;
    this.checks = 0;
    this.sinceGood = performance.now();
  }

  start() {
    if (this.running) return;
    this.reset();
    this.running = true;
    this.loop();
  }

  /** Forgets the frames seen: no hint candidate, no run of good frames, no outline to compare with. */
  reset() {
    this.streak = 0;
    this.candidate = null;
    this.candidateCount = 0;
    this.previous = null;
    this.followFrom = null;
    this.times = [];
    this.sinceGood = performance.now();
  }

  stop() {
    this.running = false;
  }

  /** Milliseconds since the last good frame (or since start). */
  get stale() {
    return performance.now() - this.sinceGood;
  }

  async nextFrame() {
    const v = this.video;
    if (typeof v.requestVideoFrameCallback === "function" && !v.paused) {
      await new Promise((resolve) => {
        v.requestVideoFrameCallback(() => resolve());
        // A hidden or stalled video sends no frames: look again shortly rather than wait forever.
        setTimeout(resolve, 250);
      });
    } else {
      await new Promise((resolve) => setTimeout(resolve, 33));
    }
  }

  async loop() {
    const c = checker();
    await c.ready;
    while (this.running) {
      await this.nextFrame();
      const v = this.video;
      if (!this.running) break;
      if (v.readyState < 2 || !v.videoWidth) continue;
      const s = Math.min(1, this.options.maxSide / Math.max(v.videoWidth, v.videoHeight));
      const [w, h] = [Math.round(v.videoWidth * s), Math.round(v.videoHeight * s)];
      const frame = await grab(v, w, h);
      if (!frame) continue;
      const handed = frame instanceof ImageBitmap ? "ImageBitmap" : "VideoFrame";
      const k = v.videoWidth / w;
      // The outline found in the frame before is followed rather than searched for again (a fraction
      // of the work) while the frames keep their size; every SEARCH_EVERY-th frame is searched whole,
      // so that a better outline than the one followed is not missed for long.
      const size = `${w}x${h}`;
      const follow = this.followFrom && this.followFrom.size === size && this.checks % SEARCH_EVERY !== 0;
      const out = await c.run(frame, { document: this.options.document, previous: follow ? this.followFrom.corners : undefined, size: [w, h] }, [frame]);
      if (!this.running) break;
      if (out.error) {
        // A browser whose worker cannot scale a VideoFrame: scale here from the next frame on.
        if (handed === "VideoFrame") videoFrames = false;
        continue;
      }
      const doc = out.report.document;
      this.followFrom = doc && !doc.outside.includes(true) ? { size, corners: doc.corners.flat() } : null;
      this.onReport(out.report, k, handed);
    }
  }

  onReport(report, k, handed = "ImageBitmap") {
    const now = performance.now();
    this.checks++;
    this.times.push(now);
    while (this.times.length > 1 && now - this.times[0] > 2000) this.times.shift();
    this.rate = this.times.length > 1 ? ((this.times.length - 1) * 1000) / (now - this.times[0]) : 0;
    const corners = report.document ? report.document.corners.map(([x, y]) => [x * k, y * k]) : null;
    const hint = hintFor(report);
    const steady = movement(corners, this.previous) < this.options.steady;
    this.previous = corners;
    const good = hint === "live_good";
    if (good) this.sinceGood = now;
    this.streak = good && steady ? this.streak + 1 : 0;
    if (this.streak === 1) this.settled = now;
    // Hysteresis: a new hint replaces the shown one only after it has held for `hold` frames.
    if (hint === this.candidate) this.candidateCount++;
    else {
      this.candidate = hint;
      this.candidateCount = 1;
    }
    if (hint !== this.hint && (this.hint === null || this.candidateCount >= this.options.hold)) {
      this.hint = hint;
      this.dispatchEvent(new CustomEvent("hint", { detail: { hint } }));
    }
    this.dispatchEvent(new CustomEvent("frame", { detail: { report, hint: this.hint, raw: hint, good, steady, rate: this.rate, corners, handed } }));
    if (this.streak >= this.options.frames) {
      this.running = false;
      this.dispatchEvent(new CustomEvent("capture", { detail: { report, settled: this.settled } }));
    }
  }
}
