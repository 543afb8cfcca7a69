//! `levain actions`: today's queue for the community manager.
//!
//! Four kinds of items, each with the account, a link and the reason:
//! - `answer`: replies to own posts, in the last `days`, that no own account
//!   has answered: questions first, then critiques (read by `levain-text`);
//! - `thank`: accounts that became repeat engagers in the last `days` (their
//!   second distinct own post engaged with falls in that window);
//! - `re_engage`: regulars slipping away (see [`crate::core`]);
//! - `reshare`: recent posts (last `days`) of the accounts that reshared own
//!   posts most over the last 90 days.

use std::collections::HashMap;

use levain_store::query::Engine;
use serde::Serialize;

use crate::core::{CoreOptions, core};
use crate::{AnalyticsError, Filters, Result, data_end, i, rfc3339, rows, s, u};

const DAY: i64 = 86_400_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Answer,
    Thank,
    ReEngage,
    Reshare,
}

#[derive(Debug, Serialize)]
pub struct Action {
    pub action: ActionKind,
    pub account: String,
    pub handle: Option<String>,
    /// The post to answer or reshare, when there is one.
    pub post: Option<String>,
    pub url: String,
    pub text: Option<String>,
    pub at: String,
    pub why: String,
}

#[derive(Debug, Serialize)]
pub struct Actions {
    pub as_of: Option<String>,
    pub days: u32,
    pub counts: HashMap<String, u64>,
    pub items: Vec<Action>,
}

/// A link to an account's profile.
fn profile_url(account: &str) -> String {
    match account.split_once(':') {
        Some(("bluesky", did)) => format!("https://bsky.app/profile/{did}"),
        _ => account.to_owned(),
    }
}

pub fn actions(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    days: u32,
    limit: usize,
) -> Result<Actions> {
    filters.check(engine)?;
    let cut_e_actor = filters.cut("e.actor");
    let cut_r_author = filters.cut("r.author");
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let Some(end) = data_end(engine)?.map(|e| filters.to.map_or(e, |t| e.min(t - 1))) else {
        return Ok(Actions {
            as_of: None,
            days,
            counts: HashMap::new(),
            items: Vec::new(),
        });
    };
    let since = end - i64::from(days) * DAY;
    // A subquery here, not a literal list: with the list, DataFusion plans
    // the repeat-engager pass with three times the memory and more time.
    let own_sql = "SELECT account FROM own_accounts";
    let mut items = Vec::new();

    // Replies to own posts with no answer from an own account: questions
    // first, then critiques, then the rest, each newest first. The window is
    // short (`days`), so every candidate is read, then the queue is cut.
    let waiting = rows(
        engine,
        &format!(
            "SELECT r.post, r.author, r.text, r.lang, r.url, CAST(r.at AS BIGINT) AS t
             FROM posts_raw r
             JOIN posts_raw p ON r.reply_to = p.post
             WHERE p.author IN ({own_sql}) AND r.author NOT IN ({own_sql}){cut_r_author}
               AND CAST(r.at AS BIGINT) > {since} AND CAST(r.at AS BIGINT) <= {end}
               AND NOT EXISTS (SELECT 1 FROM posts_raw x
                               WHERE x.reply_to = r.post AND x.author IN ({own_sql}))"
        ),
    )?;
    let analyzer = crate::conversations::own_analyzer(engine, own)?;
    let mut answer: Vec<(u8, i64, Action)> = waiting
        .into_iter()
        .map(|r| {
            let t = i(&r, "t").unwrap_or(0);
            let text = s(&r, "text");
            let reading = analyzer.read(&text, r.get("lang").and_then(|v| v.as_str()));
            let age = (end - t) / DAY;
            let (rank, what) = if reading.question {
                (0, "asked you a question")
            } else if reading.sentiment.critique {
                (1, "criticised you")
            } else {
                (2, "replied")
            };
            let action = Action {
                action: ActionKind::Answer,
                account: s(&r, "author"),
                handle: None,
                post: Some(s(&r, "post")),
                url: s(&r, "url"),
                text: Some(text),
                at: rfc3339(t),
                why: format!("{what} {age} days ago under your post, not answered yet"),
            };
            (rank, -t, action)
        })
        .collect();
    answer.sort_by(|a, b| (a.0, a.1, &a.2.post).cmp(&(b.0, b.1, &b.2.post)));
    items.extend(answer.into_iter().take(limit).map(|a| a.2));

    // New repeat engagers: their second distinct own post engaged in the window.
    for r in rows(
        engine,
        &format!(
            "SELECT actor, t, n FROM (
               SELECT actor, min(t) FILTER (WHERE rank = 2) AS t, max(rank) AS n FROM (
                 SELECT actor, first_t AS t, row_number() OVER (PARTITION BY actor ORDER BY first_t, target_post) AS rank
                 FROM (SELECT e.actor, e.target_post, min(CAST(e.at AS BIGINT)) AS first_t
                       FROM interactions_raw e
                       WHERE e.kind IN ('like', 'reshare', 'reply', 'quote') AND e.target_post IS NOT NULL
                         AND e.target_account IN ({own_sql}) AND e.actor NOT IN ({own_sql}){cut_e_actor}
                         AND CAST(e.at AS BIGINT) <= {end}
                         -- only accounts active in the window can have become repeat engagers in it
                         AND e.actor IN (SELECT w.actor FROM interactions_raw w
                                         WHERE w.kind IN ('like', 'reshare', 'reply', 'quote')
                                           AND w.target_account IN ({own_sql})
                                           AND CAST(w.at AS BIGINT) > {since} AND CAST(w.at AS BIGINT) <= {end})
                       GROUP BY e.actor, e.target_post))
               GROUP BY actor) x
             WHERE t > {since}
             ORDER BY n DESC, t DESC, actor
             LIMIT {limit}"
        ),
    )? {
        let account = s(&r, "actor");
        items.push(Action {
            action: ActionKind::Thank,
            url: profile_url(&account),
            handle: None,
            post: None,
            text: None,
            at: rfc3339(i(&r, "t").unwrap_or(0)),
            why: format!(
                "came back: engaged with {} of your posts, the second one recently",
                u(&r, "n")
            ),
            account,
        });
    }

    // Regulars slipping away.
    let c = core(engine, own, filters, CoreOptions::default())?;
    for m in c.slipping.members.iter().take(limit) {
        items.push(Action {
            action: ActionKind::ReEngage,
            account: m.account.clone(),
            handle: m.handle.clone(),
            post: None,
            url: profile_url(&m.account),
            text: None,
            at: m.last_activity.clone(),
            why: format!(
                "a regular ({} engagements over {} periods of 30 days) silent since {}",
                m.engagements,
                m.engaged_periods,
                &m.last_activity[..10]
            ),
        });
    }

    // Recent posts of the accounts that reshare you most.
    let quarter = end - 90 * DAY;
    for r in rows(
        engine,
        &format!(
            "SELECT p.post, p.author, p.url, p.text, CAST(p.at AS BIGINT) AS t, amp.n
             FROM (SELECT e.actor, count(*) AS n FROM interactions_raw e
                   WHERE e.kind IN ('reshare', 'quote') AND e.target_account IN ({own_sql})
                     AND e.actor NOT IN ({own_sql}){cut_e_actor}
                     AND CAST(e.at AS BIGINT) > {quarter} AND CAST(e.at AS BIGINT) <= {end}
                   GROUP BY e.actor ORDER BY n DESC, e.actor LIMIT 10) amp
             JOIN posts_raw p ON p.author = amp.actor
             WHERE p.reply_to IS NULL AND CAST(p.at AS BIGINT) > {since} AND CAST(p.at AS BIGINT) <= {end}
             ORDER BY amp.n DESC, p.at DESC, p.post
             LIMIT {limit}"
        ),
    )? {
        items.push(Action {
            action: ActionKind::Reshare,
            account: s(&r, "author"),
            handle: None,
            post: Some(s(&r, "post")),
            url: s(&r, "url"),
            text: Some(s(&r, "text")),
            at: rfc3339(i(&r, "t").unwrap_or(0)),
            why: format!("reshared or quoted you {} times in the last 90 days", u(&r, "n")),
        });
    }
    let handles = crate::handles(engine, items.iter().map(|i| i.account.as_str()))?;
    for it in &mut items {
        if it.handle.is_none() {
            it.handle = handles.get(&it.account).cloned();
        }
    }
    let mut counts = HashMap::new();
    for it in &items {
        let key = serde_json::to_value(it.action).expect("serializes");
        *counts
            .entry(key.as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    Ok(Actions {
        as_of: Some(rfc3339(end)),
        days,
        counts,
        items,
    })
}
