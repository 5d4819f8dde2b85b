//! Passkeys in the page: the list on the account page, adding one (there and
//! when the firm requires a second factor before a sign-in finishes), the
//! passkey step of a sign-in, and signing in with a passkey alone.
//!
//! Each ceremony is the server's options, the browser's
//! `navigator.credentials` call, and the browser's answer back to the
//! server. The browser does the base64url work itself
//! (`PublicKeyCredential.parse…FromJSON` and `toJSON`), so the bundle carries
//! no codec of its own.

use crate::api::passkeys::{
    finish_passkey_registration, finish_passkey_sign_in, finish_passkey_verification,
    passkey_sign_in_offered, start_passkey_registration, start_passkey_sign_in,
    start_passkey_verification, RemovePasskey,
};
use crate::components::form::{action_error, FormError};
use crate::components::second_factor::RecoveryCodes;
use crate::domain::second_factor::{
    passkey_name, PasskeyCeremony, PasskeySummary, PASSKEY_NAME_MAX,
};
use crate::domain::CeremonyId;
use crate::error::AppError;
use crate::i18n::{format, td_string, use_locale, Locale};
use leptos::prelude::*;

/// Why the browser's half of a passkey ceremony did not give a credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrowserFailure {
    /// The browser has no passkey support (or not the JSON helpers).
    Unsupported,
    /// The person cancelled, or the request timed out.
    Cancelled,
    /// The device holds a passkey for this account already.
    Exists,
    /// Anything else, with the browser's words.
    Other(String),
}

impl BrowserFailure {
    fn message(&self, l: Locale) -> String {
        match self {
            BrowserFailure::Unsupported => {
                td_string!(l, second_factor.passkey_unsupported).to_string()
            }
            BrowserFailure::Cancelled => td_string!(l, second_factor.passkey_cancelled).to_string(),
            BrowserFailure::Exists => td_string!(l, second_factor.passkey_exists).to_string(),
            BrowserFailure::Other(reason) => {
                td_string!(l, second_factor.passkey_failed, reason = reason).to_string()
            }
        }
    }
}

/// A failed step of a ceremony: the server's refusal or the browser's.
#[derive(Clone, Debug)]
enum Failure {
    Server(AppError),
    Browser(BrowserFailure),
}

impl Failure {
    fn message(&self, l: Locale) -> String {
        match self {
            Failure::Server(e) => e.message(l),
            Failure::Browser(b) => b.message(l),
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::Server(e)
    }
}

impl From<BrowserFailure> for Failure {
    fn from(b: BrowserFailure) -> Self {
        Failure::Browser(b)
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The calls into the browser's WebAuthn API.
    use super::BrowserFailure;
    use js_sys::{Function, Object, Promise, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn field(target: &JsValue, key: &str) -> Option<JsValue> {
        Reflect::get(target, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn function(target: &JsValue, key: &str) -> Option<Function> {
        field(target, key)?.dyn_into().ok()
    }

    fn failure(error: JsValue) -> BrowserFailure {
        let name = field(&error, "name")
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "AbortError" => BrowserFailure::Cancelled,
            "InvalidStateError" => BrowserFailure::Exists,
            "NotSupportedError" => BrowserFailure::Unsupported,
            _ => BrowserFailure::Other(
                field(&error, "message")
                    .and_then(|m| m.as_string())
                    .filter(|m| !m.is_empty())
                    .unwrap_or(name),
            ),
        }
    }

    /// `navigator.credentials[method]({ publicKey })` with the server's
    /// options (read by `PublicKeyCredential[parse]`); the credential as JSON.
    async fn run(method: &str, parse: &str, options: &str) -> Result<String, BrowserFailure> {
        let global = js_sys::global();
        let class = field(&global, "PublicKeyCredential").ok_or(BrowserFailure::Unsupported)?;
        let parse = function(&class, parse).ok_or(BrowserFailure::Unsupported)?;
        let options = JSON::parse(options).map_err(failure)?;
        let public_key = field(&options, "publicKey")
            .ok_or_else(|| BrowserFailure::Other("publicKey".into()))?;
        let public_key = parse.call1(&class, &public_key).map_err(failure)?;
        let request = Object::new();
        Reflect::set(&request, &JsValue::from_str("publicKey"), &public_key).map_err(failure)?;
        let credentials = field(&global, "navigator")
            .and_then(|n| field(&n, "credentials"))
            .ok_or(BrowserFailure::Unsupported)?;
        let call = function(&credentials, method).ok_or(BrowserFailure::Unsupported)?;
        let promise: Promise = call
            .call1(&credentials, &request)
            .map_err(failure)?
            .dyn_into()
            .map_err(failure)?;
        let credential = JsFuture::from(promise).await.map_err(failure)?;
        if credential.is_null() || credential.is_undefined() {
            return Err(BrowserFailure::Cancelled);
        }
        let to_json = function(&credential, "toJSON").ok_or(BrowserFailure::Unsupported)?;
        let json = to_json.call0(&credential).map_err(failure)?;
        JSON::stringify(&json)
            .map_err(failure)?
            .as_string()
            .ok_or_else(|| BrowserFailure::Other("toJSON".into()))
    }

    /// Makes a new passkey.
    pub async fn create(options: &str) -> Result<String, BrowserFailure> {
        run("create", "parseCreationOptionsFromJSON", options).await
    }

    /// Uses a passkey.
    pub async fn get(options: &str) -> Result<String, BrowserFailure> {
        run("get", "parseRequestOptionsFromJSON", options).await
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    //! On the server there is no browser: ceremonies run from click
    //! handlers, which only the hydrated page runs.
    use super::BrowserFailure;

    pub async fn create(_options: &str) -> Result<String, BrowserFailure> {
        Err(BrowserFailure::Unsupported)
    }

    pub async fn get(_options: &str) -> Result<String, BrowserFailure> {
        Err(BrowserFailure::Unsupported)
    }
}

/// Runs `ceremony` from a click: `busy` while it runs, the failure's words
/// in `error`.
fn run_ceremony<F, T>(
    l: Locale,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    ceremony: F,
    done: impl FnOnce(T) + 'static,
) where
    F: std::future::Future<Output = Result<T, Failure>> + 'static,
    T: 'static,
{
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        let result = ceremony.await;
        busy.set(false);
        match result {
            Ok(value) => done(value),
            Err(failure) => error.set(Some(failure.message(l))),
        }
    });
}

/// A ceremony that ends a sign-in: the server's options (`start`), the
/// browser's passkey, and the server's answer (`finish`) of where to go,
/// which the browser then loads.
fn sign_in_with<S, SF, F, FF>(
    l: Locale,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    next: String,
    start: S,
    finish: F,
) where
    S: FnOnce() -> SF + 'static,
    SF: std::future::Future<Output = Result<PasskeyCeremony, AppError>> + 'static,
    F: FnOnce(CeremonyId, String, Option<String>) -> FF + 'static,
    FF: std::future::Future<Output = Result<String, AppError>> + 'static,
{
    run_ceremony(
        l,
        busy,
        error,
        async move {
            let ceremony = start().await?;
            let credential = browser::get(&ceremony.options).await?;
            Ok(finish(ceremony.ceremony, credential, Some(next)).await?)
        },
        |path: String| {
            let _ = window().location().set_href(&path);
        },
    );
}

/// An alert with the failure's words, if any.
#[component]
fn CeremonyError(error: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.get().is_some()>
            <p class="alert alert-error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </Show>
    }
}

/// One's passkeys, each with its remove button; `on_change` runs after one
/// is removed.
#[component]
pub fn PasskeyList(passkeys: Vec<PasskeySummary>, on_change: Callback<()>) -> impl IntoView {
    let l = use_locale();
    let remove = ServerAction::<RemovePasskey>::new();
    let error = action_error(remove.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            on_change.run(());
        }
    });
    let empty = passkeys.is_empty();
    view! {
        <FormError error/>
        {empty.then(|| view! { <p class="muted small">{td_string!(l, second_factor.passkeys_none)}</p> })}
        <ul class="passkey-list">
            {passkeys.into_iter().map(|p| {
                let added = format::date(l, crate::domain::date::Date::from_unix(p.created_at));
                let used = match p.last_used_at {
                    Some(at) => td_string!(l, second_factor.passkey_used_on, date = format::date(l, crate::domain::date::Date::from_unix(at))).to_string(),
                    None => td_string!(l, second_factor.passkey_never_used).to_string(),
                };
                let label = td_string!(l, second_factor.passkey_remove_label, name = &p.name).to_string();
                view! {
                    <li class="passkey">
                        <div class="passkey-text">
                            <strong class="passkey-name">{p.name.clone()}</strong>
                            <span class="muted small">{td_string!(l, second_factor.passkey_added_on, date = added).to_string()}{used}</span>
                        </div>
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="passkey_id" value=p.id.to_string()/>
                            <button type="submit" class="button button-secondary button-small" aria-label=label disabled=move || remove.pending().get()>
                                {td_string!(l, second_factor.passkey_remove)}
                            </button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Adding a passkey: its name, then the browser's dialog. `next` travels
/// with it (a sign-in that required a second factor goes there after);
/// `on_done` runs once any new recovery codes were seen, with where to go.
#[component]
pub fn AddPasskey(
    #[prop(into)] next: Signal<String>,
    on_done: Callback<Option<String>>,
) -> impl IntoView {
    let l = use_locale();
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let added = RwSignal::new(None::<(String, Vec<String>, Option<String>)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (typed, next) = (name.get_untracked(), next.get_untracked());
        // The name first: the device is not asked for a passkey the server
        // would then refuse to keep.
        if let Err(problem) = passkey_name(&typed) {
            error.set(Some(AppError::invalid("name", problem).message(l)));
            return;
        }
        run_ceremony(
            l,
            busy,
            error,
            async move {
                let ceremony = start_passkey_registration().await?;
                let credential = browser::create(&ceremony.options).await?;
                Ok(
                    finish_passkey_registration(ceremony.ceremony, typed, credential, Some(next))
                        .await?,
                )
            },
            move |done| {
                name.set(String::new());
                if done.recovery_codes.is_empty() {
                    added.set(Some((done.passkey.name, Vec::new(), None)));
                    on_done.run(done.next);
                } else {
                    added.set(Some((done.passkey.name, done.recovery_codes, done.next)));
                }
            },
        );
    };
    view! {
        <div class="add-passkey">
            {move || added.get().map(|(added_name, codes, go)| {
                if codes.is_empty() {
                    view! { <p class="alert alert-success" role="status">{td_string!(l, second_factor.passkey_added, name = added_name).to_string()}</p> }.into_any()
                } else {
                    view! { <RecoveryCodes codes on_continue=Callback::new(move |()| { added.set(None); on_done.run(go.clone()) })/> }.into_any()
                }
            })}
            <CeremonyError error/>
            <form class="stack add-passkey-form" on:submit=submit novalidate="novalidate">
                <div class="field">
                    <label for="passkey-name">{td_string!(l, second_factor.passkey_name_label)}</label>
                    <input
                        id="passkey-name"
                        name="name"
                        type="text"
                        autocomplete="off"
                        maxlength=PASSKEY_NAME_MAX.to_string()
                        required
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                    <p class="hint small muted">{td_string!(l, second_factor.passkey_name_hint)}</p>
                </div>
                <button type="submit" class="button" disabled=move || busy.get()>
                    {move || if busy.get() { td_string!(l, second_factor.passkey_waiting) } else { td_string!(l, second_factor.passkey_add) }}
                </button>
            </form>
        </div>
    }
}

/// The passkey step of a sign-in: one button; the browser goes on to
/// `next` once the passkey is verified.
#[component]
pub fn UsePasskey(#[prop(into)] next: Signal<String>) -> impl IntoView {
    let l = use_locale();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let click = move |_| {
        sign_in_with(
            l,
            busy,
            error,
            next.get_untracked(),
            start_passkey_verification,
            finish_passkey_verification,
        )
    };
    view! {
        <CeremonyError error/>
        <button type="button" class="button use-passkey" on:click=click disabled=move || busy.get()>
            {move || if busy.get() { td_string!(l, second_factor.passkey_waiting) } else { td_string!(l, second_factor.passkey_use) }}
        </button>
    }
}

/// "Sign in with a passkey" under the password form, where the firm
/// allows a passkey alone. Asked for once the page is live (an effect runs
/// in the browser only), so the server renders the same sign-in page for
/// everyone and the button appears only when it can work.
#[component]
pub fn PasskeySignIn(#[prop(into)] next: Signal<String>) -> impl IntoView {
    let l = use_locale();
    let offered = RwSignal::new(false);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(true) = passkey_sign_in_offered().await {
                offered.set(true);
            }
        });
    });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let click = move |_| {
        sign_in_with(
            l,
            busy,
            error,
            next.get_untracked(),
            start_passkey_sign_in,
            finish_passkey_sign_in,
        )
    };
    view! {
        <Show when=move || offered.get()>
            <div class="passkey-sign-in">
                <p class="divider small muted"><span>{td_string!(l, second_factor.passkey_or)}</span></p>
                <CeremonyError error/>
                <button type="button" class="button button-secondary use-passkey" on:click=click disabled=move || busy.get()>
                    {move || if busy.get() { td_string!(l, second_factor.passkey_waiting) } else { td_string!(l, second_factor.passkey_sign_in) }}
                </button>
            </div>
        </Show>
    }
}
