//! Discourse forums: the JSON a forum serves at its public URLs, saved with
//! `curl`. Four documents are read:
//! - a topic, `/t/{id}.json`: its posts (`post_stream.posts`), title, tags
//!   and category;
//! - the latest posts of the forum, `/posts.json` (`latest_posts`);
//! - a user's profile, `/u/{username}.json` (`user`): name, website, bio;
//! - a user's likes, `/user_actions.json?username=…&filter=1` (given) or
//!   `filter=2` (received): each like names who gave it and on which post.
//!
//! **Which forum.** These documents never state the forum's address, yet
//! two forums must never share an account or a post. Discourse writes its
//! own host into the avatar of every user with an uploaded picture
//! (`/user_avatar/forum.example.org/anne/{size}/12_2.png`), so levain takes
//! the forum from there. A file in which nobody has such an avatar (letter
//! avatars only) is refused unless the user names the forum with
//! `levain import --site forum.example.org`; a file whose avatars name
//! another forum than `--site` is refused too. Nothing is guessed, so a
//! forum is never keyed two ways.
//!
//! **Keys.** Accounts are `discourse:<host>/u/<username>` (lower-cased, as
//! Discourse compares them). Posts are `discourse:<host>/t/<topic>/<number>`:
//! a topic's post number is in every document that names a post (topics,
//! `/posts.json`, user actions, `reply_to_post_number`), where the global
//! post id is not, so replies and likes point at the right row whichever
//! file came first, and the same post from a topic and from `/posts.json` is
//! one row. (A post a moderator moves to another topic gets a new number,
//! and so a new row.)
//!
//! **Rows.** A post's text is its `cooked` HTML as text (the topic title
//! before post #1), its url the public `https://<host>/t/<slug>/<topic>/<n>`,
//! its venue the category (`<host>/c/<category_id>`), its hashtags the
//! topic's tags (only topic files carry them), its links the links in the
//! post (relative ones made absolute), its mentions the `@user` links. Every
//! post after #1 replies to `reply_to_post_number`, or else to post #1, and
//! is a `reply` interaction to that post's author when known. Likes come
//! only from user actions: the like counts of `actions_summary` name no one
//! and are not stored. Moderator notes (`post_type` 3, "closed the topic")
//! are not content and are skipped; a post with `deleted_at` is stored and
//! ended by a deletion.
//!
//! **Records.** Posts, profiles and likes; other user actions (new topic,
//! reply, …) describe posts that topic files hold in full and are skipped.
//! A document is one JSON value: a syntax error or a cut-off file rejects the
//! whole file (with its line and column), while a post or action missing
//! what it cannot do without is rejected alone, with its line.

use std::collections::HashMap;
use std::io::Read;

use chrono::DateTime;
use serde::Deserialize;
use serde_json::value::RawValue;

use levain_model::InteractionKind;
use levain_model::channel::DISCOURSE;
use levain_model::keys::{Key, qualified};
use levain_model::rows::{AccountRow, DeletionRow, InteractionRow, PostRow};

use crate::export::{Addressed, push_reply_and_mentions};
use crate::input::{contains, first_byte};
use crate::text::{host, html_to_text};
use crate::{ImportError, InputFile, Parsed, Reject, Sink, Source};

pub struct Discourse;

/// A document is read whole; the largest real topic or user stream is far
/// smaller, so a bigger file is not one of these documents.
const MAX_DOCUMENT: u64 = 256 << 20;

/// `user_actions` types that are likes: given (1) and received (2).
const LIKE_GIVEN: u64 = 1;
const LIKE_RECEIVED: u64 = 2;
/// `post_type` of moderator notes ("closed this topic").
const SMALL_ACTION: u64 = 3;

impl Source for Discourse {
    fn name(&self) -> &'static str {
        "discourse"
    }

    fn describe(&self) -> &'static str {
        "Discourse forum JSON: topics, /posts.json, user profiles, likes from user actions"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        if first_byte(head) != Some(b'{') || !contains(head, b"\"avatar_template\"") {
            return false;
        }
        contains(head, b"\"post_stream\"")
            || contains(head, b"\"latest_posts\"")
            || (contains(head, b"\"user_actions\"") && contains(head, b"\"action_type\""))
            || (contains(head, b"\"user\"") && contains(head, b"\"trust_level\""))
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read(file, None, sink)
    }

    fn read_for_site(
        &self,
        file: &InputFile,
        site: Option<&str>,
        sink: &mut dyn Sink,
    ) -> Result<(), ImportError> {
        read(file, site, sink)
    }
}

#[derive(Deserialize)]
struct Doc<'a> {
    #[serde(borrow)]
    post_stream: Option<PostStream<'a>>,
    #[serde(borrow)]
    latest_posts: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    user_actions: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    user: Option<&'a RawValue>,
    // A topic's own fields.
    id: Option<u64>,
    title: Option<String>,
    slug: Option<String>,
    category_id: Option<u64>,
    tags: Option<Vec<Tag>>,
    details: Option<Details>,
}

#[derive(Deserialize)]
struct PostStream<'a> {
    #[serde(borrow, default)]
    posts: Vec<&'a RawValue>,
}

/// Tags are strings, or objects with a `name` in recent versions.
#[derive(Deserialize)]
#[serde(untagged)]
enum Tag {
    Name(String),
    Object { name: String },
    Other(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct Details {
    created_by: Option<UserRef>,
}

#[derive(Deserialize)]
struct UserRef {
    username: Option<String>,
}

#[derive(Deserialize)]
struct Post {
    id: Option<u64>,
    username: Option<String>,
    name: Option<String>,
    created_at: Option<String>,
    cooked: Option<String>,
    post_number: Option<u64>,
    reply_to_post_number: Option<u64>,
    reply_to_user: Option<UserRef>,
    topic_id: Option<u64>,
    post_type: Option<u64>,
    deleted_at: Option<String>,
    // In `/posts.json` only.
    topic_title: Option<String>,
    topic_slug: Option<String>,
    category_id: Option<u64>,
}

#[derive(Deserialize)]
struct User {
    username: Option<String>,
    name: Option<String>,
    website: Option<String>,
    bio_raw: Option<String>,
    bio_cooked: Option<String>,
    created_at: Option<String>,
    last_seen_at: Option<String>,
}

#[derive(Deserialize)]
struct Action {
    action_type: Option<u64>,
    acting_username: Option<String>,
    acting_name: Option<String>,
    username: Option<String>,
    name: Option<String>,
    topic_id: Option<u64>,
    post_number: Option<u64>,
    created_at: Option<String>,
}

/// The forum a document comes from, and its key scheme.
struct Forum {
    host: String,
}

impl Forum {
    fn account(&self, username: &str) -> String {
        qualified(
            DISCOURSE,
            &format!("{}/u/{}", self.host, username.trim().to_lowercase()),
        )
    }

    fn post(&self, topic: u64, number: u64) -> String {
        qualified(DISCOURSE, &format!("{}/t/{topic}/{number}", self.host))
    }

    fn url(&self, slug: Option<&str>, topic: u64, number: u64) -> String {
        match slug.filter(|s| !s.is_empty()) {
            Some(slug) => format!("https://{}/t/{slug}/{topic}/{number}", self.host),
            None => format!("https://{}/t/{topic}/{number}", self.host),
        }
    }

    /// Links as written in `cooked`, made absolute; `@user` links apart.
    fn split_links(&self, hrefs: Vec<String>) -> (Vec<String>, Vec<String>) {
        let mut links = Vec::new();
        let mut mentions = Vec::new();
        for href in hrefs {
            let href = href.trim();
            if href.is_empty() || href.starts_with('#') {
                continue;
            }
            let absolute = if href.starts_with("//") {
                format!("https:{href}")
            } else if href.starts_with('/') {
                format!("https://{}{href}", self.host)
            } else {
                href.to_owned()
            };
            let own_user = absolute
                .strip_prefix("https://")
                .or_else(|| absolute.strip_prefix("http://"))
                .and_then(|rest| rest.strip_prefix(self.host.as_str()))
                .and_then(|path| path.strip_prefix("/u/"))
                .map(|name| name.trim_end_matches('/'))
                .filter(|name| !name.is_empty() && !name.contains('/'));
            match own_user {
                Some(name) => {
                    let account = self.account(name);
                    if !mentions.contains(&account) {
                        mentions.push(account);
                    }
                }
                None => {
                    if !links.contains(&absolute) {
                        links.push(absolute)
                    }
                }
            }
        }
        (links, mentions)
    }
}

/// Where a topic's posts belong, from the topic document or from the
/// fields `/posts.json` repeats on every post.
#[derive(Default)]
struct TopicContext {
    id: Option<u64>,
    title: Option<String>,
    slug: Option<String>,
    category: Option<u64>,
    tags: Vec<String>,
    /// Post number → author's username, for replies that do not name theirs.
    authors: HashMap<u64, String>,
}

fn read(file: &InputFile, site: Option<&str>, sink: &mut dyn Sink) -> Result<(), ImportError> {
    if file.size > MAX_DOCUMENT {
        return Err(file.error(format!(
            "a Discourse document of {} MiB is larger than the {} MiB levain reads; topics, /posts.json and user pages are far smaller, so this is probably not one",
            file.size >> 20,
            MAX_DOCUMENT >> 20
        )));
    }
    let mut bytes = Vec::with_capacity(file.size as usize);
    file.open()?
        .take(MAX_DOCUMENT + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ImportError::Io {
            path: file.display.clone(),
            source,
        })?;
    let bad_bytes = mask_invalid_utf8(&mut bytes);
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut parsed = Parsed {
        bytes: bytes.len() as u64,
        ..Parsed::default()
    };
    let doc: Doc = match serde_json::from_slice(body) {
        Ok(doc) => doc,
        Err(e) => {
            let (class, what) = if e.is_eof() {
                (
                    "truncated file",
                    "the document ends early; save it again, or check the download finished",
                )
            } else if e.is_data() {
                (
                    "unexpected shape",
                    "valid JSON, but not shaped like a Discourse document",
                )
            } else {
                ("malformed JSON", "not valid JSON")
            };
            parsed.records += 1;
            parsed.rejects.push(Reject::new(
                e.line() as u64,
                class,
                format!(
                    "{what} (line {}, column {}: {e}); the file is one document, so nothing in it was imported",
                    e.line(),
                    e.column()
                ),
                b"",
            ));
            return sink.accept(parsed);
        }
    };
    if doc.post_stream.is_none()
        && doc.latest_posts.is_none()
        && doc.user_actions.is_none()
        && doc.user.is_none()
    {
        return Err(file.error(
            "JSON, but not a Discourse document levain reads: expected `post_stream` (a topic, /t/ID.json), `latest_posts` (/posts.json), `user` (/u/NAME.json) or `user_actions` (/user_actions.json)",
        ));
    }
    let forum = Forum {
        host: forum_host(file, body, site)?,
    };
    let lines = LineIndex::new(body);
    // Offsets in `bytes`, which `body` follows after a byte-order mark.
    let base = body.as_ptr() as usize - bytes.as_ptr() as usize;
    let locate = |raw: &RawValue| {
        let start = raw.get().as_ptr() as usize - body.as_ptr() as usize;
        let span = base + start..base + start + raw.get().len();
        let bad = bad_bytes.iter().any(|b| span.contains(b));
        (lines.line(start), bad)
    };
    let mut out = Out {
        forum: &forum,
        parsed: &mut parsed,
    };
    if let Some(stream) = &doc.post_stream {
        let mut topic = TopicContext {
            id: doc.id,
            title: doc.title.clone(),
            slug: doc.slug.clone(),
            category: doc.category_id,
            tags: tags(doc.tags.as_deref().unwrap_or(&[])),
            authors: HashMap::new(),
        };
        if let Some(creator) = doc
            .details
            .as_ref()
            .and_then(|d| d.created_by.as_ref())
            .and_then(|u| u.username.clone())
        {
            topic.authors.insert(1, creator);
        }
        let posts: Vec<Option<Post>> = stream
            .posts
            .iter()
            .map(|raw| serde_json::from_str(raw.get()).ok())
            .collect();
        for p in posts.iter().flatten() {
            if let (Some(n), Some(u)) = (p.post_number, &p.username) {
                topic.authors.insert(n, u.clone());
            }
        }
        for (i, raw) in stream.posts.iter().enumerate() {
            let (line, bad) = locate(raw);
            let what = format!("post {} of post_stream.posts", i + 1);
            out.post(&topic, raw, &what, line, bad);
        }
    } else if let Some(latest) = &doc.latest_posts {
        for (i, raw) in latest.iter().enumerate() {
            let (line, bad) = locate(raw);
            let what = format!("post {} of latest_posts", i + 1);
            let topic = match serde_json::from_str::<Post>(raw.get()) {
                Ok(p) => TopicContext {
                    id: p.topic_id,
                    title: p.topic_title,
                    slug: p.topic_slug,
                    category: p.category_id,
                    ..TopicContext::default()
                },
                Err(_) => TopicContext::default(),
            };
            out.post(&topic, raw, &what, line, bad);
        }
    } else if let Some(actions) = &doc.user_actions {
        for (i, raw) in actions.iter().enumerate() {
            let (line, bad) = locate(raw);
            out.action(raw, i + 1, line, bad);
        }
    } else if let Some(raw) = doc.user {
        let (line, bad) = locate(raw);
        out.profile(raw, line, bad);
    }
    sink.accept(parsed)
}

fn tags(tags: &[Tag]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let name = match t {
            Tag::Name(n) | Tag::Object { name: n } => n.trim().to_lowercase(),
            Tag::Other(_) => continue,
        };
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Replaces bytes that are not UTF-8 with `?` (keeping every offset) and
/// returns where they were, so only the records holding them are rejected.
fn mask_invalid_utf8(bytes: &mut [u8]) -> Vec<usize> {
    let mut bad = Vec::new();
    let mut at = 0;
    for chunk in bytes.utf8_chunks() {
        at += chunk.valid().len();
        bad.extend(at..at + chunk.invalid().len());
        at += chunk.invalid().len();
    }
    for &i in &bad {
        bytes[i] = b'?';
    }
    bad
}

/// The forum's host: from the avatars in the document, checked against
/// `--site`, or `--site` alone when no avatar names it.
fn forum_host(file: &InputFile, body: &[u8], site: Option<&str>) -> Result<String, ImportError> {
    let named = match site {
        Some(s) => {
            let url = if s.contains("://") {
                s.to_owned()
            } else {
                format!("https://{s}")
            };
            Some(host(&url).ok_or_else(|| {
                file.error(format!(
                    "--site `{s}` is not a host name (expected e.g. forum.example.org)"
                ))
            })?)
        }
        None => None,
    };
    match (avatar_host(body), named) {
        (Some(found), Some(named)) if found != named => Err(file.error(format!(
            "the avatars in this file name the forum {found}, but --site says {named}; drop --site or import this file separately"
        ))),
        (Some(found), _) => Ok(found),
        (None, Some(named)) => Ok(named),
        (None, None) => Err(file.error(
            "cannot tell which forum this file comes from: no avatar in it names the forum's host (`/user_avatar/HOST/…`); name it with `levain import discourse --site forum.example.org FILE`",
        )),
    }
}

/// The host Discourse writes into uploaded avatars' paths.
fn avatar_host(body: &[u8]) -> Option<String> {
    const MARK: &[u8] = b"/user_avatar/";
    for at in memchr::memmem::find_iter(body, MARK) {
        let rest = &body[at + MARK.len()..];
        let end = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':')))
            .unwrap_or(rest.len());
        if end > 0 && rest.get(end) == Some(&b'/') {
            let segment = std::str::from_utf8(&rest[..end]).ok()?;
            if let Some(h) = host(&format!("https://{segment}/")) {
                return Some(h);
            }
        }
    }
    None
}

/// Byte offset → 1-based line.
struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    fn new(body: &[u8]) -> LineIndex {
        LineIndex {
            newlines: memchr::memchr_iter(b'\n', body).collect(),
        }
    }

    fn line(&self, offset: usize) -> u64 {
        self.newlines.partition_point(|&n| n < offset) as u64 + 1
    }
}

fn parse_time(s: Option<&str>) -> Option<i64> {
    DateTime::parse_from_rfc3339(s?.trim())
        .ok()
        .map(|t| t.timestamp_micros())
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

struct Out<'f, 'p> {
    forum: &'f Forum,
    parsed: &'p mut Parsed,
}

impl Out<'_, '_> {
    fn reject(&mut self, line: u64, class: &'static str, detail: String, raw: &RawValue) {
        self.parsed
            .rejects
            .push(Reject::new(line, class, detail, raw.get().as_bytes()));
    }

    /// `what` held bytes that are not UTF-8.
    fn reject_encoding(&mut self, line: u64, what: &str, raw: &RawValue) {
        self.reject(
            line,
            "wrong encoding",
            format!("{what} is not valid UTF-8; save the document again, or convert it to UTF-8"),
            raw,
        );
    }

    fn user(&mut self, username: &str, name: Option<&str>, at: i64, line: u64) -> String {
        let account = self.forum.account(username);
        let native = account.split_once(':').map_or("", |x| x.1);
        self.parsed.rows.accounts.push(
            &AccountRow {
                account: &account,
                channel: DISCOURSE,
                native_id: native,
                handle: Some(username),
                display_name: name,
                observed_at: at,
                ..AccountRow::default()
            },
            Key::of(&["discourse-user", &account, name.unwrap_or("")]),
            false,
            line,
        );
        account
    }

    fn post(&mut self, topic: &TopicContext, raw: &RawValue, what: &str, line: u64, bad: bool) {
        let p: Post = match serde_json::from_str(raw.get()) {
            Ok(p) => p,
            Err(e) => {
                self.parsed.records += 1;
                self.reject(
                    line,
                    "malformed post",
                    format!("{what} is not a Discourse post: {e}"),
                    raw,
                );
                return;
            }
        };
        if p.post_type == Some(SMALL_ACTION) {
            return;
        }
        self.parsed.records += 1;
        if bad {
            self.reject_encoding(line, what, raw);
            return;
        }
        let topic_id = p.topic_id.or(topic.id);
        let missing: Vec<&str> = [
            ("id", p.id.is_none()),
            ("username", nonempty(&p.username).is_none()),
            ("created_at", p.created_at.is_none()),
            ("post_number", p.post_number.is_none()),
            ("topic_id", topic_id.is_none()),
        ]
        .into_iter()
        .filter_map(|(f, m)| m.then_some(f))
        .collect();
        if !missing.is_empty() {
            self.reject(
                line,
                "missing field",
                format!("{what} has no {}", missing.join(", ")),
                raw,
            );
            return;
        }
        let (Some(username), Some(number), Some(topic_id)) =
            (nonempty(&p.username), p.post_number, topic_id)
        else {
            return;
        };
        let Some(at) = parse_time(p.created_at.as_deref()) else {
            self.reject(
                line,
                "bad date",
                format!(
                    "{what} has created_at `{}`, expected an ISO 8601 time (2024-03-04T09:00:00.000Z)",
                    p.created_at.as_deref().unwrap_or("")
                ),
                raw,
            );
            return;
        };
        let forum = self.forum;
        let author = self.user(username, nonempty(&p.name), at, line);
        let post_id = forum.post(topic_id, number);
        let (body, hrefs) = html_to_text(p.cooked.as_deref().unwrap_or(""));
        let (links, mentions) = forum.split_links(hrefs);
        let title = nonempty(&topic.title);
        let text = match (number, title) {
            (1, Some(t)) if body.is_empty() => t.to_owned(),
            (1, Some(t)) => format!("{t}\n\n{body}"),
            _ => body,
        };
        let root = forum.post(topic_id, 1);
        let parent_number = (number > 1).then(|| p.reply_to_post_number.unwrap_or(1));
        let parent = parent_number.map(|n| forum.post(topic_id, n));
        let url = forum.url(nonempty(&topic.slug), topic_id, number);
        let venue = topic.category.map(|c| format!("{}/c/{c}", forum.host));
        let hashtags: Vec<&str> = topic.tags.iter().map(String::as_str).collect();
        let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
        let mention_refs: Vec<&str> = mentions.iter().map(String::as_str).collect();
        self.parsed.rows.posts.push(
            &PostRow {
                post: &post_id,
                channel: DISCOURSE,
                author: &author,
                at,
                text: Some(&text),
                url: Some(&url),
                reply_to: parent.as_deref(),
                reply_root: parent.is_some().then_some(root.as_str()),
                hashtags: &hashtags,
                mentions: &mention_refs,
                links: &link_refs,
                venue: venue.as_deref(),
                ..PostRow::default()
            },
            Key::of(&["post", &post_id]),
            true,
            line,
        );
        // The replied-to author: named by the post, else the parent's.
        let parent_author = parent_number
            .and_then(|n| {
                p.reply_to_user
                    .as_ref()
                    .and_then(|u| nonempty(&u.username))
                    .or(topic.authors.get(&n).map(String::as_str))
            })
            .map(|u| forum.account(u));
        push_reply_and_mentions(
            &mut self.parsed.rows.interactions,
            &Addressed {
                channel: DISCOURSE,
                actor: &author,
                post: &post_id,
                at,
                parent: parent.as_deref(),
                parent_author: parent_author.as_deref(),
                mentions: &mention_refs,
            },
            line,
        );
        if p.deleted_at.is_some() {
            let deleted = parse_time(p.deleted_at.as_deref()).unwrap_or(at);
            self.parsed.rows.deletions.push(
                &DeletionRow {
                    record: &post_id,
                    channel: DISCOURSE,
                    actor: &author,
                    kind: "post",
                    at: deleted,
                },
                Key::of(&["deletion", &post_id]),
                false,
                line,
            );
        }
    }

    fn action(&mut self, raw: &RawValue, index: usize, line: u64, bad: bool) {
        let what = format!("action {index} of user_actions");
        let a: Action = match serde_json::from_str(raw.get()) {
            Ok(a) => a,
            Err(e) => {
                self.parsed.records += 1;
                self.reject(
                    line,
                    "malformed action",
                    format!("{what} is not a Discourse user action: {e}"),
                    raw,
                );
                return;
            }
        };
        if !matches!(a.action_type, Some(LIKE_GIVEN | LIKE_RECEIVED)) {
            return;
        }
        self.parsed.records += 1;
        if bad {
            self.reject_encoding(line, &what, raw);
            return;
        }
        let (Some(liker), Some(topic), Some(number), Some(when)) = (
            nonempty(&a.acting_username),
            a.topic_id,
            a.post_number,
            a.created_at.as_deref(),
        ) else {
            self.reject(
                line,
                "missing field",
                format!(
                    "{what} is a like without acting_username, topic_id, post_number or created_at"
                ),
                raw,
            );
            return;
        };
        let Some(at) = parse_time(Some(when)) else {
            self.reject(
                line,
                "bad date",
                format!("{what} has created_at `{when}`, expected an ISO 8601 time"),
                raw,
            );
            return;
        };
        let actor = self.user(liker, nonempty(&a.acting_name), at, line);
        let author = nonempty(&a.username).map(|u| self.user(u, nonempty(&a.name), at, line));
        let post = self.forum.post(topic, number);
        self.parsed.rows.interactions.push(
            &InteractionRow {
                actor: &actor,
                kind: InteractionKind::Like,
                channel: DISCOURSE,
                at,
                target_post: Some(&post),
                target_account: author.as_deref(),
                record: None,
                via: None,
                ends: None,
            },
            // A like given and the same like received are one fact.
            Key::of(&["like", &actor, &post]),
            true,
            line,
        );
    }

    fn profile(&mut self, raw: &RawValue, line: u64, bad: bool) {
        self.parsed.records += 1;
        let u: User = match serde_json::from_str(raw.get()) {
            Ok(u) => u,
            Err(e) => {
                self.reject(
                    line,
                    "malformed user",
                    format!("`user` is not a Discourse user: {e}"),
                    raw,
                );
                return;
            }
        };
        if bad {
            self.reject_encoding(line, "the profile", raw);
            return;
        }
        let Some(username) = nonempty(&u.username) else {
            self.reject(
                line,
                "missing field",
                "the profile has no username".into(),
                raw,
            );
            return;
        };
        let created = parse_time(u.created_at.as_deref());
        let Some(observed) = parse_time(u.last_seen_at.as_deref()).or(created) else {
            self.reject(
                line,
                "bad date",
                format!("the profile of {username} has no readable last_seen_at or created_at"),
                raw,
            );
            return;
        };
        let (bio_text, bio_links) = match nonempty(&u.bio_cooked) {
            Some(cooked) => html_to_text(cooked),
            None => (nonempty(&u.bio_raw).unwrap_or("").to_owned(), Vec::new()),
        };
        let (mut links, _) = self.forum.split_links(bio_links);
        if let Some(site) = nonempty(&u.website)
            && !links.iter().any(|l| l == site)
        {
            links.insert(0, site.to_owned());
        }
        let account = self.forum.account(username);
        let native = account.split_once(':').map_or("", |x| x.1);
        let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
        let bio = (!bio_text.is_empty()).then_some(bio_text.as_str());
        self.parsed.rows.accounts.push(
            &AccountRow {
                account: &account,
                channel: DISCOURSE,
                native_id: native,
                handle: Some(username),
                display_name: nonempty(&u.name),
                bio,
                links: &link_refs,
                created_at: created,
                observed_at: observed,
                ..AccountRow::default()
            },
            Key::of(&[
                "discourse-profile",
                &account,
                nonempty(&u.name).unwrap_or(""),
                bio.unwrap_or(""),
                &links.join(" "),
            ]),
            true,
            line,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect(Vec<Parsed>);

    impl Sink for Collect {
        fn accept(&mut self, parsed: Parsed) -> Result<(), ImportError> {
            self.0.push(parsed);
            Ok(())
        }
    }

    fn read_doc(doc: &[u8], site: Option<&str>) -> Result<Parsed, ImportError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.json");
        std::fs::write(&path, doc).unwrap();
        let mut sink = Collect::default();
        Discourse.read_for_site(&InputFile::new(&path).unwrap(), site, &mut sink)?;
        let mut all = sink.0;
        assert_eq!(all.len(), 1, "one document, one batch");
        Ok(all.pop().unwrap())
    }

    const AVATAR: &str = "/user_avatar/forum.example.org/anne/{size}/12_2.png";

    fn topic(posts: &str) -> String {
        format!(
            r#"{{"post_stream":{{"posts":[{posts}],"stream":[10,11,12]}},"id":7,"title":"Levain","slug":"levain","category_id":4,"tags":["bread",{{"id":3,"name":"Sourdough","slug":"sourdough"}}],"details":{{"created_by":{{"id":1,"username":"anne","avatar_template":"{AVATAR}"}}}}}}"#
        )
    }

    /// A post as a topic lists it; `extra` adds fields, or a `cooked` of its own.
    fn post(id: u64, number: u64, user: &str, extra: &str) -> String {
        let cooked = if extra.contains("\"cooked\"") {
            String::new()
        } else {
            format!(r#","cooked":"<p>Post {number}</p>""#)
        };
        format!(
            r#"{{"id":{id},"username":"{user}","name":"{user} N.","avatar_template":"/letter_avatar_proxy/v4/letter/a/ec9cab/{{size}}.png","created_at":"2024-03-04T09:0{number}:00.000Z"{cooked},"post_number":{number},"topic_id":7,"actions_summary":[{{"id":2,"count":3}}]{extra}}}"#
        )
    }

    #[test]
    fn the_forum_is_the_host_in_uploaded_avatars() {
        assert_eq!(
            avatar_host(AVATAR.as_bytes()).as_deref(),
            Some("forum.example.org")
        );
        assert_eq!(
            avatar_host(
                b"https://cdn.example.net/user_avatar/WWW.Forum.Example.org/bo/{size}/1_2.png"
            )
            .as_deref(),
            Some("forum.example.org")
        );
        assert_eq!(
            avatar_host(b"/letter_avatar_proxy/v4/letter/a/ec9cab/{size}.png"),
            None
        );
    }

    #[test]
    fn a_topic_gives_posts_replies_and_authors() {
        let posts = [
            post(10, 1, "anne", ""),
            post(11, 2, "bob", r#","reply_to_post_number":null"#),
            post(
                12,
                3,
                "carla",
                r#","reply_to_post_number":2,"reply_to_user":{"username":"bob"},"cooked":"<p>Hi <a class=\"mention\" href=\"/u/bob\">@bob</a>, see <a href=\"/t/other/9\">this</a></p>""#,
            ),
        ];
        let p = read_doc(topic(&posts.join(",")).as_bytes(), None).unwrap();
        assert!(p.rejects.is_empty(), "{:?}", p.rejects);
        assert_eq!(p.records, 3);
        assert_eq!(p.rows.posts.len(), 3);
        // Two replies and a mention; the like counts are not likes.
        assert_eq!(p.rows.interactions.len(), 3);
    }

    #[test]
    fn links_are_made_absolute_and_user_links_are_mentions() {
        let forum = Forum {
            host: "forum.example.org".into(),
        };
        let (links, mentions) = forum.split_links(vec![
            "/u/Bob".into(),
            "https://forum.example.org/u/carla/".into(),
            "/t/other/9".into(),
            "#heading".into(),
            "https://ex.fr/a".into(),
            "https://ex.fr/a".into(),
        ]);
        assert_eq!(
            links,
            ["https://forum.example.org/t/other/9", "https://ex.fr/a"]
        );
        assert_eq!(
            mentions,
            [
                "discourse:forum.example.org/u/bob",
                "discourse:forum.example.org/u/carla"
            ]
        );
    }

    #[test]
    fn a_post_missing_its_author_is_rejected_alone_with_its_line() {
        let posts = [
            post(10, 1, "anne", ""),
            r#"{"id":11,"post_number":2,"created_at":"2024-03-04T09:02:00.000Z","cooked":"<p>who?</p>"}"#
                .to_owned(),
            post(12, 3, "carla", r#","new_field_from_the_future":{"x":[1,2]}"#),
        ];
        let doc = topic(&posts.join(",\n"));
        let p = read_doc(doc.as_bytes(), None).unwrap();
        assert_eq!(p.records, 3);
        assert_eq!(p.rows.posts.len(), 2);
        assert_eq!(p.rejects.len(), 1);
        assert_eq!(p.rejects[0].class, "missing field");
        assert_eq!(p.rejects[0].pos, 2, "the bad post is on line 2");
        assert!(p.rejects[0].detail.contains("post 2 of post_stream.posts"));
        assert!(p.rejects[0].detail.contains("username"));
    }

    #[test]
    fn moderator_notes_are_not_records() {
        let posts = [
            post(10, 1, "anne", ""),
            post(
                11,
                2,
                "system",
                r#","post_type":3,"action_code":"closed.enabled""#,
            ),
        ];
        let p = read_doc(topic(&posts.join(",")).as_bytes(), None).unwrap();
        assert_eq!(p.records, 1);
        assert_eq!(p.rows.posts.len(), 1);
    }

    #[test]
    fn a_cut_document_is_one_reject_naming_its_position() {
        let doc = topic(&post(10, 1, "anne", ""));
        let p = read_doc(&doc.as_bytes()[..doc.len() - 40], None).unwrap();
        assert_eq!(p.records, 1);
        assert_eq!(p.rejects[0].class, "truncated file");
        assert!(
            p.rejects[0].detail.contains("column"),
            "{}",
            p.rejects[0].detail
        );
        assert!(p.rows.is_empty());
        let p = read_doc(doc.replacen("\"title\":", "\"title\"", 1).as_bytes(), None).unwrap();
        assert_eq!(p.rejects[0].class, "malformed JSON");
    }

    #[test]
    fn bytes_in_another_encoding_reject_only_their_post() {
        let posts = [post(10, 1, "anne", ""), post(11, 2, "bob", "")];
        let mut doc = topic(&posts.join(",\n")).into_bytes();
        let at = memchr::memmem::find(&doc, b"Post 2").unwrap();
        doc[at + 1] = 0xf6; // Latin-1 "ö"
        let p = read_doc(&doc, None).unwrap();
        assert_eq!(p.rows.posts.len(), 1);
        assert_eq!(p.rejects.len(), 1);
        assert_eq!(p.rejects[0].class, "wrong encoding");
    }

    #[test]
    fn without_an_uploaded_avatar_the_forum_must_be_named() {
        let doc = r#"{"latest_posts":[{"id":5,"username":"zoe","avatar_template":"/letter_avatar_proxy/v4/letter/z/ec9cab/{size}.png","created_at":"2024-03-04T09:00:00.000Z","cooked":"<p>hi</p>","post_number":1,"topic_id":3,"topic_title":"Hi","topic_slug":"hi","category_id":1}]}"#;
        let e = read_doc(doc.as_bytes(), None).err().unwrap().to_string();
        assert!(e.contains("--site"), "{e}");
        let p = read_doc(doc.as_bytes(), Some("https://Forum.example.org/")).unwrap();
        assert_eq!(p.rows.posts.len(), 1);
        // Avatars that name another forum than --site: refused.
        let e = read_doc(
            topic(&post(10, 1, "anne", "")).as_bytes(),
            Some("other.example"),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            e.contains("forum.example.org") && e.contains("other.example"),
            "{e}"
        );
    }

    #[test]
    fn only_likes_among_user_actions_are_records() {
        let doc = format!(
            r#"{{"user_actions":[
{{"action_type":1,"acting_username":"bob","acting_name":"Bob","acting_avatar_template":"{AVATAR}","username":"anne","name":"Anne","target_username":"bob","post_id":10,"post_number":1,"topic_id":7,"created_at":"2024-03-05T10:00:00.000Z","slug":"levain","title":"Levain"}},
{{"action_type":5,"acting_username":"bob","username":"bob","post_number":2,"topic_id":7,"created_at":"2024-03-05T10:00:00.000Z"}},
{{"action_type":1,"username":"anne","post_number":1,"topic_id":7,"created_at":"2024-03-05T10:00:00.000Z"}}
]}}"#
        );
        let p = read_doc(doc.as_bytes(), None).unwrap();
        assert_eq!(p.records, 2);
        assert_eq!(p.rows.interactions.len(), 1);
        assert_eq!(p.rejects.len(), 1);
        assert_eq!(p.rejects[0].pos, 4);
    }

    #[test]
    fn sniffing_knows_each_document_and_nothing_else() {
        let topic_doc = topic(&post(10, 1, "anne", ""));
        assert!(Discourse.sniff(topic_doc.as_bytes()));
        assert!(Discourse.sniff(br#"{"latest_posts":[{"id":1,"avatar_template":"/a"}]}"#));
        assert!(Discourse.sniff(br#"{"user_actions":[{"action_type":1,"avatar_template":"/a"}]}"#));
        assert!(Discourse.sniff(
            br#"{"user_badges":[],"user":{"id":1,"username":"anne","avatar_template":"/a","trust_level":2}}"#
        ));
        assert!(!Discourse.sniff(br#"{"user":{"id":1,"username":"anne"}}"#));
        assert!(!Discourse.sniff(br#"{"did":"did:plc:a","time_us":1,"kind":"commit"}"#));
        assert!(!Discourse.sniff(b"<rss version=\"2.0\"><channel></channel></rss>"));
    }
}
