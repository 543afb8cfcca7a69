//! Runs the analyses the report needs over one store snapshot.

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

use levain_analytics::amplifiers::{AmplifierOptions, amplifiers};
use levain_analytics::cadence::cadence;
use levain_analytics::campaigns;
use levain_analytics::cohorts::{CohortBy, Cohorts, acquisitions, cohorts};
use levain_analytics::engagement::engagement;
use levain_analytics::project::project;
use levain_analytics::roi::{OrganicCost, roi};
use levain_analytics::settings::Weights;
use levain_analytics::topics::TopicOptions;
use levain_analytics::venues::venues;
use levain_analytics::{Filters, Result};
use levain_store::query::Engine;

use crate::input::{Amplifier, AudienceMonth, ReportInput, VenueGap};

/// How far ahead the report projects, in months.
pub const HORIZON_MONTHS: u32 = 36;

fn date(micros: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp_micros(micros).map(|t| t.date_naive())
}

/// Everything [`crate::build`] needs. `topics` are the user's own
/// (`levain topic add`); `progress` is told each step's name.
pub fn gather(
    engine: &Engine,
    own: &[String],
    topics: &BTreeMap<String, Vec<String>>,
    filters: &Filters,
    weights: &Weights,
    cost: OrganicCost,
    progress: &mut dyn FnMut(&str),
) -> Result<ReportInput> {
    progress("roi");
    let roi = roi(engine, own, filters, weights, cost)?;
    progress("project");
    let projection = project(engine, own, filters, HORIZON_MONTHS, cost).map_err(|e| e.to_string());
    progress("engagement");
    let eng = engagement(engine, own, filters, weights)?;
    let engagement_without_suspicious = if engine.judged() && !filters.exclude_suspicious {
        let clean = Filters {
            exclude_suspicious: true,
            ..filters.clone()
        };
        Some(engagement(engine, own, &clean, weights)?)
    } else {
        None
    };
    progress("cohorts");
    let retention = cohorts(engine, own, filters, 30, CohortBy::Source)?;
    let Audience {
        from,
        to,
        months: audience,
    } = audience(engine, own, filters, &retention)?;
    progress("cadence");
    let cad = cadence(engine, own, filters, "UTC", 3)?;
    progress("amplifiers");
    let amps = amplifiers(
        engine,
        own,
        filters,
        &AmplifierOptions {
            limit: 10,
            ..Default::default()
        },
    )
    .map(|a| a.accounts.into_iter().map(Amplifier::from).collect())
    .map_err(|e| e.to_string());
    progress("venues");
    let gaps = venues(engine, own, topics, filters, &TopicOptions::default())
        .map(|v| v.gaps.into_iter().take(20).map(VenueGap::from).collect())
        .map_err(|e| e.to_string());
    Ok(ReportInput {
        from,
        to,
        roi,
        projection,
        engagement: eng,
        engagement_without_suspicious,
        retention,
        audience,
        cadence: cad,
        amplifiers: amps,
        venue_gaps: gaps,
    })
}

/// The audience at each month's end by source, and the period it covers.
pub struct Audience {
    /// First and last day covered (the filters, else the data).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub months: Vec<AudienceMonth>,
}

/// Followers still following at each month's end, paid or organic, up to
/// the data's end as `retention` (the 30-day cohorts) saw it.
pub fn audience(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    retention: &Cohorts,
) -> Result<Audience> {
    let data_end = retention
        .data_end
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp_micros());
    let end = match (data_end, filters.to) {
        (Some(e), Some(t)) => Some(e.min(t - 1)),
        (e, _) => e,
    };
    let acq = acquisitions(engine, own, filters)?;
    let camps = campaigns::load(engine)?;
    let start = filters.from.or_else(|| acq.iter().map(|a| a.at).min());
    let mut months = Vec::new();
    if let (Some(s), Some(e)) = (start.and_then(date), end.and_then(date)) {
        let mut m = NaiveDate::from_ymd_opt(s.year(), s.month(), 1).expect("first of a month");
        while m <= e {
            let next = m
                .checked_add_months(chrono::Months::new(1))
                .expect("a month later");
            let month_end = next.pred_opt().expect("a day before");
            // The month's end, or the data's end for the last, partial month.
            let at = (next
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp_micros())
            .min(end.map_or(i64::MAX, |x| x.saturating_add(1)));
            let mut row = AudienceMonth {
                month_end: month_end.min(e),
                paid: 0,
                organic: 0,
            };
            for a in acq
                .iter()
                .filter(|a| a.at < at && a.ended.is_none_or(|x| x >= at))
            {
                if campaigns::window_at(&camps, &a.channel, a.at).is_some() {
                    row.paid += 1;
                } else {
                    row.organic += 1;
                }
            }
            months.push(row);
            m = next;
        }
    }
    Ok(Audience {
        from: start.and_then(date),
        to: end.and_then(date),
        months,
    })
}
