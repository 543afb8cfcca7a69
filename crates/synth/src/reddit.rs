//! A subreddit on the workshop's topics as Reddit data comes: a Pushshift /
//! Arctic Shift dump (`RS_…` submissions and `RC_…` comments, one JSON
//! object a line, as those dumps write them), and the own account's recent
//! comments as saved listing pages (`/user/NAME/comments.json`: a
//! `Listing` of `t1` things, 100 a page), newer than the dump.
//!
//! Some authors deleted their account (`[deleted]`): their posts are kept
//! but they are no account and reply to no one.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rand::Rng;
use serde_json::{Value, json};

use crate::archives::{ArchiveTruth, Gen, START};
use crate::text::{TOPICS, fill};

const SUB: &str = "velotaf";
const USER: &str = "atelierdurayon";
const LISTING_PAGE: usize = 100;

/// Base-36 ids, as Reddit's.
fn b36(mut n: u64) -> String {
    const D: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = Vec::new();
    loop {
        s.push(D[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

fn text(g: &mut Gen) -> String {
    let topic = &TOPICS[g.rng.random_range(0..TOPICS.len())];
    let tpls = if g.rng.random_bool(0.5) {
        topic.fr
    } else {
        topic.en
    };
    fill(tpls[g.rng.random_range(0..tpls.len())], topic.tag).0
}

/// Writes the dump and listing pages of about `records` posts into `dir`.
pub(crate) fn write(dir: &Path, seed: u64, records: u64) -> std::io::Result<ArchiveTruth> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let mut g = Gen::new(seed ^ 0x7ed, records);
    let n = records.max(20);
    let listed = (n / 200).clamp(5, 1000);
    let dumped = n - listed;
    let submissions = (dumped / 10).max(2);
    let comments = dumped - submissions;
    let span = 3 * 365 * 86_400;
    let step = (span / dumped as i64).max(1);
    let mut t = ArchiveTruth {
        format: "reddit".into(),
        own: format!("reddit:{USER}"),
        ..ArchiveTruth::default()
    };
    let mut authors: BTreeSet<usize> = BTreeSet::new();
    let people = g.people.len();
    let author = |g: &mut Gen, authors: &mut BTreeSet<usize>| -> Option<usize> {
        if g.rng.random_bool(0.03) {
            None
        } else {
            let a = g.rng.random_range(0..people);
            authors.insert(a);
            Some(a)
        }
    };
    let name_of = |g: &Gen, a: Option<usize>| {
        a.map_or("[deleted]".to_owned(), |a| g.people[a].handle.clone())
    };

    // Submissions first (RS), then comments (RC), each in time order.
    let sub_id = |i: u64| b36(60_000_000 + i);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(dir.join("RS_velotaf.ndjson"))?);
    for i in 0..submissions {
        let a = author(&mut g, &mut authors);
        let id = sub_id(i);
        let body = text(&mut g);
        let title: String = body.chars().take(60).collect();
        let line = json!({
            "id": id,
            "name": format!("t3_{id}"),
            "author": name_of(&g, a),
            "created_utc": START + i as i64 * step * 10,
            "subreddit": SUB,
            "subreddit_id": "t5_2s6kq",
            "title": title,
            "selftext": body,
            "is_self": true,
            "url": format!("https://www.reddit.com/r/{SUB}/comments/{id}/"),
            "permalink": format!("/r/{SUB}/comments/{id}/"),
            "score": g.rng.random_range(0..200),
            "num_comments": 0,
            "over_18": false,
            "retrieved_on": START + span,
        });
        serde_json::to_writer(&mut w, &line)?;
        w.write_all(b"\n")?;
        t.posts += 1;
    }
    w.flush()?;
    let mut w = BufWriter::with_capacity(1 << 20, File::create(dir.join("RC_velotaf.ndjson"))?);
    for i in 0..comments {
        let a = author(&mut g, &mut authors);
        let id = b36(900_000_000 + i);
        let at = START + i as i64 * step;
        let link = sub_id(g.rng.random_range(0..submissions));
        let parent = if i > 0 && g.rng.random_bool(0.5) {
            format!("t1_{}", b36(900_000_000 + g.rng.random_range(0..i)))
        } else {
            format!("t3_{link}")
        };
        let body = text(&mut g);
        let line = json!({
            "id": id,
            "author": name_of(&g, a),
            "created_utc": at,
            "subreddit": SUB,
            "body": body,
            "link_id": format!("t3_{link}"),
            "parent_id": parent,
            "permalink": format!("/r/{SUB}/comments/{link}/_/{id}/"),
            "score": g.rng.random_range(-3..50),
            "retrieved_on": START + span,
        });
        serde_json::to_writer(&mut w, &line)?;
        w.write_all(b"\n")?;
        t.comments += 1;
        t.replies += a.is_some() as u64;
    }
    w.flush()?;

    // The own account's latest comments, as saved listing pages.
    let mut things: Vec<Value> = Vec::new();
    for j in 0..listed {
        let id = b36(2_000_000_000 + j);
        let link = sub_id(g.rng.random_range(0..submissions));
        let at = START + span + 3600 * (listed - j) as i64;
        things.push(json!({"kind": "t1", "data": {
            "id": id,
            "name": format!("t1_{id}"),
            "author": USER,
            "created_utc": at as f64,
            "subreddit": SUB,
            "subreddit_name_prefixed": format!("r/{SUB}"),
            "body": text(&mut g),
            "link_id": format!("t3_{link}"),
            "parent_id": format!("t3_{link}"),
            "permalink": format!("/r/{SUB}/comments/{link}/_/{id}/"),
            "score": 1,
            "replies": "",
        }}));
    }
    for (p, page) in things.chunks(LISTING_PAGE).enumerate() {
        let after = page.last().map(|l| l["data"]["name"].clone());
        let doc = json!({"kind": "Listing", "data": {
            "after": after, "dist": page.len(), "modhash": "", "geo_filter": "",
            "children": page, "before": null,
        }});
        std::fs::write(
            dir.join(format!("u_{USER}_comments-{:03}.json", p + 1)),
            serde_json::to_vec(&doc).map_err(std::io::Error::other)?,
        )?;
    }
    t.comments += listed;
    t.replies += listed;
    t.records = t.posts + t.comments;
    t.rows_posts = t.records;
    t.rows_interactions = t.replies;
    t.rows_accounts = authors.len() as u64 + 1;
    Ok(t)
}
