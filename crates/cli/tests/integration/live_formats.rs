//! Bluesky repository exports (CAR) and Mastodon API responses, through the
//! binary: real samples, keys shared with Jetstream, context, bad input.

use std::path::Path;

use serde_json::{Value, json};

use crate::common::*;

#[test]
fn a_real_repository_export_imports_and_meets_jetstream() {
    let Some(car) = shared_fixture("bluesky-car/jetstream-corpus/repo.car") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    // Autodetected from content (the header), not the name.
    let s = import(&data, &[car.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "bluesky-car");
    assert_eq!(
        (s["imported"].as_u64(), s["rejected"].as_u64()),
        (Some(23), Some(0)),
        "{s}"
    );
    assert_eq!(s["rows"]["posts"], 6);
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'like'"
        ),
        10
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'reshare'"
        ),
        3
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'follow'"
        ),
        3
    );
    let again = import(&data, &[car.to_str().unwrap()]);
    assert_eq!(
        (again["imported"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(23))
    );
    // A Jetstream event of one of the repository's likes is the same row.
    let v = json(
        &data,
        &[
            "sql",
            "SELECT record, target_post FROM interactions WHERE kind = 'like' ORDER BY record LIMIT 1",
            "--json",
        ],
    );
    let record = v[0]["record"]
        .as_str()
        .unwrap()
        .trim_start_matches("bluesky:at://");
    let (did, rest) = record.split_once('/').unwrap();
    let rkey = rest.rsplit('/').next().unwrap();
    let subject = v[0]["target_post"]
        .as_str()
        .unwrap()
        .trim_start_matches("bluesky:");
    let f = write_lines(
        dir.path(),
        "js.ndjson",
        &[like(did, rkey, subject, 1_725_911_162_329_308)],
    );
    let js = import(&data, &[f.to_str().unwrap()]);
    assert_eq!(
        (js["imported"].as_u64(), js["duplicates"].as_u64()),
        (Some(0), Some(1)),
        "{js}"
    );
}

#[test]
fn old_and_partial_exports() {
    let (Some(paul), Some(slice)) = (
        shared_fixture("bluesky-car/indigo/paul_staging.repo.car"),
        shared_fixture("bluesky-car/indigo/repo_slice.car"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    // Version 2 with full history: only the records the root's tree holds,
    // obsolete lexicons rejected by name.
    let s = import(&data, &["bluesky-car", paul.to_str().unwrap()]);
    assert!(s["imported"].as_u64().unwrap() > 100, "{s}");
    assert!(s["imported"].as_u64().unwrap() < 252, "{s}");
    assert!(
        rejects(&s)
            .iter()
            .all(|r| r["reason"] == "unsupported collection"),
        "{s}"
    );
    // A slice: one post, and the missing subtrees named.
    let data2 = dir.path().join("store2");
    let s = import(&data2, &[slice.to_str().unwrap()]);
    assert_eq!(s["rows"]["posts"], 1, "{s}");
    let r = rejects(&s);
    assert!(
        !r.is_empty() && r.iter().all(|r| r["reason"] == "missing block"),
        "{r:?}"
    );
}

#[test]
fn the_wrong_platform_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let f = write_lines(
        dir.path(),
        "js.ndjson",
        &[like(
            "did:plc:abc",
            "3k",
            "at://did:plc:x/app.bsky.feed.post/1",
            1,
        )],
    );
    let o = levain(&data, &["import", "bluesky-car", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("looks like bluesky-jetstream"),
        "{}",
        stderr(&o)
    );
    let o = levain(&data, &["import", "mastodon-api", f.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("looks like bluesky-jetstream"),
        "{}",
        stderr(&o)
    );
    if let Some(car) = shared_fixture("bluesky-car/jetstream-corpus/repo.car") {
        let o = levain(
            &data,
            &["import", "bluesky-jetstream", car.to_str().unwrap()],
        );
        assert!(
            stderr(&o).contains("looks like bluesky-car"),
            "{}",
            stderr(&o)
        );
    }
}

fn write_json(dir: &Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p.to_str().unwrap().to_owned()
}

#[test]
fn real_mastodon_notifications_import_with_their_statuses() {
    let Some(n) = shared_fixture("mastodon-api/notifications.json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[n.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "mastodon-api");
    // 40 mentions; the statuses still visible (not `null`) are posts, and
    // a mention whose status is gone still names who mentioned.
    let fixture: Value = serde_json::from_slice(&std::fs::read(&n).unwrap()).unwrap();
    let with_status = fixture
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| !x["status"].is_null())
        .count() as u64;
    assert!(with_status >= 1);
    assert_eq!(
        (s["imported"].as_u64(), s["rejected"].as_u64()),
        (Some(with_status), Some(0)),
        "{s}"
    );
    assert_eq!(s["rows"]["posts"], with_status);
    let again = import(&data, &[n.to_str().unwrap()]);
    assert_eq!(again["duplicates"], with_status);
    // Accounts are @user@domain, posts their ActivityPub URI.
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM posts WHERE post LIKE 'mastodon:https://%'"
        ),
        with_status
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM posts WHERE author LIKE 'mastodon:@%@%'"
        ),
        with_status
    );
    // With the recipient named, the gone statuses' mentions are kept too.
    let data2 = dir.path().join("store2");
    let s = import(
        &data2,
        &[
            "mastodon-api",
            n.to_str().unwrap(),
            "--context",
            "notifications=@me@example.social",
        ],
    );
    assert_eq!(s["rejected"], 0, "{s}");
    assert_eq!(
        sql_count(
            &data2,
            "SELECT count(*) FROM interactions WHERE kind = 'mention' AND target_post IS NULL
             AND target_account = 'mastodon:@me@example.social'"
        ),
        40 - with_status
    );
    if let Some(st) = shared_fixture("mastodon-api/status_110446223051565765.json") {
        let s = import(&data, &[st.to_str().unwrap()]);
        assert_eq!(s["imported"], 1, "{s}");
    }
}

fn account(id: u64, user: &str, host: &str) -> Value {
    json!({"id": id.to_string(), "username": user, "acct": user, "display_name": user,
           "url": format!("https://{host}/@{user}"), "note": "<p>hi</p>", "created_at": "2023-01-01T00:00:00.000Z",
           "followers_count": 1, "following_count": 1, "statuses_count": 1, "fields": [], "future_field": {"x": 1}})
}

#[test]
fn lists_need_their_context_and_likes_are_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let likers = json!([
        account(2, "ana", "m.example"),
        account(3, "bo", "m.example")
    ]);
    let bare = write_json(dir.path(), "fav.json", &likers);
    // A bare list of accounts is profiles only, and favourited_by needs a status.
    let o = levain(
        &data,
        &[
            "import",
            "mastodon-api",
            &bare,
            "--context",
            "favourited_by",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("favourited_by=STATUS_URI"),
        "{}",
        stderr(&o)
    );
    let uri = "https://m.example/users/me/statuses/7";
    let s = import(
        &data,
        &[
            "mastodon-api",
            &bare,
            "--context",
            &format!("favourited_by={uri}"),
        ],
    );
    assert_eq!(s["imported"], 2, "{s}");
    assert_eq!(
        sql_count(
            &data,
            &format!(
                "SELECT count(*) FROM interactions WHERE kind = 'like' AND target_post = 'mastodon:{uri}' AND target_account = 'mastodon:@me@m.example'"
            )
        ),
        2
    );
    // The same likes from the wrapper the collector writes: duplicates.
    let wrapped = write_json(
        dir.path(),
        "wrapped.json",
        &json!({
        "levain": "mastodon-api", "instance": "https://m.example",
        "endpoint": "/api/v1/statuses/7/favourited_by", "fetched_at": "2024-05-01T00:00:00Z",
        "subject": {"status": uri, "account": "@me@m.example"}, "body": likers}),
    );
    let s = import(&data, &[&wrapped]);
    assert_eq!(
        (s["imported"].as_u64(), s["duplicates"].as_u64()),
        (Some(0), Some(2)),
        "{s}"
    );
    // Followers, and a bad entity among good ones.
    let followers = write_json(
        dir.path(),
        "followers.json",
        &json!([account(2, "ana", "m.example"), {"id": "9", "acct": 5}]),
    );
    let s = import(
        &data,
        &[
            "mastodon-api",
            &followers,
            "--context",
            "followers=@me@m.example",
        ],
    );
    assert_eq!(
        (s["imported"].as_u64(), s["rejected"].as_u64()),
        (Some(1), Some(1)),
        "{s}"
    );
    let r = rejects(&s);
    assert_eq!(r[0]["line"], 18, "{r:?}");
    // A truncated response is one reject naming the line.
    let cut = dir.path().join("cut.json");
    let text = serde_json::to_string_pretty(&likers).unwrap();
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let s = import(&data, &["mastodon-api", cut.to_str().unwrap()]);
    assert_eq!(rejects(&s)[0]["reason"], "truncated file", "{s}");
}

#[test]
fn generic_csv_and_ndjson_through_a_map() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        r#"
table = "interactions"
channel = "newsletter"
time_format = "%d/%m/%Y %H:%M"
[fields]
actor = "subscriber"
at = "clicked at"
target_post = "issue"
[constants]
kind = "view"
"#,
    )
    .unwrap();
    let csv = dir.path().join("clicks.csv");
    std::fs::write(&csv, "subscriber,clicked at,issue,extra\nana,01/05/2024 10:00,12,x\nbo,31/02/2024 10:00,12,y\ncy,02/05/2024 11:30,13,z\n").unwrap();
    let s = import(
        &data,
        &["csv", csv.to_str().unwrap(), "--map", map.to_str().unwrap()],
    );
    assert_eq!(
        (s["imported"].as_u64(), s["rejected"].as_u64()),
        (Some(2), Some(1)),
        "{s}"
    );
    let r = rejects(&s);
    assert_eq!(r[0]["line"], 3);
    assert!(
        r[0]["detail"]
            .as_str()
            .unwrap()
            .contains("column `clicked at`"),
        "{r:?}"
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'view' AND actor = 'newsletter:ana' AND target_post = 'newsletter:12'"
        ),
        1
    );
    let again = import(
        &data,
        &["csv", csv.to_str().unwrap(), "--map", map.to_str().unwrap()],
    );
    assert_eq!(again["duplicates"], 2);
    // Without a map, or with a map naming a missing column: clear errors.
    let o = levain(&data, &["import", "csv", csv.to_str().unwrap()]);
    assert!(stderr(&o).contains("--map"), "{}", stderr(&o));
    std::fs::write(&map, "table = \"follows\"\nchannel = \"x\"\n[fields]\nactor = \"who\"\ntarget_account = \"whom\"\nat = \"when\"\n").unwrap();
    let o = levain(
        &data,
        &[
            "import",
            "csv",
            csv.to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
        ],
    );
    assert!(stderr(&o).contains("column `who`"), "{}", stderr(&o));
    // NDJSON with JSON pointers.
    let nd = dir.path().join("posts.ndjson");
    std::fs::write(
        &nd,
        concat!(
            r#"{"id":"p1","user":{"name":"ana"},"ts":1714557600,"body":"bonjour"}"#,
            "\n",
            r#"{"id":"p2","user":{},"ts":1714557600}"#,
            "\n"
        ),
    )
    .unwrap();
    std::fs::write(&map, "table = \"posts\"\nchannel = \"forum\"\ntime_format = \"unix\"\n[fields]\npost = \"id\"\nauthor = \"/user/name\"\nat = \"/ts\"\ntext = \"body\"\n").unwrap();
    let s = import(
        &data,
        &[
            "ndjson",
            nd.to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
        ],
    );
    assert_eq!(
        (s["imported"].as_u64(), s["rejected"].as_u64()),
        (Some(1), Some(1)),
        "{s}"
    );
    assert!(
        rejects(&s)[0]["detail"]
            .as_str()
            .unwrap()
            .contains("/user/name")
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM posts WHERE post = 'forum:p1' AND author = 'forum:ana' AND text = 'bonjour'"
        ),
        1
    );
}
