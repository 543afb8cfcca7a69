//! `levain suggest`: whom to engage next. Accounts not yet in touch with
//! us, close to the people who already amplify us and to our core, each
//! with the reason, as Twitter's "Who to Follow" (Gupta et al., 2013):
//!
//! 1. a graph of who engaged with whom (follows, likes, reshares, quotes,
//!    replies; a like that came through a reshare also links the liker to
//!    the resharer), walked from the engaged-with to the engager;
//! 2. personalised PageRank from the own accounts: the accounts in touch
//!    with us that it puts closest form the *circle of trust*;
//! 3. SALSA on the bipartite graph circle ⇄ accounts not in touch, with
//!    restarts on the circle weighted by their PageRank: the authority
//!    scores rank the suggestions.
//!
//! In touch means: follows an own account or is followed by one, has
//! replied to, reshared, quoted or liked an own post directly, or was
//! engaged with by an own account. A like that came *through* someone
//! else's reshare (Bluesky's `via`) does not count: that person met us only
//! through an amplifier, which is exactly whom to reach out to.
//! Accounts the fraud detector flags are never suggested and never part
//! of the circle.

use std::collections::{BTreeSet, HashMap};

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{Float64Type, Int64Type};
use levain_graph::{Bipartite, GraphBuilder, PageRankOptions, SalsaOptions, pagerank, salsa};
use levain_store::query::Engine;
use serde::Serialize;

use crate::{AnalyticsError, Filters, Result};

#[derive(Clone, Debug)]
pub struct SuggestOptions {
    /// Accounts in the circle of trust.
    pub circle: usize,
    /// Half-life of an interaction's weight, in days: what happened lately
    /// says more about who is close now.
    pub half_life_days: f64,
    /// Suggestions listed.
    pub limit: usize,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            circle: 200,
            half_life_days: 90.0,
            limit: 50,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Suggestions {
    /// Accounts in the circle of trust (in touch, closest to us).
    pub circle: usize,
    /// Accounts seen in the data but not in touch with us.
    pub candidates: usize,
    /// Best first.
    pub accounts: Vec<Suggestion>,
}

#[derive(Debug, Serialize)]
pub struct Suggestion {
    pub account: String,
    pub handle: Option<String>,
    /// SALSA authority score (share of the walk).
    pub score: f64,
    /// Circle members it is linked to, strongest first (at most five).
    pub close_to: Vec<String>,
    pub reasons: Vec<String>,
}

/// One aggregated edge of the engagement graph.
struct Edge {
    actor: u32,
    target: u32,
    kind: Kind,
    /// The resharer a like came through.
    via: Option<u32>,
    n: u64,
    /// The interactions' time-decayed weight.
    w: f64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Follow,
    Like,
    Reshare,
    Quote,
    Reply,
    /// Mentions, unfollows and whatever else names an account.
    Other,
}

impl Kind {
    fn parse(s: &str) -> Kind {
        match s {
            "follow" => Kind::Follow,
            "like" => Kind::Like,
            "reshare" => Kind::Reshare,
            "quote" => Kind::Quote,
            "reply" => Kind::Reply,
            _ => Kind::Other,
        }
    }

    /// How much closer an interaction of this kind brings two accounts.
    fn weight(self) -> f64 {
        match self {
            Kind::Follow | Kind::Like | Kind::Other => 1.0,
            Kind::Reply => 2.0,
            Kind::Reshare | Kind::Quote => 3.0,
        }
    }
}

/// The engagement graph of a period: interned accounts and edges.
struct Interactions {
    names: Vec<String>,
    edges: Vec<Edge>,
}

fn load(engine: &Engine, filters: &Filters, half_life_days: f64) -> Result<Interactions> {
    let end = match (crate::data_end(engine)?, filters.to) {
        (Some(e), Some(t)) => e.min(t - 1),
        (Some(e), None) => e,
        (None, _) => 0,
    };
    let half_life = (half_life_days.max(1e-3) * 86_400e6) as i64;
    let sql = format!(
        "SELECT e.actor, e.target_account, e.kind, r.actor AS via_actor, count(*) AS n,
                sum(power(0.5, CAST({end} - CAST(e.at AS BIGINT) AS DOUBLE) / {half_life})) AS w
         FROM interactions_raw e
         LEFT JOIN (SELECT record, actor FROM interactions_raw WHERE kind = 'reshare') r ON e.via = r.record
         WHERE e.target_account IS NOT NULL AND e.actor <> e.target_account{}{}{}
         GROUP BY e.actor, e.target_account, e.kind, r.actor",
        filters.sql("e"),
        filters.cut("e.actor"),
        filters.cut("e.target_account"),
    );
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut names = Vec::new();
    let mut edges = Vec::new();
    let mut intern = |s: &str| -> u32 {
        if let Some(&i) = ids.get(s) {
            return i;
        }
        let i = names.len() as u32;
        names.push(s.to_owned());
        ids.insert(s.to_owned(), i);
        i
    };
    engine.for_each_batch(&sql, |b| {
        let actor = b.column(0).as_string::<i32>();
        let target = b.column(1).as_string::<i32>();
        let kind = b.column(2).as_string::<i32>();
        let via = b.column(3).as_string::<i32>();
        let n = b.column(4).as_primitive::<Int64Type>();
        let w = b.column(5).as_primitive::<Float64Type>();
        for r in 0..b.num_rows() {
            let k = Kind::parse(kind.value(r));
            edges.push(Edge {
                actor: intern(actor.value(r)),
                target: intern(target.value(r)),
                kind: k,
                via: (!via.is_null(r)).then(|| intern(via.value(r))),
                n: n.value(r).max(0) as u64,
                w: w.value(r),
            });
        }
        Ok(())
    })?;
    Ok(Interactions { names, edges })
}

/// Whether an edge puts its two ends in touch when one of them is own.
fn touches(e: &Edge, is_own: &[bool]) -> Option<u32> {
    if is_own[e.target as usize] && !is_own[e.actor as usize] {
        // A like through another account's reshare is not direct contact.
        let through_other = e.via.is_some_and(|v| !is_own[v as usize]);
        return (!through_other).then_some(e.actor);
    }
    if is_own[e.actor as usize] && !is_own[e.target as usize] {
        return Some(e.target);
    }
    None
}

/// Accounts in touch with an own account in the period `filters` selects
/// (see the module's definition).
pub fn in_touch(engine: &Engine, own: &[String], filters: &Filters) -> Result<BTreeSet<String>> {
    let g = load(engine, filters, SuggestOptions::default().half_life_days)?;
    let is_own = own_flags(&g.names, own);
    Ok(g.edges
        .iter()
        .filter_map(|e| touches(e, &is_own))
        .map(|a| g.names[a as usize].clone())
        .collect())
}

fn own_flags(names: &[String], own: &[String]) -> Vec<bool> {
    let own: BTreeSet<&str> = own.iter().map(String::as_str).collect();
    names.iter().map(|n| own.contains(n.as_str())).collect()
}

pub fn suggest(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    o: &SuggestOptions,
) -> Result<Suggestions> {
    Ok(rank(engine, own, filters, o)?.0)
}

/// Recall of the suggestions at one cut-off.
#[derive(Debug, Serialize)]
pub struct RecallAt {
    pub k: usize,
    /// Suggested in the first `k` and in touch later.
    pub hits: usize,
    pub recall: f64,
    /// The recall of `k` candidates drawn at random (k / candidates).
    pub random: f64,
}

#[derive(Debug, Serialize)]
pub struct Holdout {
    /// Suggestions are made from the data before this; truth is after it.
    pub cutoff: String,
    pub candidates: usize,
    /// Candidates at the cut-off that got in touch with us after it.
    pub later_in_touch: usize,
    pub recall: Vec<RecallAt>,
}

/// Hides everything from `cutoff` on, suggests from what came before, and
/// measures how many of the candidates who got in touch afterwards were
/// among the first `k` suggestions.
pub fn holdout(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    cutoff: i64,
    ks: &[usize],
    o: &SuggestOptions,
) -> Result<Holdout> {
    let before = Filters {
        to: Some(filters.to.map_or(cutoff, |t| t.min(cutoff))),
        ..filters.clone()
    };
    let after = Filters {
        from: Some(filters.from.map_or(cutoff, |f| f.max(cutoff))),
        ..filters.clone()
    };
    let o = SuggestOptions {
        limit: ks.iter().copied().max().unwrap_or(0),
        ..o.clone()
    };
    let (s, candidates) = rank(engine, own, &before, &o)?;
    let later = in_touch(engine, own, &after)?;
    let positives: BTreeSet<&String> = candidates.iter().filter(|c| later.contains(*c)).collect();
    let recall = ks
        .iter()
        .map(|&k| {
            let hits = s
                .accounts
                .iter()
                .take(k)
                .filter(|a| positives.contains(&a.account))
                .count();
            RecallAt {
                k,
                hits,
                recall: hits as f64 / positives.len().max(1) as f64,
                random: (k as f64 / candidates.len().max(1) as f64).min(1.0),
            }
        })
        .collect();
    Ok(Holdout {
        cutoff: crate::rfc3339(cutoff),
        candidates: candidates.len(),
        later_in_touch: positives.len(),
        recall,
    })
}

/// The suggestions, and every candidate (accounts not in touch).
fn rank(
    engine: &Engine,
    own: &[String],
    filters: &Filters,
    o: &SuggestOptions,
) -> Result<(Suggestions, Vec<String>)> {
    filters.check(engine)?;
    if own.is_empty() {
        return Err(AnalyticsError::NoOwnAccounts);
    }
    let g = load(engine, filters, o.half_life_days)?;
    let n = g.names.len();
    let is_own = own_flags(&g.names, own);
    let mut touched = vec![false; n];
    // Accounts that reshared or quoted an own post: our amplifiers.
    let mut amplifies = vec![false; n];
    for e in &g.edges {
        if let Some(a) = touches(e, &is_own) {
            touched[a as usize] = true;
        }
        if is_own[e.target as usize] && matches!(e.kind, Kind::Reshare | Kind::Quote) {
            amplifies[e.actor as usize] = true;
        }
    }
    let flagged = crate::amplifiers::flagged_accounts(engine, g.names.iter().map(String::as_str))?;
    let excluded: Vec<bool> = g
        .names
        .iter()
        .map(|a| flagged.contains_key(a.as_str()))
        .collect();

    // Closeness flows from the engaged-with to the engager, and from a
    // resharer to those who liked through it.
    let mut b = GraphBuilder::new(n as u32);
    for e in &g.edges {
        b.add(e.target, e.actor, e.kind.weight() * e.w);
        if let Some(v) = e.via
            && v != e.actor
        {
            b.add(v, e.actor, e.w);
        }
    }
    let graph = b.build();
    let seeds: Vec<(u32, f64)> = (0..n as u32)
        .filter(|&i| is_own[i as usize])
        .map(|i| (i, 1.0))
        .collect();
    let pr = pagerank(&graph, Some(&seeds), &PageRankOptions::default());
    let mut circle: Vec<u32> = (0..n as u32)
        .filter(|&i| touched[i as usize] && !is_own[i as usize] && !excluded[i as usize])
        .collect();
    circle.sort_by(|a, b| {
        pr.scores[*b as usize]
            .total_cmp(&pr.scores[*a as usize])
            .then(a.cmp(b))
    });
    circle.truncate(o.circle);
    let hub_of: HashMap<u32, u32> = circle
        .iter()
        .enumerate()
        .map(|(i, &a)| (a, i as u32))
        .collect();
    let candidate = |a: u32| !touched[a as usize] && !is_own[a as usize] && !excluded[a as usize];
    let candidates: Vec<u32> = (0..n as u32).filter(|&a| candidate(a)).collect();
    let auth_of: HashMap<u32, u32> = candidates
        .iter()
        .enumerate()
        .map(|(i, &a)| (a, i as u32))
        .collect();

    // Circle ⇄ candidate links, with what each was, for the reasons.
    let mut links: HashMap<(u32, u32), Link> = HashMap::new();
    for e in &g.edges {
        let pairs = [
            (e.target, e.actor, Role::EngagedWithCircle(e.kind)),
            (e.actor, e.target, Role::CircleEngaged),
        ];
        for (hub, cand, role) in pairs {
            if let (Some(&h), Some(&c)) = (hub_of.get(&hub), auth_of.get(&cand)) {
                links.entry((h, c)).or_default().add(role, e.n, e.w);
            }
        }
        if let Some(v) = e.via
            && let (Some(&h), Some(&c)) = (hub_of.get(&v), auth_of.get(&e.actor))
        {
            links
                .entry((h, c))
                .or_default()
                .add(Role::LikedThrough, e.n, e.w);
        }
    }
    let bip = Bipartite {
        hubs: circle.len() as u32,
        authorities: candidates.len() as u32,
        edges: links
            .iter()
            .map(|(&(h, c), l)| (h, c, l.weight()))
            .collect(),
    };
    let trust: Vec<(u32, f64)> = circle
        .iter()
        .enumerate()
        .map(|(i, &a)| (i as u32, pr.scores[a as usize]))
        .collect();
    let s = salsa(&bip, &trust, &SalsaOptions::default());

    let mut order: Vec<u32> = (0..candidates.len() as u32)
        .filter(|&c| s.authorities[c as usize] > 0.0)
        .collect();
    order.sort_by(|a, b| {
        s.authorities[*b as usize]
            .total_cmp(&s.authorities[*a as usize])
            .then(a.cmp(b))
    });
    if o.limit > 0 {
        order.truncate(o.limit);
    }
    let mut by_cand: HashMap<u32, Vec<(u32, &Link)>> = HashMap::new();
    let wanted: BTreeSet<u32> = order.iter().copied().collect();
    for ((h, c), l) in &links {
        if wanted.contains(c) {
            by_cand.entry(*c).or_default().push((*h, l));
        }
    }
    let mut out = Vec::with_capacity(order.len());
    for c in order {
        let mut hubs = by_cand.remove(&c).unwrap_or_default();
        hubs.sort_by(|a, b| b.1.weight().total_cmp(&a.1.weight()).then(a.0.cmp(&b.0)));
        let name = |h: u32| g.names[circle[h as usize] as usize].clone();
        out.push(Suggestion {
            account: g.names[candidates[c as usize] as usize].clone(),
            handle: None,
            score: s.authorities[c as usize],
            close_to: hubs.iter().take(5).map(|(h, _)| name(*h)).collect(),
            reasons: reasons(&hubs, |h| amplifies[circle[h as usize] as usize]),
        });
    }
    let handles = crate::handles(engine, out.iter().map(|s| s.account.as_str()))?;
    for s in &mut out {
        s.handle = handles.get(&s.account).cloned();
    }
    let candidate_names = candidates
        .iter()
        .map(|&c| g.names[c as usize].clone())
        .collect();
    Ok((
        Suggestions {
            circle: circle.len(),
            candidates: candidates.len(),
            accounts: out,
        },
        candidate_names,
    ))
}

#[derive(Clone, Copy)]
enum Role {
    /// The candidate engaged with a circle member (this way).
    EngagedWithCircle(Kind),
    /// A circle member engaged with the candidate.
    CircleEngaged,
    /// The candidate liked an own post through the member's reshare.
    LikedThrough,
}

#[derive(Default)]
struct Link {
    /// Time-decayed weight of the link (reshares count three times).
    decayed: f64,
    reshared: u64,
    liked_or_replied: u64,
    followed: u64,
    engaged_by: u64,
    liked_through: u64,
}

impl Link {
    fn add(&mut self, role: Role, n: u64, w: f64) {
        let resharing = matches!(role, Role::EngagedWithCircle(Kind::Reshare | Kind::Quote));
        self.decayed += if resharing { 3.0 * w } else { w };
        match role {
            Role::EngagedWithCircle(Kind::Reshare | Kind::Quote) => self.reshared += n,
            Role::EngagedWithCircle(Kind::Follow) => self.followed += n,
            Role::EngagedWithCircle(_) => self.liked_or_replied += n,
            Role::CircleEngaged => self.engaged_by += n,
            Role::LikedThrough => self.liked_through += n,
        }
    }

    /// The link's weight in SALSA: saturating in the decayed count, so
    /// that being linked to several members counts for more than many
    /// interactions with one (structural diversity: Ugander et al., 2012,
    /// found the number of distinct contacts, not their activity, predicts
    /// who joins).
    fn weight(&self) -> f64 {
        1.0 - (-self.decayed).exp()
    }
}

/// Sentences with numbers, one per kind of link, naming whether the
/// members amplify us or belong to the circle otherwise.
fn reasons(hubs: &[(u32, &Link)], amplifies: impl Fn(u32) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let who = |amp: bool, n: usize| match (amp, n) {
        (true, 1) => "someone who amplifies you".to_owned(),
        (true, n) => format!("{n} people who amplify you"),
        (false, 1) => "someone close to you".to_owned(),
        (false, n) => format!("{n} people close to you"),
    };
    for amp in [true, false] {
        let mine: Vec<&Link> = hubs
            .iter()
            .filter(|(h, _)| amplifies(*h) == amp)
            .map(|(_, l)| *l)
            .collect();
        let sum = |f: fn(&Link) -> u64| -> (u64, usize) {
            let hit: Vec<u64> = mine.iter().map(|l| f(l)).filter(|x| *x > 0).collect();
            (hit.iter().sum(), hit.len())
        };
        let (n, k) = sum(|l| l.liked_through);
        if n > 0 {
            out.push(format!(
                "liked your posts {n} time{} through reshares by {}",
                if n == 1 { "" } else { "s" },
                who(amp, k)
            ));
        }
        let (n, k) = sum(|l| l.reshared);
        if n > 0 {
            out.push(format!(
                "reshared {n} post{} by {}",
                if n == 1 { "" } else { "s" },
                who(amp, k)
            ));
        }
        let (n, k) = sum(|l| l.liked_or_replied);
        if n > 0 {
            out.push(format!(
                "liked, replied to or mentioned {} {n} time{}",
                who(amp, k),
                if n == 1 { "" } else { "s" }
            ));
        }
        let (_, k) = sum(|l| l.followed);
        if k > 0 {
            out.push(format!("follows {}", who(amp, k)));
        }
        let (n, k) = sum(|l| l.engaged_by);
        if n > 0 {
            out.push(format!(
                "{} engaged with it {n} time{}",
                who(amp, k),
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    out
}
