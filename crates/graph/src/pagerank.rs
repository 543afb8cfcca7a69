//! Personalised PageRank by power iteration, with the semantics of
//! networkx's `pagerank` and igraph's PRPACK `personalized_pagerank`:
//!
//! ```text
//! x' = α · (Pᵀ x + (Σ_dangling x) · p) + (1 − α) · p
//! ```
//!
//! where `P` moves a walker along an out-edge in proportion to its weight
//! and `p` is the personalisation (restart) vector, normalised to sum 1
//! (uniform when none is given). The mass of dangling nodes (no out-edge)
//! restarts along `p`, as both peers do (networkx's default
//! `dangling=None`; igraph ≥ 0.10 for personalised runs), so the scores
//! always sum to 1 and agree with theirs.
//!
//! Start: uniform `1/n`, as networkx. Stop: when the L1 change of one
//! iteration falls below `tol` (networkx stops below `n · tol` for its own
//! `tol`; give `n · tol` here for the same point). The remaining error is
//! then below `tol · α / (1 − α)` in L1.
//!
//! The iteration pulls along incoming edges, so each node's new score is
//! written by one thread: rayon splits the nodes in ranges of similar edge
//! counts, with no atomics and a deterministic result.

use rayon::prelude::*;

use crate::csr::Graph;

#[derive(Clone, Debug)]
pub struct PageRankOptions {
    /// Probability of following an edge (networkx `alpha`, igraph `damping`).
    pub damping: f64,
    /// Stop when the L1 change of an iteration is below this.
    pub tol: f64,
    pub max_iter: u32,
}

impl Default for PageRankOptions {
    fn default() -> Self {
        PageRankOptions {
            damping: 0.85,
            tol: 1e-10,
            max_iter: 1000,
        }
    }
}

#[derive(Clone, Debug)]
pub struct PageRank {
    /// One score per node, summing to 1.
    pub scores: Vec<f64>,
    pub iterations: u32,
    /// L1 change of the last iteration.
    pub delta: f64,
    pub converged: bool,
}

/// Personalised PageRank of `g`. `personalization` is `(node, weight)`
/// pairs (repeats add up; zero total or `None` means uniform restart).
pub fn pagerank(
    g: &Graph,
    personalization: Option<&[(u32, f64)]>,
    o: &PageRankOptions,
) -> PageRank {
    let n = g.nodes() as usize;
    if n == 0 {
        return PageRank {
            scores: Vec::new(),
            iterations: 0,
            delta: 0.0,
            converged: true,
        };
    }
    let p = restart_vector(n, personalization);
    let alpha = o.damping;
    let out_w = g.out_weights();
    let dangling: Vec<u32> = (0..n as u32)
        .filter(|&u| out_w[u as usize] == 0.0)
        .collect();
    let ranges = balanced_ranges(g.offsets(), rayon::current_num_threads() * 8);

    let mut x = vec![1.0 / n as f64; n];
    let mut next = vec![0.0f64; n];
    // x[u] / out_weight[u]: what u sends along each unit of edge weight.
    let mut share = vec![0.0f64; n];
    let (off, src, weight) = (g.offsets(), g.sources(), g.weights());
    let mut result = PageRank {
        scores: Vec::new(),
        iterations: 0,
        delta: f64::INFINITY,
        converged: false,
    };
    while result.iterations < o.max_iter {
        result.iterations += 1;
        share
            .par_iter_mut()
            .zip(x.par_iter().zip(out_w.par_iter()))
            .with_min_len(1 << 14)
            .for_each(|(s, (xi, w))| *s = if *w > 0.0 { xi / w } else { 0.0 });
        let dangling_mass: f64 = dangling.iter().map(|&u| x[u as usize]).sum();
        let base = alpha * dangling_mass + (1.0 - alpha);
        let share = &share;
        let x_ref = &x;
        let p_ref = &p;
        // Split `next` into the ranges, each filled by one task.
        let mut slices: Vec<(&mut [f64], usize)> = Vec::with_capacity(ranges.len());
        let mut rest: &mut [f64] = &mut next;
        let mut at = 0usize;
        for r in &ranges {
            let (head, tail) = rest.split_at_mut(r.end - at);
            slices.push((head, r.start));
            rest = tail;
            at = r.end;
        }
        let delta: f64 = slices
            .into_par_iter()
            .map(|(out, start)| {
                let mut d = 0.0;
                for (i, slot) in out.iter_mut().enumerate() {
                    let v = start + i;
                    let (a, b) = (off[v] as usize, off[v + 1] as usize);
                    let mut sum = 0.0;
                    match weight {
                        None => {
                            for &u in &src[a..b] {
                                sum += share[u as usize];
                            }
                        }
                        Some(w) => {
                            for (&u, &wt) in src[a..b].iter().zip(&w[a..b]) {
                                sum += share[u as usize] * wt;
                            }
                        }
                    }
                    let value = alpha * sum + base * p_ref.get(v);
                    d += (value - x_ref[v]).abs();
                    *slot = value;
                }
                d
            })
            .sum();
        std::mem::swap(&mut x, &mut next);
        result.delta = delta;
        if delta < o.tol {
            result.converged = true;
            break;
        }
    }
    result.scores = x;
    result
}

/// The restart distribution: dense when personalised, implicit when uniform.
enum Restart {
    Uniform(f64),
    Dense(Vec<f64>),
}

impl Restart {
    #[inline]
    fn get(&self, v: usize) -> f64 {
        match self {
            Restart::Uniform(u) => *u,
            Restart::Dense(p) => p[v],
        }
    }
}

fn restart_vector(n: usize, personalization: Option<&[(u32, f64)]>) -> Restart {
    let Some(pers) = personalization else {
        return Restart::Uniform(1.0 / n as f64);
    };
    let mut p = vec![0.0f64; n];
    for &(v, w) in pers {
        assert!((v as usize) < n, "personalised node {v} outside 0..{n}");
        if w > 0.0 && w.is_finite() {
            p[v as usize] += w;
        }
    }
    let total: f64 = p.iter().sum();
    if total <= 0.0 {
        return Restart::Uniform(1.0 / n as f64);
    }
    p.iter_mut().for_each(|x| *x /= total);
    Restart::Dense(p)
}

/// Node ranges holding about the same number of in-edges (plus one per
/// node), so threads finish together on skewed degree distributions.
fn balanced_ranges(off: &[u64], parts: usize) -> Vec<std::ops::Range<usize>> {
    let n = off.len() - 1;
    let total = off[n] + n as u64;
    let per = (total / parts.max(1) as u64).max(4096);
    let mut ranges = Vec::new();
    let mut start = 0usize;
    while start < n {
        let goal = off[start] + start as u64 + per;
        // First node index whose cumulative work reaches the goal.
        let (mut lo, mut hi) = (start + 1, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if off[mid] + mid as u64 >= goal {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        ranges.push(start..lo);
        start = lo;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csr::GraphBuilder;
    use rand::{Rng, SeedableRng};

    /// Solves x = α(Pᵀx + (d·x)p) + (1−α)p exactly (Gaussian elimination).
    fn exact(n: usize, edges: &[(u32, u32, f64)], p: &[f64], alpha: f64) -> Vec<f64> {
        let mut out = vec![0.0; n];
        for &(s, _, w) in edges {
            out[s as usize] += w;
        }
        // (I − α M) x = (1 − α) p, M = Pᵀ + p·dᵀ
        let mut a = vec![vec![0.0; n + 1]; n];
        for (i, row) in a.iter_mut().enumerate() {
            row[i] = 1.0;
            row[n] = (1.0 - alpha) * p[i];
        }
        for &(s, t, w) in edges {
            a[t as usize][s as usize] -= alpha * w / out[s as usize];
        }
        for u in 0..n {
            if out[u] == 0.0 {
                for (i, row) in a.iter_mut().enumerate() {
                    row[u] -= alpha * p[i];
                }
            }
        }
        for c in 0..n {
            let piv = (c..n)
                .max_by(|x, y| a[*x][c].abs().total_cmp(&a[*y][c].abs()))
                .unwrap();
            a.swap(c, piv);
            let pivot = a[c].clone();
            for (r, row) in a.iter_mut().enumerate() {
                if r != c {
                    let f = row[c] / pivot[c];
                    for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                        *x -= f * p;
                    }
                }
            }
        }
        (0..n).map(|i| a[i][n] / a[i][i]).collect()
    }

    #[test]
    fn matches_the_exact_solution_with_dangling_nodes_and_weights() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for round in 0..5 {
            let n = 40;
            let mut edges = Vec::new();
            let mut b = GraphBuilder::new(n as u32);
            for _ in 0..150 {
                let (s, t) = (rng.random_range(0..n as u32), rng.random_range(0..n as u32));
                // Nodes 0..5 stay dangling.
                if s < 5 {
                    continue;
                }
                let w = if round % 2 == 0 {
                    1.0
                } else {
                    rng.random_range(0.1..3.0)
                };
                edges.push((s, t, w));
                b.add(s, t, w);
            }
            let g = b.build();
            let pers = [(3u32, 2.0), (17, 1.0), (30, 1.0)];
            let mut p = vec![0.0; n];
            for (v, w) in pers {
                p[v as usize] += w / 4.0;
            }
            let r = pagerank(&g, Some(&pers), &PageRankOptions::default());
            assert!(r.converged);
            let want = exact(n, &edges, &p, 0.85);
            for (a, b) in r.scores.iter().zip(&want) {
                assert!((a - b).abs() < 1e-9, "{a} vs {b}");
            }
            assert!((r.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }

    /// Values printed by networkx 3.6.1 (`nx.pagerank(G, alpha=0.85,
    /// personalization={0: 1}, tol=1e-12)`) and igraph 1.0.0 (PRPACK) on
    /// the graph 0→1, 0→2, 1→2, 2→0, 3→2 (node 4 isolated, so dangling).
    #[test]
    fn agrees_with_networkx_and_igraph_on_a_small_graph() {
        let g = Graph::from_edges(5, &[(0, 1), (0, 2), (1, 2), (2, 0), (3, 2)]);
        let r = pagerank(&g, Some(&[(0, 1.0)]), &PageRankOptions::default());
        let peer = [
            0.4522328999442741,
            0.19219898247531342,
            0.35556811758041246,
            0.0,
            0.0,
        ];
        for (a, b) in r.scores.iter().zip(peer) {
            assert!((a - b).abs() < 1e-9, "{:?}", r.scores);
        }
    }

    #[test]
    fn uniform_restart_is_classic_pagerank_and_threads_agree() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let n = 50_000u32;
        let edges: Vec<(u32, u32)> = (0..400_000)
            .map(|_| (rng.random_range(0..n), rng.random_range(0..n / 10)))
            .collect();
        let g = Graph::from_edges(n, &edges);
        let a = pagerank(&g, None, &PageRankOptions::default());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| pagerank(&g, None, &PageRankOptions::default()));
        assert_eq!(a.iterations, b.iterations);
        let diff = a
            .scores
            .iter()
            .zip(&b.scores)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        assert!(diff < 1e-15, "{diff}");
        assert!((a.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn balanced_ranges_cover_every_node_once() {
        let off: Vec<u64> = (0..=100_000u64).map(|i| i * i / 1000).collect();
        let r = balanced_ranges(&off, 16);
        assert_eq!(r.first().unwrap().start, 0);
        assert_eq!(r.last().unwrap().end, 100_000);
        for w in r.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
    }
}
