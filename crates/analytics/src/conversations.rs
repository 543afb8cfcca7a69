//! `levain conversations`: how the conversation with the audience goes.
//!
//! What is read: every post by someone else that is addressed to us — a
//! reply to an own post (blog comments included), a quote of one, or a post
//! mentioning an own account. Replies under someone else's reply are
//! addressed to them and left out.
//!
//! - `sentiment`: each text is read by `levain-text` (French or English,
//!   lexicon and rules) as positive, neutral, negative or critique (negative
//!   *about us*); the four counts are disjoint.
//! - `questions`: texts that ask us something real, and whether an own
//!   account answered (a direct reply to it), and how fast;
//!   `response_time` summarises those delays, overall and per channel.
//! - `friends_share`: per month, the engagement (likes, reshares, replies,
//!   quotes on own posts) from the manager's friends against everyone else,
//!   raw and quality-weighted. Friends are the accounts the user lists
//!   (`levain friends add`) and, when a personal account is declared
//!   (`levain own add --personal`), the detected ones: a mutual follow with
//!   it, in touch since the first month of the data, and engaging in at
//!   least two months out of three since. Friends are a property of the
//!   whole data: the period and channel filters cut the share, not the list.
//!
//! An answer counts whenever it came, even after the period asked.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use levain_store::query::Engine;
use levain_text::{Analyzer, Polarity};
use rayon::prelude::*;
use serde::Serialize;

use crate::core::register_accounts;
use crate::settings::Weights;
use crate::{AnalyticsError, Filters, Result, data_end, i, own_in, rfc3339, rows, s};

const DAY: i64 = 86_400_000_000;

/// Months engaged out of months since first contact, for a detected friend.
const FRIEND_ACTIVE_SHARE: f64 = 2.0 / 3.0;
/// "Present since the start": first contact within this long of the data's start.
const FRIEND_EARLY: i64 = 31 * DAY;

pub struct ConversationOptions {
    /// How many critiques and questions to list (most recent first); 0 lists all.
    pub limit: usize,
    pub weights: Weights,
    /// Accounts the user lists as friends.
    pub listed_friends: BTreeSet<String>,
    /// Own accounts that are the manager's personal ones.
    pub personal: BTreeSet<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct SentimentCounts {
    pub positive: u64,
    pub neutral: u64,
    pub negative: u64,
    pub critique: u64,
    pub total: u64,
}

#[derive(Debug, Serialize)]
pub struct Critique {
    pub post: String,
    pub account: String,
    pub text: String,
    pub at: String,
    pub answered: bool,
    pub channel: String,
    pub url: Option<String>,
    /// The sentence that carries the critique.
    pub evidence: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Question {
    pub post: String,
    pub account: String,
    pub text: String,
    pub at: String,
    /// Seconds until an own account answered; null while unanswered.
    pub answered_after_s: Option<u64>,
    pub channel: String,
    pub url: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct ResponseTime {
    pub median_s: Option<u64>,
    pub p90_s: Option<u64>,
    pub unanswered: u64,
    pub questions: u64,
    pub answered: u64,
    pub by_channel: Vec<ChannelResponse>,
}

#[derive(Debug, Serialize)]
pub struct ChannelResponse {
    pub channel: String,
    pub questions: u64,
    pub answered: u64,
    pub unanswered: u64,
    pub median_s: Option<u64>,
    pub p90_s: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct FriendsPeriod {
    /// `YYYY-MM`.
    pub period: String,
    /// Engagements (likes, reshares, replies, quotes on own posts).
    pub friends: u64,
    pub others: u64,
    pub friends_weighted: f64,
    pub others_weighted: f64,
    /// Friends' part of the weighted engagement, 0–1.
    pub friends_weighted_share: f64,
}

#[derive(Debug, Serialize)]
pub struct Friend {
    pub account: String,
    /// `listed` or `detected`.
    pub source: &'static str,
    pub why: String,
}

#[derive(Debug, Serialize)]
pub struct Friends {
    pub listed: u64,
    pub detected: u64,
    /// Why detection did or did not run.
    pub note: String,
    pub accounts: Vec<Friend>,
}

#[derive(Debug, Serialize)]
pub struct Conversations {
    pub sentiment: SentimentCounts,
    pub critiques: Vec<Critique>,
    pub questions: Vec<Question>,
    pub response_time: ResponseTime,
    pub friends_share: Vec<FriendsPeriod>,
    pub friends: Friends,
    /// Texts read, by how they reach us: `reply`, `quote`, `mention`.
    pub by_kind: BTreeMap<String, u64>,
    pub weights: Weights,
    pub method: &'static str,
}

pub const METHOD: &str = "texts addressed to us (replies to own posts, quotes of them, posts mentioning an own account) are read by a French/English lexicon with negation, elision, emoji, irony and contrast rules; critique is negative and aimed at us; a question is answered when an own account replied to it directly";

struct Item {
    post: String,
    account: String,
    channel: String,
    text: String,
    lang: Option<String>,
    url: Option<String>,
    t: i64,
    kind: &'static str,
}

pub fn conversations(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    opts: &ConversationOptions,
) -> Result<Conversations> {
    filters.check(engine)?;
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let own_list = own_in(own);
    let own_posts = format!("SELECT post FROM posts_raw WHERE author IN ({own_list})");
    let items: Vec<Item> = rows(
        engine,
        &format!(
            "SELECT r.post, r.author, r.channel, r.text, r.lang, r.url, CAST(r.at AS BIGINT) AS t,
                    CASE WHEN p.post IS NOT NULL THEN 'reply'
                         WHEN q.post IS NOT NULL THEN 'quote' ELSE 'mention' END AS kind
             FROM posts_raw r
             LEFT JOIN ({own_posts}) p ON r.reply_to = p.post
             LEFT JOIN ({own_posts}) q ON r.quote_of = q.post
             WHERE r.author NOT IN ({own_list}) AND r.text IS NOT NULL
               AND (p.post IS NOT NULL OR q.post IS NOT NULL
                    OR array_has_any(r.mentions, make_array({own_list}))){}{}",
            filters.sql("r"),
            filters.cut("r.author")
        ),
    )?
    .into_iter()
    .map(|r| Item {
        post: s(&r, "post"),
        account: s(&r, "author"),
        channel: s(&r, "channel"),
        text: s(&r, "text"),
        lang: r.get("lang").and_then(|v| v.as_str()).map(str::to_owned),
        url: r.get("url").and_then(|v| v.as_str()).map(str::to_owned),
        t: i(&r, "t").unwrap_or(0),
        kind: match s(&r, "kind").as_str() {
            "reply" => "reply",
            "quote" => "quote",
            _ => "mention",
        },
    })
    .collect();

    // The earliest direct answer from an own account to each post.
    let answers: HashMap<String, i64> = rows(
        engine,
        &format!(
            "SELECT reply_to AS post, min(CAST(at AS BIGINT)) AS t FROM posts_raw
             WHERE author IN ({own_list}) AND reply_to IS NOT NULL GROUP BY reply_to"
        ),
    )?
    .into_iter()
    .map(|r| (s(&r, "post"), i(&r, "t").unwrap_or(0)))
    .collect();

    let analyzer = own_analyzer(engine, own)?;
    let readings: Vec<_> = items
        .par_iter()
        .map(|it| analyzer.read(&it.text, it.lang.as_deref()))
        .collect();

    let mut sentiment = SentimentCounts::default();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut critiques = Vec::new();
    let mut questions = Vec::new();
    let mut delays: Vec<u64> = Vec::new();
    let mut per_channel: BTreeMap<String, (u64, Vec<u64>)> = BTreeMap::new();
    for (it, reading) in items.iter().zip(&readings) {
        *by_kind.entry(it.kind.to_owned()).or_default() += 1;
        sentiment.total += 1;
        let sent = &reading.sentiment;
        match (sent.polarity, sent.critique) {
            (Polarity::Negative, true) => sentiment.critique += 1,
            (Polarity::Negative, false) => sentiment.negative += 1,
            (Polarity::Positive, _) => sentiment.positive += 1,
            (Polarity::Neutral, _) => sentiment.neutral += 1,
        }
        let answer = answers
            .get(&it.post)
            .map(|a| (a - it.t).max(0) as u64 / 1_000_000);
        if sent.polarity == Polarity::Negative && sent.critique {
            critiques.push(Critique {
                post: it.post.clone(),
                account: it.account.clone(),
                text: it.text.clone(),
                at: rfc3339(it.t),
                answered: answer.is_some(),
                channel: it.channel.clone(),
                url: it.url.clone(),
                evidence: sent.evidence.clone(),
            });
        }
        if reading.question {
            let ch = per_channel.entry(it.channel.clone()).or_default();
            ch.0 += 1;
            if let Some(d) = answer {
                delays.push(d);
                ch.1.push(d);
            }
            questions.push(Question {
                post: it.post.clone(),
                account: it.account.clone(),
                text: it.text.clone(),
                at: rfc3339(it.t),
                answered_after_s: answer,
                channel: it.channel.clone(),
                url: it.url.clone(),
            });
        }
    }
    let asked = questions.len() as u64;
    let response_time = ResponseTime {
        median_s: quantile(&mut delays, 0.5),
        p90_s: quantile(&mut delays, 0.9),
        unanswered: asked - delays.len() as u64,
        questions: asked,
        answered: delays.len() as u64,
        by_channel: per_channel
            .into_iter()
            .map(|(channel, (n, mut d))| ChannelResponse {
                channel,
                questions: n,
                answered: d.len() as u64,
                unanswered: n - d.len() as u64,
                median_s: quantile(&mut d, 0.5),
                p90_s: quantile(&mut d, 0.9),
            })
            .collect(),
    };
    // Most recent first, then cut to the limit.
    let newest_first = |a: &String, b: &String| b.cmp(a);
    critiques.sort_by(|a, b| newest_first(&a.at, &b.at).then_with(|| a.post.cmp(&b.post)));
    questions.sort_by(|a, b| newest_first(&a.at, &b.at).then_with(|| a.post.cmp(&b.post)));
    if opts.limit > 0 {
        critiques.truncate(opts.limit);
        questions.truncate(opts.limit);
    }

    let friends = friends(engine, own, &opts.listed_friends, &opts.personal)?;
    let friends_share = friends_share(engine, own, filters, opts, &friends)?;
    Ok(Conversations {
        sentiment,
        critiques,
        questions,
        response_time,
        friends_share,
        friends,
        by_kind,
        weights: opts.weights,
        method: METHOD,
    })
}

/// The value at quantile `q` (nearest rank); sorts `v`.
fn quantile(v: &mut [u64], q: f64) -> Option<u64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    Some(v[rank - 1])
}

/// Handles and display names of own accounts, and a handle's first label
/// (`latelierdurayon` of `latelierdurayon.bsky.social`): how people name us.
/// The reader of replies that knows our names, so a critique that names
/// the brand ("L'Atelier du Rayon est nul") counts as aimed at us. Every
/// analysis reading replies to us uses it, so they agree on what a
/// critique is.
pub(crate) fn own_analyzer(engine: &Engine, own: &[String]) -> Result<Analyzer> {
    let names = own_names(engine, own)?;
    Ok(Analyzer::with_own_names(
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    ))
}

fn own_names(engine: &Engine, own: &[String]) -> Result<Vec<String>> {
    let mut names = BTreeSet::new();
    for r in rows(
        engine,
        &format!(
            "SELECT DISTINCT handle, display_name FROM account_observations WHERE account IN ({})",
            own_in(own)
        ),
    )? {
        for k in ["handle", "display_name"] {
            let v = s(&r, k);
            if v.is_empty() {
                continue;
            }
            if k == "handle"
                && let Some(first) = v.split('.').next()
                && first.len() >= 4
            {
                names.insert(first.to_owned());
            }
            names.insert(v);
        }
    }
    Ok(names.into_iter().collect())
}

/// The friends listed by the user and, with a personal account among `own`,
/// the detected ones (see the module doc), each with why.
pub fn friends(
    engine: &Engine,
    own: &[String],
    listed_friends: &BTreeSet<String>,
    personal: &BTreeSet<String>,
) -> Result<Friends> {
    let mut accounts: Vec<Friend> = listed_friends
        .iter()
        .map(|a| Friend {
            account: a.clone(),
            source: "listed",
            why: "listed by you (`levain friends add`)".into(),
        })
        .collect();
    let personal: Vec<String> = personal
        .iter()
        .filter(|p| own.contains(p))
        .cloned()
        .collect();
    if personal.is_empty() {
        return Ok(Friends {
            listed: accounts.len() as u64,
            detected: 0,
            note: "no personal account declared, so friends are only the ones you list; declare yours with `levain own add ACCOUNT --personal` to detect them".into(),
            accounts,
        });
    }
    let personal_in = own_in(&personal);
    // Mutual follows with a personal account that were not undone.
    let candidates: Vec<(String, i64)> = rows(
        engine,
        &format!(
            "WITH f AS (
               SELECT actor, target_account,
                      max(CASE WHEN kind = 'follow' THEN CAST(at AS BIGINT) END) AS fo,
                      max(CASE WHEN kind = 'unfollow' THEN CAST(at AS BIGINT) END) AS un
               FROM interactions
               WHERE kind IN ('follow', 'unfollow')
                 AND (actor IN ({personal_in}) OR target_account IN ({personal_in}))
               GROUP BY actor, target_account)
             SELECT a.actor AS account, least(a.fo, b.fo) AS since
             FROM f a JOIN f b ON a.actor = b.target_account AND a.target_account = b.actor
             WHERE a.target_account IN ({personal_in}) AND a.actor NOT IN ({})
               AND a.fo IS NOT NULL AND b.fo IS NOT NULL
               AND (a.un IS NULL OR a.un < a.fo) AND (b.un IS NULL OR b.un < b.fo)",
            own_in(own)
        ),
    )?
    .into_iter()
    .map(|r| (s(&r, "account"), i(&r, "since").unwrap_or(0)))
    .collect();
    let listed_before = accounts.len();
    if !candidates.is_empty() {
        let data_start = rows(
            engine,
            &format!(
                "SELECT min(CAST(at AS BIGINT)) AS t FROM interactions_raw
                 WHERE actor IN ({0}) OR target_account IN ({0})",
                own_in(own)
            ),
        )?
        .first()
        .and_then(|r| i(r, "t"))
        .unwrap_or(0);
        register_accounts(
            engine,
            "friend_candidates",
            candidates.iter().map(|c| c.0.as_str()),
        )?;
        let mut months: HashMap<String, (i64, BTreeSet<String>)> = HashMap::new();
        // Months are counted up to the data's last one, so a friend who went
        // quiet lately loses share.
        let mut last_month = data_end(engine)?
            .map(|t| rfc3339(t)[..7].to_owned())
            .unwrap_or_default();
        for r in rows(
            engine,
            &format!(
                "SELECT e.actor, min(CAST(e.at AS BIGINT)) AS first,
                        to_char(date_trunc('month', e.at), '%Y-%m') AS month
                 FROM interactions_raw e JOIN friend_candidates c ON e.actor = c.account
                 WHERE e.target_account IN ({})
                 GROUP BY e.actor, to_char(date_trunc('month', e.at), '%Y-%m')",
                own_in(own)
            ),
        )? {
            let m = s(&r, "month");
            if m > last_month {
                last_month = m.clone();
            }
            let e = months
                .entry(s(&r, "actor"))
                .or_insert((i64::MAX, BTreeSet::new()));
            e.0 = e.0.min(i(&r, "first").unwrap_or(i64::MAX));
            e.1.insert(m);
        }
        for (account, since) in candidates {
            if listed_friends.contains(&account) {
                continue;
            }
            let Some((first, active)) = months.get(&account) else {
                continue;
            };
            let first = (*first).min(since);
            let first_month = rfc3339(first)[..7].to_owned();
            let span = month_span(&first_month, &last_month);
            let share = active.len() as f64 / span as f64;
            if first - data_start <= FRIEND_EARLY && share >= FRIEND_ACTIVE_SHARE {
                accounts.push(Friend {
                    why: format!(
                        "mutual follow with your personal account, in touch since {first_month} (the data's first month), engaging in {} of {span} months",
                        active.len()
                    ),
                    account,
                    source: "detected",
                });
            }
        }
    }
    let detected = (accounts.len() - listed_before) as u64;
    Ok(Friends {
        listed: listed_before as u64,
        detected,
        note: format!(
            "detected among mutual follows of {}: in touch since the data's first month and engaging in at least {:.0}% of the months since",
            personal.join(", "),
            FRIEND_ACTIVE_SHARE * 100.0
        ),
        accounts,
    })
}

/// Months from `a` to `b` inclusive (`YYYY-MM`).
fn month_span(a: &str, b: &str) -> i64 {
    let parse = |s: &str| -> i64 {
        let (y, m) = s.split_once('-').unwrap_or(("0", "1"));
        y.parse::<i64>().unwrap_or(0) * 12 + m.parse::<i64>().unwrap_or(1)
    };
    (parse(b) - parse(a) + 1).max(1)
}

fn friends_share(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    opts: &ConversationOptions,
    friends: &Friends,
) -> Result<Vec<FriendsPeriod>> {
    register_accounts(
        engine,
        "friend_accounts",
        friends.accounts.iter().map(|f| f.account.as_str()),
    )?;
    let own_list = own_in(own);
    let mut out: BTreeMap<String, FriendsPeriod> = BTreeMap::new();
    for r in rows(
        engine,
        &format!(
            "SELECT to_char(date_trunc('month', e.at), '%Y-%m') AS period,
                    f.account IS NOT NULL AS friend,
                    count(*) AS n, sum({}) AS w
             FROM interactions_raw e LEFT JOIN friend_accounts f ON e.actor = f.account
             WHERE e.kind IN ('like', 'reshare', 'reply', 'quote')
               AND e.target_account IN ({own_list}) AND e.actor NOT IN ({own_list}){}{}
             GROUP BY 1, 2",
            opts.weights.sql("e.kind"),
            filters.sql("e"),
            filters.cut("e.actor")
        ),
    )? {
        let period = s(&r, "period");
        let p = out.entry(period.clone()).or_insert_with(|| FriendsPeriod {
            period,
            friends: 0,
            others: 0,
            friends_weighted: 0.0,
            others_weighted: 0.0,
            friends_weighted_share: 0.0,
        });
        let n = r.get("n").and_then(|v| v.as_u64()).unwrap_or(0);
        let w = r.get("w").and_then(|v| v.as_f64()).unwrap_or(0.0);
        if r.get("friend").and_then(|v| v.as_bool()).unwrap_or(false) {
            p.friends += n;
            p.friends_weighted += w;
        } else {
            p.others += n;
            p.others_weighted += w;
        }
    }
    Ok(out
        .into_values()
        .map(|mut p| {
            let total = p.friends_weighted + p.others_weighted;
            p.friends_weighted_share = if total > 0.0 {
                p.friends_weighted / total
            } else {
                0.0
            };
            p
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        assert_eq!(quantile(&mut [], 0.5), None);
        assert_eq!(quantile(&mut [30, 10, 20], 0.5), Some(20));
        assert_eq!(quantile(&mut [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), Some(9));
        assert_eq!(quantile(&mut [5], 0.9), Some(5));
    }

    #[test]
    fn month_spans_cross_years() {
        assert_eq!(month_span("2023-11", "2024-02"), 4);
        assert_eq!(month_span("2024-02", "2024-02"), 1);
    }
}
