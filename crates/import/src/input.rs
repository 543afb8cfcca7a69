//! Input files: expanding directories, reading heads, telling what a file is.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{ImportError, Source, sources};

/// How many bytes autodetection looks at.
pub const HEAD: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as shown to the user and stored as provenance.
    pub display: String,
    pub size: u64,
}

impl InputFile {
    pub fn new(path: &Path) -> Result<InputFile, ImportError> {
        let display = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|source| ImportError::Io {
            path: display.clone(),
            source,
        })?;
        Ok(InputFile {
            path: path.to_owned(),
            display,
            size: meta.len(),
        })
    }

    pub fn open(&self) -> Result<File, ImportError> {
        File::open(&self.path).map_err(|source| ImportError::Io {
            path: self.display.clone(),
            source,
        })
    }

    pub fn head(&self) -> Result<Vec<u8>, ImportError> {
        let mut buf = Vec::with_capacity(HEAD);
        self.open()?
            .take(HEAD as u64)
            .read_to_end(&mut buf)
            .map_err(|source| ImportError::Io {
                path: self.display.clone(),
                source,
            })?;
        Ok(buf)
    }

    pub fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError::file(&self.display, message)
    }
}

/// Lists the files under `paths` (directories recursively, in name order).
pub fn expand(paths: &[PathBuf]) -> Result<Vec<(InputFile, bool)>, ImportError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
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
        if p.is_dir() {
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
    let head = file.head()?;
    let detected = sources().iter().copied().find(|s| s.sniff(&head));
    match (named, detected) {
        (Some(n), Some(d)) if n.name() != d.name() => Err(file.error(format!(
            "this looks like {} ({}), not {}; run `levain import {} …` or omit the format",
            d.name(),
            d.describe(),
            n.name(),
            d.name()
        ))),
        (Some(n), _) if head.is_empty() || is_binary(&head) => Err(file.error(format!(
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
