//! levain's generator: a three-year community with known ground truth.
//!
//! [`generate`] simulates, day by day, a bike workshop's community on
//! Bluesky and writes it in the platforms' real formats, plus `truth.json`,
//! the ground truth every quality benchmark scores against:
//!
//! - own accounts (a French brand, an English brand, the manager's personal
//!   account) posting on four topics, with a flood period of over-posting;
//! - organic followers arriving at a growing rate, with heavy-tailed
//!   engagement and activity that decays; an engaged core; one-time likers;
//!   followers who were there before the data starts;
//! - paid campaigns whose follower bursts engage little and churn;
//! - topical amplifiers whose reshares bring likes from their own audience
//!   (with `via` pointing at the reshare);
//! - the manager's friends, mutual follows of the personal account;
//! - planted fake engagement: a lockstep like farm with camouflage, a
//!   bought-follower burst, an engagement pod, a follow-back ring and bots
//!   with machine-regular cadence.
//!
//! The workshop's blog is written as a WordPress export and its RSS feed,
//! with labelled reader comments, answers, pingbacks and spam ([`TruthBlog`]).
//!
//! Subreddits discuss the topics too (`reddit-venues.ndjson`, a Pushshift
//! dump), some growing without us: the venue gaps ([`TruthVenues`]).
//! Some core members also comment on the blog, with the traces real people
//! leave across channels (or only their name), beside look-alike decoys
//! ([`TruthIdentity`]).
//!
//! Conversions (`conversions.csv`) come from tagged links in own posts, from
//! campaigns, and directly, with no attribution.
//!
//! Output is deterministic for a seed (same seed, same bytes), streamed in
//! time order through a heap of scheduled events, in memory proportional to
//! the population, not to the number of events.

pub mod archives;
mod blog;
mod car;
mod discourse;
pub mod exports;
mod generic;
mod identity;
mod ids;
mod jetstream;
mod mastodon_api;
mod reddit;
mod sim;
pub mod text;
mod truth;
mod venues;

pub use blog::TruthBlog;
pub use identity::{TruthIdentity, TruthPerson};
pub use ids::{cid, did, tid};
pub use sim::{Config, Scale};
pub use truth::{Counts, Truth, TruthCampaign, TruthConversion, TruthGroup};
pub use venues::{OWN_REDDIT, TruthVenue, TruthVenues};

use std::path::{Path, PathBuf};

/// What [`generate`] wrote.
#[derive(Debug, Clone)]
pub struct Output {
    pub jetstream: PathBuf,
    pub campaigns: PathBuf,
    pub truth: PathBuf,
    pub events: u64,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("unknown scale `{0}`: use small, medium, large or a number of events such as 5000000")]
    Scale(String),
}

/// File names inside the output directory.
pub const JETSTREAM_FILE: &str = "bluesky-jetstream.ndjson";
pub const CAMPAIGNS_FILE: &str = "campaigns.csv";
pub const CONVERSIONS_FILE: &str = "conversions.csv";
pub const TRUTH_FILE: &str = "truth.json";
/// The blog, as WordPress exports it (Tools → Export) and as its RSS feed.
pub const BLOG_EXPORT_FILE: &str = "blog-wordpress-export.xml";
pub const BLOG_FEED_FILE: &str = "blog-feed.xml";
/// Subreddits on the topics, as a Pushshift/Arctic Shift dump.
pub const REDDIT_FILE: &str = "reddit-venues.ndjson";

/// Generates the community into `out` (created if needed).
pub fn generate(out: &Path, config: &Config) -> Result<Output, SynthError> {
    generate_with_progress(out, config, &mut |_| {})
}

/// Like [`generate`], calling `progress(fraction_done)` once per simulated day.
pub fn generate_with_progress(
    out: &Path,
    config: &Config,
    progress: &mut dyn FnMut(f64),
) -> Result<Output, SynthError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| SynthError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let jetstream = out.join(JETSTREAM_FILE);
    let campaigns = out.join(CAMPAIGNS_FILE);
    let truth_path = out.join(TRUTH_FILE);
    let file = std::fs::File::create(&jetstream).map_err(io(&jetstream))?;
    let writer = jetstream::EventWriter::new(file, config.seed);
    let (mut truth, writer, personas) =
        sim::run(config, writer, progress).map_err(io(&jetstream))?;
    // At most a quarter of the blog's usual readers are planted persons.
    let max_planted = ((15.0 * config.scale.factor()).round() as usize).max(4);
    let planted = identity::planted_readers(config.seed, &personas, max_planted);
    let (wxr, feed, blog, commented) = blog::generate(
        config.seed,
        sim::START,
        sim::simulated_days(config),
        config.scale.factor(),
        &planted,
    );
    truth.identity = Some(identity::truth(
        &personas,
        &planted,
        &commented,
        (truth.own[0].account.as_str(), blog.account.as_str()),
    ));
    let export = out.join(BLOG_EXPORT_FILE);
    std::fs::write(&export, wxr).map_err(io(&export))?;
    let feed_path = out.join(BLOG_FEED_FILE);
    std::fs::write(&feed_path, feed).map_err(io(&feed_path))?;
    truth.blog = Some(blog);
    let (dump, venues) = venues::generate(
        config.seed,
        sim::START,
        sim::simulated_days(config),
        config.scale.factor(),
    );
    let reddit = out.join(REDDIT_FILE);
    std::fs::write(&reddit, dump).map_err(io(&reddit))?;
    truth.venues = Some(venues);
    let bytes = writer.finish().map_err(io(&jetstream))?;
    std::fs::write(&campaigns, truth.campaigns_csv()).map_err(io(&campaigns))?;
    let conversions = out.join(CONVERSIONS_FILE);
    std::fs::write(&conversions, truth.conversions_csv()).map_err(io(&conversions))?;
    let json = serde_json::to_vec_pretty(&truth).expect("truth serializes");
    std::fs::write(&truth_path, json).map_err(io(&truth_path))?;
    Ok(Output {
        jetstream,
        campaigns,
        truth: truth_path,
        events: truth.counts.events,
        bytes,
    })
}
