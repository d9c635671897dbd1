//! `cargo xtask bench`: time per frame of the full check.

pub fn run() -> Result<(), String> {
    Err("not yet".into())
}
