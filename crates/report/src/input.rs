//! What the report is built from: the analyses' results, gathered by
//! [`crate::gather`] from a store (or made by hand in tests).

use chrono::NaiveDate;
use levain_analytics::cadence::Cadence;
use levain_analytics::cohorts::Cohorts;
use levain_analytics::engagement::Engagement;
use levain_analytics::project::Projection;
use levain_analytics::roi::Roi;

/// Followers at the end of a month, by how they were acquired.
#[derive(Debug, Clone, PartialEq)]
pub struct AudienceMonth {
    /// The month's last day.
    pub month_end: NaiveDate,
    /// Following then, acquired inside a campaign window.
    pub paid: u64,
    /// Following then, acquired outside any campaign window.
    pub organic: u64,
}

/// An account that spreads our posts (`levain amplifiers`), best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Amplifier {
    pub name: String,
    /// The ranking's score (personalised PageRank × what reshares bring).
    pub score: f64,
    /// Reshares and quotes of our posts.
    pub reshares: u64,
    /// Engagement that came through those reshares.
    pub engagement_via: u64,
    /// Flagged or marked fake by the fraud review, hence demoted.
    pub flagged: bool,
}

/// A topic discussed in a venue where we are little present (`levain
/// venues`), best opportunity first.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueGap {
    pub topic: String,
    pub venue: String,
    /// authors × √growth × (1 − share of voice).
    pub opportunity: f64,
    /// Other people writing on the topic there.
    pub authors: u64,
    /// Our share of the posts on the topic there, 0–1.
    pub share_of_voice: f64,
}

/// Everything the report shows. Optional parts the report cannot compute
/// yet, or that need a command run first, say so in their section.
#[derive(Debug)]
pub struct ReportInput {
    /// First and last day covered (the filters, else the data).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub roi: Roi,
    /// `Err` holds why the projection could not be made.
    pub projection: Result<Projection, String>,
    pub engagement: Engagement,
    /// The same engagement without suspicious accounts, once `levain fraud` ran.
    pub engagement_without_suspicious: Option<Engagement>,
    /// Acquisition cohorts by source, 30-day periods.
    pub retention: Cohorts,
    pub audience: Vec<AudienceMonth>,
    pub cadence: Cadence,
    /// `Err` holds why the amplifiers could not be ranked.
    pub amplifiers: Result<Vec<Amplifier>, String>,
    /// `Err` holds why the venue gaps could not be computed.
    pub venue_gaps: Result<Vec<VenueGap>, String>,
}

impl From<levain_analytics::amplifiers::Amplifier> for Amplifier {
    fn from(a: levain_analytics::amplifiers::Amplifier) -> Amplifier {
        Amplifier {
            name: a.handle.unwrap_or(a.account),
            score: a.score,
            reshares: a.reshares,
            engagement_via: a.downstream,
            flagged: a.flagged,
        }
    }
}

impl From<levain_analytics::venues::Gap> for VenueGap {
    fn from(g: levain_analytics::venues::Gap) -> VenueGap {
        VenueGap {
            topic: g.topic,
            venue: g.venue,
            opportunity: g.opportunity,
            authors: g.authors,
            share_of_voice: g.share_of_voice,
        }
    }
}
