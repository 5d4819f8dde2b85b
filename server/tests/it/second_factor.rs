//! Two-step sign-in with an authenticator app (TOTP): setting one up, the
//! second step of a sign-in, a replayed code, recovery codes, wrong codes
//! counted by the sign-in limits, the firm's rule that takes people to
//! enrolment first, and an admin's reset.

use crate::common::{Backend, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::Client;
use visadesk_app::domain::mail::{MailCategory, OutboxPage};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::second_factor::{
    ChallengeInfo, ChallengePurpose, SecondFactorRule, SecondFactorStatus, SecurityPolicy,
    TotpConfirmed, TotpSetup,
};
use visadesk_app::domain::{CurrentUser, UserSummary};
use visadesk_app::AppError;
use visadesk_server::auth::totp::{code_at, STEP_SECS};

on_both_databases!(
    an_authenticator_is_set_up_then_asked_for_at_every_sign_in,
    a_recovery_code_works_once,
    wrong_codes_end_the_sign_in_and_count_towards_the_lock,
    the_firm_rule_takes_people_to_set_one_up_before_anything_else,
    an_admin_resets_a_lost_second_factor,
    the_rule_is_saved_and_an_unknown_one_refused_by_name,
);

const EMAIL: &str = "att@firm.example";
const PASSWORD: &str = "attorney pass phrase";

fn now() -> i64 {
    visadesk_server::auth::now()
}

/// The secret an app would read from the setup's `otpauth://` address.
fn secret_of(setup: &TotpSetup) -> Vec<u8> {
    let encoded = setup
        .uri
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("secret="))
        .expect("a secret in the address");
    assert_eq!(encoded, setup.secret.replace(' ', ""));
    totp_rs::Secret::Encoded(encoded.to_string())
        .to_bytes()
        .expect("base32")
}

fn problem(refusal: (u16, AppError)) -> (u16, Problem) {
    match refusal {
        (status, AppError::Invalid { problem, .. })
        | (status, AppError::Conflict(problem))
        | (status, AppError::NotAllowed(problem)) => (status, problem),
        other => panic!("not a problem: {other:?}"),
    }
}

/// Signs `client` in with the password; answers where it was sent.
async fn password(app: &TestApp, client: &Client, email: &str, password: &str) -> String {
    let res = app.sign_in(client, email, password).await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("a path")
}

async fn signed_in(app: &TestApp, client: &Client) -> Option<CurrentUser> {
    app.ask(client, "signed_in_user", &[])
        .await
        .expect("signed_in_user answers")
}

/// Sets up an authenticator for the signed-in `client`: its secret, the
/// recovery codes, and the code that confirmed it.
async fn set_up(app: &TestApp, client: &Client) -> (Vec<u8>, Vec<String>, String) {
    let setup: TotpSetup = app.ask(client, "start_totp", &[]).await.expect("a setup");
    assert!(setup.qr.starts_with("data:image/svg+xml;base64,"));
    let secret = secret_of(&setup);
    let wrong = if code_at(&secret, now()) == "123456" {
        "654321"
    } else {
        "123456"
    };
    let refused = app
        .ask::<TotpConfirmed>(client, "confirm_totp", &[("code", wrong)])
        .await
        .expect_err("a wrong first code");
    assert_eq!(problem(refused), (400, Problem::WrongCode));
    let code = code_at(&secret, now());
    let confirmed: TotpConfirmed = app
        .ask(client, "confirm_totp", &[("code", &code)])
        .await
        .expect("confirmed");
    assert_eq!(confirmed.next, None, "no sign-in was waiting");
    (secret, confirmed.recovery_codes, code)
}

async fn outbox(app: &TestApp, admin: &Client) -> OutboxPage {
    app.ask(admin, "list_outbox", &[("status", ""), ("page", "0")])
        .await
        .expect("the outbox")
}

async fn an_authenticator_is_set_up_then_asked_for_at_every_sign_in(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let att = app.user(&admin, EMAIL, "attorney", PASSWORD).await;
    let (secret, codes, used) = set_up(&app, &att).await;
    assert_eq!(codes.len(), 10);
    let status: SecondFactorStatus = app.ask(&att, "my_second_factor", &[]).await.unwrap();
    assert!(status.totp_since.is_some());
    assert_eq!(status.recovery_codes_left, 10);
    assert!(!status.required);
    let users: Vec<UserSummary> = app.ask(&admin, "list_users", &[]).await.unwrap();
    assert!(users.iter().any(|u| u.email == EMAIL && u.second_factor));

    // The password alone opens no session now.
    let browser = app.client();
    let next = password(&app, &browser, EMAIL, PASSWORD).await;
    assert_eq!(next, "/sign-in/verify");
    assert_eq!(signed_in(&app, &browser).await, None);
    let info: ChallengeInfo = app.ask(&browser, "sign_in_challenge", &[]).await.unwrap();
    assert_eq!(info.purpose, ChallengePurpose::Verify);
    assert_eq!(info.email, EMAIL);
    // Setting up another authenticator is not a way round it.
    assert_eq!(app.call(&browser, "start_totp", &[]).await.status(), 401);

    // The code that confirmed the app is spent; a malformed one is refused.
    let refused = app
        .ask::<String>(&browser, "verify_second_factor", &[("code", &used)])
        .await
        .expect_err("a replayed code");
    assert_eq!(problem(refused), (400, Problem::CodeUsed));
    let refused = app
        .ask::<String>(&browser, "verify_second_factor", &[("code", "12ab")])
        .await
        .expect_err("not a code");
    assert_eq!(
        problem(refused),
        (
            400,
            Problem::CodeShape {
                recovery_allowed: true
            }
        )
    );

    // The next step's code (one step of drift) finishes the sign-in.
    let next_code = code_at(&secret, now() + STEP_SECS);
    let next: String = app
        .ask(
            &browser,
            "verify_second_factor",
            &[("code", &next_code), ("next", "/cases")],
        )
        .await
        .expect("signed in");
    assert_eq!(next, "/cases");
    let me = signed_in(&app, &browser).await.expect("a session");
    assert_eq!(me.email, EMAIL);
    // The challenge is used up.
    assert_eq!(
        app.call(&browser, "sign_in_challenge", &[]).await.status(),
        401
    );

    let trail = app.count(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action IN \
         ('auth.totp_on', 'auth.password_accepted', 'auth.second_factor_failed') \
         OR summary = 'signed in with an authenticator code'",
    );
    assert_eq!(trail, 5, "set up, password, two refusals, sign-in");
    let mail = outbox(&app, &admin).await;
    assert!(mail
        .entries
        .iter()
        .any(|e| e.category == MailCategory::SecurityAlert && e.to_address == EMAIL));
}

async fn a_recovery_code_works_once(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let att = app.user(&admin, EMAIL, "attorney", PASSWORD).await;
    let (_, codes, _) = set_up(&app, &att).await;

    let browser = app.client();
    password(&app, &browser, EMAIL, PASSWORD).await;
    // Typed in capitals with spaces, as people copy them.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let next: String = app
        .ask(&browser, "verify_second_factor", &[("code", &typed)])
        .await
        .expect("signed in with a recovery code");
    assert_eq!(next, "/");
    let status: SecondFactorStatus = app.ask(&browser, "my_second_factor", &[]).await.unwrap();
    assert_eq!(status.recovery_codes_left, 9);

    let again = app.client();
    password(&app, &again, EMAIL, PASSWORD).await;
    let refused = app
        .ask::<String>(&again, "verify_second_factor", &[("code", &codes[3])])
        .await
        .expect_err("a used recovery code");
    assert_eq!(problem(refused), (400, Problem::WrongCode));

    // New codes replace the old ones, which stop working.
    let renewed: Vec<String> = app
        .ask(&browser, "renew_recovery_codes", &[])
        .await
        .expect("new codes");
    assert_eq!(renewed.len(), 10);
    assert!(!renewed.contains(&codes[0]));
    let refused = app
        .ask::<String>(&again, "verify_second_factor", &[("code", &codes[0])])
        .await
        .expect_err("an old recovery code");
    assert_eq!(problem(refused), (400, Problem::WrongCode));
    let _: String = app
        .ask(&again, "verify_second_factor", &[("code", &renewed[0])])
        .await
        .expect("a new recovery code works");
}

async fn wrong_codes_end_the_sign_in_and_count_towards_the_lock(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let att = app.user(&admin, EMAIL, "attorney", PASSWORD).await;
    let (secret, _, _) = set_up(&app, &att).await;
    let browser = app.client();
    password(&app, &browser, EMAIL, PASSWORD).await;
    let mut last = None;
    for n in 0..5 {
        // Codes of the right shape that are not the right one.
        let wrong = format!(
            "{:06}",
            (code_at(&secret, now()).parse::<u32>().unwrap() + 1 + n) % 1_000_000
        );
        let refused = app
            .ask::<String>(&browser, "verify_second_factor", &[("code", &wrong)])
            .await
            .expect_err("a wrong code");
        last = Some(problem(refused));
    }
    assert_eq!(last, Some((400, Problem::TooManyWrongCodes)));
    assert_eq!(
        app.call(&browser, "sign_in_challenge", &[]).await.status(),
        401,
        "the sign-in must start again"
    );
    // Five failures for this account from this address lock the pair, as
    // five wrong passwords would.
    let res = app.sign_in(&browser, EMAIL, PASSWORD).await;
    assert_eq!(res.status(), 429);
}

async fn the_firm_rule_takes_people_to_set_one_up_before_anything_else(db: Backend) {
    let app = TestApp::spawn_with(db, &[("VISADESK_SECOND_FACTOR_DEFAULT", "admins")]).await;
    let browser = app.client();
    let next = password(&app, &browser, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(next, "/sign-in/enrol");
    // Nothing else first.
    assert_eq!(signed_in(&app, &browser).await, None);
    assert_eq!(app.call(&browser, "list_users", &[]).await.status(), 401);
    assert_eq!(
        app.call(&browser, "my_second_factor", &[]).await.status(),
        401
    );
    let info: ChallengeInfo = app.ask(&browser, "sign_in_challenge", &[]).await.unwrap();
    assert_eq!(info.purpose, ChallengePurpose::Enrol);
    // A code cannot finish it: there is no authenticator yet.
    assert_eq!(
        app.call(&browser, "verify_second_factor", &[("code", "123456")])
            .await
            .status(),
        401
    );

    let setup: TotpSetup = app.ask(&browser, "start_totp", &[]).await.unwrap();
    let secret = secret_of(&setup);
    let confirmed: TotpConfirmed = app
        .ask(
            &browser,
            "confirm_totp",
            &[("code", &code_at(&secret, now())), ("next", "/admin")],
        )
        .await
        .expect("set up");
    assert_eq!(confirmed.recovery_codes.len(), 10);
    assert_eq!(confirmed.next.as_deref(), Some("/admin"));
    let me = signed_in(&app, &browser).await.expect("signed in now");
    assert_eq!(me.email, ADMIN_EMAIL);
    let status: SecondFactorStatus = app.ask(&browser, "my_second_factor", &[]).await.unwrap();
    assert!(status.required);
    // Required of admins: it stays on.
    let refused = app
        .ask::<()>(
            &browser,
            "turn_off_totp",
            &[("code", &code_at(&secret, now() + STEP_SECS))],
        )
        .await
        .expect_err("required");
    assert_eq!(problem(refused), (403, Problem::SecondFactorRequired));

    // Others are not asked until the firm says so.
    let att = app.user(&browser, EMAIL, "attorney", PASSWORD).await;
    assert!(signed_in(&app, &att).await.is_some());
    let policy: SecurityPolicy = app
        .ask(
            &browser,
            "save_security_policy",
            &[("second_factor", "staff")],
        )
        .await
        .unwrap();
    assert_eq!(policy.second_factor, SecondFactorRule::Staff);
    let later = app.client();
    assert_eq!(
        password(&app, &later, EMAIL, PASSWORD).await,
        "/sign-in/enrol"
    );
}

async fn an_admin_resets_a_lost_second_factor(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let att = app.user(&admin, EMAIL, "attorney", PASSWORD).await;
    set_up(&app, &att).await;
    let att_id = app.user_id(&att).await;
    let admin_id = app.user_id(&admin).await;

    let refused = app
        .ask::<()>(
            &admin,
            "reset_second_factor",
            &[("user_id", admin_id.as_str())],
        )
        .await
        .expect_err("one's own");
    assert_eq!(problem(refused), (403, Problem::ResetOwnSecondFactor));
    let () = app
        .ask(
            &admin,
            "reset_second_factor",
            &[("user_id", att_id.as_str())],
        )
        .await
        .expect("reset");
    // Their sessions ended; the password alone opens one again.
    assert_eq!(signed_in(&app, &att).await, None);
    let browser = app.client();
    assert_eq!(password(&app, &browser, EMAIL, PASSWORD).await, "/");
    let status: SecondFactorStatus = app.ask(&browser, "my_second_factor", &[]).await.unwrap();
    assert_eq!(status.totp_since, None);
    assert_eq!(status.recovery_codes_left, 0);
    // Nothing left to reset.
    let refused = app
        .ask::<()>(
            &admin,
            "reset_second_factor",
            &[("user_id", att_id.as_str())],
        )
        .await
        .expect_err("nothing to reset");
    assert_eq!(problem(refused), (409, Problem::NoAuthenticator));

    let alerts: Vec<_> = outbox(&app, &admin)
        .await
        .entries
        .into_iter()
        .filter(|e| e.category == MailCategory::SecurityAlert && e.to_address == EMAIL)
        .collect();
    assert_eq!(alerts.len(), 2, "set up, then reset: {alerts:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.second_factor_reset'"),
        1
    );
}

async fn the_rule_is_saved_and_an_unknown_one_refused_by_name(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let before: SecurityPolicy = app.ask(&admin, "load_security_policy", &[]).await.unwrap();
    assert_eq!(
        before.second_factor,
        SecondFactorRule::Optional,
        "the test rig's default"
    );
    let res = app
        .call(
            &admin,
            "save_security_policy",
            &[("second_factor", "sometimes")],
        )
        .await;
    assert_eq!(res.status(), 400);
    let body = res.text().await.unwrap();
    assert!(body.contains("sometimes"), "{body}");
    let unchanged: SecurityPolicy = app.ask(&admin, "load_security_policy", &[]).await.unwrap();
    assert_eq!(unchanged, before);
    let saved: SecurityPolicy = app
        .ask(
            &admin,
            "save_security_policy",
            &[("second_factor", "everyone")],
        )
        .await
        .unwrap();
    assert_eq!(saved.second_factor, SecondFactorRule::Everyone);
    let again: SecurityPolicy = app.ask(&admin, "load_security_policy", &[]).await.unwrap();
    assert_eq!(again, saved);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'firm.security' \
             AND summary = 'second factor required of: optional -> everyone'"
        ),
        1
    );
}
