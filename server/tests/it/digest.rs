//! Each person's email choices (at once, in the daily digest, or not by
//! email; security email always), and the daily digest at the firm's hour,
//! sent once per day even with several instances.

use crate::common::firm::{firm_with, opened, Firm};
use crate::common::smtp::{Received, SmtpSink};
use crate::common::{Backend, Refusal};
use crate::notices::firm_with_applicant;
use std::time::Duration;
use visadesk_app::domain::date::Date;
use visadesk_app::domain::delivery::{Delivery, DigestSchedule, MailPreferences};
use visadesk_app::domain::mail::MailCategory;
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::task::Task;
use visadesk_app::domain::CaseId;
use visadesk_app::i18n::{format, Locale};
use visadesk_app::AppError;

on_both_databases!(
    each_person_chooses_how_email_comes_and_security_email_always_does,
    the_daily_digest_holds_the_agenda_and_the_news_and_goes_out_once_a_day,
    the_digest_schedule_takes_a_known_time_zone_and_an_hour_of_the_day,
);

fn env(sink: &SmtpSink, digest_check_secs: &str) -> Vec<(&'static str, String)> {
    vec![
        ("VISADESK_SMTP_URL", sink.url()),
        ("VISADESK_MAIL_POLL_MS", "100".into()),
        ("VISADESK_DIGEST_CHECK_SECS", digest_check_secs.into()),
    ]
}

fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn choose(
    f: &Firm,
    who: &reqwest::Client,
    form: &[(&str, &str)],
) -> Result<MailPreferences, Refusal> {
    f.app.ask(who, "save_mail_preferences", form).await
}

fn delivery_of(prefs: &MailPreferences, category: MailCategory) -> Option<Delivery> {
    prefs
        .preferences
        .iter()
        .find(|p| p.category == category)
        .map(|p| p.delivery)
}

/// Gives `assignee` a task on the case, due on `due` (may be empty).
async fn add_task(f: &Firm, case_id: &CaseId, title: &str, due: &str, assignee: &str) -> Task {
    f.app
        .ask(
            &f.admin,
            "add_task",
            &[
                ("case_id", case_id.as_str()),
                ("title", title),
                ("due_on", due),
                ("assignee_id", assignee),
            ],
        )
        .await
        .expect("a task")
}

/// Sets when the digest goes out, as `who`.
async fn schedule(
    f: &Firm,
    who: &reqwest::Client,
    time_zone: &str,
    hour: &str,
) -> Result<DigestSchedule, Refusal> {
    f.app
        .ask(
            who,
            "save_digest_schedule",
            &[("time_zone", time_zone), ("hour", hour)],
        )
        .await
}

fn to<'a>(mail: &'a [Received], address: &str) -> Vec<&'a Received> {
    mail.iter().filter(|m| m.to == address).collect()
}

/// Waits until nothing new has arrived for a second, and returns it all.
async fn settled(sink: &SmtpSink) -> Vec<Received> {
    let mut seen = sink.received().len();
    loop {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let now = sink.received().len();
        if now == seen {
            return sink.received();
        }
        seen = now;
    }
}

fn utc_day(offset_days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    Date::from_unix(now + offset_days * 86_400).to_string()
}

async fn each_person_chooses_how_email_comes_and_security_email_always_does(db: Backend) {
    let sink = SmtpSink::start().await;
    let (f, applicant, case_id) = firm_with_applicant(db, &sink).await;
    let att = f.attorney_id.to_string();

    // Until they choose, everything comes at once (and staff get the digest).
    let mine: MailPreferences = f
        .app
        .ask(&applicant, "my_mail_preferences", &[])
        .await
        .expect("the applicant's choices");
    let categories: Vec<MailCategory> = mine.preferences.iter().map(|p| p.category).collect();
    assert_eq!(
        categories,
        vec![
            MailCategory::StageChanged,
            MailCategory::DocumentReviewed,
            MailCategory::ItemAdded,
            MailCategory::Message
        ]
    );
    assert!(mine
        .preferences
        .iter()
        .all(|p| p.delivery == Delivery::AtOnce));
    assert_eq!(
        mine.always,
        vec![
            MailCategory::PasswordReset,
            MailCategory::PasswordChanged,
            MailCategory::SecurityAlert
        ]
    );
    let staff: MailPreferences = f
        .app
        .ask(&f.para, "my_mail_preferences", &[])
        .await
        .expect("the paralegal's choices");
    assert_eq!(
        delivery_of(&staff, MailCategory::Digest),
        Some(Delivery::Digest)
    );
    assert_eq!(delivery_of(&staff, MailCategory::StageChanged), None);

    // What cannot be chosen is refused by name, and nothing is saved.
    let refused = choose(
        &f,
        &applicant,
        &[
            ("choices[message]", "off"),
            ("choices[task_assigned]", "off"),
        ],
    )
    .await;
    assert_eq!(
        refused,
        Err((
            400,
            AppError::Invalid {
                field: "choices[task_assigned]".into(),
                problem: Problem::MailNotSent(MailCategory::TaskAssigned)
            }
        )),
        "a staff category for an applicant"
    );
    let refused = choose(&f, &f.attorney, &[("choices[digest]", "at_once")]).await;
    assert!(
        matches!(&refused, Err((400, AppError::Invalid { field, .. })) if field == "choices[digest]"),
        "{refused:?}"
    );
    let refused = choose(&f, &f.attorney, &[("choices[password_reset]", "off")]).await;
    let Err((400, AppError::Request(problem))) = refused else {
        panic!("a security email cannot be turned off: {refused:?}");
    };
    assert!(problem.to_string().contains("password_reset"), "{problem}");
    let refused = choose(&f, &f.attorney, &[("choices[message]", "weekly")]).await;
    assert!(matches!(refused, Err((400, _))), "{refused:?}");
    let unchanged: MailPreferences = f
        .app
        .ask(&applicant, "my_mail_preferences", &[])
        .await
        .expect("choices");
    assert_eq!(
        delivery_of(&unchanged, MailCategory::Message),
        Some(Delivery::AtOnce),
        "a refused save changes nothing"
    );

    // The applicant: stage news in the digest, reviews not at all, the rest at once.
    let saved = choose(
        &f,
        &applicant,
        &[
            ("choices[stage_changed]", "digest"),
            ("choices[document_reviewed]", "off"),
        ],
    )
    .await
    .expect("saved");
    assert_eq!(
        delivery_of(&saved, MailCategory::StageChanged),
        Some(Delivery::Digest)
    );
    assert_eq!(
        delivery_of(&saved, MailCategory::DocumentReviewed),
        Some(Delivery::Off)
    );
    assert_eq!(
        delivery_of(&saved, MailCategory::Message),
        Some(Delivery::AtOnce),
        "left out, kept"
    );
    // The attorney wants no task emails; the paralegal uploads in the digest.
    choose(&f, &f.attorney, &[("choices[task_assigned]", "off")])
        .await
        .expect("saved");
    choose(&f, &f.para, &[("choices[document_uploaded]", "digest")])
        .await
        .expect("saved");
    assert_eq!(
        f.app
            .count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'account.mail_preferences'"),
        3
    );

    crate::common::firm::move_to(&f, &f.admin, &case_id, "eligibility_review", "")
        .await
        .expect("moved");
    let item = crate::notices::case(&f, &case_id).await.checklist[0]
        .id
        .to_string();
    let uploaded = crate::notices::upload(&f, &applicant, &item).await;
    let _: visadesk_app::domain::checklist::ChecklistItem = f
        .app
        .ask(
            &f.admin,
            "review_document",
            &[
                ("document_id", uploaded.versions[0].id.as_str()),
                ("accept", "false"),
                ("reason", "Blurred"),
            ],
        )
        .await
        .expect("rejected");
    add_task(&f, &case_id, "Check the degree", "", &att).await;
    let _: visadesk_app::domain::message::Message = f
        .app
        .ask(
            &f.admin,
            "send_message",
            &[
                ("case_id", case_id.as_str()),
                ("body", "We filed your papers."),
            ],
        )
        .await
        .expect("sent");
    // A reset link comes whatever was chosen.
    let _: () = f
        .app
        .ask(
            &f.app.client(),
            "request_password_reset",
            &[("email", "priya@example.com")],
        )
        .await
        .expect("asked");

    let mail = settled(&sink).await;
    let subjects = |address: &str| -> Vec<String> {
        to(&mail, address)
            .iter()
            .map(|m| m.subject.clone())
            .collect()
    };
    let applicant_mail = subjects("priya@example.com");
    assert_eq!(applicant_mail.len(), 3, "{applicant_mail:?}");
    assert!(applicant_mail[0].contains("invites you"));
    assert!(applicant_mail
        .iter()
        .any(|s| s.starts_with("New message from")));
    assert!(applicant_mail
        .iter()
        .any(|s| s == "Reset your Visadesk password"));
    assert!(
        subjects("att@firm.example")
            .iter()
            .all(|s| !s.contains("gave you a task")),
        "no task email for the attorney"
    );
    assert!(
        subjects("att@firm.example")
            .iter()
            .any(|s| s.contains("uploaded")),
        "the attorney still hears of uploads at once"
    );
    assert!(
        subjects("para@firm.example").is_empty(),
        "the paralegal's upload news waits for the digest"
    );
    // The bell does not depend on email.
    let unread: i64 = f
        .app
        .ask(&f.attorney, "unread_notices", &[])
        .await
        .expect("unread");
    assert_eq!(unread, 2, "the upload and the task");
    // What waits: the stage change (applicant) and the upload (paralegal).
    assert_eq!(
        f.app
            .count("SELECT COUNT(*) AS n FROM digest_items WHERE digest_day IS NULL"),
        2
    );

    // Applicants have no say over the firm's digest hour.
    let refused: Result<DigestSchedule, Refusal> =
        f.app.ask(&applicant, "load_digest_schedule", &[]).await;
    assert_eq!(refused, Err((403, AppError::Forbidden)));
    let refused = schedule(&f, &applicant, "UTC", "0").await;
    assert_eq!(refused, Err((403, AppError::Forbidden)));
}

async fn the_daily_digest_holds_the_agenda_and_the_news_and_goes_out_once_a_day(db: Backend) {
    let sink = SmtpSink::start().await;
    let (mut f, applicant, case_id) = firm_with_applicant(db, &sink).await;
    choose(&f, &applicant, &[("choices[stage_changed]", "digest")])
        .await
        .expect("saved");
    choose(&f, &f.para, &[("choices[digest]", "off")])
        .await
        .expect("saved");
    let att = f.attorney_id.to_string();
    for (title, due) in [
        ("Call the employer", utc_day(-2)),
        ("Translate the degree", utc_day(0)),
        ("Book the medical", utc_day(1)),
        ("Renew the police record", utc_day(5)),
    ] {
        add_task(&f, &case_id, title, &due, &att).await;
    }
    f.app.exec(&format!(
        "UPDATE cases SET target_filing_on = '{}' WHERE id = '{}'",
        utc_day(3),
        case_id
    ));
    crate::common::firm::move_to(&f, &f.admin, &case_id, "eligibility_review", "")
        .await
        .expect("moved");
    let before = settled(&sink).await.len();

    let _ = schedule(&f, &f.admin, "UTC", "0").await.expect("scheduled");
    let e = env(&sink, "1");
    f.app.restart_with(&borrowed(&e)).await;
    let mail = sink.wait_for(before + 2).await;
    let mail = &mail[before..];
    let digest = to(mail, "att@firm.example")
        .pop()
        .expect("the attorney's digest");
    // The day as its reader's language writes it.
    let today = format::date(Locale::en, Date::parse(&utc_day(0)).expect("a day"));
    assert_eq!(
        digest.subject,
        format!("Your daily digest for {today}: 1 overdue, 1 due today, 1 due tomorrow, 1 to file this week")
    );
    let text = &digest.text;
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} is not in the digest:\n{text}"))
    };
    assert!(at("Overdue tasks") < at("Call the employer"));
    assert!(at("Tasks due today") < at("Translate the degree"));
    assert!(at("Tasks due tomorrow") < at("Book the medical"));
    assert!(at("Target filings in the next 7 days") < at("Target filing: "));
    assert!(!text.contains("Renew the police record"), "due in 5 days");
    assert!(digest
        .link(&f.app.base)
        .is_some_and(|l| l.starts_with(&format!("{}/cases/{}", f.app.base, case_id))));
    assert!(digest.html.contains("Book the medical"));
    let news = to(mail, "priya@example.com")
        .pop()
        .expect("the applicant's digest");
    assert_eq!(
        news.subject,
        format!("Your daily digest for {today}: 1 update")
    );
    assert!(
        news.text.contains("News on your China K visa case"),
        "{}",
        news.text
    );
    assert!(news.text.contains(&format!("{}/portal#email", f.app.base)));
    assert!(
        to(mail, "para@firm.example").is_empty(),
        "the paralegal turned the digest off"
    );
    assert!(
        to(mail, crate::common::ADMIN_EMAIL).is_empty(),
        "nothing for the admin: no empty digest"
    );

    // Once a day: another check, and a restart, send nothing more.
    tokio::time::sleep(Duration::from_secs(3)).await;
    f.app.restart_with(&borrowed(&e)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(settled(&sink).await.len(), before + 2);
    assert_eq!(f.app.count("SELECT COUNT(*) AS n FROM digest_runs"), 1);
    assert_eq!(
        f.app
            .count("SELECT COUNT(*) AS n FROM digest_items WHERE digest_day IS NULL"),
        0,
        "what waited went out"
    );
}

async fn the_digest_schedule_takes_a_known_time_zone_and_an_hour_of_the_day(db: Backend) {
    let sink = SmtpSink::start().await;
    let e = env(&sink, "0");
    let f = firm_with(db, &borrowed(&e)).await;
    let current: DigestSchedule = f
        .app
        .ask(&f.admin, "load_digest_schedule", &[])
        .await
        .expect("the schedule");
    assert_eq!(current, DigestSchedule::default());
    let refused = schedule(&f, &f.admin, "Asia/Shangai", "9").await;
    assert_eq!(
        refused,
        Err((
            400,
            AppError::Invalid {
                field: "time_zone".into(),
                problem: Problem::TimeZoneUnknown("Asia/Shangai".into())
            }
        )),
        "a misspelt time zone"
    );
    let refused = schedule(&f, &f.admin, "Asia/Shanghai", "24").await;
    assert!(
        matches!(&refused, Err((400, AppError::Invalid { field, .. })) if field == "hour"),
        "{refused:?}"
    );
    let saved = schedule(&f, &f.admin, " Asia/Shanghai ", "9")
        .await
        .expect("saved");
    assert_eq!(
        saved,
        DigestSchedule {
            time_zone: "Asia/Shanghai".into(),
            hour: 9
        }
    );
    let shown: MailPreferences = f
        .app
        .ask(&f.para, "my_mail_preferences", &[])
        .await
        .expect("choices");
    assert_eq!(shown.digest, saved, "staff see when their digest comes");
    let refused = schedule(&f, &f.para, "UTC", "1").await;
    assert_eq!(refused, Err((403, AppError::Forbidden)));
}

/// Two instances on one PostgreSQL database check every second: each
/// person still gets one digest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_send_the_days_digest_once() {
    if crate::common::postgres_url().is_none() {
        return;
    }
    let sink = SmtpSink::start().await;
    let e = env(&sink, "0");
    let mut f = firm_with(Backend::Postgres, &borrowed(&e)).await;
    let att = f.attorney_id.to_string();
    let case = opened(&f, &f.admin, "cn_k", &[("attorney_id", &att)]).await;
    add_task(&f, &case.id, "Book the medical", &utc_day(1), &att).await;
    let _ = schedule(&f, &f.admin, "UTC", "0").await.expect("scheduled");
    let e = env(&sink, "1");
    let _other = f.app.spawn_sibling(&borrowed(&e)).await;
    f.app.restart_with(&borrowed(&e)).await;
    sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mail = settled(&sink).await;
    let digests: Vec<&Received> = mail
        .iter()
        .filter(|m| m.subject.starts_with("Your daily digest"))
        .collect();
    assert_eq!(digests.len(), 1, "{digests:?}");
    assert_eq!(digests[0].to, "att@firm.example");
    assert_eq!(f.app.count("SELECT COUNT(*) AS n FROM digest_runs"), 1);
}
