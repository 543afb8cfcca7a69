//! The user's settings (`levain config set KEY VALUE`): which keys exist,
//! their defaults and checks, and the typed values analyses read.
//!
//! Values are kept as text in the store's manifest; this table is the one
//! place that says what they mean, so a typo is refused at `config set`
//! rather than silently ignored by an analysis.

use std::collections::BTreeMap;

use levain_model::InteractionKind;
use serde::Serialize;

/// One setting levain knows.
pub struct Setting {
    pub key: &'static str,
    pub default: f64,
    pub help: &'static str,
}

/// Every setting, in the order `levain config list` shows them.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "weights.like",
        default: 1.0,
        help: "weight of a like in quality-weighted engagement (one tap)",
    },
    Setting {
        key: "weights.reshare",
        default: 2.0,
        help: "weight of a reshare: it puts the post in front of the resharer's audience",
    },
    Setting {
        key: "weights.quote",
        default: 3.0,
        help: "weight of a quote: a reshare with the quoter's own words",
    },
    Setting {
        key: "weights.reply",
        default: 4.0,
        help: "weight of a reply: a conversation with you",
    },
    Setting {
        key: "hourly_cost",
        default: 0.0,
        help: "what an hour of community work costs (campaign currency), to cost organic work in `levain roi`",
    },
    Setting {
        key: "hours_per_week",
        default: 0.0,
        help: "hours a week spent on organic community work, for `levain roi`",
    },
];

#[derive(Debug, thiserror::Error)]
pub enum SettingError {
    #[error("unknown setting `{key}`; levain knows {known}")]
    Unknown { key: String, known: String },
    #[error("`{key}` must be a number ≥ 0, not `{value}`")]
    NotANumber { key: String, value: String },
}

pub fn find(key: &str) -> Result<&'static Setting, SettingError> {
    SETTINGS
        .iter()
        .find(|s| s.key == key)
        .ok_or_else(|| SettingError::Unknown {
            key: key.to_owned(),
            known: SETTINGS
                .iter()
                .map(|s| s.key)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Checks a value for `key` and returns it in the form it is stored.
pub fn validate(key: &str, value: &str) -> Result<String, SettingError> {
    find(key)?;
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v.to_string()),
        _ => Err(SettingError::NotANumber {
            key: key.to_owned(),
            value: value.to_owned(),
        }),
    }
}

/// The value of `key` in `stored`, or its default.
pub fn number(stored: &BTreeMap<String, String>, key: &str) -> f64 {
    let default = find(key).map_or(0.0, |s| s.default);
    stored
        .get(key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Quality weights of the engagement kinds: a reply is worth more than a
/// like. Shown beside the raw counts, never instead of them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Weights {
    pub like: f64,
    pub reshare: f64,
    pub quote: f64,
    pub reply: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights::from_settings(&BTreeMap::new())
    }
}

impl Weights {
    pub fn from_settings(stored: &BTreeMap<String, String>) -> Weights {
        Weights {
            like: number(stored, "weights.like"),
            reshare: number(stored, "weights.reshare"),
            quote: number(stored, "weights.quote"),
            reply: number(stored, "weights.reply"),
        }
    }

    pub fn of(&self, kind: InteractionKind) -> f64 {
        match kind {
            InteractionKind::Like => self.like,
            InteractionKind::Reshare => self.reshare,
            InteractionKind::Quote => self.quote,
            InteractionKind::Reply => self.reply,
            _ => 0.0,
        }
    }

    /// `likes·w + reshares·w + replies·w + quotes·w`.
    pub fn score(&self, likes: u64, reshares: u64, replies: u64, quotes: u64) -> f64 {
        likes as f64 * self.like
            + reshares as f64 * self.reshare
            + replies as f64 * self.reply
            + quotes as f64 * self.quote
    }

    /// A SQL expression giving the weight of the interaction kind in `column`.
    pub fn sql(&self, column: &str) -> String {
        format!(
            "CASE {column} WHEN 'like' THEN {:?} WHEN 'reshare' THEN {:?} WHEN 'quote' THEN {:?} WHEN 'reply' THEN {:?} ELSE 0.0 END",
            self.like, self.reshare, self.quote, self.reply
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_rank_reply_over_quote_over_reshare_over_like() {
        let w = Weights::default();
        assert!(w.reply > w.quote && w.quote > w.reshare && w.reshare > w.like);
        assert_eq!(w.score(1, 1, 1, 1), 10.0);
    }

    #[test]
    fn settings_are_checked_and_override_defaults() {
        assert!(matches!(
            validate("weights.replies", "5"),
            Err(SettingError::Unknown { .. })
        ));
        assert!(matches!(
            validate("weights.reply", "-1"),
            Err(SettingError::NotANumber { .. })
        ));
        let mut stored = BTreeMap::new();
        stored.insert(
            "weights.reply".to_owned(),
            validate("weights.reply", " 5 ").unwrap(),
        );
        let w = Weights::from_settings(&stored);
        assert_eq!(w.reply, 5.0);
        assert_eq!(w.like, 1.0);
        assert_eq!(
            w.sql("k"),
            "CASE k WHEN 'like' THEN 1.0 WHEN 'reshare' THEN 2.0 WHEN 'quote' THEN 3.0 WHEN 'reply' THEN 5.0 ELSE 0.0 END"
        );
    }
}
