//! What the "download your data" importers share: walking an entry's array
//! of records through [`jsonarray`](crate::jsonarray), decoding each record
//! on its own, rejects that name the entry and the line, batching to the
//! sink, and reading CSV entries.

use std::io::{BufReader, Read};

use serde::de::DeserializeOwned;

use levain_model::InteractionKind;
use levain_model::keys::Key;
use levain_model::rows::{InteractionRow, InteractionsBuilder};

use crate::archive::{Archive, Entry};
use crate::jsonarray::{Items, Next, Open};
use crate::{ImportError, Parsed, Reject, Sink};

/// Records handed to the sink at a time.
const BATCH_RECORDS: u64 = 20_000;
/// One record larger than this is not a record of these exports.
pub const MAX_RECORD: usize = 16 << 20;
/// Documents read whole (profiles, manifests) are small.
pub const MAX_DOCUMENT: u64 = 64 << 20;

/// Why one record was rejected: a class and the details.
pub type Bad = (&'static str, String);

/// Rows waiting for the sink.
pub struct Out<'s> {
    sink: &'s mut dyn Sink,
    pub parsed: Parsed,
}

impl<'s> Out<'s> {
    pub fn new(sink: &'s mut dyn Sink) -> Out<'s> {
        Out {
            sink,
            parsed: Parsed::default(),
        }
    }

    pub fn reject(&mut self, entry: &str, line: u64, (class, detail): Bad, raw: &[u8]) {
        self.parsed.rejects.push(Reject::new(
            line,
            class,
            format!("{entry}, line {line}: {detail}"),
            raw,
        ));
    }

    /// Counts one record, and hands the batch over when it is full.
    pub fn record(&mut self, bytes: usize) -> Result<(), ImportError> {
        self.parsed.records += 1;
        self.parsed.bytes += bytes as u64;
        if self.parsed.records >= BATCH_RECORDS {
            self.flush()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<(), ImportError> {
        let p = std::mem::take(&mut self.parsed);
        if p.records > 0 || !p.rejects.is_empty() {
            self.sink.accept(p)?;
        }
        Ok(())
    }
}

/// Decodes one record; bytes that are not UTF-8 are told apart from JSON
/// that does not fit.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Bad> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        (
            "wrong encoding",
            format!(
                "byte {} is not UTF-8; exports are UTF-8, so this file was converted or damaged",
                e.valid_up_to()
            ),
        )
    })?;
    serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            ("unexpected shape", e.to_string())
        } else {
            ("malformed JSON", e.to_string())
        }
    })
}

/// What [`each_record`] calls with a record's line, its bytes and the rows
/// to fill; `Ok(false)` means it was not a record to count (skipped).
pub type RecordFn<'a> = dyn FnMut(u64, &[u8], &mut Parsed) -> Result<bool, Bad> + 'a;

/// Calls `each` with every record of the array `key` (or the top-level
/// array) of `entry`. A record `each` refuses, an oversized one or a cut at
/// the end becomes a reject naming the entry and line; the others import.
pub fn each_record(
    archive: &Archive,
    entry: &Entry,
    key: Option<&str>,
    out: &mut Out,
    each: &mut RecordFn<'_>,
) -> Result<(), ImportError> {
    archive.visit(&[entry], &mut |e, r| {
        let mut items = match Items::open(BufReader::with_capacity(1 << 20, r), key, MAX_RECORD) {
            Ok(items) => items,
            Err(Open::Io(err)) => return Err(archive.error(&e.name, err)),
            Err(Open::NotFound(what)) => {
                out.record(0)?;
                out.reject(
                    &e.name,
                    1,
                    ("unexpected shape", format!("{what}; nothing in it was imported")),
                    b"",
                );
                return Ok(());
            }
        };
        loop {
            let next = items
                .next_item()
                .map_err(|err| archive.error(&e.name, err))?;
            match next {
                Next::End => return Ok(()),
                Next::Truncated { line } => {
                    out.record(0)?;
                    out.reject(
                        &e.name,
                        line,
                        (
                            "truncated file",
                            "the file ends inside its list of records; the records before were imported — download the export again".into(),
                        ),
                        b"",
                    );
                    return Ok(());
                }
                Next::Oversized { line, size } => {
                    out.record(0)?;
                    out.reject(
                        &e.name,
                        line,
                        (
                            "oversized record",
                            format!(
                                "a record of {} MiB, more than the {} MiB one record may be",
                                size >> 20,
                                MAX_RECORD >> 20
                            ),
                        ),
                        b"",
                    );
                }
                Next::Item { line, bytes } => match each(line, &bytes, &mut out.parsed) {
                    Ok(true) => out.record(bytes.len())?,
                    Ok(false) => {}
                    Err(bad) => {
                        out.reject(&e.name, line, bad, &bytes);
                        out.record(bytes.len())?;
                    }
                },
            }
        }
    })
}

/// Reads a CSV entry and calls `each` with each row (the header row too:
/// `each` says whether a row was a record). Unreadable rows are rejected
/// with their line.
pub fn each_csv_row(
    archive: &Archive,
    entry: &Entry,
    out: &mut Out,
    each: &mut dyn FnMut(&csv::StringRecord, &mut Parsed) -> Result<bool, Bad>,
) -> Result<(), ImportError> {
    archive.visit(&[entry], &mut |e, r| {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(BufReader::new(r as &mut dyn Read));
        let mut row = csv::StringRecord::new();
        loop {
            let line = rdr.position().line() + 1;
            match rdr.read_record(&mut row) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = row.position().map_or(line, |p| p.line());
                    match each(&row, &mut out.parsed) {
                        Ok(true) => out.record(row.as_slice().len())?,
                        Ok(false) => {}
                        Err(bad) => {
                            let raw = row.iter().collect::<Vec<_>>().join(",");
                            out.reject(&e.name, line, bad, raw.as_bytes());
                            out.record(row.as_slice().len())?;
                        }
                    }
                }
                Err(err) if err.is_io_error() => {
                    return Err(archive.error(&e.name, err));
                }
                Err(err) => {
                    out.record(0)?;
                    out.reject(&e.name, line, csv_bad(&err), b"");
                }
            }
        }
    })
}

fn csv_bad(err: &csv::Error) -> Bad {
    match err.kind() {
        csv::ErrorKind::Utf8 { .. } => (
            "wrong encoding",
            format!("{err}; exports are UTF-8, so this file was converted or damaged"),
        ),
        _ => ("malformed CSV", err.to_string()),
    }
}

/// A post's reply and mentions, as its export gives them.
pub struct Addressed<'a> {
    pub channel: &'a str,
    /// The post's author and the post.
    pub actor: &'a str,
    pub post: &'a str,
    pub at: i64,
    /// The post replied to, and its author when known.
    pub parent: Option<&'a str>,
    pub parent_author: Option<&'a str>,
    pub mentions: &'a [&'a str],
}

/// The interactions a post implies: a reply to its parent and a mention of
/// each account it names, keyed by the post (the same post read again, from
/// another file or export, gives the same rows).
pub fn push_reply_and_mentions(rows: &mut InteractionsBuilder, a: &Addressed, line: u64) {
    let row = |kind, target_post, target_account| InteractionRow {
        actor: a.actor,
        kind,
        channel: a.channel,
        at: a.at,
        target_post,
        target_account,
        record: Some(a.post),
        via: None,
        ends: None,
    };
    if let Some(parent) = a.parent {
        rows.push(
            &row(InteractionKind::Reply, Some(parent), a.parent_author),
            Key::of(&["reply", a.post]),
            false,
            line,
        );
    }
    for m in a.mentions {
        rows.push(
            &row(InteractionKind::Mention, None, Some(m)),
            Key::of(&["mention", a.post, m]),
            false,
            line,
        );
    }
}
