//! Topics: what posts are about, discovered from the terms that occur
//! together, and defined by the user (`levain topic add NAME --terms …`).
//!
//! Terms are hashtags, keywords and linked sites ([`levain_text::Terms`]).
//!
//! Discovery, and why this way:
//! 1. Keep terms used in at least `min_posts` posts (rarer ones cannot be
//!    told from chance) and, words and sites, in at most half of them
//!    (those say nothing). A hashtag is kept however common: its author
//!    chose it to say what the post is about, and the one hashtag of a
//!    French and an English theme is what ties them into one topic. One on
//!    nearly every post gets no link anyway (its NPMI with any term is ≈ 0).
//! 2. Count posts with the same terms once, weighted 1 + ln(copies), so a
//!    text repeated by a bot or a template does not pass for a topic.
//!    Link two terms when they co-occur far more than chance: normalised
//!    pointwise mutual information, NPMI = ln(p(a,b) / p(a)p(b)) / −ln p(a,b),
//!    is 1 for terms always together, 0 for independent ones, and unlike raw
//!    counts it does not favour the frequent words every topic uses.
//! 3. Cut the graph into communities by modularity (Louvain) rather than
//!    taking its connected components: one word two topics share
//!    ("atelier" in a repair post and in a cargo post) bridges two
//!    components and would merge them, while modularity puts it in one of
//!    them and keeps the two apart.
//! 4. A community of at least two terms covering `min_posts` posts in at
//!    least three different texts is a topic (a bot's one text repeated is
//!    not), named by its most used hashtag (else its most used word).
//!
//! A post then belongs to the discovered topic whose terms it uses most
//! (each term weighted by its rarity, idf), and to every user topic one of
//! whose terms it uses.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use datafusion::arrow::array::{Array, AsArray, ListArray, StringArray};
use datafusion::arrow::datatypes::Int64Type;
use levain_store::query::Engine;
use levain_text::Terms;
use rayon::prelude::*;
use serde::Serialize;

use crate::{AnalyticsError, Filters, Result, own_in};

#[derive(Clone, Debug)]
pub struct TopicOptions {
    /// Fewest posts a term, and a discovered topic, must have.
    pub min_posts: usize,
    /// Weakest association (NPMI) that links two terms.
    pub min_npmi: f64,
    /// Terms shown per topic.
    pub max_terms: usize,
}

impl Default for TopicOptions {
    fn default() -> Self {
        TopicOptions {
            min_posts: 5,
            min_npmi: 0.25,
            max_terms: 12,
        }
    }
}

/// `levain topics --json`.
#[derive(Debug, Serialize)]
pub struct Topics {
    pub method: String,
    /// Posts read (inside the filters).
    pub posts: u64,
    /// Posts in no topic.
    pub unassigned: u64,
    /// User topics first (in name order), then discovered ones, largest first.
    pub topics: Vec<Topic>,
}

#[derive(Debug, Serialize)]
pub struct Topic {
    pub name: String,
    /// `user` or `discovered`.
    pub source: &'static str,
    /// Hashtags (`#velotaf`), words and sites; a user topic's as given.
    pub terms: Vec<String>,
    pub posts: u64,
    pub authors: u64,
    pub own_posts_count: u64,
    /// Posts per month (UTC), all and own.
    pub volume: Vec<MonthVolume>,
    /// Own posts in the topic, oldest first.
    pub own_posts: Vec<OwnPost>,
}

#[derive(Debug, Serialize)]
pub struct MonthVolume {
    pub month: String,
    pub posts: u64,
    pub own_posts: u64,
}

#[derive(Debug, Serialize)]
pub struct OwnPost {
    pub post: String,
    pub at: String,
    pub url: Option<String>,
    /// The first 200 characters.
    pub text: Option<String>,
}

/// One post as topics see it.
#[derive(Debug)]
pub struct Doc {
    pub post: String,
    pub author: String,
    pub channel: String,
    pub at: i64,
    pub own: bool,
    pub text: Option<String>,
    pub url: Option<String>,
    pub venue: Option<String>,
    pub hashtags: Vec<String>,
    /// Ids into [`Corpus::terms`].
    pub terms: Vec<u32>,
}

/// The posts inside the filters with their terms.
#[derive(Debug, Default)]
pub struct Corpus {
    pub docs: Vec<Doc>,
    /// Term strings (`#velotaf`, `repar`, `site:example.org`).
    pub terms: Vec<String>,
    /// The most common written form of each term.
    pub surface: Vec<String>,
    /// Posts using each term.
    pub df: Vec<u32>,
}

/// A topic's definition and its posts (indexes into [`Corpus::docs`]).
#[derive(Debug)]
pub struct TopicPosts {
    pub name: String,
    pub source: &'static str,
    pub terms: Vec<String>,
    pub docs: Vec<u32>,
}

/// Everything topics found: the corpus and each topic's posts.
#[derive(Debug)]
pub struct Analysis {
    pub corpus: Corpus,
    pub topics: Vec<TopicPosts>,
    pub unassigned: u64,
}

/// Reads the posts inside `filters` and extracts their terms.
pub fn corpus(engine: &Engine, own: &[String], filters: &Filters) -> Result<Corpus> {
    filters.check(engine)?;
    let own_case = if own.is_empty() {
        "false".to_owned()
    } else {
        format!("p.author IN ({})", own_in(own))
    };
    let sql = format!(
        "SELECT p.post, p.author, p.channel, CAST(p.at AS BIGINT) AS at, p.text, p.lang, p.url,
                p.venue, p.hashtags, p.links, {own_case} AS own
         FROM posts p WHERE p.deleted_at IS NULL{}{}
         ORDER BY at, p.post",
        filters.sql("p"),
        filters.cut("p.author")
    );
    let (_, batches) = engine.sql(&sql)?;
    struct Raw {
        doc: Doc,
        lang: Option<String>,
        links: Vec<String>,
    }
    let mut raw: Vec<Raw> = Vec::new();
    for b in &batches {
        let st = |i: usize| b.column(i).as_string::<i32>().clone();
        let (post, author, channel, text, lang, url, venue) =
            (st(0), st(1), st(2), st(4), st(5), st(6), st(7));
        let at = b.column(3).as_primitive::<Int64Type>();
        let hashtags = b.column(8).as_list::<i32>();
        let links = b.column(9).as_list::<i32>();
        let own = b.column(10).as_boolean();
        let opt = |a: &StringArray, r: usize| (!a.is_null(r)).then(|| a.value(r).to_owned());
        for r in 0..b.num_rows() {
            raw.push(Raw {
                doc: Doc {
                    post: post.value(r).to_owned(),
                    author: author.value(r).to_owned(),
                    channel: channel.value(r).to_owned(),
                    at: at.value(r),
                    own: own.value(r),
                    text: opt(&text, r),
                    url: opt(&url, r),
                    venue: opt(&venue, r),
                    hashtags: list(hashtags, r),
                    terms: Vec::new(),
                },
                lang: opt(&lang, r),
                links: list(links, r),
            });
        }
    }
    // Term extraction is the costly part: in parallel, then interned in order.
    let extractor = Terms::shared();
    let extracted: Vec<Vec<levain_text::Term>> = raw
        .par_iter()
        .map(|r| {
            let tags: Vec<&str> = r.doc.hashtags.iter().map(String::as_str).collect();
            let links: Vec<&str> = r.links.iter().map(String::as_str).collect();
            extractor.of_post(r.doc.text.as_deref(), r.lang.as_deref(), &tags, &links)
        })
        .collect();
    let mut c = Corpus::default();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut surfaces: Vec<HashMap<String, u32>> = Vec::new();
    for (r, terms) in raw.into_iter().zip(extracted) {
        let mut doc = r.doc;
        for t in terms {
            let id = *ids.entry(t.term.clone()).or_insert_with(|| {
                c.terms.push(t.term.clone());
                c.df.push(0);
                surfaces.push(HashMap::new());
                (c.terms.len() - 1) as u32
            });
            c.df[id as usize] += 1;
            *surfaces[id as usize].entry(t.surface).or_default() += 1;
            doc.terms.push(id);
        }
        c.docs.push(doc);
    }
    c.surface = surfaces
        .into_iter()
        .map(|m| {
            m.into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(s, _)| s)
                .unwrap_or_default()
        })
        .collect();
    Ok(c)
}

fn list(a: &ListArray, r: usize) -> Vec<String> {
    if a.is_null(r) {
        return Vec::new();
    }
    let v = a.value(r);
    let s = v.as_string::<i32>();
    (0..s.len())
        .filter(|i| !s.is_null(*i))
        .map(|i| s.value(i).to_owned())
        .collect()
}

/// Discovers topics in `corpus` and adds the user's: every topic with its posts.
pub fn analyse(
    corpus: Corpus,
    user: &BTreeMap<String, Vec<String>>,
    opts: &TopicOptions,
) -> Analysis {
    let communities = discover(&corpus, opts);
    let n = corpus.docs.len().max(1) as f64;
    let idf: Vec<f64> = corpus
        .df
        .iter()
        .map(|&d| (n / f64::from(d.max(1))).ln())
        .collect();
    let mut community_of: HashMap<u32, usize> = HashMap::new();
    for (ci, terms) in communities.iter().enumerate() {
        for &t in terms {
            community_of.insert(t, ci);
        }
    }
    // Each post to the discovered topic its terms weigh most in.
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); communities.len()];
    let mut in_any = vec![false; corpus.docs.len()];
    for (di, d) in corpus.docs.iter().enumerate() {
        let mut score: Vec<(usize, f64)> = Vec::new();
        for t in &d.terms {
            if let Some(&ci) = community_of.get(t) {
                match score.iter_mut().find(|(c, _)| *c == ci) {
                    Some((_, s)) => *s += idf[*t as usize],
                    None => score.push((ci, idf[*t as usize])),
                }
            }
        }
        if let Some((ci, _)) = score
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        {
            members[ci].push(di as u32);
            in_any[di] = true;
        }
    }
    let mut topics: Vec<TopicPosts> = Vec::new();
    let extractor = Terms::shared();
    let by_term: HashMap<&str, u32> = corpus
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect();
    for (name, terms) in user {
        let wanted: BTreeSet<u32> = terms
            .iter()
            .flat_map(|t| extractor.of_user_term(t))
            .filter_map(|t| by_term.get(t.as_str()).copied())
            .collect();
        let docs: Vec<u32> = corpus
            .docs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.terms.iter().any(|t| wanted.contains(t)))
            .map(|(i, _)| i as u32)
            .collect();
        for &d in &docs {
            in_any[d as usize] = true;
        }
        topics.push(TopicPosts {
            name: name.clone(),
            source: "user",
            terms: terms.clone(),
            docs,
        });
    }
    let mut discovered: Vec<TopicPosts> = communities
        .iter()
        .zip(members)
        .filter(|(_, m)| m.len() >= opts.min_posts && distinct_texts(&corpus, m) >= MIN_TEXTS)
        .map(|(terms, docs)| {
            let mut shown: Vec<u32> = terms.clone();
            // Hashtags first, then by use.
            shown.sort_by_key(|&t| {
                (
                    !corpus.terms[t as usize].starts_with('#'),
                    std::cmp::Reverse(corpus.df[t as usize]),
                    t,
                )
            });
            let name = display(&corpus, shown[0])
                .trim_start_matches('#')
                .to_owned();
            TopicPosts {
                name,
                source: "discovered",
                terms: shown
                    .iter()
                    .take(opts.max_terms)
                    .map(|&t| display(&corpus, t))
                    .collect(),
                docs,
            }
        })
        .collect();
    discovered.sort_by(|a, b| b.docs.len().cmp(&a.docs.len()).then(a.name.cmp(&b.name)));
    let mut taken: BTreeSet<String> = topics.iter().map(|t| t.name.clone()).collect();
    for mut t in discovered {
        let base = t.name.clone();
        let mut k = 2;
        while taken.contains(&t.name) {
            t.name = format!("{base}-{k}");
            k += 1;
        }
        taken.insert(t.name.clone());
        topics.push(t);
    }
    let unassigned = in_any.iter().filter(|x| !**x).count() as u64;
    Analysis {
        corpus,
        topics,
        unassigned,
    }
}

/// Fewest different texts a discovered topic needs: one text posted many
/// times (a bot's, a copy-paste, a template) makes its words co-occur
/// perfectly, but it is one message, not a conversation.
const MIN_TEXTS: usize = 3;

fn distinct_texts(c: &Corpus, docs: &[u32]) -> usize {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for &d in docs {
        seen.insert(c.docs[d as usize].text.as_deref().unwrap_or(""));
        if seen.len() >= MIN_TEXTS {
            break;
        }
    }
    seen.len()
}

/// How a term is shown: `#velotaf`, `example.org`, or the word as written.
fn display(c: &Corpus, t: u32) -> String {
    let term = &c.terms[t as usize];
    if let Some(site) = term.strip_prefix("site:") {
        site.to_owned()
    } else if term.starts_with('#') {
        term.clone()
    } else {
        c.surface[t as usize].clone()
    }
}

/// Communities of associated terms (see the module's comment).
pub fn discover(c: &Corpus, opts: &TopicOptions) -> Vec<Vec<u32>> {
    let n = c.docs.len();
    if n == 0 {
        return Vec::new();
    }
    let keep: Vec<bool> = (c.df.iter().zip(&c.terms))
        .map(|(&d, term)| {
            d as usize >= opts.min_posts && ((d as usize) * 2 <= n || term.starts_with('#'))
        })
        .collect();
    // Posts with the same terms count once, with a weight growing with the
    // log of their copies: a text posted a thousand times (a bot, a
    // template, a copy-paste) is one message said loudly, and letting it
    // weigh a thousand would make its words look like the strongest topic.
    let mut groups: HashMap<Vec<u32>, u32> = HashMap::new();
    for d in &c.docs {
        let mut ts: Vec<u32> = d
            .terms
            .iter()
            .copied()
            .filter(|t| keep[*t as usize])
            .collect();
        ts.sort_unstable();
        ts.dedup();
        // A long text's every pair would dominate the counts; its rarest
        // terms say most about it.
        if ts.len() > 30 {
            ts.sort_by_key(|t| (c.df[*t as usize], *t));
            ts.truncate(30);
            ts.sort_unstable();
        }
        *groups.entry(ts).or_default() += 1;
    }
    let mut total = 0.0f64;
    let mut weight_of: HashMap<u32, f64> = HashMap::new();
    // (weighted, raw) co-occurrences.
    let mut pairs: HashMap<(u32, u32), (f64, u32)> = HashMap::new();
    for (ts, copies) in &groups {
        let w = 1.0 + f64::from(*copies).ln();
        total += w;
        for (i, &a) in ts.iter().enumerate() {
            *weight_of.entry(a).or_default() += w;
            for &b in &ts[i + 1..] {
                let e = pairs.entry((a, b)).or_default();
                e.0 += w;
                e.1 += copies;
            }
        }
    }
    // Pairs seen together fewer than a few times are chance, whatever NPMI says.
    let min_pair = (opts.min_posts / 2).max(3) as u32;
    let mut edges: Vec<(u32, u32, f64)> = pairs
        .into_iter()
        .filter(|(_, (_, raw))| *raw >= min_pair)
        .filter_map(|((a, b), (k, _))| {
            let pab = k / total;
            let pa = weight_of[&a] / total;
            let pb = weight_of[&b] / total;
            let npmi = if pab >= 1.0 {
                1.0
            } else {
                (pab / (pa * pb)).ln() / -pab.ln()
            };
            (npmi >= opts.min_npmi).then_some((a, b, npmi))
        })
        .collect();
    edges.sort_by_key(|e| (e.0, e.1));
    let mut nodes: Vec<u32> = edges.iter().flat_map(|e| [e.0, e.1]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let index: HashMap<u32, usize> = nodes.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let local: Vec<(usize, usize, f64)> = edges
        .iter()
        .map(|(a, b, w)| (index[a], index[b], *w))
        .collect();
    let labels = louvain(nodes.len(), &local);
    let mut groups: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (i, l) in labels.into_iter().enumerate() {
        groups.entry(l).or_default().push(nodes[i]);
    }
    groups.into_values().filter(|g| g.len() >= 2).collect()
}

/// Louvain modularity communities of an undirected weighted graph: move
/// each node to the neighbouring community that gains most modularity until
/// none moves, merge communities into nodes, repeat. Deterministic (nodes
/// visited in index order). Returns a community label per node.
fn louvain(n: usize, edges: &[(usize, usize, f64)]) -> Vec<usize> {
    let mut label: Vec<usize> = (0..n).collect();
    let mut graph: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(a, b, w) in edges {
        graph[a].push((b, w));
        graph[b].push((a, w));
    }
    loop {
        let size = graph.len();
        let degree: Vec<f64> = graph
            .iter()
            .map(|adj| adj.iter().map(|(_, w)| w).sum())
            .collect();
        let m2: f64 = degree.iter().sum();
        if m2 == 0.0 {
            break;
        }
        let mut comm: Vec<usize> = (0..size).collect();
        let mut total: Vec<f64> = degree.clone();
        let mut moved_any = false;
        loop {
            let mut moved = false;
            for v in 0..size {
                let mut links: BTreeMap<usize, f64> = BTreeMap::new();
                for &(u, w) in &graph[v] {
                    if u != v {
                        *links.entry(comm[u]).or_default() += w;
                    }
                }
                let own = comm[v];
                total[own] -= degree[v];
                let gain = |c: usize, k: f64| k - total[c] * degree[v] / m2;
                let mut best = (own, gain(own, links.get(&own).copied().unwrap_or(0.0)));
                for (&c, &k) in &links {
                    let g = gain(c, k);
                    if g > best.1 + 1e-12 {
                        best = (c, g);
                    }
                }
                total[best.0] += degree[v];
                if best.0 != own {
                    comm[v] = best.0;
                    moved = true;
                    moved_any = true;
                }
            }
            if !moved {
                break;
            }
        }
        if !moved_any {
            break;
        }
        // Renumber communities and fold the graph.
        let mut ids: BTreeMap<usize, usize> = BTreeMap::new();
        for c in &comm {
            let next = ids.len();
            ids.entry(*c).or_insert(next);
        }
        for l in label.iter_mut() {
            *l = ids[&comm[*l]];
        }
        let mut folded: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); ids.len()];
        for (v, adj) in graph.iter().enumerate() {
            for &(u, w) in adj {
                *folded[ids[&comm[v]]].entry(ids[&comm[u]]).or_default() += w;
            }
        }
        graph = folded
            .into_iter()
            .map(|m| m.into_iter().collect())
            .collect();
    }
    label
}

const METHOD: &str = "Terms are hashtags, keywords (stemmed, stop words removed, French or English by post) and linked sites. Terms in at least min_posts posts are linked when they co-occur more than chance (NPMI ≥ min_npmi); Louvain modularity communities of that graph are the discovered topics, named by their most used hashtag. A post belongs to the discovered topic its terms weigh most in (idf), and to every user topic one of whose terms it uses.";

/// `levain topics`: user and discovered topics with volume, terms and own posts.
pub fn topics(
    engine: &Engine,
    own: &[String],
    user: &BTreeMap<String, Vec<String>>,
    filters: &Filters,
    opts: &TopicOptions,
) -> Result<Topics> {
    let a = analyse(corpus(engine, own, filters)?, user, opts);
    Ok(report(&a, opts))
}

pub fn report(a: &Analysis, opts: &TopicOptions) -> Topics {
    let c = &a.corpus;
    let topics = a
        .topics
        .iter()
        .map(|t| {
            let mut months: BTreeMap<String, (u64, u64)> = BTreeMap::new();
            let mut authors: BTreeSet<&str> = BTreeSet::new();
            let mut own_posts = Vec::new();
            for &di in &t.docs {
                let d = &c.docs[di as usize];
                let m = months
                    .entry(crate::rfc3339(d.at)[..7].to_owned())
                    .or_default();
                m.0 += 1;
                authors.insert(&d.author);
                if d.own {
                    m.1 += 1;
                    own_posts.push(OwnPost {
                        post: d.post.clone(),
                        at: crate::rfc3339(d.at),
                        url: d.url.clone(),
                        text: d.text.as_ref().map(|s| s.chars().take(200).collect()),
                    });
                }
            }
            Topic {
                name: t.name.clone(),
                source: t.source,
                terms: t.terms.clone(),
                posts: t.docs.len() as u64,
                authors: authors.len() as u64,
                own_posts_count: own_posts.len() as u64,
                volume: months
                    .into_iter()
                    .map(|(month, (posts, own_posts))| MonthVolume {
                        month,
                        posts,
                        own_posts,
                    })
                    .collect(),
                own_posts,
            }
        })
        .collect();
    Topics {
        method: format!(
            "{METHOD} (min_posts {}, min_npmi {})",
            opts.min_posts, opts.min_npmi
        ),
        posts: c.docs.len() as u64,
        unassigned: a.unassigned,
        topics,
    }
}

/// The keys of the posts in one topic, all and own: the personalisation
/// `levain amplifiers --topic T` ranks with.
#[derive(Debug, Default, Serialize)]
pub struct TopicKeys {
    pub posts: BTreeSet<String>,
    pub own_posts: BTreeSet<String>,
}

/// The posts of topic `name` (user or discovered), or an error naming the topics.
pub fn topic_post_keys(
    engine: &Engine,
    own: &[String],
    user: &BTreeMap<String, Vec<String>>,
    filters: &Filters,
    name: &str,
) -> Result<TopicKeys> {
    let a = analyse(
        corpus(engine, own, filters)?,
        user,
        &TopicOptions::default(),
    );
    let Some(t) = a.topics.iter().find(|t| t.name == name) else {
        return Err(AnalyticsError::Mixed(format!(
            "no topic `{name}`; topics are: {} (see `levain topics`, or define one with `levain topic add {name} --terms …`)",
            a.topics
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let mut keys = TopicKeys::default();
    for &di in &t.docs {
        let d = &a.corpus.docs[di as usize];
        keys.posts.insert(d.post.clone());
        if d.own {
            keys.own_posts.insert(d.post.clone());
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus_of(texts: &[(&str, &[&str])]) -> Corpus {
        let mut c = Corpus::default();
        let mut ids: HashMap<String, u32> = HashMap::new();
        for (i, (text, tags)) in texts.iter().enumerate() {
            let terms = Terms::shared().of_post(Some(text), None, tags, &[]);
            let mut doc = Doc {
                post: format!("p{i}"),
                author: format!("a{}", i % 7),
                channel: "bluesky".into(),
                at: i as i64 * 86_400_000_000,
                own: i % 3 == 0,
                text: Some(text.to_string()),
                url: None,
                venue: None,
                hashtags: tags.iter().map(|s| s.to_string()).collect(),
                terms: Vec::new(),
            };
            for t in terms {
                let id = *ids.entry(t.term.clone()).or_insert_with(|| {
                    c.terms.push(t.term.clone());
                    c.surface.push(t.surface.clone());
                    c.df.push(0);
                    (c.terms.len() - 1) as u32
                });
                c.df[id as usize] += 1;
                doc.terms.push(id);
            }
            c.docs.push(doc);
        }
        c
    }

    #[test]
    fn louvain_splits_two_cliques_joined_by_one_edge() {
        let mut e = Vec::new();
        for base in [0, 4] {
            for i in 0..4 {
                for j in i + 1..4 {
                    e.push((base + i, base + j, 1.0));
                }
            }
        }
        e.push((3, 4, 0.5));
        let l = louvain(8, &e);
        assert!(l[..4].iter().all(|x| *x == l[0]));
        assert!(l[4..].iter().all(|x| *x == l[4]));
        assert_ne!(l[0], l[4]);
    }

    #[test]
    fn two_themes_sharing_a_word_come_out_as_two_topics() {
        // Different texts (repeated ones are damped and a topic needs three
        // different texts), both themes using "atelier".
        let repair_fr = [
            "Changer la chaîne et régler les freins à l'atelier",
            "Régler les freins du vélo avant la sortie",
            "La chaîne saute : on la change à l'atelier",
            "Des freins qui frottent ? On les règle ensemble",
            "Atelier réparation : chaîne, freins et dérailleur",
            "Apprendre à changer sa chaîne soi-même",
            "Des freins bien réglés et une chaîne propre",
            "Réparer ses freins et sa chaîne à l'atelier",
        ];
        let repair_en = [
            "Replace the chain and adjust the brakes",
            "Adjust your brakes before the ride",
            "Chain skipping? We replace it at the workshop",
            "Brakes rubbing? Let's adjust them together",
            "Repair session: chain, brakes and derailleur",
            "Learn to replace your own chain",
            "Well adjusted brakes and a clean chain",
            "Fix your brakes and your chain with us",
        ];
        let cargo = [
            "Le vélo-cargo pour les enfants et les courses",
            "Essai de vélos-cargos à l'atelier ce week-end",
            "Les courses en vélo-cargo, même sous la pluie",
            "Un vélo-cargo électrique pour emmener les enfants",
            "Vélos-cargos : lequel choisir pour les courses ?",
            "Emmener deux enfants à l'école en vélo-cargo",
            "Prêt de vélo-cargo à l'atelier pour essayer",
            "Les enfants adorent le vélo-cargo",
        ];
        let weather = [
            "Météo du jour : grand soleil sur la ville",
            "Pluie annoncée demain matin",
            "Vent fort cet après-midi sur les quais",
        ];
        let mut texts: Vec<(&str, &[&str])> = Vec::new();
        for t in repair_fr.iter().chain(&repair_en) {
            texts.push((t, &["réparation"]));
        }
        for t in &cargo {
            texts.push((t, &["vélocargo"]));
        }
        for t in &weather {
            texts.push((t, &[]));
        }
        let a = analyse(
            corpus_of(&texts),
            &BTreeMap::new(),
            &TopicOptions::default(),
        );
        let names: Vec<&str> = a.topics.iter().map(|t| t.name.as_str()).collect();
        let found: Vec<(&str, usize, &[String])> = a
            .topics
            .iter()
            .map(|t| (t.name.as_str(), t.docs.len(), t.terms.as_slice()))
            .collect();
        assert!(names.contains(&"reparation"), "{found:?}");
        assert!(names.contains(&"velocargo"), "{found:?}");
        let repair = a.topics.iter().find(|t| t.name == "reparation").unwrap();
        // Both languages' repair posts, and nothing else.
        assert_eq!(repair.docs.len(), 16, "{:?}", repair.terms);
        assert!(repair.docs.iter().all(|d| {
            a.corpus.docs[*d as usize]
                .hashtags
                .contains(&"réparation".to_owned())
        }));
    }

    #[test]
    fn user_topics_match_hashtags_words_and_both_languages() {
        let texts: Vec<(&str, &[&str])> = vec![
            ("On répare les vélos", &[]),
            ("We repair bikes", &[]),
            ("Sortie du dimanche", &["velotaf"]),
            ("Rien à voir", &[]),
        ];
        let mut user = BTreeMap::new();
        user.insert(
            "atelier".to_owned(),
            vec![
                "réparer".to_owned(),
                "repair".to_owned(),
                "#Vélotaf".to_owned(),
            ],
        );
        let a = analyse(corpus_of(&texts), &user, &TopicOptions::default());
        let t = &a.topics[0];
        assert_eq!((t.name.as_str(), t.source), ("atelier", "user"));
        assert_eq!(t.docs, [0, 1, 2]);
        assert_eq!(a.unassigned, 1);
    }
}
