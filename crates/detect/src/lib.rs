//! levain's fake-engagement detectors.
//!
//! Pure algorithms over integer ids: nothing here reads the store. The
//! analytics crate turns a store snapshot into an [`activity::Activity`],
//! [`combine::detect`] runs every detector and turns their flags into
//! one score and verdict per account, with reasons.
//!
//! - [`lockstep`]: like farms (CopyCatch / SynchroTrap).
//! - [`bursts`]: bought followers (follow bursts of fresh, silent accounts).
//! - [`pods`]: engagement pods (reciprocal, fast engagement).
//! - [`rings`]: follow-back rings (mutual follows and follow churn).
//! - [`bots`]: machine cadence, round-the-clock activity, duplicate texts.
//! - [`dense`]: dense blocks of accounts × posts, explained.
//! - [`graph`]: bipartite actor × target graphs in CSR form.
//! - [`fraudar`]: camouflage-resistant dense blocks by greedy peeling.
//! - [`dcube`]: dense sub-tensors over (actor, target, time[, kind]).
//! - [`inject`]: the FRAUDAR injection protocol on a Chung–Lu background, for benchmarks.

pub mod activity;
pub mod bench;
pub mod bots;
pub mod bursts;
pub mod combine;
mod components;
pub mod dcube;
pub mod dense;
pub mod finding;
pub mod fraudar;
pub mod graph;
pub mod inject;
pub mod lockstep;
pub mod pods;
pub mod rings;
pub mod stats;

pub use combine::{DetectConfig, Detection, Verdict, detect};
