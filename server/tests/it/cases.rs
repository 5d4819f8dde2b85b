//! Cases through the API: references, the stage machine, assignment rules
//! and filters, on SQLite and PostgreSQL.

use crate::common::firm::{firm, move_to, open_case, opened};
use crate::common::{Backend, Refusal};
use visadesk_app::domain::audit::AuditEvent;
use visadesk_app::domain::case::{CaseDetail, CasePage, Dashboard};
use visadesk_app::domain::problem::{CaseAction, Problem};
use visadesk_app::domain::stage::MoveError;
use visadesk_app::domain::{CaseId, Programme, Stage};
use visadesk_app::AppError;

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
    let case = opened(&f, &f.para, "cn_k", &assigned).await;
    let year = case.reference[3..7].to_string();
    assert_eq!(case.reference, format!("VD-{year}-0001"));
    assert_eq!(case.stage, Stage::Intake);
    assert_eq!(case.programme, Programme::ChinaK);
    assert_eq!(
        case.paralegal.map(|p| (p.id, p.display_name)),
        Some((f.para_id.clone(), "Test Person".to_string()))
    );
    let second = opened(&f, &f.attorney, "us_h1b", &[]).await;
    assert_eq!(second.reference, format!("VD-{year}-0002"));

    let id = case.id;
    for to in [
        "eligibility_review",
        "collecting_documents",
        "preparing_application",
        "submitted",
        "awaiting_decision",
    ] {
        let moved = move_to(&f, &f.para, &id, to, "").await;
        assert!(moved.is_ok(), "move to {to}: {moved:?}");
    }
    let detail: CaseDetail = f
        .app
        .ask(&f.para, "get_case", &[("id", id.as_str())])
        .await
        .expect("get case");
    assert_eq!(detail.summary.stage, Stage::AwaitingDecision);
    assert!(
        !detail.filed_on.is_empty(),
        "submitting records the filing date"
    );
    assert_eq!(
        detail.offered_moves,
        vec![Stage::CollectingDocuments, Stage::Withdrawn],
        "a paralegal is not offered Approved or Refused"
    );

    // A request for evidence goes back, then forward again.
    move_to(
        &f,
        &f.para,
        &id,
        "collecting_documents",
        "RFE: bank statements",
    )
    .await
    .expect("back for evidence");
    for to in ["preparing_application", "submitted", "awaiting_decision"] {
        move_to(&f, &f.para, &id, to, "").await.expect(to);
    }
    assert_eq!(
        move_to(&f, &f.para, &id, "approved", "").await,
        Err((
            409,
            AppError::Conflict(Problem::Move(MoveError::OutcomeNeedsAttorney(
                Stage::Approved
            )))
        ))
    );
    let approved = move_to(&f, &f.attorney, &id, "approved", "Visa granted")
        .await
        .expect("the attorney records the decision");
    assert_eq!(approved.summary.stage, Stage::Approved);
    assert!(!approved.decision_on.is_empty());
    let timeline = &approved.timeline;
    assert_eq!(timeline[0].to, Stage::Approved);
    assert_eq!(timeline[0].from, Some(Stage::AwaitingDecision));
    assert_eq!(timeline[0].note, "Visa granted");
    assert!(timeline.iter().any(|m| m.note == "RFE: bank statements"));
    let first = timeline.last().expect("the opening");
    // The opening has no stage before it; pages word it ("Case opened").
    assert_eq!(
        (first.from, first.to, first.note.as_str()),
        (None, Stage::Intake, "")
    );

    let events: Vec<AuditEvent> = f
        .app
        .ask(&f.admin, "audit_events", &[("object", id.as_str())])
        .await
        .expect("audit events");
    assert!(events
        .iter()
        .any(|e| e.summary.ends_with("Awaiting decision → Approved")));
}

async fn the_stage_machine_and_assignments_refuse_what_they_must(db: Backend) {
    let f = firm(db).await;
    let id = opened(&f, &f.attorney, "de_blue_card", &[]).await.id;

    assert_eq!(
        move_to(&f, &f.attorney, &id, "submitted", "").await,
        Err((
            409,
            AppError::Conflict(Problem::Move(MoveError::NotAllowed {
                from: Stage::Intake,
                to: Stage::Submitted
            }))
        )),
        "Intake cannot jump to Submitted"
    );
    // The paralegal is not assigned to this case.
    let Err((403, AppError::NotAllowed(problem))) =
        move_to(&f, &f.para, &id, "eligibility_review", "").await
    else {
        panic!("an unassigned paralegal cannot move the case");
    };
    assert!(
        matches!(
            problem,
            Problem::OnlyCaseTeam {
                action: CaseAction::Move,
                ..
            }
        ),
        "{problem:?}"
    );
    let detail: CaseDetail = f
        .app
        .ask(&f.para, "get_case", &[("id", id.as_str())])
        .await
        .expect("the paralegal reads the case");
    assert!(!detail.can_edit);
    assert_eq!(detail.offered_moves, vec![]);

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
        move_to(&f, &viewer, &id, "eligibility_review", "").await,
        Err((403, AppError::Forbidden))
    );
    assert_eq!(
        open_case(&f, &viewer, "cn_k", &[]).await,
        Err((403, AppError::Forbidden))
    );
    let unknown_stage = move_to(&f, &f.attorney, &id, "nope", "").await;
    assert!(
        matches!(&unknown_stage, Err((400, AppError::Invalid { field, .. })) if field == "stage"),
        "{unknown_stage:?}"
    );
    let nowhere = CaseId::new("no-such-case");
    assert_eq!(
        move_to(&f, &f.attorney, &nowhere, "eligibility_review", "").await,
        Err((404, AppError::NotFound("case".into())))
    );
    let missing: Result<CaseDetail, Refusal> = f
        .app
        .ask(&f.attorney, "get_case", &[("id", nowhere.as_str())])
        .await;
    assert_eq!(missing, Err((404, AppError::NotFound("case".into()))));
    // Assignments must name active staff of the right role.
    let wrong_role = open_case(
        &f,
        &f.attorney,
        "cn_k",
        &[("paralegal_id", f.attorney_id.as_str())],
    )
    .await;
    assert!(
        matches!(&wrong_role, Err((400, AppError::Invalid { field, .. })) if field == "paralegal_id"),
        "{wrong_role:?}"
    );
    let unknown_programme = open_case(&f, &f.attorney, "xx_visa", &[]).await;
    assert!(
        matches!(&unknown_programme, Err((400, AppError::Invalid { field, .. })) if field == "programme"),
        "{unknown_programme:?}"
    );
    let bad_date = open_case(
        &f,
        &f.attorney,
        "cn_k",
        &[("target_filing_on", "2026-02-30")],
    )
    .await;
    assert!(
        matches!(&bad_date, Err((400, AppError::Invalid { field, .. })) if field == "target_filing_on"),
        "{bad_date:?}"
    );
}

async fn cases_are_filtered_by_stage_programme_assignee_and_overdue(db: Backend) {
    let f = firm(db).await;
    let mine = [("paralegal_id", f.para_id.as_str())];
    let a = opened(&f, &f.admin, "cn_k", &mine).await;
    opened(
        &f,
        &f.admin,
        "us_h1b",
        &[("target_filing_on", "2020-01-01")],
    )
    .await;
    opened(
        &f,
        &f.admin,
        "us_h1b",
        &[("target_filing_on", "2999-01-01")],
    )
    .await;
    move_to(&f, &f.admin, &a.id, "eligibility_review", "")
        .await
        .expect("moved");

    let list = |form: Vec<(&'static str, String)>| {
        let (app, admin) = (&f.app, &f.admin);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let page: CasePage = app
                .ask(admin, "list_cases", &form)
                .await
                .expect("list cases");
            page.total
        }
    };
    assert_eq!(list(vec![]).await, 3);
    assert_eq!(list(vec![("programme", "us_h1b".into())]).await, 2);
    assert_eq!(list(vec![("stage", "eligibility_review".into())]).await, 1);
    assert_eq!(list(vec![("assignee", f.para_id.to_string())]).await, 1);
    assert_eq!(list(vec![("overdue", "true".into())]).await, 1);
    assert_eq!(list(vec![("client_id", f.client_id.to_string())]).await, 3);
    let limbo: Result<CasePage, Refusal> = f
        .app
        .ask(&f.admin, "list_cases", &[("stage", "limbo")])
        .await;
    assert!(
        matches!(&limbo, Err((400, AppError::Invalid { field, .. })) if field == "stage"),
        "{limbo:?}"
    );
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
    let a = opened(
        &f,
        &f.admin,
        "cn_k",
        &[
            ("paralegal_id", f.para_id.as_str()),
            ("target_filing_on", soon.as_str()),
        ],
    )
    .await;
    opened(&f, &f.admin, "cn_k", &[("target_filing_on", past.as_str())]).await;
    opened(&f, &f.admin, "us_h1b", &[]).await;
    move_to(&f, &f.admin, &a.id, "eligibility_review", "")
        .await
        .expect("moved");

    let d: Dashboard = f
        .app
        .ask(&f.para, "dashboard", &[])
        .await
        .expect("dashboard");
    let stage = |s: Stage| d.by_stage.iter().find(|(x, _)| *x == s).map(|(_, n)| *n);
    let programme = |p: Programme| {
        d.by_programme
            .iter()
            .find(|(x, _)| *x == p)
            .map(|(_, n)| *n)
    };
    assert_eq!(stage(Stage::Intake), Some(2));
    assert_eq!(stage(Stage::EligibilityReview), Some(1));
    assert_eq!(stage(Stage::Approved), Some(0));
    assert_eq!(programme(Programme::ChinaK), Some(2));
    assert_eq!(programme(Programme::UsH1b), Some(1));
    let mine: Vec<&CaseId> = d.mine.iter().map(|c| &c.id).collect();
    assert_eq!(mine, vec![&a.id]);
    assert_eq!(d.deadlines.len(), 1);
    assert_eq!(d.deadlines[0].due_on, soon);
    assert_eq!(d.deadlines[0].what, "Target filing");
    assert_eq!(d.deadlines[0].case_id, a.id);
    assert_eq!(d.overdue, 1);

    let viewer = f
        .app
        .user(
            &f.admin,
            "view@firm.example",
            "viewer",
            "viewer pass phrase",
        )
        .await;
    let seen: Result<Dashboard, Refusal> = f.app.ask(&viewer, "dashboard", &[]).await;
    assert!(seen.is_ok(), "{seen:?}");
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
