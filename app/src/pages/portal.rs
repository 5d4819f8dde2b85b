//! The applicant portal: `/portal` (their own cases: the stage in plain
//! words with a timeline, the checklist with what is missing or rejected
//! and why, and uploads) and `/portal/join/:token` (accepting an invitation).

use crate::api::account::SignOut;
use crate::api::documents::{invitation_details, portal_data, AcceptInvitation};
use crate::components::email_choices::EmailChoices;
use crate::components::form::{action_error, FormError};
use crate::components::messages::Messages;
use crate::components::upload::{Upload, UploadTracker};
use crate::domain::checklist::{ChecklistItem, ItemStatus};
use crate::domain::document::{PortalCase, Review};
use crate::domain::time::format_utc;
use crate::domain::validate::PASSWORD_MIN_CHARS;
use crate::domain::{InvitationToken, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The portal header: the product, who is signed in, sign out.
#[component]
fn PortalBar(name: String) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/sign-in?signed_out=1");
        }
    });
    view! {
        <header class="topbar portal-bar">
            <span class="brand">"Visadesk"</span>
            <span class="portal-name">{name}</span>
            <ActionForm action=sign_out>
                <button type="submit" class="button button-secondary button-small">"Sign out"</button>
            </ActionForm>
        </header>
    }
}

/// `/portal`.
#[component]
pub fn PortalPage() -> impl IntoView {
    let reload = RwSignal::new(0u64);
    let data = Resource::new(move || reload.get(), |_| portal_data());
    let tracker = UploadTracker::provide(move || reload.update(|n| *n += 1));
    let on_done = Callback::new(move |_| tracker.done());
    view! {
        <Title text="Your case"/>
        <Transition fallback=|| view! { <header class="topbar"><span class="brand">"Visadesk"</span></header><p class="muted page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(portal) => {
                        let max = portal.max_upload_bytes;
                        view! {
                            <PortalBar name=portal.client_name.clone()/>
                            <main id="main" class="page portal">
                                <h1>"Your case"</h1>
                                {portal.cases.is_empty().then(|| view! {
                                    <p class="card">"Your firm has not opened a case for you yet."</p>
                                })}
                                {portal.cases.into_iter().map(|c| view! { <PortalCaseCard case=c max_bytes=max on_done/> }).collect_view()}
                                <EmailChoices role=Role::Applicant/>
                            </main>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <header class="topbar"><span class="brand">"Visadesk"</span></header>
                        <main id="main" class="page portal">
                            <section class="card" role="alert">
                                <h1>"The portal is for applicants"</h1>
                                <p>{e.to_string()}</p>
                                <p><a href="/">"Go to Visadesk"</a></p>
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
            <h2 id=format!("case-{}", case.id)>{case.programme.label()} <span class="muted small">" · " {case.reference.clone()}</span></h2>
            <p class="portal-stage"><span class="badge">{current.label()}</span> " " {current.plain_words()}</p>
            <ol class="portal-steps" aria-label="What has happened so far">
                {case.steps.iter().map(|s| view! {
                    <li class:current=s.stage == current>
                        <span>{s.stage.label()}</span>
                        <span class="muted small">{format_utc(s.at)}</span>
                    </li>
                }).collect_view()}
            </ol>
            <h3>"Your documents"</h3>
            <p class="small" role="status">
                {case.progress.text()}
                {if complete {
                    " · complete: nothing more is needed".to_string()
                } else if needed > 0 {
                    format!(" · {needed} still needed from you")
                } else {
                    " · waiting for review".to_string()
                }}
            </p>
            <progress class="portal-progress" max=case.progress.counted.max(1).to_string() value=case.progress.accepted.to_string()
                aria-label="Documents accepted"></progress>
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
    let label = item.kind.label();
    let (badge, text) = match &item.status {
        ItemStatus::Missing => ("badge badge-task", "Needed from you"),
        ItemStatus::Uploaded => ("badge", "Received, being reviewed"),
        ItemStatus::Accepted => ("badge badge-ok", "Accepted"),
        ItemStatus::Rejected(_) => ("badge badge-danger", "Please upload it again"),
        ItemStatus::Waived(_) => ("badge badge-off", "Not needed"),
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
        "Upload"
    } else {
        "Upload a new version"
    };
    view! {
        <li class="checklist-item portal-item" data-kind=item.kind.code() data-status=item.status.code()>
            <span class="checklist-name">
                {label}
                {(!item.required).then_some(view! { <span class="muted small">" (optional)"</span> })}
            </span>
            <span class=badge>{text}</span>
            {reason.map(|r| view! { <p class="rejection" role="note"><strong>"Why: "</strong>{r}</p> })}
            {latest.map(|v| {
                let review = match v.review { Review::Pending => "being reviewed", Review::Accepted => "accepted", Review::Rejected(_) => "not accepted" };
                view! {
                    <p class="small muted portal-latest">
                        "Latest: " <a href=v.download_path() download="">{v.file_name.clone()}</a>
                        {format!(" (version {}, {review})", v.version)}
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
        <Title text="Join your firm's portal"/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="join-title">
                <p class="brand brand-large">"Visadesk"</p>
                <Suspense fallback=|| view! { <p class="muted">"Checking your link…"</p> }>
                    {move || Suspend::new(async move {
                        match info.await {
                            Ok(invite) => view! {
                                <h1 id="join-title">{if invite.has_account { "Set a new password" } else { "Welcome" }}</h1>
                                <p>{format!("{}, your firm invites you to follow your case and upload your documents.", invite.client_name)}</p>
                                <FormError error=Signal::derive(move || error.get().filter(|e| e.field().is_none()))/>
                                <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                                    <input type="hidden" name="token" value=token/>
                                    <div class="field">
                                        <label for="join-email">"Email"</label>
                                        <input id="join-email" type="email" value=invite.email.clone() autocomplete="username" readonly/>
                                    </div>
                                    <div class="field">
                                        <label for="join-password">"Choose a password"</label>
                                        <input id="join-password" type="password" name="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS.to_string()/>
                                        <p class="muted small">{format!("At least {PASSWORD_MIN_CHARS} characters. A few unrelated words make a good one.")}</p>
                                        <p class="field-error">{move || error.get().and_then(|e| e.message_for("password"))}</p>
                                    </div>
                                    <div class="field">
                                        <label for="join-confirm">"Type it again"</label>
                                        <input id="join-confirm" type="password" name="confirm" autocomplete="new-password" required/>
                                        <p class="field-error">{move || error.get().and_then(|e| e.message_for("confirm"))}</p>
                                    </div>
                                    <button type="submit" class="button" disabled=move || action.pending().get()>
                                        {move || if action.pending().get() { "Setting up…" } else { "Open my portal" }}
                                    </button>
                                </ActionForm>
                            }.into_any(),
                            Err(e) => view! {
                                <h1 id="join-title">"This link does not work"</h1>
                                <p role="alert">{e.to_string()}</p>
                                <p><a href="/sign-in">"Sign in"</a>" if you have already set your password."</p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}
