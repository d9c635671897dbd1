//! The borrowed RGBA view every analysis takes: its size is checked once, here, so nothing after it can
//! index out of bounds or allocate without limit.

use crate::error::Error;

/// The largest image analysed, in pixels (50 megapixels). Bigger frames are refused before any
/// allocation; the page already downscales photos above [`ANALYSIS_MAX_PIXELS`] when it decodes them.
pub const MAX_PIXELS: u64 = 50_000_000;

/// The largest width or height accepted, in pixels.
pub const MAX_SIDE: u32 = 32_768;

/// The page decodes photos above this many pixels straight to this size (`www/worker.js`), which
/// bounds the tab's memory; the checks work at about 1.3 megapixels anyway (see [`crate::frame`]).
pub const ANALYSIS_MAX_PIXELS: u64 = 16_000_000;

/// The bytes of `width` x `height` RGBA pixels, or why that size is refused: no pixels, or over the
/// limits. Asked before anything of that size is allocated (by [`RgbaView::new`] and by the wasm input
/// buffer).
pub fn rgba_len(width: u32, height: u32) -> Result<usize, Error> {
    if width == 0 || height == 0 {
        return Err(Error::EmptyImage { width, height });
    }
    let too_large = Error::TooLarge {
        width,
        height,
        max_pixels: MAX_PIXELS,
    };
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(too_large);
    }
    usize::try_from(pixels * 4).map_err(|_| too_large)
}

/// Tightly packed 8-bit RGBA pixels, row by row, borrowed from the caller (a decoded file or a canvas).
#[derive(Clone, Copy, Debug)]
pub struct RgbaView<'a> {
    data: &'a [u8],
    width: u32,
    height: u32,
}

impl<'a> RgbaView<'a> {
    /// Checks that `data` holds exactly `width * height` RGBA pixels within the size limits.
    pub fn new(data: &'a [u8], width: u32, height: u32) -> Result<Self, Error> {
        if rgba_len(width, height)? == data.len() {
            Ok(Self {
                data,
                width,
                height,
            })
        } else {
            Err(Error::SizeMismatch {
                width,
                height,
                len: data.len(),
            })
        }
    }

    /// Width in pixels (at least 1).
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels (at least 1).
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixel bytes, `width * height * 4` of them.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// One row of `width * 4` bytes; `y` must be below the height.
    pub fn row(&self, y: u32) -> &'a [u8] {
        let stride = self.width as usize * 4;
        let start = y as usize * stride;
        &self.data[start..start + stride]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exact_buffer() {
        let px = [0u8; 2 * 3 * 4];
        let v = RgbaView::new(&px, 2, 3).expect("valid");
        assert_eq!((v.width(), v.height()), (2, 3));
        assert_eq!(v.row(2).len(), 8);
    }

    #[test]
    fn rejects_zero_sizes_and_wrong_lengths() {
        assert!(matches!(
            RgbaView::new(&[], 0, 5),
            Err(Error::EmptyImage { .. })
        ));
        assert!(matches!(
            RgbaView::new(&[0; 4], 1, 0),
            Err(Error::EmptyImage { .. })
        ));
        assert!(matches!(
            RgbaView::new(&[0; 7], 1, 2),
            Err(Error::SizeMismatch { .. })
        ));
        assert!(matches!(
            RgbaView::new(&[0; 12], 1, 2),
            Err(Error::SizeMismatch { .. })
        ));
    }

    #[test]
    fn rejects_too_many_pixels_without_allocating() {
        let err = RgbaView::new(&[], 30_000, 30_000).expect_err("too large");
        assert!(matches!(err, Error::TooLarge { .. }));
        let err = RgbaView::new(&[], u32::MAX, u32::MAX).expect_err("too large");
        assert!(matches!(err, Error::TooLarge { .. }));
    }
}
