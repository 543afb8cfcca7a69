//! Grouped bars, vertical or horizontal, hatched per series.

use crate::style::hatch_sentinel;
use crate::svg::{INFALLIBLE, chart_id, empty, finish, font, range};
use crate::{Axis, Locale, Size};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One series of bars: a value per category (`NaN` = no bar).
#[derive(Debug, Clone, PartialEq)]
pub struct BarSeries {
    pub name: String,
    pub values: Vec<f64>,
}

impl BarSeries {
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Self {
        BarSeries {
            name: name.into(),
            values,
        }
    }
}

/// Bars grouped by category, one bar per series in each group. Each bar's
/// value is printed at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<BarSeries>,
    /// The axis of the values (its title and format).
    pub value_axis: Axis,
    /// The title of the category axis (may be empty).
    pub category_title: String,
    /// Bars grow rightwards with categories listed top to bottom (long
    /// labels such as account names read better this way).
    pub horizontal: bool,
    pub size: Size,
}

impl BarChart {
    pub fn new(title: impl Into<String>, categories: Vec<String>, value_axis: Axis) -> Self {
        BarChart {
            title: title.into(),
            categories,
            series: Vec::new(),
            value_axis,
            category_title: String::new(),
            horizontal: false,
            size: Size::default(),
        }
    }

    pub fn series(mut self, s: BarSeries) -> Self {
        self.series.push(s);
        self
    }

    pub fn horizontal(mut self) -> Self {
        self.horizontal = true;
        self
    }

    /// The chart as a standalone SVG document.
    pub fn to_svg(&self, locale: Locale) -> String {
        let n = self.categories.len();
        let values = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().take(n).copied());
        let Some((v0, v1)) = range(values, true).filter(|_| n > 0 && !self.series.is_empty())
        else {
            return empty("bar", &self.title, self.size, locale);
        };
        let id = chart_id("bar", &self.title);
        let m = self.series.len();
        let label_chars = if self.horizontal { 30 } else { 16 };
        let labels: Vec<String> = self
            .categories
            .iter()
            .map(|c| truncate(c, label_chars))
            .collect();
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, (self.size.width, self.size.height))
                .into_drawing_area();
            root.fill(&WHITE).expect(INFALLIBLE);
            let cats = 0f64..n as f64;
            let vals = v0..v1;
            let vfmt = |v: &f64| locale.format(*v, &self.value_axis.format);
            let (left, bottom) = if self.horizontal { (200, 44) } else { (78, 56) };
            let mut builder = ChartBuilder::on(&root);
            builder
                .caption(&self.title, font(18))
                .margin(12)
                .x_label_area_size(bottom)
                .y_label_area_size(left);
            // Category labels are drawn by hand at the groups' centres.
            let value_label =
                |chart_coord: (i32, i32), text: String, root: &DrawingArea<SVGBackend, _>| {
                    let style = font(10).pos(if self.horizontal {
                        Pos::new(HPos::Left, VPos::Center)
                    } else {
                        Pos::new(HPos::Center, VPos::Bottom)
                    });
                    let at = if self.horizontal {
                        (chart_coord.0 + 3, chart_coord.1)
                    } else {
                        (chart_coord.0, chart_coord.1 - 2)
                    };
                    root.draw(&Text::new(text, at, style)).expect(INFALLIBLE);
                };
            let group = 0.8;
            let width = group / m as f64;
            if self.horizontal {
                let mut chart = builder.build_cartesian_2d(vals, cats).expect(INFALLIBLE);
                chart
                    .configure_mesh()
                    .disable_y_mesh()
                    .y_labels(0)
                    .x_labels(6)
                    .x_label_formatter(&vfmt)
                    .x_desc(&self.value_axis.title)
                    .y_desc(&self.category_title)
                    .label_style(font(12))
                    .axis_desc_style(font(13))
                    .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
                    .bold_line_style(RGBColor(0xD0, 0xD0, 0xD0))
                    .draw()
                    .expect(INFALLIBLE);
                let ends = draw_bars(&mut chart, &self.series, n, |i, j, v| {
                    // First category at the top.
                    let top = (n - i) as f64 - (1.0 - group) / 2.0 - j as f64 * width;
                    ([(0.0, top), (v, top - width)], (v, top - width / 2.0))
                });
                for (i, label) in labels.iter().enumerate() {
                    let (x, y) = chart.backend_coord(&(v0, (n - i) as f64 - 0.5));
                    let style = font(12).pos(Pos::new(HPos::Right, VPos::Center));
                    root.draw(&Text::new(label.clone(), (x - 6, y), style))
                        .expect(INFALLIBLE);
                }
                for (at, v) in ends {
                    value_label(chart.backend_coord(&at), vfmt(&v), &root);
                }
                draw_legend(&mut chart, m);
            } else {
                let mut chart = builder.build_cartesian_2d(cats, vals).expect(INFALLIBLE);
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .x_labels(0)
                    .y_labels(6)
                    .y_label_formatter(&vfmt)
                    .x_desc(&self.category_title)
                    .y_desc(&self.value_axis.title)
                    .label_style(font(12))
                    .axis_desc_style(font(13))
                    .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
                    .bold_line_style(RGBColor(0xD0, 0xD0, 0xD0))
                    .draw()
                    .expect(INFALLIBLE);
                let ends = draw_bars(&mut chart, &self.series, n, |i, j, v| {
                    let left = i as f64 + (1.0 - group) / 2.0 + j as f64 * width;
                    ([(left, 0.0), (left + width, v)], (left + width / 2.0, v))
                });
                for (i, label) in labels.iter().enumerate() {
                    let (x, y) = chart.backend_coord(&(i as f64 + 0.5, v0));
                    let style = font(12).pos(Pos::new(HPos::Center, VPos::Top));
                    root.draw(&Text::new(label.clone(), (x, y + 6), style))
                        .expect(INFALLIBLE);
                }
                if m * n <= 24 {
                    for (at, v) in ends {
                        value_label(chart.backend_coord(&at), vfmt(&v), &root);
                    }
                }
                draw_legend(&mut chart, m);
            }
            root.present().expect(INFALLIBLE);
        }
        // More series than HATCHES patterns reuse them in turn.
        finish(buf, &id, &self.title, true)
    }
}

fn draw_legend<'a, X, Y>(chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>, m: usize)
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
{
    if m > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(0x80, 0x80, 0x80))
            .label_font(font(12))
            .draw()
            .expect(INFALLIBLE);
    }
}

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Draws each series' bars, hatched by series and named in the legend;
/// `place(category, series, value)` gives a bar's corners and where its
/// value label goes. Returns the labels' places and values. A zero bar is
/// its label alone (an empty rectangle is invalid SVG for some readers).
fn draw_bars<'a>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    series: &[BarSeries],
    n: usize,
    place: impl Fn(usize, usize, f64) -> ([(f64, f64); 2], (f64, f64)),
) -> Vec<((f64, f64), f64)> {
    let mut ends = Vec::new();
    for (j, s) in series.iter().enumerate() {
        let fill = hatch_sentinel(j).filled();
        let bars: Vec<Rectangle<(f64, f64)>> = s
            .values
            .iter()
            .take(n)
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .filter_map(|(i, &v)| {
                let (corners, end) = place(i, j, v);
                ends.push((end, v));
                (v != 0.0).then(|| Rectangle::new(corners, fill))
            })
            .collect();
        let drawn = chart.draw_series(bars).expect(INFALLIBLE);
        drawn
            .label(&s.name)
            .legend(move |c| Rectangle::new([(c.0, c.1 - 6), (c.0 + 16, c.1 + 6)], fill));
    }
    ends
}
