//! The command line: `id-photo-check [--json] PHOTO...` checks each photo and prints a readable report,
//! or one JSON object a line. Exits 0 only when every file could be read and analysed.
//! (On wasm32 there is no command line: the page and src/wasm.rs take its place.)
#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::Write;
    use std::path::Path;
    use std::process::ExitCode;

    use id_photo_check::decode::decode_file;
    use id_photo_check::report::Bound;
    use id_photo_check::{check, Options, Report, RgbaView, Status};

    const USAGE: &str = "usage: id-photo-check [--json] [--lang en|zh-CN] [--document TYPE] PHOTO...\n\
    Checks photos of identity documents for blur, exposure, glare, shadow, resolution and framing.\n\
      --json           one JSON object per line (the report contract in README.md)\n\
      --lang L         language of the readable report: en (default) or zh-CN\n\
      --document TYPE  the document photographed: any (default), id-card or passport\n";

    pub fn main() -> ExitCode {
        let mut json = false;
        let mut zh = false;
        let mut expect = None;
        let mut files = Vec::new();
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            match a.as_str() {
                "--json" => json = true,
                "--lang" => match args.next().as_deref() {
                    Some("en") => zh = false,
                    Some("zh-CN" | "zh") => zh = true,
                    _ => {
                        eprint!("{USAGE}");
                        return ExitCode::from(2);
                    }
                },
                "--document" => match args
                    .next()
                    .as_deref()
                    .map(id_photo_check::document::Kind::expected)
                {
                    Some(Ok(kind)) => expect = kind,
                    _ => {
                        eprint!("{USAGE}");
                        return ExitCode::from(2);
                    }
                },
                "-h" | "--help" => {
                    print!("{USAGE}");
                    return ExitCode::SUCCESS;
                }
                s if s.starts_with("--") => {
                    eprint!("unknown option {s}\n{USAGE}");
                    return ExitCode::from(2);
                }
                _ => files.push(a),
            }
        }
        if files.is_empty() {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
        let mut opts = Options::default();
        opts.config.find.expect = expect;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let mut all_read = true;
        for f in &files {
            let report = check_file(Path::new(f), f, &opts);
            all_read &= report.error.is_none();
            let text = if json {
                report.to_json()
            } else {
                readable(&report, zh)
            };
            if writeln!(out, "{text}").is_err() {
                return ExitCode::from(1);
            }
        }
        if all_read {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }

    /// Decodes and checks one file; a file that cannot be read gets a report with `error` set.
    fn check_file(path: &Path, name: &str, opts: &Options) -> Report {
        let decoded = match decode_file(path) {
            Ok(d) => d,
            Err(e) => return Report::failed(Some(name.to_string()), e),
        };
        let mut report = match RgbaView::new(&decoded.rgba, decoded.width, decoded.height) {
            Ok(view) => check(&view, opts),
            Err(e) => Report::failed(None, e),
        };
        report.file = Some(name.to_string());
        report
    }

    fn readable(r: &Report, zh: bool) -> String {
        let file = r.file.as_deref().unwrap_or("-");
        if let Some(e) = &r.error {
            let m = e.message();
            return format!(
                "{file}: {}\n  {}",
                if zh { "无法检查" } else { "cannot check" },
                if zh { m.zh } else { m.en }
            );
        }
        let verdict = match (r.verdict(), zh) {
            ("ok", false) => "OK: ready to submit",
            ("ok", true) => "可以提交",
            (_, false) => "RETAKE: this photo will likely be rejected",
            (_, true) => "请重拍：这张照片很可能被拒绝",
        };
        let mut s = format!("{file} ({}x{}): {verdict}", r.width, r.height);
        for c in &r.checks {
            let mark = match c.status {
                Status::Pass => "pass",
                Status::Warn => "WARN",
                Status::Fail => "FAIL",
            };
            let value = c.value.map_or("-".to_string(), |v| format!("{v:.3}"));
            let op = if c.bound == Bound::Max { "<" } else { ">" };
            let msg = if zh { &c.message.zh } else { &c.message.en };
            s.push_str(&format!(
                "\n  {mark} {:<10} {value:>9} (needs {op} {}) {msg}",
                c.id, c.threshold
            ));
        }
        s
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}
