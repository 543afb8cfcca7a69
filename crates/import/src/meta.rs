//! Meta's "Download your information" exports, JSON format (Accounts
//! Centre → Your information and permissions → Download your
//! information → Format: JSON), for Facebook and for Instagram: a zip, or
//! the folder it unpacks to.
//!
//! **Text encoding.** Meta writes every string as UTF-8 bytes escaped one
//! by one as Latin-1 code points (`"caf\u00c3\u00a9"` for "café"). Strings
//! are repaired ([`unmojibake`]) before anything is stored.
//!
//! **Which files.** Entries are found by file name wherever they sit, since
//! Meta has moved them between releases. Each file is one array of records,
//! either the whole document or the value of its single top-level key
//! (`relationships_following`, `comments_v2`, `likes_media_likes`…; the key
//! is read from the file, so renamed keys are fine).
//!
//! Instagram, the 2023–2025 layout and the 2021–2022 one:
//! - profile: `personal_information.json` (`profile_user[0].string_map_data`:
//!   `Username`, `Name`, `Bio`, `Website`); required, it says whose it is;
//! - posts: `posts_1.json`, `posts_2.json`… (`your_instagram_activity/content/`,
//!   formerly `content/`): `media[]` with `uri`, `creation_timestamp`, `title`
//!   (the caption; or `title` and `creation_timestamp` on the post);
//! - comments: `post_comments_1.json`… (`string_map_data`: `Comment`,
//!   `Media Owner`, `Time`), formerly `post_comments.json` / `comments.json`;
//! - likes: `liked_posts.json` (`title` = the post's owner,
//!   `string_list_data[0]`: `href` of the post, `timestamp`);
//! - followers: `followers_1.json`… (`connections/followers_and_following/`,
//!   formerly `followers_and_following/followers.json`), following:
//!   `following.json`: `string_list_data[0]`: `value` (the username; in
//!   2025 exports in `title` instead), `href`, `timestamp`.
//!
//! Facebook, 2022–2025 (`your_activity_across_facebook/…`, formerly at the
//! top level):
//! - profile: `profile_information.json` (`profile_v2`: `name.full_name`,
//!   `username`, `profile_uri`);
//! - posts: `your_posts_1.json` or `your_posts__check_ins__photos_and_videos_1.json`
//!   (`timestamp`, `data[].post`, `attachments[].data[].external_context.url`);
//! - comments: `comments.json` (`comments_v2`: `timestamp`,
//!   `data[0].comment.comment`, `title` "A commented on B's post.");
//! - reactions: `likes_and_reactions_1.json`… (`data[0].reaction.reaction`,
//!   `title` "A likes B's post."), formerly `posts_and_comments.json`;
//! - followers: `followers.json` / `people_who_followed_you.json`
//!   (`followers_v2`: `name`, `timestamp`), following: `who_you_follow.json`
//!   / `following.json` (`following_v3` / `following_v2`).
//!
//! Facebook exports name other people by display name only, so they are
//! keyed `facebook:name:<Name>`; the owner is `facebook:<username>`.
//! Instagram accounts are `instagram:<username>`, liked posts
//! `instagram:p/<shortcode>`. Exports carry no post ids for the owner's own
//! posts: they are `…:<owner>/post/<unix time>` (one account cannot post
//! twice in one second), comments `…/comment/<unix time>`.
//!
//! Page insights (Meta Business Suite → Insights → Export, CSV) are read
//! too: each row of a posts export (`Post ID`, `Publish time`, `Permalink`,
//! `Title`/`Description`) is an own post of the page.

use std::borrow::Cow;
use std::io::Read;

use serde_json::Value;

use levain_model::InteractionKind;
use levain_model::channel::{FACEBOOK, INSTAGRAM};
use levain_model::keys::{Key, qualified};
use levain_model::rows::{AccountRow, InteractionRow, PostRow};

use crate::archive::{Archive, Entry};
use crate::export::{Bad, MAX_DOCUMENT, Out, decode, each_csv_row, each_record};
use crate::text::inline_hashtags;
use crate::{ImportError, InputFile, Parsed, Sink, Source};

pub struct Facebook;
pub struct Instagram;

/// Repairs Meta's mojibake: a string whose characters are all below U+0100
/// and whose bytes form UTF-8 is that UTF-8. Other strings are kept.
pub fn unmojibake(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || s.chars().any(|c| c as u32 > 0xff) {
        return Cow::Borrowed(s);
    }
    let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
    match String::from_utf8(bytes) {
        Ok(fixed) => Cow::Owned(fixed),
        Err(_) => Cow::Borrowed(s),
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| unmojibake(s).trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn secs(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str()?.parse().ok())
        .map(|s| s * 1_000_000)
}

fn has_any(a: &Archive, names: &[&str]) -> bool {
    names.iter().any(|n| a.find(n).is_some())
}

fn numbered<'a>(a: &'a Archive, stem: &str) -> Vec<&'a Entry> {
    a.find_all(|n| {
        n == format!("{stem}.json")
            || n.strip_prefix(&format!("{stem}_"))
                .and_then(|r| r.strip_suffix(".json"))
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    })
}

impl Source for Instagram {
    fn name(&self) -> &'static str {
        "instagram"
    }

    fn describe(&self) -> &'static str {
        "Instagram \"Download your information\" JSON export (zip or folder)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let has = |n: &[u8]| crate::input::contains(head, n);
        has(b"\"string_list_data\"") && has(b"instagram.com")
            || has(b"\"profile_user\"")
            || has(b"\"likes_media_likes\"")
    }

    fn sniff_archive(&self, a: &Archive) -> bool {
        a.entries().iter().any(|e| {
            e.name.starts_with("your_instagram_activity/")
                || e.name.contains("/your_instagram_activity/")
        }) || has_any(a, &["liked_posts.json", "personal_information.json"]) && !is_facebook(a)
            || a.has_path("followers_and_following/followers_1.json")
            || a.has_path("followers_and_following/followers.json")
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read_instagram(&Archive::open(file)?, sink)
    }
}

fn is_facebook(a: &Archive) -> bool {
    a.entries()
        .iter()
        .any(|e| e.name.contains("your_activity_across_facebook/"))
        || has_any(
            a,
            &[
                "profile_information.json",
                "your_posts_1.json",
                "your_posts__check_ins__photos_and_videos_1.json",
            ],
        )
}

impl Source for Facebook {
    fn name(&self) -> &'static str {
        "facebook"
    }

    fn describe(&self) -> &'static str {
        "Facebook \"Download your information\" JSON export (zip or folder), or a page-insights posts CSV"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let has = |n: &[u8]| crate::input::contains(head, n);
        has(b"\"profile_v2\"")
            || has(b"\"comments_v2\"")
            || has(b"\"followers_v2\"")
            || (head.starts_with(b"Post ID,") || head.starts_with(b"\xef\xbb\xbfPost ID,"))
                && has(b"Publish time")
    }

    fn sniff_archive(&self, a: &Archive) -> bool {
        is_facebook(a)
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read_facebook(&Archive::open(file)?, sink)
    }
}

/// The single top-level key of an entry whose records sit under it, or
/// None when the document is the array itself.
fn array_key(a: &Archive, e: &Entry) -> Result<Option<String>, ImportError> {
    let mut head = Vec::new();
    a.visit(&[e], &mut |_, r| {
        r.take(4096)
            .read_to_end(&mut head)
            .map_err(|err| a.error(&e.name, err))?;
        Ok(())
    })?;
    let s = String::from_utf8_lossy(&head);
    let t = s.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('{') {
        return Ok(None);
    }
    let rest = t[1..].trim_start();
    Ok(rest
        .strip_prefix('"')
        .and_then(|r| r.split_once('"'))
        .map(|(k, _)| k.to_owned()))
}

fn records(
    a: &Archive,
    e: &Entry,
    out: &mut Out,
    each: &mut dyn FnMut(u64, &Value, &mut Parsed) -> Result<bool, Bad>,
) -> Result<(), ImportError> {
    let key = array_key(a, e)?;
    each_record(a, e, key.as_deref(), out, &mut |line, bytes, p| {
        let v: Value = decode(bytes)?;
        each(line, &v, p)
    })
}

fn push_follow(p: &mut Parsed, channel: &str, actor: &str, target: &str, at: i64, line: u64) {
    p.rows.interactions.push(
        &InteractionRow {
            actor,
            kind: InteractionKind::Follow,
            channel,
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
}

/// One of the user's own comments: a post, and a reply to the media's owner
/// when the export names them (Meta's exports give no id of the commented item).
#[allow(clippy::too_many_arguments)]
fn push_own_comment(
    p: &mut Parsed,
    channel: &str,
    own: &str,
    post: &str,
    at: i64,
    text: Option<&str>,
    owner: Option<&str>,
    line: u64,
) {
    p.rows.posts.push(
        &PostRow {
            post,
            channel,
            author: own,
            at,
            text,
            ..PostRow::default()
        },
        Key::of(&["post", post]),
        true,
        line,
    );
    if let Some(owner) = owner {
        p.rows.interactions.push(
            &InteractionRow {
                actor: own,
                kind: InteractionKind::Reply,
                channel,
                at,
                target_post: None,
                target_account: Some(owner),
                record: Some(post),
                via: None,
                ends: None,
            },
            Key::of(&["reply", post]),
            false,
            line,
        );
    }
}

fn push_account(
    p: &mut Parsed,
    channel: &str,
    account: &str,
    handle: Option<&str>,
    name: Option<&str>,
    at: i64,
    line: u64,
) {
    p.rows.accounts.push(
        &AccountRow {
            account,
            channel,
            native_id: &account[channel.len() + 1..],
            handle,
            display_name: name,
            observed_at: at,
            ..AccountRow::default()
        },
        Key::of(&[channel, account, handle.unwrap_or(""), name.unwrap_or("")]),
        false,
        line,
    );
}

// ---------------------------------------------------------------- Instagram

/// The username and time of a `string_list_data` relation item.
fn ig_relation(v: &Value) -> Option<(String, Option<i64>)> {
    let d = &v["string_list_data"][0];
    let name = text(&d["value"])
        .or_else(|| text(&v["title"]))
        .or_else(|| {
            d["href"]
                .as_str()
                .and_then(|h| h.trim_end_matches('/').rsplit('/').next())
                .map(str::to_owned)
        })?;
    Some((name.to_lowercase(), secs(&d["timestamp"])))
}

fn read_instagram(a: &Archive, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let mut out = Out::new(sink);
    let Some(pe) = a.find("personal_information.json") else {
        return Err(ImportError::file(
            &a.display,
            "no personal_information.json, which says whose export this is; import the whole Instagram export (its zip or folder)",
        ));
    };
    let bytes = a.read_whole(pe, MAX_DOCUMENT)?;
    let v: Value = decode(&bytes).map_err(|(c, d)| a.error(&pe.name, format!("{c}: {d}")))?;
    let m = &v["profile_user"][0]["string_map_data"];
    let Some(username) = text(&m["Username"]["value"]).map(|u| u.to_lowercase()) else {
        return Err(a.error(
            &pe.name,
            "no `profile_user[0].string_map_data.Username`: not an Instagram profile",
        ));
    };
    let own = qualified(INSTAGRAM, &username);
    let at = pe.modified.or(a.modified).unwrap_or(0);
    let name = text(&m["Name"]["value"]);
    let bio = text(&m["Bio"]["value"]);
    let mut links = vec![format!("https://www.instagram.com/{username}")];
    links.extend(text(&m["Website"]["value"]));
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
    out.parsed.rows.accounts.push(
        &AccountRow {
            account: &own,
            channel: INSTAGRAM,
            native_id: &username,
            handle: Some(&username),
            display_name: name.as_deref(),
            bio: bio.as_deref(),
            links: &link_refs,
            observed_at: at,
            ..AccountRow::default()
        },
        Key::of(&[
            "instagram-profile",
            &own,
            name.as_deref().unwrap_or(""),
            bio.as_deref().unwrap_or(""),
            &links.join(" "),
        ]),
        true,
        1,
    );
    out.record(bytes.len())?;

    for e in numbered(a, "posts") {
        records(a, e, &mut out, &mut |line, v, p| {
            let media = &v["media"][0];
            let ts = secs(&v["creation_timestamp"])
                .or_else(|| secs(&media["creation_timestamp"]))
                .ok_or((
                    "missing field",
                    "a post without `creation_timestamp`".to_owned(),
                ))?;
            let caption = text(&v["title"]).or_else(|| text(&media["title"]));
            let post = qualified(INSTAGRAM, &format!("{username}/post/{}", ts / 1_000_000));
            let tags = caption.as_deref().map(inline_hashtags).unwrap_or_default();
            let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
            p.rows.posts.push(
                &PostRow {
                    post: &post,
                    channel: INSTAGRAM,
                    author: &own,
                    at: ts,
                    text: caption.as_deref(),
                    hashtags: &tag_refs,
                    ..PostRow::default()
                },
                Key::of(&["post", &post]),
                true,
                line,
            );
            Ok(true)
        })?;
    }
    let mut comments = numbered(a, "post_comments");
    if comments.is_empty() {
        comments = numbered(a, "comments");
    }
    for e in comments {
        records(a, e, &mut out, &mut |line, v, p| {
            let m = &v["string_map_data"];
            let ts = secs(&m["Time"]["timestamp"])
                .ok_or(("missing field", "a comment without `Time`".to_owned()))?;
            let body = text(&m["Comment"]["value"]);
            let owner =
                text(&m["Media Owner"]["value"]).map(|o| qualified(INSTAGRAM, &o.to_lowercase()));
            let post = qualified(INSTAGRAM, &format!("{username}/comment/{}", ts / 1_000_000));
            push_own_comment(
                p,
                INSTAGRAM,
                &own,
                &post,
                ts,
                body.as_deref(),
                owner.as_deref(),
                line,
            );
            Ok(true)
        })?;
    }
    if let Some(e) = a.find("liked_posts.json") {
        records(a, e, &mut out, &mut |line, v, p| {
            let d = &v["string_list_data"][0];
            let ts = secs(&d["timestamp"])
                .ok_or(("missing field", "a like without `timestamp`".to_owned()))?;
            let href = d["href"].as_str().unwrap_or("");
            let code = href
                .trim_end_matches('/')
                .rsplit_once("/p/")
                .map(|(_, c)| c.to_owned());
            let post = code.map(|c| qualified(INSTAGRAM, &format!("p/{c}")));
            let owner = text(&v["title"]).map(|o| qualified(INSTAGRAM, &o.to_lowercase()));
            if post.is_none() && owner.is_none() {
                return Err((
                    "missing field",
                    "a like naming neither a post (`href`) nor its owner (`title`)".into(),
                ));
            }
            let target = post.as_deref().or(owner.as_deref()).unwrap_or("");
            p.rows.interactions.push(
                &InteractionRow {
                    actor: &own,
                    kind: InteractionKind::Like,
                    channel: INSTAGRAM,
                    at: ts,
                    target_post: post.as_deref(),
                    target_account: owner.as_deref(),
                    record: None,
                    via: None,
                    ends: None,
                },
                Key::of(&["like", &own, target, &ts.to_string()]),
                true,
                line,
            );
            Ok(true)
        })?;
    }
    for (stem, following) in [("followers", false), ("following", true)] {
        for e in numbered(a, stem) {
            records(a, e, &mut out, &mut |line, v, p| {
                let (name, ts) = ig_relation(v).ok_or((
                    "missing field",
                    "an account without `string_list_data[0].value`".to_owned(),
                ))?;
                let other = qualified(INSTAGRAM, &name);
                let ts = ts.unwrap_or(at);
                push_account(p, INSTAGRAM, &other, Some(&name), None, ts, line);
                if following {
                    push_follow(p, INSTAGRAM, &own, &other, ts, line);
                } else {
                    push_follow(p, INSTAGRAM, &other, &own, ts, line);
                }
                Ok(true)
            })?;
        }
    }
    out.flush()
}

// ----------------------------------------------------------------- Facebook

/// "Anne likes Bob Martin's post." → "Bob Martin".
fn owner_in_title(title: &str) -> Option<String> {
    let p = title.rfind("'s ")?;
    let before = &title[..p];
    let start = [" on ", " likes ", " liked ", " reacted to ", " to "]
        .iter()
        .filter_map(|m| before.rfind(m).map(|i| i + m.len()))
        .max()?;
    let name = before[start..].trim();
    (!name.is_empty() && name != "their" && name != "his" && name != "her").then(|| name.to_owned())
}

fn fb_person(name: &str) -> String {
    qualified(FACEBOOK, &format!("name:{name}"))
}

fn read_facebook(a: &Archive, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let mut out = Out::new(sink);
    if a.kind == crate::archive::Kind::Single && !a.entries()[0].name.ends_with(".json") {
        read_insights(a, &a.entries()[0], &mut out)?;
        return out.flush();
    }
    let Some(pe) = a.find("profile_information.json") else {
        return Err(ImportError::file(
            &a.display,
            "no profile_information.json, which says whose export this is; import the whole Facebook export (its zip or folder)",
        ));
    };
    let bytes = a.read_whole(pe, MAX_DOCUMENT)?;
    let v: Value = decode(&bytes).map_err(|(c, d)| a.error(&pe.name, format!("{c}: {d}")))?;
    let prof = &v["profile_v2"];
    let full_name = text(&prof["name"]["full_name"]);
    let username = text(&prof["username"]);
    let own = match (&username, &full_name) {
        (Some(u), _) => qualified(FACEBOOK, &u.to_lowercase()),
        (None, Some(n)) => fb_person(n),
        (None, None) => {
            return Err(a.error(
                &pe.name,
                "no `profile_v2.name.full_name` nor `username`: not a Facebook profile",
            ));
        }
    };
    let at = pe.modified.or(a.modified).unwrap_or(0);
    let links: Vec<String> = text(&prof["profile_uri"]).into_iter().collect();
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
    out.parsed.rows.accounts.push(
        &AccountRow {
            account: &own,
            channel: FACEBOOK,
            native_id: &own[FACEBOOK.len() + 1..],
            handle: username.as_deref(),
            display_name: full_name.as_deref(),
            links: &link_refs,
            observed_at: at,
            ..AccountRow::default()
        },
        Key::of(&[
            "facebook-profile",
            &own,
            full_name.as_deref().unwrap_or(""),
            &links.join(" "),
        ]),
        true,
        1,
    );
    out.record(bytes.len())?;
    let own_key = own[FACEBOOK.len() + 1..].to_owned();
    let mut posts = numbered(a, "your_posts");
    posts.extend(numbered(a, "your_posts__check_ins__photos_and_videos"));
    for e in posts {
        records(a, e, &mut out, &mut |line, v, p| {
            let ts = secs(&v["timestamp"])
                .ok_or(("missing field", "a post without `timestamp`".to_owned()))?;
            let body = v["data"]
                .as_array()
                .and_then(|d| d.iter().find_map(|x| text(&x["post"])))
                .or_else(|| text(&v["title"]));
            let links: Vec<String> = v["attachments"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|att| att["data"].as_array().into_iter().flatten())
                .filter_map(|d| text(&d["external_context"]["url"]))
                .collect();
            let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
            let tags = body.as_deref().map(inline_hashtags).unwrap_or_default();
            let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
            let post = qualified(FACEBOOK, &format!("{own_key}/post/{}", ts / 1_000_000));
            p.rows.posts.push(
                &PostRow {
                    post: &post,
                    channel: FACEBOOK,
                    author: &own,
                    at: ts,
                    text: body.as_deref(),
                    hashtags: &tag_refs,
                    links: &link_refs,
                    ..PostRow::default()
                },
                Key::of(&["post", &post]),
                true,
                line,
            );
            Ok(true)
        })?;
    }
    for e in numbered(a, "comments") {
        records(a, e, &mut out, &mut |line, v, p| {
            let c = &v["data"][0]["comment"];
            let ts = secs(&v["timestamp"])
                .or_else(|| secs(&c["timestamp"]))
                .ok_or(("missing field", "a comment without `timestamp`".to_owned()))?;
            let body = text(&c["comment"]);
            let owner = v["title"]
                .as_str()
                .map(unmojibake)
                .and_then(|t| owner_in_title(&t))
                .map(|n| fb_person(&n));
            let post = qualified(FACEBOOK, &format!("{own_key}/comment/{}", ts / 1_000_000));
            push_own_comment(
                p,
                FACEBOOK,
                &own,
                &post,
                ts,
                body.as_deref(),
                owner.as_deref(),
                line,
            );
            Ok(true)
        })?;
    }
    let mut reactions = numbered(a, "likes_and_reactions");
    reactions.extend(numbered(a, "posts_and_comments"));
    for e in reactions {
        records(a, e, &mut out, &mut |line, v, p| {
            let ts = secs(&v["timestamp"])
                .ok_or(("missing field", "a reaction without `timestamp`".to_owned()))?;
            let title = v["title"].as_str().map(unmojibake).unwrap_or_default();
            let owner = owner_in_title(&title).map(|n| fb_person(&n));
            p.rows.interactions.push(
                &InteractionRow {
                    actor: &own,
                    kind: InteractionKind::Like,
                    channel: FACEBOOK,
                    at: ts,
                    target_post: None,
                    target_account: owner.as_deref(),
                    record: None,
                    via: None,
                    ends: None,
                },
                Key::of(&["like", &own, &ts.to_string(), &title]),
                true,
                line,
            );
            Ok(true)
        })?;
    }
    let followers = [
        numbered(a, "followers"),
        numbered(a, "people_who_followed_you"),
    ]
    .concat();
    let following = [numbered(a, "who_you_follow"), numbered(a, "following")].concat();
    for (entries, is_following) in [(followers, false), (following, true)] {
        for e in entries {
            records(a, e, &mut out, &mut |line, v, p| {
                let name = text(&v["name"])
                    .or_else(|| text(&v["string_list_data"][0]["value"]))
                    .or_else(|| text(&v["title"]))
                    .ok_or(("missing field", "an account without `name`".to_owned()))?;
                let ts = secs(&v["timestamp"])
                    .or_else(|| secs(&v["string_list_data"][0]["timestamp"]))
                    .unwrap_or(at);
                let other = fb_person(&name);
                push_account(p, FACEBOOK, &other, None, Some(&name), ts, line);
                if is_following {
                    push_follow(p, FACEBOOK, &own, &other, ts, line);
                } else {
                    push_follow(p, FACEBOOK, &other, &own, ts, line);
                }
                Ok(true)
            })?;
        }
    }
    out.flush()
}

/// A page-insights posts export: `Post ID`, `Page ID`, `Page name`,
/// `Title`, `Description`, `Publish time` (`MM/DD/YYYY HH:MM`), `Permalink`.
fn read_insights(a: &Archive, e: &Entry, out: &mut Out) -> Result<(), ImportError> {
    let mut header: Option<csv::StringRecord> = None;
    each_csv_row(a, e, out, &mut |row, p| {
        let Some(h) = &header else {
            let mut h = row.clone();
            h.trim();
            header = Some(h);
            return Ok(false);
        };
        let get = |name: &str| {
            h.iter()
                .position(|c| c.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
                .and_then(|i| row.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let id = get("Post ID").ok_or(("missing field", "no Post ID".to_owned()))?;
        let page = get("Page ID").ok_or(("missing field", "no Page ID".to_owned()))?;
        let when = get("Publish time").unwrap_or("");
        let at = chrono::NaiveDateTime::parse_from_str(when, "%m/%d/%Y %H:%M")
            .map(|t| t.and_utc().timestamp_micros())
            .map_err(|_| {
                (
                    "bad date",
                    format!("Publish time `{when}`, expected MM/DD/YYYY HH:MM"),
                )
            })?;
        let author = qualified(FACEBOOK, &format!("page:{page}"));
        let post = qualified(FACEBOOK, &format!("post:{id}"));
        let body = get("Description").or(get("Title"));
        if let Some(name) = get("Page name") {
            push_account(p, FACEBOOK, &author, None, Some(name), at, 0);
        }
        p.rows.posts.push(
            &PostRow {
                post: &post,
                channel: FACEBOOK,
                author: &author,
                at,
                text: body,
                url: get("Permalink"),
                ..PostRow::default()
            },
            Key::of(&["post", &post]),
            true,
            row.position().map_or(0, |p| p.line()),
        );
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_is_repaired_and_real_latin1_kept() {
        assert_eq!(
            unmojibake("caf\u{00c3}\u{00a9} \u{00f0}\u{009f}\u{0098}\u{0080}"),
            "café 😀"
        );
        assert_eq!(unmojibake("déjà"), "déjà"); // not UTF-8 bytes: kept
        assert_eq!(unmojibake("plain"), "plain");
        assert_eq!(unmojibake("ok ✓"), "ok ✓");
    }

    #[test]
    fn owners_are_read_from_titles() {
        assert_eq!(
            owner_in_title("Anne likes Bob Martin's post.").as_deref(),
            Some("Bob Martin")
        );
        assert_eq!(
            owner_in_title("Anne commented on Chloé's photo.").as_deref(),
            Some("Chloé")
        );
        assert_eq!(owner_in_title("Anne reacted to her own post."), None);
    }
}
