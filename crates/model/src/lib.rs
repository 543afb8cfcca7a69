//! levain's data model: one row = one fact.
//!
//! The model names the facts levain keeps and fixes how they look on disk:
//!
//! - [`Table`] lists the stored tables and gives each its Arrow [`Schema`](arrow::datatypes::Schema).
//! - [`InteractionKind`] is the closed vocabulary of interactions (like, reshare, reply, …).
//! - [`keys`] builds the canonical identifiers (`platform:native_id`) and the
//!   natural keys that make re-imports idempotent.
//! - [`rows`] has one columnar builder per table: importers push borrowed rows
//!   into them and get Arrow record batches back, with no per-row allocation.
//!
//! Every row carries its provenance (`import_id`, `source_file`, `source_pos`)
//! so any number levain prints can be traced back to the input record.

pub mod keys;
pub mod rows;
mod schema;

pub use datafusion::arrow;
pub use schema::Table;

use std::fmt;
use std::str::FromStr;

/// Channel names used in account keys and campaign files.
pub mod channel {
    pub const BLUESKY: &str = "bluesky";
    pub const MASTODON: &str = "mastodon";
    pub const X: &str = "x";
    pub const REDDIT: &str = "reddit";
    pub const DISCOURSE: &str = "discourse";
    pub const FACEBOOK: &str = "facebook";
    pub const INSTAGRAM: &str = "instagram";
    pub const BLOG: &str = "blog";
    /// The channels levain knows; generic CSV imports may use other names.
    pub const KNOWN: &[&str] = &[
        BLUESKY, MASTODON, X, REDDIT, DISCOURSE, FACEBOOK, INSTAGRAM, BLOG,
    ];
}

/// What an interaction is. Deletions are not a kind: they end a row (see
/// [`Table::Deletions`]), except a deleted follow, which is an `Unfollow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InteractionKind {
    Like,
    Reshare,
    Reply,
    Quote,
    Mention,
    Follow,
    Unfollow,
    View,
}

impl InteractionKind {
    pub const ALL: [InteractionKind; 8] = [
        Self::Like,
        Self::Reshare,
        Self::Reply,
        Self::Quote,
        Self::Mention,
        Self::Follow,
        Self::Unfollow,
        Self::View,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Like => "like",
            Self::Reshare => "reshare",
            Self::Reply => "reply",
            Self::Quote => "quote",
            Self::Mention => "mention",
            Self::Follow => "follow",
            Self::Unfollow => "unfollow",
            Self::View => "view",
        }
    }
}

impl fmt::Display for InteractionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unknown interaction kind `{0}` (expected one of like, reshare, reply, quote, mention, follow, unfollow, view)"
)]
pub struct UnknownKind(pub String);

impl FromStr for InteractionKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// Microseconds since the Unix epoch, UTC: the one time unit of the store.
pub type Micros = i64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in InteractionKind::ALL {
            assert_eq!(kind.as_str().parse::<InteractionKind>().unwrap(), kind);
        }
        let err = "retweet".parse::<InteractionKind>().unwrap_err();
        assert!(err.to_string().contains("retweet"));
    }
}
