//! The X (Twitter) archive (Settings → Your account → Download an archive
//! of your data): a zip, or the folder it unpacks to, whose `data/` holds
//! one JavaScript file per dataset, each `window.YTD.<name>.partN = [ … ]`:
//! - `tweets.js` (`tweet.js` before 2022), split into `tweets-part1.js`,
//!   `tweets-part2.js`… for big accounts: items `{"tweet": {…}}`, or the
//!   bare tweet object in the oldest archives (2019). Ids and counts are
//!   strings; `created_at` is `Tue Feb 10 17:33:16 +0000 2026`;
//! - `like.js`: `{"like": {"tweetId", "fullText", "expandedUrl"}}`, with no
//!   date and no author;
//! - `follower.js`, `following.js`: `{"follower"|"following": {"accountId",
//!   "userLink"}}`, numeric ids only;
//! - `account.js` (`accountId`, `username`, `accountDisplayName`,
//!   `createdAt`), `profile.js` (`description.bio`, `website`), and
//!   `manifest.js` (`window.__THAR_CONFIG = {…}`: `userInfo`, and the
//!   archive's `generationDate`).
//!
//! What becomes what, in channel `x`, accounts `x:<numeric id>`, posts
//! `x:<tweet id>`: an own tweet is a post (a reply names its parent and is a
//! `reply` interaction; `entities` give hashtags, mentions and expanded
//! links); a retweet (`RT @user: …`, which the archive keeps as a tweet of
//! its own) is a `reshare` of that user's post, whose id the archive does
//! not give; likes, followers and following are `like` / `follow`
//! interactions dated by the archive's generation date (they have none of
//! their own). Deleted tweets, blocks, mutes and DMs are not read.

use serde::Deserialize;
use serde_json::Value;

use levain_model::InteractionKind;
use levain_model::channel::X;
use levain_model::keys::{Key, qualified};
use levain_model::rows::{AccountRow, InteractionRow, PostRow};

use crate::archive::{Archive, Entry};
use crate::export::{
    Addressed, Bad, MAX_DOCUMENT, Out, decode, each_record, push_reply_and_mentions,
};
use crate::text::lang_code;
use crate::{ImportError, InputFile, Parsed, Sink, Source};

pub struct XArchive;

impl Source for XArchive {
    fn name(&self) -> &'static str {
        "x-archive"
    }

    fn describe(&self) -> &'static str {
        "X/Twitter archive (zip or folder: data/tweets.js, like.js, follower.js, following.js, account.js)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let start = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        start.starts_with(b"window.YTD.") || start.starts_with(b"window.__THAR_CONFIG")
    }

    fn sniff_archive(&self, a: &Archive) -> bool {
        a.entries().iter().any(|e| {
            let n = e.file_name();
            n.ends_with(".js")
                && (dataset(n) == Some("tweets")
                    || dataset(n) == Some("tweet")
                    || n == "manifest.js"
                    || n == "account.js")
        }) && (a.find("manifest.js").is_some() || a.find("account.js").is_some())
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        let archive = Archive::open(file)?;
        read(&archive, sink)
    }
}

/// The dataset of a data file: `tweets-part2.js` → `tweets`.
fn dataset(file_name: &str) -> Option<&str> {
    let stem = file_name.strip_suffix(".js")?;
    match stem.rsplit_once("-part") {
        Some((name, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => Some(name),
        _ => Some(stem),
    }
}

/// The files of a dataset, in part order (`tweets.js`, `tweets-part1.js`…).
fn parts<'a>(a: &'a Archive, name: &str) -> Vec<&'a Entry> {
    let mut v: Vec<&Entry> = a.find_all(|n| n.ends_with(".js") && dataset(n) == Some(name));
    v.sort_by_key(|e| {
        let part = e
            .file_name()
            .strip_suffix(".js")
            .and_then(|s| s.rsplit_once("-part"))
            .and_then(|(_, n)| n.parse::<u32>().ok())
            .unwrap_or(0);
        (part, e.name.clone())
    });
    v
}

/// The JSON after `window.… =` of a whole small file.
fn assignment_value(bytes: &[u8]) -> &[u8] {
    match memchr::memchr(b'=', bytes) {
        Some(i) if bytes.starts_with(b"window.") || bytes.starts_with(b"\xef\xbb\xbfwindow.") => {
            &bytes[i + 1..]
        }
        _ => bytes,
    }
}

pub fn parse_time(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_str(s.trim(), "%a %b %d %H:%M:%S %z %Y")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(s.trim()))
        .ok()
        .map(|t| t.timestamp_micros())
}

#[derive(Default)]
struct Own {
    id: String,
    username: Option<String>,
    display_name: Option<String>,
    created_at: Option<i64>,
    bio: Option<String>,
    links: Vec<String>,
    /// When the archive was made: the date of undated records.
    generated: Option<i64>,
}

fn identity(a: &Archive, out: &mut Out) -> Result<Option<(Own, String)>, ImportError> {
    let mut own = Own::default();
    if let Some(e) = a.find("manifest.js") {
        let bytes = a.read_whole(e, MAX_DOCUMENT)?;
        if let Ok(v) = serde_json::from_slice::<Value>(assignment_value(&bytes)) {
            let info = &v["userInfo"];
            own.id = info["accountId"].as_str().unwrap_or("").to_owned();
            own.username = info["userName"].as_str().map(str::to_owned);
            own.display_name = info["displayName"].as_str().map(str::to_owned);
            own.generated = v["archiveInfo"]["generationDate"]
                .as_str()
                .and_then(parse_time);
        }
    }
    if let Some(e) = a.find("account.js") {
        let bytes = a.read_whole(e, MAX_DOCUMENT)?;
        let v: Value = decode(assignment_value(&bytes))
            .map_err(|(c, d)| a.error(&e.name, format!("{c}: {d}")))?;
        let acc = &v[0]["account"];
        if let Some(id) = acc["accountId"].as_str() {
            own.id = id.to_owned();
        }
        own.username = acc["username"].as_str().map(str::to_owned).or(own.username);
        own.display_name = acc["accountDisplayName"]
            .as_str()
            .map(str::to_owned)
            .or(own.display_name);
        own.created_at = acc["createdAt"].as_str().and_then(parse_time);
        own.generated = own.generated.or(e.modified);
    }
    if let Some(e) = a.find("profile.js") {
        let bytes = a.read_whole(e, MAX_DOCUMENT)?;
        if let Ok(v) = serde_json::from_slice::<Value>(assignment_value(&bytes)) {
            let d = &v[0]["profile"]["description"];
            own.bio = d["bio"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            own.links.extend(
                d["website"]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    if own.id.is_empty() {
        return Ok(None);
    }
    let account = qualified(X, &own.id);
    if let Some(u) = &own.username {
        own.links.insert(0, format!("https://x.com/{u}"));
    }
    let at = own.generated.or(a.modified).unwrap_or(0);
    let links: Vec<&str> = own.links.iter().map(String::as_str).collect();
    out.parsed.rows.accounts.push(
        &AccountRow {
            account: &account,
            channel: X,
            native_id: &own.id,
            handle: own.username.as_deref(),
            display_name: own.display_name.as_deref(),
            bio: own.bio.as_deref(),
            links: &links,
            created_at: own.created_at,
            observed_at: at,
            ..AccountRow::default()
        },
        Key::of(&[
            "x-profile",
            &account,
            own.username.as_deref().unwrap_or(""),
            own.display_name.as_deref().unwrap_or(""),
            own.bio.as_deref().unwrap_or(""),
            &own.links.join(" "),
        ]),
        true,
        1,
    );
    out.record(0)?;
    Ok(Some((own, account)))
}

fn read(a: &Archive, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let mut out = Out::new(sink);
    let Some((own, account)) = identity(a, &mut out)? else {
        let what = a.entries().first().map_or("", |e| e.name.as_str());
        return Err(a.error(
            what,
            "the archive says nothing of whose it is (no data/account.js or data/manifest.js); import the whole archive (its zip or folder), not one file of it",
        ));
    };
    let at = own.generated.or(a.modified).unwrap_or(0);
    let tweets = {
        let v = parts(a, "tweets");
        if v.is_empty() { parts(a, "tweet") } else { v }
    };
    for e in tweets {
        each_record(a, e, None, &mut out, &mut |line, bytes, p| {
            tweet(&account, own.username.as_deref(), line, bytes, p)
        })?;
    }
    for e in parts(a, "like") {
        each_record(a, e, None, &mut out, &mut |line, bytes, p| {
            let v: Value = decode(bytes)?;
            let id = v["like"]["tweetId"]
                .as_str()
                .filter(|s| !s.is_empty())
                .ok_or(("missing field", "a like without `like.tweetId`".to_owned()))?;
            let post = qualified(X, id);
            p.rows.interactions.push(
                &InteractionRow {
                    actor: &account,
                    kind: InteractionKind::Like,
                    channel: X,
                    at,
                    target_post: Some(&post),
                    target_account: None,
                    record: None,
                    via: None,
                    ends: None,
                },
                Key::of(&["like", &account, &post]),
                true,
                line,
            );
            Ok(true)
        })?;
    }
    for (name, wrapper, following) in [
        ("follower", "follower", false),
        ("following", "following", true),
    ] {
        for e in parts(a, name) {
            each_record(a, e, None, &mut out, &mut |line, bytes, p| {
                let v: Value = decode(bytes)?;
                let id = v[wrapper]["accountId"]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .ok_or((
                        "missing field",
                        format!("an item without `{wrapper}.accountId`"),
                    ))?;
                let other = qualified(X, id);
                let (actor, target) = if following {
                    (account.as_str(), other.as_str())
                } else {
                    (other.as_str(), account.as_str())
                };
                p.rows.interactions.push(
                    &InteractionRow {
                        actor,
                        kind: InteractionKind::Follow,
                        channel: X,
                        at,
                        target_post: None,
                        target_account: Some(target),
                        record: None,
                        via: None,
                        ends: None,
                    },
                    Key::of(&["follow", actor, target]),
                    true,
                    line,
                );
                Ok(true)
            })?;
        }
    }
    out.flush()
}

#[derive(Deserialize)]
struct Tweet {
    id_str: Option<String>,
    id: Option<Value>,
    created_at: Option<String>,
    full_text: Option<String>,
    text: Option<String>,
    lang: Option<String>,
    in_reply_to_status_id_str: Option<String>,
    in_reply_to_user_id_str: Option<String>,
    #[serde(default)]
    entities: Entities,
}

#[derive(Deserialize, Default)]
struct Entities {
    #[serde(default)]
    hashtags: Vec<Value>,
    #[serde(default)]
    user_mentions: Vec<Value>,
    #[serde(default)]
    urls: Vec<Value>,
}

fn tweet(
    own: &str,
    username: Option<&str>,
    line: u64,
    bytes: &[u8],
    p: &mut Parsed,
) -> Result<bool, Bad> {
    let v: Value = decode(bytes)?;
    // `{"tweet": {…}}` since 2020; the bare object before.
    let inner = match v.get("tweet") {
        Some(t) => t.clone(),
        None => v,
    };
    let t: Tweet =
        serde_json::from_value(inner).map_err(|e| ("unexpected shape", e.to_string()))?;
    let id = t
        .id_str
        .clone()
        .or_else(|| {
            t.id.as_ref()
                .map(|i| i.as_str().map_or(i.to_string(), str::to_owned))
        })
        .filter(|s| !s.is_empty())
        .ok_or(("missing field", "a tweet without `id_str`".to_owned()))?;
    let when = t.created_at.as_deref().unwrap_or("");
    let at = parse_time(when).ok_or((
        "bad date",
        format!("created_at `{when}`, expected like `Tue Feb 10 17:33:16 +0000 2026`"),
    ))?;
    let text = t.full_text.as_deref().or(t.text.as_deref()).unwrap_or("");
    let record = qualified(X, &id);
    let mentions: Vec<(String, Option<&str>, Option<&str>)> = t
        .entities
        .user_mentions
        .iter()
        .filter_map(|m| {
            let id = m["id_str"].as_str().or(m["id"].as_str())?;
            Some((
                qualified(X, id),
                m["screen_name"].as_str(),
                m["name"].as_str(),
            ))
        })
        .collect();
    for (acc, handle, name) in &mentions {
        p.rows.accounts.push(
            &AccountRow {
                account: acc,
                channel: X,
                native_id: &acc[2..],
                handle: *handle,
                display_name: *name,
                observed_at: at,
                ..AccountRow::default()
            },
            Key::of(&["x-user", acc, handle.unwrap_or(""), name.unwrap_or("")]),
            false,
            line,
        );
    }
    if text.starts_with("RT @") {
        // A retweet: the archive keeps it as a tweet of its own; the
        // retweeted post's id is not in it, its author is the first mention.
        let author = mentions.first().map(|m| m.0.as_str());
        p.rows.interactions.push(
            &InteractionRow {
                actor: own,
                kind: InteractionKind::Reshare,
                channel: X,
                at,
                target_post: None,
                target_account: author,
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
    let hashtags: Vec<String> = t
        .entities
        .hashtags
        .iter()
        .filter_map(|h| h["text"].as_str().map(str::to_lowercase))
        .collect();
    let links: Vec<&str> = t
        .entities
        .urls
        .iter()
        .filter_map(|u| u["expanded_url"].as_str())
        .collect();
    let parent = t
        .in_reply_to_status_id_str
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| qualified(X, s));
    let url = match username {
        Some(u) => format!("https://x.com/{u}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    };
    let tags: Vec<&str> = hashtags.iter().map(String::as_str).collect();
    let mention_refs: Vec<&str> = mentions.iter().map(|m| m.0.as_str()).collect();
    let lang = t.lang.as_deref().and_then(lang_code);
    p.rows.posts.push(
        &PostRow {
            post: &record,
            channel: X,
            author: own,
            at,
            text: Some(text),
            lang: lang.as_deref(),
            url: Some(&url),
            reply_to: parent.as_deref(),
            hashtags: &tags,
            mentions: &mention_refs,
            links: &links,
            ..PostRow::default()
        },
        Key::of(&["post", &record]),
        true,
        line,
    );
    let parent_author = parent
        .as_ref()
        .and(t.in_reply_to_user_id_str.as_deref())
        .filter(|s| !s.is_empty())
        .map(|s| qualified(X, s));
    push_reply_and_mentions(
        &mut p.rows.interactions,
        &Addressed {
            channel: X,
            actor: own,
            post: &record,
            at,
            parent: parent.as_deref(),
            parent_author: parent_author.as_deref(),
            mentions: &mention_refs,
        },
        line,
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_and_parts() {
        assert_eq!(dataset("tweets-part2.js"), Some("tweets"));
        assert_eq!(dataset("tweet.js"), Some("tweet"));
        assert_eq!(dataset("deleted-tweets.js"), Some("deleted-tweets"));
        assert_eq!(
            parse_time("Tue Feb 10 17:33:16 +0000 2026"),
            Some(1_770_744_796_000_000)
        );
    }
}
