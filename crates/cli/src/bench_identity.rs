//! `levain bench identity`: the cross-channel matcher against the persons
//! the generator planted (Bluesky members who comment on the blog) and its
//! look-alike decoys, over several seeds. Pairwise precision and recall of
//! the merges: a pair is two accounts put in one person.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Instant;

use levain_analytics::identity;
use levain_import::{ImportOptions, import_paths, pipeline::NoProgress};
use levain_store::Store;
use levain_store::query::Engine;
use levain_synth::{Config, Scale, Truth};
use serde::Serialize;

use crate::util::print_json;

#[derive(clap::Args)]
pub struct IdentityArgs {
    /// Seeds of the generated communities.
    #[arg(long, value_delimiter = ',', default_values_t = [1u64, 2, 3, 4, 5])]
    seeds: Vec<u64>,
    /// Simulated days of each community.
    #[arg(long, default_value_t = 365)]
    days: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize, Default)]
struct SeedResult {
    seed: u64,
    /// Pairs the matcher merged, and how many of them are planted persons.
    merged_pairs: usize,
    correct_pairs: usize,
    /// Planted pairs with strong evidence (domain, profile link, shared site).
    strong_pairs: usize,
    /// Planted pairs with only the same name: they must stay apart.
    name_only_pairs: usize,
    name_only_merged: usize,
    decoy_pairs: usize,
    decoys_merged: usize,
    precision: f64,
    /// Of the strong planted pairs.
    recall: f64,
    /// Of every planted pair, name-only ones included.
    recall_all: f64,
    accounts_compared: u64,
    pairs_scored: u64,
    seconds: f64,
}

type Pair = (String, String);

fn pair(a: &str, b: &str) -> Pair {
    (a.min(b).to_owned(), a.max(b).to_owned())
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

pub fn run(a: IdentityArgs) -> anyhow::Result<ExitCode> {
    let mut results = Vec::new();
    for &seed in &a.seeds {
        let dir = tempfile::tempdir()?;
        let out = levain_synth::generate(
            &dir.path().join("input"),
            &Config {
                seed,
                scale: Scale::Small,
                days: a.days,
            },
        )?;
        let truth: Truth = serde_json::from_slice(&std::fs::read(&out.truth)?)?;
        let store = Store::open_or_create(dir.path().join("store"))?;
        import_paths(
            &store,
            &[
                out.jetstream.clone(),
                dir.path()
                    .join("input")
                    .join(levain_synth::BLOG_EXPORT_FILE),
            ],
            &ImportOptions::default(),
            &NoProgress,
        )?;
        let mut w = store.writer()?;
        for o in &truth.own {
            w.own_mut().insert(o.account.clone());
        }
        w.commit()?;
        drop(w);
        let own: Vec<String> = truth.own.iter().map(|o| o.account.clone()).collect();
        let engine = Engine::open(&store)?;
        let started = Instant::now();
        let report = identity::persons(&engine, &own, &[])?;
        let seconds = started.elapsed().as_secs_f64();
        let merged: BTreeSet<Pair> = report
            .persons
            .iter()
            .flat_map(|p| {
                let accts: Vec<&str> = p.accounts.iter().map(|a| a.account.as_str()).collect();
                let mut v = Vec::new();
                for (i, x) in accts.iter().enumerate() {
                    for y in &accts[i + 1..] {
                        v.push(pair(x, y));
                    }
                }
                v
            })
            .collect();
        let planted = truth.identity.clone().unwrap_or_default();
        let pairs_of = |keep: &dyn Fn(&str) -> bool, from: &[levain_synth::TruthPerson]| {
            from.iter()
                .filter(|p| keep(&p.evidence))
                .map(|p| pair(&p.accounts[0], &p.accounts[1]))
                .collect::<BTreeSet<Pair>>()
        };
        let strong = pairs_of(&|e: &str| e != "name_only", &planted.persons);
        let name_only = pairs_of(&|e: &str| e == "name_only", &planted.persons);
        let decoys = pairs_of(&|_: &str| true, &planted.decoys);
        let all_true: BTreeSet<Pair> = strong.union(&name_only).cloned().collect();
        let correct = merged.intersection(&all_true).count();
        results.push(SeedResult {
            seed,
            merged_pairs: merged.len(),
            correct_pairs: correct,
            strong_pairs: strong.len(),
            name_only_pairs: name_only.len(),
            name_only_merged: merged.intersection(&name_only).count(),
            decoy_pairs: decoys.len(),
            decoys_merged: merged.intersection(&decoys).count(),
            precision: ratio(correct, merged.len()),
            recall: ratio(merged.intersection(&strong).count(), strong.len()),
            recall_all: ratio(correct, all_true.len()),
            accounts_compared: report.accounts_compared,
            pairs_scored: report.pairs_scored,
            seconds,
        });
    }
    if a.json {
        print_json(&results)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Identity across channels: generated communities ({} days, small), pairwise merges against the planted persons\n",
        a.days
    );
    println!(
        "{:>5} {:>7} {:>7} {:>7} {:>9} {:>10} {:>10} {:>7} {:>9} {:>8}",
        "seed",
        "merged",
        "strong",
        "prec.",
        "recall",
        "recall all",
        "name-only",
        "decoys",
        "accounts",
        "seconds"
    );
    for r in &results {
        println!(
            "{:>5} {:>7} {:>7} {:>7.3} {:>9.3} {:>10.3} {:>6}/{:<3} {:>3}/{:<3} {:>9} {:>8.3}",
            r.seed,
            r.merged_pairs,
            r.strong_pairs,
            r.precision,
            r.recall,
            r.recall_all,
            r.name_only_merged,
            r.name_only_pairs,
            r.decoys_merged,
            r.decoy_pairs,
            r.accounts_compared,
            r.seconds
        );
    }
    let mean = |f: &dyn Fn(&SeedResult) -> f64| {
        results.iter().map(f).sum::<f64>() / results.len().max(1) as f64
    };
    println!(
        "\nmean precision {:.3}, recall {:.3} (strong evidence), {:.3} (every planted person; name-only ones must stay apart)",
        mean(&|r: &SeedResult| r.precision),
        mean(&|r: &SeedResult| r.recall),
        mean(&|r: &SeedResult| r.recall_all)
    );
    println!("No peer: no open tool matches accounts across these channels from exports.");
    Ok(ExitCode::SUCCESS)
}
