//! levain's report for the boss: what the money bought, who stays, what
//! happens next, in French or English, as one HTML file or a PDF.
//!
//! - [`gather`] runs the analyses over a store snapshot into a
//!   [`ReportInput`];
//! - [`build`] turns that into a [`Document`]: a list of blocks (headings,
//!   plain-words summary, headline figures, charts from `levain-charts`,
//!   tables, method appendix), each section a function in `sections`;
//! - [`html::render`] writes a self-contained page (inline CSS and SVG, no
//!   network); [`pdf::render`] draws the same blocks with `krilla`, charts
//!   through `krilla-svg`, text in the embedded DejaVu Sans (from the
//!   `dejavu` crate; the fonts' free licence allows embedding) so the PDF's
//!   text is real, extractable text.
//!
//! Numbers, money and dates follow the locale (see [`levain_charts::Locale`]):
//! `1 234,56 €` in French, `€1,234.56` in English.

mod doc;
pub mod gather;
pub mod html;
mod input;
pub mod pdf;
mod sections;

pub use doc::{Block, Document, Table};
pub use gather::{Audience, audience, gather};
pub use input::{Amplifier, AudienceMonth, ReportInput, VenueGap};
pub use levain_charts::Locale;
pub use sections::{
    amplifiers, amplifiers_chart, audience_chart, projection_chart, retention_chart, venue_gaps,
    venues_chart,
};

use sections::tr;

/// Output formats, chosen from the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Pdf,
}

impl Format {
    /// `report.html`/`.htm` → HTML, `report.pdf` → PDF, else `None`.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Analytics(#[from] levain_analytics::AnalyticsError),
    #[error("could not write the PDF: {0}")]
    Pdf(String),
}

/// Whose report: the own accounts, their topics (`levain topic add`) and
/// `levain config`'s settings (quality weights, organic cost).
pub struct Subject<'a> {
    pub own: &'a [String],
    pub topics: &'a std::collections::BTreeMap<String, Vec<String>>,
    pub settings: &'a std::collections::BTreeMap<String, String>,
}

/// The whole report over one store snapshot, as the bytes of `format`:
/// gathers the analyses, builds the document and renders it; `progress` is
/// told each step's name. `levain report` and the server's
/// `/api/v1/report` both call this.
pub fn report(
    engine: &levain_store::query::Engine,
    subject: &Subject,
    filters: &levain_analytics::Filters,
    lang: Locale,
    format: Format,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<u8>, ReportError> {
    let settings = subject.settings;
    let weights = levain_analytics::settings::Weights::from_settings(settings);
    let cost = levain_analytics::roi::OrganicCost::from_settings(settings);
    let input = gather(
        engine,
        subject.own,
        subject.topics,
        filters,
        &weights,
        cost,
        progress,
    )?;
    progress("writing");
    let doc = build(&input, lang);
    Ok(match format {
        Format::Html => html::render(&doc).into_bytes(),
        Format::Pdf => pdf::render(&doc)?,
    })
}

/// The report's blocks, in reading order.
pub fn build(input: &ReportInput, l: Locale) -> Document {
    let mut blocks = Vec::new();
    blocks.extend(sections::summary(input, l));
    blocks.extend(sections::audience(&input.audience, l));
    blocks.extend(sections::retention(&input.retention, l));
    blocks.extend(sections::roi_table(&input.roi, l));
    blocks.extend(sections::cadence(input, l));
    blocks.extend(sections::fake_engagement(input, l));
    blocks.extend(amplifiers(
        input.amplifiers.as_deref().map_err(String::as_str),
        l,
    ));
    blocks.extend(venue_gaps(
        input.venue_gaps.as_deref().map_err(String::as_str),
        l,
    ));
    blocks.extend(sections::projection(input, l));
    blocks.extend(sections::method(input, l));
    Document {
        lang: l,
        title: tr(
            l,
            "Communauté : ce que l'argent a acheté et ce qui vient",
            "Community: what the money bought and what comes next",
        ),
        blocks,
    }
}

#[cfg(test)]
mod tests;
