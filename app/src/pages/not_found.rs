//! Any path no route matches.

use crate::components::layout::set_page_status;
use leptos::prelude::*;
use leptos_meta::Title;

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    set_page_status(404);
    view! {
        <Title text="Not found"/>
        <main id="main" class="page">
            <section class="card narrow">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address. Check the link, or go back to the dashboard."</p>
                <p><a href="/">"Dashboard"</a></p>
            </section>
        </main>
    }
}
