//! Any width, height, pixels and document corners (NaN and infinities included): `check` and
//! `flatten` must return, never panic.
#![no_main]

use id_photo_check::{check, flatten::flatten, Options, RgbaView};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 + 32 {
        return;
    }
    let w = u32::from(u16::from_le_bytes([data[0], data[1]]) % 700) + 1;
    let h = u32::from(u16::from_le_bytes([data[2], data[3]]) % 700) + 1;
    let mut corners = [[0f32; 2]; 4];
    for (i, c) in corners.iter_mut().flatten().enumerate() {
        let b = &data[4 + i * 4..8 + i * 4];
        *c = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    let body = &data[36..];
    let n = (w * h * 4) as usize;
    let px: Vec<u8> = if body.is_empty() {
        vec![0; n]
    } else {
        body.iter().copied().cycle().take(n).collect()
    };
    let Ok(view) = RgbaView::new(&px, w, h) else {
        return;
    };
    let report = check(&view, &Options::default());
    let _ = report.to_json();
    let given = check(
        &view,
        &Options {
            document: Some(corners),
            ..Options::default()
        },
    );
    let _ = given.to_json();
    let _ = flatten(&view, corners, 1.2, 64);
});
