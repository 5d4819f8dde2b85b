//! `/forgot-password` (ask for a reset link) and `/reset-password/:token`
//! (choose a new password with it).

use crate::api::account::{password_reset_details, RequestPasswordReset, ResetPassword};
use crate::components::form::{action_error, FormError};
use crate::components::language::LanguageSwitcher;
use crate::domain::account::RESET_MINUTES;
use crate::domain::validate::PASSWORD_MIN_CHARS;
use crate::domain::ResetToken;
use crate::i18n::{format, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Asks for a reset link. The answer is the same whether or not the address
/// has an account, so the page says what happens if it does.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let l = use_locale();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action.value());
    let query = use_query_map();
    let typed = move || query.read().get("email").unwrap_or_default();
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    // The input is gone once the action settles; keep what was sent.
    let last_email = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(input) = action.input().get() {
            last_email.set(input.email);
        }
    });
    view! {
        <Title text=td_string!(l, reset.forgot_title)/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="forgot-title">
                <div class="signin-head">
                    <p class="brand brand-large">{td_string!(l, common.product)}</p>
                    <LanguageSwitcher/>
                </div>
                <h1 id="forgot-title">{td_string!(l, reset.forgot_title)}</h1>
                <Show
                    when=sent
                    fallback=move || view! {
                        <p>{td_string!(l, reset.forgot_intro)}</p>
                        <FormError error=Signal::derive(move || error.get().filter(|e| e.field() != Some("email")))/>
                        <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                            <div class="field">
                                <label for="forgot-email">{td_string!(l, common.email)}</label>
                                <input id="forgot-email" type="email" name="email" autocomplete="username"
                                    required maxlength="254" value=typed/>
                                <p class="field-error">{move || error.get().and_then(|e| e.message_for(l, "email"))}</p>
                            </div>
                            <button type="submit" class="button" disabled=move || action.pending().get()>
                                {move || if action.pending().get() { td_string!(l, common.sending) } else { td_string!(l, reset.email_me) }}
                            </button>
                        </ActionForm>
                    }
                >
                    <div class="alert alert-info" role="status">
                        <p>{move || td_string!(l, reset.sent, email = last_email.get(), minutes = RESET_MINUTES).to_string()}</p>
                        <p>{td_string!(l, reset.nothing_arrived)}</p>
                    </div>
                </Show>
                <p><a href="/sign-in">{td_string!(l, common.back_to_sign_in)}</a></p>
            </section>
        </main>
    }
}

/// Chooses a new password with a reset link.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, |token| {
        password_reset_details(ResetToken::new(token))
    });
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(path)) = action.value().get() {
            let _ = window().location().set_href(&path);
        }
    });
    view! {
        <Title text=td_string!(l, reset.choose_title)/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="reset-title">
                <div class="signin-head">
                    <p class="brand brand-large">{td_string!(l, common.product)}</p>
                    <LanguageSwitcher/>
                </div>
                <Suspense fallback=move || view! { <p class="muted">{td_string!(l, common.checking_link)}</p> }>
                    {move || Suspend::new(async move {
                        match info.await {
                            Ok(reset) => view! {
                                <h1 id="reset-title">{td_string!(l, reset.choose_title)}</h1>
                                <p class="muted small">{td_string!(l, reset.works_until, time = format::date_time(l, reset.expires_at)).to_string()}</p>
                                <FormError error=Signal::derive(move || error.get().filter(|e| e.field().is_none()))/>
                                <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                                    <input type="hidden" name="token" value=token/>
                                    <div class="field">
                                        <label for="reset-email">{td_string!(l, common.email)}</label>
                                        <input id="reset-email" type="email" value=reset.email.clone() autocomplete="username" readonly/>
                                    </div>
                                    <div class="field">
                                        <label for="reset-password">{td_string!(l, reset.new_password)}</label>
                                        <input id="reset-password" type="password" name="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS.to_string()/>
                                        <p class="muted small">{td_string!(l, common.password_hint, min = PASSWORD_MIN_CHARS).to_string()}</p>
                                        <p class="field-error">{move || error.get().and_then(|e| e.message_for(l, "password"))}</p>
                                    </div>
                                    <div class="field">
                                        <label for="reset-confirm">{td_string!(l, common.type_it_again)}</label>
                                        <input id="reset-confirm" type="password" name="confirm" autocomplete="new-password" required/>
                                        <p class="field-error">{move || error.get().and_then(|e| e.message_for(l, "confirm"))}</p>
                                    </div>
                                    <p class="muted small">{td_string!(l, reset.signs_out_everywhere)}</p>
                                    <button type="submit" class="button" disabled=move || action.pending().get()>
                                        {move || if action.pending().get() { td_string!(l, common.saving) } else { td_string!(l, reset.save_and_sign_in) }}
                                    </button>
                                </ActionForm>
                            }.into_any(),
                            Err(e) => view! {
                                <h1 id="reset-title">{td_string!(l, common.link_does_not_work)}</h1>
                                <p role="alert">{e.message(l)}</p>
                                <p><a class="button" href="/forgot-password">{td_string!(l, reset.email_new_link)}</a></p>
                                <p><a href="/sign-in">{td_string!(l, common.back_to_sign_in)}</a></p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}
