//! A reply cut into tokens that the lexicons can look up.
//!
//! Words are folded (lower case, accents and ligatures removed) so that
//! "Déçue", "DECUE" and "decue" are one key; elisions are split ("l'atelier"
//! → `l` `atelier`, "jusqu'à" → `jusqu` `a`) and English contractions
//! expanded ("it's" → `it` `is`, "you'll" → `you` `will`, "don't" → `dont`),
//! so both kinds of apostrophe give the same tokens. Letters repeated for
//! emphasis ("suuuper") are squeezed and remembered, and so is ALL CAPS.
//! Emoji, emoticons, mentions and URLs are tokens of their own; punctuation
//! is kept only where it ends a clause or a sentence.
//!
//! Everything for one text lives in one [`Tokens`]: a string buffer for the
//! folded forms and a vector of tokens pointing into it, so tokenizing a
//! reply costs two allocations whatever its length.

use std::ops::Range;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_segmentation::UnicodeSegmentation;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    Number,
    Emoji,
    Emoticon,
    Mention,
    Url,
    /// A run of clause punctuation (`!!!`, `?!`, `...`, `,`), or a
    /// line break, which ends a sentence like a full stop.
    Punct,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    norm: Range<u32>,
    /// Bytes of the original text.
    pub span: Range<u32>,
    /// Written in capitals (two letters or more, all upper case).
    pub caps: bool,
    /// Had a letter repeated three times or more ("suuuper").
    pub elongated: bool,
    /// Joined to the previous word by a hyphen ("pouvez-vous", "y a-t-il").
    pub hyphen_before: bool,
    /// Inside short quotation marks: "quick fix", « ouvert à tous ».
    pub quoted: bool,
}

impl Token {
    pub fn is_word(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Number)
    }
}

/// Emoticons and other markers spelt with punctuation (":)", "<3", "/s").
/// The tokenizer needs them before it can tell them from punctuation.
pub(crate) trait Markers {
    /// The marker written at the start of `rest`, longest first.
    fn marker_at(&self, rest: &str) -> Option<&str>;
    /// Whether a folded form is a known word (to undo "goood" → "good"
    /// rather than "god").
    fn is_known(&self, folded: &str) -> bool;
}

pub(crate) struct Tokens<'t> {
    pub text: &'t str,
    buf: String,
    pub toks: Vec<Token>,
    /// Token ranges of the sentences, in order.
    pub sentences: Vec<Range<usize>>,
}

impl<'t> Tokens<'t> {
    pub fn norm(&self, i: usize) -> &str {
        let r = &self.toks[i].norm;
        &self.buf[r.start as usize..r.end as usize]
    }

    /// The original text of tokens `range`, from the first one's start to
    /// the last one's end.
    pub fn source(&self, range: Range<usize>) -> &'t str {
        if range.is_empty() {
            return "";
        }
        let start = self.toks[range.start].span.start as usize;
        let end = self.toks[range.end - 1].span.end as usize;
        self.text[start..end].trim()
    }

    pub fn is_punct(&self, i: usize, c: char) -> bool {
        self.toks[i].kind == Kind::Punct && self.norm(i).contains(c)
    }

    pub fn ends_sentence(&self, i: usize) -> bool {
        self.toks[i].kind == Kind::Punct && self.norm(i).contains(['.', '!', '?', '…', '\n'])
    }

    pub fn exclamations(&self, i: usize) -> usize {
        if self.toks[i].kind != Kind::Punct {
            return 0;
        }
        self.norm(i).matches('!').count()
    }

    pub fn new(text: &'t str, markers: &dyn Markers) -> Tokens<'t> {
        let mut t = Tokens {
            text,
            buf: String::with_capacity(text.len() + 16),
            toks: Vec::with_capacity(text.len() / 4 + 4),
            sentences: Vec::new(),
        };
        t.scan(markers);
        t.split_sentences();
        t
    }

    fn push(&mut self, kind: Kind, norm: &str, span: Range<usize>) -> &mut Token {
        let start = self.buf.len() as u32;
        self.buf.push_str(norm);
        self.toks.push(Token {
            kind,
            norm: start..self.buf.len() as u32,
            span: span.start as u32..span.end as u32,
            caps: false,
            elongated: false,
            hyphen_before: false,
            quoted: false,
        });
        self.toks.last_mut().expect("just pushed")
    }

    fn scan(&mut self, markers: &dyn Markers) {
        let text = self.text;
        let mut skip_to = 0usize;
        let mut hyphen = false;
        let mut scratch = String::new();
        let mut quote_open: Option<usize> = None;
        for (off, seg) in text.split_word_bound_indices() {
            if off < skip_to {
                continue;
            }
            let end = off + seg.len();
            let first = seg.chars().next().unwrap_or(' ');
            if first.is_whitespace() {
                hyphen = false;
                if seg.contains('\n') {
                    self.push_punct("\n", off..off);
                }
                continue;
            }
            let rest = &text[off..];
            if rest.starts_with("http://")
                || rest.starts_with("https://")
                || rest.starts_with("www.")
            {
                skip_to = off + rest.find(char::is_whitespace).unwrap_or(rest.len());
                self.push(Kind::Url, "", off..skip_to);
                hyphen = false;
                continue;
            }
            if first == '@' {
                let handle_len: usize = rest[1..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
                    .map(char::len_utf8)
                    .sum();
                let handle = rest[1..1 + handle_len].trim_end_matches(['.', '-']);
                if !handle.is_empty() {
                    skip_to = off + 1 + handle.len();
                    scratch.clear();
                    fold_into(handle, &mut scratch);
                    let norm = std::mem::take(&mut scratch);
                    self.push(Kind::Mention, &norm, off..skip_to);
                    scratch = norm;
                    hyphen = false;
                    continue;
                }
            }
            let after_space = text[..off]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace());
            if after_space && let Some(m) = markers.marker_at(rest) {
                let m_end = off + m.len();
                let next = text[m_end..].chars().next();
                if next.is_none_or(|c| !c.is_alphanumeric()) {
                    self.push(Kind::Emoticon, m, off..m_end);
                    skip_to = m_end;
                    hyphen = false;
                    continue;
                }
            }
            if is_emoji(first) {
                // Looked up by its first character: skin tones, variation
                // selectors and joined sequences fall back to the base emoji.
                let mut base = [0u8; 4];
                self.push(Kind::Emoji, first.encode_utf8(&mut base), off..end);
                hyphen = false;
                continue;
            }
            if first.is_alphanumeric() {
                self.push_word(seg, off, hyphen, markers, &mut scratch);
                hyphen = false;
                continue;
            }
            // Punctuation and symbols.
            match first {
                '-' if seg == "-" => {
                    let glued_before = self
                        .toks
                        .last()
                        .is_some_and(|t| t.span.end as usize == off && t.is_word());
                    let glued_after = text[end..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric);
                    if glued_before && glued_after {
                        hyphen = true;
                    } else if !glued_before && !glued_after {
                        self.push_punct(",", off..end);
                    }
                }
                '–' | '—' => self.push_punct(",", off..end),
                '.' | '!' | '?' | '…' | ',' | ';' | ':' | '¿' | '¡' => {
                    let p = if first == '…' { "..." } else { seg };
                    self.push_punct(p, off..end);
                }
                '"' | '«' | '»' | '“' | '”' => {
                    let closing =
                        matches!(first, '»' | '”') || (first == '"' && quote_open.is_some());
                    if closing {
                        if let Some(open) = quote_open.take() {
                            let words = self.toks[open..].iter().filter(|t| t.is_word()).count();
                            if (1..=4).contains(&words) {
                                self.toks[open..].iter_mut().for_each(|t| t.quoted = true);
                            }
                        }
                    } else {
                        quote_open = Some(self.toks.len());
                    }
                }
                _ => {}
            }
        }
    }

    /// Appends punctuation, merging it with punctuation right before it
    /// ("!" "!" "!" → "!!!", "?" "!" → "?!").
    fn push_punct(&mut self, p: &str, span: Range<usize>) {
        if let Some(last) = self.toks.last_mut()
            && last.kind == Kind::Punct
            && last.span.end as usize == span.start
            && last.norm.end as usize == self.buf.len()
        {
            self.buf.push_str(p);
            last.norm.end = self.buf.len() as u32;
            last.span.end = span.end as u32;
            return;
        }
        self.push(Kind::Punct, p, span);
    }

    /// One word segment, which may hold elisions and contractions.
    fn push_word(
        &mut self,
        seg: &str,
        off: usize,
        hyphen: bool,
        markers: &dyn Markers,
        scratch: &mut String,
    ) {
        let mut start = 0;
        // French elisions: each known elided prefix becomes a word.
        while let Some(cut) = seg[start..].find(is_apostrophe) {
            let head = &seg[start..start + cut];
            if !ELIDED.contains(&head.to_lowercase().as_str()) {
                break;
            }
            self.push_folded(head, off + start, hyphen && start == 0, markers, scratch);
            start += cut + seg[start + cut..].chars().next().map_or(1, char::len_utf8);
            if start >= seg.len() {
                return;
            }
        }
        let hyphen = hyphen && start == 0;
        let rest = &seg[start..];
        let rest_off = off + start;
        // English contractions: the piece after the last apostrophe.
        if let Some(cut) = rest.rfind(is_apostrophe) {
            let head = &rest[..cut];
            let tail_start = cut + rest[cut..].chars().next().map_or(1, char::len_utf8);
            let lower_head = head.to_lowercase();
            let expansion = match rest[tail_start..].to_lowercase().as_str() {
                "s" if S_IS.contains(&lower_head.as_str()) => Some("is"),
                "s" if lower_head == "let" => Some("us"),
                "s" => Some(""),
                "re" => Some("are"),
                "ll" => Some("will"),
                "ve" => Some("have"),
                "m" => Some("am"),
                "d" => Some("would"),
                _ => None,
            };
            if let Some(exp) = expansion
                && !head.is_empty()
                && !head.contains(is_apostrophe)
            {
                self.push_folded(head, rest_off, hyphen, markers, scratch);
                if !exp.is_empty() {
                    self.push(Kind::Word, exp, rest_off + cut..rest_off + rest.len());
                }
                return;
            }
            // Otherwise the apostrophes go: "don't" → dont, "aujourd'hui" → aujourdhui.
            let joined: String = rest.chars().filter(|&c| !is_apostrophe(c)).collect();
            let t = self.push_folded_span(&joined, rest, rest_off, markers, scratch);
            t.hyphen_before = hyphen;
            return;
        }
        self.push_folded(rest, rest_off, hyphen, markers, scratch);
    }

    fn push_folded(
        &mut self,
        word: &str,
        off: usize,
        hyphen: bool,
        markers: &dyn Markers,
        scratch: &mut String,
    ) {
        let t = self.push_folded_span(word, word, off, markers, scratch);
        t.hyphen_before = hyphen;
    }

    /// Pushes `word` folded; `written` is its original spelling at `off`.
    fn push_folded_span(
        &mut self,
        word: &str,
        written: &str,
        off: usize,
        markers: &dyn Markers,
        scratch: &mut String,
    ) -> &mut Token {
        scratch.clear();
        fold_into(word, scratch);
        let elongated = squeeze(scratch, markers);
        let letters = written.chars().filter(|c| c.is_alphabetic()).count();
        let caps = letters >= 2
            && written
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        let kind = if word.chars().all(|c| c.is_ascii_digit()) {
            Kind::Number
        } else {
            Kind::Word
        };
        let norm = std::mem::take(scratch);
        let t = self.push(kind, &norm, off..off + written.len());
        *scratch = norm;
        t.caps = caps;
        t.elongated = elongated;
        t
    }

    /// Sentences end at `.`, `!`, `?`, `…` and line breaks; a trailing run
    /// of emoji ("Génial ! 😍") stays with the sentence before it.
    fn split_sentences(&mut self) {
        let n = self.toks.len();
        let (mut start, mut i) = (0, 0);
        while i < n {
            if self.ends_sentence(i) {
                let mut end = i + 1;
                while end < n && matches!(self.toks[end].kind, Kind::Emoji | Kind::Emoticon) {
                    end += 1;
                }
                self.push_sentence(start..end);
                start = end;
                i = end;
            } else {
                i += 1;
            }
        }
        if start < n {
            self.push_sentence(start..n);
        }
    }

    fn push_sentence(&mut self, r: Range<usize>) {
        let only_marks = self.toks[r.clone()]
            .iter()
            .all(|t| matches!(t.kind, Kind::Emoji | Kind::Emoticon | Kind::Punct));
        let has_content = self.toks[r.clone()].iter().any(|t| t.kind != Kind::Punct);
        if !has_content {
            if let Some(last) = self.sentences.last_mut() {
                last.end = r.end;
            }
            return;
        }
        if only_marks && let Some(last) = self.sentences.last_mut() {
            last.end = r.end;
            return;
        }
        self.sentences.push(r);
    }
}

/// French words that drop their vowel before another ("l'", "qu'", "jusqu'").
const ELIDED: &[&str] = &[
    "c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
];

/// English words whose "'s" is "is" rather than a possessive.
const S_IS: &[&str] = &[
    "it",
    "that",
    "there",
    "here",
    "what",
    "who",
    "where",
    "when",
    "how",
    "he",
    "she",
    "this",
    "everything",
    "nothing",
    "something",
    "why",
];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`')
}

/// Lower case without accents: "Déçue" → "decue", "Œuvre" → "oeuvre".
pub(crate) fn fold_into(word: &str, out: &mut String) {
    for c in word.chars() {
        for l in c.to_lowercase() {
            match l {
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                'ß' => out.push_str("ss"),
                _ if l.is_ascii() => out.push(l),
                _ => decompose_canonical(l, |d| {
                    if !is_combining_mark(d) {
                        out.push(d)
                    }
                }),
            }
        }
    }
}

/// Squeezes letters repeated three times or more. Returns whether any were.
/// Keeps two ("goood" → "good") when that is a known word, else one
/// ("suuuper" → "super", "bieeeen" → "bien").
fn squeeze(word: &mut String, markers: &dyn Markers) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let mut elongated = false;
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        if j - i >= 3 && chars[i].is_alphabetic() {
            elongated = true;
        }
        i = j;
    }
    if !elongated {
        return false;
    }
    let squeezed = |keep: usize| -> String {
        let mut out = String::with_capacity(word.len());
        let mut i = 0;
        while i < chars.len() {
            let mut j = i;
            while j < chars.len() && chars[j] == chars[i] {
                j += 1;
            }
            let n = if j - i >= 3 && chars[i].is_alphabetic() {
                keep
            } else {
                j - i
            };
            out.extend(std::iter::repeat_n(chars[i], n));
            i = j;
        }
        out
    };
    let two = squeezed(2);
    *word = if markers.is_known(&two) {
        two
    } else {
        squeezed(1)
    };
    true
}

pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF
        | 0x2190..=0x21FF | 0x3297 | 0x3299 | 0x203C | 0x2049)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) struct NoMarkers;
    impl Markers for NoMarkers {
        fn marker_at(&self, rest: &str) -> Option<&str> {
            [":)", ":-(", "<3", "/s"]
                .into_iter()
                .find(|m| rest.starts_with(m))
        }
        fn is_known(&self, folded: &str) -> bool {
            folded == "good"
        }
    }

    fn norms(text: &str) -> Vec<String> {
        let t = Tokens::new(text, &NoMarkers);
        (0..t.toks.len()).map(|i| t.norm(i).to_string()).collect()
    }

    #[test]
    fn elisions_split_on_both_apostrophes() {
        assert_eq!(norms("L'atelier"), ["l", "atelier"]);
        assert_eq!(
            norms("l’atelier c'est top"),
            ["l", "atelier", "c", "est", "top"]
        );
        assert_eq!(
            norms("j'adore qu'il n'est d'accord jusqu'à"),
            [
                "j", "adore", "qu", "il", "n", "est", "d", "accord", "jusqu", "a"
            ]
        );
        assert_eq!(norms("aujourd'hui"), ["aujourdhui"]);
    }

    #[test]
    fn english_contractions_expand() {
        assert_eq!(norms("don't dont can’t"), ["dont", "dont", "cant"]);
        assert_eq!(
            norms("it's what's you'll I'm y'all"),
            ["it", "is", "what", "is", "you", "will", "i", "am", "yall"]
        );
        assert_eq!(
            norms("the workshop's prices"),
            ["the", "workshop", "prices"]
        );
    }

    #[test]
    fn folding_removes_accents_case_and_elongation() {
        assert_eq!(norms("Déçue DÉÇUS Œuvre"), ["decue", "decus", "oeuvre"]);
        assert_eq!(norms("suuuper bieeeen goooood"), ["super", "bien", "good"]);
        let t = Tokens::new("TROP bieeen", &NoMarkers);
        assert!(t.toks[0].caps && !t.toks[0].elongated);
        assert!(!t.toks[1].caps && t.toks[1].elongated);
    }

    #[test]
    fn emoji_emoticons_mentions_urls_and_punctuation() {
        let t = Tokens::new(
            "Super :) 👍🏽 ❤️ @atelier.du-rayon voir https://x.org/a?b=1 !!! <3",
            &NoMarkers,
        );
        let kinds: Vec<Kind> = t.toks.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Word,
                Kind::Emoticon,
                Kind::Emoji,
                Kind::Emoji,
                Kind::Mention,
                Kind::Word,
                Kind::Url,
                Kind::Punct,
                Kind::Emoticon
            ]
        );
        assert_eq!(t.norm(2), "👍");
        assert_eq!(t.norm(3), "❤");
        assert_eq!(t.norm(4), "atelier.du-rayon");
        assert_eq!(t.exclamations(7), 3);
        // A URL's "/s" or ":/" is not an emoticon.
        assert_eq!(norms("voir http://a.b/s :)").len(), 3);
    }

    #[test]
    fn hyphens_mark_inversion_and_sentences_split() {
        let t = Tokens::new("Génial ! 😍 Pouvez-vous venir ? Y a-t-il", &NoMarkers);
        let i = (0..t.toks.len()).find(|&i| t.norm(i) == "vous").unwrap();
        assert!(t.toks[i].hyphen_before);
        assert_eq!(t.sentences.len(), 3);
        assert_eq!(t.source(t.sentences[0].clone()), "Génial ! 😍");
        assert_eq!(t.source(t.sentences[1].clone()), "Pouvez-vous venir ?");
        let il = t.toks.len() - 1;
        assert!(t.toks[il].hyphen_before && t.norm(il) == "il");
    }

    #[test]
    fn short_quotes_are_marked() {
        let t = Tokens::new("The \"quick fix\" took « deux semaines »", &NoMarkers);
        let quoted: Vec<bool> = t.toks.iter().map(|t| t.quoted).collect();
        assert_eq!(quoted, [false, true, true, false, true, true]);
    }
}
