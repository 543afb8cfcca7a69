//! The overview's numbers and the dashboard's charts, drawn here as SVG
//! (`GET /api/v1/charts/{name}.svg`), so the page holds no drawing code and
//! every label is escaped in one place.
//!
//! The reports' chart crate (`levain-charts`, branch `report`) was not
//! merged when this was written; [`line_chart`] is the one function to swap
//! for it.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{TimeZone, Utc};
use levain_analytics::actions::actions;
use levain_analytics::cadence::cadence;
use levain_analytics::campaigns;
use levain_analytics::cohorts::{CohortBy, acquisitions, cohorts};
use levain_analytics::engagement::{Counts, engagement};
use levain_analytics::project::project;
use levain_analytics::roi::OrganicCost;
use levain_analytics::settings::Weights;
use serde::Serialize;

use crate::api::{json, pairs};
use crate::error::{ApiError, ApiResult};
use crate::params::{FILTERS, Kind, Param, Params, p};
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

/// One line of a chart, with an optional band (low, high) around it.
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    pub band: Option<Vec<(f64, f64)>>,
}

const COLORS: [&str; 5] = ["#b5562b", "#2b6cb5", "#3c8d3c", "#8a4fb5", "#777777"];

/// Text for SVG and HTML: `&`, `<`, `>`, quotes escaped.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for k in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if k * mag >= v {
            return k * mag;
        }
    }
    10.0 * mag
}

fn fmt_num(v: f64) -> String {
    if v.abs() >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v.fract().abs() < 1e-9 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A line chart over labelled x positions. Every point carries its value
/// in a `<title>` (shown on hover) and a `data-value` attribute.
pub fn line_chart(title: &str, x: &[String], series: &[Series], y_label: &str) -> String {
    let (w, h) = (760.0, 320.0);
    let (left, right, top, bottom) = (64.0, 16.0, 48.0, 40.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max = series
        .iter()
        .flat_map(|s| {
            s.values
                .iter()
                .copied()
                .chain(s.band.iter().flatten().map(|b| b.1))
        })
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let ymax = nice_max(max);
    let n = x.len().max(1);
    let px = |i: usize| {
        left + if n > 1 {
            pw * i as f64 / (n - 1) as f64
        } else {
            pw / 2.0
        }
    };
    let py = |v: f64| top + ph - ph * (v.max(0.0) / ymax);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" font-family="sans-serif" font-size="12"><title>{t}</title><text x="{left}" y="18" font-size="14" font-weight="bold" fill="#222">{t}</text>"##,
        t = esc(title)
    );
    for k in 0..=4 {
        let v = ymax * k as f64 / 4.0;
        let y = py(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{tx}" y="{ty:.1}" text-anchor="end" fill="#555">{v}</text>"##,
            x2 = w - right,
            tx = left - 6.0,
            ty = y + 4.0,
            v = fmt_num(v)
        );
    }
    let _ = write!(
        s,
        r##"<text x="14" y="{y}" transform="rotate(-90 14 {y})" text-anchor="middle" fill="#555">{l}</text>"##,
        y = top + ph / 2.0,
        l = esc(y_label)
    );
    let step = (n / 8).max(1);
    for (i, label) in x.iter().enumerate() {
        if i % step == 0 || i == n - 1 {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#555">{}</text>"##,
                px(i),
                h - bottom + 18.0,
                esc(label)
            );
        }
    }
    let mut lx = left + 220.0;
    for (k, ser) in series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        if let Some(band) = &ser.band {
            let mut d = String::new();
            for (i, (lo, _)) in band.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{:.1},{:.1}",
                    if i == 0 { "M" } else { " L" },
                    px(i),
                    py(*lo)
                );
            }
            for (i, (_, hi)) in band.iter().enumerate().rev() {
                let _ = write!(d, " L{:.1},{:.1}", px(i), py(*hi));
            }
            let _ = write!(
                s,
                r#"<path d="{d} Z" fill="{color}" fill-opacity="0.15" stroke="none"/>"#
            );
        }
        let pts: Vec<String> = ser
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", px(i), py(*v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="series" data-series="{name}" points="{pts}" fill="none" stroke="{color}" stroke-width="2"/>"#,
            name = esc(&ser.name),
            pts = pts.join(" ")
        );
        for (i, v) in ser.values.iter().enumerate() {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}" data-value="{v}"><title>{}: {} = {}</title></circle>"#,
                px(i),
                py(*v),
                esc(&ser.name),
                esc(x.get(i).map_or("", String::as_str)),
                fmt_num(*v)
            );
        }
        let _ = write!(
            s,
            r##"<rect x="{lx}" y="8" width="12" height="12" fill="{color}"/><text x="{tx}" y="18" fill="#222">{name}</text>"##,
            tx = lx + 16.0,
            name = esc(&ser.name)
        );
        lx += 30.0 + 7.0 * ser.name.chars().count() as f64;
    }
    s.push_str("</svg>");
    s
}

/// Chart labels in the dashboard's two languages.
fn t(lang: &str, key: &str) -> &'static str {
    let fr = lang == "fr";
    match key {
        "paid" => {
            if fr {
                "payant"
            } else {
                "paid"
            }
        }
        "organic" => {
            if fr {
                "organique"
            } else {
                "organic"
            }
        }
        "audience" => {
            if fr {
                "Abonnés par source d'acquisition, fin de mois"
            } else {
                "Followers by acquisition source, at each month's end"
            }
        }
        "followers" => {
            if fr {
                "abonnés"
            } else {
                "followers"
            }
        }
        "engagement" => {
            if fr {
                "Engagement sur vos posts, par mois"
            } else {
                "Engagement on your posts, by month"
            }
        }
        "interactions" => {
            if fr {
                "likes, partages, réponses, citations"
            } else {
                "likes, reshares, replies, quotes"
            }
        }
        "retention" => {
            if fr {
                "Part des abonnés qui suivent encore, par période"
            } else {
                "Share still following, period after period"
            }
        }
        "share" => {
            if fr {
                "% qui suivent encore"
            } else {
                "% still following"
            }
        }
        "projection" => {
            if fr {
                "Audience projetée par scénario (bandes 10–90 %)"
            } else {
                "Projected audience by scenario (10–90 % bands)"
            }
        }
        "period" => {
            if fr {
                "période"
            } else {
                "period"
            }
        }
        "month" => {
            if fr {
                "mois"
            } else {
                "month"
            }
        }
        _ => "",
    }
}

const LANG: Param = p("lang", Kind::Text, "Labels' language.").one_of(&["en", "fr"]);

struct Chart {
    name: &'static str,
    params: &'static [Param],
    draw: fn(&Ctx, &Params, &str) -> ApiResult<String>,
}

const CHARTS: &[Chart] = &[
    Chart {
        name: "audience",
        params: &[LANG],
        draw: audience_chart,
    },
    Chart {
        name: "engagement",
        params: &[LANG],
        draw: engagement_chart,
    },
    Chart {
        name: "retention",
        params: &[
            LANG,
            p("period_days", Kind::Count, "Length of a period, in days.").range(1, 3650),
        ],
        draw: retention_chart,
    },
    Chart {
        name: "projection",
        params: &[
            LANG,
            p("horizon", Kind::Count, "Months ahead.").range(1, 120),
        ],
        draw: projection_chart,
    },
];

/// Chart names and their own parameters, for the OpenAPI document.
pub fn catalogue() -> Vec<(&'static str, &'static [Param])> {
    CHARTS.iter().map(|c| (c.name, c.params)).collect()
}

fn two(o: &Overview, f: impl Fn(&Month) -> BySource, lang: &str) -> (Vec<String>, Vec<Series>) {
    let x = o.months.iter().map(|m| m.month.clone()).collect();
    let s = |paid: bool, name: &str| Series {
        name: name.to_owned(),
        values: o
            .months
            .iter()
            .map(|m| if paid { f(m).paid } else { f(m).organic })
            .collect(),
        band: None,
    };
    (
        x,
        vec![s(false, t(lang, "organic")), s(true, t(lang, "paid"))],
    )
}

fn audience_chart(c: &Ctx, q: &Params, lang: &str) -> ApiResult<String> {
    let o = overview(c, q)?;
    let (x, s) = two(&o, |m| m.audience, lang);
    Ok(line_chart(
        t(lang, "audience"),
        &x,
        &s,
        t(lang, "followers"),
    ))
}

fn engagement_chart(c: &Ctx, q: &Params, lang: &str) -> ApiResult<String> {
    let o = overview(c, q)?;
    let (x, s) = two(&o, |m| m.engagement, lang);
    Ok(line_chart(
        t(lang, "engagement"),
        &x,
        &s,
        t(lang, "interactions"),
    ))
}

fn retention_chart(c: &Ctx, q: &Params, lang: &str) -> ApiResult<String> {
    let r = cohorts(
        c.engine,
        &c.own,
        &q.filters()?,
        q.count("period_days", 30)?,
        CohortBy::Source,
    )?;
    // Campaign cohorts pooled as "paid", beside organic.
    let periods = r
        .cohorts
        .iter()
        .map(|c| c.retention.len())
        .max()
        .unwrap_or(0)
        .min(36);
    let mut sums = [vec![(0u64, 0u64); periods], vec![(0u64, 0u64); periods]];
    for co in &r.cohorts {
        let k = usize::from(co.cohort != "organic");
        for p in co.retention.iter().take(periods) {
            let e = &mut sums[k][p.period as usize];
            e.0 += p.following;
            e.1 += p.observed;
        }
    }
    let x: Vec<String> = (1..=periods).map(|p| p.to_string()).collect();
    let series = [(0, "organic"), (1, "paid")]
        .into_iter()
        .map(|(k, name)| Series {
            name: t(lang, name).to_owned(),
            values: sums[k]
                .iter()
                .map(|(f, o)| {
                    if *o > 0 {
                        100.0 * *f as f64 / *o as f64
                    } else {
                        0.0
                    }
                })
                .collect(),
            band: None,
        })
        .collect::<Vec<_>>();
    let title = format!(
        "{} ({} {} d)",
        t(lang, "retention"),
        t(lang, "period"),
        r.period_days
    );
    Ok(line_chart(&title, &x, &series, t(lang, "share")))
}

fn projection_chart(c: &Ctx, q: &Params, lang: &str) -> ApiResult<String> {
    let pr = project(
        c.engine,
        &c.own,
        &q.filters()?,
        q.count("horizon", 36)?,
        OrganicCost::from_settings(&c.manifest.settings),
    )?;
    let x: Vec<String> = (1..=pr.horizon_months).map(|m| m.to_string()).collect();
    let series: Vec<Series> = pr
        .scenarios
        .iter()
        .map(|s| Series {
            name: s.scenario.to_owned(),
            values: s.months.iter().map(|m| m.audience.value).collect(),
            band: Some(
                s.months
                    .iter()
                    .map(|m| (m.audience.low, m.audience.high))
                    .collect(),
            ),
        })
        .collect();
    Ok(line_chart(
        t(lang, "projection"),
        &x,
        &series,
        t(lang, "followers"),
    ))
}

/// `GET /api/v1/charts/{name}.svg?filters&lang=fr`.
pub async fn handler(
    State(state): State<crate::State>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let chart = file
        .strip_suffix(".svg")
        .and_then(|n| CHARTS.iter().find(|c| c.name == n))
        .ok_or_else(|| {
            let names: Vec<String> = CHARTS.iter().map(|c| format!("{}.svg", c.name)).collect();
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no chart `{file}`; charts are {}", names.join(", ")),
            )
        })?;
    let params = Params::parse(pairs(q.as_deref()), &[FILTERS, chart.params])?;
    params.filters()?;
    let key = format!("chart:{}?{}", chart.name, params.key());
    let draw = chart.draw;
    let body = state
        .snapshots
        .cached(key, move |ctx| {
            let lang = params.text("lang").unwrap_or("en").to_owned();
            draw(ctx, &params, &lang).map(String::into_bytes)
        })
        .await?;
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_labels_and_keeps_values() {
        let svg = line_chart(
            "<script>alert(1)</script>",
            &["2024-01".into(), "2024-02".into()],
            &[Series {
                name: "a&b".into(),
                values: vec![1.0, 3.0],
                band: None,
            }],
            "y",
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("a&amp;b"));
        assert!(svg.contains(r#"data-value="3""#));
    }

    #[test]
    fn months_run_through_year_ends() {
        assert_eq!(
            months_between("2023-11", "2024-02"),
            ["2023-11", "2023-12", "2024-01", "2024-02"]
        );
        assert_eq!(month_of(month_end("2023-12")), "2024-01");
    }
}
