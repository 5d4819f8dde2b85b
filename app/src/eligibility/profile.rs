//! What the engine reads: the client's profile plus the facts only
//! eligibility needs (a job offer, confirmations the firm has made).

use crate::domain::client::{Education, EducationLevel, LanguageSkill, Work};
use crate::domain::date::Date;
use serde::{Deserialize, Serialize};

/// An applicant profile in the JSON form the CLI reads and the app stores.
/// Every field may be left out; what a rule needs and does not find makes
/// the result `needs_information`, naming the field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// ISO 3166-1 alpha-2.
    pub nationality: String,
    pub education: Vec<Education>,
    pub work: Vec<Work>,
    pub languages: Vec<LanguageSkill>,
    pub eligibility: EligibilityFacts,
}

/// Facts kept on the client for eligibility only. `None` is "not known yet".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EligibilityFacts {
    /// The client is in the United States now (an H-1B change of status or
    /// extension is not a new petition from abroad).
    pub in_us: Option<bool>,
    /// The firm has confirmed that the client's university or research
    /// institution is "well-known" (China K visa).
    pub institution_well_known: Option<bool>,
    /// Graduated from a world top-ranked university, or worked for a Fortune
    /// Global 500 company, or holds a patent (China work-permit points).
    pub top_ranked: Option<bool>,
    /// Meets one of the Category A direct criteria of China's work-permit
    /// standard (recognised international award, selected talent programme...).
    pub high_end_talent: Option<bool>,
    /// Holds a confirmation letter of high-level foreign talent (China R visa).
    pub talent_confirmation_letter: Option<bool>,
    /// The job offer, if there is one.
    pub job_offer: Option<JobOffer>,
}

/// A job offer. Amounts and counts are text as typed (`"50700"`,
/// `"45934.20"`); an empty one is unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobOffer {
    /// ISO 3166-1 alpha-2 of the country of work.
    pub country: String,
    pub employer: String,
    pub occupation: String,
    /// Gross pay a year, in `currency`.
    pub annual_salary: String,
    /// ISO 4217, e.g. EUR, USD, CNY.
    pub currency: String,
    /// A specialty occupation (H-1B: the job needs a specific degree).
    pub specialty_occupation: Option<bool>,
    /// A shortage occupation (EU Blue Card's lower threshold).
    pub shortage_occupation: Option<bool>,
    /// Length of the contract in months; empty when open-ended.
    pub duration_months: String,
    /// The employer will file the petition or apply for the permit.
    pub employer_sponsors: Option<bool>,
    /// H-1B: the employer is cap-exempt (university, non-profit research...).
    pub cap_exempt_employer: Option<bool>,
    /// H-1B: the wage meets the prevailing wage on a certified LCA.
    pub prevailing_wage_met: Option<bool>,
    /// China: months a year the client will work in China.
    pub months_per_year: String,
    /// China: the place of work is in an encouraged region (western China,
    /// north-east old industrial bases, national poverty counties).
    pub encouraged_region: Option<bool>,
    /// China: local incentive points (0 to 10) the province grants.
    pub local_incentive_points: String,
}

/// Parses a money amount with at most two decimals into cents.
pub fn parse_cents(text: &str) -> Option<i64> {
    let t = text.trim().replace([',', ' ', '_'], "");
    if t.is_empty() || t.starts_with('-') || t.starts_with('+') {
        return None;
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() || whole.len() > 12 || frac.len() > 2 {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut cents = whole.parse::<i64>().ok()? * 100;
    if !frac.is_empty() {
        let f: i64 = frac.parse().ok()?;
        cents += if frac.len() == 1 { f * 10 } else { f };
    }
    Some(cents)
}

/// Parses a small whole number such as a month count.
pub fn parse_count(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || t.len() > 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// The HSK level (1 to 6) among the client's language results, if any.
pub fn hsk_level(languages: &[LanguageSkill]) -> Option<u32> {
    languages
        .iter()
        .filter(|l| {
            let test = l.test.to_ascii_uppercase();
            test.contains("HSK") || l.level.to_ascii_uppercase().contains("HSK")
        })
        .filter_map(|l| {
            let digits: String = l.level.chars().filter(|c| c.is_ascii_digit()).collect();
            digits.parse::<u32>().ok().filter(|n| (1..=9).contains(n))
        })
        .max()
}

/// The highest education level, if any entry exists.
pub fn highest_level(education: &[Education]) -> Option<EducationLevel> {
    education.iter().map(|e| e.level).max()
}

/// Work experience in whole years up to `on`, overlapping jobs counted once.
/// Jobs without a readable start date are skipped and reported.
pub fn experience_years(work: &[Work], on: Date, since: Option<Date>) -> (u32, Vec<usize>) {
    let mut spans: Vec<(i64, i64)> = Vec::with_capacity(work.len());
    let mut unreadable = Vec::new();
    let end_limit = on.day_number();
    let start_limit = since.map(Date::day_number).unwrap_or(i64::MIN);
    for (i, w) in work.iter().enumerate() {
        let Some(start) = Date::parse(&w.start_on) else {
            unreadable.push(i);
            continue;
        };
        let end = match w.end_on.trim() {
            "" => end_limit,
            s => match Date::parse(s) {
                Some(d) => d.day_number().min(end_limit),
                None => {
                    unreadable.push(i);
                    continue;
                }
            },
        };
        let start = start.day_number().max(start_limit);
        if end > start {
            spans.push((start, end));
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    // Whole calendar years of each stretch, then the days left over from all
    // stretches together at 365.25 a year (one stretch leaves less than a year).
    let (mut years, mut rest) = (0u32, 0i64);
    for (s, e) in merged {
        let (start, end) = (Date::from_day_number(s), Date::from_day_number(e));
        let whole = start.years_until(end).max(0);
        years += whole as u32;
        rest += e - start.add_years(whole).day_number();
    }
    (years + ((rest * 4) / 1461) as u32, unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(start: &str, end: &str) -> Work {
        Work {
            role: "Engineer".into(),
            employer: "Acme".into(),
            country: "IN".into(),
            start_on: start.into(),
            end_on: end.into(),
            research_or_teaching: false,
        }
    }

    #[test]
    fn money_is_read_to_the_cent_and_nonsense_is_refused() {
        assert_eq!(parse_cents("45934.20"), Some(4_593_420));
        assert_eq!(parse_cents("50,700"), Some(5_070_000));
        assert_eq!(parse_cents("0.5"), Some(50));
        for bad in ["", "abc", "-5", "1.234", "1e5", "."] {
            assert_eq!(parse_cents(bad), None, "{bad}");
        }
    }

    #[test]
    fn overlapping_jobs_count_once_and_current_jobs_run_to_the_date() {
        let on = Date::parse("2026-01-01").unwrap();
        let work = [job("2020-01-01", "2023-01-01"), job("2022-01-01", "")];
        assert_eq!(experience_years(&work, on, None), (6, vec![]));
        let since = Date::parse("2024-01-01");
        assert_eq!(experience_years(&work, on, since), (2, vec![]));
        assert_eq!(experience_years(&[job("", "")], on, None), (0, vec![0]));
    }

    #[test]
    fn hsk_level_is_found_in_the_test_or_the_level() {
        let skill = |test: &str, level: &str| LanguageSkill {
            language: "Chinese".into(),
            test: test.into(),
            level: level.into(),
        };
        assert_eq!(hsk_level(&[skill("HSK", "4"), skill("", "HSK 5")]), Some(5));
        assert_eq!(hsk_level(&[skill("IELTS", "7")]), None);
    }
}
