//! Campaigns as the analyses use them: windows and promoted posts.

use std::collections::HashSet;

use levain_store::query::Engine;
use serde_json::Value;

use crate::{Result, i, rows, s};

#[derive(Clone, Debug)]
pub struct Campaign {
    pub channel: String,
    pub name: String,
    /// [start, end) in microseconds.
    pub start: i64,
    pub end: i64,
    pub spend: f64,
    pub currency: String,
    pub promoted: HashSet<String>,
}

/// Why a post counts as paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaidRule {
    /// A campaign lists the post in `promoted_posts`.
    Promoted,
    /// The post was published inside a campaign window on its channel.
    CampaignWindow,
}

pub fn load(engine: &Engine) -> Result<Vec<Campaign>> {
    let mut out: Vec<Campaign> = rows(
        engine,
        "SELECT channel, name, CAST(start AS BIGINT) AS start, CAST(\"end\" AS BIGINT) AS stop,
                spend, currency, promoted_posts FROM campaigns",
    )?
    .into_iter()
    .map(|r| Campaign {
        channel: s(&r, "channel"),
        name: s(&r, "name"),
        start: i(&r, "start").unwrap_or(0),
        end: i(&r, "stop").unwrap_or(0),
        spend: r.get("spend").and_then(Value::as_f64).unwrap_or(0.0),
        currency: s(&r, "currency"),
        promoted: r
            .get("promoted_posts")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    })
    .collect();
    // Latest start first: where windows overlap, the most recent campaign wins.
    out.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

/// The campaign whose window on `channel` contains `at`, if any (the most
/// recently started one where windows overlap).
pub fn window_at<'c>(campaigns: &'c [Campaign], channel: &str, at: i64) -> Option<&'c Campaign> {
    campaigns
        .iter()
        .find(|c| c.channel == channel && c.start <= at && at < c.end)
}

/// Whether a post is paid, by which rule and for which campaign.
pub fn classify_post<'c>(
    campaigns: &'c [Campaign],
    post: &str,
    channel: &str,
    at: i64,
) -> Option<(PaidRule, &'c Campaign)> {
    if let Some(c) = campaigns.iter().find(|c| c.promoted.contains(post)) {
        return Some((PaidRule::Promoted, c));
    }
    window_at(campaigns, channel, at).map(|c| (PaidRule::CampaignWindow, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str, start: i64, end: i64, promoted: &[&str]) -> Campaign {
        Campaign {
            channel: "bluesky".into(),
            name: name.into(),
            start,
            end,
            spend: 0.0,
            currency: "EUR".into(),
            promoted: promoted.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn promotion_beats_windows_and_the_latest_window_wins_overlaps() {
        // Sorted as `load` sorts: latest start first.
        let cs = vec![c("late", 50, 150, &[]), c("early", 0, 100, &["p9"])];
        assert_eq!(
            classify_post(&cs, "p9", "bluesky", 120).unwrap().0,
            PaidRule::Promoted
        );
        assert_eq!(
            classify_post(&cs, "p1", "bluesky", 60).unwrap().1.name,
            "late"
        );
        assert_eq!(
            classify_post(&cs, "p1", "bluesky", 10).unwrap().1.name,
            "early"
        );
        assert!(
            classify_post(&cs, "p1", "bluesky", 150).is_none(),
            "end is exclusive"
        );
        assert!(
            classify_post(&cs, "p1", "mastodon", 60).is_none(),
            "other channel"
        );
    }
}
