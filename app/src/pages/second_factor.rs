//! The second step of a sign-in: `/sign-in/verify` asks for a code from
//! the authenticator app (or a recovery code); `/sign-in/enrol` sets one up
//! first, where the firm requires it.

use crate::api::second_factor::{sign_in_challenge, VerifySecondFactor};
use crate::components::form::{action_error, FormError};
use crate::components::language::LanguageSwitcher;
use crate::components::passkeys::{AddPasskey, UsePasskey};
use crate::components::second_factor::TotpSetup;
use crate::i18n::{td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The card both pages sit in, with the product name and the language.
#[component]
fn StepCard(title: &'static str, children: Children) -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=title/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="step-title">
                <div class="signin-head">
                    <p class="brand brand-large">{td_string!(l, common.product)}</p>
                    <LanguageSwitcher/>
                </div>
                <h1 id="step-title">{title}</h1>
                {children()}
            </section>
        </main>
    }
}

/// What shows when the sign-in has expired, was finished or never began.
#[component]
fn Expired() -> impl IntoView {
    let l = use_locale();
    view! {
        <p class="alert alert-info" role="status">{td_string!(l, second_factor.expired)}</p>
        <p><a class="button" href="/sign-in">{td_string!(l, second_factor.start_again)}</a></p>
    }
}

/// `/sign-in/verify`: the code that finishes a sign-in.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let info = Resource::new(|| (), |_| sign_in_challenge());
    let action = ServerAction::<VerifySecondFactor>::new();
    let error = action_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(path)) = action.value().get() {
            let _ = window().location().set_href(&path);
        }
    });
    view! {
        <StepCard title=td_string!(l, second_factor.verify_title)>
            <Suspense fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => view! {
                            <p>{if info.totp {
                                td_string!(l, second_factor.verify_intro, email = info.email.clone()).to_string()
                            } else {
                                td_string!(l, second_factor.passkey_verify_intro, email = info.email.clone()).to_string()
                            }}</p>
                            {info.passkey.then(|| view! {
                                <div class="passkey-step"><UsePasskey next=Signal::derive(next)/></div>
                                <p class="divider small muted"><span>{td_string!(l, second_factor.passkey_or)}</span></p>
                            })}
                            <FormError error/>
                            <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                                <input type="hidden" name="next" value=next/>
                                <div class="field">
                                    <label for="second-factor-code">{if info.totp { td_string!(l, second_factor.code_label) } else { td_string!(l, second_factor.recovery_label) }}</label>
                                    <input
                                        id="second-factor-code"
                                        name="code"
                                        type="text"
                                        autocomplete="one-time-code"
                                        autocapitalize="off"
                                        spellcheck="false"
                                        maxlength="24"
                                        required
                                    />
                                    <p class="hint small muted">{if info.totp { td_string!(l, second_factor.recovery_hint) } else { td_string!(l, second_factor.recovery_only_hint) }}</p>
                                </div>
                                <button type="submit" class="button" disabled=move || action.pending().get()>
                                    {move || if action.pending().get() { td_string!(l, second_factor.verifying) } else { td_string!(l, second_factor.verify_button) }}
                                </button>
                            </ActionForm>
                            <p class="small"><a href="/sign-in">{td_string!(l, second_factor.start_again)}</a></p>
                        }.into_any(),
                        Err(_) => view! { <Expired/> }.into_any(),
                    }
                })}
            </Suspense>
        </StepCard>
    }
}

/// `/sign-in/enrol`: the firm requires a second factor; setting one up
/// finishes the sign-in.
#[component]
pub fn EnrolPage() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let next = Signal::derive(move || query.read().get("next").unwrap_or_default());
    let info = Resource::new(|| (), |_| sign_in_challenge());
    let done = Callback::new(|go: Option<String>| {
        let _ = window().location().set_href(go.as_deref().unwrap_or("/"));
    });
    view! {
        <StepCard title=td_string!(l, second_factor.enrol_title)>
            <Suspense fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => view! {
                            <p>{td_string!(l, second_factor.enrol_intro, email = info.email).to_string()}</p>
                            <TotpSetup next on_done=done start_label=td_string!(l, second_factor.start).to_string()/>
                            <h2 class="passkey-enrol-title">{td_string!(l, second_factor.passkey_enrol_title)}</h2>
                            <AddPasskey next on_done=done/>
                        }.into_any(),
                        Err(_) => view! { <Expired/> }.into_any(),
                    }
                })}
            </Suspense>
        </StepCard>
    }
}
