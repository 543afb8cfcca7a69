use crate::common::*;

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = synth(&dir.path().join("a"), 7, 90, "small");
    let b = synth(&dir.path().join("b"), 7, 90, "small");
    let c = synth(&dir.path().join("c"), 8, 90, "small");
    for f in ["bluesky-jetstream.ndjson", "campaigns.csv", "truth.json"] {
        let (fa, fb) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(fa == fb, "{f} differs between two runs with the same seed");
    }
    assert_ne!(
        std::fs::read(jetstream(&a)).unwrap(),
        std::fs::read(jetstream(&c)).unwrap()
    );
}

#[test]
fn import_counts_match_the_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 3, 400, "small");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[jetstream(&out).to_str().unwrap()]);
    let events = truth["counts"]["events"].as_u64().unwrap();
    assert_eq!(
        s["imported"].as_u64().unwrap(),
        events,
        "every generated event is new"
    );
    assert_eq!(s["rejected"], 0);
    let by_type = &truth["counts"]["by_type"];
    let n = |k: &str| by_type[k].as_u64().unwrap_or(0);
    let q = |sql: &str| sql_count(&data, sql);
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'like'"),
        n("app.bsky.feed.like/create")
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'reshare'"),
        n("app.bsky.feed.repost/create")
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'follow'"),
        n("app.bsky.graph.follow/create")
    );
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'unfollow'"),
        n("app.bsky.graph.follow/delete")
    );
    assert_eq!(
        q("SELECT count(*) FROM posts"),
        n("app.bsky.feed.post/create")
    );
    assert_eq!(
        q("SELECT count(*) FROM deletions WHERE kind = 'like'"),
        n("app.bsky.feed.like/delete")
    );
    // Unfollows of follows made before the data starts cannot be resolved;
    // every other unfollow finds its target.
    assert_eq!(
        q("SELECT count(*) FROM interactions WHERE kind = 'unfollow' AND target_account IS NULL"),
        truth["counts"]["unfollows_of_unseen_follows"]
            .as_u64()
            .unwrap()
    );
    let own: Vec<String> = own_accounts(&truth).map(|a| format!("'{a}'")).collect();
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM interactions WHERE kind = 'follow' AND target_account IN ({})",
            own.join(",")
        )),
        truth["counts"]["own_follows"].as_u64().unwrap()
    );
    // Every planted fake account shows up as an actor.
    let fakes = truth["fake_accounts"].as_object().unwrap();
    assert!(!fakes.is_empty());
    let actors = q(
        "SELECT count(DISTINCT actor) FROM interactions WHERE actor IN (SELECT account FROM accounts)",
    );
    assert!(actors > fakes.len() as u64);
}

#[test]
fn campaign_followers_churn_more_than_organic_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 5, 1095, "small");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    let data = dir.path().join("store");
    import(&data, &[jetstream(&out).to_str().unwrap()]);
    let brand = truth["own"][0]["account"].as_str().unwrap();
    let follows = json(
        &data,
        &[
            "sql",
            &format!(
                "SELECT actor, (ended_at IS NOT NULL AND ended_at < at + INTERVAL '120 days') AS gone
                 FROM interactions WHERE kind = 'follow' AND target_account = '{brand}'"
            ),
            "--json",
        ],
    );
    let followers = truth["followers"].as_object().unwrap();
    // Share of follows of the brand ended within 120 days, by true source.
    let ended = |source: &str| -> f64 {
        let (mut all, mut gone) = (0, 0);
        for f in follows.as_array().unwrap() {
            let actor = f["actor"].as_str().unwrap();
            if followers
                .get(actor)
                .and_then(|s| s.as_str())
                .is_some_and(|s| s.starts_with(source))
            {
                all += 1;
                gone += usize::from(f["gone"] == true);
            }
        }
        assert!(all > 50, "{source}: {all}");
        gone as f64 / all as f64
    };
    let (paid, organic) = (ended("campaign:"), ended("organic"));
    assert!(
        paid > 2.0 * organic,
        "paid churn {paid:.2} vs organic {organic:.2}"
    );
}

#[test]
fn generated_conversions_import_with_their_attribution() {
    let dir = tempfile::tempdir().unwrap();
    let out = synth(dir.path(), 4, 400, "small");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("truth.json")).unwrap()).unwrap();
    let data = dir.path().join("store");
    let s = import(&data, &[out.to_str().unwrap()]);
    assert_eq!(s["rejected"], 0);
    let conversions = truth["conversions"].as_array().unwrap();
    let n = |cond: &dyn Fn(&serde_json::Value) -> bool| {
        conversions.iter().filter(|c| cond(c)).count() as u64
    };
    assert!(conversions.len() > 50);
    assert_eq!(
        sql_count(&data, "SELECT count(*) FROM conversions"),
        conversions.len() as u64
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM conversions WHERE utm_medium = 'paid_social'"
        ),
        n(&|c| c["utm_medium"] == "paid_social")
    );
    assert_eq!(
        sql_count(
            &data,
            "SELECT count(*) FROM conversions WHERE campaign IS NULL AND utm_source IS NULL"
        ),
        n(&|c| c["utm_source"] == "")
    );
    assert!(
        n(&|c| c["utm_medium"] == "social") > 0,
        "tagged links convert too"
    );
}
