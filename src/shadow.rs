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
            level[cy * cw + cx] = cell_level(&frame.luma, frame.w, x0, y0);
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

/// Samples per cell: every other pixel of every other row.
const SAMPLES: usize = (CELL / 2) * (CELL / 2);

/// The paper's level in the cell whose top-left pixel is `(x0, y0)` of a luma image `w` wide (the cell
/// lies within it): the 90th percentile of the cell's samples, the 7th highest of 64. A quarter of its
/// pixels show the paper's level as clearly as all of them (synthetic-dev's shadow measures move by
/// 0.0008 at the median, 0.018 at most, no verdict). The SIMD128 kernel where the build has it.
pub fn cell_level(luma: &[f32], w: usize, x0: usize, y0: usize) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return cell_level_simd128(luma, w, x0, y0);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    cell_level_scalar(luma, w, x0, y0)
}

/// The reference for [`cell_level`], and its code wherever there is no SIMD kernel: a selection among
/// the samples' bits (luma is never negative, and the bits of non-negative floats are in their order,
/// which integers compare faster than floats' total order does).
pub fn cell_level_scalar(luma: &[f32], w: usize, x0: usize, y0: usize) -> f32 {
    let mut samples = [0u32; SAMPLES];
    let rows = (y0..y0 + CELL).step_by(2);
    for (out, y) in samples.chunks_exact_mut(CELL / 2).zip(rows) {
        let row = &luma[y * w + x0..y * w + x0 + CELL];
        for (o, v) in out.iter_mut().zip(row.iter().step_by(2)) {
            *o = v.to_bits();
        }
    }
    f32::from_bits(*samples.select_nth_unstable(SAMPLES * 9 / 10).1)
}

/// [`cell_level`] without a selection, which was a tenth of a 720p check in Chromium: each of four lanes
/// keeps the seven highest of its sixteen samples (an insertion that compares with all seven and never
/// branches), then the lanes' sevens are merged pairwise, each merge keeping the seven highest of
/// fourteen, and the lowest of the last seven is the answer. The samples' bits compared as integers,
/// as in [`cell_level_scalar`], so the same answer (`tests/wasm.rs` compares them).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unsafe_code)]
fn cell_level_simd128(luma: &[f32], w: usize, x0: usize, y0: usize) -> f32 {
    use core::arch::wasm32::*;
    const TOP: usize = SAMPLES - SAMPLES * 9 / 10;
    // Per lane, the TOP highest so far, lowest first (zeros until TOP have come: luma is never below).
    let mut best = [u32x4_splat(0); TOP];
    for y in (y0..y0 + CELL).step_by(2) {
        let row = &luma[y * w + x0..y * w + x0 + CELL];
        // SAFETY: `row` is CELL = 16 floats and each load reads 4 from 0, 4, 8 or 12; v128 loads need
        // no alignment.
        let q = |i: usize| unsafe { v128_load(row[i..].as_ptr().cast::<v128>()) };
        for v in [
            i32x4_shuffle::<0, 2, 4, 6>(q(0), q(4)),
            i32x4_shuffle::<0, 2, 4, 6>(q(8), q(12)),
        ] {
            // v joins, the lowest leaves: entry j becomes max(entry j, min(entry j + 1, v)).
            for j in 0..TOP - 1 {
                best[j] = u32x4_max(best[j], u32x4_min(best[j + 1], v));
            }
            best[TOP - 1] = u32x4_max(best[TOP - 1], v);
        }
    }
    // The TOP highest of two sorted lists are the larger of each entry of one and the mirror entry of
    // the other (a bitonic half-cleaner), lowest first falling then rising.
    let merge = |a: &[v128; TOP], b: &[v128; TOP]| -> [v128; TOP] {
        core::array::from_fn(|i| u32x4_max(a[i], b[TOP - 1 - i]))
    };
    let lanes_10 = best.map(|v| i32x4_shuffle::<1, 0, 3, 2>(v, v));
    let pairs = merge(&best, &lanes_10);
    // Sorted again by a bitonic merger of eight, the eighth the highest value (after a falling then
    // rising run, it keeps the run so).
    let mut s = [u32x4_splat(u32::MAX); 8];
    s[..TOP].copy_from_slice(&pairs);
    for (stride, blocks) in [(4, 8), (2, 4), (1, 2)] {
        for base in (0..8).step_by(blocks) {
            for i in base..base + stride {
                let (lo, hi) = (
                    u32x4_min(s[i], s[i + stride]),
                    u32x4_max(s[i], s[i + stride]),
                );
                (s[i], s[i + stride]) = (lo, hi);
            }
        }
    }
    let sorted: [v128; TOP] = core::array::from_fn(|i| s[i]);
    let lanes_32 = sorted.map(|v| i32x4_shuffle::<2, 3, 0, 1>(v, v));
    let all = merge(&sorted, &lanes_32);
    let lowest = all[1..].iter().fold(all[0], |m, &v| u32x4_min(m, v));
    f32::from_bits(u32x4_extract_lane::<0>(lowest))
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
