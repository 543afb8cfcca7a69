//! `levain project`: the audience months ahead, under three scenarios.
//!
//! The model is small on purpose, so every number can be explained:
//! - months are 30 days, ages are counted from a follower's acquisition
//!   (its first follow of an own account, as in [`crate::cohorts`]);
//! - each class (`paid`: acquired inside a campaign window, `organic`:
//!   the rest) has a survival curve S(age) fitted by Kaplan–Meier on its
//!   followers (an unfollow ends a follower; the data's end censors); past
//!   the oldest observed age the hazard stays at the mean of the last six
//!   observed months;
//! - organic acquisitions each month are a steady flow plus word of mouth,
//!   in proportion to the audience at the month's start: both fitted by
//!   least squares on the last twelve months (arrivals against audience);
//!   paid ones at `followers per unit spent` (all campaigns) × the monthly
//!   budget (spend of the campaigns started in the last twelve months / 12);
//! - scenarios: `keep_paying` (that budget), `stop_paying` (none),
//!   `shift_to_organic` (the budget buys hours of organic work at
//!   `hourly_cost`, and organic acquisitions grow in proportion to the hours
//!   added to `hours_per_week`; only when both are known, from the settings
//!   or from the organic work log's last 13 weeks, see [`crate::organic`]);
//! - engaged audience = projected audience × the share of current followers
//!   who engaged in the last 30 days (per class); conversions = engaged
//!   audience × attributed conversions per engaged follower and month over
//!   the last six months;
//! - bands: the 10th and 90th percentiles over bootstrap resamples of the
//!   acquisition cohorts (class × acquisition month), refitting the curves
//!   and rates each time.

use std::collections::{BTreeMap, HashSet};

use levain_store::query::Engine;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::campaigns::{self, Campaign};
use crate::cohorts::{Acquisition, acquisitions};
use crate::roi::OrganicCost;
use crate::{AnalyticsError, Filters, Result, data_end, own_in, rfc3339, rows};

const DAY: i64 = 86_400_000_000;
const MONTH: i64 = 30 * DAY;
const BOOTSTRAP: usize = 200;

pub const METHOD: &str = "Kaplan–Meier survival per class (paid, organic) with a constant tail hazard; organic acquisitions month by month as a steady flow plus word of mouth in proportion to the audience (both fitted by least squares on the last twelve months), paid ones at followers per unit spent × the last twelve months' monthly budget; engaged audience and conversions at current rates; 10th–90th percentile bands from 200 bootstrap resamples of acquisition cohorts";

#[derive(Debug, Serialize, Clone)]
pub struct Band {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Serialize, Clone)]
pub struct Month {
    /// Months after the data's end (1 = the first month ahead).
    pub month: u32,
    /// The month's end, RFC 3339.
    pub at: String,
    pub audience: Band,
    pub engaged: Band,
    pub conversions: Band,
}

#[derive(Debug, Serialize)]
pub struct Scenario {
    /// `keep_paying`, `stop_paying` or `shift_to_organic`.
    pub scenario: &'static str,
    pub description: String,
    pub months: Vec<Month>,
}

#[derive(Debug, Serialize)]
pub struct Projection {
    pub horizon_months: u32,
    pub from: Option<String>,
    pub followers_now: u64,
    pub monthly_budget: f64,
    pub followers_per_unit_spent: f64,
    pub organic_acquisitions_per_month: f64,
    pub scenarios: Vec<Scenario>,
    /// Why a scenario is missing, when one is.
    pub notes: Vec<String>,
    pub method: &'static str,
}

/// What the model is fitted on, independent of the scenario.
#[derive(Clone)]
struct Fit {
    /// Survival by age in months, per class (0 paid, 1 organic).
    survival: [Vec<f64>; 2],
    tail_hazard: [f64; 2],
    /// Organic arrivals per month over the last six months.
    organic_rate: f64,
    /// Organic arrivals per month = `organic_steady` + `organic_per_follower`
    /// × the audience at the month's start.
    organic_steady: f64,
    organic_per_follower: f64,
    paid_per_spend: f64,
    engaged_share: [f64; 2],
    conversions_per_engaged: f64,
}

impl Fit {
    /// The chance to still follow after `age + 1` whole months (1 before any).
    fn s(&self, class: usize, age: i64) -> f64 {
        if age < 0 {
            return 1.0;
        }
        let curve = &self.survival[class];
        let age = age as usize;
        if age < curve.len() {
            curve[age]
        } else {
            let last = curve.last().copied().unwrap_or(1.0);
            last * (1.0 - self.tail_hazard[class]).powi((age + 1 - curve.len()) as i32)
        }
    }
}

struct Follower {
    actor: String,
    class: usize,
    at: i64,
    ended: Option<i64>,
}

pub fn project(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    horizon: u32,
    cost: OrganicCost,
) -> Result<Projection> {
    filters.check(engine)?;
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let cost = crate::organic::effective_cost(cost, &crate::organic::load(engine)?);
    let Some(end) = data_end(engine)?.map(|e| filters.to.map_or(e, |t| e.min(t))) else {
        return Ok(Projection {
            horizon_months: horizon,
            from: None,
            followers_now: 0,
            monthly_budget: 0.0,
            followers_per_unit_spent: 0.0,
            organic_acquisitions_per_month: 0.0,
            scenarios: Vec::new(),
            notes: vec!["no data".into()],
            method: METHOD,
        });
    };
    let camps: Vec<Campaign> = campaigns::load(engine)?
        .into_iter()
        .filter(|c| c.start < end)
        .collect();
    let fit_filters = Filters {
        to: Some(end),
        ..filters.clone()
    };
    let followers: Vec<Follower> = acquisitions(engine, own, &fit_filters)?
        .into_iter()
        .map(|a: Acquisition| Follower {
            class: usize::from(campaigns::window_at(&camps, &a.channel, a.at).is_none()),
            at: a.at,
            // Unfollows after the fitting end are not known yet.
            ended: a.ended.filter(|e| *e <= end),
            actor: a.actor,
        })
        .collect();
    let spend: f64 = camps.iter().map(|c| c.spend).sum();
    let budget: f64 = camps
        .iter()
        .filter(|c| c.start >= end - 12 * MONTH)
        .map(|c| c.spend)
        .sum::<f64>()
        / 12.0;
    let engaged_share = engaged_share(engine, own, &followers, end)?;
    let conversions_per_engaged = conversion_rate(engine, &followers, &engaged_share, end)?;
    let fit = fit(
        &followers,
        end,
        spend,
        engaged_share,
        conversions_per_engaged,
    );
    let now: Vec<&Follower> = followers.iter().filter(|f| f.ended.is_none()).collect();

    // Bootstrap: resample cohorts (class × acquisition month) with replacement.
    let mut cohorts: BTreeMap<(usize, i64), Vec<&Follower>> = BTreeMap::new();
    for f in &followers {
        cohorts.entry((f.class, f.at / MONTH)).or_default().push(f);
    }
    let groups: Vec<&Vec<&Follower>> = cohorts.values().collect();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let fits: Vec<Fit> = (0..BOOTSTRAP)
        .map(|_| {
            let sample: Vec<&Follower> = (0..groups.len())
                .flat_map(|_| groups[rng.random_range(0..groups.len())].iter().copied())
                .collect();
            let owned: Vec<Follower> = sample
                .iter()
                .map(|f| Follower {
                    actor: String::new(),
                    class: f.class,
                    at: f.at,
                    ended: f.ended,
                })
                .collect();
            let mut b = self::fit(&owned, end, spend, engaged_share, conversions_per_engaged);
            // Rates are refitted on the resample; spend is not resampled.
            b.paid_per_spend = if spend > 0.0 {
                owned.iter().filter(|f| f.class == 0).count() as f64 / spend
            } else {
                0.0
            };
            b
        })
        .collect();

    let hours_per_month = cost.hours_per_week * 30.0 / 7.0;
    let mut notes = Vec::new();
    let mut plans: Vec<(&'static str, String, f64, f64)> = vec![
        (
            "keep_paying",
            format!("campaigns go on at {budget:.0} a month (the last twelve months' spend / 12)"),
            budget,
            1.0,
        ),
        ("stop_paying", "no more campaigns".to_owned(), 0.0, 1.0),
    ];
    if cost.hourly_cost > 0.0 && hours_per_month > 0.0 {
        let extra = budget / cost.hourly_cost;
        plans.push((
            "shift_to_organic",
            format!(
                "the budget pays {extra:.0} more hours of organic work a month (at {} an hour, on top of {hours_per_month:.0}); organic acquisitions grow in proportion",
                cost.hourly_cost
            ),
            0.0,
            1.0 + extra / hours_per_month,
        ));
    } else {
        notes.push("shift_to_organic needs `levain config set hourly_cost …` and `levain config set hours_per_week …`".into());
    }
    let scenarios = plans
        .into_iter()
        .map(|(name, description, monthly_budget, organic_boost)| {
            let run = |f: &Fit| simulate(f, &now, end, horizon, monthly_budget, organic_boost);
            let point = run(&fit);
            let samples: Vec<Vec<[f64; 3]>> = fits.iter().map(run).collect();
            let months = (0..horizon as usize)
                .map(|m| {
                    let band = |k: usize| {
                        let mut v: Vec<f64> = samples.iter().map(|s| s[m][k]).collect();
                        v.sort_by(f64::total_cmp);
                        let q = |p: f64| v[((p * (v.len() - 1) as f64).round()) as usize];
                        Band {
                            value: point[m][k],
                            low: q(0.1).min(point[m][k]),
                            high: q(0.9).max(point[m][k]),
                        }
                    };
                    Month {
                        month: m as u32 + 1,
                        at: rfc3339(end + (m as i64 + 1) * MONTH),
                        audience: band(0),
                        engaged: band(1),
                        conversions: band(2),
                    }
                })
                .collect();
            Scenario {
                scenario: name,
                description,
                months,
            }
        })
        .collect();
    Ok(Projection {
        horizon_months: horizon,
        from: Some(rfc3339(end)),
        followers_now: now.len() as u64,
        monthly_budget: budget,
        followers_per_unit_spent: fit.paid_per_spend,
        organic_acquisitions_per_month: fit.organic_rate,
        scenarios,
        notes,
        method: METHOD,
    })
}

/// Kaplan–Meier by month of age, per class, and the acquisition rates.
fn fit(
    followers: &[Follower],
    end: i64,
    spend: f64,
    engaged_share: [f64; 2],
    conversions_per_engaged: f64,
) -> Fit {
    let mut survival: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut tail_hazard = [0.0; 2];
    for class in 0..2 {
        // at_risk[k], ended_in[k]: followers whose age-k month is observed.
        let mut at_risk: Vec<f64> = Vec::new();
        let mut ended_in: Vec<f64> = Vec::new();
        for f in followers.iter().filter(|f| f.class == class) {
            let last_age = match f.ended {
                Some(e) => (e - f.at) / MONTH,
                None => (end - f.at) / MONTH - 1,
            };
            for k in 0..=last_age.max(-1) {
                let k = k as usize;
                if at_risk.len() <= k {
                    at_risk.resize(k + 1, 0.0);
                    ended_in.resize(k + 1, 0.0);
                }
                at_risk[k] += 1.0;
            }
            if let Some(e) = f.ended {
                // The loop above made room for the month it ended in.
                ended_in[((e - f.at) / MONTH) as usize] += 1.0;
            }
        }
        let mut s = 1.0;
        let mut hazards = Vec::new();
        for (n, d) in at_risk.iter().zip(&ended_in) {
            // Ages with too few followers to say anything are left out.
            if *n < 5.0 {
                break;
            }
            let h = d / n;
            hazards.push(h);
            s *= 1.0 - h;
            survival[class].push(s);
        }
        let tail = &hazards[hazards.len().saturating_sub(6)..];
        tail_hazard[class] = if tail.is_empty() {
            0.0
        } else {
            tail.iter().sum::<f64>() / tail.len() as f64
        };
    }
    let recent = followers
        .iter()
        .filter(|f| f.class == 1 && f.at >= end - 6 * MONTH)
        .count() as f64;
    let paid = followers.iter().filter(|f| f.class == 0).count() as f64;
    // Organic arrivals come from outside (a steady flow) and by word of
    // mouth (in proportion to the audience there is): arrivals in each of
    // the last twelve months against the audience at its start, by least
    // squares, both parts kept non-negative.
    let months: Vec<(f64, f64)> = (1..=12)
        .map(|k| {
            let (from, to) = (end - k * MONTH, end - (k - 1) * MONTH);
            let audience = followers
                .iter()
                .filter(|f| f.at < from && f.ended.is_none_or(|e| e > from))
                .count() as f64;
            let arrivals = followers
                .iter()
                .filter(|f| f.class == 1 && f.at >= from && f.at < to)
                .count() as f64;
            (audience, arrivals)
        })
        .collect();
    let (steady, per_follower) = arrivals_fit(&months).unwrap_or((recent / 6.0, 0.0));
    Fit {
        survival,
        tail_hazard,
        organic_rate: recent / 6.0,
        organic_steady: steady,
        organic_per_follower: per_follower,
        paid_per_spend: if spend > 0.0 { paid / spend } else { 0.0 },
        engaged_share,
        conversions_per_engaged,
    }
}

/// `arrivals = steady + per_follower × audience` by least squares over
/// `(audience, arrivals)` months, both terms non-negative; `None` with
/// fewer than three months.
fn arrivals_fit(months: &[(f64, f64)]) -> Option<(f64, f64)> {
    if months.len() < 3 {
        return None;
    }
    let n = months.len() as f64;
    let mx = months.iter().map(|m| m.0).sum::<f64>() / n;
    let my = months.iter().map(|m| m.1).sum::<f64>() / n;
    let sxx: f64 = months.iter().map(|m| (m.0 - mx).powi(2)).sum();
    let sxy: f64 = months.iter().map(|m| (m.0 - mx) * (m.1 - my)).sum();
    let b = if sxx > 0.0 { (sxy / sxx).max(0.0) } else { 0.0 };
    let a = my - b * mx;
    Some(if a >= 0.0 {
        (a, b)
    } else if mx > 0.0 {
        // All of it word of mouth.
        (0.0, my / mx)
    } else {
        (my, 0.0)
    })
}

/// Audience, engaged audience and conversions for each month ahead.
fn simulate(
    fit: &Fit,
    now: &[&Follower],
    end: i64,
    horizon: u32,
    monthly_budget: f64,
    organic_boost: f64,
) -> Vec<[f64; 3]> {
    let paid_new = fit.paid_per_spend * monthly_budget;
    // Organic arrivals month by month: the steady flow plus word of mouth
    // from the audience at the month's start.
    let mut organic_new: Vec<f64> = Vec::new();
    let mut audience_before = now.len() as f64;
    (1..=i64::from(horizon))
        .map(|m| {
            organic_new.push(
                organic_boost * (fit.organic_steady + fit.organic_per_follower * audience_before),
            );
            let mut by_class = [0.0f64; 2];
            for f in now {
                // Whole months already followed; the chance to go on is
                // conditional on having stayed so far.
                let age = (end - f.at) / MONTH;
                let s0 = fit.s(f.class, age - 1).max(1e-9);
                by_class[f.class] += fit.s(f.class, age + m - 1) / s0;
            }
            // Followers acquired during month j (1..=m) have m - j whole
            // months behind them at the end of month m.
            for j in 1..=m {
                let age = m - j - 1;
                by_class[0] += paid_new * fit.s(0, age);
                by_class[1] += organic_new[j as usize - 1] * fit.s(1, age);
            }
            let audience = by_class[0] + by_class[1];
            audience_before = audience;
            let engaged = by_class[0] * fit.engaged_share[0] + by_class[1] * fit.engaged_share[1];
            [audience, engaged, engaged * fit.conversions_per_engaged]
        })
        .collect()
}

/// Share of current followers of each class who engaged in the last 30 days.
fn engaged_share(
    engine: &Engine,
    own: &[String],
    followers: &[Follower],
    end: i64,
) -> Result<[f64; 2]> {
    let active: HashSet<String> = rows(
        engine,
        &format!(
            "SELECT DISTINCT actor FROM interactions_raw
             WHERE kind IN ('like', 'reshare', 'reply', 'quote') AND target_account IN ({})
               AND CAST(at AS BIGINT) >= {} AND CAST(at AS BIGINT) < {end}",
            own_in(own),
            end - MONTH
        ),
    )?
    .into_iter()
    .map(|r| crate::s(&r, "actor"))
    .collect();
    let mut following = [0.0f64; 2];
    let mut engaged = [0.0f64; 2];
    for f in followers.iter().filter(|f| f.ended.is_none()) {
        following[f.class] += 1.0;
        if active.contains(&f.actor) {
            engaged[f.class] += 1.0;
        }
    }
    Ok([0, 1].map(|c| {
        if following[c] > 0.0 {
            engaged[c] / following[c]
        } else {
            0.0
        }
    }))
}

/// Attributed conversions (any with a campaign, a channel or UTM tags) per
/// engaged follower and month, over the last six months.
fn conversion_rate(
    engine: &Engine,
    followers: &[Follower],
    engaged_share: &[f64; 2],
    end: i64,
) -> Result<f64> {
    let n = rows(
        engine,
        &format!(
            "SELECT count(*) AS n FROM conversions
             WHERE CAST(at AS BIGINT) >= {} AND CAST(at AS BIGINT) < {end}
               AND (coalesce(campaign, '') <> '' OR coalesce(channel, '') <> ''
                    OR coalesce(utm_source, '') <> '' OR coalesce(utm_campaign, '') <> '')",
            end - 6 * MONTH
        ),
    )?
    .first()
    .map_or(0, |r| crate::u(r, "n")) as f64;
    let engaged: f64 = followers
        .iter()
        .filter(|f| f.ended.is_none())
        .map(|f| engaged_share[f.class])
        .sum();
    Ok(if engaged > 0.0 {
        n / 6.0 / engaged
    } else {
        0.0
    })
}
