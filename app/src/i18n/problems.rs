//! What went wrong with a request (`crate::domain::problem`) in the
//! reader's language. One `match` per kind, so a problem the domain gains
//! does not compile until every language words it. A problem's `Display`
//! is its English, for logs and the command line.

use super::format::{bytes, date};
use super::names::{delivery, document, mail_category, outbox_status, stage};
use super::{td_string, Locale};
use crate::domain::checklist::DocumentKind;
use crate::domain::date::Date;
use crate::domain::problem::{CaseAction, Choice, Problem, Thing};
use crate::domain::stage::MoveError;
use std::fmt;

/// A thing named inside a sentence: "date of birth", "出生日期".
pub fn thing(l: Locale, t: Thing) -> &'static str {
    use Thing::*;
    match t {
        FullName => td_string!(l, things.full_name),
        LatinName => td_string!(l, things.latin_name),
        Email => td_string!(l, things.email),
        Phone => td_string!(l, things.phone),
        Address => td_string!(l, things.address),
        DateOfBirth => td_string!(l, things.date_of_birth),
        Nationality => td_string!(l, things.nationality),
        PassportExpiry => td_string!(l, things.passport_expiry),
        CompletionDate => td_string!(l, things.completion_date),
        FieldOfStudy => td_string!(l, things.field_of_study),
        Institution => td_string!(l, things.institution),
        Country => td_string!(l, things.country),
        StartDate => td_string!(l, things.start_date),
        EndDate => td_string!(l, things.end_date),
        JobRole => td_string!(l, things.job_role),
        Employer => td_string!(l, things.employer),
        Language => td_string!(l, things.language),
        LanguageTest => td_string!(l, things.language_test),
        LanguageLevel => td_string!(l, things.language_level),
        CountryOfWork => td_string!(l, things.country_of_work),
        Occupation => td_string!(l, things.occupation),
        ContractLength => td_string!(l, things.contract_length),
        MonthsPerYear => td_string!(l, things.months_per_year),
        LocalIncentivePoints => td_string!(l, things.local_incentive_points),
        TargetFilingDate => td_string!(l, things.target_filing_date),
        FilingDate => td_string!(l, things.filing_date),
        DecisionDate => td_string!(l, things.decision_date),
        OpeningDate => td_string!(l, things.opening_date),
        Notes => td_string!(l, things.notes),
        StageNote => td_string!(l, things.stage_note),
        TaskTitle => td_string!(l, things.task_title),
        DueDate => td_string!(l, things.due_date),
        PersonName => td_string!(l, things.person_name),
        Password => td_string!(l, things.password),
        FirmName => td_string!(l, things.firm_name),
        Reason => td_string!(l, things.reason),
        Message => td_string!(l, things.message),
        AssessmentDate => td_string!(l, things.assessment_date),
        KVisaAgeLimit => td_string!(l, things.k_visa_age_limit),
        WorkPermitBAgeLimit => td_string!(l, things.work_permit_b_age_limit),
        Priority => td_string!(l, things.priority),
        Programme => td_string!(l, things.programme),
        Stage => td_string!(l, things.stage),
        OutboxStatus => td_string!(l, things.outbox_status),
        Role => td_string!(l, things.role),
        Document => td_string!(l, things.document),
        FileName => td_string!(l, things.file_name),
        PassportNumber => td_string!(l, things.passport_number),
        Education => td_string!(l, things.education),
        WorkHistory => td_string!(l, things.work_history),
        Languages => td_string!(l, things.languages),
        EligibilityFacts => td_string!(l, things.eligibility_facts),
        PasskeyName => td_string!(l, things.passkey_name),
    }
}

/// Several things in a running list: "email, passport number", "电子邮箱、护照号码".
pub fn things(l: Locale, list: &[Thing]) -> String {
    list.iter()
        .map(|t| thing(l, *t))
        .collect::<Vec<_>>()
        .join(td_string!(l, common.list_separator))
}

fn choice(l: Locale, c: Choice) -> &'static str {
    match c {
        Choice::Programme => td_string!(l, choices.programme),
        Choice::Stage => td_string!(l, choices.stage),
        Choice::Document => td_string!(l, choices.document),
        Choice::StaffRole => td_string!(l, choices.staff_role),
        Choice::ActiveStaff => td_string!(l, choices.active_staff),
        Choice::ActiveAttorney => td_string!(l, choices.active_attorney),
        Choice::ActiveParalegal => td_string!(l, choices.active_paralegal),
        Choice::File => td_string!(l, choices.file),
    }
}

fn case_action(l: Locale, a: CaseAction) -> &'static str {
    match a {
        CaseAction::Edit => td_string!(l, case_actions.edit),
        CaseAction::Move => td_string!(l, case_actions.move_stage),
        CaseAction::AddTasks => td_string!(l, case_actions.add_tasks),
        CaseAction::ChangeTasks => td_string!(l, case_actions.change_tasks),
        CaseAction::DeleteTasks => td_string!(l, case_actions.delete_tasks),
        CaseAction::ChangeChecklist => td_string!(l, case_actions.change_checklist),
        CaseAction::ReviewDocuments => td_string!(l, case_actions.review_documents),
        CaseAction::UploadDocuments => td_string!(l, case_actions.upload_documents),
        CaseAction::SaveAssessment => td_string!(l, case_actions.save_assessment),
        CaseAction::WriteToApplicant => td_string!(l, case_actions.write_to_applicant),
    }
}

/// Quoted choices joined with "or": `"A", "B" or "C"`, `“A”、“B”或“C”`.
fn one_of(l: Locale, names: &[&str]) -> String {
    let quoted: Vec<String> = names
        .iter()
        .map(|n| td_string!(l, problems.quoted, text = n).to_string())
        .collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => td_string!(
            l,
            problems.or_last,
            list = rest.join(td_string!(l, common.list_separator)),
            last = last
        )
        .to_string(),
    }
}

/// A date the domain quotes as `YYYY-MM-DD`, in the reader's format.
fn quoted_date(l: Locale, iso: &str) -> String {
    Date::parse(iso).map_or_else(|| iso.to_string(), |d| date(l, d))
}

fn document_or_item(l: Locale, d: Option<DocumentKind>) -> &'static str {
    d.map_or(td_string!(l, errors.object.other), |d| document(l, d))
}

/// A problem in the reader's language.
pub fn problem(l: Locale, p: &Problem) -> String {
    use Problem::*;
    macro_rules! say {
        ($($key:ident).+) => {
            td_string!(l, $($key).+).to_string()
        };
        ($($key:ident).+, $($name:ident = $value:expr),+) => {
            td_string!(l, $($key).+, $($name = $value),+).to_string()
        };
    }
    let t = |x: &Thing| thing(l, *x);
    match p {
        Missing(x) => say!(problems.missing, thing = t(x)),
        TooLong { thing, chars, max } => say!(
            problems.too_long,
            thing = self::thing(l, *thing),
            chars = *chars,
            max = *max
        ),
        ControlCharacters(x) => say!(problems.control_characters, thing = t(x)),
        NotADate(x) => say!(problems.not_a_date, thing = t(x)),
        CountryCode(x) => say!(problems.country_code, thing = t(x)),
        OutOfRange { thing, lo, hi } => say!(
            problems.out_of_range,
            thing = self::thing(l, *thing),
            lo = *lo,
            hi = *hi
        ),
        TooManyEntries { count, max } => {
            say!(problems.too_many_entries, count = *count, max = *max)
        }
        InTheFuture(x) => say!(problems.in_the_future, thing = t(x)),
        TooEarly { thing, year } => {
            say!(
                problems.too_early,
                thing = self::thing(l, *thing),
                year = *year
            )
        }
        DateBefore {
            thing,
            other,
            on: None,
        } => say!(
            problems.date_before,
            thing = self::thing(l, *thing),
            other = self::thing(l, *other)
        ),
        DateBefore {
            thing,
            other,
            on: Some(on),
        } => say!(
            problems.date_before_on,
            thing = self::thing(l, *thing),
            other = self::thing(l, *other),
            on = quoted_date(l, on)
        ),
        Unknown {
            thing,
            value,
            choices,
        } if choices.is_empty() => {
            say!(
                problems.unknown,
                value = value,
                thing = self::thing(l, *thing)
            )
        }
        Unknown {
            thing,
            value,
            choices,
        } => say!(
            problems.unknown_with_choices,
            value = value,
            thing = self::thing(l, *thing),
            choices = choices.join(td_string!(l, common.list_separator))
        ),
        Choose(c) => choice(l, *c).to_string(),
        EmailShape => say!(problems.email_shape),
        PasswordTooShort { chars, min } => {
            say!(problems.password_too_short, chars = *chars, min = *min)
        }
        PasswordCommon => say!(problems.password_common),
        PasswordIsEmail => say!(problems.password_is_email),
        PasswordsDiffer => say!(problems.passwords_differ),
        EnterYourPassword => say!(problems.enter_your_password),
        CodeShape {
            recovery_allowed: true,
        } => say!(problems.code_shape_or_recovery),
        CodeShape {
            recovery_allowed: false,
        } => say!(problems.code_shape),
        WrongCode => say!(problems.wrong_code),
        CodeUsed => say!(problems.code_used),
        TooManyWrongCodes => say!(problems.too_many_wrong_codes),
        TotpNotStarted => say!(problems.totp_not_started),
        NoAuthenticator => say!(problems.no_authenticator),
        SecondFactorRequired => say!(problems.second_factor_required),
        ResetOwnSecondFactor => say!(problems.reset_own_second_factor),
        PasskeysNeedDomain => say!(problems.passkeys_need_domain),
        PasskeyRefused => say!(problems.passkey_refused),
        PasskeyTaken => say!(problems.passkey_taken),
        PasskeyUnknown => say!(problems.passkey_unknown),
        PasskeySignInOff => say!(problems.passkey_sign_in_off),
        PasskeyExpired => say!(problems.passkey_expired),
        NoPasskey => say!(problems.no_passkey),
        LastSecondFactor => say!(problems.last_second_factor),
        PassportNumberShape => say!(problems.passport_number_shape),
        CurrencyCode => say!(problems.currency_code),
        SalaryNumber => say!(problems.salary_number),
        CurrencyMissing => say!(problems.currency_missing),
        RejectionNeedsReason => say!(problems.rejection_needs_reason),
        WaiverNeedsReason { document: d, max } => say!(
            problems.waiver_needs_reason,
            max = *max,
            document = document_or_item(l, *d)
        ),
        NoSuchHour(hour) => say!(problems.no_such_hour, hour = *hour),
        TimeZoneMissing => say!(problems.time_zone_missing),
        TimeZoneUnknown(name) => say!(problems.time_zone_unknown, name = name),
        EmptyMessage => say!(messages.write_first),
        MailNotSent(c) => say!(problems.mail_not_sent, category = mail_category(l, *c)),
        MailDelivery {
            category,
            chosen,
            allowed,
        } => say!(
            problems.mail_delivery,
            category = mail_category(l, *category),
            chosen = delivery(l, *chosen),
            allowed = one_of(
                l,
                &allowed.iter().map(|d| delivery(l, *d)).collect::<Vec<_>>()
            )
        ),
        RoleKindFixed => say!(problems.role_kind_fixed),
        ApplicantsInvitedFromClient => say!(problems.applicants_invited_from_client),
        OnlyAttorneyAssigns => say!(problems.only_attorney_assigns),
        UnknownClient => say!(problems.unknown_client),
        InviteNeedsEmail => say!(problems.invite_needs_email),
        OneFilePerUpload => say!(problems.one_file_per_upload),
        NoFileName => say!(problems.no_file_name),
        FormTooLarge(name) => say!(problems.form_too_large, name = name),
        EmptyFile => say!(problems.empty_file),
        FileNameWithFolders => say!(problems.file_name_with_folders),
        UnsupportedFile => say!(problems.unsupported_file),
        EmailTaken(email) => say!(problems.email_taken, email = email),
        ClientEmailTaken(email) => say!(problems.client_email_taken, email = email),
        PortalEmailTaken(email) => say!(problems.portal_email_taken, email = email),
        OwnAccount => say!(problems.own_account),
        ApplicantResetsByInvitation => say!(problems.applicant_resets_by_invitation),
        AccountDeactivated(name) => say!(problems.account_deactivated, name = name),
        PortalDeactivated => say!(problems.portal_deactivated),
        RetryOnlyFailed(s) => say!(problems.retry_only_failed, status = outbox_status(l, *s)),
        TaskLimit { case, max } => say!(problems.task_limit, case = case, max = *max),
        AlreadyOnChecklist { case, document: d } => say!(
            problems.already_on_checklist,
            case = case,
            document = document(l, *d)
        ),
        NotWaived(d) => say!(problems.not_waived, document = document_or_item(l, *d)),
        ItemWaived(d) => say!(problems.item_waived, document = document_or_item(l, *d)),
        ItemAccepted(d) => say!(problems.item_accepted, document = document_or_item(l, *d)),
        ItemNotNeeded(d) => say!(problems.item_not_needed, document = document_or_item(l, *d)),
        CaseClosed => say!(problems.case_closed),
        CaseClosedForMessages => say!(problems.case_closed_for_messages),
        UploadRace(d) => say!(problems.upload_race, document = document_or_item(l, *d)),
        NewerVersion(v) => say!(problems.newer_version, version = *v),
        Move(e) => move_error(l, e),
        MovedMeanwhile => say!(problems.moved_meanwhile),
        OnlyCaseTeam { case, action } => say!(
            problems.only_case_team,
            case = case,
            action = case_action(l, *action)
        ),
        Unreachable => say!(problems.unreachable),
        UnreadableForm(detail) => say!(problems.unreadable_form, detail = detail),
        UnreadableRequest(detail) => say!(problems.unreadable_request, detail = detail),
        UnreadableAnswer => say!(problems.unreadable_answer),
        RequestFailed(detail) => say!(problems.request_failed, detail = detail),
        UploadStalled => say!(problems.upload_stalled),
        ServerBusy => say!(problems.server_busy),
        FileTooLarge { limit, size: None } => {
            say!(problems.file_too_large, limit = bytes(l, *limit))
        }
        FileTooLarge {
            limit,
            size: Some(size),
        } => say!(
            problems.file_too_large_sized,
            limit = bytes(l, *limit),
            size = bytes(l, *size)
        ),
        UploadCutOff => say!(problems.upload_cut_off),
        MissingVersion => say!(problems.missing_version),
        RequestCutOff => say!(problems.request_cut_off),
        RequestTooLarge { limit, size: None } => {
            say!(problems.request_too_large, limit = bytes(l, *limit))
        }
        RequestTooLarge {
            limit,
            size: Some(size),
        } => say!(
            problems.request_too_large_sized,
            limit = bytes(l, *limit),
            size = bytes(l, *size)
        ),
    }
}

/// Why a stage move was refused, in the reader's language.
fn move_error(l: Locale, e: &MoveError) -> String {
    match e {
        MoveError::UnknownStage(value) => {
            td_string!(l, problems.unknown_stage, value = value).to_string()
        }
        MoveError::Unchanged(s) => {
            td_string!(l, problems.unchanged, stage = stage(l, *s)).to_string()
        }
        MoveError::NotAllowed { from, to } if from.next_stages().is_empty() => td_string!(
            l,
            problems.move_from_final,
            from = stage(l, *from),
            to = stage(l, *to)
        )
        .to_string(),
        MoveError::NotAllowed { from, to } => td_string!(
            l,
            problems.move_not_allowed,
            from = stage(l, *from),
            to = stage(l, *to),
            choices = one_of(
                l,
                &from
                    .next_stages()
                    .iter()
                    .map(|s| stage(l, *s))
                    .collect::<Vec<_>>()
            )
        )
        .to_string(),
        MoveError::OutcomeNeedsAttorney(s) => {
            td_string!(l, problems.outcome_needs_attorney, stage = stage(l, *s)).to_string()
        }
        MoveError::RoleCannotMove => td_string!(l, problems.role_cannot_move).to_string(),
    }
}

impl fmt::Display for Problem {
    /// The English, for logs and the command line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&problem(Locale::en, self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stage::Stage;

    #[test]
    fn a_problem_reads_in_each_language() {
        let p = Problem::TooLong {
            thing: Thing::FullName,
            chars: 201,
            max: 200,
        };
        assert_eq!(
            p.to_string(),
            "The full name is 201 characters long; the limit is 200."
        );
        assert_eq!(
            problem(Locale::zh_Hans, &p),
            "姓名共 201 个字符，上限为 200 个。"
        );
    }

    #[test]
    fn a_quoted_date_follows_the_language() {
        let p = Problem::DateBefore {
            thing: Thing::FilingDate,
            other: Thing::OpeningDate,
            on: Some("2026-11-01".into()),
        };
        assert_eq!(
            p.to_string(),
            "The filing date can't be before the date the case was opened (1 November 2026)."
        );
        assert_eq!(
            problem(Locale::zh_Hans, &p),
            "递交日期不能早于立案日期（2026年11月1日）。"
        );
    }

    #[test]
    fn choices_are_quoted_and_joined_per_language() {
        let p = Problem::Move(MoveError::NotAllowed {
            from: Stage::Intake,
            to: Stage::Approved,
        });
        let en = p.to_string();
        assert!(
            en.starts_with("A case can't move from \"Intake\" to \"Approved\""),
            "{en}"
        );
        assert!(en.contains("\" or \""), "{en}");
        let zh = problem(Locale::zh_Hans, &p);
        assert!(zh.contains("”或“"), "{zh}");
        assert!(!zh.contains('"'), "{zh}");
    }

    #[test]
    fn problems_travel_as_a_key_and_values() {
        let p = Problem::OutOfRange {
            thing: Thing::MonthsPerYear,
            lo: 0,
            hi: 12,
        };
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"problem": "out_of_range", "values": {"thing": "months_per_year", "lo": 0, "hi": 12}})
        );
        assert_eq!(serde_json::from_value::<Problem>(json).unwrap(), p);
    }
}
