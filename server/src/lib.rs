//! The Visadesk server: configuration, storage, authentication and HTTP.

pub mod auth;
pub mod backend;
pub mod cli;
pub mod config;
pub mod db;
pub mod documents;
pub mod error;
pub mod http;
pub mod seed;
pub mod serve;
pub mod store;

pub use config::Config;
pub use error::ServerError;
