//! `cargo xtask size`: the gzipped size of the wasm the page loads, against the budget a test enforces,
//! the other files the page loads, and what each crate costs inside the wasm.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The budget for the gzipped wasm, in bytes (the speed-and-size issue's 100 KB), for each build.
pub const BUDGET_GZIP: u64 = 100_000;

/// Raw and gzipped (level 9) sizes of a file.
pub fn sizes(path: &Path) -> Result<(u64, u64), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes).map_err(|e| e.to_string())?;
    let z = gz.finish().map_err(|e| e.to_string())?;
    Ok((bytes.len() as u64, z.len() as u64))
}

/// Prints the sizes of the page's static files and what each crate costs, and fails when either wasm
/// build is over budget.
pub fn enforce(plain: &Path, simd: &Path, unbound: &Path) -> Result<(), String> {
    println!("| file | bytes | gzipped |\n|---|---:|---:|");
    let mut worst = 0;
    for wasm in [plain, simd] {
        let (raw, gz) = sizes(wasm)?;
        worst = worst.max(gz);
        println!(
            "| {} | {raw} | {gz} |",
            wasm.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        );
    }
    let www = plain
        .parent()
        .and_then(Path::parent)
        .ok_or("no www folder")?;
    let mut total = worst;
    for f in [
        "index.html",
        "boot.js",
        "app.js",
        "element.js",
        "element.css",
        "id-photo-check.js",
        "pkg/worker.js",
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
    println!("| **all the page loads (one wasm)** | | **{total}** |\n");
    // The unbound build's functions, read once for the breakdown and the float formatting check.
    let symbols = functions(unbound);
    match symbols.as_ref().map(by_crate) {
        Ok(rows) => {
            let all: u64 = rows.iter().map(|r| r.1).sum();
            println!("| crate, in the wasm before binding (code and data) | bytes | share |\n|---|---:|---:|");
            let rest: u64 = rows.iter().skip(12).map(|r| r.1).sum();
            for (name, bytes) in rows
                .into_iter()
                .take(12)
                .chain((rest > 0).then(|| ("(the rest)".to_string(), rest)))
            {
                println!(
                    "| {name} | {bytes} | {:.1}% |",
                    100.0 * bytes as f64 / all.max(1) as f64
                );
            }
        }
        Err(e) => println!("(no breakdown by crate: {e})"),
    }
    if worst > BUDGET_GZIP {
        return Err(format!(
            "a gzipped wasm is {worst} bytes, over the budget of {BUDGET_GZIP}"
        ));
    }
    // No float formatting (see `float_formatting`); a build whose symbols cannot be read fails too, so
    // that the check cannot pass by not looking.
    let symbols = symbols
        .map_err(|e| format!("the unbound wasm's symbols, to look for float formatting: {e}"))?;
    let linked = float_formatting(&symbols);
    if !linked.is_empty() {
        return Err(format!(
            "the wasm links core's float formatting ({}): a float formatted with {{}} or {{:?}}, or an f32::clamp with bounds that are not constants, reached the checker; write numbers with report::push_integer or push_thousandths",
            linked.join(", ")
        ));
    }
    println!("size: gzipped wasm at most {worst} bytes, within the budget of {BUDGET_GZIP}");
    Ok(())
}

fn leb(b: &[u8], i: &mut usize) -> Result<u64, String> {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let byte = *b.get(*i).ok_or("truncated wasm")?;
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(v);
        }
        shift += 7;
        if shift > 63 {
            return Err("bad LEB128".into());
        }
    }
}

/// The crate a symbol belongs to, from its legacy-mangled name: `_ZN4core3fmt...` is `core`, an impl
/// `_ZN..._$LT$js_sys..Array$u20$as$u20$...` belongs to its type's crate, `js_sys`.
fn crate_of(symbol: &str) -> String {
    if symbol.contains("wasm_bindgen..describe") || symbol.contains("__wbindgen_describe") {
        return "(type descriptors: wasm-bindgen reads and removes them)".to_string();
    }
    if symbol.starts_with("_R") {
        return v0_crate(symbol).unwrap_or_else(|| "(runtime)".to_string());
    }
    if !symbol.starts_with("_ZN") {
        return "(exports: the binding shims)".to_string();
    }
    let rest = symbol.strip_prefix("_ZN").unwrap_or("");
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let first = match digits.parse::<usize>() {
        Ok(n) if rest.len() >= digits.len() + n => &rest[digits.len()..digits.len() + n],
        _ => return "(runtime)".to_string(),
    };
    match first.strip_prefix("_$LT$") {
        Some(inner) => {
            let inner = inner
                .trim_start_matches("$RF$")
                .trim_start_matches("mut$u20$");
            inner
                .split(['.', '$'])
                .next()
                .filter(|c| !c.is_empty())
                .unwrap_or("(generic impls)")
                .to_string()
        }
        None => first.to_string(),
    }
}

/// The crate of a v0-mangled symbol (`_R...`, as the standard library's are): the first crate root,
/// `C` with an optional `s..._` disambiguator, then the length-prefixed name.
fn v0_crate(symbol: &str) -> Option<String> {
    let b = symbol.as_bytes();
    for i in 2..b.len() {
        if b[i] != b'C' {
            continue;
        }
        let mut j = i + 1;
        if b.get(j) == Some(&b's') {
            while j < b.len() && b[j] != b'_' {
                j += 1;
            }
            j += 1;
        }
        let start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > start {
            let n: usize = symbol.get(start..j)?.parse().ok()?;
            return symbol.get(j..j + n).map(|name| match name {
                "___rustc" => "(allocator shims)".to_string(),
                other => other.to_string(),
            });
        }
    }
    None
}

/// Bytes of function code per crate, plus the data segments, largest first.
fn by_crate((functions, data): &Functions) -> Vec<(String, u64)> {
    let mut per: BTreeMap<String, u64> = BTreeMap::new();
    for (name, size) in functions {
        let name = name.as_deref().map_or("(unnamed)".to_string(), crate_of);
        *per.entry(name).or_default() += size;
    }
    *per.entry("(data: constants, strings)".to_string())
        .or_default() += data;
    let mut rows: Vec<(String, u64)> = per.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    rows
}

/// The functions of `core`'s float formatting that the wasm links, by their symbols. Nothing in the
/// checker needs them (the report's numbers are written by `report::push_thousandths` and
/// `push_integer`), and one `{}` or `{:?}` of a float, or an `f32::clamp` whose bounds are not constants
/// (its panic message formats them), brings in 23 KB of them.
fn float_formatting((functions, _): &Functions) -> Vec<&str> {
    functions
        .iter()
        .filter_map(|(name, _)| name.as_deref())
        .filter(|n| {
            n.contains("flt2dec")
                || n.contains("float_to_decimal")
                || n.contains("float_to_exponential")
        })
        .collect()
}

/// Each function's symbol, where the name section gives it, and code size, and the data segments' size.
type Functions = (Vec<(Option<String>, u64)>, u64);

/// The [`Functions`] of a wasm, from its name section (the unbound build keeps it; the page's copy has it
/// stripped).
fn functions(path: &Path) -> Result<Functions, String> {
    let b = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if b.get(..4) != Some(b"\0asm") {
        return Err("not a wasm module".into());
    }
    let mut i = 8;
    let (mut imported, mut bodies, mut names) = (0u64, Vec::new(), BTreeMap::new());
    let mut data = 0u64;
    while i < b.len() {
        let id = b[i];
        i += 1;
        let len = leb(&b, &mut i)? as usize;
        let (start, end) = (i, i + len);
        let mut j = start;
        match id {
            2 => {
                // Imports: functions among them take the first indices.
                for _ in 0..leb(&b, &mut j)? {
                    for _ in 0..2 {
                        let n = leb(&b, &mut j)? as usize;
                        j += n;
                    }
                    let kind = b[j];
                    j += 1;
                    match kind {
                        0 => {
                            imported += 1;
                            leb(&b, &mut j)?;
                        }
                        1 => {
                            j += 1;
                            let flags = leb(&b, &mut j)?;
                            leb(&b, &mut j)?;
                            if flags & 1 != 0 {
                                leb(&b, &mut j)?;
                            }
                        }
                        2 => {
                            let flags = leb(&b, &mut j)?;
                            leb(&b, &mut j)?;
                            if flags & 1 != 0 {
                                leb(&b, &mut j)?;
                            }
                        }
                        _ => j += 2,
                    }
                }
            }
            10 => {
                for _ in 0..leb(&b, &mut j)? {
                    let n = leb(&b, &mut j)?;
                    bodies.push(n);
                    j += n as usize;
                }
            }
            11 => data += len as u64,
            0 => {
                let n = leb(&b, &mut j)? as usize;
                if b.get(j..j + n) == Some(b"name") {
                    j += n;
                    while j < end {
                        let sub = b[j];
                        j += 1;
                        let sl = leb(&b, &mut j)? as usize;
                        let next = j + sl;
                        if sub == 1 {
                            for _ in 0..leb(&b, &mut j)? {
                                let idx = leb(&b, &mut j)?;
                                let n = leb(&b, &mut j)? as usize;
                                let name = String::from_utf8_lossy(&b[j..j + n]).to_string();
                                names.insert(idx, name);
                                j += n;
                            }
                        }
                        j = next;
                    }
                }
            }
            _ => {}
        }
        i = end;
    }
    if names.is_empty() {
        return Err("no name section".into());
    }
    let functions = bodies
        .into_iter()
        .enumerate()
        .map(|(k, size)| (names.remove(&(imported + k as u64)), size))
        .collect();
    Ok((functions, data))
}
