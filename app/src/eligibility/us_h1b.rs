//! The US H-1B for specialty occupations.

use super::result::{Criterion, ProgrammeResult, Status};
use super::rules::{combine, date, in_force, Check, Cite, Dated, Facts};
use super::words::{Label, Reason, Shown, ValueName};
use crate::domain::client::EducationLevel;
use crate::domain::Programme;

static STATUTE: Cite = Cite {
    citation: "INA 101(a)(15)(H)(i)(b) and 214(i); 8 CFR 214.2(h)(4)(iii)(A) specialty occupation, (C) degree, (D)(5) three years of specialised experience for each year of college-level training lacked",
    url: "https://www.ecfr.gov/current/title-8/chapter-I/subchapter-B/part-214/section-214.2",
};

static CAP: Cite = Cite {
    citation: "INA 214(g)(1)(A)(vii): 65,000 a year; INA 214(g)(5)(C): 20,000 more for US master's or higher; 214(g)(5)(A)-(B): cap-exempt employers",
    url: "https://www.uscis.gov/working-in-the-united-states/h-1b-specialty-occupations",
};

static PROCLAMATION: Cite = Cite {
    citation: "Presidential Proclamation \"Restriction on Entry of Certain Nonimmigrant Workers\" of 2025-09-19 (effective 12:01 a.m. EDT 2025-09-21, for 12 months unless extended); USCIS guidance of 2025-10-20",
    url: "https://www.whitehouse.gov/presidential-actions/2025/09/restriction-on-entry-of-certain-nonimmigrant-workers/",
};

/// The statute and regulations (the 1990 Act's specialty-occupation rules).
pub static RULES: Dated<()> = Dated {
    from: date(1991, 10, 1),
    until: None,
    value: (),
    cite: &STATUTE,
};

static CAP_RULE: Dated<()> = Dated {
    from: date(2004, 12, 8),
    until: None,
    value: (),
    cite: &CAP,
};

/// The $100,000 payment: `true` while the proclamation's first 12 months run.
pub static PAYMENT: [Dated<bool>; 2] = [
    Dated {
        from: date(2025, 9, 21),
        until: Some(date(2026, 9, 21)),
        value: true,
        cite: &PROCLAMATION,
    },
    Dated {
        from: date(2026, 9, 21),
        until: None,
        value: false,
        cite: &PROCLAMATION,
    },
];

/// Years of university study a bachelor's degree stands for.
const BACHELOR_YEARS: u32 = 4;

/// Years of study each level stands for, toward a bachelor's.
fn study_years(level: Option<EducationLevel>) -> u32 {
    match level {
        Some(EducationLevel::Bachelor | EducationLevel::Master | EducationLevel::Doctorate) => 4,
        Some(EducationLevel::Vocational) => 2,
        Some(EducationLevel::Secondary) | None => 0,
    }
}

/// Assesses the H-1B.
pub fn assess(f: &Facts) -> ProgrammeResult {
    let source = || RULES.source();
    let offer = f.offer_in("US");
    let mut criteria: Vec<Criterion> = Vec::with_capacity(6);

    let petition = Check::new("employer_petition", Label::H1bEmployerPetition, source());
    criteria.push(match (offer, f.offer_country()) {
        (Some(o), _) => {
            let p = petition
                .value(ValueName::Employer, &o.employer)
                .value(ValueName::Sponsors, o.employer_sponsors);
            match o.employer_sponsors {
                Some(true) => p.done(
                    Status::Met,
                    Reason::H1bPetition {
                        employer: o.employer.clone(),
                    },
                ),
                Some(false) => p.done(Status::NotMet, Reason::H1bNoPetition),
                None => p
                    .missing("eligibility.job_offer.employer_sponsors")
                    .done(Status::Missing, Reason::H1bPetitionUnknown),
            }
        }
        (None, Some(c)) => petition.value(ValueName::JobOfferCountry, c).done(
            Status::NotMet,
            Reason::H1bOfferElsewhere {
                country: c.to_string(),
            },
        ),
        (None, None) => petition
            .missing("eligibility.job_offer")
            .done(Status::Missing, Reason::H1bNoOffer),
    });

    let specialty = Check::new(
        "specialty_occupation",
        Label::H1bSpecialtyOccupation,
        source(),
    );
    criteria.push(
        match offer.map(|o| (o.specialty_occupation, o.occupation.as_str())) {
            Some((Some(true), occ)) => specialty
                .value(ValueName::Occupation, occ)
                .done(Status::Met, Reason::H1bSpecialty),
            Some((Some(false), occ)) => specialty
                .value(ValueName::Occupation, occ)
                .done(Status::NotMet, Reason::H1bNotSpecialty),
            _ => specialty
                .missing("eligibility.job_offer.specialty_occupation")
                .done(Status::Missing, Reason::H1bSpecialtyUnknown),
        },
    );

    let have = study_years(f.highest);
    let lacking = BACHELOR_YEARS.saturating_sub(have);
    let needed = lacking * 3;
    let years = f.experience_years;
    let degree = Check::new("degree", Label::H1bDegree, source())
        .value(ValueName::HighestEducation, Shown::Level(f.highest))
        .value(ValueName::YearsOfWork, years);
    criteria.push(if lacking == 0 {
        degree.done(Status::Met, Reason::H1bDegree)
    } else if years >= needed {
        degree.done(
            Status::Review,
            Reason::H1bExperienceInstead {
                lacking,
                years,
                needed,
            },
        )
    } else if f.profile.education.is_empty() {
        degree
            .missing("education")
            .done(Status::Missing, Reason::H1bNoEducation { needed, years })
    } else if !f.unreadable_work.is_empty() {
        let undated = f.undated_work();
        undated
            .into_iter()
            .fold(degree, |d, m| d.missing(m))
            .done(Status::Missing, Reason::H1bUndatedWork { lacking, needed })
    } else {
        degree.done(
            Status::NotMet,
            Reason::H1bTooLittle {
                lacking,
                years,
                needed,
            },
        )
    });

    let wage = Check::new("prevailing_wage", Label::H1bPrevailingWage, source());
    criteria.push(match offer.and_then(|o| o.prevailing_wage_met) {
        Some(true) => wage.done(Status::Met, Reason::H1bWageMet),
        Some(false) => wage.done(Status::NotMet, Reason::H1bWageUnder),
        None => wage
            .missing("eligibility.job_offer.prevailing_wage_met")
            .done(Status::Missing, Reason::H1bWageUnknown),
    });

    let us_master = f
        .degrees_from(EducationLevel::Master)
        .any(|e| e.country.trim().eq_ignore_ascii_case("US"));
    let exempt = offer.and_then(|o| o.cap_exempt_employer);
    let cap = Check::new("cap", Label::H1bCap, CAP_RULE.source())
        .value(ValueName::CapExemptEmployer, exempt)
        .value(ValueName::UsMastersOrHigher, Some(us_master));
    criteria.push(cap.done(
        Status::Info,
        match exempt {
            Some(true) => Reason::H1bCapExempt,
            _ if us_master => Reason::H1bCapMasters,
            _ => Reason::H1bCapRegular,
        },
    ));

    let payment = in_force(&PAYMENT, f.on);
    let in_us = f.facts().in_us;
    let pay = Check::new(
        "payment",
        Label::H1bPayment,
        match payment {
            Some(p) => p.source(),
            None => PAYMENT[0].source(),
        },
    )
    .value(ValueName::InTheUs, in_us)
    .value(ValueName::AssessmentDate, f.on);
    criteria.push(pay.done(
        Status::Info,
        match (payment.map(|p| p.value), in_us) {
            (None, _) => Reason::H1bPaymentNotYet,
            (Some(true), Some(true)) => Reason::H1bPaymentInUs,
            (Some(true), Some(false)) => Reason::H1bPaymentAbroad,
            (Some(true), None) => Reason::H1bPaymentWhereUnknown,
            (Some(false), _) => Reason::H1bPaymentLapsed,
        },
    ));
    combine(Programme::UsH1b, criteria)
}
