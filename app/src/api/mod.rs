//! The API contract: `#[server]` functions. Each one finds out who is asking,
//! checks the permission matrix, calls the backend port and maps errors.
//! Every one is a POST endpoint under `/api/`.

pub mod account;
pub mod audit;
pub mod cases;
pub mod clients;
pub mod documents;
pub mod eligibility;
pub mod mail;
pub mod messages;
pub mod notices;
pub mod passkeys;
pub mod second_factor;
pub mod users;

#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod input;
#[cfg(feature = "ssr")]
pub mod port;
