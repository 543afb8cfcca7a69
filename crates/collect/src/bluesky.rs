//! `levain collect bluesky --actor HANDLE|DID`: history from the public
//! AppView's XRPC (`app.bsky.actor.getProfile`, `app.bsky.feed.getAuthorFeed`,
//! `getLikes` and `getRepostedBy` for each post that has some,
//! `app.bsky.graph.getFollowers`), paged with `cursor`.
//!
//! Pages are saved as Jetstream events, so they get the keys a Jetstream
//! capture or a repository export of the same records gets: the actor's
//! posts are their records as they are (`create` commits). The AppView's
//! lists of likers, reposters and followers do not give the like, repost
//! or follow record itself, so those are written with a record key of
//! their own (`levain` + a hash of who and what): collecting again stores
//! nothing twice, but a Jetstream capture of the liker's own repository
//! would name the same like under its real key. Reposts and follows from
//! lists are dated when they were collected (the lists do not say when).

use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

use levain_store::Store;

use crate::http::{Http, Retry};
use crate::{Report, Spool, pages};

pub struct Target {
    /// A handle (`alice.bsky.social`) or a DID.
    pub actor: String,
    /// `https://public.api.bsky.app`
    pub appview: String,
    pub max_pages: Option<u64>,
}

fn micros(s: Option<&str>) -> i64 {
    s.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.timestamp_micros())
        .unwrap_or_else(|| chrono::Utc::now().timestamp_micros())
}

fn event(
    did: &str,
    time_us: i64,
    collection: &str,
    rkey: &str,
    record: Value,
    cid: Option<&str>,
) -> String {
    json!({"did": did, "time_us": time_us, "kind": "commit",
           "commit": {"rev": "", "operation": "create", "collection": collection,
                      "rkey": rkey, "record": record, "cid": cid}})
    .to_string()
}

/// A stable record key for an act the AppView lists without its record.
fn listed_rkey(kind: &str, actor: &str, subject: &str) -> String {
    let h = xxhash_rust::xxh3::xxh3_64(format!("{kind}|{actor}|{subject}").as_bytes());
    format!("levain{h:016x}")
}

fn identity(did: &str, handle: &str) -> String {
    // One observation per handle: the same handle again is a duplicate.
    let seq = (xxhash_rust::xxh3::xxh3_64(handle.as_bytes()) >> 2) as i64;
    json!({"did": did, "time_us": chrono::Utc::now().timestamp_micros(), "kind": "identity",
           "identity": {"did": did, "handle": handle, "seq": seq}})
    .to_string()
}

/// Saves a page of events, unless it has none.
fn save_lines(spool: &mut Spool, name: &str, v: &[String]) -> anyhow::Result<()> {
    if !v.is_empty() {
        let mut out = v.join("\n").into_bytes();
        out.push(b'\n');
        spool.page(name, "ndjson", &out)?;
    }
    Ok(())
}

fn with_cursor(url: &str, body: &Value) -> Option<String> {
    let c = body["cursor"].as_str().filter(|c| !c.is_empty())?;
    let base = url.split("&cursor=").next().unwrap_or(url);
    Some(format!("{base}&cursor={}", urlencode(c)))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn collect(data: &Path, target: &Target, retry: Retry) -> anyhow::Result<Report> {
    let base = target.appview.trim_end_matches('/').to_owned();
    let store = Store::open_or_create(data)?;
    let http = Http::new(retry, None)?;
    let mut report = Report::default();
    let actor = target.actor.trim().trim_start_matches('@');
    let (profile, _) = http
        .get_json(&format!(
            "{base}/xrpc/app.bsky.actor.getProfile?actor={}",
            urlencode(actor)
        ))
        .await
        .with_context(|| format!("looking up {actor} on {base}"))?;
    let did = profile["did"]
        .as_str()
        .context("the profile has no did")?
        .to_owned();
    let mut spool = Spool::open(data, "bluesky", &did)?;
    report.add(&spool.import_pending(&store)?);
    if let Some(h) = profile["handle"].as_str() {
        save_lines(&mut spool, "profile", &[identity(&did, h)])?;
    }

    // The actor's posts, remembered with their like and repost counts.
    let mut memo: std::collections::BTreeMap<String, (String, u64, u64)> =
        serde_json::from_value(spool.state.memo.clone()).unwrap_or_default();
    let feed = format!(
        "{base}/xrpc/app.bsky.feed.getAuthorFeed?actor={}&limit=100&filter=posts_with_replies",
        urlencode(&did)
    );
    pages(
        &http,
        &mut spool,
        &mut report,
        "feed",
        &feed,
        target.max_pages,
        |spool, url, page| {
            let body: Value =
                serde_json::from_slice(&page.body).context("the feed page is not JSON")?;
            let mut out = Vec::new();
            for item in body["feed"].as_array().into_iter().flatten() {
                let p = &item["post"];
                if !item["reason"].is_null() || p["author"]["did"].as_str() != Some(did.as_str()) {
                    continue; // a repost of someone else's post shows their post
                }
                let (Some(uri), Some(cid)) = (p["uri"].as_str(), p["cid"].as_str()) else {
                    continue;
                };
                let Some(rkey) = uri.rsplit('/').next() else {
                    continue;
                };
                out.push(event(
                    &did,
                    micros(p["indexedAt"].as_str()),
                    "app.bsky.feed.post",
                    rkey,
                    p["record"].clone(),
                    Some(cid),
                ));
                memo.insert(
                    uri.to_owned(),
                    (
                        cid.to_owned(),
                        p["likeCount"].as_u64().unwrap_or(0),
                        p["repostCount"].as_u64().unwrap_or(0),
                    ),
                );
            }
            spool.state.memo = serde_json::to_value(&memo)?;
            save_lines(spool, "feed", &out)?;
            Ok(with_cursor(url, &body))
        },
    )
    .await?;

    for (uri, (cid, likes, reposts)) in &memo {
        let subject = json!({"uri": uri, "cid": cid});
        if *likes > 0 {
            let first = format!(
                "{base}/xrpc/app.bsky.feed.getLikes?uri={}&limit=100",
                urlencode(uri)
            );
            pages(&http, &mut spool, &mut report, &format!("likes:{uri}"), &first, target.max_pages, |spool, url, page| {
                let body: Value = serde_json::from_slice(&page.body).context("not JSON")?;
                let mut out = Vec::new();
                for l in body["likes"].as_array().into_iter().flatten() {
                    let Some(a) = l["actor"]["did"].as_str() else { continue };
                    let record = json!({"$type": "app.bsky.feed.like", "subject": subject, "createdAt": l["createdAt"]});
                    out.push(event(a, micros(l["indexedAt"].as_str()), "app.bsky.feed.like", &listed_rkey("like", a, uri), record, None));
                    if let Some(h) = l["actor"]["handle"].as_str() {
                        out.push(identity(a, h));
                    }
                }
                save_lines(spool, "likes", &out)?;
                Ok(with_cursor(url, &body))
            })
            .await?;
        }
        if *reposts > 0 {
            let first = format!(
                "{base}/xrpc/app.bsky.feed.getRepostedBy?uri={}&limit=100",
                urlencode(uri)
            );
            pages(&http, &mut spool, &mut report, &format!("reposts:{uri}"), &first, target.max_pages, |spool, url, page| {
                let body: Value = serde_json::from_slice(&page.body).context("not JSON")?;
                let now = chrono::Utc::now();
                let mut out = Vec::new();
                for a in body["repostedBy"].as_array().into_iter().flatten() {
                    let Some(d) = a["did"].as_str() else { continue };
                    let record = json!({"$type": "app.bsky.feed.repost", "subject": subject, "createdAt": now.to_rfc3339()});
                    out.push(event(d, now.timestamp_micros(), "app.bsky.feed.repost", &listed_rkey("repost", d, uri), record, None));
                }
                save_lines(spool, "reposts", &out)?;
                Ok(with_cursor(url, &body))
            })
            .await?;
        }
    }

    let followers = format!(
        "{base}/xrpc/app.bsky.graph.getFollowers?actor={}&limit=100",
        urlencode(&did)
    );
    pages(&http, &mut spool, &mut report, "followers", &followers, target.max_pages, |spool, url, page| {
        let body: Value = serde_json::from_slice(&page.body).context("not JSON")?;
        let now = chrono::Utc::now();
        let mut out = Vec::new();
        for f in body["followers"].as_array().into_iter().flatten() {
            let Some(d) = f["did"].as_str() else { continue };
            let record = json!({"$type": "app.bsky.graph.follow", "subject": did, "createdAt": now.to_rfc3339()});
            out.push(event(d, now.timestamp_micros(), "app.bsky.graph.follow", &listed_rkey("follow", d, &did), record, None));
            if let Some(h) = f["handle"].as_str() {
                out.push(identity(d, h));
            }
        }
        save_lines(spool, "followers", &out)?;
        Ok(with_cursor(url, &body))
    })
    .await?;

    report.add(&spool.import_pending(&store)?);
    spool.state = crate::State::default();
    spool.save_state()?;
    report.requests = http.requests.get();
    Ok(report)
}
