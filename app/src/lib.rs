//! Visadesk's product: domain rules, the server-function API and the pages.
//! Compiled with `ssr` into the server and with `hydrate` into the browser.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod bundle;
pub mod components;
pub mod domain;
pub mod eligibility;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod query;
mod root;
pub mod routes;
#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
mod split_room;

pub use error::{AppError, LinkKind};
#[cfg(feature = "ssr")]
pub use root::shell;
pub use root::App;

/// Entry point of the browser bundle: hydrates the server-rendered page,
/// loading the page's own code (a lazy route, see [`routes`]) before it
/// hydrates that part.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(App);
}
