//! `cargo xtask size`: the gzipped size of the wasm the page loads, against the budget a test enforces.

use std::io::Write;
use std::path::Path;

/// The budget for the gzipped wasm, in bytes (the page issue's 150 KB).
pub const BUDGET_GZIP: u64 = 150_000;

/// Raw and gzipped (level 9) sizes of a file.
pub fn sizes(path: &Path) -> Result<(u64, u64), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes).map_err(|e| e.to_string())?;
    let z = gz.finish().map_err(|e| e.to_string())?;
    Ok((bytes.len() as u64, z.len() as u64))
}

/// Prints the sizes of the page's static files and fails when the wasm is over budget.
pub fn enforce(wasm: &Path) -> Result<(), String> {
    let (raw, gz) = sizes(wasm)?;
    println!("| file | bytes | gzipped |\n|---|---:|---:|");
    println!(
        "| {} | {raw} | {gz} |",
        wasm.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    );
    let www = wasm
        .parent()
        .and_then(Path::parent)
        .ok_or("no www folder")?;
    let mut total = gz;
    for f in [
        "pkg/id_photo_check.js",
        "index.html",
        "app.js",
        "worker.js",
        "messages.js",
        "style.css",
    ] {
        let p = www.join(f);
        if p.exists() {
            let (r, g) = sizes(&p)?;
            total += g;
            println!("| {f} | {r} | {g} |");
        }
    }
    println!("| **all the page loads** | | **{total}** |");
    if gz > BUDGET_GZIP {
        return Err(format!(
            "the gzipped wasm is {gz} bytes, over the budget of {BUDGET_GZIP}"
        ));
    }
    println!("size: gzipped wasm {gz} bytes, within the budget of {BUDGET_GZIP}");
    Ok(())
}
