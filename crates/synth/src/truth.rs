//! `truth.json`: what the generator planted, for tests and quality benchmarks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Truth {
    pub seed: u64,
    pub scale: String,
    /// Simulated period, RFC 3339.
    pub start: String,
    pub end: String,
    pub own: Vec<TruthAccount>,
    pub campaigns: Vec<TruthCampaign>,
    /// How each follower of an own account was really acquired:
    /// `organic`, `campaign:<name>`, `pre_existing` (followed before the data
    /// starts), `friend`, or the fake family (`bought_followers`, `follow_ring`, `pod`).
    pub followers: BTreeMap<String, String>,
    /// Every planted fake account and its family (`like_farm`,
    /// `bought_followers`, `pod`, `follow_ring`, `bot`).
    pub fake_accounts: BTreeMap<String, String>,
    pub groups: Vec<TruthGroup>,
    pub amplifiers: Vec<TruthAmplifier>,
    /// Followers with a high, lasting engagement.
    pub core: Vec<String>,
    /// The manager's personal network.
    pub friends: Vec<String>,
    /// Every conversion written to conversions.csv: from tagged links in
    /// own posts (`utm_medium=social`), from campaigns (`paid_social`, with
    /// the campaign), and direct ones with no attribution. Absent from
    /// truth files written before conversions were generated.
    #[serde(default)]
    pub conversions: Vec<TruthConversion>,
    /// The blog (WordPress export and feed); absent from older truth files.
    #[serde(default)]
    pub blog: Option<crate::TruthBlog>,
    /// Subreddits discussing the topics (`reddit-venues.ndjson`) and each
    /// Reddit post's planted topic; absent from older truth files.
    #[serde(default)]
    pub venues: Option<crate::TruthVenues>,
    /// People with accounts on Bluesky and on the blog, and look-alikes;
    /// absent from older truth files.
    #[serde(default)]
    pub identity: Option<crate::TruthIdentity>,
    pub counts: Counts,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TruthConversion {
    pub at: String,
    pub value: f64,
    pub currency: String,
    pub channel: String,
    pub campaign: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TruthAccount {
    pub account: String,
    pub handle: String,
    pub role: String,
    pub lang: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TruthCampaign {
    pub channel: String,
    pub name: String,
    /// RFC 3339; the window is [start, end).
    pub start: String,
    pub end: String,
    pub spend: f64,
    pub currency: String,
    /// Posts the campaign promoted (listed in campaigns.csv when non-empty).
    pub promoted_posts: Vec<String>,
    /// Followers the campaign really brought.
    pub followers: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TruthGroup {
    /// `like_farm`, `bought_followers`, `pod`, `follow_ring`, `bot`.
    pub pattern: String,
    pub accounts: Vec<String>,
    /// Posts or accounts the group targeted.
    pub targets: Vec<String>,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TruthAmplifier {
    pub account: String,
    pub topic: String,
    /// Expected extra likes per reshare (audience × like probability).
    pub strength: f64,
    pub audience: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Lines written to the Jetstream file: every one a valid event.
    pub events: u64,
    /// Events by `collection/operation` (`app.bsky.feed.like/create`, …) or kind (`identity`).
    pub by_type: BTreeMap<String, u64>,
    /// Follows of own accounts, and unfollows of them.
    pub own_follows: u64,
    pub own_unfollows: u64,
    /// Unfollows of follows made before the data starts (their target
    /// cannot be known from the data).
    pub unfollows_of_unseen_follows: u64,
}

impl Truth {
    /// `conversions.csv` in the format `levain import conversions` reads.
    pub fn conversions_csv(&self) -> String {
        let mut s =
            String::from("at,value,currency,channel,campaign,utm_source,utm_medium,utm_campaign\n");
        for c in &self.conversions {
            s.push_str(&format!(
                "{},{:.2},{},{},{},{},{},{}\n",
                c.at,
                c.value,
                c.currency,
                c.channel,
                c.campaign,
                c.utm_source,
                c.utm_medium,
                c.utm_campaign
            ));
        }
        s
    }

    /// `campaigns.csv` in the format `levain import campaigns` reads.
    pub fn campaigns_csv(&self) -> String {
        let mut s = String::from("channel,name,start,end,spend,currency,promoted_posts\n");
        for c in &self.campaigns {
            s.push_str(&format!(
                "{},{},{},{},{:.2},{},{}\n",
                c.channel,
                c.name,
                c.start,
                c.end,
                c.spend,
                c.currency,
                c.promoted_posts.join(" ")
            ));
        }
        s
    }
}
