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

/// Builds the optimised wasm and generates the bindings; returns the path of the wasm the page loads.
pub fn build() -> Result<PathBuf, String> {
    ensure_wasm_target()?;
    // `cargo build` skips LTO for a crate that is both cdylib and rlib; `cargo rustc --crate-type` does not.
    run(Cmd::new("cargo")
        .args([
            "rustc",
            "--lib",
            "--profile",
            "wasm-release",
            "--target",
            "wasm32-unknown-unknown",
            "--crate-type",
            "cdylib",
        ])
        .dir(&root()))?;
    let wasm = root().join("target/wasm32-unknown-unknown/wasm-release/id_photo_check.wasm");
    bindgen(&wasm, &pkg_dir())?;
    Ok(page_wasm())
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
