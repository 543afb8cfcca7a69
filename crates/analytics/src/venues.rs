//! Venue gaps: the places where our topics are discussed, how much, how
//! fast it grows, and how present we are there.
//!
//! A post's venue is where it was published for others to find: the
//! subreddit, forum category or blog host its importer recorded (`venue`),
//! or, on networks without such places (Bluesky, Mastodon, X), each of its
//! hashtags, which people follow and search like a place (`#velotaf`). A
//! post with neither has no venue: a plain timeline post is seen by one's
//! followers, not found in a place.

use std::collections::{BTreeMap, BTreeSet};

use levain_store::query::Engine;
use serde::Serialize;

use crate::topics::{Analysis, TopicOptions, analyse, corpus};
use crate::{Filters, Result};

/// The last this many days are "recent" when growth is measured.
pub const RECENT_DAYS: i64 = 90;
/// Fewest topical posts for a cell to be listed.
const MIN_CELL_POSTS: u64 = 3;

#[derive(Debug, Serialize)]
pub struct Venues {
    pub method: String,
    /// The period read (RFC 3339), and where "recent" starts.
    pub from: Option<String>,
    pub to: Option<String>,
    pub recent_from: Option<String>,
    pub topics: Vec<String>,
    /// Every venue with topical posts, busiest first.
    pub venues: Vec<Venue>,
    /// The gap matrix topic × venue, as a list of cells, best opportunity first.
    pub gaps: Vec<Gap>,
}

#[derive(Debug, Serialize)]
pub struct Venue {
    pub venue: String,
    pub channel: String,
    /// `subreddit`, `forum`, `hashtag`, `site` or `user` (a profile's own page).
    pub kind: &'static str,
    pub posts: u64,
    pub authors: u64,
    pub own_posts: u64,
}

#[derive(Debug, Serialize)]
pub struct Gap {
    pub topic: String,
    pub venue: String,
    pub channel: String,
    pub kind: &'static str,
    /// Posts on the topic in the venue, ours included.
    pub posts: u64,
    /// Other people who wrote them.
    pub authors: u64,
    /// Ours (posts and replies).
    pub own_posts: u64,
    /// own_posts / posts.
    pub share_of_voice: f64,
    /// Posts per 30 days in the recent period and before it.
    pub recent_rate: f64,
    pub earlier_rate: f64,
    /// (recent rate) / (earlier rate), both with one post added so a new
    /// venue does not divide by zero.
    pub growth: f64,
    pub opportunity: f64,
}

fn kind(channel: &str, venue: &str) -> &'static str {
    if venue.starts_with('#') {
        "hashtag"
    } else if venue.starts_with("r/") {
        "subreddit"
    } else if venue.starts_with("u/") {
        "user"
    } else if channel == levain_model::channel::DISCOURSE || venue.contains("/c/") {
        "forum"
    } else {
        "site"
    }
}

const METHOD: &str = "A cell is a topic in a venue (subreddit, forum category, blog host, or a hashtag on networks without places). posts and authors count its posts on the topic and the other people who wrote them; share_of_voice is our part of those posts; growth is the posting rate of the last 90 days over the rate before (each with one post added). opportunity = authors × √growth (growth clamped to 1/4…4) × (1 − share_of_voice): many people, a growing conversation, and little of it ours. Cells with fewer than 3 posts are left out.";

/// `levain venues`.
pub fn venues(
    engine: &Engine,
    own: &[String],
    user: &BTreeMap<String, Vec<String>>,
    filters: &Filters,
    opts: &TopicOptions,
) -> Result<Venues> {
    let a = analyse(corpus(engine, own, filters)?, user, opts);
    Ok(gaps(&a, filters))
}

#[derive(Default)]
struct Cell<'a> {
    posts: u64,
    own: u64,
    recent: u64,
    authors: BTreeSet<&'a str>,
}

/// The gap matrix of an analysis.
pub fn gaps(a: &Analysis, filters: &Filters) -> Venues {
    let docs = &a.corpus.docs;
    let first = filters
        .from
        .or_else(|| docs.iter().map(|d| d.at).min())
        .unwrap_or(0);
    let last = filters
        .to
        .or_else(|| docs.iter().map(|d| d.at).max().map(|t| t + 1))
        .unwrap_or(0);
    let day = 86_400_000_000i64;
    let recent_from = (last - RECENT_DAYS * day).max(first);
    let recent_days = ((last - recent_from) as f64 / day as f64).max(1.0);
    let earlier_days = ((recent_from - first) as f64 / day as f64).max(1.0);

    let venues_of = |d: &crate::topics::Doc| -> Vec<String> {
        match &d.venue {
            Some(v) => vec![v.clone()],
            None => {
                let mut tags: Vec<String> =
                    d.hashtags.iter().map(|h| format!("#{}", fold(h))).collect();
                tags.sort();
                tags.dedup();
                tags
            }
        }
    };
    // (topic, venue, channel) → cell; and venue totals over topical posts.
    let mut cells: BTreeMap<(usize, String, String), Cell> = BTreeMap::new();
    let mut venue_totals: BTreeMap<(String, String), (BTreeSet<u32>, Cell)> = BTreeMap::new();
    for (ti, t) in a.topics.iter().enumerate() {
        for &di in &t.docs {
            let d = &docs[di as usize];
            for v in venues_of(d) {
                let c = cells.entry((ti, v.clone(), d.channel.clone())).or_default();
                count(c, d, recent_from);
                let (seen, total) = venue_totals.entry((v, d.channel.clone())).or_default();
                if seen.insert(di) {
                    count(total, d, recent_from);
                }
            }
        }
    }
    let mut gaps: Vec<Gap> = cells
        .into_iter()
        .filter(|(_, c)| c.posts >= MIN_CELL_POSTS)
        .map(|((ti, venue, channel), c)| {
            let recent_rate = c.recent as f64 * 30.0 / recent_days;
            let earlier_rate = (c.posts - c.recent) as f64 * 30.0 / earlier_days;
            let growth = ((c.recent as f64 + 1.0) / recent_days)
                / ((c.posts - c.recent) as f64 + 1.0)
                * earlier_days;
            let share = c.own as f64 / c.posts as f64;
            let opportunity =
                c.authors.len() as f64 * growth.clamp(0.25, 4.0).sqrt() * (1.0 - share);
            Gap {
                topic: a.topics[ti].name.clone(),
                kind: kind(&channel, &venue),
                venue,
                channel,
                posts: c.posts,
                authors: c.authors.len() as u64,
                own_posts: c.own,
                share_of_voice: round(share),
                recent_rate: round(recent_rate),
                earlier_rate: round(earlier_rate),
                growth: round(growth),
                opportunity: round(opportunity),
            }
        })
        .collect();
    gaps.sort_by(|x, y| {
        y.opportunity
            .total_cmp(&x.opportunity)
            .then(y.posts.cmp(&x.posts))
            .then(x.topic.cmp(&y.topic))
            .then(x.venue.cmp(&y.venue))
    });
    let mut venues: Vec<Venue> = venue_totals
        .into_iter()
        .map(|((venue, channel), (_, c))| Venue {
            kind: kind(&channel, &venue),
            venue,
            channel,
            posts: c.posts,
            authors: c.authors.len() as u64,
            own_posts: c.own,
        })
        .collect();
    venues.sort_by(|x, y| y.posts.cmp(&x.posts).then(x.venue.cmp(&y.venue)));
    let time = |t: i64| (!docs.is_empty()).then(|| crate::rfc3339(t));
    Venues {
        method: METHOD.to_owned(),
        from: time(first),
        to: time(last),
        recent_from: time(recent_from),
        topics: a.topics.iter().map(|t| t.name.clone()).collect(),
        venues,
        gaps,
    }
}

fn count<'a>(c: &mut Cell<'a>, d: &'a crate::topics::Doc, recent_from: i64) {
    c.posts += 1;
    if d.own {
        c.own += 1;
    } else {
        c.authors.insert(&d.author);
    }
    if d.at >= recent_from {
        c.recent += 1;
    }
}

fn fold(tag: &str) -> String {
    levain_text::Terms::shared()
        .of_user_term(&format!("#{tag}"))
        .into_iter()
        .next()
        .map(|t| t.trim_start_matches('#').to_owned())
        .unwrap_or_else(|| tag.to_lowercase())
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
