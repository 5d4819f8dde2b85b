//! Clients through the API, as staff use them, on SQLite and PostgreSQL.

use crate::common::{Backend, Refusal, TestApp};
use serde_json::{json, Value};
use visadesk_app::domain::audit::AuditEvent;
use visadesk_app::domain::client::EducationLevel;
use visadesk_app::domain::client::{Client, ClientPage, SaveOutcome};
use visadesk_app::domain::ClientId;
use visadesk_app::AppError;

on_both_databases!(
    staff_create_find_and_edit_clients,
    search_terms_are_rebuilt_for_clients_saved_before_they_existed,
    a_broad_search_lists_the_first_matches_and_says_there_are_more,
    a_save_based_on_an_old_version_is_a_conflict_that_keeps_the_input,
    likely_duplicates_are_flagged_before_saving,
    bad_client_input_gets_every_field_error_at_once,
    viewers_read_clients_but_cannot_change_them,
    capitalised_education_levels_of_older_versions_are_converted,
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
            "level": "master", "field": "Computer science", "stem": true,
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
    id: Option<&ClientId>,
    version: Option<i64>,
    details: &Value,
    confirm: bool,
) -> Result<SaveOutcome, Refusal> {
    let body = json!({ "id": id, "base_version": version, "details": details, "confirm_duplicate": confirm });
    app.ask_json(client, "save_client", &body).await
}

/// The stored client of a save that must have gone through.
fn saved(outcome: Result<SaveOutcome, Refusal>) -> Client {
    match outcome {
        Ok(SaveOutcome::Saved(client)) => client,
        other => panic!("not saved: {other:?}"),
    }
}

async fn list(app: &TestApp, who: &reqwest::Client, form: &[(&str, &str)]) -> ClientPage {
    app.ask(who, "list_clients", form)
        .await
        .expect("list clients")
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

    let client = saved(save(&app, &para, None, None, &wang(), false).await);
    assert_eq!(client.version, 1);
    assert_eq!(client.details.email, "wang.wei@example.com");
    assert_eq!(client.details.passport_number, "E12345678");
    assert_eq!(client.details.nationality, "CN");
    assert_eq!(client.details.education[0].level, EducationLevel::Master);
    let id = client.id.clone();

    for q in ["王", "wang wei", "e1234", "CN", "example.com"] {
        let page = list(&app, &para, &[("q", q)]).await;
        assert_eq!(page.total, 1, "search {q:?}");
        assert_eq!(page.clients[0].id, id);
    }
    assert_eq!(list(&app, &para, &[("q", "nobody")]).await.total, 0);

    let got: Client = app
        .ask(&para, "get_client", &[("id", id.as_str())])
        .await
        .expect("get client");
    assert_eq!(got.details.education[0].institution, "Tsinghua University");
    assert!(got.details.work[0].research_or_teaching);

    let mut edited = serde_json::to_value(&got.details).unwrap();
    edited["email"] = json!("wei.wang@example.org");
    let client = saved(save(&app, &para, Some(&id), Some(1), &edited, false).await);
    assert_eq!(client.version, 2);

    let events: Vec<AuditEvent> = app
        .ask(&admin, "audit_events", &[("object", id.as_str())])
        .await
        .expect("audit events");
    let summaries: Vec<&str> = events.iter().map(|e| e.summary.as_str()).collect();
    assert_eq!(
        summaries,
        vec!["王伟: changed email address", "created 王伟"]
    );
    // The search terms follow the edit.
    assert_eq!(
        list(&app, &para, &[("q", "wei.wang@example.org")])
            .await
            .total,
        1
    );
    assert_eq!(list(&app, &para, &[("q", "example.com")]).await.total, 0);

    // Sorting and paging.
    for i in 0..30 {
        let mut other = wang();
        other["full_name"] = json!(format!("Client {i:02}"));
        other["email"] = json!(format!("c{i}@example.com"));
        other["passport_number"] = json!(format!("P{i:06}"));
        saved(save(&app, &para, None, None, &other, false).await);
    }
    let first = list(&app, &para, &[("sort", "name")]).await;
    assert_eq!(first.total, 31);
    assert_eq!(first.clients.len(), 25);
    assert_eq!(first.clients[0].full_name, "Client 00");
    let second = list(&app, &para, &[("sort", "name"), ("page", "2")]).await;
    assert_eq!(second.clients.len(), 6);
    app.exec("UPDATE clients SET updated_at = updated_at + 100 WHERE full_name = 'Client 05'");
    let recent = list(&app, &para, &[("sort", "updated")]).await;
    assert_eq!(recent.clients[0].full_name, "Client 05");
}

async fn a_save_based_on_an_old_version_is_a_conflict_that_keeps_the_input(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let opened = saved(save(&app, &admin, None, None, &wang(), false).await);
    let id = opened.id.clone();
    let opened = serde_json::to_value(&opened.details).unwrap();

    let mut first = opened.clone();
    first["passport_number"] = json!("E99999999");
    saved(save(&app, &admin, Some(&id), Some(1), &first, false).await);

    let mut second = opened.clone();
    second["phone"] = json!("+86 139 1111 1111");
    let outcome = save(&app, &admin, Some(&id), Some(1), &second, false).await;
    let Ok(SaveOutcome::Conflict(current)) = outcome else {
        panic!("a save on version 1 after version 2 is a conflict: {outcome:?}");
    };
    assert_eq!(
        current.version, 2,
        "the conflict carries the current version"
    );
    assert_eq!(current.details.passport_number, "E99999999");

    // Saving again on top of the current version goes through, deliberately.
    let client = saved(save(&app, &admin, Some(&id), Some(2), &second, false).await);
    assert_eq!(client.version, 3);
    assert_eq!(client.details.phone, "+86 139 1111 1111");
}

async fn likely_duplicates_are_flagged_before_saving(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    saved(save(&app, &admin, None, None, &wang(), false).await);
    let mut again = wang();
    again["email"] = json!("");
    let outcome = save(&app, &admin, None, None, &again, false).await;
    let Ok(SaveOutcome::PossibleDuplicate(matches)) = outcome else {
        panic!("the same passport is a likely duplicate: {outcome:?}");
    };
    assert_eq!(matches[0].passport_number, "E12345678");
    assert_eq!(list(&app, &admin, &[]).await.total, 1, "nothing saved yet");
    saved(save(&app, &admin, None, None, &again, true).await);
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
    let Err((400, AppError::InvalidFields(errors))) =
        save(&app, &admin, None, None, &bad, false).await
    else {
        panic!("bad input is refused field by field");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
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
    let Err((400, AppError::InvalidFields(errors))) =
        save(&app, &admin, None, None, &impossible, false).await
    else {
        panic!("an expired passport is refused");
    };
    assert_eq!(errors[0].field, "passport_expiry");
    // An unknown education level is a clear 400 naming the levels, not a 500;
    // so is the capitalised spelling of a real one.
    for level in ["Kindergarten", "Master"] {
        let mut unknown = wang();
        unknown["education"][0]["level"] = json!(level);
        let refused = save(&app, &admin, None, None, &unknown, false).await;
        let Err((400, AppError::Request(problem))) = &refused else {
            panic!("level {level:?}: {refused:?}");
        };
        assert!(problem.to_string().contains("master"), "{problem}");
    }
    assert_eq!(list(&app, &admin, &[]).await.total, 0);
}

async fn viewers_read_clients_but_cannot_change_them(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let id = saved(save(&app, &admin, None, None, &wang(), false).await).id;
    let viewer = app
        .user(&admin, "view@firm.example", "viewer", "viewer pass phrase")
        .await;
    assert_eq!(list(&app, &viewer, &[]).await.total, 1);
    let got: Result<Client, Refusal> = app.ask(&viewer, "get_client", &[("id", id.as_str())]).await;
    assert_eq!(got.map(|c| c.id), Ok(id.clone()));
    for outcome in [
        save(&app, &viewer, Some(&id), Some(1), &wang(), false).await,
        save(&app, &viewer, None, None, &wang(), true).await,
    ] {
        assert_eq!(outcome, Err((403, AppError::Forbidden)));
    }
    let missing: Result<Client, Refusal> = app
        .ask(&viewer, "get_client", &[("id", "no-such-client")])
        .await;
    assert_eq!(missing, Err((404, AppError::NotFound("client".into()))));
}

async fn search_terms_are_rebuilt_for_clients_saved_before_they_existed(db: Backend) {
    let mut app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    saved(save(&app, &admin, None, None, &wang(), false).await);
    // As a database from before the terms table: clients, but no terms.
    app.exec("DELETE FROM client_terms");
    assert_eq!(list(&app, &admin, &[("q", "wang")]).await.total, 0);
    app.restart_with(&[]).await;
    // A new port, so a new client (its Origin header names the old one).
    let admin = app.admin().await;
    assert_eq!(list(&app, &admin, &[("q", "wang")]).await.total, 1);
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
        saved(save(&app, &admin, None, None, &other, true).await);
    }
    let broad = list(&app, &admin, &[("q", "wang"), ("page", "1")]).await;
    assert!(broad.more);
    assert_eq!(broad.total, SEARCH_COUNT_CAP);
    assert_eq!(broad.clients.len(), 25);
    // Pages of a broad search are drawn from the same first matches.
    let again = list(&app, &admin, &[("q", "wang"), ("page", "1")]).await;
    assert_eq!(again.clients, broad.clients);
    let last = list(&app, &admin, &[("q", "wang"), ("page", "10")]).await;
    assert_eq!(last.clients.len(), 25);
    // One more word finds the one client, with an exact count.
    let one = list(&app, &admin, &[("q", "wang 250"), ("page", "1")]).await;
    assert_eq!((one.total, one.more), (1, false));
    assert_eq!(one.clients[0].full_name, "Wang Wei 250");
}

/// The snake_case migration, as each backend runs it.
fn snake_case_migration(db: Backend, which: &str) -> String {
    let dir = match db {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let path = format!(
        "{}/../migrations/{dir}/2026-12-03-000011_snake_case_json/{which}.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn capitalised_education_levels_of_older_versions_are_converted(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let mut details = wang();
    details["education"] = json!([
        { "level": "bachelor", "field": "Physics", "stem": true, "institution": "PKU", "country": "CN", "completed_on": "2018-07-01" },
        { "level": "master", "field": "Computer science", "stem": true, "institution": "Tsinghua University", "country": "CN", "completed_on": "2021-07-01" }
    ]);
    // A language level that happens to read like an education level is text
    // the person typed, and stays as typed.
    details["languages"] = json!([{ "language": "Chess", "test": "FIDE", "level": "Master" }]);
    let id = saved(save(&app, &admin, None, None, &details, false).await).id;
    let get = || async {
        let got: Result<Client, Refusal> =
            app.ask(&admin, "get_client", &[("id", id.as_str())]).await;
        got
    };
    // As the database of an earlier version held it.
    app.exec(&snake_case_migration(db, "down"));
    let stored = |app: &TestApp| {
        use diesel::prelude::*;
        use visadesk_server::db::schema::clients;
        app.db()
            .run_here(|c| {
                Ok(clients::table
                    .find(id.as_str())
                    .select(clients::profile)
                    .first::<String>(c)?)
            })
            .expect("the stored profile")
    };
    let old = stored(&app);
    assert!(
        old.contains(r#"{"level":"Bachelor""#) && old.contains(r#"{"level":"Master""#),
        "{old}"
    );
    assert!(
        matches!(get().await, Err((500, AppError::Internal))),
        "the old spelling is unreadable now"
    );
    app.exec(&snake_case_migration(db, "up"));
    let client = get().await.expect("readable again");
    let levels: Vec<EducationLevel> = client.details.education.iter().map(|e| e.level).collect();
    assert_eq!(levels, [EducationLevel::Bachelor, EducationLevel::Master]);
    assert_eq!(client.details.languages[0].level, "Master");
    assert_eq!(client.version, 1, "a change of spelling is not an edit");
}
