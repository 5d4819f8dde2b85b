//! China's K visa for young foreign science and technology talent.

use super::result::{Criterion, ProgrammeResult, Status};
use super::rules::{combine, date, yes_no, Check, Cite, Dated, Facts};
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
        let c = check("in_force", "The K visa exists on the assessment date")
            .value("assessment date", f.on)
            .done(
                Status::NotMet,
                "The K visa does not exist before 2025-10-01, when Decree No. 814 took effect.",
            );
        return combine(Programme::ChinaK, vec![c]);
    }
    let facts = f.facts();
    let mut criteria: Vec<Criterion> = Vec::with_capacity(5);

    let max = f.settings.k_visa_max_age;
    let age = check("age", "Young (at most the firm's age limit)").setting("k_visa_max_age");
    criteria.push(match f.age {
        None => age.missing("date_of_birth").done(
            Status::Missing,
            "The date of birth is needed to judge \"young\".",
        ),
        Some(a) => {
            let age = age.value("age", a).value("firm's age limit", max);
            if a <= max {
                age.done(Status::Met, format!("Aged {a}, within the firm's limit of {max}. The decree sets no age limit; the limit is the firm's assumption."))
            } else {
                age.done(Status::NotMet, format!("Aged {a}, over the firm's limit of {max}. The decree sets no age limit; the limit is the firm's assumption."))
            }
        }
    });

    let stem_degree = f.degrees_from(EducationLevel::Bachelor).find(|e| e.stem);
    let researcher = f.profile.work.iter().find(|w| w.research_or_teaching);
    let talent = check(
        "stem_talent",
        "STEM bachelor's degree or higher, or STEM teaching or research",
    );
    criteria.push(match (stem_degree, researcher) {
        (Some(e), _) => talent
            .value("degree", format!("{} in {}", e.level.label(), e.field))
            .value("institution", &e.institution)
            .done(Status::Met, format!("Holds a {} in a STEM field ({}).", e.level.label().to_lowercase(), e.field)),
        (None, Some(w)) => talent
            .value("teaching or research", format!("{} at {}", w.role, w.employer))
            .done(Status::Review, format!("Teaches or does research ({} at {}); confirm the field is science, technology, engineering or mathematics.", w.role, w.employer)),
        (None, None) if f.profile.education.is_empty() => talent
            .missing("education")
            .done(Status::Missing, "No education is recorded, and no teaching or research."),
        (None, None) => talent
            .value("highest education", f.highest.map(|l| l.label()).unwrap_or("none"))
            .done(Status::NotMet, "No STEM bachelor's degree or higher, and no teaching or research at a university or research institution."),
    });

    let known = check(
        "institution_standing",
        "The university or institution is well-known",
    )
    .value(
        "confirmed by the firm",
        yes_no(facts.institution_well_known),
    );
    criteria.push(match facts.institution_well_known {
        Some(true) => known.done(Status::Met, "The firm has confirmed the institution is well-known."),
        Some(false) => known.done(Status::NotMet, "The firm judged the institution not well-known."),
        None => known.done(Status::Review, "The decree asks for a \"well-known\" university or research institution in China or abroad and does not define it: the firm must judge."),
    });

    criteria.push(check("no_sponsor", "No employer or inviting entity needed").done(
        Status::Info,
        "No domestic employer or inviter is required. Whether the visa permits full employment is not stated.",
    ));
    criteria.push(check("authority_conditions", "Conditions set by the authorities").done(
        Status::Info,
        "The competent authorities also set conditions on age, education and work experience that are not published in numbers; check the consulate's current list. Documents: degree certificate and proof of relevant work or research.",
    ));
    combine(Programme::ChinaK, criteria)
}
