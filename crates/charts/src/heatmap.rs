//! A matrix of values: rows × columns, grey by value, each value printed.

use crate::bar::truncate;
use crate::svg::{INFALLIBLE, chart_id, empty, finish, font};
use crate::{Locale, Size, ValueFormat};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// `values[row][column]`; `NaN` leaves a cell blank (hatched light grey).
/// Darker means larger; the number in each cell is what to read.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub values: Vec<Vec<f64>>,
    pub format: ValueFormat,
    pub row_title: String,
    pub column_title: String,
    pub size: Size,
}

impl Heatmap {
    pub fn new(
        title: impl Into<String>,
        rows: Vec<String>,
        columns: Vec<String>,
        values: Vec<Vec<f64>>,
        format: ValueFormat,
    ) -> Self {
        Heatmap {
            title: title.into(),
            rows,
            columns,
            values,
            format,
            row_title: String::new(),
            column_title: String::new(),
            size: Size::default(),
        }
    }

    /// The chart as a standalone SVG document.
    pub fn to_svg(&self, locale: Locale) -> String {
        let (nr, nc) = (self.rows.len(), self.columns.len());
        let cell = |r: usize, c: usize| {
            self.values
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .filter(|v| v.is_finite())
        };
        let all: Vec<f64> = (0..nr)
            .flat_map(|r| (0..nc).filter_map(move |c| cell(r, c)))
            .collect();
        if all.is_empty() {
            return empty("heatmap", &self.title, self.size, locale);
        }
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let id = chart_id("heatmap", &self.title);
        // Column labels wider than their cell alternate between two lines.
        let cell_px = (f64::from(self.size.width) - 170.0 - 24.0) / nc.max(1) as f64;
        let stagger = self
            .columns
            .iter()
            .any(|c| c.chars().count().min(14) as f64 * 7.0 > cell_px);
        let label_chars = if stagger {
            ((2.0 * cell_px / 7.0).floor() as usize).clamp(4, 14)
        } else {
            14
        };
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, (self.size.width, self.size.height))
                .into_drawing_area();
            root.fill(&WHITE).expect(INFALLIBLE);
            let mut chart = ChartBuilder::on(&root)
                .caption(&self.title, font(18))
                .margin(12)
                .x_label_area_size(if stagger { 64 } else { 48 })
                .y_label_area_size(170)
                .build_cartesian_2d(0f64..nc as f64, 0f64..nr as f64)
                .expect(INFALLIBLE);
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(0)
                .y_labels(0)
                .x_desc(&self.column_title)
                .y_desc(&self.row_title)
                .axis_desc_style(font(13))
                .draw()
                .expect(INFALLIBLE);
            let blank = RGBColor(0xF2, 0xF2, 0xF2);
            for r in 0..nr {
                // First row at the top.
                let y = (nr - 1 - r) as f64;
                for c in 0..nc {
                    let x = c as f64;
                    let (fill, ink, text) = match cell(r, c) {
                        Some(v) => {
                            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                            let g = (235.0 - t * 200.0).round() as u8;
                            let ink = if g < 120 { WHITE } else { BLACK };
                            (RGBColor(g, g, g), ink, locale.format(v, &self.format))
                        }
                        None => (blank, BLACK, "–".to_string()),
                    };
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, y), (x + 1.0, y + 1.0)],
                            fill.filled(),
                        )))
                        .expect(INFALLIBLE);
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, y), (x + 1.0, y + 1.0)],
                            WHITE.stroke_width(2),
                        )))
                        .expect(INFALLIBLE);
                    let at = chart.backend_coord(&(x + 0.5, y + 0.5));
                    let style = font(11)
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    root.draw(&Text::new(text, at, style)).expect(INFALLIBLE);
                }
            }
            for (r, label) in self.rows.iter().enumerate() {
                let at = chart.backend_coord(&(0.0, (nr - r) as f64 - 0.5));
                let style = font(12).pos(Pos::new(HPos::Right, VPos::Center));
                root.draw(&Text::new(truncate(label, 24), (at.0 - 6, at.1), style))
                    .expect(INFALLIBLE);
            }
            for (c, label) in self.columns.iter().enumerate() {
                let at = chart.backend_coord(&(c as f64 + 0.5, 0.0));
                let style = font(12).pos(Pos::new(HPos::Center, VPos::Top));
                let down = if stagger && c % 2 == 1 { 22 } else { 6 };
                root.draw(&Text::new(
                    truncate(label, label_chars),
                    (at.0, at.1 + down),
                    style,
                ))
                .expect(INFALLIBLE);
            }
            root.present().expect(INFALLIBLE);
        }
        finish(buf, &id, &self.title, false)
    }
}
