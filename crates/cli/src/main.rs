//! The `levain` binary: argument parsing and dispatch. The work lives in the
//! library crates; each command here is glue in its own module.

mod audience;
mod bench;
mod bench_archive;
mod bench_detect;
mod bench_identity;
mod bench_pagerank;
mod bench_project;
mod bench_rank;
mod bench_sentiment;
mod bench_topics;
mod collect;
mod converse;
mod demo;
mod fraud;
mod import;
mod own;
mod persons;
mod query;
mod rank;
mod report;
mod serve;
mod synth;
mod synth_archive;
mod topics;
mod util;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Imports allocate and free many large, short-lived buffers on several
// threads. glibc's allocator either returns them to the kernel (which then
// spends a third of the import zeroing fresh pages) or, tuned not to,
// fragments until memory grows with the input. jemalloc reuses them and
// keeps memory flat.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// levain: local-first community analytics.
///
/// Load your own data (Bluesky, campaign spend, …) into a local store of open
/// formats (Parquet) and ask it questions with numbers you can defend.
///
/// Start with `levain demo`, which generates a community, imports it and
/// shows what levain sees. Then import your own exports with `levain import`.
///
/// Exit codes: 0 success; 1 the command ran but found problems (rejected
/// records under --strict, files that could not be read); 2 the command could
/// not run (bad arguments, unreadable store).
#[derive(Parser)]
#[command(name = "levain", version, max_term_width = 100)]
struct Cli {
    /// The store directory.
    #[arg(
        long,
        global = true,
        env = "LEVAIN_DATA",
        default_value = "levain-data"
    )]
    data: PathBuf,
    /// Show more about what levain is doing (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import files or directories into the store.
    ///
    /// The format is detected from each file's content; name it to force it.
    /// Importing the same data again adds nothing. Records that cannot be read
    /// are kept, with the reason and their line, in a rejects file named in
    /// the summary; the rest of the input is imported.
    ///
    /// Formats: bluesky-jetstream (Bluesky Jetstream NDJSON), reddit
    /// (Pushshift/Arctic Shift dumps or a saved listing .json), campaigns
    /// (channel,name,start,end,spend,currency[,promoted_posts]), conversions
    /// (at,value,currency,channel,campaign,utm_source,utm_medium,utm_campaign),
    /// wordpress-wxr (WordPress Tools → Export), feed (RSS or Atom),
    /// discourse (a forum's /t/ID.json, /posts.json, /u/NAME.json,
    /// /user_actions.json?username=NAME&filter=1; --site HOST when no avatar
    /// in a file names the forum), organic-costs
    /// (start,end,hours[,cost,currency,channel,note]), mastodon-archive,
    /// x-archive, facebook, instagram (zip, tar.gz or folder), bluesky-car,
    /// mastodon-api, csv and ndjson (with --map; never detected).
    /// Files may be zstd- or gzip-compressed.
    ///
    /// Examples:
    ///   levain import jetstream.ndjson
    ///   levain import RC_2024-03.zst
    ///   levain import bluesky-jetstream capture/ --strict
    ///   levain import campaigns.csv --json
    ///   levain import discourse forum-json/ --site forum.example.org
    #[command(verbatim_doc_comment)]
    Import(import::Args),
    /// Collect an account live from its platform's API, into the store.
    ///
    /// Pages are saved under DATA/collected/ and imported like files; an
    /// interrupted run resumes where it stopped, and nothing is stored twice.
    ///   levain collect mastodon --instance https://mastodon.social --account @me
    ///   levain collect bluesky --actor me.bsky.social
    #[command(verbatim_doc_comment)]
    Collect(collect::Args),
    /// Declare which accounts are yours.
    ///
    /// Own accounts are the ones whose audience levain measures. Give an
    /// account key (`bluesky:did:plc:…`), a DID, or a handle already seen in
    /// imported data (`@name.bsky.social`).
    Own(own::Args),
    /// What the store holds: counts by channel and kind, period, own accounts, imports.
    Status(query::StatusArgs),
    /// Run SQL over the store (DataFusion).
    ///
    /// Tables: accounts, persons, posts, interactions, campaigns, conversions,
    /// organic_costs, deletions, account_observations, person_links. Example:
    ///   levain sql "SELECT kind, count(*) FROM interactions GROUP BY kind"
    #[command(verbatim_doc_comment)]
    Sql(query::SqlArgs),
    /// Engagement on own posts: likes, reshares, replies, quotes; paid vs organic.
    ///
    /// A post is paid when a campaign promotes it, or else when it was
    /// published inside a campaign window on its channel.
    Engagement(audience::EngagementArgs),
    /// Followers by acquisition (campaign or organic), and who still follows
    /// and engages, period after period.
    Cohorts(audience::CohortArgs),
    /// Does posting more help? Engagement per post against posting frequency,
    /// a flood warning, and the audience's best hours and weekdays.
    Cadence(audience::CadenceArgs),
    /// Today's queue: replies to answer, new regulars to thank, slipping
    /// regulars to re-engage, your amplifiers' posts to reshare.
    Actions(audience::ActionArgs),
    /// The engaged core, the newcomers, and the regulars slipping away.
    Core(audience::CoreArgs),
    /// How the conversation goes: sentiment and critique of what people
    /// write to you, questions and how fast you answer, the friends' share.
    Conversations(converse::ConversationArgs),
    /// Your personal friends: listed by you, or detected from the mutual
    /// follows of your personal account (`levain own add ACCOUNT --personal`).
    Friends(converse::FriendsArgs),
    /// What each campaign and the organic work brought, in money: followers
    /// kept at 30/90/365 days, cost per retained follower, engagement and
    /// attributed conversions.
    Roi(converse::RoiArgs),
    /// The audience months ahead under three scenarios (keep paying, stop
    /// paying, shift the budget to organic work), with uncertainty bands.
    Project(converse::ProjectArgs),
    /// The report for the boss: summary, charts, ROI, projections and
    /// method, as one HTML page or a PDF, in French or English.
    ///
    /// Example: levain report --out report.pdf --lang fr --from 2025-01-01
    Report(report::ReportArgs),
    /// Settings, such as the quality weights of engagement kinds
    /// (`levain config set weights.reply 5`).
    Config(converse::ConfigArgs),
    /// Who reshares your posts and what their reshares bring, best first,
    /// each with its reasons (a personalised, time-decayed ranking).
    Amplifiers(rank::AmplifierArgs),
    /// Whom to engage next: accounts not yet in touch with you, close to
    /// your amplifiers and core, each with the reason.
    Suggest(rank::SuggestArgs),
    /// Fake engagement in your audience: like farms, dense blocks, bought
    /// followers, pods, follow rings and bots, each verdict explained.
    ///
    /// Verdicts are stored: every analysis command leaves suspicious
    /// accounts out with --exclude-suspicious. `levain fraud mark ACCOUNT
    /// real|fake` overrides a verdict for good.
    #[command(verbatim_doc_comment)]
    Fraud(fraud::Args),
    /// Define or forget a topic of yours (`levain topic add NAME --terms a,b,#c`).
    Topic(topics::TopicArgs),
    /// Topics, yours and discovered from hashtags, keywords and links that
    /// occur together, with their volume per month and your posts in each.
    Topics(topics::TopicsArgs),
    /// Where your topics are discussed (subreddits, forum categories,
    /// hashtags, blogs), how fast it grows and your share of voice there:
    /// the gaps, best opportunity first.
    Venues(topics::VenuesArgs),
    /// Accounts of one person across channels, with the evidence and a
    /// confidence; `merge A B` and `split PERSON ACCOUNT` override the
    /// matcher for good.
    Persons(persons::Args),
    /// Merge small segments and key runs into large ones (faster queries and imports).
    Compact(query::CompactArgs),
    /// Generate a community with known ground truth, in real export formats.
    Synth(synth::Args),
    /// Generate a small community, import it, and show what levain finds.
    Demo(demo::Args),
    /// The dashboard and the JSON API in your browser (http://127.0.0.1:8080/).
    Serve(serve::Args),
    /// Measure levain against the physical limits of this machine.
    #[command(subcommand)]
    Bench(bench::Bench),
}

fn main() -> ExitCode {
    // Like other Unix tools, stop quietly when the reader of our output goes
    // away (`levain sql … | head`) instead of panicking on a closed pipe.
    // SAFETY: called first thing, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LEVAIN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .without_time()
        .init();
    let result = match cli.command {
        Command::Import(a) => import::run(&cli.data, a),
        Command::Collect(a) => collect::run(&cli.data, a),
        Command::Own(a) => own::run(&cli.data, a),
        Command::Status(a) => query::status(&cli.data, a),
        Command::Sql(a) => query::sql(&cli.data, a),
        Command::Compact(a) => query::compact(&cli.data, a),
        Command::Engagement(a) => audience::run_engagement(&cli.data, a),
        Command::Cohorts(a) => audience::run_cohorts(&cli.data, a),
        Command::Core(a) => audience::run_core(&cli.data, a),
        Command::Actions(a) => audience::run_actions(&cli.data, a),
        Command::Cadence(a) => audience::run_cadence(&cli.data, a),
        Command::Conversations(a) => converse::run_conversations(&cli.data, a),
        Command::Friends(a) => converse::run_friends(&cli.data, a),
        Command::Config(a) => converse::run_config(&cli.data, a),
        Command::Roi(a) => converse::run_roi(&cli.data, a),
        Command::Project(a) => converse::run_project(&cli.data, a),
        Command::Amplifiers(a) => rank::run_amplifiers(&cli.data, a),
        Command::Suggest(a) => rank::run_suggest(&cli.data, a),
        Command::Report(a) => report::run(&cli.data, a),
        Command::Fraud(a) => fraud::run(&cli.data, a),
        Command::Topic(a) => topics::run_topic(&cli.data, a),
        Command::Topics(a) => topics::run_topics(&cli.data, a),
        Command::Venues(a) => topics::run_venues(&cli.data, a),
        Command::Persons(a) => persons::run(&cli.data, a),
        Command::Synth(a) => synth::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Serve(a) => serve::run(&cli.data, a),
        Command::Bench(b) => bench::run(b),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if util::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
