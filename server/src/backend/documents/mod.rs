//! Documents and the applicant portal inside one transaction each: who may
//! upload to, download, review and see what, and the portal's invitations.
//! An applicant asking for anything that is not theirs gets 404.

mod port;

use super::access::{editable_case, visible_case};
use super::By;
use crate::auth::token;
use crate::db::DbConnection;
use crate::documents::pipeline::{SealedUpload, StoredVersion};
use crate::error::ServerError;
use crate::mail::{compose, MailSettings, Outgoing};
use crate::store::cases::{self};
use crate::store::checklist;
use crate::store::documents::{self, DocumentRow};
use crate::store::invitations::{self, InvitationRow};
use crate::store::{audit, clients, settings, users};
use visadesk_app::domain::checklist::{ChecklistItem, DocumentKind, ItemStatus, Progress};
use visadesk_app::domain::document::{
    check_review, format_bytes, InvitationInfo, NewInvitation, Portal, PortalCase, PortalStep,
    Review, INVITATION_DAYS,
};
use visadesk_app::domain::mail::MailCategory;
use visadesk_app::domain::problem::{CaseAction, Problem};
use visadesk_app::domain::{CurrentUser, Permission, Programme, Role};
use visadesk_app::{AppError, LinkKind};

/// Where an upload goes, decided (and access checked) before its bytes are read.
#[derive(Clone, Debug)]
pub struct UploadTarget {
    pub case_id: String,
    pub reference: String,
    pub item_id: String,
    pub label: &'static str,
    pub kind: Option<DocumentKind>,
    pub document_id: String,
    pub version: i64,
}

fn not_found(what: &str) -> ServerError {
    AppError::NotFound(what.into()).into()
}

/// Checks that `viewer` may upload to the checklist item and picks the
/// version the upload will be.
pub fn upload_target(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    item_id: &str,
) -> Result<UploadTarget, ServerError> {
    let item = checklist::by_id(conn, item_id)?.ok_or_else(|| not_found("checklist item"))?;
    let case = visible_case(conn, viewer, &item.case_id, "checklist item")?;
    let kind = DocumentKind::from_code(&item.kind);
    let label = kind.map_or("Document", |k| k.label());
    if viewer.role != Role::Applicant && item.status == "waived" {
        editable_case(conn, viewer, &case.id, CaseAction::UploadDocuments)?;
        return Err(AppError::Conflict(Problem::ItemWaived(kind)).into());
    }
    if viewer.role == Role::Applicant {
        let status = ItemStatus::from_code(&item.status, &item.reason);
        if status == Some(ItemStatus::Accepted) {
            return Err(AppError::Conflict(Problem::ItemAccepted(kind)).into());
        }
        if matches!(status, Some(ItemStatus::Waived(_))) {
            return Err(AppError::Conflict(Problem::ItemNotNeeded(kind)).into());
        }
        if !case.stage()?.is_open() {
            return Err(AppError::Conflict(Problem::CaseClosed).into());
        }
    } else {
        editable_case(conn, viewer, &case.id, CaseAction::UploadDocuments)?;
    }
    Ok(UploadTarget {
        version: documents::last_version(conn, &item.id)? + 1,
        case_id: case.id,
        reference: case.reference,
        item_id: item.id,
        label,
        kind,
        document_id: uuid::Uuid::new_v4().to_string(),
    })
}

/// Records a sealed upload as the target's new version (access is checked
/// again: it may have changed while the bytes streamed).
#[allow(clippy::too_many_arguments)]
pub fn record_upload(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    target: &UploadTarget,
    storage_key: &str,
    sealed: &SealedUpload,
    file_name: &str,
    content_type: &str,
    now: i64,
) -> Result<ChecklistItem, ServerError> {
    checklist::lock(conn, &target.item_id)?;
    let again = upload_target(conn, viewer, &target.item_id)?;
    if again.version != target.version {
        return Err(AppError::Conflict(Problem::UploadRace(target.kind)).into());
    }
    let duplicate = documents::same_bytes(conn, &target.case_id, &sealed.sha256)?;
    let row = DocumentRow {
        id: target.document_id.clone(),
        case_id: target.case_id.clone(),
        item_id: target.item_id.clone(),
        version: target.version,
        file_name: file_name.to_string(),
        content_type: content_type.to_string(),
        size: sealed.size as i64,
        sha256: sealed.sha256.clone(),
        storage_key: storage_key.to_string(),
        key_id: sealed.key_id.clone(),
        wrapped_key: sealed.wrapped_key.clone(),
        duplicate_of: duplicate.as_ref().map(|d| d.id.clone()),
        uploaded_by: Some(viewer.user_id.to_string()),
        uploaded_by_name: viewer.display_name.clone(),
        by_applicant: viewer.role == Role::Applicant,
        uploaded_at: now,
        review: Review::Pending.code().into(),
        review_reason: String::new(),
        reviewed_by_name: String::new(),
        reviewed_at: None,
    };
    match documents::insert(conn, &row) {
        Err(ServerError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => return Err(AppError::Conflict(Problem::UploadRace(target.kind)).into()),
        other => other?,
    }
    checklist::set_status(conn, &target.item_id, &ItemStatus::Uploaded, now)?;
    let mut summary = format!(
        "{}: \"{}\" version {} uploaded ({}, {})",
        target.reference,
        target.label,
        target.version,
        file_name,
        format_bytes(sealed.size)
    );
    if duplicate.is_some() {
        summary.push_str(", same file as an earlier upload");
    }
    audit::append(
        conn,
        by.entry("document.upload", "document", &row.id, summary),
        now,
    )?;
    item_with_versions(conn, &target.item_id)
}

/// One checklist item with its versions.
pub fn item_with_versions(
    conn: &mut DbConnection,
    item_id: &str,
) -> Result<ChecklistItem, ServerError> {
    let row = checklist::by_id(conn, item_id)?.ok_or_else(|| {
        ServerError::Invariant(format!(
            "checklist item {item_id} is gone right after it was written"
        ))
    })?;
    let mut versions = documents::versions_for_case(conn, &row.case_id)?;
    checklist::for_case(conn, &row.case_id)?
        .into_iter()
        .find(|i| i.id.as_str() == item_id)
        .map(|mut item| {
            item.versions = versions.remove(item_id).unwrap_or_default();
            item
        })
        .ok_or_else(|| {
            ServerError::Invariant(format!(
                "checklist item {item_id} is missing from its case's list"
            ))
        })
}

/// A case's checklist with each item's versions.
pub fn checklist_with_versions(
    conn: &mut DbConnection,
    case_id: &str,
) -> Result<Vec<ChecklistItem>, ServerError> {
    let mut versions = documents::versions_for_case(conn, case_id)?;
    Ok(checklist::for_case(conn, case_id)?
        .into_iter()
        .map(|mut item| {
            item.versions = versions.remove(item.id.as_str()).unwrap_or_default();
            item
        })
        .collect())
}

/// A document `viewer` may download (previews are for staff), audited.
pub fn download_target(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    document_id: &str,
    preview: bool,
    now: i64,
) -> Result<(DocumentRow, StoredVersion), ServerError> {
    let row = documents::by_id(conn, document_id)?.ok_or_else(|| not_found("document"))?;
    let case = visible_case(conn, viewer, &row.case_id, "document")?;
    if preview && viewer.role == Role::Applicant {
        return Err(not_found("document"));
    }
    let (action, verb) = if preview {
        ("document.preview", "previewed")
    } else {
        ("document.download", "downloaded")
    };
    audit::append(
        conn,
        by.entry(
            action,
            "document",
            &row.id,
            format!(
                "{}: {} version {} {verb}",
                case.reference, row.file_name, row.version
            ),
        ),
        now,
    )?;
    let stored = row.stored();
    Ok((row, stored))
}

/// Accepts or rejects (with a reason) the newest version of an item.
pub fn review_document(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    document_id: &str,
    accept: bool,
    reason: &str,
    now: i64,
) -> Result<ChecklistItem, ServerError> {
    let row = documents::by_id(conn, document_id)?.ok_or_else(|| not_found("document"))?;
    let case = visible_case(conn, viewer, &row.case_id, "document")?;
    editable_case(conn, viewer, &case.id, CaseAction::ReviewDocuments)?;
    checklist::lock(conn, &row.item_id)?;
    let review =
        check_review(accept, reason).map_err(|problem| AppError::invalid("reason", problem))?;
    let newest = documents::last_version(conn, &row.item_id)?;
    if newest != row.version {
        return Err(AppError::Conflict(Problem::NewerVersion(newest)).into());
    }
    documents::set_review(conn, &row.id, &review, &viewer.display_name, now)?;
    let status = documents::status_from_uploads(conn, &row.item_id)?;
    let item = checklist::by_id(conn, &row.item_id)?.ok_or_else(|| {
        ServerError::Invariant(format!(
            "document {} has no checklist item {}",
            row.id, row.item_id
        ))
    })?;
    // A waived item keeps its waiver; the review still shows on the version.
    if item.status != "waived" {
        checklist::set_status(conn, &row.item_id, &status, now)?;
    }
    let kind = DocumentKind::from_code(&item.kind);
    let label = kind.map_or("Document", |k| k.label());
    let (action, summary) = match &review {
        Review::Rejected(reason) => (
            "document.reject",
            format!(
                "{}: \"{label}\" version {} rejected: {reason}",
                case.reference, row.version
            ),
        ),
        _ => (
            "document.accept",
            format!(
                "{}: \"{label}\" version {} accepted",
                case.reference, row.version
            ),
        ),
    };
    audit::append(conn, by.entry(action, "document", &row.id, summary), now)?;
    item_with_versions(conn, &row.item_id)
}

/// The portal of an applicant: their client's cases, as they may see them.
pub fn portal(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    max_upload_bytes: u64,
) -> Result<Portal, ServerError> {
    let client_id = match (viewer.role, &viewer.client_id) {
        (Role::Applicant, Some(id)) => id.to_string(),
        _ => return Err(AppError::Forbidden.into()),
    };
    let client = clients::by_id(conn, &client_id)?.ok_or_else(|| not_found("client"))?;
    let mut out = Vec::new();
    for case in cases::for_client(conn, &client_id)? {
        let stage = case.stage()?;
        let Ok(programme) = case.programme.parse::<Programme>() else {
            continue;
        };
        let mut steps: Vec<PortalStep> = cases::timeline(conn, &case.id)?
            .into_iter()
            .map(|m| PortalStep {
                stage: m.to,
                at: m.at,
            })
            .collect();
        steps.reverse();
        let checklist = checklist_with_versions(conn, &case.id)?;
        let progress = Progress::of(checklist.iter().map(|i| (i.required, &i.status)));
        // Waived items (and their reasons, which are for staff) stay out.
        let checklist: Vec<ChecklistItem> = checklist
            .into_iter()
            .filter(|i| !matches!(i.status, ItemStatus::Waived(_)))
            .collect();
        out.push(PortalCase {
            id: case.id.into(),
            reference: case.reference,
            programme,
            stage,
            steps,
            checklist,
            progress,
        });
    }
    Ok(Portal {
        client_name: client.details.full_name,
        cases: out,
        max_upload_bytes,
    })
}

/// Makes a one-time invitation to the portal for a client; returns it with
/// the raw token (shown once, never stored).
pub fn invite(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    mail: &MailSettings,
    client_id: &str,
    now: i64,
) -> Result<NewInvitation, ServerError> {
    if !viewer.role.can(Permission::EditClients) {
        return Err(AppError::Forbidden.into());
    }
    let client = clients::by_id(conn, client_id)?.ok_or_else(|| not_found("client"))?;
    let email = client.details.email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::invalid("email", Problem::InviteNeedsEmail).into());
    }
    if let Some(user) = users::by_email(conn, &email)? {
        if user.client_id.as_deref() != Some(client_id) {
            return Err(AppError::Conflict(Problem::ClientEmailTaken(email.clone())).into());
        }
    }
    let token = token::generate()?;
    let row = InvitationRow {
        id: uuid::Uuid::new_v4().to_string(),
        client_id: client_id.to_string(),
        email: email.clone(),
        token_hash: token::digest(&token),
        created_by: Some(viewer.user_id.to_string()),
        created_by_name: viewer.display_name.clone(),
        created_at: now,
        expires_at: now + INVITATION_DAYS * 86_400,
        used_at: None,
    };
    invitations::replace_for_client(conn, &row)?;
    let path = format!("/portal/join/{token}");
    let firm = settings::firm(conn)?.name;
    // The link opens the join page in the language the email is written in.
    let language = client.details.preferred_language;
    let emailed_link = mail.link(&format!("{path}?lang={}", language.code()));
    let name = client.details.full_name.clone();
    let recipient_id = users::by_email(conn, &email)?.map(|u| u.id.into());
    crate::mail::queue(
        conn,
        mail,
        Outgoing {
            category: MailCategory::Invitation,
            recipient_id,
            to_address: email.clone(),
            to_name: name.clone(),
            letter: compose::invitation(
                language.locale(),
                &firm,
                &name,
                emailed_link,
                row.expires_at,
            ),
            sensitive: false,
        },
        now,
    )?;
    audit::append(
        conn,
        by.entry(
            "portal.invite",
            "client",
            client_id,
            format!("invited {email} to the portal (link valid {INVITATION_DAYS} days, emailed)"),
        ),
        now,
    )?;
    Ok(NewInvitation {
        path,
        email,
        expires_at: row.expires_at,
        emailed: true,
    })
}

/// The refusal for a link that is unknown, used or expired.
pub fn dead_link() -> ServerError {
    AppError::DeadLink(LinkKind::Invitation).into()
}

/// The live invitation for a raw token.
pub fn live_invitation(
    conn: &mut DbConnection,
    raw_token: &str,
    now: i64,
) -> Result<InvitationRow, ServerError> {
    if !token::looks_valid(raw_token) {
        return Err(dead_link());
    }
    invitations::live_by_token_hash(conn, &token::digest(raw_token), now)?.ok_or_else(dead_link)
}

/// What an invitation link's page shows.
pub fn invitation_info(
    conn: &mut DbConnection,
    raw_token: &str,
    now: i64,
) -> Result<InvitationInfo, ServerError> {
    let invitation = live_invitation(conn, raw_token, now)?;
    let client = clients::by_id(conn, &invitation.client_id)?.ok_or_else(dead_link)?;
    Ok(InvitationInfo {
        client_name: client.details.full_name,
        has_account: users::by_email(conn, &invitation.email)?.is_some(),
        email: invitation.email,
    })
}

/// Uses an invitation: creates the applicant's account, or sets a new
/// password on it, and returns the user. Call in a write transaction.
pub fn accept_invitation(
    conn: &mut DbConnection,
    raw_token: &str,
    password_hash: &str,
    now: i64,
) -> Result<users::UserRow, ServerError> {
    let invitation = live_invitation(conn, raw_token, now)?;
    if !invitations::use_once(conn, &invitation.id, now)? {
        return Err(dead_link());
    }
    let client = clients::by_id(conn, &invitation.client_id)?.ok_or_else(dead_link)?;
    let (user_id, action) = match users::by_email(conn, &invitation.email)? {
        Some(user) if user.client_id.as_deref() == Some(invitation.client_id.as_str()) => {
            if !user.active {
                return Err(AppError::Conflict(Problem::PortalDeactivated).into());
            }
            users::set_password_hash(conn, &user.id, password_hash, now)?;
            // A new password ends every session the old one opened.
            crate::store::sessions::delete_all_for_user(conn, &user.id, None)?;
            (user.id, "portal.password_reset")
        }
        Some(_) => {
            return Err(
                AppError::Conflict(Problem::PortalEmailTaken(invitation.email.clone())).into(),
            )
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            users::insert(
                conn,
                &users::NewUserRow {
                    id: &id,
                    email: &invitation.email,
                    display_name: &client.details.full_name,
                    role: Role::Applicant.as_str(),
                    password_hash,
                    active: true,
                    created_at: now,
                    updated_at: now,
                    client_id: Some(&invitation.client_id),
                    language: Some(client.details.preferred_language.code()),
                },
            )?;
            (id, "portal.join")
        }
    };
    audit::append(
        conn,
        audit::Entry {
            actor_id: Some(user_id.clone()),
            actor_email: invitation.email.clone(),
            action: action.into(),
            object_type: "client".into(),
            object_id: invitation.client_id.clone(),
            summary: format!("{} accepted the portal invitation", invitation.email),
            ip: String::new(),
        },
        now,
    )?;
    users::by_id(conn, &user_id)?.ok_or_else(|| {
        ServerError::Invariant(format!(
            "applicant {user_id} is gone right after it was written"
        ))
    })
}
