//! Connected components of the links a detector found between accounts.

use std::collections::BTreeMap;

/// Disjoint sets with union by size.
pub(crate) struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub(crate) fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }
    pub(crate) fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
    pub(crate) fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }
}

/// The connected components that `links` form among `n` nodes, each sorted,
/// ordered by their first member; nodes without a link are left out.
pub(crate) fn components(n: usize, links: &[(u32, u32)]) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for &(a, b) in links {
        uf.union(a, b);
    }
    let mut by_root: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &(a, b) in links {
        by_root.entry(uf.find(a)).or_default().extend([a, b]);
    }
    let mut out: Vec<Vec<u32>> = by_root
        .into_values()
        .map(|mut v| {
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_make_sorted_components_and_lone_nodes_are_left_out() {
        let links = [(5, 1), (1, 3), (7, 8), (2, 2)];
        assert_eq!(
            components(10, &links),
            vec![vec![1, 3, 5], vec![2], vec![7, 8]]
        );
        assert!(components(4, &[]).is_empty());
    }
}
