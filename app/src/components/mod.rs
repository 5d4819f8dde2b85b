//! Reusable widgets.

pub mod case_filters;
pub mod documents;
pub mod eligibility;
pub mod email_choices;
pub mod field;
pub mod form;
pub mod language;
pub mod layout;
pub mod messages;
pub mod passkeys;
pub mod second_factor;
pub mod upload;
