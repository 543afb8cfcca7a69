//! `levain fraud`: the generator's planted fake accounts are found with
//! reasons, `--exclude-suspicious` recomputes the analyses without them
//! (checked against the independent computation of `audience`), and the
//! user's marks override verdicts for good.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;

use crate::audience::{Raw, as_table, community, expected_cohorts};
use crate::common::*;

fn suspicious(report: &Value) -> BTreeSet<String> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["suspicious"].as_bool().unwrap())
        .map(|a| a["account"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn planted_fakes_are_found_with_reasons_on_several_seeds() {
    for seed in [41, 42] {
        let (_dir, data, _raw, truth) = community(seed, 700);
        let report = json(&data, &["fraud", "--json"]);
        let fakes: BTreeMap<String, String> =
            serde_json::from_value(truth["fake_accounts"].clone()).unwrap();
        let audience: HashSet<&str> = report["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["account"].as_str().unwrap())
            .collect();
        let found = suspicious(&report);
        let planted: BTreeSet<&String> = fakes
            .keys()
            .filter(|k| audience.contains(k.as_str()))
            .collect();
        let tp = found.iter().filter(|a| fakes.contains_key(*a)).count() as f64;
        let (p, r) = (tp / found.len() as f64, tp / planted.len() as f64);
        let f1 = 2.0 * p * r / (p + r);
        assert!(f1 >= 0.95, "seed {seed}: P {p:.3} R {r:.3} F1 {f1:.3}");
        // Every family is found, each with its own pattern.
        let by_account: BTreeMap<&str, &Value> = report["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["account"].as_str().unwrap(), a))
            .collect();
        for family in ["like_farm", "bought_followers", "pod", "follow_ring", "bot"] {
            let members: Vec<&String> = fakes
                .iter()
                .filter(|(_, f)| *f == family)
                .map(|(k, _)| k)
                .collect();
            let caught = members
                .iter()
                .filter(|m| {
                    by_account.get(m.as_str()).is_some_and(|a| {
                        a["suspicious"] == true
                            && a["patterns"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|p| p == family)
                            && !a["reasons"].as_array().unwrap().is_empty()
                    })
                })
                .count();
            assert!(
                caught * 10 >= members.len() * 9,
                "seed {seed}: {caught} of {} {family} accounts caught as {family}",
                members.len()
            );
            assert!(
                report["groups"].as_array().unwrap().iter().any(
                    |g| g["pattern"] == family && !g["accounts"].as_array().unwrap().is_empty()
                ),
                "seed {seed}: no {family} group"
            );
        }
        // The contract's fields.
        let a = &report["accounts"][0];
        for k in ["account", "score", "suspicious", "patterns", "reasons"] {
            assert!(a.get(k).is_some(), "account field {k}");
        }
        let g = &report["groups"][0];
        for k in ["pattern", "accounts", "targets", "from", "to", "reasons"] {
            assert!(g.get(k).is_some(), "group field {k}");
        }
        // A higher threshold never flags more.
        let strict = json(&data, &["fraud", "--json", "--threshold", "0.95"]);
        assert!(suspicious(&strict).is_subset(&found));
    }
}

/// The raw events without the actions of `out`.
fn without(raw: &Raw, out: &BTreeSet<String>) -> Raw {
    Raw {
        own: raw.own.clone(),
        posts: raw.posts.clone(),
        parents: raw.parents.clone(),
        engagements: raw
            .engagements
            .iter()
            .filter(|e| !out.contains(&e.0))
            .cloned()
            .collect(),
        follows: raw
            .follows
            .iter()
            .filter(|f| !out.contains(&f.0))
            .cloned()
            .collect(),
        deleted: raw.deleted.clone(),
        end: raw.end,
        campaigns: raw.campaigns.clone(),
    }
}

fn engagers(raw: &Raw) -> (u64, u64) {
    let mut per: BTreeMap<&String, HashSet<&String>> = BTreeMap::new();
    let mut total = 0;
    for (actor, target, _) in &raw.engagements {
        if raw.own.contains(actor) {
            continue;
        }
        if let Some((author, _, false)) = raw.posts.get(target)
            && raw.own.contains(author)
        {
            per.entry(actor).or_default().insert(target);
            total += 1;
        }
    }
    (per.len() as u64, total)
}

#[test]
fn exclude_suspicious_recomputes_engagement_and_cohorts_without_them() {
    let (_dir, data, raw, _) = community(43, 700);
    let report = json(&data, &["fraud", "--json"]);
    let out = suspicious(&report);
    assert!(out.len() > 100);
    let clean = without(&raw, &out);
    let e = json(&data, &["engagement", "--json", "--exclude-suspicious"]);
    let t = &e["totals"];
    let sum = ["likes", "reshares", "replies", "quotes"]
        .iter()
        .map(|k| t[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(
        (t["unique_engagers"].as_u64().unwrap(), sum),
        engagers(&clean)
    );
    let all = json(&data, &["engagement", "--json"]);
    assert!(all["totals"]["likes"].as_u64() > t["likes"].as_u64());
    let c = json(&data, &["cohorts", "--json", "--exclude-suspicious"]);
    assert_eq!(as_table(&c), expected_cohorts(&clean, 30, false));
    assert_ne!(
        as_table(&json(&data, &["cohorts", "--json"])),
        as_table(&c),
        "the bought followers are gone"
    );
    // The other analyses take the flag too.
    for cmd in ["core", "cadence", "actions"] {
        json(&data, &[cmd, "--json", "--exclude-suspicious"]);
    }
}

#[test]
fn marks_override_verdicts_and_survive_reruns_and_reimports() {
    let (dir, data, _raw, _) = community(44, 400);
    let report = json(&data, &["fraud", "--json"]);
    let flagged = suspicious(&report);
    let first = flagged.iter().next().unwrap().clone();
    let innocent = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["suspicious"] == false)
        .unwrap()["account"]
        .as_str()
        .unwrap()
        .to_owned();
    let count = |d: &std::path::Path| sql_count(d, "SELECT count(*) AS n FROM suspicious_accounts");
    assert_eq!(count(&data), flagged.len() as u64);
    assert!(
        levain(&data, &["fraud", "mark", &first, "real"])
            .status
            .success()
    );
    assert!(
        levain(&data, &["fraud", "mark", &innocent, "fake"])
            .status
            .success()
    );
    // The marks apply at once, without re-running the detectors…
    assert_eq!(count(&data), flagged.len() as u64);
    let excluded = sql_count(
        &data,
        &format!("SELECT count(*) AS n FROM suspicious_accounts WHERE account = '{innocent}'"),
    );
    assert_eq!(excluded, 1);
    // …and survive a re-import and a re-run.
    let out = dir.path().join("synth-44-400-small");
    import(&data, &[out.to_str().unwrap()]);
    let stale = |d: &std::path::Path| {
        let o = levain(d, &["engagement", "--json", "--exclude-suspicious"]);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o).contains("run it again")
    };
    assert!(stale(&data), "an import after the detection is announced");
    let status = json(&data, &["status", "--json"]);
    assert_eq!(status["fraud"]["stale"], true);
    assert_eq!(status["fraud"]["marked_fake"], 1);
    let again = json(&data, &["fraud", "--json"]);
    assert!(!stale(&data));
    let find = |k: &str| {
        again["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"] == k)
            .unwrap()
            .clone()
    };
    let a = find(&first);
    assert_eq!(
        (a["suspicious"].as_bool(), a["detected"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(a["mark"], "real");
    assert!(
        a["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("marked real"))
    );
    let b = find(&innocent);
    assert_eq!(
        (b["suspicious"].as_bool(), b["mark"].as_str()),
        (Some(true), Some("fake"))
    );
    assert_eq!(again["summary"]["marked_real"], 1);
    // Unmarking gives the detector its say back.
    assert!(levain(&data, &["fraud", "unmark", &first]).status.success());
    let o = levain(&data, &["fraud", "unmark", &first]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("has no mark"), "{}", stderr(&o));
    assert_eq!(
        sql_count(
            &data,
            &format!("SELECT count(*) AS n FROM suspicious_accounts WHERE account = '{first}'")
        ),
        1
    );
}
