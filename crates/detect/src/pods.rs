//! Engagement pods: small groups whose members like and reply to each
//! other's posts, reciprocally and fast, across many posts.
//!
//! For every ordered pair (a, b) of non-own accounts, count b's posts that
//! a engaged with within `fast` of publication. A pair is reciprocal when
//! both directions reach `min_posts`. Components of the reciprocal graph of
//! `min_size..=max_size` accounts whose reciprocal-pair density reaches
//! `min_density` are pods. Pods exist to please the ranking algorithm, so
//! speed and reciprocity are the signature; a circle of friends who read
//! each other now and then reaches neither.

use std::collections::HashMap;

use crate::activity::{Activity, Kind, NONE, duration};
use crate::components::components;
use crate::finding::{Findings, Flag, Group, Pattern, Target};

#[derive(Clone, Debug)]
pub struct PodConfig {
    /// Engagement within this time of publication is "fast" (µs).
    pub fast: i64,
    pub min_posts: u32,
    pub min_size: usize,
    pub max_size: usize,
    pub min_density: f64,
}

impl Default for PodConfig {
    fn default() -> Self {
        PodConfig {
            fast: 60 * 60_000_000,
            min_posts: 3,
            min_size: 3,
            max_size: 60,
            min_density: 0.5,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct PairStats {
    posts: u32,
    replies: u32,
    delay_sum: i64,
}

pub fn detect(act: &Activity, cfg: &PodConfig) -> Findings {
    // (actor, author) → fast engagements, counted once per post.
    let mut pair: HashMap<(u32, u32), PairStats> = HashMap::new();
    let mut once: HashMap<(u32, u32, Kind), ()> = HashMap::new();
    let mut counted: HashMap<(u32, u32), ()> = HashMap::new();
    for e in &act.events {
        if !e.kind.engages() || e.post == NONE {
            continue;
        }
        let post = act.posts[e.post as usize];
        let author = post.author;
        if author == NONE || author == e.actor || act.is_own(author) || act.is_own(e.actor) {
            continue;
        }
        if post.at == i64::MIN || e.at < post.at || e.at - post.at > cfg.fast {
            continue;
        }
        if once.insert((e.actor, e.post, e.kind), ()).is_some() {
            continue;
        }
        let s = pair.entry((e.actor, author)).or_default();
        if counted.insert((e.actor, e.post), ()).is_none() {
            s.posts += 1;
            s.delay_sum += e.at - post.at;
        }
        if e.kind == Kind::Reply {
            s.replies += 1;
        }
    }
    let mut recip: Vec<(u32, u32)> = pair
        .iter()
        .filter(|&(&(a, b), s)| {
            a < b
                && s.posts >= cfg.min_posts
                && pair.get(&(b, a)).is_some_and(|r| r.posts >= cfg.min_posts)
        })
        .map(|(&k, _)| k)
        .collect();
    recip.sort_unstable();
    let mut out = Findings::default();
    for members in components(act.accounts.len(), &recip) {
        let n = members.len();
        if n < cfg.min_size || n > cfg.max_size {
            continue;
        }
        let links = recip
            .iter()
            .filter(|(a, _)| members.binary_search(a).is_ok())
            .count();
        let density = links as f64 / (n * (n - 1) / 2) as f64;
        if density < cfg.min_density {
            continue;
        }
        let mut flags = Vec::new();
        let (mut total_posts, mut total_delay) = (0u32, 0i64);
        for &m in &members {
            let (mut posts, mut replies, mut delay, mut authors, mut back) = (0, 0, 0i64, 0, 0);
            for &o in &members {
                if let Some(s) = pair.get(&(m, o)) {
                    posts += s.posts;
                    replies += s.replies;
                    delay += s.delay_sum;
                    authors += 1;
                }
                if pair.get(&(o, m)).is_some_and(|s| s.posts > 0) {
                    back += 1;
                }
            }
            total_posts += posts;
            total_delay += delay;
            let mean = delay / i64::from(posts.max(1));
            flags.push(Flag {
                account: m,
                pattern: Pattern::Pod,
                strength: (0.5 + 0.4 * density) * if replies > 0 { 1.0 } else { 0.85 },
                reason: format!(
                    "engaged with {posts} posts of {authors} other members of a {n}-account group ({replies} replies), {} after publication on average; {back} members of the group did the same for its posts",
                    duration(mean)
                ),
            });
        }
        let (from, to) = span(act, &members);
        out.groups.push(Group {
            pattern: Pattern::Pod,
            accounts: members.clone(),
            targets: members.iter().map(|&m| Target::Account(m)).collect(),
            from,
            to,
            reasons: vec![format!(
                "{n} accounts engaged with each other's posts {total_posts} times, {} after publication on average; {:.0}% of member pairs do it both ways",
                duration(total_delay / i64::from(total_posts.max(1))),
                100.0 * density
            )],
        });
        out.flags.extend(flags);
    }
    out
}

/// First and last engagement among members.
fn span(act: &Activity, members: &[u32]) -> (i64, i64) {
    let (mut from, mut to) = (i64::MAX, i64::MIN);
    for e in &act.events {
        if e.post != NONE
            && members.binary_search(&e.actor).is_ok()
            && members
                .binary_search(&act.posts[e.post as usize].author)
                .is_ok()
        {
            from = from.min(e.at);
            to = to.max(e.at);
        }
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::testing::*;

    #[test]
    fn a_pod_is_found_and_slow_friends_are_not() {
        let mut s = Scene::new();
        let pod: Vec<u32> = (0..6).map(|i| s.acct(&format!("pod{i}"))).collect();
        let friends: Vec<u32> = (0..6).map(|i| s.acct(&format!("friend{i}"))).collect();
        for day in 0..20 {
            for (i, &m) in pod.iter().enumerate() {
                let t = day * DAY + i as i64 * HOUR;
                let p = s.post(&format!("pod{i}-{day}"), m, t);
                for (j, &o) in pod.iter().enumerate() {
                    if o != m && (day + j as i64) % 4 != 0 {
                        s.engage(o, Kind::Like, p, t + (2 + j as i64) * MIN);
                        s.engage(o, Kind::Reply, p, t + (9 + j as i64) * MIN);
                    }
                }
            }
            // Friends read each other too, but hours later.
            for (i, &m) in friends.iter().enumerate() {
                let t = day * DAY + i as i64 * HOUR;
                let p = s.post(&format!("friend{i}-{day}"), m, t);
                for &o in &friends {
                    if o != m {
                        s.engage(o, Kind::Like, p, t + 5 * HOUR);
                    }
                }
            }
        }
        let found = detect(&s.finish(), &PodConfig::default());
        let mut flagged: Vec<u32> = found.flags.iter().map(|f| f.account).collect();
        flagged.sort_unstable();
        assert_eq!(flagged, pod);
        assert_eq!(found.groups.len(), 1);
        let r = &found.flags[0].reason;
        assert!(r.contains("of 5 other members of a 6-account group"), "{r}");
        assert!(r.contains("replies"), "{r}");
    }
}
