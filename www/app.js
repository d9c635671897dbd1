// The page: picks a photo (file, drop or camera), has the worker check it, and shows the verdict, every
// check with its measured value and threshold, and the problems drawn on the photo.

import { messages, t, preferredLanguage } from "./messages.js";

const $ = (id) => document.getElementById(id);
const els = { main: $("drop"), file: $("file"), camera: $("camera"), status: $("status"), error: $("error"), result: $("result"), verdict: $("verdict"), summary: $("summary"), checks: $("checks"), photo: $("photo"), crop: $("crop"), cropFigure: $("crop-figure"), lang: $("lang"), version: $("version") };

let lang = preferredLanguage();
let last = null; // { report, bitmap, timings } or { error }
let nextId = 1;
let pending = 0;

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });

const ready = new Promise((resolve) => {
  worker.addEventListener("message", function once(e) {
    if ("ready" in e.data) {
      worker.removeEventListener("message", once);
      resolve(e.data.ready);
    }
  });
});

function check(file) {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (e) => {
      if (e.data.id !== id) return;
      worker.removeEventListener("message", onMessage);
      resolve(e.data);
    };
    worker.addEventListener("message", onMessage);
    worker.postMessage({ id, file });
  });
}

async function handle(file) {
  if (!file) return;
  pending = nextId;
  els.main.setAttribute("aria-busy", "true");
  els.status.textContent = t(lang, "busy");
  els.error.hidden = true;
  const out = await check(file);
  if (pending !== nextId - 1) return; // A newer photo was chosen meanwhile.
  els.main.removeAttribute("aria-busy");
  if (last && last.bitmap) last.bitmap.close();
  if (last && last.crop) last.crop.close();
  last = out;
  render();
  if (out.report) els.verdict.focus({ preventScroll: false });
}

function fmt(v, digits = 1) {
  return Number(v).toLocaleString(lang, { maximumFractionDigits: digits });
}

/** The measured value in the check's own unit. */
function measure(c, v) {
  if (v === null || v === undefined) return "—";
  switch (c.id) {
    case "blur": return t(lang, "unit_blur", { v: fmt(v) });
    case "exposure":
      if (c.reason === "overexposed") return t(lang, "unit_exposure_mean", { v: fmt(v, 0) });
      if (c.reason === "clipped_shadows") return t(lang, "unit_exposure_share", { v: fmt(v * 100, 0) });
      if (c.reason === "low_contrast") return t(lang, "unit_exposure_spread", { v: fmt(v, 0) });
      return t(lang, "unit_exposure_white", { v: fmt(v, 0) });
    case "glare": return t(lang, "unit_glare", { v: fmt(Math.max(0, v) * 100) });
    case "shadow": return t(lang, "unit_shadow", { v: fmt(v * 100, 0) });
    case "resolution": return t(lang, "unit_resolution", { v: fmt(v, 0) });
    case "framing": return t(lang, "unit_framing", { v: fmt(v, 0) });
    case "size": return t(lang, "unit_size", { v: fmt(v * 100, 0) });
    case "tilt": return t(lang, "unit_tilt", { v: fmt(v, 0) });
    case "background": return t(lang, "unit_background", { v: fmt(v * 100, 0) });
    default: return fmt(v, 3);
  }
}

function render() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(lang, el.dataset.i18n);
  els.lang.textContent = t(lang, "lang_switch");
  els.lang.lang = lang === "en" ? "zh-CN" : "en";
  document.title = t(lang, "title");
  if (!last) {
    els.status.textContent = t(lang, els.main.dataset.ready ? "ready" : "loading");
    return;
  }
  if (last.error) {
    els.result.hidden = true;
    els.error.hidden = false;
    els.error.dataset.code = last.error.code;
    els.error.textContent = t(lang, `err_${last.error.code}`) || t(lang, "err_internal");
    els.status.textContent = t(lang, "ready");
    return;
  }
  const r = last.report;
  els.result.hidden = false;
  els.error.hidden = true;
  els.verdict.dataset.verdict = r.verdict;
  els.verdict.textContent = t(lang, r.verdict === "ok" ? "verdict_ok" : "verdict_retake");
  const failing = r.checks.filter((c) => c.status === "fail").map((c) => t(lang, `check_${c.id}`));
  els.summary.textContent = failing.length ? t(lang, "summary_retake", { list: failing.join(lang === "en" ? ", " : "、") }) : t(lang, "summary_ok");
  els.checks.replaceChildren(...r.checks.map((c) => {
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
    m.textContent = c.value === null && c.reason === "not_found" ? "" : t(lang, "measure", { value: measure(c, c.value), op: c.bound === "max" ? "<" : ">", threshold: measure(c, c.threshold) });
    const advice = document.createElement("p");
    advice.className = "advice";
    advice.textContent = c.message[lang] || c.message.en;
    li.append(head, m, advice);
    return li;
  }));
  for (const [k, v] of Object.entries(last.timings)) els.result.dataset[`ms${k[0].toUpperCase()}${k.slice(1)}`] = v.toFixed(1);
  // The live region says the verdict and what to fix, so a screen reader hears the result at once.
  const stop = lang === "en" ? ". " : "。";
  els.status.textContent = `${els.verdict.textContent}${stop}${els.summary.textContent} ${t(lang, "done", { ms: Math.round(last.timings.total) })}`;
  draw(r, last.bitmap);
  els.cropFigure.hidden = !last.crop;
  if (last.crop) {
    els.crop.width = last.crop.width;
    els.crop.height = last.crop.height;
    els.crop.getContext("2d").drawImage(last.crop, 0, 0);
    els.crop.setAttribute("aria-label", t(lang, "crop"));
  }
}

/** The photo with the problems drawn on it. */
function draw(report, bitmap) {
  const c = els.photo;
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  c.width = Math.round(bitmap.width * scale);
  c.height = Math.round(bitmap.height * scale);
  const ctx = c.getContext("2d");
  ctx.drawImage(bitmap, 0, 0, c.width, c.height);
  const k = c.width / report.width;
  const line = Math.max(2, c.width / 300);
  for (const check of report.checks) {
    if (check.status === "pass") continue;
    if (check.id === "shadow" && check.region) {
      const [x, y, w, h] = check.region;
      ctx.fillStyle = "rgba(20, 30, 90, 0.35)";
      ctx.fillRect(x * k, y * k, w * k, h * k);
    }
    for (const [x, y, w, h] of check.boxes) {
      ctx.lineWidth = line * 2;
      ctx.strokeStyle = "#fff";
      ctx.strokeRect(x * k, y * k, w * k, h * k);
      ctx.lineWidth = line;
      ctx.strokeStyle = check.status === "fail" ? "#d0021b" : "#f5a623";
      ctx.strokeRect(x * k, y * k, w * k, h * k);
    }
  }
  if (report.document) {
    const p = report.document.corners;
    ctx.beginPath();
    ctx.moveTo(p[0][0] * k, p[0][1] * k);
    for (const q of p.slice(1)) ctx.lineTo(q[0] * k, q[1] * k);
    ctx.closePath();
    ctx.lineWidth = line;
    ctx.strokeStyle = "#0b57d0";
    ctx.stroke();
  }
  const problems = report.checks.filter((x) => x.status !== "pass").map((x) => t(lang, `check_${x.id}`));
  c.setAttribute("aria-label", `${t(lang, report.verdict === "ok" ? "verdict_ok" : "verdict_retake")}. ${problems.join(", ")}`);
}

for (const input of [els.file, els.camera]) {
  input.addEventListener("change", () => {
    handle(input.files && input.files[0]);
    input.value = "";
  });
}
els.main.addEventListener("dragover", (e) => { e.preventDefault(); els.main.classList.add("dragging"); });
els.main.addEventListener("dragleave", () => els.main.classList.remove("dragging"));
els.main.addEventListener("drop", (e) => {
  e.preventDefault();
  els.main.classList.remove("dragging");
  handle(e.dataTransfer && e.dataTransfer.files[0]);
});
els.lang.addEventListener("click", () => {
  lang = lang === "en" ? "zh-CN" : "en";
  render();
});

render();
ready.then((ok) => {
  els.main.dataset.ready = ok ? "1" : "0";
  if (!ok) {
    last = { error: { code: "internal" } };
  }
  render();
});

export { messages };
