//! Project automation: `cargo xtask <command>`. Builds, serves, tests, evaluates, benchmarks and sizes
//! id-photo-check, installing what each needs when it is missing.

mod bench;
mod build;
mod dist;
mod eval;
mod fuzz;
mod serve;
mod size;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "cargo xtask <command>
  serve [--port N]        build the wasm and the dist folder, serve www/ on 127.0.0.1 (default port 8000)
  test [wasm|browser]     every test: fmt, clippy, native, wasm in Chromium, size budget, the page end to end
                          (or only the wasm tests, or only the page's)
  build                   the release wasm and its bindings in www/pkg/
  dist [OUT]              the element and module as an npm package folder (default www/dist/id-photo-check)
  size                    gzipped size of what the page loads, against the budget
  eval DIR [--csv FILE]   accuracy on labelled photos (shared/data or its synthetic-dev)
  bench                   time per frame, native and in headless Chromium, side by side
  fuzz [SECONDS]          each fuzz target for SECONDS (default 120), seeded with rendered images
";

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A command to run, echoed before it runs.
pub struct Cmd(std::process::Command, String);

impl Cmd {
    fn new(program: &str) -> Self {
        Self(std::process::Command::new(program), program.to_string())
    }
    fn args<const N: usize>(mut self, args: [&str; N]) -> Self {
        for a in args {
            self.0.arg(a);
            self.1.push(' ');
            self.1.push_str(a);
        }
        self
    }
    fn arg_path(mut self, p: &Path) -> Self {
        self.0.arg(p);
        self.1.push_str(&format!(" {}", p.display()));
        self
    }
    fn dir(mut self, d: &Path) -> Self {
        self.0.current_dir(d);
        self
    }
    fn env(mut self, k: &str, v: &str) -> Self {
        self.0.env(k, v);
        self
    }
}

/// Runs a command with inherited output; an error names it.
pub fn run(mut cmd: Cmd) -> Result<(), String> {
    eprintln!("$ {}", cmd.1);
    let status = cmd.0.status().map_err(|e| format!("{}: {e}", cmd.1))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", cmd.1))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let result = match args.first().map(String::as_str) {
        Some("wasm-test-runner") => {
            // Called by cargo as the wasm32 runner: the wasm-bindgen test runner, as a library.
            let argv = std::iter::once("wasm-bindgen-test-runner".to_string())
                .chain(args.iter().skip(1).cloned());
            wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(argv)
                .map_err(|e| e.to_string())
        }
        Some("build") => build::build().map(|p| println!("built {}", p.display())),
        Some("serve") => {
            let port = flag("--port").and_then(|p| p.parse().ok()).unwrap_or(8000);
            dist::dist(&dist::default_dir())
                .and_then(|_| serve::start(root().join("www"), port))
                .map(|addr| {
                    println!("id-photo-check is served at http://{addr}/ (Ctrl-C to stop)");
                    loop {
                        std::thread::park();
                    }
                })
        }
        Some("test") => match args.get(1).map(String::as_str) {
            None | Some("all") => test::all(),
            Some("wasm") => test::ensure_chromium().and_then(|_| test::wasm_tests()),
            Some("browser") => test::ensure_chromium()
                .and_then(|_| dist::dist(&dist::default_dir()))
                .and_then(|_| test::browser_tests()),
            Some(other) => Err(format!("unknown test group {other}: all, wasm or browser")),
        },
        Some("dist") => {
            let out = args
                .get(1)
                .map(PathBuf::from)
                .unwrap_or_else(dist::default_dir);
            dist::dist(&out).map(|o| println!("wrote {}", o.display()))
        }
        Some("size") => build::build()
            .and_then(|w| size::enforce(&w, &build::page_wasm_simd(), &build::unbound_wasm())),
        Some("eval") => {
            let dir = args
                .get(1)
                .filter(|a| !a.starts_with("--"))
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join("../shared/data"));
            eval::run(&dir, flag("--csv").map(PathBuf::from).as_deref()).map(|t| print!("{t}"))
        }
        Some("bench") => bench::run(),
        Some("fuzz") => fuzz::run_all(args.get(1).and_then(|s| s.parse().ok()).unwrap_or(120)),
        _ => {
            print!("{HELP}");
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
