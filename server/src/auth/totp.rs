//! Authenticator-app codes (TOTP, RFC 6238: HMAC-SHA-1, 6 digits, 30-second
//! steps, as every authenticator app reads them), computed by `totp-rs`.
//! A code is accepted for its own step and one step either side (clock
//! drift), and each step at most once per person (no replay).

use super::token::constant_time_eq;
use crate::error::ServerError;
use totp_rs::{Algorithm, TOTP};

/// Digits in a code.
pub const DIGITS: usize = 6;
/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

/// A new random secret.
pub fn new_secret() -> Result<Vec<u8>, ServerError> {
    let mut secret = vec![0u8; SECRET_BYTES];
    getrandom::fill(&mut secret).map_err(|e| ServerError::Hash(format!("no randomness: {e}")))?;
    Ok(secret)
}

/// The secret as people type it into an app: base32 in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let encoded = totp(secret, "", "").get_secret_base32();
    encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` address an app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    totp(secret, issuer, account).get_url()
}

/// The `otpauth://` address as a QR code: an SVG image in a `data:` URI,
/// drawn on the server (the page's CSP allows `data:` images).
pub fn qr_data_uri(uri: &str) -> Result<String, ServerError> {
    use base64::Engine;
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ServerError::Invariant(format!("the QR code cannot hold the address: {e}")))?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(image)
    ))
}

/// What a typed code turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right, for time step `step` (store it: that step is now used).
    Accepted { step: i64 },
    /// Right, but its step was used already.
    Replayed,
    /// Not the code of any step in the window.
    Wrong,
    /// Not six digits.
    Malformed,
}

/// Checks `typed` (spaces and dashes ignored) at `now` against the steps
/// around it, accepting only a step newer than `last_step`.
pub fn check(secret: &[u8], typed: &str, now: i64, last_step: i64) -> CodeCheck {
    let Some(code) = normalize(typed) else {
        return CodeCheck::Malformed;
    };
    let totp = totp(secret, "", "");
    let current = now.div_euclid(STEP_SECS);
    let mut replayed = false;
    // Newest first, so a code valid for two steps uses the newer one.
    for step in [current + 1, current, current - 1] {
        if step < 0 {
            continue;
        }
        let expected = totp.generate((step * STEP_SECS) as u64);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            if step > last_step {
                return CodeCheck::Accepted { step };
            }
            replayed = true;
        }
    }
    if replayed {
        CodeCheck::Replayed
    } else {
        CodeCheck::Wrong
    }
}

/// The code for `time` (tests and tools).
pub fn code_at(secret: &[u8], time: i64) -> String {
    totp(secret, "", "").generate(time.max(0) as u64)
}

fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> TOTP {
    // The URL form forbids ':' in both names; the secret length is ours.
    let clean = |s: &str| {
        s.replace(':', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let issuer = clean(issuer);
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECS as u64,
        secret.to_vec(),
        (!issuer.is_empty()).then_some(issuer),
        clean(account),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test key and vectors (the last 6 of its 8 digits).
    const RFC_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(RFC_KEY, time), code, "at {time}");
        }
    }

    #[test]
    fn one_step_of_drift_either_side_is_accepted_and_no_more() {
        let now = 1_800_000_015; // inside step 60_000_000
        let step = now / STEP_SECS;
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at(RFC_KEY, (step + offset) * STEP_SECS);
            let result = check(RFC_KEY, &code, now, 0);
            if accepted {
                assert_eq!(
                    result,
                    CodeCheck::Accepted {
                        step: step + offset
                    },
                    "offset {offset}"
                );
            } else {
                assert_eq!(result, CodeCheck::Wrong, "offset {offset}");
            }
        }
    }

    #[test]
    fn a_used_step_is_refused_and_older_ones_too() {
        let now = 1_800_000_015;
        let step = now / STEP_SECS;
        let code = code_at(RFC_KEY, now);
        assert_eq!(
            check(RFC_KEY, &code, now, step - 1),
            CodeCheck::Accepted { step }
        );
        assert_eq!(check(RFC_KEY, &code, now, step), CodeCheck::Replayed);
        // The previous step's code, after this step was used: too old.
        let older = code_at(RFC_KEY, now - STEP_SECS);
        assert_eq!(check(RFC_KEY, &older, now, step), CodeCheck::Replayed);
    }

    #[test]
    fn typed_codes_may_have_spaces_but_must_be_six_digits() {
        let now = 1_800_000_015;
        let code = code_at(RFC_KEY, now);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(matches!(
            check(RFC_KEY, &spaced, now, 0),
            CodeCheck::Accepted { .. }
        ));
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(check(RFC_KEY, bad, now, 0), CodeCheck::Malformed, "{bad:?}");
        }
    }

    #[test]
    fn the_qr_code_is_an_svg_image() {
        use base64::Engine;
        let uri = otpauth_uri(RFC_KEY, "Firm", "ana@firm.example");
        let data = qr_data_uri(&uri).unwrap();
        let b64 = data.strip_prefix("data:image/svg+xml;base64,").unwrap();
        let svg = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(
            svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.contains("<path"), "{svg}");
    }

    #[test]
    fn the_secret_and_address_are_what_apps_read() {
        let secret = new_secret().unwrap();
        assert_eq!(secret.len(), SECRET_BYTES);
        assert_ne!(secret, new_secret().unwrap());
        assert_eq!(
            secret_text(RFC_KEY),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
        let uri = otpauth_uri(RFC_KEY, "Firm: Beijing", "ana@firm.example");
        assert_eq!(
            uri,
            "otpauth://totp/Firm%20Beijing:ana%40firm.example\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Firm%20Beijing"
        );
    }
}
