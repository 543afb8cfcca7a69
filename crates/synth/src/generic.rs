//! Other tools' exports read through a map file (`levain import csv|ndjson
//! FILE --map map.toml`): the workshop's newsletter events as a mailing
//! tool's CSV export, and its chat server's messages as NDJSON, one message
//! a line, each written with the map that reads it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rand::Rng;
use serde_json::json;

use crate::archives::{ArchiveTruth, Gen, START};

/// The CSV's map: opens and clicks become views of the campaign by a
/// subscriber (hashed e-mail), keyed by the tool's event id.
pub const CSV_MAP: &str = r#"# A mailing tool's events export: opens and clicks of each campaign.
table = "interactions"
channel = "newsletter"
time_format = "%d/%m/%Y %H:%M:%S"
[fields]
record = "Event ID"
actor = "Email (SHA-256)"
target_post = "Campaign"
at = "Date"
[constants]
kind = "view"
"#;

/// The NDJSON's map: chat messages as posts, replies by their reference.
pub const NDJSON_MAP: &str = r#"# A chat server's message log, one JSON message a line.
table = "posts"
channel = "chat"
[fields]
post = "/id"
author = "/author/id"
at = "/timestamp"
text = "/content"
reply_to = "/reference/messageId"
"#;

fn seconds_apart(total: u64) -> i64 {
    (3 * 365 * 86_400 / total.max(1) as i64).max(1)
}

/// Writes about `records` newsletter events to `path` (and its map beside).
pub(crate) fn write_csv(path: &Path, seed: u64, records: u64) -> std::io::Result<ArchiveTruth> {
    let mut g = Gen::new(seed ^ 0xc5f, records);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(
        w,
        "Event ID,Email (SHA-256),Campaign,Event,Link,Date,Client"
    )?;
    let n = records.max(1);
    let step = seconds_apart(n);
    let campaigns = (n / 2000).clamp(3, 200);
    let subscribers = g.people.len() as u64 * 2;
    for i in 0..n {
        let at = START + i as i64 * step;
        let t = chrono::DateTime::from_timestamp(at, 0).expect("in range");
        let who = g.rng.random_range(0..subscribers);
        // Campaigns go out in turn; events follow the latest ones.
        let campaign = (i * campaigns / n).saturating_sub(g.rng.random_range(0..2));
        let click = g.rng.random_bool(0.3);
        let client = ["Apple Mail", "Gmail", "Thunderbird", "Outlook, Windows"][(who % 4) as usize];
        writeln!(
            w,
            "ev-{seed}-{i},{:016x}{:016x},lettre-{campaign:03},{},{},{},\"{client}\"",
            xxhash_rust::xxh3::xxh3_64_with_seed(&who.to_le_bytes(), seed),
            xxhash_rust::xxh3::xxh3_64_with_seed(&who.to_le_bytes(), !seed),
            if click { "click" } else { "open" },
            if click {
                "https://latelierdurayon.fr/ateliers?utm_source=newsletter"
            } else {
                ""
            },
            t.format("%d/%m/%Y %H:%M:%S"),
        )?;
    }
    w.flush()?;
    std::fs::write(path.with_extension("map.toml"), CSV_MAP)?;
    Ok(ArchiveTruth {
        format: "csv".into(),
        own: "newsletter:latelierdurayon".into(),
        records: n,
        rows_interactions: n,
        ..ArchiveTruth::default()
    })
}

/// Writes about `records` chat messages to `path` (and its map beside).
pub(crate) fn write_ndjson(path: &Path, seed: u64, records: u64) -> std::io::Result<ArchiveTruth> {
    let mut g = Gen::new(seed ^ 0x9d5, records);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let n = records.max(1);
    let step = seconds_apart(n);
    let mut replies = 0;
    for i in 0..n {
        let post = g.post();
        let who = g.rng.random_range(0..g.people.len());
        let at = chrono::DateTime::from_timestamp(START + i as i64 * step, 0).expect("in range");
        let id = 1_100_000_000_000_000_000u64 + i * 4096;
        let reference = (i > 0 && post.reply_to.is_some()).then(|| {
            replies += 1;
            json!({"messageId": (1_100_000_000_000_000_000u64 + g.rng.random_range(0..i) * 4096).to_string()})
        });
        let p = &g.people[who];
        let m = json!({
            "id": id.to_string(),
            "type": if reference.is_some() { "Reply" } else { "Default" },
            "timestamp": at.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string(),
            "timestampEdited": null,
            "isPinned": false,
            "content": post.text,
            "author": {"id": p.x_id, "name": p.handle, "nickname": p.name, "isBot": false},
            "reference": reference,
            "reactions": [],
        });
        serde_json::to_writer(&mut w, &m)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    std::fs::write(path.with_extension("map.toml"), NDJSON_MAP)?;
    Ok(ArchiveTruth {
        format: "ndjson".into(),
        own: "chat:atelier".into(),
        records: n,
        posts: n,
        replies,
        rows_posts: n,
        ..ArchiveTruth::default()
    })
}
