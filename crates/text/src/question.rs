//! Whether a sentence asks something, and of whom.
//!
//! A sentence asks when it ends with "?", opens like a question ("est-ce
//! que", "pouvez-vous", "do you", "is there", "how much") or asks
//! indirectly ("je me demandais si", "I was wondering if"). It does not
//! ask when it is rhetorical: a set phrase ("why am I not surprised",
//! "sérieux ?"), a "why" about something nobody here controls ("pourquoi
//! les gens se garent toujours là ?"), a negated compliment ("c'est pas
//! beau, ça ?", "isn't it great?") or an exclamation ("what a day",
//! "quelle belle pièce").

use std::ops::Range;

use crate::Lang;
use crate::analysis::{Analysis, Sentence};
use crate::lexicon::{PatternList, role};

#[derive(Clone, Debug, Default)]
pub(crate) struct Question {
    /// A real question, put to whoever the reply answers.
    pub asks: bool,
    pub rhetorical: bool,
    /// What a rhetorical set phrase says ("why am I not surprised": −2).
    pub value: f32,
    /// A negated compliment asked rhetorically means the compliment.
    pub unnegate: bool,
    /// The tokens that ask: praise there is politeness, not an opinion.
    pub span: Range<usize>,
}

/// What "pourquoi les gens se garent toujours là ?" says.
const WHY_OTHERS: f32 = -1.5;

pub(crate) fn classify(a: &Analysis, s: &Sentence) -> Question {
    let words = a.word_forms(s);
    let lex = a.lex;
    let mut q = Question {
        span: question_span(a, s),
        ..Question::default()
    };
    if words.is_empty() {
        return q;
    }
    let opens = lex
        .patterns(PatternList::QuestionOpeners)
        .iter()
        .any(|p| p.match_at(&words, s.start).is_some())
        || opens_with_copula(a, s)
        || (a.lang == Lang::Fr && has_inversion(a, s));
    let cue = lex
        .patterns(PatternList::QuestionCues)
        .iter()
        .any(|p| p.find(&words, &s.clause_starts).is_some());
    let interrogative = s.has_qmark || opens || cue;

    if let Some(p) = lex
        .patterns(PatternList::Rhetorical)
        .iter()
        .find(|p| p.find(&words, &s.clause_starts).is_some())
    {
        q.rhetorical = true;
        q.value = p.value;
    }
    let exclamative = lex
        .patterns(PatternList::Exclamatives)
        .iter()
        .any(|p| p.match_at(&words, s.start).is_some())
        || exclaims(a, s);
    if interrogative && !q.rhetorical {
        let first = s.words[s.start];
        let why = matches!(a.toks.norm(first), "pourquoi" | "why");
        if why
            && a.any_role(s.toks.clone(), role::ELSEWHERE)
            && !a.any_role(s.toks.clone(), role::US)
        {
            // A "why" about others is a complaint, not a question to us.
            q.rhetorical = true;
            q.value = WHY_OTHERS;
        }
    }
    if s.has_qmark && !opens && !cue && negated_compliment(a, s) {
        q.rhetorical = true;
        q.unnegate = true;
    }
    q.asks = interrogative && !q.rhetorical && !exclamative;
    q
}

/// The clause that ends at the last "?" (or the whole sentence without one).
fn question_span(a: &Analysis, s: &Sentence) -> Range<usize> {
    let Some(qmark) = s.toks.clone().rev().find(|&i| a.toks.is_punct(i, '?')) else {
        return s.toks.clone();
    };
    let Some(last_word) = (s.toks.start..qmark)
        .rev()
        .find(|&i| a.toks.toks[i].kind != crate::token::Kind::Punct)
    else {
        return s.toks.start..qmark + 1;
    };
    a.clause_range(last_word).start..qmark + 1
}

/// "Is the café dog friendly", "are helmets mandatory": a copula first,
/// then a plain word (not "was great", which has no subject).
fn opens_with_copula(a: &Analysis, s: &Sentence) -> bool {
    let (Some(&first), Some(&next)) = (s.words.get(s.start), s.words.get(s.start + 1)) else {
        return false;
    };
    let next_info = a.info[next];
    a.info[first].has(role::COPULA)
        && !next_info.has(role::VALENCE | role::NEGATOR)
        && next_info.boost == 0.0
        && a.toks.toks[next].span.start > a.toks.toks[first].span.end
}

/// French inversion: a subject pronoun hyphenated to its verb early in the
/// sentence ("pouvez-vous", "faut-il", "y a-t-il", "où peut-on"), but not
/// "rendez-vous" nor an imperative's "suivez-nous".
fn has_inversion(a: &Analysis, s: &Sentence) -> bool {
    (s.start + 1..s.words.len().min(s.start + 6)).any(|w| {
        let i = s.words[w];
        if !a.toks.toks[i].hyphen_before || !a.info[i].has(role::PRONOUN) {
            return false;
        }
        let verb = a.toks.norm(s.words[w - 1]);
        let pronoun = a.toks.norm(i);
        // "relisez-vous", "suivez-nous" are imperatives unless asked.
        let imperative = verb.ends_with("ez")
            && matches!(pronoun, "vous" | "nous")
            && !ASKING_VERBS.contains(&verb);
        verb != "rendez" && (s.has_qmark || !imperative)
    })
}

/// "-ez" verbs that open questions by inversion far more than orders.
const ASKING_VERBS: &[&str] = &[
    "pouvez",
    "pourriez",
    "avez",
    "auriez",
    "savez",
    "sauriez",
    "voulez",
    "voudriez",
    "allez",
    "iriez",
    "devez",
    "devriez",
    "comptez",
    "pensez",
    "connaissez",
    "acceptez",
    "proposez",
    "prenez",
    "vendez",
    "livrez",
    "ouvrez",
    "organisez",
    "faites",
];

/// "What a day", "how cool", "quelle belle pièce": an exclamation word
/// followed closely by a word with a valence.
fn exclaims(a: &Analysis, s: &Sentence) -> bool {
    let Some(&first) = s.words.get(s.start) else {
        return false;
    };
    a.info[first].has(role::EXCLAIM)
        && s.words[s.start + 1..]
            .iter()
            .take(2)
            .any(|&i| a.info[i].has(role::VALENCE) && a.info[i].valence != 0.0)
}

/// "C'est pas beau, ça ?", "isn't it great?": a negator just before a
/// positive word.
fn negated_compliment(a: &Analysis, s: &Sentence) -> bool {
    s.toks.clone().any(|i| {
        !a.covered[i]
            && a.info[i].valence > 0.0
            && a.prev_in_clause(i, 3).any(|j| a.info[j].has(role::NEGATOR))
    })
}

#[cfg(test)]
mod tests {
    use crate::Analyzer;

    fn asks(text: &str, lang: &str) -> bool {
        Analyzer::new().is_question(text, Some(lang))
    }

    #[test]
    fn question_marks_and_est_ce_que() {
        assert!(asks("Le mur sera ouvert le 1er mai ?", "fr"));
        assert!(asks("est-ce que vous ouvrez pendant les vacances", "fr"));
        assert!(asks("Bonjour, est-ce qu'on peut payer en espèces", "fr"));
        assert!(asks("Is the café dog friendly?", "en"));
        assert!(!asks("Merci pour l'info", "fr"));
        assert!(!asks("Thanks for the info", "en"));
    }

    #[test]
    fn inversion() {
        for t in [
            "Pouvez-vous préciser le tarif",
            "Faut-il apporter son vélo",
            "Avez-vous des places",
            "Peut-on venir à deux",
            "Et demain, y a-t-il un atelier",
        ] {
            assert!(asks(t, "fr"), "{t}");
        }
        assert!(!asks("On se donne rendez-vous devant l'entrée", "fr"));
        assert!(!asks("Suivez-nous pour la suite", "fr"));
        assert!(!asks("Article plein de fautes, relisez-vous svp", "fr"));
        assert!(asks("Acceptez-vous la carte", "fr"));
        assert!(asks("Inscrivez-vous les enfants ?", "fr"));
    }

    #[test]
    fn openers_without_question_mark() {
        for t in [
            "c'est à quelle heure demain",
            "Quand est-ce que ça commence",
            "Où peut-on se garer",
            "Comment on fait pour s'inscrire",
            "combien pour l'adhésion",
            "vs ouvrez a quelle heure le lundi",
        ] {
            assert!(asks(t, "fr"), "{t}");
        }
        for t in [
            "What time on Saturday",
            "when does the ride start",
            "where can I park",
            "how much is the membership",
            "do you sell inner tubes",
            "can I bring my dog",
            "is there a waiting list",
            "any chance you'll open on Sundays",
            "does anyone know if it's free",
            "Are helmets mandatory for the ride",
        ] {
            assert!(asks(t, "en"), "{t}");
        }
        for t in [
            "When I saw this I laughed",
            "Would recommend",
            "Can't wait for Saturday",
            "Was great, thanks",
            "what a fantastic turnout",
            "how cool is that",
        ] {
            assert!(!asks(t, "en"), "{t}");
        }
        for t in [
            "Quand je pense qu'on a fait ça",
            "Quelle belle pièce hier soir",
            "Comme d'habitude, parfait",
        ] {
            assert!(!asks(t, "fr"), "{t}");
        }
    }

    #[test]
    fn indirect_questions() {
        assert!(asks("je me demandais si vous livrez en Suisse", "fr"));
        assert!(asks(
            "Je voulais savoir si le pain de seigle est dispo",
            "fr"
        ));
        assert!(asks("I was wondering if you ship to Belgium", "en"));
        assert!(asks("can someone tell me where to sign up", "en"));
        assert!(!asks("For anyone wondering, the route is flat", "en"));
    }

    #[test]
    fn rhetorical_questions_are_not_questions() {
        for t in [
            "Qui fait encore ça ?",
            "Pourquoi ça ne m'étonne pas ?",
            "j'ai attendu 3 semaines, sérieux ?",
            "C'est pas beau, ça ? 😍",
            "Pourquoi les gens se garent toujours sur la piste ?",
            "Vous êtes sérieux ?",
        ] {
            assert!(!asks(t, "fr"), "{t}");
        }
        for t in [
            "Who even does that?",
            "Why am I not surprised?",
            "Isn't it great?",
            "Seriously?",
            "Who even parks like that?",
            "Are you kidding me?",
        ] {
            assert!(!asks(t, "en"), "{t}");
        }
        // A complaint put as a question to us still asks.
        assert!(asks(
            "Pourquoi personne ne répond jamais au téléphone ?",
            "fr"
        ));
        assert!(asks("Why do you never answer your emails?", "en"));
        assert!(asks("Isn't the workshop open on Sundays?", "en"));
    }
}
