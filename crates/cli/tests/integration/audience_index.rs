//! The audience index against its reference: `levain engagement` and
//! `levain cohorts` must print the same JSON through the index as through
//! the DataFusion SQL (`LEVAIN_AUDIENCE_INDEX=off`), for every filter; the
//! index must follow the store (imports, own accounts) but not be rebuilt for
//! what is applied at query time (fraud verdicts, marks), be rebuilt when
//! damaged, and still answer when it cannot be saved.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::audience::{community, edge_case_store};
use crate::common::*;

/// `levain ARGS… --json` through the index, then through the SQL reference.
fn both(data: &Path, args: &[&str]) -> (Value, Value) {
    let run = |reference: bool| {
        let mut c = Command::new(exe());
        c.arg("--data")
            .arg(data)
            .args(args)
            .arg("--json")
            .env_remove("LEVAIN_DATA")
            .env_remove("LEVAIN_AUDIENCE_INDEX");
        if reference {
            c.env("LEVAIN_AUDIENCE_INDEX", "off");
        }
        let o = c.output().expect("levain runs");
        assert!(
            o.status.success(),
            "levain {args:?} (reference: {reference}) failed: {}",
            stderr(&o)
        );
        serde_json::from_slice::<Value>(&o.stdout).expect("JSON")
    };
    (run(false), run(true))
}

/// Both ways agree on every case; returns the index's answers.
fn agree(data: &Path, cases: &[&[&str]]) -> Vec<Value> {
    cases
        .iter()
        .map(|args| {
            let (index, reference) = both(data, args);
            assert_eq!(
                index, reference,
                "levain {args:?}: the index and SQL differ"
            );
            index
        })
        .collect()
}

/// The audience index folders in the store's cache.
fn indexes(data: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(data.join("cache"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

const CASES: &[&[&str]] = &[
    &["engagement"],
    &["engagement", "--from", "2023-09-01", "--to", "2024-06-01"],
    &["engagement", "--channel", "bluesky"],
    &["engagement", "--channel", "mastodon"],
    &["cohorts"],
    &["cohorts", "--by", "month"],
    &["cohorts", "--period-days", "7"],
    &[
        "cohorts",
        "--from",
        "2023-09-01",
        "--to",
        "2024-06-01",
        "--by",
        "month",
        "--period-days",
        "14",
    ],
    &["cohorts", "--channel", "bluesky", "--period-days", "90"],
    &["cohorts", "--channel", "mastodon"],
];

const SUSPICIOUS: &[&[&str]] = &[
    &["engagement", "--exclude-suspicious"],
    &["engagement", "--exclude-suspicious", "--from", "2024-01-01"],
    &["cohorts", "--exclude-suspicious"],
    &[
        "cohorts",
        "--exclude-suspicious",
        "--by",
        "month",
        "--to",
        "2024-05-01",
    ],
];

#[test]
fn the_index_agrees_with_sql_on_a_generated_community_and_follows_the_store() {
    let (dir, data, raw, _) = community(11, 700);
    let answers = agree(&data, CASES);
    assert!(answers[0]["totals"]["likes"].as_u64().unwrap() > 1000);
    assert!(answers[0]["totals"]["repeat_engagers"].as_u64().unwrap() > 100);
    assert!(answers[4]["cohorts"].as_array().unwrap().len() > 1);
    let first = indexes(&data);
    assert_eq!(first.len(), 1, "{first:?}");

    // Fraud verdicts and marks are applied at query time: same index.
    assert!(levain(&data, &["fraud"]).status.success());
    let before = agree(&data, SUSPICIOUS);
    assert_ne!(
        before[0]["totals"], answers[0]["totals"],
        "the detector flags some engagers"
    );
    assert_eq!(indexes(&data), first);
    // Mark a follower fake: it leaves the engagers and the cohorts.
    let follower = sql_text(
        &data,
        "SELECT min(actor) AS a FROM interactions WHERE kind = 'follow' AND actor NOT IN (SELECT account FROM suspicious_accounts) AND actor IN (SELECT actor FROM interactions WHERE kind = 'like')",
    );
    assert!(
        levain(&data, &["fraud", "mark", &follower, "fake"])
            .status
            .success()
    );
    let after = agree(&data, SUSPICIOUS);
    assert_ne!(after[2], before[2], "a marked follower leaves its cohort");
    assert_eq!(indexes(&data), first);

    // An import changes the data: a new index replaces the old one, and it
    // counts what came in.
    let own_account = raw.own.iter().min().unwrap().clone();
    let own_did = own_account.strip_prefix("bluesky:").unwrap();
    let post = sql_text(
        &data,
        &format!(
            "SELECT max(post) AS p FROM posts WHERE author = '{own_account}' AND reply_to IS NULL"
        ),
    );
    assert!(post.contains(own_did));
    let liker = "did:plc:newlikernewlikernewliker";
    let lines = vec![like(
        liker,
        "3newlike",
        post.strip_prefix("bluesky:").unwrap(),
        1_735_000_000_000_000,
    )];
    let file = write_lines(dir.path(), "more.ndjson", &lines);
    let s = import(&data, &[file.to_str().unwrap()]);
    assert_eq!(s["imported"], 1, "{s}");
    let again = agree(&data, &[&["engagement"], &["cohorts"]]);
    assert_eq!(
        again[0]["totals"]["likes"].as_u64(),
        answers[0]["totals"]["likes"].as_u64().map(|n| n + 1)
    );
    let second = indexes(&data);
    assert_eq!(second.len(), 1, "{second:?}");
    assert_ne!(second, first);

    // So does a change of own accounts.
    assert!(
        levain(&data, &["own", "remove", &own_account])
            .status
            .success()
    );
    agree(&data, &[&["engagement"], &["cohorts", "--by", "month"]]);
    let third = indexes(&data);
    assert_eq!(third.len(), 1, "{third:?}");
    assert_ne!(third, second);
}

/// One text value from `levain sql`.
fn sql_text(data: &Path, query: &str) -> String {
    let v = json(data, &["sql", query, "--json"]);
    v[0].as_object()
        .and_then(|r| r.values().next())
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no text from {query}: {v}"))
        .to_owned()
}

#[test]
fn the_index_agrees_with_sql_on_the_hand_written_edge_cases() {
    let (_dir, data) = edge_case_store();
    agree(
        &data,
        &[
            &["engagement"],
            &["engagement", "--from", "2024-01-12T10:00:00Z"],
            &["engagement", "--to", "2024-01-12T10:00:00Z"],
            &["cohorts"],
            &["cohorts", "--by", "month"],
            &["cohorts", "--period-days", "1"],
            &["cohorts", "--period-days", "45", "--channel", "bluesky"],
            &["cohorts", "--from", "2024-01-20", "--to", "2024-04-02"],
            &["cohorts", "--to", "2024-01-01"],
        ],
    );
}

#[test]
fn a_damaged_index_is_rebuilt_and_an_unwritable_cache_is_done_without() {
    let (_dir, data) = edge_case_store();
    let cases: &[&[&str]] = &[&["engagement"], &["cohorts"]];
    let good = agree(&data, cases);
    let dirs = indexes(&data);
    assert_eq!(dirs.len(), 1);
    let events: PathBuf = data.join("cache").join(&dirs[0]).join("events.arrow");
    let size = std::fs::metadata(&events).unwrap().len();
    // Cut the file: the index is rebuilt, and answers the same.
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&events)
        .unwrap();
    f.set_len(size / 2).unwrap();
    drop(f);
    assert_eq!(agree(&data, cases), good);
    assert_eq!(std::fs::metadata(&events).unwrap().len(), size);
    // Garbage in meta.json: likewise.
    std::fs::write(data.join("cache").join(&dirs[0]).join("meta.json"), "{").unwrap();
    assert_eq!(agree(&data, cases), good);
    // A cache that cannot be written: the index lives in memory.
    std::fs::remove_dir_all(data.join("cache")).unwrap();
    std::fs::write(data.join("cache"), "not a folder").unwrap();
    assert_eq!(agree(&data, cases), good);
    assert!(data.join("cache").is_file());
}

#[test]
fn a_pipe_is_imported_when_its_format_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 2, 60, "small");
    let file = jetstream(&out);
    let bytes = std::fs::read(&file).unwrap();
    let piped = |args: &[&str], data: &Path| {
        let mut c = Command::new(exe())
            .arg("--data")
            .arg(data)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = c.stdin.take().unwrap();
        let body = bytes.clone();
        // The importer may stop reading early (an error): ignore a broken pipe.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&body);
        });
        let o = c.wait_with_output().unwrap();
        writer.join().unwrap();
        o
    };
    let from_file = import(&dir.path().join("a"), &[file.to_str().unwrap()]);
    let data = dir.path().join("b");
    let o = piped(
        &["import", "bluesky-jetstream", "/dev/stdin", "--json"],
        &data,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let from_pipe: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(from_pipe["imported"], from_file["imported"]);
    assert_eq!(table_rows(&data), table_rows(&dir.path().join("a")));
    // Without a format there is nothing to sniff without consuming it.
    let o = piped(&["import", "/dev/stdin"], &dir.path().join("c"));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("name it"), "{}", stderr(&o));
}
