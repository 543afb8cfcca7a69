//! Query parameters: declared once per endpoint (for validation and the
//! OpenAPI document), read with typed getters whose errors name the
//! parameter.

use std::collections::BTreeMap;

use levain_analytics::Filters;

use crate::error::{ApiError, ApiResult};

/// What a parameter holds, for validation and the OpenAPI schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A date (`2025-01-31`) or an RFC 3339 time.
    When,
    Text,
    /// `true`, `false`, `1`, `0`, or empty (true).
    Flag,
    /// A non-negative integer.
    Count,
    Number,
}

/// One query parameter an endpoint accepts.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    /// Allowed values, when closed.
    pub values: &'static [&'static str],
    /// Inclusive bounds of a count.
    pub range: Option<(u64, u64)>,
    pub help: &'static str,
}

impl Param {
    /// Bounds a count (a projection 10^9 months ahead is refused, not attempted).
    pub const fn range(mut self, min: u64, max: u64) -> Param {
        self.range = Some((min, max));
        self
    }

    pub const fn one_of(mut self, values: &'static [&'static str]) -> Param {
        self.values = values;
        self
    }
}

pub const fn p(name: &'static str, kind: Kind, help: &'static str) -> Param {
    Param {
        name,
        kind,
        values: &[],
        range: None,
        help,
    }
}

/// The cuts every analysis takes, as the CLI's `--from --to --channel --exclude-suspicious`.
pub const FILTERS: &[Param] = &[
    p(
        "from",
        Kind::When,
        "Start of the period (inclusive): a date (2025-01-01) or an RFC 3339 time.",
    ),
    p(
        "to",
        Kind::When,
        "End of the period (exclusive): a date or an RFC 3339 time.",
    ),
    p(
        "channel",
        Kind::Text,
        "Only this channel (bluesky, reddit, blog, …).",
    ),
    p(
        "exclude_suspicious",
        Kind::Flag,
        "Leave out accounts judged suspicious by the fraud detection (with your marks applied).",
    ),
];

/// The query string of one request, checked against what the endpoint declares.
#[derive(Debug, Default, Clone)]
pub struct Params {
    values: BTreeMap<String, String>,
    ranges: BTreeMap<String, (u64, u64)>,
}

impl Params {
    /// Refuses unknown and repeated parameters, naming them.
    pub fn parse(pairs: Vec<(String, String)>, declared: &[&[Param]]) -> ApiResult<Params> {
        let mut values = BTreeMap::new();
        let mut ranges = BTreeMap::new();
        for (k, v) in pairs {
            let Some(decl) = declared.iter().flat_map(|d| d.iter()).find(|d| d.name == k) else {
                let known: Vec<&str> = declared
                    .iter()
                    .flat_map(|d| d.iter())
                    .map(|d| d.name)
                    .collect();
                return Err(ApiError::param(
                    &k,
                    if known.is_empty() {
                        "this endpoint takes no parameters".to_owned()
                    } else {
                        format!(
                            "unknown parameter; this endpoint takes {}",
                            known.join(", ")
                        )
                    },
                ));
            };
            if !decl.values.is_empty() && !decl.values.contains(&v.as_str()) {
                return Err(ApiError::param(
                    &k,
                    format!("`{v}` is not one of {}", decl.values.join(", ")),
                ));
            }
            if let Some(r) = decl.range {
                ranges.insert(k.clone(), r);
            }
            if values.insert(k.clone(), v).is_some() {
                return Err(ApiError::param(&k, "given twice; give it once"));
            }
        }
        Ok(Params { values, ranges })
    }

    /// A canonical form for cache keys: sorted `k=v` pairs.
    pub fn key(&self) -> String {
        self.values
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn flag(&self, name: &str) -> ApiResult<bool> {
        match self.text(name) {
            None | Some("false" | "0") => Ok(false),
            Some("" | "true" | "1") => Ok(true),
            Some(v) => Err(ApiError::param(
                name,
                format!("`{v}` is not a yes/no value; give true or false"),
            )),
        }
    }

    pub fn count<T: TryFrom<u64>>(&self, name: &str, default: T) -> ApiResult<T> {
        let Some(v) = self.text(name) else {
            return Ok(default);
        };
        let (min, max) = self.ranges.get(name).copied().unwrap_or((0, u64::MAX));
        v.parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| {
                ApiError::param(
                    name,
                    format!("`{v}` is not a whole number from {min} to {max}"),
                )
            })
    }

    pub fn number(&self, name: &str, default: f64) -> ApiResult<f64> {
        match self.text(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| ApiError::param(name, format!("`{v}` is not a number"))),
        }
    }

    pub fn when(&self, name: &str) -> ApiResult<Option<i64>> {
        self.text(name)
            .map(|v| {
                parse_when(v).ok_or_else(|| {
                    ApiError::param(
                        name,
                        format!("`{v}` is not a date (2025-01-31) or an RFC 3339 time"),
                    )
                })
            })
            .transpose()
    }

    /// The filters every analysis takes.
    pub fn filters(&self) -> ApiResult<Filters> {
        let f = Filters {
            from: self.when("from")?,
            to: self.when("to")?,
            channel: self
                .text("channel")
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            exclude_suspicious: self.flag("exclude_suspicious")?,
        };
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a >= b
        {
            return Err(ApiError::param("to", "must come after `from`"));
        }
        Ok(f)
    }
}

/// Microseconds since the epoch for a date or an RFC 3339 time.
pub fn parse_when(s: &str) -> Option<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_micros());
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)], d: &[Param]) -> ApiResult<Params> {
        Params::parse(
            q.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            &[FILTERS, d],
        )
    }

    #[test]
    fn names_the_bad_parameter() {
        let e = parse(&[("from", "yesterday")], &[])
            .unwrap()
            .filters()
            .unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("from"));
        let e = parse(&[("frm", "2024-01-01")], &[]).unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("frm"));
        assert!(e.message.contains("from, to, channel"), "{}", e.message);
        let e = parse(&[("channel", "a"), ("channel", "b")], &[]).unwrap_err();
        assert!(e.message.contains("twice"));
        let d = [p("period_days", Kind::Count, "").range(1, 3650)];
        let e = parse(&[("period_days", "-3")], &d)
            .unwrap()
            .count::<u32>("period_days", 30)
            .unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("period_days"));
        let e = parse(&[("period_days", "0")], &d)
            .unwrap()
            .count::<u32>("period_days", 30)
            .unwrap_err();
        assert!(e.message.contains("from 1 to 3650"), "{}", e.message);
    }

    #[test]
    fn reads_filters_like_the_cli() {
        let f = parse(
            &[
                ("from", "2024-01-01"),
                ("to", "2024-02-01T00:00:00Z"),
                ("exclude_suspicious", "true"),
            ],
            &[],
        )
        .unwrap()
        .filters()
        .unwrap();
        assert_eq!(f.from, Some(1_704_067_200_000_000));
        assert_eq!(f.to, Some(1_706_745_600_000_000));
        assert!(f.exclude_suspicious);
        let e = parse(&[("from", "2024-02-01"), ("to", "2024-01-01")], &[])
            .unwrap()
            .filters()
            .unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("to"));
    }
}
