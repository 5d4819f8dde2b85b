//! China's R visa for high-level foreign talent: the Category A standard of
//! the work-permit system, settled by a confirmation letter.

use super::china_z::{classify, Classification};
use super::result::{Outcome, ProgrammeResult, Status};
use super::rules::{date, finish, Check, Cite, Dated, Facts};
use super::words::{Label, Reason, Summary, ValueName};
use crate::domain::Programme;
use std::borrow::Cow;

static REGULATIONS: Cite = Cite {
    citation: "Regulations of the PRC on the Administration of the Entry and Exit of Foreigners (State Council Decree No. 637), art. 6: R visas for high-level foreign talent and urgently needed specialists; Measures for the Foreign Talent Visa System (外专发〔2017〕218号), art. 4: Category A standard",
    url: "",
};

/// The regulations, in force from 2013-09-01.
pub static REGULATIONS_2013: Dated<()> = Dated {
    from: date(2013, 9, 1),
    until: None,
    value: (),
    cite: &REGULATIONS,
};

/// Assesses the R visa.
pub fn assess(f: &Facts) -> ProgrammeResult {
    let source = || REGULATIONS_2013.source();
    if !REGULATIONS_2013.in_force(f.on) || !super::china_z::STANDARD_2017.in_force(f.on) {
        let c = Check::new("in_force", Label::RInForce, source())
            .value(ValueName::AssessmentDate, f.on)
            .done(Status::Review, Reason::RBeforeStandard);
        return finish(Programme::ChinaR, Outcome::NeedsReview, vec![c], None);
    }
    let letter = f.facts().talent_confirmation_letter;
    let Classification {
        category,
        a_open,
        points,
        criteria: work_permit,
    } = classify(f);
    let mut criteria = Vec::with_capacity(3);
    let check = Check::new("confirmation_letter", Label::RConfirmationLetter, source())
        .value(ValueName::LetterOnFile, letter);
    let category_a = work_permit
        .into_iter()
        .find(|c| c.id == "category_a")
        .map(|mut c| {
            if letter == Some(true) {
                c.status = Status::Info;
                c.missing.clear();
            } else if let Some(facts) = &a_open {
                // Open for the R visa even where Category B settles the permit.
                c.status = Status::Missing;
                c.missing = facts.iter().map(|m| Cow::Borrowed(*m)).collect();
            }
            c
        });
    let a_status = category_a.as_ref().map(|c| c.status);
    let (outcome, summary) = if letter == Some(true) {
        criteria.push(check.done(Status::Met, Reason::RLetterOnFile));
        (Outcome::Eligible, Summary::RLetterOnFile)
    } else {
        let letter_status = if a_status == Some(Status::Met) {
            Status::Review
        } else {
            Status::Info
        };
        criteria.push(check.done(letter_status, Reason::RLetterDecides));
        match a_status {
            Some(Status::Met) => (Outcome::NeedsReview, Summary::RMeetsCategoryA),
            Some(Status::Missing) => (Outcome::NeedsInformation, Summary::RDependsOnMissing),
            _ => (Outcome::Ineligible, Summary::RBelowCategoryA),
        }
    };
    criteria.extend(category_a);
    let mut result = finish(Programme::ChinaR, outcome, criteria, Some(summary));
    result.category = category.map(|c| Cow::Owned(c.to_string()));
    result.points = Some(points);
    result
}
