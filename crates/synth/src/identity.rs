//! People on two channels: some of the engaged core on Bluesky also comment
//! on the blog, leaving the traces real people leave (a domain handle and
//! that site as their comment URL, a link to their Bluesky profile, the
//! personal site in their bio), or only their name. Look-alike decoys are
//! different people: a reader with the same name as a Bluesky member, or a
//! site one letter away from theirs.
//!
//! Every choice is a hash of the seed and the account, so the planted
//! persons draw nothing from the simulation's random stream.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::blog::{FIRST, LAST};

/// How a planted person shows that its two accounts are one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A domain handle on Bluesky; that site as the blog comment's URL.
    Domain,
    /// The blog comment's URL is the Bluesky profile.
    ProfileLink,
    /// The same personal site in the Bluesky bio and as the comment URL.
    BioSite,
    /// Only the same name: a matcher must not merge on that alone.
    NameOnly,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Domain => "verified_domain",
            Kind::ProfileLink => "profile_link",
            Kind::BioSite => "shared_site",
            Kind::NameOnly => "name_only",
        }
    }
}

fn hash(seed: u64, a: u32) -> u64 {
    xxhash_rust::xxh3::xxh3_64(&[seed.to_le_bytes(), u64::from(a).to_le_bytes()].concat())
}

/// Whether core member `a` is also a blog reader, and how it shows.
pub(crate) fn kind(seed: u64, a: u32) -> Option<Kind> {
    let h = hash(seed, a);
    h.is_multiple_of(3).then_some(match (h / 3) % 4 {
        0 => Kind::Domain,
        1 => Kind::ProfileLink,
        2 => Kind::BioSite,
        _ => Kind::NameOnly,
    })
}

/// Whether a look-alike (a different person) shadows member `a` on the blog.
fn has_decoy(seed: u64, a: u32) -> bool {
    (hash(seed, a) / 12).is_multiple_of(2)
}

fn ascii(s: &str) -> String {
    s.to_lowercase()
        .replace(['é', 'è', 'ê'], "e")
        .replace('ï', "i")
}

fn names(seed: u64, a: u32) -> (&'static str, &'static str) {
    let h = hash(seed, a) >> 16;
    (
        FIRST[(h % FIRST.len() as u64) as usize],
        LAST[((h / 64) % LAST.len() as u64) as usize],
    )
}

/// The display name member `a` uses on both channels.
pub(crate) fn display_name(seed: u64, a: u32) -> String {
    let (f, l) = names(seed, a);
    format!("{f} {l}")
}

/// The domain handle of a [`Kind::Domain`] member.
pub(crate) fn domain_handle(seed: u64, a: u32) -> String {
    let (f, l) = names(seed, a);
    format!("{}{}-{a}.fr", ascii(f), ascii(l))
}

/// The personal site of a [`Kind::BioSite`] member.
pub(crate) fn personal_site(seed: u64, a: u32) -> String {
    let (_, l) = names(seed, a);
    format!("https://carnet-{}-{a}.example.net", ascii(l))
}

/// A Bluesky member planted on the blog.
#[derive(Clone, Debug)]
pub(crate) struct Persona {
    pub account: String,
    pub a: u32,
    pub handle: String,
    pub kind: Kind,
}

/// A blog reader the generator plants: a persona's blog side or a decoy.
#[derive(Clone, Debug)]
pub(crate) struct PlantedReader {
    pub name: String,
    pub email: String,
    pub url: Option<String>,
    /// The persona it is (`true`) or looks like (`false`).
    pub persona: usize,
    pub same: bool,
}

/// Readers for `personas` (at most `max` of them), each followed by its
/// decoy when it has one.
pub(crate) fn planted_readers(seed: u64, personas: &[Persona], max: usize) -> Vec<PlantedReader> {
    let mut out = Vec::new();
    for (i, p) in personas.iter().enumerate().take(max) {
        let (f, l) = names(seed, p.a);
        let name = display_name(seed, p.a);
        let url = match p.kind {
            Kind::Domain => Some(format!("https://{}", p.handle)),
            Kind::ProfileLink => Some(format!("https://bsky.app/profile/{}", p.handle)),
            Kind::BioSite => Some(personal_site(seed, p.a)),
            Kind::NameOnly => None,
        };
        out.push(PlantedReader {
            name: name.clone(),
            email: format!("{}.{}.{}@example.org", ascii(f), ascii(l), p.a),
            url,
            persona: i,
            same: true,
        });
        if has_decoy(seed, p.a) && p.kind != Kind::NameOnly {
            // Same name, another person: another address and, for a domain
            // handle, a site one character away.
            out.push(PlantedReader {
                name,
                email: format!("{}{}{}@mail.example.com", ascii(l), ascii(f), p.a),
                url: (p.kind == Kind::Domain)
                    .then(|| format!("https://{}{}{}.fr", ascii(f), ascii(l), p.a)),
                persona: i,
                same: false,
            });
        }
    }
    out
}

/// The account levain gives a blog commenter with this address.
pub(crate) fn blog_account(email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("blog:mail:{}", &hex[..32])
}

/// Who is who across channels, for the identity benchmark and tests.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TruthIdentity {
    /// Accounts of one person on several channels, with how it shows
    /// (`verified_domain`, `profile_link`, `shared_site`, or `name_only`,
    /// which a matcher must not merge on).
    pub persons: Vec<TruthPerson>,
    /// Pairs that look alike (same display name, a similar site) but are
    /// different people: never to be merged.
    pub decoys: Vec<TruthPerson>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TruthPerson {
    pub accounts: Vec<String>,
    pub evidence: String,
}

/// The truth for the planted readers that did comment.
pub(crate) fn truth(
    personas: &[Persona],
    planted: &[PlantedReader],
    commented: &std::collections::BTreeSet<usize>,
    brand: (&str, &str),
) -> TruthIdentity {
    let mut t = TruthIdentity {
        persons: vec![TruthPerson {
            accounts: vec![brand.0.to_owned(), brand.1.to_owned()],
            evidence: "verified_domain".into(),
        }],
        decoys: Vec::new(),
    };
    for (i, r) in planted.iter().enumerate() {
        if !commented.contains(&i) {
            continue;
        }
        let p = &personas[r.persona];
        let person = TruthPerson {
            accounts: vec![p.account.clone(), blog_account(&r.email)],
            evidence: if r.same { p.kind.name() } else { "decoy" }.into(),
        };
        if r.same {
            t.persons.push(person);
        } else {
            t.decoys.push(person);
        }
    }
    t
}
