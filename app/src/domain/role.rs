//! The roles a person can hold in a firm's Visadesk.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Who someone is to the firm; decides what they may see and do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the workspace: users, settings, everything else.
    Admin,
    /// Handles every client and case and decides outcomes.
    Attorney,
    /// Prepares the cases assigned to them.
    Paralegal,
    /// Reads, changes nothing.
    Viewer,
    /// A client of the firm, seen only in the applicant portal.
    Applicant,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Attorney,
        Role::Paralegal,
        Role::Viewer,
        Role::Applicant,
    ];

    /// The roles of firm staff, which an admin can give on the admin page.
    pub const STAFF: [Role; 4] = [Role::Admin, Role::Attorney, Role::Paralegal, Role::Viewer];

    /// The stable name used in storage, URLs and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Attorney => "attorney",
            Role::Paralegal => "paralegal",
            Role::Viewer => "viewer",
            Role::Applicant => "applicant",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Attorney => "Attorney",
            Role::Paralegal => "Paralegal",
            Role::Viewer => "Viewer",
            Role::Applicant => "Applicant",
        }
    }

    /// True for firm staff (everyone but applicants).
    pub fn is_staff(self) -> bool {
        self != Role::Applicant
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that Visadesk does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a role; choose one of admin, attorney, paralegal, viewer or applicant")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn an_unknown_role_is_refused_with_the_choices() {
        let err = "owner".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("\"owner\" is not a role"));
        assert!(err.to_string().contains("paralegal"));
    }

    #[test]
    fn applicants_are_not_staff() {
        assert!(!Role::Applicant.is_staff());
        assert!(Role::STAFF.iter().all(|r| r.is_staff()));
    }
}
