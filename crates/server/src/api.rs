//! The analyses under `/api/v1/<name>`: the same JSON as `levain <name>
//! --json`, the same filters as query parameters.
//!
//! Adding an analysis is one line in [`ANALYSES`] (name, summary, its own
//! parameters) and one handler `fn(&Ctx, &Params) -> ApiResult<Vec<u8>>`;
//! the router, the cache, the parameter checks and the OpenAPI document
//! follow from the table.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use levain_analytics::actions::actions;
use levain_analytics::cadence::cadence;
use levain_analytics::cohorts::{CohortBy, cohorts};
use levain_analytics::conversations::{ConversationOptions, conversations, friends};
use levain_analytics::core::{CoreOptions, core};
use levain_analytics::engagement::engagement;
use levain_analytics::project::project;
use levain_analytics::roi::{OrganicCost, roi};
use levain_analytics::settings::{self, SETTINGS, Weights};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::params::{FILTERS, Kind, Param, Params, p};
use crate::snapshot::Ctx;

/// One analysis endpoint: `GET /api/v1/{name}`.
pub struct Analysis {
    pub name: &'static str,
    pub summary: &'static str,
    /// Whether it takes the common filters (`from`, `to`, `channel`, `exclude_suspicious`).
    pub filtered: bool,
    /// Its own parameters, as the CLI's options.
    pub params: &'static [Param],
    pub run: fn(&Ctx, &Params) -> ApiResult<Vec<u8>>,
}

const fn a(
    name: &'static str,
    summary: &'static str,
    params: &'static [Param],
    run: fn(&Ctx, &Params) -> ApiResult<Vec<u8>>,
) -> Analysis {
    Analysis {
        name,
        summary,
        filtered: true,
        params,
        run,
    }
}

/// An endpoint that takes no filters.
const fn plain(
    name: &'static str,
    summary: &'static str,
    params: &'static [Param],
    run: fn(&Ctx, &Params) -> ApiResult<Vec<u8>>,
) -> Analysis {
    Analysis {
        name,
        summary,
        filtered: false,
        params,
        run,
    }
}

const PERIOD_DAYS: Param =
    p("period_days", Kind::Count, "Length of a period, in days.").range(1, 3650);

pub const ANALYSES: &[Analysis] = &[
    plain(
        "status",
        "What the store holds (`levain status --json`).",
        &[],
        status,
    ),
    a(
        "overview",
        "The dashboard's overview: engagement by source, audience and acquisitions by month and source, alerts.",
        &[],
        crate::overview::overview_json,
    ),
    a(
        "engagement",
        "Engagement on own posts, paid vs organic (`levain engagement --json`).",
        &[],
        engagement_h,
    ),
    a(
        "cohorts",
        "Followers by acquisition and their retention (`levain cohorts --json`).",
        &[
            PERIOD_DAYS,
            p(
                "by",
                Kind::Text,
                "Group followers by acquisition source or by month.",
            )
            .one_of(&["source", "month"]),
        ],
        cohorts_h,
    ),
    a(
        "core",
        "The engaged core, newcomers and slipping regulars (`levain core --json`).",
        &[
            PERIOD_DAYS,
            p(
                "window",
                Kind::Count,
                "How many recent periods the core is judged on.",
            )
            .range(1, 120),
            p(
                "min_periods",
                Kind::Count,
                "Periods with engagement, out of the window, that make a regular.",
            )
            .range(1, 120),
            p(
                "silent",
                Kind::Count,
                "Silent recent periods after which a regular is slipping.",
            )
            .range(1, 120),
        ],
        core_h,
    ),
    a(
        "cadence",
        "Posting frequency against engagement, best hours (`levain cadence --json`).",
        &[
            p(
                "tz",
                Kind::Text,
                "Time zone for best hours (IANA name, e.g. Europe/Paris), or `local`.",
            ),
            p(
                "min_weeks",
                Kind::Count,
                "Weeks a posting frequency needs before it counts in the curve.",
            )
            .range(1, 520),
        ],
        cadence_h,
    ),
    a(
        "actions",
        "Today's queue: answer, thank, re-engage, reshare (`levain actions --json`).",
        &[
            p(
                "days",
                Kind::Count,
                "How far back \"recent\" goes, in days.",
            )
            .range(1, 3650),
            p("limit", Kind::Count, "Items of each kind, at most.").range(0, 100_000),
        ],
        actions_h,
    ),
    a(
        "conversations",
        "Sentiment, critique, questions and response times, friends' share (`levain conversations --json`).",
        &[p(
            "limit",
            Kind::Count,
            "How many critiques and questions to list, most recent first (0: all).",
        )
        .range(0, 100_000)],
        conversations_h,
    ),
    plain(
        "friends",
        "Listed and detected friends (`levain friends list --json`).",
        &[],
        friends_h,
    ),
    a(
        "roi",
        "Spend, retention, cost per retained follower and conversions per source (`levain roi --json`).",
        &[],
        roi_h,
    ),
    a(
        "project",
        "The audience months ahead under three scenarios (`levain project --json`).",
        &[p("horizon", Kind::Count, "Months ahead.").range(1, 120)],
        project_h,
    ),
    a(
        "fraud",
        "Fake-engagement verdicts with reasons and your marks (`levain fraud --json`, from the stored run).",
        &crate::fraud::PARAMS,
        crate::fraud::report_h,
    ),
    a(
        "amplifiers",
        "Accounts that spread your posts, best first, optionally on one topic (`levain amplifiers --json`).",
        crate::discovery::AMPLIFIER_PARAMS,
        crate::discovery::amplifiers_h,
    ),
    a(
        "suggest",
        "Whom to engage next: accounts close to your circle, not yet in touch (`levain suggest --json`).",
        crate::discovery::SUGGEST_PARAMS,
        crate::discovery::suggest_h,
    ),
    a(
        "topics",
        "Your topics and those discovered from hashtags, keywords and links (`levain topics --json`).",
        crate::discovery::DISCOVERY_PARAMS,
        crate::discovery::topics_h,
    ),
    a(
        "venues",
        "Where your topics are discussed and you are missing: the topic × venue gaps (`levain venues --json`).",
        crate::discovery::DISCOVERY_PARAMS,
        crate::discovery::venues_h,
    ),
    plain(
        "persons",
        "Accounts of one person across channels (`levain persons --json`; not stored).",
        &[],
        crate::discovery::persons_h,
    ),
    plain(
        "settings",
        "Every setting with its value (`levain config list --json`).",
        &[],
        settings_h,
    ),
];

/// Serialises an analysis's report as the API sends it.
pub fn json<T: Serialize>(v: &T) -> ApiResult<Vec<u8>> {
    serde_json::to_vec(v).map_err(ApiError::internal)
}

fn status(c: &Ctx, _: &Params) -> ApiResult<Vec<u8>> {
    json(&levain_store::status::status(c.root, c.manifest, c.engine)?)
}

fn weights(c: &Ctx) -> Weights {
    Weights::from_settings(&c.manifest.settings)
}

fn engagement_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&engagement(c.engine, &c.own, &q.filters()?, &weights(c))?)
}

fn cohorts_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    let by = match q.text("by") {
        Some("month") => CohortBy::Month,
        _ => CohortBy::Source,
    };
    json(&cohorts(
        c.engine,
        &c.own,
        &q.filters()?,
        q.count("period_days", 30)?,
        by,
    )?)
}

fn core_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    let d = CoreOptions::default();
    let o = CoreOptions {
        period_days: q.count("period_days", d.period_days)?,
        window: q.count("window", d.window)?,
        min_periods: q.count("min_periods", d.min_periods)?,
        silent: q.count("silent", d.silent)?,
        weights: weights(c),
    };
    json(&core(c.engine, &c.own, &q.filters()?, o)?)
}

fn cadence_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&cadence(
        c.engine,
        &c.own,
        &q.filters()?,
        q.text("tz").unwrap_or("local"),
        q.count("min_weeks", 3)?,
    )?)
}

fn actions_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&actions(
        c.engine,
        &c.own,
        &q.filters()?,
        q.count("days", 14)?,
        q.count("limit", 10)?,
    )?)
}

fn conversations_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    let opts = ConversationOptions {
        limit: q.count("limit", 100)?,
        weights: weights(c),
        listed_friends: c.manifest.friends.clone(),
        personal: c.manifest.personal.clone(),
    };
    json(&conversations(c.engine, &c.own, &q.filters()?, &opts)?)
}

fn friends_h(c: &Ctx, _: &Params) -> ApiResult<Vec<u8>> {
    json(&friends(
        c.engine,
        &c.own,
        &c.manifest.friends,
        &c.manifest.personal,
    )?)
}

fn roi_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&roi(
        c.engine,
        &c.own,
        &q.filters()?,
        &weights(c),
        OrganicCost::from_settings(&c.manifest.settings),
    )?)
}

fn project_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&project(
        c.engine,
        &c.own,
        &q.filters()?,
        q.count("horizon", 36)?,
        OrganicCost::from_settings(&c.manifest.settings),
    )?)
}

fn settings_h(c: &Ctx, _: &Params) -> ApiResult<Vec<u8>> {
    let stored = &c.manifest.settings;
    let rows: Vec<serde_json::Value> = SETTINGS
        .iter()
        .map(|s| {
            serde_json::json!({
                "key": s.key,
                "value": settings::number(stored, s.key),
                "default": s.default,
                "set": stored.contains_key(s.key),
                "help": s.help,
            })
        })
        .collect();
    json(&rows)
}

/// The parameters `analysis` accepts.
pub fn declared(analysis: &Analysis) -> Vec<&'static [Param]> {
    if analysis.filtered {
        vec![FILTERS, analysis.params]
    } else {
        vec![analysis.params]
    }
}

/// Checks the query, then answers from the cache or computes.
pub async fn answer(
    state: &crate::State,
    analysis: &'static Analysis,
    pairs: Vec<(String, String)>,
) -> ApiResult<Response> {
    let params = Params::parse(pairs, &declared(analysis))?;
    if analysis.filtered {
        params.filters()?;
    }
    let key = format!("{}?{}", analysis.name, params.key());
    let body = state
        .snapshots
        .cached(key, move |ctx| (analysis.run)(ctx, &params))
        .await?;
    Ok(json_response(body))
}

pub fn json_response(body: axum::body::Bytes) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

pub fn routes() -> Router<crate::State> {
    let mut r = Router::new();
    for analysis in ANALYSES {
        r = r.route(
            &format!("/api/v1/{}", analysis.name),
            get(
                move |State(state): State<crate::State>, RawQuery(q): RawQuery| async move {
                    answer(&state, analysis, pairs(q.as_deref())).await
                },
            ),
        );
    }
    r.route("/api/v1/openapi.json", get(crate::openapi::handler))
        .route("/api/v1/charts/{name}", get(crate::charts::handler))
        .route("/api/v1/report", get(crate::report::handler))
        .merge(crate::fraud::routes())
}

pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "nothing at {}; the API is under /api/v1/ (see /api/v1/openapi.json), the dashboard at /",
            uri.path()
        ),
    )
}

/// Whether `name` is an analysis the table declares.
pub fn find(name: &str) -> Option<&'static Analysis> {
    ANALYSES.iter().find(|a| a.name == name)
}

/// `a=1&b=2` as pairs; never fails (bad escapes decode lossily and are
/// then judged by the parameter checks).
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}
