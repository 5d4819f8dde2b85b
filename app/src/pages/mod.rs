//! One module per route.

pub mod admin;
pub mod audit;
pub mod board;
pub mod case_detail;
pub mod case_form;
pub mod cases;
pub mod client_detail;
pub mod client_facts;
pub mod client_form;
pub mod clients;
pub mod dashboard;
pub mod firm_settings;
pub mod not_found;
pub mod notices;
pub mod outbox;
pub mod password_reset;
pub mod portal;
pub mod scrub;
pub mod second_factor;
pub mod sessions;
pub mod sign_in;
