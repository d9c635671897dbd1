//! The finder's first look, for a document lying on a surface darker than it: the light region it
//! makes in the reduced image, outlined by a quadrilateral, which the caller keeps only if it runs
//! along edges as an outline followed from the frame before must (`followed`, which also refits it).
//!
//! The line search pays a fixed cost on every photo, most of it the Hough transform and the lines'
//! profiles, however plain the photo: on a card lying on a dark desk (the set-up the background check
//! asks for) it weighs two outlines and spends nearly all of its time finding the lines. Here the
//! photo's lightness is split in two by Otsu's method, the light pixels are joined into regions by
//! their runs along every other row, the largest region not touching the photo's border (its holes,
//! the print, filled) is taken, and each side between four corners of its convex hull is
//! fitted to the region's boundary points along its middle: a card's rounded corners, and a pale
//! patch of the desk joined to its side, bend the boundary away from the side near its ends. Where any
//! step fails (lightness not split cleanly in two, a surface so busy its runs exceed
//! [`PIXELS_PER_RUN`], a region not shaped like a quadrilateral or a side not straight) the caller
//! searches as before.
//!
//! On `cargo xtask eval`'s photos it was taken for 65 of synthetic-dev's 246 (39 of the 52 on the black
//! desk, 17 of 29 on the white one, 5 of 25 on gravel, 3 of 66 on the keyboard, 1 of 39 on the blue
//! desk, none on brick), and for 80 of the 492 of three sets made like them from other specimens and
//! seeds (59 of 98 on the black desk): none of them located worse than 2% of the
//! diagonal where the search had located it, one located that the search had not (a card 0.15 of the
//! photo's width on the keyboard), all but two within 0.2% of the search's error (a passport with 21
//! px of motion blur, 0.8% -> 1.1%; a card at -3 EV, 0.06% -> 0.4%).

use super::{convex, distance, intersect, line_through, unit, Grad, Line};

/// Least share of the reduced image's luma variance that lies between Otsu's two classes: a light
/// document on a plain dark surface splits the photo's lightness cleanly in two.
const SEPARATION: f32 = 0.7;
/// Least pixels of the reduced image per run of light pixels (on the rows taken, half of them): a
/// surface busier than this (gravel, brick, a keyboard's keys) gives up this look before its runs are
/// joined. A card's print splits its rows into runs too: the bench's card makes 1,182 runs on the
/// 120 rows taken of 426 x 240 pixels, one per 43.
const PIXELS_PER_RUN: usize = 8;
/// Least ratio of the region's quadrilateral's area to its convex hull's, and most of its inverse: a
/// card's sharp corners add a fraction of 1% to its rounded ones; a hand holding the card or two
/// documents side by side make a hull the quadrilateral does not fill.
const FILL: f32 = 0.95;
/// Least share of the middle of each side's boundary that lies within a pixel of the line fitted to
/// it.
const STRAIGHT: f32 = 0.8;

/// A region's extent on a row: the row, its first pixel, and the one past its last.
type Extent = (u32, u32, u32);

/// A run of light pixels `[x0, x1)` on row `y`.
#[derive(Clone, Copy)]
struct Run {
    x0: u32,
    x1: u32,
    y: u32,
}

/// Otsu's split of a histogram of levels (of luma `v` at level `v as u8`) in two classes: the luma
/// halfway between their means, where a blurred edge between the two is, and the share of the variance
/// that lies between the classes; `None` for an image of one level.
fn otsu(hist: &[u32; 256]) -> Option<(f32, f32)> {
    // The count, and the sums of the levels and of their squares.
    let (mut n, mut sum, mut squares) = (0f64, 0f64, 0f64);
    for (v, &c) in hist.iter().enumerate() {
        let (v, c) = (v as f64, f64::from(c));
        (n, sum, squares) = (n + c, sum + v * c, squares + v * v * c);
    }
    if n == 0.0 {
        return None;
    }
    let total = squares / n - (sum / n) * (sum / n);
    if total <= 0.0 {
        return None;
    }
    let (mut w0, mut s0) = (0f64, 0f64);
    // The variance between the classes, and their means.
    let mut best = (0f64, 0f64, 0f64);
    for (t, &c) in hist.iter().enumerate().take(255) {
        w0 += f64::from(c);
        s0 += t as f64 * f64::from(c);
        let w1 = n - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (s0 / w0, (sum - s0) / w1);
        let between = w0 / n * (w1 / n) * (m0 - m1) * (m0 - m1);
        if between > best.0 {
            best = (between, m0, m1);
        }
    }
    // A level's luma lies within it: half a level above it on average.
    let (between, m0, m1) = best;
    Some(((0.5 * (m0 + m1) + 0.5) as f32, (between / total) as f32))
}

/// The runs of `luma` (rows of `w`) at `light` or above along every [`STEP`]th row, or `None` when
/// there are more than `most`.
fn runs(luma: &[f32], w: usize, light: f32, most: usize) -> Option<Vec<Run>> {
    let mut out = Vec::new();
    for (y, row) in luma.chunks_exact(w).enumerate().step_by(STEP) {
        let mut x0 = None;
        let mut x = 0;
        // Up to the pixel past the row's end, taken as dark, which ends a run still open.
        while x <= w {
            // Sixteen pixels all on the side of the threshold the run (or the gap) is on are passed
            // over at once: a count of compares, which the compiler vectorises, where the scalar scan
            // would branch on each.
            if let Some(block) = row.get(x..x + BLOCK) {
                let lit = block.iter().map(|&v| u32::from(v >= light)).sum::<u32>() as usize;
                if lit == if x0.is_some() { BLOCK } else { 0 } {
                    x += BLOCK;
                    continue;
                }
            }
            for i in x..(x + BLOCK).min(w + 1) {
                match (x0, row.get(i).is_some_and(|&v| v >= light)) {
                    (None, true) => x0 = Some(i),
                    (Some(a), false) => {
                        if out.len() == most {
                            return None;
                        }
                        out.push(Run {
                            x0: a as u32,
                            x1: i as u32,
                            y: y as u32,
                        });
                        x0 = None;
                    }
                    _ => {}
                }
            }
            x += BLOCK;
        }
    }
    Some(out)
}

/// Pixels [`runs`] passes over at once where they do not change.
const BLOCK: usize = 16;
/// Rows of the reduced image [`runs`] takes: every other, which halves this look's cost (the bench's
/// card's check 2-3% faster in V8). Of the 738 photos above it takes 3 fewer than with every row, and
/// locates none worse than the search. The side fits' points along a column are placed by the row
/// between (see [`boundary`]).
const STEP: usize = 2;
/// How far beyond the first and last row of a region its hull is taken to reach: the middle of the
/// gap to the row taken before or after.
const HALF: f32 = STEP as f32 / 2.0;

/// The root of `i` in the union-find forest `parent`, the path halved on the way.
fn root(parent: &mut [u32], mut i: usize) -> usize {
    while parent[i] as usize != i {
        parent[i] = parent[parent[i] as usize];
        i = parent[i] as usize;
    }
    i
}

/// Each run's region: the runs joined where they touch from one row taken to the next (sides or
/// corners: the region of a thin slanted side stays whole), as the index of a run of the region.
fn regions(runs: &[Run]) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..runs.len() as u32).collect();
    // The previous row's runs (none when it has none) not yet passed by this row's, and the first of
    // this row's.
    let (mut prev, mut start) = (0..0, 0);
    for i in 0..runs.len() {
        if runs[i].y != runs[start].y {
            prev = if runs[i].y == runs[start].y + STEP as u32 {
                start..i
            } else {
                i..i
            };
            start = i;
        }
        let r = runs[i];
        // Runs of the previous row that end before this one begins touch none of this row's later
        // runs either.
        while prev.start < prev.end && runs[prev.start].x1 < r.x0 {
            prev.start += 1;
        }
        // Those that touch this one, corners included.
        for j in prev.clone() {
            let p = runs[j];
            if p.x0 > r.x1 {
                break;
            }
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            if a != b {
                parent[a.max(b)] = a.min(b) as u32;
            }
        }
    }
    (0..runs.len())
        .map(|i| root(&mut parent, i) as u32)
        .collect()
}

/// Twice the signed area of the triangle `a b c`: its sign says on which side of the line from `a`
/// to `b` the point `c` lies.
fn turn(a: [f32; 2], b: [f32; 2], c: [f32; 2]) -> f32 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// The convex hull of `pts`, which are in order of their y and then of their x (Andrew's monotone
/// chain, its axes swapped), in order, no point repeated.
fn hull(pts: &[[f32; 2]]) -> Vec<[f32; 2]> {
    if pts.len() < 3 {
        return pts.to_vec();
    }
    let mut h: Vec<[f32; 2]> = Vec::with_capacity(pts.len() + 1);
    let add = |h: &mut Vec<[f32; 2]>, p: [f32; 2], least: usize| {
        while h.len() >= least + 2 && turn(h[h.len() - 2], h[h.len() - 1], p) <= 0.0 {
            h.pop();
        }
        h.push(p);
    };
    // One chain down, the other back up.
    for &p in pts {
        add(&mut h, p, 0);
    }
    let back = h.len() - 1;
    for &p in pts.iter().rev().skip(1) {
        add(&mut h, p, back);
    }
    // The last is the first again.
    h.pop();
    h
}

/// The convex hull of the pixels of the rows' extents `rows` (of the rows taken, in order, each
/// standing for [`STEP`] rows): of the corners of the extents, of which only the outermost two at each
/// boundary between rows count, already in the order [`hull`] takes them.
fn rows_hull(rows: &[Extent]) -> Vec<[f32; 2]> {
    let mut pts = Vec::with_capacity(2 * rows.len() + 2);
    let at = |y: u32, lo: u32, hi: u32, dy: f32| {
        let y = y as f32 + dy;
        [[lo as f32 - 0.5, y], [hi as f32 - 0.5, y]]
    };
    for (i, &(y, lo, hi)) in rows.iter().enumerate() {
        // Above this row: the wider of its extent and the row before's.
        let (lo, hi) = match i.checked_sub(1).map(|j| rows[j]) {
            Some((_, a, b)) => (lo.min(a), hi.max(b)),
            None => (lo, hi),
        };
        pts.extend(at(y, lo, hi, -HALF));
    }
    if let Some(&(y, lo, hi)) = rows.last() {
        pts.extend(at(y, lo, hi, HALF));
    }
    hull(&pts)
}

/// The area of the polygon `p`.
fn polygon_area(p: &[[f32; 2]]) -> f32 {
    polygon_signed_area(p).abs() / 2.0
}

/// Four corners among the vertices of the convex polygon `h` (in order), as indices into it: the two
/// farthest apart, and the farthest from the line through them either side. A rectangle's corners; a
/// card's seen in perspective or rounded, vertices on or near its corners, near enough for the sides'
/// fits, which take the points along each side's middle (moving each corner on to the vertex that
/// gave the quadrilateral the most area, as a first version did, changed no corner error in
/// `cargo xtask eval`'s CSV by more than 0.01% of the diagonal, nor which photos this look was taken
/// for).
fn four_corners(h: &[[f32; 2]]) -> Option<[usize; 4]> {
    let n = h.len();
    if n < 4 {
        return None;
    }
    let (mut a, mut c, mut far) = (0, 0, -1.0);
    for i in 0..n {
        for j in i + 1..n {
            let d = distance(h[i], h[j]);
            if d > far {
                (a, c, far) = (i, j, d);
            }
        }
    }
    // Farthest from the line a-c on each side: the vertices from a to c, and from c round to a.
    let farthest = |from: usize, to: usize| {
        let mut best = (from, f32::MIN);
        let mut k = (from + 1) % n;
        while k != to {
            let t = turn(h[a], h[c], h[k]).abs();
            if t > best.1 {
                best = (k, t);
            }
            k = (k + 1) % n;
        }
        best.0
    };
    let (b, d) = (farthest(a, c), farthest(c, a));
    if b == a || d == c {
        return None;
    }
    Some([a, b, c, d])
}

/// The outline of a light document on a plain darker surface, in Hough pixels (not ordered), or `None`
/// where the photo is not such a scene (see the module's documentation).
pub(super) fn outline(g: &Grad) -> Option<[[f32; 2]; 4]> {
    let (w, h) = (g.w, g.h);
    // As small as the search will not look at.
    if w < 16 || h < 16 {
        return None;
    }
    // The levels of every 7th pixel (the histogram the photo's paper brightness is taken from),
    // split in two.
    let (light, separation) = otsu(&g.sampled)?;
    if separation < SEPARATION {
        return None;
    }
    let runs = runs(&g.luma, w, light, w * h / PIXELS_PER_RUN)?;
    if runs.is_empty() {
        return None;
    }
    let region = regions(&runs);
    let k = largest(&runs, &region, w, h)?;
    let (rows, pts) = boundary(&runs, &region, k, &g.luma, w, light);
    let hull = rows_hull(&rows);
    let q = quad(&pts, &hull)?;
    let (quad_area, hull_area) = (polygon_area(&q), polygon_area(&hull));
    if quad_area < 0.01 * (w * h) as f32
        || !(FILL..=1.0 / FILL).contains(&(quad_area / hull_area))
        || !convex(&q)
    {
        return None;
    }
    Some(q)
}

/// Twice the signed area of the polygon `p` (positive when it turns from the x axis towards the y axis).
fn polygon_signed_area(p: &[[f32; 2]]) -> f32 {
    let n = p.len();
    (0..n)
        .map(|i| {
            let (a, b) = (p[i], p[(i + 1) % n]);
            a[0] * b[1] - a[1] * b[0]
        })
        .sum()
}

/// The quadrilateral of a region whose boundary points are `pts` and convex hull `hull`: where its
/// sides, fitted to the points (see [`fit_side`]) between four corners of the hull (see
/// [`four_corners`]), meet. `None` when a side is not straight (see [`STRAIGHT`]).
fn quad(pts: &[[f32; 2]], hull: &[[f32; 2]]) -> Option<[[f32; 2]; 4]> {
    let at = four_corners(hull)?.map(|i| hull[i]);
    let mut sides = [Line::new(0.0, 0.0, false); 4];
    for k in 0..4 {
        let (line, straight) = fit_side(pts, at[k], at[(k + 1) % 4])?;
        if straight < STRAIGHT {
            return None;
        }
        sides[k] = line;
    }
    let mut q = [[0f32; 2]; 4];
    for k in 0..4 {
        q[k] = intersect(&sides[(k + 3) % 4], &sides[k])?;
    }
    Some(q)
}

/// The straight side between the corners `a` and `b` of the region's hull (see [`four_corners`]),
/// fitted to the boundary points `pts` of its middle (a rounded corner's arc bends away from the side
/// near its ends), points off the side (a light patch of the desk joined to the region) left out as the
/// fit closes in: the line, and the share of the middle's points within a pixel of it.
fn fit_side(pts: &[[f32; 2]], a: [f32; 2], b: [f32; 2]) -> Option<(Line, f32)> {
    let len = distance(a, b);
    if len < 8.0 {
        return None;
    }
    let u = unit(a, b);
    // The points along the middle of the chord a-b and near it: the chord lies inside the side by the
    // depth of the rounded corners' arcs.
    let band: Vec<[f32; 2]> = pts
        .iter()
        .copied()
        .filter(|p| {
            let (dx, dy) = (p[0] - a[0], p[1] - a[1]);
            let t = dx * u[0] + dy * u[1];
            let d = (dy * u[0] - dx * u[1]).abs();
            t >= 0.15 * len && t <= 0.85 * len && d <= 0.06 * len + 2.0
        })
        .collect();
    if band.len() < 8 {
        return None;
    }
    // The line as a point on it and its unit direction, from the chord on.
    let (mut c, mut v) = (a, u);
    let off = |c: [f32; 2], v: [f32; 2], p: &[f32; 2]| {
        ((p[1] - c[1]) * v[0] - (p[0] - c[0]) * v[1]).abs()
    };
    for tol in [0.06 * len + 2.0, 3.0, 1.5] {
        // The points near the line: how many, and the sums of their offsets from `c`, a point on the
        // line, and of the offsets' products (at most the side's length: f32 holds their sums).
        let (mut k, mut sx, mut sy, mut sxx, mut sxy, mut syy) =
            (0f32, 0f32, 0f32, 0f32, 0f32, 0f32);
        for p in band.iter().filter(|p| off(c, v, p) <= tol) {
            let (dx, dy) = (p[0] - c[0], p[1] - c[1]);
            (k, sx, sy) = (k + 1.0, sx + dx, sy + dy);
            (sxx, sxy, syy) = (sxx + dx * dx, sxy + dx * dy, syy + dy * dy);
        }
        if k < 8.0 {
            return None;
        }
        // Their principal direction (total least squares): the eigenvector of the greater
        // eigenvalue of their covariance, from whichever of its two rows is farther from zero.
        let (mx, my) = (sx / k, sy / k);
        let (cxx, cxy, cyy) = (sxx / k - mx * mx, sxy / k - mx * my, syy / k - my * my);
        let half = (cxx - cyy) / 2.0;
        let most = (cxx + cyy) / 2.0 + (half * half + cxy * cxy).sqrt();
        let e = if cxx >= cyy {
            [most - cyy, cxy]
        } else {
            [cxy, most - cxx]
        };
        let norm = (e[0] * e[0] + e[1] * e[1]).sqrt();
        if norm <= 0.0 {
            return None;
        }
        c = [c[0] + mx, c[1] + my];
        v = [e[0] / norm, e[1] / norm];
    }
    let straight = band.iter().filter(|p| off(c, v, p) <= 1.0).count() as f32 / band.len() as f32;
    Some((line_through(c, [c[0] + v[0], c[1] + v[1]]), straight))
}

/// The region (see [`regions`]) of greatest area with its holes filled (the document's print; a frame
/// printed inside the page's edge makes a ring around the page's inside) of those not touching the
/// border of the image (`w` x `h`).
fn largest(runs: &[Run], region: &[u32], w: usize, h: usize) -> Option<usize> {
    /// A region's area so far, whether it touches the border, and the row it was last seen on with
    /// its extent there.
    #[derive(Clone, Copy)]
    struct Seen {
        filled: u32,
        border: bool,
        y: u32,
        lo: u32,
        hi: u32,
    }
    let mut seen = vec![
        Seen {
            filled: 0,
            border: false,
            y: u32::MAX,
            lo: 0,
            hi: 0,
        };
        runs.len()
    ];
    for (r, &k) in runs.iter().zip(region) {
        let s = &mut seen[k as usize];
        if s.y != r.y {
            // A row of the region done (a new region's "row" before its first adds nothing).
            s.filled += s.hi - s.lo;
            (s.y, s.lo, s.hi) = (r.y, r.x0, r.x1);
        }
        (s.lo, s.hi) = (s.lo.min(r.x0), s.hi.max(r.x1));
        s.border |= r.x0 == 0 || r.x1 as usize == w || r.y == 0 || r.y as usize + STEP >= h;
    }
    let mut best = None;
    for (k, s) in seen.iter().enumerate() {
        let area = s.filled + (s.hi - s.lo);
        if !s.border && area > 0 && best.is_none_or(|(_, a)| area > a) {
            best = Some((k, area));
        }
    }
    best.map(|(k, _)| k)
}

/// The outer boundary of region `k` (see [`regions`]) in an image `w` wide, holes filled: its extent
/// on each row as `(row, first, past the last)`, and the points of its first and last pixel on each
/// row and on each column, at the pixels' outer edges.
fn boundary(
    runs: &[Run],
    region: &[u32],
    k: usize,
    luma: &[f32],
    w: usize,
    light: f32,
) -> (Vec<Extent>, Vec<[f32; 2]>) {
    let mut rows: Vec<Extent> = Vec::new();
    let (mut top, mut bottom) = (vec![u32::MAX; w], vec![0u32; w]);
    for (run, _) in runs.iter().zip(region).filter(|&(_, &r)| r as usize == k) {
        match rows.last_mut() {
            Some((y, lo, hi)) if *y == run.y => (*lo, *hi) = ((*lo).min(run.x0), (*hi).max(run.x1)),
            _ => rows.push((run.y, run.x0, run.x1)),
        }
        let span = run.x0 as usize..run.x1 as usize;
        for (t, b) in top[span.clone()].iter_mut().zip(&mut bottom[span]) {
            (*t, *b) = ((*t).min(run.y), run.y);
        }
    }
    let mut pts = Vec::with_capacity(2 * (rows.len() + w));
    for &(y, lo, hi) in &rows {
        pts.extend([[lo as f32 - 0.5, y as f32], [hi as f32 - 0.5, y as f32]]);
    }
    // Between a column's first row taken and the row taken before it, the edge lies on the far side
    // of the row between if that is light, on the near side if not; the same below its last. (A region
    // touches neither the top nor the bottom row taken, so those rows lie in the image.)
    let beyond = |x: usize, y: u32, dy: i32| {
        let between = (y as i32 + dy) as usize * w + x;
        y as f32 + dy as f32 * if luma[between] >= light { 1.5 } else { 0.5 }
    };
    for (x, (&t, &b)) in top.iter().zip(&bottom).enumerate() {
        if t != u32::MAX {
            pts.extend([[x as f32, beyond(x, t, -1)], [x as f32, beyond(x, b, 1)]]);
        }
    }
    (rows, pts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otsu_splits_two_levels_between_them() {
        let mut hist = [0u32; 256];
        hist[40] = 700;
        hist[200] = 300;
        let (light, separation) = otsu(&hist).expect("two levels");
        assert_eq!(light, 120.5);
        assert!(separation > 0.99, "{separation}");
        hist[120] = 1000;
        let (_, spread) = otsu(&hist).expect("three levels");
        assert!(spread < separation, "{spread}");
        assert!(otsu(&[0; 256]).is_none());
    }

    #[test]
    fn runs_that_touch_by_a_corner_are_one_region_and_apart_are_two() {
        // Rows of 20, of which runs takes every other: a diagonal of single pixels, a pixel apart from
        // it by a column, and a run long enough to be passed over in blocks; the rows between are
        // not looked at.
        let mut luma = vec![0f32; 100];
        for (x, y) in [(0, 0), (1, 2), (2, 4), (4, 2), (4, 4), (10, 1), (3, 3)] {
            luma[y * 20 + x] = 9.0;
        }
        luma[6..20].fill(9.0);
        let found = runs(&luma, 20, 6.0, 100).expect("few runs");
        let spans: Vec<Extent> = found.iter().map(|r| (r.y, r.x0, r.x1)).collect();
        assert_eq!(
            spans,
            [
                (0, 0, 1),
                (0, 6, 20),
                (2, 1, 2),
                (2, 4, 5),
                (4, 2, 3),
                (4, 4, 5)
            ]
        );
        let region = regions(&found);
        // The diagonal's three runs are one region, the column's two another, the long run a third.
        let diagonal = [0, 2, 4].map(|i| region[i]);
        let column = [3, 5].map(|i| region[i]);
        assert!(diagonal.iter().all(|&r| r == diagonal[0]));
        assert!(column.iter().all(|&r| r == column[0]));
        assert_ne!(diagonal[0], column[0]);
        assert_ne!(region[1], diagonal[0]);
        assert_ne!(region[1], column[0]);
        assert!(runs(&luma, 20, 6.0, 5).is_none());
        // The same runs from the scalar scan alone (rows narrower than a block).
        let narrow: Vec<f32> = luma.chunks(20).flat_map(|r| r[..6].to_vec()).collect();
        let scanned: Vec<Extent> = runs(&narrow, 6, 6.0, 100)
            .expect("few runs")
            .iter()
            .map(|r| (r.y, r.x0, r.x1))
            .collect();
        assert_eq!(
            scanned,
            [(0, 0, 1), (2, 1, 2), (2, 4, 5), (4, 2, 3), (4, 4, 5)]
        );
    }

    #[test]
    fn a_rounded_rectangle_s_sides_meet_at_its_sharp_corners_past_a_bump() {
        // A 100 x 60 rectangle with corners rounded by 5, as its boundary's points a pixel apart,
        // with a bump 4 high on its top side (a light patch of desk joined to it) near a corner.
        let mut pts = Vec::new();
        for (cx, cy, from) in [
            (95.0, 55.0, 0),
            (5.0, 55.0, 90),
            (5.0, 5.0, 180),
            (95.0, 5.0, 270),
        ] {
            for d in from..=from + 90 {
                let a = (d as f32).to_radians();
                pts.push([cx + 5.0 * a.cos(), cy + 5.0 * a.sin()]);
            }
        }
        for i in 5..=95 {
            let x = i as f32;
            let top = if (70.0..78.0).contains(&x) { -4.0 } else { 0.0 };
            pts.extend([[x, top], [x, 60.0]]);
        }
        for i in 5..=55 {
            pts.extend([[0.0, i as f32], [100.0, i as f32]]);
        }
        let mut sorted = pts.clone();
        sorted.sort_by(|a, b| a[1].total_cmp(&b[1]).then(a[0].total_cmp(&b[0])));
        let h = hull(&sorted);
        let q = quad(&pts, &h).expect("a quadrilateral");
        for corner in [[0.0, 0.0], [100.0, 0.0], [100.0, 60.0], [0.0, 60.0]] {
            let near = q
                .iter()
                .map(|p| ((p[0] - corner[0]).powi(2) + (p[1] - corner[1]).powi(2)).sqrt())
                .fold(f32::MAX, f32::min);
            // Where the straight stretches of the sides meet: the sharp corner.
            assert!(near < 0.05, "{corner:?}: {q:?}");
        }
        // The bump's hull takes in a sliver beside it, not enough to rule the outline out.
        let ratio = polygon_area(&q) / polygon_area(&h);
        assert!((FILL..1.0).contains(&ratio), "{ratio}");
    }
}
