//! Bots: machine-regular cadence, activity around the clock, the same
//! texts over and over.
//!
//! For every account with at least `min_actions` timed actions (posts and
//! engagements), three measurements:
//! - burstiness B = (σ − μ) / (σ + μ) of the gaps between actions (Goh &
//!   Barabási 2008): about 0 for a Poisson process, above 0 for bursty
//!   human activity, near −1 for a timer;
//! - the entropy of the gaps on a log scale, in bits, low when the account
//!   acts on a timer;
//! - the clock: the most common gap P (at minute resolution, at least
//!   `min_period`) and the share of gaps that are whole multiples of it
//!   (within 2 % or a minute). A timer that sometimes has nothing to do
//!   skips ticks, which spoils B but not this: its gaps are P, 2P, 3P…;
//! - hours of the day (UTC) with activity, 24 for a machine that never sleeps;
//! - the share of its posts whose text it already posted.
//!
//! An account is a bot when its cadence is regular (B ≤ `max_burstiness`,
//! or at least `min_clock_share` of its gaps on one clock) and it is active
//! around the clock or repeats its texts.

use std::collections::{HashMap, HashSet};

use crate::activity::{Activity, HOUR, Kind, MIN, NONE, duration};
use crate::finding::{Findings, Flag, Group, Pattern, Target};

#[derive(Clone, Debug)]
pub struct BotConfig {
    pub min_actions: usize,
    pub max_burstiness: f64,
    pub min_hours: usize,
    pub min_duplicate_share: f64,
    /// Shortest clock period considered (µs): people often act a minute or
    /// two apart, so shorter "clocks" say nothing.
    pub min_period: i64,
    pub min_clock_share: f64,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            min_actions: 30,
            max_burstiness: -0.5,
            min_hours: 22,
            min_duplicate_share: 0.5,
            min_period: 10 * MIN,
            min_clock_share: 0.8,
        }
    }
}

/// The measurements behind a bot verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Cadence {
    pub actions: usize,
    pub mean_gap: i64,
    pub gap_sd: i64,
    pub burstiness: f64,
    pub gap_entropy_bits: f64,
    pub hours: usize,
    pub posts: usize,
    pub distinct_texts: usize,
    /// The most common gap (µs) of at least the minimum period, and the
    /// share of all gaps that are whole multiples of it.
    pub period: i64,
    pub clock_share: f64,
}

pub fn cadence(times: &mut [i64], texts: &[u64], min_period: i64) -> Option<Cadence> {
    if times.len() < 2 {
        return None;
    }
    times.sort_unstable();
    let gaps: Vec<f64> = times.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    let n = gaps.len() as f64;
    let mean = gaps.iter().sum::<f64>() / n;
    let sd = (gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n).sqrt();
    let burstiness = if mean + sd > 0.0 {
        (sd - mean) / (sd + mean)
    } else {
        0.0
    };
    // Gaps binned by a factor of 2^(1/4): a timer fills one or two bins.
    let mut bins: HashMap<i64, u32> = HashMap::new();
    for g in &gaps {
        *bins
            .entry(((g.max(1.0)).log2() * 4.0).floor() as i64)
            .or_default() += 1;
    }
    let entropy = -bins
        .values()
        .map(|&c| {
            let p = f64::from(c) / n;
            p * p.log2()
        })
        .sum::<f64>();
    let hours: HashSet<i64> = times
        .iter()
        .map(|t| t.rem_euclid(24 * HOUR) / HOUR)
        .collect();
    let distinct: HashSet<u64> = texts.iter().copied().collect();
    let (period, clock_share) = clock(&gaps, min_period);
    Some(Cadence {
        period,
        clock_share,
        actions: times.len(),
        mean_gap: mean as i64,
        gap_sd: sd as i64,
        burstiness,
        gap_entropy_bits: entropy,
        hours: hours.len(),
        posts: texts.len(),
        distinct_texts: distinct.len(),
    })
}

/// The most common gap of at least `min_period` (minute bins, counting each
/// bin with its neighbours) and the share of gaps that are multiples of it.
fn clock(gaps: &[f64], min_period: i64) -> (i64, f64) {
    let mut bins: HashMap<i64, u32> = HashMap::new();
    for &g in gaps {
        if g >= min_period as f64 {
            *bins.entry((g / MIN as f64).round() as i64).or_default() += 1;
        }
    }
    let around = |b: i64| {
        (b - 1..=b + 1)
            .map(|x| bins.get(&x).copied().unwrap_or(0))
            .sum::<u32>()
    };
    let Some(best) = bins
        .keys()
        .copied()
        .max_by_key(|&b| (around(b), std::cmp::Reverse(b)))
    else {
        return (0, 0.0);
    };
    // The period itself: the mean of the gaps in the winning bins.
    let near: Vec<f64> = gaps
        .iter()
        .copied()
        .filter(|g| ((g / MIN as f64).round() as i64 - best).abs() <= 1)
        .collect();
    let period = near.iter().sum::<f64>() / near.len() as f64;
    let tolerance = (0.02 * period).max(MIN as f64);
    let on_clock = gaps
        .iter()
        .filter(|&&g| {
            let k = (g / period).round();
            k >= 1.0 && (g - k * period).abs() <= tolerance
        })
        .count();
    (period as i64, on_clock as f64 / gaps.len() as f64)
}

pub fn detect(act: &Activity, cfg: &BotConfig) -> Findings {
    let mut times: Vec<Vec<i64>> = vec![Vec::new(); act.accounts.len()];
    let mut texts: Vec<Vec<u64>> = vec![Vec::new(); act.accounts.len()];
    for e in &act.events {
        // A reply or a quote is also a post (below): count it once.
        if !matches!(e.kind, Kind::Reply | Kind::Quote) {
            times[e.actor as usize].push(e.at);
        }
    }
    for p in &act.posts {
        if p.author != NONE && p.at != i64::MIN {
            times[p.author as usize].push(p.at);
            if p.text != 0 {
                texts[p.author as usize].push(p.text);
            }
        }
    }
    let mut out = Findings::default();
    let mut bots = Vec::new();
    let (mut from, mut to) = (i64::MAX, i64::MIN);
    for (a, ts) in times.iter_mut().enumerate() {
        let a = a as u32;
        if ts.len() < cfg.min_actions || act.is_own(a) {
            continue;
        }
        let Some(c) = cadence(ts, &texts[a as usize], cfg.min_period) else {
            continue;
        };
        let on_clock = c.clock_share >= cfg.min_clock_share;
        let regular = c.burstiness <= cfg.max_burstiness || on_clock;
        let round_the_clock = c.hours >= cfg.min_hours;
        let duplicates = c.posts >= 5
            && (c.posts - c.distinct_texts) as f64 >= cfg.min_duplicate_share * c.posts as f64;
        if !regular || !(round_the_clock || duplicates) {
            continue;
        }
        let mut why = vec![if on_clock {
            format!(
                "acts on a {} clock: {:.0}% of the gaps between its {} actions are whole multiples of it",
                duration(c.period),
                100.0 * c.clock_share,
                c.actions
            )
        } else {
            format!(
                "acts every {} ± {} ({} actions; burstiness {:.2}, where people score 0 or more)",
                duration(c.mean_gap),
                duration(c.gap_sd),
                c.actions,
                c.burstiness
            )
        }];
        if round_the_clock {
            why.push(format!("active in {} of the 24 hours of the day", c.hours));
        }
        if duplicates {
            why.push(format!(
                "{} posts with only {} distinct texts",
                c.posts, c.distinct_texts
            ));
        }
        let signs = 1 + usize::from(round_the_clock) + usize::from(duplicates);
        out.flags.push(Flag {
            account: a,
            pattern: Pattern::Bot,
            strength: 0.6 + 0.15 * signs as f64,
            reason: why.join("; "),
        });
        from = from.min(ts[0]);
        to = to.max(ts[ts.len() - 1]);
        bots.push(a);
    }
    if !bots.is_empty() {
        let targets = bot_targets(act, &bots);
        out.groups.push(Group {
            pattern: Pattern::Bot,
            reasons: vec![format!(
                "{} accounts act on a timer rather than like people",
                bots.len()
            )],
            accounts: bots,
            targets,
            from,
            to,
        });
    }
    out
}

/// The own accounts the bots engaged with or followed.
fn bot_targets(act: &Activity, bots: &[u32]) -> Vec<Target> {
    let mut t: Vec<u32> = act
        .events
        .iter()
        .filter(|e| e.target != NONE && act.is_own(e.target) && bots.contains(&e.actor))
        .map(|e| e.target)
        .collect();
    t.sort_unstable();
    t.dedup();
    t.into_iter().map(Target::Account).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Kind;
    use crate::activity::testing::*;

    #[test]
    fn a_timer_is_a_bot_and_a_person_is_not() {
        let mut s = Scene::new();
        let own_post = s.post("own-post", 0, 0);
        let bot = s.acct("bot");
        let person = s.acct("person");
        let mut rnd = rng(99);
        for i in 0..200i64 {
            let jitter = rnd(40) as i64 * 1_000_000;
            let p = s.post(&format!("bot-{i}"), bot, i * 70 * MIN + jitter);
            s.b.post_mut(p).text = 1 + (i % 2) as u64;
        }
        // A person: bursts of activity in the daytime, quiet nights.
        let mut t = 8 * HOUR;
        for _ in 0..200 {
            t += if rnd(5) == 0 {
                14 * HOUR
            } else {
                rnd(40) as i64 * MIN + MIN
            };
            s.engage(person, Kind::Like, own_post, t);
        }
        let found = detect(&s.finish(), &BotConfig::default());
        assert_eq!(found.flags.len(), 1, "{:?}", found.flags);
        assert_eq!(found.flags[0].account, bot);
        let r = &found.flags[0].reason;
        assert!(r.contains("acts on a 70 min clock"), "{r}");
        assert!(r.contains("200 posts with only 2 distinct texts"), "{r}");
        assert!(r.contains("active in 24 of the 24 hours"), "{r}");
    }

    #[test]
    fn burstiness_of_a_timer_is_near_minus_one() {
        let mut t: Vec<i64> = (0..100).map(|i| i * 1000).collect();
        let c = cadence(&mut t, &[], 0).unwrap();
        assert!(c.burstiness < -0.99, "{c:?}");
        assert!(c.gap_entropy_bits < 0.01);
    }

    #[test]
    fn a_timer_that_skips_ticks_is_still_on_its_clock() {
        // Every 200 min ± 20 s, but one tick in three has nothing to do.
        let mut t: Vec<i64> = (0..300i64)
            .filter(|i| i % 3 != 1 || i % 7 == 0)
            .map(|i| i * 200 * MIN + (i * 7919 % 41 - 20) * 1_000_000)
            .collect();
        let c = cadence(&mut t, &[], 10 * MIN).unwrap();
        assert!(c.burstiness > -0.5, "B alone would miss it: {c:?}");
        assert!((c.period - 200 * MIN).abs() < MIN, "{c:?}");
        assert!(c.clock_share > 0.95, "{c:?}");
        // Poisson-like gaps are on no clock.
        let mut rnd = rng(5);
        let mut acc = 0i64;
        let mut human: Vec<i64> = (0..300)
            .map(|_| {
                let u = rnd(1_000_000) as f64 / 1e6;
                acc += (-(1.0 - u).ln() * 90.0 * MIN as f64) as i64 + 1;
                acc
            })
            .collect();
        let c = cadence(&mut human, &[], 10 * MIN).unwrap();
        assert!(c.clock_share < 0.5, "{c:?}");
    }

    #[test]
    fn a_reply_bot_is_counted_once_per_reply() {
        // Every 70 min, a reply: stored as a post and as a reply event at
        // the same instant. Counted twice, half the gaps would be 0.
        let mut s = Scene::new();
        let target = s.post("own-post", 0, 0);
        let bot = s.acct("reply-bot");
        for i in 0..150i64 {
            let t = i * 70 * MIN + (i * 7919 % 41) * 1_000_000;
            let p = s.post(&format!("reply-{i}"), bot, t);
            s.b.post_mut(p).text = 7;
            s.engage(bot, Kind::Reply, target, t);
        }
        let found = detect(&s.finish(), &BotConfig::default());
        assert_eq!(found.flags.len(), 1, "{:?}", found.flags);
        assert!(
            found.flags[0].reason.contains("70 min clock"),
            "{}",
            found.flags[0].reason
        );
    }
}
