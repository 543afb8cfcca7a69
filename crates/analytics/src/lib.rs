//! levain's audience analytics: what paid and organic work brought.
//!
//! - [`engagement`]: likes, reshares, replies and quotes on own posts, by
//!   post and by source (paid or organic), with unique, repeat and one-time
//!   engagers.
//! - [`cohorts`]: followers grouped by how they were acquired (a campaign or
//!   organic, or the month), and how many still follow and still engage in
//!   each period after their follow.
//! - [`cadence`]: engagement per post against posting frequency, the
//!   saturation point, a flood warning, and when the audience is active.
//! - [`mod@core`]: the engaged core, the newcomers, and the regulars slipping away.
//! - [`actions`]: today's queue: answer, thank, re-engage, reshare.
//! - [`conversations`]: sentiment and critique of what people write to us,
//!   questions and how fast they are answered, and the friends' share.
//! - [`roi`]: spend, followers kept at 30/90/365 days, cost per retained
//!   follower, engagement and attributed conversions, per campaign and organic.
//! - [`organic`]: organic work in money, from the user's work log or the
//!   settings.
//! - [`project`]: the audience months ahead under three budget scenarios,
//!   with bootstrap bands.
//! - [`topics`]: topics discovered from co-occurring hashtags, keywords and
//!   links, and the user's own, with volume and own posts.
//! - [`venues`]: where those topics are discussed, how fast it grows, and
//!   our share of voice there: the gaps, best opportunity first.
//! - [`settings`]: `levain config` keys, such as the quality weights.
//! - [`amplifiers`]: who reshares own posts and what their reshares bring,
//!   ranked by a personalised, time-decayed centrality (`levain-graph`).
//! - [`suggest`]: accounts not yet in touch, close to the amplifiers and
//!   the core (circle of trust and SALSA, as Twitter's "Who to Follow").
//! - [`identity`]: which accounts on different channels are one person,
//!   with evidence, confidence and the user's merges and splits.
//! - [`fraud`]: fake-engagement verdicts with reasons (the detectors live in
//!   `levain-detect`); `--exclude-suspicious` everywhere uses them.
//!
//! Every analysis takes the same [`Filters`] and returns a serialisable
//! report whose field names are a stable contract (the CLI's `--json` and,
//! later, the HTTP API print them as they are). The relational work runs as
//! DataFusion SQL over a store snapshot; only small sets (own posts,
//! campaigns, acquisitions) come back into Rust. `engagement` and `cohorts`
//! read the [`audience`] index instead (dense ids, built once per snapshot,
//! memory-mapped), with the SQL kept as their reference.

pub mod actions;
pub mod amplifiers;
pub mod audience;
pub mod cadence;
pub mod campaigns;
pub mod cohorts;
pub mod conversations;
pub mod core;
pub mod engagement;
pub mod fraud;
pub mod identity;
pub mod organic;
pub mod project;
pub mod roi;
pub mod settings;
pub mod suggest;
pub mod topics;
pub mod venues;

use datafusion::arrow::array::RecordBatch;
use levain_store::query::Engine;
use levain_store::status::json_rows;
use serde_json::{Map, Value};

/// Cuts applied the same way by every analysis.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Inclusive start, microseconds since the epoch (UTC).
    pub from: Option<i64>,
    /// Exclusive end, microseconds since the epoch (UTC).
    pub to: Option<i64>,
    pub channel: Option<String>,
    /// Leave out accounts the fraud detector judged suspicious.
    pub exclude_suspicious: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error(transparent)]
    Store(#[from] levain_store::StoreError),
    #[error(
        "no own accounts are declared, so there is no audience to measure; declare yours with `levain own add ACCOUNT`"
    )]
    NoOwnAccounts,
    #[error(
        "unknown time zone `{0}`: give an IANA name such as Europe/Paris or America/Montreal, or `local`"
    )]
    UnknownTimeZone(String),
    #[error(
        "--exclude-suspicious needs the fraud detector's verdicts, and there are none yet: run `levain fraud` first"
    )]
    SuspiciousNotAvailable,
    #[error("{0}")]
    Mixed(String),
}

pub type Result<T> = std::result::Result<T, AnalyticsError>;

impl Filters {
    /// Refuses what cannot be honoured rather than silently ignoring it.
    pub fn check(&self, engine: &Engine) -> Result<()> {
        if self.exclude_suspicious && !engine.judged() {
            return Err(AnalyticsError::SuspiciousNotAvailable);
        }
        Ok(())
    }

    /// SQL that leaves out the actions of suspicious accounts (the fraud
    /// detector's verdicts with the user's marks) from `column`, when asked.
    fn cut(&self, column: &str) -> String {
        if self.exclude_suspicious {
            format!(" AND {column} NOT IN (SELECT account FROM suspicious_accounts)")
        } else {
            String::new()
        }
    }

    /// SQL conditions on a table alias with `at` and `channel` columns.
    fn sql(&self, alias: &str) -> String {
        let mut s = String::new();
        if let Some(f) = self.from {
            s.push_str(&format!(" AND CAST({alias}.at AS BIGINT) >= {f}"));
        }
        if let Some(t) = self.to {
            s.push_str(&format!(" AND CAST({alias}.at AS BIGINT) < {t}"));
        }
        if let Some(c) = &self.channel {
            s.push_str(&format!(" AND {alias}.channel = {}", quote(c)));
        }
        s
    }
}

/// Own accounts as a SQL list of literals, for `IN (…)`: the engine checks
/// a literal list faster than a subquery, and the analyses then use exactly
/// the accounts they were given.
fn own_in(own: &[String]) -> String {
    own.iter().map(|a| quote(a)).collect::<Vec<_>>().join(", ")
}

/// A SQL string literal.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn rows(engine: &Engine, sql: &str) -> Result<Vec<Map<String, Value>>> {
    let (_, batches): (_, Vec<RecordBatch>) = engine.sql(sql)?;
    Ok(json_rows(&batches)?)
}

fn u(row: &Map<String, Value>, k: &str) -> u64 {
    row.get(k).and_then(Value::as_u64).unwrap_or(0)
}

fn i(row: &Map<String, Value>, k: &str) -> Option<i64> {
    row.get(k).and_then(Value::as_i64)
}

fn s(row: &Map<String, Value>, k: &str) -> String {
    row.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Registers (or replaces) an in-memory table the analysis joins against.
fn register(engine: &Engine, name: &str, batch: RecordBatch) -> Result<()> {
    let err = levain_store::StoreError::from;
    let table = datafusion::datasource::MemTable::try_new(batch.schema(), vec![vec![batch]])
        .map_err(err)?;
    let ctx = engine.context();
    ctx.deregister_table(name).map_err(err)?;
    ctx.register_table(name, std::sync::Arc::new(table))
        .map_err(err)?;
    Ok(())
}

/// Latest known handles of `accounts`. Reads the observations of just those
/// accounts: the `accounts` view folds every account first, which is slow on
/// large stores.
fn handles<'a>(
    engine: &Engine,
    accounts: impl Iterator<Item = &'a str>,
) -> Result<std::collections::HashMap<String, String>> {
    let wanted: std::collections::BTreeSet<&str> = accounts.collect();
    if wanted.is_empty() {
        return Ok(Default::default());
    }
    core::register_accounts(engine, "wanted_accounts", wanted.into_iter())?;
    Ok(rows(
        engine,
        "SELECT o.account,
                last_value(o.handle ORDER BY o.observed_at) FILTER (WHERE o.handle IS NOT NULL) AS handle
         FROM account_observations o JOIN wanted_accounts w ON o.account = w.account
         GROUP BY o.account",
    )?
    .into_iter()
    .filter(|r| r.get("handle").is_some_and(|h| h.is_string()))
    .map(|r| (s(&r, "account"), s(&r, "handle")))
    .collect())
}

/// RFC 3339 (UTC, seconds) for microseconds.
pub fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The latest post or interaction time in the store (microseconds).
fn data_end(engine: &Engine) -> Result<Option<i64>> {
    let r = rows(
        engine,
        "SELECT max(t) AS t FROM (
           SELECT max(CAST(at AS BIGINT)) AS t FROM interactions_raw
           UNION ALL SELECT max(CAST(at AS BIGINT)) AS t FROM posts_raw)",
    )?;
    Ok(r.first().and_then(|r| i(r, "t")))
}
