//! Authentication: password hashing, session tokens, authenticator codes and
//! recovery codes (throttling is in `store::throttle`).

pub mod passkey;
pub mod password;
pub mod recovery;
pub mod token;
pub mod totp;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
