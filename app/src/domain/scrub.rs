//! The document scrub: every stored document version opened, decrypted and
//! checked against its SHA-256 and size, and storage listed for objects no
//! version points at. What a run found, as the Admin page shows it.

use super::{CaseId, DocumentId};
use serde::{Deserialize, Serialize};

/// What was wrong with one stored object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A version's object is not in storage.
    Missing,
    /// The object does not open with the configured master keys.
    WrongKey,
    /// The object opens but was changed, cut short, or does not match the
    /// recorded SHA-256 or size.
    Damaged,
    /// Storage could not be read (unreachable, refused): not known to be
    /// damaged; run the scrub again.
    Unreadable,
    /// An object that no document version points at (left by an upload
    /// that never finished, or by a restore into a folder in use).
    Orphaned,
}

impl FindingKind {
    /// Every kind.
    pub const ALL: [FindingKind; 5] = [
        FindingKind::Missing,
        FindingKind::WrongKey,
        FindingKind::Damaged,
        FindingKind::Unreadable,
        FindingKind::Orphaned,
    ];

    /// The stored and wire code.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Missing => "missing",
            FindingKind::WrongKey => "wrong_key",
            FindingKind::Damaged => "damaged",
            FindingKind::Unreadable => "unreadable",
            FindingKind::Orphaned => "orphaned",
        }
    }
}

/// One object a scrub found wrong. An orphan has no document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScrubFinding {
    pub kind: FindingKind,
    /// The object's key in storage (`<case>/<document>`).
    pub storage_key: String,
    pub document_id: Option<DocumentId>,
    pub case_id: Option<CaseId>,
    pub version: Option<i64>,
    pub file_name: Option<String>,
}

/// One run of the scrub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScrubRun {
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds; `None` while it runs (or if it stopped half-way).
    pub finished_at: Option<i64>,
    /// `command line`, or the instance that ran it on schedule.
    pub ran_by: String,
    /// Run by the schedule (else from the command line).
    pub scheduled: bool,
    /// Document versions checked.
    pub checked: i64,
    /// Their bytes (plaintext).
    pub bytes: i64,
    pub missing: i64,
    /// Wrong key or damaged.
    pub corrupt: i64,
    pub unreadable: i64,
    pub orphaned: i64,
    /// The first findings (at most [`ScrubRun::FINDINGS_KEPT`]).
    pub findings: Vec<ScrubFinding>,
    /// Why the run stopped before its end, if it did (server words).
    pub failure: Option<String>,
}

impl ScrubRun {
    /// How many findings a run keeps in full; the counts cover them all.
    pub const FINDINGS_KEPT: usize = 200;

    /// Finished, and every version read back whole, with no orphans.
    pub fn all_intact(&self) -> bool {
        self.finished_at.is_some()
            && self.failure.is_none()
            && self.missing == 0
            && self.corrupt == 0
            && self.unreadable == 0
            && self.orphaned == 0
    }

    /// Whether a document's bytes are lost or damaged (not only an orphan,
    /// which wastes space but loses nothing).
    pub fn lost_something(&self) -> bool {
        self.missing > 0 || self.corrupt > 0
    }
}

/// The Admin page's view of the scrub: its last run and its schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScrubStatus {
    pub last: Option<ScrubRun>,
    /// Hours between scheduled runs; 0: only from the command line.
    pub every_hours: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> ScrubRun {
        ScrubRun {
            started_at: 100,
            finished_at: Some(160),
            ran_by: "command line".into(),
            scheduled: false,
            checked: 10,
            bytes: 1000,
            missing: 0,
            corrupt: 0,
            unreadable: 0,
            orphaned: 0,
            findings: vec![],
            failure: None,
        }
    }

    #[test]
    fn a_run_is_intact_only_when_finished_with_nothing_found() {
        assert!(run().all_intact());
        assert!(!ScrubRun {
            finished_at: None,
            ..run()
        }
        .all_intact());
        let orphan = ScrubRun {
            orphaned: 1,
            ..run()
        };
        assert!(!orphan.all_intact());
        assert!(!orphan.lost_something());
        assert!(ScrubRun {
            missing: 1,
            ..run()
        }
        .lost_something());
        assert!(ScrubRun {
            corrupt: 1,
            ..run()
        }
        .lost_something());
    }
}
