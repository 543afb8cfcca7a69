use std::io::Write;

use crate::common::*;

const A: &str = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb";

fn post_uri(did: &str, rkey: &str) -> String {
    format!("at://{did}/app.bsky.feed.post/{rkey}")
}

#[test]
fn bad_records_are_rejected_with_reasons_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let good1 = like(A, "3k1", &post_uri(B, "p1"), 1_700_000_000_000_000);
    let good2 = like(A, "3k2", &post_uri(B, "p2"), 1_700_000_000_000_001);
    let lines = vec![
        good1.clone(),
        "{not json at all".to_owned(),
        // An unknown collection.
        r#"{"did":"did:plc:aaaaaaaaaaaaaaaaaaaaaaaa","time_us":1,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.graph.block","rkey":"k","record":{"subject":"did:plc:x"}}}"#.to_owned(),
        // A like without its subject.
        r#"{"did":"did:plc:aaaaaaaaaaaaaaaaaaaaaaaa","time_us":2,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.like","rkey":"k2","record":{"createdAt":"2024-01-01T00:00:00Z"}}}"#.to_owned(),
        // A wrong type: time_us as a string.
        r#"{"did":"did:plc:aaaaaaaaaaaaaaaaaaaaaaaa","time_us":"soon","kind":"commit","commit":{}}"#.to_owned(),
        // Not a DID.
        r#"{"did":"alice","time_us":3,"kind":"identity","identity":{"handle":"a.b"}}"#.to_owned(),
        String::new(),
        good2,
    ];
    let file = write_lines(dir.path(), "events.ndjson", &lines);
    let data = dir.path().join("store");
    let s = import(&data, &["bluesky-jetstream", file.to_str().unwrap()]);
    assert_eq!(s["imported"], 2);
    assert_eq!(s["rejected"], 5);
    let r = rejects(&s);
    let by_line: Vec<(u64, &str)> = r
        .iter()
        .map(|x| (x["line"].as_u64().unwrap(), x["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        by_line,
        vec![
            (2, "malformed JSON"),
            (3, "unsupported collection"),
            (4, "missing or mistyped field"),
            (5, "missing or mistyped field"),
            (6, "invalid field"),
        ]
    );
    assert!(
        r[2]["detail"].as_str().unwrap().contains("subject"),
        "{}",
        r[2]
    );
    assert!(
        r[1]["detail"]
            .as_str()
            .unwrap()
            .contains("app.bsky.graph.block")
    );
    assert_eq!(r[0]["raw"], "{not json at all");
    assert!(
        r.iter()
            .all(|x| x["file"].as_str().unwrap().ends_with("events.ndjson"))
    );
    assert_eq!(sql_count(&data, "SELECT count(*) FROM interactions"), 2);
}

#[test]
fn strict_stores_nothing_and_exits_1_when_a_record_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let lines = vec![like(A, "3k1", &post_uri(B, "p1"), 1), "{broken".to_owned()];
    let file = write_lines(dir.path(), "e.ndjson", &lines);
    let data = dir.path().join("store");
    let o = levain(
        &data,
        &["import", file.to_str().unwrap(), "--strict", "--json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["committed"], false);
    assert_eq!(sql_count(&data, "SELECT count(*) FROM interactions"), 0);
    // Without --strict the good record is stored and the exit code is 0.
    let s = import(&data, &[file.to_str().unwrap()]);
    assert_eq!(
        (s["imported"].as_u64(), s["rejected"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn a_truncated_file_keeps_every_complete_record() {
    let dir = tempfile::tempdir().unwrap();
    let full: Vec<String> = (0..50)
        .map(|i| like(A, &format!("k{i}"), &post_uri(B, "p"), i))
        .collect();
    let mut text = full.join("\n");
    text.truncate(text.len() - 40); // cut inside the last record
    let file = dir.path().join("cut.ndjson");
    std::fs::write(&file, text).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[file.to_str().unwrap()]);
    assert_eq!(s["imported"], 49);
    assert_eq!(s["rejected"], 1);
    let r = rejects(&s);
    assert_eq!(r[0]["line"], 50);
    assert_eq!(r[0]["reason"], "truncated record");
    assert!(r[0]["detail"].as_str().unwrap().contains("cut short"));
}

#[test]
fn empty_binary_and_foreign_files_fail_clearly_and_others_still_import() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_lines(
        dir.path(),
        "good.ndjson",
        &[like(A, "k", &post_uri(B, "p"), 1)],
    );
    let empty = dir.path().join("empty.ndjson");
    std::fs::write(&empty, b"").unwrap();
    let binary = dir.path().join("garbage.bin");
    std::fs::write(
        &binary,
        [0x89u8, b'P', b'N', b'G', 0, 0, 1, 2, 3, 0xff, 0xfe],
    )
    .unwrap();
    let data = dir.path().join("store");
    let o = levain(
        &data,
        &[
            "import",
            good.to_str().unwrap(),
            empty.to_str().unwrap(),
            binary.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["imported"], 1);
    let errors = s["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("empty file"),
        "{errors:?}"
    );
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .contains("binary data"),
        "{errors:?}"
    );
    // Forcing a format on a campaigns file says what it looks like.
    let csv = dir.path().join("spend.csv");
    std::fs::write(
        &csv,
        "channel,name,start,end,spend,currency\nbluesky,a,2024-01-01,2024-01-31,100,EUR\n",
    )
    .unwrap();
    let o = levain(
        &data,
        &[
            "import",
            "bluesky-jetstream",
            csv.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let msg = s["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("looks like campaigns") && msg.contains("not bluesky-jetstream"),
        "{msg}"
    );
}

#[test]
fn a_directory_of_mixed_files_imports_what_it_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    write_lines(&input, "a.ndjson", &[like(A, "k1", &post_uri(B, "p"), 1)]);
    write_lines(
        &input.join("sub"),
        "b.jsonl",
        &[like(A, "k2", &post_uri(B, "p"), 2)],
    );
    std::fs::write(input.join("README.txt"), "notes about this export\n").unwrap();
    std::fs::write(
        input.join("spend.csv"),
        "channel,name,start,end,spend,currency\nbluesky,spring,2024-03-01,2024-03-31,250.5,EUR\n",
    )
    .unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[input.to_str().unwrap()]);
    assert_eq!(s["imported"], 3);
    let skipped = s["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0]["path"].as_str().unwrap().ends_with("README.txt"));
    let formats: Vec<&str> = s["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats,
        ["bluesky-jetstream", "campaigns", "bluesky-jetstream"]
    );
    assert_eq!(sql_count(&data, "SELECT count(*) FROM campaigns"), 1);
}

#[test]
fn an_oversized_record_is_rejected_without_holding_it_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.ndjson");
    let mut f = std::fs::File::create(&file).unwrap();
    writeln!(f, "{}", like(A, "k1", &post_uri(B, "p"), 1)).unwrap();
    // 40 MiB without a line end, then a good record.
    let junk = vec![b'x'; 1 << 20];
    for _ in 0..40 {
        f.write_all(&junk).unwrap();
    }
    writeln!(f).unwrap();
    writeln!(f, "{}", like(A, "k2", &post_uri(B, "p"), 2)).unwrap();
    drop(f);
    let data = dir.path().join("store");
    let s = import(&data, &["bluesky-jetstream", file.to_str().unwrap()]);
    assert_eq!(s["imported"], 2);
    assert_eq!(s["rejected"], 1);
    assert_eq!(rejects(&s)[0]["reason"], "record too large");
    assert_eq!(rejects(&s)[0]["line"], 2);
}

#[test]
fn unknown_commands_and_missing_files_exit_2_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let o = levain(&data, &["import", "nope.ndjson"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such file"), "{}", stderr(&o));
    let o = levain(&data, &["status"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("levain demo"), "{}", stderr(&o));
}

#[test]
fn a_line_in_a_wrong_encoding_is_rejected_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.ndjson");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(like(A, "k1", &post_uri(B, "p"), 1).as_bytes());
    bytes.push(b'\n');
    // "é" in Latin-1 inside a string: not UTF-8.
    bytes.extend_from_slice(
        like(A, "k2", &post_uri(B, "p"), 2)
            .replace("bafyreidc6", "bafyr\u{e9}")
            .as_bytes(),
    );
    let pos = bytes.iter().rposition(|b| *b == 0xc3).unwrap();
    bytes.splice(pos..pos + 2, [0xe9]);
    bytes.push(b'\n');
    bytes.extend_from_slice(like(A, "k3", &post_uri(B, "p"), 3).as_bytes());
    bytes.push(b'\n');
    std::fs::write(&file, bytes).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[file.to_str().unwrap()]);
    assert_eq!(s["imported"], 2);
    assert_eq!(s["rejected"], 1);
    let r = rejects(&s);
    assert_eq!(
        (r[0]["line"].as_u64(), r[0]["reason"].as_str()),
        (Some(2), Some("invalid encoding"))
    );
    // A whole file in another encoding is refused as a file.
    let latin = dir.path().join("all-latin1.ndjson");
    std::fs::write(&latin, vec![0xe9u8; 2000]).unwrap();
    let o = levain(
        &data,
        &[
            "import",
            "bluesky-jetstream",
            latin.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
}
