//! A directed graph stored by incoming edges (CSR), which is what a pull
//! iteration reads: node `v`'s in-neighbours are `src[off[v]..off[v + 1]]`.
//!
//! Memory: one `u32` per edge (plus one `f64` per edge when weighted), one
//! `u64` offset per node and the out-weight of every node (`f64`).

use rayon::prelude::*;

#[derive(Clone, Debug, Default)]
pub struct Graph {
    n: u32,
    off: Vec<u64>,
    src: Vec<u32>,
    /// Edge weights, parallel to `src`; `None` means every edge weighs 1.
    weight: Option<Vec<f64>>,
    /// Sum of the weights of each node's outgoing edges (0: dangling).
    out_weight: Vec<f64>,
}

impl Graph {
    /// An unweighted graph on nodes `0..n` from `(source, target)` pairs.
    /// Parallel edges are kept (each counts, as in igraph); deduplicate
    /// first to match networkx's `DiGraph`, which collapses them.
    ///
    /// Panics when an id is `>= n`.
    pub fn from_edges(n: u32, edges: &[(u32, u32)]) -> Graph {
        let nn = n as usize;
        let mut off = vec![0u64; nn + 1];
        let mut out_deg = vec![0u32; nn];
        for &(s, t) in edges {
            assert!(s < n && t < n, "edge ({s}, {t}) outside 0..{n}");
            off[t as usize + 1] += 1;
            out_deg[s as usize] += 1;
        }
        for i in 0..nn {
            off[i + 1] += off[i];
        }
        let mut fill = off[..nn].to_vec();
        let mut src = vec![0u32; edges.len()];
        for &(s, t) in edges {
            let f = &mut fill[t as usize];
            src[*f as usize] = s;
            *f += 1;
        }
        Graph {
            n,
            off,
            src,
            weight: None,
            out_weight: out_deg.into_iter().map(f64::from).collect(),
        }
    }

    pub fn nodes(&self) -> u32 {
        self.n
    }

    pub fn edges(&self) -> usize {
        self.src.len()
    }

    /// The in-neighbours of `v` and the weights of their edges to `v`.
    pub fn incoming(&self, v: u32) -> (&[u32], Option<&[f64]>) {
        let (a, b) = (
            self.off[v as usize] as usize,
            self.off[v as usize + 1] as usize,
        );
        (&self.src[a..b], self.weight.as_ref().map(|w| &w[a..b]))
    }

    /// Sum of the weights of `u`'s outgoing edges (its out-degree when
    /// unweighted); 0 for a dangling node.
    pub fn out_weight(&self, u: u32) -> f64 {
        self.out_weight[u as usize]
    }

    pub(crate) fn offsets(&self) -> &[u64] {
        &self.off
    }

    pub(crate) fn sources(&self) -> &[u32] {
        &self.src
    }

    pub(crate) fn weights(&self) -> Option<&[f64]> {
        self.weight.as_deref()
    }

    pub(crate) fn out_weights(&self) -> &[f64] {
        &self.out_weight
    }

    /// Bytes held by the graph's arrays.
    pub fn memory_bytes(&self) -> usize {
        self.off.len() * 8
            + self.src.len() * 4
            + self.weight.as_ref().map_or(0, |w| w.len() * 8)
            + self.out_weight.len() * 8
    }
}

/// Collects weighted edges; equal `(source, target)` pairs merge by summing
/// their weights, so callers can add one edge per interaction.
#[derive(Clone, Debug, Default)]
pub struct GraphBuilder {
    n: u32,
    edges: Vec<(u64, f64)>,
}

impl GraphBuilder {
    pub fn new(n: u32) -> GraphBuilder {
        GraphBuilder {
            n,
            edges: Vec::new(),
        }
    }

    /// Adds `weight` to the edge `source → target`; non-positive or
    /// non-finite weights are ignored (they carry no walk).
    pub fn add(&mut self, source: u32, target: u32, weight: f64) {
        assert!(
            source < self.n && target < self.n,
            "edge ({source}, {target}) outside 0..{}",
            self.n
        );
        if weight > 0.0 && weight.is_finite() {
            self.edges
                .push(((u64::from(target) << 32) | u64::from(source), weight));
        }
    }

    pub fn build(mut self) -> Graph {
        self.edges.par_sort_unstable_by_key(|e| e.0);
        let nn = self.n as usize;
        let mut off = vec![0u64; nn + 1];
        let mut src = Vec::with_capacity(self.edges.len());
        let mut weight: Vec<f64> = Vec::with_capacity(self.edges.len());
        let mut out_weight = vec![0.0f64; nn];
        let mut last = u64::MAX;
        for &(key, w) in &self.edges {
            let (t, s) = ((key >> 32) as u32, key as u32);
            out_weight[s as usize] += w;
            if key == last {
                *weight.last_mut().expect("an edge before") += w;
                continue;
            }
            last = key;
            off[t as usize + 1] += 1;
            src.push(s);
            weight.push(w);
        }
        for i in 0..nn {
            off[i + 1] += off[i];
        }
        Graph {
            n: self.n,
            off,
            src,
            weight: Some(weight),
            out_weight,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_merges_parallel_edges_and_sums_out_weights() {
        let mut b = GraphBuilder::new(3);
        b.add(0, 1, 1.0);
        b.add(0, 1, 2.0);
        b.add(2, 1, 0.5);
        b.add(1, 0, 0.0);
        let g = b.build();
        assert_eq!(g.edges(), 2);
        let (src, w) = g.incoming(1);
        assert_eq!(src, &[0, 2]);
        assert_eq!(w.unwrap(), &[3.0, 0.5]);
        assert_eq!(g.out_weight(0), 3.0);
        assert_eq!(g.out_weight(1), 0.0);
        assert_eq!(g.incoming(0).0.len(), 0);
    }

    #[test]
    fn from_edges_keeps_parallel_edges() {
        let g = Graph::from_edges(3, &[(0, 1), (0, 1), (2, 0)]);
        assert_eq!(g.incoming(1).0, &[0, 0]);
        assert_eq!(g.out_weight(0), 2.0);
        assert_eq!(g.incoming(0).0, &[2]);
    }
}
