//! Every server function as every role (and as nobody), against the one
//! permission matrix: the expected status for each call is spelled out.

use crate::common::{Backend, TestApp};
use serde_json::json;
use std::collections::BTreeSet;
use visadesk_app::domain::case::{CaseDetail, CaseSummary};
use visadesk_app::domain::checklist::ChecklistItem;
use visadesk_app::domain::client::SaveOutcome;
use visadesk_app::domain::task::Task;
use visadesk_app::domain::UserSummary;

on_both_databases!(every_endpoint_answers_every_role_as_the_matrix_says);

/// A server function, its form arguments and the status it must answer.
type Call<'a> = (&'a str, Vec<(&'a str, String)>, u16);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Admin,
    Attorney,
    AssignedParalegal,
    OtherParalegal,
    Viewer,
    Nobody,
}

async fn every_endpoint_answers_every_role_as_the_matrix_says(db: Backend) {
    use Who::*;
    let app = TestApp::spawn(db).await;
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
    let other_para = app
        .user(
            &admin,
            "para2@firm.example",
            "paralegal",
            "paralegal two phrase",
        )
        .await;
    let viewer = app
        .user(&admin, "view@firm.example", "viewer", "viewer pass phrase")
        .await;
    let para_id = app.user_id(&para).await;
    let details = json!({ "full_name": "Priya Sharma", "latin_name": "", "email": "priya@example.com", "phone": "", "address": "",
        "date_of_birth": "", "nationality": "IN", "passport_number": "", "passport_expiry": "",
        "education": [], "work": [], "languages": [] });
    let saved = app
        .ask_json(&admin, "save_client", &json!({ "id": null, "base_version": null, "details": details, "confirm_duplicate": true }))
        .await;
    let Ok(SaveOutcome::Saved(client)) = saved else {
        panic!("the client was not saved: {saved:?}");
    };
    let client_id = client.id.to_string();
    let para_id = para_id.to_string();
    // An email in the outbox (mail waits there: no SMTP server is set).
    let _: visadesk_app::domain::document::NewInvitation = app
        .ask(
            &admin,
            "invite_applicant",
            &[("client_id", client_id.as_str())],
        )
        .await
        .expect("an invitation");
    let queued: visadesk_app::domain::mail::OutboxPage = app
        .ask(&admin, "list_outbox", &[("status", ""), ("page", "0")])
        .await
        .expect("the outbox");
    let email_id = queued.entries[0].id.to_string();
    // Every server function called below, to check none was left out.
    let mut covered = BTreeSet::new();

    for who in [
        Admin,
        Attorney,
        AssignedParalegal,
        OtherParalegal,
        Viewer,
        Nobody,
    ] {
        let anon = app.client();
        let c = match who {
            Admin => &admin,
            Attorney => &attorney,
            AssignedParalegal => &para,
            OtherParalegal => &other_para,
            Viewer => &viewer,
            Nobody => &anon,
        };
        let staff = who != Nobody;
        let writer = matches!(who, Admin | Attorney | AssignedParalegal | OtherParalegal);
        let signed_in_only = |allowed: bool| {
            if who == Nobody {
                401
            } else if allowed {
                200
            } else {
                403
            }
        };

        // Fresh objects per caller, so every call can succeed when allowed.
        let n = format!("{who:?}").to_lowercase();
        let target: UserSummary = app
            .ask(
                &admin,
                "create_user",
                &[
                    ("email", &format!("t-{n}@firm.example")),
                    ("display_name", "Target"),
                    ("role", "viewer"),
                    ("password", "target pass phrase"),
                ],
            )
            .await
            .expect("target user");
        let target_id = target.id.to_string();
        let case: CaseSummary = app
            .ask(
                &admin,
                "create_case",
                &[
                    ("client_id", &client_id),
                    ("programme", "cn_k"),
                    ("paralegal_id", &para_id),
                ],
            )
            .await
            .expect("a case");
        let case_id = case.id.to_string();
        let mut task_ids = Vec::new();
        for title in ["Book translator", "Chase employer letter"] {
            let task: Task = app
                .ask(
                    &admin,
                    "add_task",
                    &[("case_id", case_id.as_str()), ("title", title)],
                )
                .await
                .expect("a task");
            task_ids.push(task.id.to_string());
        }
        let fresh: CaseDetail = app
            .ask(&admin, "get_case", &[("id", case_id.as_str())])
            .await
            .expect("the case");
        let photo_item = fresh.checklist[1].id.to_string();
        let degree_item = fresh.checklist[2].id.to_string();
        let mut body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"degree.pdf\"\r\n\r\n%PDF-1.4 degree\r\n--b--\r\n".to_vec();
        body.shrink_to_fit();
        let uploaded: ChecklistItem = admin
            .post(app.url(&format!("/documents/items/{degree_item}")))
            .header("content-type", "multipart/form-data; boundary=b")
            .body(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let document_id = uploaded.versions[0].id.to_string();
        // Changing a case: its attorney, admins and its own paralegal.
        let case_writer = match who {
            Nobody => 401,
            Viewer => 403,
            OtherParalegal => 403,
            _ => 200,
        };

        let form_calls: Vec<Call> = vec![
            ("list_users", vec![], signed_in_only(who == Admin)),
            (
                "create_user",
                vec![
                    ("email", format!("new-{n}@firm.example")),
                    ("display_name", "New".into()),
                    ("role", "viewer".into()),
                    ("password", "new user phrase".into()),
                ],
                signed_in_only(who == Admin),
            ),
            (
                "change_role",
                vec![("user_id", target_id.clone()), ("role", "paralegal".into())],
                signed_in_only(who == Admin),
            ),
            (
                "send_password_reset",
                vec![("user_id", target_id.clone())],
                signed_in_only(who == Admin),
            ),
            (
                "set_user_active",
                vec![("user_id", target_id.clone()), ("active", "false".into())],
                signed_in_only(who == Admin),
            ),
            (
                "list_outbox",
                vec![("status", "".into()), ("page", "0".into())],
                signed_in_only(who == Admin),
            ),
            (
                "read_outbox_message",
                vec![("id", email_id.clone())],
                signed_in_only(who == Admin),
            ),
            // Only failed email is retried: the admin is let in and told so.
            (
                "retry_outbox",
                vec![("id", email_id.clone())],
                if who == Admin {
                    409
                } else {
                    signed_in_only(false)
                },
            ),
            ("load_firm_profile", vec![], signed_in_only(who == Admin)),
            // Staff read every case's thread and write on those they may change.
            (
                "case_thread",
                vec![("case_id", case_id.clone())],
                signed_in_only(staff),
            ),
            (
                "send_message",
                vec![
                    ("case_id", case_id.clone()),
                    ("body", "Your appointment is on Monday.".into()),
                ],
                case_writer,
            ),
            (
                "mark_thread_seen",
                vec![("case_id", case_id.clone())],
                signed_in_only(staff),
            ),
            // Every staff member's own calendar feed (made, then ended).
            ("my_calendar_feed", vec![], signed_in_only(staff)),
            ("renew_calendar_feed", vec![], signed_in_only(staff)),
            ("revoke_calendar_feed", vec![], signed_in_only(staff)),
            // Everyone chooses how their own email comes; admins set the digest's hour.
            ("my_mail_preferences", vec![], signed_in_only(true)),
            (
                "save_mail_preferences",
                vec![("choices[message]", "digest".into())],
                signed_in_only(true),
            ),
            ("load_digest_schedule", vec![], signed_in_only(who == Admin)),
            (
                "save_digest_schedule",
                vec![("time_zone", "Asia/Shanghai".into()), ("hour", "9".into())],
                signed_in_only(who == Admin),
            ),
            // Everyone on staff has their own notices.
            (
                "my_notices",
                vec![("page", "0".into())],
                signed_in_only(staff),
            ),
            ("unread_notices", vec![], signed_in_only(staff)),
            (
                "mark_notice_read",
                vec![("id", "no-such-notice".into())],
                if staff { 404 } else { 401 },
            ),
            ("mark_all_notices_read", vec![], signed_in_only(staff)),
            // One's own second factor: everyone signed in. A wrong first
            // code is refused; with none set up there is nothing to turn
            // off or renew.
            ("my_second_factor", vec![], signed_in_only(true)),
            ("start_totp", vec![], signed_in_only(true)),
            (
                "confirm_totp",
                vec![("code", "000000".into())],
                if staff { 400 } else { 401 },
            ),
            (
                "turn_off_totp",
                vec![("code", "000000".into())],
                if staff { 409 } else { 401 },
            ),
            (
                "renew_recovery_codes",
                vec![],
                if staff { 409 } else { 401 },
            ),
            // The second step of a sign-in needs its own cookie, which no
            // session has.
            ("sign_in_challenge", vec![], 401),
            ("verify_second_factor", vec![("code", "000000".into())], 401),
            // Admins reset others' second factor (the target has none: 409)
            // and choose who must use one.
            (
                "reset_second_factor",
                vec![("user_id", target_id.clone())],
                if who == Admin {
                    409
                } else {
                    signed_in_only(false)
                },
            ),
            // Passkeys. The rig's address is an IP, which passkeys cannot be
            // bound to (409 for whoever may start one); answers that are not
            // credentials are refused (400) once the caller may give one.
            (
                "start_passkey_registration",
                vec![],
                if staff { 409 } else { 401 },
            ),
            (
                "finish_passkey_registration",
                vec![
                    ("ceremony", "no-such-ceremony".into()),
                    ("name", "Laptop".into()),
                    ("credential", "{}".into()),
                ],
                if staff { 400 } else { 401 },
            ),
            (
                "remove_passkey",
                vec![("passkey_id", "no-such-passkey".into())],
                if staff { 404 } else { 401 },
            ),
            // The passkey step of a sign-in needs the challenge cookie.
            ("start_passkey_verification", vec![], 401),
            (
                "finish_passkey_verification",
                vec![
                    ("ceremony", "no-such-ceremony".into()),
                    ("credential", "{}".into()),
                ],
                401,
            ),
            // A passkey alone: public, and off until the firm allows it.
            ("passkey_sign_in_offered", vec![], 200),
            ("start_passkey_sign_in", vec![], 403),
            (
                "finish_passkey_sign_in",
                vec![
                    ("ceremony", "no-such-ceremony".into()),
                    ("credential", "{}".into()),
                ],
                400,
            ),
            ("load_security_policy", vec![], signed_in_only(who == Admin)),
            (
                "save_security_policy",
                vec![("second_factor", "optional".into())],
                signed_in_only(who == Admin),
            ),
            (
                "save_firm_profile",
                vec![("name", format!("Firm of {n}"))],
                signed_in_only(who == Admin),
            ),
            ("audit_events", vec![], signed_in_only(who == Admin)),
            ("last_scrub", vec![], signed_in_only(who == Admin)),
            ("list_clients", vec![], signed_in_only(staff)),
            (
                "get_client",
                vec![("id", client_id.clone())],
                signed_in_only(staff),
            ),
            ("list_cases", vec![], signed_in_only(staff)),
            (
                "get_case",
                vec![("id", case_id.clone())],
                signed_in_only(staff),
            ),
            ("assignable_staff", vec![], signed_in_only(staff)),
            ("dashboard", vec![], signed_in_only(staff)),
            (
                "create_case",
                vec![
                    ("client_id", client_id.clone()),
                    ("programme", "us_h1b".into()),
                ],
                signed_in_only(writer),
            ),
            (
                "move_case",
                vec![("id", case_id.clone()), ("to", "eligibility_review".into())],
                match who {
                    Nobody => 401,
                    Viewer => 403,
                    // Reads every case, but edits only those assigned to them.
                    OtherParalegal => 403,
                    _ => 200,
                },
            ),
            ("case_board", vec![], signed_in_only(staff)),
            (
                "add_task",
                vec![
                    ("case_id", case_id.clone()),
                    ("title", "Call client".into()),
                ],
                case_writer,
            ),
            (
                "set_task_done",
                vec![("task_id", task_ids[0].clone()), ("done", "true".into())],
                case_writer,
            ),
            (
                "delete_task",
                vec![("task_id", task_ids[1].clone())],
                case_writer,
            ),
            (
                "add_checklist_item",
                vec![
                    ("case_id", case_id.clone()),
                    ("kind", "health_insurance".into()),
                ],
                case_writer,
            ),
            (
                "waive_checklist_item",
                vec![
                    ("item_id", photo_item.clone()),
                    ("waive", "true".into()),
                    ("reason", "Taken at the consulate".into()),
                ],
                case_writer,
            ),
            (
                "review_document",
                vec![
                    ("document_id", document_id.clone()),
                    ("accept", "true".into()),
                ],
                case_writer,
            ),
            (
                "invite_applicant",
                vec![("client_id", client_id.clone())],
                signed_in_only(writer),
            ),
            // The portal is the applicants'; staff have the workspace.
            ("portal", vec![], if who == Nobody { 401 } else { 403 }),
            // The link's token is the key: no session needed, a bad one refused alike.
            (
                "invitation_details",
                vec![("token", "not-a-token".into())],
                409,
            ),
            (
                "accept_invitation",
                vec![
                    ("token", "not-a-token".into()),
                    ("password", "applicant pass phrase".into()),
                    ("confirm", "applicant pass phrase".into()),
                ],
                409,
            ),
            // Anyone may ask for a reset link, and hears the same either way.
            (
                "request_password_reset",
                vec![("email", format!("nobody-{n}@firm.example"))],
                200,
            ),
            (
                "password_reset_details",
                vec![("token", "not-a-token".into())],
                409,
            ),
            (
                "reset_password",
                vec![
                    ("token", "not-a-token".into()),
                    ("password", "new pass phrase".into()),
                    ("confirm", "new pass phrase".into()),
                ],
                409,
            ),
            // Anyone may try to sign in; a wrong password is refused alike.
            (
                "sign_in",
                vec![
                    ("email", format!("nobody-{n}@firm.example")),
                    ("password", "not the password".into()),
                ],
                401,
            ),
            // Who is asking: nobody is an answer too.
            ("signed_in_user", vec![], 200),
            // Everyone picks their own language (nobody: for this browser only).
            ("choose_language", vec![("language", "en".into())], 200),
            ("my_sessions", vec![], signed_in_only(true)),
            (
                "end_session",
                vec![("session_id", "no-such-session".into())],
                if who == Nobody { 401 } else { 404 },
            ),
            ("end_other_sessions", vec![], signed_in_only(true)),
            ("load_eligibility_context", vec![], signed_in_only(staff)),
            (
                "load_case_eligibility",
                vec![("case_id", case_id.clone())],
                signed_in_only(staff),
            ),
            (
                "save_assessment",
                vec![("case_id", case_id.clone()), ("on", "2026-11-24".into())],
                case_writer,
            ),
            (
                "save_eligibility_settings",
                vec![
                    ("settings[k_visa_max_age]", "45".into()),
                    ("settings[z_permit_b_max_age]", "60".into()),
                ],
                signed_in_only(who == Admin),
            ),
        ];
        for (endpoint, form, expected) in form_calls {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = app.call(c, endpoint, &form).await.status().as_u16();
            assert_eq!(status, expected, "{who:?} calling {endpoint}");
            covered.insert(endpoint.to_string());
        }
        let save = json!({ "id": null, "base_version": null, "details": details, "confirm_duplicate": true });
        let status = app
            .call_json(c, "save_client", &save)
            .await
            .status()
            .as_u16();
        assert_eq!(
            status,
            signed_in_only(writer),
            "{who:?} calling save_client"
        );
        covered.insert("save_client".into());
        let current: CaseDetail = app
            .ask(&admin, "get_case", &[("id", case_id.as_str())])
            .await
            .expect("the case");
        let edit = json!({ "id": case_id, "base_version": current.version, "edit": {
            "priority": "high", "attorney_id": "", "paralegal_id": para_id, "target_filing_on": "",
            "filed_on": "", "decision_on": "", "internal_notes": "Checked by every role" } });
        let status = app
            .call_json(c, "update_case", &edit)
            .await
            .status()
            .as_u16();
        assert_eq!(status, case_writer, "{who:?} calling update_case");
        covered.insert("update_case".into());
        // Unknown ids answer 404 to everyone who may read that kind of object.
        if staff {
            assert_eq!(
                app.call(c, "get_case", &[("id", "no-such-case")])
                    .await
                    .status(),
                404,
                "{who:?}"
            );
            assert_eq!(
                app.call(c, "get_client", &[("id", "no-such-client")])
                    .await
                    .status(),
                404,
                "{who:?}"
            );
            // Viewers may not change tasks at all: refused before any lookup.
            let unknown_task_status = if who == Viewer { 403 } else { 404 };
            let unknown_task = app
                .call(
                    c,
                    "set_task_done",
                    &[("task_id", "no-such-task"), ("done", "true")],
                )
                .await
                .status();
            assert_eq!(unknown_task, unknown_task_status, "{who:?}");
        }
        // Last, as it ends the caller's session (the admin's after the
        // loop: the next callers' objects are made as the admin). Signing
        // out without a session is no error.
        if who != Admin {
            let status = app.call(c, "sign_out", &[]).await.status().as_u16();
            assert_eq!(status, 200, "{who:?} calling sign_out");
        }
    }
    let status = app.call(&admin, "sign_out", &[]).await.status().as_u16();
    assert_eq!(status, 200, "Admin calling sign_out");
    covered.insert("sign_out".to_string());
    assert_eq!(app.call(&admin, "list_users", &[]).await.status(), 401);

    // The server refuses to start with a server function that has no input
    // rule, so the rules list every registered server function.
    let registered: BTreeSet<String> = visadesk_app::api::input::rules()
        .iter()
        .map(|r| r.path.trim_start_matches("/api/").to_string())
        .collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "server functions with no row in the access table: {missing:?}"
    );
}
