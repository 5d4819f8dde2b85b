//! Each case's thread between the firm and the applicant: who may read and
//! write, unread counts and "seen" times on both sides, the emails that
//! announce a message (with its text only when the firm allows), and bad
//! input refused with the typed text left alone.

use crate::common::firm::{firm_with, join_portal, opened, Firm};
use crate::common::smtp::SmtpSink;
use crate::common::Backend;
use visadesk_app::domain::mail::FirmProfile;
use visadesk_app::domain::message::{Message, Thread};
use visadesk_app::domain::notice::{NoticeEvent, NoticeKind, NoticePage, NoticeText};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::CaseId;
use visadesk_app::AppError;

on_both_databases!(
    the_firm_and_the_applicant_write_and_see_what_the_other_has_read,
    a_message_email_quotes_the_text_only_when_the_firm_allows_it,
    bad_messages_and_other_peoples_threads_are_refused,
);

async fn setup(db: Backend, sink: &SmtpSink) -> (Firm, reqwest::Client, CaseId) {
    let url = sink.url();
    let f = firm_with(
        db,
        &[
            ("VISADESK_SMTP_URL", url.as_str()),
            ("VISADESK_MAIL_POLL_MS", "100"),
        ],
    )
    .await;
    let para = f.para_id.to_string();
    let case = opened(&f, &f.admin, "cn_z", &[("paralegal_id", &para)]).await;
    let applicant = join_portal(&f).await;
    sink.wait_for(1).await;
    (f, applicant, case.id)
}

async fn thread(f: &Firm, who: &reqwest::Client, case: &CaseId) -> Thread {
    f.app
        .ask(who, "case_thread", &[("case_id", case.as_str())])
        .await
        .expect("the thread")
}

async fn write(
    f: &Firm,
    who: &reqwest::Client,
    case: &CaseId,
    body: &str,
) -> Result<Message, (u16, AppError)> {
    f.app
        .ask(
            who,
            "send_message",
            &[("case_id", case.as_str()), ("body", body)],
        )
        .await
}

async fn the_firm_and_the_applicant_write_and_see_what_the_other_has_read(db: Backend) {
    let sink = SmtpSink::start().await;
    let (f, applicant, case) = setup(db, &sink).await;
    assert!(thread(&f, &applicant, &case).await.messages.is_empty());

    let asked = write(
        &f,
        &applicant,
        &case,
        "  Do you need my old passport too? See https://example.com/scan.  ",
    )
    .await
    .expect("sent");
    assert_eq!(
        asked.body,
        "Do you need my old passport too? See https://example.com/scan."
    );
    assert!(!asked.from_firm);

    // The paralegal on the case hears it: the bell and an email without the text.
    let notices: NoticePage = f
        .app
        .ask(&f.para, "my_notices", &[("page", "0")])
        .await
        .expect("notices");
    assert_eq!(notices.notices[0].kind, NoticeKind::MessageReceived);
    assert_eq!(
        notices.notices[0].what,
        NoticeText::Event(NoticeEvent::MessageReceived {
            by: "Priya Sharma".into(),
            case: opened_reference(&f, &case).await
        })
    );
    let mail = sink.wait_for(2).await;
    let told = mail
        .iter()
        .find(|m| m.to == "para@firm.example")
        .expect("an email to the paralegal");
    assert!(
        !told.text.contains("old passport"),
        "the text stays out by default"
    );

    let staff_view = thread(&f, &f.para, &case).await;
    assert_eq!(staff_view.unread, 1);
    assert!(staff_view.can_write);
    assert!(
        staff_view.other_seen_at.is_some(),
        "writing counts as reading"
    );
    let () = f
        .app
        .ask(&f.para, "mark_thread_seen", &[("case_id", case.as_str())])
        .await
        .expect("seen");
    assert_eq!(thread(&f, &f.para, &case).await.unread, 0);

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let reply = write(&f, &f.para, &case, "Yes please, the photo page only.")
        .await
        .expect("replied");
    assert!(reply.from_firm);
    let mine = thread(&f, &applicant, &case).await;
    assert_eq!(mine.messages.len(), 2);
    assert_eq!(mine.unread, 1);
    let seen_before = mine.other_seen_at.expect("the firm has read the thread");
    assert!(seen_before >= asked.created_at);
    let mail = sink.wait_for(3).await;
    let to_applicant = mail
        .iter()
        .rev()
        .find(|m| m.to == "priya@example.com")
        .expect("the applicant's email");
    assert_eq!(to_applicant.subject, "New message from Visadesk");
    assert!(!to_applicant.text.contains("photo page only"));
    assert_eq!(
        to_applicant.link(&f.app.base),
        Some(format!("{}/portal", f.app.base))
    );

    // The applicant reads it; the firm sees when.
    let () = f
        .app
        .ask(
            &applicant,
            "mark_thread_seen",
            &[("case_id", case.as_str())],
        )
        .await
        .expect("seen");
    let staff_view = thread(&f, &f.attorney, &case).await;
    assert!(staff_view.other_seen_at.expect("seen") >= reply.created_at);
    assert_eq!(
        staff_view.unread, 1,
        "the attorney has not read the applicant's message yet"
    );
    assert!(staff_view.can_write, "attorneys write on any case");
}

async fn opened_reference(f: &Firm, case: &CaseId) -> String {
    let detail: visadesk_app::domain::case::CaseDetail = f
        .app
        .ask(&f.admin, "get_case", &[("id", case.as_str())])
        .await
        .expect("case");
    detail.summary.reference
}

async fn a_message_email_quotes_the_text_only_when_the_firm_allows_it(db: Backend) {
    let sink = SmtpSink::start().await;
    let (f, _applicant, case) = setup(db, &sink).await;
    let saved: FirmProfile = f
        .app
        .ask(
            &f.admin,
            "save_firm_profile",
            &[("name", "Chen & Partners"), ("message_text_in_email", "on")],
        )
        .await
        .expect("saved");
    assert!(saved.message_text_in_email);
    write(
        &f,
        &f.para,
        &case,
        "Your appointment is on <Monday> at 10:00.",
    )
    .await
    .expect("sent");
    let mail = sink.wait_for(2).await.remove(1);
    assert_eq!(mail.subject, "New message from Chen & Partners");
    assert!(
        mail.text
            .contains("> Your appointment is on <Monday> at 10:00."),
        "{}",
        mail.text
    );
    assert!(
        mail.html
            .contains("Your appointment is on &lt;Monday&gt; at 10:00."),
        "{}",
        mail.html
    );
    let off: FirmProfile = f
        .app
        .ask(
            &f.admin,
            "save_firm_profile",
            &[("name", "Chen & Partners")],
        )
        .await
        .expect("saved");
    assert!(!off.message_text_in_email, "an unticked box turns it off");
}

async fn bad_messages_and_other_peoples_threads_are_refused(db: Backend) {
    let sink = SmtpSink::start().await;
    let (f, applicant, case) = setup(db, &sink).await;
    let before = f.app.count("SELECT COUNT(*) AS n FROM case_messages");

    let empty = write(&f, &applicant, &case, " \n ").await;
    assert!(
        matches!(empty, Err((400, AppError::Invalid { ref field, problem: Problem::EmptyMessage })) if field == "body"),
        "{empty:?}"
    );
    let long = write(&f, &applicant, &case, &"a".repeat(10_001)).await;
    assert!(
        matches!(
            long,
            Err((
                400,
                AppError::Invalid {
                    problem: Problem::TooLong { chars: 10_001, .. },
                    ..
                }
            ))
        ),
        "{long:?}"
    );
    let huge = f
        .app
        .call(
            &applicant,
            "send_message",
            &[("case_id", case.as_str()), ("body", &"a".repeat(1 << 20))],
        )
        .await;
    assert_eq!(huge.status(), 413);
    assert!(
        write(&f, &applicant, &case, &"好".repeat(10_000))
            .await
            .is_ok(),
        "10,000 characters fit, in any script"
    );

    // Another client's case, and a case that does not exist, look the same.
    let other = opened_for_other_client(&f).await;
    for id in [other.as_str(), "no-such-case"] {
        let refused = f
            .app
            .ask::<Thread>(&applicant, "case_thread", &[("case_id", id)])
            .await;
        assert!(
            matches!(refused, Err((404, AppError::NotFound(_)))),
            "{refused:?}"
        );
        let refused = f
            .app
            .ask::<Message>(
                &applicant,
                "send_message",
                &[("case_id", id), ("body", "hello")],
            )
            .await;
        assert!(matches!(refused, Err((404, _))), "{refused:?}");
    }
    // Staff who may read a case but not change it cannot write on it.
    let viewer = f
        .app
        .user(
            &f.admin,
            "view@firm.example",
            "viewer",
            "viewer pass phrase",
        )
        .await;
    assert!(!thread(&f, &viewer, &case).await.can_write);
    let refused = write(&f, &viewer, &case, "hello").await;
    assert!(matches!(refused, Err((403, _))), "{refused:?}");
    assert_eq!(
        f.app.count("SELECT COUNT(*) AS n FROM case_messages"),
        before + 1
    );
}

async fn opened_for_other_client(f: &Firm) -> CaseId {
    use visadesk_app::domain::client::SaveOutcome;
    let body = serde_json::json!({ "id": null, "base_version": null, "confirm_duplicate": false, "details": {
        "full_name": "Lukas Becker", "latin_name": "", "email": "lukas@example.com", "phone": "", "address": "",
        "date_of_birth": "1990-02-01", "nationality": "DE", "passport_number": "C01X00T47", "passport_expiry": "2031-01-01",
        "education": [], "work": [], "languages": []
    }});
    let client = match f.app.ask_json(&f.admin, "save_client", &body).await {
        Ok(SaveOutcome::Saved(c)) => c.id,
        other => panic!("not saved: {other:?}"),
    };
    let case: visadesk_app::domain::case::CaseSummary = f
        .app
        .ask(
            &f.admin,
            "create_case",
            &[("client_id", client.as_str()), ("programme", "us_h1b")],
        )
        .await
        .expect("a case");
    case.id
}
