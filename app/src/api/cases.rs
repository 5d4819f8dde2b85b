//! Cases: list, read, open, and move through the stages.

use crate::domain::case::{
    Board, CaseDetail, CaseEdit, CasePage, CaseSaveOutcome, CaseSummary, Dashboard, StaffRef,
};
use crate::domain::checklist::ChecklistItem;
use crate::domain::task::Task;
use crate::domain::{CaseId, ClientId, ItemId, TaskId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::context::{backend, require, respond};
#[cfg(feature = "ssr")]
use crate::domain::problem::{Choice, Problem, Thing};
#[cfg(feature = "ssr")]
use crate::domain::{case::CaseFilter, Permission, Programme, Stage};

#[cfg(feature = "ssr")]
fn parse_opt<T>(
    raw: Option<String>,
    field: &str,
    thing: Thing,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, AppError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(code) => parse(code).map(Some).ok_or_else(|| {
            AppError::invalid(
                field,
                Problem::Unknown {
                    thing,
                    value: code.chars().take(40).collect(),
                    choices: Vec::new(),
                },
            )
        }),
    }
}

#[cfg(feature = "ssr")]
fn none_if_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// An id from an optional form field; an empty field is none.
#[cfg(feature = "ssr")]
fn id_if_given<Id: From<String>>(s: Option<String>) -> Option<Id> {
    none_if_empty(s).map(Id::from)
}

/// A page of cases, filtered by stage, programme, assignee (a user id),
/// overdue (open and past the target filing date) and client.
#[server(prefix = "/api", endpoint = "list_cases")]
pub async fn list_cases(
    stage: Option<String>,
    programme: Option<String>,
    assignee: Option<String>,
    overdue: Option<bool>,
    client_id: Option<String>,
    page: Option<i64>,
) -> Result<CasePage, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewCases).await?;
            let filter = CaseFilter {
                stage: parse_opt(stage, "stage", Thing::Stage, |s| s.parse::<Stage>().ok())?,
                programme: parse_opt(programme, "programme", Thing::Programme, |s| {
                    s.parse::<Programme>().ok()
                })?,
                assignee: id_if_given(assignee),
                overdue: overdue.unwrap_or(false),
                client_id: id_if_given(client_id),
                page: page.unwrap_or(1).clamp(1, 100_000),
            };
            backend()?.list_cases(&actor.user, filter).await
        }
        .await,
    )
}

/// One case with its timeline and the moves the asker may make.
#[server(prefix = "/api", endpoint = "get_case")]
pub async fn get_case(id: CaseId) -> Result<CaseDetail, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewCases).await?;
            backend()?.get_case(&actor.user, &id).await
        }
        .await,
    )
}

/// Opens a case for a client at Intake.
#[server(prefix = "/api", endpoint = "create_case")]
pub async fn create_case(
    client_id: ClientId,
    programme: String,
    priority: Option<String>,
    attorney_id: Option<String>,
    paralegal_id: Option<String>,
    target_filing_on: Option<String>,
    internal_notes: Option<String>,
) -> Result<CaseSummary, AppError> {
    use super::port::NewCase;
    use crate::domain::case::{Priority, NOTES_MAX_CHARS};
    use crate::domain::date::Date;
    respond(
        async move {
            let actor = require(Permission::CreateCases).await?;
            let programme = parse_opt(Some(programme), "programme", Thing::Programme, |s| {
                s.parse::<Programme>().ok()
            })?
            .ok_or_else(|| AppError::invalid("programme", Problem::Choose(Choice::Programme)))?;
            let priority = parse_opt(priority, "priority", Thing::Priority, Priority::from_code)?
                .unwrap_or(Priority::Normal);
            let target_filing_on = none_if_empty(target_filing_on).unwrap_or_default();
            if !target_filing_on.is_empty() && Date::parse(&target_filing_on).is_none() {
                return Err(AppError::invalid(
                    "target_filing_on",
                    Problem::NotADate(Thing::TargetFilingDate),
                ));
            }
            let internal_notes = internal_notes.unwrap_or_default();
            let chars = internal_notes.chars().count();
            if chars > NOTES_MAX_CHARS {
                return Err(AppError::invalid(
                    "internal_notes",
                    Problem::TooLong {
                        thing: Thing::Notes,
                        chars,
                        max: NOTES_MAX_CHARS,
                    },
                ));
            }
            let case = NewCase {
                client_id,
                programme,
                priority,
                attorney_id: id_if_given(attorney_id),
                paralegal_id: id_if_given(paralegal_id),
                target_filing_on,
                internal_notes,
            };
            backend()?.create_case(&actor, case).await
        }
        .await,
    )
}

/// Moves a case to stage `to`, with an optional note for the timeline.
#[server(prefix = "/api", endpoint = "move_case")]
pub async fn move_case(
    id: CaseId,
    to: String,
    note: Option<String>,
) -> Result<CaseDetail, AppError> {
    use crate::domain::case::NOTE_MAX_CHARS;
    respond(
        async move {
            let actor = require(Permission::EditCases).await?;
            let to = parse_opt(Some(to), "stage", Thing::Stage, |s| s.parse::<Stage>().ok())?
                .ok_or_else(|| AppError::invalid("stage", Problem::Choose(Choice::Stage)))?;
            let note = note.unwrap_or_default().trim().to_string();
            let chars = note.chars().count();
            if chars > NOTE_MAX_CHARS {
                return Err(AppError::invalid(
                    "note",
                    Problem::TooLong {
                        thing: Thing::StageNote,
                        chars,
                        max: NOTE_MAX_CHARS,
                    },
                ));
            }
            backend()?.move_case(&actor, &id, to, note).await
        }
        .await,
    )
}

/// Saves a case's details (priority, assignees, key dates, internal notes)
/// over the version the person opened; a newer version answers
/// `Conflict` with the current case, and nothing is overwritten.
#[server(prefix = "/api", endpoint = "update_case", input = Json)]
pub async fn update_case(
    id: CaseId,
    base_version: i64,
    edit: CaseEdit,
) -> Result<CaseSaveOutcome, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditCases).await?;
            backend()?
                .update_case(&actor, &id, base_version, edit)
                .await
        }
        .await,
    )
}

/// The board: one column per stage, filtered by programme, assignee and overdue.
#[server(prefix = "/api", endpoint = "case_board")]
pub async fn case_board(
    programme: Option<String>,
    assignee: Option<String>,
    overdue: Option<bool>,
) -> Result<Board, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewCases).await?;
            let filter = CaseFilter {
                programme: parse_opt(programme, "programme", Thing::Programme, |s| {
                    s.parse::<Programme>().ok()
                })?,
                assignee: id_if_given(assignee),
                overdue: overdue.unwrap_or(false),
                ..CaseFilter::default()
            };
            backend()?.board(&actor.user, filter).await
        }
        .await,
    )
}

/// Adds a task (title, optional due date and assignee) to a case.
#[server(prefix = "/api", endpoint = "add_task")]
pub async fn add_task(
    case_id: CaseId,
    title: String,
    due_on: Option<String>,
    assignee_id: Option<String>,
) -> Result<Task, AppError> {
    use crate::domain::task::TaskInput;
    respond(
        async move {
            let actor = require(Permission::EditCases).await?;
            let task = TaskInput {
                title,
                due_on: due_on.unwrap_or_default(),
                assignee_id: assignee_id.unwrap_or_default(),
            };
            backend()?.add_task(&actor, &case_id, task).await
        }
        .await,
    )
}

/// Marks a task done, or open again.
#[server(prefix = "/api", endpoint = "set_task_done")]
pub async fn set_task_done(task_id: TaskId, done: bool) -> Result<Task, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditCases).await?;
            backend()?.set_task_done(&actor, &task_id, done).await
        }
        .await,
    )
}

/// Deletes a task.
#[server(prefix = "/api", endpoint = "delete_task")]
pub async fn delete_task(task_id: TaskId) -> Result<(), AppError> {
    respond(
        async move {
            let actor = require(Permission::EditCases).await?;
            backend()?.delete_task(&actor, &task_id).await
        }
        .await,
    )
}

/// Adds a document kind (by code) to a case's checklist.
#[server(prefix = "/api", endpoint = "add_checklist_item")]
pub async fn add_checklist_item(case_id: CaseId, kind: String) -> Result<ChecklistItem, AppError> {
    use crate::domain::checklist::DocumentKind;
    respond(
        async move {
            let actor = require(Permission::EditCases).await?;
            let kind = parse_opt(Some(kind), "kind", Thing::Document, DocumentKind::from_code)?
                .ok_or_else(|| AppError::invalid("kind", Problem::Choose(Choice::Document)))?;
            backend()?.add_checklist_item(&actor, &case_id, kind).await
        }
        .await,
    )
}

/// Waives a checklist item (`waive`, with a reason) or restores a waived one.
#[server(prefix = "/api", endpoint = "waive_checklist_item")]
pub async fn waive_checklist_item(
    item_id: ItemId,
    waive: bool,
    reason: Option<String>,
) -> Result<ChecklistItem, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditCases).await?;
            backend()?
                .waive_checklist_item(&actor, &item_id, waive, reason.unwrap_or_default())
                .await
        }
        .await,
    )
}

/// Staff who can be assigned to cases.
#[server(prefix = "/api", endpoint = "assignable_staff")]
pub async fn assignable_staff() -> Result<Vec<StaffRef>, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewCases).await?;
            backend()?.assignable_staff(&actor.user).await
        }
        .await,
    )
}

/// The asker's dashboard: counts per stage and programme, their open cases,
/// filings due in the next 14 days.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn dashboard_data() -> Result<Dashboard, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewDashboard).await?;
            backend()?.dashboard(&actor.user).await
        }
        .await,
    )
}
