//! What a detector reports: accounts flagged with a pattern, a strength and
//! a reason, and the groups they were found in.

use serde::Serialize;

/// The fraud patterns, in the words of the JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    LikeFarm,
    DenseBlock,
    BoughtFollowers,
    Pod,
    FollowRing,
    Bot,
}

impl Pattern {
    pub const ALL: [Pattern; 6] = [
        Pattern::LikeFarm,
        Pattern::DenseBlock,
        Pattern::BoughtFollowers,
        Pattern::Pod,
        Pattern::FollowRing,
        Pattern::Bot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Pattern::LikeFarm => "like_farm",
            Pattern::DenseBlock => "dense_block",
            Pattern::BoughtFollowers => "bought_followers",
            Pattern::Pod => "pod",
            Pattern::FollowRing => "follow_ring",
            Pattern::Bot => "bot",
        }
    }
}

/// One account caught by one detector.
#[derive(Clone, Debug)]
pub struct Flag {
    pub account: u32,
    pub pattern: Pattern,
    /// How sure the detector is, in [0, 1].
    pub strength: f64,
    /// A sentence a community manager can check.
    pub reason: String,
}

/// What the accounts were caught doing together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Post(u32),
    Account(u32),
}

#[derive(Clone, Debug)]
pub struct Group {
    pub pattern: Pattern,
    pub accounts: Vec<u32>,
    pub targets: Vec<Target>,
    /// Time span of the group's activity (µs).
    pub from: i64,
    pub to: i64,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Findings {
    pub flags: Vec<Flag>,
    pub groups: Vec<Group>,
}

impl Findings {
    pub fn extend(&mut self, other: Findings) {
        self.flags.extend(other.flags);
        self.groups.extend(other.groups);
    }
}
