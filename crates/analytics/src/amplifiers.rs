//! `levain amplifiers`: the accounts whose reshares and quotes of own posts
//! bring further engagement, best first, each with its reasons.
//!
//! Downstream engagement of a reshare is what it demonstrably brought:
//! likes and reshares whose `via` names it (Bluesky records which repost
//! a like came through), engagement with a quote post, and engagement with
//! the reshared post, within a week, by the resharer's followers who do
//! not follow an own account themselves.
//!
//! The ranking is a personalised, time-decayed centrality, not a count:
//! - every reshare weighs `0.5^(age / half-life)`, its age counted back
//!   from the end of the data (or of `--to`);
//! - personalised PageRank runs on the graph of own posts and resharers
//!   (post ⇄ resharer, weighted by the reshare's decayed weight times one
//!   plus its downstream engagement), restarting on the own posts in scope
//!   (a topic's posts when one is given). Its score, the account's *carry*,
//!   is the share of the scope it regularly and recently carries;
//! - the *yield* is the decayed downstream engagement per decayed reshare,
//!   shrunk towards the average of all resharers when there are few;
//! - score = yield × carry / (carry + mean carry): what a reshare by this
//!   account brings, discounted when it rarely or no longer reshares.
//!
//! Accounts the fraud detector flags (or the user marked fake) keep their
//! place in the list but with a tenth of their score, and say why;
//! `--exclude-suspicious` leaves them and their engagement out entirely.

use std::collections::{BTreeSet, HashMap};

use datafusion::arrow::array::{Array, AsArray, StringArray};
use datafusion::arrow::datatypes::Int64Type;
use levain_graph::{GraphBuilder, PageRankOptions, pagerank};
use levain_store::query::Engine;
use serde::Serialize;

use crate::{AnalyticsError, Filters, Result, data_end, rfc3339};

const DAY: i64 = 86_400_000_000;
/// How much of a flagged account's score it keeps.
pub const FLAGGED_FACTOR: f64 = 0.1;
/// Pseudo-reshares of prior in the yield's shrinkage.
const PRIOR_RESHARES: f64 = 2.0;

/// The own posts a ranking is personalised on.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Shown in the report (a topic's name).
    pub name: String,
    /// Own post keys (`bluesky:at://…`).
    pub posts: BTreeSet<String>,
}

#[derive(Clone, Debug)]
pub struct AmplifierOptions {
    pub half_life_days: f64,
    /// Personalise on these posts instead of every own post.
    pub scope: Option<Scope>,
    /// Accounts listed (0: all).
    pub limit: usize,
}

impl Default for AmplifierOptions {
    fn default() -> Self {
        AmplifierOptions {
            half_life_days: 180.0,
            scope: None,
            limit: 50,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Amplifiers {
    /// The topic the ranking is personalised on; null for all own posts.
    pub topic: Option<String>,
    pub half_life_days: f64,
    pub data_end: Option<String>,
    /// Accounts that reshared or quoted an own post in scope.
    pub resharers: usize,
    /// Best first.
    pub accounts: Vec<Amplifier>,
}

#[derive(Debug, Serialize, Clone)]
pub struct Amplifier {
    pub account: String,
    pub handle: Option<String>,
    pub score: f64,
    /// Reshares and quotes of own posts in scope.
    pub reshares: u64,
    /// Engagement those reshares brought (see the module's definition).
    pub downstream: u64,
    /// Decayed downstream engagement per decayed reshare, shrunk.
    pub per_reshare: f64,
    /// Personalised PageRank of the account on the reshare graph.
    pub centrality: f64,
    /// Flagged by the fraud detector or marked fake: demoted.
    pub flagged: bool,
    pub last_reshare: String,
    pub reasons: Vec<String>,
}

/// One reshare or quote of an own post, with what it brought.
struct Reshare {
    post: u32,
    at: i64,
    downstream: u64,
}

pub fn amplifiers(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    o: &AmplifierOptions,
) -> Result<Amplifiers> {
    filters.check(engine)?;
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let end = match (data_end(engine)?, filters.to) {
        (Some(e), Some(t)) => Some(e.min(t - 1)),
        (e, _) => e,
    };
    let mut report = Amplifiers {
        topic: o.scope.as_ref().map(|s| s.name.clone()),
        half_life_days: o.half_life_days,
        data_end: end.map(rfc3339),
        resharers: 0,
        accounts: Vec::new(),
    };
    let Some(end) = end else { return Ok(report) };
    let in_scope = match &o.scope {
        Some(scope) => {
            crate::core::register_accounts(
                engine,
                "scope_posts",
                scope.posts.iter().map(String::as_str),
            )?;
            " AND e.target_post IN (SELECT account FROM scope_posts)"
        }
        None => "",
    };
    let own_in = crate::own_in(own);
    let (cut_e, cut_d) = (filters.cut("e.actor"), filters.cut("d.actor"));
    let period = filters.sql("e");
    let week = 7 * DAY;
    // Each reshare or quote, and what it brought: via, quote engagement,
    // and the resharer's followers (who do not follow us) within a week.
    let sql = format!(
        "WITH r AS (
           SELECT e.actor, e.target_post AS post, e.record, e.kind, CAST(e.at AS BIGINT) AS at
           FROM interactions_raw e
           WHERE e.kind IN ('reshare', 'quote') AND e.target_post IS NOT NULL AND e.record IS NOT NULL
             AND e.target_account IN ({own_in}) AND e.actor NOT IN ({own_in}){cut_e}{period}{in_scope}
         ),
         direct AS (
           SELECT r.record, d.actor FROM r JOIN interactions_raw d
             ON d.via = r.record OR (r.kind = 'quote' AND d.target_post = r.record)
           WHERE d.actor <> r.actor AND d.actor NOT IN ({own_in}){cut_d}
         ),
         our_followers AS (
           SELECT DISTINCT actor FROM interactions_raw WHERE kind = 'follow' AND target_account IN ({own_in})
         ),
         followers AS (
           SELECT r.record, d.actor FROM r
             JOIN interactions_raw f ON f.kind = 'follow' AND f.target_account = r.actor
             JOIN interactions_raw d ON d.actor = f.actor AND d.target_post = r.post
           WHERE CAST(f.at AS BIGINT) < r.at AND d.via IS NULL
             AND d.kind IN ('like', 'reshare', 'reply', 'quote')
             AND CAST(d.at AS BIGINT) > r.at AND CAST(d.at AS BIGINT) < r.at + {week}
             AND d.actor <> r.actor AND d.actor NOT IN ({own_in}){cut_d}
             AND d.actor NOT IN (SELECT actor FROM our_followers)
         ),
         brought AS (
           SELECT record, count(*) AS n FROM (
             SELECT record, actor FROM direct UNION SELECT record, actor FROM followers)
           GROUP BY record
         )
         SELECT r.actor, r.post, r.at, COALESCE(b.n, 0) AS n
         FROM r LEFT JOIN brought b ON r.record = b.record"
    );
    let mut posts: HashMap<String, u32> = HashMap::new();
    let mut by_account: HashMap<String, Vec<Reshare>> = HashMap::new();
    engine.for_each_batch(&sql, |b| {
        let actor = b.column(0).as_string::<i32>();
        let post = b.column(1).as_string::<i32>();
        let at = b.column(2).as_primitive::<Int64Type>();
        let n = b.column(3).as_primitive::<Int64Type>();
        for r in 0..b.num_rows() {
            let next = posts.len() as u32;
            let p = *posts.entry(post.value(r).to_owned()).or_insert(next);
            by_account
                .entry(actor.value(r).to_owned())
                .or_default()
                .push(Reshare {
                    post: p,
                    at: at.value(r),
                    downstream: n.value(r).max(0) as u64,
                });
        }
        Ok(())
    })?;
    report.resharers = by_account.len();
    if by_account.is_empty() {
        return Ok(report);
    }
    let mut accounts: Vec<(&String, &Vec<Reshare>)> = by_account.iter().collect();
    accounts.sort_by(|a, b| a.0.cmp(b.0));
    let half_life = o.half_life_days.max(1e-3) * DAY as f64;
    let decay = |at: i64| 0.5f64.powf((end - at).max(0) as f64 / half_life);

    // The post ⇄ resharer graph: posts 0..P, then accounts.
    let n_posts = posts.len() as u32;
    let mut g = GraphBuilder::new(n_posts + accounts.len() as u32);
    let (mut all_r, mut all_d) = (0.0, 0.0);
    let mut decayed = Vec::with_capacity(accounts.len());
    for (i, (_, rs)) in accounts.iter().enumerate() {
        let node = n_posts + i as u32;
        let (mut r_w, mut d_w) = (0.0, 0.0);
        for r in rs.iter() {
            let w = decay(r.at);
            r_w += w;
            d_w += w * r.downstream as f64;
            let edge = w * (1.0 + r.downstream as f64);
            g.add(r.post, node, edge);
            g.add(node, r.post, edge);
        }
        all_r += r_w;
        all_d += d_w;
        decayed.push((r_w, d_w));
    }
    let graph = g.build();
    let seeds: Vec<(u32, f64)> = (0..n_posts).map(|p| (p, 1.0)).collect();
    let pr = pagerank(&graph, Some(&seeds), &PageRankOptions::default());
    let carry: Vec<f64> = (0..accounts.len())
        .map(|i| pr.scores[(n_posts as usize) + i])
        .collect();
    let mean_carry = carry.iter().sum::<f64>() / carry.len() as f64;
    let prior = if all_r > 0.0 { all_d / all_r } else { 0.0 };

    let flagged = flagged_accounts(engine, accounts.iter().map(|a| a.0.as_str()))?;
    let recent = end - 90 * DAY;
    let mut out: Vec<Amplifier> = Vec::with_capacity(accounts.len());
    for (i, (account, rs)) in accounts.iter().enumerate() {
        let (r_w, d_w) = decayed[i];
        let per_reshare = (d_w + prior * PRIOR_RESHARES) / (r_w + PRIOR_RESHARES);
        let c = carry[i];
        let mut score = per_reshare * c / (c + mean_carry);
        let reshares = rs.len() as u64;
        let downstream: u64 = rs.iter().map(|r| r.downstream).sum();
        let last = rs.iter().map(|r| r.at).max().unwrap_or(0);
        let recent_n = rs.iter().filter(|r| r.at > recent).count();
        let distinct: BTreeSet<u32> = rs.iter().map(|r| r.post).collect();
        let scope = o.scope.as_ref().map_or("your posts".to_owned(), |s| {
            format!("your posts on {}", s.name)
        });
        let mut reasons = vec![
            format!(
                "reshared or quoted {scope} {reshares} time{} ({} different post{}; {recent_n} in the 90 days before {})",
                plural(reshares),
                distinct.len(),
                plural(distinct.len() as u64),
                &rfc3339(end)[..10]
            ),
            format!(
                "its reshares brought {downstream} further engagement{} ({:.1} per reshare on average)",
                plural(downstream),
                downstream as f64 / reshares as f64
            ),
            format!(
                "carries {:.1}% of the reshare graph around {scope} (personalised PageRank, half-life {} days)",
                100.0 * c / carry.iter().sum::<f64>(),
                o.half_life_days
            ),
        ];
        let is_flagged = flagged.get(account.as_str());
        if let Some(why) = is_flagged {
            score *= FLAGGED_FACTOR;
            reasons.push(format!(
                "{why}: score divided by {}",
                (1.0 / FLAGGED_FACTOR).round()
            ));
        }
        out.push(Amplifier {
            account: (*account).clone(),
            handle: None,
            score,
            reshares,
            downstream,
            per_reshare,
            centrality: c,
            flagged: is_flagged.is_some(),
            last_reshare: rfc3339(last),
            reasons,
        });
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.account.cmp(&b.account))
    });
    if o.limit > 0 {
        out.truncate(o.limit);
    }
    let handles = crate::handles(engine, out.iter().map(|a| a.account.as_str()))?;
    for a in &mut out {
        a.handle = handles.get(&a.account).cloned();
    }
    report.accounts = out;
    Ok(report)
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The accounts among `accounts` that `--exclude-suspicious` would leave
/// out (the detector's verdicts with the user's marks), with a sentence
/// naming the patterns. Empty when `levain fraud` never ran.
pub fn flagged_accounts<'a>(
    engine: &Engine,
    accounts: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, String>> {
    if !engine.judged() {
        return Ok(HashMap::new());
    }
    crate::core::register_accounts(engine, "flag_candidates", accounts)?;
    let mut out = HashMap::new();
    let (_, batches) = engine.sql(
        "SELECT c.account, v.score, array_to_string(v.patterns, ', ') AS patterns
         FROM flag_candidates c
         JOIN suspicious_accounts s ON c.account = s.account
         LEFT JOIN fraud_verdicts v ON c.account = v.account",
    )?;
    for b in &batches {
        let account = b.column(0).as_string::<i32>();
        let score = b
            .column(1)
            .as_primitive::<datafusion::arrow::datatypes::Float64Type>();
        let patterns = b
            .column(2)
            .as_any()
            .downcast_ref::<StringArray>()
            .cloned()
            .unwrap_or_else(|| StringArray::from(vec![None::<&str>; b.num_rows()]));
        for r in 0..b.num_rows() {
            let why = if score.is_null(r) {
                "marked fake by you".to_owned()
            } else if patterns.is_null(r) || patterns.value(r).is_empty() {
                format!(
                    "flagged by the fraud detector (score {:.2})",
                    score.value(r)
                )
            } else {
                format!(
                    "flagged by the fraud detector as {} (score {:.2})",
                    patterns.value(r),
                    score.value(r)
                )
            };
            out.insert(account.value(r).to_owned(), why);
        }
    }
    Ok(out)
}
