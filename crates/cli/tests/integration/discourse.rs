//! Discourse forums: topic, /posts.json, /u/ and /user_actions.json documents.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::*;

const HOST: &str = "forum.velo.example";

fn avatar(user: &str) -> String {
    format!("/user_avatar/{HOST}/{user}/{{size}}/1{}_2.png", user.len())
}

/// A post as Discourse serialises it in a topic's `post_stream`.
fn post(id: u64, number: u64, user: &str, cooked: &str, reply_to: Option<(u64, &str)>) -> Value {
    json!({
        "id": id,
        "name": format!("{} Martin", user.to_uppercase()),
        "username": user,
        "avatar_template": avatar(user),
        "created_at": format!("2024-03-04T09:{:02}:00.000Z", number),
        "cooked": cooked,
        "post_number": number,
        "post_type": 1,
        "updated_at": "2024-03-04T12:00:00.000Z",
        "reply_count": 0,
        "reply_to_post_number": reply_to.map(|r| r.0),
        "quote_count": 0,
        "reads": 12,
        "score": 2.4,
        "yours": false,
        "topic_id": 7,
        "topic_slug": "ateliers-reparation",
        "display_username": user,
        "primary_group_name": null,
        "version": 1,
        "can_edit": false,
        "user_title": null,
        "reply_to_user": reply_to.map(|r| json!({"username": r.1, "avatar_template": avatar(r.1)})),
        "actions_summary": [{"id": 2, "count": 4}],
        "link_counts": [],
        "moderator": false,
        "admin": false,
        "staff": false,
        "user_id": id * 10,
        "hidden": false,
        "trust_level": 1,
        "deleted_at": null,
        "user_deleted": false,
        "wiki": false,
    })
}

fn topic_doc(posts: Vec<Value>) -> Value {
    json!({
        "post_stream": {"posts": posts, "stream": [70, 71, 72, 73]},
        "timeline_lookup": [[1, 3]],
        "tags": ["reparation", {"id": 3, "name": "Atelier", "slug": "atelier"}],
        "id": 7,
        "title": "Ateliers de réparation",
        "fancy_title": "Ateliers de r&eacute;paration",
        "posts_count": 4,
        "created_at": "2024-03-04T09:01:00.000Z",
        "slug": "ateliers-reparation",
        "category_id": 5,
        "details": {
            "created_by": {"id": 700, "username": "anne", "avatar_template": avatar("anne")},
            "participants": [{"id": 700, "username": "anne", "post_count": 2}],
        },
    })
}

fn topic_posts() -> Vec<Value> {
    vec![
        post(
            70,
            1,
            "anne",
            r#"<p>Samedi, atelier au local. <a href="https://velo.example/agenda">Agenda</a></p>"#,
            None,
        ),
        post(71, 2, "bob", "<p>J'apporte des rayons.</p>", None),
        post(
            72,
            3,
            "carla",
            r#"<p><a class="mention" href="/u/bob">@bob</a> merci ! Voir <a href="/t/pneus/9">pneus</a></p>"#,
            Some((2, "bob")),
        ),
        post(73, 4, "anne", "<p>À samedi.</p>", Some((3, "carla"))),
    ]
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

fn latest_posts() -> Value {
    let mut overlap = post(73, 4, "anne", "<p>À samedi.</p>", Some((3, "carla")));
    let mut fresh = post(90, 2, "dan", "<p>Quelqu'un a une clé à rayons ?</p>", None);
    for (p, topic, title, slug) in [
        (
            &mut overlap,
            7,
            "Ateliers de réparation",
            "ateliers-reparation",
        ),
        (&mut fresh, 9, "Pneus", "pneus"),
    ] {
        p["topic_id"] = json!(topic);
        p["topic_title"] = json!(title);
        p["topic_slug"] = json!(slug);
        p["category_id"] = json!(5);
        p["excerpt"] = json!("…");
    }
    json!({"latest_posts": [overlap, fresh]})
}

fn like(kind: u8, liker: &str, author: &str, topic: u64, number: u64, post_id: u64) -> Value {
    json!({
        "excerpt": "…",
        "action_type": kind,
        "created_at": "2024-03-05T10:00:00.000Z",
        "avatar_template": avatar(author),
        "acting_avatar_template": avatar(liker),
        "slug": "ateliers-reparation",
        "topic_id": topic,
        "target_user_id": 1,
        "target_name": null,
        "target_username": if kind == 1 { liker } else { author },
        "post_number": number,
        "post_id": post_id,
        "reply_to_post_number": null,
        "username": author,
        "name": null,
        "user_id": 700,
        "acting_username": liker,
        "acting_name": format!("{liker} M."),
        "acting_user_id": 800,
        "title": "Ateliers de réparation",
        "deleted": false,
        "hidden": false,
        "post_type": 1,
        "action_code": null,
        "category_id": 5,
        "closed": false,
        "archived": false,
    })
}

#[test]
fn a_topic_posts_json_likes_and_a_profile_make_one_consistent_forum() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let topic = write(dir.path(), "t-7.json", &topic_doc(topic_posts()));
    let s = import(&data, &[topic.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "discourse", "autodetected");
    assert_eq!(s["imported"], 4, "{s}");
    assert_eq!(s["rejected"], 0);
    let v = json(
        &data,
        &[
            "sql",
            "SELECT post, author, text, url, reply_to, reply_root, venue, hashtags, links, mentions FROM posts ORDER BY at",
            "--json",
        ],
    );
    let p = |i: usize, k: &str| v[i][k].clone();
    let t = |n: u64| format!("discourse:{HOST}/t/7/{n}");
    assert_eq!(p(0, "post"), t(1));
    assert_eq!(p(0, "author"), format!("discourse:{HOST}/u/anne"));
    assert_eq!(
        p(0, "text"),
        "Ateliers de réparation\n\nSamedi, atelier au local. Agenda"
    );
    assert_eq!(
        p(0, "url"),
        format!("https://{HOST}/t/ateliers-reparation/7/1")
    );
    assert_eq!(p(0, "reply_to"), Value::Null);
    assert_eq!(p(0, "venue"), format!("{HOST}/c/5"));
    assert_eq!(p(0, "hashtags"), json!(["reparation", "atelier"]));
    assert_eq!(p(0, "links"), json!(["https://velo.example/agenda"]));
    // Bob answers the topic: post #1; Carla answers Bob's post #2.
    assert_eq!(p(1, "reply_to"), t(1));
    assert_eq!(p(1, "reply_root"), t(1));
    assert_eq!(p(2, "reply_to"), t(2));
    assert_eq!(p(3, "reply_to"), t(3));
    assert_eq!(p(2, "mentions"), json!([format!("discourse:{HOST}/u/bob")]));
    assert_eq!(p(2, "links"), json!([format!("https://{HOST}/t/pneus/9")]));
    let q = |sql: &str| sql_count(&data, sql);
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM interactions WHERE kind = 'reply' AND target_account = 'discourse:{HOST}/u/anne'"
        )),
        1,
        "Bob's reply to the topic goes to its creator"
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'reply'"),
        3
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'like'"),
        0,
        "like counts name no one: no like is invented"
    );
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM accounts WHERE account = 'discourse:{HOST}/u/carla' AND display_name = 'CARLA Martin'"
        )),
        1
    );

    // /posts.json repeats post #4 of the topic: stored once.
    let latest = write(dir.path(), "posts.json", &latest_posts());
    let s = import(&data, &[latest.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "discourse");
    assert_eq!(s["imported"], 1, "{s}");
    assert_eq!(s["duplicates"], 1);
    assert_eq!(q("SELECT count(*) FROM posts"), 5);
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM posts WHERE post = 'discourse:{HOST}/t/9/2' AND reply_to = 'discourse:{HOST}/t/9/1' AND url = 'https://{HOST}/t/pneus/9/2'"
        )),
        1
    );

    // Likes given by Bob and received by Anne: the same like is one row.
    let given = json!({"user_actions": [like(1, "bob", "anne", 7, 1, 70), like(1, "bob", "carla", 7, 3, 72)]});
    let received = json!({"user_actions": [like(2, "bob", "anne", 7, 1, 70), like(2, "dan", "anne", 7, 4, 73)]});
    let g = write(dir.path(), "likes-bob.json", &given);
    let r = write(dir.path(), "likes-anne.json", &received);
    let s = import(&data, &[g.to_str().unwrap(), r.to_str().unwrap()]);
    assert_eq!(s["imported"], 3, "{s}");
    assert_eq!(s["duplicates"], 1);
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM interactions WHERE kind = 'like' AND actor = 'discourse:{HOST}/u/bob' AND target_post = 'discourse:{HOST}/t/7/1' AND target_account = 'discourse:{HOST}/u/anne'"
        )),
        1
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM interactions i JOIN posts p ON p.post = i.target_post WHERE i.kind = 'like' AND p.author = i.target_account AND i.channel = 'discourse'"
        ),
        3,
        "every like points at a stored post of its author"
    );

    // A profile: website and the links of the bio.
    let profile = json!({
        "user_badges": [],
        "badges": [],
        "users": [],
        "user": {
            "id": 700, "username": "anne", "name": "Anne Martin",
            "avatar_template": avatar("anne"),
            "last_posted_at": "2024-03-04T09:04:00.000Z",
            "last_seen_at": "2024-03-06T18:00:00.000Z",
            "created_at": "2021-01-10T08:00:00.000Z",
            "trust_level": 2, "moderator": false, "admin": false,
            "website": "https://anne.example.org",
            "website_name": "anne.example.org",
            "location": "Lyon",
            "bio_raw": "Mécanicienne. [Mastodon](https://piaille.example/@anne)",
            "bio_cooked": "<p>Mécanicienne. <a href=\"https://piaille.example/@anne\" rel=\"noopener nofollow ugc\">Mastodon</a></p>",
            "profile_view_count": 40,
            "user_fields": {"1": "vélo"},
        }
    });
    let u = write(dir.path(), "u-anne.json", &profile);
    let s = import(&data, &[u.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "discourse");
    assert_eq!(s["imported"], 1, "{s}");
    let v = json(
        &data,
        &[
            "sql",
            &format!(
                "SELECT display_name, bio, links FROM account_observations WHERE account = 'discourse:{HOST}/u/anne' AND bio IS NOT NULL"
            ),
            "--json",
        ],
    );
    assert_eq!(v[0]["display_name"], "Anne Martin");
    assert_eq!(v[0]["bio"], "Mécanicienne. Mastodon");
    assert_eq!(
        v[0]["links"],
        json!(["https://anne.example.org", "https://piaille.example/@anne"])
    );

    // Everything again: nothing new.
    let all: Vec<&str> = [&topic, &latest, &g, &r, &u]
        .iter()
        .map(|p| p.to_str().unwrap())
        .collect();
    let again = import(&data, &all);
    assert_eq!(again["imported"], 0, "{again}");
    assert_eq!(again["duplicates"], 4 + 2 + 4 + 1);
}

#[test]
fn a_bad_post_among_good_ones_is_rejected_alone_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let mut posts = topic_posts();
    posts[1].as_object_mut().unwrap().remove("username");
    posts[2]["a_field_from_a_future_version"] = json!({"nested": [1, 2, 3]});
    let doc = topic_doc(posts);
    let path = write(dir.path(), "t-7.json", &doc);
    let s = import(&data, &[path.to_str().unwrap()]);
    assert_eq!(s["imported"], 3, "{s}");
    assert_eq!(s["rejected"], 1);
    let r = rejects(&s);
    assert_eq!(r[0]["reason"], "missing field", "{r:?}");
    assert!(r[0]["detail"].as_str().unwrap().contains("post 2"), "{r:?}");
    // The pretty-printed post spans many lines: the reported one is inside
    // it, after the line of the post before.
    let text = std::fs::read_to_string(&path).unwrap();
    let line_of = |s: &str| text.lines().position(|l| l.contains(s)).unwrap() as u64 + 1;
    let line = r[0]["line"].as_u64().unwrap();
    assert!(
        line > line_of("\"id\": 70,") && line <= line_of("\"id\": 71,"),
        "reported line {line}"
    );
}

#[test]
fn a_truncated_or_misencoded_document_is_reported_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let full = serde_json::to_vec_pretty(&topic_doc(topic_posts())).unwrap();
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, &full[..full.len() * 2 / 3]).unwrap();
    let s = import(&data, &["discourse", cut.to_str().unwrap()]);
    assert_eq!(s["imported"], 0);
    assert_eq!(s["rejected"], 1, "{s}");
    let r = rejects(&s);
    assert_eq!(r[0]["reason"], "truncated file");
    assert!(r[0]["detail"].as_str().unwrap().contains("column"), "{r:?}");
    assert!(r[0]["line"].as_u64().unwrap() > 10);

    // Latin-1 bytes in one post, in a file that is otherwise UTF-8.
    let mut bytes = full.clone();
    let at = bytes.windows(7).position(|w| w == b"J'appor").unwrap();
    bytes[at + 2] = 0xe0;
    let latin = dir.path().join("latin1.json");
    std::fs::write(&latin, bytes).unwrap();
    let s = import(&data, &[latin.to_str().unwrap()]);
    assert_eq!(s["rejected"], 1, "{s}");
    assert_eq!(rejects(&s)[0]["reason"], "wrong encoding");
    assert_eq!(s["imported"], 3);
}

#[test]
fn discourse_and_other_formats_are_not_taken_for_one_another() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 6, 30, "small");
    let data = dir.path().join("store");
    let topic = write(dir.path(), "t-7.json", &topic_doc(topic_posts()));
    let o = levain(
        &data,
        &["import", "bluesky-jetstream", topic.to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("this looks like discourse"),
        "{}",
        stderr(&o)
    );
    for (file, format) in [
        (jetstream(&out), "bluesky-jetstream"),
        (out.join("blog-feed.xml"), "feed"),
    ] {
        let o = levain(&data, &["import", "discourse", file.to_str().unwrap()]);
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains(&format!("this looks like {format}")),
            "{}",
            stderr(&o)
        );
    }
    // JSON that is not a Discourse document, forced: refused, saying what
    // was expected.
    let other = write(dir.path(), "other.json", &json!({"items": [1, 2]}));
    let o = levain(&data, &["import", "discourse", other.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("post_stream"), "{}", stderr(&o));
}

#[test]
fn a_forum_without_uploaded_avatars_is_named_with_site() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let mut posts = topic_posts();
    for p in &mut posts {
        p["avatar_template"] = json!("/letter_avatar_proxy/v4/letter/a/ec9cab/{size}.png");
        p["reply_to_user"] = Value::Null;
    }
    let mut doc = topic_doc(posts);
    doc["details"]["created_by"]["avatar_template"] =
        json!("/letter_avatar_proxy/v4/letter/a/ec9cab/{size}.png");
    let path = write(dir.path(), "t-7.json", &doc);
    let o = levain(&data, &["import", path.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--site"), "{}", stderr(&o));
    let s = import(
        &data,
        &[path.to_str().unwrap(), "--site", "petit-forum.example"],
    );
    assert_eq!(s["imported"], 4, "{s}");
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM posts WHERE post LIKE 'discourse:petit-forum.example/t/7/%'"
        ),
        4
    );
}

#[test]
fn an_oversized_document_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let path = dir.path().join("huge.json");
    // A real document, then spaces past the sniffed head, then a sparse tail.
    let mut head = serde_json::to_vec(&topic_doc(topic_posts())).unwrap();
    head.resize(128 << 10, b' ');
    std::fs::write(&path, &head).unwrap();
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(300 << 20).unwrap();
    let o = levain(&data, &["import", "discourse", path.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("256 MiB"), "{}", stderr(&o));
}
