//! The `users` table.

use crate::db::schema::users;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use visadesk_app::domain::{Language, Role, UserSummary};

/// A row of `users`.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub last_sign_in_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// An applicant's client record.
    pub client_id: Option<String>,
    /// The chosen language's code; `None` follows the browser.
    pub language: Option<String>,
}

impl UserRow {
    /// The role, refusing a value the database should never hold.
    pub fn role(&self) -> Result<Role, ServerError> {
        self.role
            .parse()
            .map_err(|_| ServerError::CorruptData(format!("user {} has an unknown role", self.id)))
    }

    /// The signed-in person this user is, in session `session_id`.
    pub fn viewer(
        &self,
        session_id: String,
    ) -> Result<visadesk_app::domain::CurrentUser, ServerError> {
        Ok(visadesk_app::domain::CurrentUser {
            user_id: self.id.clone().into(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role()?,
            session_id: session_id.into(),
            client_id: self.client_id.clone().map(Into::into),
            language: self.language(),
        })
    }

    /// The chosen language; a code Visadesk no longer speaks counts as
    /// none, so the browser's preference decides.
    pub fn language(&self) -> Option<Language> {
        self.language.as_deref().and_then(Language::from_code)
    }

    /// As listed on the admin page.
    pub fn summary(&self) -> Result<UserSummary, ServerError> {
        Ok(UserSummary {
            id: self.id.clone().into(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role()?,
            active: self.active,
            created_at: self.created_at,
            last_sign_in_at: self.last_sign_in_at,
            second_factor: false,
        })
    }
}

/// A user to insert.
#[derive(Insertable, Debug)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub client_id: Option<&'a str>,
    /// `None` follows the browser until the person picks a language.
    pub language: Option<&'a str>,
}

/// The active applicant accounts of a client (who hear about its cases).
pub fn applicants_of(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Vec<UserRow>, ServerError> {
    Ok(users::table
        .filter(users::client_id.eq(client_id))
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .load(conn)?)
}

/// The user with this (normalised) email.
pub fn by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, ServerError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// The user with this id.
pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>, ServerError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every user: staff first by role, then by name.
pub fn all(conn: &mut DbConnection) -> Result<Vec<UserRow>, ServerError> {
    Ok(users::table
        .select(UserRow::as_select())
        .order((users::display_name.asc(), users::email.asc()))
        .load(conn)?)
}

/// How many users exist.
pub fn count(conn: &mut DbConnection) -> Result<i64, ServerError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Inserts a user.
pub fn insert(conn: &mut DbConnection, row: &NewUserRow<'_>) -> Result<(), ServerError> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Sets a user's role.
pub fn set_role(
    conn: &mut DbConnection,
    id: &str,
    role: Role,
    now: i64,
) -> Result<(), ServerError> {
    diesel::update(users::table.find(id))
        .set((users::role.eq(role.as_str()), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Activates or deactivates a user.
pub fn set_active(
    conn: &mut DbConnection,
    id: &str,
    active: bool,
    now: i64,
) -> Result<(), ServerError> {
    diesel::update(users::table.find(id))
        .set((users::active.eq(active), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Replaces a password hash (after a parameter upgrade or a reset).
pub fn set_password_hash(
    conn: &mut DbConnection,
    id: &str,
    hash: &str,
    now: i64,
) -> Result<(), ServerError> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Records a successful sign-in.
pub fn touch_sign_in(conn: &mut DbConnection, id: &str, now: i64) -> Result<(), ServerError> {
    diesel::update(users::table.find(id))
        .set(users::last_sign_in_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// Sets the language of a user's account.
pub fn set_language(
    conn: &mut DbConnection,
    id: &str,
    language: Language,
    now: i64,
) -> Result<(), ServerError> {
    diesel::update(users::table.find(id))
        .set((
            users::language.eq(Some(language.code())),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
