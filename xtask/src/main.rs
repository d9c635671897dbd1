//! Project automation: `cargo xtask <command>`. See `cargo xtask help`.

mod eval;

use std::path::PathBuf;
use std::process::ExitCode;

const HELP: &str = "cargo xtask <command>
  eval DIR [--csv FILE]   accuracy on labelled photos (shared/data or its synthetic-dev)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("eval") => {
            let dir = args
                .get(1)
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("../shared/data"));
            let csv = args
                .iter()
                .position(|a| a == "--csv")
                .and_then(|i| args.get(i + 1))
                .map(PathBuf::from);
            eval::run(&dir, csv.as_deref()).map(|t| print!("{t}"))
        }
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
