//! Lockstep engagement (like farms), after CopyCatch (Beutel et al.,
//! WWW'13) and SynchroTrap (Cao et al., CCS'14): groups of accounts that
//! engage with the same set of posts, each time within a short window of
//! one another.
//!
//! 1. For every post, accounts whose engagements fall within `window` of
//!    each other co-engage; a pair's count is the number of posts on which
//!    it co-engaged (SynchroTrap's pairwise similarity). Counting every
//!    pair is quadratic in a post's engagers, so candidate pairs come from
//!    MinHash locality-sensitive hashing of each account's set of (post,
//!    time slot) items (two grids offset by half a window, so engagements
//!    close in time share a slot), and only candidates are counted exactly.
//! 2. A pair is linked when it co-engaged within the window on at least
//!    `min_posts` posts, far more often than timing alone explains: on a
//!    post of author u, two engagements fall within the window with
//!    probability q_u, the median over u's posts of the share of their
//!    engagement pairs that do (the median, so a farm's own posts do not set
//!    the norm), and the expected count is Σ q_u over the pair's common
//!    posts; the Poisson tail of the observed count must be below `alpha`.
//!    Sharing posts is not the signal here (loyal fans share most posts;
//!    dense blocks are [`crate::dense`]'s job): sharing the moment is.
//!    Linked components of at least `min_accounts` are candidates.
//! 3. Each candidate is refined as CopyCatch does: the group's posts are
//!    those most members engaged with, each post gets the median time of
//!    its members' engagements, and a member stays if it engaged with at
//!    least `min_share` of the group's posts within `window` of that time.
//!
//! Windows from minutes to a day are tried in turn, tightest first; an
//! account is reported once, at the tightest window that caught it.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::activity::{Activity, DAY, MIN, NONE, duration};
use crate::components::components;
use crate::finding::{Findings, Flag, Group, Pattern, Target};

#[derive(Clone, Debug)]
pub struct LockstepConfig {
    /// Windows tried, tightest first (µs).
    pub windows: Vec<i64>,
    pub min_accounts: usize,
    pub min_posts: u32,
    pub min_share: f64,
    pub alpha: f64,
}

impl Default for LockstepConfig {
    fn default() -> Self {
        LockstepConfig {
            windows: vec![10 * MIN, 60 * MIN, DAY],
            min_accounts: 5,
            min_posts: 5,
            min_share: 0.5,
            alpha: 1e-6,
        }
    }
}

pub fn detect(act: &Activity, cfg: &LockstepConfig) -> Findings {
    // (post, time, actor) of every engagement with a post by a non-own account.
    let mut by_post: Vec<Vec<(i64, u32)>> = vec![Vec::new(); act.posts.len()];
    for e in &act.events {
        if e.kind.engages() && e.post != NONE && !act.is_own(e.actor) {
            by_post[e.post as usize].push((e.at, e.actor));
        }
    }
    // An account's first engagement with each post.
    for v in &mut by_post {
        v.sort_unstable_by_key(|&(t, a)| (a, t));
        v.dedup_by_key(|x| x.1);
        v.sort_unstable();
    }
    let mut posts_of = vec![0u32; act.accounts.len()];
    for v in &by_post {
        for &(_, a) in v {
            posts_of[a as usize] += 1;
        }
    }
    let mut out = Findings::default();
    // Accounts with too few posts can be in no group: leaving them out of
    // the pair counting saves most of its work.
    let mut taken: Vec<bool> = posts_of.iter().map(|&n| n < cfg.min_posts).collect();
    // Each account's first engagement per post, by post.
    let mut by_account: Vec<Vec<(u32, i64)>> = vec![Vec::new(); act.accounts.len()];
    for (p, v) in by_post.iter().enumerate() {
        for &(t, a) in v {
            if !taken[a as usize] {
                by_account[a as usize].push((p as u32, t));
            }
        }
    }
    // Items hash the post's key, not its id (ids follow the order rows were
    // read in): the same data gives the same candidates on every run.
    let post_hash: Vec<u64> = (0..act.posts.len())
        .map(|p| match act.post_keys.get(p) {
            Some(k) => k.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            }),
            None => mix(p as u64),
        })
        .collect();
    for &window in &cfg.windows {
        let started = std::time::Instant::now();
        let q = author_norm(act, &within_share(&by_post, window));
        let candidates = candidate_pairs(&by_account, &post_hash, &q, window, &taken);
        let mut linked = Vec::new();
        for &(a, b) in &candidates {
            let (n, expected) =
                co_engaged(&by_account[a as usize], &by_account[b as usize], window, &q);
            if n >= cfg.min_posts && crate::stats::poisson_tail(u64::from(n), expected) < cfg.alpha
            {
                linked.push((a, b));
            }
        }
        tracing::debug!(
            "lockstep window {}: {} candidate pairs, {} linked, {:.2?}",
            duration(window),
            candidates.len(),
            linked.len(),
            started.elapsed()
        );
        let comps = components(act.accounts.len(), &linked)
            .into_iter()
            .filter(|c| c.len() >= cfg.min_accounts);
        for members in comps {
            if let Some((group, flags)) = refine(act, &by_post, &members, &taken, window, cfg) {
                for f in &flags {
                    taken[f.account as usize] = true;
                }
                for f in &flags {
                    by_account[f.account as usize].clear();
                }
                out.flags.extend(flags);
                out.groups.push(group);
            }
        }
    }
    out
}

/// For each post, the share of its engagement pairs that fall within
/// `window` of each other (counted without listing them), and the number
/// of its pairs.
fn within_share(by_post: &[Vec<(i64, u32)>], window: i64) -> Vec<(f32, f64)> {
    by_post
        .iter()
        .map(|v| {
            let n = v.len() as f64;
            let all = n * (n - 1.0) / 2.0;
            let (mut lo, mut within) = (0, 0f64);
            for hi in 0..v.len() {
                while v[hi].0 - v[lo].0 > window {
                    lo += 1;
                }
                within += (hi - lo) as f64;
            }
            if all > 0.0 {
                ((within / all) as f32, all)
            } else {
                (f32::NAN, 0.0)
            }
        })
        .collect()
}

/// Each post's within-window share replaced by the median over its
/// author's posts, weighted by their pairs (a post with two likers says
/// little about its author's audience).
fn author_norm(act: &Activity, q: &[(f32, f64)]) -> Vec<f32> {
    let mut by_author: HashMap<u32, Vec<(f32, f64)>> = HashMap::new();
    for (p, &(x, w)) in q.iter().enumerate() {
        if x.is_finite() {
            by_author
                .entry(act.posts[p].author)
                .or_default()
                .push((x, w));
        }
    }
    let median: HashMap<u32, f32> = by_author
        .into_iter()
        .map(|(a, mut v)| {
            v.sort_by(|x, y| x.0.total_cmp(&y.0));
            let half = v.iter().map(|x| x.1).sum::<f64>() / 2.0;
            let mut acc = 0.0;
            let m = v
                .iter()
                .find(|x| {
                    acc += x.1;
                    acc >= half
                })
                .map_or(1.0, |x| x.0);
            (a, m)
        })
        .collect();
    for (a, m) in &median {
        if act.is_own(*a) {
            tracing::debug!("within-window share on {}'s posts: {m:.4}", act.name(*a));
        }
    }
    act.posts
        .iter()
        .map(|p| median.get(&p.author).copied().unwrap_or(1.0))
        .collect()
}

/// MinHash bands × rows: two accounts whose item sets have Jaccard
/// similarity 0.25 share a band with probability 1 − (1 − 0.25³)⁴⁰ ≈ 0.47,
/// at 0.5 with 0.995, at 0.1 with 0.04. A farm member (J ≈ 0.25 with each
/// of dozens of others) is all but sure to meet some of them.
const BANDS: usize = 40;
const ROWS: usize = 3;
/// Posts whose engagement pairs fall within the window this often are left
/// out of the candidate search (a pair can never be surprising there).
const UNINFORMATIVE: f32 = 0.9;
/// Buckets up to this size have all their pairs checked.
const SMALL_BUCKET: usize = 100;

/// Pairs of accounts (a < b) likely to have co-engaged often, by MinHash LSH.
fn candidate_pairs(
    by_account: &[Vec<(u32, i64)>],
    post_hash: &[u64],
    q: &[f32],
    window: i64,
    taken: &[bool],
) -> Vec<(u32, u32)> {
    use rayon::prelude::*;
    let half = (window / 2).max(1);
    let signatures: Vec<(u32, [u64; BANDS])> = by_account
        .par_iter()
        .enumerate()
        .filter(|(a, v)| !taken[*a] && v.iter().any(|(p, _)| q[*p as usize] < UNINFORMATIVE))
        .map(|(a, v)| {
            let mut mins = [u64::MAX; BANDS * ROWS];
            // On posts where nearly every pair of engagements falls within
            // the window anyway, meeting there says nothing.
            for &(p, t) in v.iter().filter(|(p, _)| q[*p as usize] < UNINFORMATIVE) {
                // Two grids of slots `window` wide, offset by half a window.
                let slot = t.div_euclid(window);
                let shifted = (t + half).div_euclid(window);
                let post = post_hash[p as usize];
                for item in [mix(post ^ slot as u64), mix(!post ^ mix(shifted as u64))] {
                    // The k hash functions by double hashing, h_k = a + k·b
                    // then a cheap finaliser: a multiply-add per function
                    // instead of a full mix (Kirsch & Mitzenmacher).
                    let (a, b) = (mix(item), mix(item ^ SEEDS[0]) | 1);
                    let mut h = a;
                    for m in mins.iter_mut() {
                        let x = h ^ (h >> 31);
                        *m = (*m).min(x.wrapping_mul(SEEDS[1]));
                        h = h.wrapping_add(b);
                    }
                }
            }
            let mut bands = [0u64; BANDS];
            for (b, band) in bands.iter_mut().enumerate() {
                *band = mins[b * ROWS..(b + 1) * ROWS]
                    .iter()
                    .fold(b as u64, |acc, &x| mix(acc ^ x));
            }
            (a as u32, bands)
        })
        .collect();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut buckets: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for b in 0..BANDS {
        buckets.clear();
        for (a, bands) in &signatures {
            buckets.entry(bands[b]).or_default().push(*a);
        }
        for members in buckets.values() {
            if members.len() <= SMALL_BUCKET {
                // Every pair: a stray honest account in the bucket cannot
                // cut a member off from the rest.
                for (i, &a) in members.iter().enumerate() {
                    for &b in &members[i + 1..] {
                        pairs.push((a.min(b), a.max(b)));
                    }
                }
                continue;
            }
            // A star and a chain link a big bucket's members: enough for the
            // components, linear in the bucket's size.
            for w in members.windows(2) {
                pairs.push((w[0].min(w[1]), w[0].max(w[1])));
            }
            for &m in members.iter().skip(2) {
                pairs.push((members[0].min(m), members[0].max(m)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

const SEEDS: [u64; 4] = [
    0x9e37_79b9_7f4a_7c15,
    0xbf58_476d_1ce4_e5b9,
    0x94d0_49bb_1331_11eb,
    0x2545_f491_4f6c_dd1d,
];

/// SplitMix64's finaliser: a fast, well-mixed 64-bit hash.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Posts both accounts engaged with within `window` of each other, and how
/// many that would be by chance given their common posts (both lists sorted
/// by post; `q` is each post's within-window share).
fn co_engaged(a: &[(u32, i64)], b: &[(u32, i64)], window: i64, q: &[f32]) -> (u32, f64) {
    let (mut i, mut j, mut n, mut expected) = (0, 0, 0, 0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += u32::from((a[i].1 - b[j].1).abs() <= window);
                expected += f64::from(q[a[i].0 as usize]);
                i += 1;
                j += 1;
            }
        }
    }
    (n, expected)
}

/// CopyCatch's refinement of one candidate group; `None` when too little is left.
fn refine(
    act: &Activity,
    by_post: &[Vec<(i64, u32)>],
    members: &[u32],
    taken: &[bool],
    window: i64,
    cfg: &LockstepConfig,
) -> Option<(Group, Vec<Flag>)> {
    let is_member: HashMap<u32, ()> = members.iter().map(|&m| (m, ())).collect();
    // Posts engaged by at least half the members, with their members' times.
    let mut posts: Vec<(u32, Vec<(i64, u32)>)> = Vec::new();
    for (p, v) in by_post.iter().enumerate() {
        if v.len() * 2 < members.len() {
            continue;
        }
        let hits: Vec<(i64, u32)> = v
            .iter()
            .copied()
            .filter(|x| is_member.contains_key(&x.1))
            .collect();
        if hits.len() * 2 >= members.len() {
            posts.push((p as u32, hits));
        }
    }
    if (posts.len() as u32) < cfg.min_posts {
        return None;
    }
    // Each post's centre: the median time of its members' engagements.
    // Then, as CopyCatch does, every account engaging near the centres
    // counts, members or not: one the candidate search missed joins here.
    let mut hits_of: HashMap<u32, u32> = HashMap::new();
    let (mut from, mut to) = (i64::MAX, i64::MIN);
    for (p, hits) in &posts {
        let centre = hits[hits.len() / 2].0;
        for &(t, a) in &by_post[*p as usize] {
            if (t - centre).abs() <= window && (is_member.contains_key(&a) || !taken[a as usize]) {
                *hits_of.entry(a).or_default() += 1;
                from = from.min(t);
                to = to.max(t);
            }
        }
    }
    let n_posts = posts.len() as u32;
    let mut kept: Vec<(u32, u32)> = hits_of
        .into_iter()
        .filter(|&(_, h)| h >= cfg.min_posts && f64::from(h) >= cfg.min_share * f64::from(n_posts))
        .collect();
    if kept.len() < cfg.min_accounts {
        return None;
    }
    kept.sort_unstable();
    let others = kept.len() - 1;
    let when = duration(window);
    // A bigger, more complete group is stronger evidence.
    let size_factor = (kept.len() as f64 / 10.0).min(1.0) * (f64::from(n_posts) / 10.0).min(1.0);
    let flags = kept
        .iter()
        .map(|&(a, h)| Flag {
            account: a,
            pattern: Pattern::LikeFarm,
            strength: (0.55 + 0.45 * size_factor) * (f64::from(h) / f64::from(n_posts)).sqrt(),
            reason: format!(
                "engaged with {h} of the same {n_posts} posts as {others} other accounts, each time within {when} of the group's median moment"
            ),
        })
        .collect();
    let group = Group {
        pattern: Pattern::LikeFarm,
        accounts: kept.iter().map(|k| k.0).collect(),
        targets: posts.iter().map(|(p, _)| Target::Post(*p)).collect(),
        from,
        to,
        reasons: vec![format!(
            "{} accounts engaged with the same {n_posts} posts, each time within {when} of the group's median moment{}",
            kept.len(),
            authors(act, &posts)
        )],
    };
    Some((group, flags))
}

fn authors(act: &Activity, posts: &[(u32, Vec<(i64, u32)>)]) -> String {
    let mut names: Vec<String> = posts
        .iter()
        .map(|(p, _)| act.posts[*p as usize].author)
        .filter(|&a| a != NONE)
        .map(|a| act.name(a))
        .collect();
    names.sort();
    names.dedup();
    match names.len() {
        0 => String::new(),
        1..=3 => format!(" (posts by {})", names.join(", ")),
        n => format!(" (posts by {n} authors)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Kind;
    use crate::activity::testing::*;

    /// 12 farm accounts like 20 posts within 5 min of publication; 40 honest
    /// accounts like the same posts at random over two days.
    fn scene(farm_delay: i64) -> (Activity, Vec<u32>) {
        let mut s = Scene::new();
        let farm: Vec<u32> = (0..12).map(|i| s.acct(&format!("farm{i}"))).collect();
        let honest: Vec<u32> = (0..40).map(|i| s.acct(&format!("honest{i}"))).collect();
        let mut rnd = rng(7);
        for p in 0..20 {
            let t = p as i64 * DAY;
            let post = s.post(&format!("p{p}"), 0, t);
            for (i, &f) in farm.iter().enumerate() {
                if (p + i) % 10 != 0 {
                    s.engage(
                        f,
                        Kind::Like,
                        post,
                        t + farm_delay + rnd(300) as i64 * 1_000_000,
                    );
                }
            }
            for &h in &honest {
                if rnd(3) == 0 {
                    s.engage(h, Kind::Like, post, t + rnd(2 * DAY as u64) as i64);
                }
            }
        }
        (s.finish(), farm)
    }

    #[test]
    fn finds_the_farm_and_only_the_farm() {
        let (act, farm) = scene(MIN);
        let found = detect(&act, &LockstepConfig::default());
        let mut flagged: Vec<u32> = found.flags.iter().map(|f| f.account).collect();
        flagged.sort_unstable();
        assert_eq!(flagged, farm);
        assert_eq!(found.groups.len(), 1);
        assert_eq!(found.groups[0].targets.len(), 20);
        let reason = &found.flags[0].reason;
        assert!(
            reason.contains("of the same 20 posts as 11 other accounts"),
            "{reason}"
        );
        assert!(reason.contains("within 10 min"), "{reason}");
    }

    #[test]
    fn a_farm_spread_over_hours_is_caught_at_a_wider_window() {
        // Each farm like 0–5 min after a common 3 h delay: still lockstep.
        let (act, farm) = scene(3 * HOUR);
        let found = detect(&act, &LockstepConfig::default());
        assert_eq!(found.flags.len(), farm.len());
    }

    #[test]
    fn honest_likers_alone_form_no_group() {
        let (act, _) = scene(MIN);
        let farm_free = Activity {
            events: act
                .events
                .iter()
                .copied()
                .filter(|e| !act.accounts[e.actor as usize].key.starts_with("farm"))
                .collect(),
            ..act.clone()
        };
        let found = detect(&farm_free, &LockstepConfig::default());
        assert!(found.flags.is_empty(), "{:?}", found.flags.first());
    }
}
