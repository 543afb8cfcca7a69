//! `levain roi`: what each campaign and the organic work brought, in money.
//!
//! Per source (each campaign, then organic):
//! - `spend`: the campaign's spend; for organic work, the cost of the
//!   manager's time: from the organic work log when one was imported (see
//!   [`crate::organic`]), else when configured (`levain config set
//!   hourly_cost 40`, `levain config set hours_per_week 6`): rate × hours ×
//!   weeks of the period; else null;
//! - `followers_acquired` and `retained` at 30, 90 and 365 days, from the
//!   acquisition cohorts (see [`crate::cohorts`]): `observed` followers
//!   acquired at least that long before the data ends, `following` of them
//!   still following then, `rate` = following / observed, and `estimated`
//!   = acquired × rate (what the whole cohort will keep at that age);
//! - `cost_per_follower` = spend / acquired and `cost_per_retained` =
//!   spend / estimated retained, per horizon;
//! - `engagement` on the source's posts (paid posts by the engagement rule,
//!   organic posts otherwise), raw and quality-weighted;
//! - `conversions` attributed by the rule in [`ATTRIBUTION`], their value,
//!   cost per conversion and return on spend (value / spend).
//!
//! The same table without suspicious accounts comes with it once `levain
//! fraud` has run. Amounts are in the campaigns' currency; sums over
//! several currencies are refused rather than mixed.

use std::collections::BTreeMap;

use levain_store::query::Engine;
use serde::Serialize;
use serde_json::Value;

use crate::campaigns::{self, Campaign};
use crate::cohorts::{CohortBy, cohorts};
use crate::engagement::engagement;
use crate::settings::{Weights, number};
use crate::{AnalyticsError, Filters, Result, data_end, i, rfc3339, rows, s};

const DAY: i64 = 86_400_000_000;
pub const HORIZONS: [u32; 3] = [30, 90, 365];

pub const ATTRIBUTION: &str = "a conversion goes to the campaign its `campaign` field names, else to the one its utm_campaign names; else to organic work when it carries UTM tags of a social source (utm_medium social/organic, or utm_source a channel) with no paid medium; else to the campaign whose window on its channel contains it (rule `campaign_window`); else it stays unattributed";

#[derive(Debug, Serialize, Clone)]
pub struct Retained {
    pub days: u32,
    pub observed: u64,
    pub following: u64,
    pub rate: Option<f64>,
    pub estimated: Option<f64>,
    pub cost_per_retained: Option<f64>,
}

#[derive(Debug, Serialize, Default, Clone)]
pub struct SourceEngagement {
    pub posts: u64,
    pub likes: u64,
    pub reshares: u64,
    pub replies: u64,
    pub quotes: u64,
    pub weighted: f64,
}

#[derive(Debug, Serialize, Default, Clone)]
pub struct SourceConversions {
    pub count: u64,
    pub value: f64,
    /// How many were attributed by each rule.
    pub by_rule: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize, Clone)]
pub struct Source {
    /// `campaign:<name>` or `organic`.
    pub source: String,
    pub channel: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub spend: Option<f64>,
    pub currency: String,
    pub followers_acquired: u64,
    pub cost_per_follower: Option<f64>,
    pub retained: Vec<Retained>,
    pub engagement: SourceEngagement,
    pub conversions: SourceConversions,
    pub cost_per_conversion: Option<f64>,
    /// Conversion value per unit spent.
    pub return_on_spend: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Roi {
    pub currency: String,
    pub sources: Vec<Source>,
    /// The same with suspicious accounts left out; null before `levain fraud`.
    pub sources_without_suspicious: Option<Vec<Source>>,
    /// Conversions no rule attributes (direct sales, other channels).
    pub unattributed_conversions: SourceConversions,
    /// How organic work was costed, or why it was not.
    pub organic_cost: String,
    pub attribution: &'static str,
    pub paid_rule: &'static str,
}

/// The user's settings that cost organic work.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OrganicCost {
    pub hourly_cost: f64,
    pub hours_per_week: f64,
}

impl OrganicCost {
    pub fn from_settings(stored: &BTreeMap<String, String>) -> OrganicCost {
        OrganicCost {
            hourly_cost: number(stored, "hourly_cost"),
            hours_per_week: number(stored, "hours_per_week"),
        }
    }
}

pub fn roi(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    weights: &Weights,
    cost: OrganicCost,
) -> Result<Roi> {
    filters.check(engine)?;
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let camps = campaigns::load(engine)?;
    let mut currencies: Vec<&str> = camps.iter().map(|c| c.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    let currency = match currencies.as_slice() {
        [] => "EUR".to_owned(),
        [one] => (*one).to_owned(),
        many => {
            return Err(AnalyticsError::Mixed(format!(
                "campaigns are in several currencies ({}); levain does not convert them",
                many.join(", ")
            )));
        }
    };
    // The period organic work is costed over: the filters, else the data.
    let end = match (data_end(engine)?, filters.to) {
        (Some(e), Some(t)) => Some(e.min(t)),
        (e, _) => e,
    };
    let start = match filters.from {
        Some(f) => Some(f),
        None => rows(
            engine,
            &format!(
                "SELECT min(CAST(at AS BIGINT)) AS t FROM posts_raw WHERE author IN ({})",
                crate::own_in(own)
            ),
        )?
        .first()
        .and_then(|r| i(r, "t")),
    };
    let weeks = match (start, end) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / (7 * DAY) as f64,
        _ => 0.0,
    };
    let log = crate::organic::load(engine)?;
    let (organic_spend, organic_cost) = match (start, end) {
        (Some(from), Some(to)) if !log.is_empty() => {
            let c = crate::organic::logged_cost(&log, from, to, cost.hourly_cost, &currency)?;
            let text = match c.amount {
                Some(a) => format!(
                    "{a:.0} {currency}: the organic work log ({} periods, {:.0} hours in this period; hours without a cost at {} {currency}/hour)",
                    c.periods, c.hours, cost.hourly_cost
                ),
                None => format!(
                    "not costed: the organic work log has {:.0} hours without a cost in this period; set `levain config set hourly_cost 40` to cost them",
                    c.hours
                ),
            };
            (c.amount, text)
        }
        _ => {
            let spend = (cost.hourly_cost > 0.0 && cost.hours_per_week > 0.0)
                .then_some(cost.hourly_cost * cost.hours_per_week * weeks);
            let text = match spend {
                Some(c) => format!(
                    "{:.0} {currency}: {} {currency}/hour × {} hours/week × {weeks:.1} weeks",
                    c, cost.hourly_cost, cost.hours_per_week
                ),
                None => "not costed: set `levain config set hourly_cost 40` and `levain config set hours_per_week 6`, or import a log of organic work (`levain import organic-costs FILE`: start,end,hours[,cost,currency]), to compare organic work in money".to_owned(),
            };
            (spend, text)
        }
    };
    let (sources, unattributed) = table(
        engine,
        own,
        filters,
        weights,
        &camps,
        &currency,
        organic_spend,
    )?;
    let sources_without_suspicious = if engine.judged() && !filters.exclude_suspicious {
        let clean = Filters {
            exclude_suspicious: true,
            ..filters.clone()
        };
        Some(
            table(
                engine,
                own,
                &clean,
                weights,
                &camps,
                &currency,
                organic_spend,
            )?
            .0,
        )
    } else {
        None
    };
    Ok(Roi {
        currency,
        sources,
        sources_without_suspicious,
        unattributed_conversions: unattributed,
        organic_cost,
        attribution: ATTRIBUTION,
        paid_rule: crate::engagement::PAID_RULE,
    })
}

fn ratio(a: Option<f64>, b: f64) -> Option<f64> {
    a.filter(|_| b > 0.0).map(|a| a / b)
}

fn table(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    weights: &Weights,
    camps: &[Campaign],
    currency: &str,
    organic_spend: Option<f64>,
) -> Result<(Vec<Source>, SourceConversions)> {
    // Retention at each horizon: the first period of cohorts that long.
    let mut retention: BTreeMap<String, Vec<(u32, u64, u64, u64)>> = BTreeMap::new();
    for days in HORIZONS {
        let c = cohorts(engine, own, filters, days, CohortBy::Source)?;
        for cohort in c.cohorts {
            let first = cohort.retention.first().copied();
            retention.entry(cohort.cohort).or_default().push((
                days,
                cohort.acquired,
                first.map_or(0, |p| p.observed),
                first.map_or(0, |p| p.following),
            ));
        }
    }
    let eng = engagement(engine, own, filters, weights)?;
    let mut engaged: BTreeMap<String, SourceEngagement> = BTreeMap::new();
    for p in &eng.posts {
        let key = match &p.campaign {
            Some(c) if p.paid => format!("campaign:{c}"),
            _ => "organic".to_owned(),
        };
        let e = engaged.entry(key).or_default();
        e.posts += 1;
        e.likes += p.likes;
        e.reshares += p.reshares;
        e.replies += p.replies;
        e.quotes += p.quotes;
        e.weighted += p.weighted;
    }
    let (mut converted, unattributed) = conversions(engine, filters, camps)?;

    let mut sources: Vec<(String, Option<&Campaign>, Option<f64>)> = camps
        .iter()
        .rev() // oldest first
        .filter(|c| filters.channel.as_ref().is_none_or(|ch| *ch == c.channel))
        .map(|c| (format!("campaign:{}", c.name), Some(c), Some(c.spend)))
        .collect();
    sources.push(("organic".to_owned(), None, organic_spend));
    let out = sources
        .into_iter()
        .map(|(name, camp, spend)| {
            let ret = retention.get(&name).cloned().unwrap_or_default();
            let acquired = ret.first().map_or(0, |r| r.1);
            let retained = HORIZONS
                .iter()
                .map(|&days| {
                    let (observed, following) = ret
                        .iter()
                        .find(|r| r.0 == days)
                        .map_or((0, 0), |r| (r.2, r.3));
                    let rate = (observed > 0).then(|| following as f64 / observed as f64);
                    let estimated = rate.map(|r| r * acquired as f64);
                    Retained {
                        days,
                        observed,
                        following,
                        rate,
                        estimated,
                        cost_per_retained: estimated.and_then(|e| ratio(spend, e)),
                    }
                })
                .collect();
            let conv = converted.remove(&name).unwrap_or_default();
            Source {
                channel: camp.map(|c| c.channel.clone()),
                start: camp.map(|c| rfc3339(c.start)),
                end: camp.map(|c| rfc3339(c.end)),
                spend,
                currency: currency.to_owned(),
                followers_acquired: acquired,
                cost_per_follower: ratio(spend, acquired as f64),
                retained,
                engagement: engaged.remove(&name).unwrap_or_default(),
                cost_per_conversion: ratio(spend, conv.count as f64),
                return_on_spend: spend.filter(|s| *s > 0.0).map(|s| conv.value / s),
                conversions: conv,
                source: name,
            }
        })
        .collect();
    Ok((out, unattributed))
}

/// Attributes every conversion in the period (see [`ATTRIBUTION`]).
fn conversions(
    engine: &Engine,
    filters: &Filters,
    camps: &[Campaign],
) -> Result<(BTreeMap<String, SourceConversions>, SourceConversions)> {
    let mut by_source: BTreeMap<String, SourceConversions> = BTreeMap::new();
    let mut unattributed = SourceConversions::default();
    let mut cond = String::new();
    if let Some(f) = filters.from {
        cond.push_str(&format!(" AND CAST(at AS BIGINT) >= {f}"));
    }
    if let Some(t) = filters.to {
        cond.push_str(&format!(" AND CAST(at AS BIGINT) < {t}"));
    }
    for r in rows(
        engine,
        &format!(
            "SELECT CAST(at AS BIGINT) AS t, value, channel, campaign, utm_source, utm_medium, utm_campaign
             FROM conversions WHERE true{cond}"
        ),
    )? {
        let t = i(&r, "t").unwrap_or(0);
        let value = r.get("value").and_then(Value::as_f64).unwrap_or(0.0);
        let (channel, campaign) = (s(&r, "channel"), s(&r, "campaign"));
        let (source, medium, utm_campaign) =
            (s(&r, "utm_source"), s(&r, "utm_medium"), s(&r, "utm_campaign"));
        let named = |n: &str| (!n.is_empty()).then(|| camps.iter().find(|c| c.name == n)).flatten();
        let paid_medium = ["paid", "cpc", "ppc", "paid_social", "display", "ads"]
            .iter()
            .any(|m| medium.eq_ignore_ascii_case(m));
        let social = medium.eq_ignore_ascii_case("social")
            || medium.eq_ignore_ascii_case("organic")
            || levain_model::channel::KNOWN.contains(&source.to_ascii_lowercase().as_str());
        let (target, rule): (Option<String>, &str) = if let Some(c) = named(&campaign) {
            (Some(format!("campaign:{}", c.name)), "campaign_field")
        } else if let Some(c) = named(&utm_campaign) {
            (Some(format!("campaign:{}", c.name)), "utm_campaign")
        } else if social && !paid_medium {
            (Some("organic".to_owned()), "utm_source")
        } else if let Some(c) = (!channel.is_empty())
            .then(|| campaigns::window_at(camps, &channel, t))
            .flatten()
        {
            (Some(format!("campaign:{}", c.name)), "campaign_window")
        } else {
            (None, "none")
        };
        if let Some(ch) = &filters.channel
            && !channel.is_empty()
            && *ch != channel
        {
            continue;
        }
        let slot = match target {
            Some(t) => by_source.entry(t).or_default(),
            None => &mut unattributed,
        };
        slot.count += 1;
        slot.value += value;
        *slot.by_rule.entry(rule.to_owned()).or_default() += 1;
    }
    Ok((by_source, unattributed))
}
