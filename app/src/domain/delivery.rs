//! How each person wants to hear by email: per category, at once, in the
//! daily digest, or not by email; and when the firm's digest goes out.
//! Security emails cannot be turned off.

use super::mail::MailCategory;
use super::problem::Problem;
use super::Role;
use serde::{Deserialize, Serialize};

/// How one category of email reaches a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// An email of its own, as it happens.
    AtOnce,
    /// A line in the next daily digest.
    Digest,
    /// No email (staff still see it behind the bell).
    Off,
}

impl Delivery {
    /// Every choice, in the order the form offers them.
    pub const ALL: [Delivery; 3] = [Delivery::AtOnce, Delivery::Digest, Delivery::Off];

    /// The stored and wire code.
    pub fn code(self) -> &'static str {
        match self {
            Delivery::AtOnce => "at_once",
            Delivery::Digest => "digest",
            Delivery::Off => "off",
        }
    }

    /// The choice with this code.
    pub fn from_code(code: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The words shown for it.
    pub fn label(self) -> &'static str {
        match self {
            Delivery::AtOnce => "At once",
            Delivery::Digest => "In the daily digest",
            Delivery::Off => "No email",
        }
    }
}

/// The categories a person with `role` chooses for, in the form's order.
pub fn categories_for(role: Role) -> &'static [MailCategory] {
    use MailCategory::*;
    if role.is_staff() {
        &[DocumentUploaded, Message, TaskAssigned, Digest]
    } else {
        &[StageChanged, DocumentReviewed, ItemAdded, Message]
    }
}

/// What one may choose for `category`: the digest itself is either sent or
/// not; everything else may also come at once.
pub fn choices(category: MailCategory) -> &'static [Delivery] {
    match category {
        MailCategory::Digest => &[Delivery::Digest, Delivery::Off],
        _ => &Delivery::ALL,
    }
}

/// What a person gets until they choose: every email at once, and (staff)
/// the daily digest.
pub fn default_delivery(category: MailCategory) -> Delivery {
    match category {
        MailCategory::Digest => Delivery::Digest,
        _ => Delivery::AtOnce,
    }
}

/// One row of the preference form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPreference {
    pub category: MailCategory,
    pub delivery: Delivery,
    /// What may be chosen for it.
    pub choices: Vec<Delivery>,
}

/// When the firm's daily digest goes out: an hour of the day in its time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestSchedule {
    /// An IANA time zone name, such as `Asia/Shanghai`.
    pub time_zone: String,
    /// The hour (0 to 23, local time) from which the day's digest is sent.
    pub hour: u8,
}

impl Default for DigestSchedule {
    fn default() -> Self {
        DigestSchedule {
            time_zone: "UTC".into(),
            hour: 8,
        }
    }
}

impl DigestSchedule {
    /// "08:00 (Asia/Shanghai)".
    pub fn describe(&self) -> String {
        format!("{:02}:00 ({})", self.hour, self.time_zone)
    }
}

/// Time zones offered in the digest form (any IANA name is accepted).
pub const COMMON_TIME_ZONES: [&str; 24] = [
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Zurich",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Vancouver",
    "UTC",
];

/// Checks a digest hour: 0 to 23.
pub fn check_digest_hour(hour: u8) -> Result<u8, Problem> {
    if hour > 23 {
        return Err(Problem::NoSuchHour(hour));
    }
    Ok(hour)
}

/// A person's email choices, and what they cannot turn off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPreferences {
    pub preferences: Vec<MailPreference>,
    /// Sent whatever is chosen (password reset, password changed).
    pub always: Vec<MailCategory>,
    /// When the daily digest goes out.
    pub digest: DigestSchedule,
}

/// The choices a preference form sends: one field per category that may be
/// chosen; a category left out keeps what it had.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailChoices {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_changed: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_reviewed: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_added: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_uploaded: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_assigned: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<Delivery>,
}

impl MailChoices {
    /// The categories chosen, with the choice.
    pub fn entries(&self) -> Vec<(MailCategory, Delivery)> {
        use MailCategory::*;
        [
            (StageChanged, self.stage_changed),
            (DocumentReviewed, self.document_reviewed),
            (ItemAdded, self.item_added),
            (DocumentUploaded, self.document_uploaded),
            (TaskAssigned, self.task_assigned),
            (Message, self.message),
            (Digest, self.digest),
        ]
        .into_iter()
        .filter_map(|(c, d)| d.map(|d| (c, d)))
        .collect()
    }

    /// Checks every choice against what `role` may choose. The error names
    /// the form field (`choices[task_assigned]`) and says why.
    pub fn check(&self, role: Role) -> Result<Vec<(MailCategory, Delivery)>, (String, Problem)> {
        let entries = self.entries();
        for (category, delivery) in &entries {
            let field = format!("choices[{}]", category.code());
            if !categories_for(role).contains(category) {
                return Err((field, Problem::MailNotSent(*category)));
            }
            if !choices(*category).contains(delivery) {
                return Err((
                    field,
                    Problem::MailDelivery {
                        category: *category,
                        chosen: *delivery,
                        allowed: choices(*category).to_vec(),
                    },
                ));
            }
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for d in Delivery::ALL {
            assert_eq!(Delivery::from_code(d.code()), Some(d));
        }
    }

    #[test]
    fn security_emails_are_never_a_choice() {
        for role in Role::ALL {
            assert!(categories_for(role).iter().all(|c| !c.is_security()));
        }
    }

    #[test]
    fn applicants_cannot_choose_for_staff_email_nor_get_the_digest_at_once() {
        let staff_only = MailChoices {
            task_assigned: Some(Delivery::Off),
            ..Default::default()
        };
        let (field, problem) = staff_only.check(Role::Applicant).unwrap_err();
        let message = problem.to_string();
        assert_eq!(field, "choices[task_assigned]");
        assert!(message.contains("Task assigned"), "{message}");
        assert!(staff_only.check(Role::Paralegal).is_ok());
        let digest_at_once = MailChoices {
            digest: Some(Delivery::AtOnce),
            ..Default::default()
        };
        let (field, problem) = digest_at_once.check(Role::Attorney).unwrap_err();
        let message = problem.to_string();
        assert_eq!(field, "choices[digest]");
        assert!(
            message.contains("\"In the daily digest\" or \"No email\""),
            "{message}"
        );
    }

    #[test]
    fn a_day_has_hours_0_to_23() {
        assert_eq!(check_digest_hour(0), Ok(0));
        assert_eq!(check_digest_hour(23), Ok(23));
        assert_eq!(check_digest_hour(24), Err(Problem::NoSuchHour(24)));
    }
}
