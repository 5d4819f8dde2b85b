//! Document checklists: what each programme asks an applicant for, as data,
//! and the status of each item on a case.

use super::id::ItemId;
use super::Programme;
use serde::{Deserialize, Serialize};

/// A kind of document a programme can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Passport,
    Photo,
    Cv,
    DegreeCertificate,
    Transcript,
    ResearchOrTeachingProof,
    WorkExperienceProof,
    TalentConfirmation,
    AwardsEvidence,
    EmploymentContract,
    CriminalRecordCertificate,
    HealthCertificate,
    CredentialEvaluation,
    OfferLetter,
    LaborConditionApplication,
    DegreeRecognition,
    HealthInsurance,
}

impl DocumentKind {
    /// Every kind, in the order checklists list them.
    pub const ALL: [DocumentKind; 17] = [
        DocumentKind::Passport,
        DocumentKind::Photo,
        DocumentKind::Cv,
        DocumentKind::DegreeCertificate,
        DocumentKind::Transcript,
        DocumentKind::ResearchOrTeachingProof,
        DocumentKind::WorkExperienceProof,
        DocumentKind::TalentConfirmation,
        DocumentKind::AwardsEvidence,
        DocumentKind::EmploymentContract,
        DocumentKind::CriminalRecordCertificate,
        DocumentKind::HealthCertificate,
        DocumentKind::CredentialEvaluation,
        DocumentKind::OfferLetter,
        DocumentKind::LaborConditionApplication,
        DocumentKind::DegreeRecognition,
        DocumentKind::HealthInsurance,
    ];

    /// The stable code used in storage and the API.
    pub fn code(self) -> &'static str {
        use DocumentKind::*;
        match self {
            Passport => "passport",
            Photo => "photo",
            Cv => "cv",
            DegreeCertificate => "degree_certificate",
            Transcript => "transcript",
            ResearchOrTeachingProof => "research_or_teaching_proof",
            WorkExperienceProof => "work_experience_proof",
            TalentConfirmation => "talent_confirmation",
            AwardsEvidence => "awards_evidence",
            EmploymentContract => "employment_contract",
            CriminalRecordCertificate => "criminal_record_certificate",
            HealthCertificate => "health_certificate",
            CredentialEvaluation => "credential_evaluation",
            OfferLetter => "offer_letter",
            LaborConditionApplication => "labor_condition_application",
            DegreeRecognition => "degree_recognition",
            HealthInsurance => "health_insurance",
        }
    }

    /// The name applicants and staff see.
    pub fn label(self) -> &'static str {
        use DocumentKind::*;
        match self {
            Passport => "Passport (photo page)",
            Photo => "Passport-style photo",
            Cv => "CV",
            DegreeCertificate => "Degree certificate",
            Transcript => "Academic transcript",
            ResearchOrTeachingProof => "Proof of research or teaching post",
            WorkExperienceProof => "Proof of work experience (reference letters)",
            TalentConfirmation => "Confirmation letter of high-level foreign talent",
            AwardsEvidence => "Evidence of awards or talent programmes",
            EmploymentContract => "Employment contract or letter of intent",
            CriminalRecordCertificate => "Criminal record certificate",
            HealthCertificate => "Health certificate",
            CredentialEvaluation => "Credential evaluation",
            OfferLetter => "Job offer letter",
            LaborConditionApplication => "Certified Labor Condition Application (LCA)",
            DegreeRecognition => "Recognition of the degree (ZAB / anabin)",
            HealthInsurance => "Proof of health insurance",
        }
    }

    /// The kind with this code.
    pub fn from_code(code: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One line of a programme's checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistEntry {
    pub kind: DocumentKind,
    pub required: bool,
    /// When it applies, in plain words ("" when always).
    pub when: &'static str,
}

use DocumentKind::*;

const fn need(kind: DocumentKind) -> ChecklistEntry {
    ChecklistEntry {
        kind,
        required: true,
        when: "",
    }
}

const fn may(kind: DocumentKind, when: &'static str) -> ChecklistEntry {
    ChecklistEntry {
        kind,
        required: false,
        when,
    }
}

/// Proof of education and of relevant work or research (VISAS.md).
const CHINA_K: &[ChecklistEntry] = &[
    need(Passport),
    need(Photo),
    need(DegreeCertificate),
    need(Transcript),
    need(Cv),
    may(
        ResearchOrTeachingProof,
        "When applying as a teacher or researcher in a STEM field",
    ),
];

/// Category A talent: the confirmation letter makes the case.
const CHINA_R: &[ChecklistEntry] = &[
    need(Passport),
    need(Photo),
    need(Cv),
    need(TalentConfirmation),
    need(DegreeCertificate),
    may(
        AwardsEvidence,
        "Supports the Category A criteria before a letter is issued",
    ),
];

const CHINA_Z: &[ChecklistEntry] = &[
    need(Passport),
    need(Photo),
    need(Cv),
    need(DegreeCertificate),
    need(WorkExperienceProof),
    need(EmploymentContract),
    need(CriminalRecordCertificate),
    need(HealthCertificate),
];

const US_H1B: &[ChecklistEntry] = &[
    need(Passport),
    need(DegreeCertificate),
    need(CredentialEvaluation),
    need(Cv),
    need(OfferLetter),
    need(LaborConditionApplication),
    may(Transcript, "When the evaluation needs it"),
];

const EU_BLUE_CARD_DE: &[ChecklistEntry] = &[
    need(Passport),
    need(Photo),
    need(DegreeCertificate),
    need(DegreeRecognition),
    need(EmploymentContract),
    need(HealthInsurance),
    may(Cv, "Often asked for by the consulate"),
];

/// What a programme asks for. A new case starts from this list; staff can
/// add items and waive ones that don't apply.
pub fn checklist(programme: Programme) -> &'static [ChecklistEntry] {
    match programme {
        Programme::ChinaK => CHINA_K,
        Programme::ChinaR => CHINA_R,
        Programme::ChinaZ => CHINA_Z,
        Programme::UsH1b => US_H1B,
        Programme::EuBlueCardDe => EU_BLUE_CARD_DE,
    }
}

/// Where a checklist item stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Missing,
    /// Uploaded, waiting for review.
    Uploaded,
    Accepted,
    /// Rejected, with the reason the applicant sees.
    Rejected(String),
    /// Not needed for this case (the reason is for staff).
    Waived(String),
}

impl ItemStatus {
    /// Whether the item still needs something from the applicant.
    pub fn needs_applicant(&self) -> bool {
        matches!(self, ItemStatus::Missing | ItemStatus::Rejected(_))
    }
}

impl ItemStatus {
    /// The stable code used in storage.
    pub fn code(&self) -> &'static str {
        match self {
            ItemStatus::Missing => "missing",
            ItemStatus::Uploaded => "uploaded",
            ItemStatus::Accepted => "accepted",
            ItemStatus::Rejected(_) => "rejected",
            ItemStatus::Waived(_) => "waived",
        }
    }

    /// The status stored as `code` with `reason`.
    pub fn from_code(code: &str, reason: &str) -> Option<ItemStatus> {
        Some(match code {
            "missing" => ItemStatus::Missing,
            "uploaded" => ItemStatus::Uploaded,
            "accepted" => ItemStatus::Accepted,
            "rejected" => ItemStatus::Rejected(reason.to_string()),
            "waived" => ItemStatus::Waived(reason.to_string()),
            _ => return None,
        })
    }
}

/// One item of a case's checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: ItemId,
    pub kind: DocumentKind,
    pub required: bool,
    pub status: ItemStatus,
    /// Uploaded versions, newest first (empty where not asked for).
    pub versions: Vec<super::document::DocumentVersion>,
}

/// Longest reason for waiving or rejecting an item.
pub const REASON_MAX_CHARS: usize = 500;

/// How far a checklist is: accepted of the items that count (waived ones
/// don't), e.g. "7 of 10 accepted".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub accepted: u32,
    pub counted: u32,
}

impl Progress {
    /// Progress over items given as (required, status).
    pub fn of<'a>(items: impl IntoIterator<Item = (bool, &'a ItemStatus)>) -> Progress {
        let mut p = Progress::default();
        for (required, status) in items {
            p.add(required, status, 1);
        }
        p
    }

    /// Counts `n` items that are (required, status) alike.
    pub fn add(&mut self, required: bool, status: &ItemStatus, n: u32) {
        match status {
            ItemStatus::Waived(_) => {}
            ItemStatus::Accepted => {
                self.accepted += n;
                self.counted += n;
            }
            _ if required => self.counted += n,
            _ => {}
        }
    }

    /// Every counted item is accepted.
    pub fn complete(self) -> bool {
        self.accepted == self.counted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_programme_asks_for_a_passport_first_and_lists_each_kind_once() {
        for programme in Programme::ALL {
            let list = checklist(programme);
            assert_eq!(list[0], need(DocumentKind::Passport), "{programme:?}");
            let mut kinds: Vec<DocumentKind> = list.iter().map(|e| e.kind).collect();
            kinds.sort();
            kinds.dedup();
            assert_eq!(kinds.len(), list.len(), "{programme:?} repeats a kind");
            assert!(list.iter().all(|e| e.required || !e.when.is_empty()));
        }
    }

    #[test]
    fn the_k_visa_and_h1b_lists_match_the_issue() {
        let codes = |p| {
            checklist(p)
                .iter()
                .filter(|e| e.required)
                .map(|e| e.kind.code())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(Programme::ChinaK),
            [
                "passport",
                "photo",
                "degree_certificate",
                "transcript",
                "cv"
            ]
        );
        assert_eq!(
            codes(Programme::UsH1b),
            [
                "passport",
                "degree_certificate",
                "credential_evaluation",
                "cv",
                "offer_letter",
                "labor_condition_application"
            ]
        );
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(DocumentKind::from_code("selfie"), None);
    }

    #[test]
    fn progress_counts_accepted_of_required_and_accepted_optional_items() {
        let rejected = ItemStatus::Rejected("Blurred".into());
        let waived = ItemStatus::Waived("Not a researcher".into());
        let items = [
            (true, &ItemStatus::Accepted),
            (true, &ItemStatus::Uploaded),
            (true, &rejected),
            (true, &ItemStatus::Missing),
            (true, &waived),
            (false, &ItemStatus::Missing),
            (false, &ItemStatus::Accepted),
        ];
        let p = Progress::of(items);
        assert_eq!(
            p,
            Progress {
                accepted: 2,
                counted: 5
            }
        );
        assert!(!p.complete());
        assert!(Progress::of([(true, &waived)]).complete());
        assert!(rejected.needs_applicant() && !ItemStatus::Uploaded.needs_applicant());
    }

    #[test]
    fn progress_added_in_groups_equals_progress_item_by_item() {
        let waived = ItemStatus::Waived(String::new());
        let mut grouped = Progress::default();
        grouped.add(true, &ItemStatus::Accepted, 3);
        grouped.add(true, &ItemStatus::Missing, 2);
        grouped.add(false, &ItemStatus::Missing, 4);
        grouped.add(false, &ItemStatus::Accepted, 1);
        grouped.add(true, &waived, 5);
        let one_by_one = Progress::of(
            std::iter::repeat_n((true, &ItemStatus::Accepted), 3)
                .chain(std::iter::repeat_n((true, &ItemStatus::Missing), 2))
                .chain(std::iter::repeat_n((false, &ItemStatus::Missing), 4))
                .chain([(false, &ItemStatus::Accepted)])
                .chain(std::iter::repeat_n((true, &waived), 5)),
        );
        assert_eq!(grouped, one_by_one);
        assert_eq!(
            grouped,
            Progress {
                accepted: 4,
                counted: 6
            }
        );
    }
}
