//! Calendar dates as people type them (`YYYY-MM-DD`), without a clock.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A Gregorian calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, refusing impossible dates such as 2025-02-30.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        (date.month >= 1
            && date.month <= 12
            && date.day >= 1
            && date.day <= days_in_month(date.year, date.month))
        .then_some(date)
    }

    /// The date of Unix seconds, in UTC.
    pub fn from_unix(secs: i64) -> Date {
        let formatted = super::time::format_utc(secs);
        Date::parse(&formatted[..10]).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }

    /// Whole years from `self` (a birthday) to `on`; the birthday counts on its day.
    pub fn years_until(self, on: Date) -> i32 {
        let mut years = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_and_refuses_impossible_ones() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-04-31",
            "25-01-01",
            "2025-1-01",
            "",
            "2025-01-01-01",
            "abcd-ef-gh",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn age_counts_the_birthday_on_its_day() {
        let born = Date::parse("1990-06-15").unwrap();
        assert_eq!(born.years_until(Date::parse("2025-06-14").unwrap()), 34);
        assert_eq!(born.years_until(Date::parse("2025-06-15").unwrap()), 35);
    }

    #[test]
    fn unix_seconds_become_utc_dates() {
        assert_eq!(Date::from_unix(1_759_276_800).to_string(), "2025-10-01");
    }
}
