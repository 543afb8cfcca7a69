//! One reply read once: its tokens, its language, what each token means to
//! the lexicon, its clauses and sentences. Sentiment and question detection
//! both start from here.

use std::ops::Range;

use crate::Lang;
use crate::lang;
use crate::lexicon::{Info, Lexicon, Lexicons, role};
use crate::token::{Kind, Tokens};

/// The organisation's own names, so that "L'Atelier du Rayon est nul" or
/// "@atelierdurayon" count as speaking about us.
#[derive(Clone, Debug, Default)]
pub(crate) struct OwnNames {
    /// Folded words of each name, without a leading article.
    seqs: Vec<Box<[Box<str>]>>,
    /// Each name's letters and digits run together, for handles and hashtags.
    joined: Vec<Box<str>>,
}

const ARTICLES: &[&str] = &["l", "le", "la", "les", "the"];

impl OwnNames {
    pub fn new(names: &[&str], lex: &Lexicons) -> OwnNames {
        let mut own = OwnNames::default();
        for name in names {
            let toks = Tokens::new(name.trim_start_matches('@'), lex);
            let mut words: Vec<Box<str>> = (0..toks.toks.len())
                .filter(|&i| matches!(toks.toks[i].kind, Kind::Word | Kind::Number | Kind::Mention))
                .map(|i| toks.norm(i).into())
                .collect();
            if words.len() > 1 && ARTICLES.contains(&&*words[0]) {
                words.remove(0);
            }
            let joined: String = words
                .iter()
                .flat_map(|w| w.chars())
                .filter(|c| c.is_alphanumeric())
                .collect();
            if joined.chars().count() >= 3 {
                own.joined.push(joined.into());
            }
            if !words.is_empty() {
                own.seqs.push(words.into());
            }
        }
        own
    }

    /// How many tokens from `at` spell one of our names.
    fn match_at(&self, toks: &Tokens, at: usize) -> Option<usize> {
        self.seqs.iter().find_map(|seq| {
            let fits = seq.iter().enumerate().all(|(k, w)| {
                let j = at + k;
                j < toks.toks.len() && toks.toks[j].is_word() && toks.norm(j) == &**w
            });
            fits.then_some(seq.len())
        })
    }

    /// A handle or hashtag that is one of our names ("atelierdurayon",
    /// "atelier-du-rayon.bsky.social").
    fn is_handle(&self, norm: &str) -> bool {
        if self.joined.is_empty() {
            return false;
        }
        let mut parts = norm.split('.');
        let local = parts.next().unwrap_or("");
        [norm, local].iter().any(|candidate| {
            let squeezed: String = candidate.chars().filter(|c| c.is_alphanumeric()).collect();
            self.joined.iter().any(|j| **j == *squeezed)
        })
    }
}

pub(crate) struct Sentence {
    pub toks: Range<usize>,
    /// The word tokens, in order: patterns are matched on their forms.
    pub words: Vec<usize>,
    /// Positions in `words` where clauses begin, after greetings and fillers.
    pub clause_starts: Vec<usize>,
    /// Position in `words` where the sentence begins after greetings and fillers.
    pub start: usize,
    pub has_qmark: bool,
}

pub(crate) struct Analysis<'t> {
    pub toks: Tokens<'t>,
    pub lang: Lang,
    pub lex: &'static Lexicon,
    /// What each token means; a phrase's meaning sits on its first token.
    pub info: Vec<Info>,
    /// The later words of a phrase (their meaning is on the first word).
    pub covered: Vec<bool>,
    /// A phrase with a negator inside it ("ne valait pas le déplacement").
    pub negated_inside: Vec<bool>,
    /// Clause of each token: clauses end at punctuation and start at
    /// "mais"/"but" and at "même si"/"although".
    pub clause: Vec<u32>,
    pub sentences: Vec<Sentence>,
    /// Sentence of each token (`usize::MAX` for stray punctuation).
    pub sentence_of: Vec<usize>,
}

impl<'t> Analysis<'t> {
    pub fn new(
        text: &'t str,
        hint: Option<&str>,
        lexicons: &'static Lexicons,
        own: &OwnNames,
    ) -> Analysis<'t> {
        let toks = Tokens::new(text, lexicons);
        let lang = lang::detect(&toks, hint.and_then(Lang::from_tag), lexicons);
        let lex = lexicons.get(lang);
        let n = toks.toks.len();
        let mut a = Analysis {
            toks,
            lang,
            lex,
            info: vec![Info::default(); n],
            covered: vec![false; n],
            negated_inside: vec![false; n],
            clause: vec![0; n],
            sentences: Vec::new(),
            sentence_of: vec![usize::MAX; n],
        };
        a.annotate(lexicons, own);
        a.split_clauses();
        a.resolve_double_roles();
        a.build_sentences();
        a
    }

    fn annotate(&mut self, lexicons: &Lexicons, own: &OwnNames) {
        let mut scratch = String::new();
        let mut i = 0;
        while i < self.toks.toks.len() {
            let kind = self.toks.toks[i].kind;
            let mut len = 1;
            match kind {
                Kind::Word | Kind::Number => {
                    if let Some(l) = own.match_at(&self.toks, i) {
                        self.info[i].roles |= role::US;
                        len = l;
                    } else if let Some(m) = self.lex.phrase_at(&self.toks, i) {
                        self.info[i] = m.info;
                        self.negated_inside[i] = m.negated;
                        len = m.len;
                    } else {
                        let norm = self.toks.norm(i);
                        if let Some(info) = self.lex.word(norm, &mut scratch) {
                            self.info[i] = info;
                        }
                        if own.is_handle(norm) {
                            self.info[i].roles |= role::US;
                        }
                    }
                }
                Kind::Mention if own.is_handle(self.toks.norm(i)) => self.info[i].roles |= role::US,
                Kind::Emoji | Kind::Emoticon => {
                    if let Some(info) = lexicons.marks.get(self.toks.norm(i)) {
                        self.info[i] = *info;
                    }
                }
                _ => {}
            }
            for j in i + 1..i + len {
                self.covered[j] = true;
            }
            i += len;
        }
    }

    fn split_clauses(&mut self) {
        let mut c = 0;
        for i in 0..self.toks.toks.len() {
            let starts = !self.covered[i] && self.info[i].has(role::CONTRAST | role::CONCESSIVE);
            if starts && i > 0 && self.toks.toks[i - 1].kind != Kind::Punct {
                c += 1;
            }
            self.clause[i] = c;
            if self.toks.toks[i].kind == Kind::Punct {
                c += 1;
            }
        }
    }

    /// "super", "trop", "grave", "pretty" boost the word after them when it
    /// carries a valence ("super kind"), and are words of their own otherwise
    /// ("c'est super").
    fn resolve_double_roles(&mut self) {
        for i in 0..self.toks.toks.len() {
            let info = self.info[i];
            if self.covered[i] || info.boost == 0.0 || !info.has(role::VALENCE) {
                continue;
            }
            let boosts_next = self
                .next_in_clause(i, 2)
                .any(|j| self.info[j].has(role::VALENCE) && self.info[j].boost == 0.0);
            if boosts_next {
                self.info[i].valence = 0.0;
                self.info[i].negated = None;
                self.info[i].roles &= !role::VALENCE;
            } else {
                self.info[i].boost = 0.0;
            }
        }
    }

    fn build_sentences(&mut self) {
        let ranges = self.toks.sentences.clone();
        for (k, r) in ranges.into_iter().enumerate() {
            for i in r.clone() {
                self.sentence_of[i] = k;
            }
            let words: Vec<usize> = r.clone().filter(|&i| self.toks.toks[i].is_word()).collect();
            let skip_fillers = |mut w: usize| {
                while w < words.len()
                    && (self.covered[words[w]] || self.info[words[w]].has(role::FILLER))
                    && w + 1 < words.len()
                {
                    w += 1;
                }
                w
            };
            let start = skip_fillers(0);
            let mut clause_starts = Vec::new();
            for w in 0..words.len() {
                if w == 0 || self.clause[words[w]] != self.clause[words[w - 1]] {
                    let s = skip_fillers(w);
                    if !clause_starts.contains(&s) {
                        clause_starts.push(s);
                    }
                }
            }
            let has_qmark = r.clone().any(|i| self.toks.is_punct(i, '?'));
            self.sentences.push(Sentence {
                toks: r,
                words,
                clause_starts,
                start,
                has_qmark,
            });
        }
    }

    /// Up to `max` tokens after `i` in its clause, skipping a phrase's
    /// later words.
    pub fn next_in_clause(&self, i: usize, max: usize) -> impl Iterator<Item = usize> + '_ {
        let c = self.clause[i];
        (i + 1..self.toks.toks.len())
            .take_while(move |&j| self.clause[j] == c)
            .filter(|&j| !self.covered[j] && self.toks.toks[j].kind != Kind::Punct)
            .take(max)
    }

    /// Up to `max` tokens before `i` in its clause, nearest first.
    pub fn prev_in_clause(&self, i: usize, max: usize) -> impl Iterator<Item = usize> + '_ {
        let c = self.clause[i];
        (0..i)
            .rev()
            .take_while(move |&j| self.clause[j] == c)
            .filter(|&j| !self.covered[j] && self.toks.toks[j].kind != Kind::Punct)
            .take(max)
    }

    /// The tokens of the clause holding `i`.
    pub fn clause_range(&self, i: usize) -> Range<usize> {
        let c = self.clause[i];
        let start = (0..i)
            .rev()
            .take_while(|&j| self.clause[j] == c)
            .last()
            .unwrap_or(i);
        let end = (i..self.toks.toks.len())
            .take_while(|&j| self.clause[j] == c)
            .last()
            .unwrap_or(i);
        start..end + 1
    }

    /// Whether a token (not a phrase's later word) in `range` has `role`.
    pub fn any_role(&self, range: Range<usize>, role: u32) -> bool {
        range
            .into_iter()
            .any(|i| !self.covered[i] && self.info[i].has(role))
    }

    pub fn word_forms<'a>(&'a self, s: &Sentence) -> Vec<&'a str> {
        s.words.iter().map(|&i| self.toks.norm(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::shared;

    #[test]
    fn own_names_match_words_handles_and_hashtags() {
        let lex = shared();
        let own = OwnNames::new(&["L'Atelier du Rayon", "@atelierdurayon", "Vélocoop"], lex);
        for text in [
            "L'Atelier du Rayon est nul",
            "atelier du rayon, franchement",
            "@atelierdurayon bof",
            "@atelier-du-rayon.bsky.social bof",
            "#velocoop bof",
        ] {
            let a = Analysis::new(text, Some("fr"), lex, &own);
            assert!(a.any_role(0..a.toks.toks.len(), role::US), "{text}");
        }
        let a = Analysis::new("l'atelier d'en face est nul", Some("fr"), lex, &own);
        assert!(!a.any_role(0..a.toks.toks.len(), role::US));
    }

    #[test]
    fn phrases_cover_their_words_and_clauses_split_at_contrast() {
        let lex = shared();
        let a = Analysis::new(
            "Rien à redire mais les prix, bof",
            Some("fr"),
            lex,
            &OwnNames::default(),
        );
        assert!(a.info[0].valence > 0.0);
        assert!(a.covered[1] && a.covered[2]);
        let mais = (0..a.toks.toks.len())
            .find(|&i| a.toks.norm(i) == "mais")
            .unwrap();
        assert_ne!(a.clause[mais - 1], a.clause[mais]);
        assert_eq!(a.clause[mais], a.clause[mais + 1]);
    }

    #[test]
    fn boosters_that_are_also_words_pick_one_role() {
        let lex = shared();
        let a = Analysis::new("super gentil", Some("fr"), lex, &OwnNames::default());
        assert!(a.info[0].boost > 0.0 && !a.info[0].has(role::VALENCE));
        let a = Analysis::new("c'est super", Some("fr"), lex, &OwnNames::default());
        assert!(a.info[2].has(role::VALENCE) && a.info[2].boost == 0.0);
    }
}
