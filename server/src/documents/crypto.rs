//! Envelope encryption of stored documents.
//!
//! Each document version gets its own random 256-bit data key. Its bytes are
//! sealed with XChaCha20-Poly1305 in the STREAM construction (64 KiB chunks,
//! each authenticated, the last one marked), with the document id and
//! version as associated data, so a file can't be swapped for another's.
//! The data key is wrapped (XChaCha20-Poly1305, random nonce) by the master
//! key, whose id is stored beside it so the master key can be rotated.
//!
//! A wrong key, a changed byte, a swapped file or a cut-off file is an
//! error: nothing is ever returned that was not sealed as it is.

use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// Plaintext bytes per sealed chunk.
pub const CHUNK: usize = 64 * 1024;
/// Authentication tag added to each chunk.
const TAG: usize = 16;
/// Sealed bytes per full chunk.
const SEALED_CHUNK: usize = CHUNK + TAG;
/// Start of every sealed file: format name and version.
const MAGIC: &[u8; 6] = b"VDOC\x00\x01";
/// The STREAM nonce prefix: XChaCha's 24 bytes less the 5-byte counter.
const NONCE_PREFIX: usize = 19;
/// Length of a sealed file's header.
pub const HEADER: usize = MAGIC.len() + NONCE_PREFIX;

/// Why sealed bytes could not be opened.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the master key is not 32 bytes of base64")]
    BadMasterKey,
    #[error("this document was sealed under master key {wanted}, not the configured {have}")]
    OtherMasterKey { wanted: String, have: String },
    #[error("the document's key does not open with the master key (wrong key or changed)")]
    WrongKey,
    #[error("the stored document is not a sealed Visadesk document")]
    BadHeader,
    #[error("the stored document was changed or does not belong here")]
    Tampered,
    #[error("the stored document is cut short")]
    Truncated,
    #[error("no randomness available: {0}")]
    Randomness(String),
}

fn random<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| CryptoError::Randomness(e.to_string()))?;
    Ok(bytes)
}

/// The key that wraps every data key (`VISADESK_DOCUMENT_KEY`).
#[derive(Clone)]
pub struct MasterKey {
    key: [u8; 32],
    id: String,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id)
    }
}

impl MasterKey {
    /// The key from its base64 form (32 bytes).
    pub fn from_base64(text: &str) -> Result<MasterKey, CryptoError> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| CryptoError::BadMasterKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadMasterKey)?;
        Ok(MasterKey::from_bytes(key))
    }

    /// A new random key, and its base64 form to keep.
    pub fn generate() -> Result<(MasterKey, String), CryptoError> {
        use base64::Engine;
        let key = random::<32>()?;
        let text = base64::engine::general_purpose::STANDARD.encode(key);
        Ok((MasterKey::from_bytes(key), text))
    }

    fn from_bytes(key: [u8; 32]) -> MasterKey {
        let digest = Sha256::digest([b"visadesk master key id:".as_slice(), &key].concat());
        MasterKey {
            key,
            id: hex::encode(&digest[..8]),
        }
    }

    /// A public name for the key (not derived reversibly), stored with each
    /// wrapped data key.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn aead(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.key).into())
    }

    /// A new data key, and the same key wrapped for storage.
    pub fn new_data_key(&self) -> Result<(DataKey, Vec<u8>), CryptoError> {
        let key = random::<32>()?;
        let nonce = random::<24>()?;
        let wrapped = self
            .aead()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &key,
                    aad: self.id.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::WrongKey)?;
        Ok((DataKey(key), [nonce.as_slice(), &wrapped].concat()))
    }

    /// Unwraps a data key stored with key id `key_id`.
    pub fn unwrap_data_key(&self, key_id: &str, wrapped: &[u8]) -> Result<DataKey, CryptoError> {
        if key_id != self.id {
            return Err(CryptoError::OtherMasterKey {
                wanted: key_id.to_string(),
                have: self.id.clone(),
            });
        }
        if wrapped.len() != 24 + 32 + TAG {
            return Err(CryptoError::WrongKey);
        }
        let (nonce, sealed) = wrapped.split_at(24);
        let key = self
            .aead()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: self.id.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::WrongKey)?;
        let key: [u8; 32] = key.try_into().map_err(|_| CryptoError::WrongKey)?;
        Ok(DataKey(key))
    }
}

/// One document version's own key.
pub struct DataKey([u8; 32]);

impl DataKey {
    fn aead(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

/// The associated data binding sealed bytes to one document version.
pub fn associated_data(document_id: &str, version: i64) -> Vec<u8> {
    format!("visadesk document {document_id} v{version}").into_bytes()
}

/// Seals a stream of bytes: feed it with [`Sealer::update`], end with
/// [`Sealer::finish`]; write everything they return, in order.
pub struct Sealer {
    stream: EncryptorBE32<XChaCha20Poly1305>,
    aad: Vec<u8>,
    pending: Vec<u8>,
}

impl Sealer {
    /// A sealer, and the header that starts the sealed file.
    pub fn new(key: &DataKey, aad: Vec<u8>) -> Result<(Sealer, Vec<u8>), CryptoError> {
        let prefix = random::<NONCE_PREFIX>()?;
        let stream = EncryptorBE32::from_aead(key.aead(), prefix.as_slice().into());
        let header = [MAGIC.as_slice(), &prefix].concat();
        Ok((
            Sealer {
                stream,
                aad,
                pending: Vec::with_capacity(CHUNK),
            },
            header,
        ))
    }

    /// Seals what completes full chunks; keeps the rest for later.
    pub fn update(&mut self, mut data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::new();
        while !data.is_empty() {
            // A full chunk is held back until more data shows it isn't the last.
            if self.pending.len() == CHUNK {
                let sealed = self
                    .stream
                    .encrypt_next(Payload {
                        msg: &self.pending,
                        aad: &self.aad,
                    })
                    .map_err(|_| CryptoError::Tampered)?;
                out.extend_from_slice(&sealed);
                self.pending.clear();
            }
            let take = (CHUNK - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        Ok(out)
    }

    /// Seals the last chunk (possibly empty).
    pub fn finish(self) -> Result<Vec<u8>, CryptoError> {
        self.stream
            .encrypt_last(Payload {
                msg: &self.pending,
                aad: &self.aad,
            })
            .map_err(|_| CryptoError::Tampered)
    }
}

/// Opens a sealed stream: feed it the sealed bytes with [`Opener::update`]
/// and end with [`Opener::finish`]. Bytes come out only once authenticated.
pub struct Opener {
    key: Option<DataKey>,
    stream: Option<DecryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    pending: Vec<u8>,
}

impl Opener {
    /// An opener for bytes sealed with `key` and `aad`.
    pub fn new(key: DataKey, aad: Vec<u8>) -> Opener {
        Opener {
            key: Some(key),
            stream: None,
            aad,
            pending: Vec::with_capacity(SEALED_CHUNK + HEADER),
        }
    }

    /// Opens every chunk that is known not to be the last.
    pub fn update(&mut self, mut data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::new();
        while !data.is_empty() {
            if self.stream.is_none() {
                let take = (HEADER - self.pending.len()).min(data.len());
                self.pending.extend_from_slice(&data[..take]);
                data = &data[take..];
                if self.pending.len() == HEADER {
                    self.start()?;
                }
                continue;
            }
            // Hold one full sealed chunk back: it may be the last.
            if self.pending.len() == SEALED_CHUNK {
                out.extend_from_slice(&self.open_next()?);
            }
            let take = (SEALED_CHUNK - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        Ok(out)
    }

    fn start(&mut self) -> Result<(), CryptoError> {
        if &self.pending[..MAGIC.len()] != MAGIC {
            return Err(CryptoError::BadHeader);
        }
        let key = self.key.take().ok_or(CryptoError::BadHeader)?;
        let prefix = &self.pending[MAGIC.len()..HEADER];
        self.stream = Some(DecryptorBE32::from_aead(key.aead(), prefix.into()));
        self.pending.clear();
        Ok(())
    }

    fn open_next(&mut self) -> Result<Vec<u8>, CryptoError> {
        let stream = self.stream.as_mut().ok_or(CryptoError::Truncated)?;
        let plain = stream
            .decrypt_next(Payload {
                msg: &self.pending,
                aad: &self.aad,
            })
            .map_err(|_| CryptoError::Tampered)?;
        self.pending.clear();
        Ok(plain)
    }

    /// Opens the last chunk; fails if the stream was cut short.
    pub fn finish(mut self) -> Result<Vec<u8>, CryptoError> {
        let stream = self.stream.take().ok_or(CryptoError::Truncated)?;
        if self.pending.len() < TAG {
            return Err(CryptoError::Truncated);
        }
        stream
            .decrypt_last(Payload {
                msg: &self.pending,
                aad: &self.aad,
            })
            // A full-length last chunk that fails is most likely a chunk
            // sealed as "not last": the file lost its end.
            .map_err(|_| {
                if self.pending.len() == SEALED_CHUNK {
                    CryptoError::Truncated
                } else {
                    CryptoError::Tampered
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(master: &MasterKey, data: &[u8], aad: &[u8], piece: usize) -> (Vec<u8>, Vec<u8>) {
        let (key, wrapped) = master.new_data_key().unwrap();
        let (mut sealer, mut out) = Sealer::new(&key, aad.to_vec()).unwrap();
        for part in data.chunks(piece.max(1)) {
            out.extend(sealer.update(part).unwrap());
        }
        out.extend(sealer.finish().unwrap());
        (out, wrapped)
    }

    fn open(
        master: &MasterKey,
        wrapped: &[u8],
        sealed: &[u8],
        aad: &[u8],
        piece: usize,
    ) -> Result<Vec<u8>, CryptoError> {
        let key = master.unwrap_data_key(master.id(), wrapped)?;
        let mut opener = Opener::new(key, aad.to_vec());
        let mut out = Vec::new();
        for part in sealed.chunks(piece.max(1)) {
            out.extend(opener.update(part)?);
        }
        out.extend(opener.finish()?);
        Ok(out)
    }

    fn bytes(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn every_size_round_trips_whatever_the_write_pieces() {
        let (master, _) = MasterKey::generate().unwrap();
        let aad = associated_data("doc-1", 1);
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7] {
            let data = bytes(n);
            for piece in [1000, 4096, CHUNK, 100_000] {
                let (sealed, wrapped) = seal(&master, &data, &aad, piece);
                assert_eq!(
                    sealed.len(),
                    HEADER + n + (n / CHUNK + 1) * TAG
                        - if n > 0 && n % CHUNK == 0 { TAG } else { 0 }
                );
                for read in [777, SEALED_CHUNK, 1 << 20] {
                    assert_eq!(
                        open(&master, &wrapped, &sealed, &aad, read).unwrap(),
                        data,
                        "{n} bytes"
                    );
                }
            }
        }
    }

    #[test]
    fn a_changed_byte_anywhere_is_detected() {
        let (master, _) = MasterKey::generate().unwrap();
        let aad = associated_data("doc-1", 1);
        let (sealed, wrapped) = seal(&master, &bytes(2 * CHUNK + 10), &aad, 5000);
        for at in [0, HEADER - 1, HEADER, HEADER + CHUNK, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[at] ^= 0x01;
            let err = open(&master, &wrapped, &bad, &aad, 4096).unwrap_err();
            assert!(
                matches!(err, CryptoError::Tampered | CryptoError::BadHeader),
                "byte {at}: {err:?}"
            );
        }
    }

    #[test]
    fn a_file_cut_short_or_swapped_is_refused() {
        let (master, _) = MasterKey::generate().unwrap();
        let aad = associated_data("doc-1", 1);
        let (sealed, wrapped) = seal(&master, &bytes(2 * CHUNK + 10), &aad, CHUNK);
        // Without its last chunk, and without its last two.
        let cut = &sealed[..HEADER + 2 * SEALED_CHUNK];
        assert_eq!(
            open(&master, &wrapped, cut, &aad, 4096),
            Err(CryptoError::Truncated)
        );
        let cut = &sealed[..HEADER + SEALED_CHUNK];
        assert_eq!(
            open(&master, &wrapped, cut, &aad, 4096),
            Err(CryptoError::Truncated)
        );
        assert_eq!(
            open(&master, &wrapped, &sealed[..3], &aad, 4096),
            Err(CryptoError::Truncated)
        );
        // Another document's (or version's) bytes under this one's row.
        let other = associated_data("doc-1", 2);
        assert_eq!(
            open(&master, &wrapped, &sealed, &other, 4096),
            Err(CryptoError::Tampered)
        );
    }

    #[test]
    fn only_the_right_master_key_opens_a_document() {
        let (master, text) = MasterKey::generate().unwrap();
        let again = MasterKey::from_base64(&text).unwrap();
        assert_eq!(again.id(), master.id());
        let (_, wrapped) = master.new_data_key().unwrap();
        assert!(again.unwrap_data_key(master.id(), &wrapped).is_ok());

        let (other, _) = MasterKey::generate().unwrap();
        assert!(matches!(
            other.unwrap_data_key(master.id(), &wrapped),
            Err(CryptoError::OtherMasterKey { .. })
        ));
        // Same id claimed, different key: the wrap does not open.
        let mut forged = wrapped.clone();
        forged[30] ^= 0xff;
        assert!(matches!(
            master.unwrap_data_key(master.id(), &forged),
            Err(CryptoError::WrongKey)
        ));
        assert_eq!(
            MasterKey::from_base64("c2hvcnQ=").unwrap_err(),
            CryptoError::BadMasterKey
        );
        assert!(
            !format!("{master:?}").contains(&text),
            "Debug never shows the key"
        );
    }
}
