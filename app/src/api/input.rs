//! How every server function's request body is read, checked before the
//! function sees it: text must be valid UTF-8, every field must be one the
//! function takes (at any depth), and a body that cannot be decoded is
//! refused with what is wrong, so a bad request never reaches the backend
//! half-read or with parts silently dropped.

use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

use super::{
    account, audit, cases, clients, documents, eligibility, mail, messages, notices, passkeys,
    second_factor, users,
};

/// How a server function's arguments travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `application/x-www-form-urlencoded` (the default, and what forms send).
    Form,
    /// `application/json`.
    Json,
}

impl Encoding {
    fn media_type(self) -> &'static str {
        match self {
            Encoding::Form => "application/x-www-form-urlencoded",
            Encoding::Json => "application/json",
        }
    }
}

/// One server function's input: its path, encoding, and the check that
/// decodes a body into its arguments.
#[derive(Clone, Copy)]
pub struct InputRule {
    pub path: &'static str,
    pub encoding: Encoding,
    check: fn(&[u8], Encoding) -> Result<(), String>,
}

/// The deepest a form field name may nest (`a[b][c]` nests twice); the
/// server functions' own decoder stops at the same depth.
pub const MAX_FORM_DEPTH: usize = 5;

fn rule<T: ServerFn + DeserializeOwned>(encoding: Encoding) -> InputRule {
    InputRule {
        path: T::PATH,
        encoding,
        check: decode::<T>,
    }
}

/// Every server function's input rule. A server function missing here is
/// refused at run time, and a test fails.
pub fn rules() -> Vec<InputRule> {
    use Encoding::{Form, Json};
    vec![
        rule::<account::SignIn>(Form),
        rule::<account::SignOut>(Form),
        rule::<account::SignedInUser>(Form),
        rule::<account::ChooseLanguage>(Form),
        rule::<account::MySessions>(Form),
        rule::<account::EndSession>(Form),
        rule::<account::EndOtherSessions>(Form),
        rule::<account::RequestPasswordReset>(Form),
        rule::<account::PasswordResetDetails>(Form),
        rule::<account::ResetPassword>(Form),
        rule::<account::MyCalendarFeed>(Form),
        rule::<account::RenewCalendarFeed>(Form),
        rule::<account::RevokeCalendarFeed>(Form),
        rule::<audit::AuditEvents>(Form),
        rule::<audit::LastScrub>(Form),
        rule::<cases::ListCases>(Form),
        rule::<cases::GetCase>(Form),
        rule::<cases::CreateCase>(Form),
        rule::<cases::MoveCase>(Form),
        rule::<cases::UpdateCase>(Json),
        rule::<cases::CaseBoard>(Form),
        rule::<cases::AddTask>(Form),
        rule::<cases::SetTaskDone>(Form),
        rule::<cases::DeleteTask>(Form),
        rule::<cases::AddChecklistItem>(Form),
        rule::<cases::WaiveChecklistItem>(Form),
        rule::<cases::AssignableStaff>(Form),
        rule::<cases::DashboardData>(Form),
        rule::<clients::ListClients>(Form),
        rule::<clients::GetClient>(Form),
        rule::<clients::SaveClient>(Json),
        rule::<documents::ReviewDocument>(Form),
        rule::<documents::PortalData>(Form),
        rule::<documents::InviteApplicant>(Form),
        rule::<documents::InvitationDetails>(Form),
        rule::<documents::AcceptInvitation>(Form),
        rule::<eligibility::LoadEligibilityContext>(Form),
        rule::<eligibility::SaveEligibilitySettings>(Form),
        rule::<eligibility::LoadCaseEligibility>(Form),
        rule::<eligibility::SaveAssessment>(Form),
        rule::<users::ListUsers>(Form),
        rule::<users::CreateUser>(Form),
        rule::<users::ChangeRole>(Form),
        rule::<users::SetUserActive>(Form),
        rule::<users::SendPasswordReset>(Form),
        rule::<mail::ListOutbox>(Form),
        rule::<mail::ReadOutboxMessage>(Form),
        rule::<mail::RetryOutbox>(Form),
        rule::<mail::LoadFirmProfile>(Form),
        rule::<mail::SaveFirmProfile>(Form),
        rule::<mail::MyMailPreferences>(Form),
        rule::<mail::SaveMailPreferences>(Form),
        rule::<mail::LoadDigestSchedule>(Form),
        rule::<mail::SaveDigestSchedule>(Form),
        rule::<messages::CaseThread>(Form),
        rule::<messages::SendMessage>(Form),
        rule::<messages::MarkThreadSeen>(Form),
        rule::<notices::MyNotices>(Form),
        rule::<notices::UnreadNotices>(Form),
        rule::<notices::MarkNoticeRead>(Form),
        rule::<notices::MarkAllNoticesRead>(Form),
        rule::<second_factor::MySecondFactor>(Form),
        rule::<second_factor::StartTotp>(Form),
        rule::<second_factor::ConfirmTotp>(Form),
        rule::<second_factor::TurnOffTotp>(Form),
        rule::<second_factor::RenewRecoveryCodes>(Form),
        rule::<second_factor::SignInChallenge>(Form),
        rule::<second_factor::VerifySecondFactor>(Form),
        rule::<second_factor::ResetSecondFactor>(Form),
        rule::<second_factor::LoadSecurityPolicy>(Form),
        rule::<second_factor::SaveSecurityPolicy>(Form),
        rule::<passkeys::StartPasskeyRegistration>(Form),
        rule::<passkeys::FinishPasskeyRegistration>(Form),
        rule::<passkeys::RemovePasskey>(Form),
        rule::<passkeys::StartPasskeyVerification>(Form),
        rule::<passkeys::FinishPasskeyVerification>(Form),
        rule::<passkeys::PasskeySignInOffered>(Form),
        rule::<passkeys::StartPasskeySignIn>(Form),
        rule::<passkeys::FinishPasskeySignIn>(Form),
    ]
}

impl InputRule {
    /// Checks a request body sent with `content_type` (the header's value).
    /// The error is a sentence for the person who sent it.
    pub fn check(&self, content_type: Option<&str>, body: &[u8]) -> Result<(), String> {
        let media = content_type
            .and_then(|c| c.split(';').next())
            .map(|c| c.trim().to_ascii_lowercase());
        let sent = match media.as_deref() {
            None | Some("") if body.is_empty() => self.encoding,
            Some("application/json") => Encoding::Json,
            Some("application/x-www-form-urlencoded") => Encoding::Form,
            other => {
                return Err(format!(
                    "The request was sent as {}; this server function takes {}.",
                    other.unwrap_or("nothing named"),
                    self.encoding.media_type()
                ))
            }
        };
        if sent != self.encoding {
            return Err(format!(
                "The request was sent as {}; this server function takes {}.",
                sent.media_type(),
                self.encoding.media_type()
            ));
        }
        if sent == Encoding::Form {
            check_form_text(body)?;
        }
        (self.check)(body, sent)
    }
}

/// Refuses a form whose names or values are not UTF-8 once percent-decoded
/// (they would be stored as replacement characters), or nest too deep.
fn check_form_text(body: &[u8]) -> Result<(), String> {
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut halves = pair.splitn(2, |b| *b == b'=');
        let name = percent_decode(halves.next().unwrap_or_default());
        let value = percent_decode(halves.next().unwrap_or_default());
        let Ok(name) = String::from_utf8(name) else {
            return Err("A field name in the request is not valid UTF-8 text.".into());
        };
        if std::str::from_utf8(&value).is_err() {
            return Err(format!(
                "The field `{}` is not valid UTF-8 text. Type it again, or paste it from another source.",
                clip(&name)
            ));
        }
        if name.matches('[').count() > MAX_FORM_DEPTH {
            return Err(format!(
                "The field name `{}` nests deeper than {MAX_FORM_DEPTH} levels.",
                clip(&name)
            ));
        }
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` decoding of one name or value.
fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Decodes `body` into `T`, refusing every field `T` does not take.
fn decode<T: DeserializeOwned>(body: &[u8], encoding: Encoding) -> Result<(), String> {
    let mut unknown = Vec::new();
    let result = match encoding {
        Encoding::Form => {
            let config = serde_qs::Config::new(MAX_FORM_DEPTH, false);
            serde_qs::Deserializer::with_config(&config, body)
                .and_then(|de| {
                    serde_ignored::deserialize::<_, _, T>(de, |path| {
                        unknown.push(form_path(&path.to_string()))
                    })
                })
                .map(drop)
                .map_err(|e| e.to_string())
        }
        Encoding::Json => {
            let mut de = serde_json::Deserializer::from_slice(body);
            serde_ignored::deserialize::<_, _, T>(&mut de, |path| unknown.push(path.to_string()))
                .and_then(|_| de.end())
                .map_err(|e| json_error(&e))
        }
    };
    if !unknown.is_empty() {
        unknown.sort();
        unknown.dedup();
        let shown: Vec<String> = unknown
            .iter()
            .take(5)
            .map(|f| format!("`{}`", clip(f)))
            .collect();
        let more = match unknown.len() {
            n if n > 5 => format!(" and {} more", n - 5),
            _ => String::new(),
        };
        return Err(format!(
            "The request has {} this server function does not take: {}{more}. Nothing was changed.",
            if unknown.len() == 1 {
                "a field"
            } else {
                "fields"
            },
            shown.join(", ")
        ));
    }
    result.map_err(|detail| {
        format!(
            "The request could not be read: {}. Nothing was changed.",
            crate::error::clip(&detail, DETAIL_CHARS)
        )
    })
}

/// `settings.k_visa_age` as a form names it: `settings[k_visa_age]`.
fn form_path(dotted: &str) -> String {
    let mut parts = dotted.split('.');
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        out.push('[');
        out.push_str(part);
        out.push(']');
    }
    out
}

fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof if e.line() == 1 && e.column() == 0 => "the body is empty".into(),
        Category::Syntax | Category::Eof => format!("it is not valid JSON ({e})"),
        Category::Data => format!("a value has the wrong type ({e})"),
        Category::Io => format!("{e}"),
    }
}

/// Names quoted in a refusal are cut to this many characters.
const QUOTED_CHARS: usize = 80;
/// The decoder's explanation is cut to this many: enough for the list of
/// accepted codes of the longest enum (the document kinds), not for a
/// megabyte of quoted input.
const DETAIL_CHARS: usize = 600;

fn clip(s: &str) -> String {
    crate::error::clip(s, QUOTED_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_follows_forms() {
        assert_eq!(percent_decode(b"a+b%20c%2"), b"a b c%2");
        assert_eq!(percent_decode(b"%C3%A9"), "é".as_bytes());
        assert_eq!(percent_decode(b"%zz%"), b"%zz%");
    }

    #[test]
    fn invalid_utf8_in_a_value_is_refused_by_name() {
        let e = check_form_text(b"display_name=%C3%28%FF%FE").unwrap_err();
        assert!(e.contains("`display_name`"), "{e}");
        assert!(check_form_text("display_name=%C3%A9".as_bytes()).is_ok());
    }

    #[test]
    fn form_paths_use_brackets() {
        assert_eq!(form_path("settings.k_visa_age"), "settings[k_visa_age]");
        assert_eq!(form_path("x"), "x");
    }

    #[test]
    fn every_server_function_has_one_rule() {
        let rules = rules();
        let mut paths: Vec<_> = rules.iter().map(|r| r.path).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), rules.len(), "a path is listed twice");
    }
}
