//! levain's reading of replies: French/English sentiment, critique and
//! question detection for the short texts people write under an
//! organisation's posts.
//!
//! Everything is a lexicon and a few rules, no model: the lists are
//! hand-written data in `data/lexicon/` (see each file's header for where
//! its choices come from), parsed once per process. An [`Analyzer`] is
//! `Send + Sync` and allocation-light, so one can serve every rayon thread
//! of an import of millions of replies.
//!
//! - [`Analyzer::sentiment`]: positive / neutral / negative, with a score,
//!   whether it is a critique of us, and the sentence that says so.
//! - [`Analyzer::is_question`]: whether the reply asks us something real.
//! - [`detect_lang`]: French or English, for short texts.
//! - [`Terms`]: hashtags, keywords (stems without stop words) and linked
//!   sites of a post, which topics are made of.
//! - [`eval`]: the labelled dev and test sets and the figures we publish.
//!
//! How sentiment is decided is described in `sentiment.rs`; questions in
//! `question.rs`.

mod analysis;
pub mod eval;
mod lang;
mod lexicon;
mod question;
mod sentiment;
mod terms;
mod token;

pub use lang::{Lang, detect_lang};
pub use lexicon::LexiconError;
pub use sentiment::{Polarity, Sentiment};
pub use terms::{Term, Terms};

use analysis::{Analysis, OwnNames};
use lexicon::Lexicons;

/// Reads replies. Build once (with the organisation's own names) and share.
#[derive(Clone, Debug)]
pub struct Analyzer {
    lex: &'static Lexicons,
    own: OwnNames,
}

/// Both readings of one reply, from one pass over it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Reading {
    pub sentiment: Sentiment,
    pub question: bool,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    pub fn new() -> Analyzer {
        Analyzer::with_own_names(&[])
    }

    /// Our own names (brand names, handles without @, display names) so
    /// "L'Atelier du Rayon est nul" counts as aimed at us.
    pub fn with_own_names(names: &[&str]) -> Analyzer {
        let lex = lexicon::shared();
        Analyzer {
            lex,
            own: OwnNames::new(names, lex),
        }
    }

    pub fn sentiment(&self, text: &str, lang_hint: Option<&str>) -> Sentiment {
        self.read(text, lang_hint).sentiment
    }

    /// Whether the text asks a real question (addressed to whoever it
    /// replies to), in fr or en. Rhetorical questions are false.
    pub fn is_question(&self, text: &str, lang_hint: Option<&str>) -> bool {
        let a = Analysis::new(text, lang_hint, self.lex, &self.own);
        a.sentences.iter().any(|s| question::classify(&a, s).asks)
    }

    /// Sentiment and question at once, reading the text once.
    pub fn read(&self, text: &str, lang_hint: Option<&str>) -> Reading {
        let a = Analysis::new(text, lang_hint, self.lex, &self.own);
        let questions: Vec<_> = a
            .sentences
            .iter()
            .map(|s| question::classify(&a, s))
            .collect();
        Reading {
            question: questions.iter().any(|q| q.asks),
            sentiment: sentiment::score(&a, &questions),
        }
    }
}

impl std::fmt::Debug for Lexicons {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lexicons")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyzer_is_send_and_sync() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Analyzer>();
    }
}
