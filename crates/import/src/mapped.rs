//! Generic imports: any tool's CSV or NDJSON export, read through a mapping
//! file (`levain import csv FILE --map map.toml`) that says which table the
//! rows go to and which column (CSV) or JSON pointer (NDJSON) holds each of
//! levain's fields:
//!
//! ```toml
//! table = "interactions"        # posts | interactions | follows | accounts
//! channel = "newsletter"        # the channel of every row
//! time_format = "%d/%m/%Y %H:%M" # chrono format; default RFC 3339; or "unix", "unix_ms"
//! [fields]
//! actor = "subscriber"           # CSV column, or "/user/id" for NDJSON
//! at = "clicked at"
//! target_post = "issue"
//! [constants]
//! kind = "view"                  # a field with the same value on every row
//! ```
//!
//! Ids are qualified with the channel (`newsletter:42`) unless they already
//! are. These formats are never autodetected: they must be named, with
//! their map. A bad value rejects its row, naming the line and the column.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use levain_model::InteractionKind;
use levain_model::keys::Key;
use levain_model::rows::{AccountRow, InteractionRow, PostRow, Rows};

use crate::jetstream::parse_time;
use crate::ndjson::{LineFormat, read_lines};
use crate::pointers::Pointers;
use crate::{ImportError, InputFile, Parsed, ReadContext, Reject, Sink, Source};

pub struct MappedCsv;
pub struct MappedNdjson;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    table: String,
    channel: Option<String>,
    time_format: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    constants: BTreeMap<String, String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Posts,
    Interactions,
    Follows,
    Accounts,
}

impl Target {
    /// (required fields, optional fields)
    fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Target::Posts => (
                &["post", "author", "at"],
                &["text", "lang", "url", "reply_to", "channel"],
            ),
            Target::Interactions => (
                &["actor", "kind", "at"],
                &["target_post", "target_account", "record", "channel"],
            ),
            Target::Follows => (&["actor", "target_account", "at"], &["channel"]),
            Target::Accounts => (
                &["account"],
                &["handle", "display_name", "bio", "at", "channel"],
            ),
        }
    }
}

/// A checked map: each field's source, in column order for CSV.
struct Map {
    target: Target,
    channel: Option<String>,
    time_format: Option<String>,
    /// levain field → where its value comes from.
    fields: BTreeMap<String, Src>,
}

enum Src {
    /// A CSV column index (resolved against the header) or an NDJSON pointer.
    Column(String, usize),
    Pointer(String),
    Constant(String),
}

fn load_map(path: &Path, file: &InputFile, csv: bool) -> Result<Map, ImportError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| file.error(format!("cannot read the map {}: {e}", path.display())))?;
    let m: MapFile = toml::from_str(&text)
        .map_err(|e| file.error(format!("the map {}: {e}", path.display())))?;
    let target = match m.table.as_str() {
        "posts" => Target::Posts,
        "interactions" => Target::Interactions,
        "follows" => Target::Follows,
        "accounts" => Target::Accounts,
        other => {
            return Err(file.error(format!(
                "the map {}: table `{other}`; expected posts, interactions, follows or accounts",
                path.display()
            )));
        }
    };
    let (required, optional) = target.fields();
    let mut fields = BTreeMap::new();
    for (k, v) in m
        .fields
        .iter()
        .map(|(k, v)| (k, (v, false)))
        .chain(m.constants.iter().map(|(k, v)| (k, (v, true))))
    {
        if !required.contains(&k.as_str()) && !optional.contains(&k.as_str()) {
            return Err(file.error(format!(
                "the map {}: `{k}` is not a field of {}; its fields are {}",
                path.display(),
                m.table,
                required
                    .iter()
                    .chain(optional)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let src = match v {
            (v, true) => Src::Constant(v.clone()),
            (v, false) if csv => Src::Column(v.clone(), usize::MAX),
            (v, false) if v.starts_with('/') => Src::Pointer(v.clone()),
            (v, false) => Src::Pointer(format!("/{}", v.replace('~', "~0").replace('/', "~1"))),
        };
        fields.insert(k.clone(), src);
    }
    for r in required {
        if !fields.contains_key(*r) {
            return Err(file.error(format!(
                "the map {}: {} rows need `{r}` (in [fields] or [constants])",
                path.display(),
                m.table
            )));
        }
    }
    if m.channel.is_none() && !fields.contains_key("channel") {
        return Err(file.error(format!(
            "the map {}: say which channel the rows are (`channel = \"newsletter\"`)",
            path.display()
        )));
    }
    Ok(Map {
        target,
        channel: m.channel,
        time_format: m.time_format,
        fields,
    })
}

fn need_map<'a>(
    ctx: &ReadContext<'a>,
    file: &InputFile,
    name: &str,
) -> Result<&'a Path, ImportError> {
    ctx.map.ok_or_else(|| {
        file.error(format!(
            "the generic `{name}` format needs a map of your columns: `levain import {name} FILE --map map.toml` (see README, Generic imports)"
        ))
    })
}

impl Source for MappedCsv {
    fn name(&self) -> &'static str {
        "csv"
    }
    fn describe(&self) -> &'static str {
        "any CSV export, with a map of its columns (--map)"
    }
    fn sniff(&self, _head: &[u8]) -> bool {
        false
    }
    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        self.read_with(file, &ReadContext::default(), sink)
    }
    fn read_with(
        &self,
        file: &InputFile,
        ctx: &ReadContext,
        sink: &mut dyn Sink,
    ) -> Result<(), ImportError> {
        let mut map = load_map(need_map(ctx, file, "csv")?, file, true)?;
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(file.reader()?);
        let header: Vec<String> = r
            .headers()
            .map_err(|e| file.error(format!("cannot read the CSV header: {e}")))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        for src in map.fields.values_mut() {
            if let Src::Column(name, idx) = src {
                *idx = header.iter().position(|h| h == name).ok_or_else(|| {
                    file.error(format!(
                        "the map names column `{name}`, which the header does not have (columns: {})",
                        header.join(", ")
                    ))
                })?;
            }
        }
        let mut parsed = Parsed::default();
        let mut rec = csv::StringRecord::new();
        loop {
            match r.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    let line = rec.position().map_or(0, |p| p.line());
                    parsed.records += 1;
                    let get = |f: &str| -> Option<String> {
                        match map.fields.get(f)? {
                            Src::Column(_, i) => rec
                                .get(*i)
                                .map(|v| v.trim().to_owned())
                                .filter(|v| !v.is_empty()),
                            Src::Constant(c) => Some(c.clone()),
                            Src::Pointer(_) => None,
                        }
                    };
                    let raw = rec.iter().collect::<Vec<_>>().join(",");
                    if let Err(r) = row(&map, &get, line, raw.as_bytes(), &mut parsed.rows) {
                        parsed.rejects.push(r);
                    }
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    parsed.records += 1;
                    parsed
                        .rejects
                        .push(Reject::new(line, "malformed CSV", e.to_string(), b""));
                    if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                        break;
                    }
                }
            }
            if parsed.records >= 65_536 {
                sink.accept(std::mem::take(&mut parsed))?;
            }
        }
        sink.accept(parsed)
    }
}

impl Source for MappedNdjson {
    fn name(&self) -> &'static str {
        "ndjson"
    }
    fn describe(&self) -> &'static str {
        "any NDJSON export, with a map of its fields as JSON pointers (--map)"
    }
    fn sniff(&self, _head: &[u8]) -> bool {
        false
    }
    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        self.read_with(file, &ReadContext::default(), sink)
    }
    fn read_with(
        &self,
        file: &InputFile,
        ctx: &ReadContext,
        sink: &mut dyn Sink,
    ) -> Result<(), ImportError> {
        let map = load_map(need_map(ctx, file, "ndjson")?, file, false)?;
        let mut slots = BTreeMap::new();
        let mut pointers = Vec::new();
        for (field, src) in &map.fields {
            if let Src::Pointer(p) = src {
                slots.insert(field.clone(), pointers.len());
                pointers.push(p.as_str());
            }
        }
        let pointers = Pointers::new(&pointers);
        read_lines(
            &Lines {
                map,
                pointers,
                slots,
            },
            file,
            sink,
        )
    }
}

struct Lines {
    map: Map,
    /// The map's pointers, read from each line in one pass.
    pointers: Pointers,
    /// Field → its pointer's index in `pointers`.
    slots: BTreeMap<String, usize>,
}

impl LineFormat for Lines {
    type Scratch = ();
    type Shared = ();
    fn parse_line(
        &self,
        line: &[u8],
        pos: u64,
        rows: &mut Rows,
        _: &mut (),
        _: &(),
    ) -> Result<(), Reject> {
        let reject = |e: serde_json::Error| crate::jetstream::json_reject(pos, &e, line);
        let texts = match std::str::from_utf8(line) {
            Ok(text) => self.pointers.texts(text).map_err(reject)?,
            // Not UTF-8: serde_json says where, as it did for whole values.
            Err(_) => {
                return Err(reject(
                    serde_json::from_slice::<serde_json::Value>(line)
                        .err()
                        .unwrap_or_else(|| serde::de::Error::custom("the line is not UTF-8")),
                ));
            }
        };
        let get = |f: &str| -> Option<String> {
            match self.map.fields.get(f)? {
                Src::Pointer(_) => texts[self.slots[f]].clone(),
                Src::Constant(c) => Some(c.clone()),
                Src::Column(..) => None,
            }
        };
        row(&self.map, &get, pos, line, rows)
    }
}

/// Where a field came from, for messages.
fn source_name(map: &Map, field: &str) -> String {
    match map.fields.get(field) {
        Some(Src::Column(c, _)) => format!("column `{c}`"),
        Some(Src::Pointer(p)) => format!("field `{p}`"),
        Some(Src::Constant(c)) => format!("constant `{c}`"),
        None => format!("`{field}`"),
    }
}

fn row(
    map: &Map,
    get: &dyn Fn(&str) -> Option<String>,
    pos: u64,
    raw: &[u8],
    rows: &mut Rows,
) -> Result<(), Reject> {
    let missing = |f: &str| {
        Reject::new(
            pos,
            "missing field",
            format!("line {pos}: {} ({f}) is empty", source_name(map, f)),
            raw,
        )
    };
    let channel = get("channel")
        .or_else(|| map.channel.clone())
        .ok_or_else(|| missing("channel"))?;
    let id = |v: String| -> String {
        if v.starts_with(&format!("{channel}:")) {
            v
        } else {
            format!("{channel}:{v}")
        }
    };
    let time = |f: &str| -> Result<Option<i64>, Reject> {
        let Some(v) = get(f) else { return Ok(None) };
        parse_with(&v, map.time_format.as_deref())
            .map(Some)
            .ok_or_else(|| {
                Reject::new(
                    pos,
                    "invalid time",
                    format!(
                        "line {pos}: {} is `{v}`, expected {}",
                        source_name(map, f),
                        map.time_format.as_deref().map_or(
                            "an RFC 3339 time (2024-05-01T10:00:00Z)".to_owned(),
                            |t| format!("the map's time_format `{t}`")
                        )
                    ),
                    raw,
                )
            })
    };
    match map.target {
        Target::Posts => {
            let post = id(get("post").ok_or_else(|| missing("post"))?);
            let author = id(get("author").ok_or_else(|| missing("author"))?);
            let at = time("at")?.ok_or_else(|| missing("at"))?;
            let reply_to = get("reply_to").map(id);
            let (text, lang, url) = (get("text"), get("lang"), get("url"));
            rows.posts.push(
                &PostRow {
                    post: &post,
                    channel: &channel,
                    author: &author,
                    at,
                    text: text.as_deref(),
                    lang: lang.as_deref(),
                    url: url.as_deref(),
                    reply_to: reply_to.as_deref(),
                    ..PostRow::default()
                },
                Key::of(&["post", &post]),
                true,
                pos,
            );
        }
        Target::Interactions | Target::Follows => {
            let actor = id(get("actor").ok_or_else(|| missing("actor"))?);
            let kind: InteractionKind = if map.target == Target::Follows {
                InteractionKind::Follow
            } else {
                let k = get("kind").ok_or_else(|| missing("kind"))?;
                k.parse().map_err(|e: levain_model::UnknownKind| {
                    Reject::new(
                        pos,
                        "invalid field",
                        format!("line {pos}: {}: {e}", source_name(map, "kind")),
                        raw,
                    )
                })?
            };
            let at = time("at")?.ok_or_else(|| missing("at"))?;
            let target_post = get("target_post").map(id);
            let target_account = get("target_account").map(id);
            if target_post.is_none() && target_account.is_none() {
                return Err(Reject::new(
                    pos,
                    "missing field",
                    format!("line {pos}: a {kind} names neither target_post nor target_account"),
                    raw,
                ));
            }
            let record = get("record").map(id);
            let at_s = at.to_string();
            let key = match &record {
                Some(r) => Key::of(&[kind.as_str(), r]),
                None => Key::of(&[
                    kind.as_str(),
                    &actor,
                    target_post
                        .as_deref()
                        .or(target_account.as_deref())
                        .unwrap_or(""),
                    &at_s,
                ]),
            };
            rows.interactions.push(
                &InteractionRow {
                    actor: &actor,
                    kind,
                    channel: &channel,
                    at,
                    target_post: target_post.as_deref(),
                    target_account: target_account.as_deref(),
                    record: record.as_deref(),
                    via: None,
                    ends: None,
                },
                key,
                true,
                pos,
            );
        }
        Target::Accounts => {
            let account = id(get("account").ok_or_else(|| missing("account"))?);
            let native = account[channel.len() + 1..].to_owned();
            let (handle, name, bio) = (get("handle"), get("display_name"), get("bio"));
            rows.accounts.push(
                &AccountRow {
                    account: &account,
                    channel: &channel,
                    native_id: &native,
                    handle: handle.as_deref(),
                    display_name: name.as_deref(),
                    bio: bio.as_deref(),
                    observed_at: time("at")?.unwrap_or(0),
                    ..AccountRow::default()
                },
                Key::of(&[
                    "profile",
                    &account,
                    handle.as_deref().unwrap_or(""),
                    name.as_deref().unwrap_or(""),
                    bio.as_deref().unwrap_or(""),
                ]),
                true,
                pos,
            );
        }
    }
    Ok(())
}

/// A time in the map's format: a chrono format (UTC when it has no
/// offset), `unix` seconds, `unix_ms`; RFC 3339 by default.
fn parse_with(v: &str, format: Option<&str>) -> Option<i64> {
    match format {
        None => parse_time(v),
        Some("unix") => v.parse::<f64>().ok().map(|s| (s * 1e6) as i64),
        Some("unix_ms") => v.parse::<i64>().ok().map(|ms| ms * 1000),
        Some(f) => chrono::DateTime::parse_from_str(v, f)
            .map(|t| t.timestamp_micros())
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(v, f).map(|t| t.and_utc().timestamp_micros())
            })
            .or_else(|_| {
                chrono::NaiveDate::parse_from_str(v, f).map(|d| {
                    d.and_hms_opt(0, 0, 0)
                        .expect("midnight")
                        .and_utc()
                        .timestamp_micros()
                })
            })
            .ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_maps_formats() {
        let t = parse_time("2024-05-01T10:00:00Z").unwrap();
        assert_eq!(
            parse_with("01/05/2024 10:00", Some("%d/%m/%Y %H:%M")),
            Some(t)
        );
        assert_eq!(parse_with("1714557600", Some("unix")), Some(t));
        assert_eq!(parse_with("1714557600000", Some("unix_ms")), Some(t));
        assert_eq!(parse_with("2024-05-01T10:00:00Z", None), Some(t));
        assert_eq!(
            parse_with("01/05/2024", Some("%d/%m/%Y")),
            Some(t - 10 * 3_600_000_000)
        );
        assert_eq!(parse_with("yesterday", Some("%d/%m/%Y")), None);
    }
}
