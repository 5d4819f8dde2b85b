//! Form helpers: error and success messages announced to screen readers.

use crate::error::AppError;
use leptos::prelude::*;

/// Shows the error of the last submission, if any, as an alert.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let l = crate::i18n::use_locale();
    view! {
        <Show when=move || error.get().is_some()>
            <p class="alert alert-error" role="alert">
                {move || error.get().map(|e| e.message(l)).unwrap_or_default()}
            </p>
        </Show>
    }
}

/// Shows a confirmation after a successful submission.
#[component]
pub fn FormSuccess(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class="alert alert-success" role="status">
                {move || message.get().unwrap_or_default()}
            </p>
        </Show>
    }
}

/// The error of an action's last result, if it failed.
pub fn action_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}
