//! `cargo xtask test`: every test, installing what they need when it is missing (the wasm target,
//! Chromium and its driver from Debian, the npm packages of the browser tests).

use std::path::{Path, PathBuf};

use id_photo_check::synth::{render, Scene};

use crate::{build, dist, root, run, serve, size, Cmd};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Installs Debian's Chromium and ChromeDriver when either is missing.
pub fn ensure_chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    run(Cmd::new("apt-get").args(["update"]))?;
    run(Cmd::new("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Installs the browser tests' npm packages (playwright-core only; it never downloads a browser).
pub fn ensure_npm() -> Result<PathBuf, String> {
    let dir = root().join("tests/e2e");
    if !dir.join("node_modules/playwright-core").exists() {
        run(Cmd::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .dir(&dir))?;
    }
    Ok(dir)
}

/// Photos for the browser tests, rendered with known truth into `target/e2e/`.
pub fn fixtures() -> Result<PathBuf, String> {
    let dir = root().join("target/e2e");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let save = |name: &str, s: &Scene| -> Result<Vec<u8>, String> {
        let px = render(s);
        let path = dir.join(name);
        image::save_buffer(
            &path,
            &px,
            s.width,
            s.height,
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|e| format!("{name}: {e}"))?;
        std::fs::read(&path).map_err(|e| e.to_string())
    };
    let sharp = Scene::card(1280, 960);
    let png = save("sharp.png", &sharp)?;
    let mut blurred = sharp.clone();
    blurred.blur_sigma = 4.0;
    save("blurred.png", &blurred)?;
    let mut glare = sharp.clone();
    glare.paper = [205.0, 218.0, 196.0];
    glare.print = 0.25;
    let c = glare.centre();
    glare.glare = Some(([c[0] + 90.0, c[1] + 30.0], 64.0, 450.0));
    save("glare.png", &glare)?;
    let mut cut = sharp.clone();
    for c in &mut cut.corners {
        c[0] += 420.0;
    }
    save("cut.png", &cut)?;
    save("tilted.png", &Scene::tilted(1280, 960, 45.0))?;
    // An animated GIF: the sharp card, then a black frame; the first frame is the one checked.
    {
        let small = Scene::card(640, 480);
        let card = image::RgbaImage::from_raw(small.width, small.height, render(&small))
            .ok_or("card frame")?;
        let black =
            image::RgbaImage::from_pixel(small.width, small.height, image::Rgba([0, 0, 0, 255]));
        let file = std::fs::File::create(dir.join("animated.gif")).map_err(|e| e.to_string())?;
        let mut enc = image::codecs::gif::GifEncoder::new_with_speed(file, 30);
        enc.encode_frames([card, black].map(image::Frame::new))
            .map_err(|e| format!("animated.gif: {e}"))?;
    }
    std::fs::write(
        dir.join("not-an-image.jpg"),
        b"These are my notes, not a photo.\n",
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("truncated.png"), &png[..png.len() / 3]).map_err(|e| e.to_string())?;
    live_video(&dir.join("live.y4m"))?;
    Ok(dir)
}

/// The fake camera's film for the live-mode test, 1280x720 at 30 frames a second (Chromium plays it in
/// a loop): a card far away and out of focus (0.7 s), coming closer (0.3 s), close but still out of
/// focus (0.7 s), then close, sharp and steady (2 s).
fn live_video(path: &Path) -> Result<(), String> {
    const FAR: f32 = 0.35;
    let (w, h) = (1280u32, 720u32);
    let close = Scene::card(w, h);
    let at = |scale: f32, shift: f32, sigma: f32| {
        let mut s = close.clone();
        let c = close.centre();
        for p in &mut s.corners {
            p[0] = c[0] + (p[0] - c[0]) * scale + shift;
            p[1] = c[1] + (p[1] - c[1]) * scale;
        }
        s.blur_sigma = sigma;
        s
    };
    let mut film: Vec<(Scene, usize)> = vec![(at(FAR, -150.0, 3.5), 20)];
    for k in 1..=10 {
        let f = k as f32 / 10.0;
        film.push((at(FAR + (1.0 - FAR) * f, -150.0 * (1.0 - f), 3.5), 1));
    }
    film.push((at(1.0, 0.0, 3.5), 20));
    film.push((at(1.0, 0.0, 0.0), 60));
    let mut out = format!("YUV4MPEG2 W{w} H{h} F30:1 Ip A1:1 C420jpeg\n").into_bytes();
    for (scene, repeat) in &film {
        let yuv = i420(&render(scene), w as usize, h as usize);
        for _ in 0..*repeat {
            out.extend_from_slice(b"FRAME\n");
            out.extend_from_slice(&yuv);
        }
    }
    std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))
}

/// RGBA to planar YUV 4:2:0, full range (JPEG's BT.601), as y4m's `C420jpeg` wants.
fn i420(rgba: &[u8], w: usize, h: usize) -> Vec<u8> {
    let px = |x: usize, y: usize| {
        let i = (y * w + x) * 4;
        [rgba[i] as f32, rgba[i + 1] as f32, rgba[i + 2] as f32]
    };
    let mut y_plane = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let [r, g, b] = px(x, y);
            y_plane.push(
                (0.299 * r + 0.587 * g + 0.114 * b)
                    .round()
                    .clamp(0.0, 255.0) as u8,
            );
        }
    }
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let (mut u, mut v) = (Vec::with_capacity(cw * ch), Vec::with_capacity(cw * ch));
    for cy in 0..ch {
        for cx in 0..cw {
            let mut acc = [0.0f32; 3];
            let mut n = 0.0;
            for (x, y) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (x, y) = (2 * cx + x, 2 * cy + y);
                if x < w && y < h {
                    let p = px(x, y);
                    acc = [acc[0] + p[0], acc[1] + p[1], acc[2] + p[2]];
                    n += 1.0;
                }
            }
            let [r, g, b] = acc.map(|c| c / n);
            u.push(
                (128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b)
                    .round()
                    .clamp(0.0, 255.0) as u8,
            );
            v.push(
                (128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b)
                    .round()
                    .clamp(0.0, 255.0) as u8,
            );
        }
    }
    y_plane.extend_from_slice(&u);
    y_plane.extend_from_slice(&v);
    y_plane
}

/// Runs everything; stops at the first failing step.
pub fn all() -> Result<(), String> {
    let r = root();
    build::ensure_wasm_target()?;
    run(Cmd::new("cargo").args(["fmt", "--all", "--check"]).dir(&r))?;
    run(Cmd::new("cargo")
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .dir(&r))?;
    // Both wasm builds: the plain one, and the SIMD128 one's own code (its kernels) in its own
    // target directory.
    for (target_dir, rustflags) in [
        ("target", ""),
        (build::SIMD_TARGET_DIR, build::SIMD_RUSTFLAGS),
    ] {
        run(Cmd::new("cargo")
            .args([
                "clippy",
                "--lib",
                "--tests",
                "--target",
                "wasm32-unknown-unknown",
                "--target-dir",
                target_dir,
                "--",
                "-D",
                "warnings",
            ])
            .dir(&r)
            .env("RUSTFLAGS", rustflags))?;
    }
    // The public API's documentation, its links resolved (a link from it to a private item is an error).
    run(Cmd::new("cargo")
        .args(["doc", "--no-deps", "--lib"])
        .dir(&r)
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    // Native: unit, property and CLI tests.
    run(Cmd::new("cargo").args(["test", "--workspace"]).dir(&r))?;
    ensure_chromium()?;
    wasm_tests()?;
    dist::dist(&dist::default_dir())?;
    size::enforce(
        &build::page_wasm(),
        &build::page_wasm_simd(),
        &build::unbound_wasm(),
    )?;
    browser_tests()
}

/// The bindings' tests in headless Chromium through wasm-bindgen-test, in the SIMD128 build (the
/// plain build's code is the native one, which the native tests cover).
pub fn wasm_tests() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let runner = format!("{} wasm-test-runner", exe.display());
    run(Cmd::new("cargo")
        .args([
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "wasm",
            "--target-dir",
            build::SIMD_TARGET_DIR,
        ])
        .dir(&root())
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &runner)
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root()
                .join("xtask/webdriver.json")
                .to_string_lossy()
                .as_ref(),
        )
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        // The build the page loads in every current browser: SIMD128, with its hand-written kernels.
        .env("RUSTFLAGS", build::SIMD_RUSTFLAGS))
}

/// The page end to end in headless Chromium through playwright-core.
pub fn browser_tests() -> Result<(), String> {
    let e2e = ensure_npm()?;
    let fixtures = fixtures()?;
    let addr = serve::start(root().join("www"), 0)?;
    let mut node =
        Cmd::new("node").args(["--test", "--test-concurrency=1", "--test-reporter=spec"]);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&e2e)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    for f in &files {
        node = node.arg_path(f);
    }
    run(node
        .dir(&e2e)
        .env("BASE_URL", &format!("http://{addr}"))
        .env("FIXTURES", fixtures.to_string_lossy().as_ref())
        .env("DIST", dist::default_dir().to_string_lossy().as_ref())
        .env("CHROMIUM", CHROMIUM)
        .env(
            "SCREENSHOT",
            root()
                .join("target/e2e/screenshot.png")
                .to_string_lossy()
                .as_ref(),
        ))
}
