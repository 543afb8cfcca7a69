//! Points per series, told apart by marker shape.

use crate::style::{line_style, marker};
use crate::svg::{INFALLIBLE, chart_id, empty, finish, font, range, xy_frame};
use crate::{Axis, Locale, Size};
use plotters::prelude::*;

/// A named set of `(x, y)` points.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterSeries {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

impl ScatterSeries {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        ScatterSeries {
            name: name.into(),
            points,
        }
    }
}

/// Points on numeric axes, both starting at zero when the data is positive.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterChart {
    pub title: String,
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<ScatterSeries>,
    pub size: Size,
}

impl ScatterChart {
    pub fn new(title: impl Into<String>, x: Axis, y: Axis) -> Self {
        ScatterChart {
            title: title.into(),
            x,
            y,
            series: Vec::new(),
            size: Size::default(),
        }
    }

    pub fn series(mut self, s: ScatterSeries) -> Self {
        self.series.push(s);
        self
    }

    /// The chart as a standalone SVG document.
    pub fn to_svg(&self, locale: Locale) -> String {
        let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
        let pts = || {
            self.series
                .iter()
                .flat_map(|s| s.points.iter().filter(finite))
        };
        let (Some((x0, x1)), Some((y0, y1))) = (
            range(pts().map(|p| p.0), true),
            range(pts().map(|p| p.1), true),
        ) else {
            return empty("scatter", &self.title, self.size, locale);
        };
        let id = chart_id("scatter", &self.title);
        let mut buf = String::new();
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
            for (i, s) in self.series.iter().enumerate() {
                let st = line_style(i);
                let drawn = chart
                    .draw_series(
                        s.points
                            .iter()
                            .filter(finite)
                            .map(|&p| marker(st.marker, p, st.colour)),
                    )
                    .expect(INFALLIBLE);
                drawn
                    .label(&s.name)
                    .legend(move |c| marker(st.marker, (c.0 + 8, c.1), st.colour));
            }
            if self.series.iter().any(|s| !s.name.is_empty()) {
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::UpperRight)
                    .background_style(WHITE.mix(0.9))
                    .border_style(RGBColor(0x80, 0x80, 0x80))
                    .label_font(font(12))
                    .draw()
                    .expect(INFALLIBLE);
            }
            root.present().expect(INFALLIBLE);
        }
        finish(buf, &id, &self.title, false)
    }
}
