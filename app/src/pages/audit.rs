//! `/admin/audit`: the audit trail, filtered by who, what and which object.

use crate::api::audit::audit_events;
use crate::components::layout::RequirePermission;
use crate::domain::audit::{AuditEvent, AUDIT_PAGE_SIZE};
use crate::domain::{CurrentUser, Permission};
use crate::i18n::format::date_time;
use crate::i18n::{td_string, use_locale, Locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The audit page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, audit.title)/>
        <RequirePermission permission=Permission::ViewAudit page=|_: CurrentUser| view! { <Audit/> }/>
    }
}

#[component]
fn Audit() -> impl IntoView {
    let l = use_locale();
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
        <p class="muted small"><A href="/admin">{td_string!(l, sections.admin)}</A> " / " {td_string!(l, audit.title)}</p>
        <h1>{td_string!(l, audit.title)}</h1>
        <p class="muted">
            {td_string!(l, audit.intro)} " "
            <code>"visadesk audit verify"</code> " " {td_string!(l, audit.intro_verify)}
        </p>
        <section class="card" aria-labelledby="audit-filter-title">
            <h2 id="audit-filter-title" class="sr-only">{td_string!(l, audit.filter)}</h2>
            <Form method="GET" action="" attr:class="grid-form">
                <div class="field">
                    <label for="audit-actor">{td_string!(l, audit.who_contains)}</label>
                    <input id="audit-actor" type="search" name="actor" prop:value=move || param("actor").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="audit-action">{td_string!(l, audit.what)}</label>
                    <select id="audit-action" name="action">
                        {ACTIONS
                            .iter()
                            .map(|code| {
                                let code = *code;
                                view! { <option value=code selected=move || param("action").as_deref().unwrap_or("") == code>{action_name(l, code)}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-object">{td_string!(l, audit.object)}</label>
                    <input id="audit-object" type="search" name="object" prop:value=move || param("object").unwrap_or_default()/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button">{td_string!(l, audit.show)}</button>
                    " "
                    <A href="/admin/audit" attr:class="button button-secondary">{td_string!(l, audit.clear)}</A>
                </div>
            </Form>
        </section>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(list) if list.is_empty() => view! { <div class="empty"><p>{td_string!(l, audit.none)}</p></div> }.into_any(),
                    Ok(list) => {
                        let oldest = list.last().map(|e| e.seq);
                        let full = list.len() as i64 == AUDIT_PAGE_SIZE;
                        view! {
                            <EventTable events=list/>
                            {(full).then(|| oldest.map(|o| view! { <p><a class="button button-secondary" href=older_link(o)>{td_string!(l, audit.older)}</a></p> }))}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The filter's choices of action (prefixes; empty is every action).
const ACTIONS: [&str; 7] = [
    "",
    "auth.",
    "auth.sign_in_failed",
    "user.",
    "session.",
    "access.denied",
    "case.",
];

/// A filter choice's name.
fn action_name(l: Locale, prefix: &str) -> &'static str {
    match prefix {
        "auth." => td_string!(l, audit.actions.sign_ins),
        "auth.sign_in_failed" => td_string!(l, audit.actions.failed_sign_ins),
        "user." => td_string!(l, audit.actions.users),
        "session." => td_string!(l, audit.actions.sessions),
        "access.denied" => td_string!(l, audit.actions.refused),
        "case." => td_string!(l, audit.actions.cases),
        _ => td_string!(l, audit.actions.everything),
    }
}

/// The events. A row's details are kept as they were recorded (English),
/// and marked so.
#[component]
fn EventTable(events: Vec<AuditEvent>) -> impl IntoView {
    let l = use_locale();
    let (when, who, what, details, from) = (
        td_string!(l, audit.when),
        td_string!(l, audit.who),
        td_string!(l, audit.what),
        td_string!(l, audit.details),
        td_string!(l, audit.from),
    );
    view! {
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{when}</th>
                        <th scope="col">{who}</th>
                        <th scope="col">{what}</th>
                        <th scope="col">{details}</th>
                        <th scope="col">{from}</th>
                    </tr>
                </thead>
                <tbody>
                    {events
                        .into_iter()
                        .map(|e| {
                            let system = e.actor_email.starts_with("system:").then_some("en");
                            view! {
                            <tr>
                                <td data-label="#">{e.seq}</td>
                                <td data-label=when>{date_time(l, e.at)}</td>
                                // Visadesk's own actions are recorded as
                                // "system: <what>", in English like the details.
                                <td data-label=who lang=system>{e.actor_email}</td>
                                <td data-label=what><code>{e.action}</code></td>
                                <td data-label=details lang="en">{e.summary}</td>
                                <td data-label=from>{if e.ip.is_empty() { "—".to_string() } else { e.ip }}</td>
                            </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
