//! Dates and times in the words and order of each language, with the
//! patterns and month names taken from the catalogues (`format.*`), so a new
//! language brings its own. Dates stay ISO (`2026-12-02`) on the wire, in
//! the database and in date inputs; only what is shown is formatted here.

use super::{td_string, Locale};
use crate::domain::date::Date;

/// A calendar date: `2 December 2026`, `2026年12月2日`.
pub fn date(l: Locale, d: Date) -> String {
    td_string!(
        l,
        format.date,
        day = d.day,
        month = month_name(l, d.month),
        year = d.year
    )
    .to_string()
}

/// An ISO date as typed or stored (`2026-12-02`), formatted; anything else
/// (an empty or half-typed value) is shown as it is.
pub fn iso_date(l: Locale, iso: &str) -> String {
    match Date::parse(iso) {
        Some(d) => date(l, d),
        None => iso.to_string(),
    }
}

/// An instant (Unix seconds) with its UTC time of day:
/// `2 December 2026, 14:05 UTC`, `2026年12月2日 14:05（UTC）`.
pub fn date_time(l: Locale, unix_seconds: i64) -> String {
    let day = Date::from_unix(unix_seconds);
    let secs = unix_seconds.rem_euclid(86_400);
    let time = format!("{:02}:{:02}", secs / 3600, (secs % 3600) / 60);
    td_string!(l, format.date_time, date = date(l, day), time = time).to_string()
}

fn month_name(l: Locale, month: u8) -> &'static str {
    match month {
        1 => td_string!(l, format.months.january),
        2 => td_string!(l, format.months.february),
        3 => td_string!(l, format.months.march),
        4 => td_string!(l, format.months.april),
        5 => td_string!(l, format.months.may),
        6 => td_string!(l, format.months.june),
        7 => td_string!(l, format.months.july),
        8 => td_string!(l, format.months.august),
        9 => td_string!(l, format.months.september),
        10 => td_string!(l, format.months.october),
        11 => td_string!(l, format.months.november),
        _ => td_string!(l, format.months.december),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_each_language() {
        let d = Date::parse("2026-12-02").unwrap();
        assert_eq!(date(Locale::en, d), "2 December 2026");
        assert_eq!(date(Locale::zh_Hans, d), "2026年12月2日");
    }

    #[test]
    fn instants_carry_their_utc_time() {
        // 2025-10-01 00:00 UTC and 2000-02-29 12:00 UTC.
        assert_eq!(
            date_time(Locale::en, 1_759_276_800),
            "1 October 2025, 00:00 UTC"
        );
        assert_eq!(
            date_time(Locale::zh_Hans, 951_825_600),
            "2000年2月29日 12:00（UTC）"
        );
    }

    #[test]
    fn a_value_that_is_not_a_date_is_shown_as_typed() {
        assert_eq!(iso_date(Locale::zh_Hans, "2026-13"), "2026-13");
        assert_eq!(iso_date(Locale::zh_Hans, "2026-03-09"), "2026年3月9日");
    }
}
