//! Writes events in Bluesky's Jetstream JSON, one a line.

use std::io::{self, BufWriter, Write};

use crate::ids::{cid, tid};

pub const POST: &str = "app.bsky.feed.post";
pub const LIKE: &str = "app.bsky.feed.like";
pub const REPOST: &str = "app.bsky.feed.repost";
pub const FOLLOW: &str = "app.bsky.graph.follow";
pub const PROFILE: &str = "app.bsky.actor.profile";

/// A post about to be written.
pub struct PostSpec<'a> {
    pub text: &'a str,
    pub lang: &'a str,
    /// Byte range of `#tag` in `text`, and the tag.
    pub hashtag: Option<(usize, usize, &'a str)>,
    /// Byte range of `@handle` in `text`, and the mentioned DID.
    pub mention: Option<(usize, usize, &'a str)>,
    /// Byte range of a URL in `text`, and the URL.
    pub link: Option<(usize, usize, &'a str)>,
    /// (parent URI, root URI).
    pub reply: Option<(&'a str, &'a str)>,
    pub quote: Option<&'a str>,
}

pub struct EventWriter<W: Write> {
    w: BufWriter<W>,
    buf: Vec<u8>,
    bytes: u64,
    day: i64,
    date: String,
}

fn uri(did: &str, collection: &str, rkey: &str) -> String {
    format!("at://{did}/{collection}/{rkey}")
}

impl<W: Write> EventWriter<W> {
    pub fn new(inner: W, _seed: u64) -> Self {
        EventWriter {
            w: BufWriter::with_capacity(1 << 20, inner),
            buf: Vec::with_capacity(4096),
            bytes: 0,
            day: i64::MIN,
            date: String::new(),
        }
    }

    /// Flushes and returns the bytes written.
    pub fn finish(mut self) -> io::Result<u64> {
        self.w.flush()?;
        Ok(self.bytes)
    }

    /// `2024-05-25T14:23:28.778Z` for `t` in microseconds.
    fn datetime(&mut self, t: i64) -> String {
        const DAY: i64 = 86_400_000_000;
        let day = t.div_euclid(DAY);
        if day != self.day {
            self.day = day;
            self.date = chrono::DateTime::from_timestamp_micros(day * DAY)
                .expect("time in range")
                .format("%Y-%m-%d")
                .to_string();
        }
        let in_day = t.rem_euclid(DAY) / 1000;
        let (h, m, s, ms) = (
            in_day / 3_600_000,
            in_day / 60_000 % 60,
            in_day / 1000 % 60,
            in_day % 1000,
        );
        format!("{}T{h:02}:{m:02}:{s:02}.{ms:03}Z", self.date)
    }

    fn string(&mut self, s: &str) {
        serde_json::to_writer(&mut self.buf, s).expect("writing to a Vec");
    }

    fn head(&mut self, did: &str, t: i64, kind: &str) {
        self.buf.clear();
        // Jetstream stamps events when it sees them, a little after creation.
        let seen = t + 250_000;
        write!(
            self.buf,
            r#"{{"did":"{did}","time_us":{seen},"kind":"{kind}""#
        )
        .unwrap();
    }

    fn commit_head(
        &mut self,
        did: &str,
        t: i64,
        clock: u64,
        op: &str,
        collection: &str,
        rkey: &str,
    ) {
        self.head(did, t, "commit");
        let rev = tid(t + 250_000, clock);
        write!(
            self.buf,
            r#","commit":{{"rev":"{rev}","operation":"{op}","collection":"{collection}","rkey":"{rkey}""#
        )
        .unwrap();
    }

    fn end(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.bytes += self.buf.len() as u64;
        self.w.write_all(&self.buf)
    }

    fn close_record(&mut self, record_uri: &str) -> io::Result<()> {
        let c = cid(record_uri.as_bytes());
        write!(self.buf, r#"}},"cid":"{c}"}}}}"#).unwrap();
        self.end()
    }

    pub fn identity(&mut self, did: &str, handle: &str, t: i64, seq: u64) -> io::Result<()> {
        self.head(did, t, "identity");
        let time = self.datetime(t);
        write!(self.buf, r#","identity":{{"did":"{did}","handle":"#).unwrap();
        self.string(handle);
        write!(self.buf, r#","seq":{seq},"time":"{time}"}}}}"#).unwrap();
        self.end()
    }

    pub fn profile(
        &mut self,
        did: &str,
        t: i64,
        clock: u64,
        name: &str,
        bio: &str,
    ) -> io::Result<()> {
        self.commit_head(did, t, clock, "create", PROFILE, "self");
        let at = self.datetime(t);
        write!(
            self.buf,
            r#","record":{{"$type":"{PROFILE}","createdAt":"{at}","description":"#
        )
        .unwrap();
        self.string(bio);
        self.buf.extend_from_slice(br#","displayName":"#);
        self.string(name);
        self.close_record(&uri(did, PROFILE, "self"))
    }

    /// Writes a post; returns its URI.
    pub fn post(&mut self, did: &str, t: i64, clock: u64, p: &PostSpec) -> io::Result<String> {
        let rkey = tid(t, clock);
        let me = uri(did, POST, &rkey);
        self.commit_head(did, t, clock, "create", POST, &rkey);
        let at = self.datetime(t);
        write!(
            self.buf,
            r#","record":{{"$type":"{POST}","createdAt":"{at}""#
        )
        .unwrap();
        if let Some(q) = p.quote {
            let c = cid(q.as_bytes());
            write!(
                self.buf,
                r#","embed":{{"$type":"app.bsky.embed.record","record":{{"cid":"{c}","uri":"{q}"}}}}"#
            )
            .unwrap();
        }
        let facets: Vec<String> = [
            p.hashtag.map(|(a, b, tag)| {
                let mut s = String::from(r#"{"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"#);
                s.push_str(&serde_json::to_string(tag).unwrap());
                s.push_str(&format!(r#"}}],"index":{{"byteEnd":{b},"byteStart":{a}}}}}"#));
                s
            }),
            p.mention.map(|(a, b, m)| {
                format!(
                    r#"{{"features":[{{"$type":"app.bsky.richtext.facet#mention","did":"{m}"}}],"index":{{"byteEnd":{b},"byteStart":{a}}}}}"#
                )
            }),
            p.link.map(|(a, b, u)| {
                format!(
                    r#"{{"features":[{{"$type":"app.bsky.richtext.facet#link","uri":{}}}],"index":{{"byteEnd":{b},"byteStart":{a}}}}}"#,
                    serde_json::to_string(u).unwrap()
                )
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !facets.is_empty() {
            write!(self.buf, r#","facets":[{}]"#, facets.join(",")).unwrap();
        }
        write!(self.buf, r#","langs":["{}"]"#, p.lang).unwrap();
        if let Some((parent, root)) = p.reply {
            let (pc, rc) = (cid(parent.as_bytes()), cid(root.as_bytes()));
            write!(
                self.buf,
                r#","reply":{{"parent":{{"cid":"{pc}","uri":"{parent}"}},"root":{{"cid":"{rc}","uri":"{root}"}}}}"#
            )
            .unwrap();
        }
        self.buf.extend_from_slice(br#","text":"#);
        self.string(p.text);
        self.close_record(&me)?;
        Ok(me)
    }

    /// A like or a repost of `subject`; returns the record's URI.
    pub fn subject(
        &mut self,
        collection: &str,
        did: &str,
        t: i64,
        clock: u64,
        subject: &str,
        via: Option<&str>,
    ) -> io::Result<String> {
        let rkey = tid(t, clock);
        let me = uri(did, collection, &rkey);
        self.commit_head(did, t, clock, "create", collection, &rkey);
        let at = self.datetime(t);
        let sc = cid(subject.as_bytes());
        write!(
            self.buf,
            r#","record":{{"$type":"{collection}","createdAt":"{at}","subject":{{"cid":"{sc}","uri":"{subject}"}}"#
        )
        .unwrap();
        if let Some(v) = via {
            let vc = cid(v.as_bytes());
            write!(self.buf, r#","via":{{"cid":"{vc}","uri":"{v}"}}"#).unwrap();
        }
        self.close_record(&me)?;
        Ok(me)
    }

    pub fn follow(&mut self, did: &str, t: i64, clock: u64, subject_did: &str) -> io::Result<()> {
        let rkey = tid(t, clock);
        let me = uri(did, FOLLOW, &rkey);
        self.commit_head(did, t, clock, "create", FOLLOW, &rkey);
        let at = self.datetime(t);
        write!(
            self.buf,
            r#","record":{{"$type":"{FOLLOW}","createdAt":"{at}","subject":"{subject_did}""#
        )
        .unwrap();
        self.close_record(&me)
    }

    /// Deletes the record `collection/rkey` of `did`.
    pub fn delete(
        &mut self,
        did: &str,
        t: i64,
        clock: u64,
        collection: &str,
        rkey: &str,
    ) -> io::Result<()> {
        self.commit_head(did, t, clock, "delete", collection, rkey);
        self.buf.extend_from_slice(b"}}");
        self.end()
    }
}
