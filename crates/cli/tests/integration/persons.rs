//! Identity across channels: `levain persons`, its evidence, look-alikes
//! kept apart, and the user's merges and splits surviving re-imports.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::*;

const HOST: &str = "forum.velo.example";
const JEAN: &str = "did:plc:jeanmartinaaaaaaaaaaaaaaa";
const CLAIRE: &str = "did:plc:clairedupontbbbbbbbbbbbbb";
const PAUL: &str = "did:plc:paulrouxccccccccccccccccc";

fn bluesky(did: &str, handle: &str, name: &str, bio: &str, t: u64) -> [String; 2] {
    [
        json!({"did": did, "time_us": t, "kind": "identity",
               "identity": {"did": did, "handle": handle, "seq": t, "time": "2024-01-10T10:00:00.000Z"}})
        .to_string(),
        json!({"did": did, "time_us": t + 1_000_000, "kind": "commit",
               "commit": {"rev": "r", "operation": "create", "collection": "app.bsky.actor.profile",
                          "rkey": "self", "cid": format!("bafy{t}"),
                          "record": {"$type": "app.bsky.actor.profile", "displayName": name, "description": bio}}})
        .to_string(),
    ]
}

fn forum_profile(dir: &Path, user: &str, name: &str, website: &str, bio_link: &str) -> PathBuf {
    let doc = json!({
        "user_badges": [], "badges": [], "users": [],
        "user": {
            "id": 700 + user.len(), "username": user, "name": name,
            "avatar_template": format!("/user_avatar/{HOST}/{user}/{{size}}/1_2.png"),
            "created_at": "2021-01-10T08:00:00.000Z",
            "trust_level": 2, "moderator": false, "admin": false,
            "website": website,
            "bio_raw": format!("Cycliste. [ailleurs]({bio_link})"),
            "bio_cooked": format!("<p>Cycliste. <a href=\"{bio_link}\">ailleurs</a></p>"),
        }
    });
    let p = dir.join(format!("u-{user}.json"));
    std::fs::write(&p, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    p
}

/// Three Bluesky members and three forum users: Claire's domain handle is
/// her forum website (one person), Paul and his forum self link to each
/// other (one person), and two different people share the handle
/// `jeanmartin` and the name "Jean Martin" (two persons).
fn small_world(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let data = dir.join("store");
    let mut lines = Vec::new();
    lines.extend(bluesky(
        JEAN,
        "jeanmartin.bsky.social",
        "Jean Martin",
        "Vélo à Lyon",
        1_704_880_800_000_000,
    ));
    lines.extend(bluesky(
        CLAIRE,
        "claire-dupont.fr",
        "Claire Dupont",
        "Mécanique vélo",
        1_704_880_900_000_000,
    ));
    lines.extend(bluesky(
        PAUL,
        "paulroux.bsky.social",
        "Paul Roux",
        &format!("Sur le forum : https://{HOST}/u/proux"),
        1_704_881_000_000_000,
    ));
    let files = vec![
        write_lines(dir, "bluesky.ndjson", &lines),
        forum_profile(
            dir,
            "jeanmartin",
            "Jean Martin",
            "https://jean-martin-rando.example.org",
            "https://jean-martin-rando.example.org/blog",
        ),
        forum_profile(
            dir,
            "claire",
            "C. Dupont",
            "https://claire-dupont.fr",
            "https://claire-dupont.fr/ateliers",
        ),
        forum_profile(
            dir,
            "proux",
            "Paul R.",
            "",
            "https://bsky.app/profile/paulroux.bsky.social",
        ),
    ];
    let paths: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    import(&data, &paths);
    (data, files)
}

fn forum(user: &str) -> String {
    format!("discourse:{HOST}/u/{user}")
}

fn bsky(did: &str) -> String {
    format!("bluesky:{did}")
}

/// The person holding `account`, if it is merged with another.
fn person_of<'a>(report: &'a Value, account: &str) -> Option<&'a Value> {
    report["persons"].as_array().unwrap().iter().find(|p| {
        p["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["account"] == account)
    })
}

fn together(report: &Value, a: &str, b: &str) -> bool {
    person_of(report, a).is_some_and(|p| {
        p["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["account"] == b)
    })
}

#[test]
fn look_alike_handles_stay_apart_and_real_links_merge_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = small_world(dir.path());
    let r = json(&data, &["persons", "--json"]);
    assert_eq!(r["persons"].as_array().unwrap().len(), 2, "{r:#}");

    // Different people with the same handle and name stay apart…
    assert!(person_of(&r, &bsky(JEAN)).is_none(), "{r:#}");
    assert!(person_of(&r, &forum("jeanmartin")).is_none());
    // …and are offered for review with the weak evidence spelled out.
    let c = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["accounts"]
                .as_array()
                .unwrap()
                .contains(&json!(bsky(JEAN)))
        })
        .expect("the look-alikes are a candidate");
    let said = c["evidence"].to_string();
    assert!(said.contains("same handle `jeanmartin`"), "{said}");
    assert!(said.contains("similar display names"), "{said}");
    assert!(c["reason"].as_str().unwrap().contains("weak"), "{c}");

    // A verified domain handle given as the forum website: one person.
    assert!(together(&r, &bsky(CLAIRE), &forum("claire")), "{r:#}");
    let claire = person_of(&r, &bsky(CLAIRE)).unwrap();
    assert!(claire["confidence"].as_f64().unwrap() >= 0.9, "{claire}");
    let ev = claire["evidence"].to_string();
    assert!(
        ev.contains(
            "@claire-dupont.fr (bluesky) owns the domain claire-dupont.fr (its verified handle)"
        ),
        "{ev}"
    );
    for a in claire["accounts"].as_array().unwrap() {
        assert_eq!(a["rule"], "verified_domain", "{a}");
    }

    // Links both ways: one person.
    assert!(together(&r, &bsky(PAUL), &forum("proux")), "{r:#}");
    let paul = person_of(&r, &bsky(PAUL)).unwrap();
    assert!(
        paul["evidence"]
            .to_string()
            .contains("link to each other's profile"),
        "{paul}"
    );
    assert_eq!(paul["accounts"][0]["rule"], "mutual_links");

    // SQL users see the same persons.
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM persons WHERE person <> account"
        ),
        2
    );
    let v = json(
        &data,
        &[
            "sql",
            &format!(
                "SELECT person, rule FROM persons WHERE account = '{}'",
                forum("claire")
            ),
            "--json",
        ],
    );
    assert_eq!(v[0]["person"], claire["person"]);
    assert_eq!(v[0]["rule"], "verified_domain");
    assert_eq!(
        sql_count(
            &data,
            &format!(
                "SELECT count(*) FROM persons WHERE account = '{}' AND person = account AND rule = 'self'",
                bsky(JEAN)
            )
        ),
        1
    );
}

#[test]
fn merges_and_splits_survive_reimports_and_reruns() {
    let dir = tempfile::tempdir().unwrap();
    let (data, files) = small_world(dir.path());
    // The user knows better: the two Jean Martin are one person after all,
    // and Paul's forum account is someone else.
    let o = levain(
        &data,
        &["persons", "merge", &bsky(JEAN), &forum("jeanmartin")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r = json(&data, &["persons", "--json"]);
    let paul = person_of(&r, &bsky(PAUL)).unwrap()["person"]
        .as_str()
        .unwrap()
        .to_owned();
    let o = levain(
        &data,
        &["persons", "split", &paul, &forum("proux"), "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let after: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!together(&after, &bsky(PAUL), &forum("proux")), "{after:#}");

    // Re-import everything, plus a profile update, and re-run: the
    // overrides still hold, the matcher's other persons too.
    let paths: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    import(&data, &paths);
    let update = forum_profile(
        dir.path(),
        "proux",
        "Paul Roux",
        "https://paulroux.example.net",
        "https://bsky.app/profile/paulroux.bsky.social",
    );
    import(&data, &[update.to_str().unwrap()]);
    for _ in 0..2 {
        let r = json(&data, &["persons", "--json"]);
        assert_eq!(r["overrides"], 2, "{r:#}");
        assert!(together(&r, &bsky(JEAN), &forum("jeanmartin")), "{r:#}");
        let jean = person_of(&r, &bsky(JEAN)).unwrap();
        assert_eq!(jean["manual"], true);
        assert_eq!(jean["confidence"], 1.0);
        assert!(
            jean["evidence"].to_string().contains("you merged"),
            "{jean}"
        );
        assert!(!together(&r, &bsky(PAUL), &forum("proux")), "{r:#}");
        assert!(together(&r, &bsky(CLAIRE), &forum("claire")));
    }
    assert_eq!(
        sql_count(
            &data,
            &format!(
                "SELECT count(*) FROM person_links WHERE account = '{}' AND rule = 'manual'",
                forum("jeanmartin")
            )
        ),
        1
    );
    assert_eq!(
        sql_count(
            &data,
            &format!(
                "SELECT count(*) FROM persons WHERE account = '{}' AND person = account",
                forum("proux")
            )
        ),
        1
    );

    // Merging the split pair again undoes the split.
    let o = levain(&data, &["persons", "merge", &forum("proux"), &bsky(PAUL)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = json(&data, &["persons", "--json"]);
    assert!(together(&r, &bsky(PAUL), &forum("proux")), "{r:#}");

    // Mistakes are explained.
    let o = levain(&data, &["persons", "merge", &bsky(JEAN), &bsky(JEAN)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("two different accounts"),
        "{}",
        stderr(&o)
    );
    let o = levain(&data, &["persons", "split", "nobody", &bsky(JEAN)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("levain persons"), "{}", stderr(&o));
    let claire = person_of(&r, &bsky(CLAIRE)).unwrap()["person"]
        .as_str()
        .unwrap()
        .to_owned();
    let o = levain(&data, &["persons", "split", &claire, &bsky(JEAN)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("is not one of the accounts"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn planted_persons_are_found_and_decoys_kept_apart_in_a_generated_community() {
    let dir = tempfile::tempdir().unwrap();
    let out = community_with_own(dir.path(), 11, 365);
    let data = dir.path().join("store");
    // The blog is ours too: replies to it count as engagement.
    let o = levain(&data, &["own", "add", "blog:latelierdurayon.fr"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let truth: Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    let planted = &truth["identity"];
    let r = json(&data, &["persons", "--json"]);
    let mut strong = 0;
    for p in planted["persons"].as_array().unwrap() {
        let (a, b) = (
            p["accounts"][0].as_str().unwrap(),
            p["accounts"][1].as_str().unwrap(),
        );
        if p["evidence"] == "name_only" {
            assert!(!together(&r, a, b), "merged on a name alone: {p}");
        } else {
            strong += 1;
            assert!(together(&r, a, b), "planted person not found: {p}\n{r:#}");
            let person = person_of(&r, a).unwrap();
            assert!(
                person["accounts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x["rule"] == p["evidence"]),
                "{p} {person}"
            );
        }
    }
    assert!(strong >= 3, "too few planted persons to test: {planted}");
    let decoys = planted["decoys"].as_array().unwrap();
    assert!(!decoys.is_empty(), "no decoys planted");
    for d in decoys {
        assert!(
            !together(
                &r,
                d["accounts"][0].as_str().unwrap(),
                d["accounts"][1].as_str().unwrap()
            ),
            "decoy merged: {d}"
        );
    }
    // Nothing else is merged: every person is a planted one.
    let planted_accounts: Vec<&Value> = planted["persons"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["accounts"].as_array().unwrap())
        .collect();
    for p in r["persons"].as_array().unwrap() {
        for a in p["accounts"].as_array().unwrap() {
            assert!(
                planted_accounts.contains(&&a["account"]),
                "unexpected merge: {p}"
            );
        }
    }

    // Per-person metrics are the sums of their accounts', and an account's
    // count is what the stored interactions say.
    let mut checked = 0;
    for p in r["persons"].as_array().unwrap() {
        for k in [
            "likes",
            "reshares",
            "replies",
            "quotes",
            "follows",
            "engagement",
        ] {
            let sum: u64 = p["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["metrics"][k].as_u64().unwrap())
                .sum();
            assert_eq!(p["metrics"][k].as_u64().unwrap(), sum, "{k} of {p}");
        }
        for a in p["accounts"].as_array().unwrap() {
            let key = a["account"].as_str().unwrap();
            let replies = sql_count(
                &data,
                &format!(
                    "SELECT count(*) FROM interactions_raw WHERE actor = '{key}' AND kind = 'reply'
                     AND target_post IN (SELECT post FROM posts_raw WHERE author IN (SELECT account FROM accounts WHERE own))"
                ),
            );
            assert_eq!(a["metrics"]["replies"].as_u64().unwrap(), replies, "{a}");
            checked += u64::from(key.starts_with("blog:mail:") && replies > 0);
        }
    }
    assert!(
        checked >= 3,
        "blog replies of planted persons were not counted"
    );
}
