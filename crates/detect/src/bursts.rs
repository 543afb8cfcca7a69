//! Bought followers: bursts of follows of an own account far above its
//! usual rate, whose members look bought — seen only shortly before they
//! followed, never engaging, doing nothing else, or leaving together.
//!
//! The burst test is a scan statistic: for every window of `window` hours
//! (slid follow by follow) the follow count is compared with the account's
//! baseline rate around it (the median daily count over ±`baseline_days`,
//! with the burst's days left out), and kept when the Poisson tail
//! probability of seeing that many is below `alpha` and the count is at
//! least `min_follows` and `min_ratio` times the expectation (real counts
//! are overdispersed). Inside campaigns on the account's channel the
//! baseline is the median day under the same campaigns: a campaign is meant
//! to bring followers fast, and paid followers are real people. A burst alone proves nothing (a post can go viral),
//! so each member is judged on its own signals.

use std::collections::HashMap;

use crate::activity::{Activity, DAY, HOUR, Kind, MIN, NEVER, date, duration};
use crate::finding::{Findings, Flag, Group, Pattern, Target};

#[derive(Clone, Debug)]
pub struct BurstConfig {
    pub window_hours: i64,
    pub baseline_days: i64,
    pub min_follows: usize,
    /// Poisson tail probability below which a window is a burst.
    pub alpha: f64,
    /// …and how many times the expected count it must reach.
    pub min_ratio: f64,
    /// "Young": first seen at most this long before the follow (µs).
    pub young: i64,
    /// Unfollows within this span of each other count as "together" (µs).
    pub together: i64,
}

impl Default for BurstConfig {
    fn default() -> Self {
        BurstConfig {
            window_hours: 6,
            baseline_days: 14,
            min_follows: 20,
            alpha: 1e-9,
            min_ratio: 4.0,
            // Bought accounts are made to follow: created minutes before.
            young: 3 * HOUR,
            together: DAY,
        }
    }
}

pub fn detect(act: &Activity, cfg: &BurstConfig) -> Findings {
    // Each account's first follow of each own account.
    let mut follows: HashMap<u32, Vec<(i64, u32, i64)>> = HashMap::new();
    let mut first: HashMap<(u32, u32), ()> = HashMap::new();
    let mut engaged = vec![false; act.accounts.len()];
    let mut activity = vec![0u32; act.accounts.len()];
    for e in &act.events {
        activity[e.actor as usize] += 1;
        if e.target == crate::activity::NONE || !act.is_own(e.target) || act.is_own(e.actor) {
            continue;
        }
        if e.kind == Kind::Follow {
            if first.insert((e.actor, e.target), ()).is_none() {
                follows
                    .entry(e.target)
                    .or_default()
                    .push((e.at, e.actor, e.ended));
            }
        } else {
            engaged[e.actor as usize] = true;
        }
    }
    let mut out = Findings::default();
    let mut owners: Vec<u32> = follows.keys().copied().collect();
    owners.sort_unstable();
    for own in owners {
        let f = &follows[&own];
        let campaigns: Vec<(i64, i64)> = act
            .campaigns
            .iter()
            .filter(|c| c.channel == act.channel(own))
            .map(|c| (c.from, c.to))
            .collect();
        for (lo, hi) in bursts(f, act.start, &campaigns, cfg) {
            let members = &f[lo..hi];
            judge(act, own, members, &engaged, &activity, cfg, &mut out);
        }
    }
    out
}

/// Index ranges of `follows` (sorted by time) that are bursts.
fn bursts(
    follows: &[(i64, u32, i64)],
    start: i64,
    campaigns: &[(i64, i64)],
    cfg: &BurstConfig,
) -> Vec<(usize, usize)> {
    if follows.len() < cfg.min_follows {
        return Vec::new();
    }
    let day_of = |t: i64| ((t - start) / DAY) as usize;
    let day_start = |x: usize| start + x as i64 * DAY;
    let days = day_of(follows.last().unwrap().0) + 1;
    let mut daily = vec![0u32; days];
    for f in follows {
        daily[day_of(f.0)] += 1;
    }
    let w = cfg.window_hours * HOUR;
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut lo = 0;
    for hi in 0..follows.len() {
        let end = follows[hi].0;
        while follows[lo].0 <= end - w {
            lo += 1;
        }
        let count = hi + 1 - lo;
        if count < cfg.min_follows {
            continue;
        }
        let d = day_of(end);
        let near = |x: usize| x + 1 >= d && x <= d + 1;
        // A window that overlaps campaigns is judged against the pace of the
        // days under the same campaigns (overlapping campaigns add up).
        let active = |from: i64, to: i64| -> Vec<usize> {
            (0..campaigns.len())
                .filter(|&i| campaigns[i].0 < to && campaigns[i].1 > from)
                .collect()
        };
        let regime = active(end - w, end + 1);
        let quiet = |x: usize| active(day_start(x), day_start(x + 1)).is_empty();
        let mut around: Vec<u32> = if regime.is_empty() {
            Vec::new()
        } else {
            (0..days)
                .filter(|&x| !near(x) && active(day_start(x), day_start(x + 1)) == regime)
                .map(|x| daily[x])
                .collect()
        };
        // No other day under the same campaigns (a short one): compare with
        // the campaign-free days around, as outside campaigns.
        if around.is_empty() {
            around = (d.saturating_sub(cfg.baseline_days as usize)
                ..(d + cfg.baseline_days as usize + 1).min(days))
                .filter(|&x| !near(x) && quiet(x))
                .map(|x| daily[x])
                .collect();
        }
        let mut sorted = around;
        sorted.sort_unstable();
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0);
        // At least one follow every two days, so a quiet account is not
        // "bursting" on its first few followers.
        let per_day = f64::from(median).max(0.5);
        let expected = per_day * cfg.window_hours as f64 / 24.0;
        // Real follow counts vary more than Poisson's: on large accounts a
        // modest swing is "significant", so the burst must also be big.
        if count as f64 >= cfg.min_ratio * expected
            && crate::stats::poisson_tail(count as u64, expected) < cfg.alpha
        {
            match found.last_mut() {
                Some(last) if lo <= last.1 => last.1 = hi + 1,
                _ => found.push((lo, hi + 1)),
            }
        }
    }
    found
}

fn judge(
    act: &Activity,
    own: u32,
    members: &[(i64, u32, i64)],
    engaged: &[bool],
    activity: &[u32],
    cfg: &BurstConfig,
    out: &mut Findings,
) {
    let n = members.len();
    let (from, to) = (members[0].0, members[n - 1].0);
    // Unfollows "together": the largest set of members leaving within `together`.
    let mut ends: Vec<i64> = members
        .iter()
        .map(|m| m.2)
        .filter(|&e| e != NEVER)
        .collect();
    ends.sort_unstable();
    let (mut best, mut best_at, mut lo) = (0usize, 0i64, 0usize);
    for hi in 0..ends.len() {
        while ends[hi] - ends[lo] > cfg.together {
            lo += 1;
        }
        if hi + 1 - lo > best {
            best = hi + 1 - lo;
            best_at = ends[lo];
        }
    }
    let left_together = |end: i64| {
        best >= 5.max(n / 10) && end != NEVER && end >= best_at && end <= best_at + cfg.together
    };
    let seen_since = |a: u32| {
        act.accounts[a as usize]
            .first_seen
            .filter(|&s| s > act.start + DAY)
    };
    let mut flags = Vec::new();
    let (mut young_n, mut silent_n, mut sparse_n) = (0, 0, 0);
    for &(t, a, end) in members {
        // Seen before the follow itself (an account first seen by its
        // follow says nothing about its age), and not long before.
        let young = seen_since(a).is_some_and(|s| t - s <= cfg.young && t - s >= MIN);
        let silent = !engaged[a as usize];
        // The follow (its undoing is not an event here): nothing else.
        let sparse = activity[a as usize] <= 1;
        let together = left_together(end);
        young_n += usize::from(young);
        silent_n += usize::from(silent);
        sparse_n += usize::from(sparse);
        let signals = [young, silent, sparse, together];
        let count = signals.iter().filter(|&&s| s).count();
        // An engaging member is a real person who happened to follow then,
        // and a silent one is bought only if fresh or leaving with the rest.
        if !silent || !(young || together) || count < 2 {
            continue;
        }
        let mut why = vec![format!(
            "one of {n} accounts that followed {} within {} on {}",
            act.name(own),
            duration(to - from),
            date(from)
        )];
        if young && let Some(s) = seen_since(a) {
            why.push(format!("first seen {} before", duration(t - s)));
        }
        why.push("never liked, reshared, replied to or quoted a post of yours".into());
        if sparse {
            why.push("did nothing else".into());
        }
        if together {
            why.push(format!(
                "unfollowed on {} with {} others of the burst",
                date(end),
                best - 1
            ));
        }
        flags.push(Flag {
            account: a,
            pattern: Pattern::BoughtFollowers,
            strength: 0.35 + 0.15 * count as f64,
            reason: why.join("; "),
        });
    }
    // A burst most of whose members look bought.
    if flags.len() * 2 < n {
        return;
    }
    let pct = |k: usize| 100 * k / n;
    out.groups.push(Group {
        pattern: Pattern::BoughtFollowers,
        accounts: flags.iter().map(|f| f.account).collect(),
        targets: vec![Target::Account(own)],
        from,
        to,
        reasons: vec![format!(
            "{n} follows of {} within {} on {}: {}% first seen less than {} before, {}% never engaged, {}% did nothing else, {} unfollowed together",
            act.name(own),
            duration(to - from),
            date(from),
            pct(young_n),
            duration(cfg.young),
            pct(silent_n),
            pct(sparse_n),
            if best >= 5.max(n / 10) { best } else { 0 }
        )],
    });
    out.flags.extend(flags);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::testing::*;

    /// An organic trickle of 3 follows a day for 60 days, plus a burst of
    /// `burst` fresh accounts within 4 h on day 30; `engage` of them like a post.
    fn scene(burst: usize, engage: usize) -> (Activity, Vec<u32>) {
        let mut s = Scene::new();
        let own = 0;
        let post = s.post("p", own, 0);
        for d in 0..60 {
            for k in 0..3 {
                let a = s.acct(&format!("o{d}-{k}"));
                s.b.account_mut(a).first_seen = Some(0);
                s.follow(a, own, d * DAY + k * 7 * HOUR, NEVER);
                if k == 0 {
                    s.engage(a, Kind::Like, post, d * DAY + 9 * HOUR);
                }
            }
        }
        let mut bought = Vec::new();
        for i in 0..burst {
            let a = s.acct(&format!("b{i}"));
            let t = 30 * DAY + 10 * HOUR + (i as i64 * 4 * HOUR) / burst as i64;
            s.b.account_mut(a).first_seen = Some(t - 30 * MIN);
            let end = if i % 10 < 7 {
                70 * DAY + i as i64 * MIN
            } else {
                NEVER
            };
            s.follow(a, own, t, end);
            if i < engage {
                s.engage(a, Kind::Like, post, t + HOUR);
            } else {
                bought.push(a);
            }
        }
        (s.finish(), bought)
    }

    #[test]
    fn a_burst_of_fresh_silent_accounts_is_flagged_with_reasons() {
        let (act, bought) = scene(200, 10);
        let found = detect(&act, &BurstConfig::default());
        let mut flagged: Vec<u32> = found.flags.iter().map(|f| f.account).collect();
        flagged.sort_unstable();
        assert_eq!(flagged, bought, "the 10 engaging members are real people");
        assert_eq!(found.groups.len(), 1);
        let r = &found.flags[0].reason;
        assert!(r.contains("accounts that followed own within"), "{r}");
        assert!(r.contains("first seen 30 min before"), "{r}");
        assert!(found.groups[0].reasons[0].contains("unfollowed together"));
    }

    #[test]
    fn the_organic_trickle_alone_has_no_burst() {
        let (act, _) = scene(0, 0);
        assert!(detect(&act, &BurstConfig::default()).flags.is_empty());
    }

    #[test]
    fn a_campaign_bringing_followers_fast_is_not_a_burst() {
        // 100 fresh, silent followers a day for ten days of a campaign.
        let mut s = Scene::new();
        for d in 0..60 {
            let a = s.acct(&format!("o{d}"));
            s.follow(a, 0, d * DAY, NEVER);
        }
        for d in 20..30 {
            for k in 0..100 {
                let a = s.acct(&format!("c{d}-{k}"));
                let t = d * DAY + k * 14 * MIN;
                s.b.account_mut(a).first_seen = Some(t - 20 * MIN);
                s.follow(a, 0, t, NEVER);
            }
        }
        s.b.campaign(crate::activity::Campaign {
            channel: "own-channel".into(),
            name: "spring".into(),
            from: 20 * DAY,
            to: 30 * DAY,
        });
        let key = &mut s.b.account_mut(0).key;
        *key = "own-channel:me".into();
        let act = s.finish();
        let found = detect(&act, &BurstConfig::default());
        assert!(found.flags.is_empty(), "{:?}", found.groups);
        // Without the campaign, the same follows are a burst.
        let act = Activity {
            campaigns: vec![],
            ..act
        };
        assert!(!detect(&act, &BurstConfig::default()).flags.is_empty());
    }

    #[test]
    fn a_viral_burst_of_engaging_people_is_not_bought() {
        let (act, _) = scene(100, 100);
        assert!(detect(&act, &BurstConfig::default()).flags.is_empty());
    }
}
