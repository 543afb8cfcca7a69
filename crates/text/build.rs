//! Compiles in whichever labelled data sets exist, so that the crate builds
//! before the test sets are written and carries them once they are.

use std::path::Path;

const SETS: [&str; 4] = ["fr-dev", "en-dev", "fr-test", "en-test"];

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sentiment");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut code = String::from(
        "/// The labelled sets found at build time, by name.\npub const DATASETS: [(&str, Option<&str>); 4] = [\n",
    );
    for name in SETS {
        let path = dir.join(format!("{name}.tsv"));
        println!("cargo:rerun-if-changed={}", path.display());
        if path.exists() {
            code.push_str(&format!(
                "    ({name:?}, Some(include_str!({:?}))),\n",
                path.display().to_string()
            ));
        } else {
            code.push_str(&format!("    ({name:?}, None),\n"));
        }
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("datasets.rs");
    std::fs::write(out, code).expect("write datasets.rs");
}
