//! Arbitrary bytes as a file: decoding either fails with an error or gives pixels that `check` takes.
#![no_main]

use id_photo_check::decode::decode_bytes;
use id_photo_check::{check, Options, RgbaView};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = decode_bytes(data) {
        if let Ok(view) = RgbaView::new(&d.rgba, d.width, d.height) {
            let _ = check(&view, &Options::default()).to_json();
        }
    }
});
