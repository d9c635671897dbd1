//! The document finder: the outline of the card or passport page as a quadrilateral, by line detection.
//!
//! On a reduced copy of the working frame (longer side at most [`HOUGH_SIDE`] px) we take the gradient,
//! thin it to its ridges, and vote each ridge pixel into a Hough accumulator only near its own gradient
//! direction, so texture votes little and long straight edges stand out. The strongest lines, plus the
//! four frame borders for a side that lies outside the photo, are paired into near-parallel opposite
//! sides, two pairs make a quadrilateral, and each quadrilateral is scored by how much of its perimeter
//! runs along a real edge of the right orientation, favouring large outlines over the print inside the
//! card. Known document shapes (ID-1 cards 85.60 x 53.98 mm, passport pages 125 x 88 mm) break ties.
//! A side of the winner that is short of an edge, or whose line runs on past its corners, is looked for
//! again among the lines near it alone (a card's short edge outvoted by a keyboard's row across the
//! card). The winner's sides are then refitted to the edge at working scale, to a fraction of a pixel.
//! What counts as an edge scales with the photo's exposure: an underexposed photo's edges are weaker.
//!
//! Before any line is looked for, a first look (the `plain` module) outlines a light document on a
//! darker surface by the region it makes, and keeps that outline if it runs along edges as one followed
//! from the frame before must ([`track`]'s test); for a card on a dark desk no line is looked for.

use crate::frame::{Boxer, Coarse, Frame, Roi};
use crate::view::RgbaView;

mod plain;

/// Longer side of the image the lines are found on.
pub const HOUGH_SIDE: usize = 480;
/// Angle bins per 180 degrees.
pub const THETA_BINS: usize = 180;
/// Lines kept from the accumulator.
const MAX_LINES: usize = 48;
/// Places among the [`MAX_LINES`] kept for lines across a photo's grain: when a quarter of the half
/// turn of angles (lines within 22.5 degrees of 0, 45, 90 or 135) holds half of the lines or more and
/// the quarter across it fewer than this, the last places go to that quarter's strongest lines. The
/// grain of a wooden desk makes dozens of lines one way: a card on it at +3 EV had 46 of the 48 lines
/// along the grain, none along its short sides. Located on synthetic-dev: 217 without, 218 at 4, 219 at
/// 8 (the Romanian card on the dark desk at +3 EV, and on gravel with 21 and 31 px of motion blur; lost,
/// the card at 0.15 of the width on the keyboard, taken for the keys beside it), 220 at 12, but then an
/// outline on an empty background. In the whole photo's search only. Most photos are not so one-sided
/// (the bench's card is not); an empty keyboard's check at 720p takes 40% longer, 5.2 -> 7.4 ms
/// natively: the lines across its rows are the gaps between keys, and make outlines to judge.
const RESERVE: usize = 8;
/// Credit per pixel of a side that is the photo's border.
const BORDER_CREDIT: f32 = 0.5;

/// What a document looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An ID-1 card (85.60 x 53.98 mm): ID cards, driving licences.
    IdCard,
    /// A passport data page (TD3, 125 x 88 mm) or a TD2 card (105 x 74 mm).
    Passport,
    /// Neither shape.
    Unknown,
}

impl Kind {
    /// The document a site asks for: `any` (no expectation), `id-card` or `passport`; any other name is
    /// refused with the list of those accepted.
    pub fn expected(name: &str) -> Result<Option<Kind>, &'static str> {
        match name {
            "any" => Ok(None),
            "id-card" => Ok(Some(Kind::IdCard)),
            "passport" => Ok(Some(Kind::Passport)),
            _ => Err("\"any\", \"id-card\" or \"passport\""),
        }
    }

    /// `id-card`, `passport` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::IdCard => "id-card",
            Kind::Passport => "passport",
            Kind::Unknown => "unknown",
        }
    }
}

/// A found document.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Corners in photo pixels: top-left, top-right, bottom-right, bottom-left (image space). A corner
    /// outside the photo is where the visible sides meet beyond the border.
    pub corners: [[f32; 2]; 4],
    /// Which corners lie outside the photo.
    pub outside: [bool; 4],
    /// Share of the outline's in-frame length that runs along an edge (0-1).
    pub confidence: f32,
    /// The shape it matches.
    pub kind: Kind,
    /// Width over height of the document itself, estimated with the perspective removed.
    pub aspect: f32,
}

/// The best outline of the search so far.
struct Outline {
    score: f32,
    /// Corners in photo pixels, ordered.
    corners: [[f32; 2]; 4],
    /// Share of the real sides' length that runs along an edge.
    confidence: f32,
    /// The corners in Hough pixels.
    hough: [[f32; 2]; 4],
    /// Each side's (supported, in-frame) samples, side `i` from corner `i` to the next.
    support: [(f32, f32); 4],
    /// Which sides are the photo's border.
    border: [bool; 4],
}

impl Outline {
    /// The outline with corners `cyc` (Hough pixels, cyclic, side `k` from corner `k` to the next,
    /// with its `support` and whether it is the photo's `border`), its corners ordered (see [`order`])
    /// and its sides' figures with them.
    fn from_cyclic(
        score: f32,
        confidence: f32,
        cyc: [[f32; 2]; 4],
        support: [(f32, f32); 4],
        border: [bool; 4],
        scale: f32,
    ) -> Self {
        let q = order(cyc);
        let side = |i: usize| side_between(&cyc, q[i], q[(i + 1) % 4]);
        Self {
            score,
            corners: q.map(|p| [p[0] * scale, p[1] * scale]),
            hough: q,
            confidence,
            support: std::array::from_fn(|i| support[side(i)]),
            border: std::array::from_fn(|i| border[side(i)]),
        }
    }
}

/// Two near-parallel lines that may be opposite sides of the document.
struct Pair {
    a: usize,
    b: usize,
    /// The support of both whole lines: what any outline with these sides scores at most.
    most: f32,
    /// Whether one of them is the photo's border.
    border: bool,
    /// The angle of the first.
    theta: f32,
}

/// A line `x cos(theta) + y sin(theta) = rho` in Hough-image pixels.
#[derive(Clone, Copy, Debug)]
struct Line {
    theta: f32,
    rho: f32,
    border: bool,
    /// `cos(theta)` and `sin(theta)`, computed once: the quadrilateral search intersects lines often.
    cos: f32,
    sin: f32,
}

impl Line {
    /// Whether the line at `(theta, rho)` lies within `dt` radians and `dr` pixels of this one (the
    /// same line may be written with its angle a half turn on and its distance negated).
    fn within(&self, theta: f32, rho: f32, dt: f32, dr: f32) -> bool {
        let (mut t, mut r) = ((self.theta - theta).abs(), (self.rho - rho).abs());
        if t > std::f32::consts::FRAC_PI_2 {
            t = std::f32::consts::PI - t;
            r = (self.rho + rho).abs();
        }
        t < dt && r < dr
    }

    /// Whether the line at `(theta, rho)` is this one as the accumulator's peaks go: within 4 degrees
    /// and 4.5 pixels.
    fn near(&self, theta: f32, rho: f32) -> bool {
        self.within(theta, rho, 4f32.to_radians(), 4.5)
    }

    /// Whether one of `lines` is [`Line::near`] the line at `(theta, rho)`.
    fn any_near<'a>(lines: impl IntoIterator<Item = &'a Line>, theta: f32, rho: f32) -> bool {
        lines.into_iter().any(|l| l.near(theta, rho))
    }

    fn new(theta: f32, rho: f32, border: bool) -> Self {
        Self {
            theta,
            rho,
            border,
            cos: theta.cos(),
            sin: theta.sin(),
        }
    }

    /// Where `p` lies along the line: its coordinate along the line's direction `(-sin, cos)`, the
    /// parameter a [`Profile`] samples by.
    fn param(&self, p: [f32; 2]) -> f32 {
        -p[0] * self.sin + p[1] * self.cos
    }
}

/// The reduced image with its gradient.
struct Grad {
    w: usize,
    h: usize,
    /// Photo pixels per Hough pixel.
    scale: f32,
    gx: Vec<f32>,
    gy: Vec<f32>,
    mag: Vec<f32>,
    /// The reduced luma the gradient was taken of.
    luma: Vec<f32>,
    /// The same as whole levels, with their histogram over the whole image, for the histograms of
    /// [`lighter_than_surroundings`], made when it is first asked: of no outline in most photos, of
    /// dozens on an empty keyboard (7% of its check when it converted the luma each time).
    levels: std::cell::OnceCell<(Vec<u8>, [u32; 256])>,
    /// The histogram of every 7th pixel's level of `luma`.
    sampled: [u32; 256],
    /// Gradient magnitude from which a pixel may lie on an edge (see [`EDGE_WHITE`], [`EDGE_NOISE`]).
    edge: f32,
    /// Gradient magnitude a ridge pixel must reach ([`MagnitudeLevels::floor`]); `None` when every
    /// magnitude is zero.
    floor: Option<f32>,
    /// What `edge` would be in a photo that is not quiet: an edge weaker than this must be sharp
    /// (see [`SHARP`]).
    full: f32,
    /// Whether edges of colour count as those of lightness (see [`Grad::with_colour`]).
    coloured: bool,
}

impl Grad {
    /// Whether the photo is quiet: its edges count from below [`EDGE_MAG`] (see [`EDGE_NOISE`]).
    fn quiet(&self) -> bool {
        self.edge < self.full
    }
}

/// The factor by which the finder reduces a `w` x `h` working frame: its longer side to at most
/// [`HOUGH_SIDE`].
pub fn coarse_factor(w: usize, h: usize) -> usize {
    w.max(h).div_ceil(HOUGH_SIDE).max(1)
}

fn reduce(frame: &Frame) -> (Vec<f32>, usize, usize, usize) {
    // The whole frame's was built with it, while its rows were in cache; a part's is built here.
    let built;
    let coarse = match &frame.coarse {
        Some(c) => c,
        None => {
            let mut b = Boxer::new(frame.w, frame.h, coarse_factor(frame.w, frame.h));
            for row in frame.luma.chunks_exact(frame.w) {
                b.push(row);
            }
            built = b.finish();
            &built
        }
    };
    let Coarse { luma: out, w, h, k } = coarse;
    let (w, h, k) = (*w, *h, *k);
    (smoothed(out, w, h), w, h, k)
}

/// `out` (rows of `w`, `h` of them) smoothed 3x3 binomially, its border as it was: the gradient is then
/// off the print's fine texture.
fn smoothed(out: &[f32], w: usize, h: usize) -> Vec<f32> {
    let mut sm = out.to_vec();
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let i = y * w + x;
            sm[i] = (4.0 * out[i]
                + 2.0 * (out[i - 1] + out[i + 1] + out[i - w] + out[i + w])
                + out[i - w - 1]
                + out[i - w + 1]
                + out[i + w - 1]
                + out[i + w + 1])
                / 16.0;
        }
    }
    sm
}

/// Gradient from which a pixel may lie on an edge (luma levels per Hough pixel), in a photo whose
/// brightest paper reaches [`EDGE_WHITE`].
const EDGE_MAG: f32 = 4.0;
/// The 95th percentile of luma below which a photo is underexposed, its edges weaker in proportion:
/// they need that much less. A passport on a light desk at -2 EV (synthetic-dev): the percentile 128
/// against 239, the gradient across its top side 5.4 against 9.4 at 0 EV, 78% of the side 4 or more.
/// Most photos reach it, and their edges need [`EDGE_MAG`] as before.
const EDGE_WHITE: f32 = 230.0;
/// The least share of [`EDGE_MAG`] an edge needs however dark the photo, above its noise.
const EDGE_LEAST: f32 = 0.4;
/// In a quiet photo, an edge needs no more than this many times the median gradient magnitude, and
/// [`EDGE_QUIET`] at least, if it is sharp (see [`SHARP`]): a white card or page on a white desk shows
/// its sides by a few levels of luma, where the desk varies by a fraction of one. A torn receipt on a
/// white desk in a real phone photo (`low-contrast.jpg`, median 0.5) is found with it, and nothing else
/// among the real photos changes (at 3, 5 and 6 alike; at 8 the receipt is not found). Textured photos
/// keep [`EDGE_MAG`]: an empty keyboard's median is about 0.8, brick's 3, gravel's 10.
const EDGE_NOISE: f32 = 6.0;
/// The least gradient an edge needs in a quiet photo (see [`EDGE_NOISE`]).
const EDGE_QUIET: f32 = 2.0;
/// An edge that counts only because its photo is quiet (see [`EDGE_NOISE`]) must be sharp: the
/// gradient [`SHARP_AT`] Hough pixels either side of it across the line below this share of its own.
/// A shadow's soft edge on a white desk is not: without the rule, two sets made like synthetic-dev from
/// other specimens and seeds lost 1 and 3 outlines to shadows' edges (a side moved onto one, 1.3% ->
/// 2.2% off), and gained 4 and 1 (blurred and glared photos on the white desk); with it, neither set's
/// outlines change, nor synthetic-dev's (the passport with 31 px of motion blur gained without it is
/// lost again), and the receipt on a white desk is still found.
const SHARP: f32 = 0.5;
/// How far either side of an edge [`SHARP`] looks, in Hough pixels.
const SHARP_AT: f32 = 2.0;

/// The Sobel gradient of `l` (rows of `w`, `h` of them), a border of zeros.
fn sobel(l: &[f32], w: usize, h: usize, gx: &mut [f32], gy: &mut [f32], mag: &mut [f32]) {
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let i = y * w + x;
            let sx = (l[i - w + 1] + 2.0 * l[i + 1] + l[i + w + 1])
                - (l[i - w - 1] + 2.0 * l[i - 1] + l[i + w - 1]);
            let sy = (l[i + w - 1] + 2.0 * l[i + w] + l[i + w + 1])
                - (l[i - w - 1] + 2.0 * l[i - w] + l[i - w + 1]);
            gx[i] = sx / 8.0;
            gy[i] = sy / 8.0;
            mag[i] = (gx[i] * gx[i] + gy[i] * gy[i]).sqrt();
        }
    }
}

/// The colour opponents of the RGB(A) pixel `p`: blue less red, and twice green less red and blue.
fn opponents(p: &[u8]) -> [i32; 2] {
    let [r, g, b] = [0, 1, 2].map(|c| i32::from(p[c]));
    [b - r, 2 * g - r - b]
}

/// Two opponent colour planes of the photo at the Hough scale, `w` x `h` boxes of `block` photo pixels:
/// blue against red, and green against both (in luma's units: a step from paper to a desk of its own
/// lightness is a step in them), each the mean of at most 3 x 3 pixels spread over its box.
fn colour_planes(view: &RgbaView, w: usize, h: usize, block: usize) -> [Vec<f32>; 2] {
    let (mut blue, mut green) = (vec![0f32; w * h], vec![0f32; w * h]);
    let step = block.div_ceil(3).max(1);
    let (pw, ph) = (view.width() as usize, view.height() as usize);
    // Sums of the opponents over each box's samples and how many, a row of boxes at a time: the
    // photo's rows are read once each, in order.
    let (mut b, mut g, mut n) = (vec![0i32; w], vec![0i32; w], vec![0i32; w]);
    // Where every pixel of every box is sampled and the boxes lie within the row, the opponents are
    // summed down each column of the box's rows first (a straight pass along each row), then across
    // each box: the same integer sums.
    let whole = step == 1 && w * block <= pw;
    let span = if whole { w * block } else { 0 };
    let (mut col_b, mut col_g) = (vec![0i32; span], vec![0i32; span]);
    for cy in 0..h {
        b.fill(0);
        g.fill(0);
        n.fill(0);
        col_b.fill(0);
        col_g.fill(0);
        for y in (cy * block + step / 2..((cy + 1) * block).min(ph)).step_by(step) {
            let row = view.row(y as u32);
            if whole {
                let pixels = row[..span * 4].chunks_exact(4);
                for ((cb, cg), p) in col_b.iter_mut().zip(&mut col_g).zip(pixels) {
                    let [blue_red, green_both] = opponents(p);
                    *cb += blue_red;
                    *cg += green_both;
                }
                n.iter_mut().for_each(|n| *n += block as i32);
                continue;
            }
            for cx in 0..w {
                for x in (cx * block + step / 2..((cx + 1) * block).min(pw)).step_by(step) {
                    let [blue_red, green_both] = opponents(&row[x * 4..]);
                    b[cx] += blue_red;
                    g[cx] += green_both;
                    n[cx] += 1;
                }
            }
        }
        if whole {
            for ((b, g), (cb, cg)) in b
                .iter_mut()
                .zip(&mut g)
                .zip(col_b.chunks_exact(block).zip(col_g.chunks_exact(block)))
            {
                *b = cb.iter().sum();
                *g = cg.iter().sum();
            }
        }
        for cx in 0..w {
            let n = n[cx].max(1) as f32;
            blue[cy * w + cx] = b[cx] as f32 / n;
            green[cy * w + cx] = g[cx] as f32 / (2.0 * n);
        }
    }
    [blue, green]
}

/// Whether the photo's colours differ by [`TINT`] or more: the 1st and 99th percentiles, to half a
/// level, of either colour plane (see [`colour_planes`]) over a grid of at most 64 x 64 pixels. A plain
/// desk with nothing on it has no such difference and is not searched in colour, which had cost an empty
/// white desk at 960 x 540 2.5 times as much in V8 (1.53 -> 3.83 ms: its colours' noise makes edges in a
/// quiet photo); a page whose sides only colour shows has it (the receipt: blue less red 18 levels
/// apart), even a card a fiftieth of the photo (at the 5th and 95th percentiles, three cards at 0.15 of
/// the width on a plain desk were no longer found).
fn has_tints(view: &RgbaView) -> bool {
    let (pw, ph) = (view.width(), view.height());
    let (sx, sy) = (pw.div_ceil(64).max(1), ph.div_ceil(64).max(1));
    // Histograms in half levels: each plane lies within -255..=255.
    let mut hist = [[0u32; 256]; 2];
    let mut y = sy / 2;
    while y < ph {
        let row = view.row(y);
        let mut x = sx / 2;
        while x < pw {
            let [blue_red, green_both] = opponents(&row[x as usize * 4..]);
            hist[0][((blue_red + 255) / 2) as usize] += 1;
            hist[1][((green_both + 510) / 4) as usize] += 1;
            x += sx;
        }
        y += sy;
    }
    hist.iter().any(|h| {
        let q = |f| crate::exposure::quantile(h, f) as f32;
        2.0 * (q(0.99) - q(0.01)) >= TINT
    })
}

/// The finder's reduced image of `frame` with its gradient.
fn gradient(frame: &Frame) -> Grad {
    let (l, w, h, k) = reduce(frame);
    let (mut gx, mut gy, mut mag) = (vec![0f32; w * h], vec![0f32; w * h], vec![0f32; w * h]);
    sobel(&l, w, h, &mut gx, &mut gy, &mut mag);
    Grad::of(l, [gx, gy, mag], w, (k as u32 * frame.scale) as f32, false)
}

impl Grad {
    /// The gradient `[gx, gy, mag]` of the reduced luma `l` (rows of `w`) with what the finder takes of
    /// it: the photo's paper brightness, its magnitudes' levels and the edge threshold they give.
    fn of(l: Vec<f32>, [gx, gy, mag]: [Vec<f32>; 3], w: usize, scale: f32, coloured: bool) -> Self {
        // How bright the photo's paper is: its 95th percentile of luma, from every 7th pixel (of all of
        // them it cost 3% of a 720p check, and gave the same outlines on synthetic-dev).
        let mut sampled = [0u32; 256];
        for &v in l.iter().step_by(7) {
            sampled[v.clamp(0.0, 255.0) as usize] += 1;
        }
        let white = crate::exposure::quantile(&sampled, 0.95) as f32;
        let levels = magnitude_levels(&mag, w);
        let quiet = levels.map_or(EDGE_QUIET, |l| (EDGE_NOISE * l.median).max(EDGE_QUIET));
        let full = EDGE_MAG * (white / EDGE_WHITE).clamp(EDGE_LEAST, 1.0);
        let edge = full.min(quiet);
        Grad {
            levels: std::cell::OnceCell::new(),
            sampled,
            edge,
            full,
            floor: levels.map(|l| l.floor),
            w,
            h: l.len() / w.max(1),
            scale,
            gx,
            gy,
            mag,
            luma: l,
            coloured,
        }
    }

    /// The gradient field alone, as the kernels take it.
    fn view(&self) -> Gradient<'_> {
        Gradient {
            gx: &self.gx,
            gy: &self.gy,
            mag: &self.mag,
            w: self.w,
            h: self.h,
        }
    }

    /// This gradient with edges of colour: each pixel's the strongest of the lightness's and the two
    /// colour planes' of `view`, the photo the frame was built of (see [`colour_planes`]), so that an
    /// edge between two surfaces of one lightness counts.
    fn with_colour(&self, view: &RgbaView) -> Grad {
        let (w, h) = (self.w, self.h);
        let (mut gx, mut gy, mut mag) = (self.gx.clone(), self.gy.clone(), self.mag.clone());
        let (mut cx, mut cy, mut cm) = (vec![0f32; w * h], vec![0f32; w * h], vec![0f32; w * h]);
        for plane in colour_planes(view, w, h, self.scale as usize) {
            sobel(&smoothed(&plane, w, h), w, h, &mut cx, &mut cy, &mut cm);
            // The stronger of the two at each pixel, as selections rather than a branch on the
            // photo's content.
            let ours = gx.iter_mut().zip(&mut gy).zip(&mut mag);
            for (((gx, gy), mag), ((&x, &y), &m)) in ours.zip(cx.iter().zip(&cy).zip(&cm)) {
                let take = m > *mag;
                *gx = if take { x } else { *gx };
                *gy = if take { y } else { *gy };
                *mag = if take { m } else { *mag };
            }
        }
        Grad::of(self.luma.clone(), [gx, gy, mag], w, self.scale, true)
    }
}

/// Whether the inside of `q` (Hough pixels) has the brightest paper of the photo's surroundings at
/// least: its 90th percentile of luma is no darker than the median outside. Documents are printed on
/// light paper or plastic. Asked of the outlines that are least sure to be a document: those through
/// the photo's border, where the false "cut-off documents" were a keyboard's rows of keys and a dark
/// desk region (synthetic-dev: inside 81-158 against an outside median of 202-254; true cut documents
/// 202-255 against 72-205), and those of the second look, where it rules out a passport's portrait.
fn lighter_than_surroundings(g: &Grad, q: &[[f32; 2]; 4]) -> bool {
    // The inside as row spans, as every check's region is (the outlines asked of cover at least 1% of
    // the frame, never none, where `Roi::quad` would fall back to the centre).
    let roi = Roi::quad(g.w, g.h, *q);
    let level = |&v: &u8| usize::from(v);
    let (levels, whole) = g.levels.get_or_init(|| {
        let levels: Vec<u8> = g.luma.iter().map(|v| v.clamp(0.0, 255.0) as u8).collect();
        let mut whole = [0u32; 256];
        add_counts(&mut whole, &levels, level);
        (levels, whole)
    });
    // The inside counted, the outside the whole less the inside: a pass over the inside alone (on an
    // empty keyboard, asked of dozens of outlines, this had cost 5% of the finder in V8).
    let mut inside = [0u32; 256];
    for (i, &(x0, x1)) in roi.spans.iter().enumerate() {
        let row = (roi.y0 + i) * g.w;
        if x0 < x1 && row + x1 <= levels.len() {
            add_counts(&mut inside, &levels[row + x0..row + x1], level);
        }
    }
    let outside: [u32; 256] = std::array::from_fn(|v| whole[v] - inside[v]);
    crate::exposure::quantile(&inside, 0.9) >= crate::exposure::quantile(&outside, 0.5)
}

/// Adds to `counts` how many of `items` fall in each of its bins (`bin` gives an item's), counted in
/// four histograms by the item's place and then added: in one, a run of items in the same bin (a plain
/// desk's or a card's levels, the Hough transform's many weak votes) would add to the same count one
/// after another, each waiting for the last.
fn add_counts<T, const N: usize>(counts: &mut [u32; N], items: &[T], bin: impl Fn(&T) -> usize) {
    let mut four = [[0u32; N]; 4];
    let mut quads = items.chunks_exact(4);
    for q in &mut quads {
        for (f, v) in four.iter_mut().zip(q) {
            f[bin(v)] += 1;
        }
    }
    for v in quads.remainder() {
        four[0][bin(v)] += 1;
    }
    for (b, c) in counts.iter_mut().enumerate() {
        *c += four[0][b] + four[1][b] + four[2][b] + four[3][b];
    }
}

/// Ridge pixels of the gradient (local maxima across the edge) above a floor.
fn ridges(g: &Grad) -> Vec<usize> {
    g.floor
        .map_or_else(Vec::new, |floor| ridge_pixels(&g.view(), floor))
}

/// A gradient field: its components and magnitude, rows of `w`, `h` of them.
#[derive(Clone, Copy, Debug)]
pub struct Gradient<'a> {
    /// Along the rows.
    pub gx: &'a [f32],
    /// Down the columns.
    pub gy: &'a [f32],
    /// The magnitude.
    pub mag: &'a [f32],
    /// Width.
    pub w: usize,
    /// Height.
    pub h: usize,
}

/// The gradient's ridge pixels, as indices in raster order: the pixels at least two from the border
/// whose magnitude reaches `floor` and no neighbour's across the edge (the gradient's direction to the
/// nearest eighth of a turn) exceeds it, the one behind not reaching it; none if a slice is shorter
/// than `w * h`. The SIMD128 kernel where the build has it.
pub fn ridge_pixels(g: &Gradient, floor: f32) -> Vec<usize> {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return ridge_pixels_simd128(g, floor);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    ridge_pixels_scalar(g, floor)
}

/// The reference for [`ridge_pixels`], and its code wherever there is no SIMD kernel.
pub fn ridge_pixels_scalar(g: &Gradient, floor: f32) -> Vec<usize> {
    let (w, h) = (g.w, g.h);
    if [g.gx, g.gy, g.mag].iter().any(|v| v.len() < w * h) {
        return Vec::new();
    }
    // Each candidate is written and kept when it is a ridge: whether it is depends on the texture and
    // is no branch the processor can predict (as for the Hough votes' bins, below).
    let mut out = vec![0usize; w * h];
    let mut n = 0;
    for y in 2..h.saturating_sub(2) {
        for x in 2..w.saturating_sub(2) {
            let i = y * w + x;
            if g.mag[i] < floor {
                continue;
            }
            out[n] = i;
            n += usize::from(ridge_at(g, i));
        }
    }
    out.truncate(n);
    out
}

/// Whether pixel `i`'s magnitude is a maximum across its edge (see [`ridge_pixels`]).
#[inline(always)]
fn ridge_at(g: &Gradient, i: usize) -> bool {
    let (gx, gy, w) = (g.gx[i], g.gy[i], g.w);
    let (ax, ay) = (gx.abs(), gy.abs());
    let d: isize = if ay < 0.414 * ax {
        1
    } else if ax < 0.414 * ay {
        w as isize
    } else if (gx > 0.0) == (gy > 0.0) {
        w as isize + 1
    } else {
        w as isize - 1
    };
    let m = g.mag[i];
    m >= g.mag[(i as isize + d) as usize] && m > g.mag[(i as isize - d) as usize]
}

/// [`ridge_pixels`] four pixels at a time: the four directions' neighbours loaded as whole vectors and
/// the one across each pixel's edge selected, with the scalar code's comparisons (`tests/wasm.rs`
/// compares the two); a quad with no magnitude at the floor, most of a photo, is passed over at once.
/// In Chromium the scalar code's branches on the texture cost 0.2 ms of a 720p check.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unsafe_code)]
fn ridge_pixels_simd128(g: &Gradient, floor: f32) -> Vec<usize> {
    use core::arch::wasm32::*;
    let Gradient { gx, gy, mag, w, h } = *g;
    let mut out = Vec::new();
    if w < 5 || h < 5 || [gx, gy, mag].iter().any(|v| v.len() < w * h) {
        return ridge_pixels_scalar(g, floor);
    }
    // Four floats from `v[j..]`, bounds-checked.
    let load = |v: &[f32], j: usize| {
        let q = &v[j..j + 4];
        // SAFETY: `q` is four floats; v128 loads need no alignment.
        unsafe { v128_load(q.as_ptr().cast::<v128>()) }
    };
    let (fl, tan, zero) = (f32x4_splat(floor), f32x4_splat(0.414), f32x4_splat(0.0));
    for y in 2..h - 2 {
        let row = y * w;
        let mut x = 2;
        while x + 4 <= w - 2 {
            let i = row + x;
            let m = load(mag, i);
            let reach = f32x4_ge(m, fl);
            if v128_any_true(reach) {
                let (gxv, gyv) = (load(gx, i), load(gy, i));
                let (ax, ay) = (f32x4_abs(gxv), f32x4_abs(gyv));
                let across = f32x4_lt(ay, f32x4_mul(tan, ax));
                let down = f32x4_lt(ax, f32x4_mul(tan, ay));
                let same = v128_not(v128_xor(f32x4_gt(gxv, zero), f32x4_gt(gyv, zero)));
                // Ahead of and behind each pixel along its direction: across, down, or a diagonal.
                let diag_a = v128_bitselect(load(mag, i + w + 1), load(mag, i + w - 1), same);
                let diag_b = v128_bitselect(load(mag, i - w - 1), load(mag, i - w + 1), same);
                let a = v128_bitselect(load(mag, i + w), diag_a, down);
                let b = v128_bitselect(load(mag, i - w), diag_b, down);
                let a = v128_bitselect(load(mag, i + 1), a, across);
                let b = v128_bitselect(load(mag, i - 1), b, across);
                let keep = v128_and(reach, v128_and(f32x4_ge(m, a), f32x4_gt(m, b)));
                let bits = i32x4_bitmask(keep);
                for j in 0..4 {
                    if bits & (1 << j) != 0 {
                        out.push(i + j);
                    }
                }
            }
            x += 4;
        }
        for x in x..w - 2 {
            let i = row + x;
            if mag[i] >= floor && ridge_at(g, i) {
                out.push(i);
            }
        }
    }
    out
}

/// Levels per unit of gradient magnitude in [`magnitude_levels`]'s histogram.
const PER: f32 = 4.0;
/// Its bins: a Sobel magnitude of luma is below 256 * 1.42.
const MAG_BINS: usize = 1536;

/// Every how many rows of the magnitudes [`magnitude_levels`] counts: a percentile needs no more, and the
/// histogram of every row cost 3% of a 720p check natively. synthetic-dev's outlines are the same from
/// every second row; from every fourth, a passport 0.15 of the width on the keyboard is found 2.2% off
/// instead of 0.1%.
const FLOOR_ROWS: usize = 2;

/// What the finder takes of a photo's gradient magnitudes, from one histogram of them (see
/// [`magnitude_levels`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MagnitudeLevels {
    /// The magnitude a ridge pixel must reach: a quarter of the 95th percentile of the non-zero
    /// magnitudes, at least 3.
    pub floor: f32,
    /// The median of the non-zero magnitudes: how quiet the photo is (see `EDGE_NOISE`).
    pub median: f32,
}

/// The [`MagnitudeLevels`] of every `FLOOR_ROWS`th row of the magnitudes `mag` (rows of `w`), `None`
/// when every magnitude is zero. The percentiles to a quarter level, from a histogram rather than a
/// selection over a copy of them all; the SIMD128 kernel where the build has it.
pub fn magnitude_levels(mag: &[f32], w: usize) -> Option<MagnitudeLevels> {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return levels_of(mag, w, magnitude_histogram_simd128);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    magnitude_levels_scalar(mag, w)
}

/// The reference for [`magnitude_levels`], and its code wherever there is no SIMD kernel.
pub fn magnitude_levels_scalar(mag: &[f32], w: usize) -> Option<MagnitudeLevels> {
    levels_of(mag, w, magnitude_histogram)
}

/// Adds each magnitude's level to `hist`; returns how many are zero.
fn magnitude_histogram(mag: &[f32], hist: &mut [u32; MAG_BINS]) -> u32 {
    let mut zero = 0u32;
    for &m in mag {
        hist[((m * PER) as usize).min(MAG_BINS - 1)] += 1;
        zero += u32::from(m <= 0.0);
    }
    zero
}

/// [`magnitude_histogram`] four magnitudes at a time: the same levels (non-negative, so truncation is
/// the scalar `as`), the zeros counted in lanes.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unsafe_code)]
fn magnitude_histogram_simd128(mag: &[f32], hist: &mut [u32; MAG_BINS]) -> u32 {
    use core::arch::wasm32::*;
    let mut zeros = u32x4_splat(0);
    let mut quads = mag.chunks_exact(4);
    for q in &mut quads {
        // SAFETY: `q` is four floats; v128 loads need no alignment.
        let v = unsafe { v128_load(q.as_ptr().cast::<v128>()) };
        let bins = u32x4_min(
            i32x4_trunc_sat_f32x4(f32x4_mul(v, f32x4_splat(PER))),
            u32x4_splat(MAG_BINS as u32 - 1),
        );
        hist[u32x4_extract_lane::<0>(bins) as usize] += 1;
        hist[u32x4_extract_lane::<1>(bins) as usize] += 1;
        hist[u32x4_extract_lane::<2>(bins) as usize] += 1;
        hist[u32x4_extract_lane::<3>(bins) as usize] += 1;
        // A true comparison is all ones, -1.
        zeros = i32x4_sub(zeros, f32x4_le(v, f32x4_splat(0.0)));
    }
    let lanes = u32x4_extract_lane::<0>(zeros)
        + u32x4_extract_lane::<1>(zeros)
        + u32x4_extract_lane::<2>(zeros)
        + u32x4_extract_lane::<3>(zeros);
    lanes + magnitude_histogram(quads.remainder(), hist)
}

/// [`magnitude_levels`] of `mag`, its levels counted by `histogram` (which returns how many are zero).
fn levels_of(
    mag: &[f32],
    w: usize,
    histogram: fn(&[f32], &mut [u32; MAG_BINS]) -> u32,
) -> Option<MagnitudeLevels> {
    let mut hist = [0u32; MAG_BINS];
    let (mut zero, mut counted) = (0, 0);
    for row in mag.chunks(w.max(1)).step_by(FLOOR_ROWS) {
        zero += histogram(row, &mut hist);
        counted += row.len() as u32;
    }
    let nonzero = counted - zero;
    if nonzero == 0 {
        return None;
    }
    let mut above = nonzero - nonzero * 95 / 100;
    let mut bin = hist.len() - 1;
    while bin > 0 && hist[bin] < above {
        above -= hist[bin];
        bin -= 1;
    }
    let p95 = bin as f32 / PER;
    // The zeros are in the first level, below every other magnitude; the median's level is
    // interpolated, its magnitudes taken as spread evenly over it (a quiet photo's median is a level
    // or two).
    let mut below = nonzero.div_ceil(2) + zero;
    let mut bin = 0;
    while hist[bin] < below {
        below -= hist[bin];
        bin += 1;
    }
    let within = if bin == 0 {
        (below - zero) as f32 / (hist[0] - zero) as f32
    } else {
        below as f32 / hist[bin] as f32
    };
    Some(MagnitudeLevels {
        floor: (0.25 * p95).max(3.0),
        median: (bin as f32 + within) / PER,
    })
}

/// The direction of the gradient `(gx, gy)` modulo a half turn, in `[0, pi]`: `atan2` folded, by a
/// polynomial for `atan` on `[0, 1]` accurate to 5e-5 radians (tested; a 350th of an angle bin), which
/// costs a fraction of the library's `atan2` on this hot path, natively and in wasm.
fn direction(gx: f32, gy: f32) -> f32 {
    use std::f32::consts::{FRAC_PI_2, PI};
    let (gx, gy) = if gy < 0.0 { (-gx, -gy) } else { (gx, gy) };
    let (ax, ay) = (gx.abs(), gy);
    let (lo, hi) = (crate::frame::min(ax, ay), crate::frame::max(ax, ay));
    if hi == 0.0 {
        return 0.0;
    }
    let z = lo / hi;
    let z2 = z * z;
    let a = z
        * (0.999_977_3
            + z2 * (-0.332_623_5
                + z2 * (0.193_543_5
                    + z2 * (-0.116_432_9 + z2 * (0.052_653_3 - z2 * 0.011_721_2)))));
    // a = atan(lo / hi) in [0, pi/4]; unfold into the quadrant.
    let a = if ay > ax { FRAC_PI_2 - a } else { a };
    if gx < 0.0 {
        PI - a
    } else {
        a
    }
}

/// For each pixel of `pts`, its angle bin (its gradient's `direction` among [`THETA_BINS`] bins, at
/// most `THETA_BINS`) and the weight of its Hough votes (the square root of its gradient magnitude,
/// capped at 60): the SIMD128 kernel where the build has it.
pub fn vote_angles(g: &Gradient, pts: &[usize]) -> (Vec<u32>, Vec<f32>) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return vote_angles_simd128(g, pts);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    vote_angles_scalar(g, pts)
}

/// The reference for [`vote_angles`], and its code wherever there is no SIMD kernel.
pub fn vote_angles_scalar(g: &Gradient, pts: &[usize]) -> (Vec<u32>, Vec<f32>) {
    pts.iter()
        .map(|&i| {
            let dir = direction(g.gx[i], g.gy[i]);
            (
                (dir / std::f32::consts::PI * THETA_BINS as f32 + 0.5) as u32,
                crate::frame::min(g.mag[i], 60.0).sqrt(),
            )
        })
        .unzip()
}

/// [`vote_angles`] four pixels at a time, [`direction`]'s branches as selections: the same operations
/// in the same order as the scalar code, so the same bins and weights (`tests/wasm.rs` compares them).
/// Taken in a loop of their own before the votes, as here, the votes of the bench's 720p frame take
/// 0.17 rather than 0.26 ms in V8, and natively, where the scalar code runs, 0.18 rather than 0.31.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unsafe_code)]
fn vote_angles_simd128(g: &Gradient, pts: &[usize]) -> (Vec<u32>, Vec<f32>) {
    use core::arch::wasm32::*;
    use std::f32::consts::{FRAC_PI_2, PI};
    let (mut bins, mut weights) = (vec![0u32; pts.len()], vec![0f32; pts.len()]);
    let four = |v: &[f32], q: &[usize]| f32x4(v[q[0]], v[q[1]], v[q[2]], v[q[3]]);
    let zero = f32x4_splat(0.0);
    let mut chunks = pts.chunks_exact(4);
    for (k, q) in (&mut chunks).enumerate() {
        let (gx, gy) = (four(g.gx, q), four(g.gy, q));
        // The gradient turned into the upper half plane.
        let flip = f32x4_lt(gy, zero);
        let gx = v128_bitselect(f32x4_neg(gx), gx, flip);
        let gy = v128_bitselect(f32x4_neg(gy), gy, flip);
        let (ax, ay) = (f32x4_abs(gx), gy);
        // crate::frame::min and max: the second when it is less (greater).
        let lo = v128_bitselect(ay, ax, f32x4_lt(ay, ax));
        let steep = f32x4_gt(ay, ax);
        let hi = v128_bitselect(ay, ax, steep);
        let z = f32x4_div(lo, hi);
        let z2 = f32x4_mul(z, z);
        let c = f32x4_splat;
        let poly = f32x4_sub(c(0.052_653_3), f32x4_mul(z2, c(0.011_721_2)));
        let poly = f32x4_add(c(-0.116_432_9), f32x4_mul(z2, poly));
        let poly = f32x4_add(c(0.193_543_5), f32x4_mul(z2, poly));
        let poly = f32x4_add(c(-0.332_623_5), f32x4_mul(z2, poly));
        let poly = f32x4_add(c(0.999_977_3), f32x4_mul(z2, poly));
        let a = f32x4_mul(z, poly);
        let a = v128_bitselect(f32x4_sub(c(FRAC_PI_2), a), a, steep);
        let a = v128_bitselect(f32x4_sub(c(PI), a), a, f32x4_lt(gx, zero));
        let a = v128_bitselect(zero, a, f32x4_eq(hi, zero));
        let bin = f32x4_add(f32x4_mul(f32x4_div(a, c(PI)), c(THETA_BINS as f32)), c(0.5));
        let m = four(g.mag, q);
        let m = v128_bitselect(c(60.0), m, f32x4_lt(c(60.0), m));
        let out = 4 * k;
        // SAFETY: `out + 4 <= pts.len()`, the length of both outputs; stores need no alignment.
        unsafe {
            v128_store(
                bins[out..out + 4].as_mut_ptr().cast::<v128>(),
                u32x4_trunc_sat_f32x4(bin),
            );
            v128_store(
                weights[out..out + 4].as_mut_ptr().cast::<v128>(),
                f32x4_sqrt(m),
            );
        }
    }
    let done = pts.len() - chunks.remainder().len();
    let (b, w) = vote_angles_scalar(g, chunks.remainder());
    bins[done..].copy_from_slice(&b);
    weights[done..].copy_from_slice(&w);
    (bins, weights)
}

/// Moves the lines passed over for lines across (see [`RESERVE`]), with their quarters of a half
/// turn, to `lines` while there are places, strongest first, but for those a line kept already
/// stands for.
fn take_passed(
    passed: &mut Vec<(usize, Line)>,
    lines: &mut Vec<Line>,
    per_quarter: &mut [usize; 4],
) {
    for (quarter, l) in passed.drain(..) {
        if lines.len() < MAX_LINES && !Line::any_near(lines.iter(), l.theta, l.rho) {
            per_quarter[quarter] += 1;
            lines.push(l);
        }
    }
}

/// Pairs of a value and an index, the greater value first and, between equal values, the smaller
/// index first.
fn descending(a: &(f32, usize), b: &(f32, usize)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

fn hough(g: &Grad, pts: &[usize], reserve: usize) -> Vec<Line> {
    let diag = ((g.w * g.w + g.h * g.h) as f32).sqrt().ceil() as usize;
    let nr = 2 * diag + 1;
    // Rho-major: a pixel's votes at neighbouring angles land in neighbouring bins. The bins voted
    // for are listed as they are first hit, so that finding the peaks looks at those alone.
    let mut acc = vec![0f32; THETA_BINS * nr];
    // Written at every vote and kept where the bin was empty: no branch that the bins' emptiness,
    // unpredictable, would decide (a 720p check 4.86 -> 4.47 ms natively, the same lines).
    let mut voted = vec![0u32; pts.len() * 7 + 1];
    let mut n_voted = 0;
    let tables = VoteTables::new();
    let (bins, weights) = vote_angles(&g.view(), pts);
    // The ridge pixels come in raster order: their row is followed rather than divided out.
    let mut row = 0;
    for ((&i, &tb), &wgt) in pts.iter().zip(&bins).zip(&weights) {
        while i >= (row + 1) * g.w {
            row += 1;
        }
        let (x, y) = ((i - row * g.w) as f32, row as f32);
        // tb - 3 ..= tb + 3 (tb is at most THETA_BINS).
        for &k in &tables.seven(x, y, tb as usize, diag as f32)[..7] {
            voted[n_voted] = k;
            let k = k as usize;
            n_voted += usize::from(acc[k] == 0.0);
            acc[k] += wgt;
        }
    }
    voted.truncate(n_voted);
    // Peaks with non-maximum suppression. Only the strongest bins can be peaks: a histogram of the
    // votes gives the least vote among the strongest CANDIDATES, and only bins at or above it are
    // sorted (a selection over every bin cost more than the voting).
    let mut lines: Vec<Line> = Vec::new();
    const CANDIDATES: usize = 4000;
    const BUCKETS: usize = 1024;
    // The voted bins' votes, read from the accumulator once (its bins lie all over it) for the
    // passes below.
    let votes: Vec<f32> = voted.iter().map(|&k| acc[k as usize]).collect();
    // In four lanes, each the greatest of every fourth: one chain of comparisons waits on each.
    let mut lanes = [0f32; 4];
    let mut quads = votes.chunks_exact(4);
    for q in &mut quads {
        for (l, &v) in lanes.iter_mut().zip(q) {
            *l = crate::frame::max(*l, v);
        }
    }
    let top = quads
        .remainder()
        .iter()
        .chain(&lanes)
        .copied()
        .fold(0f32, crate::frame::max);
    if top <= 0.0 {
        return lines;
    }
    let per = (BUCKETS - 1) as f32 / top;
    let mut hist = [0u32; BUCKETS];
    add_counts(&mut hist, &votes, |&v| (v * per) as usize);
    // The lines come from the first few hundred bins in order of votes (200-400 of 4,000 on
    // synthetic-dev): the strongest FIRST bins are sorted and taken first, the others only if the
    // lines need them. The same histogram gives both bounds.
    const FIRST: usize = 512;
    let mut cut = BUCKETS - 1;
    let mut taken = 0;
    let mut first_cut = None;
    while cut > 1 && taken + (hist[cut] as usize) < CANDIDATES {
        taken += hist[cut] as usize;
        if first_cut.is_none() && taken >= FIRST {
            first_cut = Some(cut);
        }
        cut -= 1;
    }
    let least = (cut as f32 / per).max(f32::MIN_POSITIVE);
    let strong = first_cut.map_or(least, |c| c as f32 / per);
    // The candidates as (votes, bin): each bin written, and kept if it is one (no branch on the
    // votes, and no list grown as it goes).
    let mut cand = vec![(0f32, 0usize); votes.len()];
    let mut n = 0;
    for (&v, &k) in votes.iter().zip(&voted) {
        cand[n] = (v, k as usize);
        n += usize::from(v >= least);
    }
    cand.truncate(n);
    type Bins = Vec<(f32, usize)>;
    let (mut first, mut rest): (Bins, Bins) = cand.into_iter().partition(|&(v, _)| v >= strong);
    first.sort_unstable_by(descending);
    let mut sorted_rest = false;
    // Lines by quarter of a half turn (around 0, 45, 90 and 135 degrees), and the lines passed over for
    // those across (see RESERVE).
    let mut per_quarter = [0usize; 4];
    let mut passed: Vec<(usize, Line)> = Vec::new();
    let short = |per: &[usize; 4], k: usize| per[k] < reserve && per[(k + 2) % 4] >= MAX_LINES / 2;
    for i in 0..first.len() + rest.len() {
        if lines.len() >= MAX_LINES {
            break;
        }
        let idx = if i < first.len() {
            first[i].1
        } else {
            if !sorted_rest {
                rest.sort_unstable_by(descending);
                sorted_rest = true;
            }
            rest[i - first.len()].1
        };
        let (t, r) = (idx % THETA_BINS, idx / THETA_BINS);
        let theta = t as f32 * std::f32::consts::PI / THETA_BINS as f32;
        let rho = r as f32 - diag as f32;
        if Line::any_near(&lines, theta, rho) {
            continue;
        }
        let quarter = (t + THETA_BINS / 8) % THETA_BINS / (THETA_BINS / 4);
        // The last few places go to the quarters short of lines across another's, while any is; then
        // to the lines passed over meanwhile, which are stronger than this one.
        if lines.len() >= MAX_LINES - reserve && (0..4).any(|k| short(&per_quarter, k)) {
            if !short(&per_quarter, quarter) {
                if passed.len() < reserve
                    && !Line::any_near(passed.iter().map(|(_, l)| l), theta, rho)
                {
                    passed.push((quarter, Line::new(theta, rho, false)));
                }
                continue;
            }
        } else {
            take_passed(&mut passed, &mut lines, &mut per_quarter);
            if lines.len() >= MAX_LINES || Line::any_near(&lines, theta, rho) {
                continue;
            }
        }
        per_quarter[quarter] += 1;
        lines.push(Line::new(theta, rho, false));
    }
    // Places left when no more lines across were found go to those passed over, strongest first.
    take_passed(&mut passed, &mut lines, &mut per_quarter);
    lines
}

/// The Hough accumulator's angle tables, and where a pixel's votes land: a pixel votes in the seven
/// angle bins around its gradient's direction, 3 each way.
pub struct VoteTables {
    // Entry `j` is angle bin `(j + 177) % 180`, from 3 before the first bin to 4 past the last, around
    // the circle of angles: a pixel's seven bins are seven entries in a row (no remainder), and eight
    // can be read at once.
    cos: Vec<f32>,
    sin: Vec<f32>,
    bins: Vec<u32>,
}

impl Default for VoteTables {
    fn default() -> Self {
        Self::new()
    }
}

impl VoteTables {
    /// The tables for [`THETA_BINS`] angle bins.
    pub fn new() -> Self {
        let wrap = |j: usize| (j + THETA_BINS - 3) % THETA_BINS;
        let (cos, sin) = (0..THETA_BINS + 8)
            .map(|j| (wrap(j) as f32 * std::f32::consts::PI / THETA_BINS as f32).sin_cos())
            .map(|(s, c)| (c, s))
            .unzip();
        let bins = (0..THETA_BINS + 8).map(|j| wrap(j) as u32).collect();
        Self { cos, sin, bins }
    }

    /// The accumulator entries (rho-major, `r * THETA_BINS + t`, rho shifted by `diag`) that the pixel
    /// at `(x, y)` votes for, its gradient in angle bin `tb` (at most [`THETA_BINS`]): bins `tb - 3` to
    /// `tb + 3`, the first seven of the eight; the SIMD128 kernel where the build has it.
    #[inline(always)]
    pub fn seven(&self, x: f32, y: f32, tb: usize, diag: f32) -> [u32; 8] {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return self.seven_simd128(x, y, tb, diag);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        self.seven_scalar(x, y, tb, diag)
    }

    /// The reference for [`VoteTables::seven`], and its code wherever there is no SIMD kernel (the
    /// eighth entry is 0).
    #[inline(always)]
    pub fn seven_scalar(&self, x: f32, y: f32, tb: usize, diag: f32) -> [u32; 8] {
        let mut out = [0u32; 8];
        let tables = self.cos[tb..]
            .iter()
            .zip(&self.sin[tb..])
            .zip(&self.bins[tb..]);
        for (o, ((c, s), b)) in out.iter_mut().zip(tables).take(7) {
            // |rho| <= diag: non-negative once shifted, so truncation rounds.
            let r = (x * c + y * s + diag + 0.5) as u32;
            *o = r * THETA_BINS as u32 + b;
        }
        out
    }

    /// [`VoteTables::seven`] as two `f32x4` of rho: the same operations in the same order as the
    /// scalar code, so the same entries (`tests/wasm.rs` compares them). The Hough transform 12 -> 9.5%
    /// of a 720p check in Chromium's profile (the check 4.00-4.21 -> 3.86-4.17 ms, alternated).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    #[allow(unsafe_code)]
    fn seven_simd128(&self, x: f32, y: f32, tb: usize, diag: f32) -> [u32; 8] {
        use core::arch::wasm32::*;
        let (cos, sin, bins) = (
            &self.cos[tb..tb + 8],
            &self.sin[tb..tb + 8],
            &self.bins[tb..tb + 8],
        );
        let (xv, yv) = (f32x4_splat(x), f32x4_splat(y));
        let (off, half) = (f32x4_splat(diag), f32x4_splat(0.5));
        let four = |j: usize| {
            // SAFETY: j + 4 <= 8, the slices' length; v128 loads need no alignment.
            let (c, s, b) = unsafe {
                (
                    v128_load(cos[j..].as_ptr().cast::<v128>()),
                    v128_load(sin[j..].as_ptr().cast::<v128>()),
                    v128_load(bins[j..].as_ptr().cast::<v128>()),
                )
            };
            let r = f32x4_add(
                f32x4_add(f32x4_add(f32x4_mul(xv, c), f32x4_mul(yv, s)), off),
                half,
            );
            i32x4_add(
                i32x4_mul(u32x4_trunc_sat_f32x4(r), u32x4_splat(THETA_BINS as u32)),
                b,
            )
        };
        let mut out = [0u32; 8];
        // SAFETY: `out` is eight u32, two v128; stores need no alignment.
        unsafe {
            v128_store(out.as_mut_ptr().cast::<v128>(), four(0));
            v128_store(out[4..].as_mut_ptr().cast::<v128>(), four(4));
        }
        out
    }
}

/// The distance between two near-parallel lines, measured through the point `c`.
fn separation(a: &Line, b: &Line, c: [f32; 2]) -> f32 {
    let da = c[0] * a.cos + c[1] * a.sin - a.rho;
    let same = (a.theta - b.theta).cos() >= 0.0;
    let db = c[0] * b.cos + c[1] * b.sin - b.rho;
    if same {
        (da - db).abs()
    } else {
        (da + db).abs()
    }
}

fn intersect(a: &Line, b: &Line) -> Option<[f32; 2]> {
    let (ca, sa, cb, sb) = (a.cos, a.sin, b.cos, b.sin);
    let det = ca * sb - sa * cb;
    if det.abs() < 1e-3 {
        return None;
    }
    Some([
        (a.rho * sb - b.rho * sa) / det,
        (ca * b.rho - cb * a.rho) / det,
    ])
}

/// Orders four points as top-left, top-right, bottom-right, bottom-left around their centre.
fn order(p: [[f32; 2]; 4]) -> [[f32; 2]; 4] {
    let c = [
        (p[0][0] + p[1][0] + p[2][0] + p[3][0]) / 4.0,
        (p[0][1] + p[1][1] + p[2][1] + p[3][1]) / 4.0,
    ];
    // By angle about the centre, in an insertion sort: stable, as `sort_by` is, for four points (the
    // standard library's stable sort was 7 KB of the wasm).
    let angle = |q: &[f32; 2]| (q[1] - c[1]).atan2(q[0] - c[0]);
    let mut v = p;
    for i in 1..4 {
        let mut j = i;
        while j > 0 && angle(&v[j - 1]).total_cmp(&angle(&v[j])).is_gt() {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
    // Angles from -pi: the sequence runs TL(-3pi/4), TR(-pi/4), BR(pi/4), BL(3pi/4) for an upright quad.
    // Rotate so that the first is the one with the smallest x + y.
    let first = (0..4)
        .min_by(|&a, &b| (v[a][0] + v[a][1]).total_cmp(&(v[b][0] + v[b][1])))
        .unwrap_or(0);
    [
        v[first],
        v[(first + 1) % 4],
        v[(first + 2) % 4],
        v[(first + 3) % 4],
    ]
}

/// The distance between two points.
pub fn distance(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// The unit vector from `from` towards `to` (any length for points that coincide).
fn unit(from: [f32; 2], to: [f32; 2]) -> [f32; 2] {
    let d = distance(from, to).max(1e-3);
    [(to[0] - from[0]) / d, (to[1] - from[1]) / d]
}

/// The point `d` along the unit vector `u` from `p`.
fn along(p: [f32; 2], u: [f32; 2], d: f32) -> [f32; 2] {
    [p[0] + d * u[0], p[1] + d * u[1]]
}

fn convex(q: &[[f32; 2]; 4]) -> bool {
    let mut sign = 0.0f32;
    for i in 0..4 {
        let (a, b, c) = (q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        let z = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
        if z.abs() < 1e-3 || (sign != 0.0 && z.signum() != sign) {
            return false;
        }
        sign = z.signum();
    }
    true
}

fn area(q: &[[f32; 2]; 4]) -> f32 {
    let mut s = 0.0;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        s += a[0] * b[1] - b[0] * a[1];
    }
    s.abs() / 2.0
}

/// Whether an edge crosses the normal `n` (a unit vector) through `(x, y)` (at least 1, in Hough
/// pixels) within `R` pixels of it: a gradient of the photo's edge magnitude or more (see [`EDGE_WHITE`])
/// pointing along the normal, and sharp if it is weaker than a photo that is not quiet needs (see
/// [`SHARP`]).
#[inline(always)]
fn edge_across<const R: i32>(g: &Grad, x: f32, y: f32, n: [f32; 2]) -> bool {
    // A loop rather than `any`, whose closure the wasm build called for every offset (4% of a 720p
    // check in Chromium).
    for o in -R..=R {
        let o = o as f32;
        // Non-negative (x, y >= 1): truncation after adding a half rounds.
        let (px, py) = ((x + o * n[0] + 0.5) as usize, (y + o * n[1] + 0.5) as usize);
        if px >= g.w || py >= g.h {
            continue;
        }
        let i = py * g.w + px;
        let m = g.mag[i];
        // The gradient within 20 degrees of the normal: its cosine above 0.94, by a product rather
        // than a division (most samples of the bench's 720p frame have a pixel at the edge magnitude
        // within reach; its profiles 0.21 -> 0.19 ms in V8, eval's outlines the same).
        if m >= g.edge && (g.gx[i] * n[0] + g.gy[i] * n[1]).abs() > 0.94 * m {
            if m >= g.full {
                return true;
            }
            // Beyond the frame there is no gradient (a position left of or above it saturates to the
            // first column or row, whose gradient is zero).
            let at = |d: f32| {
                let (qx, qy) = (
                    (x + (o + d) * n[0] + 0.5) as usize,
                    (y + (o + d) * n[1] + 0.5) as usize,
                );
                if qx < g.w && qy < g.h {
                    g.mag[qy * g.w + qx]
                } else {
                    0.0
                }
            };
            if at(SHARP_AT) < SHARP * m && at(-SHARP_AT) < SHARP * m {
                return true;
            }
        }
    }
    false
}

/// What a side's sample at `(x, y)` (Hough pixels) shows, an edge counting within `R` pixels across the
/// side's normal `n`: `None` outside the frame, else whether it lies along an edge, or, if not, whether
/// it is unseen (see [`quiet`]). One rule for the samples along lines ([`Profile`]) and curves
/// ([`along_curve`]).
#[inline(always)]
fn look<const R: i32>(
    g: &Grad,
    quiet: Option<&[bool]>,
    x: f32,
    y: f32,
    n: [f32; 2],
) -> Option<(bool, bool)> {
    if !(x >= 1.0 && y >= 1.0 && x <= (g.w - 2) as f32 && y <= (g.h - 2) as f32) {
        return None;
    }
    let edge = edge_across::<R>(g, x, y, n);
    let unseen = !edge && quiet.is_some_and(|q| q[(y + 0.5) as usize * g.w + (x + 0.5) as usize]);
    Some((edge, unseen))
}

/// One line's edge support, sampled every pixel along its whole length, as prefix sums.
struct Profile {
    /// Unit direction along the line.
    dir: [f32; 2],
    /// Samples per unit of the line parameter start here.
    t0: f32,
    /// Prefix sums of in-frame samples, of supported samples and of unseen ones (see [`quiet`]).
    inside: Vec<f32>,
    ok: Vec<f32>,
    unseen: Vec<f32>,
}

impl Profile {
    /// No samples, for a line that cannot be a side.
    fn none() -> Self {
        Self {
            dir: [0.0; 2],
            t0: 0.0,
            inside: vec![0.0],
            ok: vec![0.0],
            unseen: vec![0.0],
        }
    }

    fn new(g: &Grad, quiet: Option<&[bool]>, l: &Line, diag: f32) -> Self {
        // Only the stretch of the line within the frame can count (a sample beyond it is no sample):
        // the samples are taken there alone, at the same positions as along the whole line, so that
        // the support between any two points is the same.
        let count = (2.0 * diag) as usize + 1;
        let (mut lo, mut hi) = (0.0f32, count as f32);
        let (p, dir) = ([l.rho * l.cos, l.rho * l.sin], [-l.sin, l.cos]);
        for (start, d, size) in [(p[0], dir[0], g.w as f32), (p[1], dir[1], g.h as f32)] {
            // Where this coordinate lies within [-1, size + 1], in samples from -diag.
            if d.abs() < 1e-6 {
                if start < -1.0 || start > size + 1.0 {
                    hi = 0.0;
                }
                continue;
            }
            let (a, b) = ((-1.0 - start) / d + diag, (size + 1.0 - start) / d + diag);
            lo = crate::frame::max(lo, crate::frame::min(a, b) - 1.0);
            hi = crate::frame::min(hi, crate::frame::max(a, b) + 2.0);
        }
        if hi <= lo {
            return Self::over::<1>(g, quiet, l, -diag, 0);
        }
        let first = lo as usize;
        let last = (hi as usize).min(count);
        Self::over::<1>(g, quiet, l, -diag + first as f32, last - first)
    }

    /// The support between the points `a` and `b` on the line `l`: samples there alone, where the
    /// whole line's are not needed. An edge counts within `R` pixels of the line.
    fn between<const R: i32>(
        g: &Grad,
        quiet: Option<&[bool]>,
        l: &Line,
        a: [f32; 2],
        b: [f32; 2],
    ) -> (f32, f32, f32) {
        Self::spanning::<R>(g, quiet, l, a, b).segment(a, b)
    }

    /// The samples of the line `l` from the point `a` to the point `b` and a pixel beyond each, at the
    /// positions of the whole line's; an edge counts within `R` pixels of the line.
    fn spanning<const R: i32>(
        g: &Grad,
        quiet: Option<&[bool]>,
        l: &Line,
        a: [f32; 2],
        b: [f32; 2],
    ) -> Self {
        let (ta, tb) = (l.param(a), l.param(b));
        let from = ta.min(tb).floor() - 1.0;
        Self::over::<R>(g, quiet, l, from, (ta.max(tb) - from) as usize + 3)
    }

    /// Samples every pixel along `l` from the line parameter `t0` on, `count` of them; an edge counts
    /// within `R` pixels of the line.
    fn over<const R: i32>(
        g: &Grad,
        quiet: Option<&[bool]>,
        l: &Line,
        t0: f32,
        count: usize,
    ) -> Self {
        let (c, s) = (l.cos, l.sin);
        let dir = [-s, c];
        let (mut inside, mut ok, mut unseen) = (
            vec![0.0; count + 1],
            vec![0.0; count + 1],
            vec![0.0; count + 1],
        );
        let (mut si, mut so, mut su) = (0.0f32, 0.0f32, 0.0f32);
        for k in 0..count {
            let t = t0 + k as f32;
            let (x, y) = (l.rho * c + t * dir[0], l.rho * s + t * dir[1]);
            if l.border {
                // The photo's edge standing in for a side beyond it: its visible length earns half
                // credit, so an outline through the border wins only where no real fourth side exists.
                if x >= -0.5 && y >= -0.5 && x <= g.w as f32 && y <= g.h as f32 {
                    si += 1.0;
                    so += BORDER_CREDIT;
                }
            } else if let Some((edge, blank)) = look::<R>(g, quiet, x, y, [c, s]) {
                si += 1.0;
                if edge {
                    so += 1.0;
                } else if blank {
                    su += 1.0;
                }
            }
            inside[k + 1] = si;
            ok[k + 1] = so;
            unseen[k + 1] = su;
        }
        Self {
            dir,
            t0,
            inside,
            ok,
            unseen,
        }
    }

    /// The sample nearest the point `p` of the line, rounded (a position before the first saturates to
    /// it, one past the last to the last); not `round`, which is a library call in wasm.
    fn index(&self, p: [f32; 2]) -> usize {
        ((p[0] * self.dir[0] + p[1] * self.dir[1] - self.t0 + 0.5) as usize)
            .min(self.inside.len() - 1)
    }

    /// `(supported, in-frame, unseen)` samples between two points on the line; unseen ones are blown
    /// out, with nothing around that could show an edge (see [`quiet`]). Inlined: the search asks it
    /// of four sides of thousands of outlines, and the wasm build otherwise calls it.
    #[inline(always)]
    fn segment(&self, a: [f32; 2], b: [f32; 2]) -> (f32, f32, f32) {
        let (i, j) = (self.index(a), self.index(b));
        let (lo, hi) = (i.min(j), i.max(j));
        (
            self.ok[hi] - self.ok[lo],
            self.inside[hi] - self.inside[lo],
            self.unseen[hi] - self.unseen[lo],
        )
    }
}

/// Gradient below which a Hough pixel is blank (luma levels per pixel).
const QUIET_MAG: f32 = 2.0;
/// How far around a pixel (Hough pixels, each way) nothing may reach QUIET_MAG for it to be quiet.
const QUIET_REACH: usize = 4;
/// Luma from which a pixel is blown out: past it a camera records no edge at all.
const CLIPPED: f32 = 245.0;
/// Largest share of an outline's length that may go unseen and not count against it.
const MAX_UNSEEN: f32 = 0.25;

/// Blown-out pixels (luma [`CLIPPED`] or more) with no gradient of [`QUIET_MAG`] within [`QUIET_REACH`]:
/// where the light clipped both the card and what lies beyond it, no edge can show. A side's samples
/// there are unseen rather than missing (synthetic-dev: passports at +3 EV on a blue desk, a side 42-45%
/// supported, half of it unseen). Only clipped light counts: a white desk is not blank enough, a
/// document's side running on across it would be taken for one that cannot be seen.
///
/// `None` when nothing is blown out, as in most photos: nothing to look for then.
fn quiet(g: &Grad) -> Option<Vec<bool>> {
    if !g.luma.iter().any(|&l| l >= CLIPPED) {
        return None;
    }
    let (w, h, r) = (g.w, g.h, QUIET_REACH);
    // Busy pixels within reach along the row, then how many such counts are within reach along the
    // column. Along the row, a sum of the 2r + 1 runs of the row shifted by -r..=r (straight passes
    // with no running sum to wait on), the ends, where a run would leave the row, pixel by pixel; along
    // the column, running sums for every column at once, so that the rows are read in order.
    let busy: Vec<u16> = g.mag.iter().map(|&m| u16::from(m >= QUIET_MAG)).collect();
    let mut row = vec![0u16; w * h];
    for (b, counts) in busy.chunks_exact(w).zip(row.chunks_exact_mut(w)) {
        let at = |x: usize| -> u16 { b[x.saturating_sub(r)..(x + r + 1).min(w)].iter().sum() };
        if w <= 2 * r {
            counts.iter_mut().enumerate().for_each(|(x, c)| *c = at(x));
            continue;
        }
        let inner = &mut counts[r..w - r];
        inner.copy_from_slice(&b[..w - 2 * r]);
        for d in 1..=2 * r {
            inner.iter_mut().zip(&b[d..]).for_each(|(c, &v)| *c += v);
        }
        for x in (0..r).chain(w - r..w) {
            counts[x] = at(x);
        }
    }
    let mut out = vec![false; w * h];
    let mut n = vec![0u32; w];
    for counts in row.chunks_exact(w).take(r.min(h)) {
        n.iter_mut()
            .zip(counts)
            .for_each(|(n, &c)| *n += u32::from(c));
    }
    for y in 0..h {
        if y + r < h {
            let ahead = &row[(y + r) * w..(y + r + 1) * w];
            n.iter_mut()
                .zip(ahead)
                .for_each(|(n, &c)| *n += u32::from(c));
        }
        let (luma, quiet) = (&g.luma[y * w..(y + 1) * w], &mut out[y * w..(y + 1) * w]);
        for ((q, &n), &l) in quiet.iter_mut().zip(&n).zip(luma) {
            *q = n == 0 && l >= CLIPPED;
        }
        if y >= r {
            let behind = &row[(y - r) * w..(y - r + 1) * w];
            n.iter_mut()
                .zip(behind)
                .for_each(|(n, &c)| *n -= u32::from(c));
        }
    }
    Some(out)
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn norm(a: [f64; 3]) -> f64 {
    (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt()
}

/// The corners as rays from the camera (focal length `f`, principal point `c`), and the unit normal of
/// the document's plane from its two vanishing directions; `None` for a degenerate quadrilateral.
fn rays_and_normal(q: &[[f32; 2]; 4], f: f32, c: [f32; 2]) -> Option<([[f64; 3]; 4], [f64; 3])> {
    let rays = q.map(|p| [f64::from(p[0] - c[0]), f64::from(p[1] - c[1]), f64::from(f)]);
    let [p0, p1, p2, p3] = rays;
    let d1 = cross(cross(p0, p1), cross(p3, p2));
    let d2 = cross(cross(p0, p3), cross(p1, p2));
    let n = cross(d1, d2);
    let nn = norm(n);
    (nn >= 1e-12 && nn.is_finite()).then(|| (rays, n.map(|v| v / nn)))
}

/// The document's own width over height, from its image corners with the perspective removed (focal
/// length `f` in the same pixels, principal point at the image centre `c`).
pub fn aspect(q: &[[f32; 2]; 4], f: f32, c: [f32; 2]) -> Option<f32> {
    let (rays, n) = rays_and_normal(q, f, c)?;
    // Back-project the corners onto the plane n . X = 1 and measure the sides there.
    let [a, b, cc, d] = rays.map(|p| {
        let t = 1.0 / (n[0] * p[0] + n[1] * p[1] + n[2] * p[2]);
        p.map(|v| v * t)
    });
    let dist = |x: [f64; 3], y: [f64; 3]| norm([x[0] - y[0], x[1] - y[1], x[2] - y[2]]);
    let w = (dist(a, b) + dist(d, cc)) / 2.0;
    let hh = (dist(a, d) + dist(b, cc)) / 2.0;
    (hh > 0.0 && w.is_finite() && hh.is_finite()).then_some((w / hh) as f32)
}

/// The tilt of the document's plane away from facing the camera, in degrees.
pub fn tilt(q: &[[f32; 2]; 4], f: f32, c: [f32; 2]) -> Option<f32> {
    let (_, n) = rays_and_normal(q, f, c)?;
    Some(n[2].abs().clamp(0.0, 1.0).acos().to_degrees() as f32)
}

/// The shape a width-over-height ratio matches (either orientation).
pub fn kind_of(aspect: f32) -> Kind {
    let r = if aspect < 1.0 { 1.0 / aspect } else { aspect };
    if (r - 85.60 / 53.98).abs() < 0.1 {
        Kind::IdCard
    } else if (r - 125.0 / 88.0).abs() < 0.075 {
        Kind::Passport
    } else {
        Kind::Unknown
    }
}

/// A side refitted at working scale, in photo pixels: its ends, and how far its middle bows out of the
/// straight line between them (0: straight), towards that line's normal `[-dy, dx]`. A card held in a
/// hand, or a passport's page near its binding, is not flat: its sides curve, as a parabola here.
#[derive(Clone, Copy, Debug)]
struct Refit {
    ends: [[f32; 2]; 2],
    bow: f32,
}

impl Refit {
    fn straight(a: [f32; 2], b: [f32; 2]) -> Self {
        Self {
            ends: [a, b],
            bow: 0.0,
        }
    }

    /// The side's point at `t` (0 at its first end, 1 at its second).
    fn at(&self, t: f32) -> [f32; 2] {
        let [a, b] = self.ends;
        let n = self.normal();
        let o = 4.0 * self.bow * t * (1.0 - t);
        [
            a[0] + t * (b[0] - a[0]) + o * n[0],
            a[1] + t * (b[1] - a[1]) + o * n[1],
        ]
    }

    /// The unit normal `[-dy, dx]` of the straight line between the ends.
    fn normal(&self) -> [f32; 2] {
        let u = unit(self.ends[0], self.ends[1]);
        [-u[1], u[0]]
    }

    /// The side's direction at `t`, the parabola's derivative `(b - a) + 4 bow (1 - 2t) n` (not a unit
    /// vector).
    fn direction(&self, t: f32) -> [f32; 2] {
        let [a, b] = self.ends;
        let n = self.normal();
        let k = 4.0 * self.bow * (1.0 - 2.0 * t);
        [b[0] - a[0] + k * n[0], b[1] - a[1] + k * n[1]]
    }

    /// The line the side leaves its end `e` (0 or 1) along: its tangent there, the line through both
    /// ends when it is straight.
    fn tangent(&self, e: usize) -> Line {
        if self.bow == 0.0 {
            return line_through(self.ends[0], self.ends[1]);
        }
        let p = self.ends[e];
        let d = self.direction(e as f32);
        line_through(p, [p[0] + d[0], p[1] + d[1]])
    }
}

/// Least bow of a side, in working pixels, for it to be refitted as a curve. At 1 px, before the edge
/// had to be followed smoothly along most of the side, sides of flat documents were refitted along
/// print and 10 of synthetic-dev's outlines lost; at 3 px its outlines are as with straight sides.
const BOW_MIN: f32 = 3.0;

/// A side whose edge was found at fewer of its samples than this share, in the straight line's window,
/// is followed as a possible curve (as is one that bows by half of [`BOW_MIN`] within the window).
const FOLLOW_IF_FOUND: f32 = 0.9;

/// Least share of a side's samples along which a curve followed beyond the side must run.
const OUTER_SHARE: f32 = 0.9;

/// Least share of a side's samples along which its edge must be followed to be refitted as a curve.
const FOLLOWED_SHARE: f32 = 0.7;

/// Most an edge followed along a side may move across it from one sample to the next, working pixels.
const FOLLOW_STEP: f32 = 1.0;
/// At most this many samples fit a straight side (every 4th working pixel of a side up to 384 long,
/// spread out along a longer one). With every 4th pixel of every side, the bench's 720p card took 197
/// on each long side and its refit 0.14 ms in V8; so capped, synthetic-dev's corners moved by 0.05% of
/// their diagonal at most and no check's status changed. A side that may be curved is still followed
/// at every 4th pixel.
const REFIT_SAMPLES: usize = 96;

/// The offsets `o = c0 + c1 t + 4 c2 t (1 - t)` that fit the samples `(t, o)` best, `c2` being the bow
/// out of the straight line from `t = 0` to `t = 1`; refitted without the fifth farthest from the
/// first fit. `None` with too few samples to tell.
fn bow_fit(samples: &[(f32, f32)]) -> Option<[f32; 3]> {
    let solve = |p: &[(f32, f32)]| -> Option<[f32; 3]> {
        // The normal equations of least squares on the basis 1, t, 4 t (1 - t), by Cramer's rule.
        let mut m = [[0f64; 3]; 3];
        let mut r = [0f64; 3];
        for &(t, o) in p {
            let b = [1.0, f64::from(t), 4.0 * f64::from(t) * (1.0 - f64::from(t))];
            for i in 0..3 {
                for j in 0..3 {
                    m[i][j] += b[i] * b[j];
                }
                r[i] += b[i] * f64::from(o);
            }
        }
        let det = |m: &[[f64; 3]; 3]| {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        };
        let d = det(&m);
        if d.abs() < 1e-9 {
            return None;
        }
        let c = std::array::from_fn(|k| {
            let mut mk = m;
            for (row, v) in mk.iter_mut().zip(r) {
                row[k] = v;
            }
            (det(&mk) / d) as f32
        });
        Some(c)
    };
    if samples.len() < 8 {
        return None;
    }
    let c = solve(samples)?;
    let off = |&(t, o): &(f32, f32)| (o - c[0] - c[1] * t - 4.0 * c[2] * t * (1.0 - t)).abs();
    // The fifth farthest off go: those beyond the 80th percentile of the distances.
    let mut offs: Vec<f32> = samples.iter().map(off).collect();
    let k = offs.len() * 4 / 5;
    let limit = *offs.select_nth_unstable_by(k, f32::total_cmp).1;
    let keep: Vec<(f32, f32)> = samples.iter().filter(|p| off(p) < limit).copied().collect();
    solve(&keep)
}

/// The side from `a` to `b` (working pixels) as a curve, if it bows by [`BOW_MIN`] or more along the
/// edge followed from the sample `from` (of those at `ts` along the side) out to both ends, each
/// sample's window centred where the last one found it: a bowed side leaves the straight line's window
/// towards its ends. `edge_near(x, y, centre)` is the offset across the side of the edge near `centre`
/// at `(x, y)`, and its step. In photo pixels (`s` of them to a working pixel), with the sum of the
/// steps followed.
fn follow(
    ts: &[f32],
    (from, centre0): (usize, f32),
    edge_near: &mut impl FnMut(f32, f32, f32) -> Option<(f32, f32)>,
    [a, b]: [[f32; 2]; 2],
    s: f32,
) -> Option<Followed> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let u = unit(a, b);
    let (nx, ny) = (-u[1], u[0]);
    // An edge moves smoothly from one sample to the next (a quarter of a pixel where a card bowed by
    // a twentieth of its height leaves its line): a step found further off is another edge, skipped.
    let mut followed: Vec<(f32, f32)> = Vec::with_capacity(ts.len());
    let mut steps = 0.0;
    let mut centre: Option<f32> = None;
    for (k, &t) in ts[from..].iter().chain(ts[..from].iter().rev()).enumerate() {
        if k == ts.len() - from {
            // Back to the start for the other way.
            centre = followed.first().map(|f| f.1);
        }
        let (cx, cy) = (a[0] + t * dx, a[1] + t * dy);
        if let Some((o, step)) = edge_near(cx, cy, centre.unwrap_or(centre0)) {
            if centre.is_none_or(|c| (o - c).abs() <= FOLLOW_STEP) {
                followed.push((t, o));
                steps += step;
                centre = Some(o);
            }
        }
    }
    // Taken as a curve only if followed along most of the side.
    if (followed.len() as f32) < FOLLOWED_SHARE * ts.len() as f32 {
        return None;
    }
    let c = bow_fit(&followed).filter(|c| c[2].abs() >= BOW_MIN)?;
    let end = |t: f32| {
        let o = c[0] + c[1] * t;
        [(a[0] + t * dx + o * nx) * s, (a[1] + t * dy + o * ny) * s]
    };
    let side = Refit {
        ends: [end(0.0), end(1.0)],
        bow: c[2] * s,
    };
    Some(Followed {
        side,
        contrast: steps,
        share: followed.len() as f32 / ts.len() as f32,
        middle: c[0] + 0.5 * c[1] + c[2],
    })
}

/// A side followed as a curve by [`follow`]: the sum of the steps along it, the share of the side's
/// samples it was followed along, and its offset across the side's line at the middle (working pixels).
struct Followed {
    side: Refit,
    contrast: f32,
    share: f32,
    middle: f32,
}

/// Refits the side through `a`-`b` (photo pixels) to the strongest edge within `reach` pixels of it, on
/// the working frame, as a straight line or, when it bows by [`BOW_MIN`] or more, as a curve followed
/// out from the line; returns the input when too little edge was found.
fn refine(frame: &Frame, a: [f32; 2], b: [f32; 2], reach: f32, inner: [f32; 2]) -> Refit {
    let s = frame.scale as f32;
    let (a, b) = ([a[0] / s, a[1] / s], [b[0] / s, b[1] / s]);
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    let unchanged = || Refit::straight([a[0] * s, a[1] * s], [b[0] * s, b[1] * s]);
    if len < 8.0 {
        return unchanged();
    }
    let (ux, uy) = (dx / len, dy / len);
    let (nx, ny) = (-uy, ux);
    // Whether the bilinear sample at `(x, y)` lies in the frame (its four pixels do).
    let inside = |x: f32, y: f32| {
        let (xi, yi) = (x.floor(), y.floor());
        xi >= 0.0 && yi >= 0.0 && xi + 1.0 < frame.w as f32 && yi + 1.0 < frame.h as f32
    };
    // The offset along the normal, within `reach` of `centre`, of the steepest step across the side at
    // `(cx, cy)`, with a parabola through its neighbours for sub-pixel.
    let steps = (2.0 * reach).ceil() as i32;
    // The luma across the side, NaN outside the frame (no step is taken to or from there).
    let mut prof = Vec::with_capacity(steps as usize * 2 + 1);
    let mut edge_near = |cx: f32, cy: f32, centre: f32| -> Option<(f32, f32)> {
        prof.clear();
        let point = |o: i32| {
            let o = centre + o as f32 * 0.5;
            (cx + o * nx, cy + o * ny)
        };
        // The samples' coordinates run monotonically from the first to the last: with both in the
        // frame, all are (most sides lie well inside it), and none is asked whether it is.
        // Two loops rather than one that skips the test when all are (natively that one cost the
        // refit twice as much, 0.17 -> 0.36 ms on the bench's 720p frame).
        let ((x0, y0), (x1, y1)) = (point(-steps), point(steps));
        if inside(x0, y0) && inside(x1, y1) {
            prof.resize(2 * steps as usize + 1, 0.0);
            let line = crate::frame::Across {
                p: [cx, cy],
                n: [nx, ny],
                centre,
                from: -steps,
            };
            crate::frame::bilinear_across(&frame.luma, frame.w, &line, &mut prof);
        } else {
            prof.extend((-steps..=steps).map(|o| {
                let (x, y) = point(o);
                if inside(x, y) {
                    crate::frame::bilinear(&frame.luma, frame.w, x, y)
                } else {
                    f32::NAN
                }
            }));
        }
        // The step across sample `i`: NaN where either neighbour is outside.
        let step = |i: usize| (prof[i + 1] - prof[i - 1]).abs();
        let mut best = (0.0f32, usize::MAX);
        for i in 1..prof.len().saturating_sub(1) {
            // Not greater when NaN.
            let g = step(i);
            if g > best.0 {
                best = (g, i);
            }
        }
        if best.1 == usize::MAX || best.0 < 6.0 {
            return None;
        }
        let i = best.1;
        let g = |j: usize| {
            if j == 0 || j + 1 >= prof.len() {
                return 0.0;
            }
            let d = step(j);
            if d.is_nan() {
                0.0
            } else {
                d
            }
        };
        let (gm, g0, gp) = (g(i - 1), best.0, g(i + 1));
        let den = gm - 2.0 * g0 + gp;
        let off = if den.abs() > 1e-6 {
            (0.5 * (gm - gp) / den).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        Some((centre + ((i as f32 + off) - steps as f32) * 0.5, best.0))
    };
    // Every 4th pixel along the side, or REFIT_SAMPLES spread over a longer one; a side that may be
    // curved is looked along again at every 4th pixel (see `follow`).
    let dense = (len / 4.0) as usize;
    let mut n = dense.min(REFIT_SAMPLES);
    let (ts, found, samples, maybe_curved) = loop {
        let ts: Vec<f32> = (1..n)
            .map(|k| k as f32 / n as f32)
            .filter(|t| (0.06..=0.94).contains(t))
            .collect();
        // The samples where the line's window found an edge: their index, and the edge's offset.
        let found: Vec<(usize, f32)> = ts
            .iter()
            .enumerate()
            .filter_map(|(k, &t)| Some((k, edge_near(a[0] + t * dx, a[1] + t * dy, 0.0)?.0)))
            .collect();
        let samples: Vec<(f32, f32)> = found.iter().map(|&(k, o)| (ts[k], o)).collect();
        // A side that may be curved: its edge left the line's window somewhere, or bows within it.
        let maybe_curved = (samples.len() as f32) < FOLLOW_IF_FOUND * ts.len() as f32
            || bow_fit(&samples).is_some_and(|c| c[2].abs() >= 0.5 * BOW_MIN);
        if maybe_curved && n < dense {
            n = dense;
            continue;
        }
        break (ts, found, samples, maybe_curved);
    };
    if found.len() < 6 {
        return unchanged();
    }
    if maybe_curved {
        // Followed from the first, the middle and the last sample where the line's window found an
        // edge: a line fitted to a bowed side crosses it, and near the crossing the window may hold a
        // line printed beside the edge instead (which bows with it). The curve with the most contrast
        // along it is the page's edge over the desk.
        let starts = [found[0], found[found.len() / 2], found[found.len() - 1]];
        let best = starts
            .iter()
            .filter_map(|&(k, _)| follow(&ts, (k, 0.0), &mut edge_near, [a, b], s))
            .max_by(|x, y| x.contrast.total_cmp(&y.contrast));
        // The page's own edge may lie further out than a line printed beside it that the side was
        // found on (a header band bows with the page): followed again from windows further out
        // across the middle of the side, the outermost curve followed along nearly all of it.
        // Which way along the normal lies away from the outline's inside.
        let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        let outward = if (mid[0] - inner[0] / s) * nx + (mid[1] - inner[1] / s) * ny >= 0.0 {
            1.0
        } else {
            -1.0
        };
        let beyond = (1..=3)
            .filter_map(|k| {
                let centre = outward * 2.0 * reach * k as f32;
                follow(&ts, (ts.len() / 2, centre), &mut edge_near, [a, b], s)
            })
            .filter(|f| f.share >= OUTER_SHARE)
            .max_by(|x, y| (outward * x.middle).total_cmp(&(outward * y.middle)));
        let take = match (best, beyond) {
            (Some(b), Some(o)) if outward * o.middle > outward * b.middle + 1.0 => Some(o),
            (b, o) => b.or(o),
        };
        if let Some(f) = take {
            return f.side;
        }
    }
    // Total least squares, then drop the worst fifth and fit again.
    let fit = |p: &[(f32, f32)]| {
        let m = p.len() as f32;
        let (mx, my) = (
            p.iter().map(|q| q.0).sum::<f32>() / m,
            p.iter().map(|q| q.1).sum::<f32>() / m,
        );
        let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
        for q in p {
            let (x, y) = (q.0 - mx, q.1 - my);
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        let ang = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        ((mx, my), (ang.cos(), ang.sin()))
    };
    let pts: Vec<(f32, f32)> = samples
        .iter()
        .map(|&(t, o)| (a[0] + t * dx + o * nx, a[1] + t * dy + o * ny))
        .collect();
    let (c, d) = fit(&pts);
    // The points nearest the line first, ties in their order (the fit below sums in that order) as a
    // stable sort leaves them: by the negated distance and the index, in the Hough transform's order
    // (one sort in the wasm).
    let mut by_err: Vec<(f32, usize)> = pts
        .iter()
        .map(|p| -((p.0 - c.0) * -d.1 + (p.1 - c.1) * d.0).abs())
        .zip(0..)
        .collect();
    by_err.sort_unstable_by(descending);
    let keep: Vec<(f32, f32)> = by_err[..by_err.len() * 4 / 5]
        .iter()
        .map(|&(_, i)| pts[i])
        .collect();
    let (c, d) = fit(&keep);
    // Project the original endpoints onto the fitted line.
    let proj = |p: [f32; 2]| {
        let t = (p[0] - c.0) * d.0 + (p[1] - c.1) * d.1;
        [(c.0 + t * d.0) * s, (c.1 + t * d.1) * s]
    };
    Refit::straight(proj(a), proj(b))
}

/// The page's own edge beyond a side found on a frame printed on the page, or partly along one.
struct PageEdge {
    /// The side's ends moved out onto the edge, in photo pixels.
    ends: [[f32; 2]; 2],
    /// Share of the side's samples that found the edge on that line.
    share: f32,
}

/// The page's own edge beyond the side `a`-`b` (photo pixels; `inner` is a point inside the outline)
/// when the side is a frame printed on the page, or partly runs along one: past it, a band of blank
/// paper as light as the page, then a step to something else, lying on one straight line. `None` when
/// the side is the page's edge itself (past it the desk, not blank paper) or no such edge is there.
/// `size` is the outline's longer side.
fn page_edge_beyond(
    frame: &Frame,
    (a, b): ([f32; 2], [f32; 2]),
    inner: [f32; 2],
    size: f32,
) -> Option<PageEdge> {
    let s = frame.scale as f32;
    let (a, b, inner) = (
        [a[0] / s, a[1] / s],
        [b[0] / s, b[1] / s],
        [inner[0] / s, inner[1] / s],
    );
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 40.0 {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    let mut n = [-uy, ux];
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    if (inner[0] - mid[0]) * n[0] + (inner[1] - mid[1]) * n[1] > 0.0 {
        n = [-n[0], -n[1]];
    }
    let at = |x: f32, y: f32| -> Option<f32> {
        let (xi, yi) = (x as usize, y as usize);
        if x < 0.0 || y < 0.0 || xi + 1 >= frame.w || yi + 1 >= frame.h {
            return None;
        }
        Some(frame.luma[yi * frame.w + xi])
    };
    // A printed frame sits a few percent of the page's size (its longer side) inside its edge: up to
    // 7% on the passport pages of synthetic-dev seen at a slant.
    let reach = (0.09 * size / s).clamp(6.0, 120.0) as usize;
    // (position along the side 0-1, distance past it to the page's edge)
    let mut found: Vec<(f32, f32)> = Vec::new();
    let samples = 32;
    let mut tried = 0;
    for k in 0..samples {
        let t = 0.1 + 0.8 * k as f32 / (samples - 1) as f32;
        let (cx, cy) = (a[0] + t * dx, a[1] + t * dy);
        let px = |o: f32| at(cx + o * n[0], cy + o * n[1]);
        // The page's paper just inside the line: the lightest of a few pixels, past any print.
        let inside = (3..=8).filter_map(|o| px(-(o as f32)));
        let Some(paper) = inside.reduce(crate::frame::max) else {
            continue;
        };
        tried += 1;
        if paper < 120.0 {
            continue;
        }
        // Blank paper within a few pixels past the line (past the printed line itself), as light as
        // the page, then a step: the edge is where the luma crosses halfway between the band and
        // what lies beyond.
        let Some((start, band)) = (2..=6)
            .filter_map(|o| px(o as f32).map(|v| (o, v)))
            .find(|(_, v)| (v - paper).abs() <= 12.0)
        else {
            continue;
        };
        let mut prev = band;
        for o in start + 1..=reach {
            let Some(v) = px(o as f32) else { break };
            if (v - band).abs() > 8.0 {
                let beyond = px(o as f32 + 2.0).unwrap_or(v);
                let half = (band + beyond) / 2.0;
                // Between the last sample of the band and this one, by linear interpolation.
                let frac = if (v - prev).abs() > 1e-3 {
                    ((half - prev) / (v - prev)).clamp(0.0, 1.0)
                } else {
                    0.5
                };
                found.push((t, o as f32 - 1.0 + frac));
                break;
            }
            if (v - prev).abs() > 6.0 {
                break;
            }
            prev = v;
        }
    }
    if tried < samples / 2 || found.len() * 10 < tried * 3 {
        return None;
    }
    // The edge is straight, as the side is: its distance is linear along the side.
    let (c, k, inliers) = straight_edge(&mut found, 1.0)?;
    if inliers < 8 || inliers * 10 < tried * 3 {
        return None;
    }
    // The whole side's ends, extrapolated from the middle where it was sampled.
    let (e0, e1) = (c, c + k);
    (e0.max(e1) >= 3.0 && e0.min(e1) >= -8.0).then(|| PageEdge {
        ends: [
            [(a[0] + e0 * n[0]) * s, (a[1] + e0 * n[1]) * s],
            [(b[0] + e1 * n[0]) * s, (b[1] + e1 * n[1]) * s],
        ],
        share: inliers as f32 / tried as f32,
    })
}

/// The straight edge through points `(position along a side 0-1, distance past it)`: the line through
/// two of them that most of the others lie on (within `tol`), refitted to those by least squares; a
/// part of the side that runs along the page's edge, or print past the band, gives points off it.
/// Returns the distance at the side's start, its change along the side, and how many points lie on it.
fn straight_edge(points: &mut Vec<(f32, f32)>, tol: f32) -> Option<(f32, f32, usize)> {
    let through = |p: (f32, f32), q: (f32, f32)| {
        let slope = (q.1 - p.1) / (q.0 - p.0);
        (p.1 - slope * p.0, slope)
    };
    let mut best = (0usize, (0.0f32, 0.0f32));
    for (i, &p) in points.iter().enumerate() {
        for &q in &points[i + 1..] {
            if (q.0 - p.0).abs() < 0.1 {
                continue;
            }
            let (c, k) = through(p, q);
            let n = points
                .iter()
                .filter(|r| (r.1 - c - k * r.0).abs() <= tol)
                .count();
            if n > best.0 {
                best = (n, (c, k));
            }
        }
    }
    let (n, (c, k)) = best;
    if n < 2 {
        return None;
    }
    points.retain(|r| (r.1 - c - k * r.0).abs() <= tol);
    let m = points.len() as f32;
    let (mt, me) = (
        points.iter().map(|q| q.0).sum::<f32>() / m,
        points.iter().map(|q| q.1).sum::<f32>() / m,
    );
    let (mut stt, mut ste) = (0.0, 0.0);
    for q in points.iter() {
        stt += (q.0 - mt) * (q.0 - mt);
        ste += (q.0 - mt) * (q.1 - me);
    }
    let slope = if stt > 1e-6 { ste / stt } else { 0.0 };
    Some((me - slope * mt, slope, points.len()))
}

fn line_through(a: [f32; 2], b: [f32; 2]) -> Line {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let mut theta = (-dx).atan2(dy);
    if theta < 0.0 {
        theta += std::f32::consts::PI;
    }
    Line::new(theta, a[0] * theta.cos() + a[1] * theta.sin(), false)
}

/// The focal length of a phone's main camera as a multiple of the photo's longer side: 26 mm in
/// 35 mm terms (main cameras are 23-26 mm) over the 43.27 mm diagonal of a 35 mm frame, times a 4:3
/// photo's diagonal, 1.25 times its longer side. A 16:9 photo or video frame is cut from the same
/// sensor's width and has the same. A longer focal length taken for a phone's photo overstates the
/// perspective's angle: a card held in a hand in a real phone photo (docsaid's `test_mrz.jpg`) measured
/// 35.8 degrees at 1.2 (a fail, retake) and 24.9 at 0.75 (a warning), its shape then a passport card's.
pub const PHONE_FOCAL: f32 = 0.75;

/// Settings for [`find`].
#[derive(Clone, Copy, Debug)]
pub struct FindConfig {
    /// Focal length as a multiple of the photo's longer side, by default a phone's main camera's
    /// ([`PHONE_FOCAL`]). Used to remove the perspective when judging shape and tilt.
    pub focal: f32,
    /// Least share of the outline that must run along an edge.
    pub min_confidence: f32,
    /// The same for an outline with a side on the photo's border (a cut-off document).
    pub min_confidence_cut: f32,
    /// The document the person was asked for, when the site knows it: outlines of the other shape
    /// are not taken (an ID card lying on an open passport, a passport photo page's inner frame).
    pub expect: Option<Kind>,
}

impl Default for FindConfig {
    fn default() -> Self {
        Self {
            focal: PHONE_FOCAL,
            min_confidence: 0.88,
            min_confidence_cut: 0.97,
            expect: None,
        }
    }
}

/// Least share of each side (of what could be seen of it) that must run along an edge. At 35%, the
/// outline of a visa 0.15 of the photo's width on a brick floor that ran on to a brick joint along 38%
/// of its top side outscored the visa's own. On synthetic-dev every value from 40% to 55% gives the same
/// outlines, with the visa found; from 60% three true outlines are refused and wrong ones take their
/// place (and a clean photo is told to retake).
const MIN_SIDE_SUPPORT: f32 = 0.45;

/// Whether a side of `m` samples in the frame, `o` of them along an edge and `u` unseen, runs along an
/// edge for less than [`MIN_SIDE_SUPPORT`] of what could be seen of it (a side of 8 samples or fewer
/// is too short to tell).
#[inline(always)]
fn short_of_edge(o: f32, m: f32, u: f32) -> bool {
    // Not `f32::max`, which is a library call in wasm (see `crate::frame::max`): this is asked of
    // every side of every outline the search weighs.
    m > 8.0 && o / crate::frame::max(m - u, 1.0) < MIN_SIDE_SUPPORT
}

/// How far past each corner a side's line is looked along, as a share of the side's length.
const RUN_PAST: f32 = 0.1;
/// How much an outline's score loses for the share of its lines just past its corners that runs along
/// an edge, and the share that costs nothing (for an outline inside the photo). Located on synthetic-dev:
/// 200 without the penalty, 202 with it; with no free share 203, but then a page with a frame printed
/// just inside its edge (the rendered test) is taken by its frame, whose lines end cleanly, rather than
/// by its own edge. At 0.3 a visa 0.4 of the width on a brick floor is no longer lost to an outline of
/// joints that run on past its corners and through the border.
const PAST_PENALTY: f32 = 0.3;
const PAST_FREE: f32 = 0.1;

/// Least support of an outline that may still be taken if a side of it moves out to the page's edge.
const WEAK_CONFIDENCE: f32 = 0.75;

/// Share of each side of the frame searched again, at finer detail, when the whole frame gave no
/// outline: a document far from the camera is small, and people hold it in the middle.
const SECOND_LOOK: f32 = 0.45;

/// Where the frame searched lies in the photo: its origin and the photo's size in photo pixels, and
/// whether its edges are the photo's borders (a document may then be cut by them).
struct Window<'a> {
    offset: [f32; 2],
    photo: [f32; 2],
    borders: bool,
    /// Whether only a document cut off by the photo's border is looked for.
    cut_only: bool,
    /// The photo itself, for the colours on either side of a weak side (see [`tint_edge`]).
    colour: Option<&'a RgbaView<'a>>,
}

/// Finds the document in the frame, or `None` when no outline is convincing. When the whole frame
/// gives none, the middle of the photo is searched again at finer detail, for a document held far away
/// (synthetic-dev at 0.15 of the width: a card 190 px wide among the stones of a gravel path).
pub fn find(frame: &Frame, cfg: &FindConfig) -> Option<Found> {
    find_with_colour(frame, None, cfg)
}

/// [`find`], with the photo the frame was built of (`colour`), whose colours give a second opinion on
/// a weak side: a card on a desk of nearly its own lightness differs from it in tint.
///
/// First of all, the first look (see `plain`): a light document on a darker surface outlined by its
/// region, taken if the outline holds as a followed one must.
///
/// A quiet photo (see `Grad::quiet`) whose colours differ somewhere (see `has_tints`) is searched
/// first with edges of colour counting as those of lightness, and as before if that finds nothing: a
/// page on a plain desk of its own lightness may show its sides in colour alone (the receipt among the
/// real photos: bluish paper on a beige desk, luma within 1-2 levels across its bottom side, blue against
/// red 18 levels apart), and a page's edge that is faint in lightness against a plain desk is not
/// outvoted there by the print inside it (a passport on a plain beige desk had its portrait taken for the
/// document). The search asks a document's shape of its outlines as ever, but a weak outline's
/// refitted shape need not be one (the receipt measures a passport's 1.35 at the Hough scale and 1.32
/// refitted, its labels 1.31): the rule keeps a textured desk's lines and print out of the other looks.
/// Tried last, after the other two looks had found nothing, it changed only the receipt among the photos
/// of `cargo xtask eval`; first, it also moves four outlines of synthetic-dev by at most 0.5% of their
/// diagonal, none out of 2%. Of two sets made like synthetic-dev from other specimens and seeds, it
/// locates one more document (motion blurred) and moves some outlines by about 1% of their diagonal at most;
/// no background gains an outline; on a set made on a plain beige desk it locates 125 of 135 (104 with
/// it last, 99 without it). A photo searched in colour first costs about 40% more (1280 x 960, natively);
/// a textured photo is not searched so: its colours are as busy as its lightness, and the look would
/// cost as much as the first for nothing (60% more on grass, gravel and brick at 512 x 512).
///
/// Except for a cut-off document, last: when no look has found an outline in a textured photo with
/// tints, it is searched once more with edges of colour for an outline through the border alone. A
/// card on a desk of its own lightness and a keyboard beside it (synthetic-dev's Romanian card, cut
/// off by the right border in two photos) shows the desk side of it in tint alone, which no search in
/// lightness finds, and was passed with all corners in view; with this look both photos fail
/// `framing` as they must, and nothing else in `cargo xtask eval` or in the three sets made like
/// synthetic-dev from other specimens and seeds changes (an outline through the border claims a
/// cut-off document, and must run along edges for nearly all of its real sides). Only photos in which
/// nothing was found pay for it: natively, a black and a blue desk with nothing on them at 1280 x 720
/// 5.5 -> 8.9 and 6.8 -> 10.3 ms (a live camera's frames before the card is in view), the keyboard at
/// 2600 x 4624 27 -> 35 ms; grass, gravel, brick and a white desk nothing measurable. Outlines through
/// the border with one real side on no edge are completed (see `fourth_side`) in this look alone.
pub fn find_with_colour(
    frame: &Frame,
    colour: Option<&RgbaView>,
    cfg: &FindConfig,
) -> Option<Found> {
    let s = frame.scale as f32;
    let photo = [frame.w as f32 * s, frame.h as f32 * s];
    let whole = Window {
        offset: [0.0, 0.0],
        photo,
        borders: true,
        cut_only: false,
        colour,
    };
    let g = gradient(frame);
    // A document on a plain surface darker than it, outlined by its light region.
    if let Some(found) = plain::outline(&g).and_then(|q| {
        followed(
            frame,
            &g,
            cfg,
            &order(q).map(|p| [p[0] * g.scale, p[1] * g.scale]),
        )
    }) {
        return Some(found);
    }
    let in_colour = || {
        let view = colour.filter(|v| g.quiet() && has_tints(v))?;
        find_in(frame, &g.with_colour(view), cfg, &whole)
    };
    in_colour()
        .or_else(|| find_in(frame, &g, cfg, &whole))
        .or_else(|| {
            let (cw, ch) = (
                (frame.w as f32 * SECOND_LOOK) as usize,
                (frame.h as f32 * SECOND_LOOK) as usize,
            );
            let (x0, y0) = ((frame.w - cw) / 2, (frame.h - ch) / 2);
            let middle = frame.crop(x0, y0, cw, ch);
            // Not with the colours (see TINT).
            let window = Window {
                offset: [x0 as f32 * s, y0 as f32 * s],
                photo,
                borders: false,
                cut_only: false,
                colour: None,
            };
            find_in(&middle, &gradient(&middle), cfg, &window)
        })
        .or_else(|| {
            let view = colour.filter(|v| !g.quiet() && has_tints(v))?;
            let window = Window {
                cut_only: true,
                ..whole
            };
            find_in(frame, &g.with_colour(view), cfg, &window)
        })
}

/// Buckets of the angle of lines, over a half turn, by which the search finds the pairs of lines
/// across a pair: a keyboard's rows make a thousand pairs, nearly all parallel to each other, and
/// testing each against each cost 20% of an empty keyboard's check.
const ANGLE_BUCKETS: usize = 36;

fn angle_bucket(theta: f32) -> usize {
    ((theta / std::f32::consts::PI * ANGLE_BUCKETS as f32) as usize).min(ANGLE_BUCKETS - 1)
}

/// The pairs after a pair in the search's order (strongest first) whose angle may differ from its by 50
/// degrees or more: those of the buckets of angle far enough from its, merged in that order.
struct Across<'a> {
    pairs: &'a [Pair],
    next: [&'a [usize]; ANGLE_BUCKETS],
    n: usize,
}

impl<'a> Across<'a> {
    fn after(pairs: &'a [Pair], by_angle: &'a [Vec<usize>; ANGLE_BUCKETS], pi: usize) -> Self {
        let own = angle_bucket(pairs[pi].theta);
        let mut it = Self {
            pairs,
            next: [&[]; ANGLE_BUCKETS],
            n: 0,
        };
        for (b, list) in by_angle.iter().enumerate() {
            // Members of buckets 10 apart differ by 45-55 degrees, of buckets 9 apart by 40-50: those
            // too, in case a float rounds an angle into the bucket next to its own.
            let d = own.abs_diff(b);
            if d.min(ANGLE_BUCKETS - d) >= 9 && !list.is_empty() {
                it.next[it.n] = &list[list.partition_point(|&j| j <= pi)..];
                it.n += 1;
            }
        }
        it
    }
}

impl<'a> Iterator for Across<'a> {
    type Item = &'a Pair;

    fn next(&mut self) -> Option<&'a Pair> {
        let (mut at, mut first) = (0, usize::MAX);
        for (k, list) in self.next[..self.n].iter().enumerate() {
            if let Some(&i) = list.first() {
                if i < first {
                    (at, first) = (k, i);
                }
            }
        }
        let list = self.next[at];
        self.next[at] = list.get(1..)?;
        self.pairs.get(first)
    }
}

fn find_in(frame: &Frame, g: &Grad, cfg: &FindConfig, win: &Window) -> Option<Found> {
    if g.w < 16 || g.h < 16 {
        return None;
    }
    let pts = ridges(g);
    let mut lines = hough(g, &pts, if win.borders { RESERVE } else { 0 });
    let (w, h) = (g.w as f32, g.h as f32);
    let borders = [
        (0.0, 0.5),
        (std::f32::consts::FRAC_PI_2, 0.5),
        (0.0, w - 1.5),
        (std::f32::consts::FRAC_PI_2, h - 1.5),
    ];
    if win.borders {
        for (theta, rho) in borders {
            lines.push(Line::new(theta, rho, true));
        }
    }
    let frame_area = w * h;
    let photo_w = frame.w as f32 * frame.scale as f32;
    let photo_h = frame.h as f32 * frame.scale as f32;
    let focal = cfg.focal * win.photo[0].max(win.photo[1]);
    // The photo's centre, where the lens's axis meets it, in this frame's pixels.
    let centre = [
        win.photo[0] / 2.0 - win.offset[0],
        win.photo[1] / 2.0 - win.offset[1],
    ];
    // Opposite sides: near-parallel pairs at a distance.
    let ang = |a: &Line, b: &Line| {
        let d = (a.theta - b.theta).abs();
        crate::frame::min(d, std::f32::consts::PI - d)
    };
    let mut pairs = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let (a, b) = (&lines[i], &lines[j]);
            if a.border && b.border {
                continue;
            }
            // Opposite sides: near-parallel, and apart by a real width (measured at the centre).
            if ang(a, b) < 35f32.to_radians()
                && separation(a, b, [w / 2.0, h / 2.0]) >= 0.06 * w.min(h)
            {
                pairs.push((i, j));
            }
        }
    }
    // Each line's support, sampled once along its whole length: a side's support is then a difference
    // of two prefix sums, whatever the quadrilateral.
    let diag = (w * w + h * h).sqrt().ceil();
    let quiet = quiet(g);
    // Only the lines in a pair can be a side: the others are not sampled.
    let mut paired = vec![false; lines.len()];
    for &(i, j) in &pairs {
        paired[i] = true;
        paired[j] = true;
    }
    let profiles: Vec<Profile> = lines
        .iter()
        .zip(&paired)
        .map(|(l, &p)| {
            if p {
                Profile::new(g, quiet.as_deref(), l, diag)
            } else {
                Profile::none()
            }
        })
        .collect();
    // A quadrilateral scores at most 1.05 times the support of its four whole lines. Taking the pairs
    // strongest first lets the search stop as soon as no remaining pair of pairs could win.
    let most = |i: usize| profiles[i].ok.last().copied().unwrap_or(0.0);
    // Pairs of equal promise in the order they were made (the sort the Hough transform's peaks use).
    let mut promise: Vec<(f32, usize)> = pairs
        .iter()
        .map(|&(a, b)| most(a) + most(b))
        .zip(0..)
        .collect();
    promise.sort_unstable_by(descending);
    let pairs: Vec<Pair> = promise
        .iter()
        .map(|&(m, i)| {
            let (a, b) = pairs[i];
            Pair {
                a,
                b,
                most: m,
                border: lines[a].border || lines[b].border,
                theta: lines[a].theta,
            }
        })
        .collect();
    let mut by_angle = [const { Vec::new() }; ANGLE_BUCKETS];
    for (i, p) in pairs.iter().enumerate() {
        by_angle[angle_bucket(p.theta)].push(i);
    }
    // Where each two lines cross, once: the search asks it of the same lines thousands of times.
    // `intersect` is symmetric to the bit (its terms change sign together), so one of each.
    let nl = lines.len();
    let mut crossing: Vec<Option<[f32; 2]>> = vec![None; nl * nl];
    for i in 0..nl {
        for j in i + 1..nl {
            let p = intersect(&lines[i], &lines[j]);
            crossing[i * nl + j] = p;
            crossing[j * nl + i] = p;
        }
    }
    let cross = |i: usize, j: usize| crossing[i * nl + j];
    let mut best: Option<Outline> = None;
    let mut threes: Vec<Three> = Vec::new();
    // Each line's support between the two lines of the pair in hand, as the sides across them (on
    // the pairs across it) ask it: once per pair and line, marked with the pair's place. Its corners
    // are where the line crosses the pair's lines, wherever it comes in the outline, and
    // `Profile::segment` does not mind their order.
    let mut across_pair: Vec<(usize, (f32, f32, f32))> = vec![(usize::MAX, (0.0, 0.0, 0.0)); nl];
    for (pi, ab) in pairs.iter().enumerate() {
        let beaten =
            |m: f32, best: &Option<Outline>| best.as_ref().is_some_and(|b| 1.05 * m <= b.score);
        if pairs
            .get(pi + 1)
            .is_none_or(|p| beaten(ab.most + p.most, &best))
        {
            break;
        }
        for cd in Across::after(&pairs, &by_angle, pi) {
            if beaten(ab.most + cd.most, &best) {
                break;
            }
            // At most one side on the photo's border, and the two pairs across each other (the
            // iterator's buckets of angle are coarse).
            if ab.border && cd.border {
                continue;
            }
            let across = (ab.theta - cd.theta).abs();
            if crate::frame::min(across, std::f32::consts::PI - across) < 50f32.to_radians() {
                continue;
            }
            let (a, b, c, d) = (ab.a, ab.b, cd.a, cd.b);
            let quad_lines = [&lines[a], &lines[b], &lines[c], &lines[d]];
            // Corners in cyclic order; side k runs from corner k to corner k + 1 on line `side[k]`.
            let (Some(p0), Some(p1), Some(p2), Some(p3)) =
                (cross(a, c), cross(c, b), cross(b, d), cross(d, a))
            else {
                continue;
            };
            let cyc = [p0, p1, p2, p3];
            let side = [c, b, d, a];
            if !convex(&cyc) {
                continue;
            }
            let ar = area(&cyc) / frame_area;
            if !(0.01..=1.2).contains(&ar)
                || cyc
                    .iter()
                    .any(|p| p[0] < -0.5 * w || p[0] > 1.5 * w || p[1] < -0.5 * h || p[1] > 1.5 * h)
            {
                continue;
            }
            let has_border = quad_lines.iter().any(|l| l.border);
            if win.cut_only && !has_border {
                continue;
            }
            // Confidence is over the real sides; the border's credit only enters the score.
            let (mut ok, mut n, mut border_ok, mut unseen) = (0.0, 0.0, 0.0, 0.0);
            let mut support = [(0.0, 0.0); 4];
            let mut side_fail = false;
            let mut missing = None;
            for k in 0..4 {
                if lines[side[k]].border {
                    continue;
                }
                // Sides 0 and 2 run between the pair in hand's lines.
                let (o, m, u) = if k % 2 == 0 {
                    let memo = &mut across_pair[side[k]];
                    if memo.0 != pi {
                        *memo = (pi, profiles[side[k]].segment(cyc[k], cyc[(k + 1) % 4]));
                    }
                    memo.1
                } else {
                    profiles[side[k]].segment(cyc[k], cyc[(k + 1) % 4])
                };
                support[k] = (o, m);
                // Along what could be seen of it, a side must run along an edge. One that does not is
                // remembered (see below).
                if short_of_edge(o, m, u) {
                    // Through the border, only the look for a cut-off document completes it.
                    if missing.is_some() || has_border && !win.cut_only {
                        side_fail = true;
                        break;
                    }
                    missing = Some(k);
                    continue;
                }
                ok += o;
                n += m;
                unseen += u;
            }
            for k in 0..4 {
                if side_fail || !lines[side[k]].border {
                    continue;
                }
                let (from, to) = (cyc[k], cyc[(k + 1) % 4]);
                let (o, m, _) = profiles[side[k]].segment(from, to);
                support[k] = (o, m);
                border_ok += o;
                // The sides that meet the border must run into it (see `runs_into`); a side short of
                // an edge is looked for again.
                let before = (k + 3) % 4;
                let after = (k + 1) % 4;
                if (missing != Some(before)
                    && !runs_into(&profiles[side[before]], from, cyc[before]))
                    || (missing != Some(after)
                        && !runs_into(&profiles[side[after]], to, cyc[(k + 2) % 4]))
                {
                    side_fail = true;
                }
            }
            if side_fail || n < 20.0 {
                continue;
            }
            if let Some(k) = missing {
                // Three sides along edges and a fourth on no edge: the document's fourth side may be
                // too faint to be among the lines. The best few such outlines are searched again
                // for it if nothing better is found: outlines inside the photo in every look but the
                // one for a cut-off document (see `find_with_colour`), those through the border in it.
                remember(
                    &mut threes,
                    Three {
                        cyc,
                        side,
                        missing: k,
                        ok,
                    },
                    n,
                );
                continue;
            }
            // What could not be seen does not count against the outline, up to a quarter of it; an
            // outline through the border claims a cut-off document and is judged on all it shows.
            let unseen = if has_border {
                0.0
            } else {
                crate::frame::min(unseen, MAX_UNSEEN * n)
            };
            let conf = ok / (n - unseen);
            // An outline through the border claims a cut-off document, which fails the photo: it must
            // be all but perfect along its real sides (cut documents on synthetic-dev: 0.976-0.996;
            // desk and keyboard lines that reach the border: 0.89-0.96).
            if has_border && conf < cfg.min_confidence_cut {
                continue;
            }
            // The shape tests below cost more than all of the above: skip them when even the shape
            // bonus could not beat the best so far.
            if best
                .as_ref()
                .is_some_and(|b| (ok + border_ok) * conf * conf * 1.05 <= b.score)
            {
                continue;
            }
            // A document's shape, perspective removed: ID-1 is 1.59, passports 1.42, visas 1.5. A keyboard's
            // or a desk's outline is not. A side on the border hides the true shape, so it is not judged.
            let q = order(cyc);
            let photo_q = q.map(|p| [p[0] * g.scale, p[1] * g.scale]);
            let asp = aspect(&photo_q, focal, centre);
            // A cut-off document shows less than its length: what is visible is no longer than a whole one.
            let lo = if has_border { 1.0 } else { 1.28 };
            if !asp.is_some_and(|a| (lo..=1.75).contains(&if a < 1.0 { 1.0 / a } else { a })) {
                continue;
            }
            if tilt(&photo_q, focal, centre).is_none_or(|t| t > 65.0) {
                continue;
            }
            // Large outlines that run along edges, of a known document's shape unless cut by the border.
            let shape = asp.map_or(Kind::Unknown, kind_of);
            if shape == Kind::Unknown && !has_border {
                continue;
            }
            if cfg.expect.is_some_and(|k| shape != k && !has_border) {
                continue;
            }
            let bonus = if shape == Kind::Unknown { 1.0 } else { 1.05 };
            // A document's sides end at its corners; lines of the desk run on past them (a brick
            // floor's joints, a keyboard's rows). The share of the lines' length just past the corners
            // that runs along an edge counts against the outline: beyond a little for one inside the
            // photo (a page's edge may run on by chance into the desk's print), all of it and twice as
            // much for one through the border, which claims a cut-off document.
            let past = run_on(&cyc, |k| {
                (!lines[side[k]].border).then(|| &profiles[side[k]])
            });
            let penalty = if has_border {
                2.0 * PAST_PENALTY * past
            } else {
                PAST_PENALTY * (past - PAST_FREE).max(0.0)
            };
            let score = (ok + border_ok) * conf * conf * bonus * (1.0 - penalty);
            if best.as_ref().is_none_or(|b| score > b.score) {
                if (has_border || !win.borders) && !lighter_than_surroundings(g, &q) {
                    continue;
                }
                let border = std::array::from_fn(|k| lines[side[k]].border);
                best = Some(Outline::from_cyclic(
                    score, conf, cyc, support, border, g.scale,
                ));
            }
        }
    }
    let ctx = Search {
        g,
        quiet: quiet.as_deref(),
        lines: &lines,
        profiles: &profiles,
        diag,
        focal,
        centre,
        cfg,
        colour: win.colour.map(|view| Colour {
            view,
            offset: win.offset,
            step: frame.scale as f32,
        }),
    };
    if win.borders
        && best
            .as_ref()
            .is_none_or(|b| b.confidence < cfg.min_confidence)
    {
        for t in &threes {
            if let Some(o) = fourth_side(&ctx, t) {
                if best
                    .as_ref()
                    .is_none_or(|b| b.confidence < cfg.min_confidence || o.score > b.score)
                {
                    best = Some(o);
                }
            }
        }
    }
    let mut best = best?;
    if !best.border.iter().any(|&b| b) {
        better_sides(&ctx, &mut best);
        out_to_edges(g, quiet.as_deref(), &mut best, focal, centre, cfg.expect);
    }
    let Outline {
        corners: q,
        confidence: conf,
        support,
        ..
    } = best;
    // An outline short of the support it needs may still be the page, with a side on a line printed
    // on it (a passport's machine-readable zone) while its own edge, on a desk as light as the page,
    // is too faint to be among the lines: it is taken if that side then moves out to the page's edge
    // and the outline is then supported enough (see below).
    let weak = conf < cfg.min_confidence;
    if weak && (conf < WEAK_CONFIDENCE || !win.borders) {
        return None;
    }
    // Refit each side at working scale; sides on the photo's border stay.
    let reach = g.scale / frame.scale as f32 * 1.5 + 1.0;
    let mut refined = Vec::with_capacity(4);
    let mut border_side = [false; 4];
    // Sides found on a frame printed on the page move out to its edge: how far, and the share of their
    // samples that found it.
    let mut moved = [0f32; 4];
    let mut found_beyond = [None; 4];
    let size = (0..4)
        .map(|k| distance(q[k], q[(k + 1) % 4]))
        .fold(0.0, crate::frame::max);
    let inner = centre_of(&q);
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        // The border lines lie at 0.5 and size - 1.5 Hough pixels; the Hough frame may stop a few
        // photo pixels short of the photo's right and bottom edges (its size is rounded down).
        let on_border = win.borders
            && (mid[0] < 1.5 * g.scale
                || mid[1] < 1.5 * g.scale
                || mid[0] > (g.w as f32 - 2.5) * g.scale
                || mid[1] > (g.h as f32 - 2.5) * g.scale);
        border_side[i] = on_border;
        let mut side = if on_border {
            Refit::straight(a, b)
        } else {
            refine(frame, a, b, reach, inner)
        };
        // A curved side is the page's own edge: frames printed on it are straight. Nor is the edge
        // beyond looked for in the lightness where colour has shown the page's sides: a desk's shading
        // beyond a side that only its colour shows would be taken for it.
        if !on_border && side.bow == 0.0 && !g.coloured {
            let [ra, rb] = side.ends;
            if let Some(edge) = page_edge_beyond(frame, (ra, rb), inner, size) {
                moved[i] = distance(edge.ends[0], ra).max(distance(edge.ends[1], rb));
                side = Refit::straight(edge.ends[0], edge.ends[1]);
                found_beyond[i] = Some(edge.share);
            }
        }
        refined.push(side);
    }
    let corners = refitted_corners(&q, &refined, 4.0 * g.scale, moved);
    // A corner beyond the photo, or on its border (where a side of the document is the border itself).
    let edge = 2.0 * g.scale;
    // Both ends of a side that is the photo's border are cut off, wherever the refit of the sides
    // next to it put them (a few pixels inside, on cut_corners photos of synthetic-dev).
    let mut outside = corners.map(|p| {
        win.borders
            && (p[0] < edge
                || p[1] < edge
                || p[0] > photo_w - 1.0 - edge
                || p[1] > photo_h - 1.0 - edge)
    });
    for i in 0..4 {
        if border_side[i] {
            outside[i] = true;
            outside[(i + 1) % 4] = true;
        }
    }
    let asp = aspect(&corners, focal, centre).unwrap_or(0.0);
    // The outline found is of the kind asked for, once its sides are refitted (they may move out to the
    // page's edge), unless it is cut off.
    if cfg.expect.is_some_and(|k| kind_of(asp) != k) && !outside.contains(&true) {
        return None;
    }
    let mut conf = conf;
    if weak {
        // Each side's support as the search measured it, except that a side moved out to the page's
        // edge counts the share of its samples that found that edge.
        // Of a known document's shape, but in the search with colours (see `find_with_colour`).
        if border_side.iter().any(|&b| b) || (kind_of(asp) == Kind::Unknown && !g.coloured) {
            return None;
        }
        let (mut ok, mut n) = (0.0, 0.0);
        for (&(o, m), beyond) in support.iter().zip(found_beyond) {
            ok += beyond.map_or(o, |share| share * m);
            n += m;
        }
        conf = ok / n.max(1.0);
        // The search judged lines of whole Hough bins, an edge counting within a pixel of them: a side
        // a fraction of a bin off its line, or not quite straight (a card bowed in the hand, an edge
        // smeared by motion), falls short. The outline refitted at working scale is judged again, an
        // edge counting within two pixels (see `refitted_support`).
        let bows = std::array::from_fn(|k| refined[k].bow);
        conf = crate::frame::max(conf, refitted_support(g, quiet.as_deref(), &corners, bows));
        if conf < cfg.min_confidence {
            return None;
        }
    }
    let corners = corners.map(|p| [p[0] + win.offset[0], p[1] + win.offset[1]]);
    Some(Found {
        corners,
        outside,
        confidence: conf,
        kind: kind_of(asp),
        aspect: asp,
    })
}

/// The corners where the refitted sides meet (side `i` from corner `i`), each kept where it was when
/// its sides meet farther than `slack` from it along either axis, plus how far the two sides moved out
/// to the page's edge (`moved`) and how much they bow.
fn refitted_corners(
    q: &[[f32; 2]; 4],
    refined: &[Refit],
    slack: f32,
    moved: [f32; 4],
) -> [[f32; 2]; 4] {
    let mut corners = *q;
    for i in 0..4 {
        // Where the side before leaves the corner and this side leaves it.
        if let Some(p) = intersect(&refined[(i + 3) % 4].tangent(1), &refined[i].tangent(0)) {
            let bows = refined[i].bow.abs() + refined[(i + 3) % 4].bow.abs();
            let slack = slack + moved[i] + moved[(i + 3) % 4] + bows;
            if (p[0] - q[i][0]).abs() < slack && (p[1] - q[i][1]).abs() < slack {
                corners[i] = p;
            }
        }
    }
    corners
}

/// Least share of an outline followed from the frame before ([`track`]) that must run along edges in
/// this one, before its sides are refitted and after, an edge counting within one Hough pixel (within
/// two, as [`refitted_support`] counts, an outline 10 px beside the card was still taken, farther than
/// the refit reaches). On synthetic-dev (217 outlines the search locates, each given back moved by 2 px):
/// 183 followed, none worse than the search's by 0.3% of the diagonal or more; at 0.85 and 0.95, 185 and
/// 162; no outline a seventh smaller or larger than the card was taken at any of them.
const TRACK_SUPPORT: f32 = 0.9;
/// Least share of each side of such an outline that must run along edges: a card whose side is hidden
/// by a thumb is searched for. At 0.7 and 0.9, 196 and 161 outlines followed of the 217 above.
const TRACK_SIDE: f32 = 0.8;

/// The document found in the frame before (`before`, photo pixels) followed into this frame, if it has
/// moved little: the outline still runs along edges (see `TRACK_SUPPORT`), and each side is refitted
/// at working scale where it now is, as the search refits its sides. `None` when it does not, when a
/// corner is near the border or beyond (a cut-off document is searched for), or when the outline is not
/// of a document's shape or not of the kind expected: the caller then searches the frame ([`find`]).
/// A live camera's frames differ little while the person holds the document still, and this is a
/// fraction of the search's work: no lines are searched for.
pub fn track(frame: &Frame, cfg: &FindConfig, before: &[[f32; 2]; 4]) -> Option<Found> {
    followed(frame, &gradient(frame), cfg, before)
}

/// [`track`], on the finder's gradient `g` of `frame`: also the test and refit of the first look's
/// outline (see `plain`).
fn followed(frame: &Frame, g: &Grad, cfg: &FindConfig, before: &[[f32; 2]; 4]) -> Option<Found> {
    if g.w < 16 || g.h < 16 || !convex(before) {
        return None;
    }
    let s = frame.scale as f32;
    let photo = [frame.w as f32 * s, frame.h as f32 * s];
    let margin = 2.0 * g.scale;
    let inside = |q: &[[f32; 2]; 4]| {
        q.iter().all(|p| {
            p[0] >= margin
                && p[1] >= margin
                && p[0] <= photo[0] - 1.0 - margin
                && p[1] <= photo[1] - 1.0 - margin
        })
    };
    let quiet = quiet(g);
    // The whole outline, and each side of it, along edges.
    let holds = |q: &[[f32; 2]; 4], bows: [f32; 4]| {
        let sides = sides_support::<1>(g, quiet.as_deref(), q, bows);
        let all = seen_share(summed(sides));
        (sides.iter().all(|&side| seen_share(side) >= TRACK_SIDE) && all >= TRACK_SUPPORT)
            .then_some(all)
    };
    if !inside(before) || holds(before, [0.0; 4]).is_none() {
        return None;
    }
    let reach = g.scale / s * 1.5 + 1.0;
    let inner = centre_of(before);
    let refined: Vec<Refit> = (0..4)
        .map(|i| refine(frame, before[i], before[(i + 1) % 4], reach, inner))
        .collect();
    let corners = refitted_corners(before, &refined, 4.0 * g.scale, [0.0; 4]);
    let bows = std::array::from_fn(|k| refined[k].bow);
    if !inside(&corners) {
        return None;
    }
    let confidence = holds(&corners, bows)?;
    let focal = cfg.focal * photo[0].max(photo[1]);
    let aspect = aspect(&corners, focal, [photo[0] / 2.0, photo[1] / 2.0])?;
    let kind = kind_of(aspect);
    if kind == Kind::Unknown || cfg.expect.is_some_and(|k| k != kind) {
        return None;
    }
    Some(Found {
        corners,
        outside: [false; 4],
        confidence,
        kind,
        aspect,
    })
}

/// The share of the outline `q` (photo pixels) that runs along edges within two Hough pixels of its
/// sides, side `k` bowing out by `bows[k]` (photo pixels, see [`Refit`]); what could not be seen does
/// not count against it, up to a quarter, as in the search. Within one pixel, synthetic-dev's outlines
/// were as before; within two, a passport with 21 px of motion blur is located and another found 5.4%
/// off (a side on its header), none lost; within three, a wrong outline is taken (the Romanian card on
/// the keyboard, 8.4% off). A card held in a hand in a real phone photo is found within two.
fn refitted_support(g: &Grad, quiet: Option<&[bool]>, q: &[[f32; 2]; 4], bows: [f32; 4]) -> f32 {
    seen_share(summed(sides_support::<2>(g, quiet, q, bows)))
}

/// The share of `(supported, in-frame, unseen)` samples that runs along edges, what could not be seen
/// not counting against it, up to [`MAX_UNSEEN`] of them.
fn seen_share((ok, n, unseen): (f32, f32, f32)) -> f32 {
    ok / (n - unseen.min(MAX_UNSEEN * n)).max(1.0)
}

/// The four sides' `(supported, in-frame, unseen)` samples added up.
fn summed(sides: [(f32, f32, f32); 4]) -> (f32, f32, f32) {
    sides
        .iter()
        .fold((0.0, 0.0, 0.0), |(o, m, u), s| (o + s.0, m + s.1, u + s.2))
}

/// The mean of a quadrilateral's corners.
fn centre_of(q: &[[f32; 2]; 4]) -> [f32; 2] {
    [
        (q[0][0] + q[1][0] + q[2][0] + q[3][0]) / 4.0,
        (q[0][1] + q[1][1] + q[2][1] + q[3][1]) / 4.0,
    ]
}

/// Each side's `(supported, in-frame, unseen)` samples for [`refitted_support`], an edge counting
/// within `R` Hough pixels of a straight side (two of a curved one).
fn sides_support<const R: i32>(
    g: &Grad,
    quiet: Option<&[bool]>,
    q: &[[f32; 2]; 4],
    bows: [f32; 4],
) -> [(f32, f32, f32); 4] {
    let q = q.map(|p| [p[0] / g.scale, p[1] / g.scale]);
    std::array::from_fn(|k| {
        let (a, b) = (q[k], q[(k + 1) % 4]);
        if bows[k] == 0.0 {
            Profile::between::<R>(g, quiet, &line_through(a, b), a, b)
        } else {
            along_curve(
                g,
                quiet,
                Refit {
                    ends: [a, b],
                    bow: bows[k] / g.scale,
                },
            )
        }
    })
}

/// `(supported, in-frame, unseen)` samples along a curved side (Hough pixels), one per pixel of its
/// length, an edge counting within two pixels across it, as [`Profile`] counts them along a line.
fn along_curve(g: &Grad, quiet: Option<&[bool]>, side: Refit) -> (f32, f32, f32) {
    let count = distance(side.ends[0], side.ends[1]).ceil().max(1.0) as usize;
    let (mut ok, mut inside, mut unseen) = (0.0, 0.0, 0.0);
    for i in 0..count {
        let t = (i as f32 + 0.5) / count as f32;
        let [x, y] = side.at(t);
        // The normal to the parabola at t.
        let u = unit([0.0, 0.0], side.direction(t));
        if let Some((edge, blank)) = look::<2>(g, quiet, x, y, [-u[1], u[0]]) {
            inside += 1.0;
            if edge {
                ok += 1.0;
            } else if blank {
                unseen += 1.0;
            }
        }
    }
    (ok, inside, unseen)
}

/// Straight lines in the convex region `region` (Hough pixels) within `tol` of the angle `theta0`, found
/// by a Hough vote of the region's own edge pixels, one vote each whatever their contrast (a faint
/// edge over a light desk counts as a crisp one): the strongest first.
fn lines_in(g: &Grad, region: [[f32; 2]; 4], theta0: f32, tol: f32, most: usize) -> Vec<Line> {
    use std::f32::consts::{FRAC_PI_2, PI};
    const STEP: f32 = 0.5 * PI / 180.0;
    // A region of no area (or not a number) would leave `Roi::quad` its fallback, the middle of
    // the frame.
    let size = area(&region);
    if size.is_nan() || size < 1.0 {
        return Vec::new();
    }
    let nt = (2.0 * tol / STEP) as usize + 1;
    let thetas: Vec<f32> = (0..nt).map(|k| theta0 - tol + k as f32 * STEP).collect();
    let trig: Vec<(f32, f32)> = thetas.iter().map(|t| (t.cos(), t.sin())).collect();
    // theta0's direction, and the sine of the widest angle from it the votes take, loosened (see below).
    let across = [theta0.cos(), theta0.sin()];
    let loose = (tol + 2.0 * STEP + 0.5f32.to_radians())
        .min(FRAC_PI_2)
        .sin();
    // The distances the region's pixels can have: within its corners', and within the frame's.
    let reach = ((g.w * g.w + g.h * g.h) as f32).sqrt();
    let rhos = region.map(|p| p[0] * theta0.cos() + p[1] * theta0.sin());
    let rmin = (rhos.iter().copied().fold(f32::INFINITY, f32::min) - 8.0).max(-reach);
    let rmax = (rhos.iter().copied().fold(f32::NEG_INFINITY, f32::max) + 8.0).min(reach);
    let nr = (rmax - rmin).max(0.0) as usize + 1;
    let mut acc = vec![0u16; nt * nr];
    let roi = Roi::quad(g.w, g.h, region);
    // Which pixels of a row's stretch may vote: an edge's magnitude, and the sine of the angle between
    // the gradient and theta0 within a bound half a degree looser than the test of their direction
    // below, so that the pixels that pass it are the same (`direction` errs by 5e-5 radians). Taken in
    // one straight pass over the stretch, with no branch on the desk's texture: it passes few pixels of
    // a textured desk, and `direction` and a branch per pixel had cost a fifth of the finder's time on
    // synthetic-dev in V8.
    let mut may = vec![false; g.w];
    for (y, x0, x1) in roi.rows() {
        let (from, to) = (x0.max(1), x1.min(g.w - 1));
        if y < 1 || y + 1 >= g.h || from >= to {
            continue;
        }
        let (row, may) = (y * g.w, &mut may[..to - from]);
        let stretch = from + row..to + row;
        let (mag, gxs, gys) = (
            &g.mag[stretch.clone()],
            &g.gx[stretch.clone()],
            &g.gy[stretch],
        );
        for ((may, &m), (&gx, &gy)) in may.iter_mut().zip(mag).zip(gxs.iter().zip(gys)) {
            *may = (m >= g.edge) & ((gx * across[1] - gy * across[0]).abs() <= loose * m);
        }
        for x in (from..to).filter(|x| may[x - from]) {
            let i = row + x;
            let (gx, gy) = (g.gx[i], g.gy[i]);
            let mut d = direction(gx, gy) - theta0;
            if d > FRAC_PI_2 {
                d -= PI;
            } else if d < -FRAC_PI_2 {
                d += PI;
            }
            if d.abs() > tol + 2.0 * STEP {
                continue;
            }
            // The angle bins within a degree and a half of the pixel's own direction.
            let k = (d + tol) / STEP;
            let lo = (k - 3.0).max(0.0) as usize;
            let hi = ((k + 3.0) as usize).min(nt - 1);
            for t in lo..=hi {
                let (c, s) = trig[t];
                let r = x as f32 * c + y as f32 * s - rmin;
                if r >= 0.0 && (r as usize) < nr {
                    acc[t * nr + r as usize] += 1;
                }
            }
        }
    }
    let peaks = peaks_of(&mut acc, nt, nr, most);
    peaks
        .into_iter()
        .map(|(t, r)| {
            let (mut theta, mut rho) = (thetas[t], r as f32 + 0.5 + rmin);
            if theta < 0.0 {
                theta += PI;
                rho = -rho;
            } else if theta >= PI {
                theta -= PI;
                rho = -rho;
            }
            Line::new(theta, rho, false)
        })
        .collect()
}

/// The strongest bins of `acc` (`nt` angles of `nr` distances, angle-major), each taken as
/// `(angle, distance)` with its neighbourhood cleared (4 angles and 2 distances either way), at most
/// `most` of them and none of fewer than 8 votes: the first of the strongest in the order of the bins
/// each time. No sort, whose code is 9 KB of wasm: each angle's strongest bin is kept, and found again
/// only for the angles a peak clears (a pass over every bin for each peak had been the finder's
/// costliest line of code).
fn peaks_of(acc: &mut [u16], nt: usize, nr: usize, most: usize) -> Vec<(usize, usize)> {
    let strongest = |acc: &[u16], t: usize| {
        acc[t * nr..(t + 1) * nr]
            .iter()
            .enumerate()
            .fold(
                (0, 0u16),
                |best, (r, &v)| if v > best.1 { (r, v) } else { best },
            )
    };
    let mut per_angle: Vec<(usize, u16)> = (0..nt).map(|t| strongest(acc, t)).collect();
    let mut peaks = Vec::new();
    while peaks.len() < most {
        let (t, (r, v)) =
            per_angle
                .iter()
                .enumerate()
                .fold((0, (0, 0u16)), |best, (t, &(r, v))| {
                    if v > best.1 .1 {
                        (t, (r, v))
                    } else {
                        best
                    }
                });
        if v < 8 {
            break;
        }
        peaks.push((t, r));
        let cleared = t.saturating_sub(4)..(t + 5).min(nt);
        for tt in cleared.clone() {
            for rr in r.saturating_sub(2)..(r + 3).min(nr) {
                acc[tt * nr + rr] = 0;
            }
        }
        for tt in cleared {
            per_angle[tt] = strongest(acc, tt);
        }
    }
    peaks
}

/// Whether the side on `profile` that meets the photo's border at `corner` runs into it: the fifth of
/// it next to the border, towards `other` (its far corner), lies along an edge. A desk line that stops
/// short of the border does not.
fn runs_into(profile: &Profile, corner: [f32; 2], other: [f32; 2]) -> bool {
    let near = [
        corner[0] + 0.2 * (other[0] - corner[0]),
        corner[1] + 0.2 * (other[1] - corner[1]),
    ];
    let (o, m, _) = profile.segment(near, corner);
    m >= 3.0 && o / m >= 0.6
}

/// The share of the lines of the outline `q` (cyclic corners, side `k` from corner `k` on the line
/// `profile(k)`, none for the photo's border) that runs along an edge just past its corners, for
/// [`RUN_PAST`] of each side's length.
fn run_on<'a>(q: &[[f32; 2]; 4], profile: impl Fn(usize) -> Option<&'a Profile>) -> f32 {
    let (mut past, mut n) = (0.0, 0.0);
    for k in 0..4 {
        let Some(p) = profile(k) else { continue };
        let (from, to) = (q[k], q[(k + 1) % 4]);
        let (dx, dy) = (RUN_PAST * (to[0] - from[0]), RUN_PAST * (to[1] - from[1]));
        let (o1, m1, _) = p.segment([from[0] - dx, from[1] - dy], from);
        let (o2, m2, _) = p.segment(to, [to[0] + dx, to[1] + dy]);
        past += o1 + o2;
        n += m1 + m2;
    }
    if n > 0.0 {
        past / n
    } else {
        0.0
    }
}

/// Which side of the cyclic corners `cyc` (side `k` from corner `k` to the next) runs between the
/// corners `a` and `b`, two of them next to each other.
fn side_between(cyc: &[[f32; 2]; 4], a: [f32; 2], b: [f32; 2]) -> usize {
    let k = cyc.iter().position(|p| *p == a).unwrap_or(0);
    if cyc[(k + 1) % 4] == b {
        k
    } else {
        (k + 3) % 4
    }
}

/// An outline of three sides along edges and a fourth, `missing`, on none (see [`fourth_side`]).
struct Three {
    /// Corners in cyclic order, side `k` from corner `k` to the next on line `side[k]`.
    cyc: [[f32; 2]; 4],
    side: [usize; 4],
    missing: usize,
    /// Supported samples of the three sides.
    ok: f32,
}

/// Least share of three sides that must run along edges for the fourth to be searched for.
const THREE_SIDES: f32 = 0.9;
/// Outlines of three sides kept for that search. On synthetic-dev 4 locate 2 documents more, 8 locate
/// 5, 12 the same 5 and a clean photo told to retake.
const MAX_THREES: usize = 8;
/// Largest share of a completed outline's lines just past its corners that may run along an edge.
/// Located on synthetic-dev: 206 at 0.2, 207 at 0.23 and 0.25, 207 and a wrong outline (a passport's
/// portrait completed by the page's top edge, 0.27) at 0.3.
const COMPLETED_PAST: f32 = 0.25;

/// Keeps `t`, whose three sides run along edges for `t.ok` of their `n` samples (at least
/// [`THREE_SIDES`] of them), among the best [`MAX_THREES`] outlines of three sides: outlines with the same
/// three sides are one (the line on the fourth does not matter), the best kept.
fn remember(threes: &mut Vec<Three>, t: Three, n: f32) {
    if t.ok < THREE_SIDES * n {
        return;
    }
    let has = |t: &Three, l: usize| (0..4).any(|j| j != t.missing && t.side[j] == l);
    let same = |a: &Three, b: &Three| (0..4).all(|j| j == a.missing || has(b, a.side[j]));
    match threes.iter().position(|u| same(u, &t)) {
        Some(i) if threes[i].ok >= t.ok => {}
        Some(i) => threes[i] = t,
        None if threes.len() < MAX_THREES => threes.push(t),
        None => {
            // In place of the weakest, if stronger.
            let weakest = (0..threes.len())
                .min_by(|&a, &b| threes[a].ok.total_cmp(&threes[b].ok))
                .unwrap_or(0);
            if threes[weakest].ok < t.ok {
                threes[weakest] = t;
            }
        }
    }
}

/// The outlines `q` (cyclic corners) becomes with its side `k` (from corner `k` to the next) on each of
/// the `lines` in turn, its corners where the line crosses `l1` and `l2` (the sides before and after
/// it): each line with the outline, where that is convex.
fn with_side<'a>(
    q: [[f32; 2]; 4],
    k: usize,
    l1: &'a Line,
    l2: &'a Line,
    lines: Vec<Line>,
) -> impl Iterator<Item = (Line, [[f32; 2]; 4])> + 'a {
    lines.into_iter().filter_map(move |d| {
        let mut c = q;
        c[k] = intersect(&d, l1)?;
        c[(k + 1) % 4] = intersect(&d, l2)?;
        convex(&c).then_some((d, c))
    })
}

/// The photo's colours, and where the frame searched lies in it.
struct Colour<'a> {
    view: &'a RgbaView<'a>,
    /// The frame's origin in the photo (photo pixels).
    offset: [f32; 2],
    /// Photo pixels per working pixel.
    step: f32,
}

/// Least difference of tint across a side (levels of a channel, once the difference of lightness all
/// three share is taken out) for it to count as an edge where the lightness does not change. Asked of
/// the sides [`better_sides`] looks at again, in the whole photo's search: a card on a desk of nearly
/// its lightness differs from it in tint. The Romanian card on the white desk of synthetic-dev: the
/// desk (214, 209, 206), the card's print (219, 218, 224), 90% of its top side an edge in tint against
/// 49-66% in lightness. Located on synthetic-dev: 217 at 6, 216 at 4 (and a clean photo told to
/// retake), 216 at 8, 215 at 10. In the second look too, two flat specimens would be told to retake:
/// the middle of a page is print, and a red stamp on a green page outlines a region of its own tint.
const TINT: f32 = 6.0;

/// Whether the colour on either side of the point `p` (photo pixels) across the unit normal `n` differs
/// in tint by [`TINT`] or more: the mean of three pixels on each side, 2-4 working pixels (`step` photo
/// pixels each) away.
fn tint_edge(view: &RgbaView, p: [f32; 2], n: [f32; 2], step: f32) -> bool {
    let (w, h) = (view.width() as f32, view.height() as f32);
    let mut mean = [[0f32; 3]; 2];
    for (side, sign) in [(0, 1.0), (1, -1.0)] {
        for r in [2.0, 3.0, 4.0] {
            let (x, y) = (p[0] + sign * r * step * n[0], p[1] + sign * r * step * n[1]);
            if !(x >= 0.0 && y >= 0.0 && x < w && y < h) {
                return false;
            }
            let px = &view.row(y as u32)[x as usize * 4..][..3];
            for c in 0..3 {
                mean[side][c] += f32::from(px[c]) / 3.0;
            }
        }
    }
    let d: [f32; 3] = std::array::from_fn(|c| mean[0][c] - mean[1][c]);
    let light = (d[0] + d[1] + d[2]) / 3.0;
    d.iter().any(|&v| (v - light).abs() >= TINT)
}

/// The support of the side from `a` to `b` (Hough pixels) counting a sample as along an edge where the
/// lightness or the tint changes across it (see [`tint_edge`]): `(supported, in-frame, unseen)`.
fn tinted(s: &Search, c: &Colour, a: [f32; 2], b: [f32; 2]) -> (f32, f32, f32) {
    let l = line_through(a, b);
    let n = [l.cos, l.sin];
    let steps = distance(a, b) as usize;
    let (mut ok, mut m, mut unseen) = (0.0, 0.0, 0.0);
    for k in 0..=steps {
        let t = k as f32 / steps.max(1) as f32;
        let (x, y) = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
        let Some((edge, blank)) = look::<1>(s.g, s.quiet, x, y, n) else {
            continue;
        };
        m += 1.0;
        let photo = [x * s.g.scale + c.offset[0], y * s.g.scale + c.offset[1]];
        if edge || tint_edge(c.view, photo, n, c.step) {
            ok += 1.0;
        } else if blank {
            unseen += 1.0;
        }
    }
    (ok, m, unseen)
}

/// What [`fourth_side`] needs of the search.
struct Search<'a> {
    g: &'a Grad,
    quiet: Option<&'a [bool]>,
    lines: &'a [Line],
    profiles: &'a [Profile],
    diag: f32,
    focal: f32,
    centre: [f32; 2],
    cfg: &'a FindConfig,
    colour: Option<Colour<'a>>,
}

impl Search<'_> {
    /// The corners `q` (Hough pixels, cyclic) ordered (see [`order`]) if they are a document's once the
    /// perspective is removed, tilted 65 degrees at most: of a known document's shape, of the kind asked
    /// for if any; or, for an outline through the photo's border (`cut`), which shows part of one, no
    /// longer than a whole one, as the search asks of any through the border.
    fn document(&self, q: &[[f32; 2]; 4], cut: bool) -> Option<[[f32; 2]; 4]> {
        let ordered = order(*q);
        let photo_q = ordered.map(|p| [p[0] * self.g.scale, p[1] * self.g.scale]);
        let asp = aspect(&photo_q, self.focal, self.centre);
        let shaped = if cut {
            asp.is_some_and(|a| a.max(1.0 / a) <= 1.75)
        } else {
            let shape = asp.map_or(Kind::Unknown, kind_of);
            shape != Kind::Unknown && self.cfg.expect.is_none_or(|e| e == shape)
        };
        (shaped && !tilt(&photo_q, self.focal, self.centre).is_none_or(|t| t > 65.0))
            .then_some(ordered)
    }
}

/// The document whose three sides `t` has, its fourth side found where the search's lines had none:
/// a side across the two beside it, from a third to twice the opposite side's length away from it,
/// found by a vote of the edge pixels there alone (see [`lines_in`]), as a known document's shape and
/// with the outline's whole support as the search asks of any. When one of the three is the photo's
/// border, the outline claims a cut-off document and is judged as the search judges one: no longer
/// than a whole document, nearly all of its real sides along edges (`min_confidence_cut`), and the
/// sides that meet the border running into it.
fn fourth_side(s: &Search, t: &Three) -> Option<Outline> {
    let k = t.missing;
    let (c, cyc) = (s.cfg, t.cyc);
    // The opposite side runs from corner k + 2 to k + 3; the sides beside the missing one run from
    // there towards corners k + 1 and k.
    let (b0, a0) = (cyc[(k + 2) % 4], cyc[(k + 3) % 4]);
    let (l1, l2) = (&s.lines[t.side[(k + 3) % 4]], &s.lines[t.side[(k + 1) % 4]]);
    let (u1, u2) = (unit(a0, cyc[k]), unit(b0, cyc[(k + 1) % 4]));
    let across = distance(a0, b0);
    let region = [
        along(a0, u1, 0.33 * across),
        along(b0, u2, 0.33 * across),
        along(b0, u2, 2.0 * across),
        along(a0, u1, 2.0 * across),
    ];
    let opposite = &s.lines[t.side[(k + 2) % 4]];
    // Which sides are the photo's border (one at most).
    let border: [bool; 4] = std::array::from_fn(|j| s.lines[t.side[j]].border);
    let cut = border.iter().any(|&b| b);
    let mut best: Option<Outline> = None;
    let found = lines_in(s.g, region, opposite.theta, 12f32.to_radians(), 16);
    for (d, q) in with_side(cyc, k, l1, l2, found) {
        let profile = Profile::new(s.g, s.quiet, &d, s.diag);
        let side_of = |i: usize| {
            if i == k {
                &profile
            } else {
                &s.profiles[t.side[i]]
            }
        };
        let (mut ok, mut n, mut unseen, mut border_ok) = (0.0, 0.0, 0.0, 0.0);
        let mut support = [(0.0, 0.0); 4];
        let mut fail = false;
        for j in 0..4 {
            let (from, to) = (q[j], q[(j + 1) % 4]);
            let (o, m, u) = side_of(j).segment(from, to);
            support[j] = (o, m);
            if border[j] {
                border_ok += o;
                if !runs_into(side_of((j + 3) % 4), from, q[(j + 3) % 4])
                    || !runs_into(side_of((j + 1) % 4), to, q[(j + 2) % 4])
                {
                    fail = true;
                    break;
                }
                continue;
            }
            if short_of_edge(o, m, u) {
                fail = true;
                break;
            }
            ok += o;
            n += m;
            unseen += u;
        }
        if fail || n < 20.0 {
            continue;
        }
        // An outline through the border is judged on all it shows, as the search judges one.
        let (conf, least) = if cut {
            (ok / n, c.min_confidence_cut)
        } else {
            (seen_share((ok, n, unseen)), c.min_confidence)
        };
        if conf < least {
            continue;
        }
        let Some(ordered) = s.document(&q, cut) else {
            continue;
        };
        // A document, lighter than what lies around it, whose lines end at its corners: an outline
        // of a part of the page (the portrait's edges completed by the page's own) has sides that
        // run on past them (see PAST_PENALTY).
        let past = run_on(&q, |j| (!border[j]).then(|| side_of(j)));
        if past > COMPLETED_PAST || !lighter_than_surroundings(s.g, &ordered) {
            continue;
        }
        let score = (ok + border_ok) * conf * conf * 1.05;
        if best.as_ref().is_some_and(|b| b.score >= score) {
            continue;
        }
        best = Some(Outline::from_cyclic(
            score, conf, q, support, border, s.g.scale,
        ));
    }
    best
}

/// How far either way of each side of the winning outline another line for it is looked for, as a
/// share of the sides beside it. Located on synthetic-dev: 209 without the look, 212 at 0.25, 212 at
/// 0.15 (the cards tilted by 40 and 50 degrees on the keyboard lost, whose row lies 0.2 of the way in;
/// the passport at -1 and -2 EV found instead), 207 at 0.35 (sides taken on print further in).
const RESIDE: f32 = 0.25;
/// How many lines are tried for each side looked at again: the strongest of the edge pixels' vote
/// near it. A card's faint edge beside a keyboard's rows is outvoted by them: the Romanian card's top
/// side on the light desk was the 16th line there, the Czech passport's top edge below its printed
/// header band (at -1 and -2 EV) beyond the 8th. Located on synthetic-dev, with the colours' second
/// opinion (see [`TINT`]): 8 lines 212 (as without it), 12 lines 215, 16 and 24 lines 217 (24 without
/// the colours: 214).
const RESIDE_LINES: usize = 16;
/// How much better an outline with another line for a side must score to be taken (located: 208 at 1,
/// 212 at 1.02 and at 1.05).
const RESIDE_GAIN: f32 = 1.02;
/// A side is looked at again when less than this share of it runs along an edge, or more than
/// [`RESIDE_PAST`] of its line just past either corner. Looking at every side located the same 212 on
/// synthetic-dev, but moved a few right sides by a pixel or two, and cost a 720p check 1.1 ms natively.
const RESIDE_SUPPORT: f32 = 0.8;
const RESIDE_PAST: f32 = 0.5;

/// A side from `a` to `b` (Hough pixels) on the line through them: its `(supported, in-frame, unseen)`
/// samples, and the `(supported, in-frame)` samples of its line for [`RUN_PAST`] of its length past
/// each end.
fn side_figures(s: &Search, a: [f32; 2], b: [f32; 2]) -> ((f32, f32, f32), [(f32, f32); 2]) {
    let l = line_through(a, b);
    let d = [RUN_PAST * (b[0] - a[0]), RUN_PAST * (b[1] - a[1])];
    let (a0, b1) = ([a[0] - d[0], a[1] - d[1]], [b[0] + d[0], b[1] + d[1]]);
    let p = Profile::spanning::<1>(s.g, s.quiet, &l, a0, b1);
    let past = |x, y| {
        let (o, m, _) = p.segment(x, y);
        (o, m)
    };
    (p.segment(a, b), [past(a0, a), past(b, b1)])
}

/// The outline `q` (Hough pixels, cyclic, side `k` from corner `k` to the next) scored as the search
/// scores one, along the lines through its corners, or `None` where a side runs along an edge for
/// less than [`MIN_SIDE_SUPPORT`] or the shape is no document's. The sides `tint` names count a change
/// of tint as an edge too (see [`tinted`]), where the photo's colours are at hand.
///
/// Side `first` is measured first, and `None` is returned as soon as the outline could not score above
/// `beat` even if each side yet to be measured ran along an edge all the way (a side has at most one
/// sample more than its length in pixels; three are allowed), its confidence were whole, the shape's
/// bonus given and nothing held against it.
fn judge(
    s: &Search,
    q: &[[f32; 2]; 4],
    tint: [bool; 4],
    first: usize,
    beat: f32,
) -> Option<Outline> {
    let mut sides = [((0.0, 0.0, 0.0), [(0.0, 0.0); 2]); 4];
    let mut most: f32 = (0..4).map(|k| distance(q[k], q[(k + 1) % 4]) + 3.0).sum();
    for k in (first..first + 4).map(|k| k % 4) {
        let (mut figures, ends) = side_figures(s, q[k], q[(k + 1) % 4]);
        if let Some(c) = s.colour.as_ref().filter(|_| tint[k]) {
            figures = tinted(s, c, q[k], q[(k + 1) % 4]);
        }
        let (o, m, u) = figures;
        if short_of_edge(o, m, u) {
            return None;
        }
        most += o - (distance(q[k], q[(k + 1) % 4]) + 3.0);
        if 1.05 * most <= beat {
            return None;
        }
        sides[k] = (figures, ends);
    }
    // Added up in the sides' order, as ever.
    let (mut ok, mut n, mut unseen) = (0.0, 0.0, 0.0);
    let (mut past, mut near) = (0.0, 0.0);
    let mut support = [(0.0, 0.0); 4];
    for (k, &((o, m, u), ends)) in sides.iter().enumerate() {
        support[k] = (o, m);
        ok += o;
        n += m;
        unseen += u;
        for (o, m) in ends {
            past += o;
            near += m;
        }
    }
    if n < 20.0 {
        return None;
    }
    s.document(q, false)?;
    let conf = seen_share((ok, n, unseen));
    let past = if near > 0.0 { past / near } else { 0.0 };
    let score = ok * conf * conf * 1.05 * (1.0 - PAST_PENALTY * (past - PAST_FREE).max(0.0));
    Some(Outline::from_cyclic(
        score, conf, *q, support, [false; 4], s.g.scale,
    ))
}

/// Tries other lines for the sides of the winning outline (inside the photo) that are short of an edge
/// along their length or whose lines run on past a corner: lines within [`RESIDE`] of the sides beside
/// it either way, found by a vote of the edge pixels there alone (see [`lines_in`]). The search's lines
/// are the strongest of the whole photo, and a document's side may not be among them: a keyboard's
/// row running across a steeply tilted card and on past it outvotes the card's short edge below it.
/// An outline with another side is taken when it scores better as the search scores outlines, the
/// sides looked at counting changes of tint as edges too, where the photo's colours are at hand.
fn better_sides(s: &Search, best: &mut Outline) {
    // Most sides of most outlines run along an edge and end at their corners.
    let q = best.hough;
    let again: [bool; 4] = std::array::from_fn(|i| {
        let ((o, m, u), [(o1, m1), (o2, m2)]) = side_figures(s, q[i], q[(i + 1) % 4]);
        o < RESIDE_SUPPORT * (m - u) || o1 > RESIDE_PAST * m1 || o2 > RESIDE_PAST * m2
    });
    if !again.contains(&true) {
        return;
    }
    let Some(mut taken) = judge(s, &q, again, 0, f32::NEG_INFINITY) else {
        return;
    };
    let mut moved = false;
    for i in (0..4).filter(|&i| again[i]) {
        let q = taken.hough;
        let (p, a, b, n) = (q[(i + 3) % 4], q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        let (l1, l2) = (line_through(p, a), line_through(b, n));
        let (u1, u2) = (unit(p, a), unit(n, b));
        let (r1, r2) = (RESIDE * distance(p, a), RESIDE * distance(n, b));
        let region = [
            along(a, u1, -r1),
            along(b, u2, -r2),
            along(b, u2, r2),
            along(a, u1, r1),
        ];
        let found = lines_in(
            s.g,
            region,
            line_through(a, b).theta,
            8f32.to_radians(),
            RESIDE_LINES,
        );
        for (_, c) in with_side(q, i, &l1, &l2, found) {
            let beat = RESIDE_GAIN * taken.score;
            if let Some(o) = judge(s, &c, again, i, beat).filter(|o| o.score > beat) {
                taken = o;
                moved = true;
            }
        }
    }
    if moved {
        *best = taken;
    }
}

/// Least share of a side moved out by [`out_to_edges`] (of what can be seen of it) that runs along an
/// edge, and least share of the stretches the sides beside it run on by to reach it.
const OUT_SUPPORT: f32 = 0.9;
const RUN_ON: f32 = 0.85;

/// Whether the line `l` may run on along an edge past its point `a`, the way `u` points, to a point 3 to
/// `most` pixels away, as [`out_to_edges`] judges the sides beside an edge it finds: [`RUN_ON`] of the
/// samples on the way along an edge (within two pixels), or too few in the frame to tell. The samples
/// are those of `Profile::between` to any such point (whole pixels along the line), a pixel's margin
/// at the far end.
fn may_run_on(
    g: &Grad,
    quiet: Option<&[bool]>,
    l: &Line,
    a: [f32; 2],
    u: [f32; 2],
    most: f32,
) -> bool {
    let (near, far) = (along(a, u, 3.0), along(a, u, most));
    let (ta, tf) = (l.param(a), l.param(far));
    let from = ta.min(tf).floor() - 2.0;
    let p = Profile::over::<2>(g, quiet, l, from, (ta.max(tf) - from) as usize + 4);
    let last = p.inside.len() - 1;
    let (ia, j0, j1) = (p.index(a), p.index(near), p.index(far));
    let (lo, hi) = (j0.min(j1), (j0.max(j1) + 1).min(last));
    (lo..=hi).any(|j| {
        let (from, to) = (ia.min(j), ia.max(j));
        let (o, m) = (p.ok[to] - p.ok[from], p.inside[to] - p.inside[from]);
        m <= 2.0 || o / m >= RUN_ON
    })
}

/// Moves each side of the outline out to the document's own edge when the side found lies on a line
/// printed on the document (a passport's machine-readable zone, a coloured header) and the edge beyond
/// is too faint to have been among the lines: a straight edge further out, along which the two sides
/// beside it run on.
fn out_to_edges(
    g: &Grad,
    quiet: Option<&[bool]>,
    best: &mut Outline,
    focal: f32,
    centre: [f32; 2],
    expect: Option<Kind>,
) {
    let mut q = best.hough;
    let mut support = best.support;
    let mut moved = false;
    for i in 0..4 {
        let (p, a, b, n) = (q[(i + 3) % 4], q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        let side = line_through(a, b);
        let (l1, l2) = (line_through(p, a), line_through(b, n));
        let (u1, u2) = (unit(p, a), unit(n, b));
        let reach = 0.2 * distance(p, a).min(distance(n, b));
        if reach < 4.0 {
            continue;
        }
        // An edge beyond the side is taken only where a side beside it runs on to it by 3 px or more
        // (below): where neither does, as for most documents, there is none to look for.
        if !may_run_on(g, quiet, &l1, a, u1, reach + 2.0)
            && !may_run_on(g, quiet, &l2, b, u2, reach + 2.0)
        {
            continue;
        }
        let region = [a, b, along(b, u2, reach), along(a, u1, reach)];
        // The outermost edge found: its ends, its support, the stretches the sides beside it run on
        // by, and how far out it lies.
        struct Out {
            ends: [[f32; 2]; 2],
            support: (f32, f32),
            on: [(f32, f32); 2],
            far: f32,
        }
        let mut take: Option<Out> = None;
        for d in lines_in(g, region, side.theta, 6f32.to_radians(), 8) {
            let (Some(c0), Some(c1)) = (intersect(&d, &l1), intersect(&d, &l2)) else {
                continue;
            };
            let out0 = (c0[0] - a[0]) * u1[0] + (c0[1] - a[1]) * u1[1];
            let out1 = (c1[0] - b[0]) * u2[0] + (c1[1] - b[1]) * u2[1];
            if out0.max(out1) < 3.0 || out0.min(out1) < -1.0 || out0.max(out1) > reach + 2.0 {
                continue;
            }
            let (o, m, u) = Profile::between::<1>(g, quiet, &d, c0, c1);
            // The sides beside it were fitted along their whole length, and a fraction of a degree
            // puts their lines a pixel or two off their edges where they run on: an edge counts within
            // two pixels there.
            let (o1, m1, _) = Profile::between::<2>(g, quiet, &l1, a, c0);
            let (o2, m2, _) = Profile::between::<2>(g, quiet, &l2, b, c1);
            if m < 0.5 * distance(a, b) || o / (m - u).max(1.0) < OUT_SUPPORT {
                continue;
            }
            if (m1 > 2.0 && o1 / m1 < RUN_ON) || (m2 > 2.0 && o2 / m2 < RUN_ON) {
                continue;
            }
            let far = out0 + out1;
            if take.as_ref().is_none_or(|t| far > t.far) {
                take = Some(Out {
                    ends: [c0, c1],
                    support: (o, m),
                    on: [(o1, m1), (o2, m2)],
                    far,
                });
            }
        }
        if let Some(out) = take {
            [q[i], q[(i + 1) % 4]] = out.ends;
            support[i] = out.support;
            for (k, (o, m)) in [((i + 3) % 4, out.on[0]), ((i + 1) % 4, out.on[1])] {
                support[k] = (support[k].0 + o, support[k].1 + m);
            }
            moved = true;
        }
    }
    if !moved {
        return;
    }
    let photo_q = q.map(|p| [p[0] * g.scale, p[1] * g.scale]);
    // Still a document, and of the shape the site asked for.
    let kind = aspect(&photo_q, focal, centre).map_or(Kind::Unknown, kind_of);
    if !convex(&q) || kind == Kind::Unknown || expect.is_some_and(|k| k != kind) {
        return;
    }
    let (ok, n) = support
        .iter()
        .fold((0.0, 0.0), |(o, m), s| (o + s.0, m + s.1));
    best.hough = q;
    best.corners = photo_q;
    best.support = support;
    best.confidence = ok / n.max(1.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{render, Scene};
    use crate::view::RgbaView;

    /// The scene rendered and made a frame.
    fn frame_of(scene: &Scene) -> Frame {
        let px = render(scene);
        Frame::new(&RgbaView::new(&px, scene.width, scene.height).expect("valid"))
    }

    fn found(scene: &Scene) -> Option<Found> {
        find(&frame_of(scene), &FindConfig::default())
    }

    fn max_error(a: &[[f32; 2]; 4], b: &[[f32; 2]; 4]) -> f32 {
        a.iter()
            .zip(b)
            .map(|(p, q)| distance(*p, *q))
            .fold(0.0, f32::max)
    }

    /// The scene's reduced image with its gradient, and its card's corners in its (Hough) pixels.
    fn gradient_of(scene: &Scene) -> (Grad, [[f32; 2]; 4]) {
        let g = gradient(&frame_of(scene));
        let c = scene.corners.map(|p| [p[0] / g.scale, p[1] / g.scale]);
        (g, c)
    }

    /// What [`better_sides`] needs of the search, for a 960x720 photo whose gradient is `g`.
    fn second_look<'a>(g: &'a Grad, cfg: &'a FindConfig, colour: Option<Colour<'a>>) -> Search<'a> {
        Search {
            g,
            quiet: None,
            lines: &[],
            profiles: &[],
            diag: 0.0,
            focal: 1.2 * 960.0,
            centre: [480.0, 360.0],
            cfg,
            colour,
        }
    }

    /// An outline with corners `q` (Hough pixels of `g`) as the search might take it.
    fn outline_at(g: &Grad, q: [[f32; 2]; 4]) -> Outline {
        Outline {
            score: 0.0,
            corners: q.map(|p| [p[0] * g.scale, p[1] * g.scale]),
            hough: q,
            confidence: 0.9,
            support: [(1.0, 1.0); 4],
            border: [false; 4],
        }
    }

    /// The point `t` of the way from `a` to `b`.
    fn lerp(a: [f32; 2], b: [f32; 2], t: f32) -> [f32; 2] {
        [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
    }

    /// The document found in the scene, every corner within `tolerance` pixels and inside the photo.
    fn located(scene: &Scene, tolerance: f32) -> Found {
        let d = found(scene).expect("found");
        let e = max_error(&d.corners, &scene.corners);
        assert!(e < tolerance, "{e}: {:?} vs {:?}", d.corners, scene.corners);
        assert_eq!(d.outside, [false; 4]);
        d
    }

    #[test]
    fn finds_a_card_to_a_pixel_and_knows_its_shape() {
        let d = located(&Scene::card(640, 480), 2.0);
        assert_eq!(d.kind, Kind::IdCard, "aspect {}", d.aspect);
    }

    #[test]
    fn an_expected_document_type_rules_out_the_other_shape() {
        let s = Scene::card(640, 480);
        let f = Frame::new(&RgbaView::new(&render(&s), s.width, s.height).expect("valid"));
        let with = |k| {
            find(
                &f,
                &FindConfig {
                    expect: Some(k),
                    ..FindConfig::default()
                },
            )
        };
        assert!(with(Kind::IdCard).is_some_and(|d| d.kind == Kind::IdCard));
        assert!(
            with(Kind::Passport).is_none_or(|d| d.kind != Kind::IdCard),
            "a card is never taken for a passport"
        );
        assert_eq!(Kind::expected("passport"), Ok(Some(Kind::Passport)));
        assert_eq!(Kind::expected("any"), Ok(None));
        assert!(Kind::expected("visa").is_err());
    }

    #[test]
    fn finds_a_tilted_card_and_measures_its_tilt() {
        for deg in [0.0f32, 20.0, 40.0] {
            let s = Scene::tilted(640, 480, deg);
            let d = found(&s).expect("found");
            assert!(
                max_error(&d.corners, &s.corners) < 3.0,
                "{deg}: {:?} vs {:?}",
                d.corners,
                s.corners
            );
            let t = tilt(&d.corners, PHONE_FOCAL * 640.0, [320.0, 240.0]).expect("tilt");
            assert!((t - deg).abs() < 3.0, "tilt {t} for {deg}");
            assert_eq!(d.kind, Kind::IdCard, "{deg}: aspect {}", d.aspect);
        }
    }

    #[test]
    fn a_card_on_a_plain_dark_desk_is_outlined_by_its_light_region() {
        // Square on and seen at 30 degrees: the first look's outline, before any refit, within a
        // Hough pixel and a half of the card's corners (rounded as an ID-1 card's are), the card then
        // found to a pixel.
        for s in [Scene::card(960, 720), Scene::tilted(960, 720, 30.0)] {
            let (g, c) = gradient_of(&s);
            let q = order(plain::outline(&g).expect("an outline"));
            assert!(max_error(&q, &c) < 1.5, "{q:?} vs {c:?}");
            located(&s, 1.0);
        }
    }

    #[test]
    fn the_first_look_gives_no_outline_but_for_a_lone_light_quadrilateral() {
        let empty = Scene {
            corners: [[-10.0, -10.0], [-9.0, -10.0], [-9.0, -9.0], [-10.0, -9.0]],
            ..Scene::card(640, 480)
        };
        let mut cut = Scene::card(640, 480);
        for c in &mut cut.corners {
            c[0] += 200.0;
        }
        // A grey card on a white desk: the light region is the desk, all round the photo.
        let light_desk = Scene {
            paper: [150.0, 150.0, 150.0],
            desk: 235.0,
            ..Scene::card(640, 480)
        };
        for (name, s) in [
            ("empty", &empty),
            ("cut", &cut),
            ("light desk", &light_desk),
        ] {
            let (g, _) = gradient_of(s);
            assert!(plain::outline(&g).is_none(), "{name}");
        }
        // The search still finds the cut-off card and the card on the light desk.
        assert!(found(&cut).is_some_and(|d| d.outside[1] && d.outside[2]));
        located(&light_desk, 1.5);
    }

    #[test]
    fn a_card_cut_by_the_border_has_corners_outside() {
        // 640 wide divides into the Hough frame exactly; 1280 does not (426 x 3 = 1278 px), which
        // once left the cut-off corners a few pixels inside the photo and called them in view.
        for (w, h, shift) in [(640, 480, 200.0), (1280, 960, 420.0)] {
            let mut s = Scene::card(w, h);
            for c in &mut s.corners {
                c[0] += shift;
            }
            let d = found(&s).expect("found");
            assert!(
                d.outside[1] && d.outside[2],
                "{w}: {:?} {:?}",
                d.corners,
                d.outside
            );
            assert!(!d.outside[0] && !d.outside[3], "{w}: {:?}", d.outside);
        }
    }

    #[test]
    fn a_cut_off_cards_side_of_tint_alone_is_found_beyond_the_other_two_and_the_border() {
        // As synthetic-dev's Romanian card on the keyboard: a card cut off by the photo's right
        // border, its left and top sides against a dark desk, its bottom side against a plain desk as
        // light as the card's paper and warmer (blue less red -10 against 0 to +17). On the search's
        // lines, the left and top sides and the border; on the bottom side's place, a line across the
        // card, as a keyboard's edge. The bottom side is found by the vote of the edges of colour
        // below that line, and judged as a cut-off document is (nearly all of its real sides along
        // edges); with edges of lightness alone it is not found.
        let (w, h) = (960u32, 720u32);
        let scene = Scene {
            paper: [216.0, 219.0, 224.0],
            desk: 80.0,
            print: 0.0,
            corners: crate::synth::turned([800.0, 360.0], [640.0, 404.0], -10.0),
            ..Scene::card(w, h)
        };
        let mut px = render(&scene);
        let card = px.clone();
        let [tl, tr, br, bl] = scene.corners;
        let bottom = line_through(br, bl);
        // Distances from the bottom side, positive into the card.
        let centre = scene.centre();
        let sign = (centre[0] * bottom.cos + centre[1] * bottom.sin - bottom.rho).signum();
        let (nx, ny) = (sign * bottom.cos, sign * bottom.sin);
        for (i, p) in px.chunks_exact_mut(4).enumerate() {
            let (x, y) = ((i % w as usize) as f32 + 0.5, (i / w as usize) as f32 + 0.5);
            // Below the bottom side, blended into the card's edge as a camera would, and left of
            // the card, from a little below its corner: the desk, with a level of noise.
            let into = sign * (x * bottom.cos + y * bottom.sin - bottom.rho);
            let share = if x >= bl[0] + 1.0 {
                (0.5 - into).clamp(0.0, 1.0)
            } else {
                f32::from(u8::from(y > bl[1] + 30.0))
            };
            if share == 0.0 {
                continue;
            }
            let n = crate::synth::hash(i as u64, 5) * 12.0;
            let desk = [216.0 + n, 210.0 + n, 206.0 + n];
            let (cx, cy) = ((x + 3.0 * nx) as usize, (y + 3.0 * ny) as usize);
            let paper = &card[(cy * w as usize + cx) * 4..][..3];
            for c in 0..3 {
                p[c] = (share * desk[c] + (1.0 - share) * f32::from(paper[c])).round() as u8;
            }
        }
        let view = RgbaView::new(&px, w, h).expect("valid");
        let grey = gradient(&Frame::new(&view));
        let coloured = grey.with_colour(&view);
        let cfg = FindConfig::default();
        let complete = |g: &Grad| {
            let c = scene.corners.map(|p| [p[0] / g.scale, p[1] / g.scale]);
            let diag = ((g.w * g.w + g.h * g.h) as f32).sqrt().ceil();
            let border = Line::new(0.0, g.w as f32 - 1.5, true);
            let across = line_through(lerp(c[0], c[3], 0.6), lerp(c[1], c[2], 0.6));
            let lines = vec![
                line_through(c[0], c[1]),
                border,
                across,
                line_through(c[3], c[0]),
            ];
            let profiles: Vec<Profile> = lines
                .iter()
                .map(|l| Profile::new(g, None, l, diag))
                .collect();
            let at = |a: usize, b: usize| intersect(&lines[a], &lines[b]).expect("crossing");
            let three = Three {
                cyc: [at(3, 0), at(0, 1), at(1, 2), at(2, 3)],
                side: [0, 1, 2, 3],
                missing: 2,
                ok: 0.0,
            };
            let search = Search {
                g,
                quiet: None,
                lines: &lines,
                profiles: &profiles,
                diag,
                focal: PHONE_FOCAL * 960.0,
                centre: [480.0, 360.0],
                cfg: &cfg,
                colour: None,
            };
            fourth_side(&search, &three)
        };
        let d = complete(&coloured).expect("completed in colour");
        assert_eq!(d.border, [false, true, false, false], "{:?}", d.corners);
        for (i, truth) in [(0, tl), (3, bl)] {
            let e = distance(d.corners[i], truth);
            assert!(e < 4.0, "corner {i} {e} px off: {:?}", d.corners);
        }
        // Where the top and bottom sides leave the photo.
        for (i, a, b) in [(1, tl, tr), (2, bl, br)] {
            let l = line_through(a, b);
            let off = (d.corners[i][0] * l.cos + d.corners[i][1] * l.sin - l.rho).abs();
            assert!(
                off < 4.0,
                "corner {i} {off} px off its side: {:?}",
                d.corners
            );
            assert!(
                d.corners[i][0] > 950.0,
                "corner {i} not on the border: {:?}",
                d.corners
            );
        }
        assert!(d.confidence >= cfg.min_confidence_cut, "{}", d.confidence);
        assert!(
            complete(&grey).is_none(),
            "completed in lightness alone: the test shows nothing"
        );
    }

    #[test]
    fn a_card_far_away_is_found_by_the_second_look() {
        // A card 0.15 of the photo's width, as synthetic-dev's farthest (190 px of 1280), in the middle
        // of a plain patch of a brick floor whose joints outvote its edges over the whole photo.
        let mut s = Scene::card(1280, 960);
        s.desk = 150.0;
        s.bricks = (60.0, 0.4);
        let c = s.centre();
        for p in &mut s.corners {
            *p = [
                c[0] + (p[0] - c[0]) * 0.15 / 0.7,
                c[1] + (p[1] - c[1]) * 0.15 / 0.7,
            ];
        }
        located(&s, 3.0);
    }

    #[test]
    fn nothing_is_found_on_an_empty_desk() {
        let px: Vec<u8> = (0..320 * 240)
            .flat_map(|i| {
                let v = (60 + (i * 7919 % 13)) as u8;
                [v, v, v, 255]
            })
            .collect();
        let f = Frame::new(&RgbaView::new(&px, 320, 240).expect("valid"));
        assert!(find(&f, &FindConfig::default()).is_none());
    }

    #[test]
    fn aspect_and_tilt_of_a_front_facing_rectangle() {
        let q = [
            [100.0, 100.0],
            [258.6, 100.0],
            [258.6, 200.0],
            [100.0, 200.0],
        ];
        let a = aspect(&q, 1000.0, [180.0, 150.0]).expect("aspect");
        assert!((a - 1.586).abs() < 0.01, "{a}");
        assert!(tilt(&q, 1000.0, [180.0, 150.0]).expect("tilt") < 0.5);
        assert_eq!(kind_of(1.0 / 1.42), Kind::Passport);
    }

    #[test]
    fn a_frame_printed_inside_the_page_is_not_its_edge() {
        // A passport-like page on a light desk: its frame line is stronger than its own edge.
        let scene = Scene {
            frame: 0.035,
            desk: 222.0,
            ..Scene::card(960, 720)
        };
        let d = located(&scene, 4.0);
        assert_eq!(d.kind, Kind::IdCard);
    }

    #[test]
    fn a_side_on_a_printed_line_moves_out_to_the_faint_edge_beyond_the_print() {
        // A page on a light desk with a rule printed across it a sixth of its height above its bottom
        // edge, print between the two (no blank band to lead out to the edge), and an outline whose
        // bottom side lies on the rule, as the search takes it when the page's edge is too faint to be
        // among the lines (a TD2 card on a keyboard, its bottom edge over the white desk).
        let scene = Scene {
            rule: 0.845,
            desk: 212.0,
            bricks: (25.0, 0.0),
            ..Scene::card(960, 720)
        };
        let (g, c) = gradient_of(&scene);
        let outline = |q| outline_at(&g, q);
        let on_rule = [c[0], c[1], lerp(c[1], c[2], 0.848), lerp(c[0], c[3], 0.848)];
        let (focal, centre) = (1.2 * 960.0, [480.0, 360.0]);
        let mut moved = outline(on_rule);
        out_to_edges(&g, None, &mut moved, focal, centre, None);
        let e = max_error(&moved.corners, &scene.corners);
        assert!(e < 4.0, "{e}: {:?} vs {:?}", moved.corners, scene.corners);
        // The page's own outline stays: past its edges the bricks' joints, along which its sides do
        // not run on.
        let mut stays = outline(c);
        out_to_edges(&g, None, &mut stays, focal, centre, None);
        assert_eq!(stays.hough, c);
    }

    #[test]
    fn an_underexposed_card_on_a_light_desk_is_found() {
        // A slightly blurred card on a desk nearly as light, two stops under: its edges are weaker in
        // proportion, too weak for the gradient a well-exposed photo's edges need (with that, it is
        // not found).
        let scene = Scene {
            desk: 215.0,
            ev: -2.0,
            blur_sigma: 2.0,
            ..Scene::card(960, 720)
        };
        let (g, _) = gradient_of(&scene);
        assert!(g.edge < 0.7 * EDGE_MAG, "{}", g.edge);
        located(&scene, 3.0);
        // The photo as exposed: its edges need nearly the full gradient (the desk's grain leaves the
        // photo not quite quiet enough to need less, see EDGE_NOISE), and have it.
        let bright = Scene { ev: 0.0, ..scene };
        let (g, _) = gradient_of(&bright);
        assert!(g.edge > 0.95 * EDGE_MAG, "{}", g.edge);
        located(&bright, 3.0);
    }

    /// Pseudo-random numbers of 24 bits for the tests' made-up inputs, the same on every run (a linear
    /// congruential generator with Numerical Recipes' constants, its high bits).
    fn numbers(seed: u32) -> impl FnMut() -> u32 {
        let mut state = seed;
        move || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            state >> 8
        }
    }

    #[test]
    fn the_colour_planes_are_the_means_of_their_boxes_samples() {
        // Boxes of 1 to 7 photo pixels, sampled at every pixel or spread (3 x 3 at most), the boxes
        // within the photo's rows or not: each box's mean of its samples, as defined.
        let mut random = numbers(0xC010_0125);
        let mut next = move || (random() >> 16) as u8;
        for (pw, ph, block) in [
            (30, 20, 3),
            (31, 22, 3),
            (29, 9, 3),
            (40, 30, 1),
            (40, 30, 2),
            (45, 36, 5),
            (50, 43, 7),
            (6, 6, 9),
        ] {
            let px: Vec<u8> = (0..pw * ph * 4).map(|_| next()).collect();
            let view = RgbaView::new(&px, pw as u32, ph as u32).expect("valid");
            let (w, h) = ((pw / block).max(1), (ph / block).max(1));
            let [blue, green] = colour_planes(&view, w, h, block);
            let step = block.div_ceil(3).max(1);
            for cy in 0..h {
                for cx in 0..w {
                    let (mut b, mut g, mut n) = (0i32, 0i32, 0i32);
                    for y in (cy * block + step / 2..((cy + 1) * block).min(ph)).step_by(step) {
                        for x in (cx * block + step / 2..((cx + 1) * block).min(pw)).step_by(step) {
                            let [db, dg] = opponents(&px[(y * pw + x) * 4..]);
                            (b, g, n) = (b + db, g + dg, n + 1);
                        }
                    }
                    let n = n.max(1) as f32;
                    let i = cy * w + cx;
                    assert_eq!(
                        (blue[i].to_bits(), green[i].to_bits()),
                        ((b as f32 / n).to_bits(), (g as f32 / (2.0 * n)).to_bits()),
                        "{pw}x{ph} in boxes of {block}, box ({cx}, {cy})"
                    );
                }
            }
        }
    }

    #[test]
    fn the_peaks_are_the_strongest_bins_in_turn() {
        // Against the definition, a pass over every bin for each peak: the first of the strongest,
        // its neighbourhood cleared. Votes with many ties, accumulators of one angle or one distance.
        let mut next = numbers(0x9EA4_5001);
        for (nt, nr, most) in [
            (33, 90, 16),
            (33, 7, 8),
            (1, 50, 4),
            (20, 1, 8),
            (9, 9, 100),
        ] {
            for _ in 0..20 {
                let acc: Vec<u16> = (0..nt * nr).map(|_| (next() % 24) as u16).collect();
                let mut want = Vec::new();
                let mut reference = acc.clone();
                while want.len() < most {
                    let (k, v) = reference
                        .iter()
                        .enumerate()
                        .fold(
                            (0, 0u16),
                            |best, (k, &v)| if v > best.1 { (k, v) } else { best },
                        );
                    if v < 8 {
                        break;
                    }
                    let (t, r) = (k / nr, k % nr);
                    want.push((t, r));
                    for tt in t.saturating_sub(4)..(t + 5).min(nt) {
                        for rr in r.saturating_sub(2)..(r + 3).min(nr) {
                            reference[tt * nr + rr] = 0;
                        }
                    }
                }
                let mut got_acc = acc.clone();
                assert_eq!(peaks_of(&mut got_acc, nt, nr, most), want, "{nt} x {nr}");
            }
        }
    }

    #[test]
    fn the_quiet_map_is_its_definition() {
        // Blown-out pixels with no busy one within QUIET_REACH either way, the box clipped to the
        // frame, against the running sums: frames narrower and shorter than the box's width too,
        // clipped blobs among busy speckles.
        let mut next = numbers(0x5EED_0001);
        for (w, h) in [(37, 23), (5, 40), (40, 6), (9, 9), (3, 3), (64, 17)] {
            let luma: Vec<f32> = (0..w * h)
                .map(|_| if next() % 3 == 0 { 240.0 } else { 250.0 })
                .collect();
            let mag: Vec<f32> = (0..w * h)
                .map(|_| if next() % 29 == 0 { 2.5 } else { 1.0 })
                .collect();
            let zeros = vec![0f32; w * h];
            let g = Grad::of(
                luma.clone(),
                [zeros.clone(), zeros, mag.clone()],
                w,
                1.0,
                false,
            );
            let got = quiet(&g).expect("some pixels blown out");
            let r = QUIET_REACH as isize;
            for y in 0..h as isize {
                for x in 0..w as isize {
                    let busy = (-r..=r).any(|dy| {
                        (-r..=r).any(|dx| {
                            let (xx, yy) = (x + dx, y + dy);
                            xx >= 0
                                && yy >= 0
                                && xx < w as isize
                                && yy < h as isize
                                && mag[(yy * w as isize + xx) as usize] >= QUIET_MAG
                        })
                    });
                    let i = (y * w as isize + x) as usize;
                    assert_eq!(got[i], !busy && luma[i] >= CLIPPED, "{w}x{h} at ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn a_white_card_on_a_white_desk_is_found_in_a_quiet_photo() {
        // A blank card whose paper is 4 levels lighter than the plain desk it lies on, slightly blurred:
        // its edges are weaker than a well-exposed photo's edges need (with EDGE_MAG it is not found),
        // but the photo is quiet enough for them to stand well above its grain, and they are sharp.
        let scene = Scene {
            desk: 228.0,
            blur_sigma: 1.5,
            print: 0.0,
            ..Scene::card(960, 720)
        };
        let (g, _) = gradient_of(&scene);
        assert!(g.edge < 0.9 * EDGE_MAG, "{}", g.edge);
        located(&scene, 2.0);
    }

    #[test]
    fn a_soft_shadow_s_edge_in_a_quiet_photo_is_no_edge() {
        // The quiet photo above, and on its desk left of the card a shadow's edge feathered over 20
        // px, its gradient above what an edge needs in this photo but below what it needs in others:
        // being soft, it is no edge.
        let mut scene = Scene {
            desk: 228.0,
            blur_sigma: 1.5,
            print: 0.0,
            ..Scene::card(960, 720)
        };
        let [tl, _, _, bl] = scene.corners;
        let x = tl[0].min(bl[0]) - 80.0;
        scene.shadow = Some((x, 0.35));
        let (g, c) = gradient_of(&scene);
        let x = x / g.scale;
        for y in [c[0][1] + 10.0, (c[0][1] + c[3][1]) / 2.0, c[3][1] - 10.0] {
            let m = g.mag[y as usize * g.w + x as usize];
            assert!(m >= g.edge && m < g.full, "{m}: {} {}", g.edge, g.full);
            assert!(!edge_across::<1>(&g, x, y, [1.0, 0.0]), "at {x}, {y}");
        }
    }

    #[test]
    fn a_side_on_a_line_across_the_card_moves_to_the_card_s_own_edge() {
        // A shadow's straight edge across the whole photo, over the card a little inside its right
        // side, and an outline whose right side lies on it, as the search may take it when the card's
        // own side is not among the photo's strongest lines (a steeply tilted card's short side,
        // outvoted by a keyboard's edge running across the card and on past it).
        let mut scene = Scene {
            desk: 200.0,
            ..Scene::card(960, 720)
        };
        let [_, tr, br, _] = scene.corners;
        let x = 0.5 * (tr[0] + br[0]) - 30.0;
        scene.shadow = Some((x, 0.6));
        let (g, c) = gradient_of(&scene);
        let cfg = FindConfig::default();
        let search = second_look(&g, &cfg, None);
        let outline = |q| outline_at(&g, q);
        let shadow = Line::new(0.0, x / g.scale, false);
        let on =
            |a: [f32; 2], b: [f32; 2]| intersect(&line_through(a, b), &shadow).expect("crosses");
        let on_shadow = [c[0], on(c[0], c[1]), on(c[3], c[2]), c[3]];
        let mut moved = outline(on_shadow);
        better_sides(&search, &mut moved);
        let e = max_error(&moved.corners, &scene.corners);
        assert!(e < 4.0, "{e}: {:?} vs {:?}", moved.corners, scene.corners);
        // The card's own outline stays.
        let mut stays = outline(c);
        better_sides(&search, &mut stays);
        assert_eq!(stays.hough, c);
    }

    #[test]
    fn lines_across_a_desk_s_grain_keep_places_among_the_lines() {
        // A desk nearly as light as the card, with 60 dark stripes of grain across the whole photo:
        // more strong lines one way than the search keeps. The card's short sides run across them.
        let scene = Scene {
            desk: 225.0,
            print: 0.0,
            ..Scene::card(960, 720)
        };
        let mut px = render(&scene);
        let inside = |u: f32, v: f32| {
            (0..4).all(|k| {
                let (a, b) = (scene.corners[k], scene.corners[(k + 1) % 4]);
                (b[0] - a[0]) * (v - a[1]) - (b[1] - a[1]) * (u - a[0]) > 0.0
            })
        };
        for (i, p) in px.chunks_exact_mut(4).enumerate() {
            let (x, y) = (i % 960, i / 960);
            if y % 12 < 2 && !inside(x as f32 + 0.5, y as f32 + 0.5) {
                p[..3].iter_mut().for_each(|c| *c -= 90);
            }
        }
        let frame = Frame::new(&RgbaView::new(&px, 960, 720).expect("valid"));
        let g = gradient(&frame);
        let pts = ridges(&g);
        let c = scene.corners.map(|p| [p[0] / g.scale, p[1] / g.scale]);
        let sides = [line_through(c[1], c[2]), line_through(c[3], c[0])];
        let has = |lines: &[Line], s: &Line| {
            lines
                .iter()
                .any(|l| l.within(s.theta, s.rho, 3f32.to_radians(), 3.0))
        };
        let without = hough(&g, &pts, 0);
        assert_eq!(without.len(), MAX_LINES);
        assert!(
            sides.iter().all(|s| !has(&without, s)),
            "the test shows nothing"
        );
        let with = hough(&g, &pts, RESERVE);
        assert_eq!(with.len(), MAX_LINES);
        assert!(sides.iter().all(|s| has(&with, s)));
    }

    #[test]
    fn a_change_of_tint_alone_is_an_edge() {
        // Left half, right half; one row is enough. Equal lightness, other tint: an edge. Other
        // lightness, the same tint: none (lightness is the gradient's to find). The same: none.
        let pair = |l: [u8; 3], r: [u8; 3]| -> Vec<u8> {
            (0..40)
                .flat_map(|x| {
                    let c = if x < 20 { l } else { r };
                    [c[0], c[1], c[2], 255]
                })
                .collect()
        };
        let at = |px: &[u8]| {
            let view = RgbaView::new(px, 40, 1).expect("valid");
            tint_edge(&view, [20.0, 0.5], [1.0, 0.0], 1.0)
        };
        // Synthetic-dev's desk and the Romanian card's print: lightness 210 and 217.
        assert!(at(&pair([214, 209, 206], [219, 218, 224])));
        assert!(!at(&pair([150, 150, 150], [220, 220, 220])));
        assert!(!at(&pair([214, 209, 206], [214, 209, 206])));
        // Too close to the photo's edge to see both sides.
        let px = pair([214, 209, 206], [219, 218, 224]);
        let view = RgbaView::new(&px, 40, 1).expect("valid");
        assert!(!tint_edge(&view, [2.0, 0.5], [1.0, 0.0], 1.0));
    }

    #[test]
    fn a_side_whose_edge_is_a_change_of_tint_alone_moves_to_it() {
        const WARM: [u8; 3] = [240, 217, 190];
        // As above, an outline with its right side on a shadow's edge a little inside the card's; but
        // the desk right of the card is nearly as light as the card's paper (221 against 232), and
        // warmer: the card's own right edge is a faint change of lightness, too faint to be taken for
        // the side in a photo of a textured desk (bricks elsewhere: in a quiet photo it would be, see
        // EDGE_NOISE), and a change of tint. The side moves to it where the colours are at hand (within 4
        // Hough pixels: the line is voted for in bins of them), and not otherwise.
        let mut scene = Scene {
            desk: 200.0,
            print: 0.0,
            bricks: (80.0, 0.0),
            ..Scene::card(960, 720)
        };
        let [_, tr, br, _] = scene.corners;
        let x = 0.5 * (tr[0] + br[0]) - 30.0;
        scene.shadow = Some((x, 0.6));
        let mut px = render(&scene);
        // Right of the card's right side.
        let right = line_through(tr, br);
        for (i, p) in px.chunks_exact_mut(4).enumerate() {
            let (u, v) = ((i % 960) as f32 + 0.5, (i / 960) as f32 + 0.5);
            if u * right.cos + v * right.sin > right.rho + 1.5 {
                p[..3].copy_from_slice(&WARM);
            }
        }
        let view = RgbaView::new(&px, 960, 720).expect("valid");
        let frame = Frame::new(&view);
        let g = gradient(&frame);
        let c = scene.corners.map(|p| [p[0] / g.scale, p[1] / g.scale]);
        let cfg = FindConfig::default();
        let shadow = Line::new(0.0, x / g.scale, false);
        let on =
            |a: [f32; 2], b: [f32; 2]| intersect(&line_through(a, b), &shadow).expect("crosses");
        let search = |colour: Option<Colour<'_>>| {
            let mut out = outline_at(&g, [c[0], on(c[0], c[1]), on(c[3], c[2]), c[3]]);
            better_sides(&second_look(&g, &cfg, colour), &mut out);
            max_error(&out.corners, &scene.corners)
        };
        let tinted = search(Some(Colour {
            view: &view,
            offset: [0.0, 0.0],
            step: 1.0,
        }));
        assert!(tinted < 8.0, "{tinted} px off with the colours");
        let grey = search(None);
        assert!(
            grey > 20.0,
            "{grey} px off without them: the test shows nothing"
        );
    }

    #[test]
    fn a_photo_has_tints_where_a_small_patch_differs_in_colour() {
        // A warm plain desk with a level of noise; on it a bluish patch a thirtieth of it of the same
        // lightness, or a patch of the desk's own tint 40 levels lighter: colours differ with the first
        // alone.
        let (w, h) = (320u32, 240u32);
        let photo = |patch: Option<[u8; 3]>| -> Vec<u8> {
            (0..w * h)
                .flat_map(|i| {
                    let (x, y) = (i % w, i / w);
                    let n = ((x * 7 + y * 13) % 3) as u8;
                    let c = match patch {
                        Some(c) if (100..156).contains(&x) && (100..140).contains(&y) => c,
                        _ => [214 + n, 200 + n, 182 + n],
                    };
                    [c[0], c[1], c[2], 255]
                })
                .collect()
        };
        let tints = |px: &[u8]| has_tints(&RgbaView::new(px, w, h).expect("valid"));
        assert!(!tints(&photo(None)));
        assert!(tints(&photo(Some([196, 202, 214]))));
        assert!(!tints(&photo(Some([254, 240, 222]))));
    }

    #[test]
    fn a_page_as_light_as_a_plain_desk_is_found_by_its_colour() {
        // A page of a passport's shape, bluish, on a plain warm desk of its own lightness (luma 205
        // both): its sides are a change of colour alone. Found by the search with colours, within 1% of
        // the diagonal; the search in lightness alone finds nothing.
        let (w, h) = (960u32, 720u32);
        let scene = Scene {
            corners: crate::synth::turned([480.0, 360.0], [300.0, 426.0], 4.0),
            paper: [200.0, 205.0, 218.0],
            desk: 219.0,
            print: 0.0,
            ..Scene::card(w, h)
        };
        // A receipt's print: the card's layout painted over with paper, then six rows of dark dashes
        // a tenth of the page in from its sides.
        let mut px = render(&scene);
        let inv = crate::synth::invert(&crate::synth::unit_square_to(&scene.corners));
        for (i, p) in px.chunks_exact_mut(4).enumerate() {
            let (x, y) = ((i % w as usize) as f64 + 0.5, (i / w as usize) as f64 + 0.5);
            let [u, v] = crate::synth::project(&inv, [x, y]).map(|c| c as f32);
            if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                let ink = (0.1..0.9).contains(&u)
                    && (0.1..0.9).contains(&v)
                    && (v * 7.0).fract() < 0.15
                    && (u * 30.0).fract() < 0.6;
                let c = if ink { [40, 42, 50] } else { [200, 205, 218] };
                p[..3].copy_from_slice(&c);
            }
        }
        let view = RgbaView::new(&px, w, h).expect("valid");
        let frame = Frame::new(&view);
        let cfg = FindConfig::default();
        assert!(gradient(&frame).quiet());
        let found = find_with_colour(&frame, Some(&view), &cfg).expect("found by its colour");
        let diag = (w as f32).hypot(h as f32);
        let err = max_error(&found.corners, &scene.corners);
        assert!(err < 0.01 * diag, "{err} px off");
        assert!(
            find(&frame, &cfg).is_none(),
            "found in lightness alone: the test shows nothing"
        );
    }

    #[test]
    fn a_fourth_side_missing_from_the_lines_is_found_beyond_the_other_three() {
        // Three sides of a card on the lines, and on the fourth a line across the card's middle, as a
        // keyboard's edge that the card lies over (its own edge, over a light desk, among no lines).
        let scene = Scene {
            desk: 200.0,
            ..Scene::card(960, 720)
        };
        let (g, c) = gradient_of(&scene);
        let diag = ((g.w * g.w + g.h * g.h) as f32).sqrt().ceil();
        // Corners 0 and 1 on the line across the middle: side 0 is the missing one.
        let (m0, m1) = (lerp(c[3], c[0], 0.5), lerp(c[2], c[1], 0.5));
        let lines = vec![
            line_through(m0, m1),
            line_through(c[1], c[2]),
            line_through(c[2], c[3]),
            line_through(c[3], c[0]),
        ];
        let profiles: Vec<Profile> = lines
            .iter()
            .map(|l| Profile::new(&g, None, l, diag))
            .collect();
        let cfg = FindConfig::default();
        let search = Search {
            g: &g,
            quiet: None,
            lines: &lines,
            profiles: &profiles,
            diag,
            focal: 1.2 * 960.0,
            centre: [480.0, 360.0],
            cfg: &cfg,
            colour: None,
        };
        let three = Three {
            cyc: [m0, m1, c[2], c[3]],
            side: [0, 1, 2, 3],
            missing: 0,
            ok: 0.0,
        };
        let d = fourth_side(&search, &three).expect("completed");
        let e = max_error(&d.corners, &scene.corners);
        assert!(e < 4.0, "{e}: {:?} vs {:?}", d.corners, scene.corners);
        assert!(d.confidence >= cfg.min_confidence, "{}", d.confidence);
    }

    #[test]
    fn a_bowed_card_is_refitted_with_curved_sides_that_meet_at_its_corners() {
        // A card held by its edge bows: its long sides curve 2% of its height (8.5 px) at their
        // middles. Straight sides through them meet 8 px off the true corners; curved ones at them.
        let scene = Scene {
            bend: 0.02,
            ..Scene::card(960, 720)
        };
        located(&scene, 2.0);
    }

    #[test]
    fn a_card_bowed_further_is_found_though_no_line_runs_along_its_curved_sides() {
        // Bowed by 3% of its height (12.7 px), no straight line runs along a long side for the support
        // asked of it: the outline is judged along the curves refitted to its sides. The top side's
        // line runs along the blue band printed under the card's edge, which bows with it, a window
        // away from the edge everywhere: the edge is followed from windows further out (without, the
        // corners were 21 px off).
        let scene = Scene {
            bend: 0.03,
            ..Scene::card(960, 720)
        };
        located(&scene, 3.0);
    }

    #[test]
    fn a_side_lost_in_blown_out_light_does_not_count_against_the_card() {
        // An overexposed card on a grey desk, a hot spot over the middle of its right side: card and
        // desk both clip to white there, and a stretch of that side shows no edge at all.
        let mut s = Scene::card(640, 480);
        s.desk = 150.0;
        s.ev = 1.0;
        let right = [
            (s.corners[1][0] + s.corners[2][0]) / 2.0,
            (s.corners[1][1] + s.corners[2][1]) / 2.0,
        ];
        s.glare = Some((right, 45.0, 350.0));
        located(&s, 3.0);
    }

    #[test]
    fn a_straight_edge_is_fitted_through_most_points_not_the_outliers() {
        // Distance 5 + 10 t along the side, and a run of points off it (print past the band).
        let mut points: Vec<(f32, f32)> = (0..20)
            .map(|i| i as f32 / 19.0)
            .map(|t| {
                (
                    t,
                    5.0 + 10.0 * t
                        + if (t * 19.0) as i32 % 2 == 0 {
                            0.3
                        } else {
                            -0.3
                        },
                )
            })
            .chain([(0.2, 30.0), (0.5, 1.0), (0.55, 40.0), (0.9, -3.0)])
            .collect();
        let (c, k, n) = straight_edge(&mut points, 1.0).expect("an edge");
        assert_eq!(n, 20);
        assert!(
            (c - 5.0).abs() < 0.2 && (k - 10.0).abs() < 0.3,
            "{c} + {k} t"
        );
        assert!(straight_edge(&mut vec![(0.5, 3.0)], 1.0).is_none());
    }

    #[test]
    fn the_pairs_across_a_pair_are_every_later_pair_50_degrees_away_in_order() {
        let mut seed = 7u32;
        let mut angle = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            // Bunched, as a keyboard's rows are, and anywhere, the half turn's ends included.
            match seed >> 30 {
                0 => 1.5 + (seed >> 8) as f32 / (1 << 24) as f32 * 0.1,
                1 => [0.0, std::f32::consts::PI][(seed >> 8) as usize % 2],
                _ => (seed >> 8) as f32 / (1 << 24) as f32 * std::f32::consts::PI,
            }
        };
        let pairs: Vec<Pair> = (0..300)
            .map(|i| Pair {
                a: i,
                b: i,
                most: 0.0,
                border: false,
                theta: angle(),
            })
            .collect();
        let mut by_angle = [const { Vec::new() }; ANGLE_BUCKETS];
        for (i, p) in pairs.iter().enumerate() {
            by_angle[angle_bucket(p.theta)].push(i);
        }
        let across = |x: &Pair, y: &Pair| {
            let d = (x.theta - y.theta).abs();
            d.min(std::f32::consts::PI - d) >= 50f32.to_radians()
        };
        for (pi, ab) in pairs.iter().enumerate() {
            let all: Vec<usize> = pairs[pi + 1..]
                .iter()
                .filter(|cd| across(ab, cd))
                .map(|cd| cd.a)
                .collect();
            let found: Vec<usize> = Across::after(&pairs, &by_angle, pi)
                .filter(|cd| across(ab, cd))
                .map(|cd| cd.a)
                .collect();
            assert_eq!(found, all, "pair {pi} at {}", ab.theta);
        }
    }

    #[test]
    fn direction_is_atan2_folded_to_a_half_turn() {
        let mut worst = 0f32;
        for k in 0..3600 {
            let a = k as f32 * std::f32::consts::TAU / 3600.0 + 0.0001;
            for r in [0.3f32, 7.0, 250.0] {
                let (gx, gy) = (r * a.cos(), r * a.sin());
                let mut want = gy.atan2(gx);
                if want < 0.0 {
                    want += std::f32::consts::PI;
                }
                let got = direction(gx, gy);
                // 0 and pi are the same direction.
                let err = (got - want).abs();
                worst = worst.max(err.min((err - std::f32::consts::PI).abs()));
            }
        }
        assert!(worst < 5e-5, "worst error {worst} rad");
        assert_eq!(direction(0.0, 0.0), 0.0);
    }

    #[test]
    fn a_card_that_moved_a_little_is_followed_to_where_it_is_now() {
        // A card on a brick floor (desk lines all around), found in one frame, then moved by a few
        // pixels and turned by a fraction of a degree in the next, as a hand holding it still moves it.
        let mut scene = Scene::card(960, 540);
        scene.bricks = (60.0, 0.0);
        let before = located(&scene, 2.0).corners;
        let c = [480.0, 270.0];
        let turn = 0.3f32.to_radians();
        for shift in [[0.0, 0.0], [2.0, -1.0], [-3.0, 2.0]] {
            let mut moved = scene.clone();
            moved.corners = scene.corners.map(|p| {
                let (dx, dy) = (p[0] - c[0], p[1] - c[1]);
                [
                    c[0] + dx * turn.cos() - dy * turn.sin() + shift[0],
                    c[1] + dx * turn.sin() + dy * turn.cos() + shift[1],
                ]
            });
            let f = track(&frame_of(&moved), &FindConfig::default(), &before).expect("followed");
            let error = max_error(&f.corners, &moved.corners);
            assert!(error < 1.5, "moved by {shift:?}: {error} px off");
            assert_eq!(f.kind, Kind::IdCard);
            assert_eq!(f.outside, [false; 4]);
        }
    }

    #[test]
    fn an_outline_with_no_card_along_it_is_not_followed() {
        let mut scene = Scene::card(960, 540);
        scene.bricks = (60.0, 0.0);
        let cfg = FindConfig::default();
        let found = located(&scene, 2.0).corners;
        let frame = frame_of(&scene);
        // The card moved on by 20 pixels, the outline a tenth smaller than the card, and one where no
        // card is: each is searched for again, not followed.
        let centre = centre_of(&found);
        let shifted = found.map(|p| [p[0] + 20.0, p[1] + 10.0]);
        let smaller = found.map(|p| {
            [
                centre[0] + 0.9 * (p[0] - centre[0]),
                centre[1] + 0.9 * (p[1] - centre[1]),
            ]
        });
        let nowhere = [[20.0, 20.0], [200.0, 20.0], [200.0, 130.0], [20.0, 130.0]];
        for before in [shifted, smaller, nowhere] {
            assert!(track(&frame, &cfg, &before).is_none(), "{before:?}");
        }
        // Nor is an outline with a corner cut off by the photo's border, nor one that is not of a
        // document's shape.
        let mut cut = scene.clone();
        cut.corners = scene.corners.map(|p| [p[0] + 300.0, p[1]]);
        let cut_frame = frame_of(&cut);
        assert!(track(&cut_frame, &cfg, &cut.corners).is_none());
        let square = [
            found[0],
            found[1],
            [found[1][0], found[1][1] + (found[1][0] - found[0][0])],
            [found[0][0], found[0][1] + (found[1][0] - found[0][0])],
        ];
        assert!(track(&frame, &cfg, &square).is_none());
        // The outline where the card is, as a check: followed.
        assert!(track(&frame, &cfg, &found).is_some());
    }
}
