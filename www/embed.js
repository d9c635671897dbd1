// An example host page: a sign-up form of "Example Exchange" with the checker inside it. The element
// checks and straightens the photo on the device; this page decides what to do with the accepted image
// (a real site would now send it to its verification provider; this example keeps it on the page).

import { setMessages } from "./dist/id-photo-check/id-photo-check.js";

// A host can reword any message, per language.
setMessages({
  en: { choose: "Upload your ID card", ready: "Take or upload a photo of the front of your ID card." },
  "zh-CN": { choose: "上传身份证照片", ready: "请拍摄或上传身份证正面照片。" },
});

const text = {
  en: { language: "Language", heading: "Open an account: verify your identity", name: "Full name", id_photo: "Photo of your ID card", continue: "Continue", chosen: "This photo will be used ({kb} KB, straightened).", sent: "In a real sign-up the photo would now go to the verification provider. This example keeps it on the page." },
  "zh-CN": { language: "语言", heading: "开户：验证身份", name: "姓名", id_photo: "身份证照片", continue: "继续", chosen: "将使用这张照片（{kb} KB，已矫正）。", sent: "在真实的开户流程中，照片此时才会发送给身份验证服务。本示例只把它留在页面上。" },
};

const $ = (id) => document.getElementById(id);
const check = $("idcheck");
let lang = "zh-CN";
let accepted = null;
let url = null;

function render() {
  document.documentElement.lang = lang;
  check.setAttribute("lang", lang);
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = text[lang][el.dataset.t];
  if (accepted) $("chosen-text").textContent = text[lang].chosen.replace("{kb}", Math.round((accepted.crop || accepted.image).size / 1024));
}

$("lang").addEventListener("change", () => {
  lang = $("lang").value;
  render();
});

check.addEventListener("check", () => {
  $("outcome").textContent = "";
});

check.addEventListener("accept", (e) => {
  accepted = e.detail;
  if (url) URL.revokeObjectURL(url);
  url = URL.createObjectURL(accepted.crop || accepted.image);
  $("preview").src = url;
  $("chosen").hidden = false;
  $("continue").disabled = false;
  render();
});

$("signup").addEventListener("submit", (e) => {
  e.preventDefault();
  if (accepted) $("outcome").textContent = text[lang].sent;
});

render();
