//! The applicant portal: `/portal` (their own cases: the stage in plain
//! words with a timeline, the checklist with what is missing or rejected
//! and why, and uploads) and `/portal/join/:token` (accepting an invitation).

use crate::api::account::SignOut;
use crate::api::documents::{invitation_details, portal_data, AcceptInvitation};
use crate::components::email_choices::EmailChoices;
use crate::components::form::{action_error, FormError};
use crate::components::language::LanguageSwitcher;
use crate::components::messages::Messages;
use crate::components::upload::{Upload, UploadTracker};
use crate::domain::checklist::{ChecklistItem, ItemStatus};
use crate::domain::document::{PortalCase, Review};
use crate::domain::validate::PASSWORD_MIN_CHARS;
use crate::domain::{InvitationToken, Role};
use crate::i18n::{format, names, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The portal header: the product, who is signed in, sign out.
#[component]
fn PortalBar(name: String) -> impl IntoView {
    let l = use_locale();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/sign-in?signed_out=1");
        }
    });
    view! {
        <header class="topbar portal-bar">
            <span class="brand">{td_string!(l, common.product)}</span>
            <span class="portal-name">{name}</span>
            <LanguageSwitcher/>
            <ActionForm action=sign_out>
                <button type="submit" class="button button-secondary button-small">{td_string!(l, common.sign_out)}</button>
            </ActionForm>
        </header>
    }
}

/// `/portal`.
#[component]
pub fn PortalPage() -> impl IntoView {
    let l = use_locale();
    let reload = RwSignal::new(0u64);
    let data = Resource::new(move || reload.get(), |_| portal_data());
    let tracker = UploadTracker::provide(move || reload.update(|n| *n += 1));
    let on_done = Callback::new(move |_| tracker.done());
    view! {
        <Title text=td_string!(l, portal.title)/>
        <Transition fallback=move || view! { <header class="topbar"><span class="brand">{td_string!(l, common.product)}</span></header><p class="muted page">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(portal) => {
                        let max = portal.max_upload_bytes;
                        view! {
                            <PortalBar name=portal.client_name.clone()/>
                            <main id="main" class="page portal">
                                <h1>{td_string!(l, portal.title)}</h1>
                                {portal.cases.is_empty().then(|| view! {
                                    <p class="card">{td_string!(l, portal.no_case)}</p>
                                })}
                                {portal.cases.into_iter().map(|c| view! { <PortalCaseCard case=c max_bytes=max on_done/> }).collect_view()}
                                <EmailChoices role=Role::Applicant/>
                            </main>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <header class="topbar"><span class="brand">{td_string!(l, common.product)}</span></header>
                        <main id="main" class="page portal">
                            <section class="card" role="alert">
                                <h1>{td_string!(l, portal.for_applicants)}</h1>
                                <p>{e.message(l)}</p>
                                <p><a href="/">{td_string!(l, portal.go_to_visadesk)}</a></p>
                            </section>
                        </main>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PortalCaseCard(case: PortalCase, max_bytes: u64, on_done: Callback<()>) -> impl IntoView {
    let l = use_locale();
    let needed = case
        .checklist
        .iter()
        .filter(|i| i.status.needs_applicant() && i.required)
        .count();
    let current = case.stage;
    let complete = case.progress.complete();
    let case_id = case.id.clone();
    view! {
        <section class="card portal-case" aria-labelledby=format!("case-{}", case.id)>
            <h2 id=format!("case-{}", case.id)>{names::programme(l, case.programme)} <span class="muted small">" · " {case.reference.clone()}</span></h2>
            <p class="portal-stage"><span class="badge">{names::stage(l, current)}</span> " " {names::stage_in_plain_words(l, current)}</p>
            <ol class="portal-steps" aria-label=td_string!(l, portal.history)>
                {case.steps.iter().map(|s| view! {
                    <li class:current=s.stage == current>
                        <span>{names::stage(l, s.stage)}</span>
                        <span class="muted small">{format::date_time(l, s.at)}</span>
                    </li>
                }).collect_view()}
            </ol>
            <h3>{td_string!(l, portal.your_documents)}</h3>
            <p class="small" role="status">
                {td_string!(l, portal.progress, accepted = case.progress.accepted, counted = case.progress.counted).to_string()}
                " · "
                {if complete {
                    td_string!(l, portal.complete).to_string()
                } else if needed > 0 {
                    td_string!(l, portal.still_needed, count = needed).to_string()
                } else {
                    td_string!(l, portal.waiting_for_review).to_string()
                }}
            </p>
            <progress class="portal-progress" max=case.progress.counted.max(1).to_string() value=case.progress.accepted.to_string()
                aria-label=td_string!(l, portal.documents_accepted)></progress>
            <ul class="checklist portal-checklist">
                {case.checklist.into_iter().filter(|i| !matches!(i.status, ItemStatus::Waived(_))).map(|item| view! {
                    <PortalItem item max_bytes on_done/>
                }).collect_view()}
            </ul>
        </section>
        <Messages case_id=case_id applicant=true/>
    }
    .into_any()
}

#[component]
fn PortalItem(item: ChecklistItem, max_bytes: u64, on_done: Callback<()>) -> impl IntoView {
    let l = use_locale();
    let label = names::document(l, item.kind);
    let (badge, text) = match &item.status {
        ItemStatus::Missing => ("badge badge-task", td_string!(l, portal.status.missing)),
        ItemStatus::Uploaded => ("badge", td_string!(l, portal.status.uploaded)),
        ItemStatus::Accepted => ("badge badge-ok", td_string!(l, portal.status.accepted)),
        ItemStatus::Rejected(_) => ("badge badge-danger", td_string!(l, portal.status.rejected)),
        ItemStatus::Waived(_) => ("badge badge-off", td_string!(l, portal.status.waived)),
    };
    let reason = match &item.status {
        ItemStatus::Rejected(r) => Some(r.clone()),
        _ => None,
    };
    let can_upload = matches!(
        item.status,
        ItemStatus::Missing | ItemStatus::Rejected(_) | ItemStatus::Uploaded
    );
    let latest = item.versions.first().cloned();
    let action = if item.versions.is_empty() {
        td_string!(l, portal.upload)
    } else {
        td_string!(l, portal.upload_new_version)
    };
    view! {
        <li class="checklist-item portal-item" data-kind=item.kind.code() data-status=item.status.code()>
            <span class="checklist-name">
                {label}
                {(!item.required).then_some(view! { <span class="muted small">" " {td_string!(l, common.optional)}</span> })}
            </span>
            <span class=badge>{text}</span>
            {reason.map(|r| view! { <p class="rejection" role="note"><strong>{td_string!(l, portal.why)}</strong>{r}</p> })}
            {latest.map(|v| {
                let review = match v.review {
                    Review::Pending => td_string!(l, portal.review.pending),
                    Review::Accepted => td_string!(l, portal.review.accepted),
                    Review::Rejected(_) => td_string!(l, portal.review.rejected),
                };
                view! {
                    <p class="small muted portal-latest">
                        {td_string!(l, portal.latest)} <a href=v.download_path() download="">{v.file_name.clone()}</a>
                        {td_string!(l, portal.version_review, version = v.version, review = review).to_string()}
                    </p>
                }
            })}
            {can_upload.then(|| view! {
                <Upload item_id=item.id.clone() label max_bytes action on_done/>
            })}
        </li>
    }
    .into_any()
}

/// `/portal/join/:token`: set a password and enter the portal.
#[component]
pub fn JoinPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, |token| {
        invitation_details(InvitationToken::new(token))
    });
    let action = ServerAction::<AcceptInvitation>::new();
    let error = action_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(path)) = action.value().get() {
            let _ = window().location().set_href(&path);
        }
    });
    view! {
        <Title text=td_string!(l, join.title)/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="join-title">
                <div class="signin-head">
                    <p class="brand brand-large">{td_string!(l, common.product)}</p>
                    <LanguageSwitcher/>
                </div>
                <Suspense fallback=move || view! { <p class="muted">{td_string!(l, common.checking_link)}</p> }>
                    {move || Suspend::new(async move {
                        match info.await {
                            Ok(invite) => view! {
                                <h1 id="join-title">{if invite.has_account { td_string!(l, join.set_new_password) } else { td_string!(l, join.welcome) }}</h1>
                                <p>{td_string!(l, join.invites_you, name = invite.client_name.clone()).to_string()}</p>
                                <FormError error=Signal::derive(move || error.get().filter(|e| e.field().is_none()))/>
                                <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                                    <input type="hidden" name="token" value=token/>
                                    <div class="field">
                                        <label for="join-email">{td_string!(l, common.email)}</label>
                                        <input id="join-email" type="email" value=invite.email.clone() autocomplete="username" readonly/>
                                    </div>
                                    <div class="field">
                                        <label for="join-password">{td_string!(l, join.choose_password)}</label>
                                        <input id="join-password" type="password" name="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS.to_string()/>
                                        <p class="muted small">{td_string!(l, common.password_hint, min = PASSWORD_MIN_CHARS).to_string()}</p>
                                        <p class="field-error">{move || error.get().and_then(|e| e.message_for(l, "password"))}</p>
                                    </div>
                                    <div class="field">
                                        <label for="join-confirm">{td_string!(l, common.type_it_again)}</label>
                                        <input id="join-confirm" type="password" name="confirm" autocomplete="new-password" required/>
                                        <p class="field-error">{move || error.get().and_then(|e| e.message_for(l, "confirm"))}</p>
                                    </div>
                                    <button type="submit" class="button" disabled=move || action.pending().get()>
                                        {move || if action.pending().get() { td_string!(l, join.setting_up) } else { td_string!(l, join.open_portal) }}
                                    </button>
                                </ActionForm>
                            }.into_any(),
                            Err(e) => view! {
                                <h1 id="join-title">{td_string!(l, common.link_does_not_work)}</h1>
                                <p role="alert">{e.message(l)}</p>
                                <p><a href="/sign-in">{td_string!(l, common.sign_in)}</a>{td_string!(l, join.already_set)}</p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}
