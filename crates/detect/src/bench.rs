//! The dense-block benchmark behind `levain bench detect`: the FRAUDAR
//! injection grid (one [`Cell`] per graph) and the 10⁷-edge scale run.
//!
//! Per cell: `dense_blocks` and `fraudar` on the same injected graph, D-Cube
//! (degree-corrected) on (actor, target, hour bucket), optionally the Python
//! peer (rgmining-fraudar through `fraudar_peer.py`), all scored at actor
//! level against the planted fraud actors.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

use crate::dcube::{Density, Tensor, dcube};
use crate::fraudar::{DenseBlock, DenseConfig, actor_suspiciousness, dense_blocks, fraudar};
use crate::graph::Bipartite;
pub use crate::inject::{Camouflage, Prf};
use crate::inject::{InjectConfig, Injected, inject, read_tsv, score, write_tsv};

/// Background graph of a cell: 20k actors × 20k targets, Chung–Lu power law.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Background {
    /// 200k edges, γ = 2.5.
    Dense25,
    /// 200k edges, γ = 3.0.
    Dense30,
    /// 50k edges, γ = 2.5.
    Sparse,
}

impl Background {
    /// Every background, in table order.
    pub const ALL: [Background; 3] = [Background::Dense25, Background::Dense30, Background::Sparse];

    /// Short name (`dense25`, `dense30`, `sparse`).
    pub fn name(self) -> &'static str {
        match self {
            Background::Dense25 => "dense25",
            Background::Dense30 => "dense30",
            Background::Sparse => "sparse",
        }
    }

    /// The background named `name` (see [`Background::name`]).
    pub fn from_name(name: &str) -> Option<Background> {
        Background::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Background edges.
    pub fn edges(self) -> u64 {
        match self {
            Background::Sparse => 50_000,
            _ => 200_000,
        }
    }

    /// Degree exponent of both sides.
    pub fn gamma(self) -> f64 {
        match self {
            Background::Dense30 => 3.0,
            _ => 2.5,
        }
    }
}

/// One injected graph of the grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    /// Background graph.
    pub background: Background,
    /// The block is `block` actors × `block` targets; 0 = no block (a null run).
    pub block: u32,
    /// Probability of each block pair being an edge.
    pub p: f64,
    /// Camouflage of the fraud actors.
    pub camo: Camouflage,
    /// The block's edges are spread over this many days (0.04 ≈ 1 h).
    pub stretch_days: f64,
    /// Injection seed.
    pub seed: u64,
}

impl Cell {
    /// The injection parameters of this cell.
    pub fn inject_config(&self) -> InjectConfig {
        InjectConfig {
            actors: 20_000,
            targets: 20_000,
            edges: self.background.edges(),
            gamma: self.background.gamma(),
            block: (self.block, self.block),
            p: self.p,
            camo: self.camo,
            seed: self.seed,
            stretch_days: self.stretch_days,
        }
    }
}

/// The Python peer's result on a cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeerResult {
    /// Actor-level scores of the peer's block.
    pub prf: Prf,
    /// The peer's own timing of its detection (s), as it reports it.
    pub seconds: f64,
    /// The peer process's peak RSS (MB), as it reports it.
    pub peak_rss_mb: f64,
    /// Whether the peer's actors equal our `fraudar`'s on the TSV read back
    /// with the peer's numbering (ids by first appearance), i.e. with the
    /// same tie-breaks.
    pub same_as_ours: bool,
}

/// Everything measured on one cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellResult {
    /// The cell.
    pub cell: Cell,
    /// Distinct edges of the injected graph.
    pub edges: usize,
    /// `dense_blocks` (default config): actors of all its blocks.
    pub dense: Prf,
    /// Wall time of `dense_blocks` (s), graph already built.
    pub dense_seconds: f64,
    /// Actors flagged by `dense_blocks` (false positives on a null cell).
    pub dense_actors: usize,
    /// `fraudar` (one block), the reference.
    pub fraudar: Prf,
    /// Wall time of `fraudar` (s).
    pub fraudar_seconds: f64,
    /// Actors in FRAUDAR's block.
    pub fraudar_actors: usize,
    /// D-Cube ([`Density::DegreeCorrected`], 3 blocks in turn) over
    /// (actor, target, hour bucket): actors of its first block.
    pub dcube: Option<Prf>,
    /// rgmining-fraudar, when a peer was given.
    pub peer: Option<PeerResult>,
    /// Share of the block's edges (edges between planted fraud actors and
    /// fraud targets) that lie inside one of `dense_blocks`' blocks, i.e.
    /// that `--exclude-suspicious` would remove. 0 on a null cell.
    pub fake_edges_removed: f64,
    /// Area under the precision–recall curve of all actors ranked by
    /// [`actor_suspiciousness`] of `dense_blocks`' blocks (see
    /// [`average_precision`]); the fraud share if nothing is found.
    pub auc_pr: f64,
}

/// The grid. Full: every background × block {50, 200, 600} × p {0.02, 0.05,
/// 0.08, 0.12} × every camouflage × stretch {0.04, 7} days, plus the three
/// null backgrounds with seeds 1–3 (360 + 9 cells, a few minutes without
/// the peer). Quick: 200×200 at p {0.05, 0.12} × {none, random, hijacked}
/// on `dense25`, the 600×600 random p 0.02 cell on `sparse` and a null per
/// background, stretch 7 days (~2 s).
pub fn default_grid(quick: bool) -> Vec<Cell> {
    let cell = |background, block, p, camo, stretch_days, seed| Cell {
        background,
        block,
        p,
        camo,
        stretch_days,
        seed,
    };
    let mut out = Vec::new();
    if quick {
        for p in [0.05, 0.12] {
            for camo in [Camouflage::None, Camouflage::Random, Camouflage::Hijacked] {
                out.push(cell(Background::Dense25, 200, p, camo, 7.0, 1));
            }
        }
        out.push(cell(
            Background::Sparse,
            600,
            0.02,
            Camouflage::Random,
            7.0,
            1,
        ));
        for b in Background::ALL {
            out.push(cell(b, 0, 0.0, Camouflage::None, 7.0, 1));
        }
        return out;
    }
    for b in Background::ALL {
        for block in [50, 200, 600] {
            for p in [0.02, 0.05, 0.08, 0.12] {
                for camo in Camouflage::ALL {
                    for stretch in [0.04, 7.0] {
                        out.push(cell(b, block, p, camo, stretch, 1));
                    }
                }
            }
        }
    }
    for seed in 1..=3 {
        for b in Background::ALL {
            out.push(cell(b, 0, 0.0, Camouflage::None, 7.0, seed));
        }
    }
    out
}

fn union_rows(blocks: &[DenseBlock]) -> Vec<u32> {
    let mut rows: Vec<u32> = blocks.iter().flat_map(|b| b.rows.iter().copied()).collect();
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// Average precision (area under the precision–recall curve, step-wise):
/// actors ranked by `scores` (descending); tied actors form one step, all
/// entering together. `truth` holds the positive ids (indices of `scores`).
/// 0 if `truth` is empty.
pub fn average_precision(scores: &[f64], truth: &[u32]) -> f64 {
    if truth.is_empty() {
        return 0.0;
    }
    let mut pos = vec![false; scores.len()];
    truth.iter().for_each(|&t| pos[t as usize] = true);
    let mut idx: Vec<u32> = (0..scores.len() as u32).collect();
    idx.par_sort_unstable_by(|&a, &b| scores[b as usize].total_cmp(&scores[a as usize]));
    let n_pos = truth.len() as f64;
    let (mut tp, mut seen, mut ap, mut i) = (0.0, 0.0, 0.0, 0);
    while i < idx.len() {
        let s = scores[idx[i] as usize];
        let mut j = i;
        let mut step_tp = 0.0;
        while j < idx.len() && scores[idx[j] as usize] == s {
            step_tp += f64::from(u8::from(pos[idx[j] as usize]));
            j += 1;
        }
        tp += step_tp;
        seen += (j - i) as f64;
        ap += (step_tp / n_pos) * (tp / seen);
        i = j;
    }
    ap
}

/// Share of the edges in `fraud_actors × fraud_targets` inside some block.
fn block_edges_covered(g: &Bipartite, inj: &Injected, blocks: &[DenseBlock]) -> f64 {
    let mut is_ft = vec![false; g.n_cols() as usize];
    inj.fraud_targets
        .iter()
        .for_each(|&t| is_ft[t as usize] = true);
    let fake: Vec<(u32, u32)> = inj
        .fraud_actors
        .iter()
        .flat_map(|&a| {
            g.row(a)
                .iter()
                .filter(|&&t| is_ft[t as usize])
                .map(move |&t| (a, t))
        })
        .collect();
    if fake.is_empty() {
        return 0.0;
    }
    let inside = fake
        .iter()
        .filter(|&&(a, t)| {
            blocks
                .iter()
                .any(|b| b.rows.binary_search(&a).is_ok() && b.cols.binary_search(&t).is_ok())
        })
        .count();
    inside as f64 / fake.len() as f64
}

/// Picks `"key": value` out of the peer's one-line JSON (no JSON crate here):
/// the raw text of the value, up to the matching `]` for arrays.
fn json_field<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\":");
    let start = s.find(&pat)? + pat.len();
    let rest = s[start..].trim_start();
    if rest.starts_with('[') {
        Some(&rest[..=rest.find(']')?])
    } else {
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        Some(rest[..end].trim())
    }
}

/// Actor ids out of a JSON array of `"a<id>"` names.
fn peer_actors(arr: &str) -> Vec<u32> {
    arr.trim_matches(['[', ']'])
        .split(',')
        .filter_map(|x| x.trim().trim_matches('"').strip_prefix('a')?.parse().ok())
        .collect()
}

fn temp_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!("levain-bench-{}-{nanos}", std::process::id()))
}

/// Runs `python fraudar_peer.py` on the graph's TSV (written to a fresh temp
/// dir, removed afterwards). The peer numbers actors and targets by first
/// appearance; it reports names (`a<id>`, our ids), which are scored
/// directly; `same_as_ours` compares with our `fraudar` run on the TSV read
/// back in the peer's numbering.
fn run_peer(inj: &Injected, python: &Path, script: &Path) -> Option<PeerResult> {
    let dir = temp_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("edges.tsv");
    let result = (|| {
        write_tsv(inj, &path).ok()?;
        let out = Command::new(python)
            .arg(script)
            .arg(&path)
            .arg("--quiet-lib")
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let s = String::from_utf8_lossy(&out.stdout);
        let mut actors = peer_actors(json_field(&s, "detected_actors")?);
        actors.sort_unstable();
        let seconds: f64 = json_field(&s, "seconds")?.parse().ok()?;
        let peak_rss_mb: f64 = json_field(&s, "peak_rss_mb")
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN);
        let tsv = read_tsv(&path).ok()?;
        let g = Bipartite::from_edges(
            tsv.actor_names.len() as u32,
            tsv.target_names.len() as u32,
            &tsv.edges,
        );
        let mut ours: Vec<u32> = fraudar(&g, 1)[0]
            .rows
            .iter()
            .filter_map(|&r| tsv.actor_names[r as usize].strip_prefix('a')?.parse().ok())
            .collect();
        ours.sort_unstable();
        Some(PeerResult {
            prf: score(&actors, &inj.fraud_actors),
            seconds,
            peak_rss_mb,
            same_as_ours: ours == actors,
        })
    })();
    std::fs::remove_dir_all(&dir).ok();
    result
}

/// Runs one cell: injects its graph, runs `dense_blocks`, `fraudar`, D-Cube
/// and, with `peer = Some((python, fraudar_peer.py))`, the Python peer.
pub fn run_cell(cell: &Cell, peer: Option<(&Path, &Path)>) -> CellResult {
    let inj = inject(&cell.inject_config());
    let g = Bipartite::from_edges(inj.n_actors, inj.n_targets, &inj.edges);

    let t = Instant::now();
    let d = dense_blocks(&g, &DenseConfig::default());
    let dense_seconds = t.elapsed().as_secs_f64();
    let rows = union_rows(&d);
    let dense = score(&rows, &inj.fraud_actors);
    let auc_pr = average_precision(&actor_suspiciousness(&g, &d), &inj.fraud_actors);
    let fake_edges_removed = block_edges_covered(&g, &inj, &d);

    let t = Instant::now();
    let f = fraudar(&g, 1);
    let fraudar_seconds = t.elapsed().as_secs_f64();

    let tensor = Tensor::new(
        vec![
            inj.edges.iter().map(|e| e.0).collect(),
            inj.edges.iter().map(|e| e.1).collect(),
            inj.times.iter().map(|&t| (t / 3600) as u32).collect(),
        ],
        vec![1.0; inj.edges.len()],
    );
    let dc = dcube(&tensor, 3, Density::DegreeCorrected);
    let dcube = Some(
        dc.first()
            .map_or_else(Prf::default, |b| score(&b.modes[0], &inj.fraud_actors)),
    );

    CellResult {
        cell: *cell,
        edges: g.n_edges(),
        dense,
        dense_seconds,
        dense_actors: rows.len(),
        fraudar: score(&f[0].rows, &inj.fraud_actors),
        fraudar_seconds,
        fraudar_actors: f[0].rows.len(),
        dcube,
        peer: peer.and_then(|(py, script)| run_peer(&inj, py, script)),
        fake_edges_removed,
        auc_pr,
    }
}

/// Which kernel [`run_scale`] times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// [`fraudar`], one block.
    Fraudar,
    /// [`dense_blocks`], default config.
    Dense,
}

/// A scale run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleResult {
    /// Distinct edges.
    pub edges: usize,
    /// Wall time (s): CSR build from the edge list plus the kernel (plus
    /// reading the file for [`run_scale_file`]).
    pub seconds: f64,
    /// Peak RSS (MB) from the start of the timed part (`VmHWM` reset through
    /// `/proc/self/clear_refs`); None where that is unavailable.
    pub peak_rss_mb: Option<f64>,
    /// Peak RSS per edge if known, else the graph's CSR bytes per edge.
    pub bytes_per_edge: f64,
    /// Actor-level F1 of the kernel's actors.
    pub f1: f64,
}

fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn peak_rss_kb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Builds the graph from an edge list (sorted in place, no second copy),
/// runs the kernel, scores it; `t0` is the start of the timed part.
fn scale_kernel(
    n: u32,
    m: u32,
    mut edges: Vec<(u32, u32)>,
    truth: &[u32],
    which: Kernel,
    t0: Instant,
    peak_known: bool,
) -> ScaleResult {
    edges.par_sort_unstable();
    edges.dedup();
    let g = Bipartite::from_sorted_unique(n, m, edges);
    let rows = match which {
        Kernel::Fraudar => fraudar(&g, 1).swap_remove(0).rows,
        Kernel::Dense => union_rows(&dense_blocks(&g, &DenseConfig::default())),
    };
    let seconds = t0.elapsed().as_secs_f64();
    let peak_rss_mb = if peak_known {
        peak_rss_kb().map(|kb| kb / 1024.0)
    } else {
        None
    };
    let ne = g.n_edges().max(1) as f64;
    ScaleResult {
        edges: g.n_edges(),
        seconds,
        peak_rss_mb,
        bytes_per_edge: peak_rss_mb.map_or(g.heap_bytes() as f64 / ne, |mb| mb * 1048576.0 / ne),
        f1: score(&rows, truth).f1,
    }
}

/// The scale graph: `actors × targets × edges`, γ 2.5, one 200×200 block at
/// p 0.05 with random camouflage, seed 1.
pub fn scale_graph(actors: u32, targets: u32, edges: u64) -> Injected {
    inject(&InjectConfig {
        actors,
        targets,
        edges,
        gamma: 2.5,
        block: (200, 200),
        p: 0.05,
        camo: Camouflage::Random,
        seed: 1,
        stretch_days: 7.0,
    })
}

/// Generates the [`scale_graph`] in-process, then times building the graph
/// and running `which` (generation not timed; peak RSS counted from the
/// start of the timed part, with the edge list in memory).
pub fn run_scale(actors: u32, targets: u32, edges: u64, which: Kernel) -> ScaleResult {
    let inj = scale_graph(actors, targets, edges);
    let Injected {
        n_actors,
        n_targets,
        edges,
        times,
        fraud_actors,
        fraud_targets,
    } = inj;
    // Only the edge list and the truth go on: the times would otherwise
    // live (and count in the peak) until the end of this function.
    drop((times, fraud_targets));
    let peak_known = reset_peak_rss();
    let t0 = Instant::now();
    scale_kernel(
        n_actors,
        n_targets,
        edges,
        &fraud_actors,
        which,
        t0,
        peak_known,
    )
}

/// Writes the [`scale_graph`] to `path`: `n_actors n_targets n_edges
/// n_fraud` (u32 LE), the edges as u32 pairs, then the fraud actors.
pub fn write_scale_file(path: &Path, actors: u32, targets: u32, edges: u64) -> std::io::Result<()> {
    let inj = scale_graph(actors, targets, edges);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    for x in [
        inj.n_actors,
        inj.n_targets,
        inj.edges.len() as u32,
        inj.fraud_actors.len() as u32,
    ] {
        w.write_all(&x.to_le_bytes())?;
    }
    for &(r, c) in &inj.edges {
        w.write_all(&r.to_le_bytes())?;
        w.write_all(&c.to_le_bytes())?;
    }
    for &f in &inj.fraud_actors {
        w.write_all(&f.to_le_bytes())?;
    }
    w.flush()
}

/// Reads a file of [`write_scale_file`] and times reading it, building the
/// graph and running `which` (peak RSS: the whole process, which at that
/// point is this run).
pub fn run_scale_file(path: &Path, which: Kernel) -> std::io::Result<ScaleResult> {
    let t0 = Instant::now();
    let mut r = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut get = || -> std::io::Result<u32> {
        let mut b = [0u8; 4];
        r.read_exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    };
    let (n, m, ne, nf) = (get()?, get()?, get()?, get()?);
    let mut edges = Vec::with_capacity(ne as usize);
    for _ in 0..ne {
        edges.push((get()?, get()?));
    }
    let truth = (0..nf)
        .map(|_| get())
        .collect::<std::io::Result<Vec<u32>>>()?;
    Ok(scale_kernel(n, m, edges, &truth, which, t0, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_precision_by_hand() {
        // Ranking: 3 (pos), 0 (neg), 1 (pos), 2 (neg).
        // AP = 1/2·1/1 + 1/2·2/3 = 5/6.
        let ap = average_precision(&[0.9, 0.5, 0.1, 1.0], &[3, 1]);
        assert!((ap - 5.0 / 6.0).abs() < 1e-12, "{ap}");
        // Perfect ranking.
        assert_eq!(average_precision(&[0.0, 2.0, 1.0], &[1, 2]), 1.0);
        // All tied: one step, precision = prevalence.
        assert!((average_precision(&[0.0; 4], &[1]) - 0.25).abs() < 1e-12);
        // A tie between a positive and a negative at the top: precision 1/2 there.
        assert!((average_precision(&[1.0, 1.0, 0.0], &[0]) - 0.5).abs() < 1e-12);
        assert_eq!(average_precision(&[1.0], &[]), 0.0);
    }

    #[test]
    fn peer_json_fields() {
        let s = r#"{"detected_actors": ["a12", "a3"], "detected_targets": ["t1"], "seconds": 2.5, "peak_rss_mb": 101.25}"#;
        assert_eq!(
            peer_actors(json_field(s, "detected_actors").unwrap()),
            vec![12, 3]
        );
        assert_eq!(json_field(s, "seconds"), Some("2.5"));
        assert_eq!(json_field(s, "peak_rss_mb"), Some("101.25"));
        assert_eq!(peer_actors("[]"), Vec::<u32>::new());
    }

    #[test]
    fn a_cell_scores_all_kernels() {
        let r = run_cell(
            &Cell {
                background: Background::Dense25,
                block: 200,
                p: 0.12,
                camo: Camouflage::Random,
                stretch_days: 0.04,
                seed: 1,
            },
            None,
        );
        assert!(r.dense.f1 >= 0.95, "{r:?}");
        assert!(r.auc_pr >= 0.95, "{r:?}");
        assert!(r.fake_edges_removed >= 0.9, "{r:?}");
        assert!(r.dcube.unwrap().f1 >= 0.9, "{r:?}");
        assert!(r.peer.is_none());
        let null = run_cell(&Cell { block: 0, ..r.cell }, None);
        assert_eq!(null.dense_actors, 0, "{null:?}");
        assert_eq!(null.fake_edges_removed, 0.0);
    }

    #[test]
    fn quick_grid_is_small() {
        let q = default_grid(true);
        assert!(q.len() <= 12);
        assert_eq!(default_grid(false).len(), 3 * 3 * 4 * 5 * 2 + 9);
        assert_eq!(Background::from_name("sparse"), Some(Background::Sparse));
    }
}
