//! Password reset: a link emailed to the account's address, used once, the
//! same answer for unknown addresses, and throttled.

use crate::common::smtp::SmtpSink;
use crate::common::{Backend, Refusal, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::mail::{assert_two_parts, firm_mailing_to};
use std::time::Duration;
use visadesk_app::domain::case::CasePage;
use visadesk_app::domain::{CurrentUser, ResetInfo, ResetSent, UserSummary};
use visadesk_app::{AppError, LinkKind};

/// Asks for a reset link for `email`, as someone who forgot their password.
async fn reset_request(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
) -> Result<(), Refusal> {
    app.ask::<()>(client, "request_password_reset", &[("email", email)])
        .await
}

/// Sets a new password with a reset link's token; answers where to go next.
async fn reset_password(
    app: &TestApp,
    client: &reqwest::Client,
    token: &str,
    password: &str,
    confirm: &str,
) -> Result<String, Refusal> {
    app.ask(
        client,
        "reset_password",
        &[
            ("token", token),
            ("password", password),
            ("confirm", confirm),
        ],
    )
    .await
}

async fn ask_for_reset(app: &TestApp, client: &reqwest::Client, email: &str) {
    reset_request(app, client, email)
        .await
        .expect("asked for a reset link");
}

on_both_databases!(
    a_forgotten_password_is_reset_once_through_the_emailed_link,
    a_reset_answers_the_same_for_unknown_addresses_and_is_throttled,
);

async fn a_forgotten_password_is_reset_once_through_the_emailed_link(db: Backend) {
    let sink = SmtpSink::start().await;
    let f = firm_mailing_to(db, &sink.url(), &[]).await;
    let old_session = f.app.admin().await;
    let anon = f.app.client();
    ask_for_reset(&f.app, &anon, " Att@Firm.example ").await;
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, "att@firm.example");
    assert_eq!(mail.subject, "Reset your Visadesk password");
    assert_two_parts(&mail);
    let link = mail
        .link(&format!("{}/reset-password/", f.app.base))
        .expect("a reset link in the text part");
    assert!(mail.html.contains(&format!("href=\"{link}\"")));
    let token = link.rsplit('/').next().expect("token").to_string();

    let info: ResetInfo = f
        .app
        .ask(&anon, "password_reset_details", &[("token", &token)])
        .await
        .expect("a live link");
    assert_eq!(info.email, "att@firm.example");

    // A mismatch or a weak password is refused, and the link still works.
    let refused = reset_password(&f.app, &anon, &token, "new attorney phrase", "other").await;
    assert!(
        matches!(refused, Err((400, AppError::Invalid { ref field, .. })) if field == "confirm"),
        "{refused:?}"
    );
    let refused = reset_password(&f.app, &anon, &token, "password", "password").await;
    assert!(matches!(refused, Err((400, _))), "{refused:?}");

    let went: String = reset_password(
        &f.app,
        &anon,
        &token,
        "new attorney phrase",
        "new attorney phrase",
    )
    .await
    .expect("reset");
    assert_eq!(went, "/");
    // Signed in with the new password; the attorney's earlier session is over.
    let me: Option<CurrentUser> = f.app.ask(&anon, "signed_in_user", &[]).await.expect("me");
    assert_eq!(me.expect("signed in").email, "att@firm.example");
    let ended = f.app.ask::<CasePage>(&f.attorney, "list_cases", &[]).await;
    assert!(
        matches!(ended, Err((401, AppError::NotSignedIn))),
        "{ended:?}"
    );
    assert_eq!(
        f.app
            .sign_in(&f.app.client(), "att@firm.example", "attorney pass phrase")
            .await
            .status(),
        401
    );
    assert_eq!(
        f.app
            .sign_in(&f.app.client(), "att@firm.example", "new attorney phrase")
            .await
            .status(),
        200
    );
    // Other accounts keep their sessions.
    assert!(f
        .app
        .ask::<Vec<UserSummary>>(&old_session, "list_users", &[])
        .await
        .is_ok());

    // Used once: the link is dead now, and says so.
    let again = f
        .app
        .ask::<ResetInfo>(
            &f.app.client(),
            "password_reset_details",
            &[("token", &token)],
        )
        .await;
    assert!(
        matches!(
            again,
            Err((409, AppError::DeadLink(LinkKind::PasswordReset)))
        ),
        "{again:?}"
    );
    let again = reset_password(
        &f.app,
        &f.app.client(),
        &token,
        "third attorney phrase",
        "third attorney phrase",
    )
    .await;
    assert!(matches!(again, Err((409, _))), "{again:?}");

    // The account is told its password changed.
    let changed = sink.wait_for(2).await.remove(1);
    assert_eq!(changed.subject, "Your Visadesk password was changed");
    assert!(changed.text.contains("signed out"));

    // An expired link is dead too.
    ask_for_reset(&f.app, &anon, "para@firm.example").await;
    let mail = sink.wait_for(3).await.remove(2);
    let token = mail
        .link(&format!("{}/reset-password/", f.app.base))
        .expect("link")
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    f.app
        .exec("UPDATE password_resets SET expires_at = 1 WHERE used_at IS NULL");
    let expired = f
        .app
        .ask::<ResetInfo>(&anon, "password_reset_details", &[("token", &token)])
        .await;
    assert!(matches!(expired, Err((409, _))), "{expired:?}");

    // An admin can send a staff member a link; applicants get invitations instead.
    let para_id = f.para_id.to_string();
    let sent: ResetSent = f
        .app
        .ask(
            &old_session,
            "send_password_reset",
            &[("user_id", &para_id)],
        )
        .await
        .expect("sent");
    assert_eq!(sent.email, "para@firm.example");
    let mail = sink.wait_for(4).await.remove(3);
    assert_eq!(mail.subject, "Set a new Visadesk password");
    assert!(
        mail.text.contains("Administrator sent you this link"),
        "{}",
        mail.text
    );
    let unknown = f
        .app
        .ask::<ResetSent>(
            &old_session,
            "send_password_reset",
            &[("user_id", "no-such-user")],
        )
        .await;
    assert!(matches!(unknown, Err((404, _))), "{unknown:?}");

    // Every step is in the audit trail.
    let log = f.app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('auth.reset_requested', 'auth.password_reset', 'user.reset_link_sent')");
    assert_eq!(log, 4);
    assert!(!f.app.log().contains(&token), "the log holds a reset token");
}

async fn a_reset_answers_the_same_for_unknown_addresses_and_is_throttled(db: Backend) {
    let sink = SmtpSink::start().await;
    let f = firm_mailing_to(db, &sink.url(), &[]).await;
    let anon = f.app.client();
    let unknown = reset_request(&f.app, &anon, "nobody@firm.example").await;
    let known = reset_request(&f.app, &anon, ADMIN_EMAIL).await;
    assert_eq!(unknown, known);
    assert!(known.is_ok());
    let got = sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sink.received().len(),
        1,
        "only the real account gets an email"
    );
    assert_eq!(got[0].to, ADMIN_EMAIL);

    let bad = reset_request(&f.app, &anon, "not an address").await;
    assert!(
        matches!(bad, Err((400, AppError::Invalid { ref field, .. })) if field == "email"),
        "{bad:?}"
    );

    // Three links per account in 15 minutes, known or not.
    for _ in 0..2 {
        reset_request(&f.app, &anon, "nobody@firm.example")
            .await
            .expect("allowed");
    }
    let throttled = reset_request(&f.app, &anon, "nobody@firm.example").await;
    assert!(
        matches!(throttled, Err((429, AppError::RateLimited { .. }))),
        "{throttled:?}"
    );
    // The admin's own password still works: a reset request changes nothing until used.
    assert_eq!(
        f.app
            .sign_in(&f.app.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        200
    );
}
