//! A checklist item's uploaded versions as staff review them: file, size,
//! who uploaded it and when, duplicates, download and inline preview, and
//! accept / reject with a reason on the newest version.

use crate::api::documents::review_document;
use crate::components::form::FormError;
use crate::domain::document::{format_bytes, DocumentVersion, Review};
use crate::domain::time::format_utc;
use crate::domain::DocumentId;
use crate::error::AppError;
use leptos::prelude::*;

/// The review badge of a version.
pub fn review_badge(review: &Review) -> impl IntoView {
    let class = match review {
        Review::Accepted => "badge badge-ok",
        Review::Rejected(_) => "badge badge-danger",
        Review::Pending => "badge",
    };
    view! { <span class=class>{review.label()}</span> }
}

/// The versions of one item, newest first; `can_review` shows the review
/// controls on the newest. `on_change` runs after a review is saved.
#[component]
pub fn Versions(
    versions: Vec<DocumentVersion>,
    label: &'static str,
    can_review: bool,
    on_change: Callback<()>,
) -> impl IntoView {
    if versions.is_empty() {
        return ().into_any();
    }
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let previewing = RwSignal::new(None::<DocumentId>);
    let review = Action::new(move |(id, accept): &(DocumentId, bool)| {
        let (id, accept) = (id.clone(), *accept);
        async move {
            busy.set(true);
            let why = (!accept).then(|| reason.get_untracked());
            let result = review_document(id, accept, why).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    error.set(None);
                    rejecting.set(false);
                    reason.set(String::new());
                    on_change.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let count = versions.len();
    view! {
        <details class="versions" open=true>
            <summary class="small">{format!("{count} upload{}", if count == 1 { "" } else { "s" })}</summary>
            <ol class="version-list">
                {versions.into_iter().enumerate().map(|(i, v)| {
                    let newest = i == 0;
                    let (id_accept, id_reject, id_preview, id_is) = (v.id.clone(), v.id.clone(), v.id.clone(), v.id.clone());
                    let preview_path = v.preview_path();
                    let is_image = v.is_image();
                    let reason_id = format!("reject-{}", v.id);
                    let rejected_reason = match &v.review { Review::Rejected(r) => Some(r.clone()), _ => None };
                    // A reviewer may change their mind, so the other decision stays offered.
                    let offer_accept = can_review && newest && v.review != Review::Accepted;
                    let offer_reject = can_review && newest && rejected_reason.is_none();
                    view! {
                        <li class="version" data-version=v.version.to_string()>
                            <div class="version-line">
                                <strong>{format!("Version {}", v.version)}</strong>
                                <span class="version-file">{v.file_name.clone()}</span>
                                <span class="muted small">{format_bytes(v.size.max(0) as u64)}</span>
                                {review_badge(&v.review)}
                            </div>
                            <div class="muted small">
                                {format!("Uploaded by {}{} on {}", v.uploaded_by_name, if v.by_applicant { " (applicant)" } else { "" }, format_utc(v.uploaded_at))}
                                {(!v.reviewed_by_name.is_empty()).then(|| format!(" · reviewed by {}", v.reviewed_by_name))}
                            </div>
                            {rejected_reason.map(|r| view! { <p class="small checklist-reason">"Reason: " {r}</p> })}
                            {v.duplicate_of.clone().map(|d| view! { <p class="small duplicate-flag" role="note">{format!("Same file as {d}")}</p> })}
                            <div class="version-actions">
                                <a class="button button-small button-secondary" href=v.download_path() download="">"Download"</a>
                                <button type="button" class="button button-small button-secondary"
                                    aria-expanded=move || (previewing.get().as_ref() == Some(&id_is)).to_string()
                                    on:click=move |_| previewing.update(|p| {
                                        *p = if p.as_ref() == Some(&id_preview) { None } else { Some(id_preview.clone()) };
                                    })>
                                    "Preview"
                                </button>
                                {offer_accept.then(|| view! {
                                    <button type="button" class="button button-small"
                                        disabled=move || busy.get()
                                        aria-label=format!("Accept {label}")
                                        on:click=move |_| { review.dispatch((id_accept.clone(), true)); }>
                                        "Accept"
                                    </button>
                                })}
                                {offer_reject.then(|| view! {
                                    <button type="button" class="button button-small button-danger"
                                        disabled=move || busy.get()
                                        aria-label=format!("Reject {label}")
                                        on:click=move |_| { error.set(None); rejecting.set(true); }>
                                        "Reject"
                                    </button>
                                })}
                            </div>
                            {offer_reject.then(|| {
                                let reason_id2 = reason_id.clone();
                                view! {
                                    <Show when=move || rejecting.get()>
                                        <form class="inline-form reject-form" on:submit={
                                            let id_reject = id_reject.clone();
                                            move |ev| { ev.prevent_default(); review.dispatch((id_reject.clone(), false)); }
                                        }>
                                            <label class="sr-only" for=reason_id2.clone()>{format!("Why is “{label}” rejected?")}</label>
                                            <input id=reason_id2.clone() type="text" maxlength="500"
                                                placeholder="What should the applicant fix?" bind:value=reason/>
                                            <button type="submit" class="button button-small button-danger" disabled=move || busy.get()>"Reject"</button>
                                            <button type="button" class="button button-small button-secondary" on:click=move |_| rejecting.set(false)>"Cancel"</button>
                                            <p class="field-error">{move || error.get().and_then(|e| e.message_for("reason"))}</p>
                                        </form>
                                    </Show>
                                }
                            })}
                            <Show when={let id = v.id.clone(); move || previewing.get().as_ref() == Some(&id)}>
                                {
                                    let path = preview_path.clone();
                                    if is_image {
                                        view! { <img class="preview" src=path alt=format!("Preview of {label}")/> }.into_any()
                                    } else {
                                        view! { <iframe class="preview" src=path title=format!("Preview of {label}")></iframe> }.into_any()
                                    }
                                }
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <FormError error=Signal::derive(move || error.get().filter(|e| e.field().is_none()))/>
        </details>
    }
    .into_any()
}
