//! Reusable widgets.

pub mod case_filters;
pub mod field;
pub mod form;
pub mod layout;
