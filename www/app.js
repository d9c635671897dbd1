// The page around the element: its title, the language switch for both, and what "use this photo"
// means here (a standalone page has nowhere to send it, so it offers the straightened document to save).

import "./element.js";
import { t, preferredLanguage } from "./messages.js";

const $ = (id) => document.getElementById(id);
const checker = $("checker");
let lang = preferredLanguage();
let url = null;

function render() {
  document.documentElement.lang = lang;
  checker.setAttribute("lang", lang);
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(lang, el.dataset.i18n);
  $("lang").textContent = t(lang, "lang_switch");
  $("lang").lang = lang === "en" ? "zh-CN" : "en";
  document.title = t(lang, "title");
}

$("lang").addEventListener("click", () => {
  lang = lang === "en" ? "zh-CN" : "en";
  render();
});

checker.addEventListener("check", () => {
  $("saved").hidden = true;
});

checker.addEventListener("accept", (e) => {
  if (url) URL.revokeObjectURL(url);
  url = URL.createObjectURL(e.detail.crop || e.detail.image);
  $("download").href = url;
  $("saved").hidden = false;
});

render();
