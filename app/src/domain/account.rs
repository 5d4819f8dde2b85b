//! People who sign in, and their sessions, as the UI sees them.

use super::id::{ClientId, SessionId, UserId};
use super::{Language, Role};
use serde::{Deserialize, Serialize};

/// The signed-in person making a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The id (not the token) of the session this request came with.
    pub session_id: SessionId,
    /// For an applicant, the client record whose cases they see.
    pub client_id: Option<ClientId>,
    /// The language chosen in the account; `None` follows the browser.
    #[serde(default)]
    pub language: Option<Language>,
}

/// A user as listed on the admin page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last successful sign-in, if any.
    pub last_sign_in_at: Option<i64>,
    /// Has a second factor (an authenticator app) set up.
    #[serde(default)]
    pub second_factor: bool,
}

/// What an admin fills in to create a staff user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaffUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// One of the viewer's own sessions (a signed-in browser).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: SessionId,
    /// Unix seconds.
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub ip: String,
    /// True for the session the list was asked for with.
    pub current: bool,
}

/// Minutes a password reset link works.
pub const RESET_MINUTES: i64 = 60;

/// What a password reset link's page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetInfo {
    /// The account's email, so the person knows which account it is.
    pub email: String,
    /// Unix seconds when the link stops working.
    pub expires_at: i64,
}

/// A reset link an admin sent to a staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetSent {
    pub email: String,
    /// Unix seconds when the link stops working.
    pub expires_at: i64,
}

/// A staff member's private calendar feed, as their account page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFeed {
    /// Unix seconds when the current feed URL was made; `None`: no feed.
    pub created_at: Option<i64>,
}

/// A feed URL just made: shown once (only a hash of its token is kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCalendarFeed {
    /// The path of the feed (`/calendar/<token>.ics`).
    pub path: String,
    pub created_at: i64,
}
