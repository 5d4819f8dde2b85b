//! The words of the interface, in every language Visadesk speaks.
//!
//! The catalogues are `app/locales/<code>.json`, compiled by `build.rs` with
//! `leptos_i18n` into typed keys: `td!(locale, sign_in.title)` in a view,
//! `td_string!(locale, key, name = value)` for text. A key the code uses and
//! English lacks does not compile; a key missing from another language shows
//! the English (the build warns, and `catalogue_tests` fails).
//!
//! The language of a request is chosen once, on the server
//! ([`Language::choose`]: the account, then the `visadesk_lang` cookie, then
//! `Accept-Language`), written into `<html lang>`, and read back from there
//! by the browser, so both render the same words. Changing it reloads the
//! page ([`crate::components::language::LanguageSwitcher`]).
//!
//! Adding a language: copy `locales/en.json` to `locales/<code>.json` and
//! translate every value; add the code to `build.rs` and a variant to
//! [`Language`] (its code, its own name, and what `from_code` reads). The
//! tests then check that the new catalogue has every key and no stray ones.

use crate::domain::Language;
use leptos::prelude::*;

#[allow(missing_docs, unused_imports, dead_code, clippy::all, unreachable_pub)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}

pub use generated::i18n::Locale;
pub use leptos_i18n::{td, td_display, td_string};

pub mod eligibility;
pub mod format;
pub mod names;
pub mod notices;
pub mod problems;

/// The name of the cookie that keeps the language picked before signing in.
pub const LANGUAGE_COOKIE: &str = "visadesk_lang";

impl Language {
    /// The catalogue of this language.
    pub fn locale(self) -> Locale {
        match self {
            Language::English => Locale::en,
            Language::ChineseSimplified => Locale::zh_Hans,
        }
    }
}

/// Makes `language` the language of everything rendered below.
pub fn provide_language(language: Language) {
    provide_context(language);
}

/// The language of the page being rendered (English if none was provided).
pub fn use_language() -> Language {
    use_context::<Language>().unwrap_or_default()
}

/// The catalogue of the page being rendered, for `td!` and `td_string!`.
pub fn use_locale() -> Locale {
    use_language().locale()
}

/// The language the server chose for this page, as it wrote it into
/// `<html lang>`; English if it is missing or unknown.
#[cfg(feature = "hydrate")]
pub fn page_language() -> Language {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|code| Language::from_code(&code))
        .unwrap_or_default()
}

/// The language of the request being answered: the signed-in person's
/// account, else a link's own `?lang=` (an invitation is written in its
/// client's language, and so is the page it opens), else the cookie, else
/// `Accept-Language`, else English.
#[cfg(feature = "ssr")]
pub fn request_language() -> Language {
    let account = crate::api::context::viewer()
        .and_then(|viewer| viewer.language)
        .or_else(link_language)
        .map(Language::code);
    let cookie = crate::api::context::cookie(LANGUAGE_COOKIE);
    let accept = use_context::<leptos_actix::Request>().and_then(|req| {
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    Language::choose(account, cookie.as_deref(), accept.as_deref())
}

/// The `lang` query parameter of the request, if it names a language.
#[cfg(feature = "ssr")]
fn link_language() -> Option<Language> {
    let req = use_context::<leptos_actix::Request>()?;
    req.query_string()
        .split('&')
        .filter_map(|pair| pair.strip_prefix("lang="))
        .find_map(Language::from_code)
}

/// The language of the page: chosen from the request on the server, read
/// from `<html lang>` in the browser.
pub fn current_language() -> Language {
    #[cfg(feature = "ssr")]
    {
        request_language()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        page_language()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Language::default()
    }
}

#[cfg(test)]
mod catalogue_tests;
