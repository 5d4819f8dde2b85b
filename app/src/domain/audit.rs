//! The audit trail as the admin page sees it.

use serde::{Deserialize, Serialize};

/// Events on one page of the audit view.
pub const AUDIT_PAGE_SIZE: i64 = 50;

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    /// Who did it (the email typed, for failed sign-ins).
    pub actor_email: String,
    /// What kind of event, e.g. `auth.sign_in` or `user.role_change`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// What changed, before and after, in words.
    pub summary: String,
    pub ip: String,
}

/// Which events to show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the actor's email.
    pub actor: Option<String>,
    /// The start of the action, e.g. `auth.` or `user.role_change`.
    pub action: Option<String>,
    /// The exact id of the object.
    pub object: Option<String>,
    /// Only events older than this one (the next page).
    pub before_seq: Option<i64>,
}
