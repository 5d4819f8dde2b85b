//! Visadesk in English and Simplified Chinese: how a page's language is
//! chosen (account, cookie, browser, English), switching it, emails in the
//! recipient's language, and Chinese pages with no English left over.

use crate::common::firm::Firm;
use crate::common::smtp::SmtpSink;
use crate::common::{Backend, Refusal, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::mail::firm_mailing_to;
use serde_json::json;
use visadesk_app::domain::client::SaveOutcome;
use visadesk_app::domain::document::NewInvitation;
use visadesk_app::domain::{ClientId, CurrentUser, Language};
use visadesk_app::AppError;

on_both_databases!(
    a_page_follows_the_account_then_the_cookie_then_the_browser_then_english,
    choosing_a_language_keeps_it_for_the_browser_and_the_account,
    a_chinese_client_is_invited_in_chinese_and_their_portal_is_chinese,
    pages_in_chinese_hold_no_english,
);

/// The `lang` of a page's `<html>`.
fn html_lang(page: &str) -> &str {
    page.split_once("<html lang=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(lang, _)| lang)
        .unwrap_or("")
}

async fn page(
    app: &TestApp,
    who: &reqwest::Client,
    path: &str,
    headers: &[(&str, &str)],
) -> String {
    let mut req = who.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("page");
    assert!(res.status().as_u16() < 500, "{path}: {}", res.status());
    res.text().await.expect("body")
}

async fn a_page_follows_the_account_then_the_cookie_then_the_browser_then_english(db: Backend) {
    let app = TestApp::spawn(db).await;
    let anonymous = app.client();
    let english = page(&app, &anonymous, "/sign-in", &[]).await;
    assert_eq!(html_lang(&english), "en");
    assert!(english.contains(">Sign in</h1>"));

    let chinese = page(
        &app,
        &anonymous,
        "/sign-in",
        &[("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")],
    )
    .await;
    assert_eq!(html_lang(&chinese), "zh-Hans");
    assert!(
        chinese.contains(">登录</h1>"),
        "the browser asked for Chinese"
    );

    // The cookie outweighs the browser; an unknown one is passed over.
    for (cookie, accept, expected) in [
        ("visadesk_lang=en", "zh-CN", "en"),
        ("visadesk_lang=zh-Hans", "en-GB", "zh-Hans"),
        ("visadesk_lang=fr", "zh-CN", "zh-Hans"),
        ("visadesk_lang=%ff%fe", "", "en"),
        ("visadesk_lang=", "zz;q=abc", "en"),
    ] {
        let body = page(
            &app,
            &anonymous,
            "/sign-in",
            &[("cookie", cookie), ("accept-language", accept)],
        )
        .await;
        assert_eq!(html_lang(&body), expected, "{cookie} / {accept}");
    }

    // A signed-in person's account outweighs both.
    let admin = app.admin().await;
    let _: () = app
        .ask(&admin, "choose_language", &[("language", "zh-Hans")])
        .await
        .expect("chosen");
    let fresh = app.client();
    app.sign_in(&fresh, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let body = page(
        &app,
        &fresh,
        "/account/sessions",
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(html_lang(&body), "zh-Hans", "the account's language wins");
}

async fn choosing_a_language_keeps_it_for_the_browser_and_the_account(db: Backend) {
    let app = TestApp::spawn(db).await;
    let anonymous = app.client();
    let res = app
        .call(&anonymous, "choose_language", &[("language", "zh-Hans")])
        .await;
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("visadesk_lang="))
        .expect("the language cookie")
        .to_string();
    assert!(cookie.starts_with("visadesk_lang=zh-Hans;"), "{cookie}");
    assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
    assert_eq!(
        html_lang(&page(&app, &anonymous, "/sign-in", &[]).await),
        "zh-Hans"
    );

    // An unknown code is refused by name and changes nothing.
    let refused: Result<(), Refusal> = app
        .ask(&anonymous, "choose_language", &[("language", "fr")])
        .await;
    let (status, error) = refused.expect_err("fr is not spoken");
    assert_eq!(status, 400);
    assert!(
        matches!(&error, AppError::Request(p) if p.to_string().contains("unknown language `fr`")),
        "{error:?}"
    );
    assert_eq!(
        html_lang(&page(&app, &anonymous, "/sign-in", &[]).await),
        "zh-Hans"
    );

    // Signed in, the choice goes into the account (and the audit trail).
    let admin = app.admin().await;
    let me: Option<CurrentUser> = app.ask(&admin, "signed_in_user", &[]).await.expect("me");
    assert_eq!(
        me.expect("signed in").language,
        None,
        "follows the browser until chosen"
    );
    let _: () = app
        .ask(&admin, "choose_language", &[("language", "zh-Hans")])
        .await
        .expect("chosen");
    let me: Option<CurrentUser> = app.ask(&admin, "signed_in_user", &[]).await.expect("me");
    assert_eq!(
        me.expect("signed in").language,
        Some(Language::ChineseSimplified)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.language'"),
        1
    );
}

/// A client who reads Chinese, saved by the firm's admin.
async fn chinese_client(f: &Firm) -> ClientId {
    let body = json!({ "id": null, "base_version": null, "confirm_duplicate": false, "details": {
        "full_name": "王伟", "latin_name": "WANG Wei", "email": "wang.wei@example.com", "phone": "", "address": "",
        "date_of_birth": "1996-03-02", "nationality": "CN", "passport_number": "E12345678", "passport_expiry": "2031-03-01",
        "education": [{ "level": "master", "field": "物理学", "stem": true, "institution": "清华大学", "country": "CN", "completed_on": "2021-06-30" }],
        "work": [{ "role": "研究员", "employer": "中国科学院", "country": "CN", "start_on": "2021-07-01", "end_on": "", "research_or_teaching": true }],
        "languages": [], "preferred_language": "zh-Hans",
        "eligibility": { "institution_well_known": null, "job_offer": {
            "country": "DE", "employer": "示例有限公司", "occupation": "软件工程师", "annual_salary": "52000", "currency": "EUR",
            "duration_months": "open-ended", "employer_sponsors": true
        } }
    }});
    match f.app.ask_json(&f.admin, "save_client", &body).await {
        Ok(SaveOutcome::Saved(client)) => {
            assert_eq!(
                client.details.preferred_language,
                Language::ChineseSimplified
            );
            client.id
        }
        other => panic!("not saved: {other:?}"),
    }
}

/// Invites `client_id` and joins from a fresh browser; returns it.
async fn join(f: &Firm, client_id: &ClientId) -> reqwest::Client {
    crate::common::firm::join_portal_as(f, client_id).await
}

async fn a_chinese_client_is_invited_in_chinese_and_their_portal_is_chinese(db: Backend) {
    let sink = SmtpSink::start().await;
    let f = firm_mailing_to(db, &sink.url(), &[]).await;
    let client_id = chinese_client(&f).await;
    let applicant = join(&f, &client_id).await;
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.envelope_to, "wang.wei@example.com");
    assert!(
        mail.subject.ends_with("邀请您登录案件门户"),
        "{}",
        mail.subject
    );
    assert!(mail.text.starts_with("王伟，您好："), "{}", mail.text);
    assert!(mail.html.contains("lang=\"zh-Hans\""));

    // The account made from the invitation reads Chinese, whatever the browser asks.
    let me: Option<CurrentUser> = f
        .app
        .ask(&applicant, "signed_in_user", &[])
        .await
        .expect("me");
    assert_eq!(
        me.expect("signed in").language,
        Some(Language::ChineseSimplified)
    );
    let portal = page(&f.app, &applicant, "/portal", &[("accept-language", "en")]).await;
    assert_eq!(html_lang(&portal), "zh-Hans");
    assert!(
        portal.contains("我的案件"),
        "the portal's heading is Chinese"
    );

    // The firm's own client (English) still hears in English.
    let invitation: NewInvitation = f
        .app
        .ask(
            &f.admin,
            "invite_applicant",
            &[("client_id", f.client_id.as_str())],
        )
        .await
        .expect("invited");
    assert!(invitation.emailed);
    let mail = sink.wait_for(2).await.remove(1);
    assert!(
        mail.subject.ends_with("invites you to your case portal"),
        "{}",
        mail.subject
    );
}

/// The visible words of a page: text between tags and the attributes people
/// read (labels, placeholders, titles), with scripts and styles left out.
fn visible_words(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let after = &rest[open..];
        let lower = after.get(..8).unwrap_or("").to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            after.find("</script>").map(|i| i + 9)
        } else if lower.starts_with("<style") {
            after.find("</style>").map(|i| i + 8)
        } else if lower.starts_with("<!--") {
            after.find("-->").map(|i| i + 3)
        } else if lower.starts_with("<code") {
            // A code, command or setting name is not a word to translate.
            after.find("</code>").map(|i| i + 7)
        } else if let Some(close) = marked_english(after) {
            // An element marked `lang="en"` (a citation's published title,
            // a language's own name) is English on purpose.
            after.find(&close).map(|i| i + close.len())
        } else {
            let end = after.find('>').map(|i| i + 1);
            if let Some(end) = end {
                let tag = &after[..end];
                for attr in ["aria-label=\"", "placeholder=\"", "title=\"", "alt=\""] {
                    if let Some((_, v)) = tag.split_once(attr) {
                        if let Some((value, _)) = v.split_once('"') {
                            text.push_str(value);
                            text.push(' ');
                        }
                    }
                }
            }
            end
        };
        match skip_to {
            Some(n) => rest = &after[n..],
            None => {
                rest = "";
            }
        }
    }
    text.push_str(rest);
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .map(str::to_string)
        .collect()
}

/// The closing tag of the element `tag` opens, if its start tag marks it
/// `lang="en"`.
fn marked_english(tag: &str) -> Option<String> {
    let start = &tag[..tag.find('>')?];
    if !start.contains(" lang=\"en\"") {
        return None;
    }
    let name: String = start[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!name.is_empty()).then(|| format!("</{name}>"))
}

/// Words that stay as they are in Chinese: the product, codes and units,
/// and the names and addresses in the test's data.
const NOT_ENGLISH: &[&str] = &[
    "Visadesk",
    "VD",
    "UTC",
    "PDF",
    "JPEG",
    "PNG",
    "KB",
    "MB",
    "GB",
    "EU",
    "US",
    "LCA",
    "STEM",
    "HSK",
    "ID",
    "DE",
    // A screen lock's PIN (PIN 码), as Chinese device settings say it.
    "PIN",
    // Currency codes, as the salary's hint shows them.
    "EUR",
    "USD",
    "CNY",
    "ZAB",
    "anabin",
    "English",
    "WANG",
    "Wei",
    "wang",
    "wei",
    "example",
    "com",
    "amp",
    "nbsp",
    "scan",
    "pdf",
    // The test's people, their addresses, and its HTTP client's user agent.
    "Administrator",
    "admin",
    "firm",
    "att",
    "para",
    "Test",
    "Person",
    "Priya",
    "Sharma",
    "priya",
    "reqwest",
    "IN",
    "CN",
    // IANA time zone names (codes), as the digest setting's hint shows them.
    "IANA",
    "Asia",
    "Shanghai",
    "Europe",
    "Berlin",
    // Products named in the calendar feed's help.
    "Outlook",
    "Google",
    "Apple",
];

async fn pages_in_chinese_hold_no_english(db: Backend) {
    let f = crate::common::firm::firm(db).await;
    let client_id = chinese_client(&f).await;
    let case = crate::common::firm::opened_for(&f, &client_id, "cn_k").await;
    let applicant = join(&f, &client_id).await;
    let anonymous = f.app.client();
    let zh = [("accept-language", "zh-CN")];
    let pages = [
        (&anonymous, "/sign-in"),
        (&anonymous, "/sign-in?signed_out=1"),
        (&anonymous, "/forgot-password"),
        (&anonymous, "/reset-password/not-a-token"),
        (&anonymous, "/portal/join/not-a-token"),
        (&applicant, "/portal"),
    ];
    // Staff pages, for an admin whose account reads Chinese.
    let _: () = f
        .app
        .ask(&f.admin, "choose_language", &[("language", "zh-Hans")])
        .await
        .expect("chosen");
    let _: () = f
        .app
        .ask(&f.para, "choose_language", &[("language", "zh-Hans")])
        .await
        .expect("chosen");
    let _: visadesk_app::domain::task::Task = f
        .app
        .ask(
            &f.admin,
            "add_task",
            &[
                ("case_id", case.id.as_str()),
                ("title", "预约翻译"),
                ("due_on", "2026-12-20"),
                ("assignee_id", f.para_id.as_str()),
            ],
        )
        .await
        .expect("a task for the paralegal");
    // The second step of a sign-in: the paralegal has an authenticator
    // app; the firm then requires one of all staff, so the attorney (who
    // has none) is asked to set one up.
    let setup: visadesk_app::domain::second_factor::TotpSetup = f
        .app
        .ask(&f.para, "start_totp", &[])
        .await
        .expect("a setup");
    let encoded = setup.secret.replace(' ', "");
    let secret = totp_rs::Secret::Encoded(encoded)
        .to_bytes()
        .expect("base32");
    let code = visadesk_server::auth::totp::code_at(&secret, visadesk_server::auth::now());
    let _: visadesk_app::domain::second_factor::TotpConfirmed = f
        .app
        .ask(&f.para, "confirm_totp", &[("code", code.as_str())])
        .await
        .expect("confirmed");
    let verifying = f.app.client();
    let res = f
        .app
        .sign_in(&verifying, "para@firm.example", "paralegal pass phrase")
        .await;
    assert_eq!(res.status(), 200);
    let _: visadesk_app::domain::second_factor::SecurityPolicy = f
        .app
        .ask(
            &f.admin,
            "save_security_policy",
            &[("second_factor", "staff")],
        )
        .await
        .expect("saved");
    let enrolling = f.app.client();
    let res = f
        .app
        .sign_in(&enrolling, "att@firm.example", "attorney pass phrase")
        .await;
    assert_eq!(res.status(), 200);
    let client_page = format!("/clients/{client_id}");
    let client_edit = format!("/clients/{client_id}/edit");
    let case_page = format!("/cases/{}", case.id);
    let staff_pages = [
        (&f.admin, "/"),
        (&f.admin, "/cases"),
        (&f.admin, "/cases/board"),
        (&f.admin, "/clients"),
        // With the eligibility panel: every programme's criteria, values,
        // points table and sources.
        (&f.admin, client_page.as_str()),
        (&f.admin, client_edit.as_str()),
        (&f.admin, case_page.as_str()),
        (&f.admin, "/account/sessions"),
        (&f.admin, "/notifications"),
        // With a notice: a task given to the paralegal, who reads Chinese.
        (&f.para, "/notifications"),
        // Audit rows keep their recorded (English) details, marked so.
        (&f.admin, "/admin/audit"),
        (&f.admin, "/admin/outbox"),
        // With the sign-in security setting and the two-step badge.
        (&f.admin, "/admin"),
        (&verifying, "/sign-in/verify"),
        (&enrolling, "/sign-in/enrol"),
        // Expired, or never begun.
        (&anonymous, "/sign-in/verify"),
    ];
    for (who, path) in pages.into_iter().chain(staff_pages) {
        let body = page(&f.app, who, path, &zh).await;
        assert_eq!(html_lang(&body), "zh-Hans", "{path}");
        let english: Vec<String> = visible_words(&body)
            .into_iter()
            .filter(|w| !NOT_ENGLISH.contains(&w.as_str()))
            .collect();
        assert!(
            english.is_empty(),
            "{path} still shows English: {english:?}"
        );
    }
}

#[test]
fn visible_words_skip_markup_scripts_and_styles_but_read_labels() {
    let words = visible_words(
        r#"<p class="x">你好 Hello</p><script>var Foo = 1;</script><style>.a{}</style><button aria-label="Close it">关</button><!-- note --><cite lang="en">Residence Act</cite> 依据 <code>visadesk audit verify</code>"#,
    );
    assert_eq!(words, vec!["Hello", "Close", "it"]);
}
