//! Files to pixels for the command line: JPEG (RGB, greyscale or CMYK), PNG, WebP and GIF through the
//! `image` crate, with the file size, the pixel count and the decoder's allocations bounded before
//! decoding, and the EXIF orientation applied so that coordinates are those of the photo as the person
//! sees it. Of an animation (APNG, animated WebP or GIF) the first frame is checked, as browsers show it.

use std::io::{Cursor, Read};
use std::path::Path;

use image::{ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::Error;
use crate::view::{MAX_PIXELS, MAX_SIDE};

/// The largest file read, in bytes (60 MB: more than any phone camera's JPEG).
pub const MAX_FILE_BYTES: u64 = 60_000_000;

/// Decoded RGBA pixels, upright.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// `width * height * 4` bytes.
    pub rgba: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Reads and decodes the file at `path`.
pub fn decode_file(path: &Path) -> Result<Decoded, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::Io {
        detail: e.to_string(),
    })?;
    let len = file
        .metadata()
        .map_err(|e| Error::Io {
            detail: e.to_string(),
        })?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(Error::FileTooLarge {
            bytes: len,
            max_bytes: MAX_FILE_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Io {
            detail: e.to_string(),
        })?;
    decode_bytes(&bytes)
}

/// Names formats we recognise but do not decode, from their first bytes.
fn unsupported_format(b: &[u8]) -> Option<&'static str> {
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        let brand = &b[8..12];
        return Some(match brand {
            b"avif" | b"avis" => "AVIF",
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => "HEIC",
            _ => "MP4/QuickTime",
        });
    }
    if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        return Some("TIFF");
    }
    if b.starts_with(b"BM") {
        return Some("BMP");
    }
    if b.starts_with(b"%PDF") {
        return Some("PDF");
    }
    None
}

/// Decodes an in-memory file.
pub fn decode_bytes(bytes: &[u8]) -> Result<Decoded, Error> {
    if bytes.is_empty() {
        return Err(Error::EmptyFile);
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::FileTooLarge {
            bytes: bytes.len() as u64,
            max_bytes: MAX_FILE_BYTES,
        });
    }
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif)) => f,
        _ => {
            return Err(match unsupported_format(bytes) {
                Some(name) => Error::Unsupported {
                    format: name.to_string(),
                },
                None => Error::NotAnImage,
            })
        }
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // The RGBA result plus the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 4 * 2);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(Error::EmptyImage {
            width: w,
            height: h,
        });
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Error::TooLarge {
            width: w,
            height: h,
            max_pixels: MAX_PIXELS,
        });
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    img.apply_orientation(orientation);
    let rgba = img.into_rgba8();
    let (width, height) = rgba.dimensions();
    Ok(Decoded {
        rgba: rgba.into_raw(),
        width,
        height,
    })
}

fn map_image_error(e: image::ImageError) -> Error {
    use image::error::{ImageError as E, LimitErrorKind};
    match e {
        E::Limits(l) => match l.kind() {
            LimitErrorKind::DimensionError => Error::TooLarge {
                width: 0,
                height: 0,
                max_pixels: MAX_PIXELS,
            },
            _ => Error::TooLarge {
                width: 0,
                height: 0,
                max_pixels: MAX_PIXELS,
            },
        },
        E::Unsupported(u) => Error::Unsupported {
            format: u.to_string(),
        },
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => Error::Corrupt {
            detail: "the file ends too early".into(),
        },
        other => Error::Corrupt {
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| {
            image::Rgba([(x * 40) as u8, (y * 40) as u8, 90, 255])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).expect("encode");
        out.into_inner()
    }

    #[test]
    fn decodes_png_and_names_every_failure() {
        let ok = decode_bytes(&png(5, 3)).expect("decodes");
        assert_eq!((ok.width, ok.height, ok.rgba.len()), (5, 3, 60));
        assert_eq!(&ok.rgba[4..8], &[40, 0, 90, 255]);
        assert_eq!(decode_bytes(&[]).unwrap_err(), Error::EmptyFile);
        assert_eq!(
            decode_bytes(b"hello, not an image").unwrap_err(),
            Error::NotAnImage
        );
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(decode_bytes(heic).unwrap_err().code(), "unsupported");
        let full = png(40, 40);
        assert_eq!(
            decode_bytes(&full[..full.len() / 2]).unwrap_err().code(),
            "corrupt"
        );
    }

    /// A JPEG whose EXIF says "rotate 90 degrees clockwise to display" (orientation 6), as phones save
    /// portrait photos: left half red, right half blue, 40x20 as stored.
    fn jpeg_with_orientation_6() -> Vec<u8> {
        let img = image::RgbImage::from_fn(40, 20, |x, _| {
            if x < 20 {
                image::Rgb([220, 20, 20])
            } else {
                image::Rgb([20, 20, 220])
            }
        });
        let mut jpeg = Cursor::new(Vec::new());
        img.write_to(&mut jpeg, ImageFormat::Jpeg).expect("encode");
        let jpeg = jpeg.into_inner();
        // APP1: "Exif\0\0", a big-endian TIFF header, one IFD entry: Orientation (0x0112), SHORT, 1, 6.
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        exif.extend_from_slice(&[
            0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06, 0, 0, 0, 0, 0, 0,
        ]);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&exif);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn every_layout_decodes_to_rgba() {
        let base = image::RgbaImage::from_fn(6, 4, |x, y| {
            image::Rgba([(x * 40) as u8, (y * 60) as u8, 200, 255])
        });
        let dynamic = image::DynamicImage::ImageRgba8(base);
        let layouts = [
            (
                image::DynamicImage::ImageLuma8(dynamic.to_luma8()),
                ImageFormat::Png,
            ),
            (
                image::DynamicImage::ImageLumaA8(dynamic.to_luma_alpha8()),
                ImageFormat::Png,
            ),
            (
                image::DynamicImage::ImageRgb16(dynamic.to_rgb16()),
                ImageFormat::Png,
            ),
            (
                image::DynamicImage::ImageLuma16(dynamic.to_luma16()),
                ImageFormat::Png,
            ),
            (
                image::DynamicImage::ImageRgb8(dynamic.to_rgb8()),
                ImageFormat::Jpeg,
            ),
            (
                image::DynamicImage::ImageLuma8(dynamic.to_luma8()),
                ImageFormat::Jpeg,
            ),
            (dynamic.clone(), ImageFormat::WebP),
        ];
        for (img, format) in layouts {
            let mut out = Cursor::new(Vec::new());
            img.write_to(&mut out, format).expect("encode");
            let d = decode_bytes(&out.into_inner())
                .unwrap_or_else(|e| panic!("{format:?} {:?}: {e}", img.color()));
            assert_eq!(
                (d.width, d.height, d.rgba.len()),
                (6, 4, 96),
                "{format:?} {:?}",
                img.color()
            );
            assert!(d.rgba.chunks_exact(4).all(|p| p[3] == 255), "opaque");
        }
    }

    #[test]
    fn exif_orientation_is_applied() {
        let d = decode_bytes(&jpeg_with_orientation_6()).expect("decodes");
        assert_eq!((d.width, d.height), (20, 40), "rotated to portrait");
        // Rotating 90 degrees clockwise brings the stored left (red) half to the top.
        let at = |x: u32, y: u32| &d.rgba[((y * d.width + x) * 4) as usize..][..3];
        assert!(
            at(10, 5)[0] > 150 && at(10, 5)[2] < 100,
            "top is red: {:?}",
            at(10, 5)
        );
        assert!(
            at(10, 35)[2] > 150 && at(10, 35)[0] < 100,
            "bottom is blue: {:?}",
            at(10, 35)
        );
    }

    /// 16x16 CMYK JPEG with an Adobe APP14 marker (inverted CMYK, as Photoshop writes it), made with
    /// Pillow: the left half C0 M255 Y255 K0 (red), the right half C255 M255 Y0 K0 (blue).
    const CMYK_JPEG: &[u8] = &[
        255, 216, 255, 238, 0, 14, 65, 100, 111, 98, 101, 0, 100, 0, 0, 0, 0, 0, 255, 219, 0, 67,
        0, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 2, 2, 2, 2, 4, 3, 2, 2, 2, 2, 5, 4, 4, 3, 4, 6, 5, 6,
        6, 6, 5, 6, 6, 6, 7, 9, 8, 6, 7, 9, 7, 6, 6, 8, 11, 8, 9, 10, 10, 10, 10, 10, 6, 8, 11, 12,
        11, 10, 12, 9, 10, 10, 10, 255, 192, 0, 20, 8, 0, 16, 0, 16, 4, 67, 17, 0, 77, 17, 0, 89,
        17, 0, 75, 17, 0, 255, 196, 0, 31, 0, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255, 196, 0, 181, 16, 0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4,
        0, 0, 1, 125, 1, 2, 3, 0, 4, 17, 5, 18, 33, 49, 65, 6, 19, 81, 97, 7, 34, 113, 20, 50, 129,
        145, 161, 8, 35, 66, 177, 193, 21, 82, 209, 240, 36, 51, 98, 114, 130, 9, 10, 22, 23, 24,
        25, 26, 37, 38, 39, 40, 41, 42, 52, 53, 54, 55, 56, 57, 58, 67, 68, 69, 70, 71, 72, 73, 74,
        83, 84, 85, 86, 87, 88, 89, 90, 99, 100, 101, 102, 103, 104, 105, 106, 115, 116, 117, 118,
        119, 120, 121, 122, 131, 132, 133, 134, 135, 136, 137, 138, 146, 147, 148, 149, 150, 151,
        152, 153, 154, 162, 163, 164, 165, 166, 167, 168, 169, 170, 178, 179, 180, 181, 182, 183,
        184, 185, 186, 194, 195, 196, 197, 198, 199, 200, 201, 202, 210, 211, 212, 213, 214, 215,
        216, 217, 218, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 241, 242, 243, 244, 245,
        246, 247, 248, 249, 250, 255, 218, 0, 14, 4, 67, 0, 77, 0, 89, 0, 75, 0, 0, 63, 0, 253,
        252, 175, 231, 254, 191, 159, 250, 253, 252, 175, 224, 14, 138, 254, 255, 0, 40, 175, 239,
        242, 138, 254, 0, 232, 175, 224, 14, 138, 254, 255, 0, 40, 175, 255, 217,
    ];

    #[test]
    fn a_cmyk_jpeg_decodes_to_its_rgb_colours() {
        let d = decode_bytes(CMYK_JPEG).expect("CMYK JPEG decodes");
        assert_eq!((d.width, d.height), (16, 16));
        let at = |x: usize, y: usize| &d.rgba[(y * 16 + x) * 4..(y * 16 + x) * 4 + 4];
        let (left, right) = (at(2, 8), at(13, 8));
        assert!(
            left[0] > 200 && left[1] < 60 && left[2] < 60,
            "red: {left:?}"
        );
        assert!(
            right[0] < 60 && right[1] < 60 && right[2] > 200,
            "blue: {right:?}"
        );
    }

    /// Two frames: the first light grey, the second black.
    fn frames() -> [image::RgbaImage; 2] {
        [
            image::RgbaImage::from_pixel(12, 10, image::Rgba([200, 200, 200, 255])),
            image::RgbaImage::from_pixel(12, 10, image::Rgba([0, 0, 0, 255])),
        ]
    }

    #[test]
    fn of_an_animated_gif_the_first_frame_is_decoded() {
        let mut gif = Vec::new();
        {
            let mut enc = image::codecs::gif::GifEncoder::new(&mut gif);
            enc.set_repeat(image::codecs::gif::Repeat::Infinite)
                .expect("repeat");
            enc.encode_frames(frames().map(image::Frame::new))
                .expect("encode");
        }
        let d = decode_bytes(&gif).expect("GIF decodes");
        assert_eq!((d.width, d.height), (12, 10));
        assert!(d.rgba.chunks_exact(4).all(|p| p[0] > 150), "first frame");
    }

    #[test]
    fn of_an_animated_png_the_first_frame_is_decoded() {
        let mut apng = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut apng, 12, 10);
            enc.set_color(png::ColorType::Rgba);
            enc.set_animated(2, 0).expect("animated");
            let mut w = enc.write_header().expect("header");
            for f in frames() {
                w.write_image_data(f.as_raw()).expect("frame");
            }
            w.finish().expect("finish");
        }
        let d = decode_bytes(&apng).expect("APNG decodes");
        assert_eq!((d.width, d.height), (12, 10));
        assert!(d.rgba.chunks_exact(4).all(|p| p[0] > 150), "first frame");
    }

    #[test]
    fn a_huge_header_in_a_tiny_file_is_refused_before_allocating() {
        /// CRC-32 as PNG chunks carry it.
        fn crc32(bytes: &[u8]) -> u32 {
            let mut c = !0u32;
            for &b in bytes {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 {
                        0xEDB8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    };
                }
            }
            !c
        }
        // A valid 1x1 PNG whose IHDR (bytes 16..24, CRC at 29..33) claims 30000 x 30000: 900
        // megapixels, 3.6 GB as RGBA, in a file of under 100 bytes.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&30_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&30_000u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = decode_bytes(&bytes).unwrap_err();
        assert_eq!(err.code(), "too_large", "{err:?}");

        // The same for a GIF: its screen and its one frame claim 65535 x 65535.
        let mut gif = Vec::new();
        image::codecs::gif::GifEncoder::new(&mut gif)
            .encode_frame(image::Frame::new(image::RgbaImage::new(1, 1)))
            .expect("encode");
        let big = 65_535u16.to_le_bytes();
        gif[6..8].copy_from_slice(&big);
        gif[8..10].copy_from_slice(&big);
        let at = gif
            .iter()
            .position(|&b| b == 0x2C)
            .expect("image descriptor");
        gif[at + 5..at + 7].copy_from_slice(&big);
        gif[at + 7..at + 9].copy_from_slice(&big);
        let err = decode_bytes(&gif).unwrap_err();
        assert_eq!(err.code(), "too_large", "{err:?}");
    }
}
