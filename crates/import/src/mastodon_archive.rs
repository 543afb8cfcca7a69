//! Mastodon's account archive (Settings → Import and export → Request
//! your archive), as Mastodon's `BackupService` writes it: a `.tar.gz`
//! (Mastodon up to 4.1) or `.zip` (4.2 and later), or the folder it unpacks
//! to, holding
//! - `actor.json`: the account as an ActivityPub `Person`
//!   (`preferredUsername`, `name`, `summary` HTML, `url`, `published`, and
//!   profile fields as `attachment` `PropertyValue`s whose links are the
//!   `rel=me` candidates identity merging wants);
//! - `outbox.json`: an `OrderedCollection` whose `orderedItems` are the
//!   account's `Create` activities (a `Note`: own post or reply) and
//!   `Announce` activities (own boosts, `object` the boosted post's URI);
//! - `likes.json`, `bookmarks.json`: collections of post URIs, no dates.
//!
//! Mastodon exports follows separately (Import and export → Data export),
//! and those CSV files are read when they sit in the archive's folder or
//! zip too: `following_accounts.csv` (`Account address,Show boosts,…`, or
//! bare addresses one a line before Mastodon 3.3) and, from tools that
//! write the same shape, `followers.csv` / `followers_accounts.csv`.
//! `lists.csv`, `bookmarks.json`, blocks and mutes are not engagement and
//! are not read.
//!
//! Keys: accounts `mastodon:@user@host` (the handle, lower-cased; from an
//! actor or status URI `https://host/users/user/…`), posts and boosts
//! `mastodon:<URI>` (the ActivityPub id, the same for every server that
//! sees the post). Likes and follows carry no date in the archive: they
//! are dated by the entry's modification time (the day of the export).

use serde::Deserialize;
use serde_json::Value;

use levain_model::InteractionKind;
use levain_model::channel::MASTODON;
use levain_model::keys::{Key, qualified};
use levain_model::rows::{AccountRow, InteractionRow, PostRow};

use crate::archive::{Archive, Entry};
use crate::export::{
    Addressed, Bad, MAX_DOCUMENT, Out, decode, each_csv_row, each_record, push_reply_and_mentions,
};
use crate::text::{html_to_text, lang_code};
use crate::{ImportError, InputFile, Parsed, Sink, Source};

pub struct MastodonArchive;

impl Source for MastodonArchive {
    fn name(&self) -> &'static str {
        "mastodon-archive"
    }

    fn describe(&self) -> &'static str {
        "Mastodon account archive (.tar.gz, .zip or folder: outbox.json, actor.json, likes.json, following_accounts.csv)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let has = |n: &[u8]| crate::input::contains(head, n);
        (has(b"\"orderedItems\"") && has(b"activitystreams") && has(b"OrderedCollection"))
            || head.starts_with(b"Account address,Show boosts")
    }

    fn sniff_archive(&self, a: &Archive) -> bool {
        a.find("outbox.json").is_some() && a.find("actor.json").is_some()
            || a.find("following_accounts.csv").is_some() && a.find("actor.json").is_some()
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        let archive = Archive::open(file)?;
        read(&archive, sink)
    }
}

#[derive(Deserialize)]
struct Actor {
    id: Option<String>,
    #[serde(rename = "preferredUsername")]
    preferred_username: Option<String>,
    name: Option<String>,
    summary: Option<String>,
    url: Option<Value>,
    published: Option<String>,
    #[serde(default)]
    attachment: Vec<Value>,
}

#[derive(Deserialize)]
struct Activity {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    actor: Option<String>,
    published: Option<String>,
    object: Option<Value>,
}

#[derive(Deserialize)]
struct Note {
    id: Option<String>,
    #[serde(rename = "inReplyTo")]
    in_reply_to: Option<String>,
    published: Option<String>,
    url: Option<Value>,
    content: Option<String>,
    #[serde(rename = "contentMap")]
    content_map: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    tag: Vec<Value>,
}

/// `@user@host` of an actor or status URI of Mastodon's shape
/// (`https://host/users/user`, `…/users/user/statuses/1`, `https://host/@user`).
pub fn handle_of_uri(uri: &str) -> Option<String> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let mut parts = path.split('/');
    let user = match parts.next()? {
        "users" => parts.next()?,
        p if p.starts_with('@') => &p[1..],
        _ => return None,
    };
    (!user.is_empty() && !host.is_empty())
        .then(|| format!("@{}@{}", user.to_lowercase(), host.to_lowercase()))
}

/// `mastodon:@user@host` of an `user@host` / `@user@host` address.
fn account_of_address(addr: &str) -> Option<String> {
    let a = addr.trim().trim_start_matches('@');
    let (user, host) = a.split_once('@')?;
    (!user.is_empty() && host.contains('.') && !host.contains('@')).then(|| {
        qualified(
            MASTODON,
            &format!("@{}@{}", user.to_lowercase(), host.to_lowercase()),
        )
    })
}

fn parse_time(s: Option<&str>) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s?.trim())
        .ok()
        .map(|t| t.timestamp_micros())
}

fn url_of(v: &Option<Value>) -> Option<String> {
    match v.as_ref()? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("href").and_then(Value::as_str).map(str::to_owned),
        Value::Array(a) => a.iter().find_map(|x| url_of(&Some(x.clone()))),
        _ => None,
    }
}

struct Own {
    account: String,
}

fn read(archive: &Archive, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let mut out = Out::new(sink);
    let when = |e: &Entry| e.modified.or(archive.modified).unwrap_or(0);
    let own = match archive.find("actor.json") {
        Some(e) => Some(read_actor(archive, e, when(e), &mut out)?),
        None => None,
    };
    if let Some(e) = archive.find("outbox.json") {
        let e = e.clone();
        each_record(
            archive,
            &e,
            Some("orderedItems"),
            &mut out,
            &mut |line, bytes, p| activity(line, bytes, p),
        )?;
    }
    let need_own = |name: &str| -> Result<&Own, ImportError> {
        own.as_ref().ok_or_else(|| {
            archive.error(
                name,
                "says nothing of whose it is; import the whole archive (with actor.json), not this file alone",
            )
        })
    };
    if let Some(e) = archive.find("likes.json") {
        let own = need_own(&e.name)?;
        let at = when(e);
        each_record(
            archive,
            e,
            Some("orderedItems"),
            &mut out,
            &mut |line, bytes, p| like(&own.account, at, line, bytes, p),
        )?;
    }
    for (name, following) in [
        ("following_accounts.csv", true),
        ("followers.csv", false),
        ("followers_accounts.csv", false),
    ] {
        let Some(e) = archive.find(name) else {
            continue;
        };
        let own = need_own(&e.name)?;
        let at = when(e);
        each_csv_row(archive, e, &mut out, &mut |row, p| {
            follow(&own.account, following, at, row, p)
        })?;
    }
    if own.is_none() && archive.find("outbox.json").is_none() {
        return Err(ImportError::file(
            &archive.display,
            "no outbox.json or actor.json: not a Mastodon archive",
        ));
    }
    out.flush()
}

fn read_actor(archive: &Archive, e: &Entry, at: i64, out: &mut Out) -> Result<Own, ImportError> {
    let bytes = archive.read_whole(e, MAX_DOCUMENT)?;
    let actor: Actor =
        decode(&bytes).map_err(|(class, d)| archive.error(&e.name, format!("{class}: {d}")))?;
    let id = actor.id.as_deref().unwrap_or("");
    let host = id
        .strip_prefix("https://")
        .and_then(|r| r.split('/').next())
        .filter(|h| !h.is_empty());
    let (Some(user), Some(host)) = (actor.preferred_username.as_deref(), host) else {
        return Err(archive.error(
            &e.name,
            "has no `id` and `preferredUsername`: not a Mastodon actor",
        ));
    };
    let handle = format!("{}@{}", user.to_lowercase(), host.to_lowercase());
    let account = qualified(MASTODON, &format!("@{handle}"));
    let (bio, mut links) = html_to_text(actor.summary.as_deref().unwrap_or(""));
    // Profile fields: `PropertyValue`s whose value is a link (rel=me).
    for a in &actor.attachment {
        if a.get("type").and_then(Value::as_str) == Some("PropertyValue")
            && let Some(v) = a.get("value").and_then(Value::as_str)
        {
            let (text, hrefs) = html_to_text(v);
            if hrefs.is_empty() && text.starts_with("http") {
                links.push(text);
            }
            links.extend(hrefs);
        }
    }
    if let Some(u) = url_of(&actor.url) {
        links.insert(0, u);
    }
    links.dedup();
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
    let native = &account[MASTODON.len() + 1..];
    let name = actor.name.as_deref().filter(|n| !n.is_empty());
    let bio = (!bio.is_empty()).then_some(bio.as_str());
    out.parsed.rows.accounts.push(
        &AccountRow {
            account: &account,
            channel: MASTODON,
            native_id: native,
            handle: Some(&handle),
            display_name: name,
            bio,
            links: &link_refs,
            created_at: parse_time(actor.published.as_deref()),
            observed_at: at,
            ..AccountRow::default()
        },
        Key::of(&[
            "mastodon-profile",
            &account,
            name.unwrap_or(""),
            bio.unwrap_or(""),
            &links.join(" "),
        ]),
        true,
        1,
    );
    out.record(bytes.len())?;
    Ok(Own { account })
}

fn activity(line: u64, bytes: &[u8], p: &mut Parsed) -> Result<bool, Bad> {
    let a: Activity = decode(bytes)?;
    let kind = a.kind.as_deref().unwrap_or("");
    if kind != "Create" && kind != "Announce" {
        // Other activities (Update, Delete…) are not in archives; skip them.
        return Ok(false);
    }
    let actor_uri = a
        .actor
        .as_deref()
        .ok_or(("missing field", "an activity without `actor`".to_owned()))?;
    let actor = handle_of_uri(actor_uri)
        .map(|h| qualified(MASTODON, &h))
        .ok_or((
            "unexpected shape",
            format!("actor `{actor_uri}` is not a Mastodon account URI"),
        ))?;
    if kind == "Announce" {
        let (Some(id), Some(object)) = (a.id.as_deref(), a.object.as_ref().and_then(Value::as_str))
        else {
            return Err((
                "missing field",
                "an Announce without `id` or `object`".into(),
            ));
        };
        let at = parse_time(a.published.as_deref()).ok_or((
            "bad date",
            "an Announce without a readable `published`".to_owned(),
        ))?;
        let record = qualified(MASTODON, id);
        let post = qualified(MASTODON, object);
        let author = handle_of_uri(object).map(|h| qualified(MASTODON, &h));
        p.rows.interactions.push(
            &InteractionRow {
                actor: &actor,
                kind: InteractionKind::Reshare,
                channel: MASTODON,
                at,
                target_post: Some(&post),
                target_account: author.as_deref(),
                record: Some(&record),
                via: None,
                ends: None,
            },
            Key::of(&["reshare", &record]),
            true,
            line,
        );
        return Ok(true);
    }
    let note: Note = match &a.object {
        Some(o @ Value::Object(_)) => serde_json::from_value(o.clone()).map_err(|e| {
            (
                "unexpected shape",
                format!("the Create's object is not a Note: {e}"),
            )
        })?,
        _ => return Err(("missing field", "a Create without an `object`".into())),
    };
    let id = note
        .id
        .as_deref()
        .ok_or(("missing field", "a Note without `id`".to_owned()))?;
    let at = parse_time(note.published.as_deref().or(a.published.as_deref())).ok_or((
        "bad date",
        "a Note without a readable `published`".to_owned(),
    ))?;
    let post = qualified(MASTODON, id);
    let (text, hrefs) = html_to_text(note.content.as_deref().unwrap_or(""));
    let mut mentions: Vec<String> = Vec::new();
    let mut hashtags: Vec<String> = Vec::new();
    let mut tag_hrefs: Vec<&str> = Vec::new();
    for t in &note.tag {
        let href = t.get("href").and_then(Value::as_str);
        tag_hrefs.extend(href);
        match t.get("type").and_then(Value::as_str) {
            Some("Mention") => {
                let m = href
                    .and_then(handle_of_uri)
                    .map(|h| qualified(MASTODON, &h))
                    .or_else(|| {
                        t.get("name")
                            .and_then(Value::as_str)
                            .and_then(account_of_address)
                    });
                if let Some(m) = m
                    && !mentions.contains(&m)
                {
                    mentions.push(m);
                }
            }
            Some("Hashtag") => {
                if let Some(n) = t.get("name").and_then(Value::as_str) {
                    let n = n.trim_start_matches('#').to_lowercase();
                    if !n.is_empty() && !hashtags.contains(&n) {
                        hashtags.push(n);
                    }
                }
            }
            _ => {}
        }
    }
    let links: Vec<&str> = hrefs
        .iter()
        .map(String::as_str)
        .filter(|h| !tag_hrefs.contains(h) && !h.contains("/tags/") && !h.contains("/@"))
        .collect();
    let lang = note
        .content_map
        .as_ref()
        .and_then(|m| m.keys().next())
        .and_then(|k| lang_code(k));
    let url = url_of(&note.url);
    let parent = note.in_reply_to.as_deref().map(|u| qualified(MASTODON, u));
    let tags: Vec<&str> = hashtags.iter().map(String::as_str).collect();
    let mention_refs: Vec<&str> = mentions.iter().map(String::as_str).collect();
    p.rows.posts.push(
        &PostRow {
            post: &post,
            channel: MASTODON,
            author: &actor,
            at,
            text: Some(&text),
            lang: lang.as_deref(),
            url: url.as_deref(),
            reply_to: parent.as_deref(),
            hashtags: &tags,
            mentions: &mention_refs,
            links: &links,
            ..PostRow::default()
        },
        Key::of(&["post", &post]),
        true,
        line,
    );
    let parent_author = parent
        .as_ref()
        .and(note.in_reply_to.as_deref())
        .and_then(handle_of_uri)
        .map(|h| qualified(MASTODON, &h));
    push_reply_and_mentions(
        &mut p.rows.interactions,
        &Addressed {
            channel: MASTODON,
            actor: &actor,
            post: &post,
            at,
            parent: parent.as_deref(),
            parent_author: parent_author.as_deref(),
            mentions: &mention_refs,
        },
        line,
    );
    Ok(true)
}

fn like(own: &str, at: i64, line: u64, bytes: &[u8], p: &mut Parsed) -> Result<bool, Bad> {
    let uri: String = decode(bytes)?;
    if !uri.starts_with("http") {
        return Err(("unexpected shape", format!("`{uri}` is not a post URI")));
    }
    let post = qualified(MASTODON, &uri);
    let author = handle_of_uri(&uri).map(|h| qualified(MASTODON, &h));
    p.rows.interactions.push(
        &InteractionRow {
            actor: own,
            kind: InteractionKind::Like,
            channel: MASTODON,
            at,
            target_post: Some(&post),
            target_account: author.as_deref(),
            record: None,
            via: None,
            ends: None,
        },
        Key::of(&["like", own, &post]),
        true,
        line,
    );
    Ok(true)
}

fn follow(
    own: &str,
    following: bool,
    at: i64,
    row: &csv::StringRecord,
    p: &mut Parsed,
) -> Result<bool, Bad> {
    let addr = row.get(0).unwrap_or("").trim();
    if addr.is_empty() || addr.eq_ignore_ascii_case("account address") {
        return Ok(false);
    }
    let other = account_of_address(addr).ok_or((
        "unexpected shape",
        format!("`{addr}` is not an account address (user@host)"),
    ))?;
    let (actor, target) = if following {
        (own, other.as_str())
    } else {
        (other.as_str(), own)
    };
    p.rows.interactions.push(
        &InteractionRow {
            actor,
            kind: InteractionKind::Follow,
            channel: MASTODON,
            at,
            target_post: None,
            target_account: Some(target),
            record: None,
            via: None,
            ends: None,
        },
        Key::of(&["follow", actor, target]),
        true,
        row.position().map_or(0, |p| p.line()),
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_come_from_uris_and_addresses() {
        assert_eq!(
            handle_of_uri("https://Social.example/users/Anne/statuses/1").as_deref(),
            Some("@anne@social.example")
        );
        assert_eq!(
            handle_of_uri("https://x.org/@bob").as_deref(),
            Some("@bob@x.org")
        );
        assert_eq!(handle_of_uri("https://x.org/objects/abc"), None);
        assert_eq!(
            account_of_address("Bob@Mas.to").as_deref(),
            Some("mastodon:@bob@mas.to")
        );
        assert_eq!(account_of_address("Account address"), None);
    }
}
