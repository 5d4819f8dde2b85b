//! Plain types and pure rules shared by the server and the browser.

pub mod account;
pub mod agent;
pub mod assessment;
pub mod audit;
pub mod case;
pub mod checklist;
pub mod client;
pub mod cookie;
pub mod date;
pub mod delivery;
pub mod document;
pub mod id;
pub mod language;
pub mod mail;
pub mod message;
pub mod notice;
pub mod permission;
pub mod problem;
pub mod programme;
pub mod role;
pub mod scrub;
pub mod search;
pub mod second_factor;
pub mod stage;
pub mod task;
pub mod time;
pub mod validate;
#[cfg(test)]
mod wire_spelling;

pub use account::{CurrentUser, NewStaffUser, ResetInfo, ResetSent, SessionInfo, UserSummary};
pub use id::{
    AssessmentId, CaseId, CeremonyId, ClientId, DocumentId, InvitationId, InvitationToken, ItemId,
    MessageId, NoticeId, OutboxId, PasskeyId, ResetToken, SessionId, TaskId, UserId,
};
pub use language::Language;
pub use permission::{Permission, Section};
pub use programme::Programme;
pub use role::Role;
pub use stage::Stage;
