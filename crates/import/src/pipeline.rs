//! The import pipeline, written once for every source: files → rows →
//! deduplicated segments → commits.
//!
//! Rows wait per table, across files, until a table has
//! [`ImportOptions::batch_rows`] of them (or all tables hold
//! [`ImportOptions::pending_bytes`]): then they are deduplicated and written
//! as one segment, so a folder of many small documents makes few segments.
//! What was written is committed after the file in which it was written (at
//! most once a second), everything every
//! [`ImportOptions::checkpoint_records`] records and at the end, so an
//! interrupted import keeps what it committed and re-running it continues
//! where it stopped (rows already stored are duplicates). With `strict`,
//! nothing is committed unless every record of every file was read.
//!
//! A file's new and duplicate counts are known once its last rows are
//! written: [`Progress::file_done`] comes then, in file order.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::array::{RecordBatch, UInt32Array};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use levain_model::Table;
use levain_model::rows::{Batch, Provenance};
use levain_store::query::Engine;
use levain_store::{AppendOutcome, Store, Writer};
use serde::Serialize;

use crate::input::{self, InputFile};
use crate::{ImportError, Parsed, Reject, Sink, Source, source_named};

#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The format to read every file as; autodetected per file when None.
    pub format: Option<String>,
    /// Any reject or unreadable file fails the import and stores nothing.
    pub strict: bool,
    /// Rows buffered per table before they are deduplicated and written.
    pub batch_rows: usize,
    /// Bytes buffered over all tables before the largest is written.
    pub pending_bytes: usize,
    /// Records between checkpoint commits inside one file.
    pub checkpoint_records: u64,
    /// The site the files come from, for formats whose files do not always
    /// name it (Discourse); see [`Source::read_for_site`].
    pub site: Option<String>,
    /// What bare API responses are about (`mastodon-api`, `--context`).
    pub context: Option<String>,
    /// The mapping file of a generic import (`--map`).
    pub map: Option<PathBuf>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: None,
            strict: false,
            batch_rows: 512 * 1024,
            pending_bytes: 256 << 20,
            checkpoint_records: 4_000_000,
            site: None,
            context: None,
            map: None,
        }
    }
}

/// Reports progress; the CLI draws a bar with it.
pub trait Progress {
    fn file_started(&self, _file: &InputFile, _format: &str) {}
    fn advance(&self, _bytes: u64) {}
    fn file_done(&self, _file: &FileSummary) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

/// The `--json` summary of `levain import`. `imported`, `duplicates`,
/// `rejected` and `rejects_file` are a stable contract.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub rejects_file: Option<String>,
    pub import_id: Option<String>,
    /// Whether anything was committed (false under `--strict` with problems).
    pub committed: bool,
    /// New rows per table.
    pub rows: BTreeMap<String, u64>,
    /// Rejects by reason class.
    pub reasons: BTreeMap<String, u64>,
    pub files: Vec<FileSummary>,
    /// Files that could not be read at all.
    pub errors: Vec<FileProblem>,
    /// Files in a directory that are not a format levain reads.
    pub skipped: Vec<FileProblem>,
    pub seconds: f64,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub format: String,
    pub bytes: u64,
    pub records: u64,
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileProblem {
    pub path: String,
    pub message: String,
}

/// Imports `paths` (files or directories) into `store`.
pub fn import_paths(
    store: &Store,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<Summary, ImportError> {
    let started = Instant::now();
    let named = match &opts.format {
        Some(f) => Some(source_named(f).ok_or_else(|| {
            let names: Vec<&str> = crate::sources().iter().map(|s| s.name()).collect();
            ImportError::file(
                f,
                format!("unknown format; levain reads {}", names.join(", ")),
            )
        })?),
        None => None,
    };
    let mut summary = Summary::default();
    let mut plan: Vec<(InputFile, &'static dyn Source)> = Vec::new();
    for (file, from_dir) in input::expand(paths)? {
        match input::choose(&file, named) {
            Ok(src) => plan.push((file, src)),
            Err(e) => {
                let problem = FileProblem {
                    path: file.display.clone(),
                    message: match e {
                        ImportError::File { message, .. } => message,
                        other => other.to_string(),
                    },
                };
                if from_dir && named.is_none() {
                    summary.skipped.push(problem);
                } else {
                    summary.errors.push(problem);
                }
            }
        }
    }
    if plan.is_empty() {
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    }
    let mut writer = store.writer()?;
    let mut formats: Vec<&str> = plan.iter().map(|(_, s)| s.name()).collect();
    formats.dedup();
    let import_id = writer.begin_import(
        &formats.join(","),
        plan.iter().map(|(f, _)| f.display.clone()).collect(),
    );
    let mut p = Pipeline {
        writer,
        import_id: import_id.clone(),
        opts,
        pending: BTreeMap::new(),
        pending_bytes: 0,
        deferred: Vec::new(),
        rejects: None,
        totals: AppendOutcome::default(),
        rows: BTreeMap::new(),
        reasons: BTreeMap::new(),
        rejected: 0,
        files: Vec::with_capacity(plan.len()),
        read: 0,
        reported: 0,
        written: false,
        since_checkpoint: 0,
        last_commit: Instant::now(),
        progress,
    };
    summary.import_id = Some(import_id);
    read_all(&plan, &mut p, &mut summary)?;
    let t = Instant::now();
    p.flush_all()?;
    tracing::info!("final flush in {:.2} s", t.elapsed().as_secs_f64());
    p.report_done();
    debug_assert_eq!(p.reported, p.files.len());
    p.resolve_deferred()?;
    let clean = p.rejected == 0 && summary.errors.is_empty();
    summary.committed = !opts.strict || clean;
    if summary.committed {
        p.commit(true)?;
    }
    summary.imported = p.totals.new_primary;
    summary.duplicates = p.totals.duplicate_primary;
    summary.rejected = p.rejected;
    summary.rejects_file = p.rejects_file_path();
    summary.rows = p.rows.clone();
    summary.reasons = p.reasons.clone();
    summary.files = std::mem::take(&mut p.files);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The least time between two commits after whole files.
const COMMIT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// What the reading thread tells the pipeline, in file order.
enum Msg {
    /// Reading `plan[i]` starts.
    Start(usize),
    Parsed(Box<Parsed>),
    /// The file was read to its end, or could not be.
    Done(Result<(), ImportError>),
}

/// Sends what a source parsed to the pipeline on another thread.
struct ChannelSink<'a>(&'a std::sync::mpsc::SyncSender<Msg>);

impl Sink for ChannelSink<'_> {
    fn accept(&mut self, parsed: Parsed) -> Result<(), ImportError> {
        self.0
            .send(Msg::Parsed(Box::new(parsed)))
            .map_err(|_| ImportError::file("import", "stopped"))
    }
}

/// Reads the files one after the other on one producer thread while this
/// thread deduplicates and writes what it produced: parsing and writing
/// overlap, and the bounded channel keeps memory bounded. (One thread for
/// all files: a folder of many small documents would otherwise spend its
/// time starting threads.)
fn read_all(
    plan: &[(InputFile, &'static dyn Source)],
    p: &mut Pipeline,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    let opts = p.opts;
    let ctx = crate::ReadContext {
        site: opts.site.as_deref(),
        context: opts.context.as_deref(),
        map: opts.map.as_deref(),
    };
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Msg>(8);
        let ctx = &ctx;
        let producer = scope.spawn(move || {
            for (i, (file, src)) in plan.iter().enumerate() {
                if tx.send(Msg::Start(i)).is_err() {
                    return;
                }
                let read = src.read_with(file, ctx, &mut ChannelSink(&tx));
                if tx.send(Msg::Done(read)).is_err() {
                    return;
                }
            }
        });
        let mut busy = std::time::Duration::ZERO;
        let started = Instant::now();
        let mut consumed = Ok(());
        for msg in rx {
            let t = Instant::now();
            consumed = p.take(msg, plan, summary);
            busy += t.elapsed();
            if consumed.is_err() {
                // Dropping the channel stops the producer.
                break;
            }
        }
        producer.join().expect("the reader thread does not panic");
        tracing::info!(
            "{} files: {:.2} s, of which {:.2} s deduplicating and writing",
            plan.len(),
            started.elapsed().as_secs_f64(),
            busy.as_secs_f64()
        );
        consumed
    })
}

/// Batches of one table waiting to be deduplicated and written, with the
/// index of the file each came from (in file order).
#[derive(Default)]
struct Pending {
    batches: Vec<Batch>,
    files: Vec<usize>,
    rows: usize,
    bytes: usize,
}

struct Pipeline<'a> {
    writer: Writer,
    import_id: String,
    opts: &'a ImportOptions,
    pending: BTreeMap<Table, Pending>,
    pending_bytes: usize,
    /// Unfollows whose target is not known yet: resolved from the follow
    /// records they end once everything else is written.
    deferred: Vec<Batch>,
    rejects: Option<(String, BufWriter<File>)>,
    totals: AppendOutcome,
    rows: BTreeMap<String, u64>,
    reasons: BTreeMap<String, u64>,
    rejected: u64,
    /// Every file started so far; the last is the one being read.
    files: Vec<FileSummary>,
    /// Files read to the end.
    read: usize,
    /// Files whose counts are final and were reported to `progress`.
    reported: usize,
    /// Whether segments were written since the last commit.
    written: bool,
    since_checkpoint: u64,
    last_commit: Instant,
    progress: &'a dyn Progress,
}

impl Sink for Pipeline<'_> {
    fn accept(&mut self, mut parsed: Parsed) -> Result<(), ImportError> {
        for r in &parsed.rejects {
            self.write_reject(r)?;
        }
        let fi = self.files.len() - 1;
        let file = &mut self.files[fi];
        file.records += parsed.records;
        file.rejected += parsed.rejects.len() as u64;
        self.since_checkpoint += parsed.records;
        let prov = Provenance {
            import_id: &self.import_id,
            source_file: &self.files[fi].path,
        };
        if let Some(u) = parsed.rows.finish_unresolved(prov) {
            self.deferred.push(u);
            // Each piece's batch keeps its builders' spare capacity: merge
            // them now and then so the deferred rows cost only their size.
            if self.deferred.len() >= 256 {
                let merged = concat(std::mem::take(&mut self.deferred))?;
                self.deferred.push(merged);
            }
        }
        for mut batch in parsed.rows.finish(prov) {
            let table = batch.table;
            if batch.keys.len() < SMALL_BATCH {
                // The builders' spare capacity would outweigh the rows of a
                // small file many times over while they wait.
                batch.batch = shrink(batch.batch)?;
                batch.keys.shrink_to_fit();
                batch.primary.shrink_to_fit();
            }
            let bytes = held_bytes(&batch);
            let entry = self.pending.entry(table).or_default();
            entry.rows += batch.keys.len();
            entry.bytes += bytes;
            entry.batches.push(batch);
            entry.files.push(fi);
            self.pending_bytes += bytes;
            if entry.rows >= self.opts.batch_rows {
                self.flush(table)?;
            }
        }
        // Bound memory across tables too: flush the largest while over budget.
        while self.pending_bytes > self.opts.pending_bytes {
            let largest = self
                .pending
                .iter()
                .max_by_key(|(_, p)| p.bytes)
                .map(|(t, _)| *t)
                .expect("pending is not empty when over budget");
            self.flush(largest)?;
        }
        self.progress.advance(parsed.bytes);
        if !self.opts.strict && self.since_checkpoint >= self.opts.checkpoint_records {
            self.flush_all()?;
            self.commit(false)?;
            self.since_checkpoint = 0;
        }
        Ok(())
    }
}

impl Pipeline<'_> {
    /// Handles one message of the reading thread.
    fn take(
        &mut self,
        msg: Msg,
        plan: &[(InputFile, &'static dyn Source)],
        summary: &mut Summary,
    ) -> Result<(), ImportError> {
        match msg {
            Msg::Start(i) => {
                let (file, src) = &plan[i];
                self.files.push(FileSummary {
                    path: file.display.clone(),
                    format: src.name().to_owned(),
                    bytes: file.size,
                    ..FileSummary::default()
                });
                self.progress.file_started(file, src.name());
            }
            Msg::Parsed(parsed) => self.accept(*parsed)?,
            Msg::Done(read) => {
                match read {
                    Ok(()) => {}
                    Err(e @ (ImportError::File { .. } | ImportError::Io { .. })) => {
                        summary.errors.push(FileProblem {
                            path: self.files[self.read].path.clone(),
                            message: match e {
                                ImportError::File { message, .. } => message,
                                other => other.to_string(),
                            },
                        });
                    }
                    Err(e) => return Err(e),
                }
                self.read += 1;
                self.report_done();
                // Folders of many small files (API pages, collector spools)
                // would spend their time committing: commit what was
                // written at most every second.
                if !self.opts.strict
                    && self.written
                    && self.last_commit.elapsed() >= COMMIT_INTERVAL
                {
                    self.commit(false)?;
                }
            }
        }
        Ok(())
    }

    fn write_reject(&mut self, r: &Reject) -> Result<(), ImportError> {
        self.rejected += 1;
        *self.reasons.entry(r.class.to_owned()).or_default() += 1;
        if self.rejects.is_none() {
            let (rel, abs) = self.writer.rejects_path(&self.import_id)?;
            let f = File::create(&abs).map_err(|source| ImportError::Io {
                path: abs.display().to_string(),
                source,
            })?;
            self.rejects = Some((rel, BufWriter::new(f)));
        }
        let (rel, w) = self.rejects.as_mut().expect("just set");
        let line = serde_json::json!({
            "file": self.files.last().map(|f| f.path.as_str()),
            "line": r.pos,
            "reason": r.class,
            "detail": r.detail,
            "raw": r.raw,
        });
        serde_json::to_writer(&mut *w, &line)
            .map_err(std::io::Error::from)
            .and_then(|_| w.write_all(b"\n"))
            .map_err(|source| ImportError::Io {
                path: rel.clone(),
                source,
            })
    }

    fn rejects_file_path(&self) -> Option<String> {
        self.rejects
            .as_ref()
            .map(|(rel, _)| self.writer.root().join(rel).display().to_string())
    }

    /// Counts what an append did with rows of file `file` (None: rows of
    /// no one file, the deferred unfollows).
    fn count(&mut self, table: Table, file: Option<usize>, o: AppendOutcome) {
        self.totals += o;
        if let Some(f) = file {
            self.files[f].imported += o.new_primary;
            self.files[f].duplicates += o.duplicate_primary;
        }
        *self.rows.entry(table.name().to_owned()).or_default() += o.new_rows;
        self.written |= o.new_rows > 0;
    }

    fn flush(&mut self, table: Table) -> Result<(), ImportError> {
        let Some(p) = self.pending.remove(&table) else {
            return Ok(());
        };
        self.pending_bytes -= p.bytes;
        let each = self
            .writer
            .append_each(table, &self.import_id, &p.batches)?;
        for (o, f) in each.into_iter().zip(p.files) {
            self.count(table, Some(f), o);
        }
        self.report_done();
        Ok(())
    }

    fn flush_all(&mut self) -> Result<(), ImportError> {
        let tables: Vec<Table> = self.pending.keys().copied().collect();
        for t in tables {
            self.flush(t)?;
        }
        Ok(())
    }

    /// Reports, in order, the files read to the end none of whose rows wait
    /// any longer: their counts are final.
    fn report_done(&mut self) {
        let waiting = self
            .pending
            .values()
            .filter_map(|p| p.files.first().copied())
            .min()
            .unwrap_or(usize::MAX);
        let upto = self.read.min(waiting);
        while self.reported < upto {
            self.progress.file_done(&self.files[self.reported]);
            self.reported += 1;
        }
    }

    fn commit(&mut self, complete: bool) -> Result<(), ImportError> {
        if let Some((rel, w)) = &mut self.rejects {
            w.flush()
                .and_then(|_| w.get_ref().sync_all())
                .map_err(|source| ImportError::Io {
                    path: rel.clone(),
                    source,
                })?;
        }
        let rejects_rel = self.rejects.as_ref().map(|(rel, _)| rel.clone());
        let rec = self
            .writer
            .import_mut(&self.import_id)
            .expect("import registered");
        rec.imported = self.totals.new_primary;
        rec.duplicates = self.totals.duplicate_primary;
        rec.rejected = self.rejected;
        rec.rejects_file = rejects_rel;
        rec.rows = self.rows.clone();
        rec.complete = complete;
        if complete {
            rec.finished_at = Some(chrono::Utc::now().to_rfc3339());
        }
        self.writer.commit()?;
        self.written = false;
        self.last_commit = Instant::now();
        Ok(())
    }

    /// Fills in the target of deferred unfollows from the follow records they
    /// end (in this import or any earlier one), then writes them. An unfollow
    /// whose follow was never imported keeps an empty target.
    fn resolve_deferred(&mut self) -> Result<(), ImportError> {
        if self.deferred.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let schema = Table::Interactions.schema();
        let Batch {
            batch: all,
            keys,
            primary,
            ..
        } = concat(std::mem::take(&mut self.deferred))?;
        let n = all.num_rows();
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        fields.push(Field::new("pending_index", DataType::UInt32, false));
        let mut cols = all.columns().to_vec();
        cols.push(Arc::new(UInt32Array::from_iter_values(0..n as u32)));
        let pending_schema = Arc::new(Schema::new(fields));
        let pending = RecordBatch::try_new(pending_schema.clone(), cols)
            .map_err(levain_store::StoreError::from)?;
        let engine = Engine::new(self.writer.root(), self.writer.manifest())?;
        engine
            .context()
            .register_table(
                "pending_unfollows",
                Arc::new(
                    MemTable::try_new(pending_schema, vec![vec![pending]])
                        .map_err(levain_store::StoreError::from)?,
                ),
            )
            .map_err(levain_store::StoreError::from)?;
        let cols: Vec<String> = schema
            .fields()
            .iter()
            .map(|f| match f.name().as_str() {
                "target_account" => {
                    "COALESCE(u.target_account, f.target_account) AS target_account".to_owned()
                }
                name => format!("u.\"{name}\""),
            })
            .collect();
        let sql = format!(
            "SELECT {} FROM pending_unfollows u
             LEFT JOIN (SELECT record, min(target_account) AS target_account
                        FROM interactions_raw WHERE kind = 'follow' AND record IS NOT NULL
                        GROUP BY record) f
             ON u.ends = f.record
             ORDER BY u.pending_index",
            cols.join(", ")
        );
        let (_, out) = engine.sql(&sql)?;
        let resolved: Vec<RecordBatch> = out
            .iter()
            .map(|b| RecordBatch::try_new(schema.clone(), b.columns().to_vec()))
            .collect::<Result<_, _>>()
            .map_err(levain_store::StoreError::from)?;
        let resolved =
            concat_batches(&schema, &resolved).map_err(levain_store::StoreError::from)?;
        debug_assert_eq!(resolved.num_rows(), n);
        let batch = Batch {
            table: Table::Interactions,
            batch: resolved,
            keys,
            primary,
        };
        let o = self.writer.append(
            Table::Interactions,
            &self.import_id,
            std::slice::from_ref(&batch),
        )?;
        self.count(Table::Interactions, None, o);
        tracing::info!(
            "resolved the targets of {n} unfollows in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }
}

/// What a waiting batch holds in memory: its buffers, and what Arrow's
/// count leaves out (each array's allocations beside its buffers, about
/// 256 bytes; the keys and flags), which outweighs the rows of a small
/// file's batch.
fn held_bytes(batch: &Batch) -> usize {
    batch.batch.get_array_memory_size()
        + batch.batch.num_columns() * 256
        + batch.keys.capacity() * std::mem::size_of::<levain_model::keys::Key>()
        + batch.primary.capacity()
}

/// Batches of fewer rows (a small file's) are shrunk to their size while
/// they wait: the builders start with room for 1024 rows. Bigger ones (the
/// pieces of a big file) waste less than shrinking them would cost.
const SMALL_BATCH: usize = 512;

/// `batch` with its buffers' spare capacity given back.
fn shrink(batch: RecordBatch) -> Result<RecordBatch, ImportError> {
    let (schema, mut columns, _) = batch.into_parts();
    for c in &mut columns {
        datafusion::arrow::array::Array::shrink_to_fit(c);
    }
    Ok(RecordBatch::try_new(schema, columns).map_err(levain_store::StoreError::from)?)
}

/// Concatenates batches of one table into one, with their keys and flags.
fn concat(batches: Vec<Batch>) -> Result<Batch, ImportError> {
    let table = batches[0].table;
    let arrays: Vec<RecordBatch> = batches.iter().map(|b| b.batch.clone()).collect();
    let batch = concat_batches(&table.schema(), &arrays).map_err(levain_store::StoreError::from)?;
    Ok(Batch {
        table,
        batch,
        keys: batches
            .iter()
            .flat_map(|b| b.keys.iter().copied())
            .collect(),
        primary: batches
            .iter()
            .flat_map(|b| b.primary.iter().copied())
            .collect(),
    })
}
