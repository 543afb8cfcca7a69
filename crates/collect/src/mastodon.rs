//! `levain collect mastodon --instance URL --account @name [--token T]`.
//!
//! Looks the account up (`/api/v1/accounts/lookup`), then pages through its
//! statuses, the accounts that favourited or boosted each of them
//! (`favourited_by`, `reblogged_by`, only for statuses that have some),
//! its followers, and, with a token, its notifications. Pages follow the
//! `Link: <…>; rel="next"` header. Each page is saved in levain's
//! `mastodon-api` wrapper, which names the endpoint, the instance and the
//! status or account the page is about.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

use levain_store::Store;

use crate::http::{Http, Retry};
use crate::{Report, Spool, pages};

pub struct Target {
    /// `https://mastodon.social`
    pub instance: String,
    /// `@name`, `name` or `name@host`
    pub account: String,
    pub token: Option<String>,
    /// Stop each endpoint after this many pages (None: all).
    pub max_pages: Option<u64>,
}

pub async fn collect(data: &Path, target: &Target, retry: Retry) -> anyhow::Result<Report> {
    let base = target.instance.trim_end_matches('/').to_owned();
    anyhow::ensure!(
        base.starts_with("https://") || base.starts_with("http://"),
        "--instance `{}`: expected a URL such as https://mastodon.social",
        target.instance
    );
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let acct = target.account.trim().trim_start_matches('@').to_owned();
    let store = Store::open_or_create(data)?;
    let http = Http::new(retry, target.token.clone())?;
    let mut report = Report::default();

    let (who, _) = http
        .get_json(&format!("{base}/api/v1/accounts/lookup?acct={acct}"))
        .await
        .with_context(|| format!("looking up {} on {base}", target.account))?;
    let id = who["id"]
        .as_str()
        .context("the account lookup returned no id")?
        .to_owned();
    let acct_full = match who["acct"].as_str() {
        Some(a) if a.contains('@') => a.to_owned(),
        Some(a) => format!("{a}@{host}"),
        None => format!("{acct}@{host}"),
    };
    let me = format!("@{acct_full}");
    let mut spool = Spool::open(data, "mastodon", &acct_full)?;
    // Pages left by an interrupted run go in first.
    report.add(&spool.import_pending(&store)?);

    let wrap = |endpoint_url: &str,
                subject: Value,
                ids: &BTreeMap<String, String>,
                body: &[u8]|
     -> anyhow::Result<Vec<u8>> {
        let body: Value = serde_json::from_slice(body).context("the page is not JSON")?;
        let endpoint = endpoint_url.strip_prefix(&base).unwrap_or(endpoint_url);
        Ok(serde_json::to_vec(&json!({
            "levain": "mastodon-api",
            "instance": base,
            "endpoint": endpoint,
            "fetched_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "subject": subject,
            "ids": ids,
            "body": body,
        }))?)
    };

    // Own statuses: remembered (id → uri, favourites, boosts) in the state
    // so an interrupted run still knows which lists to fetch.
    let mut memo: BTreeMap<String, (String, u64, u64)> =
        serde_json::from_value(spool.state.memo.clone()).unwrap_or_default();
    let no_ids = BTreeMap::new();
    pages(
        &http,
        &mut spool,
        &mut report,
        "statuses",
        &format!("{base}/api/v1/accounts/{id}/statuses?limit=40"),
        target.max_pages,
        |spool, url, page| {
            let file = wrap(url, json!({"account": me}), &no_ids, &page.body)?;
            if let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&page.body) {
                for s in items {
                    let s = if s["reblog"].is_object() { continue } else { s };
                    if let (Some(sid), Some(uri)) = (s["id"].as_str(), s["uri"].as_str()) {
                        memo.insert(
                            sid.to_owned(),
                            (
                                uri.to_owned(),
                                s["favourites_count"].as_u64().unwrap_or(0),
                                s["reblogs_count"].as_u64().unwrap_or(0),
                            ),
                        );
                    }
                }
            }
            spool.state.memo = serde_json::to_value(&memo)?;
            spool.page("statuses", "json", &file)?;
            Ok(page.next)
        },
    )
    .await?;

    let ids: BTreeMap<String, String> =
        memo.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect();
    for (sid, (uri, favs, boosts)) in &memo {
        for (kind, count) in [("favourited_by", favs), ("reblogged_by", boosts)] {
            if *count == 0 {
                continue;
            }
            let subject = json!({"status": uri, "account": me});
            pages(
                &http,
                &mut spool,
                &mut report,
                &format!("{kind}:{sid}"),
                &format!("{base}/api/v1/statuses/{sid}/{kind}?limit=80"),
                target.max_pages,
                |spool, url, page| {
                    let file = wrap(url, subject.clone(), &no_ids, &page.body)?;
                    spool.page(kind, "json", &file)?;
                    Ok(page.next)
                },
            )
            .await?;
        }
    }
    pages(
        &http,
        &mut spool,
        &mut report,
        "followers",
        &format!("{base}/api/v1/accounts/{id}/followers?limit=80"),
        target.max_pages,
        |spool, url, page| {
            let file = wrap(url, json!({"account": me}), &no_ids, &page.body)?;
            spool.page("followers", "json", &file)?;
            Ok(page.next)
        },
    )
    .await?;
    if target.token.is_some() {
        pages(
            &http,
            &mut spool,
            &mut report,
            "notifications",
            &format!("{base}/api/v1/notifications?limit=80"),
            target.max_pages,
            |spool, url, page| {
                let file = wrap(url, json!({"account": me}), &ids, &page.body)?;
                spool.page("notifications", "json", &file)?;
                Ok(page.next)
            },
        )
        .await?;
    }
    report.add(&spool.import_pending(&store)?);
    // The pass is complete: the next run starts from the newest pages.
    spool.state = crate::State::default();
    spool.save_state()?;
    report.requests = http.requests.get();
    Ok(report)
}
