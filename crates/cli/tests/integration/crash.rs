//! Kill imports with SIGKILL at random moments, many times over; after each
//! kill the store must open and hold a consistent state, and a final import
//! must leave exactly the rows of a clean import.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

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
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut killed_mid_way = 0;
    let mut round = 0;
    // Kill until 12 kills have landed during an import (timing varies with
    // the machine's load, so count them rather than trust a delay).
    while killed_mid_way < 12 {
        round += 1;
        assert!(
            round <= 60,
            "only {killed_mid_way} of 60 kills landed during an import"
        );
        // Now and then start again from nothing, so kills also hit the
        // first writes of a store, not only re-imports of a full one.
        if round % 4 == 0 {
            std::fs::remove_dir_all(&data).ok();
        }
        let delay = Duration::from_micros(rng.next_u64() % (took.as_micros() as u64 + 1));
        let mut child = Command::new(exe())
            .args(args(&data))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok();
        child.wait().unwrap();
        if !finished {
            killed_mid_way += 1;
        }
        if !data.join("manifest.json").exists() {
            continue; // killed before the store was created
        }
        // The store opens, answers queries, and holds no more than it should.
        let rows = table_rows(&data);
        for (table, n) in rows.as_object().unwrap() {
            let n = n.as_u64().unwrap();
            let max = expected[table].as_u64().unwrap();
            assert!(
                n <= max,
                "round {round}: {table} has {n} rows, more than {max}"
            );
        }
        sql_count(&data, "SELECT count(*) FROM interactions");
    }

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
