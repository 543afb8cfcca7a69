//! Reads replies from stdin, one a line (optionally `lang<TAB>text`), and
//! prints how they are read: `echo "pas mal" | cargo run -p levain-text
//! --release --example probe`.

use std::io::BufRead;

use levain_text::Analyzer;

fn main() {
    let analyzer = Analyzer::new();
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let (hint, text) = match line.split_once('\t') {
            Some((l, t)) if l.len() <= 5 => (Some(l), t),
            _ => (None, line.as_str()),
        };
        let r = analyzer.read(text, hint);
        let s = &r.sentiment;
        let label = if s.critique {
            "critique"
        } else {
            s.polarity.as_str()
        };
        println!(
            "{} {:<8} {:+.2} {} {:<50} | {}",
            s.lang,
            label,
            s.score,
            if r.question { "?" } else { " " },
            text,
            s.evidence.as_deref().unwrap_or("")
        );
    }
}
