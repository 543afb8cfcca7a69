//! Dense blocks in the audience × post engagement graph: groups of
//! accounts that put far more of their engagement on the same set of posts
//! than their activity and the posts' popularity predict.
//!
//! The kernel is [`fraudar::dense_blocks`] (degree-corrected, with a
//! significance test, so the naturally dense core of loyal, active fans is
//! not a block: they engage a lot, and with everything). This module builds
//! the graph from an [`Activity`] and explains each block in words.

use crate::activity::{Activity, NONE};
use crate::finding::{Findings, Flag, Group, Pattern, Target};
use crate::fraudar::{DenseConfig, dense_blocks};
use crate::graph::Bipartite;

/// A block whose members engage less than this many times more than
/// predicted is a community (people who share a topic or a language), not
/// fraud: the degree-corrected null finds both, the lift tells them apart.
pub const MIN_LIFT: f64 = 10.0;

/// Members with fewer engagements inside their block are reported as
/// corroborating evidence only (half strength).
pub const MIN_ENGAGEMENTS: usize = 20;

pub fn detect(act: &Activity, cfg: &DenseConfig) -> Findings {
    // Compact ids: rows are engaging accounts, columns are posts.
    let mut row_of = vec![u32::MAX; act.accounts.len()];
    let mut col_of = vec![u32::MAX; act.posts.len()];
    let (mut rows, mut cols) = (Vec::new(), Vec::new());
    let mut edges = Vec::new();
    let (mut from, mut to) = (Vec::new(), Vec::new());
    for e in &act.events {
        if !e.kind.engages() || e.post == NONE || act.is_own(e.actor) {
            continue;
        }
        let r = &mut row_of[e.actor as usize];
        if *r == u32::MAX {
            *r = rows.len() as u32;
            rows.push(e.actor);
            from.push(i64::MAX);
            to.push(i64::MIN);
        }
        let c = &mut col_of[e.post as usize];
        if *c == u32::MAX {
            *c = cols.len() as u32;
            cols.push(e.post);
        }
        edges.push((*r, *c));
        from[*r as usize] = from[*r as usize].min(e.at);
        to[*r as usize] = to[*r as usize].max(e.at);
    }
    let g = Bipartite::from_edges(rows.len() as u32, cols.len() as u32, &edges);
    let mut out = Findings::default();
    if g.n_edges() == 0 {
        return out;
    }
    let total = g.n_edges() as f64;
    for block in dense_blocks(&g, cfg) {
        tracing::debug!(
            "dense block {} × {} (significance {:.0})",
            block.rows.len(),
            block.cols.len(),
            block.score
        );
        let in_cols = {
            let mut v = vec![false; g.n_cols() as usize];
            for &c in &block.cols {
                v[c as usize] = true;
            }
            v
        };
        let inside: usize = block
            .rows
            .iter()
            .map(|&r| g.row(r).iter().filter(|&&c| in_cols[c as usize]).count())
            .sum();
        let row_vol: f64 = block.rows.iter().map(|&r| f64::from(g.row_deg(r))).sum();
        let col_vol: f64 = block.cols.iter().map(|&c| f64::from(g.col_deg(c))).sum();
        let expected = row_vol * col_vol / total;
        let lift = inside as f64 / expected.max(1e-9);
        if lift < MIN_LIFT {
            tracing::debug!(
                "dense block of {} × {} with lift {lift:.1}: a community, not reported",
                block.rows.len(),
                block.cols.len()
            );
            continue;
        }
        let (n, m) = (block.rows.len(), block.cols.len());
        let mut flags = Vec::new();
        for &r in &block.rows {
            let mine = g.row(r).iter().filter(|&&c| in_cols[c as usize]).count();
            let deg = f64::from(g.row_deg(r));
            // Each member must itself be surprising: an active account
            // swept into the block with a few engagements there is not.
            let own_lift = mine as f64 / (deg * col_vol / total).max(1e-9);
            if mine < 5 || own_lift < MIN_LIFT {
                continue;
            }
            let share = mine as f64 / deg.max(1.0);
            flags.push(Flag {
                account: rows[r as usize],
                pattern: Pattern::DenseBlock,
                // Only a block far beyond any community's lift, with enough
                // engagements to matter, is evidence on its own: tight
                // communities reach 10–15×, and a fan of one topic who
                // liked five of its posts reaches 30× on five engagements;
                // farms and pods reach 40× on dozens or hundreds. Members
                // that also engage elsewhere (camouflage) count a bit less.
                strength: (0.5 + 0.4 * share)
                    * (own_lift / (4.0 * MIN_LIFT)).clamp(0.5, 1.0)
                    * if mine >= MIN_ENGAGEMENTS { 1.0 } else { 0.5 },
                reason: format!(
                    "one of {n} accounts whose engagement concentrates on the same {m} posts: {mine} of its {} engagements are there, {own_lift:.0}× what its activity predicts",
                    g.row_deg(r)
                ),
            });
        }
        if flags.is_empty() {
            continue;
        }
        let f = block
            .rows
            .iter()
            .map(|&r| from[r as usize])
            .min()
            .unwrap_or(0);
        let t = block
            .rows
            .iter()
            .map(|&r| to[r as usize])
            .max()
            .unwrap_or(0);
        out.groups.push(Group {
            pattern: Pattern::DenseBlock,
            accounts: flags.iter().map(|f| f.account).collect(),
            targets: block
                .cols
                .iter()
                .map(|&c| Target::Post(cols[c as usize]))
                .collect(),
            from: f,
            to: t,
            reasons: vec![format!(
                "{} accounts whose engagement concentrates on the same {m} posts, far beyond what their activity predicts (the block of {n} accounts made {inside} engagements there, {lift:.0}× the expectation; significance {:.0} nats)",
                flags.len(),
                block.score
            )],
        });
        out.flags.extend(flags);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Kind;
    use crate::activity::testing::*;

    #[test]
    fn a_planted_block_is_found_and_a_loyal_core_is_not() {
        let mut s = Scene::new();
        let mut x: u64 = 11;
        let mut rnd = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let posts: Vec<u32> = (0..400)
            .map(|i| s.post(&format!("p{i}"), 0, i as i64 * HOUR))
            .collect();
        // 30 loyal fans engage with most posts; 2 000 people with a few.
        let core: Vec<u32> = (0..30).map(|i| s.acct(&format!("core{i}"))).collect();
        let crowd: Vec<u32> = (0..2000).map(|i| s.acct(&format!("crowd{i}"))).collect();
        for &p in &posts {
            for &c in &core {
                if rnd(10) < 6 {
                    s.engage(c, Kind::Like, p, HOUR);
                }
            }
            for _ in 0..20 {
                let c = crowd[rnd(2000) as usize];
                s.engage(c, Kind::Like, p, HOUR);
            }
        }
        // 25 accounts on the same 20 obscure-ish posts.
        let block: Vec<u32> = (0..25).map(|i| s.acct(&format!("block{i}"))).collect();
        for &b in &block {
            for &p in &posts[100..120] {
                if rnd(10) < 9 {
                    s.engage(b, Kind::Like, p, HOUR);
                }
            }
        }
        let found = detect(&s.finish(), &crate::DetectConfig::default().dense);
        let mut flagged: Vec<u32> = found.flags.iter().map(|f| f.account).collect();
        flagged.sort_unstable();
        assert_eq!(
            flagged,
            block,
            "{:?}",
            found.groups.first().map(|g| &g.reasons)
        );
        assert!(
            found.flags[0].reason.contains("the same 20 posts"),
            "{}",
            found.flags[0].reason
        );
    }
}
