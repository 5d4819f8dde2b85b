//! `/sign-in`: email and password.

use crate::api::account::SignIn;
use crate::components::form::{action_error, FormError};
use crate::components::language::LanguageSwitcher;
use crate::components::passkeys::PasskeySignIn;
use crate::i18n::{td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in form. On success the browser loads the page it first asked for.
#[component]
pub fn SignInPage() -> impl IntoView {
    let l = use_locale();
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = action_error(action.value());
    let signed_out = move || query.read().get("signed_out").is_some();
    let expired = move || query.read().get("expired").is_some();

    Effect::new(move |_| {
        if let Some(Ok(path)) = action.value().get() {
            let _ = window().location().set_href(&path);
        }
    });

    view! {
        <Title text=td_string!(l, sign_in.title)/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="signin-title">
                <div class="signin-head">
                    <p class="brand brand-large">{td_string!(l, common.product)}</p>
                    <LanguageSwitcher/>
                </div>
                <h1 id="signin-title">{td_string!(l, sign_in.title)}</h1>
                <Show when=signed_out>
                    <p class="alert alert-info" role="status">{td_string!(l, sign_in.signed_out)}</p>
                </Show>
                <Show when=expired>
                    <p class="alert alert-info" role="status">{td_string!(l, sign_in.expired)}</p>
                </Show>
                <FormError error/>
                <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                    <input type="hidden" name="next" value=next/>
                    <div class="field">
                        <label for="signin-email">{td_string!(l, common.email)}</label>
                        <input
                            id="signin-email"
                            type="email"
                            name="email"
                            autocomplete="username"
                            required
                            maxlength="254"
                        />
                    </div>
                    <div class="field">
                        <label for="signin-password">{td_string!(l, common.password)}</label>
                        <input
                            id="signin-password"
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                        />
                    </div>
                    <button type="submit" class="button" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { td_string!(l, sign_in.signing_in) } else { td_string!(l, common.sign_in) }}
                    </button>
                </ActionForm>
                <PasskeySignIn next=Signal::derive(next)/>
                <p class="small"><a href="/forgot-password">{td_string!(l, sign_in.forgot)}</a></p>
            </section>
        </main>
    }
}
