//! The bindings in a real browser (`cargo xtask test` runs them in headless Chromium): the report comes
//! back as a plain object with the CLI's fields, and bad input throws a clear, bilingual Error.
#![cfg(target_arch = "wasm32")]

use id_photo_check::synth::{render, Scene};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).expect("object")
}

/// The bits of each float, for comparisons that tell 0 from -0 and see every last bit.
fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Pseudo-random numbers for the tests' made-up inputs, the same on every run (a linear congruential
/// generator with Numerical Recipes' constants).
struct Lcg(u32);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0
    }
}

#[wasm_bindgen_test]
fn a_sharp_card_is_ok_and_a_blurred_one_is_retake() {
    let mut scene = Scene::card(480, 360);
    let sharp =
        id_photo_check::wasm::check_rgba(&render(&scene), 480, 360, None, None).expect("report");
    assert_eq!(get(&sharp, "verdict").as_string().as_deref(), Some("ok"));
    assert_eq!(get(&sharp, "width").as_f64(), Some(480.0));
    let checks = Array::from(&get(&sharp, "checks"));
    let ids: Vec<String> = checks
        .iter()
        .map(|c| get(&c, "id").as_string().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "blur",
            "exposure",
            "glare",
            "shadow",
            "resolution",
            "framing",
            "size",
            "tilt",
            "background"
        ]
    );
    assert!(get(&checks.get(0), "message").is_object());
    scene.blur_sigma = 4.0;
    let blurred =
        id_photo_check::wasm::check_rgba(&render(&scene), 480, 360, None, None).expect("report");
    assert_eq!(
        get(&blurred, "verdict").as_string().as_deref(),
        Some("retake")
    );
    let blur = Array::from(&get(&blurred, "checks")).get(0);
    assert_eq!(get(&blur, "status").as_string().as_deref(), Some("fail"));
}

#[wasm_bindgen_test]
fn bad_sizes_throw_errors_with_codes_in_both_languages() {
    for (data, w, h, code) in [
        (vec![0u8; 16], 0, 4, "empty_image"),
        (vec![0u8; 15], 2, 2, "size_mismatch"),
        (vec![], 40_000, 40_000, "too_large"),
    ] {
        let err =
            id_photo_check::wasm::check_rgba(&data, w, h, None, None).expect_err("must throw");
        assert!(err.is_instance_of::<js_sys::Error>());
        assert_eq!(get(&err, "code").as_string().as_deref(), Some(code));
        assert!(!get(&err, "zh-CN").as_string().expect("zh").is_empty());
    }
    let err = id_photo_check::wasm::check_rgba(&[0u8; 16], 2, 2, Some(vec![1.0, 2.0]), None)
        .expect_err("bad corners");
    assert!(err.is_instance_of::<js_sys::Error>());
    let err = id_photo_check::wasm::check_rgba(&[0u8; 16], 2, 2, None, Some("visa".into()))
        .expect_err("unknown document type");
    assert!(err.is_instance_of::<js_sys::Error>());
}

#[wasm_bindgen_test]
fn the_flattened_crop_has_the_card_shape() {
    let scene = Scene::card(480, 360);
    let corners: Vec<f32> = scene.corners.iter().flatten().copied().collect();
    let img =
        id_photo_check::wasm::flatten_rgba(&render(&scene), 480, 360, corners, 300).expect("crop");
    let (w, h) = (
        get(&img, "width").as_f64().expect("w"),
        get(&img, "height").as_f64().expect("h"),
    );
    assert_eq!(w, 300.0);
    assert!((w / h - 85.60 / 53.98).abs() < 0.02, "{w}x{h}");
    let data = js_sys::Uint8ClampedArray::from(get(&img, "data"));
    assert_eq!(f64::from(data.length()), w * h * 4.0);
}

/// The working frame against its definition, computed here pixel by pixel: in the SIMD128 build (which
/// `cargo xtask test` runs these tests in) this checks the hand-written kernel, box sizes 1 to 3 and
/// widths that leave every remainder of its 4-pixel step. Chroma is kept only summed over the glare
/// check's cells, which the frame takes in the same pass: each cell's sum of its pixels' chroma and its
/// darkest luma (the frames are at least one band of cells high).
#[wasm_bindgen_test]
fn the_working_frame_matches_its_definition_exactly() {
    use id_photo_check::frame::{Frame, WORKING_SIDE};
    use id_photo_check::RgbaView;
    let mut rng = Lcg(0x2545_F491u32);
    for (w, h) in [
        (1603, 19),
        (1601, 17),
        (3202, 26),
        (4799, 30),
        (33, 9),
        (1598, 11),
    ] {
        let px: Vec<u8> = (0..w * h * 4)
            .map(|i| {
                let seed = rng.next();
                if i % 11 == 0 {
                    255
                } else {
                    (seed >> 24) as u8
                }
            })
            .collect();
        let f = Frame::new(&RgbaView::new(&px, w as u32, h as u32).expect("valid"));
        let s = (w.max(h) as u32).div_ceil(WORKING_SIDE) as usize;
        let (rows, cols) = (s.min(h), s.min(w));
        assert_eq!((f.w, f.h, f.scale as usize), (w / s, (h / s).max(1), s));
        let mut chroma = vec![0u32; f.w * f.h];
        for oy in 0..f.h {
            for ox in 0..f.w {
                let (mut y, mut c) = (0u32, 0u32);
                for dy in 0..rows {
                    for dx in 0..cols {
                        let i = ((oy * s + dy) * w + ox * s + dx) * 4;
                        let (r, g, b) = (px[i] as u32, px[i + 1] as u32, px[i + 2] as u32);
                        y += 77 * r + 150 * g + 29 * b;
                        c += r.max(g).max(b) - r.min(g).min(b);
                    }
                }
                let n = (rows * cols) as u32;
                let k = oy * f.w + ox;
                assert_eq!(
                    f.luma[k],
                    y as f32 * (1.0 / (256.0 * n as f32)),
                    "{w}x{h} at {ox},{oy}"
                );
                chroma[k] = c / n;
            }
        }
        let (cw, ch) = f.cells.size();
        assert!(cw >= 1 && ch >= 1, "{w}x{h}: {cw}x{ch} cells");
        let side = id_photo_check::glare::CELL;
        for cy in 0..ch {
            for cx in 0..cw {
                let (mut dark, mut sum) = (255f32, 0u32);
                for y in cy * side..(cy + 1) * side {
                    for x in cx * side..(cx + 1) * side {
                        dark = dark.min(f.luma[y * f.w + x]);
                        sum += chroma[y * f.w + x];
                    }
                }
                assert_eq!(f.cells.at(cx, cy), (dark, sum), "{w}x{h} cell {cx},{cy}");
            }
        }
    }
}

/// The Hough votes' SIMD128 kernel against the scalar code it stands for (in the SIMD128 build, which
/// `cargo xtask test` runs these tests in): the same accumulator entries for pixels all over frames up
/// to the finder's size, at every angle bin.
#[wasm_bindgen_test]
fn the_hough_votes_land_where_the_scalar_code_puts_them() {
    use id_photo_check::document::{VoteTables, HOUGH_SIDE, THETA_BINS};
    let tables = VoteTables::new();
    let mut rng = Lcg(0x9E37_79B9u32);
    let mut next = |n: u32| (rng.next() >> 8) % n;
    for _ in 0..20_000 {
        let (w, h) = (1 + next(HOUGH_SIDE as u32), 1 + next(HOUGH_SIDE as u32));
        let (x, y) = (next(w) as f32, next(h) as f32);
        let diag = ((w * w + h * h) as f32).sqrt().ceil();
        for tb in 0..=THETA_BINS {
            let (simd, scalar) = (
                tables.seven(x, y, tb, diag),
                tables.seven_scalar(x, y, tb, diag),
            );
            assert_eq!(simd[..7], scalar[..7], "({x}, {y}) in {w}x{h}, bin {tb}");
        }
    }
}

/// The shadow's per-cell paper level, the SIMD128 kernel against the selection it stands for: luma of
/// few distinct levels (ties everywhere, as on flat paper) and of many, black and blown-out pixels.
#[wasm_bindgen_test]
fn the_paper_level_of_a_cell_is_what_the_selection_finds() {
    use id_photo_check::shadow::{cell_level, cell_level_scalar};
    let mut rng = Lcg(0x2545_F491u32);
    let (w, h) = (96, 64);
    for levels in [2u32, 3, 5, 256, 1 << 16] {
        for _ in 0..40 {
            let luma: Vec<f32> = (0..w * h)
                .map(|_| ((rng.next() >> 8) % levels) as f32 * (255.0 / (levels - 1) as f32))
                .collect();
            for y0 in (0..h - 15).step_by(5) {
                for x0 in (0..w - 15).step_by(3) {
                    assert_eq!(
                        cell_level(&luma, w, x0, y0).to_bits(),
                        cell_level_scalar(&luma, w, x0, y0).to_bits(),
                        "{levels} levels, cell at {x0},{y0}"
                    );
                }
            }
        }
    }
}

/// The luma statistics (histogram of rounded levels, their sum) with the SIMD128 kernel against their
/// definition computed here sample by sample: regions small enough to take every pixel and large enough
/// to take a quarter, rows of every length, a quadrilateral's spans starting at odd and even columns.
#[wasm_bindgen_test]
fn the_luma_statistics_match_their_definition_exactly() {
    use id_photo_check::exposure::{quantile, stats, SAMPLED_ABOVE};
    use id_photo_check::frame::{Frame, Roi};
    use id_photo_check::RgbaView;
    let mut rng = Lcg(0x2545_F491u32);
    for (w, h) in [(61, 37), (300, 200), (641, 359), (1280, 720)] {
        let px: Vec<u8> = (0..w * h * 4).map(|_| (rng.next() >> 24) as u8).collect();
        let f = Frame::new(&RgbaView::new(&px, w as u32, h as u32).expect("valid"));
        let (fw, fh) = (f.w as f32, f.h as f32);
        let quad = [
            [fw * 0.13, fh * 0.21],
            [fw * 0.91, fh * 0.07],
            [fw * 0.83, fh * 0.88],
            [fw * 0.05, fh * 0.71],
        ];
        for roi in [Roi::full(f.w, f.h), Roi::quad(f.w, f.h, quad)] {
            let (mut hist, mut sum) = ([0u32; 256], 0f64);
            let step = if roi.area() > SAMPLED_ABOVE { 2 } else { 1 };
            for (r, (y, x0, x1)) in roi.rows().step_by(step).enumerate() {
                let mut x = x0 + r % step;
                while x < x1 {
                    let v = f.luma[y * f.w + x];
                    hist[(v + 0.5) as usize & 255] += 1;
                    sum += f64::from(v);
                    x += step;
                }
            }
            let n: u32 = hist.iter().sum();
            let s = stats(&f, &roi);
            assert_eq!(s.mean, (sum / f64::from(n)) as f32, "{w}x{h} step {step}");
            for (p, q) in s.p.iter().zip([0.02f32, 0.10, 0.5, 0.90, 0.98]) {
                assert_eq!(*p, quantile(&hist, q) as f32, "{w}x{h} step {step}");
            }
            let share = |c: u32| c as f32 / n as f32;
            assert_eq!(s.white, share(hist[250..].iter().sum()), "{w}x{h}");
            assert_eq!(s.black, share(hist[..=5].iter().sum()), "{w}x{h}");
        }
    }
}

/// The finder's ridge floor and median gradient (from a histogram of gradient magnitudes) with the
/// SIMD128 kernel against the scalar code: zeros, magnitudes past the histogram's last level, lengths
/// of every remainder.
#[wasm_bindgen_test]
fn the_magnitude_levels_are_what_the_scalar_histogram_gives() {
    use id_photo_check::document::{magnitude_levels, magnitude_levels_scalar};
    let mut rng = Lcg(0x9E37_79B9u32);
    for case in 0..400 {
        let len = 1 + case * 37 % 5000;
        let mag: Vec<f32> = (0..len)
            .map(|_| {
                let seed = rng.next();
                match seed >> 29 {
                    0 | 1 => 0.0,
                    2 => (seed >> 8 & 0xffff) as f32 * 0.01,
                    _ => (seed >> 8 & 0xfff) as f32 * [0.003, 0.05, 0.2][case % 3],
                }
            })
            .collect();
        assert_eq!(
            magnitude_levels(&mag, 61),
            magnitude_levels_scalar(&mag, 61),
            "case {case}"
        );
    }
    assert_eq!(magnitude_levels(&[0.0; 9], 3), None);
}

/// The ridge pixels' SIMD128 kernel against the scalar code: gradients of every direction, magnitudes
/// with ties (few levels) and without, at and below the floor, and widths of every remainder of four.
#[wasm_bindgen_test]
fn the_ridge_pixels_are_what_the_scalar_code_finds() {
    use id_photo_check::document::{ridge_pixels, ridge_pixels_scalar, Gradient};
    let mut rng = Lcg(0x1234_5677u32);
    for case in 0..300 {
        let (w, h) = (1 + case % 29, 1 + case * 7 % 19);
        let levels = [3u32, 17, 1 << 16][case % 3];
        let mut grad = || ((rng.next() >> 8) % levels) as f32 - (levels / 2) as f32;
        let gx: Vec<f32> = (0..w * h).map(|_| grad()).collect();
        let gy: Vec<f32> = (0..w * h).map(|_| grad()).collect();
        let mag: Vec<f32> = gx
            .iter()
            .zip(&gy)
            .map(|(x, y)| (x * x + y * y).sqrt())
            .collect();
        let floor = [0.0, 1.0, levels as f32 / 4.0][case / 100];
        let g = Gradient {
            gx: &gx,
            gy: &gy,
            mag: &mag,
            w,
            h,
        };
        assert_eq!(
            ridge_pixels(&g, floor),
            ridge_pixels_scalar(&g, floor),
            "case {case}: {w}x{h}, {levels} levels, floor {floor}"
        );
    }
}

/// The Hough votes' angle bins and weights, the SIMD128 kernel against the scalar code: gradients of
/// every direction and along the axes, zero and negative zero among them, magnitudes up to and past
/// the weights' cap, and every remainder of four.
#[wasm_bindgen_test]
fn the_vote_angles_are_what_the_scalar_code_gives() {
    use id_photo_check::document::{vote_angles, vote_angles_scalar, Gradient};
    let mut rng = Lcg(0x5EED_1234u32);
    for case in 0..200 {
        let n = 1 + case * 13 % 101;
        let levels = [3u32, 33, 1 << 16][case % 3];
        let mut grad = || {
            let v = ((rng.next() >> 8) % levels) as f32 - (levels / 2) as f32;
            if v == 0.0 && rng.next() % 2 == 0 {
                -0.0
            } else {
                v * [1.0, 0.01, 7.0][case % 3]
            }
        };
        let gx: Vec<f32> = (0..n).map(|_| grad()).collect();
        let gy: Vec<f32> = (0..n).map(|_| grad()).collect();
        let mag: Vec<f32> = gx
            .iter()
            .zip(&gy)
            .map(|(x, y)| (x * x + y * y).sqrt())
            .collect();
        let g = Gradient {
            gx: &gx,
            gy: &gy,
            mag: &mag,
            w: n,
            h: 1,
        };
        // Every pixel, some twice, in no order.
        let pts: Vec<usize> = (0..n + n / 2).map(|k| k * 7 % n).collect();
        let (bins, weights) = vote_angles(&g, &pts);
        let (want_bins, want_weights) = vote_angles_scalar(&g, &pts);
        assert_eq!(bins, want_bins, "case {case}");
        assert_eq!(bits(&weights), bits(&want_weights), "case {case}");
    }
}

/// The coarse copy's boxes of 3, the SIMD128 kernel against the scalar sums: every output count's
/// remainder of four, outputs fewer than the boxes and more, values of every size.
#[wasm_bindgen_test]
fn the_boxes_of_three_are_what_the_scalar_sums_give() {
    use id_photo_check::frame::{box_sums, box_sums_scalar};
    let mut rng = Lcg(0xB0C5_3333u32);
    for case in 0..200 {
        let n = case % 37;
        let sums: Vec<f32> = (0..3 * n + case % 3)
            .map(|_| (rng.next() >> 8) as f32 / [1.0, 256.0, 65536.0][case % 3])
            .collect();
        let outputs = [n, n.saturating_sub(2), n + 3][case % 3];
        let norm = [1.0 / 9.0, 0.37, 1.0][case % 3];
        let (mut got, mut want) = (vec![0f32; outputs], vec![0f32; outputs]);
        box_sums(&mut got, &sums, 3, norm);
        box_sums_scalar(&mut want, &sums, 3, norm);
        assert_eq!(
            bits(&got),
            bits(&want),
            "case {case}: {n} boxes, {outputs} outputs"
        );
    }
}

/// Bilinear samples across a line, the SIMD128 kernel against the scalar code, bit for bit: lines in
/// every direction through random points of an image of random luma, with every count's remainder of
/// four and centres off the line.
#[wasm_bindgen_test]
fn the_samples_across_a_line_are_what_the_scalar_code_gives() {
    use id_photo_check::frame::{bilinear_across, bilinear_across_scalar, Across};
    let mut rng = Lcg(0xB111_7EA5u32);
    let (w, h) = (97usize, 61usize);
    let luma: Vec<f32> = (0..w * h)
        .map(|_| (rng.next() >> 16) as f32 / 256.0)
        .collect();
    let mut unit = || (rng.next() >> 8) as f32 / (1u32 << 24) as f32;
    for case in 0..300i32 {
        let angle = unit() * std::f32::consts::TAU;
        let n = [angle.cos(), angle.sin()];
        let steps = 1 + case % 13;
        let centre = (unit() - 0.5) * 6.0;
        // The line's reach: the point far enough inside that every sample's four pixels are in.
        let reach = centre.abs() + steps as f32 * 0.5 + 2.0;
        let p = [
            reach + unit() * (w as f32 - 2.0 * reach),
            reach + unit() * (h as f32 - 2.0 * reach),
        ];
        let count = (2 * steps + 1) as usize;
        let (mut got, mut want) = (vec![0f32; count], vec![0f32; count]);
        let line = Across {
            p,
            n,
            centre,
            from: -steps,
        };
        bilinear_across(&luma, w, &line, &mut got);
        bilinear_across_scalar(&luma, w, &line, &mut want);
        assert_eq!(bits(&got), bits(&want), "case {case}: {p:?} {n:?} {centre}");
    }
}
