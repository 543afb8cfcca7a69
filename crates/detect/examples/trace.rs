//! Diagnostics: each seed of `dense_blocks`' first round and what refinement made of it.
//! `cargo run --release -p levain-detect --example trace -- CAMO P [GAMMA] [EDGES] [BLOCK]`

use levain_detect::fraudar::{DenseConfig, candidates};
use levain_detect::graph::Bipartite;
use levain_detect::inject::{Camouflage, InjectConfig, inject};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let camo = *Camouflage::ALL.iter().find(|c| c.name() == a[1]).unwrap();
    let p: f64 = a[2].parse().unwrap();
    let gamma: f64 = a.get(3).map_or(2.5, |s| s.parse().unwrap());
    let edges: u64 = a.get(4).map_or(200_000, |s| s.parse().unwrap());
    let bs: u32 = a.get(5).map_or(200, |s| s.parse().unwrap());
    let inj = inject(&InjectConfig {
        camo,
        p,
        gamma,
        edges,
        block: (bs, bs),
        ..Default::default()
    });
    let g = Bipartite::from_edges(inj.n_actors, inj.n_targets, &inj.edges);
    let tp = |v: &[u32], t: &[u32]| v.iter().filter(|x| t.binary_search(x).is_ok()).count();
    for ((sr, sc), b) in candidates(&g, &DenseConfig::default()) {
        println!(
            "seed {}x{} (fraud {} / {})  ->  block {}x{} (fraud {} / {})  score {:.1}",
            sr.len(),
            sc.len(),
            tp(&sr, &inj.fraud_actors),
            tp(&sc, &inj.fraud_targets),
            b.rows.len(),
            b.cols.len(),
            tp(&b.rows, &inj.fraud_actors),
            tp(&b.cols, &inj.fraud_targets),
            b.score
        );
    }
}
