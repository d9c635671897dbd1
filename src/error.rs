//! Why an input could not be analysed at all, grouped by who is at fault, with a message in both
//! languages. A bad photo is not an error: it gets a report full of findings.

use std::fmt;

use crate::report::Text;

/// Input that cannot be analysed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The image has no pixels.
    EmptyImage {
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
    },
    /// The pixel buffer does not hold `width * height` RGBA pixels.
    SizeMismatch {
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
        /// Bytes given.
        len: usize,
    },
    /// More pixels than the checker will hold in memory.
    TooLarge {
        /// Width of the image.
        width: u32,
        /// Height of the image.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
    /// The file is larger than the checker will read.
    FileTooLarge {
        /// Bytes in the file.
        bytes: u64,
        /// The limit.
        max_bytes: u64,
    },
    /// The file is empty.
    EmptyFile,
    /// The bytes are not an image in any format we know.
    NotAnImage,
    /// A known image format that we do not decode (HEIC, AVIF, TIFF, ...).
    Unsupported {
        /// The format's name.
        format: String,
    },
    /// The file starts like an image but is cut short or damaged.
    Corrupt {
        /// What the decoder said.
        detail: String,
    },
    /// The file could not be read.
    Io {
        /// What the system said.
        detail: String,
    },
}

impl Error {
    /// A stable machine-readable code: `empty_image`, `size_mismatch`, `too_large`, `file_too_large`,
    /// `empty_file`, `not_an_image`, `unsupported`, `corrupt`, `io`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::EmptyImage { .. } => "empty_image",
            Error::SizeMismatch { .. } => "size_mismatch",
            Error::TooLarge { .. } => "too_large",
            Error::FileTooLarge { .. } => "file_too_large",
            Error::EmptyFile => "empty_file",
            Error::NotAnImage => "not_an_image",
            Error::Unsupported { .. } => "unsupported",
            Error::Corrupt { .. } => "corrupt",
            Error::Io { .. } => "io",
        }
    }

    /// What went wrong and what to do, in English and Simplified Chinese.
    pub fn message(&self) -> Text {
        match self {
            Error::EmptyImage { width, height } => Text::new(
                format!("The image is empty ({width}x{height} pixels). Choose a photo of your document."),
                format!("图片是空的（{width}x{height} 像素）。请选择一张证件照片。"),
            ),
            Error::SizeMismatch { width, height, len } => Text::new(
                format!("The pixel data ({len} bytes) does not match a {width}x{height} RGBA image."),
                format!("像素数据（{len} 字节）与 {width}x{height} 的 RGBA 图片不符。"),
            ),
            Error::TooLarge { width, height, max_pixels } => {
                let mp = max_pixels / 1_000_000;
                Text::new(
                    format!("The image is too large ({width}x{height}); at most {mp} megapixels can be checked. Take the photo at a lower resolution."),
                    format!("图片太大（{width}x{height}），最多只能检查 {mp} 百万像素。请用较低的分辨率拍摄。"),
                )
            }
            Error::FileTooLarge { bytes, max_bytes } => Text::new(
                format!("The file is too large ({} MB; at most {} MB). Take the photo at a lower resolution.", bytes / 1_000_000, max_bytes / 1_000_000),
                format!("文件太大（{} MB，最多 {} MB）。请用较低的分辨率拍摄。", bytes / 1_000_000, max_bytes / 1_000_000),
            ),
            Error::EmptyFile => Text::new(
                "The file is empty. Choose the photo again.".to_string(),
                "文件是空的。请重新选择照片。".to_string(),
            ),
            Error::NotAnImage => Text::new(
                "This file is not an image. Choose a JPEG, PNG or WebP photo of your document.".to_string(),
                "这个文件不是图片。请选择证件的 JPEG、PNG 或 WebP 照片。".to_string(),
            ),
            Error::Unsupported { format } => Text::new(
                format!("{format} images cannot be checked. Save the photo as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible) or take a screenshot of it."),
                format!("无法检查 {format} 格式的图片。请把照片存为 JPEG（iPhone：设置 > 相机 > 格式 > 兼容性最佳），或对照片截图。"),
            ),
            Error::Corrupt { detail } => Text::new(
                format!("The image is damaged or cut short ({detail}). Take or copy the photo again."),
                format!("图片已损坏或不完整（{detail}）。请重新拍摄或复制照片。"),
            ),
            Error::Io { detail } => Text::new(
                format!("The file could not be read ({detail})."),
                format!("无法读取文件（{detail}）。"),
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for Error {}
