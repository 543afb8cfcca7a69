//! Which language a reply is in: French or English.
//!
//! Replies are short, and trigram detectors such as whatlang are unsure
//! below a dozen words ("Merci beaucoup !" comes out English). So words
//! that belong to one language's lists only ("merci", "trop", "the",
//! "thanks") vote first; whatlang decides when they do not, and then the
//! post's declared language.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::lexicon::{self, Lexicons};
use crate::token::{Kind, Tokens};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// A declared language as posts carry it: "fr", "fr-FR", "FR", "en_GB".
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" | "fra" | "fre" | "french" | "français" => Some(Lang::Fr),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The language of `text`; `hint` is the language its post declares.
pub fn detect_lang(text: &str, hint: Option<&str>) -> Lang {
    let lex = lexicon::shared();
    let toks = Tokens::new(text, lex);
    detect(&toks, hint.and_then(Lang::from_tag), lex)
}

pub(crate) fn detect(toks: &Tokens, hint: Option<Lang>, lex: &Lexicons) -> Lang {
    let (mut fr, mut en) = (0i32, 0i32);
    for (i, t) in toks.toks.iter().enumerate() {
        if t.kind == Kind::Word {
            match lex.lang_cues.get(toks.norm(i)) {
                Some(Lang::Fr) => fr += 1,
                Some(Lang::En) => en += 1,
                None => {}
            }
        }
    }
    // English words carry no accents; French ones often do.
    if toks.text.contains([
        'é', 'è', 'ê', 'à', 'ù', 'ç', 'â', 'î', 'ô', 'û', 'ë', 'ï', 'œ',
    ]) {
        fr += 1;
    }
    let by_votes = |margin: i32| if margin > 0 { Lang::Fr } else { Lang::En };
    let margin = fr - en;
    if margin.abs() >= 2 {
        return by_votes(margin);
    }
    let guess = whatlang_guess(toks.text);
    if let Some((lang, true)) = guess {
        return lang;
    }
    if margin != 0 {
        return by_votes(margin);
    }
    hint.or(guess.map(|(lang, _)| lang)).unwrap_or(Lang::En)
}

/// whatlang's choice between French and English, and whether it is sure.
fn whatlang_guess(text: &str) -> Option<(Lang, bool)> {
    static DETECTOR: OnceLock<whatlang::Detector> = OnceLock::new();
    let detector = DETECTOR.get_or_init(|| {
        whatlang::Detector::with_allowlist(vec![whatlang::Lang::Fra, whatlang::Lang::Eng])
    });
    let info = detector.detect(text)?;
    let lang = match info.lang() {
        whatlang::Lang::Fra => Lang::Fr,
        _ => Lang::En,
    };
    Some((lang, info.is_reliable()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_loosely() {
        assert_eq!(Lang::from_tag("fr-FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("EN_gb"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::Fr.as_str(), "fr");
    }

    #[test]
    fn short_replies_by_their_words() {
        assert_eq!(detect_lang("Merci beaucoup !", Some("en")), Lang::Fr);
        assert_eq!(detect_lang("Trop bien", None), Lang::Fr);
        assert_eq!(detect_lang("Great job, thanks", Some("fr")), Lang::En);
        assert_eq!(detect_lang("pas mal du tout", None), Lang::Fr);
        assert_eq!(detect_lang("not bad at all", Some("fr")), Lang::En);
        assert_eq!(detect_lang("C'est à quelle heure demain ?", None), Lang::Fr);
    }

    #[test]
    fn no_evidence_falls_back_to_the_hint_then_english() {
        assert_eq!(detect_lang("👍👍", Some("fr-FR")), Lang::Fr);
        assert_eq!(detect_lang("👍👍", None), Lang::En);
        assert_eq!(detect_lang("ok", Some("fr")), Lang::Fr);
    }
}
