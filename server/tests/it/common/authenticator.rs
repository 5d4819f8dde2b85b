//! A software passkey authenticator for the tests: P-256 keys, "none"
//! attestation, the person always verified. It reads the options the server
//! wrote and answers as a browser's `PublicKeyCredential.toJSON()` does, so
//! the server checks real signatures over real challenges.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// One passkey the authenticator holds.
pub struct Key {
    pub id: Vec<u8>,
    pub rp_id: String,
    pub user_handle: Vec<u8>,
    signing: SigningKey,
    counter: u32,
}

/// The authenticator, on a browser at `origin`.
pub struct Authenticator {
    pub origin: String,
    pub keys: Vec<Key>,
}

fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    for chunk in out.chunks_mut(16) {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    out
}

fn text(v: &Value, path: &[&str]) -> String {
    let mut at = v;
    for p in path {
        at = &at[*p];
    }
    at.as_str()
        .unwrap_or_else(|| panic!("no {path:?} in the options: {v}"))
        .to_string()
}

fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    match bytes.len() {
        n if n < 24 => out.push(0x40 | n as u8),
        n if n < 256 => out.extend([0x58, n as u8]),
        n => out.extend([0x59, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(bytes);
}

fn cbor_text(out: &mut Vec<u8>, s: &str) {
    out.push(0x60 | s.len() as u8);
    out.extend_from_slice(s.as_bytes());
}

impl Authenticator {
    pub fn new(origin: &str) -> Authenticator {
        Authenticator {
            origin: origin.to_string(),
            keys: Vec::new(),
        }
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({ "type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    /// Answers `navigator.credentials.create` for the server's options with
    /// a new key; `Err` where a browser would refuse (it holds an excluded
    /// key already).
    pub fn create(&mut self, options: &str) -> Result<String, &'static str> {
        let v: Value = serde_json::from_str(options).expect("options are JSON");
        let pk = &v["publicKey"];
        let rp_id = text(pk, &["rp", "id"]);
        let excluded: Vec<String> = pk["excludeCredentials"]
            .as_array()
            .map(|a| a.iter().map(|c| text(c, &["id"])).collect())
            .unwrap_or_default();
        if self
            .keys
            .iter()
            .any(|k| excluded.contains(&B64.encode(&k.id)))
        {
            return Err("InvalidStateError");
        }
        let key = Key {
            id: random::<16>().to_vec(),
            rp_id,
            user_handle: B64.decode(text(pk, &["user", "id"])).expect("user id"),
            signing: SigningKey::from_slice(&random::<32>()).expect("a P-256 key"),
            counter: 0,
        };
        self.keys.push(key);
        Ok(self.attest(options, self.keys.len() - 1))
    }

    /// A registration answer for the key `index` already held, to the
    /// server's new `options` (as a browser that ignored the exclude list).
    pub fn attest(&self, options: &str, index: usize) -> String {
        let v: Value = serde_json::from_str(options).expect("options are JSON");
        let key = &self.keys[index];
        let client_data =
            self.client_data("webauthn.create", &text(&v, &["publicKey", "challenge"]));
        let point = key.signing.verifying_key().to_encoded_point(false);
        let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
        cbor_bytes(&mut cose, point.x().expect("x"));
        cose.push(0x22);
        cbor_bytes(&mut cose, point.y().expect("y"));
        let mut auth_data = Sha256::digest(key.rp_id.as_bytes()).to_vec();
        auth_data.push(0x45); // user present, user verified, attested data
        auth_data.extend(0u32.to_be_bytes());
        auth_data.extend([0u8; 16]); // AAGUID
        auth_data.extend((key.id.len() as u16).to_be_bytes());
        auth_data.extend(&key.id);
        auth_data.extend(cose);
        let mut attestation = vec![0xa3];
        cbor_text(&mut attestation, "fmt");
        cbor_text(&mut attestation, "none");
        cbor_text(&mut attestation, "attStmt");
        attestation.push(0xa0);
        cbor_text(&mut attestation, "authData");
        cbor_bytes(&mut attestation, &auth_data);
        json!({
            "id": B64.encode(&key.id),
            "rawId": B64.encode(&key.id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": B64.encode(&client_data),
                "attestationObject": B64.encode(&attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }

    /// Answers `navigator.credentials.get` with the first key the options
    /// allow (any key for the site when they list none).
    pub fn get(&mut self, options: &str) -> Option<String> {
        let v: Value = serde_json::from_str(options).expect("options are JSON");
        let pk = &v["publicKey"];
        let rp_id = text(pk, &["rpId"]);
        let allowed: Vec<String> = pk["allowCredentials"]
            .as_array()
            .map(|a| a.iter().map(|c| text(c, &["id"])).collect())
            .unwrap_or_default();
        let index = self.keys.iter().position(|k| {
            k.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&B64.encode(&k.id)))
        })?;
        Some(self.assert(options, index))
    }

    /// An assertion by key `index` for the server's options, whatever they
    /// allow.
    pub fn assert(&mut self, options: &str, index: usize) -> String {
        let v: Value = serde_json::from_str(options).expect("options are JSON");
        let client_data = self.client_data("webauthn.get", &text(&v, &["publicKey", "challenge"]));
        let key = &mut self.keys[index];
        key.counter += 1;
        let mut auth_data = Sha256::digest(key.rp_id.as_bytes()).to_vec();
        auth_data.push(0x05); // user present, user verified
        auth_data.extend(key.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature: Signature = key.signing.sign(&signed);
        json!({
            "id": B64.encode(&key.id),
            "rawId": B64.encode(&key.id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": B64.encode(&client_data),
                "authenticatorData": B64.encode(&auth_data),
                "signature": B64.encode(signature.to_der().as_bytes()),
                "userHandle": B64.encode(&key.user_handle),
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }
}

/// `credential` with its signature's last byte changed.
pub fn with_bad_signature(credential: &str) -> String {
    let mut v: Value = serde_json::from_str(credential).expect("JSON");
    let mut signature = B64
        .decode(v["response"]["signature"].as_str().expect("a signature"))
        .expect("base64url");
    if let Some(last) = signature.last_mut() {
        *last ^= 0x01;
    }
    v["response"]["signature"] = json!(B64.encode(signature));
    v.to_string()
}

/// `credential` claiming the user handle `handle` (base64url of its bytes).
pub fn with_user_handle(credential: &str, handle: &[u8]) -> String {
    let mut v: Value = serde_json::from_str(credential).expect("JSON");
    v["response"]["userHandle"] = json!(B64.encode(handle));
    v.to_string()
}
