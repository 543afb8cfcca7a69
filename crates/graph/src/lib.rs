//! Graph kernels for ranking, no I/O: compact CSR graphs on dense `u32`
//! ids ([`Graph`]), personalised PageRank by power iteration
//! ([`pagerank`]), and SALSA on a bipartite graph ([`salsa`]) as in
//! Twitter's "Who to Follow" (Gupta et al., WWW 2013).
//!
//! Scores are `f64` throughout: the PageRank benchmark checks agreement
//! with igraph (PRPACK) and networkx to 1e-6 per node, and `f32` sums over
//! millions of edges drift by more than that.

pub mod csr;
pub mod pagerank;
pub mod salsa;

pub use csr::{Graph, GraphBuilder};
pub use pagerank::{PageRank, PageRankOptions, pagerank};
pub use salsa::{Bipartite, Salsa, SalsaOptions, salsa};
