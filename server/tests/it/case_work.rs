//! Daily work on a case through the API: editing its details with version
//! conflicts, tasks and deadlines, and the board, on SQLite and PostgreSQL.

use crate::common::error_detail;
use crate::common::firm::{firm, move_to, open_case, Firm};
use crate::common::Backend;
use serde_json::{json, Value};
use visadesk_app::domain::date::Date;

on_both_databases!(
    a_second_save_over_a_newer_version_is_a_conflict_not_an_overwrite,
    case_edits_get_field_level_messages_and_paralegals_cannot_reassign,
    tasks_are_added_done_and_deleted_and_overdue_ones_are_flagged,
    the_board_has_a_column_per_stage_with_counts_and_filters,
    a_new_case_gets_its_programmes_checklist_which_staff_adjust,
);

fn day(offset_days: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    Date::from_unix(secs + offset_days * 86_400).to_string()
}

async fn get_case(f: &Firm, who: &reqwest::Client, id: &str) -> Value {
    f.app
        .call(who, "get_case", &[("id", id)])
        .await
        .json()
        .await
        .unwrap()
}

/// The case's editable details as the form would send them back.
fn edit_of(case: &Value) -> Value {
    let s = &case["summary"];
    let id = |v: &Value| v["id"].as_str().unwrap_or("").to_string();
    json!({
        "priority": s["priority"].as_str().unwrap().to_lowercase(),
        "attorney_id": id(&s["attorney"]),
        "paralegal_id": id(&s["paralegal"]),
        "target_filing_on": s["target_filing_on"],
        "filed_on": case["filed_on"],
        "decision_on": case["decision_on"],
        "internal_notes": case["internal_notes"],
    })
}

async fn update(
    f: &Firm,
    who: &reqwest::Client,
    id: &str,
    base_version: &Value,
    edit: Value,
) -> (u16, Value) {
    let body = json!({ "id": id, "base_version": base_version, "edit": edit });
    let res = f.app.call_json(who, "update_case", &body).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn assigned_case(f: &Firm) -> String {
    let (status, case) = open_case(
        f,
        &f.admin,
        "cn_k",
        &[
            ("paralegal_id", f.para_id.as_str()),
            ("attorney_id", f.attorney_id.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{case}");
    case["id"].as_str().unwrap().to_string()
}

async fn a_second_save_over_a_newer_version_is_a_conflict_not_an_overwrite(db: Backend) {
    let f = firm(db).await;
    let id = assigned_case(&f).await;
    // Both open the case at the same version.
    let seen_by_attorney = get_case(&f, &f.attorney, &id).await;
    let seen_by_para = get_case(&f, &f.para, &id).await;
    assert_eq!(seen_by_attorney["version"], seen_by_para["version"]);

    let mut para_edit = edit_of(&seen_by_para);
    para_edit["target_filing_on"] = json!("2027-01-15");
    para_edit["internal_notes"] = json!("Employer letter promised for Friday.");
    let (status, saved) = update(&f, &f.para, &id, &seen_by_para["version"], para_edit).await;
    assert_eq!(status, 200, "{saved}");
    let saved = &saved["Saved"];
    assert_eq!(saved["summary"]["target_filing_on"], "2027-01-15");
    assert_eq!(
        saved["version"].as_i64().unwrap(),
        seen_by_para["version"].as_i64().unwrap() + 1
    );

    let mut attorney_edit = edit_of(&seen_by_attorney);
    attorney_edit["priority"] = json!("urgent");
    let (status, outcome) = update(
        &f,
        &f.attorney,
        &id,
        &seen_by_attorney["version"],
        attorney_edit.clone(),
    )
    .await;
    assert_eq!(status, 200, "{outcome}");
    let current = &outcome["Conflict"];
    assert_eq!(current["summary"]["target_filing_on"], "2027-01-15");
    assert_eq!(
        current["summary"]["priority"], "Normal",
        "nothing was overwritten"
    );
    let stored = get_case(&f, &f.admin, &id).await;
    assert_eq!(
        stored["internal_notes"],
        "Employer letter promised for Friday."
    );
    assert_eq!(stored["summary"]["priority"], "Normal");

    // Saving again over the version the conflict returned goes through;
    // here the attorney took the paralegal's changes into their edit.
    let mut merged = edit_of(current);
    merged["priority"] = attorney_edit["priority"].clone();
    let (status, outcome) = update(&f, &f.attorney, &id, &current["version"], merged).await;
    assert_eq!(status, 200);
    assert_eq!(outcome["Saved"]["summary"]["priority"], "Urgent");

    // A stage move also bumps the version: a form opened before it conflicts.
    let before_move = get_case(&f, &f.attorney, &id).await;
    move_to(&f, &f.attorney, &id, "eligibility_review", "").await;
    let (_, outcome) = update(
        &f,
        &f.attorney,
        &id,
        &before_move["version"],
        edit_of(&before_move),
    )
    .await;
    assert!(outcome.get("Conflict").is_some(), "{outcome}");

    let audit: Value = f
        .app
        .call(&f.admin, "audit_events", &[("action", "case.update")])
        .await
        .json()
        .await
        .unwrap();
    let summaries: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries.len(), 2, "{summaries:?}");
    assert!(summaries
        .iter()
        .any(|s| s.ends_with("changed target filing date, internal notes")));
    assert!(summaries.iter().any(|s| s.ends_with("changed priority")));
}

async fn case_edits_get_field_level_messages_and_paralegals_cannot_reassign(db: Backend) {
    let f = firm(db).await;
    let id = assigned_case(&f).await;
    let case = get_case(&f, &f.attorney, &id).await;
    let version = case["version"].clone();
    let opened_on = case["opened_on"].as_str().unwrap().to_string();

    let mut bad = edit_of(&case);
    bad["priority"] = json!("critical");
    bad["filed_on"] = json!("2001-01-01");
    bad["decision_on"] = json!("2026-02-30");
    bad["internal_notes"] = json!("x".repeat(20_001));
    let (status, body) = update(&f, &f.attorney, &id, &version, bad).await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = error_detail(&body, "invalid_fields")
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["priority", "decision_on", "filed_on", "internal_notes"]
    );
    let messages = error_detail(&body, "invalid_fields").to_string();
    assert!(messages.contains(&format!("before the case was opened ({opened_on})")));
    assert!(messages.contains("20001 characters long"));

    // A paralegal edits their case but cannot hand it over.
    let mut handover = edit_of(&case);
    handover["paralegal_id"] = json!("");
    let (status, body) = update(&f, &f.para, &id, &version, handover).await;
    assert_eq!(status, 400);
    assert_eq!(error_detail(&body, "invalid")["field"], "paralegal_id");
    assert!(get_case(&f, &f.para, &id).await["can_assign"] == false);
    assert!(get_case(&f, &f.attorney, &id).await["can_assign"] == true);

    // Assignees must be active staff of the right role.
    let mut wrong = edit_of(&case);
    wrong["attorney_id"] = json!(f.para_id);
    let (status, body) = update(&f, &f.attorney, &id, &version, wrong).await;
    assert_eq!(status, 400);
    assert_eq!(error_detail(&body, "invalid")["field"], "attorney_id");

    // An unknown case is 404; a body that can't be read is 400.
    let (status, _) = update(&f, &f.attorney, "no-such-case", &version, edit_of(&case)).await;
    assert_eq!(status, 404);
    let res = f
        .app
        .call_json(&f.attorney, "update_case", &json!({ "id": id }))
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        get_case(&f, &f.admin, &id).await["version"],
        version,
        "nothing was saved"
    );
}

async fn add_task(f: &Firm, who: &reqwest::Client, form: &[(&str, &str)]) -> (u16, Value) {
    let res = f.app.call(who, "add_task", form).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn tasks_are_added_done_and_deleted_and_overdue_ones_are_flagged(db: Backend) {
    let f = firm(db).await;
    let id = assigned_case(&f).await;
    let (yesterday, soon) = (day(-1), day(3));

    let (status, late) = add_task(
        &f,
        &f.para,
        &[
            ("case_id", &id),
            ("title", "Collect degree certificate"),
            ("due_on", &yesterday),
            ("assignee_id", &f.para_id),
        ],
    )
    .await;
    assert_eq!(status, 200, "{late}");
    assert_eq!(late["overdue"], true);
    assert_eq!(late["assignee"]["id"], f.para_id.as_str());
    let (status, next) = add_task(
        &f,
        &f.attorney,
        &[("case_id", &id), ("title", "Review CV"), ("due_on", &soon)],
    )
    .await;
    assert_eq!(status, 200, "{next}");
    assert_eq!(next["overdue"], false);

    let case = get_case(&f, &f.admin, &id).await;
    let titles: Vec<&str> = case["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Collect degree certificate", "Review CV"]);

    // Overdue tasks make the case overdue; due-soon tasks are deadlines.
    let overdue: Value = f
        .app
        .call(&f.admin, "list_cases", &[("overdue", "true")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overdue["total"], 1);
    let d: Value = f
        .app
        .call(&f.para, "dashboard", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["overdue"], 1);
    let deadlines = d["deadlines"].as_array().unwrap();
    assert_eq!(deadlines.len(), 1, "{deadlines:?}");
    assert_eq!(deadlines[0]["what"], "Review CV");
    assert_eq!(deadlines[0]["is_task"], true);
    assert_eq!(deadlines[0]["due_on"], soon.as_str());

    // Done: no longer overdue, and the case leaves the overdue list.
    let task_id = late["id"].as_str().unwrap();
    let res = f
        .app
        .call(
            &f.para,
            "set_task_done",
            &[("task_id", task_id), ("done", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap();
    assert_eq!(
        (done["done"].clone(), done["overdue"].clone()),
        (json!(true), json!(false))
    );
    assert!(done["done_at"].as_i64().is_some());
    let overdue: Value = f
        .app
        .call(&f.admin, "list_cases", &[("overdue", "true")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overdue["total"], 0);

    // Bad input gets field messages and adds nothing.
    let (status, body) = add_task(
        &f,
        &f.para,
        &[("case_id", &id), ("title", " "), ("due_on", "2026-02-30")],
    )
    .await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = error_detail(&body, "invalid_fields")
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "due_on"]);
    let (status, body) = add_task(
        &f,
        &f.para,
        &[
            ("case_id", &id),
            ("title", "Call"),
            ("assignee_id", "nobody"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(error_detail(&body, "invalid")["field"], "assignee_id");
    assert_eq!(
        add_task(&f, &f.para, &[("case_id", "no-such-case"), ("title", "x")])
            .await
            .0,
        404
    );
    assert_eq!(
        get_case(&f, &f.admin, &id).await["tasks"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Deleting is audited like every other change.
    let next_id = next["id"].as_str().unwrap();
    let res = f
        .app
        .call(&f.attorney, "delete_task", &[("task_id", next_id)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        f.app
            .call(&f.attorney, "delete_task", &[("task_id", next_id)])
            .await
            .status(),
        404
    );
    let audit: Value = f
        .app
        .call(&f.admin, "audit_events", &[("object", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["task.create", "task.update", "task.delete"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

async fn the_board_has_a_column_per_stage_with_counts_and_filters(db: Backend) {
    let f = firm(db).await;
    let a = assigned_case(&f).await;
    let (_, b) = open_case(&f, &f.admin, "us_h1b", &[]).await;
    let (_, _c) = open_case(&f, &f.admin, "us_h1b", &[]).await;
    move_to(&f, &f.admin, &a, "eligibility_review", "").await;
    move_to(&f, &f.admin, b["id"].as_str().unwrap(), "withdrawn", "").await;

    let board = |form: Vec<(&'static str, String)>| {
        let (app, who) = (&f.app, &f.para);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = app.call(who, "case_board", &form).await;
            assert_eq!(res.status(), 200);
            let board: Value = res.json().await.unwrap();
            board["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["stage"].as_str().unwrap().to_string(),
                        c["total"].as_i64().unwrap(),
                        c["cards"].as_array().unwrap().len() as i64,
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let all = board(vec![]).await;
    assert_eq!(all.len(), 10, "one column per stage");
    assert_eq!(all[0], ("Intake".to_string(), 1, 1));
    assert_eq!(all[1], ("EligibilityReview".to_string(), 1, 1));
    assert_eq!(all[8], ("Withdrawn".to_string(), 1, 1));
    assert_eq!(all.iter().map(|c| c.1).sum::<i64>(), 3);

    let h1b = board(vec![("programme", "us_h1b".into())]).await;
    assert_eq!(h1b.iter().map(|c| c.1).sum::<i64>(), 2);
    assert_eq!(h1b[1].1, 0);
    let mine = board(vec![("assignee", f.para_id.clone())]).await;
    assert_eq!(mine.iter().map(|c| c.1).sum::<i64>(), 1);

    let res = f
        .app
        .call(&f.para, "case_board", &[("programme", "xx_visa")])
        .await;
    assert_eq!(res.status(), 400);
}

async fn a_new_case_gets_its_programmes_checklist_which_staff_adjust(db: Backend) {
    let f = firm(db).await;
    let id = assigned_case(&f).await; // China K
    let case = get_case(&f, &f.para, &id).await;
    let kinds: Vec<&str> = case["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "Passport",
            "Photo",
            "DegreeCertificate",
            "Transcript",
            "Cv",
            "ResearchOrTeachingProof"
        ]
    );
    assert_eq!(
        case["summary"]["documents"],
        json!({ "accepted": 0, "counted": 5 })
    );
    let item = |case: &Value, n: usize| case["checklist"][n]["id"].as_str().unwrap().to_string();
    let photo = item(&case, 1);

    // Waiving needs a reason, and takes the item out of the count.
    let waive = |who: &'static str, item_id: String, reason: &'static str| {
        let f = &f;
        async move {
            let who = if who == "para" { &f.para } else { &f.attorney };
            let res = f
                .app
                .call(
                    who,
                    "waive_checklist_item",
                    &[
                        ("item_id", item_id.as_str()),
                        ("waive", "true"),
                        ("reason", reason),
                    ],
                )
                .await;
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = waive("para", photo.clone(), "  ").await;
    assert_eq!(status, 400);
    assert_eq!(error_detail(&body, "invalid")["field"], "reason");
    let (status, body) = waive("para", photo.clone(), "Consulate took it at the visit").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"]["Waived"], "Consulate took it at the visit");
    let listed: Value = f
        .app
        .call(
            &f.para,
            "list_cases",
            &[("client_id", f.client_id.as_str())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["cases"][0]["documents"]["counted"], 4);

    // Restoring brings it back; restoring twice is a conflict.
    let restore = [("item_id", photo.as_str()), ("waive", "false")];
    let res = f.app.call(&f.para, "waive_checklist_item", &restore).await;
    assert_eq!(res.status(), 200);
    let res = f.app.call(&f.para, "waive_checklist_item", &restore).await;
    assert_eq!(res.status(), 409);

    // Adding: a known kind once; unknown kinds and repeats are refused.
    let add = |kind: &'static str| {
        let (f, id) = (&f, id.clone());
        async move {
            f.app
                .call(
                    &f.attorney,
                    "add_checklist_item",
                    &[("case_id", id.as_str()), ("kind", kind)],
                )
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(add("health_insurance").await, 200);
    assert_eq!(add("health_insurance").await, 409);
    assert_eq!(add("selfie").await, 400);
    let case = get_case(&f, &f.admin, &id).await;
    assert_eq!(case["checklist"].as_array().unwrap().len(), 7);
    assert_eq!(case["checklist"][6]["kind"], "HealthInsurance");
    assert_eq!(case["summary"]["documents"]["counted"], 6);

    // Only those who may edit the case change its checklist.
    let other = f
        .app
        .user(
            &f.admin,
            "para2@firm.example",
            "paralegal",
            "paralegal two phrase",
        )
        .await;
    let res = f
        .app
        .call(
            &other,
            "waive_checklist_item",
            &[
                ("item_id", photo.as_str()),
                ("waive", "true"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = f
        .app
        .call(
            &f.para,
            "waive_checklist_item",
            &[
                ("item_id", "no-such-item"),
                ("waive", "true"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    let audit: Value = f
        .app
        .call(&f.admin, "audit_events", &[("action", "checklist.")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit.as_array().unwrap().len(), 3, "{audit}");
}
