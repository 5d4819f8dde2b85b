//! The one permission matrix (role x action). The UI uses it to hide what a
//! role may not do; the server uses it to refuse.

use super::Role;
use serde::{Deserialize, Serialize};

/// Something a person may or may not do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the staff dashboard.
    ViewDashboard,
    /// See client records.
    ViewClients,
    /// See cases.
    ViewCases,
    /// List, create, re-role and deactivate users.
    ManageUsers,
    /// See and end one's own sessions.
    ManageOwnSessions,
    /// Browse the audit trail.
    ViewAudit,
    /// Create and edit client records.
    EditClients,
    /// Open new cases.
    CreateCases,
    /// Change a case: its stage, details, tasks, checklist and document
    /// reviews (which cases also depends on who they are assigned to).
    EditCases,
    /// Change any case, not only those assigned to one as paralegal.
    EditAnyCase,
    /// Change who a case is assigned to.
    AssignCases,
    /// Record a case's decision (Approved or Refused).
    RecordDecisions,
    /// Save an eligibility assessment on a case.
    SaveAssessments,
    /// Change the firm's settings (eligibility, the firm's name in emails).
    EditFirmSettings,
    /// See the outbox of email, read queued email and retry failed email.
    ManageOutbox,
}

impl Permission {
    /// Every permission, in the order of the matrix.
    pub const ALL: [Permission; 15] = [
        Permission::ViewDashboard,
        Permission::ViewClients,
        Permission::ViewCases,
        Permission::ManageUsers,
        Permission::ManageOwnSessions,
        Permission::ViewAudit,
        Permission::EditClients,
        Permission::CreateCases,
        Permission::EditCases,
        Permission::EditAnyCase,
        Permission::AssignCases,
        Permission::RecordDecisions,
        Permission::SaveAssessments,
        Permission::EditFirmSettings,
        Permission::ManageOutbox,
    ];

    /// The stable name used in the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Permission::ViewDashboard => "view_dashboard",
            Permission::ViewClients => "view_clients",
            Permission::ViewCases => "view_cases",
            Permission::ManageUsers => "manage_users",
            Permission::ManageOwnSessions => "manage_own_sessions",
            Permission::ViewAudit => "view_audit",
            Permission::EditClients => "edit_clients",
            Permission::CreateCases => "create_cases",
            Permission::EditCases => "edit_cases",
            Permission::EditAnyCase => "edit_any_case",
            Permission::AssignCases => "assign_cases",
            Permission::RecordDecisions => "record_decisions",
            Permission::SaveAssessments => "save_assessments",
            Permission::EditFirmSettings => "edit_firm_settings",
            Permission::ManageOutbox => "manage_outbox",
        }
    }
}

/// Whether `role` may do `permission`.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match permission {
        ViewDashboard | ViewClients | ViewCases => {
            matches!(role, Admin | Attorney | Paralegal | Viewer)
        }
        ManageUsers | ViewAudit | EditFirmSettings | ManageOutbox => role == Admin,
        EditClients | CreateCases | EditCases | SaveAssessments => {
            matches!(role, Admin | Attorney | Paralegal)
        }
        EditAnyCase | AssignCases | RecordDecisions => matches!(role, Admin | Attorney),
        ManageOwnSessions => true,
    }
}

impl Role {
    /// Whether this role may do `permission` (see [`allows`]).
    pub fn can(self, permission: Permission) -> bool {
        allows(self, permission)
    }
}

/// A top-level area of the staff workspace, as shown in the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Dashboard,
    Clients,
    Cases,
    Admin,
}

impl Section {
    /// The sections in navigation order.
    pub const ALL: [Section; 4] = [
        Section::Dashboard,
        Section::Clients,
        Section::Cases,
        Section::Admin,
    ];

    /// The path the section lives at.
    pub fn path(self) -> &'static str {
        match self {
            Section::Dashboard => "/",
            Section::Clients => "/clients",
            Section::Cases => "/cases",
            Section::Admin => "/admin",
        }
    }

    /// The label in the navigation.
    pub fn label(self) -> &'static str {
        match self {
            Section::Dashboard => "Dashboard",
            Section::Clients => "Clients",
            Section::Cases => "Cases",
            Section::Admin => "Admin",
        }
    }

    /// What a role needs to enter the section.
    pub fn permission(self) -> Permission {
        match self {
            Section::Dashboard => Permission::ViewDashboard,
            Section::Clients => Permission::ViewClients,
            Section::Cases => Permission::ViewCases,
            Section::Admin => Permission::ManageUsers,
        }
    }

    /// The sections a role sees in the navigation.
    pub fn visible_to(role: Role) -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|s| role.can(s.permission()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;
    use Role::*;

    /// The matrix spelled out: a change to `allows` must change this table
    /// too, and a new permission (in [`Permission::ALL`]) needs a column here
    /// before this compiles.
    const MATRIX: [(Role, [bool; Permission::ALL.len()]); 5] = {
        const T: bool = true;
        const F: bool = false;
        [
            // dash clients cases users own-sessions audit edit-clients create-cases
            // edit-cases edit-any-case assign decide assessments settings outbox
            (Admin, [T, T, T, T, T, T, T, T, T, T, T, T, T, T, T]),
            (Attorney, [T, T, T, F, T, F, T, T, T, T, T, T, T, F, F]),
            (Paralegal, [T, T, T, F, T, F, T, T, T, F, F, F, T, F, F]),
            (Viewer, [T, T, T, F, T, F, F, F, F, F, F, F, F, F, F]),
            (Applicant, [F, F, F, F, T, F, F, F, F, F, F, F, F, F, F]),
        ]
    };

    #[test]
    fn every_permission_is_listed_once_with_its_own_code() {
        let mut codes: Vec<&str> = Permission::ALL.iter().map(|p| p.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Permission::ALL.len());
    }

    #[test]
    fn the_matrix_is_exactly_as_specified() {
        for (role, row) in MATRIX {
            for (permission, expected) in Permission::ALL.into_iter().zip(row) {
                assert_eq!(
                    allows(role, permission),
                    expected,
                    "{role:?} x {permission:?}"
                );
            }
        }
    }

    #[test]
    fn only_admins_see_the_admin_section() {
        assert_eq!(Section::visible_to(Admin), Section::ALL.to_vec());
        for role in [Attorney, Paralegal, Viewer] {
            assert!(!Section::visible_to(role).contains(&Section::Admin));
            assert!(Section::visible_to(role).contains(&Section::Cases));
        }
        assert!(Section::visible_to(Applicant).is_empty());
        assert!(!ManageUsers.eq(&ViewCases));
    }
}
