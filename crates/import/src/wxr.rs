//! WordPress eXtended RSS (WXR 1.0–1.2): the XML that Tools → Export writes.
//!
//! The blog is one channel, `blog`. What becomes what:
//! - the site (`wp:base_site_url`) is one account, `blog:<host>`, whose
//!   handle is the host: declare it yours with `levain own add <host>`;
//! - each published post or page (`wp:status` publish) is a post authored by
//!   the site, its id the export's `guid` (the id the blog's RSS feed uses
//!   too, so importing both never counts a post twice), its text the title
//!   and the body without HTML, its hashtags the post tags, its links the
//!   body's links;
//! - each comment (`wp:comment_type` comment or empty, approved or pending;
//!   spam and trash are left out) is a post replying to its parent comment or
//!   to the post, plus a `reply` interaction. Comments written by one of the
//!   blog's users (`wp:comment_user_id` of a `wp:author`) are the site's own
//!   answers. Other commenters are accounts keyed by the SHA-256 of their
//!   e-mail (`blog:mail:<hash>`; the address itself is not kept), or by their
//!   URL, or by their name on that blog;
//! - pingbacks and trackbacks are other sites linking to a post: a post of
//!   the linking page (venue: its host) and a `mention` of the blog.
//!
//! Records are items and comments; a bad comment is rejected on its own
//! (with its line), the rest of its post still imports.

use std::collections::HashMap;
use std::io::BufRead;

use chrono::{DateTime, NaiveDateTime};
use levain_model::InteractionKind;
use levain_model::channel::BLOG;
use levain_model::keys::{Key, qualified};
use levain_model::rows::{AccountRow, InteractionRow, PostRow, Rows};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::input::contains;
use crate::text::{email_hash, host, html_to_text, inline_hashtags, lang_code};
use crate::xml::{LineCounting, MAX_TEXT, TextBuf};
use crate::{ImportError, InputFile, Parsed, Reject, Sink, Source};

pub struct Wxr;

/// Items handed to the sink at a time.
const BATCH_RECORDS: u64 = 2_000;

impl Source for Wxr {
    fn name(&self) -> &'static str {
        "wordpress-wxr"
    }

    fn describe(&self) -> &'static str {
        "WordPress export (WXR): posts, comments, pingbacks and trackbacks"
    }

    fn special_case_of(&self) -> Option<&'static str> {
        Some("feed")
    }

    fn sniff(&self, head: &[u8]) -> bool {
        contains(head, b"<rss")
            && (contains(head, b"wordpress.org/export/") || contains(head, b"<wp:wxr_version>"))
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read(file, sink)
    }
}

#[derive(Default)]
struct Site {
    url: Option<String>,
    host: Option<String>,
    title: Option<String>,
    lang: Option<String>,
    version: Option<String>,
    /// `wp:author_id` → login: comments by these users are the site's.
    authors: HashMap<String, String>,
    account_written: bool,
}

impl Site {
    fn account(&self) -> Option<String> {
        self.host.as_ref().map(|h| qualified(BLOG, h))
    }
}

#[derive(Default)]
struct Item {
    line: u64,
    title: String,
    link: String,
    guid: String,
    pub_date: String,
    date_gmt: String,
    content: String,
    status: String,
    post_type: String,
    tags: Vec<String>,
    comments: Vec<Comment>,
    overflow: bool,
    bad_encoding: bool,
}

#[derive(Default)]
struct Comment {
    line: u64,
    id: String,
    author: String,
    email: String,
    url: String,
    date: String,
    date_gmt: String,
    content: String,
    approved: String,
    kind: String,
    parent: String,
    user_id: String,
    overflow: bool,
    bad_encoding: bool,
}

fn read(file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let mut reader = Reader::from_reader(LineCounting::new(file.reader()?));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(1 << 16);
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut text = TextBuf::default();
    let mut site = Site::default();
    let mut author = (String::new(), String::new());
    let mut item: Option<Item> = None;
    let mut comment: Option<Comment> = None;
    let mut parsed = Parsed::default();
    let mut last_pos = 0u64;
    let mut seen_rss = false;
    loop {
        let ev = reader.read_event_into(&mut buf);
        let line = reader.get_ref().lines;
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                // XML cannot be resynchronised after a syntax error: keep what
                // was read, reject the record in progress, and stop. An error
                // with nothing left to read is a file cut short.
                let at_end = reader.get_mut().fill_buf().is_ok_and(|b| b.is_empty());
                let (class, detail) = if at_end {
                    (
                        "truncated file",
                        format!(
                            "the file ends inside a record near line {line} ({e}); export again, or check the download finished"
                        ),
                    )
                } else {
                    (
                        "malformed XML",
                        format!(
                            "XML error near line {line}: {e}; {} not read",
                            if item.is_some() {
                                "this item and the rest of the file were"
                            } else {
                                "the rest of the file was"
                            }
                        ),
                    )
                };
                let at = item.as_ref().map_or(line, |i| i.line);
                parsed.records += 1;
                parsed.rejects.push(Reject::new(at, class, detail, b""));
                break;
            }
        };
        match &ev {
            Event::Start(s) => {
                let name = s.name().as_ref().to_vec();
                if name == b"rss" {
                    seen_rss = true;
                }
                match name.as_slice() {
                    b"item" if item.is_none() => {
                        item = Some(Item {
                            line,
                            ..Item::default()
                        })
                    }
                    b"wp:comment" if item.is_some() => {
                        comment = Some(Comment {
                            line,
                            ..Comment::default()
                        })
                    }
                    b"category" => {
                        // Categories and tags alike, as the blog's RSS feed
                        // lists them; the name is the text, read at the end.
                        if let Some(it) = item.as_mut() {
                            it.tags.push(String::new());
                        }
                    }
                    _ => {}
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(_) => text.clear(),
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => text.push_event(&ev),
            Event::End(e) => {
                let name = e.name().as_ref().to_vec();
                path.pop();
                let parent = path.last().map(Vec::as_slice).unwrap_or(b"");
                let value = || text.trimmed().to_owned();
                if let Some(c) = comment.as_mut() {
                    c.overflow |= text.overflow;
                    c.bad_encoding |= text.bad_encoding;
                    match name.as_slice() {
                        b"wp:comment_id" => c.id = value(),
                        b"wp:comment_author" => c.author = value(),
                        b"wp:comment_author_email" => c.email = value(),
                        b"wp:comment_author_url" => c.url = value(),
                        b"wp:comment_date" => c.date = value(),
                        b"wp:comment_date_gmt" => c.date_gmt = value(),
                        b"wp:comment_content" => c.content = text.text.clone(),
                        b"wp:comment_approved" => c.approved = value(),
                        b"wp:comment_type" => c.kind = value(),
                        b"wp:comment_parent" => c.parent = value(),
                        b"wp:comment_user_id" => c.user_id = value(),
                        b"wp:comment" => {
                            let done = comment.take().expect("inside a comment");
                            if let Some(it) = item.as_mut() {
                                it.comments.push(done);
                            }
                        }
                        _ => {}
                    }
                } else if let Some(it) = item.as_mut() {
                    it.overflow |= text.overflow && name == b"content:encoded";
                    it.bad_encoding |= text.bad_encoding;
                    match (name.as_slice(), parent) {
                        (b"title", b"item") => it.title = value(),
                        (b"link", b"item") => it.link = value(),
                        (b"guid", b"item") => it.guid = value(),
                        (b"pubDate", b"item") => it.pub_date = value(),
                        (b"wp:post_date_gmt", _) => it.date_gmt = value(),
                        (b"content:encoded", _) => it.content = text.text.clone(),
                        (b"wp:status", _) => it.status = value(),
                        (b"wp:post_type", _) => it.post_type = value(),
                        (b"category", _) => {
                            if let Some(last) = it.tags.last_mut()
                                && last.is_empty()
                            {
                                *last = value().to_lowercase();
                            }
                        }
                        (b"item", _) => {
                            let done = item.take().expect("inside an item");
                            emit_item(&mut site, done, &mut parsed);
                            if parsed.records >= BATCH_RECORDS {
                                let pos = reader.buffer_position();
                                parsed.bytes = pos - last_pos;
                                last_pos = pos;
                                sink.accept(std::mem::take(&mut parsed))?;
                            }
                        }
                        _ => {}
                    }
                } else {
                    match (name.as_slice(), parent) {
                        (b"title", b"channel") => site.title = Some(value()),
                        (b"link", b"channel") if site.url.is_none() => {
                            site.set_url(&value());
                        }
                        (b"language", b"channel") => site.lang = lang_code(&value()),
                        (b"wp:base_site_url", _) => site.set_url(&value()),
                        (b"wp:wxr_version", _) => site.version = Some(value()),
                        (b"wp:author_id", _) => author.0 = value(),
                        (b"wp:author_login", _) => author.1 = value(),
                        (b"wp:author", _) => {
                            let (id, login) = std::mem::take(&mut author);
                            site.authors.insert(id, login);
                        }
                        _ => {}
                    }
                }
                text.clear();
            }
            Event::Eof => {
                if let Some(it) = item.take() {
                    parsed.records += 1;
                    parsed.rejects.push(Reject::new(
                        it.line,
                        "truncated file",
                        "the file ends inside this <item>: it was not imported (export again, or check the download finished)",
                        it.title.as_bytes(),
                    ));
                }
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    if !seen_rss {
        return Err(file.error(
            "not a WordPress export: no <rss> element (expected the XML from Tools → Export)",
        ));
    }
    parsed.bytes = reader.buffer_position() - last_pos;
    sink.accept(parsed)
}

impl Site {
    fn set_url(&mut self, url: &str) {
        if let Some(h) = host(url) {
            self.url = Some(url.trim_end_matches('/').to_owned());
            self.host = Some(h);
        }
    }

    /// The site's own account row, once per file.
    fn write_account(&mut self, rows: &mut Rows, at: i64, pos: u64) {
        let (Some(account), Some(host)) = (self.account(), self.host.as_deref()) else {
            return;
        };
        if self.account_written {
            return;
        }
        self.account_written = true;
        let links: Vec<&str> = self.url.as_deref().into_iter().collect();
        rows.accounts.push(
            &AccountRow {
                account: &account,
                channel: BLOG,
                native_id: host,
                handle: Some(host),
                display_name: self.title.as_deref(),
                links: &links,
                observed_at: at,
                ..AccountRow::default()
            },
            Key::of(&["blog-site", &account, self.title.as_deref().unwrap_or("")]),
            false,
            pos,
        );
    }
}

/// `2024-01-01 10:00:00` (UTC, WordPress's `_gmt` fields) or RFC 2822.
fn parse_time(gmt: &str, fallback: &str) -> Option<i64> {
    let gmt = gmt.trim();
    if !gmt.is_empty()
        && !gmt.starts_with("0000")
        && let Ok(t) = NaiveDateTime::parse_from_str(gmt, "%Y-%m-%d %H:%M:%S")
    {
        return Some(t.and_utc().timestamp_micros());
    }
    let fb = fallback.trim();
    if let Ok(t) = DateTime::parse_from_rfc2822(fb) {
        return Some(t.timestamp_micros());
    }
    // A comment's local `wp:comment_date` when its `_gmt` twin is missing:
    // the site's zone is not in the export, so this is read as UTC.
    NaiveDateTime::parse_from_str(fb, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc().timestamp_micros())
}

fn emit_item(site: &mut Site, it: Item, parsed: &mut Parsed) {
    let published = it.status == "publish" && matches!(it.post_type.as_str(), "post" | "page");
    if !published {
        // Drafts, attachments, menu items: not content anyone engaged with.
        return;
    }
    parsed.records += 1;
    let Some(site_account) = site.account() else {
        parsed.rejects.push(Reject::new(
            it.line,
            "missing site URL",
            "the export has no <wp:base_site_url> or channel <link> before its items, so posts cannot be attributed to a blog",
            it.title.as_bytes(),
        ));
        return;
    };
    let Some(at) = parse_time(&it.date_gmt, &it.pub_date) else {
        parsed.rejects.push(Reject::new(
            it.line,
            "bad date",
            format!(
                "post `{}` has no readable date (wp:post_date_gmt `{}`, pubDate `{}`)",
                it.title, it.date_gmt, it.pub_date
            ),
            it.title.as_bytes(),
        ));
        return;
    };
    if it.overflow {
        parsed.rejects.push(Reject::new(
            it.line,
            "record too large",
            format!("post `{}` has a body over {} MiB", it.title, MAX_TEXT >> 20),
            it.title.as_bytes(),
        ));
        return;
    }
    if it.bad_encoding {
        parsed.rejects.push(Reject::new(
            it.line,
            "wrong encoding",
            format!(
                "post `{}` is not valid UTF-8; re-export the blog, or convert the file to UTF-8",
                it.title
            ),
            it.title.as_bytes(),
        ));
        return;
    }
    site.write_account(&mut parsed.rows, at, it.line);
    let native = if it.guid.is_empty() {
        &it.link
    } else {
        &it.guid
    };
    if native.is_empty() {
        parsed.rejects.push(Reject::new(
            it.line,
            "missing id",
            format!("post `{}` has neither <guid> nor <link>", it.title),
            it.title.as_bytes(),
        ));
        return;
    }
    let post_id = qualified(BLOG, native);
    let (body, links) = html_to_text(&it.content);
    let full = if it.title.is_empty() {
        body
    } else if body.is_empty() {
        it.title.clone()
    } else {
        format!("{}\n\n{body}", it.title)
    };
    let mut tags: Vec<String> = Vec::new();
    for t in it.tags.iter().cloned().chain(inline_hashtags(&full)) {
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
    parsed.rows.posts.push(
        &PostRow {
            post: &post_id,
            channel: BLOG,
            author: &site_account,
            at,
            text: Some(&full),
            lang: site.lang.as_deref(),
            url: (!it.link.is_empty()).then_some(it.link.as_str()),
            hashtags: &tags,
            links: &link_refs,
            ..PostRow::default()
        },
        Key::of(&["post", &post_id]),
        true,
        it.line,
    );
    // Comment id → (post id, author account), for replies to comments.
    let mut by_id: HashMap<&str, (String, String)> = HashMap::new();
    for c in &it.comments {
        if let Some(done) = emit_comment(site, &site_account, &post_id, &it, c, &by_id, parsed) {
            by_id.insert(c.id.as_str(), done);
        }
    }
}

/// Writes one comment; returns its post id and author when it was kept.
fn emit_comment(
    site: &Site,
    site_account: &str,
    post_id: &str,
    it: &Item,
    c: &Comment,
    by_id: &HashMap<&str, (String, String)>,
    parsed: &mut Parsed,
) -> Option<(String, String)> {
    if matches!(c.approved.as_str(), "spam" | "trash" | "post-trashed") {
        return None;
    }
    parsed.records += 1;
    let reject = |parsed: &mut Parsed, class: &'static str, detail: String| {
        parsed
            .rejects
            .push(Reject::new(c.line, class, detail, c.content.as_bytes()));
    };
    if c.id.is_empty() {
        reject(
            parsed,
            "missing field",
            format!("a comment on `{}` has no <wp:comment_id>", it.title),
        );
        return None;
    }
    let Some(at) = parse_time(&c.date_gmt, &c.date) else {
        reject(
            parsed,
            "bad date",
            format!(
                "comment {} on `{}` has no readable date (wp:comment_date_gmt `{}`, expected YYYY-MM-DD HH:MM:SS)",
                c.id, it.title, c.date_gmt
            ),
        );
        return None;
    };
    if c.overflow {
        reject(
            parsed,
            "record too large",
            format!("comment {} is over {} MiB", c.id, MAX_TEXT >> 20),
        );
        return None;
    }
    if c.bad_encoding {
        reject(
            parsed,
            "wrong encoding",
            format!(
                "comment {} on `{}` is not valid UTF-8; convert the file to UTF-8",
                c.id, it.title
            ),
        );
        return None;
    }
    let comment_post = format!("{post_id}#comment-{}", c.id);
    let (text, links) = html_to_text(&c.content);
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
    let rows = &mut parsed.rows;
    match c.kind.as_str() {
        "pingback" | "trackback" => {
            // Another site linked to the post: its page is a post in its own
            // venue, and a mention of the blog.
            let Some(ext_host) = host(&c.url) else {
                reject(
                    parsed,
                    "missing field",
                    format!(
                        "{} {} has no http(s) <wp:comment_author_url> naming the linking page",
                        c.kind, c.id
                    ),
                );
                return None;
            };
            let ext_account = qualified(BLOG, &ext_host);
            let ext_post = qualified(BLOG, &c.url);
            rows.accounts.push(
                &AccountRow {
                    account: &ext_account,
                    channel: BLOG,
                    native_id: &ext_host,
                    handle: Some(&ext_host),
                    display_name: (!c.author.is_empty()).then_some(c.author.as_str()),
                    observed_at: at,
                    ..AccountRow::default()
                },
                Key::of(&["blog-site", &ext_account, &c.author]),
                false,
                c.line,
            );
            let linked: Vec<&str> = std::iter::once(it.link.as_str())
                .filter(|l| !l.is_empty())
                .collect();
            rows.posts.push(
                &PostRow {
                    post: &ext_post,
                    channel: BLOG,
                    author: &ext_account,
                    at,
                    text: Some(&text),
                    url: Some(&c.url),
                    links: &linked,
                    venue: Some(&ext_host),
                    ..PostRow::default()
                },
                Key::of(&["post", &ext_post]),
                false,
                c.line,
            );
            rows.interactions.push(
                &InteractionRow {
                    actor: &ext_account,
                    kind: InteractionKind::Mention,
                    channel: BLOG,
                    at,
                    target_post: Some(post_id),
                    target_account: Some(site_account),
                    record: Some(&comment_post),
                    via: None,
                    ends: None,
                },
                Key::of(&["mention", &comment_post, site_account]),
                true,
                c.line,
            );
            None
        }
        _ => {
            let own =
                c.user_id != "0" && !c.user_id.is_empty() && site.authors.contains_key(&c.user_id);
            let author = if own {
                site_account.to_owned()
            } else {
                commenter_account(site, c)
            };
            if !own {
                let hash = (!c.email.is_empty())
                    .then(|| format!("mailto-sha256:{}", email_hash(&c.email)));
                let links: Vec<&str> = [c.url.as_str()]
                    .into_iter()
                    .filter(|u| !u.is_empty())
                    .chain(hash.as_deref())
                    .collect();
                let native = author.split_once(':').map_or(author.as_str(), |x| x.1);
                rows.accounts.push(
                    &AccountRow {
                        account: &author,
                        channel: BLOG,
                        native_id: native,
                        display_name: (!c.author.is_empty()).then_some(c.author.as_str()),
                        links: &links,
                        observed_at: at,
                        ..AccountRow::default()
                    },
                    Key::of(&["blog-commenter", &author, &c.author, &c.url]),
                    false,
                    c.line,
                );
            }
            let (parent_post, parent_author) = match by_id.get(c.parent.as_str()) {
                Some((p, a)) if c.parent != "0" => (p.clone(), a.clone()),
                _ => (post_id.to_owned(), site_account.to_owned()),
            };
            rows.posts.push(
                &PostRow {
                    post: &comment_post,
                    channel: BLOG,
                    author: &author,
                    at,
                    text: Some(&text),
                    lang: site.lang.as_deref(),
                    url: (!it.link.is_empty())
                        .then(|| format!("{}#comment-{}", it.link, c.id))
                        .as_deref(),
                    reply_to: Some(&parent_post),
                    reply_root: Some(post_id),
                    links: &link_refs,
                    ..PostRow::default()
                },
                Key::of(&["post", &comment_post]),
                true,
                c.line,
            );
            rows.interactions.push(
                &InteractionRow {
                    actor: &author,
                    kind: InteractionKind::Reply,
                    channel: BLOG,
                    at,
                    target_post: Some(&parent_post),
                    target_account: Some(&parent_author),
                    record: Some(&comment_post),
                    via: None,
                    ends: None,
                },
                Key::of(&["reply", &comment_post, &parent_author]),
                false,
                c.line,
            );
            Some((comment_post, author))
        }
    }
}

/// A commenter's account: by e-mail hash (the same person across blogs),
/// else by their URL, else by their name on this blog.
fn commenter_account(site: &Site, c: &Comment) -> String {
    if !c.email.trim().is_empty() {
        return qualified(BLOG, &format!("mail:{}", &email_hash(&c.email)[..32]));
    }
    let url = c.url.trim().trim_end_matches('/');
    if let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        && !rest.is_empty()
    {
        return qualified(BLOG, &format!("url:{rest}"));
    }
    let host = site.host.as_deref().unwrap_or("unknown");
    qualified(
        BLOG,
        &format!("{host}/name:{}", c.author.trim().to_lowercase()),
    )
}
