//! Reddit submissions and comments, from two places:
//!
//! - Pushshift / Arctic Shift dumps: one JSON object a line, submissions
//!   (`RS_YYYY-MM.zst`) or comments (`RC_YYYY-MM.zst`), plain or compressed
//!   (the pipeline decompresses zstd and gzip whatever the file's name);
//! - a saved listing (`https://www.reddit.com/r/SUB/new.json`,
//!   `/user/NAME/comments.json`, or a thread's `/comments/ID.json`, which is
//!   an array of two listings), read whole (up to [`MAX_DOCUMENT`]), comment
//!   trees included (`replies` listings nested in comments are walked).
//!
//! What becomes what, in channel `reddit`:
//! - a submission (`t3_…`) or comment (`t1_…`) is a post `reddit:t3_…` /
//!   `reddit:t1_…` (the fullname, the id both sources share, so a post seen
//!   in a dump and in a listing is stored once); its text is the title and
//!   the self text for a submission, the body for a comment (Reddit's
//!   `&amp;`, `&lt;`, `&gt;` decoded); its venue the subreddit (`r/SUB`, or
//!   `u/NAME` for a profile's own posts); its links a link post's target and
//!   the http(s) links of the text; `lang` is left to the analyses;
//! - a comment replies to `parent_id` inside the thread of `link_id`, and is
//!   a `reply` interaction from its author to the parent post. The record
//!   does not say who wrote the parent, so the interaction's target account
//!   is left empty (the parent post, when imported, names its author);
//! - each author is an account `reddit:<username>` (usernames never change
//!   on Reddit), observed at the time of a record of theirs.
//!
//! Deleted and removed content: Reddit keeps a deleted account's posts with
//! the author `[deleted]`, and replaces a deleted or removed text with
//! `[deleted]` or `[removed]`. Such posts are kept, so that threads keep
//! their shape and reply counts, with author `reddit:[deleted]`; but that is
//! not a person, so it gets no account row and its comments no `reply`
//! interaction (counting thousands of strangers as one very engaged member
//! would skew every audience analysis). A removed text is stored as no text
//! (null), not as the placeholder, so sentiment and questions never read it;
//! a submission keeps its title, which Reddit never removes.
//!
//! `score`, `ups` and `num_comments` are ignored: they are totals, not acts
//! anyone can be credited with, so no likes are invented from them.
//!
//! A line without an id, an author or a creation time is rejected with the
//! missing field; unknown and missing optional fields are fine.

use std::borrow::Cow;
use std::io::Read;

use serde::Deserialize;
use serde_json::Value;

use levain_model::InteractionKind;
use levain_model::channel::REDDIT;
use levain_model::keys::{Key, qualified};
use levain_model::rows::{AccountRow, InteractionRow, PostRow, Rows};

use crate::input::first_line;
use crate::jetstream::{SeenAccounts, json_reject};
use crate::ndjson::{LineFormat, read_lines};
use crate::{ImportError, InputFile, Parsed, Reject, Sink, Source};

pub struct Reddit;

/// The largest listing read whole. Listings are pages of at most a few
/// hundred things; anything larger is a dump and belongs one record a line.
pub const MAX_DOCUMENT: u64 = 256 << 20;

/// Listing records handed to the sink at a time.
const BATCH_RECORDS: u64 = 2_000;

/// Reddit's author for posts whose account was deleted.
pub const DELETED: &str = "[deleted]";

impl Source for Reddit {
    fn name(&self) -> &'static str {
        "reddit"
    }

    fn describe(&self) -> &'static str {
        "Reddit submissions and comments: Pushshift/Arctic Shift dumps (NDJSON, zstd or gzip) or a saved listing .json"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        is_listing(head) || first_line(head).is_some_and(looks_like_record)
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        if is_document(&file.head()?) {
            read_document(file, sink)
        } else {
            read_lines(self, file, sink)
        }
    }
}

fn trim_start(b: &[u8]) -> &[u8] {
    let i = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[i..]
}

/// Whether `json` has `"key":` somewhere, and, with `prefix`, a string value
/// starting with it. Byte-level, so it works on lines the head limit cut.
fn has_key(json: &[u8], key: &str, prefix: Option<&str>) -> bool {
    let quoted = format!("\"{key}\"");
    memchr::memmem::find_iter(json, quoted.as_bytes()).any(|at| {
        let rest = trim_start(&json[at + quoted.len()..]);
        let Some(rest) = rest.strip_prefix(b":") else {
            return false;
        };
        match prefix {
            None => true,
            Some(p) => trim_start(rest)
                .strip_prefix(b"\"")
                .is_some_and(|v| v.starts_with(p.as_bytes())),
        }
    })
}

/// A Pushshift-style submission or comment object.
fn looks_like_record(line: &[u8]) -> bool {
    line.starts_with(b"{")
        && has_key(line, "subreddit", None)
        && has_key(line, "created_utc", None)
        && (has_key(line, "name", Some("t3_"))
            || has_key(line, "name", Some("t1_"))
            || ["link_id", "parent_id", "selftext", "body"]
                .iter()
                .any(|k| has_key(line, k, None)))
}

/// A listing document (or an array of them), as Reddit's `.json` URLs send.
fn is_listing(head: &[u8]) -> bool {
    let t = trim_start(head);
    let t = match t.strip_prefix(b"[") {
        Some(rest) => trim_start(rest),
        None => t,
    };
    let start = &t[..t.len().min(256)];
    let thing = |kind: &str| has_key(t, "kind", Some(kind));
    start.starts_with(b"{")
        && (has_key(start, "kind", Some("Listing\""))
            // Keys sorted (jq -S, some savers): `data` comes before `kind`.
            || (has_key(t, "children", None)
                && (thing("Listing\"") || thing("t3\"") || thing("t1\""))))
}

/// Whether the file is one JSON document rather than a record a line: a
/// listing, an array, or pretty-printed JSON (a first line of just `{`).
fn is_document(head: &[u8]) -> bool {
    is_listing(head)
        || trim_start(head).starts_with(b"[")
        || first_line(head).is_some_and(|l| l == b"{")
}

/// Seconds since the epoch as Reddit and the dumps write them: an integer,
/// a float, or either in a string.
struct Seconds(i64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Seconds;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("seconds since 1970 (a number, or a number in a string)")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Seconds, E> {
                v.checked_mul(1_000_000)
                    .map(Seconds)
                    .ok_or_else(|| E::custom(format!("{v} seconds is out of range")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Seconds, E> {
                let v = i64::try_from(v)
                    .map_err(|_| E::custom(format!("{v} seconds is out of range")))?;
                self.visit_i64(v)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Seconds, E> {
                // ±10^12 s is 30 000 years either way: far beyond any post.
                if v.is_finite() && v.abs() < 1e12 {
                    Ok(Seconds((v * 1e6).round() as i64))
                } else {
                    Err(E::custom(format!("{v} seconds is out of range")))
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Seconds, E> {
                let t = v.trim();
                match t.parse::<i64>() {
                    Ok(i) => self.visit_i64(i),
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) => self.visit_f64(f),
                        Err(_) => Err(E::custom(format!(
                            "`{v}` is not a number of seconds since 1970"
                        ))),
                    },
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// The fields levain reads from a submission or comment; others are ignored.
#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    author: Option<Cow<'a, str>>,
    created_utc: Option<Seconds>,
    #[serde(borrow)]
    subreddit: Option<Cow<'a, str>>,
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    selftext: Option<Cow<'a, str>>,
    #[serde(borrow)]
    body: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    permalink: Option<Cow<'a, str>>,
    is_self: Option<bool>,
    #[serde(borrow)]
    parent_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    link_id: Option<Cow<'a, str>>,
}

/// Why a record was not imported, before it is tied to a position.
struct Problem {
    class: &'static str,
    detail: String,
}

fn missing(field: &str, why: &str) -> Problem {
    Problem {
        class: "missing or mistyped field",
        detail: format!("missing `{field}`: {why}"),
    }
}

fn non_empty<'s>(s: &'s Option<Cow<'_, str>>) -> Option<&'s str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A text Reddit replaced because it was deleted or removed.
fn is_placeholder(s: &str) -> bool {
    matches!(s.trim(), "[deleted]" | "[removed]")
}

/// A text as stored: entities decoded, a deleted or removed text dropped.
fn kept<'s>(s: &'s Option<Cow<'_, str>>) -> Option<Cow<'s, str>> {
    non_empty(s).filter(|t| !is_placeholder(t)).map(decode)
}

/// Reddit escapes `&`, `<` and `>` in titles and texts.
fn decode(s: &str) -> Cow<'_, str> {
    if s.contains('&') {
        html_escape::decode_html_entities(s)
    } else {
        Cow::Borrowed(s)
    }
}

/// The record's fullname (`t3_…` or `t1_…`): its `name`, or its `id` with the
/// prefix its fields call for (old dumps have no `name`).
fn fullname(r: &Record) -> Result<String, Problem> {
    if let Some(name) = non_empty(&r.name) {
        return if name.starts_with("t3_") || name.starts_with("t1_") {
            Ok(name.to_owned())
        } else {
            Err(Problem {
                class: "unsupported kind",
                detail: format!(
                    "`name` is `{name}`: levain reads submissions (t3_…) and comments (t1_…)"
                ),
            })
        };
    }
    let Some(id) = non_empty(&r.id) else {
        return Err(missing(
            "name",
            "neither `name` (t3_…/t1_…) nor `id`: a record without an id cannot be stored or deduplicated",
        ));
    };
    if id.starts_with("t3_") || id.starts_with("t1_") {
        Ok(id.to_owned())
    } else if r.body.is_some() || r.parent_id.is_some() {
        Ok(format!("t1_{id}"))
    } else if r.title.is_some() || r.selftext.is_some() || r.is_self.is_some() {
        Ok(format!("t3_{id}"))
    } else {
        Err(Problem {
            class: "missing or mistyped field",
            detail: format!(
                "record `{id}` has no `name` and neither `title`/`selftext` (a submission) nor `body`/`parent_id` (a comment)"
            ),
        })
    }
}

/// Where a post is: `r/SUB`, or `u/NAME` for a profile's own posts.
fn venue(subreddit: &str) -> String {
    match subreddit.strip_prefix("u_") {
        Some(user) => format!("u/{user}"),
        None => format!("r/{subreddit}"),
    }
}

/// The http(s) links in a text, trailing punctuation and Markdown removed.
fn text_links(text: &str, out: &mut Vec<String>) {
    let mut rest = text;
    while let Some(i) = rest.find("http") {
        let s = &rest[i..];
        if !(s.starts_with("https://") || s.starts_with("http://")) {
            rest = &s[4..];
            continue;
        }
        let end = s
            .find(|c: char| {
                c.is_whitespace() || matches!(c, ')' | ']' | '[' | '<' | '>' | '"' | '|' | '`')
            })
            .unwrap_or(s.len());
        let link = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '\'']);
        if link.len() > "https://".len() && !out.iter().any(|l| l == link) {
            out.push(link.to_owned());
        }
        rest = &s[end..];
    }
}

/// Turns one record into rows: its post, its author's account, its reply.
fn emit(r: &Record, pos: u64, rows: &mut Rows, seen: &SeenAccounts) -> Result<(), Problem> {
    let name = fullname(r)?;
    let author = non_empty(&r.author).ok_or_else(|| {
        missing(
            "author",
            "a post must be attributed (a deleted account is `[deleted]`)",
        )
    })?;
    let at = r
        .created_utc
        .as_ref()
        .ok_or_else(|| missing("created_utc", "a post must have a time"))?
        .0;
    let is_comment = name.starts_with("t1_");
    let native = &name[3..];
    let post = qualified(REDDIT, &name);
    let deleted = author == DELETED;
    let account = qualified(REDDIT, author);
    let probe = seen.probe(&account);
    let subreddit = non_empty(&r.subreddit);

    let text = if is_comment {
        kept(&r.body).map(Cow::into_owned)
    } else {
        match (kept(&r.title), kept(&r.selftext)) {
            (Some(t), Some(s)) => Some(format!("{t}\n\n{s}")),
            (Some(t), None) => Some(t.into_owned()),
            (None, s) => s.map(Cow::into_owned),
        }
    };

    let link_id = non_empty(&r.link_id);
    let url = match non_empty(&r.permalink) {
        Some(p) if p.starts_with("http") => Some(p.to_owned()),
        Some(p) => Some(format!("https://www.reddit.com{p}")),
        None => match (subreddit, is_comment, link_id) {
            (Some(s), false, _) => Some(format!("https://www.reddit.com/r/{s}/comments/{native}/")),
            (Some(s), true, Some(l)) => Some(format!(
                "https://www.reddit.com/r/{s}/comments/{}/_/{native}/",
                l.trim_start_matches("t3_")
            )),
            _ => None,
        },
    };

    let mut links: Vec<String> = Vec::new();
    if !is_comment
        && r.is_self != Some(true)
        && let Some(target) = non_empty(&r.url).map(decode)
        && (target.starts_with("https://") || target.starts_with("http://"))
        // A self post's `url` is its own page.
        && !target.contains(&format!("/comments/{native}"))
    {
        links.push(target.into_owned());
    }
    if let Some(t) = &text {
        text_links(t, &mut links);
    }
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();

    let reply_to = if is_comment {
        non_empty(&r.parent_id)
            .or(link_id)
            .map(|p| qualified(REDDIT, p))
    } else {
        None
    };
    let reply_root = if is_comment {
        link_id.map(|l| qualified(REDDIT, l))
    } else {
        None
    };
    let venue = subreddit.map(venue);

    if !deleted && seen.first_time_at(probe) {
        rows.accounts.push(
            &AccountRow {
                account: &account,
                channel: REDDIT,
                native_id: author,
                handle: Some(author),
                observed_at: at,
                ..AccountRow::default()
            },
            Key::of(&["reddit-account", &account]),
            false,
            pos,
        );
    }
    rows.posts.push(
        &PostRow {
            post: &post,
            channel: REDDIT,
            author: &account,
            at,
            text: text.as_deref(),
            lang: None,
            url: url.as_deref(),
            reply_to: reply_to.as_deref(),
            reply_root: reply_root.as_deref(),
            links: &link_refs,
            venue: venue.as_deref(),
            ..PostRow::default()
        },
        Key::of(&["post", &post]),
        true,
        pos,
    );
    if let (false, Some(parent)) = (deleted, &reply_to) {
        rows.interactions.push(
            &InteractionRow {
                actor: &account,
                kind: InteractionKind::Reply,
                channel: REDDIT,
                at,
                target_post: Some(parent),
                // The record does not say who wrote the parent.
                target_account: None,
                record: Some(&post),
                via: None,
                ends: None,
            },
            Key::of(&["reply", &post]),
            false,
            pos,
        );
    }
    Ok(())
}

impl LineFormat for Reddit {
    type Scratch = ();
    type Shared = SeenAccounts;

    fn parse_line(
        &self,
        line: &[u8],
        pos: u64,
        rows: &mut Rows,
        _: &mut (),
        seen: &SeenAccounts,
    ) -> Result<(), Reject> {
        let text = std::str::from_utf8(line).map_err(|e| {
            Reject::new(
                pos,
                "invalid encoding",
                format!("not UTF-8: {e}; Reddit dumps are UTF-8 JSON, one record a line"),
                line,
            )
        })?;
        let r: Record = serde_json::from_str(text).map_err(|e| json_reject(pos, &e, line))?;
        emit(&r, pos, rows, seen).map_err(|p| Reject::new(pos, p.class, p.detail, line))
    }
}

/// Reads a listing document whole and walks it.
fn read_document(file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let mut r = file.reader()?;
    let mut bytes = Vec::new();
    if let Err(e) = (&mut r).take(MAX_DOCUMENT + 1).read_to_end(&mut bytes) {
        return Err(r.error(file, e));
    }
    if bytes.len() as u64 > MAX_DOCUMENT {
        return Err(file.error(format!(
            "a listing larger than {} MiB: listings are read whole, so save smaller pages, or turn it into one record a line (`jq -c '.data.children[].data'`)",
            MAX_DOCUMENT >> 20
        )));
    }
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        file.error(if e.is_eof() {
            format!(
                "the listing ends early ({e}): the file was cut; save the page again (nothing was imported from it)"
            )
        } else {
            format!(
                "not a valid JSON listing ({e}); a Reddit listing is what a `.json` URL such as https://www.reddit.com/r/SUB/new.json returns"
            )
        })
    })?;
    drop(bytes);
    let mut walk = Walk {
        parsed: Parsed::default(),
        seen: SeenAccounts::default(),
        record: 0,
        sink,
    };
    walk.thing(&doc)?;
    walk.parsed.bytes = r.raw_position();
    walk.sink.accept(walk.parsed)
}

/// The walk through a listing's tree of things.
struct Walk<'s> {
    parsed: Parsed,
    seen: SeenAccounts,
    /// Things met so far: the position rejects name.
    record: u64,
    sink: &'s mut dyn Sink,
}

impl Walk<'_> {
    fn reject(&mut self, class: &'static str, detail: String, raw: &Value) {
        self.parsed.records += 1;
        let raw = serde_json::to_vec(raw).unwrap_or_default();
        self.parsed
            .rejects
            .push(Reject::new(self.record, class, detail, &raw));
    }

    /// Depth needs no limit here: serde_json refuses documents nested deeper
    /// than 128.
    fn thing(&mut self, v: &Value) -> Result<(), ImportError> {
        match v {
            // A thread's page: the submission's listing, then the comments'.
            Value::Array(items) => {
                for item in items {
                    self.thing(item)?;
                }
            }
            Value::Object(o) => {
                let data = o.get("data").unwrap_or(&Value::Null);
                match o.get("kind").and_then(Value::as_str) {
                    Some("Listing") => {
                        if let Some(children) = data.get("children").and_then(Value::as_array) {
                            for c in children {
                                self.thing(c)?;
                            }
                        }
                    }
                    Some(kind @ ("t1" | "t3")) => {
                        self.record += 1;
                        match Record::deserialize(data) {
                            Ok(r) => {
                                let pos = self.record;
                                match emit(&r, pos, &mut self.parsed.rows, &self.seen) {
                                    Ok(()) => self.parsed.records += 1,
                                    Err(p) => self.reject(p.class, p.detail, data),
                                }
                            }
                            Err(e) => {
                                self.reject(
                                    "missing or mistyped field",
                                    format!("{kind} number {}: {e}", self.record),
                                    data,
                                );
                            }
                        }
                        // A comment's answers, as a nested listing ("" when none).
                        if let Some(replies @ Value::Object(_)) = data.get("replies") {
                            self.thing(replies)?;
                        }
                        if self.parsed.records >= BATCH_RECORDS {
                            self.sink.accept(std::mem::take(&mut self.parsed))?;
                        }
                    }
                    // "Load more comments": ids the page did not include.
                    Some("more") => {}
                    Some(other) => {
                        self.record += 1;
                        self.reject(
                            "unsupported kind",
                            format!(
                                "a `{other}` thing: levain reads submissions (t3) and comments (t1)"
                            ),
                            v,
                        );
                    }
                    None => {
                        self.record += 1;
                        self.reject(
                            "not a listing",
                            "an object without `kind`: expected a Reddit listing (`{\"kind\": \"Listing\", \"data\": {\"children\": […]}}`)".into(),
                            v,
                        );
                    }
                }
            }
            other => {
                self.record += 1;
                self.reject(
                    "not a listing",
                    format!(
                        "`{}` where a Reddit thing or listing was expected",
                        other.to_string().chars().take(40).collect::<String>()
                    ),
                    other,
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Array, AsArray, RecordBatch};
    use levain_model::Table;
    use levain_model::rows::Provenance;
    use std::io::Write;

    struct Collect(Vec<Parsed>);
    impl Sink for Collect {
        fn accept(&mut self, p: Parsed) -> Result<(), ImportError> {
            self.0.push(p);
            Ok(())
        }
    }

    /// What a file became: its rows per table, its rejects, its record count.
    struct Out {
        batches: Vec<(Table, RecordBatch)>,
        rejects: Vec<Reject>,
        records: u64,
        bytes: u64,
    }

    impl Out {
        fn rows(&self, table: Table) -> usize {
            self.batches
                .iter()
                .filter(|(t, _)| *t == table)
                .map(|(_, b)| b.num_rows())
                .sum()
        }

        /// One text column of a table, in input order.
        fn col(&self, table: Table, name: &str) -> Vec<Option<String>> {
            let mut out = Vec::new();
            for (_, b) in self.batches.iter().filter(|(t, _)| *t == table) {
                let c = b.column_by_name(name).unwrap().as_string::<i32>();
                out.extend((0..c.len()).map(|i| c.is_valid(i).then(|| c.value(i).to_owned())));
            }
            out
        }

        fn list(&self, table: Table, name: &str) -> Vec<Vec<String>> {
            let mut out = Vec::new();
            for (_, b) in self.batches.iter().filter(|(t, _)| *t == table) {
                let c = b.column_by_name(name).unwrap().as_list::<i32>();
                for i in 0..c.len() {
                    let v = c.value(i);
                    let s = v.as_string::<i32>();
                    out.push((0..s.len()).map(|j| s.value(j).to_owned()).collect());
                }
            }
            out
        }
    }

    fn import(bytes: &[u8]) -> Out {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input");
        std::fs::write(&path, bytes).unwrap();
        let file = InputFile::new(&path).unwrap();
        let mut sink = Collect(Vec::new());
        Reddit.read(&file, &mut sink).unwrap();
        let prov = Provenance {
            import_id: "test",
            source_file: "input",
        };
        let mut out = Out {
            batches: Vec::new(),
            rejects: Vec::new(),
            records: 0,
            bytes: 0,
        };
        for mut p in sink.0 {
            out.batches
                .extend(p.rows.finish(prov).into_iter().map(|b| (b.table, b.batch)));
            out.rejects.append(&mut p.rejects);
            out.records += p.records;
            out.bytes += p.bytes;
        }
        out
    }

    const SUBMISSION: &str = r#"{"archived":false,"author":"levain_fan","created_utc":1709546400,"domain":"self.Breadit","id":"1b6abc","is_self":true,"link_flair_text":"Recipe","name":"t3_1b6abc","num_comments":2,"permalink":"/r/Breadit/comments/1b6abc/my_first_loaf/","score":57,"selftext":"Crumb shot: https://i.imgur.com/crumb.jpg. Recipe from [here](https://lefournil.example/recette?a=1&amp;b=2).","subreddit":"Breadit","title":"My first loaf &amp; a question","url":"https://www.reddit.com/r/Breadit/comments/1b6abc/my_first_loaf/"}"#;
    const LINK_POST: &str = r#"{"author":"baker","created_utc":"1709550000.0","id":"1b6xyz","is_self":false,"subreddit":"u_baker","title":"Our workshop","selftext":"","url":"https://lefournil.example/atelier","permalink":"/user/baker/comments/1b6xyz/our_workshop/"}"#;
    const COMMENT: &str = r#"{"author":"crumbshot","body":"Looks great! Which flour?","created_utc":1709547000.5,"id":"kt1","link_id":"t3_1b6abc","name":"t1_kt1","parent_id":"t3_1b6abc","permalink":"/r/Breadit/comments/1b6abc/my_first_loaf/kt1/","score":3,"subreddit":"Breadit"}"#;
    const NESTED: &str = r#"{"author":"levain_fan","body":"T65, see https://example.org/flour.","created_utc":1709548000,"id":"kt2","link_id":"t3_1b6abc","parent_id":"t1_kt1","subreddit":"Breadit","brand_new_field":{"x":[1,2]}}"#;

    fn sample() -> String {
        [SUBMISSION, LINK_POST, COMMENT, NESTED].join("\n") + "\n"
    }

    #[test]
    fn sniff_tells_reddit_from_the_other_formats() {
        for line in [SUBMISSION, COMMENT, NESTED] {
            assert!(Reddit.sniff(line.as_bytes()), "{line}");
        }
        // Cut by the head limit in the middle of the first line.
        assert!(Reddit.sniff(&SUBMISSION.as_bytes()[..SUBMISSION.len() - 20]));
        assert!(Reddit.sniff(br#"{"kind": "Listing", "data": {"after": null, "children": []}}"#));
        assert!(Reddit.sniff(br#"  [{"kind":"Listing","data":{"children":[]}}]"#));
        assert!(
            Reddit.sniff(br#"{"data":{"children":[{"data":{},"kind":"t3"}]},"kind":"Listing"}"#)
        );
        let jetstream = br#"{"did":"did:plc:x","time_us":1,"kind":"commit","commit":{"record":{"text":"\"subreddit\" \"created_utc\" \"body\""}}}"#;
        assert!(!Reddit.sniff(jetstream));
        assert!(!Reddit.sniff(b"channel,name,start,end,spend,currency\n"));
        assert!(!Reddit.sniff(b"<?xml version=\"1.0\"?>\n<rss><channel></channel></rss>"));
        assert!(!Reddit.sniff(br#"{"kind":"Listings","subreddit":"x"}"#));
        assert!(!Reddit.sniff(b""));
    }

    #[test]
    fn submissions_and_comments_become_threads_in_their_venue() {
        let out = import(sample().as_bytes());
        assert!(out.rejects.is_empty(), "{:?}", out.rejects);
        assert_eq!(out.records, 4);
        assert_eq!(out.bytes, sample().len() as u64);
        assert_eq!(
            out.col(Table::Posts, "post"),
            ["t3_1b6abc", "t3_1b6xyz", "t1_kt1", "t1_kt2"].map(|p| Some(format!("reddit:{p}")))
        );
        let text = out.col(Table::Posts, "text");
        assert_eq!(
            text[0].as_deref(),
            Some(
                "My first loaf & a question\n\nCrumb shot: https://i.imgur.com/crumb.jpg. Recipe from [here](https://lefournil.example/recette?a=1&b=2)."
            )
        );
        assert_eq!(text[1].as_deref(), Some("Our workshop"), "empty selftext");
        assert_eq!(
            out.col(Table::Posts, "venue"),
            ["r/Breadit", "u/baker", "r/Breadit", "r/Breadit"].map(|v| Some(v.to_owned()))
        );
        let links = out.list(Table::Posts, "links");
        assert_eq!(
            links[0],
            [
                "https://i.imgur.com/crumb.jpg",
                "https://lefournil.example/recette?a=1&b=2"
            ],
            "a self post's url is itself, not a link"
        );
        assert_eq!(links[1], ["https://lefournil.example/atelier"]);
        assert_eq!(links[3], ["https://example.org/flour"]);
        assert_eq!(
            out.col(Table::Posts, "reply_to"),
            [None, None, Some("reddit:t3_1b6abc"), Some("reddit:t1_kt1")]
                .map(|v| v.map(str::to_owned))
        );
        assert_eq!(
            out.col(Table::Posts, "reply_root"),
            [
                None,
                None,
                Some("reddit:t3_1b6abc"),
                Some("reddit:t3_1b6abc")
            ]
            .map(|v| v.map(str::to_owned))
        );
        let urls = out.col(Table::Posts, "url");
        assert_eq!(
            urls[0].as_deref(),
            Some("https://www.reddit.com/r/Breadit/comments/1b6abc/my_first_loaf/")
        );
        assert_eq!(
            urls[3].as_deref(),
            Some("https://www.reddit.com/r/Breadit/comments/1b6abc/_/kt2/"),
            "built when the dump has no permalink"
        );
        assert!(out.col(Table::Posts, "lang").iter().all(Option::is_none));
        // Three distinct authors, one row each.
        assert_eq!(
            out.col(Table::Accounts, "account"),
            ["levain_fan", "baker", "crumbshot"].map(|a| Some(format!("reddit:{a}")))
        );
        assert_eq!(
            out.col(Table::Accounts, "handle"),
            ["levain_fan", "baker", "crumbshot"].map(|a| Some(a.to_owned()))
        );
        // Each comment is a reply to its parent; no likes from scores.
        assert_eq!(out.rows(Table::Interactions), 2);
        assert_eq!(
            out.col(Table::Interactions, "target_post"),
            [Some("reddit:t3_1b6abc"), Some("reddit:t1_kt1")].map(|v| v.map(str::to_owned))
        );
        assert!(
            out.col(Table::Interactions, "target_account")
                .iter()
                .all(Option::is_none)
        );
        assert!(
            out.col(Table::Interactions, "kind")
                .iter()
                .all(|k| k.as_deref() == Some("reply"))
        );
    }

    #[test]
    fn times_may_be_integers_floats_or_strings() {
        let line = |t: &str| {
            format!(
                r#"{{"name":"t1_a","author":"x","created_utc":{t},"body":"b","subreddit":"s"}}"#
            )
        };
        let at = |t: &str| {
            let out = import(line(t).as_bytes());
            assert!(out.rejects.is_empty(), "{t}: {:?}", out.rejects[0].detail);
            let (_, b) = out
                .batches
                .iter()
                .find(|(t, _)| *t == Table::Posts)
                .unwrap();
            b.column_by_name("at")
                .unwrap()
                .as_primitive::<datafusion::arrow::datatypes::TimestampMicrosecondType>()
                .value(0)
        };
        assert_eq!(at("1709546400"), 1_709_546_400_000_000);
        assert_eq!(at("1709546400.0"), 1_709_546_400_000_000);
        assert_eq!(at("\"1709546400\""), 1_709_546_400_000_000);
        assert_eq!(at("\"1709546400.25\""), 1_709_546_400_250_000);
        let bad = import(line("\"yesterday\"").as_bytes());
        assert_eq!(bad.rejects.len(), 1);
        assert!(bad.rejects[0].detail.contains("yesterday"));
    }

    #[test]
    fn deleted_authors_keep_the_thread_but_are_nobody() {
        let lines = [
            r#"{"name":"t3_s","author":"[deleted]","created_utc":1,"title":"Still a title","selftext":"[removed]","subreddit":"Breadit","is_self":true}"#,
            r#"{"name":"t1_c","author":"[deleted]","created_utc":2,"body":"[deleted]","parent_id":"t3_s","link_id":"t3_s","subreddit":"Breadit"}"#,
            r#"{"name":"t1_d","author":"alive","created_utc":3,"body":"[removed]","parent_id":"t1_c","link_id":"t3_s","subreddit":"Breadit"}"#,
        ];
        let out = import((lines.join("\n") + "\n").as_bytes());
        assert!(out.rejects.is_empty(), "{:?}", out.rejects);
        assert_eq!(
            out.col(Table::Posts, "author"),
            ["reddit:[deleted]", "reddit:[deleted]", "reddit:alive"].map(|a| Some(a.to_owned()))
        );
        assert_eq!(
            out.col(Table::Posts, "text"),
            [Some("Still a title".to_owned()), None, None]
        );
        assert_eq!(
            out.col(Table::Accounts, "account"),
            [Some("reddit:alive".to_owned())]
        );
        // Only the living author's comment is a reply; it answers the deleted one.
        assert_eq!(
            out.col(Table::Interactions, "target_post"),
            [Some("reddit:t1_c".to_owned())]
        );
    }

    #[test]
    fn records_without_id_author_or_time_are_rejected_by_name() {
        let lines = [
            r#"{"author":"a","created_utc":1,"body":"no id","subreddit":"s"}"#,
            r#"{"name":"t1_b","created_utc":1,"body":"no author","subreddit":"s"}"#,
            r#"{"name":"t1_c","author":"a","body":"no time","subreddit":"s"}"#,
            r#"{"name":"t5_d","author":"a","created_utc":1,"subreddit":"s"}"#,
            r#"{"id":"e","author":"a","created_utc":1,"subreddit":"s"}"#,
            r#"{"id":"f","author":"a","created_utc":1,"body":"an old dump's comment","parent_id":"t3_s"}"#,
            r#"{"id":"g","author":"a","created_utc":1,"title":"an old dump's submission"}"#,
            r#"{"name":"t1_h","author":"a","created_utc":1,"body":"cut"#,
        ];
        let out = import((lines.join("\n") + "\n").as_bytes());
        let got: Vec<(u64, &str)> = out
            .rejects
            .iter()
            .map(|r| (r.pos, r.detail.as_str()))
            .collect();
        assert_eq!(got.len(), 6, "{got:?}");
        assert!(got[0].0 == 1 && got[0].1.contains("`name`"), "{got:?}");
        assert!(got[1].0 == 2 && got[1].1.contains("`author`"), "{got:?}");
        assert!(
            got[2].0 == 3 && got[2].1.contains("`created_utc`"),
            "{got:?}"
        );
        assert!(got[3].0 == 4 && got[3].1.contains("t5_d"), "{got:?}");
        assert!(got[4].0 == 5 && got[4].1.contains("neither"), "{got:?}");
        assert_eq!(out.rejects[5].class, "truncated record");
        assert_eq!(
            out.col(Table::Posts, "post"),
            [
                Some("reddit:t1_f".to_owned()),
                Some("reddit:t3_g".to_owned())
            ],
            "missing optional fields are fine, the kind comes from the fields"
        );
        assert_eq!(out.col(Table::Posts, "venue"), [None, None]);
    }

    #[test]
    fn a_listing_is_walked_with_its_nested_replies() {
        let thread = r#"[
          {"kind": "Listing", "data": {"after": null, "children": [
            {"kind": "t3", "data": {"name": "t3_s", "id": "s", "author": "op", "created_utc": 1700000000.0,
              "subreddit": "Breadit", "title": "Thread", "selftext": "", "is_self": true,
              "permalink": "/r/Breadit/comments/s/thread/", "score": 10}}]}},
          {"kind": "Listing", "data": {"after": null, "children": [
            {"kind": "t1", "data": {"name": "t1_a", "author": "ann", "created_utc": 1700000100.0,
              "subreddit": "Breadit", "body": "First", "parent_id": "t3_s", "link_id": "t3_s",
              "replies": {"kind": "Listing", "data": {"children": [
                {"kind": "t1", "data": {"name": "t1_b", "author": "op", "created_utc": 1700000200.0,
                  "subreddit": "Breadit", "body": "Thanks", "parent_id": "t1_a", "link_id": "t3_s",
                  "replies": {"kind": "Listing", "data": {"children": [
                    {"kind": "t1", "data": {"name": "t1_c", "author": "ann", "created_utc": 1700000300.0,
                      "subreddit": "Breadit", "body": "You are welcome", "parent_id": "t1_b",
                      "link_id": "t3_s", "replies": ""}},
                    {"kind": "more", "data": {"count": 4, "children": ["x", "y"]}}]}}}}]}}}},
            {"kind": "t1", "data": {"name": "t1_d", "created_utc": 1700000400.0, "body": "no author",
              "parent_id": "t3_s", "link_id": "t3_s", "subreddit": "Breadit"}}]}}
        ]"#;
        assert!(Reddit.sniff(thread.as_bytes()));
        let out = import(thread.as_bytes());
        assert_eq!(out.records, 5);
        assert_eq!(out.rejects.len(), 1);
        assert_eq!(out.rejects[0].pos, 5, "the fifth thing");
        assert!(out.rejects[0].detail.contains("`author`"));
        assert_eq!(
            out.col(Table::Posts, "reply_to"),
            [
                None,
                Some("reddit:t3_s"),
                Some("reddit:t1_a"),
                Some("reddit:t1_b")
            ]
            .map(|v| v.map(str::to_owned))
        );
        assert_eq!(out.rows(Table::Accounts), 2);
        assert_eq!(out.rows(Table::Interactions), 3);
        assert_eq!(out.bytes, thread.len() as u64);
    }

    #[test]
    fn a_broken_listing_is_a_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.json");
        std::fs::write(
            &path,
            r#"{"kind": "Listing", "data": {"children": [{"kind": "t3", "#,
        )
        .unwrap();
        let file = InputFile::new(&path).unwrap();
        let err = Reddit
            .read(&file, &mut Collect(Vec::new()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cut.json") && err.contains("ends early"),
            "{err}"
        );
    }

    #[test]
    fn compressed_dumps_read_like_plain_ones() {
        let plain = sample();
        let zst = zstd::encode_all(plain.as_bytes(), 19).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(plain.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let a = import(plain.as_bytes());
        for (name, bytes) in [("zstd", &zst), ("gzip", &gz)] {
            assert!(Reddit.sniff(&{
                let dir = tempfile::tempdir().unwrap();
                let p = dir.path().join("x");
                std::fs::write(&p, bytes).unwrap();
                InputFile::new(&p).unwrap().head().unwrap()
            }));
            let b = import(bytes);
            assert_eq!(b.records, 4, "{name}");
            assert!(b.rejects.is_empty(), "{name}");
            assert_eq!(
                b.bytes,
                bytes.len() as u64,
                "{name}: progress in file bytes"
            );
            for col in ["post", "text", "reply_to", "venue"] {
                assert_eq!(a.col(Table::Posts, col), b.col(Table::Posts, col), "{name}");
            }
        }
    }

    #[test]
    fn a_cut_or_damaged_zstd_stream_keeps_the_lines_before_and_says_why() {
        let lines: Vec<String> = (0..2000)
            .map(|i| {
                format!(
                    r#"{{"name":"t1_{i}","author":"u{}","created_utc":{},"body":"comment {i} {}","parent_id":"t3_s","link_id":"t3_s","subreddit":"Breadit"}}"#,
                    i % 37,
                    1_700_000_000 + i,
                    "x".repeat(i % 50)
                )
            })
            .collect();
        let plain = lines.join("\n") + "\n";
        let zst = zstd::encode_all(plain.as_bytes(), 3).unwrap();
        let cut = import(&zst[..zst.len() * 2 / 3]);
        let last = cut.rejects.last().expect("a reject for the break");
        assert_eq!(cut.rejects.len(), 1, "{:?}", cut.rejects);
        assert_eq!(last.class, "truncated file", "{}", last.detail);
        assert!(last.detail.contains("zstd"), "{}", last.detail);
        let kept = cut.rows(Table::Posts) as u64;
        assert!(kept > 100 && kept < 2000, "{kept}");
        assert_eq!(
            last.pos,
            kept + 1,
            "the break is in the line after the kept ones"
        );
        // Flipped bytes in the middle of the stream.
        let mut bad = zst.clone();
        let mid = bad.len() / 2;
        for b in &mut bad[mid..mid + 64] {
            *b ^= 0x5a;
        }
        let damaged = import(&bad);
        let last = damaged.rejects.last().expect("a reject for the damage");
        assert!(
            matches!(last.class, "corrupt compressed data" | "truncated file"),
            "{}: {}",
            last.class,
            last.detail
        );
        assert!(damaged.rows(Table::Posts) < 2000);
    }

    #[test]
    fn links_are_cut_at_markdown_and_punctuation() {
        let mut out = Vec::new();
        text_links(
            "see [x](https://a.example/p?q=1), http://b.example/. and https://a.example/p?q=1 or httpx and <https://c.example/z>",
            &mut out,
        );
        assert_eq!(
            out,
            [
                "https://a.example/p?q=1",
                "http://b.example/",
                "https://c.example/z"
            ]
        );
    }
}
