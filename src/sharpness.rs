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
    // one sampled row to the next: each edge still keeps a quarter of its pixels, thousands of them. A
    // busy one, every fourth row (see [`EDGE_BUDGET`]).
    let mut rows = if roi.area() > SAMPLED_ABOVE { 2 } else { 1 };
    let steep_px = steep_pixels(l, w, h, roi, min_grad);
    while rows < MAX_ROWS && steep_px / (2 * rows) > EDGE_BUDGET {
        rows *= 2;
    }
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
            // `crate::frame::max`: `f32::max` is a call in wasm (0.7% of a 720p check in V8).
            let step = crate::frame::max(
                s * (l[(i as isize + d) as usize] - l[i]),
                s * (l[i] - l[(i as isize - d) as usize]),
            );
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

/// Most of a region's steep pixels the checkerboard may leave to be looked at: above it the rows
/// sampled are spaced further apart, to at most every [`MAX_ROWS`]th. Most of the time goes to the
/// steep pixels (each is tested for a maximum of the gradient, and each maximum walked both ways), and
/// a busy region has them everywhere: the middle of an empty 720p frame of gravel has 270,000 (its
/// check 8.5 -> 7.3 ms natively), a passport filling a 1280x960 photo 160,000-200,000 (6.3 -> 5.9 ms),
/// the bench's 720p card 65,000 (unchanged, every other row). In `cargo xtask eval`, 161 of 270 photos'
/// widths move, by a median 0.6% (90% by 2.1% or less, at most 6%), and no verdict changes.
const EDGE_BUDGET: usize = 32_000;
const MAX_ROWS: usize = 4;
/// Every how many rows [`steep_pixels`] looks: a prime, so that no pattern that repeats every 2^k rows
/// (a print's raster, a keyboard's keys) is sampled on one phase of it alone.
const ESTIMATE_ROWS: usize = 13;

/// How many pixels of `roi` have the gradient to be looked at, estimated from every
/// [`ESTIMATE_ROWS`]th row's every other pixel.
fn steep_pixels(l: &[f32], w: usize, h: usize, roi: &Roi, min_grad: f32) -> usize {
    let mut n = 0;
    for (y, x0, x1) in roi.rows().step_by(ESTIMATE_ROWS) {
        if y < 1 || y + 1 >= h {
            continue;
        }
        for x in (x0.max(1)..x1.min(w - 1)).step_by(2) {
            let i = y * w + x;
            n += usize::from(steep(l[i + 1] - l[i - 1], l[i + w] - l[i - w], min_grad));
        }
    }
    n * 2 * ESTIMATE_ROWS
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

    /// A mosaic of `w` x `h`: tiles 5-12 px wide and high, at random, each dark or light at random,
    /// blurred by a box of `blur_x` px along x only. Nothing in it repeats.
    fn mosaic(w: usize, h: usize, blur_x: usize) -> Frame {
        let mut seed = 0x2545_f491_u32;
        let mut next = |n: u32| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) % n
        };
        let cuts = |len: usize, next: &mut dyn FnMut(u32) -> u32| {
            let mut at = vec![0];
            while *at.last().expect("one") < len {
                at.push(at.last().expect("one") + 5 + next(8) as usize);
            }
            at
        };
        let (xs, ys) = (cuts(w, &mut next), cuts(h, &mut next));
        let tiles: Vec<f32> = (0..xs.len() * ys.len())
            .map(|_| if next(2) == 0 { 40.0 } else { 210.0 })
            .collect();
        let tile = |x: usize, y: usize| {
            let (i, j) = (
                xs.partition_point(|&c| c <= x),
                ys.partition_point(|&c| c <= y),
            );
            tiles[(j - 1) * xs.len() + i - 1]
        };
        let mut px = vec![0u8; w * h * 4];
        for y in 0..h {
            for x in 0..w {
                let s: f32 = (0..blur_x).map(|k| tile((x + k).min(w - 1), y)).sum();
                let v = (s / blur_x as f32).round() as u8;
                px[(y * w + x) * 4..][..4].copy_from_slice(&[v, v, v, 255]);
            }
        }
        Frame::new(&RgbaView::new(&px, w as u32, h as u32).expect("valid"))
    }

    #[test]
    fn a_busy_region_is_sampled_on_fewer_rows_and_measures_the_same_widths() {
        let f = mosaic(960, 600, 3);
        let roi = Roi::full(f.w, f.h);
        let exact = (1..f.h - 1)
            .flat_map(|y| (1..f.w - 1).map(move |x| (y, x)))
            .filter(|&(y, x)| {
                let (i, l) = (y * f.w + x, &f.luma);
                steep(l[i + 1] - l[i - 1], l[i + f.w] - l[i - f.w], 4.0) == 1
            })
            .count();
        let estimate = steep_pixels(&f.luma, f.w, f.h, &roi, 4.0);
        assert!(exact > 4 * EDGE_BUDGET, "{exact} steep pixels");
        assert!(
            estimate.abs_diff(exact) * 10 < exact,
            "{estimate} for {exact}"
        );
        // Every fourth row: as wide as where every row is looked at (a part small enough for that),
        // from fewer edges than every other row would give.
        let busy = measure(&f, &roi, 0.25);
        let small = mosaic(300, 200, 3);
        let whole = measure(&small, &Roi::full(small.w, small.h), 0.25);
        for k in [0, 2] {
            let (a, b) = (
                busy.widths[k].expect("busy"),
                whole.widths[k].expect("whole"),
            );
            assert!((a - b).abs() <= 0.1 * b, "direction {k}: {a} against {b}");
        }
        assert!(whole.widths[0].is_some_and(|w| w >= 2.0) && whole.widths[2] == Some(1.0));
        // Edges per pixel: a quarter of the rows give a quarter of the part's, every other row half.
        let per_px =
            |m: &BlurMeasure, f: &Frame| m.counts.iter().sum::<usize>() as f32 / (f.w * f.h) as f32;
        let share = per_px(&busy, &f) / per_px(&whole, &small);
        assert!(
            (0.2..0.3).contains(&share),
            "{share} of the edges per pixel"
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
