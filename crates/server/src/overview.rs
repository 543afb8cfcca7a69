//! The overview (`GET /api/v1/overview`): engagement by source, audience
//! and acquisitions by month and source, alerts.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use levain_analytics::actions::actions;
use levain_analytics::cadence::cadence;
use levain_analytics::campaigns;
use levain_analytics::cohorts::acquisitions;
use levain_analytics::engagement::{Counts, engagement};
use levain_analytics::settings::Weights;
use serde::Serialize;

use crate::api::json;
use crate::error::ApiResult;
use crate::params::Params;
use crate::snapshot::Ctx;

#[derive(Serialize, Default, Clone, Copy)]
pub struct BySource {
    pub paid: f64,
    pub organic: f64,
}

#[derive(Serialize, Default)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub posts: BySource,
    /// Likes, reshares, replies and quotes on that month's own posts.
    pub engagement: BySource,
    pub weighted: BySource,
    /// Followers acquired that month, by acquisition source.
    pub acquired: BySource,
    /// Followers still following at the month's end, by acquisition source.
    pub audience: BySource,
}

#[derive(Serialize)]
pub struct Alert {
    /// `flood`, `fraud_stale`, `fraud_missing`, `answer`.
    pub kind: &'static str,
    pub message: String,
}

#[derive(Serialize)]
pub struct Overview {
    pub totals: Counts,
    pub paid: Counts,
    pub organic: Counts,
    pub months: Vec<Month>,
    /// Accounts `exclude_suspicious` leaves out (null before any fraud run).
    pub suspicious_accounts: Option<u64>,
    pub alerts: Vec<Alert>,
}

fn month_of(t: i64) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_default()
}

/// The first instant of the month after `month` (`YYYY-MM`), in microseconds.
fn month_end(month: &str) -> i64 {
    let (y, m) = month.split_once('-').unwrap_or(("1970", "1"));
    let (y, m): (i32, u32) = (y.parse().unwrap_or(1970), m.parse().unwrap_or(1));
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .single()
        .map_or(i64::MAX, |d| d.timestamp_micros())
}

/// Every month from `first` to `last` inclusive.
fn months_between(first: &str, last: &str) -> Vec<String> {
    let mut out = vec![first.to_owned()];
    while out.last().is_some_and(|m| m.as_str() < last) && out.len() < 1200 {
        let end = month_end(out.last().expect("a month"));
        out.push(month_of(end));
    }
    out
}

pub fn overview(c: &Ctx, q: &Params) -> ApiResult<Overview> {
    let filters = q.filters()?;
    let weights = Weights::from_settings(&c.manifest.settings);
    let e = engagement(c.engine, &c.own, &filters, &weights)?;
    let camps = campaigns::load(c.engine)?;
    let acq = acquisitions(c.engine, &c.own, &filters)?;
    let mut rows: BTreeMap<String, Month> = BTreeMap::new();
    let side = |paid: bool, b: &mut BySource, x: f64| {
        if paid { b.paid += x } else { b.organic += x }
    };
    for post in &e.posts {
        let m = rows
            .entry(post.at[..7.min(post.at.len())].to_owned())
            .or_default();
        side(post.paid, &mut m.posts, 1.0);
        let n = post.likes + post.reshares + post.replies + post.quotes;
        side(post.paid, &mut m.engagement, n as f64);
        side(post.paid, &mut m.weighted, post.weighted);
    }
    let acq: Vec<(bool, i64, Option<i64>)> = acq
        .iter()
        .map(|a| {
            let paid = campaigns::window_at(&camps, &a.channel, a.at).is_some();
            (paid, a.at, a.ended)
        })
        .collect();
    for (paid, at, _) in &acq {
        side(
            *paid,
            &mut rows.entry(month_of(*at)).or_default().acquired,
            1.0,
        );
    }
    if let (Some(first), Some(last)) = (rows.keys().next().cloned(), rows.keys().last().cloned()) {
        for month in months_between(&first, &last) {
            let end = month_end(&month);
            let mut audience = BySource::default();
            for (paid, at, ended) in &acq {
                if *at < end && ended.is_none_or(|e| e >= end) {
                    side(*paid, &mut audience, 1.0);
                }
            }
            rows.entry(month).or_default().audience = audience;
        }
    }
    let months = rows
        .into_iter()
        .map(|(month, mut m)| {
            m.month = month;
            m
        })
        .collect();
    let mut alerts = Vec::new();
    match &c.manifest.fraud {
        None => alerts.push(Alert {
            kind: "fraud_missing",
            message: "Fake engagement has not been checked yet: run the detection on the Fraud page.".into(),
        }),
        Some(_) if c.manifest.fraud_is_stale() => alerts.push(Alert {
            kind: "fraud_stale",
            message: "Data was imported after the last fraud detection: run it again so the new accounts are judged.".into(),
        }),
        Some(_) => {}
    }
    let cad = cadence(c.engine, &c.own, &filters, "UTC", 3)?;
    for ch in &cad.channels {
        if let Some(w) = &ch.flood_warning {
            alerts.push(Alert {
                kind: "flood",
                message: format!("{}: {w}", ch.account),
            });
        }
    }
    let act = actions(c.engine, &c.own, &filters, 14, 10)?;
    if let Some(n) = act.counts.get("answer").filter(|n| **n > 0) {
        alerts.push(Alert {
            kind: "answer",
            message: format!(
                "{n} replies from the last 14 days are waiting for an answer (Actions page)."
            ),
        });
    }
    let suspicious_accounts = if c.engine.judged() {
        Some(levain_analytics::fraud::suspicious_accounts(c.engine)?.len() as u64)
    } else {
        None
    };
    Ok(Overview {
        totals: e.totals,
        paid: e.by_source.paid,
        organic: e.by_source.organic,
        months,
        suspicious_accounts,
        alerts,
    })
}

pub fn overview_json(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&overview(c, q)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_through_year_ends() {
        assert_eq!(
            months_between("2023-11", "2024-02"),
            ["2023-11", "2023-12", "2024-01", "2024-02"]
        );
        assert_eq!(month_of(month_end("2023-12")), "2024-01");
    }
}
