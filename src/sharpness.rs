//! Blur: the width of the sharpest edges, in working pixels, in the worst direction.
//!
//! For every edge pixel (a local maximum of the gradient along its own direction, quantised to 0, 45, 90
//! or 135 degrees) we walk the intensity profile both ways to the plateaus (Marziliano et al., "A
//! no-reference perceptual blur metric", 2002) and take the edge's width as its contrast divided by its
//! steepest one-pixel step: a step edge is 1 px wide, a Gaussian-blurred one `sigma * sqrt(2 pi)`, a
//! motion-blurred one the blur length. The ratio makes it independent of brightness and contrast. Each
//! direction keeps the width of its sharper edges (a low percentile: a document has sharp print
//! everywhere, soft shading is not evidence of blur), and the photo is as sharp as its worst direction,
//! which is what catches motion blur: camera shake smears edges across the motion, not along it.

use crate::exposure::LumaStats;
use crate::frame::{Frame, Roi};
use crate::report::{Bound, Check, Status, Text};

/// Thresholds for [`blur`].
#[derive(Clone, Copy, Debug)]
pub struct BlurConfig {
    /// Edge width (working px) at and above which the photo is too blurred.
    pub fail: f32,
    /// Edge width at and above which the photo is soft.
    pub warn: f32,
    /// Which percentile of each direction's edge widths stands for it (0-1).
    pub percentile: f32,
}

impl Default for BlurConfig {
    fn default() -> Self {
        // Measured with `cargo xtask eval` on synthetic-dev; see the README's accuracy table.
        Self {
            fail: 4.0,
            warn: 3.2,
            percentile: 0.5,
        }
    }
}

/// What the edge walk measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlurMeasure {
    /// Per direction (0, 45, 90, 135 degrees): the chosen percentile of edge widths, if enough edges.
    pub widths: [Option<f32>; 4],
    /// Per direction: how many edges were measured.
    pub counts: [usize; 4],
}

impl BlurMeasure {
    /// The worst direction's width, or `None` when no direction had enough edges.
    pub fn worst(&self) -> Option<f32> {
        self.widths.iter().flatten().copied().reduce(f32::max)
    }

    /// How much wider the worst direction is than the best (1 for isotropic blur; large for motion).
    pub fn anisotropy(&self) -> Option<f32> {
        let best = self.widths.iter().flatten().copied().reduce(f32::min)?;
        Some(self.worst()? / best.max(0.5))
    }
}

/// A region with more pixels than this is sampled on every other row.
const SAMPLED_ABOVE: usize = 160_000;
/// Fewest edges for a direction to count.
const MIN_EDGES: usize = 40;
/// Longest walk to a plateau, in steps.
const MAX_WALK: usize = 40;
/// Intensity changes below this (grey levels) count as flat.
const FLAT: f32 = 1.0;

/// Whether the build has vectors: every native target here, and wasm with SIMD128. The plain wasm build
/// flags the checkerboard's pixels one by one instead (both passes over the whole row: 7.1 -> 8.2 ms
/// for a 720p check there).
const VECTORS: bool = !cfg!(target_arch = "wasm32") || cfg!(target_feature = "simd128");

/// 1 where a pixel's gradient `(gx, gy)` is steep enough to be looked at, else 0.
#[inline(always)]
fn steep(gx: f32, gy: f32, min_grad: f32) -> u8 {
    u8::from(crate::frame::max(gx.abs(), gy.abs()) >= min_grad)
}

/// Measures edge widths inside `roi`.
pub fn measure(frame: &Frame, roi: &Roi, percentile: f32) -> BlurMeasure {
    measure_given(frame, roi, &crate::exposure::stats(frame, roi), percentile)
}

/// [`measure`] with the region's luma statistics already taken (the edges that count are judged
/// against its contrast range).
pub fn measure_given(frame: &Frame, roi: &Roi, st: &LumaStats, percentile: f32) -> BlurMeasure {
    let (w, h) = (frame.w, frame.h);
    let mut out = BlurMeasure::default();
    if w < 5 || h < 5 {
        return out;
    }
    let range = st.p[4] - st.p[0];
    let min_contrast = (0.25 * range).max(12.0);
    let min_grad = (0.04 * range).max(4.0);
    let l = &frame.luma;
    let mut widths: [Vec<f32>; 4] = Default::default();
    // Per direction: the index step, the column step, the length of one step in pixels.
    let steps: [(isize, isize, f32); 4] = [
        (1, 1, 1.0),
        (w as isize + 1, 1, std::f32::consts::SQRT_2),
        (w as isize, 0, 1.0),
        (w as isize - 1, -1, std::f32::consts::SQRT_2),
    ];
    // Every other pixel, in a checkerboard: each edge keeps half its pixels whatever its direction,
    // which leaves the medians where they were at half the cost. A large region (a document filling a
    // 720p frame has 370,000 pixels) is sampled on every other row too, the checkerboard shifting from
    // one sampled row to the next: each edge still keeps a quarter of its pixels, thousands of them.
    let rows = if roi.area() > SAMPLED_ABOVE { 2 } else { 1 };
    // Whether each pixel of the row has the gradient to be looked at: most have not (a rendered card
    // at 720p: 13% have). A straight pass over the row's span, vectorised, tells them apart for less
    // than the same test pixel by pixel on the checkerboard (a 720p check in Chromium 4.4 -> 4.0 ms).
    let mut busy = vec![0u8; w];
    for (y, x0, x1) in roi.rows().step_by(rows) {
        if y < 2 || y + 2 >= h {
            continue;
        }
        let first = x0.max(2);
        let first = first + (first + y / rows) % 2;
        let end = x1.min(w - 2);
        if first >= end {
            continue;
        }
        if VECTORS {
            crate::frame::flag_row(l, w, y, (first, end), &mut busy, |gx, gy| {
                steep(gx, gy, min_grad)
            });
        } else {
            // Without vectors, the checkerboard's pixels alone (the others are never read).
            for x in (first..end).step_by(2) {
                let i = y * w + x;
                busy[x] = steep(l[i + 1] - l[i - 1], l[i + w] - l[i - w], min_grad);
            }
        }
        // The checkerboard's pixels of the row, four at a time passed over where none is busy (the
        // even bytes of eight).
        const EVEN: u64 = 0x00ff_00ff_00ff_00ff;
        let mut next = first;
        while next < end {
            let x = next;
            if x + 8 <= end {
                let eight: [u8; 8] = busy[x..x + 8].try_into().unwrap_or([1; 8]);
                if u64::from_le_bytes(eight) & EVEN == 0 {
                    next += 8;
                    continue;
                }
            }
            next += 2;
            if busy[x] == 0 {
                continue;
            }
            let i = y * w + x;
            let gx = l[i + 1] - l[i - 1];
            let gy = l[i + w] - l[i - w];
            let (ax, ay) = (gx.abs(), gy.abs());
            let dir = if ay < 0.414 * ax {
                0
            } else if ax < 0.414 * ay {
                2
            } else if (gx > 0.0) == (gy > 0.0) {
                1
            } else {
                3
            };
            let (d, dx, len) = steps[dir];
            let g = |j: usize| l[j + d as usize] - l[j - d as usize];
            let gc = g(i);
            let ga = gc.abs();
            // A local maximum of the gradient along its direction (ties broken to one side).
            if ga < (g(i + d as usize)).abs() || ga <= (g(i - d as usize)).abs() {
                continue;
            }
            let s = gc.signum();
            let fwd = walk(l, i, x, (d, dx), s, w);
            let back = walk(l, i, x, (-d, -dx), -s, w);
            let contrast = s * (fwd.1 - back.1);
            if contrast < min_contrast {
                continue;
            }
            let step = (s * (l[(i as isize + d) as usize] - l[i]))
                .max(s * (l[i] - l[(i as isize - d) as usize]));
            if step <= 0.0 {
                continue;
            }
            let width = crate::frame::min(contrast / step, (fwd.0 + back.0).max(1) as f32) * len;
            widths[dir].push(width);
        }
    }
    for (k, v) in widths.iter_mut().enumerate() {
        out.counts[k] = v.len();
        if v.len() >= MIN_EDGES {
            let idx = ((v.len() - 1) as f32 * percentile.clamp(0.0, 1.0)).round() as usize;
            let (_, p, _) = v.select_nth_unstable_by(idx, f32::total_cmp);
            out.widths[k] = Some(*p);
        }
    }
    out
}

/// Walks from `i` (column `x`) by `(d, dx)` (index and column steps) while the luma keeps moving in
/// direction `s`; returns the steps to the extreme reached and its value. Stops at a reversal, two flat
/// steps, the frame border or [`MAX_WALK`]. The column is tracked, not divided out: an integer division
/// per step was a third of the blur check's time in wasm.
fn walk(l: &[f32], i: usize, x: usize, (d, dx): (isize, isize), s: f32, w: usize) -> (usize, f32) {
    let (mut q, mut x, mut ext, mut at, mut flat) = (i as isize, x as isize, l[i], 0usize, 0);
    let n = l.len() as isize;
    for k in 1..=MAX_WALK {
        let nq = q + d;
        x += dx;
        if nq < 0 || nq >= n || x <= 0 || x >= w as isize - 1 {
            break;
        }
        let v = l[nq as usize];
        let rise = s * (v - ext);
        if rise > FLAT {
            ext = v;
            at = k;
            flat = 0;
        } else if rise < -2.0 * FLAT {
            break;
        } else {
            flat += 1;
            if flat >= 2 {
                break;
            }
        }
        q = nq;
    }
    (at, ext)
}

/// The blur check: value is the edge width in working pixels (see the module docs).
pub fn blur(frame: &Frame, roi: &Roi, cfg: &BlurConfig) -> Check {
    blur_given(frame, roi, &crate::exposure::stats(frame, roi), cfg)
}

/// [`blur`] with the region's luma statistics already taken.
pub fn blur_given(frame: &Frame, roi: &Roi, st: &LumaStats, cfg: &BlurConfig) -> Check {
    let m = measure_given(frame, roi, st, cfg.percentile);
    let value = m.worst();
    let (status, reason, message) = match value {
        None => (
            Status::Fail,
            "no_detail",
            Text::new(
                "No sharp detail found. Make sure the document fills most of the photo and is in focus: tap the screen on the document to focus.",
                "照片中找不到清晰的细节。请让证件占满照片的大部分并对准焦点：在屏幕上点一下证件即可对焦。",
            ),
        ),
        Some(v) => {
            let status = Status::above(v, cfg.warn, cfg.fail);
            let motion = m.anisotropy().is_some_and(|a| a >= 1.8);
            match (status, motion) {
                (Status::Pass, _) => (Status::Pass, "", Text::new("The photo is sharp.", "照片清晰。")),
                (s, true) => (
                    s,
                    "motion",
                    Text::new(
                        "The photo is blurred by movement. Hold the phone still with both hands, or rest it on something, and take the photo again.",
                        "照片因晃动而模糊。请双手拿稳手机，或把手机靠在物体上，然后重新拍摄。",
                    ),
                ),
                (s, false) => (
                    s,
                    "focus",
                    Text::new(
                        "The photo is out of focus. Tap the document on the screen to focus, keep the phone at least 10 cm away, and take the photo again.",
                        "照片没有对准焦点。请在屏幕上点一下证件对焦，手机与证件至少保持 10 厘米距离，然后重新拍摄。",
                    ),
                ),
            }
        }
    };
    let threshold = if status == Status::Fail || value.is_none() {
        cfg.fail
    } else {
        cfg.warn
    };
    Check {
        id: "blur",
        status,
        value,
        threshold,
        bound: Bound::Max,
        reason,
        region: None,
        boxes: Vec::new(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::RgbaView;

    /// Vertical and horizontal bars of `period` px, blurred by a box of `blur` px along x only.
    fn bars(w: usize, h: usize, period: usize, blur_x: usize) -> Frame {
        let mut px = vec![0u8; w * h * 4];
        let val = |x: usize, y: usize| {
            if ((x / period) + (y / period)) % 2 == 0 {
                40.0
            } else {
                210.0
            }
        };
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for k in 0..blur_x.max(1) {
                    s += val((x + k).min(w - 1), y);
                }
                let v = (s / blur_x.max(1) as f32).round() as u8;
                px[(y * w + x) * 4..][..4].copy_from_slice(&[v, v, v, 255]);
            }
        }
        Frame::new(&RgbaView::new(&px, w as u32, h as u32).expect("valid"))
    }

    #[test]
    fn a_sharp_checkerboard_has_one_pixel_edges() {
        let f = bars(120, 120, 12, 1);
        let m = measure(&f, &Roi::full(f.w, f.h), 0.25);
        assert_eq!(m.widths[0], Some(1.0));
        assert_eq!(m.widths[2], Some(1.0));
    }

    #[test]
    fn blur_along_x_widens_vertical_edges_only() {
        let f = bars(160, 160, 20, 9);
        let m = measure(&f, &Roi::full(f.w, f.h), 0.25);
        let (wx, wy) = (
            m.widths[0].expect("edges across x"),
            m.widths[2].expect("edges across y"),
        );
        assert!((8.0..=10.0).contains(&wx), "x width {wx}");
        assert_eq!(wy, 1.0);
        assert!(m.anisotropy().expect("both") > 5.0);
        assert_eq!(
            blur(&f, &Roi::full(f.w, f.h), &BlurConfig::default()).reason,
            "motion"
        );
    }

    #[test]
    fn a_flat_image_has_no_detail() {
        let px = vec![128u8; 50 * 40 * 4];
        let f = Frame::new(&RgbaView::new(&px, 50, 40).expect("valid"));
        let c = blur(&f, &Roi::full(f.w, f.h), &BlurConfig::default());
        assert_eq!(
            (c.status, c.value, c.reason),
            (Status::Fail, None, "no_detail")
        );
    }
}
