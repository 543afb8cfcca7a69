use crate::common::*;

const A: &str = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb";
const C: &str = "did:plc:cccccccccccccccccccccccc";

fn rows(data: &std::path::Path, sql: &str) -> Vec<serde_json::Value> {
    json(data, &["sql", sql, "--json"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_deleted_follow_is_an_unfollow_of_the_followed_account() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    // Same file: follow then delete.
    let f1 = write_lines(
        dir.path(),
        "one.ndjson",
        &[
            follow(A, "3kf1", B, 1_700_000_000_000_000),
            follow(A, "3kf2", C, 1_700_000_001_000_000),
            delete(A, "app.bsky.graph.follow", "3kf1", 1_700_000_100_000_000),
        ],
    );
    import(&data, &[f1.to_str().unwrap()]);
    // Another import: the delete of a follow imported earlier, and the delete
    // of a follow the data never saw.
    let f2 = write_lines(
        dir.path(),
        "two.ndjson",
        &[
            delete(A, "app.bsky.graph.follow", "3kf2", 1_700_000_200_000_000),
            delete(C, "app.bsky.graph.follow", "3unseen", 1_700_000_300_000_000),
        ],
    );
    let s = import(&data, &[f2.to_str().unwrap()]);
    assert_eq!(s["imported"], 2);
    let u = rows(
        &data,
        "SELECT actor, target_account, ends, CAST(at AS VARCHAR) AS at FROM interactions WHERE kind = 'unfollow' ORDER BY at",
    );
    assert_eq!(u.len(), 3);
    assert_eq!(u[0]["actor"], format!("bluesky:{A}"));
    assert_eq!(u[0]["target_account"], format!("bluesky:{B}"));
    assert_eq!(
        u[0]["ends"],
        format!("bluesky:at://{A}/app.bsky.graph.follow/3kf1")
    );
    assert_eq!(u[1]["target_account"], format!("bluesky:{C}"));
    assert!(
        u[2].get("target_account").is_none_or(|v| v.is_null()),
        "{:?}",
        u[2]
    );
    // The follows are ended, not erased.
    let f = rows(
        &data,
        "SELECT target_account, ended_at IS NOT NULL AS ended FROM interactions WHERE kind = 'follow' ORDER BY target_account",
    );
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|r| r["ended"] == true));
    // Re-importing both files changes nothing.
    let again = import(&data, &[f1.to_str().unwrap(), f2.to_str().unwrap()]);
    assert_eq!(again["imported"], 0);
    assert_eq!(again["duplicates"], 5);
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'unfollow'"
        ),
        3
    );
}

#[test]
fn deleted_likes_and_posts_are_ended_not_erased() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let post = format!(
        r#"{{"did":"{B}","time_us":1700000000000000,"kind":"commit","commit":{{"rev":"r","operation":"create","collection":"app.bsky.feed.post","rkey":"3p","record":{{"$type":"app.bsky.feed.post","createdAt":"2023-11-14T22:13:20.000Z","langs":["fr"],"text":"Bonjour"}},"cid":"bafyreib"}}}}"#
    );
    let f = write_lines(
        dir.path(),
        "e.ndjson",
        &[
            post,
            like(
                A,
                "3l",
                &format!("at://{B}/app.bsky.feed.post/3p"),
                1_700_000_001_000_000,
            ),
            delete(A, "app.bsky.feed.like", "3l", 1_700_000_002_000_000),
            delete(B, "app.bsky.feed.post", "3p", 1_700_000_003_000_000),
        ],
    );
    let s = import(&data, &[f.to_str().unwrap()]);
    assert_eq!(s["imported"], 4);
    let like = rows(
        &data,
        "SELECT CAST(ended_at AS VARCHAR) AS e FROM interactions WHERE kind = 'like'",
    );
    assert_eq!(like.len(), 1);
    assert!(
        like[0]["e"]
            .as_str()
            .unwrap()
            .starts_with("2023-11-14T22:13:22"),
        "{like:?}"
    );
    let p = rows(
        &data,
        "SELECT text, lang, deleted_at IS NOT NULL AS gone FROM posts",
    );
    assert_eq!(p[0]["text"], "Bonjour");
    assert_eq!(p[0]["lang"], "fr");
    assert_eq!(p[0]["gone"], true);
}

#[test]
fn replies_quotes_mentions_hashtags_links_and_via_are_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let parent = format!("at://{B}/app.bsky.feed.post/3parent");
    let quoted = format!("at://{C}/app.bsky.feed.post/3quoted");
    // Text: "Vive le #vélotaf avec @c.test https://x.fr" — byte offsets of
    // the tag count the two bytes of "é".
    let reply = format!(
        r##"{{"did":"{A}","time_us":1700000000000000,"kind":"commit","commit":{{"rev":"r","operation":"create","collection":"app.bsky.feed.post","rkey":"3reply","record":{{"$type":"app.bsky.feed.post","createdAt":"2023-11-14T22:13:20.000Z","text":"Vive le #vélotaf avec @c.test https://x.fr","facets":[{{"features":[{{"$type":"app.bsky.richtext.facet#tag","tag":"Vélotaf"}}],"index":{{"byteStart":8,"byteEnd":17}}}},{{"features":[{{"$type":"app.bsky.richtext.facet#mention","did":"{C}"}}],"index":{{"byteStart":23,"byteEnd":30}}}},{{"features":[{{"$type":"app.bsky.richtext.facet#link","uri":"https://x.fr/?utm_source=bsky"}}],"index":{{"byteStart":31,"byteEnd":43}}}}],"reply":{{"parent":{{"cid":"c1","uri":"{parent}"}},"root":{{"cid":"c1","uri":"{parent}"}}}},"embed":{{"$type":"app.bsky.embed.recordWithMedia","record":{{"record":{{"cid":"c2","uri":"{quoted}"}}}},"media":{{}}}}}},"cid":"bafyreic"}}}}"##
    );
    let via_like = format!(
        r#"{{"did":"{C}","time_us":1700000005000000,"kind":"commit","commit":{{"rev":"r","operation":"create","collection":"app.bsky.feed.like","rkey":"3lv","record":{{"$type":"app.bsky.feed.like","createdAt":"2023-11-14T22:13:25.000Z","subject":{{"cid":"c","uri":"{parent}"}},"via":{{"cid":"c","uri":"at://{A}/app.bsky.feed.repost/3rp"}},"brandNewField":true}},"cid":"bafyreid"}}}}"#
    );
    // `record` before `collection`: still decoded.
    let reordered = format!(
        r#"{{"kind":"commit","time_us":1700000006000000,"did":"{B}","commit":{{"record":{{"subject":"{A}","createdAt":"2023-11-14T22:13:26.000Z"}},"rkey":"3f","collection":"app.bsky.graph.follow","operation":"create","rev":"r"}}}}"#
    );
    let f = write_lines(dir.path(), "e.ndjson", &[reply, via_like, reordered]);
    let s = import(&data, &[f.to_str().unwrap()]);
    assert_eq!(s["imported"], 3, "{s}");
    let p = rows(
        &data,
        "SELECT reply_to, reply_root, quote_of, hashtags, mentions, links, url FROM posts",
    );
    assert_eq!(p[0]["reply_to"], format!("bluesky:{parent}"));
    assert_eq!(p[0]["quote_of"], format!("bluesky:{quoted}"));
    assert_eq!(p[0]["hashtags"], serde_json::json!(["vélotaf"]));
    assert_eq!(
        p[0]["mentions"],
        serde_json::json!([format!("bluesky:{C}")])
    );
    assert_eq!(
        p[0]["links"],
        serde_json::json!(["https://x.fr/?utm_source=bsky"])
    );
    assert_eq!(
        p[0]["url"],
        format!("https://bsky.app/profile/{A}/post/3reply")
    );
    let kinds = rows(
        &data,
        "SELECT kind, target_account, via FROM interactions ORDER BY kind",
    );
    let got: Vec<(String, String)> = kinds
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().into(),
                r["target_account"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("follow".into(), format!("bluesky:{A}")),
            ("like".into(), format!("bluesky:{B}")),
            ("mention".into(), format!("bluesky:{C}")),
            ("quote".into(), format!("bluesky:{C}")),
            ("reply".into(), format!("bluesky:{B}")),
        ]
    );
    assert_eq!(
        kinds[1]["via"],
        format!("bluesky:at://{A}/app.bsky.feed.repost/3rp")
    );
}

#[test]
fn identity_and_profile_events_name_accounts_and_own_accepts_handles() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let identity = format!(
        r#"{{"did":"{A}","time_us":1700000000000000,"kind":"identity","identity":{{"did":"{A}","handle":"atelier.example.fr","seq":42,"time":"2023-11-14T22:13:20.000Z"}}}}"#
    );
    let profile = format!(
        r#"{{"did":"{A}","time_us":1700000001000000,"kind":"commit","commit":{{"rev":"r","operation":"update","collection":"app.bsky.actor.profile","rkey":"self","record":{{"$type":"app.bsky.actor.profile","displayName":"L'Atelier","description":"Vélos à Lyon"}},"cid":"bafyreip"}}}}"#
    );
    let account = format!(
        r#"{{"did":"{B}","time_us":1700000002000000,"kind":"account","account":{{"active":false,"did":"{B}","seq":43,"status":"deactivated","time":"2023-11-14T22:13:22.000Z"}}}}"#
    );
    let f = write_lines(dir.path(), "e.ndjson", &[identity, profile, account]);
    import(&data, &[f.to_str().unwrap()]);
    let a = rows(
        &data,
        "SELECT account, handle, display_name, bio, status, own FROM accounts ORDER BY account",
    );
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["handle"], "atelier.example.fr");
    assert_eq!(a[0]["display_name"], "L'Atelier");
    assert_eq!(a[0]["bio"], "Vélos à Lyon");
    assert_eq!(a[1]["status"], "deactivated");
    let o = levain(&data, &["own", "add", "@atelier.example.fr"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let own = json(&data, &["own", "list", "--json"]);
    assert_eq!(own["own"], serde_json::json!([format!("bluesky:{A}")]));
    assert_eq!(
        sql_count(&data, "SELECT count(*) FROM accounts WHERE own"),
        1
    );
    let o = levain(&data, &["own", "add", "@nobody.example"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no account with handle"),
        "{}",
        stderr(&o)
    );
    let o = levain(&data, &["own", "remove", &format!("bluesky:{A}")]);
    assert!(o.status.success());
    assert_eq!(
        json(&data, &["own", "list", "--json"])["own"],
        serde_json::json!([])
    );
}

#[test]
fn the_real_jetstream_capture_imports_with_its_foreign_collections_rejected() {
    let Some(file) = shared_fixture("bluesky-jetstream/expected_v1.jsonl") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[file.to_str().unwrap()]);
    // 152 events: 3 are collections levain does not read (a block and two
    // status records); one of the 4 deletes is a post, 3 are follows.
    assert_eq!(s["imported"], 149, "{s}");
    assert_eq!(s["rejected"], 3);
    assert_eq!(s["reasons"]["unsupported collection"], 3);
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'like'"
        ),
        105
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM interactions WHERE kind = 'unfollow'"
        ),
        3
    );
    assert_eq!(
        sql_count(&data, "SELECT count(*) FROM deletions WHERE kind = 'post'"),
        1
    );
    assert_eq!(sql_count(&data, "SELECT count(*) FROM posts"), 17);
    let handle = sql_count(
        &data,
        "SELECT count(*) FROM accounts WHERE account = 'bluesky:did:plc:hqvhxrowqbemo5e4wjnj6zao' AND status = 'active'",
    );
    assert_eq!(handle, 1);
}

#[test]
fn an_unfollow_imported_before_its_follow_still_names_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let later = write_lines(
        dir.path(),
        "later.ndjson",
        &[delete(
            A,
            "app.bsky.graph.follow",
            "3kf9",
            1_700_000_100_000_000,
        )],
    );
    let earlier = write_lines(
        dir.path(),
        "earlier.ndjson",
        &[follow(A, "3kf9", B, 1_700_000_000_000_000)],
    );
    // Imported out of order: the delete first, its follow afterwards.
    import(&data, &[later.to_str().unwrap()]);
    import(&data, &[earlier.to_str().unwrap()]);
    let u = rows(
        &data,
        "SELECT target_account FROM interactions WHERE kind = 'unfollow'",
    );
    assert_eq!(u[0]["target_account"], format!("bluesky:{B}"));
    let f = rows(
        &data,
        "SELECT ended_at IS NOT NULL AS ended FROM interactions WHERE kind = 'follow'",
    );
    assert_eq!(f[0]["ended"], true);
}
