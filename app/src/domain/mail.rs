//! Email as the firm sees it: the outbox's rows, what each email is about,
//! and the firm's name that every email carries.

use super::problem::{Problem, Thing};
use super::{OutboxId, UserId};
use serde::{Deserialize, Serialize};

/// Rows on one page of the admin's outbox list.
pub const OUTBOX_PAGE: i64 = 50;
/// Longest firm name.
pub const FIRM_NAME_MAX: usize = 120;

/// Where an email is on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting for its (next) attempt.
    Queued,
    /// Claimed by a worker that is sending it now.
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// Every attempt failed; an admin may retry it.
    Failed,
}

impl OutboxStatus {
    /// Every status, in the order a row passes through them.
    pub const ALL: [OutboxStatus; 4] = [
        OutboxStatus::Queued,
        OutboxStatus::Sending,
        OutboxStatus::Sent,
        OutboxStatus::Failed,
    ];

    /// The stored and wire code.
    pub fn code(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }

    /// The status with this code.
    pub fn from_code(code: &str) -> Option<OutboxStatus> {
        OutboxStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The word shown for it.
    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "Queued",
            OutboxStatus::Sending => "Sending",
            OutboxStatus::Sent => "Sent",
            OutboxStatus::Failed => "Failed",
        }
    }
}

/// What an email is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailCategory {
    /// A portal invitation to an applicant.
    Invitation,
    /// A password reset link (a security email: always sent).
    PasswordReset,
    /// Word that a password was changed by a reset (a security email).
    PasswordChanged,
    /// Word that one's sign-in security changed: a second factor set up,
    /// turned off or reset, recovery codes renewed (a security email).
    SecurityAlert,
    /// (Applicant) their case moved on.
    StageChanged,
    /// (Applicant) a document was accepted or rejected.
    DocumentReviewed,
    /// (Applicant) a document was added to their checklist.
    ItemAdded,
    /// (Staff) a document was uploaded to a case assigned to them.
    DocumentUploaded,
    /// (Staff) a task was given to them.
    TaskAssigned,
    /// A new message on a case, for the other side.
    Message,
    /// (Staff) the daily digest: their overdue and due-soon tasks, their
    /// cases' filings within a week, and what they chose to hear then.
    Digest,
}

impl MailCategory {
    /// Every category.
    pub const ALL: [MailCategory; 11] = [
        MailCategory::Invitation,
        MailCategory::PasswordReset,
        MailCategory::PasswordChanged,
        MailCategory::SecurityAlert,
        MailCategory::StageChanged,
        MailCategory::DocumentReviewed,
        MailCategory::ItemAdded,
        MailCategory::DocumentUploaded,
        MailCategory::TaskAssigned,
        MailCategory::Message,
        MailCategory::Digest,
    ];

    /// The stored and wire code.
    pub fn code(self) -> &'static str {
        match self {
            MailCategory::Invitation => "invitation",
            MailCategory::PasswordReset => "password_reset",
            MailCategory::PasswordChanged => "password_changed",
            MailCategory::SecurityAlert => "security_alert",
            MailCategory::StageChanged => "stage_changed",
            MailCategory::DocumentReviewed => "document_reviewed",
            MailCategory::ItemAdded => "item_added",
            MailCategory::DocumentUploaded => "document_uploaded",
            MailCategory::TaskAssigned => "task_assigned",
            MailCategory::Message => "message",
            MailCategory::Digest => "digest",
        }
    }

    /// The category with this code.
    pub fn from_code(code: &str) -> Option<MailCategory> {
        MailCategory::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The words shown for it.
    pub fn label(self) -> &'static str {
        match self {
            MailCategory::Invitation => "Portal invitation",
            MailCategory::PasswordReset => "Password reset link",
            MailCategory::PasswordChanged => "Password changed",
            MailCategory::SecurityAlert => "Security alert",
            MailCategory::StageChanged => "Case stage changed",
            MailCategory::DocumentReviewed => "Document reviewed",
            MailCategory::ItemAdded => "Document requested",
            MailCategory::DocumentUploaded => "Document uploaded",
            MailCategory::TaskAssigned => "Task assigned",
            MailCategory::Message => "New message",
            MailCategory::Digest => "Daily digest",
        }
    }

    /// Security emails go out whatever a person chose: a reset link, word
    /// that the password changed. (An invitation has no account to choose.)
    pub fn is_security(self) -> bool {
        matches!(
            self,
            MailCategory::PasswordReset
                | MailCategory::PasswordChanged
                | MailCategory::SecurityAlert
        )
    }
}

/// One email in the outbox list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: OutboxId,
    pub category: MailCategory,
    pub recipient_id: Option<UserId>,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    /// Unix seconds of the next attempt (queued rows).
    pub next_attempt_at: i64,
    /// What the SMTP server or the connection said last time, if it failed.
    pub last_error: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// The body holds a single-use link, so it is never shown here.
    pub sensitive: bool,
}

/// A page of the outbox, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPage {
    /// Whether an SMTP server is set; without one, mail waits here.
    pub smtp_configured: bool,
    /// How many rows have each status.
    pub counts: Vec<(OutboxStatus, i64)>,
    pub entries: Vec<OutboxEntry>,
    pub page: i64,
    pub has_more: bool,
}

/// One email as an admin reads it: its text part, unless it is sensitive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub entry: OutboxEntry,
    /// The `Message-ID` header, the same on every attempt.
    pub message_id: String,
    /// The plain-text part; `None` for a sensitive email.
    pub text_body: Option<String>,
}

/// The firm as its emails name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirmProfile {
    /// The firm's name, in every email's sender name and signature.
    pub name: String,
    /// Whether an email announcing a message quotes its text. Off by
    /// default: email leaves the firm's control.
    #[serde(default)]
    pub message_text_in_email: bool,
}

impl Default for FirmProfile {
    fn default() -> Self {
        FirmProfile {
            name: "Visadesk".into(),
            message_text_in_email: false,
        }
    }
}

/// Checks a firm name: one line, not empty, at most [`FIRM_NAME_MAX`] characters.
pub fn check_firm_name(name: &str) -> Result<String, Problem> {
    let name = one_line(name);
    if name.is_empty() {
        return Err(Problem::Missing(Thing::FirmName));
    }
    let chars = name.chars().count();
    if chars > FIRM_NAME_MAX {
        return Err(Problem::TooLong {
            thing: Thing::FirmName,
            chars,
            max: FIRM_NAME_MAX,
        });
    }
    Ok(name)
}

/// `text` on one line: line breaks and other control characters become
/// spaces and runs of spaces one, so a name can never start a new header.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_in_a_name_cannot_start_a_header() {
        assert_eq!(
            one_line("Ana\r\nBcc: victim@example.com"),
            "Ana Bcc: victim@example.com"
        );
        assert_eq!(one_line("  Li \t Wei\u{0}\n"), "Li Wei");
    }

    #[test]
    fn a_firm_name_is_one_line_and_not_too_long() {
        assert_eq!(
            check_firm_name(" Chen & Partners\n").unwrap(),
            "Chen & Partners"
        );
        assert!(check_firm_name("  ").is_err());
        assert!(check_firm_name(&"x".repeat(FIRM_NAME_MAX + 1))
            .unwrap_err()
            .to_string()
            .contains("121 characters"));
    }

    #[test]
    fn codes_read_back() {
        for s in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::from_code(s.code()), Some(s));
        }
        for c in MailCategory::ALL {
            assert_eq!(MailCategory::from_code(c.code()), Some(c));
        }
    }
}
