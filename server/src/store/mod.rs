//! Queries, written once for both backends. Each function takes a
//! connection; callers choose the transaction.

pub mod assessments;
pub mod audit;
pub mod calendar_feeds;
pub mod cases;
pub mod checklist;
pub mod clients;
pub mod digests;
pub mod documents;
pub mod invitations;
pub mod known_browsers;
pub mod mail_preferences;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod passkeys;
pub mod password_resets;
pub mod scrub_runs;
pub mod second_factors;
pub mod sessions;
pub mod settings;
pub mod tasks;
pub mod throttle;
pub mod users;
