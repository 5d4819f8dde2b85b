//! Second factors: who must use one (the firm's rule), one's own state, and
//! what setting one up and signing in with one exchange.

use super::problem::{Problem, Thing};
use super::{CeremonyId, PasskeyId, Role};
use serde::{Deserialize, Serialize};

/// The cookie holding a sign-in challenge's token.
pub const CHALLENGE_COOKIE: &str = "visadesk_challenge";
/// The cookie holding this browser's own token (not a session): a sign-in
/// from a browser an account has not used before is emailed to its owner.
pub const BROWSER_COOKIE: &str = "visadesk_browser";
/// Seconds a sign-in challenge lasts (the password must be given again after).
pub const CHALLENGE_SECS: i64 = 900;
/// Wrong codes that end a sign-in challenge.
pub const CHALLENGE_MAX_FAILURES: i32 = 5;

/// Who must give a second factor to sign in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondFactorRule {
    /// Nobody must; anyone may set one up.
    Optional,
    /// Admins must (the default).
    #[default]
    Admins,
    /// Every member of staff must; applicants may.
    Staff,
    /// Everyone must, applicants too.
    Everyone,
}

impl SecondFactorRule {
    /// Every rule, least strict first.
    pub const ALL: [SecondFactorRule; 4] = [
        SecondFactorRule::Optional,
        SecondFactorRule::Admins,
        SecondFactorRule::Staff,
        SecondFactorRule::Everyone,
    ];

    /// The stable code in storage and forms.
    pub fn code(self) -> &'static str {
        match self {
            SecondFactorRule::Optional => "optional",
            SecondFactorRule::Admins => "admins",
            SecondFactorRule::Staff => "staff",
            SecondFactorRule::Everyone => "everyone",
        }
    }

    /// The rule with this code.
    pub fn from_code(code: &str) -> Option<SecondFactorRule> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// True when someone with `role` must use a second factor.
    pub fn requires(self, role: Role) -> bool {
        match self {
            SecondFactorRule::Optional => false,
            SecondFactorRule::Admins => role == Role::Admin,
            SecondFactorRule::Staff => role.is_staff(),
            SecondFactorRule::Everyone => true,
        }
    }
}

/// Seconds a passkey ceremony (a registration or a sign-in) lasts.
pub const PASSKEY_CEREMONY_SECS: i64 = 300;
/// The longest name a passkey may have, in characters.
pub const PASSKEY_NAME_MAX: usize = 60;

/// The firm's sign-in security settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityPolicy {
    pub second_factor: SecondFactorRule,
    /// Anyone with a passkey may sign in with it alone (no password).
    #[serde(default)]
    pub passkey_sign_in: bool,
}

/// A passkey registered to one's account, as the account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    pub id: PasskeyId,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A passkey ceremony for the browser to run: `options` is the JSON that
/// `navigator.credentials.create` or `.get` takes (under `publicKey`), and
/// `ceremony` names the server's half when the answer comes back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyCeremony {
    pub ceremony: CeremonyId,
    pub options: String,
}

/// What adding a passkey gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyAdded {
    pub passkey: PasskeySummary,
    /// New recovery codes, shown once (made with one's first second factor).
    pub recovery_codes: Vec<String>,
    /// Where to go next when this finished a sign-in.
    pub next: Option<String>,
}

/// One's own second factor, as the account page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    /// When the authenticator app was confirmed, if one is set up.
    pub totp_since: Option<i64>,
    /// One's passkeys, oldest first.
    pub passkeys: Vec<PasskeySummary>,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// The firm's rule requires one for this person.
    pub required: bool,
}

/// A new authenticator to confirm: what to scan, or to type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// The secret in base32, in groups of four.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub uri: String,
    /// The QR code, an SVG image as a `data:` URI drawn by the server.
    pub qr: String,
}

/// What confirming an authenticator gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpConfirmed {
    /// New recovery codes, shown once (empty when earlier ones were kept).
    pub recovery_codes: Vec<String>,
    /// Where to go next when this finished a sign-in.
    pub next: Option<String>,
}

/// Why a sign-in stopped after the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengePurpose {
    /// A code from the authenticator (or a recovery code) is asked for.
    Verify,
    /// The firm requires a second factor, which must be set up first.
    Enrol,
}

impl ChallengePurpose {
    /// The stable code in storage.
    pub fn code(self) -> &'static str {
        match self {
            ChallengePurpose::Verify => "verify",
            ChallengePurpose::Enrol => "enrol",
        }
    }

    /// The purpose with this code.
    pub fn from_code(code: &str) -> Option<ChallengePurpose> {
        [ChallengePurpose::Verify, ChallengePurpose::Enrol]
            .into_iter()
            .find(|p| p.code() == code)
    }

    /// The page that finishes the sign-in.
    pub fn path(self) -> &'static str {
        match self {
            ChallengePurpose::Verify => "/sign-in/verify",
            ChallengePurpose::Enrol => "/sign-in/enrol",
        }
    }
}

/// A half-done sign-in, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeInfo {
    pub purpose: ChallengePurpose,
    /// Whose sign-in it is.
    pub email: String,
    /// They have an authenticator app (a code may be given).
    pub totp: bool,
    /// They have a passkey (it may be used).
    pub passkey: bool,
}

/// Trims a passkey's name and checks it is present, not too long and
/// without control characters.
pub fn passkey_name(raw: &str) -> Result<String, Problem> {
    let name = raw.trim();
    let chars = name.chars().count();
    if name.is_empty() {
        return Err(Problem::Missing(Thing::PasskeyName));
    }
    if chars > PASSKEY_NAME_MAX {
        return Err(Problem::TooLong {
            thing: Thing::PasskeyName,
            chars,
            max: PASSKEY_NAME_MAX,
        });
    }
    if name.chars().any(char::is_control) {
        return Err(Problem::ControlCharacters(Thing::PasskeyName));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_names_who_must_use_a_second_factor() {
        use Role::*;
        let must = |rule: SecondFactorRule| -> Vec<Role> {
            Role::ALL
                .into_iter()
                .filter(|r| rule.requires(*r))
                .collect()
        };
        assert_eq!(must(SecondFactorRule::Optional), vec![]);
        assert_eq!(must(SecondFactorRule::Admins), vec![Admin]);
        assert_eq!(
            must(SecondFactorRule::Staff),
            vec![Admin, Attorney, Paralegal, Viewer]
        );
        assert_eq!(must(SecondFactorRule::Everyone), Role::ALL.to_vec());
        assert_eq!(SecondFactorRule::default(), SecondFactorRule::Admins);
    }

    #[test]
    fn a_passkey_name_is_trimmed_and_kept_short() {
        assert_eq!(passkey_name("  Work laptop ").as_deref(), Ok("Work laptop"));
        assert_eq!(
            passkey_name("   "),
            Err(Problem::Missing(Thing::PasskeyName))
        );
        let long = "键".repeat(PASSKEY_NAME_MAX + 1);
        assert_eq!(
            passkey_name(&long),
            Err(Problem::TooLong {
                thing: Thing::PasskeyName,
                chars: PASSKEY_NAME_MAX + 1,
                max: PASSKEY_NAME_MAX
            })
        );
        assert_eq!(
            passkey_name(&"键".repeat(PASSKEY_NAME_MAX)).map(|n| n.chars().count()),
            Ok(PASSKEY_NAME_MAX)
        );
        assert_eq!(
            passkey_name("a\u{7}b"),
            Err(Problem::ControlCharacters(Thing::PasskeyName))
        );
    }

    #[test]
    fn codes_read_back() {
        for r in SecondFactorRule::ALL {
            assert_eq!(SecondFactorRule::from_code(r.code()), Some(r));
        }
        assert_eq!(SecondFactorRule::from_code("sometimes"), None);
        for p in [ChallengePurpose::Verify, ChallengePurpose::Enrol] {
            assert_eq!(ChallengePurpose::from_code(p.code()), Some(p));
        }
    }
}
