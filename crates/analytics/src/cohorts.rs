//! `levain cohorts`: followers by acquisition, and who stays and engages.
//!
//! A follower's acquisition is its first follow of an own account (by an
//! account that is not own). Its cohort is `campaign:<name>` when that follow
//! falls inside a campaign window of the same channel (the most recently
//! started one where windows overlap), else `organic`; with `--by month`, the
//! month of the follow (`2024-03`). Period k covers days [P·k, P·(k+1)) after
//! the follow (P = `period_days`). For each period:
//! - `observed`: members whose period k ended by the end of the data;
//! - `following`: of those, members whose acquisition follow was not undone
//!   (unfollowed) before the end of period k;
//! - `engaged`: of those observed, members with at least one like, reshare,
//!   reply or quote on an own post inside period k.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use levain_store::query::Engine;
use serde::Serialize;

use crate::campaigns;
use crate::{AnalyticsError, Filters, Result, data_end, i, register, rfc3339, rows, s, u};

const DAY: i64 = 86_400_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CohortBy {
    /// `campaign:<name>` or `organic`.
    #[default]
    Source,
    /// The month of acquisition, `YYYY-MM`.
    Month,
}

#[derive(Debug, Serialize)]
pub struct Cohorts {
    pub period_days: u32,
    pub by: CohortBy,
    /// The end of the data the periods are observed against.
    pub data_end: Option<String>,
    pub cohorts: Vec<Cohort>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Cohort {
    pub cohort: String,
    pub acquired: u64,
    pub retention: Vec<Period>,
}

#[derive(Debug, Serialize, PartialEq, Clone, Copy)]
pub struct Period {
    pub period: u32,
    pub observed: u64,
    pub following: u64,
    pub engaged: u64,
}

struct Member {
    actor: String,
    at: i64,
    ended: Option<i64>,
    cohort: String,
}

pub fn cohorts(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    period_days: u32,
    by: CohortBy,
) -> Result<Cohorts> {
    filters.check(engine)?;
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let camps = campaigns::load(engine)?;
    if let Some(idx) = crate::audience::for_engine(engine, own)? {
        return crate::audience::cohorts(&idx, engine, filters, period_days, by, &camps);
    }
    cohorts_sql(engine, own, filters, period_days, by, &camps)
}

/// The reference: [`cohorts`] in DataFusion SQL over the stored tables
/// (`LEVAIN_AUDIENCE_INDEX=off`); the audience index must agree with it.
fn cohorts_sql(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    period_days: u32,
    by: CohortBy,
    camps: &[campaigns::Campaign],
) -> Result<Cohorts> {
    let own_in = crate::own_in(own);
    let period = i64::from(period_days.max(1)) * DAY;
    let end = match (data_end(engine)?, filters.to) {
        (Some(e), Some(t)) => Some(e.min(t)),
        (e, _) => e,
    };
    let acquisitions = acquisitions(engine, own, filters)?;
    let members: Vec<Member> = acquisitions
        .into_iter()
        .map(|a| {
            let cohort = match by {
                CohortBy::Source => campaigns::window_at(camps, &a.channel, a.at)
                    .map_or_else(|| "organic".to_owned(), |c| format!("campaign:{}", c.name)),
                CohortBy::Month => rfc3339(a.at)[..7].to_owned(),
            };
            Member {
                actor: a.actor,
                at: a.at,
                ended: a.ended,
                cohort,
            }
        })
        .collect();
    let Some(end) = end else {
        return Ok(Cohorts {
            period_days,
            by,
            data_end: None,
            cohorts: Vec::new(),
        });
    };
    // Observed and following, from the members themselves.
    let mut table: BTreeMap<&str, (u64, Vec<Period>)> = BTreeMap::new();
    for m in &members {
        let entry = table.entry(&m.cohort).or_default();
        entry.0 += 1;
        let mut k = 0usize;
        while m.at + (k as i64 + 1) * period <= end {
            if entry.1.len() <= k {
                entry.1.push(Period {
                    period: k as u32,
                    observed: 0,
                    following: 0,
                    engaged: 0,
                });
            }
            let p = &mut entry.1[k];
            p.observed += 1;
            let period_end = m.at + (k as i64 + 1) * period;
            if m.ended.is_none_or(|e| e >= period_end) {
                p.following += 1;
            }
            k += 1;
        }
    }
    // Engaged: one query over the members' engagement on own posts.
    register_members(engine, &members)?;
    let engaged = rows(
        engine,
        &format!(
            "SELECT cohort, k, count(DISTINCT actor) AS n FROM (
               SELECT m.cohort, m.actor, (CAST(e.at AS BIGINT) - m.t) / {period} AS k, m.t
               FROM interactions_raw e JOIN cohort_members m ON e.actor = m.actor
               WHERE e.kind IN ('like', 'reshare', 'reply', 'quote')
                 AND e.target_post IS NOT NULL
                 AND e.target_account IN ({own_in})
                 AND CAST(e.at AS BIGINT) >= m.t)
             WHERE t + (k + 1) * {period} <= {end}
             GROUP BY cohort, k"
        ),
    )?;
    for r in engaged {
        let (cohort, k) = (s(&r, "cohort"), i(&r, "k").unwrap_or(0) as usize);
        if let Some((_, periods)) = table.get_mut(cohort.as_str())
            && let Some(p) = periods.get_mut(k)
        {
            p.engaged = u(&r, "n");
        }
    }
    let table = table.into_iter().map(|(c, v)| (c.to_owned(), v)).collect();
    Ok(finish(table, by, camps, period_days, end))
}

/// The report from its cohorts (by name: members, periods), in order.
pub(crate) fn finish(
    table: BTreeMap<String, (u64, Vec<Period>)>,
    by: CohortBy,
    camps: &[campaigns::Campaign],
    period_days: u32,
    end: i64,
) -> Cohorts {
    let mut cohorts: Vec<Cohort> = table
        .into_iter()
        .map(|(cohort, (acquired, retention))| Cohort {
            cohort,
            acquired,
            retention,
        })
        .collect();
    if by == CohortBy::Source {
        // Organic first, then campaigns in the order they ran.
        let start = |c: &Cohort| {
            camps
                .iter()
                .find(|x| c.cohort.strip_prefix("campaign:") == Some(x.name.as_str()))
                .map_or(i64::MIN, |x| x.start)
        };
        cohorts.sort_by_key(|c| (start(c), c.cohort.clone()));
    }
    Cohorts {
        period_days,
        by,
        data_end: Some(rfc3339(end)),
        cohorts,
    }
}

/// A follower's acquisition: its first follow of an own account.
#[derive(Clone, Debug)]
pub struct Acquisition {
    pub actor: String,
    pub at: i64,
    pub channel: String,
    /// When that follow was undone, if it was.
    pub ended: Option<i64>,
}

/// Every acquisition in the filters' period (by the follow's time).
pub fn acquisitions(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
) -> Result<Vec<Acquisition>> {
    let cut_i_actor = filters.cut("i.actor");
    let own_in = crate::own_in(own);
    Ok(rows(
        engine,
        &format!(
            "SELECT actor, t, channel, ended FROM (
               SELECT i.actor, CAST(i.at AS BIGINT) AS t, i.channel, CAST(d.at AS BIGINT) AS ended,
                      row_number() OVER (PARTITION BY i.actor ORDER BY i.at, i.record) AS rn
               FROM interactions_raw i
               LEFT JOIN (SELECT record, min(at) AS at FROM deletions GROUP BY record) d
                 ON i.record = d.record
               WHERE i.kind = 'follow'
                 AND i.target_account IN ({own_in})
                 AND i.actor NOT IN ({own_in}){cut_i_actor}
                 {channel})
             WHERE rn = 1 {range}",
            channel = filters
                .channel
                .as_ref()
                .map(|c| format!("AND i.channel = {}", crate::quote(c)))
                .unwrap_or_default(),
            range = [
                filters.from.map(|f| format!("AND t >= {f}")),
                filters.to.map(|t| format!("AND t < {t}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        ),
    )?
    .iter()
    .map(|r| Acquisition {
        actor: s(r, "actor"),
        at: i(r, "t").unwrap_or(0),
        channel: s(r, "channel"),
        ended: i(r, "ended"),
    })
    .collect())
}

fn register_members(engine: &Engine, members: &[Member]) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("actor", DataType::Utf8, false),
        Field::new("t", DataType::Int64, false),
        Field::new("cohort", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from_iter_values(
                members.iter().map(|m| m.actor.as_str()),
            )),
            Arc::new(Int64Array::from_iter_values(members.iter().map(|m| m.at))),
            Arc::new(StringArray::from_iter_values(
                members.iter().map(|m| m.cohort.as_str()),
            )),
        ],
    )
    .map_err(levain_store::StoreError::from)?;
    register(engine, "cohort_members", batch)
}
