//! The workshop's own Bluesky account as a repository export: a CAR v1
//! file as `com.atproto.sync.getRepo` returns it.
//!
//! Records (the profile, posts with reply refs and mention/tag facets,
//! likes, reposts, follows) are DAG-CBOR blocks addressed by CIDv1
//! (dag-cbor, SHA-256 of the block). Their keys, `collection/rkey` with TID
//! rkeys, go into a Merkle Search Tree built by the atproto rule: a key's
//! layer is the number of leading zero bit pairs of SHA-256(key); a node
//! holds the keys of its layer in order, with the subtree of lower keys
//! before each (`l`, then each entry's `t`), and keys in an entry are
//! compressed against the previous one (`p` shared bytes, `k` the rest).
//! The root block is a version 3 commit (`did`, `data`, `rev`, `prev`,
//! `sig`); `sig` holds placeholder bytes, as levain has no account key.
//!
//! Blocks are hashed for real: the importer checks each against its CID.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use cid::Cid;
use cid::multihash::Multihash;
use rand::Rng;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::archives::{ArchiveTruth, Gen, START};
use crate::ids::{cid as fake_cid, did, tid};

const DAG_CBOR: u64 = 0x71;
const SHA2_256: u64 = 0x12;
/// Three years, over which the records are spread.
const SPAN_US: i64 = 3 * 365 * 86_400 * 1_000_000;

/// The CIDv1 (dag-cbor, sha2-256) of a block.
pub fn block_cid(bytes: &[u8]) -> Cid {
    let digest = Sha256::digest(bytes);
    Cid::new_v1(
        DAG_CBOR,
        Multihash::<64>::wrap(SHA2_256, &digest).expect("32 bytes fit"),
    )
}

/// A key's MST layer: leading zero bits of SHA-256(key), counted in pairs.
pub fn key_layer(key: &[u8]) -> u32 {
    let mut zeros = 0;
    for b in Sha256::digest(key) {
        if b == 0 {
            zeros += 8;
        } else {
            zeros += b.leading_zeros();
            break;
        }
    }
    zeros / 2
}

#[derive(Serialize)]
struct NodeOut {
    l: Option<Cid>,
    e: Vec<EntryOut>,
}

#[derive(Serialize)]
struct EntryOut {
    p: u64,
    #[serde(with = "serde_bytes")]
    k: Vec<u8>,
    v: Cid,
    t: Option<Cid>,
}

#[derive(Serialize)]
struct CommitOut<'a> {
    did: &'a str,
    version: u64,
    data: Cid,
    rev: &'a str,
    prev: Option<Cid>,
    #[serde(with = "serde_bytes")]
    sig: Vec<u8>,
}

/// One leaf: its key, its record's CID and the key's layer.
struct Leaf {
    key: Vec<u8>,
    cid: Cid,
    layer: u32,
}

/// Builds the tree over `leaves` (sorted by key, all of layer <= `layer`),
/// pushing its node blocks; returns the root's CID, None when empty.
fn build(leaves: &[Leaf], layer: u32, blocks: &mut Vec<(Cid, Vec<u8>)>) -> Option<Cid> {
    if leaves.is_empty() {
        return None;
    }
    let here: Vec<usize> = (0..leaves.len())
        .filter(|&i| leaves[i].layer == layer)
        .collect();
    let below = |from: usize, to: usize, blocks: &mut Vec<(Cid, Vec<u8>)>| {
        if layer == 0 {
            None
        } else {
            build(&leaves[from..to], layer - 1, blocks)
        }
    };
    let l = below(0, here.first().copied().unwrap_or(leaves.len()), blocks);
    let mut e = Vec::with_capacity(here.len());
    let mut prev: &[u8] = b"";
    for (j, &i) in here.iter().enumerate() {
        let end = here.get(j + 1).copied().unwrap_or(leaves.len());
        let key = &leaves[i].key;
        let p = prev.iter().zip(key).take_while(|(a, b)| a == b).count();
        e.push(EntryOut {
            p: p as u64,
            k: key[p..].to_vec(),
            v: leaves[i].cid,
            t: below(i + 1, end, blocks),
        });
        prev = key;
    }
    let bytes = serde_ipld_dagcbor::to_vec(&NodeOut { l, e }).expect("a node encodes");
    let cid = block_cid(&bytes);
    blocks.push((cid, bytes));
    Some(cid)
}

/// A blocking writer seen through tokio's `AsyncWrite`, for iroh-car's
/// writer: every poll completes at once.
struct SyncWrite(BufWriter<File>);

impl tokio::io::AsyncWrite for SyncWrite {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.get_mut().0.write(buf))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().0.flush())
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().0.flush())
    }
}

fn iso_micros(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .expect("in range")
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Writes the repository of about `records` records to `path`.
pub(crate) fn write(path: &Path, seed: u64, records: u64) -> std::io::Result<ArchiveTruth> {
    let mut g = Gen::new(seed ^ 0xca5, records);
    let own = did(seed, u64::MAX);
    let member = |i: usize| did(seed, i as u64);
    let mut t = ArchiveTruth {
        format: "bluesky-car".into(),
        own: format!("bluesky:{own}"),
        ..ArchiveTruth::default()
    };
    // Record blocks, concatenated; leaves point into them.
    let mut blob: Vec<u8> = Vec::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut leaves: Vec<Leaf> = Vec::new();
    let mut add = |key: String, record: &Value| {
        let bytes = serde_ipld_dagcbor::to_vec(record).expect("a record encodes");
        let cid = block_cid(&bytes);
        spans.push((blob.len(), bytes.len()));
        blob.extend_from_slice(&bytes);
        let layer = key_layer(key.as_bytes());
        leaves.push(Leaf {
            key: key.into_bytes(),
            cid,
            layer,
        });
    };

    let start_us = START * 1_000_000;
    add(
        "app.bsky.actor.profile/self".into(),
        &json!({
            "$type": "app.bsky.actor.profile",
            "displayName": "L'Atelier du Rayon",
            "description": "Atelier vélo associatif à Lyon. Réparations, conseils, balades. latelierdurayon.fr",
            "createdAt": iso_micros(start_us - 86_400_000_000),
        }),
    );
    let follows = g.some_people(g.following);
    let mut left = [g.posts, g.shares, g.likes, follows.len() as u64];
    let total: u64 = left.iter().sum();
    let step = (SPAN_US / total.max(1) as i64).max(2);
    // Someone else's post: its URI and CID.
    let their_post = |g: &mut Gen, n: u64| {
        let who = g.rng.random_range(0..g.people.len());
        let uri = format!(
            "at://{}/app.bsky.feed.post/{}",
            member(who),
            tid(start_us - 1_000_000 * (n as i64 + 1), 7)
        );
        let c = fake_cid(uri.as_bytes());
        (uri, c)
    };
    let mut follow_at = 0;
    for i in 0..total {
        let at = start_us + i as i64 * step + g.rng.random_range(0..step / 2);
        let rkey = tid(at, seed & 1023);
        let created = iso_micros(at);
        let mut pick = g.rng.random_range(0..left.iter().sum::<u64>());
        let kind = (0..4)
            .find(|&k| {
                if pick < left[k] {
                    true
                } else {
                    pick -= left[k];
                    false
                }
            })
            .expect("some left");
        left[kind] -= 1;
        match kind {
            0 => {
                let post = g.post();
                let mut text = String::new();
                let mut facets = Vec::new();
                for &m in &post.mentions {
                    let handle = format!("@{}.bsky.social", g.people[m].handle);
                    facets.push(json!({
                        "$type": "app.bsky.richtext.facet",
                        "index": {"byteStart": text.len(), "byteEnd": text.len() + handle.len()},
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": member(m)}],
                    }));
                    text.push_str(&handle);
                    text.push(' ');
                }
                let body_at = text.len();
                text.push_str(&post.text);
                if let Some(s) = post.text.find(&format!("#{}", post.tag)) {
                    facets.push(json!({
                        "$type": "app.bsky.richtext.facet",
                        "index": {"byteStart": body_at + s, "byteEnd": body_at + s + 1 + post.tag.len()},
                        "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": post.tag}],
                    }));
                }
                let mut r = json!({
                    "$type": "app.bsky.feed.post",
                    "text": text,
                    "createdAt": created,
                    "langs": [post.lang],
                });
                if !facets.is_empty() {
                    r["facets"] = Value::Array(facets);
                }
                if let Some(to) = post.reply_to {
                    let parent = format!(
                        "at://{}/app.bsky.feed.post/{}",
                        member(to),
                        tid(at - 3_600_000_000, 3)
                    );
                    let pc = fake_cid(parent.as_bytes());
                    r["reply"] = json!({
                        "root": {"uri": parent, "cid": pc},
                        "parent": {"uri": parent, "cid": pc},
                    });
                    t.replies += 1;
                }
                t.mentions += post.mentions.len() as u64;
                t.posts += 1;
                add(format!("app.bsky.feed.post/{rkey}"), &r);
            }
            1 | 2 => {
                let (uri, c) = their_post(&mut g, i);
                let collection = if kind == 1 {
                    t.reshares += 1;
                    "app.bsky.feed.repost"
                } else {
                    t.likes += 1;
                    "app.bsky.feed.like"
                };
                add(
                    format!("{collection}/{rkey}"),
                    &json!({
                        "$type": collection,
                        "subject": {"uri": uri, "cid": c},
                        "createdAt": created,
                    }),
                );
            }
            _ => {
                let who = follows[follow_at];
                follow_at += 1;
                t.following += 1;
                add(
                    format!("app.bsky.graph.follow/{rkey}"),
                    &json!({
                        "$type": "app.bsky.graph.follow",
                        "subject": member(who),
                        "createdAt": created,
                    }),
                );
            }
        }
    }
    let last_us = start_us + total as i64 * step;

    // The tree over the sorted keys, then the commit naming its root.
    let mut order: Vec<usize> = (0..leaves.len()).collect();
    order.sort_unstable_by(|&a, &b| leaves[a].key.cmp(&leaves[b].key));
    let sorted: Vec<Leaf> = order
        .iter()
        .map(|&i| Leaf {
            key: std::mem::take(&mut leaves[i].key),
            cid: leaves[i].cid,
            layer: leaves[i].layer,
        })
        .collect();
    let top = sorted.iter().map(|l| l.layer).max().unwrap_or(0);
    let mut nodes = Vec::new();
    let data = build(&sorted, top, &mut nodes).expect("the profile at least");
    let rev = tid(last_us, seed & 1023);
    let commit = serde_ipld_dagcbor::to_vec(&CommitOut {
        did: &own,
        version: 3,
        data,
        rev: &rev,
        prev: None,
        sig: Sha256::digest(rev.as_bytes()).repeat(2),
    })
    .expect("a commit encodes");
    let root = block_cid(&commit);

    let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut car =
        iroh_car::CarWriter::new(iroh_car::CarHeader::new_v1(vec![root]), SyncWrite(file));
    let io = std::io::Error::other;
    futures::executor::block_on(async {
        car.write(root, &commit).await.map_err(io)?;
        for (c, b) in nodes.iter().rev() {
            car.write(*c, b).await.map_err(io)?;
        }
        for &i in &order {
            let (at, len) = spans[i];
            car.write(leaves[i].cid, &blob[at..at + len])
                .await
                .map_err(io)?;
        }
        let mut w = car.finish().await.map_err(io)?;
        w.0.flush()
    })?;

    t.records = 1 + t.posts + t.reshares + t.likes + t.following;
    t.rows_posts = t.posts;
    t.rows_interactions = t.reshares + t.likes + t.following + t.replies + t.mentions;
    // The account seen as the repository's owner, and its profile.
    t.rows_accounts = 2;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_follow_the_atproto_examples() {
        // From the atproto repository spec's MST examples.
        assert_eq!(key_layer(b"2653ae71"), 0);
        assert_eq!(key_layer(b"blue"), 1);
        assert_eq!(key_layer(b"app.bsky.feed.post/454397e440ec"), 4);
        assert_eq!(key_layer(b"app.bsky.feed.post/9adeb165882c"), 8);
    }
}
