//! The blog channel: WordPress exports (WXR) and RSS/Atom feeds.

use std::path::Path;

use crate::common::*;

const EXPORT: &str = "blog-wordpress-export.xml";
const FEED: &str = "blog-feed.xml";

fn truth_blog(out: &Path) -> serde_json::Value {
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    truth["blog"].clone()
}

#[test]
fn a_generated_blog_imports_with_the_counts_of_its_truth_and_its_feed_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 4, 400, "small");
    let t = truth_blog(&out);
    let n = |k: &str| t[k].as_u64().unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[out.join(EXPORT).to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "wordpress-wxr", "autodetected");
    assert_eq!(s["rejected"], 0, "{s}");
    let records = n("posts") + n("comments") + n("pingbacks") + n("trackbacks");
    assert_eq!(s["imported"].as_u64().unwrap(), records);
    let site = t["account"].as_str().unwrap();
    let q = |sql: &str| sql_count(&data, sql);
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM posts WHERE author = '{site}' AND reply_to IS NULL"
        )),
        n("posts")
    );
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM posts WHERE author = '{site}' AND reply_to IS NOT NULL"
        )),
        n("own_answers"),
        "the blog's own answers are the site's"
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'reply' AND channel = 'blog'"),
        n("comments")
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'mention' AND channel = 'blog'"),
        n("pingbacks") + n("trackbacks")
    );
    assert_eq!(
        q(&format!(
            "SELECT count(DISTINCT author) FROM posts WHERE reply_to IS NOT NULL AND author <> '{site}'"
        )),
        n("commenters"),
        "readers are one account per e-mail, whatever its case"
    );
    assert_eq!(
        q("SELECT count(*) FROM posts WHERE venue IS NOT NULL AND channel = 'blog'") > 0,
        n("pingbacks") + n("trackbacks") > 0,
        "linking pages are posts in their own venue"
    );
    // Nested comments reply to the comment, not to the post.
    assert_eq!(
        q("SELECT count(*) FROM posts WHERE channel = 'blog' AND reply_to <> reply_root"),
        n("nested") + n("own_answers")
    );
    // E-mail addresses are not stored, only their hash.
    assert_eq!(
        q("SELECT count(*) FROM account_observations WHERE array_to_string(links, ' ') LIKE '%@%'"),
        0
    );
    // The feed holds the latest posts, with the same ids: nothing new.
    let f = import(&data, &[out.join(FEED).to_str().unwrap()]);
    assert_eq!(f["files"][0]["format"], "feed");
    assert_eq!(f["imported"], 0);
    assert_eq!(f["duplicates"].as_u64().unwrap(), n("feed_posts"));
    // Re-importing the export is a no-op.
    let again = import(&data, &[out.join(EXPORT).to_str().unwrap()]);
    assert_eq!(again["imported"], 0);
    assert_eq!(again["duplicates"].as_u64().unwrap(), records);
}

/// A small export written by hand: nested comments, a pingback, a trackback,
/// spam, a pending comment, a draft, and one malformed comment.
fn small_export(bad_comment: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Le Fournil</title>
  <link>https://lefournil.example</link>
  <language>fr-FR</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://lefournil.example</wp:base_site_url>
  <wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[anne]]></wp:author_login></wp:author>
  <wp:newfield>unknown fields are ignored</wp:newfield>
  <item>
    <title>Pain au levain &amp; épeautre</title>
    <link>https://lefournil.example/pain-levain/</link>
    <pubDate>Mon, 04 Mar 2024 08:00:00 +0000</pubDate>
    <guid isPermaLink="false">https://lefournil.example/?p=7</guid>
    <content:encoded><![CDATA[<p>Notre recette du <strong>levain</strong>. <a href="https://lefournil.example/atelier?utm_source=blog&amp;utm_medium=social&amp;utm_campaign=levain">Inscriptions</a> #boulange</p>]]></content:encoded>
    <wp:post_id>7</wp:post_id>
    <wp:post_date_gmt><![CDATA[2024-03-04 08:00:00]]></wp:post_date_gmt>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="post_tag" nicename="levain"><![CDATA[Levain]]></category>
    <wp:comment>
      <wp:comment_id>1</wp:comment_id>
      <wp:comment_author><![CDATA[Jean]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[jean@example.org]]></wp:comment_author_email>
      <wp:comment_date_gmt><![CDATA[2024-03-04 09:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Vous faites des ateliers le dimanche ?]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_type><![CDATA[comment]]></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>2</wp:comment_id>
      <wp:comment_author><![CDATA[Anne]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2024-03-04 10:30:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Oui, un dimanche sur deux !]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_type><![CDATA[comment]]></wp:comment_type>
      <wp:comment_parent>1</wp:comment_parent>
      <wp:comment_user_id>3</wp:comment_user_id>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>3</wp:comment_id>
      <wp:comment_author><![CDATA[Marie]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[Marie@Example.org]]></wp:comment_author_email>
      <wp:comment_date_gmt><![CDATA[2024-03-04 11:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[<p>Moi aussi j'y serai, Jean&nbsp;!</p>]]></wp:comment_content>
      <wp:comment_approved><![CDATA[0]]></wp:comment_approved>
      <wp:comment_type><![CDATA[]]></wp:comment_type>
      <wp:comment_parent>1</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
      <wp:commentmeta><wp:meta_key>x</wp:meta_key></wp:commentmeta>
    </wp:comment>
    {bad_comment}
    <wp:comment>
      <wp:comment_id>5</wp:comment_id>
      <wp:comment_author><![CDATA[Cheap pills]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2024-03-04 12:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Buy now!!!]]></wp:comment_content>
      <wp:comment_approved><![CDATA[spam]]></wp:comment_approved>
      <wp:comment_type><![CDATA[comment]]></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>6</wp:comment_id>
      <wp:comment_author><![CDATA[Pain Quotidien » Nos blogs préférés]]></wp:comment_author>
      <wp:comment_author_url>https://painquotidien.example/blogs-preferes/</wp:comment_author_url>
      <wp:comment_date_gmt><![CDATA[2024-03-05 12:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[[…] la recette du Fournil […]]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_type><![CDATA[pingback]]></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>8</wp:comment_id>
      <wp:comment_author><![CDATA[Farine & Co]]></wp:comment_author>
      <wp:comment_author_url>http://www.farine.example/revue</wp:comment_author_url>
      <wp:comment_date_gmt><![CDATA[2024-03-06 12:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Un trackback]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_type><![CDATA[trackback]]></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>
  </item>
  <item>
    <title>Brouillon</title>
    <guid isPermaLink="false">https://lefournil.example/?p=9</guid>
    <wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
    <wp:status><![CDATA[draft]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
</channel>
</rss>
"#
    )
}

const BAD_DATE_COMMENT: &str = r#"<wp:comment>
      <wp:comment_id>4</wp:comment_id>
      <wp:comment_author><![CDATA[Luc]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[hier soir]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Bravo !]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_parent>0</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>"#;

#[test]
fn an_export_keeps_threads_pingbacks_and_rejects_only_the_malformed_comment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xml");
    std::fs::write(&path, small_export(BAD_DATE_COMMENT)).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[path.to_str().unwrap()]);
    // The post, comments 1–3, the pingback and the trackback; comment 4 is
    // rejected, the spam and the draft are left out.
    assert_eq!(s["imported"], 6, "{s}");
    assert_eq!(s["rejected"], 1);
    let r = rejects(&s);
    assert_eq!(r[0]["reason"], "bad date", "{r:?}");
    assert!(
        r[0]["detail"].as_str().unwrap().contains("comment 4"),
        "{r:?}"
    );
    let line = r[0]["line"].as_u64().unwrap();
    let expected = small_export(BAD_DATE_COMMENT)
        .lines()
        .position(|l| l.contains("<wp:comment_id>4<"))
        .unwrap() as u64;
    assert!(
        (expected - 1..=expected + 1).contains(&line),
        "reported line {line}, the comment starts near line {expected}"
    );
    let v = json(
        &data,
        &[
            "sql",
            "SELECT post, author, reply_to, text, hashtags, links FROM posts ORDER BY at",
            "--json",
        ],
    );
    let rows = v.as_array().unwrap();
    assert_eq!(rows[0]["post"], "blog:https://lefournil.example/?p=7");
    assert_eq!(rows[0]["author"], "blog:lefournil.example");
    assert_eq!(
        rows[0]["text"],
        "Pain au levain & épeautre\n\nNotre recette du levain. Inscriptions #boulange"
    );
    assert_eq!(
        rows[0]["hashtags"],
        serde_json::json!(["levain", "boulange"])
    );
    assert!(
        rows[0]["links"][0]
            .as_str()
            .unwrap()
            .contains("utm_campaign=levain")
    );
    // The blog user's answer is the site's, replying to Jean's comment.
    assert_eq!(rows[2]["author"], "blog:lefournil.example");
    assert_eq!(
        rows[2]["reply_to"],
        "blog:https://lefournil.example/?p=7#comment-1"
    );
    // Marie's pending comment answers Jean; HTML entities are decoded.
    assert_eq!(rows[3]["text"], "Moi aussi j'y serai, Jean !");
    assert_eq!(
        rows[3]["reply_to"],
        "blog:https://lefournil.example/?p=7#comment-1"
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'mention' AND target_account = 'blog:lefournil.example'"
        ),
        2
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM posts WHERE venue IN ('painquotidien.example', 'farine.example')"
        ),
        2
    );
    // `levain own add` finds the blog by its host.
    let o = levain(&data, &["own", "add", "lefournil.example"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_truncated_export_keeps_the_complete_items_and_says_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 5, 200, "small");
    let full = std::fs::read_to_string(out.join(EXPORT)).unwrap();
    let cut = full.len() / 2;
    let cut = (0..=cut).rev().find(|i| full.is_char_boundary(*i)).unwrap();
    let half = &full[..cut];
    let complete_items = half.matches("</item>").count();
    let path = dir.path().join("half.xml");
    std::fs::write(&path, half).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[path.to_str().unwrap()]);
    assert_eq!(s["rejected"], 1, "{s}");
    let r = rejects(&s);
    assert_eq!(r[0]["reason"], "truncated file", "{r:?}");
    let posts = sql_count(
        &data,
        "SELECT count(*) FROM posts WHERE reply_to IS NULL AND venue IS NULL",
    );
    assert!(
        posts as usize <= complete_items && posts as usize + 3 >= complete_items,
        "{posts} posts from {complete_items} complete items (drafts excepted)"
    );
    // The whole export afterwards adds the rest, without duplicating.
    let s2 = import(&data, &[out.join(EXPORT).to_str().unwrap()]);
    assert_eq!(s2["rejected"], 0);
    let t = truth_blog(&out);
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM posts WHERE reply_to IS NULL AND venue IS NULL"
        ),
        t["posts"].as_u64().unwrap()
    );
}

#[test]
fn a_comment_in_a_wrong_encoding_is_rejected_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let text = small_export("");
    // Latin-1 bytes for "é" in Jean's comment, in a file that says UTF-8.
    let mut bytes = text.into_bytes();
    let at = bytes.windows(9).position(|w| w == b"Vous fait").unwrap();
    bytes[at + 1] = 0xe9;
    let path = dir.path().join("latin1.xml");
    std::fs::write(&path, bytes).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[path.to_str().unwrap()]);
    assert_eq!(s["rejected"], 1, "{s}");
    assert_eq!(rejects(&s)[0]["reason"], "wrong encoding");
    assert_eq!(s["imported"], 5);
}

#[test]
fn feeds_of_the_wrong_kind_or_platform_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 6, 60, "small");
    let data = dir.path().join("store");
    let o = levain(
        &data,
        &["import", "wordpress-wxr", out.join(FEED).to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("this looks like feed"),
        "{}",
        stderr(&o)
    );
    let o = levain(
        &data,
        &["import", "feed", out.join(EXPORT).to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("looks like wordpress-wxr"),
        "{}",
        stderr(&o)
    );
    let o = levain(
        &data,
        &["import", "wordpress-wxr", jetstream(&out).to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("looks like bluesky-jetstream"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_atom_feed_imports_its_entries_as_the_blogs_posts() {
    let dir = tempfile::tempdir().unwrap();
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Rayon Workshop notes</title>
  <link href="https://notes.example.org/" rel="alternate"/>
  <link href="https://notes.example.org/atom.xml" rel="self"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-05-02T10:00:00Z</updated>
  <entry>
    <title>Truing a wheel</title>
    <link href="https://notes.example.org/truing"/>
    <id>tag:notes.example.org,2024:truing</id>
    <published>2024-05-01T09:00:00Z</published>
    <updated>2024-05-02T10:00:00Z</updated>
    <category term="repair"/>
    <content type="html">&lt;p&gt;Spoke by spoke. #wheels&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>No date here</title>
    <id>tag:notes.example.org,2024:nodate</id>
  </entry>
</feed>
"#;
    let path = dir.path().join("atom.xml");
    std::fs::write(&path, atom).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[path.to_str().unwrap()]);
    assert_eq!(s["files"][0]["format"], "feed");
    assert_eq!(s["imported"], 1, "{s}");
    assert_eq!(s["rejected"], 1);
    let v = json(
        &data,
        &[
            "sql",
            "SELECT post, author, lang, text, hashtags FROM posts",
            "--json",
        ],
    );
    assert_eq!(v[0]["post"], "blog:tag:notes.example.org,2024:truing");
    assert_eq!(v[0]["author"], "blog:notes.example.org");
    assert_eq!(v[0]["text"], "Truing a wheel\n\nSpoke by spoke. #wheels");
    assert_eq!(v[0]["hashtags"], serde_json::json!(["repair", "wheels"]));
}

#[test]
fn a_domain_handle_names_the_bluesky_account_and_the_blog_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 7, 60, "small");
    let data = dir.path().join("store");
    import(&data, &[out.to_str().unwrap()]);
    let o = levain(&data, &["own", "add", "@latelierdurayon.fr"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let own = json(&data, &["own", "list", "--json"]);
    let own: Vec<&str> = own["own"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(own.len(), 2, "{own:?}");
    assert!(own.contains(&"blog:latelierdurayon.fr"));
    assert!(own.iter().any(|a| a.starts_with("bluesky:did:")));
    // A personal account must be named exactly.
    let o = levain(&data, &["own", "add", "@latelierdurayon.fr", "--personal"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("give the key"), "{}", stderr(&o));
}
