//! `levain engagement`: engagement on own posts, paid against organic.
//!
//! Own posts are the posts of own accounts that are not replies (answers in
//! threads are conversation, not publications). Engagement is every like,
//! reshare, reply and quote on them by accounts that are not own, including
//! ones later withdrawn (they happened; `ended_at` in SQL shows them). A post
//! is paid when a campaign lists it in `promoted_posts` (rule `promoted`) or,
//! failing that, when it was published inside a campaign window on its
//! channel (rule `campaign_window`). An engager is *repeat* when they engaged
//! with two or more distinct posts, *one-time* with exactly one. `weighted`
//! sits beside the raw counts: each kind times its quality weight.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{AsArray, BooleanArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::Int64Type;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use levain_store::query::Engine;
use serde::Serialize;

use crate::campaigns::{self, PaidRule};
use crate::settings::Weights;
use crate::{AnalyticsError, Filters, Result, i, register, rfc3339, rows, s, u};

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Counts {
    pub posts: u64,
    pub likes: u64,
    pub reshares: u64,
    pub replies: u64,
    pub quotes: u64,
    pub unique_engagers: u64,
    pub repeat_engagers: u64,
    pub one_time_engagers: u64,
    /// Quality-weighted engagement: each kind times its weight (`weights`).
    pub weighted: f64,
}

#[derive(Debug, Default, Serialize)]
pub struct BySource {
    pub paid: Counts,
    pub organic: Counts,
}

#[derive(Debug, Serialize)]
pub struct PostEngagement {
    pub post: String,
    pub at: String,
    pub channel: String,
    pub likes: u64,
    pub reshares: u64,
    pub replies: u64,
    pub quotes: u64,
    pub weighted: f64,
    pub paid: bool,
    /// `promoted` or `campaign_window` when paid.
    pub paid_rule: Option<PaidRule>,
    pub campaign: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Engagement {
    pub totals: Counts,
    pub by_source: BySource,
    /// Own posts, oldest first.
    pub posts: Vec<PostEngagement>,
    /// How a post was judged paid, in words.
    pub paid_rule: &'static str,
    /// The weights behind `weighted` (`levain config set weights.reply 5`).
    pub weights: Weights,
}

pub const PAID_RULE: &str = "a post is paid when a campaign lists it in promoted_posts (rule `promoted`), or else when it was published inside a campaign window on its channel (rule `campaign_window`); all other posts are organic";

const ENGAGEMENT_KINDS: &str = "('like', 'reshare', 'reply', 'quote')";

pub fn engagement(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    weights: &Weights,
) -> Result<Engagement> {
    filters.check(engine)?;
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let camps = campaigns::load(engine)?;
    if let Some(idx) = crate::audience::for_engine(engine, own)? {
        return crate::audience::engagement(&idx, engine, filters, weights, &camps);
    }
    engagement_sql(engine, own, filters, weights, &camps)
}

/// The reference: [`engagement`] in DataFusion SQL over the stored tables
/// (`LEVAIN_AUDIENCE_INDEX=off`); the audience index must agree with it.
fn engagement_sql(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    weights: &Weights,
    camps: &[campaigns::Campaign],
) -> Result<Engagement> {
    let cut_e_actor = filters.cut("e.actor");
    let own_in = crate::own_in(own);
    let posts = rows(
        engine,
        &format!(
            "SELECT p.post, CAST(p.at AS BIGINT) AS t, p.channel FROM posts_raw p
             WHERE p.author IN ({own_in}) AND p.reply_to IS NULL{}
             ORDER BY p.at, p.post",
            filters.sql("p")
        ),
    )?;
    let mut out: Vec<PostEngagement> = posts
        .iter()
        .map(|r| {
            let (post, channel, t) = (s(r, "post"), s(r, "channel"), i(r, "t").unwrap_or(0));
            let paid = campaigns::classify_post(camps, &post, &channel, t);
            PostEngagement {
                at: rfc3339(t),
                paid: paid.is_some(),
                paid_rule: paid.map(|p| p.0),
                campaign: paid.map(|p| p.1.name.clone()),
                post,
                channel,
                likes: 0,
                reshares: 0,
                replies: 0,
                quotes: 0,
                weighted: 0.0,
            }
        })
        .collect();
    register_posts(engine, &out)?;
    let engaged = format!(
        "FROM interactions_raw e JOIN own_post_source o ON e.target_post = o.post
         WHERE e.kind IN {ENGAGEMENT_KINDS} AND e.actor NOT IN ({own_in}){cut_e_actor}"
    );
    let index: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, p)| (p.post.clone(), i))
        .collect();
    for r in rows(
        engine,
        &format!(
            "SELECT e.target_post AS post,
                    sum(CASE WHEN e.kind = 'like' THEN 1 ELSE 0 END) AS likes,
                    sum(CASE WHEN e.kind = 'reshare' THEN 1 ELSE 0 END) AS reshares,
                    sum(CASE WHEN e.kind = 'reply' THEN 1 ELSE 0 END) AS replies,
                    sum(CASE WHEN e.kind = 'quote' THEN 1 ELSE 0 END) AS quotes
             {engaged} GROUP BY e.target_post"
        ),
    )? {
        if let Some(&k) = index.get(&s(&r, "post")) {
            let p = &mut out[k];
            (p.likes, p.reshares, p.replies, p.quotes) = (
                u(&r, "likes"),
                u(&r, "reshares"),
                u(&r, "replies"),
                u(&r, "quotes"),
            );
            p.weighted = weights.score(p.likes, p.reshares, p.replies, p.quotes);
        }
    }
    // One pass: distinct posts engaged per (source, actor). Posts are either
    // paid or organic, so an actor's total is the sum of its two counts.
    let (_, batches) = engine.sql(&format!(
        "SELECT o.paid AS paid, e.actor, count(DISTINCT e.target_post) AS n {engaged}
         GROUP BY o.paid, e.actor"
    ))?;
    let mut per_actor: HashMap<String, [u64; 2]> = HashMap::new();
    for b in &batches {
        let paid = b.column(0).as_boolean();
        let actor = b.column(1).as_string::<i32>();
        let n = b.column(2).as_primitive::<Int64Type>();
        for r in 0..b.num_rows() {
            per_actor.entry(actor.value(r).to_owned()).or_default()[usize::from(paid.value(r))] +=
                n.value(r) as u64;
        }
    }
    let mut tallies = [(0u64, 0u64, 0u64); 3];
    let tally = |c: &mut (u64, u64, u64), n: u64| {
        if n > 0 {
            c.0 += 1;
            if n >= 2 {
                c.1 += 1;
            } else {
                c.2 += 1;
            }
        }
    };
    for [organic, paid] in per_actor.into_values() {
        tally(&mut tallies[0], organic + paid);
        tally(&mut tallies[1], organic);
        tally(&mut tallies[2], paid);
    }
    Ok(finish(out, tallies, weights))
}

/// The report from its posts (with their counts) and the engagers tallied
/// as (unique, repeat, one-time) in total, organic and paid.
pub(crate) fn finish(
    posts: Vec<PostEngagement>,
    tallies: [(u64, u64, u64); 3],
    weights: &Weights,
) -> Engagement {
    let mut totals = Counts::default();
    let mut by_source = BySource::default();
    for p in &posts {
        for c in [
            &mut totals,
            if p.paid {
                &mut by_source.paid
            } else {
                &mut by_source.organic
            },
        ] {
            c.posts += 1;
            c.likes += p.likes;
            c.reshares += p.reshares;
            c.replies += p.replies;
            c.quotes += p.quotes;
            c.weighted += p.weighted;
        }
    }
    for (c, t) in [&mut totals, &mut by_source.organic, &mut by_source.paid]
        .into_iter()
        .zip(tallies)
    {
        (c.unique_engagers, c.repeat_engagers, c.one_time_engagers) = t;
    }
    Engagement {
        totals,
        by_source,
        posts,
        paid_rule: PAID_RULE,
        weights: *weights,
    }
}

/// Registers the own posts in the period with their paid flag, for joins.
fn register_posts(engine: &Engine, posts: &[PostEngagement]) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("post", DataType::Utf8, false),
        Field::new("paid", DataType::Boolean, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from_iter_values(
                posts.iter().map(|p| p.post.as_str()),
            )),
            Arc::new(BooleanArray::from(
                posts.iter().map(|p| p.paid).collect::<Vec<_>>(),
            )),
        ],
    )
    .map_err(levain_store::StoreError::from)?;
    register(engine, "own_post_source", batch)
}
