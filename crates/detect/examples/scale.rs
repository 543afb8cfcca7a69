//! Scale test: generate an injected graph once, then time one kernel per
//! process so `/usr/bin/time -v` reports that kernel's peak RSS.
//!
//! ```text
//! scale gen FILE [ACTORS TARGETS EDGES]   # default 1M × 1M × 10M, block 200×200 p 0.05 random camo
//! scale run FILE fraudar|dense            # loads FILE, builds the CSR graph, runs the kernel
//! ```
//! FILE holds `n_actors n_targets n_edges n_fraud` (u32 LE), the edges as u32
//! pairs, then the fraud actors.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::time::Instant;

use levain_detect::fraudar::{DenseConfig, dense_blocks, fraudar};
use levain_detect::graph::Bipartite;
use levain_detect::inject::{Camouflage, InjectConfig, inject, score};

fn put(w: &mut impl Write, x: u32) {
    w.write_all(&x.to_le_bytes()).unwrap();
}

fn get(r: &mut impl Read) -> u32 {
    let mut b = [0u8; 4];
    r.read_exact(&mut b).unwrap();
    u32::from_le_bytes(b)
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let path = &a[2];
    if a[1] == "gen" {
        let n: u32 = a.get(3).map_or(1_000_000, |s| s.parse().unwrap());
        let m: u32 = a.get(4).map_or(1_000_000, |s| s.parse().unwrap());
        let e: u64 = a.get(5).map_or(10_000_000, |s| s.parse().unwrap());
        let t = Instant::now();
        let inj = inject(&InjectConfig {
            actors: n,
            targets: m,
            edges: e,
            gamma: 2.5,
            block: (200, 200),
            p: 0.05,
            camo: Camouflage::Random,
            seed: 1,
            stretch_days: 7.0,
        });
        eprintln!(
            "inject: {:.1} s, {} edges",
            t.elapsed().as_secs_f64(),
            inj.edges.len()
        );
        let mut w = BufWriter::new(File::create(path).unwrap());
        for x in [
            inj.n_actors,
            inj.n_targets,
            inj.edges.len() as u32,
            inj.fraud_actors.len() as u32,
        ] {
            put(&mut w, x);
        }
        for &(r, c) in &inj.edges {
            put(&mut w, r);
            put(&mut w, c);
        }
        for &f in &inj.fraud_actors {
            put(&mut w, f);
        }
        return;
    }
    let t0 = Instant::now();
    let mut r = BufReader::with_capacity(1 << 20, File::open(path).unwrap());
    let (n, m, ne, nf) = (get(&mut r), get(&mut r), get(&mut r), get(&mut r));
    let mut edges: Vec<(u32, u32)> = (0..ne).map(|_| (get(&mut r), get(&mut r))).collect();
    let truth: Vec<u32> = (0..nf).map(|_| get(&mut r)).collect();
    let t1 = Instant::now();
    // Sort in place and hand the vector over: no second copy of the edge list.
    rayon::slice::ParallelSliceMut::par_sort_unstable(&mut edges[..]);
    edges.dedup();
    let g = Bipartite::from_sorted_unique(n, m, edges);
    let t2 = Instant::now();
    let (rows, what) = match a[3].as_str() {
        "fraudar" => (fraudar(&g, 1).swap_remove(0).rows, "fraudar"),
        "dense" => {
            let d = dense_blocks(&g, &DenseConfig::default());
            let mut rows: Vec<u32> = d.iter().flat_map(|b| b.rows.iter().copied()).collect();
            rows.sort_unstable();
            rows.dedup();
            eprintln!(
                "dense_blocks: {} blocks, sizes {:?}",
                d.len(),
                d.iter()
                    .map(|b| (b.rows.len(), b.cols.len(), b.score as i64))
                    .collect::<Vec<_>>()
            );
            (rows, "dense_blocks")
        }
        k => panic!("unknown kernel {k}"),
    };
    let t3 = Instant::now();
    let s = score(&rows, &truth);
    println!(
        "{what}: {} actors × {} targets × {} edges; load {:.2} s, build {:.2} s, kernel {:.2} s; graph {:.1} B/edge; \
         detected {} actors, F1 {:.3} (P {:.2} / R {:.2})",
        n,
        m,
        g.n_edges(),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        g.heap_bytes() as f64 / g.n_edges() as f64,
        rows.len(),
        s.f1,
        s.precision,
        s.recall
    );
}
