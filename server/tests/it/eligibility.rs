//! Eligibility on the server: firm settings, assessments saved on cases
//! (recomputed from the stored profile), and the `eligibility check` command.

use crate::common::firm::{firm, opened, Firm};
use crate::common::{Backend, Refusal};
use serde_json::{json, Value};
use std::process::Command;
use visadesk_app::domain::assessment::{CaseEligibility, EligibilityContext, StoredAssessment};
use visadesk_app::domain::audit::AuditEvent;
use visadesk_app::domain::client::{Client, SaveOutcome};
use visadesk_app::domain::problem::{Problem, Thing};
use visadesk_app::domain::CaseId;
use visadesk_app::eligibility::{Assessment, Outcome, Settings};
use visadesk_app::i18n::eligibility::WordedAssessment;
use visadesk_app::AppError;

/// Gives the firm's client a K-visa profile: 31 on 2026-11-24, STEM master's.
async fn give_profile(f: &Firm, born: &str) {
    let current: Client = f
        .app
        .ask(&f.admin, "get_client", &[("id", f.client_id.as_str())])
        .await
        .expect("the firm's client");
    let body = json!({ "id": f.client_id, "base_version": current.version, "confirm_duplicate": false, "details": {
        "full_name": "Priya Sharma", "latin_name": "", "email": "priya@example.com", "phone": "", "address": "",
        "date_of_birth": born, "nationality": "IN", "passport_number": "Z1234567", "passport_expiry": "2030-01-01",
        "education": [{ "level": "master", "field": "Physics", "stem": true, "institution": "IISc", "country": "IN", "completed_on": "2020-06-30" }],
        "work": [], "languages": [],
        "eligibility": { "institution_well_known": true }
    }});
    let saved: Result<SaveOutcome, Refusal> = f.app.ask_json(&f.admin, "save_client", &body).await;
    assert!(matches!(saved, Ok(SaveOutcome::Saved(_))), "{saved:?}");
}

/// The outcome for one programme (by code) of an assessment.
fn outcome(assessment: &Assessment, programme: &str) -> Outcome {
    assessment
        .programmes
        .iter()
        .find(|p| p.programme == programme)
        .map(|p| p.outcome)
        .unwrap_or_else(|| panic!("{programme} was not assessed"))
}

async fn save_assessment(
    f: &Firm,
    who: &reqwest::Client,
    case_id: &CaseId,
    on: &str,
) -> Result<StoredAssessment, Refusal> {
    f.app
        .ask(
            who,
            "save_assessment",
            &[("case_id", case_id.as_str()), ("on", on)],
        )
        .await
}

async fn saves_assessments_computed_on_the_server(db: Backend) {
    let f = firm(db).await;
    give_profile(&f, "1995-03-01").await;
    let case_id = opened(&f, &f.attorney, "cn_k", &[]).await.id;

    // The browser sends only the case and the date: the server reads the stored profile.
    let before = save_assessment(&f, &f.attorney, &case_id, "2025-09-30")
        .await
        .expect("assessed");
    assert_eq!(outcome(&before.assessment, "cn_k"), Outcome::Ineligible);
    let after = save_assessment(&f, &f.attorney, &case_id, "2025-10-01")
        .await
        .expect("assessed");
    assert_eq!(outcome(&after.assessment, "cn_k"), Outcome::Eligible);
    assert_eq!(after.assessment.on.to_string(), "2025-10-01");
    assert!(!after.assessment.rules_version.is_empty());
    assert_eq!(after.created_by_name, "Test Person");

    let listed: CaseEligibility = f
        .app
        .ask(
            &f.para,
            "load_case_eligibility",
            &[("case_id", case_id.as_str())],
        )
        .await
        .expect("the case's eligibility");
    let ids: Vec<_> = listed.assessments.iter().map(|a| &a.id).collect();
    assert_eq!(ids, vec![&after.id, &before.id], "newest first");
    assert_eq!(listed.profile.date_of_birth, "1995-03-01");
    assert!(
        !listed.context.can_save,
        "a paralegal not assigned to the case is not offered the save button"
    );

    let audit: Vec<AuditEvent> = f
        .app
        .ask(&f.admin, "audit_events", &[("action", "assessment.save")])
        .await
        .expect("audit events");
    assert_eq!(audit.len(), 2);
    assert!(audit[0].summary.contains("eligible: cn_k"), "{audit:?}");
}

async fn assessments_use_the_firms_settings(db: Backend) {
    let f = firm(db).await;
    give_profile(&f, "1985-01-01").await; // 41 on 2026-11-24
    let case_id = opened(&f, &f.attorney, "cn_k", &[]).await.id;
    let first = save_assessment(&f, &f.attorney, &case_id, "2026-11-24")
        .await
        .expect("assessed");
    assert_eq!(outcome(&first.assessment, "cn_k"), Outcome::Eligible);

    // Only admins change settings, and only to sensible values.
    let settings = [
        ("settings[k_visa_max_age]", "35"),
        ("settings[z_permit_b_max_age]", "60"),
    ];
    let by_attorney: Result<Settings, Refusal> = f
        .app
        .ask(&f.attorney, "save_eligibility_settings", &settings)
        .await;
    assert_eq!(by_attorney, Err((403, AppError::Forbidden)));
    let silly = [
        ("settings[k_visa_max_age]", "7"),
        ("settings[z_permit_b_max_age]", "60"),
    ];
    let refused: Result<Settings, Refusal> = f
        .app
        .ask(&f.admin, "save_eligibility_settings", &silly)
        .await;
    assert_eq!(
        refused,
        Err((
            400,
            AppError::Invalid {
                field: "k_visa_max_age".into(),
                problem: Problem::OutOfRange {
                    thing: Thing::KVisaAgeLimit,
                    lo: 18,
                    hi: 99
                }
            }
        )),
        "an age of 7 is refused"
    );
    let saved: Settings = f
        .app
        .ask(&f.admin, "save_eligibility_settings", &settings)
        .await
        .expect("saved");
    assert_eq!(saved.k_visa_max_age, 35);

    let context: EligibilityContext = f
        .app
        .ask(&f.para, "load_eligibility_context", &[])
        .await
        .expect("the context");
    assert_eq!(context.settings.k_visa_max_age, 35);
    assert!(context.can_save);

    let second = save_assessment(&f, &f.attorney, &case_id, "2026-11-24")
        .await
        .expect("assessed");
    assert_eq!(outcome(&second.assessment, "cn_k"), Outcome::Ineligible);
    assert_eq!(second.assessment.settings.k_visa_max_age, 35);
}

async fn only_staff_who_edit_cases_save_assessments(db: Backend) {
    let f = firm(db).await;
    let case_id = opened(&f, &f.attorney, "us_h1b", &[]).await.id;
    let viewer = f
        .app
        .user(
            &f.admin,
            "viewer@firm.example",
            "viewer",
            "viewer pass phrase",
        )
        .await;
    assert_eq!(
        save_assessment(&f, &viewer, &case_id, "2026-11-24").await,
        Err((403, AppError::Forbidden))
    );
    // A viewer still sees the eligibility of the case.
    let seen: Result<CaseEligibility, Refusal> = f
        .app
        .ask(
            &viewer,
            "load_case_eligibility",
            &[("case_id", case_id.as_str())],
        )
        .await;
    assert!(seen.is_ok(), "{seen:?}");
    let refused = save_assessment(&f, &f.attorney, &case_id, "2026-02-30").await;
    assert_eq!(
        refused,
        Err((
            400,
            AppError::Invalid {
                field: "on".into(),
                problem: Problem::NotADate(Thing::AssessmentDate)
            }
        )),
        "an impossible date is refused"
    );
    let nowhere = CaseId::new("no-such-case");
    assert_eq!(
        save_assessment(&f, &f.attorney, &nowhere, "2026-11-24").await,
        Err((404, AppError::NotFound("case".into())))
    );
    let anonymous = f.app.client();
    assert_eq!(
        save_assessment(&f, &anonymous, &case_id, "2026-11-24").await,
        Err((401, AppError::NotSignedIn))
    );
}

on_both_databases!(
    saves_assessments_computed_on_the_server,
    assessments_use_the_firms_settings,
    only_staff_who_edit_cases_save_assessments,
);

fn check(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_visadesk"))
        .args(["eligibility", "check"])
        .args(args)
        .env(
            "VISADESK_DATA_DIR",
            std::env::temp_dir().join("visadesk-cli-eligibility"),
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn example() -> String {
    format!(
        "{}/../docs/examples/profile.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn worded_outcome(result: &WordedAssessment, programme: &str) -> Outcome {
    result
        .programmes
        .iter()
        .find(|p| p.programme == programme)
        .map(|p| p.outcome)
        .unwrap_or_else(|| panic!("{programme} was not assessed"))
}

#[test]
fn cli_assesses_the_documented_example() {
    let (code, out, err) = check(&[&example(), "--on", "2026-11-24"], None);
    assert_eq!(code, 0, "{err}");
    let raw: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        raw["programmes"][0]["outcome"], "eligible",
        "snake_case codes"
    );
    let result: WordedAssessment = serde_json::from_str(&out).unwrap();
    assert_eq!(result.language, "en");
    assert_eq!(result.on, "2026-11-24");
    assert_eq!(worded_outcome(&result, "cn_k"), Outcome::Eligible);
    assert_eq!(worded_outcome(&result, "de_blue_card"), Outcome::Eligible);
    assert_eq!(worded_outcome(&result, "us_h1b"), Outcome::Ineligible);
    assert_eq!(result.programmes.len(), 5);
    // English by default: names, labels and explanations in words, each
    // criterion's reason also as its key and values.
    let k = &result.programmes[0];
    assert_eq!(k.name, "China K visa");
    assert_eq!(k.outcome_label, "Eligible");
    let age = k.criteria.iter().find(|c| c.id == "age").expect("age");
    assert_eq!(age.label, "Young (at most the firm's age limit)");
    assert!(
        age.explanation
            .starts_with("Aged 28, within the firm's limit of 45."),
        "{}",
        age.explanation
    );
    assert_eq!(
        raw["programmes"][0]["criteria"][0]["reason"]["k_age_within"]["age"],
        28
    );
}

#[test]
fn cli_speaks_chinese_when_asked() {
    let (code, out, err) = check(
        &[&example(), "--on", "2026-11-24", "--lang", "zh-Hans"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let result: WordedAssessment = serde_json::from_str(&out).unwrap();
    assert_eq!(result.language, "zh-Hans");
    let k = &result.programmes[0];
    assert_eq!(k.name, "中国K字签证");
    assert_eq!(k.outcome_label, "符合条件");
    let age = k.criteria.iter().find(|c| c.id == "age").expect("age");
    assert!(
        age.explanation.starts_with("现年28岁"),
        "{}",
        age.explanation
    );
    // The codes stay as they are in every language.
    assert_eq!(k.outcome, Outcome::Eligible);
    assert_eq!(age.id, "age");

    // A language Visadesk does not speak is refused by name, and nothing is printed.
    let (code, out, err) = check(&[&example(), "--lang", "fr"], None);
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty());
    assert!(
        err.contains("unknown language `fr`: use one of en, zh-Hans"),
        "{err}"
    );
}

#[test]
fn cli_checks_one_programme_and_reports_missing_fields() {
    let (code, out, _) = check(
        &["-", "--programme", "de_blue_card", "--on", "2026-01-01"],
        Some("{}"),
    );
    assert_eq!(code, 0);
    let result: WordedAssessment = serde_json::from_str(&out).unwrap();
    assert_eq!(result.programmes.len(), 1);
    let blue_card = &result.programmes[0];
    assert_eq!(blue_card.outcome, Outcome::NeedsInformation);
    assert!(blue_card
        .missing
        .iter()
        .any(|m| m == "eligibility.job_offer"));
    assert!(
        blue_card.summary.contains("a job offer"),
        "{}",
        blue_card.summary
    );
}

#[test]
fn cli_refuses_malformed_json_with_line_and_column() {
    let (code, out, err) = check(&["-"], Some("{\n  \"date_of_birth\": \"1990-01-01\",\n  \"education\": [ { \"level\": \"master\" ],\n}\n"));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("is not valid JSON: line 3, column"), "{err}");
    let (code, _, err) = check(&["-"], Some(r#"{"education": [{"level": "PhD"}]}"#));
    assert_eq!(code, 2);
    assert!(
        err.contains("does not have the documented form: line 1"),
        "{err}"
    );
    assert!(err.contains("doctorate"), "{err}");
    // The capitalised levels of earlier versions are refused the same way.
    let (code, _, err) = check(&["-"], Some(r#"{"education": [{"level": "Master"}]}"#));
    assert_eq!(code, 2);
    assert!(err.contains("`master`"), "{err}");
    let (code, _, err) = check(&["/no/such/profile.json"], None);
    assert_eq!(code, 2);
    assert!(err.contains("could not read the profile"), "{err}");
    let (code, _, _) = check(&[&example(), "--on", "2026-02-30"], None);
    assert_eq!(code, 2);
}

#[test]
fn cli_refuses_unknown_fields_by_name() {
    let (code, out, err) = check(
        &["-"],
        Some(
            r#"{"date_of_birth": "1990-01-01", "eligibilty": {}, "education": [{"level": "master", "stemm": true}]}"#,
        ),
    );
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("`eligibilty`"), "{err}");
    assert!(err.contains("`education.0.stemm`"), "{err}");
}

#[test]
fn cli_output_into_a_closed_pipe_ends_quietly() {
    // `visadesk eligibility check FILE | head -c0`: the reader is gone before
    // the result is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_visadesk"))
        .args(["eligibility", "check", &example(), "--on", "2026-11-24"])
        .env(
            "VISADESK_DATA_DIR",
            std::env::temp_dir().join("visadesk-cli-eligibility"),
        )
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
