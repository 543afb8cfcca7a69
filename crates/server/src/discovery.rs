//! Who spreads you and where you are missing: `amplifiers`, `suggest`,
//! `topics`, `venues` and `persons`, with the JSON and options of their
//! CLI commands.
//!
//! `persons` answers with the matcher's current verdict and, unlike the
//! CLI, does not store its links (a GET changes nothing).

use levain_analytics::amplifiers::{AmplifierOptions, Scope, amplifiers};
use levain_analytics::identity;
use levain_analytics::suggest::{SuggestOptions, suggest};
use levain_analytics::topics::{TopicOptions, topic_post_keys, topics};
use levain_analytics::venues::venues;
use levain_analytics::{AnalyticsError, Filters};

use crate::api::json;
use crate::error::{ApiError, ApiResult};
use crate::params::{Kind, Param, Params, p};
use crate::snapshot::Ctx;

const HALF_LIFE: Param = p(
    "half_life_days",
    Kind::Number,
    "Half-life of a reshare's or interaction's weight, in days (above 0).",
);

pub const AMPLIFIER_PARAMS: &[Param] = &[
    p(
        "topic",
        Kind::Text,
        "Rank on one topic's own posts (a name listed by /api/v1/topics) instead of all of them.",
    ),
    HALF_LIFE,
    p("limit", Kind::Count, "Accounts listed (0: all).").range(0, 1_000_000),
];

pub const SUGGEST_PARAMS: &[Param] = &[
    p(
        "circle",
        Kind::Count,
        "Accounts in the circle of trust (in touch with you, closest first).",
    )
    .range(1, 100_000),
    HALF_LIFE,
    p("limit", Kind::Count, "Suggestions listed (0: all).").range(0, 1_000_000),
];

pub const DISCOVERY_PARAMS: &[Param] = &[
    p(
        "min_posts",
        Kind::Count,
        "Fewest posts a term, and a discovered topic, must appear in.",
    )
    .range(2, 1_000_000),
    p(
        "min_npmi",
        Kind::Number,
        "Weakest association (NPMI, 0–1) that links two terms into one topic.",
    ),
];

fn half_life(q: &Params, default: f64) -> ApiResult<f64> {
    let h = q.number("half_life_days", default)?;
    if h <= 0.0 {
        return Err(ApiError::param("half_life_days", "must be above 0"));
    }
    Ok(h)
}

fn discovery(q: &Params) -> ApiResult<TopicOptions> {
    let d = TopicOptions::default();
    let min_npmi = q.number("min_npmi", d.min_npmi)?;
    if !(0.0..=1.0).contains(&min_npmi) {
        return Err(ApiError::param("min_npmi", "must be between 0 and 1"));
    }
    Ok(TopicOptions {
        min_posts: q.count("min_posts", d.min_posts)?,
        min_npmi,
        ..d
    })
}

/// The own posts of the topic `topic` names, if any; an unknown topic is a 400.
pub fn topic_scope(c: &Ctx, q: &Params, filters: &Filters) -> ApiResult<Option<Scope>> {
    let Some(name) = q.text("topic").filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let keys = topic_post_keys(c.engine, &c.own, &c.manifest.topics, filters, name).map_err(
        |e| match e {
            AnalyticsError::Mixed(m) if m.starts_with("no topic") => ApiError::param("topic", m),
            e => e.into(),
        },
    )?;
    Ok(Some(Scope {
        name: name.to_owned(),
        posts: keys.own_posts,
    }))
}

pub fn amplifiers_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    let filters = q.filters()?;
    let half_life_days = half_life(q, AmplifierOptions::default().half_life_days)?;
    let scope = topic_scope(c, q, &filters)?;
    let o = AmplifierOptions {
        half_life_days,
        scope,
        limit: q.count("limit", AmplifierOptions::default().limit)?,
    };
    json(&amplifiers(c.engine, &c.own, &filters, &o)?)
}

pub fn suggest_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    let d = SuggestOptions::default();
    let o = SuggestOptions {
        circle: q.count("circle", d.circle)?,
        half_life_days: half_life(q, d.half_life_days)?,
        limit: q.count("limit", d.limit)?,
    };
    json(&suggest(c.engine, &c.own, &q.filters()?, &o)?)
}

pub fn topics_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&topics(
        c.engine,
        &c.own,
        &c.manifest.topics,
        &q.filters()?,
        &discovery(q)?,
    )?)
}

pub fn venues_h(c: &Ctx, q: &Params) -> ApiResult<Vec<u8>> {
    json(&venues(
        c.engine,
        &c.own,
        &c.manifest.topics,
        &q.filters()?,
        &discovery(q)?,
    )?)
}

pub fn persons_h(c: &Ctx, _: &Params) -> ApiResult<Vec<u8>> {
    json(&identity::persons(
        c.engine,
        &c.own,
        &c.manifest.person_overrides,
    )?)
}
