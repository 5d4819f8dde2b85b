//! The case port: cases, stages, tasks, checklists, the board and the
//! dashboard (the transaction functions are in `case_work`).

use super::case_work::{case_detail, check_assignees, editable_case};
use super::{access, case_work, By, VisadeskBackend};
use crate::auth::now;
use crate::error::ServerError;
use crate::notify;
use crate::store::audit::{self};
use crate::store::cases::{self, CaseRow, EventRow};
use crate::store::clients;
use visadesk_app::api::port::Actor;
use visadesk_app::api::port::CasePort;
use visadesk_app::api::port::NewCase;
use visadesk_app::domain::case::{
    Board, CaseDetail, CaseEdit, CaseFilter, CasePage, CaseSaveOutcome, CaseSummary, Dashboard,
    StaffRef,
};
use visadesk_app::domain::checklist::{ChecklistItem, DocumentKind};
use visadesk_app::domain::date::Date;
use visadesk_app::domain::problem::{CaseAction, Problem};
use visadesk_app::domain::stage::{check_move, MoveError};
use visadesk_app::domain::task::{Task, TaskInput};
use visadesk_app::domain::Permission;
use visadesk_app::domain::Stage;
use visadesk_app::domain::{CaseId, CurrentUser, ItemId, TaskId, UserId};
use visadesk_app::AppError;

#[async_trait::async_trait]
impl CasePort for VisadeskBackend {
    async fn list_cases(
        &self,
        caller: &CurrentUser,
        filter: CaseFilter,
    ) -> Result<CasePage, AppError> {
        access::require(caller, Permission::ViewCases)?;
        let today = Date::from_unix(now()).to_string();
        Ok(self
            .db
            .run(move |conn| cases::list(conn, &filter, &today))
            .await?)
    }

    async fn get_case(&self, viewer: &CurrentUser, id: &CaseId) -> Result<CaseDetail, AppError> {
        let (viewer, id) = (viewer.clone(), id.to_string());
        let today = Date::from_unix(now()).to_string();
        let mut detail = self
            .db
            .run(move |conn| case_detail(conn, &viewer, &id, &today))
            .await?;
        detail.max_upload_bytes = self.documents.max_upload_bytes;
        Ok(detail)
    }

    async fn update_case(
        &self,
        actor: &Actor,
        id: &CaseId,
        base_version: i64,
        edit: CaseEdit,
    ) -> Result<CaseSaveOutcome, AppError> {
        let by = By::actor(actor);
        let (viewer, id) = (actor.user.clone(), id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let today = Date::from_unix(now).to_string();
                case_work::update_case(conn, &viewer, &by, &id, base_version, &edit, now, &today)
            })
            .await?)
    }

    async fn board(&self, caller: &CurrentUser, filter: CaseFilter) -> Result<Board, AppError> {
        access::require(caller, Permission::ViewCases)?;
        let today = Date::from_unix(now()).to_string();
        Ok(self
            .db
            .run(move |conn| cases::board(conn, &filter, &today))
            .await?)
    }

    async fn add_task(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        task: TaskInput,
    ) -> Result<Task, AppError> {
        let by = By::actor(actor);
        let (viewer, case_id, mail) = (actor.user.clone(), case_id.to_string(), self.mail.clone());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let today = Date::from_unix(now).to_string();
                let task = case_work::add_task(conn, &viewer, &by, &case_id, &task, now, &today)?;
                if let (Some(assignee), Some(case)) =
                    (&task.assignee, cases::row_by_id(conn, &case_id)?)
                {
                    notify::task_assigned(
                        conn,
                        &mail,
                        &case,
                        &task.title,
                        &task.due_on,
                        assignee.id.as_str(),
                        &viewer,
                        now,
                    )?;
                }
                Ok(task)
            })
            .await?)
    }

    async fn set_task_done(
        &self,
        actor: &Actor,
        task_id: &TaskId,
        done: bool,
    ) -> Result<Task, AppError> {
        let by = By::actor(actor);
        let (viewer, task_id) = (actor.user.clone(), task_id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let today = Date::from_unix(now).to_string();
                case_work::set_task_done(conn, &viewer, &by, &task_id, done, now, &today)
            })
            .await?)
    }

    async fn add_checklist_item(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        kind: DocumentKind,
    ) -> Result<ChecklistItem, AppError> {
        let (case_id, mail) = (case_id.to_string(), self.mail.clone());
        self.write_as(actor, move |conn, viewer, by, now| {
            let item = case_work::add_checklist_item(conn, viewer, by, &case_id, kind, now)?;
            if let Some(case) = cases::row_by_id(conn, &case_id)? {
                notify::item_added(conn, &mail, &case, item.kind, now)?;
            }
            Ok(item)
        })
        .await
    }

    async fn waive_checklist_item(
        &self,
        actor: &Actor,
        item_id: &ItemId,
        waive: bool,
        reason: String,
    ) -> Result<ChecklistItem, AppError> {
        let item_id = item_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            case_work::waive_checklist_item(conn, viewer, by, &item_id, waive, &reason, now)
        })
        .await
    }

    async fn delete_task(&self, actor: &Actor, task_id: &TaskId) -> Result<(), AppError> {
        let task_id = task_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            case_work::delete_task(conn, viewer, by, &task_id, now)
        })
        .await
    }

    async fn create_case(&self, actor: &Actor, case: NewCase) -> Result<CaseSummary, AppError> {
        let by = By::actor(actor);
        let actor_name = actor.user.display_name.clone();
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let client = clients::by_id(conn, case.client_id.as_str())?
                    .ok_or_else(|| AppError::invalid("client_id", Problem::UnknownClient))?;
                check_assignees(
                    conn,
                    case.attorney_id.as_ref().map(UserId::as_str),
                    case.paralegal_id.as_ref().map(UserId::as_str),
                )?;
                let today = Date::from_unix(now);
                let row = CaseRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    reference: cases::next_reference(conn, today.year)?,
                    client_id: client.id.to_string(),
                    programme: case.programme.code().into(),
                    stage: Stage::Intake.code().into(),
                    priority: case.priority.code().into(),
                    attorney_id: case.attorney_id.clone().map(String::from),
                    paralegal_id: case.paralegal_id.clone().map(String::from),
                    opened_on: today.to_string(),
                    target_filing_on: case.target_filing_on.clone(),
                    filed_on: String::new(),
                    decision_on: String::new(),
                    internal_notes: case.internal_notes.clone(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                cases::insert(conn, &row)?;
                crate::store::checklist::insert_many(
                    conn,
                    &crate::store::checklist::rows_for(&row.id, case.programme, now),
                )?;
                cases::add_event(
                    conn,
                    &EventRow {
                        id: uuid::Uuid::new_v4().to_string(),
                        case_id: row.id.clone(),
                        seq: 0,
                        at: now,
                        actor_id: by.id.clone(),
                        actor_name: actor_name.clone(),
                        from_stage: None,
                        to_stage: Stage::Intake.code().into(),
                        // Pages word the opening from the event itself.
                        note: String::new(),
                    },
                )?;
                let summary = format!(
                    "{}: opened for {} ({})",
                    row.reference,
                    client.details.full_name,
                    case.programme.label()
                );
                audit::append(conn, by.entry("case.create", "case", &row.id, summary), now)?;
                cases::summaries(conn, vec![row])?
                    .pop()
                    .ok_or_else(|| ServerError::Invariant("a new case has no summary".into()))
            })
            .await?)
    }

    async fn move_case(
        &self,
        actor: &Actor,
        id: &CaseId,
        to: Stage,
        note: String,
    ) -> Result<CaseDetail, AppError> {
        let by = By::actor(actor);
        let (viewer, id, mail) = (actor.user.clone(), id.to_string(), self.mail.clone());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let row = editable_case(conn, &viewer, &id, CaseAction::Move)?;
                let from = row.stage()?;
                check_move(viewer.role, from, to).map_err(|e| match e {
                    MoveError::RoleCannotMove => AppError::Forbidden,
                    other => AppError::Conflict(Problem::Move(other)),
                })?;
                if !cases::set_stage(conn, &row, from, to, &Date::from_unix(now).to_string(), now)?
                {
                    return Err(AppError::Conflict(Problem::MovedMeanwhile).into());
                }
                cases::add_event(
                    conn,
                    &EventRow {
                        id: uuid::Uuid::new_v4().to_string(),
                        case_id: row.id.clone(),
                        seq: 0,
                        at: now,
                        actor_id: by.id.clone(),
                        actor_name: viewer.display_name.clone(),
                        from_stage: Some(from.code().into()),
                        to_stage: to.code().into(),
                        note: note.clone(),
                    },
                )?;
                let summary = format!("{}: {} → {}", row.reference, from.label(), to.label());
                audit::append(conn, by.entry("case.stage", "case", &row.id, summary), now)?;
                notify::stage_changed(conn, &mail, &row, to, now)?;
                case_detail(conn, &viewer, &id, &Date::from_unix(now).to_string())
            })
            .await?)
    }

    async fn dashboard(&self, viewer: &CurrentUser) -> Result<Dashboard, AppError> {
        let user_id = viewer.user_id.to_string();
        let now = now();
        let (today, in_14_days) = (
            Date::from_unix(now).to_string(),
            Date::from_unix(now + 14 * 86_400).to_string(),
        );
        Ok(self
            .db
            .run(move |conn| cases::dashboard(conn, &user_id, &today, &in_14_days))
            .await?)
    }

    async fn assignable_staff(&self, caller: &CurrentUser) -> Result<Vec<StaffRef>, AppError> {
        access::require(caller, Permission::ViewCases)?;
        Ok(self.db.run(cases::staff).await?)
    }
}
