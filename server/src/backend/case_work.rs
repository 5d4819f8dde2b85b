//! Case work inside one transaction each: reading a case as a person sees
//! it, editing its details, and its tasks. Object-level access is checked
//! here, against the same rules the UI uses to hide what it can't do.

use super::By;
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::audit;
use crate::store::cases::{self, CaseRow};
use crate::store::checklist;
use crate::store::tasks::{self, TaskRow};
use visadesk_app::domain::case::{
    can_assign_case, changed_case_fields, validate_case_edit, CaseDetail, CaseEdit, CaseSaveOutcome,
};
use visadesk_app::domain::checklist::{ChecklistItem, DocumentKind, ItemStatus, REASON_MAX_CHARS};
use visadesk_app::domain::client::FieldMessage;
use visadesk_app::domain::problem::{CaseAction, Choice, Problem};
use visadesk_app::domain::stage::offered_moves;
use visadesk_app::domain::task::{validate_task, Task, TaskInput, TASKS_PER_CASE_MAX};
use visadesk_app::domain::{CurrentUser, Role, UserId};
use visadesk_app::AppError;

/// A case as its page shows it to `viewer` on `today`.
pub use super::access::editable_case;

pub fn case_detail(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    id: &str,
    today: &str,
) -> Result<CaseDetail, ServerError> {
    let row = cases::row_by_id(conn, id)?.ok_or_else(|| AppError::NotFound("case".into()))?;
    let can_edit = super::access::may_edit_case(viewer, &row);
    let stage = row.stage()?;
    let timeline = cases::timeline(conn, &row.id)?;
    let tasks = tasks::for_case(conn, &row.id, today)?;
    let checklist = super::documents::checklist_with_versions(conn, &row.id)?;
    let (version, opened_on, filed_on, decision_on, internal_notes) = (
        row.version,
        row.opened_on.clone(),
        row.filed_on.clone(),
        row.decision_on.clone(),
        row.internal_notes.clone(),
    );
    let summary = cases::summaries(conn, vec![row])?
        .pop()
        .ok_or_else(|| ServerError::Invariant(format!("case {} has no summary", id)))?;
    Ok(CaseDetail {
        summary,
        version,
        opened_on,
        filed_on,
        decision_on,
        internal_notes,
        timeline,
        offered_moves: if can_edit {
            offered_moves(viewer.role, stage)
        } else {
            Vec::new()
        },
        can_edit,
        can_assign: can_edit && can_assign_case(viewer.role),
        tasks,
        checklist,
        max_upload_bytes: 0,
    })
}

/// Checks that assignees are active staff of the right role.
pub fn check_assignees(
    conn: &mut DbConnection,
    attorney_id: Option<&str>,
    paralegal_id: Option<&str>,
) -> Result<(), ServerError> {
    let staff = cases::staff(conn)?;
    let mut errors = Vec::new();
    let mut check = |id: Option<&str>, field: &str, roles: &[Role], choice: Choice| {
        if let Some(id) = id {
            if !staff
                .iter()
                .any(|s| s.id.as_str() == id && roles.contains(&s.role))
            {
                errors.push(FieldMessage {
                    field: field.into(),
                    problem: Problem::Choose(choice),
                });
            }
        }
    };
    check(
        attorney_id,
        "attorney_id",
        &[Role::Attorney, Role::Admin],
        Choice::ActiveAttorney,
    );
    check(
        paralegal_id,
        "paralegal_id",
        &[Role::Paralegal],
        Choice::ActiveParalegal,
    );
    match errors.len() {
        0 => Ok(()),
        1 => {
            let m = errors.remove(0);
            Err(AppError::invalid(m.field, m.problem).into())
        }
        _ => Err(AppError::InvalidFields(errors).into()),
    }
}

/// Saves edited details of a case opened at `base_version`.
#[allow(clippy::too_many_arguments)]
pub fn update_case(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    id: &str,
    base_version: i64,
    edit: &CaseEdit,
    now: i64,
    today: &str,
) -> Result<CaseSaveOutcome, ServerError> {
    let row = editable_case(conn, viewer, id, CaseAction::Edit)?;
    let before = CaseEdit::of(&case_detail(conn, viewer, id, today)?);
    let checked =
        validate_case_edit(edit, &row.opened_on).map_err(|e| match <[_; 1]>::try_from(e) {
            Ok([m]) => AppError::invalid(m.field, m.problem),
            Err(list) => AppError::InvalidFields(list),
        })?;
    if row.version != base_version {
        return Ok(CaseSaveOutcome::Conflict(Box::new(case_detail(
            conn, viewer, id, today,
        )?)));
    }
    let same = |chosen: &Option<UserId>, stored: &Option<String>| {
        chosen.as_ref().map(UserId::as_str) == stored.as_deref()
    };
    let attorney_changes = !same(&checked.attorney_id, &row.attorney_id);
    let reassigns = attorney_changes || !same(&checked.paralegal_id, &row.paralegal_id);
    if reassigns && !can_assign_case(viewer.role) {
        let field = if attorney_changes {
            "attorney_id"
        } else {
            "paralegal_id"
        };
        return Err(AppError::invalid(field, Problem::OnlyAttorneyAssigns).into());
    }
    if reassigns {
        check_assignees(
            conn,
            checked.attorney_id.as_ref().map(UserId::as_str),
            checked.paralegal_id.as_ref().map(UserId::as_str),
        )?;
    }
    if !cases::update_if_version(conn, id, base_version, &checked, now)? {
        return Ok(CaseSaveOutcome::Conflict(Box::new(case_detail(
            conn, viewer, id, today,
        )?)));
    }
    let saved = case_detail(conn, viewer, id, today)?;
    let changed = changed_case_fields(&before, &CaseEdit::of(&saved));
    let summary = if changed.is_empty() {
        format!("{}: saved without changes", row.reference)
    } else {
        format!("{}: changed {}", row.reference, changed.join(", "))
    };
    audit::append(conn, by.entry("case.update", "case", id, summary), now)?;
    Ok(CaseSaveOutcome::Saved(Box::new(saved)))
}

/// Adds a task to a case.
#[allow(clippy::too_many_arguments)]
pub fn add_task(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    case_id: &str,
    input: &TaskInput,
    now: i64,
    today: &str,
) -> Result<Task, ServerError> {
    let case = editable_case(conn, viewer, case_id, CaseAction::AddTasks)?;
    let task = validate_task(input).map_err(AppError::InvalidFields)?;
    if let Some(id) = &task.assignee_id {
        let staff = cases::staff(conn)?;
        if !staff.iter().any(|s| &s.id == id) {
            return Err(
                AppError::invalid("assignee_id", Problem::Choose(Choice::ActiveStaff)).into(),
            );
        }
    }
    if tasks::count_for_case(conn, case_id)? >= TASKS_PER_CASE_MAX as i64 {
        return Err(AppError::Conflict(Problem::TaskLimit {
            case: case.reference.clone(),
            max: TASKS_PER_CASE_MAX,
        })
        .into());
    }
    let row = TaskRow {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case.id.clone(),
        title: task.title.clone(),
        due_on: task.due_on.clone(),
        assignee_id: task.assignee_id.clone().map(String::from),
        done: false,
        done_at: None,
        created_by: by.id.clone(),
        created_at: now,
        updated_at: now,
    };
    tasks::insert(conn, &row)?;
    let due = if row.due_on.is_empty() {
        String::new()
    } else {
        format!(", due {}", row.due_on)
    };
    let summary = format!("{}: task \"{}\" added{due}", case.reference, row.title);
    audit::append(
        conn,
        by.entry("task.create", "case", &case.id, summary),
        now,
    )?;
    find_task(conn, &row.id, today)
}

/// The task with this id and the case it is on, if `viewer` may change it.
fn editable_task(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    task_id: &str,
    action: CaseAction,
) -> Result<(TaskRow, CaseRow), ServerError> {
    let task = tasks::by_id(conn, task_id)?.ok_or_else(|| AppError::NotFound("task".into()))?;
    let case = editable_case(conn, viewer, &task.case_id, action)?;
    Ok((task, case))
}

/// Marks a task done or open again.
pub fn set_task_done(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    task_id: &str,
    done: bool,
    now: i64,
    today: &str,
) -> Result<Task, ServerError> {
    let (task, case) = editable_task(conn, viewer, task_id, CaseAction::ChangeTasks)?;
    if task.done != done {
        tasks::set_done(conn, task_id, done, now)?;
        let summary = format!(
            "{}: task \"{}\" {}",
            case.reference,
            task.title,
            if done { "done" } else { "reopened" }
        );
        audit::append(
            conn,
            by.entry("task.update", "case", &case.id, summary),
            now,
        )?;
    }
    find_task(conn, task_id, today)
}

/// Deletes a task.
pub fn delete_task(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    task_id: &str,
    now: i64,
) -> Result<(), ServerError> {
    let (task, case) = editable_task(conn, viewer, task_id, CaseAction::DeleteTasks)?;
    tasks::delete(conn, task_id)?;
    let summary = format!("{}: task \"{}\" deleted", case.reference, task.title);
    audit::append(
        conn,
        by.entry("task.delete", "case", &case.id, summary),
        now,
    )?;
    Ok(())
}

fn find_task(conn: &mut DbConnection, task_id: &str, today: &str) -> Result<Task, ServerError> {
    let row = tasks::by_id(conn, task_id)?.ok_or_else(|| {
        ServerError::Invariant(format!("task {task_id} is gone right after it was written"))
    })?;
    tasks::for_case(conn, &row.case_id, today)?
        .into_iter()
        .find(|t| t.id.as_str() == task_id)
        .ok_or_else(|| {
            ServerError::Invariant(format!("task {task_id} is missing from its case's list"))
        })
}

/// Adds a document kind to a case's checklist (as required).
pub fn add_checklist_item(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    case_id: &str,
    kind: DocumentKind,
    now: i64,
) -> Result<ChecklistItem, ServerError> {
    let case = editable_case(conn, viewer, case_id, CaseAction::ChangeChecklist)?;
    if checklist::for_case(conn, case_id)?
        .iter()
        .any(|i| i.kind == kind)
    {
        return Err(AppError::Conflict(Problem::AlreadyOnChecklist {
            case: case.reference.clone(),
            document: kind,
        })
        .into());
    }
    let row = checklist::ItemRow {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case.id.clone(),
        kind: kind.code().into(),
        required: true,
        position: checklist::next_position(conn, case_id)?,
        status: ItemStatus::Missing.code().into(),
        reason: String::new(),
        created_at: now,
        updated_at: now,
    };
    checklist::insert_many(conn, std::slice::from_ref(&row))?;
    let summary = format!(
        "{}: checklist item \"{}\" added",
        case.reference,
        kind.label()
    );
    audit::append(
        conn,
        by.entry("checklist.add", "case", &case.id, summary),
        now,
    )?;
    find_item(conn, &row.id)
}

/// Waives a checklist item (with a reason for staff), or restores a waived one.
pub fn waive_checklist_item(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    item_id: &str,
    waive: bool,
    reason: &str,
    now: i64,
) -> Result<ChecklistItem, ServerError> {
    let row = checklist::by_id(conn, item_id)?
        .ok_or_else(|| AppError::NotFound("checklist item".into()))?;
    let case = editable_case(conn, viewer, &row.case_id, CaseAction::ChangeChecklist)?;
    let kind = DocumentKind::from_code(&row.kind);
    let label = kind.map_or("item", |k| k.label());
    let (status, action, summary) = if waive {
        let reason = reason.trim();
        let chars = reason.chars().count();
        if reason.is_empty() || chars > REASON_MAX_CHARS || reason.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "reason",
                Problem::WaiverNeedsReason {
                    document: kind,
                    max: REASON_MAX_CHARS,
                },
            )
            .into());
        }
        (
            ItemStatus::Waived(reason.to_string()),
            "checklist.waive",
            format!("{}: \"{label}\" waived: {reason}", case.reference),
        )
    } else {
        if row.status != "waived" {
            return Err(AppError::Conflict(Problem::NotWaived(kind)).into());
        }
        (
            crate::store::documents::status_from_uploads(conn, item_id)?,
            "checklist.restore",
            format!("{}: \"{label}\" needed again", case.reference),
        )
    };
    checklist::set_status(conn, item_id, &status, now)?;
    audit::append(conn, by.entry(action, "case", &case.id, summary), now)?;
    super::documents::item_with_versions(conn, item_id)
}

fn find_item(conn: &mut DbConnection, item_id: &str) -> Result<ChecklistItem, ServerError> {
    let row = checklist::by_id(conn, item_id)?.ok_or_else(|| {
        ServerError::Invariant(format!(
            "checklist item {item_id} is gone right after it was written"
        ))
    })?;
    checklist::for_case(conn, &row.case_id)?
        .into_iter()
        .find(|i| i.id.as_str() == item_id)
        .ok_or_else(|| {
            ServerError::Invariant(format!(
                "checklist item {item_id} is missing from its case's list"
            ))
        })
}
