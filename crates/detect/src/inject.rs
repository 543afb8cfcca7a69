//! The FRAUDAR injection protocol (Hooi et al., KDD'16) on a Chung–Lu
//! power-law background, as in the peers' `inject.py`, plus edge times and a
//! doubled random camouflage.
//!
//! Background: actor and target weights `(rank + 1)^(-1/(γ-1))` with ranks
//! randomly permuted, `edges` distinct edges drawn with P ∝ w_a·w_t. Block:
//! `block.0` fraud actors × `block.1` fraud targets (existing targets drawn
//! uniformly), each pair an edge with probability `p`. Labels are permuted
//! and edges shuffled so neither ids nor order leak the block. Seeded: the
//! same config gives the same graph.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Seconds per day.
const DAY: f64 = 86_400.0;
/// Background edge times are uniform over this many days.
const HORIZON_DAYS: f64 = 90.0;
/// Hijacked fraud actors come from this top fraction of actors by degree.
const HIJACK_TOP: f64 = 0.2;

/// How fraud actors hide their block edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Camouflage {
    /// New accounts with block edges only.
    None,
    /// New accounts; each also links to as many uniformly random honest targets as it has block edges.
    Random,
    /// Like `Random` with twice as many camouflage edges.
    Random2,
    /// Like `Random`, camouflage targets drawn ∝ their background degree.
    Biased,
    /// Fraud actors are existing honest actors from the top 20 % by degree; their honest edges are the camouflage.
    Hijacked,
}

impl Camouflage {
    /// Every kind, in the order of the experiment tables.
    pub const ALL: [Camouflage; 5] = [
        Camouflage::None,
        Camouflage::Random,
        Camouflage::Random2,
        Camouflage::Biased,
        Camouflage::Hijacked,
    ];

    /// Lower-case name as used by `inject.py` (`random2` is ours).
    pub fn name(self) -> &'static str {
        match self {
            Camouflage::None => "none",
            Camouflage::Random => "random",
            Camouflage::Random2 => "random2",
            Camouflage::Biased => "biased",
            Camouflage::Hijacked => "hijacked",
        }
    }
}

/// Parameters of one injected graph.
#[derive(Clone, Debug)]
pub struct InjectConfig {
    /// Background actors.
    pub actors: u32,
    /// Background targets.
    pub targets: u32,
    /// Distinct background edges.
    pub edges: u64,
    /// Power-law degree exponent of both sides.
    pub gamma: f64,
    /// Fraud block size: (actors, targets); (0, 0) injects nothing.
    pub block: (u32, u32),
    /// Probability of each block pair being an edge.
    pub p: f64,
    /// Camouflage kind.
    pub camo: Camouflage,
    /// RNG seed.
    pub seed: u64,
    /// Block edges' times spread over this many days (from a random start);
    /// background and camouflage edges are uniform over 90 days.
    pub stretch_days: f64,
}

impl Default for InjectConfig {
    fn default() -> Self {
        InjectConfig {
            actors: 20_000,
            targets: 20_000,
            edges: 200_000,
            gamma: 2.5,
            block: (200, 200),
            p: 0.05,
            camo: Camouflage::None,
            seed: 1,
            stretch_days: 7.0,
        }
    }
}

/// An injected graph with its ground truth.
#[derive(Clone, Debug)]
pub struct Injected {
    /// Actor ids are `0..n_actors` (background plus new fraud accounts).
    pub n_actors: u32,
    /// Target ids are `0..n_targets`.
    pub n_targets: u32,
    /// Distinct (actor, target) edges, shuffled.
    pub edges: Vec<(u32, u32)>,
    /// Time of each edge, seconds from the start of the 90-day window.
    pub times: Vec<i64>,
    /// Fraud actors with at least one block edge, sorted.
    pub fraud_actors: Vec<u32>,
    /// Fraud targets with at least one block edge, sorted.
    pub fraud_targets: Vec<u32>,
}

/// Normalised cumulative power-law weights for ranks `0..n`.
fn cumulative_powerlaw(n: u32, gamma: f64) -> Vec<f64> {
    let s = 1.0 / (gamma - 1.0);
    let mut acc = 0.0;
    let mut cum: Vec<f64> = (0..n)
        .map(|i| {
            acc += (i as f64 + 1.0).powf(-s);
            acc
        })
        .collect();
    let total = acc;
    cum.iter_mut().for_each(|x| *x /= total);
    cum
}

fn draw(cum: &[f64], rng: &mut impl Rng) -> u32 {
    let u: f64 = rng.random();
    (cum.partition_point(|&x| x < u)).min(cum.len() - 1) as u32
}

/// Chung–Lu background: `e` distinct edges as keys `a * m + t`.
fn chung_lu(rng: &mut ChaCha8Rng, n: u32, m: u32, e: u64, gamma: f64) -> Vec<u64> {
    assert!(
        e <= n as u64 * m as u64,
        "more edges requested than actor x target pairs"
    );
    let ca = cumulative_powerlaw(n, gamma);
    let ct = cumulative_powerlaw(m, gamma);
    let mut perm_a: Vec<u32> = (0..n).collect();
    let mut perm_t: Vec<u32> = (0..m).collect();
    perm_a.shuffle(rng);
    perm_t.shuffle(rng);
    let mut keys: Vec<u64> = Vec::with_capacity(e as usize + e as usize / 10);
    for _round in 0..200 {
        if keys.len() as u64 >= e {
            break;
        }
        let need = e - keys.len() as u64;
        let k = need + need / 20 + 1000;
        for _ in 0..k {
            let a = perm_a[draw(&ca, rng) as usize] as u64;
            let t = perm_t[draw(&ct, rng) as usize] as u64;
            keys.push(a * m as u64 + t);
        }
        keys.sort_unstable();
        keys.dedup();
    }
    assert!(keys.len() as u64 >= e, "could not reach {e} distinct edges");
    if keys.len() as u64 > e {
        // Uniform subset of size e (partial Fisher–Yates), as rng.choice does.
        let (chosen, _) = keys.partial_shuffle(rng, e as usize);
        let mut chosen = chosen.to_vec();
        chosen.sort_unstable();
        keys = chosen;
    }
    keys
}

/// Builds one injected graph (deterministic per `cfg.seed`).
pub fn inject(cfg: &InjectConfig) -> Injected {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let (n, m) = (cfg.actors, cfg.targets);
    let (m0, n0) = cfg.block;
    let horizon = HORIZON_DAYS * DAY;
    let bg = chung_lu(&mut rng, n, m, cfg.edges, cfg.gamma);
    let mut deg_a = vec![0u32; n as usize];
    let mut deg_t = vec![0u32; m as usize];
    for &k in &bg {
        deg_a[(k / m as u64) as usize] += 1;
        deg_t[(k % m as u64) as usize] += 1;
    }

    // Fraud actors: new accounts, or hijacked high-degree honest ones.
    let (f_actors, n_total): (Vec<u32>, u32) = if cfg.camo == Camouflage::Hijacked {
        let mut order: Vec<u32> = (0..n).collect();
        order.sort_by_key(|&a| std::cmp::Reverse(deg_a[a as usize]));
        let pool = (m0 as usize)
            .max((HIJACK_TOP * n as f64).round() as usize)
            .min(n as usize);
        let mut pool = order[..pool].to_vec();
        let (chosen, _) = pool.partial_shuffle(&mut rng, m0 as usize);
        (chosen.to_vec(), n)
    } else {
        ((n..n + m0).collect(), n + m0)
    };
    // Fraud targets: existing targets drawn uniformly.
    let mut all_t: Vec<u32> = (0..m).collect();
    let (f_targets, _) = all_t.partial_shuffle(&mut rng, n0 as usize);
    let f_targets = f_targets.to_vec();

    // Block edges; all block edges of one injection share a start time.
    let stretch = (cfg.stretch_days * DAY).min(horizon);
    let t0 = rng.random::<f64>() * (horizon - stretch);
    // (key, time, priority): priority 0 = background wins a duplicate.
    let mut all: Vec<(u64, i64, u8)> = bg
        .iter()
        .map(|&k| (k, (rng.random::<f64>() * horizon) as i64, 0u8))
        .collect();
    drop(bg);
    let mtot = m as u64;
    let mut per_actor = vec![0u32; m0 as usize];
    let mut t_hit = vec![false; n0 as usize];
    for (i, &a) in f_actors.iter().enumerate() {
        for (j, &t) in f_targets.iter().enumerate() {
            if rng.random::<f64>() < cfg.p {
                per_actor[i] += 1;
                t_hit[j] = true;
                let time = (t0 + rng.random::<f64>() * stretch) as i64;
                all.push((a as u64 * mtot + t as u64, time, 1));
            }
        }
    }

    // Camouflage: as many (or twice as many) edges to honest targets as block edges.
    let factor = match cfg.camo {
        Camouflage::Random | Camouflage::Biased => 1,
        Camouflage::Random2 => 2,
        _ => 0,
    };
    if factor > 0 {
        let mut is_fraud_t = vec![false; m as usize];
        f_targets
            .iter()
            .for_each(|&t| is_fraud_t[t as usize] = true);
        let honest: Vec<u32> = (0..m)
            .filter(|&t| !is_fraud_t[t as usize])
            .filter(|&t| cfg.camo != Camouflage::Biased || deg_t[t as usize] > 0)
            .collect();
        let cum: Vec<f64> = if cfg.camo == Camouflage::Biased {
            let mut acc = 0.0;
            let mut c: Vec<f64> = honest
                .iter()
                .map(|&t| {
                    acc += deg_t[t as usize] as f64;
                    acc
                })
                .collect();
            c.iter_mut().for_each(|x| *x /= acc);
            c
        } else {
            Vec::new()
        };
        for (i, &a) in f_actors.iter().enumerate() {
            let k = (per_actor[i] * factor) as usize;
            let k = k.min(honest.len());
            let mut seen: HashSet<u32> = HashSet::with_capacity(k);
            while seen.len() < k {
                let t = if cum.is_empty() {
                    honest[rng.random_range(0..honest.len())]
                } else {
                    honest[draw(&cum, &mut rng) as usize]
                };
                if seen.insert(t) {
                    all.push((
                        a as u64 * mtot + t as u64,
                        (rng.random::<f64>() * horizon) as i64,
                        2,
                    ));
                }
            }
        }
    }

    // Collapse duplicates (hijacked actors may already link to a fraud target).
    all.sort_unstable_by_key(|&(k, _, pri)| (k, pri));
    all.dedup_by_key(|x| x.0);
    all.shuffle(&mut rng);

    // Opaque labels.
    let mut lab_a: Vec<u32> = (0..n_total).collect();
    let mut lab_t: Vec<u32> = (0..m).collect();
    lab_a.shuffle(&mut rng);
    lab_t.shuffle(&mut rng);
    let mut edges = Vec::with_capacity(all.len());
    let mut times = Vec::with_capacity(all.len());
    for &(k, time, _) in &all {
        edges.push((lab_a[(k / mtot) as usize], lab_t[(k % mtot) as usize]));
        times.push(time);
    }
    let mut fraud_actors: Vec<u32> = f_actors
        .iter()
        .zip(&per_actor)
        .filter(|&(_, &k)| k > 0)
        .map(|(&a, _)| lab_a[a as usize])
        .collect();
    let mut fraud_targets: Vec<u32> = f_targets
        .iter()
        .zip(&t_hit)
        .filter(|&(_, &h)| h)
        .map(|(&t, _)| lab_t[t as usize])
        .collect();
    fraud_actors.sort_unstable();
    fraud_targets.sort_unstable();
    Injected {
        n_actors: n_total,
        n_targets: m,
        edges,
        times,
        fraud_actors,
        fraud_targets,
    }
}

/// Writes `a{actor}\tt{target}\n` lines in edge order (the peers' input format).
pub fn write_tsv(inj: &Injected, path: &Path) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    for &(a, t) in &inj.edges {
        writeln!(w, "a{a}\tt{t}")?;
    }
    w.flush()
}

/// A TSV edge list read back with ids in order of first appearance (as the
/// Python peer numbers rows and columns), plus the original labels.
pub struct TsvGraph {
    /// Edges in compact ids, in file order (duplicates kept).
    pub edges: Vec<(u32, u32)>,
    /// Label of each compact actor id.
    pub actor_names: Vec<String>,
    /// Label of each compact target id.
    pub target_names: Vec<String>,
}

/// Reads `actor<TAB>target[<TAB>...]` lines (blank and `#` lines skipped).
pub fn read_tsv(path: &Path) -> io::Result<TsvGraph> {
    use std::collections::HashMap;
    let mut ids_a: HashMap<String, u32> = HashMap::new();
    let mut ids_t: HashMap<String, u32> = HashMap::new();
    let mut g = TsvGraph {
        edges: Vec::new(),
        actor_names: Vec::new(),
        target_names: Vec::new(),
    };
    for line in BufReader::with_capacity(1 << 20, File::open(path)?).lines() {
        let line = line?;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut it = line.split('\t');
        let (Some(a), Some(t)) = (it.next(), it.next()) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad line {line:?}"),
            ));
        };
        let na = ids_a.len() as u32;
        let ia = *ids_a.entry(a.to_string()).or_insert_with(|| {
            g.actor_names.push(a.to_string());
            na
        });
        let nt = ids_t.len() as u32;
        let it = *ids_t.entry(t.to_string()).or_insert_with(|| {
            g.target_names.push(t.to_string());
            nt
        });
        g.edges.push((ia, it));
    }
    Ok(g)
}

/// Precision, recall and F1 of a detected set against the truth.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prf {
    /// |detected ∩ truth| / |detected| (0 if nothing detected).
    pub precision: f64,
    /// |detected ∩ truth| / |truth| (0 if the truth is empty).
    pub recall: f64,
    /// Harmonic mean of the two (0 if both are 0).
    pub f1: f64,
}

/// Scores `detected` against `truth` (duplicates ignored), as `score.py` does.
pub fn score(detected: &[u32], truth: &[u32]) -> Prf {
    let d: HashSet<u32> = detected.iter().copied().collect();
    let t: HashSet<u32> = truth.iter().copied().collect();
    let tp = d.intersection(&t).count() as f64;
    let precision = if d.is_empty() {
        0.0
    } else {
        tp / d.len() as f64
    };
    let recall = if t.is_empty() {
        0.0
    } else {
        tp / t.len() as f64
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Prf {
        precision,
        recall,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(camo: Camouflage, seed: u64) -> InjectConfig {
        InjectConfig {
            actors: 2000,
            targets: 3000,
            edges: 10_000,
            gamma: 2.5,
            block: (50, 40),
            p: 0.3,
            camo,
            seed,
            stretch_days: 1.0,
        }
    }

    #[test]
    fn deterministic_per_seed() {
        let a = inject(&small(Camouflage::Random, 7));
        let b = inject(&small(Camouflage::Random, 7));
        let c = inject(&small(Camouflage::Random, 8));
        assert_eq!(a.edges, b.edges);
        assert_eq!(a.times, b.times);
        assert_eq!(a.fraud_actors, b.fraud_actors);
        assert_ne!(a.edges, c.edges);
    }

    #[test]
    fn sizes_density_and_camouflage() {
        for camo in Camouflage::ALL {
            let cfg = small(camo, 3);
            let inj = inject(&cfg);
            let new_actors = if camo == Camouflage::Hijacked { 0 } else { 50 };
            assert_eq!(inj.n_actors, 2000 + new_actors);
            assert_eq!(inj.n_targets, 3000);
            assert_eq!(inj.edges.len(), inj.times.len());
            let uniq: HashSet<_> = inj.edges.iter().collect();
            assert_eq!(uniq.len(), inj.edges.len(), "edges are distinct");
            // Nearly every fraud node has a block edge at p = 0.3.
            assert!(inj.fraud_actors.len() >= 48 && inj.fraud_targets.len() >= 38);
            let fa: HashSet<u32> = inj.fraud_actors.iter().copied().collect();
            let ft: HashSet<u32> = inj.fraud_targets.iter().copied().collect();
            let block: Vec<usize> = (0..inj.edges.len())
                .filter(|&i| fa.contains(&inj.edges[i].0) && ft.contains(&inj.edges[i].1))
                .collect();
            let dens = block.len() as f64 / (50.0 * 40.0);
            assert!(
                (0.25..0.36).contains(&dens),
                "{camo:?}: block density {dens}"
            );
            let from_fraud = inj.edges.iter().filter(|e| fa.contains(&e.0)).count();
            let camo_edges = from_fraud - block.len();
            match camo {
                Camouflage::None => assert_eq!(camo_edges, 0),
                Camouflage::Random | Camouflage::Biased => assert_eq!(camo_edges, block.len()),
                Camouflage::Random2 => assert_eq!(camo_edges, 2 * block.len()),
                Camouflage::Hijacked => assert!(camo_edges > block.len()),
            }
            let bg = inj.edges.len() - from_fraud;
            if camo != Camouflage::Hijacked {
                assert_eq!(bg, 10_000);
            }
            // Block edges fall inside a 1-day window; the rest span 90 days.
            if camo == Camouflage::None {
                let (lo, hi) = block.iter().fold((i64::MAX, i64::MIN), |(l, h), &i| {
                    (l.min(inj.times[i]), h.max(inj.times[i]))
                });
                assert!(hi - lo <= 86_400);
                let max = *inj.times.iter().max().unwrap();
                assert!(max > 80 * 86_400);
            }
        }
    }

    #[test]
    fn background_is_power_law() {
        let inj = inject(&InjectConfig {
            block: (0, 0),
            ..small(Camouflage::None, 1)
        });
        let mut deg = vec![0u32; inj.n_actors as usize];
        inj.edges.iter().for_each(|&(a, _)| deg[a as usize] += 1);
        deg.sort_unstable();
        // Heavy head: the top actor has many times the median degree.
        assert!(deg[deg.len() - 1] > 20 * deg[deg.len() / 2].max(1));
    }

    #[test]
    fn prf() {
        let s = score(&[1, 2, 3, 4], &[3, 4, 5, 6, 7, 8]);
        assert_eq!(s.precision, 0.5);
        assert!((s.recall - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.f1 - 0.4).abs() < 1e-12);
        assert_eq!(score(&[], &[1]).f1, 0.0);
    }

    #[test]
    fn tsv_round_trip_numbers_by_first_appearance() {
        let inj = inject(&small(Camouflage::None, 2));
        let dir = std::env::temp_dir().join(format!("levain-detect-tsv-{}", std::process::id()));
        write_tsv(&inj, &dir).unwrap();
        let g = read_tsv(&dir).unwrap();
        std::fs::remove_file(&dir).ok();
        assert_eq!(g.edges.len(), inj.edges.len());
        assert_eq!(g.edges[0], (0, 0));
        assert_eq!(g.actor_names[0], format!("a{}", inj.edges[0].0));
    }
}
