//! `levain core`: the engaged core, the newcomers, and the regulars who are
//! slipping away.
//!
//! Time is cut into periods of `period_days` counted back from the end of
//! the data (period 0 is the most recent). Engagement is a like, reshare,
//! reply or quote on an own post by an account that is not own.
//! - `core`: accounts that engaged in at least `min_periods` of the last
//!   `window` periods;
//! - `newcomers`: accounts whose first engagement ever falls in period 0;
//! - `slipping`: accounts silent for the last `silent` periods that had
//!   engaged in at least `min_periods` of the `window` periods before.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use datafusion::arrow::array::{AsArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::datatypes::{Float64Type, Int64Type};
use levain_store::query::Engine;
use serde::Serialize;

use crate::settings::Weights;
use crate::{AnalyticsError, Filters, Result, data_end, i, register, rfc3339, rows, s};

const DAY: i64 = 86_400_000_000;

#[derive(Clone, Copy, Debug)]
pub struct CoreOptions {
    pub period_days: u32,
    pub window: u32,
    pub min_periods: u32,
    pub silent: u32,
    /// Quality weights behind each member's `weighted` engagement.
    pub weights: Weights,
}

impl Default for CoreOptions {
    fn default() -> Self {
        CoreOptions {
            period_days: 30,
            window: 6,
            min_periods: 4,
            silent: 2,
            weights: Weights::default(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Core {
    pub period_days: u32,
    pub window: u32,
    pub min_periods: u32,
    pub silent_periods: u32,
    pub data_end: Option<String>,
    pub core: Group,
    pub newcomers: Group,
    pub slipping: Group,
}

#[derive(Debug, Default, Serialize)]
pub struct Group {
    pub count: u64,
    /// Most engaged first.
    pub members: Vec<Member>,
}

#[derive(Debug, Serialize)]
pub struct Member {
    pub account: String,
    pub handle: Option<String>,
    /// Periods (of the window the group looks at) with engagement.
    pub engaged_periods: u32,
    /// Engagements in those periods.
    pub engagements: u64,
    /// The same engagements, quality-weighted (a reply counts more than a like).
    pub weighted: f64,
    pub last_activity: String,
}

#[derive(Default)]
struct Activity {
    /// engagements and their weighted sum by period index (0 = most recent)
    periods: BTreeMap<u32, (u64, f64)>,
    last: i64,
}

impl Activity {
    /// Periods with engagement in `from..to`, their engagements and weighted sum.
    fn in_range(&self, from: u32, to: u32) -> (u32, u64, f64) {
        let hits = self.periods.range(from..to);
        hits.fold((0, 0, 0.0), |(p, n, w), (_, c)| (p + 1, n + c.0, w + c.1))
    }
}

pub fn core(engine: &Engine, own: &[String], filters: &Filters, o: CoreOptions) -> Result<Core> {
    filters.check(engine)?;
    let cut_e_actor = filters.cut("e.actor");
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let own_in = crate::own_in(own);
    let period = i64::from(o.period_days.max(1)) * DAY;
    let end = match (data_end(engine)?, filters.to) {
        (Some(e), Some(t)) => Some(e.min(t - 1)),
        (e, _) => e,
    };
    let mut report = Core {
        period_days: o.period_days,
        window: o.window,
        min_periods: o.min_periods,
        silent_periods: o.silent,
        data_end: end.map(rfc3339),
        core: Group::default(),
        newcomers: Group::default(),
        slipping: Group::default(),
    };
    let Some(end) = end else { return Ok(report) };
    // `end` is the last instant with data; periods end just after it.
    let horizon = i64::from(o.silent + o.window).max(i64::from(o.window));
    let channel = filters
        .channel
        .as_ref()
        .map(|c| format!("AND e.channel = {}", crate::quote(c)))
        .unwrap_or_default();
    let engaged = format!(
        "FROM interactions_raw e
         WHERE e.kind IN ('like', 'reshare', 'reply', 'quote') AND e.target_post IS NOT NULL
           AND e.target_account IN ({own_in})
           AND e.actor NOT IN ({own_in}){cut_e_actor}
           AND CAST(e.at AS BIGINT) <= {end} {channel}"
    );
    let mut activity: HashMap<String, Activity> = HashMap::new();
    // Read as Arrow arrays: this can be millions of rows, too many to pass
    // through JSON.
    let (_, batches) = engine.sql(&format!(
        "SELECT e.actor, ({end} - CAST(e.at AS BIGINT)) / {period} AS k, count(*) AS n,
                max(CAST(e.at AS BIGINT)) AS last, sum({}) AS w
         {engaged} AND CAST(e.at AS BIGINT) > {end} - {horizon} * {period}
         GROUP BY e.actor, k",
        o.weights.sql("e.kind")
    ))?;
    for b in &batches {
        let actor = b.column(0).as_string::<i32>();
        let (k, n, last) = (
            b.column(1).as_primitive::<Int64Type>(),
            b.column(2).as_primitive::<Int64Type>(),
            b.column(3).as_primitive::<Int64Type>(),
        );
        let w = b.column(4).as_primitive::<Float64Type>();
        for r in 0..b.num_rows() {
            let a = activity.entry(actor.value(r).to_owned()).or_default();
            a.periods
                .insert(k.value(r) as u32, (n.value(r) as u64, w.value(r)));
            a.last = a.last.max(last.value(r));
        }
    }
    // First engagement ever of the accounts active in period 0.
    let recent: Vec<&String> = activity
        .iter()
        .filter(|(_, a)| a.periods.contains_key(&0))
        .map(|(k, _)| k)
        .collect();
    let mut first_seen: HashMap<String, i64> = HashMap::new();
    if !recent.is_empty() {
        register_accounts(engine, "recent_engagers", recent.iter().map(|s| s.as_str()))?;
        for r in rows(
            engine,
            &format!(
                "SELECT e.actor, min(CAST(e.at AS BIGINT)) AS first {engaged}
                   AND e.actor IN (SELECT account FROM recent_engagers)
                 GROUP BY e.actor"
            ),
        )? {
            first_seen.insert(s(&r, "actor"), i(&r, "first").unwrap_or(0));
        }
    }
    let mut core = Vec::new();
    let mut newcomers = Vec::new();
    let mut slipping = Vec::new();
    for (account, a) in &activity {
        let (p, n, w) = a.in_range(0, o.window);
        if p >= o.min_periods {
            core.push((account, p, n, w, a.last));
        }
        if first_seen.get(account).is_some_and(|f| *f > end - period) {
            let (p, n, w) = a.in_range(0, 1);
            newcomers.push((account, p, n, w, a.last));
        }
        let (quiet, _, _) = a.in_range(0, o.silent);
        let (p, n, w) = a.in_range(o.silent, o.silent + o.window);
        if quiet == 0 && p >= o.min_periods {
            slipping.push((account, p, n, w, a.last));
        }
    }
    let handles = crate::handles(
        engine,
        core.iter()
            .chain(&newcomers)
            .chain(&slipping)
            .map(|m| m.0.as_str()),
    )?;
    let group = |mut v: Vec<(&String, u32, u64, f64, i64)>| {
        v.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
        Group {
            count: v.len() as u64,
            members: v
                .into_iter()
                .map(|(account, p, n, w, last)| Member {
                    account: account.clone(),
                    handle: handles.get(account).cloned(),
                    engaged_periods: p,
                    engagements: n,
                    weighted: w,
                    last_activity: rfc3339(last),
                })
                .collect(),
        }
    };
    report.core = group(core);
    report.newcomers = group(newcomers);
    report.slipping = group(slipping);
    Ok(report)
}

pub(crate) fn register_accounts<'a>(
    engine: &Engine,
    name: &str,
    accounts: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![Field::new(
        "account",
        DataType::Utf8,
        false,
    )]));
    let batch = RecordBatch::try_new(
        schema,
        vec![Arc::new(StringArray::from_iter_values(accounts))],
    )
    .map_err(levain_store::StoreError::from)?;
    register(engine, name, batch)
}
