//! An assessment in words, beside its codes and keys: what the command
//! line prints.

use super::{
    factor, label, outcome, programme_name, reason, shown, status, summary, value_name, Locale,
};
use crate::eligibility::{
    Assessment, Criterion, Outcome, PointsFactor, ProgrammeResult, Reason, Status,
};
use serde::{Deserialize, Serialize};

/// An assessment as words in one language, beside its codes and keys: what
/// `visadesk eligibility check` prints (`--lang`), and what a reader without
/// the catalogues can use. The field names are those of the JSON the command
/// has always printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordedAssessment {
    /// The language of the words (`en`, `zh-Hans`).
    pub language: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    pub rules_version: String,
    pub settings: crate::eligibility::Settings,
    pub programmes: Vec<WordedProgramme>,
}

/// One programme's result in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordedProgramme {
    pub programme: String,
    pub name: String,
    pub outcome: Outcome,
    pub outcome_label: String,
    pub summary: String,
    pub missing: Vec<String>,
    pub criteria: Vec<WordedCriterion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<WordedPoints>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// One criterion in words, with the reason's key and values as the engine
/// gave them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordedCriterion {
    pub id: String,
    pub label: String,
    pub status: Status,
    pub status_label: String,
    pub explanation: String,
    pub reason: Reason,
    pub values: Vec<WordedValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    pub source: crate::eligibility::Source,
}

/// A value a criterion quotes, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordedValue {
    pub name: String,
    pub value: String,
}

/// The points table in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordedPoints {
    pub factors: Vec<WordedFactor>,
    pub total: u32,
    pub unknown_max: u32,
    pub partial: bool,
}

/// One factor of the points table in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordedFactor {
    pub factor: String,
    pub value: String,
    pub points: u32,
    pub max: u32,
    pub unknown: bool,
}

/// `a` in the words of `l`.
pub fn worded(l: Locale, language: &str, a: &Assessment) -> WordedAssessment {
    WordedAssessment {
        language: language.to_string(),
        on: a.on.to_string(),
        rules_version: a.rules_version.to_string(),
        settings: a.settings,
        programmes: a
            .programmes
            .iter()
            .map(|p| worded_programme(l, p))
            .collect(),
    }
}

fn worded_programme(l: Locale, p: &ProgrammeResult) -> WordedProgramme {
    WordedProgramme {
        programme: p.programme.to_string(),
        name: programme_name(l, &p.programme),
        outcome: p.outcome,
        outcome_label: outcome(l, p.outcome).to_string(),
        summary: summary(l, &p.summary),
        missing: p.missing.iter().map(|m| m.to_string()).collect(),
        criteria: p.criteria.iter().map(|c| worded_criterion(l, c)).collect(),
        points: p.points.as_ref().map(|points| WordedPoints {
            factors: points.factors.iter().map(|f| worded_factor(l, f)).collect(),
            total: points.total,
            unknown_max: points.unknown_max,
            partial: points.partial,
        }),
        category: p.category.as_ref().map(|c| c.to_string()),
    }
}

fn worded_criterion(l: Locale, c: &Criterion) -> WordedCriterion {
    WordedCriterion {
        id: c.id.to_string(),
        label: label(l, &c.label),
        status: c.status,
        status_label: status(l, c.status).to_string(),
        explanation: reason(l, &c.reason),
        reason: c.reason.clone(),
        values: c
            .values
            .iter()
            .map(|v| WordedValue {
                name: value_name(l, &v.name),
                value: shown(l, &v.value),
            })
            .collect(),
        missing: c.missing.iter().map(|m| m.to_string()).collect(),
        setting: c.setting.as_ref().map(|s| s.to_string()),
        source: c.source.clone(),
    }
}

fn worded_factor(l: Locale, f: &PointsFactor) -> WordedFactor {
    WordedFactor {
        factor: factor(l, &f.factor),
        value: shown(l, &f.value),
        points: f.points,
        max: f.max,
        unknown: f.unknown,
    }
}
