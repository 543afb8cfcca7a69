//! Shared reader for line-based formats (NDJSON and friends).
//!
//! Reads the file in large chunks cut at line ends, splits each chunk into
//! ~1 MiB pieces and parses the pieces in parallel (rayon), then hands the
//! results to the sink in file order. Memory is bounded by the chunk size
//! whatever the file size; a line longer than [`MAX_LINE`] is rejected and
//! skipped without being held in memory.

use std::io::Read;

use rayon::prelude::*;

use crate::{ImportError, InputFile, Parsed, Reject, Sink};
use levain_model::rows::Rows;

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
pub fn read_lines<F: LineFormat>(
    format: &F,
    file: &InputFile,
    sink: &mut dyn Sink,
) -> Result<(), ImportError> {
    let mut f = file.open()?;
    let io_err = |source| ImportError::Io {
        path: file.display.clone(),
        source,
    };
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + PIECE);
    let shared = F::Shared::default();
    let mut lines_before = 0u64;
    let mut eof = false;
    let mut skipping = false;
    loop {
        while !eof && buf.len() < CHUNK {
            let start = buf.len();
            buf.resize(start + PIECE, 0);
            let n = f.read(&mut buf[start..]).map_err(io_err)?;
            buf.truncate(start + n);
            eof = n == 0;
        }
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
                    if eof {
                        return Ok(());
                    }
                    continue;
                }
            }
        }
        if buf.is_empty() && eof {
            return Ok(());
        }
        let cut = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => {
                    // A whole chunk without a line end: one oversized record.
                    let mut p = Parsed {
                        records: 1,
                        bytes: buf.len() as u64,
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
        let parsed: Vec<Parsed> = pieces
            .par_iter()
            .map(|&(bytes, first, _)| parse_piece(format, bytes, first, &shared))
            .collect();
        for p in parsed {
            sink.accept(p)?;
        }
        buf.drain(..cut);
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

fn parse_piece<F: LineFormat>(
    format: &F,
    bytes: &[u8],
    lines_before: u64,
    shared: &F::Shared,
) -> Parsed {
    let mut p = Parsed {
        bytes: bytes.len() as u64,
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
    p
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
