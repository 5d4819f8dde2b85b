//! Private calendar feeds, read with a real iCalendar parser (Python's
//! `icalendar`): the right events for the right person, and a URL that
//! stops working when renewed, revoked or its owner is deactivated.

use crate::common::firm::{firm, opened, Firm};
use crate::common::smtp::python;
use crate::common::Backend;
use serde::Deserialize;
use std::io::Write;
use std::process::{Command, Stdio};
use visadesk_app::domain::account::{CalendarFeed, NewCalendarFeed};
use visadesk_app::domain::task::Task;
use visadesk_app::domain::UserSummary;
use visadesk_app::AppError;

on_both_databases!(
    a_feed_holds_ones_tasks_and_filing_dates_and_parses,
    a_renewed_or_revoked_feed_answers_404,
);

#[derive(Debug, Deserialize)]
struct Parsed {
    name: String,
    version: String,
    events: Vec<Event>,
}

#[derive(Debug, Deserialize)]
struct Event {
    uid: String,
    summary: String,
    description: String,
    url: String,
    start: String,
    end: String,
}

fn parse(ics: &str) -> Parsed {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/parse_ics.py");
    let mut child = Command::new(python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(ics.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("parse");
    assert!(
        out.status.success(),
        "icalendar refused the feed: {}\n{ics}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

async fn fetch(f: &Firm, path: &str) -> (u16, String, String) {
    let res = reqwest::get(f.app.url(path)).await.expect("get");
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, kind, res.text().await.expect("body"))
}

async fn task(f: &Firm, case: &str, title: &str, due: &str, assignee: &str) -> Task {
    f.app
        .ask(
            &f.admin,
            "add_task",
            &[
                ("case_id", case),
                ("title", title),
                ("due_on", due),
                ("assignee_id", assignee),
            ],
        )
        .await
        .expect("a task")
}

async fn a_feed_holds_ones_tasks_and_filing_dates_and_parses(db: Backend) {
    let f = firm(db).await;
    let (att, para) = (f.attorney_id.to_string(), f.para_id.to_string());
    let case = opened(
        &f,
        &f.admin,
        "cn_k",
        &[
            ("attorney_id", &att),
            ("paralegal_id", &para),
            ("target_filing_on", "2027-01-15"),
        ],
    )
    .await;
    let case_id = case.id.to_string();
    let mine = task(
        &f,
        &case_id,
        "Draft the cover letter, then sign",
        "2026-12-20",
        &att,
    )
    .await;
    let unassigned = task(
        &f,
        &case_id,
        "Chase the employer's letter",
        "2026-12-22",
        "",
    )
    .await;
    task(&f, &case_id, "Book the translator", "2026-12-21", &para).await;
    let done = task(&f, &case_id, "Already done", "2026-12-19", &att).await;
    let _: Task = f
        .app
        .ask(
            &f.admin,
            "set_task_done",
            &[("task_id", done.id.as_str()), ("done", "true")],
        )
        .await
        .expect("done");
    task(&f, &case_id, "No date", "", &att).await;

    let none: CalendarFeed = f
        .app
        .ask(&f.attorney, "my_calendar_feed", &[])
        .await
        .expect("feed");
    assert_eq!(none.created_at, None);
    let feed: NewCalendarFeed = f
        .app
        .ask(&f.attorney, "renew_calendar_feed", &[])
        .await
        .expect("made");
    assert!(feed.path.starts_with("/calendar/") && feed.path.ends_with(".ics"));
    let (status, kind, ics) = fetch(&f, &feed.path).await;
    assert_eq!(status, 200);
    assert_eq!(kind, "text/calendar; charset=utf-8");
    let parsed = parse(&ics);
    assert_eq!(parsed.version, "2.0");
    assert_eq!(parsed.name, "Visadesk: Test Person");
    let summaries: Vec<&str> = parsed.events.iter().map(|e| e.summary.as_str()).collect();
    let reference = case.reference.clone();
    assert_eq!(
        summaries,
        vec![
            format!("Draft the cover letter, then sign ({reference})"),
            format!("Chase the employer's letter ({reference})"),
            format!("Target filing: {reference} (China K visa)"),
        ],
        "the attorney's own task, the unassigned one on their case, the filing date"
    );
    let first = &parsed.events[0];
    assert_eq!(
        (first.start.as_str(), first.end.as_str()),
        ("2026-12-20", "2026-12-21")
    );
    assert_eq!(first.uid, format!("task-{}@127.0.0.1", mine.id));
    assert_eq!(first.url, f.app.url(&format!("/cases/{case_id}")));
    assert!(first.description.contains("Priya Sharma"));
    assert_eq!(
        parsed.events[1].uid,
        format!("task-{}@127.0.0.1", unassigned.id)
    );
    assert_eq!(parsed.events[2].start, "2027-01-15");

    // The paralegal's feed: their task and the filing date, not the attorney's.
    let para_feed: NewCalendarFeed = f
        .app
        .ask(&f.para, "renew_calendar_feed", &[])
        .await
        .expect("made");
    let parsed = parse(&fetch(&f, &para_feed.path).await.2);
    let summaries: Vec<&str> = parsed.events.iter().map(|e| e.summary.as_str()).collect();
    assert_eq!(
        summaries,
        vec![
            format!("Book the translator ({reference})"),
            format!("Target filing: {reference} (China K visa)")
        ]
    );
    // The token stays out of the access log.
    let token = feed
        .path
        .trim_start_matches("/calendar/")
        .trim_end_matches(".ics");
    assert!(!f.app.log().contains(token));
}

async fn a_renewed_or_revoked_feed_answers_404(db: Backend) {
    let f = firm(db).await;
    let first: NewCalendarFeed = f
        .app
        .ask(&f.para, "renew_calendar_feed", &[])
        .await
        .expect("made");
    assert_eq!(fetch(&f, &first.path).await.0, 200);
    let second: NewCalendarFeed = f
        .app
        .ask(&f.para, "renew_calendar_feed", &[])
        .await
        .expect("renewed");
    assert_ne!(first.path, second.path);
    let (status, _, body) = fetch(&f, &first.path).await;
    assert_eq!(status, 404);
    assert!(body.contains("revoked"), "{body}");
    assert_eq!(fetch(&f, &second.path).await.0, 200);
    let shown: CalendarFeed = f
        .app
        .ask(&f.para, "my_calendar_feed", &[])
        .await
        .expect("feed");
    assert_eq!(shown.created_at, Some(second.created_at));

    let () = f
        .app
        .ask(&f.para, "revoke_calendar_feed", &[])
        .await
        .expect("revoked");
    assert_eq!(fetch(&f, &second.path).await.0, 404);
    let again = f.app.ask::<()>(&f.para, "revoke_calendar_feed", &[]).await;
    assert!(
        matches!(again, Err((404, AppError::NotFound(_)))),
        "{again:?}"
    );
    assert_eq!(fetch(&f, "/calendar/not-a-token.ics").await.0, 404);

    // A deactivated account's feed stops too.
    let third: NewCalendarFeed = f
        .app
        .ask(&f.attorney, "renew_calendar_feed", &[])
        .await
        .expect("made");
    let _: UserSummary = f
        .app
        .ask(
            &f.admin,
            "set_user_active",
            &[("user_id", f.attorney_id.as_str()), ("active", "false")],
        )
        .await
        .expect("deactivated");
    assert_eq!(fetch(&f, &third.path).await.0, 404);
    assert_eq!(f.app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('calendar.renew', 'calendar.revoke')"), 4);
}
