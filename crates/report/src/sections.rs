//! The report's sections, each a function from the analyses' results to
//! blocks (text, a chart, a table). A section whose analysis is missing
//! says so and what to run, rather than disappearing.

use chrono::NaiveDate;
use levain_analytics::cohorts::Cohorts;
use levain_analytics::engagement::{Counts, Engagement};
use levain_analytics::project::{Projection, Scenario};
use levain_analytics::roi::{Roi, Source};
use levain_charts::{
    Axis, BandPoint, BarChart, BarSeries, Heatmap, LineChart, LineSeries, Locale, ScatterChart,
    ScatterSeries, ValueFormat, day_number,
};

use crate::doc::{Block, Table};
use crate::input::{Amplifier, AudienceMonth, ReportInput, VenueGap};

/// French or English, by the report's locale.
pub(crate) fn tr(l: Locale, fr: &str, en: &str) -> String {
    match l {
        Locale::Fr => fr.to_owned(),
        Locale::En => en.to_owned(),
    }
}

fn heading(text: String) -> Block {
    Block::Heading { level: 2, text }
}

/// What the money bought, summed over campaigns.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PaidTotals {
    pub spend: f64,
    pub acquired: u64,
    /// Estimated still following after 365 days (else 90), with the horizon used.
    pub retained: Option<(f64, u32)>,
}

pub(crate) fn paid_totals(roi: &Roi) -> PaidTotals {
    let camps: Vec<&Source> = roi
        .sources
        .iter()
        .filter(|s| s.source.starts_with("campaign:"))
        .collect();
    let mut t = PaidTotals {
        spend: camps.iter().filter_map(|s| s.spend).sum(),
        acquired: camps.iter().map(|s| s.followers_acquired).sum(),
        retained: None,
    };
    for days in [365, 90] {
        let est: Vec<f64> = camps
            .iter()
            .filter_map(|s| s.retained.iter().find(|r| r.days == days)?.estimated)
            .collect();
        if !est.is_empty() && est.len() == camps.len() {
            t.retained = Some((est.iter().sum(), days));
            break;
        }
    }
    t
}

fn organic(roi: &Roi) -> Option<&Source> {
    roi.sources.iter().find(|s| s.source == "organic")
}

/// The share of each engagement kind that came from suspicious accounts.
fn suspicious_share(all: &Counts, clean: &Counts) -> [f64; 5] {
    let share = |a: u64, c: u64| {
        if a == 0 {
            f64::NAN
        } else {
            a.saturating_sub(c) as f64 / a as f64
        }
    };
    let total = |c: &Counts| c.likes + c.reshares + c.replies + c.quotes;
    [
        share(all.likes, clean.likes),
        share(all.reshares, clean.reshares),
        share(all.replies, clean.replies),
        share(all.quotes, clean.quotes),
        share(total(all), total(clean)),
    ]
}

fn scenario<'a>(p: &'a Projection, name: &str) -> Option<&'a Scenario> {
    p.scenarios.iter().find(|s| s.scenario == name)
}

fn scenario_name(l: Locale, name: &str) -> String {
    match name {
        "keep_paying" => tr(l, "budget actuel maintenu", "keep the current budget"),
        "stop_paying" => tr(l, "arrêt des campagnes", "stop paying"),
        "shift_to_organic" => tr(
            l,
            "budget transféré à l'organique",
            "budget shifted to organic work",
        ),
        other => other.to_owned(),
    }
}

fn source_name(l: Locale, source: &str) -> String {
    match source.strip_prefix("campaign:") {
        Some(name) => format!("{} {name}", tr(l, "campagne", "campaign")),
        None => tr(l, "organique", "organic"),
    }
}

fn date_of(rfc3339: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.date_naive())
}

/// The title page's lines and the executive summary.
pub(crate) fn summary(input: &ReportInput, l: Locale) -> Vec<Block> {
    let money = |x: f64| l.money(x, &input.roi.currency, 0);
    let mut out = Vec::new();
    let period = match (input.from, input.to) {
        (Some(a), Some(b)) => format!(
            "{} {} {} {}",
            tr(l, "Du", "From"),
            l.date(a),
            tr(l, "au", "to"),
            l.date(b)
        ),
        _ => tr(l, "Aucune donnée datée", "No dated data"),
    };
    out.push(Block::Paragraph(period));
    out.push(heading(tr(l, "En bref", "Executive summary")));
    let mut says = Vec::new();
    if let (Some(first), Some(last)) = (input.audience.first(), input.audience.last()) {
        let (a, b) = (first.paid + first.organic, last.paid + last.organic);
        says.push(match l {
            Locale::Fr => format!(
                "Votre audience est passée de {} à {} abonnés entre {} et {}.",
                l.integer(a as i64),
                l.integer(b as i64),
                l.month(first.month_end),
                l.month(last.month_end)
            ),
            Locale::En => format!(
                "Your audience went from {} to {} followers between {} and {}.",
                l.integer(a as i64),
                l.integer(b as i64),
                l.month(first.month_end),
                l.month(last.month_end)
            ),
        });
    }
    let paid = paid_totals(&input.roi);
    if paid.spend > 0.0 || paid.acquired > 0 {
        let kept = match paid.retained {
            Some((n, days)) if n > 0.0 => match l {
                Locale::Fr => format!(
                    " ; environ {} devraient encore vous suivre après {} jours, soit {} par abonné gardé",
                    l.integer(n.round() as i64),
                    days,
                    money(paid.spend / n)
                ),
                Locale::En => format!(
                    "; about {} of them should still follow after {} days, so each follower kept cost {}",
                    l.integer(n.round() as i64),
                    days,
                    money(paid.spend / n)
                ),
            },
            _ => tr(
                l,
                " ; il est trop tôt pour savoir combien resteront",
                "; it is too early to know how many will stay",
            ),
        };
        says.push(match l {
            Locale::Fr => format!(
                "Les campagnes ont coûté {} et apporté {} abonnés{kept}.",
                money(paid.spend),
                l.integer(paid.acquired as i64)
            ),
            Locale::En => format!(
                "Campaigns cost {} and brought {} followers{kept}.",
                money(paid.spend),
                l.integer(paid.acquired as i64)
            ),
        });
    }
    if let Some(o) = organic(&input.roi) {
        let cost = match o.spend {
            Some(c) => match l {
                Locale::Fr => format!(", pour un temps de travail estimé à {}", money(c)),
                Locale::En => format!(", for time estimated at {}", money(c)),
            },
            None => tr(
                l,
                " (le temps passé n'est pas chiffré : voir l'annexe)",
                " (the time spent is not costed: see the appendix)",
            ),
        };
        says.push(match l {
            Locale::Fr => format!(
                "Le travail organique a apporté {} abonnés{cost}.",
                l.integer(o.followers_acquired as i64)
            ),
            Locale::En => format!(
                "Organic work brought {} followers{cost}.",
                l.integer(o.followers_acquired as i64)
            ),
        });
    }
    if let Some((p, o)) = retention_at(&input.retention, 2) {
        says.push(match l {
            Locale::Fr => format!(
                "Après 90 jours, {} des abonnés venus des campagnes suivent encore, contre {} des abonnés organiques.",
                l.percent(p, 0),
                l.percent(o, 0)
            ),
            Locale::En => format!(
                "After 90 days, {} of followers from campaigns still follow, against {} of organic ones.",
                l.percent(p, 0),
                l.percent(o, 0)
            ),
        });
    }
    if let Some(clean) = &input.engagement_without_suspicious {
        let share = suspicious_share(&input.engagement.totals, &clean.totals)[4];
        if share.is_finite() {
            says.push(match l {
                Locale::Fr => format!(
                    "{} de l'engagement vient de comptes jugés suspects (faux engagement).",
                    l.percent(share, 1)
                ),
                Locale::En => format!(
                    "{} of engagement came from accounts judged suspicious (fake engagement).",
                    l.percent(share, 1)
                ),
            });
        }
    }
    if let Ok(p) = &input.projection {
        let at_end = |name| scenario(p, name).and_then(|s| s.months.last());
        if let Some(k) = at_end("keep_paying") {
            let mut s = match l {
                Locale::Fr => format!(
                    "Si vous gardez le budget actuel, l'audience devrait atteindre {} abonnés dans {} mois (probablement entre {} et {})",
                    l.integer(k.audience.value.round() as i64),
                    p.horizon_months,
                    l.integer(k.audience.low.round() as i64),
                    l.integer(k.audience.high.round() as i64)
                ),
                Locale::En => format!(
                    "If you keep the current budget, the audience should reach {} followers in {} months (likely between {} and {})",
                    l.integer(k.audience.value.round() as i64),
                    p.horizon_months,
                    l.integer(k.audience.low.round() as i64),
                    l.integer(k.audience.high.round() as i64)
                ),
            };
            if let Some(st) = at_end("stop_paying") {
                s.push_str(&match l {
                    Locale::Fr => format!(
                        " ; {} si vous arrêtez les campagnes",
                        l.integer(st.audience.value.round() as i64)
                    ),
                    Locale::En => format!(
                        "; {} if you stop paying",
                        l.integer(st.audience.value.round() as i64)
                    ),
                });
            }
            if let Some(sh) = at_end("shift_to_organic") {
                s.push_str(&match l {
                    Locale::Fr => format!(
                        " ; {} si le budget va au travail organique",
                        l.integer(sh.audience.value.round() as i64)
                    ),
                    Locale::En => format!(
                        "; {} if the budget goes to organic work instead",
                        l.integer(sh.audience.value.round() as i64)
                    ),
                });
            }
            s.push('.');
            says.push(s);
        }
    }
    if says.is_empty() {
        says.push(tr(
            l,
            "Il n'y a pas encore assez de données pour un résumé.",
            "There is not enough data for a summary yet.",
        ));
    }
    out.push(Block::Bullets(says));
    out.push(Block::KeyFigures(key_figures(input, l)));
    out
}

/// The headline figures, each recomputable from `levain roi --json` and
/// `levain project --json`.
pub(crate) fn key_figures(input: &ReportInput, l: Locale) -> Vec<(String, String)> {
    let cur = &input.roi.currency;
    let paid = paid_totals(&input.roi);
    let mut out = Vec::new();
    if let Ok(p) = &input.projection {
        out.push((
            tr(l, "Abonnés aujourd'hui", "Followers now"),
            l.integer(p.followers_now as i64),
        ));
    }
    out.push((
        tr(l, "Dépense des campagnes", "Campaign spend"),
        l.money(paid.spend, cur, 2),
    ));
    out.push((
        tr(l, "Abonnés venus des campagnes", "Followers from campaigns"),
        l.integer(paid.acquired as i64),
    ));
    if let Some(o) = organic(&input.roi) {
        out.push((
            tr(l, "Abonnés organiques", "Organic followers"),
            l.integer(o.followers_acquired as i64),
        ));
    }
    if let Some((n, days)) = paid.retained.filter(|(n, _)| *n > 0.0) {
        out.push((
            match l {
                Locale::Fr => format!("Coût par abonné gardé {days} jours (campagnes)"),
                Locale::En => format!("Cost per follower kept {days} days (campaigns)"),
            },
            l.money(paid.spend / n, cur, 2),
        ));
    }
    if let Ok(p) = &input.projection
        && let Some(m) = scenario(p, "keep_paying").and_then(|s| s.months.last())
    {
        out.push((
            match l {
                Locale::Fr => format!("Audience dans {} mois, budget maintenu", p.horizon_months),
                Locale::En => format!("Audience in {} months, budget kept", p.horizon_months),
            },
            l.integer(m.audience.value.round() as i64),
        ));
    }
    out
}

/// Paid and organic retention at period `k` (0-based, 30-day periods).
fn retention_at(c: &Cohorts, k: usize) -> Option<(f64, f64)> {
    let curves = retention_curves(c);
    let at = |curve: &[(f64, f64)]| {
        curve
            .iter()
            .find(|p| p.0 == ((k + 1) as f64 * c.period_days as f64))
            .map(|p| p.1)
    };
    Some((at(&curves.0)?, at(&curves.1)?))
}

/// Share still following at each period's end, campaigns pooled, and organic.
#[allow(clippy::type_complexity)]
fn retention_curves(c: &Cohorts) -> (Vec<(f64, f64)>, Vec<(f64, f64)>) {
    let mut paid: Vec<(u64, u64)> = Vec::new();
    let mut organic: Vec<(u64, u64)> = Vec::new();
    for cohort in &c.cohorts {
        let into = if cohort.cohort.starts_with("campaign:") {
            &mut paid
        } else {
            &mut organic
        };
        for p in &cohort.retention {
            let k = p.period as usize;
            if into.len() <= k {
                into.resize(k + 1, (0, 0));
            }
            into[k].0 += p.observed;
            into[k].1 += p.following;
        }
    }
    let curve =
        |v: Vec<(u64, u64)>| {
            let mut out = vec![(0.0, 1.0)];
            out.extend(v.iter().enumerate().filter(|(_, (obs, _))| *obs > 0).map(
                |(k, (obs, fol))| {
                    (
                        (k + 1) as f64 * c.period_days as f64,
                        *fol as f64 / *obs as f64,
                    )
                },
            ));
            if out.len() == 1 { Vec::new() } else { out }
        };
    (curve(paid), curve(organic))
}

pub(crate) fn audience(months: &[AudienceMonth], l: Locale) -> Vec<Block> {
    let pts = |f: &dyn Fn(&AudienceMonth) -> u64| {
        months
            .iter()
            .map(|m| (day_number(m.month_end), f(m) as f64))
            .collect::<Vec<_>>()
    };
    let chart = LineChart::new(
        tr(l, "Audience par source", "Audience by source"),
        Axis::new(tr(l, "mois", "month"), ValueFormat::Month),
        Axis::new(
            tr(l, "abonnés", "followers"),
            ValueFormat::Number { decimals: 0 },
        ),
    )
    .series(LineSeries::new(
        tr(l, "total", "total"),
        pts(&|m| m.paid + m.organic),
    ))
    .series(LineSeries::new(
        tr(l, "organiques", "organic"),
        pts(&|m| m.organic),
    ))
    .series(LineSeries::new(
        tr(l, "venus des campagnes", "from campaigns"),
        pts(&|m| m.paid),
    ));
    vec![
        heading(tr(l, "L'audience au fil du temps", "Audience over time")),
        Block::Chart {
            svg: chart.to_svg(l),
            caption: tr(
                l,
                "Abonnés qui suivent encore à la fin de chaque mois, selon qu'ils sont arrivés pendant une campagne ou non.",
                "Followers still following at each month's end, by whether they arrived during a campaign or not.",
            ),
        },
    ]
}

pub(crate) fn retention(c: &Cohorts, l: Locale) -> Vec<Block> {
    let (paid, organic) = retention_curves(c);
    let mut chart = LineChart::new(
        tr(
            l,
            "Rétention : campagnes et organique",
            "Retention: campaigns and organic",
        ),
        Axis::new(
            tr(l, "jours après l'abonnement", "days after the follow"),
            ValueFormat::Number { decimals: 0 },
        ),
        Axis::new(
            tr(l, "suivent encore", "still following"),
            ValueFormat::Percent { decimals: 0 },
        ),
    );
    chart = chart
        .series(LineSeries::new(tr(l, "campagnes", "campaigns"), paid))
        .series(LineSeries::new(tr(l, "organique", "organic"), organic));
    vec![
        heading(tr(l, "Qui reste ?", "Who stays?")),
        Block::Chart {
            svg: chart.to_svg(l),
            caption: tr(
                l,
                "Part des abonnés qui suivent encore, par ancienneté ; seuls comptent ceux arrivés assez tôt pour être observés à cet âge.",
                "Share of followers still following, by age; only those who arrived early enough to be observed at that age count.",
            ),
        },
    ]
}

pub(crate) fn cadence(input: &ReportInput, l: Locale) -> Vec<Block> {
    let mut chart = ScatterChart::new(
        tr(
            l,
            "Engagement par publication selon le rythme",
            "Engagement per post against cadence",
        ),
        Axis::new(
            tr(l, "publications par semaine", "posts per week"),
            ValueFormat::Number { decimals: 0 },
        ),
        Axis::new(
            tr(
                l,
                "engagement par post pour 1 000 abonnés",
                "engagement per post per 1,000 followers",
            ),
            ValueFormat::Number { decimals: 1 },
        ),
    );
    let mut notes = Vec::new();
    for ch in &input.cadence.channels {
        chart = chart.series(ScatterSeries::new(
            ch.channel.clone(),
            ch.curve
                .iter()
                .map(|p| (p.posts_per_week as f64, p.per_post_per_1000))
                .collect(),
        ));
        if let Some(s) = ch.saturation_posts_per_week {
            notes.push(match l {
                Locale::Fr => format!(
                    "{} : au-delà de {} publications par semaine, chaque publication rapporte moins.",
                    ch.channel, s
                ),
                Locale::En => format!(
                    "{}: beyond {} posts a week, each post earns less.",
                    ch.channel, s
                ),
            });
        }
    }
    let mut out = vec![
        heading(tr(
            l,
            "Publier plus, est-ce utile ?",
            "Does posting more help?",
        )),
        Block::Chart {
            svg: chart.to_svg(l),
            caption: tr(
                l,
                "Chaque point : les semaines avec ce nombre de publications, et l'engagement moyen par publication.",
                "Each point: the weeks with that many posts, and their mean engagement per post.",
            ),
        },
    ];
    if !notes.is_empty() {
        out.push(Block::Bullets(notes));
    }
    out
}

pub(crate) fn fake_engagement(input: &ReportInput, l: Locale) -> Vec<Block> {
    let mut out = vec![heading(tr(l, "Faux engagement", "Fake engagement"))];
    let Some(clean) = &input.engagement_without_suspicious else {
        out.push(Block::NotComputed {
            what: tr(
                l,
                "La part de l'engagement venant de comptes suspects (fermes à likes, abonnés achetés, pods, bots).",
                "The share of engagement from suspicious accounts (like farms, bought followers, pods, bots).",
            ),
            how: tr(
                l,
                "Lancez `levain fraud`, puis refaites le rapport.",
                "Run `levain fraud`, then make the report again.",
            ),
        });
        return out;
    };
    let e: &Engagement = &input.engagement;
    let paid = suspicious_share(&e.by_source.paid, &clean.by_source.paid);
    let organic = suspicious_share(&e.by_source.organic, &clean.by_source.organic);
    let kinds = vec![
        tr(l, "likes", "likes"),
        tr(l, "partages", "reshares"),
        tr(l, "réponses", "replies"),
        tr(l, "citations", "quotes"),
        tr(l, "tout", "all"),
    ];
    let chart = BarChart::new(
        tr(
            l,
            "Part venant de comptes suspects",
            "Share from suspicious accounts",
        ),
        kinds,
        Axis::new(tr(l, "part", "share"), ValueFormat::Percent { decimals: 1 }),
    )
    .series(BarSeries::new(
        tr(l, "publications payées", "paid posts"),
        paid.to_vec(),
    ))
    .series(BarSeries::new(
        tr(l, "publications organiques", "organic posts"),
        organic.to_vec(),
    ));
    out.push(Block::Chart {
        svg: chart.to_svg(l),
        caption: tr(
            l,
            "Part de chaque type d'engagement qui disparaît quand les comptes jugés suspects par `levain fraud` sont écartés.",
            "Share of each kind of engagement that goes away when the accounts `levain fraud` judged suspicious are left out.",
        ),
    });
    out
}

/// Top amplifiers, as `levain amplifiers` ranks them; `Err` says why
/// there are none.
pub fn amplifiers(list: Result<&[Amplifier], &str>, l: Locale) -> Vec<Block> {
    let mut out = vec![heading(tr(l, "Vos meilleurs relais", "Top amplifiers"))];
    let list = match list {
        Ok(list) if !list.is_empty() => list,
        Ok(_) => {
            out.push(Block::NotComputed {
                what: tr(
                    l,
                    "Les comptes qui diffusent le plus vos publications, et l'engagement qui passe par eux.",
                    "The accounts that spread your posts most, and the engagement that comes through them.",
                ),
                how: tr(
                    l,
                    "Personne n'a encore partagé ni cité vos publications sur la période.",
                    "Nobody reshared or quoted your posts in this period.",
                ),
            });
            return out;
        }
        Err(why) => {
            out.push(Block::NotComputed {
                what: tr(
                    l,
                    "Les comptes qui diffusent le plus vos publications, et l'engagement qui passe par eux.",
                    "The accounts that spread your posts most, and the engagement that comes through them.",
                ),
                how: why.to_owned(),
            });
            return out;
        }
    };
    let top = &list[..list.len().min(10)];
    let mut chart = BarChart::new(
        tr(
            l,
            "Partages de vos publications et engagement qu'ils ont apporté",
            "Reshares of your posts and the engagement they brought",
        ),
        top.iter().map(|a| a.name.clone()).collect(),
        Axis::new(
            tr(l, "nombre", "count"),
            ValueFormat::Number { decimals: 0 },
        ),
    )
    .series(BarSeries::new(
        tr(l, "partages", "reshares"),
        top.iter().map(|a| a.reshares as f64).collect(),
    ))
    .series(BarSeries::new(
        tr(l, "engagement via", "engagement via"),
        top.iter().map(|a| a.engagement_via as f64).collect(),
    ))
    .horizontal();
    chart.size.height = 120 + 36 * top.len() as u32;
    out.push(Block::Chart {
        svg: chart.to_svg(l),
        caption: tr(
            l,
            "Les dix meilleurs relais, classés par leur place dans le réseau de partages (PageRank personnalisé) et par ce que leurs partages apportent, pas par le simple nombre de partages.",
            "The ten best amplifiers, ranked by their place in the reshare network (personalised PageRank) and by what their reshares bring, not by the raw count of reshares.",
        ),
    });
    out.push(Block::Table(Table {
        header: vec![
            tr(l, "compte", "account"),
            tr(l, "score", "score"),
            tr(l, "partages", "reshares"),
            tr(l, "engagement via", "engagement via"),
            tr(l, "signalé", "flagged"),
        ],
        rows: top
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    l.number(a.score, 3),
                    l.integer(a.reshares as i64),
                    l.integer(a.engagement_via as i64),
                    if a.flagged {
                        tr(l, "oui, rétrogradé", "yes, demoted")
                    } else {
                        String::new()
                    },
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true, false],
    }));
    out
}

/// Venue gaps, topic × venue, as `levain venues` ranks them; `Err` says why
/// there are none.
pub fn venue_gaps(gaps: Result<&[VenueGap], &str>, l: Locale) -> Vec<Block> {
    let mut out = vec![heading(tr(l, "Où vous manquez", "Venue gaps"))];
    let what = tr(
        l,
        "Les sujets discutés dans un lieu (forum, sous-reddit, mot-dièse, blog) où vous êtes peu présent.",
        "Topics discussed in a venue (forum, subreddit, hashtag, blog) where you are rarely present.",
    );
    let gaps = match gaps {
        Ok(g) if !g.is_empty() => g,
        Ok(_) => {
            out.push(Block::NotComputed {
                what,
                how: tr(
                    l,
                    "Aucun sujet n'est assez discuté ailleurs : importez des forums ou des sous-reddits (levain import) ou définissez vos sujets (levain topic add).",
                    "No topic is discussed enough elsewhere: import forums or subreddits (levain import) or define your topics (levain topic add).",
                ),
            });
            return out;
        }
        Err(why) => {
            out.push(Block::NotComputed {
                what,
                how: why.to_owned(),
            });
            return out;
        }
    };
    // The heatmap shows the best cells' topics and venues, best first.
    let mut topics: Vec<String> = Vec::new();
    let mut venues: Vec<String> = Vec::new();
    for g in gaps {
        if !topics.contains(&g.topic) && topics.len() < 6 {
            topics.push(g.topic.clone());
        }
        if !venues.contains(&g.venue) && venues.len() < 8 {
            venues.push(g.venue.clone());
        }
    }
    let values = topics
        .iter()
        .map(|t| {
            venues
                .iter()
                .map(|v| {
                    gaps.iter()
                        .find(|g| &g.topic == t && &g.venue == v)
                        .map_or(f64::NAN, |g| g.opportunity)
                })
                .collect()
        })
        .collect();
    let mut chart = Heatmap::new(
        tr(
            l,
            "Opportunité par sujet et par lieu",
            "Opportunity by topic and venue",
        ),
        topics,
        venues,
        values,
        ValueFormat::Number { decimals: 1 },
    );
    chart.row_title = tr(l, "sujet", "topic");
    chart.column_title = tr(l, "lieu", "venue");
    out.push(Block::Chart {
        svg: chart.to_svg(l),
        caption: tr(
            l,
            "Plus la case est sombre, plus il y a de monde, plus la discussion grandit et moins elle est la vôtre : auteurs × √croissance × (1 − votre part de voix).",
            "The darker the cell, the more people, the faster the conversation grows and the less of it is yours: authors × √growth × (1 − your share of voice).",
        ),
    });
    out.push(Block::Table(Table {
        header: vec![
            tr(l, "sujet", "topic"),
            tr(l, "lieu", "venue"),
            tr(l, "auteurs", "authors"),
            tr(l, "votre part de voix", "your share of voice"),
            tr(l, "opportunité", "opportunity"),
        ],
        rows: gaps
            .iter()
            .take(10)
            .map(|g| {
                vec![
                    g.topic.clone(),
                    g.venue.clone(),
                    l.integer(g.authors as i64),
                    l.percent(g.share_of_voice, 0),
                    l.number(g.opportunity, 1),
                ]
            })
            .collect(),
        numeric: vec![false, false, true, true, true],
    }));
    out
}

pub(crate) fn projection(input: &ReportInput, l: Locale) -> Vec<Block> {
    let mut out = vec![heading(tr(l, "Projections", "Projections"))];
    let p = match &input.projection {
        Ok(p) => p,
        Err(why) => {
            out.push(Block::NotComputed {
                what: tr(
                    l,
                    "L'audience des mois à venir selon trois scénarios de budget.",
                    "The audience in the months ahead under three budget scenarios.",
                ),
                how: why.clone(),
            });
            return out;
        }
    };
    let mut chart = LineChart::new(
        tr(
            l,
            "Audience projetée selon le scénario",
            "Projected audience by scenario",
        ),
        Axis::new(tr(l, "mois", "month"), ValueFormat::Month),
        Axis::new(
            tr(l, "abonnés", "followers"),
            ValueFormat::Number { decimals: 0 },
        ),
    );
    chart.y_from_zero = false;
    for s in &p.scenarios {
        let months: Vec<(f64, &levain_analytics::project::Month)> = s
            .months
            .iter()
            .filter_map(|m| Some((day_number(date_of(&m.at)?), m)))
            .collect();
        chart = chart.series(
            LineSeries::new(
                scenario_name(l, s.scenario),
                months.iter().map(|(x, m)| (*x, m.audience.value)).collect(),
            )
            .with_band(
                months
                    .iter()
                    .map(|(x, m)| BandPoint {
                        x: *x,
                        low: m.audience.low,
                        high: m.audience.high,
                    })
                    .collect(),
            ),
        );
    }
    out.push(Block::Chart {
        svg: chart.to_svg(l),
        caption: tr(
            l,
            "Ligne : projection centrale ; zone claire : 80 % des rééchantillonnages (10e–90e centiles).",
            "Line: central projection; light area: 80% of resamples (10th–90th percentiles).",
        ),
    });
    let marks: Vec<u32> = [12, 24, 36, p.horizon_months]
        .into_iter()
        .filter(|&m| m <= p.horizon_months)
        .fold(Vec::new(), |mut v, m| {
            if !v.contains(&m) {
                v.push(m);
            }
            v
        });
    let mut header = vec![tr(l, "scénario", "scenario")];
    header.extend(marks.iter().map(|m| match l {
        Locale::Fr => format!("dans {m} mois"),
        Locale::En => format!("in {m} months"),
    }));
    let rows = p
        .scenarios
        .iter()
        .map(|s| {
            let mut row = vec![scenario_name(l, s.scenario)];
            for m in &marks {
                row.push(match s.months.iter().find(|x| x.month == *m) {
                    Some(x) => format!(
                        "{} ({}–{})",
                        l.integer(x.audience.value.round() as i64),
                        l.integer(x.audience.low.round() as i64),
                        l.integer(x.audience.high.round() as i64)
                    ),
                    None => "–".to_owned(),
                });
            }
            row
        })
        .collect();
    let n = marks.len();
    out.push(Block::Table(Table {
        header,
        rows,
        numeric: std::iter::once(false)
            .chain(std::iter::repeat_n(true, n))
            .collect(),
    }));
    for note in &p.notes {
        out.push(Block::Paragraph(note.clone()));
    }
    out
}

pub(crate) fn roi_table(roi: &Roi, l: Locale) -> Vec<Block> {
    let money = |x: Option<f64>| x.map_or("–".to_owned(), |x| l.money(x, &roi.currency, 2));
    let kept = |s: &Source, days: u32| {
        s.retained
            .iter()
            .find(|r| r.days == days)
            .and_then(|r| r.estimated)
            .map_or("–".to_owned(), |e| l.integer(e.round() as i64))
    };
    let cpr = |s: &Source, days: u32| {
        money(
            s.retained
                .iter()
                .find(|r| r.days == days)
                .and_then(|r| r.cost_per_retained),
        )
    };
    let rows = roi
        .sources
        .iter()
        .map(|s| {
            vec![
                source_name(l, &s.source),
                money(s.spend),
                l.integer(s.followers_acquired as i64),
                kept(s, 90),
                cpr(s, 90),
                kept(s, 365),
                cpr(s, 365),
                l.integer(s.conversions.count as i64),
            ]
        })
        .collect();
    vec![
        heading(tr(l, "Ce que l'argent a acheté", "What the money bought")),
        Block::Table(Table {
            header: vec![
                tr(l, "source", "source"),
                tr(l, "dépense", "spend"),
                tr(l, "abonnés", "followers"),
                tr(l, "gardés 90 j", "kept 90 d"),
                tr(l, "coût / gardé 90 j", "cost / kept 90 d"),
                tr(l, "gardés 365 j", "kept 365 d"),
                tr(l, "coût / gardé 365 j", "cost / kept 365 d"),
                tr(l, "conversions", "conversions"),
            ],
            rows,
            numeric: vec![false, true, true, true, true, true, true, true],
        }),
    ]
}

pub(crate) fn method(input: &ReportInput, l: Locale) -> Vec<Block> {
    let organic_cost = match organic(&input.roi).and_then(|o| o.spend) {
        Some(c) => match l {
            Locale::Fr => format!(
                "Le travail organique est chiffré à {} : taux horaire × heures par semaine × semaines de la période (`levain config`), ou les mois du fichier de coûts importé.",
                l.money(c, &input.roi.currency, 2)
            ),
            Locale::En => format!(
                "Organic work is costed at {}: hourly rate × hours per week × weeks of the period (`levain config`), or the months of an imported costs file.",
                l.money(c, &input.roi.currency, 2)
            ),
        },
        None => tr(
            l,
            "Le travail organique n'est pas chiffré : `levain config set hourly_cost 40` et `levain config set hours_per_week 6`, ou importez un fichier de coûts.",
            "Organic work is not costed: `levain config set hourly_cost 40` and `levain config set hours_per_week 6`, or import a costs file.",
        ),
    };
    let items = match l {
        Locale::Fr => vec![
            "Abonnés d'une campagne : ceux dont le premier abonnement tombe dans la fenêtre d'une campagne sur le même réseau ; les autres sont organiques.".to_owned(),
            "Gardés à 30, 90 et 365 jours : parmi les abonnés arrivés assez tôt pour être observés à cet âge, la part qui suit encore, appliquée à tous les abonnés de la source (estimation).".to_owned(),
            "Coût par abonné gardé : dépense ÷ abonnés gardés estimés ; par abonné : dépense ÷ abonnés acquis.".to_owned(),
            "Publication payée : une campagne la promeut, ou elle est publiée pendant une campagne sur son réseau ; les autres sont organiques.".to_owned(),
            "Conversions : attribuées à la campagne nommée, sinon à son utm_campaign, sinon à l'organique si les balises UTM désignent un réseau social sans support payant, sinon à la campagne en cours sur le canal.".to_owned(),
            "Faux engagement : part de l'engagement qui disparaît quand on écarte les comptes jugés suspects par `levain fraud` (six détecteurs, chacun comparé au hasard).".to_owned(),
            "Projections : courbes de survie de Kaplan–Meier par classe (payé, organique), acquisitions organiques au rythme des six derniers mois, payées au rendement par euro dépensé ; bandes : 10e–90e centiles sur 200 rééchantillonnages des cohortes.".to_owned(),
            "Rythme : engagement par publication pour 1 000 abonnés, semaine par semaine, regroupé par nombre de publications de la semaine.".to_owned(),
            organic_cost,
            "Dates en heure UTC ; montants dans la devise des campagnes, jamais convertis.".to_owned(),
        ],
        Locale::En => vec![
            "Followers from a campaign: those whose first follow falls inside a campaign window on the same channel; the others are organic.".to_owned(),
            "Kept at 30, 90 and 365 days: among followers who arrived early enough to be observed at that age, the share still following, applied to all the source's followers (an estimate).".to_owned(),
            "Cost per follower kept: spend ÷ estimated followers kept; per follower: spend ÷ followers acquired.".to_owned(),
            format!("Paid posts: {}.", levain_analytics::engagement::PAID_RULE),
            format!("Conversions: {}.", input.roi.attribution),
            "Fake engagement: the share of engagement that goes away when accounts judged suspicious by `levain fraud` are left out (six detectors, each against its own null model).".to_owned(),
            format!("Projections: {}.", levain_analytics::project::METHOD),
            "Cadence: engagement per post per 1,000 followers, week by week, grouped by the week's number of posts.".to_owned(),
            organic_cost,
            "Dates in UTC; amounts in the campaigns' currency, never converted.".to_owned(),
        ],
    };
    vec![
        heading(tr(l, "Annexe : méthode", "Appendix: method")),
        Block::Bullets(items),
    ]
}
