//! The eligibility engine: pure rules, compiled into the server and the
//! browser. No Leptos, no I/O, no clock: the assessment date is an input, so
//! the same profile, date and settings always give the same answer.
//!
//! Adding a programme: a module with an `assess(&Facts) -> ProgrammeResult`
//! and its dated sources, one line in [`RULE_SETS`], its labels and reasons
//! in [`words`], and their words in every catalogue (`eligibility.*`,
//! worded by `crate::i18n::eligibility`).

mod china_k;
mod china_r;
mod china_z;
mod de_blue_card;
mod legacy;
mod profile;
mod result;
mod rules;
mod settings;
mod us_h1b;
mod words;

pub use de_blue_card::is_open_ended;
pub use legacy::read_saved;
pub use profile::{parse_cents, parse_count, EligibilityFacts, JobOffer, Profile};
pub use result::{
    Assessment, Criterion, Outcome, Points, PointsFactor, ProgrammeResult, Source, Status, Value,
};
pub use settings::{Settings, AGE_SETTING_RANGE};
pub use words::{Factor, Label, Money, Reason, Scored, Shown, Summary, Threshold, ValueName};

use crate::domain::date::Date;
use crate::domain::Programme;
use rules::Facts;
use std::borrow::Cow;

/// The version of the rule set, stored with every saved assessment. Bump it
/// whenever a rule, threshold or source changes.
pub const RULES_VERSION: &str = "2026.11.1";

/// A programme's rule set: the facts in, the result out.
type RuleSet = fn(&Facts) -> ProgrammeResult;

/// Every programme the engine checks, in the order the panel shows them.
const RULE_SETS: [(Programme, RuleSet); 5] = [
    (Programme::ChinaK, china_k::assess),
    (Programme::ChinaR, china_r::assess),
    (Programme::ChinaZ, china_z::assess),
    (Programme::UsH1b, us_h1b::assess),
    (Programme::EuBlueCardDe, de_blue_card::assess),
];

/// The programmes the engine checks, in panel order.
pub fn programmes() -> impl Iterator<Item = Programme> {
    RULE_SETS.iter().map(|(p, _)| *p)
}

/// Assesses `profile` on `on` for every programme, or only `only`.
pub fn assess(
    profile: &Profile,
    on: Date,
    settings: &Settings,
    only: Option<Programme>,
) -> Assessment {
    let facts = Facts::new(profile, on, settings);
    Assessment {
        on,
        rules_version: Cow::Borrowed(RULES_VERSION),
        settings: *settings,
        programmes: RULE_SETS
            .iter()
            .filter(|(p, _)| only.is_none_or(|o| o == *p))
            .map(|(_, rule_set)| rule_set(&facts))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
