//! id-photo-check: tells a person, before they submit a photo of their ID card or passport, whether it
//! will be rejected and how to fix it. The photo never leaves their device: this crate runs in their
//! browser as WebAssembly, or on the command line.
//!
//! # Code map
//! - [`view`]: the borrowed RGBA pixels, checked once ([`RgbaView::new`]).
//! - [`frame`]: luma at the working scale, with the finder's coarser luma and the glare cells, built in
//!   one pass; the region of interest.
//! - [`document`]: finds the document's outline (four corners) by line detection; [`flatten`] cuts
//!   it out, perspective-corrected.
//! - [`check()`]: runs every check over one region and builds the [`Report`].
//! - One module per check: [`sharpness`] (blur), [`exposure`], [`glare`], [`shadow`], [`resolution`],
//!   and [`framing`] for the ones that need the outline (framing, size, tilt, background).
//! - [`report`]: the findings and their JSON, the contract shared with the page and outside tools.
//! - [`error`]: input that cannot be analysed, with messages in English and Simplified Chinese.
//! - [`synth`]: renders document photos with known defects, for tests and benchmarks.
//! - `decode` (native only): files to pixels with the `image` crate, with limits and EXIF orientation.
//! - `wasm` (wasm32 only): the one binding file for JavaScript.
//!
//! # Invariants
//! - Analysis does no I/O and never panics on any width and height that [`RgbaView::new`] accepts.
//! - Memory is bounded by the pixel limit in [`view`], checked before anything is allocated.
//! - Every check reports its measured value, the threshold it was judged against and, where it has one,
//!   the region of the photo that caused it, in photo pixels.

pub mod check;
pub mod document;
pub mod error;
pub mod exposure;
pub mod flatten;
pub mod frame;
pub mod framing;
pub mod glare;
pub mod report;
pub mod resolution;
pub mod shadow;
pub mod sharpness;
pub mod synth;
pub mod view;

#[cfg(not(target_arch = "wasm32"))]
pub mod decode;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use check::{check, Config, Options};
pub use error::Error;
pub use report::{Check, Report, Status};
pub use view::RgbaView;

/// The crate's version, also the npm package's (`cargo xtask dist`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
