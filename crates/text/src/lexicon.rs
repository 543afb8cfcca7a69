//! The word lists, loaded once from `data/lexicon/*.lex`.
//!
//! A `.lex` file is a list of `[section]`s with one entry a line:
//! a word or phrase, then numbers, then tags, e.g.
//!
//! ```text
//! [sentiment]
//! déçu          -2
//! pas terrible  -2
//! reçu          0  -1.5     # neutral, but "jamais reçu" is -1.5
//! triste        -2 sad
//! ```
//!
//! Entries are tokenized exactly like replies (folded, elisions split), so
//! a list can be written with accents and apostrophes as people type them.
//! Token sections (sentiment, negators, cues…) give each word or phrase an
//! [`Info`]; pattern sections (question openers, rhetorical questions) are
//! matched against a sentence's words, with `*` for a gap of up to four
//! words and `word*` for a prefix.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::Lang;
use crate::token::{Kind, Markers, Tokens, is_emoji};

const FR_LEX: &str = include_str!("../data/lexicon/fr.lex");
const EN_LEX: &str = include_str!("../data/lexicon/en.lex");
const EMOJI_LEX: &str = include_str!("../data/lexicon/emoji.lex");

/// Roles a word or phrase can have; an [`Info`] holds a set of them.
pub(crate) mod role {
    /// Reverses what follows ("pas", "never").
    pub const NEGATOR: u32 = 1;
    /// A French negator that also reaches back to the verb ("j'aime pas").
    pub const NEG_AFTER: u32 = 1 << 1;
    /// "can't … enough", "jamais assez": with `ENOUGH` after, not a negation.
    pub const NEG_ENOUGH: u32 = 1 << 2;
    pub const ENOUGH: u32 = 1 << 3;
    /// Modifies the word before it ("du tout", "at all").
    pub const BOOST_AFTER: u32 = 1 << 4;
    /// "mais", "but": the clause after it weighs more.
    pub const CONTRAST: u32 = 1 << 5;
    /// "même si", "although": its own clause weighs less.
    pub const CONCESSIVE: u32 = 1 << 6;
    /// A sure sign of irony ("/s", "yeah right", "c'est ça oui", 🙄).
    pub const IRONY: u32 = 1 << 7;
    /// "encore", "again", "as usual": irony when it follows a bare "great,".
    pub const REPETITION: u32 = 1 << 8;
    /// Second person and own names: the reply speaks to us.
    pub const US: u32 = 1 << 9;
    /// What an organisation offers (its shop, prices, posts, staff).
    pub const OFFER: u32 = 1 << 10;
    /// Things that are nobody's fault here: weather, traffic, third parties.
    pub const ELSEWHERE: u32 = 1 << 11;
    /// Sympathy for bad news ("courage", "sorry to hear").
    pub const SYMPATHY: u32 = 1 << 12;
    /// Sadness rather than blame ("triste", 😢): negative, but not a critique
    /// unless it is said to us.
    pub const SAD: u32 = 1 << 13;
    /// Greetings and fillers a question may start with ("bonjour", "hi").
    pub const FILLER: u32 = 1 << 14;
    /// In a question, impatience ("enfin", "un jour", "ever"): a complaint.
    pub const IMPATIENCE: u32 = 1 << 15;
    /// Subject pronouns for questions by inversion ("pouvez-vous").
    pub const PRONOUN: u32 = 1 << 16;
    /// Words that only say which language this is.
    pub const FUNCTION: u32 = 1 << 17;
    /// "is", "are": at the start of a sentence, before a plain word, a question.
    pub const COPULA: u32 = 1 << 20;
    /// "how", "what", "quel": before a valence word, an exclamation.
    pub const EXCLAIM: u32 = 1 << 21;
    /// A phrase that holds its own negator ("pas terrible", "no complaints"):
    /// a negator before it does not reverse it again.
    pub const SELF_NEGATED: u32 = 1 << 22;
    /// Thanks: "Merci, encore une fois !" is not irony.
    pub const THANKS: u32 = 1 << 23;
    /// A feeling or a bad state of the world ("horrible", "fed up", 😡)
    /// rather than a judgment of a product or service ("décevant",
    /// "overpriced"): a critique only when a target of ours is named.
    pub const WORLD: u32 = 1 << 24;
    /// "que", "that", "because": a negator does not reach across it
    /// ("pas étonnant que tout augmente").
    pub const SUBORDINATOR: u32 = 1 << 25;
    /// "too": before a plain word it is a complaint ("too crowded", "too
    /// small"); before a word with a valence it only intensifies it.
    pub const EXCESS: u32 = 1 << 26;
    /// Not to be matched by stem: "useful" must not take "used", nor
    /// "pourri" "pourrait". Plurals and feminines still match.
    pub const EXACT: u32 = 1 << 18;
    /// Has a valence of its own (possibly zero with a negated valence).
    pub const VALENCE: u32 = 1 << 19;
    /// Roles that belong to content words, which may be matched by stem.
    pub const CONTENT: u32 = VALENCE | US | OFFER | ELSEWHERE | SYMPATHY | SAD | WORLD;
}

/// What the lexicons know about one word, phrase, emoji or emoticon.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Info {
    /// On VADER's scale: −4 (worst) … +4 (best).
    pub valence: f32,
    /// The valence under negation when it is not simply the reverse:
    /// "reçu" is neutral, "jamais reçu" is a complaint.
    pub negated: Option<f32>,
    /// Intensifier (> 0) or downtoner (< 0), as a relative change.
    pub boost: f32,
    pub roles: u32,
}

impl Info {
    pub fn has(&self, role: u32) -> bool {
        self.roles & role != 0
    }

    fn merge(&mut self, other: Info) {
        if other.has(role::VALENCE) {
            self.valence = other.valence;
            self.negated = other.negated;
        }
        if other.boost != 0.0 {
            self.boost = other.boost;
        }
        self.roles |= other.roles;
    }
}

/// One step of a pattern.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Pat {
    /// One word among alternatives (`a|b|c`), each whole or a prefix (`surpris*`).
    Word(Box<[(Box<str>, bool)]>),
    /// Zero to four words (`*`).
    Gap,
}

impl Pat {
    fn accepts(&self, word: &str) -> bool {
        match self {
            Pat::Word(alts) => alts.iter().any(|(w, prefix)| {
                if *prefix {
                    word.starts_with(&**w)
                } else {
                    word == &**w
                }
            }),
            Pat::Gap => true,
        }
    }
}

/// A sequence of words to find in a sentence. `^` anchors it at the start
/// of a clause (after greetings and fillers), `$` at the end of the sentence.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    pub pats: Box<[Pat]>,
    pub at_start: bool,
    pub at_end: bool,
    /// Added to the sentiment where it matches (rhetorical questions).
    pub value: f32,
}

const MAX_GAP: usize = 4;

impl Pattern {
    /// The end of a match starting at `words[at]`.
    pub fn match_at(&self, words: &[&str], at: usize) -> Option<usize> {
        let end = match_from(&self.pats, words, at)?;
        (!self.at_end || end == words.len()).then_some(end)
    }

    /// The first match, as (start, end): anchored patterns are tried at
    /// `starts` only, the others everywhere.
    pub fn find(&self, words: &[&str], starts: &[usize]) -> Option<(usize, usize)> {
        if self.at_start {
            starts
                .iter()
                .find_map(|&i| self.match_at(words, i).map(|e| (i, e)))
        } else {
            (0..words.len()).find_map(|i| self.match_at(words, i).map(|e| (i, e)))
        }
    }
}

fn match_from(pats: &[Pat], words: &[&str], at: usize) -> Option<usize> {
    let Some((first, rest)) = pats.split_first() else {
        return Some(at);
    };
    match first {
        Pat::Gap => (0..=MAX_GAP)
            .take_while(|g| at + g <= words.len())
            .find_map(|g| match_from(rest, words, at + g)),
        word => match words.get(at) {
            Some(w) if word.accepts(w) => match_from(rest, words, at + 1),
            _ => None,
        },
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LexiconError {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Token(u32, Values),
    Pattern(PatternList),
}

/// Which numbers a token section's entries carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Values {
    None,
    Valence,
    Boost,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatternList {
    /// Start a clause (after fillers) and make it a question.
    QuestionOpeners,
    /// Anywhere in a sentence, make it a question ("je me demandais si").
    QuestionCues,
    /// Make a question rhetorical; a value adds to the sentiment.
    Rhetorical,
    /// Start a clause and make it an exclamation ("what a", "how cool").
    Exclamatives,
}

fn section(name: &str) -> Option<Section> {
    use Section::*;
    Some(match name {
        "sentiment" => Token(role::VALENCE, Values::Valence),
        "negators" => Token(role::NEGATOR, Values::None),
        "boosters" => Token(0, Values::Boost),
        "enough" => Token(role::ENOUGH, Values::None),
        "contrast" => Token(role::CONTRAST, Values::None),
        "concessive" => Token(role::CONCESSIVE, Values::None),
        "irony" => Token(role::IRONY | role::VALENCE, Values::Valence),
        "repetition" => Token(role::REPETITION, Values::None),
        "us" => Token(role::US, Values::None),
        "offer" => Token(role::OFFER, Values::None),
        "elsewhere" => Token(role::ELSEWHERE, Values::None),
        "sympathy" => Token(role::SYMPATHY, Values::None),
        "fillers" => Token(role::FILLER, Values::None),
        "impatience" => Token(role::IMPATIENCE, Values::None),
        "pronouns" => Token(role::PRONOUN, Values::None),
        "function" => Token(role::FUNCTION, Values::None),
        "copulas" => Token(role::COPULA, Values::None),
        "exclaim" => Token(role::EXCLAIM, Values::None),
        "subordinators" => Token(role::SUBORDINATOR, Values::None),
        "excess" => Token(role::EXCESS, Values::None),
        "question_openers" => Pattern(PatternList::QuestionOpeners),
        "question_cues" => Pattern(PatternList::QuestionCues),
        "rhetorical" => Pattern(PatternList::Rhetorical),
        "exclamatives" => Pattern(PatternList::Exclamatives),
        _ => return None,
    })
}

fn tag(name: &str) -> Option<u32> {
    Some(match name {
        "sad" => role::SAD,
        "exact" => role::EXACT,
        "after" => role::NEG_AFTER,
        "enough" => role::NEG_ENOUGH,
        "post" => role::BOOST_AFTER,
        "thanks" => role::THANKS,
        "world" => role::WORLD,
        "negated" => role::SELF_NEGATED,
        _ => return None,
    })
}

/// Phrases of two words or more by first word: the other words, and the
/// phrase's meaning.
type Phrases = FxHashMap<Box<str>, Vec<(Box<[Box<str>]>, Info)>>;

/// Emoji and emoticons by key, and the emoticons the tokenizer looks for.
type Marks = (FxHashMap<Box<str>, Info>, Vec<Box<str>>);

pub(crate) struct PhraseMatch {
    /// Tokens covered, from the first word to the last.
    pub len: usize,
    pub info: Info,
    /// A negator stood inside the phrase.
    pub negated: bool,
}

/// One language's lists.
pub(crate) struct Lexicon {
    pub lang: Lang,
    words: FxHashMap<Box<str>, Info>,
    /// Content words by Snowball stem, for inflections the list lacks.
    stems: FxHashMap<Box<str>, Info>,
    /// Phrases of two words or more, by first word, longest first.
    phrases: Phrases,
    patterns: [Vec<Pattern>; 4],
    stemmer: Stemmer,
}

impl Lexicon {
    pub fn patterns(&self, list: PatternList) -> &[Pattern] {
        &self.patterns[list as usize]
    }

    /// The longest phrase starting at token `at`. An intensifier or a
    /// negator may stand between its words ("valait vraiment le coup", "ne
    /// valait pas le déplacement"); a negator there negates the phrase.
    pub fn phrase_at(&self, toks: &Tokens, at: usize) -> Option<PhraseMatch> {
        let candidates = self.phrases.get(toks.norm(at))?;
        let n = toks.toks.len();
        candidates.iter().find_map(|(rest, info)| {
            let mut j = at + 1;
            let mut negated = false;
            for w in rest.iter() {
                if j < n && toks.toks[j].is_word() && toks.norm(j) != &**w {
                    let between = self.words.get(toks.norm(j));
                    let boost = between.is_some_and(|b| b.boost != 0.0);
                    let negator = between.is_some_and(|b| b.has(role::NEGATOR));
                    if !(boost || negator) {
                        return None;
                    }
                    negated |= negator;
                    j += 1;
                }
                if !(j < n && toks.toks[j].is_word() && toks.norm(j) == &**w) {
                    return None;
                }
                j += 1;
            }
            Some(PhraseMatch {
                len: j - at,
                info: *info,
                negated,
            })
        })
    }

    /// A single word: as listed, then de-inflected ("déçues" → "déçu",
    /// "géniaux" → "génial", "friendliest" → "friendly"), then by stem.
    pub fn word(&self, w: &str, scratch: &mut String) -> Option<Info> {
        if let Some(info) = self.words.get(w) {
            return Some(*info);
        }
        let content = |info: &&Info| info.has(role::CONTENT);
        let n = w.len();
        let (strips, swaps): (&[&str], &[(&str, &str)]) = match self.lang {
            Lang::Fr => (FR_STRIPS, FR_SWAPS),
            Lang::En => (EN_STRIPS, EN_SWAPS),
        };
        for s in strips {
            if n > s.len() + 2
                && let Some(stem) = w.strip_suffix(s)
                && let Some(info) = self.words.get(stem).filter(content)
            {
                return Some(*info);
            }
        }
        for (from, to) in swaps {
            if n > from.len() + 1
                && let Some(stem) = w.strip_suffix(from)
            {
                scratch.clear();
                scratch.push_str(stem);
                scratch.push_str(to);
                if let Some(info) = self.words.get(scratch.as_str()).filter(content) {
                    return Some(*info);
                }
            }
        }
        if w.chars().count() < MIN_STEM {
            return None;
        }
        let stem = self.stemmer.stem(w);
        self.stems.get(&*stem).copied()
    }

    pub fn knows(&self, w: &str) -> bool {
        self.words.contains_key(w)
    }
}

const FR_STRIPS: &[&str] = &["s", "x", "e", "es", "ement", "ment"];
const FR_SWAPS: &[(&str, &str)] = &[
    ("aux", "al"),
    ("euse", "eux"),
    ("euses", "eux"),
    ("ive", "if"),
    ("ives", "if"),
    ("ere", "er"),
    ("eres", "er"),
    ("elle", "el"),
    ("elles", "el"),
    ("enne", "en"),
    ("ennes", "en"),
    ("onne", "on"),
    ("onnes", "on"),
    ("ette", "et"),
    ("ettes", "et"),
    ("amment", "ant"),
    ("emment", "ent"),
    ("ee", "e"),
    ("ees", "e"),
    // Verbs: "adorons", "adorez", "adorent", "adorais" → "adore".
    ("ons", "e"),
    ("ez", "e"),
    ("ent", "e"),
    ("ais", "e"),
    ("ait", "e"),
    ("er", "e"),
];
const EN_STRIPS: &[&str] = &["s", "es", "d", "ed", "ing", "ly", "er", "est", "ness"];
const EN_SWAPS: &[(&str, &str)] = &[
    ("ies", "y"),
    ("ied", "y"),
    ("ier", "y"),
    ("iest", "y"),
    ("ily", "y"),
    ("iness", "y"),
    ("ing", "e"),
    ("ably", "able"),
    ("ibly", "ible"),
    // "nicer", "nicest" → "nice".
    ("er", "e"),
    ("est", "e"),
];

/// Both languages' lists and the emoji, parsed once for the process.
pub(crate) struct Lexicons {
    pub fr: Lexicon,
    pub en: Lexicon,
    /// Emoji (by base character) and emoticons.
    pub marks: FxHashMap<Box<str>, Info>,
    /// Emoticons and "/s", longest first.
    markers: Vec<Box<str>>,
    marker_starts: FxHashSet<char>,
    /// Words that belong to one language's lists only.
    pub lang_cues: FxHashMap<Box<str>, Lang>,
}

impl Lexicons {
    pub fn get(&self, lang: Lang) -> &Lexicon {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    pub fn parse() -> Result<Lexicons, LexiconError> {
        let fr = parse_lexicon("fr.lex", FR_LEX, Lang::Fr)?;
        let en = parse_lexicon("en.lex", EN_LEX, Lang::En)?;
        let (marks, mut markers) = parse_marks("emoji.lex", EMOJI_LEX)?;
        markers.sort_by_key(|m| std::cmp::Reverse(m.len()));
        let marker_starts = markers.iter().filter_map(|m| m.chars().next()).collect();
        let mut lang_cues = FxHashMap::default();
        for (w, _) in fr.words.iter().filter(|(w, _)| !en.words.contains_key(*w)) {
            lang_cues.insert(w.clone(), Lang::Fr);
        }
        for (w, _) in en.words.iter().filter(|(w, _)| !fr.words.contains_key(*w)) {
            lang_cues.insert(w.clone(), Lang::En);
        }
        Ok(Lexicons {
            fr,
            en,
            marks,
            markers,
            marker_starts,
            lang_cues,
        })
    }
}

impl Markers for Lexicons {
    fn marker_at(&self, rest: &str) -> Option<&str> {
        let c = rest.chars().next()?;
        if !self.marker_starts.contains(&c) {
            return None;
        }
        self.markers
            .iter()
            .find(|m| rest.starts_with(&***m))
            .map(|m| &**m)
    }

    fn is_known(&self, folded: &str) -> bool {
        self.fr.knows(folded) || self.en.knows(folded)
    }
}

/// The lexicons of this process (parsed on first use).
pub(crate) fn shared() -> &'static Lexicons {
    static SHARED: OnceLock<Lexicons> = OnceLock::new();
    SHARED.get_or_init(|| match Lexicons::parse() {
        Ok(l) => l,
        // The lists are compiled in and a unit test parses them: a failure
        // here is a broken build, not a runtime condition.
        Err(e) => panic!("levain-text lexicon: {e}"),
    })
}

/// Tokenizes the lists themselves: no markers, no known words.
struct Bare;

impl Markers for Bare {
    fn marker_at(&self, _: &str) -> Option<&str> {
        None
    }
    fn is_known(&self, _: &str) -> bool {
        false
    }
}

/// An entry's fields: the phrase, its numbers, its tags.
struct Entry<'a> {
    phrase: Vec<&'a str>,
    numbers: Vec<f32>,
    tags: u32,
}

fn split_entry<'a>(
    file: &'static str,
    line_no: usize,
    line: &'a str,
) -> Result<Entry<'a>, LexiconError> {
    let err = |message: String| LexiconError {
        file,
        line: line_no,
        message,
    };
    let is_tag = |f: &str| {
        f.strip_prefix('+')
            .is_some_and(|t| t.starts_with(char::is_alphabetic))
    };
    let is_number = |f: &str| f.parse::<f32>().is_ok() && f.contains(|c: char| c.is_ascii_digit());
    let fields: Vec<&str> = line.split_whitespace().collect();
    let phrase_len = fields
        .iter()
        .position(|f| is_tag(f) || is_number(f))
        .unwrap_or(fields.len());
    let mut numbers = Vec::new();
    let mut tags = 0;
    for f in &fields[phrase_len..] {
        if is_tag(f) {
            tags |= tag(&f[1..]).ok_or_else(|| err(format!("unknown tag {f:?}")))?;
        } else if tags != 0 {
            return Err(err(format!("{f:?} after a tag")));
        } else {
            numbers.push(
                f.parse::<f32>()
                    .map_err(|_| err(format!("{f:?} is not a number")))?,
            );
        }
    }
    if phrase_len == 0 {
        return Err(err("entry without words".into()));
    }
    Ok(Entry {
        phrase: fields[..phrase_len].to_vec(),
        numbers,
        tags,
    })
}

fn parse_lexicon(file: &'static str, text: &str, lang: Lang) -> Result<Lexicon, LexiconError> {
    let mut entries: FxHashMap<Vec<String>, Info> = FxHashMap::default();
    let mut patterns: [Vec<Pattern>; 4] = Default::default();
    let mut current: Option<Section> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let err = |message: String| LexiconError {
            file,
            line: line_no,
            message,
        };
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(section(name).ok_or_else(|| err(format!("unknown section [{name}]")))?);
            continue;
        }
        let entry = split_entry(file, line_no, line)?;
        match current.ok_or_else(|| err("entry before any [section]".into()))? {
            Section::Token(roles, values) => {
                let words = entry_words(&entry.phrase);
                if words.is_empty() {
                    return Err(err(format!("{line:?} has no words")));
                }
                let mut info = Info {
                    roles: roles | entry.tags,
                    ..Info::default()
                };
                match (values, entry.numbers.as_slice()) {
                    (Values::None, []) => {}
                    (Values::Valence, [v]) => info.valence = *v,
                    (Values::Valence, [v, n]) => {
                        info.valence = *v;
                        info.negated = Some(*n);
                    }
                    (Values::Boost, [b]) => info.boost = *b,
                    (_, nums) => return Err(err(format!("unexpected numbers {nums:?}"))),
                }
                entries.entry(words).or_default().merge(info);
            }
            Section::Pattern(list) => {
                let (pats, at_start, at_end) = pattern(&entry.phrase).map_err(err)?;
                if pats.first().is_none_or(|p| *p == Pat::Gap) {
                    return Err(err(format!("{line:?} must start with a word")));
                }
                let value = match entry.numbers.as_slice() {
                    [] => 0.0,
                    [v] => *v,
                    nums => return Err(err(format!("unexpected numbers {nums:?}"))),
                };
                patterns[list as usize].push(Pattern {
                    pats: pats.into(),
                    at_start,
                    at_end,
                    value,
                });
            }
        }
    }
    let algorithm = match lang {
        Lang::Fr => Algorithm::French,
        Lang::En => Algorithm::English,
    };
    let stemmer = Stemmer::create(algorithm);
    let mut words = FxHashMap::default();
    let mut stems: FxHashMap<Box<str>, Info> = FxHashMap::default();
    let mut phrases = Phrases::default();
    for (ws, info) in entries {
        if let [w] = ws.as_slice() {
            let stemmable = info.has(role::CONTENT)
                && !info.has(role::EXACT)
                && info.roles & !NOT_FUNCTIONAL == 0;
            if stemmable && w.chars().count() >= MIN_STEM {
                let stem = stemmer.stem(w).into_owned();
                if stem.chars().count() >= MIN_STEM {
                    // On a clash the word that is its own stem wins, then the
                    // strongest valence: deterministic whatever the map order.
                    let slot = stems.entry(stem.clone().into()).or_insert(info);
                    let better = (*w == stem, info.valence.abs()) > (false, slot.valence.abs());
                    if better {
                        *slot = info;
                    }
                }
            }
            words.insert(w.clone().into_boxed_str(), info);
        } else {
            let rest: Box<[Box<str>]> =
                ws[1..].iter().map(|w| w.clone().into_boxed_str()).collect();
            phrases
                .entry(ws[0].clone().into_boxed_str())
                .or_default()
                .push((rest, info));
        }
    }
    let is_negator = |w: &str| words.get(w).is_some_and(|i: &Info| i.has(role::NEGATOR));
    for (first, list) in phrases.iter_mut() {
        for (rest, info) in list.iter_mut() {
            if is_negator(first) || rest.iter().any(|w| is_negator(w)) {
                info.roles |= role::SELF_NEGATED;
            }
        }
    }
    for list in phrases.values_mut() {
        list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    }
    Ok(Lexicon {
        lang,
        words,
        stems,
        phrases,
        patterns,
        stemmer,
    })
}

/// Shorter stems match too much ("aw" of "awful", "gen" of "génie" and "gêner").
const MIN_STEM: usize = 4;

/// Roles a stemmable content word may have besides content roles.
const NOT_FUNCTIONAL: u32 = role::CONTENT | role::EXACT | role::FUNCTION | role::THANKS;

fn entry_words(phrase: &[&str]) -> Vec<String> {
    let text = phrase.join(" ");
    let toks = Tokens::new(&text, &Bare);
    (0..toks.toks.len())
        .filter(|&i| toks.toks[i].kind != Kind::Punct)
        .map(|i| toks.norm(i).to_string())
        .collect()
}

/// A pattern's steps, and whether it is anchored at a clause's start and at
/// the sentence's end.
fn pattern(phrase: &[&str]) -> Result<(Vec<Pat>, bool, bool), String> {
    let mut pats = Vec::new();
    let (mut at_start, mut at_end) = (false, false);
    for (k, piece) in phrase.iter().enumerate() {
        match *piece {
            "*" => pats.push(Pat::Gap),
            "^" if k == 0 => at_start = true,
            "$" if k + 1 == phrase.len() => at_end = true,
            _ if piece.contains('|') => {
                let mut alts = Vec::new();
                for alt in piece.split('|') {
                    let (body, prefix) = alt.strip_suffix('*').map_or((alt, false), |b| (b, true));
                    match entry_words(&[body]).as_slice() {
                        [w] => alts.push((w.clone().into_boxed_str(), prefix)),
                        _ => return Err(format!("alternative {alt:?} is not one word")),
                    }
                }
                pats.push(Pat::Word(alts.into()));
            }
            _ => {
                let (body, prefix) = piece
                    .strip_suffix('*')
                    .map_or((*piece, false), |b| (b, true));
                let words = entry_words(&[body]);
                let last = words.len().saturating_sub(1);
                for (i, w) in words.into_iter().enumerate() {
                    pats.push(Pat::Word(Box::new([(
                        w.into_boxed_str(),
                        prefix && i == last,
                    )])));
                }
            }
        }
    }
    Ok((pats, at_start, at_end))
}

/// The emoji file: `[sentiment]` and `[irony]` entries, each one emoji
/// (keyed by its first character) or one emoticon; the emoticons are also
/// the tokenizer's markers.
fn parse_marks(file: &'static str, text: &str) -> Result<Marks, LexiconError> {
    let mut marks: FxHashMap<Box<str>, Info> = FxHashMap::default();
    let mut markers = Vec::new();
    let mut current = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let err = |message: String| LexiconError {
            file,
            line: line_no,
            message,
        };
        let line = raw.trim();
        if line.is_empty() || line.starts_with("# ") || line == "#" {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(match name {
                "sentiment" => role::VALENCE,
                "irony" => role::IRONY | role::VALENCE,
                _ => return Err(err(format!("unknown section [{name}]"))),
            });
            continue;
        }
        let roles = current.ok_or_else(|| err("entry before any [section]".into()))?;
        let entry = split_entry(file, line_no, line)?;
        let ([mark], [valence]) = (entry.phrase.as_slice(), entry.numbers.as_slice()) else {
            return Err(err(format!(
                "{line:?}: want one emoji or emoticon and its valence"
            )));
        };
        let first = mark.chars().next().unwrap_or(' ');
        let key: Box<str> = if is_emoji(first) {
            first.to_string().into()
        } else {
            markers.push(Box::<str>::from(*mark));
            (*mark).into()
        };
        let info = Info {
            valence: *valence,
            roles: roles | entry.tags,
            ..Info::default()
        };
        if marks.insert(key, info).is_some() {
            return Err(err(format!("{mark} is listed twice")));
        }
    }
    Ok((marks, markers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_parse() {
        let lex = Lexicons::parse().unwrap();
        assert!(lex.fr.words.len() > 300, "{}", lex.fr.words.len());
        assert!(lex.en.words.len() > 300, "{}", lex.en.words.len());
        assert!(lex.marks.len() > 40);
    }

    #[test]
    fn bad_entries_name_their_line() {
        let e = parse_lexicon("t.lex", "[sentiment]\nbon 2\nmauvais\n", Lang::Fr)
            .err()
            .unwrap();
        assert_eq!(e.line, 3);
        let e = parse_lexicon("t.lex", "[nope]\n", Lang::Fr).err().unwrap();
        assert!(e.to_string().starts_with("t.lex:1: unknown section"), "{e}");
        let e = parse_lexicon("t.lex", "[sentiment]\nbon 2 +shiny\n", Lang::Fr)
            .err()
            .unwrap();
        assert!(e.message.contains("shiny"));
    }

    #[test]
    fn inflections_find_their_entry() {
        let lex = shared();
        let mut s = String::new();
        for w in [
            "decu", "decue", "decus", "decues", "adore", "adoree", "adorons", "geniaux", "geniales",
        ] {
            assert!(
                lex.fr.word(w, &mut s).is_some_and(|i| i.has(role::VALENCE)),
                "{w}"
            );
        }
        for w in [
            "disappointing",
            "disappointed",
            "loved",
            "friendliest",
            "happier",
        ] {
            assert!(
                lex.en.word(w, &mut s).is_some_and(|i| i.has(role::VALENCE)),
                "{w}"
            );
        }
        // Function words are not matched by inflection: "pass" is not "pas".
        assert!(
            lex.fr
                .word("pass", &mut s)
                .is_none_or(|i| !i.has(role::NEGATOR))
        );
    }

    #[test]
    fn patterns_match_gaps_prefixes_alternatives_and_anchors() {
        let p = |s: &str| {
            let phrase: Vec<&str> = s.split_whitespace().collect();
            let (pats, at_start, at_end) = pattern(&phrase).unwrap();
            Pattern {
                pats: pats.into(),
                at_start,
                at_end,
                value: 0.0,
            }
        };
        let words = ["pourquoi", "ca", "ne", "m", "etonne", "pas"];
        assert_eq!(
            p("pourquoi * etonn*|surpris* pas").find(&words, &[0]),
            Some((0, 6))
        );
        assert_eq!(p("pourquoi * pas etonn*").find(&words, &[0]), None);
        let words = ["j", "ai", "attendu", "serieux"];
        assert_eq!(p("^ serieux $").find(&words, &[0, 3]), Some((3, 4)));
        assert_eq!(p("^ serieux $").find(&words, &[0]), None);
        assert_eq!(p("^ j ai").find(&words, &[0]), Some((0, 2)));
        assert_eq!(p("attendu $").find(&words, &[0]), None);
        assert!(pattern(&["n'est-ce|truc"]).is_err());
    }

    /// Lists the words of a word list that match a valence entry only by
    /// stem or inflection, grouped by stem, to catch false friends ("used"
    /// for "useful", "pourrait" for "pourri"). Run after editing the lists:
    /// `LEVAIN_WORDLIST_FR=/usr/share/dict/french
    /// LEVAIN_WORDLIST_EN=/usr/share/dict/american-english cargo test -p
    /// levain-text --release stem_matches -- --ignored --nocapture`
    /// (Debian's wfrench and wamerican).
    #[test]
    #[ignore]
    fn stem_matches_in_a_word_list() {
        let lex = shared();
        for (lang, var) in [
            (Lang::Fr, "LEVAIN_WORDLIST_FR"),
            (Lang::En, "LEVAIN_WORDLIST_EN"),
        ] {
            let Ok(path) = std::env::var(var) else {
                println!("{var} not set");
                continue;
            };
            let lx = lex.get(lang);
            let list = std::fs::read_to_string(&path).unwrap();
            let mut by_stem: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            let mut scratch = String::new();
            for word in list.lines().filter(|w| w.starts_with(char::is_lowercase)) {
                let mut folded = String::new();
                crate::token::fold_into(word, &mut folded);
                if lx.words.contains_key(folded.as_str()) {
                    continue;
                }
                if let Some(info) = lx.word(&folded, &mut scratch).filter(|i| i.valence != 0.0) {
                    let key = format!("{} {:+}", lx.stemmer.stem(&folded), info.valence);
                    by_stem.entry(key).or_default().push(folded);
                }
            }
            for (stem, words) in by_stem {
                println!("{lang} {stem}: {}", words.join(" "));
            }
        }
    }
}
