//! Session tokens: 256 random bits, given to the browser once; only their
//! SHA-256 is stored.

use crate::error::ServerError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// A new random token, URL-safe base64 (43 characters).
pub fn generate() -> Result<String, ServerError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServerError::Hash(format!("no randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The digest stored for `token`.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` has the shape of one of ours (checked before any lookup).
pub fn looks_valid(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether two secrets are equal, in time that does not depend on where
/// they first differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, b);
        assert!(looks_valid(&a));
    }

    #[test]
    fn only_the_digest_is_kept_and_it_is_not_the_token() {
        let t = generate().unwrap();
        assert_eq!(digest(&t).len(), 64);
        assert!(!digest(&t).contains(&t));
        assert!(!looks_valid("not a token"));
    }
}
