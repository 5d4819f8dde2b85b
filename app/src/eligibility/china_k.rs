//! China's K visa for young foreign science and technology talent.

use super::result::{Criterion, ProgrammeResult, Status};
use super::rules::{combine, date, Check, Cite, Dated, Facts};
use super::words::{Label, Reason, Shown, ValueName};
use crate::domain::client::EducationLevel;
use crate::domain::Programme;

static DECREE_814: Cite = Cite {
    citation: "State Council Decree No. 814 (signed 2025-08-07) amending the Regulations on the Administration of the Entry and Exit of Foreigners, art. 6(6) and 7(1)(6); official Q&A on the K visa",
    url: "",
};

/// The decree, in force from 2025-10-01.
pub static PROGRAMME: Dated<()> = Dated {
    from: date(2025, 10, 1),
    until: None,
    value: (),
    cite: &DECREE_814,
};

/// Assesses the K visa.
pub fn assess(f: &Facts) -> ProgrammeResult {
    let source = || PROGRAMME.source();
    let check = |id, label| Check::new(id, label, source());
    if !PROGRAMME.in_force(f.on) {
        let c = check("in_force", Label::KInForce)
            .value(ValueName::AssessmentDate, f.on)
            .done(Status::NotMet, Reason::KNotYet);
        return combine(Programme::ChinaK, vec![c]);
    }
    let facts = f.facts();
    let mut criteria: Vec<Criterion> = Vec::with_capacity(5);

    let max = f.settings.k_visa_max_age;
    let age = check("age", Label::KAge).setting("k_visa_max_age");
    criteria.push(match f.age {
        None => age
            .missing("date_of_birth")
            .done(Status::Missing, Reason::KAgeNeedsBirthDate),
        Some(a) => {
            let age = age
                .value(ValueName::Age, a)
                .value(ValueName::FirmAgeLimit, max);
            if a <= max {
                age.done(Status::Met, Reason::KAgeWithin { age: a, max })
            } else {
                age.done(Status::NotMet, Reason::KAgeOver { age: a, max })
            }
        }
    });

    let stem_degree = f.degrees_from(EducationLevel::Bachelor).find(|e| e.stem);
    let researcher = f.profile.work.iter().find(|w| w.research_or_teaching);
    let talent = check("stem_talent", Label::KStemTalent);
    criteria.push(match (stem_degree, researcher) {
        (Some(e), _) => talent
            .value(
                ValueName::Degree,
                Shown::Degree {
                    level: e.level,
                    field: e.field.clone(),
                },
            )
            .value(ValueName::Institution, &e.institution)
            .done(
                Status::Met,
                Reason::KStemDegree {
                    level: e.level,
                    field: e.field.clone(),
                },
            ),
        (None, Some(w)) => talent
            .value(
                ValueName::TeachingOrResearch,
                Shown::Job {
                    role: w.role.clone(),
                    employer: w.employer.clone(),
                },
            )
            .done(
                Status::Review,
                Reason::KTeachingOrResearch {
                    role: w.role.clone(),
                    employer: w.employer.clone(),
                },
            ),
        (None, None) if f.profile.education.is_empty() => talent
            .missing("education")
            .done(Status::Missing, Reason::KNoEducation),
        (None, None) => talent
            .value(ValueName::HighestEducation, Shown::Level(f.highest))
            .done(Status::NotMet, Reason::KNoStem),
    });

    let known = check("institution_standing", Label::KInstitutionStanding)
        .value(ValueName::ConfirmedByFirm, facts.institution_well_known);
    criteria.push(match facts.institution_well_known {
        Some(true) => known.done(Status::Met, Reason::KInstitutionConfirmed),
        Some(false) => known.done(Status::NotMet, Reason::KInstitutionNotKnown),
        None => known.done(Status::Review, Reason::KInstitutionUndefined),
    });

    criteria.push(check("no_sponsor", Label::KNoSponsor).done(Status::Info, Reason::KNoSponsor));
    criteria.push(
        check("authority_conditions", Label::KAuthorityConditions)
            .done(Status::Info, Reason::KAuthorityConditions),
    );
    combine(Programme::ChinaK, criteria)
}
