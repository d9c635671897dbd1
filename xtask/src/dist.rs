//! `cargo xtask dist [OUT]`: the element and the ES module as one self-contained folder in the layout
//! of an npm package (default `www/dist/id-photo-check/`), which a site copies into its static files
//! or publishes. Everything in it is loaded by relative URL from its own folder, so it works from any
//! path, with no bundler, under a strict CSP.

use std::path::{Path, PathBuf};

use crate::{build, root};

/// The package's own files, from `www/`.
const FILES: [&str; 6] = [
    "id-photo-check.js",
    "id-photo-check.d.ts",
    "element.js",
    "element.d.ts",
    "element.css",
    "messages.js",
];

/// The worker with the bindings in it (see `build::bundle_worker`), the bindings and the wasm, from
/// `www/pkg/`.
const PKG_FILES: [&str; 5] = [
    "worker.js",
    "id_photo_check.js",
    "id_photo_check.d.ts",
    "id_photo_check_bg.wasm",
    "id_photo_check_simd_bg.wasm",
];

/// Where `cargo xtask dist` writes by default; the embedding example loads the element from here.
pub fn default_dir() -> PathBuf {
    root().join("www/dist/id-photo-check")
}

/// Builds the wasm and writes the package to `out`; returns `out`.
pub fn dist(out: &Path) -> Result<PathBuf, String> {
    build::build()?;
    let www = root().join("www");
    let io = |what: &str, e: std::io::Error| format!("{what}: {e}");
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| io(&out.display().to_string(), e))?;
    }
    std::fs::create_dir_all(out.join("pkg")).map_err(|e| io("create dist", e))?;
    for f in FILES {
        std::fs::copy(www.join(f), out.join(f)).map_err(|e| io(f, e))?;
    }
    for f in PKG_FILES {
        std::fs::copy(www.join("pkg").join(f), out.join("pkg").join(f)).map_err(|e| io(f, e))?;
    }
    let files: Vec<String> = FILES
        .iter()
        .map(|f| format!("\"{f}\""))
        .chain(PKG_FILES.iter().map(|f| format!("\"pkg/{f}\"")))
        .collect();
    let package = format!(
        r#"{{
  "name": "id-photo-check",
  "version": "{version}",
  "description": "Checks a photo of an ID card or passport in the browser before it is submitted, and says how to fix it. Nothing is uploaded.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./id-photo-check.js",
  "types": "./id-photo-check.d.ts",
  "exports": {{
    ".": {{ "types": "./id-photo-check.d.ts", "default": "./id-photo-check.js" }},
    "./element.js": {{ "types": "./element.d.ts", "default": "./element.js" }},
    "./messages.js": "./messages.js",
    "./worker.js": "./pkg/worker.js",
    "./element.css": "./element.css",
    "./pkg/*": "./pkg/*"
  }},
  "sideEffects": ["./element.js"],
  "files": [{files}, "README.md"]
}}
"#,
        version = id_photo_check::VERSION,
        files = files.join(", ")
    );
    std::fs::write(out.join("package.json"), package).map_err(|e| io("package.json", e))?;
    std::fs::write(out.join("README.md"), README).map_err(|e| io("README.md", e))?;
    Ok(out.to_path_buf())
}

const README: &str = r#"# id-photo-check

Checks a photo of an ID card or passport in the person's own browser before they submit it, and says in
English or Simplified Chinese what would get it rejected and how to fix it. Nothing is uploaded: the
checker is WebAssembly in a Web Worker, loaded from this folder.

Copy this folder to your static files, then:

```html
<script type="module" src="/id-photo-check/element.js"></script>
<id-photo-check lang="zh-CN" mode="upload" document="id-card"></id-photo-check>
```

and in your own script: `document.querySelector("id-photo-check").addEventListener("accept", (e) => { /* e.detail.image, e.detail.crop: Blobs */ })`.

Or without the element: `import { checkPhoto, LiveChecker } from "/id-photo-check/id-photo-check.js"`.
Your CSP needs `script-src 'self' 'wasm-unsafe-eval'` and nothing else beyond `'self'`.
Types: `id-photo-check.d.ts`. Source and documentation: the project's repository.
"#;
