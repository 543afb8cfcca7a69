//! Campaign spend and conversion CSV files.
//!
//! `campaigns`: `channel,name,start,end,spend,currency[,promoted_posts]`.
//! `start`/`end` are RFC 3339 datetimes or dates; a date-only `end` includes
//! that whole day. `promoted_posts` lists post ids, `at://` URIs or
//! bsky.app post URLs, separated by spaces, `;` or `|`.
//!
//! `conversions`: `at,value,currency,channel,campaign,utm_source,utm_medium,utm_campaign`
//! (only `at`, `value` and `currency` are required).
//!
//! `organic-costs`: `start,end,hours[,cost,currency,channel,note]`, the
//! organic work done in each period (a timesheet by week or month, an
//! invoice): its hours, its cost, or both (a row needs one of them).

use std::collections::HashMap;

use chrono::{NaiveDate, TimeZone, Utc};
use levain_model::keys::Key;
use levain_model::rows::{CampaignRow, ConversionRow, OrganicCostRow};

use crate::{ImportError, InputFile, Parsed, Reject, Sink, Source};

pub struct Campaigns;
pub struct Conversions;
pub struct OrganicCosts;

const CAMPAIGN_COLUMNS: &[&str] = &["channel", "name", "start", "end", "spend", "currency"];
const CONVERSION_COLUMNS: &[&str] = &["at", "value", "currency"];
const ORGANIC_COLUMNS: &[&str] = &["start", "end", "hours"];

fn header(head: &[u8]) -> Vec<String> {
    // JSON and XML documents (sniffed against every format, often minified
    // on one long line) are no CSV: not worth splitting.
    if matches!(crate::input::first_byte(head), Some(b'{' | b'[' | b'<')) {
        return Vec::new();
    }
    let first = &head[..memchr::memchr(b'\n', head).unwrap_or(head.len())];
    String::from_utf8_lossy(first)
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect()
}

fn has_columns(head: &[u8], cols: &[&str]) -> bool {
    let h = header(head);
    cols.iter().all(|c| h.iter().any(|x| x == c))
}

/// A datetime or a date; `end_of_day` moves a bare date to the next midnight.
fn parse_when(s: &str, end_of_day: bool) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_micros());
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    let d = if end_of_day { d.succ_opt()? } else { d };
    Some(
        Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?)
            .timestamp_micros(),
    )
}

/// Turns a post reference into levain's post id.
pub fn normalize_post_ref(r: &str) -> String {
    let r = r.trim();
    if let Some(rest) = r.strip_prefix("https://bsky.app/profile/")
        && let Some((actor, rkey)) = rest.split_once("/post/")
    {
        return format!("bluesky:at://{actor}/app.bsky.feed.post/{rkey}");
    }
    if r.starts_with("at://") {
        return format!("bluesky:{r}");
    }
    r.to_owned()
}

struct Columns(HashMap<String, usize>);

impl Columns {
    fn new(
        file: &InputFile,
        headers: &csv::StringRecord,
        required: &[&str],
        expected: &str,
    ) -> Result<Columns, ImportError> {
        let map: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase(),
                    i,
                )
            })
            .collect();
        for r in required {
            if !map.contains_key(*r) {
                return Err(file.error(format!(
                    "missing column `{r}` in the header (expected {expected})"
                )));
            }
        }
        Ok(Columns(map))
    }

    fn get<'r>(&self, rec: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        let v = rec.get(*self.0.get(name)?)?.trim();
        (!v.is_empty()).then_some(v)
    }
}

fn read_csv(
    file: &InputFile,
    sink: &mut dyn Sink,
    required: &[&str],
    expected: &str,
    mut row: impl FnMut(&Columns, &csv::StringRecord, u64, &mut Parsed) -> Result<(), Reject>,
) -> Result<(), ImportError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(file.reader()?);
    let headers = rdr
        .headers()
        .map_err(|e| file.error(format!("cannot read the CSV header: {e}")))?
        .clone();
    let cols = Columns::new(file, &headers, required, expected)?;
    let mut parsed = Parsed::default();
    let mut rec = csv::StringRecord::new();
    let mut last_offset = 0;
    loop {
        let pos = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                parsed.records += 1;
                if let Err(r) = row(&cols, &rec, pos, &mut parsed) {
                    parsed.rejects.push(r);
                }
            }
            Err(e) => {
                parsed.records += 1;
                let raw = e.to_string();
                parsed.rejects.push(Reject::new(
                    pos,
                    "malformed CSV",
                    raw.clone(),
                    raw.as_bytes(),
                ));
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ) {
                    break;
                }
            }
        }
        let offset = rdr.position().byte();
        parsed.bytes += offset - last_offset;
        last_offset = offset;
        if parsed.records >= 65_536 {
            sink.accept(std::mem::take(&mut parsed))?;
        }
    }
    sink.accept(parsed)
}

fn raw_of(rec: &csv::StringRecord) -> String {
    rec.iter().collect::<Vec<_>>().join(",")
}

fn bad(pos: u64, rec: &csv::StringRecord, detail: String) -> Reject {
    Reject::new(pos, "invalid field", detail, raw_of(rec).as_bytes())
}

fn required<'r>(
    cols: &Columns,
    rec: &'r csv::StringRecord,
    name: &str,
    pos: u64,
) -> Result<&'r str, Reject> {
    cols.get(rec, name)
        .ok_or_else(|| bad(pos, rec, format!("`{name}` is empty")))
}

fn number(cols: &Columns, rec: &csv::StringRecord, name: &str, pos: u64) -> Result<f64, Reject> {
    let v = required(cols, rec, name, pos)?;
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| {
            bad(
                pos,
                rec,
                format!("`{name}` is `{v}`, expected a number such as 1250.50"),
            )
        })
}

fn optional_number(
    cols: &Columns,
    rec: &csv::StringRecord,
    name: &str,
    pos: u64,
) -> Result<Option<f64>, Reject> {
    match cols.get(rec, name) {
        None => Ok(None),
        Some(_) => number(cols, rec, name, pos).map(Some),
    }
}

fn when(
    cols: &Columns,
    rec: &csv::StringRecord,
    name: &str,
    pos: u64,
    end: bool,
) -> Result<i64, Reject> {
    let v = required(cols, rec, name, pos)?;
    parse_when(v, end).ok_or_else(|| {
        bad(
            pos,
            rec,
            format!("`{name}` is `{v}`, expected a date (2025-03-01) or an RFC 3339 datetime"),
        )
    })
}

impl Source for Campaigns {
    fn name(&self) -> &'static str {
        "campaigns"
    }

    fn describe(&self) -> &'static str {
        "campaign spend CSV (channel,name,start,end,spend,currency[,promoted_posts])"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        has_columns(head, CAMPAIGN_COLUMNS)
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read_csv(
            file,
            sink,
            CAMPAIGN_COLUMNS,
            "channel,name,start,end,spend,currency[,promoted_posts]",
            |cols, rec, pos, out| {
                let channel = required(cols, rec, "channel", pos)?;
                let name = required(cols, rec, "name", pos)?;
                let start = when(cols, rec, "start", pos, false)?;
                let end = when(cols, rec, "end", pos, true)?;
                if end <= start {
                    return Err(bad(pos, rec, "`end` is not after `start`".into()));
                }
                let spend = number(cols, rec, "spend", pos)?;
                let currency = required(cols, rec, "currency", pos)?;
                let promoted: Vec<String> = cols
                    .get(rec, "promoted_posts")
                    .map(|p| {
                        p.split([' ', ';', '|'])
                            .filter(|s| !s.trim().is_empty())
                            .map(normalize_post_ref)
                            .collect()
                    })
                    .unwrap_or_default();
                let refs: Vec<&str> = promoted.iter().map(String::as_str).collect();
                let key = Key::of(&[
                    channel,
                    name,
                    &start.to_string(),
                    &end.to_string(),
                    &spend.to_string(),
                    currency,
                    &promoted.join(" "),
                ]);
                out.rows.campaigns.push(
                    &CampaignRow {
                        channel,
                        name,
                        start,
                        end,
                        spend,
                        currency,
                        promoted_posts: &refs,
                    },
                    key,
                    true,
                    pos,
                );
                Ok(())
            },
        )
    }
}

impl Source for Conversions {
    fn name(&self) -> &'static str {
        "conversions"
    }

    fn describe(&self) -> &'static str {
        "conversions CSV (at,value,currency,channel,campaign,utm_source,utm_medium,utm_campaign)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        has_columns(head, CONVERSION_COLUMNS) && !has_columns(head, CAMPAIGN_COLUMNS)
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read_csv(
            file,
            sink,
            CONVERSION_COLUMNS,
            "at,value,currency,channel,campaign,utm_source,utm_medium,utm_campaign",
            |cols, rec, pos, out| {
                let at = when(cols, rec, "at", pos, false)?;
                let value = number(cols, rec, "value", pos)?;
                let currency = required(cols, rec, "currency", pos)?;
                let opt = |n: &str| cols.get(rec, n);
                let row = ConversionRow {
                    at,
                    value,
                    currency,
                    channel: opt("channel"),
                    campaign: opt("campaign"),
                    utm_source: opt("utm_source"),
                    utm_medium: opt("utm_medium"),
                    utm_campaign: opt("utm_campaign"),
                };
                let key = Key::of(&[
                    &at.to_string(),
                    &value.to_string(),
                    currency,
                    row.channel.unwrap_or(""),
                    row.campaign.unwrap_or(""),
                    row.utm_source.unwrap_or(""),
                    row.utm_medium.unwrap_or(""),
                    row.utm_campaign.unwrap_or(""),
                ]);
                out.rows.conversions.push(&row, key, true, pos);
                Ok(())
            },
        )
    }
}

impl Source for OrganicCosts {
    fn name(&self) -> &'static str {
        "organic-costs"
    }

    fn describe(&self) -> &'static str {
        "organic work CSV (start,end,hours[,cost,currency,channel,note]): hours and/or cost per period"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        has_columns(head, ORGANIC_COLUMNS) && !has_columns(head, &["spend"])
    }

    fn read(&self, file: &InputFile, sink: &mut dyn Sink) -> Result<(), ImportError> {
        read_csv(
            file,
            sink,
            ORGANIC_COLUMNS,
            "start,end,hours[,cost,currency,channel,note]",
            |cols, rec, pos, out| {
                let start = when(cols, rec, "start", pos, false)?;
                let end = when(cols, rec, "end", pos, true)?;
                if end <= start {
                    return Err(bad(pos, rec, "`end` is not after `start`".into()));
                }
                let hours = optional_number(cols, rec, "hours", pos)?;
                let cost = optional_number(cols, rec, "cost", pos)?;
                if hours.is_none() && cost.is_none() {
                    return Err(bad(
                        pos,
                        rec,
                        "both `hours` and `cost` are empty: give the hours worked, their cost, or both"
                            .into(),
                    ));
                }
                if hours.is_some_and(|h| h < 0.0) || cost.is_some_and(|c| c < 0.0) {
                    return Err(bad(
                        pos,
                        rec,
                        "`hours` and `cost` cannot be negative".into(),
                    ));
                }
                let currency = cols.get(rec, "currency");
                if cost.is_some() && currency.is_none() {
                    return Err(bad(
                        pos,
                        rec,
                        "`cost` is given without a `currency` (EUR, USD…)".into(),
                    ));
                }
                let row = OrganicCostRow {
                    start,
                    end,
                    hours,
                    cost,
                    currency,
                    channel: cols.get(rec, "channel"),
                    note: cols.get(rec, "note"),
                };
                let key = Key::of(&[
                    &start.to_string(),
                    &end.to_string(),
                    &hours.map(|h| h.to_string()).unwrap_or_default(),
                    &cost.map(|c| c.to_string()).unwrap_or_default(),
                    currency.unwrap_or(""),
                    row.channel.unwrap_or(""),
                    row.note.unwrap_or(""),
                ]);
                out.rows.organic_costs.push(&row, key, true, pos);
                Ok(())
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_datetimes_parse_and_a_bare_end_date_covers_its_day() {
        let start = parse_when("2025-03-01", false).unwrap();
        let end = parse_when("2025-03-01", true).unwrap();
        assert_eq!(end - start, 86_400_000_000);
        assert_eq!(parse_when("2025-03-01T00:00:00Z", false), Some(start));
        assert_eq!(parse_when("March 1st", false), None);
    }

    #[test]
    fn post_references_normalise_to_post_ids() {
        let id = "bluesky:at://did:plc:a/app.bsky.feed.post/3k";
        assert_eq!(
            normalize_post_ref("https://bsky.app/profile/did:plc:a/post/3k"),
            id
        );
        assert_eq!(
            normalize_post_ref("at://did:plc:a/app.bsky.feed.post/3k"),
            id
        );
        assert_eq!(normalize_post_ref(id), id);
    }

    #[test]
    fn sniffing_tells_campaigns_from_conversions() {
        let c = b"channel,name,start,end,spend,currency\nbluesky,a,2025-01-01,2025-01-02,10,EUR\n";
        let v = b"at,value,currency,channel\n2025-01-01,10,EUR,bluesky\n";
        assert!(Campaigns.sniff(c) && !Conversions.sniff(c));
        assert!(Conversions.sniff(v) && !Campaigns.sniff(v));
        let o = b"start,end,hours,cost,currency\n2025-01-01,2025-01-31,20,,\n";
        assert!(OrganicCosts.sniff(o) && !Campaigns.sniff(o) && !Conversions.sniff(o));
        assert!(!OrganicCosts.sniff(c) && !OrganicCosts.sniff(v));
    }
}
