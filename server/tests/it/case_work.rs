//! Daily work on a case through the API: editing its details with version
//! conflicts, tasks and deadlines, and the board, on SQLite and PostgreSQL.

use crate::common::firm::{firm, move_to, opened, Firm};
use crate::common::{Backend, Refusal};
use serde_json::json;
use visadesk_app::domain::audit::AuditEvent;
use visadesk_app::domain::case::{
    Board, CaseDetail, CaseEdit, CasePage, CaseSaveOutcome, Dashboard, Priority,
};
use visadesk_app::domain::checklist::{ChecklistItem, DocumentKind, ItemStatus, Progress};
use visadesk_app::domain::date::Date;
use visadesk_app::domain::problem::{Problem, Thing};
use visadesk_app::domain::task::Task;
use visadesk_app::domain::{CaseId, Stage};
use visadesk_app::AppError;

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

async fn get_case(f: &Firm, who: &reqwest::Client, id: &CaseId) -> CaseDetail {
    f.app
        .ask(who, "get_case", &[("id", id.as_str())])
        .await
        .expect("get case")
}

async fn update(
    f: &Firm,
    who: &reqwest::Client,
    id: &CaseId,
    base_version: i64,
    edit: &CaseEdit,
) -> Result<CaseSaveOutcome, Refusal> {
    let body = json!({ "id": id, "base_version": base_version, "edit": edit });
    f.app.ask_json(who, "update_case", &body).await
}

/// A refusal of one field, named.
fn invalid_field<T: std::fmt::Debug>(outcome: &Result<T, Refusal>) -> &str {
    match outcome {
        Err((400, AppError::Invalid { field, .. })) => field,
        other => panic!("not a refused field: {other:?}"),
    }
}

/// The fields of a refusal of several, in order.
fn invalid_fields<T: std::fmt::Debug>(outcome: &Result<T, Refusal>) -> Vec<&str> {
    match outcome {
        Err((400, AppError::InvalidFields(list))) => {
            list.iter().map(|m| m.field.as_str()).collect()
        }
        other => panic!("not refused field by field: {other:?}"),
    }
}

async fn audit(f: &Firm, form: &[(&str, &str)]) -> Vec<AuditEvent> {
    f.app
        .ask(&f.admin, "audit_events", form)
        .await
        .expect("audit events")
}

async fn assigned_case(f: &Firm) -> CaseId {
    opened(
        f,
        &f.admin,
        "cn_k",
        &[
            ("paralegal_id", f.para_id.as_str()),
            ("attorney_id", f.attorney_id.as_str()),
        ],
    )
    .await
    .id
}

async fn a_second_save_over_a_newer_version_is_a_conflict_not_an_overwrite(db: Backend) {
    let f = firm(db).await;
    let id = assigned_case(&f).await;
    // Both open the case at the same version.
    let seen_by_attorney = get_case(&f, &f.attorney, &id).await;
    let seen_by_para = get_case(&f, &f.para, &id).await;
    assert_eq!(seen_by_attorney.version, seen_by_para.version);

    let para_edit = CaseEdit {
        target_filing_on: "2027-01-15".into(),
        internal_notes: "Employer letter promised for Friday.".into(),
        ..CaseEdit::of(&seen_by_para)
    };
    let outcome = update(&f, &f.para, &id, seen_by_para.version, &para_edit).await;
    let Ok(CaseSaveOutcome::Saved(saved)) = outcome else {
        panic!("the first save goes through: {outcome:?}");
    };
    assert_eq!(saved.summary.target_filing_on, "2027-01-15");
    assert_eq!(saved.version, seen_by_para.version + 1);

    let attorney_edit = CaseEdit {
        priority: "urgent".into(),
        ..CaseEdit::of(&seen_by_attorney)
    };
    let outcome = update(
        &f,
        &f.attorney,
        &id,
        seen_by_attorney.version,
        &attorney_edit,
    )
    .await;
    let Ok(CaseSaveOutcome::Conflict(current)) = outcome else {
        panic!("a save over the older version is a conflict: {outcome:?}");
    };
    assert_eq!(current.summary.target_filing_on, "2027-01-15");
    assert_eq!(
        current.summary.priority,
        Priority::Normal,
        "nothing was overwritten"
    );
    let stored = get_case(&f, &f.admin, &id).await;
    assert_eq!(
        stored.internal_notes,
        "Employer letter promised for Friday."
    );
    assert_eq!(stored.summary.priority, Priority::Normal);

    // Saving again over the version the conflict returned goes through;
    // here the attorney took the paralegal's changes into their edit.
    let merged = CaseEdit {
        priority: attorney_edit.priority.clone(),
        ..CaseEdit::of(&current)
    };
    let outcome = update(&f, &f.attorney, &id, current.version, &merged).await;
    let Ok(CaseSaveOutcome::Saved(saved)) = outcome else {
        panic!("the merged save goes through: {outcome:?}");
    };
    assert_eq!(saved.summary.priority, Priority::Urgent);

    // A stage move also bumps the version: a form opened before it conflicts.
    let before_move = get_case(&f, &f.attorney, &id).await;
    move_to(&f, &f.attorney, &id, "eligibility_review", "")
        .await
        .expect("moved");
    let outcome = update(
        &f,
        &f.attorney,
        &id,
        before_move.version,
        &CaseEdit::of(&before_move),
    )
    .await;
    assert!(
        matches!(outcome, Ok(CaseSaveOutcome::Conflict(_))),
        "{outcome:?}"
    );

    let events = audit(&f, &[("action", "case.update")]).await;
    let summaries: Vec<&str> = events.iter().map(|e| e.summary.as_str()).collect();
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
    let version = case.version;

    let bad = CaseEdit {
        priority: "critical".into(),
        filed_on: "2001-01-01".into(),
        decision_on: "2026-02-30".into(),
        internal_notes: "x".repeat(20_001),
        ..CaseEdit::of(&case)
    };
    let refused = update(&f, &f.attorney, &id, version, &bad).await;
    assert_eq!(
        invalid_fields(&refused),
        ["priority", "decision_on", "filed_on", "internal_notes"]
    );
    let Err((_, error)) = &refused else {
        panic!("refused");
    };
    assert_eq!(
        error.problem_for("filed_on"),
        Some(&Problem::DateBefore {
            thing: Thing::FilingDate,
            other: Thing::OpeningDate,
            on: Some(case.opened_on.clone())
        })
    );
    assert!(matches!(
        error.problem_for("internal_notes"),
        Some(Problem::TooLong { chars: 20_001, .. })
    ));

    // A paralegal edits their case but cannot hand it over.
    let handover = CaseEdit {
        paralegal_id: String::new(),
        ..CaseEdit::of(&case)
    };
    let refused = update(&f, &f.para, &id, version, &handover).await;
    assert_eq!(invalid_field(&refused), "paralegal_id");
    assert!(!get_case(&f, &f.para, &id).await.can_assign);
    assert!(get_case(&f, &f.attorney, &id).await.can_assign);

    // Assignees must be active staff of the right role.
    let wrong = CaseEdit {
        attorney_id: f.para_id.to_string(),
        ..CaseEdit::of(&case)
    };
    let refused = update(&f, &f.attorney, &id, version, &wrong).await;
    assert_eq!(invalid_field(&refused), "attorney_id");

    // An unknown case is 404; a body that can't be read is 400.
    let nowhere = CaseId::new("no-such-case");
    assert_eq!(
        update(&f, &f.attorney, &nowhere, version, &CaseEdit::of(&case)).await,
        Err((404, AppError::NotFound("case".into())))
    );
    let unreadable: Result<CaseSaveOutcome, Refusal> = f
        .app
        .ask_json(&f.attorney, "update_case", &json!({ "id": id }))
        .await;
    assert!(
        matches!(unreadable, Err((400, AppError::Request(_)))),
        "{unreadable:?}"
    );
    assert_eq!(
        get_case(&f, &f.admin, &id).await.version,
        version,
        "nothing was saved"
    );
}

async fn add_task(f: &Firm, who: &reqwest::Client, form: &[(&str, &str)]) -> Result<Task, Refusal> {
    f.app.ask(who, "add_task", form).await
}

async fn overdue_cases(f: &Firm) -> i64 {
    let page: CasePage = f
        .app
        .ask(&f.admin, "list_cases", &[("overdue", "true")])
        .await
        .expect("list cases");
    page.total
}

async fn tasks_are_added_done_and_deleted_and_overdue_ones_are_flagged(db: Backend) {
    let f = firm(db).await;
    let id = assigned_case(&f).await;
    let (yesterday, soon) = (day(-1), day(3));

    let late = add_task(
        &f,
        &f.para,
        &[
            ("case_id", id.as_str()),
            ("title", "Collect degree certificate"),
            ("due_on", &yesterday),
            ("assignee_id", f.para_id.as_str()),
        ],
    )
    .await
    .expect("task added");
    assert!(late.overdue);
    assert_eq!(late.case_id, id);
    assert_eq!(late.assignee.as_ref().map(|p| &p.id), Some(&f.para_id));
    let next = add_task(
        &f,
        &f.attorney,
        &[
            ("case_id", id.as_str()),
            ("title", "Review CV"),
            ("due_on", &soon),
        ],
    )
    .await
    .expect("task added");
    assert!(!next.overdue);

    let case = get_case(&f, &f.admin, &id).await;
    let titles: Vec<&str> = case.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Collect degree certificate", "Review CV"]);

    // Overdue tasks make the case overdue; due-soon tasks are deadlines.
    assert_eq!(overdue_cases(&f).await, 1);
    let d: Dashboard = f
        .app
        .ask(&f.para, "dashboard", &[])
        .await
        .expect("dashboard");
    assert_eq!(d.overdue, 1);
    assert_eq!(d.deadlines.len(), 1, "{:?}", d.deadlines);
    assert_eq!(d.deadlines[0].what, "Review CV");
    assert!(d.deadlines[0].is_task);
    assert_eq!(d.deadlines[0].due_on, soon);

    // Done: no longer overdue, and the case leaves the overdue list.
    let done: Task = f
        .app
        .ask(
            &f.para,
            "set_task_done",
            &[("task_id", late.id.as_str()), ("done", "true")],
        )
        .await
        .expect("marked done");
    assert_eq!((done.done, done.overdue), (true, false));
    assert!(done.done_at.is_some());
    assert_eq!(overdue_cases(&f).await, 0);

    // Bad input gets field messages and adds nothing.
    let refused = add_task(
        &f,
        &f.para,
        &[
            ("case_id", id.as_str()),
            ("title", " "),
            ("due_on", "2026-02-30"),
        ],
    )
    .await;
    assert_eq!(invalid_fields(&refused), ["title", "due_on"]);
    let refused = add_task(
        &f,
        &f.para,
        &[
            ("case_id", id.as_str()),
            ("title", "Call"),
            ("assignee_id", "nobody"),
        ],
    )
    .await;
    assert_eq!(invalid_field(&refused), "assignee_id");
    assert_eq!(
        add_task(&f, &f.para, &[("case_id", "no-such-case"), ("title", "x")]).await,
        Err((404, AppError::NotFound("case".into())))
    );
    assert_eq!(get_case(&f, &f.admin, &id).await.tasks.len(), 2);

    // Deleting is audited like every other change.
    let delete = [("task_id", next.id.as_str())];
    let deleted: Result<(), Refusal> = f.app.ask(&f.attorney, "delete_task", &delete).await;
    assert_eq!(deleted, Ok(()));
    let again: Result<(), Refusal> = f.app.ask(&f.attorney, "delete_task", &delete).await;
    assert!(
        matches!(again, Err((404, AppError::NotFound(_)))),
        "{again:?}"
    );
    let events = audit(&f, &[("object", id.as_str())]).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for action in ["task.create", "task.update", "task.delete"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

async fn the_board_has_a_column_per_stage_with_counts_and_filters(db: Backend) {
    let f = firm(db).await;
    let a = assigned_case(&f).await;
    let b = opened(&f, &f.admin, "us_h1b", &[]).await.id;
    opened(&f, &f.admin, "us_h1b", &[]).await;
    move_to(&f, &f.admin, &a, "eligibility_review", "")
        .await
        .expect("moved");
    move_to(&f, &f.admin, &b, "withdrawn", "")
        .await
        .expect("withdrawn");

    let board = |form: Vec<(&'static str, String)>| {
        let (app, who) = (&f.app, &f.para);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let board: Board = app.ask(who, "case_board", &form).await.expect("the board");
            board
                .columns
                .into_iter()
                .map(|c| (c.stage, c.total, c.cards.len() as i64))
                .collect::<Vec<_>>()
        }
    };
    let all = board(vec![]).await;
    let stages: Vec<Stage> = all.iter().map(|c| c.0).collect();
    assert_eq!(
        stages,
        Stage::ALL,
        "one column per stage, in pipeline order"
    );
    assert_eq!(all[0], (Stage::Intake, 1, 1));
    assert_eq!(all[1], (Stage::EligibilityReview, 1, 1));
    assert_eq!(all[8], (Stage::Withdrawn, 1, 1));
    assert_eq!(all.iter().map(|c| c.1).sum::<i64>(), 3);

    let h1b = board(vec![("programme", "us_h1b".into())]).await;
    assert_eq!(h1b.iter().map(|c| c.1).sum::<i64>(), 2);
    assert_eq!(h1b[1].1, 0);
    let mine = board(vec![("assignee", f.para_id.to_string())]).await;
    assert_eq!(mine.iter().map(|c| c.1).sum::<i64>(), 1);

    let unknown: Result<Board, Refusal> = f
        .app
        .ask(&f.para, "case_board", &[("programme", "xx_visa")])
        .await;
    assert!(
        matches!(&unknown, Err((400, AppError::Invalid { field, .. })) if field == "programme"),
        "{unknown:?}"
    );
}

async fn a_new_case_gets_its_programmes_checklist_which_staff_adjust(db: Backend) {
    let f = firm(db).await;
    let id = assigned_case(&f).await; // China K
    let case = get_case(&f, &f.para, &id).await;
    let kinds: Vec<DocumentKind> = case.checklist.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            DocumentKind::Passport,
            DocumentKind::Photo,
            DocumentKind::DegreeCertificate,
            DocumentKind::Transcript,
            DocumentKind::Cv,
            DocumentKind::ResearchOrTeachingProof,
        ]
    );
    assert_eq!(
        case.summary.documents,
        Progress {
            accepted: 0,
            counted: 5
        }
    );
    let photo = case.checklist[1].id.clone();

    // Waiving needs a reason, and takes the item out of the count.
    let waive = |who: &'static str, reason: &'static str| {
        let (f, photo) = (&f, photo.clone());
        async move {
            let who = if who == "para" { &f.para } else { &f.attorney };
            let answer: Result<ChecklistItem, Refusal> = f
                .app
                .ask(
                    who,
                    "waive_checklist_item",
                    &[
                        ("item_id", photo.as_str()),
                        ("waive", "true"),
                        ("reason", reason),
                    ],
                )
                .await;
            answer
        }
    };
    assert_eq!(invalid_field(&waive("para", "  ").await), "reason");
    let waived = waive("para", "Consulate took it at the visit")
        .await
        .expect("waived");
    assert_eq!(
        waived.status,
        ItemStatus::Waived("Consulate took it at the visit".into())
    );
    let listed: CasePage = f
        .app
        .ask(
            &f.para,
            "list_cases",
            &[("client_id", f.client_id.as_str())],
        )
        .await
        .expect("list cases");
    assert_eq!(listed.cases[0].documents.counted, 4);

    // Restoring brings it back; restoring twice is a conflict.
    let restore = [("item_id", photo.as_str()), ("waive", "false")];
    let restored: Result<ChecklistItem, Refusal> =
        f.app.ask(&f.para, "waive_checklist_item", &restore).await;
    assert_eq!(restored.map(|i| i.status), Ok(ItemStatus::Missing));
    let twice: Result<ChecklistItem, Refusal> =
        f.app.ask(&f.para, "waive_checklist_item", &restore).await;
    assert!(
        matches!(twice, Err((409, AppError::Conflict(_)))),
        "{twice:?}"
    );

    // Adding: a known kind once; unknown kinds and repeats are refused.
    let add = |kind: &'static str| {
        let (f, id) = (&f, id.clone());
        async move {
            let answer: Result<ChecklistItem, Refusal> = f
                .app
                .ask(
                    &f.attorney,
                    "add_checklist_item",
                    &[("case_id", id.as_str()), ("kind", kind)],
                )
                .await;
            answer.map(|item| item.kind).map_err(|(status, _)| status)
        }
    };
    assert_eq!(
        add("health_insurance").await,
        Ok(DocumentKind::HealthInsurance)
    );
    assert_eq!(add("health_insurance").await, Err(409));
    assert_eq!(add("selfie").await, Err(400));
    let case = get_case(&f, &f.admin, &id).await;
    assert_eq!(case.checklist.len(), 7);
    assert_eq!(case.checklist[6].kind, DocumentKind::HealthInsurance);
    assert_eq!(case.summary.documents.counted, 6);

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
    let waive_as = |who: &reqwest::Client, item: &str| {
        let form = [
            ("item_id", item.to_string()),
            ("waive", "true".into()),
            ("reason", "x".into()),
        ];
        let (app, who) = (&f.app, who.clone());
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer: Result<ChecklistItem, Refusal> =
                app.ask(&who, "waive_checklist_item", &form).await;
            answer.map_err(|(status, _)| status).map(|_| ())
        }
    };
    assert_eq!(waive_as(&other, photo.as_str()).await, Err(403));
    assert_eq!(waive_as(&f.para, "no-such-item").await, Err(404));
    let events = audit(&f, &[("action", "checklist.")]).await;
    assert_eq!(events.len(), 3, "{events:?}");
}
