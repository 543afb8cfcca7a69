//! `levain serve` in a real browser: runs `e2e/run.mjs` (Playwright with
//! Debian's chromium) against the binary serving a generated community with
//! a hostile reply. Prints SKIPPED when node, chromium or `npm ci` in `e2e/`
//! are missing.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e")
}

/// Why the browser tests cannot run here, if they cannot.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).is_file() {
        return Some(format!("{chromium} not found (apt-get install chromium)"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node not found".into());
    }
    if !e2e_dir().join("node_modules/playwright-core").is_dir() {
        return Some("playwright-core not installed (npm ci in e2e/)".into());
    }
    None
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(data: &Path, port: u16) -> Server {
    let child = Command::new(exe())
        .arg("--data")
        .arg(data)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env_remove("LEVAIN_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("levain serve starts");
    let server = Server(child);
    let t = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "levain serve did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// A reply to the latest own post, after the data's end, whose text is markup.
fn hostile_reply(data: &Path, dir: &Path) -> PathBuf {
    let own = json(
        data,
        &[
            "sql",
            "SELECT account FROM own_accounts ORDER BY account LIMIT 1",
            "--json",
        ],
    );
    let own = own[0]["account"].as_str().unwrap().to_owned();
    let q = format!(
        "SELECT post, CAST(at AS BIGINT) AS t FROM posts WHERE author = '{own}' AND reply_to IS NULL ORDER BY at DESC LIMIT 1"
    );
    let row = json(data, &["sql", &q, "--json"]);
    let post = row[0]["post"]
        .as_str()
        .unwrap()
        .trim_start_matches("bluesky:")
        .to_owned();
    let end = json(
        data,
        &[
            "sql",
            "SELECT max(CAST(at AS BIGINT)) AS t FROM interactions",
            "--json",
        ],
    );
    let t = end[0]["t"].as_i64().unwrap() + 3_600_000_000;
    let at = chrono::DateTime::from_timestamp_micros(t)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let line = serde_json::json!({
        "did": "did:plc:e2ehostile00000000000000", "time_us": t, "kind": "commit",
        "commit": {"rev": "3e2e0000000aa", "operation": "create", "collection": "app.bsky.feed.post",
                   "rkey": "3e2exss00000a", "cid": "bafyreie2ehostile",
                   "record": {"$type": "app.bsky.feed.post", "createdAt": at, "langs": ["en"],
                              "text": "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"> can you help me?",
                              "reply": {"parent": {"cid": "bafyreiparent", "uri": post},
                                        "root": {"cid": "bafyreiparent", "uri": post}}}}
    });
    let path = dir.join("hostile.ndjson");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "{line}").unwrap();
    path
}

#[test]
fn dashboard_in_a_browser() {
    if let Some(why) = missing() {
        println!("SKIPPED dashboard_in_a_browser: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = community_with_own(dir.path(), 11, 150);
    let data = dir.path().join("store");
    let hostile = hostile_reply(&data, dir.path());
    let s = import(&data, &[hostile.to_str().unwrap()]);
    assert_eq!(s["imported"], 1, "{s}");
    // A second upload for the import page: the blog's feed.
    let upload = out.join("blog-feed.xml");
    let port = free_port();
    let _server = start(&data, port);
    let artifacts = e2e_dir().join("artifacts");
    let o = Command::new("node")
        .arg(e2e_dir().join("run.mjs"))
        .env("BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("ARTIFACTS", &artifacts)
        .env("UPLOAD_FILE", &upload)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&o.stderr));
    println!("screenshots in {}", artifacts.display());
    assert!(o.status.success(), "browser tests failed:\n{stdout}");
}

/// The `schemathesis` command, if installed (`.ci/run` puts it in a venv).
fn schemathesis() -> Option<String> {
    let exe = std::env::var("SCHEMATHESIS").unwrap_or_else(|_| "schemathesis".into());
    let ok = Command::new(&exe)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(exe)
}

/// `schemathesis` generates requests from `/api/v1/openapi.json` (valid and
/// invalid parameters, bodies, uploads) against a running server over a
/// generated store with a fraud run: no answer may be a 5xx.
#[test]
fn openapi_fuzzing_finds_no_server_error() {
    let Some(st) = schemathesis() else {
        println!(
            "SKIPPED openapi_fuzzing_finds_no_server_error: schemathesis not found (pip install schemathesis)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    community_with_own(dir.path(), 12, 90);
    let data = dir.path().join("store");
    let o = levain(&data, &["fraud", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let port = free_port();
    let _server = start(&data, port);
    let base = format!("http://127.0.0.1:{port}");
    let o = Command::new(&st)
        .args(["run", &format!("{base}/api/v1/openapi.json")])
        .args(["--url", &base])
        .args(["--checks", "not_a_server_error"])
        // One worker: with two, hypothesis' source inspection races
        // ("AST constructor recursion depth mismatch") now and then.
        .args(["--max-examples", "12", "--seed", "8", "--workers", "1"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--request-timeout", "120", "--no-color"])
        .args(["--generation-database", "none"])
        .args(["--suppress-health-check", "all"])
        .current_dir(dir.path())
        .output()
        .expect("schemathesis runs");
    let out = String::from_utf8_lossy(&o.stdout);
    println!("{out}");
    eprintln!("{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        o.status.success(),
        "schemathesis found server errors:\n{out}"
    );
}
