//! `levain collect mastodon|bluesky`: live collection through the import
//! pipeline (see `levain-collect`).

use std::path::Path;
use std::process::ExitCode;

use levain_collect::http::Retry;
use levain_collect::{Report, bluesky, mastodon};

use crate::util::{print_json, thousands};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    channel: Channel,
    /// Print what was collected as JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Fetch at most this many pages per list (all by default).
    #[arg(long, global = true, value_name = "N")]
    max_pages: Option<u64>,
}

#[derive(clap::Subcommand)]
enum Channel {
    /// A Mastodon account: its statuses, who favourited and boosted them,
    /// its followers and, with a token, its notifications.
    Mastodon {
        /// The instance, e.g. https://mastodon.social
        #[arg(long, value_name = "URL")]
        instance: String,
        /// The account, e.g. @name (or name@other.instance)
        #[arg(long, value_name = "@NAME")]
        account: String,
        /// An access token (read scope) for notifications.
        #[arg(long, env = "LEVAIN_MASTODON_TOKEN", value_name = "T")]
        token: Option<String>,
    },
    /// A Bluesky account: its posts, who liked and reposted them, its
    /// followers, from the public AppView.
    Bluesky {
        /// A handle (name.bsky.social) or a DID.
        #[arg(long, value_name = "HANDLE|DID")]
        actor: String,
        /// The AppView to ask.
        #[arg(
            long,
            default_value = "https://public.api.bsky.app",
            value_name = "URL"
        )]
        appview: String,
    },
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let retry = Retry::default();
    let report: Report = match args.channel {
        Channel::Mastodon {
            instance,
            account,
            token,
        } => {
            let t = mastodon::Target {
                instance,
                account,
                token,
                max_pages: args.max_pages,
            };
            rt.block_on(mastodon::collect(data, &t, retry))?
        }
        Channel::Bluesky { actor, appview } => {
            let t = bluesky::Target {
                actor,
                appview,
                max_pages: args.max_pages,
            };
            rt.block_on(bluesky::collect(data, &t, retry))?
        }
    };
    if args.json {
        print_json(&report)?;
    } else {
        eprintln!(
            "Collected {} pages ({} requests): {} new, {} duplicates, {} rejected.",
            thousands(report.pages),
            thousands(report.requests),
            thousands(report.imported),
            thousands(report.duplicates),
            thousands(report.rejected)
        );
    }
    Ok(ExitCode::SUCCESS)
}
