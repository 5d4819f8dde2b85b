//! `/`: where staff land after signing in.

use crate::components::layout::RequirePermission;
use crate::domain::{Permission, Section, Viewer};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The staff dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text="Dashboard"/>
        <RequirePermission permission=Permission::ViewDashboard page=|v: Viewer| view! { <Dashboard viewer=v/> }/>
    }
}

#[component]
fn Dashboard(viewer: Viewer) -> impl IntoView {
    let sections: Vec<Section> = Section::visible_to(viewer.role)
        .into_iter()
        .filter(|s| *s != Section::Dashboard)
        .collect();
    view! {
        <h1>"Welcome, " {viewer.display_name.clone()}</h1>
        <p class="muted">"Signed in as " {viewer.role.label()} "."</p>
        <ul class="tiles">
            {sections
                .into_iter()
                .map(|s| {
                    let blurb = match s {
                        Section::Clients => "The firm's clients and their profiles.",
                        Section::Cases => "Every application and the stage it is in.",
                        Section::Admin => "Users, roles and access.",
                        Section::Dashboard => "",
                    };
                    view! {
                        <li class="tile">
                            <A href=s.path()>{s.label()}</A>
                            <p class="muted small">{blurb}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
