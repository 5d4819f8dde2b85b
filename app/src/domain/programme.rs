//! The visa programmes Visadesk knows, shared by cases, checklists and
//! eligibility. Adding a programme starts here.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A visa or permit programme a case can be for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Programme {
    /// China: K visa for young science and technology talent (from 2025-10-01).
    #[serde(rename = "cn_k")]
    ChinaK,
    /// China: R visa for high-level talent.
    #[serde(rename = "cn_r")]
    ChinaR,
    /// China: Z visa, behind the Foreigner's Work Permit (A/B/C).
    #[serde(rename = "cn_z")]
    ChinaZ,
    /// United States: H-1B specialty occupation.
    UsH1b,
    /// Germany: EU Blue Card.
    #[serde(rename = "de_blue_card")]
    EuBlueCardDe,
}

impl Programme {
    /// Every programme, in the order the UI lists them.
    pub const ALL: [Programme; 5] = [
        Programme::ChinaK,
        Programme::ChinaR,
        Programme::ChinaZ,
        Programme::UsH1b,
        Programme::EuBlueCardDe,
    ];

    /// The stable code used in storage, URLs and the API.
    pub fn code(self) -> &'static str {
        match self {
            Programme::ChinaK => "cn_k",
            Programme::ChinaR => "cn_r",
            Programme::ChinaZ => "cn_z",
            Programme::UsH1b => "us_h1b",
            Programme::EuBlueCardDe => "de_blue_card",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Programme::ChinaK => "China K visa",
            Programme::ChinaR => "China R visa",
            Programme::ChinaZ => "China Z visa (work permit)",
            Programme::UsH1b => "US H-1B",
            Programme::EuBlueCardDe => "EU Blue Card (Germany)",
        }
    }

    /// ISO 3166-1 alpha-2 code of the country that issues it.
    pub fn country(self) -> &'static str {
        match self {
            Programme::ChinaK | Programme::ChinaR | Programme::ChinaZ => "CN",
            Programme::UsH1b => "US",
            Programme::EuBlueCardDe => "DE",
        }
    }
}

impl fmt::Display for Programme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A programme code Visadesk does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a programme Visadesk knows")]
pub struct UnknownProgramme(pub String);

impl FromStr for Programme {
    type Err = UnknownProgramme;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Programme::ALL
            .into_iter()
            .find(|p| p.code() == s.trim())
            .ok_or_else(|| UnknownProgramme(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for p in Programme::ALL {
            assert_eq!(p.code().parse::<Programme>(), Ok(p));
        }
        let mut codes: Vec<_> = Programme::ALL.iter().map(|p| p.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), Programme::ALL.len());
        assert!("cn_x".parse::<Programme>().is_err());
    }
}
