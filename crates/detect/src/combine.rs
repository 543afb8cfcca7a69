//! One score and one verdict per account, from every detector's flags.
//!
//! Each detector says how sure it is (a strength in [0, 1]); an account's
//! score is 1 − Π(1 − s) over its patterns (the strongest flag of each),
//! so independent evidence adds up and one strong pattern is enough. The
//! verdict is `score ≥ threshold`; the default threshold favours precision:
//! one weak signal alone never makes an account suspicious.

use std::collections::BTreeMap;

use crate::activity::Activity;
use crate::finding::{Findings, Group, Pattern};
use crate::fraudar::DenseConfig;
use crate::{bots, bursts, dense, lockstep, pods, rings};

pub const DEFAULT_THRESHOLD: f64 = 0.6;

#[derive(Clone, Debug)]
pub struct DetectConfig {
    pub lockstep: lockstep::LockstepConfig,
    pub bursts: bursts::BurstConfig,
    pub pods: pods::PodConfig,
    pub rings: rings::RingConfig,
    pub bots: bots::BotConfig,
    pub dense: DenseConfig,
    pub threshold: f64,
}

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig {
            lockstep: Default::default(),
            bursts: Default::default(),
            pods: Default::default(),
            rings: Default::default(),
            bots: Default::default(),
            // Communities come out as blocks too (and are dropped by their
            // lift): look past them.
            dense: DenseConfig {
                max_blocks: 12,
                repeel: true,
                ..DenseConfig::default()
            },
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Verdict {
    pub account: u32,
    pub score: f64,
    pub suspicious: bool,
    pub patterns: Vec<Pattern>,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Detection {
    /// Every account of the audience (it followed an own account or engaged
    /// with an own post), most suspicious first.
    pub accounts: Vec<Verdict>,
    pub groups: Vec<Group>,
}

/// Runs every detector (in parallel) and combines their flags.
pub fn detect(act: &Activity, cfg: &DetectConfig) -> Detection {
    let ((farms, (bought, dense)), (pods, (rings, bots))) = rayon::join(
        || {
            rayon::join(
                || timed("lockstep", || lockstep::detect(act, &cfg.lockstep)),
                || {
                    rayon::join(
                        || timed("bursts", || bursts::detect(act, &cfg.bursts)),
                        || timed("dense", || dense::detect(act, &cfg.dense)),
                    )
                },
            )
        },
        || {
            rayon::join(
                || timed("pods", || pods::detect(act, &cfg.pods)),
                || {
                    rayon::join(
                        || timed("rings", || rings::detect(act, &cfg.rings)),
                        || timed("bots", || bots::detect(act, &cfg.bots)),
                    )
                },
            )
        },
    );
    let mut all = Findings::default();
    for f in [farms, bought, dense, pods, rings, bots] {
        all.extend(f);
    }
    combine(act, all, cfg.threshold)
}

fn timed(name: &str, f: impl FnOnce() -> Findings) -> Findings {
    let started = std::time::Instant::now();
    let found = f();
    tracing::info!(
        "{name}: {} flags, {} groups in {:.2?}",
        found.flags.len(),
        found.groups.len(),
        started.elapsed()
    );
    found
}

pub fn combine(act: &Activity, findings: Findings, threshold: f64) -> Detection {
    // account → pattern → (strength, reason) of its strongest flag.
    let mut by_account: BTreeMap<u32, BTreeMap<Pattern, (f64, String)>> = BTreeMap::new();
    for f in findings.flags {
        if act.is_own(f.account) {
            continue;
        }
        let slot = by_account
            .entry(f.account)
            .or_default()
            .entry(f.pattern)
            .or_insert((f64::MIN, String::new()));
        if f.strength > slot.0 {
            *slot = (f.strength.clamp(0.0, 1.0), f.reason);
        }
    }
    let audience = act.audience();
    let mut accounts: Vec<Verdict> = audience
        .iter()
        .enumerate()
        .filter(|&(_, &a)| a)
        .map(|(a, _)| {
            let a = a as u32;
            let flags = by_account.remove(&a).unwrap_or_default();
            let score = 1.0 - flags.values().map(|(s, _)| 1.0 - s).product::<f64>();
            Verdict {
                account: a,
                score,
                suspicious: score >= threshold,
                patterns: flags.keys().copied().collect(),
                reasons: flags.into_values().map(|(_, r)| r).collect(),
            }
        })
        .collect();
    accounts.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.account.cmp(&b.account)));
    let mut groups = findings.groups;
    groups.sort_by_key(|g| (g.pattern, g.from));
    Detection { accounts, groups }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::testing::*;
    use crate::finding::Flag;

    #[test]
    fn independent_evidence_adds_up_and_one_weak_flag_is_not_enough() {
        let mut s = Scene::new();
        let post = s.post("p", 0, 0);
        let (a, b, c) = (s.acct("a"), s.acct("b"), s.acct("c"));
        for x in [a, b, c] {
            s.engage(x, crate::activity::Kind::Like, post, MIN);
        }
        // Only mentioned us: no event here, but in the audience all the same.
        let mentioned = s.acct("d");
        s.b.account_mut(mentioned).audience = true;
        let act = s.finish();
        let flag = |account, pattern, strength| Flag {
            account,
            pattern,
            strength,
            reason: format!("{pattern:?} {strength}"),
        };
        let findings = Findings {
            flags: vec![
                flag(a, Pattern::Bot, 0.5),
                flag(b, Pattern::Bot, 0.5),
                flag(b, Pattern::Pod, 0.5),
                flag(b, Pattern::Pod, 0.3),
                flag(0, Pattern::Bot, 1.0),
            ],
            groups: vec![],
        };
        let d = combine(&act, findings, DEFAULT_THRESHOLD);
        let v: Vec<(u32, f64, bool)> = d
            .accounts
            .iter()
            .map(|v| (v.account, v.score, v.suspicious))
            .collect();
        assert_eq!(
            v,
            vec![
                (b, 0.75, true),
                (a, 0.5, false),
                (c, 0.0, false),
                (mentioned, 0.0, false)
            ]
        );
        assert_eq!(d.accounts[0].patterns, vec![Pattern::Pod, Pattern::Bot]);
        assert_eq!(d.accounts[0].reasons, vec!["Pod 0.5", "Bot 0.5"]);
    }
}
