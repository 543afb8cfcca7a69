//! The dashboard's charts, `GET /api/v1/charts/{name}.svg`: drawn by the
//! reports' own chart code (`levain-report`'s chart builders over
//! `levain-charts`), so the dashboard, the HTML report and the PDF show the
//! same picture for the same data and filters. Labels are escaped there.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use levain_analytics::amplifiers::{AmplifierOptions, amplifiers};
use levain_analytics::cohorts::{CohortBy, cohorts};
use levain_analytics::project::project;
use levain_analytics::roi::OrganicCost;
use levain_analytics::topics::TopicOptions;
use levain_analytics::venues::venues;
use levain_charts::{Axis, LineChart, LineSeries, Locale, ValueFormat, day_number};
use levain_report::{Amplifier, VenueGap};

use crate::api::pairs;
use crate::error::{ApiError, ApiResult};
use crate::overview::overview;
use crate::params::{FILTERS, Kind, Param, Params, p};
use crate::snapshot::Ctx;

fn tr(l: Locale, fr: &str, en: &str) -> String {
    match l {
        Locale::Fr => fr.to_owned(),
        Locale::En => en.to_owned(),
    }
}

const LANG: Param = p("lang", Kind::Text, "Labels' language.").one_of(&["en", "fr"]);

struct Chart {
    name: &'static str,
    params: &'static [Param],
    draw: fn(&Ctx, &Params, Locale) -> ApiResult<String>,
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
    Chart {
        name: "amplifiers",
        params: &[
            LANG,
            p(
                "topic",
                Kind::Text,
                "Rank on one topic's own posts (a name listed by /api/v1/topics).",
            ),
        ],
        draw: amplifiers_chart,
    },
    Chart {
        name: "venues",
        params: &[LANG],
        draw: venues_chart,
    },
];

/// Chart names and their own parameters, for the OpenAPI document.
pub fn catalogue() -> Vec<(&'static str, &'static [Param])> {
    CHARTS.iter().map(|c| (c.name, c.params)).collect()
}

/// The report's audience chart.
fn audience_chart(c: &Ctx, q: &Params, l: Locale) -> ApiResult<String> {
    let filters = q.filters()?;
    let retention = cohorts(c.engine, &c.own, &filters, 30, CohortBy::Source)?;
    let a = levain_report::audience(c.engine, &c.own, &filters, &retention)?;
    Ok(levain_report::audience_chart(&a.months, l).to_svg(l))
}

/// Engagement on own posts by month, organic and paid (the report has no
/// such chart; drawn with the same chart code).
fn engagement_chart(c: &Ctx, q: &Params, l: Locale) -> ApiResult<String> {
    let o = overview(c, q)?;
    let month = |m: &str| {
        chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .ok()
            .map(day_number)
    };
    let series = |paid: bool| -> Vec<(f64, f64)> {
        o.months
            .iter()
            .filter_map(|m| {
                let e = if paid {
                    m.engagement.paid
                } else {
                    m.engagement.organic
                };
                Some((month(&m.month)?, e))
            })
            .collect()
    };
    let chart = LineChart::new(
        tr(
            l,
            "Engagement sur vos posts, par mois",
            "Engagement on your posts, by month",
        ),
        Axis::new(tr(l, "mois", "month"), ValueFormat::Month),
        Axis::new(
            tr(
                l,
                "likes, partages, réponses, citations",
                "likes, reshares, replies, quotes",
            ),
            ValueFormat::Number { decimals: 0 },
        ),
    )
    .series(LineSeries::new(
        tr(l, "organique", "organic"),
        series(false),
    ))
    .series(LineSeries::new(
        tr(l, "posts sponsorisés", "paid posts"),
        series(true),
    ));
    Ok(chart.to_svg(l))
}

/// The report's retention chart.
fn retention_chart(c: &Ctx, q: &Params, l: Locale) -> ApiResult<String> {
    let r = cohorts(
        c.engine,
        &c.own,
        &q.filters()?,
        q.count("period_days", 30)?,
        CohortBy::Source,
    )?;
    Ok(levain_report::retention_chart(&r, l).to_svg(l))
}

/// The report's projection chart.
fn projection_chart(c: &Ctx, q: &Params, l: Locale) -> ApiResult<String> {
    let pr = project(
        c.engine,
        &c.own,
        &q.filters()?,
        q.count("horizon", 36)?,
        OrganicCost::from_settings(&c.manifest.settings),
    )?;
    Ok(levain_report::projection_chart(&pr, l).to_svg(l))
}

/// The report's amplifiers chart: the ten best, on one topic if asked.
fn amplifiers_chart(c: &Ctx, q: &Params, l: Locale) -> ApiResult<String> {
    let filters = q.filters()?;
    let scope = crate::discovery::topic_scope(c, q, &filters)?;
    let r = amplifiers(
        c.engine,
        &c.own,
        &filters,
        &AmplifierOptions {
            limit: 10,
            scope,
            ..Default::default()
        },
    )?;
    let top: Vec<Amplifier> = r.accounts.into_iter().map(Amplifier::from).collect();
    Ok(levain_report::amplifiers_chart(&top, l).to_svg(l))
}

/// The report's venue-gap heatmap.
fn venues_chart(c: &Ctx, q: &Params, l: Locale) -> ApiResult<String> {
    let v = venues(
        c.engine,
        &c.own,
        &c.manifest.topics,
        &q.filters()?,
        &TopicOptions::default(),
    )?;
    let gaps: Vec<VenueGap> = v.gaps.into_iter().map(VenueGap::from).collect();
    Ok(levain_report::venues_chart(&gaps, l).to_svg(l))
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
            let l = Locale::parse(params.text("lang").unwrap_or("en")).unwrap_or(Locale::En);
            draw(ctx, &params, l).map(String::into_bytes)
        })
        .await?;
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(r)
}
