//! Polarity, critique and evidence of one reply.
//!
//! A lexicon method in the manner of VADER (Hutto & Gilbert, 2014), with
//! rules for how people write replies:
//!
//! 1. Each word, phrase, emoji or emoticon with a valence contributes it,
//!    scaled by intensifiers and downtoners before it ("trop", "a bit"),
//!    ALL CAPS and stretched letters, and reversed by a negator in its
//!    clause ("pas mal", "not great"; French "j'aime pas" too), except in
//!    "can't recommend … enough" and "jamais assez".
//! 2. Praise inside a real question asks rather than praises ("is the café
//!    dog friendly?"); impatience in a question is a complaint ("vous allez
//!    enfin … ?"); rhetorical set phrases carry their own valence.
//! 3. Irony — a sure marker (🙄, "/s", "yeah right", "c'est ça oui") or a
//!    bare "Super, …" followed by repetition or trouble ("encore fermé") —
//!    turns praise into blame.
//! 4. After "mais"/"but" a clause weighs three times what came before;
//!    a concession ("même si", "although") weighs half.
//! 5. Exclamation marks push the total further from zero.
//!
//! A negative reply is a critique when its blame is aimed at us: the first
//! target named in the blaming clause (else its sentence, else the reply)
//! is ours (second person, own names, what we offer) rather than someone
//! else's (weather, traffic, a third party); sympathy ("courage",
//! "so sorry to hear") and sadness ("triste", 😢) are not critique unless
//! said to us. With no target named at all, a judgment ("décevant",
//! "overpriced", 👎) is taken as aimed at the post; a feeling or a state of
//! the world ("horrible", "fed up", 😡) is not.

use serde::Serialize;

use crate::Lang;
use crate::analysis::Analysis;
use crate::lexicon::role;
use crate::question::Question;
use crate::token::Kind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Positive,
    Neutral,
    Negative,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Neutral => "neutral",
            Polarity::Negative => "negative",
        }
    }
}

impl std::fmt::Display for Polarity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sentiment {
    pub lang: Lang,
    pub polarity: Polarity,
    /// In (−1, 1): the sum of contributions, squashed as VADER's compound.
    pub score: f32,
    /// Negative and aimed at us (our people, products, prices, posts…).
    pub critique: bool,
    /// The sentence that carries the polarity (or the critique), as written.
    pub evidence: Option<String>,
}

/// VADER's multiplier for a negated word.
const NEGATION: f32 = -0.74;
/// Weight of what comes before and after "mais"/"but".
const BEFORE_CONTRAST: f32 = 0.5;
const AFTER_CONTRAST: f32 = 1.5;
const CONCESSION: f32 = 0.5;
/// How much a booster weighs by distance (1, 2, 3 words before).
const BOOST_DECAY: [f32; 3] = [1.0, 0.95, 0.9];
const CAPS_BOOST: f32 = 0.3;
const STRETCH_BOOST: f32 = 0.2;
/// Irony keeps most of the strength of the praise it reverses.
const IRONY: f32 = -0.8;
/// Blame inside a real question is half blame (asking about a problem).
const BLAME_IN_QUESTION: f32 = 0.5;
const IMPATIENCE: f32 = -1.5;
const EXCESS: f32 = -1.0;
const EXCLAMATION: f32 = 0.292;
/// VADER's normalisation constant: score = x / sqrt(x² + α).
const ALPHA: f32 = 15.0;
/// Totals closer to zero than this are neutral.
const THRESHOLD: f32 = 0.5;

enum Negation {
    None,
    Negated,
    /// "can't recommend enough", "jamais assez": a stronger yes.
    Enough,
}

pub(crate) fn score(a: &Analysis, questions: &[Question]) -> Sentiment {
    let n = a.toks.toks.len();
    let mut contrib = vec![0f32; n];
    for (i, c) in contrib.iter_mut().enumerate() {
        if !a.covered[i] && a.info[i].has(role::VALENCE) {
            let q = questions.get(a.sentence_of[i]);
            *c = valence(a, i, q.is_some_and(|q| q.unnegate));
        } else if !a.covered[i] && a.info[i].has(role::EXCESS) {
            *c = excess(a, i);
        }
    }
    apply_questions(a, questions, &mut contrib);
    if ironic(a, &contrib) {
        for c in contrib.iter_mut().filter(|c| **c > 0.0) {
            *c *= IRONY;
        }
    }
    apply_contrast(a, &mut contrib);

    let mut total: f32 = contrib.iter().sum();
    let bangs: usize = (0..n).map(|i| a.toks.exclamations(i)).sum::<usize>().min(4);
    if total != 0.0 {
        total += total.signum() * EXCLAMATION * bangs as f32;
    }
    let polarity = if total >= THRESHOLD {
        Polarity::Positive
    } else if total <= -THRESHOLD {
        Polarity::Negative
    } else {
        Polarity::Neutral
    };
    let (critique, critique_sentence) = if polarity == Polarity::Negative {
        aim(a, &contrib)
    } else {
        (false, None)
    };
    let evidence_sentence = critique_sentence.or_else(|| strongest_sentence(a, &contrib, polarity));
    Sentiment {
        lang: a.lang,
        polarity,
        score: total / (total * total + ALPHA).sqrt(),
        critique,
        evidence: evidence_sentence.map(|s| a.toks.source(a.sentences[s].toks.clone()).to_string()),
    }
}

/// One token's contribution before sentence-level rules.
fn valence(a: &Analysis, i: usize, unnegate: bool) -> f32 {
    let info = a.info[i];
    let tok = &a.toks.toks[i];
    let mut factor = 1.0;
    for (k, j) in a.prev_in_clause(i, 3).enumerate() {
        let b = a.info[j];
        if b.boost != 0.0 && !b.has(role::BOOST_AFTER) {
            factor += b.boost * BOOST_DECAY[k];
        }
    }
    for j in a.next_in_clause(i, 2) {
        if a.info[j].has(role::BOOST_AFTER) {
            factor += a.info[j].boost;
        }
    }
    if tok.caps {
        factor += CAPS_BOOST;
    }
    if tok.elongated {
        factor += STRETCH_BOOST;
    }
    let factor = factor.max(0.2);
    // Emoji say what they say: "je ne pourrai pas venir 😢" is sad.
    let is_mark = matches!(tok.kind, Kind::Emoji | Kind::Emoticon);
    let negation = if unnegate || is_mark || info.has(role::SELF_NEGATED) {
        Negation::None
    } else if a.negated_inside[i] {
        Negation::Negated
    } else {
        negation(a, i)
    };
    let v = match negation {
        Negation::None => info.valence * factor,
        Negation::Negated => info.negated.unwrap_or(NEGATION * info.valence) * factor,
        Negation::Enough => info.valence * (factor + 0.5),
    };
    if tok.quoted && v > 0.0 {
        // Scare quotes: a "quick fix" that took two weeks.
        return IRONY * v;
    }
    v
}

/// "Too crowded", "too small": an excess is a complaint when the word after
/// it has no valence of its own (which "too expensive" boosts instead);
/// "not too crowded" is fine.
fn excess(a: &Analysis, i: usize) -> f32 {
    let plain_next = a.next_in_clause(i, 1).next().is_some_and(|j| {
        a.toks.toks[j].kind == Kind::Word && !a.info[j].has(role::VALENCE | role::FILLER)
    });
    if !plain_next {
        return 0.0;
    }
    match negation(a, i) {
        Negation::None => EXCESS,
        _ => NEGATION * EXCESS,
    }
}

fn negation(a: &Analysis, i: usize) -> Negation {
    let window = match a.lang {
        Lang::Fr => 4,
        Lang::En => 3,
    };
    // The nearest negator before, unless another word with a valence stands
    // between ("never fails to impress": "never" is about "fails").
    let negator_before = a
        .prev_in_clause(i, window)
        .take_while(|&j| {
            (!a.info[j].has(role::VALENCE) || a.info[j].has(role::NEGATOR))
                && !a.info[j].has(role::SUBORDINATOR)
        })
        .any(|j| a.info[j].has(role::NEGATOR));
    if negator_before {
        // "can't recommend them enough", "je ne vous remercierai jamais assez"
        let clause = a.clause_range(i);
        let enough_after = clause
            .clone()
            .skip_while(|&k| k <= i)
            .any(|k| a.info[k].has(role::ENOUGH));
        let enough_negator = clause
            .into_iter()
            .any(|k| !a.covered[k] && a.info[k].has(role::NEG_ENOUGH));
        return if enough_after && enough_negator {
            Negation::Enough
        } else {
            Negation::Negated
        };
    }
    // "J'aime pas", "ça vaut rien": French negators after the verb, when no
    // other word with a valence follows them ("super pas cher" is cheap).
    let mut next = a.next_in_clause(i, 2);
    if let Some(k) = next.find(|&k| a.info[k].has(role::NEG_AFTER | role::VALENCE)) {
        let belongs_after = a.next_in_clause(k, 3).any(|m| a.info[m].has(role::VALENCE));
        if a.info[k].has(role::NEG_AFTER) && !belongs_after {
            return Negation::Negated;
        }
    }
    Negation::None
}

fn apply_questions(a: &Analysis, questions: &[Question], contrib: &mut [f32]) {
    for (s, q) in a.sentences.iter().zip(questions) {
        if q.asks {
            // "Is the café dog friendly?", "is that too young?" ask.
            for i in q.span.clone() {
                let c = &mut contrib[i];
                *c = if *c > 0.0 || a.info[i].has(role::EXCESS) {
                    0.0
                } else {
                    *c * BLAME_IN_QUESTION
                };
            }
        }
        if (q.asks || q.rhetorical || s.has_qmark)
            && let Some(i) = s
                .toks
                .clone()
                .find(|&i| !a.covered[i] && a.info[i].has(role::IMPATIENCE))
        {
            contrib[i] += IMPATIENCE;
        }
        if q.value != 0.0 {
            contrib[s.toks.start] += q.value;
        }
    }
}

/// A sure marker anywhere, or a short burst of praise ("Super, …",
/// "…, great", "bravo le suivi") set against trouble with no praise of its
/// own: not when "mais"/"but" already says the reply is mixed, nor when the
/// trouble is only sadness ("Super soirée, dommage que je parte tôt").
fn ironic(a: &Analysis, contrib: &[f32]) -> bool {
    let n = a.toks.toks.len();
    if a.any_role(0..n, role::IRONY) {
        return true;
    }
    if a.any_role(0..n, role::CONTRAST) {
        return false;
    }
    let trouble_without_praise = |range: std::ops::Range<usize>| {
        let trouble = range
            .clone()
            .any(|k| contrib[k] < 0.0 && !a.info[k].has(role::SAD));
        trouble && !range.clone().any(|k| contrib[k] > 0.0)
    };
    a.sentences.iter().any(|s| {
        let clauses = clauses_of(a, s.toks.clone());
        let (Some(first), Some(last)) = (clauses.first(), clauses.last()) else {
            return false;
        };
        // The rest of the reply, not only of the sentence: "Bravo… encore raté".
        let after = first.end..n;
        let before = 0..last.start;
        let has_words = |r: &std::ops::Range<usize>| r.clone().any(|k| a.toks.toks[k].is_word());
        (burst_of_praise(a, contrib, first.clone(), 2) && has_words(&after) && trouble_without_praise(after))
            // At the end only a bare word: "…, great" but not "…, in the best way".
            || (burst_of_praise(a, contrib, last.clone(), 0) && has_words(&before) && trouble_without_praise(before))
    })
}

/// The clauses of a sentence, as token ranges without their punctuation.
fn clauses_of(a: &Analysis, sentence: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for i in sentence.filter(|&i| a.toks.toks[i].kind != Kind::Punct) {
        match out.last_mut() {
            Some(r) if a.clause[r.start] == a.clause[i] => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// A clause that opens with a word of praise followed by at most
/// `max_more` other words: "Oh great", "Génial", "bravo le suivi", "well
/// done council" (thanks excepted: "Merci, encore une fois").
fn burst_of_praise(
    a: &Analysis,
    contrib: &[f32],
    clause: std::ops::Range<usize>,
    max_more: usize,
) -> bool {
    // A phrase's later words count: "in the best way" is four words.
    let mut words = clause
        .filter(|&i| a.toks.toks[i].kind == Kind::Word)
        .filter(|&i| !(a.info[i].has(role::FILLER) && contrib[i] <= 0.0) && a.info[i].boost == 0.0);
    let Some(head) = words.next() else {
        return false;
    };
    let rest: Vec<usize> = words.collect();
    contrib[head] > 0.0
        && !a.info[head].has(role::THANKS)
        && rest.len() <= max_more
        && rest.iter().all(|&i| contrib[i] == 0.0)
}

fn apply_contrast(a: &Analysis, contrib: &mut [f32]) {
    let n = contrib.len();
    if let Some(c) = (0..n)
        .rev()
        .find(|&i| !a.covered[i] && a.info[i].has(role::CONTRAST))
    {
        contrib[..c].iter_mut().for_each(|v| *v *= BEFORE_CONTRAST);
        contrib[c..].iter_mut().for_each(|v| *v *= AFTER_CONTRAST);
    }
    for k in (0..n).filter(|&k| !a.covered[k] && a.info[k].has(role::CONCESSIVE)) {
        for i in a.clause_range(k) {
            contrib[i] *= CONCESSION;
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    Us,
    Elsewhere,
}

/// Whether the blame is aimed at us, and the sentence that carries it.
fn aim(a: &Analysis, contrib: &[f32]) -> (bool, Option<usize>) {
    let n = contrib.len();
    let mut ours = 0f32;
    let mut theirs = 0f32;
    let mut by_sentence = vec![0f32; a.sentences.len()];
    for i in (0..n).filter(|&i| contrib[i] < 0.0) {
        let weight = -contrib[i];
        let target = target_of(a, i);
        if target == Target::Us {
            ours += weight;
            if let Some(s) = by_sentence.get_mut(a.sentence_of[i]) {
                *s += weight;
            }
        } else {
            theirs += weight;
        }
    }
    let critique = ours > theirs;
    let sentence = critique
        .then(|| {
            by_sentence
                .iter()
                .enumerate()
                .max_by(|x, y| x.1.total_cmp(y.1))
                .map(|(s, _)| s)
        })
        .flatten();
    (critique, sentence)
}

fn target_of(a: &Analysis, i: usize) -> Target {
    let n = a.toks.toks.len();
    let sentence = a
        .sentences
        .get(a.sentence_of[i])
        .map_or(0..n, |s| s.toks.clone());
    if a.any_role(sentence.clone(), role::SYMPATHY) {
        return Target::Elsewhere;
    }
    let clause = a.clause_range(i);
    if a.info[i].has(role::SAD) {
        // Sadness is blame only when said to us.
        return if a.any_role(clause, role::US) {
            Target::Us
        } else {
            Target::Elsewhere
        };
    }
    let named = first_target(a, clause)
        .or_else(|| first_target(a, sentence))
        .or_else(|| {
            if a.any_role(0..n, role::SYMPATHY) {
                Some(Target::Elsewhere)
            } else {
                first_target(a, 0..n)
            }
        });
    // Nothing named: a judgment ("décevant", "overpriced", 👎) is about the
    // post it answers; a feeling or a state of the world is not.
    named.unwrap_or(if a.info[i].has(role::WORLD) {
        Target::Elsewhere
    } else {
        Target::Us
    })
}

/// "le prix du beurre", "the price of petrol".
const GENITIVES: &[&str] = &["de", "du", "des", "d", "of"];

/// The first target named in `range`. What we offer, followed closely by
/// someone else's ("le prix du beurre", "the price of petrol"), is theirs.
fn first_target(a: &Analysis, range: std::ops::Range<usize>) -> Option<Target> {
    let end = range.end;
    range.clone().filter(|&i| !a.covered[i]).find_map(|i| {
        let info = a.info[i];
        if info.has(role::US) {
            Some(Target::Us)
        } else if info.has(role::OFFER) {
            let of = i + 1 < end && GENITIVES.contains(&a.toks.norm(i + 1));
            let theirs = of
                && (i + 2..end.min(i + 5)).any(|j| !a.covered[j] && a.info[j].has(role::ELSEWHERE));
            Some(if theirs {
                Target::Elsewhere
            } else {
                Target::Us
            })
        } else if info.has(role::ELSEWHERE) {
            Some(Target::Elsewhere)
        } else {
            None
        }
    })
}

/// The sentence whose contributions push hardest toward `polarity`.
fn strongest_sentence(a: &Analysis, contrib: &[f32], polarity: Polarity) -> Option<usize> {
    let sign = match polarity {
        Polarity::Positive => 1.0,
        Polarity::Negative => -1.0,
        Polarity::Neutral => return None,
    };
    a.sentences
        .iter()
        .enumerate()
        .map(|(k, s)| (k, sign * contrib[s.toks.clone()].iter().sum::<f32>()))
        .filter(|(_, v)| *v > 0.0)
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(k, _)| k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer;

    fn read(text: &str, lang: &str) -> Sentiment {
        Analyzer::new().sentiment(text, Some(lang))
    }

    fn polarity(text: &str, lang: &str) -> Polarity {
        read(text, lang).polarity
    }

    fn label(text: &str, lang: &str) -> &'static str {
        let s = read(text, lang);
        if s.critique {
            "critique"
        } else {
            s.polarity.as_str()
        }
    }

    #[track_caller]
    fn all(lang: &str, want: Polarity, texts: &[&str]) {
        for t in texts {
            assert_eq!(polarity(t, lang), want, "{t:?}");
        }
    }

    #[test]
    fn inflections_and_missing_accents_match() {
        all(
            "fr",
            Polarity::Negative,
            &[
                "déçu",
                "decu",
                "Je suis déçue",
                "on est tous déçus",
                "tres decues",
                "un peu décevant",
                "décevantes, ces portions",
            ],
        );
        all(
            "fr",
            Polarity::Positive,
            &[
                "j'adore",
                "adoré !",
                "on adorons",
                "vous êtes GENIAUX",
                "geniale",
            ],
        );
        all(
            "en",
            Polarity::Negative,
            &["disappointing", "so disappointed", "a disappointment"],
        );
        all(
            "en",
            Polarity::Positive,
            &["loved it", "the friendliest staff", "couldn't be happier"],
        );
    }

    #[test]
    fn negation_has_a_scope() {
        all(
            "fr",
            Polarity::Positive,
            &[
                "pas mal",
                "pas mal du tout",
                "C'était pas mal, vraiment",
                "je ne suis pas déçu",
                "jamais déçue par votre pain",
                "rien à redire",
                "Je ne vous remercierai jamais assez",
                "pas de souci, merci",
            ],
        );
        all(
            "fr",
            Polarity::Negative,
            &[
                "pas terrible",
                "pas top",
                "pas génial",
                "je n'aime pas",
                "j'aime pas trop",
                "je ne reviendrai plus jamais",
                "jamais reçu ma commande",
                "le site ne fonctionne pas",
                "ça marche pas",
            ],
        );
        all(
            "en",
            Polarity::Positive,
            &[
                "not bad",
                "not bad at all",
                "never disappointed",
                "no complaints",
                "can't recommend this place enough",
                "cant recommend them enough",
                "I don't hate it",
            ],
        );
        all(
            "en",
            Polarity::Negative,
            &[
                "not great",
                "not happy",
                "I don't like it",
                "dont recommend",
                "never arrived",
                "the app won't work",
                "wont help at all",
                "can't say I enjoyed it",
            ],
        );
        // A negator does not reach past its clause, nor onto a word it is not next to.
        assert_eq!(
            polarity("Pas de réponse, mais le pain est excellent", "fr"),
            Polarity::Positive
        );
        assert_eq!(polarity("super pas cher", "fr"), Polarity::Positive);
        assert_eq!(
            polarity("No idea why, but I love it", "en"),
            Polarity::Positive
        );
    }

    #[test]
    fn elisions_on_both_apostrophes() {
        all(
            "fr",
            Polarity::Positive,
            &["j'adore", "j’adore", "l'atelier c'est top", "c’est génial"],
        );
        all(
            "fr",
            Polarity::Negative,
            &[
                "l'accueil n'est pas terrible",
                "qu'il est nul",
                "n’importe quoi",
            ],
        );
        assert!(read("l’atelier est nul", "fr").critique);
        assert!(read("jusqu'à 3 semaines d'attente, c'est inadmissible", "fr").critique);
        assert_eq!(polarity("d'accord", "fr"), Polarity::Neutral);
    }

    #[test]
    fn emoji_and_emoticons() {
        all(
            "fr",
            Polarity::Positive,
            &["😍", "🔥🔥", "👍🏽", "🙏", "❤️", "merci :)", "<3", "super ^^"],
        );
        all(
            "en",
            Polarity::Negative,
            &["😡", "😢😢", "💩", "👎", "meh :(", ":'("],
        );
        assert_eq!(polarity("🚲", "fr"), Polarity::Neutral);
        assert_eq!(polarity("Vu ce matin 🙂", "fr"), Polarity::Positive);
        // "/" and ":" inside a link are not emoticons.
        assert_eq!(
            polarity("https://example.org/a:/s", "en"),
            Polarity::Neutral
        );
    }

    #[test]
    fn irony_turns_praise_into_blame() {
        all(
            "fr",
            Polarity::Negative,
            &[
                "Super, encore un retard 🙄",
                "Génial, le site est encore en panne",
                "c'est ça oui, ouvert à tous",
                "Bravo… encore raté",
                "Trop bien, il pleut /s",
                "Merci pour rien",
            ],
        );
        all(
            "en",
            Polarity::Negative,
            &[
                "Great, the app crashed again",
                "great, closed again",
                "yeah right, best service ever",
                "Wonderful news 🙃",
                "love that for us /s",
                "thanks for nothing",
            ],
        );
        // Praise with nothing wrong after it is not irony.
        all(
            "fr",
            Polarity::Positive,
            &["Super, merci encore !", "Génial, à samedi !"],
        );
        all(
            "en",
            Polarity::Positive,
            &["Great, thanks again!", "Brilliant, see you Saturday"],
        );
    }

    #[test]
    fn intensity() {
        let s = |t: &str, l: &str| read(t, l).score;
        assert!(s("trop bien", "fr") > s("bien", "fr"));
        assert!(s("vraiment génial", "fr") > s("génial", "fr"));
        assert!(s("un peu déçu", "fr") > s("déçu", "fr"));
        assert!(s("hyper content", "fr") > s("content", "fr"));
        assert!(s("really good", "en") > s("good", "en"));
        assert!(s("a bit disappointed", "en") > s("disappointed", "en"));
        assert!(s("kinda love it", "en") < s("love it", "en"));
        assert!(s("GÉNIAL", "fr") > s("génial", "fr"));
        assert!(s("AWFUL", "en") < s("awful", "en"));
        assert!(s("suuuper", "fr") > s("super", "fr"));
        assert!(s("bieeeen", "fr") > s("bien", "fr"));
        assert!(s("sooo goood", "en") > s("so good", "en"));
        assert!(s("great!!!", "en") > s("great", "en"));
        assert!(s("nul !!!", "fr") < s("nul", "fr"));
        assert_eq!(polarity("grave stylé", "fr"), Polarity::Positive);
        assert_eq!(polarity("tellement triste", "fr"), Polarity::Negative);
    }

    #[test]
    fn after_but_counts_more() {
        assert_eq!(
            label("belle idée mais les prix sont délirants", "fr"),
            "critique"
        );
        assert_eq!(
            label(
                "Un peu cher mais franchement le meilleur pain du quartier",
                "fr"
            ),
            "positive"
        );
        assert_eq!(
            label(
                "Super accueil. Par contre, l'attente était interminable",
                "fr"
            ),
            "critique"
        );
        assert_eq!(
            label("Bon atelier, cependant trop court et mal organisé", "fr"),
            "critique"
        );
        assert_eq!(
            label("nice idea but the prices are crazy", "en"),
            "critique"
        );
        assert_eq!(
            label("Slow service but honestly the best coffee in town", "en"),
            "positive"
        );
        assert_eq!(
            label("The staff were lovely, however the room was filthy", "en"),
            "critique"
        );
        // A concession weighs less than the main clause.
        assert_eq!(
            label("Even though it rained, what a great ride", "en"),
            "positive"
        );
        assert_eq!(label("Même s'il a plu, superbe sortie", "fr"), "positive");
    }

    #[test]
    fn critique_is_blame_aimed_at_us() {
        for t in [
            "Vos prix sont délirants",
            "Le service client ne répond jamais",
            "Très déçu par la livraison",
            "Votre article est bourré d'erreurs",
            "Nul.",
            "L'accueil était glacial, personne pour nous aider",
        ] {
            assert_eq!(label(t, "fr"), "critique", "{t}");
        }
        for t in [
            "Quelle météo pourrie",
            "Les bouchons ce matin, un enfer",
            "Courage à vous, c'est terrible ce qui arrive",
            "Triste nouvelle",
            "Mon patron refuse encore le télétravail, ridicule",
            "Encore une grève SNCF, j'en ai marre",
        ] {
            assert_eq!(label(t, "fr"), "negative", "{t}");
        }
        for t in [
            "Your prices went up again",
            "The app is useless since the update",
            "rude staff",
            "Worst customer service ever",
        ] {
            assert_eq!(label(t, "en"), "critique", "{t}");
        }
        for t in [
            "The weather is awful today",
            "Traffic was a nightmare",
            "So sorry to hear about your loss",
            "My landlord is useless",
        ] {
            assert_eq!(label(t, "en"), "negative", "{t}");
        }
        let own = Analyzer::with_own_names(&["L'Atelier du Rayon", "atelierdurayon"]);
        let s = own.sentiment("Franchement, L'Atelier du Rayon c'est nul", Some("fr"));
        assert!(s.critique);
        assert!(
            own.sentiment(
                "@atelierdurayon j'attends toujours ma commande, inadmissible",
                Some("fr")
            )
            .critique
        );
    }

    #[test]
    fn with_no_target_judgments_are_critique_and_feelings_are_not() {
        for t in [
            "Décevant.",
            "Trop cher pour ce que c'est",
            "Lamentable",
            "👎",
        ] {
            assert_eq!(label(t, "fr"), "critique", "{t}");
        }
        for t in ["Pathetic.", "Overpriced and slow", "Not worth it"] {
            assert_eq!(label(t, "en"), "critique", "{t}");
        }
        for t in [
            "J'en ai marre 😡",
            "Quelle horreur",
            "Je suis dégoûtée, j'ai oublié mon porte-monnaie",
        ] {
            assert_eq!(label(t, "fr"), "negative", "{t}");
        }
        for t in [
            "Ugh, fed up",
            "So scary",
            "Flu has wiped me out, gutted to miss it",
        ] {
            assert_eq!(label(t, "en"), "negative", "{t}");
        }
        // ...but said of what we offer, a feeling is a critique.
        assert_eq!(label("Le service était horrible", "fr"), "critique");
        assert_eq!(label("The service was awful", "en"), "critique");
    }

    #[test]
    fn what_we_offer_of_someone_else_is_theirs() {
        assert_eq!(label("Le prix du beurre a explosé", "fr"), "negative");
        assert_eq!(label("The price of petrol is ridiculous", "en"), "negative");
        assert_eq!(label("Vos prix ont explosé", "fr"), "critique");
    }

    #[test]
    fn too_much_of_a_plain_thing_is_a_complaint() {
        assert_eq!(label("The room was too crowded", "en"), "critique");
        assert_eq!(
            polarity("not too crowded, lovely", "en"),
            Polarity::Positive
        );
        assert_eq!(polarity("me too", "en"), Polarity::Neutral);
        assert_eq!(
            polarity("Is there a version for kids too?", "en"),
            Polarity::Neutral
        );
        assert_eq!(label("Trop de monde et trop d'attente", "fr"), "critique");
    }

    #[test]
    fn negation_stops_at_que_and_that() {
        assert_eq!(
            polarity("pas étonnant que tout augmente partout", "fr"),
            Polarity::Negative
        );
        assert_eq!(
            polarity("not surprising that it failed", "en"),
            Polarity::Negative
        );
    }

    #[test]
    fn evidence_is_the_sentence_that_carries_it() {
        let s = read(
            "Je suis passé samedi. Le pain était rassis et l'accueil glacial. Bonne journée",
            "fr",
        );
        assert_eq!(
            s.evidence.as_deref(),
            Some("Le pain était rassis et l'accueil glacial.")
        );
        let s = read(
            "Went there on Saturday. Absolutely loved it! See you soon",
            "en",
        );
        assert_eq!(s.evidence.as_deref(), Some("Absolutely loved it!"));
        assert_eq!(read("Je passerai vers midi", "fr").evidence, None);
    }

    #[test]
    fn praise_inside_a_real_question_is_not_an_opinion() {
        all(
            "en",
            Polarity::Neutral,
            &[
                "Is the café dog friendly?",
                "Is the beginner class good for kids?",
            ],
        );
        all(
            "fr",
            Polarity::Neutral,
            &[
                "L'expo est gratuite pour les étudiants ?",
                "C'est bien pour les enfants ?",
            ],
        );
        all(
            "fr",
            Polarity::Negative,
            &[
                "Vous allez enfin répondre ?",
                "Vous comptez me rembourser un jour ?",
            ],
        );
        all(
            "en",
            Polarity::Positive,
            &["Isn't it great?", "Love this! Is there a version for kids?"],
        );
    }

    #[test]
    fn neutral_information_stays_neutral() {
        all(
            "fr",
            Polarity::Neutral,
            &[
                "Je passerai avec ma nièce vers 15h",
                "Le marché est déplacé rue Paul Bert ce samedi",
                "Partagé dans le groupe du quartier",
                "pas mal de monde prévu samedi",
            ],
        );
        all(
            "en",
            Polarity::Neutral,
            &[
                "I'll be there with my son",
                "My order number is 4521 if that helps",
                "The meeting is on the 14th at 7pm",
                "Tagging @lucie who asked about this",
            ],
        );
    }
}
