// <id-photo-check>: the whole checker as one element. A person chooses, drops or takes a photo, or uses
// the live camera with guidance and automatic capture; the element shows the verdict, every check with
// its measured value and threshold, the problems drawn on the photo, and the straightened document.
//
//   <script type="module" src="id-photo-check/element.js"></script>
//   <id-photo-check lang="zh-CN" mode="camera" document="id-card"></id-photo-check>
//
// Attributes: lang ("en" | "zh-CN", default from the browser), mode ("upload" | "camera"), document
// ("any" | "id-card" | "passport"). Events (bubbling, composed): `check` { report } after every photo,
// `accept` { image: Blob, crop: Blob | null, report } when the person accepts it. Nothing is sent
// anywhere: the host page decides what to do with the accepted image.

import { checkDetailed, checker, LiveChecker, openCamera, takeStill, PhotoCheckError, t, preferredLanguage } from "./id-photo-check.js";
import { formatNumber } from "./messages.js";

const CSS_URL = new URL("./element.css", import.meta.url).href;

const TEMPLATE = `
<link rel="stylesheet" href="${CSS_URL}">
<div class="root" id="root" part="root">
  <div class="pick" id="pick">
    <input type="file" id="file" accept="image/*">
    <label class="button" for="file" data-i18n="choose"></label>
    <input type="file" id="camera" accept="image/*" capture="environment">
    <label class="button secondary" for="camera" data-i18n="camera"></label>
    <button type="button" class="secondary" id="live-start" data-i18n="live_start"></button>
    <span class="hint" data-i18n="drop"></span>
  </div>
  <section id="live" hidden>
    <div class="viewer">
      <video id="video" muted playsinline></video>
      <canvas id="overlay" aria-hidden="true"></canvas>
    </div>
    <p id="hint" class="live-hint" aria-live="polite"></p>
    <div class="actions">
      <button type="button" id="shutter" data-i18n="shutter"></button>
      <button type="button" class="secondary" id="live-stop" data-i18n="live_stop"></button>
    </div>
  </section>
  <p id="status" role="status" aria-live="polite"></p>
  <div id="error" role="alert" hidden></div>
  <section id="result" hidden aria-labelledby="verdict">
    <h2 id="verdict" tabindex="-1"></h2>
    <p id="summary"></p>
    <div class="actions">
      <button type="button" id="accept"></button>
      <button type="button" class="secondary" id="retake" data-i18n="retake"></button>
    </div>
    <div class="layout">
      <figure>
        <div class="photo">
          <canvas id="photo" role="img"></canvas>
          <svg id="marks" aria-hidden="true" preserveAspectRatio="none"></svg>
        </div>
        <figcaption data-i18n="legend"></figcaption>
      </figure>
      <figure id="crop-figure" hidden>
        <canvas id="crop" role="img"></canvas>
        <figcaption><strong data-i18n="crop"></strong> <span data-i18n="crop_note"></span></figcaption>
      </figure>
      <ul id="checks"></ul>
    </div>
  </section>
</div>`;

// A person gives up on a live camera after this long without one good frame; the shutter is suggested.
const STALE_MS = 20000;

export class IdPhotoCheck extends HTMLElement {
  static observedAttributes = ["lang", "mode", "document"];

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.innerHTML = TEMPLATE;
    this.els = Object.fromEntries([...root.querySelectorAll("[id]")].map((el) => [el.id.replace(/-(\w)/g, (_, c) => c.toUpperCase()), el]));
    this.last = null; // { report, bitmap, crop, timings, source, fromCamera } or { error: { code } }
    this.serial = 0;
    this.settled = null;
    this.live = null;
    this.stream = null;
    /** Live-mode record, for the host page and the tests: the hints shown in order, every frame's
     * verdict, and when the card settled, the photo was taken and checked. */
    this.liveStats = null;
    this.wire();
  }

  get language() {
    const l = this.getAttribute("lang");
    return l === "zh-CN" || l === "en" ? l : preferredLanguage();
  }

  get documentType() {
    const d = this.getAttribute("document");
    return d === "id-card" || d === "passport" ? d : "any";
  }

  connectedCallback() {
    this.render();
    checker().ready.then((ok) => {
      /** When the checker became ready, in performance.now() time (for the benchmark's cold start). */
      this.readyAt = performance.now();
      this.dataset.ready = ok ? "1" : "0";
      if (!ok) this.last = { error: { code: "internal" } };
      this.render();
      if (ok && this.getAttribute("mode") === "camera" && !this.last) this.startLive();
    });
  }

  disconnectedCallback() {
    this.stopLive();
  }

  attributeChangedCallback(name) {
    if (name === "lang") this.render();
    if (name === "mode" && this.isConnected && this.dataset.ready === "1") {
      if (this.getAttribute("mode") === "camera") this.startLive();
      else this.stopLive();
    }
  }

  /** Checks a photo as if the person had chosen it: a Blob, File, ImageData, ImageBitmap or canvas. */
  async check(input) {
    const started = performance.now();
    const serial = ++this.serial;
    this.els.root.setAttribute("aria-busy", "true");
    this.els.status.textContent = t(this.language, "busy");
    this.els.error.hidden = true;
    let early = false;
    const show = (out) => {
      this.last?.bitmap?.close();
      this.last?.crop?.close();
      this.last = { ...out, source: input instanceof Blob ? input : null };
      try {
        if (out.bitmap) this.showPhoto();
      } catch {
        // The verdict stands without its photo (a browser out of canvas memory).
      }
      this.render();
      /** From the photo handed over to its verdict on screen, in performance.now() time. */
      this.timing = { started, shown: performance.now() };
      if (out.report) {
        this.els.verdict.focus({ preventScroll: false });
        this.dispatchEvent(new CustomEvent("check", { bubbles: true, composed: true, detail: { report: out.report, timings: out.timings } }));
      }
    };
    // The verdict is shown as soon as the worker has it; the straightened document follows.
    const onReport = (first) => {
      if (serial !== this.serial) return;
      early = true;
      show(first);
    };
    let out;
    const whole = checkDetailed(input, { document: this.documentType, display: true, crop: true, onReport });
    /** Settles when the photo being checked is done, crop included (accepting waits for it). */
    this.settled = whole.catch(() => null);
    try {
      out = await whole;
    } catch (e) {
      out = { error: { code: e instanceof PhotoCheckError ? e.code : "internal" } };
    }
    if (serial !== this.serial) {
      // A newer photo was chosen meanwhile.
      if (!early) out.bitmap?.close();
      out.crop?.close();
      return out.report;
    }
    if (early && out.report) {
      this.last.crop = out.crop;
      this.renderCrop();
    } else {
      show(out);
    }
    // Busy until the crop is in too: the tests, and a host page watching the attribute, see one state.
    this.els.root.removeAttribute("aria-busy");
    return out.report;
  }

  wire() {
    const e = this.els;
    for (const input of [e.file, e.camera]) {
      input.addEventListener("change", () => {
        const f = input.files && input.files[0];
        input.value = "";
        if (f) {
          this.stopLive();
          this.check(f);
        }
      });
    }
    this.addEventListener("dragover", (ev) => {
      ev.preventDefault();
      e.root.classList.add("dragging");
    });
    this.addEventListener("dragleave", () => e.root.classList.remove("dragging"));
    this.addEventListener("drop", (ev) => {
      ev.preventDefault();
      e.root.classList.remove("dragging");
      const f = ev.dataTransfer && ev.dataTransfer.files[0];
      if (f) this.check(f);
    });
    e.liveStart.addEventListener("click", () => this.startLive());
    e.liveStop.addEventListener("click", () => this.stopLive());
    e.shutter.addEventListener("click", () => this.capture("manual"));
    e.accept.addEventListener("click", () => this.accept());
    e.retake.addEventListener("click", () => this.retake());
  }

  // ---- Live camera ----

  async startLive() {
    if (this.live) return;
    const e = this.els;
    e.live.hidden = false;
    e.result.hidden = true;
    e.error.hidden = true;
    e.hint.textContent = t(this.language, "live_starting");
    const stats = { hints: [], frames: [], capture: null };
    this.liveStats = stats;
    const live = new LiveChecker(e.video, { document: this.documentType });
    this.live = live;
    try {
      const stream = await openCamera();
      this.stream = stream;
      if (this.live !== live) return this.stopTracks();
      // The camera taken away (unplugged, or by another app): say so, and offer the file picker.
      for (const track of stream.getVideoTracks()) {
        track.addEventListener("ended", () => {
          if (this.stream !== stream) return;
          this.stopLive();
          this.last = { error: { code: "camera_error" } };
          this.render();
        });
      }
      e.video.srcObject = this.stream;
      await e.video.play();
    } catch (err) {
      this.stopLive();
      this.last = { error: { code: err instanceof PhotoCheckError ? err.code : "camera_error" } };
      this.render();
      e.file.focus();
      return;
    }
    this.dataset.live = "on";
    live.addEventListener("hint", (ev) => {
      stats.hints.push(ev.detail.hint);
      e.hint.dataset.hint = ev.detail.hint;
      this.showHint();
    });
    live.addEventListener("frame", (ev) => {
      const d = ev.detail;
      stats.frames.push({ t: performance.now(), hint: d.raw, shown: d.hint, good: d.good, steady: d.steady, followed: !!d.report.document?.followed, handed: d.handed, width: d.report.width });
      if (stats.frames.length > 600) stats.frames.shift();
      this.drawOverlay(d.corners, d.good);
      if (live.stale > STALE_MS) this.showHint();
    });
    live.addEventListener("capture", (ev) => {
      stats.capture = { at: performance.now(), settled: ev.detail.settled };
      this.capture("auto");
    });
    live.start();
  }

  showHint() {
    const e = this.els;
    const key = e.hint.dataset.hint;
    if (!key) return;
    const stale = this.live && this.live.stale > STALE_MS ? ` ${t(this.language, "live_stale")}` : "";
    e.hint.textContent = t(this.language, key) + stale;
    e.hint.dataset.good = key === "live_good" ? "1" : "0";
  }

  drawOverlay(corners, good) {
    const { overlay, video } = this.els;
    const w = overlay.clientWidth;
    const h = overlay.clientHeight;
    if (overlay.width !== w || overlay.height !== h) {
      overlay.width = w;
      overlay.height = h;
    }
    const ctx = overlay.getContext("2d");
    ctx.clearRect(0, 0, w, h);
    if (!corners || !video.videoWidth) return;
    outline(ctx, corners, w / video.videoWidth);
    ctx.lineWidth = Math.max(3, w / 200);
    ctx.strokeStyle = good ? "#1a7f37" : "#f5a623";
    ctx.stroke();
  }

  /** Takes the full-resolution still and checks it like an uploaded photo. */
  async capture(how) {
    const e = this.els;
    if (!this.stream) return;
    this.live?.stop();
    e.hint.dataset.hint = "live_capturing";
    this.showHint();
    let blob;
    try {
      blob = await takeStill(e.video);
    } catch {
      blob = null;
    }
    if (this.liveStats) this.liveStats.captured = { how, at: performance.now() };
    this.stopLive();
    if (!blob) {
      this.last = { error: { code: "camera_error" } };
      this.render();
      return;
    }
    await this.check(blob);
    if (this.last?.source === blob) this.last.fromCamera = true;
    if (this.liveStats) this.liveStats.checked = performance.now();
  }

  stopTracks() {
    for (const track of this.stream ? this.stream.getTracks() : []) track.stop();
    this.stream = null;
  }

  stopLive() {
    this.live?.stop();
    this.live = null;
    this.stopTracks();
    this.els.video.srcObject = null;
    this.els.live.hidden = true;
    delete this.dataset.live;
  }

  // ---- Accepting ----

  async accept() {
    await this.settled; // The verdict shows before the crop is made: the accepted photo carries both.
    const last = this.last;
    if (!last || !last.report) return;
    let image = last.source;
    if (!image) image = await bitmapToBlob(last.bitmap);
    const crop = last.crop ? await bitmapToBlob(last.crop) : null;
    last.accepted = true;
    this.render();
    this.dispatchEvent(new CustomEvent("accept", { bubbles: true, composed: true, detail: { image, crop, report: last.report } }));
  }

  retake() {
    // Another photo the way this one came: the camera again after a camera still, else the picker.
    const camera = this.getAttribute("mode") === "camera" || this.last?.fromCamera;
    this.last?.bitmap?.close();
    this.last?.crop?.close();
    this.last = null;
    this.els.photo.getContext("bitmaprenderer").transferFromImageBitmap(null);
    this.render();
    if (camera) this.startLive();
    else this.els.file.focus();
  }

  // ---- Showing the result ----

  render() {
    const lang = this.language;
    const e = this.els;
    for (const el of this.shadowRoot.querySelectorAll("[data-i18n]")) el.textContent = t(lang, el.dataset.i18n);
    e.video.setAttribute("aria-label", t(lang, "video_label"));
    this.showHint();
    const last = this.last;
    if (!last) {
      e.result.hidden = true;
      e.error.hidden = true;
      e.status.textContent = t(lang, this.dataset.ready ? "ready" : "loading");
      return;
    }
    if (last.error) {
      e.result.hidden = true;
      e.error.hidden = false;
      e.error.dataset.code = last.error.code;
      e.error.textContent = t(lang, `err_${last.error.code}`) || t(lang, "err_internal");
      e.status.textContent = t(lang, "ready");
      return;
    }
    const r = last.report;
    e.result.hidden = false;
    e.error.hidden = true;
    e.verdict.dataset.verdict = r.verdict;
    e.verdict.textContent = t(lang, r.verdict === "ok" ? "verdict_ok" : "verdict_retake");
    e.accept.textContent = t(lang, r.verdict === "ok" ? "accept" : "accept_anyway");
    e.accept.className = r.verdict === "ok" ? "" : "secondary";
    const failing = r.checks.filter((c) => c.status === "fail").map((c) => t(lang, `check_${c.id}`));
    e.summary.textContent = failing.length ? t(lang, "summary_retake", { list: failing.join(lang === "en" ? ", " : "、") }) : t(lang, "summary_ok");
    e.checks.replaceChildren(...r.checks.map((c) => checkItem(c, lang)));
    for (const [k, v] of Object.entries(last.timings)) e.result.dataset[`ms${k[0].toUpperCase()}${k.slice(1)}`] = v.toFixed(1);
    e.result.dataset.via = last.via || "";
    // The live region says the verdict and what to fix, so a screen reader hears the result at once.
    const stop = lang === "en" ? ". " : "。";
    e.status.textContent = last.accepted ? t(lang, "accepted") : `${e.verdict.textContent}${stop}${e.summary.textContent} ${t(lang, "done", { ms: Math.round(last.timings.total) })}`;
    drawMarks(e.marks, r);
    const problems = r.checks.filter((x) => x.status !== "pass").map((x) => t(lang, `check_${x.id}`));
    e.photo.setAttribute("aria-label", `${e.verdict.textContent}. ${problems.join(", ")}`);
    this.renderCrop();
  }

  /** Shows the checked photo, handed over as it came from the worker rather than drawn: drawing a
   * 1280x720 photo into a canvas took 6-7 ms of a cold page's main thread before the verdict showed.
   * A photo over 1600 px a side is shown from a copy of that size (the full-size bitmap would be a 48 MB
   * texture for a 12-megapixel photo; a 2D canvas's scaling, 7.5 ms for one, where createImageBitmap's
   * takes 13-36 ms, and both block the thread that asks), and so is one that must be kept (accepting a
   * photo that came as pixels rather than a file encodes its bitmap). */
  showPhoto() {
    const last = this.last;
    const { bitmap } = last;
    let shown = bitmap;
    if (last.source) last.bitmap = null;
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    if (scale < 1 || !last.source) {
      const copy = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
      copy.getContext("2d").drawImage(bitmap, 0, 0, copy.width, copy.height);
      shown = copy.transferToImageBitmap();
      if (last.source) bitmap.close();
    }
    const canvas = this.els.photo;
    canvas.width = shown.width;
    canvas.height = shown.height;
    canvas.getContext("bitmaprenderer").transferFromImageBitmap(shown);
  }

  /** The straightened document, once it has come. */
  renderCrop() {
    const { cropFigure, crop } = this.els;
    const bitmap = this.last && this.last.crop;
    cropFigure.hidden = !bitmap;
    if (!bitmap) return;
    crop.width = bitmap.width;
    crop.height = bitmap.height;
    crop.getContext("2d").drawImage(bitmap, 0, 0);
    crop.setAttribute("aria-label", t(this.language, "crop"));
  }
}

async function bitmapToBlob(bitmap) {
  const c = new OffscreenCanvas(bitmap.width, bitmap.height);
  c.getContext("2d").drawImage(bitmap, 0, 0);
  return c.convertToBlob({ type: "image/jpeg", quality: 0.95 });
}

/** The measured value in the check's own unit. */
function measure(lang, c, v) {
  if (v === null || v === undefined) return "—";
  const u = (key, value, digits) => t(lang, key, { v: formatNumber(value, digits) });
  switch (c.id) {
    case "blur": return u("unit_blur", v);
    case "exposure":
      if (c.reason === "overexposed") return u("unit_exposure_mean", v, 0);
      if (c.reason === "clipped_shadows") return u("unit_exposure_share", v * 100, 0);
      if (c.reason === "clipped_highlights") return u("unit_exposure_white_share", v * 100, 0);
      if (c.reason === "low_contrast") return u("unit_exposure_spread", v, 0);
      return u("unit_exposure_white", v, 0);
    case "glare": return u("unit_glare", Math.max(0, v) * 100);
    case "shadow": return u("unit_shadow", v * 100, 0);
    case "resolution": return u("unit_resolution", v, 0);
    case "framing": return u("unit_framing", v, 0);
    case "size": return u("unit_size", v * 100, 0);
    case "tilt": return u("unit_tilt", v, 0);
    case "background": return u("unit_background", v * 100, 0);
    default: return formatNumber(v, 3);
  }
}

function checkItem(c, lang) {
  const li = document.createElement("li");
  li.dataset.check = c.id;
  li.dataset.status = c.status;
  const head = document.createElement("div");
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = t(lang, c.status);
  const name = document.createElement("strong");
  name.textContent = t(lang, `check_${c.id}`);
  head.append(badge, name);
  const m = document.createElement("p");
  m.className = "measure";
  m.textContent = c.value === null && c.reason === "not_found" ? "" : t(lang, "measure", { value: measure(lang, c, c.value), op: c.bound === "max" ? "<" : ">", threshold: measure(lang, c, c.threshold) });
  const advice = document.createElement("p");
  advice.className = "advice";
  advice.textContent = c.message[lang] || c.message.en;
  li.append(head, m, advice);
  return li;
}

/** Traces the document's outline, its corners scaled by `k`, as the canvas's path. */
function outline(ctx, corners, k) {
  ctx.beginPath();
  corners.forEach(([x, y], i) => (i ? ctx.lineTo(x * k, y * k) : ctx.moveTo(x * k, y * k)));
  ctx.closePath();
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element of `tag` with `attrs`. */
function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** The problems drawn over the photo, in its own pixel coordinates: the outline blue, glare and cut-off
 * corners red, shadow shaded (the lines' widths are the screen's, whatever the photo's size). */
function drawMarks(marks, report) {
  marks.setAttribute("viewBox", `0 0 ${report.width} ${report.height}`);
  const shapes = [];
  for (const check of report.checks) {
    if (check.status === "pass") continue;
    if (check.id === "shadow" && check.region) {
      const [x, y, width, height] = check.region;
      shapes.push(svg("rect", { class: "shade", x, y, width, height }));
    }
    for (const [x, y, width, height] of check.boxes) {
      shapes.push(svg("rect", { class: "halo", x, y, width, height }));
      shapes.push(svg("rect", { class: check.status, "data-check": check.id, x, y, width, height }));
    }
  }
  if (report.document) shapes.push(svg("polygon", { class: "outline", points: report.document.corners.map((p) => p.join(",")).join(" ") }));
  marks.replaceChildren(...shapes);
}

if (!customElements.get("id-photo-check")) customElements.define("id-photo-check", IdPhotoCheck);
