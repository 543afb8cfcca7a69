//! `levain report`: both formats in both languages on a generated
//! community; the PDF's text holds the headline figures recomputed from
//! `levain roi --json` and `levain project --json`, its pages are not blank.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// Formats like a French or English reader expects, written here
/// independently of levain-charts: 1 234,56 € / €1,234.56.
fn number(x: f64, decimals: usize, fr: bool) -> String {
    let fixed = format!("{:.*}", decimals, x.abs());
    let (int, frac) = fixed
        .split_once('.')
        .map_or((fixed.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(if fr { '\u{202F}' } else { ',' });
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push(if fr { ',' } else { '.' });
        out.push_str(f);
    }
    out
}

fn euros(x: f64, fr: bool) -> String {
    if fr {
        format!("{}\u{A0}€", number(x, 2, fr))
    } else {
        format!("€{}", number(x, 2, fr))
    }
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(o.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(o.stdout).expect("UTF-8 text")
}

/// Dark pixels on each page, from `pdftoppm -gray` PGM images.
fn ink_per_page(pdf: &Path, dir: &Path) -> Vec<(std::path::PathBuf, usize)> {
    let prefix = dir.join("page");
    let o = Command::new("pdftoppm")
        .args(["-r", "40", "-gray"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm runs");
    assert!(o.status.success(), "pdftoppm failed");
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    pages
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            // P5 header: magic, width, height, maxval, then one byte a pixel.
            let mut fields = 0;
            let mut i = 0;
            while fields < 4 {
                while bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                while !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                fields += 1;
            }
            let dark = bytes[i + 1..].iter().filter(|&&v| v < 200).count();
            (p, dark)
        })
        .collect()
}

#[test]
fn report_renders_html_and_pdf_in_french_and_english() {
    let dir = tempfile::tempdir().unwrap();
    community_with_own(dir.path(), 4, 500);
    let data = dir.path().join("store");
    for (k, v) in [("hourly_cost", "40"), ("hours_per_week", "5")] {
        let o = levain(&data, &["config", "set", k, v]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // The fake-engagement section needs the detection's verdicts.
    let o = levain(&data, &["fraud"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let roi = json(&data, &["roi", "--json"]);
    let project = json(&data, &["project", "--horizon", "36", "--json"]);
    let sources = roi["sources"].as_array().unwrap();
    let spend: f64 = sources
        .iter()
        .filter(|s| s["source"].as_str().unwrap().starts_with("campaign:"))
        .map(|s| s["spend"].as_f64().unwrap())
        .sum();
    let organic = sources.iter().find(|s| s["source"] == "organic").unwrap()["followers_acquired"]
        .as_u64()
        .unwrap();
    let now = project["followers_now"].as_u64().unwrap();
    let keep = project["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scenario"] == "keep_paying")
        .unwrap()["months"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["audience"]["value"]
        .as_f64()
        .unwrap();
    assert!(spend > 0.0 && organic > 0 && now > 0);
    // With the fraud verdicts stored, every section is computed.
    assert!(levain(&data, &["fraud"]).status.success());
    let amps = json(&data, &["amplifiers", "--json"]);
    let best = &amps["accounts"][0];
    let best = best["handle"]
        .as_str()
        .or(best["account"].as_str())
        .expect("an amplifier")
        .to_owned();

    let pages_dir = std::env::var_os("LEVAIN_REPORT_PAGES").map(std::path::PathBuf::from);
    let poppler = tool("pdftotext") && tool("pdftoppm");
    if !poppler {
        println!(
            "SKIPPED the PDF text and image checks: poppler-utils (pdftotext, pdftoppm) is not installed"
        );
    }
    for (lang, fr, headline) in [("fr", true, "En bref"), ("en", false, "Executive summary")] {
        // HTML: one page, nothing fetched, the same headline figures.
        let html = dir.path().join(format!("report-{lang}.html"));
        let o = levain(
            &data,
            &["report", "--out", html.to_str().unwrap(), "--lang", lang],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{lang}\">")));
        for bad in [
            "src=\"http",
            "href=\"http",
            "<script",
            "<link",
            "url(http",
            "@import",
        ] {
            assert!(!page.contains(bad), "{lang} HTML has {bad}");
        }
        assert!(page.contains(headline));
        assert!(page.matches("<svg").count() >= 5, "{lang}: charts missing");
        assert!(
            page.contains(&euros(spend, fr)),
            "{lang}: spend {} missing",
            euros(spend, fr)
        );
        assert!(page.contains(&number(organic as f64, 0, fr)));
        // Fake engagement, amplifiers and venue gaps are drawn from their
        // analyses.
        for section in [
            if fr {
                "Vos meilleurs relais"
            } else {
                "Top amplifiers"
            },
            if fr { "Où vous manquez" } else { "Venue gaps" },
        ] {
            assert!(page.contains(section), "{lang}: {section} missing");
        }
        assert!(
            !page.contains(if fr {
                "Pas encore calculé"
            } else {
                "Not computed yet"
            }),
            "{lang}: a section was not computed"
        );
        assert!(
            page.contains(&best),
            "{lang}: best amplifier {best} missing"
        );

        // PDF: real text with the figures, pages with ink on them.
        let pdf = dir.path().join(format!("report-{lang}.pdf"));
        let o = levain(
            &data,
            &["report", "--out", pdf.to_str().unwrap(), "--lang", lang],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        if !poppler {
            continue;
        }
        let text = pdftotext(&pdf);
        assert!(text.contains(headline), "{lang} PDF text: {text}");
        for want in [
            euros(spend, fr),
            number(organic as f64, 0, fr),
            number(now as f64, 0, fr),
            number(keep.round(), 0, fr),
        ] {
            // pdftotext gives no-break spaces back as plain spaces.
            let want = want.replace(['\u{202F}', '\u{A0}'], " ");
            assert!(text.contains(&want), "{lang} PDF lacks {want:?}:\n{text}");
        }
        let img = tempfile::tempdir().unwrap();
        let ink = ink_per_page(&pdf, img.path());
        assert!(ink.len() >= 3, "{lang}: only {} pages", ink.len());
        for (i, (p, dark)) in ink.iter().enumerate() {
            // The last page may hold only the end of the appendix (a line or two).
            let least = if i + 1 == ink.len() { 100 } else { 500 };
            assert!(
                *dark > least,
                "{} is blank ({dark} dark pixels)",
                p.display()
            );
        }
        if let Some(out) = &pages_dir {
            std::fs::create_dir_all(out).unwrap();
            let o = Command::new("pdftoppm")
                .args(["-r", "80", "-png", "-f", "1", "-l", "2"])
                .arg(&pdf)
                .arg(out.join(format!("report-{lang}")))
                .output()
                .unwrap();
            assert!(o.status.success());
        }
    }
}

#[test]
fn report_refuses_unknown_formats_and_languages() {
    let dir = tempfile::tempdir().unwrap();
    community_with_own(dir.path(), 5, 200);
    let data = dir.path().join("store");
    let o = levain(&data, &["report", "--out", "report.docx"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("report.html or report.pdf"),
        "{}",
        stderr(&o)
    );
    let o = levain(&data, &["report", "--out", "r.html", "--lang", "de"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--lang fr"), "{}", stderr(&o));
}
