//! Mastodon REST API responses: the JSON bodies of
//! `/api/v1/accounts/:id/statuses` (Status entities),
//! `/api/v1/statuses/:id/favourited_by` and `/reblogged_by`,
//! `/api/v1/accounts/:id/followers` and `/following` (Account entities) and
//! `/api/v1/notifications` (Notification entities), saved as they come or
//! inside levain's wrapper, which `levain collect mastodon` writes:
//!
//! ```json
//! {"levain": "mastodon-api", "instance": "https://mastodon.social",
//!  "endpoint": "/api/v1/statuses/1234/favourited_by",
//!  "fetched_at": "2025-01-02T03:04:05Z",
//!  "subject": {"status": "https://mastodon.social/users/me/statuses/1234",
//!              "account": "@me@mastodon.social"},
//!  "ids": {"1234": "https://mastodon.social/users/me/statuses/1234"},
//!  "body": [ …the response… ]}
//! ```
//!
//! Lists of accounts do not say whose followers they are or which status
//! they favourited: the wrapper's `endpoint` and `subject` say it, or for a
//! bare response `levain import mastodon-api --context KIND=SUBJECT`
//! (`favourited_by=STATUS_URI`, `reblogged_by=STATUS_URI`,
//! `followers=@me@host`, `following=@me@host`, `notifications=@me@host`).
//!
//! Keys: accounts are `mastodon:@user@domain` (lower case; a local
//! account's domain is its profile URL's host), posts `mastodon:` + the
//! status's ActivityPub `uri`, the same on every instance and in account
//! archives. A like or boost is keyed by who and what, so a notification and
//! a `favourited_by` list of the same like are one row. Lists carry no
//! dates: their likes, boosts and follows are dated `fetched_at` (else the
//! file's time). `in_reply_to_id` is an instance-local id: it is resolved
//! through the statuses in the same document and the wrapper's `ids`, and
//! otherwise kept as `mastodon:https://HOST/api/v1/statuses/ID`.

use std::collections::HashMap;
use std::io::Read;

use serde::Deserialize;
use serde_json::value::RawValue;

use levain_model::InteractionKind;
use levain_model::channel::MASTODON;
use levain_model::keys::Key;
use levain_model::rows::{AccountRow, InteractionRow, PostRow, Rows};

use crate::jetstream::parse_time;
use crate::text::{host, html_to_text, inline_hashtags};
use crate::{ImportError, InputFile, Parsed, ReadContext, Reject, Sink, Source};

pub struct MastodonApi;

const MAX_DOCUMENT: u64 = 256 << 20;

impl Source for MastodonApi {
    fn name(&self) -> &'static str {
        "mastodon-api"
    }

    fn describe(&self) -> &'static str {
        "Mastodon REST API responses (statuses, favourited_by, reblogged_by, followers, notifications)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let first = crate::input::first_byte(head);
        if !matches!(first, Some(b'[' | b'{')) {
            return false;
        }
        let t = &head[..head.len().min(16 * 1024)];
        let has = |needle: &[u8]| crate::input::contains(t, needle);
        if first == Some(b'{') && has(b"\"levain\"") && has(b"\"mastodon-api\"") {
            return true;
        }
        has(b"\"acct\"")
            && has(b"\"username\"")
            && (has(b"\"followers_count\"") || has(b"\"statuses_count\""))
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read(file, &ReadContext::default(), sink)
    }

    fn read_with(
        &self,
        file: &InputFile,
        ctx: &ReadContext,
        sink: &mut dyn Sink,
    ) -> Result<(), ImportError> {
        read(file, ctx, sink)
    }
}

#[derive(Deserialize)]
struct Wrapper<'a> {
    levain: String,
    instance: Option<String>,
    endpoint: Option<String>,
    fetched_at: Option<String>,
    #[serde(default)]
    subject: SubjectRef,
    #[serde(default)]
    ids: HashMap<String, String>,
    #[serde(borrow)]
    body: &'a RawValue,
}

#[derive(Deserialize, Default, Clone)]
struct SubjectRef {
    account: Option<String>,
    status: Option<String>,
}

/// What the entities of a file are, and about whom.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Endpoint {
    Statuses,
    FavouritedBy,
    RebloggedBy,
    Followers,
    Following,
    Notifications,
    /// Entities read for themselves: statuses as posts, accounts as profiles.
    Any,
}

impl Endpoint {
    fn of_path(path: &str) -> Endpoint {
        let path = path.split('?').next().unwrap_or("").trim_end_matches('/');
        let last = path.rsplit('/').next().unwrap_or("");
        match last {
            "favourited_by" => Endpoint::FavouritedBy,
            "reblogged_by" => Endpoint::RebloggedBy,
            "followers" => Endpoint::Followers,
            "following" => Endpoint::Following,
            "notifications" => Endpoint::Notifications,
            "statuses" => Endpoint::Statuses,
            _ => Endpoint::Any,
        }
    }
}

#[derive(Deserialize)]
struct Account {
    username: String,
    acct: String,
    id: Option<String>,
    url: Option<String>,
    display_name: Option<String>,
    note: Option<String>,
    created_at: Option<String>,
    #[serde(default)]
    fields: Vec<Field>,
}

#[derive(Deserialize)]
struct Field {
    value: String,
    verified_at: Option<String>,
}

#[derive(Deserialize)]
struct Status {
    id: String,
    uri: String,
    url: Option<String>,
    created_at: String,
    account: Account,
    content: Option<String>,
    in_reply_to_id: Option<String>,
    in_reply_to_account_id: Option<String>,
    reblog: Option<Box<Status>>,
    #[serde(default)]
    mentions: Vec<Mention>,
    #[serde(default)]
    tags: Vec<Tag>,
    language: Option<String>,
    card: Option<Card>,
}

#[derive(Deserialize)]
struct Mention {
    id: String,
    username: String,
    acct: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct Tag {
    name: String,
}

#[derive(Deserialize)]
struct Card {
    url: Option<String>,
}

#[derive(Deserialize)]
struct Notification {
    #[serde(default)]
    id: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    created_at: String,
    account: Account,
    status: Option<Status>,
}

/// Which keys an element has, to tell entities apart without a context.
#[derive(Deserialize)]
struct Probe {
    acct: Option<serde::de::IgnoredAny>,
    #[serde(rename = "type")]
    kind: Option<serde::de::IgnoredAny>,
    account: Option<serde::de::IgnoredAny>,
    uri: Option<serde::de::IgnoredAny>,
}

/// `mastodon:@user@domain`, lower case.
fn account_key(
    username: &str,
    acct: &str,
    url: Option<&str>,
    instance: Option<&str>,
) -> Option<String> {
    let domain = match acct.split_once('@') {
        Some((_, d)) if !d.is_empty() => d.to_ascii_lowercase(),
        _ => url.and_then(host).or_else(|| instance.map(str::to_owned))?,
    };
    let user = acct
        .split('@')
        .next()
        .filter(|u| !u.is_empty())
        .unwrap_or(username);
    Some(format!(
        "{MASTODON}:@{}@{domain}",
        user.to_ascii_lowercase()
    ))
}

/// A `--context` or wrapper subject account (`@me@host`, `me@host`) as a key.
fn subject_account(s: &str) -> Option<String> {
    let s = s
        .trim()
        .trim_start_matches(&format!("{MASTODON}:"))
        .trim_start_matches('@');
    let (user, domain) = s.split_once('@')?;
    (!user.is_empty() && !domain.is_empty()).then(|| {
        format!(
            "{MASTODON}:@{}@{}",
            user.to_ascii_lowercase(),
            domain.to_ascii_lowercase()
        )
    })
}

/// The author of a Mastodon status URI (`https://host/users/NAME/statuses/ID`).
fn author_of_uri(uri: &str) -> Option<String> {
    let h = host(uri)?;
    let path = uri.split_once("://")?.1.split_once('/')?.1;
    let mut parts = path.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("users"), Some(name), Some("statuses")) => {
            Some(format!("{MASTODON}:@{}@{h}", name.to_ascii_lowercase()))
        }
        _ => None,
    }
}

/// What a file's entities are about.
struct Context {
    endpoint: Endpoint,
    instance: Option<String>,
    subject_account: Option<String>,
    subject_status: Option<String>,
    /// Dates the facts that lists do not date.
    fetched_at: i64,
    /// Instance-local status ids → URIs, and account ids → keys.
    status_ids: HashMap<String, String>,
    account_ids: HashMap<String, String>,
}

fn read(file: &InputFile, ctx: &ReadContext, sink: &mut dyn Sink) -> Result<(), ImportError> {
    if file.size > MAX_DOCUMENT {
        return Err(file.error(format!(
            "a Mastodon API response of {} MiB is larger than the {} MiB levain reads; API pages are far smaller",
            file.size >> 20,
            MAX_DOCUMENT >> 20
        )));
    }
    let mut bytes = Vec::new();
    file.reader()?
        .take(MAX_DOCUMENT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| file.error(format!("cannot read: {e}")))?;
    let mut parsed = Parsed {
        bytes: file.size,
        ..Parsed::default()
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}'),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64
                + 1;
            parsed.records = 1;
            parsed.rejects.push(Reject::new(
                line,
                "invalid encoding",
                format!("not UTF-8 at byte {} (line {line}): Mastodon's API sends UTF-8 JSON; nothing in this file was imported", e.valid_up_to()),
                b"",
            ));
            return sink.accept(parsed);
        }
    };
    let base = text.as_ptr() as usize;
    // Entities come in file order: count lines from the previous one only
    // (counting from the start for each was quadratic in the page's size).
    let counted = std::cell::Cell::new((0usize, 1u64));
    let line_of = |raw: &RawValue| -> u64 {
        let off = raw.get().as_ptr() as usize - base;
        let (mut from, mut line) = counted.get();
        if off < from {
            (from, line) = (0, 1);
        }
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[from..off]).count() as u64;
        counted.set((off, line));
        line
    };
    let doc_reject = |parsed: &mut Parsed, e: serde_json::Error| {
        let class = if e.is_eof() {
            "truncated file"
        } else {
            "malformed JSON"
        };
        parsed.records += 1;
        parsed.rejects.push(Reject::new(
            e.line() as u64,
            class,
            format!(
                "line {}, column {}: {e}; the file is one document, so nothing in it was imported{}",
                e.line(),
                e.column(),
                if e.is_eof() { " (was the download cut short?)" } else { "" }
            ),
            b"",
        ));
    };
    let top: &RawValue = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            doc_reject(&mut parsed, e);
            return sink.accept(parsed);
        }
    };
    let fetched_default = std::fs::metadata(&file.path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0);
    let mut c = Context {
        endpoint: Endpoint::Any,
        instance: ctx
            .site
            .map(|s| host(s).unwrap_or_else(|| s.to_ascii_lowercase())),
        subject_account: None,
        subject_status: None,
        fetched_at: fetched_default,
        status_ids: HashMap::new(),
        account_ids: HashMap::new(),
    };
    let body: &RawValue = if top.get().starts_with('{') && top.get().contains("\"levain\"") {
        match serde_json::from_str::<Wrapper>(top.get()) {
            Ok(w) if w.levain == "mastodon-api" => {
                if let Some(i) = &w.instance {
                    c.instance = host(i).or_else(|| Some(i.to_ascii_lowercase()));
                }
                c.endpoint = w
                    .endpoint
                    .as_deref()
                    .map_or(Endpoint::Any, Endpoint::of_path);
                c.fetched_at = w
                    .fetched_at
                    .as_deref()
                    .and_then(parse_time)
                    .unwrap_or(fetched_default);
                c.subject_status = w.subject.status.clone();
                c.subject_account = w.subject.account.as_deref().and_then(subject_account);
                c.status_ids = w.ids;
                w.body
            }
            Ok(w) => {
                return Err(file.error(format!(
                    "a levain wrapper of `{}`, not `mastodon-api`; run `levain import {} …`",
                    w.levain, w.levain
                )));
            }
            Err(e) => {
                doc_reject(&mut parsed, e);
                return sink.accept(parsed);
            }
        }
    } else {
        top
    };
    if let Some(spec) = ctx.context {
        let (kind, subject) = spec.split_once('=').unwrap_or((spec, ""));
        c.endpoint = match kind {
            "statuses" => Endpoint::Statuses,
            "favourited_by" => Endpoint::FavouritedBy,
            "reblogged_by" => Endpoint::RebloggedBy,
            "followers" => Endpoint::Followers,
            "following" => Endpoint::Following,
            "notifications" => Endpoint::Notifications,
            other => {
                return Err(file.error(format!(
                    "--context `{other}`: expected statuses, favourited_by=STATUS_URI, reblogged_by=STATUS_URI, followers=@you@host, following=@you@host or notifications=@you@host"
                )));
            }
        };
        match c.endpoint {
            Endpoint::FavouritedBy | Endpoint::RebloggedBy => {
                c.subject_status = Some(subject.to_owned()).filter(|s| s.starts_with("http"));
            }
            Endpoint::Followers | Endpoint::Following | Endpoint::Notifications => {
                c.subject_account = subject_account(subject);
            }
            _ => {}
        }
    }
    if matches!(c.endpoint, Endpoint::FavouritedBy | Endpoint::RebloggedBy)
        && c.subject_status.is_none()
    {
        return Err(file.error(
            "a list of accounts who favourited or boosted a status, but which status is not said: import it with `--context favourited_by=STATUS_URI` (or reblogged_by=…), or collect it with `levain collect mastodon`",
        ));
    }
    if matches!(c.endpoint, Endpoint::Followers | Endpoint::Following)
        && c.subject_account.is_none()
    {
        return Err(file.error(
            "a list of followers (or follows), but whose is not said: import it with `--context followers=@you@instance` (or following=…)",
        ));
    }
    let items: Vec<&RawValue> = if body.get().starts_with('[') {
        match serde_json::from_str(body.get()) {
            Ok(v) => v,
            Err(e) => {
                doc_reject(&mut parsed, e);
                return sink.accept(parsed);
            }
        }
    } else if body.get().starts_with('{') {
        vec![body]
    } else {
        return Err(file.error(
            "JSON, but not a Mastodon API response: expected an array of Status, Account or Notification entities, or levain's wrapper",
        ));
    };
    // First pass: ids → URIs and keys, for replies.
    for raw in &items {
        collect_ids(raw, &mut c);
    }
    let mut recognised = 0usize;
    for raw in &items {
        let pos = line_of(raw);
        parsed.records += 1;
        match entity(raw, pos, &c, &mut parsed.rows) {
            Ok(()) => recognised += 1,
            Err(r) => parsed.rejects.push(r),
        }
    }
    if recognised == 0
        && !items.is_empty()
        && parsed.rejects.iter().all(|r| r.class == "unexpected shape")
    {
        return Err(file.error(
            "JSON, but no element is a Mastodon Status, Account or Notification: this is not a Mastodon API response",
        ));
    }
    sink.accept(parsed)
}

fn collect_ids(raw: &RawValue, c: &mut Context) {
    #[derive(Deserialize)]
    struct Ids {
        id: Option<String>,
        uri: Option<String>,
        account: Option<Box<RawValue>>,
        status: Option<Box<RawValue>>,
        reblog: Option<Box<RawValue>>,
        #[serde(default)]
        mentions: Vec<Mention>,
        acct: Option<String>,
        username: Option<String>,
        url: Option<String>,
    }
    let Ok(x) = serde_json::from_str::<Ids>(raw.get()) else {
        return;
    };
    if let (Some(id), Some(acct), Some(user)) = (&x.id, &x.acct, &x.username)
        && let Some(k) = account_key(user, acct, x.url.as_deref(), c.instance.as_deref())
    {
        c.account_ids.insert(id.clone(), k);
    }
    if let (Some(id), Some(uri), Some(_)) = (&x.id, &x.uri, &x.account) {
        c.status_ids
            .entry(id.clone())
            .or_insert_with(|| uri.clone());
    }
    for m in &x.mentions {
        if let Some(k) = account_key(
            &m.username,
            &m.acct,
            m.url.as_deref(),
            c.instance.as_deref(),
        ) {
            c.account_ids.insert(m.id.clone(), k);
        }
    }
    for inner in [&x.account, &x.status, &x.reblog].into_iter().flatten() {
        collect_ids(inner, c);
    }
}

fn shape_reject(pos: u64, what: &str, e: serde_json::Error, raw: &RawValue) -> Reject {
    Reject::new(
        pos,
        "missing or mistyped field",
        format!("{what}: {e}"),
        raw.get().as_bytes(),
    )
}

fn entity(raw: &RawValue, pos: u64, c: &Context, rows: &mut Rows) -> Result<(), Reject> {
    let kind = match c.endpoint {
        Endpoint::Statuses => "status",
        Endpoint::Notifications => "notification",
        Endpoint::FavouritedBy
        | Endpoint::RebloggedBy
        | Endpoint::Followers
        | Endpoint::Following => "account",
        Endpoint::Any => {
            let p: Probe = serde_json::from_str(raw.get()).map_err(|e| {
                Reject::new(
                    pos,
                    "unexpected shape",
                    format!("not a JSON object: {e}"),
                    raw.get().as_bytes(),
                )
            })?;
            if p.acct.is_some() {
                "account"
            } else if p.kind.is_some() && p.account.is_some() {
                "notification"
            } else if p.uri.is_some() && p.account.is_some() {
                "status"
            } else {
                return Err(Reject::new(
                    pos,
                    "unexpected shape",
                    "neither a Status (uri, account), an Account (acct) nor a Notification (type, account)",
                    raw.get().as_bytes(),
                ));
            }
        }
    };
    match kind {
        "status" => {
            let s: Status =
                serde_json::from_str(raw.get()).map_err(|e| shape_reject(pos, "Status", e, raw))?;
            status(&s, pos, c, rows, true)
        }
        "notification" => {
            let n: Notification = serde_json::from_str(raw.get())
                .map_err(|e| shape_reject(pos, "Notification", e, raw))?;
            notification(&n, pos, c, rows, raw)
        }
        _ => {
            let a: Account = serde_json::from_str(raw.get())
                .map_err(|e| shape_reject(pos, "Account", e, raw))?;
            account_entity(&a, pos, c, rows, raw)
        }
    }
}

/// The account's key, and an observation of its profile.
fn observe(
    a: &Account,
    at: i64,
    pos: u64,
    c: &Context,
    rows: &mut Rows,
    primary: bool,
) -> Result<String, Reject> {
    let key = account_key(&a.username, &a.acct, a.url.as_deref(), c.instance.as_deref()).ok_or_else(|| {
        Reject::new(
            pos,
            "missing or mistyped field",
            format!("account `{}` names no domain and has no profile URL; name the instance with --site", a.acct),
            a.acct.as_bytes(),
        )
    })?;
    let handle = key.trim_start_matches(&format!("{MASTODON}:")).to_owned();
    let bio = a.note.as_deref().map(|n| html_to_text(n).0);
    // Profile fields are HTML; a verified one is a rel=me link back to this
    // profile, kept as `verified:URL` for identity merging.
    let mut links: Vec<String> = Vec::new();
    for f in &a.fields {
        let (_, hrefs) = html_to_text(&f.value);
        for h in hrefs {
            links.push(if f.verified_at.is_some() {
                format!("verified:{h}")
            } else {
                h
            });
        }
    }
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
    let native = a.url.as_deref().unwrap_or(&handle);
    rows.accounts.push(
        &AccountRow {
            account: &key,
            channel: MASTODON,
            native_id: native,
            handle: Some(&handle),
            display_name: a.display_name.as_deref().filter(|d| !d.is_empty()),
            bio: bio.as_deref().filter(|b| !b.is_empty()),
            links: &link_refs,
            created_at: a.created_at.as_deref().and_then(parse_time),
            observed_at: at,
            ..AccountRow::default()
        },
        Key::of(&[
            "profile",
            &key,
            a.display_name.as_deref().unwrap_or(""),
            bio.as_deref().unwrap_or(""),
            &links.join(" "),
        ]),
        primary,
        pos,
    );
    Ok(key)
}

fn post_id(uri: &str) -> String {
    format!("{MASTODON}:{uri}")
}

/// A status: a post, or a boost of one. `primary` says whether it is the
/// record's primary row (a notification's status is not).
fn status(s: &Status, pos: u64, c: &Context, rows: &mut Rows, primary: bool) -> Result<(), Reject> {
    let at = parse_time(&s.created_at).ok_or_else(|| {
        Reject::new(
            pos,
            "invalid field",
            format!(
                "status {}: `created_at` is `{}`, expected an RFC 3339 time",
                s.id, s.created_at
            ),
            s.uri.as_bytes(),
        )
    })?;
    let author = observe(&s.account, at, pos, c, rows, false)?;
    if let Some(orig) = &s.reblog {
        status(orig, pos, c, rows, false)?;
        let target = post_id(&orig.uri);
        let target_account = account_key(
            &orig.account.username,
            &orig.account.acct,
            orig.account.url.as_deref(),
            c.instance.as_deref(),
        );
        let record = post_id(&s.uri);
        push_engagement(
            rows,
            InteractionKind::Reshare,
            &author,
            &target,
            target_account.as_deref(),
            Some(&record),
            at,
            pos,
            primary,
        );
        return Ok(());
    }
    let id = post_id(&s.uri);
    let (text, mut links) = s.content.as_deref().map(html_to_text).unwrap_or_default();
    let mut mentions: Vec<String> = s
        .mentions
        .iter()
        .filter_map(|m| {
            account_key(
                &m.username,
                &m.acct,
                m.url.as_deref(),
                c.instance.as_deref(),
            )
        })
        .collect();
    mentions.sort();
    mentions.dedup();
    // Links in the content include the mentions' and hashtags' own pages.
    let mention_urls: Vec<&str> = s.mentions.iter().filter_map(|m| m.url.as_deref()).collect();
    links.retain(|l| !mention_urls.contains(&l.as_str()) && !l.contains("/tags/"));
    if let Some(u) = s.card.as_ref().and_then(|c| c.url.as_deref())
        && !links.iter().any(|l| l == u)
    {
        links.push(u.to_owned());
    }
    let mut hashtags: Vec<String> = s.tags.iter().map(|t| t.name.to_lowercase()).collect();
    if hashtags.is_empty() {
        hashtags = inline_hashtags(&text);
    }
    hashtags.sort();
    hashtags.dedup();
    let reply_to = s
        .in_reply_to_id
        .as_deref()
        .map(|rid| match c.status_ids.get(rid) {
            Some(uri) => post_id(uri),
            None => match &c.instance {
                Some(h) => format!("{MASTODON}:https://{h}/api/v1/statuses/{rid}"),
                None => format!("{MASTODON}:status-id:{rid}"),
            },
        });
    let reply_account = s
        .in_reply_to_account_id
        .as_deref()
        .and_then(|a| c.account_ids.get(a).cloned());
    let tags: Vec<&str> = hashtags.iter().map(String::as_str).collect();
    let ments: Vec<&str> = mentions.iter().map(String::as_str).collect();
    let lks: Vec<&str> = links.iter().map(String::as_str).collect();
    rows.posts.push(
        &PostRow {
            post: &id,
            channel: MASTODON,
            author: &author,
            at,
            text: Some(&text),
            lang: s.language.as_deref(),
            url: s.url.as_deref().or(Some(&s.uri)),
            reply_to: reply_to.as_deref(),
            reply_root: None,
            quote_of: None,
            hashtags: &tags,
            mentions: &ments,
            links: &lks,
            venue: None,
        },
        Key::of(&["post", &id]),
        primary,
        pos,
    );
    let mut derived = |kind: InteractionKind, target_post: Option<&str>, target_account: &str| {
        rows.interactions.push(
            &InteractionRow {
                actor: &author,
                kind,
                channel: MASTODON,
                at,
                target_post,
                target_account: Some(target_account),
                record: Some(&id),
                via: None,
                ends: None,
            },
            Key::of(&[kind.as_str(), &id, target_account]),
            false,
            pos,
        );
    };
    if let (Some(to), Some(acc)) = (&reply_to, &reply_account) {
        derived(InteractionKind::Reply, Some(to), acc);
    }
    for m in &mentions {
        // The replied-to account is auto-mentioned: that is the reply.
        if Some(m) != reply_account.as_ref() {
            derived(InteractionKind::Mention, None, m);
        }
    }
    Ok(())
}

/// A like or boost, keyed by who and what: the same act from a
/// notification and from a `favourited_by` list is one row.
#[allow(clippy::too_many_arguments)]
fn push_engagement(
    rows: &mut Rows,
    kind: InteractionKind,
    actor: &str,
    target: &str,
    target_account: Option<&str>,
    record: Option<&str>,
    at: i64,
    pos: u64,
    primary: bool,
) {
    rows.interactions.push(
        &InteractionRow {
            actor,
            kind,
            channel: MASTODON,
            at,
            target_post: Some(target),
            target_account,
            record,
            via: None,
            ends: None,
        },
        Key::of(&[MASTODON, kind.as_str(), actor, target]),
        primary,
        pos,
    );
}

fn push_follow(rows: &mut Rows, actor: &str, target: &str, at: i64, pos: u64) {
    rows.interactions.push(
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
        Key::of(&[MASTODON, "follow", actor, target]),
        true,
        pos,
    );
}

fn notification(
    n: &Notification,
    pos: u64,
    c: &Context,
    rows: &mut Rows,
    raw: &RawValue,
) -> Result<(), Reject> {
    let at = parse_time(&n.created_at).ok_or_else(|| {
        Reject::new(
            pos,
            "invalid field",
            format!(
                "`created_at` is `{}`, expected an RFC 3339 time",
                n.created_at
            ),
            raw.get().as_bytes(),
        )
    })?;
    let need_status = || {
        n.status.as_ref().ok_or_else(|| {
            Reject::new(
                pos,
                "missing or mistyped field",
                format!("a `{}` notification without its `status`", n.kind),
                raw.get().as_bytes(),
            )
        })
    };
    match n.kind.as_str() {
        "mention" | "status" => {
            let actor = observe(&n.account, at, pos, c, rows, false)?;
            match &n.status {
                Some(s) => status(s, pos, c, rows, true),
                // The status is gone (deleted, or no longer visible to
                // us): the API sends `null`. Who mentioned us, and when,
                // is still known.
                None => {
                    if let (Some(me), "mention") = (&c.subject_account, n.kind.as_str()) {
                        rows.interactions.push(
                            &InteractionRow {
                                actor: &actor,
                                kind: InteractionKind::Mention,
                                channel: MASTODON,
                                at,
                                target_post: None,
                                target_account: Some(me),
                                record: None,
                                via: None,
                                ends: None,
                            },
                            Key::of(&[
                                MASTODON,
                                "mention",
                                &actor,
                                me,
                                n.id.as_deref().unwrap_or(&n.created_at),
                            ]),
                            true,
                            pos,
                        );
                    }
                    Ok(())
                }
            }
        }
        "favourite" | "reblog" => {
            let s = need_status()?;
            let actor = observe(&n.account, at, pos, c, rows, false)?;
            status(s, pos, c, rows, false)?;
            let target_account = account_key(
                &s.account.username,
                &s.account.acct,
                s.account.url.as_deref(),
                c.instance.as_deref(),
            );
            let kind = if n.kind == "favourite" {
                InteractionKind::Like
            } else {
                InteractionKind::Reshare
            };
            push_engagement(
                rows,
                kind,
                &actor,
                &post_id(&s.uri),
                target_account.as_deref(),
                None,
                at,
                pos,
                true,
            );
            Ok(())
        }
        "follow" => {
            let Some(me) = &c.subject_account else {
                return Err(Reject::new(
                    pos,
                    "missing context",
                    "a follow notification does not say who was followed: import the file with `--context notifications=@you@instance`, or collect it with `levain collect mastodon`",
                    raw.get().as_bytes(),
                ));
            };
            let actor = observe(&n.account, at, pos, c, rows, false)?;
            push_follow(rows, &actor, me, at, pos);
            Ok(())
        }
        other => Err(Reject::new(
            pos,
            "unsupported notification type",
            format!(
                "notification type `{other}` is not analysed (levain reads mention, status, favourite, reblog and follow)"
            ),
            raw.get().as_bytes(),
        )),
    }
}

fn account_entity(
    a: &Account,
    pos: u64,
    c: &Context,
    rows: &mut Rows,
    _raw: &RawValue,
) -> Result<(), Reject> {
    let at = c.fetched_at;
    match c.endpoint {
        Endpoint::FavouritedBy | Endpoint::RebloggedBy => {
            let actor = observe(a, at, pos, c, rows, false)?;
            let status = c.subject_status.as_deref().expect("checked before reading");
            let target_account = c.subject_account.clone().or_else(|| author_of_uri(status));
            let kind = if c.endpoint == Endpoint::FavouritedBy {
                InteractionKind::Like
            } else {
                InteractionKind::Reshare
            };
            push_engagement(
                rows,
                kind,
                &actor,
                &post_id(status),
                target_account.as_deref(),
                None,
                at,
                pos,
                true,
            );
        }
        Endpoint::Followers => {
            let actor = observe(a, at, pos, c, rows, false)?;
            let me = c
                .subject_account
                .as_deref()
                .expect("checked before reading");
            push_follow(rows, &actor, me, at, pos);
        }
        Endpoint::Following => {
            let target = observe(a, at, pos, c, rows, false)?;
            let me = c
                .subject_account
                .as_deref()
                .expect("checked before reading");
            push_follow(rows, me, &target, at, pos);
        }
        _ => {
            observe(a, at, pos, c, rows, true)?;
        }
    }
    let _ = &a.id;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_local_and_remote_accounts() {
        assert_eq!(
            account_key(
                "halcy",
                "halcy@icosahedron.website",
                Some("https://icosahedron.website/@halcy"),
                None
            )
            .as_deref(),
            Some("mastodon:@halcy@icosahedron.website")
        );
        assert_eq!(
            account_key(
                "Gargron",
                "Gargron",
                Some("https://mastodon.social/@Gargron"),
                None
            )
            .as_deref(),
            Some("mastodon:@gargron@mastodon.social")
        );
        assert_eq!(
            subject_account("@Me@Example.Social").as_deref(),
            Some("mastodon:@me@example.social")
        );
        assert_eq!(
            author_of_uri("https://mastodon.social/users/Alice/statuses/1").as_deref(),
            Some("mastodon:@alice@mastodon.social")
        );
        assert_eq!(
            Endpoint::of_path("/api/v1/statuses/1/favourited_by?limit=80"),
            Endpoint::FavouritedBy
        );
        assert_eq!(
            Endpoint::of_path("/api/v1/accounts/1/statuses"),
            Endpoint::Statuses
        );
    }

    #[test]
    fn sniff_takes_mastodon_and_leaves_others() {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/mastodon-api/notifications.json");
        if let Ok(b) = std::fs::read(&fixture) {
            assert!(MastodonApi.sniff(&b));
        } else {
            println!("SKIPPED: {} is absent", fixture.display());
        }
        assert!(MastodonApi.sniff(br#"{"levain":"mastodon-api","body":[]}"#));
        assert!(!MastodonApi.sniff(br#"{"did":"did:plc:x","time_us":1,"kind":"commit"}"#));
        assert!(!MastodonApi.sniff(br#"{"post_stream":{"posts":[]}}"#));
    }
}
