//! `levain bench …`: figures measured on this machine, printed side by side
//! with the physical limit they should be compared to.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::util::{print_json, thousands};

#[derive(clap::Subcommand)]
pub enum Bench {
    /// Import speed and memory on a generated Jetstream file, against the
    /// time to merely read it and to parse it with serde_json.
    Import(ImportArgs),
    /// `engagement` and `cohorts` on a generated store, side by side with the
    /// same queries in DuckDB over the same Parquet files (`pip install duckdb`).
    Query(QueryArgs),
    /// The fraud detectors' quality on generated communities and on
    /// FRAUDAR's injection grid (side by side with rgmining-fraudar when
    /// --peer-python is given), and their speed on a 10⁷-edge graph.
    Detect(crate::bench_detect::DetectArgs),
    /// Sentiment, critique and question detection on the labelled French and
    /// English sets (held-out test sets and tuning sets), beside VADER when
    /// --peer-python is given, with replies read per second.
    Sentiment(crate::bench_sentiment::SentimentArgs),
    /// The projection backtested: fitted on the first half of generated
    /// three-year communities, scored on the second (MAPE, band coverage).
    Project(crate::bench_project::ProjectArgs),
    /// Discovered topics against the generator's planted ones (purity,
    /// adjusted Rand, NMI; beside hashtags alone) and the planted venue gaps
    /// among `venues`' top cells, over several seeds.
    Topics(crate::bench_topics::TopicsBenchArgs),
    /// The amplifier ranking against the generator's planted amplifiers
    /// (NDCG@20, fakes out of the top 20) and `suggest`'s recall@k on the
    /// hidden last third of the data, over several seeds.
    Rank(crate::bench_rank::RankArgs),
    /// Personalised PageRank on a 10⁷-edge graph beside python-igraph and
    /// networkx: time, peak memory and agreement of the scores.
    Pagerank(crate::bench_pagerank::PagerankArgs),
    /// The cross-channel identity matcher against the persons and look-alike
    /// decoys planted in generated communities: pairwise precision and recall.
    Identity(crate::bench_identity::IdentityArgs),
}

/// The generated community a benchmark runs on, made once and kept.
#[derive(clap::Args)]
pub struct Generated {
    /// Events in the generated community.
    #[arg(long, default_value_t = 10_000_000)]
    events: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to keep the generated files and scratch stores between runs.
    #[arg(long)]
    dir: Option<PathBuf>,
}

impl Generated {
    pub(crate) fn dir(&self) -> PathBuf {
        self.dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("levain-bench"))
    }
}

#[derive(clap::Args)]
pub struct QueryArgs {
    #[command(flatten)]
    input: Generated,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: Generated,
    #[arg(long)]
    pub json: bool,
    /// Measure reading and parsing only (no store).
    #[arg(long)]
    parse_only: bool,
    /// An export format instead of Jetstream: mastodon-archive, x-archive,
    /// facebook or instagram, generated with --records records.
    #[arg(long)]
    pub format: Option<String>,
    /// Records in the generated export (with --format).
    #[arg(long, default_value_t = 1_000_000)]
    pub records: u64,
}

#[derive(Serialize)]
pub(crate) struct Row {
    pub what: String,
    pub events: u64,
    pub seconds: f64,
    pub events_per_s: f64,
    pub mb_per_s: f64,
    pub peak_rss_mb: Option<f64>,
}

pub fn run(b: Bench) -> anyhow::Result<ExitCode> {
    match b {
        Bench::Import(a) if a.format.is_some() => crate::bench_archive::run(a),
        Bench::Import(a) => import(a),
        Bench::Query(a) => query(a),
        Bench::Detect(a) => crate::bench_detect::run(a),
        Bench::Sentiment(a) => crate::bench_sentiment::run(a),
        Bench::Project(a) => crate::bench_project::run(a),
        Bench::Topics(a) => crate::bench_topics::run(a),
        Bench::Rank(a) => crate::bench_rank::run(a),
        Bench::Pagerank(a) => crate::bench_pagerank::run(a),
        Bench::Identity(a) => crate::bench_identity::run(a),
    }
}

/// Runs `levain ARGS…` as a child; returns (seconds, peak RSS bytes, stdout).
///
/// The peak is the child's own `VmHWM`, sampled while it runs: the
/// `ru_maxrss` that `wait4` reports would start from this (large) process's
/// peak, which Linux carries across the child's `exec`.
pub(crate) fn child(args: &[&str]) -> anyhow::Result<(f64, u64, String)> {
    let exe = std::env::current_exe()?;
    let started = Instant::now();
    let mut c = Command::new(exe)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdout = c.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).map(|_| out)
    });
    let status_file = format!("/proc/{}/status", c.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_file)
            && let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(st) = c.try_wait()? {
            break st;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let secs = started.elapsed().as_secs_f64();
    let out = reader.join().expect("the reader does not panic")?;
    if !status.success() {
        anyhow::bail!("`levain {}` failed ({status})", args.join(" "));
    }
    Ok((secs, peak_kb * 1024, out))
}

pub(crate) fn row(what: &str, events: u64, bytes: u64, seconds: f64, rss: Option<u64>) -> Row {
    Row {
        what: what.to_owned(),
        events,
        seconds,
        events_per_s: events as f64 / seconds,
        mb_per_s: bytes as f64 / 1e6 / seconds,
        peak_rss_mb: rss.map(|r| r as f64 / 1e6),
    }
}

/// Reads `path` in 16 MiB chunks cut at line ends, calling `f` on each.
fn chunks(path: &Path, mut f: impl FnMut(&[u8])) -> anyhow::Result<()> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 16 << 20];
    let mut filled = 0;
    loop {
        let n = file.read(&mut buf[filled..])?;
        filled += n;
        if n == 0 && filled == 0 {
            return Ok(());
        }
        let cut = if n == 0 {
            filled
        } else {
            match memrchr(&buf[..filled]) {
                Some(i) => i + 1,
                None if filled == buf.len() => {
                    buf.resize(buf.len() * 2, 0);
                    continue;
                }
                None => continue,
            }
        };
        f(&buf[..cut]);
        buf.copy_within(cut..filled, 0);
        filled -= cut;
    }
}

fn memrchr(b: &[u8]) -> Option<usize> {
    b.iter().rposition(|x| *x == b'\n')
}

/// The generated community for a benchmark, made once and kept in `dir`.
fn bench_input(dir: &Path, events: u64, seed: u64) -> anyhow::Result<PathBuf> {
    let input_dir = dir.join(format!("input-{events}-{seed}"));
    let file = input_dir.join(levain_synth::JETSTREAM_FILE);
    if !file.is_file() || !input_dir.join(levain_synth::TRUTH_FILE).is_file() {
        eprintln!(
            "Generating about {} events into {} …",
            thousands(events),
            input_dir.display()
        );
        let t = Instant::now();
        let out = levain_synth::generate(
            &input_dir,
            &levain_synth::Config {
                seed,
                scale: levain_synth::Scale::Events(events),
                ..Default::default()
            },
        )?;
        eprintln!(
            "  {} events in {:.1} s",
            thousands(out.events),
            t.elapsed().as_secs_f64()
        );
    }
    Ok(input_dir)
}

fn import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    let g = &a.input;
    let dir = g.dir();
    let input_dir = bench_input(&dir, g.events, g.seed)?;
    let file = input_dir.join(levain_synth::JETSTREAM_FILE);
    let bytes = std::fs::metadata(&file)?.len();
    // A tenth of the file, to show memory does not grow with input size.
    let tenth = dir.join(format!("tenth-{}-{}.ndjson", g.events, g.seed));
    let mut events = 0u64;
    {
        let r = BufReader::with_capacity(1 << 20, std::fs::File::open(&file)?);
        for line in r.split(b'\n') {
            line?;
            events += 1;
        }
    }
    if !tenth.is_file() {
        let r = BufReader::with_capacity(1 << 20, std::fs::File::open(&file)?);
        let mut w = BufWriter::new(std::fs::File::create(&tenth)?);
        for line in r.split(b'\n').take((events / 10) as usize) {
            w.write_all(&line?)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    let tenth_bytes = std::fs::metadata(&tenth)?.len();
    eprintln!(
        "Measuring on {} ({} events, {:.0} MB) …",
        file.display(),
        thousands(events),
        bytes as f64 / 1e6
    );

    let mut rows = Vec::new();
    let t = Instant::now();
    let mut lines = 0u64;
    chunks(&file, |c| {
        lines += c.iter().filter(|b| **b == b'\n').count() as u64
    })?;
    rows.push(row(
        "read the file, count lines",
        events,
        bytes,
        t.elapsed().as_secs_f64(),
        None,
    ));

    let t = Instant::now();
    let mut parse_errors = 0usize;
    chunks(&file, |c| {
        parse_errors += c
            .par_split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .filter(|l| serde_json::from_slice::<serde::de::IgnoredAny>(l).is_err())
            .count();
    })?;
    let parse_secs = t.elapsed().as_secs_f64();
    anyhow::ensure!(parse_errors == 0, "{parse_errors} lines did not parse");
    rows.push(row(
        &format!(
            "read + serde_json parse ({} threads)",
            rayon::current_num_threads()
        ),
        events,
        bytes,
        parse_secs,
        None,
    ));

    // Parsing into rows, with no store: what the importer's own decoding costs.
    struct Discard(u64);
    impl levain_import::Sink for Discard {
        fn accept(&mut self, p: levain_import::Parsed) -> Result<(), levain_import::ImportError> {
            self.0 += p.rows.len() as u64;
            Ok(())
        }
    }
    let t = Instant::now();
    let mut discard = Discard(0);
    let source = levain_import::source_named("bluesky-jetstream").expect("known format");
    source.read(&levain_import::InputFile::new(&file)?, &mut discard)?;
    rows.push(row(
        "levain parse into rows, no store",
        events,
        bytes,
        t.elapsed().as_secs_f64(),
        None,
    ));

    if a.parse_only {
        for r in &rows {
            println!(
                "{:<42} {:>12} events/s {:>8.0} MB/s",
                r.what,
                thousands(r.events_per_s as u64),
                r.mb_per_s
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = dir.join("store");
    let _ = std::fs::remove_dir_all(&store);
    let store_s = store.to_string_lossy().into_owned();
    let file_s = file.to_string_lossy().into_owned();
    let (secs, rss, out) = child(&["--data", &store_s, "import", &file_s, "--json"])?;
    let summary: serde_json::Value = serde_json::from_str(&out)?;
    let import_secs = secs;
    rows.push(row(
        "levain import (empty store)",
        events,
        bytes,
        secs,
        Some(rss),
    ));
    let (secs, rss, out2) = child(&["--data", &store_s, "import", &file_s, "--json"])?;
    let again: serde_json::Value = serde_json::from_str(&out2)?;
    rows.push(row(
        "levain import again (all duplicates)",
        events,
        bytes,
        secs,
        Some(rss),
    ));
    let _ = std::fs::remove_dir_all(&store);
    let tenth_s = tenth.to_string_lossy().into_owned();
    let (secs, rss, _) = child(&["--data", &store_s, "import", &tenth_s, "--json"])?;
    rows.push(row(
        "levain import, a tenth of the file",
        events / 10,
        tenth_bytes,
        secs,
        Some(rss),
    ));
    let _ = std::fs::remove_dir_all(&store);

    let ratio = parse_secs / import_secs;
    if a.json {
        print_json(&serde_json::json!({
            "file": file, "events": events, "bytes": bytes,
            "rows": rows,
            "import_vs_parse_speed": ratio,
            "imported": summary["imported"], "reimport_new": again["imported"],
        }))?;
    } else {
        println!(
            "{:<42} {:>12} {:>10} {:>9} {:>12}",
            "", "events/s", "MB/s", "seconds", "peak RSS MB"
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
            "levain import runs at {:.0} % of the speed of a bare serde_json parse of the same file.",
            100.0 * ratio
        );
        println!(
            "Imported {} records; the second import added {}.",
            summary["imported"], again["imported"]
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn query(a: QueryArgs) -> anyhow::Result<ExitCode> {
    use levain_analytics::cohorts::{CohortBy, cohorts};
    use levain_analytics::engagement::engagement;
    let g = &a.input;
    let dir = g.dir();
    let input = bench_input(&dir, g.events, g.seed)?;
    let store_dir = dir.join(format!("query-store-{}-{}", g.events, g.seed));
    let truth: levain_synth::Truth =
        serde_json::from_slice(&std::fs::read(input.join(levain_synth::TRUTH_FILE))?)?;
    let own: Vec<String> = truth.own.iter().map(|o| o.account.clone()).collect();
    if !store_dir.join("manifest.json").is_file() {
        eprintln!("Importing into {} …", store_dir.display());
        let s = store_dir.to_string_lossy().into_owned();
        let files = [
            input
                .join(levain_synth::JETSTREAM_FILE)
                .to_string_lossy()
                .into_owned(),
            input
                .join(levain_synth::CAMPAIGNS_FILE)
                .to_string_lossy()
                .into_owned(),
        ];
        child(&["--data", &s, "import", &files[0], &files[1], "--json"])?;
        child(&["--data", &s, "compact", "--json"])?;
        for o in &own {
            child(&["--data", &s, "own", "add", o])?;
        }
    }
    let store = levain_store::Store::open(&store_dir)?;
    let manifest = store.manifest()?;
    let interactions = manifest.rows(levain_model::Table::Interactions);
    let time3 = |f: &dyn Fn() -> anyhow::Result<()>| -> anyhow::Result<(f64, f64)> {
        let mut runs = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            f()?;
            runs.push(t.elapsed().as_secs_f64());
        }
        Ok((runs[0], runs[1].min(runs[2])))
    };
    let engine = levain_store::query::Engine::new(store.root(), &manifest)?;
    let filters = levain_analytics::Filters::default();
    let eng = engagement(&engine, &own, &filters, &Default::default())?;
    let coh = cohorts(&engine, &own, &filters, 30, CohortBy::Source)?;
    let (e_cold, e_warm) = time3(&|| {
        engagement(&engine, &own, &filters, &Default::default())
            .map(|_| ())
            .map_err(Into::into)
    })?;
    let (c_cold, c_warm) = time3(&|| {
        cohorts(&engine, &own, &filters, 30, CohortBy::Source)
            .map(|_| ())
            .map_err(Into::into)
    })?;
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0);
    println!(
        "Store: {} interactions ({} events), {}",
        thousands(interactions),
        thousands(truth.counts.events),
        store_dir.display()
    );
    println!(
        "{:<28} {:>10} {:>10} {:>14}",
        "", "cold s", "warm s", "peak RSS MB"
    );
    println!(
        "{:<28} {:>10.3} {:>10.3} {:>14.0}",
        "levain engagement", e_cold, e_warm, rss
    );
    println!(
        "{:<28} {:>10.3} {:>10.3} {:>14.0}",
        "levain cohorts", c_cold, c_warm, rss
    );

    // DuckDB over the same Parquet files, if it is installed.
    let script = std::env::temp_dir().join("levain-bench-duckdb.py");
    std::fs::write(&script, include_str!("bench_duckdb.py"))?;
    let end = coh
        .data_end
        .as_deref()
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
        .map_or(0, |d| d.timestamp_micros());
    let out = Command::new("python3")
        .arg(&script)
        .arg(store.root())
        .arg(serde_json::to_string(&own)?)
        .arg(end.to_string())
        .arg((30i64 * 86_400_000_000).to_string())
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            println!(
                "DuckDB comparison skipped: {} (install it with `pip install duckdb`)",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("python3 failed")
            );
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => {
            println!("DuckDB comparison skipped: python3 not found ({e})");
            return Ok(ExitCode::SUCCESS);
        }
    };
    let d: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let (de_cold, de_warm) = (
        d["engagement"]["cold_s"].as_f64().unwrap_or(0.0),
        d["engagement"]["warm_s"].as_f64().unwrap_or(0.0),
    );
    let (dc_cold, dc_warm) = (
        d["cohorts"]["cold_s"].as_f64().unwrap_or(0.0),
        d["cohorts"]["warm_s"].as_f64().unwrap_or(0.0),
    );
    let drss = d["peak_rss_mb"].as_f64().unwrap_or(0.0);
    println!(
        "{:<28} {:>10.3} {:>10.3} {:>14.0}",
        format!("duckdb {} engagement", d["duckdb"].as_str().unwrap_or("")),
        de_cold,
        de_warm,
        drss
    );
    println!(
        "{:<28} {:>10.3} {:>10.3} {:>14.0}",
        "duckdb cohorts", dc_cold, dc_warm, drss
    );
    println!(
        "Warm time, levain / DuckDB: engagement {:.2}, cohorts {:.2} (below 1 means levain is faster).",
        e_warm / de_warm.max(1e-9),
        c_warm / dc_warm.max(1e-9)
    );
    // Both must give the same answers.
    let mut agree = true;
    for row in d["engagement"]["rows"].as_array().into_iter().flatten() {
        let paid = row[0].as_bool().unwrap_or(false);
        let ours = if paid {
            &eng.by_source.paid
        } else {
            &eng.by_source.organic
        };
        agree &= row[1].as_u64() == Some(ours.unique_engagers)
            && row[2].as_u64() == Some(ours.repeat_engagers);
    }
    for row in d["cohorts"]["rows"].as_array().into_iter().flatten() {
        let (name, k, n) = (
            row[0].as_str().unwrap_or(""),
            row[1].as_u64().unwrap_or(0) as usize,
            row[2].as_u64(),
        );
        let ours = coh
            .cohorts
            .iter()
            .find(|c| c.cohort == name)
            .and_then(|c| c.retention.get(k))
            .map(|p| p.engaged);
        agree &= ours == n;
    }
    println!(
        "Results agree with DuckDB: {}",
        if agree { "yes" } else { "NO" }
    );
    Ok(if agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
