//! The single writer: appends deduplicated segments, commits manifests,
//! compacts.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use datafusion::arrow::array::{BooleanArray, RecordBatch};
use datafusion::arrow::compute::filter_record_batch;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use levain_model::Table;
use levain_model::keys::Key;
use levain_model::rows::Batch;
use rayon::slice::ParallelSliceMut;

use crate::error::{Result, io};
use crate::manifest::{
    FraudMark, FraudRun, ImportRecord, KeyRun, MANIFEST, Manifest, PersonOverride, PersonsRun,
    Segment, sync_dir,
};
use crate::{keyindex, segment};

/// What [`Writer::append`] did with the rows it was given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppendOutcome {
    pub new_rows: u64,
    pub duplicate_rows: u64,
    /// Of the rows flagged primary, how many were new / already stored.
    pub new_primary: u64,
    pub duplicate_primary: u64,
}

impl std::ops::AddAssign for AppendOutcome {
    fn add_assign(&mut self, o: Self) {
        self.new_rows += o.new_rows;
        self.duplicate_rows += o.duplicate_rows;
        self.new_primary += o.new_primary;
        self.duplicate_primary += o.duplicate_primary;
    }
}

/// Holds the store's write lock. Changes go to a working copy of the
/// manifest and become visible to readers at [`Writer::commit`].
pub struct Writer {
    root: PathBuf,
    _lock: File,
    manifest: Manifest,
    next_file: u64,
    /// Files to delete once the next commit no longer names them.
    obsolete: Vec<String>,
    /// What this writer knows of each key run it has probed, by run file.
    probed: HashMap<String, Probed>,
}

/// Key runs merged at a time, and the size ratio between run tiers.
const RUN_FANIN: usize = 8;

/// A key run as this writer has seen it.
enum Probed {
    /// Looked up without a filter so far, at about this many key reads: a
    /// few keys cost a few binary searches, and building a filter costs a
    /// pass over the run, so a run gets one only once its lookups have
    /// cost about two passes (a big import's flushes into a big store).
    Walked(u64),
    /// Written by this writer, or walked enough: its filter answers first.
    Filtered(keyindex::RunFilter),
}

/// About how many keys of a run of `n` keys a galloping walk for `m`
/// sorted keys reads.
fn walk_cost(n: u64, m: u64) -> u64 {
    if m == 0 {
        return 0;
    }
    n.min(m.saturating_mul(1 + (n / m).max(1).ilog2() as u64))
}

fn lock_file(root: &Path) -> Result<File> {
    let path = root.join(".lock");
    io(
        &path,
        File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path),
    )
}

pub(crate) fn lock(root: &Path) -> Result<File> {
    let path = root.join(".lock");
    let f = lock_file(root)?;
    if f.try_lock().is_err() {
        tracing::warn!("waiting for another levain process to finish writing this store");
        io(&path, f.lock())?;
    }
    Ok(f)
}

impl Writer {
    pub(crate) fn open(root: &Path) -> Result<Writer> {
        let lock = lock(root)?;
        Writer::with_lock(root, lock)
    }

    /// The writer if no one else holds the lock, without waiting.
    pub(crate) fn try_open(root: &Path) -> Result<Option<Writer>> {
        let lock = lock_file(root)?;
        if lock.try_lock().is_err() {
            return Ok(None);
        }
        Writer::with_lock(root, lock).map(Some)
    }

    fn with_lock(root: &Path, lock: File) -> Result<Writer> {
        let manifest = Manifest::load(root)?;
        let mut w = Writer {
            root: root.to_owned(),
            _lock: lock,
            manifest,
            next_file: 0,
            obsolete: Vec::new(),
            probed: HashMap::new(),
        };
        w.remove_leftovers()?;
        Ok(w)
    }

    /// The working manifest: committed state plus what this writer staged.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Deletes files no manifest names: leftovers of an interrupted write.
    fn remove_leftovers(&mut self) -> Result<()> {
        let keep = self.manifest.referenced_files();
        let _ = fs::remove_file(self.root.join(format!("{MANIFEST}.tmp")));
        for dir in ["tables", "rejects", "fraud", "persons"] {
            let base = self.root.join(dir);
            if !base.is_dir() {
                continue;
            }
            for path in walk_files(&base)? {
                let rel = relative(&self.root, &path);
                if !keep.contains(&rel) {
                    tracing::debug!("removing leftover {rel}");
                    io(&path, fs::remove_file(&path))?;
                }
            }
        }
        Ok(())
    }

    /// Registers a new import and returns its id (`imp-000001`, …).
    pub fn begin_import(&mut self, format: &str, files: Vec<String>) -> String {
        let id = format!("imp-{:06}", self.manifest.next_import);
        self.manifest.next_import += 1;
        self.manifest.imports.push(ImportRecord {
            id: id.clone(),
            format: format.to_owned(),
            files,
            started_at: chrono::Utc::now().to_rfc3339(),
            ..ImportRecord::default()
        });
        id
    }

    pub fn import_mut(&mut self, id: &str) -> Option<&mut ImportRecord> {
        self.manifest.imports.iter_mut().find(|i| i.id == id)
    }

    /// Where an import's rejects go: (path relative to the root, absolute path).
    pub fn rejects_path(&self, import_id: &str) -> Result<(String, PathBuf)> {
        let dir = self.root.join("rejects");
        io(&dir, fs::create_dir_all(&dir))?;
        let rel = format!("rejects/{import_id}.ndjson");
        Ok((rel.clone(), self.root.join(rel)))
    }

    pub fn own_mut(&mut self) -> &mut BTreeSet<String> {
        &mut self.manifest.own
    }

    pub fn personal_mut(&mut self) -> &mut BTreeSet<String> {
        &mut self.manifest.personal
    }

    pub fn friends_mut(&mut self) -> &mut BTreeSet<String> {
        &mut self.manifest.friends
    }

    pub fn settings_mut(&mut self) -> &mut BTreeMap<String, String> {
        &mut self.manifest.settings
    }

    pub fn topics_mut(&mut self) -> &mut BTreeMap<String, Vec<String>> {
        &mut self.manifest.topics
    }

    fn new_file_stem(&mut self, table: Table, tag: &str) -> Result<(String, PathBuf)> {
        let dir = self.root.join("tables").join(table.name());
        io(&dir, fs::create_dir_all(&dir))?;
        loop {
            self.next_file += 1;
            let rel = format!(
                "tables/{}/{tag}-g{}-{:04}",
                table.name(),
                self.manifest.generation,
                self.next_file
            );
            let abs = self.root.join(&rel);
            if !abs.with_extension("parquet").exists() && !abs.with_extension("keys").exists() {
                return Ok((rel, abs));
            }
        }
    }

    /// Appends the rows of `batches` (all of `table`) whose natural key the
    /// store does not hold yet, keeping the first of equal keys in input
    /// order. Staged until [`Writer::commit`].
    pub fn append(&mut self, table: Table, tag: &str, batches: &[Batch]) -> Result<AppendOutcome> {
        let mut out = AppendOutcome::default();
        for o in self.append_each(table, tag, batches)? {
            out += o;
        }
        Ok(out)
    }

    /// [`Writer::append`], telling what became of each batch's rows: the
    /// import pipeline keeps the rows of many small files in one append and
    /// still counts each file's new and duplicate records.
    pub fn append_each(
        &mut self,
        table: Table,
        tag: &str,
        batches: &[Batch],
    ) -> Result<Vec<AppendOutcome>> {
        let total: usize = batches.iter().map(|b| b.keys.len()).sum();
        let mut each = vec![AppendOutcome::default(); batches.len()];
        if total == 0 {
            return Ok(each);
        }
        // (key, batch, row), sorted: equal keys keep input order.
        let mut order: Vec<(Key, u32, u32)> = Vec::with_capacity(total);
        for (bi, b) in batches.iter().enumerate() {
            debug_assert_eq!(b.table, table);
            for (ri, k) in b.keys.iter().enumerate() {
                order.push((*k, bi as u32, ri as u32));
            }
        }
        order.par_sort_unstable();
        let mut unique: Vec<Key> = Vec::with_capacity(total);
        let mut first: Vec<(u32, u32)> = Vec::with_capacity(total);
        for &(k, b, r) in &order {
            if unique.last() != Some(&k) {
                unique.push(k);
                first.push((b, r));
            }
        }
        drop(order);
        let mut present = vec![false; unique.len()];
        if let Some(files) = self.manifest.tables.get(table.name()) {
            for run in &files.key_runs {
                let path = self.root.join(&run.file);
                let probed = self.probed.entry(run.file.clone());
                mark_stored(probed, &path, run.keys, &unique, &mut present)?;
            }
        }
        let mut keep: Vec<Vec<bool>> = batches.iter().map(|b| vec![false; b.keys.len()]).collect();
        let mut new_keys = Vec::with_capacity(unique.len());
        for ((k, (b, r)), seen) in unique.iter().zip(&first).zip(&present) {
            if !seen {
                keep[*b as usize][*r as usize] = true;
                new_keys.push(*k);
            }
        }
        let mut kept = Vec::with_capacity(batches.len());
        for ((b, mask), out) in batches.iter().zip(keep).zip(&mut each) {
            for (is_new, primary) in mask.iter().zip(&b.primary) {
                match (is_new, primary) {
                    (true, true) => out.new_primary += 1,
                    (false, true) => out.duplicate_primary += 1,
                    _ => {}
                }
            }
            out.new_rows = mask.iter().filter(|k| **k).count() as u64;
            out.duplicate_rows = mask.len() as u64 - out.new_rows;
            if out.new_rows == mask.len() as u64 {
                kept.push(b.batch.clone());
            } else if out.new_rows > 0 {
                kept.push(filter_record_batch(&b.batch, &BooleanArray::from(mask))?);
            }
        }
        if new_keys.is_empty() {
            return Ok(each);
        }
        let (rel, abs) = self.new_file_stem(table, tag)?;
        let seg_rel = format!("{rel}.parquet");
        let keys_rel = format!("{rel}.keys");
        segment::write(&abs.with_extension("parquet"), &kept)?;
        keyindex::write_run(&abs.with_extension("keys"), &new_keys)?;
        self.probed.insert(
            keys_rel.clone(),
            Probed::Filtered(keyindex::RunFilter::new(new_keys.iter().copied())),
        );
        let files = self
            .manifest
            .tables
            .entry(table.name().to_owned())
            .or_default();
        files.segments.push(Segment {
            file: seg_rel,
            rows: new_keys.len() as u64,
        });
        files.key_runs.push(KeyRun {
            file: keys_rel,
            keys: new_keys.len() as u64,
        });
        self.merge_key_runs(table)?;
        Ok(each)
    }

    /// Merges [`RUN_FANIN`] key runs of one size tier into one, as long as
    /// a tier has that many. A long import adds a run per flush and every
    /// flush asks each run's filter about its keys; merging keeps a few
    /// runs per tier (a logarithmic number) instead of one per flush, so
    /// that cost stays linear in the import's size. The replaced runs are
    /// deleted once a commit no longer names them.
    fn merge_key_runs(&mut self, table: Table) -> Result<()> {
        loop {
            let runs = &self.manifest.tables[table.name()].key_runs;
            let mut tiers: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
            for (i, run) in runs.iter().enumerate() {
                tiers
                    .entry(run.keys.max(1).ilog(RUN_FANIN as u64))
                    .or_default()
                    .push(i);
            }
            let Some(group) = tiers.into_values().find(|g| g.len() >= RUN_FANIN) else {
                return Ok(());
            };
            let group = &group[..RUN_FANIN];
            let inputs: Vec<PathBuf> = group
                .iter()
                .map(|&i| self.root.join(&runs[i].file))
                .collect();
            let (rel, abs) = self.new_file_stem(table, "merged")?;
            let merged = abs.with_extension("keys");
            let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
            let keys = keyindex::merge_runs(&input_refs, &merged)?;
            let filter = keyindex::Run::open(&merged)?.filter();
            let runs = &mut self
                .manifest
                .tables
                .get_mut(table.name())
                .expect("table present")
                .key_runs;
            for &i in group.iter().rev() {
                let old = runs.remove(i);
                self.probed.remove(&old.file);
                self.obsolete.push(old.file);
            }
            let file = format!("{rel}.keys");
            runs.push(KeyRun {
                file: file.clone(),
                keys,
            });
            self.probed.insert(file, Probed::Filtered(filter));
        }
    }

    /// Makes everything staged so far visible, atomically.
    pub fn commit(&mut self) -> Result<()> {
        for dir in ["tables", "rejects", "fraud", "persons"] {
            let d = self.root.join(dir);
            if d.is_dir() {
                for sub in walk_dirs(&d)? {
                    sync_dir(&sub)?;
                }
            }
        }
        self.manifest.generation += 1;
        self.manifest.save(&self.root)?;
        // Files the new manifest no longer names (replaced verdicts).
        for rel in std::mem::take(&mut self.obsolete) {
            let p = self.root.join(rel);
            match fs::remove_file(&p) {
                // Already gone: the commit above is what matters.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                r => io(&p, r)?,
            }
        }
        Ok(())
    }

    /// The user's verdicts by account (`levain fraud mark`).
    pub fn marks_mut(&mut self) -> &mut BTreeMap<String, FraudMark> {
        &mut self.manifest.marks
    }

    /// Stages the verdicts of a fraud detection run, replacing the previous
    /// run's at the next commit.
    pub fn set_fraud_verdicts(&mut self, batch: &RecordBatch, mut run: FraudRun) -> Result<()> {
        let dir = self.root.join("fraud");
        io(&dir, fs::create_dir_all(&dir))?;
        let rel = format!("fraud/verdicts-g{}.parquet", self.manifest.generation);
        segment::write(&self.root.join(&rel), std::slice::from_ref(batch))?;
        run.file = rel;
        if let Some(old) = self.manifest.fraud.replace(run)
            && Some(&old.file) != self.manifest.fraud.as_ref().map(|f| &f.file)
        {
            self.obsolete.push(old.file);
        }
        Ok(())
    }

    /// The user's merges and splits of persons (`levain persons merge|split`).
    pub fn person_overrides_mut(&mut self) -> &mut Vec<PersonOverride> {
        &mut self.manifest.person_overrides
    }

    /// Stages the links of an identity matching run, replacing the previous
    /// run's at the next commit.
    pub fn set_person_links(&mut self, batch: &RecordBatch, mut run: PersonsRun) -> Result<()> {
        let dir = self.root.join("persons");
        io(&dir, fs::create_dir_all(&dir))?;
        let rel = format!("persons/links-g{}.parquet", self.manifest.generation);
        segment::write(&self.root.join(&rel), std::slice::from_ref(batch))?;
        run.file = rel;
        if let Some(old) = self.manifest.persons.replace(run)
            && Some(&old.file) != self.manifest.persons.as_ref().map(|p| &p.file)
        {
            self.obsolete.push(old.file);
        }
        Ok(())
    }

    /// Rewrites each table with more than one segment or key run into
    /// segments of at most `target_rows` rows and one key run, then commits
    /// and deletes the old files. Returns (segments before, after).
    pub fn compact(&mut self, target_rows: usize) -> Result<(usize, usize)> {
        let mut before = 0;
        let mut after = 0;
        let mut obsolete = Vec::new();
        for table in Table::ALL {
            let Some(files) = self.manifest.tables.get(table.name()).cloned() else {
                continue;
            };
            before += files.segments.len();
            if files.segments.len() <= 1 && files.key_runs.len() <= 1 {
                after += files.segments.len();
                continue;
            }
            let mut segments = Vec::new();
            let mut pending: Vec<RecordBatch> = Vec::new();
            let mut pending_rows = 0usize;
            for seg in &files.segments {
                let path = self.root.join(&seg.file);
                let f = io(&path, File::open(&path))?;
                let reader = ParquetRecordBatchReaderBuilder::try_new(f)?
                    .with_batch_size(64 * 1024)
                    .build()?;
                for batch in reader {
                    let batch = batch?;
                    pending_rows += batch.num_rows();
                    pending.push(batch);
                    if pending_rows >= target_rows {
                        segments.push(self.write_compacted(table, &pending)?);
                        pending.clear();
                        pending_rows = 0;
                    }
                }
            }
            if !pending.is_empty() {
                segments.push(self.write_compacted(table, &pending)?);
            }
            let (rel, abs) = self.new_file_stem(table, "compact")?;
            let runs: Vec<PathBuf> = files
                .key_runs
                .iter()
                .map(|r| self.root.join(&r.file))
                .collect();
            let run_refs: Vec<&Path> = runs.iter().map(PathBuf::as_path).collect();
            let keys_path = abs.with_extension("keys");
            let keys = keyindex::merge_runs(&run_refs, &keys_path)?;
            after += segments.len();
            obsolete.extend(files.segments.iter().map(|s| s.file.clone()));
            obsolete.extend(files.key_runs.iter().map(|r| r.file.clone()));
            for r in &files.key_runs {
                self.probed.remove(&r.file);
            }
            let entry = self
                .manifest
                .tables
                .get_mut(table.name())
                .expect("table present");
            entry.segments = segments;
            entry.key_runs = vec![KeyRun {
                file: format!("{rel}.keys"),
                keys,
            }];
        }
        self.commit()?;
        for rel in obsolete {
            let p = self.root.join(rel);
            io(&p, fs::remove_file(&p))?;
        }
        Ok((before, after))
    }

    fn write_compacted(&mut self, table: Table, batches: &[RecordBatch]) -> Result<Segment> {
        let (rel, abs) = self.new_file_stem(table, "compact")?;
        segment::write(&abs.with_extension("parquet"), batches)?;
        Ok(Segment {
            file: format!("{rel}.parquet"),
            rows: batches.iter().map(|b| b.num_rows() as u64).sum(),
        })
    }
}

/// Sets `present[i]` for each `unique[i]` the key run at `path` (of
/// `keys` keys) holds.
fn mark_stored(
    probed: Entry<'_, String, Probed>,
    path: &Path,
    keys: u64,
    unique: &[Key],
    present: &mut [bool],
) -> Result<()> {
    let cost = walk_cost(keys, unique.len() as u64);
    let mut probed = match probed {
        // A first walk costs at most one pass.
        Entry::Vacant(v) => {
            keyindex::Run::open(path)?.mark_present(unique, 0..unique.len(), present);
            v.insert(Probed::Walked(cost));
            return Ok(());
        }
        Entry::Occupied(o) => o,
    };
    let mut run = None;
    if let Probed::Walked(walked) = probed.get_mut() {
        let r = keyindex::Run::open(path)?;
        if *walked + cost <= 2 * keys {
            r.mark_present(unique, 0..unique.len(), present);
            *walked += cost;
            return Ok(());
        }
        probed.insert(Probed::Filtered(r.filter()));
        run = Some(r);
    }
    let Probed::Filtered(filter) = probed.get() else {
        unreachable!("a filter is there or was just built")
    };
    // Keys are unique across runs: a key found in one is not looked for in
    // the others.
    let probes: Vec<usize> = (0..unique.len())
        .filter(|&i| !present[i] && filter.may_hold(unique[i]))
        .collect();
    if !probes.is_empty() {
        let run = match run {
            Some(r) => r,
            None => keyindex::Run::open(path)?,
        };
        run.mark_present(unique, probes, present);
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn walk_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in io(&d, fs::read_dir(&d))? {
            let entry = io(&d, entry)?;
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    Ok(out)
}

fn walk_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = vec![dir.to_owned()];
    let mut i = 0;
    while i < out.len() {
        let d = out[i].clone();
        for entry in io(&d, fs::read_dir(&d))? {
            let p = io(&d, entry)?.path();
            if p.is_dir() {
                out.push(p);
            }
        }
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use levain_model::rows::{DeletionRow, Provenance, Rows};

    use super::*;

    /// A batch of deletions whose natural keys are `ids`.
    fn deletions(ids: &[u32]) -> Batch {
        let mut rows = Rows::default();
        for (pos, id) in ids.iter().enumerate() {
            let record = format!("test:{id}");
            let row = DeletionRow {
                record: &record,
                channel: "test",
                actor: "test:someone",
                kind: "post",
                at: 0,
            };
            rows.deletions
                .push(&row, Key::of(&[&record]), true, pos as u64);
        }
        let prov = Provenance {
            import_id: "t",
            source_file: "t",
        };
        rows.finish(prov).pop().expect("one batch")
    }

    #[test]
    fn a_walk_costs_binary_searches_for_few_keys_and_a_pass_for_many() {
        assert_eq!(walk_cost(1_000, 0), 0);
        assert_eq!(walk_cost(100_000_000, 3_000), 3_000 * (1 + 15));
        assert_eq!(walk_cost(4_000_000, 500_000), 500_000 * 4);
        assert_eq!(walk_cost(1_000, 5_000), 1_000);
    }

    #[test]
    fn appends_keep_exactly_the_unseen_keys_across_flushes_writers_and_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open_or_create(dir.path()).unwrap();
        let root = store.root();
        let mut stored: HashSet<u32> = HashSet::new();
        let mut check = |w: &mut Writer, ids: Vec<u32>| {
            let unseen: HashSet<u32> = ids
                .iter()
                .copied()
                .filter(|i| !stored.contains(i))
                .collect();
            let out = w.append(Table::Deletions, "t", &[deletions(&ids)]).unwrap();
            assert_eq!(out.new_rows as usize, unseen.len(), "{} ids", ids.len());
            assert_eq!(out.duplicate_rows as usize, ids.len() - unseen.len());
            stored.extend(unseen);
        };
        // Flushes overlapping the previous ones, in one writer: its runs
        // are probed by every later flush, through their filters.
        let mut w = Writer::open(root).unwrap();
        for f in 0..12u32 {
            check(&mut w, (f * 700..f * 700 + 1_000).collect());
        }
        // The first eight runs (one tier) were merged into one.
        let runs = &w.manifest().tables["deletions"].key_runs;
        assert_eq!(runs.len(), 12 - RUN_FANIN + 1, "{runs:?}");
        w.commit().unwrap();
        let on_disk = fs::read_dir(root.join("tables/deletions"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension() == Some("keys".as_ref()))
            .count();
        assert_eq!(on_disk, 12 - RUN_FANIN + 1, "replaced runs are deleted");
        drop(w);
        // A new writer walks the runs while that is cheap and builds
        // their filters once walking has cost about two passes (the third
        // flush here, for the merged run and the small ones alike).
        let mut w = Writer::open(root).unwrap();
        for f in 0..3u32 {
            check(&mut w, (f * 3_000..f * 3_000 + 4_000).step_by(3).collect());
        }
        w.compact(1 << 20).unwrap();
        for f in 0..3u32 {
            check(&mut w, (f * 5_000..f * 5_000 + 6_000).step_by(7).collect());
        }
        w.commit().unwrap();
        let rows: u64 = w.manifest().tables["deletions"]
            .segments
            .iter()
            .map(|s| s.rows)
            .sum();
        assert_eq!(rows as usize, stored.len());
    }
}
