//! SALSA (Lempel and Moran, 2000) on a bipartite graph, with a restart to
//! the hub side as Twitter's "Who to Follow" runs it: the hubs are a
//! "circle of trust" (the accounts personalised PageRank puts closest to
//! the user) and the authorities are the accounts they point to. A walker
//! alternates hub → authority → hub along edges (in proportion to their
//! weight); before each hub step it restarts on the circle with
//! probability `reset`. Authorities that many trusted hubs point to score
//! high, and hubs pointing to such authorities score high.
//!
//! The restart makes the walk ergodic, so the scores are unique even on a
//! disconnected graph (plain SALSA's depend on the components' sizes).

use rayon::prelude::*;

/// Weighted edges from hubs `0..hubs` to authorities `0..authorities`.
#[derive(Clone, Debug, Default)]
pub struct Bipartite {
    pub hubs: u32,
    pub authorities: u32,
    pub edges: Vec<(u32, u32, f64)>,
}

#[derive(Clone, Debug)]
pub struct SalsaOptions {
    /// Probability of restarting on the circle before each hub step.
    pub reset: f64,
    /// Stop when the L1 change of the hub scores is below this.
    pub tol: f64,
    pub max_iter: u32,
}

impl Default for SalsaOptions {
    fn default() -> Self {
        SalsaOptions {
            reset: 0.15,
            tol: 1e-10,
            max_iter: 500,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Salsa {
    /// Each hub's share of the walk (sums to 1).
    pub hubs: Vec<f64>,
    /// Each authority's share of the walk (sums to 1 when any hub has an edge).
    pub authorities: Vec<f64>,
    pub iterations: u32,
}

/// SALSA scores; `trust` weighs the hubs the walk restarts on (uniform when
/// empty). Hubs without edges send their walkers back to the circle.
pub fn salsa(g: &Bipartite, trust: &[(u32, f64)], o: &SalsaOptions) -> Salsa {
    let (nh, na) = (g.hubs as usize, g.authorities as usize);
    // Both directions as CSR: hub → (authority, weight), authority → (hub, weight).
    let by_hub = adjacency(nh, g.edges.iter().map(|&(h, a, w)| (h, a, w)));
    let by_auth = adjacency(na, g.edges.iter().map(|&(h, a, w)| (a, h, w)));
    let mut restart = vec![0.0f64; nh];
    for &(h, w) in trust {
        if w > 0.0 && w.is_finite() {
            restart[h as usize] += w;
        }
    }
    let total: f64 = restart.iter().sum();
    if total > 0.0 {
        restart.iter_mut().for_each(|x| *x /= total);
    } else if nh > 0 {
        restart.fill(1.0 / nh as f64);
    }
    let mut hubs = restart.clone();
    let mut auth = vec![0.0f64; na];
    let mut iterations = 0;
    while iterations < o.max_iter {
        iterations += 1;
        // Hub → authority; a hub with no edge loses its walkers to the restart.
        let hub_share: Vec<f64> = (0..nh)
            .into_par_iter()
            .map(|h| {
                let w = by_hub.weight[h];
                if w > 0.0 { hubs[h] / w } else { 0.0 }
            })
            .collect();
        auth.par_iter_mut().enumerate().for_each(|(a, slot)| {
            *slot = by_auth
                .neighbours(a)
                .map(|(h, w)| hub_share[h as usize] * w)
                .sum();
        });
        let lost: f64 = 1.0 - auth.iter().sum::<f64>();
        // Authority → hub, then the restart.
        let auth_share: Vec<f64> = (0..na)
            .into_par_iter()
            .map(|a| {
                let w = by_auth.weight[a];
                if w > 0.0 { auth[a] / w } else { 0.0 }
            })
            .collect();
        let next: Vec<f64> = (0..nh)
            .into_par_iter()
            .map(|h| {
                let walked: f64 = by_hub
                    .neighbours(h)
                    .map(|(a, w)| auth_share[a as usize] * w)
                    .sum();
                (1.0 - o.reset) * walked + (o.reset + (1.0 - o.reset) * lost) * restart[h]
            })
            .collect();
        let delta: f64 = next.iter().zip(&hubs).map(|(a, b)| (a - b).abs()).sum();
        hubs = next;
        if delta < o.tol {
            break;
        }
    }
    Salsa {
        hubs,
        authorities: auth,
        iterations,
    }
}

struct Adjacency {
    off: Vec<usize>,
    to: Vec<(u32, f64)>,
    weight: Vec<f64>,
}

impl Adjacency {
    fn neighbours(&self, v: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        self.to[self.off[v]..self.off[v + 1]].iter().copied()
    }
}

fn adjacency(n: usize, edges: impl Iterator<Item = (u32, u32, f64)> + Clone) -> Adjacency {
    let mut off = vec![0usize; n + 1];
    let mut weight = vec![0.0f64; n];
    for (v, _, w) in edges.clone() {
        off[v as usize + 1] += 1;
        weight[v as usize] += w;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    let mut fill = off[..n].to_vec();
    let mut to = vec![(0u32, 0.0f64); off[n]];
    for (v, u, w) in edges {
        to[fill[v as usize]] = (u, w);
        fill[v as usize] += 1;
    }
    Adjacency { off, to, weight }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_followed_by_trusted_hubs_win() {
        // Hubs 0 and 1 are trusted; hub 2 is not. Authority 0 is pointed to
        // by both trusted hubs, authority 1 by one, authority 2 only by the
        // untrusted hub (which many edges make busy but not trusted).
        let g = Bipartite {
            hubs: 3,
            authorities: 3,
            edges: vec![
                (0, 0, 1.0),
                (1, 0, 1.0),
                (1, 1, 1.0),
                (2, 2, 1.0),
                (2, 2, 1.0),
            ],
        };
        let s = salsa(&g, &[(0, 1.0), (1, 1.0)], &SalsaOptions::default());
        assert!(s.authorities[0] > s.authorities[1]);
        assert!(s.authorities[1] > s.authorities[2]);
        assert_eq!(s.authorities[2], 0.0);
        assert!((s.hubs.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!((s.authorities.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn without_restart_authority_scores_follow_weighted_in_degree() {
        // Plain SALSA on a connected graph: authority scores are
        // proportional to their (weighted) in-degree.
        let g = Bipartite {
            hubs: 3,
            authorities: 2,
            edges: vec![(0, 0, 1.0), (1, 0, 1.0), (1, 1, 1.0), (2, 0, 1.0)],
        };
        let o = SalsaOptions {
            reset: 0.0,
            tol: 1e-14,
            max_iter: 10_000,
        };
        let s = salsa(&g, &[], &o);
        assert!(
            (s.authorities[0] - 0.75).abs() < 1e-9,
            "{:?}",
            s.authorities
        );
        assert!((s.authorities[1] - 0.25).abs() < 1e-9);
    }
}
