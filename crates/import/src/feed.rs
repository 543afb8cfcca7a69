//! RSS 2.0, RSS 1.0 and Atom feeds of a blog's posts, parsed by `feed-rs`.
//!
//! A feed holds only the latest posts, without comments: it is the light way
//! to keep a blog's posts current between full WordPress exports. Posts get
//! the same ids as in the export (the `guid`) and the same author (the site,
//! `blog:<host>`), so importing both never counts a post twice.

use std::io::Read;

use levain_model::channel::BLOG;
use levain_model::keys::{Key, qualified};
use levain_model::rows::{AccountRow, PostRow};

use crate::input::contains;
use crate::text::{host, html_to_text, inline_hashtags, lang_code};
use crate::{ImportError, InputFile, Parsed, Reject, Sink, Source};

pub struct Feed;

/// Feeds are read whole; no real feed comes near this.
const MAX_FEED: u64 = 64 << 20;

impl Source for Feed {
    fn name(&self) -> &'static str {
        "feed"
    }

    fn describe(&self) -> &'static str {
        "RSS or Atom feed of a blog's posts"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        if crate::input::first_byte(head) != Some(b'<') {
            return false;
        }
        let start = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_ascii_lowercase();
        (start.contains("<rss") || start.contains("<rdf:rdf"))
            || (start.contains("<feed") && contains(head, b"http://www.w3.org/2005/Atom"))
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        if file.size > MAX_FEED {
            return Err(file.error(format!(
                "a feed of {} MiB is larger than the {} MiB levain reads; feeds list recent posts only, so this is probably not one",
                file.size >> 20,
                MAX_FEED >> 20
            )));
        }
        let mut bytes = Vec::with_capacity(file.size as usize);
        file.reader()?
            .take(MAX_FEED)
            .read_to_end(&mut bytes)
            .map_err(|source| ImportError::Io {
                path: file.display.clone(),
                source,
            })?;
        let feed = feed_rs::parser::Builder::new()
            .sanitize_content(false)
            .build()
            .parse(bytes.as_slice())
            .map_err(|e| file.error(format!("not a readable RSS or Atom feed: {e}")))?;
        let mut parsed = Parsed {
            bytes: bytes.len() as u64,
            ..Parsed::default()
        };
        let site_url = feed
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| feed.entries.iter().flat_map(|e| &e.links).next())
            .map(|l| l.href.clone());
        let Some(site_host) = site_url.as_deref().and_then(host) else {
            return Err(file.error(
                "the feed has no http(s) link to its site, so its posts cannot be attributed to a blog",
            ));
        };
        let site = qualified(BLOG, &site_host);
        let title = feed.title.as_ref().map(|t| t.content.trim().to_owned());
        let lang = feed.language.as_deref().and_then(lang_code);
        let mut account_written = false;
        for (i, e) in feed.entries.iter().enumerate() {
            let pos = i as u64 + 1;
            parsed.records += 1;
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .map(|l| l.href.as_str());
            // feed-rs invents a hash when an item has no guid: the link is a
            // better id then, and the one a WordPress export would not match anyway.
            let native = if e.id.contains(':') || e.id.contains('/') {
                Some(e.id.as_str())
            } else {
                link
            };
            let entry_title = e.title.as_ref().map(|t| t.content.trim()).unwrap_or("");
            let Some(native) = native else {
                parsed.rejects.push(Reject::new(
                    pos,
                    "missing id",
                    format!("entry {pos} (`{entry_title}`) has neither an id/guid nor a link"),
                    entry_title.as_bytes(),
                ));
                continue;
            };
            let Some(at) = e.published.or(e.updated).map(|t| t.timestamp_micros()) else {
                parsed.rejects.push(Reject::new(
                    pos,
                    "bad date",
                    format!(
                        "entry {pos} (`{entry_title}`) has no readable pubDate/published/updated date"
                    ),
                    entry_title.as_bytes(),
                ));
                continue;
            };
            if !account_written {
                account_written = true;
                let links: Vec<&str> = site_url.as_deref().into_iter().collect();
                parsed.rows.accounts.push(
                    &AccountRow {
                        account: &site,
                        channel: BLOG,
                        native_id: &site_host,
                        handle: Some(&site_host),
                        display_name: title.as_deref(),
                        links: &links,
                        observed_at: at,
                        ..AccountRow::default()
                    },
                    Key::of(&["blog-site", &site, title.as_deref().unwrap_or("")]),
                    false,
                    pos,
                );
            }
            let html = e
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .or(e.summary.as_ref().map(|s| s.content.as_str()))
                .unwrap_or("");
            let (body, links) = html_to_text(html);
            let text = match (entry_title.is_empty(), body.is_empty()) {
                (false, false) => format!("{entry_title}\n\n{body}"),
                (false, true) => entry_title.to_owned(),
                _ => body,
            };
            let mut tags: Vec<String> = e
                .categories
                .iter()
                .map(|c| c.label.as_deref().unwrap_or(&c.term).trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect();
            for t in inline_hashtags(&text) {
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
            let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
            let post = qualified(BLOG, native);
            let entry_lang = e.language.as_deref().and_then(lang_code).or(lang.clone());
            parsed.rows.posts.push(
                &PostRow {
                    post: &post,
                    channel: BLOG,
                    author: &site,
                    at,
                    text: Some(&text),
                    lang: entry_lang.as_deref(),
                    url: link,
                    hashtags: &tag_refs,
                    links: &link_refs,
                    ..PostRow::default()
                },
                Key::of(&["post", &post]),
                true,
                pos,
            );
        }
        sink.accept(parsed)
    }
}
