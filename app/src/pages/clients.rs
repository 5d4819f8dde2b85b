//! `/clients`: find clients by name (any script), email, passport number or
//! nationality; sort; page through.

use crate::api::clients::list_clients;
use crate::components::layout::{RequirePermission, ViewerResource};
use crate::domain::client::{ClientPage, ClientSort, CLIENT_PAGE_SIZE};
use crate::domain::time::format_utc;
use crate::domain::{CurrentUser, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The client list.
#[component]
pub fn ClientsPage() -> impl IntoView {
    view! {
        <Title text="Clients"/>
        <RequirePermission permission=Permission::ViewClients page=|v: CurrentUser| view! { <Clients viewer=v/> }/>
    }
}

#[component]
fn Clients(viewer: CurrentUser) -> impl IntoView {
    let _ = expect_context::<ViewerResource>();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let sort = move || ClientSort::from_code(&query.read().get("sort").unwrap_or_default());
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let clients = Resource::new(
        move || (q(), sort(), page()),
        |(q, sort, page)| list_clients(Some(q), Some(sort.code().to_string()), Some(page)),
    );
    let can_edit = viewer.role.can(Permission::EditClients);
    view! {
        <div class="page-head">
            <h1>"Clients"</h1>
            {can_edit.then(|| view! { <A href="/clients/new" attr:class="button">"New client"</A> })}
        </div>
        <Form method="GET" action="" attr:class="toolbar" attr:role="search">
            <div class="field grow">
                <label for="client-q">"Search"</label>
                <input id="client-q" type="search" name="q" prop:value=q placeholder="Name (any script), email, passport, nationality"/>
            </div>
            <div class="field">
                <label for="client-sort">"Sort by"</label>
                <select id="client-sort" name="sort">
                    {ClientSort::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.code() selected=move || sort() == s>{s.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match clients.await {
                    Ok(p) if p.total == 0 && q().is_empty() => view! {
                        <div class="empty"><p>"No clients yet."</p></div>
                    }.into_any(),
                    Ok(p) if p.total == 0 => view! {
                        <div class="empty"><p>"No client matches “" {q()} "”."</p></div>
                    }.into_any(),
                    Ok(p) => view! { <ClientTable page=p q=q() sort=sort()/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ClientTable(page: ClientPage, q: String, sort: ClientSort) -> impl IntoView {
    let pages = ((page.total + CLIENT_PAGE_SIZE - 1) / CLIENT_PAGE_SIZE).max(1);
    let link = move |n: i64| {
        let mut parts = vec![format!("page={n}"), format!("sort={}", sort.code())];
        if !q.is_empty() {
            parts.push(format!("q={}", crate::query::encode(&q)));
        }
        format!("/clients?{}", parts.join("&"))
    };
    let (prev, next) = (
        (page.page > 1).then(|| link(page.page - 1)),
        (page.page < pages).then(|| link(page.page + 1)),
    );
    view! {
        <p class="muted small" role="status">
            {if page.more {
                format!("More than {} clients match; showing the first {} · page {} of {} · add a word to narrow the search", page.total, page.total, page.page, pages)
            } else {
                format!("{} client{} · page {} of {}", page.total, if page.total == 1 { "" } else { "s" }, page.page, pages)
            }}
        </p>
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Nationality"</th>
                        <th scope="col">"Passport"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Updated"</th>
                    </tr>
                </thead>
                <tbody>
                    {page
                        .clients
                        .into_iter()
                        .map(|c| {
                            let latin = (!c.latin_name.is_empty() && c.latin_name != c.full_name).then_some(c.latin_name.clone());
                            view! {
                            <tr>
                                <td data-label="Name">
                                    <A href=format!("/clients/{}", c.id)>{c.full_name.clone()}</A>
                                    {latin.map(|l| view! { <span class="muted small">" · " {l}</span> })}
                                </td>
                                <td data-label="Nationality">{c.nationality}</td>
                                <td data-label="Passport">{c.passport_number}</td>
                                <td data-label="Email">{c.email}</td>
                                <td data-label="Updated">{format_utc(c.updated_at)}</td>
                            </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {prev.map(|href| view! { <a class="button button-secondary" href=href rel="prev">"Previous"</a> })}
            {next.map(|href| view! { <a class="button button-secondary" href=href rel="next">"Next"</a> })}
        </nav>
    }
}
