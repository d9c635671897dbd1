//! `cargo xtask build`: the release wasm, with LTO, and its JavaScript bindings in `www/pkg/`.

use std::path::{Path, PathBuf};

use crate::{root, run, Cmd};

/// Where the page loads the bindings and the wasm from (git-ignored).
pub fn pkg_dir() -> PathBuf {
    root().join("www/pkg")
}

/// The wasm that the page loads.
pub fn page_wasm() -> PathBuf {
    pkg_dir().join("id_photo_check_bg.wasm")
}

/// Installs the wasm32 target when it is missing.
pub fn ensure_wasm_target() -> Result<(), String> {
    let out = std::process::Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup: {e}"))?;
    if !String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        run(Cmd::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// Where the SIMD128 build is compiled, and with what: its own target directory, so that neither build
/// (nor the clippy and wasm test runs of each) makes the other rebuild.
pub const SIMD_TARGET_DIR: &str = "target/simd";
/// The compiler flags of the SIMD128 build.
pub const SIMD_RUSTFLAGS: &str = "-C target-feature=+simd128";

/// The plain build as the compiler wrote it, before binding: it keeps the name section, which
/// `cargo xtask size` reads to say what each crate costs.
pub fn unbound_wasm() -> PathBuf {
    root().join("target/wasm32-unknown-unknown/wasm-release/id_photo_check.wasm")
}

/// The SIMD128 build, which the worker loads where the browser validates SIMD (all current ones); the
/// plain one is for the rest. Both share one JavaScript glue file.
pub fn page_wasm_simd() -> PathBuf {
    pkg_dir().join("id_photo_check_simd_bg.wasm")
}

/// Builds the optimised wasm twice, plain and with SIMD128 (its own target directory, so neither
/// rebuilds the other), and generates the bindings; returns the path of the plain wasm.
pub fn build() -> Result<PathBuf, String> {
    ensure_wasm_target()?;
    for (simd, target_dir, out) in [
        (false, "target", pkg_dir()),
        (true, SIMD_TARGET_DIR, pkg_dir().join("simd")),
    ] {
        // `cargo build` skips LTO for a crate that is both cdylib and rlib; `cargo rustc --crate-type`
        // does not.
        let mut cmd = Cmd::new("cargo")
            .args([
                "rustc",
                "--lib",
                "--profile",
                "wasm-release",
                "--target",
                "wasm32-unknown-unknown",
                "--crate-type",
                "cdylib",
                "--target-dir",
                target_dir,
            ])
            .dir(&root());
        if simd {
            cmd = cmd.env("RUSTFLAGS", SIMD_RUSTFLAGS);
        }
        run(cmd)?;
        let wasm = root()
            .join(target_dir)
            .join("wasm32-unknown-unknown/wasm-release/id_photo_check.wasm");
        bindgen(&wasm, &out)?;
    }
    // The glue depends only on the exports, which the two builds share: keep one copy of it.
    let simd_dir = pkg_dir().join("simd");
    let read = |p: PathBuf| std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()));
    if read(simd_dir.join("id_photo_check.js"))? != read(pkg_dir().join("id_photo_check.js"))? {
        return Err("the SIMD build's JavaScript glue differs from the plain build's".into());
    }
    std::fs::rename(simd_dir.join("id_photo_check_bg.wasm"), page_wasm_simd())
        .map_err(|e| e.to_string())?;
    std::fs::remove_dir_all(&simd_dir).map_err(|e| e.to_string())?;
    bundle_worker()?;
    Ok(page_wasm())
}

/// The line of `www/worker.js` that imports the bindings.
const WORKER_IMPORT: &str = "import init, { Input } from \"./pkg/id_photo_check.js\";";

/// Writes `www/pkg/worker.js`, the worker the pages start: `www/worker.js` with the bindings it imports
/// in place of its import, and its URLs relative to `pkg/`. A worker fetches its script, then what the
/// script imports, one after the other, before it can start: as one file it starts a fetch sooner
/// (in alternated rounds of 15 cold loads of the page, checker ready 108 -> 103 ms and 125 -> 107 ms).
/// The bindings go inside a function, so that their names do not meet the worker's.
fn bundle_worker() -> Result<(), String> {
    let www = root().join("www");
    let read =
        |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()));
    let source = read(www.join("worker.js"))?;
    let glue = read(pkg_dir().join("id_photo_check.js"))?;
    if !source.contains(WORKER_IMPORT) {
        return Err(format!(
            "www/worker.js: no `{WORKER_IMPORT}` to put the bindings in place of"
        ));
    }
    const EXPORTS: &str = "export { initSync, __wbg_init as default };";
    let body = glue
        .replace("\nexport class ", "\nclass ")
        .replace("\nexport function ", "\nfunction ")
        .replace(EXPORTS, "");
    if body.contains("\nexport ") || body.contains("import.meta") || !glue.contains(EXPORTS) {
        return Err("the bindings' exports are not the shape the worker's bundle expects".into());
    }
    let inlined = format!(
        "// The bindings (pkg/id_photo_check.js), put here by `cargo xtask build`.\n\
         const {{ __wbg_init: init, Input }} = (() => {{\n{body}\nreturn {{ __wbg_init, Input }};\n}})();"
    );
    let bundle = source
        .replace(WORKER_IMPORT, &inlined)
        .replace("\"./pkg/", "\"./");
    let out = pkg_dir().join("worker.js");
    std::fs::write(&out, bundle).map_err(|e| format!("{}: {e}", out.display()))
}

fn bindgen(input: &Path, out: &Path) -> Result<(), String> {
    let mut b = wasm_bindgen_cli_support::Bindgen::new();
    b.input_path(input)
        .web(true)
        .map_err(|e| e.to_string())?
        .typescript(true)
        .remove_name_section(true)
        .remove_producers_section(true);
    b.generate(out).map_err(|e| format!("wasm-bindgen: {e}"))
}
