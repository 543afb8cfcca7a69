//! Bluesky repository exports: CAR v1 files of DAG-CBOR blocks, as
//! `com.atproto.sync.getRepo` (or `goat repo export`, or Settings → Export
//! my data in the app) writes them.
//!
//! The file's root is the signed commit; its `data` is the root of a Merkle
//! Search Tree whose leaves map `collection/rkey` to record CIDs. Blocks come
//! in no particular order and old (version 2) exports also hold superseded
//! commits and records, so records are found by walking the tree from the
//! commit, never by listing blocks. Every record becomes the rows a
//! Jetstream `create` of it would give ([`crate::jetstream::repo_record`]),
//! under the same keys: a CAR and a Jetstream capture of the same account
//! never count a record twice.
//!
//! Framing and CIDs are read by `iroh-car` and `cid`, blocks decoded by
//! `serde_ipld_dagcbor`. Each block's SHA-256 is checked against its CID.
//! Blocks are held in memory until the walk (a repository is its blocks;
//! one block is at most 4 MiB, iroh-car's limit). A file cut short, or a
//! block that is too large, ends reading with one reject; what the blocks
//! read so far hold is still imported, and records whose block is absent
//! (partial exports, "slices") or damaged are rejected one by one.

use std::io::{BufReader, Read};
use std::pin::Pin;
use std::task::{Context, Poll};

use cid::Cid;
use ipld_core::ipld::Ipld;
use rayon::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use levain_model::channel::BLUESKY;
use levain_model::rows::Rows;

use crate::jetstream::{Buffers, CborRecord, PROFILE, repo_record, repo_record_cbor, seen_account};
use crate::{ImportError, InputFile, Parsed, Reject, Sink, Source};

pub struct BlueskyCar;

/// The multihash code of SHA-256, the only hash atproto repositories use.
const SHA2_256: u64 = 0x12;
/// Records decoded per parallel piece, and per batch handed to the sink.
const PIECE: usize = 2048;
const BATCH: usize = 64 * 1024;

impl Source for BlueskyCar {
    fn name(&self) -> &'static str {
        "bluesky-car"
    }

    fn describe(&self) -> &'static str {
        "a Bluesky repository export (CAR v1 from com.atproto.sync.getRepo)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        header_in(head).is_some_and(|h| h.version() == 1 && !h.roots().is_empty())
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read(file, sink)
    }
}

/// The CAR header at the start of `head`, when it is one.
fn header_in(head: &[u8]) -> Option<iroh_car::CarHeader> {
    let (len, rest) = varint(head)?;
    let body = rest.get(..usize::try_from(len).ok()?)?;
    iroh_car::CarHeader::decode(body).ok()
}

/// An unsigned LEB128 varint, as CAR frames are prefixed.
fn varint(b: &[u8]) -> Option<(u64, &[u8])> {
    let mut v = 0u64;
    for (i, byte) in b.iter().enumerate().take(9) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, &b[i + 1..]));
        }
    }
    None
}

/// The commit a repository export's root names.
#[derive(Deserialize)]
struct RepoCommit {
    did: String,
    version: i64,
    data: Cid,
    rev: Option<String>,
}

/// A node of the Merkle Search Tree (atproto repository spec): the subtree
/// left of every entry, then entries with their key's shared prefix length,
/// the rest of the key, the record, and the subtree right of it.
#[derive(Deserialize)]
struct Node {
    l: Option<Cid>,
    e: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    p: usize,
    #[serde(with = "serde_bytes")]
    k: Vec<u8>,
    v: Cid,
    t: Option<Cid>,
}

/// The file's blocks by CID (CIDs are hashes already: a cheap hasher).
type Blocks = rustc_hash::FxHashMap<Cid, Block>;

/// What the blocks say about one block: its bytes, or why it is unusable.
enum Block {
    Good(Vec<u8>),
    /// Its bytes do not hash to its CID.
    Mismatch,
}

/// A leaf of the tree: `collection/rkey` and the record's CID.
struct Leaf {
    key: String,
    cid: Cid,
}

/// Reads a synchronous reader from iroh-car's async interface: the file is
/// read on this thread, so every poll is ready. `at` follows the file's own
/// (compressed) bytes read, for progress.
struct Blocking {
    inner: BufReader<crate::input::Decoded>,
    at: std::rc::Rc<std::cell::Cell<u64>>,
}

impl tokio::io::AsyncRead for Blocking {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let me = self.get_mut();
        loop {
            match me.inner.read(buf.initialize_unfilled()) {
                Ok(n) => {
                    buf.advance(n);
                    me.at.set(me.inner.get_ref().raw_position());
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

fn read(file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let decoded = file.reader()?;
    let at = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut reader = Blocking {
        inner: BufReader::with_capacity(1 << 20, decoded),
        at: at.clone(),
    };
    let mut car = futures::executor::block_on(iroh_car::CarReader::new(&mut reader))
        .map_err(|e| file.error(format!("not a readable CAR v1 file: {e}")))?;
    let roots = car.header().roots().to_vec();
    if car.header().version() != 1 {
        return Err(file.error(format!(
            "CAR version {}; levain reads CAR v1 repository exports",
            car.header().version()
        )));
    }
    let Some(&root) = roots.first() else {
        return Err(file.error("the CAR names no root: it is not a repository export"));
    };

    // Every block, checked against its CID once all are read (in
    // parallel). Sized from the file: real records are a few hundred bytes.
    let expected = usize::try_from(file.size / 320).unwrap_or(0).min(1 << 24);
    let mut blocks: Blocks = Blocks::with_capacity_and_hasher(expected, Default::default());
    let mut stopped: Option<Reject> = None;
    let mut count = 0u64;
    let mut reported = 0u64;
    loop {
        match futures::executor::block_on(car.next_block()) {
            Ok(Some((cid, data))) => {
                count += 1;
                blocks.insert(cid, Block::Good(data));
                if count.is_multiple_of(65_536) {
                    let at = at.get();
                    sink.accept(Parsed {
                        bytes: at - reported,
                        ..Parsed::default()
                    })?;
                    reported = at;
                }
            }
            Ok(None) => break,
            Err(e) => {
                let (class, detail) = match e {
                    iroh_car::Error::LdReadTooLarge(n) => (
                        "oversized block",
                        format!(
                            "block {} declares {n} bytes, more than the 4 MiB a block may have; reading stopped there",
                            count + 1
                        ),
                    ),
                    other => (
                        "truncated file",
                        format!(
                            "the file ends or breaks inside block {} ({other}); was the download cut short? The blocks before it were read",
                            count + 1
                        ),
                    ),
                };
                stopped = Some(Reject::new(count + 1, class, detail, b""));
                break;
            }
        }
    }
    drop(car);
    let total_bytes = at.get();
    let damaged: Vec<Cid> = blocks
        .par_iter()
        .filter(|(cid, b)| match b {
            Block::Good(data) => {
                cid.hash().code() == SHA2_256
                    && Sha256::digest(data).as_slice() != cid.hash().digest()
            }
            Block::Mismatch => false,
        })
        .map(|(cid, _)| *cid)
        .collect();
    for cid in damaged {
        blocks.insert(cid, Block::Mismatch);
    }

    let commit = match blocks.get(&root) {
        Some(Block::Good(b)) => b,
        Some(Block::Mismatch) => {
            return Err(file.error(format!(
                "the root block {root} does not match its CID: the file is damaged"
            )));
        }
        None => {
            let why = if stopped.is_some() {
                "the file is cut short"
            } else {
                "is this a complete repository export?"
            };
            return Err(file.error(format!(
                "the CAR's root {root} is not among its blocks ({why})"
            )));
        }
    };
    let commit: RepoCommit = serde_ipld_dagcbor::from_slice(commit).map_err(|e| {
        file.error(format!(
            "the CAR's root {root} is not a repository commit ({e}): this CAR is not a Bluesky repository export"
        ))
    })?;
    if !(2..=3).contains(&commit.version) || !commit.did.starts_with("did:") {
        return Err(file.error(format!(
            "the root commit says repository version {} of `{}`; levain reads versions 2 and 3 of a DID's repository",
            commit.version, commit.did
        )));
    }
    // Records without a valid `createdAt` are dated by the commit's
    // revision (a TID: microseconds), else by the file's modification time.
    let time_us = commit
        .rev
        .as_deref()
        .and_then(tid_micros)
        .or_else(|| modified_micros(file))
        .unwrap_or(0);

    let mut walk = Walk {
        blocks: &blocks,
        leaves: Vec::with_capacity(blocks.len()),
        rejects: Vec::new(),
    };
    walk.node(commit.data, String::new(), 0);
    let Walk {
        leaves,
        rejects: walk_rejects,
        ..
    } = walk;

    let account = format!("{BLUESKY}:{}", commit.did);
    let mut first = Parsed {
        records: walk_rejects.len() as u64 + u64::from(stopped.is_some()),
        rejects: walk_rejects,
        bytes: total_bytes - reported,
        ..Parsed::default()
    };
    first.rejects.extend(stopped);
    seen_account(&commit.did, &account, time_us, 0, &mut first.rows);
    sink.accept(first)?;

    // Only record blocks are needed from here on, each until its records
    // are decoded: memory falls as rows are made (a block two leaves name
    // is kept to the end).
    let mut shared: rustc_hash::FxHashSet<Cid> = Default::default();
    {
        let mut named: rustc_hash::FxHashSet<&Cid> =
            rustc_hash::FxHashSet::with_capacity_and_hasher(leaves.len(), Default::default());
        for leaf in &leaves {
            if !named.insert(&leaf.cid) {
                shared.insert(leaf.cid);
            }
        }
        blocks.retain(|cid, _| named.contains(cid));
    }
    blocks.shrink_to_fit();
    for (b, batch) in leaves.chunks(BATCH).enumerate() {
        let parsed: Vec<Parsed> = batch
            .par_chunks(PIECE)
            .enumerate()
            .map(|(i, piece)| {
                let first_pos = (b * BATCH + i * PIECE) as u64 + 1;
                records(&commit.did, &account, time_us, &blocks, piece, first_pos)
            })
            .collect();
        for leaf in batch {
            if !shared.contains(&leaf.cid) {
                blocks.remove(&leaf.cid);
            }
        }
        if blocks.len() < blocks.capacity() / 4 {
            blocks.shrink_to_fit();
        }
        for p in parsed {
            sink.accept(p)?;
        }
    }
    Ok(())
}

/// Turns leaves into rows; `pos` numbers records in key order from 1.
fn records(
    did: &str,
    account: &str,
    time_us: i64,
    blocks: &Blocks,
    leaves: &[Leaf],
    first_pos: u64,
) -> Parsed {
    let mut out = Parsed {
        rows: Rows::default(),
        records: leaves.len() as u64,
        ..Parsed::default()
    };
    let mut buf = Buffers::default();
    let mut json = Vec::with_capacity(1024);
    for (i, leaf) in leaves.iter().enumerate() {
        let pos = first_pos + i as u64;
        if let Err(r) = record(
            did,
            account,
            time_us,
            blocks,
            leaf,
            pos,
            &mut out.rows,
            &mut buf,
            &mut json,
        ) {
            out.rejects.push(r);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn record(
    did: &str,
    account: &str,
    time_us: i64,
    blocks: &Blocks,
    leaf: &Leaf,
    pos: u64,
    rows: &mut Rows,
    buf: &mut Buffers,
    json: &mut Vec<u8>,
) -> Result<(), Reject> {
    let Some((collection, rkey)) = leaf
        .key
        .split_once('/')
        .filter(|(c, r)| !c.is_empty() && !r.is_empty() && !r.contains('/'))
    else {
        return Err(Reject::new(
            pos,
            "invalid field",
            format!("repository key `{}` is not `collection/rkey`", leaf.key),
            leaf.key.as_bytes(),
        ));
    };
    let bytes = match blocks.get(&leaf.cid) {
        Some(Block::Good(b)) => b,
        Some(Block::Mismatch) => {
            return Err(Reject::new(
                pos,
                "block CID mismatch",
                format!(
                    "record {} ({}): its block's bytes do not hash to its CID; the file is damaged",
                    leaf.key, leaf.cid
                ),
                leaf.key.as_bytes(),
            ));
        }
        None => {
            return Err(Reject::new(
                pos,
                "missing block",
                format!(
                    "record {} ({}) is not in the file (a partial export?)",
                    leaf.key, leaf.cid
                ),
                leaf.key.as_bytes(),
            ));
        }
    };
    // The common case: straight from DAG-CBOR to the record types.
    if let Some(decoded) = CborRecord::decode(collection, bytes) {
        let cid = (collection == PROFILE).then(|| leaf.cid.to_string());
        return repo_record_cbor(
            did,
            account,
            time_us,
            collection,
            rkey,
            decoded,
            cid.as_deref(),
            pos,
            rows,
            buf,
        );
    }
    // Other collections and records of another shape go through their JSON
    // form, as Jetstream would carry them, for the same rejects.
    let value: Ipld = serde_ipld_dagcbor::from_slice(bytes).map_err(|e| {
        Reject::new(
            pos,
            "malformed record",
            format!("record {} ({}): not DAG-CBOR: {e}", leaf.key, leaf.cid),
            leaf.key.as_bytes(),
        )
    })?;
    json.clear();
    write_json(&value, json);
    let text = std::str::from_utf8(json).expect("DAG-CBOR strings are UTF-8");
    let raw: &serde_json::value::RawValue =
        serde_json::from_str(text).expect("write_json writes valid JSON");
    let cid = leaf.cid.to_string();
    repo_record(
        did, account, time_us, collection, rkey, raw, &cid, pos, rows, buf,
    )
}

/// Walks the tree in key order, collecting leaves and rejecting what is
/// missing or damaged.
struct Walk<'a> {
    blocks: &'a Blocks,
    leaves: Vec<Leaf>,
    rejects: Vec<Reject>,
}

/// Deeper than any real tree (keys are spread by SHA-256, 4 bits a level).
const MAX_DEPTH: usize = 64;

impl Walk<'_> {
    /// `after` is the last key before this subtree, for messages.
    fn node(&mut self, cid: Cid, after: String, depth: usize) {
        let pos = self.leaves.len() as u64 + 1;
        let node = match self.blocks.get(&cid) {
            Some(Block::Good(b)) => serde_ipld_dagcbor::from_slice::<Node>(b),
            Some(Block::Mismatch) => {
                self.rejects.push(Reject::new(
                    pos,
                    "block CID mismatch",
                    format!(
                        "tree node {cid} after key `{after}`: its bytes do not hash to its CID; the records under it are left out"
                    ),
                    after.as_bytes(),
                ));
                return;
            }
            None => {
                self.rejects.push(Reject::new(
                    pos,
                    "missing block",
                    format!(
                        "tree node {cid} after key `{after}` is not in the file (a partial export?); the records under it are left out"
                    ),
                    after.as_bytes(),
                ));
                return;
            }
        };
        let node = match node {
            Ok(n) if depth < MAX_DEPTH => n,
            Ok(_) => {
                self.rejects.push(Reject::new(
                    pos,
                    "malformed tree",
                    format!("tree node {cid} is nested more than {MAX_DEPTH} deep (a cycle?)"),
                    after.as_bytes(),
                ));
                return;
            }
            Err(e) => {
                self.rejects.push(Reject::new(
                    pos,
                    "malformed tree",
                    format!("tree node {cid} after key `{after}` is not an MST node: {e}"),
                    after.as_bytes(),
                ));
                return;
            }
        };
        if let Some(l) = node.l {
            self.node(l, after.clone(), depth + 1);
        }
        let mut key: Vec<u8> = Vec::new();
        for e in node.e {
            if e.p > key.len() {
                self.rejects.push(Reject::new(
                    pos,
                    "malformed tree",
                    format!(
                        "tree node {cid}: an entry shares {} bytes with a {}-byte key",
                        e.p,
                        key.len()
                    ),
                    after.as_bytes(),
                ));
                return;
            }
            key.truncate(e.p);
            key.extend_from_slice(&e.k);
            let Ok(k) = String::from_utf8(key.clone()) else {
                self.rejects.push(Reject::new(
                    pos,
                    "malformed tree",
                    format!("tree node {cid}: a key is not UTF-8"),
                    &key,
                ));
                continue;
            };
            self.leaves.push(Leaf {
                key: k.clone(),
                cid: e.v,
            });
            if let Some(t) = e.t {
                self.node(t, k, depth + 1);
            }
        }
    }
}

/// A DAG-CBOR value as atproto's JSON form: links as `{"$link": cid}`,
/// bytes as `{"$bytes": base64}`.
fn write_json(v: &Ipld, out: &mut Vec<u8>) {
    match v {
        Ipld::Null => out.extend_from_slice(b"null"),
        Ipld::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Ipld::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Ipld::Float(f) if f.is_finite() => out.extend_from_slice(f.to_string().as_bytes()),
        Ipld::Float(_) => out.extend_from_slice(b"null"),
        Ipld::String(s) => write_str(s, out),
        Ipld::Bytes(b) => {
            out.extend_from_slice(b"{\"$bytes\":\"");
            out.extend_from_slice(data_encoding::BASE64_NOPAD.encode(b).as_bytes());
            out.extend_from_slice(b"\"}");
        }
        Ipld::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(item, out);
            }
            out.push(b']');
        }
        Ipld::Map(m) => {
            out.push(b'{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out);
                out.push(b':');
                write_json(item, out);
            }
            out.push(b'}');
        }
        Ipld::Link(c) => {
            out.extend_from_slice(b"{\"$link\":\"");
            out.extend_from_slice(c.to_string().as_bytes());
            out.extend_from_slice(b"\"}");
        }
    }
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

/// The microseconds a TID (a record key or revision) encodes: 13
/// base32-sortable characters, the top 53 of 64 bits a Unix time in µs.
pub fn tid_micros(tid: &str) -> Option<i64> {
    const ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    if tid.len() != 13 {
        return None;
    }
    let mut v: u64 = 0;
    for c in tid.bytes() {
        let d = ALPHABET.iter().position(|a| *a == c)? as u64;
        v = v.checked_mul(32)?.checked_add(d)?;
    }
    i64::try_from(v >> 10).ok()
}

fn modified_micros(file: &InputFile) -> Option<i64> {
    let t = std::fs::metadata(&file.path).ok()?.modified().ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_micros()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const CORPUS: &str = "../../../shared/fixtures/bluesky-car/jetstream-corpus";

    /// The tree walk of a real export against `goat repo ls`'s listing.
    #[test]
    fn the_walk_finds_every_record_of_a_real_export() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
        let (car, tsv) = (dir.join("repo.car"), dir.join("car_expected_records.tsv"));
        if !car.exists() {
            println!("SKIPPED: {} is absent", car.display());
            return;
        }
        let bytes = std::fs::read(&car).unwrap();
        let expected: Vec<(String, String)> = std::fs::read_to_string(&tsv)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (k, c) = l.split_once('\t').unwrap();
                (k.to_owned(), c.to_owned())
            })
            .collect();
        let mut r = futures::executor::block_on(iroh_car::CarReader::new(&bytes[..])).unwrap();
        let root = r.header().roots()[0];
        let mut blocks = Blocks::default();
        while let Some((cid, data)) = futures::executor::block_on(r.next_block()).unwrap() {
            assert_eq!(Sha256::digest(&data).as_slice(), cid.hash().digest());
            blocks.insert(cid, Block::Good(data));
        }
        let Some(Block::Good(c)) = blocks.get(&root) else {
            panic!("root")
        };
        let commit: RepoCommit = serde_ipld_dagcbor::from_slice(c).unwrap();
        let mut walk = Walk {
            blocks: &blocks,
            leaves: Vec::new(),
            rejects: Vec::new(),
        };
        walk.node(commit.data, String::new(), 0);
        assert!(walk.rejects.is_empty());
        let got: Vec<(String, String)> = walk
            .leaves
            .iter()
            .map(|l| (l.key.clone(), l.cid.to_string()))
            .collect();
        assert_eq!(got, expected);
        assert!(
            std::fs::read_to_string(dir.join("car_expected_commit.txt"))
                .unwrap()
                .contains(&commit.data.to_string())
        );
    }

    /// A CAR's root and its blocks.
    type CarBlocks = (Cid, Vec<(Cid, Vec<u8>)>);

    /// The real export's blocks, root first, or None (with a message) when
    /// the fixture is absent.
    fn corpus_blocks() -> Option<CarBlocks> {
        let car = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(CORPUS)
            .join("repo.car");
        let Ok(bytes) = std::fs::read(&car) else {
            println!("SKIPPED: {} is absent", car.display());
            return None;
        };
        let mut r = futures::executor::block_on(iroh_car::CarReader::new(&bytes[..])).unwrap();
        let root = r.header().roots()[0];
        let mut blocks = Vec::new();
        while let Some(b) = futures::executor::block_on(r.next_block()).unwrap() {
            blocks.push(b);
        }
        Some((root, blocks))
    }

    fn write_car(root: Cid, blocks: &[(Cid, Vec<u8>)]) -> Vec<u8> {
        let mut w = iroh_car::CarWriter::new(iroh_car::CarHeader::new_v1(vec![root]), Vec::new());
        for (cid, data) in blocks {
            futures::executor::block_on(w.write(*cid, data)).unwrap();
        }
        futures::executor::block_on(w.finish()).unwrap()
    }

    #[derive(Default)]
    struct Collect(Vec<Parsed>);
    impl Sink for Collect {
        fn accept(&mut self, parsed: Parsed) -> Result<(), ImportError> {
            self.0.push(parsed);
            Ok(())
        }
    }

    /// Reads `bytes` as a CAR file: (records, primary rows, rejects).
    fn import(bytes: &[u8]) -> Result<(u64, usize, Vec<Reject>), ImportError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("repo");
        std::fs::write(&path, bytes).unwrap();
        let mut sink = Collect::default();
        read(&InputFile::new(&path).unwrap(), &mut sink)?;
        let prov = levain_model::rows::Provenance {
            import_id: "t",
            source_file: "t",
        };
        let mut primary = 0;
        let mut records = 0;
        let mut rejects = Vec::new();
        for mut p in sink.0 {
            records += p.records;
            rejects.append(&mut p.rejects);
            for b in p.rows.finish(prov) {
                primary += b.primary.iter().filter(|x| **x).count();
            }
        }
        Ok((records, primary, rejects))
    }

    #[test]
    fn a_real_export_imports_every_record_once() {
        let Some((root, blocks)) = corpus_blocks() else {
            return;
        };
        let (records, primary, rejects) = import(&write_car(root, &blocks)).unwrap();
        assert!(
            rejects.is_empty(),
            "{:?}",
            rejects.iter().map(|r| &r.detail).collect::<Vec<_>>()
        );
        assert_eq!((records, primary), (23, 23));
    }

    #[test]
    fn damage_is_rejected_and_the_rest_imports() {
        let Some((root, blocks)) = corpus_blocks() else {
            return;
        };
        // A record block whose bytes no longer hash to its CID.
        let mut bad = blocks.clone();
        let i = bad.len() - 1;
        bad[i].1[5] ^= 0x20;
        let (records, primary, rejects) = import(&write_car(root, &bad)).unwrap();
        assert_eq!(records, 23);
        assert_eq!(primary, 22);
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].class, "block CID mismatch");

        // Cut short: a reject says so, what came before is imported.
        let whole = write_car(root, &blocks);
        let (records, primary, rejects) = import(&whole[..whole.len() * 2 / 3]).unwrap();
        assert!(
            rejects.iter().any(|r| r.class == "truncated file"),
            "{rejects:?}"
        );
        assert!(primary > 0 && primary < 23, "{primary}");
        assert_eq!(records as usize, primary + rejects.len());

        // A block announcing more than 4 MiB stops reading with one reject.
        let commit_only: Vec<_> = blocks.iter().filter(|(c, _)| *c == root).cloned().collect();
        let mut huge = write_car(root, &commit_only);
        huge.extend_from_slice(&[0x80, 0x80, 0x80, 0x04]); // varint 8 MiB
        huge.extend_from_slice(&[0u8; 64]);
        let (_, _, rejects) = import(&huge).unwrap();
        assert!(
            rejects.iter().any(|r| r.class == "oversized block"),
            "{rejects:?}"
        );
    }

    #[test]
    fn a_root_that_is_no_commit_is_refused() {
        let Some((root, blocks)) = corpus_blocks() else {
            return;
        };
        // The MST root as the CAR's root: a CAR, not a repository export.
        let Some(Block::Good(c)) = blocks
            .iter()
            .find(|(cid, _)| *cid == root)
            .map(|(_, d)| Block::Good(d.clone()))
        else {
            panic!("root block")
        };
        let commit: RepoCommit = serde_ipld_dagcbor::from_slice(&c).unwrap();
        let e = import(&write_car(commit.data, &blocks))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a Bluesky repository export"), "{e}");
        // A root that is not in the file at all.
        let without: Vec<_> = blocks.iter().filter(|(c, _)| *c != root).cloned().collect();
        let e = import(&write_car(root, &without)).unwrap_err().to_string();
        assert!(e.contains("not among its blocks"), "{e}");
        // Not a CAR: refused by sniffing and by reading.
        assert!(!BlueskyCar.sniff(b"{\"did\":\"did:plc:x\"}"));
        assert!(BlueskyCar.sniff(&write_car(root, &blocks)));
        assert!(import(b"\x05hello").is_err());
    }

    /// A repository's records and the Jetstream events carrying the same
    /// records give the same keys, so importing both counts nothing twice.
    #[test]
    fn car_rows_have_the_keys_jetstream_gives_the_same_records() {
        use crate::ndjson::LineFormat;
        let Some((root, blocks)) = corpus_blocks() else {
            return;
        };
        let map: Blocks = blocks
            .iter()
            .map(|(c, d)| (*c, Block::Good(d.clone())))
            .collect();
        let Some(Block::Good(c)) = map.get(&root) else {
            panic!()
        };
        let commit: RepoCommit = serde_ipld_dagcbor::from_slice(c).unwrap();
        let mut walk = Walk {
            blocks: &map,
            leaves: Vec::new(),
            rejects: Vec::new(),
        };
        walk.node(commit.data, String::new(), 0);
        let account = format!("bluesky:{}", commit.did);
        let from_car = records(&commit.did, &account, 1, &map, &walk.leaves, 1);
        let mut rows = Rows::default();
        let seen = crate::jetstream::SeenAccounts::default();
        let mut buf = Buffers::default();
        for (i, leaf) in walk.leaves.iter().enumerate() {
            let Some(Block::Good(b)) = map.get(&leaf.cid) else {
                panic!()
            };
            let mut json = Vec::new();
            write_json(&serde_ipld_dagcbor::from_slice(b).unwrap(), &mut json);
            let (collection, rkey) = leaf.key.split_once('/').unwrap();
            let line = format!(
                r#"{{"did":"{}","time_us":1,"kind":"commit","commit":{{"rev":"x","operation":"create","collection":"{collection}","rkey":"{rkey}","record":{},"cid":"{}"}}}}"#,
                commit.did,
                String::from_utf8(json).unwrap(),
                leaf.cid
            );
            crate::jetstream::Jetstream
                .parse_line(line.as_bytes(), i as u64 + 1, &mut rows, &mut buf, &seen)
                .unwrap();
        }
        let prov = levain_model::rows::Provenance {
            import_id: "t",
            source_file: "t",
        };
        let keys = |mut r: Rows| {
            let mut k: Vec<(String, u128, bool)> = r
                .finish(prov)
                .into_iter()
                .flat_map(|b| {
                    let t = b.table.name().to_owned();
                    b.keys
                        .iter()
                        .zip(&b.primary)
                        .map(|(k, p)| (t.clone(), k.0, *p))
                        .collect::<Vec<_>>()
                })
                .filter(|(t, _, _)| t != "account_observations")
                .collect();
            k.sort();
            k
        };
        let car_keys = keys(from_car.rows);
        assert_eq!(car_keys.iter().filter(|k| k.2).count(), 22);
        assert_eq!(car_keys, keys(rows));
    }

    /// The IPLD form of a JSON value (strings, integers, lists, maps).
    fn ipld(v: &serde_json::Value) -> Ipld {
        use serde_json::Value as J;
        match v {
            J::Null => Ipld::Null,
            J::Bool(b) => Ipld::Bool(*b),
            J::Number(n) => Ipld::Integer(n.as_i64().unwrap().into()),
            J::String(s) => Ipld::String(s.clone()),
            J::Array(a) => Ipld::List(a.iter().map(ipld).collect()),
            J::Object(o) => Ipld::Map(o.iter().map(|(k, v)| (k.clone(), ipld(v))).collect()),
        }
    }

    /// Every table's batches of `rows` but the "seen" observations (a CAR
    /// gives its account's once, Jetstream on an account's first event).
    fn batches_but_seen(mut rows: Rows) -> Vec<(String, RecordBatch, Vec<u128>)> {
        use datafusion::arrow::array::BooleanArray;
        let prov = levain_model::rows::Provenance {
            import_id: "t",
            source_file: "t",
        };
        rows.finish(prov)
            .into_iter()
            .map(|b| {
                let keep = BooleanArray::from(
                    b.primary
                        .iter()
                        .map(|p| *p || b.table.name() != "account_observations")
                        .collect::<Vec<_>>(),
                );
                let batch =
                    datafusion::arrow::compute::filter_record_batch(&b.batch, &keep).unwrap();
                let keys = b
                    .keys
                    .iter()
                    .zip(keep.values().iter())
                    .filter(|(_, k)| *k)
                    .map(|(k, _)| k.0)
                    .collect();
                assert_eq!(keep.len(), b.keys.len());
                (b.table.name().to_owned(), batch, keys)
            })
            .filter(|(_, b, _)| b.num_rows() > 0)
            .collect()
    }
    use datafusion::arrow::array::RecordBatch;

    /// Records decoded straight from DAG-CBOR give exactly the rows (and
    /// the reject classes) Jetstream gives the same records as JSON, quotes
    /// of every shape and mistyped fields included.
    #[test]
    fn records_decoded_from_cbor_give_the_rows_of_their_json() {
        use crate::jetstream::{FOLLOW, LIKE, POST, REPOST};
        use crate::ndjson::LineFormat;
        use serde_json::json;
        let post = |embed: serde_json::Value| {
            json!({"$type": POST, "text": "héllo \"you\"\n", "createdAt": "2024-09-09T19:46:02.102Z",
                "langs": ["fr", "en"], "tags": ["Levain"],
                "reply": {"parent": {"uri": "at://did:plc:b/app.bsky.feed.post/1", "cid": "x"},
                          "root": {"uri": "at://did:plc:c/app.bsky.feed.post/0", "cid": "y"}},
                "facets": [{"index": {"byteStart": 0, "byteEnd": 2}, "features": [
                    {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:d"},
                    {"$type": "app.bsky.richtext.facet#tag", "tag": "Rust"},
                    {"$type": "app.bsky.richtext.facet#link", "uri": "https://e.org/a"}]}],
                "embed": embed})
        };
        let quoted = json!({"uri": "at://did:plc:q/app.bsky.feed.post/9", "cid": "z"});
        let cases = vec![
            (
                POST,
                post(json!({"$type": "app.bsky.embed.record", "record": quoted})),
            ),
            (
                POST,
                post(json!({"$type": "app.bsky.embed.recordWithMedia",
                "record": {"record": quoted, "x": [1, {"uri": 2}]}, "media": {"images": []}})),
            ),
            (
                POST,
                post(json!({"$type": "app.bsky.embed.record", "record": {"uri": 5}})),
            ),
            (
                POST,
                post(json!({"$type": "app.bsky.embed.record", "record": "at://x"})),
            ),
            (
                POST,
                post(json!({"$type": "app.bsky.embed.recordWithMedia", "record": quoted})),
            ),
            (
                POST,
                post(json!({"$type": "app.bsky.embed.record", "record": null})),
            ),
            (
                POST,
                post(json!({"$type": "app.bsky.embed.external",
                "external": {"uri": "https://e.org/b", "title": "t"}})),
            ),
            (
                POST,
                post(json!({"$type": "app.bsky.embed.images", "images": [{"alt": "a"}]})),
            ),
            (POST, json!({"text": "no date", "createdAt": "yesterday"})),
            (
                POST,
                json!({"text": 5, "createdAt": "2024-09-09T19:46:02Z"}),
            ),
            (POST, json!({"createdAt": "2024-09-09T19:46:02Z"})),
            (
                POST,
                post(json!({"$type": "app.bsky.embed.external", "external": {"title": "t"}})),
            ),
            (
                LIKE,
                json!({"subject": {"uri": "at://did:plc:b/app.bsky.feed.post/1", "cid": "x"},
                "createdAt": "2024-09-09T19:46:02Z",
                "via": {"uri": "at://did:plc:v/app.bsky.feed.repost/2", "cid": "w"}}),
            ),
            (
                REPOST,
                json!({"subject": {"uri": "at://did:plc:b/app.bsky.feed.post/1", "cid": "x"},
                "createdAt": "2024-09-09T19:46:02Z"}),
            ),
            (
                LIKE,
                json!({"subject": "at://did:plc:b/app.bsky.feed.post/1"}),
            ),
            (
                FOLLOW,
                json!({"subject": "did:plc:z", "createdAt": "2024-09-09T19:46:02Z"}),
            ),
            (
                PROFILE,
                json!({"displayName": "Ann", "description": "bio", "createdAt": "2023-01-01T00:00:00Z",
                "avatar": {"$type": "blob", "size": 3}}),
            ),
            (
                "app.bsky.graph.block",
                json!({"subject": "did:plc:z", "createdAt": "2024-09-09T19:46:02Z"}),
            ),
        ];
        let did = "did:plc:a";
        let account = format!("bluesky:{did}");
        for (i, (collection, value)) in cases.iter().enumerate() {
            let value = ipld(value);
            let cbor = serde_ipld_dagcbor::to_vec(&value).unwrap();
            let digest = Sha256::digest(&cbor);
            let cid = Cid::new_v1(
                0x71,
                cid::multihash::Multihash::<64>::wrap(SHA2_256, &digest).unwrap(),
            );
            let blocks: Blocks = [(cid, Block::Good(cbor))].into_iter().collect();
            let rkey = format!("3k{i}");
            let leaf = Leaf {
                key: format!("{collection}/{rkey}"),
                cid,
            };
            let from_car = records(did, &account, 7, &blocks, std::slice::from_ref(&leaf), 1);
            let mut json_text = Vec::new();
            write_json(&value, &mut json_text);
            let line = format!(
                r#"{{"did":"{did}","time_us":7,"kind":"commit","commit":{{"rev":"x","operation":"create","collection":"{collection}","rkey":"{rkey}","record":{},"cid":"{cid}"}}}}"#,
                String::from_utf8(json_text).unwrap(),
            );
            let mut rows = Rows::default();
            let seen = crate::jetstream::SeenAccounts::default();
            let from_json = crate::jetstream::Jetstream.parse_line(
                line.as_bytes(),
                1,
                &mut rows,
                &mut Buffers::default(),
                &seen,
            );
            let what = format!("case {i}: {line}");
            match from_json {
                Ok(()) => assert!(from_car.rejects.is_empty(), "{what}"),
                Err(r) => {
                    assert_eq!(from_car.rejects.len(), 1, "{what}");
                    assert_eq!(from_car.rejects[0].class, r.class, "{what}");
                }
            }
            let (car, jet) = (batches_but_seen(from_car.rows), batches_but_seen(rows));
            assert_eq!(car.len(), jet.len(), "{what}");
            for (c, j) in car.iter().zip(&jet) {
                assert_eq!(c, j, "{what}");
            }
        }
    }

    #[test]
    fn tids_decode_to_their_time() {
        // 3jzfcijpj2z2a is the atproto spec's example TID (2023).
        let t = tid_micros("3jzfcijpj2z2a").unwrap();
        let year = chrono::DateTime::from_timestamp_micros(t)
            .unwrap()
            .format("%Y")
            .to_string();
        assert_eq!(year, "2023");
        assert_eq!(tid_micros("3jzfcijpj2z2"), None);
        assert_eq!(tid_micros("3jzfcijpj2z21"), None);
    }

    #[test]
    fn json_form_of_links_and_bytes() {
        let cid: Cid = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"
            .parse()
            .unwrap();
        let mut m = std::collections::BTreeMap::new();
        m.insert("a\"".to_owned(), Ipld::Link(cid));
        m.insert("b".to_owned(), Ipld::Bytes(vec![1, 2, 3]));
        m.insert(
            "c".to_owned(),
            Ipld::List(vec![Ipld::Integer(-5), Ipld::Null]),
        );
        let mut out = Vec::new();
        write_json(&Ipld::Map(m), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a\"":{"$link":"bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"},"b":{"$bytes":"AQID"},"c":[-5,null]}"#
        );
    }
}
