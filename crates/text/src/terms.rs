//! The terms a post is about, for topics: hashtags, keywords and the sites
//! it links to, in French and English.
//!
//! A term is a string of one of three shapes, so that kinds never collide:
//! - `#velotaf`: a hashtag, lower case without accents (`#Vélotaf` and
//!   `#velotaf` are one tag, as people type both);
//! - `site:example.org` and `site:example.org/blog`: a linked host (without
//!   `www.`), and the host with the link's first path segment;
//! - `repar`: a keyword, the Snowball stem (`rust-stemmers`) of a word that
//!   is not a stop word (the ISO lists of the `stop-words` crate), in the
//!   post's language (see [`crate::detect_lang`]), folded like hashtags.
//!
//! Words are cut by Unicode's rules (`unicode-segmentation`); French
//! elisions (`l'atelier`) keep the word after the apostrophe.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashSet;
use unicode_segmentation::UnicodeSegmentation;

use crate::lang::Lang;
use crate::token::fold_into;

/// Extracts terms. Build once ([`Terms::shared`]) and share between threads.
pub struct Terms {
    stop: FxHashSet<String>,
    fr: Stemmer,
    en: Stemmer,
}

/// A keyword with the word it came from, so topics can be shown in words
/// people wrote rather than in stems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub term: String,
    /// The word as written, lower case (`réparation` for the stem `repar`).
    pub surface: String,
}

/// Shortest keyword kept: two-letter words are mostly noise in both languages.
const MIN_WORD: usize = 3;

impl Terms {
    pub fn shared() -> &'static Terms {
        static TERMS: OnceLock<Terms> = OnceLock::new();
        TERMS.get_or_init(Terms::new)
    }

    fn new() -> Terms {
        let mut stop = FxHashSet::default();
        let mut folded = String::new();
        for lang in ["fr", "en"] {
            for w in stop_words::get(lang) {
                folded.clear();
                fold_into(w, &mut folded);
                stop.insert(folded.clone());
            }
        }
        Terms {
            stop,
            fr: Stemmer::create(Algorithm::French),
            en: Stemmer::create(Algorithm::English),
        }
    }

    /// Every term of a post, each once, in order of first appearance:
    /// its hashtags (the stored ones and any `#word` in the text), the sites
    /// it links to, and its keywords. `lang_hint` is the post's declared
    /// language; the text decides when it says otherwise.
    pub fn of_post(
        &self,
        text: Option<&str>,
        lang_hint: Option<&str>,
        hashtags: &[&str],
        links: &[&str],
    ) -> Vec<Term> {
        let mut out: Vec<Term> = Vec::new();
        let mut push = |t: Term| {
            if !out.iter().any(|o| o.term == t.term) {
                out.push(t);
            }
        };
        for h in hashtags {
            if let Some(t) = hashtag(h) {
                push(t);
            }
        }
        for l in links {
            for t in sites(l) {
                push(t);
            }
        }
        let Some(text) = text else { return out };
        let lang = crate::detect_lang(text, lang_hint);
        for piece in text.split_whitespace() {
            if piece.contains("://") || piece.starts_with("www.") || piece.starts_with('@') {
                if let Some(t) = (piece.contains("://") || piece.starts_with("www."))
                    .then(|| sites(piece))
                    .into_iter()
                    .flatten()
                    .next()
                {
                    push(t);
                }
                continue;
            }
            if let Some(tag) = piece.strip_prefix('#') {
                let tag: String = tag
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if let Some(t) = hashtag(&tag) {
                    push(t);
                }
                continue;
            }
            for word in piece.unicode_words() {
                // `l'atelier`, `d'auto` : the word is after the elision.
                let word = word.rsplit(['\'', '’']).next().unwrap_or(word);
                if let Some(t) = self.keyword(word, lang) {
                    push(t);
                }
            }
        }
        out
    }

    /// The keyword term of one word in `lang`, or `None` for a stop word,
    /// a number or a word too short to mean much.
    pub fn keyword(&self, word: &str, lang: Lang) -> Option<Term> {
        if word.chars().count() < MIN_WORD || !word.chars().any(char::is_alphabetic) {
            return None;
        }
        if word.chars().any(char::is_numeric) {
            return None;
        }
        let lower = word.to_lowercase();
        let mut folded = String::with_capacity(lower.len());
        fold_into(&lower, &mut folded);
        if self.stop.contains(&folded) {
            return None;
        }
        let stemmer = match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        };
        let mut term = String::new();
        fold_into(&stemmer.stem(&lower), &mut term);
        if term.chars().count() < MIN_WORD {
            return None;
        }
        Some(Term {
            term,
            surface: lower,
        })
    }

    /// The terms a user's word stands for (`levain topic add … --terms`):
    /// `#c` is a hashtag, a word with a dot a site, anything else a keyword,
    /// stemmed in both languages since the user does not say which.
    pub fn of_user_term(&self, input: &str) -> Vec<String> {
        let input = input.trim();
        if let Some(tag) = input.strip_prefix('#') {
            return hashtag(tag).map(|t| t.term).into_iter().collect();
        }
        if input.contains('.') && !input.contains(' ') {
            return sites(input).into_iter().take(1).map(|t| t.term).collect();
        }
        let mut out: Vec<String> = Vec::new();
        for lang in [Lang::Fr, Lang::En] {
            for word in input.unicode_words() {
                // A user's term is what they want, stop word or not.
                let lower = word.to_lowercase();
                let stemmer = match lang {
                    Lang::Fr => &self.fr,
                    Lang::En => &self.en,
                };
                let mut term = String::new();
                fold_into(&stemmer.stem(&lower), &mut term);
                if !term.is_empty() && !out.contains(&term) {
                    out.push(term);
                }
            }
        }
        out
    }
}

fn hashtag(tag: &str) -> Option<Term> {
    let tag = tag.trim().trim_start_matches('#');
    if tag.is_empty() {
        return None;
    }
    let lower = tag.to_lowercase();
    let mut term = String::from("#");
    fold_into(&lower, &mut term);
    Some(Term {
        term,
        surface: format!("#{lower}"),
    })
}

/// `site:host` and `site:host/first-segment` for a link.
fn sites(link: &str) -> Vec<Term> {
    let rest = link
        .split_once("://")
        .map_or(link, |(_, r)| r)
        .trim_end_matches(['.', ',', ';', ')', '!', '?']);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.split(['?', '#', ':']).next().unwrap_or(host);
    let host = host.trim_start_matches("www.").to_ascii_lowercase();
    if !host.contains('.') {
        return Vec::new();
    }
    let site = |s: String| Term {
        term: format!("site:{s}"),
        surface: s,
    };
    let mut out = vec![site(host.clone())];
    let first = path.split(['/', '?', '#']).next().unwrap_or("");
    if !first.is_empty() {
        out.push(site(format!("{host}/{}", first.to_lowercase())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, lang: Option<&str>, tags: &[&str], links: &[&str]) -> Vec<String> {
        Terms::shared()
            .of_post(Some(text), lang, tags, links)
            .into_iter()
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn hashtags_are_folded_and_stored_ones_come_first() {
        let t = terms(
            "Essai de vélos-cargos ce week-end #VéloCargo",
            Some("fr"),
            &["vélocargo"],
            &[],
        );
        assert_eq!(t[0], "#velocargo");
        assert_eq!(t.iter().filter(|x| x.starts_with('#')).count(), 1, "{t:?}");
    }

    #[test]
    fn french_and_english_inflections_share_a_stem_and_stop_words_go() {
        let fr = terms(
            "Nous réparons les vélos : la réparation d'un vélo",
            Some("fr"),
            &[],
            &[],
        );
        assert!(fr.contains(&"repar".to_owned()), "{fr:?}");
        assert_eq!(fr.iter().filter(|t| *t == "repar").count(), 1);
        assert!(!fr.iter().any(|t| t == "nous" || t == "les"), "{fr:?}");
        let en = terms(
            "Repairing bikes: we repaired the brakes",
            Some("en"),
            &[],
            &[],
        );
        assert!(en.contains(&"repair".to_owned()), "{en:?}");
        assert!(en.contains(&"brake".to_owned()), "{en:?}");
        assert!(!en.iter().any(|t| t == "the" || t == "we"), "{en:?}");
    }

    #[test]
    fn elisions_numbers_and_mentions_are_not_keywords() {
        let t = terms(
            "L'atelier ouvre à 10h, 40 vélos, merci @bob.bsky.social",
            Some("fr"),
            &[],
            &[],
        );
        assert!(t.contains(&"ateli".to_owned()), "{t:?}");
        assert!(
            !t.iter().any(|x| x.contains("10") || x.contains("bob")),
            "{t:?}"
        );
    }

    #[test]
    fn links_give_the_host_and_its_first_path_segment() {
        let t = terms(
            "Le guide https://www.Example.org/guides/chaine?x=1",
            Some("fr"),
            &[],
            &["https://shop.example.com/cargo/"],
        );
        assert_eq!(t[0], "site:shop.example.com");
        assert_eq!(t[1], "site:shop.example.com/cargo");
        assert!(t.contains(&"site:example.org".to_owned()), "{t:?}");
        assert!(!t.iter().any(|x| x.contains("https")), "{t:?}");
    }

    #[test]
    fn user_terms_map_to_the_same_terms_as_posts() {
        let terms = Terms::shared();
        assert_eq!(terms.of_user_term("#Vélotaf"), ["#velotaf"]);
        assert_eq!(terms.of_user_term("www.example.org"), ["site:example.org"]);
        let repair = terms.of_user_term("réparation");
        assert!(repair.contains(&"repar".to_owned()), "{repair:?}");
        let post = Terms::shared().of_post(Some("Une réparation rapide"), Some("fr"), &[], &[]);
        assert!(post.iter().any(|t| repair.contains(&t.term)));
    }
}
