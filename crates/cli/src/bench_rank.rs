//! `levain bench rank`: the amplifier ranking against the generator's
//! planted amplifiers (NDCG@20, graded by their strength), fakes kept out
//! of the top 20, and `suggest` scored by hiding the later part of the
//! data (recall@k), over several seeds and two generator settings.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

use levain_analytics::Filters;
use levain_analytics::amplifiers::{AmplifierOptions, amplifiers};
use levain_analytics::suggest::{Holdout, SuggestOptions, holdout};
use levain_store::Store;
use levain_store::query::Engine;
use levain_synth::{Config, Scale, Truth};
use serde::Serialize;

use crate::util::print_json;

/// The floor the ranking must reach on every run.
const NDCG_FLOOR: f64 = 0.9;
const KS: [usize; 4] = [10, 20, 50, 100];

#[derive(clap::Args)]
pub struct RankArgs {
    /// Generator seeds, run at every setting.
    #[arg(long, value_delimiter = ',', default_values_t = [1u64, 2, 3])]
    seeds: Vec<u64>,
    /// Where to keep generated communities and stores between runs.
    #[arg(long)]
    dir: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct RunResult {
    setting: &'static str,
    seed: u64,
    planted: usize,
    ndcg_at_20: f64,
    /// Planted amplifiers among the first 20.
    amplifiers_in_top_20: usize,
    pods_or_bots_in_top_20: usize,
    fakes_in_top_20: usize,
    suggest: Holdout,
}

/// Normalised discounted cumulative gain of `ranked` at `k`, gains from
/// `gain` (0 when absent); the ideal is every gain sorted.
pub fn ndcg(ranked: &[String], gain: &HashMap<String, f64>, k: usize) -> f64 {
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, a)| gain.get(a).copied().unwrap_or(0.0) / (i as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<f64> = gain.values().copied().collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| g / (i as f64 + 2.0).log2())
        .sum();
    if idcg > 0.0 { dcg / idcg } else { 0.0 }
}

pub fn run(a: RankArgs) -> anyhow::Result<ExitCode> {
    let dir = a
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("levain-bench-rank"));
    let settings: [(&'static str, Scale, u32); 2] = [
        ("small, 3 years", Scale::Small, 1095),
        ("600k events, 2 years", Scale::Events(600_000), 730),
    ];
    let mut results = Vec::new();
    for (name, scale, days) in settings {
        for &seed in &a.seeds {
            let input = dir.join(format!("input-{scale}-{days}-{seed}"));
            let truth_file = input.join(levain_synth::TRUTH_FILE);
            if !truth_file.is_file() {
                eprintln!("Generating {name}, seed {seed} …");
                levain_synth::generate(&input, &Config { seed, scale, days })?;
            }
            let truth: Truth = serde_json::from_slice(&std::fs::read(&truth_file)?)?;
            let store = dir.join(format!("store-{scale}-{days}-{seed}"));
            if !store.join("manifest.json").is_file() {
                eprintln!("Importing and judging {name}, seed {seed} …");
                let s = store.to_str().expect("utf-8 path");
                crate::bench::child(&["--data", s, "import", input.to_str().expect("utf-8")])?;
                for o in &truth.own {
                    crate::bench::child(&["--data", s, "own", "add", &o.account])?;
                }
                crate::bench::child(&["--data", s, "fraud", "--json"])?;
            }
            let st = Store::open(&store)?;
            let manifest = st.manifest()?;
            let engine = Engine::new(st.root(), &manifest)?;
            let own: Vec<String> = manifest.own.iter().cloned().collect();
            let ranked = amplifiers(
                &engine,
                &own,
                &Filters::default(),
                &AmplifierOptions {
                    limit: 0,
                    ..Default::default()
                },
            )?;
            let gain: HashMap<String, f64> = truth
                .amplifiers
                .iter()
                .map(|t| (t.account.clone(), t.strength))
                .collect();
            let order: Vec<String> = ranked.accounts.iter().map(|x| x.account.clone()).collect();
            let top: Vec<&String> = order.iter().take(20).collect();
            let family = |a: &String| truth.fake_accounts.get(a).map(String::as_str);
            let start = chrono::DateTime::parse_from_rfc3339(&truth.start)?.timestamp_micros();
            let end = chrono::DateTime::parse_from_rfc3339(&truth.end)?.timestamp_micros();
            let cutoff = start + (end - start) * 2 / 3;
            let suggest = holdout(
                &engine,
                &own,
                &Filters::default(),
                cutoff,
                &KS,
                &SuggestOptions::default(),
            )?;
            results.push(RunResult {
                setting: name,
                seed,
                planted: truth.amplifiers.len(),
                ndcg_at_20: ndcg(&order, &gain, 20),
                amplifiers_in_top_20: top.iter().filter(|a| gain.contains_key(**a)).count(),
                pods_or_bots_in_top_20: top
                    .iter()
                    .filter(|a| matches!(family(a), Some("pod" | "bot")))
                    .count(),
                fakes_in_top_20: top.iter().filter(|a| family(a).is_some()).count(),
                suggest,
            });
        }
    }
    let ok = results
        .iter()
        .all(|r| r.ndcg_at_20 >= NDCG_FLOOR && r.pods_or_bots_in_top_20 == 0);
    if a.json {
        print_json(&results)?;
    } else {
        print(&results, ok);
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print(results: &[RunResult], ok: bool) {
    println!(
        "Amplifiers against the generator's planted ones (gain: their strength, expected likes per reshare); default options."
    );
    println!(
        "  {:<22} {:>5} {:>8} {:>9} {:>14} {:>14} {:>7}",
        "setting", "seed", "planted", "NDCG@20", "planted in 20", "pods/bots/20", "fakes"
    );
    for r in results {
        println!(
            "  {:<22} {:>5} {:>8} {:>9.3} {:>14} {:>14} {:>7}",
            r.setting,
            r.seed,
            r.planted,
            r.ndcg_at_20,
            r.amplifiers_in_top_20,
            r.pods_or_bots_in_top_20,
            r.fakes_in_top_20
        );
    }
    let mut by: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in results {
        by.entry(r.setting).or_default().push(r.ndcg_at_20);
    }
    for (s, v) in &by {
        println!(
            "  {s}: mean NDCG@20 {:.3}, lowest {:.3}",
            v.iter().sum::<f64>() / v.len() as f64,
            v.iter().copied().fold(f64::INFINITY, f64::min)
        );
    }
    println!(
        "\nSuggestions, trained on the first two thirds of the period: recall@k of the candidates who got in touch in the last third (random: k / candidates)."
    );
    print!(
        "  {:<22} {:>5} {:>11} {:>7}",
        "setting", "seed", "candidates", "later"
    );
    for k in KS {
        print!(" {:>16}", format!("recall@{k} (rand)"));
    }
    println!();
    for r in results {
        print!(
            "  {:<22} {:>5} {:>11} {:>7}",
            r.setting, r.seed, r.suggest.candidates, r.suggest.later_in_touch
        );
        for x in &r.suggest.recall {
            print!(" {:>16}", format!("{:.3} ({:.3})", x.recall, x.random));
        }
        println!();
    }
    println!(
        "\nNDCG@20 ≥ {NDCG_FLOOR} with no pod or bot in the top 20 on every run: {}",
        if ok { "yes" } else { "NO" }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_less_otherwise() {
        let gain: HashMap<String, f64> = [("a", 3.0), ("b", 2.0), ("c", 1.0)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!((ndcg(&s(&["a", "b", "c"]), &gain, 20) - 1.0).abs() < 1e-12);
        let swapped = ndcg(&s(&["b", "a", "c"]), &gain, 20);
        assert!(swapped < 1.0 && swapped > 0.9);
        assert!(ndcg(&s(&["x", "a", "b"]), &gain, 2) < ndcg(&s(&["a", "x", "b"]), &gain, 2));
    }
}
