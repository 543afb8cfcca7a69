//! `levain bench project`: the projection backtested. Generated three-year
//! communities are fitted on their first half; the audience projected for
//! the second half is compared with what really happened.

use std::process::ExitCode;

use levain_analytics::Filters;
use levain_analytics::cohorts::acquisitions;
use levain_analytics::project::project;
use levain_analytics::roi::OrganicCost;
use levain_import::{ImportOptions, import_paths, pipeline::NoProgress};
use levain_store::Store;
use levain_store::query::Engine;
use levain_synth::{Config, Scale, Truth};
use serde::Serialize;

use crate::util::print_json;

const DAY: i64 = 86_400_000_000;
const MONTH: i64 = 30 * DAY;

#[derive(clap::Args)]
pub struct ProjectArgs {
    /// Seeds of the generated communities.
    #[arg(long, value_delimiter = ',', default_values_t = [1u64, 2, 3])]
    seeds: Vec<u64>,
    /// Simulated days of each community; the fit uses the first half.
    #[arg(long, default_value_t = 1095)]
    days: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Backtest {
    seed: u64,
    fitted_until: String,
    months: usize,
    /// Mean absolute percentage error of the audience, per scenario.
    mape_keep_paying: f64,
    mape_stop_paying: f64,
    /// Months whose real audience fell inside the keep-paying band.
    band_coverage: f64,
    real_audience_at_end: u64,
    projected_at_end: f64,
}

pub fn run(a: ProjectArgs) -> anyhow::Result<ExitCode> {
    let mut results = Vec::new();
    for &seed in &a.seeds {
        let dir = tempfile::tempdir()?;
        let out = levain_synth::generate(
            &dir.path().join("input"),
            &Config {
                seed,
                scale: Scale::Small,
                days: a.days,
            },
        )?;
        let truth: Truth = serde_json::from_slice(&std::fs::read(&out.truth)?)?;
        let store = Store::open_or_create(dir.path().join("store"))?;
        let files = vec![out.jetstream.clone(), out.campaigns.clone()];
        import_paths(&store, &files, &ImportOptions::default(), &NoProgress)?;
        let mut w = store.writer()?;
        for o in &truth.own {
            w.own_mut().insert(o.account.clone());
        }
        w.commit()?;
        drop(w);
        let own: Vec<String> = truth.own.iter().map(|o| o.account.clone()).collect();
        let engine = Engine::open(&store)?;
        let start = chrono::DateTime::parse_from_rfc3339(&truth.start)?.timestamp_micros();
        let half = start + i64::from(a.days / 2) * DAY;
        let months = ((i64::from(a.days) * DAY - (half - start)) / MONTH) as u32;
        let fit = Filters {
            to: Some(half),
            ..Filters::default()
        };
        let p = project(&engine, &own, &fit, months, OrganicCost::default())?;
        // What really happened: followers at each month's end.
        let all = acquisitions(&engine, &own, &Filters::default())?;
        let real = |t: i64| {
            all.iter()
                .filter(|f| f.at <= t && f.ended.is_none_or(|e| e > t))
                .count() as f64
        };
        let scenario = |name: &str| {
            p.scenarios
                .iter()
                .find(|s| s.scenario == name)
                .expect("scenario")
        };
        let mape = |name: &str| {
            let s = scenario(name);
            let errs: Vec<f64> = s
                .months
                .iter()
                .map(|m| {
                    let r = real(half + i64::from(m.month) * MONTH);
                    (m.audience.value - r).abs() / r.max(1.0)
                })
                .collect();
            errs.iter().sum::<f64>() / errs.len().max(1) as f64
        };
        let keep = scenario("keep_paying");
        let covered = keep
            .months
            .iter()
            .filter(|m| {
                let r = real(half + i64::from(m.month) * MONTH);
                m.audience.low <= r && r <= m.audience.high
            })
            .count();
        let last = keep.months.last();
        results.push(Backtest {
            seed,
            fitted_until: p.from.clone().unwrap_or_default(),
            months: keep.months.len(),
            mape_keep_paying: mape("keep_paying"),
            mape_stop_paying: mape("stop_paying"),
            band_coverage: covered as f64 / keep.months.len().max(1) as f64,
            real_audience_at_end: last.map_or(0.0, |m| real(half + i64::from(m.month) * MONTH))
                as u64,
            projected_at_end: last.map_or(0.0, |m| m.audience.value),
        });
    }
    if a.json {
        print_json(&results)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Projection backtest: fitted on the first half of each generated community, projected over the second half."
    );
    println!(
        "| seed | fitted until | months | MAPE keep paying | MAPE stop paying | months inside the band | real audience at the end | projected |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in &results {
        println!(
            "| {} | {} | {} | {:.1}% | {:.1}% | {:.0}% | {} | {:.0} |",
            r.seed,
            &r.fitted_until[..10.min(r.fitted_until.len())],
            r.months,
            100.0 * r.mape_keep_paying,
            100.0 * r.mape_stop_paying,
            100.0 * r.band_coverage,
            r.real_audience_at_end,
            r.projected_at_end
        );
    }
    Ok(ExitCode::SUCCESS)
}
