//! Formats the generator writes beside the archives (`levain synth --format
//! F`): each imports its truth counts exactly, autodetected, and once.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// `levain synth --format F` of about `records` records into `dir`.
fn export(dir: &Path, format: &str, records: u64) -> (PathBuf, Value) {
    let out = dir.join(format);
    let o = Command::new(exe())
        .args(["synth", "--json", "--format", format, "--seed", "11"])
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

/// Imports the export (autodetected, or for generic formats named with the
/// map written beside) and checks every count against the truth, then that
/// a second import adds nothing.
fn imports_its_truth(format: &str, records: u64) -> (tempfile::TempDir, PathBuf, Value) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let (path, truth) = export(&dir, format, records);
    assert!(
        truth["records"].as_u64().unwrap() > records / 2,
        "{format}: {truth}"
    );
    let data = dir.join("store");
    let map = path.with_extension("map.toml");
    let map = map.to_str().unwrap();
    let mut a: Vec<&str> = if ["csv", "ndjson"].contains(&format) {
        vec![format, "--map", map]
    } else {
        vec![]
    };
    a.push(path.to_str().unwrap());
    let first = import(&data, &a);
    let what = format!("{format}: {first} against {truth}");
    assert_eq!(first["files"][0]["format"], format, "{what}");
    assert_eq!(first["rejected"], 0, "{what}");
    assert_eq!(first["imported"], truth["records"], "{what}");
    assert_eq!(
        first["rows"]["posts"].as_u64().unwrap_or(0),
        truth["rows_posts"].as_u64().unwrap(),
        "{what}"
    );
    assert_eq!(
        first["rows"]["interactions"].as_u64().unwrap_or(0),
        truth["rows_interactions"].as_u64().unwrap(),
        "{what}"
    );
    assert_eq!(
        first["rows"]["account_observations"].as_u64().unwrap_or(0),
        truth["rows_accounts"].as_u64().unwrap(),
        "{what}"
    );
    let again = import(&data, &a);
    assert_eq!(again["imported"], 0, "{format}: {again}");
    assert_eq!(again["duplicates"], truth["records"], "{format}: {again}");
    (tmp, data, truth)
}

#[test]
fn a_generated_bluesky_repository_imports_its_truth() {
    let (_tmp, data, truth) = imports_its_truth("bluesky-car", 3000);
    let kinds = |k: &str| {
        sql_count(
            &data,
            &format!("SELECT count(*) FROM interactions WHERE kind = '{k}'"),
        )
    };
    assert_eq!(kinds("like"), truth["likes"].as_u64().unwrap());
    assert_eq!(kinds("reshare"), truth["reshares"].as_u64().unwrap());
    assert_eq!(kinds("follow"), truth["following"].as_u64().unwrap());
    assert_eq!(kinds("reply"), truth["replies"].as_u64().unwrap());
    assert_eq!(kinds("mention"), truth["mentions"].as_u64().unwrap());
}

#[test]
fn generated_csv_and_ndjson_import_their_truth_through_their_maps() {
    for format in ["csv", "ndjson"] {
        let (_tmp, data, truth) = imports_its_truth(format, 2000);
        if format == "ndjson" {
            assert_eq!(
                sql_count(
                    &data,
                    "SELECT count(*) FROM posts WHERE channel = 'chat' AND reply_to IS NOT NULL"
                ),
                truth["replies"].as_u64().unwrap()
            );
        } else {
            assert!(
                sql_count(
                    &data,
                    "SELECT count(DISTINCT target_post) FROM interactions WHERE channel = 'newsletter'"
                ) > 2
            );
        }
    }
}

#[test]
fn generated_mastodon_api_pages_import_their_truth() {
    let (_tmp, data, truth) = imports_its_truth("mastodon-api", 3000);
    let kinds = |k: &str| {
        sql_count(
            &data,
            &format!(
                "SELECT count(*) FROM interactions WHERE channel = 'mastodon' AND kind = '{k}'"
            ),
        )
    };
    assert_eq!(kinds("like"), truth["likes"].as_u64().unwrap());
    assert_eq!(
        kinds("reshare"),
        truth["reshares"].as_u64().unwrap() + truth["reshared_by"].as_u64().unwrap()
    );
    assert_eq!(kinds("follow"), truth["followers"].as_u64().unwrap());
    assert_eq!(kinds("reply"), truth["replies"].as_u64().unwrap());
}

#[test]
fn a_generated_reddit_dump_and_listing_import_their_truth() {
    let (_tmp, data, truth) = imports_its_truth("reddit", 3000);
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM posts WHERE channel = 'reddit' AND author = 'reddit:atelierdurayon'"
        ),
        3000 / 200, // the listing pages: records / 200, at least 5
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'reply'"
        ),
        truth["replies"].as_u64().unwrap()
    );
}

#[test]
fn a_generated_discourse_forum_imports_its_truth() {
    let (_tmp, data, truth) = imports_its_truth("discourse", 3000);
    let kinds = |k: &str| {
        sql_count(
            &data,
            &format!(
                "SELECT count(*) FROM interactions WHERE channel = 'discourse' AND kind = '{k}'"
            ),
        )
    };
    assert_eq!(kinds("like"), truth["likes"].as_u64().unwrap());
    assert_eq!(kinds("reply"), truth["replies"].as_u64().unwrap());
    assert_eq!(kinds("mention"), truth["mentions"].as_u64().unwrap());
}

/// `levain import --json ARGS`, success or not: (exit success, summary).
fn import_any(data: &Path, args: &[&str]) -> (bool, Value) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.push("--json");
    let o = levain(data, &all);
    (
        o.status.success(),
        serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
    )
}

fn reasons(s: &Value) -> Vec<String> {
    s["reasons"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn a_cut_repository_keeps_the_records_read_and_says_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let (path, truth) = export(dir.path(), "bluesky-car", 2000);
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.path().join("cut.car");
    std::fs::write(&cut, &bytes[..bytes.len() * 3 / 4]).unwrap();
    let (_, s) = import_any(&dir.path().join("store"), &[cut.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "bluesky-car", "{s}");
    assert!(reasons(&s).contains(&"truncated file".to_owned()), "{s}");
    let got = s["imported"].as_u64().unwrap();
    assert!(got > 0 && got < truth["records"].as_u64().unwrap(), "{s}");
}

#[test]
fn bad_mastodon_api_pages_are_rejected_and_the_other_pages_import() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, truth) = export(dir.path(), "mastodon-api", 800);
    let mut pages: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("followers-"))
        .collect();
    pages.sort();
    // One page cut short, one with a Latin-1 byte in it.
    let cut = std::fs::read(&pages[0]).unwrap();
    std::fs::write(&pages[0], &cut[..cut.len() / 2]).unwrap();
    let mut latin = std::fs::read(&pages[1]).unwrap();
    let at = latin.windows(2).position(|w| w == b"\xc3\xa0").unwrap();
    latin.splice(at..at + 2, [0xe0u8]);
    std::fs::write(&pages[1], &latin).unwrap();
    let (_, s) = import_any(&dir.path().join("store"), &[folder.to_str().unwrap()]);
    let r = reasons(&s);
    assert!(r.contains(&"truncated file".to_owned()), "{s}");
    assert!(r.contains(&"invalid encoding".to_owned()), "{s}");
    assert_eq!(s["rejected"], 2, "{s}");
    assert!(s["imported"].as_u64().unwrap() < truth["records"].as_u64().unwrap());
    assert!(s["imported"].as_u64().unwrap() > truth["records"].as_u64().unwrap() / 2);
}

#[test]
fn mapped_csv_lines_cut_or_misencoded_are_rejected_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (path, truth) = export(dir.path(), "csv", 500);
    let map = path.with_extension("map.toml");
    let text = std::fs::read(&path).unwrap();
    let mut lines: Vec<Vec<u8>> = text.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    // A line in Latin-1 and a last line cut inside its date.
    lines[3].extend_from_slice(b" caf\xe9");
    lines.retain(|l| !l.is_empty());
    let last = lines.last_mut().unwrap();
    last.truncate(last.len() - 30);
    std::fs::write(&path, lines.join(&b'\n')).unwrap();
    let (_, s) = import_any(
        &dir.path().join("store"),
        &[
            "csv",
            "--map",
            map.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(s["rejected"], 2, "{s}");
    assert_eq!(
        s["imported"].as_u64().unwrap(),
        truth["records"].as_u64().unwrap() - 2,
        "{s}"
    );
}

/// A folder of many small API pages is one import whose files share
/// segments (not a segment per table after every file), whose per-file
/// counts are each file's own, which a re-import leaves unchanged, and which
/// kills at random moments never leave inconsistent: a last import then
/// holds exactly the rows of a clean one.
#[test]
fn a_folder_of_many_small_pages_shares_segments_and_survives_kills() {
    use std::time::Instant;

    let tmp = tempfile::tempdir().unwrap();
    let (folder, truth) = export(tmp.path(), "mastodon-api", 6000);
    let folder_s = folder.to_str().unwrap();
    let data = tmp.path().join("store");
    let started = Instant::now();
    let first = import(&data, &[folder_s]);
    let took = started.elapsed();
    assert_eq!(first["imported"], truth["records"], "{first}");
    assert_eq!(first["rejected"], 0);
    let files = first["files"].as_array().unwrap();
    assert!(files.len() >= 200, "{} files", files.len());
    let per_file = |s: &Value, field: &str| -> u64 {
        s["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f[field].as_u64().unwrap())
            .sum()
    };
    assert_eq!(
        per_file(&first, "imported"),
        truth["records"].as_u64().unwrap()
    );
    for f in files {
        assert_eq!(
            f["imported"].as_u64().unwrap() + f["duplicates"].as_u64().unwrap(),
            f["records"].as_u64().unwrap(),
            "{f}"
        );
    }
    // Fewer than `batch_rows` rows per table: one segment and one key run
    // each, whatever the number of files.
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(data.join("manifest.json")).unwrap()).unwrap();
    for (table, t) in manifest["tables"].as_object().unwrap() {
        assert_eq!(t["segments"].as_array().unwrap().len(), 1, "{table}: {t}");
        assert_eq!(t["key_runs"].as_array().unwrap().len(), 1, "{table}: {t}");
    }
    let expected = table_rows(&data);
    let again = import(&data, &[folder_s]);
    assert_eq!(again["imported"], 0, "{again}");
    assert_eq!(again["duplicates"], truth["records"], "{again}");
    for f in again["files"].as_array().unwrap() {
        assert_eq!(f["duplicates"], f["records"], "{f}");
    }
    assert_eq!(table_rows(&data), expected);

    // Kills at random moments of imports that checkpoint every 500 records.
    let killed = tmp.path().join("killed");
    let args = |data: &Path| -> Vec<String> {
        vec![
            "--data".into(),
            data.display().to_string(),
            "import".into(),
            "--checkpoint-records".into(),
            "500".into(),
            folder_s.into(),
        ]
    };
    kill_imports_at_random(&killed, &args(&killed), took, 7, 8, 3, &expected);
    let o = Command::new(exe()).args(args(&killed)).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(table_rows(&killed), expected);
    let last = import(&killed, &[folder_s]);
    assert_eq!(last["imported"], 0, "{last}");
}
