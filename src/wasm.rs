//! The one binding file: JavaScript hands over RGBA pixels (a canvas `ImageData`'s data, copied once
//! into wasm memory by wasm-bindgen) and gets back the report as a plain object, the same JSON as the
//! CLI's. Bad input becomes a thrown `Error` with `code` and `zh-CN` properties; nothing here panics.

use js_sys::{Error as JsErr, Object, Reflect, Uint8ClampedArray, JSON};
use wasm_bindgen::prelude::*;

use crate::{check, Error, Options, RgbaView};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Bilingual text. */
export interface Text { "en": string; "zh-CN": string }
/** One check's finding. */
export interface CheckResult {
  id: "blur" | "exposure" | "glare" | "shadow" | "resolution" | "framing" | "size" | "tilt" | "background" | string;
  status: "pass" | "warn" | "fail";
  value: number | null;
  threshold: number;
  bound: "max" | "min";
  reason: string;
  region: [number, number, number, number] | null;
  boxes: [number, number, number, number][];
  message: Text;
}
/** The report, identical to the CLI's `--json` output. */
export interface Report {
  file: string | null;
  width: number;
  height: number;
  verdict: "ok" | "retake";
  checks: CheckResult[];
  document: { corners: [number, number][]; outside: boolean[]; kind: "id-card" | "passport" | "unknown"; confidence: number; followed: boolean } | null;
  error: string | null;
  error_code: string | null;
  error_message: Text | null;
}
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn js_error(e: &Error) -> JsValue {
    let m = e.message();
    let err = JsErr::new(&m.en);
    // Setting a property on a fresh Error object cannot fail; ignore the Result rather than unwrap.
    let _ = Reflect::set(&err, &"code".into(), &e.code().into());
    let _ = Reflect::set(&err, &"zh-CN".into(), &m.zh.into());
    err.into()
}

fn corners_from(v: &[f32]) -> Result<[[f32; 2]; 4], JsValue> {
    match v {
        [a, b, c, d, e, f, g, h] if v.iter().all(|x| x.is_finite()) => {
            Ok([[*a, *b], [*c, *d], [*e, *f], [*g, *h]])
        }
        _ => Err(
            JsErr::new("corners must be 8 finite numbers: x0, y0, x1, y1, x2, y2, x3, y3").into(),
        ),
    }
}

fn options_from(
    corners: Option<Vec<f32>>,
    document_type: Option<String>,
    previous: Option<Vec<f32>>,
) -> Result<Options, JsValue> {
    let mut opts = Options {
        document: corners.as_deref().map(corners_from).transpose()?,
        previous: previous.as_deref().map(corners_from).transpose()?,
        ..Options::default()
    };
    if let Some(name) = document_type.as_deref() {
        opts.config.find.expect = crate::document::Kind::expected(name)
            .map_err(|accepted| JsErr::new(&format!("document must be {accepted}")))?;
    }
    Ok(opts)
}

/// The report on `view` (or the error that kept it from being made), as the plain object `checkRgba`
/// returns.
fn report_on(
    view: Result<RgbaView, Error>,
    corners: Option<Vec<f32>>,
    document_type: Option<String>,
    previous: Option<Vec<f32>>,
) -> Result<JsValue, JsValue> {
    let view = view.map_err(|e| js_error(&e))?;
    let opts = options_from(corners, document_type, previous)?;
    JSON::parse(&check(&view, &opts).to_json())
}

fn flattened(view: &RgbaView, corners: &[f32], max_width: u32) -> Result<JsValue, JsValue> {
    let q = corners_from(corners)?;
    let img = crate::flatten::flatten(view, q, crate::Config::default().find.focal, max_width);
    let out = Object::new();
    let _ = Reflect::set(&out, &"width".into(), &img.width.into());
    let _ = Reflect::set(&out, &"height".into(), &img.height.into());
    let _ = Reflect::set(
        &out,
        &"data".into(),
        &Uint8ClampedArray::from(img.rgba.as_slice()).into(),
    );
    Ok(out.into())
}

/// Checks `width` x `height` RGBA pixels (copied into wasm memory on the way in; [`Input`] avoids the
/// copy). `corners`, when given, are the document's four corners as `[x0, y0, x1, y1, x2, y2, x3, y3]`
/// (top-left, top-right, bottom-right, bottom-left) in pixels. `document` is the document the person
/// was asked for: `"any"` (the default), `"id-card"` or `"passport"`.
#[wasm_bindgen(js_name = checkRgba, unchecked_return_type = "Report")]
pub fn check_rgba(
    data: &[u8],
    width: u32,
    height: u32,
    corners: Option<Vec<f32>>,
    #[wasm_bindgen(unchecked_param_type = "\"any\" | \"id-card\" | \"passport\" | undefined")]
    document_type: Option<String>,
) -> Result<JsValue, JsValue> {
    report_on(
        RgbaView::new(data, width, height),
        corners,
        document_type,
        None,
    )
}

/// The document cut out of the photo and perspective-corrected to its real shape, at most `max_width`
/// wide: `{ width, height, data }` (RGBA, ready for `new ImageData(data, width)`). `corners` as for
/// `checkRgba`, usually `report.document.corners` flattened.
#[wasm_bindgen(js_name = flattenRgba, unchecked_return_type = "{ width: number; height: number; data: Uint8ClampedArray }")]
pub fn flatten_rgba(
    data: &[u8],
    width: u32,
    height: u32,
    corners: Vec<f32>,
    max_width: u32,
) -> Result<JsValue, JsValue> {
    let view = RgbaView::new(data, width, height).map_err(|e| js_error(&e))?;
    flattened(&view, &corners, max_width)
}

/// Pixels that JavaScript writes straight into wasm memory, so the frame is not copied on the way in:
/// `reserve(w, h)` returns the byte offset of `w * h * 4` bytes in the module's memory, which the caller
/// fills (`VideoFrame.copyTo(new Uint8Array(memory.buffer, offset, w * h * 4), { format: "RGBA" })`, or
/// `.set()` from an `ImageData`), then `check()` and `flatten()` read them. The buffer is kept and reused
/// across frames. Any call into the module may move its memory: make the view after `reserve`, use it at
/// once, and make a new one next time.
#[wasm_bindgen]
#[derive(Default)]
pub struct Input {
    rgba: Vec<u8>,
    width: u32,
    height: u32,
}

#[wasm_bindgen]
impl Input {
    /// An empty input.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Input {
        Input::default()
    }

    /// Makes room for `width` x `height` RGBA pixels and returns their byte offset in wasm memory.
    /// Sizes over the limits, or that the memory cannot hold, throw `too_large` before anything is
    /// allocated or after the allocation fails (never an out-of-memory abort).
    pub fn reserve(&mut self, width: u32, height: u32) -> Result<u32, JsValue> {
        let len = crate::view::rgba_len(width, height).map_err(|e| js_error(&e))?;
        if len > self.rgba.len() {
            self.rgba
                .try_reserve_exact(len - self.rgba.len())
                .map_err(|_| {
                    js_error(&Error::TooLarge {
                        width,
                        height,
                        max_pixels: crate::view::MAX_PIXELS,
                    })
                })?;
        }
        self.rgba.resize(len, 0);
        self.width = width;
        self.height = height;
        Ok(self.rgba.as_ptr() as usize as u32)
    }

    /// Checks the pixels written after `reserve`; `corners` and `document` as for `checkRgba`. In a
    /// stream of frames of one size (a live camera), `previous` is the document's corners in the frame
    /// before (`report.document.corners` flattened): its outline is followed from there when it has
    /// moved little, at a fraction of the cost of searching the frame, which is searched otherwise.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn check(
        &self,
        corners: Option<Vec<f32>>,
        #[wasm_bindgen(unchecked_param_type = "\"any\" | \"id-card\" | \"passport\" | undefined")]
        document_type: Option<String>,
        previous: Option<Vec<f32>>,
    ) -> Result<JsValue, JsValue> {
        report_on(
            RgbaView::new(&self.rgba, self.width, self.height),
            corners,
            document_type,
            previous,
        )
    }

    /// The document straightened from the pixels written after `reserve`; as `flattenRgba`.
    #[wasm_bindgen(
        unchecked_return_type = "{ width: number; height: number; data: Uint8ClampedArray }"
    )]
    pub fn flatten(&self, corners: Vec<f32>, max_width: u32) -> Result<JsValue, JsValue> {
        let view = RgbaView::new(&self.rgba, self.width, self.height).map_err(|e| js_error(&e))?;
        flattened(&view, &corners, max_width)
    }
}

/// The crate's version, for the page's footer and bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
