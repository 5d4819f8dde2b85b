//! Setting up an authenticator app, on the account page and when the firm
//! requires one before a sign-in finishes: start, scan the QR code (or type
//! the key), confirm with the first code, then see the recovery codes once.

use crate::api::second_factor::{ConfirmTotp, StartTotp};
use crate::components::form::{action_error, FormError};
use crate::i18n::{td_string, use_locale};
use leptos::prelude::*;

/// The setup, from its start button to the recovery codes. `next` travels
/// with the confirmation (a sign-in goes there afterwards); `on_done` runs
/// when the person has seen the codes, with where to go, if anywhere.
#[component]
pub fn TotpSetup(
    #[prop(into)] next: Signal<String>,
    on_done: Callback<Option<String>>,
    /// The start button's words.
    #[prop(into)]
    start_label: Signal<String>,
) -> impl IntoView {
    let l = use_locale();
    let start = ServerAction::<StartTotp>::new();
    let confirm = ServerAction::<ConfirmTotp>::new();
    let setup = move || start.value().get().and_then(Result::ok);
    let confirmed = move || confirm.value().get().and_then(Result::ok);
    let start_error = action_error(start.value());
    let confirm_error = action_error(confirm.value());
    view! {
        <Show
            when=move || confirmed().is_none()
            fallback=move || {
                let done = confirmed();
                let codes = done.as_ref().map(|d| d.recovery_codes.clone()).unwrap_or_default();
                let go = done.and_then(|d| d.next);
                view! { <RecoveryCodes codes on_continue=Callback::new(move |()| on_done.run(go.clone()))/> }
            }
        >
            <FormError error=start_error/>
            <Show
                when=move || setup().is_some()
                fallback=move || view! {
                    <ActionForm action=start>
                        <button type="submit" class="button" disabled=move || start.pending().get()>
                            {move || start_label.get()}
                        </button>
                    </ActionForm>
                }
            >
                {move || setup().map(|s| view! {
                    <p>{td_string!(l, second_factor.scan)}</p>
                    <div class="totp-setup">
                        <img class="totp-qr" src=s.qr alt=td_string!(l, second_factor.qr_alt) width="200" height="200"/>
                        <p class="small">
                            {td_string!(l, second_factor.key_label)}" "
                            <code class="totp-key" data-uri=s.uri>{s.secret}</code>
                        </p>
                    </div>
                })}
                <FormError error=confirm_error/>
                <ActionForm action=confirm attr:class="stack totp-confirm" attr:novalidate="novalidate">
                    <input type="hidden" name="next" value=move || next.get()/>
                    <div class="field">
                        <label for="totp-confirm-code">{td_string!(l, second_factor.confirm_label)}</label>
                        <input
                            id="totp-confirm-code"
                            name="code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="12"
                            required
                        />
                    </div>
                    <button type="submit" class="button" disabled=move || confirm.pending().get()>
                        {td_string!(l, second_factor.confirm_button)}
                    </button>
                </ActionForm>
            </Show>
        </Show>
    }
}

/// Recovery codes, shown once, and the button that says they are saved.
/// Nothing shows (and `on_continue` runs at once from the button) when no
/// new codes were made.
#[component]
pub fn RecoveryCodes(codes: Vec<String>, on_continue: Callback<()>) -> impl IntoView {
    let l = use_locale();
    let any = !codes.is_empty();
    view! {
        <div class="recovery-codes" role="status">
            {any.then(|| view! {
                <h3>{td_string!(l, second_factor.codes_title)}</h3>
                <p class="small">{td_string!(l, second_factor.codes_intro)}</p>
                <ol class="recovery-code-list">
                    {codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                </ol>
            })}
            {(!any).then(|| view! { <p class="alert alert-success">{td_string!(l, second_factor.turned_on)}</p> })}
            <button type="button" class="button" on:click=move |_| on_continue.run(())>
                {if any { td_string!(l, second_factor.codes_saved) } else { td_string!(l, second_factor.go_on) }}
            </button>
        </div>
    }
}
