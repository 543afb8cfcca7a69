//! `levain persons [merge A B | split P ACCOUNT]`: accounts of one person
//! across channels.
//!
//! The matcher runs on every call (it reads profiles, not the whole
//! store); its links are stored as the `person_links` table whenever the
//! data or the user's overrides changed since the stored run, so SQL users
//! see the same persons (`SELECT * FROM persons`).

use std::path::Path;
use std::process::ExitCode;

use levain_analytics::identity::{self, PersonsReport};
use levain_store::query::Engine;
use levain_store::{Manifest, PersonsRun, Store};

use crate::util::print_json;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    #[arg(long, global = true)]
    json: bool,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Declare two accounts the same person, for good (it survives
    /// re-imports and outranks the matcher).
    Merge {
        /// An account key (`bluesky:did:plc:…`, `blog:mail:…`) or a handle.
        a: String,
        b: String,
    },
    /// Take an account out of a person, for good: it is never matched with
    /// the person's other accounts again.
    Split {
        /// The person (its id in `levain persons`).
        person: String,
        /// The account to take out.
        account: String,
    },
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let store = Store::open(data)?;
    let report = match args.action {
        None => current(&store)?,
        Some(Action::Merge { a, b }) => {
            let a = crate::own::resolve(&store, &a)?;
            let b = crate::own::resolve(&store, &b)?;
            if a == b {
                anyhow::bail!("`{a}` is one account; give two different accounts to merge");
            }
            let before = current(&store)?;
            let members = |x: &str| members_of(&before, x).unwrap_or_else(|| vec![x.to_owned()]);
            let (pa, pb) = (members(&a), members(&b));
            let mut w = store.writer()?;
            identity::merge_override(w.person_overrides_mut(), &a, &b, &pa, &pb, &now());
            w.commit()?;
            drop(w);
            eprintln!("{a} and {b} are now one person.");
            current(&store)?
        }
        Some(Action::Split { person, account }) => {
            let account = crate::own::resolve(&store, &account)?;
            let before = current(&store)?;
            let Some(p) = before.persons.iter().find(|p| p.person == person) else {
                anyhow::bail!(
                    "no person `{person}` of several accounts; see the ids in `levain persons`"
                );
            };
            if !p.accounts.iter().any(|a| a.account == account) {
                anyhow::bail!(
                    "{account} is not one of the accounts of person `{person}` ({})",
                    p.accounts
                        .iter()
                        .map(|a| a.account.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let others: Vec<String> = p
                .accounts
                .iter()
                .map(|a| a.account.clone())
                .filter(|a| *a != account)
                .collect();
            let mut w = store.writer()?;
            identity::split_override(w.person_overrides_mut(), &account, &others, &now());
            w.commit()?;
            drop(w);
            eprintln!("{account} is now apart from person `{person}`.");
            current(&store)?
        }
    };
    if args.json {
        print_json(&report)?;
    } else {
        print_report(&report);
    }
    Ok(ExitCode::SUCCESS)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn members_of(r: &PersonsReport, account: &str) -> Option<Vec<String>> {
    r.persons
        .iter()
        .find(|p| p.accounts.iter().any(|a| a.account == account))
        .map(|p| p.accounts.iter().map(|a| a.account.clone()).collect())
}

/// What the stored links were computed from: the latest import and the overrides.
fn basis(m: &Manifest) -> String {
    let overrides = serde_json::to_vec(&m.person_overrides).expect("overrides serialize");
    format!(
        "{}/{:032x}",
        m.imports.last().map_or("", |i| i.id.as_str()),
        xxhash_rust::xxh3::xxh3_128(&overrides)
    )
}

/// Runs the matcher on the committed state and stores its links when they
/// are out of date.
pub fn current(store: &Store) -> anyhow::Result<PersonsReport> {
    let manifest = store.manifest()?;
    let engine = Engine::new(store.root(), &manifest)?;
    let own: Vec<String> = manifest.own.iter().cloned().collect();
    let report = identity::persons(&engine, &own, &manifest.person_overrides)?;
    let basis = basis(&manifest);
    if manifest.persons.as_ref().map(|p| &p.basis) != Some(&basis) {
        let at = chrono::Utc::now().timestamp_micros();
        let batch = identity::links_batch(&report, at)?;
        let mut w = store.writer()?;
        // Another writer may have changed the store meanwhile: store only
        // what was computed from the state it holds.
        if self::basis(w.manifest()) == basis {
            w.set_person_links(
                &batch,
                PersonsRun {
                    file: String::new(),
                    persons: report.persons.len() as u64,
                    accounts: report.persons.iter().map(|p| p.accounts.len() as u64).sum(),
                    computed_at: now(),
                    basis,
                },
            )?;
            w.commit()?;
        }
    }
    Ok(report)
}

/// A few lines for the demo: how many persons, the most engaged ones.
pub fn print_summary(r: &PersonsReport, top: usize) {
    println!(
        "   {} persons have accounts on several channels ({} accounts compared); {} look-alikes left apart.",
        r.persons.len(),
        r.accounts_compared,
        r.candidates.len()
    );
    for p in r.persons.iter().take(top) {
        let accounts: Vec<String> = p
            .accounts
            .iter()
            .map(|a| {
                let name = a
                    .handle
                    .as_deref()
                    .or(a.display_name.as_deref())
                    .unwrap_or(&a.account);
                format!("{name} ({})", a.channel)
            })
            .collect();
        println!(
            "   {}: engagement {} together, confidence {:.2}",
            accounts.join(" + "),
            p.metrics.engagement,
            p.confidence
        );
        if let Some(e) = p.evidence.first() {
            println!("     because {e}");
        }
    }
}

fn print_report(r: &PersonsReport) {
    if r.persons.is_empty() {
        println!(
            "No accounts were matched across channels ({} accounts with identity hints compared).",
            r.accounts_compared
        );
    } else {
        println!(
            "{} persons with accounts on several channels ({} accounts compared, {} pairs scored):",
            r.persons.len(),
            r.accounts_compared,
            r.pairs_scored
        );
    }
    for p in &r.persons {
        println!(
            "\n{}  confidence {:.2}{}  engagement {} (likes {}, reshares {}, replies {}, quotes {}), follows {}",
            p.person,
            p.confidence,
            if p.manual { "  (merged by you)" } else { "" },
            p.metrics.engagement,
            p.metrics.likes,
            p.metrics.reshares,
            p.metrics.replies,
            p.metrics.quotes,
            p.metrics.follows
        );
        for a in &p.accounts {
            let name = a
                .handle
                .as_deref()
                .or(a.display_name.as_deref())
                .unwrap_or("");
            println!(
                "  {:<10} {name:<28} {}  [{} {:.2}]  engagement {}",
                a.channel, a.account, a.rule, a.confidence, a.metrics.engagement
            );
        }
        for e in &p.evidence {
            println!("    · {e}");
        }
    }
    if !r.candidates.is_empty() {
        println!(
            "\nLook-alikes left apart ({}; merge with `levain persons merge A B` if they are one person):",
            r.candidates.len()
        );
        for c in r.candidates.iter().take(10) {
            println!(
                "  {} ~ {}  {:.2}",
                c.accounts[0], c.accounts[1], c.confidence
            );
            for e in &c.evidence {
                println!("    · {e}");
            }
        }
    }
}
