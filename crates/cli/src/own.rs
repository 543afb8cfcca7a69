//! `levain own add|list|remove`

use std::path::Path;
use std::process::ExitCode;

use levain_model::keys;
use levain_store::Store;
use levain_store::query::Engine;
use levain_store::status::json_rows;

use crate::util::print_json;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Declare an account as yours.
    Add {
        /// `bluesky:did:plc:…`, `did:plc:…`, or a handle seen in imported data.
        account: String,
        /// It is the manager's personal account: its mutual follows are
        /// where `levain conversations` looks for friends.
        #[arg(long)]
        personal: bool,
    },
    /// List your accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop treating an account as yours.
    Remove { account: String },
}

/// Turns what the user typed into an account key.
pub fn resolve(store: &Store, input: &str) -> anyhow::Result<String> {
    let found = resolve_all(store, input)?;
    match found.as_slice() {
        [one] => Ok(one.clone()),
        many => anyhow::bail!(
            "`{input}` matches several accounts ({}); give the key instead",
            many.join(", ")
        ),
    }
}

/// Every account what the user typed names: one for a key or a DID, all
/// the accounts with that handle otherwise (a domain handle can be both a
/// Bluesky account and a blog).
pub fn resolve_all(store: &Store, input: &str) -> anyhow::Result<Vec<String>> {
    let input = input.trim();
    if input.starts_with("did:") {
        return Ok(vec![keys::qualified("bluesky", input)]);
    }
    if let Some((channel, _)) = keys::split(input)
        && levain_model::channel::KNOWN.contains(&channel)
    {
        return Ok(vec![input.to_owned()]);
    }
    let handle = input.trim_start_matches('@');
    let engine = Engine::open(store)?;
    let quoted = handle.replace('\'', "''");
    let (_, batches) = engine.sql(&format!(
        "SELECT account FROM accounts WHERE lower(handle) = lower('{quoted}') ORDER BY account"
    ))?;
    let found: Vec<String> = json_rows(&batches)?
        .into_iter()
        .filter_map(|r| r.get("account").and_then(|v| v.as_str()).map(str::to_owned))
        .collect();
    if found.is_empty() {
        anyhow::bail!(
            "no account with handle `{handle}` in the store; import data that mentions it first, or give its key (bluesky:did:plc:…)"
        );
    }
    Ok(found)
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Add { account, personal } => {
            let store = Store::open_or_create(data)?;
            let keys = resolve_all(&store, &account)?;
            // One handle on several channels (a domain that is both a
            // Bluesky handle and a blog) is one owner; on one channel it is
            // ambiguous.
            let channels: std::collections::BTreeSet<&str> = keys
                .iter()
                .filter_map(|k| keys::split(k).map(|x| x.0))
                .collect();
            if channels.len() < keys.len() {
                anyhow::bail!(
                    "`{account}` matches several accounts on one channel ({}); give the key instead",
                    keys.join(", ")
                );
            }
            if personal && keys.len() > 1 {
                anyhow::bail!(
                    "`{account}` matches {}; give the key of the personal one",
                    keys.join(", ")
                );
            }
            let mut w = store.writer()?;
            let added: Vec<bool> = keys.iter().map(|k| w.own_mut().insert(k.clone())).collect();
            if personal {
                w.personal_mut().insert(keys[0].clone());
            }
            w.commit()?;
            for (key, added) in keys.iter().zip(added) {
                if added {
                    eprintln!("{key} is now one of your accounts.");
                } else {
                    eprintln!("{key} was already one of your accounts.");
                }
            }
        }
        Action::Remove { account } => {
            let store = Store::open(data)?;
            let key = resolve(&store, &account)?;
            let mut w = store.writer()?;
            if !w.own_mut().remove(&key) {
                anyhow::bail!("{key} is not one of your accounts (see `levain own list`)");
            }
            w.personal_mut().remove(&key);
            w.commit()?;
            eprintln!("{key} is no longer one of your accounts.");
        }
        Action::List { json } => {
            let store = Store::open(data)?;
            let manifest = store.manifest()?;
            let personal: Vec<&String> = manifest.personal.iter().collect();
            let own: Vec<String> = manifest.own.iter().cloned().collect();
            if json {
                print_json(&serde_json::json!({ "own": own, "personal": personal }))?;
            } else if own.is_empty() {
                eprintln!("No own accounts yet: add one with `levain own add ACCOUNT`.");
            } else {
                for a in own {
                    let tag = if manifest.personal.contains(&a) {
                        " (personal)"
                    } else {
                        ""
                    };
                    println!("{a}{tag}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
