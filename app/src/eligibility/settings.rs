//! Firm settings: thresholds where a public source is vague. Admins edit
//! them; the server and the browser assess with the same values.

use crate::domain::problem::{Problem, Thing};
use serde::{Deserialize, Serialize};

/// Thresholds the firm sets. Each criterion that rests on one says so.
/// Every setting must be given: a form or file that leaves one out is
/// refused rather than quietly putting back a default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The oldest age the firm treats as "young" for the China K visa. The
    /// decree sets no number; default 45 (the firm's assumption).
    pub k_visa_max_age: u32,
    /// The oldest age for a China work permit Category B. The standard says
    /// "not over 60" and allows exceptions where truly needed; default 60.
    pub z_permit_b_max_age: u32,
}

/// The youngest and oldest ages a setting may hold.
pub const AGE_SETTING_RANGE: (u32, u32) = (18, 99);

impl Default for Settings {
    fn default() -> Self {
        Settings {
            k_visa_max_age: 45,
            z_permit_b_max_age: 60,
        }
    }
}

impl Settings {
    /// Refuses values no firm could mean, naming the setting.
    pub fn check(&self) -> Result<(), (&'static str, Problem)> {
        let (lo, hi) = AGE_SETTING_RANGE;
        for (name, thing, value) in [
            ("k_visa_max_age", Thing::KVisaAgeLimit, self.k_visa_max_age),
            (
                "z_permit_b_max_age",
                Thing::WorkPermitBAgeLimit,
                self.z_permit_b_max_age,
            ),
        ] {
            if !(lo..=hi).contains(&value) {
                return Err((name, Problem::OutOfRange { thing, lo, hi }));
            }
        }
        Ok(())
    }
}
