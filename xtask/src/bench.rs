//! `cargo xtask bench`: time per frame of the full check on a 12-megapixel (4000x3000) and a 1280x720
//! RGBA frame, natively and in headless Chromium (the release wasm the page loads), in one run so the
//! figures compare on the same machine at the same moment. Writes `target/bench/bench.json`.

use std::fmt::Write as _;
use std::time::Instant;

use id_photo_check::synth::{render, Scene};
use id_photo_check::{check, Options, RgbaView};

use crate::{build, root, serve, test, Cmd};

const RUNS: usize = 21;
const SIZES: [(u32, u32); 2] = [(4000, 3000), (1280, 720)];

fn stats(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[0], ms[ms.len() - 1])
}

pub fn run() -> Result<(), String> {
    let wasm = build::build()?;
    test::ensure_chromium()?;
    let e2e = test::ensure_npm()?;
    let dir = root().join("www/pkg/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut native = Vec::new();
    let mut without_finder = Vec::new();
    for (w, h) in SIZES {
        let mut scene = Scene::card(w, h);
        scene.blur_sigma = 0.0;
        let px = render(&scene);
        std::fs::write(dir.join(format!("frame-{w}x{h}.rgba")), &px).map_err(|e| e.to_string())?;
        if w == 4000 {
            // A 12-megapixel JPEG, as a phone would save it, for the time from choosing it to the verdict.
            let rgb: Vec<u8> = px
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
            let file = std::fs::File::create(dir.join("photo-4000x3000.jpg"))
                .map_err(|e| e.to_string())?;
            image::codecs::jpeg::JpegEncoder::new_with_quality(std::io::BufWriter::new(file), 90)
                .encode(&rgb, w, h, image::ExtendedColorType::Rgb8)
                .map_err(|e| e.to_string())?;
        }
        let view = RgbaView::new(&px, w, h).map_err(|e| e.to_string())?;
        check(&view, &Options::default()); // warm-up
                                           // Interleaved: the full check, and the check with the corners given (no document finder).
        let given = Options {
            document: Some(scene.corners),
            ..Options::default()
        };
        let (mut full, mut core) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let t = Instant::now();
            std::hint::black_box(check(&view, &Options::default()));
            full.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            std::hint::black_box(check(&view, &given));
            core.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        native.push(stats(full));
        without_finder.push(stats(core));
    }
    std::fs::write(dir.join("index.html"), BENCH_HTML).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("bench.js"), BENCH_JS).map_err(|e| e.to_string())?;
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
    let mut table = String::from(
        "| frame | native median (min-max) | Chromium wasm median (min-max) | wasm / native | native, corners given (no finder) | finder's share |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut json = String::from("{\"runs\":");
    let _ = write!(
        json,
        "{RUNS},\"wasm_bytes\":{raw},\"wasm_gzip_bytes\":{gz},\"frames\":["
    );
    for (i, (((w, h), (nm, nlo, nhi)), (cm, _, _))) in
        SIZES.iter().zip(&native).zip(&without_finder).enumerate()
    {
        let key = format!("{w}x{h}");
        let b = &browser[&key];
        let (bm, blo, bhi) = (
            b["median"].as_f64().unwrap_or(f64::NAN),
            b["min"].as_f64().unwrap_or(f64::NAN),
            b["max"].as_f64().unwrap_or(f64::NAN),
        );
        let _ = writeln!(
            table,
            "| {key} | {nm:.2} ms ({nlo:.2}-{nhi:.2}) | {bm:.2} ms ({blo:.2}-{bhi:.2}) | {:.2}x | {cm:.2} ms | +{:.0}% |",
            bm / nm,
            100.0 * (nm / cm - 1.0)
        );
        if i > 0 {
            json.push(',');
        }
        let _ = write!(json, "{{\"frame\":\"{key}\",\"native_ms\":{{\"median\":{nm:.3},\"min\":{nlo:.3},\"max\":{nhi:.3}}},\"native_without_finder_ms\":{{\"median\":{cm:.3}}},\"wasm_ms\":{{\"median\":{bm:.3},\"min\":{blo:.3},\"max\":{bhi:.3}}}}}");
    }
    let first = &browser["first_verdict_ms"];
    let _ = write!(
        json,
        "],\"page_load_to_first_verdict_ms\":{},\"jpeg_12mp_ms\":{}}}",
        first.as_f64().map_or("null".into(), |v| format!("{v:.1}")),
        browser["jpeg_12mp"]
    );
    let _ = writeln!(table, "\nwasm: {raw} bytes, {gz} gzipped. Page load to first verdict (1280x720, in the page's worker): {} ms.", first.as_f64().map_or("?".into(), |v| format!("{v:.0}")));
    let jpeg = &browser["jpeg_12mp"];
    let ms = |k: &str| {
        jpeg[k]
            .as_f64()
            .map_or("?".to_string(), |v| format!("{v:.0}"))
    };
    let _ = writeln!(
        table,
        "12-megapixel JPEG (4000x3000, q90): chosen to verdict shown {} ms, of which decode and pixels {} ms, check {} ms, in the page's worker.",
        ms("shown"),
        ms("decode"),
        ms("check")
    );
    std::fs::write(root().join("target/bench/bench.json"), &json).map_err(|e| e.to_string())?;
    print!("{table}");
    Ok(())
}

const BENCH_HTML: &str = r#"<!doctype html>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:">
<link rel="icon" href="data:,">
<title>bench</title>
<script type="module" src="bench.js"></script>
"#;

const BENCH_JS: &str = r#"import init, { checkRgba } from "../id_photo_check.js";
const runs = Number(new URLSearchParams(location.search).get("runs") || 21);
await init({ module_or_path: new URL("../id_photo_check_bg.wasm", import.meta.url) });
const out = {};
for (const [w, h] of [[4000, 3000], [1280, 720]]) {
  const px = new Uint8Array(await (await fetch(`frame-${w}x${h}.rgba`)).arrayBuffer());
  checkRgba(px, w, h, undefined);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    checkRgba(px, w, h, undefined);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  out[`${w}x${h}`] = { median: ms[ms.length >> 1], min: ms[0], max: ms[ms.length - 1] };
}
window.__bench = out;
"#;
