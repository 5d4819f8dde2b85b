//! Recovery codes: ten single-use codes shown once when a second factor is
//! set up (or the codes are renewed), for when the authenticator is lost.
//! Each carries 80 random bits, so only their SHA-256 is kept.

use crate::error::ServerError;
use sha2::{Digest, Sha256};

/// Codes in a set.
pub const COUNT: usize = 10;
/// The alphabet: lower-case letters and digits without look-alikes (0 o 1 l i).
const ALPHABET: &[u8; 32] = b"23456789abcdefghjkmnpqrstuvwxyz_";
const GROUPS: usize = 4;
const GROUP_LEN: usize = 4;

/// A new set of codes, as shown to their owner (`abcd-efgh-jkmn-pqrs`).
pub fn new_set() -> Result<Vec<String>, ServerError> {
    (0..COUNT).map(|_| new_code()).collect()
}

fn new_code() -> Result<String, ServerError> {
    let mut bytes = [0u8; GROUPS * GROUP_LEN];
    getrandom::fill(&mut bytes).map_err(|e| ServerError::Hash(format!("no randomness: {e}")))?;
    // 31 usable letters: reject the 32nd and draw again, so none is likelier.
    let mut chars = Vec::with_capacity(GROUPS * GROUP_LEN);
    let mut pool = bytes.to_vec();
    while chars.len() < GROUPS * GROUP_LEN {
        let Some(b) = pool.pop() else {
            let mut more = [0u8; 8];
            getrandom::fill(&mut more)
                .map_err(|e| ServerError::Hash(format!("no randomness: {e}")))?;
            pool.extend_from_slice(&more);
            continue;
        };
        let c = ALPHABET[(b & 31) as usize];
        if c != b'_' {
            chars.push(c as char);
        }
    }
    Ok(chars
        .chunks(GROUP_LEN)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The code as typed, in its stored form's input: lower case, without
/// spaces or dashes; `None` when it cannot be a recovery code.
pub fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == GROUPS * GROUP_LEN && code.bytes().all(|b| ALPHABET[..31].contains(&b)))
        .then_some(code)
}

/// The digest stored for a code (typed or shown).
pub fn digest(code: &str) -> Option<String> {
    normalize(code).map(|c| hex::encode(Sha256::digest(c.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_ten_different_codes_in_four_groups() {
        let set = new_set().unwrap();
        assert_eq!(set.len(), COUNT);
        let unique: std::collections::BTreeSet<_> = set.iter().collect();
        assert_eq!(unique.len(), COUNT);
        for code in &set {
            assert_eq!(code.len(), 19, "{code}");
            assert_eq!(code.matches('-').count(), 3, "{code}");
            assert!(normalize(code).is_some(), "{code}");
        }
    }

    #[test]
    fn a_code_matches_however_it_is_typed() {
        let code = &new_set().unwrap()[0];
        let typed = code.to_uppercase().replace('-', " ");
        assert_eq!(digest(code), digest(&typed));
        assert!(digest(code).unwrap().len() == 64);
        assert_ne!(digest(code).unwrap(), normalize(code).unwrap());
    }

    #[test]
    fn what_cannot_be_a_code_is_not_one() {
        for bad in [
            "",
            "abcd-efgh-jkmn",
            "abcd-efgh-jkmn-pqrs-tuvw",
            "0bcd-efgh-jkmn-pqrs",
            "abcd_efgh_jkmn_pqrs",
        ] {
            assert_eq!(digest(bad), None, "{bad:?}");
        }
    }
}
