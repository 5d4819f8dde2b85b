//! What the engine answers: an outcome per programme, each criterion
//! explained with the values it used and its source.

use super::settings::Settings;
use super::words::{Factor, Label, Reason, Shown, Summary, ValueName};
use crate::domain::date::Date;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Text that is usually a fixed label but may be built.
pub type Text = Cow<'static, str>;

/// The verdict for one programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Eligible,
    Ineligible,
    /// Some facts are missing; `ProgrammeResult::missing` names them.
    NeedsInformation,
    /// A source is vague and the firm must judge.
    NeedsReview,
}

impl Outcome {
    /// The stable code (as in the JSON).
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Eligible => "eligible",
            Outcome::Ineligible => "ineligible",
            Outcome::NeedsInformation => "needs_information",
            Outcome::NeedsReview => "needs_review",
        }
    }
}

/// How one criterion stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    /// A fact it needs is missing.
    Missing,
    /// The firm must judge.
    Review,
    /// Information that does not decide eligibility (fees, the cap...).
    Info,
}

impl Status {
    /// The stable code (as in the JSON).
    pub fn code(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::Missing => "missing",
            Status::Review => "review",
            Status::Info => "info",
        }
    }
}

/// Where a rule comes from and the dates it is in force (`until` exclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub citation: Text,
    pub url: Text,
    #[serde(with = "date_text")]
    pub effective_from: Date,
    #[serde(with = "date_text::option", default)]
    pub effective_until: Option<Date>,
}

/// A profile value a criterion used, e.g. age = 29.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    pub name: ValueName,
    pub value: Shown,
}

/// One criterion of a programme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable id within the programme, e.g. `age`.
    pub id: Text,
    pub label: Label,
    pub status: Status,
    /// Why it stands as it does.
    pub reason: Reason,
    pub values: Vec<Value>,
    /// Profile fields it needs and did not find (JSON paths).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Text>,
    /// The firm setting it rests on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<Text>,
    pub source: Source,
}

/// One factor of a points table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsFactor {
    pub factor: Factor,
    /// The profile value scored, or why it could not be.
    pub value: Shown,
    pub points: u32,
    pub max: u32,
    /// The value is unknown, so `points` is 0 and the total partial.
    pub unknown: bool,
}

/// A points breakdown and total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Points {
    pub factors: Vec<PointsFactor>,
    pub total: u32,
    /// The most the unknown factors could add.
    pub unknown_max: u32,
    /// Some factor is unknown, so the total is a lower bound.
    pub partial: bool,
}

/// The result for one programme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeResult {
    /// The programme's code, e.g. `cn_k`.
    pub programme: Text,
    pub outcome: Outcome,
    /// One sentence on why.
    pub summary: Summary,
    /// Every missing field of every criterion, once each.
    pub missing: Vec<Text>,
    pub criteria: Vec<Criterion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Points>,
    /// A classification, e.g. the work-permit category `A`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Text>,
}

/// The result for every programme assessed on one date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    #[serde(with = "date_text")]
    pub on: Date,
    /// The rule set's version (see `RULES_VERSION`).
    pub rules_version: Text,
    pub settings: Settings,
    pub programmes: Vec<ProgrammeResult>,
}

/// Dates as `YYYY-MM-DD` text in JSON.
pub mod date_text {
    use crate::domain::date::Date;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text)
            .ok_or_else(|| D::Error::custom(format!("\"{text}\" is not a YYYY-MM-DD date")))
    }

    /// The same for optional dates (`null` when absent).
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(d),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(text) => Date::parse(&text).map(Some).ok_or_else(|| {
                    D::Error::custom(format!("\"{text}\" is not a YYYY-MM-DD date"))
                }),
            }
        }
    }
}
