//! Organic work in money: from the user's log (`levain import
//! organic-costs FILE`: periods with hours and/or cost) when there is one,
//! else from the settings (`hourly_cost` × `hours_per_week`).
//!
//! A logged period counts in proportion to how much of it falls inside the
//! period analysed (a month logged as 20 hours, half inside, counts 10).
//! A period with hours but no cost is costed at `hourly_cost`; without that
//! setting its cost is unknown, and so is the total.

use levain_store::query::Engine;
use serde_json::Value;

use crate::roi::OrganicCost;
use crate::{AnalyticsError, Result, i, rows, s};

const WEEK: f64 = 7.0 * 86_400_000_000.0;

/// One logged period of organic work.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkPeriod {
    pub start: i64,
    pub end: i64,
    pub hours: Option<f64>,
    pub cost: Option<f64>,
    pub currency: Option<String>,
}

/// The organic work log, oldest first (empty when none was imported).
pub fn load(engine: &Engine) -> Result<Vec<WorkPeriod>> {
    let f = |r: &serde_json::Map<String, Value>, k: &str| r.get(k).and_then(Value::as_f64);
    Ok(rows(
        engine,
        "SELECT CAST(start AS BIGINT) AS s, CAST(\"end\" AS BIGINT) AS e, hours, cost, currency
         FROM organic_costs ORDER BY s, e",
    )?
    .iter()
    .map(|r| WorkPeriod {
        start: i(r, "s").unwrap_or(0),
        end: i(r, "e").unwrap_or(0),
        hours: f(r, "hours"),
        cost: f(r, "cost"),
        currency: Some(s(r, "currency")).filter(|c| !c.is_empty()),
    })
    .collect())
}

/// What the log says organic work cost over `[from, to)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedCost {
    /// The cost, or `None` when some hours have no cost and no
    /// `hourly_cost` is set.
    pub amount: Option<f64>,
    pub hours: f64,
    /// Logged periods overlapping `[from, to)`.
    pub periods: usize,
}

/// The logged cost of organic work over `[from, to)`, in `currency`.
/// Costs in another currency are refused, as everywhere in levain.
pub fn logged_cost(
    log: &[WorkPeriod],
    from: i64,
    to: i64,
    hourly_cost: f64,
    currency: &str,
) -> Result<LoggedCost> {
    let mut out = LoggedCost {
        amount: Some(0.0),
        hours: 0.0,
        periods: 0,
    };
    for p in log {
        let overlap = (p.end.min(to) - p.start.max(from)) as f64;
        if overlap <= 0.0 || p.end <= p.start {
            continue;
        }
        if let Some(c) = &p.currency
            && p.cost.is_some()
            && c != currency
        {
            return Err(AnalyticsError::Mixed(format!(
                "organic work is logged in {c} and campaigns in {currency}; levain does not convert them"
            )));
        }
        let share = overlap / (p.end - p.start) as f64;
        out.periods += 1;
        out.hours += p.hours.unwrap_or(0.0) * share;
        let cost = match (p.cost, p.hours) {
            (Some(c), _) => Some(c),
            (None, Some(h)) if hourly_cost > 0.0 => Some(h * hourly_cost),
            _ => None,
        };
        out.amount = match (out.amount, cost) {
            (Some(a), Some(c)) => Some(a + c * share),
            _ => None,
        };
    }
    Ok(out)
}

/// The organic cost the projection works with: the settings, with the
/// hours per week and the hourly cost the log shows over its last 13 weeks
/// when a log exists (a setting the user gave wins for the hourly cost).
pub fn effective_cost(settings: OrganicCost, log: &[WorkPeriod]) -> OrganicCost {
    let Some(last) = log.iter().map(|p| p.end).max() else {
        return settings;
    };
    let from = last - (13.0 * WEEK) as i64;
    let (mut hours, mut costed_hours, mut cost) = (0.0, 0.0, 0.0);
    for p in log {
        let overlap = (p.end.min(last) - p.start.max(from)) as f64;
        if overlap <= 0.0 || p.end <= p.start {
            continue;
        }
        let share = overlap / (p.end - p.start) as f64;
        if let Some(h) = p.hours {
            hours += h * share;
            if let Some(c) = p.cost {
                costed_hours += h * share;
                cost += c * share;
            }
        }
    }
    let first = log.iter().map(|p| p.start).min().unwrap_or(from).max(from);
    let weeks = (last - first) as f64 / WEEK;
    OrganicCost {
        hourly_cost: if settings.hourly_cost > 0.0 || costed_hours <= 0.0 {
            settings.hourly_cost
        } else {
            cost / costed_hours
        },
        hours_per_week: if hours > 0.0 && weeks > 0.0 {
            hours / weeks
        } else {
            settings.hours_per_week
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000_000;

    fn period(start_day: i64, end_day: i64, hours: Option<f64>, cost: Option<f64>) -> WorkPeriod {
        WorkPeriod {
            start: start_day * DAY,
            end: end_day * DAY,
            hours,
            cost,
            currency: cost.map(|_| "EUR".to_owned()),
        }
    }

    #[test]
    fn periods_count_in_proportion_to_their_overlap() {
        let log = [
            period(0, 30, Some(20.0), None),
            period(30, 60, None, Some(900.0)),
            period(60, 90, Some(10.0), Some(300.0)),
        ];
        // Days 15..75: half of each of the first and last, all of the second.
        let c = logged_cost(&log, 15 * DAY, 75 * DAY, 40.0, "EUR").unwrap();
        assert_eq!(c.periods, 3);
        assert!((c.hours - 15.0).abs() < 1e-9);
        assert!((c.amount.unwrap() - (400.0 + 900.0 + 150.0)).abs() < 1e-9);
        // Without an hourly cost, the hours-only month has no cost.
        let c = logged_cost(&log, 15 * DAY, 75 * DAY, 0.0, "EUR").unwrap();
        assert_eq!(c.amount, None);
        // Outside every period: nothing.
        let c = logged_cost(&log, 100 * DAY, 200 * DAY, 40.0, "EUR").unwrap();
        assert_eq!((c.periods, c.amount), (0, Some(0.0)));
    }

    #[test]
    fn another_currency_is_refused() {
        let log = [period(0, 30, None, Some(100.0))];
        assert!(logged_cost(&log, 0, 30 * DAY, 0.0, "USD").is_err());
    }

    #[test]
    fn the_projection_uses_the_logged_pace() {
        // 13 weeks of 6 hours a week at 50 an hour.
        let log: Vec<WorkPeriod> = (0..13)
            .map(|w| period(w * 7, w * 7 + 7, Some(6.0), Some(300.0)))
            .collect();
        let none = OrganicCost {
            hourly_cost: 0.0,
            hours_per_week: 0.0,
        };
        let e = effective_cost(none, &log);
        assert!((e.hours_per_week - 6.0).abs() < 1e-9, "{e:?}");
        assert!((e.hourly_cost - 50.0).abs() < 1e-9);
        // A rate the user set wins; no log leaves the settings alone.
        let set = OrganicCost {
            hourly_cost: 40.0,
            hours_per_week: 2.0,
        };
        assert_eq!(effective_cost(set, &log).hourly_cost, 40.0);
        assert_eq!(effective_cost(set, &[]), set);
    }
}
