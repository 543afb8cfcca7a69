//! levain's fake-engagement detectors.
//!
//! Pure algorithms over integer ids: nothing here reads the store. The
//! analytics crate turns a store snapshot into an [`activity::Activity`],
//! runs the detectors and keeps their verdicts.
//!
//! - [`graph`]: bipartite actor × target graphs in CSR form.
//! - [`fraudar`]: camouflage-resistant dense blocks by greedy peeling.
//! - [`dcube`]: dense sub-tensors over (actor, target, time[, kind]).
//! - [`inject`]: the FRAUDAR injection protocol on a Chung–Lu background, for benchmarks.

pub mod dcube;
pub mod fraudar;
pub mod graph;
pub mod inject;
