//! The SVG each chart writes, parsed back: well-formed, user text escaped
//! and present, series told apart without colour.

use crate::*;
use chrono::NaiveDate;

const EVIL: &str = "<script>alert('x')</script> & \"co\"";

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("invalid SVG ({e}):\n{svg}"))
}

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text") || n.has_tag_name("title"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

fn count(doc: &roxmltree::Document, tag: &str) -> usize {
    doc.descendants().filter(|n| n.has_tag_name(tag)).count()
}

fn no_script(doc: &roxmltree::Document) {
    assert_eq!(count(doc, "script"), 0, "user text became markup");
}

fn month(y: i32, m: u32) -> f64 {
    day_number(NaiveDate::from_ymd_opt(y, m, 1).unwrap())
}

fn line_chart() -> LineChart {
    let paid: Vec<(f64, f64)> = (1..=12)
        .map(|m| (month(2025, m), 100.0 * m as f64))
        .collect();
    let organic: Vec<(f64, f64)> = (1..=12)
        .map(|m| (month(2025, m), 1500.5 + 10.0 * m as f64))
        .collect();
    let band = organic
        .iter()
        .map(|&(x, y)| BandPoint {
            x,
            low: y - 50.0,
            high: y + 50.0,
        })
        .collect();
    LineChart::new(
        EVIL,
        Axis::new("Mois", ValueFormat::Month),
        Axis::new("Abonnés", ValueFormat::Number { decimals: 0 }),
    )
    .series(LineSeries::new("payé <paid>", paid))
    .series(LineSeries::new("organique", organic).with_band(band))
}

#[test]
fn line_chart_escapes_user_text_and_names_series() {
    let svg = line_chart().to_svg(Locale::Fr);
    let doc = parse(&svg);
    no_script(&doc);
    let t = texts(&doc);
    assert!(t.iter().any(|s| s == EVIL), "title missing: {t:?}");
    assert!(
        t.iter().any(|s| s == "payé <paid>"),
        "legend missing: {t:?}"
    );
    assert!(t.iter().any(|s| s == "organique"));
    assert!(t.iter().any(|s| s == "Abonnés"));
    // French month labels and grouped thousands on the axes.
    assert!(
        t.iter().any(|s| s.contains("2025")
            && (s.contains("janv.") || s.contains("avr.") || s.contains("juil."))),
        "{t:?}"
    );
    assert!(
        t.iter().any(|s| s.contains('\u{202F}')),
        "no French thousands: {t:?}"
    );
    // The band is one light polygon (the triangle markers are opaque ones).
    let light = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .filter(|n| {
            n.attribute("opacity")
                .and_then(|o| o.parse::<f64>().ok())
                .is_some_and(|o| o < 0.5)
        })
        .count();
    assert_eq!(light, 1);
    assert_eq!(doc.root_element().attribute("role"), Some("img"));
}

#[test]
fn line_charts_carry_their_values_for_the_pointer() {
    let svg = line_chart().to_svg(Locale::Fr);
    let doc = parse(&svg);
    let hover: serde_json::Value = serde_json::from_str(
        doc.root_element()
            .attribute("data-hover")
            .expect("data-hover"),
    )
    .unwrap();
    assert_eq!(hover["dates"], true);
    assert_eq!(hover["series"][0], "payé <paid>");
    let points = hover["points"].as_array().unwrap();
    assert_eq!(points.len(), 12, "one entry per month");
    // March: 300 paid, 1 530,5 organic (with the axis's decimals).
    let march = &points[2];
    assert_eq!(march[0].as_f64(), Some(month(2025, 3)));
    assert_eq!(march[2][0], "300");
    assert!(march[2][1].as_str().unwrap().starts_with("1\u{202F}53"));
    // The plot's pixel span, left to right, inside the image.
    let (px0, px1) = (
        hover["px0"].as_i64().unwrap(),
        hover["px1"].as_i64().unwrap(),
    );
    assert!(0 < px0 && px0 < px1 && px1 < 720, "{px0}..{px1}");
    assert_eq!(hover["x0"].as_f64(), Some(month(2025, 1)));
}

#[test]
fn line_series_differ_without_colour() {
    let svg = line_chart().to_svg(Locale::En);
    let doc = parse(&svg);
    // Series 0 is solid with round markers, series 1 dashed with triangles:
    // a dashed line is many short polylines, a solid one a single long one.
    let polylines: Vec<usize> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
        })
        .collect();
    assert!(
        polylines.iter().any(|&n| n >= 12),
        "no solid line: {polylines:?}"
    );
    assert!(
        polylines.iter().filter(|&&n| n == 2).count() > 10,
        "no dashes: {polylines:?}"
    );
    assert!(count(&doc, "circle") >= 12, "round markers missing");
    let t = texts(&doc);
    assert!(
        t.iter().any(|s| s.contains("Jan") || s.contains("Apr")),
        "{t:?}"
    );
    assert!(
        t.iter()
            .any(|s| s.contains(',') && s.chars().all(|c| c.is_ascii_digit() || c == ',')),
        "no English thousands: {t:?}"
    );
}

#[test]
fn bars_are_hatched_per_series_and_labelled() {
    let chart = BarChart::new(
        "Part suspecte",
        vec![
            "Campagne <A>".into(),
            "Organique".into(),
            "un nom de catégorie beaucoup trop long".into(),
        ],
        Axis::new("part", ValueFormat::Percent { decimals: 1 }),
    )
    .series(BarSeries::new("likes", vec![0.125, 0.02, 0.5]))
    .series(BarSeries::new("reposts", vec![0.25, f64::NAN, 0.1]));
    for horizontal in [false, true] {
        let c = if horizontal {
            chart.clone().horizontal()
        } else {
            chart.clone()
        };
        let svg = c.to_svg(Locale::Fr);
        let doc = parse(&svg);
        no_script(&doc);
        let fills: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter_map(|n| n.attribute("fill"))
            .collect();
        let hatch = |k: usize| {
            fills
                .iter()
                .filter(|f| f.starts_with("url(#") && f.ends_with(&format!("-hatch-{k})")))
                .count()
        };
        // 3 + 2 bars (one NaN) plus one legend swatch each.
        assert_eq!(hatch(0), 4, "{fills:?}");
        assert_eq!(hatch(1), 3, "{fills:?}");
        assert_eq!(count(&doc, "pattern"), 6);
        // Every referenced pattern is defined.
        for f in fills.iter().filter(|f| f.starts_with("url(#")) {
            let id = &f[5..f.len() - 1];
            assert!(
                doc.descendants().any(|n| n.attribute("id") == Some(id)),
                "{id} undefined"
            );
        }
        let t = texts(&doc);
        assert!(t.iter().any(|s| s == "Campagne <A>"), "{t:?}");
        assert!(t.iter().any(|s| s == "12,5\u{A0}%"), "value label: {t:?}");
        assert!(
            t.iter().any(|s| s.ends_with('…')),
            "long label not cut: {t:?}"
        );
    }
}

#[test]
fn heatmap_prints_every_cell() {
    let h = Heatmap::new(
        "Écarts",
        vec!["vélo".into(), "<b>cuisine</b>".into()],
        vec!["r/france".into(), "forum".into(), "blog".into()],
        vec![vec![1.0, 2.5, f64::NAN], vec![1234.0, 0.0, -3.0]],
        ValueFormat::Number { decimals: 1 },
    );
    let svg = h.to_svg(Locale::En);
    let doc = parse(&svg);
    no_script(&doc);
    let t = texts(&doc);
    for want in [
        "1.0",
        "2.5",
        "–",
        "1,234.0",
        "0.0",
        "−3.0",
        "<b>cuisine</b>",
        "r/france",
        "blog",
    ] {
        assert!(t.iter().any(|s| s == want), "{want} missing: {t:?}");
    }
    assert_eq!(count(&doc, "b"), 0);
}

#[test]
fn scatter_draws_one_marker_per_point() {
    let s = ScatterChart::new(
        "Engagement / cadence",
        Axis::new("posts per week", ValueFormat::Number { decimals: 0 }),
        Axis::new("engagement per post", ValueFormat::Number { decimals: 1 }),
    )
    .series(ScatterSeries::new(
        "weeks",
        vec![(1.0, 10.0), (3.0, 8.0), (7.0, 4.5), (f64::NAN, 1.0)],
    ))
    .series(ScatterSeries::new("other", vec![(2.0, 9.0)]));
    let svg = s.to_svg(Locale::En);
    let doc = parse(&svg);
    // Three finite round markers plus the legend's.
    assert_eq!(count(&doc, "circle"), 4);
    let t = texts(&doc);
    assert!(t.iter().any(|s| s == "weeks") && t.iter().any(|s| s == "other"));
}

#[test]
fn empty_charts_say_so() {
    let c = LineChart::new(
        "Rien",
        Axis::new("x", ValueFormat::Date),
        Axis::new("y", ValueFormat::Number { decimals: 0 }),
    );
    let t = texts(&parse(&c.to_svg(Locale::Fr)));
    assert!(
        t.iter().any(|s| s == "pas de données pour cette période"),
        "{t:?}"
    );
    let b = BarChart::new(
        "Nothing",
        vec![],
        Axis::new("v", ValueFormat::Number { decimals: 0 }),
    );
    let t = texts(&parse(&b.to_svg(Locale::En)));
    assert!(t.iter().any(|s| s == "no data for this period"), "{t:?}");
}

#[test]
fn same_input_same_output() {
    assert_eq!(
        line_chart().to_svg(Locale::Fr),
        line_chart().to_svg(Locale::Fr)
    );
}
