//! Clients of the firm and the profile facts eligibility reads.

use super::id::ClientId;
use super::Language;
use crate::eligibility::{EligibilityFacts, Profile};
use serde::{Deserialize, Serialize};

/// Longest free-text field (names, employers, institutions...).
pub const TEXT_MAX_CHARS: usize = 200;
/// Most entries in each profile list (education, work, languages).
pub const LIST_MAX: usize = 20;
/// Clients per page of the list.
pub const CLIENT_PAGE_SIZE: i64 = 25;
/// A search lists at most this many matches, then says there are more.
pub const SEARCH_COUNT_CAP: i64 = 250;

/// Highest level of an education entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EducationLevel {
    Secondary,
    Vocational,
    Bachelor,
    Master,
    Doctorate,
}

impl EducationLevel {
    /// Lowest to highest.
    pub const ALL: [EducationLevel; 5] = [
        EducationLevel::Secondary,
        EducationLevel::Vocational,
        EducationLevel::Bachelor,
        EducationLevel::Master,
        EducationLevel::Doctorate,
    ];

    /// The stable code used in forms and storage.
    pub fn code(self) -> &'static str {
        match self {
            EducationLevel::Secondary => "secondary",
            EducationLevel::Vocational => "vocational",
            EducationLevel::Bachelor => "bachelor",
            EducationLevel::Master => "master",
            EducationLevel::Doctorate => "doctorate",
        }
    }

    /// The name staff see.
    pub fn label(self) -> &'static str {
        match self {
            EducationLevel::Secondary => "Secondary school",
            EducationLevel::Vocational => "Vocational / associate",
            EducationLevel::Bachelor => "Bachelor's degree",
            EducationLevel::Master => "Master's degree",
            EducationLevel::Doctorate => "Doctorate",
        }
    }

    /// The level with this code.
    pub fn from_code(code: &str) -> Option<EducationLevel> {
        EducationLevel::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// A completed (or expected) qualification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Education {
    pub level: EducationLevel,
    #[serde(default)]
    pub field: String,
    /// Science, technology, engineering or mathematics.
    #[serde(default)]
    pub stem: bool,
    #[serde(default)]
    pub institution: String,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country: String,
    /// `YYYY-MM-DD`, or empty when unknown.
    #[serde(default)]
    pub completed_on: String,
}

/// A job held.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Work {
    pub role: String,
    pub employer: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub start_on: String,
    /// `YYYY-MM-DD`, or empty while current.
    pub end_on: String,
    /// Research or teaching at a university or research institute.
    pub research_or_teaching: bool,
}

/// A language and, if any, a test result (HSK 5, IELTS 7.5, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LanguageSkill {
    pub language: String,
    pub test: String,
    pub level: String,
}

/// A client's details as entered on the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInput {
    /// The name in any script, e.g. 王伟.
    pub full_name: String,
    /// The name in Latin letters as in the passport, e.g. WANG Wei.
    pub latin_name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    /// `YYYY-MM-DD`, or empty.
    pub date_of_birth: String,
    /// ISO 3166-1 alpha-2, e.g. IN.
    pub nationality: String,
    pub passport_number: String,
    /// `YYYY-MM-DD`, or empty.
    pub passport_expiry: String,
    pub education: Vec<Education>,
    pub work: Vec<Work>,
    pub languages: Vec<LanguageSkill>,
    /// The job offer and confirmations eligibility reads.
    #[serde(default)]
    pub eligibility: EligibilityFacts,
    /// The language the firm writes to the client in (their invitation and
    /// portal account).
    #[serde(default)]
    pub preferred_language: Language,
}

impl ClientInput {
    /// The part of the client the eligibility engine reads.
    pub fn eligibility_profile(&self) -> Profile {
        Profile {
            date_of_birth: self.date_of_birth.clone(),
            nationality: self.nationality.clone(),
            education: self.education.clone(),
            work: self.work.clone(),
            languages: self.languages.clone(),
            eligibility: self.eligibility.clone(),
        }
    }
}

/// A stored client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub id: ClientId,
    /// Bumped by every save; a save based on an older version is a conflict.
    pub version: i64,
    pub details: ClientInput,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// A client as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub id: ClientId,
    pub full_name: String,
    pub latin_name: String,
    pub email: String,
    pub nationality: String,
    pub passport_number: String,
    pub updated_at: i64,
}

/// How the client list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientSort {
    #[default]
    Name,
    #[serde(rename = "updated")]
    RecentlyUpdated,
    Nationality,
}

impl ClientSort {
    /// Every order, as offered in the list.
    pub const ALL: [ClientSort; 3] = [
        ClientSort::Name,
        ClientSort::RecentlyUpdated,
        ClientSort::Nationality,
    ];

    /// The code used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            ClientSort::Name => "name",
            ClientSort::RecentlyUpdated => "updated",
            ClientSort::Nationality => "nationality",
        }
    }

    /// The label in the list's sort menu.
    pub fn label(self) -> &'static str {
        match self {
            ClientSort::Name => "Name",
            ClientSort::RecentlyUpdated => "Recently updated",
            ClientSort::Nationality => "Nationality",
        }
    }

    /// The order with this code (default: by name).
    pub fn from_code(code: &str) -> ClientSort {
        ClientSort::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .unwrap_or_default()
    }
}

/// A page of the client list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPage {
    pub clients: Vec<ClientSummary>,
    /// How many match (with `more`: how many are listed).
    pub total: i64,
    /// The search matched more than [`SEARCH_COUNT_CAP`] clients; the first
    /// that many found are listed.
    pub more: bool,
    pub page: i64,
}

/// The result of saving a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveOutcome {
    /// Saved; this is the stored client.
    Saved(Client),
    /// Not saved: other clients have the same email or passport number.
    /// Save again with `confirm_duplicate` to keep both.
    PossibleDuplicate(Vec<ClientSummary>),
    /// Not saved: someone saved this client since it was opened. This is the
    /// current version; what the person typed stays in their form.
    Conflict(Client),
}

mod validation;

pub use validation::{changed_fields, validate_client, FieldMessage};
pub(crate) use validation::{date, err, text};
