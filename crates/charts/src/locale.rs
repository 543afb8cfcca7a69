//! Numbers, money, percentages and dates as a French or English reader
//! expects them.
//!
//! French: thousands separated by U+202F (narrow no-break space), decimal
//! comma, `12,5 %` and `1 234,56 €` with U+00A0 (no-break space) before the
//! sign, dates `25 nov. 2026`. English: `1,234.56`, `12.5%`, `€1,234.56`
//! (symbol first; a code such as `CHF` is followed by a space), dates
//! `Nov 25, 2026`.

use chrono::{Datelike, NaiveDate};

/// Narrow no-break space: French thousands separator.
pub const NNBSP: char = '\u{202F}';
/// No-break space: before a French unit or currency sign.
pub const NBSP: char = '\u{00A0}';

/// The reader's language and conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    Fr,
    En,
}

/// How the values of an axis or a cell are written.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueFormat {
    /// A number with this many decimals.
    Number { decimals: usize },
    /// A share in 0..=1 written as a percentage with this many decimals.
    Percent { decimals: usize },
    /// An amount in a currency (ISO code such as `EUR`, or a sign).
    Money { currency: String, decimals: usize },
    /// Days since 1970-01-01 (see [`day_number`]) written as a date.
    Date,
    /// Days since 1970-01-01 written as a month (`nov. 2026`).
    Month,
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!("1970-01-01 is a date"),
};

/// A date as a number of days since 1970-01-01: the x of date charts.
pub fn day_number(date: NaiveDate) -> f64 {
    (date - EPOCH).num_days() as f64
}

/// The date `days` (rounded) after 1970-01-01.
pub fn from_day_number(days: f64) -> NaiveDate {
    EPOCH + chrono::Duration::days(days.round() as i64)
}

const MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Locale {
    /// Parses `fr` or `en` (any case, `fr-FR`, `en_GB` accepted).
    pub fn parse(tag: &str) -> Option<Locale> {
        let lang = tag.get(..2)?.to_ascii_lowercase();
        match lang.as_str() {
            "fr" => Some(Locale::Fr),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The two-letter code, as in HTML's `lang`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// `x` with `decimals` decimals and grouped thousands. Not finite → `–`.
    pub fn number(self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return "–".to_string();
        }
        let fixed = format!("{:.*}", decimals, x.abs());
        let (int, frac) = match fixed.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (fixed.as_str(), None),
        };
        let (group, point) = match self {
            Locale::Fr => (NNBSP, ','),
            Locale::En => (',', '.'),
        };
        let mut out = String::new();
        // "-0" after rounding is written "0".
        if x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('−');
        }
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(group);
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push(point);
            out.push_str(f);
        }
        out
    }

    /// A whole number with grouped thousands.
    pub fn integer(self, x: i64) -> String {
        self.number(x as f64, 0)
    }

    /// A share in 0..=1 as a percentage: `12,5 %` / `12.5%`.
    pub fn percent(self, share: f64, decimals: usize) -> String {
        if !share.is_finite() {
            return "–".to_string();
        }
        let n = self.number(share * 100.0, decimals);
        match self {
            Locale::Fr => format!("{n}{NBSP}%"),
            Locale::En => format!("{n}%"),
        }
    }

    /// An amount: `1 234,56 €` / `€1,234.56`. `currency` is an ISO code
    /// (`EUR`, `USD`, `GBP` get their sign) or anything else written as is.
    pub fn money(self, amount: f64, currency: &str, decimals: usize) -> String {
        if !amount.is_finite() {
            return "–".to_string();
        }
        let sign = match currency.to_ascii_uppercase().as_str() {
            "EUR" => "€".to_string(),
            "USD" => "$".to_string(),
            "GBP" => "£".to_string(),
            _ => currency.to_string(),
        };
        let n = self.number(amount.abs(), decimals);
        let minus = if amount < 0.0 && n.chars().any(|c| c.is_ascii_digit() && c != '0') {
            "−"
        } else {
            ""
        };
        match self {
            Locale::Fr => format!("{minus}{n}{NBSP}{sign}"),
            Locale::En if sign.chars().count() == 1 => format!("{minus}{sign}{n}"),
            Locale::En => format!("{minus}{sign}{NBSP}{n}"),
        }
    }

    /// A date: `25 nov. 2026` / `Nov 25, 2026`.
    pub fn date(self, d: NaiveDate) -> String {
        let m = d.month0() as usize;
        match self {
            Locale::Fr => format!("{}{NBSP}{}{NBSP}{}", d.day(), MONTHS_FR[m], d.year()),
            Locale::En => format!("{}{NBSP}{}, {}", MONTHS_EN[m], d.day(), d.year()),
        }
    }

    /// A month: `nov. 2026` / `Nov 2026`.
    pub fn month(self, d: NaiveDate) -> String {
        let m = d.month0() as usize;
        match self {
            Locale::Fr => format!("{}{NBSP}{}", MONTHS_FR[m], d.year()),
            Locale::En => format!("{}{NBSP}{}", MONTHS_EN[m], d.year()),
        }
    }

    /// A value written as `format` says.
    pub fn format(self, x: f64, format: &ValueFormat) -> String {
        match format {
            ValueFormat::Number { decimals } => self.number(x, *decimals),
            ValueFormat::Percent { decimals } => self.percent(x, *decimals),
            ValueFormat::Money { currency, decimals } => self.money(x, currency, *decimals),
            ValueFormat::Date => self.date(from_day_number(x)),
            ValueFormat::Month => self.month(from_day_number(x)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers_money_and_dates() {
        let fr = Locale::Fr;
        assert_eq!(fr.number(1234.56, 2), "1\u{202F}234,56");
        assert_eq!(fr.money(1234.56, "EUR", 2), "1\u{202F}234,56\u{00A0}€");
        assert_eq!(fr.number(1_234_567.0, 0), "1\u{202F}234\u{202F}567");
        assert_eq!(fr.percent(0.125, 1), "12,5\u{00A0}%");
        assert_eq!(fr.number(-0.001, 1), "0,0");
        assert_eq!(fr.number(-12.0, 0), "−12");
        let d = NaiveDate::from_ymd_opt(2026, 2, 3).unwrap();
        assert_eq!(fr.date(d), "3\u{00A0}févr.\u{00A0}2026");
        assert_eq!(fr.month(d), "févr.\u{00A0}2026");
    }

    #[test]
    fn english_numbers_money_and_dates() {
        let en = Locale::En;
        assert_eq!(en.number(1234.56, 2), "1,234.56");
        assert_eq!(en.money(1234.56, "EUR", 2), "€1,234.56");
        assert_eq!(en.money(-5.0, "CHF", 0), "−CHF\u{00A0}5");
        assert_eq!(en.number(999.0, 0), "999");
        assert_eq!(en.number(1000.0, 0), "1,000");
        assert_eq!(en.percent(0.5, 0), "50%");
        assert_eq!(en.number(f64::NAN, 0), "–");
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(en.date(d), "Nov\u{00A0}25, 2026");
    }

    #[test]
    fn day_numbers_round_trip() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(from_day_number(day_number(d)), d);
        assert_eq!(day_number(EPOCH), 0.0);
        assert_eq!(Locale::parse("fr-FR"), Some(Locale::Fr));
        assert_eq!(Locale::parse("EN"), Some(Locale::En));
        assert_eq!(Locale::parse("de"), None);
    }
}
