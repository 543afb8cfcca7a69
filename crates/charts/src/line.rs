//! Lines over dates or numbers, with optional uncertainty bands.

use crate::style::{LegendSample, line_style, marker};
use crate::svg::{INFALLIBLE, chart_id, empty, finish, font, range, with_hover, xy_frame};
use crate::{Axis, Locale, Size, ValueFormat};
use plotters::prelude::*;

/// One point of a band: x, low, high.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    pub x: f64,
    pub low: f64,
    pub high: f64,
}

/// A named line: `(x, y)` points in x order, and an optional band (for
/// instance a bootstrap interval) drawn as a light area under the line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineSeries {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub band: Vec<BandPoint>,
}

impl LineSeries {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        LineSeries {
            name: name.into(),
            points,
            band: Vec::new(),
        }
    }

    pub fn with_band(mut self, band: Vec<BandPoint>) -> Self {
        self.band = band;
        self
    }
}

/// Several lines on shared axes. For dates, give x as
/// [`crate::day_number`] and the x axis [`crate::ValueFormat::Date`] or
/// [`crate::ValueFormat::Month`].
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<LineSeries>,
    /// Start the y axis at zero (counts, shares) rather than at the data's minimum.
    pub y_from_zero: bool,
    pub size: Size,
}

impl LineChart {
    pub fn new(title: impl Into<String>, x: Axis, y: Axis) -> Self {
        LineChart {
            title: title.into(),
            x,
            y,
            series: Vec::new(),
            y_from_zero: true,
            size: Size::default(),
        }
    }

    pub fn series(mut self, s: LineSeries) -> Self {
        self.series.push(s);
        self
    }

    /// The chart as a standalone SVG document.
    pub fn to_svg(&self, locale: Locale) -> String {
        let finite = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
        let xs = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .filter(|p| finite(p))
                .map(|p| p.0)
                .chain(s.band.iter().map(|b| b.x))
        });
        let ys = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .filter(|p| finite(p))
                .map(|p| p.1)
                .chain(s.band.iter().flat_map(|b| [b.low, b.high]))
        });
        let (Some((x0, x1)), Some((y0, y1))) = (range_exact(xs), range(ys, self.y_from_zero))
        else {
            return empty("line", &self.title, self.size, locale);
        };
        let id = chart_id("line", &self.title);
        let mut buf = String::new();
        let plot_px;
        {
            let root = SVGBackend::with_string(&mut buf, (self.size.width, self.size.height))
                .into_drawing_area();
            root.fill(&WHITE).expect(INFALLIBLE);
            let mut chart = xy_frame(
                &root,
                &self.title,
                (&self.x, &self.y),
                (x0, x1),
                (y0, y1),
                locale,
            );

            // Bands first, so every line stays on top of every band.
            for (i, s) in self.series.iter().enumerate() {
                let band: Vec<&BandPoint> = s
                    .band
                    .iter()
                    .filter(|b| b.x.is_finite() && b.low.is_finite() && b.high.is_finite())
                    .collect();
                if band.len() < 2 {
                    continue;
                }
                let st = line_style(i);
                let outline: Vec<(f64, f64)> = band
                    .iter()
                    .map(|b| (b.x, b.high))
                    .chain(band.iter().rev().map(|b| (b.x, b.low)))
                    .collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        outline,
                        st.colour.mix(0.16).filled(),
                    )))
                    .expect(INFALLIBLE);
            }
            for (i, s) in self.series.iter().enumerate() {
                let st = line_style(i);
                let pts: Vec<(f64, f64)> = s.points.iter().copied().filter(finite).collect();
                let line = ShapeStyle::from(st.colour).stroke_width(2);
                let drawn = match st.dash {
                    None => chart.draw_series(LineSeries_::new(pts.clone(), line)),
                    Some((dash, gap)) => {
                        chart.draw_series(DashedLineSeries::new(pts.clone(), dash, gap, line))
                    }
                }
                .expect(INFALLIBLE);
                drawn
                    .label(&s.name)
                    .legend(move |c| LegendSample { at: c, style: st });
                // A marker every few points: enough to tell the series apart
                // in greyscale without hiding the line.
                let every = pts.len().div_ceil(12).max(1);
                chart
                    .draw_series(
                        pts.iter()
                            .step_by(every)
                            .map(|&p| marker(st.marker, p, st.colour)),
                    )
                    .expect(INFALLIBLE);
            }
            if self.series.iter().any(|s| !s.name.is_empty()) {
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::UpperLeft)
                    .background_style(WHITE.mix(0.9))
                    .border_style(RGBColor(0x80, 0x80, 0x80))
                    .label_font(font(12))
                    .legend_area_size(34)
                    .draw()
                    .expect(INFALLIBLE);
            }
            let (px0, _) = chart.backend_coord(&(x0, y0));
            let (px1, _) = chart.backend_coord(&(x1, y1));
            plot_px = (px0, px1);
            root.present().expect(INFALLIBLE);
        }
        with_hover(
            finish(buf, &id, &self.title, false),
            &self.hover((x0, x1), plot_px, locale),
        )
    }

    /// The values at each x, formatted, for a dashboard's pointer, and
    /// where the plot lies (`px0`..`px1` in SVG units for `x0`..`x1`), for
    /// zooming. `dates`: x values are days since 1970-01-01.
    fn hover(
        &self,
        (x0, x1): (f64, f64),
        (px0, px1): (i32, i32),
        locale: Locale,
    ) -> serde_json::Value {
        let mut xs: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .filter(|x| x.is_finite())
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let at = |s: &LineSeries, x: f64| {
            s.points
                .iter()
                .find(|p| p.0 == x && p.1.is_finite())
                .map(|p| locale.format(p.1, &self.y.format))
        };
        serde_json::json!({
            "x0": x0, "x1": x1, "px0": px0, "px1": px1,
            "dates": matches!(self.x.format, ValueFormat::Date | ValueFormat::Month),
            "series": self.series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            "points": xs.iter().map(|&x| serde_json::json!([
                x,
                locale.format(x, &self.x.format),
                self.series.iter().map(|s| at(s, x)).collect::<Vec<_>>(),
            ])).collect::<Vec<_>>(),
        })
    }
}

// plotters' LineSeries, renamed so it does not clash with ours.
use plotters::series::LineSeries as LineSeries_;

/// The data's x range, widened only when flat.
fn range_exact(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    if hi - lo < 1e-9 {
        return Some((lo - 1.0, hi + 1.0));
    }
    Some((lo, hi))
}
