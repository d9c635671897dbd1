//! `cargo xtask eval DIR`: runs the checks over labelled photos and prints, per factor, how many clear
//! failures were caught on the right check and how many clean photos were wrongly told to retake.
//!
//! DIR is either a folder with `labels.jsonl` (the layout of shared/data/synthetic-dev) or a folder
//! holding `synthetic-dev/` and `specimens/` (shared/data itself), whose flat specimens named `100_*`
//! count as clean photos too, whose real photos with labelled corners (`photos/corners.jsonl`) test the
//! finder, and whose `backgrounds/` are photos with no document, where it must find none. `--csv FILE`
//! also writes every measurement, for choosing thresholds. Last, it times the check of every photo
//! with all its document's corners in frame, with the true corners given and searched for: what the
//! finder costs on photos like a user's, where the bench's one card is an easy one.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use id_photo_check::check::CHECK_IDS as IDS;
use id_photo_check::decode::{decode_file, Decoded};
use id_photo_check::frame::{Frame, Roi};
use id_photo_check::{
    check, exposure, glare, shadow, sharpness, Options, Report, RgbaView, Status,
};
use serde_json::Value;

/// One photo to judge and what it should get.
struct Case {
    path: PathBuf,
    name: String,
    factor: String,
    level: f64,
    /// True corners (TL, TR, BR, BL) and whether all are in the frame, when labelled.
    corners: Option<([[f64; 2]; 4], bool)>,
    /// The camera's focal length as a multiple of the photo's longer side, where it is known.
    focal: Option<f32>,
    /// The size the photo is stretched to before the check, if any.
    fit: Option<(u32, u32)>,
}

impl Case {
    /// The options its photo is checked with: the camera's focal length where it is known.
    fn options(&self) -> Options {
        let mut opts = Options::default();
        if let Some(f) = self.focal {
            opts.config.find.focal = f;
        }
        opts
    }
}

/// The focal length synthetic-dev's photos were rendered with, as a multiple of their longer side
/// (`project_quad` in shared/tools/make_synthetic.py: 1.2 times the width). The checker assumes a
/// phone's main camera, 0.75, unless told; told this one, it measures their tilt as they were
/// rendered, as a site that read the camera's focal length from the photo would.
const SYNTHETIC_FOCAL: f32 = 1.2;

/// What a case is evidence of.
fn expectation(factor: &str, level: f64) -> Option<(&'static str, &'static str)> {
    // (group, check id that must fail) for the clear failures named in the core issue.
    match factor {
        "gauss_sigma" if level >= 2.5 => Some(("gauss_sigma >= 2.5", "blur")),
        "motion_len" if level >= 11.0 => Some(("motion_len >= 11", "blur")),
        "ev" if level <= -2.0 => Some(("ev <= -2", "exposure")),
        "ev" if level >= 2.0 => Some(("ev >= +2", "exposure")),
        "glare_peak" if level >= 400.0 => Some(("glare_peak >= 400", "glare")),
        "cut_corners" if level >= 1.0 => Some(("cut_corners 1 and 2", "framing")),
        "scale" if level <= 0.15 => Some(("scale 0.15", "size")),
        "tilt_deg" if level >= 40.0 => Some(("tilt_deg >= 40", "tilt")),
        _ => None,
    }
}

fn is_clean(factor: &str, level: f64) -> bool {
    factor == "specimen"
        || (factor != "scale" && factor != "real" && factor != EMPTY && level == 0.0)
}

/// The factor of the photos with no document: the backgrounds the synthetic photos were made on
/// (backgrounds/), as a camera pointed at the desk before the card is on it sees them.
const EMPTY: &str = "empty";

/// The size of synthetic-dev's photos, whose backgrounds are stretched to it
/// (`fit_background` in shared/tools/make_synthetic.py).
const SYNTHETIC_SIZE: (u32, u32) = (1280, 960);

/// The backgrounds, photos with no document in them: each as it is, and stretched as synthetic-dev's
/// photos were made of it (the same photo without the document).
fn empty_photos(data: &Path) -> Vec<Case> {
    let images = |n: &str| n.ends_with(".jpg") || n.ends_with(".png");
    file_names(&data.join("backgrounds"), images)
        .unwrap_or_default()
        .into_iter()
        .flat_map(|n| {
            [None, Some(SYNTHETIC_SIZE)].map(|fit| Case {
                path: data.join("backgrounds").join(&n),
                name: match fit {
                    None => format!("backgrounds/{n}"),
                    Some((w, h)) => format!("backgrounds/{n} at {w}x{h}"),
                },
                factor: EMPTY.into(),
                level: 0.0,
                corners: None,
                focal: Some(SYNTHETIC_FOCAL).filter(|_| fit.is_some()),
                fit,
            })
        })
        .collect()
}

/// The names of the files in `dir` that `keep` accepts, sorted.
fn file_names(dir: &Path, keep: impl Fn(&str) -> bool) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| keep(n))
        .collect();
    names.sort();
    Ok(names)
}

fn corners_of(v: &Value) -> Option<[[f64; 2]; 4]> {
    let c = v["corners"].as_array()?;
    let p =
        |i: usize| -> Option<[f64; 2]> { Some([c.get(i)?[0].as_f64()?, c.get(i)?[1].as_f64()?]) };
    Some([p(0)?, p(1)?, p(2)?, p(3)?])
}

/// The largest corner error over the document's diagonal, for the best cyclic matching of the corners.
fn corner_error(found: &[[f32; 2]; 4], truth: &[[f64; 2]; 4]) -> f64 {
    let diag = ((truth[0][0] - truth[2][0]).hypot(truth[0][1] - truth[2][1]))
        .max((truth[1][0] - truth[3][0]).hypot(truth[1][1] - truth[3][1]));
    (0..4)
        .map(|shift| {
            (0..4)
                .map(|i| {
                    (f64::from(found[(i + shift) % 4][0]) - truth[i][0])
                        .hypot(f64::from(found[(i + shift) % 4][1]) - truth[i][1])
                })
                .fold(0.0, f64::max)
        })
        .fold(f64::INFINITY, f64::min)
        / diag
}

/// Real photos with labelled corners (photos/corners.jsonl).
fn real_photos(data: &Path) -> Vec<Case> {
    let Ok(text) = std::fs::read_to_string(data.join("photos/corners.jsonl")) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            let path = v["path"].as_str()?;
            Some(Case {
                path: data.join(path),
                name: path.to_string(),
                factor: "real".into(),
                level: 0.0,
                corners: Some((
                    corners_of(&v)?,
                    v["all_corners_in_frame"].as_bool().unwrap_or(false),
                )),
                focal: None,
                fit: None,
            })
        })
        .collect()
}

fn load_cases(dir: &Path) -> Result<Vec<Case>, String> {
    let (labels_dir, specimens) = if dir.join("labels.jsonl").exists() {
        (dir.to_path_buf(), None)
    } else if dir.join("synthetic-dev/labels.jsonl").exists() {
        (dir.join("synthetic-dev"), Some(dir.join("specimens")))
    } else {
        return Err(format!(
            "{}: no labels.jsonl, nor synthetic-dev/labels.jsonl",
            dir.display()
        ));
    };
    let text =
        std::fs::read_to_string(labels_dir.join("labels.jsonl")).map_err(|e| e.to_string())?;
    let mut cases = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let file = v["file"].as_str().ok_or("label without file")?;
        cases.push(Case {
            path: labels_dir.join(file),
            name: file.to_string(),
            factor: v["factor"].as_str().unwrap_or("?").to_string(),
            level: v["level"].as_f64().unwrap_or(f64::NAN),
            corners: corners_of(&v)
                .map(|c| (c, v["all_corners_in_frame"].as_bool().unwrap_or(false))),
            focal: Some(SYNTHETIC_FOCAL),
            fit: None,
        });
    }
    if let Some(sp) = specimens {
        let names = file_names(&sp, |n| n.starts_with("100_")).map_err(|e| e.to_string())?;
        cases.extend(real_photos(dir));
        cases.extend(empty_photos(dir));
        for n in names {
            cases.push(Case {
                path: sp.join(&n),
                name: format!("specimens/{n}"),
                factor: "specimen".into(),
                level: 0.0,
                corners: None,
                focal: None,
                fit: None,
            });
        }
    }
    Ok(cases)
}

/// Extra measurements for the CSV.
fn details(view: &RgbaView, report: &Report) -> String {
    let frame = Frame::new(view);
    // The region the checks judged: the document found, else the central part.
    let roi = match &report.document {
        Some(d) => {
            let s = frame.scale as f32;
            Roi::quad(frame.w, frame.h, d.corners.map(|p| [p[0] / s, p[1] / s]))
        }
        None => Roi::central(frame.w, frame.h, id_photo_check::check::CENTRAL_FRACTION),
    };
    let mut s = String::new();
    for p in [0.1, 0.25, 0.5] {
        let m = sharpness::measure(&frame, &roi, p);
        for w in m.widths {
            let _ = write!(s, ",{}", w.map_or("".into(), |w| format!("{w:.2}")));
        }
    }
    let st = exposure::stats(&frame, &roi);
    let _ = write!(
        s,
        ",{:.1},{:.0},{:.0},{:.0},{:.3},{:.3}",
        st.mean, st.p[0], st.p[2], st.p[4], st.white, st.black
    );
    let cfg = glare::GlareConfig::default();
    let area = roi.area() as f32;
    let blobs = glare::blobs(&frame, &roi, &cfg);
    let big = blobs
        .iter()
        .filter(|b| b.area >= area * 0.0015)
        .max_by(|a, b| a.area.total_cmp(&b.area));
    let _ = write!(
        s,
        ",{:.4},{:.0}",
        big.map_or(0.0, |b| b.area / area),
        big.map_or(0.0, |b| b.halo)
    );
    let best_halo = blobs
        .iter()
        .filter(|b| b.area >= area * 0.0015)
        .map(|b| b.halo)
        .fold(0.0, f32::max);
    let core = blobs.iter().map(|b| b.core).fold(0.0, f32::max);
    let _ = write!(s, ",{best_halo:.0},{core:.0}");
    let sh = shadow::measure(&frame, &roi, 0.2).map_or(f32::NAN, |m| m.0);
    let _ = write!(s, ",{sh:.3}");
    s
}

/// The decoded photo `d` stretched to `fit`, if given.
fn fitted(d: Decoded, fit: Option<(u32, u32)>) -> Decoded {
    let Some((w, h)) = fit else {
        return d;
    };
    let Some(img) = image::RgbaImage::from_raw(d.width, d.height, d.rgba) else {
        return Decoded {
            rgba: Vec::new(),
            width: 0,
            height: 0,
        };
    };
    let out = image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle);
    Decoded {
        rgba: out.into_raw(),
        width: w,
        height: h,
    }
}

/// Runs the evaluation; returns the table as Markdown.
pub fn run(dir: &Path, csv: Option<&Path>) -> Result<String, String> {
    let cases = load_cases(dir)?;
    let n = cases.len();
    let results: Vec<(Report, String)> = {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let slots: Vec<std::sync::Mutex<Option<(Report, String)>>> =
            (0..n).map(|_| std::sync::Mutex::new(None)).collect();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let c = &cases[i];
                    let out = match decode_file(&c.path).map(|d| fitted(d, c.fit)) {
                        Ok(d) => match RgbaView::new(&d.rgba, d.width, d.height) {
                            Ok(v) => {
                                let report = check(&v, &c.options());
                                let extra = if csv.is_some() {
                                    details(&v, &report)
                                } else {
                                    String::new()
                                };
                                (report, extra)
                            }
                            Err(e) => (Report::failed(Some(c.name.clone()), e), String::new()),
                        },
                        Err(e) => (Report::failed(Some(c.name.clone()), e), String::new()),
                    };
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(out);
                    }
                });
            }
        });
        slots
            .into_iter()
            .map(|m| {
                m.into_inner().ok().flatten().unwrap_or_else(|| {
                    (
                        Report::failed(None, id_photo_check::Error::EmptyFile),
                        String::new(),
                    )
                })
            })
            .collect()
    };
    if let Some(csv) = csv {
        let mut out = String::from("file,factor,level,verdict");
        for id in IDS {
            let _ = write!(out, ",{id}_status,{id}_value");
        }
        for p in ["p10", "p25", "p50"] {
            for d in ["h", "d1", "v", "d2"] {
                let _ = write!(out, ",w{p}_{d}");
            }
        }
        out.push_str(",mean,p2,p50,p98,white,black,glare_big_share,glare_big_halo,glare_best_halo,glare_core,shadow_drop,in_frame,doc_confidence,doc_kind,corner_error\n");
        for (c, (r, extra)) in cases.iter().zip(&results) {
            let _ = write!(out, "{},{},{},{}", c.name, c.factor, c.level, r.verdict());
            for id in IDS {
                match r.check(id) {
                    Some(k) => {
                        let _ = write!(
                            out,
                            ",{},{}",
                            k.status.as_str(),
                            k.value.map_or(String::new(), |v| format!("{v:.4}"))
                        );
                    }
                    None => out.push_str(",,"),
                }
            }
            // The finder against the labels: found or not, and how far off.
            let (in_frame, err) = match &c.corners {
                Some((truth, inside)) => (
                    inside.to_string(),
                    r.document.as_ref().map_or("none".into(), |d| {
                        format!("{:.4}", corner_error(&d.corners, truth))
                    }),
                ),
                None => (String::new(), String::new()),
            };
            let (conf, kind) = r
                .document
                .as_ref()
                .map_or((String::new(), String::new()), |d| {
                    (format!("{:.3}", d.confidence), d.kind.to_string())
                });
            let _ = writeln!(out, "{extra},{in_frame},{conf},{kind},{err}");
        }
        std::fs::write(csv, out).map_err(|e| e.to_string())?;
    }
    let mut out = table(&cases, &results);
    out.push_str(&finder_time(&cases));
    Ok(out)
}

/// Runs of each check per photo in [`finder_time`], alternated; their median is taken.
const TIMED_RUNS: usize = 3;

/// The finder's time on the synthetic photos with all corners in frame, natively on one thread: each photo's
/// check with its true corners given (no finder) and searched for, the median of [`TIMED_RUNS`] each,
/// alternated. A table of the totals over the photos and the photos' shares at three percentiles.
fn finder_time(cases: &[Case]) -> String {
    let median = |v: Vec<f64>| crate::bench::stats(v).0;
    let mut timed: Vec<(f64, f64)> = Vec::new();
    // Each photo is decoded again here rather than kept from the checks above: those ran on every
    // core, which would time each other, and holding every photo decoded would take a gigabyte.
    for c in cases {
        let Some((truth, true)) = c.corners.as_ref().filter(|_| c.factor != "real") else {
            continue;
        };
        let Ok(d) = decode_file(&c.path).map(|d| fitted(d, c.fit)) else {
            continue;
        };
        let Ok(view) = RgbaView::new(&d.rgba, d.width, d.height) else {
            continue;
        };
        let searched = c.options();
        let given = Options {
            document: Some(truth.map(|p| p.map(|v| v as f32))),
            ..searched.clone()
        };
        let (mut g, mut s) = (Vec::new(), Vec::new());
        for _ in 0..TIMED_RUNS {
            for (opts, times) in [(&given, &mut g), (&searched, &mut s)] {
                let t = std::time::Instant::now();
                std::hint::black_box(check(&view, opts));
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        timed.push((median(g), median(s)));
    }
    if timed.is_empty() {
        return String::new();
    }
    let (given, searched) = timed
        .iter()
        .fold((0.0, 0.0), |(a, b), (g, s)| (a + g, b + s));
    let n = timed.len() as f64;
    let mut shares: Vec<f64> = timed.iter().map(|(g, s)| s / g - 1.0).collect();
    shares.sort_by(f64::total_cmp);
    let at = |q: f64| 100.0 * shares[((shares.len() - 1) as f64 * q).round() as usize];
    let mut out = format!(
        "\n| the finder's time (natively, one thread, median of {TIMED_RUNS} per photo) | photos | corners given | searched | finder's share |\n|---|---:|---:|---:|---:|\n",
    );
    let _ = writeln!(
        out,
        "| synthetic, all corners in frame: the mean photo | {} | {:.2} ms | {:.2} ms | {:+.0}% |",
        timed.len(),
        given / n,
        searched / n,
        100.0 * (searched / given - 1.0)
    );
    let _ = writeln!(
        out,
        "| the photos' shares: median; a quarter above; a tenth above | | | | {:+.0}%; {:+.0}%; {:+.0}% |",
        at(0.5),
        at(0.75),
        at(0.9)
    );
    out
}

fn table(cases: &[Case], results: &[(Report, String)]) -> String {
    let mut groups: Vec<(&'static str, &'static str, usize, usize)> = Vec::new();
    let mut clean: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut errors = 0;
    for (c, (r, _)) in cases.iter().zip(results) {
        if r.error.is_some() {
            errors += 1;
        }
        if let Some((g, id)) = expectation(&c.factor, c.level) {
            let caught = r.check(id).is_some_and(|k| k.status == Status::Fail);
            match groups.iter_mut().find(|x| x.0 == g) {
                Some(x) => {
                    x.2 += 1;
                    x.3 += usize::from(caught);
                }
                None => groups.push((g, id, 1, usize::from(caught))),
            }
        }
        if is_clean(&c.factor, c.level) {
            let key = if c.factor == "specimen" {
                "flat specimens 100_*".to_string()
            } else {
                format!("{} = 0", c.factor)
            };
            let e = clean.entry(key).or_default();
            e.0 += 1;
            e.1 += usize::from(r.verdict() == "retake");
        }
    }
    let mut s = String::from(
        "| clear failure | must fail | photos | caught | rate |\n|---|---|---:|---:|---:|\n",
    );
    let (mut tn, mut tc) = (0, 0);
    for (g, id, n, k) in &groups {
        let _ = writeln!(
            s,
            "| {g} | {id} | {n} | {k} | {:.1}% |",
            100.0 * *k as f64 / *n as f64
        );
        tn += n;
        tc += k;
    }
    let _ = writeln!(
        s,
        "| **all** | | {tn} | {tc} | **{:.1}%** |",
        100.0 * tc as f64 / tn.max(1) as f64
    );
    s.push_str("\n| clean photos | photos | told to retake | rate |\n|---|---:|---:|---:|\n");
    let (mut cn, mut cr) = (0, 0);
    for (k, (n, r)) in &clean {
        let _ = writeln!(
            s,
            "| {k} | {n} | {r} | {:.1}% |",
            100.0 * *r as f64 / *n as f64
        );
        cn += n;
        cr += r;
    }
    let _ = writeln!(
        s,
        "| **all** | {cn} | {cr} | **{:.1}%** |",
        100.0 * cr as f64 / cn.max(1) as f64
    );
    // The document finder against the labelled corners.
    let mut finder: std::collections::BTreeMap<&str, (usize, usize, usize, Vec<f64>)> =
        Default::default();
    for (c, (r, _)) in cases.iter().zip(results) {
        let Some((truth, in_frame)) = c.corners else {
            continue;
        };
        if !in_frame {
            continue;
        }
        let (group, tol) = if c.factor == "real" {
            ("real photos (within 3%)", 0.03)
        } else {
            ("synthetic, all corners in frame (within 2%)", 0.02)
        };
        let e = finder.entry(group).or_default();
        e.0 += 1;
        if let Some(d) = &r.document {
            e.1 += 1;
            let err = corner_error(&d.corners, &truth);
            e.3.push(err);
            e.2 += usize::from(err <= tol);
        }
    }
    s.push_str("\n| document finder | photos | found | located | rate | median error |\n|---|---:|---:|---:|---:|---:|\n");
    // Photos with no document: any outline found there is a false one.
    let empty: Vec<&Report> = cases
        .iter()
        .zip(results)
        .filter(|(c, _)| c.factor == EMPTY)
        .map(|(_, (r, _))| r)
        .collect();
    if !empty.is_empty() {
        let found = empty.iter().filter(|r| r.document.is_some()).count();
        let _ = writeln!(
            s,
            "| backgrounds, no document (none should be found) | {} | {found} | - | - | - |",
            empty.len()
        );
    }
    for (g, (n, found, ok, mut errs)) in finder {
        errs.sort_by(f64::total_cmp);
        let med = errs
            .get(errs.len() / 2)
            .map_or("-".to_string(), |m| format!("{:.2}%", m * 100.0));
        let _ = writeln!(
            s,
            "| {g} | {n} | {found} | {ok} | {:.1}% | {med} |",
            100.0 * ok as f64 / n.max(1) as f64
        );
    }
    // Every level of every sweep: how many photos failed on each check, for the record.
    let mut by_level: std::collections::BTreeMap<(String, String), [usize; 10]> =
        Default::default();
    for (c, (r, _)) in cases.iter().zip(results) {
        let e = by_level
            .entry((c.factor.clone(), format!("{:>6}", c.level)))
            .or_default();
        e[0] += 1;
        for (k, id) in IDS.iter().enumerate() {
            e[k + 1] += usize::from(r.check(id).is_some_and(|x| x.status == Status::Fail));
        }
    }
    s.push_str("\n| factor | level | photos | blur | exposure | glare | shadow | resolution | framing | size | tilt | background |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for ((f, l), e) in &by_level {
        let cols: Vec<String> = e.iter().map(|v| v.to_string()).collect();
        let _ = writeln!(s, "| {f} | {} | {} |", l.trim(), cols.join(" | "));
    }
    if errors > 0 {
        let _ = writeln!(s, "\n{errors} photos could not be read.");
    }
    s
}
