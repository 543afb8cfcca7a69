//! What two accounts say about being one person: pure functions from
//! profiles to evidence, with weights and sentences a person can check.
//!
//! The rule: **strong** evidence (something only the person could have
//! done: a verified domain, links both ways, the same e-mail, a link to the
//! other's profile, a personal site only they link) can merge on its own.
//! **Weak** evidence (the same handle, a similar display name, similar
//! hours of activity) is cheap to imitate or common by chance: it never
//! merges alone, it only raises the confidence of a strong match. The
//! confidence is the noisy-OR of the weights, `1 - Π(1 - w)`.

use std::collections::{BTreeSet, HashMap};

use unicode_normalization::UnicodeNormalization;

/// Hosts where many people have pages: a link to them names a profile, not
/// a personal site, and they never count as a shared or verified site.
const PLATFORM_HOSTS: &[&str] = &[
    "bsky.app",
    "bsky.social",
    "reddit.com",
    "old.reddit.com",
    "twitter.com",
    "x.com",
    "facebook.com",
    "instagram.com",
    "youtube.com",
    "youtu.be",
    "linkedin.com",
    "github.com",
    "gitlab.com",
    "linktr.ee",
    "medium.com",
    "substack.com",
    "tiktok.com",
    "mastodon.social",
    "threads.net",
    "wordpress.com",
    "blogspot.com",
    "gmail.com",
    "example.com",
];

/// A site linked by more accounts than this is an organisation's or a
/// popular page, not one person's: it gives no evidence.
pub const MAX_SITE_CLAIMS: usize = 3;

/// An account as the matcher sees it: its latest profile and its activity.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub account: String,
    pub channel: String,
    pub handle: Option<String>,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    /// Every link the account ever gave (profile links, a commenter's
    /// website, `mailto-sha256:` hashes).
    pub links: Vec<String>,
    /// Posts and interactions by hour of the week (Monday 00h = 0), UTC.
    pub hours: Option<Box<[u32; 168]>>,
}

/// What a profile identifies and claims, normalised for matching.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Identifiers {
    /// URLs (`host/path`, no scheme, no `www.`, no trailing `/`) that name
    /// this account: its profile pages.
    pub selves: BTreeSet<String>,
    /// A domain the account is proven to own: a Bluesky domain handle
    /// (checked by DNS or `/.well-known`), a blog's own host.
    pub verified_domain: Option<String>,
    /// URLs it links to (from its links and its bio), normalised as `selves`.
    pub claimed_urls: BTreeSet<String>,
    /// Hosts of those links that are not platforms: its sites.
    pub claimed_sites: BTreeSet<String>,
    /// `sha256` hashes of its e-mail addresses.
    pub mails: BTreeSet<String>,
    /// The handle reduced to letters and digits (`jean_42.bsky.social` → `jean42`).
    pub stem: Option<String>,
    /// The display name folded (case, accents, punctuation) with its words sorted.
    pub name: Option<String>,
}

/// A kind of evidence, from the strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    MutualLinks,
    VerifiedDomain,
    SameEmail,
    ProfileLink,
    SharedSite,
    SameHandle,
    SimilarName,
    SimilarTimes,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::MutualLinks => "mutual_links",
            Rule::VerifiedDomain => "verified_domain",
            Rule::SameEmail => "same_email",
            Rule::ProfileLink => "profile_link",
            Rule::SharedSite => "shared_site",
            Rule::SameHandle => "same_handle",
            Rule::SimilarName => "similar_name",
            Rule::SimilarTimes => "similar_times",
        }
    }

    /// Whether this evidence can merge two accounts on its own.
    pub fn strong(self) -> bool {
        !matches!(
            self,
            Rule::SameHandle | Rule::SimilarName | Rule::SimilarTimes
        )
    }
}

/// One piece of evidence that two accounts are one person.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub rule: Rule,
    /// Probability-like weight in (0, 1).
    pub weight: f64,
    pub sentence: String,
}

/// The noisy-OR of the evidence weights.
pub fn confidence(evidence: &[Evidence]) -> f64 {
    1.0 - evidence.iter().map(|e| 1.0 - e.weight).product::<f64>()
}

/// Whether the evidence allows a merge: at least one strong piece.
pub fn merges(evidence: &[Evidence]) -> bool {
    evidence.iter().any(|e| e.rule.strong())
}

/// `https://www.Example.org/a/` → `example.org/a`; `None` for what is not an
/// http(s) URL.
pub fn normalise_url(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.rsplit('@').next()?.split(':').next()?;
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    let path = path.trim_end_matches('/');
    Some(if path.is_empty() {
        host.to_owned()
    } else {
        format!("{host}/{path}")
    })
}

fn host_of(normalised: &str) -> &str {
    normalised.split('/').next().unwrap_or(normalised)
}

fn is_platform(host: &str) -> bool {
    PLATFORM_HOSTS
        .iter()
        .any(|p| host == *p || host.ends_with(&format!(".{p}")))
}

/// URLs written in a bio: `https://…`, `http://…`, and bare domains such as
/// `jean.fr` (not `@jean.fr`, which mentions an account).
pub fn bio_urls(bio: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in bio.split(|c: char| c.is_whitespace() || c == '·' || c == '|') {
        let w = word.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | ';' | '!' | '"' | '\''));
        let w = w.trim_end_matches('.');
        if w.starts_with("http://") || w.starts_with("https://") {
            out.push(w.to_owned());
        } else if !w.starts_with('@') && looks_like_domain(w) {
            out.push(format!("https://{w}"));
        }
    }
    out
}

fn looks_like_domain(w: &str) -> bool {
    let host = w.split('/').next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| {
            (2..=6).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_lowercase())
        })
}

/// Letters and digits of a handle's first label, lower-cased.
fn stem(handle: &str) -> Option<String> {
    let h = handle.trim().trim_start_matches(['@', '/']);
    let h = h.strip_prefix("u/").unwrap_or(h);
    let first = h.split(['.', '@']).next().unwrap_or("");
    let s: String = first
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (s.len() >= 3).then_some(s)
}

/// A display name folded for comparison: accents and case dropped, only
/// letters, digits and single spaces, words sorted (so "Dubois Jean" is
/// "Jean Dubois").
pub fn normalise_name(name: &str) -> Option<String> {
    let folded: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    words.sort_unstable();
    let n = words.join(" ");
    (n.chars().count() >= 3).then_some(n)
}

/// What `p` identifies and claims.
pub fn identifiers(p: &Profile) -> Identifiers {
    let mut ids = Identifiers::default();
    let native = p
        .account
        .split_once(':')
        .map_or(p.account.as_str(), |x| x.1);
    match p.channel.as_str() {
        "bluesky" => {
            ids.selves.insert(format!("bsky.app/profile/{native}"));
            if let Some(h) = p.handle.as_deref().map(str::to_lowercase) {
                ids.selves.insert(format!("bsky.app/profile/{h}"));
                if !h.ends_with(".bsky.social") && h != "handle.invalid" && h.contains('.') {
                    ids.verified_domain = Some(h.clone());
                }
                ids.stem = stem(&h);
            }
        }
        "blog" => {
            if let Some(url) = native.strip_prefix("url:") {
                // A commenter known by the website they gave.
                if let Some(n) = normalise_url(&format!("https://{url}")) {
                    ids.claimed_urls.insert(n);
                }
            } else if !native.contains(':') && !native.contains('/') {
                // The blog itself: it owns its host.
                ids.verified_domain = Some(native.to_lowercase());
                ids.selves.insert(native.to_lowercase());
            }
        }
        "discourse" => {
            ids.selves.insert(native.to_lowercase());
            ids.stem = p.handle.as_deref().and_then(stem);
        }
        "reddit" => {
            let name = p.handle.as_deref().unwrap_or(native).to_lowercase();
            ids.selves.insert(format!("reddit.com/user/{name}"));
            ids.selves.insert(format!("reddit.com/u/{name}"));
            ids.stem = stem(&name);
        }
        "mastodon" => {
            // `@user@host` → `host/@user`.
            let t = native.trim_start_matches('@');
            if let Some((user, host)) = t.split_once('@') {
                ids.selves
                    .insert(format!("{}/@{}", host.to_lowercase(), user.to_lowercase()));
            }
            ids.stem = stem(t);
        }
        _ => ids.stem = p.handle.as_deref().and_then(stem),
    }
    let bio = p.bio.as_deref().map(bio_urls).unwrap_or_default();
    for link in p.links.iter().chain(&bio) {
        if let Some(h) = link.strip_prefix("mailto-sha256:") {
            ids.mails.insert(h.to_owned());
        } else if let Some(n) = normalise_url(link) {
            ids.claimed_urls.insert(n);
        }
    }
    // A blog's self-link to its own host is not a claim about anyone else.
    if let Some(d) = &ids.verified_domain {
        ids.claimed_urls.retain(|u| host_of(u) != d);
    }
    ids.claimed_sites = ids
        .claimed_urls
        .iter()
        .map(|u| host_of(u).to_owned())
        .filter(|h| !is_platform(h))
        .collect();
    ids.name = p.display_name.as_deref().and_then(normalise_name);
    ids
}

/// The keys two accounts must share to be compared at all (blocking).
/// Strong keys (`d:`, `u:`, `m:`) come first; `s:` (handle stem) and `n:`
/// (folded name) only find weak candidates.
pub fn blocking_keys(ids: &Identifiers) -> Vec<String> {
    let mut k = Vec::new();
    k.extend(ids.verified_domain.iter().map(|d| format!("d:{d}")));
    k.extend(ids.claimed_sites.iter().map(|d| format!("d:{d}")));
    k.extend(ids.selves.iter().map(|u| format!("u:{u}")));
    k.extend(ids.claimed_urls.iter().map(|u| format!("u:{u}")));
    k.extend(ids.mails.iter().map(|m| format!("m:{m}")));
    k.extend(ids.stem.iter().map(|s| format!("s:{s}")));
    k.extend(ids.name.iter().map(|n| format!("n:{n}")));
    k.sort_unstable();
    k.dedup();
    k
}

/// How many accounts link to each site (a verified domain counts as its
/// owner's claim): sites claimed by more than [`MAX_SITE_CLAIMS`] give no evidence.
pub fn site_claims<'a>(all: impl Iterator<Item = &'a Identifiers>) -> HashMap<String, usize> {
    let mut n: HashMap<String, usize> = HashMap::new();
    for ids in all {
        let mut sites: BTreeSet<&str> = ids.claimed_sites.iter().map(String::as_str).collect();
        sites.extend(ids.verified_domain.as_deref());
        for s in sites {
            *n.entry(s.to_owned()).or_default() += 1;
        }
    }
    n
}

/// A short name for an account in sentences: its handle, else its display
/// name, else its key.
pub fn label(p: &Profile) -> String {
    match (&p.handle, &p.display_name) {
        (Some(h), _) => format!("@{} ({})", h.trim_start_matches('@'), p.channel),
        (None, Some(n)) => format!("“{n}” ({})", p.channel),
        _ => p.account.clone(),
    }
}

/// Every piece of evidence that `a` and `b` are one person, strongest first.
pub fn evidence(
    a: &Profile,
    ia: &Identifiers,
    b: &Profile,
    ib: &Identifiers,
    claims: &HashMap<String, usize>,
) -> Vec<Evidence> {
    let (la, lb) = (label(a), label(b));
    let mut out = Vec::new();
    let rare = |site: &str| claims.get(site).copied().unwrap_or(0) <= MAX_SITE_CLAIMS;
    // rel=me: each links to the other's profile.
    let a_names_b = ia.claimed_urls.iter().find(|u| ib.selves.contains(*u));
    let b_names_a = ib.claimed_urls.iter().find(|u| ia.selves.contains(*u));
    match (a_names_b, b_names_a) {
        (Some(_), Some(_)) => out.push(Evidence {
            rule: Rule::MutualLinks,
            weight: 0.97,
            sentence: format!("{la} and {lb} link to each other's profile"),
        }),
        (Some(u), None) | (None, Some(u)) => {
            let (from, to) = if a_names_b.is_some() {
                (&la, &lb)
            } else {
                (&lb, &la)
            };
            out.push(Evidence {
                rule: Rule::ProfileLink,
                weight: 0.8,
                sentence: format!("{from} links to the profile of {to} (https://{u})"),
            });
        }
        (None, None) => {}
    }
    if let (Some(da), Some(db)) = (&ia.verified_domain, &ib.verified_domain)
        && da == db
    {
        out.push(Evidence {
            rule: Rule::VerifiedDomain,
            weight: 0.97,
            sentence: format!("{la} and {lb} both own the domain {da}"),
        });
    }
    for (owner, lo, ido, lt, idt) in [(a, &la, ia, &lb, ib), (b, &lb, ib, &la, ia)] {
        if out.iter().any(|e| e.rule == Rule::VerifiedDomain) {
            break;
        }
        if let Some(d) = &ido.verified_domain
            && rare(d)
            && idt.claimed_sites.contains(d)
        {
            let what = if owner.channel == "bluesky" {
                "verified handle"
            } else {
                "own site"
            };
            out.push(Evidence {
                rule: Rule::VerifiedDomain,
                weight: 0.95,
                sentence: format!(
                    "{lo} owns the domain {d} (its {what}), and {lt} gives https://{d} as its site"
                ),
            });
            break;
        }
    }
    if let Some(m) = ia.mails.intersection(&ib.mails).next() {
        out.push(Evidence {
            rule: Rule::SameEmail,
            weight: 0.95,
            sentence: format!(
                "{la} and {lb} give the same e-mail address (sha256 {}…)",
                &m[..m.len().min(12)]
            ),
        });
    }
    if !out.iter().any(|e| e.rule == Rule::VerifiedDomain)
        && let Some(site) = ia
            .claimed_sites
            .intersection(&ib.claimed_sites)
            .find(|s| rare(s) && claims.get(*s).copied().unwrap_or(0) == 2)
    {
        out.push(Evidence {
            rule: Rule::SharedSite,
            weight: 0.75,
            sentence: format!("{la} and {lb} both link to {site}, which no other account links to"),
        });
    }
    if let (Some(sa), Some(sb)) = (&ia.stem, &ib.stem)
        && sa == sb
    {
        out.push(Evidence {
            rule: Rule::SameHandle,
            weight: 0.3,
            sentence: format!("same handle `{sa}` on {} and {}", a.channel, b.channel),
        });
    }
    if let (Some(na), Some(nb)) = (&ia.name, &ib.name) {
        let jw = strsim::jaro_winkler(na, nb);
        if jw >= 0.92 {
            out.push(Evidence {
                rule: Rule::SimilarName,
                weight: if jw >= 0.999 { 0.3 } else { 0.2 },
                sentence: format!(
                    "similar display names “{}” and “{}” (Jaro-Winkler {jw:.2})",
                    a.display_name.as_deref().unwrap_or(""),
                    b.display_name.as_deref().unwrap_or("")
                ),
            });
        }
    }
    if let (Some(ha), Some(hb)) = (&a.hours, &b.hours) {
        let (na, nb) = (ha.iter().sum::<u32>(), hb.iter().sum::<u32>());
        let cos = cosine(ha, hb);
        if na >= MIN_ACTIONS && nb >= MIN_ACTIONS && cos >= 0.8 {
            out.push(Evidence {
                rule: Rule::SimilarTimes,
                weight: 0.2 * cos,
                sentence: format!(
                    "active at similar hours of the week (cosine {cos:.2} over {na} and {nb} actions)"
                ),
            });
        }
    }
    out.sort_by_key(|x| x.rule);
    out
}

/// Fewer actions than this make an hour-of-week profile noise.
pub const MIN_ACTIONS: u32 = 20;

/// Cosine similarity of two histograms.
pub fn cosine(a: &[u32; 168], b: &[u32; 168]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        0.0
    } else {
        ab / (aa.sqrt() * bb.sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(account: &str, handle: Option<&str>, name: Option<&str>, links: &[&str]) -> Profile {
        Profile {
            account: account.into(),
            channel: account.split(':').next().unwrap().into(),
            handle: handle.map(Into::into),
            display_name: name.map(Into::into),
            bio: None,
            links: links.iter().map(|l| l.to_string()).collect(),
            hours: None,
        }
    }

    fn score(a: &Profile, b: &Profile) -> Vec<Evidence> {
        let (ia, ib) = (identifiers(a), identifiers(b));
        let claims = site_claims([&ia, &ib].into_iter());
        evidence(a, &ia, b, &ib, &claims)
    }

    #[test]
    fn urls_names_and_bios_normalise() {
        assert_eq!(
            normalise_url("https://www.Jean.fr/"),
            Some("jean.fr".into())
        );
        assert_eq!(
            normalise_url("http://a.org/u/x?ref=1"),
            Some("a.org/u/x".into())
        );
        assert_eq!(normalise_url("mailto:x@y.z"), None);
        assert_eq!(
            normalise_name("Élodie  DUBOIS"),
            normalise_name("dubois elodie")
        );
        assert_eq!(
            bio_urls("Vélo · jean.fr (https://x.org/a), chez @latelier.fr"),
            vec!["https://jean.fr".to_owned(), "https://x.org/a".to_owned()]
        );
    }

    #[test]
    fn a_domain_handle_given_as_a_website_is_strong() {
        let a = profile("bluesky:did:plc:a", Some("jean.fr"), Some("Jean"), &[]);
        let b = profile(
            "blog:mail:1",
            None,
            Some("Jean D."),
            &["https://jean.fr/", "mailto-sha256:ab"],
        );
        let ev = score(&a, &b);
        assert_eq!(ev[0].rule, Rule::VerifiedDomain, "{ev:?}");
        assert!(merges(&ev));
        assert!(confidence(&ev) >= 0.95);
        assert!(
            ev[0].sentence.contains("owns the domain jean.fr"),
            "{}",
            ev[0].sentence
        );
    }

    #[test]
    fn same_handle_name_and_hours_alone_never_merge() {
        let mut a = profile(
            "bluesky:did:plc:a",
            Some("jeanmartin.bsky.social"),
            Some("Jean Martin"),
            &[],
        );
        let mut b = profile(
            "reddit:jeanmartin",
            Some("jeanmartin"),
            Some("Jean Martin"),
            &[],
        );
        let mut h = [0u32; 168];
        h[30] = 40;
        h[31] = 20;
        a.hours = Some(Box::new(h));
        b.hours = Some(Box::new(h));
        let ev = score(&a, &b);
        let rules: Vec<Rule> = ev.iter().map(|e| e.rule).collect();
        assert_eq!(
            rules,
            vec![Rule::SameHandle, Rule::SimilarName, Rule::SimilarTimes]
        );
        assert!(!merges(&ev));
        assert!(confidence(&ev) < 0.7);
    }

    #[test]
    fn links_both_ways_beat_one_way_and_popular_sites_say_nothing() {
        let a = profile(
            "bluesky:did:plc:a",
            Some("paul.bsky.social"),
            None,
            &["https://forum.x.org/u/paul"],
        );
        let b = profile(
            "discourse:forum.x.org/u/paul",
            Some("paul"),
            None,
            &["https://bsky.app/profile/paul.bsky.social"],
        );
        assert_eq!(score(&a, &b)[0].rule, Rule::MutualLinks);
        let c = profile("discourse:forum.x.org/u/paul", Some("paul"), None, &[]);
        assert_eq!(score(&a, &c)[0].rule, Rule::ProfileLink);
        // A site many accounts link to is nobody's identity.
        let d = profile(
            "bluesky:did:plc:d",
            Some("d.bsky.social"),
            None,
            &["https://club.org"],
        );
        let e = profile("reddit:e", Some("e"), None, &["https://club.org"]);
        let others: Vec<Identifiers> = (0..5)
            .map(|i| {
                identifiers(&profile(
                    &format!("reddit:o{i}"),
                    None,
                    None,
                    &["https://club.org"],
                ))
            })
            .collect();
        let (id, ie) = (identifiers(&d), identifiers(&e));
        let claims = site_claims(others.iter().chain([&id, &ie]));
        assert!(evidence(&d, &id, &e, &ie, &claims).is_empty());
        let claims = site_claims([&id, &ie].into_iter());
        assert_eq!(
            evidence(&d, &id, &e, &ie, &claims)[0].rule,
            Rule::SharedSite
        );
    }
}
