//! Reusable widgets.

pub mod form;
pub mod layout;
