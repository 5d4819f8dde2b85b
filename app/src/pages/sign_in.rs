//! `/sign-in`: email and password.

use crate::api::account::SignIn;
use crate::components::form::{action_error, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in form. On success the browser loads the page it first asked for.
#[component]
pub fn SignInPage() -> impl IntoView {
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
        <Title text="Sign in"/>
        <main id="main" class="signin">
            <section class="card signin-card" aria-labelledby="signin-title">
                <p class="brand brand-large">"Visadesk"</p>
                <h1 id="signin-title">"Sign in"</h1>
                <Show when=signed_out>
                    <p class="alert alert-info" role="status">"You have been signed out."</p>
                </Show>
                <Show when=expired>
                    <p class="alert alert-info" role="status">"Your session has ended. Please sign in again."</p>
                </Show>
                <FormError error/>
                <ActionForm action attr:class="stack" attr:novalidate="novalidate">
                    <input type="hidden" name="next" value=next/>
                    <div class="field">
                        <label for="signin-email">"Email"</label>
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
                        <label for="signin-password">"Password"</label>
                        <input
                            id="signin-password"
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                        />
                    </div>
                    <button type="submit" class="button" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <p class="small"><a href="/forgot-password">"Forgot your password?"</a></p>
            </section>
        </main>
    }
}
