//! `manifest.json`: which files make up the store, what was imported, and the
//! small pieces of user state (own and personal accounts, friends, marks,
//! settings). Replaced atomically as a whole.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use levain_model::Table;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError, io};

pub const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "levain-store";
const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// Bumped by every commit.
    pub generation: u64,
    /// Segments and key runs of each table, by the table's raw name.
    pub tables: BTreeMap<String, TableFiles>,
    pub imports: Vec<ImportRecord>,
    /// Accounts declared as ours (`levain own add`).
    pub own: BTreeSet<String>,
    pub next_import: u64,
    /// The latest `levain fraud` run, whose verdicts `--exclude-suspicious` uses.
    #[serde(default)]
    pub fraud: Option<FraudRun>,
    /// The user's own verdicts (`levain fraud mark`), by account key; they
    /// override the detector's and outlive its re-runs and re-imports.
    #[serde(default)]
    pub marks: BTreeMap<String, FraudMark>,
    /// Own accounts that are the manager's personal ones (`levain own add
    /// --personal`): their mutual follows are where friends are looked for.
    #[serde(default)]
    pub personal: BTreeSet<String>,
    /// Accounts the user lists as friends (`levain friends add`).
    #[serde(default)]
    pub friends: BTreeSet<String>,
    /// `levain config set KEY VALUE`, validated by the CLI's settings table.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// Topics the user defined (`levain topic add NAME --terms …`): name →
    /// terms as written (`velotaf`, `#vélocargo`, `example.org`).
    #[serde(default)]
    pub topics: BTreeMap<String, Vec<String>>,
    /// The latest identity matching (`levain persons`): its links are the
    /// `person_links` table.
    #[serde(default)]
    pub persons: Option<PersonsRun>,
    /// The user's merges and splits (`levain persons merge|split`), one per
    /// pair of accounts; they override the matcher and outlive its re-runs.
    #[serde(default)]
    pub person_overrides: Vec<PersonOverride>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            format: FORMAT.into(),
            version: VERSION,
            generation: 0,
            tables: BTreeMap::new(),
            imports: Vec::new(),
            own: BTreeSet::new(),
            next_import: 1,
            fraud: None,
            marks: BTreeMap::new(),
            personal: BTreeSet::new(),
            friends: BTreeSet::new(),
            settings: BTreeMap::new(),
            topics: BTreeMap::new(),
            persons: None,
            person_overrides: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct TableFiles {
    pub segments: Vec<Segment>,
    /// Sorted runs of natural keys; together they hold the key of every row.
    pub key_runs: Vec<KeyRun>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Segment {
    /// Path relative to the store root.
    pub file: String,
    pub rows: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct KeyRun {
    pub file: String,
    pub keys: u64,
}

/// Where the verdicts of the latest `levain fraud` run are, and how they were made.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FraudRun {
    /// Parquet file of verdicts, relative to the root (schema: [`crate::query::verdicts_schema`]).
    pub file: String,
    pub accounts: u64,
    pub suspicious: u64,
    pub threshold: f64,
    pub computed_at: String,
    /// The store generation the detection read.
    pub data_generation: u64,
    /// The latest import the detection saw: a newer one means its verdicts
    /// do not cover what came since.
    #[serde(default)]
    pub last_import: Option<String>,
}

impl Manifest {
    /// Whether data was imported after the latest fraud detection.
    pub fn fraud_is_stale(&self) -> bool {
        self.fraud
            .as_ref()
            .is_some_and(|f| f.last_import.as_ref() != self.imports.last().map(|i| &i.id))
    }
}

/// Where the links of the latest identity matching are, and what it read.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PersonsRun {
    /// Parquet file of links, relative to the root (schema:
    /// [`crate::query::person_links_schema`]).
    pub file: String,
    /// Persons of more than one account, and the accounts in them.
    pub persons: u64,
    pub accounts: u64,
    pub computed_at: String,
    /// What the run read (latest import and overrides): the links are
    /// recomputed when it changes.
    pub basis: String,
}

/// A pair of accounts the user declared the same person (`same`, from
/// `levain persons merge`) or different persons (from `levain persons split`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PersonOverride {
    pub a: String,
    pub b: String,
    pub same: bool,
    pub at: String,
}

/// A verdict the user gave by hand.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FraudMark {
    /// `real` or `fake`.
    pub verdict: String,
    pub at: String,
}

/// One `levain import` run, as the summary reports it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ImportRecord {
    pub id: String,
    pub format: String,
    pub files: Vec<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// False while an import is still committing checkpoints, or if it was
    /// interrupted after one.
    pub complete: bool,
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub rejects_file: Option<String>,
    /// New rows per table.
    pub rows: BTreeMap<String, u64>,
}

impl Manifest {
    pub fn load(root: &Path) -> Result<Manifest> {
        let path = root.join(MANIFEST);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotAStore {
                    path: root.to_owned(),
                });
            }
            Err(e) => return io(&path, Err(e)),
        };
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            message: format!("manifest is not valid: {e}"),
        })?;
        if m.format != FORMAT {
            return Err(StoreError::Corrupt {
                path,
                message: format!("unknown format `{}`", m.format),
            });
        }
        if m.version > VERSION {
            return Err(StoreError::TooNew {
                path,
                found: m.version,
                supported: VERSION,
            });
        }
        Ok(m)
    }

    /// Writes the manifest to a temporary file, syncs it, and renames it over
    /// the old one: readers see either the old or the new manifest, never a mix.
    pub(crate) fn save(&self, root: &Path) -> Result<()> {
        let tmp = root.join(format!("{MANIFEST}.tmp"));
        let bytes = serde_json::to_vec_pretty(self).expect("manifest serializes");
        {
            let mut f = io(&tmp, File::create(&tmp))?;
            io(&tmp, f.write_all(&bytes))?;
            io(&tmp, f.sync_all())?;
        }
        let dest = root.join(MANIFEST);
        io(&dest, fs::rename(&tmp, &dest))?;
        sync_dir(root)
    }

    pub fn table(&self, table: Table) -> Option<&TableFiles> {
        self.tables.get(table.name())
    }

    /// Rows stored in `table`.
    pub fn rows(&self, table: Table) -> u64 {
        self.table(table)
            .map_or(0, |t| t.segments.iter().map(|s| s.rows).sum())
    }

    /// Every file the manifest names, relative to the root.
    pub fn referenced_files(&self) -> BTreeSet<String> {
        let mut files = BTreeSet::new();
        for t in self.tables.values() {
            files.extend(t.segments.iter().map(|s| s.file.clone()));
            files.extend(t.key_runs.iter().map(|k| k.file.clone()));
        }
        files.extend(self.imports.iter().filter_map(|i| i.rejects_file.clone()));
        files.extend(self.fraud.iter().map(|f| f.file.clone()));
        files.extend(self.persons.iter().map(|p| p.file.clone()));
        files
    }
}

/// Makes a rename durable: on Linux the directory entry needs its own fsync.
pub fn sync_dir(dir: &Path) -> Result<()> {
    let d = io(dir, File::open(dir))?;
    io(dir, d.sync_all())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_then_load_round_trips_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::default();
        m.own.insert("bluesky:did:plc:me".into());
        m.generation = 3;
        m.save(dir.path()).unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), m);
        assert!(!dir.path().join("manifest.json.tmp").exists());
    }

    #[test]
    fn a_damaged_manifest_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(MANIFEST), b"{not json").unwrap();
        let err = Manifest::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("manifest.json"), "{err}");
        assert!(err.contains("damaged"), "{err}");
    }

    #[test]
    fn a_newer_store_version_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let m = Manifest {
            version: 99,
            ..Manifest::default()
        };
        m.save(dir.path()).unwrap();
        let err = Manifest::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("upgrade levain"), "{err}");
    }
}
