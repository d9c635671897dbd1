//! The report: what each check measured, against which threshold, where, and what to do about it; and
//! its JSON form, the contract that the CLI, the page, the embedding API and outside tools share.

use std::fmt::Write as _;

use crate::error::Error;

/// A sentence in each language the product speaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

impl Text {
    /// A sentence in English and Simplified Chinese.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            zh: zh.into(),
        }
    }
}

/// How a check judged the photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Good enough.
    Pass,
    /// Borderline: likely accepted, better if fixed.
    Warn,
    /// Will be rejected: retake.
    Fail,
}

impl Status {
    /// `pass`, `warn` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }

    /// Judges `value` where larger is worse.
    pub fn above(value: f32, warn: f32, fail: f32) -> Self {
        if value >= fail {
            Status::Fail
        } else if value >= warn {
            Status::Warn
        } else {
            Status::Pass
        }
    }

    /// Judges `value` where smaller is worse.
    pub fn below(value: f32, warn: f32, fail: f32) -> Self {
        if value <= fail {
            Status::Fail
        } else if value <= warn {
            Status::Warn
        } else {
            Status::Pass
        }
    }
}

/// An axis-aligned box in photo pixels: left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// `blur`, `exposure`, `glare`, `shadow`, `resolution`.
    pub id: &'static str,
    /// The judgement.
    pub status: Status,
    /// What was measured (unit per check, see its module); `None` when there was nothing to measure.
    pub value: Option<f32>,
    /// The bound the value was judged against: the failing one when it failed, else the warning one.
    pub threshold: f32,
    /// Which way the threshold cuts: `max` (value must stay below) or `min` (value must stay above).
    pub bound: Bound,
    /// A machine-readable reason within the check, such as `too_dark` or `motion`; empty when it passed.
    pub reason: &'static str,
    /// Where in the photo the problem is, in photo pixels.
    pub region: Option<Rect>,
    /// Further boxes (one per glare blob, for example), in photo pixels.
    pub boxes: Vec<Rect>,
    /// What to do, in plain words.
    pub message: Text,
}

impl Check {
    /// A check judged against a warning and a failing bound: the threshold shown is the failing one when
    /// it failed, else the warning one; `reason` and the problem's advice apply unless it passed.
    #[allow(clippy::too_many_arguments)]
    pub fn judged(
        id: &'static str,
        status: Status,
        value: Option<f32>,
        (warn, fail): (f32, f32),
        bound: Bound,
        reason: &'static str,
        passed: Text,
        problem: Text,
    ) -> Self {
        let (reason, message) = if status == Status::Pass {
            ("", passed)
        } else {
            (reason, problem)
        };
        let threshold = if status == Status::Fail { fail } else { warn };
        Self {
            id,
            status,
            value,
            threshold,
            bound,
            reason,
            region: None,
            boxes: Vec::new(),
            message,
        }
    }
}

/// Which side of the threshold is good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// The value must stay below the threshold.
    Max,
    /// The value must stay above the threshold.
    Min,
}

/// The document outline, when one is known.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Corners in photo pixels: top-left, top-right, bottom-right, bottom-left.
    pub corners: [[f32; 2]; 4],
    /// Which corners lie outside the photo (or on its border, where the document runs out of it).
    pub outside: [bool; 4],
    /// `id-card`, `passport` or `unknown`.
    pub kind: &'static str,
    /// Share of the outline that runs along an edge (1 when the caller gave the corners).
    pub confidence: f32,
    /// Whether the outline was followed from the frame before (a live camera's, see
    /// `Options::previous`) rather than searched for.
    pub followed: bool,
}

/// Everything known about one photo.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The file name, when the photo came from a file.
    pub file: Option<String>,
    /// Width of the photo as the person sees it.
    pub width: u32,
    /// Height of the photo as the person sees it.
    pub height: u32,
    /// Every check, in a fixed order.
    pub checks: Vec<Check>,
    /// The document outline, when known.
    pub document: Option<Document>,
    /// Why the photo could not be analysed, if it could not.
    pub error: Option<Error>,
}

impl Report {
    /// The report for input that could not be analysed.
    pub fn failed(file: Option<String>, error: Error) -> Self {
        Self {
            file,
            width: 0,
            height: 0,
            checks: Vec::new(),
            document: None,
            error: Some(error),
        }
    }

    /// `ok` when nothing failed and the photo was analysed, else `retake`.
    pub fn verdict(&self) -> &'static str {
        if self.error.is_none() && self.checks.iter().all(|c| c.status != Status::Fail) {
            "ok"
        } else {
            "retake"
        }
    }

    /// The check with this id.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// One JSON object on one line:
    /// `{"file","width","height","verdict","checks":[{"id","status","value","threshold","bound","reason",
    /// "region","boxes","message":{"en","zh-CN"}}],"document","error","error_code","error_message"}`.
    pub fn to_json(&self) -> String {
        let mut s = String::with_capacity(512 + 400 * self.checks.len());
        s.push('{');
        s.push_str("\"file\":");
        match &self.file {
            Some(f) => json_str(&mut s, f),
            None => s.push_str("null"),
        }
        let _ = write!(s, ",\"width\":{},\"height\":{}", self.width, self.height);
        s.push_str(",\"verdict\":");
        json_str(&mut s, self.verdict());
        s.push_str(",\"checks\":[");
        for (i, c) in self.checks.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str("{\"id\":");
            json_str(&mut s, c.id);
            s.push_str(",\"status\":");
            json_str(&mut s, c.status.as_str());
            s.push_str(",\"value\":");
            json_num(&mut s, c.value);
            s.push_str(",\"threshold\":");
            json_num(&mut s, Some(c.threshold));
            s.push_str(",\"bound\":");
            json_str(&mut s, if c.bound == Bound::Max { "max" } else { "min" });
            s.push_str(",\"reason\":");
            json_str(&mut s, c.reason);
            s.push_str(",\"region\":");
            match c.region {
                Some(r) => json_rect(&mut s, r),
                None => s.push_str("null"),
            }
            s.push_str(",\"boxes\":[");
            for (j, b) in c.boxes.iter().enumerate() {
                if j > 0 {
                    s.push(',');
                }
                json_rect(&mut s, *b);
            }
            s.push_str("],\"message\":");
            json_text(&mut s, &c.message);
            s.push('}');
        }
        s.push_str("],\"document\":");
        match &self.document {
            Some(d) => {
                s.push_str("{\"corners\":[");
                for (i, p) in d.corners.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    s.push('[');
                    json_num(&mut s, Some(p[0]));
                    s.push(',');
                    json_num(&mut s, Some(p[1]));
                    s.push(']');
                }
                s.push_str("],\"outside\":[");
                for (i, o) in d.outside.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    s.push_str(if *o { "true" } else { "false" });
                }
                s.push_str("],\"kind\":");
                json_str(&mut s, d.kind);
                s.push_str(",\"confidence\":");
                json_num(&mut s, Some(d.confidence));
                s.push_str(",\"followed\":");
                s.push_str(if d.followed { "true" } else { "false" });
                s.push('}');
            }
            None => s.push_str("null"),
        }
        match &self.error {
            Some(e) => {
                s.push_str(",\"error\":");
                json_str(&mut s, &e.message().en);
                s.push_str(",\"error_code\":");
                json_str(&mut s, e.code());
                s.push_str(",\"error_message\":");
                json_text(&mut s, &e.message());
            }
            None => s.push_str(",\"error\":null,\"error_code\":null,\"error_message\":null"),
        }
        s.push('}');
        s
    }
}

fn json_text(s: &mut String, t: &Text) {
    s.push_str("{\"en\":");
    json_str(s, &t.en);
    s.push_str(",\"zh-CN\":");
    json_str(s, &t.zh);
    s.push('}');
}

fn json_rect(s: &mut String, r: Rect) {
    for (i, v) in [r.x, r.y, r.w, r.h].into_iter().enumerate() {
        s.push(if i == 0 { '[' } else { ',' });
        push_integer(s, v.round());
    }
    s.push(']');
}

fn json_num(s: &mut String, v: Option<f32>) {
    match v {
        Some(v) if v.is_finite() => push_thousandths(s, (f64::from(v) * 1000.0).round()),
        _ => s.push_str("null"),
    }
}

// Numbers are written here rather than by `core::fmt`, whose float formatting (Grisu, with Dragon4 to
// fall back on) nothing else in the checker needs: without it and `f32::clamp`'s message (see
// `frame::clamp`) the SIMD128 wasm is 242,172 -> 218,889 bytes, 99,526 -> 90,558 gzipped. Each writes
// what `Display` would for every value a report can hold (see `numbers_are_written_as_display_writes_them`);
// the CLI's JSON of 134 photos of shared/data was byte-identical.

/// Appends `v`, a whole number, as `Display` writes a whole `f32` or `f64`: its digits, "-0" for
/// negative zero. (Where a float is coarser than 1, beyond 2^24 for an `f32` and far beyond any pixel
/// coordinate of a photo the checker takes, these are the digits of its exact value, where `Display`
/// writes the shortest that read back as it.)
pub(crate) fn push_integer(s: &mut String, v: impl Into<f64>) {
    let v: f64 = v.into();
    push_digits(s, v.is_sign_negative(), v.abs() as u128);
}

/// Appends `k / 1000` (`k` a whole number) as `Display` writes the `f64` nearest it: the digits of `k`
/// with a decimal point three from the right, trailing zeros dropped, and no point where nothing
/// follows it. (That decimal reads back as that `f64`, and no shorter one does: thousandths are far
/// coarser than the float's precision at any value a report holds.)
fn push_thousandths(s: &mut String, k: f64) {
    let n = k.abs() as u128;
    push_digits(s, k.is_sign_negative(), n / 1000);
    let (mut frac, mut width) = (n % 1000, 3);
    if frac == 0 {
        return;
    }
    while frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    s.push('.');
    for p in (0..width).rev() {
        s.push(char::from(b'0' + (frac / 10u128.pow(p) % 10) as u8));
    }
}

/// Appends `n` in decimal, after a minus sign if `negative`. By hand because `core`'s formatting of a
/// `u128` (the type that holds every whole `f32`; a `u64` does not) adds 531 bytes to the gzipped wasm.
fn push_digits(s: &mut String, negative: bool, mut n: u128) {
    if negative {
        s.push('-');
    }
    let mut digits = [0u8; 40];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[at..].iter().map(|&d| char::from(d)));
}

fn json_str(s: &mut String, v: &str) {
    s.push('"');
    for ch in v.chars() {
        match ch {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: Status) -> Check {
        Check {
            id: "blur",
            status,
            value: Some(1.23456),
            threshold: 4.0,
            bound: Bound::Max,
            reason: "",
            region: Some(Rect {
                x: 1.2,
                y: 2.0,
                w: 3.0,
                h: 4.6,
            }),
            boxes: vec![],
            message: Text::new("Hold \"still\"", "请保持\n稳定"),
        }
    }

    #[test]
    fn verdict_is_retake_when_any_check_fails() {
        let mut r = Report {
            file: None,
            width: 1,
            height: 1,
            checks: vec![check(Status::Pass), check(Status::Warn)],
            document: None,
            error: None,
        };
        assert_eq!(r.verdict(), "ok");
        r.checks.push(check(Status::Fail));
        assert_eq!(r.verdict(), "retake");
        assert_eq!(Report::failed(None, Error::EmptyFile).verdict(), "retake");
    }

    #[test]
    fn json_has_the_contract_fields_and_escapes() {
        let r = Report {
            file: Some("a\"b.jpg".into()),
            width: 3,
            height: 2,
            checks: vec![check(Status::Warn)],
            document: None,
            error: None,
        };
        let j = r.to_json();
        assert_eq!(
            j,
            concat!(
                r#"{"file":"a\"b.jpg","width":3,"height":2,"verdict":"ok","checks":[{"id":"blur","status":"warn","value":1.235,"#,
                r#""threshold":4,"bound":"max","reason":"","region":[1,2,3,5],"boxes":[],"message":{"en":"Hold \"still\"","zh-CN":"请保持\n稳定"}}],"#,
                r#""document":null,"error":null,"error_code":null,"error_message":null}"#
            )
        );
    }

    #[test]
    fn json_of_an_error_names_it_in_both_languages() {
        let j = Report::failed(Some("x".into()), Error::NotAnImage).to_json();
        assert!(j.contains(r#""verdict":"retake""#));
        assert!(j.contains(r#""error_code":"not_an_image""#));
        assert!(j.contains("不是图片"));
        assert!(j.contains(r#""checks":[]"#));
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        // Every value a report holds: whole pixels, ratios, grey levels, degrees, confidences, of
        // either sign, rounded to thousandths as the JSON is, up to a billion.
        let mut values = vec![
            0.0f32,
            -0.0,
            0.0004,
            -0.0004,
            0.0005,
            0.9995,
            1.0,
            1e9,
            -1e9,
            16_777_217.0,
        ];
        let mut x = 0.000_37f32;
        while x < 1e9 {
            values.extend([x, -x, x.round(), x * 1.000_3]);
            x *= 1.37;
        }
        for v in values {
            let (mut ours, mut rect) = (String::new(), String::new());
            json_num(&mut ours, Some(v));
            let r = (f64::from(v) * 1000.0).round() / 1000.0;
            assert_eq!(ours, format!("{r}"), "{v}");
            // Whole f32 are exact to 2^24, beyond any pixel of a photo the checker takes.
            if v.abs() < 16_777_216.0 {
                push_integer(&mut rect, v.round());
                assert_eq!(rect, format!("{}", v.round()), "{v}");
            }
        }
    }

    #[test]
    fn non_finite_numbers_become_null() {
        let mut s = String::new();
        json_num(&mut s, Some(f32::NAN));
        json_num(&mut s, None);
        assert_eq!(s, "nullnull");
    }
}
