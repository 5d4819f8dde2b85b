//! The document port (reviews, the portal, invitations) and the upload and
//! download steps the HTTP handlers take.

use super::super::documents;
use super::super::VisadeskBackend;
use crate::auth::now;
use crate::auth::password::check_new_password;
use crate::notify;
use crate::store::cases;
use visadesk_app::api::port::DocumentPort;
use visadesk_app::api::port::{Actor, RequestSource, SignedIn};
use visadesk_app::domain::checklist::ChecklistItem;
use visadesk_app::domain::checklist::ItemStatus;
use visadesk_app::domain::document::Review;
use visadesk_app::domain::document::{InvitationInfo, NewInvitation, Portal};
use visadesk_app::domain::{ClientId, CurrentUser, DocumentId, InvitationToken};
use visadesk_app::AppError;
impl VisadeskBackend {
    /// Checks an upload before its bytes are read (see [`documents::upload_target`]).
    pub async fn upload_target(
        &self,
        viewer: &CurrentUser,
        item_id: &str,
    ) -> Result<documents::UploadTarget, AppError> {
        let (viewer, item_id) = (viewer.clone(), item_id.to_string());
        Ok(self
            .db
            .run(move |conn| documents::upload_target(conn, &viewer, &item_id))
            .await?)
    }

    /// Records a sealed upload (see [`documents::record_upload`]).
    pub async fn record_upload(
        &self,
        actor: &Actor,
        target: documents::UploadTarget,
        storage_key: String,
        sealed: crate::documents::pipeline::SealedUpload,
        file_name: String,
        content_type: &'static str,
    ) -> Result<ChecklistItem, AppError> {
        let mail = self.mail.clone();
        self.write_as(actor, move |conn, viewer, by, now| {
            let item = documents::record_upload(
                conn,
                viewer,
                by,
                &target,
                &storage_key,
                &sealed,
                &file_name,
                content_type,
                now,
            )?;
            if let Some(case) = cases::row_by_id(conn, &target.case_id)? {
                notify::document_uploaded(
                    conn,
                    &mail,
                    &case,
                    target.kind,
                    &file_name,
                    viewer,
                    now,
                )?;
            }
            Ok(item)
        })
        .await
    }

    /// A document the actor may download, the download audited.
    pub async fn download_target(
        &self,
        actor: &Actor,
        document_id: &str,
        preview: bool,
    ) -> Result<
        (
            crate::store::documents::DocumentRow,
            crate::documents::pipeline::StoredVersion,
        ),
        AppError,
    > {
        let id = document_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            documents::download_target(conn, viewer, by, &id, preview, now)
        })
        .await
    }
}

#[async_trait::async_trait]
impl DocumentPort for VisadeskBackend {
    async fn review_document(
        &self,
        actor: &Actor,
        document_id: &DocumentId,
        accept: bool,
        reason: String,
    ) -> Result<ChecklistItem, AppError> {
        let (id, mail) = (document_id.to_string(), self.mail.clone());
        self.write_as(actor, move |conn, viewer, by, now| {
            let item = documents::review_document(conn, viewer, by, &id, accept, &reason, now)?;
            let review = match &item.status {
                ItemStatus::Accepted => Some(Review::Accepted),
                ItemStatus::Rejected(reason) => Some(Review::Rejected(reason.clone())),
                _ => None,
            };
            let case_id = crate::store::documents::by_id(conn, &id)?.map(|d| d.case_id);
            if let (Some(review), Some(case_id)) = (review, case_id) {
                if let Some(case) = cases::row_by_id(conn, &case_id)? {
                    notify::document_reviewed(conn, &mail, &case, item.kind, &review, now)?;
                }
            }
            Ok(item)
        })
        .await
    }

    async fn portal(&self, viewer: &CurrentUser) -> Result<Portal, AppError> {
        let viewer = viewer.clone();
        let max = self.documents.max_upload_bytes;
        Ok(self
            .db
            .run(move |conn| documents::portal(conn, &viewer, max))
            .await?)
    }

    async fn invite_applicant(
        &self,
        actor: &Actor,
        client_id: &ClientId,
    ) -> Result<NewInvitation, AppError> {
        let (id, mail) = (client_id.to_string(), self.mail.clone());
        self.write_as(actor, move |conn, viewer, by, now| {
            documents::invite(conn, viewer, by, &mail, &id, now)
        })
        .await
    }

    async fn invitation_info(&self, token: &InvitationToken) -> Result<InvitationInfo, AppError> {
        let token = token.as_str().to_string();
        Ok(self
            .db
            .run(move |conn| documents::invitation_info(conn, &token, now()))
            .await?)
    }

    async fn accept_invitation(
        &self,
        token: &InvitationToken,
        password: String,
        client: RequestSource,
    ) -> Result<SignedIn, AppError> {
        let info = self.invitation_info(token).await?;
        check_new_password(&password, &info.email)?;
        let hash = self.with_hasher(move |p| p.hash(&password)).await?;
        let raw = token.as_str().to_string();
        let terms = self.session_terms();
        let default = self.security_default.clone();
        let (signed_in, user_id) = self
            .db
            .write(move |conn| {
                let now = now();
                let user = documents::accept_invitation(conn, &raw, &hash, now)?;
                // Where the firm requires a second factor of everyone, the
                // new applicant sets one up before the portal opens.
                let opened = crate::backend::sign_in_step::open_after_password(
                    conn, &user, client, &default, now, &terms,
                )?;
                Ok((opened.signed_in(&user)?, user.id.clone()))
            })
            .await?;
        tracing::info!(target: "visadesk::auth", user = %user_id, "joined the portal");
        Ok(signed_in)
    }
}
