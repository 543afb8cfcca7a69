//! `levain bench sentiment`: the reading of replies (`levain-text`) on the
//! labelled sets, held-out test sets first, beside VADER when a Python with
//! `vaderSentiment` and `vaderSentiment-fr` is given.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

use levain_text::Analyzer;
use levain_text::eval::{self, Label, Report};
use serde::Serialize;

use crate::util::print_json;

#[derive(clap::Args)]
pub struct SentimentArgs {
    /// A Python with `vaderSentiment` and `vaderSentiment-fr` installed
    /// (pip install vaderSentiment vadersentiment-fr): VADER reads the same
    /// sets, side by side.
    #[arg(long)]
    peer_python: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct SetResult {
    set: &'static str,
    held_out: bool,
    levain: Report,
    /// VADER's three-class reading (it has no critique or question detection).
    vader: Option<Report>,
    levain_replies_per_s: f64,
    vader_replies_per_s: Option<f64>,
}

pub fn run(a: SentimentArgs) -> anyhow::Result<ExitCode> {
    let analyzer = Analyzer::new();
    let mut results = Vec::new();
    for name in ["fr-test", "en-test", "fr-dev", "en-dev"] {
        let set = eval::dataset(name)?;
        let levain = eval::evaluate(&analyzer, set.lang, &set.examples);
        // Throughput: the set read over and over for about half a second.
        let started = Instant::now();
        let mut read = 0usize;
        while started.elapsed().as_secs_f64() < 0.5 {
            for ex in &set.examples {
                std::hint::black_box(analyzer.read(&ex.text, Some(set.lang.as_str())));
            }
            read += set.examples.len();
        }
        let levain_replies_per_s = read as f64 / started.elapsed().as_secs_f64();
        let (vader, vader_replies_per_s) = match &a.peer_python {
            Some(py) => {
                let (labels, seconds) = vader(py, set.lang.as_str(), &set.examples)?;
                let preds: Vec<(Label, bool)> = labels.into_iter().map(|l| (l, false)).collect();
                (
                    Some(eval::score(set.lang, &set.examples, &preds)),
                    Some(set.examples.len() as f64 / seconds.max(1e-9)),
                )
            }
            None => (None, None),
        };
        results.push(SetResult {
            set: name,
            held_out: name.ends_with("-test"),
            levain,
            vader,
            levain_replies_per_s,
            vader_replies_per_s,
        });
    }
    if a.json {
        print_json(&results)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Sentiment of replies, 3 classes (critique counts as negative); test sets are held out, dev sets were used to write the lexicons."
    );
    println!(
        "| set | replies | levain accuracy | levain macro-F1 | critique P / R | question P / R | VADER accuracy | VADER macro-F1 | levain replies/s | VADER replies/s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let opt =
        |v: Option<f64>, digits: usize| v.map_or("–".to_owned(), |x| format!("{x:.digits$}"));
    for r in &results {
        let l = &r.levain;
        println!(
            "| {}{} | {} | {:.3} | {:.3} | {:.3} / {:.3} | {:.3} / {:.3} | {} | {} | {:.0} | {} |",
            r.set,
            if r.held_out { "" } else { " (tuning)" },
            l.examples,
            l.accuracy,
            l.macro_f1,
            l.critique.precision,
            l.critique.recall,
            l.question.precision,
            l.question.recall,
            opt(r.vader.as_ref().map(|v| v.accuracy), 3),
            opt(r.vader.as_ref().map(|v| v.macro_f1), 3),
            r.levain_replies_per_s,
            opt(r.vader_replies_per_s, 0),
        );
    }
    if a.peer_python.is_none() {
        println!(
            "(VADER not run: give --peer-python PATH to a Python with vaderSentiment and vadersentiment-fr)"
        );
    }
    for r in results.iter().filter(|r| r.held_out) {
        println!("\n{}:\n{}", r.set, r.levain);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the VADER script on the texts; returns its labels and seconds.
fn vader(
    python: &PathBuf,
    lang: &str,
    examples: &[eval::Example],
) -> anyhow::Result<(Vec<Label>, f64)> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("bench_sentiment.py");
    std::fs::write(&script, include_str!("bench_sentiment.py"))?;
    let texts = dir.path().join("texts.txt");
    let mut body = String::new();
    for ex in examples {
        body.push_str(&ex.text.replace('\n', " "));
        body.push('\n');
    }
    std::fs::write(&texts, body)?;
    let out = Command::new(python)
        .arg(&script)
        .arg(lang)
        .arg(&texts)
        .output()?;
    if !out.status.success() {
        anyhow::bail!(
            "the VADER peer failed ({}); install it with `{} -m pip install vaderSentiment vadersentiment-fr`",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or(""),
            python.display()
        );
    }
    #[derive(serde::Deserialize)]
    struct Out {
        labels: Vec<String>,
        seconds: f64,
    }
    let o: Out = serde_json::from_slice(&out.stdout)?;
    let labels = o
        .labels
        .iter()
        .map(|l| Label::parse(l).ok_or_else(|| anyhow::anyhow!("the peer printed label `{l}`")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    anyhow::ensure!(
        labels.len() == examples.len(),
        "the peer labelled {} texts of {}",
        labels.len(),
        examples.len()
    );
    Ok((labels, o.seconds))
}
