//! D-Cube on injected graphs with times: entries (actor, target, hour
//! bucket), compact vs stretched blocks; actor-level F1 of the first block.
//! `cargo run --release -p levain-detect --example dcube -- [--p 0.05,0.12] [--camo none,random,hijacked] [--stretch 0.04,7]`

use std::time::Instant;

use levain_detect::dcube::{Density, Tensor, dcube};
use levain_detect::inject::{Camouflage, InjectConfig, inject, score};

fn list(args: &[String], name: &str, default: &str) -> Vec<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
        .split(',')
        .map(str::to_string)
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ps = list(&args, "--p", "0.05,0.12");
    let camos = list(&args, "--camo", "none,random,hijacked");
    let stretches = list(&args, "--stretch", "0.04,7");
    let bucket: i64 = list(&args, "--bucket", "3600")[0].parse().unwrap();
    println!("| p | camo | stretch d | density | F1 (P/R) | block sizes | s |");
    println!("|---|---|---|---|---|---|---|");
    for p in &ps {
        for c in &camos {
            for st in &stretches {
                let camo = *Camouflage::ALL.iter().find(|x| x.name() == c).unwrap();
                let inj = inject(&InjectConfig {
                    p: p.parse().unwrap(),
                    camo,
                    stretch_days: st.parse().unwrap(),
                    ..Default::default()
                });
                let modes = vec![
                    inj.edges.iter().map(|e| e.0).collect(),
                    inj.edges.iter().map(|e| e.1).collect(),
                    inj.times.iter().map(|&t| (t / bucket) as u32).collect(),
                ];
                let t = Tensor::new(modes, vec![1.0; inj.edges.len()]);
                for kind in [
                    Density::ArithmeticAverageMass,
                    Density::GeometricAverageMass,
                    Density::Suspiciousness,
                    Density::DegreeCorrected,
                ] {
                    let t0 = Instant::now();
                    let b = dcube(&t, 3, kind);
                    let secs = t0.elapsed().as_secs_f64();
                    let s = score(&b[0].modes[0], &inj.fraud_actors);
                    let sizes: Vec<String> = b
                        .iter()
                        .map(|b| {
                            format!(
                                "{}x{}x{}",
                                b.modes[0].len(),
                                b.modes[1].len(),
                                b.modes[2].len()
                            )
                        })
                        .collect();
                    println!(
                        "| {p} | {c} | {st} | {kind:?} | {:.3} ({:.2}/{:.2}) | {} | {secs:.2} |",
                        s.f1,
                        s.precision,
                        s.recall,
                        sizes.join(" ")
                    );
                }
            }
        }
    }
}
