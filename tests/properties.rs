//! Invariants over many inputs: no width and height (nor corners given, nor outline of a frame before)
//! panics, and blurring never makes a photo sharper.

use id_photo_check::synth::{render, Scene};
use id_photo_check::{check, Options, RgbaView, Status};

/// A deterministic pseudo-random sequence (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn no_size_or_content_panics() {
    let mut rng = Rng(0x1234_5678);
    let mut sizes: Vec<(u32, u32)> = vec![
        (1, 1),
        (1, 2),
        (2, 1),
        (1, 400),
        (400, 1),
        (3, 3),
        (7, 5),
        (17, 9),
        (1601, 3),
        (3, 3203),
        (4801, 2),
    ];
    for _ in 0..60 {
        sizes.push((1 + (rng.next() % 300) as u32, 1 + (rng.next() % 300) as u32));
    }
    for (w, h) in sizes {
        // All black, all white, pure noise, stripes, one colour.
        for fill in 0..5 {
            let px: Vec<u8> = (0..w as usize * h as usize * 4)
                .map(|i| match fill {
                    0 => 0,
                    1 => 255,
                    2 => (rng.next() & 255) as u8,
                    3 => ((i / 4) % 7 * 40) as u8,
                    _ => [90, 140, 200, 255][i % 4],
                })
                .collect();
            let view = RgbaView::new(&px, w, h).expect("valid");
            let r = check(&view, &Options::default());
            assert_eq!(r.checks.len(), 9, "{w}x{h}");
            let j = r.to_json();
            assert!(j.starts_with('{') && j.ends_with('}'));
            // Corners anywhere, even far outside, never panic either.
            let far = [
                [-5.0, -5.0],
                [w as f32 * 2.0, 0.0],
                [w as f32, h as f32 + 9.0],
                [0.0, h as f32],
            ];
            check(
                &view,
                &Options {
                    document: Some(far),
                    ..Options::default()
                },
            );
            // Nor does the outline of a frame before, whatever it is: inside, far outside, folded
            // over itself, or all four corners at one point.
            let (fw, fh) = (w as f32, h as f32);
            for previous in [
                far,
                [
                    [0.1 * fw, 0.1 * fh],
                    [0.9 * fw, 0.1 * fh],
                    [0.9 * fw, 0.9 * fh],
                    [0.1 * fw, 0.9 * fh],
                ],
                [
                    [0.9 * fw, 0.9 * fh],
                    [0.1 * fw, 0.1 * fh],
                    [0.9 * fw, 0.1 * fh],
                    [0.1 * fw, 0.9 * fh],
                ],
                [[0.5 * fw, 0.5 * fh]; 4],
                [[1e9, -1e9], [-1e9, 1e9], [1e9, 1e9], [-1e9, -1e9]],
            ] {
                let r = check(
                    &view,
                    &Options {
                        previous: Some(previous),
                        ..Options::default()
                    },
                );
                assert_eq!(r.checks.len(), 9, "{w}x{h}");
            }
        }
    }
}

#[test]
fn blurring_never_raises_sharpness() {
    for seed in [1u64, 2, 3] {
        let mut last = 0.0f32;
        for sigma in [0.0f32, 1.0, 2.0, 3.0, 4.5] {
            let mut s = Scene::card(480, 360);
            s.seed = seed;
            s.blur_sigma = sigma;
            let px = render(&s);
            let r = check(
                &RgbaView::new(&px, 480, 360).expect("valid"),
                &Options::default(),
            );
            let blur = r.check("blur").expect("blur");
            let width = blur.value.expect("edges found");
            assert!(
                width >= last - 0.05,
                "seed {seed}: sigma {sigma} gave edge width {width} < {last}"
            );
            last = width;
            if sigma >= 3.0 {
                assert_eq!(blur.status, Status::Fail);
            }
        }
    }
}
