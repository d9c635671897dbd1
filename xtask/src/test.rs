//! `cargo xtask test`: every test, installing what they need when it is missing (the wasm target,
//! Chromium and its driver from Debian, the npm packages of the browser tests).

use std::path::{Path, PathBuf};

use id_photo_check::synth::{render, Scene};

use crate::{build, root, run, serve, size, Cmd};

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
    std::fs::write(
        dir.join("not-an-image.jpg"),
        b"These are my notes, not a photo.\n",
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("truncated.png"), &png[..png.len() / 3]).map_err(|e| e.to_string())?;
    Ok(dir)
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
    run(Cmd::new("cargo")
        .args([
            "clippy",
            "--lib",
            "--tests",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ])
        .dir(&r))?;
    // Native: unit, property and CLI tests.
    run(Cmd::new("cargo").args(["test", "--workspace"]).dir(&r))?;
    ensure_chromium()?;
    wasm_tests()?;
    let wasm = build::build()?;
    size::enforce(&wasm)?;
    browser_tests()
}

/// The bindings' tests in headless Chromium through wasm-bindgen-test.
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
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))
}

/// The page end to end in headless Chromium through playwright-core.
pub fn browser_tests() -> Result<(), String> {
    let e2e = ensure_npm()?;
    let fixtures = fixtures()?;
    let addr = serve::start(root().join("www"), 0)?;
    run(Cmd::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .arg_path(&e2e.join("page.test.mjs"))
        .dir(&e2e)
        .env("BASE_URL", &format!("http://{addr}"))
        .env("FIXTURES", fixtures.to_string_lossy().as_ref())
        .env("CHROMIUM", CHROMIUM)
        .env(
            "SCREENSHOT",
            root()
                .join("target/e2e/screenshot.png")
                .to_string_lossy()
                .as_ref(),
        ))
}
