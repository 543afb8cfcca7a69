//! `levain topic add|remove`, `levain topics` and `levain venues`.

use std::path::Path;
use std::process::ExitCode;

use levain_analytics::topics::{TopicOptions, Topics, topics};
use levain_analytics::venues::{Venues, venues};
use levain_store::Store;
use levain_store::manifest::Manifest;
use levain_store::query::Engine;
use levain_text::Terms;

use crate::audience::FilterArgs;
use crate::util::{print_json, thousands};

#[derive(clap::Args)]
pub struct TopicArgs {
    #[command(subcommand)]
    action: TopicAction,
}

#[derive(clap::Subcommand)]
enum TopicAction {
    /// Define a topic by its terms: words (any inflection, French or
    /// English), hashtags (#velotaf) and sites (example.org). Replaces a
    /// topic of the same name; kept across imports.
    Add {
        name: String,
        /// Comma-separated: `--terms velotaf,vélo,#bikecommuting,example.org`.
        #[arg(long, value_delimiter = ',', required = true)]
        terms: Vec<String>,
    },
    /// Forget a topic you defined.
    Remove { name: String },
}

/// How discovery is tuned; shared by `topics` and `venues`.
#[derive(clap::Args, Clone, Debug)]
pub struct DiscoveryArgs {
    /// Fewest posts a term, and a discovered topic, must appear in.
    #[arg(long, default_value_t = TopicOptions::default().min_posts)]
    min_posts: usize,
    /// Weakest association (NPMI, 0–1) that links two terms into one topic.
    #[arg(long, default_value_t = TopicOptions::default().min_npmi)]
    min_npmi: f64,
}

impl DiscoveryArgs {
    fn options(&self) -> anyhow::Result<TopicOptions> {
        if !(0.0..=1.0).contains(&self.min_npmi) {
            anyhow::bail!("--min-npmi must be between 0 and 1, not {}", self.min_npmi);
        }
        Ok(TopicOptions {
            min_posts: self.min_posts.max(2),
            min_npmi: self.min_npmi,
            ..TopicOptions::default()
        })
    }
}

#[derive(clap::Args)]
pub struct TopicsArgs {
    #[command(flatten)]
    filters: FilterArgs,
    #[command(flatten)]
    discovery: DiscoveryArgs,
}

#[derive(clap::Args)]
pub struct VenuesArgs {
    #[command(flatten)]
    filters: FilterArgs,
    #[command(flatten)]
    discovery: DiscoveryArgs,
    /// Cells shown (the JSON has them all).
    #[arg(long, default_value_t = 15)]
    top: usize,
}

fn open(data: &Path) -> anyhow::Result<(Manifest, Engine, Vec<String>)> {
    let store = Store::open(data)?;
    let manifest = store.manifest()?;
    let engine = Engine::new(store.root(), &manifest)?;
    let own = manifest.own.iter().cloned().collect();
    Ok((manifest, engine, own))
}

pub fn run_topic(data: &Path, args: TopicArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(data)?;
    match args.action {
        TopicAction::Add { name, terms } => {
            let name = name.trim().to_owned();
            if name.is_empty() {
                anyhow::bail!("a topic needs a name: `levain topic add NAME --terms a,b,#c`");
            }
            let terms: Vec<String> = terms
                .iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            if let Some(bad) = terms
                .iter()
                .find(|t| Terms::shared().of_user_term(t).is_empty())
            {
                anyhow::bail!(
                    "`{bad}` is not a word, #hashtag or site; give terms such as velotaf,#vélocargo,example.org"
                );
            }
            if terms.is_empty() {
                anyhow::bail!("give at least one term: `--terms a,b,#c`");
            }
            let mut w = store.writer()?;
            let replaced = w.topics_mut().insert(name.clone(), terms.clone()).is_some();
            w.commit()?;
            eprintln!(
                "Topic `{name}` {} with terms {}.",
                if replaced { "redefined" } else { "defined" },
                terms.join(", ")
            );
        }
        TopicAction::Remove { name } => {
            let mut w = store.writer()?;
            if w.topics_mut().remove(name.trim()).is_none() {
                let known: Vec<String> = w.topics_mut().keys().cloned().collect();
                anyhow::bail!(
                    "you defined no topic `{name}`{}",
                    if known.is_empty() {
                        String::new()
                    } else {
                        format!(" (yours: {})", known.join(", "))
                    }
                );
            }
            w.commit()?;
            eprintln!("Topic `{name}` removed.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_topics(data: &Path, args: TopicsArgs) -> anyhow::Result<ExitCode> {
    let (manifest, engine, own) = open(data)?;
    args.filters.warn_if_stale(data);
    let report = topics(
        &engine,
        &own,
        &manifest.topics,
        &args.filters.filters()?,
        &args.discovery.options()?,
    )?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_topics(&report);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_topics(r: &Topics) {
    println!(
        "{} topics in {} posts ({} in none):",
        r.topics.len(),
        thousands(r.posts),
        thousands(r.unassigned)
    );
    for t in &r.topics {
        let peak = t.volume.iter().max_by_key(|m| m.posts);
        println!(
            "  {:<16} {:<10} {:>7} posts  {:>6} authors  {:>5} own  busiest {}  terms: {}",
            t.name,
            t.source,
            thousands(t.posts),
            thousands(t.authors),
            thousands(t.own_posts_count),
            peak.map_or("-".to_owned(), |m| format!("{} ({})", m.month, m.posts)),
            t.terms.join(" ")
        );
    }
    println!(
        "Define your own with `levain topic add NAME --terms a,b,#c`; --json lists volume per month and the own posts."
    );
}

pub fn run_venues(data: &Path, args: VenuesArgs) -> anyhow::Result<ExitCode> {
    let (manifest, engine, own) = open(data)?;
    args.filters.warn_if_stale(data);
    let report = venues(
        &engine,
        &own,
        &manifest.topics,
        &args.filters.filters()?,
        &args.discovery.options()?,
    )?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_venues(&report, args.top);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_venues(r: &Venues, top: usize) {
    if r.gaps.is_empty() {
        println!("No venue discusses your topics yet: import Reddit, forum or hashtag data first.");
        return;
    }
    println!("Where your topics are discussed, best opportunity first:");
    for g in r.gaps.iter().take(top) {
        println!(
            "  {:>7.1}  {:<14} {:<24} {:>5} posts  {:>4} authors  {:>3.0}% ours  growth ×{:.2}",
            g.opportunity,
            g.topic,
            format!("{} ({})", g.venue, g.channel),
            thousands(g.posts),
            thousands(g.authors),
            100.0 * g.share_of_voice,
            g.growth
        );
    }
    println!("  ({})", r.method);
}

/// The demo's step: imports the generated subreddits, declares the
/// workshop's Reddit account, and shows topics and venue gaps against the
/// planted ones.
pub fn demo_step(
    store: &Store,
    input: &Path,
    truth: &levain_synth::Truth,
    own: &[String],
) -> anyhow::Result<()> {
    use levain_import::{ImportOptions, import_paths, pipeline::NoProgress};
    let Some(planted) = &truth.venues else {
        return Ok(());
    };
    let files = vec![input.join(levain_synth::REDDIT_FILE)];
    let s = import_paths(store, &files, &ImportOptions::default(), &NoProgress)?;
    let mut w = store.writer()?;
    w.own_mut().insert(planted.own_account.clone());
    w.commit()?;
    let mut own = own.to_vec();
    own.push(planted.own_account.clone());
    println!(
        "   Imported {} Reddit posts and comments; {} is ours too.",
        thousands(s.imported),
        planted.own_account
    );
    let engine = Engine::open(store)?;
    let opts = TopicOptions::default();
    let filters = levain_analytics::Filters::default();
    let analysis = levain_analytics::topics::analyse(
        levain_analytics::topics::corpus(&engine, &own, &filters)?,
        &Default::default(),
        &opts,
    );
    print_topics(&levain_analytics::topics::report(&analysis, &opts));
    print_venues(&levain_analytics::venues::gaps(&analysis, &filters), 5);
    let gaps: Vec<String> = planted
        .venues
        .iter()
        .filter(|v| v.gap)
        .map(|v| format!("{} ({})", v.venue, v.topic))
        .collect();
    println!("   The generator planted these gaps: {}.", gaps.join(", "));
    Ok(())
}
