//! Shared reader for line-based formats (NDJSON and friends).
//!
//! Reads the file in large chunks cut at line ends, splits each chunk into
//! ~1 MiB pieces and parses the pieces in parallel (rayon) while the next
//! chunk is read, then hands the results to the sink in file order. Memory
//! is bounded by the chunk size whatever the file size; a line longer than [`MAX_LINE`] is rejected and
//! skipped without being held in memory.

use std::io::Read;

use rayon::prelude::*;

use crate::input::Decoded;
use crate::{ImportError, InputFile, Parsed, Reject, Sink};
use levain_model::rows::{Rows, RowsShape};

/// Largest record accepted, in bytes.
pub const MAX_LINE: usize = 8 << 20;
const CHUNK: usize = 16 << 20;
const PIECE: usize = 1 << 20;

/// A format with one record per line.
pub trait LineFormat: Sync {
    /// Per-piece state a parser may keep (reusable buffers).
    type Scratch: Default + Send;
    /// State shared by all pieces of one file (e.g. accounts already seen).
    type Shared: Default + Sync;
    /// Parses one line (newline and trailing `\r` removed; never blank).
    /// Pushes rows only once the whole record is known to be good.
    fn parse_line(
        &self,
        line: &[u8],
        pos: u64,
        rows: &mut Rows,
        scratch: &mut Self::Scratch,
        shared: &Self::Shared,
    ) -> Result<(), Reject>;
}

/// Reads `file` line by line through `format`, in parallel, into `sink`.
///
/// Compressed files are decompressed on the fly ([`InputFile::reader`]);
/// `Parsed::bytes` counts the file's own (compressed) bytes, so progress
/// ends at the file's size. A compressed stream that breaks (cut download,
/// corrupt block) ends the file with one reject saying so, after every
/// complete line before the break was read.
pub fn read_lines<F: LineFormat>(
    format: &F,
    file: &InputFile,
    sink: &mut dyn Sink,
) -> Result<(), ImportError> {
    let mut f = file.reader()?;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + PIECE);
    let mut next: Vec<u8> = Vec::with_capacity(CHUNK + PIECE);
    let shared = F::Shared::default();
    let mut lines_before = 0u64;
    let mut input = Input {
        eof: false,
        broken: None,
    };
    let mut filled = false;
    let mut skipping = false;
    let mut reported = 0u64;
    // The pieces of a file look alike: each starts with room for what the
    // largest piece of the chunk before held.
    let mut shape = RowsShape::default();
    loop {
        if !filled {
            input.fill(&mut f, &mut buf, file)?;
        }
        filled = false;
        let raw_delta = f.raw_position() - reported;
        reported += raw_delta;
        if skipping {
            // Inside an oversized line: drop bytes up to its end.
            match memchr::memchr(b'\n', &buf) {
                Some(i) => {
                    buf.drain(..=i);
                    skipping = false;
                    lines_before += 1;
                }
                None => {
                    buf.clear();
                    sink.accept(Parsed {
                        bytes: raw_delta,
                        ..Parsed::default()
                    })?;
                    if input.eof {
                        return finish(&f, input.broken, lines_before, &[], sink);
                    }
                    continue;
                }
            }
        }
        if buf.is_empty() && input.eof {
            return finish(&f, input.broken, lines_before, &[], sink);
        }
        let cut = if input.eof && input.broken.is_none() {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                // A broken stream inside its first line: only the break to report.
                None if input.eof => 0,
                None => {
                    // A whole chunk without a line end: one oversized record.
                    let mut p = Parsed {
                        records: 1,
                        bytes: raw_delta,
                        ..Parsed::default()
                    };
                    p.rejects.push(too_large(lines_before + 1, &buf));
                    sink.accept(p)?;
                    buf.clear();
                    skipping = true;
                    continue;
                }
            }
        };
        let pieces = split_pieces(&buf[..cut], lines_before);
        lines_before += pieces.iter().map(|p| p.2).sum::<u64>();
        // The next chunk starts with this one's unfinished line, and is read
        // while this one is parsed.
        next.clear();
        next.extend_from_slice(&buf[cut..]);
        let ended = input.eof;
        let (read, (mut parsed, shapes)) = rayon::join(
            || {
                if ended {
                    return Ok(());
                }
                input.fill(&mut f, &mut next, file)
            },
            || -> (Vec<Parsed>, Vec<RowsShape>) {
                pieces
                    .par_iter()
                    .map(|&(bytes, first, _)| parse_piece(format, bytes, first, &shared, &shape))
                    .unzip()
            },
        );
        shape = shapes
            .iter()
            .fold(RowsShape::default(), |all, s| all.max(s));
        share_progress(&mut parsed, raw_delta);
        for p in parsed {
            sink.accept(p)?;
        }
        read?;
        if ended {
            return finish(&f, input.broken, lines_before, &buf[cut..], sink);
        }
        std::mem::swap(&mut buf, &mut next);
        filled = true;
    }
}

/// The state of the file being read.
struct Input {
    eof: bool,
    /// The error a compressed stream broke with (the file ends there).
    broken: Option<std::io::Error>,
}

impl Input {
    /// Reads into `buf` until it holds a chunk or the file ends.
    fn fill(
        &mut self,
        f: &mut Decoded,
        buf: &mut Vec<u8>,
        file: &InputFile,
    ) -> Result<(), ImportError> {
        while !self.eof && buf.len() < CHUNK {
            let start = buf.len();
            buf.resize(start + PIECE, 0);
            let got = f.read(&mut buf[start..]);
            buf.truncate(start + *got.as_ref().unwrap_or(&0));
            match got {
                Ok(n) => self.eof = n == 0,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if f.compression.is_some() => {
                    self.broken = Some(e);
                    self.eof = true;
                }
                Err(e) => return Err(f.error(file, e)),
            }
        }
        Ok(())
    }
}

/// Ends a file: nothing to do, unless its compressed stream broke; then the
/// line it broke in (`fragment`, never complete) is rejected with the reason.
fn finish(
    f: &Decoded,
    broken: Option<std::io::Error>,
    lines_before: u64,
    fragment: &[u8],
    sink: &mut dyn Sink,
) -> Result<(), ImportError> {
    let Some(e) = broken else {
        return Ok(());
    };
    let kind = f.compression.map_or("compressed", |c| c.name());
    let (class, what) = if e.kind() == std::io::ErrorKind::UnexpectedEof {
        ("truncated file", "ends early")
    } else {
        ("corrupt compressed data", "is damaged")
    };
    let mut p = Parsed {
        records: 1,
        ..Parsed::default()
    };
    p.rejects.push(Reject::new(
        lines_before + 1,
        class,
        format!(
            "the {kind} stream {what} ({e}) in line {}: the {lines_before} lines before it were read, the rest of the file could not be; download or compress it again",
            lines_before + 1
        ),
        &fragment[..fragment.len().min(256)],
    ));
    sink.accept(p)
}

/// Spreads the raw bytes read for a chunk over its pieces, by their size.
fn share_progress(parsed: &mut [Parsed], raw: u64) {
    let total: u64 = parsed.iter().map(|p| p.bytes).sum();
    let mut left = raw;
    for p in parsed.iter_mut() {
        let share = if total == 0 {
            0
        } else {
            (raw as u128 * p.bytes as u128 / total as u128) as u64
        };
        p.bytes = share.min(left);
        left -= p.bytes;
    }
    if let Some(last) = parsed.last_mut() {
        last.bytes += left;
    }
}

fn too_large(pos: u64, raw: &[u8]) -> Reject {
    Reject::new(
        pos,
        "record too large",
        format!(
            "a record longer than {} MiB; records are expected one per line",
            MAX_LINE >> 20
        ),
        &raw[..raw.len().min(256)],
    )
}

/// Cuts `bytes` into pieces ending at line ends: (piece, lines before it, lines in it).
fn split_pieces(bytes: &[u8], lines_before: u64) -> Vec<(&[u8], u64, u64)> {
    let mut out = Vec::with_capacity(bytes.len() / PIECE + 1);
    let mut start = 0;
    let mut first = lines_before;
    while start < bytes.len() {
        let mut end = (start + PIECE).min(bytes.len());
        if end < bytes.len() {
            end = match memchr::memchr(b'\n', &bytes[end..]) {
                Some(i) => end + i + 1,
                None => bytes.len(),
            };
        }
        let piece = &bytes[start..end];
        let mut lines = memchr::memchr_iter(b'\n', piece).count() as u64;
        if !piece.ends_with(b"\n") {
            lines += 1;
        }
        out.push((piece, first, lines));
        first += lines;
        start = end;
    }
    out
}

/// Parses the lines of one piece into rows made with room for `shape`;
/// returns them with the shape they took.
fn parse_piece<F: LineFormat>(
    format: &F,
    bytes: &[u8],
    lines_before: u64,
    shared: &F::Shared,
    shape: &RowsShape,
) -> (Parsed, RowsShape) {
    let mut p = Parsed {
        bytes: bytes.len() as u64,
        rows: Rows::with_shape(shape),
        ..Parsed::default()
    };
    let mut scratch = F::Scratch::default();
    let mut start = 0;
    let mut pos = lines_before;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let mut line = &bytes[start..end];
        start = end + 1;
        pos += 1;
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        p.records += 1;
        if line.len() > MAX_LINE {
            p.rejects.push(too_large(pos, line));
            continue;
        }
        if let Err(r) = format.parse_line(line, pos, &mut p.rows, &mut scratch, shared) {
            p.rejects.push(r);
        }
    }
    let shape = p.rows.shape();
    (p, shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_input_with_correct_line_numbers() {
        let text: String = (0..300_000).map(|i| format!("line {i}\n")).collect();
        let pieces = split_pieces(text.as_bytes(), 10);
        assert!(pieces.len() > 1);
        let joined: Vec<u8> = pieces.iter().flat_map(|p| p.0.to_vec()).collect();
        assert_eq!(joined, text.as_bytes());
        let mut expect_first = 10;
        for (bytes, first, lines) in &pieces {
            assert_eq!(*first, expect_first);
            let first_line = std::str::from_utf8(bytes).unwrap().lines().next().unwrap();
            assert_eq!(first_line, format!("line {}", first - 10));
            expect_first += lines;
        }
        assert_eq!(expect_first, 10 + 300_000);
    }

    #[test]
    fn a_last_line_without_newline_counts() {
        let pieces = split_pieces(b"a\nb", 0);
        assert_eq!(pieces, vec![(&b"a\nb"[..], 0, 2)]);
    }
}
