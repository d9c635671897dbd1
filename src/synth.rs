//! Renders photos of a document with known truth, for tests, examples and benchmarks: a card with print
//! (a portrait block, rows of glyphs with straight, round and slanted strokes, two MRZ-like lines) under
//! a known homography on a desk, then the defects a phone adds, each by a known amount: Gaussian or
//! motion blur, exposure in stops, a specular hot spot, a shadow. Deterministic for a given scene.

/// The corners (top-left, top-right, bottom-right, bottom-left) of a `size[0]` x `size[1]` rectangle
/// about `centre`, turned `degrees` clockwise (y down).
pub fn turned(centre: [f32; 2], size: [f32; 2], degrees: f32) -> [[f32; 2]; 4] {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (hw, hh) = (size[0] / 2.0, size[1] / 2.0);
    [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]].map(|[dx, dy]| {
        [
            centre[0] + dx * cos - dy * sin,
            centre[1] + dx * sin + dy * cos,
        ]
    })
}

/// One photo to render.
#[derive(Clone, Debug)]
pub struct Scene {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The card's corners in the photo (top-left, top-right, bottom-right, bottom-left).
    pub corners: [[f32; 2]; 4],
    /// Paper colour.
    pub paper: [f32; 3],
    /// Desk brightness (0-255); the desk has a faint grain.
    pub desk: f32,
    /// A brick pattern on the desk: its contrast (0: a plain desk) and the share of the photo's width
    /// and height in the middle left plain (0: bricks everywhere). Rows of 64 x 24 px bricks of random
    /// brightness, whose long straight joints compete with the card's edges.
    pub bricks: (f32, f32),
    /// Gaussian blur sigma in pixels (0: none).
    pub blur_sigma: f32,
    /// Motion blur length in pixels (0: none) and its direction in degrees.
    pub motion: (f32, f32),
    /// Exposure change in stops, applied in linear light.
    pub ev: f32,
    /// A hot spot: centre in photo pixels, radius (sigma) in pixels, peak added in 8-bit units.
    pub glare: Option<([f32; 2], f32, f32)>,
    /// A shadow over everything left of a vertical line at this x, removing this fraction of the light.
    pub shadow: Option<(f32, f32)>,
    /// A thin dark frame printed inside the edge at this share of the card's width (0: none), as on
    /// passport pages: a strong straight line a few percent inside the page's own, fainter edge.
    pub frame: f32,
    /// A dark rule printed across the whole page at this height (0-1 down the card; 0: none), as the
    /// line under a passport's machine-readable zone: a strong straight line inside the page's edge.
    pub rule: f32,
    /// How far the card bows, as a card held by its edge does: its long sides curve the same way, their
    /// middles moved by this share of the card's height towards its top (0: flat). The corners stay.
    pub bend: f32,
    /// Share of glyph cells that carry print (0-1): dense text fields near 0.9, sparse cards near 0.4.
    pub print: f32,
    /// Seed for the print layout and the noise.
    pub seed: u64,
}

impl Scene {
    /// A sharp, well exposed ID-1 card (85.6 x 54 mm) filling about 70% of the width, slightly rotated.
    pub fn card(width: u32, height: u32) -> Self {
        let (w, h) = (width as f32, height as f32);
        let cw = 0.7 * w;
        Self {
            width,
            height,
            corners: turned([w / 2.0, h / 2.0], [cw, cw * 53.98 / 85.6], 3.0),
            paper: [236.0, 232.0, 222.0],
            desk: 55.0,
            bricks: (0.0, 0.0),
            blur_sigma: 0.0,
            motion: (0.0, 0.0),
            ev: 0.0,
            glare: None,
            shadow: None,
            print: 0.88,
            frame: 0.0,
            rule: 0.0,
            bend: 0.0,
            seed: 7,
        }
    }

    /// An ID-1 card tipped back by `tilt_deg` about its horizontal axis, seen through a phone's main
    /// camera (see [`crate::document::PHONE_FOCAL`]), about 0.55 of the width across.
    pub fn tilted(width: u32, height: u32, tilt_deg: f32) -> Self {
        let (w, h) = (width as f32, height as f32);
        let f = crate::document::PHONE_FOCAL * w;
        let (cw, ch) = (85.6f32, 53.98f32);
        let z = f * cw / (0.55 * w);
        let t = tilt_deg.to_radians();
        let project = |x: f32, y: f32| {
            let (yy, zz) = (y * t.cos(), z + y * t.sin());
            [w / 2.0 + f * x / zz, h / 2.0 + f * yy / zz]
        };
        let (hx, hy) = (cw / 2.0, ch / 2.0);
        Self {
            corners: [
                project(-hx, -hy),
                project(hx, -hy),
                project(hx, hy),
                project(-hx, hy),
            ],
            ..Self::card(width, height)
        }
    }

    /// The centre of the card.
    pub fn centre(&self) -> [f32; 2] {
        let c = &self.corners;
        [
            (c[0][0] + c[1][0] + c[2][0] + c[3][0]) / 4.0,
            (c[0][1] + c[1][1] + c[2][1] + c[3][1]) / 4.0,
        ]
    }
}

/// A small deterministic hash to [0, 1).
pub(crate) fn hash(a: u64, b: u64) -> f32 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ b.wrapping_add(0x632B_E59B_D9B4_E019).rotate_left(17);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x >> 40) as f32 / (1u64 << 24) as f32
}

/// The card's colour at `(u, v)` in [0, 1]^2 (u across, v down).
fn card_at(u: f32, v: f32, scene: &Scene) -> [f32; 3] {
    let (paper, print, seed) = (scene.paper, scene.print, scene.seed);
    let ink = [35.0, 38.0, 52.0];
    if scene.frame > 0.0 {
        // The frame line, 0.4% of the width thick, at the same distance from every edge.
        let aspect = 85.6 / 53.98;
        let (x, y) = (u.min(1.0 - u), (v.min(1.0 - v)) / aspect);
        let d = x.min(y);
        if (scene.frame..scene.frame + 0.004).contains(&d) {
            return ink;
        }
    }
    if scene.rule > 0.0 && (scene.rule..scene.rule + 0.006).contains(&v) {
        return ink;
    }
    // Portrait block with a face-like lighter oval.
    if (0.05..0.30).contains(&u) && (0.22..0.78).contains(&v) {
        let (du, dv) = ((u - 0.175) / 0.08, (v - 0.45) / 0.15);
        return if du * du + dv * dv < 1.0 {
            [190.0, 150.0, 130.0]
        } else {
            [95.0, 105.0, 125.0]
        };
    }
    // Header bar.
    if (0.05..0.95).contains(&u) && (0.05..0.14).contains(&v) {
        return [60.0, 90.0, 150.0];
    }
    let glyph = |u: f32, v: f32, row: u64, cell_w: f32, height: f32, bold: f32| -> bool {
        let col = (u / cell_w).floor();
        let cu = u / cell_w - col;
        let cv = v / height;
        if !(0.0..1.0).contains(&cv) || cu > 0.78 {
            return false;
        }
        // Word gaps.
        if hash(seed ^ row ^ 0x55, col as u64) >= print {
            return false;
        }
        let k = hash(seed ^ row, col as u64);
        let t = bold;
        if k < 0.45 {
            // A ring: round letters.
            let (x, y) = ((cu - 0.39) / 0.39, (cv - 0.5) / 0.5);
            let r = x * x + y * y;
            r < 1.0 && r > (1.0 - 2.2 * t).powi(2)
        } else if k < 0.7 {
            // A stem with a foot: straight letters.
            cu < t * 1.6 || cv > 1.0 - t
        } else {
            // A slanted stroke with a bar: diagonal letters.
            (cu - 0.78 * cv).abs() < t * 1.3 || (cv - 0.5).abs() < t * 0.5 && cu < 0.78
        }
    };
    // Field rows.
    if (0.36..0.95).contains(&u) && (0.20..0.70).contains(&v) {
        let row = ((v - 0.20) / 0.07).floor();
        let rv = (v - 0.20) - row * 0.07;
        if glyph(u - 0.36, rv, row as u64, 0.016, 0.035, 0.22) {
            return ink;
        }
    }
    // Two machine-readable lines.
    if (0.05..0.95).contains(&u) && (0.76..0.94).contains(&v) {
        let row = ((v - 0.76) / 0.09).floor();
        let rv = (v - 0.76) - row * 0.09;
        if glyph(u - 0.05, rv, 100 + row as u64, 0.021, 0.05, 0.2) {
            return ink;
        }
    }
    // A faint guilloche-like tint.
    let tint = 6.0 * ((u * 60.0).sin() * (v * 40.0).cos());
    [paper[0] + tint, paper[1] + tint, paper[2] - tint]
}

/// The homography mapping the unit square's corners (0,0), (1,0), (1,1), (0,1) to `q`.
pub fn unit_square_to(q: &[[f32; 2]; 4]) -> [f64; 9] {
    let [x0, y0] = q[0].map(f64::from);
    let [x1, y1] = q[1].map(f64::from);
    let [x2, y2] = q[2].map(f64::from);
    let [x3, y3] = q[3].map(f64::from);
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    [
        x1 - x0 + g * x1,
        x3 - x0 + h * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + h * y3,
        y0,
        g,
        h,
        1.0,
    ]
}

/// The point `p` mapped by the homography `m` (row-major).
pub fn project(m: &[f64; 9], [x, y]: [f64; 2]) -> [f64; 2] {
    let z = m[6] * x + m[7] * y + m[8];
    [
        (m[0] * x + m[1] * y + m[2]) / z,
        (m[3] * x + m[4] * y + m[5]) / z,
    ]
}

/// The inverse of a 3x3 matrix (row-major).
pub fn invert(m: &[f64; 9]) -> [f64; 9] {
    let [a, b, c, d, e, f, g, h, i] = *m;
    let co = [
        e * i - f * h,
        c * h - b * i,
        b * f - c * e,
        f * g - d * i,
        a * i - c * g,
        c * d - a * f,
        d * h - e * g,
        b * g - a * h,
        a * e - b * d,
    ];
    let det = a * co[0] + b * co[3] + c * co[6];
    co.map(|x| x / det)
}

fn to_linear(v: f32) -> f32 {
    (v.max(0.0) / 255.0).powf(2.2)
}

fn from_linear(l: f32) -> f32 {
    255.0 * l.max(0.0).powf(1.0 / 2.2)
}

/// Renders `scene` to tightly packed RGBA.
pub fn render(scene: &Scene) -> Vec<u8> {
    let (w, h) = (scene.width as usize, scene.height as usize);
    let inv = invert(&unit_square_to(&scene.corners));
    let mut img = vec![[0f32; 3]; w * h];
    // 2x2 supersampling gives the card anti-aliased, camera-sharp edges.
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            for (sx, sy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let (px, py) = (x as f64 + sx, y as f64 + sy);
                let [u, v] = project(&inv, [px, py]).map(|c| c as f32);
                let v = v + scene.bend * 4.0 * u * (1.0 - u);
                let c = if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                    card_at(u, v, scene)
                } else {
                    let mut grain =
                        8.0 * ((py as f32 * 0.05 + (px as f32 * 0.003).sin() * 3.0).sin());
                    let (bx, by) = (
                        (px as f32 / w as f32 - 0.5).abs(),
                        (py as f32 / h as f32 - 0.5).abs(),
                    );
                    let (contrast, clear) = scene.bricks;
                    if contrast > 0.0 && bx.max(by) >= clear / 2.0 {
                        let row = (py / 24.0).floor();
                        let col = ((px + 32.0 * (row % 2.0)) / 64.0).floor();
                        let joint = py % 24.0 < 2.0 || (px + 32.0 * (row % 2.0)) % 64.0 < 2.0;
                        grain += if joint {
                            -contrast
                        } else {
                            contrast * (hash(row as u64, col as u64 ^ scene.seed) - 0.5)
                        };
                    }
                    [
                        scene.desk + grain,
                        scene.desk * 0.92 + grain,
                        scene.desk * 0.85 + grain,
                    ]
                };
                for k in 0..3 {
                    acc[k] += c[k] * 0.25;
                }
            }
            img[y * w + x] = acc;
        }
    }
    if let Some((x_edge, strength)) = scene.shadow {
        for y in 0..h {
            for x in 0..w {
                // Feathered over 20 px.
                let t = ((x_edge - x as f32) / 20.0 + 0.5).clamp(0.0, 1.0);
                let k = 1.0 - strength * t;
                for c in &mut img[y * w + x] {
                    *c = from_linear(to_linear(*c) * k);
                }
            }
        }
    }
    if let Some((c, sigma, peak)) = scene.glare {
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f32 - c[0], y as f32 - c[1]);
                let add = peak * (-(dx * dx + dy * dy) / (2.0 * sigma * sigma)).exp();
                for v in &mut img[y * w + x] {
                    *v = (*v + add).min(255.0);
                }
            }
        }
    }
    if scene.ev != 0.0 {
        let gain = 2f32.powf(scene.ev);
        for px in &mut img {
            for v in px.iter_mut() {
                *v = from_linear((to_linear(*v) * gain).min(1.0));
            }
        }
    }
    if scene.blur_sigma > 0.0 {
        gaussian(&mut img, w, h, scene.blur_sigma);
    }
    if scene.motion.0 > 1.0 {
        img = motion(&img, w, h, scene.motion.0, scene.motion.1);
    }
    let mut out = vec![0u8; w * h * 4];
    for (i, (px, o)) in img.iter().zip(out.chunks_exact_mut(4)).enumerate() {
        let n = (hash(scene.seed.wrapping_add(99), i as u64) - 0.5) * 4.0;
        for k in 0..3 {
            o[k] = (px[k] + n).round().clamp(0.0, 255.0) as u8;
        }
        o[3] = 255;
    }
    out
}

fn gaussian(img: &mut [[f32; 3]], w: usize, h: usize, sigma: f32) {
    let r = (3.0 * sigma).ceil() as isize;
    let k: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = k.iter().sum();
    let k: Vec<f32> = k.iter().map(|v| v / sum).collect();
    let mut tmp = vec![[0f32; 3]; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            for (j, kv) in k.iter().enumerate() {
                let xx = (x as isize + j as isize - r).clamp(0, w as isize - 1) as usize;
                for c in 0..3 {
                    acc[c] += kv * img[y * w + xx][c];
                }
            }
            tmp[y * w + x] = acc;
        }
    }
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            for (j, kv) in k.iter().enumerate() {
                let yy = (y as isize + j as isize - r).clamp(0, h as isize - 1) as usize;
                for c in 0..3 {
                    acc[c] += kv * tmp[yy * w + x][c];
                }
            }
            img[y * w + x] = acc;
        }
    }
}

fn motion(img: &[[f32; 3]], w: usize, h: usize, len: f32, angle_deg: f32) -> Vec<[f32; 3]> {
    let (dx, dy) = (angle_deg.to_radians().cos(), -angle_deg.to_radians().sin());
    let n = len.round().max(1.0) as usize;
    let mut out = vec![[0f32; 3]; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            for s in 0..n {
                let t = s as f32 - (n - 1) as f32 / 2.0;
                let xx = (x as f32 + t * dx).round().clamp(0.0, w as f32 - 1.0) as usize;
                let yy = (y as f32 + t * dy).round().clamp(0.0, h as f32 - 1.0) as usize;
                for c in 0..3 {
                    acc[c] += img[yy * w + xx][c];
                }
            }
            out[y * w + x] = acc.map(|v| v / n as f32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_the_unit_square_onto_the_quad() {
        let q = [[10.0, 20.0], [200.0, 30.0], [190.0, 150.0], [5.0, 140.0]];
        let m = unit_square_to(&q);
        for (i, (u, v)) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
            .iter()
            .enumerate()
        {
            let [x, y] = project(&m, [*u, *v]);
            assert!((x - f64::from(q[i][0])).abs() < 1e-6 && (y - f64::from(q[i][1])).abs() < 1e-6);
        }
    }

    #[test]
    fn renders_the_card_where_it_was_put() {
        let s = Scene::card(160, 120);
        let px = render(&s);
        let at = |x: usize, y: usize| px[(y * 160 + x) * 4];
        assert!(at(2, 2) < 90, "desk is dark");
        assert_eq!(px.len(), 160 * 120 * 4);
        // The paper margin, 2% in from the middle of the card's left edge, is lighter than the desk.
        let (l, r) = (
            [
                (s.corners[0][0] + s.corners[3][0]) / 2.0,
                (s.corners[0][1] + s.corners[3][1]) / 2.0,
            ],
            [
                (s.corners[1][0] + s.corners[2][0]) / 2.0,
                (s.corners[1][1] + s.corners[2][1]) / 2.0,
            ],
        );
        let p = [l[0] + 0.02 * (r[0] - l[0]), l[1] + 0.02 * (r[1] - l[1])];
        assert!(at(p[0].round() as usize, p[1].round() as usize) > 200);
    }
}
