//! The workshop's Mastodon account as `levain collect mastodon` saves it:
//! one file per API page, each in levain's wrapper (`levain`, `instance`,
//! `endpoint`, `fetched_at`, `subject`, `ids`, `body`), the body being what
//! the endpoint returns: `/api/v1/accounts/:id/statuses` (40 Status
//! entities a page: posts with mentions and tags, replies, boosts),
//! `/api/v1/statuses/:id/favourited_by` and `/reblogged_by` (80 Account
//! entities a page), `/api/v1/accounts/:id/followers` and
//! `/api/v1/notifications` (mentions of the account).
//!
//! Each member has one profile wherever it appears, so every account is one
//! profile observation.

use std::collections::BTreeSet;
use std::path::Path;

use rand::Rng;
use serde_json::{Value, json};

use crate::archives::{ArchiveTruth, Gen, START, rfc3339};

const HOST: &str = "atelier.social";
const USER: &str = "atelierdurayon";
const STATUSES_PAGE: usize = 40;
const ACCOUNTS_PAGE: usize = 80;

fn account(g: &Gen, i: usize) -> Value {
    let p = &g.people[i];
    json!({
        "id": (200_000 + i).to_string(),
        "username": p.handle,
        "acct": format!("{}@{}", p.handle, p.host),
        "display_name": p.name,
        "locked": false,
        "bot": false,
        "created_at": "2022-11-07T00:00:00.000Z",
        "note": format!("<p>Cycliste à {}. Vélotaf, réparations.</p>", p.host),
        "url": format!("https://{}/@{}", p.host, p.handle),
        "avatar": format!("https://{}/avatars/{}.png", p.host, p.handle),
        "followers_count": 12 + i % 300,
        "following_count": 40 + i % 90,
        "statuses_count": 100 + i % 1000,
        "last_status_at": "2025-12-01",
        "emojis": [],
        "fields": [],
    })
}

fn own_account() -> Value {
    json!({
        "id": "1",
        "username": USER,
        "acct": USER,
        "display_name": "L'Atelier du Rayon",
        "locked": false,
        "bot": false,
        "created_at": "2022-11-05T00:00:00.000Z",
        "note": "<p>Atelier vélo associatif à Lyon. Réparations, conseils, balades.</p>",
        "url": format!("https://{HOST}/@{USER}"),
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "emojis": [],
        "fields": [{"name": "Site", "value": "<a href=\"https://latelierdurayon.fr\" rel=\"nofollow noopener noreferrer me\" target=\"_blank\">latelierdurayon.fr</a>", "verified_at": "2023-01-02T00:00:00.000+00:00"}],
    })
}

fn mention(g: &Gen, i: usize) -> Value {
    let p = &g.people[i];
    json!({"id": (200_000 + i).to_string(), "username": p.handle, "acct": format!("{}@{}", p.handle, p.host), "url": format!("https://{}/@{}", p.host, p.handle)})
}

/// A member's status (boosted by the account, or mentioning it).
fn their_status(g: &Gen, who: usize, n: u64, at: i64, content: &str, mentions: Value) -> Value {
    let p = &g.people[who];
    let id = 113_000_000_000_000_000u64 + n;
    json!({
        "id": id.to_string(),
        "uri": format!("https://{}/users/{}/statuses/{id}", p.host, p.handle),
        "url": format!("https://{}/@{}/{id}", p.host, p.handle),
        "created_at": rfc3339(at),
        "account": account(g, who),
        "content": content,
        "visibility": "public",
        "sensitive": false,
        "spoiler_text": "",
        "in_reply_to_id": null,
        "in_reply_to_account_id": null,
        "reblog": null,
        "language": "fr",
        "mentions": mentions,
        "tags": [],
        "emojis": [],
        "media_attachments": [],
        "card": null,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
    })
}

struct Pages<'a> {
    dir: &'a Path,
    files: u64,
}

impl Pages<'_> {
    fn write(
        &mut self,
        name: &str,
        endpoint: &str,
        subject: Value,
        fetched: i64,
        body: &[Value],
    ) -> std::io::Result<()> {
        self.files += 1;
        let doc = json!({
            "levain": "mastodon-api",
            "instance": format!("https://{HOST}"),
            "endpoint": endpoint,
            "fetched_at": rfc3339(fetched),
            "subject": subject,
            "ids": {},
            "body": body,
        });
        std::fs::write(
            self.dir.join(format!("{name}-{:06}.json", self.files)),
            serde_json::to_vec(&doc).map_err(std::io::Error::other)?,
        )
    }
}

/// A listing written page by page: entities gather until a page holds
/// `limit` of them, then it is written; `finish` writes the last one.
struct Listing {
    name: &'static str,
    endpoint: &'static str,
    subject: Value,
    limit: usize,
    page: Vec<Value>,
}

impl Listing {
    fn new(name: &'static str, endpoint: &'static str, subject: Value, limit: usize) -> Listing {
        Listing {
            name,
            endpoint,
            subject,
            limit,
            page: Vec::with_capacity(limit),
        }
    }

    fn push(&mut self, pages: &mut Pages, fetched: i64, entity: Value) -> std::io::Result<()> {
        self.page.push(entity);
        if self.page.len() == self.limit {
            self.finish(pages, fetched)?;
        }
        Ok(())
    }

    fn finish(&mut self, pages: &mut Pages, fetched: i64) -> std::io::Result<()> {
        if !self.page.is_empty() {
            let subject = self.subject.clone();
            pages.write(self.name, self.endpoint, subject, fetched, &self.page)?;
            self.page.clear();
        }
        Ok(())
    }
}

/// Writes about `records` records as API pages into the folder `dir`.
pub(crate) fn write(dir: &Path, seed: u64, records: u64) -> std::io::Result<ArchiveTruth> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let mut g = Gen::new(seed ^ 0x3a5, records);
    let n = records.max(20);
    let me = format!("@{USER}@{HOST}");
    let own_uri = format!("https://{HOST}/users/{USER}");
    let mut t = ArchiveTruth {
        format: "mastodon-api".into(),
        own: format!("mastodon:{me}"),
        ..ArchiveTruth::default()
    };
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut pages = Pages { dir, files: 0 };
    let people = g.people.len();
    let (posts, shares) = (n * 3 / 10, n / 10);
    let likes_target = n * 3 / 10;
    let reblogs_target = n / 20;
    let step = (3 * 365 * 86_400 / (posts + shares) as i64).max(1);
    let fetched = START + 3 * 365 * 86_400 + 86_400;

    // Own statuses, newest page last; remembered for the lists.
    let mut own: Vec<(String, String, u64, u64)> = Vec::new();
    let mut statuses = Listing::new(
        "statuses",
        "/api/v1/accounts/1/statuses?limit=40",
        json!({"account": me}),
        STATUSES_PAGE,
    );
    for i in 0..posts + shares {
        let at = START + i as i64 * step;
        let id = 110_000_000_000_000_000u64 + i;
        let uri = format!("{own_uri}/statuses/{id}");
        let boost = g.rng.random_range(0..posts + shares - i) < shares - t.reshares;
        if boost {
            let who = g.rng.random_range(0..people);
            seen.insert(who);
            let orig = their_status(
                &g,
                who,
                i,
                at - 7200,
                "<p>Sortie vélo dimanche, qui vient ?</p>",
                json!([]),
            );
            statuses.push(
                &mut pages,
                fetched,
                json!({
                    "id": id.to_string(),
                    "uri": format!("{uri}/activity"),
                    "url": null,
                    "created_at": rfc3339(at),
                    "account": own_account(),
                    "content": "",
                    "visibility": "public",
                    "in_reply_to_id": null,
                    "in_reply_to_account_id": null,
                    "reblog": orig,
                    "mentions": [],
                    "tags": [],
                    "card": null,
                    "reblogs_count": 0,
                    "favourites_count": 0,
                }),
            )?;
            t.reshares += 1;
            // The original status is stored too.
            t.rows_posts += 1;
        } else {
            let post = g.post();
            let mut html = String::from("<p>");
            for &m in &post.mentions {
                let p = &g.people[m];
                html.push_str(&format!(
                    "<span class=\"h-card\"><a href=\"https://{}/@{}\" class=\"u-url mention\">@<span>{}</span></a></span> ",
                    p.host, p.handle, p.handle
                ));
            }
            html.push_str(&post.text.replace(
                &format!("#{}", post.tag),
                &format!("<a href=\"https://{HOST}/tags/{0}\" class=\"mention hashtag\" rel=\"tag\">#<span>{0}</span></a>", post.tag),
            ));
            html.push_str("</p>");
            let left = posts - t.posts;
            let favs = if g.rng.random_bool(0.3) {
                let want = (likes_target - t.likes) / left.max(1) * 3;
                g.rng.random_range(0..=want.min(people as u64 - 1))
            } else {
                0
            };
            let reblogs = if g.rng.random_bool(0.2) {
                let want = (reblogs_target - t.reshared_by) / left.max(1) * 5;
                g.rng.random_range(0..=want.min(people as u64 - 1))
            } else {
                0
            };
            t.likes += favs;
            // Boosts of own statuses, counted apart from own boosts.
            t.reshared_by += reblogs;
            statuses.push(&mut pages, fetched, json!({
                "id": id.to_string(),
                "uri": uri,
                "url": format!("https://{HOST}/@{USER}/{id}"),
                "created_at": rfc3339(at),
                "account": own_account(),
                "content": html,
                "visibility": "public",
                "sensitive": false,
                "spoiler_text": "",
                "in_reply_to_id": post.reply_to.map(|_| (113_500_000_000_000_000u64 + i).to_string()),
                "in_reply_to_account_id": post.reply_to.map(|r| (200_000 + r).to_string()),
                "reblog": null,
                "language": post.lang,
                "mentions": post.mentions.iter().map(|&m| mention(&g, m)).collect::<Vec<_>>(),
                "tags": if post.text.contains('#') { json!([{"name": post.tag, "url": format!("https://{HOST}/tags/{}", post.tag)}]) } else { json!([]) },
                "emojis": [],
                "media_attachments": [],
                "card": null,
                "replies_count": 0,
                "reblogs_count": reblogs,
                "favourites_count": favs,
            }))?;
            own.push((id.to_string(), uri, favs, reblogs));
            t.posts += 1;
            t.rows_posts += 1;
            t.replies += post.reply_to.is_some() as u64;
            t.mentions += post.mentions.len() as u64;
        }
    }
    statuses.finish(&mut pages, fetched)?;

    // Who favourited and boosted each status: distinct members, in pages.
    for (sid, uri, favs, reblogs) in &own {
        for (kind, count) in [("favourited_by", *favs), ("reblogged_by", *reblogs)] {
            let from = g.rng.random_range(0..people);
            let who: Vec<usize> = (0..count as usize).map(|j| (from + j) % people).collect();
            seen.extend(&who);
            for chunk in who.chunks(ACCOUNTS_PAGE) {
                let body: Vec<Value> = chunk.iter().map(|&w| account(&g, w)).collect();
                pages.write(
                    kind,
                    &format!("/api/v1/statuses/{sid}/{kind}?limit=80"),
                    json!({"status": uri, "account": me}),
                    fetched,
                    &body,
                )?;
            }
        }
    }

    // Followers: distinct members.
    t.followers = (n * 3 / 20).min(people as u64);
    let followers: Vec<usize> = (0..t.followers as usize).collect();
    seen.extend(&followers);
    for chunk in followers.chunks(ACCOUNTS_PAGE) {
        let body: Vec<Value> = chunk.iter().map(|&w| account(&g, w)).collect();
        pages.write(
            "followers",
            "/api/v1/accounts/1/followers?limit=80",
            json!({"account": me}),
            fetched,
            &body,
        )?;
    }

    // Notifications: members' statuses mentioning the account.
    let mentions_of_me = n / 20;
    let own_mention = json!([{"id": "1", "username": USER, "acct": USER, "url": format!("https://{HOST}/@{USER}")}]);
    let mut notifications = Listing::new(
        "notifications",
        "/api/v1/notifications?limit=80",
        json!({"account": me}),
        ACCOUNTS_PAGE,
    );
    for j in 0..mentions_of_me {
        let who = g.rng.random_range(0..people);
        seen.insert(who);
        let at = START + j as i64 * 3 * 365 * 86_400 / mentions_of_me as i64;
        let content = format!(
            "<p><span class=\"h-card\"><a href=\"https://{HOST}/@{USER}\" class=\"u-url mention\">@<span>{USER}</span></a></span> merci pour le réglage des freins !</p>"
        );
        notifications.push(&mut pages, fetched, json!({
            "id": (50_000_000 + j).to_string(),
            "type": "mention",
            "created_at": rfc3339(at),
            "account": account(&g, who),
            "status": their_status(&g, who, 10_000_000_000 + j, at, &content, own_mention.clone()),
        }))?;
    }
    notifications.finish(&mut pages, fetched)?;

    t.records = t.posts + t.reshares + t.likes + t.reshared_by + t.followers + mentions_of_me;
    t.rows_posts += mentions_of_me;
    // Own posts' replies and mentions (a reply's author is mentioned, and
    // that mention is the reply), own boosts, likes and boosts of own
    // statuses, follows, and members' mentions of the account.
    t.rows_interactions =
        t.mentions + t.reshares + t.likes + t.reshared_by + t.followers + mentions_of_me;
    // The account and each member that appears with a profile.
    t.rows_accounts = 1 + seen.len() as u64;
    Ok(t)
}
