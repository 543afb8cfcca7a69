//! The fraud review queue: the stored verdicts with your marks applied
//! (what `--exclude-suspicious` uses), marks (confirm / overturn), and
//! re-running the detection.
//!
//! `GET /api/v1/fraud` answers with the fields of `levain fraud --json`
//! read from the stored run instead of re-running the detectors. Groups
//! are not stored; they come from the last detection this server ran or,
//! when the stored verdicts still cover the data, from running it once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use datafusion::arrow::array::{Array, AsArray};
use levain_analytics::fraud::{GroupReport, fraud, verdicts_batch};
use levain_detect::DetectConfig;
use levain_store::{FraudMark, FraudRun, Store, Writer};
use serde::{Deserialize, Serialize};

use crate::api::{json, json_response, pairs};
use crate::error::{ApiError, ApiResult};
use crate::params::{Kind, Param, Params, p};
use crate::snapshot::Ctx;

pub const PARAMS: [Param; 3] = [
    p(
        "suspicious",
        Kind::Flag,
        "Only the accounts judged suspicious after your marks, and those you marked.",
    ),
    p("limit", Kind::Count, "Accounts to list at most (0: all).").range(0, 10_000_000),
    p("offset", Kind::Count, "Accounts to skip, for paging.").range(0, 10_000_000),
];

/// `levain fraud --json`'s fields, from the stored run.
#[derive(Serialize)]
pub struct Review {
    pub accounts: Vec<Verdict>,
    pub groups: Vec<Group>,
    pub summary: Summary,
    /// Data was imported after the detection: its verdicts do not cover the new accounts.
    pub stale: bool,
    pub computed_at: String,
    /// Accounts listed before paging (after `suspicious`).
    pub total: usize,
}

#[derive(Serialize, Clone)]
pub struct Verdict {
    pub account: String,
    pub handle: Option<String>,
    pub score: f64,
    pub suspicious: bool,
    pub detected: bool,
    pub patterns: Vec<String>,
    pub reasons: Vec<String>,
    pub mark: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct Group {
    pub pattern: String,
    pub accounts: Vec<String>,
    pub targets: Vec<String>,
    pub from: String,
    pub to: String,
    pub reasons: Vec<String>,
}

#[derive(Serialize)]
pub struct Summary {
    pub accounts: usize,
    pub suspicious: usize,
    pub threshold: f64,
    pub by_pattern: BTreeMap<String, usize>,
    pub marked_real: usize,
    pub marked_fake: usize,
}

impl From<&GroupReport> for Group {
    fn from(g: &GroupReport) -> Group {
        Group {
            pattern: g.pattern.to_owned(),
            accounts: g.accounts.clone(),
            targets: g.targets.clone(),
            from: g.from.clone(),
            to: g.to.clone(),
            reasons: g.reasons.clone(),
        }
    }
}

/// Groups of the detection that wrote a stored run, by its `computed_at`.
static GROUPS: Mutex<Option<(String, Arc<Vec<Group>>)>> = Mutex::new(None);

fn groups_for(c: &Ctx, run: &FraudRun, stale: bool) -> ApiResult<Arc<Vec<Group>>> {
    if let Some((at, g)) = GROUPS.lock().expect("groups").as_ref()
        && *at == run.computed_at
    {
        return Ok(g.clone());
    }
    if stale {
        return Ok(Arc::new(Vec::new()));
    }
    // The stored verdicts cover this data: the same detection gives their groups.
    let cfg = DetectConfig {
        threshold: run.threshold,
        ..DetectConfig::default()
    };
    let report = fraud(c.engine, &c.own, &BTreeMap::new(), &cfg)?;
    let groups = Arc::new(report.groups.iter().map(Group::from).collect::<Vec<_>>());
    *GROUPS.lock().expect("groups") = Some((run.computed_at.clone(), groups.clone()));
    Ok(groups)
}

fn list(col: &dyn Array, row: usize) -> Vec<String> {
    let l = col.as_list::<i32>().value(row);
    let s = l.as_string::<i32>();
    (0..s.len()).map(|i| s.value(i).to_owned()).collect()
}

pub fn review(c: &Ctx, q: &Params) -> ApiResult<Review> {
    let Some(run) = &c.manifest.fraud else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "the fraud detection has not run on this store yet: run it (POST /api/v1/fraud/run, the button on the Fraud page, or `levain fraud`)",
        ));
    };
    let stale = c.manifest.fraud_is_stale();
    let (_, batches) = c.engine.sql(
        "SELECT v.account, v.score, v.suspicious, v.patterns, v.reasons, h.handle
         FROM fraud_verdicts v LEFT JOIN (
           SELECT account, last_value(handle ORDER BY observed_at) FILTER (WHERE handle IS NOT NULL) AS handle
           FROM account_observations WHERE account IN (SELECT account FROM fraud_verdicts)
           GROUP BY account) h ON v.account = h.account",
    )?;
    let marks = &c.manifest.marks;
    let mut accounts = Vec::new();
    for b in &batches {
        let account = b.column(0).as_string::<i32>();
        let score = b
            .column(1)
            .as_primitive::<datafusion::arrow::datatypes::Float64Type>();
        let detected = b.column(2).as_boolean();
        let handle = b.column(5).as_string::<i32>();
        for r in 0..b.num_rows() {
            let key = account.value(r).to_owned();
            let mark = marks.get(&key);
            let mut reasons = list(b.column(4).as_ref(), r);
            if let Some(m) = mark {
                reasons.push(format!("marked {} by you on {}", m.verdict, m.at));
            }
            accounts.push(Verdict {
                handle: (!handle.is_null(r)).then(|| handle.value(r).to_owned()),
                score: score.value(r),
                suspicious: mark.map_or(detected.value(r), |m| m.verdict == "fake"),
                detected: detected.value(r),
                patterns: list(b.column(3).as_ref(), r),
                reasons,
                mark: mark.map(|m| m.verdict.clone()),
                account: key,
            });
        }
    }
    // The detection's order, not the marks': a verdict you overturn keeps
    // its place in the queue (and its page) instead of sinking below every
    // suspicious account.
    accounts.sort_by(|a, b| {
        b.detected
            .cmp(&a.detected)
            .then(b.score.total_cmp(&a.score))
            .then(a.account.cmp(&b.account))
    });
    let mut by_pattern = BTreeMap::new();
    for a in accounts.iter().filter(|a| a.suspicious) {
        for p in &a.patterns {
            *by_pattern.entry(p.clone()).or_default() += 1;
        }
    }
    let summary = Summary {
        accounts: accounts.len(),
        suspicious: accounts.iter().filter(|a| a.suspicious).count(),
        threshold: run.threshold,
        by_pattern,
        marked_real: accounts
            .iter()
            .filter(|a| a.mark.as_deref() == Some("real"))
            .count(),
        marked_fake: accounts
            .iter()
            .filter(|a| a.mark.as_deref() == Some("fake"))
            .count(),
    };
    if q.flag("suspicious")? {
        accounts.retain(|a| a.suspicious || a.mark.is_some());
    }
    let total = accounts.len();
    let offset = q.count("offset", 0usize)?;
    let limit = match q.count("limit", 0usize)? {
        0 => usize::MAX,
        n => n,
    };
    let accounts = accounts.into_iter().skip(offset).take(limit).collect();
    Ok(Review {
        accounts,
        groups: groups_for(c, run, stale)?.as_ref().clone(),
        summary,
        stale,
        computed_at: run.computed_at.clone(),
        total,
    })
}

pub fn report_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&review(c, q)?)
}

/// The writer, waiting a little for a short write (a mark) to finish
/// but not for an import.
fn writer(store: &Store) -> ApiResult<Writer> {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        if let Some(w) = store.try_writer()? {
            return Ok(w);
        }
        if Instant::now() > deadline {
            return Err(ApiError::busy());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    pub account: String,
    /// `real` (overturn: not fake), `fake` (confirm), or `none` (forget the mark).
    pub verdict: String,
}

async fn mark(State(state): State<crate::State>, body: axum::body::Bytes) -> ApiResult<Response> {
    let req: MarkRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "the body must be JSON like {{\"account\": \"bluesky:did:plc:…\", \"verdict\": \"real\"}}: {e}"
            ),
        )
    })?;
    if !["real", "fake", "none"].contains(&req.verdict.as_str()) {
        return Err(ApiError::param(
            "verdict",
            format!(
                "`{}` is not real (overturn), fake (confirm) or none (forget the mark)",
                req.verdict
            ),
        ));
    }
    let account = req.account.trim().to_owned();
    if account.is_empty() || account.len() > 1024 {
        return Err(ApiError::param(
            "account",
            "give the account's key, as listed by GET /api/v1/fraud",
        ));
    }
    // The account must be one the detection judged: a typo must not become a mark.
    let known = {
        let account = account.clone();
        state
            .snapshots
            .fresh(move |c| {
                let (_, b) = c.engine.sql(&format!(
                    "SELECT count(*) AS n FROM fraud_verdicts WHERE account = '{}'",
                    account.replace('\'', "''")
                ))?;
                Ok(b.first().is_some_and(|b| {
                    b.column(0)
                        .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
                        .value(0)
                        > 0
                }))
            })
            .await?
    };
    if !known && req.verdict != "none" {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{account} has no fraud verdict; mark accounts listed by GET /api/v1/fraud"),
        ));
    }
    let root = state.snapshots.root().to_owned();
    let verdict = req.verdict.clone();
    let out = tokio::task::spawn_blocking(move || -> ApiResult<serde_json::Value> {
        let store = Store::open(&root)?;
        let mut w = writer(&store)?;
        if verdict == "none" {
            if w.marks_mut().remove(&account).is_none() {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("{account} has no mark"),
                ));
            }
            w.commit()?;
            return Ok(serde_json::json!({"account": account, "mark": null}));
        }
        let at = chrono::Utc::now().format("%Y-%m-%d").to_string();
        w.marks_mut().insert(
            account.clone(),
            FraudMark {
                verdict: verdict.clone(),
                at: at.clone(),
            },
        );
        w.commit()?;
        Ok(serde_json::json!({"account": account, "mark": verdict, "at": at}))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(json_response(
        serde_json::to_vec(&out).map_err(ApiError::internal)?.into(),
    ))
}

const RUN_PARAMS: &[Param] = &[p(
    "threshold",
    Kind::Number,
    "Score from which an account is judged suspicious, in [0, 1].",
)];

/// Runs the detectors and stores their verdicts, as `levain fraud` does.
async fn run(State(state): State<crate::State>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let q = Params::parse(pairs(q.as_deref()), &[RUN_PARAMS])?;
    let threshold = q.number("threshold", levain_detect::combine::DEFAULT_THRESHOLD)?;
    if !(0.0..=1.0).contains(&threshold) {
        return Err(ApiError::param("threshold", "must be between 0 and 1"));
    }
    let root = state.snapshots.root().to_owned();
    let summary = state
        .snapshots
        .fresh(move |c| {
            let cfg = DetectConfig {
                threshold,
                ..DetectConfig::default()
            };
            let report = fraud(c.engine, &c.own, &c.manifest.marks, &cfg)?;
            let batch = verdicts_batch(&report)?;
            let store = Store::open(&root)?;
            let mut w = writer(&store)?;
            let computed_at = chrono::Utc::now().to_rfc3339();
            w.set_fraud_verdicts(
                &batch,
                FraudRun {
                    file: String::new(),
                    accounts: report.accounts.len() as u64,
                    suspicious: report.accounts.iter().filter(|a| a.detected).count() as u64,
                    threshold,
                    computed_at: computed_at.clone(),
                    data_generation: c.manifest.generation,
                    last_import: c.manifest.imports.last().map(|i| i.id.clone()),
                },
            )?;
            w.commit()?;
            let groups = report.groups.iter().map(Group::from).collect();
            *GROUPS.lock().expect("groups") = Some((computed_at, Arc::new(groups)));
            json(&report.summary)
        })
        .await?;
    Ok(json_response(summary.into()))
}

pub fn routes() -> Router<crate::State> {
    Router::new()
        .route("/api/v1/fraud/marks", post(mark))
        .route("/api/v1/fraud/run", post(run))
}
