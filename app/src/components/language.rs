//! The language switcher: each language named in itself, on the sign-in,
//! join and portal pages and the staff account page.

use crate::api::account::ChooseLanguage;
use crate::components::form::{action_error, FormError};
use crate::domain::Language;
use crate::i18n::{td_string, use_language};
use leptos::prelude::*;

/// One button per language. Choosing one stores it (a cookie for this
/// browser, and the account of whoever is signed in) and reloads the page
/// in it. Without JavaScript the form posts and the server sends the
/// browser back.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let current = use_language();
    let l = current.locale();
    let choose = ServerAction::<ChooseLanguage>::new();
    let error = action_error(choose.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = choose.value().get() {
            let _ = window().location().reload();
        }
    });
    let buttons = Language::ALL
        .into_iter()
        .map(|language| {
            let is_current = language == current;
            view! {
                <ActionForm action=choose attr:class="language-form">
                    <input type="hidden" name="language" value=language.code()/>
                    <button
                        type="submit"
                        class="language-choice"
                        lang=language.code()
                        aria-pressed=if is_current { "true" } else { "false" }
                        disabled=is_current
                    >
                        {language.native_name()}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <div class="language-switcher" role="group" aria-label=td_string!(l, language.choose)>
            {buttons}
        </div>
        <FormError error/>
    }
}
