//! "Download your data" exports: Mastodon's account archive, the X archive,
//! Facebook's and Instagram's JSON exports, as zip, tar.gz and folders.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::common::*;

/// `levain synth --format F` into `dir`; the export's path and truth.
fn export(dir: &Path, format: &str, container: &str, records: u64) -> (PathBuf, Value) {
    let out = dir.join(format!("{format}-{container}"));
    let o = Command::new(exe())
        .args([
            "synth",
            "--json",
            "--format",
            format,
            "--container",
            container,
            "--seed",
            "7",
        ])
        .args(["--scale", &records.to_string(), "--out"])
        .arg(&out)
        .output()
        .expect("synth runs");
    assert!(o.status.success(), "synth failed: {}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    (
        PathBuf::from(v["path"].as_str().unwrap()),
        v["truth"].clone(),
    )
}

fn check_truth(summary: &Value, truth: &Value, format: &str) {
    let what = format!("{format}: {summary}");
    assert_eq!(summary["files"][0]["format"], format, "{what}");
    assert_eq!(summary["rejected"], 0, "{what}");
    assert_eq!(summary["imported"], truth["records"], "{what}");
    assert_eq!(
        summary["rows"]["posts"].as_u64().unwrap_or(0),
        truth["rows_posts"].as_u64().unwrap(),
        "{what}"
    );
    assert_eq!(
        summary["rows"]["interactions"], truth["rows_interactions"],
        "{what}"
    );
    assert_eq!(
        summary["rows"]["account_observations"], truth["rows_accounts"],
        "{what}"
    );
}

#[test]
fn every_export_imports_its_truth_exactly_and_once() {
    let dir = tempfile::tempdir().unwrap();
    for (format, container) in [
        ("mastodon-archive", "tar.gz"),
        ("mastodon-archive", "zip"),
        ("mastodon-archive", "folder"),
        ("x-archive", "zip"),
        ("x-archive", "folder"),
        ("facebook", "zip"),
        ("instagram", "zip"),
        ("instagram", "folder"),
    ] {
        let (path, truth) = export(dir.path(), format, container, 3000);
        assert!(truth["records"].as_u64().unwrap() > 2500, "{truth}");
        let data = dir.path().join(format!("store-{format}-{container}"));
        // Autodetected from the entries, not the name.
        let first = import(&data, &[path.to_str().unwrap()]);
        check_truth(&first, &truth, format);
        let again = import(&data, &[path.to_str().unwrap()]);
        assert_eq!(again["imported"], 0, "{format} {container}: {again}");
        assert_eq!(
            again["duplicates"], truth["records"],
            "{format} {container}"
        );
    }
}

#[test]
fn meta_mojibake_comes_out_as_text() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["facebook", "instagram"] {
        let (path, _) = export(dir.path(), format, "zip", 400);
        let data = dir.path().join(format!("store-{format}"));
        import(&data, &[format, path.to_str().unwrap()]);
        let channel = format;
        assert_eq!(
            sql_count(
                &data,
                &format!(
                    "SELECT count(*) FROM posts WHERE channel = '{channel}' AND text LIKE '%Ã%'"
                )
            ),
            0,
            "{format}: mojibake left in texts"
        );
        assert!(
            sql_count(
                &data,
                &format!(
                    "SELECT count(*) FROM posts WHERE channel = '{channel}' AND (text LIKE '%vélo%' OR text LIKE '%à l''atelier%')"
                )
            ) > 0,
            "{format}: accented texts"
        );
        let bio = json(
            &data,
            &[
                "sql",
                &format!(
                    "SELECT bio, display_name FROM account_observations WHERE account = '{channel}:atelierdurayon' AND display_name IS NOT NULL LIMIT 1"
                ),
                "--json",
            ],
        );
        assert_eq!(bio[0]["display_name"], "L'Atelier du Rayon", "{format}");
    }
}

#[test]
fn the_real_x_archive_imports_whole() {
    let Some(root) = shared_fixture("x-archive/milahu104") else {
        return;
    };
    // Counted independently of the importer, from the files themselves.
    let items = |name: &str| -> Vec<Value> {
        let s = std::fs::read_to_string(root.join("data").join(name)).unwrap();
        serde_json::from_str(&s[s.find('=').unwrap() + 1..]).unwrap()
    };
    let tweets = items("tweets.js");
    let rts = tweets
        .iter()
        .filter(|t| {
            t["tweet"]["full_text"]
                .as_str()
                .unwrap()
                .starts_with("RT @")
        })
        .count() as u64;
    let (likes, followers, following) = (
        items("like.js").len(),
        items("follower.js").len(),
        items("following.js").len(),
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[root.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "x-archive", "{s}");
    assert_eq!(s["rejected"], 0, "{s}");
    let records = 1 + tweets.len() + likes + followers + following;
    assert_eq!(s["imported"], records as u64, "{s}");
    assert_eq!(s["rows"]["posts"], tweets.len() as u64 - rts, "{s}");
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions_raw WHERE kind = 'reshare'"
        ),
        rts
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions_raw WHERE kind = 'follow' AND target_account = 'x:1964312974236991488'"
        ),
        followers as u64
    );
    let again = import(&data, &[root.to_str().unwrap()]);
    assert_eq!(again["imported"], 0);
}

#[test]
fn a_wrong_platform_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (x, _) = export(dir.path(), "x-archive", "zip", 100);
    let (ig, _) = export(dir.path(), "instagram", "zip", 100);
    let data = dir.path().join("store");
    let o = levain(&data, &["import", "mastodon-archive", x.to_str().unwrap()]);
    let e = stderr(&o) + &String::from_utf8_lossy(&o.stdout);
    assert!(
        e.contains("this looks like x-archive") && e.contains("not mastodon-archive"),
        "{e}"
    );
    let o = levain(&data, &["import", "facebook", ig.to_str().unwrap()]);
    let e = stderr(&o) + &String::from_utf8_lossy(&o.stdout);
    assert!(e.contains("this looks like instagram"), "{e}");
    // A zip of something else.
    let other = dir.path().join("photos.zip");
    zip_of(&other, &[("holiday/notes.txt", b"hello".to_vec())]);
    let o = levain(&data, &["import", other.to_str().unwrap()]);
    let e = stderr(&o) + &String::from_utf8_lossy(&o.stdout);
    assert!(
        e.contains("no export levain reads") && e.contains("holiday/notes.txt"),
        "{e}"
    );
}

fn zip_of(path: &Path, entries: &[(&str, Vec<u8>)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, body) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(body).unwrap();
    }
    z.finish().unwrap();
}

/// A small Mastodon archive folder, written by hand.
fn mastodon_folder(dir: &Path, outbox_items: &[Value], likes: &[&str]) -> PathBuf {
    let root = dir.join("archive");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("actor.json"),
        json!({"id": "https://piaille.fr/users/anne", "type": "Person", "preferredUsername": "anne", "futureField": {"x": 1}}).to_string(),
    )
    .unwrap();
    let outbox = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json", "type": "OrderedCollection", "totalItems": 99, "orderedItems": outbox_items});
    std::fs::write(
        root.join("outbox.json"),
        serde_json::to_string_pretty(&outbox).unwrap(),
    )
    .unwrap();
    std::fs::write(
        root.join("likes.json"),
        json!({"id": "likes.json", "type": "OrderedCollection", "orderedItems": likes}).to_string(),
    )
    .unwrap();
    root
}

fn create(n: u64) -> Value {
    json!({"id": format!("https://piaille.fr/users/anne/statuses/{n}/activity"), "type": "Create",
           "actor": "https://piaille.fr/users/anne", "published": "2024-05-01T10:00:00Z", "newThing": [1, 2],
           "object": {"id": format!("https://piaille.fr/users/anne/statuses/{n}"), "type": "Note",
                      "published": "2024-05-01T10:00:00Z", "content": "<p>Bonjour à tous</p>", "shinyNew": true}})
}

#[test]
fn missing_optional_and_unknown_fields_are_fine_and_duplicates_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let announce = json!({"id": "https://piaille.fr/users/anne/statuses/9/activity", "type": "Announce",
        "actor": "https://piaille.fr/users/anne", "published": "2024-05-02T10:00:00Z",
        "object": "https://mamot.fr/users/bob/statuses/5"});
    let root = mastodon_folder(
        dir.path(),
        &[create(1), create(2), create(1), announce],
        &[
            "https://mamot.fr/users/bob/statuses/5",
            "https://mamot.fr/users/bob/statuses/5",
        ],
    );
    let data = dir.path().join("store");
    let s = import(&data, &[root.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "mastodon-archive", "{s}");
    assert_eq!(s["rejected"], 0, "{s}");
    // actor, two posts, a boost, a like; a repeated post and like are duplicates.
    assert_eq!(s["imported"], 5, "{s}");
    assert_eq!(s["duplicates"], 2, "{s}");
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions_raw WHERE kind = 'reshare' AND target_account = 'mastodon:@bob@mamot.fr'"
        ),
        1
    );
}

#[test]
fn a_cut_file_keeps_what_came_before_and_names_the_entry_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = mastodon_folder(dir.path(), &[create(1), create(2), create(3)], &[]);
    let outbox = std::fs::read_to_string(root.join("outbox.json")).unwrap();
    let cut = outbox.find("statuses/3/activity").unwrap();
    std::fs::write(root.join("outbox.json"), &outbox[..cut]).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[root.to_str().unwrap()]);
    assert_eq!(s["imported"], 3, "actor and two posts: {s}");
    assert_eq!(s["rejected"], 1, "{s}");
    let r = &rejects(&s)[0];
    assert_eq!(r["reason"], "truncated file", "{r}");
    assert!(
        r["detail"]
            .as_str()
            .unwrap()
            .starts_with("outbox.json, line "),
        "{r}"
    );
    assert!(r["line"].as_u64().unwrap() > 1, "{r}");
}

#[test]
fn bytes_in_another_encoding_reject_only_their_record() {
    let dir = tempfile::tempdir().unwrap();
    let (zip, truth) = export(dir.path(), "x-archive", "folder", 200);
    let tweets = zip.join("data/tweets.js");
    let mut bytes = std::fs::read(&tweets).unwrap();
    let at = memchr(&bytes, b"\"full_text\":\"").unwrap() + 14;
    bytes[at] = 0xe9; // Latin-1 "é"
    std::fs::write(&tweets, bytes).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[zip.to_str().unwrap()]);
    assert_eq!(s["rejected"], 1, "{s}");
    assert_eq!(
        s["imported"].as_u64().unwrap() + 1,
        truth["records"].as_u64().unwrap()
    );
    let r = &rejects(&s)[0];
    assert_eq!(r["reason"], "wrong encoding");
    assert!(
        r["detail"]
            .as_str()
            .unwrap()
            .starts_with("data/tweets.js, line 2"),
        "{r}"
    );
}

fn memchr(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_zip_bomb_and_an_oversized_record_are_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    // 400 MiB of spaces inside outbox.json, packed into a few hundred KiB.
    let bomb = dir.path().join("bomb.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("actor.json", opts).unwrap();
        z.write_all(br#"{"id":"https://piaille.fr/users/anne","preferredUsername":"anne"}"#)
            .unwrap();
        z.start_file("outbox.json", opts).unwrap();
        z.write_all(br#"{"orderedItems":["#).unwrap();
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..400 {
            z.write_all(&spaces).unwrap();
        }
        z.write_all(b"]}").unwrap();
        z.finish().unwrap();
    }
    assert!(std::fs::metadata(&bomb).unwrap().len() < 4 << 20);
    let o = levain(&data, &["import", bomb.to_str().unwrap(), "--json"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &stderr(&o);
    assert!(
        out.contains("outbox.json") && out.contains("zip bomb"),
        "{out}"
    );
    // One 20 MiB record among small ones: rejected, the others import.
    let root = dir.path().join("x");
    std::fs::create_dir_all(root.join("data")).unwrap();
    std::fs::write(
        root.join("data/account.js"),
        r#"window.YTD.account.part0 = [{"account":{"accountId":"42","username":"anne"}}]"#,
    )
    .unwrap();
    let big = "a".repeat(20 << 20);
    std::fs::write(
        root.join("data/like.js"),
        format!(
            "window.YTD.like.part0 = [\n{{\"like\":{{\"tweetId\":\"1\"}}}},\n{{\"like\":{{\"tweetId\":\"2\",\"fullText\":\"{big}\"}}}},\n{{\"like\":{{\"tweetId\":\"3\"}}}}\n]"
        ),
    )
    .unwrap();
    let s = import(&data, &[root.to_str().unwrap()]);
    assert_eq!(s["imported"], 3, "account and two likes: {s}");
    let r = &rejects(&s)[0];
    assert_eq!(r["reason"], "oversized record", "{r}");
    assert!(
        r["detail"]
            .as_str()
            .unwrap()
            .starts_with("data/like.js, line 3"),
        "{r}"
    );
}
