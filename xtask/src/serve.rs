//! `cargo xtask serve`: a static file server for `www/` on 127.0.0.1, with the page's CSP as a header
//! and `application/wasm` for the wasm. Development and tests only: production is any static host.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

/// The Content-Security-Policy of the page, also set in its `<meta>`.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' blob: data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The benchmark page's policy (`cargo xtask bench`, under `/pkg/bench/`): OpenCV.js needs 'unsafe-eval',
/// and fetches its own wasm from a `data:` URL.
const BENCH_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; connect-src 'self' data:; img-src 'self' blob: data:; style-src 'self'; object-src 'none'; base-uri 'none'";

/// Starts serving `dir` on 127.0.0.1:`port` (0 picks a free port) in background threads.
pub fn start(dir: PathBuf, port: u16) -> Result<SocketAddr, String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("bind 127.0.0.1:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, &dir);
            });
        }
    });
    Ok(addr)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Answers the requests on one connection, one after another, until the browser closes it, asks to close
/// it, or leaves it idle for 10 s: as any static host does, so that a page's files do not each wait for a
/// new connection (in a fresh browser profile that wait was 2-20 ms a file here).
fn handle(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        // Drain the headers, noting whether the browser asked to close.
        let mut close = line.trim_end().ends_with("HTTP/1.0");
        let mut h = String::new();
        while reader.read_line(&mut h)? > 2 {
            let lower = h.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("connection:") {
                close = v.trim() == "close";
            }
            h.clear();
        }
        respond(&mut stream, dir, &line, close)?;
        if close {
            return Ok(());
        }
    }
}

fn respond(stream: &mut TcpStream, dir: &Path, line: &str, close: bool) -> std::io::Result<()> {
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let rel = PathBuf::from(path.trim_start_matches('/'));
    let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
    let mut file = dir.join(&rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body, ctype) = if method != "GET" && method != "HEAD" {
        (
            "405 Method Not Allowed",
            b"method not allowed".to_vec(),
            "text/plain",
        )
    } else if !safe || !file.is_file() {
        ("404 Not Found", b"not found".to_vec(), "text/plain")
    } else {
        let mut body = Vec::new();
        std::fs::File::open(&file)?.read_to_end(&mut body)?;
        ("200 OK", body, content_type(&file))
    };
    // The benchmark's page alone runs OpenCV.js, whose glue needs `new Function`: it gets the same
    // policy plus 'unsafe-eval'. Nothing of ours needs it. It is also isolated from other origins
    // (it loads nothing from them), which gives it the browser's fine clock: 5 us rather than 100 us,
    // 2.5% of a 720p check.
    let bench = path.starts_with("/pkg/bench/");
    let (csp, isolation) = if bench {
        (
            BENCH_CSP,
            "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n",
        )
    } else {
        (CSP, "")
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nContent-Security-Policy: {csp}\r\n{isolation}X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: {}\r\n\r\n",
        body.len(),
        if close { "close" } else { "keep-alive" }
    );
    // One write: a head and a body written apart would wait on the browser's delayed ACK (Nagle's
    // algorithm), 40 ms a response on a connection kept alive.
    let mut out = head.into_bytes();
    if method != "HEAD" {
        out.extend_from_slice(&body);
    }
    stream.write_all(&out)?;
    stream.flush()
}
