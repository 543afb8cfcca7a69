//! Dense sub-tensors: D-Cube (Shin et al., WSDM'18), the in-memory variant
//! of M-Zoom's greedy search (PKDD'16).
//!
//! A tensor has N modes (e.g. actor, target, time bucket[, kind]); each
//! entry has a coordinate per mode and a mass (a count). A block is a set of
//! values per mode; its mass is the mass of the entries inside. One block is
//! found by repeatedly picking a mode (the one whose removal step gives the
//! densest result), removing at once every value of that mode whose slice
//! mass is at most the mode's average, one by one in increasing mass, and
//! keeping the densest block seen. Several blocks are found in turn, each
//! one's entries removed from the tensor before the next search.

use rayon::prelude::*;

/// An N-mode tensor of `u32` coordinates with a mass per entry.
#[derive(Clone, Debug)]
pub struct Tensor {
    n_modes: usize,
    /// Coordinates, entry-major: entry `i` is `coords[i*N .. (i+1)*N]`.
    coords: Vec<u32>,
    mass: Vec<f64>,
    /// Number of values per mode (max id + 1).
    card: Vec<u32>,
}

impl Tensor {
    /// `modes[k][i]` is entry `i`'s coordinate in mode `k`; all modes and
    /// `mass` have the same length. Entries with equal coordinates add up;
    /// entries with zero mass are dropped.
    pub fn new(modes: Vec<Vec<u32>>, mass: Vec<f64>) -> Tensor {
        let n_modes = modes.len();
        assert!(n_modes >= 1, "a tensor needs at least one mode");
        let n = mass.len();
        assert!(
            modes.iter().all(|m| m.len() == n),
            "every mode needs one coordinate per entry"
        );
        let card: Vec<u32> = modes
            .iter()
            .map(|m| m.iter().max().map_or(0, |&x| x + 1))
            .collect();
        let mut idx: Vec<u32> = (0..n as u32).collect();
        let key = |i: u32| -> Vec<u32> { modes.iter().map(|m| m[i as usize]).collect() };
        idx.par_sort_unstable_by(|&a, &b| {
            for m in &modes {
                let o = m[a as usize].cmp(&m[b as usize]);
                if o.is_ne() {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        let mut coords = Vec::with_capacity(n * n_modes);
        let mut out_mass: Vec<f64> = Vec::with_capacity(n);
        let mut last: Option<Vec<u32>> = None;
        for &i in &idx {
            let k = key(i);
            if last.as_ref() == Some(&k) {
                *out_mass.last_mut().unwrap() += mass[i as usize];
            } else {
                coords.extend_from_slice(&k);
                out_mass.push(mass[i as usize]);
                last = Some(k);
            }
        }
        // Drop zero-mass entries (after merging).
        let mut t = Tensor {
            n_modes,
            coords: Vec::new(),
            mass: Vec::new(),
            card,
        };
        for (i, &m) in out_mass.iter().enumerate() {
            if m != 0.0 {
                t.coords
                    .extend_from_slice(&coords[i * n_modes..(i + 1) * n_modes]);
                t.mass.push(m);
            }
        }
        t
    }

    /// Number of modes.
    pub fn n_modes(&self) -> usize {
        self.n_modes
    }

    /// Number of distinct entries.
    pub fn n_entries(&self) -> usize {
        self.mass.len()
    }

    /// Total mass.
    pub fn total_mass(&self) -> f64 {
        self.mass.iter().sum()
    }

    #[inline]
    fn coord(&self, e: usize, mode: usize) -> u32 {
        self.coords[e * self.n_modes + mode]
    }
}

/// A dense block: the values kept in each mode (sorted), its mass and density.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorBlock {
    /// Values per mode, sorted.
    pub modes: Vec<Vec<u32>>,
    /// Mass of the entries inside (in the tensor it was found in).
    pub mass: f64,
    /// Its density under the chosen measure.
    pub density: f64,
}

/// Block density measures of D-Cube.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Density {
    /// Mass over the average cardinality `(Σ|B_n|)/N`.
    ArithmeticAverageMass,
    /// Mass over the geometric mean cardinality `(Π|B_n|)^(1/N)`.
    GeometricAverageMass,
    /// Poisson log-likelihood of the block's mass against a uniform spread of
    /// the tensor's mass: `M_B(ln(M_B/M_R) − 1) + M_R·Π(|B_n|/|R_n|) − M_B·ln Π(|B_n|/|R_n|)`.
    Suspiciousness,
    /// levain's degree-corrected suspiciousness, the tensor analogue of
    /// `dense_blocks`' Chung–Lu null: the Poisson log-likelihood ratio of the
    /// block's mass against `μ_B = M_R·Π_n(G_n(B_n)/M_R)`, where `G_n(B_n)`
    /// is the mass of the block's mode-`n` slices in the whole tensor R. A
    /// hub core (high-mass actors × high-mass targets × every time bucket) is
    /// as dense as its marginals predict and scores ~0, a block of entries
    /// crowded into a few buckets scores high. Values are removed in D-Cube's
    /// order (slice mass inside the block); the measure picks the mode of
    /// each step and the best block on the path. (Removing by the share of
    /// a value's mass still inside the block cannot start: at R every share
    /// is 1.)
    DegreeCorrected,
}

fn density(kind: Density, mass: f64, sizes: &[usize], r_sizes: &[usize], r_mass: f64) -> f64 {
    if sizes.contains(&0) {
        return f64::NEG_INFINITY;
    }
    let n = sizes.len() as f64;
    match kind {
        Density::ArithmeticAverageMass => mass / (sizes.iter().sum::<usize>() as f64 / n),
        Density::GeometricAverageMass => {
            mass / (sizes.iter().map(|&s| (s as f64).ln()).sum::<f64>() / n).exp()
        }
        Density::DegreeCorrected => unreachable!("needs the marginals: see single_block"),
        Density::Suspiciousness => {
            if mass <= 0.0 || r_mass <= 0.0 {
                return 0.0;
            }
            let ln_frac: f64 = sizes
                .iter()
                .zip(r_sizes)
                .map(|(&s, &r)| (s as f64 / r as f64).ln())
                .sum();
            mass * ((mass / r_mass).ln() - 1.0) + r_mass * ln_frac.exp() - mass * ln_frac
        }
    }
}

/// Per mode, value → entries (CSR), built once per tensor.
struct Index {
    off: Vec<Vec<usize>>,
    ent: Vec<Vec<u32>>,
}

fn build_index(t: &Tensor) -> Index {
    let (off, ent) = (0..t.n_modes)
        .into_par_iter()
        .map(|m| {
            let c = t.card[m] as usize;
            let mut off = vec![0usize; c + 1];
            for e in 0..t.n_entries() {
                off[t.coord(e, m) as usize + 1] += 1;
            }
            for i in 0..c {
                off[i + 1] += off[i];
            }
            let mut fill = off[..c].to_vec();
            let mut ent = vec![0u32; t.n_entries()];
            for e in 0..t.n_entries() {
                let v = t.coord(e, m) as usize;
                ent[fill[v]] = e as u32;
                fill[v] += 1;
            }
            (off, ent)
        })
        .unzip();
    Index { off, ent }
}

/// One D-Cube search on the entries with positive `mass` (the current tensor R).
fn single_block(t: &Tensor, idx: &Index, mass: &[f64], kind: Density) -> Option<TensorBlock> {
    let nm = t.n_modes;
    let mut alive: Vec<bool> = mass.iter().map(|&m| m > 0.0).collect();
    let mut slice: Vec<Vec<f64>> = t.card.iter().map(|&c| vec![0.0; c as usize]).collect();
    let mut total = 0.0;
    for e in 0..t.n_entries() {
        if alive[e] {
            total += mass[e];
            for (m, s) in slice.iter_mut().enumerate() {
                s[t.coord(e, m) as usize] += mass[e];
            }
        }
    }
    if total <= 0.0 {
        return None;
    }
    // Values present in R, per mode.
    let mut vals: Vec<Vec<u32>> = slice
        .iter()
        .map(|s| {
            (0..s.len() as u32)
                .filter(|&v| s[v as usize] > 0.0)
                .collect()
        })
        .collect();
    let r_sizes: Vec<usize> = vals.iter().map(Vec::len).collect();
    let r_mass = total;
    let mut sizes = r_sizes.clone();
    let mut m_b = total;
    // Global slice masses (in R) and their sum over the block's values.
    let glob = slice.clone();
    let mut gsum: Vec<f64> = vec![total; nm];
    let corrected = kind == Density::DegreeCorrected;
    let dens = |m_b: f64, sizes: &[usize], gsum: &[f64]| -> f64 {
        if corrected {
            if sizes.contains(&0) {
                return f64::NEG_INFINITY;
            }
            let mu = r_mass * gsum.iter().map(|g| g / r_mass).product::<f64>();
            crate::fraudar::surprise(m_b, mu)
        } else {
            density(kind, m_b, sizes, &r_sizes, r_mass)
        }
    };
    // Removal key of value v in mode m (its slice mass in the block, for
    // every measure) and the mode's threshold (the average slice mass).
    let key = |slice: &[Vec<f64>], m: usize, v: u32| -> f64 { slice[m][v as usize] };
    let threshold = |m_b: f64, sizes: &[usize], m: usize| -> f64 { m_b / sizes[m] as f64 };
    let mut best = dens(m_b, &sizes, &gsum);
    let mut best_at = 0usize;
    let mut removed: Vec<(usize, u32)> = Vec::new();
    while sizes.iter().all(|&s| s > 0) {
        // Mode choice: the one whose whole removal step leaves the densest block.
        let mut choice: Option<(f64, usize)> = None;
        for m in 0..nm {
            let avg = threshold(m_b, &sizes, m);
            let (cnt, sum, gs) = vals[m]
                .iter()
                .filter(|&&v| key(&slice, m, v) <= avg)
                .fold((0usize, 0.0, 0.0), |(c, s, g), &v| {
                    (c + 1, s + slice[m][v as usize], g + glob[m][v as usize])
                });
            let mut sz = sizes.clone();
            sz[m] -= cnt;
            let mut gz = gsum.clone();
            gz[m] -= gs;
            let d = if sz[m] == 0 {
                f64::NEG_INFINITY
            } else {
                dens(m_b - sum, &sz, &gz)
            };
            if choice.is_none_or(|(bd, _)| d > bd) {
                choice = Some((d, m));
            }
        }
        let (_, m) = choice.unwrap();
        let avg = threshold(m_b, &sizes, m);
        let mut d_set: Vec<(f64, u32)> = vals[m]
            .iter()
            .map(|&v| (key(&slice, m, v), v))
            .filter(|&(k, _)| k <= avg)
            .collect();
        d_set.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        vals[m].retain(|&v| key(&slice, m, v) > avg);
        let d_set: Vec<u32> = d_set.into_iter().map(|(_, v)| v).collect();
        for v in d_set {
            let (lo, hi) = (idx.off[m][v as usize], idx.off[m][v as usize + 1]);
            for &e in &idx.ent[m][lo..hi] {
                let e = e as usize;
                if alive[e] {
                    alive[e] = false;
                    m_b -= mass[e];
                    for (m2, s) in slice.iter_mut().enumerate() {
                        if m2 != m {
                            s[t.coord(e, m2) as usize] -= mass[e];
                        }
                    }
                }
            }
            slice[m][v as usize] = 0.0;
            sizes[m] -= 1;
            gsum[m] -= glob[m][v as usize];
            removed.push((m, v));
            let d = dens(m_b, &sizes, &gsum);
            if d > best {
                best = d;
                best_at = removed.len();
            }
        }
    }
    // Rebuild the best block: R's values minus the first `best_at` removals.
    let mut keep: Vec<Vec<bool>> = t.card.iter().map(|&c| vec![false; c as usize]).collect();
    for e in 0..t.n_entries() {
        if mass[e] > 0.0 {
            for (m, k) in keep.iter_mut().enumerate() {
                k[t.coord(e, m) as usize] = true;
            }
        }
    }
    for &(m, v) in &removed[..best_at] {
        keep[m][v as usize] = false;
    }
    let modes: Vec<Vec<u32>> = keep
        .iter()
        .map(|k| (0..k.len() as u32).filter(|&v| k[v as usize]).collect())
        .collect();
    let block_mass: f64 = (0..t.n_entries())
        .filter(|&e| mass[e] > 0.0 && (0..nm).all(|m| keep[m][t.coord(e, m) as usize]))
        .map(|e| mass[e])
        .sum();
    Some(TensorBlock {
        modes,
        mass: block_mass,
        density: best,
    })
}

/// D-Cube: up to `blocks` dense blocks in turn; after each, the entries
/// inside it are removed from the tensor (so later blocks are disjoint in
/// entries but may share values). Stops early when nothing is left.
pub fn dcube(t: &Tensor, blocks: usize, density: Density) -> Vec<TensorBlock> {
    let idx = build_index(t);
    let mut mass = t.mass.clone();
    let mut out = Vec::new();
    for _ in 0..blocks {
        let Some(b) = single_block(t, &idx, &mass, density) else {
            break;
        };
        let keep: Vec<Vec<bool>> = (0..t.n_modes)
            .map(|m| {
                let mut k = vec![false; t.card[m] as usize];
                b.modes[m].iter().for_each(|&v| k[v as usize] = true);
                k
            })
            .collect();
        for (e, ms) in mass.iter_mut().enumerate() {
            if (0..t.n_modes).all(|m| keep[m][t.coord(e, m) as usize]) {
                *ms = 0.0;
            }
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn merges_equal_coordinates() {
        let t = Tensor::new(vec![vec![0, 1, 0], vec![2, 2, 2]], vec![1.0, 2.0, 3.0]);
        assert_eq!(t.n_entries(), 2);
        assert_eq!(t.total_mass(), 6.0);
        assert_eq!(t.mass, vec![4.0, 2.0]);
    }

    fn planted() -> (Tensor, Vec<Vec<u32>>, Vec<Vec<u32>>) {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut modes = vec![Vec::new(), Vec::new(), Vec::new()];
        let mut mass = Vec::new();
        // Background: 6000 random entries over 1000 × 1000 × 100.
        for _ in 0..6000 {
            modes[0].push(rng.random_range(0..1000));
            modes[1].push(rng.random_range(0..1000));
            modes[2].push(rng.random_range(0..100));
            mass.push(1.0);
        }
        // Block 1: actors 0..20 × targets 0..20 × buckets 10..13, mass 2 each.
        // Block 2: actors 500..515 × targets 500..515 × buckets 60..62, mass 1.
        let b1 = vec![
            (0..20).collect::<Vec<u32>>(),
            (0..20).collect(),
            (10..13).collect(),
        ];
        let b2 = vec![
            (500..515).collect::<Vec<u32>>(),
            (500..515).collect(),
            (60..62).collect(),
        ];
        for (b, w) in [(&b1, 2.0), (&b2, 1.0)] {
            for &a in &b[0] {
                for &t in &b[1] {
                    for &k in &b[2] {
                        modes[0].push(a);
                        modes[1].push(t);
                        modes[2].push(k);
                        mass.push(w);
                    }
                }
            }
        }
        (Tensor::new(modes, mass), b1, b2)
    }

    #[test]
    fn finds_two_planted_blocks_in_turn() {
        let (t, b1, b2) = planted();
        for kind in [
            Density::ArithmeticAverageMass,
            Density::GeometricAverageMass,
            Density::Suspiciousness,
            Density::DegreeCorrected,
        ] {
            let found = dcube(&t, 2, kind);
            assert_eq!(found.len(), 2);
            assert_eq!(found[0].modes, b1, "{kind:?}: first block");
            assert_eq!(found[1].modes, b2, "{kind:?}: second block");
            assert!(found[0].mass >= 2.0 * 1200.0);
            assert!(found[0].density > found[1].density || kind == Density::Suspiciousness);
        }
    }

    /// A compact (1 h) 200×200 block at p = 0.05 with random camouflage in
    /// a 20k×20k×200k power-law background, over (actor, target, hour): the
    /// average-mass measures prefer the hub core; the degree-corrected one
    /// finds the block.
    #[test]
    fn degree_corrected_finds_a_compact_block_among_hubs() {
        use crate::inject::{Camouflage, InjectConfig, inject, score};
        let inj = inject(&InjectConfig {
            p: 0.05,
            camo: Camouflage::Random,
            stretch_days: 0.04,
            ..Default::default()
        });
        let t = Tensor::new(
            vec![
                inj.edges.iter().map(|e| e.0).collect(),
                inj.edges.iter().map(|e| e.1).collect(),
                inj.times.iter().map(|&t| (t / 3600) as u32).collect(),
            ],
            vec![1.0; inj.edges.len()],
        );
        let b = dcube(&t, 1, Density::DegreeCorrected);
        let s = score(&b[0].modes[0], &inj.fraud_actors);
        assert!(s.f1 >= 0.9, "{s:?}");
        assert!(b[0].modes[2].len() <= 3, "{:?}", b[0].modes[2]);
    }

    #[test]
    fn density_measures() {
        let s = [4, 4, 4];
        assert_eq!(
            density(Density::ArithmeticAverageMass, 12.0, &s, &s, 12.0),
            3.0
        );
        assert!((density(Density::GeometricAverageMass, 12.0, &s, &s, 12.0) - 3.0).abs() < 1e-12);
        // The whole tensor is exactly as dense as expected: suspiciousness 0.
        assert!(density(Density::Suspiciousness, 12.0, &s, &s, 12.0).abs() < 1e-9);
        assert!(density(Density::Suspiciousness, 10.0, &[2, 2, 2], &s, 12.0) > 10.0);
    }
}
