//! What the detectors read: who did what to whom and when, with integer ids.
//!
//! Strings (account keys, post URIs) are interned once by [`ActivityBuilder`];
//! every detector then works on `u32` ids and flat vectors.

use std::collections::HashMap;

/// No post, or an account we do not know.
pub const NONE: u32 = u32::MAX;
/// Not ended.
pub const NEVER: i64 = i64::MAX;
/// Durations in microseconds, the unit of every time here.
pub const MIN: i64 = 60_000_000;
pub const HOUR: i64 = 60 * MIN;
pub const DAY: i64 = 24 * HOUR;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Like,
    Reshare,
    Reply,
    Quote,
    Follow,
}

impl Kind {
    /// Engagement with a post, as opposed to a follow.
    pub fn engages(self) -> bool {
        !matches!(self, Kind::Follow)
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "like" => Kind::Like,
            "reshare" => Kind::Reshare,
            "reply" => Kind::Reply,
            "quote" => Kind::Quote,
            "follow" => Kind::Follow,
            _ => return None,
        })
    }

    /// The verb for explanations: "liked", "followed", …
    pub fn verb(self) -> &'static str {
        match self {
            Kind::Like => "liked",
            Kind::Reshare => "reshared",
            Kind::Reply => "replied to",
            Kind::Quote => "quoted",
            Kind::Follow => "followed",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Account {
    /// The store's account key (`bluesky:did:plc:…`).
    pub key: String,
    /// Latest handle, for explanations.
    pub handle: Option<String>,
    pub own: bool,
    /// Known to have interacted with an own account or post in ways the
    /// events here do not carry (a mention, say).
    pub audience: bool,
    /// First time the account was observed (µs), when known.
    pub first_seen: Option<i64>,
}

#[derive(Clone, Copy, Debug)]
pub struct Post {
    pub author: u32,
    /// Publication time (µs); `i64::MIN` when the post itself was not imported.
    pub at: i64,
    /// Hash of the post's normalised text; 0 for none.
    pub text: u64,
}

/// One like, reshare, reply, quote or follow.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    pub actor: u32,
    pub kind: Kind,
    /// Microseconds since the epoch.
    pub at: i64,
    /// The post engaged with, or [`NONE`] for a follow.
    pub post: u32,
    /// The account followed or whose post it is; [`NONE`] when unknown.
    pub target: u32,
    /// When the record was deleted (an unfollow, an un-like), or [`NEVER`].
    pub ended: i64,
}

/// Everything the detectors see, with the data's time span.
#[derive(Clone, Debug, Default)]
pub struct Activity {
    pub accounts: Vec<Account>,
    pub posts: Vec<Post>,
    /// The store's key (URI) of each post.
    pub post_keys: Vec<String>,
    /// Sorted by time.
    pub events: Vec<Event>,
    /// First and last instant of the data (µs).
    pub start: i64,
    pub end: i64,
    /// Campaign windows: a campaign is expected to bring followers faster.
    pub campaigns: Vec<Campaign>,
}

#[derive(Clone, Debug)]
pub struct Campaign {
    pub channel: String,
    pub name: String,
    /// [from, to) in µs.
    pub from: i64,
    pub to: i64,
}

impl Activity {
    pub fn is_own(&self, account: u32) -> bool {
        self.accounts.get(account as usize).is_some_and(|a| a.own)
    }

    /// The channel of an account: the prefix of its key (`bluesky:…`).
    pub fn channel(&self, account: u32) -> &str {
        let key = &self.accounts[account as usize].key;
        key.split_once(':').map_or("", |(c, _)| c)
    }

    /// A short name for explanations: `@handle`, else the key.
    pub fn name(&self, account: u32) -> String {
        let a = &self.accounts[account as usize];
        match &a.handle {
            Some(h) => format!("@{h}"),
            None => a.key.clone(),
        }
    }

    /// Accounts that engaged with an own post or followed an own account,
    /// or are marked as audience by the loader (a mention, say):
    /// the audience every verdict is about.
    pub fn audience(&self) -> Vec<bool> {
        let mut seen: Vec<bool> = self.accounts.iter().map(|a| a.audience && !a.own).collect();
        for e in &self.events {
            if e.target != NONE && self.is_own(e.target) && !self.is_own(e.actor) {
                seen[e.actor as usize] = true;
            }
        }
        seen
    }
}

/// Interns keys and collects rows into an [`Activity`].
#[derive(Default)]
pub struct ActivityBuilder {
    activity: Activity,
    account_ids: HashMap<String, u32>,
    post_ids: HashMap<String, u32>,
}

impl ActivityBuilder {
    pub fn account(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.account_ids.get(key) {
            return id;
        }
        let id = self.activity.accounts.len() as u32;
        self.activity.accounts.push(Account {
            key: key.to_owned(),
            ..Account::default()
        });
        self.account_ids.insert(key.to_owned(), id);
        id
    }

    pub fn account_mut(&mut self, id: u32) -> &mut Account {
        &mut self.activity.accounts[id as usize]
    }

    /// The id of a post; `author` and `at` fill in what is known so far.
    pub fn post(&mut self, uri: &str, author: u32) -> u32 {
        if let Some(&id) = self.post_ids.get(uri) {
            return id;
        }
        let id = self.activity.posts.len() as u32;
        self.activity.posts.push(Post {
            author,
            at: i64::MIN,
            text: 0,
        });
        self.activity.post_keys.push(uri.to_owned());
        self.post_ids.insert(uri.to_owned(), id);
        id
    }

    pub fn post_mut(&mut self, id: u32) -> &mut Post {
        &mut self.activity.posts[id as usize]
    }

    pub fn campaign(&mut self, c: Campaign) {
        self.activity.campaigns.push(c);
    }

    pub fn event(&mut self, e: Event) {
        self.activity.events.push(e);
    }

    pub fn finish(mut self) -> Activity {
        let a = &mut self.activity;
        a.events.sort_by_key(|e| (e.at, e.actor));
        // The span of the events; posts' own dates (client-set, sometimes
        // absurd) only when there are no events.
        let times: Vec<i64> = if a.events.is_empty() {
            a.posts
                .iter()
                .map(|p| p.at)
                .filter(|&t| t != i64::MIN)
                .collect()
        } else {
            a.events.iter().map(|e| e.at).collect()
        };
        let (mut start, mut end) = (i64::MAX, i64::MIN);
        for t in times {
            start = start.min(t);
            end = end.max(t);
        }
        if start > end {
            (start, end) = (0, 0);
        }
        a.start = start;
        a.end = end;
        self.activity
    }
}

/// A duration in words: "40 s", "10 min", "3 h", "2 days".
pub fn duration(micros: i64) -> String {
    let s = micros / 1_000_000;
    match s {
        ..120 => format!("{s} s"),
        120..7_200 => format!("{} min", (s + 30) / 60),
        7_200..172_800 => format!("{} h", (s + 1_800) / 3_600),
        _ => format!("{} days", (s + 43_200) / 86_400),
    }
}

/// A UTC date (`2026-03-04`) for explanations.
pub fn date(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod testing {
    //! Small hand-built activities for the detectors' tests.
    use super::*;

    pub use super::{DAY, HOUR, MIN};

    /// A small seeded xorshift generator for test scenes: `rng(seed)(m)`
    /// is the next number in `0..m`.
    pub fn rng(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut x = seed;
        move |m| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        }
    }

    pub struct Scene {
        pub b: ActivityBuilder,
    }

    impl Scene {
        pub fn new() -> Scene {
            let mut b = ActivityBuilder::default();
            let me = b.account("own");
            b.account_mut(me).own = true;
            Scene { b }
        }
        pub fn acct(&mut self, key: &str) -> u32 {
            self.b.account(key)
        }
        pub fn post(&mut self, uri: &str, author: u32, at: i64) -> u32 {
            let p = self.b.post(uri, author);
            self.b.post_mut(p).at = at;
            p
        }
        pub fn engage(&mut self, actor: u32, kind: Kind, post: u32, at: i64) {
            let target = self.b.activity.posts[post as usize].author;
            self.b.event(Event {
                actor,
                kind,
                at,
                post,
                target,
                ended: NEVER,
            });
        }
        pub fn follow(&mut self, actor: u32, target: u32, at: i64, ended: i64) {
            self.b.event(Event {
                actor,
                kind: Kind::Follow,
                at,
                post: NONE,
                target,
                ended,
            });
        }
        pub fn finish(self) -> Activity {
            self.b.finish()
        }
    }
}
