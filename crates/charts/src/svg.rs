//! What plotters cannot say: a `<title>`, hatch pattern definitions, and
//! the pieces every chart kind shares (ranges, the empty chart).

use crate::style::{HATCHES, hatch_pattern, hatch_sentinel};
use crate::{FONT_FAMILY, Locale, Size};
use plotters::prelude::*;

/// Escapes text for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// A short id for a chart, so several charts' patterns can share one HTML
/// page without clashing: a hash of what the chart shows.
pub(crate) fn chart_id(kind: &str, title: &str) -> String {
    // FNV-1a: stable across runs and platforms.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in kind.bytes().chain(title.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("c{:08x}", h as u32)
}

/// Adds `<title>`, `role="img"` and, if `hatched`, the hatch patterns to
/// plotters' output, and points the sentinel fills at them.
pub(crate) fn finish(mut svg: String, id: &str, title: &str, hatched: bool) -> String {
    let mut head = format!("<title>{}</title>\n", escape(title));
    if hatched {
        head.push_str("<defs>");
        for i in 0..HATCHES {
            head.push_str(&hatch_pattern(id, i));
        }
        head.push_str("</defs>\n");
        for i in 0..HATCHES {
            let RGBColor(r, g, b) = hatch_sentinel(i);
            let sentinel = format!("fill=\"#{r:02X}{g:02X}{b:02X}\"");
            let url =
                format!("fill=\"url(#{id}-hatch-{i})\" stroke=\"#000000\" stroke-width=\"0.6\"");
            svg = svg.replace(&sentinel, &url);
            // plotters writes `stroke="none"` after fill on filled rects; the
            // first stroke attribute wins for parsers, so drop the second.
            svg = svg.replace(&format!("{url} stroke=\"none\""), &url);
        }
    }
    let open_end = svg.find('>').map(|i| i + 1).unwrap_or(0);
    let mut out = String::with_capacity(svg.len() + head.len() + 64);
    out.push_str(&svg[..open_end - 1]);
    out.push_str(&format!(" role=\"img\" id=\"{id}\">\n"));
    out.push_str(&head);
    out.push_str(&svg[open_end..]);
    out
}

/// A finite range covering `values`, widened when flat, from zero when all
/// values are positive and `from_zero`, with 8 % headroom at the top.
pub(crate) fn range(values: impl Iterator<Item = f64>, from_zero: bool) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return None;
    }
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi - lo < 1e-9 {
        let pad = if hi.abs() > 1e-9 { hi.abs() * 0.5 } else { 1.0 };
        return Some((lo - pad, hi + pad));
    }
    let top = if hi > 0.0 { (hi - lo) * 0.08 } else { 0.0 };
    Some((lo, hi + top))
}

/// A chart that has nothing to draw: its title and a sentence saying so.
pub(crate) fn empty(kind: &str, title: &str, size: Size, locale: Locale) -> String {
    let id = chart_id(kind, title);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (size.width, size.height)).into_drawing_area();
        root.fill(&WHITE).expect(INFALLIBLE);
        let msg = match locale {
            Locale::Fr => "pas de données pour cette période",
            Locale::En => "no data for this period",
        };
        let w = size.width as i32;
        let h = size.height as i32;
        let caption = TextStyle::from((FONT_FAMILY, 18).into_font()).pos(
            plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            ),
        );
        root.draw(&Text::new(title.to_string(), (w / 2, 10), caption))
            .expect(INFALLIBLE);
        let note = TextStyle::from((FONT_FAMILY, 15).into_font())
            .color(&RGBColor(0x59, 0x59, 0x59))
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        root.draw(&Text::new(msg.to_string(), (w / 2, h / 2), note))
            .expect(INFALLIBLE);
        root.draw(&Rectangle::new(
            [(1, 1), (w - 1, h - 1)],
            RGBColor(0xBF, 0xBF, 0xBF),
        ))
        .expect(INFALLIBLE);
        root.present().expect(INFALLIBLE);
    }
    finish(buf, &id, title, false)
}

/// Drawing into a `String` cannot fail: plotters' SVG backend only errors
/// on file I/O, and its built-in font only estimates sizes.
pub(crate) const INFALLIBLE: &str = "plotters' SVG backend writing to a String cannot fail";

/// The text style of captions, axis titles and labels.
pub(crate) fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT_FAMILY, size).into_font())
}

/// A chart with two numeric axes over `root`: title, axis titles, six
/// labelled ticks each in the locale's format, a light grid. Line and
/// scatter charts draw their series into it.
pub(crate) fn xy_frame<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    title: &str,
    (x, y): (&crate::Axis, &crate::Axis),
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    locale: Locale,
) -> ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, font(18))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(78)
        .build_cartesian_2d(x0..x1, y0..y1)
        .expect(INFALLIBLE);
    let xfmt = |v: &f64| locale.format(*v, &x.format);
    let yfmt = |v: &f64| locale.format(*v, &y.format);
    chart
        .configure_mesh()
        .x_desc(&x.title)
        .y_desc(&y.title)
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(font(12))
        .axis_desc_style(font(13))
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
        .bold_line_style(RGBColor(0xD0, 0xD0, 0xD0))
        .draw()
        .expect(INFALLIBLE);
    chart
}

/// Adds the data a dashboard needs to show values under the pointer and to
/// zoom on a range (`data-hover`, JSON) to a finished chart's root element.
/// Only attributes: the SVG stays static, with no script.
pub(crate) fn with_hover(svg: String, hover: &serde_json::Value) -> String {
    let Some(at) = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|j| i + j))
    else {
        return svg;
    };
    let attr = format!(" data-hover=\"{}\"", escape(&hover.to_string()));
    let mut out = String::with_capacity(svg.len() + attr.len());
    out.push_str(&svg[..at]);
    out.push_str(&attr);
    out.push_str(&svg[at..]);
    out
}
