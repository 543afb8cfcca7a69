//! Compiles in whichever labelled data sets exist, so that the crate builds
//! before the test sets are written and carries them once they are.

use std::path::Path;

const SETS: [&str; 4] = ["fr-dev", "en-dev", "fr-test", "en-test"];

fn main() {
    // The directory cargo runs this script for, read when it runs: a script
    // compiled for a checkout elsewhere (a shared target directory) must not
    // look in that other checkout.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("data/sentiment");
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
