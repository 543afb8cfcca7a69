//! `levain bench import --format F`: import speed and peak memory on a
//! generated "download your data" export of `--records` records, and on a
//! tenth of it, to show memory does not grow with the export.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use levain_synth::archives::ArchiveTruth;
use levain_synth::exports::{formats, write_export};

use crate::bench::{ImportArgs, Row, child, row};
use crate::util::{print_json, thousands};

/// The export for a benchmark, generated once and kept in `dir`.
fn input(
    dir: &Path,
    format: &str,
    records: u64,
    seed: u64,
) -> anyhow::Result<(PathBuf, ArchiveTruth)> {
    let at = dir.join(format!("{format}-{records}-{seed}"));
    let truth_file = std::fs::read_dir(&at).ok().and_then(|d| {
        d.flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(".truth.json"))
    });
    if let Some(t) = truth_file {
        let truth: ArchiveTruth = serde_json::from_slice(&std::fs::read(&t)?)?;
        let name = t
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .replace(".truth.json", "");
        if let Some(path) = std::fs::read_dir(&at)?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name().is_some_and(|n| {
                    let n = n.to_string_lossy();
                    n.starts_with(&name) && !n.ends_with(".json") && !n.ends_with(".map.toml")
                })
            })
        {
            return Ok((path, truth));
        }
    }
    eprintln!(
        "Generating a {format} export of about {} records into {} …",
        thousands(records),
        at.display()
    );
    let t = Instant::now();
    let out = write_export(format, &at, seed, records, None)?;
    eprintln!(
        "  {} records in {:.1} s",
        thousands(out.1.records),
        t.elapsed().as_secs_f64()
    );
    Ok(out)
}

pub fn run(a: ImportArgs) -> anyhow::Result<ExitCode> {
    let format = a.format.clone().unwrap_or_default();
    anyhow::ensure!(
        formats().contains(&format.as_str()),
        "bench import --format reads {}; without --format it measures Jetstream",
        formats().join(", ")
    );
    let dir = a.input.dir();
    let (path, truth) = input(&dir, &format, a.records, a.input.seed)?;
    let (tenth, tenth_truth) = input(&dir, &format, a.records / 10, a.input.seed)?;
    let bytes = size_of(&path);
    eprintln!(
        "Measuring on {} ({} records, {:.0} MB packed) …",
        path.display(),
        thousands(truth.records),
        bytes as f64 / 1e6
    );

    let mut rows: Vec<Row> = Vec::new();
    struct Discard(u64);
    impl levain_import::Sink for Discard {
        fn accept(&mut self, p: levain_import::Parsed) -> Result<(), levain_import::ImportError> {
            self.0 += p.records;
            Ok(())
        }
    }
    let t = Instant::now();
    let mut discard = Discard(0);
    let source = levain_import::source_named(&format).expect("known format");
    // Generic formats are named, with the map written beside the file.
    let map = path.with_extension("map.toml");
    let map_s = map.to_string_lossy().into_owned();
    let named: Vec<&str> = if map.exists() {
        vec![format.as_str(), "--map", &map_s]
    } else {
        vec![]
    };
    let ctx = levain_import::ReadContext {
        map: map.exists().then_some(map.as_path()),
        ..Default::default()
    };
    // A folder of API pages is read file by file, as `levain import` does.
    for (file, _) in levain_import::input::expand(std::slice::from_ref(&path))? {
        source.read_with(&file, &ctx, &mut discard)?;
    }
    rows.push(row(
        "levain parse into rows, no store",
        discard.0,
        bytes,
        t.elapsed().as_secs_f64(),
        None,
    ));

    let store = dir.join(format!("store-{format}"));
    let _ = std::fs::remove_dir_all(&store);
    let store_s = store.to_string_lossy().into_owned();
    let file_s = path.to_string_lossy().into_owned();
    let import_args = |file: &str| -> Vec<String> {
        let mut v: Vec<String> = vec!["--data".into(), store_s.clone(), "import".into()];
        v.extend(named.iter().map(|s| s.to_string()));
        v.push(file.to_owned());
        v.push("--json".into());
        v
    };
    let run = |file: &str| {
        let a = import_args(file);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        child(&a)
    };
    let (secs, rss, out) = run(&file_s)?;
    let first: serde_json::Value = serde_json::from_str(&out)?;
    rows.push(row(
        "levain import (empty store)",
        truth.records,
        bytes,
        secs,
        Some(rss),
    ));
    let (secs, rss, out) = run(&file_s)?;
    let again: serde_json::Value = serde_json::from_str(&out)?;
    rows.push(row(
        "levain import again (all duplicates)",
        truth.records,
        bytes,
        secs,
        Some(rss),
    ));
    let _ = std::fs::remove_dir_all(&store);
    let tenth_s = tenth.to_string_lossy().into_owned();
    let tenth_bytes = size_of(&tenth);
    let tenth_map = tenth.with_extension("map.toml");
    let tenth_map_s = tenth_map.to_string_lossy().into_owned();
    let mut tenth_args: Vec<&str> = vec!["--data", &store_s, "import"];
    if tenth_map.exists() {
        tenth_args.extend([format.as_str(), "--map", &tenth_map_s]);
    }
    tenth_args.extend([tenth_s.as_str(), "--json"]);
    let (secs, rss, _) = child(&tenth_args)?;
    rows.push(row(
        "levain import, a tenth of the records",
        tenth_truth.records,
        tenth_bytes,
        secs,
        Some(rss),
    ));
    let _ = std::fs::remove_dir_all(&store);

    let exact = first["imported"].as_u64() == Some(truth.records);
    if a.json {
        print_json(&serde_json::json!({
            "format": format, "file": path, "records": truth.records, "bytes": bytes,
            "rows": rows, "imported": first["imported"], "reimport_new": again["imported"],
            "matches_truth": exact,
        }))?;
    } else {
        println!(
            "{:<42} {:>12} {:>10} {:>9} {:>12}",
            format!("{format}"),
            "records/s",
            "MB/s",
            "seconds",
            "peak RSS MB"
        );
        for r in &rows {
            println!(
                "{:<42} {:>12} {:>10.0} {:>9.2} {:>12}",
                r.what,
                thousands(r.events_per_s as u64),
                r.mb_per_s,
                r.seconds,
                r.peak_rss_mb.map_or("-".into(), |m| format!("{m:.0}"))
            );
        }
        println!(
            "Imported {} records (truth: {}); the second import added {}.",
            first["imported"], truth.records, again["imported"]
        );
    }
    anyhow::ensure!(
        exact,
        "imported {} records, the truth says {}",
        first["imported"],
        truth.records
    );
    Ok(ExitCode::SUCCESS)
}

/// Bytes in a file, or in a folder's files.
fn size_of(p: &Path) -> u64 {
    if p.is_dir() {
        std::fs::read_dir(p)
            .map(|d| d.flatten().map(|e| size_of(&e.path())).sum())
            .unwrap_or(0)
    } else {
        std::fs::metadata(p).map_or(0, |m| m.len())
    }
}
