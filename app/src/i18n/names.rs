//! The names of the domain's fixed things (stages, programmes, documents,
//! checklist statuses), in the person's language. The domain keeps codes and
//! English labels for logs and the audit trail; what people read comes
//! from here.

use super::{td_string, Locale};
use crate::domain::case::Priority;
use crate::domain::checklist::{DocumentKind, ItemStatus};
use crate::domain::client::EducationLevel;
use crate::domain::delivery::Delivery;
use crate::domain::mail::{MailCategory, OutboxStatus};
use crate::domain::notice::NoticeKind;
use crate::domain::{Programme, Role, Section, Stage};

/// A case stage's name: "Collecting documents", "收集材料".
pub fn stage(l: Locale, stage: Stage) -> &'static str {
    match stage {
        Stage::Intake => td_string!(l, stages.intake.label),
        Stage::EligibilityReview => td_string!(l, stages.eligibility_review.label),
        Stage::CollectingDocuments => td_string!(l, stages.collecting_documents.label),
        Stage::PreparingApplication => td_string!(l, stages.preparing_application.label),
        Stage::Submitted => td_string!(l, stages.submitted.label),
        Stage::AwaitingDecision => td_string!(l, stages.awaiting_decision.label),
        Stage::Approved => td_string!(l, stages.approved.label),
        Stage::Refused => td_string!(l, stages.refused.label),
        Stage::Withdrawn => td_string!(l, stages.withdrawn.label),
        Stage::Closed => td_string!(l, stages.closed.label),
    }
}

/// A stage in plain words, as the applicant is told it.
pub fn stage_in_plain_words(l: Locale, stage: Stage) -> &'static str {
    match stage {
        Stage::Intake => td_string!(l, stages.intake.plain),
        Stage::EligibilityReview => td_string!(l, stages.eligibility_review.plain),
        Stage::CollectingDocuments => td_string!(l, stages.collecting_documents.plain),
        Stage::PreparingApplication => td_string!(l, stages.preparing_application.plain),
        Stage::Submitted => td_string!(l, stages.submitted.plain),
        Stage::AwaitingDecision => td_string!(l, stages.awaiting_decision.plain),
        Stage::Approved => td_string!(l, stages.approved.plain),
        Stage::Refused => td_string!(l, stages.refused.plain),
        Stage::Withdrawn => td_string!(l, stages.withdrawn.plain),
        Stage::Closed => td_string!(l, stages.closed.plain),
    }
}

/// A programme's name: "China K visa", "中国K字签证".
pub fn programme(l: Locale, programme: Programme) -> &'static str {
    match programme {
        Programme::ChinaK => td_string!(l, programmes.china_k),
        Programme::ChinaR => td_string!(l, programmes.china_r),
        Programme::ChinaZ => td_string!(l, programmes.china_z),
        Programme::UsH1b => td_string!(l, programmes.us_h1b),
        Programme::EuBlueCardDe => td_string!(l, programmes.eu_blue_card_de),
    }
}

/// A checklist document's name: "Degree certificate", "学位证书".
pub fn document(l: Locale, kind: DocumentKind) -> &'static str {
    use DocumentKind::*;
    match kind {
        Passport => td_string!(l, documents.passport),
        Photo => td_string!(l, documents.photo),
        Cv => td_string!(l, documents.cv),
        DegreeCertificate => td_string!(l, documents.degree_certificate),
        Transcript => td_string!(l, documents.transcript),
        ResearchOrTeachingProof => td_string!(l, documents.research_or_teaching_proof),
        WorkExperienceProof => td_string!(l, documents.work_experience_proof),
        TalentConfirmation => td_string!(l, documents.talent_confirmation),
        AwardsEvidence => td_string!(l, documents.awards_evidence),
        EmploymentContract => td_string!(l, documents.employment_contract),
        CriminalRecordCertificate => td_string!(l, documents.criminal_record_certificate),
        HealthCertificate => td_string!(l, documents.health_certificate),
        CredentialEvaluation => td_string!(l, documents.credential_evaluation),
        OfferLetter => td_string!(l, documents.offer_letter),
        LaborConditionApplication => td_string!(l, documents.labor_condition_application),
        DegreeRecognition => td_string!(l, documents.degree_recognition),
        HealthInsurance => td_string!(l, documents.health_insurance),
    }
}

/// What an email is about: "Daily digest", "每日摘要".
pub fn mail_category(l: Locale, category: MailCategory) -> &'static str {
    use MailCategory::*;
    match category {
        Invitation => td_string!(l, mail_categories.invitation),
        PasswordReset => td_string!(l, mail_categories.password_reset),
        PasswordChanged => td_string!(l, mail_categories.password_changed),
        SecurityAlert => td_string!(l, mail_categories.security_alert),
        StageChanged => td_string!(l, mail_categories.stage_changed),
        DocumentReviewed => td_string!(l, mail_categories.document_reviewed),
        ItemAdded => td_string!(l, mail_categories.item_added),
        DocumentUploaded => td_string!(l, mail_categories.document_uploaded),
        TaskAssigned => td_string!(l, mail_categories.task_assigned),
        Message => td_string!(l, mail_categories.message),
        Digest => td_string!(l, mail_categories.digest),
    }
}

/// How a kind of email is delivered.
pub fn delivery(l: Locale, delivery: Delivery) -> &'static str {
    match delivery {
        Delivery::AtOnce => td_string!(l, deliveries.at_once),
        Delivery::Digest => td_string!(l, deliveries.digest),
        Delivery::Off => td_string!(l, deliveries.off),
    }
}

/// What the email preference form says about a category, for staff or for
/// an applicant ("" for categories with nothing to explain).
pub fn mail_explanation(l: Locale, category: MailCategory, staff: bool) -> &'static str {
    use MailCategory::*;
    match (category, staff) {
        (DocumentUploaded, _) => td_string!(l, mail_explanations.document_uploaded),
        (Message, true) => td_string!(l, mail_explanations.message_to_staff),
        (Message, false) => td_string!(l, mail_explanations.message_to_applicant),
        (TaskAssigned, _) => td_string!(l, mail_explanations.task_assigned),
        (Digest, _) => td_string!(l, mail_explanations.digest),
        (StageChanged, _) => td_string!(l, mail_explanations.stage_changed),
        (DocumentReviewed, _) => td_string!(l, mail_explanations.document_reviewed),
        (ItemAdded, _) => td_string!(l, mail_explanations.item_added),
        (Invitation | PasswordReset | PasswordChanged | SecurityAlert, _) => "",
    }
}

/// A part of the staff workspace, as the navigation names it.
pub fn section(l: Locale, section: Section) -> &'static str {
    match section {
        Section::Dashboard => td_string!(l, sections.dashboard),
        Section::Clients => td_string!(l, sections.clients),
        Section::Cases => td_string!(l, sections.cases),
        Section::Admin => td_string!(l, sections.admin),
    }
}

/// A role's name: "Paralegal", "律师助理".
pub fn role(l: Locale, role: Role) -> &'static str {
    match role {
        Role::Admin => td_string!(l, roles.admin),
        Role::Attorney => td_string!(l, roles.attorney),
        Role::Paralegal => td_string!(l, roles.paralegal),
        Role::Viewer => td_string!(l, roles.viewer),
        Role::Applicant => td_string!(l, roles.applicant),
    }
}

/// A case's priority.
pub fn priority(l: Locale, priority: Priority) -> &'static str {
    match priority {
        Priority::Low => td_string!(l, priorities.low),
        Priority::Normal => td_string!(l, priorities.normal),
        Priority::High => td_string!(l, priorities.high),
        Priority::Urgent => td_string!(l, priorities.urgent),
    }
}

/// A checklist item's status, as staff see it.
pub fn checklist_status(l: Locale, status: &ItemStatus) -> &'static str {
    match status {
        ItemStatus::Missing => td_string!(l, checklist_statuses.missing),
        ItemStatus::Uploaded => td_string!(l, checklist_statuses.uploaded),
        ItemStatus::Accepted => td_string!(l, checklist_statuses.accepted),
        ItemStatus::Rejected(_) => td_string!(l, checklist_statuses.rejected),
        ItemStatus::Waived(_) => td_string!(l, checklist_statuses.waived),
    }
}

/// A level of education: "Master's degree", "硕士学位".
pub fn education_level(l: Locale, level: EducationLevel) -> &'static str {
    match level {
        EducationLevel::Secondary => td_string!(l, education_levels.secondary),
        EducationLevel::Vocational => td_string!(l, education_levels.vocational),
        EducationLevel::Bachelor => td_string!(l, education_levels.bachelor),
        EducationLevel::Master => td_string!(l, education_levels.master),
        EducationLevel::Doctorate => td_string!(l, education_levels.doctorate),
    }
}

/// A browser, from its User-Agent: "Chrome 156 on Linux", "Linux 上的 Chrome 156".
pub fn agent(l: Locale, user_agent: &str) -> String {
    let crate::domain::agent::Agent { browser, os } = crate::domain::agent::parse(user_agent);
    match (browser, os) {
        (Some(b), Some(o)) => td_string!(l, agents.on, browser = b, os = o).to_string(),
        (Some(b), None) => b,
        (None, Some(o)) => td_string!(l, agents.a_browser_on, os = o).to_string(),
        (None, None) if user_agent.trim().is_empty() => td_string!(l, agents.unknown).to_string(),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

/// What a notice is about.
pub fn notice_kind(l: Locale, kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::StageChanged => td_string!(l, notice_kinds.stage_changed),
        NoticeKind::DocumentAccepted => td_string!(l, notice_kinds.document_accepted),
        NoticeKind::DocumentRejected => td_string!(l, notice_kinds.document_rejected),
        NoticeKind::ItemAdded => td_string!(l, notice_kinds.item_added),
        NoticeKind::DocumentUploaded => td_string!(l, notice_kinds.document_uploaded),
        NoticeKind::TaskAssigned => td_string!(l, notice_kinds.task_assigned),
        NoticeKind::MessageReceived => td_string!(l, notice_kinds.message_received),
    }
}

/// An email's sending state: "Sent", "已发送".
pub fn outbox_status(l: Locale, status: OutboxStatus) -> &'static str {
    match status {
        OutboxStatus::Queued => td_string!(l, outbox.statuses.queued),
        OutboxStatus::Sending => td_string!(l, outbox.statuses.sending),
        OutboxStatus::Sent => td_string!(l, outbox.statuses.sent),
        OutboxStatus::Failed => td_string!(l, outbox.statuses.failed),
    }
}

/// Who must use a second factor, as the security setting names it.
pub fn second_factor_rule(
    l: Locale,
    rule: crate::domain::second_factor::SecondFactorRule,
) -> &'static str {
    use crate::domain::second_factor::SecondFactorRule::*;
    match rule {
        Optional => td_string!(l, second_factor_rules.optional),
        Admins => td_string!(l, second_factor_rules.admins),
        Staff => td_string!(l, second_factor_rules.staff),
        Everyone => td_string!(l, second_factor_rules.everyone),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_glossary() {
        assert_eq!(
            stage(Locale::zh_Hans, Stage::CollectingDocuments),
            "收集材料"
        );
        assert_eq!(
            stage(Locale::en, Stage::CollectingDocuments),
            Stage::CollectingDocuments.label()
        );
        assert_eq!(
            document(Locale::zh_Hans, DocumentKind::TalentConfirmation),
            "外国高端人才确认函"
        );
        for kind in DocumentKind::ALL {
            assert_eq!(document(Locale::en, kind), kind.label(), "{kind:?}");
        }
        for p in Programme::ALL {
            assert_eq!(programme(Locale::en, p), p.label(), "{p:?}");
        }
    }

    #[test]
    fn every_email_a_person_may_choose_about_is_explained_in_every_language() {
        use crate::domain::delivery::categories_for;
        use crate::domain::Role;
        for l in [Locale::en, Locale::zh_Hans] {
            for role in Role::ALL {
                for c in categories_for(role) {
                    assert!(
                        !mail_explanation(l, *c, role.is_staff()).is_empty(),
                        "{c:?} {role:?}"
                    );
                }
            }
        }
    }
}
