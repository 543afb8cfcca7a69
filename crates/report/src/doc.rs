//! The report as a list of blocks, written once and rendered twice (HTML
//! and PDF), so both formats always say the same thing.

/// One piece of the report, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A title: level 1 is the document's, 2 a section's.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Bullets(Vec<String>),
    /// The headline figures: a label and its value, side by side.
    KeyFigures(Vec<(String, String)>),
    /// An SVG chart from `levain-charts`, with the sentence that reads it.
    Chart {
        svg: String,
        caption: String,
    },
    Table(Table),
    /// A section whose analysis is not available (yet): what it will show
    /// and what to do to get it.
    NotComputed {
        what: String,
        how: String,
    },
}

/// A table: a header row and rows of already formatted cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Which columns hold numbers (right-aligned).
    pub numeric: Vec<bool>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub lang: levain_charts::Locale,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The label that opens a [`Block::NotComputed`].
pub(crate) fn not_computed_label(l: levain_charts::Locale) -> &'static str {
    match l {
        levain_charts::Locale::Fr => "Pas encore calculé :",
        levain_charts::Locale::En => "Not computed yet:",
    }
}
