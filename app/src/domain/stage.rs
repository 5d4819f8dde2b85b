//! The stage machine of a case: where an application stands and which moves
//! are allowed. Pure, so the UI offers exactly what the server accepts.

use super::{Permission, Role};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a case stands, from intake to closure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Intake,
    EligibilityReview,
    CollectingDocuments,
    PreparingApplication,
    Submitted,
    AwaitingDecision,
    Approved,
    Refused,
    Withdrawn,
    Closed,
}

impl Stage {
    /// Every stage, in pipeline order (the board's columns).
    pub const ALL: [Stage; 10] = [
        Stage::Intake,
        Stage::EligibilityReview,
        Stage::CollectingDocuments,
        Stage::PreparingApplication,
        Stage::Submitted,
        Stage::AwaitingDecision,
        Stage::Approved,
        Stage::Refused,
        Stage::Withdrawn,
        Stage::Closed,
    ];

    /// The stable name used in storage and the API.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Intake => "intake",
            Stage::EligibilityReview => "eligibility_review",
            Stage::CollectingDocuments => "collecting_documents",
            Stage::PreparingApplication => "preparing_application",
            Stage::Submitted => "submitted",
            Stage::AwaitingDecision => "awaiting_decision",
            Stage::Approved => "approved",
            Stage::Refused => "refused",
            Stage::Withdrawn => "withdrawn",
            Stage::Closed => "closed",
        }
    }

    /// The name staff see.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Intake => "Intake",
            Stage::EligibilityReview => "Eligibility review",
            Stage::CollectingDocuments => "Collecting documents",
            Stage::PreparingApplication => "Preparing application",
            Stage::Submitted => "Submitted",
            Stage::AwaitingDecision => "Awaiting decision",
            Stage::Approved => "Approved",
            Stage::Refused => "Refused",
            Stage::Withdrawn => "Withdrawn",
            Stage::Closed => "Closed",
        }
    }

    /// The stage in plain words, for the applicant.
    pub fn plain_words(self) -> &'static str {
        match self {
            Stage::Intake => "We have opened your case and are getting to know your situation.",
            Stage::EligibilityReview => {
                "We are checking which visa fits you and whether you qualify."
            }
            Stage::CollectingDocuments => "We are collecting the documents your application needs.",
            Stage::PreparingApplication => "We are preparing your application.",
            Stage::Submitted => "Your application has been submitted.",
            Stage::AwaitingDecision => "The authorities are deciding on your application.",
            Stage::Approved => "Your application was approved.",
            Stage::Refused => {
                "Your application was refused. Your attorney will discuss the options with you."
            }
            Stage::Withdrawn => "Your application was withdrawn.",
            Stage::Closed => "Your case is closed.",
        }
    }

    /// Whether the authority's decision (or the client's withdrawal) is in.
    pub fn is_outcome(self) -> bool {
        matches!(self, Stage::Approved | Stage::Refused | Stage::Withdrawn)
    }

    /// Whether the case is still being worked on.
    pub fn is_open(self) -> bool {
        !self.is_outcome() && self != Stage::Closed
    }

    /// The stages a case may move to from this one, forward moves first.
    pub fn next_stages(self) -> &'static [Stage] {
        use Stage::*;
        match self {
            Intake => &[EligibilityReview, Withdrawn],
            EligibilityReview => &[CollectingDocuments, Intake, Withdrawn],
            CollectingDocuments => &[PreparingApplication, EligibilityReview, Withdrawn],
            PreparingApplication => &[Submitted, CollectingDocuments, Withdrawn],
            // The authority returned the file for correction before accepting it.
            Submitted => &[AwaitingDecision, PreparingApplication, Withdrawn],
            // A request for evidence sends the case back to collecting documents.
            AwaitingDecision => &[Approved, Refused, CollectingDocuments, Withdrawn],
            Approved | Refused | Withdrawn => &[Closed],
            // A closed case can be reopened (e.g. a refusal is appealed).
            Closed => &[Intake],
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Stage {
    type Err = MoveError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|st| st.code() == s.trim())
            .ok_or_else(|| MoveError::UnknownStage(s.chars().take(40).collect()))
    }
}

/// Why a stage move was refused. (`Display` is the English, for logs; people
/// read it through `crate::i18n::problems`.)
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveError {
    #[error("\"{0}\" is not a stage")]
    UnknownStage(String),
    #[error("The case is already in \"{}\".", .0.label())]
    Unchanged(Stage),
    #[error("A case can't move from \"{}\" to \"{}\"; from \"{}\" it can go to {}.", .from.label(), .to.label(), .from.label(), choices(*.from))]
    NotAllowed { from: Stage, to: Stage },
    #[error("Only an attorney or an admin can record \"{}\".", .0.label())]
    OutcomeNeedsAttorney(Stage),
    #[error("Your role can't move cases.")]
    RoleCannotMove,
}

fn choices(from: Stage) -> String {
    let labels: Vec<String> = from
        .next_stages()
        .iter()
        .map(|s| format!("\"{}\"", s.label()))
        .collect();
    match labels.len() {
        0 => "nowhere".into(),
        1 => labels[0].clone(),
        n => format!("{} or {}", labels[..n - 1].join(", "), labels[n - 1]),
    }
}

/// Whether `role` may move a case from `from` to `to`. Object-level checks
/// (a paralegal edits only cases assigned to them) come on top of this.
pub fn check_move(role: Role, from: Stage, to: Stage) -> Result<(), MoveError> {
    if !role.can(Permission::EditCases) {
        return Err(MoveError::RoleCannotMove);
    }
    if from == to {
        return Err(MoveError::Unchanged(from));
    }
    if !from.next_stages().contains(&to) {
        return Err(MoveError::NotAllowed { from, to });
    }
    if matches!(to, Stage::Approved | Stage::Refused) && !role.can(Permission::RecordDecisions) {
        return Err(MoveError::OutcomeNeedsAttorney(to));
    }
    Ok(())
}

/// The moves `role` may offer from `from` (what the UI shows).
pub fn offered_moves(role: Role, from: Stage) -> Vec<Stage> {
    from.next_stages()
        .iter()
        .copied()
        .filter(|to| check_move(role, from, *to).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn the_main_path_runs_from_intake_to_closed() {
        let path = [
            Intake,
            EligibilityReview,
            CollectingDocuments,
            PreparingApplication,
            Submitted,
            AwaitingDecision,
            Approved,
            Closed,
        ];
        for pair in path.windows(2) {
            assert_eq!(
                check_move(Role::Attorney, pair[0], pair[1]),
                Ok(()),
                "{:?}",
                pair
            );
        }
    }

    #[test]
    fn a_request_for_evidence_goes_back_to_collecting_documents() {
        assert_eq!(
            check_move(Role::Paralegal, AwaitingDecision, CollectingDocuments),
            Ok(())
        );
        assert_eq!(
            check_move(Role::Paralegal, Submitted, PreparingApplication),
            Ok(())
        );
    }

    #[test]
    fn skipping_stages_is_refused_with_the_choices() {
        let err = check_move(Role::Admin, Intake, Submitted).unwrap_err();
        assert_eq!(
            err,
            MoveError::NotAllowed {
                from: Intake,
                to: Submitted
            }
        );
        assert_eq!(
            err.to_string(),
            "A case can't move from \"Intake\" to \"Submitted\"; from \"Intake\" it can go to \"Eligibility review\" or \"Withdrawn\"."
        );
    }

    #[test]
    fn only_attorneys_and_admins_record_approval_or_refusal() {
        for to in [Approved, Refused] {
            assert_eq!(
                check_move(Role::Paralegal, AwaitingDecision, to),
                Err(MoveError::OutcomeNeedsAttorney(to))
            );
            assert_eq!(check_move(Role::Attorney, AwaitingDecision, to), Ok(()));
            assert_eq!(check_move(Role::Admin, AwaitingDecision, to), Ok(()));
        }
        assert_eq!(
            check_move(Role::Paralegal, AwaitingDecision, Withdrawn),
            Ok(())
        );
    }

    #[test]
    fn viewers_and_applicants_move_nothing() {
        for role in [Role::Viewer, Role::Applicant] {
            for from in Stage::ALL {
                assert!(offered_moves(role, from).is_empty());
            }
        }
    }

    #[test]
    fn offered_moves_are_exactly_the_accepted_ones() {
        for role in Role::ALL {
            for from in Stage::ALL {
                for to in Stage::ALL {
                    assert_eq!(
                        offered_moves(role, from).contains(&to),
                        check_move(role, from, to).is_ok()
                    );
                }
            }
        }
    }

    #[test]
    fn every_stage_is_reachable_from_intake() {
        let mut seen = vec![Intake];
        let mut i = 0;
        while i < seen.len() {
            for next in seen[i].next_stages() {
                if !seen.contains(next) {
                    seen.push(*next);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), Stage::ALL.len());
    }

    #[test]
    fn codes_round_trip() {
        for s in Stage::ALL {
            assert_eq!(s.code().parse::<Stage>(), Ok(s));
        }
        assert_eq!(
            "nope".parse::<Stage>(),
            Err(MoveError::UnknownStage("nope".into()))
        );
    }
}
