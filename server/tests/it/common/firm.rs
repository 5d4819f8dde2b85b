//! A small firm for case tests: an admin, an attorney, a paralegal and one
//! client, with helpers to open and move cases.

use super::{Backend, Refusal, TestApp};
use serde_json::json;
use visadesk_app::domain::case::{CaseDetail, CaseSummary};
use visadesk_app::domain::client::SaveOutcome;
use visadesk_app::domain::{CaseId, ClientId, ItemId, UserId};

/// The people and the client every case test starts from.
pub struct Firm {
    pub app: TestApp,
    pub admin: reqwest::Client,
    pub attorney: reqwest::Client,
    pub attorney_id: UserId,
    pub para: reqwest::Client,
    pub para_id: UserId,
    pub client_id: ClientId,
}

pub async fn firm(db: Backend) -> Firm {
    firm_with(db, &[]).await
}

/// A firm on a server started with extra environment variables.
pub async fn firm_with(db: Backend, env: &[(&str, &str)]) -> Firm {
    let app = TestApp::spawn_with(db, env).await;
    let admin = app.admin().await;
    let attorney = app
        .user(
            &admin,
            "att@firm.example",
            "attorney",
            "attorney pass phrase",
        )
        .await;
    let para = app
        .user(
            &admin,
            "para@firm.example",
            "paralegal",
            "paralegal pass phrase",
        )
        .await;
    let (attorney_id, para_id) = (app.user_id(&attorney).await, app.user_id(&para).await);
    let body = json!({ "id": null, "base_version": null, "confirm_duplicate": false, "details": {
        "full_name": "Priya Sharma", "latin_name": "", "email": "priya@example.com", "phone": "", "address": "",
        "date_of_birth": "1994-11-05", "nationality": "IN", "passport_number": "Z1234567", "passport_expiry": "2030-01-01",
        "education": [], "work": [], "languages": []
    }});
    let client_id = match app.ask_json(&admin, "save_client", &body).await {
        Ok(SaveOutcome::Saved(client)) => client.id,
        other => panic!("the firm's client was not saved: {other:?}"),
    };
    Firm {
        app,
        admin,
        attorney,
        attorney_id,
        para,
        para_id,
        client_id,
    }
}

/// Opens a case for the firm's client, with extra form fields.
pub async fn open_case(
    f: &Firm,
    who: &reqwest::Client,
    programme: &str,
    extra: &[(&str, &str)],
) -> Result<CaseSummary, Refusal> {
    let mut form = vec![
        ("client_id", f.client_id.as_str()),
        ("programme", programme),
    ];
    form.extend_from_slice(extra);
    f.app.ask(who, "create_case", &form).await
}

/// Opens a case that must open.
pub async fn opened(
    f: &Firm,
    who: &reqwest::Client,
    programme: &str,
    extra: &[(&str, &str)],
) -> CaseSummary {
    open_case(f, who, programme, extra)
        .await
        .unwrap_or_else(|refusal| panic!("a {programme} case did not open: {refusal:?}"))
}

/// Opens a case of `programme` for another of the firm's clients.
pub async fn opened_for(f: &Firm, client_id: &ClientId, programme: &str) -> CaseSummary {
    f.app
        .ask(
            &f.admin,
            "create_case",
            &[("client_id", client_id.as_str()), ("programme", programme)],
        )
        .await
        .unwrap_or_else(|refusal| panic!("a {programme} case did not open: {refusal:?}"))
}

/// Moves a case to the stage with code `to`.
pub async fn move_to(
    f: &Firm,
    who: &reqwest::Client,
    id: &CaseId,
    to: &str,
    note: &str,
) -> Result<CaseDetail, Refusal> {
    f.app
        .ask(
            who,
            "move_case",
            &[("id", id.as_str()), ("to", to), ("note", note)],
        )
        .await
}

/// Invites the firm's client to the portal and joins as them; returns the
/// applicant's browser, signed in.
pub async fn join_portal(f: &Firm) -> reqwest::Client {
    join_portal_as(f, &f.client_id).await
}

/// Invites `client_id` to the portal and joins as them from a fresh browser;
/// returns it, signed in.
pub async fn join_portal_as(f: &Firm, client_id: &ClientId) -> reqwest::Client {
    let invitation: visadesk_app::domain::document::NewInvitation = f
        .app
        .ask(
            &f.admin,
            "invite_applicant",
            &[("client_id", client_id.as_str())],
        )
        .await
        .expect("invited");
    let token = invitation
        .path
        .trim_start_matches("/portal/join/")
        .to_string();
    let applicant = f.app.client();
    let _: String = f
        .app
        .ask(
            &applicant,
            "accept_invitation",
            &[
                ("token", &token),
                ("password", "applicant pass phrase"),
                ("confirm", "applicant pass phrase"),
            ],
        )
        .await
        .expect("joined");
    applicant
}

/// Opens a K visa case for the firm's client (as the admin); its checklist
/// items' ids.
pub async fn checklist_of_new_case(f: &Firm) -> Vec<ItemId> {
    let case = opened(f, &f.admin, "cn_k", &[]).await;
    let detail: CaseDetail = f
        .app
        .ask(&f.admin, "get_case", &[("id", case.id.as_str())])
        .await
        .expect("the new case");
    detail.checklist.into_iter().map(|i| i.id).collect()
}
