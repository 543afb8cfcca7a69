//! Export archives read in place: a `.zip`, a `.tar.gz` / `.tgz`, an
//! unpacked folder, or one file of such an export on its own.
//!
//! Platforms hand out "download your data" exports as containers of many
//! files (Mastodon: `outbox.json`, `actor.json`…; X: `data/tweets.js`…).
//! An [`Archive`] lists their entries by path and streams the ones an
//! importer asks for, straight from the container: nothing is unpacked to
//! disk, and memory is what the importer keeps of one entry at a time.
//!
//! Limits, because an archive says how big it is only after it is read:
//! - an entry declaring more than [`Limits::entry`] bytes is refused before
//!   any of it is read, and one that decompresses past it is stopped there;
//! - everything read from one archive is capped by [`Limits::total`];
//! - an entry (or a tar.gz stream) inflating more than [`Limits::ratio`]
//!   times its compressed size, once past [`Limits::ratio_after`] bytes, is
//!   a zip bomb: real exports are JSON and CSV, which compress 5–30×.
//!
//! Entry names that could point outside the archive (`..`, absolute paths,
//! drive letters, backslashes) are ignored, as are symbolic links in
//! folders: they are never part of a real export.
//!
//! Entries are matched by their file name wherever they sit, so an archive
//! unpacked into an extra top folder, or the export's `data/` folder given
//! alone, read the same.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::input::{Compression, InputFile};
use crate::{ImportError, Source, sources};

/// What holds the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Zip,
    TarGz,
    Folder,
    /// One file of an export, given alone.
    Single,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Zip => "zip archive",
            Kind::TarGz => "tar.gz archive",
            Kind::Folder => "folder",
            Kind::Single => "file",
        }
    }
}

/// One file inside an archive.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path inside the archive, `/`-separated, never starting with `/`.
    pub name: String,
    /// Declared (uncompressed) size.
    pub size: u64,
    /// Modification time recorded for the entry, in µs since the epoch.
    pub modified: Option<i64>,
    /// Position in a zip's directory.
    index: usize,
}

impl Entry {
    /// The last path component.
    pub fn file_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }
}

/// Bounds on what one archive may make levain read.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub entry: u64,
    pub total: u64,
    pub ratio: u64,
    pub ratio_after: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            entry: 8 << 30,
            total: 64 << 30,
            ratio: 200,
            ratio_after: 64 << 20,
        }
    }
}

/// An export opened for reading.
pub struct Archive {
    pub kind: Kind,
    path: PathBuf,
    /// The container as shown to the user.
    pub display: String,
    entries: Vec<Entry>,
    /// Modification time of the container itself, µs.
    pub modified: Option<i64>,
    limits: Limits,
    read_total: AtomicU64,
}

/// Whether a file is a container levain opens, and which.
pub fn container_kind(file: &InputFile) -> Result<Option<Kind>, ImportError> {
    if file.path.is_dir() {
        return Ok(Some(Kind::Folder));
    }
    let mut magic = [0u8; 4];
    let n = file
        .open()?
        .read(&mut magic)
        .map_err(|e| file.error(e.to_string()))?;
    if magic[..n].starts_with(b"PK\x03\x04") || magic[..n].starts_with(b"PK\x05\x06") {
        return Ok(Some(Kind::Zip));
    }
    if Compression::of(&magic[..n]) == Some(Compression::Gzip) {
        let head = file.head()?;
        if head.len() > 262 && &head[257..262] == b"ustar" {
            return Ok(Some(Kind::TarGz));
        }
    }
    Ok(None)
}

fn micros_of(t: std::time::SystemTime) -> Option<i64> {
    t.duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_micros() as i64)
}

/// A name that stays inside the archive, normalised; None for the others.
fn safe_name(raw: &str) -> Option<String> {
    if raw.contains('\\') || raw.starts_with('/') || raw.contains(':') || raw.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

impl Archive {
    /// Opens `file`: a container, or a lone export file.
    pub fn open(file: &InputFile) -> Result<Archive, ImportError> {
        Archive::open_with(file, Limits::default())
    }

    pub fn open_with(file: &InputFile, limits: Limits) -> Result<Archive, ImportError> {
        let kind = container_kind(file)?.unwrap_or(Kind::Single);
        let modified = std::fs::metadata(&file.path)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(micros_of);
        let mut entries = match kind {
            Kind::Single => vec![Entry {
                name: file
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                size: file.size,
                modified,
                index: 0,
            }],
            Kind::Folder => {
                let mut out = Vec::new();
                list_folder(&file.path, "", &mut out).map_err(|source| ImportError::Io {
                    path: file.display.clone(),
                    source,
                })?;
                out
            }
            Kind::Zip => list_zip(file)?,
            Kind::TarGz => list_tar(file)?,
        };
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Archive {
            kind,
            path: file.path.clone(),
            display: file.display.clone(),
            entries,
            modified,
            limits,
            read_total: AtomicU64::new(0),
        })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every entry whose file name satisfies `pred`, in name order.
    pub fn find_all(&self, pred: impl Fn(&str) -> bool) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| pred(e.file_name()))
            .collect()
    }

    /// The entry named `file_name` nearest the top of the archive.
    pub fn find(&self, file_name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.file_name() == file_name)
            .min_by_key(|e| (e.name.matches('/').count(), e.name.clone()))
    }

    /// Whether some entry's path ends with `suffix` (`data/tweets.js`).
    pub fn has_path(&self, suffix: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.name == suffix || e.name.ends_with(&format!("/{suffix}")))
    }

    /// A few entry names, for messages.
    pub fn sample_names(&self, n: usize) -> String {
        let mut names: Vec<&str> = self
            .entries
            .iter()
            .take(n)
            .map(|e| e.name.as_str())
            .collect();
        if self.entries.len() > n {
            names.push("…");
        }
        names.join(", ")
    }

    /// An error about one entry, naming the archive and the entry.
    pub fn error(&self, entry: &str, message: impl std::fmt::Display) -> ImportError {
        ImportError::file(&self.display, format!("{entry}: {message}"))
    }

    /// Reads one entry whole, refusing entries larger than `max` bytes
    /// (the documents that must be read whole, like a profile, are small).
    pub fn read_whole(&self, entry: &Entry, max: u64) -> Result<Vec<u8>, ImportError> {
        if entry.size > max {
            return Err(self.error(
                &entry.name,
                format!(
                    "{} MiB, more than the {} MiB levain reads of this file; is it really part of the export?",
                    entry.size >> 20,
                    max >> 20
                ),
            ));
        }
        let mut out = Vec::new();
        self.visit(&[entry], &mut |e, r| {
            r.take(max + 1)
                .read_to_end(&mut out)
                .map_err(|err| self.error(&e.name, err))?;
            Ok(())
        })?;
        if out.len() as u64 > max {
            return Err(self.error(&entry.name, format!("larger than {} MiB", max >> 20)));
        }
        Ok(out)
    }

    /// Streams each of `wanted` to `f` (zip and folders in the order given,
    /// tar.gz in the archive's order, which is the only one it can do
    /// without unpacking). Readers enforce the [`Limits`].
    pub fn visit(
        &self,
        wanted: &[&Entry],
        f: &mut dyn FnMut(&Entry, &mut dyn Read) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        if wanted.is_empty() {
            return Ok(());
        }
        let io = |source| ImportError::Io {
            path: self.display.clone(),
            source,
        };
        match self.kind {
            Kind::Single => {
                let input = InputFile::new(&self.path)?;
                let mut r = self.capped(&wanted[0].name, input.reader()?, None);
                f(wanted[0], &mut r)
            }
            Kind::Folder => {
                for e in wanted {
                    let file = File::open(self.path.join(&e.name)).map_err(io)?;
                    f(e, &mut self.capped(&e.name, BufReader::new(file), None))?;
                }
                Ok(())
            }
            Kind::Zip => {
                let file = File::open(&self.path).map_err(io)?;
                let mut zip = zip::ZipArchive::new(BufReader::new(file))
                    .map_err(|e| self.error("zip directory", e))?;
                for e in wanted {
                    let z = zip
                        .by_index(e.index)
                        .map_err(|err| self.error(&e.name, err))?;
                    self.check_declared(&e.name, z.size())?;
                    let compressed = z.compressed_size();
                    f(
                        e,
                        &mut self.capped(&e.name, z, Some(Ratio::Fixed(compressed))),
                    )?;
                }
                Ok(())
            }
            Kind::TarGz => {
                let (mut tar, raw) = open_tar(&self.path).map_err(io)?;
                let entries = tar.entries().map_err(|err| self.error("tar", err))?;
                let mut done = 0;
                for t in entries {
                    let t = t.map_err(|err| self.error("tar", err))?;
                    let Some(name) = t.path().ok().and_then(|p| p.to_str().and_then(safe_name))
                    else {
                        continue;
                    };
                    let Some(e) = wanted.iter().find(|e| e.name == name) else {
                        continue;
                    };
                    self.check_declared(&e.name, t.size())?;
                    f(
                        e,
                        &mut self.capped(&e.name, t, Some(Ratio::Stream(raw.clone()))),
                    )?;
                    done += 1;
                    if done == wanted.len() {
                        break;
                    }
                }
                Ok(())
            }
        }
    }

    fn check_declared(&self, name: &str, size: u64) -> Result<(), ImportError> {
        if size > self.limits.entry {
            return Err(self.error(
                name,
                format!(
                    "declares {} MiB uncompressed, more than the {} MiB levain reads of one entry; this is not a real export (a zip bomb?)",
                    size >> 20,
                    self.limits.entry >> 20
                ),
            ));
        }
        Ok(())
    }

    fn capped<'s, R: Read>(&'s self, name: &str, inner: R, ratio: Option<Ratio>) -> Capped<'s, R> {
        Capped {
            inner,
            archive: self,
            name: name.to_owned(),
            read: 0,
            ratio,
        }
    }
}

/// What an entry's inflation is measured against.
enum Ratio {
    /// The entry's compressed size (zip).
    Fixed(u64),
    /// The compressed bytes read so far of the whole stream (tar.gz).
    Stream(Arc<AtomicU64>),
}

/// An entry's reader that stops at the [`Limits`] with an error in words.
struct Capped<'a, R> {
    inner: R,
    archive: &'a Archive,
    name: String,
    read: u64,
    ratio: Option<Ratio>,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let limits = &self.archive.limits;
        let total = self
            .archive
            .read_total
            .fetch_add(n as u64, Ordering::Relaxed)
            + n as u64;
        let fail = |msg: String| Err(std::io::Error::other(msg));
        if self.read > limits.entry {
            return fail(format!(
                "{} inflates past {} MiB, more than levain reads of one entry; this is not a real export (a zip bomb?)",
                self.name,
                limits.entry >> 20
            ));
        }
        if total > limits.total {
            return fail(format!(
                "the archive inflates past {} MiB in all; this is not a real export (a zip bomb?)",
                limits.total >> 20
            ));
        }
        let compressed = match &self.ratio {
            Some(Ratio::Fixed(c)) => Some((*c, self.read)),
            Some(Ratio::Stream(raw)) => Some((raw.load(Ordering::Relaxed), total)),
            None => None,
        };
        if let Some((c, inflated)) = compressed
            && inflated > limits.ratio_after
            && inflated > c.max(1).saturating_mul(limits.ratio)
        {
            return fail(format!(
                "{} inflates more than {}× its compressed size ({} MiB from {} KiB): a zip bomb, not an export; levain stopped reading it",
                self.name,
                limits.ratio,
                inflated >> 20,
                c >> 10
            ));
        }
        Ok(n)
    }
}

fn list_folder(root: &Path, prefix: &str, out: &mut Vec<Entry>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(root.join(prefix))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        // Symbolic links are not followed: they could leave the folder.
        let ty = entry.file_type()?;
        if ty.is_dir() {
            list_folder(root, &rel, out)?;
        } else if ty.is_file() {
            let meta = entry.metadata()?;
            out.push(Entry {
                name: rel,
                size: meta.len(),
                modified: meta.modified().ok().and_then(micros_of),
                index: 0,
            });
        }
    }
    Ok(())
}

fn list_zip(file: &InputFile) -> Result<Vec<Entry>, ImportError> {
    let mut zip = zip::ZipArchive::new(BufReader::new(file.open()?))
        .map_err(|e| file.error(format!("not a readable zip archive: {e}")))?;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let Ok(meta) = zip.by_index_raw(i) else {
            continue;
        };
        if meta.is_dir() {
            continue;
        }
        let raw = String::from_utf8_lossy(meta.name_raw()).into_owned();
        let Some(name) = safe_name(&raw) else {
            tracing::warn!("{}: ignoring entry `{raw}`", file.display);
            continue;
        };
        let modified = meta.last_modified().and_then(|t| {
            chrono::NaiveDate::from_ymd_opt(t.year().into(), t.month().into(), t.day().into())
                .and_then(|d| d.and_hms_opt(t.hour().into(), t.minute().into(), t.second().into()))
                .map(|dt| dt.and_utc().timestamp_micros())
        });
        out.push(Entry {
            name,
            size: meta.size(),
            modified,
            index: i,
        });
    }
    Ok(out)
}

type TarGz = tar::Archive<Counted<flate2::read::MultiGzDecoder<BufReader<Counted<File>>>>>;

/// A tar.gz stream and a counter of the compressed bytes read from it.
fn open_tar(path: &Path) -> std::io::Result<(TarGz, Arc<AtomicU64>)> {
    let raw = Arc::new(AtomicU64::new(0));
    let file = Counted {
        inner: File::open(path)?,
        n: raw.clone(),
    };
    let gz = flate2::read::MultiGzDecoder::new(BufReader::new(file));
    let tar = tar::Archive::new(Counted {
        inner: gz,
        n: Arc::new(AtomicU64::new(0)),
    });
    Ok((tar, raw))
}

struct Counted<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn list_tar(file: &InputFile) -> Result<Vec<Entry>, ImportError> {
    let (mut tar, raw) = open_tar(&file.path).map_err(|source| ImportError::Io {
        path: file.display.clone(),
        source,
    })?;
    let limits = Limits::default();
    let mut out = Vec::new();
    let entries = tar
        .entries()
        .map_err(|e| file.error(format!("not a readable tar.gz archive: {e}")))?;
    for t in entries {
        let t = t.map_err(|e| file.error(format!("damaged tar.gz archive: {e}")))?;
        if !t.header().entry_type().is_file() {
            continue;
        }
        let raw_name = t.path().map(|p| p.to_string_lossy().into_owned());
        let Some(name) = raw_name.as_deref().ok().and_then(safe_name) else {
            tracing::warn!("{}: ignoring entry `{:?}`", file.display, raw_name);
            continue;
        };
        out.push(Entry {
            name,
            size: t.size(),
            modified: t.header().mtime().ok().map(|s| s as i64 * 1_000_000),
            index: 0,
        });
        // Listing skips the data, but it still inflates: bound that too.
        // The entry just listed has declared its size, but its compressed
        // bytes are still ahead: the ratio counts the entries skipped.
        let total: u64 = out.iter().map(|e| e.size).sum();
        let skipped = total - t.size();
        let compressed = raw.load(Ordering::Relaxed).max(1);
        if total > limits.total || too_inflated(skipped, compressed, &limits) {
            return Err(bomb(file, &limits));
        }
    }
    let total: u64 = out.iter().map(|e| e.size).sum();
    if too_inflated(total, raw.load(Ordering::Relaxed).max(1), &limits) {
        return Err(bomb(file, &limits));
    }
    Ok(out)
}

fn too_inflated(inflated: u64, compressed: u64, limits: &Limits) -> bool {
    inflated > limits.ratio_after && inflated > compressed.saturating_mul(limits.ratio)
}

fn bomb(file: &InputFile, limits: &Limits) -> ImportError {
    file.error(format!(
        "the archive inflates more than {}× its compressed size or past {} MiB: a zip bomb, not an export",
        limits.ratio,
        limits.total >> 20
    ))
}

/// Whether `dir` is an unpacked export one of the formats reads (then it
/// is imported as one archive, not file by file).
pub fn is_export_folder(dir: &Path) -> bool {
    let Ok(file) = InputFile::new(dir) else {
        return false;
    };
    match Archive::open(&file) {
        Ok(a) => recognise(&a).is_some(),
        Err(_) => false,
    }
}

/// The format whose archive this is.
pub fn recognise(archive: &Archive) -> Option<&'static dyn Source> {
    sources().iter().copied().find(|s| s.sniff_archive(archive))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn names_that_leave_the_archive_are_refused() {
        assert_eq!(
            safe_name("data/tweets.js").as_deref(),
            Some("data/tweets.js")
        );
        assert_eq!(safe_name("./a//b.json").as_deref(), Some("a/b.json"));
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "a/../../b",
            "C:\\x",
            "a\\..\\b",
        ] {
            assert_eq!(safe_name(bad), None, "{bad}");
        }
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> (tempfile::TempDir, InputFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.zip");
        let mut z = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, body) in entries {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(body).unwrap();
        }
        z.finish().unwrap();
        let f = InputFile::new(&path).unwrap();
        (dir, f)
    }

    #[test]
    fn zip_entries_are_listed_and_streamed_without_traversal() {
        let (_d, f) = zip_with(&[("export/data/a.js", b"hello"), ("../evil.js", b"no")]);
        let a = Archive::open(&f).unwrap();
        assert_eq!(a.kind, Kind::Zip);
        assert_eq!(a.entries().len(), 1);
        assert!(a.has_path("data/a.js"));
        let e = a.find("a.js").unwrap().clone();
        assert_eq!(a.read_whole(&e, 100).unwrap(), b"hello");
    }

    #[test]
    fn a_zip_bomb_stops_with_an_error_naming_the_entry() {
        let zeros = vec![0u8; 8 << 20];
        let (_d, f) = zip_with(&[("outbox.json", &zeros)]);
        let a = Archive::open_with(
            &f,
            Limits {
                ratio_after: 1 << 20,
                ..Limits::default()
            },
        )
        .unwrap();
        let e = a.find("outbox.json").unwrap().clone();
        let err = a.read_whole(&e, 1 << 30).unwrap_err().to_string();
        assert!(
            err.contains("outbox.json") && err.contains("zip bomb"),
            "{err}"
        );
        let a = Archive::open_with(
            &f,
            Limits {
                entry: 1 << 20,
                ..Limits::default()
            },
        )
        .unwrap();
        let err = a.read_whole(&e, 1 << 30).unwrap_err().to_string();
        assert!(err.contains("declares 8 MiB"), "{err}");
    }

    #[test]
    fn tar_gz_entries_are_streamed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.tar.gz");
        let gz = flate2::write::GzEncoder::new(
            File::create(&path).unwrap(),
            flate2::Compression::fast(),
        );
        let mut t = tar::Builder::new(gz);
        let mut h = tar::Header::new_gnu();
        h.set_size(3);
        h.set_mode(0o444);
        h.set_mtime(1_700_000_000);
        h.set_cksum();
        t.append_data(&mut h, "actor.json", &b"{ }"[..]).unwrap();
        t.into_inner().unwrap().finish().unwrap();
        let f = InputFile::new(&path).unwrap();
        assert_eq!(container_kind(&f).unwrap(), Some(Kind::TarGz));
        let a = Archive::open(&f).unwrap();
        let e = a.find("actor.json").unwrap().clone();
        assert_eq!(e.modified, Some(1_700_000_000_000_000));
        assert_eq!(a.read_whole(&e, 10).unwrap(), b"{ }");
    }
}
