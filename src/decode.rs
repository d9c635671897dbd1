//! Files to pixels for the command line: JPEG, PNG and WebP through the `image` crate, with the file
//! size, the pixel count and the decoder's allocations bounded before decoding, and the EXIF orientation
//! applied so that coordinates are those of the photo as the person sees it.

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
    if b.starts_with(b"GIF8") {
        return Some("GIF");
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
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => f,
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

    #[test]
    fn a_huge_header_in_a_tiny_file_is_refused_before_allocating() {
        let mut bytes = png(1, 1);
        // IHDR width and height start at byte 16; make them 60000 x 60000 (the CRC no longer matches,
        // which decoders may report before or after the size check: either way it is refused).
        bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let err = decode_bytes(&bytes).unwrap_err();
        assert!(matches!(err.code(), "too_large" | "corrupt"), "{err:?}");
    }
}
