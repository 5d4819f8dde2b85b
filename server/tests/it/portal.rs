//! The applicant portal: invitations (one use, seven days), joining, and
//! what an applicant may see and do. Anything not theirs answers 404.

use crate::common::firm::{firm, open_case, Firm};
use crate::common::Backend;
use serde_json::{json, Value};

fn pdf(seed: u8) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    b.extend((0..5000u32).map(|i| (i as u8) ^ seed));
    b
}

async fn upload(f: &Firm, who: &reqwest::Client, item_id: &str, bytes: &[u8]) -> u16 {
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
async fn other_client(f: &Firm) -> String {
    let body = json!({ "id": null, "base_version": null, "confirm_duplicate": false, "details": {
        "full_name": "Lukas Becker", "latin_name": "", "email": "lukas@example.com", "phone": "", "address": "",
        "date_of_birth": "1990-02-01", "nationality": "DE", "passport_number": "C01X00T47", "passport_expiry": "2031-01-01",
        "education": [], "work": [], "languages": []
    }});
    let saved: Value = f
        .app
        .call_json(&f.admin, "save_client", &body)
        .await
        .json()
        .await
        .unwrap();
    saved["Saved"]["id"].as_str().unwrap().to_string()
}

/// Invites a client and returns the token of the link.
async fn invite(f: &Firm, client_id: &str) -> String {
    let res = f
        .app
        .call(&f.para, "invite_applicant", &[("client_id", client_id)])
        .await;
    assert_eq!(res.status(), 200);
    let invitation: Value = res.json().await.unwrap();
    invitation["path"]
        .as_str()
        .unwrap()
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

async fn portal(f: &Firm, who: &reqwest::Client) -> (u16, Value) {
    let res = f.app.call(who, "portal", &[]).await;
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

async fn invitations_work_once_and_expire(db: Backend) {
    let f = firm(db).await;
    let token = invite(&f, &f.client_id).await;
    let info: Value = f
        .app
        .call(&f.app.client(), "invitation_details", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["client_name"], "Priya Sharma");
    assert_eq!(info["email"], "priya@example.com");

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
    let (status, _) = portal(&f, &applicant).await;
    assert_eq!(status, 200);
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
    let (status, _) = portal(&f, &applicant).await;
    assert_eq!(
        status, 401,
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
    let res = f
        .app
        .call(
            &f.admin,
            "set_user_active",
            &[("user_id", &user_id), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let token = invite(&f, &f.client_id).await;
    let (status, _) = join(&f, &token, "yet another pass phrase").await;
    assert_eq!(status, 409);
    let applicant = f.app.client();
    let res = f
        .app
        .sign_in(&applicant, "priya@example.com", "a brand new pass phrase")
        .await;
    assert_eq!(res.status(), 401);
    f.app
        .call(
            &f.admin,
            "set_user_active",
            &[("user_id", &user_id), ("active", "true")],
        )
        .await;
    let res = f
        .app
        .sign_in(&applicant, "priya@example.com", "a brand new pass phrase")
        .await;
    assert_eq!(res.status(), 200);

    // A client without an email cannot be invited; staff roles only.
    f.app.exec("UPDATE clients SET email = ''");
    let res = f
        .app
        .call(&f.para, "invite_applicant", &[("client_id", &f.client_id)])
        .await;
    assert_eq!(res.status(), 400);
    let res = f
        .app
        .call(
            &applicant,
            "invite_applicant",
            &[("client_id", &f.client_id)],
        )
        .await;
    assert_eq!(res.status(), 403);
}

async fn an_applicant_reaches_only_their_own_case(db: Backend) {
    let f = firm(db).await;
    let (_, case_a) = open_case(&f, &f.admin, "cn_k", &[]).await;
    let case_a = case_a["id"].as_str().unwrap().to_string();
    let lukas = other_client(&f).await;
    let res = f
        .app
        .call(
            &f.admin,
            "create_case",
            &[("client_id", &lukas), ("programme", "us_h1b")],
        )
        .await;
    let case_b: Value = res.json().await.unwrap();
    let case_b = case_b["id"].as_str().unwrap().to_string();
    f.app.exec(&format!("UPDATE cases SET internal_notes = 'Fee dispute; do not tell the client' WHERE id = '{case_a}'"));

    let (_, a) = join(
        &f,
        &invite(&f, &f.client_id).await,
        "priya's long pass phrase",
    )
    .await;
    let (_, b) = join(&f, &invite(&f, &lukas).await, "lukas's long pass phrase").await;

    let (status, mine) = portal(&f, &a).await;
    assert_eq!(status, 200);
    let cases = mine["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["id"], case_a.as_str());
    assert!(
        !mine.to_string().contains("Fee dispute"),
        "no internal notes in the portal"
    );
    let item_a = cases[0]["checklist"][0]["id"].as_str().unwrap().to_string();
    let (_, theirs) = portal(&f, &b).await;
    assert_eq!(theirs["cases"][0]["id"], case_b.as_str());
    let item_b = theirs["cases"][0]["checklist"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Upload to one's own case; not to another's.
    assert_eq!(upload(&f, &a, &item_a, &pdf(1)).await, 201);
    assert_eq!(upload(&f, &a, &item_b, &pdf(2)).await, 404);
    assert_eq!(upload(&f, &b, &item_b, &pdf(3)).await, 201);
    let (_, mine) = portal(&f, &a).await;
    let doc_a = mine["cases"][0]["checklist"][0]["versions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, theirs) = portal(&f, &b).await;
    let doc_b = theirs["cases"][0]["checklist"][0]["versions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

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
    let res = f
        .app
        .call(
            &a,
            "review_document",
            &[("document_id", &doc_b), ("accept", "true")],
        )
        .await;
    assert_eq!(
        res.status(),
        403,
        "reviewing is staff work: refused alike for any document"
    );
    let res = f
        .app
        .call(
            &a,
            "review_document",
            &[("document_id", &doc_a), ("accept", "true")],
        )
        .await;
    assert_eq!(res.status(), 403, "applicants do not review");

    // Nothing of the staff area: pages send them to the portal, data is refused.
    for page in ["/", "/clients", &format!("/cases/{case_a}"), "/admin"] {
        let res = a.get(f.app.url(page)).send().await.unwrap();
        assert_eq!(res.status(), 303, "{page}");
        assert_eq!(res.headers()["location"], "/portal", "{page}");
    }
    for (endpoint, form) in [
        ("get_case", vec![("id", case_a.as_str())]),
        ("list_cases", vec![]),
        ("get_client", vec![("id", f.client_id.as_str())]),
        ("list_clients", vec![]),
    ] {
        let res = f.app.call(&a, endpoint, &form).await;
        assert_eq!(res.status(), 403, "{endpoint}");
    }

    // Staff reject; the applicant sees why and uploads again; staff accept.
    let res = f
        .app
        .call(
            &f.admin,
            "review_document",
            &[
                ("document_id", &doc_a),
                ("accept", "false"),
                ("reason", "Blurred: scan it again please"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, mine) = portal(&f, &a).await;
    assert_eq!(
        mine["cases"][0]["checklist"][0]["status"]["Rejected"],
        "Blurred: scan it again please"
    );
    assert_eq!(upload(&f, &a, &item_a, &pdf(4)).await, 201);
    let (_, mine) = portal(&f, &a).await;
    let v2 = mine["cases"][0]["checklist"][0]["versions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = f
        .app
        .call(
            &f.admin,
            "review_document",
            &[("document_id", &v2), ("accept", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        upload(&f, &a, &item_a, &pdf(5)).await,
        409,
        "nothing more once accepted"
    );
    // Waived items, and the staff's reasons for waiving, stay out of the portal;
    // nobody uploads to a waived item.
    let cv = theirs["cases"][0]["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "Cv")
        .map(|i| i["id"].as_str().unwrap().to_string())
        .unwrap();
    let res = f
        .app
        .call(
            &f.admin,
            "waive_checklist_item",
            &[
                ("item_id", &cv),
                ("waive", "true"),
                ("reason", "Partner firm holds it; fee note 7"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, theirs) = portal(&f, &b).await;
    assert!(!theirs.to_string().contains("fee note 7"), "{theirs}");
    assert!(!theirs.to_string().contains(&cv));
    assert_eq!(upload(&f, &b, &cv, &pdf(6)).await, 409);
    assert_eq!(upload(&f, &f.admin, &cv, &pdf(6)).await, 409);

    // Staff are not applicants: the portal is refused to them.
    let (status, _) = portal(&f, &f.admin).await;
    assert_eq!(status, 403);
}

on_both_databases!(
    invitations_work_once_and_expire,
    an_applicant_reaches_only_their_own_case,
);
