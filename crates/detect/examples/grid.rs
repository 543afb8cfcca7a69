//! Injection grid over [`levain_detect::bench`]: `dense_blocks`, `fraudar`,
//! D-Cube and optionally the Python rgmining-fraudar peer, actor-level P/R/F1.
//!
//! ```text
//! cargo run --release -p levain-detect --example grid -- [--quick | --full]
//!     [--bg dense25,dense30,sparse] [--blocks 200] [--p 0.02,0.05,0.08,0.12]
//!     [--camo none,random,random2,biased,hijacked] [--stretch 0.04,7] [--seed 1]
//!     [--null] [--peer [PYTHON]]
//! ```
//! `--null`: block-free cells (seeds from `--seed`, e.g. `--seed 1,2,3`).
//! `--peer`: runs `/work/shared/peers/fraudar_peer.py` with PYTHON
//! (default `/var/tmp/levain-peers/bin/python`). A `!` marks a cell where
//! `dense_blocks` has a lower F1 than `fraudar`.

use std::path::Path;

use levain_detect::bench::{Background, Cell, Prf, default_grid, run_cell};
use levain_detect::inject::Camouflage;

fn arg(args: &[String], name: &str) -> Option<String> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).filter(|v| !v.starts_with("--")).cloned()
}

fn list(args: &[String], name: &str, default: &str) -> Vec<String> {
    arg(args, name)
        .unwrap_or_else(|| default.to_string())
        .split(',')
        .map(str::to_string)
        .collect()
}

fn fmt(p: &Prf) -> String {
    format!("{:.3} ({:.2}/{:.2})", p.f1, p.precision, p.recall)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let has = |f: &str| args.iter().any(|a| a == f);
    let cells: Vec<Cell> = if has("--quick") || has("--full") {
        default_grid(has("--quick"))
    } else {
        let mut out = Vec::new();
        let null = has("--null");
        for seed in list(&args, "--seed", "1") {
            for b in list(&args, "--bg", "dense25,dense30,sparse") {
                let background = Background::from_name(&b).expect("background");
                let blocks = if null {
                    "0".into()
                } else {
                    list(&args, "--blocks", "200").join(",")
                };
                for block in blocks.split(',') {
                    let ps = if null {
                        vec!["0".into()]
                    } else {
                        list(&args, "--p", "0.02,0.05,0.08,0.12")
                    };
                    for p in &ps {
                        let camos = if null {
                            vec!["none".into()]
                        } else {
                            list(&args, "--camo", "none,random,random2,biased,hijacked")
                        };
                        for c in &camos {
                            for st in list(&args, "--stretch", if null { "7" } else { "0.04,7" }) {
                                out.push(Cell {
                                    background,
                                    block: block.parse().unwrap(),
                                    p: p.parse().unwrap(),
                                    camo: *Camouflage::ALL
                                        .iter()
                                        .find(|x| x.name() == c)
                                        .expect("camouflage"),
                                    stretch_days: st.parse().unwrap(),
                                    seed: seed.parse().unwrap(),
                                });
                            }
                        }
                    }
                }
            }
        }
        out
    };
    let python = arg(&args, "--peer").unwrap_or_else(|| "/var/tmp/levain-peers/bin/python".into());
    let script = Path::new("/work/shared/peers/fraudar_peer.py");
    let peer = has("--peer").then_some((Path::new(python.as_str()), script));

    println!(
        "| bg | block | p | camo | stretch d | seed | edges | dense F1 (P/R) | fraudar F1 (P/R) | peer F1 (P/R) | peer = ours | D-Cube F1 (P/R) | fake removed | AUC-PR | dense actors | fraudar actors | dense s | fraudar s | peer s | peer MB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for cell in &cells {
        let r = run_cell(cell, peer);
        let below = if r.dense.f1 < r.fraudar.f1 { " !" } else { "" };
        let (pf, same, ps, pm) = match (&r.peer, peer.is_some()) {
            (Some(p), _) => (
                fmt(&p.prf),
                if p.same_as_ours { "yes" } else { "no" }.to_string(),
                format!("{:.2}", p.seconds),
                format!("{:.0}", p.peak_rss_mb),
            ),
            (None, true) => ("failed".into(), "-".into(), "-".into(), "-".into()),
            (None, false) => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {}{below} | {} | {pf} | {same} | {} | {:.3} | {:.3} | {} | {} | {:.2} | {:.2} | {ps} | {pm} |",
            cell.background.name(),
            cell.block,
            cell.p,
            cell.camo.name(),
            cell.stretch_days,
            cell.seed,
            r.edges,
            fmt(&r.dense),
            fmt(&r.fraudar),
            r.dcube.as_ref().map_or("-".into(), fmt),
            r.fake_edges_removed,
            r.auc_pr,
            r.dense_actors,
            r.fraudar_actors,
            r.dense_seconds,
            r.fraudar_seconds,
        );
    }
}
