//! What was wrong with a request, as a key and the values it quotes. The
//! domain and the server say *what* went wrong; the words are chosen where
//! they are shown (`crate::i18n::problems`), in the reader's language. A
//! problem's `Display` is its English, for logs and the command line.

use super::checklist::DocumentKind;
use super::delivery::Delivery;
use super::mail::{MailCategory, OutboxStatus};
use super::stage::MoveError;
use serde::{Deserialize, Serialize};

/// A thing a person typed or chose, named inside a sentence ("the *date of
/// birth* is in the future").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Thing {
    FullName,
    LatinName,
    Email,
    Phone,
    Address,
    DateOfBirth,
    Nationality,
    PassportExpiry,
    CompletionDate,
    FieldOfStudy,
    Institution,
    Country,
    StartDate,
    EndDate,
    JobRole,
    Employer,
    Language,
    LanguageTest,
    LanguageLevel,
    CountryOfWork,
    Occupation,
    ContractLength,
    MonthsPerYear,
    LocalIncentivePoints,
    TargetFilingDate,
    FilingDate,
    DecisionDate,
    OpeningDate,
    Notes,
    StageNote,
    TaskTitle,
    DueDate,
    PersonName,
    Password,
    FirmName,
    Reason,
    Message,
    AssessmentDate,
    KVisaAgeLimit,
    WorkPermitBAgeLimit,
    Priority,
    Programme,
    Stage,
    OutboxStatus,
    Role,
    Document,
    FileName,
    PassportNumber,
    Education,
    WorkHistory,
    Languages,
    EligibilityFacts,
    PasskeyName,
}

/// A choice the person has to make before the request can go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Programme,
    Stage,
    Document,
    StaffRole,
    ActiveStaff,
    ActiveAttorney,
    ActiveParalegal,
    File,
}

/// What someone tried to do to a case they may read but not change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Edit,
    Move,
    AddTasks,
    ChangeTasks,
    DeleteTasks,
    ChangeChecklist,
    ReviewDocuments,
    UploadDocuments,
    SaveAssessment,
    WriteToApplicant,
}

/// One thing wrong with a request, with the values its sentence quotes.
/// Variants name the rule, not the words: `TooLong { thing: Notes, .. }`
/// reads "The notes are 2,001 characters long; the limit is 2,000." in
/// English and its own sentence in every other language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", content = "values", rename_all = "snake_case")]
pub enum Problem {
    // Input rules, usually tied to a field.
    /// A required field is empty.
    Missing(Thing),
    /// Text longer than its limit (in characters).
    TooLong {
        thing: Thing,
        chars: usize,
        max: usize,
    },
    /// Text with control characters in it.
    ControlCharacters(Thing),
    /// Not a real `YYYY-MM-DD` date.
    NotADate(Thing),
    /// Not a two-letter country code.
    CountryCode(Thing),
    /// A number outside the range it must keep.
    OutOfRange { thing: Thing, lo: u32, hi: u32 },
    /// A list with more entries than it may hold.
    TooManyEntries { count: usize, max: usize },
    /// A date in the future that must be in the past.
    InTheFuture(Thing),
    /// A date before the earliest year it may be.
    TooEarly { thing: Thing, year: i32 },
    /// A date before another it must follow; `on` quotes the other date
    /// when the form does not show it.
    DateBefore {
        thing: Thing,
        other: Thing,
        on: Option<String>,
    },
    /// A code that is none of the known ones; `choices` lists them.
    Unknown {
        thing: Thing,
        value: String,
        choices: Vec<String>,
    },
    /// Something must be chosen first.
    Choose(Choice),
    /// Not an email address.
    EmailShape,
    /// A new password shorter than the minimum.
    PasswordTooShort { chars: usize, min: usize },
    /// One of the most common passwords.
    PasswordCommon,
    /// The password is the account's email address.
    PasswordIsEmail,
    /// The password and its confirmation differ.
    PasswordsDiffer,
    /// Signing in without a password.
    EnterYourPassword,
    /// Not a 6-digit authenticator code (nor, where one is allowed, a
    /// recovery code).
    CodeShape { recovery_allowed: bool },
    /// An authenticator or recovery code that is not right.
    WrongCode,
    /// An authenticator code whose 30 seconds were used already.
    CodeUsed,
    /// Too many wrong codes: the sign-in must start again.
    TooManyWrongCodes,
    /// Confirming an authenticator that is not being set up.
    TotpNotStarted,
    /// The person has no authenticator app set up.
    NoAuthenticator,
    /// The firm requires a second factor of this person: it stays on.
    SecondFactorRequired,
    /// An admin resetting their own second factor (they use their account page).
    ResetOwnSecondFactor,
    /// Passkeys need the site reached at a domain name, not an IP address.
    PasskeysNeedDomain,
    /// A passkey's answer that does not verify (a bad signature, another
    /// site, another account, or not a credential at all).
    PasskeyRefused,
    /// A passkey registered already.
    PasskeyTaken,
    /// A passkey registered to no account here.
    PasskeyUnknown,
    /// The firm does not allow signing in with a passkey alone.
    PasskeySignInOff,
    /// A passkey request that expired, or was used already.
    PasskeyExpired,
    /// The person has no passkey.
    NoPasskey,
    /// Removing the last second factor of someone the firm requires one of.
    LastSecondFactor,
    /// Not up to 20 letters and digits.
    PassportNumberShape,
    /// Not a three-letter currency code.
    CurrencyCode,
    /// A salary that is not a number with at most two decimals.
    SalaryNumber,
    /// A salary without its currency.
    CurrencyMissing,
    /// A rejection without a reason for the applicant.
    RejectionNeedsReason,
    /// Waiving a checklist item without a reason (or with one too long).
    WaiverNeedsReason {
        document: Option<DocumentKind>,
        max: usize,
    },
    /// A digest hour outside 0 to 23.
    NoSuchHour(u8),
    /// No time zone given.
    TimeZoneMissing,
    /// A time zone name Visadesk does not know.
    TimeZoneUnknown(String),
    /// An empty message.
    EmptyMessage,
    /// An email choice for a kind of email the account never gets.
    MailNotSent(MailCategory),
    /// An email choice the kind of email does not offer.
    MailDelivery {
        category: MailCategory,
        chosen: Delivery,
        allowed: Vec<Delivery>,
    },
    /// Turning a staff account into an applicant one, or back.
    RoleKindFixed,
    /// Creating an applicant account from the staff page.
    ApplicantsInvitedFromClient,
    /// A paralegal changing who is assigned.
    OnlyAttorneyAssigns,
    /// A case for a client that does not exist.
    UnknownClient,
    /// Inviting a client who has no email address.
    InviteNeedsEmail,
    /// A multipart upload with several files.
    OneFilePerUpload,
    /// A file part without a file name.
    NoFileName,
    /// A form field besides the file that is too big.
    FormTooLarge(String),
    /// An empty file.
    EmptyFile,
    /// A file name with folders in it, or `.` or `..`.
    FileNameWithFolders,
    /// A file that is not a PDF, JPEG or PNG by its contents.
    UnsupportedFile,

    // Clashes with the current state.
    /// The email belongs to another account (staff inviting or adding).
    EmailTaken(String),
    /// The email of this client belongs to another account.
    ClientEmailTaken(String),
    /// The applicant's own email belongs to another account.
    PortalEmailTaken(String),
    /// An admin changing their own role or deactivating themselves.
    OwnAccount,
    /// A reset link asked for an applicant by staff.
    ApplicantResetsByInvitation,
    /// A reset link for a deactivated account.
    AccountDeactivated(String),
    /// A portal account that is deactivated.
    PortalDeactivated,
    /// Retrying an email that did not fail.
    RetryOnlyFailed(OutboxStatus),
    /// A case with as many tasks as it may hold.
    TaskLimit { case: String, max: usize },
    /// A document the checklist has already.
    AlreadyOnChecklist {
        case: String,
        document: DocumentKind,
    },
    /// Marking as needed an item that is not waived.
    NotWaived(Option<DocumentKind>),
    /// Uploading to a waived item.
    ItemWaived(Option<DocumentKind>),
    /// Uploading to an accepted item.
    ItemAccepted(Option<DocumentKind>),
    /// An applicant uploading to an item their case does not need.
    ItemNotNeeded(Option<DocumentKind>),
    /// An applicant uploading to a closed case.
    CaseClosed,
    /// An applicant writing on a closed case.
    CaseClosedForMessages,
    /// Two uploads to one item at the same moment.
    UploadRace(Option<DocumentKind>),
    /// Reviewing a version when a newer one exists.
    NewerVersion(i64),
    /// A stage move the stage machine refuses.
    Move(MoveError),
    /// The case moved while the person was looking at it.
    MovedMeanwhile,

    // Not this person's to change.
    /// Only the case's attorney, an admin or its paralegal may do this.
    OnlyCaseTeam { case: String, action: CaseAction },

    // The request itself.
    /// The server could not be reached.
    Unreachable,
    /// The form's fields could not be read.
    UnreadableForm(String),
    /// The request could not be decoded.
    UnreadableRequest(String),
    /// The server's answer could not be decoded.
    UnreadableAnswer,
    /// Any other failure to send or read.
    RequestFailed(String),
    /// An upload that sent nothing for a minute.
    UploadStalled,
    /// Too many uploads at once on this server.
    ServerBusy,
    /// A file over the upload limit (`size` when it was declared).
    FileTooLarge { limit: u64, size: Option<u64> },
    /// An upload cut off before the whole file arrived.
    UploadCutOff,
    /// An edit form that did not say which version it edits.
    MissingVersion,
    /// A request body that broke off.
    RequestCutOff,
    /// A form over the request size limit (`size` when it was declared).
    RequestTooLarge { limit: u64, size: Option<u64> },
}
