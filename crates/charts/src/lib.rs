//! levain's charts: plain data in, a standalone SVG document out.
//!
//! Each chart kind is a struct of plain data (labels, points, axis titles)
//! with a `to_svg(locale)` method returning the SVG as a `String`:
//!
//! - [`LineChart`]: several series over dates or numbers, each with an
//!   optional uncertainty band (audience over time, retention curves,
//!   projection scenarios).
//! - [`BarChart`]: grouped bars, vertical or horizontal (amplifiers,
//!   fake-engagement share, costs).
//! - [`Heatmap`]: a matrix of values with row and column labels (topic ×
//!   venue gap).
//! - [`ScatterChart`]: points per series (engagement per post against posts
//!   per week).
//!
//! Drawing is done by `plotters` with its SVG backend only. That backend
//! writes text as `<text>` elements naming a font family and never opens a
//! font file (plotters' built-in "naive" font only estimates text widths
//! for layout), so rendering needs no system fonts; whoever displays or
//! converts the SVG picks the font (the report embeds DejaVu Sans, named
//! first in [`FONT_FAMILY`]).
//!
//! Charts are meant to survive a black-and-white printer: series differ by
//! dash pattern and marker shape, bars by hatching (SVG `<pattern>`s), the
//! heatmap by grey level with each cell's value printed in it. Colours are
//! an extra, never the only cue.
//!
//! Numbers, money, percentages and dates on axes and in cells are written
//! per [`Locale`] (French: `1 234,56 €` with narrow no-break spaces;
//! English: `€1,234.56`). The same formatting functions serve the report.
//! All user text (titles, series and category names) is XML-escaped.
//!
//! This crate depends on nothing else in levain: it knows no store and no
//! analysis.

mod bar;
mod heatmap;
mod line;
mod locale;
mod scatter;
mod style;
mod svg;

pub use bar::{BarChart, BarSeries};
pub use heatmap::Heatmap;
pub use line::{BandPoint, LineChart, LineSeries};
pub use locale::{Locale, ValueFormat, day_number, from_day_number};
pub use scatter::{ScatterChart, ScatterSeries};

/// The font families charts name, best first. The report embeds DejaVu Sans.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// A chart's size in SVG user units (pixels at 100 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Default for Size {
    fn default() -> Self {
        Size {
            width: 720,
            height: 360,
        }
    }
}

/// An axis: its title and how its values are written.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub title: String,
    pub format: ValueFormat,
}

impl Axis {
    pub fn new(title: impl Into<String>, format: ValueFormat) -> Self {
        Axis {
            title: title.into(),
            format,
        }
    }
}

#[cfg(test)]
mod tests;
