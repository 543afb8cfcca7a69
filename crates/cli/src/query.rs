//! `levain status`, `levain sql`, `levain compact`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use datafusion::arrow::util::pretty::pretty_format_batches;
use levain_store::Store;
use levain_store::query::Engine;
use levain_store::status::{Status, json_rows, status as compute_status};

use crate::util::{print_json, thousands};

#[derive(clap::Args)]
pub struct StatusArgs {
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct SqlArgs {
    /// One SQL statement.
    query: String,
    /// Print rows as a JSON array of objects.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print rows as CSV with a header.
    #[arg(long)]
    csv: bool,
}

#[derive(clap::Args)]
pub struct CompactArgs {
    /// Largest segment to write, in rows.
    #[arg(long, default_value_t = 8_000_000)]
    segment_rows: usize,
    #[arg(long)]
    json: bool,
}

pub fn load_status(store: &Store) -> anyhow::Result<Status> {
    let manifest = store.manifest()?;
    let engine = Engine::new(store.root(), &manifest)?;
    Ok(compute_status(store.root(), &manifest, &engine)?)
}

pub fn status(data: &Path, args: StatusArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(data)?;
    let s = load_status(&store)?;
    if args.json {
        print_json(&s)?;
    } else {
        print_status(&s);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_status(s: &Status) {
    println!("Store {} (generation {})", s.store, s.generation);
    match (&s.from, &s.to) {
        (Some(f), Some(t)) => println!(
            "Period: {} → {}",
            &f[..10.min(f.len())],
            &t[..10.min(t.len())]
        ),
        _ => println!("Period: no posts or interactions yet"),
    }
    for (channel, c) in &s.channels {
        let kinds: Vec<String> = c
            .interactions
            .iter()
            .map(|(k, n)| format!("{k} {}", thousands(*n)))
            .collect();
        println!(
            "  {channel}: {} accounts, {} posts; {}",
            thousands(c.accounts),
            thousands(c.posts),
            kinds.join(", ")
        );
    }
    if s.own.is_empty() {
        println!("Own accounts: none yet (levain own add ACCOUNT)");
    } else {
        println!("Own accounts:");
        for o in &s.own {
            let handle = o
                .handle
                .as_deref()
                .map(|h| format!(" @{h}"))
                .unwrap_or_default();
            let seen = if o.seen { "" } else { " (not in the data yet)" };
            println!("  {}{handle}{seen}", o.account);
        }
    }
    match &s.fraud {
        Some(f) => println!(
            "Fake engagement: {} of {} accounts suspicious (levain fraud, {}){}; your marks: {} real, {} fake",
            thousands(f.suspicious),
            thousands(f.accounts),
            &f.computed_at[..16.min(f.computed_at.len())],
            if f.stale {
                ", data imported since: run it again"
            } else {
                ""
            },
            f.marked_real,
            f.marked_fake
        ),
        None => println!("Fake engagement: not judged yet (levain fraud)"),
    }
    println!("Imports: {}", s.imports.len());
    for i in s.imports.iter().rev().take(5) {
        let state = if i.complete {
            ""
        } else {
            " (interrupted or running)"
        };
        println!(
            "  {} {} {}: {} new, {} duplicates, {} rejected{state}",
            i.id,
            &i.started_at[..19.min(i.started_at.len())],
            i.format,
            thousands(i.imported),
            thousands(i.duplicates),
            thousands(i.rejected)
        );
    }
}

pub fn sql(data: &Path, args: SqlArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(data)?;
    let engine = Engine::open(&store)?;
    let (schema, batches) = engine.sql(&args.query)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        print_json(&json_rows(&batches)?)?;
    } else if args.csv {
        let mut w = datafusion::arrow::csv::WriterBuilder::new()
            .with_header(true)
            .build(&mut out);
        if batches.is_empty() {
            let empty = datafusion::arrow::array::RecordBatch::new_empty(schema);
            w.write(&empty)?;
        }
        for b in &batches {
            w.write(b)?;
        }
    } else {
        writeln!(out, "{}", pretty_format_batches(&batches)?)?;
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        eprintln!("{} rows", thousands(rows as u64));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn compact(data: &Path, args: CompactArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(data)?;
    let mut w = store.writer()?;
    let (before, after) = w.compact(args.segment_rows)?;
    if args.json {
        print_json(&serde_json::json!({"segments_before": before, "segments_after": after}))?;
    } else {
        eprintln!("Compacted {before} segments into {after}.");
    }
    Ok(ExitCode::SUCCESS)
}
