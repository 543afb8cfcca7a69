//! The workshop's blog, written as a WordPress export (WXR 1.2) and as the
//! RSS feed WordPress serves, with its ground truth.
//!
//! Independent of the Bluesky simulation (its own random stream), so adding
//! the blog changes none of the Jetstream bytes. A weekly post; comments
//! from a population of readers (regulars and passers-by) with labelled
//! texts, some nested under other comments, some pending moderation, some
//! spam; the manager answers most questions; other sites link in with
//! pingbacks and trackbacks; drafts and an attachment that must not import.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::text::{self, Labelled, TOPICS};

const MIN: i64 = 60_000_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

pub const SITE_URL: &str = "https://latelierdurayon.fr";
pub const SITE_HOST: &str = "latelierdurayon.fr";
const AUTHOR_EMAIL: &str = "camille@latelierdurayon.fr";

/// What the blog holds, as levain should import it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TruthBlog {
    /// `blog:<host>`: the site, the author of posts and answers.
    pub account: String,
    /// Published posts (drafts and attachments excluded).
    pub posts: u64,
    /// Items that must not import: drafts and attachments.
    pub unpublished: u64,
    /// Readers' comments kept (approved or pending), and the site's answers.
    pub comments: u64,
    pub own_answers: u64,
    pub pending: u64,
    /// Comments left out: spam and trash.
    pub spam: u64,
    pub pingbacks: u64,
    pub trackbacks: u64,
    /// Distinct readers who commented (spam excluded).
    pub commenters: u64,
    /// Readers' comments on a post (not under another reader's comment) by
    /// label (`positive`, `neutral`, `negative`, `critique`).
    pub labels: BTreeMap<String, u64>,
    /// Readers' comments answering another reader's comment.
    pub nested: u64,
    /// Readers' comments that ask the blog a question, and how many of those
    /// the site answered (a direct reply from the site).
    pub questions: u64,
    pub answered: u64,
    /// Posts in the RSS feed (the latest ones, all also in the export).
    pub feed_posts: u64,
}

struct Reader {
    name: String,
    email: String,
    url: Option<String>,
    lang: u8,
}

struct Comment {
    id: u64,
    author: Option<usize>,
    t: i64,
    text: String,
    approved: &'static str,
    kind: &'static str,
    parent: u64,
    url: String,
    user_id: u32,
}

struct Post {
    id: u64,
    t: i64,
    title: String,
    slug: String,
    topic: usize,
    status: &'static str,
    post_type: &'static str,
    comments: Vec<Comment>,
}

pub(crate) const FIRST: &[&str] = &[
    "Jean", "Marie", "Luc", "Sophie", "Hugo", "Léa", "Karim", "Inès", "Paul", "Chloé", "Yanis",
    "Emma", "Noé", "Zoé", "Élodie", "Mathis", "Sarah", "Tom", "Nadia", "Rémi",
];
pub(crate) const LAST: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Roux",
];
const LINKING_SITES: &[(&str, &str)] = &[
    ("https://velo-lyon.org", "Vélo Lyon"),
    ("https://leblogdurecycleur.fr", "Le blog du recycleur"),
    ("https://cyclistes-urbains.net", "Cyclistes urbains"),
];

/// The blog for `seed`, over `days` from `start` (microseconds), with
/// readers scaled by `factor`; the `planted` readers (people also on
/// Bluesky, and their look-alikes) come first. Returns the export, the
/// feed, the truth, and which planted readers commented.
pub(crate) fn generate(
    seed: u64,
    start: i64,
    days: u32,
    factor: f64,
    planted: &[crate::identity::PlantedReader],
) -> (String, String, TruthBlog, BTreeSet<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xb10c_b10c_b10c_b10c);
    let end = start + i64::from(days) * DAY;
    let planted_readers = planted.iter().map(|p| Reader {
        name: p.name.clone(),
        email: p.email.clone(),
        url: p.url.clone(),
        lang: 0,
    });
    let readers: Vec<Reader> = planted_readers
        .chain((0..((60.0 * factor).round() as usize).max(10)).map(|i| {
            let first = FIRST[rng.random_range(0..FIRST.len())];
            let last = LAST[rng.random_range(0..LAST.len())];
            let ascii = |s: &str| {
                s.to_lowercase()
                    .replace(['é', 'è', 'ê'], "e")
                    .replace('ï', "i")
            };
            let email = format!("{}.{}{i}@example.org", ascii(first), ascii(last));
            Reader {
                name: format!("{first} {last}"),
                // Some readers type their address with capitals: the same person.
                email: if i % 7 == 0 {
                    email.to_uppercase()
                } else {
                    email
                },
                url: (i % 5 == 0).then(|| format!("https://{}{i}.example.net", ascii(last))),
                lang: u8::from(i % 6 == 0),
            }
        }))
        .collect();
    let mut commented = BTreeSet::new();
    // A few regulars write most comments.
    let regulars = (readers.len() / 6).max(2);
    let mut truth = TruthBlog {
        account: format!("blog:{SITE_HOST}"),
        ..TruthBlog::default()
    };
    let mut commenters = BTreeSet::new();
    let mut posts = Vec::new();
    let mut next_id = 10u64;
    let mut next_comment = 1u64;
    for d in (3..days).step_by(7) {
        let topic = rng.random_range(0..TOPICS.len());
        let tpl = TOPICS[topic].fr[rng.random_range(0..TOPICS[topic].fr.len())];
        let title = tpl.replace("#{tag}", "").trim().to_owned();
        let t = start + i64::from(d) * DAY + 9 * HOUR + rng.random_range(0..3 * HOUR);
        next_id += 1 + rng.random_range(0..3);
        let draft = rng.random_bool(0.08);
        let mut post = Post {
            id: next_id,
            t,
            slug: slug(&title, next_id),
            title,
            topic,
            status: if draft { "draft" } else { "publish" },
            post_type: "post",
            comments: Vec::new(),
        };
        if draft {
            truth.unpublished += 1;
            posts.push(post);
            continue;
        }
        truth.posts += 1;
        let n = poisson(&mut rng, 2.5 * factor.sqrt());
        for _ in 0..n {
            let ct = t + (rng.random::<f64>().powi(2) * 10.0 * DAY as f64) as i64;
            if ct >= end {
                continue;
            }
            let r = if rng.random_bool(0.6) {
                rng.random_range(0..regulars)
            } else {
                rng.random_range(0..readers.len())
            };
            let spam = rng.random_bool(0.05);
            let id = next_comment;
            next_comment += 1;
            if spam {
                truth.spam += 1;
                post.comments.push(Comment {
                    id,
                    author: None,
                    t: ct,
                    text: text::BOT_TEXTS[rng.random_range(0..text::BOT_TEXTS.len())].to_owned(),
                    approved: "spam",
                    kind: "comment",
                    parent: 0,
                    url: "https://cheap-bike-deals.example.com".into(),
                    user_id: 0,
                });
                continue;
            }
            let pool: &[Labelled] = if readers[r].lang == 1 {
                text::BLOG_COMMENTS_EN
            } else {
                text::BLOG_COMMENTS_FR
            };
            let c = &pool[rng.random_range(0..pool.len())];
            let pending = rng.random_bool(0.05);
            // Some comments answer another reader's comment.
            let parent = post
                .comments
                .iter()
                .rfind(|p| {
                    p.kind == "comment" && p.user_id == 0 && p.approved != "spam" && p.t < ct
                })
                .filter(|_| rng.random_bool(0.15))
                .map_or(0, |p| p.id);
            commenters.insert(readers[r].email.to_lowercase());
            if r < planted.len() {
                commented.insert(r);
            }
            truth.comments += 1;
            truth.pending += u64::from(pending);
            // A reply to another reader is addressed to them, not to the blog.
            let to_us = parent == 0;
            if to_us {
                *truth.labels.entry(c.label.to_owned()).or_default() += 1;
            } else {
                truth.nested += 1;
            }
            post.comments.push(Comment {
                id,
                author: Some(r),
                t: ct,
                text: c.text.to_owned(),
                approved: if pending { "0" } else { "1" },
                kind: "comment",
                parent,
                url: String::new(),
                user_id: 0,
            });
            let answer_p = if c.question { 0.7 } else { 0.1 };
            let answer_t = ct + (rng.random::<f64>() * 20.0 * HOUR as f64) as i64 + 5 * MIN;
            let answered = to_us && !pending && answer_t < end && rng.random_bool(answer_p);
            if c.question && to_us {
                truth.questions += 1;
                truth.answered += u64::from(answered);
            }
            if answered {
                let answers = if readers[r].lang == 1 {
                    text::OWN_ANSWERS_EN
                } else {
                    text::OWN_ANSWERS_FR
                };
                truth.own_answers += 1;
                truth.comments += 1;
                let aid = next_comment;
                next_comment += 1;
                post.comments.push(Comment {
                    id: aid,
                    author: None,
                    t: answer_t,
                    text: answers[rng.random_range(0..answers.len())].to_owned(),
                    approved: "1",
                    kind: "comment",
                    parent: id,
                    url: String::new(),
                    user_id: 1,
                });
            }
        }
        for (kind, p) in [("pingback", 0.12), ("trackback", 0.04)] {
            if rng.random_bool(p) {
                let (site, _) = LINKING_SITES[rng.random_range(0..LINKING_SITES.len())];
                let ct = t + rng.random_range(HOUR..5 * DAY);
                if ct >= end {
                    continue;
                }
                if kind == "pingback" {
                    truth.pingbacks += 1;
                } else {
                    truth.trackbacks += 1;
                }
                let id = next_comment;
                next_comment += 1;
                post.comments.push(Comment {
                    id,
                    author: None,
                    t: ct,
                    text: format!(
                        "[…] comme l'explique L'Atelier du Rayon dans « {} » […]",
                        post.title
                    ),
                    approved: "1",
                    kind,
                    parent: 0,
                    url: format!(
                        "{site}/{}/{}-{id}/",
                        2023 + (ct - start) / (365 * DAY),
                        "revue-de-presse"
                    ),
                    user_id: 0,
                });
            }
        }
        post.comments.sort_by_key(|c| (c.t, c.id));
        posts.push(post);
    }
    // An uploaded image: an attachment item, never a post.
    posts.push(Post {
        id: next_id + 1,
        t: start + DAY,
        title: "atelier-photo".into(),
        slug: "atelier-photo".into(),
        topic: 0,
        status: "inherit",
        post_type: "attachment",
        comments: Vec::new(),
    });
    truth.unpublished += 1;
    truth.commenters = commenters.len() as u64;
    let published: Vec<&Post> = posts.iter().filter(|p| p.status == "publish").collect();
    let feed_items: Vec<&Post> = published.iter().rev().take(10).copied().collect();
    truth.feed_posts = feed_items.len() as u64;
    let wxr = write_wxr(&posts, &readers);
    let rss = write_rss(&feed_items, end);
    (wxr, rss, truth, commented)
}

fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    let l = (-lambda).exp();
    let (mut k, mut p) = (0u32, 1.0);
    loop {
        p *= rng.random::<f64>();
        if p <= l {
            return k;
        }
        k += 1;
    }
}

fn slug(title: &str, id: u64) -> String {
    let mut s: String = title
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' => 'e',
            'à' | 'â' => 'a',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    format!("{}-{id}", s.trim_matches('-'))
}

fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

fn gmt(t: i64) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .expect("in range")
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Paris local time, as WordPress writes `wp:post_date` (summer time by
/// the EU rule: last Sunday of March to last Sunday of October).
fn local(t: i64) -> String {
    use chrono::{Datelike, Weekday};
    let d = chrono::DateTime::from_timestamp_micros(t).expect("in range");
    let last_sunday = |month: u32| {
        let mut day = chrono::NaiveDate::from_ymd_opt(d.year(), month, 31).expect("valid");
        while day.weekday() != Weekday::Sun {
            day = day.pred_opt().expect("valid");
        }
        day.and_hms_opt(1, 0, 0).expect("valid").and_utc()
    };
    let summer = d >= last_sunday(3) && d < last_sunday(10);
    gmt(t + if summer { 2 } else { 1 } * HOUR)
}

fn rfc2822(t: i64) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .expect("in range")
        .format("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

fn post_link(p: &Post) -> String {
    format!("{SITE_URL}/{}/", p.slug)
}

fn post_html(p: &Post) -> String {
    let topic = &TOPICS[p.topic];
    format!(
        "<p>{}</p>\n<p>Tous les détails et les inscriptions sur <a href=\"{SITE_URL}/inscription?utm_source=blog&amp;utm_medium=social&amp;utm_campaign={}\">notre site</a>. #{}</p>",
        p.title, topic.name, topic.tag
    )
}

fn write_wxr(posts: &[Post], readers: &[Reader]) -> String {
    let mut s = String::with_capacity(1 << 20);
    s.push_str(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>L'Atelier du Rayon</title>
	<link>https://latelierdurayon.fr</link>
	<description>Atelier vélo associatif à Lyon</description>
	<language>fr-FR</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://latelierdurayon.fr</wp:base_site_url>
	<wp:base_blog_url>https://latelierdurayon.fr</wp:base_blog_url>
"#,
    );
    let _ = writeln!(
        s,
        "\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{}</wp:author_login><wp:author_email>{}</wp:author_email><wp:author_display_name>{}</wp:author_display_name></wp:author>",
        cdata("camille"),
        cdata(AUTHOR_EMAIL),
        cdata("Camille Martin")
    );
    for p in posts {
        let link = post_link(p);
        let topic = &TOPICS[p.topic];
        let _ = write!(
            s,
            "\t<item>\n\t\t<title>{}</title>\n\t\t<link>{link}</link>\n\t\t<pubDate>{}</pubDate>\n\t\t<dc:creator>{}</dc:creator>\n\t\t<guid isPermaLink=\"false\">{SITE_URL}/?p={}</guid>\n\t\t<description></description>\n\t\t<content:encoded>{}</content:encoded>\n\t\t<excerpt:encoded>{}</excerpt:encoded>\n\t\t<wp:post_id>{}</wp:post_id>\n\t\t<wp:post_date>{}</wp:post_date>\n\t\t<wp:post_date_gmt>{}</wp:post_date_gmt>\n\t\t<wp:comment_status>{}</wp:comment_status>\n\t\t<wp:post_name>{}</wp:post_name>\n\t\t<wp:status>{}</wp:status>\n\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:post_type>{}</wp:post_type>\n\t\t<category domain=\"category\" nicename=\"{}\">{}</category>\n\t\t<category domain=\"post_tag\" nicename=\"{}\">{}</category>\n",
            cdata(&p.title),
            rfc2822(p.t),
            cdata("camille"),
            p.id,
            cdata(&if p.post_type == "post" {
                post_html(p)
            } else {
                String::new()
            }),
            cdata(""),
            p.id,
            cdata(&local(p.t)),
            cdata(&if p.status == "draft" {
                "0000-00-00 00:00:00".to_owned()
            } else {
                gmt(p.t)
            }),
            cdata("open"),
            cdata(&p.slug),
            cdata(p.status),
            cdata(p.post_type),
            topic.name,
            cdata(topic.name),
            topic.name,
            cdata(topic.tag),
        );
        for c in &p.comments {
            let (name, email, url) = match (c.author, c.user_id, c.kind) {
                (Some(r), _, _) => (
                    readers[r].name.clone(),
                    readers[r].email.clone(),
                    readers[r].url.clone().unwrap_or_default(),
                ),
                (None, 1, _) => (
                    "Camille Martin".into(),
                    AUTHOR_EMAIL.into(),
                    SITE_URL.into(),
                ),
                (None, _, "pingback" | "trackback") => {
                    let site = LINKING_SITES
                        .iter()
                        .find(|(u, _)| c.url.starts_with(u))
                        .map_or("", |s| s.1);
                    (
                        format!("{site} » Revue de presse"),
                        String::new(),
                        c.url.clone(),
                    )
                }
                _ => (
                    "Best Deals".into(),
                    "deals@spam.example.com".into(),
                    c.url.clone(),
                ),
            };
            let _ = write!(
                s,
                "\t\t<wp:comment>\n\t\t\t<wp:comment_id>{}</wp:comment_id>\n\t\t\t<wp:comment_author>{}</wp:comment_author>\n\t\t\t<wp:comment_author_email>{}</wp:comment_author_email>\n\t\t\t<wp:comment_author_url>{}</wp:comment_author_url>\n\t\t\t<wp:comment_author_IP>{}</wp:comment_author_IP>\n\t\t\t<wp:comment_date>{}</wp:comment_date>\n\t\t\t<wp:comment_date_gmt>{}</wp:comment_date_gmt>\n\t\t\t<wp:comment_content>{}</wp:comment_content>\n\t\t\t<wp:comment_approved>{}</wp:comment_approved>\n\t\t\t<wp:comment_type>{}</wp:comment_type>\n\t\t\t<wp:comment_parent>{}</wp:comment_parent>\n\t\t\t<wp:comment_user_id>{}</wp:comment_user_id>\n\t\t</wp:comment>\n",
                c.id,
                cdata(&name),
                cdata(&email),
                url,
                cdata("192.0.2.1"),
                cdata(&local(c.t)),
                cdata(&gmt(c.t)),
                cdata(&c.text),
                cdata(c.approved),
                cdata(c.kind),
                c.parent,
                c.user_id,
            );
        }
        s.push_str("\t</item>\n");
    }
    s.push_str("</channel>\n</rss>\n");
    s
}

fn write_rss(items: &[&Post], now: i64) -> String {
    let mut s = String::with_capacity(64 << 10);
    let _ = write!(
        s,
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>
<channel>
	<title>L'Atelier du Rayon</title>
	<atom:link href="{SITE_URL}/feed/" rel="self" type="application/rss+xml" />
	<link>{SITE_URL}</link>
	<description>Atelier vélo associatif à Lyon</description>
	<lastBuildDate>{}</lastBuildDate>
	<language>fr-FR</language>
	<generator>https://wordpress.org/?v=6.7</generator>
"#,
        rfc2822(now)
    );
    for p in items {
        let topic = &TOPICS[p.topic];
        let _ = write!(
            s,
            "\t<item>\n\t\t<title>{}</title>\n\t\t<link>{}</link>\n\t\t<dc:creator>{}</dc:creator>\n\t\t<pubDate>{}</pubDate>\n\t\t<category>{}</category>\n\t\t<category>{}</category>\n\t\t<guid isPermaLink=\"false\">{SITE_URL}/?p={}</guid>\n\t\t<description>{}</description>\n\t\t<content:encoded>{}</content:encoded>\n\t</item>\n",
            xml_escape(&p.title),
            post_link(p),
            cdata("Camille Martin"),
            rfc2822(p.t),
            cdata(topic.name),
            cdata(topic.tag),
            p.id,
            cdata(&p.title),
            cdata(&post_html(p)),
        );
    }
    s.push_str("</channel>\n</rss>\n");
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blog_is_deterministic_and_its_truth_adds_up() {
        let start = 1_672_617_600_000_000;
        let (a, feed, t, _) = generate(5, start, 200, 1.0, &[]);
        let (b, _, _, _) = generate(5, start, 200, 1.0, &[]);
        assert_eq!(a, b);
        assert!(t.posts > 20 && t.comments > 20, "{t:?}");
        assert_eq!(
            t.labels.values().sum::<u64>() + t.nested + t.own_answers,
            t.comments,
            "every comment is a reader's (labelled) or the site's"
        );
        assert!(t.answered <= t.questions && t.questions > 0);
        assert_eq!(feed.matches("<item>").count() as u64, t.feed_posts);
        assert_eq!(a.matches("<item>").count() as u64, t.posts + t.unpublished);
    }

    #[test]
    fn paris_time_follows_summer_time() {
        // 2024-07-01 10:00 UTC is noon in Paris; 2024-01-15 10:00 UTC is 11:00.
        let july = chrono::DateTime::parse_from_rfc3339("2024-07-01T10:00:00Z").unwrap();
        let jan = chrono::DateTime::parse_from_rfc3339("2024-01-15T10:00:00Z").unwrap();
        assert_eq!(local(july.timestamp_micros()), "2024-07-01 12:00:00");
        assert_eq!(local(jan.timestamp_micros()), "2024-01-15 11:00:00");
    }
}
