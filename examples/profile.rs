use id_photo_check::frame::{Frame, Roi};
use id_photo_check::synth::{render, Scene};
use id_photo_check::*;
use std::time::Instant;
fn main() {
    for (w, h) in [(1280u32, 720u32), (4000, 3000)] {
        let s = Scene::card(w, h);
        let px = render(&s);
        let view = RgbaView::new(&px, w, h).unwrap();
        let cfg = Config::default();
        let mut t = [0f64; 9];
        let n = 30;
        for _ in 0..n {
            let t0 = Instant::now();
            let frame = Frame::new(&view);
            let t1 = Instant::now();
            let found = document::find(&frame, &cfg.find);
            let t2 = Instant::now();
            let sc = frame.scale as f32;
            let roi = Roi::quad(
                frame.w,
                frame.h,
                found
                    .as_ref()
                    .unwrap()
                    .corners
                    .map(|p| [p[0] / sc, p[1] / sc]),
            );
            let t3 = Instant::now();
            std::hint::black_box(sharpness::blur(&frame, &roi, &cfg.blur));
            let t4 = Instant::now();
            std::hint::black_box(exposure::exposure(&frame, &roi, &cfg.exposure));
            let t5 = Instant::now();
            std::hint::black_box(glare::glare(&frame, &roi, &cfg.glare));
            let t6 = Instant::now();
            std::hint::black_box(shadow::shadow(&frame, &roi, &cfg.shadow));
            let t7 = Instant::now();
            std::hint::black_box(framing::background(
                &frame,
                &roi,
                found.as_ref(),
                &cfg.framing,
            ));
            let t8 = Instant::now();
            let ts = [t0, t1, t2, t3, t4, t5, t6, t7, t8];
            for i in 0..8 {
                t[i] += (ts[i + 1] - ts[i]).as_secs_f64() * 1000.0 / n as f64;
            }
            let t9 = Instant::now();
            std::hint::black_box(check(&view, &Options::default()));
            t[8] += t9.elapsed().as_secs_f64() * 1000.0 / n as f64;
        }
        let t0 = Instant::now();
        let mut acc = 0u32;
        for _ in 0..10 {
            acc = acc.wrapping_add(
                px.chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) & 0xff)
                    .fold(0u32, |a, b| a.wrapping_add(b)),
            );
        }
        std::hint::black_box(acc);
        println!(
            "read all pixels once: {:.2} ms",
            t0.elapsed().as_secs_f64() * 100.0
        );
        println!("{w}x{h} frame {:.2} find {:.2} roi {:.2} blur {:.2} exposure {:.2} glare {:.2} shadow {:.2} background {:.2} | full {:.2}", t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8]);
    }
}
#[allow(dead_code)]
fn bw() {}
