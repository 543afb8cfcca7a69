//! The collectors against a local mock server: real-shaped pages, rate-limit
//! answers, 5xx errors, a dropped connection, and a resume after an
//! interruption. The server is a few lines of tokio: it can also close a
//! connection without answering, which a dropped connection needs.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use levain_collect::http::Retry;
use levain_collect::{bluesky, mastodon};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the server does with one request.
#[derive(Clone)]
enum Reply {
    Ok {
        headers: Vec<(String, String)>,
        body: String,
    },
    Status(u16, Vec<(String, String)>),
    Drop,
}

type Script = Arc<dyn Fn(&str, usize) -> Reply + Send + Sync>;

struct Server {
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

/// Serves `script(path_and_query, how many times it was asked before)`.
async fn serve(script: Script) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let l2 = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let (script, log, seen) = (script.clone(), l2.clone(), seen.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut n = 0;
                while !buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf[n..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => n += k,
                    }
                }
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                log.lock().unwrap().push(path.clone());
                let times = {
                    let mut s = seen.lock().unwrap();
                    let e = s.entry(path.clone()).or_default();
                    *e += 1;
                    *e - 1
                };
                let (status, headers, body) = match script(&path, times) {
                    Reply::Drop => return, // closes the socket without a word
                    Reply::Status(code, h) => (code, h, String::new()),
                    Reply::Ok { headers, body } => (200, headers, body),
                };
                let mut resp = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\ncontent-type: application/json\r\nconnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    resp.push_str(&format!("{k}: {v}\r\n"));
                }
                resp.push_str("\r\n");
                resp.push_str(&body);
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    Server { base, log }
}

fn fast() -> Retry {
    Retry {
        attempts: 4,
        base: Duration::from_millis(5),
        max_wait: Duration::from_millis(50),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn ok(body: Value, headers: Vec<(String, String)>) -> Reply {
    Reply::Ok {
        headers,
        body: body.to_string(),
    }
}

/// A Mastodon Account entity, shaped as the API returns it.
fn account(id: u64, user: &str, host: &str) -> Value {
    json!({"id": id.to_string(), "username": user, "acct": user, "display_name": user.to_uppercase(),
           "locked": false, "bot": false, "discoverable": true, "group": false,
           "created_at": "2023-01-01T00:00:00.000Z", "note": format!("<p>I am {user}</p>"),
           "url": format!("https://{host}/@{user}"), "uri": format!("https://{host}/users/{user}"),
           "avatar": "https://x/a.png", "avatar_static": "https://x/a.png", "header": "", "header_static": "",
           "followers_count": 3, "following_count": 1, "statuses_count": 3, "last_status_at": "2024-03-01",
           "emojis": [], "fields": [{"name": "site", "value": "<a href=\"https://example.org\" rel=\"me\">example.org</a>", "verified_at": "2024-01-01T00:00:00.000+00:00"}]})
}

fn status(id: u64, host: &str, favs: u64, boosts: u64) -> Value {
    json!({"id": id.to_string(), "created_at": format!("2024-03-0{}T10:00:00.000Z", id % 9 + 1),
           "in_reply_to_id": null, "in_reply_to_account_id": null, "sensitive": false, "spoiler_text": "",
           "visibility": "public", "language": "fr", "uri": format!("https://{host}/users/me/statuses/{id}"),
           "url": format!("https://{host}/@me/{id}"), "replies_count": 0, "reblogs_count": boosts,
           "favourites_count": favs, "edited_at": null, "content": format!("<p>Post {id} #vélo</p>"),
           "reblog": null, "application": null, "account": account(1, "me", host), "media_attachments": [],
           "mentions": [], "tags": [{"name": "vélo", "url": format!("https://{host}/tags/v%C3%A9lo")}],
           "emojis": [], "card": null, "poll": null})
}

/// The instance: two pages of statuses (the second fails twice: 503 then
/// 429), likers and boosters, followers behind a dropped connection.
fn mastodon_script(
    host: &'static str,
    base: Arc<Mutex<String>>,
    broken: Arc<Mutex<bool>>,
) -> Script {
    Arc::new(move |path: &str, times: usize| {
        let b = base.lock().unwrap().clone();
        let next = |url: &str| {
            vec![(
                "link".to_owned(),
                format!("<{b}{url}>; rel=\"next\", <{b}/prev>; rel=\"prev\""),
            )]
        };
        match path {
            p if p.starts_with("/api/v1/accounts/lookup") => ok(account(1, "me", host), vec![]),
            "/api/v1/accounts/1/statuses?limit=40" => ok(
                json!([status(12, host, 2, 1), status(11, host, 0, 0)]),
                next("/api/v1/accounts/1/statuses?limit=40&max_id=11"),
            ),
            "/api/v1/accounts/1/statuses?limit=40&max_id=11" => {
                if *broken.lock().unwrap() {
                    return Reply::Status(500, vec![]);
                }
                match times {
                    0 => Reply::Status(503, vec![]),
                    1 => Reply::Status(429, vec![("retry-after".into(), "0".into())]),
                    _ => ok(
                        json!([status(10, host, 1, 0)]),
                        vec![
                            ("x-ratelimit-remaining".into(), "0".into()),
                            (
                                "x-ratelimit-reset".into(),
                                "2000-01-01T00:00:00.000Z".into(),
                            ),
                        ],
                    ),
                }
            }
            "/api/v1/statuses/12/favourited_by?limit=80" => ok(
                json!([account(2, "ana", host), account(3, "bo", "other.example")]),
                vec![],
            ),
            "/api/v1/statuses/12/reblogged_by?limit=80" => {
                ok(json!([account(2, "ana", host)]), vec![])
            }
            "/api/v1/statuses/10/favourited_by?limit=80" => {
                ok(json!([account(2, "ana", host)]), vec![])
            }
            "/api/v1/accounts/1/followers?limit=80" => {
                if times == 0 {
                    Reply::Drop
                } else {
                    ok(
                        json!([account(2, "ana", host), account(4, "cy", host)]),
                        vec![],
                    )
                }
            }
            _ => Reply::Status(404, vec![]),
        }
    })
}

fn count(data: &Path, sql: &str) -> u64 {
    let store = levain_store::Store::open(data).unwrap();
    let engine =
        levain_store::query::Engine::new(store.root(), &store.manifest().unwrap()).unwrap();
    let (_, batches) = engine.sql(sql).unwrap();
    let col = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<levain_model::arrow::array::Int64Array>()
        .unwrap();
    col.value(0) as u64
}

fn mastodon_counts(data: &Path) -> (u64, u64, u64, u64) {
    (
        count(data, "SELECT count(*) FROM posts"),
        count(
            data,
            "SELECT count(*) FROM interactions WHERE kind = 'like'",
        ),
        count(
            data,
            "SELECT count(*) FROM interactions WHERE kind = 'reshare'",
        ),
        count(
            data,
            "SELECT count(*) FROM interactions WHERE kind = 'follow'",
        ),
    )
}

#[test]
fn mastodon_pages_retries_rate_limits_and_a_dropped_connection() {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let base = Arc::new(Mutex::new(String::new()));
    let server = rt.block_on(serve(mastodon_script(
        "social.example",
        base.clone(),
        Arc::new(Mutex::new(false)),
    )));
    *base.lock().unwrap() = server.base.clone();
    let target = mastodon::Target {
        instance: server.base.clone(),
        account: "@me".into(),
        token: None,
        max_pages: None,
    };
    let report = rt
        .block_on(mastodon::collect(&data, &target, fast()))
        .unwrap();
    assert_eq!(mastodon_counts(&data), (3, 3, 1, 2), "{report:?}");
    let log = server.log.lock().unwrap().clone();
    // 503, 429 and the dropped connection were each retried once.
    assert_eq!(log.iter().filter(|p| p.ends_with("max_id=11")).count(), 3);
    assert_eq!(log.iter().filter(|p| p.contains("/followers")).count(), 2);
    // Statuses without favourites or boosts cost no request.
    assert!(!log.iter().any(|p| p.contains("/statuses/11/")));
    // Collecting again stores nothing new.
    let again = rt
        .block_on(mastodon::collect(&data, &target, fast()))
        .unwrap();
    assert_eq!(again.imported, 0, "{again:?}");
    assert_eq!(mastodon_counts(&data), (3, 3, 1, 2));
}

#[test]
fn mastodon_resumes_from_the_last_saved_page() {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let base = Arc::new(Mutex::new(String::new()));
    let broken = Arc::new(Mutex::new(true));
    let server = rt.block_on(serve(mastodon_script(
        "social.example",
        base.clone(),
        broken.clone(),
    )));
    *base.lock().unwrap() = server.base.clone();
    let target = mastodon::Target {
        instance: server.base.clone(),
        account: "me".into(),
        token: None,
        max_pages: None,
    };
    let e = rt
        .block_on(mastodon::collect(&data, &target, fast()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 500") && e.contains("resume"), "{e}");
    // The first page was saved; the server heals; the next run starts at page 2.
    *broken.lock().unwrap() = false;
    server.log.lock().unwrap().clear();
    rt.block_on(mastodon::collect(&data, &target, fast()))
        .unwrap();
    let log = server.log.lock().unwrap().clone();
    assert!(
        !log.iter()
            .any(|p| p == "/api/v1/accounts/1/statuses?limit=40"),
        "{log:?}"
    );
    assert!(log.iter().any(|p| p.ends_with("max_id=11")));
    assert_eq!(mastodon_counts(&data), (3, 3, 1, 2));
}

#[test]
fn bluesky_history_from_the_appview() {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
    let post = move |rkey: &str, likes: u64, reposts: u64| {
        json!({
        "uri": format!("at://{did}/app.bsky.feed.post/{rkey}"), "cid": "bafyreib2rxk3rh6kzwq",
        "author": {"did": did, "handle": "atelier.example", "displayName": "Atelier"},
        "record": {"$type": "app.bsky.feed.post", "text": format!("post {rkey}"), "createdAt": "2024-05-01T10:00:00.000Z", "langs": ["fr"]},
        "replyCount": 0, "repostCount": reposts, "likeCount": likes, "quoteCount": 0, "indexedAt": "2024-05-01T10:00:01.000Z", "labels": []})
    };
    let script: Script = Arc::new(move |path: &str, times: usize| {
        let rl = vec![
            ("ratelimit-limit".to_owned(), "3000".to_owned()),
            ("ratelimit-remaining".to_owned(), "2999".to_owned()),
        ];
        if path.starts_with("/xrpc/app.bsky.actor.getProfile") {
            ok(json!({"did": did, "handle": "atelier.example"}), rl)
        } else if path.starts_with("/xrpc/app.bsky.feed.getAuthorFeed") && !path.contains("cursor=")
        {
            ok(
                json!({"feed": [{"post": post("3kaaa", 2, 1)}], "cursor": "2024-05-01T10:00:00.000Z"}),
                rl,
            )
        } else if path.starts_with("/xrpc/app.bsky.feed.getAuthorFeed") {
            if times == 0 {
                return Reply::Status(502, vec![]);
            }
            ok(json!({"feed": [{"post": post("3kbbb", 0, 0)}]}), rl)
        } else if path.starts_with("/xrpc/app.bsky.feed.getLikes") {
            let like = |d: &str| json!({"actor": {"did": d, "handle": format!("{}.example", &d[8..12])}, "createdAt": "2024-05-02T00:00:00.000Z", "indexedAt": "2024-05-02T00:00:01.000Z"});
            ok(
                json!({"uri": "x", "likes": [like("did:plc:aaaaaaaaaaaa"), like("did:plc:bbbbbbbbbbbb")]}),
                rl,
            )
        } else if path.starts_with("/xrpc/app.bsky.feed.getRepostedBy") {
            ok(
                json!({"uri": "x", "repostedBy": [{"did": "did:plc:aaaaaaaaaaaa", "handle": "aaaa.example"}]}),
                rl,
            )
        } else if path.starts_with("/xrpc/app.bsky.graph.getFollowers") {
            if times == 0 {
                return Reply::Drop;
            }
            ok(
                json!({"subject": {"did": did}, "followers": [{"did": "did:plc:cccccccccccc", "handle": "cccc.example"}]}),
                rl,
            )
        } else {
            Reply::Status(404, vec![])
        }
    });
    let server = rt.block_on(serve(script));
    let target = bluesky::Target {
        actor: "atelier.example".into(),
        appview: server.base.clone(),
        max_pages: None,
    };
    rt.block_on(bluesky::collect(&data, &target, fast()))
        .unwrap();
    let counts = |data: &Path| {
        (
            count(data, "SELECT count(*) FROM posts"),
            count(
                data,
                "SELECT count(*) FROM interactions WHERE kind = 'like'",
            ),
            count(
                data,
                "SELECT count(*) FROM interactions WHERE kind = 'reshare'",
            ),
            count(
                data,
                "SELECT count(*) FROM interactions WHERE kind = 'follow'",
            ),
        )
    };
    assert_eq!(counts(&data), (2, 2, 1, 1));
    // The same posts keep the keys a Jetstream capture gives them.
    assert_eq!(
        count(
            &data,
            &format!(
                "SELECT count(*) FROM posts WHERE post = 'bluesky:at://{did}/app.bsky.feed.post/3kaaa'"
            )
        ),
        1
    );
    let again = rt
        .block_on(bluesky::collect(&data, &target, fast()))
        .unwrap();
    assert_eq!(again.imported, 0, "{again:?}");
    assert_eq!(counts(&data), (2, 2, 1, 1));
}
