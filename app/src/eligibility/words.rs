//! What the engine says, as structure rather than sentences: each criterion's
//! label, each reason with the values it quotes, each value shown, and each
//! summary. The words are chosen where they are shown, in the reader's
//! language (`crate::i18n::eligibility`); the engine stays free of them.
//!
//! In JSON a unit variant is its snake_case key (`"k_age"`) and one with
//! values is an object under its key (`{"k_age_within": {"age": 29,
//! "max": 45}}`). `Recorded` holds the English text of an assessment saved
//! before the engine spoke in keys, shown as it was recorded.

use crate::domain::client::EducationLevel;
use crate::domain::date::Date;
use serde::{Deserialize, Serialize};

/// What a criterion checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    KInForce,
    KAge,
    KStemTalent,
    KInstitutionStanding,
    KNoSponsor,
    KAuthorityConditions,
    RInForce,
    RConfirmationLetter,
    ZInForce,
    ZEmployer,
    ZCategoryA,
    ZCategoryB,
    ZCategoryC,
    H1bEmployerPetition,
    H1bSpecialtyOccupation,
    H1bDegree,
    H1bPrevailingWage,
    H1bCap,
    H1bPayment,
    BlueCardInForce,
    BlueCardDegree,
    BlueCardJobOffer,
    BlueCardSalary,
    Recorded(String),
}

/// The name of a value a criterion quotes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueName {
    AssessmentDate,
    Age,
    FirmAgeLimit,
    Degree,
    Institution,
    TeachingOrResearch,
    HighestEducation,
    ConfirmedByFirm,
    LetterOnFile,
    Employer,
    Sponsors,
    JobOfferCountry,
    Occupation,
    YearsOfWork,
    YearsOfWorkLastSeven,
    CapExemptEmployer,
    UsMastersOrHigher,
    InTheUs,
    Country,
    Duration,
    Threshold,
    ThresholdUsed,
    Currency,
    Salary,
    ShortageOccupation,
    Points,
    PointsPossible,
    HighEndTalent,
    Recorded(String),
}

/// A value as shown: typed, so each language writes it its own way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    /// Text the user typed (an employer, a field of study, a country code).
    Text(String),
    Number(u32),
    /// Yes, no, or not known.
    Answer(Option<bool>),
    /// An education level, or none recorded.
    Level(Option<EducationLevel>),
    /// A degree: its level and field.
    Degree {
        level: EducationLevel,
        field: String,
    },
    /// A job: its role and employer.
    Job {
        role: String,
        employer: String,
    },
    /// An amount of money.
    Money(Money),
    Date(#[serde(with = "super::result::date_text")] Date),
    Years(u32),
    Months(u32),
    /// A contract without an end date.
    OpenEnded,
    /// Which salary threshold applied.
    Threshold(Threshold),
    /// A points factor's value, or why it could not be scored.
    Scored(Scored),
    Recorded(String),
}

/// An amount in a currency (ISO 4217, as typed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub currency: String,
    pub cents: i64,
}

impl Money {
    /// `cents` of `currency`.
    pub fn new(currency: &str, cents: i64) -> Money {
        Money {
            currency: currency.trim().to_ascii_uppercase(),
            cents,
        }
    }
}

/// Which of the EU Blue Card's salary thresholds applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    General,
    Shortage,
    RecentGraduate,
    ItSpecialist,
}

/// What a points factor scored, where it is not a plain value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scored {
    /// The salary is in another currency than the table's CNY.
    NotInCny {
        currency: String,
    },
    NeedsOfferInChina,
    NoEducation,
    NoWork,
    /// At least this many years; some jobs have no readable dates.
    AtLeastYears {
        years: u32,
    },
    Hsk {
        level: u32,
    },
    NoHsk,
    NoneClaimed,
    NotZeroToTen,
    Unknown,
}

/// A factor of China's work-permit points table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Salary,
    Education,
    WorkExperience,
    MonthsInChina,
    Chinese,
    EncouragedRegion,
    Age,
    TopRanked,
    LocalIncentive,
    Recorded(String),
}

/// Why a criterion stands as it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    // China K visa.
    KNotYet,
    KAgeNeedsBirthDate,
    KAgeWithin {
        age: u32,
        max: u32,
    },
    KAgeOver {
        age: u32,
        max: u32,
    },
    KStemDegree {
        level: EducationLevel,
        field: String,
    },
    KTeachingOrResearch {
        role: String,
        employer: String,
    },
    KNoEducation,
    KNoStem,
    KInstitutionConfirmed,
    KInstitutionNotKnown,
    KInstitutionUndefined,
    KNoSponsor,
    KAuthorityConditions,
    // China R visa.
    RBeforeStandard,
    RLetterOnFile,
    RLetterDecides,
    // China work permit (Z visa).
    ZBeforeStandard,
    ZHighEndTalent,
    ZScoresAtLeast {
        total: u32,
        need: u32,
    },
    ZCategoryBInstead {
        need: u32,
        total: u32,
        ceiling: u32,
    },
    ZCategoryAOpen {
        total: u32,
        need: u32,
        ceiling: u32,
        high_end: Option<bool>,
    },
    ZCategoryANotMet {
        total: u32,
        need: u32,
    },
    ZCategoryBNotNeeded,
    ZCategoryBDirect {
        years: u32,
        max_age: u32,
    },
    ZCategoryBOpen {
        total: u32,
        ceiling: u32,
    },
    ZCategoryBNotMet {
        total: u32,
        need: u32,
        max_age: u32,
    },
    ZEmployerApplies {
        employer: String,
    },
    ZEmployerWillNot,
    ZEmployerUnknown,
    ZOfferElsewhere {
        country: String,
    },
    ZNoOffer,
    ZCategoryC,
    // US H-1B.
    H1bPetition {
        employer: String,
    },
    H1bNoPetition,
    H1bPetitionUnknown,
    H1bOfferElsewhere {
        country: String,
    },
    H1bNoOffer,
    H1bSpecialty,
    H1bNotSpecialty,
    H1bSpecialtyUnknown,
    H1bDegree,
    H1bExperienceInstead {
        lacking: u32,
        years: u32,
        needed: u32,
    },
    H1bNoEducation {
        needed: u32,
        years: u32,
    },
    H1bUndatedWork {
        lacking: u32,
        needed: u32,
    },
    H1bTooLittle {
        lacking: u32,
        years: u32,
        needed: u32,
    },
    H1bWageMet,
    H1bWageUnder,
    H1bWageUnknown,
    H1bCapExempt,
    H1bCapMasters,
    H1bCapRegular,
    H1bPaymentNotYet,
    H1bPaymentInUs,
    H1bPaymentAbroad,
    H1bPaymentWhereUnknown,
    H1bPaymentLapsed,
    // EU Blue Card (Germany).
    BlueCardBeforeLaw,
    BlueCardDegree,
    BlueCardNoEducation,
    BlueCardItRoute {
        years: u32,
    },
    BlueCardNoDegree,
    BlueCardLengthUnknown,
    BlueCardOpenEnded {
        employer: String,
    },
    BlueCardLongEnough {
        months: u32,
        min: u32,
    },
    BlueCardTooShort {
        months: u32,
        min: u32,
    },
    BlueCardLengthNotMonths,
    BlueCardOfferElsewhere {
        country: String,
    },
    BlueCardNoOffer,
    BlueCardThresholdsMissing {
        year: i32,
    },
    BlueCardNoSalary,
    BlueCardSalaryUnknown,
    BlueCardSalaryCurrency,
    BlueCardSalaryMeets {
        salary: Money,
        threshold: Money,
        kind: Threshold,
        year: i32,
    },
    BlueCardShortageQuestion {
        salary: Money,
        general: Money,
        reduced: Money,
    },
    BlueCardSalaryUnder {
        salary: Money,
        threshold: Money,
        kind: Threshold,
        year: i32,
    },
    Recorded(String),
}

/// One sentence on a programme's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Summary {
    AllMet,
    NotMet(Vec<Label>),
    /// The missing fields' paths.
    Missing(Vec<String>),
    Review(Vec<Label>),
    RLetterOnFile,
    RMeetsCategoryA,
    RDependsOnMissing,
    RBelowCategoryA,
    ZCategoryCAtMost,
    ZCategory {
        category: char,
        points: u32,
        partial: bool,
    },
    Recorded(String),
}

impl From<String> for Shown {
    fn from(text: String) -> Shown {
        Shown::Text(text)
    }
}

impl From<&String> for Shown {
    fn from(text: &String) -> Shown {
        Shown::Text(text.clone())
    }
}

impl From<&str> for Shown {
    fn from(text: &str) -> Shown {
        Shown::Text(text.to_string())
    }
}

impl From<u32> for Shown {
    fn from(n: u32) -> Shown {
        Shown::Number(n)
    }
}

impl From<Date> for Shown {
    fn from(d: Date) -> Shown {
        Shown::Date(d)
    }
}

impl From<Option<bool>> for Shown {
    fn from(answer: Option<bool>) -> Shown {
        Shown::Answer(answer)
    }
}

impl From<Money> for Shown {
    fn from(m: Money) -> Shown {
        Shown::Money(m)
    }
}
