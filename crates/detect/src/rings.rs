//! Follow-back rings: accounts that follow to be followed back, take the
//! follow away when it is not returned, and follow each other en masse.
//!
//! Two measurements per account with at least `min_follows` follows:
//! churn (the share of its follows it undid within `quick` days) and
//! reciprocity (the share of the accounts it follows that follow it back).
//! The platform's norm is the median reciprocity of active followers. A
//! ring is a component of the mutual-follow graph among churning accounts,
//! with at least `min_size` members; its members are flagged, with their
//! figures against the norm.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::activity::{Activity, DAY, Kind, NEVER, NONE};
use crate::components::components;
use crate::finding::{Findings, Flag, Group, Pattern, Target};

#[derive(Clone, Debug)]
pub struct RingConfig {
    pub min_follows: usize,
    /// A follow undone within this many days is churn.
    pub quick_days: i64,
    pub min_churned: usize,
    pub min_churn: f64,
    pub min_size: usize,
}

impl Default for RingConfig {
    fn default() -> Self {
        RingConfig {
            min_follows: 5,
            quick_days: 14,
            min_churned: 3,
            min_churn: 0.15,
            min_size: 5,
        }
    }
}

pub fn detect(act: &Activity, cfg: &RingConfig) -> Findings {
    let mut follows: HashMap<u32, Vec<(u32, i64, i64)>> = HashMap::new();
    // Every follow ever made (for reciprocity), and those still in place
    // (for the ring's mutual links).
    let mut edges: HashSet<(u32, u32)> = HashSet::new();
    let mut current: HashSet<(u32, u32)> = HashSet::new();
    for e in &act.events {
        if e.kind == Kind::Follow && e.target != NONE && e.target != e.actor {
            follows
                .entry(e.actor)
                .or_default()
                .push((e.target, e.at, e.ended));
            edges.insert((e.actor, e.target));
            if e.ended == NEVER {
                current.insert((e.actor, e.target));
            }
        }
    }
    struct Stats {
        follows: usize,
        churned: usize,
        reciprocated: usize,
    }
    let mut stats: BTreeMap<u32, Stats> = BTreeMap::new();
    let mut reciprocities = Vec::new();
    for (&a, fs) in &follows {
        if fs.len() < cfg.min_follows || act.is_own(a) {
            continue;
        }
        let targets: HashSet<u32> = fs.iter().map(|f| f.0).collect();
        // Distinct accounts followed and then dropped quickly.
        let churned = fs
            .iter()
            .filter(|f| f.2 != NEVER && f.2 - f.1 <= cfg.quick_days * DAY)
            .map(|f| f.0)
            .collect::<HashSet<u32>>()
            .len();
        let reciprocated = targets.iter().filter(|&&t| edges.contains(&(t, a))).count();
        reciprocities.push(reciprocated as f64 / targets.len() as f64);
        stats.insert(
            a,
            Stats {
                follows: targets.len(),
                churned,
                reciprocated,
            },
        );
    }
    reciprocities.sort_by(f64::total_cmp);
    let norm = reciprocities
        .get(reciprocities.len() / 2)
        .copied()
        .unwrap_or(0.0);
    let churner = |a: &u32| {
        stats.get(a).is_some_and(|s| {
            s.churned >= cfg.min_churned && s.churned as f64 >= cfg.min_churn * s.follows as f64
        })
    };
    let mut mutual: Vec<(u32, u32)> = current
        .iter()
        .copied()
        .filter(|&(a, b)| a < b && current.contains(&(b, a)) && churner(&a) && churner(&b))
        .collect();
    mutual.sort_unstable();
    let mut out = Findings::default();
    for members in components(act.accounts.len(), &mutual) {
        let n = members.len();
        if n < cfg.min_size {
            continue;
        }
        let mut flags = Vec::new();
        let (mut from, mut to) = (i64::MAX, i64::MIN);
        let mut targets: HashSet<u32> = HashSet::new();
        for &m in &members {
            let s = &stats[&m];
            let inside = members
                .iter()
                .filter(|&&o| o != m && current.contains(&(m, o)) && current.contains(&(o, m)))
                .count();
            for f in &follows[&m] {
                from = from.min(f.1);
                to = to.max(f.1);
                if f.2 != NEVER && act.is_own(f.0) {
                    targets.insert(f.0);
                }
            }
            let recip = s.reciprocated as f64 / s.follows as f64;
            flags.push(Flag {
                account: m,
                pattern: Pattern::FollowRing,
                strength: (0.6 + 0.3 * (s.churned as f64 / s.follows as f64).min(1.0) * 2.0)
                    .min(0.9),
                reason: format!(
                    "followed {} accounts and dropped {} of them within {} days; {:.0}% follow it back (typical: {:.0}%); follows and is followed by {inside} members of a {n}-account ring",
                    s.follows,
                    s.churned,
                    cfg.quick_days,
                    100.0 * recip,
                    100.0 * norm
                ),
            });
        }
        let mut targets: Vec<Target> = targets.into_iter().map(Target::Account).collect();
        targets.sort();
        let churned: usize = members.iter().map(|m| stats[m].churned).sum();
        out.groups.push(Group {
            pattern: Pattern::FollowRing,
            accounts: members.clone(),
            targets,
            from,
            to,
            reasons: vec![format!(
                "{n} accounts follow one another and undid {churned} follows of others within {} days",
                cfg.quick_days
            )],
        });
        out.flags.extend(flags);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::testing::*;

    #[test]
    fn a_ring_that_follows_and_takes_back_is_found() {
        let mut s = Scene::new();
        let ring: Vec<u32> = (0..8).map(|i| s.acct(&format!("ring{i}"))).collect();
        let people: Vec<u32> = (0..30).map(|i| s.acct(&format!("p{i}"))).collect();
        for &a in &ring {
            for &b in &ring {
                if a != b {
                    s.follow(a, b, DAY, NEVER);
                }
            }
            for (k, &p) in people.iter().enumerate().take(10) {
                let t = (2 + k as i64) * DAY;
                s.follow(a, p, t, t + 4 * DAY);
            }
            s.follow(a, 0, 3 * DAY, 8 * DAY);
        }
        // Ordinary people: some mutual follows, an unfollow months later.
        for (i, &p) in people.iter().enumerate() {
            for k in 1..6 {
                let q = people[(i + k) % people.len()];
                s.follow(p, q, DAY, if k == 5 { 200 * DAY } else { NEVER });
            }
        }
        let found = detect(&s.finish(), &RingConfig::default());
        let mut flagged: Vec<u32> = found.flags.iter().map(|f| f.account).collect();
        flagged.sort_unstable();
        assert_eq!(flagged, ring);
        let r = &found.flags[0].reason;
        assert!(r.contains("dropped 11 of them within 14 days"), "{r}");
        assert!(r.contains("7 members of a 8-account ring"), "{r}");
        assert_eq!(found.groups[0].targets, vec![Target::Account(0)]);
    }
}
