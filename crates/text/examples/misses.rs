//! Lists the replies of a dev set that the analyzer gets wrong, to tune the
//! lexicons: `cargo run -p levain-text --release --example misses -- fr-dev`.
//! Test sets are refused: they are held out and only scored in aggregate.

use levain_text::Analyzer;
use levain_text::eval::{dataset, evaluate, misses};

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "fr-dev".into());
    if !name.ends_with("-dev") {
        eprintln!("{name}: only dev sets are listed; test sets are held out");
        std::process::exit(2);
    }
    let set = match dataset(&name) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let analyzer = Analyzer::new();
    for m in misses(&analyzer, set.lang, &set.examples) {
        let q = |b: bool| if b { "?" } else { " " };
        println!(
            "{:>4} {:<8}{} → {:<8}{} {:+.2}  {}",
            m.example.line,
            m.example.label.as_str(),
            q(m.example.question),
            m.predicted.as_str(),
            q(m.question),
            m.score,
            m.example.text
        );
    }
    println!("\n{}", evaluate(&analyzer, set.lang, &set.examples));
}
