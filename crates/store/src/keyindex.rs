//! The key index: sorted runs of 128-bit natural keys, one file per run.
//!
//! A run file is `LVKEYS01`, a little-endian u64 count, then that many
//! strictly increasing little-endian u128 keys. Looking up a batch of keys
//! sorts the batch and streams each run once beside it (a merge join), so
//! memory stays at one read buffer however large the store grows; `compact`
//! merges runs so their number stays small.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
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

/// Reads a run sequentially.
pub(crate) struct RunReader {
    r: BufReader<File>,
    left: u64,
    path: std::path::PathBuf,
}

impl RunReader {
    pub(crate) fn open(path: &Path) -> Result<RunReader> {
        let f = io(path, File::open(path))?;
        let mut r = BufReader::with_capacity(BUF, f);
        let mut head = [0u8; 16];
        io(path, r.read_exact(&mut head))?;
        if &head[..8] != MAGIC {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                message: "not a key run (bad magic)".into(),
            });
        }
        let left = u64::from_le_bytes(head[8..].try_into().unwrap());
        Ok(RunReader {
            r,
            left,
            path: path.to_owned(),
        })
    }

    pub(crate) fn next_key(&mut self) -> Result<Option<Key>> {
        if self.left == 0 {
            return Ok(None);
        }
        let mut b = [0u8; 16];
        self.r.read_exact(&mut b).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            message: format!("key run ends early: {e}"),
        })?;
        self.left -= 1;
        Ok(Some(Key(u128::from_le_bytes(b))))
    }
}

/// Sets `found[i]` for every `sorted[i]` present in the run at `path`.
/// `sorted` must be strictly increasing.
pub(crate) fn mark_present(path: &Path, sorted: &[Key], found: &mut [bool]) -> Result<()> {
    if sorted.is_empty() {
        return Ok(());
    }
    let mut run = RunReader::open(path)?;
    let mut i = 0;
    while let Some(k) = run.next_key()? {
        while i < sorted.len() && sorted[i] < k {
            i += 1;
        }
        if i == sorted.len() {
            break;
        }
        if sorted[i] == k {
            found[i] = true;
            i += 1;
        }
    }
    Ok(())
}

/// Merges runs into one at `out` (keys are unique across runs by
/// construction; duplicates would be dropped anyway). Returns the key count.
pub(crate) fn merge_runs(inputs: &[&Path], out: &Path) -> Result<u64> {
    let mut readers = inputs
        .iter()
        .map(|p| RunReader::open(p))
        .collect::<Result<Vec<_>>>()?;
    let total: u64 = readers.iter().map(|r| r.left).sum();
    let mut heads = readers
        .iter_mut()
        .map(|r| r.next_key())
        .collect::<Result<Vec<_>>>()?;
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
        heads[idx] = readers[idx].next_key()?;
    }
    debug_assert!(written <= total);
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
        mark_present(&p, &probe, &mut found).unwrap();
        assert_eq!(found, [false, true, false, true, false]);
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
        let mut r = RunReader::open(&out).unwrap();
        let mut got = vec![];
        while let Some(k) = r.next_key().unwrap() {
            got.push(k.0);
        }
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
        let mut found = vec![false];
        let err = mark_present(&p, &keys(&[9]), &mut found).unwrap_err();
        assert!(err.to_string().contains("ends early"), "{err}");
    }
}
