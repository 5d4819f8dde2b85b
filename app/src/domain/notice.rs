//! What people are told when something happens on a case: the kinds of
//! event, and the staff member's list behind the bell.

use super::checklist::DocumentKind;
use super::{CaseId, NoticeId};
use serde::{Deserialize, Serialize};

/// Notices on one page of the list.
pub const NOTICE_PAGE: i64 = 30;

/// Something that happened that someone is told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// (Applicant) their case moved to another stage.
    StageChanged,
    /// (Applicant) a document they sent was accepted.
    DocumentAccepted,
    /// (Applicant) a document they sent was rejected, with the reason.
    DocumentRejected,
    /// (Applicant) a new document was added to their checklist.
    ItemAdded,
    /// (Staff) a document was uploaded to a case assigned to them.
    DocumentUploaded,
    /// (Staff) a task was given to them.
    TaskAssigned,
    /// (Staff) the applicant wrote on a case assigned to them.
    MessageReceived,
}

impl NoticeKind {
    /// Every kind.
    pub const ALL: [NoticeKind; 7] = [
        NoticeKind::StageChanged,
        NoticeKind::DocumentAccepted,
        NoticeKind::DocumentRejected,
        NoticeKind::ItemAdded,
        NoticeKind::DocumentUploaded,
        NoticeKind::TaskAssigned,
        NoticeKind::MessageReceived,
    ];

    /// The stored and wire code.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::StageChanged => "stage_changed",
            NoticeKind::DocumentAccepted => "document_accepted",
            NoticeKind::DocumentRejected => "document_rejected",
            NoticeKind::ItemAdded => "item_added",
            NoticeKind::DocumentUploaded => "document_uploaded",
            NoticeKind::TaskAssigned => "task_assigned",
            NoticeKind::MessageReceived => "message_received",
        }
    }

    /// The kind with this code.
    pub fn from_code(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The words shown for it.
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::StageChanged => "Case stage changed",
            NoticeKind::DocumentAccepted => "Document accepted",
            NoticeKind::DocumentRejected => "Document rejected",
            NoticeKind::ItemAdded => "Document requested",
            NoticeKind::DocumentUploaded => "Document uploaded",
            NoticeKind::TaskAssigned => "Task assigned",
            NoticeKind::MessageReceived => "New message",
        }
    }
}

/// What happened, with the values a notice quotes; the words are chosen
/// where it is shown (`crate::i18n::notices`), in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum NoticeEvent {
    /// `by` uploaded a document to case `case`.
    DocumentUploaded {
        by: String,
        document: Option<DocumentKind>,
        case: String,
    },
    /// `by` gave the reader a task on case `case`.
    TaskAssigned {
        by: String,
        case: String,
        task: String,
    },
    /// `by` (the applicant) wrote on case `case`.
    MessageReceived { by: String, case: String },
}

/// What a notice says: its event, or for notices saved before events were
/// kept, the English line they were saved with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeText {
    Event(NoticeEvent),
    Recorded(String),
}

/// One thing a staff member was told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub id: NoticeId,
    pub kind: NoticeKind,
    pub case_id: Option<CaseId>,
    /// One line, e.g. "Priya Sharma uploaded Passport to VD-2026-0007".
    pub what: NoticeText,
    /// The local path of the thing itself.
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A page of the caller's notices, newest first, with the unread count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticePage {
    pub unread: i64,
    pub notices: Vec<Notice>,
    pub page: i64,
    pub has_more: bool,
}

/// The bell's number: "9+" past nine, nothing at zero.
pub fn badge_text(unread: i64) -> Option<String> {
    match unread {
        i64::MIN..=0 => None,
        1..=9 => Some(unread.to_string()),
        _ => Some("9+".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn the_bell_shows_up_to_nine_then_nine_plus() {
        assert_eq!(badge_text(0), None);
        assert_eq!(badge_text(3).as_deref(), Some("3"));
        assert_eq!(badge_text(12).as_deref(), Some("9+"));
    }
}
