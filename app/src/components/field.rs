//! A labelled form control with its error, announced to screen readers.

use leptos::prelude::*;

/// A text-like input bound to `value`, with a visible label and the error
/// (if any) for its field.
#[component]
pub fn Field(
    /// The visible label.
    label: String,
    /// The element id (the label points at it).
    id: String,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    /// The input type: text, email, date, tel...
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = move || {
        let mut ids = Vec::new();
        if !hint.is_empty() {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(error_id.clone());
        }
        ids.join(" ")
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            <input
                id=id.clone()
                type=kind
                bind:value=value
                maxlength=maxlength
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            {(!hint.is_empty()).then(|| view! { <p class="hint small" id=format!("{id}-hint")>{hint}</p> })}
            <p class="field-error" id=format!("{id}-error")>{move || error.get()}</p>
        </div>
    }
}

/// A checkbox bound to `checked`, label to its right.
#[component]
pub fn Check(label: String, id: String, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="field field-check">
            <input id=id.clone() type="checkbox" bind:checked=checked/>
            <label for=id>{label}</label>
        </div>
    }
}

/// A yes / no / not known choice bound to `value`.
#[component]
pub fn YesNo(
    label: &'static str,
    id: &'static str,
    value: RwSignal<Option<bool>>,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let l = crate::i18n::use_locale();
    let code = move || match value.get() {
        None => "",
        Some(true) => "yes",
        Some(false) => "no",
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| value.set(match event_target_value(&ev).as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            })>
                <option value="" selected=move || code().is_empty()>{crate::i18n::td_string!(l, yes_no.unknown)}</option>
                <option value="yes" selected=move || code() == "yes">{crate::i18n::td_string!(l, yes_no.yes)}</option>
                <option value="no" selected=move || code() == "no">{crate::i18n::td_string!(l, yes_no.no)}</option>
            </select>
            {(!hint.is_empty()).then(|| view! { <p class="hint small">{hint}</p> })}
        </div>
    }
}
