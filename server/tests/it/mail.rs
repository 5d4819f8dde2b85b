//! Email through a real SMTP server on loopback: what arrives (who, subject,
//! both parts, headers, links), and the outbox that never loses or doubles
//! an email when the server is down, refuses, or Visadesk is killed.

use crate::common::firm::{firm_with, Firm};
use crate::common::smtp::{free_port, Received, SinkMode, SmtpSink};
use crate::common::{Backend, TestApp};
use std::time::Duration;
use visadesk_app::domain::document::NewInvitation;
use visadesk_app::domain::mail::{
    FirmProfile, OutboxEntry, OutboxMessage, OutboxPage, OutboxStatus,
};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::UserSummary;
use visadesk_app::AppError;

on_both_databases!(
    an_invitation_arrives_in_both_parts_from_the_firm_with_a_working_link,
    mail_waits_while_the_smtp_server_is_down_and_arrives_once_when_it_is_up,
    a_refused_email_fails_after_its_last_attempt_and_an_admin_can_retry_it,
    without_smtp_mail_waits_and_admins_can_read_it_but_not_reset_links,
    names_with_line_breaks_cannot_add_headers,
    a_server_killed_mid_send_resends_once_with_the_same_message_id,
    a_server_that_has_sent_mail_stops_on_sigterm_without_a_panic,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgresql_database_send_each_email_once() {
    if crate::common::postgres_url().is_none() {
        return;
    }
    let sink = SmtpSink::start().await;
    // The production-like lease (60 s): on a loaded test machine a batch can
    // outlast a 5 s lease, and a reclaimed row is a deliberate resend.
    let mut env = mail_env(&sink.url());
    env.retain(|(k, _)| *k != "VISADESK_MAIL_LEASE_SECS");
    env.push(("VISADESK_MAIL_LEASE_SECS", "60".into()));
    let env = borrowed(&env);
    let app = TestApp::spawn_with(Backend::Postgres, &env).await;
    let other = app.spawn_sibling(&env).await;
    // 300 emails appear at once, as a burst of changes on both instances would make.
    // Made now: sent email made over 30 days ago is purged, which would take
    // rows away while the test counts them (this test failed so for weeks).
    app.exec(
        "INSERT INTO outbox (id, message_id, category, recipient_id, to_address, to_name, subject, \
         text_body, html_body, sensitive, status, attempts, next_attempt_at, lease_until, leased_by, \
         last_error, created_at, sent_at) \
         SELECT 'bulk-' || n, '<bulk-' || n || '@firm.example>', 'invitation', NULL, \
         'client' || n || '@example.com', 'Client ' || n, 'Email ' || n, 'Hello', '<p>Hello</p>', \
         false, 'queued', 0, 0, NULL, '', '', EXTRACT(EPOCH FROM now())::BIGINT, NULL \
         FROM generate_series(1, 300) AS n",
    );
    let received = sink.wait_for(300).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received_now = sink.received();
    assert_eq!(received_now.len(), 300, "no email sent twice");
    let mut ids: Vec<&str> = received_now.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    let twice: Vec<&&str> = ids
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(received.len(), 300);
    // Every row ends sent (a row whose attempt failed on a busy connection
    // is sent on its next attempt, still once).
    // (Waits up to 180 s: on a machine running the whole suite a last
    // write has been seen to take over 90 s; the rows then all end sent.)
    // One pool for the polling, not a new connection every 300 ms (up to
    // 600 of them) while the whole suite shares PostgreSQL's 100.
    let db = app.db();
    let waiting = std::time::Instant::now();
    for _ in 0..600 {
        if crate::common::count_in(
            &db,
            "SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'",
        ) == 300
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    eprintln!(
        "every row marked sent {:.1} s after the last email arrived",
        waiting.elapsed().as_secs_f64()
    );
    let sent = app.count("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'");
    if sent != 300 {
        let log = format!("{}{}", app.log(), other.log());
        let lines: Vec<&str> = log
            .lines()
            .filter(|l| {
                l.contains("ERROR")
                    || l.contains("WARN")
                    || l.contains("retry")
                    || l.contains("panicked")
            })
            .collect();
        // Who holds what: a connection idle in a transaction would hide a
        // row's last update from every other connection.
        let activity = app
            .db()
            .run_here(|conn| {
                use diesel::RunQueryDsl;
                #[derive(diesel::QueryableByName)]
                struct Activity {
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    state: String,
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    query: String,
                }
                // This database's connections one by one; every other
                // database's counted (the server allows 100 in all).
                Ok(diesel::sql_query(
                    "SELECT COALESCE(state, '') AS state, LEFT(COALESCE(query, ''), 200) AS query \
                     FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() \
                     UNION ALL SELECT 'elsewhere: ' || COALESCE(datname, '-') || ' ' || COALESCE(state, '-'), \
                     COUNT(*)::text FROM pg_stat_activity WHERE datname IS DISTINCT FROM current_database() \
                     GROUP BY datname, state",
                )
                .load::<Activity>(conn)?)
            })
            .map(|rows| {
                rows.iter()
                    .map(|a| format!("\n  {} | {}", a.state, a.query))
                    .collect::<String>()
            })
            .unwrap_or_else(|e| format!("(pg_stat_activity: {e})"));
        let statuses = app.count("SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'");
        let admin = app.admin().await;
        let stuck: Vec<OutboxEntry> = outbox(&app, &admin, "queued")
            .await
            .entries
            .into_iter()
            .chain(outbox(&app, &admin, "sending").await.entries)
            .chain(outbox(&app, &admin, "failed").await.entries)
            .collect();
        panic!(
            "{sent} of 300 sent; {statuses} not sent on a fresh connection; stuck (seen through the app): {stuck:?}; \
             connections: {activity}; log:\n{}",
            lines.join("\n")
        );
    }
    assert_eq!(sink.received().len(), 300, "still no email sent twice");
    let retried = app.count("SELECT COUNT(*) AS n FROM outbox WHERE attempts > 1");
    eprintln!("{retried} email(s) needed a second attempt");
    let workers = app.count("SELECT COUNT(DISTINCT leased_by) AS n FROM outbox");
    eprintln!("300 emails sent by {workers} instance(s)");
    assert!(workers >= 1);
}

/// The environment that sends mail to `sink`, retrying every second.
fn mail_env(sink_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("VISADESK_SMTP_URL", sink_url.to_string()),
        ("VISADESK_MAIL_FROM", "visadesk@firm.example".into()),
        ("VISADESK_MAIL_RETRY_SECS", "1".into()),
        ("VISADESK_MAIL_POLL_MS", "100".into()),
        ("VISADESK_MAIL_LEASE_SECS", "5".into()),
    ]
}

fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub(crate) async fn firm_mailing_to(
    db: Backend,
    sink_url: &str,
    extra: &[(&'static str, &str)],
) -> Firm {
    let env = mail_env(sink_url);
    let mut env = borrowed(&env);
    env.extend_from_slice(extra);
    firm_with(db, &env).await
}

async fn invite(f: &Firm) -> NewInvitation {
    f.app
        .ask(
            &f.para,
            "invite_applicant",
            &[("client_id", f.client_id.as_str())],
        )
        .await
        .expect("an invitation")
}

async fn outbox(app: &TestApp, admin: &reqwest::Client, status: &str) -> OutboxPage {
    app.ask(admin, "list_outbox", &[("status", status), ("page", "0")])
        .await
        .expect("the outbox")
}

/// Waits until the outbox's newest row satisfies `done`.
async fn wait_for_row(
    app: &TestApp,
    admin: &reqwest::Client,
    done: impl Fn(&OutboxEntry) -> bool,
) -> OutboxEntry {
    for _ in 0..300 {
        let page = outbox(app, admin, "").await;
        if let Some(e) = page.entries.first().filter(|e| done(e)) {
            return e.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the outbox did not get there: {:?}",
        outbox(app, admin, "").await.entries
    );
}

pub(crate) fn assert_two_parts(mail: &Received) {
    assert!(
        mail.raw.contains("multipart/alternative"),
        "not multipart/alternative:\n{}",
        mail.raw
    );
    assert!(mail.raw.contains("text/plain"), "{}", mail.raw);
    assert!(mail.raw.contains("text/html"), "{}", mail.raw);
}

async fn an_invitation_arrives_in_both_parts_from_the_firm_with_a_working_link(db: Backend) {
    let sink = SmtpSink::start().await;
    let f = firm_mailing_to(db, &sink.url(), &[]).await;
    let renamed: FirmProfile = f
        .app
        .ask(
            &f.admin,
            "save_firm_profile",
            &[("name", "Chen & Partners\r\nBcc: x@evil.example")],
        )
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "Chen & Partners Bcc: x@evil.example");
    let renamed: FirmProfile = f
        .app
        .ask(
            &f.admin,
            "save_firm_profile",
            &[("name", "Chen & Partners")],
        )
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "Chen & Partners");

    let invitation = invite(&f).await;
    assert!(invitation.emailed);
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.envelope_to, "priya@example.com");
    assert_eq!(
        (mail.to.as_str(), mail.to_name.as_str()),
        ("priya@example.com", "Priya Sharma")
    );
    assert_eq!(
        (mail.from.as_str(), mail.from_name.as_str()),
        ("visadesk@firm.example", "Chen & Partners")
    );
    assert_eq!(
        mail.subject,
        "Chen & Partners invites you to your case portal"
    );
    assert!(!mail.message_id.is_empty());
    assert_two_parts(&mail);
    // The emailed link opens the join page in the email's language.
    let link = format!("{}{}?lang=en", f.app.base, invitation.path);
    assert_eq!(
        mail.link(&format!("{}/portal/join/", f.app.base)),
        Some(link.clone())
    );
    assert!(
        mail.html.contains(&format!("href=\"{link}\"")),
        "{}",
        mail.html
    );
    assert!(mail.text.contains("Chen & Partners") && mail.html.contains("Chen &amp; Partners"));
    assert!(!mail.header_names.iter().any(|h| h == "bcc"));

    // The emailed link is the applicant's way in.
    let token = invitation.path.rsplit('/').next().expect("token");
    let applicant = f.app.client();
    let to: String = f
        .app
        .ask(
            &applicant,
            "accept_invitation",
            &[
                ("token", token),
                ("password", "applicant pass phrase"),
                ("confirm", "applicant pass phrase"),
            ],
        )
        .await
        .expect("joined with the emailed link");
    assert_eq!(to, "/portal");

    let sent = wait_for_row(&f.app, &f.admin, |e| e.status == OutboxStatus::Sent).await;
    assert_eq!(sent.attempts, 1);
    assert_eq!(sent.subject, mail.subject);
    // The token never reaches the log.
    assert!(
        !f.app.log().contains(token),
        "the log holds the invitation token"
    );
}

async fn mail_waits_while_the_smtp_server_is_down_and_arrives_once_when_it_is_up(db: Backend) {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let f = firm_mailing_to(db, &url, &[]).await;
    invite(&f).await;
    // Attempts are counted when a row is claimed, so wait for the second failure
    // to be written back (the row queued again) rather than for the count alone.
    let waiting = wait_for_row(&f.app, &f.admin, |e| {
        e.attempts >= 2 && e.status == OutboxStatus::Queued
    })
    .await;
    assert!(!waiting.last_error.is_empty(), "{waiting:?}");
    // Nothing else failed: the app still serves.
    assert!(f
        .app
        .ask::<Vec<UserSummary>>(&f.admin, "list_users", &[])
        .await
        .is_ok());

    let sink = SmtpSink::start_on(port, SinkMode::default()).await;
    let sent = wait_for_row(&f.app, &f.admin, |e| e.status == OutboxStatus::Sent).await;
    assert!(sent.attempts >= 2);
    assert!(sent.last_error.is_empty());
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.received().len(), 1, "sent exactly once");
}

async fn a_refused_email_fails_after_its_last_attempt_and_an_admin_can_retry_it(db: Backend) {
    let mut sink = SmtpSink::start_on(
        free_port(),
        SinkMode {
            refuse: true,
            ..Default::default()
        },
    )
    .await;
    let f = firm_mailing_to(db, &sink.url(), &[("VISADESK_MAIL_MAX_ATTEMPTS", "2")]).await;
    invite(&f).await;
    let failed = wait_for_row(&f.app, &f.admin, |e| e.status == OutboxStatus::Failed).await;
    assert_eq!(failed.attempts, 2);
    assert!(failed.last_error.contains("451"), "{}", failed.last_error);
    let page = outbox(&f.app, &f.admin, "failed").await;
    assert_eq!(page.entries.len(), 1);
    assert!(page.counts.contains(&(OutboxStatus::Failed, 1)));

    // Only an admin retries, and only a failed email.
    let id = failed.id.to_string();
    let refused = f
        .app
        .ask::<OutboxEntry>(&f.attorney, "retry_outbox", &[("id", &id)])
        .await;
    assert!(matches!(refused, Err((403, _))), "{refused:?}");
    sink.stop().await;
    sink.run(SinkMode::default()).await;
    let retried: OutboxEntry = f
        .app
        .ask(&f.admin, "retry_outbox", &[("id", &id)])
        .await
        .expect("retried");
    assert_eq!(
        (retried.status, retried.attempts),
        (OutboxStatus::Queued, 0)
    );
    let sent = wait_for_row(&f.app, &f.admin, |e| e.status == OutboxStatus::Sent).await;
    assert_eq!(sent.attempts, 1);
    assert_eq!(sink.wait_for(1).await.len(), 1);
    let again = f
        .app
        .ask::<OutboxEntry>(&f.admin, "retry_outbox", &[("id", &id)])
        .await;
    assert!(
        matches!(
            again,
            Err((
                409,
                AppError::Conflict(Problem::RetryOnlyFailed(OutboxStatus::Sent))
            ))
        ),
        "{again:?}"
    );
    let unknown = f
        .app
        .ask::<OutboxEntry>(&f.admin, "retry_outbox", &[("id", "no-such-email")])
        .await;
    assert!(matches!(unknown, Err((404, _))), "{unknown:?}");
}

async fn without_smtp_mail_waits_and_admins_can_read_it_but_not_reset_links(db: Backend) {
    let f = firm_with(db, &[]).await;
    let invitation = invite(&f).await;
    let () = f
        .app
        .ask(
            &f.app.client(),
            "request_password_reset",
            &[("email", "para@firm.example")],
        )
        .await
        .expect("asked");
    let page = outbox(&f.app, &f.admin, "").await;
    assert!(!page.smtp_configured);
    assert_eq!(page.entries.len(), 2);
    assert!(page
        .entries
        .iter()
        .all(|e| e.status == OutboxStatus::Queued && e.attempts == 0));
    let (reset, invited) = (&page.entries[0], &page.entries[1]);
    assert!(reset.sensitive && !invited.sensitive);

    let read: OutboxMessage = f
        .app
        .ask(
            &f.admin,
            "read_outbox_message",
            &[("id", invited.id.as_str())],
        )
        .await
        .expect("read");
    assert!(read.text_body.expect("shown").contains(&invitation.path));
    assert!(
        read.message_id.starts_with('<') && read.message_id.ends_with("@127.0.0.1>"),
        "{}",
        read.message_id
    );
    let hidden: OutboxMessage = f
        .app
        .ask(
            &f.admin,
            "read_outbox_message",
            &[("id", reset.id.as_str())],
        )
        .await
        .expect("read");
    assert_eq!(
        hidden.text_body, None,
        "a reset link is never shown to an admin"
    );
    let unknown = f
        .app
        .ask::<OutboxMessage>(&f.admin, "read_outbox_message", &[("id", "nope")])
        .await;
    assert!(matches!(unknown, Err((404, _))), "{unknown:?}");
    let bad = f
        .app
        .ask::<OutboxPage>(
            &f.admin,
            "list_outbox",
            &[("status", "lost"), ("page", "0")],
        )
        .await;
    assert!(
        matches!(
            bad,
            Err((400, AppError::Invalid { problem: Problem::Unknown { ref choices, .. }, .. }))
                if choices.join(", ") == "queued, sending, sent, failed"
        ),
        "{bad:?}"
    );
    for who in [&f.attorney, &f.para] {
        let refused = f
            .app
            .ask::<OutboxPage>(who, "list_outbox", &[("status", ""), ("page", "0")])
            .await;
        assert!(matches!(refused, Err((403, _))), "{refused:?}");
    }
}

async fn names_with_line_breaks_cannot_add_headers(db: Backend) {
    let sink = SmtpSink::start().await;
    let f = firm_mailing_to(db, &sink.url(), &[]).await;
    // Staff names are one line by validation; a stored name with a break
    // (an older row, or a direct import) is still sent on one line.
    f.app.exec("UPDATE users SET display_name = 'Para\r\nBcc: victim@evil.example' WHERE email = 'para@firm.example'");
    let () = f
        .app
        .ask(
            &f.app.client(),
            "request_password_reset",
            &[("email", "para@firm.example")],
        )
        .await
        .expect("asked");
    let mail = sink.wait_for(1).await.remove(0);
    assert!(
        !mail.header_names.iter().any(|h| h == "bcc"),
        "{}",
        mail.raw
    );
    assert_eq!(mail.envelope_to, "para@firm.example");
    assert_eq!(mail.to_name, "Para Bcc: victim@evil.example");
}

async fn a_server_that_has_sent_mail_stops_on_sigterm_without_a_panic(db: Backend) {
    // The SMTP pool holds an open connection, which it closes on a task of
    // its own when dropped: that must happen before the runtime ends.
    let sink = SmtpSink::start().await;
    let mut f = firm_mailing_to(db, &sink.url(), &[]).await;
    invite(&f).await;
    sink.wait_for(1).await;
    let pid = f.app.pid().expect("pid");
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill -TERM");
    let status = f.app.wait().await;
    let log = f.app.log();
    assert!(status.success(), "exit status {status:?}; log:\n{log}");
    assert!(log.contains("visadesk stopped"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

async fn a_server_killed_mid_send_resends_once_with_the_same_message_id(db: Backend) {
    // The SMTP server takes the message, then waits before saying 250: the
    // kill lands between the send and Visadesk recording it.
    let mut sink = SmtpSink::start_on(
        free_port(),
        SinkMode {
            delay_secs: 30.0,
            ..Default::default()
        },
    )
    .await;
    let env = mail_env(&sink.url());
    let mut f = firm_mailing_to(db, &sink.url(), &[]).await;
    invite(&f).await;
    let first = sink.wait_for(1).await.remove(0);
    let pid = f.app.pid().expect("pid");
    std::process::Command::new("kill")
        .arg("-9")
        .arg(pid.to_string())
        .status()
        .expect("kill -9");
    f.app.wait().await;
    sink.stop().await;
    sink.run(SinkMode::default()).await;
    f.app.restart_with(&borrowed(&env)).await;
    let admin = f.app.admin().await;
    let sent = wait_for_row(&f.app, &admin, |e| e.status == OutboxStatus::Sent).await;
    assert_eq!(sent.attempts, 2, "claimed again once its lease ran out");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all = sink.received();
    assert_eq!(all.len(), 2, "the one email, and its one resend");
    assert!(
        all.iter().all(|m| m.message_id == first.message_id),
        "the resend keeps its Message-ID"
    );
}
