//! Clients through the API, as staff use them, on SQLite and PostgreSQL.

use crate::common::error_detail;
use crate::common::{Backend, TestApp};
use serde_json::{json, Value};

on_both_databases!(
    staff_create_find_and_edit_clients,
    search_terms_are_rebuilt_for_clients_saved_before_they_existed,
    a_broad_search_lists_the_first_matches_and_says_there_are_more,
    a_save_based_on_an_old_version_is_a_conflict_that_keeps_the_input,
    likely_duplicates_are_flagged_before_saving,
    bad_client_input_gets_every_field_error_at_once,
    viewers_read_clients_but_cannot_change_them,
);

fn wang() -> Value {
    json!({
        "full_name": "王伟",
        "latin_name": "WANG Wei",
        "email": "Wang.Wei@Example.com",
        "phone": "+86 138 0000 0000",
        "address": "Haidian, Beijing",
        "date_of_birth": "1996-03-02",
        "nationality": "cn",
        "passport_number": "E1234 5678",
        "passport_expiry": "2031-03-01",
        "education": [{
            "level": "Master", "field": "Computer science", "stem": true,
            "institution": "Tsinghua University", "country": "CN", "completed_on": "2021-07-01"
        }],
        "work": [{
            "role": "Research engineer", "employer": "Tsinghua University", "country": "CN",
            "start_on": "2021-09-01", "end_on": "", "research_or_teaching": true
        }],
        "languages": [{ "language": "English", "test": "IELTS", "level": "7.5" }]
    })
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    id: Option<&str>,
    version: Option<i64>,
    details: &Value,
    confirm: bool,
) -> (u16, Value) {
    let body = json!({ "id": id, "base_version": version, "details": details, "confirm_duplicate": confirm });
    let res = app.call_json(client, "save_client", &body).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn staff_create_find_and_edit_clients(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let para = app
        .user(
            &admin,
            "para@firm.example",
            "paralegal",
            "paralegal pass phrase",
        )
        .await;

    let (status, saved) = save(&app, &para, None, None, &wang(), false).await;
    assert_eq!(status, 200, "{saved}");
    let client = &saved["Saved"];
    assert_eq!(client["version"], 1);
    assert_eq!(client["details"]["email"], "wang.wei@example.com");
    assert_eq!(client["details"]["passport_number"], "E12345678");
    assert_eq!(client["details"]["nationality"], "CN");
    let id = client["id"].as_str().unwrap().to_string();

    for q in ["王", "wang wei", "e1234", "CN", "example.com"] {
        let page: Value = app
            .call(&para, "list_clients", &[("q", q)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], 1, "search {q:?}");
        assert_eq!(page["clients"][0]["id"], id.as_str());
    }
    let none: Value = app
        .call(&para, "list_clients", &[("q", "nobody")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);

    let got: Value = app
        .call(&para, "get_client", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        got["details"]["education"][0]["institution"],
        "Tsinghua University"
    );
    assert_eq!(got["details"]["work"][0]["research_or_teaching"], true);

    let mut edited = got["details"].clone();
    edited["email"] = json!("wei.wang@example.org");
    let (status, saved) = save(&app, &para, Some(&id), Some(1), &edited, false).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["Saved"]["version"], 2);

    let events: Value = app
        .call(&admin, "audit_events", &[("object", &id)])
        .await
        .json()
        .await
        .unwrap();
    let summaries: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries, vec!["王伟: changed email", "created 王伟"]);
    let search = |q: &'static str| {
        let (app, para) = (&app, &para);
        async move {
            let page: Value = app
                .call(para, "list_clients", &[("q", q)])
                .await
                .json()
                .await
                .unwrap();
            page["total"].as_i64().unwrap()
        }
    };
    // The search terms follow the edit.
    assert_eq!(search("wei.wang@example.org").await, 1);
    assert_eq!(search("example.com").await, 0);

    // Sorting and paging.
    for i in 0..30 {
        let mut other = wang();
        other["full_name"] = json!(format!("Client {i:02}"));
        other["email"] = json!(format!("c{i}@example.com"));
        other["passport_number"] = json!(format!("P{i:06}"));
        assert_eq!(save(&app, &para, None, None, &other, false).await.0, 200);
    }
    let first: Value = app
        .call(&para, "list_clients", &[("sort", "name")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["total"], 31);
    assert_eq!(first["clients"].as_array().unwrap().len(), 25);
    assert_eq!(first["clients"][0]["full_name"], "Client 00");
    let second: Value = app
        .call(&para, "list_clients", &[("sort", "name"), ("page", "2")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["clients"].as_array().unwrap().len(), 6);
    app.exec("UPDATE clients SET updated_at = updated_at + 100 WHERE full_name = 'Client 05'");
    let recent: Value = app
        .call(&para, "list_clients", &[("sort", "updated")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(recent["clients"][0]["full_name"], "Client 05");
}

async fn a_save_based_on_an_old_version_is_a_conflict_that_keeps_the_input(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_, saved) = save(&app, &admin, None, None, &wang(), false).await;
    let id = saved["Saved"]["id"].as_str().unwrap().to_string();
    let opened = saved["Saved"]["details"].clone();

    let mut first = opened.clone();
    first["passport_number"] = json!("E99999999");
    assert_eq!(
        save(&app, &admin, Some(&id), Some(1), &first, false)
            .await
            .0,
        200
    );

    let mut second = opened.clone();
    second["phone"] = json!("+86 139 1111 1111");
    let (status, outcome) = save(&app, &admin, Some(&id), Some(1), &second, false).await;
    assert_eq!(status, 200);
    let current = &outcome["Conflict"];
    assert_eq!(
        current["version"], 2,
        "the conflict carries the current version: {outcome}"
    );
    assert_eq!(current["details"]["passport_number"], "E99999999");

    // Saving again on top of the current version goes through, deliberately.
    let (status, outcome) = save(&app, &admin, Some(&id), Some(2), &second, false).await;
    assert_eq!(status, 200);
    assert_eq!(outcome["Saved"]["version"], 3);
    assert_eq!(outcome["Saved"]["details"]["phone"], "+86 139 1111 1111");
}

async fn likely_duplicates_are_flagged_before_saving(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    assert_eq!(save(&app, &admin, None, None, &wang(), false).await.0, 200);
    let mut again = wang();
    again["email"] = json!("");
    let (status, outcome) = save(&app, &admin, None, None, &again, false).await;
    assert_eq!(status, 200);
    assert_eq!(
        outcome["PossibleDuplicate"][0]["passport_number"],
        "E12345678"
    );
    let page: Value = app
        .call(&admin, "list_clients", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1, "nothing saved yet");
    let (_, outcome) = save(&app, &admin, None, None, &again, true).await;
    assert!(outcome.get("Saved").is_some(), "{outcome}");
}

async fn bad_client_input_gets_every_field_error_at_once(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let mut bad = wang();
    bad["full_name"] = json!("");
    bad["date_of_birth"] = json!("2000-02-30");
    bad["passport_expiry"] = json!("1990-01-01");
    bad["nationality"] = json!("China");
    bad["education"][0]["completed_on"] = json!("not a date");
    let (status, body) = save(&app, &admin, None, None, &bad, false).await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = error_detail(&body, "invalid_fields")
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "full_name",
        "date_of_birth",
        "nationality",
        "education.0.completed_on",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let mut impossible = wang();
    impossible["passport_expiry"] = json!("1990-01-01");
    let (status, body) = save(&app, &admin, None, None, &impossible, false).await;
    assert_eq!(status, 400);
    assert_eq!(
        error_detail(&body, "invalid_fields")[0]["field"],
        "passport_expiry"
    );
    // An unknown education level is a clear 400, not a 500.
    let mut unknown = wang();
    unknown["education"][0]["level"] = json!("Kindergarten");
    let res = app.call_json(&admin, "save_client", &json!({ "id": null, "base_version": null, "details": unknown, "confirm_duplicate": false })).await;
    assert_eq!(res.status(), 400);
    let page: Value = app
        .call(&admin, "list_clients", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 0);
}

async fn viewers_read_clients_but_cannot_change_them(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_, saved) = save(&app, &admin, None, None, &wang(), false).await;
    let id = saved["Saved"]["id"].as_str().unwrap().to_string();
    let viewer = app
        .user(&admin, "view@firm.example", "viewer", "viewer pass phrase")
        .await;
    assert_eq!(app.call(&viewer, "list_clients", &[]).await.status(), 200);
    assert_eq!(
        app.call(&viewer, "get_client", &[("id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(
        save(&app, &viewer, Some(&id), Some(1), &wang(), false)
            .await
            .0,
        403
    );
    assert_eq!(save(&app, &viewer, None, None, &wang(), true).await.0, 403);
    assert_eq!(
        app.call(&viewer, "get_client", &[("id", "no-such-client")])
            .await
            .status(),
        404
    );
}

async fn search_terms_are_rebuilt_for_clients_saved_before_they_existed(db: Backend) {
    let mut app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    assert_eq!(save(&app, &admin, None, None, &wang(), false).await.0, 200);
    // As a database from before the terms table: clients, but no terms.
    app.exec("DELETE FROM client_terms");
    async fn found(app: &TestApp, admin: &reqwest::Client) -> i64 {
        let page: Value = app
            .call(admin, "list_clients", &[("q", "wang")])
            .await
            .json()
            .await
            .unwrap();
        page["total"].as_i64().unwrap_or_else(|| panic!("{page}"))
    }
    assert_eq!(found(&app, &admin).await, 0);
    app.restart_with(&[]).await;
    // A new port, so a new client (its Origin header names the old one).
    let admin = app.admin().await;
    assert_eq!(found(&app, &admin).await, 1);
    assert!(app.log().contains("search terms built"), "{}", app.log());
}

async fn a_broad_search_lists_the_first_matches_and_says_there_are_more(db: Backend) {
    use visadesk_app::domain::client::SEARCH_COUNT_CAP;
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    for i in 0..=SEARCH_COUNT_CAP {
        let mut other = wang();
        other["full_name"] = json!(format!("Wang Wei {i}"));
        other["email"] = json!(format!("w{i}@example.com"));
        other["passport_number"] = json!(format!("W{i:06}"));
        assert_eq!(save(&app, &admin, None, None, &other, true).await.0, 200);
    }
    let search = |q: &'static str, page: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let page: Value = app
                .call(admin, "list_clients", &[("q", q), ("page", page)])
                .await
                .json()
                .await
                .unwrap();
            page
        }
    };
    let broad = search("wang", "1").await;
    assert_eq!(broad["more"], true);
    assert_eq!(broad["total"], SEARCH_COUNT_CAP);
    assert_eq!(broad["clients"].as_array().unwrap().len(), 25);
    // Pages of a broad search are drawn from the same first matches.
    let again = search("wang", "1").await;
    assert_eq!(again["clients"], broad["clients"]);
    let last = search("wang", "10").await;
    assert_eq!(last["clients"].as_array().unwrap().len(), 25);
    // One more word finds the one client, with an exact count.
    let one = search("wang 250", "1").await;
    assert_eq!(
        (one["total"].clone(), one["more"].clone()),
        (json!(1), json!(false))
    );
    assert_eq!(one["clients"][0]["full_name"], "Wang Wei 250");
}
