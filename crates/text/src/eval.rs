//! The labelled sets and the figures we publish about them.
//!
//! `data/sentiment/{fr,en}-{dev,test}.tsv` hold replies labelled by hand:
//! a header `label<TAB>question<TAB>text`, then one reply a row with its
//! label (`positive`, `neutral`, `negative` or `critique`) and whether it
//! asks a question (`0`/`1`). The lexicons and rules are tuned on the dev
//! sets only; the test sets are held out and only ever scored in aggregate.
//! The sets are compiled into the crate, so the tests and `levain bench
//! sentiment` need no paths.

use std::fmt;

use serde::Serialize;

use crate::{Analyzer, Lang, Polarity};

include!(concat!(env!("OUT_DIR"), "/datasets.rs"));

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Positive,
    Neutral,
    Negative,
    /// Negative about the organisation the reply answers.
    Critique,
}

impl Label {
    pub const ALL: [Label; 4] = [
        Label::Positive,
        Label::Neutral,
        Label::Negative,
        Label::Critique,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Positive => "positive",
            Label::Neutral => "neutral",
            Label::Negative => "negative",
            Label::Critique => "critique",
        }
    }

    pub fn parse(s: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The three-class label: a critique is negative.
    pub fn polarity(self) -> Polarity {
        match self {
            Label::Positive => Polarity::Positive,
            Label::Neutral => Polarity::Neutral,
            Label::Negative | Label::Critique => Polarity::Negative,
        }
    }

    fn of(polarity: Polarity, critique: bool) -> Label {
        match polarity {
            Polarity::Positive => Label::Positive,
            Polarity::Neutral => Label::Neutral,
            Polarity::Negative if critique => Label::Critique,
            Polarity::Negative => Label::Negative,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub label: Label,
    pub question: bool,
    pub text: String,
    /// Line in its file, for messages.
    pub line: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{file}:{line}: {message}")]
    BadRow {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{0}: unknown data set (known: fr-dev, en-dev, fr-test, en-test)")]
    Unknown(String),
    #[error("{0}: absent when levain was built")]
    Absent(String),
}

const HEADER: &str = "label\tquestion\ttext";

/// Reads a labelled set; `file` names it in errors.
pub fn parse_tsv(file: &str, content: &str) -> Result<Vec<Example>, EvalError> {
    let bad = |line: usize, message: String| EvalError::BadRow {
        file: file.to_string(),
        line,
        message,
    };
    let mut lines = content
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    match lines.find(|(_, l)| !l.trim().is_empty()) {
        Some((_, HEADER)) => {}
        Some((n, other)) => {
            return Err(bad(
                n,
                format!("expected the header {HEADER:?}, found {other:?}"),
            ));
        }
        None => return Err(bad(1, "empty file".into())),
    }
    let mut examples = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let (Some(label), Some(question), Some(text)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return Err(bad(n, "expected label<TAB>question<TAB>text".into()));
        };
        let label = Label::parse(label.trim()).ok_or_else(|| {
            bad(
                n,
                format!("unknown label {label:?} (positive, neutral, negative, critique)"),
            )
        })?;
        let question = match question.trim() {
            "0" => false,
            "1" => true,
            other => return Err(bad(n, format!("question must be 0 or 1, not {other:?}"))),
        };
        if text.trim().is_empty() {
            return Err(bad(n, "empty text".into()));
        }
        examples.push(Example {
            label,
            question,
            text: text.to_string(),
            line: n,
        });
    }
    Ok(examples)
}

#[derive(Clone, Debug)]
pub struct Dataset {
    pub name: &'static str,
    pub lang: Lang,
    pub examples: Vec<Example>,
}

/// Names of the compiled-in sets and whether each was present at build time.
pub fn available() -> impl Iterator<Item = (&'static str, bool)> {
    DATASETS.iter().map(|(name, tsv)| (*name, tsv.is_some()))
}

/// A compiled-in set by name: "fr-dev", "en-dev", "fr-test", "en-test".
pub fn dataset(name: &str) -> Result<Dataset, EvalError> {
    let (name, tsv) = DATASETS
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| EvalError::Unknown(name.to_string()))?;
    let tsv = tsv.ok_or_else(|| EvalError::Absent(name.to_string()))?;
    let lang = Lang::from_tag(name).ok_or_else(|| EvalError::Unknown(name.to_string()))?;
    Ok(Dataset {
        name,
        lang,
        examples: parse_tsv(&format!("{name}.tsv"), tsv)?,
    })
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// How many examples truly are of the class.
    pub support: usize,
}

impl Scores {
    fn from_counts(tp: usize, predicted: usize, actual: usize) -> Scores {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, actual);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Scores {
            precision,
            recall,
            f1,
            support: actual,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub lang: Lang,
    pub examples: usize,
    /// Three classes (critique counted as negative).
    pub accuracy: f64,
    pub macro_f1: f64,
    pub positive: Scores,
    pub neutral: Scores,
    /// Negative including critique.
    pub negative: Scores,
    /// Critique against everything else.
    pub critique: Scores,
    pub question: Scores,
    /// `confusion[truth][predicted]` over positive, neutral, negative, critique.
    pub confusion: [[usize; 4]; 4],
}

/// One reply the analyzer got wrong (for tuning on dev sets).
#[derive(Clone, Debug)]
pub struct Miss<'a> {
    pub example: &'a Example,
    pub predicted: Label,
    pub question: bool,
    pub score: f32,
}

fn predict(analyzer: &Analyzer, lang: Lang, text: &str) -> (Label, bool, f32) {
    let r = analyzer.read(text, Some(lang.as_str()));
    (
        Label::of(r.sentiment.polarity, r.sentiment.critique),
        r.question,
        r.sentiment.score,
    )
}

pub fn evaluate(analyzer: &Analyzer, lang: Lang, examples: &[Example]) -> Report {
    let predictions: Vec<(Label, bool)> = examples
        .iter()
        .map(|ex| {
            let (label, question, _) = predict(analyzer, lang, &ex.text);
            (label, question)
        })
        .collect();
    score(lang, examples, &predictions)
}

/// Scores predictions (label, question) made by anyone, one per example in
/// order: how `levain bench sentiment` puts a peer on the same scale. A peer
/// without critique or question detection predicts `Negative` and `false`.
pub fn score(lang: Lang, examples: &[Example], predictions: &[(Label, bool)]) -> Report {
    assert_eq!(
        examples.len(),
        predictions.len(),
        "one prediction per example"
    );
    let mut confusion = [[0usize; 4]; 4];
    let (mut q_tp, mut q_pred, mut q_true) = (0, 0, 0);
    for (ex, &(label, question)) in examples.iter().zip(predictions) {
        confusion[ex.label as usize][label as usize] += 1;
        q_tp += usize::from(question && ex.question);
        q_pred += usize::from(question);
        q_true += usize::from(ex.question);
    }
    // Three classes: critique folds into negative.
    let fold = |l: usize| l.min(2);
    let mut three = [[0usize; 3]; 3];
    for (t, row) in confusion.iter().enumerate() {
        for (p, count) in row.iter().enumerate() {
            three[fold(t)][fold(p)] += count;
        }
    }
    let class = |k: usize| {
        let predicted = (0..3).map(|t| three[t][k]).sum();
        Scores::from_counts(three[k][k], predicted, three[k].iter().sum())
    };
    let (positive, neutral, negative) = (class(0), class(1), class(2));
    let correct: usize = (0..3).map(|k| three[k][k]).sum();
    let crit = Label::Critique as usize;
    let critique = Scores::from_counts(
        confusion[crit][crit],
        (0..4).map(|t| confusion[t][crit]).sum(),
        confusion[crit].iter().sum(),
    );
    Report {
        lang,
        examples: examples.len(),
        accuracy: if examples.is_empty() {
            0.0
        } else {
            correct as f64 / examples.len() as f64
        },
        macro_f1: (positive.f1 + neutral.f1 + negative.f1) / 3.0,
        positive,
        neutral,
        negative,
        critique,
        question: Scores::from_counts(q_tp, q_pred, q_true),
        confusion,
    }
}

/// The examples whose label or question flag the analyzer gets wrong.
pub fn misses<'a>(analyzer: &Analyzer, lang: Lang, examples: &'a [Example]) -> Vec<Miss<'a>> {
    examples
        .iter()
        .filter_map(|ex| {
            let (predicted, question, score) = predict(analyzer, lang, &ex.text);
            (predicted != ex.label || question != ex.question).then_some(Miss {
                example: ex,
                predicted,
                question,
                score,
            })
        })
        .collect()
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} replies, accuracy {:.3}, macro-F1 {:.3} (3 classes)",
            self.lang, self.examples, self.accuracy, self.macro_f1
        )?;
        writeln!(
            f,
            "  {:<10} {:>9} {:>7} {:>6} {:>8}",
            "", "precision", "recall", "F1", "support"
        )?;
        let rows = [
            ("positive", &self.positive),
            ("neutral", &self.neutral),
            ("negative", &self.negative),
            ("critique", &self.critique),
            ("question", &self.question),
        ];
        for (name, s) in rows {
            writeln!(
                f,
                "  {:<10} {:>9.3} {:>7.3} {:>6.3} {:>8}",
                name, s.precision, s.recall, s.f1, s.support
            )?;
        }
        writeln!(f, "  confusion (rows: truth, columns: predicted)")?;
        writeln!(
            f,
            "  {:<10} {:>5} {:>5} {:>5} {:>5}",
            "", "pos", "neu", "neg", "crit"
        )?;
        for (label, row) in Label::ALL.iter().zip(&self.confusion) {
            writeln!(
                f,
                "  {:<10} {:>5} {:>5} {:>5} {:>5}",
                label.as_str(),
                row[0],
                row[1],
                row[2],
                row[3]
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_name_their_line() {
        let ok = "label\tquestion\ttext\npositive\t0\tsuper\n\ncritique\t1\tpourquoi ?\n";
        let ex = parse_tsv("t.tsv", ok).unwrap();
        assert_eq!(ex.len(), 2);
        assert_eq!(
            (ex[1].label, ex[1].question, ex[1].line),
            (Label::Critique, true, 4)
        );
        let bad = |content: &str| parse_tsv("t.tsv", content).unwrap_err().to_string();
        assert!(bad("label\tquestion\ttext\nhappy\t0\tx\n").starts_with("t.tsv:2: unknown label"));
        assert!(
            bad("label\tquestion\ttext\npositive\tyes\tx\n")
                .starts_with("t.tsv:2: question must be")
        );
        assert!(bad("label\tquestion\ttext\npositive\t0\n").starts_with("t.tsv:2: expected label"));
        assert!(bad("text\n").starts_with("t.tsv:1: expected the header"));
    }

    #[test]
    fn scores_count_critique_as_negative_and_apart() {
        let examples = parse_tsv(
            "t.tsv",
            "label\tquestion\ttext\npositive\t0\tGénial, merci !\nneutral\t1\tVous ouvrez à quelle heure ?\n\
             critique\t0\tVos prix sont délirants\nnegative\t0\tQuelle tristesse cette actu\n",
        )
        .unwrap();
        let r = evaluate(&Analyzer::new(), Lang::Fr, &examples);
        assert_eq!(r.confusion.iter().flatten().sum::<usize>(), 4);
        assert_eq!(r.negative.support, 2);
        assert_eq!(r.critique.support, 1);
        assert_eq!(r.question.support, 1);
        assert!(r.to_string().contains("macro-F1"));
    }

    fn check_set(name: &str, min_macro_f1: f64, min_question_f1: Option<f64>) {
        let set = match dataset(name) {
            Ok(set) => set,
            Err(EvalError::Absent(_)) => {
                println!("skipped: {name}.tsv absent");
                return;
            }
            Err(e) => panic!("{e}"),
        };
        let report = evaluate(&Analyzer::new(), set.lang, &set.examples);
        println!("{name}\n{report}");
        assert!(
            report.macro_f1 >= min_macro_f1,
            "{name}: macro-F1 {:.3} < {min_macro_f1}",
            report.macro_f1
        );
        if let Some(min) = min_question_f1 {
            assert!(
                report.question.f1 >= min,
                "{name}: question F1 {:.3} < {min}",
                report.question.f1
            );
        }
    }

    #[test]
    fn french_dev_set() {
        check_set("fr-dev", 0.8, Some(0.8));
    }

    #[test]
    fn english_dev_set() {
        check_set("en-dev", 0.8, Some(0.8));
    }

    #[test]
    fn french_test_set() {
        check_set("fr-test", 0.75, None);
    }

    #[test]
    fn english_test_set() {
        check_set("en-test", 0.75, None);
    }
}
