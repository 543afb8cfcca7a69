//! Reddit: Pushshift-style dumps (plain, zstd, gzip) and saved listings.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::*;

fn submission(id: &str, author: &str, sub: &str, t: i64, title: &str, selftext: &str) -> Value {
    json!({
        "id": id, "name": format!("t3_{id}"), "author": author, "created_utc": t,
        "subreddit": sub, "title": title, "selftext": selftext, "is_self": true,
        "permalink": format!("/r/{sub}/comments/{id}/slug/"),
        "url": format!("https://www.reddit.com/r/{sub}/comments/{id}/slug/"),
        "score": 12, "num_comments": 3, "link_flair_text": null,
    })
}

fn comment(
    id: &str,
    author: &str,
    sub: &str,
    t: i64,
    parent: &str,
    link: &str,
    body: &str,
) -> Value {
    json!({
        "id": id, "name": format!("t1_{id}"), "author": author, "created_utc": t,
        "subreddit": sub, "body": body, "parent_id": parent, "link_id": link,
        "permalink": format!("/r/{sub}/comments/{}/slug/{id}/", &link[3..]), "score": 1,
    })
}

/// A month of a small community: two subreddits, a link post, threads two
/// deep, a deleted account, a removed comment, an old-style record with no
/// `name` or `permalink`, a record with fields Reddit added later, and one
/// record twice.
fn dump() -> Vec<String> {
    let mut link = submission("s2", "fournil", "Breadit", 1_709_600_000, "Workshop", "");
    link["is_self"] = json!(false);
    link["url"] = json!("https://lefournil.example/atelier?utm_source=reddit");
    let mut newer = comment(
        "c5",
        "marie",
        "Sourdough",
        1_709_700_100,
        "t3_s3",
        "t3_s3",
        "Same here",
    );
    newer["gildings"] = json!({"gid_1": 0});
    newer["author_flair_richtext"] = json!([{"e": "text", "t": "baker"}]);
    let records = [
        submission(
            "s1",
            "fournil",
            "Breadit",
            1_709_546_400,
            "My first loaf &amp; crumb",
            "Details: https://imgur.example/crumb.jpg",
        ),
        link,
        submission(
            "s3",
            "jean",
            "Sourdough",
            1_709_700_000,
            "Starter help",
            "It smells of acetone?",
        ),
        comment(
            "c1",
            "jean",
            "Breadit",
            1_709_547_000,
            "t3_s1",
            "t3_s1",
            "Looks great! Which flour?",
        ),
        comment(
            "c2",
            "fournil",
            "Breadit",
            1_709_548_000,
            "t1_c1",
            "t3_s1",
            "T65, thanks!",
        ),
        comment(
            "c3",
            "[deleted]",
            "Breadit",
            1_709_549_000,
            "t3_s1",
            "t3_s1",
            "[deleted]",
        ),
        comment(
            "c4",
            "marie",
            "Breadit",
            1_709_550_000,
            "t1_c3",
            "t3_s1",
            "[removed]",
        ),
        newer,
        // An old dump's comment: no name, no permalink, time as a string.
        json!({"id": "c6", "author": "luc", "created_utc": "1709800000", "body": "Feed it twice a day",
               "parent_id": "t3_s3", "link_id": "t3_s3", "subreddit": "Sourdough"}),
    ];
    let mut lines: Vec<String> = records.iter().map(Value::to_string).collect();
    lines.push(records[3].to_string());
    lines
}

/// Posts as stored, for comparing stores.
fn posts(data: &Path) -> Value {
    json(
        data,
        &[
            "sql",
            "SELECT post, author, at, text, url, reply_to, reply_root, links, venue FROM posts ORDER BY post",
            "--json",
        ],
    )
}

fn zstd_file(dir: &Path, name: &str, plain: &[u8]) -> PathBuf {
    let p = dir.join(name);
    let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    // Like the monthly dumps, a window beyond zstd's default decoding limit
    // (2^27), which readers must allow explicitly.
    enc.long_distance_matching(true).unwrap();
    enc.window_log(28).unwrap();
    enc.write_all(plain).unwrap();
    std::fs::write(&p, enc.finish().unwrap()).unwrap();
    p
}

fn gzip_file(dir: &Path, name: &str, plain: &[u8]) -> PathBuf {
    let p = dir.join(name);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(plain).unwrap();
    std::fs::write(&p, enc.finish().unwrap()).unwrap();
    p
}

#[test]
fn reddit_dump_imports_threads_venues_and_links_and_compressed_copies_store_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let lines = dump();
    let plain = write_lines(dir.path(), "RC_2024-03", &lines);
    let data = dir.path().join("store");
    let s = import(&data, &[plain.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "reddit", "autodetected");
    assert_eq!(s["rejected"], 0, "{s}");
    assert_eq!(s["imported"], 9);
    assert_eq!(s["duplicates"], 1, "the record given twice");
    let q = |sql: &str| sql_count(&data, sql);
    assert_eq!(q("SELECT count(*) FROM posts WHERE channel = 'reddit'"), 9);
    assert_eq!(q("SELECT count(*) FROM posts WHERE reply_to IS NULL"), 3);
    assert_eq!(
        q("SELECT count(*) FROM posts WHERE venue = 'r/Breadit'"),
        6,
        "venue is the subreddit"
    );
    assert_eq!(
        q("SELECT count(*) FROM posts WHERE venue = 'r/Sourdough'"),
        3
    );
    // Nested: fournil's answer replies to jean's comment in s1's thread.
    assert_eq!(
        q(
            "SELECT count(*) FROM posts WHERE post = 'reddit:t1_c2' AND reply_to = 'reddit:t1_c1' AND reply_root = 'reddit:t3_s1'"
        ),
        1
    );
    // Accounts: everyone but the deleted one; replies: every living comment.
    assert_eq!(q("SELECT count(*) FROM accounts"), 4);
    assert_eq!(
        q("SELECT count(*) FROM accounts WHERE account = 'reddit:[deleted]'"),
        0
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'reply' AND channel = 'reddit'"),
        5
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'like'"),
        0,
        "scores are not likes"
    );
    assert_eq!(
        q("SELECT count(*) FROM posts WHERE author = 'reddit:[deleted]' AND text IS NULL"),
        1,
        "the deleted comment keeps its place in the thread, without text"
    );
    assert_eq!(
        q("SELECT count(*) FROM posts WHERE text LIKE '%[removed]%'"),
        0
    );
    let v = json(
        &data,
        &[
            "sql",
            "SELECT post, text, links, url FROM posts WHERE reply_to IS NULL ORDER BY at",
            "--json",
        ],
    );
    assert_eq!(
        v[0]["text"],
        "My first loaf & crumb\n\nDetails: https://imgur.example/crumb.jpg"
    );
    assert_eq!(v[0]["links"], json!(["https://imgur.example/crumb.jpg"]));
    assert_eq!(
        v[0]["url"],
        "https://www.reddit.com/r/Breadit/comments/s1/slug/"
    );
    assert_eq!(
        v[1]["links"],
        json!(["https://lefournil.example/atelier?utm_source=reddit"]),
        "a link post links to its target"
    );
    let stored = posts(&data);
    // The same dump compressed, each into a fresh store: the same posts.
    let bytes = std::fs::read(&plain).unwrap();
    for (name, path) in [
        ("zstd", zstd_file(dir.path(), "RC_2024-03.zst", &bytes)),
        ("gzip", gzip_file(dir.path(), "comments.ndjson.gz", &bytes)),
    ] {
        let other = dir.path().join(format!("store-{name}"));
        let s = import(&other, &[path.to_str().unwrap()]);
        assert_eq!(s["files"][0]["format"], "reddit", "{name}: autodetected");
        assert_eq!(
            (s["imported"].as_u64(), s["rejected"].as_u64()),
            (Some(9), Some(0)),
            "{name}"
        );
        assert_eq!(posts(&other), stored, "{name}");
        // Re-importing into the first store is a no-op.
        let again = import(&data, &[path.to_str().unwrap()]);
        assert_eq!(again["imported"], 0, "{name}");
        assert_eq!(again["duplicates"], 10, "{name}");
    }
    assert_eq!(posts(&data), stored);
}

fn thread_listing() -> Value {
    let mut c2 = comment(
        "c2",
        "fournil",
        "Breadit",
        1_709_548_000,
        "t1_c1",
        "t3_s1",
        "T65, thanks!",
    );
    c2["replies"] = json!({"kind": "Listing", "data": {"after": null, "children": [
        {"kind": "t1", "data": comment("c9", "anne", "Breadit", 1_709_900_000, "t1_c2", "t3_s1", "Which mill?")},
        {"kind": "more", "data": {"count": 3, "name": "t1_x", "children": ["x", "y", "z"]}},
    ]}});
    c2["replies"]["data"]["children"][0]["data"]["replies"] = json!("");
    let mut c1 = comment(
        "c1",
        "jean",
        "Breadit",
        1_709_547_000,
        "t3_s1",
        "t3_s1",
        "Looks great! Which flour?",
    );
    c1["replies"] = json!({"kind": "Listing", "data": {"children": [{"kind": "t1", "data": c2}]}});
    json!([
        {"kind": "Listing", "data": {"after": null, "dist": 1, "children": [
            {"kind": "t3", "data": submission("s1", "fournil", "Breadit", 1_709_546_400, "My first loaf &amp; crumb", "Details: https://imgur.example/crumb.jpg")}
        ]}},
        {"kind": "Listing", "data": {"after": null, "children": [
            {"kind": "t1", "data": c1},
            {"kind": "t1", "data": comment("c8", "paul", "Breadit", 1_709_950_000, "t3_s1", "t3_s1", "Bookmarking https://lefournil.example/faq")},
        ]}},
    ])
}

#[test]
fn reddit_listing_walks_nested_replies_and_overlaps_a_dump_once() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("thread.json");
    std::fs::write(&page, serde_json::to_vec_pretty(&thread_listing()).unwrap()).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[page.to_str().unwrap()]);
    assert_eq!(
        s["files"][0]["format"], "reddit",
        "a listing is autodetected"
    );
    assert_eq!(
        (s["imported"].as_u64(), s["rejected"].as_u64()),
        (Some(5), Some(0)),
        "{s}"
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM posts WHERE post = 'reddit:t1_c9' AND reply_to = 'reddit:t1_c2' AND reply_root = 'reddit:t3_s1'"
        ),
        1,
        "a reply two levels down"
    );
    // The dump holds s1, c1 and c2 too: they are stored once.
    let lines = dump();
    let plain = write_lines(dir.path(), "RC_2024-03", &lines);
    let s = import(&data, &[plain.to_str().unwrap()]);
    assert_eq!(s["duplicates"], 4, "s1, c1, c2, and the record given twice");
    assert_eq!(s["imported"], 6);
    assert_eq!(sql_count(&data, "SELECT count(*) FROM posts"), 11);
    assert_eq!(
        sql_count(&data, "SELECT count(DISTINCT post) FROM posts"),
        11
    );
    // A listing page saved on one line, as the browser saves it, compressed.
    let one_line = serde_json::to_vec(&thread_listing()).unwrap();
    let gz = gzip_file(dir.path(), "thread-again", &one_line);
    let s = import(&data, &[gz.to_str().unwrap()]);
    assert_eq!(
        (s["imported"].as_u64(), s["duplicates"].as_u64()),
        (Some(0), Some(5))
    );
}

#[test]
fn reddit_truncated_files_keep_what_came_before_with_a_clear_reason() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..3000)
        .map(|i| {
            comment(
                &format!("k{i}"),
                &format!("u{}", i % 97),
                "Breadit",
                1_709_000_000 + i,
                "t3_s1",
                "t3_s1",
                &format!("comment number {i} {}", "blah ".repeat(i as usize % 40)),
            )
            .to_string()
        })
        .collect();
    let full = lines.join("\n") + "\n";
    // Plain, cut inside a record.
    let cut = &full[..full.len() / 2];
    let complete = cut.matches('\n').count() as u64;
    let path = dir.path().join("cut.ndjson");
    std::fs::write(&path, cut).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &["reddit", path.to_str().unwrap()]);
    assert_eq!(s["imported"].as_u64(), Some(complete), "{s}");
    let r = rejects(&s);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0]["reason"], "truncated record");
    assert_eq!(r[0]["line"].as_u64(), Some(complete + 1));
    assert!(
        r[0]["detail"].as_str().unwrap().contains("cut short"),
        "{r:?}"
    );
    // zstd, cut in the middle of the stream.
    let zst = zstd_file(dir.path(), "whole.zst", full.as_bytes());
    let bytes = std::fs::read(&zst).unwrap();
    let cut_zst = dir.path().join("RC_cut.zst");
    std::fs::write(&cut_zst, &bytes[..bytes.len() * 3 / 4]).unwrap();
    let data2 = dir.path().join("store2");
    let s = import(&data2, &[cut_zst.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "reddit");
    let r = rejects(&s);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0]["reason"], "truncated file", "{r:?}");
    assert_eq!(r[0]["file"], cut_zst.to_str().unwrap());
    let detail = r[0]["detail"].as_str().unwrap();
    assert!(detail.contains("zstd stream ends early"), "{detail}");
    let kept = s["imported"].as_u64().unwrap();
    assert!(kept > 1000 && kept < 3000, "{kept}");
    assert_eq!(r[0]["line"].as_u64(), Some(kept + 1));
    assert_eq!(
        sql_count(&data2, "SELECT count(*) FROM posts"),
        kept,
        "what came before is stored"
    );
    // The whole file afterwards completes it.
    let s = import(&data2, &[zst.to_str().unwrap()]);
    assert_eq!(s["imported"].as_u64(), Some(3000 - kept));
    assert_eq!(s["duplicates"].as_u64(), Some(kept));
}

#[test]
fn reddit_bad_lines_are_rejected_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = dump();
    lines.truncate(4);
    // A missing author, a missing time, and a line in Latin-1.
    lines.push(r#"{"name":"t1_na","created_utc":1709546400,"body":"x","subreddit":"Breadit","parent_id":"t3_s1","link_id":"t3_s1"}"#.into());
    lines.push(r#"{"name":"t1_nt","author":"zoe","body":"x","subreddit":"Breadit","parent_id":"t3_s1","link_id":"t3_s1"}"#.into());
    let mut bytes = (lines.join("\n") + "\n").into_bytes();
    bytes.extend_from_slice(b"{\"name\":\"t1_enc\",\"author\":\"zoe\",\"created_utc\":1,\"body\":\"caf\xe9\",\"subreddit\":\"Breadit\"}\n");
    bytes.extend_from_slice(
        comment(
            "c7",
            "zoe",
            "Breadit",
            1_709_999_000,
            "t3_s1",
            "t3_s1",
            "after the bad ones",
        )
        .to_string()
        .as_bytes(),
    );
    let path = dir.path().join("mixed.ndjson");
    std::fs::write(&path, &bytes).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[path.to_str().unwrap()]);
    assert_eq!(s["imported"], 5, "{s}");
    let r = rejects(&s);
    let got: Vec<(u64, &str)> = r
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (5, "missing or mistyped field"),
            (6, "missing or mistyped field"),
            (7, "invalid encoding"),
        ]
    );
    assert!(r[0]["detail"].as_str().unwrap().contains("`author`"));
    assert!(r[1]["detail"].as_str().unwrap().contains("`created_utc`"));
    assert!(r[2]["detail"].as_str().unwrap().contains("not UTF-8"));
}

#[test]
fn reddit_an_oversized_record_is_rejected_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    // 40 MiB of one comment, zstd-compressed to a few KiB: the reader must
    // skip it as it streams, not decompress it into memory whole.
    let mut plain = Vec::new();
    plain.extend_from_slice(
        comment(
            "a",
            "ann",
            "Breadit",
            1_709_000_000,
            "t3_s1",
            "t3_s1",
            "before",
        )
        .to_string()
        .as_bytes(),
    );
    plain.push(b'\n');
    plain.extend_from_slice(br#"{"name":"t1_huge","author":"spam","created_utc":1709000001,"subreddit":"Breadit","body":""#);
    plain.extend(std::iter::repeat_n(b'x', 40 << 20));
    plain.extend_from_slice(b"\"}\n");
    plain.extend_from_slice(
        comment(
            "b",
            "ann",
            "Breadit",
            1_709_000_002,
            "t3_s1",
            "t3_s1",
            "after",
        )
        .to_string()
        .as_bytes(),
    );
    plain.push(b'\n');
    let path = zstd_file(dir.path(), "RC_huge.zst", &plain);
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let data = dir.path().join("store");
    let s = import(&data, &[path.to_str().unwrap()]);
    assert_eq!(s["imported"], 2, "{s}");
    let r = rejects(&s);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["reason"], "record too large");
    assert_eq!(r[0]["line"], 2);
    assert!(
        r[0]["raw"].as_str().unwrap().len() <= 256,
        "the reject keeps only the start"
    );
}

#[test]
fn reddit_and_other_platforms_are_not_mistaken_for_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let dump = write_lines(dir.path(), "RS_2024-03", &dump());
    let dump_zst = zstd_file(dir.path(), "RS_2024-03.zst", &std::fs::read(&dump).unwrap());
    let bluesky = write_lines(
        dir.path(),
        "capture.ndjson",
        &[like(
            "did:plc:a",
            "3k1",
            "at://did:plc:b/app.bsky.feed.post/1",
            1_725_911_162_329_308,
        )],
    );
    let campaigns = dir.path().join("campaigns.csv");
    std::fs::write(
        &campaigns,
        "channel,name,start,end,spend,currency\nreddit,spring,2024-03-01,2024-03-31,100,EUR\n",
    )
    .unwrap();
    let fails = |args: &[&str], expect: &str| {
        let o = levain(&data, args);
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
    };
    fails(
        &["import", "reddit", bluesky.to_str().unwrap()],
        "this looks like bluesky-jetstream",
    );
    fails(
        &["import", "reddit", campaigns.to_str().unwrap()],
        "this looks like campaigns",
    );
    fails(
        &["import", "bluesky-jetstream", dump.to_str().unwrap()],
        "this looks like reddit",
    );
    fails(
        &["import", "wordpress-wxr", dump_zst.to_str().unwrap()],
        "this looks like reddit",
    );
    // Together in a directory, each file finds its importer.
    let mixed = dir.path().join("mixed");
    std::fs::create_dir(&mixed).unwrap();
    for f in [&dump_zst, &bluesky, &campaigns] {
        std::fs::copy(f, mixed.join(f.file_name().unwrap())).unwrap();
    }
    let s = import(&data, &[mixed.to_str().unwrap()]);
    let formats: Vec<&str> = s["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["reddit", "campaigns", "bluesky-jetstream"], "{s}");
    assert_eq!(s["rejected"], 0, "{s}");
}
