//! Bluesky Jetstream NDJSON: one event a line, as Bluesky's Jetstream service
//! sends them.
//!
//! ```json
//! {"did":"did:plc:…","time_us":1725911162329308,"kind":"commit",
//!  "commit":{"rev":"…","operation":"create","collection":"app.bsky.feed.like",
//!            "rkey":"…","record":{…},"cid":"…"}}
//! ```
//!
//! `kind` is `commit`, `identity` (handle changes) or `account` (status).
//! Commits on `app.bsky.feed.post`, `.like`, `.repost`, `app.bsky.graph.follow`
//! and `app.bsky.actor.profile` become rows; other collections are rejected
//! with a reason. A delete ends its record (a row in `deletions`); a deleted
//! follow is also an `unfollow`, whose target the pipeline resolves from the
//! follow record it ends. Times: a record's `createdAt` when it is a valid
//! RFC 3339 datetime, else the event's `time_us`.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;
use serde_json::value::RawValue;

use levain_model::InteractionKind;
use levain_model::channel::BLUESKY;
use levain_model::keys::Key;
use levain_model::rows::{AccountRow, DeletionRow, InteractionRow, PostRow, Rows};

use crate::ndjson::{LineFormat, read_lines};
use crate::{ImportError, InputFile, Reject, Sink, Source};

pub struct Jetstream;

pub const POST: &str = "app.bsky.feed.post";
pub const LIKE: &str = "app.bsky.feed.like";
pub const REPOST: &str = "app.bsky.feed.repost";
pub const FOLLOW: &str = "app.bsky.graph.follow";
pub const PROFILE: &str = "app.bsky.actor.profile";

impl Source for Jetstream {
    fn name(&self) -> &'static str {
        "bluesky-jetstream"
    }

    fn describe(&self) -> &'static str {
        "Bluesky Jetstream events, one JSON object a line"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        if crate::input::first_byte(head) != Some(b'{') {
            return false;
        }
        let Some(line) = crate::input::first_line(head) else {
            return false;
        };
        #[derive(Deserialize)]
        struct Probe<'a> {
            #[serde(borrow)]
            did: Cow<'a, str>,
            #[allow(dead_code)]
            time_us: serde::de::IgnoredAny,
            #[allow(dead_code)]
            kind: serde::de::IgnoredAny,
        }
        // The first line may be cut by the head limit; look at its keys only.
        match serde_json::from_slice::<Probe>(line) {
            Ok(p) => p.did.starts_with("did:"),
            Err(_) => {
                let s = String::from_utf8_lossy(&line[..line.len().min(4096)]);
                s.trim_start().starts_with('{')
                    && s.contains("\"did\":\"did:")
                    && s.contains("\"time_us\"")
                    && s.contains("\"kind\"")
            }
        }
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read_lines(self, file, sink)
    }
}

/// A borrowed string, copied only when it holds escapes.
#[derive(Deserialize)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow)]
    did: Cow<'a, str>,
    time_us: i64,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    /// Boxed so that serde's moves of the event stay small.
    #[serde(borrow)]
    commit: Option<Box<Commit<'a>>>,
    #[serde(borrow)]
    identity: Option<Identity<'a>>,
    #[serde(borrow)]
    account: Option<AccountEvent<'a>>,
}

/// A commit's record, decoded in the same pass as the event when
/// `collection` comes before `record` (as Jetstream writes them).
enum Record<'a> {
    /// Boxed: a post is several times the size of the other records, and
    /// every record is moved a few times while serde builds the event.
    Post(Box<Post<'a>>),
    Subject(Subject<'a>),
    Follow(Follow<'a>),
    Profile(Profile<'a>),
    /// A collection levain does not read: skipped unparsed.
    Skipped,
    /// `record` came before `collection`: decoded afterwards.
    Raw(&'a RawValue),
}

struct Commit<'a> {
    operation: Cow<'a, str>,
    collection: Cow<'a, str>,
    rkey: Cow<'a, str>,
    record: Option<Record<'a>>,
    cid: Option<Cow<'a, str>>,
    rev: Option<Cow<'a, str>>,
}

/// Decodes the record of a collection into its type, in any serde format
/// (Jetstream's JSON, a repository's DAG-CBOR); the record of a collection
/// levain does not read is skipped unparsed.
struct RecordOf<'c>(&'c str);

impl<'de> serde::de::DeserializeSeed<'de> for RecordOf<'_> {
    type Value = Record<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Record<'de>, D::Error> {
        Ok(match self.0 {
            POST => Record::Post(Deserialize::deserialize(d)?),
            LIKE | REPOST => Record::Subject(Deserialize::deserialize(d)?),
            FOLLOW => Record::Follow(Deserialize::deserialize(d)?),
            PROFILE => Record::Profile(Deserialize::deserialize(d)?),
            _ => {
                serde::de::IgnoredAny::deserialize(d)?;
                Record::Skipped
            }
        })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Commit<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Commit<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Jetstream commit object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<Commit<'a>, M::Error> {
                use serde::de::{Error, IgnoredAny};
                let (mut operation, mut collection, mut rkey) = (None, None, None);
                let (mut record, mut cid, mut rev) = (None, None, None);
                while let Some(Str(k)) = m.next_key::<Str<'de>>()? {
                    match k.as_ref() {
                        "operation" => operation = Some(m.next_value::<Str<'a>>()?.0),
                        "collection" => collection = Some(m.next_value::<Str<'a>>()?.0),
                        "rkey" => rkey = Some(m.next_value::<Str<'a>>()?.0),
                        "cid" => cid = m.next_value::<Option<Str<'a>>>()?.map(|s| s.0),
                        "rev" => rev = m.next_value::<Option<Str<'a>>>()?.map(|s| s.0),
                        "record" => {
                            record = Some(match collection.as_deref() {
                                Some(c) => m.next_value_seed(RecordOf(c))?,
                                None => Record::Raw(m.next_value()?),
                            })
                        }
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Commit {
                    operation: operation.ok_or_else(|| M::Error::missing_field("operation"))?,
                    collection: collection.ok_or_else(|| M::Error::missing_field("collection"))?,
                    rkey: rkey.ok_or_else(|| M::Error::missing_field("rkey"))?,
                    record,
                    cid,
                    rev,
                })
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct Identity<'a> {
    #[serde(borrow)]
    handle: Option<Cow<'a, str>>,
    seq: Option<i64>,
    #[serde(borrow)]
    time: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct AccountEvent<'a> {
    active: bool,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    seq: Option<i64>,
    #[serde(borrow)]
    time: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct StrongRef<'a> {
    #[serde(borrow)]
    uri: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Subject<'a> {
    #[serde(borrow)]
    subject: StrongRef<'a>,
    #[serde(borrow)]
    created_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    via: Option<StrongRef<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Follow<'a> {
    #[serde(borrow)]
    subject: Cow<'a, str>,
    #[serde(borrow)]
    created_at: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Profile<'a> {
    #[serde(borrow)]
    display_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow)]
    created_at: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Post<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(borrow)]
    created_at: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    langs: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    reply: Option<Reply<'a>>,
    #[serde(borrow)]
    embed: Option<Embed<'a>>,
    #[serde(borrow, default)]
    facets: Vec<Facet<'a>>,
    #[serde(borrow, default)]
    tags: Vec<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Reply<'a> {
    #[serde(borrow)]
    parent: StrongRef<'a>,
    #[serde(borrow)]
    root: StrongRef<'a>,
}

#[derive(Deserialize)]
struct Embed<'a> {
    #[serde(rename = "$type", borrow)]
    kind: Option<Cow<'a, str>>,
    /// `app.bsky.embed.record`: a strongRef; `recordWithMedia`: {record: strongRef}.
    #[serde(borrow)]
    record: Option<EmbedRecord<'a>>,
    #[serde(borrow)]
    external: Option<External<'a>>,
}

/// What `embed.record` says about a quote, read leniently (a quote of an
/// unexpected shape is no quote, not a reject) and from JSON or DAG-CBOR
/// alike: the `uri` of a strongRef (`app.bsky.embed.record`) and the `uri`
/// of the strongRef under `record` (`…recordWithMedia`). A `uri` that is
/// not a string, or given twice, counts as absent.
#[derive(Default)]
struct EmbedRecord<'a> {
    uri: Option<Cow<'a, str>>,
    record_uri: Option<Cow<'a, str>>,
}

/// A map's `uri` and, one level down, `record.uri`, or nothing for any
/// other value (which is skipped whole).
struct Lenient<'a> {
    /// Whether to look into `record` (only at the top).
    nested: bool,
    _p: std::marker::PhantomData<&'a ()>,
}

/// Visitor methods that take a scalar of the listed types and answer
/// `$value` (what a lenient visitor makes of a value it does not want).
macro_rules! lenient_scalars {
    ($value:expr; $($f:ident: $t:ty),*) => {
        $(fn $f<E: serde::de::Error>(self, _: $t) -> Result<Self::Value, E> {
            Ok($value)
        })*
    };
}

impl<'de: 'a, 'a> serde::de::Visitor<'de> for Lenient<'a> {
    type Value = EmbedRecord<'a>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any value")
    }
    lenient_scalars!(EmbedRecord::default(); visit_bool: bool, visit_i64: i64, visit_u64: u64,
        visit_i128: i128, visit_u128: u128, visit_f64: f64, visit_str: &str, visit_bytes: &[u8]);
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(EmbedRecord::default())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(EmbedRecord::default())
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<Self::Value, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(EmbedRecord::default())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(EmbedRecord::default())
    }
    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut m: M) -> Result<Self::Value, M::Error> {
        let mut out = EmbedRecord::default();
        let (mut uris, mut records) = (0, 0);
        while let Some(Str(k)) = m.next_key::<Str<'de>>()? {
            match k.as_ref() {
                "uri" => {
                    uris += 1;
                    out.uri = m.next_value::<LenientStr<'a>>()?.0;
                }
                "record" if self.nested => {
                    records += 1;
                    out.record_uri = m
                        .next_value_seed(LenientSeed(std::marker::PhantomData))?
                        .uri;
                }
                _ => {
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        // A field given twice made the strict decoder fail: no quote.
        if uris > 1 {
            out.uri = None;
        }
        if records > 1 {
            out.record_uri = None;
        }
        Ok(out)
    }
}

/// [`Lenient`] one level down (no `record` in a `record`).
struct LenientSeed<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> serde::de::DeserializeSeed<'de> for LenientSeed<'a> {
    type Value = EmbedRecord<'a>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(Lenient {
            nested: false,
            _p: std::marker::PhantomData,
        })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for EmbedRecord<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Lenient {
            nested: true,
            _p: std::marker::PhantomData,
        })
    }
}

/// A string, or None for any other value (skipped whole).
struct LenientStr<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for LenientStr<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = LenientStr<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Owned(v))))
            }
            lenient_scalars!(LenientStr(None); visit_bool: bool, visit_i64: i64,
                visit_u64: u64, visit_i128: i128, visit_u128: u128, visit_f64: f64,
                visit_bytes: &[u8]);
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientStr(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientStr(None))
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                LenientStr::deserialize(d)
            }
            fn visit_newtype_struct<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                serde::de::IgnoredAny::deserialize(d)?;
                Ok(LenientStr(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(LenientStr(None))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<Self::Value, M::Error> {
                while m
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(LenientStr(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct External<'a> {
    #[serde(borrow)]
    uri: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Facet<'a> {
    #[serde(borrow, default)]
    features: Vec<Feature<'a>>,
}

#[derive(Deserialize)]
struct Feature<'a> {
    #[serde(rename = "$type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    did: Option<Cow<'a, str>>,
    #[serde(borrow)]
    uri: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tag: Option<Cow<'a, str>>,
}

/// Accounts whose "seen" row this file already produced: a lossy, lock-free
/// table of 64-bit hashes shared by the parsing threads. A miss only means a
/// duplicate row, which the store's key index drops; a hit is exact.
pub struct SeenAccounts(Box<[AtomicU64]>);

const SEEN_SLOTS: usize = 1 << 20;

impl Default for SeenAccounts {
    fn default() -> Self {
        SeenAccounts((0..SEEN_SLOTS).map(|_| AtomicU64::new(0)).collect())
    }
}

/// An account's place in [`SeenAccounts`], being fetched into the cache.
pub(crate) struct Probe(u64);

impl SeenAccounts {
    /// Starts loading `account`'s slot: the table is too big for the
    /// caches, and a line's other work can hide the wait for memory if
    /// the slot is asked for early and looked at last.
    pub(crate) fn probe(&self, account: &str) -> Probe {
        let h = xxhash_rust::xxh3::xxh3_64(account.as_bytes()) | 1;
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let slot: *const AtomicU64 = &self.0[h as usize & (SEEN_SLOTS - 1)];
            // SAFETY: SSE is part of x86_64, and a prefetch reads nothing
            // and never faults, whatever the address.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(slot.cast()) };
        }
        Probe(h)
    }

    /// Whether the account of `probe` is seen for the first time (a
    /// lossy answer: see [`SeenAccounts`]).
    pub(crate) fn first_time_at(&self, probe: Probe) -> bool {
        let h = probe.0;
        let slot = &self.0[h as usize & (SEEN_SLOTS - 1)];
        if slot.load(Ordering::Relaxed) == h {
            return false;
        }
        slot.store(h, Ordering::Relaxed);
        true
    }
}

/// Reusable string buffers, so ids are built without allocating.
#[derive(Default)]
pub struct Buffers {
    account: String,
    record: String,
    target: String,
    target_account: String,
    via: String,
}

/// `bluesky:` + `s`, into `buf`.
fn prefixed<'b>(buf: &'b mut String, s: &str) -> &'b str {
    buf.clear();
    buf.push_str(BLUESKY);
    buf.push(':');
    buf.push_str(s);
    buf
}

impl LineFormat for Jetstream {
    type Scratch = Buffers;
    type Shared = SeenAccounts;

    fn parse_line(
        &self,
        line: &[u8],
        pos: u64,
        rows: &mut Rows,
        buf: &mut Buffers,
        seen: &SeenAccounts,
    ) -> Result<(), Reject> {
        // One UTF-8 check for the whole line (fast on ASCII); parsing from
        // a &str then skips serde_json's check of every string.
        let text = std::str::from_utf8(line).map_err(|e| {
            Reject::new(
                pos,
                "invalid encoding",
                format!("not UTF-8: {e}; Jetstream lines are UTF-8 JSON"),
                line,
            )
        })?;
        let ev: Event = serde_json::from_str(text).map_err(|e| json_reject(pos, &e, line))?;
        if !ev.did.starts_with("did:") {
            return Err(Reject::new(
                pos,
                "invalid field",
                format!("`did` is `{}`, expected a DID such as did:plc:…", ev.did),
                line,
            ));
        }
        // Taken out of `buf` so that `buf` stays free for the other ids.
        let mut account_buf = std::mem::take(&mut buf.account);
        let account = prefixed(&mut account_buf, &ev.did);
        let probe = seen.probe(account);
        match ev.kind.as_ref() {
            "commit" => {
                let Some(c) = ev.commit else {
                    return Err(missing(pos, "commit", "a commit event", line));
                };
                commit(&ev.did, account, ev.time_us, *c, pos, rows, buf, line)?;
            }
            "identity" => {
                let Some(i) = ev.identity else {
                    return Err(missing(pos, "identity", "an identity event", line));
                };
                let at = i.time.as_deref().and_then(parse_time).unwrap_or(ev.time_us);
                let seq = i.seq.unwrap_or(ev.time_us).to_string();
                rows.accounts.push(
                    &AccountRow {
                        account,
                        channel: BLUESKY,
                        native_id: &ev.did,
                        handle: i.handle.as_deref(),
                        observed_at: at,
                        ..AccountRow::default()
                    },
                    Key::of(&["identity", account, &seq]),
                    true,
                    pos,
                );
            }
            "account" => {
                let Some(a) = ev.account else {
                    return Err(missing(pos, "account", "an account event", line));
                };
                let at = a.time.as_deref().and_then(parse_time).unwrap_or(ev.time_us);
                let seq = a.seq.unwrap_or(ev.time_us).to_string();
                let status = if a.active {
                    "active"
                } else {
                    a.status.as_deref().unwrap_or("inactive")
                };
                rows.accounts.push(
                    &AccountRow {
                        account,
                        channel: BLUESKY,
                        native_id: &ev.did,
                        status: Some(status),
                        observed_at: at,
                        ..AccountRow::default()
                    },
                    Key::of(&["account", account, &seq]),
                    true,
                    pos,
                );
            }
            other => {
                return Err(Reject::new(
                    pos,
                    "unsupported event kind",
                    format!("`kind` is `{other}`, expected commit, identity or account"),
                    line,
                ));
            }
        }
        if seen.first_time_at(probe) {
            rows.accounts.push(
                &AccountRow {
                    account,
                    channel: BLUESKY,
                    native_id: &ev.did,
                    observed_at: ev.time_us,
                    ..AccountRow::default()
                },
                Key::of(&["seen", account]),
                false,
                pos,
            );
        }
        buf.account = account_buf;
        Ok(())
    }
}

/// One record of a repository as a Jetstream `create` commit would carry it:
/// the same rows under the same keys, so a repository export (CAR) or a
/// collected page and the Jetstream events of the same records are never
/// counted twice. `record` is the record's JSON; `time_us` dates records
/// without a valid `createdAt` and profile observations.
#[allow(clippy::too_many_arguments)]
pub(crate) fn repo_record(
    did: &str,
    account: &str,
    time_us: i64,
    collection: &str,
    rkey: &str,
    record: &RawValue,
    cid: &str,
    pos: u64,
    rows: &mut Rows,
    buf: &mut Buffers,
) -> Result<(), Reject> {
    let c = Commit {
        operation: Cow::Borrowed("create"),
        collection: Cow::Borrowed(collection),
        rkey: Cow::Borrowed(rkey),
        record: Some(Record::Raw(record)),
        cid: Some(Cow::Borrowed(cid)),
        rev: None,
    };
    commit(
        did,
        account,
        time_us,
        c,
        pos,
        rows,
        buf,
        record.get().as_bytes(),
    )
}

/// A repository record decoded from DAG-CBOR (a CAR's block) straight into
/// the types Jetstream's JSON records decode into.
pub(crate) struct CborRecord<'a>(Record<'a>);

impl<'a> CborRecord<'a> {
    /// The record of a collection levain reads, when it has the lexicon's
    /// shape; None otherwise (the caller then goes the JSON way, whose
    /// rejects say what is wrong).
    pub(crate) fn decode(collection: &str, cbor: &'a [u8]) -> Option<CborRecord<'a>> {
        use serde::de::DeserializeSeed;
        let mut de = serde_ipld_dagcbor::de::Deserializer::from_slice(cbor);
        match RecordOf(collection).deserialize(&mut de).ok()? {
            Record::Skipped => None,
            record => de.end().ok().map(|()| CborRecord(record)),
        }
    }
}

/// [`repo_record`] of a record [`CborRecord::decode`] read. `cid` is the
/// record's CID, which only profiles use (in their key).
#[allow(clippy::too_many_arguments)]
pub(crate) fn repo_record_cbor(
    did: &str,
    account: &str,
    time_us: i64,
    collection: &str,
    rkey: &str,
    record: CborRecord,
    cid: Option<&str>,
    pos: u64,
    rows: &mut Rows,
    buf: &mut Buffers,
) -> Result<(), Reject> {
    let c = Commit {
        operation: Cow::Borrowed("create"),
        collection: Cow::Borrowed(collection),
        rkey: Cow::Borrowed(rkey),
        record: Some(record.0),
        cid: cid.map(Cow::Borrowed),
        rev: None,
    };
    // A decoded record of a collection levain reads is never rejected.
    commit(did, account, time_us, c, pos, rows, buf, b"")
}

/// The "seen" observation Jetstream gives an account on its first event.
pub(crate) fn seen_account(did: &str, account: &str, time_us: i64, pos: u64, rows: &mut Rows) {
    rows.accounts.push(
        &AccountRow {
            account,
            channel: BLUESKY,
            native_id: did,
            observed_at: time_us,
            ..AccountRow::default()
        },
        Key::of(&["seen", account]),
        false,
        pos,
    );
}

pub(crate) fn json_reject(pos: u64, e: &serde_json::Error, line: &[u8]) -> Reject {
    use serde_json::error::Category;
    let (class, hint) = match e.classify() {
        Category::Eof => (
            "truncated record",
            " (the line ends mid-record; was the file cut short?)",
        ),
        Category::Syntax => ("malformed JSON", ""),
        Category::Data => ("missing or mistyped field", ""),
        Category::Io => ("malformed JSON", ""),
    };
    Reject::new(pos, class, format!("{e}{hint}"), line)
}

fn missing(pos: u64, field: &str, what: &str, line: &[u8]) -> Reject {
    Reject::new(
        pos,
        "missing or mistyped field",
        format!("missing field `{field}` for {what}"),
        line,
    )
}

/// RFC 3339 to microseconds, or None.
pub fn parse_time(s: &str) -> Option<i64> {
    parse_utc_fast(s.as_bytes()).or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp_micros())
    })
}

/// The shape nearly every record uses, `2024-09-09T19:46:02.102Z` (any
/// number of fraction digits, `Z`), decoded by hand: chrono's general
/// parser was a tenth of the whole import time. Anything else returns None
/// and goes to chrono.
fn parse_utc_fast(b: &[u8]) -> Option<i64> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let (frac, rest) = match b[19] {
        b'.' => {
            let digits = b[20..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            let mut micros = 0i64;
            for i in 0..6 {
                let d = if i < digits {
                    i64::from(b[20 + i] - b'0')
                } else {
                    0
                };
                micros = micros * 10 + d;
            }
            (micros, &b[20 + digits..])
        }
        _ => (0, &b[19..]),
    };
    if rest != b"Z" {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    if day > days_in_month(year, month) {
        return None;
    }
    Some(((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + frac)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The DID (or handle) an `at://` URI names.
fn uri_authority(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("at://")?;
    let end = rest.find('/').unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn record_reject(pos: u64, collection: &str, e: serde_json::Error, line: &[u8]) -> Reject {
    Reject::new(
        pos,
        "missing or mistyped field",
        format!("{collection} record: {e}"),
        line,
    )
}

/// Decodes a record that came before its collection in the commit.
fn decode_raw<'a>(
    collection: &str,
    raw: &'a RawValue,
    pos: u64,
    line: &[u8],
) -> Result<Record<'a>, Reject> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(raw.get());
    RecordOf(collection)
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r))
        .map_err(|e| record_reject(pos, collection, e, line))
}

#[allow(clippy::too_many_arguments)]
fn commit(
    did: &str,
    account: &str,
    time_us: i64,
    c: Commit,
    pos: u64,
    rows: &mut Rows,
    buf: &mut Buffers,
    line: &[u8],
) -> Result<(), Reject> {
    let collection = c.collection.as_ref();
    let kind = match collection {
        POST => "post",
        LIKE => "like",
        REPOST => "reshare",
        FOLLOW => "follow",
        PROFILE => "profile",
        other => {
            return Err(Reject::new(
                pos,
                "unsupported collection",
                format!(
                    "collection `{other}` is not analysed (levain reads {POST}, {LIKE}, {REPOST}, {FOLLOW} and {PROFILE})"
                ),
                line,
            ));
        }
    };
    let record_id = {
        let b = &mut buf.record;
        b.clear();
        b.push_str(BLUESKY);
        b.push_str(":at://");
        b.push_str(did);
        b.push('/');
        b.push_str(collection);
        b.push('/');
        b.push_str(&c.rkey);
        b.as_str()
    };
    match c.operation.as_ref() {
        "delete" => {
            rows.deletions.push(
                &DeletionRow {
                    record: record_id,
                    channel: BLUESKY,
                    actor: account,
                    kind,
                    at: time_us,
                },
                Key::of(&["delete", record_id]),
                collection != FOLLOW,
                pos,
            );
            if collection == FOLLOW {
                // The target is resolved by the pipeline from the follow record.
                rows.unresolved_unfollows.push(
                    &InteractionRow {
                        actor: account,
                        kind: InteractionKind::Unfollow,
                        channel: BLUESKY,
                        at: time_us,
                        target_post: None,
                        target_account: None,
                        record: None,
                        via: None,
                        ends: Some(record_id),
                    },
                    Key::of(&["unfollow", record_id]),
                    true,
                    pos,
                );
            }
            Ok(())
        }
        "create" | "update" => {
            let record = match c.record {
                None => return Err(missing(pos, "record", "a create or update commit", line)),
                Some(Record::Raw(raw)) => decode_raw(collection, raw, pos, line)?,
                Some(r) => r,
            };
            match record {
                Record::Subject(r) => {
                    let at = r
                        .created_at
                        .as_deref()
                        .and_then(parse_time)
                        .unwrap_or(time_us);
                    let target = prefixed(&mut buf.target, &r.subject.uri);
                    let target_account = match uri_authority(&r.subject.uri) {
                        Some(a) => Some(prefixed(&mut buf.target_account, a)),
                        None => None,
                    };
                    let via = match &r.via {
                        Some(v) => Some(prefixed(&mut buf.via, &v.uri)),
                        None => None,
                    };
                    let kind = if collection == LIKE {
                        InteractionKind::Like
                    } else {
                        InteractionKind::Reshare
                    };
                    rows.interactions.push(
                        &InteractionRow {
                            actor: account,
                            kind,
                            channel: BLUESKY,
                            at,
                            target_post: Some(target),
                            target_account,
                            record: Some(record_id),
                            via,
                            ends: None,
                        },
                        Key::of(&[kind.as_str(), record_id]),
                        true,
                        pos,
                    );
                }
                Record::Follow(r) => {
                    let at = r
                        .created_at
                        .as_deref()
                        .and_then(parse_time)
                        .unwrap_or(time_us);
                    let target = prefixed(&mut buf.target_account, &r.subject);
                    rows.interactions.push(
                        &InteractionRow {
                            actor: account,
                            kind: InteractionKind::Follow,
                            channel: BLUESKY,
                            at,
                            target_post: None,
                            target_account: Some(target),
                            record: Some(record_id),
                            via: None,
                            ends: None,
                        },
                        Key::of(&["follow", record_id]),
                        true,
                        pos,
                    );
                }
                Record::Profile(r) => {
                    let version = c.cid.as_deref().or(c.rev.as_deref()).unwrap_or("");
                    let time = time_us.to_string();
                    rows.accounts.push(
                        &AccountRow {
                            account,
                            channel: BLUESKY,
                            native_id: did,
                            display_name: r.display_name.as_deref(),
                            bio: r.description.as_deref(),
                            created_at: r.created_at.as_deref().and_then(parse_time),
                            observed_at: time_us,
                            ..AccountRow::default()
                        },
                        Key::of(&["profile", record_id, version, &time]),
                        true,
                        pos,
                    );
                }
                Record::Post(r) => {
                    let record_id = record_id.to_owned();
                    post(did, account, time_us, &record_id, &c.rkey, *r, pos, rows);
                }
                Record::Skipped | Record::Raw(_) => unreachable!("collection checked above"),
            }
            Ok(())
        }
        other => Err(Reject::new(
            pos,
            "invalid field",
            format!("`commit.operation` is `{other}`, expected create, update or delete"),
            line,
        )),
    }
}

/// The record a quote embeds, from `app.bsky.embed.record` or `…recordWithMedia`.
fn quoted_uri(embed: &Embed) -> Option<String> {
    let kind = embed.kind.as_deref()?;
    let record = embed.record.as_ref()?;
    match kind {
        "app.bsky.embed.record" => record.uri.as_deref().map(str::to_owned),
        "app.bsky.embed.recordWithMedia" => record.record_uri.as_deref().map(str::to_owned),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn post(
    did: &str,
    account: &str,
    time_us: i64,
    post_id: &str,
    rkey: &str,
    r: Post,
    pos: u64,
    rows: &mut Rows,
) {
    let at = r
        .created_at
        .as_deref()
        .and_then(parse_time)
        .unwrap_or(time_us);
    let mut hashtags: Vec<String> = Vec::new();
    let mut mentions: Vec<String> = Vec::new();
    let mut links: Vec<String> = Vec::new();
    for f in r.facets.iter().flat_map(|f| &f.features) {
        match f.kind.as_ref() {
            "app.bsky.richtext.facet#tag" => {
                if let Some(t) = &f.tag {
                    hashtags.push(t.to_lowercase());
                }
            }
            "app.bsky.richtext.facet#mention" => {
                if let Some(d) = &f.did {
                    mentions.push(format!("{BLUESKY}:{d}"));
                }
            }
            "app.bsky.richtext.facet#link" => {
                if let Some(u) = &f.uri {
                    links.push(u.to_string());
                }
            }
            _ => {}
        }
    }
    hashtags.extend(r.tags.iter().map(|t| t.to_lowercase()));
    hashtags.sort();
    hashtags.dedup();
    mentions.sort();
    mentions.dedup();
    let quote = r.embed.as_ref().and_then(quoted_uri);
    if let Some(ext) = r.embed.as_ref().and_then(|e| e.external.as_ref())
        && !links.iter().any(|l| l == ext.uri.as_ref())
    {
        links.push(ext.uri.to_string());
    }
    let reply_to = r
        .reply
        .as_ref()
        .map(|x| format!("{BLUESKY}:{}", x.parent.uri));
    let reply_root = r
        .reply
        .as_ref()
        .map(|x| format!("{BLUESKY}:{}", x.root.uri));
    let quote_of = quote.as_ref().map(|q| format!("{BLUESKY}:{q}"));
    let url = format!("https://bsky.app/profile/{did}/post/{rkey}");
    let tag_refs: Vec<&str> = hashtags.iter().map(String::as_str).collect();
    let mention_refs: Vec<&str> = mentions.iter().map(String::as_str).collect();
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
    rows.posts.push(
        &PostRow {
            post: post_id,
            channel: BLUESKY,
            author: account,
            at,
            text: Some(&r.text),
            lang: r.langs.first().map(|l| l.as_ref()),
            url: Some(&url),
            reply_to: reply_to.as_deref(),
            reply_root: reply_root.as_deref(),
            quote_of: quote_of.as_deref(),
            hashtags: &tag_refs,
            mentions: &mention_refs,
            links: &link_refs,
            venue: None,
        },
        Key::of(&["post", post_id]),
        true,
        pos,
    );
    let mut derived = |kind: InteractionKind, target_post: Option<&str>, target_account: &str| {
        rows.interactions.push(
            &InteractionRow {
                actor: account,
                kind,
                channel: BLUESKY,
                at,
                target_post,
                target_account: Some(target_account),
                record: Some(post_id),
                via: None,
                ends: None,
            },
            Key::of(&[kind.as_str(), post_id, target_account]),
            false,
            pos,
        );
    };
    if let (Some(x), Some(to)) = (&r.reply, &reply_to)
        && let Some(a) = uri_authority(&x.parent.uri)
    {
        derived(InteractionKind::Reply, Some(to), &format!("{BLUESKY}:{a}"));
    }
    if let (Some(q), Some(of)) = (&quote, &quote_of)
        && let Some(a) = uri_authority(q)
    {
        derived(InteractionKind::Quote, Some(of), &format!("{BLUESKY}:{a}"));
    }
    for m in &mentions {
        derived(InteractionKind::Mention, None, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_time_parser_agrees_with_chrono() {
        let chrono_micros = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| t.timestamp_micros())
        };
        let mut t: i64 = -86_400_000_000 * 800; // 1967
        for i in 0..20_000i64 {
            t += 3_600_000_000 * 13 + 1_234_567 * i;
            let dt = chrono::DateTime::from_timestamp_micros(t).unwrap();
            for s in [
                dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                dt.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
                dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                dt.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string(),
            ] {
                assert_eq!(parse_utc_fast(s.as_bytes()), chrono_micros(&s), "{s}");
            }
        }
        for s in [
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.Z",
        ] {
            assert_eq!(parse_utc_fast(s.as_bytes()), None, "{s}");
        }
        assert_eq!(
            parse_utc_fast(b"2024-02-29T12:00:00Z"),
            chrono_micros("2024-02-29T12:00:00Z")
        );
        // Offsets are left to chrono.
        assert_eq!(
            parse_time("2024-01-01T01:00:00+01:00"),
            parse_time("2024-01-01T00:00:00Z")
        );
    }

    #[test]
    fn uri_authority_takes_the_did() {
        assert_eq!(
            uri_authority("at://did:plc:abc/app.bsky.feed.post/1"),
            Some("did:plc:abc")
        );
        assert_eq!(uri_authority("https://x"), None);
        assert_eq!(uri_authority("at:///x"), None);
    }

    #[test]
    fn sniff_accepts_jetstream_and_refuses_other_json() {
        let j = br#"{"did":"did:plc:x","time_us":1,"kind":"commit","commit":{}}"#;
        assert!(Jetstream.sniff(j));
        assert!(!Jetstream.sniff(br#"{"id":"1","created_at":"x"}"#));
        assert!(!Jetstream.sniff(b"channel,name,start\n"));
        assert!(!Jetstream.sniff(b""));
    }
}
