//! A checklist item's uploaded versions as staff review them: file, size,
//! who uploaded it and when, duplicates, download and inline preview, and
//! accept / reject with a reason on the newest version.

use crate::api::documents::review_document;
use crate::components::form::FormError;
use crate::domain::document::{DocumentVersion, Review};
use crate::domain::DocumentId;
use crate::error::AppError;
use crate::i18n::{format, td_string, use_locale, Locale};
use leptos::prelude::*;

/// The review badge of a version.
pub fn review_badge(l: Locale, review: &Review) -> impl IntoView {
    let (class, text) = match review {
        Review::Accepted => ("badge badge-ok", td_string!(l, reviews.accepted)),
        Review::Rejected(_) => ("badge badge-danger", td_string!(l, reviews.rejected)),
        Review::Pending => ("badge", td_string!(l, reviews.pending)),
    };
    view! { <span class=class>{text}</span> }
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
    let l = use_locale();
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
            <summary class="small">{if count == 1 { td_string!(l, versions.count_one).to_string() } else { td_string!(l, versions.count_several, count = count).to_string() }}</summary>
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
                                <strong>{td_string!(l, versions.version, version = v.version).to_string()}</strong>
                                <span class="version-file">{v.file_name.clone()}</span>
                                <span class="muted small">{crate::i18n::format::bytes(l, v.size.max(0) as u64)}</span>
                                {review_badge(l, &v.review)}
                            </div>
                            <div class="muted small">
                                {if v.by_applicant {
                                    td_string!(l, versions.uploaded_by_applicant, name = v.uploaded_by_name.clone(), time = format::date_time(l, v.uploaded_at)).to_string()
                                } else {
                                    td_string!(l, versions.uploaded_by, name = v.uploaded_by_name.clone(), time = format::date_time(l, v.uploaded_at)).to_string()
                                }}
                                {(!v.reviewed_by_name.is_empty()).then(|| td_string!(l, versions.reviewed_by, name = v.reviewed_by_name.clone()).to_string())}
                            </div>
                            {rejected_reason.map(|r| view! { <p class="small checklist-reason">{td_string!(l, versions.reason)} {r}</p> })}
                            {v.duplicate_of.clone().map(|d| view! { <p class="small duplicate-flag" role="note">{td_string!(l, versions.same_file, other = d).to_string()}</p> })}
                            <div class="version-actions">
                                <a class="button button-small button-secondary" href=v.download_path() download="">{td_string!(l, versions.download)}</a>
                                <button type="button" class="button button-small button-secondary"
                                    aria-expanded=move || (previewing.get().as_ref() == Some(&id_is)).to_string()
                                    on:click=move |_| previewing.update(|p| {
                                        *p = if p.as_ref() == Some(&id_preview) { None } else { Some(id_preview.clone()) };
                                    })>
                                    {td_string!(l, versions.preview)}
                                </button>
                                {offer_accept.then(|| view! {
                                    <button type="button" class="button button-small"
                                        disabled=move || busy.get()
                                        aria-label=td_string!(l, versions.accept_label, document = label).to_string()
                                        on:click=move |_| { review.dispatch((id_accept.clone(), true)); }>
                                        {td_string!(l, versions.accept)}
                                    </button>
                                })}
                                {offer_reject.then(|| view! {
                                    <button type="button" class="button button-small button-danger"
                                        disabled=move || busy.get()
                                        aria-label=td_string!(l, versions.reject_label, document = label).to_string()
                                        on:click=move |_| { error.set(None); rejecting.set(true); }>
                                        {td_string!(l, versions.reject)}
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
                                            <label class="sr-only" for=reason_id2.clone()>{td_string!(l, versions.why_rejected, document = label).to_string()}</label>
                                            <input id=reason_id2.clone() type="text" maxlength="500"
                                                placeholder=td_string!(l, versions.what_to_fix) bind:value=reason/>
                                            <button type="submit" class="button button-small button-danger" disabled=move || busy.get()>{td_string!(l, versions.reject)}</button>
                                            <button type="button" class="button button-small button-secondary" on:click=move |_| rejecting.set(false)>{td_string!(l, common.cancel)}</button>
                                            <p class="field-error">{move || error.get().and_then(|e| e.message_for(l, "reason"))}</p>
                                        </form>
                                    </Show>
                                }
                            })}
                            <Show when={let id = v.id.clone(); move || previewing.get().as_ref() == Some(&id)}>
                                {
                                    let path = preview_path.clone();
                                    if is_image {
                                        view! { <img class="preview" src=path alt=td_string!(l, versions.preview_of, document = label).to_string()/> }.into_any()
                                    } else {
                                        view! { <iframe class="preview" src=path title=td_string!(l, versions.preview_of, document = label).to_string()></iframe> }.into_any()
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
