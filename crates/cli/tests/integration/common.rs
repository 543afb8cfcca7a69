//! Helpers for driving the `levain` binary in tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_levain")
}

/// Runs `levain --data DATA ARGS…`.
pub fn levain(data: &Path, args: &[&str]) -> Output {
    Command::new(exe())
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("LEVAIN_DATA")
        .output()
        .expect("levain runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a command that must succeed and print JSON.
pub fn json(data: &Path, args: &[&str]) -> Value {
    let o = levain(data, args);
    assert!(o.status.success(), "levain {args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "levain {args:?} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

/// `levain import --json`, with extra arguments, expecting success.
pub fn import(data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.push("--json");
    json(data, &all)
}

/// Generates a community with `levain synth` and returns its directory.
pub fn synth(dir: &Path, seed: u64, days: u32, scale: &str) -> PathBuf {
    let out = dir.join(format!("synth-{seed}-{days}-{scale}"));
    let o = Command::new(exe())
        .args(["synth", "--out"])
        .arg(&out)
        .args([
            "--seed",
            &seed.to_string(),
            "--days",
            &days.to_string(),
            "--scale",
            scale,
        ])
        .output()
        .expect("synth runs");
    assert!(o.status.success(), "synth failed: {}", stderr(&o));
    out
}

pub fn jetstream(dir: &Path) -> PathBuf {
    dir.join("bluesky-jetstream.ndjson")
}

/// The records of the rejects file an import summary names (none when it
/// names none).
pub fn rejects(summary: &Value) -> Vec<Value> {
    let Some(path) = summary["rejects_file"].as_str() else {
        return Vec::new();
    };
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Generates a community into `dir`, imports all of it into `dir/store` and
/// declares its own Bluesky accounts; returns the generator's directory.
/// The own accounts a generated community's `truth.json` names.
pub fn own_accounts(truth: &Value) -> impl Iterator<Item = &str> {
    truth["own"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["account"].as_str().unwrap())
}

pub fn community_with_own(dir: &Path, seed: u64, days: u32) -> PathBuf {
    let out = synth(dir, seed, days, "small");
    let data = dir.join("store");
    import(&data, &[out.to_str().unwrap()]);
    let truth: Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    for account in own_accounts(&truth) {
        let o = levain(&data, &["own", "add", account]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    out
}

/// Rows per stored table, from `levain status --json`.
pub fn table_rows(data: &Path) -> Value {
    json(data, &["status", "--json"])["tables"].clone()
}

/// One number from `levain sql`.
pub fn sql_count(data: &Path, query: &str) -> u64 {
    let v = json(data, &["sql", query, "--json"]);
    let row = v[0].as_object().expect("one row");
    row.values()
        .next()
        .and_then(Value::as_u64)
        .expect("a count")
}

/// Writes `lines` as a file and returns its path.
pub fn write_lines(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

/// A Jetstream like event.
pub fn like(did: &str, rkey: &str, subject: &str, time_us: i64) -> String {
    format!(
        r#"{{"did":"{did}","time_us":{time_us},"kind":"commit","commit":{{"rev":"3l3qo2vutsw2b","operation":"create","collection":"app.bsky.feed.like","rkey":"{rkey}","record":{{"$type":"app.bsky.feed.like","createdAt":"2024-09-09T19:46:02.102Z","subject":{{"cid":"bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4","uri":"{subject}"}}}},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd2zrkddu"}}}}"#
    )
}

pub fn follow(did: &str, rkey: &str, subject: &str, time_us: i64) -> String {
    format!(
        r#"{{"did":"{did}","time_us":{time_us},"kind":"commit","commit":{{"rev":"3l3qo2vutsw2c","operation":"create","collection":"app.bsky.graph.follow","rkey":"{rkey}","record":{{"$type":"app.bsky.graph.follow","createdAt":"2024-09-09T19:46:02.102Z","subject":"{subject}"}},"cid":"bafyreib25swk3a6waplk2ie75u4a3qfejnkoiezfowuz7sa74i7tief3di"}}}}"#
    )
}

pub fn delete(did: &str, collection: &str, rkey: &str, time_us: i64) -> String {
    format!(
        r#"{{"did":"{did}","time_us":{time_us},"kind":"commit","commit":{{"rev":"3mptbyp63ih2m","operation":"delete","collection":"{collection}","rkey":"{rkey}"}}}}"#
    )
}

/// Where the third-party sample files live, if they are there.
pub fn shared_fixture(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIPPED: third-party fixture {rel} is absent (expected in ../shared/fixtures)");
        None
    }
}

/// Runs `levain ARGS` (an import into `data`) again and again, killing it
/// with SIGKILL after a random delay up to `took`, until `kills` kills have
/// landed during an import (timing varies with the machine's load, so they
/// are counted rather than trusted to a delay). Every `restart_every`
/// rounds the store is removed first, so kills also hit a store's first
/// writes. After each kill the store must open, answer a query, and hold no
/// more rows per table than `expected`.
pub fn kill_imports_at_random(
    data: &Path,
    args: &[String],
    took: std::time::Duration,
    seed: u64,
    kills: usize,
    restart_every: usize,
    expected: &Value,
) {
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::{RngCore, SeedableRng};
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut landed, mut round) = (0, 0);
    let max_rounds = 5 * kills;
    while landed < kills {
        round += 1;
        assert!(
            round <= max_rounds,
            "only {landed} of {max_rounds} kills landed during an import"
        );
        if round % restart_every == 0 {
            std::fs::remove_dir_all(data).ok();
        }
        let delay =
            std::time::Duration::from_micros(rng.next_u64() % (took.as_micros() as u64 + 1));
        let mut child = Command::new(exe())
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok();
        child.wait().unwrap();
        if !finished {
            landed += 1;
        }
        if !data.join("manifest.json").exists() {
            continue; // killed before the store was created
        }
        for (table, n) in table_rows(data).as_object().unwrap() {
            let (n, max) = (n.as_u64().unwrap(), expected[table].as_u64().unwrap());
            assert!(
                n <= max,
                "round {round}: {table} has {n} rows, more than {max}"
            );
        }
        sql_count(data, "SELECT count(*) FROM interactions");
    }
}
