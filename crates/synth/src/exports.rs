//! `levain synth --format F`: every format the generator writes for one
//! account, beside the "download your data" archives of [`crate::archives`].

use std::path::{Path, PathBuf};

use crate::SynthError;
use crate::archives::{ARCHIVE_FORMATS, ArchiveTruth, Container, write_archive};

/// Formats written as one file or folder, with their truth.
pub const FILE_FORMATS: &[&str] = &[
    "bluesky-car",
    "mastodon-api",
    "discourse",
    "reddit",
    "csv",
    "ndjson",
];

/// Every format `write_export` takes.
pub fn formats() -> Vec<&'static str> {
    FILE_FORMATS
        .iter()
        .chain(ARCHIVE_FORMATS)
        .copied()
        .collect()
}

/// Writes `format`'s export of about `records` records into `out`, with
/// `<name>.truth.json` beside it; returns its path and truth.
pub fn write_export(
    format: &str,
    out: &Path,
    seed: u64,
    records: u64,
    container: Option<Container>,
) -> Result<(PathBuf, ArchiveTruth), SynthError> {
    if ARCHIVE_FORMATS.contains(&format) {
        return write_archive(format, out, seed, records, container);
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| SynthError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let (base, path) = match format {
        "bluesky-car" => ("bluesky-repo", out.join("bluesky-repo.car")),
        "mastodon-api" => ("mastodon-api", out.join("mastodon-api")),
        "discourse" => ("discourse", out.join("discourse")),
        "reddit" => ("reddit", out.join("reddit")),
        "csv" => ("newsletter-events", out.join("newsletter-events.csv")),
        "ndjson" => ("chat-messages", out.join("chat-messages.ndjson")),
        other => {
            return Err(SynthError::Io {
                path: out.to_owned(),
                source: std::io::Error::other(format!(
                    "unknown format `{other}` (expected {})",
                    formats().join(", ")
                )),
            });
        }
    };
    let truth = match format {
        "bluesky-car" => crate::car::write(&path, seed, records),
        "mastodon-api" => crate::mastodon_api::write(&path, seed, records),
        "discourse" => crate::discourse::write(&path, seed, records),
        "reddit" => crate::reddit::write(&path, seed, records),
        "csv" => crate::generic::write_csv(&path, seed, records),
        "ndjson" => crate::generic::write_ndjson(&path, seed, records),
        _ => unreachable!("checked above"),
    }
    .map_err(io(&path))?;
    let truth_path = out.join(format!("{base}.truth.json"));
    std::fs::write(
        &truth_path,
        serde_json::to_vec_pretty(&truth).expect("serialisable"),
    )
    .map_err(io(&truth_path))?;
    Ok((path, truth))
}
