//! The applicant portal: invitations (one use, seven days), joining, and
//! what an applicant may see and do. Anything not theirs answers 404.

use crate::common::firm::{firm, opened, Firm};
use crate::common::{Backend, Refusal};
use serde_json::json;
use visadesk_app::domain::case::CaseSummary;
use visadesk_app::domain::checklist::{ChecklistItem, DocumentKind, ItemStatus};
use visadesk_app::domain::client::SaveOutcome;
use visadesk_app::domain::document::{InvitationInfo, NewInvitation, Portal};
use visadesk_app::domain::{ClientId, DocumentId, ItemId, UserSummary};
use visadesk_app::AppError;

fn pdf(seed: u8) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    b.extend((0..5000u32).map(|i| (i as u8) ^ seed));
    b
}

async fn upload(f: &Firm, who: &reqwest::Client, item_id: &ItemId, bytes: &[u8]) -> u16 {
    let boundary = "portal-test-boundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    who.post(f.app.url(&format!("/documents/items/{item_id}")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A second client record, with its own email.
async fn other_client(f: &Firm) -> ClientId {
    let body = json!({ "id": null, "base_version": null, "confirm_duplicate": false, "details": {
        "full_name": "Lukas Becker", "latin_name": "", "email": "lukas@example.com", "phone": "", "address": "",
        "date_of_birth": "1990-02-01", "nationality": "DE", "passport_number": "C01X00T47", "passport_expiry": "2031-01-01",
        "education": [], "work": [], "languages": []
    }});
    match f.app.ask_json(&f.admin, "save_client", &body).await {
        Ok(SaveOutcome::Saved(client)) => client.id,
        other => panic!("not saved: {other:?}"),
    }
}

/// Invites a client and returns the token of the link.
async fn invite(f: &Firm, client_id: &ClientId) -> String {
    let invitation: NewInvitation = f
        .app
        .ask(
            &f.para,
            "invite_applicant",
            &[("client_id", client_id.as_str())],
        )
        .await
        .expect("invited");
    invitation
        .path
        .trim_start_matches("/portal/join/")
        .to_string()
}

/// Accepts an invitation in a fresh browser; returns it signed in.
async fn join(f: &Firm, token: &str, password: &str) -> (u16, reqwest::Client) {
    let browser = f.app.client();
    let res = f
        .app
        .call(
            &browser,
            "accept_invitation",
            &[
                ("token", token),
                ("password", password),
                ("confirm", password),
            ],
        )
        .await;
    (res.status().as_u16(), browser)
}

async fn portal(f: &Firm, who: &reqwest::Client) -> Result<Portal, Refusal> {
    f.app.ask(who, "portal", &[]).await
}

/// Staff review a document version.
async fn review(
    f: &Firm,
    who: &reqwest::Client,
    document: &DocumentId,
    accept: bool,
    reason: &str,
) -> Result<ChecklistItem, Refusal> {
    let accept = if accept { "true" } else { "false" };
    f.app
        .ask(
            who,
            "review_document",
            &[
                ("document_id", document.as_str()),
                ("accept", accept),
                ("reason", reason),
            ],
        )
        .await
}

async fn set_active(f: &Firm, user_id: &visadesk_app::domain::UserId, active: &str) {
    let user: Result<UserSummary, Refusal> = f
        .app
        .ask(
            &f.admin,
            "set_user_active",
            &[("user_id", user_id.as_str()), ("active", active)],
        )
        .await;
    assert_eq!(user.map(|u| u.active.to_string()), Ok(active.to_string()));
}

async fn invitations_work_once_and_expire(db: Backend) {
    let f = firm(db).await;
    let token = invite(&f, &f.client_id).await;
    let info: InvitationInfo = f
        .app
        .ask(&f.app.client(), "invitation_details", &[("token", &token)])
        .await
        .expect("the link's page");
    assert_eq!(info.client_name, "Priya Sharma");
    assert_eq!(info.email, "priya@example.com");
    assert!(!info.has_account);

    let browser = f.app.client();
    let res = f
        .app
        .call(
            &browser,
            "accept_invitation",
            &[
                ("token", &token),
                ("password", "password123"),
                ("confirm", "password123"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        400,
        "a weak password is refused and the link stays usable"
    );
    let res = f
        .app
        .call(
            &browser,
            "accept_invitation",
            &[
                ("token", &token),
                ("password", "a long pass phrase"),
                ("confirm", "another phrase"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let (status, applicant) = join(&f, &token, "my own long pass phrase").await;
    assert_eq!(status, 200);
    assert!(portal(&f, &applicant).await.is_ok());
    // The link's page is in the access log, without the token.
    let page = f
        .app
        .client()
        .get(f.app.url(&format!("/portal/join/{token}")))
        .send()
        .await
        .unwrap();
    let _ = page.text().await;
    let mut logged = false;
    for _ in 0..50 {
        if f.app.log().contains("GET /portal/join/[token]") {
            logged = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(logged, "the request is logged");
    assert!(
        !f.app.log().contains(&token),
        "the token is not in the server log"
    );
    let (again, _) = join(&f, &token, "my own long pass phrase").await;
    assert_eq!(again, 409, "the link works once");
    let (bogus, _) = join(&f, "not-a-token", "my own long pass phrase").await;
    assert_eq!(bogus, 409);

    // The applicant signs in like anyone else and lands in the portal.
    let browser = f.app.client();
    let res = f
        .app
        .sign_in(&browser, "priya@example.com", "my own long pass phrase")
        .await;
    assert_eq!(res.status(), 200);
    let res = browser.get(f.app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/portal");

    // A new link resets the password; an expired one does nothing.
    let token = invite(&f, &f.client_id).await;
    f.app
        .exec("UPDATE invitations SET expires_at = 0 WHERE used_at IS NULL");
    let (expired, _) = join(&f, &token, "a brand new pass phrase").await;
    assert_eq!(expired, 409);
    let token = invite(&f, &f.client_id).await;
    let (status, _) = join(&f, &token, "a brand new pass phrase").await;
    assert_eq!(status, 200);
    assert_eq!(
        portal(&f, &applicant).await,
        Err((401, AppError::NotSignedIn)),
        "a new password ends the sessions of the old one"
    );
    let applicant = f.app.client();
    let res = f
        .app
        .sign_in(&applicant, "priya@example.com", "a brand new pass phrase")
        .await;
    assert_eq!(res.status(), 200);

    // An invitation never brings back an account the firm deactivated.
    let user_id = f.app.user_id(&applicant).await;
    set_active(&f, &user_id, "false").await;
    let token = invite(&f, &f.client_id).await;
    let (status, _) = join(&f, &token, "yet another pass phrase").await;
    assert_eq!(status, 409);
    let applicant = f.app.client();
    let res = f
        .app
        .sign_in(&applicant, "priya@example.com", "a brand new pass phrase")
        .await;
    assert_eq!(res.status(), 401);
    set_active(&f, &user_id, "true").await;
    let res = f
        .app
        .sign_in(&applicant, "priya@example.com", "a brand new pass phrase")
        .await;
    assert_eq!(res.status(), 200);

    // A client without an email cannot be invited; staff roles only.
    f.app.exec("UPDATE clients SET email = ''");
    let no_email: Result<NewInvitation, Refusal> = f
        .app
        .ask(
            &f.para,
            "invite_applicant",
            &[("client_id", f.client_id.as_str())],
        )
        .await;
    assert!(
        matches!(no_email, Err((400, AppError::Invalid { .. }))),
        "{no_email:?}"
    );
    let by_applicant: Result<NewInvitation, Refusal> = f
        .app
        .ask(
            &applicant,
            "invite_applicant",
            &[("client_id", f.client_id.as_str())],
        )
        .await;
    assert_eq!(by_applicant, Err((403, AppError::Forbidden)));
}

async fn an_applicant_reaches_only_their_own_case(db: Backend) {
    let f = firm(db).await;
    let case_a = opened(&f, &f.admin, "cn_k", &[]).await.id;
    let lukas = other_client(&f).await;
    let case_b: CaseSummary = f
        .app
        .ask(
            &f.admin,
            "create_case",
            &[("client_id", lukas.as_str()), ("programme", "us_h1b")],
        )
        .await
        .expect("Lukas's case");
    let case_b = case_b.id;
    f.app.exec(&format!("UPDATE cases SET internal_notes = 'Fee dispute; do not tell the client' WHERE id = '{case_a}'"));

    let (_, a) = join(
        &f,
        &invite(&f, &f.client_id).await,
        "priya's long pass phrase",
    )
    .await;
    let (_, b) = join(&f, &invite(&f, &lukas).await, "lukas's long pass phrase").await;

    let mine = portal(&f, &a).await.expect("Priya's portal");
    let ids: Vec<_> = mine.cases.iter().map(|c| &c.id).collect();
    assert_eq!(ids, vec![&case_a]);
    assert!(
        !format!("{mine:?}").contains("Fee dispute"),
        "no internal notes in the portal"
    );
    let item_a = mine.cases[0].checklist[0].id.clone();
    let theirs = portal(&f, &b).await.expect("Lukas's portal");
    assert_eq!(theirs.cases[0].id, case_b);
    let item_b = theirs.cases[0].checklist[0].id.clone();

    // Upload to one's own case; not to another's.
    assert_eq!(upload(&f, &a, &item_a, &pdf(1)).await, 201);
    assert_eq!(upload(&f, &a, &item_b, &pdf(2)).await, 404);
    assert_eq!(upload(&f, &b, &item_b, &pdf(3)).await, 201);
    let newest = |portal: Portal| portal.cases[0].checklist[0].versions[0].id.clone();
    let doc_a = newest(portal(&f, &a).await.expect("portal"));
    let doc_b = newest(portal(&f, &b).await.expect("portal"));

    // Download one's own; another's is 404, as is any preview or review.
    let res = a
        .get(f.app.url(&format!("/documents/{doc_a}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf(1).as_slice());
    for path in [
        format!("/documents/{doc_b}"),
        format!("/documents/{doc_b}/preview"),
        format!("/documents/{doc_a}/preview"),
    ] {
        let res = a.get(f.app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    assert_eq!(
        review(&f, &a, &doc_b, true, "").await,
        Err((403, AppError::Forbidden)),
        "reviewing is staff work: refused alike for any document"
    );
    assert_eq!(
        review(&f, &a, &doc_a, true, "").await,
        Err((403, AppError::Forbidden)),
        "applicants do not review"
    );

    // Nothing of the staff area: pages send them to the portal, data is refused.
    for page in ["/", "/clients", &format!("/cases/{case_a}"), "/admin"] {
        let res = a.get(f.app.url(page)).send().await.unwrap();
        assert_eq!(res.status(), 303, "{page}");
        assert_eq!(res.headers()["location"], "/portal", "{page}");
    }
    let staff_data: [(&str, Vec<(&str, &str)>); 4] = [
        ("get_case", vec![("id", case_a.as_str())]),
        ("list_cases", vec![]),
        ("get_client", vec![("id", f.client_id.as_str())]),
        ("list_clients", vec![]),
    ];
    for (endpoint, form) in staff_data {
        let refused: Result<serde_json::Value, Refusal> = f.app.ask(&a, endpoint, &form).await;
        assert_eq!(refused, Err((403, AppError::Forbidden)), "{endpoint}");
    }

    // Staff reject; the applicant sees why and uploads again; staff accept.
    review(&f, &f.admin, &doc_a, false, "Blurred: scan it again please")
        .await
        .expect("rejected");
    let mine = portal(&f, &a).await.expect("portal");
    assert_eq!(
        mine.cases[0].checklist[0].status,
        ItemStatus::Rejected("Blurred: scan it again please".into())
    );
    assert_eq!(upload(&f, &a, &item_a, &pdf(4)).await, 201);
    let v2 = newest(portal(&f, &a).await.expect("portal"));
    review(&f, &f.admin, &v2, true, "").await.expect("accepted");
    assert_eq!(
        upload(&f, &a, &item_a, &pdf(5)).await,
        409,
        "nothing more once accepted"
    );
    // Waived items, and the staff's reasons for waiving, stay out of the portal;
    // nobody uploads to a waived item.
    let cv = theirs.cases[0]
        .checklist
        .iter()
        .find(|i| i.kind == DocumentKind::Cv)
        .map(|i| i.id.clone())
        .expect("an H-1B case asks for a CV");
    let waived: Result<ChecklistItem, Refusal> = f
        .app
        .ask(
            &f.admin,
            "waive_checklist_item",
            &[
                ("item_id", cv.as_str()),
                ("waive", "true"),
                ("reason", "Partner firm holds it; fee note 7"),
            ],
        )
        .await;
    assert!(waived.is_ok(), "{waived:?}");
    let theirs = portal(&f, &b).await.expect("portal");
    let seen = format!("{theirs:?}");
    assert!(!seen.contains("fee note 7"), "{seen}");
    assert!(!seen.contains(cv.as_str()));
    assert_eq!(upload(&f, &b, &cv, &pdf(6)).await, 409);
    assert_eq!(upload(&f, &f.admin, &cv, &pdf(6)).await, 409);

    // Staff are not applicants: the portal is refused to them.
    assert_eq!(portal(&f, &f.admin).await, Err((403, AppError::Forbidden)));
}

on_both_databases!(
    invitations_work_once_and_expire,
    an_applicant_reaches_only_their_own_case,
);
