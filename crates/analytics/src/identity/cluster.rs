//! From scored pairs to persons: union-find over the strong pairs, with the
//! user's merges first and two guards against chaining.
//!
//! - Only pairs with strong evidence are merged ([`super::evidence::merges`]),
//!   strongest first, so weak evidence never links anything, not even
//!   through a third account.
//! - A person holds at most one account per channel unless the user merged
//!   them: joining two groups that both have, say, a Bluesky account is
//!   refused, so a shared site or a mistaken link cannot chain two people
//!   together through a third account.
//! - Pairs the user split (`levain persons split`) are never joined, directly
//!   or through others.

use std::collections::{BTreeMap, BTreeSet, HashSet};

/// A scored pair of accounts (indices into the account list).
#[derive(Clone, Debug)]
pub struct Edge {
    pub a: usize,
    pub b: usize,
    pub confidence: f64,
    /// Whether the evidence is strong enough to merge.
    pub strong: bool,
}

/// A group of accounts judged to be one person, with the edges that made it.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Sorted account indices.
    pub members: Vec<usize>,
    /// Indices into the edge list of the computed edges used.
    pub edges: Vec<usize>,
    /// The user's merges used, as account index pairs.
    pub manual: Vec<(usize, usize)>,
}

struct Sets {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
    channels: Vec<BTreeSet<usize>>,
}

impl Sets {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if self.members[ra].len() < self.members[rb].len() {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra;
        let m = std::mem::take(&mut self.members[rb]);
        self.members[ra].extend(m);
        let c = std::mem::take(&mut self.channels[rb]);
        self.channels[ra].extend(c);
    }
}

/// Groups `n` accounts (`channel[i]` is account i's channel id) given the
/// scored pairs, the user's merges (`same`) and splits (`apart`).
pub fn cluster(
    channel: &[usize],
    edges: &[Edge],
    same: &[(usize, usize)],
    apart: &[(usize, usize)],
) -> Vec<Group> {
    let n = channel.len();
    let mut sets = Sets {
        parent: (0..n).collect(),
        members: (0..n).map(|i| vec![i]).collect(),
        channels: channel.iter().map(|c| BTreeSet::from([*c])).collect(),
    };
    let apart: HashSet<(usize, usize)> =
        apart.iter().flat_map(|&(a, b)| [(a, b), (b, a)]).collect();
    let mut used_manual = Vec::new();
    for &(a, b) in same {
        if sets.find(a) != sets.find(b) {
            sets.union(a, b);
        }
        used_manual.push((a.min(b), a.max(b)));
    }
    let mut order: Vec<usize> = (0..edges.len()).filter(|&e| edges[e].strong).collect();
    order.sort_by(|&x, &y| {
        edges[y]
            .confidence
            .total_cmp(&edges[x].confidence)
            .then((edges[x].a, edges[x].b).cmp(&(edges[y].a, edges[y].b)))
    });
    let mut used = Vec::new();
    for e in order {
        let (ra, rb) = (sets.find(edges[e].a), sets.find(edges[e].b));
        if ra == rb {
            // Already together: this pair still supports the person.
            used.push(e);
            continue;
        }
        if !sets.channels[ra].is_disjoint(&sets.channels[rb]) {
            continue;
        }
        let split = sets.members[ra]
            .iter()
            .any(|x| sets.members[rb].iter().any(|y| apart.contains(&(*x, *y))));
        if split {
            continue;
        }
        sets.union(ra, rb);
        used.push(e);
    }
    let mut groups: BTreeMap<usize, Group> = BTreeMap::new();
    for i in 0..n {
        let r = sets.find(i);
        if sets.members[r].len() < 2 {
            continue;
        }
        groups.entry(r).or_insert_with(|| {
            let mut members = sets.members[r].clone();
            members.sort_unstable();
            Group {
                members,
                edges: Vec::new(),
                manual: Vec::new(),
            }
        });
    }
    for e in used {
        let r = sets.find(edges[e].a);
        if let Some(g) = groups.get_mut(&r) {
            g.edges.push(e);
        }
    }
    for (a, b) in used_manual {
        let r = sets.find(a);
        if let Some(g) = groups.get_mut(&r) {
            g.manual.push((a, b));
        }
    }
    let mut out: Vec<Group> = groups.into_values().collect();
    out.sort_by(|x, y| x.members.cmp(&y.members));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: usize, b: usize, confidence: f64, strong: bool) -> Edge {
        Edge {
            a,
            b,
            confidence,
            strong,
        }
    }

    #[test]
    fn weak_pairs_never_merge_even_in_a_chain() {
        let g = cluster(
            &[0, 1, 2],
            &[edge(0, 1, 0.6, false), edge(1, 2, 0.6, false)],
            &[],
            &[],
        );
        assert!(g.is_empty());
    }

    #[test]
    fn strong_pairs_merge_transitively_across_channels() {
        let g = cluster(
            &[0, 1, 2],
            &[edge(0, 1, 0.95, true), edge(1, 2, 0.8, true)],
            &[],
            &[],
        );
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].members, vec![0, 1, 2]);
        assert_eq!(g[0].edges.len(), 2);
    }

    #[test]
    fn a_chain_cannot_put_two_accounts_of_one_channel_together() {
        // Two Bluesky accounts (channel 0) both strongly tied to one blog
        // reader (channel 1): the stronger pair wins, the other is refused.
        let g = cluster(
            &[0, 1, 0],
            &[edge(0, 1, 0.95, true), edge(2, 1, 0.8, true)],
            &[],
            &[],
        );
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].members, vec![0, 1]);
    }

    #[test]
    fn splits_hold_through_third_accounts_and_merges_force() {
        let edges = [edge(0, 1, 0.95, true), edge(1, 2, 0.9, true)];
        let g = cluster(&[0, 1, 2], &edges, &[], &[(0, 2)]);
        assert_eq!(g[0].members, vec![0, 1]);
        // The user's merge joins even two accounts of one channel.
        let g = cluster(&[0, 0], &[], &[(0, 1)], &[]);
        assert_eq!(g[0].members, vec![0, 1]);
        assert_eq!(g[0].manual, vec![(0, 1)]);
    }
}
