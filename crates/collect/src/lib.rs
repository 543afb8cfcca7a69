//! levain's live collectors: `levain collect mastodon` (the REST API of an
//! instance) and `levain collect bluesky` (the public AppView's XRPC).
//!
//! A collector never writes rows itself. Each page it fetches is saved, as
//! a file of a format levain imports, in the store's
//! `collected/<channel>/<account>/pending/` (Mastodon pages in the
//! `mastodon-api` wrapper, Bluesky records as Jetstream events), then the
//! pending files go through the ordinary import pipeline and move to
//! `imported/`. So collected data has the same keys as imported exports,
//! a record collected twice is stored once, and the files say exactly what
//! the servers answered.
//!
//! Where paging stands is kept in `state.json` beside them, written after
//! each page: an interrupted run (network down, rate limit, Ctrl-C)
//! resumes from the last page it saved, and first imports what was left
//! pending.

pub mod bluesky;
pub mod http;
pub mod mastodon;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use levain_import::pipeline::NoProgress;
use levain_import::{ImportOptions, Summary, import_paths};
use levain_store::Store;

/// Where paging stands: for each endpoint of the pass in progress, the next
/// URL to fetch, or done; plus what a collector must remember across pages.
#[derive(Default, Serialize, Deserialize)]
pub struct State {
    /// Endpoint → the next page's URL (absent: start from the first page).
    pub next: BTreeMap<String, String>,
    /// Endpoints finished in this pass.
    pub done: Vec<String>,
    /// Collector-specific memory (own posts and their counts).
    pub memo: serde_json::Value,
}

/// The files of one collected account: pending pages, imported pages, state.
pub struct Spool {
    dir: PathBuf,
    seq: u64,
    pub state: State,
}

impl Spool {
    pub fn open(data: &Path, channel: &str, account: &str) -> anyhow::Result<Spool> {
        let safe: String = account
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.@".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let dir = data.join("collected").join(channel).join(safe);
        std::fs::create_dir_all(dir.join("pending"))
            .with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::create_dir_all(dir.join("imported"))?;
        let state = match std::fs::read(dir.join("state.json")) {
            Ok(b) => serde_json::from_slice(&b).with_context(|| {
                format!(
                    "{}: damaged; delete it to start over",
                    dir.join("state.json").display()
                )
            })?,
            Err(_) => State::default(),
        };
        let seq = std::fs::read_dir(dir.join("pending"))?.count() as u64
            + std::fs::read_dir(dir.join("imported"))?.count() as u64;
        Ok(Spool { dir, seq, state })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Saves one page (atomically) as a pending file.
    pub fn page(&mut self, name: &str, ext: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
        self.seq += 1;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        let path = self
            .dir
            .join("pending")
            .join(format!("{stamp}-{:06}-{name}.{ext}", self.seq));
        write_atomic(&path, bytes)?;
        Ok(path)
    }

    /// Records where paging stands (after the page it follows was saved).
    pub fn save_state(&self) -> anyhow::Result<()> {
        write_atomic(
            &self.dir.join("state.json"),
            &serde_json::to_vec_pretty(&self.state)?,
        )
    }

    /// Imports the pending pages through the import pipeline, then moves
    /// them to `imported/`.
    pub fn import_pending(&self, store: &Store) -> anyhow::Result<Summary> {
        let pending = self.dir.join("pending");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&pending)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            // A `.tmp` is a page whose write was interrupted: fetched again.
            .filter(|p| p.extension().is_some_and(|e| e != "tmp"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Ok(Summary::default());
        }
        let summary = import_paths(store, &files, &ImportOptions::default(), &NoProgress)?;
        if let Some(e) = summary.errors.first() {
            anyhow::bail!(
                "{}: {} (the page stays in {})",
                e.path,
                e.message,
                pending.display()
            );
        }
        for f in &files {
            let to = self
                .dir
                .join("imported")
                .join(f.file_name().expect("a file"));
            std::fs::rename(f, to)?;
        }
        Ok(summary)
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub pages: u64,
    pub requests: u64,
    pub files: Vec<String>,
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub rows: BTreeMap<String, u64>,
}

impl Report {
    pub fn add(&mut self, s: &Summary) {
        self.imported += s.imported;
        self.duplicates += s.duplicates;
        self.rejected += s.rejected;
        for (t, n) in &s.rows {
            *self.rows.entry(t.clone()).or_default() += n;
        }
    }
}

/// Fetches the pages of one endpoint from where the state says, calling
/// `save` on each (which writes the page and returns the next URL), and
/// records progress after each page.
pub async fn pages<F>(
    http: &http::Http,
    spool: &mut Spool,
    report: &mut Report,
    key: &str,
    first: &str,
    max_pages: Option<u64>,
    mut save: F,
) -> anyhow::Result<()>
where
    F: FnMut(&mut Spool, &str, http::Page) -> anyhow::Result<Option<String>>,
{
    if spool.state.done.iter().any(|d| d == key) {
        return Ok(());
    }
    let mut url = spool
        .state
        .next
        .get(key)
        .cloned()
        .unwrap_or_else(|| first.to_owned());
    let mut n = 0;
    loop {
        let page = http.get(&url).await?;
        n += 1;
        report.pages += 1;
        let next = save(spool, &url, page)?;
        match next {
            Some(next) if max_pages.is_none_or(|m| n < m) && next != url => {
                spool.state.next.insert(key.to_owned(), next.clone());
                spool.save_state()?;
                url = next;
            }
            _ => {
                spool.state.next.remove(key);
                spool.state.done.push(key.to_owned());
                spool.save_state()?;
                return Ok(());
            }
        }
    }
}
