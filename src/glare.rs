//! Glare: specular hot spots on the document, found as blobs of washed-out cells (every pixel near white
//! and colourless) that are ringed by a halo of lifted darks.
//!
//! White paper is also near white, so whiteness alone proves nothing. What a reflection does and paper
//! does not is wash out the print under it and brighten everything around it: the darkest pixels of the
//! cells just outside a glare blob are far lighter than print, while blank paper is bordered by print or
//! by the card's edge. We split the region into cells, mark the washed ones, join them into blobs, and
//! keep the compact blobs whose ring of neighbouring cells has a high black level and part of which the
//! reflection has clipped to white.
//!
//! Limits, measured: a hot spot on blank white paper erases nothing and is not found (the two white
//! passports of synthetic-dev); on densely printed areas the ring holds print and its black level stays
//! low, so spots there are found only where the print around them is sparse, as on most cards.

use crate::frame::{Frame, Roi};
use crate::report::{Bound, Check, Rect, Status, Text};

/// Thresholds for [`glare`].
#[derive(Clone, Copy, Debug)]
pub struct GlareConfig {
    /// Share of the region covered by glare at and above which the photo fails.
    pub fail: f32,
    /// Share at and above which it warns.
    pub warn: f32,
    /// A cell is washed out when its darkest pixel is at least this light...
    pub washed_min_luma: f32,
    /// ...and its mean chroma at most this.
    pub washed_max_chroma: u8,
    /// A blob is glare when the median black level of the cells around it is at least this...
    pub halo_min_luma: f32,
    /// ...and it holds a washed-out disc of at least this radius (working pixels)...
    pub min_core: f32,
    /// ...and at least this share of its cells is clipped to white (every pixel at a level of 250 or
    /// more). A reflection of a lamp or a flash is far brighter than the paper and clips where it is
    /// strongest; a bright blank field of a card in even light does not. The hot spots found on
    /// synthetic-dev and three sets made like it from other specimens (peaks of 120 to 700): 52-95% of
    /// their cells clipped. The blobs that passed the other tests where there is no hot spot: the blank
    /// top field of the card in the real photo on dark fabric (luma 242-245) and the Swiss card's blank
    /// field, in 14 photos of one such set, none; the Polish visa's white fields, at 0.8 of the width or
    /// blurred, 0-4%; the white margin of the Slovenian card's scan, 0-30% (four of its eight photos
    /// pass). No hot spot is missed for it in any of the four sets.
    pub min_clipped: f32,
}

impl Default for GlareConfig {
    fn default() -> Self {
        // Measured with `cargo xtask eval` on synthetic-dev; see the README's accuracy table.
        // Clean photos' blobs have halos up to 157 or cores up to 21 px (the visa's white fields, specimens'
        // blank paper); hot spots of peak 400 on coloured documents 164-208 and 24-72 px.
        Self {
            fail: 0.01,
            warn: 0.004,
            washed_min_luma: 235.0,
            washed_max_chroma: 24,
            halo_min_luma: 160.0,
            min_core: 22.0,
            min_clipped: 0.2,
        }
    }
}

/// Cell side in working pixels.
pub const CELL: usize = 8;
/// How many cells out the halo ring reaches.
const RING: usize = 3;

/// A washed-out blob and the black level around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Blob {
    /// Box in working pixels.
    pub rect: Rect,
    /// Pixels (cells times cell area) inside the region.
    pub area: f32,
    /// Median of the darkest pixel of each ring cell (255 when there is no ring).
    pub halo: f32,
    /// Radius of the largest disc of washed cells inside the blob, in working pixels: print washed out
    /// over a wide area, which blank paper between lines of print does not have.
    pub core: f32,
    /// Share of its cells clipped to white: every pixel at a level of 250 or more.
    pub clipped: f32,
}

/// The darkest luma and the summed chroma of every `CELL` x `CELL` cell of the frame: what the glare
/// check asks of the pixels, taken as the frame is built (see [`CellRows`]), so that judging the
/// document and the centre of the photo reads the pixels once and the frame keeps no chroma of its own.
#[derive(Clone, Debug)]
pub struct Cells {
    cw: usize,
    ch: usize,
    dark: Vec<f32>,
    chroma: Vec<u32>,
}

impl Cells {
    /// Cells across and down.
    pub fn size(&self) -> (usize, usize) {
        (self.cw, self.ch)
    }

    /// The darkest luma and the summed chroma of the cell `(cx, cy)`; both must be in range.
    pub fn at(&self, cx: usize, cy: usize) -> (f32, u32) {
        let k = cy * self.cw + cx;
        (self.dark[k], self.chroma[k])
    }
}

/// Builds [`Cells`] from the frame's rows, given in order: each column's darkest luma and summed chroma
/// down a band of `CELL` rows (element by element, which the compiler vectorises), then each cell's
/// from its columns once the band is complete.
pub struct CellRows {
    cells: Cells,
    dark: Vec<f32>,
    chroma: Vec<u16>,
}

impl CellRows {
    /// For a `w` x `h` frame (partial cells at the right and bottom are left out).
    pub fn new(w: usize, h: usize) -> Self {
        let (cw, ch) = (w / CELL, h / CELL);
        Self {
            cells: Cells {
                cw,
                ch,
                dark: vec![255.0; cw * ch],
                chroma: vec![0; cw * ch],
            },
            dark: vec![255.0; cw * CELL],
            chroma: vec![0; cw * CELL],
        }
    }

    /// Adds row `y` of the frame: its luma and chroma.
    #[inline]
    pub fn add(&mut self, y: usize, luma: &[f32], chroma: &[u8]) {
        let c = &mut self.cells;
        if y >= c.ch * CELL {
            return;
        }
        for (d, &l) in self.dark.iter_mut().zip(luma) {
            *d = crate::frame::min(*d, l);
        }
        // At most CELL * 255 per column.
        for (s, &v) in self.chroma.iter_mut().zip(chroma) {
            *s += u16::from(v);
        }
        if y % CELL == CELL - 1 {
            let k0 = y / CELL * c.cw;
            let cells = c.dark[k0..k0 + c.cw]
                .iter_mut()
                .zip(&mut c.chroma[k0..k0 + c.cw]);
            for ((d, s), (l8, c8)) in cells.zip(
                self.dark
                    .chunks_exact(CELL)
                    .zip(self.chroma.chunks_exact(CELL)),
            ) {
                *d = l8.iter().copied().fold(255.0, crate::frame::min);
                *s = c8.iter().map(|&v| u32::from(v)).sum::<u32>();
            }
            self.dark.fill(255.0);
            self.chroma.fill(0);
        }
    }

    /// The cells.
    pub fn finish(self) -> Cells {
        self.cells
    }
}

/// Every washed-out blob in `roi`, from the frame's cells.
pub fn blobs(frame: &Frame, roi: &Roi, cfg: &GlareConfig) -> Vec<Blob> {
    let cells = &frame.cells;
    // The cells that may lie in the region, those over its bounding box: no cell beyond it is inside,
    // so none is washed, none is in a blob or its ring, and the chamfer distance, 0 at any such cell
    // as beyond the grid, is the same over these cells alone (the centre's region, 36% of the frame,
    // costs half as much in V8).
    let (x0, y0, x1, y1) = roi.bbox();
    let (gx0, gy0) = (x0 / CELL, y0 / CELL);
    let (gx1, gy1) = (
        x1.div_ceil(CELL).min(cells.cw),
        y1.div_ceil(CELL).min(cells.ch),
    );
    if gx1 <= gx0 || gy1 <= gy0 {
        return Vec::new();
    }
    let (cw, ch) = (gx1 - gx0, gy1 - gy0);
    // Per cell: inside the region, darkest luma, washed.
    let mut inside = vec![false; cw * ch];
    let mut dark = vec![255f32; cw * ch];
    let mut washed = vec![false; cw * ch];
    for cy in 0..ch {
        for cx in 0..cw {
            let (fx, fy) = (gx0 + cx, gy0 + cy);
            if !roi.contains(fx * CELL + CELL / 2, fy * CELL + CELL / 2) {
                continue;
            }
            let (k, f) = (cy * cw + cx, fy * cells.cw + fx);
            inside[k] = true;
            dark[k] = cells.dark[f];
            washed[k] = cells.dark[f] >= cfg.washed_min_luma
                && cells.chroma[f] <= u32::from(cfg.washed_max_chroma) * (CELL * CELL) as u32;
        }
    }
    let dist = chamfer(&washed, cw, ch);

    let mut label = vec![u32::MAX; cw * ch];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    let mut ring = Vec::new();
    for start in 0..cw * ch {
        if !washed[start] || label[start] != u32::MAX {
            continue;
        }
        let id = out.len() as u32;
        label[start] = id;
        stack.push(start);
        let (mut n, mut bx0, mut by0, mut bx1, mut by1) = (0usize, cw, ch, 0, 0);
        let (mut core, mut clipped) = (0u32, 0usize);
        while let Some(k) = stack.pop() {
            n += 1;
            clipped += usize::from(dark[k] >= 249.5);
            core = core.max(dist[k]);
            let (cx, cy) = (k % cw, k / cw);
            (bx0, by0, bx1, by1) = (bx0.min(cx), by0.min(cy), bx1.max(cx), by1.max(cy));
            let mut visit = |j: usize| {
                if washed[j] && label[j] == u32::MAX {
                    label[j] = id;
                    stack.push(j);
                }
            };
            if cx > 0 {
                visit(k - 1);
            }
            if cx + 1 < cw {
                visit(k + 1);
            }
            if cy > 0 {
                visit(k - cw);
            }
            if cy + 1 < ch {
                visit(k + cw);
            }
        }
        // The ring: non-washed cells inside the region within RING cells of the blob.
        ring.clear();
        for cy in by0.saturating_sub(RING)..(by1 + RING + 1).min(ch) {
            for cx in bx0.saturating_sub(RING)..(bx1 + RING + 1).min(cw) {
                let k = cy * cw + cx;
                if !inside[k] || washed[k] {
                    continue;
                }
                let near = (cy.saturating_sub(RING)..(cy + RING + 1).min(ch)).any(|yy| {
                    (cx.saturating_sub(RING)..(cx + RING + 1).min(cw))
                        .any(|xx| label[yy * cw + xx] == id)
                });
                if near {
                    ring.push(dark[k]);
                }
            }
        }
        let halo = if ring.is_empty() {
            255.0
        } else {
            let mid = ring.len() / 2;
            *ring.select_nth_unstable_by(mid, f32::total_cmp).1
        };
        let rect = Rect {
            x: ((gx0 + bx0) * CELL) as f32,
            y: ((gy0 + by0) * CELL) as f32,
            w: ((bx1 - bx0 + 1) * CELL) as f32,
            h: ((by1 - by0 + 1) * CELL) as f32,
        };
        out.push(Blob {
            rect,
            area: (n * CELL * CELL) as f32,
            halo,
            core: core as f32 / 3.0 * CELL as f32,
            clipped: clipped as f32 / n as f32,
        });
    }
    out
}

/// The 3-4 chamfer distance (3 per cell step) from each washed cell to the nearest cell that is not
/// washed or lies outside the grid.
fn chamfer(washed: &[bool], cw: usize, ch: usize) -> Vec<u32> {
    let mut d: Vec<u32> = washed
        .iter()
        .map(|&w| if w { u32::MAX / 2 } else { 0 })
        .collect();
    let at = |d: &[u32], x: isize, y: isize| {
        if x < 0 || y < 0 || x >= cw as isize || y >= ch as isize {
            0
        } else {
            d[y as usize * cw + x as usize]
        }
    };
    for y in 0..ch as isize {
        for x in 0..cw as isize {
            let k = y as usize * cw + x as usize;
            if d[k] == 0 {
                continue;
            }
            let m = (at(&d, x - 1, y) + 3)
                .min(at(&d, x, y - 1) + 3)
                .min(at(&d, x - 1, y - 1) + 4)
                .min(at(&d, x + 1, y - 1) + 4);
            d[k] = d[k].min(m);
        }
    }
    for y in (0..ch as isize).rev() {
        for x in (0..cw as isize).rev() {
            let k = y as usize * cw + x as usize;
            if d[k] == 0 {
                continue;
            }
            let m = (at(&d, x + 1, y) + 3)
                .min(at(&d, x, y + 1) + 3)
                .min(at(&d, x + 1, y + 1) + 4)
                .min(at(&d, x - 1, y + 1) + 4);
            d[k] = d[k].min(m);
        }
    }
    d
}

/// The glare check: value is the share of the region under glare (0-1); boxes are the blobs.
pub fn glare(frame: &Frame, roi: &Roi, cfg: &GlareConfig) -> Check {
    let area = roi.area().max(1) as f32;
    let min_blob = area * cfg.warn * 0.5;
    // A washed area over a quarter of the region, or one that fills less than a third of its box, is the
    // paper itself between the print (a white passport page), not a spot: a hot spot is a compact disc.
    let max_blob = area * 0.25;
    let compact = |b: &Blob| b.area >= 0.35 * b.rect.w * b.rect.h;
    let found: Vec<Blob> = blobs(frame, roi, cfg)
        .into_iter()
        .filter(|b| {
            b.area >= min_blob
                && b.area <= max_blob
                && compact(b)
                && b.halo >= cfg.halo_min_luma
                && b.core >= cfg.min_core
                && b.clipped >= cfg.min_clipped
        })
        .collect();
    let share = found.iter().map(|b| b.area).sum::<f32>() / area;
    let status = Status::above(share, cfg.warn, cfg.fail);
    let s = frame.scale as f32;
    let boxes: Vec<Rect> = found
        .iter()
        .map(|b| Rect {
            x: b.rect.x * s,
            y: b.rect.y * s,
            w: b.rect.w * s,
            h: b.rect.h * s,
        })
        .collect();
    let region = boxes.iter().copied().reduce(|a, b| {
        let (x0, y0) = (a.x.min(b.x), a.y.min(b.y));
        Rect {
            x: x0,
            y: y0,
            w: (a.x + a.w).max(b.x + b.w) - x0,
            h: (a.y + a.h).max(b.y + b.h) - y0,
        }
    });
    Check {
        region,
        boxes,
        ..Check::judged(
            "glare",
            status,
            Some(share),
            (cfg.warn, cfg.fail),
            Bound::Max,
            "hot_spot",
            Text::new("No glare on the document.", "证件上没有反光。"),
            Text::new(
                "A reflection hides part of the document. Turn off the flash, and tilt the card slightly or move away from the lamp until the bright spot is gone.",
                "证件上有反光，遮住了部分内容。请关闭闪光灯，稍微倾斜证件或远离灯光，直到亮斑消失。",
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::RgbaView;

    /// A 640x420 card: light paper with dark "text" rows, optionally a Gaussian hot spot (sigma 60 px,
    /// an eighth of the width, as on synthetic-dev).
    fn card(paper: u8, spot: bool) -> Frame {
        card_up_to(paper, spot, 255.0)
    }

    /// [`card`] with every level at most `most`.
    fn card_up_to(paper: u8, spot: bool, most: f32) -> Frame {
        let (w, h) = (640usize, 420usize);
        let mut px = vec![0u8; w * h * 4];
        for y in 0..h {
            for x in 0..w {
                let text = (y % 20) < 4 && (x % 14) < 6;
                let mut v = if text { 40.0 } else { f32::from(paper) };
                if spot {
                    let (dx, dy) = (x as f32 - 320.0, y as f32 - 210.0);
                    v += 400.0 * (-(dx * dx + dy * dy) / (2.0 * 60.0 * 60.0)).exp();
                }
                let v = v.min(most) as u8;
                px[(y * w + x) * 4..][..4].copy_from_slice(&[v, v, v, 255]);
            }
        }
        Frame::new(&RgbaView::new(&px, w as u32, h as u32).expect("valid"))
    }

    #[test]
    fn cells_hold_each_cells_darkest_luma_and_summed_chroma() {
        let (w, h) = (45usize, 29usize);
        let px: Vec<u8> = (0..w * h * 4).map(|i| ((i * 7919) % 251) as u8).collect();
        let f = Frame::new(&RgbaView::new(&px, w as u32, h as u32).expect("valid"));
        let cells = &f.cells;
        assert_eq!((cells.cw, cells.ch), (w / CELL, h / CELL));
        for cy in 0..cells.ch {
            for cx in 0..cells.cw {
                let (mut dark, mut chroma) = (255f32, 0u32);
                for y in cy * CELL..(cy + 1) * CELL {
                    for x in cx * CELL..(cx + 1) * CELL {
                        dark = dark.min(f.luma[y * w + x]);
                        let p = &px[(y * w + x) * 4..][..3];
                        let (hi, lo) = (p.iter().max(), p.iter().min());
                        chroma += u32::from(hi.copied().unwrap_or(0) - lo.copied().unwrap_or(0));
                    }
                }
                let k = cy * cells.cw + cx;
                assert_eq!(
                    (cells.dark[k], cells.chroma[k]),
                    (dark, chroma),
                    "cell {cx},{cy}"
                );
            }
        }
    }

    #[test]
    fn a_hot_spot_is_glare_and_its_box_covers_it() {
        let f = card(200, true);
        let c = glare(&f, &Roi::full(f.w, f.h), &GlareConfig::default());
        assert_eq!(c.status, Status::Fail, "{c:?}");
        let r = c.region.expect("region");
        assert!(r.x <= 320.0 && r.x + r.w >= 320.0 && r.y <= 210.0 && r.y + r.h >= 210.0);
        assert!(
            r.w < 320.0 && r.h < 320.0,
            "the box is the spot, not the card: {r:?}"
        );
    }

    #[test]
    fn a_bright_field_that_clips_nowhere_is_not_glare() {
        // The same spot, its light never past 246: it washes the print out and lifts the print around
        // it, as a bright blank field of a card in even light looks, but no reflection is that dim.
        let f = card_up_to(200, true, 246.0);
        let c = glare(&f, &Roi::full(f.w, f.h), &GlareConfig::default());
        assert_eq!(c.status, Status::Pass, "{c:?}");
    }

    #[test]
    fn white_paper_with_print_is_not_glare() {
        let f = card(255, false);
        let c = glare(&f, &Roi::full(f.w, f.h), &GlareConfig::default());
        assert_eq!(c.status, Status::Pass, "{c:?}");
    }
}
