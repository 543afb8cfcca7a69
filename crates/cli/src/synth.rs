//! `levain synth --out DIR [--seed N] [--scale S] [--format F]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use levain_synth::{Config, Scale, generate_with_progress};

use crate::util::{print_json, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// Directory to write into (created if needed).
    #[arg(long)]
    out: PathBuf,
    /// Same seed, same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// small (~350 thousand events), medium (~3 million), large (~30
    /// million), or about how many events to write (e.g. 10000000).
    #[arg(long, default_value = "small")]
    scale: String,
    /// Simulated days (about three years by default).
    #[arg(long, default_value_t = 1095)]
    days: u32,
    #[arg(long)]
    json: bool,
    /// Write the own account's export in this platform's format instead:
    /// mastodon-archive, x-archive, facebook, instagram, bluesky-car,
    /// mastodon-api, discourse, reddit, csv or ndjson (with its truth
    /// counts beside it). --scale is then about how many records: small
    /// (10 thousand), medium (100 thousand), large (a million) or a number.
    #[arg(long)]
    format: Option<String>,
    /// How to pack an export: zip, tar.gz or folder (default: what the
    /// platform hands out, tar.gz for Mastodon, zip for the others).
    #[arg(long)]
    container: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(format) = &args.format {
        return crate::synth_archive::run(
            format,
            &args.out,
            args.seed,
            &args.scale,
            args.container.as_deref(),
            args.json,
        );
    }
    let scale: Scale = args.scale.parse()?;
    let config = Config {
        seed: args.seed,
        scale,
        days: args.days,
    };
    let started = Instant::now();
    let bar = ProgressBar::with_draw_target(Some(1000), indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("generating [{bar:30}] {percent}% eta {eta}")
            .expect("template"),
    );
    let out = generate_with_progress(&args.out, &config, &mut |f| {
        bar.set_position((f * 1000.0) as u64)
    })?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        print_json(&serde_json::json!({
            "events": out.events,
            "bytes": out.bytes,
            "seconds": secs,
            "jetstream": out.jetstream,
            "campaigns": out.campaigns,
            "truth": out.truth,
        }))?;
    } else {
        eprintln!(
            "Wrote {} events ({:.1} MB) in {:.1} s to {}:\n  {}\n  {}\n  {}",
            thousands(out.events),
            out.bytes as f64 / 1e6,
            secs,
            args.out.display(),
            out.jetstream.display(),
            out.campaigns.display(),
            out.truth.display()
        );
        eprintln!("Next: levain import {}", args.out.display());
    }
    Ok(ExitCode::SUCCESS)
}
