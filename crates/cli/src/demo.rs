//! `levain demo`: generate, import, analyse, in one go, with no set-up.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use levain_import::{ImportOptions, import_paths, pipeline::NoProgress};
use levain_store::Store;
use levain_store::query::Engine;
use levain_synth::{Config, Scale, Truth};

use crate::query::{load_status, print_status};
use crate::util::thousands;

#[derive(clap::Args)]
pub struct Args {
    /// Keep the generated files and store in this directory instead of a
    /// temporary one.
    #[arg(long)]
    keep: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Community size (see `levain synth --help`).
    #[arg(long, default_value = "small")]
    scale: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let temp;
    let base = match &args.keep {
        Some(dir) => dir.clone(),
        None => {
            temp = tempfile::Builder::new().prefix("levain-demo-").tempdir()?;
            temp.path().to_owned()
        }
    };
    let input = base.join("input");
    let data = base.join("store");
    println!(
        "levain demo: a generated bike-workshop community on Bluesky and its blog, three years long.\n"
    );

    let t = Instant::now();
    let scale: Scale = args.scale.parse()?;
    let out = levain_synth::generate(
        &input,
        &Config {
            seed: args.seed,
            scale,
            ..Config::default()
        },
    )?;
    println!(
        "1. Generated {} Jetstream events, the blog's WordPress export and feed, campaign and conversion files in {:.1} s ({}).",
        thousands(out.events),
        t.elapsed().as_secs_f64(),
        input.display()
    );
    let truth: Truth = serde_json::from_slice(&std::fs::read(&out.truth)?)?;

    let t = Instant::now();
    let store = Store::open_or_create(&data)?;
    let files = vec![
        out.jetstream.clone(),
        out.campaigns.clone(),
        input.join(levain_synth::CONVERSIONS_FILE),
        input.join(levain_synth::BLOG_EXPORT_FILE),
        input.join(levain_synth::BLOG_FEED_FILE),
    ];
    let summary = import_paths(&store, &files, &ImportOptions::default(), &NoProgress)?;
    println!(
        "2. Imported them in {:.1} s: {} records new, {} rejected.",
        t.elapsed().as_secs_f64(),
        thousands(summary.imported),
        thousands(summary.rejected)
    );
    let again = import_paths(&store, &files, &ImportOptions::default(), &NoProgress)?;
    println!(
        "   Importing the same files again adds nothing: {} new, {} duplicates.",
        thousands(again.imported),
        thousands(again.duplicates)
    );

    let blog = truth.blog.as_ref().map(|b| b.account.clone());
    let mut w = store.writer()?;
    for o in &truth.own {
        w.own_mut().insert(o.account.clone());
        if o.role == "personal" {
            w.personal_mut().insert(o.account.clone());
        }
    }
    if let Some(b) = &blog {
        w.own_mut().insert(b.clone());
    }
    w.commit()?;
    // Release the store's lock: the fraud step writes its verdicts.
    drop(w);
    println!("3. Declared the community's own accounts (levain own add):");
    for o in &truth.own {
        let flag = if o.role == "personal" {
            " --personal"
        } else {
            ""
        };
        println!("   @{} ({}){flag}", o.handle, o.role);
    }
    if let Some(b) = &blog {
        println!("   {b} (the blog)");
    }

    println!("\n4. What the store holds (levain status):");
    let status = load_status(&store)?;
    print_status(&status);

    let engine = Engine::open(&store)?;
    let own: Vec<String> = truth
        .own
        .iter()
        .map(|o| o.account.clone())
        .chain(blog.clone())
        .collect();
    println!("\n5. Paid vs organic engagement (levain engagement):");
    let report = levain_analytics::engagement::engagement(
        &engine,
        &own,
        &Default::default(),
        &Default::default(),
    )?;
    crate::audience::print_engagement(&report);
    println!(
        "\n6. Where the paid followers went: retention by acquisition cohort (levain cohorts):"
    );
    let cohorts = levain_analytics::cohorts::cohorts(
        &engine,
        &own,
        &Default::default(),
        30,
        levain_analytics::cohorts::CohortBy::Source,
    )?;
    crate::audience::print_cohorts(&cohorts, &[0, 2, 11]);
    let share = |paid: bool, k: usize| {
        let (mut following, mut observed) = (0, 0);
        for c in cohorts
            .cohorts
            .iter()
            .filter(|c| c.cohort.starts_with("campaign:") == paid)
        {
            if let Some(p) = c.retention.get(k) {
                following += p.following;
                observed += p.observed;
            }
        }
        100.0 * following as f64 / observed.max(1) as f64
    };
    println!(
        "   After 90 days, {:.0} % of campaign followers still follow, against {:.0} % of organic ones.",
        share(true, 2),
        share(false, 2)
    );
    println!(
        "\n7. Who carries the community, who just arrived, who is slipping away (levain core):"
    );
    let core =
        levain_analytics::core::core(&engine, &own, &Default::default(), Default::default())?;
    crate::audience::print_core(&core, 3);
    println!("\n8. Does posting more help? (levain cadence --tz Europe/Paris)");
    let cadence =
        levain_analytics::cadence::cadence(&engine, &own, &Default::default(), "Europe/Paris", 3)?;
    crate::audience::print_cadence(&cadence);
    println!("\n9. Today's queue (levain actions):");
    let queue = levain_analytics::actions::actions(&engine, &own, &Default::default(), 14, 3)?;
    crate::audience::print_actions(&queue, 2);

    println!("\n10. How the conversation goes (levain conversations):");
    let manifest = store.manifest()?;
    let talk = levain_analytics::conversations::conversations(
        &engine,
        &own,
        &Default::default(),
        &levain_analytics::conversations::ConversationOptions {
            limit: 3,
            weights: Default::default(),
            listed_friends: manifest.friends.clone(),
            personal: manifest.personal.clone(),
        },
    )?;
    crate::converse::print_conversations(&talk);
    if let Some(tb) = &truth.blog {
        let blog_rt = talk
            .response_time
            .by_channel
            .iter()
            .find(|c| c.channel == "blog");
        println!(
            "   Against the ground truth: blog questions answered {} of {} (truth: {} of {}); friends found {} of {}.",
            blog_rt.map_or(0, |c| c.answered),
            blog_rt.map_or(0, |c| c.questions),
            tb.answered,
            tb.questions,
            talk.friends
                .accounts
                .iter()
                .filter(|f| truth.friends.contains(&f.account))
                .count(),
            truth.friends.len()
        );
    }

    println!("\n11. Which engagement is fake (levain fraud):");
    let fraud = crate::fraud::run_and_store(&data, levain_detect::combine::DEFAULT_THRESHOLD)?;
    crate::fraud::print_report(&fraud, 0);
    let found: std::collections::HashSet<&str> = fraud
        .accounts
        .iter()
        .filter(|a| a.suspicious)
        .map(|a| a.account.as_str())
        .collect();
    println!("   Against the generator's ground truth (truth.json):");
    let mut families: Vec<&str> = truth.fake_accounts.values().map(String::as_str).collect();
    families.sort_unstable();
    families.dedup();
    for family in families {
        let planted: Vec<&String> = truth
            .fake_accounts
            .iter()
            .filter(|(_, f)| *f == family)
            .map(|(a, _)| a)
            .collect();
        let caught = planted
            .iter()
            .filter(|a| found.contains(a.as_str()))
            .count();
        let example = fraud
            .accounts
            .iter()
            .find(|a| {
                a.suspicious
                    && truth
                        .fake_accounts
                        .get(&a.account)
                        .is_some_and(|f| f == family)
            })
            .and_then(|a| {
                // The reason of the family's own pattern (reasons follow patterns).
                let i = a.patterns.iter().position(|p| *p == family).unwrap_or(0);
                a.reasons.get(i).cloned()
            })
            .unwrap_or_default();
        println!(
            "   {family:<17} {caught:>4} of {:>4} found   e.g. \"{example}\"",
            planted.len()
        );
    }
    let wrong = found
        .iter()
        .filter(|a| !truth.fake_accounts.contains_key(**a))
        .count();
    println!(
        "   Real accounts wrongly flagged: {wrong} of {}.",
        thousands(fraud.accounts.len() as u64)
    );

    println!("\n12. The same numbers without them (--exclude-suspicious):");
    let engine = Engine::open(&store)?;
    let clean = levain_analytics::Filters {
        exclude_suspicious: true,
        ..Default::default()
    };
    let without =
        levain_analytics::engagement::engagement(&engine, &own, &clean, &Default::default())?;
    println!(
        "   Unique engagers: {} instead of {}; likes: {} instead of {}.",
        thousands(without.totals.unique_engagers),
        thousands(report.totals.unique_engagers),
        thousands(without.totals.likes),
        thousands(report.totals.likes)
    );
    let clean_cohorts = levain_analytics::cohorts::cohorts(
        &engine,
        &own,
        &clean,
        30,
        levain_analytics::cohorts::CohortBy::Source,
    )?;
    let acquired =
        |c: &levain_analytics::cohorts::Cohorts| c.cohorts.iter().map(|c| c.acquired).sum::<u64>();
    println!(
        "   Followers acquired: {} instead of {} (the bought ones are gone).",
        thousands(acquired(&clean_cohorts)),
        thousands(acquired(&cohorts))
    );
    println!("\n13. What the money bought (levain roi, organic work at 35 €/h × 5 h/week):");
    let roi = levain_analytics::roi::roi(
        &engine,
        &own,
        &Default::default(),
        &Default::default(),
        levain_analytics::roi::OrganicCost {
            hourly_cost: 35.0,
            hours_per_week: 5.0,
        },
    )?;
    crate::converse::print_roi(&roi);

    println!(
        "\n14. Who amplifies you, and whom to engage next (levain amplifiers, levain suggest):"
    );
    let amps = levain_analytics::amplifiers::amplifiers(
        &engine,
        &own,
        &Default::default(),
        &levain_analytics::amplifiers::AmplifierOptions {
            limit: 5,
            ..Default::default()
        },
    )?;
    crate::rank::print_amplifiers(&amps);
    let planted: std::collections::HashSet<&str> = truth
        .amplifiers
        .iter()
        .map(|a| a.account.as_str())
        .collect();
    println!(
        "   {} of these {} are amplifiers the generator planted.",
        amps.accounts
            .iter()
            .filter(|a| planted.contains(a.account.as_str()))
            .count(),
        amps.accounts.len()
    );
    let next = levain_analytics::suggest::suggest(
        &engine,
        &own,
        &Default::default(),
        &levain_analytics::suggest::SuggestOptions {
            limit: 3,
            ..Default::default()
        },
    )?;
    crate::rank::print_suggestions(&next);

    println!(
        "\n15. Topics, and where they are discussed without us (levain topics, levain venues):"
    );
    crate::topics::demo_step(&store, &input, &truth, &own)?;
    println!("\n16. Who is who across channels (levain persons):");
    let persons = crate::persons::current(&store)?;
    crate::persons::print_summary(&persons, 3);
    if let Some(planted) = &truth.identity {
        let found = |a: &[String]| {
            persons
                .persons
                .iter()
                .any(|p| a.iter().all(|x| p.accounts.iter().any(|y| &y.account == x)))
        };
        let strong: Vec<_> = planted
            .persons
            .iter()
            .filter(|p| p.evidence != "name_only")
            .collect();
        println!(
            "   Against the ground truth: {} of {} planted persons with strong evidence found; {} of {} look-alike decoys and {} of {} name-only pairs merged (both must stay 0).",
            strong.iter().filter(|p| found(&p.accounts)).count(),
            strong.len(),
            planted.decoys.iter().filter(|p| found(&p.accounts)).count(),
            planted.decoys.len(),
            planted
                .persons
                .iter()
                .filter(|p| p.evidence == "name_only" && found(&p.accounts))
                .count(),
            planted
                .persons
                .iter()
                .filter(|p| p.evidence == "name_only")
                .count(),
        );
    }

    println!("\n17. The report for the boss (levain report), in both languages:");
    let topics = store.manifest()?.topics;
    let settings = [("hourly_cost", "35"), ("hours_per_week", "5")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let subject = levain_report::Subject {
        own: &own,
        topics: &topics,
        settings: &settings,
    };
    for (lang, name) in [
        (levain_report::Locale::Fr, "rapport.pdf"),
        (levain_report::Locale::En, "report.html"),
    ] {
        let out = base.join(name);
        crate::report::write_report(
            &engine,
            &subject,
            &Default::default(),
            lang,
            &out,
            &mut |_| {},
        )?;
        println!("   {}", out.display());
    }

    println!("\nDone in {:.1} s.", started.elapsed().as_secs_f64());
    match &args.keep {
        Some(dir) => println!(
            "Try next:\n  levain --data {0} status\n  levain --data {0} fraud\n  levain --data {0} sql \"SELECT kind, count(*) FROM interactions GROUP BY kind\"\n  levain --data {0} serve        # the dashboard at http://127.0.0.1:8080/",
            dir.join("store").display()
        ),
        None => println!(
            "Try next:\n  levain demo --keep demo        # keep the files and the store\n  levain synth --out my-community && levain import my-community\n  levain sql \"SELECT kind, count(*) FROM interactions GROUP BY kind\"\n  levain serve                   # the dashboard and the JSON API at http://127.0.0.1:8080/"
        ),
    }
    Ok(ExitCode::SUCCESS)
}
