//! The error every server function returns: what the person is told, never
//! internal details (those go to the server log).

use crate::domain::client::FieldMessage;
use crate::domain::problem::Problem;
use crate::domain::validate::FieldError;
use crate::i18n::problems::problem;
use crate::i18n::{td_string, Locale};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A failed request, as shown to the person who made it. On the wire it is
/// a tagged object: `{"error": "not_found", "detail": "client"}`, with
/// `detail` left out where the kind says everything (`{"error": "forbidden"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session came with the request.
    #[error("Your session has ended. Please sign in again.")]
    NotSignedIn,
    /// Signed in, but the role may not do this.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// Signed in and allowed to read this object, but not to change it; the
    /// problem says who can.
    #[error("{0}")]
    NotAllowed(Problem),
    /// Unknown, or not the asker's to see: the two look the same.
    #[error("That {0} was not found.")]
    NotFound(String),
    /// Unknown email or wrong password: deliberately the same message.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// Too many failed sign-ins from this account or address.
    #[error("Too many failed sign-in attempts. Try again in {}.", wait_text(*retry_after_secs))]
    Throttled { retry_after_secs: u64 },
    /// Too many requests of one kind (e.g. reset links) from this address
    /// or for this account.
    #[error("Too many requests. Try again in {}.", wait_text(*retry_after_secs))]
    RateLimited { retry_after_secs: u64 },
    /// A field broke an input rule.
    #[error("{problem}")]
    Invalid { field: String, problem: Problem },
    /// Several fields broke input rules; each message belongs to its field.
    #[error("Please correct {} highlighted field{}.", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    InvalidFields(Vec<FieldMessage>),
    /// The change clashes with the current state (e.g. the email is taken).
    #[error("{0}")]
    Conflict(Problem),
    /// A one-time link that is unknown, already used or expired.
    #[error("{}", .0.english())]
    DeadLink(LinkKind),
    /// The request came from another site.
    #[error("This request was refused because it did not come from this site. Reload the page and try again.")]
    CrossSite,
    /// Something failed on the server; details are in the server log.
    #[error("Something went wrong on our side. Please try again; if it keeps happening, tell your administrator.")]
    Internal,
    /// The request itself could not be sent or read.
    #[error("{0}")]
    Request(Problem),
}

/// The kinds of one-time link a person may follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// A portal invitation.
    Invitation,
    /// A password reset link.
    PasswordReset,
}

impl LinkKind {
    fn english(self) -> &'static str {
        match self {
            LinkKind::Invitation => {
                "This invitation link has expired or has already been used. Ask your firm for a new one."
            }
            LinkKind::PasswordReset => {
                "This password reset link has expired or has already been used. Ask for a new one."
            }
        }
    }
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::NotAllowed(_) | AppError::CrossSite => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) | AppError::DeadLink(_) => 409,
            AppError::Invalid { .. } | AppError::InvalidFields(_) | AppError::Request(_) => 400,
            AppError::Throttled { .. } | AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
        }
    }

    /// The form field the error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// What is wrong with one field (by path), from either kind of input
    /// error.
    pub fn problem_for(&self, field: &str) -> Option<&Problem> {
        match self {
            AppError::Invalid { field: f, problem } if f == field => Some(problem),
            AppError::InvalidFields(list) => {
                list.iter().find(|m| m.field == field).map(|m| &m.problem)
            }
            _ => None,
        }
    }

    /// The message for one field (by path), in the reader's language.
    pub fn message_for(&self, l: Locale, field: &str) -> Option<String> {
        self.problem_for(field).map(|p| problem(l, p))
    }

    /// An input error on one field.
    pub fn invalid(field: impl Into<String>, problem: Problem) -> Self {
        AppError::Invalid {
            field: field.into(),
            problem,
        }
    }
}

impl AppError {
    /// What the person is told, in their language. (`Display` is the
    /// English, for logs and the command line.)
    pub fn message(&self, l: Locale) -> String {
        match self {
            AppError::NotSignedIn => td_string!(l, errors.not_signed_in).to_string(),
            AppError::Forbidden => td_string!(l, errors.forbidden).to_string(),
            AppError::NotFound(what) => {
                td_string!(l, errors.not_found, what = object_name(l, what)).to_string()
            }
            AppError::InvalidCredentials => td_string!(l, errors.invalid_credentials).to_string(),
            AppError::Throttled { retry_after_secs } => {
                td_string!(l, errors.throttled, wait = wait_words(l, *retry_after_secs)).to_string()
            }
            AppError::RateLimited { retry_after_secs } => td_string!(
                l,
                errors.rate_limited,
                wait = wait_words(l, *retry_after_secs)
            )
            .to_string(),
            AppError::InvalidFields(list) if list.len() == 1 => {
                td_string!(l, errors.invalid_field).to_string()
            }
            AppError::InvalidFields(list) => {
                td_string!(l, errors.invalid_fields, count = list.len()).to_string()
            }
            AppError::CrossSite => td_string!(l, errors.cross_site).to_string(),
            AppError::DeadLink(LinkKind::Invitation) => {
                td_string!(l, errors.dead_invitation).to_string()
            }
            AppError::DeadLink(LinkKind::PasswordReset) => {
                td_string!(l, errors.dead_reset_link).to_string()
            }
            AppError::Internal => td_string!(l, errors.internal).to_string(),
            AppError::NotAllowed(p)
            | AppError::Conflict(p)
            | AppError::Request(p)
            | AppError::Invalid { problem: p, .. } => problem(l, p),
        }
    }
}

/// The kind of object a `NotFound` names, in the person's language.
fn object_name(l: Locale, what: &str) -> &'static str {
    match what {
        "client" => td_string!(l, errors.object.client),
        "case" => td_string!(l, errors.object.case),
        "document" => td_string!(l, errors.object.document),
        "user" => td_string!(l, errors.object.user),
        "task" => td_string!(l, errors.object.task),
        "checklist item" => td_string!(l, errors.object.checklist_item),
        "notice" => td_string!(l, errors.object.notice),
        "email" => td_string!(l, errors.object.email),
        "session" => td_string!(l, errors.object.session),
        "calendar feed" => td_string!(l, errors.object.calendar_feed),
        _ => td_string!(l, errors.object.other),
    }
}

/// How long to wait, in words.
fn wait_words(l: Locale, secs: u64) -> String {
    match (secs, secs.div_ceil(60)) {
        (0..=1, _) => td_string!(l, errors.wait.one_second).to_string(),
        (2..=59, _) => td_string!(l, errors.wait.seconds, n = secs).to_string(),
        (_, 1) => td_string!(l, errors.wait.one_minute).to_string(),
        (_, m) => td_string!(l, errors.wait.minutes, n = m).to_string(),
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid {
            field: e.field.to_string(),
            problem: e.problem,
        }
    }
}

fn wait_text(secs: u64) -> String {
    let minutes = secs.div_ceil(60);
    match (secs, minutes) {
        (0..=59, _) => format!("{} second{}", secs.max(1), if secs == 1 { "" } else { "s" }),
        (_, 1) => "1 minute".to_string(),
        (_, m) => format!("{m} minutes"),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(match value {
            ServerFnErrorErr::Request(_) => Problem::Unreachable,
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Problem::UnreadableForm(clip(&detail, 160))
            }
            // On the server, decoding fails only for what a request sent.
            ServerFnErrorErr::Deserialization(detail) if cfg!(feature = "ssr") => {
                Problem::UnreadableRequest(clip(&detail, 160))
            }
            ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::Response(_) => {
                Problem::UnreadableAnswer
            }
            other => Problem::RequestFailed(clip(&other.to_string(), 160)),
        })
    }
}

/// `s` cut to at most `max_chars` characters, with an ellipsis if cut.
pub(crate) fn clip(s: &str, max_chars: usize) -> String {
    let mut out: String = s.chars().take(max_chars).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_messages_say_how_long_to_wait() {
        assert!(AppError::Throttled {
            retry_after_secs: 900
        }
        .to_string()
        .ends_with("15 minutes."));
        assert!(AppError::Throttled {
            retry_after_secs: 61
        }
        .to_string()
        .ends_with("2 minutes."));
        assert!(AppError::Throttled {
            retry_after_secs: 1
        }
        .to_string()
        .ends_with("1 second."));
    }

    #[test]
    fn messages_are_in_the_asker_s_language() {
        let throttled = AppError::Throttled {
            retry_after_secs: 900,
        };
        assert_eq!(
            throttled.message(Locale::en),
            "Too many failed sign-in attempts. Try again in 15 minutes."
        );
        assert_eq!(
            throttled.message(Locale::zh_Hans),
            "登录失败次数过多，请在 15 分钟后重试。"
        );
        assert_eq!(
            AppError::NotFound("case".into()).message(Locale::zh_Hans),
            "未找到该案件。"
        );
        assert_eq!(
            AppError::InvalidCredentials.message(Locale::en),
            AppError::InvalidCredentials.to_string()
        );
    }

    #[test]
    fn statuses_follow_the_kind_of_failure() {
        assert_eq!(AppError::NotFound("user".into()).status(), 404);
        assert_eq!(AppError::InvalidCredentials.status(), 401);
        assert_eq!(
            AppError::Throttled {
                retry_after_secs: 5
            }
            .status(),
            429
        );
    }

    #[test]
    fn errors_travel_as_tagged_snake_case_objects() {
        let json = |e: &AppError| serde_json::to_value(e).unwrap();
        assert_eq!(
            json(&AppError::CrossSite),
            serde_json::json!({"error": "cross_site"})
        );
        assert_eq!(
            json(&AppError::NotFound("client".into())),
            serde_json::json!({"error": "not_found", "detail": "client"})
        );
        let throttled = AppError::Throttled {
            retry_after_secs: 9,
        };
        assert_eq!(
            json(&throttled),
            serde_json::json!({"error": "throttled", "detail": {"retry_after_secs": 9}})
        );
        assert_eq!(
            serde_json::from_value::<AppError>(json(&throttled)).unwrap(),
            throttled
        );
    }

    #[test]
    fn unreadable_arguments_become_a_clear_request_error() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".repeat(500)));
        assert!(e.to_string().starts_with("The form could not be read"));
        assert!(e.to_string().len() < 300);
    }
}
