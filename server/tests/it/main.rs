//! The server's integration tests, as one test binary (linking the whole
//! server once, not once per file). Each module starts the real `visadesk`
//! binary on a fresh database and talks to it as the browser would.

#[macro_use]
mod common;

mod access;
mod assets;
mod audit;
mod audit_checkpoints;
mod backup;
mod calendar;
mod case_work;
mod cases;
mod cli;
mod clients;
mod digest;
mod documents;
mod eligibility;
mod instances;
mod languages;
mod mail;
mod messages;
mod notices;
mod operations;
mod passkeys;
mod password_reset;
mod portal;
mod probe;
mod requests;
mod s3_storage;
mod schema;
mod second_factor;
mod sign_in;
mod users;
