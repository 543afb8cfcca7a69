//! Kill imports with SIGKILL at random moments, many times over; after each
//! kill the store must open and hold a consistent state, and a final import
//! must leave exactly the rows of a clean import.

use std::process::Command;
use std::time::Instant;

use crate::common::*;

#[test]
fn sigkill_at_random_points_never_corrupts_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 21, 1095, "small");
    let file = jetstream(&out);
    let campaigns = out.join("campaigns.csv");
    let args = |data: &std::path::Path| {
        vec![
            "--data".to_owned(),
            data.display().to_string(),
            "import".to_owned(),
            "--checkpoint-records".to_owned(),
            "40000".to_owned(),
            file.display().to_string(),
            campaigns.display().to_string(),
        ]
    };

    // A clean import gives the expected rows, and how long an import takes.
    let reference = dir.path().join("reference");
    let started = Instant::now();
    let o = Command::new(exe()).args(args(&reference)).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let took = started.elapsed();
    let expected = table_rows(&reference);

    let data = dir.path().join("store");
    kill_imports_at_random(&data, &args(&data), took, 99, 12, 4, &expected);

    // One more import completes the store: exactly the clean import's rows.
    let o = Command::new(exe())
        .args(args(&data))
        .arg("--json")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(table_rows(&data), expected);
    // And nothing that no manifest names is left behind.
    let again = Command::new(exe())
        .args(args(&data))
        .arg("--json")
        .output()
        .unwrap();
    let s: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(s["imported"], 0);
    assert_eq!(table_rows(&data), expected);
}
