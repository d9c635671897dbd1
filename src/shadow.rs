//! Shadow: how unevenly the document is lit, as the drop of the paper's brightness from its lightest to
//! its darkest part.
//!
//! The paper brightness of a cell is a high percentile of its luma (print is dark, paper is light), and
//! a 3x3 maximum over cells bridges photos and dark print. Its 5th percentile over the region divided by
//! its 95th is how much light the darkest part lost: a hand or phone shadow, or a lamp's fall-off.

use crate::frame::{Frame, Roi};
use crate::report::{Bound, Check, Rect, Status, Text};

/// Thresholds for [`shadow`], as the fraction of light lost (0-1).
#[derive(Clone, Copy, Debug)]
pub struct ShadowConfig {
    /// Drop at and above which the photo fails.
    pub fail: f32,
    /// Drop at and above which it warns.
    pub warn: f32,
}

impl Default for ShadowConfig {
    fn default() -> Self {
        // Measured with `cargo xtask eval` on synthetic-dev; see the README's accuracy table.
        Self {
            fail: 0.4,
            warn: 0.28,
        }
    }
}

/// Cell side in working pixels.
const CELL: usize = 16;

/// The brightness drop and the shadowed cells' box (working pixels), if the region has enough cells.
pub fn measure(frame: &Frame, roi: &Roi, warn: f32) -> Option<(f32, Option<Rect>)> {
    let (cw, ch) = (frame.w / CELL, frame.h / CELL);
    let mut level = vec![f32::NAN; cw * ch];
    let mut buf = Vec::with_capacity(CELL * CELL);
    for cy in 0..ch {
        for cx in 0..cw {
            let (x0, y0) = (cx * CELL, cy * CELL);
            // Only cells wholly inside: a cell across the card's edge shows the background.
            if !(roi.contains(x0, y0)
                && roi.contains(x0 + CELL - 1, y0 + CELL - 1)
                && roi.contains(x0, y0 + CELL - 1)
                && roi.contains(x0 + CELL - 1, y0))
            {
                continue;
            }
            // Every other pixel of every other row, 64 of the cell's 256: the paper's level is as clear
            // in a quarter of them (synthetic-dev's shadow measures move by 0.0008 at the median, 0.018
            // at most, no verdict), and the selection below was most of this check's time (11% of a
            // 720p check with every other row, natively). It selects among the samples' bits: luma is
            // never negative, and the bits of non-negative floats are in their order, which integers
            // compare faster than floats' total order does.
            buf.clear();
            for y in (y0..y0 + CELL).step_by(2) {
                buf.extend(
                    frame.luma[y * frame.w + x0..y * frame.w + x0 + CELL]
                        .iter()
                        .step_by(2)
                        .map(|v| v.to_bits()),
                );
            }
            let k = buf.len() * 9 / 10;
            level[cy * cw + cx] = f32::from_bits(*buf.select_nth_unstable(k).1);
        }
    }
    let mut smooth = vec![f32::NAN; cw * ch];
    for cy in 0..ch {
        for cx in 0..cw {
            if level[cy * cw + cx].is_nan() {
                continue;
            }
            let mut m = f32::NAN;
            for yy in cy.saturating_sub(1)..(cy + 2).min(ch) {
                for xx in cx.saturating_sub(1)..(cx + 2).min(cw) {
                    // The largest of the numbers, NaN (outside) ignored; `f32::max` is a call in wasm.
                    let v = level[yy * cw + xx];
                    if !v.is_nan() && (m.is_nan() || v > m) {
                        m = v;
                    }
                }
            }
            smooth[cy * cw + cx] = m;
        }
    }
    let mut vals: Vec<f32> = smooth.iter().copied().filter(|v| !v.is_nan()).collect();
    if vals.len() < 12 {
        return None;
    }
    // The 5th and 95th percentiles by two selections (a sort of a 720p frame's 3,600 cells was 4% of
    // its check in Chromium): the first leaves the smaller values before it, where the second looks.
    let (lo_at, hi_at) = (vals.len() * 5 / 100, vals.len() * 95 / 100);
    let hi = vals
        .select_nth_unstable_by(hi_at, f32::total_cmp)
        .1
        .max(1.0);
    let lo = *vals[..hi_at]
        .select_nth_unstable_by(lo_at, f32::total_cmp)
        .1;
    let drop = (1.0 - lo / hi).max(0.0);
    let cut = hi * (1.0 - warn);
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for cy in 0..ch {
        for cx in 0..cw {
            if smooth[cy * cw + cx] < cut {
                (x0, y0, x1, y1) = (x0.min(cx), y0.min(cy), x1.max(cx + 1), y1.max(cy + 1));
            }
        }
    }
    let rect = (x0 != usize::MAX).then(|| Rect {
        x: (x0 * CELL) as f32,
        y: (y0 * CELL) as f32,
        w: ((x1 - x0) * CELL) as f32,
        h: ((y1 - y0) * CELL) as f32,
    });
    Some((drop, rect))
}

/// The shadow check: value is the fraction of light lost in the darkest part of the document.
pub fn shadow(frame: &Frame, roi: &Roi, cfg: &ShadowConfig) -> Check {
    let m = measure(frame, roi, cfg.warn);
    let value = m.map(|m| m.0);
    let status = value.map_or(Status::Pass, |v| Status::above(v, cfg.warn, cfg.fail));
    let s = frame.scale as f32;
    let region = if status == Status::Pass {
        None
    } else {
        m.and_then(|m| m.1).map(|r| Rect {
            x: r.x * s,
            y: r.y * s,
            w: r.w * s,
            h: r.h * s,
        })
    };
    Check {
        region,
        ..Check::judged(
            "shadow",
            status,
            value,
            (cfg.warn, cfg.fail),
            Bound::Max,
            "uneven_light",
            Text::new("The document is evenly lit.", "证件光线均匀。"),
            Text::new(
                "Part of the document is in shadow. Use even daylight from the side, keep your hand and phone from casting a shadow, and take the photo again.",
                "证件有一部分在阴影里。请使用从侧面照来的均匀光线，避免手或手机挡光，然后重新拍摄。",
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::RgbaView;

    fn page(shade: f32) -> Frame {
        let (w, h) = (256usize, 192usize);
        let mut px = vec![0u8; w * h * 4];
        for y in 0..h {
            for x in 0..w {
                let mut v = if (y % 12) < 3 && (x % 10) < 6 {
                    50.0
                } else {
                    220.0
                };
                if x < w / 3 {
                    v *= 1.0 - shade;
                }
                let v = v as u8;
                px[(y * w + x) * 4..][..4].copy_from_slice(&[v, v, v, 255]);
            }
        }
        Frame::new(&RgbaView::new(&px, w as u32, h as u32).expect("valid"))
    }

    #[test]
    fn even_light_passes_and_a_half_shadow_fails_where_it_is() {
        let cfg = ShadowConfig::default();
        let even = page(0.0);
        assert_eq!(
            shadow(&even, &Roi::full(even.w, even.h), &cfg).status,
            Status::Pass
        );
        let dark = page(0.5);
        let c = shadow(&dark, &Roi::full(dark.w, dark.h), &cfg);
        assert_eq!(c.status, Status::Fail);
        assert!((c.value.expect("value") - 0.5).abs() < 0.05);
        let r = c.region.expect("region");
        assert!(r.x < 10.0 && r.x + r.w <= 256.0 / 3.0 + 20.0, "{r:?}");
    }
}
