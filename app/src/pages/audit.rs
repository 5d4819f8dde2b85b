//! `/admin/audit`: the audit trail, filtered by who, what and which object.

use crate::api::audit::audit_events;
use crate::components::layout::RequirePermission;
use crate::domain::audit::{AuditEvent, AUDIT_PAGE_SIZE};
use crate::domain::time::format_utc;
use crate::domain::{CurrentUser, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The audit page.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit trail"/>
        <RequirePermission permission=Permission::ViewAudit page=|_: CurrentUser| view! { <Audit/> }/>
    }
}

#[component]
fn Audit() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.trim().is_empty());
    let events = Resource::new(
        move || {
            (
                param("actor"),
                param("action"),
                param("object"),
                param("before").and_then(|b| b.parse::<i64>().ok()),
            )
        },
        |(actor, action, object, before)| audit_events(actor, action, object, before),
    );
    let older_link = move |oldest: i64| {
        let mut q = vec![format!("before={oldest}")];
        for name in ["actor", "action", "object"] {
            if let Some(v) = param(name) {
                q.push(format!("{name}={}", crate::query::encode(&v)));
            }
        }
        format!("/admin/audit?{}", q.join("&"))
    };
    view! {
        <p class="muted small"><A href="/admin">"Admin"</A> " / Audit trail"</p>
        <h1>"Audit trail"</h1>
        <p class="muted">
            "Every sign-in, change and refusal, newest first. Rows are chained by hash; "
            <code>"visadesk audit verify"</code> " reports any row changed or removed."
        </p>
        <section class="card" aria-labelledby="audit-filter-title">
            <h2 id="audit-filter-title" class="sr-only">"Filter"</h2>
            <Form method="GET" action="" attr:class="grid-form">
                <div class="field">
                    <label for="audit-actor">"Who (email contains)"</label>
                    <input id="audit-actor" type="search" name="actor" prop:value=move || param("actor").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="audit-action">"What"</label>
                    <select id="audit-action" name="action">
                        {ACTIONS
                            .iter()
                            .map(|(code, label)| {
                                let code = *code;
                                view! { <option value=code selected=move || param("action").as_deref().unwrap_or("") == code>{*label}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-object">"Object id"</label>
                    <input id="audit-object" type="search" name="object" prop:value=move || param("object").unwrap_or_default()/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button">"Show events"</button>
                    " "
                    <A href="/admin/audit" attr:class="button button-secondary">"Clear"</A>
                </div>
            </Form>
        </section>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(list) if list.is_empty() => view! { <div class="empty"><p>"No events match."</p></div> }.into_any(),
                    Ok(list) => {
                        let oldest = list.last().map(|e| e.seq);
                        let full = list.len() as i64 == AUDIT_PAGE_SIZE;
                        view! {
                            <EventTable events=list/>
                            {(full).then(|| oldest.map(|o| view! { <p><a class="button button-secondary" href=older_link(o)>"Older events"</a></p> }))}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The filter's choices of action (prefixes).
const ACTIONS: [(&str, &str); 7] = [
    ("", "Everything"),
    ("auth.", "Sign-ins and sign-outs"),
    ("auth.sign_in_failed", "Failed sign-ins"),
    ("user.", "User changes"),
    ("session.", "Ended sessions"),
    ("access.denied", "Refused requests"),
    ("case.", "Case changes"),
];

#[component]
fn EventTable(events: Vec<AuditEvent>) -> impl IntoView {
    view! {
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Details"</th>
                        <th scope="col">"From"</th>
                    </tr>
                </thead>
                <tbody>
                    {events
                        .into_iter()
                        .map(|e| view! {
                            <tr>
                                <td data-label="#">{e.seq}</td>
                                <td data-label="When">{format_utc(e.at)}</td>
                                <td data-label="Who">{e.actor_email}</td>
                                <td data-label="What"><code>{e.action}</code></td>
                                <td data-label="Details">{e.summary}</td>
                                <td data-label="From">{if e.ip.is_empty() { "—".to_string() } else { e.ip }}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
