//! `/clients`: the firm's clients.

use crate::components::layout::RequirePermission;
use crate::domain::{Permission, Viewer};
use leptos::prelude::*;
use leptos_meta::Title;

/// The client list.
#[component]
pub fn ClientsPage() -> impl IntoView {
    view! {
        <Title text="Clients"/>
        <RequirePermission
            permission=Permission::ViewClients
            page=|_: Viewer| view! {
                <h1>"Clients"</h1>
                <div class="empty">
                    <p>"No clients yet."</p>
                </div>
            }
        />
    }
}
