//! Input files: expanding directories, reading heads, telling what a file is.
//!
//! Compressed files (zstd, gzip) are recognised by their first bytes, never
//! their names, and read through a streaming decoder: every format reads them
//! as if they were plain, in the memory of the decoder's window.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{ImportError, Source, sources};

/// How many bytes autodetection looks at.
pub const HEAD: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as shown to the user and stored as provenance.
    pub display: String,
    pub size: u64,
    /// A pipe or other stream (`/dev/stdin`, a FIFO): it can be read only
    /// once, so it is not sniffed and its format must be named.
    pub pipe: bool,
}

impl InputFile {
    pub fn new(path: &Path) -> Result<InputFile, ImportError> {
        let display = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|source| ImportError::Io {
            path: display.clone(),
            source,
        })?;
        // An unpacked export folder is one input: its size is its files'.
        let size = if meta.is_dir() {
            folder_size(path)
        } else {
            meta.len()
        };
        let pipe = !meta.is_dir() && !meta.is_file();
        Ok(InputFile {
            path: path.to_owned(),
            display,
            size,
            pipe,
        })
    }

    /// The file's raw bytes; formats read through [`InputFile::reader`].
    pub fn open(&self) -> Result<File, ImportError> {
        File::open(&self.path).map_err(|source| ImportError::Io {
            path: self.display.clone(),
            source,
        })
    }

    /// The file's content, decompressed when it is zstd or gzip.
    pub fn reader(&self) -> Result<Decoded, ImportError> {
        let mut magic = [0u8; 4];
        let mut f = self.open()?;
        let n = read_up_to(&mut f, &mut magic).map_err(|e| self.io(e))?;
        let compression = Compression::of(&magic[..n]);
        let raw = Counting {
            inner: std::io::Cursor::new(magic[..n].to_vec()).chain(f),
            read: Arc::new(AtomicU64::new(0)),
        };
        let raw_read = raw.read.clone();
        let inner: Box<dyn Read + Send> = match compression {
            None => Box::new(raw),
            Some(Compression::Zstd) => {
                let mut d = zstd::stream::read::Decoder::new(raw).map_err(|e| self.io(e))?;
                // Reddit's monthly dumps are written with a 2 GiB window.
                d.window_log_max(31).map_err(|e| self.io(e))?;
                Box::new(d)
            }
            // Multi-member: `cat a.gz b.gz` and pigz output are one stream.
            Some(Compression::Gzip) => {
                Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(raw)))
            }
        };
        Ok(Decoded {
            inner,
            compression,
            raw_read,
        })
    }

    /// The first [`HEAD`] bytes of the content (decompressed), for sniffing.
    /// A compressed stream that breaks early gives what came before the break.
    pub fn head(&self) -> Result<Vec<u8>, ImportError> {
        let mut buf = vec![0; HEAD];
        let mut r = self.reader()?;
        let mut n = 0;
        while n < HEAD {
            match r.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if r.compression.is_some() && n > 0 => {
                    tracing::debug!("{}: head cut by {e}", self.display);
                    break;
                }
                Err(e) => return Err(r.error(self, e)),
            }
        }
        buf.truncate(n);
        Ok(buf)
    }

    fn io(&self, source: std::io::Error) -> ImportError {
        ImportError::Io {
            path: self.display.clone(),
            source,
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError::file(&self.display, message)
    }
}

/// How a file's content is compressed, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Zstd,
    Gzip,
}

impl Compression {
    pub fn of(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::Zstd => "zstd",
            Compression::Gzip => "gzip",
        }
    }
}

/// A file's content, decompressed if need be, with how many raw (compressed)
/// bytes were read so far: progress is measured in the file's own size.
pub struct Decoded {
    inner: Box<dyn Read + Send>,
    pub compression: Option<Compression>,
    raw_read: Arc<AtomicU64>,
}

impl Decoded {
    /// Bytes of the file itself read so far (compressed bytes when compressed).
    pub fn raw_position(&self) -> u64 {
        self.raw_read.load(Ordering::Relaxed)
    }

    /// A read error in words: a broken compressed stream says so, and that
    /// what came before it was read.
    pub fn error(&self, file: &InputFile, e: std::io::Error) -> ImportError {
        match self.compression {
            Some(c) => file.error(format!(
                "{} {}: {e}",
                if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    "truncated"
                } else {
                    "corrupt"
                },
                c.name(),
            )),
            None => file.io(e),
        }
    }
}

impl Read for Decoded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf)
    }
}

/// Counts the bytes read from the file under a decoder.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Fills `buf` as far as the file goes.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn folder_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => folder_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// Lists the files under `paths` (directories recursively, in name order).
/// A folder that is an unpacked export (a Mastodon or X archive…) is one
/// input, read as an archive.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<(InputFile, bool)>, ImportError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() && crate::archive::is_export_folder(p) {
            out.push((InputFile::new(p)?, false));
        } else if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).map_err(|source| ImportError::Io {
                path: p.display().to_string(),
                source,
            })?;
            found.sort();
            for f in found {
                out.push((InputFile::new(&f)?, true));
            }
        } else {
            out.push((InputFile::new(p)?, false));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() && crate::archive::is_export_folder(&p) {
            out.push(p);
        } else if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// What a head of bytes is, in words, when it is not a format we read.
fn describe_unknown(head: &[u8]) -> String {
    if head.is_empty() {
        return "empty file: nothing to import".into();
    }
    if is_binary(head) {
        let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return format!(
            "binary data (first bytes {}), not a text export levain reads",
            hex.join(" ")
        );
    }
    let first = String::from_utf8_lossy(head);
    let first = first.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let shown: String = first.chars().take(80).collect();
    format!("not a format levain recognises (first line: `{shown}`)")
}

/// The first byte of `head` after a UTF-8 byte order mark and whitespace:
/// `{`, `[`, `<` or anything else says what kind of document it is, and
/// lets a sniffer refuse a file before it looks further (every file of an
/// autodetected folder meets every sniffer).
pub(crate) fn first_byte(head: &[u8]) -> Option<u8> {
    let start = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    start.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Whether `hay` holds `needle` anywhere: what most sniffers ask.
pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// The first line of `head` with something on it, without its surrounding
/// whitespace (cut short where the head limit cut it).
pub(crate) fn first_line(head: &[u8]) -> Option<&[u8]> {
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &head[start..];
    Some(rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())].trim_ascii_end())
}

/// NUL bytes, or more invalid UTF-8 than a few damaged records would have
/// (those are rejected one by one instead).
pub fn is_binary(head: &[u8]) -> bool {
    if head.contains(&0) {
        return true;
    }
    let invalid = head
        .utf8_chunks()
        .filter(|c| !c.invalid().is_empty())
        .count();
    invalid > 8
}

/// Picks the source for a file: the one named, checked against the content,
/// or the first whose sniff accepts the head.
pub fn choose(
    file: &InputFile,
    named: Option<&'static dyn Source>,
) -> Result<&'static dyn Source, ImportError> {
    if file.pipe {
        // Sniffing would consume what it reads.
        return named.ok_or_else(|| {
            file.error(format!(
                "a pipe can be read only once, so its format cannot be detected; name it (`levain import bluesky-jetstream {}`)",
                file.display
            ))
        });
    }
    if let Some(kind) = crate::archive::container_kind(file)? {
        return choose_archive(file, kind, named);
    }
    let head = file.head()?;
    let detected = match named {
        // A file the named format recognises is that format, unless a more
        // specific one recognises it too: running every other sniffer was a
        // good part of importing a folder of small pages.
        Some(n) if n.sniff(&head) => sources()
            .iter()
            .copied()
            .find(|s| s.special_case_of() == Some(n.name()) && s.sniff(&head))
            .or(Some(n)),
        _ => sources().iter().copied().find(|s| s.sniff(&head)),
    };
    match (named, detected) {
        (Some(n), Some(d)) if n.name() != d.name() => Err(file.error(format!(
            "this looks like {} ({}), not {}; run `levain import {} …` or omit the format",
            d.name(),
            d.describe(),
            n.name(),
            d.name()
        ))),
        // Binary formats (CAR) accept their own heads.
        (Some(n), _) if (head.is_empty() || is_binary(&head)) && !n.sniff(&head) => Err(file
            .error(format!(
                "{} (expected {})",
                describe_unknown(&head),
                n.describe()
            ))),
        (Some(n), _) => Ok(n),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(file.error(format!(
            "{}; name the format if you know it (`levain import FORMAT {}`)",
            describe_unknown(&head),
            file.display
        ))),
    }
}

/// Picks the source for a container: the format whose export its entries
/// are, checked against the one named.
fn choose_archive(
    file: &InputFile,
    kind: crate::archive::Kind,
    named: Option<&'static dyn Source>,
) -> Result<&'static dyn Source, ImportError> {
    let archive = crate::archive::Archive::open(file)?;
    let detected = crate::archive::recognise(&archive);
    match (named, detected) {
        (Some(n), Some(d)) if n.name() != d.name() => Err(file.error(format!(
            "this looks like {} ({}), not {}; run `levain import {} …` or omit the format",
            d.name(),
            d.describe(),
            n.name(),
            d.name()
        ))),
        (_, Some(d)) => {
            tracing::info!("{}: {} of a {}", file.display, kind.name(), d.name());
            Ok(d)
        }
        (Some(n), None) => Err(file.error(format!(
            "a {} whose entries ({}) are not a {} export (expected {})",
            kind.name(),
            archive.sample_names(6),
            n.name(),
            n.describe()
        ))),
        (None, None) => Err(file.error(format!(
            "a {} whose entries ({}) are no export levain reads",
            kind.name(),
            archive.sample_names(6)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn first_byte_and_line_skip_marks_and_blank_lines() {
        assert_eq!(first_byte(b"\xef\xbb\xbf \n\t[{}]"), Some(b'['));
        assert_eq!(first_byte(b" \r\n "), None);
        assert_eq!(
            first_line(b"\n  \r\n  {\"a\":1}  \r\n{}"),
            Some(&b"{\"a\":1}"[..])
        );
        // Cut by the head limit: the line so far.
        assert_eq!(
            first_line(b"\n{\"did\":\"did:pl"),
            Some(&b"{\"did\":\"did:pl"[..])
        );
        assert_eq!(first_line(b"\n\n"), None);
    }

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, InputFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.ndjson");
        std::fs::write(&path, bytes).unwrap();
        let f = InputFile::new(&path).unwrap();
        (dir, f)
    }

    #[test]
    fn compression_is_told_by_content_and_read_through() {
        let text: String = (0..50_000).map(|i| format!("{{\"n\":{i}}}\n")).collect();
        let zst = zstd::encode_all(text.as_bytes(), 3).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        for (bytes, expect) in [
            (text.as_bytes(), None),
            (&zst[..], Some(Compression::Zstd)),
            (&gz[..], Some(Compression::Gzip)),
        ] {
            let (_dir, f) = file_with(bytes);
            let mut r = f.reader().unwrap();
            assert_eq!(r.compression, expect);
            let mut out = Vec::new();
            r.read_to_end(&mut out).unwrap();
            assert_eq!(out, text.as_bytes());
            assert_eq!(r.raw_position(), bytes.len() as u64);
            assert_eq!(f.head().unwrap(), &text.as_bytes()[..HEAD]);
        }
    }

    #[test]
    fn a_broken_stream_is_an_error_naming_the_file() {
        let text: String = (0..50_000).map(|i| format!("{{\"n\":{i}}}\n")).collect();
        let zst = zstd::encode_all(text.as_bytes(), 3).unwrap();
        let (_dir, f) = file_with(&zst[..zst.len() / 2]);
        let mut r = f.reader().unwrap();
        let e = r.read_to_end(&mut Vec::new()).unwrap_err();
        let msg = r.error(&f, e).to_string();
        assert!(
            msg.contains("data.ndjson") && msg.contains("truncated zstd"),
            "{msg}"
        );
        // Only the magic: nothing decodes, and sniffing says so.
        let (_dir, f) = file_with(&zst[..4]);
        let msg = f.head().unwrap_err().to_string();
        assert!(msg.contains("truncated zstd"), "{msg}");
    }
}
