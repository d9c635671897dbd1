//! `cargo xtask bench`: time per frame of the full check on a 12-megapixel (4000x3000) and a 1280x720
//! RGBA frame, natively and in headless Chromium (both wasm builds the page may load), each also given
//! the document's corners (the check without its finder) and given the outline of a live camera's frame
//! before (followed, not searched for), beside OpenCV.js computing only the variance of the Laplacian on
//! the same frames, interleaved in one run so the figures compare on the same machine at the same
//! moment; then the page's cold start (the median of 25 loads, with its 95% confidence interval, with the
//! frame as a PNG and, in loads alternated with those, as a JPEG) and a 12-megapixel JPEG through the
//! page. Writes `target/bench/bench.json`, which the README's tables are written from.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use id_photo_check::synth::{render, Scene};
use id_photo_check::{check, Options, RgbaView};

use crate::{build, root, serve, test, Cmd};

const RUNS: usize = 21;
const SIZES: [(u32, u32); 2] = [(4000, 3000), (1280, 720)];

/// Writes four corners as the JSON array `[x0, y0, ..., x3, y3]`, for the bench page.
fn write_corners(path: &std::path::Path, corners: &[[f32; 2]; 4]) -> Result<(), String> {
    let xy: Vec<String> = corners.iter().flatten().map(f32::to_string).collect();
    std::fs::write(path, format!("[{}]", xy.join(","))).map_err(|e| e.to_string())
}

/// The median, least and greatest of `ms`.
pub(crate) fn stats(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[0], ms[ms.len() - 1])
}

/// Installs the benchmark's npm package (OpenCV.js, the reference) and returns its path.
fn ensure_opencv() -> Result<PathBuf, String> {
    let dir = root().join("tests/bench");
    let js = dir.join("node_modules/@techstark/opencv-js/dist/opencv.js");
    if !js.exists() {
        crate::run(
            Cmd::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .dir(&dir),
        )?;
    }
    Ok(js)
}

pub fn run() -> Result<(), String> {
    let wasm = build::build()?;
    crate::dist::dist(&crate::dist::default_dir())?;
    test::ensure_chromium()?;
    let e2e = test::ensure_npm()?;
    let opencv = ensure_opencv()?;
    let dir = root().join("www/pkg/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::copy(&opencv, dir.join("opencv.js")).map_err(|e| format!("opencv.js: {e}"))?;
    let mut native = Vec::new();
    let mut without_finder = Vec::new();
    let mut followed = Vec::new();
    for (w, h) in SIZES {
        let mut scene = Scene::card(w, h);
        scene.blur_sigma = 0.0;
        let px = render(&scene);
        std::fs::write(dir.join(format!("frame-{w}x{h}.rgba")), &px).map_err(|e| e.to_string())?;
        // The document's corners, for the check given them in the browser too.
        write_corners(
            &dir.join(format!("frame-{w}x{h}.corners.json")),
            &scene.corners,
        )?;
        {
            // The frame as a JPEG, as a phone would save it: at 12 megapixels for the time from
            // choosing it to the verdict, at 1280x720 for the cold start beside the PNG.
            let rgb: Vec<u8> = px
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
            let file = std::fs::File::create(dir.join(format!("photo-{w}x{h}.jpg")))
                .map_err(|e| e.to_string())?;
            image::codecs::jpeg::JpegEncoder::new_with_quality(std::io::BufWriter::new(file), 90)
                .encode(&rgb, w, h, image::ExtendedColorType::Rgb8)
                .map_err(|e| e.to_string())?;
        }
        let view = RgbaView::new(&px, w, h).map_err(|e| e.to_string())?;
        // A warm-up, whose outline the live camera's next frame starts from (below); then,
        // interleaved, the full check, the check given the corners (no document finder) and the
        // check given the outline of the frame before.
        let found = check(&view, &Options::default())
            .document
            .ok_or("the bench's card was not found")?
            .corners;
        let given = Options {
            document: Some(scene.corners),
            ..Options::default()
        };
        // A live camera's next frame: the outline found in the frame before, 2 px right and 1 down of
        // where it is now, followed rather than searched for (see `document::track`).
        let before = found.map(|p| [p[0] + 2.0, p[1] + 1.0]);
        let follow = Options {
            previous: Some(before),
            ..Options::default()
        };
        if !check(&view, &follow).document.is_some_and(|d| d.followed) {
            return Err(format!(
                "{w}x{h}: the outline moved by 2 px was not followed"
            ));
        }
        write_corners(&dir.join(format!("frame-{w}x{h}.before.json")), &before)?;
        let (mut full, mut core, mut tracked) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let t = Instant::now();
            std::hint::black_box(check(&view, &Options::default()));
            full.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            std::hint::black_box(check(&view, &given));
            core.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            std::hint::black_box(check(&view, &follow));
            tracked.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        native.push(stats(full));
        without_finder.push(stats(core));
        followed.push(stats(tracked));
    }
    std::fs::write(dir.join("index.html"), BENCH_HTML).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("bench.js"), BENCH_JS).map_err(|e| e.to_string())?;
    // The browser's own floor for the cold start, served as the page is (its headers and policy, not
    // the bench page's): see FLOOR_HTML.
    let floor = root().join("www/pkg/floor");
    std::fs::create_dir_all(&floor).map_err(|e| e.to_string())?;
    for (name, text) in [
        ("index.html", FLOOR_HTML),
        ("floor.js", FLOOR_JS),
        ("worker.js", FLOOR_WORKER_JS),
    ] {
        std::fs::write(floor.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    let addr = serve::start(root().join("www"), 0)?;
    let out = root().join("target/bench/browser.json");
    std::fs::create_dir_all(out.parent().ok_or("no parent")?).map_err(|e| e.to_string())?;
    crate::run(
        Cmd::new("node")
            .arg_path(&e2e.join("bench.mjs"))
            .dir(&e2e)
            .env("BASE_URL", &format!("http://{addr}"))
            .env("RUNS", &RUNS.to_string())
            .env("OUT", out.to_string_lossy().as_ref()),
    )?;
    let browser: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let (raw, gz) = crate::size::sizes(&wasm)?;
    let (raw_simd, gz_simd) = crate::size::sizes(&build::page_wasm_simd())?;
    let (opencv_raw, opencv_gz) = crate::size::sizes(&opencv)?;
    let mut table = String::from(
        "| frame | native | wasm SIMD128 | wasm plain | wasm SIMD128, pixels copied in | SIMD / native | OpenCV.js, Laplacian variance only | SIMD / OpenCV.js |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut json = String::from("{\"runs\":");
    let _ = write!(
        json,
        "{RUNS},\"wasm_bytes\":{raw},\"wasm_gzip_bytes\":{gz},\"wasm_simd_bytes\":{raw_simd},\"wasm_simd_gzip_bytes\":{gz_simd},\"opencv_js_bytes\":{opencv_raw},\"opencv_js_gzip_bytes\":{opencv_gz},\"frames\":["
    );
    let ms = |v: &serde_json::Value| {
        (
            v["median"].as_f64().unwrap_or(f64::NAN),
            v["min"].as_f64().unwrap_or(f64::NAN),
            v["max"].as_f64().unwrap_or(f64::NAN),
        )
    };
    let cell = |(m, lo, hi): (f64, f64, f64)| format!("{m:.2} ms ({lo:.1}-{hi:.1})");
    let obj = |(m, lo, hi): (f64, f64, f64)| {
        format!("{{\"median\":{m:.3},\"min\":{lo:.3},\"max\":{hi:.3}}}")
    };
    let mut finder = String::from(
        "| frame | native, corners given (the core) | full check | finder's share | outline followed from the frame before | its share | SIMD128, corners given | full check | finder's share | outline followed | its share |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (i, (((w, h), n), (cm, _, _))) in SIZES.iter().zip(&native).zip(&without_finder).enumerate()
    {
        let key = format!("{w}x{h}");
        let b = &browser[&key];
        let (plain, simd, opencv) = (ms(&b["plain"]), ms(&b["simd"]), ms(&b["opencv"]));
        let copy_in = ms(&b["simd_copy_in"]);
        let corners = ms(&b["simd_corners"]);
        let (fm, simd_followed) = (followed[i].0, ms(&b["simd_followed"]));
        let share = |x: f64, core: f64| format!("+{:.0}%", 100.0 * (x / core - 1.0));
        let _ = writeln!(
            finder,
            "| {key} | {cm:.2} ms | {:.2} ms | {} | {fm:.2} ms | {} | {:.2} ms | {:.2} ms | {} | {:.2} ms | {} |",
            n.0,
            share(n.0, *cm),
            share(fm, *cm),
            corners.0,
            simd.0,
            share(simd.0, corners.0),
            simd_followed.0,
            share(simd_followed.0, corners.0)
        );
        let _ = writeln!(
            table,
            "| {key} | {} | {} | {} | {} | {:.2}x | {} | {:.2}x |",
            cell(*n),
            cell(simd),
            cell(plain),
            cell(copy_in),
            simd.0 / n.0,
            cell(opencv),
            simd.0 / opencv.0
        );
        if i > 0 {
            json.push(',');
        }
        let _ = write!(
            json,
            "{{\"frame\":\"{key}\",\"native_ms\":{},\"native_without_finder_ms\":{{\"median\":{cm:.3}}},\"native_outline_followed_ms\":{},\"wasm_ms\":{},\"wasm_simd_ms\":{},\"wasm_simd_copy_in_ms\":{},\"wasm_simd_corners_given_ms\":{},\"wasm_simd_outline_followed_ms\":{},\"opencv_laplacian_ms\":{},\"simd_report_identical\":{}}}",
            obj(*n),
            obj(followed[i]),
            obj(plain),
            obj(simd),
            obj(copy_in),
            obj(corners),
            obj(simd_followed),
            obj(opencv),
            b["same_report"]
        );
    }
    let cold = &browser["cold"];
    let num = |v: &serde_json::Value| v.as_f64().map_or("?".to_string(), |v| format!("{v:.0}"));
    let less = |a: &serde_json::Value, b: &serde_json::Value| match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) => format!("{:+.0}", a - b),
        _ => "?".to_string(),
    };
    // The range of a set of cold loads' totals and the confidence interval of their median.
    let spread = |d: &serde_json::Value| {
        format!(
            "{}-{} ms, 95% confidence interval of the median {}-{} ms",
            num(&d["first_verdict_range_ms"][0]),
            num(&d["first_verdict_range_ms"][1]),
            num(&d["first_verdict_median_ci95_ms"][0]),
            num(&d["first_verdict_median_ci95_ms"][1]),
        )
    };
    let _ = write!(
        json,
        "],\"cold_start\":{cold},\"cold_start_jpeg\":{},\"cold_start_floor\":{},\"jpeg_12mp_ms\":{}}}",
        browser["cold_jpeg"], browser["cold_floor"], browser["jpeg_12mp"]
    );
    let _ = writeln!(
        table,
        "\nwasm: {raw} bytes ({gz} gzipped) plain, {raw_simd} ({gz_simd} gzipped) SIMD128; OpenCV.js {opencv_raw} ({opencv_gz} gzipped). Identical reports from both builds: {} / {}.",
        browser["4000x3000"]["same_report"], browser["1280x720"]["same_report"]
    );
    for (cold, photo) in [(cold, "PNG"), (&browser["cold_jpeg"], "JPEG (q90)")] {
        let _ = writeln!(
            table,
            "Cold start with a 1280x720 {photo}, the median of {} loads in fresh browser contexts (page load to first verdict {}): {} requests, {} bytes; page load to checker ready {} ms; the photo then handed over to its verdict on screen {} ms (worker: decode and pixels {} ms, check {} ms); total {} ms.",
            num(&cold["loads"]),
            spread(cold),
            num(&cold["requests"]),
            num(&cold["bytes"]),
            num(&cold["ready_ms"]),
            num(&cold["verdict_ms"]),
            num(&cold["worker"]["decode"]),
            num(&cold["worker"]["check"]),
            num(&cold["first_verdict_ms"])
        );
    }
    let floor = &browser["cold_floor"];
    let _ = writeln!(
        table,
        "The browser's floor, in loads alternated with those: a page that starts a module worker, which decodes the PNG as ours does and sends it back to be shown, with no checker (page load to shown {}): worker ready {} ms; the photo handed over to shown {} ms (decode and pixels {} ms); total {} ms. Ours less the floor: ready {} ms, photo to verdict {} ms, total {} ms.",
        spread(floor),
        num(&floor["ready_ms"]),
        num(&floor["verdict_ms"]),
        num(&floor["worker"]["decode"]),
        num(&floor["first_verdict_ms"]),
        less(&cold["ready_ms"], &floor["ready_ms"]),
        less(&cold["verdict_ms"], &floor["verdict_ms"]),
        less(&cold["first_verdict_ms"], &floor["first_verdict_ms"]),
    );
    let jpeg = &browser["jpeg_12mp"];
    let _ = writeln!(
        table,
        "12-megapixel JPEG (4000x3000, q90), second photo of the page: handed over to verdict shown {} ms, of which decode and pixels {} ms, check {} ms (worker).",
        num(&jpeg["shown"]),
        num(&jpeg["decode"]),
        num(&jpeg["check"])
    );
    std::fs::write(root().join("target/bench/bench.json"), &json).map_err(|e| e.to_string())?;
    print!("{table}\n{finder}");
    Ok(())
}

// The bench page's CSP is the page's, plus 'unsafe-eval' for OpenCV.js alone: its Emscripten glue
// builds functions with `new Function`, which our own page forbids.
const BENCH_HTML: &str = r#"<!doctype html>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; connect-src 'self' data:; img-src 'self' data:">
<link rel="icon" href="data:,">
<title>bench</title>
<script src="opencv.js"></script>
<script type="module" src="bench.js"></script>
"#;

// The cold start's floor: what the browser takes here for the same steps with no checker, loaded in
// turn with the page in the same run. A page whose first script starts a module worker, which says it
// is ready at once; a chosen photo goes to it, is decoded and its pixels copied out as our worker does
// (createImageBitmap, then VideoFrame.copyTo), and the bitmap comes back and is shown as the element
// shows it. The page's time to ready less this one's is ours: the page's modules and element, the wasm's
// fetch, compilation and instantiation. (Its decoders start cold, where our worker warms its own up.)
const FLOOR_HTML: &str = r#"<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>floor</title>
<script src="floor.js"></script>
<input type="file" id="file" accept="image/*">
<canvas id="photo"></canvas>
<p id="out"></p>
"#;

const FLOOR_JS: &str = r#"(function () {
  const worker = new Worker(new URL("worker.js", document.currentScript.src), { type: "module" });
  let started = 0;
  worker.onmessage = (e) => {
    if (e.data.ready) {
      window.readyAt = performance.now();
      return;
    }
    const canvas = document.getElementById("photo");
    canvas.width = e.data.bitmap.width;
    canvas.height = e.data.bitmap.height;
    canvas.getContext("bitmaprenderer").transferFromImageBitmap(e.data.bitmap);
    document.getElementById("out").textContent = `${canvas.width} x ${canvas.height}`;
    window.timing = { started, shown: performance.now(), decode: e.data.decode };
  };
  document.addEventListener("change", (e) => {
    started = performance.now();
    worker.postMessage(e.target.files[0]);
  });
})();
"#;

const FLOOR_WORKER_JS: &str = r#"self.onmessage = async (e) => {
  const t0 = performance.now();
  const bitmap = await createImageBitmap(e.data, { imageOrientation: "from-image" });
  const frame = new VideoFrame(bitmap, { timestamp: 0 });
  const pixels = new Uint8Array(bitmap.width * bitmap.height * 4);
  await frame.copyTo(pixels, { format: "RGBA", colorSpace: "srgb" });
  frame.close();
  self.postMessage({ bitmap, decode: performance.now() - t0 }, [bitmap]);
};
self.postMessage({ ready: true });
"#;

const BENCH_JS: &str = r#"// Any failure ends the run at once with the reason, rather than leaving the harness waiting.
window.addEventListener("error", (e) => { window.__bench = { error: String(e.message) }; });
window.addEventListener("unhandledrejection", (e) => { window.__bench = { error: String(e.reason) }; });
// The browser half of `cargo xtask bench`: per run, interleaved, the full check in the plain wasm and
// in the SIMD128 wasm (one glue file imported twice under two URLs gives two instances), the SIMD128
// check given the document's corners and given the outline of the frame before, and OpenCV.js computing
// only the variance of the Laplacian, each on the same RGBA frame.
import * as plain from "../id_photo_check.js?plain";
import * as simd from "../id_photo_check.js?simd";

const runs = Number(new URLSearchParams(location.search).get("runs") || 21);
const plainWasm = await plain.default({ module_or_path: new URL("../id_photo_check_bg.wasm", import.meta.url) });
const simdWasm = await simd.default({ module_or_path: new URL("../id_photo_check_simd_bg.wasm", import.meta.url) });
// The pixels in wasm memory, as the page's worker puts them there (VideoFrame.copyTo from the decoder).
function resident(mod, wasm, px, w, h) {
  const input = new mod.Input();
  const offset = input.reserve(w, h); // May grow the memory: take its buffer after.
  new Uint8Array(wasm.memory.buffer, offset, w * h * 4).set(px);
  return input;
}
// OpenCV.js's module object is a thenable that never settles when awaited: wait for its runtime instead.
await new Promise((resolve) => { if (window.cv.Mat) resolve(); else window.cv.onRuntimeInitialized = resolve; });
const cv = window.cv;

function laplacianVariance(px, w, h) {
  const src = new cv.Mat(h, w, cv.CV_8UC4);
  src.data.set(px);
  const gray = new cv.Mat(), lap = new cv.Mat(), mean = new cv.Mat(), sd = new cv.Mat();
  cv.cvtColor(src, gray, cv.COLOR_RGBA2GRAY);
  cv.Laplacian(gray, lap, cv.CV_64F);
  cv.meanStdDev(lap, mean, sd);
  const v = sd.data64F[0] ** 2;
  for (const m of [src, gray, lap, mean, sd]) m.delete();
  return v;
}

// The server isolates this page (see `serve`): without it the clock ticks in 100 us steps.
if (!crossOriginIsolated) throw new Error("the bench page is not cross-origin isolated: its clock is coarse");
const out = {};
for (const [w, h] of [[4000, 3000], [1280, 720]]) {
  const px = new Uint8Array(await (await fetch(`frame-${w}x${h}.rgba`)).arrayBuffer());
  const corners = new Float32Array(await (await fetch(`frame-${w}x${h}.corners.json`)).json());
  const before = new Float32Array(await (await fetch(`frame-${w}x${h}.before.json`)).json());
  const plainInput = resident(plain, plainWasm, px, w, h);
  const simdInput = resident(simd, simdWasm, px, w, h);
  const engines = {
    simd: () => simdInput.check(),
    plain: () => plainInput.check(),
    simd_copy_in: () => simd.checkRgba(px, w, h),
    // The check given the document's corners: no finder (its share of the full check, as natively).
    simd_corners: () => simdInput.check(corners, "any"),
    // A live camera's next frame: the outline found in the frame before (moved by 2 px), followed.
    simd_followed: () => simdInput.check(undefined, "any", before),
    opencv: () => laplacianVariance(px, w, h),
  };
  const same = JSON.stringify(plainInput.check()) === JSON.stringify(simdInput.check());
  for (const f of Object.values(engines)) f();
  const ms = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [k, f] of Object.entries(engines)) {
      const t = performance.now();
      f();
      ms[k].push(performance.now() - t);
    }
  }
  out[`${w}x${h}`] = { same_report: same };
  for (const [k, v] of Object.entries(ms)) {
    v.sort((a, b) => a - b);
    out[`${w}x${h}`][k] = { median: v[v.length >> 1], min: v[0], max: v[v.length - 1] };
  }
}
window.__bench = out;
"#;
