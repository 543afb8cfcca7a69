//! Where the community's topics are discussed besides our own posts: a
//! Reddit dump (Pushshift/Arctic Shift NDJSON, submissions and comments)
//! with subreddits on the four topics, some growing and without us (the
//! planted gaps), one where the workshop's Reddit account takes part, one
//! small and fading.
//!
//! Posts carry no hashtags: their topic is in their words, drawn from each
//! topic's vocabulary, which the own posts' templates share, so only a
//! reading of keywords can put them in the right topic. Drawn from its own
//! seeded stream after the simulation, so the Jetstream bytes do not change.

use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::text::TOPICS;

/// The workshop's Reddit account (declare it own to see its presence).
pub const OWN_REDDIT: &str = "atelier_levain";

/// What the venues hold, for the topic and venue benchmarks.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TruthVenues {
    /// The workshop's Reddit account key.
    pub own_account: String,
    pub venues: Vec<TruthVenue>,
    /// The planted topic (a [`TOPICS`] name) of every Reddit post, by key.
    pub posts: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TruthVenue {
    pub venue: String,
    pub topic: String,
    pub posts: u64,
    pub authors: u64,
    pub own_posts: u64,
    /// `growing`, `steady` or `fading`.
    pub trend: String,
    /// Discussed by many, growing, and we are absent: the gaps to find.
    pub gap: bool,
}

struct Plan {
    subreddit: &'static str,
    topic: &'static str,
    fr: bool,
    threads: f64,
    authors: f64,
    trend: Trend,
    own_share: f64,
}

#[derive(Clone, Copy, PartialEq)]
enum Trend {
    Growing,
    Steady,
    Fading,
}

const PLANS: &[Plan] = &[
    Plan {
        subreddit: "bikecommuting",
        topic: "velotaf",
        fr: false,
        threads: 110.0,
        authors: 45.0,
        trend: Trend::Growing,
        own_share: 0.0,
    },
    Plan {
        subreddit: "bikewrench",
        topic: "reparation",
        fr: false,
        threads: 90.0,
        authors: 38.0,
        trend: Trend::Growing,
        own_share: 0.0,
    },
    Plan {
        subreddit: "CargoBike",
        topic: "cargo",
        fr: false,
        threads: 80.0,
        authors: 32.0,
        trend: Trend::Growing,
        own_share: 0.0,
    },
    Plan {
        subreddit: "velo",
        topic: "reparation",
        fr: true,
        threads: 70.0,
        authors: 30.0,
        trend: Trend::Steady,
        own_share: 0.4,
    },
    Plan {
        subreddit: "urbanisme",
        topic: "urbanisme",
        fr: true,
        threads: 24.0,
        authors: 8.0,
        trend: Trend::Fading,
        own_share: 0.0,
    },
];

/// Each topic's words, the ones its own-post templates use, by language.
fn vocabulary(topic: &str, fr: bool) -> &'static [&'static str] {
    match (topic, fr) {
        ("velotaf", false) => &[
            "commute", "morning", "rain", "lane", "soaked", "tips", "riding", "mood", "parking",
        ],
        ("velotaf", true) => &[
            "trajet", "matin", "pluie", "piste", "trempé", "conseils", "rouler", "humeur",
            "travail",
        ],
        ("reparation", false) => &[
            "repair",
            "brakes",
            "derailleurs",
            "tubes",
            "chain",
            "tools",
            "guide",
            "workshop",
        ],
        ("reparation", true) => &[
            "réparation",
            "freins",
            "dérailleurs",
            "chambres",
            "chaîne",
            "outils",
            "tuto",
            "entretenir",
        ],
        ("cargo", false) => &[
            "cargo",
            "kids",
            "groceries",
            "rides",
            "delivering",
            "tradesman",
            "grants",
            "purchase",
        ],
        ("cargo", true) => &[
            "cargo", "enfants", "courses", "livrer", "artisan", "aides", "achat", "essai",
        ],
        ("urbanisme", false) => &[
            "city", "district", "station", "meeting", "traffic", "cars", "numbers",
        ],
        _ => &[
            "ville",
            "quartier",
            "gare",
            "réunion",
            "circulation",
            "voitures",
            "chiffres",
            "publique",
        ],
    }
}

/// Sentence frames made of stop words only, so they carry no topic of their own.
const FRAMES_EN: &[&str] = &[
    "{a} and {b}?",
    "What about {a} with {b}?",
    "My {a}, your {b} and {c}.",
    "How do you do {a} and {b}?",
    "Any {a} or {b} here?",
];
const FRAMES_FR: &[&str] = &[
    "{a} et {b} ?",
    "Et vous, {a} ou {b} ?",
    "Mon {a}, votre {b} et {c}.",
    "Comment faire pour {a} avec {b} ?",
    "Des {a} pour {b} ?",
];

fn sentence(rng: &mut ChaCha8Rng, topic: &str, fr: bool) -> String {
    let words = vocabulary(topic, fr);
    let frames = if fr { FRAMES_FR } else { FRAMES_EN };
    let mut pick: Vec<&str> = Vec::new();
    while pick.len() < 3 {
        let w = words[rng.random_range(0..words.len())];
        if !pick.contains(&w) {
            pick.push(w);
        }
    }
    let frame = frames[rng.random_range(0..frames.len())];
    let mut s = frame
        .replace("{a}", pick[0])
        .replace("{b}", pick[1])
        .replace("{c}", pick[2]);
    if let Some(first) = s.chars().next() {
        s.replace_range(..first.len_utf8(), &first.to_uppercase().to_string());
    }
    s
}

/// Writes the dump (time-ordered NDJSON) and returns it with its truth.
pub fn generate(seed: u64, start: i64, days: u32, factor: f64) -> (String, TruthVenues) {
    const DAY: i64 = 86_400_000_000;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7665_6e75_6573);
    let mut truth = TruthVenues {
        own_account: format!("reddit:{OWN_REDDIT}"),
        ..TruthVenues::default()
    };
    // (time in seconds, line)
    let mut lines: Vec<(i64, String)> = Vec::new();
    let mut next_id = 1_000_000u64 + rng.random_range(0..1_000_000);
    let scale = factor.sqrt().max(0.2);
    let end_s = (start + i64::from(days) * DAY) / 1_000_000;
    let start_s = start / 1_000_000;
    for plan in PLANS {
        debug_assert!(TOPICS.iter().any(|t| t.name == plan.topic));
        let threads = (plan.threads * scale).round().max(4.0) as usize;
        let pool = (plan.authors * scale).round().max(3.0) as usize;
        let authors: Vec<String> = (0..pool)
            .map(|i| {
                format!(
                    "{}_{}{:03}",
                    plan.subreddit.to_lowercase(),
                    name(&mut rng),
                    i
                )
            })
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        let mut own_posts = 0u64;
        let mut posts = 0u64;
        let author = |rng: &mut ChaCha8Rng, own_share: f64| -> String {
            if rng.random_bool(own_share) {
                return OWN_REDDIT.to_owned();
            }
            // A few write most, as in any forum.
            let r: f64 = rng.random();
            authors[((r * r) * authors.len() as f64) as usize].clone()
        };
        for _ in 0..threads {
            let x = draw(&mut rng, plan.trend);
            let t = start_s + ((end_s - start_s - 2 * 86_400) as f64 * x) as i64;
            next_id += 1 + rng.random_range(0..50);
            let id = base36(next_id);
            let who = author(&mut rng, plan.own_share);
            let title = sentence(&mut rng, plan.topic, plan.fr);
            let body = sentence(&mut rng, plan.topic, plan.fr);
            let mut line = String::new();
            write!(
                line,
                r#"{{"author":{},"created_utc":{t},"id":"{id}","is_self":true,"name":"t3_{id}","num_comments":0,"permalink":"/r/{sub}/comments/{id}/","score":1,"selftext":{},"subreddit":"{sub}","title":{}}}"#,
                json(&who),
                json(&body),
                json(&title),
                sub = plan.subreddit,
            )
            .expect("write to string");
            lines.push((t, line));
            truth
                .posts
                .insert(format!("reddit:t3_{id}"), plan.topic.to_owned());
            posts += 1;
            own_posts += u64::from(who == OWN_REDDIT);
            if who != OWN_REDDIT {
                seen.insert(who);
            }
            for c in 0..rng.random_range(0..4u32) {
                next_id += 1 + rng.random_range(0..50);
                let cid = base36(next_id);
                let ct = t + 600 + i64::from(c) * 3_600 + rng.random_range(0..3_600);
                let who = author(&mut rng, plan.own_share);
                let text = sentence(&mut rng, plan.topic, plan.fr);
                let mut line = String::new();
                write!(
                    line,
                    r#"{{"author":{},"body":{},"created_utc":{ct},"id":"{cid}","link_id":"t3_{id}","name":"t1_{cid}","parent_id":"t3_{id}","permalink":"/r/{sub}/comments/{id}/_/{cid}/","score":1,"subreddit":"{sub}"}}"#,
                    json(&who),
                    json(&text),
                    sub = plan.subreddit,
                )
                .expect("write to string");
                lines.push((ct, line));
                truth
                    .posts
                    .insert(format!("reddit:t1_{cid}"), plan.topic.to_owned());
                posts += 1;
                own_posts += u64::from(who == OWN_REDDIT);
                if who != OWN_REDDIT {
                    seen.insert(who);
                }
            }
        }
        truth.venues.push(TruthVenue {
            venue: format!("r/{}", plan.subreddit),
            topic: plan.topic.to_owned(),
            posts,
            authors: seen.len() as u64,
            own_posts,
            trend: match plan.trend {
                Trend::Growing => "growing",
                Trend::Steady => "steady",
                Trend::Fading => "fading",
            }
            .to_owned(),
            gap: plan.trend == Trend::Growing && plan.own_share == 0.0,
        });
    }
    lines.sort();
    let mut out = String::new();
    for (_, l) in lines {
        out.push_str(&l);
        out.push('\n');
    }
    (out, truth)
}

/// A time in [0, 1) of the period: growing venues post mostly late (density
/// 3x², the last three months hold about a quarter of it), fading ones early.
fn draw(rng: &mut ChaCha8Rng, trend: Trend) -> f64 {
    let u: f64 = rng.random();
    match trend {
        Trend::Growing => u.cbrt(),
        Trend::Steady => u,
        Trend::Fading => 1.0 - u.cbrt(),
    }
}

fn name(rng: &mut ChaCha8Rng) -> &'static str {
    const NAMES: &[&str] = &["rider", "spoke", "pedal", "gear", "wheel", "crank"];
    NAMES[rng.random_range(0..NAMES.len())]
}

fn base36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = Vec::new();
    while n > 0 {
        s.push(digits[(n % 36) as usize]);
        n /= 36;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dump_is_deterministic_time_ordered_and_matches_its_truth() {
        let (a, truth) = generate(7, 1_672_617_600_000_000, 1095, 1.0);
        let (b, _) = generate(7, 1_672_617_600_000_000, 1095, 1.0);
        assert_eq!(a, b);
        let mut last = 0;
        let mut keys = 0;
        for line in a.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let t = v["created_utc"].as_i64().unwrap();
            assert!(t >= last);
            last = t;
            let key = format!("reddit:{}", v["name"].as_str().unwrap());
            assert!(truth.posts.contains_key(&key), "{key}");
            assert!(v.get("hashtags").is_none());
            keys += 1;
        }
        assert_eq!(keys, truth.posts.len());
        let total: u64 = truth.venues.iter().map(|v| v.posts).sum();
        assert_eq!(total as usize, keys);
        assert_eq!(truth.venues.iter().filter(|v| v.gap).count(), 3);
        let velo = truth.venues.iter().find(|v| v.venue == "r/velo").unwrap();
        assert!(velo.own_posts > 0 && !velo.gap);
    }
}
