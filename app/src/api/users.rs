//! The admin's user management.

use crate::domain::{ResetSent, UserId, UserSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, require, respond};
#[cfg(feature = "ssr")]
use crate::domain::problem::{Problem, Thing};
#[cfg(feature = "ssr")]
use crate::domain::{validate, NewStaffUser, Permission, Role};

/// Every user, for the admin page.
#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageUsers).await?;
            backend()?.list_users(&actor.user).await
        }
        .await,
    )
}

/// Creates a staff user (admin, attorney, paralegal or viewer).
#[server(prefix = "/api", endpoint = "create_user")]
pub async fn create_user(
    email: String,
    display_name: String,
    role: String,
    password: String,
) -> Result<UserSummary, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageUsers).await?;
            let email = validate::normalize_email(&email)?;
            let display_name = validate::normalize_display_name(&display_name)?;
            let role = parse_staff_role(&role)?;
            validate::check_password_length(&password)?;
            backend()?
                .create_user(
                    &actor,
                    NewStaffUser {
                        email,
                        display_name,
                        role,
                        password,
                    },
                )
                .await
        }
        .await,
    )
}

/// Gives a user another role.
#[server(prefix = "/api", endpoint = "change_role")]
pub async fn change_role(user_id: UserId, role: String) -> Result<UserSummary, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageUsers).await?;
            let role = role.parse::<Role>().map_err(unknown_role)?;
            backend()?.change_role(&actor, &user_id, role).await
        }
        .await,
    )
}

/// Deactivates (ending their sessions at once) or reactivates a user.
#[server(prefix = "/api", endpoint = "set_user_active")]
pub async fn set_user_active(user_id: UserId, active: bool) -> Result<UserSummary, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageUsers).await?;
            backend()?.set_active(&actor, &user_id, active).await
        }
        .await,
    )
}

/// Emails a staff member a link to choose a new password.
#[server(prefix = "/api", endpoint = "send_password_reset")]
pub async fn send_password_reset(user_id: UserId) -> Result<ResetSent, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageUsers).await?;
            backend()?.send_password_reset(&actor, &user_id).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn parse_staff_role(raw: &str) -> Result<Role, AppError> {
    let role = raw.parse::<Role>().map_err(unknown_role)?;
    if role.is_staff() {
        Ok(role)
    } else {
        Err(AppError::invalid(
            "role",
            Problem::ApplicantsInvitedFromClient,
        ))
    }
}

/// A role name Visadesk does not know, as an error on the role field.
#[cfg(feature = "ssr")]
fn unknown_role(e: crate::domain::role::UnknownRole) -> AppError {
    AppError::invalid(
        "role",
        Problem::Unknown {
            thing: Thing::Role,
            value: e.0,
            choices: Role::ALL.iter().map(|r| r.as_str().to_string()).collect(),
        },
    )
}
