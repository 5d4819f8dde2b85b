//! "Email": how each kind of news reaches the signed-in person (at once, in
//! the daily digest, or not by email), on the staff account page and in the
//! applicant portal. Security emails are listed as always sent.

use crate::api::mail::{my_mail_preferences, SaveMailPreferences};
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::domain::delivery::MailPreferences;
use crate::domain::Role;
use crate::i18n::{names, td_string, use_locale};
use leptos::prelude::*;

/// The card, loaded on its own.
#[component]
pub fn EmailChoices(role: Role) -> impl IntoView {
    let l = use_locale();
    let prefs = Resource::new(|| (), |_| my_mail_preferences());
    view! {
        <section class="card" id="email" aria-labelledby="email-title">
            <h2 id="email-title">{td_string!(l, email_choices.title)}</h2>
            <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match prefs.await {
                        Ok(p) => view! { <ChoicesForm prefs=p role/> }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
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
    let l = use_locale();
    let save = ServerAction::<SaveMailPreferences>::new();
    let error = action_error(save.value());
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| !e.field().is_some_and(|f| f.starts_with("choices[")))
    });
    let saved = Signal::derive(move || {
        matches!(save.value().get(), Some(Ok(_)))
            .then(|| td_string!(l, email_choices.saved).to_string())
    });
    let intro = td_string!(l, email_choices.intro, time = prefs.digest.describe()).to_string();
    let always = prefs
        .always
        .iter()
        .map(|c| names::mail_category(l, *c))
        .collect::<Vec<_>>()
        .join(td_string!(l, common.list_separator));
    let rows = prefs
        .preferences
        .into_iter()
        .map(|p| {
            let code = p.category.code();
            let id = format!("email-{code}");
            let hint = names::mail_explanation(l, p.category, role.is_staff());
            let options = p
                .choices
                .into_iter()
                .map(|d| view! { <option value=d.code() selected=d == p.delivery>{names::delivery(l, d)}</option> })
                .collect_view();
            view! {
                <div class="field email-choice">
                    <label for=id.clone()>{names::mail_category(l, p.category)}</label>
                    <select id=id name=format!("choices[{code}]")>{options}</select>
                    <p class="hint small">{hint}</p>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.message_for(l, &format!("choices[{code}]")))}</p>
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
            <p class="small">{td_string!(l, email_choices.always, list = always).to_string()}</p>
            <div><button type="submit" class="button" disabled=move || save.pending().get()>{td_string!(l, email_choices.save)}</button></div>
        </ActionForm>
    }
}
