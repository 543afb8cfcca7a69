//! `levain bench topics`: how well discovered topics recover the topics the
//! generator planted, and whether `venues` ranks the planted gaps first.
//!
//! Truth: an own Bluesky post's topic is the one whose hashtag the
//! generator put in it; a Reddit post's is in `truth.json` (`venues.posts`).
//! Reddit posts carry no hashtag, so they measure keywords alone. Scores on
//! labelled posts, unassigned ones counting as one more cluster: purity,
//! adjusted Rand index and normalised mutual information. The baseline is
//! what hashtags alone give (a post's first hashtag is its topic).

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::time::Instant;

use levain_analytics::Filters;
use levain_analytics::topics::{TopicOptions, analyse, corpus};
use levain_analytics::venues::gaps;
use levain_import::{ImportOptions, import_paths, pipeline::NoProgress};
use levain_store::Store;
use levain_store::query::Engine;
use levain_synth::{Config, Scale, Truth, text::TOPICS};
use levain_text::Terms;
use serde::Serialize;

use crate::util::print_json;

#[derive(clap::Args)]
pub struct TopicsBenchArgs {
    /// Seeds of the generated communities.
    #[arg(long, value_delimiter = ',', default_values_t = [1u64, 2, 3])]
    seeds: Vec<u64>,
    /// Simulated days of each community.
    #[arg(long, default_value_t = 1095)]
    days: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize, Debug)]
pub struct Scores {
    pub posts: usize,
    pub purity: f64,
    pub ari: f64,
    pub nmi: f64,
}

#[derive(Serialize, Debug)]
pub struct SeedResult {
    pub seed: u64,
    pub posts_read: usize,
    pub topics_discovered: usize,
    /// All labelled posts (own Bluesky posts and Reddit posts).
    pub all: Scores,
    /// Reddit posts only: no hashtags, keywords alone.
    pub keywords_only: Scores,
    /// The baseline on all labelled posts: first hashtag = topic.
    pub hashtags_baseline: Scores,
    /// Planted gaps among the top cells of `venues` (as many cells as gaps).
    pub gaps_found: usize,
    pub gaps_planted: usize,
    pub seconds: f64,
}

pub fn run(a: TopicsBenchArgs) -> anyhow::Result<ExitCode> {
    let mut results = Vec::new();
    for &seed in &a.seeds {
        let r = one(seed, a.days)?;
        if !a.json {
            println!(
                "seed {seed}: {} topics from {} posts in {:.1} s; all {} posts: purity {:.3} ARI {:.3} NMI {:.3} (hashtags alone: purity {:.3} ARI {:.3} NMI {:.3}); keywords only ({} Reddit posts): purity {:.3} ARI {:.3} NMI {:.3}; planted gaps in the top {}: {}",
                r.topics_discovered,
                r.posts_read,
                r.seconds,
                r.all.posts,
                r.all.purity,
                r.all.ari,
                r.all.nmi,
                r.hashtags_baseline.purity,
                r.hashtags_baseline.ari,
                r.hashtags_baseline.nmi,
                r.keywords_only.posts,
                r.keywords_only.purity,
                r.keywords_only.ari,
                r.keywords_only.nmi,
                r.gaps_planted,
                r.gaps_found
            );
        }
        results.push(r);
    }
    if a.json {
        print_json(&results)?;
    } else {
        let mean = |f: &dyn Fn(&SeedResult) -> f64| {
            results.iter().map(f).sum::<f64>() / results.len().max(1) as f64
        };
        println!(
            "mean over {} seeds: ARI {:.3} (hashtags alone {:.3}), NMI {:.3}, keyword-only ARI {:.3}",
            results.len(),
            mean(&|r| r.all.ari),
            mean(&|r| r.hashtags_baseline.ari),
            mean(&|r| r.all.nmi),
            mean(&|r| r.keywords_only.ari)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Generates, imports and scores one community.
pub fn one(seed: u64, days: u32) -> anyhow::Result<SeedResult> {
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("input");
    let out = levain_synth::generate(
        &input,
        &Config {
            seed,
            scale: Scale::Small,
            days,
        },
    )?;
    let truth: Truth = serde_json::from_slice(&std::fs::read(&out.truth)?)?;
    let venues = truth
        .venues
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the generator wrote no venues"))?;
    let store = Store::open_or_create(dir.path().join("store"))?;
    let files = vec![out.jetstream.clone(), input.join(levain_synth::REDDIT_FILE)];
    import_paths(&store, &files, &ImportOptions::default(), &NoProgress)?;
    let mut own: Vec<String> = truth.own.iter().map(|o| o.account.clone()).collect();
    own.push(venues.own_account.clone());
    let engine = Engine::new(store.root(), &store.manifest()?)?;

    let t = Instant::now();
    let filters = Filters::default();
    let analysis = analyse(
        corpus(&engine, &own, &filters)?,
        &BTreeMap::new(),
        &TopicOptions::default(),
    );
    let seconds = t.elapsed().as_secs_f64();

    let tag_topic: HashMap<String, &str> = TOPICS
        .iter()
        .flat_map(|tp| {
            Terms::shared()
                .of_user_term(&format!("#{}", tp.tag))
                .into_iter()
                .map(move |t| (t, tp.name))
        })
        .collect();
    let docs = &analysis.corpus.docs;
    let mut predicted: Vec<Option<usize>> = vec![None; docs.len()];
    for (ti, t) in analysis.topics.iter().enumerate() {
        for &d in &t.docs {
            predicted[d as usize] = Some(ti);
        }
    }
    // (label, predicted cluster, baseline cluster, keyword-only)
    let mut rows: Vec<(&str, String, String, bool)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let first_tag = d.hashtags.first().and_then(|h| {
            Terms::shared()
                .of_user_term(&format!("#{h}"))
                .into_iter()
                .next()
        });
        let label = if let Some(topic) = venues.posts.get(&d.post) {
            Some((topic.as_str(), true))
        } else if d.own && d.channel == "bluesky" {
            first_tag
                .as_ref()
                .and_then(|t| tag_topic.get(t))
                .map(|t| (*t, false))
        } else {
            None
        };
        if let Some((label, keywords)) = label {
            let cluster = predicted[i].map_or("none".to_owned(), |c| c.to_string());
            let baseline = first_tag.unwrap_or_else(|| "none".to_owned());
            rows.push((label, cluster, baseline, keywords));
        }
    }
    let score = |rows: &[&(&str, String, String, bool)], baseline: bool| {
        let pairs: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.0, if baseline { r.2.as_str() } else { r.1.as_str() }))
            .collect();
        scores(&pairs)
    };
    let all: Vec<&_> = rows.iter().collect();
    let kw: Vec<&_> = rows.iter().filter(|r| r.3).collect();

    let report = gaps(&analysis, &filters);
    let planted: Vec<(&str, &str)> = venues
        .venues
        .iter()
        .filter(|v| v.gap)
        .map(|v| (v.venue.as_str(), v.topic.as_str()))
        .collect();
    // A cell matches a planted gap when its venue is the gap's and most of
    // its posts carry the gap's planted topic.
    let gaps_found = report
        .gaps
        .iter()
        .take(planted.len())
        .filter(|g| {
            planted.iter().any(|(venue, topic)| {
                g.venue == *venue && topic_of_name(&analysis, &g.topic, venues) == Some(topic)
            })
        })
        .count();
    Ok(SeedResult {
        seed,
        posts_read: docs.len(),
        topics_discovered: analysis.topics.len(),
        all: score(&all, false),
        keywords_only: score(&kw, false),
        hashtags_baseline: score(&all, true),
        gaps_found,
        gaps_planted: planted.len(),
        seconds,
    })
}

/// The planted topic most of a discovered topic's Reddit posts carry.
fn topic_of_name<'a>(
    a: &levain_analytics::topics::Analysis,
    name: &str,
    venues: &'a levain_synth::TruthVenues,
) -> Option<&'a str> {
    let t = a.topics.iter().find(|t| t.name == name)?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for &d in &t.docs {
        if let Some(topic) = venues.posts.get(&a.corpus.docs[d as usize].post) {
            *counts.entry(topic.as_str()).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(t, _)| t)
}

/// Purity, adjusted Rand index and NMI of (truth, predicted) pairs.
pub fn scores(pairs: &[(&str, &str)]) -> Scores {
    let n = pairs.len();
    let mut table: HashMap<(&str, &str), f64> = HashMap::new();
    let mut rows: HashMap<&str, f64> = HashMap::new();
    let mut cols: HashMap<&str, f64> = HashMap::new();
    for &(t, p) in pairs {
        *table.entry((t, p)).or_default() += 1.0;
        *rows.entry(t).or_default() += 1.0;
        *cols.entry(p).or_default() += 1.0;
    }
    let nf = n as f64;
    if n == 0 {
        return Scores {
            posts: 0,
            purity: 0.0,
            ari: 0.0,
            nmi: 0.0,
        };
    }
    let mut best: HashMap<&str, f64> = HashMap::new();
    for (&(_, p), &c) in &table {
        let b = best.entry(p).or_default();
        *b = b.max(c);
    }
    let purity = best.values().sum::<f64>() / nf;
    let c2 = |x: f64| x * (x - 1.0) / 2.0;
    let index: f64 = table.values().map(|&x| c2(x)).sum();
    let a: f64 = rows.values().map(|&x| c2(x)).sum();
    let b: f64 = cols.values().map(|&x| c2(x)).sum();
    let expected = a * b / c2(nf).max(1.0);
    let max = (a + b) / 2.0;
    let ari = if (max - expected).abs() < 1e-12 {
        1.0
    } else {
        (index - expected) / (max - expected)
    };
    let h = |m: &HashMap<&str, f64>| -> f64 {
        m.values()
            .map(|&x| {
                let p = x / nf;
                -p * p.ln()
            })
            .sum()
    };
    let mi: f64 = table
        .iter()
        .map(|(&(t, p), &x)| {
            let pxy = x / nf;
            pxy * (pxy / ((rows[t] / nf) * (cols[p] / nf))).ln()
        })
        .sum();
    let (ht, hp) = (h(&rows), h(&cols));
    let nmi = if ht + hp == 0.0 {
        1.0
    } else {
        2.0 * mi / (ht + hp)
    };
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    Scores {
        posts: n,
        purity: r(purity),
        ari: r(ari),
        nmi: r(nmi),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_random_and_merged_clusterings_score_as_expected() {
        let truth = ["a", "a", "b", "b", "c", "c"];
        let same: Vec<_> = truth.iter().map(|t| (*t, *t)).collect();
        let s = scores(&same);
        assert_eq!((s.purity, s.ari, s.nmi), (1.0, 1.0, 1.0));
        let merged: Vec<_> = truth.iter().map(|t| (*t, "x")).collect();
        let m = scores(&merged);
        assert!(m.ari.abs() < 1e-9 && m.nmi.abs() < 1e-9);
        assert!((m.purity - 1.0 / 3.0).abs() < 1e-3);
    }
}
