//! Bipartite actor × target graphs in CSR form, both directions.
//!
//! Ids are dense `u32` (actors `0..n_rows`, targets `0..n_cols`); duplicate
//! edges collapse to one. Memory is 8 bytes per edge (a `u32` in each
//! direction) plus one `u64` offset per node and side.

use rayon::prelude::*;

/// A binary bipartite graph between actors (rows) and targets (columns),
/// stored as two CSR adjacency arrays so both sides can be walked.
#[derive(Clone, Debug, Default)]
pub struct Bipartite {
    n_rows: u32,
    n_cols: u32,
    row_off: Vec<u64>,
    row_adj: Vec<u32>,
    col_off: Vec<u64>,
    col_adj: Vec<u32>,
}

/// Counting-sort CSR build: `keys[i]` is the node, `vals[i]` its neighbour.
/// Neighbour lists come out sorted if the input is sorted by `vals`.
fn csr(n: u32, pairs: impl Iterator<Item = (u32, u32)> + Clone, m: usize) -> (Vec<u64>, Vec<u32>) {
    let mut off = vec![0u64; n as usize + 1];
    for (k, _) in pairs.clone() {
        off[k as usize + 1] += 1;
    }
    for i in 0..n as usize {
        off[i + 1] += off[i];
    }
    let mut fill: Vec<u64> = off[..n as usize].to_vec();
    let mut adj = vec![0u32; m];
    for (k, v) in pairs {
        let f = &mut fill[k as usize];
        adj[*f as usize] = v;
        *f += 1;
    }
    (off, adj)
}

impl Bipartite {
    /// Builds the graph; edges may repeat and come in any order. Panics if an
    /// id is out of range.
    pub fn from_edges(n_rows: u32, n_cols: u32, edges: &[(u32, u32)]) -> Bipartite {
        let mut e: Vec<(u32, u32)> = edges.to_vec();
        if let Some(&(r, c)) = e.iter().find(|&&(r, c)| r >= n_rows || c >= n_cols) {
            panic!("edge ({r}, {c}) out of range {n_rows} x {n_cols}");
        }
        e.par_sort_unstable();
        e.dedup();
        Self::from_sorted_unique(n_rows, n_cols, e)
    }

    /// Builds from edges already sorted by (row, col) without duplicates
    /// (consumed, so the peak is the edge list plus the CSR arrays).
    pub fn from_sorted_unique(n_rows: u32, n_cols: u32, e: Vec<(u32, u32)>) -> Bipartite {
        let m = e.len();
        // Row side: sorted input, so each row's columns come out sorted.
        let (row_off, row_adj) = csr(n_rows, e.iter().map(|&(r, c)| (r, c)), m);
        drop(e);
        // Column side from the row CSR: rows visited in order, so each
        // column's rows come out sorted too.
        let mut col_off = vec![0u64; n_cols as usize + 1];
        for &c in &row_adj {
            col_off[c as usize + 1] += 1;
        }
        for i in 0..n_cols as usize {
            col_off[i + 1] += col_off[i];
        }
        let mut fill: Vec<u64> = col_off[..n_cols as usize].to_vec();
        let mut col_adj = vec![0u32; m];
        for r in 0..n_rows as usize {
            for &c in &row_adj[row_off[r] as usize..row_off[r + 1] as usize] {
                let f = &mut fill[c as usize];
                col_adj[*f as usize] = r as u32;
                *f += 1;
            }
        }
        Bipartite {
            n_rows,
            n_cols,
            row_off,
            row_adj,
            col_off,
            col_adj,
        }
    }

    /// Number of actors (rows), including ones without edges.
    pub fn n_rows(&self) -> u32 {
        self.n_rows
    }

    /// Number of targets (columns), including ones without edges.
    pub fn n_cols(&self) -> u32 {
        self.n_cols
    }

    /// Number of distinct edges.
    pub fn n_edges(&self) -> usize {
        self.row_adj.len()
    }

    /// Targets of actor `r`, sorted ascending.
    pub fn row(&self, r: u32) -> &[u32] {
        let r = r as usize;
        &self.row_adj[self.row_off[r] as usize..self.row_off[r + 1] as usize]
    }

    /// Actors of target `c`, sorted ascending.
    pub fn col(&self, c: u32) -> &[u32] {
        let c = c as usize;
        &self.col_adj[self.col_off[c] as usize..self.col_off[c + 1] as usize]
    }

    /// Degree of actor `r`.
    pub fn row_deg(&self, r: u32) -> u32 {
        (self.row_off[r as usize + 1] - self.row_off[r as usize]) as u32
    }

    /// Degree of target `c`.
    pub fn col_deg(&self, c: u32) -> u32 {
        (self.col_off[c as usize + 1] - self.col_off[c as usize]) as u32
    }

    /// All edges in (row, col) order.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        (0..self.n_rows).flat_map(move |r| self.row(r).iter().map(move |&c| (r, c)))
    }

    /// A copy without the edges inside `rows × cols` (both sorted or not);
    /// node ids and counts stay, so blocks found later can share nodes.
    pub fn without_block(&self, rows: &[u32], cols: &[u32]) -> Bipartite {
        let mut in_r = vec![false; self.n_rows as usize];
        let mut in_c = vec![false; self.n_cols as usize];
        rows.iter().for_each(|&r| in_r[r as usize] = true);
        cols.iter().for_each(|&c| in_c[c as usize] = true);
        let e: Vec<(u32, u32)> = self
            .edges()
            .filter(|&(r, c)| !(in_r[r as usize] && in_c[c as usize]))
            .collect();
        Bipartite::from_sorted_unique(self.n_rows, self.n_cols, e)
    }

    /// Bytes held by the CSR arrays (for the memory-per-edge figure).
    pub fn heap_bytes(&self) -> usize {
        8 * (self.row_off.len() + self.col_off.len())
            + 4 * (self.row_adj.len() + self.col_adj.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_both_directions_sorted_and_deduplicated() {
        let g = Bipartite::from_edges(3, 4, &[(2, 1), (0, 3), (0, 1), (2, 1), (1, 0), (0, 0)]);
        assert_eq!(g.n_rows(), 3);
        assert_eq!(g.n_cols(), 4);
        assert_eq!(g.n_edges(), 5);
        assert_eq!(g.row(0), &[0, 1, 3]);
        assert_eq!(g.row(1), &[0]);
        assert_eq!(g.row(2), &[1]);
        assert_eq!(g.col(0), &[0, 1]);
        assert_eq!(g.col(1), &[0, 2]);
        assert_eq!(g.col(2), &[] as &[u32]);
        assert_eq!(g.col(3), &[0]);
        assert_eq!(g.col_deg(1), 2);
        let h = g.without_block(&[0], &[0, 1]);
        assert_eq!(h.n_edges(), 3);
        assert_eq!(h.row(0), &[3]);
        assert_eq!(h.col(0), &[1]);
    }

    #[test]
    #[should_panic]
    fn out_of_range_panics() {
        Bipartite::from_edges(2, 2, &[(2, 0)]);
    }
}
