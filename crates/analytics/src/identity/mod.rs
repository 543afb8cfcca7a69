//! Identity across channels: which accounts are one person.
//!
//! [`evidence`] scores a pair of accounts from their profiles (pure);
//! [`cluster`] turns scored pairs and the user's overrides into persons
//! (pure); this module loads the profiles from a store snapshot, finds the
//! pairs worth scoring by blocking (accounts sharing a domain, a linked URL,
//! an e-mail hash, a handle stem or a folded display name), adds
//! hour-of-week activity and engagement counts, and reports.
//!
//! Only pairs on different channels are compared: one channel already
//! names one account per person.

pub mod cluster;
pub mod evidence;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, Float64Array, ListBuilder, RecordBatch, StringArray, StringBuilder,
    TimestampMicrosecondArray,
};
use levain_store::PersonOverride;
use levain_store::query::{Engine, person_links_schema};
use serde::Serialize;
use serde_json::Value;

use crate::{Result, i, own_in, rows, s, u};
use cluster::Edge;
use evidence::{Evidence, Identifiers, Profile};

/// Blocks larger than this are skipped: a key shared by that many accounts
/// (a common first name, a popular site) cannot single out one person.
const MAX_BLOCK: usize = 64;
/// How many unmerged look-alike pairs to list for review.
const MAX_CANDIDATES: usize = 50;

/// Engagement of an account (or a person, summed over its accounts) with
/// own accounts: likes, reshares, replies and quotes of own posts, and
/// follows of own accounts.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Metrics {
    pub likes: u64,
    pub reshares: u64,
    pub replies: u64,
    pub quotes: u64,
    pub follows: u64,
    /// likes + reshares + replies + quotes.
    pub engagement: u64,
}

impl std::ops::AddAssign<&Metrics> for Metrics {
    fn add_assign(&mut self, o: &Metrics) {
        self.likes += o.likes;
        self.reshares += o.reshares;
        self.replies += o.replies;
        self.quotes += o.quotes;
        self.follows += o.follows;
        self.engagement += o.engagement;
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonAccount {
    pub account: String,
    pub channel: String,
    pub handle: Option<String>,
    pub display_name: Option<String>,
    /// The strongest rule tying it to the person (`manual` for a user merge).
    pub rule: String,
    pub confidence: f64,
    /// Sentences of the evidence naming this account.
    pub evidence: Vec<String>,
    pub metrics: Metrics,
}

#[derive(Clone, Debug, Serialize)]
pub struct Person {
    /// The person's id: the smallest key among its accounts.
    pub person: String,
    /// The weakest link holding the person together (1 for user merges).
    pub confidence: f64,
    /// Whether a user merge is part of it.
    pub manual: bool,
    pub accounts: Vec<PersonAccount>,
    pub evidence: Vec<String>,
    /// Summed over its accounts.
    pub metrics: Metrics,
}

/// A pair that looks alike but was not merged, for the user to review.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    pub accounts: [String; 2],
    pub confidence: f64,
    pub evidence: Vec<String>,
    /// Why it was not merged.
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonsReport {
    /// Persons of more than one account, most engaged first.
    pub persons: Vec<Person>,
    /// Look-alike pairs left apart, most confident first.
    pub candidates: Vec<Candidate>,
    /// Accounts with identity hints (handle, name, bio or links) compared.
    pub accounts_compared: u64,
    /// Cross-channel pairs scored after blocking.
    pub pairs_scored: u64,
    /// The user's merges and splits in force.
    pub overrides: u64,
}

/// The matcher's result on a set of profiles, before metrics.
#[derive(Clone, Debug)]
pub struct Matching {
    /// Account indices of each person, sorted.
    pub groups: Vec<MatchedGroup>,
    pub candidates: Vec<(usize, usize, Vec<Evidence>)>,
    pub pairs_scored: usize,
}

#[derive(Clone, Debug)]
pub struct MatchedGroup {
    pub members: Vec<usize>,
    /// Evidence of the pairs used, with their confidence.
    pub pairs: Vec<(usize, usize, f64, Vec<Evidence>)>,
    pub manual: Vec<(usize, usize)>,
}

/// Cross-channel pairs sharing a blocking key, each once, sorted.
pub fn candidate_pairs(profiles: &[Profile], ids: &[Identifiers]) -> Vec<(usize, usize)> {
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        for k in evidence::blocking_keys(id) {
            blocks.entry(k).or_default().push(i);
        }
    }
    let mut pairs = HashSet::new();
    for members in blocks.values() {
        if members.len() < 2 || members.len() > MAX_BLOCK {
            continue;
        }
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if profiles[a].channel != profiles[b].channel {
                    pairs.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    let mut v: Vec<_> = pairs.into_iter().collect();
    v.sort_unstable();
    v
}

/// Matches `profiles` under the user's `overrides` (pairs naming unknown
/// accounts are ignored).
pub fn resolve(profiles: &[Profile], overrides: &[PersonOverride]) -> Matching {
    let ids: Vec<Identifiers> = profiles.iter().map(evidence::identifiers).collect();
    let claims = evidence::site_claims(ids.iter());
    let pairs = candidate_pairs(profiles, &ids);
    let mut scored = Vec::new();
    for &(a, b) in &pairs {
        let ev = evidence::evidence(&profiles[a], &ids[a], &profiles[b], &ids[b], &claims);
        if !ev.is_empty() {
            scored.push((a, b, ev));
        }
    }
    let index: HashMap<&str, usize> = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| (p.account.as_str(), i))
        .collect();
    let mut same = Vec::new();
    let mut apart = Vec::new();
    for o in overrides {
        if let (Some(&a), Some(&b)) = (index.get(o.a.as_str()), index.get(o.b.as_str())) {
            if o.same {
                same.push((a, b));
            } else {
                apart.push((a, b));
            }
        }
    }
    let mut channel_ids: HashMap<&str, usize> = HashMap::new();
    let channel: Vec<usize> = profiles
        .iter()
        .map(|p| {
            let n = channel_ids.len();
            *channel_ids.entry(p.channel.as_str()).or_insert(n)
        })
        .collect();
    let edges: Vec<Edge> = scored
        .iter()
        .map(|(a, b, ev)| Edge {
            a: *a,
            b: *b,
            confidence: evidence::confidence(ev),
            strong: evidence::merges(ev),
        })
        .collect();
    let groups = cluster::cluster(&channel, &edges, &same, &apart);
    let mut together: HashMap<usize, usize> = HashMap::new();
    let mut out = Vec::new();
    for (g, group) in groups.into_iter().enumerate() {
        for &m in &group.members {
            together.insert(m, g);
        }
        out.push(MatchedGroup {
            members: group.members,
            pairs: group
                .edges
                .iter()
                .map(|&e| {
                    (
                        edges[e].a,
                        edges[e].b,
                        edges[e].confidence,
                        scored[e].2.clone(),
                    )
                })
                .collect(),
            manual: group.manual,
        });
    }
    let mut candidates: Vec<(usize, usize, Vec<Evidence>)> = scored
        .into_iter()
        .filter(|(a, b, _)| !together.contains_key(a) || together.get(a) != together.get(b))
        .collect();
    candidates.sort_by(|x, y| {
        evidence::confidence(&y.2)
            .total_cmp(&evidence::confidence(&x.2))
            .then((x.0, x.1).cmp(&(y.0, y.1)))
    });
    Matching {
        groups: out,
        candidates,
        pairs_scored: pairs.len(),
    }
}

/// Why a scored pair was left apart.
fn apart_reason(ev: &[Evidence]) -> String {
    if evidence::merges(ev) {
        "strong evidence, but it would put two accounts of one channel in one person, or you split them".into()
    } else {
        "only weak evidence (handle, name, hours), which never merges alone; `levain persons merge` if they are one person".into()
    }
}

/// Loads the profiles of accounts with identity hints, plus `extra` ones
/// (accounts named by overrides).
pub fn load_profiles(engine: &Engine, extra: &BTreeSet<String>) -> Result<Vec<Profile>> {
    let extra_in = if extra.is_empty() {
        String::new()
    } else {
        format!(
            " OR account IN ({})",
            own_in(&extra.iter().cloned().collect::<Vec<_>>())
        )
    };
    let hinted = format!(
        "handle IS NOT NULL OR display_name IS NOT NULL OR bio IS NOT NULL
         OR cardinality(links) > 0{extra_in}"
    );
    let opt = |r: &serde_json::Map<String, Value>, k: &str| {
        r.get(k).and_then(Value::as_str).map(str::to_owned)
    };
    let mut profiles: Vec<Profile> = rows(
        engine,
        &format!(
            "SELECT account, min(channel) AS channel,
               last_value(handle ORDER BY observed_at) FILTER (WHERE handle IS NOT NULL) AS handle,
               last_value(display_name ORDER BY observed_at) FILTER (WHERE display_name IS NOT NULL) AS display_name,
               last_value(bio ORDER BY observed_at) FILTER (WHERE bio IS NOT NULL) AS bio
             FROM account_observations WHERE {hinted}
             GROUP BY account ORDER BY account"
        ),
    )?
    .into_iter()
    .map(|r| Profile {
        account: s(&r, "account"),
        channel: s(&r, "channel"),
        handle: opt(&r, "handle"),
        display_name: opt(&r, "display_name"),
        bio: opt(&r, "bio"),
        links: Vec::new(),
        hours: None,
    })
    .collect();
    let index: HashMap<String, usize> = profiles
        .iter()
        .enumerate()
        .map(|(n, p)| (p.account.clone(), n))
        .collect();
    let mut links: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for r in rows(
        engine,
        "SELECT DISTINCT account, link FROM (
           SELECT account, unnest(links) AS link FROM account_observations
           WHERE cardinality(links) > 0)",
    )? {
        if let Some(&n) = index.get(&s(&r, "account")) {
            links.entry(n).or_default().insert(s(&r, "link"));
        }
    }
    for (n, l) in links {
        profiles[n].links = l.into_iter().collect();
    }
    Ok(profiles)
}

/// Fills the hour-of-week activity (posts and interactions) of `which` profiles.
fn load_hours(engine: &Engine, profiles: &mut [Profile], which: &BTreeSet<usize>) -> Result<()> {
    if which.is_empty() {
        return Ok(());
    }
    crate::core::register_accounts(
        engine,
        "identity_accounts",
        which.iter().map(|&i| profiles[i].account.as_str()),
    )?;
    let index: HashMap<String, usize> = which
        .iter()
        .map(|&i| (profiles[i].account.clone(), i))
        .collect();
    // ISO day of week (Monday = 0) × 24 + hour, UTC.
    let r = rows(
        engine,
        "SELECT account, CAST((date_part('dow', at) + 6) % 7 * 24 + date_part('hour', at) AS BIGINT) AS h,
                count(*) AS n
         FROM (SELECT p.author AS account, p.at FROM posts_raw p JOIN identity_accounts w ON p.author = w.account
               UNION ALL
               SELECT e.actor AS account, e.at FROM interactions_raw e JOIN identity_accounts w ON e.actor = w.account)
         GROUP BY 1, 2",
    )?;
    for row in r {
        let (Some(&p), Some(h)) = (index.get(&s(&row, "account")), i(&row, "h")) else {
            continue;
        };
        let hours = profiles[p].hours.get_or_insert_with(|| Box::new([0; 168]));
        if let Some(slot) = hours.get_mut(h as usize) {
            *slot += u(&row, "n") as u32;
        }
    }
    Ok(())
}

/// Engagement with own accounts of each of `accounts`.
pub fn metrics(
    engine: &Engine,
    own: &[String],
    accounts: &BTreeSet<String>,
) -> Result<HashMap<String, Metrics>> {
    let mut out: HashMap<String, Metrics> = HashMap::new();
    if own.is_empty() || accounts.is_empty() {
        return Ok(out);
    }
    crate::core::register_accounts(
        engine,
        "person_accounts",
        accounts.iter().map(String::as_str),
    )?;
    let own_in = own_in(own);
    for r in rows(
        engine,
        &format!(
            "SELECT e.actor, e.kind, count(*) AS n
             FROM interactions_raw e JOIN person_accounts w ON e.actor = w.account
             WHERE (e.kind IN ('like', 'reshare', 'reply', 'quote')
                    AND e.target_post IN (SELECT post FROM posts_raw WHERE author IN ({own_in})))
                OR (e.kind = 'follow' AND e.target_account IN ({own_in}))
             GROUP BY e.actor, e.kind"
        ),
    )? {
        let m = out.entry(s(&r, "actor")).or_default();
        let n = u(&r, "n");
        match s(&r, "kind").as_str() {
            "like" => m.likes += n,
            "reshare" => m.reshares += n,
            "reply" => m.replies += n,
            "quote" => m.quotes += n,
            "follow" => m.follows += n,
            _ => {}
        }
        if s(&r, "kind") != "follow" {
            m.engagement += n;
        }
    }
    Ok(out)
}

/// Runs the matcher over a snapshot with the user's overrides.
pub fn persons(
    engine: &Engine,
    own: &[String],
    overrides: &[PersonOverride],
) -> Result<PersonsReport> {
    let extra: BTreeSet<String> = overrides
        .iter()
        .flat_map(|o| [o.a.clone(), o.b.clone()])
        .collect();
    let mut profiles = load_profiles(engine, &extra)?;
    let ids: Vec<Identifiers> = profiles.iter().map(evidence::identifiers).collect();
    let paired: BTreeSet<usize> = candidate_pairs(&profiles, &ids)
        .into_iter()
        .flat_map(|(a, b)| [a, b])
        .collect();
    load_hours(engine, &mut profiles, &paired)?;
    let m = resolve(&profiles, overrides);
    report(engine, own, &profiles, &m, overrides.len())
}

fn report(
    engine: &Engine,
    own: &[String],
    profiles: &[Profile],
    m: &Matching,
    overrides: usize,
) -> Result<PersonsReport> {
    let members: BTreeSet<String> = m
        .groups
        .iter()
        .flat_map(|g| g.members.iter().map(|&i| profiles[i].account.clone()))
        .collect();
    let metrics = metrics(engine, own, &members)?;
    let mut persons: Vec<Person> = m
        .groups
        .iter()
        .map(|g| person(profiles, g, &metrics))
        .collect();
    persons.sort_by(|a, b| {
        b.metrics
            .engagement
            .cmp(&a.metrics.engagement)
            .then(a.person.cmp(&b.person))
    });
    let candidates = m
        .candidates
        .iter()
        .take(MAX_CANDIDATES)
        .map(|(a, b, ev)| Candidate {
            accounts: [profiles[*a].account.clone(), profiles[*b].account.clone()],
            confidence: round(evidence::confidence(ev)),
            evidence: ev.iter().map(|e| e.sentence.clone()).collect(),
            reason: apart_reason(ev),
        })
        .collect();
    Ok(PersonsReport {
        persons,
        candidates,
        accounts_compared: profiles.len() as u64,
        pairs_scored: m.pairs_scored as u64,
        overrides: overrides as u64,
    })
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One matched group as a person, with each account's rule, evidence and metrics.
pub fn person(
    profiles: &[Profile],
    g: &MatchedGroup,
    metrics: &HashMap<String, Metrics>,
) -> Person {
    let mut per: BTreeMap<usize, (String, f64, Vec<String>)> = BTreeMap::new();
    let mut all = Vec::new();
    let mut weakest: f64 = 1.0;
    for (a, b, conf, ev) in &g.pairs {
        let best = ev.first().map_or("", |e| e.rule.name());
        weakest = weakest.min(*conf);
        for x in [a, b] {
            let e = per.entry(*x).or_insert((String::new(), 0.0, Vec::new()));
            if *conf > e.1 {
                e.0 = best.to_owned();
                e.1 = *conf;
            }
            e.2.extend(ev.iter().map(|v| v.sentence.clone()));
        }
        all.extend(ev.iter().map(|v| v.sentence.clone()));
    }
    for (a, b) in &g.manual {
        let sentence = format!(
            "you merged {} and {}",
            evidence::label(&profiles[*a]),
            evidence::label(&profiles[*b])
        );
        for x in [a, b] {
            let e = per.entry(*x).or_insert((String::new(), 0.0, Vec::new()));
            e.0 = "manual".into();
            e.1 = 1.0;
            e.2.push(sentence.clone());
        }
        all.push(sentence);
    }
    let mut total = Metrics::default();
    let accounts: Vec<PersonAccount> = g
        .members
        .iter()
        .map(|&i| {
            let p = &profiles[i];
            let (rule, conf, ev) = per.remove(&i).unwrap_or_default();
            let m = metrics.get(&p.account).cloned().unwrap_or_default();
            total += &m;
            PersonAccount {
                account: p.account.clone(),
                channel: p.channel.clone(),
                handle: p.handle.clone(),
                display_name: p.display_name.clone(),
                rule,
                confidence: round(conf),
                evidence: ev,
                metrics: m,
            }
        })
        .collect();
    Person {
        person: accounts
            .iter()
            .map(|a| a.account.clone())
            .min()
            .unwrap_or_default(),
        confidence: round(if g.pairs.is_empty() { 1.0 } else { weakest }),
        manual: !g.manual.is_empty(),
        accounts,
        evidence: all,
        metrics: total,
    }
}

/// The `person_links` rows of a report: one per account of each person.
pub fn links_batch(report: &PersonsReport, at: i64) -> Result<RecordBatch> {
    let mut person = Vec::new();
    let mut account = Vec::new();
    let mut rule = Vec::new();
    let mut conf = Vec::new();
    let mut evidence = ListBuilder::new(StringBuilder::new());
    for p in &report.persons {
        for a in &p.accounts {
            person.push(p.person.clone());
            account.push(a.account.clone());
            rule.push(a.rule.clone());
            conf.push(a.confidence);
            for e in &a.evidence {
                evidence.values().append_value(e);
            }
            evidence.append(true);
        }
    }
    let n = person.len();
    let cols: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(person)),
        Arc::new(StringArray::from(account)),
        Arc::new(StringArray::from(rule)),
        Arc::new(Float64Array::from(conf)),
        Arc::new(evidence.finish()),
        Arc::new(TimestampMicrosecondArray::from(vec![at; n]).with_timezone("UTC")),
    ];
    Ok(
        RecordBatch::try_new(person_links_schema(), cols)
            .map_err(levain_store::StoreError::from)?,
    )
}

/// Records a user merge of `a` and `b`: it replaces any split of the two
/// persons' accounts (`a_person`, `b_person`: their accounts now).
pub fn merge_override(
    overrides: &mut Vec<PersonOverride>,
    a: &str,
    b: &str,
    a_person: &[String],
    b_person: &[String],
    at: &str,
) {
    overrides.retain(|o| {
        let crosses =
            |x: &str, y: &str| a_person.iter().any(|p| p == x) && b_person.iter().any(|p| p == y);
        o.same || !(crosses(&o.a, &o.b) || crosses(&o.b, &o.a))
    });
    overrides.retain(|o| !(pair_is(o, a, b)));
    overrides.push(PersonOverride {
        a: a.min(b).to_owned(),
        b: a.max(b).to_owned(),
        same: true,
        at: at.to_owned(),
    });
}

/// Records a user split of `account` from the rest of its person
/// (`others`): removes the user's merges tying it to them and keeps it apart
/// from each.
pub fn split_override(
    overrides: &mut Vec<PersonOverride>,
    account: &str,
    others: &[String],
    at: &str,
) {
    for other in others {
        overrides.retain(|o| !pair_is(o, account, other));
        overrides.push(PersonOverride {
            a: account.min(other.as_str()).to_owned(),
            b: account.max(other.as_str()).to_owned(),
            same: false,
            at: at.to_owned(),
        });
    }
}

fn pair_is(o: &PersonOverride, a: &str, b: &str) -> bool {
    (o.a == a && o.b == b) || (o.a == b && o.b == a)
}
