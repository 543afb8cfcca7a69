//! The HTTP API against a generated store: every endpoint, the same JSON as
//! the analyses give directly, bad requests, auth, upload limits, imports
//! while reading, marks.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use levain_analytics::Filters;
use levain_analytics::settings::Weights;
use levain_server::{Config, api::ANALYSES};
use levain_store::Store;
use levain_store::query::Engine;
use serde_json::Value;
use tower::ServiceExt;

/// A generated community (120 days), imported once; tests work on copies.
struct Base {
    _dir: tempfile::TempDir,
    store: PathBuf,
    /// The Jetstream lines held back from the base store (the last third).
    rest: PathBuf,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    // Built on a plain thread: the importer's engine blocks on its own
    // runtime, which a test's runtime thread may not do.
    BASE.get_or_init(|| std::thread::spawn(make_base).join().unwrap())
}

fn make_base() -> Base {
    {
        let dir = tempfile::tempdir().unwrap();
        let generated = dir.path().join("generated");
        levain_synth::generate(
            &generated,
            &levain_synth::Config {
                seed: 5,
                scale: levain_synth::Scale::Small,
                days: 120,
            },
        )
        .unwrap();
        let lines: Vec<String> =
            std::fs::read_to_string(generated.join(levain_synth::JETSTREAM_FILE))
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect();
        let cut = lines.len() * 2 / 3;
        let first = dir.path().join("first.ndjson");
        let rest = dir.path().join("rest.ndjson");
        std::fs::write(&first, lines[..cut].join("\n") + "\n").unwrap();
        std::fs::write(&rest, lines[cut..].join("\n") + "\n").unwrap();
        let store = dir.path().join("store");
        let s = Store::open_or_create(&store).unwrap();
        let opts = levain_import::ImportOptions::default();
        levain_import::import_paths(
            &s,
            &[first, generated.join(levain_synth::CAMPAIGNS_FILE)],
            &opts,
            &levain_import::pipeline::NoProgress,
        )
        .unwrap();
        let truth: Value = serde_json::from_slice(
            &std::fs::read(generated.join(levain_synth::TRUTH_FILE)).unwrap(),
        )
        .unwrap();
        let mut w = s.writer().unwrap();
        for o in truth["own"].as_array().unwrap() {
            let a = o["account"].as_str().unwrap();
            if a.starts_with("bluesky:") {
                w.own_mut().insert(a.to_owned());
            }
        }
        w.commit().unwrap();
        drop(w);
        Base {
            _dir: dir,
            store,
            rest,
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A private copy of the base store and an app over it.
fn setup(config: impl FnOnce(&mut Config)) -> (tempfile::TempDir, PathBuf, Router) {
    let b = base();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    copy_dir(&b.store, &store);
    let mut c = Config::new("127.0.0.1:0".parse().unwrap(), store.clone());
    config(&mut c);
    let app = levain_server::app(c).unwrap();
    (dir, store, app)
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (status, body, headers)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (s, body, _) = call(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    let v = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "{uri}: not JSON ({e}): {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )
    });
    (s, v)
}

async fn ok(app: &Router, uri: &str) -> Value {
    let (s, v) = get(app, uri).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {v}");
    v
}

async fn post_json(app: &Router, uri: &str, body: Value) -> (StatusCode, Value) {
    let (s, b, _) = call(
        app,
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await;
    (s, serde_json::from_slice(&b).unwrap())
}

/// What the analysis gives when called directly, as JSON.
fn direct<T: serde::Serialize>(
    store: &Path,
    f: impl FnOnce(&Engine, &[String]) -> levain_analytics::Result<T> + Send,
) -> Value {
    std::thread::scope(|s| {
        s.spawn(|| {
            let st = Store::open(store).unwrap();
            let m = st.manifest().unwrap();
            let engine = Engine::new(st.root(), &m).unwrap();
            let own: Vec<String> = m.own.iter().cloned().collect();
            serde_json::to_value(f(&engine, &own).unwrap()).unwrap()
        })
        .join()
        .unwrap()
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn every_endpoint_answers_json() {
    let (_d, _store, app) = setup(|_| {});
    let (s, v) = post_json(&app, "/api/v1/fraud/run", Value::Null).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for a in ANALYSES {
        let v = ok(&app, &format!("/api/v1/{}", a.name)).await;
        assert!(v.is_object() || v.is_array(), "{}: {v}", a.name);
    }
    for c in [
        "audience",
        "engagement",
        "retention",
        "projection",
        "amplifiers",
        "venues",
    ] {
        let (s, body, h) = call(
            &app,
            Request::get(format!("/api/v1/charts/{c}.svg?lang=fr"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(h[header::CONTENT_TYPE], "image/svg+xml");
        let svg = String::from_utf8(body).unwrap();
        // Drawn by the reports' chart code: its `<title>` and French labels.
        assert!(
            svg.starts_with("<svg") && svg.contains("role=\"img\"") && svg.contains("<title>"),
            "{c}: {svg:.200}"
        );
        if c != "venues" {
            assert!(
                svg.contains("<polyline") || svg.contains("<rect"),
                "{c} draws data: {svg:.300}"
            );
        }
    }
    let doc = ok(&app, "/api/v1/openapi.json").await;
    for a in ANALYSES {
        assert!(
            doc["paths"][format!("/api/v1/{}", a.name)]["get"].is_object(),
            "{} missing from the OpenAPI document",
            a.name
        );
    }
    assert!(doc["paths"]["/api/v1/imports"]["post"].is_object());
    // The dashboard pages, with their CSP.
    for page in levain_server::assets::PAGES {
        let (s, body, h) = call(&app, Request::get(*page).body(Body::empty()).unwrap()).await;
        assert_eq!(s, StatusCode::OK);
        assert!(String::from_utf8(body).unwrap().contains("/assets/app.js"));
        assert!(
            h[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("script-src 'self'")
        );
    }
    let (s, v) = get(&app, "/api/v1/nothing-here").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["error"].as_str().unwrap().contains("/api/v1/"));
}

#[tokio::test(flavor = "multi_thread")]
async fn same_json_as_the_analyses_with_the_same_filters() {
    let (_d, store, app) = setup(|_| {});
    let filters = Filters {
        from: levain_server::params::parse_when("2023-02-01"),
        to: levain_server::params::parse_when("2023-04-01"),
        channel: Some("bluesky".into()),
        exclude_suspicious: false,
    };
    let f2 = filters.clone();
    let want = direct(&store, move |e, own| {
        levain_analytics::engagement::engagement(e, own, &f2, &Weights::default())
    });
    let got = ok(
        &app,
        "/api/v1/engagement?from=2023-02-01&to=2023-04-01&channel=bluesky",
    )
    .await;
    assert_eq!(got, want);
    let all = ok(&app, "/api/v1/engagement").await;
    assert!(
        all["totals"]["posts"].as_u64() > got["totals"]["posts"].as_u64(),
        "the period filter cuts posts"
    );
    let f3 = filters.clone();
    let want = direct(&store, move |e, own| {
        levain_analytics::cohorts::cohorts(
            e,
            own,
            &f3,
            14,
            levain_analytics::cohorts::CohortBy::Month,
        )
    });
    let got = ok(
        &app,
        "/api/v1/cohorts?period_days=14&by=month&channel=bluesky&from=2023-02-01&to=2023-04-01",
    )
    .await;
    assert_eq!(got, want);
    let want = direct(&store, |e, own| {
        levain_analytics::actions::actions(e, own, &Filters::default(), 30, 3)
    });
    assert_eq!(ok(&app, "/api/v1/actions?days=30&limit=3").await, want);
    let want = direct(&store, |e, own| {
        levain_analytics::core::core(
            e,
            own,
            &Filters::default(),
            levain_analytics::core::CoreOptions {
                window: 3,
                min_periods: 2,
                ..Default::default()
            },
        )
    });
    assert_eq!(ok(&app, "/api/v1/core?window=3&min_periods=2").await, want);
    // A cached answer is the same answer.
    assert_eq!(ok(&app, "/api/v1/core?window=3&min_periods=2").await, want);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_name_the_parameter() {
    let (_d, _store, app) = setup(|_| {});
    for (uri, param) in [
        ("/api/v1/engagement?from=yesterday", "from"),
        ("/api/v1/engagement?from=2024-02-01&to=2024-01-01", "to"),
        (
            "/api/v1/engagement?exclude_suspicious=perhaps",
            "exclude_suspicious",
        ),
        ("/api/v1/engagement?frm=2024-01-01", "frm"),
        ("/api/v1/cohorts?period_days=0", "period_days"),
        ("/api/v1/cohorts?by=week", "by"),
        ("/api/v1/project?horizon=100000", "horizon"),
        ("/api/v1/cadence?tz=Mars/Olympus", "tz"),
        ("/api/v1/status?channel=bluesky", "channel"),
        // No fraud run yet: excluding suspicious accounts cannot be honoured.
        (
            "/api/v1/engagement?exclude_suspicious=true",
            "exclude_suspicious",
        ),
        ("/api/v1/charts/audience.svg?lang=de", "lang"),
    ] {
        let (s, v) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(v["parameter"], param, "{uri}: {v}");
        assert!(
            v["error"].as_str().unwrap().contains(param),
            "{uri}: the message names {param}: {v}"
        );
    }
    let (s, v) = get(&app, "/api/v1/fraud").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"].as_str().unwrap().contains("fraud/run"));
    let (s, v) = post_json(
        &app,
        "/api/v1/fraud/marks",
        serde_json::json!({"account": 3}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = post_json(
        &app,
        "/api/v1/fraud/marks",
        serde_json::json!({"account": "bluesky:did:plc:x", "verdict": "maybe"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["parameter"], "verdict");
    let (s, _) = get(&app, "/api/v1/imports/up-999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_guards_the_api() {
    let (_d, _store, app) = setup(|c| c.token = Some("s3cret".into()));
    let (s, v) = get(&app, "/api/v1/status").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(v["error"].as_str().unwrap().contains("Bearer"));
    let (s, _, _) = call(
        &app,
        Request::get("/api/v1/status")
            .header(header::AUTHORIZATION, "Bearer wrong!")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = call(
        &app,
        Request::get("/api/v1/status")
            .header(header::AUTHORIZATION, "Bearer s3cret")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // Uploads too.
    let (s, _, _) = call(
        &app,
        Request::post("/api/v1/imports?name=x.ndjson")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The page itself holds no data and loads without the token.
    let (s, _, _) = call(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK);
}

#[test]
fn off_loopback_needs_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let c = Config::new("0.0.0.0:0".parse().unwrap(), dir.path().to_owned());
    let e = levain_server::app(c).unwrap_err().to_string();
    assert!(e.contains("--token"), "{e}");
}

/// A server really bound on every interface answers 401 without the token.
#[test]
fn bound_on_all_interfaces_refuses_without_token() {
    use std::io::{Read, Write};
    let (_d, store, _) = setup(|_| {});
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut c = Config::new("0.0.0.0:0".parse().unwrap(), store);
    c.token = Some("tok".into());
    let app = levain_server::app(c).unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("0.0.0.0:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    rt.spawn(async move { axum::serve(listener, app).await });
    let ask = |auth: &str| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    assert!(ask("").starts_with("HTTP/1.1 401"));
    assert!(ask("Authorization: Bearer tok\r\n").starts_with("HTTP/1.1 200"));
    rt.shutdown_background();
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_uploads_get_413() {
    let (_d, _store, app) = setup(|c| c.max_upload = 1000);
    let big = vec![b'x'; 5000];
    // Announced too large.
    let (s, b, _) = call(
        &app,
        Request::post("/api/v1/imports?name=big.ndjson")
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(big.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert!(v["error"].as_str().unwrap().contains("--max-upload"));
    // Streamed without a length: cut off while counting.
    let stream = futures::stream::iter(
        big.chunks(500)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let (s, _, _) = call(
        &app,
        Request::post("/api/v1/imports?name=big.ndjson")
            .body(Body::from_stream(stream))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    // Other requests are limited far lower.
    let (s, _, _) = call(
        &app,
        Request::post("/api/v1/fraud/marks")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(vec![b' '; 200_000]))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
}

async fn wait_done(app: &Router, id: &str) -> Value {
    for _ in 0..600 {
        let j = ok(app, &format!("/api/v1/imports/{id}")).await;
        match j["state"].as_str().unwrap() {
            "done" | "failed" => return j,
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("import {id} did not finish");
}

#[tokio::test(flavor = "multi_thread")]
async fn import_while_reading_gives_consistent_numbers() {
    let (_d, _store, app) = setup(|_| {});
    let before = ok(&app, "/api/v1/engagement").await["totals"].clone();
    let body = std::fs::read(&base().rest).unwrap();
    let (s, b, _) = call(
        &app,
        Request::post("/api/v1/imports?name=rest.ndjson")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let id = serde_json::from_slice::<Value>(&b).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Read while the import runs: every answer is a whole snapshot.
    let mut seen = Vec::new();
    loop {
        let t = ok(&app, "/api/v1/engagement").await["totals"].clone();
        seen.push(t);
        let j = ok(&app, &format!("/api/v1/imports/{id}")).await;
        if matches!(j["state"].as_str(), Some("done" | "failed")) {
            break;
        }
    }
    let job = wait_done(&app, &id).await;
    assert_eq!(job["state"], "done", "{job}");
    assert!(job["summary"]["imported"].as_u64().unwrap() > 0, "{job}");
    let after = ok(&app, "/api/v1/engagement").await["totals"].clone();
    assert!(after["posts"].as_u64() > before["posts"].as_u64());
    for t in &seen {
        assert!(
            *t == before || *t == after,
            "a half-imported state was read: {t}"
        );
    }
    let list = ok(&app, "/api/v1/imports").await;
    assert_eq!(list["uploads"][0]["id"], id.as_str());
    // Importing the same upload again adds nothing.
    let body = std::fs::read(&base().rest).unwrap();
    let (_, b, _) = call(
        &app,
        Request::post("/api/v1/imports?name=rest.ndjson")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    let id = serde_json::from_slice::<Value>(&b).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let job = wait_done(&app, &id).await;
    assert_eq!(job["summary"]["imported"], 0, "{job}");
    assert_eq!(ok(&app, "/api/v1/engagement").await["totals"], after);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_writer_is_a_clean_409() {
    let (_d, store, app) = setup(|_| {});
    let (s, _) = post_json(&app, "/api/v1/fraud/run", Value::Null).await;
    assert_eq!(s, StatusCode::OK);
    let fraud = ok(&app, "/api/v1/fraud?suspicious=true&limit=1").await;
    let account = fraud["accounts"][0]["account"].as_str().unwrap().to_owned();
    let held = Store::open(&store).unwrap().writer().unwrap();
    let (s, v) = post_json(
        &app,
        "/api/v1/fraud/marks",
        serde_json::json!({"account": account, "verdict": "real"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"].as_str().unwrap().contains("busy"));
    drop(held);
    let (s, _) = post_json(
        &app,
        "/api/v1/fraud/marks",
        serde_json::json!({"account": account, "verdict": "real"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn overturning_a_verdict_changes_the_numbers() {
    let (_d, _store, app) = setup(|_| {});
    let (s, run) = post_json(&app, "/api/v1/fraud/run", Value::Null).await;
    assert_eq!(s, StatusCode::OK, "{run}");
    let fraud = ok(&app, "/api/v1/fraud?suspicious=true").await;
    assert!(
        fraud["summary"]["suspicious"].as_u64().unwrap() > 0,
        "{fraud:.300}"
    );
    assert!(!fraud["groups"].as_array().unwrap().is_empty());
    let before = ok(&app, "/api/v1/overview?exclude_suspicious=true").await;
    // Overturn the verdicts of one whole group: their engagement comes back.
    let group = fraud["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| {
            ["like_farm", "pod", "dense_block", "bot"].contains(&g["pattern"].as_str().unwrap())
        })
        .unwrap_or_else(|| panic!("an engagement group is found: {}", fraud["groups"]))
        .clone();
    let accounts: Vec<String> = group["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    for a in &accounts {
        let (s, v) = post_json(
            &app,
            "/api/v1/fraud/marks",
            serde_json::json!({"account": a, "verdict": "real"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let after = ok(&app, "/api/v1/overview?exclude_suspicious=true").await;
    let n = accounts.len() as u64;
    assert_eq!(
        after["suspicious_accounts"].as_u64().unwrap(),
        before["suspicious_accounts"].as_u64().unwrap() - n
    );
    assert!(
        after["totals"]["likes"].as_u64() > before["totals"]["likes"].as_u64(),
        "the group's likes count again: {} vs {}",
        after["totals"],
        before["totals"]
    );
    let fraud2 = ok(&app, "/api/v1/fraud").await;
    assert_eq!(fraud2["summary"]["marked_real"], n);
    let marked = fraud2["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["account"] == accounts[0].as_str())
        .unwrap();
    assert_eq!(marked["mark"], "real");
    assert_eq!(marked["suspicious"], false);
    // Forgetting the marks brings the first numbers back.
    for a in &accounts {
        let (s, _) = post_json(
            &app,
            "/api/v1/fraud/marks",
            serde_json::json!({"account": a, "verdict": "none"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    }
    let again = ok(&app, "/api/v1/overview?exclude_suspicious=true").await;
    assert_eq!(again["totals"], before["totals"]);
    let (s, _) = post_json(
        &app,
        "/api/v1/fraud/marks",
        serde_json::json!({"account": "bluesky:did:plc:nobody", "verdict": "real"}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// Equal JSON, numbers to 1e-9 relative (PageRank sums in no fixed order).
fn same(got: &Value, want: &Value) {
    fn walk(a: &Value, b: &Value, at: &str) {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert!(
                    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
                    "{at}: {x} vs {y}"
                );
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{at}: lengths");
                for (i, (x, y)) in x.iter().zip(y).enumerate() {
                    walk(x, y, &format!("{at}[{i}]"));
                }
            }
            (Value::Object(x), Value::Object(y)) => {
                assert_eq!(
                    x.keys().collect::<Vec<_>>(),
                    y.keys().collect::<Vec<_>>(),
                    "{at}: fields"
                );
                for (k, v) in x {
                    walk(v, &y[k], &format!("{at}.{k}"));
                }
            }
            _ => assert_eq!(a, b, "{at}"),
        }
    }
    walk(got, want, "");
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_endpoints_give_the_cli_json() {
    use levain_analytics::amplifiers::{AmplifierOptions, Scope, amplifiers};
    use levain_analytics::suggest::{SuggestOptions, suggest};
    use levain_analytics::topics::{TopicOptions, topic_post_keys, topics};
    let (_d, store, app) = setup(|_| {});
    let want = direct(&store, |e, own| {
        let o = AmplifierOptions {
            limit: 5,
            ..Default::default()
        };
        amplifiers(e, own, &Filters::default(), &o)
    });
    same(&ok(&app, "/api/v1/amplifiers?limit=5").await, &want);
    assert!(
        !want["accounts"].as_array().unwrap().is_empty(),
        "{want:.300}"
    );
    let want = direct(&store, |e, own| {
        let o = SuggestOptions {
            limit: 7,
            ..Default::default()
        };
        suggest(e, own, &Filters::default(), &o)
    });
    same(&ok(&app, "/api/v1/suggest?limit=7").await, &want);
    let want = direct(&store, |e, own| {
        topics(
            e,
            own,
            &Default::default(),
            &Filters::default(),
            &TopicOptions::default(),
        )
    });
    let got = ok(&app, "/api/v1/topics").await;
    same(&got, &want);
    // Amplifiers on one topic: the topic's own posts only.
    let topic = got["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["own_posts_count"].as_u64() > Some(0))
        .unwrap_or_else(|| panic!("a topic with own posts: {got:.400}"))["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let t2 = topic.clone();
    let want = direct(&store, move |e, own| {
        let f = Filters::default();
        let keys = topic_post_keys(e, own, &Default::default(), &f, &t2)?;
        let o = AmplifierOptions {
            limit: 5,
            scope: Some(Scope {
                name: t2.clone(),
                posts: keys.own_posts,
            }),
            ..Default::default()
        };
        amplifiers(e, own, &f, &o)
    });
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("topic", &topic)
        .append_pair("limit", "5")
        .finish();
    let got = ok(&app, &format!("/api/v1/amplifiers?{q}")).await;
    same(&got, &want);
    assert_eq!(got["topic"], topic.as_str());
    let want = direct(&store, |e, own| {
        levain_analytics::venues::venues(
            e,
            own,
            &Default::default(),
            &Filters::default(),
            &TopicOptions {
                min_posts: 3,
                ..Default::default()
            },
        )
    });
    same(&ok(&app, "/api/v1/venues?min_posts=3").await, &want);
    let want = direct(&store, |e, own| {
        levain_analytics::identity::persons(e, own, &[])
    });
    same(&ok(&app, "/api/v1/persons").await, &want);
    for (uri, param) in [
        ("/api/v1/amplifiers?topic=no-such-topic", "topic"),
        ("/api/v1/amplifiers?half_life_days=0", "half_life_days"),
        ("/api/v1/amplifiers?limit=-1", "limit"),
        ("/api/v1/suggest?circle=0", "circle"),
        ("/api/v1/topics?min_npmi=2", "min_npmi"),
        ("/api/v1/venues?min_posts=1", "min_posts"),
        ("/api/v1/persons?limit=3", "limit"),
        ("/api/v1/report?format=docx", "format"),
        ("/api/v1/report?lang=de", "lang"),
        ("/api/v1/report?from=2024-13-01", "from"),
    ] {
        let (s, v) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(v["parameter"], param, "{uri}: {v}");
        assert!(
            v["error"].as_str().unwrap().contains(param),
            "{uri}: the message names {param}: {v}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_downloads_in_both_languages_and_formats() {
    let (_d, _store, app) = setup(|_| {});
    let fetch = |uri: &'static str| {
        let app = app.clone();
        async move { call(&app, Request::get(uri).body(Body::empty()).unwrap()).await }
    };
    let (s, body, h) = fetch("/api/v1/report?lang=fr&format=html").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(
        h[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("levain-report-fr.html")
    );
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script"),
        "{csp}"
    );
    let html = String::from_utf8(body).unwrap();
    assert!(
        html.contains("lang=\"fr\"") && html.contains("Communauté"),
        "{html:.300}"
    );
    // The same picture: the dashboard's charts are the report's, byte for byte.
    for c in ["audience", "retention", "projection", "amplifiers"] {
        let uri = format!("/api/v1/charts/{c}.svg?lang=fr");
        let (s, svg, _) = call(&app, Request::get(&uri).body(Body::empty()).unwrap()).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        let svg = String::from_utf8(svg).unwrap();
        assert!(
            html.contains(&svg),
            "the report holds the dashboard's {c} chart"
        );
    }
    let (s, body, _) = fetch("/api/v1/report?lang=en&format=html&channel=bluesky").await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("what the money bought"), "{html:.300}");
    let (s, body, h) = fetch("/api/v1/report?lang=en&format=pdf").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    assert!(body.starts_with(b"%PDF-"), "a PDF");
    assert!(
        body.len() > 10_000,
        "a PDF with content: {} bytes",
        body.len()
    );
}
