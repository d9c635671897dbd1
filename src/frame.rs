//! The analysis frame: luma at the working scale, with what the checks that look coarser need (a
//! coarser luma for the document finder, the glare check's cells of darkest luma and summed chroma),
//! built in one pass over the RGBA pixels, and the region of interest (the document, or the central part
//! of the photo) as row spans.
//!
//! Every check looks at the photo at about the same scale whatever the camera, so its thresholds mean
//! the same on a 12-megapixel photo and a 720p video frame: a box filter by an integer factor brings the
//! longer side to at most [`WORKING_SIDE`] pixels.

use crate::glare::{CellRows, Cells};
use crate::view::RgbaView;

/// The longest side of the working frame, in pixels. Verification services look at documents at about
/// this scale, and the blur thresholds (see `sharpness`) were measured at it.
pub const WORKING_SIDE: u32 = 1600;

/// The smaller of two numbers that are never NaN, as a compare and a select. `f32::min` must return
/// the other number when one is NaN, which wasm's `f32.min` does not do, so it becomes a call to `fminf`
/// there: 8% of a 720p check's time in Chromium, from the hot loops.
#[inline(always)]
pub fn min(a: f32, b: f32) -> f32 {
    if b < a {
        b
    } else {
        a
    }
}

/// The larger of two numbers that are never NaN; see [`min`].
#[inline(always)]
pub fn max(a: f32, b: f32) -> f32 {
    if b > a {
        b
    } else {
        a
    }
}

/// `x` brought into `[lo, hi]`, as `f32::clamp` does (a NaN stays NaN), but without its assertion that
/// `lo <= hi`: where the bounds are not constants, that assertion's message, which formats them, brings
/// the standard library's float formatting into the wasm for a panic that must never cross into
/// JavaScript (see `report::push_integer`). Bounds the wrong way round give one of them.
#[inline(always)]
pub fn clamp(x: f32, lo: f32, hi: f32) -> f32 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// Luma (Rec. 601 weights on the encoded values, 0-255) at working scale, and what is taken of it and of
/// the chroma (max - min of R, G, B) in the same pass.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Working width.
    pub w: usize,
    /// Working height.
    pub h: usize,
    /// Photo pixels per working pixel along each axis.
    pub scale: u32,
    /// Luma, row by row.
    pub luma: Vec<f32>,
    /// The glare check's cells; none for a part of a frame ([`Frame::crop`]).
    pub cells: Cells,
    /// The luma box-filtered again for the document finder's lines (see [`Coarse`]), built in the same
    /// pass; `None` for a part of a frame ([`Frame::crop`]) or one built without it ([`Frame::build`]):
    /// the finder then reduces the luma itself.
    pub coarse: Option<Coarse>,
}

/// Luma box-filtered by an integer factor `k`, for the document finder's lines: the longer side at most
/// `document::HOUGH_SIDE` pixels (partial boxes dropped, as in the working frame).
#[derive(Clone, Debug)]
pub struct Coarse {
    /// Width.
    pub w: usize,
    /// Height.
    pub h: usize,
    /// Working pixels per coarse pixel along each axis.
    pub k: usize,
    /// Luma, row by row.
    pub luma: Vec<f32>,
}

/// Builds a [`Coarse`] image from the rows of a `w` x `h` luma image given one at a time, in order:
/// each box's rows summed along the row, then its columns, the rows dropped as soon as they are summed.
pub struct Boxer {
    out: Coarse,
    sums: Vec<f32>,
    rows: usize,
    oy: usize,
    norm: f32,
}

/// The bilinear sample of a `w`-wide luma image at `(x, y)`, whose four pixels must lie in it.
#[inline(always)]
pub fn bilinear(luma: &[f32], w: usize, x: f32, y: f32) -> f32 {
    let (xi, yi) = (x.floor(), y.floor());
    let (fx, fy) = (x - xi, y - yi);
    let i = yi as usize * w + xi as usize;
    (1.0 - fy) * ((1.0 - fx) * luma[i] + fx * luma[i + 1])
        + fy * ((1.0 - fx) * luma[i + w] + fx * luma[i + w + 1])
}

/// Where [`bilinear_across`] samples: at offsets `o = centre + k / 2` along the unit normal `n` from
/// `p`, at `p + o n`, for `k` from `from` on.
#[derive(Clone, Copy)]
pub struct Across {
    /// The point on the line.
    pub p: [f32; 2],
    /// The unit normal along which the samples lie.
    pub n: [f32; 2],
    /// The offset that `k = 0` stands for.
    pub centre: f32,
    /// The first sample's `k`.
    pub from: i32,
}

/// Bilinear samples of a `w`-wide luma image across a line (see [`Across`]), one into each of `out`.
/// The samples' four pixels must lie in the image, of fewer than 2^31 pixels (a working frame's at
/// most 1600 x 1600): a caller checks the first and the last, and those between lie between them.
/// The SIMD128 kernel where the build has it (the document finder's refit takes 23 across each of a
/// side's samples).
pub fn bilinear_across(luma: &[f32], w: usize, line: &Across, out: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    bilinear_across_simd128(luma, w, line, out);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    bilinear_across_scalar(luma, w, line, out);
}

/// The reference for [`bilinear_across`], and its code wherever there is no SIMD kernel.
pub fn bilinear_across_scalar(luma: &[f32], w: usize, line: &Across, out: &mut [f32]) {
    let Across { p, n, centre, from } = *line;
    for (k, v) in (from..).zip(out.iter_mut()) {
        let o = centre + k as f32 * 0.5;
        *v = bilinear(luma, w, p[0] + o * n[0], p[1] + o * n[1]);
    }
}

/// [`bilinear_across`] four samples at a time: their coordinates, weights and interpolation as
/// vectors, in the scalar code's operations and order (`tests/wasm.rs` compares the two bit for bit),
/// the sixteen pixels gathered one by one.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unsafe_code)]
fn bilinear_across_simd128(luma: &[f32], w: usize, line: &Across, out: &mut [f32]) {
    use core::arch::wasm32::*;
    let Across { p, n, centre, from } = *line;
    let mut fours = out.chunks_exact_mut(4);
    let mut k = from;
    let (half, one) = (f32x4_splat(0.5), f32x4_splat(1.0));
    for v in &mut fours {
        let o = f32x4_add(
            f32x4_splat(centre),
            f32x4_mul(f32x4_convert_i32x4(i32x4(k, k + 1, k + 2, k + 3)), half),
        );
        let x = f32x4_add(f32x4_splat(p[0]), f32x4_mul(o, f32x4_splat(n[0])));
        let y = f32x4_add(f32x4_splat(p[1]), f32x4_mul(o, f32x4_splat(n[1])));
        let (xi, yi) = (f32x4_floor(x), f32x4_floor(y));
        let (fx, fy) = (f32x4_sub(x, xi), f32x4_sub(y, yi));
        // Both non-negative and within the image: truncation is the scalar `as usize`.
        let at = i32x4_add(
            i32x4_mul(i32x4_trunc_sat_f32x4(yi), i32x4_splat(w as i32)),
            i32x4_trunc_sat_f32x4(xi),
        );
        let i = [
            u32x4_extract_lane::<0>(at) as usize,
            u32x4_extract_lane::<1>(at) as usize,
            u32x4_extract_lane::<2>(at) as usize,
            u32x4_extract_lane::<3>(at) as usize,
        ];
        let gather = |d: usize| {
            f32x4(
                luma[i[0] + d],
                luma[i[1] + d],
                luma[i[2] + d],
                luma[i[3] + d],
            )
        };
        let gx = f32x4_sub(one, fx);
        let top = f32x4_add(f32x4_mul(gx, gather(0)), f32x4_mul(fx, gather(1)));
        let bottom = f32x4_add(f32x4_mul(gx, gather(w)), f32x4_mul(fx, gather(w + 1)));
        let s = f32x4_add(f32x4_mul(f32x4_sub(one, fy), top), f32x4_mul(fy, bottom));
        // SAFETY: `v` is 4 f32 (chunks_exact); v128 stores have no alignment requirement.
        unsafe { v128_store(v.as_mut_ptr().cast::<v128>(), s) };
        k += 4;
    }
    let rest = Across { from: k, ..*line };
    bilinear_across_scalar(luma, w, &rest, fours.into_remainder());
}

/// Each run of `k` of `sums` summed in order and scaled by `norm`, into `out`; the SIMD128 kernel
/// for boxes of 3 (a 720p or 1280x960 frame's) where the build has it.
pub fn box_sums(out: &mut [f32], sums: &[f32], k: usize, norm: f32) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if k == 3 {
        return box_sums_3_simd128(out, sums, norm);
    }
    box_sums_scalar(out, sums, k, norm);
}

/// The reference for [`box_sums`], and its code wherever there is no SIMD kernel.
pub fn box_sums_scalar(out: &mut [f32], sums: &[f32], k: usize, norm: f32) {
    for (o, box_) in out.iter_mut().zip(sums.chunks_exact(k.max(1))) {
        *o = box_.iter().sum::<f32>() * norm;
    }
}

/// [`box_sums`] of boxes of 3, four at a time: twelve sums loaded as three vectors and shuffled into
/// each box's first, second and third, added in the scalar code's order (`tests/wasm.rs` compares
/// them).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unsafe_code)]
fn box_sums_3_simd128(out: &mut [f32], sums: &[f32], norm: f32) {
    use core::arch::wasm32::*;
    let n = out.len().min(sums.len() / 3);
    let quads = n / 4;
    let scale = f32x4_splat(norm);
    for q in 0..quads {
        let s = &sums[12 * q..12 * q + 12];
        // SAFETY: `s` is twelve floats, read as three runs of four; v128 loads need no alignment.
        let (v0, v1, v2) = unsafe {
            (
                v128_load(s.as_ptr().cast::<v128>()),
                v128_load(s[4..].as_ptr().cast::<v128>()),
                v128_load(s[8..].as_ptr().cast::<v128>()),
            )
        };
        // A shuffle's lanes 0-3 are its first operand's, 4-7 its second's.
        let a = i32x4_shuffle::<0, 1, 2, 5>(i32x4_shuffle::<0, 3, 6, 7>(v0, v1), v2);
        let b = i32x4_shuffle::<0, 1, 2, 6>(i32x4_shuffle::<1, 4, 7, 0>(v0, v1), v2);
        let c = i32x4_shuffle::<0, 1, 4, 7>(i32x4_shuffle::<2, 5, 0, 0>(v0, v1), v2);
        let o = &mut out[4 * q..4 * q + 4];
        // SAFETY: `o` is four floats; stores need no alignment.
        unsafe {
            v128_store(
                o.as_mut_ptr().cast::<v128>(),
                f32x4_mul(f32x4_add(f32x4_add(a, b), c), scale),
            );
        }
    }
    box_sums_scalar(&mut out[4 * quads..n], &sums[12 * quads..], 3, norm);
}

impl Boxer {
    /// For rows of `w` pixels, `h` of them, reduced by `k`.
    pub fn new(w: usize, h: usize, k: usize) -> Self {
        let k = k.max(1);
        let (cw, ch) = ((w / k).max(1), (h / k).max(1));
        Self {
            out: Coarse {
                w: cw,
                h: ch,
                k,
                luma: vec![0.0; cw * ch],
            },
            sums: vec![0.0; cw * k],
            rows: 0,
            oy: 0,
            norm: 1.0 / (k * k) as f32,
        }
    }

    /// Adds the next row.
    #[inline]
    pub fn push(&mut self, row: &[f32]) {
        if self.oy >= self.out.h {
            return;
        }
        for (s, v) in self.sums.iter_mut().zip(row) {
            *s += v;
        }
        self.rows += 1;
        if self.rows == self.out.k {
            self.emit();
        }
    }

    fn emit(&mut self) {
        let (k, w) = (self.out.k, self.out.w);
        let orow = &mut self.out.luma[self.oy * w..(self.oy + 1) * w];
        box_sums(orow, &self.sums, k, self.norm);
        self.sums.fill(0.0);
        self.rows = 0;
        self.oy += 1;
    }

    /// The image; a box cut short by an image less than `k` high is taken as it is.
    pub fn finish(mut self) -> Coarse {
        if self.rows > 0 && self.oy < self.out.h {
            self.emit();
        }
        self.out
    }
}

impl Frame {
    /// Box-filters `view` down by the smallest integer factor that brings its longer side to
    /// [`WORKING_SIDE`] or less (partial boxes at the right and bottom edges are dropped), with the
    /// document finder's coarser copy.
    pub fn new(view: &RgbaView) -> Self {
        Self::build(view, true)
    }

    /// [`Frame::new`], with the document finder's coarser copy only if `coarse` (a check given the
    /// document's corners runs no finder).
    pub fn build(view: &RgbaView, coarse: bool) -> Self {
        let (pw, ph) = (view.width(), view.height());
        let scale = pw.max(ph).div_ceil(WORKING_SIDE).max(1);
        let w = (pw / scale).max(1) as usize;
        let h = (ph / scale).max(1) as usize;
        let s = scale as usize;
        let mut luma = vec![0f32; w * h];
        // Chroma is needed only summed over the glare check's cells: one row of it at a time.
        let mut crow = vec![0u8; w];
        let mut cells = CellRows::new(w, h);
        let mut boxer = coarse.then(|| Boxer::new(w, h, crate::document::coarse_factor(w, h)));
        // Reduced (s > 1): sum each column of the box's rows first (a straight pass along the row,
        // which the compiler vectorises), then the columns of each box: the pixels are read once, in
        // order. At full scale (most video frames and small photos) one pixel each.
        let rows_per = s.min(ph as usize);
        let cols_per = s.min(pw as usize);
        let span = if cols_per == s { w * s } else { cols_per };
        let (mut col_y, mut col_c) = if s > 1 {
            (vec![0u32; span], vec![0u32; span])
        } else {
            (Vec::new(), Vec::new())
        };
        let n = (rows_per * cols_per) as u32;
        let norm = 1.0 / (256.0 * n as f32);
        // The chroma sum's integer mean by a multiplication: an integer division per pixel is slow in
        // wasm. Sums stay below 2^24 and the fractions of a mean are multiples of 1/n, far above the
        // product's rounding error, so adding a ten-thousandth makes the truncation exact.
        let inv = 1.0 / n as f32;
        let mean = |sum: u32| (sum as f32 * inv + 1e-4) as u8;
        for (y, lrow) in luma.chunks_exact_mut(w).enumerate() {
            if s == 1 {
                convert(view.row(y as u32), lrow, &mut crow);
            } else {
                col_y.fill(0);
                col_c.fill(0);
                for dy in 0..rows_per {
                    accumulate(
                        &view.row((y * s + dy) as u32)[..span * 4],
                        &mut col_y,
                        &mut col_c,
                    );
                }
                for (((l, c), ys), cs) in lrow
                    .iter_mut()
                    .zip(crow.iter_mut())
                    .zip(col_y.chunks_exact(cols_per))
                    .zip(col_c.chunks_exact(cols_per))
                {
                    *l = ys.iter().sum::<u32>() as f32 * norm;
                    *c = mean(cs.iter().sum::<u32>());
                }
            }
            if let Some(b) = boxer.as_mut() {
                b.push(lrow);
            }
            cells.add(y, lrow, &crow);
        }
        Self {
            w,
            h,
            scale,
            luma,
            cells: cells.finish(),
            coarse: boxer.map(Boxer::finish),
        }
    }

    /// The `w` x `h` part of the frame from `(x0, y0)`, clipped to the frame (at least one pixel), at
    /// the same scale: its luma alone, for the document finder's second look.
    pub fn crop(&self, x0: usize, y0: usize, w: usize, h: usize) -> Frame {
        let x0 = x0.min(self.w - 1);
        let y0 = y0.min(self.h - 1);
        let w = w.clamp(1, self.w - x0);
        let h = h.clamp(1, self.h - y0);
        let mut luma = Vec::with_capacity(w * h);
        for y in y0..y0 + h {
            let row = y * self.w + x0;
            luma.extend_from_slice(&self.luma[row..row + w]);
        }
        Frame {
            w,
            h,
            scale: self.scale,
            luma,
            cells: CellRows::new(0, 0).finish(),
            coarse: None,
        }
    }

    /// Luma at `(x, y)`; both must be in range.
    #[inline]
    pub fn at(&self, x: usize, y: usize) -> f32 {
        self.luma[y * self.w + x]
    }
}

/// For the pixels of row `y` of a `w`-wide luma image from `from` to `to` (each at least a pixel inside
/// the image), `flag` of their central differences `(gx, gy)` into `out[from..to]`: one straight pass
/// over the stretch, which the compiler vectorises, where a test of every other pixel would go one by one.
#[inline(always)]
pub fn flag_row(
    luma: &[f32],
    w: usize,
    y: usize,
    (from, to): (usize, usize),
    out: &mut [u8],
    flag: impl Fn(f32, f32) -> u8,
) {
    let (above, row, below) = (
        &luma[(y - 1) * w..y * w],
        &luma[y * w..(y + 1) * w],
        &luma[(y + 1) * w..(y + 2) * w],
    );
    let across = row[from + 1..to + 1].iter().zip(&row[from - 1..to - 1]);
    let down = below[from..to].iter().zip(&above[from..to]);
    for (o, ((east, west), (south, north))) in out[from..to].iter_mut().zip(across.zip(down)) {
        *o = flag(east - west, south - north);
    }
}

/// Luma times 256 (Rec. 601 weights 77, 150, 29) and chroma (max - min of R, G, B) of one RGBA pixel,
/// read as one little-endian word so that the compiler can vectorise the loops that call it.
#[inline(always)]
fn luma_chroma(px: &[u8]) -> (u32, u32) {
    let p = u32::from_le_bytes([px[0], px[1], px[2], px[3]]);
    let (r, g, b) = (p & 0xff, (p >> 8) & 0xff, (p >> 16) & 0xff);
    (77 * r + 150 * g + 29 * b, r.max(g).max(b) - r.min(g).min(b))
}

/// Each pixel's [`luma_chroma`] of an RGBA row, luma scaled to 0-255, into `luma` and `chroma` (as
/// many pixels as all three hold); the SIMD128 kernel where the build has it.
fn convert(row: &[u8], luma: &mut [f32], chroma: &mut [u8]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    convert_simd128(row, luma, chroma);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    convert_scalar(row, luma, chroma);
}

/// The reference for [`convert`], and its code wherever there is no SIMD kernel.
fn convert_scalar(row: &[u8], luma: &mut [f32], chroma: &mut [u8]) {
    for ((l, c), px) in luma
        .iter_mut()
        .zip(chroma.iter_mut())
        .zip(row.chunks_exact(4))
    {
        let (y, c_) = luma_chroma(px);
        *l = y as f32 * (1.0 / 256.0);
        *c = c_ as u8;
    }
}

/// [`luma_chroma`] of four RGBA pixels as two `i32x4`: luma by i16 dot products, chroma from byte
/// max and min.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn luma_chroma_x4(
    v: core::arch::wasm32::v128,
) -> (core::arch::wasm32::v128, core::arch::wasm32::v128) {
    use core::arch::wasm32::*;
    // Per pixel [r, g, b, a] as i16: 77 r + 150 g and 29 b + 0 a are the two halves of its luma.
    let weights = i16x8(77, 150, 29, 0, 77, 150, 29, 0);
    let halves_lo = i32x4_dot_i16x8(u16x8_extend_low_u8x16(v), weights);
    let halves_hi = i32x4_dot_i16x8(u16x8_extend_high_u8x16(v), weights);
    let luma = i32x4_add(
        i32x4_shuffle::<0, 2, 4, 6>(halves_lo, halves_hi),
        i32x4_shuffle::<1, 3, 5, 7>(halves_lo, halves_hi),
    );
    // Byte 0 of each pixel's word: max and min of r, g (shifted down 8) and b (shifted down 16).
    let (g, b) = (u32x4_shr(v, 8), u32x4_shr(v, 16));
    let max = u8x16_max(u8x16_max(v, g), b);
    let min = u8x16_min(u8x16_min(v, g), b);
    (luma, v128_and(u8x16_sub(max, min), u32x4_splat(0xff)))
}

/// [`convert`] four pixels at a time in SIMD128 (a 1280x720 frame: 1.7 ms in Chromium one pixel at a
/// time). Luma is an integer below 2^24 scaled by a power of two, exactly as the scalar code computes
/// it (`tests/wasm.rs` checks the frame against its definition in this build).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unsafe_code)]
fn convert_simd128(row: &[u8], luma: &mut [f32], chroma: &mut [u8]) {
    use core::arch::wasm32::*;
    let n = luma.len().min(chroma.len()).min(row.len() / 4);
    let (row, luma, chroma) = (&row[..n * 4], &mut luma[..n], &mut chroma[..n]);
    let scale = f32x4_splat(1.0 / 256.0);
    let mut px = row.chunks_exact(16);
    let mut l4 = luma.chunks_exact_mut(4);
    let mut c4 = chroma.chunks_exact_mut(4);
    for ((p, l), c) in (&mut px).zip(&mut l4).zip(&mut c4) {
        // SAFETY: `p` is 16 bytes and `l` 4 f32 (chunks_exact); v128 loads and stores have no
        // alignment requirement.
        let v = unsafe { v128_load(p.as_ptr().cast::<v128>()) };
        let (y, ch) = luma_chroma_x4(v);
        let bytes = u8x16_narrow_i16x8(i16x8_narrow_i32x4(ch, ch), i16x8_splat(0));
        // SAFETY: as above.
        unsafe {
            v128_store(
                l.as_mut_ptr().cast::<v128>(),
                f32x4_mul(f32x4_convert_i32x4(y), scale),
            )
        };
        c.copy_from_slice(&u32x4_extract_lane::<0>(bytes).to_le_bytes());
    }
    convert_scalar(px.remainder(), l4.into_remainder(), c4.into_remainder());
}

/// Adds each pixel's [`luma_chroma`] of an RGBA row to `ys` and `cs` (as many pixels as all three
/// hold); the SIMD128 kernel where the build has it.
fn accumulate(row: &[u8], ys: &mut [u32], cs: &mut [u32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    accumulate_simd128(row, ys, cs);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    accumulate_scalar(row, ys, cs);
}

/// The reference for [`accumulate`], and its code wherever there is no SIMD kernel.
fn accumulate_scalar(row: &[u8], ys: &mut [u32], cs: &mut [u32]) {
    for ((ay, ac), px) in ys.iter_mut().zip(cs.iter_mut()).zip(row.chunks_exact(4)) {
        let (y, c) = luma_chroma(px);
        *ay += y;
        *ac += c;
    }
}

/// [`accumulate`] four pixels at a time in SIMD128: the compiler left the scalar loop scalar (the wasm
/// builds with and without SIMD ran at the same speed), which cost 21 ms of a 12-megapixel check.
/// Integer arithmetic throughout, so its sums equal the scalar ones exactly (`tests/wasm.rs` checks the
/// frame against its definition in this build).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unsafe_code)]
fn accumulate_simd128(row: &[u8], ys: &mut [u32], cs: &mut [u32]) {
    use core::arch::wasm32::*;
    let n = ys.len().min(cs.len()).min(row.len() / 4);
    let (row, ys, cs) = (&row[..n * 4], &mut ys[..n], &mut cs[..n]);
    let mut px = row.chunks_exact(16);
    let mut y4 = ys.chunks_exact_mut(4);
    let mut c4 = cs.chunks_exact_mut(4);
    for ((p, y), c) in (&mut px).zip(&mut y4).zip(&mut c4) {
        // SAFETY: `p` is 16 bytes and `y`, `c` are 4 u32 each (chunks_exact); v128 loads and stores
        // have no alignment requirement.
        let (v, yv, cv) = unsafe {
            (
                v128_load(p.as_ptr().cast::<v128>()),
                v128_load(y.as_ptr().cast::<v128>()),
                v128_load(c.as_ptr().cast::<v128>()),
            )
        };
        let (luma, chroma) = luma_chroma_x4(v);
        // SAFETY: as above.
        unsafe {
            v128_store(y.as_mut_ptr().cast::<v128>(), i32x4_add(yv, luma));
            v128_store(c.as_mut_ptr().cast::<v128>(), i32x4_add(cv, chroma));
        }
    }
    accumulate_scalar(px.remainder(), y4.into_remainder(), c4.into_remainder());
}

/// A convex region of the working frame as one horizontal span `[x0, x1)` per row from `y0`.
#[derive(Clone, Debug, PartialEq)]
pub struct Roi {
    /// First row.
    pub y0: usize,
    /// Spans of rows `y0`, `y0 + 1`, ...; empty spans have `x0 == x1`.
    pub spans: Vec<(usize, usize)>,
}

impl Roi {
    /// The whole frame.
    pub fn full(w: usize, h: usize) -> Self {
        Self {
            y0: 0,
            spans: vec![(0, w); h],
        }
    }

    /// The central `frac` of the frame in each direction (at least one pixel).
    pub fn central(w: usize, h: usize, frac: f32) -> Self {
        let cw = ((w as f32 * frac).round() as usize).clamp(1, w);
        let ch = ((h as f32 * frac).round() as usize).clamp(1, h);
        let (x0, y0) = ((w - cw) / 2, (h - ch) / 2);
        Self {
            y0,
            spans: vec![(x0, x0 + cw); ch],
        }
    }

    /// The pixels of a convex quadrilateral given in working-frame coordinates, clipped to the frame.
    /// Falls back to the central part of the frame when the quadrilateral covers no pixel.
    pub fn quad(w: usize, h: usize, q: [[f32; 2]; 4]) -> Self {
        let ymin = q
            .iter()
            .map(|p| p[1])
            .fold(f32::INFINITY, f32::min)
            .floor()
            .max(0.0) as usize;
        let ymax = (q
            .iter()
            .map(|p| p[1])
            .fold(f32::NEG_INFINITY, f32::max)
            .ceil()
            .max(0.0) as usize)
            .min(h);
        let mut spans = Vec::with_capacity(ymax.saturating_sub(ymin));
        for y in ymin..ymax {
            let yc = y as f32 + 0.5;
            let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
            for i in 0..4 {
                let (a, b) = (q[i], q[(i + 1) % 4]);
                if (a[1] <= yc && b[1] > yc) || (b[1] <= yc && a[1] > yc) {
                    let x = a[0] + (yc - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
            let x0 = (lo.max(0.0).round() as usize).min(w);
            let x1 = (hi.max(0.0).round() as usize).min(w).max(x0);
            spans.push((x0, x1));
        }
        let roi = Self { y0: ymin, spans };
        if roi.area() == 0 {
            Self::central(w, h, 0.6)
        } else {
            roi
        }
    }

    /// Number of pixels.
    pub fn area(&self) -> usize {
        self.spans.iter().map(|(a, b)| b - a).sum()
    }

    /// Rows with their spans: `(y, x0, x1)`.
    pub fn rows(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.spans
            .iter()
            .enumerate()
            .map(move |(i, &(a, b))| (self.y0 + i, a, b))
    }

    /// Whether `(x, y)` is inside.
    pub fn contains(&self, x: usize, y: usize) -> bool {
        y >= self.y0
            && self
                .spans
                .get(y - self.y0)
                .is_some_and(|&(a, b)| x >= a && x < b)
    }

    /// Bounding box `(x0, y0, x1, y1)`, exclusive at the far sides.
    pub fn bbox(&self) -> (usize, usize, usize, usize) {
        let x0 = self
            .spans
            .iter()
            .filter(|s| s.1 > s.0)
            .map(|s| s.0)
            .min()
            .unwrap_or(0);
        let x1 = self.spans.iter().map(|s| s.1).max().unwrap_or(0);
        (x0, self.y0, x1.max(x0), self.y0 + self.spans.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_of(px: &[u8], w: u32, h: u32) -> RgbaView<'_> {
        RgbaView::new(px, w, h).expect("valid test image")
    }

    #[test]
    fn luma_and_chroma_of_literal_pixels() {
        let px = [255, 255, 255, 255, 255, 0, 0, 255, 0, 0, 0, 255];
        let f = Frame::new(&view_of(&px, 3, 1));
        assert_eq!((f.w, f.h, f.scale), (3, 1, 1));
        assert!((f.luma[0] - 255.0).abs() < 0.01);
        assert!((f.luma[1] - 255.0 * 77.0 / 256.0).abs() < 0.01);
        let (mut luma, mut chroma) = ([0f32; 3], [0u8; 3]);
        convert(&px, &mut luma, &mut chroma);
        assert_eq!(luma, f.luma[..]);
        assert_eq!(chroma, [0, 255, 0]);
    }

    #[test]
    fn downscales_by_an_integer_box() {
        let (w, h) = (3300u32, 10u32);
        let mut px = vec![0u8; (w * h * 4) as usize];
        for (i, p) in px.chunks_exact_mut(4).enumerate() {
            let v = if (i % w as usize) % 2 == 0 { 200 } else { 100 };
            p.copy_from_slice(&[v, v, v, 255]);
        }
        let f = Frame::new(&view_of(&px, w, h));
        assert_eq!((f.scale, f.w, f.h), (3, 1100, 3));
        // Boxes of 3 columns alternate 200,100,200 and 100,200,100.
        assert!((f.luma[0] - 500.0 / 3.0).abs() < 0.01);
    }

    /// The coarse luma built in the frame's own pass is each box's mean of the frame's luma, for a
    /// frame at full scale and one reduced from a larger photo, and a part of a frame has none.
    #[test]
    fn the_coarse_luma_is_the_mean_of_each_box_of_the_frame() {
        for (w, h) in [(1283u32, 722u32), (4000, 3002)] {
            let px: Vec<u8> = (0..w * h)
                .flat_map(|i| {
                    let (x, y) = (i % w, i / w);
                    let v = ((x * 7 + y * 13) % 256) as u8;
                    [v, v / 2, 255 - v, 255]
                })
                .collect();
            let f = Frame::new(&view_of(&px, w, h));
            let c = f.coarse.as_ref().expect("built with the frame");
            let k = crate::document::coarse_factor(f.w, f.h);
            assert_eq!((c.k, c.w, c.h), (k, f.w / k, f.h / k));
            assert!(c.w <= crate::document::HOUGH_SIDE && c.h <= crate::document::HOUGH_SIDE);
            for (cy, cx) in [(0, 0), (c.h / 2, c.w / 3), (c.h - 1, c.w - 1)] {
                let mut sum = 0.0;
                for y in cy * k..(cy + 1) * k {
                    for x in cx * k..(cx + 1) * k {
                        sum += f.at(x, y);
                    }
                }
                let mean = sum / (k * k) as f32;
                assert!(
                    (c.luma[cy * c.w + cx] - mean).abs() < 1e-3,
                    "{w}x{h} at {cx},{cy}"
                );
            }
            assert!(f.crop(10, 10, 100, 100).coarse.is_none());
        }
    }

    #[test]
    fn quad_roi_covers_its_inside() {
        let roi = Roi::quad(
            100,
            100,
            [[10.0, 10.0], [90.0, 10.0], [90.0, 60.0], [10.0, 60.0]],
        );
        assert_eq!(roi.bbox(), (10, 10, 90, 60));
        assert_eq!(roi.area(), 80 * 50);
        assert!(roi.contains(50, 30) && !roi.contains(5, 30) && !roi.contains(50, 70));
        let outside = Roi::quad(
            100,
            100,
            [
                [-50.0, -50.0],
                [-10.0, -50.0],
                [-10.0, -10.0],
                [-50.0, -10.0],
            ],
        );
        assert_eq!(outside, Roi::central(100, 100, 0.6));
    }
}
