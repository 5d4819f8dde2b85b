//! Eligibility on the server: firm settings, assessments saved on cases
//! (recomputed from the stored profile), and the `eligibility check` command.

use crate::common::firm::{firm, open_case};
use crate::common::Backend;
use serde_json::{json, Value};
use std::process::Command;

/// Gives the firm's client a K-visa profile: 31 on 2026-11-24, STEM master's.
async fn give_profile(f: &crate::common::firm::Firm, born: &str) {
    let current: Value = f
        .app
        .call(&f.admin, "get_client", &[("id", f.client_id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    let body = json!({ "id": f.client_id, "base_version": current["version"], "confirm_duplicate": false, "details": {
        "full_name": "Priya Sharma", "latin_name": "", "email": "priya@example.com", "phone": "", "address": "",
        "date_of_birth": born, "nationality": "IN", "passport_number": "Z1234567", "passport_expiry": "2030-01-01",
        "education": [{ "level": "Master", "field": "Physics", "stem": true, "institution": "IISc", "country": "IN", "completed_on": "2020-06-30" }],
        "work": [], "languages": [],
        "eligibility": { "institution_well_known": true }
    }});
    let res = f.app.call_json(&f.admin, "save_client", &body).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

fn outcome<'a>(assessment: &'a Value, programme: &str) -> &'a str {
    assessment["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["programme"] == programme)
        .and_then(|p| p["outcome"].as_str())
        .unwrap()
}

async fn save_assessment(
    f: &crate::common::firm::Firm,
    who: &reqwest::Client,
    case_id: &str,
    on: &str,
) -> (u16, Value) {
    let res = f
        .app
        .call(who, "save_assessment", &[("case_id", case_id), ("on", on)])
        .await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn saves_assessments_computed_on_the_server(db: Backend) {
    let f = firm(db).await;
    give_profile(&f, "1995-03-01").await;
    let (status, case) = open_case(&f, &f.attorney, "cn_k", &[]).await;
    assert_eq!(status, 200);
    let case_id = case["id"].as_str().unwrap();

    // The browser sends only the case and the date: the server reads the stored profile.
    let (status, before) = save_assessment(&f, &f.attorney, case_id, "2025-09-30").await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(outcome(&before["assessment"], "cn_k"), "ineligible");
    let (_, after) = save_assessment(&f, &f.attorney, case_id, "2025-10-01").await;
    assert_eq!(outcome(&after["assessment"], "cn_k"), "eligible");
    assert_eq!(after["assessment"]["on"], "2025-10-01");
    assert!(after["assessment"]["rules_version"].as_str().is_some());
    assert_eq!(after["created_by_name"], "Test Person");

    let listed: Value = f
        .app
        .call(&f.para, "load_case_eligibility", &[("case_id", case_id)])
        .await
        .json()
        .await
        .unwrap();
    let saved = listed["assessments"].as_array().unwrap();
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[0]["id"], after["id"], "newest first");
    assert_eq!(listed["profile"]["date_of_birth"], "1995-03-01");
    assert_eq!(
        listed["context"]["can_save"], false,
        "a paralegal not assigned to the case is not offered the save button"
    );

    let audit: Value = f
        .app
        .call(&f.admin, "audit_events", &[("action", "assessment.save")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit.as_array().unwrap().len(), 2);
    assert!(audit[0]["summary"]
        .as_str()
        .unwrap()
        .contains("eligible: cn_k"));
}

async fn assessments_use_the_firms_settings(db: Backend) {
    let f = firm(db).await;
    give_profile(&f, "1985-01-01").await; // 41 on 2026-11-24
    let (_, case) = open_case(&f, &f.attorney, "cn_k", &[]).await;
    let case_id = case["id"].as_str().unwrap();
    let (_, first) = save_assessment(&f, &f.attorney, case_id, "2026-11-24").await;
    assert_eq!(outcome(&first["assessment"], "cn_k"), "eligible");

    // Only admins change settings, and only to sensible values.
    let settings = [
        ("settings[k_visa_max_age]", "35"),
        ("settings[z_permit_b_max_age]", "60"),
    ];
    let res = f
        .app
        .call(&f.attorney, "save_eligibility_settings", &settings)
        .await;
    assert_eq!(res.status(), 403);
    let silly = [
        ("settings[k_visa_max_age]", "7"),
        ("settings[z_permit_b_max_age]", "60"),
    ];
    let res = f
        .app
        .call(&f.admin, "save_eligibility_settings", &silly)
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("between 18 and 99"));
    let res = f
        .app
        .call(&f.admin, "save_eligibility_settings", &settings)
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let context: Value = f
        .app
        .call(&f.para, "load_eligibility_context", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(context["settings"]["k_visa_max_age"], 35);
    assert_eq!(context["can_save"], true);

    let (_, second) = save_assessment(&f, &f.attorney, case_id, "2026-11-24").await;
    assert_eq!(outcome(&second["assessment"], "cn_k"), "ineligible");
    assert_eq!(second["assessment"]["settings"]["k_visa_max_age"], 35);
}

async fn only_staff_who_edit_cases_save_assessments(db: Backend) {
    let f = firm(db).await;
    let (_, case) = open_case(&f, &f.attorney, "us_h1b", &[]).await;
    let case_id = case["id"].as_str().unwrap();
    let viewer = f
        .app
        .user(
            &f.admin,
            "viewer@firm.example",
            "viewer",
            "viewer pass phrase",
        )
        .await;
    let (status, _) = save_assessment(&f, &viewer, case_id, "2026-11-24").await;
    assert_eq!(status, 403);
    // A viewer still sees the eligibility of the case.
    let res = f
        .app
        .call(&viewer, "load_case_eligibility", &[("case_id", case_id)])
        .await;
    assert_eq!(res.status(), 200);
    let (status, body) = save_assessment(&f, &f.attorney, case_id, "2026-02-30").await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("real date"), "{body}");
    let (status, _) = save_assessment(&f, &f.attorney, "no-such-case", "2026-11-24").await;
    assert_eq!(status, 404);
    let anonymous = f.app.client();
    let (status, _) = save_assessment(&f, &anonymous, case_id, "2026-11-24").await;
    assert_eq!(status, 401);
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

#[test]
fn cli_assesses_the_documented_example() {
    let (code, out, err) = check(&[&example(), "--on", "2026-11-24"], None);
    assert_eq!(code, 0, "{err}");
    let result: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(result["on"], "2026-11-24");
    assert_eq!(outcome(&result, "cn_k"), "eligible");
    assert_eq!(outcome(&result, "de_blue_card"), "eligible");
    assert_eq!(outcome(&result, "us_h1b"), "ineligible");
    assert_eq!(result["programmes"].as_array().unwrap().len(), 5);
}

#[test]
fn cli_checks_one_programme_and_reports_missing_fields() {
    let (code, out, _) = check(
        &["-", "--programme", "de_blue_card", "--on", "2026-01-01"],
        Some("{}"),
    );
    assert_eq!(code, 0);
    let result: Value = serde_json::from_str(&out).unwrap();
    let programmes = result["programmes"].as_array().unwrap();
    assert_eq!(programmes.len(), 1);
    assert_eq!(programmes[0]["outcome"], "needs_information");
    assert!(programmes[0]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "eligibility.job_offer"));
}

#[test]
fn cli_refuses_malformed_json_with_line_and_column() {
    let (code, out, err) = check(&["-"], Some("{\n  \"date_of_birth\": \"1990-01-01\",\n  \"education\": [ { \"level\": \"Master\" ],\n}\n"));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("is not valid JSON: line 3, column"), "{err}");
    let (code, _, err) = check(&["-"], Some(r#"{"education": [{"level": "PhD"}]}"#));
    assert_eq!(code, 2);
    assert!(
        err.contains("does not have the documented form: line 1"),
        "{err}"
    );
    assert!(err.contains("Doctorate"), "{err}");
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
            r#"{"date_of_birth": "1990-01-01", "eligibilty": {}, "education": [{"level": "Master", "stemm": true}]}"#,
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
