//! The pieces rule sets are built from: citations, dated rules, the facts
//! read once from a profile, and criterion builders.

use super::profile::{self, EligibilityFacts, JobOffer, Profile};
use super::result::{Criterion, Outcome, ProgrammeResult, Source, Status, Text, Value};
use super::settings::Settings;
use super::words::{Label, Reason, Shown, Summary, ValueName};
use crate::domain::client::{Education, EducationLevel};
use crate::domain::date::Date;
use crate::domain::Programme;
use std::borrow::Cow;

/// A published source.
#[derive(Debug)]
pub struct Cite {
    pub citation: &'static str,
    pub url: &'static str,
}

/// A value in force from `from` until the day before `until`.
#[derive(Debug)]
pub struct Dated<T: 'static> {
    pub from: Date,
    pub until: Option<Date>,
    pub value: T,
    pub cite: &'static Cite,
}

impl<T> Dated<T> {
    /// Whether it is in force on `on`.
    pub fn in_force(&self, on: Date) -> bool {
        self.from <= on && self.until.is_none_or(|u| on < u)
    }

    /// Its source with its dates.
    pub fn source(&self) -> Source {
        Source {
            citation: Cow::Borrowed(self.cite.citation),
            url: Cow::Borrowed(self.cite.url),
            effective_from: self.from,
            effective_until: self.until,
        }
    }
}

/// The rule of `rules` in force on `on`.
pub fn in_force<T>(rules: &'static [Dated<T>], on: Date) -> Option<&'static Dated<T>> {
    rules.iter().find(|r| r.in_force(on))
}

/// A date known at compile time.
pub const fn date(year: i32, month: u8, day: u8) -> Date {
    Date { year, month, day }
}

/// What every rule set reads, worked out once per profile and date.
pub struct Facts<'a> {
    pub on: Date,
    pub settings: &'a Settings,
    pub profile: &'a Profile,
    pub age: Option<u32>,
    pub highest: Option<EducationLevel>,
    pub experience_years: u32,
    /// Work entries whose dates could not be read.
    pub unreadable_work: Vec<usize>,
    pub hsk: Option<u32>,
}

impl<'a> Facts<'a> {
    /// Reads `profile` as of `on`.
    pub fn new(profile: &'a Profile, on: Date, settings: &'a Settings) -> Facts<'a> {
        let age = Date::parse(&profile.date_of_birth)
            .filter(|born| *born <= on)
            .map(|born| born.years_until(on).max(0) as u32);
        let (experience_years, unreadable_work) =
            profile::experience_years(&profile.work, on, None);
        Facts {
            on,
            settings,
            profile,
            age,
            highest: profile::highest_level(&profile.education),
            experience_years,
            unreadable_work,
            hsk: profile::hsk_level(&profile.languages),
        }
    }

    /// The paths of work dates that could not be read, so experience may
    /// be undercounted.
    pub fn undated_work(&self) -> Vec<Text> {
        self.unreadable_work
            .iter()
            .map(|i| Cow::Owned(format!("work.{i}.start_on")))
            .collect()
    }

    /// The eligibility facts.
    pub fn facts(&self) -> &EligibilityFacts {
        &self.profile.eligibility
    }

    /// The job offer if it is for work in `country`.
    pub fn offer_in(&self, country: &str) -> Option<&JobOffer> {
        self.facts()
            .job_offer
            .as_ref()
            .filter(|o| o.country.trim().eq_ignore_ascii_case(country))
    }

    /// The job offer's country, if an offer is on file.
    pub fn offer_country(&self) -> Option<&str> {
        self.facts()
            .job_offer
            .as_ref()
            .map(|o| o.country.trim())
            .filter(|c| !c.is_empty())
    }

    /// Education entries at `level` or higher.
    pub fn degrees_from(&self, level: EducationLevel) -> impl Iterator<Item = &'a Education> {
        self.profile
            .education
            .iter()
            .filter(move |e| e.level >= level)
    }
}

/// Builds a criterion.
pub struct Check {
    c: Criterion,
}

impl Check {
    /// A criterion with its source; status and reason follow.
    pub fn new(id: &'static str, label: Label, source: Source) -> Check {
        Check {
            c: Criterion {
                id: Cow::Borrowed(id),
                label,
                status: Status::Info,
                reason: Reason::Recorded(String::new()),
                values: Vec::new(),
                missing: Vec::new(),
                setting: None,
                source,
            },
        }
    }

    /// Records a value used.
    pub fn value(mut self, name: ValueName, value: impl Into<Shown>) -> Check {
        self.c.values.push(Value {
            name,
            value: value.into(),
        });
        self
    }

    /// Marks a missing field.
    pub fn missing(mut self, field: impl Into<Text>) -> Check {
        self.c.missing.push(field.into());
        self
    }

    /// Names the firm setting it rests on.
    pub fn setting(mut self, name: &'static str) -> Check {
        self.c.setting = Some(Cow::Borrowed(name));
        self
    }

    /// Finishes with a status and the reason for it.
    pub fn done(mut self, status: Status, reason: Reason) -> Criterion {
        self.c.status = status;
        self.c.reason = reason;
        if status == Status::Missing && self.c.missing.is_empty() {
            self.c.missing.push(Cow::Borrowed("profile"));
        }
        self.c
    }
}

/// Combines criteria the usual way: any unmet criterion makes the client
/// ineligible; otherwise any missing fact asks for information; otherwise
/// any vague rule asks for review.
pub fn combine(programme: Programme, criteria: Vec<Criterion>) -> ProgrammeResult {
    let outcome = default_outcome(&criteria);
    finish(programme, outcome, criteria, None)
}

/// The outcome `combine` gives.
pub fn default_outcome(criteria: &[Criterion]) -> Outcome {
    let has = |s: Status| criteria.iter().any(|c| c.status == s);
    if has(Status::NotMet) {
        Outcome::Ineligible
    } else if has(Status::Missing) {
        Outcome::NeedsInformation
    } else if has(Status::Review) {
        Outcome::NeedsReview
    } else {
        Outcome::Eligible
    }
}

/// Assembles a result, collecting missing fields and summing up (unless
/// `summary` is given).
pub fn finish(
    programme: Programme,
    outcome: Outcome,
    criteria: Vec<Criterion>,
    summary: Option<Summary>,
) -> ProgrammeResult {
    let mut missing: Vec<Text> = Vec::new();
    for c in &criteria {
        for m in &c.missing {
            if !missing.contains(m) {
                missing.push(m.clone());
            }
        }
    }
    let summary = summary.unwrap_or_else(|| {
        let labels = |s: Status| {
            criteria
                .iter()
                .filter(|c| c.status == s)
                .map(|c| c.label.clone())
                .collect::<Vec<_>>()
        };
        match outcome {
            Outcome::Eligible => Summary::AllMet,
            Outcome::Ineligible => Summary::NotMet(labels(Status::NotMet)),
            Outcome::NeedsInformation => {
                Summary::Missing(missing.iter().map(|m| m.to_string()).collect())
            }
            Outcome::NeedsReview => Summary::Review(labels(Status::Review)),
        }
    });
    ProgrammeResult {
        programme: Cow::Borrowed(programme.code()),
        outcome,
        summary,
        missing,
        criteria,
        points: None,
        category: None,
    }
}
