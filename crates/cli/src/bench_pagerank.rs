//! `levain bench pagerank`: personalised PageRank on a generated 10⁷-edge
//! graph, levain beside python-igraph (PRPACK) and networkx on the same
//! file, each in its own process (time and peak memory), with the largest
//! per-node difference between their scores.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use levain_graph::{Graph, PageRankOptions, pagerank};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::util::thousands;

const DAMPING: f64 = 0.85;
/// L1 change at which every solver stops (networkx is given TOL / nodes).
const TOL: f64 = 1e-10;

#[derive(clap::Args)]
pub struct PagerankArgs {
    /// Edges of the main graph (distinct, no self-loops).
    #[arg(long, default_value_t = 10_000_000)]
    edges: u64,
    /// Nodes of the main graph (default: a tenth of the edges).
    #[arg(long)]
    nodes: Option<u64>,
    /// networkx builds a Python dict per edge: it also runs on the main
    /// graph only up to this many edges, and always on a graph of this size.
    #[arg(long, default_value_t = 1_000_000)]
    nx_edges: u64,
    /// Nodes the walk restarts on (uniformly).
    #[arg(long, default_value_t = 100)]
    seeds: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A Python with python-igraph and networkx (default: the first of
    /// ../shared/peers/.venv, /var/tmp/levain-peers, python3).
    #[arg(long, env = "LEVAIN_PEER_PYTHON")]
    peer_python: Option<PathBuf>,
    /// Where to keep the generated graphs between runs.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Internal: solve EDGES once and print timings (used as a child process).
    #[arg(long, hide = true, num_args = 4, value_names = ["EDGES", "SEEDS", "NODES", "OUT"])]
    solve: Option<Vec<String>>,
}

#[derive(Serialize, Deserialize)]
struct Solved {
    load_s: f64,
    build_s: f64,
    pagerank_s: f64,
    iterations: u32,
    graph_mb: f64,
    peak_rss_mb: f64,
}

#[derive(Deserialize)]
struct Peer {
    version: String,
    load_s: f64,
    build_s: f64,
    pagerank_s: f64,
    peak_rss_mb: f64,
}

struct Run {
    name: String,
    load_s: f64,
    build_s: f64,
    pagerank_s: f64,
    peak_rss_mb: f64,
    scores: Vec<f64>,
}

pub fn run(a: PagerankArgs) -> anyhow::Result<ExitCode> {
    if let Some(s) = &a.solve {
        return solve(&s[0], &s[1], s[2].parse()?, &s[3]);
    }
    let dir = a
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("levain-bench-pagerank"));
    std::fs::create_dir_all(&dir)?;
    let python = peer_python(&a);
    let script = dir.join("bench_pagerank.py");
    std::fs::write(&script, include_str!("bench_pagerank.py"))?;
    println!(
        "Personalised PageRank, damping {DAMPING}, restart on {} random nodes, every solver to an L1 change below {TOL:e}.",
        a.seeds
    );
    println!(
        "Graphs: directed Chung–Lu, power-law in and out degrees (γ 2.5), distinct edges. Peers through {}.",
        python.display()
    );
    let mut sizes = vec![(a.edges, a.nodes.unwrap_or(a.edges / 10).max(2))];
    if a.nx_edges < a.edges {
        sizes.push((a.nx_edges, (a.nx_edges / 10).max(2)));
    }
    let mut ok = true;
    for (edges, nodes) in sizes {
        let (edge_file, seed_file) = generate(&dir, nodes, edges, a.seeds, a.seed)?;
        println!(
            "\n{} nodes, {} edges ({}):",
            thousands(nodes),
            thousands(edges),
            edge_file.display()
        );
        let mut runs = Vec::new();
        let out = dir.join("levain.f64");
        let exe = std::env::current_exe()?;
        let mut cmd = Command::new(exe);
        cmd.args(["bench", "pagerank", "--solve"])
            .arg(&edge_file)
            .arg(&seed_file)
            .arg(nodes.to_string())
            .arg(&out);
        let stdout = measure(cmd)?;
        let s: Solved = serde_json::from_str(&stdout)?;
        runs.push(Run {
            name: format!("levain ({} iterations)", s.iterations),
            load_s: s.load_s,
            build_s: s.build_s,
            pagerank_s: s.pagerank_s,
            peak_rss_mb: s.peak_rss_mb,
            scores: read_scores(&out, nodes)?,
        });
        for lib in ["igraph", "networkx"] {
            if lib == "networkx" && edges > a.nx_edges {
                println!(
                    "  networkx skipped on this graph ({} edges > --nx-edges {}): see the smaller graph below",
                    thousands(edges),
                    thousands(a.nx_edges)
                );
                continue;
            }
            let out = dir.join(format!("{lib}.f64"));
            let mut cmd = Command::new(&python);
            cmd.arg(&script)
                .arg(lib)
                .arg(&edge_file)
                .arg(&seed_file)
                .arg(nodes.to_string())
                .arg(DAMPING.to_string())
                .arg(TOL.to_string())
                .arg(&out);
            match measure(cmd) {
                Ok(stdout) => {
                    let p: Peer = serde_json::from_str(&stdout)?;
                    runs.push(Run {
                        name: format!("{lib} {}", p.version),
                        load_s: p.load_s,
                        build_s: p.build_s,
                        pagerank_s: p.pagerank_s,
                        peak_rss_mb: p.peak_rss_mb,
                        scores: read_scores(&out, nodes)?,
                    });
                }
                Err(e) => println!(
                    "  {lib} skipped: {e} (pip install python-igraph networkx into a venv, and give it with --peer-python)"
                ),
            }
        }
        println!(
            "  {:<28} {:>8} {:>9} {:>11} {:>13} {:>16}",
            "", "load s", "build s", "PageRank s", "peak RSS MB", "max |Δ| vs levain"
        );
        let ours = &runs[0];
        for r in &runs {
            let diff = max_abs_diff(&ours.scores, &r.scores);
            println!(
                "  {:<28} {:>8.2} {:>9.2} {:>11.3} {:>13.0} {:>16.1e}",
                r.name, r.load_s, r.build_s, r.pagerank_s, r.peak_rss_mb, diff
            );
            if diff > 1e-6 {
                ok = false;
            }
        }
        for r in &runs[1..] {
            println!(
                "  {} / levain: PageRank time {:.2}×, build + PageRank {:.2}×, peak memory {:.2}× (above 1: levain is faster or smaller)",
                r.name,
                r.pagerank_s / ours.pagerank_s.max(1e-9),
                (r.build_s + r.pagerank_s) / (ours.build_s + ours.pagerank_s).max(1e-9),
                r.peak_rss_mb / ours.peak_rss_mb.max(1e-9)
            );
        }
        if runs.len() == 3 {
            println!(
                "  igraph vs networkx: max |Δ| {:.1e}",
                max_abs_diff(&runs[1].scores, &runs[2].scores)
            );
        }
    }
    println!(
        "\nScores agree to 1e-6 per node: {}",
        if ok { "yes" } else { "NO" }
    );
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn peer_python(a: &PagerankArgs) -> PathBuf {
    if let Some(p) = &a.peer_python {
        return p.clone();
    }
    for c in [
        "../shared/peers/.venv/bin/python",
        "/var/tmp/levain-peers/bin/python",
    ] {
        if Path::new(c).is_file() {
            return PathBuf::from(c);
        }
    }
    PathBuf::from("python3")
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// Runs `cmd` and returns its stdout, or the last line of its stderr.
/// (Peak memory is reported by each child itself, from VmHWM: a child's
/// rusage would include this process's own high-water mark.)
fn measure(mut cmd: Command) -> anyhow::Result<String> {
    let o = cmd.stdin(Stdio::null()).output()?;
    if !o.status.success() {
        let err = String::from_utf8_lossy(&o.stderr);
        anyhow::bail!(
            "{}",
            err.lines().last().unwrap_or("the process failed").trim()
        );
    }
    Ok(String::from_utf8(o.stdout)?)
}

/// This process's peak resident memory (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb * 1024.0 / 1e6)
}

fn read_scores(path: &Path, nodes: u64) -> anyhow::Result<Vec<f64>> {
    let bytes = std::fs::read(path)?;
    anyhow::ensure!(
        bytes.len() as u64 == nodes * 8,
        "{} holds {} bytes, expected {} scores",
        path.display(),
        bytes.len(),
        nodes
    );
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

/// The graph file and the seed file, generated once per size and seed.
fn generate(
    dir: &Path,
    nodes: u64,
    edges: u64,
    seeds: u32,
    seed: u64,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let edge_file = dir.join(format!("graph-{nodes}-{edges}-{seed}.tsv"));
    let seed_file = dir.join(format!("graph-{nodes}-{edges}-{seed}.seeds"));
    if edge_file.is_file() && seed_file.is_file() {
        return Ok((edge_file, seed_file));
    }
    anyhow::ensure!(
        edges < nodes * (nodes - 1),
        "{edges} distinct edges do not fit on {nodes} nodes"
    );
    let t = Instant::now();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    // Chung–Lu: weights (rank + 1)^(-1/(γ-1)), ranks permuted separately
    // for the out and in sides; sampled by inverse CDF.
    let gamma = 2.5f64;
    let mut cdf: Vec<f64> = (0..nodes)
        .map(|i| (i as f64 + 1.0).powf(-1.0 / (gamma - 1.0)))
        .collect();
    for i in 1..cdf.len() {
        cdf[i] += cdf[i - 1];
    }
    let total = *cdf.last().expect("nodes");
    let perm = |rng: &mut rand_chacha::ChaCha8Rng| {
        let mut p: Vec<u32> = (0..nodes as u32).collect();
        for i in (1..p.len()).rev() {
            p.swap(i, rng.random_range(0..=i));
        }
        p
    };
    let (po, pi) = (perm(&mut rng), perm(&mut rng));
    let draw = |u: f64| {
        cdf.partition_point(|c| *c < u * total)
            .min(nodes as usize - 1)
    };
    let mut keys: Vec<u64> = Vec::with_capacity(edges as usize + edges as usize / 8);
    while (keys.len() as u64) < edges {
        let want = (edges - keys.len() as u64) as usize * 21 / 20 + 1000;
        let us: Vec<(f64, f64)> = (0..want).map(|_| (rng.random(), rng.random())).collect();
        let fresh: Vec<u64> = us
            .par_iter()
            .filter_map(|&(a, b)| {
                let (s, d) = (po[draw(a)], pi[draw(b)]);
                (s != d).then_some((u64::from(s) << 32) | u64::from(d))
            })
            .collect();
        keys.extend(fresh);
        keys.par_sort_unstable();
        keys.dedup();
    }
    // Keep a random subset of exactly `edges`, in random order.
    for i in (1..keys.len()).rev() {
        keys.swap(i, rng.random_range(0..=i));
    }
    keys.truncate(edges as usize);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&edge_file)?);
    for k in &keys {
        writeln!(w, "{}\t{}", k >> 32, k & 0xffff_ffff)?;
    }
    w.flush()?;
    let mut present: Vec<u32> = keys
        .iter()
        .flat_map(|k| [(k >> 32) as u32, *k as u32])
        .collect();
    present.par_sort_unstable();
    present.dedup();
    let mut s = BufWriter::new(std::fs::File::create(&seed_file)?);
    for _ in 0..seeds {
        writeln!(s, "{}", present[rng.random_range(0..present.len())])?;
    }
    s.flush()?;
    eprintln!(
        "  generated {} edges in {:.1} s",
        thousands(edges),
        t.elapsed().as_secs_f64()
    );
    Ok((edge_file, seed_file))
}

/// The child process: read, build, solve, write the scores, print timings.
fn solve(edges: &str, seeds: &str, nodes: u32, out: &str) -> anyhow::Result<ExitCode> {
    let t = Instant::now();
    let bytes = std::fs::read(edges)?;
    // Parse in parallel, line-aligned pieces.
    let pieces = split_lines(&bytes, rayon::current_num_threads() * 4);
    let parsed: Vec<anyhow::Result<Vec<(u32, u32)>>> = pieces
        .par_iter()
        .map(|(start, piece)| parse_edges(piece, *start, edges))
        .collect();
    let mut list = Vec::with_capacity(bytes.len() / 12);
    for p in parsed {
        list.extend(p?);
    }
    drop(bytes);
    let mut restart = Vec::new();
    for (i, line) in BufReader::new(std::fs::File::open(seeds)?)
        .lines()
        .enumerate()
    {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: u32 = line.trim().parse().map_err(|_| {
            anyhow::anyhow!("{seeds}:{}: expected a node id, found `{line}`", i + 1)
        })?;
        restart.push((v, 1.0));
    }
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let g = Graph::from_edges(nodes, &list);
    drop(list);
    let build_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let pr = pagerank(
        &g,
        Some(&restart),
        &PageRankOptions {
            damping: DAMPING,
            tol: TOL,
            max_iter: 10_000,
        },
    );
    let pagerank_s = t.elapsed().as_secs_f64();
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    for s in &pr.scores {
        w.write_all(&s.to_le_bytes())?;
    }
    w.flush()?;
    println!(
        "{}",
        serde_json::to_string(&Solved {
            load_s,
            build_s,
            pagerank_s,
            iterations: pr.iterations,
            graph_mb: g.memory_bytes() as f64 / 1e6,
            peak_rss_mb: peak_rss_mb(),
        })?
    );
    Ok(ExitCode::SUCCESS)
}

/// About `parts` pieces of `b` cut after newlines, with their byte offsets.
fn split_lines(b: &[u8], parts: usize) -> Vec<(usize, &[u8])> {
    let step = (b.len() / parts.max(1)).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    while start < b.len() {
        let mut end = (start + step).min(b.len());
        while end < b.len() && b[end - 1] != b'\n' {
            end += 1;
        }
        out.push((start, &b[start..end]));
        start = end;
    }
    out
}

fn parse_edges(piece: &[u8], offset: usize, file: &str) -> anyhow::Result<Vec<(u32, u32)>> {
    let mut out = Vec::with_capacity(piece.len() / 12);
    for line in piece.split(|c| *c == b'\n') {
        if line.is_empty() {
            continue;
        }
        let mut it = line.split(|c| *c == b'\t').map(|f| {
            std::str::from_utf8(f)
                .ok()
                .and_then(|s| s.trim().parse().ok())
        });
        match (it.next().flatten(), it.next().flatten()) {
            (Some(s), Some(d)) => out.push((s, d)),
            _ => anyhow::bail!(
                "{file}: bad line near byte {offset}: expected `source<TAB>target` node ids, found `{}`",
                String::from_utf8_lossy(line)
            ),
        }
    }
    Ok(out)
}
