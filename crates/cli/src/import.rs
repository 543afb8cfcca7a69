//! `levain import [FORMAT] PATH…`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use levain_import::{
    FileSummary, ImportOptions, InputFile, Progress, Summary, import_paths, source_named,
};
use levain_store::Store;

use crate::util::{print_json, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// An optional format name, then files or directories.
    #[arg(required = true, value_name = "[FORMAT] PATH")]
    args: Vec<String>,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Fail (exit 1) and store nothing if any record is rejected or any file
    /// cannot be read.
    #[arg(long)]
    strict: bool,
    /// Write and commit every this many records (within a file or across
    /// files), so an interrupted import keeps its progress (a re-run
    /// continues where it stopped).
    #[arg(long, default_value_t = 4_000_000, value_name = "N")]
    checkpoint_records: u64,
    /// The site the files come from (`forum.example.org`), for Discourse JSON
    /// in which no avatar names the forum's host.
    #[arg(long, value_name = "HOST")]
    site: Option<String>,
    /// What a bare Mastodon API response is about: favourited_by=STATUS_URI,
    /// reblogged_by=STATUS_URI, followers=@you@host, following=@you@host,
    /// notifications=@you@host (files `levain collect` writes say it themselves).
    #[arg(long, value_name = "KIND=SUBJECT")]
    context: Option<String>,
    /// The mapping file of a generic `csv` or `ndjson` import (see README).
    #[arg(long, value_name = "MAP.toml")]
    map: Option<PathBuf>,
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn file_started(&self, file: &InputFile, format: &str) {
        let name = Path::new(&file.display)
            .file_name()
            .map_or(file.display.clone(), |n| n.to_string_lossy().into_owned());
        self.0.set_message(format!("{name} ({format})"));
    }

    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }

    fn file_done(&self, file: &FileSummary) {
        self.0.println(format!(
            "  {}: {} records as {} ({} new, {} duplicates, {} rejected)",
            file.path,
            thousands(file.records),
            file.format,
            thousands(file.imported),
            thousands(file.duplicates),
            thousands(file.rejected)
        ));
    }
}

/// Splits `[FORMAT] PATH…`: the first word is a format when it names one and
/// is not an existing path.
fn split_format(args: &[String]) -> anyhow::Result<(Option<String>, Vec<PathBuf>)> {
    let (format, paths) = match args.split_first() {
        Some((first, rest)) if source_named(first).is_some() && !Path::new(first).exists() => {
            (Some(first.clone()), rest)
        }
        _ => (None, args),
    };
    if paths.is_empty() {
        anyhow::bail!("no file to import: give one or more files or directories after the format");
    }
    for p in paths {
        if !Path::new(p).exists() {
            let formats: Vec<&str> = levain_import::sources().iter().map(|s| s.name()).collect();
            anyhow::bail!(
                "{p}: no such file or directory (formats are: {})",
                formats.join(", ")
            );
        }
    }
    Ok((format, paths.iter().map(PathBuf::from).collect()))
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let (format, paths) = split_format(&args.args)?;
    let opts = ImportOptions {
        format,
        strict: args.strict,
        checkpoint_records: args.checkpoint_records.max(1),
        site: args.site,
        context: args.context,
        map: args.map,
        ..ImportOptions::default()
    };
    let store = Store::open_or_create(data)?;
    let total: u64 = paths.iter().map(|p| dir_size(p)).sum();
    let bar = ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let summary = import_paths(&store, &paths, &opts, &Bar(bar.clone()))?;
    bar.finish_and_clear();
    if args.json {
        print_json(&summary)?;
    } else {
        print_human(&summary);
    }
    let failed = !summary.errors.is_empty() || (args.strict && summary.rejected > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn dir_size(p: &Path) -> u64 {
    if p.is_dir() {
        std::fs::read_dir(p)
            .map(|rd| rd.flatten().map(|e| dir_size(&e.path())).sum())
            .unwrap_or(0)
    } else {
        std::fs::metadata(p).map_or(0, |m| m.len())
    }
}

fn print_human(s: &Summary) {
    let records: u64 = s.files.iter().map(|f| f.records).sum();
    let rate = if s.seconds > 0.0 {
        records as f64 / s.seconds
    } else {
        0.0
    };
    eprintln!(
        "Imported {} files in {:.2} s ({} records/s): {} new, {} duplicates, {} rejected.",
        s.files.len(),
        s.seconds,
        thousands(rate as u64),
        thousands(s.imported),
        thousands(s.duplicates),
        thousands(s.rejected)
    );
    if !s.rows.is_empty() {
        let rows: Vec<String> = s
            .rows
            .iter()
            .map(|(t, n)| format!("{t} +{}", thousands(*n)))
            .collect();
        eprintln!("  new rows: {}", rows.join(", "));
    }
    if let Some(f) = &s.rejects_file {
        let reasons: Vec<String> = s
            .reasons
            .iter()
            .map(|(r, n)| format!("{r}: {}", thousands(*n)))
            .collect();
        eprintln!("  rejected ({}) → {f}", reasons.join(", "));
    }
    for p in &s.skipped {
        eprintln!("  skipped {}: {}", p.path, p.message);
    }
    for p in &s.errors {
        eprintln!("  error {}: {}", p.path, p.message);
    }
    if !s.committed {
        eprintln!("  nothing was stored (--strict): fix the input or drop --strict.");
    }
    if s.files.is_empty() && s.errors.is_empty() {
        eprintln!("  no file levain can read was found.");
    }
}
