//! `levain fraud` and `levain fraud mark`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use levain_analytics::fraud::{FraudReport, fraud, verdicts_batch};
use levain_detect::DetectConfig;
use levain_store::query::Engine;
use levain_store::{FraudMark, FraudRun, Store};

use crate::own::resolve;
use crate::util::{print_json, thousands};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Score from which an account is judged suspicious, in [0, 1].
    /// Higher favours precision.
    #[arg(long, default_value_t = levain_detect::combine::DEFAULT_THRESHOLD)]
    threshold: f64,
    /// Print one JSON document on stdout.
    #[arg(long)]
    json: bool,
    /// How many accounts and groups the text report lists.
    #[arg(long, default_value_t = 15)]
    top: usize,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Confirm or overturn a verdict by hand; it outlives re-runs and re-imports.
    Mark {
        /// The account: its key, DID or a handle seen in the data.
        account: String,
        #[arg(value_enum)]
        verdict: Verdict,
    },
    /// Forget a mark: the detector's verdict applies again.
    Unmark { account: String },
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum Verdict {
    Real,
    Fake,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    match args.action {
        Some(Action::Mark { account, verdict }) => mark(data, &account, Some(verdict)),
        Some(Action::Unmark { account }) => mark(data, &account, None),
        None => detect(data, args.threshold, args.json, args.top),
    }
}

fn mark(data: &Path, account: &str, verdict: Option<Verdict>) -> anyhow::Result<ExitCode> {
    let store = Store::open(data)?;
    let key = resolve(&store, account)?;
    let mut w = store.writer()?;
    match verdict {
        Some(v) => {
            let verdict = match v {
                Verdict::Real => "real",
                Verdict::Fake => "fake",
            };
            w.marks_mut().insert(
                key.clone(),
                FraudMark {
                    verdict: verdict.into(),
                    at: chrono::Utc::now().format("%Y-%m-%d").to_string(),
                },
            );
            w.commit()?;
            eprintln!(
                "{key} is marked {verdict}: every --exclude-suspicious {} it from now on.",
                if verdict == "fake" {
                    "leaves it out"
                } else {
                    "keeps it"
                }
            );
        }
        None => {
            if w.marks_mut().remove(&key).is_none() {
                anyhow::bail!("{key} has no mark (see `levain fraud --json`, field `mark`)");
            }
            w.commit()?;
            eprintln!("{key} is no longer marked: the detector's verdict applies.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the detectors, stores their verdicts, prints the report.
pub fn detect(data: &Path, threshold: f64, json: bool, top: usize) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&threshold) {
        anyhow::bail!("--threshold must be between 0 and 1 (got {threshold})");
    }
    let report = run_and_store(data, threshold)?;
    if json {
        print_json(&report)?;
    } else {
        print_report(&report, top);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_and_store(data: &Path, threshold: f64) -> anyhow::Result<FraudReport> {
    let store = Store::open(data)?;
    let manifest = store.manifest()?;
    let engine = Engine::new(store.root(), &manifest)?;
    let own: Vec<String> = manifest.own.iter().cloned().collect();
    let cfg = DetectConfig {
        threshold,
        ..DetectConfig::default()
    };
    let started = Instant::now();
    let report = fraud(&engine, &own, &manifest.marks, &cfg)?;
    tracing::info!("fraud detection took {:.1?}", started.elapsed());
    let batch = verdicts_batch(&report)?;
    let mut w = store.writer()?;
    w.set_fraud_verdicts(
        &batch,
        FraudRun {
            file: String::new(),
            accounts: report.accounts.len() as u64,
            suspicious: report.accounts.iter().filter(|a| a.detected).count() as u64,
            threshold,
            computed_at: chrono::Utc::now().to_rfc3339(),
            data_generation: manifest.generation,
            last_import: manifest.imports.last().map(|i| i.id.clone()),
        },
    )?;
    w.commit()?;
    Ok(report)
}

pub fn print_report(r: &FraudReport, top: usize) {
    let s = &r.summary;
    println!(
        "Fake engagement: {} of {} accounts in your audience are suspicious (score ≥ {}).",
        thousands(s.suspicious as u64),
        thousands(s.accounts as u64),
        s.threshold
    );
    for (p, n) in &s.by_pattern {
        println!("  {p:<17} {:>6}", thousands(*n as u64));
    }
    if s.marked_real + s.marked_fake > 0 {
        println!(
            "  (your marks: {} real, {} fake)",
            s.marked_real, s.marked_fake
        );
    }
    if top > 0 && !r.groups.is_empty() {
        println!("Groups:");
        for g in r.groups.iter().take(top) {
            println!(
                "  {:<17} {:>5} accounts  {} – {}  {}",
                g.pattern,
                g.accounts.len(),
                &g.from[..10.min(g.from.len())],
                &g.to[..10.min(g.to.len())],
                g.reasons.join("; ")
            );
        }
    }
    let shown: Vec<_> = r
        .accounts
        .iter()
        .filter(|a| a.suspicious)
        .take(top)
        .collect();
    if !shown.is_empty() {
        println!("Most suspicious accounts:");
        for a in shown {
            let name = a
                .handle
                .as_ref()
                .map_or_else(|| a.account.clone(), |h| format!("@{h}"));
            println!("  {:.2}  {name}  [{}]", a.score, a.patterns.join(", "));
            for reason in &a.reasons {
                println!("        {reason}");
            }
        }
    }
    println!(
        "Every analysis command leaves them out with --exclude-suspicious; overturn a verdict with `levain fraud mark ACCOUNT real`."
    );
}
