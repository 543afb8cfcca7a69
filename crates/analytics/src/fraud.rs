//! `levain fraud`: runs the fake-engagement detectors over a store
//! snapshot, explains every verdict, and applies the user's marks.
//!
//! The audience is every account that followed, mentioned or engaged with
//! an own account or its posts. The detectors read all of the audience's likes,
//! reshares, replies, quotes and follows (not only those aimed at us: a
//! farm's camouflage and a ring's churn are elsewhere), its posts, and the
//! own accounts' posts; the verdicts are about the audience only.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, AsArray, BooleanArray, Float64Array, ListBuilder, RecordBatch, StringArray,
    StringBuilder,
};
use datafusion::arrow::datatypes::Int64Type;
use levain_detect::activity::{Activity, ActivityBuilder, Event, Kind, NEVER, NONE};
use levain_detect::finding::Target;
use levain_detect::{DetectConfig, Detection};
use levain_store::FraudMark;
use levain_store::query::{Engine, verdicts_schema};
use serde::Serialize;

use crate::{Result, rfc3339};

#[derive(Debug, Serialize)]
pub struct FraudReport {
    pub accounts: Vec<AccountVerdict>,
    pub groups: Vec<GroupReport>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct AccountVerdict {
    pub account: String,
    pub handle: Option<String>,
    /// Combined score in [0, 1].
    pub score: f64,
    /// The verdict, after the user's mark if any.
    pub suspicious: bool,
    /// The detector's own verdict, before marks.
    pub detected: bool,
    /// `like_farm`, `dense_block`, `bought_followers`, `pod`, `follow_ring`, `bot`.
    pub patterns: Vec<&'static str>,
    pub reasons: Vec<String>,
    /// `real` or `fake` when the user marked the account.
    pub mark: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GroupReport {
    pub pattern: &'static str,
    pub accounts: Vec<String>,
    /// Posts (URIs) or accounts the group acted on.
    pub targets: Vec<String>,
    pub from: String,
    pub to: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    /// Accounts of the audience judged.
    pub accounts: usize,
    pub suspicious: usize,
    pub threshold: f64,
    /// Suspicious accounts per pattern (an account can show several).
    pub by_pattern: BTreeMap<&'static str, usize>,
    pub marked_real: usize,
    pub marked_fake: usize,
}

const KINDS: &str = "('like', 'reshare', 'reply', 'quote', 'follow')";

/// Reads the audience's activity from the store into integer ids.
pub fn load(engine: &Engine, own: &[String]) -> Result<Activity> {
    let own_in = crate::own_in(own);
    let mut b = ActivityBuilder::default();
    for o in own {
        let id = b.account(o);
        b.account_mut(id).own = true;
    }
    let (_, batches) = engine.sql(&format!(
        "SELECT DISTINCT actor FROM interactions_raw
         WHERE kind IN ('like', 'reshare', 'reply', 'quote', 'follow', 'mention')
           AND target_account IN ({own_in}) AND actor NOT IN ({own_in})"
    ))?;
    let audience: Vec<String> = batches
        .iter()
        .flat_map(|b| {
            let a = b.column(0).as_string::<i32>();
            (0..a.len())
                .map(|i| a.value(i).to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    for a in &audience {
        let id = b.account(a);
        b.account_mut(id).audience = true;
    }
    crate::core::register_accounts(
        engine,
        "fraud_audience",
        audience
            .iter()
            .map(String::as_str)
            .chain(own.iter().map(String::as_str)),
    )?;
    // Accounts: when first seen, and their latest handle.
    let (_, batches) = engine.sql(
        "SELECT o.account, min(CAST(o.observed_at AS BIGINT)) AS first_seen,
                last_value(o.handle ORDER BY o.observed_at) FILTER (WHERE o.handle IS NOT NULL) AS handle
         FROM account_observations o JOIN fraud_audience a ON o.account = a.account
         GROUP BY o.account",
    )?;
    for batch in &batches {
        let account = batch.column(0).as_string::<i32>();
        let first = batch.column(1).as_primitive::<Int64Type>();
        let handle = batch.column(2).as_string::<i32>();
        for r in 0..batch.num_rows() {
            let id = b.account(account.value(r));
            let a = b.account_mut(id);
            a.first_seen = first.is_valid(r).then(|| first.value(r));
            a.handle = handle.is_valid(r).then(|| handle.value(r).to_owned());
        }
    }
    // Posts by the audience and by us: authors, times, texts.
    let (_, batches) = engine.sql(
        "SELECT p.post, p.author, CAST(p.at AS BIGINT) AS at, p.text
         FROM posts_raw p JOIN fraud_audience a ON p.author = a.account",
    )?;
    for batch in &batches {
        let post = batch.column(0).as_string::<i32>();
        let author = batch.column(1).as_string::<i32>();
        let at = batch.column(2).as_primitive::<Int64Type>();
        let text = batch.column(3).as_string::<i32>();
        for r in 0..batch.num_rows() {
            let a = b.account(author.value(r));
            let id = b.post(post.value(r), a);
            let p = b.post_mut(id);
            p.author = a;
            p.at = at.value(r);
            p.text = if text.is_valid(r) {
                text_hash(text.value(r))
            } else {
                0
            };
        }
    }
    for c in crate::campaigns::load(engine)? {
        b.campaign(levain_detect::activity::Campaign {
            channel: c.channel,
            name: c.name,
            from: c.start,
            to: c.end,
        });
    }
    // Everything the audience did, and everything done to us.
    // Streamed: on a large store this is most of the data.
    engine.for_each_batch(
        &format!(
            // The raw table with its end-times, not the `interactions` view:
            // unfollow rows (whose targets the view fills in) are not read.
            "SELECT i.actor, i.kind, CAST(i.at AS BIGINT) AS at, i.target_post, i.target_account,
                CAST(d.at AS BIGINT) AS ended
         FROM interactions_raw i
         LEFT JOIN (SELECT record, min(at) AS at FROM deletions GROUP BY record) d ON i.record = d.record
         WHERE i.kind IN {KINDS}
           AND (i.actor IN (SELECT account FROM fraud_audience) OR i.target_account IN ({own_in}))"
        ),
        |batch| {
            let actor = batch.column(0).as_string::<i32>();
            let kind = batch.column(1).as_string::<i32>();
            let at = batch.column(2).as_primitive::<Int64Type>();
            let post = batch.column(3).as_string::<i32>();
            let target = batch.column(4).as_string::<i32>();
            let ended = batch.column(5).as_primitive::<Int64Type>();
            for r in 0..batch.num_rows() {
                let Some(kind) = Kind::parse(kind.value(r)) else {
                    continue;
                };
                let actor = b.account(actor.value(r));
                let target = if target.is_valid(r) {
                    b.account(target.value(r))
                } else {
                    NONE
                };
                let post = if post.is_valid(r) {
                    b.post(post.value(r), target)
                } else {
                    NONE
                };
                b.event(Event {
                    actor,
                    kind,
                    at: at.value(r),
                    post,
                    target,
                    ended: if ended.is_valid(r) {
                        ended.value(r)
                    } else {
                        NEVER
                    },
                });
            }
            Ok(())
        },
    )?;
    Ok(b.finish())
}

/// Same text, same hash: case and surrounding spaces do not matter.
fn text_hash(text: &str) -> u64 {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return 0;
    }
    xxhash_rust::xxh3::xxh3_64(t.as_bytes()).max(1)
}

/// Runs the detectors and explains their verdicts, with the user's marks applied.
pub fn fraud(
    engine: &Engine,
    own: &[String],
    marks: &BTreeMap<String, FraudMark>,
    cfg: &DetectConfig,
) -> Result<FraudReport> {
    if own.is_empty() {
        return Err(crate::AnalyticsError::NoOwnAccounts);
    }
    let started = std::time::Instant::now();
    let act = load(engine, own)?;
    tracing::info!(
        "loaded {} accounts, {} posts, {} events in {:.2?}",
        act.accounts.len(),
        act.posts.len(),
        act.events.len(),
        started.elapsed()
    );
    let detection = levain_detect::detect(&act, cfg);
    Ok(report(&act, detection, marks, cfg.threshold))
}

fn report(
    act: &Activity,
    d: Detection,
    marks: &BTreeMap<String, FraudMark>,
    threshold: f64,
) -> FraudReport {
    let key = |a: u32| act.accounts[a as usize].key.clone();
    let mut by_pattern: BTreeMap<&'static str, usize> = BTreeMap::new();
    let (mut marked_real, mut marked_fake) = (0, 0);
    let mut accounts: Vec<AccountVerdict> = d
        .accounts
        .into_iter()
        .map(|v| {
            let account = key(v.account);
            let mark = marks.get(&account);
            let mut reasons = v.reasons;
            let suspicious = match mark {
                Some(m) => {
                    reasons.push(format!("marked {} by you on {}", m.verdict, m.at));
                    m.verdict == "fake"
                }
                None => v.suspicious,
            };
            match mark.map(|m| m.verdict.as_str()) {
                Some("real") => marked_real += 1,
                Some("fake") => marked_fake += 1,
                _ => {}
            }
            let patterns: Vec<&'static str> = v.patterns.iter().map(|p| p.as_str()).collect();
            if suspicious {
                for p in &patterns {
                    *by_pattern.entry(p).or_default() += 1;
                }
            }
            AccountVerdict {
                handle: act.accounts[v.account as usize].handle.clone(),
                account,
                score: v.score,
                suspicious,
                detected: v.suspicious,
                patterns,
                reasons,
                mark: mark.map(|m| m.verdict.clone()),
            }
        })
        .collect();
    // Marked accounts first among equals, so a user sees their overrides.
    accounts.sort_by(|a, b| {
        b.suspicious
            .cmp(&a.suspicious)
            .then(b.score.total_cmp(&a.score))
            .then(a.account.cmp(&b.account))
    });
    let groups = d
        .groups
        .into_iter()
        .map(|g| GroupReport {
            pattern: g.pattern.as_str(),
            accounts: g.accounts.iter().map(|&a| key(a)).collect(),
            targets: g
                .targets
                .iter()
                .map(|t| match *t {
                    Target::Post(p) => act.post_keys[p as usize].clone(),
                    Target::Account(a) => key(a),
                })
                .collect(),
            from: rfc3339(g.from),
            to: rfc3339(g.to),
            reasons: g.reasons,
        })
        .collect();
    FraudReport {
        summary: Summary {
            accounts: accounts.len(),
            suspicious: accounts.iter().filter(|a| a.suspicious).count(),
            threshold,
            by_pattern,
            marked_real,
            marked_fake,
        },
        accounts,
        groups,
    }
}

/// The detector's verdicts (before marks) as the store keeps them.
pub fn verdicts_batch(report: &FraudReport) -> Result<RecordBatch> {
    let list = |f: &dyn Fn(&AccountVerdict) -> Vec<String>| {
        let mut b = ListBuilder::new(StringBuilder::new());
        for a in &report.accounts {
            for s in f(a) {
                b.values().append_value(s);
            }
            b.append(true);
        }
        Arc::new(b.finish())
    };
    Ok(RecordBatch::try_new(
        verdicts_schema(),
        vec![
            Arc::new(StringArray::from_iter_values(
                report.accounts.iter().map(|a| &a.account),
            )),
            Arc::new(Float64Array::from_iter_values(
                report.accounts.iter().map(|a| a.score),
            )),
            Arc::new(BooleanArray::from_iter(
                report.accounts.iter().map(|a| Some(a.detected)),
            )),
            list(&|a| a.patterns.iter().map(|p| p.to_string()).collect()),
            // The detectors' reasons: a mark's reason, when there is one,
            // is the last (see `report`) and lives in the manifest.
            list(&|a| {
                let detected = a.reasons.len() - usize::from(a.mark.is_some());
                a.reasons[..detected].to_vec()
            }),
        ],
    )
    .map_err(levain_store::StoreError::from)?)
}

/// Suspicious accounts as `--exclude-suspicious` sees them now (stored
/// verdicts with marks), for reports that want to name them.
pub fn suspicious_accounts(engine: &Engine) -> Result<Vec<String>> {
    Ok(crate::rows(
        engine,
        "SELECT account FROM suspicious_accounts ORDER BY account",
    )?
    .iter()
    .map(|r| crate::s(r, "account"))
    .collect())
}
