//! The checkpoint key: `VISADESK_AUDIT_KEY` signs new checkpoints; keys in
//! `VISADESK_AUDIT_OLD_KEYS` still check checkpoints signed before a
//! rotation. Without a configured key, one is generated into the data
//! folder (development only: whoever can write the data folder could then
//! sign checkpoints too).

use aws_lc_rs::hmac;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The file a generated development key is kept in, inside the data folder.
pub const GENERATED_KEY_FILE: &str = "audit-checkpoint.key";

/// One HMAC-SHA256 key and its public id.
#[derive(Clone)]
pub struct AnchorKey {
    key: hmac::Key,
    id: String,
}

impl std::fmt::Debug for AnchorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnchorKey").field("id", &self.id).finish()
    }
}

impl AnchorKey {
    /// The key from its base64 form (32 bytes).
    pub fn from_base64(text: &str) -> Option<AnchorKey> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()?;
        let bytes: [u8; 32] = bytes.try_into().ok()?;
        Some(AnchorKey::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8; 32]) -> AnchorKey {
        let digest = Sha256::digest([b"visadesk audit key id:".as_slice(), bytes].concat());
        AnchorKey {
            key: hmac::Key::new(hmac::HMAC_SHA256, bytes),
            id: hex::encode(&digest[..8]),
        }
    }

    /// A name for the key that reveals nothing of it, written in each
    /// checkpoint so the right key checks it after a rotation.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The HMAC of `message`, in hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(hmac::sign(&self.key, message).as_ref())
    }

    /// True when `mac_hex` is this key's HMAC of `message` (compared in
    /// constant time).
    pub fn verify(&self, message: &[u8], mac_hex: &str) -> bool {
        match hex::decode(mac_hex) {
            Ok(mac) => hmac::verify(&self.key, message, &mac).is_ok(),
            Err(_) => false,
        }
    }
}

/// The configured checkpoint keys.
#[derive(Clone, Debug)]
pub struct AnchorKeys {
    current: AnchorKey,
    previous: Vec<AnchorKey>,
}

impl AnchorKeys {
    /// The keys from the configured key (base64) and older keys, or, with
    /// no key configured, the one generated in `data_dir` (made on first use).
    pub fn load(
        configured: Option<&str>,
        old: &[String],
        data_dir: &Path,
    ) -> Result<AnchorKeys, String> {
        let previous = old
            .iter()
            .filter(|k| !k.trim().is_empty())
            .map(|k| {
                AnchorKey::from_base64(k).ok_or_else(|| {
                    "VISADESK_AUDIT_OLD_KEYS: each key must be 32 bytes of base64".to_string()
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let current = match configured.map(str::trim).filter(|k| !k.is_empty()) {
            Some(text) => AnchorKey::from_base64(text).ok_or_else(|| {
                "VISADESK_AUDIT_KEY must be 32 bytes of base64 (make one with `openssl rand -base64 32`)"
                    .to_string()
            })?,
            None => generated(data_dir)?,
        };
        Ok(AnchorKeys { current, previous })
    }

    /// Keys made from these (tests, tools).
    pub fn of(current: AnchorKey, previous: Vec<AnchorKey>) -> AnchorKeys {
        AnchorKeys { current, previous }
    }

    /// The key new checkpoints are signed with.
    pub fn current(&self) -> &AnchorKey {
        &self.current
    }

    /// The configured key with this id, if any.
    pub fn by_id(&self, id: &str) -> Option<&AnchorKey> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id() == id)
    }
}

/// A new random key and its base64 form.
pub fn generate() -> Result<(AnchorKey, String), String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a key: {e}"))?;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok((AnchorKey::from_bytes(&bytes), text))
}

fn generated(data_dir: &Path) -> Result<AnchorKey, String> {
    let path = data_dir.join(GENERATED_KEY_FILE);
    let (text, made) = crate::keyfile::read_or_make(&path, || generate().map(|(_, text)| text))?;
    if made {
        tracing::warn!(file = %path.display(), "VISADESK_AUDIT_KEY is not set: generated an audit checkpoint key for this development install; set VISADESK_AUDIT_KEY (kept apart from the data) in production");
    }
    AnchorKey::from_base64(&text)
        .ok_or_else(|| format!("{} does not hold a valid key", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_only_with_its_own_key_and_message() {
        let (a, _) = generate().unwrap();
        let (b, _) = generate().unwrap();
        let mac = a.sign(b"row 5");
        assert!(a.verify(b"row 5", &mac));
        assert!(!a.verify(b"row 6", &mac));
        assert!(!b.verify(b"row 5", &mac));
        assert!(!a.verify(b"row 5", "not hex"));
        assert!(!a.verify(b"row 5", &mac[..10]));
    }

    #[test]
    fn without_a_key_one_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = AnchorKeys::load(None, &[], dir.path()).unwrap();
        let again = AnchorKeys::load(Some(" "), &[], dir.path()).unwrap();
        assert_eq!(first.current().id(), again.current().id());
    }

    #[test]
    fn old_keys_are_found_by_id_and_bad_keys_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let (old, old_text) = generate().unwrap();
        let (_, new_text) = generate().unwrap();
        let keys = AnchorKeys::load(Some(&new_text), &[old_text], dir.path()).unwrap();
        assert!(keys.by_id(old.id()).is_some());
        assert!(keys.by_id("0000").is_none());
        let err = AnchorKeys::load(Some("c2hvcnQ="), &[], dir.path()).unwrap_err();
        assert!(err.contains("VISADESK_AUDIT_KEY"), "{err}");
    }
}
