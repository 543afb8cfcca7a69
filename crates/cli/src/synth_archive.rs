//! `levain synth --format F`: the own account's export in a platform's
//! "download your data" format, with its truth counts.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use levain_synth::archives::Container;
use levain_synth::exports::{formats, write_export};

use crate::util::{print_json, thousands};

/// Records for `--scale` in export terms.
pub fn records_of(scale: &str) -> anyhow::Result<u64> {
    Ok(match scale {
        "small" => 10_000,
        "medium" => 100_000,
        "large" => 1_000_000,
        n => n.replace('_', "").parse().map_err(|_| {
            anyhow::anyhow!("unknown scale `{n}`: use small, medium, large or a number of records")
        })?,
    })
}

pub fn run(
    format: &str,
    out: &Path,
    seed: u64,
    scale: &str,
    container: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        formats().contains(&format),
        "levain synth writes exports as {} (or, without --format, the Bluesky community)",
        formats().join(", ")
    );
    let container: Option<Container> = container
        .map(str::parse)
        .transpose()
        .map_err(|e: String| anyhow::anyhow!(e))?;
    let started = Instant::now();
    let (path, truth) = write_export(format, out, seed, records_of(scale)?, container)?;
    let secs = started.elapsed().as_secs_f64();
    if json {
        print_json(&serde_json::json!({"path": path, "seconds": secs, "truth": truth}))?;
    } else {
        eprintln!(
            "Wrote a {format} export of {} records in {secs:.1} s: {}",
            thousands(truth.records),
            path.display()
        );
        eprintln!("Next: levain import {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
