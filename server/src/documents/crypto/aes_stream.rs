//! Sealed format 2's STREAM over AES-256-GCM (aws-lc-rs).

use super::{CryptoError, DataKey};
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce};

/// Version 2's STREAM: AES-256-GCM with the nonce built from the 7-byte
/// prefix, a 32-bit big-endian chunk counter and a last-chunk flag byte:
/// the STREAM-BE32 construction (Hoang, Reyhanitabar, Rogaway, Vizár),
/// byte for byte as RustCrypto's `StreamBE32` builds it (a test holds the
/// two to the same output).
pub(super) struct AesStream {
    key: LessSafeKey,
    prefix: [u8; 7],
    counter: u32,
}

impl AesStream {
    pub(super) fn new(key: &DataKey, prefix: &[u8]) -> Result<AesStream, CryptoError> {
        Ok(AesStream {
            key: key.aes()?,
            prefix: prefix.try_into().map_err(|_| CryptoError::Truncated)?,
            counter: 0,
        })
    }

    /// The nonce of the next chunk; fails once the counter would wrap.
    fn nonce(&mut self, last: bool) -> Option<Nonce> {
        let mut nonce = [0u8; 12];
        nonce[..7].copy_from_slice(&self.prefix);
        nonce[7..11].copy_from_slice(&self.counter.to_be_bytes());
        nonce[11] = u8::from(last);
        self.counter = self.counter.checked_add(1)?;
        Some(Nonce::assume_unique_for_key(nonce))
    }

    /// Appends `msg` sealed, then its tag, to `out`.
    pub(super) fn seal_into(
        &mut self,
        out: &mut Vec<u8>,
        msg: &[u8],
        aad: &[u8],
        last: bool,
    ) -> Result<(), ()> {
        let nonce = self.nonce(last).ok_or(())?;
        let start = out.len();
        out.extend_from_slice(msg);
        let tag = self
            .key
            .seal_in_place_separate_tag(nonce, Aad::from(aad), &mut out[start..])
            .map_err(|_| ())?;
        out.extend_from_slice(tag.as_ref());
        Ok(())
    }

    pub(super) fn open(&mut self, sealed: &[u8], aad: &[u8], last: bool) -> Result<Vec<u8>, ()> {
        let nonce = self.nonce(last).ok_or(())?;
        let mut buf = sealed.to_vec();
        let plain_len = self
            .key
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .map_err(|_| ())?
            .len();
        buf.truncate(plain_len);
        Ok(buf)
    }
}
