//! Conversations: sentiment, critique, questions and response times, the
//! friends' share, quality weights — against an independent count made from
//! the stored rows and the generator's own labels.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use levain_synth::text::{
    BLOG_COMMENTS_EN, BLOG_COMMENTS_FR, POD_REPLIES, QUOTES, REPLIES_EN, REPLIES_FR,
};
use serde_json::Value;

use crate::common::*;

/// The generator's label and question flag for each text it writes to us.
fn labels() -> HashMap<&'static str, (&'static str, bool)> {
    let mut m: HashMap<&str, (&str, bool)> = [
        REPLIES_FR,
        REPLIES_EN,
        BLOG_COMMENTS_FR,
        BLOG_COMMENTS_EN,
        QUOTES,
    ]
    .iter()
    .flat_map(|pool| pool.iter())
    .map(|l| (l.text, (l.label, l.question)))
    .collect();
    // Engagement pods reply with generic praise.
    for t in POD_REPLIES {
        m.insert(t, ("positive", false));
    }
    m
}

struct Community {
    _dir: tempfile::TempDir,
    data: PathBuf,
    truth: Value,
    own: BTreeSet<String>,
}

fn community(seed: u64, days: u32) -> Community {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), seed, days, "small");
    let data = dir.path().join("store");
    import(&data, &[out.to_str().unwrap()]);
    let truth: Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    let mut own = BTreeSet::new();
    for o in truth["own"].as_array().unwrap() {
        let a = o["account"].as_str().unwrap();
        let mut args = vec!["own", "add", a];
        if o["role"] == "personal" {
            args.push("--personal");
        }
        assert!(levain(&data, &args).status.success());
        own.insert(a.to_owned());
    }
    let blog = truth["blog"]["account"].as_str().unwrap().to_owned();
    assert!(levain(&data, &["own", "add", &blog]).status.success());
    own.insert(blog);
    Community {
        _dir: dir,
        data,
        truth,
        own,
    }
}

fn rows(data: &Path, sql: &str) -> Vec<Value> {
    json(data, &["sql", sql, "--json"])
        .as_array()
        .unwrap()
        .clone()
}

/// The nearest-rank quantile, written out again.
fn nearest_rank(sorted: &[u64], q: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let k = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[k.clamp(1, sorted.len()) - 1])
}

#[test]
fn sentiment_questions_and_response_times_match_an_independent_count() {
    let c = community(2, 400);
    let report = json(&c.data, &["conversations", "--json", "--limit", "0"]);
    let labels = labels();
    // Every post, read back plainly.
    let posts = rows(
        &c.data,
        "SELECT post, author, channel, reply_to, quote_of, text, CAST(at AS BIGINT) AS t FROM posts_raw",
    );
    let author: HashMap<&str, &str> = posts
        .iter()
        .map(|p| (p["post"].as_str().unwrap(), p["author"].as_str().unwrap()))
        .collect();
    let is_own_post = |id: &Value| {
        id.as_str()
            .is_some_and(|id| author.get(id).is_some_and(|a| c.own.contains(*a)))
    };
    let mut first_answer: HashMap<&str, i64> = HashMap::new();
    for p in &posts {
        if c.own.contains(p["author"].as_str().unwrap())
            && let Some(to) = p["reply_to"].as_str()
        {
            let t = p["t"].as_i64().unwrap();
            let e = first_answer.entry(to).or_insert(t);
            *e = (*e).min(t);
        }
    }
    let mut sentiment: BTreeMap<&str, u64> = BTreeMap::new();
    let mut blog_sentiment: BTreeMap<&str, u64> = BTreeMap::new();
    let mut delays: Vec<u64> = Vec::new();
    let (mut questions, mut blog_questions, mut blog_answered) = (0u64, 0u64, 0u64);
    let mut answered_after: HashMap<String, Option<u64>> = HashMap::new();
    for p in &posts {
        if c.own.contains(p["author"].as_str().unwrap())
            || !(is_own_post(&p["reply_to"]) || is_own_post(&p["quote_of"]))
        {
            continue;
        }
        let text = p["text"].as_str().unwrap();
        let (label, question) = *labels
            .get(text)
            .unwrap_or_else(|| panic!("the generator wrote a text it has no label for: {text}"));
        *sentiment.entry(label).or_default() += 1;
        let blog = p["channel"] == "blog";
        if blog {
            *blog_sentiment.entry(label).or_default() += 1;
        }
        if question {
            questions += 1;
            blog_questions += u64::from(blog);
            let id = p["post"].as_str().unwrap();
            let after = first_answer
                .get(id)
                .map(|a| ((a - p["t"].as_i64().unwrap()).max(0) / 1_000_000) as u64);
            if let Some(d) = after {
                delays.push(d);
                blog_answered += u64::from(blog);
            }
            answered_after.insert(id.to_owned(), after);
        }
    }
    // Sentiment: the four disjoint counts.
    for label in ["positive", "neutral", "negative", "critique"] {
        assert_eq!(
            report["sentiment"][label].as_u64().unwrap(),
            sentiment.get(label).copied().unwrap_or(0),
            "{label}: {}",
            report["sentiment"]
        );
    }
    assert!(sentiment["critique"] > 0 && sentiment["negative"] > 0);
    // Questions and how fast they were answered.
    let rt = &report["response_time"];
    assert_eq!(rt["questions"].as_u64().unwrap(), questions);
    assert_eq!(rt["answered"].as_u64().unwrap(), delays.len() as u64);
    assert_eq!(
        rt["unanswered"].as_u64().unwrap(),
        questions - delays.len() as u64
    );
    delays.sort_unstable();
    assert_eq!(rt["median_s"].as_u64(), nearest_rank(&delays, 0.5));
    assert_eq!(rt["p90_s"].as_u64(), nearest_rank(&delays, 0.9));
    let listed = report["questions"].as_array().unwrap();
    assert_eq!(listed.len() as u64, questions);
    for q in listed {
        assert_eq!(
            q["answered_after_s"].as_u64(),
            answered_after[q["post"].as_str().unwrap()],
            "{q}"
        );
    }
    // The blog, against the generator's truth about it.
    let tb = &c.truth["blog"];
    let blog_rt = rt["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "blog")
        .expect("blog questions");
    assert_eq!(blog_rt["questions"], tb["questions"]);
    assert_eq!(blog_rt["answered"], tb["answered"]);
    assert_eq!(
        (blog_questions, blog_answered),
        (
            tb["questions"].as_u64().unwrap(),
            tb["answered"].as_u64().unwrap()
        )
    );
    let by_label = tb["labels"].as_object().unwrap();
    for (label, n) in by_label {
        assert_eq!(
            blog_sentiment.get(label.as_str()).copied().unwrap_or(0),
            n.as_u64().unwrap()
        );
    }
    let blog_only = json(&c.data, &["conversations", "--json", "--channel", "blog"]);
    assert_eq!(blog_only["response_time"]["questions"], tb["questions"]);
    assert_eq!(blog_only["sentiment"]["critique"], tb["labels"]["critique"]);
    // Critiques carry the sentence that says so.
    for cr in report["critiques"].as_array().unwrap() {
        assert_eq!(labels[cr["text"].as_str().unwrap()].0, "critique");
        assert!(cr["evidence"].as_str().is_some_and(|e| !e.is_empty()));
    }
}

#[test]
fn friends_are_detected_from_the_personal_account_and_their_share_is_counted() {
    let c = community(3, 400);
    let report = json(&c.data, &["conversations", "--json"]);
    let truth: BTreeSet<String> = c.truth["friends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect();
    let detected: BTreeSet<String> = report["friends"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["account"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        detected, truth,
        "detected friends are exactly the planted ones"
    );
    // The share per month, recounted with a plain query.
    let own = c
        .own
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let friends = truth
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let want: BTreeMap<String, (u64, u64)> = rows(
        &c.data,
        &format!(
            "SELECT to_char(at, '%Y-%m') AS m,
                    sum(CASE WHEN actor IN ({friends}) THEN 1 ELSE 0 END) AS f,
                    sum(CASE WHEN actor IN ({friends}) THEN 0 ELSE 1 END) AS o
             FROM interactions_raw
             WHERE kind IN ('like', 'reshare', 'reply', 'quote')
               AND target_account IN ({own}) AND actor NOT IN ({own})
             GROUP BY 1"
        ),
    )
    .iter()
    .map(|r| {
        (
            r["m"].as_str().unwrap().to_owned(),
            (r["f"].as_u64().unwrap(), r["o"].as_u64().unwrap()),
        )
    })
    .collect();
    let got: BTreeMap<String, (u64, u64)> = report["friends_share"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_owned(),
                (
                    p["friends"].as_u64().unwrap(),
                    p["others"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(got, want);
    // The community grows beyond the friends: their share falls.
    let shares: Vec<f64> = report["friends_share"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["friends_weighted_share"].as_f64().unwrap())
        .collect();
    assert!(shares[0] > 2.0 * shares[shares.len() - 1], "{shares:?}");

    // Without a personal account, only listed friends count.
    let personal = c.truth["own"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["role"] == "personal")
        .unwrap()["account"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        levain(&c.data, &["own", "remove", &personal])
            .status
            .success()
    );
    assert!(levain(&c.data, &["own", "add", &personal]).status.success());
    let listed = truth.iter().next().unwrap();
    assert!(
        levain(&c.data, &["friends", "add", listed])
            .status
            .success()
    );
    let f = json(&c.data, &["friends", "list", "--json"]);
    assert_eq!(f["listed"], 1);
    assert_eq!(f["detected"], 0);
    assert!(f["note"].as_str().unwrap().contains("--personal"));
    assert!(
        levain(&c.data, &["friends", "remove", listed])
            .status
            .success()
    );
    let o = levain(&c.data, &["friends", "remove", listed]);
    assert!(!o.status.success());
}

#[test]
fn quality_weights_come_from_settings_and_sit_beside_raw_counts() {
    let c = community(4, 120);
    let e = json(&c.data, &["engagement", "--json"]);
    let weighted = |e: &Value, w: [f64; 4]| {
        let t = &e["totals"];
        let n = |k: &str| t[k].as_u64().unwrap() as f64;
        n("likes") * w[0] + n("reshares") * w[1] + n("quotes") * w[2] + n("replies") * w[3]
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.max(1.0);
    assert!(close(
        e["totals"]["weighted"].as_f64().unwrap(),
        weighted(&e, [1.0, 2.0, 3.0, 4.0])
    ));
    let o = levain(&c.data, &["config", "set", "weights.reply", "5"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = json(&c.data, &["engagement", "--json"]);
    assert!(close(
        e["totals"]["weighted"].as_f64().unwrap(),
        weighted(&e, [1.0, 2.0, 3.0, 5.0])
    ));
    for p in e["posts"].as_array().unwrap().iter().take(50) {
        let n = |k: &str| p[k].as_u64().unwrap() as f64;
        let want = n("likes") + 2.0 * n("reshares") + 3.0 * n("quotes") + 5.0 * n("replies");
        assert!(close(p["weighted"].as_f64().unwrap(), want), "{p}");
    }
    let list = json(&c.data, &["config", "list", "--json"]);
    let reply = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "weights.reply")
        .unwrap();
    assert_eq!(reply["value"], 5.0);
    assert_eq!(reply["set"], true);
    // Typos and nonsense are refused, naming what is expected.
    let o = levain(&c.data, &["config", "set", "weights.replies", "5"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("weights.reply"), "{}", stderr(&o));
    let o = levain(&c.data, &["config", "set", "weights.like", "-2"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("≥ 0"), "{}", stderr(&o));
    // The core's members carry their weighted engagement too: with every
    // weight at 1 it is their raw count.
    let core = json(&c.data, &["core", "--json"]);
    let members = core["core"]["members"].as_array().unwrap();
    assert!(!members.is_empty());
    assert!(
        members.iter().any(|m| {
            m["weighted"].as_f64().unwrap() > m["engagements"].as_u64().unwrap() as f64
        })
    );
    for k in ["like", "reshare", "quote", "reply"] {
        let key = format!("weights.{k}");
        assert!(
            levain(&c.data, &["config", "set", &key, "1"])
                .status
                .success()
        );
    }
    let core = json(&c.data, &["core", "--json"]);
    for m in core["core"]["members"].as_array().unwrap() {
        assert_eq!(
            m["weighted"].as_f64().unwrap(),
            m["engagements"].as_u64().unwrap() as f64,
            "{m}"
        );
    }
    for k in ["like", "reshare", "quote", "reply"] {
        let key = format!("weights.{k}");
        assert!(levain(&c.data, &["config", "unset", &key]).status.success());
    }
    let e = json(&c.data, &["engagement", "--json"]);
    assert!(close(
        e["totals"]["weighted"].as_f64().unwrap(),
        weighted(&e, [1.0, 2.0, 3.0, 4.0])
    ));
}

#[test]
fn actions_put_unanswered_questions_first() {
    let c = community(5, 200);
    let a = json(
        &c.data,
        &["actions", "--json", "--days", "120", "--limit", "1000"],
    );
    let labels = labels();
    let answers: Vec<&Value> = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "answer")
        .collect();
    assert!(!answers.is_empty());
    let is_q: Vec<bool> = answers
        .iter()
        .map(|i| labels[i["text"].as_str().unwrap()].1)
        .collect();
    assert!(is_q.contains(&true));
    // Questions first: no question after the first non-question.
    let first_other = is_q.iter().position(|q| !q).unwrap_or(is_q.len());
    assert!(is_q[first_other..].iter().all(|q| !q), "{is_q:?}");
    for (i, q) in answers.iter().zip(&is_q) {
        assert_eq!(
            i["why"]
                .as_str()
                .unwrap()
                .starts_with("asked you a question"),
            *q,
            "{i}"
        );
    }
}

#[test]
fn the_sentiment_benchmark_reports_held_out_figures_above_target() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(dir.path(), &["bench", "sentiment", "--json"]);
    let sets = v.as_array().unwrap();
    assert_eq!(sets.len(), 4);
    for s in sets.iter().filter(|s| s["held_out"] == true) {
        assert!(
            s["levain"]["examples"].as_u64().unwrap() >= 400,
            "{}",
            s["set"]
        );
        let f1 = s["levain"]["macro_f1"].as_f64().unwrap();
        assert!(f1 >= 0.8, "{}: macro-F1 {f1}", s["set"]);
        assert!(s["levain_replies_per_s"].as_f64().unwrap() > 0.0);
    }
}

/// A reply that criticises the brand only by its name is a critique both
/// in `conversations` and in the `actions` queue: both read replies with
/// the own accounts' names.
#[test]
fn actions_and_conversations_agree_on_a_critique_naming_the_brand() {
    let dir = tempfile::tempdir().unwrap();
    let own = "did:plc:atelierrayon00000000000a";
    let fan = "did:plc:unhappyrider000000000000b";
    let t0: i64 = 1_717_200_000_000_000;
    let post = format!("at://{own}/app.bsky.feed.post/3kownpost0001");
    let reply = |rkey: &str, text: &str, t: i64| {
        serde_json::json!({"did": fan, "time_us": t, "kind": "commit",
            "commit": {"rev": "r", "operation": "create", "collection": "app.bsky.feed.post",
                "rkey": rkey, "cid": format!("bafy{rkey}"),
                "record": {"$type": "app.bsky.feed.post", "text": text, "langs": ["fr"],
                    "createdAt": "2024-06-01T10:00:00.000Z",
                    "reply": {"root": {"uri": post, "cid": "bafyroot"},
                              "parent": {"uri": post, "cid": "bafyroot"}}}}})
        .to_string()
    };
    let lines = vec![
        serde_json::json!({"did": own, "time_us": t0, "kind": "identity",
            "identity": {"did": own, "handle": "atelierdurayon.bsky.social", "seq": 1,
                         "time": "2024-06-01T08:00:00.000Z"}})
        .to_string(),
        serde_json::json!({"did": own, "time_us": t0 + 1_000_000, "kind": "commit",
            "commit": {"rev": "r", "operation": "create", "collection": "app.bsky.actor.profile",
                "rkey": "self", "cid": "bafyprofile",
                "record": {"$type": "app.bsky.actor.profile", "displayName": "L'Atelier du Rayon",
                           "description": "Vélos à Lyon"}}})
        .to_string(),
        serde_json::json!({"did": own, "time_us": t0 + 2_000_000, "kind": "commit",
            "commit": {"rev": "r", "operation": "create", "collection": "app.bsky.feed.post",
                "rkey": "3kownpost0001", "cid": "bafyroot",
                "record": {"$type": "app.bsky.feed.post", "text": "Nouveaux horaires d'été !",
                           "langs": ["fr"], "createdAt": "2024-06-01T09:00:00.000Z"}}})
        .to_string(),
        reply(
            "3kreply000001",
            "Triste que L'Atelier du Rayon ait perdu ma commande",
            t0 + 3_600_000_000,
        ),
    ];
    let file = write_lines(dir.path(), "events.ndjson", &lines);
    let data = dir.path().join("store");
    import(&data, &[file.to_str().unwrap()]);
    assert!(
        levain(&data, &["own", "add", &format!("bluesky:{own}")])
            .status
            .success()
    );
    let conv = json(&data, &["conversations", "--json", "--limit", "0"]);
    let critiques = conv["critiques"].as_array().unwrap();
    assert_eq!(critiques.len(), 1, "{conv}");
    let actions = json(&data, &["actions", "--json", "--days", "30"]);
    let answer: Vec<&Value> = actions["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "answer")
        .collect();
    assert_eq!(answer.len(), 1, "{actions}");
    assert!(
        answer[0]["why"]
            .as_str()
            .unwrap()
            .starts_with("criticised you"),
        "{}",
        answer[0]
    );
}
