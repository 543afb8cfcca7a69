//! `levain report`: the document for the boss, HTML or PDF, French or English.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use levain_analytics::Filters;
use levain_analytics::roi::OrganicCost;
use levain_analytics::settings::Weights;
use levain_report::{Format, Locale};
use levain_store::Store;
use levain_store::query::Engine;

use crate::audience::FilterArgs;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Where to write the report: `.html` (one self-contained page) or `.pdf`.
    #[arg(long)]
    out: PathBuf,
    /// The report's language: fr or en (numbers and dates follow it).
    #[arg(long, default_value = "en")]
    lang: String,
    #[command(flatten)]
    filters: FilterArgs,
}

/// Gathers the analyses and writes the report to `out`; `settings` are
/// `levain config`'s (quality weights, organic cost), `topics` the user's.
#[allow(clippy::too_many_arguments)]
pub fn write_report(
    engine: &Engine,
    own: &[String],
    topics: &BTreeMap<String, Vec<String>>,
    filters: &Filters,
    settings: &BTreeMap<String, String>,
    lang: Locale,
    out: &Path,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let Some(format) = Format::from_path(out) else {
        bail!(
            "cannot tell the format of `{}`: name the file report.html or report.pdf",
            out.display()
        );
    };
    let weights = Weights::from_settings(settings);
    let cost = OrganicCost::from_settings(settings);
    let input = levain_report::gather(engine, own, topics, filters, &weights, cost, progress)?;
    progress("writing");
    let doc = levain_report::build(&input, lang);
    let bytes = match format {
        Format::Html => levain_report::html::render(&doc).into_bytes(),
        Format::Pdf => levain_report::pdf::render(&doc)?,
    };
    std::fs::write(out, bytes).with_context(|| format!("could not write `{}`", out.display()))?;
    Ok(())
}

pub fn run(data: &Path, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let Some(lang) = Locale::parse(&args.lang) else {
        bail!(
            "unknown language `{}`: use --lang fr or --lang en",
            args.lang
        );
    };
    if Format::from_path(&args.out).is_none() {
        bail!(
            "cannot tell the format of `{}`: name the file report.html or report.pdf",
            args.out.display()
        );
    }
    args.filters.warn_if_stale(data);
    let store = Store::open(data)?;
    let manifest = store.manifest()?;
    let engine = Engine::new(store.root(), &manifest)?;
    let own: Vec<String> = manifest.own.iter().cloned().collect();
    let quiet = args.filters.json;
    let mut progress = |step: &str| {
        if !quiet {
            eprintln!("report: {step}…");
        }
    };
    write_report(
        &engine,
        &own,
        &manifest.topics,
        &args.filters.filters()?,
        &manifest.settings,
        lang,
        &args.out,
        &mut progress,
    )?;
    if !quiet {
        println!("Wrote {}", args.out.display());
    }
    Ok(ExitCode::SUCCESS)
}
