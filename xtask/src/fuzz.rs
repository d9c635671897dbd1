//! `cargo xtask fuzz [SECONDS]`: runs each cargo-fuzz target for a bounded time (default 120 s each),
//! seeded with small valid JPEG, PNG (8- and 16-bit, grey and colour) and WebP files rendered here.
//! Installs cargo-fuzz and the nightly toolchain when missing. Not part of `cargo xtask test`.

use std::path::Path;

use id_photo_check::synth::{render, Scene};

use crate::{root, run, Cmd};

const TARGETS: [&str; 2] = ["check_pixels", "decode_check"];

fn have(cmd: &mut std::process::Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

/// Small valid images of every format and layout the decoder takes.
fn seeds(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut scene = Scene::card(64, 48);
    scene.seed = 3;
    let px = render(&scene);
    let rgba = image::RgbaImage::from_raw(64, 48, px).ok_or("seed size")?;
    let dynamic = image::DynamicImage::ImageRgba8(rgba);
    let save = |name: &str, img: &image::DynamicImage, format: image::ImageFormat| {
        img.save_with_format(dir.join(name), format)
            .map_err(|e| format!("{name}: {e}"))
    };
    save("rgba8.png", &dynamic, image::ImageFormat::Png)?;
    save(
        "gray8.png",
        &image::DynamicImage::ImageLuma8(dynamic.to_luma8()),
        image::ImageFormat::Png,
    )?;
    save(
        "rgb16.png",
        &image::DynamicImage::ImageRgb16(dynamic.to_rgb16()),
        image::ImageFormat::Png,
    )?;
    save(
        "rgb.jpg",
        &image::DynamicImage::ImageRgb8(dynamic.to_rgb8()),
        image::ImageFormat::Jpeg,
    )?;
    save(
        "gray.jpg",
        &image::DynamicImage::ImageLuma8(dynamic.to_luma8()),
        image::ImageFormat::Jpeg,
    )?;
    save("lossless.webp", &dynamic, image::ImageFormat::WebP)?;
    Ok(())
}

pub fn run_all(seconds: u64) -> Result<(), String> {
    if !have(std::process::Command::new("rustup").args(["run", "nightly", "rustc", "--version"])) {
        run(Cmd::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    if !have(std::process::Command::new("cargo").args(["fuzz", "--version"])) {
        run(Cmd::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let fuzz = root().join("fuzz");
    seeds(&fuzz.join("corpus/decode_check"))?;
    let check_seed = fuzz.join("corpus/check_pixels");
    std::fs::create_dir_all(&check_seed).map_err(|e| e.to_string())?;
    let mut seed = vec![40u8, 0, 30, 0];
    seed.extend(std::iter::repeat_n(0u8, 32));
    seed.extend(render(&Scene::card(40, 30)));
    std::fs::write(check_seed.join("card-40x30"), &seed).map_err(|e| e.to_string())?;
    let time = format!("-max_total_time={seconds}");
    for t in TARGETS {
        run(Cmd::new("cargo")
            .args([
                "+nightly",
                "fuzz",
                "run",
                t,
                "--",
                &time,
                "-rss_limit_mb=4096",
                "-timeout=10",
            ])
            .dir(&fuzz))?;
    }
    Ok(())
}
