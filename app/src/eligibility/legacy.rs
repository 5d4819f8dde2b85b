//! Assessments saved before the engine spoke in keys (December 2026)
//! recorded English sentences. They are read here and kept as recorded:
//! each sentence becomes a `Recorded` value, shown as it was.

use super::result::{
    Assessment, Criterion, Outcome, Points, PointsFactor, ProgrammeResult, Source, Status, Text,
    Value,
};
use super::settings::Settings;
use super::words::{Factor, Label, Reason, Shown, Summary, ValueName};
use crate::domain::date::Date;
use serde::Deserialize;

/// A saved assessment in either form: as the engine writes it now, or as
/// earlier versions recorded it.
pub fn read_saved(json: &str) -> Result<Assessment, serde_json::Error> {
    match serde_json::from_str::<Assessment>(json) {
        Ok(current) => Ok(current),
        Err(current_error) => match serde_json::from_str::<Recorded>(json) {
            Ok(recorded) => Ok(recorded.into()),
            // Neither: report what is wrong with it as the current form.
            Err(_) => Err(current_error),
        },
    }
}

#[derive(Deserialize)]
struct Recorded {
    #[serde(with = "super::result::date_text")]
    on: Date,
    rules_version: Text,
    settings: Settings,
    programmes: Vec<RecordedProgramme>,
}

#[derive(Deserialize)]
struct RecordedProgramme {
    programme: Text,
    outcome: Outcome,
    summary: String,
    missing: Vec<Text>,
    criteria: Vec<RecordedCriterion>,
    #[serde(default)]
    points: Option<RecordedPoints>,
    #[serde(default)]
    category: Option<Text>,
}

#[derive(Deserialize)]
struct RecordedCriterion {
    id: Text,
    label: String,
    status: Status,
    explanation: String,
    values: Vec<RecordedValue>,
    #[serde(default)]
    missing: Vec<Text>,
    #[serde(default)]
    setting: Option<Text>,
    source: Source,
}

#[derive(Deserialize)]
struct RecordedValue {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct RecordedPoints {
    factors: Vec<RecordedFactor>,
    total: u32,
    unknown_max: u32,
    partial: bool,
}

#[derive(Deserialize)]
struct RecordedFactor {
    factor: String,
    value: String,
    points: u32,
    max: u32,
    unknown: bool,
}

impl From<Recorded> for Assessment {
    fn from(r: Recorded) -> Assessment {
        Assessment {
            on: r.on,
            rules_version: r.rules_version,
            settings: r.settings,
            programmes: r.programmes.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<RecordedProgramme> for ProgrammeResult {
    fn from(p: RecordedProgramme) -> ProgrammeResult {
        ProgrammeResult {
            programme: p.programme,
            outcome: p.outcome,
            summary: Summary::Recorded(p.summary),
            missing: p.missing,
            criteria: p
                .criteria
                .into_iter()
                .map(|c| Criterion {
                    id: c.id,
                    label: Label::Recorded(c.label),
                    status: c.status,
                    reason: Reason::Recorded(c.explanation),
                    values: c
                        .values
                        .into_iter()
                        .map(|v| Value {
                            name: ValueName::Recorded(v.name),
                            value: Shown::Recorded(v.value),
                        })
                        .collect(),
                    missing: c.missing,
                    setting: c.setting,
                    source: c.source,
                })
                .collect(),
            points: p.points.map(|points| Points {
                factors: points
                    .factors
                    .into_iter()
                    .map(|f| PointsFactor {
                        factor: Factor::Recorded(f.factor),
                        value: Shown::Recorded(f.value),
                        points: f.points,
                        max: f.max,
                        unknown: f.unknown,
                    })
                    .collect(),
                total: points.total,
                unknown_max: points.unknown_max,
                partial: points.partial,
            }),
            category: p.category,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An assessment as saved before December 2026 (abridged to one criterion).
    const SAVED_BEFORE: &str = r#"{
      "on": "2026-06-01", "rules_version": "2026.11.1",
      "settings": {"k_visa_max_age": 45, "z_permit_b_max_age": 60},
      "programmes": [{
        "programme": "cn_k", "name": "China K visa", "outcome": "ineligible",
        "summary": "Not met: Young (at most the firm's age limit).",
        "missing": [],
        "criteria": [{
          "id": "age", "label": "Young (at most the firm's age limit)", "status": "not_met",
          "explanation": "Aged 56, over the firm's limit of 45.",
          "values": [{"name": "age", "value": "56"}],
          "setting": "k_visa_max_age",
          "source": {"citation": "Decree 814", "url": "", "effective_from": "2025-10-01", "effective_until": null}
        }]
      }]
    }"#;

    #[test]
    fn an_assessment_saved_before_keys_reads_as_recorded() {
        let a = read_saved(SAVED_BEFORE).expect("reads");
        let k = &a.programmes[0];
        assert_eq!(k.outcome, Outcome::Ineligible);
        assert_eq!(
            k.summary,
            Summary::Recorded("Not met: Young (at most the firm's age limit).".into())
        );
        let age = &k.criteria[0];
        assert_eq!(
            age.reason,
            Reason::Recorded("Aged 56, over the firm's limit of 45.".into())
        );
        assert_eq!(age.values[0].name, ValueName::Recorded("age".into()));
        // Read once, it is kept in the current form from then on.
        let again = serde_json::to_string(&a).expect("writes");
        assert_eq!(read_saved(&again).expect("reads again"), a);
    }

    #[test]
    fn a_current_assessment_reads_as_it_is_and_nonsense_is_refused() {
        let profile = super::super::Profile::default();
        let on = Date::parse("2026-06-01").expect("date");
        let a = super::super::assess(&profile, on, &Settings::default(), None);
        let json = serde_json::to_string(&a).expect("writes");
        assert_eq!(read_saved(&json).expect("reads"), a);
        assert!(read_saved("{\"on\": 5}").is_err());
    }
}
