//! `levain conversations`, `levain friends`, `levain config` and `levain roi`.

use std::path::Path;
use std::process::ExitCode;

use levain_analytics::conversations::{ConversationOptions, Conversations, conversations, friends};
use levain_analytics::project::{Projection, project};
use levain_analytics::roi::{OrganicCost, Roi, roi};
use levain_analytics::settings::{self, SETTINGS, Weights};
use levain_store::Store;
use levain_store::manifest::Manifest;
use levain_store::query::Engine;

use crate::audience::FilterArgs;
use crate::util::{print_json, thousands};

/// The store's manifest, a query engine over it, and the own accounts.
fn open(data: &Path) -> anyhow::Result<(Manifest, Engine, Vec<String>)> {
    let store = Store::open(data)?;
    let manifest = store.manifest()?;
    let engine = Engine::new(store.root(), &manifest)?;
    let own = manifest.own.iter().cloned().collect();
    Ok((manifest, engine, own))
}

#[derive(clap::Args)]
pub struct ConversationArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// How many critiques and questions to list, most recent first (0: all).
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

pub fn run_conversations(data: &Path, args: ConversationArgs) -> anyhow::Result<ExitCode> {
    let (manifest, engine, own) = open(data)?;
    args.filters.warn_if_stale(data);
    let opts = ConversationOptions {
        limit: args.limit,
        weights: Weights::from_settings(&manifest.settings),
        listed_friends: manifest.friends.clone(),
        personal: manifest.personal.clone(),
    };
    let report = conversations(&engine, &own, &args.filters.filters()?, &opts)?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_conversations(&report);
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(n: u64, total: u64) -> f64 {
    100.0 * n as f64 / total.max(1) as f64
}

fn duration(s: Option<u64>) -> String {
    match s {
        None => "–".into(),
        Some(s) if s < 3600 => format!("{} min", s / 60),
        Some(s) if s < 2 * 86_400 => format!("{:.1} h", s as f64 / 3600.0),
        Some(s) => format!("{:.1} days", s as f64 / 86_400.0),
    }
}

pub fn print_conversations(r: &Conversations) {
    let s = &r.sentiment;
    println!(
        "What people write to you ({} texts: {}):",
        thousands(s.total),
        r.by_kind
            .iter()
            .map(|(k, n)| format!("{} {k}", thousands(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  positive {:.0}%  neutral {:.0}%  negative {:.0}%  critique {:.0}% ({} critiques)",
        pct(s.positive, s.total),
        pct(s.neutral, s.total),
        pct(s.negative, s.total),
        pct(s.critique, s.total),
        thousands(s.critique)
    );
    let rt = &r.response_time;
    println!(
        "Questions: {} asked, {} answered (median {}, 90% within {}), {} waiting",
        thousands(rt.questions),
        thousands(rt.answered),
        duration(rt.median_s),
        duration(rt.p90_s),
        thousands(rt.unanswered)
    );
    for c in &rt.by_channel {
        println!(
            "  {:<10} {:>6} asked  {:>6} answered  median {}",
            c.channel,
            thousands(c.questions),
            thousands(c.answered),
            duration(c.median_s)
        );
    }
    let waiting: Vec<_> = r
        .questions
        .iter()
        .filter(|q| q.answered_after_s.is_none())
        .take(5)
        .collect();
    if !waiting.is_empty() {
        println!("Latest questions waiting for you:");
        for q in waiting {
            println!("  {}  {}: {}", &q.at[..10], q.account, one_line(&q.text));
        }
    }
    if !r.critiques.is_empty() {
        println!("Latest critiques:");
        for c in r.critiques.iter().take(5) {
            println!(
                "  {}  {}{}: {}",
                &c.at[..10],
                c.account,
                if c.answered { " (answered)" } else { "" },
                one_line(c.evidence.as_deref().unwrap_or(&c.text))
            );
        }
    }
    let f = &r.friends;
    println!(
        "Friends: {} listed, {} detected. {}",
        f.listed, f.detected, f.note
    );
    if let (Some(first), Some(last)) = (r.friends_share.first(), r.friends_share.last()) {
        println!(
            "Friends' share of weighted engagement: {:.0}% in {} → {:.0}% in {}",
            100.0 * first.friends_weighted_share,
            first.period,
            100.0 * last.friends_weighted_share,
            last.period
        );
    }
}

fn one_line(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 90 {
        format!("{}…", flat.chars().take(89).collect::<String>())
    } else {
        flat
    }
}

#[derive(clap::Args)]
pub struct FriendsArgs {
    #[command(subcommand)]
    action: FriendsAction,
}

#[derive(clap::Subcommand)]
enum FriendsAction {
    /// Count an account as one of your personal friends.
    Add { account: String },
    /// Stop counting it.
    Remove { account: String },
    /// The friends you listed and the ones levain detects.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run_friends(data: &Path, args: FriendsArgs) -> anyhow::Result<ExitCode> {
    match args.action {
        FriendsAction::Add { account } => {
            let store = Store::open(data)?;
            let key = crate::own::resolve(&store, &account)?;
            let mut w = store.writer()?;
            let added = w.friends_mut().insert(key.clone());
            w.commit()?;
            eprintln!(
                "{key} {} one of your friends.",
                if added { "is now" } else { "was already" }
            );
        }
        FriendsAction::Remove { account } => {
            let store = Store::open(data)?;
            let key = crate::own::resolve(&store, &account)?;
            let mut w = store.writer()?;
            if !w.friends_mut().remove(&key) {
                anyhow::bail!("{key} is not in your friends list (see `levain friends list`)");
            }
            w.commit()?;
            eprintln!("{key} is no longer in your friends list.");
        }
        FriendsAction::List { json } => {
            let (manifest, engine, own) = open(data)?;
            let friends = friends(&engine, &own, &manifest.friends, &manifest.personal)?;
            if json {
                print_json(&friends)?;
            } else {
                println!("{}", friends.note);
                for f in &friends.accounts {
                    println!("  {} ({}): {}", f.account, f.source, f.why);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    action: ConfigAction,
}

#[derive(clap::Subcommand)]
enum ConfigAction {
    /// Set a value: `levain config set weights.reply 5`.
    Set {
        key: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Print a value (the default when unset).
    Get { key: String },
    /// Go back to the default.
    Unset { key: String },
    /// Every setting with its value and what it means.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run_config(data: &Path, args: ConfigArgs) -> anyhow::Result<ExitCode> {
    match args.action {
        ConfigAction::Set { key, value } => {
            let value = settings::validate(&key, &value)?;
            let store = Store::open_or_create(data)?;
            let mut w = store.writer()?;
            w.settings_mut().insert(key.clone(), value.clone());
            w.commit()?;
            eprintln!("{key} = {value}");
        }
        ConfigAction::Get { key } => {
            settings::find(&key)?;
            let stored = Store::open(data)
                .and_then(|s| s.manifest())
                .map(|m| m.settings)
                .unwrap_or_default();
            println!("{}", settings::number(&stored, &key));
        }
        ConfigAction::Unset { key } => {
            settings::find(&key)?;
            let store = Store::open(data)?;
            let mut w = store.writer()?;
            w.settings_mut().remove(&key);
            w.commit()?;
            eprintln!("{key} is back to its default");
        }
        ConfigAction::List { json } => {
            let stored = Store::open(data)
                .and_then(|s| s.manifest())
                .map(|m| m.settings)
                .unwrap_or_default();
            let rows: Vec<serde_json::Value> = SETTINGS
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "key": s.key,
                        "value": settings::number(&stored, s.key),
                        "default": s.default,
                        "set": stored.contains_key(s.key),
                        "help": s.help,
                    })
                })
                .collect();
            if json {
                print_json(&rows)?;
            } else {
                for (s, r) in SETTINGS.iter().zip(&rows) {
                    println!(
                        "{:<18} {:<6} {}{}",
                        s.key,
                        r["value"],
                        s.help,
                        if r["set"] == true { "" } else { " (default)" }
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct RoiArgs {
    #[command(flatten)]
    filters: FilterArgs,
}

pub fn run_roi(data: &Path, args: RoiArgs) -> anyhow::Result<ExitCode> {
    let (manifest, engine, own) = open(data)?;
    args.filters.warn_if_stale(data);
    let report = roi(
        &engine,
        &own,
        &args.filters.filters()?,
        &Weights::from_settings(&manifest.settings),
        OrganicCost::from_settings(&manifest.settings),
    )?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_roi(&report);
    }
    Ok(ExitCode::SUCCESS)
}

fn money(v: Option<f64>, currency: &str) -> String {
    v.map_or("–".into(), |v| format!("{v:.2} {currency}"))
}

pub fn print_roi(r: &Roi) {
    println!(
        "{:<28} {:>12} {:>9} {:>12} {:>24} {:>11} {:>12}",
        "source",
        "spend",
        "followers",
        "per follower",
        "kept 30 / 90 / 365 days",
        "conversions",
        "per retained (90 d)"
    );
    for s in &r.sources {
        let kept: Vec<String> = s
            .retained
            .iter()
            .map(|k| k.rate.map_or("–".into(), |x| format!("{:.0}%", 100.0 * x)))
            .collect();
        println!(
            "{:<28} {:>12} {:>9} {:>12} {:>24} {:>11} {:>12}",
            s.source,
            money(s.spend, &s.currency),
            thousands(s.followers_acquired),
            money(s.cost_per_follower, &s.currency),
            kept.join(" / "),
            thousands(s.conversions.count),
            money(
                s.retained.get(1).and_then(|k| k.cost_per_retained),
                &s.currency
            ),
        );
    }
    println!(
        "Unattributed conversions: {} ({:.2} {}).",
        thousands(r.unattributed_conversions.count),
        r.unattributed_conversions.value,
        r.currency
    );
    println!("Organic work: {}.", r.organic_cost);
    println!("Attribution: {}.", r.attribution);
    match &r.sources_without_suspicious {
        None => println!("(Run `levain fraud` to get the same table without suspicious accounts.)"),
        Some(clean) => {
            let acquired = |v: &[levain_analytics::roi::Source]| {
                v.iter().map(|s| s.followers_acquired).sum::<u64>()
            };
            println!(
                "Without suspicious accounts: {} followers acquired instead of {} (see --json for the whole table).",
                thousands(acquired(clean)),
                thousands(acquired(&r.sources))
            );
        }
    }
}

#[derive(clap::Args)]
pub struct ProjectArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Months ahead.
    #[arg(long, default_value_t = 36)]
    horizon: u32,
}

pub fn run_project(data: &Path, args: ProjectArgs) -> anyhow::Result<ExitCode> {
    let (manifest, engine, own) = open(data)?;
    args.filters.warn_if_stale(data);
    let report = project(
        &engine,
        &own,
        &args.filters.filters()?,
        args.horizon,
        OrganicCost::from_settings(&manifest.settings),
    )?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_projection(&report);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_projection(p: &Projection) {
    println!(
        "From {} ({} followers), {} months ahead:",
        p.from.as_deref().map_or("–", |f| &f[..10]),
        thousands(p.followers_now),
        p.horizon_months
    );
    for s in &p.scenarios {
        println!("  {} — {}", s.scenario, s.description);
        for m in s
            .months
            .iter()
            .filter(|m| m.month % 12 == 0 || m.month == 6)
        {
            println!(
                "    month {:>2}: audience {:>7.0} ({:.0}–{:.0}), engaged {:>6.0}, conversions/month {:>5.1}",
                m.month,
                m.audience.value,
                m.audience.low,
                m.audience.high,
                m.engaged.value,
                m.conversions.value
            );
        }
    }
    for n in &p.notes {
        println!("  ({n})");
    }
}
