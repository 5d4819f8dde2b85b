//! The Visadesk server: configuration, storage, authentication and HTTP.
// The app's views are deep types; their Send checks need the higher limit.
#![recursion_limit = "256"]

pub mod audit_anchor;
pub mod auth;
pub mod backend;
pub mod backup;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod db;
pub mod digest;
pub mod documents;
pub mod error;
pub mod http;
pub mod keyfile;
pub mod mail;
pub mod metrics;
pub mod notify;
pub mod scrub;
pub mod seed;
pub mod serve;
pub mod store;

pub use config::Config;
pub use error::ServerError;
