use crate::common::*;

#[test]
fn reimporting_is_a_no_op_and_compaction_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 11, 200, "small");
    let data = dir.path().join("store");
    let file = jetstream(&out);
    let first = import(
        &data,
        &["--checkpoint-records", "5000", file.to_str().unwrap()],
    );
    let before = table_rows(&data);
    let again = import(&data, &[file.to_str().unwrap()]);
    assert_eq!(again["imported"], 0);
    assert_eq!(again["duplicates"], first["imported"]);
    assert!(
        again["rows"].as_object().unwrap().values().all(|n| n == 0),
        "no new rows: {}",
        again["rows"]
    );
    assert_eq!(table_rows(&data), before);

    let manifest = || -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(data.join("manifest.json")).unwrap()).unwrap()
    };
    let segments = |m: &serde_json::Value| -> usize {
        m["tables"]
            .as_object()
            .unwrap()
            .values()
            .map(|t| t["segments"].as_array().unwrap().len())
            .sum()
    };
    let likes = sql_count(
        &data,
        "SELECT count(*) FROM interactions WHERE kind = 'like'",
    );
    let n_before = segments(&manifest());
    let c = json(&data, &["compact", "--json"]);
    assert_eq!(c["segments_before"].as_u64().unwrap() as usize, n_before);
    assert!(segments(&manifest()) < n_before);
    assert_eq!(table_rows(&data), before);
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'like'"
        ),
        likes
    );
    // Old files are gone; the key index still knows every row.
    let files = walk(&data.join("tables"));
    assert_eq!(files.len(), manifest_files(&manifest()));
    let third = import(&data, &[file.to_str().unwrap()]);
    assert_eq!(third["imported"], 0);
    assert_eq!(table_rows(&data), before);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn manifest_files(m: &serde_json::Value) -> usize {
    m["tables"]
        .as_object()
        .unwrap()
        .values()
        .map(|t| t["segments"].as_array().unwrap().len() + t["key_runs"].as_array().unwrap().len())
        .sum()
}

#[test]
fn overlapping_exports_only_add_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 12, 120, "small");
    let text = std::fs::read_to_string(jetstream(&out)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = (lines.len() * 2 / 3, lines.len() / 3);
    let first = dir.path().join("first.ndjson");
    let second = dir.path().join("second.ndjson");
    std::fs::write(&first, lines[..a].join("\n")).unwrap();
    std::fs::write(&second, lines[b..].join("\n")).unwrap();
    let data = dir.path().join("store");
    let s1 = import(&data, &[first.to_str().unwrap()]);
    let s2 = import(&data, &[second.to_str().unwrap()]);
    assert_eq!(
        s1["imported"].as_u64().unwrap() + s2["imported"].as_u64().unwrap(),
        lines.len() as u64
    );
    assert_eq!(s2["duplicates"].as_u64().unwrap(), (a - b) as u64);
    // The same store as importing the whole file at once.
    let whole = dir.path().join("whole");
    import(&whole, &[jetstream(&out).to_str().unwrap()]);
    assert_eq!(table_rows(&data), table_rows(&whole));
}

#[test]
fn sql_prints_tables_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let csv = dir.path().join("c.csv");
    std::fs::write(
        &csv,
        "channel,name,start,end,spend,currency,promoted_posts\n\
         bluesky,spring,2024-03-01,2024-03-31,250.5,EUR,https://bsky.app/profile/did:plc:a/post/3k\n\
         bluesky,summer,2024-06-01T00:00:00Z,2024-06-30,99,EUR,\n",
    )
    .unwrap();
    import(&data, &[csv.to_str().unwrap()]);
    let q = "SELECT name, spend, CAST(\"end\" AS VARCHAR) AS ends, promoted_posts FROM campaigns ORDER BY name";
    let j = json(&data, &["sql", q, "--json"]);
    assert_eq!(j[0]["name"], "spring");
    assert_eq!(j[0]["spend"], 250.5);
    assert_eq!(
        j[0]["promoted_posts"],
        serde_json::json!(["bluesky:at://did:plc:a/app.bsky.feed.post/3k"])
    );
    assert!(
        j[0]["ends"].as_str().unwrap().starts_with("2024-04-01"),
        "a date-only end covers its day"
    );
    let o = levain(
        &data,
        &[
            "sql",
            "SELECT name, spend FROM campaigns ORDER BY name",
            "--csv",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "name,spend\nspring,250.5\nsummer,99.0\n"
    );
    let o = levain(&data, &["sql", "SELECT name FROM campaigns ORDER BY name"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("| spring |"), "{table}");
    let o = levain(&data, &["sql", "SELECT nope FROM campaigns"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
    // A corrected campaign file replaces the old version of a campaign.
    std::fs::write(
        &csv,
        "channel,name,start,end,spend,currency\nbluesky,spring,2024-03-01,2024-03-31,300,EUR\n",
    )
    .unwrap();
    import(&data, &[csv.to_str().unwrap()]);
    let j = json(
        &data,
        &[
            "sql",
            "SELECT spend FROM campaigns WHERE name = 'spring'",
            "--json",
        ],
    );
    assert_eq!(j, serde_json::json!([{"spend": 300.0}]));
}

#[test]
fn status_reports_channels_kinds_period_and_imports() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 13, 60, "small");
    let data = dir.path().join("store");
    import(&data, &[out.to_str().unwrap()]);
    let s = json(&data, &["status", "--json"]);
    let bsky = &s["channels"]["bluesky"];
    assert!(bsky["interactions"]["like"].as_u64().unwrap() > 100);
    assert!(bsky["posts"].as_u64().unwrap() > 10);
    assert!(s["from"].as_str().unwrap().starts_with("2023-01-0"));
    assert_eq!(s["imports"].as_array().unwrap().len(), 1);
    assert_eq!(s["imports"][0]["complete"], true);
    assert_eq!(s["tables"]["campaigns"].as_u64().unwrap(), 6);
}

#[test]
fn the_demo_runs_and_shows_paid_followers_leaving_faster() {
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(exe())
        .args(["demo", "--keep"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for section in [
        "levain engagement",
        "levain cohorts",
        "levain core",
        "levain cadence",
        "levain actions",
        "levain conversations",
        "levain fraud",
        "levain roi",
    ] {
        assert!(
            out.contains(section),
            "the demo does not show {section}:\n{out}"
        );
    }
    // "After 90 days, P % of campaign followers still follow, against O % of organic ones."
    let line = out
        .lines()
        .find(|l| l.contains("After 90 days"))
        .expect("a retention summary");
    let pct: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok())
        .collect();
    assert_eq!(pct.len(), 3, "{line}");
    assert!(
        pct[1] + 10.0 < pct[2],
        "paid {} vs organic {}: {line}",
        pct[1],
        pct[2]
    );
    // The kept store answers queries.
    assert!(
        sql_count(
            &dir.path().join("store"),
            "SELECT count(*) FROM interactions"
        ) > 100_000
    );
}
