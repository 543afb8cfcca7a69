//! Dense blocks in the audience × post engagement graph: groups of
//! accounts that put far more of their engagement on the same set of posts
//! than their activity and the posts' popularity predict.
//!
//! The kernel is [`fraudar::dense_blocks`] (degree-corrected, with a
//! significance test, so the naturally dense core of loyal, active fans is
//! not a block: they engage a lot, and with everything). This module builds
//! the graph from an [`Activity`] and explains each block in words.

use crate::activity::{Activity, HOUR, NONE};
use crate::dcube::{Density, Tensor, dcube};
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
    let mut hours = Vec::new();
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
        hours.push(((e.at - act.start) / HOUR) as u32);
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
        let in_cols = mask(&block.cols, g.n_cols() as usize);
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
    temporal_blocks(act, &rows, &cols, &edges, &hours, &mut out);
    out
}

/// The same engagements as a tensor (account, post, hour): D-Cube with the
/// degree-corrected density finds blocks crowded into a few hours, which a
/// graph without time cannot tell from slow, steady interest. Reported as
/// `dense_block` too, for members with most of their engagements there.
fn temporal_blocks(
    act: &Activity,
    rows: &[u32],
    cols: &[u32],
    edges: &[(u32, u32)],
    hours: &[u32],
    out: &mut Findings,
) {
    if edges.is_empty() {
        return;
    }
    let tensor = Tensor::new(
        vec![
            edges.iter().map(|e| e.0).collect(),
            edges.iter().map(|e| e.1).collect(),
            hours.to_vec(),
        ],
        vec![1.0; edges.len()],
    );
    let mut per_row = vec![0u32; rows.len()];
    for e in edges {
        per_row[e.0 as usize] += 1;
    }
    let total = edges.len() as f64;
    let mut slice = [
        vec![0f64; rows.len()],
        vec![0f64; cols.len()],
        vec![0f64; hours.iter().max().map_or(0, |&h| h as usize + 1)],
    ];
    for (i, e) in edges.iter().enumerate() {
        slice[0][e.0 as usize] += 1.0;
        slice[1][e.1 as usize] += 1.0;
        slice[2][hours[i] as usize] += 1.0;
    }
    for block in dcube(&tensor, 3, Density::DegreeCorrected) {
        let [r, c, h] = [&block.modes[0], &block.modes[1], &block.modes[2]];
        // Expected mass of the block from its slices' masses (the null the
        // density is measured against).
        let expected = (0..3).fold(total, |acc, k| {
            acc * block.modes[k]
                .iter()
                .map(|&v| slice[k][v as usize])
                .sum::<f64>()
                / total
        });
        let lift = block.mass / expected.max(1e-9);
        tracing::debug!(
            "temporal block {} × {} × {} h, mass {}, lift {lift:.1}",
            r.len(),
            c.len(),
            h.len(),
            block.mass
        );
        if lift < 4.0 * MIN_LIFT || r.len() < 3 {
            continue;
        }
        let (in_r, in_c, in_h) = (
            mask(r, rows.len()),
            mask(c, cols.len()),
            mask(h, slice[2].len()),
        );
        let mut inside = vec![0u32; rows.len()];
        for (i, e) in edges.iter().enumerate() {
            if in_r[e.0 as usize] && in_c[e.1 as usize] && in_h[hours[i] as usize] {
                inside[e.0 as usize] += 1;
            }
        }
        let flags: Vec<Flag> = r
            .iter()
            .filter(|&&x| inside[x as usize] as usize >= MIN_ENGAGEMENTS / 2)
            .filter(|&&x| 2 * inside[x as usize] >= per_row[x as usize])
            .map(|&x| Flag {
                account: rows[x as usize],
                pattern: Pattern::DenseBlock,
                strength: 0.75,
                reason: format!(
                    "one of {} accounts whose engagement crowds onto the same {} posts in the same {} hours: {} of its {} engagements, {lift:.0}× what the posts, hours and accounts' activity predict",
                    r.len(),
                    c.len(),
                    h.len(),
                    inside[x as usize],
                    per_row[x as usize]
                ),
            })
            .collect();
        if flags.len() < 3 {
            continue;
        }
        let first = h.iter().min().map_or(0, |&x| i64::from(x));
        let last = h.iter().max().map_or(0, |&x| i64::from(x));
        out.groups.push(Group {
            pattern: Pattern::DenseBlock,
            accounts: flags.iter().map(|f| f.account).collect(),
            targets: c.iter().map(|&x| Target::Post(cols[x as usize])).collect(),
            from: act.start + first * HOUR,
            to: act.start + (last + 1) * HOUR,
            reasons: vec![format!(
                "{} accounts crowd {} engagements onto {} posts in the same {} hours, {lift:.0}× what the posts, the hours and the accounts' activity predict",
                flags.len(),
                block.mass,
                c.len(),
                h.len()
            )],
        });
        out.flags.extend(flags);
    }
}

fn mask(values: &[u32], n: usize) -> Vec<bool> {
    let mut m = vec![false; n];
    for &v in values {
        m[v as usize] = true;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Kind;
    use crate::activity::testing::*;

    #[test]
    fn a_planted_block_is_found_and_a_loyal_core_is_not() {
        let mut s = Scene::new();
        let mut rnd = rng(11);
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

    #[test]
    fn dcube_finds_engagement_crowded_into_a_few_hours() {
        // 3 000 engagements of 300 accounts on 200 posts over 60 days, and
        // 12 accounts liking the same 25 posts within the same 2 hours.
        let mut rnd = rng(3);
        let mut s = Scene::new();
        let posts: Vec<u32> = (0..200).map(|i| s.post(&format!("p{i}"), 0, 0)).collect();
        for i in 0..300 {
            let a = s.acct(&format!("a{i}"));
            for _ in 0..10 {
                let p = posts[rnd(200) as usize];
                s.engage(a, Kind::Like, p, rnd(60 * 24) as i64 * HOUR);
            }
        }
        let crowd: Vec<u32> = (0..12).map(|i| s.acct(&format!("crowd{i}"))).collect();
        for &a in &crowd {
            for &p in &posts[50..75] {
                s.engage(a, Kind::Like, p, 10 * DAY + rnd(120) as i64 * MIN);
            }
        }
        let act = s.finish();
        let (mut rows, mut edges, mut hours) = (Vec::new(), Vec::new(), Vec::new());
        let mut row_of = std::collections::HashMap::new();
        for e in &act.events {
            let r = *row_of.entry(e.actor).or_insert_with(|| {
                rows.push(e.actor);
                rows.len() as u32 - 1
            });
            edges.push((r, e.post));
            hours.push(((e.at - act.start) / HOUR) as u32);
        }
        let cols: Vec<u32> = (0..act.posts.len() as u32).collect();
        let mut out = Findings::default();
        temporal_blocks(&act, &rows, &cols, &edges, &hours, &mut out);
        let mut flagged: Vec<u32> = out.flags.iter().map(|f| f.account).collect();
        flagged.sort_unstable();
        assert_eq!(
            flagged,
            crowd,
            "{:?}",
            out.groups.first().map(|g| &g.reasons)
        );
        assert!(
            out.flags[0].reason.contains("in the same 2 hours"),
            "{}",
            out.flags[0].reason
        );
    }
}
