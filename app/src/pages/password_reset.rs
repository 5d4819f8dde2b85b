//! `/forgot-password` (ask for a reset link) and `/reset-password/:token`
//! (choose a new password with it).

use crate::api::account::{password_reset_details, RequestPasswordReset, ResetPassword};
use crate::components::form::{action_error, FormError};
use crate::domain::account::RESET_MINUTES;
use crate::domain::time::format_utc;
use crate::domain::validate::PASSWORD_MIN_CHARS;
use crate::domain::ResetToken;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Asks for a reset link. The answer is the same whether or not the address
/// has an account, so the page says what happens if it does.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
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
        <Title text="Reset your password"/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="forgot-title">
                <p class="brand brand-large">"Visadesk"</p>
                <h1 id="forgot-title">"Reset your password"</h1>
                <Show
                    when=sent
                    fallback=move || view! {
                        <p>"Enter the email address you sign in with. We will email you a link to choose a new password."</p>
                        <FormError error=Signal::derive(move || error.get().filter(|e| e.field() != Some("email")))/>
                        <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                            <div class="field">
                                <label for="forgot-email">"Email"</label>
                                <input id="forgot-email" type="email" name="email" autocomplete="username"
                                    required maxlength="254" value=typed/>
                                <p class="field-error">{move || error.get().and_then(|e| e.message_for("email"))}</p>
                            </div>
                            <button type="submit" class="button" disabled=move || action.pending().get()>
                                {move || if action.pending().get() { "Sending…" } else { "Email me a link" }}
                            </button>
                        </ActionForm>
                    }
                >
                    <div class="alert alert-info" role="status">
                        <p>{move || format!(
                            "If {} belongs to an account, a link to choose a new password is on its way. It works once, for {RESET_MINUTES} minutes.",
                            last_email.get()
                        )}</p>
                        <p>"Nothing arrived after a few minutes? Look in your spam folder, or ask your firm's administrator."</p>
                    </div>
                </Show>
                <p><a href="/sign-in">"Back to sign in"</a></p>
            </section>
        </main>
    }
}

/// Chooses a new password with a reset link.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
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
        <Title text="Choose a new password"/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="reset-title">
                <p class="brand brand-large">"Visadesk"</p>
                <Suspense fallback=|| view! { <p class="muted">"Checking your link…"</p> }>
                    {move || Suspend::new(async move {
                        match info.await {
                            Ok(reset) => view! {
                                <h1 id="reset-title">"Choose a new password"</h1>
                                <p class="muted small">{format!("This link works until {}.", format_utc(reset.expires_at))}</p>
                                <FormError error=Signal::derive(move || error.get().filter(|e| e.field().is_none()))/>
                                <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                                    <input type="hidden" name="token" value=token/>
                                    <div class="field">
                                        <label for="reset-email">"Email"</label>
                                        <input id="reset-email" type="email" value=reset.email.clone() autocomplete="username" readonly/>
                                    </div>
                                    <div class="field">
                                        <label for="reset-password">"New password"</label>
                                        <input id="reset-password" type="password" name="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS.to_string()/>
                                        <p class="muted small">{format!("At least {PASSWORD_MIN_CHARS} characters. A few unrelated words make a good one.")}</p>
                                        <p class="field-error">{move || error.get().and_then(|e| e.message_for("password"))}</p>
                                    </div>
                                    <div class="field">
                                        <label for="reset-confirm">"Type it again"</label>
                                        <input id="reset-confirm" type="password" name="confirm" autocomplete="new-password" required/>
                                        <p class="field-error">{move || error.get().and_then(|e| e.message_for("confirm"))}</p>
                                    </div>
                                    <p class="muted small">"Every browser signed in to your account will be signed out."</p>
                                    <button type="submit" class="button" disabled=move || action.pending().get()>
                                        {move || if action.pending().get() { "Saving…" } else { "Save and sign in" }}
                                    </button>
                                </ActionForm>
                            }.into_any(),
                            Err(e) => view! {
                                <h1 id="reset-title">"This link does not work"</h1>
                                <p role="alert">{e.to_string()}</p>
                                <p><a class="button" href="/forgot-password">"Email me a new link"</a></p>
                                <p><a href="/sign-in">"Back to sign in"</a></p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}
