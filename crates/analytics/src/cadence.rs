//! `levain cadence`: does posting more help? And when does the audience read?
//!
//! For each own account (on its channel), its posts (not replies) are counted
//! per week (Monday 00:00 UTC), with the engagement they received (likes,
//! reshares, replies, quotes by accounts that are not own) and the followers
//! the account had at the end of the week. Each account has its own
//! audience, so accounts are measured apart. Engagement per post is divided by followers (per
//! 1 000) and then by its median over the surrounding half-year, so audience
//! growth and slow drifts do not pass for a cadence effect. Weeks are
//! grouped by posts per week for display; the *saturation point* is the
//! smallest weekly post count past which the median week's engagement per
//! post is below 80 % of the median week's at or under it: past it, more
//! posts bring less per post. A *flood warning* is raised when the mean of
//! the last four weeks is past that point.
//!
//! Best hours and weekdays come from when the audience actually engaged with
//! own posts, in the time zone asked for.

use std::collections::BTreeMap;

use chrono::{Datelike, TimeZone, Timelike};
use levain_store::query::Engine;
use serde::Serialize;

use crate::{AnalyticsError, Filters, Result, i, rfc3339, rows, s, u};

const HOUR: i64 = 3_600_000_000;
const WEEK: i64 = 7 * 24 * HOUR;
/// 1970-01-05 was a Monday: weeks start there.
const MONDAY: i64 = 4 * 24 * HOUR;
const KEEP_SHARE: f64 = 0.8;
const RECENT_WEEKS: usize = 4;

#[derive(Debug, Serialize)]
pub struct Cadence {
    pub tz: String,
    pub min_weeks: u32,
    pub channels: Vec<ChannelCadence>,
    /// Engagements on own posts by hour of day (0–23) and weekday (Monday first), in `tz`.
    pub activity_by_hour: Vec<u64>,
    pub activity_by_weekday: Vec<u64>,
    /// The three busiest hours and the two busiest weekdays, busiest first.
    pub best_hours: Vec<u32>,
    pub best_weekdays: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ChannelCadence {
    pub channel: String,
    pub account: String,
    /// The account's handle, when known.
    pub handle: Option<String>,
    pub weeks: Vec<Week>,
    pub curve: Vec<CurvePoint>,
    pub saturation_posts_per_week: Option<u64>,
    pub recent_posts_per_week: f64,
    pub flood_warning: Option<String>,
}

#[derive(Debug, Serialize, Clone)]
pub struct Week {
    pub week_start: String,
    pub posts: u64,
    pub engagement: u64,
    pub followers: u64,
    /// Engagement per post per 1 000 followers.
    pub per_post_per_1000: f64,
    /// `per_post_per_1000` divided by its median over the posting weeks of
    /// the surrounding half-year: 1.0 is a usual week for that period, so
    /// slow drifts of the audience do not pass for a cadence effect.
    pub relative_to_trend: f64,
}

#[derive(Debug, Serialize, Clone)]
pub struct CurvePoint {
    pub posts_per_week: u64,
    pub weeks: u64,
    pub per_post_per_1000: f64,
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub fn cadence(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    tz: &str,
    min_weeks: u32,
) -> Result<Cadence> {
    filters.check(engine)?;
    let cut_e_actor = filters.cut("e.actor");
    let cut_i_actor = filters.cut("i.actor");
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let own_in = crate::own_in(own);
    let zone: Zone = tz.parse()?;
    let week_of = |t: i64| (t - MONDAY).div_euclid(WEEK);
    // Own posts and their engagement, per channel and week.
    let mut weeks: BTreeMap<(String, String, i64), (u64, u64)> = BTreeMap::new();
    for r in rows(
        engine,
        &format!(
            "SELECT p.channel, p.author, CAST(p.at AS BIGINT) AS t, count(e.actor) AS n
             FROM posts_raw p
             LEFT JOIN interactions_raw e ON e.target_post = p.post
               AND e.kind IN ('like', 'reshare', 'reply', 'quote')
               AND e.actor NOT IN ({own_in}){cut_e_actor}
             WHERE p.author IN ({own_in}) AND p.reply_to IS NULL{}
             GROUP BY p.channel, p.author, p.post, p.at",
            filters.sql("p")
        ),
    )? {
        let key = (
            s(&r, "channel"),
            s(&r, "author"),
            week_of(i(&r, "t").unwrap_or(0)),
        );
        let w = weeks.entry(key).or_default();
        w.0 += 1;
        w.1 += u(&r, "n");
    }
    // Followers of each own account over time: +1 at a follow, -1 when it ends.
    let mut changes: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for r in rows(
        engine,
        &format!("SELECT i.target_account, CAST(i.at AS BIGINT) AS t, CAST(d.at AS BIGINT) AS ended
         FROM interactions_raw i
         LEFT JOIN (SELECT record, min(at) AS at FROM deletions GROUP BY record) d ON i.record = d.record
         WHERE i.kind = 'follow' AND i.target_account IN ({own_in})
           AND i.actor NOT IN ({own_in}){cut_i_actor}"),
    )? {
        let c = changes.entry(s(&r, "target_account")).or_default();
        c.push((i(&r, "t").unwrap_or(0), 1));
        if let Some(e) = i(&r, "ended") {
            c.push((e, -1));
        }
    }
    for c in changes.values_mut() {
        c.sort_unstable();
    }
    // (channel, account) → [(week, posts, engagement)]
    type ByAccount = BTreeMap<(String, String), Vec<(i64, u64, u64)>>;
    let mut accounts = ByAccount::new();
    for ((channel, account, week), (posts, engagement)) in weeks {
        accounts
            .entry((channel, account))
            .or_default()
            .push((week, posts, engagement));
    }
    let handles: BTreeMap<String, String> = rows(
        engine,
        &format!("SELECT account, handle FROM accounts WHERE account IN ({own_in}) AND handle IS NOT NULL"),
    )?
    .iter()
    .map(|r| (s(r, "account"), s(r, "handle")))
    .collect();
    let mut out = Vec::new();
    for ((channel, account), ws) in accounts {
        // Fill silent weeks between the first and last posting week: a week
        // without posts is part of the cadence too.
        let (first, last) = (ws[0].0, ws[ws.len() - 1].0);
        let by_week: BTreeMap<i64, (u64, u64)> = ws.iter().map(|w| (w.0, (w.1, w.2))).collect();
        let empty = Vec::new();
        let follows = changes.get(&account).unwrap_or(&empty);
        let mut idx = 0;
        let mut followers: i64 = 0;
        let mut list = Vec::new();
        for week in first..=last {
            let end = MONDAY + (week + 1) * WEEK;
            while idx < follows.len() && follows[idx].0 < end {
                followers += follows[idx].1;
                idx += 1;
            }
            let (posts, engagement) = by_week.get(&week).copied().unwrap_or((0, 0));
            let per = if posts > 0 && followers > 0 {
                engagement as f64 / posts as f64 * 1000.0 / followers as f64
            } else {
                0.0
            };
            list.push(Week {
                week_start: rfc3339(MONDAY + week * WEEK),
                posts,
                engagement,
                followers: followers.max(0) as u64,
                per_post_per_1000: per,
                relative_to_trend: 0.0,
            });
        }
        detrend(&mut list);
        let mut groups: BTreeMap<u64, (u64, f64)> = BTreeMap::new();
        for w in list.iter().filter(|w| w.posts > 0 && w.followers > 0) {
            let g = groups.entry(w.posts).or_default();
            g.0 += 1;
            g.1 += w.per_post_per_1000;
        }
        let curve: Vec<CurvePoint> = groups
            .into_iter()
            .map(|(posts_per_week, (weeks, sum))| CurvePoint {
                posts_per_week,
                weeks,
                per_post_per_1000: sum / weeks as f64,
            })
            .collect();
        let saturation = saturation(&list, u64::from(min_weeks));
        let recent: Vec<&Week> = list.iter().rev().take(RECENT_WEEKS).collect();
        let recent_posts =
            recent.iter().map(|w| w.posts).sum::<u64>() as f64 / recent.len().max(1) as f64;
        let flood_warning = saturation.and_then(|k| {
            (recent_posts > k as f64).then(|| {
                let at = |n: u64| curve.iter().find(|c| c.posts_per_week == n).map(|c| c.per_post_per_1000);
                let loss = match (at(k), at(recent_posts.round() as u64)) {
                    (Some(best), Some(now)) if best > 0.0 => format!(" (about {:.0} % less per post)", 100.0 * (1.0 - now / best)),
                    _ => String::new(),
                };
                format!(
                    "{recent_posts:.1} posts a week over the last {RECENT_WEEKS} weeks from {account}: past {k} a week, each post gets less engagement{loss}; post less, or spread posts over more channels"
                )
            })
        });
        out.push(ChannelCadence {
            channel,
            handle: handles.get(&account).cloned(),
            account,
            weeks: list,
            curve,
            saturation_posts_per_week: saturation,
            recent_posts_per_week: recent_posts,
            flood_warning,
        });
    }
    // When the audience engages.
    let mut by_hour = vec![0u64; 24];
    let mut by_weekday = vec![0u64; 7];
    for r in rows(
        engine,
        &format!(
            "SELECT CAST(e.at AS BIGINT) / {HOUR} AS h, count(*) AS n
             FROM interactions_raw e
             WHERE e.kind IN ('like', 'reshare', 'reply', 'quote') AND e.target_post IS NOT NULL
               AND e.target_account IN ({own_in})
               AND e.actor NOT IN ({own_in}){cut_e_actor}{}
             GROUP BY 1",
            filters.sql("e")
        ),
    )? {
        let (hour, weekday) = zone.hour_and_weekday(i(&r, "h").unwrap_or(0) * HOUR);
        by_hour[hour as usize] += u(&r, "n");
        by_weekday[weekday as usize] += u(&r, "n");
    }
    let top = |v: &[u64], n: usize| -> Vec<usize> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|a, b| v[*b].cmp(&v[*a]).then(a.cmp(b)));
        idx.into_iter().take(n).filter(|i| v[*i] > 0).collect()
    };
    Ok(Cadence {
        tz: zone.name(),
        min_weeks,
        channels: out,
        best_hours: top(&by_hour, 3).into_iter().map(|h| h as u32).collect(),
        best_weekdays: top(&by_weekday, 2)
            .into_iter()
            .map(|d| WEEKDAYS[d].to_owned())
            .collect(),
        activity_by_hour: by_hour,
        activity_by_weekday: by_weekday,
    })
}

/// The saturation point: a change-point estimate. Weeks are split at each
/// weekly post count `k` (at least `min_weeks` weeks on each side, twice
/// that below); the split that best explains engagement per post as two
/// levels (least squared error) wins, and is reported only if the weeks
/// above it have a median below 80 % of the weeks at or under it. Using
/// every week, not per-count averages over a few weeks, keeps one odd week
/// from making a knee. None when no such drop is seen.
fn saturation(weeks: &[Week], min_weeks: u64) -> Option<u64> {
    let mut points: Vec<(u64, f64)> = weeks
        .iter()
        .filter(|w| w.posts > 0 && w.followers > 0)
        .map(|w| (w.posts, w.relative_to_trend))
        .collect();
    points.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let sse = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|y| (y - mean).powi(2)).sum::<f64>()
    };
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    let min = min_weeks.max(1) as usize;
    let mut best: Option<(f64, u64, usize)> = None;
    for split in 1..points.len() {
        // Split only between different post counts, with enough weeks on
        // each side, and at least two posting rates below (a "limit" at the
        // lowest rate seen says nothing about posting more).
        if points[split - 1].0 == points[split].0
            || split < 2 * min
            || points.len() - split < min
            || points[0].0 == points[split - 1].0
        {
            continue;
        }
        let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
        let err = sse(&ys[..split]) + sse(&ys[split..]);
        if best.is_none_or(|b| err < b.0) {
            best = Some((err, points[split - 1].0, split));
        }
    }
    let (_, k, split) = best?;
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    (median(&ys[split..]) < KEEP_SHARE * median(&ys[..split])).then_some(k)
}

/// Fills `relative_to_trend`: each posting week against the median of the
/// posting weeks within 26 weeks of it.
fn detrend(weeks: &mut [Week]) {
    const HALF: usize = 26;
    let per: Vec<Option<f64>> = weeks
        .iter()
        .map(|w| (w.posts > 0 && w.followers > 0).then_some(w.per_post_per_1000))
        .collect();
    for (i, w) in weeks.iter_mut().enumerate() {
        let Some(y) = per[i] else { continue };
        let lo = i.saturating_sub(HALF);
        let hi = (i + HALF + 1).min(per.len());
        let mut around: Vec<f64> = per[lo..hi].iter().flatten().copied().collect();
        around.sort_by(f64::total_cmp);
        let m = around[around.len() / 2];
        w.relative_to_trend = if m > 0.0 { y / m } else { 0.0 };
    }
}

/// The local time zone, or a named one.
enum Zone {
    Local,
    Named(chrono_tz::Tz),
}

impl std::str::FromStr for Zone {
    type Err = AnalyticsError;
    fn from_str(s: &str) -> Result<Zone> {
        if s.is_empty() || s == "local" {
            return Ok(Zone::Local);
        }
        s.parse::<chrono_tz::Tz>()
            .map(Zone::Named)
            .map_err(|_| AnalyticsError::UnknownTimeZone(s.to_owned()))
    }
}

impl Zone {
    fn name(&self) -> String {
        match self {
            Zone::Local => "local".into(),
            Zone::Named(tz) => tz.name().into(),
        }
    }

    /// (hour 0–23, weekday 0 = Monday) of `t` in this zone.
    fn hour_and_weekday(&self, t: i64) -> (u32, u32) {
        let utc = chrono::Utc.timestamp_micros(t).single().unwrap_or_default();
        match self {
            Zone::Local => {
                let l = utc.with_timezone(&chrono::Local);
                (l.hour(), l.weekday().num_days_from_monday())
            }
            Zone::Named(tz) => {
                let l = utc.with_timezone(tz);
                (l.hour(), l.weekday().num_days_from_monday())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(points: &[(u64, f64)]) -> Vec<Week> {
        points
            .iter()
            .map(|&(posts, per)| Week {
                week_start: String::new(),
                posts,
                engagement: 0,
                followers: 100,
                per_post_per_1000: per,
                relative_to_trend: per,
            })
            .collect()
    }

    #[test]
    fn saturation_is_where_the_median_per_post_falls_below_80_percent() {
        // Flat around 10 up to 8 posts a week, then halved.
        let mut p: Vec<(u64, f64)> = (0..40).map(|i| (1 + i % 8, 9.5 + (i % 3) as f64)).collect();
        p.extend((0..8).map(|i| (20 + i % 4, 5.0)));
        assert_eq!(saturation(&weeks(&p), 3), Some(8));
        // One odd week does not make a knee.
        let mut flat: Vec<(u64, f64)> = (0..40).map(|i| (1 + i % 8, 10.0)).collect();
        flat.push((9, 1.0));
        assert_eq!(
            saturation(&weeks(&flat), 3),
            None,
            "no drop seen, no saturation claimed"
        );
        assert_eq!(saturation(&[], 3), None);
    }

    #[test]
    fn hours_follow_the_zone_across_daylight_saving_changes() {
        let paris: Zone = "Europe/Paris".parse().unwrap();
        // 2024-03-31 00:30 UTC is 01:30 CET (Sunday); 02:30 UTC is 04:30 CEST.
        let t = chrono::Utc
            .with_ymd_and_hms(2024, 3, 31, 0, 30, 0)
            .unwrap()
            .timestamp_micros();
        assert_eq!(paris.hour_and_weekday(t), (1, 6));
        assert_eq!(paris.hour_and_weekday(t + 2 * HOUR), (4, 6));
        assert!("Mars/Olympus".parse::<Zone>().is_err());
    }
}
