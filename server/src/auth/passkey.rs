//! Passkeys (WebAuthn) through webauthn-rs: the relying party for the
//! origin the browser is on, and the conversions between webauthn-rs's
//! values and what is stored.

use base64::Engine;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use visadesk_app::domain::problem::Problem;
use webauthn_rs::prelude::{Passkey, Url, Webauthn, WebauthnBuilder};

/// The relying party for `site` (the origin the browser is on), named after
/// the firm. Passkeys are bound to a domain name: an IP address, or an
/// origin that is not one, cannot have them.
pub fn relying_party(site: &str, firm: &str) -> Result<Webauthn, Problem> {
    let url = Url::parse(site).map_err(|_| Problem::PasskeysNeedDomain)?;
    let domain = url.domain().ok_or(Problem::PasskeysNeedDomain)?.to_string();
    let name = if firm.trim().is_empty() {
        "Visadesk"
    } else {
        firm
    };
    WebauthnBuilder::new(&domain, &url)
        .map(|b| b.rp_name(name))
        .and_then(|b| b.build())
        .map_err(|_| Problem::PasskeysNeedDomain)
}

/// The domain a passkey made on `site` belongs to.
pub fn rp_id(site: &str) -> Option<String> {
    Url::parse(site).ok()?.domain().map(str::to_string)
}

/// The WebAuthn user handle of a user: their id when it is a UUID (as every
/// id Visadesk makes is), else one derived from it.
pub fn user_handle(user_id: &str) -> Uuid {
    Uuid::parse_str(user_id).unwrap_or_else(|_| {
        let digest = Sha256::digest(user_id.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    })
}

/// A credential id as stored: base64url without padding.
pub fn credential_id_text(id: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

/// The stored form of a passkey.
pub fn store(passkey: &Passkey) -> Result<String, serde_json::Error> {
    serde_json::to_string(passkey)
}

/// A stored passkey.
pub fn load(stored: &str) -> Result<Passkey, serde_json::Error> {
    serde_json::from_str(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_a_relying_party_and_an_address_is_not() {
        assert!(relying_party("https://visadesk.example.com", "Firm").is_ok());
        assert!(relying_party("http://localhost:3000", "Firm").is_ok());
        for site in [
            "http://127.0.0.1:3000",
            "http://[::1]:3000",
            "",
            "not a url",
        ] {
            assert_eq!(
                relying_party(site, "Firm").err(),
                Some(Problem::PasskeysNeedDomain),
                "{site}"
            );
        }
        assert_eq!(
            rp_id("https://visadesk.example.com:8443").as_deref(),
            Some("visadesk.example.com")
        );
        assert_eq!(rp_id("http://10.0.0.1"), None);
    }

    #[test]
    fn a_user_handle_is_the_users_uuid() {
        let id = "0b7e1f7e-3a1c-4c59-9a38-6f0e2a8b1d44";
        assert_eq!(user_handle(id).to_string(), id);
        assert_eq!(user_handle("admin"), user_handle("admin"));
        assert_ne!(user_handle("admin"), user_handle("other"));
    }
}
