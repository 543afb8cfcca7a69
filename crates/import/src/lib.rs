//! levain's importers.
//!
//! Each input format is a module implementing [`Source`]: it recognises its
//! files ([`Source::sniff`]) and turns them into rows ([`Source::read`]).
//! Everything else is written once, in [`pipeline`]: finding files in
//! directories, autodetection, batching rows per table, deduplication through
//! the store's key index, the rejects file, checkpoints and progress.
//!
//! Line-based formats only write a per-line parser ([`ndjson::LineFormat`])
//! and get parallel parsing, line numbers and bounded memory from [`ndjson`].
//!
//! Every input record ends as exactly one of: *imported* (its primary row was
//! new), *duplicate* (its primary row was already stored) or *rejected* (it
//! could not be read; it goes to the rejects file with the reason).

pub mod archive;
pub mod campaigns;
pub mod car;
pub mod discourse;
mod export;
pub mod feed;
pub mod input;
pub mod jetstream;
mod jsonarray;
pub mod mapped;
pub mod mastodon_api;
pub mod mastodon_archive;
pub mod meta;
pub mod ndjson;
pub mod pipeline;
mod pointers;
pub mod reddit;
mod text;
pub mod wxr;
pub mod x_archive;
mod xml;

use levain_model::rows::Rows;

pub use input::InputFile;
pub use pipeline::{FileSummary, ImportOptions, Progress, Summary, import_paths};

/// A record that could not be imported.
#[derive(Debug, Clone)]
pub struct Reject {
    /// 1-based line (text formats) or record number.
    pub pos: u64,
    /// A short class, the same for all rejects of one kind ("malformed JSON").
    pub class: &'static str,
    /// What exactly was wrong and, where it helps, what was expected.
    pub detail: String,
    /// The raw record, cut to a reasonable length.
    pub raw: String,
}

impl Reject {
    pub fn new(pos: u64, class: &'static str, detail: impl Into<String>, raw: &[u8]) -> Reject {
        const MAX_RAW: usize = 16 * 1024;
        let raw = &raw[..raw.len().min(MAX_RAW)];
        Reject {
            pos,
            class,
            detail: detail.into(),
            raw: String::from_utf8_lossy(raw).into_owned(),
        }
    }
}

/// What a source hands to the pipeline: rows, rejects, and how many input
/// records they came from.
#[derive(Default)]
pub struct Parsed {
    pub rows: Rows,
    pub rejects: Vec<Reject>,
    pub records: u64,
    /// Input bytes consumed, for progress.
    pub bytes: u64,
}

/// Where a source sends what it parsed.
pub trait Sink {
    fn accept(&mut self, parsed: Parsed) -> Result<(), ImportError>;
}

/// An input format.
pub trait Source: Sync {
    /// The name users type: `levain import bluesky-jetstream FILE`.
    fn name(&self) -> &'static str;
    /// One line for `--help` and messages.
    fn describe(&self) -> &'static str;
    /// Whether the first bytes of a file look like this format. Sniffing looks
    /// at content only, never at file names.
    fn sniff(&self, head: &[u8]) -> bool;
    /// The format whose files this one's are a special case of (a WordPress
    /// export is also an RSS feed): when that format is named for a file of
    /// this one, the import is refused with "this looks like …".
    fn special_case_of(&self) -> Option<&'static str> {
        None
    }
    /// Reads one file into `sink`. Bad records become rejects; only a file
    /// that cannot be read at all is an error.
    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError>;
    /// [`Source::read`], told the site the user named (`--site`). Only
    /// formats whose files may not say which site they come from use it.
    fn read_for_site(
        &self,
        file: &InputFile,
        site: Option<&str>,
        sink: &mut dyn Sink,
    ) -> Result<(), ImportError> {
        let _ = site;
        self.read(file, sink)
    }
    /// Whether an archive (zip, tar.gz, folder) is this format's export,
    /// told by its entries. Only export formats answer yes.
    fn sniff_archive(&self, archive: &archive::Archive) -> bool {
        let _ = archive;
        false
    }
    /// [`Source::read`], told everything the user said about the files
    /// (`--site`, `--context`, `--map`). The pipeline calls this one.
    fn read_with(
        &self,
        file: &InputFile,
        ctx: &ReadContext,
        sink: &mut dyn Sink,
    ) -> Result<(), ImportError> {
        self.read_for_site(file, ctx.site, sink)
    }
}

/// What the user said about the files, for formats whose files do not say
/// it all.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReadContext<'a> {
    /// `--site`: the site the files come from.
    pub site: Option<&'a str>,
    /// `--context`: what a bare API response is about (`mastodon-api`).
    pub context: Option<&'a str>,
    /// `--map`: the mapping file of a generic import (`csv`, `ndjson`).
    pub map: Option<&'a std::path::Path>,
}

/// Every format levain reads, in autodetection order.
pub fn sources() -> &'static [&'static dyn Source] {
    &[
        &jetstream::Jetstream,
        &reddit::Reddit,
        &campaigns::Campaigns,
        &campaigns::Conversions,
        &campaigns::OrganicCosts,
        // Before `feed`: a WordPress export is also an RSS document.
        &wxr::Wxr,
        &feed::Feed,
        &discourse::Discourse,
        &mastodon_archive::MastodonArchive,
        &x_archive::XArchive,
        &meta::Facebook,
        &meta::Instagram,
        &car::BlueskyCar,
        &mastodon_api::MastodonApi,
        // Never detected (they need --map): named only.
        &mapped::MappedCsv,
        &mapped::MappedNdjson,
    ]
}

pub fn source_named(name: &str) -> Option<&'static dyn Source> {
    sources().iter().copied().find(|s| s.name() == name)
}

/// Why a whole file (or import) failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    Store(#[from] levain_store::StoreError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl ImportError {
    pub fn file(path: &str, message: impl Into<String>) -> ImportError {
        ImportError::File {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}
