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
    /// Measure this store (with its own accounts) instead of a generated
    /// one; the audience index goes in its cache/ when it is writable.
    #[arg(long)]
    store: Option<PathBuf>,
    /// Also time the SQL reference (`LEVAIN_AUDIENCE_INDEX=off`): yes, no,
    /// or auto (up to 2·10⁷ interactions).
    #[arg(long, default_value = "auto")]
    reference: String,
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
    child_with_env(args, &[])
}

/// [`child`] with extra environment variables.
pub(crate) fn child_with_env(
    args: &[&str],
    env: &[(&str, &str)],
) -> anyhow::Result<(f64, u64, String)> {
    let exe = std::env::current_exe()?;
    let started = Instant::now();
    let mut c = Command::new(exe)
        .args(args)
        .envs(env.iter().copied())
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
    let g = &a.input;
    let dir = g.dir();
    let store_dir = match &a.store {
        Some(s) => s.clone(),
        None => {
            let store_dir = dir.join(format!("query-store-{}-{}", g.events, g.seed));
            if !store_dir.join("manifest.json").is_file() {
                query_store(&dir, &store_dir, g.events, g.seed)?;
            }
            store_dir
        }
    };
    let store = levain_store::Store::open(&store_dir)?;
    let manifest = store.manifest()?;
    let own: Vec<String> = manifest.own.iter().cloned().collect();
    anyhow::ensure!(
        !own.is_empty(),
        "{} declares no own accounts",
        store_dir.display()
    );
    let interactions = manifest.rows(levain_model::Table::Interactions);
    let s = store_dir.to_string_lossy().into_owned();
    let reference = match a.reference.as_str() {
        "yes" => true,
        "no" => false,
        _ => interactions <= 20_000_000,
    };
    println!(
        "Store: {} interactions, {}",
        thousands(interactions),
        store_dir.display()
    );
    // Cold: no index yet (it is built by the first command and saved in
    // the store's cache/, or kept in memory when the store is read-only).
    let cache = store_dir.join("cache");
    if let Ok(entries) = std::fs::read_dir(&cache) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with("audience-") {
                std::fs::remove_dir_all(e.path())?;
            }
        }
    }
    let writable = std::fs::create_dir_all(&cache).is_ok() && tempfile::tempfile_in(&cache).is_ok();
    let run = |what: &str, off: bool| -> anyhow::Result<(f64, u64, String)> {
        let env: &[(&str, &str)] = if off {
            &[("LEVAIN_AUDIENCE_INDEX", "off")]
        } else {
            &[]
        };
        child_with_env(&["--data", &s, what, "--json"], env)
    };
    // Three runs of `what`: cold and warm seconds, their peak RSS (MB),
    // and the cold run's JSON.
    let three = |what: &str, off: bool| -> anyhow::Result<([f64; 4], String)> {
        let (cold, r0, out) = run(what, off)?;
        let (w1, r1, _) = run(what, off)?;
        let (w2, r2, _) = run(what, off)?;
        Ok((
            [cold, w1.min(w2), r0 as f64 / 1e6, r1.max(r2) as f64 / 1e6],
            out,
        ))
    };
    let (e, e_out) = three("engagement", false)?;
    let (c, c_out) = three("cohorts", false)?;
    let index_bytes: u64 = std::fs::read_dir(&cache)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("audience-"))
        .flat_map(|e| std::fs::read_dir(e.path()).into_iter().flatten().flatten())
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "Audience index: {} on disk{}",
        if writable {
            format!("{:.0} MB", index_bytes as f64 / 1e6)
        } else {
            "nothing".to_owned()
        },
        if writable {
            ""
        } else {
            " (read-only store: every command builds it in memory, so warm = cold)"
        }
    );
    println!(
        "{:<34} {:>9} {:>9} {:>13} {:>13}",
        "", "cold s", "warm s", "cold RSS MB", "warm RSS MB"
    );
    let line = |what: &str, f: [f64; 4]| {
        println!(
            "{what:<34} {:>9.3} {:>9.3} {:>13.0} {:>13.0}",
            f[0], f[1], f[2], f[3]
        );
    };
    line("levain engagement (index)", e);
    line("levain cohorts (index)", c);
    println!(
        "  (each a `levain … --json` process; engagement's cold run builds the index, cohorts' reuses it)"
    );
    let mut agree_reference = None;
    if reference {
        let (re, re_out) = three("engagement", true)?;
        let (rc, rc_out) = three("cohorts", true)?;
        line("levain engagement (SQL reference)", re);
        line("levain cohorts (SQL reference)", rc);
        println!(
            "Speedup of the index, warm: engagement {:.1}×, cohorts {:.1}×",
            re[1] / e[1].max(1e-9),
            rc[1] / c[1].max(1e-9)
        );
        agree_reference = Some(re_out == e_out && rc_out == c_out);
    } else {
        println!("SQL reference skipped (over 2·10⁷ interactions; --reference yes runs it)");
    }
    let eng: serde_json::Value = serde_json::from_str(&e_out)?;
    let coh: serde_json::Value = serde_json::from_str(&c_out)?;
    let mut ok = agree_reference != Some(false);
    if let Some(a) = agree_reference {
        println!(
            "Index and SQL reference print the same JSON: {}",
            if a { "yes" } else { "NO" }
        );
    }

    // DuckDB over the same Parquet files, if it is installed.
    let script = std::env::temp_dir().join("levain-bench-duckdb.py");
    std::fs::write(&script, include_str!("bench_duckdb.py"))?;
    let end = coh["data_end"]
        .as_str()
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
            return Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        Err(e) => {
            println!("DuckDB comparison skipped: python3 not found ({e})");
            return Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
    };
    let d: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let (de_cold, de_warm) = (f(&d["engagement"]["cold_s"]), f(&d["engagement"]["warm_s"]));
    let (dc_cold, dc_warm) = (f(&d["cohorts"]["cold_s"]), f(&d["cohorts"]["warm_s"]));
    let drss = f(&d["peak_rss_mb"]) * 1.048576;
    line(
        &format!("duckdb {} engagement", d["duckdb"].as_str().unwrap_or("")),
        [de_cold, de_warm, drss, drss],
    );
    line("duckdb cohorts", [dc_cold, dc_warm, drss, drss]);
    println!(
        "  (one Python process, three runs of each query, memory_limit 8GB; the RSS is the process's peak)"
    );
    println!(
        "Warm time, levain / DuckDB: engagement {:.3}, cohorts {:.3} (below 1 means levain is faster).",
        e[1] / de_warm.max(1e-9),
        c[1] / dc_warm.max(1e-9)
    );
    // Both must give the same answers.
    let mut agree = true;
    for row in d["engagement"]["rows"].as_array().into_iter().flatten() {
        let paid = row[0].as_bool().unwrap_or(false);
        let ours = &eng["by_source"][if paid { "paid" } else { "organic" }];
        agree &= row[1].as_u64() == ours["unique_engagers"].as_u64()
            && row[2].as_u64() == ours["repeat_engagers"].as_u64();
    }
    for row in d["cohorts"]["rows"].as_array().into_iter().flatten() {
        let (name, k, n) = (
            row[0].as_str().unwrap_or(""),
            row[1].as_u64().unwrap_or(0) as usize,
            row[2].as_u64(),
        );
        let ours = coh["cohorts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["cohort"] == name)
            .and_then(|c| c["retention"].get(k))
            .and_then(|p| p["engaged"].as_u64());
        agree &= ours == n;
    }
    println!(
        "Results agree with DuckDB: {}",
        if agree { "yes" } else { "NO" }
    );
    ok &= agree;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Builds the benchmark's store: the generated community imported, its
/// campaigns, its own accounts. When the generated Jetstream file is not on
/// disk already (10⁸ events would be about 52 GB), the generator writes it
/// into a FIFO that the importer reads as it goes.
fn query_store(dir: &Path, store_dir: &Path, events: u64, seed: u64) -> anyhow::Result<()> {
    let s = store_dir.to_string_lossy().into_owned();
    let input = dir.join(format!("input-{events}-{seed}"));
    let file = input.join(levain_synth::JETSTREAM_FILE);
    let started = Instant::now();
    if file.is_file() && input.join(levain_synth::TRUTH_FILE).is_file() {
        eprintln!("Importing {} into {s} …", file.display());
        child(&["--data", &s, "import", &file.to_string_lossy(), "--json"])?;
    } else {
        std::fs::create_dir_all(&input)?;
        let _ = std::fs::remove_file(&file);
        let c = std::ffi::CString::new(file.as_os_str().as_encoded_bytes())?;
        // SAFETY: a valid NUL-terminated path.
        if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        eprintln!(
            "Generating about {} events through {} into {s} …",
            thousands(events),
            file.display()
        );
        let fifo = file.to_string_lossy().into_owned();
        let store_arg = s.clone();
        let importer = std::thread::spawn(move || {
            child(&[
                "--data",
                &store_arg,
                "import",
                "bluesky-jetstream",
                &fifo,
                "--json",
            ])
        });
        let generated = levain_synth::generate(
            &input,
            &levain_synth::Config {
                seed,
                scale: levain_synth::Scale::Events(events),
                ..Default::default()
            },
        );
        let imported = importer.join().expect("the importer thread does not panic");
        let _ = std::fs::remove_file(&file);
        let generated = generated?;
        let (secs, rss, _) = imported?;
        eprintln!(
            "  {} events generated and imported in {:.0} s (importer peak RSS {:.0} MB)",
            thousands(generated.events),
            secs,
            rss as f64 / 1e6
        );
    }
    let campaigns = input.join(levain_synth::CAMPAIGNS_FILE);
    child(&[
        "--data",
        &s,
        "import",
        &campaigns.to_string_lossy(),
        "--json",
    ])?;
    let truth: levain_synth::Truth =
        serde_json::from_slice(&std::fs::read(input.join(levain_synth::TRUTH_FILE))?)?;
    for o in &truth.own {
        child(&["--data", &s, "own", "add", &o.account])?;
    }
    eprintln!("  store ready in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
