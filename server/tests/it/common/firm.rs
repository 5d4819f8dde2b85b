//! A small firm for case tests: an admin, an attorney, a paralegal and one
//! client, with helpers to open and move cases.

use super::{Backend, TestApp};
use serde_json::{json, Value};

/// The people and the client every case test starts from.
pub struct Firm {
    pub app: TestApp,
    pub admin: reqwest::Client,
    pub attorney: reqwest::Client,
    pub attorney_id: String,
    pub para: reqwest::Client,
    pub para_id: String,
    pub client_id: String,
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
    let saved: Value = app
        .call_json(&admin, "save_client", &body)
        .await
        .json()
        .await
        .unwrap();
    let client_id = saved["Saved"]["id"].as_str().unwrap().to_string();
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

pub async fn open_case(
    f: &Firm,
    who: &reqwest::Client,
    programme: &str,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut form = vec![
        ("client_id", f.client_id.as_str()),
        ("programme", programme),
    ];
    form.extend_from_slice(extra);
    let res = f.app.call(who, "create_case", &form).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

pub async fn move_to(
    f: &Firm,
    who: &reqwest::Client,
    id: &str,
    to: &str,
    note: &str,
) -> (u16, Value) {
    let res = f
        .app
        .call(who, "move_case", &[("id", id), ("to", to), ("note", note)])
        .await;
    (res.status().as_u16(), res.json().await.unwrap())
}
