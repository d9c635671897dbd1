// Every word the page and the element show, in English and Simplified Chinese. An embedding site can override any key
// per language with setMessages({ "zh-CN": { choose: "..." } }).

export const messages = {
  en: {
    title: "Check your ID photo before you submit it",
    privacy: "Your photo is checked on this device and never uploaded: after this page has loaded it makes no network request at all, because the checker runs inside your browser.",
    choose: "Choose a photo",
    camera: "Take a photo",
    drop: "or drop it here",
    legend: "Problems are marked on the photo: the document outlined in blue, glare and cut-off corners in red, shadow shaded.",
    footer: "Open source. Nothing you choose here is sent anywhere.",
    loading: "Getting the checker ready…",
    ready: "Ready. Choose a photo of your ID card or passport.",
    busy: "Checking your photo…",
    done: "Checked in {ms} ms.",
    verdict_ok: "Ready to submit",
    verdict_retake: "Please retake this photo",
    summary_ok: "Nothing here would get this photo rejected.",
    summary_retake: "To fix: {list}.",
    pass: "OK", warn: "Could be better", fail: "Retake",
    check_blur: "Sharpness", check_exposure: "Exposure", check_glare: "Glare", check_shadow: "Shadow", check_resolution: "Resolution",
    check_framing: "All corners in view", check_size: "Distance", check_tilt: "Angle", check_background: "Background",
    unit_framing: "{v} corners cut off",
    unit_size: "{v}% of the photo",
    unit_tilt: "{v}° tilt",
    unit_background: "{v}% busy",
    crop: "The document, straightened",
    crop_note: "This is the part a verification service looks at.",
    measure: "measured {value}, limit {op} {threshold}",
    unit_blur: "{v} px edge width",
    unit_exposure_white: "{v} white level",
    unit_exposure_mean: "{v} mean brightness",
    unit_exposure_share: "{v}% black",
    unit_exposure_white_share: "{v}% pure white",
    unit_exposure_spread: "{v} contrast",
    unit_glare: "{v}% of the area",
    unit_shadow: "{v}% less light",
    unit_resolution: "{v} px across",
    saved: "Accepted. The straightened document stays on this device:",
    download: "save it",
    live_start: "Use the camera",
    live_stop: "Stop the camera",
    shutter: "Take the photo now",
    accept: "Use this photo",
    accept_anyway: "Use it anyway",
    retake: "Take another",
    accepted: "Photo accepted.",
    video_label: "Camera view",
    live_starting: "Starting the camera…",
    live_find: "Show the whole card to the camera, on a plain dark surface.",
    live_corners: "Move back a little: all four corners must be in view.",
    live_closer: "Move closer: the card should fill most of the picture.",
    live_flat: "Hold the phone straight above the card.",
    live_dark: "Too dark: move to more light.",
    live_bright: "Too bright: move away from the direct light.",
    live_glare: "Tilt the card a little to get rid of the glare.",
    live_still: "Hold still and let the camera focus.",
    live_good: "Hold it there…",
    live_capturing: "Taking the photo…",
    live_stale: "Having trouble? Press “Take the photo now”.",
    err_camera_denied: "The camera is blocked for this page. Allow it in your browser's settings, or choose a photo instead.",
    err_camera_absent: "No camera was found. Choose a photo instead.",
    err_camera_unavailable: "This browser does not let the page use the camera (some in-app browsers do not). Open the page in your phone's own browser, or choose a photo instead.",
    err_camera_error: "The camera could not be started. Choose a photo instead.",
    lang_switch: "中文",
    err_empty_file: "The file is empty. Choose the photo again.",
    err_not_an_image: "This file is not an image. Choose a JPEG, PNG or WebP photo of your document.",
    err_corrupt: "The image is damaged or cut short. Take or copy the photo again.",
    err_unsupported: "This image format cannot be opened here. Save the photo as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible) or take a screenshot of it.",
    err_file_too_large: "The file is too large (over 60 MB). Take the photo at a lower resolution.",
    err_too_large: "The image is too large to check. Take the photo at a lower resolution.",
    err_empty_image: "The image has no pixels. Choose another photo.",
    err_size_mismatch: "The image could not be read correctly. Choose it again.",
    err_internal: "Something went wrong while checking. Reload the page and try again.",
  },
  "zh-CN": {
    title: "提交前先检查证件照片",
    privacy: "照片只在本设备上检查，不会上传：页面加载完成后不再发出任何网络请求，因为检查程序就在你的浏览器里运行。",
    choose: "选择照片",
    camera: "拍照",
    drop: "或拖到这里",
    legend: "问题已在照片上标出：蓝线是证件轮廓，红框是反光和被切掉的角，阴影用灰色标出。",
    footer: "开源软件。你在这里选择的任何内容都不会被发送。",
    loading: "正在准备检查程序…",
    ready: "准备就绪。请选择身份证或护照的照片。",
    busy: "正在检查照片…",
    done: "检查用时 {ms} 毫秒。",
    verdict_ok: "可以提交",
    verdict_retake: "请重拍这张照片",
    summary_ok: "这张照片没有会导致被拒的问题。",
    summary_retake: "需要解决：{list}。",
    pass: "正常", warn: "可以更好", fail: "需重拍",
    check_blur: "清晰度", check_exposure: "曝光", check_glare: "反光", check_shadow: "阴影", check_resolution: "分辨率",
    check_framing: "四角完整", check_size: "距离", check_tilt: "角度", check_background: "背景",
    unit_framing: "{v} 个角被切掉",
    unit_size: "占照片 {v}%",
    unit_tilt: "倾斜 {v}°",
    unit_background: "杂乱度 {v}%",
    crop: "矫正后的证件",
    crop_note: "审核服务看的就是这一部分。",
    measure: "测量值 {value}，要求 {op} {threshold}",
    unit_blur: "边缘宽度 {v} 像素",
    unit_exposure_white: "白电平 {v}",
    unit_exposure_mean: "平均亮度 {v}",
    unit_exposure_share: "{v}% 纯黑",
    unit_exposure_white_share: "{v}% 纯白",
    unit_exposure_spread: "对比度 {v}",
    unit_glare: "占面积 {v}%",
    unit_shadow: "光线减少 {v}%",
    unit_resolution: "宽 {v} 像素",
    saved: "已采用。矫正后的证件只保存在本设备上：",
    download: "保存图片",
    live_start: "使用摄像头",
    live_stop: "关闭摄像头",
    shutter: "立即拍照",
    accept: "使用这张照片",
    accept_anyway: "仍然使用",
    retake: "重新拍",
    accepted: "已采用这张照片。",
    video_label: "摄像头画面",
    live_starting: "正在打开摄像头…",
    live_find: "把整张证件对准摄像头，最好放在纯色的深色桌面上。",
    live_corners: "稍微拿远一点：四个角都要在画面里。",
    live_closer: "靠近一点：证件应占画面的大部分。",
    live_flat: "把手机端平，正对证件上方。",
    live_dark: "太暗了：请到光线更好的地方。",
    live_bright: "太亮了：请避开直射的光。",
    live_glare: "稍微倾斜证件，去掉反光。",
    live_still: "请保持不动，等待对焦。",
    live_good: "保持住…",
    live_capturing: "正在拍照…",
    live_stale: "拍不好？请按“立即拍照”。",
    err_camera_denied: "此页面不能使用摄像头（权限被拒绝）。请在浏览器设置中允许，或改为选择照片。",
    err_camera_absent: "没有找到摄像头。请改为选择照片。",
    err_camera_unavailable: "这个浏览器不允许网页使用摄像头（某些应用的内置浏览器就是这样）。请用手机自带的浏览器打开本页，或改为选择照片。",
    err_camera_error: "无法打开摄像头。请改为选择照片。",
    lang_switch: "English",
    err_empty_file: "文件是空的。请重新选择照片。",
    err_not_an_image: "这个文件不是图片。请选择证件的 JPEG、PNG 或 WebP 照片。",
    err_corrupt: "图片已损坏或不完整。请重新拍摄或复制照片。",
    err_unsupported: "这里无法打开这种图片格式。请把照片存为 JPEG（iPhone：设置 > 相机 > 格式 > 兼容性最佳），或对照片截图。",
    err_file_too_large: "文件太大（超过 60 MB）。请用较低的分辨率拍摄。",
    err_too_large: "图片太大，无法检查。请用较低的分辨率拍摄。",
    err_empty_image: "图片没有像素。请选择另一张照片。",
    err_size_mismatch: "无法正确读取图片。请重新选择。",
    err_internal: "检查时出错了。请刷新页面后重试。",
  },
};

/** Overrides messages: `{ en: { key: text }, "zh-CN": { key: text } }`. */
export function setMessages(overrides) {
  for (const [lang, table] of Object.entries(overrides || {})) {
    if (messages[lang]) Object.assign(messages[lang], table);
  }
}

/** The message `key` in `lang`, with `{name}` placeholders filled from `vars`. */
export function t(lang, key, vars = {}) {
  const s = (messages[lang] && messages[lang][key]) ?? messages.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** The language to start in: Simplified Chinese when the browser prefers any Chinese, else English. */
export function preferredLanguage(langs = navigator.languages || [navigator.language]) {
  for (const l of langs) {
    const low = String(l).toLowerCase();
    if (low.startsWith("zh")) return "zh-CN";
    if (low.startsWith("en")) return "en";
  }
  return "en";
}

/** `v` with at most `digits` decimals and its thousands grouped by commas, as both English and Simplified
 * Chinese write numbers. Written out rather than `toLocaleString`: on a fresh page the browser's first
 * number format loads its locale data, 20-40 ms before the first verdict could be shown. */
export function formatNumber(v, digits = 1) {
  const n = Number(v);
  if (!Number.isFinite(n)) return "—";
  const [whole, part = ""] = Math.abs(n).toFixed(digits).split(".");
  const decimals = part.replace(/0+$/, "");
  const s = whole.replace(/\B(?=(\d{3})+$)/g, ",") + (decimals ? `.${decimals}` : "");
  return n < 0 && /[1-9]/.test(s) ? `-${s}` : s;
}
