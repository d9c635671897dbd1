//! Resolution: how many photo pixels span the document's width, against what legible print needs.
//!
//! The flat specimens in shared/data whose machine-readable zone PassportEye reads in full (the `100_`
//! files) are 282 to 1874 px wide, so 250 px across is the least at which a document's largest print
//! still reads; below 600 px the smaller print (about 1.5 mm tall on an ID-1 card) blurs into blocks.

use crate::report::{Bound, Check, Status, Text};

/// Thresholds for [`resolution`], in pixels across the document.
#[derive(Clone, Copy, Debug)]
pub struct ResolutionConfig {
    /// Fewer pixels than this fail.
    pub fail: f32,
    /// Fewer than this warn.
    pub warn: f32,
}

impl Default for ResolutionConfig {
    fn default() -> Self {
        Self {
            fail: 250.0,
            warn: 600.0,
        }
    }
}

/// The pixels across a quadrilateral document: the mean length of its two longer opposite sides.
pub fn document_width(corners: &[[f32; 2]; 4]) -> f32 {
    let d = crate::document::distance;
    let horizontal = (d(corners[0], corners[1]) + d(corners[3], corners[2])) / 2.0;
    let vertical = (d(corners[0], corners[3]) + d(corners[1], corners[2])) / 2.0;
    horizontal.max(vertical)
}

/// The resolution check over `width` pixels across the document (the photo's longer side when the
/// document's outline is not known: the best case).
pub fn resolution(width: f32, cfg: &ResolutionConfig) -> Check {
    let status = Status::below(width, cfg.warn, cfg.fail);
    let need = if status == Status::Fail {
        cfg.fail
    } else {
        cfg.warn
    };
    Check::judged(
        "resolution",
        status,
        Some(width),
        (cfg.warn, cfg.fail),
        Bound::Min,
        "too_few_pixels",
        Text::new("There are enough pixels to read the document.", "像素足够，证件文字可以看清。"),
        Text::new(
            format!(
                "The document is {} pixels wide; at least {} are needed to read its text. Move closer so the document fills the frame, or use the camera's full resolution.",
                whole(width), whole(need)
            ),
            format!("证件只有 {} 像素宽，至少需要 {} 像素才能看清文字。请靠近一些让证件占满画面，或使用相机的最高分辨率。", whole(width), whole(need)),
        ),
    )
}

/// `v` to the nearest whole number, as `format!("{v:.0}")` writes it (halves to even), without the
/// float formatting that brings into the wasm (see `report::push_integer`).
fn whole(v: f32) -> String {
    let mut s = String::new();
    crate::report::push_integer(&mut s, v.round_ties_even());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_of_a_quad_and_judgement() {
        let q = [[0.0, 0.0], [800.0, 0.0], [800.0, 500.0], [0.0, 500.0]];
        assert_eq!(document_width(&q), 800.0);
        let cfg = ResolutionConfig::default();
        assert_eq!(resolution(400.0, &cfg).status, Status::Warn);
        assert_eq!(resolution(800.0, &cfg).status, Status::Pass);
        let c = resolution(200.0, &cfg);
        assert_eq!((c.status, c.threshold), (Status::Fail, 250.0));
        assert!(c.message.en.contains("250") && c.message.zh.contains("250"));
    }

    #[test]
    fn whole_numbers_are_written_as_format_writes_them() {
        for v in [
            0.0f32,
            0.5,
            1.5,
            2.5,
            249.5,
            250.5,
            241.49,
            599.999,
            1280.0,
            16_777_216.0,
        ] {
            assert_eq!(whole(v), format!("{v:.0}"));
        }
    }
}
