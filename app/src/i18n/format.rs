//! Dates, times and money in the words and order of each language, with the
//! patterns and month names taken from the catalogues (`format.*`), so a new
//! language brings its own. Dates stay ISO (`2026-12-02`) on the wire, in
//! the database and in date inputs; only what is shown is formatted here.

use super::{td_string, Locale};
use crate::domain::date::Date;
use crate::eligibility::Money;

/// A file size: `812 bytes`, `812 字节`; larger sizes in KB, MB and GB,
/// which both languages write alike.
pub fn bytes(l: Locale, n: u64) -> String {
    if n < 1024 {
        td_string!(l, format.bytes, n = n).to_string()
    } else {
        crate::domain::document::format_bytes(n)
    }
}

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

/// An amount of money in the language's way: `CN¥450,000.00` in English,
/// `¥450,000.00` in Chinese; a currency without a symbol in the catalogue
/// keeps its code (`GBP 1,000.00`, `1,000.00 GBP`).
pub fn money(l: Locale, m: &Money) -> String {
    let amount = group_cents(
        m.cents,
        td_string!(l, format.group),
        td_string!(l, format.decimal),
    );
    match currency_symbol(l, &m.currency) {
        Some(symbol) => td_string!(l, format.money, symbol = symbol, amount = amount).to_string(),
        None => td_string!(
            l,
            format.money_code,
            currency = m.currency.clone(),
            amount = amount
        )
        .to_string(),
    }
}

fn currency_symbol(l: Locale, code: &str) -> Option<&'static str> {
    match code {
        "CNY" => Some(td_string!(l, format.currency_symbols.cny)),
        "EUR" => Some(td_string!(l, format.currency_symbols.eur)),
        "USD" => Some(td_string!(l, format.currency_symbols.usd)),
        _ => None,
    }
}

/// `cents` as whole units in groups of three and two decimals.
fn group_cents(cents: i64, group: &str, decimal: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut out = String::with_capacity(whole.len() + 8);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(c);
    }
    format!("{out}{decimal}{:02}", cents % 100)
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
    fn small_file_sizes_name_their_unit_in_each_language() {
        assert_eq!(bytes(Locale::en, 812), "812 bytes");
        assert_eq!(bytes(Locale::zh_Hans, 812), "812 字节");
        assert_eq!(bytes(Locale::zh_Hans, 3 * 1024 * 1024), "3.0 MB");
    }

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
    fn money_follows_each_language() {
        let yuan = Money::new("cny", 45_000_000);
        assert_eq!(money(Locale::en, &yuan), "CN¥450,000.00");
        assert_eq!(money(Locale::zh_Hans, &yuan), "¥450,000.00");
        let euro = Money::new("EUR", 5_070_005);
        assert_eq!(money(Locale::zh_Hans, &euro), "€50,700.05");
        let pounds = Money::new("GBP", 100_000);
        assert_eq!(money(Locale::en, &pounds), "GBP 1,000.00");
        assert_eq!(money(Locale::zh_Hans, &pounds), "1,000.00 GBP");
        assert_eq!(group_cents(5, ",", "."), "0.05");
        assert_eq!(group_cents(5_070_000, ".", ","), "50.700,00");
    }

    #[test]
    fn a_value_that_is_not_a_date_is_shown_as_typed() {
        assert_eq!(iso_date(Locale::zh_Hans, "2026-13"), "2026-13");
        assert_eq!(iso_date(Locale::zh_Hans, "2026-03-09"), "2026年3月9日");
    }
}
