//! "Email": how each kind of news reaches the signed-in person (at once, in
//! the daily digest, or not by email), on the staff account page and in the
//! applicant portal. Security emails are listed as always sent.

use crate::api::mail::{my_mail_preferences, SaveMailPreferences};
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::domain::delivery::{explain, MailPreferences};
use crate::domain::Role;
use leptos::prelude::*;

/// The card, loaded on its own.
#[component]
pub fn EmailChoices(role: Role) -> impl IntoView {
    let prefs = Resource::new(|| (), |_| my_mail_preferences());
    view! {
        <section class="card" id="email" aria-labelledby="email-title">
            <h2 id="email-title">"Email"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match prefs.await {
                        Ok(p) => view! { <ChoicesForm prefs=p role/> }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One select per category. The selects keep what was chosen; a save
/// answers with what is stored now.
#[component]
fn ChoicesForm(prefs: MailPreferences, role: Role) -> impl IntoView {
    let save = ServerAction::<SaveMailPreferences>::new();
    let error = action_error(save.value());
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| !e.field().is_some_and(|f| f.starts_with("choices[")))
    });
    let saved = Signal::derive(move || {
        matches!(save.value().get(), Some(Ok(_)))
            .then(|| "Saved: your email choices apply from now on.".to_string())
    });
    let intro = format!(
        "Choose how each kind of news reaches you. The daily digest goes out once a day at {}, and only when it has something for you.",
        prefs.digest.describe()
    );
    let always = prefs
        .always
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(", ");
    let rows = prefs
        .preferences
        .into_iter()
        .map(|p| {
            let code = p.category.code();
            let id = format!("email-{code}");
            let hint = explain(p.category, role);
            let options = p
                .choices
                .into_iter()
                .map(|d| view! { <option value=d.code() selected=d == p.delivery>{d.label()}</option> })
                .collect_view();
            view! {
                <div class="field email-choice">
                    <label for=id.clone()>{p.category.label()}</label>
                    <select id=id name=format!("choices[{code}]")>{options}</select>
                    <p class="hint small">{hint}</p>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.message_for(&format!("choices[{code}]")))}</p>
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="muted small">{intro}</p>
        <FormSuccess message=saved/>
        <FormError error=general/>
        <ActionForm action=save attr:class="stack">
            {rows}
            <p class="small">{format!("Always sent, whatever you choose: {always}.")}</p>
            <div><button type="submit" class="button" disabled=move || save.pending().get()>"Save email choices"</button></div>
        </ActionForm>
    }
}
