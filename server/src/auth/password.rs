//! Argon2id password hashes as PHC strings, and the password policy.

use crate::error::ServerError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::validate;
use visadesk_app::AppError;

/// Lowest memory cost accepted, in KiB (OWASP's argon2id minimum).
pub const MIN_MEMORY_KIB: u32 = 19_456;
/// Lowest iteration count accepted.
pub const MIN_ITERATIONS: u32 = 2;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Hashes and verifies passwords with the configured argon2id parameters.
#[derive(Clone)]
pub struct Passwords {
    params: Params,
    /// A hash of a random password, verified against when the email is
    /// unknown so that both cases take the same time.
    dummy_hash: String,
}

impl Passwords {
    /// Argon2id with `memory_kib` and `iterations` (raised to the minimums), one lane.
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, ServerError> {
        let params = Params::new(
            memory_kib.max(MIN_MEMORY_KIB),
            iterations.max(MIN_ITERATIONS),
            1,
            None,
        )
        .map_err(|e| ServerError::Hash(e.to_string()))?;
        let mut random = [0u8; 24];
        getrandom::fill(&mut random).map_err(|e| ServerError::Hash(e.to_string()))?;
        let mut passwords = Passwords {
            params,
            dummy_hash: String::new(),
        };
        passwords.dummy_hash = passwords.hash(&hex::encode(random))?;
        Ok(passwords)
    }

    fn hasher(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// A new PHC string for `password`, with a fresh salt.
    pub fn hash(&self, password: &str) -> Result<String, ServerError> {
        let salt = SaltString::generate(&mut OsRng);
        self.hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServerError::Hash(e.to_string()))
    }

    /// Whether `password` matches `stored` (a PHC string); `None` checks against
    /// the dummy hash and always fails, taking the same time.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let target = stored.unwrap_or(&self.dummy_hash);
        let matches = match PasswordHash::new(target) {
            Ok(parsed) => self
                .hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        };
        matches && stored.is_some()
    }

    /// Whether `stored` was made with weaker parameters than the current ones.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return true;
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return true;
        };
        parsed.algorithm.as_str() != "argon2id"
            || params.m_cost() < self.params.m_cost()
            || params.t_cost() < self.params.t_cost()
            || params.p_cost() != self.params.p_cost()
    }
}

/// Checks a new password: length (shared with the browser), not one of the
/// most common passwords, not the account's own email.
pub fn check_new_password(password: &str, email: &str) -> Result<(), AppError> {
    validate::check_password_length(password)?;
    let lowered = password.to_lowercase();
    if is_common(&lowered) {
        return Err(AppError::invalid("password", Problem::PasswordCommon));
    }
    if !email.is_empty() && (lowered == email || Some(lowered.as_str()) == email.split('@').next())
    {
        return Err(AppError::invalid("password", Problem::PasswordIsEmail));
    }
    Ok(())
}

fn is_common(lowered: &str) -> bool {
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lowered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> Passwords {
        Passwords::new(MIN_MEMORY_KIB, MIN_ITERATIONS).unwrap()
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_with_at_least_the_minimum_cost() {
        let h = fast().hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
    }

    #[test]
    fn costs_below_the_floor_are_raised() {
        let p = Passwords::new(1024, 1).unwrap();
        assert!(p
            .hash("whatever words")
            .unwrap()
            .contains("m=19456,t=2,p=1"));
    }

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let p = fast();
        let h = p.hash("correct horse battery").unwrap();
        assert!(p.verify("correct horse battery", Some(&h)));
        assert!(!p.verify("correct horse batterY", Some(&h)));
        // Unknown account: checked against the dummy, never succeeds.
        assert!(!p.verify("correct horse battery", None));
    }

    #[test]
    fn long_passwords_are_not_truncated() {
        let p = fast();
        let long = "a".repeat(200);
        let h = p.hash(&long).unwrap();
        assert!(!p.verify(&"a".repeat(199), Some(&h)));
        assert!(p.verify(&long, Some(&h)));
    }

    #[test]
    fn hashes_made_with_weaker_parameters_need_upgrading() {
        let old = fast().hash("correct horse battery").unwrap();
        let stronger = Passwords::new(MIN_MEMORY_KIB * 2, 3).unwrap();
        assert!(stronger.needs_rehash(&old));
        assert!(!fast().needs_rehash(&old));
        assert!(stronger.verify("correct horse battery", Some(&old)));
    }

    #[test]
    fn common_and_short_passwords_are_refused_with_a_reason() {
        assert!(check_new_password("password1", "ana@firm.example")
            .unwrap_err()
            .to_string()
            .contains("most commonly used"));
        assert!(check_new_password("Password123", "ana@firm.example").is_err());
        assert!(check_new_password("short", "ana@firm.example")
            .unwrap_err()
            .to_string()
            .contains("at least 8"));
        assert!(check_new_password("ana@firm.example", "ana@firm.example").is_err());
        assert!(check_new_password("violet tram ninety", "ana@firm.example").is_ok());
    }
}
