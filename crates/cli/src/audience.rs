//! `levain engagement` and `levain cohorts`.

use std::path::Path;
use std::process::ExitCode;

use levain_analytics::Filters;
use levain_analytics::actions::{Actions, actions};
use levain_analytics::cadence::{Cadence, cadence};
use levain_analytics::cohorts::{CohortBy, Cohorts, cohorts};
use levain_analytics::core::{Core, CoreOptions, core};
use levain_analytics::engagement::{Counts, Engagement, engagement};
use levain_analytics::settings::Weights;
use levain_store::Store;
use levain_store::query::Engine;

use crate::util::{print_json, thousands};

/// The cuts every analysis command takes.
#[derive(clap::Args, Clone, Debug)]
pub struct FilterArgs {
    /// Start of the period (inclusive): a date (2025-01-01) or an RFC 3339 time.
    #[arg(long)]
    from: Option<String>,
    /// End of the period (exclusive): a date or an RFC 3339 time.
    #[arg(long)]
    to: Option<String>,
    /// Only this channel (bluesky, mastodon, …).
    #[arg(long)]
    channel: Option<String>,
    /// Leave out accounts judged suspicious by the fraud detector.
    #[arg(long)]
    exclude_suspicious: bool,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

fn parse_when(s: &str) -> anyhow::Result<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_micros());
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("`{s}` is not a date (2025-01-31) or an RFC 3339 time"))?;
    Ok(d.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_micros())
}

impl FilterArgs {
    /// Warns when the verdicts `--exclude-suspicious` uses predate the data.
    pub fn warn_if_stale(&self, data: &Path) {
        if self.exclude_suspicious
            && Store::open(data)
                .and_then(|s| s.manifest())
                .is_ok_and(|m| m.fraud_is_stale())
        {
            eprintln!(
                "warning: data was imported after the last `levain fraud`; run it again so --exclude-suspicious judges the new accounts too"
            );
        }
    }

    pub fn filters(&self) -> anyhow::Result<Filters> {
        Ok(Filters {
            from: self.from.as_deref().map(parse_when).transpose()?,
            to: self.to.as_deref().map(parse_when).transpose()?,
            channel: self.channel.clone(),
            exclude_suspicious: self.exclude_suspicious,
        })
    }
}

#[derive(clap::Args)]
pub struct EngagementArgs {
    #[command(flatten)]
    filters: FilterArgs,
}

#[derive(clap::Args)]
pub struct CohortArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Length of a retention period, in days.
    #[arg(long, default_value_t = 30)]
    period_days: u32,
    /// Group followers by acquisition source (campaign or organic) or by month.
    #[arg(long, value_enum, default_value = "source")]
    by: By,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum By {
    Source,
    Month,
}

fn open(data: &Path) -> anyhow::Result<(Engine, Vec<String>)> {
    let (engine, own, _) = open_with_weights(data)?;
    Ok((engine, own))
}

fn open_with_weights(data: &Path) -> anyhow::Result<(Engine, Vec<String>, Weights)> {
    let store = Store::open(data)?;
    let manifest = store.manifest()?;
    let engine = Engine::new(store.root(), &manifest)?;
    let weights = Weights::from_settings(&manifest.settings);
    Ok((engine, manifest.own.into_iter().collect(), weights))
}

pub fn run_engagement(data: &Path, args: EngagementArgs) -> anyhow::Result<ExitCode> {
    let (engine, own, weights) = open_with_weights(data)?;
    args.filters.warn_if_stale(data);
    let report = engagement(&engine, &own, &args.filters.filters()?, &weights)?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_engagement(&report);
    }
    Ok(ExitCode::SUCCESS)
}

fn line(name: &str, c: &Counts) {
    let per_post = |n: u64| n as f64 / c.posts.max(1) as f64;
    println!(
        "  {name:<8} {:>6} posts  {:>8.1} likes/post  {:>6.2} reshares/post  {:>6.2} replies/post  {:>8.1} weighted/post  {:>7} engagers ({} repeat, {} one-time)",
        thousands(c.posts),
        per_post(c.likes),
        per_post(c.reshares),
        per_post(c.replies),
        c.weighted / c.posts.max(1) as f64,
        thousands(c.unique_engagers),
        thousands(c.repeat_engagers),
        thousands(c.one_time_engagers)
    );
}

pub fn print_engagement(r: &Engagement) {
    println!("Engagement on own posts:");
    line("all", &r.totals);
    line("paid", &r.by_source.paid);
    line("organic", &r.by_source.organic);
    println!("  ({})", r.paid_rule);
    let w = &r.weights;
    println!(
        "  (weighted: like ×{}, reshare ×{}, quote ×{}, reply ×{}; change with `levain config set weights.reply 5`)",
        w.like, w.reshare, w.quote, w.reply
    );
}

pub fn run_cohorts(data: &Path, args: CohortArgs) -> anyhow::Result<ExitCode> {
    let (engine, own) = open(data)?;
    args.filters.warn_if_stale(data);
    let by = match args.by {
        By::Source => CohortBy::Source,
        By::Month => CohortBy::Month,
    };
    let report = cohorts(
        &engine,
        &own,
        &args.filters.filters()?,
        args.period_days,
        by,
    )?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_cohorts(&report, &[0, 2, 11]);
    }
    Ok(ExitCode::SUCCESS)
}

/// A table of the share still following and engaged after some periods.
pub fn print_cohorts(r: &Cohorts, periods: &[usize]) {
    print!("  {:<28} {:>9}", "cohort", "acquired");
    for p in periods {
        print!(
            "  {:>17}",
            format!("after {} days", (p + 1) * r.period_days as usize)
        );
    }
    println!();
    for c in &r.cohorts {
        print!("  {:<28} {:>9}", c.cohort, thousands(c.acquired));
        for &p in periods {
            match c.retention.get(p) {
                Some(x) if x.observed > 0 => {
                    let pct = |n: u64| 100.0 * n as f64 / x.observed as f64;
                    print!("  {:>6.1} % {:>5.1} % e", pct(x.following), pct(x.engaged));
                }
                _ => print!("  {:>17}", "–"),
            }
        }
        println!();
    }
    println!(
        "  (% still following, % engaged in that period, of the followers observed that long)"
    );
}

#[derive(clap::Args)]
pub struct CoreArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Length of a period, in days (periods count back from the end of the data).
    #[arg(long, default_value_t = 30)]
    period_days: u32,
    /// How many recent periods the core is judged on.
    #[arg(long, default_value_t = 6)]
    window: u32,
    /// Periods with engagement, out of the window, that make a regular.
    #[arg(long, default_value_t = 4)]
    min_periods: u32,
    /// Silent recent periods after which a regular is slipping.
    #[arg(long, default_value_t = 2)]
    silent: u32,
}

pub fn run_core(data: &Path, args: CoreArgs) -> anyhow::Result<ExitCode> {
    let (engine, own, weights) = open_with_weights(data)?;
    args.filters.warn_if_stale(data);
    let options = CoreOptions {
        period_days: args.period_days,
        window: args.window,
        min_periods: args.min_periods,
        silent: args.silent,
        weights,
    };
    let report = core(&engine, &own, &args.filters.filters()?, options)?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_core(&report, 5);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_core(r: &Core, top: usize) {
    let groups = [
        (
            "Engaged core",
            &r.core,
            format!(
                "engaged in {}+ of the last {} periods of {} days",
                r.min_periods, r.window, r.period_days
            ),
        ),
        (
            "Newcomers",
            &r.newcomers,
            format!("first engaged in the last {} days", r.period_days),
        ),
        (
            "Slipping away",
            &r.slipping,
            format!("regulars silent for the last {} periods", r.silent_periods),
        ),
    ];
    for (name, g, what) in groups {
        println!("  {name}: {} ({what})", thousands(g.count));
        for m in g.members.iter().take(top) {
            let who = m
                .handle
                .as_deref()
                .map_or(m.account.clone(), |h| format!("@{h}"));
            println!(
                "    {who:<40} {:>3} periods, {:>5} engagements, last {}",
                m.engaged_periods,
                m.engagements,
                &m.last_activity[..10]
            );
        }
    }
}

#[derive(clap::Args)]
pub struct CadenceArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Time zone for best hours and weekdays (IANA name, e.g. Europe/Paris), or `local`.
    #[arg(long, default_value = "local")]
    tz: String,
    /// Weeks a posting frequency needs before it counts in the curve.
    #[arg(long, default_value_t = 3)]
    min_weeks: u32,
}

pub fn run_cadence(data: &Path, args: CadenceArgs) -> anyhow::Result<ExitCode> {
    let (engine, own) = open(data)?;
    args.filters.warn_if_stale(data);
    let report = cadence(
        &engine,
        &own,
        &args.filters.filters()?,
        &args.tz,
        args.min_weeks,
    )?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_cadence(&report);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_cadence(r: &Cadence) {
    for c in &r.channels {
        println!(
            "  {} ({}): engagement per post per 1 000 followers, by posts per week",
            c.account, c.channel
        );
        let shown: Vec<_> = c
            .curve
            .iter()
            .filter(|p| p.weeks >= u64::from(r.min_weeks))
            .collect();
        let max = shown
            .iter()
            .map(|p| p.per_post_per_1000)
            .fold(1e-9, f64::max);
        for p in shown {
            let bar = "#".repeat((p.per_post_per_1000 / max * 40.0).round() as usize);
            println!(
                "    {:>3} posts/week ({:>3} weeks) {:>7.1}  {bar}",
                p.posts_per_week, p.weeks, p.per_post_per_1000
            );
        }
        match c.saturation_posts_per_week {
            Some(k) => println!(
                "    Past {k} posts a week, each post gets less. Recent cadence: {:.1} a week.",
                c.recent_posts_per_week
            ),
            None => println!(
                "    No drop in engagement per post seen at the posting frequencies observed. Recent cadence: {:.1} a week.",
                c.recent_posts_per_week
            ),
        }
        if let Some(w) = &c.flood_warning {
            println!("    Warning: {w}");
        }
    }
    println!(
        "  Your audience is most active at {} h ({}), on {}.",
        r.best_hours
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>()
            .join(" h, "),
        r.tz,
        r.best_weekdays.join(" and ")
    );
}

#[derive(clap::Args)]
pub struct ActionArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// How far back "recent" goes, in days.
    #[arg(long, default_value_t = 14)]
    days: u32,
    /// Items of each kind, at most.
    #[arg(long, default_value_t = 10)]
    limit: usize,
}

pub fn run_actions(data: &Path, args: ActionArgs) -> anyhow::Result<ExitCode> {
    let (engine, own) = open(data)?;
    args.filters.warn_if_stale(data);
    let report = actions(
        &engine,
        &own,
        &args.filters.filters()?,
        args.days,
        args.limit,
    )?;
    if args.filters.json {
        print_json(&report)?;
    } else {
        print_actions(&report, args.limit);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_actions(r: &Actions, per_kind: usize) {
    use levain_analytics::actions::ActionKind::*;
    for (kind, title) in [
        (Answer, "Answer"),
        (Thank, "Thank"),
        (ReEngage, "Re-engage"),
        (Reshare, "Reshare"),
    ] {
        let items: Vec<_> = r
            .items
            .iter()
            .filter(|i| i.action == kind)
            .take(per_kind)
            .collect();
        if items.is_empty() {
            continue;
        }
        println!("  {title}:");
        for i in items {
            let who = i
                .handle
                .as_deref()
                .map_or(i.account.clone(), |h| format!("@{h}"));
            let text = i
                .text
                .as_deref()
                .map(|t| format!(" “{}”", t.chars().take(50).collect::<String>()))
                .unwrap_or_default();
            println!("    {who}{text} — {} {}", i.why, i.url);
        }
    }
}
