//! Uploaded documents as staff and applicants see them, the portal's view
//! of a case, and portal invitations.

use super::checklist::{ChecklistItem, Progress, REASON_MAX_CHARS};
use super::id::{CaseId, DocumentId, ItemId};
use super::problem::{Problem, Thing};
use super::{Programme, Stage};
use serde::{Deserialize, Serialize};

/// Where a document version stands in review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Pending,
    Accepted,
    /// Rejected, with the reason the applicant sees.
    Rejected(String),
}

impl Review {
    /// The stable code used in storage.
    pub fn code(&self) -> &'static str {
        match self {
            Review::Pending => "pending",
            Review::Accepted => "accepted",
            Review::Rejected(_) => "rejected",
        }
    }

    /// The review stored as `code` with `reason`.
    pub fn from_code(code: &str, reason: &str) -> Option<Review> {
        Some(match code {
            "pending" => Review::Pending,
            "accepted" => Review::Accepted,
            "rejected" => Review::Rejected(reason.to_string()),
            _ => return None,
        })
    }
}

/// One uploaded version of a checklist item's document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentVersion {
    pub id: DocumentId,
    pub version: i64,
    pub file_name: String,
    /// The media type its first bytes showed (`application/pdf`, ...).
    pub content_type: String,
    pub size: i64,
    pub uploaded_by_name: String,
    pub by_applicant: bool,
    /// Unix seconds.
    pub uploaded_at: i64,
    pub review: Review,
    pub reviewed_by_name: String,
    /// The same file (same SHA-256) was already uploaded to this case, as
    /// this earlier document: "Passport (photo page), version 1".
    pub duplicate_of: Option<String>,
}

impl DocumentVersion {
    /// Where it downloads from.
    pub fn download_path(&self) -> String {
        format!("/documents/{}", self.id)
    }

    /// Where staff preview it inline.
    pub fn preview_path(&self) -> String {
        format!("/documents/{}/preview", self.id)
    }

    /// Whether the browser can show it inline (every accepted kind can).
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// A review decision on a document version, checked: a rejection needs a
/// reason (what the applicant should fix) of at most 500 characters.
pub fn check_review(accept: bool, reason: &str) -> Result<Review, Problem> {
    let reason = reason.trim();
    if accept {
        return Ok(Review::Accepted);
    }
    if reason.is_empty() {
        return Err(Problem::RejectionNeedsReason);
    }
    let chars = reason.chars().count();
    if chars > REASON_MAX_CHARS {
        return Err(Problem::TooLong {
            thing: Thing::Reason,
            chars,
            max: REASON_MAX_CHARS,
        });
    }
    Ok(Review::Rejected(reason.to_string()))
}

/// A byte count in people's units: "812 bytes", "3.4 MB", "1.2 GB".
pub fn format_bytes(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if b < MB {
        format!("{:.0} KB", b / 1024.0)
    } else if b < 1024.0 * MB {
        format!("{:.1} MB", b / MB)
    } else {
        format!("{:.2} GB", b / (1024.0 * MB))
    }
}

/// One stage the case reached, as the applicant sees it (no notes, no names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalStep {
    pub stage: Stage,
    /// Unix seconds.
    pub at: i64,
}

/// A case as its applicant sees it in the portal: no internal notes, no
/// staff assignments, no tasks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalCase {
    pub id: CaseId,
    pub reference: String,
    pub programme: Programme,
    pub stage: Stage,
    /// Oldest first.
    pub steps: Vec<PortalStep>,
    pub checklist: Vec<ChecklistItem>,
    pub progress: Progress,
}

/// What the portal shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portal {
    pub client_name: String,
    pub cases: Vec<PortalCase>,
    /// The largest file accepted, in bytes.
    pub max_upload_bytes: u64,
}

/// A portal invitation just made, shown once to the staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvitation {
    /// The path of the one-time link (`/portal/join/<token>`).
    pub path: String,
    pub email: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// Whether it was also emailed.
    pub emailed: bool,
}

/// An invitation as its link's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub client_name: String,
    pub email: String,
    /// The client already has a portal account (the link sets a new password).
    pub has_account: bool,
}

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;

/// Path of an item's upload endpoint.
pub fn upload_path(item_id: &ItemId) -> String {
    format!("/documents/items/{item_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_needs_a_reason_and_an_acceptance_does_not() {
        assert_eq!(check_review(true, ""), Ok(Review::Accepted));
        assert!(check_review(false, "  ").is_err());
        assert_eq!(
            check_review(false, " Blurred photo page "),
            Ok(Review::Rejected("Blurred photo page".into()))
        );
        assert!(check_review(false, &"x".repeat(501))
            .unwrap_err()
            .to_string()
            .contains("501 characters"));
    }

    #[test]
    fn reviews_round_trip_through_their_codes() {
        for r in [
            Review::Pending,
            Review::Accepted,
            Review::Rejected("r".into()),
        ] {
            assert_eq!(Review::from_code(r.code(), "r"), Some(r));
        }
        assert_eq!(Review::from_code("maybe", ""), None);
    }

    #[test]
    fn sizes_read_in_people_units() {
        assert_eq!(format_bytes(812), "812 bytes");
        assert_eq!(format_bytes(2048), "2 KB");
        assert_eq!(format_bytes(3_565_158), "3.4 MB");
        assert_eq!(format_bytes(1 << 30), "1.00 GB");
    }
}
