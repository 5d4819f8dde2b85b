//! `/cases`: the firm's cases.

use crate::components::layout::RequirePermission;
use crate::domain::{Permission, Viewer};
use leptos::prelude::*;
use leptos_meta::Title;

/// The case list.
#[component]
pub fn CasesPage() -> impl IntoView {
    view! {
        <Title text="Cases"/>
        <RequirePermission
            permission=Permission::ViewCases
            page=|_: Viewer| view! {
                <h1>"Cases"</h1>
                <div class="empty">
                    <p>"No cases yet."</p>
                </div>
            }
        />
    }
}
