//! The key index: sorted runs of 128-bit natural keys, one file per run.
//!
//! A run file is `LVKEYS01`, a little-endian u64 count, then that many
//! strictly increasing little-endian u128 keys. Looking up a batch of keys
//! sorts the batch and walks each memory-mapped run beside it (galloping,
//! so a few keys cost a few binary searches and many keys a merge); a
//! [`RunFilter`] spares the walk for keys a run cannot hold. `compact`
//! merges runs so their number stays small.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use levain_model::keys::Key;

use crate::error::{Result, StoreError, io};

const MAGIC: &[u8; 8] = b"LVKEYS01";
const BUF: usize = 1 << 20;

/// Writes strictly increasing `keys` as a run and syncs it.
pub(crate) fn write_run(path: &Path, keys: &[Key]) -> Result<()> {
    debug_assert!(keys.windows(2).all(|w| w[0] < w[1]));
    let f = io(path, File::create(path))?;
    let mut w = BufWriter::with_capacity(BUF, f);
    io(path, w.write_all(MAGIC))?;
    io(path, w.write_all(&(keys.len() as u64).to_le_bytes()))?;
    for k in keys {
        io(path, w.write_all(&k.0.to_le_bytes()))?;
    }
    let f = io(path, w.into_inner().map_err(|e| e.into_error()))?;
    io(path, f.sync_all())
}

/// A run's keys, memory-mapped for lookups.
pub(crate) struct Run {
    map: memmap2::Mmap,
    len: usize,
}

impl Run {
    /// Maps the run at `path`, checking that it holds the keys its header
    /// counts.
    pub(crate) fn open(path: &Path) -> Result<Run> {
        let f = io(path, File::open(path))?;
        // SAFETY: runs are written once and never modified; the store's lock
        // keeps other writers out while this writer holds the map.
        let map = io(path, unsafe { memmap2::Mmap::map(&f) })?;
        let corrupt = |message: String| StoreError::Corrupt {
            path: path.to_owned(),
            message,
        };
        if map.len() < 16 || &map[..8] != MAGIC {
            return Err(corrupt("not a key run (bad magic)".into()));
        }
        let count = u64::from_le_bytes(map[8..16].try_into().unwrap());
        let held = (map.len() as u64 - 16) / 16;
        if held < count {
            return Err(corrupt(format!(
                "key run ends early: it counts {count} keys and holds {held}"
            )));
        }
        Ok(Run {
            map,
            len: count as usize,
        })
    }

    fn key(&self, i: usize) -> Key {
        let at = 16 + 16 * i;
        Key(u128::from_le_bytes(
            self.map[at..at + 16].try_into().unwrap(),
        ))
    }

    /// The first index at or after `from` whose key is not below `k`:
    /// galloping, so a dense walk costs about a merge and a sparse one a
    /// binary search per key.
    fn lower_bound(&self, from: usize, k: Key) -> usize {
        let (mut lo, mut step) = (from, 1);
        while lo + step < self.len && self.key(lo + step) < k {
            lo += step;
            step *= 2;
        }
        let mut hi = (lo + step).min(self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid) < k {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Sets `found[i]` for every `sorted[i]` the run holds, looking only at
    /// the indices `probes` (increasing). `sorted` must be strictly
    /// increasing.
    pub(crate) fn mark_present(
        &self,
        sorted: &[Key],
        probes: impl IntoIterator<Item = usize>,
        found: &mut [bool],
    ) {
        let mut at = 0;
        for i in probes {
            at = self.lower_bound(at, sorted[i]);
            if at == self.len {
                break;
            }
            if self.key(at) == sorted[i] {
                found[i] = true;
                at += 1;
            }
        }
    }

    /// The run's keys, in order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        (0..self.len).map(|i| self.key(i))
    }

    /// A filter of the run's keys (one pass over them).
    pub(crate) fn filter(&self) -> RunFilter {
        RunFilter::new(self.keys())
    }
}

/// Which keys a run may hold, in about 9 bits a key: a binary fuse filter
/// answers "no" for all but ~0.4 % of absent keys, so an import that
/// probes the same runs at every flush looks up only its duplicates and
/// those few, instead of reading every run in full each time (which made
/// one big import's key lookups grow with the square of its size).
pub(crate) struct RunFilter(Option<xorf::BinaryFuse8>);

impl RunFilter {
    pub(crate) fn new(keys: impl Iterator<Item = Key>) -> RunFilter {
        let folded: Vec<u64> = keys.map(fold).collect();
        // Construction fails only on degenerate input; no filter then means
        // "may hold anything", which stays exact.
        RunFilter(xorf::BinaryFuse8::try_from(&folded).ok())
    }

    pub(crate) fn may_hold(&self, k: Key) -> bool {
        use xorf::Filter;
        self.0.as_ref().is_none_or(|f| f.contains(&fold(k)))
    }
}

/// Keys are already uniform hashes: either half would do, both are folded
/// in so that no bit is wasted.
fn fold(k: Key) -> u64 {
    (k.0 as u64) ^ ((k.0 >> 64) as u64)
}

/// Merges runs into one at `out` (keys are unique across runs by
/// construction; duplicates would be dropped anyway). Returns the key count.
pub(crate) fn merge_runs(inputs: &[&Path], out: &Path) -> Result<u64> {
    let runs = inputs
        .iter()
        .map(|p| Run::open(p))
        .collect::<Result<Vec<_>>>()?;
    let total: usize = runs.iter().map(|r| r.len).sum();
    let mut readers: Vec<_> = runs.iter().map(Run::keys).collect();
    let mut heads: Vec<Option<Key>> = readers.iter_mut().map(Iterator::next).collect();
    let f = io(out, File::create(out))?;
    let mut w = BufWriter::with_capacity(BUF, f);
    io(out, w.write_all(MAGIC))?;
    io(out, w.write_all(&0u64.to_le_bytes()))?;
    let mut written = 0u64;
    let mut last: Option<Key> = None;
    // Few runs (compaction keeps them few): a linear scan for the minimum
    // beats a heap here.
    while let Some((idx, key)) = heads
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.map(|k| (i, k)))
        .min_by_key(|&(_, k)| k)
    {
        if last != Some(key) {
            io(out, w.write_all(&key.0.to_le_bytes()))?;
            written += 1;
            last = Some(key);
        }
        heads[idx] = readers[idx].next();
    }
    debug_assert!(written as usize <= total);
    let mut f = io(out, w.into_inner().map_err(|e| e.into_error()))?;
    // Patch the count now that it is known.
    use std::io::{Seek, SeekFrom};
    io(out, f.seek(SeekFrom::Start(8)))?;
    io(out, f.write_all(&written.to_le_bytes()))?;
    io(out, f.sync_all())?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[u128]) -> Vec<Key> {
        v.iter().map(|&k| Key(k)).collect()
    }

    #[test]
    fn marks_exactly_the_keys_in_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.keys");
        write_run(&p, &keys(&[2, 5, 9, 11])).unwrap();
        let probe = keys(&[1, 2, 6, 9, 12]);
        let mut found = vec![false; probe.len()];
        Run::open(&p)
            .unwrap()
            .mark_present(&probe, 0..probe.len(), &mut found);
        assert_eq!(found, [false, true, false, true, false]);
    }

    /// Uniform pseudo-random keys (splitmix64), as the natural keys' hashes are.
    fn random_keys(seed: u64, n: usize) -> Vec<Key> {
        let mut x = seed;
        let mut next = move || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        (0..n)
            .map(|_| Key(((next() as u128) << 64) | next() as u128))
            .collect()
    }

    #[test]
    fn filtered_lookups_find_every_held_key_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.keys");
        let mut held = random_keys(1, 200_000);
        held.sort_unstable();
        write_run(&p, &held).unwrap();
        let run = Run::open(&p).unwrap();
        let filter = run.filter();
        // Every 50th held key among 100 000 absent ones.
        let mut probe: Vec<Key> = random_keys(2, 100_000);
        probe.extend(held.iter().step_by(50));
        probe.sort_unstable();
        let candidates: Vec<usize> = (0..probe.len())
            .filter(|&i| filter.may_hold(probe[i]))
            .collect();
        let mut found = vec![false; probe.len()];
        run.mark_present(&probe, candidates.iter().copied(), &mut found);
        let expected: Vec<bool> = probe
            .iter()
            .map(|k| held.binary_search(k).is_ok())
            .collect();
        assert_eq!(found, expected);
        assert_eq!(found.iter().filter(|f| **f).count(), 4_000);
        // The filter passes the held keys and few absent ones (~0.4 %).
        let passed_absent = candidates.len() - 4_000;
        assert!(passed_absent < 1_000, "{passed_absent} absent keys passed");
    }

    #[test]
    fn galloping_finds_keys_at_both_ends_and_between() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.keys");
        let held: Vec<Key> = (0..10_000u128).map(|i| Key(i * 3 + 1)).collect();
        write_run(&p, &held).unwrap();
        let run = Run::open(&p).unwrap();
        let probe = keys(&[0, 1, 2, 4, 15_001, 29_998, 29_999, u128::MAX]);
        let mut found = vec![false; probe.len()];
        run.mark_present(&probe, 0..probe.len(), &mut found);
        assert_eq!(found, [false, true, false, true, true, true, false, false]);
    }

    #[test]
    fn merged_runs_are_sorted_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.keys");
        let b = dir.path().join("b.keys");
        let out = dir.path().join("m.keys");
        write_run(&a, &keys(&[1, 4, 7])).unwrap();
        write_run(&b, &keys(&[2, 3, 8, u128::MAX])).unwrap();
        assert_eq!(merge_runs(&[&a, &b], &out).unwrap(), 7);
        let got: Vec<u128> = Run::open(&out).unwrap().keys().map(|k| k.0).collect();
        assert_eq!(got, [1, 2, 3, 4, 7, 8, u128::MAX]);
    }

    #[test]
    fn a_truncated_run_is_an_error_not_a_silent_miss() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.keys");
        write_run(&p, &keys(&[1, 2, 3])).unwrap();
        let len = std::fs::metadata(&p).unwrap().len();
        let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
        f.set_len(len - 8).unwrap();
        let err = Run::open(&p).err().expect("a truncated run is refused");
        assert!(err.to_string().contains("ends early"), "{err}");
    }
}
