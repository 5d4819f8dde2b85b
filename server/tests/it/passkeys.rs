//! Passkeys (WebAuthn), with a software authenticator that signs real
//! challenges: adding one (and recovery codes with the first factor), using
//! it as the second step of a sign-in, signing in with a passkey alone where
//! the firm allows it, the firm's rule at enrolment, and every bad answer
//! refused: a bad signature, another account's passkey, a used or unknown
//! ceremony, a passkey registered twice, a site reached by IP address.

use crate::common::authenticator::{with_bad_signature, with_user_handle, Authenticator};
use crate::common::firm::{firm, join_portal};
use crate::common::{answer, Backend, Refusal, TestApp, ADMIN_EMAIL};
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use reqwest::{redirect, Client};
use serde::de::DeserializeOwned;
use visadesk_app::domain::mail::{MailCategory, OutboxPage};
use visadesk_app::domain::problem::{Problem, Thing};
use visadesk_app::domain::second_factor::{
    ChallengeInfo, PasskeyAdded, PasskeyCeremony, SecondFactorStatus, SecurityPolicy,
};
use visadesk_app::domain::{CurrentUser, Role, UserSummary};
use visadesk_app::AppError;

on_both_databases!(
    a_passkey_is_added_then_asked_for_at_every_sign_in,
    bad_passkey_answers_are_refused_and_counted,
    a_passkey_alone_signs_in_where_the_firm_allows_it,
    a_required_second_factor_can_be_a_passkey_and_the_last_one_stays,
    applicants_add_passkeys_too_and_an_ip_address_has_none,
);

const EMAIL: &str = "att@firm.example";
const PASSWORD: &str = "attorney pass phrase";

/// The server as a browser reaches it at `http://localhost:<port>`: the
/// domain passkeys are bound to.
struct Site {
    base: String,
    port: u16,
}

impl Site {
    fn of(app: &TestApp) -> Site {
        let port: u16 = app
            .base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port in the base address");
        Site {
            base: format!("http://localhost:{port}"),
            port,
        }
    }

    /// A browser on this site: keeps cookies and sends its Origin.
    fn browser(&self) -> Client {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.base).expect("origin"));
        Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .default_headers(headers)
            .resolve("localhost", ([127, 0, 0, 1], self.port).into())
            .build()
            .expect("client")
    }

    async fn ask<T: DeserializeOwned>(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Result<T, Refusal> {
        let res = client
            .post(format!("{}/api/{endpoint}", self.base))
            .form(form)
            .send()
            .await
            .expect("request");
        answer(res).await
    }

    /// Signs a new browser in with a password; it and where it was sent.
    async fn password(&self, email: &str, password: &str) -> (Client, String) {
        let browser = self.browser();
        let next: String = self
            .ask(
                &browser,
                "sign_in",
                &[("email", email), ("password", password)],
            )
            .await
            .expect("the password is right");
        (browser, next)
    }

    async fn me(&self, client: &Client) -> Option<CurrentUser> {
        self.ask(client, "signed_in_user", &[])
            .await
            .expect("signed_in_user answers")
    }

    /// Adds a passkey named `name` for `client`, made by `device`.
    async fn add(
        &self,
        client: &Client,
        device: &mut Authenticator,
        name: &str,
        next: &str,
    ) -> Result<PasskeyAdded, Refusal> {
        let ceremony: PasskeyCeremony = self.ask(client, "start_passkey_registration", &[]).await?;
        let credential = device
            .create(&ceremony.options)
            .expect("the device makes one");
        self.ask(
            client,
            "finish_passkey_registration",
            &[
                ("ceremony", ceremony.ceremony.as_str()),
                ("name", name),
                ("credential", &credential),
                ("next", next),
            ],
        )
        .await
    }

    /// The passkey step of a sign-in: the options, then `answer` to them.
    async fn verify_with(
        &self,
        client: &Client,
        answer: impl FnOnce(&str) -> String,
    ) -> Result<String, Refusal> {
        let ceremony: PasskeyCeremony = self.ask(client, "start_passkey_verification", &[]).await?;
        let credential = answer(&ceremony.options);
        self.ask(
            client,
            "finish_passkey_verification",
            &[
                ("ceremony", ceremony.ceremony.as_str()),
                ("credential", &credential),
                ("next", "/cases"),
            ],
        )
        .await
    }

    /// A sign-in with a passkey alone: the options, then `answer` to them.
    async fn alone_with(
        &self,
        client: &Client,
        answer: impl FnOnce(&str) -> String,
    ) -> Result<String, Refusal> {
        let ceremony: PasskeyCeremony = self.ask(client, "start_passkey_sign_in", &[]).await?;
        let credential = answer(&ceremony.options);
        self.ask(
            client,
            "finish_passkey_sign_in",
            &[
                ("ceremony", ceremony.ceremony.as_str()),
                ("credential", &credential),
            ],
        )
        .await
    }
}

fn problem(refusal: Refusal) -> (u16, Problem) {
    match refusal {
        (status, AppError::Invalid { problem, .. })
        | (status, AppError::Conflict(problem))
        | (status, AppError::NotAllowed(problem)) => (status, problem),
        other => panic!("not a problem: {other:?}"),
    }
}

async fn security_alerts_to(app: &TestApp, admin: &Client, to: &str) -> usize {
    let page: OutboxPage = app
        .ask(admin, "list_outbox", &[("status", ""), ("page", "0")])
        .await
        .expect("the outbox");
    page.entries
        .iter()
        .filter(|e| e.category == MailCategory::SecurityAlert && e.to_address == to)
        .count()
}

async fn a_passkey_is_added_then_asked_for_at_every_sign_in(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let _ = app.user(&admin, EMAIL, "attorney", PASSWORD).await;
    let site = Site::of(&app);
    let (att, _) = site.password(EMAIL, PASSWORD).await;
    let mut laptop = Authenticator::new(&site.base);

    // A name is required before the device is asked.
    let unnamed = site
        .add(&att, &mut laptop, "  ", "")
        .await
        .expect_err("no name");
    assert_eq!(
        problem(unnamed),
        (400, Problem::Missing(Thing::PasskeyName))
    );

    let added = site
        .add(&att, &mut laptop, " Work laptop ", "")
        .await
        .expect("added");
    assert_eq!(added.passkey.name, "Work laptop");
    assert_eq!(
        added.recovery_codes.len(),
        10,
        "the first second factor brings recovery codes"
    );
    assert_eq!(added.next, None, "no sign-in was waiting");
    let status: SecondFactorStatus = site.ask(&att, "my_second_factor", &[]).await.unwrap();
    assert_eq!(status.totp_since, None);
    assert_eq!(status.passkeys.len(), 1);
    assert_eq!(status.passkeys[0].last_used_at, None);
    assert_eq!(status.recovery_codes_left, 10);
    let users: Vec<UserSummary> = app.ask(&admin, "list_users", &[]).await.unwrap();
    assert!(users.iter().any(|u| u.email == EMAIL && u.second_factor));
    assert_eq!(
        security_alerts_to(&app, &admin, EMAIL).await,
        1,
        "told by email"
    );

    // A second passkey, from a phone; no new codes.
    let mut phone = Authenticator::new(&site.base);
    let second = site
        .add(&att, &mut phone, "Phone", "")
        .await
        .expect("added");
    assert!(second.recovery_codes.is_empty());

    // The password alone opens no session now: the passkey step follows.
    let (browser, next) = site.password(EMAIL, PASSWORD).await;
    assert_eq!(next, "/sign-in/verify");
    assert_eq!(site.me(&browser).await, None);
    let info: ChallengeInfo = site.ask(&browser, "sign_in_challenge", &[]).await.unwrap();
    assert!(info.passkey && !info.totp);
    let mut answered = String::new();
    let path = site
        .verify_with(&browser, |options| {
            answered = phone.get(options).expect("the phone holds an allowed key");
            answered.clone()
        })
        .await
        .expect("the passkey finishes the sign-in");
    assert_eq!(path, "/cases");
    assert_eq!(
        site.me(&browser).await.map(|u| u.email),
        Some(EMAIL.to_string())
    );
    let status: SecondFactorStatus = site.ask(&att, "my_second_factor", &[]).await.unwrap();
    let used: Vec<_> = status
        .passkeys
        .iter()
        .map(|p| (p.name.as_str(), p.last_used_at.is_some()))
        .collect();
    assert_eq!(used, vec![("Work laptop", false), ("Phone", true)]);

    // The same answer again, to a new sign-in, is refused: its challenge was
    // another's.
    let (again, _) = site.password(EMAIL, PASSWORD).await;
    let replayed = site
        .verify_with(&again, |_| answered.clone())
        .await
        .expect_err("a replayed answer");
    assert_eq!(problem(replayed), (400, Problem::PasskeyRefused));

    // Removing one leaves the other; a recovery code still works.
    let laptop_id = status.passkeys[0].id.to_string();
    site.ask::<()>(&att, "remove_passkey", &[("passkey_id", &laptop_id)])
        .await
        .expect("removed");
    let gone = site
        .ask::<()>(&att, "remove_passkey", &[("passkey_id", &laptop_id)])
        .await
        .expect_err("removed already");
    assert_eq!(gone.0, 404);
    let path: String = site
        .ask(
            &again,
            "verify_second_factor",
            &[("code", &added.recovery_codes[0]), ("next", "/")],
        )
        .await
        .expect("a recovery code");
    assert_eq!(path, "/");
    assert_eq!(
        security_alerts_to(&app, &admin, EMAIL).await,
        3,
        "two added, one removed"
    );
}

async fn bad_passkey_answers_are_refused_and_counted(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let _ = app.user(&admin, EMAIL, "attorney", PASSWORD).await;
    let _ = app
        .user(
            &admin,
            "para@firm.example",
            "paralegal",
            "paralegal pass phrase",
        )
        .await;
    let site = Site::of(&app);
    let (att, _) = site.password(EMAIL, PASSWORD).await;
    let (para, _) = site
        .password("para@firm.example", "paralegal pass phrase")
        .await;
    let mut att_device = Authenticator::new(&site.base);
    let mut para_device = Authenticator::new(&site.base);
    site.add(&att, &mut att_device, "Laptop", "")
        .await
        .expect("added");
    site.add(&para, &mut para_device, "Laptop", "")
        .await
        .expect("added");

    // Registration: not a credential; made on another site; a ceremony used
    // twice; the same passkey on a second account.
    let ceremony: PasskeyCeremony = site
        .ask(&att, "start_passkey_registration", &[])
        .await
        .unwrap();
    let bad = site
        .ask::<PasskeyAdded>(
            &att,
            "finish_passkey_registration",
            &[
                ("ceremony", ceremony.ceremony.as_str()),
                ("name", "X"),
                ("credential", "{\"id\": 1}"),
            ],
        )
        .await
        .expect_err("not a credential");
    assert_eq!(problem(bad), (400, Problem::PasskeyRefused));
    let mut elsewhere = Authenticator::new("http://localhost:1");
    let ceremony: PasskeyCeremony = site
        .ask(&att, "start_passkey_registration", &[])
        .await
        .unwrap();
    let credential = elsewhere.create(&ceremony.options).unwrap();
    let form = [
        ("ceremony", ceremony.ceremony.as_str()),
        ("name", "Elsewhere"),
        ("credential", credential.as_str()),
    ];
    let refused = site
        .ask::<PasskeyAdded>(&att, "finish_passkey_registration", &form)
        .await
        .expect_err("another origin");
    assert_eq!(problem(refused), (400, Problem::PasskeyRefused));
    let used = site
        .ask::<PasskeyAdded>(&att, "finish_passkey_registration", &form)
        .await
        .expect_err("used once");
    assert_eq!(problem(used), (409, Problem::PasskeyExpired));
    let ceremony: PasskeyCeremony = site
        .ask(&para, "start_passkey_registration", &[])
        .await
        .unwrap();
    let twice = att_device.attest(&ceremony.options, 0);
    let taken = site
        .ask::<PasskeyAdded>(
            &para,
            "finish_passkey_registration",
            &[
                ("ceremony", ceremony.ceremony.as_str()),
                ("name", "Borrowed"),
                ("credential", &twice),
            ],
        )
        .await
        .expect_err("registered already");
    assert_eq!(problem(taken), (409, Problem::PasskeyTaken));
    let status: SecondFactorStatus = site.ask(&para, "my_second_factor", &[]).await.unwrap();
    assert_eq!(
        status.passkeys.len(),
        1,
        "nothing was kept from the refusals"
    );

    // The sign-in step: another account's passkey, a bad signature, not a
    // credential at all (refused before the sign-in is touched); each
    // answer that does not verify counts, and the fifth ends the sign-in.
    let (browser, _) = site.password(EMAIL, PASSWORD).await;
    let refusals = [
        site.verify_with(&browser, |o| para_device.assert(o, 0))
            .await,
        site.verify_with(&browser, |o| {
            with_bad_signature(&att_device.get(o).unwrap())
        })
        .await,
        site.verify_with(&browser, |_| "{}".to_string()).await,
        site.verify_with(&browser, |o| {
            with_bad_signature(&att_device.get(o).unwrap())
        })
        .await,
        site.verify_with(&browser, |o| {
            with_bad_signature(&att_device.get(o).unwrap())
        })
        .await,
    ];
    for r in refusals {
        assert_eq!(
            problem(r.expect_err("refused")),
            (400, Problem::PasskeyRefused)
        );
    }
    assert_eq!(site.me(&browser).await, None);
    let fifth = site
        .verify_with(&browser, |o| {
            with_bad_signature(&att_device.get(o).unwrap())
        })
        .await
        .expect_err("the fifth");
    assert_eq!(problem(fifth), (400, Problem::TooManyWrongCodes));
    let over = site
        .verify_with(&browser, |o| att_device.get(o).unwrap())
        .await
        .expect_err("the sign-in is over");
    assert_eq!(over, (401, AppError::NotSignedIn));
    let logged =
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.second_factor_failed'");
    assert_eq!(
        logged, 5,
        "each answer that did not verify is in the audit trail"
    );
}

async fn a_passkey_alone_signs_in_where_the_firm_allows_it(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let _ = app.user(&admin, EMAIL, "attorney", PASSWORD).await;
    let site = Site::of(&app);
    let (att, _) = site.password(EMAIL, PASSWORD).await;
    let mut device = Authenticator::new(&site.base);
    site.add(&att, &mut device, "Laptop", "")
        .await
        .expect("added");

    // Off by default: not offered, and refused if asked for.
    let visitor = site.browser();
    let offered: bool = site
        .ask(&visitor, "passkey_sign_in_offered", &[])
        .await
        .unwrap();
    assert!(!offered);
    let off = site
        .alone_with(&visitor, |o| device.get(o).unwrap_or_default())
        .await
        .expect_err("off");
    assert_eq!(problem(off), (403, Problem::PasskeySignInOff));

    let policy: SecurityPolicy = app
        .ask(
            &admin,
            "save_security_policy",
            &[("second_factor", "optional"), ("passkey_sign_in", "true")],
        )
        .await
        .expect("saved");
    assert!(policy.passkey_sign_in);
    let offered: bool = site
        .ask(&visitor, "passkey_sign_in_offered", &[])
        .await
        .unwrap();
    assert!(offered);

    // An answer that claims another account's user handle is refused.
    let admin_handle =
        visadesk_server::auth::passkey::user_handle(app.user_id(&admin).await.as_str());
    let other = site
        .alone_with(&visitor, |o| {
            with_user_handle(&device.get(o).unwrap(), admin_handle.as_bytes())
        })
        .await
        .expect_err("another account's handle");
    assert_eq!(problem(other), (400, Problem::PasskeyRefused));
    // A passkey nobody here registered.
    let mut stranger = Authenticator::new(&site.base);
    let ceremony: PasskeyCeremony = site
        .ask(&att, "start_passkey_registration", &[])
        .await
        .unwrap();
    let _ = stranger.create(&ceremony.options).unwrap();
    let unknown = site
        .alone_with(&visitor, |o| stranger.get(o).unwrap())
        .await
        .expect_err("unknown passkey");
    assert_eq!(problem(unknown), (409, Problem::PasskeyUnknown));
    assert_eq!(site.me(&visitor).await, None);

    // The right one: signed in, no password.
    let path = site
        .alone_with(&visitor, |o| device.get(o).unwrap())
        .await
        .expect("signed in");
    assert_eq!(path, "/");
    let me = site.me(&visitor).await.expect("signed in");
    assert_eq!(me.email, EMAIL);
    let logged = app.count(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.sign_in' AND summary LIKE '%passkey \"Laptop\" alone%'",
    );
    assert_eq!(logged, 1);
    let _ = ADMIN_EMAIL;
}

async fn a_required_second_factor_can_be_a_passkey_and_the_last_one_stays(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let _ = app.user(&admin, EMAIL, "attorney", PASSWORD).await;
    let _: SecurityPolicy = app
        .ask(
            &admin,
            "save_security_policy",
            &[("second_factor", "staff")],
        )
        .await
        .expect("saved");
    let site = Site::of(&app);
    let (browser, next) = site.password(EMAIL, PASSWORD).await;
    assert_eq!(next, "/sign-in/enrol");
    assert_eq!(
        site.me(&browser).await,
        None,
        "nothing before a second factor"
    );
    let mut device = Authenticator::new(&site.base);
    let added = site
        .add(&browser, &mut device, "Laptop", "/clients")
        .await
        .expect("a passkey finishes the enrolment");
    assert_eq!(added.recovery_codes.len(), 10);
    assert_eq!(added.next.as_deref(), Some("/clients"));
    assert_eq!(
        site.me(&browser).await.map(|u| u.role),
        Some(Role::Attorney)
    );

    // The firm requires it: the last passkey stays.
    let status: SecondFactorStatus = site.ask(&browser, "my_second_factor", &[]).await.unwrap();
    assert!(status.required);
    let kept = site
        .ask::<()>(
            &browser,
            "remove_passkey",
            &[("passkey_id", status.passkeys[0].id.as_str())],
        )
        .await
        .expect_err("the last one");
    assert_eq!(problem(kept), (403, Problem::LastSecondFactor));

    // An admin's reset removes it, with the recovery codes, and says so.
    let user_id = site.me(&browser).await.unwrap().user_id;
    let _: () = app
        .ask(
            &admin,
            "reset_second_factor",
            &[("user_id", user_id.as_str())],
        )
        .await
        .expect("reset");
    let (_, next) = site.password(EMAIL, PASSWORD).await;
    assert_eq!(next, "/sign-in/enrol", "set up again");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM passkeys WHERE user_id = '{user_id}'"
        )),
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = '{user_id}'"
        )),
        0
    );
}

async fn applicants_add_passkeys_too_and_an_ip_address_has_none(db: Backend) {
    let f = firm(db).await;
    let applicant = join_portal(&f).await;
    // The test rig's own address is an IP: no passkeys there, said plainly.
    let refused = f
        .app
        .ask::<PasskeyCeremony>(&applicant, "start_passkey_registration", &[])
        .await
        .expect_err("an IP address");
    assert_eq!(problem(refused), (409, Problem::PasskeysNeedDomain));

    let site = Site::of(&f.app);
    let (browser, next) = site
        .password("priya@example.com", "applicant pass phrase")
        .await;
    assert_eq!(next, "/portal");
    let mut phone = Authenticator::new(&site.base);
    let added = site
        .add(&browser, &mut phone, "手机", "")
        .await
        .expect("added");
    assert_eq!(added.passkey.name, "手机");
    let (again, next) = site
        .password("priya@example.com", "applicant pass phrase")
        .await;
    assert_eq!(next, "/sign-in/verify");
    let path = site
        .verify_with(&again, |o| phone.get(o).unwrap())
        .await
        .expect("signed in");
    assert_eq!(path, "/cases", "where it was asked to go");
    assert_eq!(site.me(&again).await.map(|u| u.role), Some(Role::Applicant));
}
