//! The workshop's own account as each platform's "download your data"
//! export writes it: Mastodon's account archive, the X archive, and Meta's
//! Facebook and Instagram JSON exports, with the counts levain must import
//! from each ([`ArchiveTruth`]).
//!
//! Independent of the Bluesky simulation (its own random stream from the
//! seed), like the blog. One community for every format: the account's
//! posts on the workshop's topics (some replying to or mentioning members),
//! its boosts or comments, its likes, its followers and whom it follows —
//! each as far as the platform's export holds it (Mastodon's archive has no
//! followers; Meta's exports have no boosts; X's no like dates).
//!
//! Formats follow the platforms' own writers: Mastodon's `BackupService`
//! (`outbox.json` with `Create`/`Announce`, `likes.json`, `actor.json`, and
//! the `following_accounts.csv` data export), X's `data/*.js` with the
//! `window.YTD.<name>.partN =` prefix (tweets split in parts of
//! [`X_PART`]), and Meta's layouts with its mojibake (every non-ASCII UTF-8
//! byte escaped as `\u00XX`).

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::SynthError;
use crate::text::{TOPICS, fill};

/// The formats written here.
pub const ARCHIVE_FORMATS: &[&str] = &["mastodon-archive", "x-archive", "facebook", "instagram"];

/// Tweets per `tweets-partN.js`.
pub const X_PART: usize = 100_000;

pub(crate) const START: i64 = 1_672_531_200; // 2023-01-01T00:00:00Z
const HOST: &str = "atelier.social";
const USER: &str = "atelierdurayon";
const X_ID: &str = "1467000000000000001";

/// How the export is packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Zip,
    TarGz,
    Folder,
}

impl std::str::FromStr for Container {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "zip" => Ok(Container::Zip),
            "tar.gz" | "tgz" => Ok(Container::TarGz),
            "folder" | "dir" => Ok(Container::Folder),
            _ => Err(format!(
                "unknown container `{s}`: use zip, tar.gz or folder"
            )),
        }
    }
}

/// What an export holds, as levain must import it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ArchiveTruth {
    pub format: String,
    /// The own account's key.
    pub own: String,
    /// Input records: the profile, posts, boosts, comments, likes, followers, following.
    pub records: u64,
    pub posts: u64,
    pub reshares: u64,
    pub comments: u64,
    pub likes: u64,
    pub followers: u64,
    pub following: u64,
    pub replies: u64,
    pub mentions: u64,
    /// Boosts of the account's own posts by others (`mastodon-api`).
    #[serde(default)]
    pub reshared_by: u64,
    /// Rows per table a first import stores.
    pub rows_posts: u64,
    pub rows_interactions: u64,
    pub rows_accounts: u64,
}

pub(crate) struct Person {
    pub(crate) handle: String,
    pub(crate) host: &'static str,
    pub(crate) name: String,
    pub(crate) x_id: String,
}

const HOSTS: &[&str] = &["mastodon.social", "piaille.fr", "framapiaf.org", "mamot.fr"];
const FIRST: &[&str] = &[
    "Anaïs",
    "Bérénice",
    "Chloé",
    "Élodie",
    "François",
    "Jérôme",
    "Léa",
    "Noël",
    "Zoë",
    "Marc",
];
const LAST: &[&str] = &[
    "Lefèvre", "Müller", "Garçon", "Perret", "Dubois", "Brontë", "Saïd", "Martin",
];

/// Writes `format`'s export of about `records` records into `out`;
/// returns its path and truth.
pub fn write_archive(
    format: &str,
    out: &Path,
    seed: u64,
    records: u64,
    container: Option<Container>,
) -> Result<(PathBuf, ArchiveTruth), SynthError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| SynthError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let container = container.unwrap_or(match format {
        "mastodon-archive" => Container::TarGz,
        _ => Container::Zip,
    });
    let base = match format {
        "mastodon-archive" => "mastodon-archive",
        "x-archive" => "twitter-archive",
        "facebook" => "facebook-export",
        _ => "instagram-export",
    };
    let path = out.join(match container {
        Container::Zip => format!("{base}.zip"),
        Container::TarGz => format!("{base}.tar.gz"),
        Container::Folder => base.to_owned(),
    });
    let mut w = Packer::new(&path, container).map_err(io(&path))?;
    let mut g = Gen::new(seed, records);
    let truth = match format {
        "mastodon-archive" => g.mastodon(&mut w),
        "x-archive" => g.x(&mut w),
        "facebook" => g.meta(&mut w, false),
        "instagram" => g.meta(&mut w, true),
        other => {
            return Err(SynthError::Io {
                path: path.clone(),
                source: std::io::Error::other(format!(
                    "unknown archive format `{other}` (expected {})",
                    ARCHIVE_FORMATS.join(", ")
                )),
            });
        }
    }
    .map_err(io(&path))?;
    w.finish().map_err(io(&path))?;
    let truth_path = out.join(format!("{base}.truth.json"));
    std::fs::write(
        &truth_path,
        serde_json::to_vec_pretty(&truth).expect("serialisable"),
    )
    .map_err(io(&truth_path))?;
    Ok((path, truth))
}

/// Writes entries into a zip, a tar.gz or a folder.
enum Packer {
    Zip(Box<zip::ZipWriter<BufWriter<File>>>),
    Tar(Box<tar::Builder<flate2::write::GzEncoder<BufWriter<File>>>>),
    Folder(PathBuf),
}

impl Packer {
    fn new(path: &Path, c: Container) -> std::io::Result<Packer> {
        Ok(match c {
            Container::Zip => Packer::Zip(Box::new(zip::ZipWriter::new(BufWriter::new(
                File::create(path)?,
            )))),
            Container::TarGz => {
                Packer::Tar(Box::new(tar::Builder::new(flate2::write::GzEncoder::new(
                    BufWriter::new(File::create(path)?),
                    flate2::Compression::fast(),
                ))))
            }
            Container::Folder => {
                if path.exists() {
                    std::fs::remove_dir_all(path)?;
                }
                std::fs::create_dir_all(path)?;
                Packer::Folder(path.to_owned())
            }
        })
    }

    fn add(&mut self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Packer::Zip(z) => {
                let opts = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .compression_level(Some(1))
                    .large_file(bytes.len() as u64 >= u32::MAX as u64)
                    .last_modified_time(
                        zip::DateTime::from_date_and_time(2026, 1, 15, 12, 0, 0)
                            .expect("valid date"),
                    );
                z.start_file(name, opts).map_err(std::io::Error::other)?;
                z.write_all(bytes)
            }
            Packer::Tar(t) => {
                let mut h = tar::Header::new_gnu();
                h.set_size(bytes.len() as u64);
                h.set_mode(0o444);
                h.set_mtime(1_768_478_400); // 2026-01-15T12:00:00Z
                h.set_cksum();
                t.append_data(&mut h, name, bytes)
            }
            Packer::Folder(root) => {
                let p = root.join(name);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(p, bytes)
            }
        }
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            Packer::Zip(z) => z.finish().map_err(std::io::Error::other)?.flush(),
            Packer::Tar(t) => t.into_inner()?.finish()?.flush(),
            Packer::Folder(_) => Ok(()),
        }
    }
}

/// Meta's encoding: each byte of a non-ASCII character as `\u00XX`.
pub fn meta_mojibake(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\u00{b:02x}"));
            }
        }
    }
    out
}

/// A JSON array, one item a line, as the exports' big lists.
fn array(prefix: &str, items: &[Value]) -> Vec<u8> {
    let mut s = String::from(prefix);
    s.push_str("[\n");
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str("  ");
        s.push_str(&v.to_string());
    }
    s.push_str("\n]");
    s.into_bytes()
}

pub(crate) fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .expect("in range")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub(crate) struct Gen {
    pub(crate) rng: ChaCha8Rng,
    pub(crate) people: Vec<Person>,
    pub(crate) posts: u64,
    pub(crate) shares: u64,
    pub(crate) likes: u64,
    pub(crate) followers: u64,
    pub(crate) following: u64,
    clock: i64,
}

/// One generated post: its text, topic tag, whom it replies to and mentions.
pub(crate) struct Post {
    pub(crate) at: i64,
    pub(crate) text: String,
    pub(crate) tag: &'static str,
    pub(crate) lang: &'static str,
    pub(crate) reply_to: Option<usize>,
    pub(crate) mentions: Vec<usize>,
}

impl Gen {
    pub(crate) fn new(seed: u64, records: u64) -> Gen {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xa5c4_17e5);
        let n = records.max(20);
        let people = (0..(n / 5).max(50))
            .map(|i| {
                let first = FIRST[rng.random_range(0..FIRST.len())];
                let last = LAST[rng.random_range(0..LAST.len())];
                Person {
                    handle: format!("member{i}"),
                    host: HOSTS[i as usize % HOSTS.len()],
                    name: format!("{first} {last} {i}"),
                    x_id: (10_000_000 + i * 7).to_string(),
                }
            })
            .collect();
        Gen {
            rng,
            people,
            posts: n * 3 / 10,
            shares: n / 10,
            likes: n * 4 / 10,
            followers: n * 3 / 20,
            following: n / 20,
            clock: START,
        }
    }

    pub(crate) fn tick(&mut self) -> i64 {
        self.clock += self.rng.random_range(60..7200);
        self.clock
    }

    pub(crate) fn post(&mut self) -> Post {
        let topic = &TOPICS[self.rng.random_range(0..TOPICS.len())];
        let fr = self.rng.random_bool(0.6);
        let tpls = if fr { topic.fr } else { topic.en };
        let (text, _) = fill(tpls[self.rng.random_range(0..tpls.len())], topic.tag);
        let reply_to = self
            .rng
            .random_bool(0.3)
            .then(|| self.rng.random_range(0..self.people.len()));
        let mut mentions: Vec<usize> = reply_to.into_iter().collect();
        if self.rng.random_bool(0.25) {
            let m = self.rng.random_range(0..self.people.len());
            if !mentions.contains(&m) {
                mentions.push(m);
            }
        }
        Post {
            at: self.tick(),
            text,
            tag: topic.tag,
            lang: if fr { "fr" } else { "en" },
            reply_to,
            mentions,
        }
    }

    /// `count` distinct members, in random order.
    pub(crate) fn some_people(&mut self, count: u64) -> Vec<usize> {
        let mut all: Vec<usize> = (0..self.people.len()).collect();
        let count = (count as usize).min(all.len());
        for i in 0..count {
            let j = self.rng.random_range(i..all.len());
            all.swap(i, j);
        }
        all.truncate(count);
        all
    }

    fn mastodon(&mut self, w: &mut Packer) -> std::io::Result<ArchiveTruth> {
        let actor_uri = format!("https://{HOST}/users/{USER}");
        let mut t = ArchiveTruth {
            format: "mastodon-archive".into(),
            own: format!("mastodon:@{USER}@{HOST}"),
            ..ArchiveTruth::default()
        };
        let mut items = Vec::new();
        let total = self.posts + self.shares;
        for i in 0..total {
            let share = self.rng.random_bool(self.shares as f64 / total as f64)
                && t.reshares < self.shares
                || t.posts >= self.posts;
            let id = 110_000_000_000_000_000u64 + i;
            if share {
                let at = self.tick();
                let p = &self.people[self.rng.random_range(0..self.people.len())];
                items.push(json!({
                    "id": format!("{actor_uri}/statuses/{id}/activity"),
                    "type": "Announce",
                    "actor": actor_uri,
                    "published": rfc3339(at),
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "cc": [format!("https://{}/users/{}", p.host, p.handle), format!("{actor_uri}/followers")],
                    "object": format!("https://{}/users/{}/statuses/{}", p.host, p.handle, 900_000 + i),
                }));
                t.reshares += 1;
                continue;
            }
            let post = self.post();
            let mut html = String::from("<p>");
            let mut tags = Vec::new();
            for &m in &post.mentions {
                let p = &self.people[m];
                html.push_str(&format!(
                    "<span class=\"h-card\"><a href=\"https://{}/@{}\" class=\"u-url mention\">@<span>{}</span></a></span> ",
                    p.host, p.handle, p.handle
                ));
                tags.push(json!({"type": "Mention", "href": format!("https://{}/users/{}", p.host, p.handle), "name": format!("@{}@{}", p.handle, p.host)}));
            }
            let body = post.text.replace(
                &format!("#{}", post.tag),
                &format!("<a href=\"https://{HOST}/tags/{0}\" class=\"mention hashtag\" rel=\"tag\">#<span>{0}</span></a>", post.tag),
            );
            html.push_str(&body);
            html.push_str("</p>");
            if post.text.contains('#') {
                tags.push(json!({"type": "Hashtag", "href": format!("https://{HOST}/tags/{}", post.tag), "name": format!("#{}", post.tag)}));
            }
            let reply = post.reply_to.map(|r| {
                let p = &self.people[r];
                format!(
                    "https://{}/users/{}/statuses/{}",
                    p.host,
                    p.handle,
                    800_000 + i
                )
            });
            let uri = format!("{actor_uri}/statuses/{id}");
            items.push(json!({
                "id": format!("{uri}/activity"),
                "type": "Create",
                "actor": actor_uri,
                "published": rfc3339(post.at),
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "cc": [format!("{actor_uri}/followers")],
                "object": {
                    "id": uri,
                    "type": "Note",
                    "summary": null,
                    "inReplyTo": reply,
                    "published": rfc3339(post.at),
                    "url": format!("https://{HOST}/@{USER}/{id}"),
                    "attributedTo": actor_uri,
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "cc": [format!("{actor_uri}/followers")],
                    "sensitive": false,
                    "atomUri": uri,
                    "conversation": format!("tag:{HOST},2023:objectId={id}:objectType=Conversation"),
                    "content": html,
                    "contentMap": {post.lang: html},
                    "attachment": [],
                    "tag": tags,
                    "replies": {"id": format!("{uri}/replies"), "type": "Collection"},
                },
            }));
            t.posts += 1;
            t.replies += post.reply_to.is_some() as u64;
            t.mentions += post.mentions.len() as u64;
        }
        let outbox = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", {"ostatus": "http://ostatus.org#"}],
            "id": "outbox.json",
            "type": "OrderedCollection",
            "totalItems": items.len(),
            "orderedItems": items,
        });
        w.add("outbox.json", outbox.to_string().as_bytes())?;
        let likes: Vec<String> = (0..self.likes)
            .map(|i| {
                let p = &self.people[i as usize % self.people.len()];
                format!(
                    "https://{}/users/{}/statuses/{}",
                    p.host,
                    p.handle,
                    // Snowflake-like ids, distinct (an odd multiplier is a
                    // bijection mod 2^56), not a run a compressor flattens
                    // past the importer's zip-bomb ratio.
                    100_000_000_000_000_000
                        + (i.wrapping_mul(0x5851_f42d_4c95_7f2d) & ((1 << 56) - 1))
                )
            })
            .collect();
        t.likes = likes.len() as u64;
        let likes = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": "likes.json", "type": "OrderedCollection", "totalItems": likes.len(), "orderedItems": likes});
        w.add("likes.json", likes.to_string().as_bytes())?;
        w.add(
            "bookmarks.json",
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": "bookmarks.json", "type": "OrderedCollection", "totalItems": 0, "orderedItems": []})
                .to_string()
                .as_bytes(),
        )?;
        let actor = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor_uri,
            "type": "Person",
            "following": format!("{actor_uri}/following"),
            "followers": format!("{actor_uri}/followers"),
            "inbox": format!("{actor_uri}/inbox"),
            "outbox": "outbox.json",
            "preferredUsername": USER,
            "name": "L'Atelier du Rayon",
            "summary": "<p>Atelier vélo associatif à Lyon. Réparations, conseils, balades.</p>",
            "url": format!("https://{HOST}/@{USER}"),
            "manuallyApprovesFollowers": false,
            "published": "2022-11-05T00:00:00Z",
            "attachment": [{"type": "PropertyValue", "name": "Site", "value": "<a href=\"https://latelierdurayon.fr\" target=\"_blank\" rel=\"nofollow noopener noreferrer me\"><span class=\"invisible\">https://</span><span class=\"\">latelierdurayon.fr</span></a>"}],
            "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"},
            "likes": "likes.json",
            "bookmarks": "bookmarks.json",
        });
        w.add("actor.json", actor.to_string().as_bytes())?;
        let mut csv = String::from("Account address,Show boosts,Notify on new posts,Languages\n");
        let following = self.some_people(self.following + self.followers);
        for &i in &following {
            let p = &self.people[i];
            csv.push_str(&format!("{}@{},true,false,\n", p.handle, p.host));
        }
        t.following = following.len() as u64;
        w.add("following_accounts.csv", csv.as_bytes())?;
        t.records = 1 + t.posts + t.reshares + t.likes + t.following;
        t.rows_posts = t.posts;
        t.rows_interactions = t.reshares + t.likes + t.following + t.replies + t.mentions;
        t.rows_accounts = 1;
        Ok(t)
    }

    fn x(&mut self, w: &mut Packer) -> std::io::Result<ArchiveTruth> {
        let mut t = ArchiveTruth {
            format: "x-archive".into(),
            own: format!("x:{X_ID}"),
            ..ArchiveTruth::default()
        };
        let mut tweets = Vec::new();
        let mut mentioned = BTreeSet::new();
        let total = self.posts + self.shares;
        for i in 0..total {
            let share = self.rng.random_bool(self.shares as f64 / total as f64)
                && t.reshares < self.shares
                || t.posts >= self.posts;
            let id = (1_600_000_000_000_000_000u64 + i * 4096).to_string();
            let post = self.post();
            let at = chrono::DateTime::from_timestamp(post.at, 0)
                .expect("in range")
                .format("%a %b %d %H:%M:%S +0000 %Y")
                .to_string();
            let mention = |p: &Person| json!({"name": p.name, "screen_name": p.handle, "indices": ["0", "5"], "id_str": p.x_id, "id": p.x_id});
            let mut tw = if share {
                let p = &self.people[self.rng.random_range(0..self.people.len())];
                mentioned.insert(p.x_id.clone());
                t.reshares += 1;
                json!({
                    "retweeted": false,
                    "entities": {"hashtags": [], "symbols": [], "user_mentions": [mention(p)], "urls": []},
                    "full_text": format!("RT @{}: {}", p.handle, post.text),
                })
            } else {
                let mut text = String::new();
                let mut ms = Vec::new();
                for &m in &post.mentions {
                    let p = &self.people[m];
                    text.push_str(&format!("@{} ", p.handle));
                    ms.push(mention(p));
                    mentioned.insert(p.x_id.clone());
                }
                text.push_str(&post.text);
                t.posts += 1;
                t.replies += post.reply_to.is_some() as u64;
                t.mentions += post.mentions.len() as u64;
                let mut v = json!({
                    "retweeted": false,
                    "entities": {
                        "hashtags": if post.text.contains('#') { json!([{"text": post.tag, "indices": ["0", "1"]}]) } else { json!([]) },
                        "symbols": [], "user_mentions": ms, "urls": [],
                    },
                    "full_text": text,
                    "lang": post.lang,
                });
                if let Some(r) = post.reply_to {
                    let p = &self.people[r];
                    v["in_reply_to_status_id_str"] =
                        json!((1_500_000_000_000_000_000u64 + i).to_string());
                    v["in_reply_to_status_id"] = v["in_reply_to_status_id_str"].clone();
                    v["in_reply_to_user_id_str"] = json!(p.x_id);
                    v["in_reply_to_user_id"] = json!(p.x_id);
                    v["in_reply_to_screen_name"] = json!(p.handle);
                }
                v
            };
            tw["source"] = json!(
                "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>"
            );
            tw["id_str"] = json!(id);
            tw["id"] = json!(id);
            tw["created_at"] = json!(at);
            tw["favorite_count"] = json!("0");
            tw["retweet_count"] = json!("0");
            tw["edit_info"] = json!({"initial": {"editTweetIds": [id], "editableUntil": "2023-01-01T00:00:00.000Z", "editsRemaining": "5", "isEditEligible": false}});
            tweets.push(json!({"tweet": tw}));
        }
        let mut files = Vec::new();
        for (part, chunk) in tweets.chunks(X_PART).enumerate() {
            let name = if part == 0 {
                "data/tweets.js".to_owned()
            } else {
                format!("data/tweets-part{part}.js")
            };
            w.add(
                &name,
                &array(&format!("window.YTD.tweets.part{part} = "), chunk),
            )?;
            files.push(json!({"fileName": name, "globalName": format!("YTD.tweets.part{part}"), "count": chunk.len().to_string()}));
        }
        if tweets.is_empty() {
            w.add("data/tweets.js", b"window.YTD.tweets.part0 = [ ]")?;
        }
        drop(tweets);
        let likes: Vec<Value> = (0..self.likes)
            .map(|i| {
                let id = (1_550_000_000_000_000_000u64 + i).to_string();
                json!({"like": {"tweetId": id, "fullText": "Belle balade ce matin, merci à l'atelier !", "expandedUrl": format!("https://twitter.com/i/web/status/{id}")}})
            })
            .collect();
        t.likes = likes.len() as u64;
        w.add("data/like.js", &array("window.YTD.like.part0 = ", &likes))?;
        drop(likes);
        for (name, count) in [("follower", self.followers), ("following", self.following)] {
            let who = self.some_people(count);
            let items: Vec<Value> = who
                .iter()
                .map(|&i| {
                    let id = &self.people[i].x_id;
                    json!({name: {"accountId": id, "userLink": format!("https://twitter.com/intent/user?user_id={id}")}})
                })
                .collect();
            if name == "follower" {
                t.followers = items.len() as u64;
            } else {
                t.following = items.len() as u64;
            }
            w.add(
                &format!("data/{name}.js"),
                &array(&format!("window.YTD.{name}.part0 = "), &items),
            )?;
        }
        w.add(
            "data/account.js",
            &array(
                "window.YTD.account.part0 = ",
                &[json!({"account": {"email": "contact@latelierdurayon.fr", "createdVia": "web", "username": USER, "accountId": X_ID, "createdAt": "2021-12-04T10:00:00.000Z", "accountDisplayName": "L'Atelier du Rayon"}})],
            ),
        )?;
        w.add(
            "data/profile.js",
            &array(
                "window.YTD.profile.part0 = ",
                &[json!({"profile": {"description": {"bio": "Atelier vélo associatif à Lyon.", "website": "https://t.co/abc123", "location": "Lyon"}, "avatarMediaUrl": "https://pbs.twimg.com/profile_images/1/a.jpg"}})],
            ),
        )?;
        let manifest = json!({
            "userInfo": {"accountId": X_ID, "userName": USER, "displayName": "L'Atelier du Rayon"},
            "archiveInfo": {"sizeBytes": "0", "generationDate": "2026-01-15T12:00:00.000Z", "isPartialArchive": false, "maxPartSizeBytes": "53687091200"},
            "dataTypes": {"tweets": {"files": files}},
        });
        w.add(
            "data/manifest.js",
            format!("window.__THAR_CONFIG = {manifest}").as_bytes(),
        )?;
        t.records = 1 + t.posts + t.reshares + t.likes + t.followers + t.following;
        t.rows_posts = t.posts;
        t.rows_interactions =
            t.reshares + t.likes + t.followers + t.following + t.replies + t.mentions;
        t.rows_accounts = 1 + mentioned.len() as u64;
        Ok(t)
    }

    fn meta(&mut self, w: &mut Packer, instagram: bool) -> std::io::Result<ArchiveTruth> {
        let mut t = ArchiveTruth {
            format: if instagram { "instagram" } else { "facebook" }.into(),
            own: if instagram {
                format!("instagram:{USER}")
            } else {
                format!("facebook:{USER}")
            },
            ..ArchiveTruth::default()
        };
        let put = |w: &mut Packer, name: &str, v: &[u8]| {
            w.add(
                name,
                meta_mojibake(std::str::from_utf8(v).expect("utf-8")).as_bytes(),
            )
        };
        let comments_n = self.shares;
        let mut posts = Vec::new();
        for i in 0..self.posts {
            let p = self.post();
            posts.push(if instagram {
                json!({"media": [{"uri": format!("media/posts/202301/{}_n.jpg", 3_000_000 + i), "creation_timestamp": p.at, "title": p.text, "media_metadata": {}}]})
            } else {
                json!({"timestamp": p.at, "data": [{"post": p.text}, {"update_timestamp": p.at}], "title": "L'Atelier du Rayon a publié dans son journal."})
            });
        }
        t.posts = posts.len() as u64;
        let mut comments = Vec::new();
        for _ in 0..comments_n {
            let at = self.tick();
            let p = &self.people[self.rng.random_range(0..self.people.len())];
            let body = "Merci pour le partage, on passe à l'atelier samedi !";
            comments.push(if instagram {
                json!({"media_list_data": [], "string_map_data": {"Comment": {"value": body}, "Media Owner": {"value": p.handle}, "Time": {"timestamp": at}}})
            } else {
                json!({"timestamp": at, "data": [{"comment": {"timestamp": at, "comment": body, "author": "L'Atelier du Rayon"}}], "title": format!("L'Atelier du Rayon commented on {}'s post.", p.name)})
            });
        }
        t.comments = comments.len() as u64;
        t.replies = t.comments;
        let mut likes = Vec::new();
        for i in 0..self.likes {
            let at = self.tick();
            let p = &self.people[i as usize % self.people.len()];
            likes.push(if instagram {
                json!({"title": p.handle, "string_list_data": [{"href": format!("https://www.instagram.com/p/C{i:09}/"), "value": "👍", "timestamp": at}]})
            } else {
                json!({"timestamp": at, "data": [{"reaction": {"reaction": "LIKE", "actor": "L'Atelier du Rayon"}}], "title": format!("L'Atelier du Rayon likes {}'s post.", p.name)})
            });
        }
        t.likes = likes.len() as u64;
        let followers = self.some_people(self.followers);
        let following = self.some_people(self.following);
        let mut people = BTreeSet::new();
        let relation = |g: &mut Gen, i: usize| {
            let at = g.tick();
            let p = &g.people[i];
            if instagram {
                json!({"title": "", "media_list_data": [], "string_list_data": [{"href": format!("https://www.instagram.com/{}", p.handle), "value": p.handle, "timestamp": at}]})
            } else {
                json!({"name": p.name, "timestamp": at})
            }
        };
        let fo: Vec<Value> = followers.iter().map(|&i| relation(self, i)).collect();
        let fg: Vec<Value> = following.iter().map(|&i| relation(self, i)).collect();
        people.extend(followers.iter().chain(&following).copied());
        t.followers = fo.len() as u64;
        t.following = fg.len() as u64;
        if instagram {
            put(
                w,
                "personal_information/personal_information/personal_information.json",
                json!({"profile_user": [{"title": "", "media_map_data": {}, "string_map_data": {
                "Username": {"href": "", "value": USER, "timestamp": 0},
                "Name": {"href": "", "value": "L'Atelier du Rayon", "timestamp": 0},
                "Bio": {"href": "", "value": "Atelier vélo associatif à Lyon ✨", "timestamp": 0},
                "Website": {"href": "", "value": "https://latelierdurayon.fr", "timestamp": 0}}}]})
                .to_string()
                .as_bytes(),
            )?;
            put(
                w,
                "your_instagram_activity/content/posts_1.json",
                &array("", &posts),
            )?;
            put(
                w,
                "your_instagram_activity/comments/post_comments_1.json",
                &array("", &comments),
            )?;
            put(
                w,
                "your_instagram_activity/likes/liked_posts.json",
                format!(
                    "{{\n  \"likes_media_likes\": {}\n}}",
                    String::from_utf8(array("", &likes)).expect("utf-8")
                )
                .as_bytes(),
            )?;
            put(
                w,
                "connections/followers_and_following/followers_1.json",
                &array("", &fo),
            )?;
            put(
                w,
                "connections/followers_and_following/following.json",
                format!(
                    "{{\n  \"relationships_following\": {}\n}}",
                    String::from_utf8(array("", &fg)).expect("utf-8")
                )
                .as_bytes(),
            )?;
        } else {
            put(w, "personal_information/profile_information/profile_information.json", json!({"profile_v2": {
                "name": {"full_name": "L'Atelier du Rayon", "first_name": "L'Atelier", "middle_name": "", "last_name": "du Rayon"},
                "emails": {"emails": ["contact@latelierdurayon.fr"], "previous_emails": [], "pending_emails": [], "ad_account_emails": []},
                "registration_timestamp": 1_600_000_000, "username": USER, "profile_uri": format!("https://www.facebook.com/{USER}")}}).to_string().as_bytes())?;
            put(
                w,
                "your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_1.json",
                &array("", &posts),
            )?;
            put(
                w,
                "your_activity_across_facebook/comments_and_reactions/comments.json",
                format!(
                    "{{\n  \"comments_v2\": {}\n}}",
                    String::from_utf8(array("", &comments)).expect("utf-8")
                )
                .as_bytes(),
            )?;
            put(
                w,
                "your_activity_across_facebook/comments_and_reactions/likes_and_reactions_1.json",
                &array("", &likes),
            )?;
            put(
                w,
                "connections/followers/people_who_followed_you.json",
                format!(
                    "{{\n  \"followers_v2\": {}\n}}",
                    String::from_utf8(array("", &fo)).expect("utf-8")
                )
                .as_bytes(),
            )?;
            put(
                w,
                "connections/followers/who_you_follow.json",
                format!(
                    "{{\n  \"following_v3\": {}\n}}",
                    String::from_utf8(array("", &fg)).expect("utf-8")
                )
                .as_bytes(),
            )?;
        }
        t.records = 1 + t.posts + t.comments + t.likes + t.followers + t.following;
        t.rows_posts = t.posts + t.comments;
        t.rows_interactions = t.replies + t.likes + t.followers + t.following;
        t.rows_accounts = 1 + people.len() as u64;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_escapes_each_utf8_byte() {
        assert_eq!(meta_mojibake("\"café\""), "\"caf\\u00c3\\u00a9\"");
    }

    #[test]
    fn same_seed_same_bytes() {
        let d = tempfile::tempdir().unwrap();
        for f in ARCHIVE_FORMATS {
            let (a, ta) =
                write_archive(f, &d.path().join("a"), 3, 500, Some(Container::Zip)).unwrap();
            let (b, tb) =
                write_archive(f, &d.path().join("b"), 3, 500, Some(Container::Zip)).unwrap();
            assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap(), "{f}");
            assert_eq!(ta.records, tb.records);
            assert!(ta.records >= 450, "{f}: {}", ta.records);
        }
    }
}
