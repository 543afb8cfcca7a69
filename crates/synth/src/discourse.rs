//! The workshop's Discourse forum as its public JSON URLs serve it, saved
//! as files: topics (`t/{id}.json`, the whole stream as `?print=true`
//! gives it: posts with `cooked` HTML, reply numbers, `@mentions`,
//! moderator notes, the odd deleted post), member profiles
//! (`u/{username}.json`), and the likes the workshop's posts received
//! (`/user_actions.json?username=atelier&filter=2`, 30 a page).
//!
//! Avatars name the forum's host, as Discourse writes them. A member keeps
//! one display name everywhere, so each is one account observation.

use std::collections::BTreeSet;
use std::path::Path;

use rand::Rng;
use serde_json::{Value, json};

use crate::archives::{ArchiveTruth, Gen, START};

const HOST: &str = "forum.atelierdurayon.fr";
const OWN: &str = "atelier";
const OWN_NAME: &str = "L'Atelier du Rayon";
const ACTIONS_PAGE: usize = 30;

fn avatar(user: &str) -> String {
    format!("/user_avatar/{HOST}/{user}/{{size}}/12_2.png")
}

fn iso(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .expect("in range")
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn write_json(path: &Path, v: &Value) -> std::io::Result<()> {
    std::fs::write(path, serde_json::to_vec(v).map_err(std::io::Error::other)?)
}

/// Writes about `records` records as forum JSON into the folder `dir`.
pub(crate) fn write(dir: &Path, seed: u64, records: u64) -> std::io::Result<ArchiveTruth> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir.join("t"))?;
    std::fs::create_dir_all(dir.join("u"))?;
    let mut g = Gen::new(seed ^ 0xd15c, records);
    let n = records.max(40);
    let likes_target = n * 3 / 10;
    let profiles = (n / 100).clamp(3, g.people.len() as u64);
    let posts_target = n - likes_target - profiles;
    let per_topic = (n / 1000).clamp(8, 100);
    let topics = (posts_target / per_topic).max(1);
    let step = (3 * 365 * 86_400 / posts_target as i64).max(1);
    let people = g.people.len();
    let mut t = ArchiveTruth {
        format: "discourse".into(),
        own: format!("discourse:{HOST}/u/{OWN}"),
        ..ArchiveTruth::default()
    };
    let mut users: BTreeSet<usize> = BTreeSet::new();
    let mut own_seen = false;
    // Own posts that receive likes: (topic, number, title, slug).
    let mut own_posts: Vec<(u64, u64, String, String)> = Vec::new();
    let mut written = 0u64;
    for topic in 0..topics {
        let id = 1000 + topic;
        let count = if topic + 1 == topics {
            posts_target - written
        } else {
            g.rng
                .random_range(per_topic / 2..=per_topic * 3 / 2)
                .min(posts_target - written)
        };
        if count == 0 {
            break;
        }
        let first = g.post();
        let title: String = first.text.chars().take(50).collect();
        let slug: String = title
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let category = 5 + topic % 4;
        let mut stream = Vec::new();
        let mut authors: Vec<String> = Vec::new();
        let mut number = 0u64;
        for k in 0..count {
            number += 1;
            let at = START + (written + k) as i64 * step;
            let own = g.rng.random_bool(0.15);
            let (user, name) = if own {
                own_seen = true;
                (OWN.to_owned(), OWN_NAME.to_owned())
            } else {
                let who = g.rng.random_range(0..people);
                users.insert(who);
                (g.people[who].handle.clone(), g.people[who].name.clone())
            };
            let post = if k == 0 {
                first_post_text(&first.text)
            } else {
                g.post().text
            };
            let mut cooked = String::from("<p>");
            let mut mentioned = false;
            if k > 0 && g.rng.random_bool(0.2) {
                let m = &g.people[g.rng.random_range(0..people)].handle;
                if *m != user {
                    cooked.push_str(&format!("<a class=\"mention\" href=\"/u/{m}\">@{m}</a> "));
                    mentioned = true;
                }
            }
            cooked.push_str(&post);
            cooked.push_str("</p>");
            let reply_to =
                (number > 1 && g.rng.random_bool(0.4)).then(|| g.rng.random_range(1..number));
            let deleted = g.rng.random_bool(0.01);
            stream.push(json!({
                "id": id * 10_000 + number,
                "name": name,
                "username": user,
                "avatar_template": avatar(&user),
                "created_at": iso(at),
                "cooked": cooked,
                "post_number": number,
                "post_type": 1,
                "updated_at": iso(at),
                "reply_count": 0,
                "reply_to_post_number": reply_to,
                "reply_to_user": reply_to.map(|r| json!({"username": authors[r as usize - 1], "avatar_template": avatar(&authors[r as usize - 1])})),
                "quote_count": 0,
                "reads": 3,
                "score": 1.2,
                "topic_id": id,
                "topic_slug": slug,
                "deleted_at": if deleted { Value::String(iso(at + 86_400)) } else { Value::Null },
                "actions_summary": [{"id": 2, "count": 1}],
                "trust_level": 1,
            }));
            authors.push(user.clone());
            t.posts += 1;
            t.replies += u64::from(number > 1);
            t.mentions += u64::from(mentioned);
            if own {
                own_posts.push((id, number, title.clone(), slug.clone()));
            }
            // Now and then a moderator closes a topic: a note, not a post.
            if k + 1 == count && g.rng.random_bool(0.1) {
                number += 1;
                stream.push(json!({
                    "id": id * 10_000 + number, "name": "Modération", "username": "moderation",
                    "avatar_template": avatar("moderation"), "created_at": iso(at + 60),
                    "cooked": "", "post_number": number, "post_type": 3,
                    "action_code": "closed.enabled", "topic_id": id,
                }));
            }
        }
        written += count;
        write_json(
            &dir.join("t").join(format!("{id}.json")),
            &json!({
                "post_stream": {"posts": stream, "stream": []},
                "id": id,
                "title": title,
                "fancy_title": title,
                "slug": slug,
                "posts_count": number,
                "created_at": iso(START + written as i64 * step),
                "category_id": category,
                "tags": [first.tag],
                "details": {"created_by": {"username": authors[0], "avatar_template": avatar(&authors[0])}},
            }),
        )?;
    }

    // Profiles of some members.
    for i in 0..profiles as usize {
        let p = &g.people[i];
        users.insert(i);
        write_json(
            &dir.join("u").join(format!("{}.json", p.handle)),
            &json!({"user_badges": [], "user": {
                "id": 100 + i, "username": p.handle, "name": p.name,
                "avatar_template": avatar(&p.handle), "trust_level": 1,
                "website": format!("https://{}.example.org", p.handle),
                "bio_raw": "Cycliste, bénévole à l'atelier.",
                "bio_cooked": "<p>Cycliste, bénévole à l'atelier.</p>",
                "created_at": iso(START), "last_seen_at": iso(START + 1000 * 86_400),
            }}),
        )?;
    }
    t.followers = profiles;

    // Likes the workshop's posts received, newest first, 30 a page.
    let mut actions = Vec::new();
    if !own_posts.is_empty() {
        let per_post = (likes_target / own_posts.len() as u64).max(1);
        for (topic, number, title, slug) in &own_posts {
            let count = g
                .rng
                .random_range(0..=per_post * 2)
                .min(likes_target - t.likes)
                .min(people as u64);
            let from = g.rng.random_range(0..people);
            for j in 0..count as usize {
                let who = (from + j) % people;
                users.insert(who);
                let p = &g.people[who];
                actions.push(json!({
                    "action_type": 2, "acting_username": p.handle, "acting_name": p.name,
                    "acting_avatar_template": avatar(&p.handle), "username": OWN, "name": OWN_NAME,
                    "avatar_template": avatar(OWN), "topic_id": topic, "post_number": number,
                    "post_id": topic * 10_000 + number, "title": title, "slug": slug,
                    "excerpt": "", "created_at": iso(START + 2 * 365 * 86_400 + j as i64),
                    "target_username": OWN,
                }));
            }
            t.likes += count;
        }
    }
    for (page, chunk) in actions.chunks(ACTIONS_PAGE).enumerate() {
        write_json(
            &dir.join(format!("user_actions-{OWN}-filter2-{:05}.json", page + 1)),
            &json!({"user_actions": chunk}),
        )?;
    }
    if t.likes > 0 {
        own_seen = true;
    }

    t.records = t.posts + profiles + t.likes;
    t.rows_posts = t.posts;
    t.rows_interactions = t.replies + t.mentions + t.likes;
    // Members seen in posts and likes, once each, plus the profiles.
    t.rows_accounts = users.len() as u64 + u64::from(own_seen) + profiles;
    Ok(t)
}

fn first_post_text(text: &str) -> String {
    format!("{text} Qu'en pensez-vous ?")
}
