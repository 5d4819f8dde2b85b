//! The master keys: `VISADESK_DOCUMENT_KEY` seals new documents; keys named
//! in `VISADESK_DOCUMENT_OLD_KEYS` still open documents sealed before a
//! rotation. A development install without a key gets one generated into
//! the data folder, with a warning.

use super::crypto::{CryptoError, DataKey, MasterKey};
use std::path::Path;

/// The file a generated development key is kept in, inside the data folder.
pub const GENERATED_KEY_FILE: &str = "document-master.key";

/// The configured master keys.
#[derive(Clone, Debug)]
pub struct Keyring {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl Keyring {
    /// The keyring from the configured key (base64) and older keys, or, with
    /// no key configured, the one generated in `data_dir` (made on first use).
    pub fn load(
        configured: Option<&str>,
        old: &[String],
        data_dir: &Path,
    ) -> Result<Keyring, String> {
        let previous = old
            .iter()
            .filter(|k| !k.trim().is_empty())
            .map(|k| {
                MasterKey::from_base64(k).map_err(|_| {
                    "VISADESK_DOCUMENT_OLD_KEYS: each key must be 32 bytes of base64".to_string()
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let current = match configured.map(str::trim).filter(|k| !k.is_empty()) {
            Some(text) => MasterKey::from_base64(text).map_err(|_| {
                "VISADESK_DOCUMENT_KEY must be 32 bytes of base64 (make one with `openssl rand -base64 32`)"
                    .to_string()
            })?,
            None => generated(data_dir)?,
        };
        Ok(Keyring { current, previous })
    }

    /// A keyring of one key (tests, tools).
    pub fn single(key: MasterKey) -> Keyring {
        Keyring {
            current: key,
            previous: Vec::new(),
        }
    }

    /// The key new documents are sealed under.
    pub fn current(&self) -> &MasterKey {
        &self.current
    }

    /// Opens a sealed secret with whichever configured key has `key_id`.
    pub fn open_secret(
        &self,
        key_id: &str,
        sealed: &[u8],
        context: &str,
    ) -> Result<Vec<u8>, CryptoError> {
        match self.previous.iter().find(|k| k.id() == key_id) {
            Some(old) => old.open_secret(key_id, sealed, context),
            None => self.current.open_secret(key_id, sealed, context),
        }
    }

    /// Unwraps a data key with whichever configured key has `key_id`.
    pub fn unwrap_data_key(&self, key_id: &str, wrapped: &[u8]) -> Result<DataKey, CryptoError> {
        match self.previous.iter().find(|k| k.id() == key_id) {
            Some(old) => old.unwrap_data_key(key_id, wrapped),
            None => self.current.unwrap_data_key(key_id, wrapped),
        }
    }
}

fn generated(data_dir: &Path) -> Result<MasterKey, String> {
    let path = data_dir.join(GENERATED_KEY_FILE);
    let (text, made) = crate::keyfile::read_or_make(&path, || {
        MasterKey::generate()
            .map(|(_, text)| text)
            .map_err(|e| e.to_string())
    })?;
    if made {
        tracing::warn!(file = %path.display(), "VISADESK_DOCUMENT_KEY is not set: generated a document key for this development install; back it up, and set VISADESK_DOCUMENT_KEY in production");
    } else {
        tracing::warn!(file = %path.display(), "VISADESK_DOCUMENT_KEY is not set: documents are sealed with the key generated in the data folder; set VISADESK_DOCUMENT_KEY (and keep it apart from the data) in production");
    }
    MasterKey::from_base64(&text)
        .map_err(|_| format!("{} does not hold a valid key", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_key_one_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = Keyring::load(None, &[], dir.path()).unwrap();
        let again = Keyring::load(Some("  "), &[], dir.path()).unwrap();
        assert_eq!(first.current().id(), again.current().id());
        assert!(dir.path().join(GENERATED_KEY_FILE).exists());
    }

    #[test]
    fn old_keys_still_open_what_they_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let (old, old_text) = MasterKey::generate().unwrap();
        let (_, new_text) = MasterKey::generate().unwrap();
        let (_, wrapped) = old.new_data_key().unwrap();
        let rotated = Keyring::load(Some(&new_text), &[old_text], dir.path()).unwrap();
        assert!(rotated.unwrap_data_key(old.id(), &wrapped).is_ok());
        let forgot = Keyring::load(Some(&new_text), &[], dir.path()).unwrap();
        assert!(matches!(
            forgot.unwrap_data_key(old.id(), &wrapped),
            Err(CryptoError::OtherMasterKey { .. })
        ));
        assert!(Keyring::load(Some("short"), &[], dir.path()).is_err());
    }
}
