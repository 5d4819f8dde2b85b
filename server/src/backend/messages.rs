//! The message port: each case's thread between the firm and the applicant.
//! Staff who may see the case read it and those who may change it write;
//! the applicant reads and writes on their own cases (while open); anyone
//! else gets 404.

use super::access::{may_edit_case, visible_case};
use super::{By, VisadeskBackend};
use crate::auth::now;
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::notify;
use crate::store::audit;
use crate::store::cases::CaseRow;
use crate::store::messages::{self, MessageRow};
use visadesk_app::api::port::{Actor, MessagePort};
use visadesk_app::domain::message::{check_message, Message, Thread};
use visadesk_app::domain::problem::{CaseAction, Problem};
use visadesk_app::domain::{CaseId, CurrentUser, MessageId, Role};
use visadesk_app::AppError;

fn message(row: MessageRow) -> Message {
    Message {
        id: MessageId::new(row.id),
        author_name: row.author_name,
        from_firm: row.from_firm,
        body: row.body,
        created_at: row.created_at,
    }
}

/// Whether the caller may write on this case's thread.
fn may_write(caller: &CurrentUser, case: &CaseRow) -> Result<bool, ServerError> {
    Ok(match caller.role {
        Role::Applicant => case.stage()?.is_open(),
        _ => may_edit_case(caller, case),
    })
}

fn thread(
    conn: &mut DbConnection,
    caller: &CurrentUser,
    case_id: &str,
) -> Result<Thread, ServerError> {
    let case = visible_case(conn, caller, case_id, "case")?;
    let from_firm = caller.role != Role::Applicant;
    let seen = messages::seen_at(conn, &case.id, caller.user_id.as_str())?;
    Ok(Thread {
        case_id: CaseId::new(case.id.clone()),
        unread: messages::unread(conn, &case.id, from_firm, seen)?,
        other_seen_at: messages::side_seen_at(conn, &case.id, !from_firm)?,
        can_write: may_write(caller, &case)?,
        messages: messages::for_case(conn, &case.id)?
            .into_iter()
            .map(message)
            .collect(),
    })
}

#[async_trait::async_trait]
impl MessagePort for VisadeskBackend {
    async fn thread(&self, caller: &CurrentUser, case_id: &CaseId) -> Result<Thread, AppError> {
        let (caller, id) = (caller.clone(), case_id.to_string());
        Ok(self.db.run(move |conn| thread(conn, &caller, &id)).await?)
    }

    async fn send_message(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        body: String,
    ) -> Result<Message, AppError> {
        let body = check_message(&body).map_err(|problem| AppError::invalid("body", problem))?;
        let (id, mail) = (case_id.to_string(), self.mail.clone());
        self.write_as(actor, move |conn, viewer, by: &By, now| {
            let case = visible_case(conn, viewer, &id, "case")?;
            if !may_write(viewer, &case)? {
                return Err(match viewer.role {
                    Role::Applicant => AppError::Conflict(Problem::CaseClosedForMessages),
                    _ => AppError::NotAllowed(Problem::OnlyCaseTeam {
                        case: case.reference.clone(),
                        action: CaseAction::WriteToApplicant,
                    }),
                }
                .into());
            }
            let from_firm = viewer.role != Role::Applicant;
            let row = MessageRow {
                id: uuid::Uuid::now_v7().to_string(),
                case_id: case.id.clone(),
                author_id: Some(viewer.user_id.to_string()),
                author_name: viewer.display_name.clone(),
                from_firm,
                body: body.clone(),
                created_at: now,
            };
            messages::insert(conn, &row)?;
            // Writing is reading: the writer has seen the thread.
            messages::mark_seen(conn, &case.id, viewer.user_id.as_str(), from_firm, now)?;
            audit::append(
                conn,
                by.entry(
                    "message.send",
                    "case",
                    &case.id,
                    format!(
                        "{}: message {} ({} characters)",
                        case.reference,
                        if from_firm {
                            "to the applicant"
                        } else {
                            "to the firm"
                        },
                        body.chars().count()
                    ),
                ),
                now,
            )?;
            notify::message_sent(conn, &mail, &case, &body, viewer, now)?;
            Ok(message(row))
        })
        .await
    }

    async fn mark_thread_seen(
        &self,
        caller: &CurrentUser,
        case_id: &CaseId,
    ) -> Result<(), AppError> {
        let (caller, id) = (caller.clone(), case_id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let case = visible_case(conn, &caller, &id, "case")?;
                let from_firm = caller.role != Role::Applicant;
                messages::mark_seen(conn, &case.id, caller.user_id.as_str(), from_firm, now())
            })
            .await?)
    }
}
