use std::time::Instant;
#[inline(always)]
fn lc(p: u32) -> (u32, u32) {
    let (r, g, b) = (p & 0xff, (p >> 8) & 0xff, (p >> 16) & 0xff);
    (77 * r + 150 * g + 29 * b, r.max(g).max(b) - r.min(g).min(b))
}
#[inline(never)]
fn zip(row: &[u8], ys: &mut [u32], cs: &mut [u32]) {
    for ((ay, ac), px) in ys.iter_mut().zip(cs.iter_mut()).zip(row.chunks_exact(4)) {
        let (y, c) = lc(u32::from_le_bytes([px[0], px[1], px[2], px[3]]));
        *ay += y;
        *ac += c;
    }
}
#[inline(never)]
fn idx(row: &[u8], ys: &mut [u32], cs: &mut [u32]) {
    let n = ys.len().min(cs.len()).min(row.len() / 4);
    let (row, ys, cs) = (&row[..n * 4], &mut ys[..n], &mut cs[..n]);
    for i in 0..n {
        let (y, c) = lc(u32::from_le_bytes([
            row[4 * i],
            row[4 * i + 1],
            row[4 * i + 2],
            row[4 * i + 3],
        ]));
        ys[i] += y;
        cs[i] += c;
    }
}
#[inline(never)]
fn chunked(row: &[u8], ys: &mut [u32], cs: &mut [u32]) {
    // 8 pixels at a time into fixed arrays.
    for ((yb, cb), pb) in ys
        .chunks_exact_mut(8)
        .zip(cs.chunks_exact_mut(8))
        .zip(row.chunks_exact(32))
    {
        let yb: &mut [u32; 8] = yb.try_into().unwrap();
        let cb: &mut [u32; 8] = cb.try_into().unwrap();
        let pb: &[u8; 32] = pb.try_into().unwrap();
        for k in 0..8 {
            let p = u32::from_le_bytes([pb[4 * k], pb[4 * k + 1], pb[4 * k + 2], pb[4 * k + 3]]);
            let (y, c) = lc(p);
            yb[k] += y;
            cb[k] += c;
        }
    }
}
fn main() {
    let w = 4000;
    let h = 3000;
    let px: Vec<u8> = (0..w * h * 4).map(|i| (i * 7 % 251) as u8).collect();
    let mut ys = vec![0u32; w];
    let mut cs = vec![0u32; w];
    for (name, f) in [
        ("zip", zip as fn(&[u8], &mut [u32], &mut [u32])),
        ("idx", idx),
        ("chunked", chunked),
    ] {
        let t = Instant::now();
        for _ in 0..5 {
            for r in px.chunks_exact(w * 4) {
                f(r, &mut ys, &mut cs);
            }
        }
        println!(
            "{name}: {:.2} ms {}",
            t.elapsed().as_secs_f64() * 200.0,
            ys[7]
        );
    }
}
