//! `levain amplifiers` and `levain suggest`.

use std::path::Path;
use std::process::ExitCode;

use levain_analytics::amplifiers::{AmplifierOptions, Amplifiers, Scope, amplifiers};
use levain_analytics::suggest::{SuggestOptions, Suggestions, suggest};
use levain_analytics::topics::topic_post_keys;
use levain_store::query::Engine;
use levain_store::{Manifest, Store};

use crate::audience::FilterArgs;
use crate::util::print_json;

#[derive(clap::Args)]
pub struct AmplifierArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Rank on one topic's own posts (a user topic or a discovered one, as
    /// `levain topics` names it) instead of all of them.
    #[arg(long)]
    topic: Option<String>,
    /// Half-life of a reshare's weight, in days: older reshares count less.
    #[arg(long, default_value_t = 180.0)]
    half_life_days: f64,
    /// Accounts listed (0: all).
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(clap::Args)]
pub struct SuggestArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Accounts in the circle of trust (in touch with you, closest first).
    #[arg(long, default_value_t = 200)]
    circle: usize,
    /// Half-life of an interaction's weight, in days.
    #[arg(long, default_value_t = 90.0)]
    half_life_days: f64,
    /// Suggestions listed (0: all).
    #[arg(long, default_value_t = 30)]
    limit: usize,
}

fn open(data: &Path) -> anyhow::Result<(Manifest, Engine, Vec<String>)> {
    let store = Store::open(data)?;
    let manifest = store.manifest()?;
    let engine = Engine::new(store.root(), &manifest)?;
    let own = manifest.own.iter().cloned().collect();
    Ok((manifest, engine, own))
}

pub fn run_amplifiers(data: &Path, a: AmplifierArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        a.half_life_days > 0.0,
        "--half-life-days must be above 0 (got {})",
        a.half_life_days
    );
    let (manifest, engine, own) = open(data)?;
    a.filters.warn_if_stale(data);
    let filters = a.filters.filters()?;
    let scope = match &a.topic {
        Some(name) => {
            let keys = topic_post_keys(&engine, &own, &manifest.topics, &filters, name)?;
            Some(Scope {
                name: name.clone(),
                posts: keys.own_posts,
            })
        }
        None => None,
    };
    let o = AmplifierOptions {
        half_life_days: a.half_life_days,
        scope,
        limit: a.limit,
    };
    let report = amplifiers(&engine, &own, &filters, &o)?;
    if a.filters.json {
        print_json(&report)?;
    } else {
        print_amplifiers(&report);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_amplifiers(r: &Amplifiers) {
    println!(
        "Amplifiers{}: {} accounts reshared or quoted your posts; best first (reshares decay with a half-life of {} days).",
        r.topic
            .as_deref()
            .map(|t| format!(" on {t}"))
            .unwrap_or_default(),
        r.resharers,
        r.half_life_days
    );
    println!(
        "  {:>3}  {:<40} {:>7} {:>9} {:>11} {:>10}",
        "", "account", "score", "reshares", "downstream", "per reshare"
    );
    for (i, a) in r.accounts.iter().enumerate() {
        let name = a
            .handle
            .as_deref()
            .map_or(a.account.clone(), |h| format!("@{h}"));
        println!(
            "  {:>3}. {:<40} {:>7.2} {:>9} {:>11} {:>10.1}{}",
            i + 1,
            name,
            a.score,
            a.reshares,
            a.downstream,
            a.per_reshare,
            if a.flagged { "  (flagged)" } else { "" }
        );
        for reason in &a.reasons {
            println!("        {reason}");
        }
    }
}

pub fn run_suggest(data: &Path, a: SuggestArgs) -> anyhow::Result<ExitCode> {
    let (_, engine, own) = open(data)?;
    a.filters.warn_if_stale(data);
    anyhow::ensure!(
        a.half_life_days > 0.0,
        "--half-life-days must be above 0 (got {})",
        a.half_life_days
    );
    let o = SuggestOptions {
        circle: a.circle,
        half_life_days: a.half_life_days,
        limit: a.limit,
    };
    let report = suggest(&engine, &own, &a.filters.filters()?, &o)?;
    if a.filters.json {
        print_json(&report)?;
    } else {
        print_suggestions(&report);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_suggestions(r: &Suggestions) {
    println!(
        "Whom to engage next: {} accounts not yet in touch with you, ranked by closeness to your circle of {} (amplifiers and core).",
        r.candidates, r.circle
    );
    for (i, s) in r.accounts.iter().enumerate() {
        let name = s
            .handle
            .as_deref()
            .map_or(s.account.clone(), |h| format!("@{h}"));
        println!("  {:>3}. {name}", i + 1);
        for reason in &s.reasons {
            println!("        {reason}");
        }
    }
}
