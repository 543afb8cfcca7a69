//! levain's embedded store: a directory of open formats.
//!
//! ```text
//! levain-data/
//!   manifest.json            the one source of truth, replaced atomically
//!   .lock                    held by the one writer at a time
//!   tables/<table>/*.parquet row segments (Parquet, Snappy)
//!   tables/<table>/*.keys    sorted runs of natural keys (the key index)
//!   rejects/<import>.ndjson  records an import could not read, with reasons
//!   fraud/verdicts-*.parquet the latest fraud detection's verdicts
//!   persons/links-*.parquet  the latest identity matching's person links
//!   cache/                   derived indexes readers build and replace
//!                            (levain-analytics' audience index)
//! ```
//!
//! Invariants a newcomer must keep:
//! - A file is part of the store only once `manifest.json` names it. Writers
//!   write and fsync new files first, then replace the manifest by rename, so
//!   a crash at any point leaves the previous manifest valid and readable.
//! - Files the manifest does not name are leftovers of an interrupted write;
//!   the next [`Writer`] deletes them while holding the lock.
//! - Every row of a table has a natural key held in one of the table's key
//!   runs; [`Writer::append`] drops rows whose key is already there, which is
//!   what makes re-imports no-ops.
//!
//! Queries go through DataFusion ([`query::Engine`]) over the segments a
//! manifest snapshot names, so readers never see half-written data.

mod error;
mod keyindex;
pub mod manifest;
pub mod query;
mod segment;
pub mod status;
mod writer;

pub use error::{Result, StoreError};
pub use manifest::{
    FraudMark, FraudRun, ImportRecord, Manifest, PersonOverride, PersonsRun, sync_dir,
};
pub use writer::{AppendOutcome, Writer};

use std::path::{Path, PathBuf};

/// A store directory. Cheap to create; reads the manifest on demand.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens an existing store, or explains how to make one.
    pub fn open(root: impl Into<PathBuf>) -> Result<Store> {
        let root = root.into();
        if !root.join(manifest::MANIFEST).is_file() {
            return Err(StoreError::NotAStore { path: root });
        }
        Ok(Store { root })
    }

    /// Opens the store at `root`, creating an empty one if nothing is there.
    pub fn open_or_create(root: impl Into<PathBuf>) -> Result<Store> {
        let root = root.into();
        if !root.join(manifest::MANIFEST).is_file() {
            if root.exists() && !root.is_dir() {
                return Err(StoreError::NotAStore { path: root });
            }
            error::io(&root, std::fs::create_dir_all(&root))?;
            // Creating the first manifest is itself an atomic replace, so two
            // processes racing here both end with a valid, empty store.
            let _lock = writer::lock(&root)?;
            if !root.join(manifest::MANIFEST).is_file() {
                Manifest::default().save(&root)?;
            }
        }
        Ok(Store { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The current committed state.
    pub fn manifest(&self) -> Result<Manifest> {
        Manifest::load(&self.root)
    }

    /// Takes the write lock (waiting for another writer to finish) and
    /// removes leftovers of interrupted writes.
    pub fn writer(&self) -> Result<Writer> {
        Writer::open(&self.root)
    }

    /// The writer if no other writer holds the lock now (a server must not
    /// wait on a long import while a request is open).
    pub fn try_writer(&self) -> Result<Option<Writer>> {
        Writer::try_open(&self.root)
    }
}
