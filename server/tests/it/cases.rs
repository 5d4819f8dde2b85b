//! Cases through the API: references, the stage machine, assignment rules
//! and filters, on SQLite and PostgreSQL.

use crate::common::error_detail;
use crate::common::firm::{firm, move_to, open_case};
use crate::common::Backend;
use serde_json::{json, Value};

on_both_databases!(
    cases_get_readable_references_and_move_through_the_stages,
    the_stage_machine_and_assignments_refuse_what_they_must,
    cases_are_filtered_by_stage_programme_assignee_and_overdue,
    the_dashboard_counts_the_pipeline_and_lists_what_is_due,
);

async fn cases_get_readable_references_and_move_through_the_stages(db: Backend) {
    let f = firm(db).await;
    let assigned = [
        ("paralegal_id", f.para_id.as_str()),
        ("attorney_id", f.attorney_id.as_str()),
    ];
    let (status, case) = open_case(&f, &f.para, "cn_k", &assigned).await;
    assert_eq!(status, 200, "{case}");
    let year = case["reference"].as_str().unwrap()[3..7].to_string();
    assert_eq!(case["reference"], format!("VD-{year}-0001"));
    assert_eq!(case["stage"], "Intake");
    assert_eq!(case["paralegal"]["display_name"], "Test Person");
    let (_, second) = open_case(&f, &f.attorney, "us_h1b", &[]).await;
    assert_eq!(second["reference"], format!("VD-{year}-0002"));

    let id = case["id"].as_str().unwrap().to_string();
    for to in [
        "eligibility_review",
        "collecting_documents",
        "preparing_application",
        "submitted",
        "awaiting_decision",
    ] {
        let (status, detail) = move_to(&f, &f.para, &id, to, "").await;
        assert_eq!(status, 200, "move to {to}: {detail}");
    }
    let detail: Value = f
        .app
        .call(&f.para, "get_case", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["summary"]["stage"], "AwaitingDecision");
    assert!(
        !detail["filed_on"].as_str().unwrap().is_empty(),
        "submitting records the filing date"
    );
    let offered: Vec<&str> = detail["offered_moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(
        offered,
        vec!["CollectingDocuments", "Withdrawn"],
        "a paralegal is not offered Approved or Refused"
    );

    // A request for evidence goes back, then forward again.
    assert_eq!(
        move_to(
            &f,
            &f.para,
            &id,
            "collecting_documents",
            "RFE: bank statements"
        )
        .await
        .0,
        200
    );
    for to in ["preparing_application", "submitted", "awaiting_decision"] {
        assert_eq!(move_to(&f, &f.para, &id, to, "").await.0, 200);
    }
    let (status, refused) = move_to(&f, &f.para, &id, "approved", "").await;
    assert_eq!(status, 409);
    assert_eq!(
        error_detail(&refused, "conflict"),
        "Only an attorney or an admin can record \"Approved\"."
    );
    let (status, approved) = move_to(&f, &f.attorney, &id, "approved", "Visa granted").await;
    assert_eq!(status, 200);
    assert_eq!(approved["summary"]["stage"], "Approved");
    assert!(!approved["decision_on"].as_str().unwrap().is_empty());
    let timeline = approved["timeline"].as_array().unwrap();
    assert_eq!(timeline[0]["to"], "Approved");
    assert_eq!(timeline[0]["from"], "AwaitingDecision");
    assert_eq!(timeline[0]["note"], "Visa granted");
    assert!(timeline.iter().any(|m| m["note"] == "RFE: bank statements"));
    assert_eq!(timeline.last().unwrap()["note"], "Case opened");

    let events: Value = f
        .app
        .call(&f.admin, "audit_events", &[("object", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert!(events.as_array().unwrap().iter().any(|e| e["summary"]
        .as_str()
        .unwrap()
        .ends_with("Awaiting decision → Approved")));
}

async fn the_stage_machine_and_assignments_refuse_what_they_must(db: Backend) {
    let f = firm(db).await;
    let (_, case) = open_case(&f, &f.attorney, "de_blue_card", &[]).await;
    let id = case["id"].as_str().unwrap().to_string();

    let (status, body) = move_to(&f, &f.attorney, &id, "submitted", "").await;
    assert_eq!(status, 409);
    assert!(error_detail(&body, "conflict")
        .as_str()
        .unwrap()
        .starts_with("A case can't move from \"Intake\" to \"Submitted\""));
    // The paralegal is not assigned to this case.
    let (status, body) = move_to(&f, &f.para, &id, "eligibility_review", "").await;
    assert_eq!(status, 403);
    assert!(error_detail(&body, "not_allowed")
        .as_str()
        .unwrap()
        .contains("assigned paralegal"));
    let detail: Value = f
        .app
        .call(&f.para, "get_case", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["can_edit"], false);
    assert_eq!(detail["offered_moves"], json!([]));

    let viewer = f
        .app
        .user(
            &f.admin,
            "view@firm.example",
            "viewer",
            "viewer pass phrase",
        )
        .await;
    assert_eq!(
        move_to(&f, &viewer, &id, "eligibility_review", "").await.0,
        403
    );
    assert_eq!(open_case(&f, &viewer, "cn_k", &[]).await.0, 403);
    assert_eq!(move_to(&f, &f.attorney, &id, "nope", "").await.0, 400);
    assert_eq!(
        move_to(&f, &f.attorney, "no-such-case", "eligibility_review", "")
            .await
            .0,
        404
    );
    assert_eq!(
        f.app
            .call(&f.attorney, "get_case", &[("id", "no-such-case")])
            .await
            .status(),
        404
    );
    // Assignments must name active staff of the right role.
    let (status, body) = open_case(
        &f,
        &f.attorney,
        "cn_k",
        &[("paralegal_id", f.attorney_id.as_str())],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(error_detail(&body, "invalid")["field"], "paralegal_id");
    assert_eq!(open_case(&f, &f.attorney, "xx_visa", &[]).await.0, 400);
    assert_eq!(
        open_case(
            &f,
            &f.attorney,
            "cn_k",
            &[("target_filing_on", "2026-02-30")]
        )
        .await
        .0,
        400
    );
}

async fn cases_are_filtered_by_stage_programme_assignee_and_overdue(db: Backend) {
    let f = firm(db).await;
    let mine = [("paralegal_id", f.para_id.as_str())];
    let (_, a) = open_case(&f, &f.admin, "cn_k", &mine).await;
    let (_, _b) = open_case(
        &f,
        &f.admin,
        "us_h1b",
        &[("target_filing_on", "2020-01-01")],
    )
    .await;
    let (_, _c) = open_case(
        &f,
        &f.admin,
        "us_h1b",
        &[("target_filing_on", "2999-01-01")],
    )
    .await;
    move_to(
        &f,
        &f.admin,
        a["id"].as_str().unwrap(),
        "eligibility_review",
        "",
    )
    .await;

    let list = |form: Vec<(&'static str, String)>| {
        let (app, admin) = (&f.app, &f.admin);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let page: Value = app
                .call(admin, "list_cases", &form)
                .await
                .json()
                .await
                .unwrap();
            page["total"].as_i64().unwrap()
        }
    };
    assert_eq!(list(vec![]).await, 3);
    assert_eq!(list(vec![("programme", "us_h1b".into())]).await, 2);
    assert_eq!(list(vec![("stage", "eligibility_review".into())]).await, 1);
    assert_eq!(list(vec![("assignee", f.para_id.clone())]).await, 1);
    assert_eq!(list(vec![("overdue", "true".into())]).await, 1);
    assert_eq!(list(vec![("client_id", f.client_id.clone())]).await, 3);
    let res = f
        .app
        .call(&f.admin, "list_cases", &[("stage", "limbo")])
        .await;
    assert_eq!(res.status(), 400);
}

async fn the_dashboard_counts_the_pipeline_and_lists_what_is_due(db: Backend) {
    use visadesk_app::domain::date::Date;
    let f = firm(db).await;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let (soon, past) = (
        Date::from_unix(secs + 5 * 86_400).to_string(),
        Date::from_unix(secs - 86_400).to_string(),
    );
    let (_, a) = open_case(
        &f,
        &f.admin,
        "cn_k",
        &[
            ("paralegal_id", f.para_id.as_str()),
            ("target_filing_on", soon.as_str()),
        ],
    )
    .await;
    let (_, _b) = open_case(&f, &f.admin, "cn_k", &[("target_filing_on", past.as_str())]).await;
    let (_, _c) = open_case(&f, &f.admin, "us_h1b", &[]).await;
    move_to(
        &f,
        &f.admin,
        a["id"].as_str().unwrap(),
        "eligibility_review",
        "",
    )
    .await;

    let d: Value = f
        .app
        .call(&f.para, "dashboard", &[])
        .await
        .json()
        .await
        .unwrap();
    let count = |list: &Value, key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e[0] == key)
            .map(|e| e[1].as_i64().unwrap())
    };
    assert_eq!(count(&d["by_stage"], "Intake"), Some(2));
    assert_eq!(count(&d["by_stage"], "EligibilityReview"), Some(1));
    assert_eq!(count(&d["by_stage"], "Approved"), Some(0));
    assert_eq!(count(&d["by_programme"], "ChinaK"), Some(2));
    assert_eq!(count(&d["by_programme"], "UsH1b"), Some(1));
    assert_eq!(d["mine"].as_array().unwrap().len(), 1);
    assert_eq!(d["mine"][0]["id"], a["id"]);
    assert_eq!(d["deadlines"].as_array().unwrap().len(), 1);
    assert_eq!(d["deadlines"][0]["due_on"], soon.as_str());
    assert_eq!(d["deadlines"][0]["what"], "Target filing");
    assert_eq!(d["deadlines"][0]["case_id"], a["id"]);
    assert_eq!(d["overdue"], 1);

    let viewer = f
        .app
        .user(
            &f.admin,
            "view@firm.example",
            "viewer",
            "viewer pass phrase",
        )
        .await;
    assert_eq!(f.app.call(&viewer, "dashboard", &[]).await.status(), 200);
    let html = f
        .admin
        .get(f.app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Cases per stage")
            && html.contains("Deadlines in the next 14 days")
            && html.contains("1 open case is overdue"),
        "dashboard page renders"
    );
}
