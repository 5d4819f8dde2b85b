//! The firm's users: creating them (with a checked password), roles and
//! deactivation.

use super::{access, By, VisadeskBackend};
use crate::auth::now;
use crate::auth::password::check_new_password;
use crate::error::ServerError;
use crate::store::audit::{self, Entry};
use crate::store::sessions::{self};
use crate::store::users;
use visadesk_app::api::port::Actor;
use visadesk_app::api::port::UserPort;
use visadesk_app::domain::problem::{Choice, Problem};
use visadesk_app::domain::validate;
use visadesk_app::domain::Permission;
use visadesk_app::domain::{CurrentUser, NewStaffUser, ResetSent, Role, UserId, UserSummary};
use visadesk_app::AppError;
impl VisadeskBackend {
    /// Creates a user with a checked password (the admin page, `create-admin`
    /// and the initial admin), recording who created it.
    pub async fn add_user(&self, user: NewStaffUser, by: By) -> Result<UserSummary, ServerError> {
        let email = validate::normalize_email(&user.email).map_err(AppError::from)?;
        let display_name =
            validate::normalize_display_name(&user.display_name).map_err(AppError::from)?;
        check_new_password(&user.password, &email)?;
        let password = user.password;
        let hash = self.with_hasher(move |p| p.hash(&password)).await?;
        let role = user.role;
        self.db
            .write(move |conn| {
                if users::by_email(conn, &email)?.is_some() {
                    return Err(AppError::Conflict(Problem::EmailTaken(email.clone())).into());
                }
                let id = uuid::Uuid::new_v4().to_string();
                let now = now();
                users::insert(
                    conn,
                    &users::NewUserRow {
                        id: &id,
                        email: &email,
                        display_name: &display_name,
                        role: role.as_str(),
                        password_hash: &hash,
                        active: true,
                        created_at: now,
                        updated_at: now,
                        client_id: None,
                        language: None,
                    },
                )?;
                audit::append(
                    conn,
                    by.entry(
                        "user.create",
                        "user",
                        &id,
                        format!("created {email} ({display_name}) as {}", role.label()),
                    ),
                    now,
                )?;
                users::by_id(conn, &id)?
                    .ok_or_else(|| {
                        ServerError::Invariant(format!(
                            "user {id} is gone right after it was written"
                        ))
                    })?
                    .summary()
            })
            .await
    }

    async fn update_user(
        &self,
        actor: &Actor,
        user_id: &str,
        change: impl FnOnce(&mut crate::db::DbConnection, &users::UserRow, i64) -> Result<Entry, ServerError>
            + Send
            + 'static,
    ) -> Result<UserSummary, ServerError> {
        let (actor_id, user_id) = (actor.user.user_id.to_string(), user_id.to_string());
        self.db
            .write(move |conn| {
                let user =
                    users::by_id(conn, &user_id)?.ok_or(AppError::NotFound("user".into()))?;
                if user.id == actor_id {
                    return Err(AppError::Conflict(Problem::OwnAccount).into());
                }
                let now = now();
                let entry = change(conn, &user, now)?;
                audit::append(conn, entry, now)?;
                users::by_id(conn, &user_id)?
                    .ok_or(AppError::NotFound("user".into()))?
                    .summary()
            })
            .await
    }
}

#[async_trait::async_trait]
impl UserPort for VisadeskBackend {
    async fn list_users(&self, caller: &CurrentUser) -> Result<Vec<UserSummary>, AppError> {
        access::require(caller, Permission::ManageUsers)?;
        let (rows, with_factor) = self
            .db
            .run(|conn| {
                let mut with_factor = crate::store::second_factors::users_with_totp(conn)?;
                with_factor.extend(crate::store::passkeys::users_with_passkeys(conn)?);
                Ok((users::all(conn)?, with_factor))
            })
            .await?;
        Ok(rows
            .iter()
            .map(|u| {
                let mut summary = u.summary()?;
                summary.second_factor = with_factor.contains(&u.id);
                Ok(summary)
            })
            .collect::<Result<Vec<_>, ServerError>>()?)
    }

    async fn create_user(
        &self,
        actor: &Actor,
        user: NewStaffUser,
    ) -> Result<UserSummary, AppError> {
        if !user.role.is_staff() {
            return Err(AppError::invalid(
                "role",
                Problem::Choose(Choice::StaffRole),
            ));
        }
        Ok(self.add_user(user, By::actor(actor)).await?)
    }

    async fn change_role(
        &self,
        actor: &Actor,
        user_id: &UserId,
        role: Role,
    ) -> Result<UserSummary, AppError> {
        let by = By::actor(actor);
        Ok(self
            .update_user(actor, user_id.as_str(), move |conn, user, now| {
                let before = user.role()?;
                if before.is_staff() != role.is_staff() {
                    return Err(AppError::invalid("role", Problem::RoleKindFixed).into());
                }
                users::set_role(conn, &user.id, role, now)?;
                let summary = format!("{}: role {} → {}", user.email, before.label(), role.label());
                Ok(by.entry("user.role_change", "user", &user.id, summary))
            })
            .await?)
    }

    async fn set_active(
        &self,
        actor: &Actor,
        user_id: &UserId,
        active: bool,
    ) -> Result<UserSummary, AppError> {
        let by = By::actor(actor);
        Ok(self
            .update_user(actor, user_id.as_str(), move |conn, user, now| {
                users::set_active(conn, &user.id, active, now)?;
                let entry = if active {
                    by.entry(
                        "user.reactivate",
                        "user",
                        &user.id,
                        format!("{}: reactivated", user.email),
                    )
                } else {
                    let ended = sessions::delete_all_for_user(conn, &user.id, None)?;
                    let summary = format!("{}: deactivated; {ended} session(s) ended", user.email);
                    by.entry("user.deactivate", "user", &user.id, summary)
                };
                Ok(entry)
            })
            .await?)
    }

    async fn send_password_reset(
        &self,
        actor: &Actor,
        user_id: &UserId,
    ) -> Result<ResetSent, AppError> {
        Ok(self.send_reset(actor, user_id).await?)
    }
}
