//! Injection grid: `dense_blocks` and `fraudar` (and optionally the Python
//! rgmining-fraudar peer) on FRAUDAR-protocol graphs, actor-level P/R/F1.
//!
//! ```text
//! cargo run --release -p levain-detect --example grid -- [--bg dense25,dense30,sparse]
//!     [--blocks 200,50,600] [--p 0.02,0.05,0.08,0.12] [--camo none,random,random2,biased,hijacked]
//!     [--stretch 0.04,7] [--seed 1] [--peer] [--null]
//! ```
//! `--peer` also writes each graph as TSV and runs
//! `/var/tmp/levain-peers/bin/python /work/shared/peers/fraudar_peer.py` on it.
//! `--null` runs the pure backgrounds (no block) and reports false positives.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use levain_detect::fraudar::{DenseConfig, dense_blocks, fraudar};
use levain_detect::graph::Bipartite;
use levain_detect::inject::{Camouflage, InjectConfig, Prf, inject, score, write_tsv};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn list(args: &[String], name: &str, default: &str) -> Vec<String> {
    arg(args, name)
        .unwrap_or_else(|| default.to_string())
        .split(',')
        .map(str::to_string)
        .collect()
}

fn bg(name: &str) -> (u64, f64) {
    match name {
        "dense25" => (200_000, 2.5),
        "dense30" => (200_000, 3.0),
        "sparse" => (50_000, 2.5),
        _ => panic!("unknown background {name}"),
    }
}

fn camo(name: &str) -> Camouflage {
    *Camouflage::ALL
        .iter()
        .find(|c| c.name() == name)
        .expect("camouflage")
}

fn fmt(p: &Prf) -> String {
    format!("{:.3} ({:.2}/{:.2})", p.f1, p.precision, p.recall)
}

/// Runs the Python peer on the graph's TSV; also runs our `fraudar` on the
/// TSV read back with the peer's numbering (first appearance), so tie-breaks
/// are comparable. Returns (peer actors, peer seconds, our actors in that numbering).
fn peer(inj: &levain_detect::inject::Injected, tag: &str) -> Option<(Vec<u32>, f64, Vec<u32>)> {
    let dir = PathBuf::from("/var/tmp/levain-detect-runs");
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{tag}.tsv"));
    write_tsv(inj, &path).ok()?;
    let out = Command::new("/var/tmp/levain-peers/bin/python")
        .args([
            "/work/shared/peers/fraudar_peer.py",
            path.to_str()?,
            "--quiet-lib",
        ])
        .output()
        .ok()?;
    let tsv = levain_detect::inject::read_tsv(&path).ok()?;
    std::fs::remove_file(&path).ok();
    let g = Bipartite::from_edges(
        tsv.actor_names.len() as u32,
        tsv.target_names.len() as u32,
        &tsv.edges,
    );
    let ours: Vec<u32> = fraudar(&g, 1)[0]
        .rows
        .iter()
        .map(|&r| tsv.actor_names[r as usize][1..].parse().unwrap())
        .collect();
    let s = String::from_utf8_lossy(&out.stdout);
    // Minimal JSON picking: "detected_actors": ["a1", ...], "seconds": x
    let start = s.find("\"detected_actors\": [")? + "\"detected_actors\": [".len();
    let end = start + s[start..].find(']')?;
    let actors = s[start..end]
        .split(',')
        .filter_map(|x| {
            x.trim()
                .trim_matches('"')
                .strip_prefix('a')
                .and_then(|v| v.parse().ok())
        })
        .collect();
    let sec_at = s.find("\"seconds\": ")? + "\"seconds\": ".len();
    let secs: f64 = s[sec_at..].split([',', '}']).next()?.trim().parse().ok()?;
    Some((actors, secs, ours))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bgs = list(&args, "--bg", "dense25,dense30,sparse");
    let blocks = list(&args, "--blocks", "200");
    let ps = list(&args, "--p", "0.02,0.05,0.08,0.12");
    let camos = list(&args, "--camo", "none,random,random2,biased,hijacked");
    let stretches = list(&args, "--stretch", "0.04,7");
    let seed: u64 = arg(&args, "--seed").map_or(1, |s| s.parse().unwrap());
    let run_peer = args.iter().any(|a| a == "--peer");
    let cfg = DenseConfig::default();

    if args.iter().any(|a| a == "--null") {
        println!(
            "| background | γ | edges | dense_blocks blocks | FP actors | FP targets | top score | fraudar det. actors | s |"
        );
        println!("|---|---|---|---|---|---|---|---|---|");
        for b in &bgs {
            let (edges, gamma) = bg(b);
            let inj = inject(&InjectConfig {
                edges,
                gamma,
                block: (0, 0),
                seed,
                ..Default::default()
            });
            let g = Bipartite::from_edges(inj.n_actors, inj.n_targets, &inj.edges);
            let t = Instant::now();
            let d = dense_blocks(&g, &cfg);
            let secs = t.elapsed().as_secs_f64();
            let fa: usize = d.iter().map(|b| b.rows.len()).sum();
            let ft: usize = d.iter().map(|b| b.cols.len()).sum();
            let top = d.first().map_or(f64::NAN, |b| b.score);
            let f = fraudar(&g, 1);
            println!(
                "| 20k×20k×{}k | {gamma} | {} | {} | {fa} | {ft} | {top:.1} | {} | {secs:.2} |",
                edges / 1000,
                g.n_edges(),
                d.len(),
                f[0].rows.len()
            );
        }
        return;
    }

    println!(
        "| background | γ | block | p | camo | stretch d | dense_blocks F1 (P/R) | fraudar F1 (P/R) | peer F1 (P/R) | peer = ours | dense s | fraudar s | peer s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for b in &bgs {
        let (edges, gamma) = bg(b);
        for blk in &blocks {
            let bs: u32 = blk.parse().unwrap();
            for p in &ps {
                let p: f64 = p.parse().unwrap();
                for c in &camos {
                    for st in &stretches {
                        let st: f64 = st.parse().unwrap();
                        let icfg = InjectConfig {
                            actors: 20_000,
                            targets: 20_000,
                            edges,
                            gamma,
                            block: (bs, bs),
                            p,
                            camo: camo(c),
                            seed,
                            stretch_days: st,
                        };
                        let inj = inject(&icfg);
                        let g = Bipartite::from_edges(inj.n_actors, inj.n_targets, &inj.edges);
                        let t = Instant::now();
                        let d = dense_blocks(&g, &cfg);
                        let ds = t.elapsed().as_secs_f64();
                        let mut det: Vec<u32> =
                            d.iter().flat_map(|b| b.rows.iter().copied()).collect();
                        det.sort_unstable();
                        det.dedup();
                        let sd = score(&det, &inj.fraud_actors);
                        let t = Instant::now();
                        let f = fraudar(&g, 1);
                        let fs = t.elapsed().as_secs_f64();
                        let sf = score(&f[0].rows, &inj.fraud_actors);
                        let (sp, same, ps_) = if run_peer {
                            match peer(&inj, &format!("{b}_{bs}_{p}_{c}_{st}_{seed}")) {
                                Some((mut pa, secs, mut ours)) => {
                                    pa.sort_unstable();
                                    ours.sort_unstable();
                                    let same = if pa == ours {
                                        "yes".to_string()
                                    } else {
                                        let sym = pa
                                            .iter()
                                            .filter(|x| ours.binary_search(x).is_err())
                                            .count()
                                            + ours
                                                .iter()
                                                .filter(|x| pa.binary_search(x).is_err())
                                                .count();
                                        format!("no (Δ{sym})")
                                    };
                                    (
                                        fmt(&score(&pa, &inj.fraud_actors)),
                                        same,
                                        format!("{secs:.2}"),
                                    )
                                }
                                None => ("failed".into(), "-".into(), "-".into()),
                            }
                        } else {
                            ("-".into(), "-".into(), "-".into())
                        };
                        println!(
                            "| 20k×20k×{}k | {gamma} | {bs}×{bs} | {p} | {c} | {st} | {} | {} | {sp} | {same} | {ds:.2} | {fs:.2} | {ps_} |",
                            edges / 1000,
                            fmt(&sd),
                            fmt(&sf)
                        );
                    }
                }
            }
        }
    }
}
