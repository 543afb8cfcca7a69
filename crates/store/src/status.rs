//! `levain status`: what the store holds, by channel and kind.

use std::collections::BTreeMap;

use datafusion::arrow::array::RecordBatch;
use levain_model::Table;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::manifest::{ImportRecord, Manifest};
use crate::query::Engine;

#[derive(Debug, Serialize)]
pub struct Status {
    pub store: String,
    pub generation: u64,
    /// Rows per stored table.
    pub tables: BTreeMap<String, u64>,
    pub channels: BTreeMap<String, ChannelStatus>,
    /// Earliest and latest post or interaction time (RFC 3339, UTC).
    pub from: Option<String>,
    pub to: Option<String>,
    pub own: Vec<OwnAccount>,
    pub imports: Vec<ImportRecord>,
    /// The latest `levain fraud` run, if any.
    pub fraud: Option<FraudStatus>,
}

#[derive(Debug, Serialize)]
pub struct FraudStatus {
    pub computed_at: String,
    pub accounts: u64,
    pub suspicious: u64,
    pub threshold: f64,
    /// Data was imported after it: its verdicts do not cover the new accounts.
    pub stale: bool,
    pub marked_real: usize,
    pub marked_fake: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct ChannelStatus {
    pub accounts: u64,
    pub posts: u64,
    /// Interactions by kind.
    pub interactions: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize)]
pub struct OwnAccount {
    pub account: String,
    pub handle: Option<String>,
    /// Whether any imported data mentions this account yet.
    pub seen: bool,
}

/// Turns query results into JSON objects, one per row.
pub fn json_rows(batches: &[RecordBatch]) -> Result<Vec<Map<String, Value>>> {
    let mut buf = Vec::new();
    {
        let mut w = datafusion::arrow::json::ArrayWriter::new(&mut buf);
        for b in batches {
            w.write(b)?;
        }
        w.finish()?;
    }
    if buf.is_empty() {
        return Ok(Vec::new());
    }
    Ok(serde_json::from_slice(&buf).expect("arrow writes valid JSON"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn s(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

pub fn status(root: &std::path::Path, manifest: &Manifest, engine: &Engine) -> Result<Status> {
    let tables = Table::ALL
        .iter()
        .map(|t| (t.name().to_owned(), manifest.rows(*t)))
        .collect();
    let mut channels: BTreeMap<String, ChannelStatus> = BTreeMap::new();
    let q = |sql: &str| -> Result<Vec<Map<String, Value>>> { json_rows(&engine.sql(sql)?.1) };
    for row in
        q("SELECT channel, kind, count(*) AS n FROM interactions_raw GROUP BY channel, kind")?
    {
        let ch = channels
            .entry(s(row.get("channel")).unwrap_or_default())
            .or_default();
        ch.interactions
            .insert(s(row.get("kind")).unwrap_or_default(), u(&row["n"]));
    }
    for row in q("SELECT channel, count(*) AS n FROM posts_raw GROUP BY channel")? {
        channels
            .entry(s(row.get("channel")).unwrap_or_default())
            .or_default()
            .posts = u(&row["n"]);
    }
    for row in q(
        "SELECT channel, count(DISTINCT account) AS n FROM account_observations GROUP BY channel",
    )? {
        channels
            .entry(s(row.get("channel")).unwrap_or_default())
            .or_default()
            .accounts = u(&row["n"]);
    }
    let range = q("SELECT min(at) AS first, max(at) AS last FROM
                   (SELECT at FROM posts_raw UNION ALL SELECT at FROM interactions_raw)")?;
    let (from, to) = range
        .first()
        .map(|r| (s(r.get("first")), s(r.get("last"))))
        .unwrap_or_default();
    let known: BTreeMap<String, Option<String>> =
        q("SELECT account, handle FROM accounts WHERE own")?
            .into_iter()
            .map(|r| (s(r.get("account")).unwrap_or_default(), s(r.get("handle"))))
            .collect();
    let own = manifest
        .own
        .iter()
        .map(|a| OwnAccount {
            account: a.clone(),
            handle: known.get(a).cloned().flatten(),
            seen: known.contains_key(a),
        })
        .collect();
    Ok(Status {
        store: root.display().to_string(),
        generation: manifest.generation,
        tables,
        channels,
        from,
        to,
        own,
        imports: manifest.imports.clone(),
        fraud: manifest.fraud.as_ref().map(|f| FraudStatus {
            computed_at: f.computed_at.clone(),
            accounts: f.accounts,
            suspicious: f.suspicious,
            threshold: f.threshold,
            stale: manifest.fraud_is_stale(),
            marked_real: manifest
                .marks
                .values()
                .filter(|m| m.verdict == "real")
                .count(),
            marked_fake: manifest
                .marks
                .values()
                .filter(|m| m.verdict == "fake")
                .count(),
        }),
    })
}
