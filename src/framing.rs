//! The checks that need the document's outline: `framing` (every corner in the photo), `size` (the
//! document's share of the photo), `tilt` (how far the card is tipped away from facing the camera) and
//! `background` (how busy the surface around the card is).

use crate::document::{self, Found};
use crate::frame::{clamp, Frame, Roi};
use crate::report::{Bound, Check, Rect, Status, Text};

/// Thresholds for the outline checks.
#[derive(Clone, Copy, Debug)]
pub struct FramingConfig {
    /// A corner closer than this share of the photo's shorter side to the border counts as cut off.
    pub margin: f32,
    /// Share of the photo the document must cover at least (fail below).
    pub size_fail: f32,
    /// Share below which the size warns.
    pub size_warn: f32,
    /// Tilt in degrees at and above which the photo fails.
    pub tilt_fail: f32,
    /// Tilt at and above which it warns.
    pub tilt_warn: f32,
    /// Share of the surface around the card that is edges, at and above which it warns.
    pub background_warn: f32,
    /// A document covering at least this share of the photo fills it (a scan or a tight crop): its
    /// edges are the photo's, and no corner counts as cut off.
    pub fills_frame: f32,
}

impl Default for FramingConfig {
    fn default() -> Self {
        // Measured with `cargo xtask eval` on synthetic-dev; see the README's accuracy table.
        Self {
            margin: 0.005,
            size_fail: 0.05,
            size_warn: 0.12,
            tilt_fail: 33.0,
            tilt_warn: 22.0,
            background_warn: 0.12,
            fills_frame: 0.85,
        }
    }
}

const CORNER_EN: [&str; 4] = ["top-left", "top-right", "bottom-right", "bottom-left"];
const CORNER_ZH: [&str; 4] = ["左上角", "右上角", "右下角", "左下角"];

/// Which corners are cut off: outside the photo or within the margin of its border.
pub fn cut_corners(found: &Found, width: f32, height: f32, cfg: &FramingConfig) -> [bool; 4] {
    let m = cfg.margin * width.min(height);
    let mut cut = found.outside;
    for (c, p) in cut.iter_mut().zip(found.corners) {
        *c |= p[0] < m || p[1] < m || p[0] > width - 1.0 - m || p[1] > height - 1.0 - m;
    }
    cut
}

fn not_found(id: &'static str) -> Check {
    Check {
        id,
        status: Status::Warn,
        value: None,
        threshold: 0.0,
        bound: Bound::Max,
        reason: "not_found",
        region: None,
        boxes: Vec::new(),
        message: Text::new(
            "The edges of the document could not be found. Lay it flat on a plain, dark surface with all four corners in view.",
            "找不到证件的边缘。请把证件平放在纯色的深色表面上，并让四个角都在画面内。",
        ),
    }
}

/// `framing`: value is the number of corners cut off (must stay below 1).
pub fn framing(found: Option<&Found>, width: f32, height: f32, cfg: &FramingConfig) -> Check {
    let Some(f) = found else {
        return not_found("framing");
    };
    let mut cut = cut_corners(f, width, height, cfg);
    if clipped_share(f, width, height) >= cfg.fills_frame {
        // A scan or a tight crop: the document is the photo, and its edges are the photo's.
        cut = [false; 4];
    }
    let n = cut.iter().filter(|&&c| c).count();
    if n == 0 {
        return Check {
            id: "framing",
            status: Status::Pass,
            value: Some(0.0),
            threshold: 1.0,
            bound: Bound::Max,
            reason: "",
            region: None,
            boxes: Vec::new(),
            message: Text::new("All four corners are in the photo.", "四个角都在照片内。"),
        };
    }
    let names: Vec<usize> = (0..4).filter(|&i| cut[i]).collect();
    let en = names
        .iter()
        .map(|&i| CORNER_EN[i])
        .collect::<Vec<_>>()
        .join(" and ");
    let zh = names
        .iter()
        .map(|&i| CORNER_ZH[i])
        .collect::<Vec<_>>()
        .join("和");
    // A box around each cut corner, clamped into the photo, so the page can mark it.
    let r = 0.06 * width.min(height);
    let boxes = names
        .iter()
        .map(|&i| {
            let p = f.corners[i];
            let (x, y) = (
                clamp(p[0], 0.0, width - 1.0),
                clamp(p[1], 0.0, height - 1.0),
            );
            let (x0, y0) = ((x - r).max(0.0), (y - r).max(0.0));
            Rect {
                x: x0,
                y: y0,
                w: (x + r).min(width) - x0,
                h: (y + r).min(height) - y0,
            }
        })
        .collect::<Vec<_>>();
    Check {
        id: "framing",
        status: Status::Fail,
        value: Some(n as f32),
        threshold: 1.0,
        bound: Bound::Max,
        reason: "corner_cut",
        region: boxes.first().copied(),
        boxes,
        message: Text::new(
            format!("The {en} corner{} of the document {} cut off. Move back a little so that all four corners are in the photo with some space around them.", if n > 1 { "s" } else { "" }, if n > 1 { "are" } else { "is" }),
            format!("证件的{zh}被切掉了。请稍微后退，让四个角都完整地在照片内，四周留一点空隙。"),
        ),
    }
}

/// The share of the photo inside the outline (corners clamped into the photo).
pub fn clipped_share(f: &Found, width: f32, height: f32) -> f32 {
    let q = f
        .corners
        .map(|p| [clamp(p[0], 0.0, width), clamp(p[1], 0.0, height)]);
    let mut a = 0.0;
    for i in 0..4 {
        a += q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1];
    }
    (a.abs() / 2.0) / (width * height)
}

/// `size`: value is the document's share of the photo's area.
pub fn size(found: Option<&Found>, width: f32, height: f32, cfg: &FramingConfig) -> Check {
    let Some(f) = found else {
        return not_found("size");
    };
    let share = clipped_share(f, width, height);
    let status = Status::below(share, cfg.size_warn, cfg.size_fail);
    Check::judged(
        "size",
        status,
        Some(share),
        (cfg.size_warn, cfg.size_fail),
        Bound::Min,
        "too_far",
        Text::new("The document is close enough.", "证件距离合适。"),
        Text::new(
            "The document is too small in the photo. Move the phone closer until the document fills most of the frame (keep all four corners in view).",
            "证件在照片中太小。请把手机靠近，让证件占满画面的大部分（四个角都要在画面内）。",
        ),
    )
}

/// `tilt`: value is the angle in degrees between the document and the camera's view.
pub fn tilt(
    found: Option<&Found>,
    width: f32,
    height: f32,
    focal: f32,
    cfg: &FramingConfig,
) -> Check {
    let Some(f) = found else {
        return not_found("tilt");
    };
    let angle = document::tilt(
        &f.corners,
        focal * width.max(height),
        [width / 2.0, height / 2.0],
    );
    let status = angle.map_or(Status::Pass, |a| {
        Status::above(a, cfg.tilt_warn, cfg.tilt_fail)
    });
    Check::judged(
        "tilt",
        status,
        angle,
        (cfg.tilt_warn, cfg.tilt_fail),
        Bound::Max,
        "steep_angle",
        Text::new("The document faces the camera.", "证件正对镜头。"),
        Text::new(
            "The document is at a steep angle. Hold the phone straight above the document, parallel to it.",
            "证件倾斜得太厉害。请把手机举在证件正上方，与证件保持平行。",
        ),
    )
}

/// `background`: value is the share of the surface around the document that is strong edges (busy
/// texture such as a keyboard or a patterned cloth). Warns only: verifiers crop the document.
pub fn background(frame: &Frame, doc: &Roi, found: Option<&Found>, cfg: &FramingConfig) -> Check {
    if found.is_none() {
        return not_found("background");
    }
    let (w, h) = (frame.w, frame.h);
    let (mut edges, mut n) = (0usize, 0usize);
    let mut flags = vec![0u8; w];
    // The document's span on a row, if any.
    let span = |y: usize| {
        y.checked_sub(doc.y0)
            .and_then(|i| doc.spans.get(i))
            .filter(|s| s.1 > s.0)
            .copied()
    };
    for y in (2..h.saturating_sub(2)).step_by(2) {
        // Outside the document by a few pixels, so the card's own edge does not count: its span on
        // this row widened by 3 each side, and its spans 3 rows up and down (one interval: the
        // document is convex).
        let near = [
            span(y).map(|(a, b)| (a.saturating_sub(3), b + 3)),
            y.checked_sub(3).and_then(span),
            span(y + 3),
        ];
        let (lo, hi) = near
            .iter()
            .flatten()
            .fold((usize::MAX, 0), |(lo, hi), &(a, b)| (lo.min(a), hi.max(b)));
        // Every other column from `from` (even) to `to`: which are edges, flagged along the whole
        // stretch (see `flag_row`), then counted on the grid.
        let mut count = |from: usize, to: usize| {
            if from >= to {
                return;
            }
            crate::frame::flag_row(&frame.luma, w, y, (from, to), &mut flags, |gx, gy| {
                u8::from(gx * gx + gy * gy > 24.0 * 24.0)
            });
            n += (to - from).div_ceil(2);
            edges += flags[from..to]
                .iter()
                .step_by(2)
                .map(|&f| usize::from(f))
                .sum::<usize>();
        };
        let end = w.saturating_sub(2);
        if lo >= hi {
            count(2, end);
            continue;
        }
        count(2, lo.min(end));
        // The next even column at or after `hi`, on the same grid as the others.
        count(hi.max(2).next_multiple_of(2), end);
    }
    let share = if n == 0 { 0.0 } else { edges as f32 / n as f32 };
    let status = if share >= cfg.background_warn {
        Status::Warn
    } else {
        Status::Pass
    };
    let message = if status == Status::Pass {
        Text::new("The background is plain.", "背景简洁。")
    } else {
        Text::new(
            "The surface around the document is busy. Lay the document on a plain, dark surface so its edges stand out.",
            "证件周围的背景太杂乱。请把证件放在纯色的深色表面上，让边缘清楚。",
        )
    };
    Check {
        id: "background",
        status,
        value: Some(share),
        threshold: cfg.background_warn,
        bound: Bound::Max,
        reason: if status == Status::Pass { "" } else { "busy" },
        region: None,
        boxes: Vec::new(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Kind;

    fn found(corners: [[f32; 2]; 4]) -> Found {
        Found {
            corners,
            outside: corners.map(|p| p[0] < 0.0 || p[1] < 0.0 || p[0] > 1000.0 || p[1] > 800.0),
            confidence: 1.0,
            kind: Kind::IdCard,
            aspect: 1.586,
        }
    }

    const CARD: [[f32; 2]; 4] = [
        [200.0, 200.0],
        [800.0, 200.0],
        [800.0, 578.0],
        [200.0, 578.0],
    ];

    #[test]
    fn corners_in_view_pass_and_cut_ones_are_named() {
        let cfg = FramingConfig::default();
        assert_eq!(
            framing(Some(&found(CARD)), 1000.0, 800.0, &cfg).status,
            Status::Pass
        );
        let cut = found([
            [500.0, 200.0],
            [1100.0, 200.0],
            [1100.0, 578.0],
            [500.0, 578.0],
        ]);
        let c = framing(Some(&cut), 1000.0, 800.0, &cfg);
        assert_eq!(
            (c.status, c.value, c.reason),
            (Status::Fail, Some(2.0), "corner_cut")
        );
        assert!(
            c.message.en.contains("top-right and bottom-right corners"),
            "{}",
            c.message.en
        );
        assert!(c.message.zh.contains("右上角和右下角"), "{}", c.message.zh);
        // A box marks each cut corner, inside the photo.
        assert_eq!(c.boxes.len(), 2);
        assert!(c
            .boxes
            .iter()
            .all(|b| b.x >= 0.0 && b.x + b.w <= 1000.0 && b.y >= 0.0 && b.y + b.h <= 800.0));
    }

    #[test]
    fn a_document_that_fills_the_photo_is_a_scan_not_a_cut() {
        let scan = found([[0.0, 0.0], [999.0, 0.0], [999.0, 799.0], [0.0, 799.0]]);
        assert_eq!(
            framing(Some(&scan), 1000.0, 800.0, &FramingConfig::default()).status,
            Status::Pass
        );
    }

    #[test]
    fn size_tilt_and_not_found() {
        let cfg = FramingConfig::default();
        let s = size(Some(&found(CARD)), 1000.0, 800.0, &cfg);
        assert!((s.value.expect("share") - 600.0 * 378.0 / 800_000.0).abs() < 1e-4);
        assert_eq!(s.status, Status::Pass);
        let small = found([
            [480.0, 380.0],
            [580.0, 380.0],
            [580.0, 443.0],
            [480.0, 443.0],
        ]);
        assert_eq!(size(Some(&small), 1000.0, 800.0, &cfg).status, Status::Fail);
        let t = tilt(Some(&found(CARD)), 1000.0, 800.0, 1.2, &cfg);
        assert!(t.value.expect("angle") < 1.0 && t.status == Status::Pass);
        for c in [
            framing(None, 1.0, 1.0, &cfg),
            size(None, 1.0, 1.0, &cfg),
            tilt(None, 1.0, 1.0, 1.2, &cfg),
        ] {
            assert_eq!((c.status, c.reason), (Status::Warn, "not_found"));
        }
    }
}
