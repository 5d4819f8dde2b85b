//! The eligibility engine's words (`crate::eligibility::words`) in the
//! reader's language: labels, reasons, values, points factors, summaries
//! and missing fields. One `match` per kind, so a label or reason the
//! engine gains does not compile until every language words it.

use super::format::{date, money};
use super::names::{education_level, programme};
use super::{td_string, Locale};
use crate::domain::client::EducationLevel;
use crate::domain::Programme;
use crate::eligibility::{
    Factor, Label, Outcome, Reason, Scored, Shown, Status, Summary, Threshold, ValueName,
};

mod worded;
pub use worded::{
    worded, WordedAssessment, WordedCriterion, WordedFactor, WordedPoints, WordedProgramme,
    WordedValue,
};

/// An outcome's name: "Eligible", "符合条件".
pub fn outcome(l: Locale, o: Outcome) -> &'static str {
    match o {
        Outcome::Eligible => td_string!(l, eligibility.outcomes.eligible),
        Outcome::Ineligible => td_string!(l, eligibility.outcomes.ineligible),
        Outcome::NeedsInformation => td_string!(l, eligibility.outcomes.needs_information),
        Outcome::NeedsReview => td_string!(l, eligibility.outcomes.needs_review),
    }
}

/// A criterion status's name: "Met", "符合".
pub fn status(l: Locale, s: Status) -> &'static str {
    match s {
        Status::Met => td_string!(l, eligibility.statuses.met),
        Status::NotMet => td_string!(l, eligibility.statuses.not_met),
        Status::Missing => td_string!(l, eligibility.statuses.missing),
        Status::Review => td_string!(l, eligibility.statuses.review),
        Status::Info => td_string!(l, eligibility.statuses.info),
    }
}

/// The name of the programme a result is for (its code if unknown).
pub fn programme_name(l: Locale, code: &str) -> String {
    code.parse::<Programme>()
        .map(|p| programme(l, p).to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// What a criterion checks.
pub fn label(l: Locale, label: &Label) -> String {
    let text = match label {
        Label::KInForce => td_string!(l, eligibility.labels.k_in_force),
        Label::KAge => td_string!(l, eligibility.labels.k_age),
        Label::KStemTalent => td_string!(l, eligibility.labels.k_stem_talent),
        Label::KInstitutionStanding => td_string!(l, eligibility.labels.k_institution_standing),
        Label::KNoSponsor => td_string!(l, eligibility.labels.k_no_sponsor),
        Label::KAuthorityConditions => td_string!(l, eligibility.labels.k_authority_conditions),
        Label::RInForce => td_string!(l, eligibility.labels.r_in_force),
        Label::RConfirmationLetter => td_string!(l, eligibility.labels.r_confirmation_letter),
        Label::ZInForce => td_string!(l, eligibility.labels.z_in_force),
        Label::ZEmployer => td_string!(l, eligibility.labels.z_employer),
        Label::ZCategoryA => td_string!(l, eligibility.labels.z_category_a),
        Label::ZCategoryB => td_string!(l, eligibility.labels.z_category_b),
        Label::ZCategoryC => td_string!(l, eligibility.labels.z_category_c),
        Label::H1bEmployerPetition => td_string!(l, eligibility.labels.h1b_employer_petition),
        Label::H1bSpecialtyOccupation => {
            td_string!(l, eligibility.labels.h1b_specialty_occupation)
        }
        Label::H1bDegree => td_string!(l, eligibility.labels.h1b_degree),
        Label::H1bPrevailingWage => td_string!(l, eligibility.labels.h1b_prevailing_wage),
        Label::H1bCap => td_string!(l, eligibility.labels.h1b_cap),
        Label::H1bPayment => td_string!(l, eligibility.labels.h1b_payment),
        Label::BlueCardInForce => td_string!(l, eligibility.labels.blue_card_in_force),
        Label::BlueCardDegree => td_string!(l, eligibility.labels.blue_card_degree),
        Label::BlueCardJobOffer => td_string!(l, eligibility.labels.blue_card_job_offer),
        Label::BlueCardSalary => td_string!(l, eligibility.labels.blue_card_salary),
        Label::Recorded(text) => return text.clone(),
    };
    text.to_string()
}

/// The name of a value a criterion quotes.
pub fn value_name(l: Locale, name: &ValueName) -> String {
    use ValueName::*;
    let text = match name {
        AssessmentDate => td_string!(l, eligibility.values.assessment_date),
        Age => td_string!(l, eligibility.values.age),
        FirmAgeLimit => td_string!(l, eligibility.values.firm_age_limit),
        Degree => td_string!(l, eligibility.values.degree),
        Institution => td_string!(l, eligibility.values.institution),
        TeachingOrResearch => td_string!(l, eligibility.values.teaching_or_research),
        HighestEducation => td_string!(l, eligibility.values.highest_education),
        ConfirmedByFirm => td_string!(l, eligibility.values.confirmed_by_firm),
        LetterOnFile => td_string!(l, eligibility.values.letter_on_file),
        Employer => td_string!(l, eligibility.values.employer),
        Sponsors => td_string!(l, eligibility.values.sponsors),
        JobOfferCountry => td_string!(l, eligibility.values.job_offer_country),
        Occupation => td_string!(l, eligibility.values.occupation),
        YearsOfWork => td_string!(l, eligibility.values.years_of_work),
        YearsOfWorkLastSeven => td_string!(l, eligibility.values.years_of_work_last_seven),
        CapExemptEmployer => td_string!(l, eligibility.values.cap_exempt_employer),
        UsMastersOrHigher => td_string!(l, eligibility.values.us_masters_or_higher),
        InTheUs => td_string!(l, eligibility.values.in_the_us),
        Country => td_string!(l, eligibility.values.country),
        Duration => td_string!(l, eligibility.values.duration),
        Threshold => td_string!(l, eligibility.values.threshold),
        ThresholdUsed => td_string!(l, eligibility.values.threshold_used),
        Currency => td_string!(l, eligibility.values.currency),
        Salary => td_string!(l, eligibility.values.salary),
        ShortageOccupation => td_string!(l, eligibility.values.shortage_occupation),
        Points => td_string!(l, eligibility.values.points),
        PointsPossible => td_string!(l, eligibility.values.points_possible),
        HighEndTalent => td_string!(l, eligibility.values.high_end_talent),
        Recorded(text) => return text.clone(),
    };
    text.to_string()
}

/// Yes, no, or not known.
pub fn answer(l: Locale, a: Option<bool>) -> &'static str {
    match a {
        Some(true) => td_string!(l, eligibility.shown.yes),
        Some(false) => td_string!(l, eligibility.shown.no),
        None => td_string!(l, eligibility.shown.unknown),
    }
}

/// A number of years: "1 year", "6 years", "6年".
pub fn years(l: Locale, n: u32) -> String {
    if n == 1 {
        td_string!(l, eligibility.shown.year).to_string()
    } else {
        td_string!(l, eligibility.shown.years, count = n).to_string()
    }
}

fn months(l: Locale, n: u32) -> String {
    if n == 1 {
        td_string!(l, eligibility.shown.month).to_string()
    } else {
        td_string!(l, eligibility.shown.months, count = n).to_string()
    }
}

fn degree(l: Locale, level: EducationLevel, field: &str) -> String {
    td_string!(
        l,
        eligibility.shown.degree,
        level = education_level(l, level),
        field = field.to_string()
    )
    .to_string()
}

fn job(l: Locale, role: &str, employer: &str) -> String {
    td_string!(
        l,
        eligibility.shown.job,
        role = role.to_string(),
        employer = employer.to_string()
    )
    .to_string()
}

fn threshold(l: Locale, t: Threshold) -> &'static str {
    match t {
        Threshold::General => td_string!(l, eligibility.thresholds.general),
        Threshold::Shortage => td_string!(l, eligibility.thresholds.shortage),
        Threshold::RecentGraduate => td_string!(l, eligibility.thresholds.recent_graduate),
        Threshold::ItSpecialist => td_string!(l, eligibility.thresholds.it_specialist),
    }
}

/// A value as shown.
pub fn shown(l: Locale, value: &Shown) -> String {
    match value {
        Shown::Text(text) | Shown::Recorded(text) => text.clone(),
        Shown::Number(n) => n.to_string(),
        Shown::Answer(a) => answer(l, *a).to_string(),
        Shown::Level(Some(level)) => education_level(l, *level).to_string(),
        Shown::Level(None) => td_string!(l, eligibility.shown.no_education).to_string(),
        Shown::Degree { level, field } => degree(l, *level, field),
        Shown::Job { role, employer } => job(l, role, employer),
        Shown::Money(m) => money(l, m),
        Shown::Date(d) => date(l, *d),
        Shown::Years(n) => years(l, *n),
        Shown::Months(n) => months(l, *n),
        Shown::OpenEnded => td_string!(l, eligibility.shown.open_ended).to_string(),
        Shown::Threshold(t) => threshold(l, *t).to_string(),
        Shown::Scored(s) => scored(l, s),
    }
}

fn scored(l: Locale, s: &Scored) -> String {
    match s {
        Scored::NotInCny { currency } => {
            td_string!(l, eligibility.shown.not_in_cny, currency = currency.clone()).to_string()
        }
        Scored::NeedsOfferInChina => {
            td_string!(l, eligibility.shown.needs_offer_in_china).to_string()
        }
        Scored::NoEducation => td_string!(l, eligibility.shown.no_education_recorded).to_string(),
        Scored::NoWork => td_string!(l, eligibility.shown.no_work).to_string(),
        Scored::AtLeastYears { years: n } => {
            td_string!(l, eligibility.shown.at_least_years, years = years(l, *n)).to_string()
        }
        Scored::Hsk { level } => td_string!(l, eligibility.shown.hsk, level = *level).to_string(),
        Scored::NoHsk => td_string!(l, eligibility.shown.no_hsk).to_string(),
        Scored::NoneClaimed => td_string!(l, eligibility.shown.none_claimed).to_string(),
        Scored::NotZeroToTen => td_string!(l, eligibility.shown.not_zero_to_ten).to_string(),
        Scored::Unknown => td_string!(l, eligibility.shown.unknown).to_string(),
    }
}

/// A points factor's name.
pub fn factor(l: Locale, f: &Factor) -> String {
    let text = match f {
        Factor::Salary => td_string!(l, eligibility.factors.salary),
        Factor::Education => td_string!(l, eligibility.factors.education),
        Factor::WorkExperience => td_string!(l, eligibility.factors.work_experience),
        Factor::MonthsInChina => td_string!(l, eligibility.factors.months_in_china),
        Factor::Chinese => td_string!(l, eligibility.factors.chinese),
        Factor::EncouragedRegion => td_string!(l, eligibility.factors.encouraged_region),
        Factor::Age => td_string!(l, eligibility.factors.age),
        Factor::TopRanked => td_string!(l, eligibility.factors.top_ranked),
        Factor::LocalIncentive => td_string!(l, eligibility.factors.local_incentive),
        Factor::Recorded(text) => return text.clone(),
    };
    text.to_string()
}

/// Why a criterion stands as it does, in one or two sentences.
pub fn reason(l: Locale, r: &Reason) -> String {
    use Reason::*;
    macro_rules! say {
        ($($key:ident).+) => {
            td_string!(l, $($key).+).to_string()
        };
        ($($key:ident).+, $($name:ident = $value:expr),+) => {
            td_string!(l, $($key).+, $($name = $value),+).to_string()
        };
    }
    match r {
        KNotYet => say!(eligibility.reasons.k_not_yet),
        KAgeNeedsBirthDate => say!(eligibility.reasons.k_age_needs_birth_date),
        KAgeWithin { age, max } => say!(eligibility.reasons.k_age_within, age = *age, max = *max),
        KAgeOver { age, max } => say!(eligibility.reasons.k_age_over, age = *age, max = *max),
        KStemDegree { level, field } => say!(
            eligibility.reasons.k_stem_degree,
            degree = degree(l, *level, field)
        ),
        KTeachingOrResearch { role, employer } => {
            say!(
                eligibility.reasons.k_teaching_or_research,
                job = job(l, role, employer)
            )
        }
        KNoEducation => say!(eligibility.reasons.k_no_education),
        KNoStem => say!(eligibility.reasons.k_no_stem),
        KInstitutionConfirmed => say!(eligibility.reasons.k_institution_confirmed),
        KInstitutionNotKnown => say!(eligibility.reasons.k_institution_not_known),
        KInstitutionUndefined => say!(eligibility.reasons.k_institution_undefined),
        KNoSponsor => say!(eligibility.reasons.k_no_sponsor),
        KAuthorityConditions => say!(eligibility.reasons.k_authority_conditions),
        RBeforeStandard => say!(eligibility.reasons.r_before_standard),
        RLetterOnFile => say!(eligibility.reasons.r_letter_on_file),
        RLetterDecides => say!(eligibility.reasons.r_letter_decides),
        ZBeforeStandard => say!(eligibility.reasons.z_before_standard),
        ZHighEndTalent => say!(eligibility.reasons.z_high_end_talent),
        ZScoresAtLeast { total, need } => say!(
            eligibility.reasons.z_scores_at_least,
            total = *total,
            need = *need
        ),
        ZCategoryBInstead {
            need,
            total,
            ceiling,
        } => say!(
            eligibility.reasons.z_category_b_instead,
            need = *need,
            total = *total,
            ceiling = *ceiling
        ),
        ZCategoryAOpen {
            total,
            need,
            ceiling,
            high_end,
        } => say!(
            eligibility.reasons.z_category_a_open,
            total = *total,
            need = *need,
            ceiling = *ceiling,
            high_end = answer(l, *high_end)
        ),
        ZCategoryANotMet { total, need } => {
            say!(
                eligibility.reasons.z_category_a_not_met,
                total = *total,
                need = *need
            )
        }
        ZCategoryBNotNeeded => say!(eligibility.reasons.z_category_b_not_needed),
        ZCategoryBDirect { years: n, max_age } => say!(
            eligibility.reasons.z_category_b_direct,
            years = years(l, *n),
            max_age = *max_age
        ),
        ZCategoryBOpen { total, ceiling } => {
            say!(
                eligibility.reasons.z_category_b_open,
                total = *total,
                ceiling = *ceiling
            )
        }
        ZCategoryBNotMet {
            total,
            need,
            max_age,
        } => say!(
            eligibility.reasons.z_category_b_not_met,
            total = *total,
            need = *need,
            max_age = *max_age
        ),
        ZEmployerApplies { employer } => say!(
            eligibility.reasons.z_employer_applies,
            employer = employer.clone()
        ),
        ZEmployerWillNot => say!(eligibility.reasons.z_employer_will_not),
        ZEmployerUnknown => say!(eligibility.reasons.z_employer_unknown),
        ZOfferElsewhere { country } => say!(
            eligibility.reasons.z_offer_elsewhere,
            country = country.clone()
        ),
        ZNoOffer => say!(eligibility.reasons.z_no_offer),
        ZCategoryC => say!(eligibility.reasons.z_category_c),
        H1bPetition { employer } => say!(
            eligibility.reasons.h1b_petition,
            employer = employer.clone()
        ),
        H1bNoPetition => say!(eligibility.reasons.h1b_no_petition),
        H1bPetitionUnknown => say!(eligibility.reasons.h1b_petition_unknown),
        H1bOfferElsewhere { country } => say!(
            eligibility.reasons.h1b_offer_elsewhere,
            country = country.clone()
        ),
        H1bNoOffer => say!(eligibility.reasons.h1b_no_offer),
        H1bSpecialty => say!(eligibility.reasons.h1b_specialty),
        H1bNotSpecialty => say!(eligibility.reasons.h1b_not_specialty),
        H1bSpecialtyUnknown => say!(eligibility.reasons.h1b_specialty_unknown),
        H1bDegree => say!(eligibility.reasons.h1b_degree),
        H1bExperienceInstead {
            lacking,
            years: n,
            needed,
        } => say!(
            eligibility.reasons.h1b_experience_instead,
            lacking = *lacking,
            years = years(l, *n),
            needed = *needed
        ),
        H1bNoEducation { needed, years: n } => say!(
            eligibility.reasons.h1b_no_education,
            needed = *needed,
            years = years(l, *n)
        ),
        H1bUndatedWork { lacking, needed } => {
            say!(
                eligibility.reasons.h1b_undated_work,
                lacking = *lacking,
                needed = *needed
            )
        }
        H1bTooLittle {
            lacking,
            years: n,
            needed,
        } => say!(
            eligibility.reasons.h1b_too_little,
            lacking = *lacking,
            years = years(l, *n),
            needed = *needed
        ),
        H1bWageMet => say!(eligibility.reasons.h1b_wage_met),
        H1bWageUnder => say!(eligibility.reasons.h1b_wage_under),
        H1bWageUnknown => say!(eligibility.reasons.h1b_wage_unknown),
        H1bCapExempt => say!(eligibility.reasons.h1b_cap_exempt),
        H1bCapMasters => say!(eligibility.reasons.h1b_cap_masters),
        H1bCapRegular => say!(eligibility.reasons.h1b_cap_regular),
        H1bPaymentNotYet => say!(eligibility.reasons.h1b_payment_not_yet),
        H1bPaymentInUs => say!(eligibility.reasons.h1b_payment_in_us),
        H1bPaymentAbroad => say!(eligibility.reasons.h1b_payment_abroad),
        H1bPaymentWhereUnknown => say!(eligibility.reasons.h1b_payment_where_unknown),
        H1bPaymentLapsed => say!(eligibility.reasons.h1b_payment_lapsed),
        BlueCardBeforeLaw => say!(eligibility.reasons.blue_card_before_law),
        BlueCardDegree => say!(eligibility.reasons.blue_card_degree),
        BlueCardNoEducation => say!(eligibility.reasons.blue_card_no_education),
        BlueCardItRoute { years: n } => {
            say!(eligibility.reasons.blue_card_it_route, years = years(l, *n))
        }
        BlueCardNoDegree => say!(eligibility.reasons.blue_card_no_degree),
        BlueCardLengthUnknown => say!(eligibility.reasons.blue_card_length_unknown),
        BlueCardOpenEnded { employer } => say!(
            eligibility.reasons.blue_card_open_ended,
            employer = employer.clone()
        ),
        BlueCardLongEnough { months: m, min } => {
            say!(
                eligibility.reasons.blue_card_long_enough,
                months = *m,
                min = *min
            )
        }
        BlueCardTooShort { months: m, min } => say!(
            eligibility.reasons.blue_card_too_short,
            months = *m,
            min = *min
        ),
        BlueCardLengthNotMonths => say!(eligibility.reasons.blue_card_length_not_months),
        BlueCardOfferElsewhere { country } => {
            say!(
                eligibility.reasons.blue_card_offer_elsewhere,
                country = country.clone()
            )
        }
        BlueCardNoOffer => say!(eligibility.reasons.blue_card_no_offer),
        BlueCardThresholdsMissing { year } => say!(
            eligibility.reasons.blue_card_thresholds_missing,
            year = *year
        ),
        BlueCardNoSalary => say!(eligibility.reasons.blue_card_no_salary),
        BlueCardSalaryUnknown => say!(eligibility.reasons.blue_card_salary_unknown),
        BlueCardSalaryCurrency => say!(eligibility.reasons.blue_card_salary_currency),
        BlueCardSalaryMeets {
            salary,
            threshold: t,
            kind,
            year,
        } => say!(
            eligibility.reasons.blue_card_salary_meets,
            salary = money(l, salary),
            kind = threshold(l, *kind),
            threshold = money(l, t),
            year = *year
        ),
        BlueCardShortageQuestion {
            salary,
            general,
            reduced,
        } => say!(
            eligibility.reasons.blue_card_shortage_question,
            salary = money(l, salary),
            general = money(l, general),
            reduced = money(l, reduced)
        ),
        BlueCardSalaryUnder {
            salary,
            threshold: t,
            kind,
            year,
        } => say!(
            eligibility.reasons.blue_card_salary_under,
            salary = money(l, salary),
            kind = threshold(l, *kind),
            threshold = money(l, t),
            year = *year
        ),
        Recorded(text) => text.clone(),
    }
}

/// A firm setting a criterion rests on, by its name on the Admin page (its
/// code if the engine names one this version does not know).
pub fn setting(l: Locale, code: &str) -> String {
    match code {
        "k_visa_max_age" => td_string!(l, firm.k_age).to_string(),
        "z_permit_b_max_age" => td_string!(l, firm.b_age).to_string(),
        other => other.to_string(),
    }
}

/// A missing field's path (as results list them) in plain words.
pub fn field(l: Locale, path: &str) -> String {
    if let Some(rest) = path.strip_prefix("work.") {
        if let Some(index) = rest.split('.').next().and_then(|n| n.parse::<usize>().ok()) {
            return td_string!(l, eligibility.fields.job_dates, number = index + 1).to_string();
        }
    }
    let text = match path {
        "date_of_birth" => td_string!(l, eligibility.fields.date_of_birth),
        "education" => td_string!(l, eligibility.fields.education),
        "work" => td_string!(l, eligibility.fields.work),
        "profile" => td_string!(l, eligibility.fields.profile),
        "eligibility.job_offer" => td_string!(l, eligibility.fields.job_offer),
        "eligibility.job_offer.annual_salary" => td_string!(l, eligibility.fields.annual_salary),
        "eligibility.job_offer.employer_sponsors" => {
            td_string!(l, eligibility.fields.employer_sponsors)
        }
        "eligibility.job_offer.specialty_occupation" => {
            td_string!(l, eligibility.fields.specialty_occupation)
        }
        "eligibility.job_offer.prevailing_wage_met" => {
            td_string!(l, eligibility.fields.prevailing_wage_met)
        }
        "eligibility.job_offer.shortage_occupation" => {
            td_string!(l, eligibility.fields.shortage_occupation)
        }
        "eligibility.job_offer.duration_months" => {
            td_string!(l, eligibility.fields.duration_months)
        }
        "eligibility.job_offer.salary_in_cny" => td_string!(l, eligibility.fields.salary_in_cny),
        "eligibility.job_offer.months_per_year" => {
            td_string!(l, eligibility.fields.months_per_year)
        }
        "eligibility.job_offer.encouraged_region" => {
            td_string!(l, eligibility.fields.encouraged_region)
        }
        "eligibility.high_end_talent" => td_string!(l, eligibility.fields.high_end_talent),
        "eligibility.top_ranked" => td_string!(l, eligibility.fields.top_ranked),
        "eligibility.institution_well_known" => {
            td_string!(l, eligibility.fields.institution_well_known)
        }
        "eligibility.in_us" => td_string!(l, eligibility.fields.in_us),
        // A path the engine does not list today (from a newer or older
        // rule set): shown as it is written.
        other => return other.to_string(),
    };
    text.to_string()
}

/// Missing fields in plain words, as one list.
pub fn fields(l: Locale, paths: &[impl AsRef<str>]) -> String {
    paths
        .iter()
        .map(|p| field(l, p.as_ref()))
        .collect::<Vec<_>>()
        .join(td_string!(l, eligibility.summaries.field_separator))
}

/// One sentence on a programme's outcome.
pub fn summary(l: Locale, s: &Summary) -> String {
    let labels = |list: &[Label]| {
        list.iter()
            .map(|x| label(l, x))
            .collect::<Vec<_>>()
            .join(td_string!(l, eligibility.summaries.list_separator))
    };
    match s {
        Summary::AllMet => td_string!(l, eligibility.summaries.all_met).to_string(),
        Summary::NotMet(list) => {
            td_string!(l, eligibility.summaries.not_met, labels = labels(list)).to_string()
        }
        Summary::Missing(paths) => {
            td_string!(l, eligibility.summaries.missing, fields = fields(l, paths)).to_string()
        }
        Summary::Review(list) => {
            td_string!(l, eligibility.summaries.review, labels = labels(list)).to_string()
        }
        Summary::RLetterOnFile => td_string!(l, eligibility.summaries.r_letter_on_file).to_string(),
        Summary::RMeetsCategoryA => {
            td_string!(l, eligibility.summaries.r_meets_category_a).to_string()
        }
        Summary::RDependsOnMissing => {
            td_string!(l, eligibility.summaries.r_depends_on_missing).to_string()
        }
        Summary::RBelowCategoryA => {
            td_string!(l, eligibility.summaries.r_below_category_a).to_string()
        }
        Summary::ZCategoryCAtMost => {
            td_string!(l, eligibility.summaries.z_category_c_at_most).to_string()
        }
        Summary::ZCategory {
            category,
            points,
            partial: false,
        } => td_string!(
            l,
            eligibility.summaries.z_category,
            category = *category,
            points = *points
        )
        .to_string(),
        Summary::ZCategory {
            category,
            points,
            partial: true,
        } => td_string!(
            l,
            eligibility.summaries.z_category_so_far,
            category = *category,
            points = *points
        )
        .to_string(),
        Summary::Recorded(text) => text.clone(),
    }
}
