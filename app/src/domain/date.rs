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

    /// Days since 1970-01-01 (negative before), for spans between dates.
    pub fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date of a [`Date::day_number`].
    pub fn from_day_number(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The same day `years` later (28 February for 29 February in a common year).
    pub fn add_years(self, years: i32) -> Date {
        let year = self.year + years;
        Date {
            year,
            month: self.month,
            day: self.day.min(days_in_month(year, self.month)),
        }
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
    fn day_numbers_count_from_the_unix_epoch() {
        assert_eq!(Date::parse("1970-01-01").unwrap().day_number(), 0);
        assert_eq!(
            Date::parse("2025-10-01").unwrap().day_number(),
            1_759_276_800 / 86_400
        );
        assert_eq!(Date::parse("1969-12-31").unwrap().day_number(), -1);
        for text in ["1969-12-31", "2000-02-29", "2024-03-01", "2026-11-24"] {
            let date = Date::parse(text).unwrap();
            assert_eq!(Date::from_day_number(date.day_number()), date);
        }
        assert_eq!(
            Date::parse("2024-02-29").unwrap().add_years(1).to_string(),
            "2025-02-28"
        );
    }

    #[test]
    fn unix_seconds_become_utc_dates() {
        assert_eq!(Date::from_unix(1_759_276_800).to_string(), "2025-10-01");
    }
}
