//! The audience index: what `engagement` and `cohorts` read, as dense arrays.
//!
//! Both analyses look at the same small corner of the store: interactions on
//! own posts and own accounts by accounts that are not own, and follows of
//! own accounts. Over SQL they spend their time hashing long string ids
//! (`bluesky:at://did:plc:…`) in joins and distinct counts. The index holds
//! that corner once, with accounts and posts interned to dense `u32` ids:
//!
//! - `events.arrow`: every like, reshare, reply and quote with a target post,
//!   by an account that is not own, whose target post is an own post that is
//!   not a reply (`post` is then its slot, else `u32::MAX`) or whose target
//!   account is own (`cohort` = 1): `actor`, `at` (µs), `post`, `kind`
//!   (0 like, 1 reshare, 2 reply, 3 quote), sorted by (`actor`, `at`);
//! - `follows.arrow`: follows of own accounts by accounts that are not own:
//!   `actor`, `at`, `channel` (an index into `meta.json`'s `channels`),
//!   `ended` (the first deletion of the follow record, if any), sorted by
//!   (`actor`, `at`, `record`) as the acquisition's `row_number` orders them;
//! - `posts.arrow`: own posts that are not replies, by (`at`, `post`), with
//!   their channel and slot (one slot per distinct post id);
//! - `accounts.arrow`: the account ids, sorted, so an account's id is its
//!   rank (the fraud verdicts are looked up by binary search);
//! - `meta.json`: the format version, what the index was built from, the
//!   end of the data and the channel names.
//!
//! The files are uncompressed Arrow IPC, memory-mapped and read in place.
//! The index depends only on the `posts`, `interactions` and `deletions`
//! segments and on the own accounts: it lives in
//! `cache/audience-<fingerprint>/`, the fingerprint hashing exactly those,
//! so an import, a compaction or a change of own accounts leads to a new one
//! on next use (and the old one is deleted), while fraud verdicts, marks,
//! campaigns and settings, which the analyses apply at query time, do not.
//! It is written to a temporary folder and renamed, so readers never see
//! half an index; when the store is read-only it is built in memory. The
//! last index used is kept per process (the server reuses it across
//! requests).
//!
//! The DataFusion queries in [`crate::engagement`] and [`crate::cohorts`]
//! remain the reference: `LEVAIN_AUDIENCE_INDEX=off` selects them, and the
//! integration tests check both give the same reports.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, LargeStringArray, RecordBatch, StringArray,
    StringViewArray, UInt8Array, UInt16Array, UInt32Array,
};
use datafusion::arrow::buffer::Buffer;
use datafusion::arrow::datatypes::{
    DataType, Field, Int64Type, Schema, UInt8Type, UInt16Type, UInt32Type,
};
use datafusion::arrow::ipc::convert::fb_to_schema;
use datafusion::arrow::ipc::reader::{FileDecoder, read_footer_length};
use datafusion::arrow::ipc::root_as_footer;
use datafusion::arrow::ipc::writer::FileWriter;
use levain_model::Table;
use levain_store::Manifest;
use levain_store::query::Engine;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::campaigns::{self, Campaign};
use crate::cohorts::{CohortBy, Cohorts, Period};
use crate::engagement::{Engagement, PostEngagement};
use crate::settings::Weights;
use crate::{AnalyticsError, Filters, Result, rfc3339};

/// Bumped whenever the files' layout or meaning changes.
const VERSION: u32 = 1;
/// `post` of an event that is not on an own post that is not a reply.
const NO_POST: u32 = u32::MAX;
const KINDS: [&str; 4] = ["like", "reshare", "reply", "quote"];
const DAY: i64 = 86_400_000_000;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Meta {
    version: u32,
    fingerprint: String,
    data_end: Option<i64>,
    channels: Vec<String>,
    accounts: u32,
    slots: u32,
    events: u64,
    follows: u64,
}

/// An own post that is not a reply, as engagement lists them.
struct OwnPost {
    post: String,
    at: i64,
    channel: String,
    slot: u32,
}

/// The index, memory-mapped or built in memory.
pub struct AudienceIndex {
    meta: Meta,
    posts: Vec<OwnPost>,
    events: RecordBatch,
    follows: RecordBatch,
    /// Read on demand: only `--exclude-suspicious` needs the names.
    accounts: OnceLock<RecordBatch>,
    /// `accounts.arrow`, mapped when the index is (so a newer index
    /// replacing this one cannot take it away) and decoded on demand.
    accounts_file: Option<(PathBuf, Buffer)>,
}

/// Whether the analyses should use the index (`LEVAIN_AUDIENCE_INDEX=off`
/// selects the SQL reference).
pub fn enabled() -> bool {
    std::env::var("LEVAIN_AUDIENCE_INDEX").map_or(true, |v| v != "off")
}

/// The last index used by this process.
static CACHE: Mutex<Option<(PathBuf, Arc<AudienceIndex>)>> = Mutex::new(None);

/// The index for `engine`'s snapshot and `own`, from the process cache, the
/// store's `cache/` folder, or built (and saved when the store is writable).
/// `None` when the index is switched off.
pub fn for_engine(engine: &Engine, own: &[String]) -> Result<Option<Arc<AudienceIndex>>> {
    if !enabled() {
        return Ok(None);
    }
    let fp = fingerprint(engine.manifest(), own);
    let cache_dir = engine.root().join("cache");
    let dir = cache_dir.join(format!("audience-{fp}"));
    // Held while building, so concurrent requests build once.
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((d, idx)) = cache.as_ref()
        && *d == dir
    {
        return Ok(Some(idx.clone()));
    }
    let idx = match AudienceIndex::load(&dir, &fp) {
        Ok(idx) => idx,
        Err(e) => {
            if dir.exists() {
                tracing::warn!("rebuilding the audience index {}: {e}", dir.display());
            }
            let built = build(engine, own, fp.clone())?;
            match built.save(&cache_dir, &dir) {
                Ok(()) => {
                    // Mapped from the files rather than held twice.
                    drop(built);
                    AudienceIndex::load(&dir, &fp)?
                }
                Err(e) => {
                    tracing::info!(
                        "audience index kept in memory: cannot write {}: {e}",
                        dir.display()
                    );
                    built
                }
            }
        }
    };
    let idx = Arc::new(idx);
    *cache = Some((dir, idx.clone()));
    Ok(Some(idx))
}

/// What the index is built from: the format, the own accounts and the
/// segments of the three tables it reads.
fn fingerprint(manifest: &Manifest, own: &[String]) -> String {
    let mut own: Vec<&str> = own.iter().map(String::as_str).collect();
    own.sort_unstable();
    own.dedup();
    let mut basis = format!("audience index v{VERSION}\n");
    for o in own {
        basis.push_str("own ");
        basis.push_str(o);
        basis.push('\n');
    }
    for table in [Table::Posts, Table::Interactions, Table::Deletions] {
        for s in manifest.table(table).map_or(&[][..], |t| &t.segments) {
            basis.push_str(table.name());
            basis.push(' ');
            basis.push_str(&s.file);
            basis.push('\n');
        }
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(basis.as_bytes()))
}

/// A string column as DataFusion hands it over (plain, large or view).
enum Strs<'a> {
    S(&'a StringArray),
    L(&'a LargeStringArray),
    V(&'a StringViewArray),
}

impl<'a> Strs<'a> {
    fn of(a: &'a ArrayRef) -> Result<Strs<'a>> {
        Ok(match a.data_type() {
            DataType::Utf8 => Strs::S(a.as_string::<i32>()),
            DataType::LargeUtf8 => Strs::L(a.as_string::<i64>()),
            DataType::Utf8View => Strs::V(a.as_string_view()),
            t => return Err(AnalyticsError::Mixed(format!("expected strings, got {t}"))),
        })
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::S(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::L(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::V(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// `Engine::for_each_batch` with the analytics' errors.
fn each_batch(
    engine: &Engine,
    sql: &str,
    mut f: impl FnMut(&RecordBatch) -> Result<()>,
) -> Result<()> {
    let mut failed = None;
    let r = engine.for_each_batch(sql, |b| {
        f(b).map_err(|e| {
            failed = Some(e);
            datafusion::arrow::error::ArrowError::ComputeError("stopped".into()).into()
        })
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(r?),
    }
}

fn ints(a: &ArrayRef) -> Result<&Int64Array> {
    a.as_primitive_opt::<Int64Type>()
        .ok_or_else(|| AnalyticsError::Mixed(format!("expected integers, got {}", a.data_type())))
}

fn arrow_err(e: datafusion::arrow::error::ArrowError) -> AnalyticsError {
    levain_store::StoreError::from(e).into()
}

/// Interns strings to dense ids in order of first sight.
#[derive(Default)]
struct Interner {
    ids: FxHashMap<Box<str>, u32>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(s.into(), id);
        id
    }

    /// The strings sorted, and each first-sight id's rank among them.
    fn sorted(self) -> (Vec<Box<str>>, Vec<u32>) {
        let mut all: Vec<(Box<str>, u32)> = self.ids.into_iter().collect();
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut rank = vec![0u32; all.len()];
        for (r, (_, id)) in all.iter().enumerate() {
            rank[*id as usize] = r as u32;
        }
        (all.into_iter().map(|(s, _)| s).collect(), rank)
    }
}

#[derive(Clone, Copy)]
/// 16 bytes while the index is built: `tag` packs the post slot (low 29
/// bits, all ones for none), the kind (2 bits) and the cohort flag (1 bit).
struct Event {
    at: i64,
    actor: u32,
    tag: u32,
}

const SLOT_MASK: u32 = (1 << 29) - 1;

impl Event {
    fn post(&self) -> u32 {
        match self.tag & SLOT_MASK {
            SLOT_MASK => NO_POST,
            s => s,
        }
    }
    fn kind(&self) -> u8 {
        ((self.tag >> 29) & 3) as u8
    }
    fn cohort(&self) -> u8 {
        (self.tag >> 31) as u8
    }
}

struct Follow {
    at: i64,
    actor: u32,
    channel: u16,
    ended: Option<i64>,
    record: Option<Box<str>>,
}

/// Reads the store once and builds the index in memory.
fn build(engine: &Engine, own: &[String], fingerprint: String) -> Result<AudienceIndex> {
    let started = std::time::Instant::now();
    let own_in = crate::own_in(own);
    let own_set: HashSet<&str> = own.iter().map(String::as_str).collect();
    let data_end = crate::data_end(engine)?;

    let mut posts = Vec::new();
    let mut slots: FxHashMap<String, u32> = FxHashMap::default();
    each_batch(
        engine,
        &format!(
            "SELECT p.post, CAST(p.at AS BIGINT) AS t, p.channel FROM posts_raw p
             WHERE p.author IN ({own_in}) AND p.reply_to IS NULL
             ORDER BY p.at, p.post"
        ),
        |b| {
            let (post, t, channel) = (
                Strs::of(b.column(0))?,
                ints(b.column(1))?,
                Strs::of(b.column(2))?,
            );
            for r in 0..b.num_rows() {
                let post = post.get(r).unwrap_or_default().to_owned();
                let n = slots.len() as u32;
                let slot = *slots.entry(post.clone()).or_insert(n);
                posts.push(OwnPost {
                    post,
                    at: t.value(r),
                    channel: channel.get(r).unwrap_or_default().to_owned(),
                    slot,
                });
            }
            Ok(())
        },
    )?;

    if slots.len() >= SLOT_MASK as usize {
        return Err(AnalyticsError::Mixed(format!(
            "{} own posts: the audience index holds at most {SLOT_MASK}",
            slots.len()
        )));
    }
    let mut accounts = Interner::default();
    // Sized once: most stored interactions are kept, and growing by
    // doubling would briefly hold the old and the new buffer.
    let mut events: Vec<Event> =
        Vec::with_capacity(engine.manifest().rows(Table::Interactions) as usize);
    each_batch(
        engine,
        &format!(
            "SELECT actor, CAST(at AS BIGINT) AS t, kind, target_post, target_account
             FROM interactions_raw
             WHERE kind IN ('like', 'reshare', 'reply', 'quote')
               AND target_post IS NOT NULL AND actor NOT IN ({own_in})"
        ),
        |b| {
            let (actor, t, kind, post, account) = (
                Strs::of(b.column(0))?,
                ints(b.column(1))?,
                Strs::of(b.column(2))?,
                Strs::of(b.column(3))?,
                Strs::of(b.column(4))?,
            );
            for r in 0..b.num_rows() {
                let slot = post
                    .get(r)
                    .and_then(|p| slots.get(p).copied())
                    .unwrap_or(NO_POST);
                let to_own = account.get(r).is_some_and(|a| own_set.contains(a));
                if slot == NO_POST && !to_own {
                    continue;
                }
                let (Some(a), Some(k)) = (actor.get(r), kind.get(r)) else {
                    continue;
                };
                let Some(kind) = KINDS.iter().position(|x| *x == k) else {
                    continue;
                };
                events.push(Event {
                    at: t.value(r),
                    actor: accounts.intern(a),
                    tag: slot.min(SLOT_MASK) | (kind as u32) << 29 | u32::from(to_own) << 31,
                });
            }
            Ok(())
        },
    )?;

    let mut channels: Vec<String> = Vec::new();
    let mut follows: Vec<Follow> = Vec::new();
    each_batch(
        engine,
        &format!(
            "SELECT i.actor, CAST(i.at AS BIGINT) AS t, i.channel, i.record,
                    CAST(d.at AS BIGINT) AS ended
             FROM interactions_raw i
             LEFT JOIN (SELECT record, min(at) AS at FROM deletions GROUP BY record) d
               ON i.record = d.record
             WHERE i.kind = 'follow' AND i.target_account IN ({own_in})
               AND i.actor NOT IN ({own_in})"
        ),
        |b| {
            let (actor, t, channel, record, ended) = (
                Strs::of(b.column(0))?,
                ints(b.column(1))?,
                Strs::of(b.column(2))?,
                Strs::of(b.column(3))?,
                ints(b.column(4))?,
            );
            for r in 0..b.num_rows() {
                let Some(a) = actor.get(r) else { continue };
                let c = channel.get(r).unwrap_or_default();
                let channel = match channels.iter().position(|x| x == c) {
                    Some(i) => i,
                    None => {
                        channels.push(c.to_owned());
                        channels.len() - 1
                    }
                };
                follows.push(Follow {
                    at: t.value(r),
                    actor: accounts.intern(a),
                    channel: u16::try_from(channel)
                        .map_err(|_| AnalyticsError::Mixed("more than 65535 channels".into()))?,
                    ended: ended.is_valid(r).then(|| ended.value(r)),
                    record: record.get(r).map(Into::into),
                });
            }
            Ok(())
        },
    )?;

    // Ids in the order of the account names, then the arrays in id order.
    let (names, rank) = accounts.sorted();
    events
        .par_iter_mut()
        .for_each(|e| e.actor = rank[e.actor as usize]);
    events.par_sort_unstable_by_key(|e| (e.actor, e.at));
    follows
        .par_iter_mut()
        .for_each(|f| f.actor = rank[f.actor as usize]);
    // As `row_number() OVER (PARTITION BY actor ORDER BY at, record)`:
    // NULL records last.
    follows.par_sort_unstable_by(|a, b| {
        (a.actor, a.at, a.record.is_none(), &a.record).cmp(&(
            b.actor,
            b.at,
            b.record.is_none(),
            &b.record,
        ))
    });

    let meta = Meta {
        version: VERSION,
        fingerprint,
        data_end,
        channels,
        accounts: names.len() as u32,
        slots: slots.len() as u32,
        events: events.len() as u64,
        follows: follows.len() as u64,
    };
    let event_rows = events;
    let events = batch(vec![
        (
            "actor",
            Arc::new(UInt32Array::from(
                event_rows.par_iter().map(|e| e.actor).collect::<Vec<_>>(),
            )),
        ),
        (
            "at",
            Arc::new(Int64Array::from(
                event_rows.par_iter().map(|e| e.at).collect::<Vec<_>>(),
            )),
        ),
        (
            "post",
            Arc::new(UInt32Array::from(
                event_rows.par_iter().map(Event::post).collect::<Vec<_>>(),
            )),
        ),
        (
            "kind",
            Arc::new(UInt8Array::from(
                event_rows.par_iter().map(Event::kind).collect::<Vec<_>>(),
            )),
        ),
        (
            "cohort",
            Arc::new(UInt8Array::from(
                event_rows.par_iter().map(Event::cohort).collect::<Vec<_>>(),
            )),
        ),
    ])?;
    drop(event_rows);
    let follows = batch(vec![
        (
            "actor",
            Arc::new(UInt32Array::from(
                follows.iter().map(|f| f.actor).collect::<Vec<_>>(),
            )),
        ),
        (
            "at",
            Arc::new(Int64Array::from(
                follows.iter().map(|f| f.at).collect::<Vec<_>>(),
            )),
        ),
        (
            "channel",
            Arc::new(UInt16Array::from(
                follows.iter().map(|f| f.channel).collect::<Vec<_>>(),
            )),
        ),
        (
            "ended",
            Arc::new(Int64Array::from(
                follows.iter().map(|f| f.ended).collect::<Vec<_>>(),
            )),
        ),
    ])?;
    let accounts = batch(vec![(
        "account",
        Arc::new(LargeStringArray::from_iter_values(
            names.iter().map(|s| &**s),
        )),
    )])?;
    tracing::info!(
        "audience index built in {:.1} s: {} events, {} follows, {} accounts",
        started.elapsed().as_secs_f64(),
        meta.events,
        meta.follows,
        meta.accounts
    );
    Ok(AudienceIndex {
        meta,
        posts,
        events,
        follows,
        accounts: OnceLock::from(accounts),
        accounts_file: None,
    })
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch> {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), a.null_count() > 0))
            .collect::<Vec<_>>(),
    ));
    RecordBatch::try_new(schema, columns.into_iter().map(|(_, a)| a).collect()).map_err(arrow_err)
}

fn posts_batch(posts: &[OwnPost]) -> Result<RecordBatch> {
    batch(vec![
        (
            "post",
            Arc::new(StringArray::from_iter_values(
                posts.iter().map(|p| p.post.as_str()),
            )),
        ),
        (
            "at",
            Arc::new(Int64Array::from_iter_values(posts.iter().map(|p| p.at))),
        ),
        (
            "channel",
            Arc::new(StringArray::from_iter_values(
                posts.iter().map(|p| p.channel.as_str()),
            )),
        ),
        (
            "slot",
            Arc::new(UInt32Array::from_iter_values(posts.iter().map(|p| p.slot))),
        ),
    ])
}

fn io_err(path: &Path, e: std::io::Error) -> AnalyticsError {
    levain_store::StoreError::Io {
        path: path.to_owned(),
        source: e,
    }
    .into()
}

fn write_ipc(path: &Path, b: &RecordBatch) -> Result<()> {
    let file = File::create(path).map_err(|e| io_err(path, e))?;
    let mut w = FileWriter::try_new(
        std::io::BufWriter::with_capacity(1 << 20, file),
        &b.schema(),
    )
    .map_err(arrow_err)?;
    w.write(b).map_err(arrow_err)?;
    w.finish().map_err(arrow_err)?;
    let file = w
        .into_inner()
        .map_err(arrow_err)?
        .into_inner()
        .map_err(|e| io_err(path, e.into_error()))?;
    file.sync_all().map_err(|e| io_err(path, e))
}

/// The one record batch of an IPC file, read in place from a memory map.
fn read_ipc(path: &Path) -> Result<RecordBatch> {
    decode_ipc(path, &map_file(path)?)
}

/// A file mapped read-only, as an Arrow buffer that owns the mapping.
fn map_file(path: &Path) -> Result<Buffer> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    // SAFETY: the index's files are written once, to a temporary folder that
    // is renamed into place, and never modified afterwards; the map is
    // read-only.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| io_err(path, e))?;
    let len = map.len();
    if len == 0 {
        return Ok(Buffer::from_vec(Vec::<u8>::new()));
    }
    let ptr = std::ptr::NonNull::new(map.as_ptr() as *mut u8).expect("a mapping is not null");
    // SAFETY: `ptr` is valid for `len` bytes for as long as `map` lives, and
    // the buffer owns `map`.
    Ok(unsafe { Buffer::from_custom_allocation(ptr, len, Arc::new(map)) })
}

/// The one record batch of an IPC file's bytes, read in place.
fn decode_ipc(path: &Path, bytes: &Buffer) -> Result<RecordBatch> {
    let bad = |m: String| AnalyticsError::Mixed(format!("{}: {m}", path.display()));
    let len = bytes.len();
    if len < 10 {
        return Err(bad("not an Arrow IPC file".into()));
    }
    let trailer: [u8; 10] = bytes[len - 10..].try_into().expect("ten bytes");
    let footer_len = read_footer_length(trailer).map_err(arrow_err)?;
    if footer_len + 10 > len {
        return Err(bad("truncated Arrow IPC file".into()));
    }
    let footer = root_as_footer(&bytes[len - 10 - footer_len..len - 10])
        .map_err(|e| bad(format!("bad footer: {e}")))?;
    let schema = Arc::new(fb_to_schema(
        footer.schema().ok_or_else(|| bad("no schema".into()))?,
    ));
    let decoder = FileDecoder::new(schema, footer.version()).with_require_alignment(true);
    let blocks = footer
        .recordBatches()
        .ok_or_else(|| bad("no record batch".into()))?;
    if blocks.len() != 1 {
        return Err(bad(format!(
            "{} record batches, expected one",
            blocks.len()
        )));
    }
    let block = blocks.get(0);
    let block_len = block.bodyLength() as usize + block.metaDataLength() as usize;
    if block.offset() < 0 || block.offset() as usize + block_len > len {
        return Err(bad("record batch past the end of the file".into()));
    }
    let data = bytes.slice_with_length(block.offset() as usize, block_len);
    decoder
        .read_record_batch(block, &data)
        .map_err(arrow_err)?
        .ok_or_else(|| bad("empty record batch".into()))
}

impl AudienceIndex {
    /// Writes the index to `dir` (through a temporary folder in `cache`),
    /// then deletes the store's other audience indexes.
    fn save(&self, cache: &Path, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(cache).map_err(|e| io_err(cache, e))?;
        let tmp = cache.join(format!(
            ".tmp-audience-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let result = (|| {
            std::fs::create_dir(&tmp).map_err(|e| io_err(&tmp, e))?;
            write_ipc(&tmp.join("events.arrow"), &self.events)?;
            write_ipc(&tmp.join("follows.arrow"), &self.follows)?;
            write_ipc(&tmp.join("posts.arrow"), &posts_batch(&self.posts)?)?;
            write_ipc(&tmp.join("accounts.arrow"), self.accounts()?)?;
            let meta_path = tmp.join("meta.json");
            let mut f = File::create(&meta_path).map_err(|e| io_err(&meta_path, e))?;
            f.write_all(&serde_json::to_vec_pretty(&self.meta).expect("meta serializes"))
                .and_then(|()| f.sync_all())
                .map_err(|e| io_err(&meta_path, e))?;
            if dir.exists() {
                // A damaged index (a good one would have loaded).
                let _ = std::fs::remove_dir_all(dir);
            }
            std::fs::rename(&tmp, dir).map_err(|e| io_err(dir, e))?;
            levain_store::sync_dir(cache).map_err(AnalyticsError::from)
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
            // Another process may have saved the same index meanwhile.
            if AudienceIndex::load(dir, &self.meta.fingerprint).is_ok() {
                return Ok(());
            }
            return result;
        }
        // Older indexes (other snapshots, other own accounts) are stale. A
        // reader still mapping one keeps its pages until it is done.
        // Temporary folders of killed builds go too.
        if let Ok(entries) = std::fs::read_dir(cache) {
            for e in entries.flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                // Temporary folders are renamed seconds after they are
                // made: one an hour old is what a killed build left.
                let abandoned = name.starts_with(".tmp-audience-")
                    && e.metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t.elapsed().is_ok_and(|a| a.as_secs() > 3600));
                if p != dir && (name.starts_with("audience-") || abandoned) {
                    let _ = std::fs::remove_dir_all(&p);
                }
            }
        }
        Ok(())
    }

    /// Maps a saved index, checking it is complete and for `fingerprint`.
    fn load(dir: &Path, fingerprint: &str) -> Result<AudienceIndex> {
        let meta_path = dir.join("meta.json");
        let meta: Meta =
            serde_json::from_slice(&std::fs::read(&meta_path).map_err(|e| io_err(&meta_path, e))?)
                .map_err(|e| AnalyticsError::Mixed(format!("{}: {e}", meta_path.display())))?;
        let bad = |m: &str| AnalyticsError::Mixed(format!("{}: {m}", dir.display()));
        if meta.version != VERSION || meta.fingerprint != fingerprint {
            return Err(bad("built by another version or from other data"));
        }
        let events = read_ipc(&dir.join("events.arrow"))?;
        let follows = read_ipc(&dir.join("follows.arrow"))?;
        let posts_b = read_ipc(&dir.join("posts.arrow"))?;
        let shape_ok = events.num_rows() as u64 == meta.events
            && follows.num_rows() as u64 == meta.follows
            && events.schema().fields().len() == 5
            && follows.schema().fields().len() == 4
            && posts_b.schema().fields().len() == 4
            && events.column(0).as_primitive_opt::<UInt32Type>().is_some()
            && events.column(1).as_primitive_opt::<Int64Type>().is_some()
            && events.column(2).as_primitive_opt::<UInt32Type>().is_some()
            && events.column(3).as_primitive_opt::<UInt8Type>().is_some()
            && events.column(4).as_primitive_opt::<UInt8Type>().is_some()
            && follows.column(0).as_primitive_opt::<UInt32Type>().is_some()
            && follows.column(1).as_primitive_opt::<Int64Type>().is_some()
            && follows.column(2).as_primitive_opt::<UInt16Type>().is_some()
            && follows.column(3).as_primitive_opt::<Int64Type>().is_some();
        if !shape_ok {
            return Err(bad("the files do not match meta.json"));
        }
        let (post, at, channel, slot) = (
            Strs::of(posts_b.column(0))?,
            ints(posts_b.column(1))?,
            Strs::of(posts_b.column(2))?,
            posts_b
                .column(3)
                .as_primitive_opt::<UInt32Type>()
                .ok_or_else(|| bad("posts.arrow: slot is not u32"))?,
        );
        let posts: Vec<OwnPost> = (0..posts_b.num_rows())
            .map(|r| OwnPost {
                post: post.get(r).unwrap_or_default().to_owned(),
                at: at.value(r),
                channel: channel.get(r).unwrap_or_default().to_owned(),
                slot: slot.value(r),
            })
            .collect();
        let idx = AudienceIndex {
            meta,
            posts,
            events,
            follows,
            accounts: OnceLock::new(),
            accounts_file: Some((
                dir.join("accounts.arrow"),
                map_file(&dir.join("accounts.arrow"))?,
            )),
        };
        // Ids out of range would index past the per-id arrays.
        let (n, s) = (idx.meta.accounts, idx.meta.slots);
        let ids_ok = idx.ev_actor().par_iter().all(|&a| a < n)
            && idx.ev_post().par_iter().all(|&p| p < s || p == NO_POST)
            && idx
                .ev_kind()
                .par_iter()
                .all(|&k| (k as usize) < KINDS.len())
            && idx.fo_actor().par_iter().all(|&a| a < n)
            && idx
                .fo_channel()
                .iter()
                .all(|&c| (c as usize) < idx.meta.channels.len())
            && idx.posts.iter().all(|p| p.slot < s);
        if !ids_ok {
            return Err(bad("ids out of range"));
        }
        Ok(idx)
    }

    fn accounts(&self) -> Result<&RecordBatch> {
        if let Some(b) = self.accounts.get() {
            return Ok(b);
        }
        let (path, bytes) = self
            .accounts_file
            .as_ref()
            .expect("an index not built here was loaded");
        let b = decode_ipc(path, bytes)?;
        if b.num_rows() != self.meta.accounts as usize || b.num_columns() != 1 {
            return Err(AnalyticsError::Mixed(format!(
                "{}: does not match meta.json",
                path.display()
            )));
        }
        Ok(self.accounts.get_or_init(|| b))
    }

    fn ev_actor(&self) -> &[u32] {
        self.events.column(0).as_primitive::<UInt32Type>().values()
    }
    fn ev_at(&self) -> &[i64] {
        self.events.column(1).as_primitive::<Int64Type>().values()
    }
    fn ev_post(&self) -> &[u32] {
        self.events.column(2).as_primitive::<UInt32Type>().values()
    }
    fn ev_kind(&self) -> &[u8] {
        self.events.column(3).as_primitive::<UInt8Type>().values()
    }
    fn ev_cohort(&self) -> &[u8] {
        self.events.column(4).as_primitive::<UInt8Type>().values()
    }
    fn fo_actor(&self) -> &[u32] {
        self.follows.column(0).as_primitive::<UInt32Type>().values()
    }
    fn fo_at(&self) -> &[i64] {
        self.follows.column(1).as_primitive::<Int64Type>().values()
    }
    fn fo_channel(&self) -> &[u16] {
        self.follows.column(2).as_primitive::<UInt16Type>().values()
    }

    /// The latest post or interaction time in the snapshot.
    pub fn data_end(&self) -> Option<i64> {
        self.meta.data_end
    }

    /// Events in the index (interactions on own posts and accounts).
    pub fn events(&self) -> u64 {
        self.meta.events
    }

    /// Which account ids `--exclude-suspicious` leaves out (none without it).
    fn suspicious(&self, engine: &Engine, filters: &Filters) -> Result<Vec<bool>> {
        if !filters.exclude_suspicious {
            return Ok(Vec::new());
        }
        let mut out = vec![false; self.meta.accounts as usize];
        let accounts = self.accounts()?;
        let col = accounts.column(0);
        let names = Strs::of(col)?;
        let n = accounts.num_rows();
        each_batch(engine, "SELECT account FROM suspicious_accounts", |b| {
            let s = Strs::of(b.column(0))?;
            for r in 0..b.num_rows() {
                let Some(a) = s.get(r) else { continue };
                // Sorted names: binary search.
                let (mut lo, mut hi) = (0usize, n);
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    if names.get(mid).unwrap_or_default() < a {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                if lo < n && names.get(lo) == Some(a) {
                    out[lo] = true;
                }
            }
            Ok(())
        })?;
        Ok(out)
    }
}

/// Row ranges of `actors` (sorted) cut at actor boundaries, for rayon.
fn actor_ranges(actors: &[u32]) -> Vec<std::ops::Range<usize>> {
    let parts = (rayon::current_num_threads() * 8).max(1);
    let n = actors.len();
    let mut cuts = vec![0usize];
    for p in 1..parts {
        let mut c = (n * p / parts).max(*cuts.last().expect("non-empty"));
        while c > 0 && c < n && actors[c] == actors[c - 1] {
            c += 1;
        }
        if c < n && c > *cuts.last().expect("non-empty") {
            cuts.push(c);
        }
    }
    cuts.push(n);
    cuts.windows(2)
        .filter(|w| w[0] < w[1])
        .map(|w| w[0]..w[1])
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Tally {
    unique: u64,
    repeat: u64,
    one_time: u64,
}

impl Tally {
    fn add(&mut self, n: u64) {
        if n > 0 {
            self.unique += 1;
            if n >= 2 {
                self.repeat += 1;
            } else {
                self.one_time += 1;
            }
        }
    }
    fn merge(&mut self, o: &Tally) {
        self.unique += o.unique;
        self.repeat += o.repeat;
        self.one_time += o.one_time;
    }
}

/// `levain engagement` over the index: the same report as the SQL path.
pub(crate) fn engagement(
    idx: &AudienceIndex,
    engine: &Engine,
    filters: &Filters,
    weights: &Weights,
    camps: &[Campaign],
) -> Result<Engagement> {
    let suspicious = idx.suspicious(engine, filters)?;
    let slots = idx.meta.slots as usize;
    let mut out: Vec<PostEngagement> = Vec::new();
    // Per slot: how many listed posts carry it (a post id stored twice is
    // listed twice and joins twice), the last of them (which gets the
    // counts) and the sources it counts in (bit 0 organic, bit 1 paid).
    let mut mult = vec![0u64; slots];
    let mut last = vec![0usize; slots];
    let mut sources = vec![0u8; slots];
    for p in &idx.posts {
        if filters.from.is_some_and(|f| p.at < f)
            || filters.to.is_some_and(|t| p.at >= t)
            || filters.channel.as_ref().is_some_and(|c| *c != p.channel)
        {
            continue;
        }
        let paid = campaigns::classify_post(camps, &p.post, &p.channel, p.at);
        let s = p.slot as usize;
        mult[s] += 1;
        last[s] = out.len();
        sources[s] |= 1 << u8::from(paid.is_some());
        out.push(PostEngagement {
            at: rfc3339(p.at),
            paid: paid.is_some(),
            paid_rule: paid.map(|p| p.0),
            campaign: paid.map(|p| p.1.name.clone()),
            post: p.post.clone(),
            channel: p.channel.clone(),
            likes: 0,
            reshares: 0,
            replies: 0,
            quotes: 0,
            weighted: 0.0,
        });
    }
    let (actor, post, kind) = (idx.ev_actor(), idx.ev_post(), idx.ev_kind());
    let (sources, suspicious) = (&sources, &suspicious);
    let parts: Vec<(Vec<[u64; 4]>, [Tally; 3])> = actor_ranges(actor)
        .into_par_iter()
        .map(|range| {
            let mut counts = vec![[0u64; 4]; slots];
            let mut seen = vec![u32::MAX; slots];
            // Totals, organic, paid.
            let mut tallies = [Tally::default(); 3];
            let mut cur = u32::MAX;
            let mut n = [0u64; 2];
            let flush = |n: [u64; 2], t: &mut [Tally; 3]| {
                t[0].add(n[0] + n[1]);
                t[1].add(n[0]);
                t[2].add(n[1]);
            };
            for r in range {
                let a = actor[r];
                if a != cur {
                    flush(n, &mut tallies);
                    n = [0, 0];
                    cur = a;
                }
                let s = post[r];
                if s == NO_POST {
                    continue;
                }
                let src = sources[s as usize];
                if src == 0 || suspicious.get(a as usize).copied().unwrap_or(false) {
                    continue;
                }
                counts[s as usize][kind[r] as usize] += 1;
                if seen[s as usize] != a {
                    seen[s as usize] = a;
                    n[0] += u64::from(src & 1);
                    n[1] += u64::from(src >> 1);
                }
            }
            flush(n, &mut tallies);
            (counts, tallies)
        })
        .collect();
    let mut counts = vec![[0u64; 4]; slots];
    let mut tallies = [Tally::default(); 3];
    for (c, t) in &parts {
        for (a, b) in counts.iter_mut().zip(c) {
            for k in 0..4 {
                a[k] += b[k];
            }
        }
        for k in 0..3 {
            tallies[k].merge(&t[k]);
        }
    }
    for s in 0..slots {
        if mult[s] == 0 || counts[s] == [0; 4] {
            continue;
        }
        let p = &mut out[last[s]];
        let c = counts[s].map(|x| x * mult[s]);
        (p.likes, p.reshares, p.replies, p.quotes) = (c[0], c[1], c[2], c[3]);
        p.weighted = weights.score(p.likes, p.reshares, p.replies, p.quotes);
    }
    Ok(crate::engagement::finish(
        out,
        tallies.map(|t| (t.unique, t.repeat, t.one_time)),
        weights,
    ))
}

/// `levain cohorts` over the index: the same report as the SQL path.
pub(crate) fn cohorts(
    idx: &AudienceIndex,
    engine: &Engine,
    filters: &Filters,
    period_days: u32,
    by: CohortBy,
    camps: &[Campaign],
) -> Result<Cohorts> {
    let period = i64::from(period_days.max(1)) * DAY;
    let end = match (idx.data_end(), filters.to) {
        (Some(e), Some(t)) => Some(e.min(t)),
        (e, _) => e,
    };
    let suspicious = idx.suspicious(engine, filters)?;
    // Some(None): a channel no follow is on.
    let channel = filters
        .channel
        .as_ref()
        .map(|c| idx.meta.channels.iter().position(|x| x == c));
    // Acquisitions: each actor's first follow (in the channel asked for),
    // kept when it falls in the period.
    let n = idx.meta.accounts as usize;
    let (fa, ft, fc) = (idx.fo_actor(), idx.fo_at(), idx.fo_channel());
    let fe = idx.follows.column(3).as_primitive::<Int64Type>();
    let mut labels: Vec<String> = Vec::new();
    let mut label_ids: HashMap<String, u32> = HashMap::new();
    let mut months: HashMap<(i32, u32), u32> = HashMap::new();
    // Per account: cohort (u32::MAX when not a member) and acquisition time.
    let mut cohort_of = vec![u32::MAX; n];
    let mut acquired_at = vec![0i64; n];
    // Per cohort: members, and how many observed K periods / followed F.
    let mut acquired: Vec<u64> = Vec::new();
    let mut observed_hist: Vec<Vec<u64>> = Vec::new();
    let mut following_hist: Vec<Vec<u64>> = Vec::new();
    let mut r = 0;
    while r < fa.len() {
        let a = fa[r];
        let mut run_end = r;
        while run_end < fa.len() && fa[run_end] == a {
            run_end += 1;
        }
        let first = (r..run_end).find(|&i| match channel {
            None => true,
            Some(c) => c == Some(fc[i] as usize),
        });
        r = run_end;
        let Some(i) = first else { continue };
        if suspicious.get(a as usize).copied().unwrap_or(false) {
            continue;
        }
        let at = ft[i];
        if filters.from.is_some_and(|f| at < f) || filters.to.is_some_and(|t| at >= t) {
            continue;
        }
        let mut label_id = |label: String| -> u32 {
            if let Some(&id) = label_ids.get(&label) {
                return id;
            }
            let id = labels.len() as u32;
            labels.push(label.clone());
            label_ids.insert(label, id);
            acquired.push(0);
            observed_hist.push(Vec::new());
            following_hist.push(Vec::new());
            id
        };
        let c = match by {
            CohortBy::Source => label_id(
                campaigns::window_at(camps, &idx.meta.channels[fc[i] as usize], at)
                    .map_or_else(|| "organic".to_owned(), |c| format!("campaign:{}", c.name)),
            ),
            CohortBy::Month => {
                use chrono::Datelike;
                let key = chrono::DateTime::from_timestamp_micros(at)
                    .map_or((i32::MIN, 0), |d| (d.year(), d.month()));
                match months.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = label_id(rfc3339(at)[..7].to_owned());
                        months.insert(key, id);
                        id
                    }
                }
            }
        };
        cohort_of[a as usize] = c;
        acquired_at[a as usize] = at;
        acquired[c as usize] += 1;
        if let Some(end) = end {
            // Periods k observed: at + (k+1)·P ≤ end; followed through k:
            // ended ≥ at + (k+1)·P.
            let k_obs = (end - at).div_euclid(period).max(0) as usize;
            let k_fol = if fe.is_valid(i) {
                ((fe.value(i) - at).div_euclid(period).max(0) as usize).min(k_obs)
            } else {
                k_obs
            };
            for (h, k) in [
                (&mut observed_hist[c as usize], k_obs),
                (&mut following_hist[c as usize], k_fol),
            ] {
                if h.len() <= k {
                    h.resize(k + 1, 0);
                }
                h[k] += 1;
            }
        }
    }
    let Some(end) = end else {
        return Ok(Cohorts {
            period_days,
            by,
            data_end: None,
            cohorts: Vec::new(),
        });
    };
    // Members with K periods observed count in periods 0..K.
    let mut retention: Vec<Vec<Period>> = observed_hist
        .iter()
        .zip(&following_hist)
        .map(|(obs, fol)| {
            let len = obs.len().saturating_sub(1);
            let suffix = |h: &Vec<u64>| {
                let mut s = vec![0u64; len];
                let mut acc = 0;
                for k in (0..len).rev() {
                    acc += h.get(k + 1).copied().unwrap_or(0);
                    s[k] = acc;
                }
                s
            };
            let (o, f) = (suffix(obs), suffix(fol));
            (0..len)
                .map(|k| Period {
                    period: k as u32,
                    observed: o[k],
                    following: f[k],
                    engaged: 0,
                })
                .collect()
        })
        .collect();
    // Engaged: per member, the distinct periods with an interaction on an
    // own account's post at or after the acquisition.
    let (actor, at, flag) = (idx.ev_actor(), idx.ev_at(), idx.ev_cohort());
    let widths: Vec<usize> = retention.iter().map(Vec::len).collect();
    let (cohort_of, acquired_at, widths_ref) = (&cohort_of, &acquired_at, &widths);
    let engaged: Vec<Vec<u64>> = actor_ranges(actor)
        .into_par_iter()
        .map(|range| {
            let mut eng: Vec<Vec<u64>> = widths_ref.iter().map(|&w| vec![0u64; w]).collect();
            let mut cur = u32::MAX;
            let mut member: Option<(usize, i64, i64)> = None;
            let mut last_k = i64::MIN;
            for r in range {
                let a = actor[r];
                if a != cur {
                    cur = a;
                    last_k = i64::MIN;
                    let c = cohort_of[a as usize];
                    member = (c != u32::MAX).then(|| {
                        let t = acquired_at[a as usize];
                        (c as usize, t, (end - t).div_euclid(period).max(0))
                    });
                }
                let Some((c, t, k_obs)) = member else {
                    continue;
                };
                if flag[r] == 0 || at[r] < t {
                    continue;
                }
                let k = (at[r] - t) / period;
                if k >= k_obs {
                    // Sorted by time: later events are in later periods.
                    continue;
                }
                if k != last_k {
                    last_k = k;
                    eng[c][k as usize] += 1;
                }
            }
            eng
        })
        .reduce(
            || widths.iter().map(|&w| vec![0u64; w]).collect(),
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    for (p, q) in x.iter_mut().zip(y) {
                        *p += q;
                    }
                }
                a
            },
        );
    for (periods, e) in retention.iter_mut().zip(&engaged) {
        for (p, n) in periods.iter_mut().zip(e) {
            p.engaged = *n;
        }
    }
    let table: BTreeMap<String, (u64, Vec<Period>)> = labels
        .into_iter()
        .zip(acquired.into_iter().zip(retention))
        .collect();
    Ok(crate::cohorts::finish(table, by, camps, period_days, end))
}
