//! `levain amplifiers` and `levain suggest` on a generated community: the
//! planted amplifiers come first (NDCG@20 against their strength, no pod
//! or bot in the top 20), counts match the raw Jetstream lines, fraud
//! marks demote and `--exclude-suspicious` removes, and suggestions are
//! never accounts already in touch.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::common::*;

/// Reposts and quotes of own posts, and distinct likes through each
/// repost, by account, read straight from the Jetstream lines.
struct RawReshares {
    reshares: HashMap<String, u64>,
    quotes: HashMap<String, u64>,
    via_likes: HashMap<String, u64>,
}

fn raw_reshares(dir: &std::path::Path, own: &BTreeSet<String>) -> RawReshares {
    let own_dids: Vec<String> = own
        .iter()
        .map(|o| o.trim_start_matches("bluesky:").to_owned())
        .collect();
    let is_own_uri = |u: &str| {
        own_dids
            .iter()
            .any(|d| u.starts_with(&format!("at://{d}/")))
    };
    let mut r = RawReshares {
        reshares: HashMap::new(),
        quotes: HashMap::new(),
        via_likes: HashMap::new(),
    };
    // repost uri → its author, then likes through it.
    let mut reposts: HashMap<String, String> = HashMap::new();
    let mut likes: BTreeSet<(String, String)> = BTreeSet::new();
    let text = std::fs::read_to_string(jetstream(dir)).unwrap();
    for line in text.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        if e["kind"] != "commit" || e["commit"]["operation"] != "create" {
            continue;
        }
        let did = e["did"].as_str().unwrap();
        if own_dids.iter().any(|d| d == did) {
            continue;
        }
        let c = &e["commit"];
        let rec = &c["record"];
        let account = format!("bluesky:{did}");
        match c["collection"].as_str().unwrap() {
            "app.bsky.feed.repost" if is_own_uri(rec["subject"]["uri"].as_str().unwrap_or("")) => {
                *r.reshares.entry(account.clone()).or_default() += 1;
                let uri = format!(
                    "at://{did}/app.bsky.feed.repost/{}",
                    c["rkey"].as_str().unwrap()
                );
                reposts.insert(uri, account);
            }
            "app.bsky.feed.post" => {
                let embed = rec["embed"].to_string();
                let quoted = own_dids
                    .iter()
                    .any(|d| embed.contains(&format!("at://{d}/app.bsky.feed.post/")));
                if quoted {
                    *r.reshares.entry(account.clone()).or_default() += 1;
                    *r.quotes.entry(account).or_default() += 1;
                }
            }
            "app.bsky.feed.like" => {
                likes.extend(rec["via"]["uri"].as_str().map(|v| (v.to_owned(), account)));
            }
            _ => {}
        }
    }
    for (via, liker) in likes {
        if let Some(author) = reposts.get(&via)
            && *author != liker
        {
            *r.via_likes.entry(author.clone()).or_default() += 1;
        }
    }
    r
}

fn ndcg20(ranked: &[&str], gain: &HashMap<String, f64>) -> f64 {
    let disc = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, a)| gain.get(*a).copied().unwrap_or(0.0) * disc(i))
        .sum();
    let mut best: Vec<f64> = gain.values().copied().collect();
    best.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = best
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, g)| g * disc(i))
        .sum();
    dcg / idcg
}

#[test]
fn planted_amplifiers_rank_first_with_counts_from_the_raw_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = community_with_own(dir.path(), 43, 700);
    let data = dir.path().join("store");
    let truth: Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    let own: BTreeSet<String> = own_accounts(&truth).map(str::to_owned).collect();
    let report = json(&data, &["amplifiers", "--json", "--limit", "0"]);
    assert!(report["topic"].is_null());
    let accounts = report["accounts"].as_array().unwrap();
    assert!(accounts.len() > 20, "{} resharers", accounts.len());
    // Best first.
    for w in accounts.windows(2) {
        assert!(w[0]["score"].as_f64().unwrap() >= w[1]["score"].as_f64().unwrap());
    }
    let gain: HashMap<String, f64> = truth["amplifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap().to_owned(),
                a["strength"].as_f64().unwrap(),
            )
        })
        .collect();
    let ranked: Vec<&str> = accounts
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    let ndcg = ndcg20(&ranked, &gain);
    assert!(ndcg >= 0.85, "NDCG@20 {ndcg:.3}");
    let fakes = truth["fake_accounts"].as_object().unwrap();
    for a in ranked.iter().take(20) {
        let family = fakes.get(*a).and_then(Value::as_str);
        assert!(
            !matches!(family, Some("pod" | "bot")),
            "{a} ({family:?}) in the top 20"
        );
    }
    // Counts agree with the raw lines.
    let raw = raw_reshares(&out, &own);
    let mut checked = 0;
    for a in accounts {
        let account = a["account"].as_str().unwrap();
        assert_eq!(
            a["reshares"].as_u64().unwrap(),
            raw.reshares.get(account).copied().unwrap_or(0),
            "reshares of {account}"
        );
        // Without quotes, the generator's downstream is exactly the likes
        // through the account's reposts (its resharers have no followers).
        if !raw.quotes.contains_key(account) {
            assert_eq!(
                a["downstream"].as_u64().unwrap(),
                raw.via_likes.get(account).copied().unwrap_or(0),
                "downstream of {account}"
            );
            checked += 1;
        }
        let reasons = a["reasons"].as_array().unwrap();
        assert!(reasons.len() >= 3);
        for r in reasons {
            assert!(
                r.as_str().unwrap().chars().any(|c| c.is_ascii_digit()),
                "{r}"
            );
        }
    }
    assert!(checked > 20);
    assert_eq!(
        raw.reshares.len(),
        accounts.len(),
        "every resharer is listed"
    );

    // A fake mark demotes the best account and says so; excluding suspicious
    // accounts removes it.
    let best = ranked[0];
    let o = levain(&data, &["fraud", "mark", best, "fake"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let again = json(&data, &["amplifiers", "--json", "--limit", "0"]);
    let row = again["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == best)
        .unwrap()
        .clone();
    assert!(row["flagged"].as_bool().unwrap());
    let score_before = accounts[0]["score"].as_f64().unwrap();
    assert!((row["score"].as_f64().unwrap() - score_before / 10.0).abs() < 1e-9 * score_before);
    assert_ne!(again["accounts"][0]["account"], best);
    assert!(
        row["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("marked fake"))
    );
    let cut = json(
        &data,
        &[
            "amplifiers",
            "--json",
            "--limit",
            "0",
            "--exclude-suspicious",
        ],
    );
    assert!(
        cut["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["account"] != best)
    );

    // `--topic` ranks on that topic's own posts only: the same resharers or
    // fewer, each with at most its reshares overall, fewer in all.
    let o = levain(&data, &["topic", "add", "velo", "--terms", "#velotaf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all = json(&data, &["amplifiers", "--json", "--limit", "0"]);
    let on = json(
        &data,
        &["amplifiers", "--json", "--limit", "0", "--topic", "velo"],
    );
    assert_eq!(on["topic"], "velo");
    let overall: HashMap<&str, u64> = all["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap(),
                a["reshares"].as_u64().unwrap(),
            )
        })
        .collect();
    let scoped = on["accounts"].as_array().unwrap();
    assert!(!scoped.is_empty());
    for a in scoped {
        let n = a["reshares"].as_u64().unwrap();
        assert!(n <= overall[a["account"].as_str().unwrap()], "{a}");
    }
    let sum = |v: &[Value]| {
        v.iter()
            .map(|a| a["reshares"].as_u64().unwrap())
            .sum::<u64>()
    };
    assert!(sum(scoped) < sum(all["accounts"].as_array().unwrap()));
    let o = levain(&data, &["amplifiers", "--topic", "no-such-topic"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no topic `no-such-topic`"),
        "{}",
        stderr(&o)
    );

    // Bad options are refused with the reason.
    let o = levain(&data, &["amplifiers", "--half-life-days", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--half-life-days"), "{}", stderr(&o));
}

#[test]
fn suggestions_are_not_in_touch_and_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    community_with_own(dir.path(), 44, 500);
    let data = dir.path().join("store");
    let report = json(&data, &["suggest", "--json", "--limit", "25"]);
    let accounts = report["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 25);
    assert!(report["circle"].as_u64().unwrap() > 0);
    let own: Vec<String> = json(&data, &["status", "--json"])["own"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            o.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| o["account"].as_str().unwrap().to_owned())
        })
        .collect();
    let own_in = own
        .iter()
        .map(|o| format!("'{o}'"))
        .collect::<Vec<_>>()
        .join(", ");
    for s in accounts {
        let a = s["account"].as_str().unwrap();
        assert!(!own.iter().any(|o| o == a));
        // Never followed us, never engaged with us directly, never engaged
        // with by us.
        let touching = sql_count(
            &data,
            &format!(
                "SELECT count(*) FROM interactions i
                 WHERE (i.actor = '{a}' AND i.target_account IN ({own_in})
                        AND NOT (i.kind = 'like' AND i.via IS NOT NULL))
                    OR (i.target_account = '{a}' AND i.actor IN ({own_in}))"
            ),
        );
        assert_eq!(touching, 0, "{a} is in touch already");
        let reasons = s["reasons"].as_array().unwrap();
        assert!(!reasons.is_empty(), "{a}");
        for r in reasons {
            assert!(
                r.as_str().unwrap().chars().any(|c| c.is_ascii_digit()),
                "{r}"
            );
        }
        assert!(!s["close_to"].as_array().unwrap().is_empty());
    }
    for w in accounts.windows(2) {
        assert!(w[0]["score"].as_f64().unwrap() >= w[1]["score"].as_f64().unwrap());
    }
}

/// Suggestions made from the first two thirds of a three-year community
/// find the accounts that get in touch in the last third far more often
/// than chance. "In touch" is recomputed here in SQL from its definition:
/// a follow of an own account, a direct like, reshare, quote or reply of an
/// own post (a like through someone's reshare does not count), or an own
/// account engaging with them.
#[test]
fn suggestions_predict_who_gets_in_touch_later() {
    let dir = tempfile::tempdir().unwrap();
    let out = community_with_own(dir.path(), 12, 1095);
    let data = dir.path().join("store");
    let truth: Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    let day = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    let (start, end) = (
        day(truth["start"].as_str().unwrap()),
        day(truth["end"].as_str().unwrap()),
    );
    let cutoff = (start + (end - start) * 2 / 3).to_rfc3339();
    let report = json(
        &data,
        &["suggest", "--to", &cutoff, "--limit", "100", "--json"],
    );
    let candidates = report["candidates"].as_u64().unwrap();
    let own: Vec<String> = own_accounts(&truth).map(|a| format!("'{a}'")).collect();
    let own_in = own.join(", ");
    let touch = |when: &str| {
        format!(
            "SELECT i.actor AS a FROM interactions i
               LEFT JOIN posts p ON i.target_post = p.post
              WHERE i.at {when} AND i.actor NOT IN ({own_in})
                AND ((i.kind = 'follow' AND i.target_account IN ({own_in}))
                  OR (i.kind IN ('like', 'reshare', 'quote', 'reply')
                      AND p.author IN ({own_in}) AND NOT (i.kind = 'like' AND i.via IS NOT NULL)))
             UNION
             SELECT COALESCE(i.target_account, p.author) AS a FROM interactions i
               LEFT JOIN posts p ON i.target_post = p.post
              WHERE i.at {when} AND i.actor IN ({own_in})"
        )
    };
    // Accounts the data shows before the cutoff: the possible candidates.
    let seen = format!(
        "SELECT i.actor AS a FROM interactions i WHERE i.at < TIMESTAMP '{cutoff}'
         UNION SELECT i.target_account FROM interactions i WHERE i.at < TIMESTAMP '{cutoff}'
         UNION SELECT p.author FROM interactions i JOIN posts p ON i.target_post = p.post
          WHERE i.at < TIMESTAMP '{cutoff}'"
    );
    let later: BTreeSet<String> = json(
        &data,
        &[
            "sql",
            &format!(
                "SELECT DISTINCT a FROM ({}) WHERE a IS NOT NULL
                 INTERSECT SELECT a FROM ({seen})
                 EXCEPT SELECT a FROM ({})",
                touch(&format!(">= TIMESTAMP '{cutoff}'")),
                touch(&format!("< TIMESTAMP '{cutoff}'"))
            ),
            "--json",
        ],
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|r| r["a"].as_str().unwrap().to_owned())
    .collect();
    let suggested: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["account"].as_str().unwrap())
        .collect();
    assert_eq!(suggested.len(), 100);
    let hits = suggested.iter().filter(|a| later.contains(**a)).count();
    let random = 100.0 * later.len() as f64 / candidates as f64;
    eprintln!(
        "suggest: {hits} of the first 100 got in touch later (chance: {random:.1}; {} later, {candidates} candidates)",
        later.len()
    );
    assert!(
        hits as f64 >= 2.5 * random && hits >= 10,
        "{hits} of the first 100 suggestions got in touch later; chance gives about {random:.1} \
         ({} later contacts, {candidates} candidates)",
        later.len()
    );
}
