//! `/clients`: find clients by name (any script), email, passport number or
//! nationality; sort; page through.

use crate::api::clients::list_clients;
use crate::components::layout::{RequirePermission, ViewerResource};
use crate::domain::client::{ClientPage, ClientSort, CLIENT_PAGE_SIZE};
use crate::domain::{CurrentUser, Permission};
use crate::i18n::{format, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The client list.
#[component]
pub fn ClientsPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, clients.title)/>
        <RequirePermission permission=Permission::ViewClients page=|v: CurrentUser| view! { <Clients viewer=v/> }/>
    }
}

#[component]
fn Clients(viewer: CurrentUser) -> impl IntoView {
    let l = use_locale();
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
            <h1>{td_string!(l, clients.title)}</h1>
            {can_edit.then(|| view! { <A href="/clients/new" attr:class="button">{td_string!(l, clients.new)}</A> })}
        </div>
        <Form method="GET" action="" attr:class="toolbar" attr:role="search">
            <div class="field grow">
                <label for="client-q">{td_string!(l, clients.search)}</label>
                <input id="client-q" type="search" name="q" prop:value=q placeholder=td_string!(l, clients.search_hint)/>
            </div>
            <div class="field">
                <label for="client-sort">{td_string!(l, clients.sort_by)}</label>
                <select id="client-sort" name="sort">
                    {ClientSort::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.code() selected=move || sort() == s>{sort_name(l, s)}</option> })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{td_string!(l, clients.search)}</button>
        </Form>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match clients.await {
                    Ok(p) if p.total == 0 && q().is_empty() => view! {
                        <div class="empty"><p>{td_string!(l, clients.none_yet)}</p></div>
                    }.into_any(),
                    Ok(p) if p.total == 0 => view! {
                        <div class="empty"><p>{td_string!(l, clients.no_match, query = q()).to_string()}</p></div>
                    }.into_any(),
                    Ok(p) => view! { <ClientTable page=p q=q() sort=sort()/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ClientTable(page: ClientPage, q: String, sort: ClientSort) -> impl IntoView {
    let l = use_locale();
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
                td_string!(l, clients.more_than, total = page.total, page = page.page, pages = pages).to_string()
            } else if page.total == 1 {
                td_string!(l, clients.count_page_one, page = page.page, pages = pages).to_string()
            } else {
                td_string!(l, clients.count_page, total = page.total, page = page.page, pages = pages).to_string()
            }}
        </p>
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, clients.name)}</th>
                        <th scope="col">{td_string!(l, clients.nationality)}</th>
                        <th scope="col">{td_string!(l, clients.passport)}</th>
                        <th scope="col">{td_string!(l, common.email)}</th>
                        <th scope="col">{td_string!(l, clients.updated)}</th>
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
                                <td data-label=td_string!(l, clients.name)>
                                    <A href=format!("/clients/{}", c.id)>{c.full_name.clone()}</A>
                                    {latin.map(|latin| view! { <span class="muted small">" · " {latin}</span> })}
                                </td>
                                <td data-label=td_string!(l, clients.nationality)>{c.nationality}</td>
                                <td data-label=td_string!(l, clients.passport)>{c.passport_number}</td>
                                <td data-label=td_string!(l, common.email)>{c.email}</td>
                                <td class="nowrap" data-label=td_string!(l, clients.updated)>{format::date_time(l, c.updated_at)}</td>
                            </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label=td_string!(l, clients.pages)>
            {prev.map(|href| view! { <a class="button button-secondary" href=href rel="prev">{td_string!(l, clients.previous)}</a> })}
            {next.map(|href| view! { <a class="button button-secondary" href=href rel="next">{td_string!(l, clients.next)}</a> })}
        </nav>
    }
}

/// The name of a sort order in the menu.
fn sort_name(l: crate::i18n::Locale, sort: ClientSort) -> &'static str {
    match sort {
        ClientSort::Name => td_string!(l, client_sorts.name),
        ClientSort::RecentlyUpdated => td_string!(l, client_sorts.recently_updated),
        ClientSort::Nationality => td_string!(l, client_sorts.nationality),
    }
}
