//! Any path no route matches.

use crate::components::layout::set_page_status;
use crate::i18n::{td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    set_page_status(404);
    let l = use_locale();
    view! {
        <Title text=td_string!(l, not_found.title)/>
        <main id="main" class="page">
            <section class="card narrow">
                <h1>{td_string!(l, not_found.heading)}</h1>
                <p>{td_string!(l, not_found.body)}</p>
                <p><a href="/">{td_string!(l, not_found.dashboard)}</a></p>
            </section>
        </main>
    }
}
