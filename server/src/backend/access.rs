//! The one place that answers "may this caller see or change this?" for
//! firm data. Roles come from the permission matrix
//! (`visadesk_app::domain::permission`) and the per-case rule from
//! `visadesk_app::domain::case::can_edit_case`; no role list is repeated
//! here. Server functions check the caller's permission first; every
//! backend method that reads or changes firm data asks here again, about
//! the object itself.

use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::cases::{self, CaseRow};
use visadesk_app::domain::case::can_edit_case;
use visadesk_app::domain::problem::{CaseAction, Problem};
use visadesk_app::domain::{ClientId, CurrentUser, Permission, Role, UserId};
use visadesk_app::AppError;

/// Refuses a caller whose role lacks `permission` (403).
pub fn require(caller: &CurrentUser, permission: Permission) -> Result<(), ServerError> {
    if caller.role.can(permission) {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

/// The case `case_id`, if the caller may see it: staff who may view cases
/// see every case, an applicant only their own client's. Anything else is
/// 404 as `what` (the object asked for), so an applicant cannot tell
/// another firm client's case from a missing one.
pub fn visible_case(
    conn: &mut DbConnection,
    caller: &CurrentUser,
    case_id: &str,
    what: &str,
) -> Result<CaseRow, ServerError> {
    let not_found = || ServerError::from(AppError::NotFound(what.into()));
    let case = cases::row_by_id(conn, case_id)?.ok_or_else(not_found)?;
    let visible = match caller.role {
        Role::Applicant => {
            caller.client_id.as_ref().map(ClientId::as_str) == Some(case.client_id.as_str())
        }
        role => role.can(Permission::ViewCases),
    };
    if visible {
        Ok(case)
    } else {
        Err(not_found())
    }
}

/// Whether the caller may change this case (its stage, details, tasks,
/// checklist, reviews and assessments).
pub fn may_edit_case(caller: &CurrentUser, case: &CaseRow) -> bool {
    caller.role.can(Permission::EditCases)
        && can_edit_case(
            caller.role,
            &caller.user_id,
            case.paralegal_id.clone().map(UserId::from).as_ref(),
        )
}

/// The case the caller wants to change: unknown ids are 404, roles that
/// never change cases 403, and a paralegal's unassigned case a 403 that
/// says who can (they may read it, so its existence is no secret).
pub fn editable_case(
    conn: &mut DbConnection,
    caller: &CurrentUser,
    id: &str,
    action: CaseAction,
) -> Result<CaseRow, ServerError> {
    let row = cases::row_by_id(conn, id)?.ok_or_else(|| AppError::NotFound("case".into()))?;
    require(caller, Permission::EditCases)?;
    if !may_edit_case(caller, &row) {
        return Err(AppError::NotAllowed(Problem::OnlyCaseTeam {
            case: row.reference.clone(),
            action,
        })
        .into());
    }
    Ok(row)
}
